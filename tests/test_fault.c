/* SPDX-License-Identifier: MIT */
/*
 * Tests of the fault-injecting target wrapper (sim/fault.h): which I/Os
 * each kind hits and what they come back with, on the mem target and on a
 * real file through io_uring; and the backend's retry policy for -EAGAIN,
 * driving a backend from this thread with a fake clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/backend.h"
#include "sim/engine.h"
#include "sim/fault.h"
#include "tests/cu_main.h"
#define FAKE_CLOCK_TICK_NS 10
#include "tests/fake_clock.h"

#define DISK_BYTES (1024 * 1024)

static uint8_t buf[8192] __attribute__((aligned(4096)));

struct wrapped {
	const struct target_ops *inner;
	const struct target_ops *ops;
	struct fault *f;
};

/* Opens @name (the file at @path for uring) and wraps it in @cfg. */
static int wrap(struct wrapped *w, const char *name, const char *path,
		const struct fault_config *cfg)
{
	struct target_config tc;
	void *state;
	char why[160];
	int rc;

	w->inner = target_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w->inner);
	target_config_default(&tc);
	tc.size_bytes = DISK_BYTES;
	tc.path = path;
	tc.depth = 16;
	rc = target_open(w->inner, &tc, &state, why, sizeof(why));
	if (rc == -ENOSYS || rc == -EPERM) {
		cu_skip("io_uring is unavailable");
		return rc;
	}
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	rc = fault_create(cfg, w->inner, state, 16, &w->ops, &w->f, why,
			  sizeof(why));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return 0;
}

static void set_io(struct target_io *io, uint64_t off, uint32_t len, bool write,
		   uint64_t user)
{
	memset(io, 0, sizeof(*io));
	io->offset_bytes = off;
	io->iov[0].iov_base = buf;
	io->iov[0].iov_len = len;
	io->nr_iov = 1;
	io->write = write;
	io->user = user;
}

/* Submits @io and waits for it; its result, or 1 if it never came back. */
static int32_t run_io(const struct wrapped *w, struct target_io *io)
{
	struct target_io *done[4];
	int rc = w->ops->submit(w->f, io);

	if (rc == TARGET_DONE)
		return io->result;
	CU_ASSERT_EQUAL_FATAL(rc, TARGET_QUEUED);
	CU_ASSERT_EQUAL(w->ops->flush(w->f), 0);
	rc = w->ops->reap(w->f, done, 4, true);
	if (rc == 0)
		return 1;
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_EQUAL(done[0], io);
	return io->result;
}

/* Each kind on the mem target, every I/O drawn (rate 10^6). */
static void test_kinds_mem(void)
{
	static const struct {
		enum fault_kind kind;
		int32_t read, write; /* results of a 4 KiB read and write */
	} cases[] = {
		{ FAULT_NONE, 4096, 4096 },
		{ FAULT_EIO, -EIO, -EIO },
		{ FAULT_SHORT, 2048, 2048 },
		{ FAULT_EAGAIN, -EAGAIN, -EAGAIN },
		{ FAULT_NOSPACE, 4096, -ENOSPC },
		{ FAULT_STALL, 1, 1 },
		{ FAULT_BACKEND_STOP, 4096, 4096 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fault_config cfg;
		struct fault_stats st;
		struct target_io r, wr;
		struct wrapped w;

		fault_config_default(&cfg);
		cfg.kind = cases[i].kind;
		cfg.rate_ppm = 1000000;
		wrap(&w, "mem", NULL, &cfg);
		set_io(&r, 8192, 4096, false, 1);
		set_io(&wr, 0, 4096, true, 2);
		CU_ASSERT_EQUAL(run_io(&w, &r), cases[i].read);
		CU_ASSERT_EQUAL(run_io(&w, &wr), cases[i].write);
		fault_stats(w.f, &st);
		CU_ASSERT_EQUAL(st.ios, 2);
		/* backend-stop hits once: the I/Os after it are not drawn. */
		CU_ASSERT_EQUAL(st.injected,
				cases[i].kind == FAULT_NONE ? 0 :
				cases[i].kind == FAULT_NOSPACE ||
						cases[i].kind ==
							FAULT_BACKEND_STOP ?
							      1 :
							      2);
		CU_ASSERT_EQUAL(st.stopped,
				cases[i].kind == FAULT_BACKEND_STOP);
		CU_ASSERT_EQUAL(fault_backend_stopped(w.f),
				cases[i].kind == FAULT_BACKEND_STOP);
		CU_ASSERT_EQUAL(st.stalled,
				cases[i].kind == FAULT_STALL ? 2 : 0);
		/* A stalled wrapper is not synchronous; the others are. */
		CU_ASSERT_EQUAL(!!(w.ops->flags & TARGET_F_SYNC),
				cases[i].kind != FAULT_STALL);
		w.ops->fini(w.f);
		if (cases[i].kind == FAULT_STALL) {
			CU_ASSERT_EQUAL(r.result, -ETIMEDOUT);
			CU_ASSERT_EQUAL(wr.result, -ETIMEDOUT);
		}
	}
}

/* Only I/Os that overlap the region are hit. */
static void test_offset(void)
{
	struct fault_config cfg;
	struct fault_stats st;
	struct target_io io;
	struct wrapped w;

	fault_config_default(&cfg);
	cfg.kind = FAULT_EIO;
	cfg.rate_ppm = 1000000;
	cfg.offset_bytes = 12288 + 512;
	cfg.length_bytes = 512;
	wrap(&w, "mem", NULL, &cfg);
	for (uint64_t off = 0; off < 32768; off += 4096) {
		set_io(&io, off, 4096, false, off);
		CU_ASSERT_EQUAL(run_io(&w, &io), off == 12288 ? -EIO : 4096);
	}
	set_io(&io, 8192, 8192, true, 0); /* covers 8192..16383 */
	CU_ASSERT_EQUAL(run_io(&w, &io), -EIO);
	fault_stats(w.f, &st);
	CU_ASSERT_EQUAL(st.injected, 2);
	CU_ASSERT_EQUAL(st.ios, 9);
	w.ops->fini(w.f);
}

/* The rate over many draws, and the same seed giving the same faults. */
static void test_rate_and_seed(void)
{
	static const uint32_t rates[] = { 0, 1000, 100000, 500000 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t first = 0;

		for (int pass = 0; pass < 2; pass++) {
			struct fault_config cfg;
			struct fault_stats st;
			struct target_io io;
			struct wrapped w;
			uint64_t hits = 0, sum = 0;

			fault_config_default(&cfg);
			cfg.kind = FAULT_EIO;
			cfg.rate_ppm = rates[i];
			cfg.seed = 99;
			wrap(&w, "null", NULL, &cfg);
			for (unsigned int n = 0; n < 100000; n++) {
				set_io(&io, 0, 512, false, n);
				if (run_io(&w, &io) == -EIO) {
					hits++;
					sum += n;
				}
			}
			fault_stats(w.f, &st);
			CU_ASSERT_EQUAL(st.injected, hits);
			/* Within 5 sigma of n p: a fixed seed, so exact. */
			double mean = 100000.0 * rates[i] / 1e6;
			double sd = mean > 0 ? 5 * __builtin_sqrt(mean) : 0;

			CU_ASSERT(hits >= mean - sd && hits <= mean + sd);
			if (pass == 0)
				first = sum;
			else
				CU_ASSERT_EQUAL(sum, first);
			w.ops->fini(w.f);
		}
	}
}

static int temp_file(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/blkring-fault-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	return 0;
}

/* On a real file through io_uring: short and stall on queued I/O. */
static void test_kinds_file(void)
{
	struct fault_config cfg;
	struct fault_stats st;
	struct target_io io;
	struct wrapped w;
	char path[64];

	temp_file(path, sizeof(path));
	fault_config_default(&cfg);
	cfg.kind = FAULT_SHORT;
	cfg.rate_ppm = 1000000;
	if (wrap(&w, "uring", path, &cfg) == 0) {
		set_io(&io, 4096, 8192, true, 7);
		CU_ASSERT_EQUAL(run_io(&w, &io), 4096);
		set_io(&io, 4096, 8192, false, 8);
		CU_ASSERT_EQUAL(run_io(&w, &io), 4096);
		w.ops->fini(w.f);
	}
	cfg.kind = FAULT_STALL;
	cfg.rate_ppm = 500000;
	if (wrap(&w, "uring", path, &cfg) == 0) {
		unsigned int ok = 0, stalled = 0;

		for (unsigned int n = 0; n < 8; n++) {
			int32_t r;

			set_io(&io, 4096 * n, 4096, false, n);
			r = run_io(&w, &io);
			if (r == 4096)
				ok++;
			else if (r == 1)
				stalled++;
			if (r ==
			    1) /* held: the next I/O needs its own struct */
				break;
		}
		fault_stats(w.f, &st);
		CU_ASSERT_EQUAL(stalled, 1);
		CU_ASSERT_EQUAL(st.stalled, 1);
		CU_ASSERT_EQUAL(ok + stalled, st.ios);
		w.ops->fini(w.f);
		CU_ASSERT_EQUAL(io.result, -ETIMEDOUT);
	}
	unlink(path);
}

static void test_bad_config(void)
{
	struct fault_config cfg;
	const struct target_ops *ops;
	struct fault *f;
	char why[160];
	enum fault_kind k;

	fault_config_default(&cfg);
	cfg.rate_ppm = 1000001;
	CU_ASSERT_EQUAL(fault_create(&cfg, target_find("null"), NULL, 16, &ops,
				     &f, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "0..1000000"));
	cfg.rate_ppm = 1;
	cfg.kind = FAULT_NR;
	CU_ASSERT_EQUAL(fault_create(&cfg, target_find("null"), NULL, 16, &ops,
				     &f, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_EQUAL(fault_kind_parse("stall", &k), 0);
	CU_ASSERT_EQUAL(k, FAULT_STALL);
	CU_ASSERT_EQUAL(fault_kind_parse("crash", &k), -EINVAL);
	CU_ASSERT_STRING_EQUAL(fault_kind_name(FAULT_NOSPACE), "nospace");
	CU_ASSERT_STRING_EQUAL(fault_kind_name(FAULT_NR), "invalid");
}

/* ---- The backend's retry policy -------------------------------------------- */

/*
 * 1000 one-segment reads through a backend over the mem target, half of
 * them refused with -EAGAIN: with retries every one is served in the
 * end; without, each refusal is an error response.
 */
static void test_backend_retries(void)
{
	static const unsigned int max_retries[] = { 0, 1, 64 };

	for (size_t i = 0; i < 3; i++) {
		struct blkif_sring *sring =
			aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
		struct fault_config fc;
		struct fault_stats fs;
		struct backend_stats st;
		struct grant_table gt;
		struct evtchn_config ec;
		struct evtchn_port irq;
		struct ring_front front;
		struct wrapped w;
		struct backend *be;
		uint64_t errors = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(sring);
		ring_sring_init(sring, 0);
		ring_front_init(&front, sring, 0);
		CU_ASSERT_EQUAL_FATAL(grant_table_init(&gt, 4), 0);
		evtchn_config_default(&ec);
		CU_ASSERT_EQUAL_FATAL(evtchn_init(&irq, &ec), 0);
		fault_config_default(&fc);
		fc.kind = FAULT_EAGAIN;
		fc.rate_ppm = 500000;
		wrap(&w, "mem", NULL, &fc);
		struct backend_config bc = {
			.disk_bytes = DISK_BYTES,
			.coalesce_count = 1,
			.sring = sring,
			.grants = &gt,
			.irq = &irq,
			.target = w.ops,
			.target_state = w.f,
			.clock = &fake_clock,
			.max_retries = max_retries[i],
		};
		CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &be), 0);
		for (uint64_t id = 0; id < 1000; id++) {
			struct blkif_request req = {
				.operation = BLKIF_OP_READ,
				.nr_segments = 1,
				.id = id,
				.sector_number = id * 8 % (DISK_BYTES / 512),
			};
			struct blkif_response rsp;

			req.seg[0] =
				(struct blkif_request_segment){ grant_ref(0), 0,
								7 };
			ring_front_put_request(&front, &req);
			ring_front_push_requests(&front);
			backend_kick(be);
			CU_ASSERT_EQUAL(backend_consume(be), 1);
			ring_front_copy_response(&front, front.rsp_cons++,
						 &rsp);
			CU_ASSERT_EQUAL(rsp.id, id);
			errors += rsp.status != BLKIF_RSP_OKAY;
		}
		backend_stats(be, &st);
		fault_stats(w.f, &fs);
		CU_ASSERT_EQUAL(st.responses, 1000);
		CU_ASSERT_EQUAL(st.io_errors, errors);
		/* Every submission past the first of an I/O is a retry. */
		CU_ASSERT_EQUAL(fs.ios, 1000 + st.retries);
		if (max_retries[i] == 0) {
			CU_ASSERT_EQUAL(st.retries, 0);
			CU_ASSERT_EQUAL(errors, fs.injected);
		} else if (max_retries[i] == 64) {
			CU_ASSERT_EQUAL(errors, 0); /* 2^-65: never here */
			CU_ASSERT_EQUAL(st.retries, fs.injected);
		} else {
			CU_ASSERT(errors > 0 && errors < fs.injected);
			CU_ASSERT_EQUAL(st.retries + errors, fs.injected);
		}
		backend_destroy(be);
		w.ops->fini(w.f);
		evtchn_fini(&irq);
		grant_table_fini(&gt);
		free(sring);
	}
}

/* ---- Through the thread engine ---------------------------------------------- */

struct tally {
	uint64_t ok, failed;
};

static void tally_complete(void *ctx, const struct frontend_completion *c)
{
	struct tally *t = ctx;

	if (c->ok)
		t->ok++;
	else
		t->failed++;
}

/*
 * Each kind at 5% on a mixed workload of 20000 I/Os over the mem target:
 * nothing is lost (issued = completed + failed + held by a stall), every
 * injected error fails exactly one I/O, retried -EAGAINs succeed, and a
 * stall ends the run at the drain timeout with its I/Os in the target.
 */
static void test_engine_faults(void)
{
	static const struct {
		enum fault_kind kind;
		unsigned int retries;
	} cases[] = {
		{ FAULT_EIO, 0 },	   { FAULT_SHORT, 0 },
		{ FAULT_EAGAIN, 0 },	   { FAULT_EAGAIN, 8 },
		{ FAULT_NOSPACE, 0 },	   { FAULT_STALL, 0 },
		{ FAULT_BACKEND_STOP, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct engine_config cfg;
		struct engine_result res;
		struct tally t = { 0 };
		char why[256];
		int rc;

		engine_config_default(&cfg);
		cfg.target = target_find("mem");
		cfg.target_cfg.size_bytes = 8 << 20;
		cfg.workload.size_bytes = 8 << 20;
		cfg.workload.rw = WL_RW_RANDRW;
		cfg.workload.seed = 3;
		cfg.workload.io_limit_bytes = 20000 * 4096ull;
		cfg.evtchn.wait = EVTCHN_WAIT_SLEEP;
		cfg.iodepth = 8;
		cfg.fault.kind = cases[i].kind;
		cfg.fault.rate_ppm = 50000;
		cfg.backend_retries = cases[i].retries;
		cfg.drain_timeout_ns = 200000000; /* 200 ms */
		cfg.watchdog_ns = 200000000;
		cfg.complete = tally_complete;
		cfg.complete_ctx = &t;
		rc = engine_run(&cfg, &res, why, sizeof(why));
		if (rc)
			fprintf(stderr, "engine_run: %s\n", why);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		/* Conservation, whatever was injected. */
		CU_ASSERT_EQUAL(res.fe.ios_issued, res.fe.ios_completed +
							   res.fe.ios_failed +
							   res.fe.inflight);
		CU_ASSERT_EQUAL(t.ok, res.fe.ios_completed);
		CU_ASSERT_EQUAL(t.failed, res.fe.ios_failed);
		CU_ASSERT(res.fault.injected > 0);
		CU_ASSERT_EQUAL(res.be.retries,
				cases[i].retries ?
					res.fault.injected - res.be.io_errors :
					0);
		switch (cases[i].kind) {
		case FAULT_BACKEND_STOP:
			/*
			 * The backend thread stopped after its first hit: the
			 * frontend's I/O stays outstanding until the
			 * watchdog ends the run, the stage named by the
			 * stop, nothing failed or lost.
			 */
			CU_ASSERT_TRUE(res.drain_timeout);
			CU_ASSERT_TRUE(res.stuck);
			CU_ASSERT_EQUAL(res.fault.injected, 1);
			CU_ASSERT_EQUAL(res.fault.stopped, 1);
			CU_ASSERT(res.fe.inflight > 0);
			CU_ASSERT(res.fe.ios_issued < 20000);
			CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
			break;
		case FAULT_STALL:
			/* The closed loop stops once every slot is held. */
			CU_ASSERT_TRUE(res.drain_timeout);
			CU_ASSERT_TRUE(res.stuck);
			CU_ASSERT_EQUAL(res.fault.stalled, 8);
			CU_ASSERT_EQUAL(res.fe.inflight, 8);
			CU_ASSERT_EQUAL(res.be.inflight, 8);
			CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
			break;
		case FAULT_EAGAIN:
			if (cases[i].retries) {
				CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
				CU_ASSERT_EQUAL(res.fe.ios_issued, 20000);
				break;
			}
			/* fall through */
		default:
			CU_ASSERT_FALSE(res.drain_timeout);
			CU_ASSERT_FALSE(res.stuck);
			CU_ASSERT_EQUAL(res.fe.inflight, 0);
			CU_ASSERT_EQUAL(res.fe.ios_issued, 20000);
			CU_ASSERT_EQUAL(res.fe.ios_failed, res.fault.injected);
			CU_ASSERT_EQUAL(res.be.io_errors, res.fault.injected);
			break;
		}
	}
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("fault", NULL, NULL);

	if (!s)
		return CU_get_error();
	CU_ADD_TEST(s, test_bad_config);
	CU_ADD_TEST(s, test_kinds_mem);
	CU_ADD_TEST(s, test_offset);
	CU_ADD_TEST(s, test_rate_and_seed);
	CU_ADD_TEST(s, test_kinds_file);
	CU_ADD_TEST(s, test_backend_retries);
	CU_ADD_TEST(s, test_engine_faults);
	return 0;
}
