// SPDX-License-Identifier: MIT
/*
 * Tests of the thread engine's lanes: the workload cut into a slice per
 * lane (exact for a fixed seed: every block once, each in its lane), and
 * runs on real threads with several queues (a frontend thread each) and
 * several devices on one interrupt line, own or shared: conservation and
 * Little's law in total and per lane, every byte written and read back
 * across queues on a real file (and verify=crc32c's randrw, each queue
 * its own generations), and the shared line's filter counts.
 * The single-lane engine is tested in test_frontend_backend.c.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/engine.h"
#include "tests/cu_main.h"
#include "tests/file_pattern.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- The slices of the workload ------------------------------------------ */

/*
 * Draws every I/O of each lane's workload: each lies in its lane's slice,
 * the slices tile the region, and over all lanes every block comes out
 * exactly once (the random map per slice).
 */
static void check_split(uint64_t offset, uint64_t size, uint32_t bs,
			unsigned int lanes)
{
	struct wl_config all, wc;
	uint64_t nblocks = size / bs, next = offset, bytes = 0;
	uint8_t *seen = calloc(nblocks, 1);
	char why[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
	wl_config_default(&all);
	all.rw = WL_RW_RANDREAD;
	all.bs_bytes = bs;
	all.offset_bytes = offset;
	all.size_bytes = size;
	all.seed = 7;
	all.io_limit_bytes = size;
	for (unsigned int q = 0; q < lanes; q++) {
		struct wl *w;
		struct wl_io io;
		uint64_t n = 0;

		CU_ASSERT_EQUAL_FATAL(engine_lane_workload(&all, q, lanes, &wc,
							   why, sizeof(why)),
				      0);
		/* Contiguous, in order, whole blocks but for the last. */
		CU_ASSERT_EQUAL(wc.offset_bytes, next);
		CU_ASSERT_EQUAL(wc.seed, 7 + q);
		if (q < lanes - 1)
			CU_ASSERT_EQUAL(wc.size_bytes % bs, 0);
		next = wc.offset_bytes + wc.size_bytes;
		bytes += wc.io_limit_bytes;
		CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &w), 0);
		while (wl_next(w, &io)) {
			uint64_t k = (io.offset_bytes - offset) / bs;

			CU_ASSERT(io.offset_bytes >= wc.offset_bytes);
			CU_ASSERT(io.offset_bytes + io.len_bytes <=
				  wc.offset_bytes + wc.size_bytes);
			if (k < nblocks && io.len_bytes == bs)
				seen[k]++;
			n++;
		}
		/* The first nblocks % lanes lanes take one block more. */
		CU_ASSERT_EQUAL(n, nblocks / lanes + (q < nblocks % lanes) +
					   (q == lanes - 1 && size % bs));
		wl_destroy(w);
	}
	CU_ASSERT_EQUAL(next, offset + size);
	CU_ASSERT_EQUAL(bytes, size);
	for (uint64_t k = 0; k < nblocks; k++)
		if (seen[k] != 1) {
			CU_FAIL("a block was not read exactly once");
			break;
		}
	free(seen);
}

static void test_lane_workload_split(void)
{
	check_split(0, 8 << 20, 4096, 1);
	check_split(0, 8 << 20, 4096, 2);
	check_split(4096, 8 << 20, 4096, 3);
	check_split(0, (1 << 20) + 1024, 4096, 4);
	check_split(512, 1000 * 4096, 8192, 16);
}

/* The same seed gives the same I/Os per lane; lane 0 of 1 is unchanged. */
static void test_lane_workload_fixed(void)
{
	struct wl_config all, a, b;
	struct wl *wa, *wb;
	struct wl_io x, y;
	char why[256];

	wl_config_default(&all);
	all.rw = WL_RW_RANDRW;
	all.size_bytes = 4 << 20;
	all.io_limit_bytes = 3 << 20;
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 0, 1, &a, why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL(memcmp(&a, &all, sizeof(a)), 0);
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 2, 4, &a, why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 2, 4, &b, why, sizeof(why)),
			0);
	/* 3 MiB over four 1 MiB slices: 768 KiB each, exactly. */
	CU_ASSERT_EQUAL(a.offset_bytes, 2 << 20);
	CU_ASSERT_EQUAL(a.size_bytes, 1 << 20);
	CU_ASSERT_EQUAL(a.io_limit_bytes, 768 << 10);
	CU_ASSERT_EQUAL_FATAL(wl_create(&a, &wa), 0);
	CU_ASSERT_EQUAL_FATAL(wl_create(&b, &wb), 0);
	for (int i = 0; i < 192; i++) {
		CU_ASSERT_TRUE(wl_next(wa, &x));
		CU_ASSERT_TRUE(wl_next(wb, &y));
		CU_ASSERT_EQUAL(x.offset_bytes, y.offset_bytes);
		CU_ASSERT_EQUAL(x.write, y.write);
	}
	CU_ASSERT_FALSE(wl_next(wa, &x));
	wl_destroy(wa);
	wl_destroy(wb);
}

static void test_lane_workload_errors(void)
{
	struct wl_config all, wc;
	char why[256] = "";

	wl_config_default(&all);
	all.bs_bytes = 65536;
	all.size_bytes = 3 * 65536;
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 0, 4, &wc, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "fewer than the 4"));
	/* The largest block of a bssplit is the unit. */
	all.bs_bytes = 4096;
	all.nbssplit = 2;
	all.bssplit[0] = (struct wl_bs_weight){ 4096, 500000 };
	all.bssplit[1] = (struct wl_bs_weight){ 131072, 500000 };
	all.size_bytes = 131072 * 3;
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 0, 3, &wc, why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL(wc.size_bytes, 131072);
	all.io_limit_bytes = 1024;
	CU_ASSERT_EQUAL(engine_lane_workload(&all, 0, 3, &wc, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "io_size"));
}

/* ---- Runs on real threads ------------------------------------------------- */

static char tmpdir[64];

static int suite_tmp_init(void)
{
	strcpy(tmpdir, "/tmp/blkring-engine-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_tmp_cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

/* What one lane completed, from its own callback context. */
struct tally {
	uint64_t ok, failed, lat_sum_ns, stage_mismatches;
	cpu_set_t cpus; /* the completing thread's, at the last completion */
};

static void tally_complete(void *ctx, const struct frontend_completion *c)
{
	struct tally *t = ctx;
	uint64_t sum = 0;

	if (c->ok)
		t->ok++;
	else
		t->failed++;
	t->lat_sum_ns += c->complete_ns - c->submit_ns;
	pthread_getaffinity_np(pthread_self(), sizeof(t->cpus), &t->cpus);
	for (int i = 0; i < SIM_STAGES; i++)
		sum += c->stage_ns[i];
	if (c->ok)
		t->stage_mismatches += sum != c->complete_ns - c->submit_ns;
}

static struct engine_result res; /* a few KiB per lane: not on the stack */
static struct tally tallies[ENGINE_MAX_LANES];

/*
 * Runs @cfg with a tally per lane and checks conservation, Little's law
 * (exactly: the in-flight integral is the sum of the latencies) and the
 * stages, per lane and in total.  Returns the engine's status.
 */
static int run_lanes(struct engine_config *cfg)
{
	char why[256] = "";
	uint64_t ok = 0, issued = 0, copied = 0, hits = 0, pushes = 0;
	int rc;

	memset(tallies, 0, sizeof(tallies));
	cfg->complete = tally_complete;
	cfg->complete_ctx = NULL;
	for (int i = 0; i < ENGINE_MAX_LANES; i++)
		cfg->lane_ctx[i] = &tallies[i];
	rc = engine_run(cfg, &res, why, sizeof(why));
	if (rc == -ENOSYS || rc == -EPERM) {
		cu_skip("io_uring is unavailable");
		return rc;
	}
	if (rc) {
		fprintf(stderr, "engine_run: %s\n", why);
		CU_FAIL("engine_run failed");
		return rc;
	}
	CU_ASSERT_EQUAL(res.nr_lanes, cfg->queues * cfg->devices);
	CU_ASSERT_FALSE(res.drain_timeout);
	for (unsigned int i = 0; i < res.nr_lanes; i++) {
		const struct engine_lane_result *l = &res.lanes[i];
		const struct tally *t = &tallies[i];

		CU_ASSERT_EQUAL(l->fe.ios_issued,
				l->fe.ios_completed + l->fe.ios_failed);
		CU_ASSERT_EQUAL(l->fe.inflight, 0);
		CU_ASSERT_EQUAL(t->ok, l->fe.ios_completed);
		CU_ASSERT_EQUAL(t->failed, l->fe.ios_failed);
		CU_ASSERT_EQUAL(l->fe.inflight_area_ns, t->lat_sum_ns);
		CU_ASSERT_EQUAL(t->stage_mismatches, 0);
		CU_ASSERT(l->fe.ios_completed > 0);
		CU_ASSERT_EQUAL(l->be.responses, l->fe.responses);
		ok += t->ok;
		issued += l->fe.ios_issued;
		copied += l->fe.grant_copy_bytes;
		hits += l->be.pgrant_hits;
		pushes += l->be.response_pushes;
	}
	/* The totals are the sums of the lanes, closing counters too. */
	CU_ASSERT_EQUAL(res.fe.ios_completed, ok);
	CU_ASSERT_EQUAL(res.fe.ios_issued, issued);
	CU_ASSERT_EQUAL(res.fe.grant_copy_bytes, copied);
	CU_ASSERT_EQUAL(res.be.pgrant_hits, hits);
	CU_ASSERT_EQUAL(res.be.response_pushes, pushes);
	CU_ASSERT_EQUAL(res.fe.ios_issued,
			res.fe.ios_completed + res.fe.ios_failed);
	CU_ASSERT_EQUAL(res.fe.inflight, 0);
	return 0;
}

static void engine_cfg(struct engine_config *cfg, const char *target,
		       enum evtchn_wait wait)
{
	static char path[128];

	engine_config_default(cfg);
	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	cfg->target = target_find(target);
	cfg->target_cfg.path = path;
	cfg->target_cfg.size_bytes = 8 << 20;
	cfg->target_cfg.direct = true;
	cfg->workload.size_bytes = 8 << 20;
	cfg->workload.seed = 42;
	cfg->evtchn.wait = wait;
}

/* 2 and 4 queues on the null target, sleeping and spinning. */
static void test_queues_null(void)
{
	static const struct {
		unsigned int queues;
		enum evtchn_wait wait;
		uint64_t latency_ns;
		unsigned int ios;
	} cases[] = {
		{ 2, EVTCHN_WAIT_SLEEP, 0, 8000 },
		{ 4, EVTCHN_WAIT_SLEEP, 0, 8000 },
		{ 4, EVTCHN_WAIT_HYBRID, 5000, 8000 },
		{ 2, EVTCHN_WAIT_BUSYPOLL, 0, 4000 },
		/* Four spinning threads on two CPUs: slow, kept short. */
		{ 2, EVTCHN_WAIT_SPIN, 0, 2000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct engine_config cfg;

		engine_cfg(&cfg, "null", cases[i].wait);
		cfg.queues = cases[i].queues;
		cfg.evtchn.latency_ns = cases[i].latency_ns;
		cfg.workload.rw = WL_RW_RANDRW;
		cfg.workload.io_limit_bytes = cases[i].ios * 4096ull;
		if (run_lanes(&cfg))
			return;
		CU_ASSERT_EQUAL(res.nr_fe_threads, cases[i].queues);
		CU_ASSERT_EQUAL(res.fe.ios_completed, cases[i].ios);
		/* The I/O limit split evenly over the queues. */
		for (unsigned int q = 0; q < cases[i].queues; q++)
			CU_ASSERT_EQUAL(res.lanes[q].fe.ios_completed,
					cases[i].ios / cases[i].queues);
		CU_ASSERT_EQUAL(res.be.responses, cases[i].ios);
		CU_ASSERT_EQUAL(res.line.interrupts, res.fe.irqs);
	}
}

/*
 * verify=crc32c across queues: randrw over a fresh file by 3 queues
 * (each its own slice and generation table), 64 KiB I/Os split in two:
 * no mismatch, and every block read checked or counted as unwritten.
 */
static void test_queues_verify_crc32c(void)
{
	struct engine_config cfg;
	char path[128];

	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	unlink(path);
	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
	cfg.verify = FRONTEND_VERIFY_CRC32C;
	cfg.queues = 3;
	cfg.workload.rw = WL_RW_RANDRW;
	cfg.workload.bs_bytes = 65536;
	cfg.workload.io_limit_bytes = 24 << 20;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	CU_ASSERT(res.fe.verify_blocks > 0);
	CU_ASSERT(res.fe.verify_unwritten > 0);
	for (unsigned int q = 0; q < 3; q++)
		CU_ASSERT(res.lanes[q].fe.verify_blocks > 0);
}

/*
 * Every byte across queues: the whole file written by 4 queues with
 * 64 KiB I/Os (two ring requests each), read back at random by 2 queues
 * with the pattern checked, then checked directly.
 */
static void test_queues_verify_file(void)
{
	struct engine_config cfg;
	char path[128];

	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
	cfg.verify = true;
	cfg.queues = 4;
	cfg.workload.rw = WL_RW_WRITE;
	cfg.workload.bs_bytes = 65536;
	cfg.workload.io_limit_bytes = 8 << 20;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_completed, 128);
	CU_ASSERT_EQUAL(res.fe.ring_requests, 256);
	CU_ASSERT_EQUAL(res.be.bad_requests, 0);
	for (unsigned int q = 0; q < 4; q++)
		CU_ASSERT_EQUAL(res.lanes[q].fe.ios_completed, 32);

	cfg.queues = 2;
	cfg.workload.rw = WL_RW_RANDREAD;
	cfg.workload.bs_bytes = 4096;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_completed, 2048);
	CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);

	/* Every byte of the file, independently of the model. */
	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	check_file_pattern(path, 8 << 20, 42);
}

/* The policy threads per queue: a gate, workers, each queue its own. */
static void test_queues_policies(void)
{
	struct engine_config cfg;

	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	cfg.queues = 2;
	cfg.lock = true;
	cfg.submit_path = FRONTEND_SUBMIT_WORKER;
	cfg.completion = FRONTEND_COMPLETE_DEFERRED;
	cfg.workload.io_limit_bytes = 4000 * 4096ull;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_completed, 4000);
	CU_ASSERT_EQUAL(res.fe.handoffs, 4000);
	CU_ASSERT(res.gate.acquisitions > 0);

	/* Persistent grants per queue: each copies its own 4 KiB reads. */
	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	cfg.queues = 2;
	cfg.grant_mode = BACKEND_GRANTS_PERSISTENT;
	cfg.workload.io_limit_bytes = 4000 * 4096ull;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.grant_copy_bytes, 4000 * 4096ull);
	CU_ASSERT(res.be.pgrant_hits > 0);
}

/*
 * --frontend-cpu with queues: queue k's frontend thread runs on CPU
 * base + k, wrapping at the CPUs online.
 */
static void test_queues_pinned(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct engine_config cfg;
	cpu_set_t allowed;

	/* Pinning is best effort: a CPU this process may not use is not. */
	CU_ASSERT_EQUAL_FATAL(sched_getaffinity(0, sizeof(allowed), &allowed),
			      0);
	for (long k = 0; k < 3; k++)
		if (!CPU_ISSET((int)(k % online), &allowed)) {
			cu_skip("CPUs 0-2 (wrapped) are not all allowed here");
			return;
		}
	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	cfg.queues = 3;
	cfg.frontend_cpu = 0;
	cfg.backend_cpu = 0;
	cfg.workload.io_limit_bytes = 3000 * 4096ull;
	if (run_lanes(&cfg))
		return;
	for (unsigned int q = 0; q < cfg.queues; q++) {
		CU_ASSERT_EQUAL(CPU_COUNT(&tallies[q].cpus), 1);
		CU_ASSERT(CPU_ISSET((int)(q % online), &tallies[q].cpus));
	}
}

/*
 * Devices on one frontend thread: on a shared line every device's filter
 * runs on every line interrupt; claimed + spurious = filter runs; each
 * claim is one handler run.  On own lines no filter runs.
 */
static void test_devices_lines(void)
{
	for (unsigned int d = 1; d <= 4; d++) {
		for (int shared = 0; shared < 2; shared++) {
			struct engine_config cfg;
			uint64_t claimed = 0;

			engine_cfg(&cfg, d == 3 ? "mem" : "null",
				   EVTCHN_WAIT_SLEEP);
			cfg.devices = d;
			cfg.irq_line = shared ? ENGINE_IRQ_SHARED :
						ENGINE_IRQ_OWN;
			cfg.irq_filter_cost_ns = shared ? 200 : 0;
			cfg.workload.rw = WL_RW_RANDRW;
			cfg.workload.io_limit_bytes = 4000 * 4096ull;
			if (run_lanes(&cfg))
				return;
			CU_ASSERT_EQUAL(res.nr_fe_threads, 1);
			CU_ASSERT_EQUAL(res.fe.ios_completed, 4000);
			CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
			for (unsigned int i = 0; i < d; i++) {
				const struct irqline_dev_stats *s =
					&res.lanes[i].line;

				if (shared) {
					CU_ASSERT_EQUAL(s->filter_runs,
							res.line.interrupts);
					CU_ASSERT_EQUAL(s->claimed +
								s->spurious,
							s->filter_runs);
				} else {
					CU_ASSERT_EQUAL(s->filter_runs, 0);
					CU_ASSERT_EQUAL(s->spurious, 0);
				}
				CU_ASSERT_EQUAL(s->claimed,
						res.lanes[i].fe.irqs);
				claimed += s->claimed;
				/*
				 * The one thread slept only when every
				 * device's port announced the sleep.
				 */
				CU_ASSERT(res.irq.sleeps <=
					  res.lanes[i].irq.sleeps);
			}
			CU_ASSERT(res.line.interrupts > 0);
			if (!shared)
				CU_ASSERT_EQUAL(res.line.interrupts, claimed);
			CU_ASSERT(res.line.unclaimed <= res.line.interrupts);
		}
	}
}

/*
 * Devices with an event-channel latency: the frontend thread sleeps to
 * the first due notification while the other devices' ports can still
 * wake it; every I/O is accounted under each wait mode.
 */
static void test_devices_latency(void)
{
	static const enum evtchn_wait waits[] = { EVTCHN_WAIT_SLEEP,
						  EVTCHN_WAIT_HYBRID,
						  EVTCHN_WAIT_BUSYPOLL };

	for (size_t w = 0; w < ARRAY_SIZE(waits); w++) {
		for (int shared = 0; shared < 2; shared++) {
			struct engine_config cfg;

			engine_cfg(&cfg, "null", waits[w]);
			cfg.devices = 3;
			cfg.irq_line = shared ? ENGINE_IRQ_SHARED :
						ENGINE_IRQ_OWN;
			cfg.evtchn.latency_ns = 20000;
			cfg.evtchn.hybrid_margin_ns = 5000;
			/* Shorter than the latency: polls, then sleeps. */
			cfg.evtchn.busypoll_ns = 5000;
			cfg.workload.io_limit_bytes = 3000 * 4096ull;
			if (run_lanes(&cfg))
				return;
			CU_ASSERT_EQUAL(res.fe.ios_completed, 3000);
			for (unsigned int i = 0; i < 3; i++)
				CU_ASSERT_EQUAL(res.lanes[i].fe.ios_completed,
						1000);
		}
	}
}

/*
 * Concurrent jobs: devices with their own workloads and depths.  A
 * writer of 64 KiB over the first half, a random reader of 4 KiB over
 * the whole file at depth 4, and a sequential reader of the second half
 * at depth 1: each does exactly its own I/Os.
 */
static void test_jobs(void)
{
	struct engine_config cfg;
	struct engine_job jobs[3];

	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
	for (int i = 0; i < 3; i++)
		jobs[i].workload = cfg.workload;
	jobs[0].workload.rw = WL_RW_WRITE;
	jobs[0].workload.bs_bytes = 65536;
	jobs[0].workload.size_bytes = 4 << 20;
	jobs[0].workload.io_limit_bytes = 4 << 20;
	jobs[0].iodepth = 32;
	jobs[1].workload.rw = WL_RW_RANDREAD;
	jobs[1].workload.io_limit_bytes = 1000 * 4096;
	jobs[1].iodepth = 4;
	jobs[2].workload.rw = WL_RW_READ;
	jobs[2].workload.offset_bytes = 4 << 20;
	jobs[2].workload.size_bytes = 0; /* to the end */
	jobs[2].workload.io_limit_bytes = 4 << 20;
	jobs[2].iodepth = 1;
	cfg.devices = 3;
	cfg.irq_line = ENGINE_IRQ_SHARED;
	cfg.jobs = jobs;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.lanes[0].fe.ios_completed, 64);
	CU_ASSERT_EQUAL(res.lanes[0].fe.ring_requests, 128);
	CU_ASSERT_EQUAL(res.lanes[1].fe.ios_completed, 1000);
	CU_ASSERT_EQUAL(res.lanes[2].fe.ios_completed, 1024);
	CU_ASSERT_EQUAL(res.fe.ios_completed, 64 + 1000 + 1024);
	CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
	/* Depth 1: at most one in flight, so the mean in flight is <= 1. */
	CU_ASSERT(res.lanes[2].fe.inflight_area_ns <=
		  res.lanes[2].fe.last_complete_ns -
			  res.lanes[2].fe.first_submit_ns);
	/* Jobs need devices. */
	cfg.devices = 1;
	cfg.complete_ctx = &tallies[0];
	{
		char why[256] = "";

		CU_ASSERT_EQUAL(engine_run(&cfg, &res, why, sizeof(why)),
				-EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "concurrent jobs"));
	}
}

/* ---- The hostile ring beside the run ------------------------------------- */

/*
 * Checks the hostile ring's share of a run of @mutations: every one
 * applied, every kind but indirect-page drawn, bad requests answered with
 * errors, every request the backend copied out answered, and the rings it
 * stopped reconnected.
 */
static void check_hostile(uint64_t mutations)
{
	const struct engine_hostile_result *h = &res.hostile;
	uint64_t sum = 0;

	CU_ASSERT_TRUE(h->on);
	CU_ASSERT_EQUAL(h->mutations, mutations);
	for (int k = 0; k < HOSTILE_NR; k++) {
		sum += h->by_kind[k];
		if (k == HOSTILE_INDIRECT_PAGE) {
			CU_ASSERT_EQUAL(h->by_kind[k], 0);
		} else {
			CU_ASSERT(h->by_kind[k] > 0);
		}
	}
	CU_ASSERT_EQUAL(sum, mutations);
	CU_ASSERT(h->requests > 0);
	CU_ASSERT(h->bad_requests > 0);
	CU_ASSERT(h->unsupported > 0);
	/* Everything copied out was answered; nothing left at the target. */
	CU_ASSERT_EQUAL(h->responses, h->requests);
	CU_ASSERT_EQUAL(h->inflight, 0);
	CU_ASSERT(h->ring_stops >= 1);
	CU_ASSERT(h->reconnects >= h->ring_stops - 1);
	CU_ASSERT(h->reconnects <= h->ring_stops);
	CU_ASSERT(h->during_run <= h->mutations);
	fprintf(stderr,
		"  hostile ring: %llu mutations (%llu during the run), %llu "
		"requests, %llu answered bad, %llu unsupported, %llu rings "
		"stopped\n",
		(unsigned long long)h->mutations,
		(unsigned long long)h->during_run,
		(unsigned long long)h->requests,
		(unsigned long long)h->bad_requests,
		(unsigned long long)h->unsupported,
		(unsigned long long)h->ring_stops);
}

/*
 * A hostile guest on a second ring of the same file while a good one
 * writes the whole file with the verify pattern and reads it back at
 * random: the good ring loses nothing and reads what it wrote, the file
 * holds the pattern (the hostile ring's writes were refused, read-only),
 * and the hostile ring is answered throughout.
 */
static void test_hostile_ring_beside_good(void)
{
	enum { MUTATIONS = 50000 };
	struct engine_config cfg;
	char path[128];

	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
	cfg.verify = true;
	cfg.hostile_mutations = MUTATIONS;
	cfg.hostile_fatal_per_mille = 2;
	cfg.hostile_seed = 9;
	cfg.workload.rw = WL_RW_WRITE;
	cfg.workload.bs_bytes = 65536;
	cfg.workload.io_limit_bytes = 8 << 20;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_completed, 128);
	CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
	CU_ASSERT_FALSE(res.be.dead);
	check_hostile(MUTATIONS);

	cfg.workload.rw = WL_RW_RANDREAD;
	cfg.workload.bs_bytes = 4096;
	cfg.hostile_seed = 10;
	if (run_lanes(&cfg))
		return;
	CU_ASSERT_EQUAL(res.fe.ios_completed, 2048);
	CU_ASSERT_EQUAL(res.fe.ios_failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	check_hostile(MUTATIONS);

	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	check_file_pattern(path, 8 << 20, 42);
}

/* An interrupt stops the hostile ring early, with everything answered. */
static void test_hostile_ring_interrupted(void)
{
	struct engine_config cfg;
	atomic_bool intr;

	char why[256] = "";

	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	atomic_init(&intr, true);
	cfg.interrupt = &intr;
	cfg.hostile_mutations = UINT64_MAX;
	cfg.complete = tally_complete;
	cfg.complete_ctx = &tallies[0];
	CU_ASSERT_EQUAL_FATAL(engine_run(&cfg, &res, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(res.interrupted);
	CU_ASSERT_TRUE(res.hostile.on);
	CU_ASSERT(res.hostile.mutations < 1000000);
	CU_ASSERT_EQUAL(res.hostile.responses, res.hostile.requests);
	CU_ASSERT_EQUAL(res.hostile.inflight, 0);
}

/* What the engine refuses, with a reason. */
static void test_lanes_refused(void)
{
	struct engine_config cfg;
	char why[256] = "";

	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	cfg.queues = 2;
	cfg.devices = 2;
	cfg.complete = tally_complete;
	cfg.complete_ctx = &tallies[0];
	CU_ASSERT_EQUAL(engine_run(&cfg, &res, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not both"));
	cfg.queues = 1;
	cfg.devices = 17;
	CU_ASSERT_EQUAL(engine_run(&cfg, &res, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "at most 16"));
	cfg.devices = 2;
	cfg.irq_line = ENGINE_IRQ_SHARED;
	cfg.lock = true;
	cfg.completion = FRONTEND_COMPLETE_DEFERRED;
	CU_ASSERT_EQUAL(engine_run(&cfg, &res, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "deferred"));
	/* A region too small for its lanes: a lane's reason, no leak. */
	engine_cfg(&cfg, "null", EVTCHN_WAIT_SLEEP);
	cfg.complete = tally_complete;
	cfg.complete_ctx = &tallies[0];
	cfg.queues = 4;
	cfg.workload.bs_bytes = 4 << 20;
	CU_ASSERT_EQUAL(engine_run(&cfg, &res, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "lane 0"));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("lanes", NULL, NULL);

	CU_ADD_TEST(s, test_lane_workload_split);
	CU_ADD_TEST(s, test_lane_workload_fixed);
	CU_ADD_TEST(s, test_lane_workload_errors);
	s = CU_add_suite("engine lanes", suite_tmp_init, suite_tmp_cleanup);
	CU_ADD_TEST(s, test_queues_null);
	CU_ADD_TEST(s, test_queues_verify_file);
	CU_ADD_TEST(s, test_queues_verify_crc32c);
	CU_ADD_TEST(s, test_queues_policies);
	CU_ADD_TEST(s, test_queues_pinned);
	CU_ADD_TEST(s, test_devices_lines);
	CU_ADD_TEST(s, test_devices_latency);
	CU_ADD_TEST(s, test_jobs);
	CU_ADD_TEST(s, test_lanes_refused);
	s = CU_add_suite("engine hostile ring", suite_tmp_init,
			 suite_tmp_cleanup);
	CU_ADD_TEST(s, test_hostile_ring_beside_good);
	CU_ADD_TEST(s, test_hostile_ring_interrupted);
	return 0;
}
