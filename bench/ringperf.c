// SPDX-License-Identifier: MIT
/*
 * blkring ringperf: the shared-ring microbenchmark (see ringperf.h).  The
 * engine runs a frontend and a backend thread over one ring through the
 * ring/ring.h API and times the whole run with CLOCK_MONOTONIC; the
 * command parses its options from one table, sweeps the matrix and writes
 * a text table, CSV or JSON.  bench_ringperf_main runs in the main thread;
 * the engine's two threads are its own.
 *
 * The loop of each side, in short:
 *
 *   frontend: wait until a whole batch fits (reaping responses while it
 *             does not), put the batch, publish it with one push (with
 *             the notify check if configured); at the end, reap until
 *             every response is back;
 *   backend:  read req_prod once, copy out every request up to it and
 *             answer each in its slot, pushing every `batch` responses and
 *             at the end of the pass; then, with the notify check, do the
 *             final check before spinning for more.
 *
 * Nothing is allocated and no system call is made inside the loops, except
 * sched_yield in a wait loop when both threads share one CPU (spinning
 * there would burn the time slice the peer needs).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench/ringperf.h"
#include "ring/ring.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* How many spins between two looks at the clock in a wait loop. */
#define RINGPERF_SPINS_PER_CLOCK 4096u

static uint64_t ringperf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A spin-wait hint to the CPU; a no-op where there is none. */
static inline void ringperf_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

void bench_ringperf_config_default(struct bench_ringperf_config *cfg)
{
	*cfg = (struct bench_ringperf_config){
		.mode = BENCH_RINGPERF_RTT,
		.batch = 1,
		.notify = false,
		.ring_order = 0,
		.in_flight = 0,
		.requests = 2000000,
		.start_idx = 0,
		.frontend_cpu = 0,
		.backend_cpu = 1,
		.timeout_ns = 60ull * 1000000000u,
	};
}

static int ringperf_why(char *why, unsigned int why_bytes, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ringperf_why(char *why, unsigned int why_bytes, const char *fmt, ...)
{
	va_list ap;

	if (why && why_bytes) {
		va_start(ap, fmt);
		vsnprintf(why, why_bytes, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int bench_ringperf_config_check(const struct bench_ringperf_config *cfg,
				char *why, unsigned int why_bytes)
{
	unsigned int entries, in_flight;

	if (cfg->mode != BENCH_RINGPERF_ONEWAY &&
	    cfg->mode != BENCH_RINGPERF_RTT)
		return ringperf_why(why, why_bytes,
				    "mode %d: allowed oneway or rtt",
				    (int)cfg->mode);
	if (cfg->ring_order > RING_ORDER_MAX)
		return ringperf_why(why, why_bytes,
				    "ring order %u: allowed 0..%u",
				    cfg->ring_order, RING_ORDER_MAX);
	entries = ring_entries(cfg->ring_order);
	if (cfg->in_flight > entries)
		return ringperf_why(why, why_bytes,
				    "in-flight %u: allowed 0..%u (0 = ring "
				    "entries at ring order %u)",
				    cfg->in_flight, entries, cfg->ring_order);
	in_flight = cfg->in_flight ? cfg->in_flight : entries;
	if (cfg->batch < 1 || cfg->batch > in_flight)
		return ringperf_why(why, why_bytes,
				    "batch %u: allowed 1..%u (the in-flight "
				    "limit)",
				    cfg->batch, in_flight);
	if (cfg->requests < 1)
		return ringperf_why(why, why_bytes,
				    "requests 0: allowed 1 or more");
	if (cfg->frontend_cpu < -1 || cfg->frontend_cpu >= CPU_SETSIZE)
		return ringperf_why(why, why_bytes,
				    "frontend CPU %d: allowed -1..%d",
				    cfg->frontend_cpu, CPU_SETSIZE - 1);
	if (cfg->backend_cpu < -1 || cfg->backend_cpu >= CPU_SETSIZE)
		return ringperf_why(why, why_bytes,
				    "backend CPU %d: allowed -1..%d",
				    cfg->backend_cpu, CPU_SETSIZE - 1);
	if (cfg->timeout_ns == 0)
		return ringperf_why(why, why_bytes,
				    "timeout 0: allowed 1 ns or more");
	return 0;
}

/* ---- The engine --------------------------------------------------------- */

/* State both threads read; written before they start, or atomic. */
struct ringperf_shared {
	struct blkif_sring *sring;
	unsigned int order;
	RING_IDX base;
	unsigned int batch;
	unsigned int in_flight;
	uint64_t requests;
	bool notify;
	bool rtt;
	bool yield;
	uint64_t deadline_ns; /* set by the main thread before the start */
	_Atomic unsigned int ready;
	_Atomic bool stop; /* a side failed: both give up */
	_Atomic int error; /* first error, 0 if none */
};

/*
 * Each thread's private half and counters on its own cache lines (the
 * ring halves are already alignas(64)), read by the main thread after the
 * join.
 */
struct ringperf_front {
	struct ring_front front;
	struct ringperf_shared *sh;
	uint64_t reaped;
	uint64_t pushes, notifies, final_checks;
	uint64_t bad_responses, overflows;
	uint64_t t0_ns, t1_ns;
	uint64_t preemptions;
};

struct ringperf_back {
	struct ring_back back;
	struct ringperf_shared *sh;
	uint64_t pushes, notifies, final_checks;
	uint64_t bad_requests, overflows;
	uint64_t preemptions;
};

static void ringperf_fail(struct ringperf_shared *sh, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&sh->error, &none, err);
	atomic_store(&sh->stop, true);
}

/*
 * One step of a wait loop: pause or yield, and every few thousand spins
 * look at the clock.  Returns false once the run must stop.
 */
static bool ringperf_wait_step(struct ringperf_shared *sh, unsigned int *spins)
{
	if (sh->yield)
		sched_yield();
	else
		ringperf_cpu_relax();
	/* Relaxed: stop only makes the loops give up; nothing is published. */
	if (atomic_load_explicit(&sh->stop, memory_order_relaxed))
		return false;
	if (++*spins % RINGPERF_SPINS_PER_CLOCK == 0 &&
	    ringperf_now_ns() > sh->deadline_ns) {
		ringperf_fail(sh, -ETIMEDOUT);
		return false;
	}
	return true;
}

/* Involuntary context switches of the calling thread so far. */
static uint64_t ringperf_preemptions(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return 0;
	return (uint64_t)ru.ru_nivcsw;
}

/* Both threads spin here until both have started (and are pinned). */
static bool ringperf_start(struct ringperf_shared *sh)
{
	unsigned int spins = 0;

	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < 2)
		if (!ringperf_wait_step(sh, &spins))
			return false;
	return true;
}

/* The request the frontend sends as number @n; the backend checks it. */
static inline void ringperf_fill(struct blkif_request *req, uint64_t n)
{
	req->id = n;
	req->sector_number = n * 8;
	req->operation = n & 1 ? BLKIF_OP_WRITE : BLKIF_OP_READ;
}

/*
 * Frontend: consumes what responses there are.  Returns the number reaped
 * (0 if none), or -EPROTO on a bogus rsp_prod.
 */
static long ringperf_reap(struct ringperf_front *fe)
{
	struct ringperf_shared *sh = fe->sh;
	struct ring_front *f = &fe->front;
	RING_IDX rp = ring_front_rsp_prod(f);
	unsigned int n = rp - f->rsp_cons;

	if (ring_front_response_prod_overflow(f, rp)) {
		fe->overflows++;
		return -EPROTO;
	}
	if (!n)
		return 0;
	if (sh->rtt) {
		for (; f->rsp_cons != rp; f->rsp_cons++) {
			struct blkif_response rsp;
			uint64_t want = fe->reaped++;

			ring_front_copy_response(f, f->rsp_cons, &rsp);
			if (rsp.id != want ||
			    rsp.operation != (want & 1 ? BLKIF_OP_WRITE :
							 BLKIF_OP_READ) ||
			    rsp.status != BLKIF_RSP_OKAY)
				fe->bad_responses++;
		}
	} else {
		/* One-way: the response only frees its slot; not read. */
		f->rsp_cons = rp;
		fe->reaped += n;
	}
	/* Drained what was seen: Xen's consumer does its final check now. */
	if (sh->notify) {
		fe->final_checks++;
		(void)ring_front_final_check_for_responses(f);
	}
	return n;
}

static void *ringperf_front_main(void *arg)
{
	struct ringperf_front *fe = arg;
	struct ringperf_shared *sh = fe->sh;
	struct ring_front *f = &fe->front;
	struct blkif_request req = {
		.operation = BLKIF_OP_READ,
		.nr_segments = 1,
		.seg[0] = { .gref = 1, .first_sect = 0, .last_sect = 7 },
	};
	uint64_t sent = 0;
	unsigned int spins = 0;

	pthread_setname_np(pthread_self(), "ringperf-front");
	ring_front_attach(f, sh->sring, sh->order, sh->base);
	if (!ringperf_start(sh))
		return NULL;
	fe->preemptions = ringperf_preemptions();
	fe->t0_ns = ringperf_now_ns();

	while (fe->reaped < sh->requests) {
		uint64_t left = sh->requests - sent;
		unsigned int want = left < sh->batch ? (unsigned int)left :
						       sh->batch;

		/* Room for a whole batch (or the tail), or all sent? */
		if (want && sh->in_flight - (sent - fe->reaped) >= want &&
		    ring_front_free_requests(f) >= want) {
			for (unsigned int i = 0; i < want; i++) {
				ringperf_fill(&req, sent++);
				ring_front_put_request(f, &req);
			}
			fe->pushes++;
			if (!sh->notify)
				ring_front_push_requests(f);
			else if (ring_front_push_requests_and_check_notify(f))
				fe->notifies++;
			continue;
		}
		long got = ringperf_reap(fe);

		if (got < 0) {
			ringperf_fail(sh, (int)got);
			return NULL;
		}
		if (!got && !ringperf_wait_step(sh, &spins))
			return NULL;
	}
	fe->t1_ns = ringperf_now_ns();
	fe->preemptions = ringperf_preemptions() - fe->preemptions;
	return NULL;
}

/* Backend: publishes the responses put since the last push. */
static inline void ringperf_push_responses(struct ringperf_back *be)
{
	be->pushes++;
	if (!be->sh->notify)
		ring_back_push_responses(&be->back);
	else if (ring_back_push_responses_and_check_notify(&be->back))
		be->notifies++;
}

static void *ringperf_back_main(void *arg)
{
	struct ringperf_back *be = arg;
	struct ringperf_shared *sh = be->sh;
	struct ring_back *b = &be->back;
	RING_IDX end = sh->base + (RING_IDX)sh->requests;
	uint64_t expect = 0, left = sh->requests;
	unsigned int spins = 0;

	pthread_setname_np(pthread_self(), "ringperf-back");
	ring_back_attach(b, sh->sring, sh->order, sh->base);
	if (!ringperf_start(sh))
		return NULL;
	be->preemptions = ringperf_preemptions();

	while (left) {
		RING_IDX rp = ring_back_req_prod(b);
		unsigned int n = 0;

		if (ring_back_request_prod_overflow(b, rp)) {
			be->overflows++;
			ringperf_fail(sh, -EPROTO);
			return NULL;
		}
		if (rp == b->req_cons) {
			if (!ringperf_wait_step(sh, &spins))
				return NULL;
			continue;
		}
		while (b->req_cons != rp &&
		       !ring_back_request_cons_overflow(b, b->req_cons)) {
			struct blkif_request req;

			ring_back_copy_request(b, b->req_cons++, &req);
			if (req.id != expect ||
			    req.sector_number != expect * 8 ||
			    req.operation != (expect & 1 ? BLKIF_OP_WRITE :
							   BLKIF_OP_READ))
				be->bad_requests++;
			expect++;
			left--;
			ring_back_put_response(b, req.id, req.operation,
					       BLKIF_RSP_OKAY);
			if (++n == sh->batch) {
				ringperf_push_responses(be);
				n = 0;
			}
		}
		if (n)
			ringperf_push_responses(be);
		/* Drained what was seen: the final check before "sleeping". */
		if (sh->notify && b->req_cons != end) {
			be->final_checks++;
			(void)ring_back_final_check_for_requests(b);
		}
	}
	be->preemptions = ringperf_preemptions() - be->preemptions;
	return NULL;
}

/* Pins @attr's thread to @cpu (if >= 0).  Returns 0 or -errno. */
static int ringperf_attr_cpu(pthread_attr_t *attr, int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_attr_setaffinity_np(attr, sizeof(set), &set);
}

/* CPUs this process may run on. */
static int ringperf_cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

static int ringperf_thread(pthread_t *t, int cpu, void *(*fn)(void *),
			   void *arg)
{
	pthread_attr_t attr;
	int err;

	err = -pthread_attr_init(&attr);
	if (err)
		return err;
	err = ringperf_attr_cpu(&attr, cpu);
	if (!err)
		err = -pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

int bench_ringperf_run(const struct bench_ringperf_config *cfg,
		       struct bench_ringperf_result *out)
{
	struct ringperf_shared sh = { 0 };
	struct ringperf_front *fe;
	struct ringperf_back *be;
	pthread_t front, back;
	int err;

	memset(out, 0, sizeof(*out));
	err = bench_ringperf_config_check(cfg, NULL, 0);
	if (err)
		return err;

	sh.order = cfg->ring_order;
	sh.base = cfg->start_idx;
	sh.batch = cfg->batch;
	sh.in_flight = cfg->in_flight ? cfg->in_flight :
					ring_entries(cfg->ring_order);
	sh.requests = cfg->requests;
	sh.notify = cfg->notify;
	sh.rtt = cfg->mode == BENCH_RINGPERF_RTT;
	sh.yield = (cfg->frontend_cpu >= 0 &&
		    cfg->frontend_cpu == cfg->backend_cpu) ||
		   ringperf_cpus_allowed() < 2;
	atomic_init(&sh.ready, 0);
	atomic_init(&sh.stop, false);
	atomic_init(&sh.error, 0);

	sh.sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(sh.order));
	if (!sh.sring)
		return -ENOMEM;
	ring_sring_init_at(sh.sring, sh.order, sh.base);
	/* Each side's state on its own lines, away from the other's. */
	fe = aligned_alloc(64, (sizeof(*fe) + 63) & ~(size_t)63);
	if (!fe) {
		err = -ENOMEM;
		goto err_free_sring;
	}
	be = aligned_alloc(64, (sizeof(*be) + 63) & ~(size_t)63);
	if (!be) {
		err = -ENOMEM;
		goto err_free_fe;
	}
	memset(fe, 0, sizeof(*fe));
	memset(be, 0, sizeof(*be));
	fe->sh = &sh;
	be->sh = &sh;
	sh.deadline_ns = ringperf_now_ns() + cfg->timeout_ns;

	err = ringperf_thread(&back, cfg->backend_cpu, ringperf_back_main, be);
	if (err)
		goto err_free_be;
	err = ringperf_thread(&front, cfg->frontend_cpu, ringperf_front_main,
			      fe);
	if (err) {
		ringperf_fail(&sh, err);
		pthread_join(back, NULL);
		goto err_free_be;
	}
	pthread_join(front, NULL);
	pthread_join(back, NULL);

	out->requests = fe->reaped;
	out->elapsed_ns = fe->t1_ns > fe->t0_ns ? fe->t1_ns - fe->t0_ns : 0;
	out->req_pushes = fe->pushes;
	out->req_notifies = fe->notifies;
	out->rsp_final_checks = fe->final_checks;
	out->bad_responses = fe->bad_responses;
	out->rsp_pushes = be->pushes;
	out->rsp_notifies = be->notifies;
	out->req_final_checks = be->final_checks;
	out->bad_requests = be->bad_requests;
	out->overflows = fe->overflows + be->overflows;
	out->preemptions = fe->preemptions + be->preemptions;
	out->yielded = sh.yield;

	err = atomic_load(&sh.error);
	if (!err && (out->bad_requests || out->bad_responses ||
		     out->overflows || out->requests != cfg->requests))
		err = -EPROTO;
err_free_be:
	free(be);
err_free_fe:
	free(fe);
err_free_sring:
	free(sh.sring);
	return err;
}

/* ---- The command -------------------------------------------------------- */

/* Output schema of the CSV and JSON reports; bump on any column change. */
#define RINGPERF_SCHEMA_VERSION 1
#define RINGPERF_MAX_BATCHES 8
#define RINGPERF_MAX_REPEATS 1000

enum ringperf_format { RINGPERF_TEXT, RINGPERF_CSV, RINGPERF_JSON };

/* What the command line sets; the matrix is modes x batches x notify. */
struct ringperf_cli {
	int64_t modes;	  /* bit 0 oneway, bit 1 rtt */
	int64_t notifies; /* bit 0 off, bit 1 on */
	int64_t batches[RINGPERF_MAX_BATCHES];
	int64_t nr_batches;
	int64_t ring_order;
	int64_t in_flight;
	int64_t requests;
	int64_t repeats;
	int64_t start_index;
	int64_t frontend_cpu;
	int64_t backend_cpu;
	int64_t timeout_s;
	int64_t format;
};

enum ringperf_opt_type {
	RINGPERF_OPT_INT,  /* one integer in [min, max] */
	RINGPERF_OPT_LIST, /* comma-separated integers, each in [min, max] */
	RINGPERF_OPT_ENUM, /* one of choices[], stored as its value */
};

struct ringperf_choice {
	const char *name;
	int64_t value;
};

/*
 * One table drives getopt_long, the defaults (parsed from def like any
 * argument), validation and --help, in the manner of fio's options.c.
 */
struct ringperf_opt {
	const char *name;
	enum ringperf_opt_type type;
	size_t offset;
	const char *def;
	int64_t min, max;
	const struct ringperf_choice *choices;
	const char *help;
};

static const struct ringperf_choice ringperf_modes[] = {
	{ "oneway", 1 },
	{ "rtt", 2 },
	{ "both", 3 },
	{ NULL, 0 },
};

static const struct ringperf_choice ringperf_notify[] = {
	{ "off", 1 },
	{ "on", 2 },
	{ "both", 3 },
	{ NULL, 0 },
};

static const struct ringperf_choice ringperf_formats[] = {
	{ "text", RINGPERF_TEXT },
	{ "csv", RINGPERF_CSV },
	{ "json", RINGPERF_JSON },
	{ NULL, 0 },
};

#define RINGPERF_OFF(f) offsetof(struct ringperf_cli, f)

static const struct ringperf_opt ringperf_opts[] = {
	{ "mode", RINGPERF_OPT_ENUM, RINGPERF_OFF(modes), "both", 0, 0,
	  ringperf_modes,
	  "oneway (requests only), rtt (16-byte responses back) or both" },
	{ "batch", RINGPERF_OPT_LIST, RINGPERF_OFF(batches), "1,8,32", 1, 512,
	  NULL,
	  "requests per publish and responses per push, a list of up to 8; "
	  "each at most the in-flight limit" },
	{ "notify", RINGPERF_OPT_ENUM, RINGPERF_OFF(notifies), "both", 0, 0,
	  ringperf_notify,
	  "Xen's push-and-check-notify and final check: off, on or both" },
	{ "ring-order", RINGPERF_OPT_INT, RINGPERF_OFF(ring_order), "0", 0,
	  RING_ORDER_MAX, NULL, "ring of 1 << order pages, 32 << order slots" },
	{ "in-flight", RINGPERF_OPT_INT, RINGPERF_OFF(in_flight), "0", 0, 512,
	  NULL,
	  "outstanding requests, at most the ring's slots; 0 = all slots" },
	{ "requests", RINGPERF_OPT_INT, RINGPERF_OFF(requests), "2000000", 1,
	  INT64_C(1) << 40, NULL, "requests moved per run" },
	{ "repeats", RINGPERF_OPT_INT, RINGPERF_OFF(repeats), "5", 1,
	  RINGPERF_MAX_REPEATS, NULL,
	  "runs per point; median, min and max are reported" },
	{ "start-index", RINGPERF_OPT_INT, RINGPERF_OFF(start_index), "0", 0,
	  UINT32_MAX, NULL,
	  "initial ring index (e.g. 4294967000 to cross the 2^32 wrap)" },
	{ "frontend-cpu", RINGPERF_OPT_INT, RINGPERF_OFF(frontend_cpu), "0", -1,
	  CPU_SETSIZE - 1, NULL, "CPU of the frontend thread, -1 = any" },
	{ "backend-cpu", RINGPERF_OPT_INT, RINGPERF_OFF(backend_cpu), "1", -1,
	  CPU_SETSIZE - 1, NULL,
	  "CPU of the backend thread, -1 = any; the same CPU as the "
	  "frontend makes both yield while they wait" },
	{ "timeout-s", RINGPERF_OPT_INT, RINGPERF_OFF(timeout_s), "60", 1, 3600,
	  NULL, "a run still going after this long fails" },
	{ "output-format", RINGPERF_OPT_ENUM, RINGPERF_OFF(format), "text", 0,
	  0, ringperf_formats, "text (a table), csv or json" },
};

/* Parses one integer in [min, max]; returns 0 or -EINVAL. */
static int ringperf_parse_int(const char *s, int64_t min, int64_t max,
			      int64_t *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 0);
	if (errno || end == s || *end || x < min || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

static void ringperf_range(const struct ringperf_opt *o, char *buf,
			   size_t bytes)
{
	size_t used = 0;

	if (o->type != RINGPERF_OPT_ENUM) {
		snprintf(buf, bytes, "%" PRId64 "..%" PRId64 "%s", o->min,
			 o->max, o->type == RINGPERF_OPT_LIST ? ", list" : "");
		return;
	}
	buf[0] = 0;
	for (const struct ringperf_choice *c = o->choices; c->name; c++)
		used += snprintf(buf + used, used < bytes ? bytes - used : 0,
				 "%s%s", c == o->choices ? "" : "|", c->name);
}

/* Applies @arg to option @o of @cli.  Returns 0 or -EINVAL. */
static int ringperf_set(const struct ringperf_opt *o, const char *arg,
			struct ringperf_cli *cli)
{
	int64_t *field = (int64_t *)((char *)cli + o->offset);
	char buf[128], *tok, *save;
	int64_t n = 0;

	switch (o->type) {
	case RINGPERF_OPT_INT:
		return ringperf_parse_int(arg, o->min, o->max, field);
	case RINGPERF_OPT_ENUM:
		for (const struct ringperf_choice *c = o->choices; c->name; c++)
			if (!strcmp(arg, c->name)) {
				*field = c->value;
				return 0;
			}
		return -EINVAL;
	case RINGPERF_OPT_LIST:
		if (strlen(arg) >= sizeof(buf))
			return -EINVAL;
		strcpy(buf, arg);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (n == RINGPERF_MAX_BATCHES ||
			    ringperf_parse_int(tok, o->min, o->max, &field[n]))
				return -EINVAL;
			n++;
		}
		if (!n)
			return -EINVAL;
		cli->nr_batches = n;
		return 0;
	}
	return -EINVAL;
}

static void ringperf_usage(FILE *out)
{
	char range[64];

	fprintf(out,
		"usage: blkring ringperf [OPTIONS]\n\n"
		"Shared-ring microbenchmark: ns per request through ring/ring.h, "
		"both sides\nspinning, one-way and round trip, by publish batch, "
		"with and without Xen's\nnotify check.  Each point is run "
		"--repeats times; median [min-max] is shown.\n\n"
		"options:\n");
	for (size_t i = 0; i < ARRAY_SIZE(ringperf_opts); i++) {
		const struct ringperf_opt *o = &ringperf_opts[i];

		ringperf_range(o, range, sizeof(range));
		fprintf(out, "  --%s=%s (default %s)\n      %s\n", o->name,
			range, o->def, o->help);
	}
	fprintf(out, "  --help\n      this text\n");
}

static bool ringperf_cpu_usable(int64_t cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return true;
	if (sched_getaffinity(0, sizeof(set), &set))
		return false;
	return CPU_ISSET((int)cpu, &set);
}

/* Parses the command line into @cli.  Returns 0, 1 for --help, or -EINVAL. */
static int ringperf_parse(int argc, char **argv, struct ringperf_cli *cli)
{
	struct option longopts[ARRAY_SIZE(ringperf_opts) + 2];
	char range[64];
	int opt, idx;

	memset(cli, 0, sizeof(*cli));
	for (size_t i = 0; i < ARRAY_SIZE(ringperf_opts); i++) {
		const struct ringperf_opt *o = &ringperf_opts[i];

		longopts[i] = (struct option){ o->name, required_argument, NULL,
					       (int)i };
		if (ringperf_set(o, o->def, cli)) {
			fprintf(stderr, "ringperf: bad default --%s=%s\n",
				o->name, o->def);
			return -EINVAL;
		}
	}
	longopts[ARRAY_SIZE(ringperf_opts)] =
		(struct option){ "help", no_argument, NULL, 'h' };
	longopts[ARRAY_SIZE(ringperf_opts) + 1] = (struct option){ 0 };

	/* Option values are table indices, so no short options ("+:"). */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:", longopts, &idx)) != -1) {
		const struct ringperf_opt *o;

		if (opt == 'h') {
			ringperf_usage(stdout);
			return 1;
		}
		if (opt == '?' || opt == ':') {
			fprintf(stderr,
				"ringperf: %s option '%s' (see blkring "
				"ringperf --help)\n",
				opt == ':' ? "missing value for" : "unknown",
				argv[optind - 1]);
			return -EINVAL;
		}
		o = &ringperf_opts[opt];
		if (ringperf_set(o, optarg, cli)) {
			ringperf_range(o, range, sizeof(range));
			fprintf(stderr,
				"ringperf: bad value '%s' for --%s (allowed: "
				"%s)\n",
				optarg, o->name, range);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"ringperf: unexpected argument '%s' (see blkring "
			"ringperf --help)\n",
			argv[optind]);
		return -EINVAL;
	}

	/* Checks across options. */
	int64_t entries = ring_entries((unsigned int)cli->ring_order);
	int64_t in_flight = cli->in_flight ? cli->in_flight : entries;

	if (cli->in_flight > entries) {
		fprintf(stderr,
			"ringperf: bad value '%" PRId64 "' for --in-flight "
			"(allowed: 0..%" PRId64 " at --ring-order=%" PRId64
			")\n",
			cli->in_flight, entries, cli->ring_order);
		return -EINVAL;
	}
	for (int64_t i = 0; i < cli->nr_batches; i++)
		if (cli->batches[i] > in_flight) {
			fprintf(stderr,
				"ringperf: bad value '%" PRId64 "' for --batch "
				"(allowed: 1..%" PRId64
				", the in-flight limit)\n",
				cli->batches[i], in_flight);
			return -EINVAL;
		}
	if (!ringperf_cpu_usable(cli->frontend_cpu)) {
		fprintf(stderr,
			"ringperf: bad value '%" PRId64 "' for --frontend-cpu "
			"(allowed: -1 or a CPU this process may use)\n",
			cli->frontend_cpu);
		return -EINVAL;
	}
	if (!ringperf_cpu_usable(cli->backend_cpu)) {
		fprintf(stderr,
			"ringperf: bad value '%" PRId64 "' for --backend-cpu "
			"(allowed: -1 or a CPU this process may use)\n",
			cli->backend_cpu);
		return -EINVAL;
	}
	return 0;
}

/* One point of the matrix, its repeats and their summary. */
struct ringperf_point {
	struct bench_ringperf_config cfg;
	double ns_median, ns_min, ns_max;
	double req_notifies_per_req, rsp_notifies_per_req;
	double preemptions; /* median per run */
	bool yielded;
};

static int ringperf_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double ringperf_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), ringperf_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *ringperf_mode_name(enum bench_ringperf_mode m)
{
	return m == BENCH_RINGPERF_RTT ? "rtt" : "oneway";
}

static void ringperf_print_header(const struct ringperf_cli *cli)
{
	unsigned int entries = ring_entries((unsigned int)cli->ring_order);

	switch (cli->format) {
	case RINGPERF_TEXT:
		printf("ringperf: ring order %" PRId64 " (%u slots), in flight "
		       "%" PRId64 ", %" PRId64 " requests x %" PRId64
		       " repeats, frontend CPU %" PRId64
		       ", backend CPU %" PRId64 "\n\n",
		       cli->ring_order, entries,
		       cli->in_flight ? cli->in_flight : (int64_t)entries,
		       cli->requests, cli->repeats, cli->frontend_cpu,
		       cli->backend_cpu);
		printf("%-7s %5s %6s %9s %30s %15s %8s\n", "mode", "batch",
		       "notify", "Mreq/s", "ns/req median [min-max]",
		       "notifies/req", "preempt");
		break;
	case RINGPERF_CSV:
		printf("schema_version,mode,batch,notify,ring_order,ring_entries,"
		       "in_flight,requests,repeats,frontend_cpu,backend_cpu,"
		       "mreq_per_s,ns_per_req_median,ns_per_req_min,"
		       "ns_per_req_max,req_notifies_per_req,"
		       "rsp_notifies_per_req,preemptions,yield\n");
		break;
	case RINGPERF_JSON:
		printf("{\n  \"schema_version\": %d,\n  \"command\": "
		       "\"ringperf\",\n  \"ring_order\": %" PRId64
		       ",\n  \"ring_entries\": %u,\n  \"in_flight\": %" PRId64
		       ",\n  \"requests\": %" PRId64
		       ",\n  \"repeats\": %" PRId64
		       ",\n  \"start_index\": %" PRId64
		       ",\n  \"frontend_cpu\": %" PRId64
		       ",\n  \"backend_cpu\": %" PRId64 ",\n  \"results\": [",
		       RINGPERF_SCHEMA_VERSION, cli->ring_order, entries,
		       cli->in_flight ? cli->in_flight : (int64_t)entries,
		       cli->requests, cli->repeats, cli->start_index,
		       cli->frontend_cpu, cli->backend_cpu);
		break;
	}
}

static void ringperf_print_point(const struct ringperf_cli *cli,
				 const struct ringperf_point *p,
				 const double *runs_ns, unsigned int runs,
				 bool first)
{
	const struct bench_ringperf_config *c = &p->cfg;
	unsigned int entries = ring_entries(c->ring_order);
	unsigned int in_flight = c->in_flight ? c->in_flight : entries;
	double mreq = 1000.0 / p->ns_median;
	char spread[64], notes[32];

	switch (cli->format) {
	case RINGPERF_TEXT:
		snprintf(spread, sizeof(spread), "%.1f [%.1f-%.1f]",
			 p->ns_median, p->ns_min, p->ns_max);
		if (c->notify)
			snprintf(notes, sizeof(notes), "%.3f / %.3f",
				 p->req_notifies_per_req,
				 p->rsp_notifies_per_req);
		else
			snprintf(notes, sizeof(notes), "-");
		printf("%-7s %5u %6s %9.2f %30s %15s %8.0f%s\n",
		       ringperf_mode_name(c->mode), c->batch,
		       c->notify ? "on" : "off", mreq, spread, notes,
		       p->preemptions, p->yielded ? "  (yield)" : "");
		break;
	case RINGPERF_CSV:
		printf("%d,%s,%u,%s,%u,%u,%u,%" PRIu64 ",%u,%d,%d,%.3f,%.2f,"
		       "%.2f,%.2f,%.4f,%.4f,%.0f,%d\n",
		       RINGPERF_SCHEMA_VERSION, ringperf_mode_name(c->mode),
		       c->batch, c->notify ? "on" : "off", c->ring_order,
		       entries, in_flight, c->requests, runs, c->frontend_cpu,
		       c->backend_cpu, mreq, p->ns_median, p->ns_min, p->ns_max,
		       p->req_notifies_per_req, p->rsp_notifies_per_req,
		       p->preemptions, p->yielded);
		break;
	case RINGPERF_JSON:
		printf("%s\n    { \"mode\": \"%s\", \"batch\": %u, \"notify\": "
		       "%s, \"in_flight\": %u, \"mreq_per_s\": %.3f, "
		       "\"ns_per_req\": { \"median\": %.2f, \"min\": %.2f, "
		       "\"max\": %.2f }, \"req_notifies_per_req\": %.4f, "
		       "\"rsp_notifies_per_req\": %.4f, \"preemptions\": %.0f, "
		       "\"yield\": %s, "
		       "\"runs_ns_per_req\": [",
		       first ? "" : ",", ringperf_mode_name(c->mode), c->batch,
		       c->notify ? "true" : "false", in_flight, mreq,
		       p->ns_median, p->ns_min, p->ns_max,
		       p->req_notifies_per_req, p->rsp_notifies_per_req,
		       p->preemptions, p->yielded ? "true" : "false");
		for (unsigned int i = 0; i < runs; i++)
			printf("%s%.2f", i ? ", " : "", runs_ns[i]);
		printf("] }");
		break;
	}
	fflush(stdout);
}

/*
 * Runs one point @cli->repeats times into @p.  Returns 0, or the first
 * run's error (reported on stderr).
 */
static int ringperf_point_run(const struct ringperf_cli *cli,
			      struct ringperf_point *p, double *runs_ns)
{
	double req_n[RINGPERF_MAX_REPEATS], rsp_n[RINGPERF_MAX_REPEATS];
	double csw[RINGPERF_MAX_REPEATS];
	unsigned int runs = (unsigned int)cli->repeats;

	for (unsigned int r = 0; r < runs; r++) {
		struct bench_ringperf_result res;
		int err = bench_ringperf_run(&p->cfg, &res);

		if (err) {
			fprintf(stderr,
				"ringperf: %s batch %u notify %s run %u failed: "
				"%s (%" PRIu64 " of %" PRIu64
				" answered, %" PRIu64 " bad requests, %" PRIu64
				" bad responses, %" PRIu64 " bad indices)\n",
				ringperf_mode_name(p->cfg.mode), p->cfg.batch,
				p->cfg.notify ? "on" : "off", r + 1,
				strerror(-err), res.requests, p->cfg.requests,
				res.bad_requests, res.bad_responses,
				res.overflows);
			return err;
		}
		runs_ns[r] = (double)res.elapsed_ns / (double)res.requests;
		req_n[r] = (double)res.req_notifies / (double)res.requests;
		rsp_n[r] = (double)res.rsp_notifies / (double)res.requests;
		csw[r] = (double)res.preemptions;
		p->yielded = res.yielded;
	}
	p->ns_min = p->ns_max = runs_ns[0];
	for (unsigned int r = 1; r < runs; r++) {
		if (runs_ns[r] < p->ns_min)
			p->ns_min = runs_ns[r];
		if (runs_ns[r] > p->ns_max)
			p->ns_max = runs_ns[r];
	}
	/* The median sorts; keep runs_ns in run order for the JSON. */
	double sorted[RINGPERF_MAX_REPEATS];

	memcpy(sorted, runs_ns, runs * sizeof(*sorted));
	p->ns_median = ringperf_median(sorted, runs);
	p->req_notifies_per_req = ringperf_median(req_n, runs);
	p->rsp_notifies_per_req = ringperf_median(rsp_n, runs);
	p->preemptions = ringperf_median(csw, runs);
	return 0;
}

int bench_ringperf_main(int argc, char **argv)
{
	static const enum bench_ringperf_mode modes[] = {
		BENCH_RINGPERF_ONEWAY,
		BENCH_RINGPERF_RTT,
	};
	static double runs_ns[RINGPERF_MAX_REPEATS];
	struct ringperf_cli cli;
	bool first = true;
	int rc;

	rc = ringperf_parse(argc, argv, &cli);
	if (rc)
		return rc > 0 ? 0 : 2;

	ringperf_print_header(&cli);
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		if (!(cli.modes & (1 << m)))
			continue;
		for (int64_t bi = 0; bi < cli.nr_batches; bi++) {
			for (int notify = 0; notify < 2; notify++) {
				struct ringperf_point p = { 0 };

				if (!(cli.notifies & (1 << notify)))
					continue;
				bench_ringperf_config_default(&p.cfg);
				p.cfg.mode = modes[m];
				p.cfg.batch = (unsigned int)cli.batches[bi];
				p.cfg.notify = notify;
				p.cfg.ring_order = (unsigned int)cli.ring_order;
				p.cfg.in_flight = (unsigned int)cli.in_flight;
				p.cfg.requests = (uint64_t)cli.requests;
				p.cfg.start_idx = (RING_IDX)cli.start_index;
				p.cfg.frontend_cpu = (int)cli.frontend_cpu;
				p.cfg.backend_cpu = (int)cli.backend_cpu;
				p.cfg.timeout_ns =
					(uint64_t)cli.timeout_s * 1000000000u;
				if (ringperf_point_run(&cli, &p, runs_ns)) {
					if (cli.format == RINGPERF_JSON)
						printf("\n  ]\n}\n");
					return 1;
				}
				ringperf_print_point(&cli, &p, runs_ns,
						     (unsigned int)cli.repeats,
						     first);
				first = false;
			}
		}
	}
	if (cli.format == RINGPERF_JSON)
		printf("\n  ]\n}\n");
	return 0;
}
