// SPDX-License-Identifier: MIT
/*
 * Tests of the virtual-time engine (sim/vengine.c) and the device model
 * (sim/devmodel.c): determinism (same configuration, same results; other
 * seed, other results), the theory checks that virtual time makes exact
 * (a single channel of fixed service time at iodepth 1, a closed system
 * and Little's law, M/D/1 waiting time, interrupt coalescing firing at K
 * responses or after T), a busy actor delaying what it has not handled,
 * the policy workers, verify=crc32c over out-of-order channels, the model
 * file, several queues on one device (per-lane conservation and Little's
 * law, determinism, the what-if scaling of backends), and the refusals.  Everything runs
 * in this thread; nothing depends on the machine's speed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/report.h"
#include "bench/run.h"
#include "sim/devmodel.h"
#include "sim/vengine.h"
#include "tests/cu_main.h"

#define US 1000ull
#define DISK_BYTES (64ull << 20)

/* What the completion callback gathers. */
struct tally {
	uint64_t n, failed;
	uint64_t lat_sum_ns, lat_min_ns, lat_max_ns;
	uint64_t hash; /* FNV-1a over every completion, in order */
};

static void mix(struct tally *t, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		t->hash ^= (v >> (8 * i)) & 0xff;
		t->hash *= 0x100000001b3ull;
	}
}

static void on_complete(void *ctx, const struct frontend_completion *c)
{
	struct tally *t = ctx;
	uint64_t lat = c->complete_ns - c->submit_ns;

	t->n++;
	t->failed += !c->ok;
	t->lat_sum_ns += lat;
	if (t->n == 1 || lat < t->lat_min_ns)
		t->lat_min_ns = lat;
	if (lat > t->lat_max_ns)
		t->lat_max_ns = lat;
	mix(t, c->offset_bytes);
	mix(t, c->len_bytes | (uint64_t)c->write << 32);
	mix(t, c->submit_ns);
	mix(t, c->complete_ns);
	for (int s = 0; s < SIM_STAGES; s++)
		mix(t, c->stage_ns[s]);
}

/*
 * A model-target configuration of @ios 4 KiB random reads at @iodepth, a
 * single channel of fixed @service_ns (bandwidth infinite), no cost and
 * no latency anywhere.
 */
static void setup(struct engine_config *ec, struct vengine_config *vc,
		  struct tally *t, unsigned int iodepth, uint64_t ios,
		  uint64_t service_ns)
{
	engine_config_default(ec);
	vengine_config_default(vc);
	memset(t, 0, sizeof(*t));
	t->hash = 0xcbf29ce484222325ull;
	ec->iodepth = iodepth;
	ec->target = target_find("model");
	ec->target_cfg.size_bytes = DISK_BYTES;
	ec->workload.rw = WL_RW_RANDREAD;
	ec->workload.bs_bytes = 4096;
	ec->workload.size_bytes = DISK_BYTES;
	ec->workload.io_limit_bytes = ios * 4096;
	ec->complete = on_complete;
	ec->complete_ctx = t;
	vc->model.channels = 1;
	vc->model.dir[0].latency_ns = service_ns;
	vc->model.dir[0].bw_bytes_per_s = 0;
	vc->model.dir[1] = vc->model.dir[0];
}

static void run_ok(const struct engine_config *ec,
		   const struct vengine_config *vc, struct engine_result *res)
{
	char why[256] = "";
	int rc = vengine_run(ec, vc, res, NULL, why, sizeof(why));

	if (rc)
		fprintf(stderr, "vengine_run: %s\n", why);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(res->fe.ios_issued,
			res->fe.ios_completed + res->fe.ios_failed);
	CU_ASSERT_EQUAL(res->fe.inflight, 0);
	CU_ASSERT_FALSE(res->fe.disabled);
	CU_ASSERT_FALSE(res->drain_timeout);
}

static double elapsed_s(const struct engine_result *res)
{
	return (double)(res->end_ns - res->start_ns) / 1e9;
}

/* ---- Determinism ---------------------------------------------------------- */

/* Everything on: costs, latency drawn at random, coalescing, 8 channels. */
static void busy_setup(struct engine_config *ec, struct vengine_config *vc,
		       struct tally *t, uint64_t seed)
{
	setup(ec, vc, t, 32, 20000, 20 * US);
	ec->workload.rw = WL_RW_RANDRW;
	ec->workload.seed = seed;
	ec->evtchn.latency_ns = 2 * US;
	ec->evtchn.latency_max_ns = 6 * US;
	ec->evtchn.dist = EVTCHN_LAT_UNIFORM;
	ec->evtchn.seed = seed;
	ec->evtchn.cost_ns = 500;
	ec->coalesce_count = 4;
	ec->coalesce_ns = 10 * US;
	vc->costs = (struct vengine_costs){ 200, 50, 100, 300, 100, 0 };
	vc->model.channels = 8;
	vc->model.dist = DEVMODEL_EXP;
	vc->model.seed = seed;
	vc->model.dir[1].latency_ns = 40 * US;
	vc->model.dir[0].bw_bytes_per_s = 2ull << 30;
}

static void test_deterministic(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result a, b, c;
	struct tally ta, tb, tc;

	busy_setup(&ec, &vc, &ta, 7);
	run_ok(&ec, &vc, &a);
	busy_setup(&ec, &vc, &tb, 7);
	run_ok(&ec, &vc, &b);
	busy_setup(&ec, &vc, &tc, 8);
	run_ok(&ec, &vc, &c);

	CU_ASSERT_EQUAL(ta.n, 20000);
	CU_ASSERT_EQUAL(ta.hash, tb.hash);
	CU_ASSERT_EQUAL(a.end_ns, b.end_ns);
	CU_ASSERT_EQUAL(memcmp(&a.fe, &b.fe, sizeof(a.fe)), 0);
	CU_ASSERT_EQUAL(memcmp(&a.be, &b.be, sizeof(a.be)), 0);
	CU_ASSERT_EQUAL(a.irq.lag_sum_ns, b.irq.lag_sum_ns);
	CU_ASSERT_EQUAL(a.fe_cpu_ns, b.fe_cpu_ns);
	/* Another seed: other offsets, draws and times. */
	CU_ASSERT_NOT_EQUAL(ta.hash, tc.hash);
	CU_ASSERT_NOT_EQUAL(a.end_ns, c.end_ns);
	/* The costs were charged: per I/O at least submit + reap. */
	CU_ASSERT(a.fe_cpu_ns >= a.fe.ios_completed * 300);
	CU_ASSERT(a.be.irqs_coalesced > 0);
}

/* The report of `blkring run --engine=virtual` twice: the same bytes. */
static void report_of(const char *seed, char **buf, size_t *len)
{
	struct bench_config cfg;
	static struct engine_result res;
	static struct bench_rec rec;
	char err[512];
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(bench_config_default(&cfg), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "engine", "virtual", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "target", "model", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "size", "16m", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "runtime", "20ms", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "rw", "randrw", NULL, 0), 0);
	CU_ASSERT_EQUAL(
		bench_opt_set(&cfg, "model-latency-dist", "exp", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "model-channels", "4", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "randseed", seed, NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "output-format", "json", NULL, 0),
			0);
	CU_ASSERT_EQUAL_FATAL(
		bench_run_config(&cfg, NULL, &res, &rec, err, sizeof(err)), 0);
	f = open_memstream(buf, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* A fixed wall-clock time: the one field that may differ. */
	bench_report(f, &cfg, &res, &rec, 0);
	fclose(f);
}

static void test_report_identical(void)
{
	char *a, *b, *c;
	size_t la, lb, lc;

	report_of("1", &a, &la);
	report_of("1", &b, &lb);
	report_of("2", &c, &lc);
	CU_ASSERT_EQUAL(la, lb);
	CU_ASSERT(la == lb && memcmp(a, b, la) == 0);
	CU_ASSERT(la != lc || memcmp(a, c, la) != 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"engine\": \"virtual\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"conserved\": true"));
	free(a);
	free(b);
	free(c);
}

/* ---- Theory ----------------------------------------------------------- */

/*
 * One channel of fixed service time S at iodepth 1: each I/O takes
 * exactly submit + kick latency + wake-up + request + flush + S +
 * response + interrupt latency + wake-up + reap, one after another, so
 * IOPS = 1 / that sum exactly: both receivers are idle (asleep) when
 * their notification comes.  The notification cost is paid after
 * sending, off this path.
 */
static void test_iodepth1_exact(void)
{
	static const struct {
		uint64_t s, lat, submit, req, rsp, reap, notify, flush, wake;
	} cases[] = {
		{ 10 * US, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 80 * US, 3 * US, 700, 1500, 400, 600, 900, 0, 0 },
		{ 1, 1, 1, 1, 1, 1, 0, 0, 0 },
		{ 60 * US, 0, 700, 1500, 400, 600, 900, 25 * US, 11 * US },
		{ 10 * US, 2 * US, 0, 0, 0, 0, 0, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct engine_config ec;
		struct vengine_config vc;
		static struct engine_result res;
		struct tally t;
		uint64_t period = cases[i].submit + cases[i].lat +
				  cases[i].wake + cases[i].req +
				  cases[i].flush + cases[i].s + cases[i].rsp +
				  cases[i].lat + cases[i].wake + cases[i].reap;

		setup(&ec, &vc, &t, 1, 5000, cases[i].s);
		ec.evtchn.latency_ns = cases[i].lat;
		ec.evtchn.cost_ns = cases[i].notify;
		vc.costs.submit_ns = cases[i].submit;
		vc.costs.backend_request_ns = cases[i].req;
		vc.costs.backend_response_ns = cases[i].rsp;
		vc.costs.reap_ns = cases[i].reap;
		vc.costs.backend_flush_ns = cases[i].flush;
		vc.wake_latency_ns = cases[i].wake;
		run_ok(&ec, &vc, &res);
		/* Every notification found its receiver asleep. */
		CU_ASSERT_EQUAL(res.kick.lag_sum_ns,
				res.kick.delivered * cases[i].wake);
		CU_ASSERT_EQUAL(res.irq.lag_sum_ns,
				res.irq.delivered * cases[i].wake);
		CU_ASSERT_EQUAL(res.be.flushes, 5000);
		CU_ASSERT_EQUAL(t.n, 5000);
		CU_ASSERT_EQUAL(t.lat_min_ns, period);
		CU_ASSERT_EQUAL(t.lat_max_ns, period);
		CU_ASSERT_EQUAL(res.end_ns - res.start_ns, 5000 * period);
		CU_ASSERT_DOUBLE_EQUAL((double)t.n / elapsed_s(&res),
				       1e9 / (double)period, 1e-6);
	}
}

/*
 * Think time at iodepth 1: every I/O after the first waits T (of which
 * P spun on the frontend) after the previous one completed, so the
 * period is S + T + overheads exactly, IOPS = 1 / (S + T + overheads),
 * the latency holds none of T, the frontend's CPU grows by exactly P
 * per think and Little's law holds exactly.
 */
static void test_thinktime_exact(void)
{
	static const struct {
		uint64_t s, think, spin, lat, submit, reap;
	} cases[] = {
		{ 10 * US, 100 * US, 0, 0, 0, 0 },
		{ 10 * US, 100 * US, 40 * US, 0, 0, 0 },
		{ 80 * US, 30 * US, 30 * US, 3 * US, 700, 600 },
	};
	const uint64_t n = 2000;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct engine_config ec;
		struct vengine_config vc;
		static struct engine_result res, base;
		struct tally t;
		uint64_t period = cases[i].submit + cases[i].lat + cases[i].s +
				  cases[i].lat + cases[i].reap;

		for (int think = 0; think < 2; think++) {
			setup(&ec, &vc, &t, 1, n, cases[i].s);
			ec.evtchn.latency_ns = cases[i].lat;
			vc.costs.submit_ns = cases[i].submit;
			vc.costs.reap_ns = cases[i].reap;
			if (think) {
				ec.workload.thinktime_ns = cases[i].think;
				ec.workload.thinktime_spin_ns = cases[i].spin;
			}
			run_ok(&ec, &vc, think ? &res : &base);
		}
		CU_ASSERT_EQUAL(t.n, n);
		CU_ASSERT_EQUAL(t.lat_min_ns, period);
		CU_ASSERT_EQUAL(t.lat_max_ns, period);
		CU_ASSERT_EQUAL(res.end_ns - res.start_ns,
				n * period + (n - 1) * cases[i].think);
		CU_ASSERT_DOUBLE_EQUAL(
			(double)(n - 1) /
				((double)(res.end_ns - res.start_ns - period) /
				 1e9),
			1e9 / (double)(period + cases[i].think), 1e-6);
		CU_ASSERT_EQUAL(res.fe.think_ios, n - 1);
		CU_ASSERT_EQUAL(res.fe.think_spin_ns, (n - 1) * cases[i].spin);
		CU_ASSERT_EQUAL(res.fe.think_wait_ns,
				(n - 1) * (cases[i].think - cases[i].spin));
		CU_ASSERT_EQUAL(res.fe_cpu_ns - base.fe_cpu_ns,
				(n - 1) * cases[i].spin);
		CU_ASSERT_EQUAL(res.fe.inflight_area_ns, t.lat_sum_ns);
	}
}

/*
 * Think time in open loop: it delays each I/O's intended time, so the
 * schedule lag holds none of it and Little's law (in-flight integral
 * plus lag = the latencies) stays exact.
 */
static void test_thinktime_open_loop(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	setup(&ec, &vc, &t, 4, 5000, 20 * US);
	ec.workload.rate_iops = 20000;
	ec.workload.thinktime_ns = 10 * US;
	ec.workload.thinktime_spin_ns = 4 * US;
	ec.workload.thinktime_blocks = 2;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.n, 5000);
	CU_ASSERT_EQUAL(res.fe.think_ios, 2499);
	CU_ASSERT_EQUAL(res.fe.sched_ios, 5000);
	CU_ASSERT_EQUAL(res.fe.inflight_area_ns + res.fe.sched_lag_sum_ns,
			t.lat_sum_ns);
	/* The think time is not lag: every I/O left on its delayed time. */
	CU_ASSERT_EQUAL(res.fe.sched_lag_max_ns, 0);
	/* One channel of 20 us at 20k/s: no queueing, so no latency grows. */
	CU_ASSERT_EQUAL(t.lat_min_ns, 20 * US);
	CU_ASSERT_EQUAL(t.lat_max_ns, 20 * US);
}

/*
 * A closed system of N I/Os on one channel of service time S saturates
 * it: X = 1/S, R = N * S, and Little's law N = X * R, within 1% (the
 * first I/Os' start-up is all that differs).
 */
static void test_closed_little(void)
{
	static const unsigned int depths[] = { 2, 8, 32 };

	for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		unsigned int n = depths[i];
		struct engine_config ec;
		struct vengine_config vc;
		static struct engine_result res;
		struct tally t;
		double x, r, s = 10e-6;

		setup(&ec, &vc, &t, n, 20000, 10 * US);
		ec.evtchn.latency_ns = 1 * US;
		vc.costs.submit_ns = 200;
		vc.costs.backend_request_ns = 300;
		run_ok(&ec, &vc, &res);
		x = (double)t.n / elapsed_s(&res);
		r = (double)t.lat_sum_ns / (double)t.n / 1e9;
		if (n >= 8) {
			CU_ASSERT(fabs(x * s - 1) < 0.01);
			CU_ASSERT(fabs(r / (n * s) - 1) < 0.01);
		}
		CU_ASSERT(fabs(x * r / n - 1) < 0.01);
		/* Little's law from the frontend's own in-flight integral. */
		CU_ASSERT(fabs((double)res.fe.inflight_area_ns /
				       (double)(res.end_ns - res.start_ns) /
				       (x * r) -
			       1) < 0.01);
	}
}

/*
 * M/D/1: Poisson arrivals at rate lambda on one channel of fixed service
 * S; the mean wait in queue is rho S / (2 (1 - rho)), rho = lambda S.
 * Nothing else takes time, so latency = wait + S.  200k I/Os, fixed seed:
 * within 3%.
 */
static void test_md1(void)
{
	static const unsigned int rho_pct[] = { 50, 80 };

	for (size_t i = 0; i < sizeof(rho_pct) / sizeof(rho_pct[0]); i++) {
		struct engine_config ec;
		struct vengine_config vc;
		static struct engine_result res;
		struct tally t;
		double s = 10e-6, rho = rho_pct[i] / 100.0, w, want;

		setup(&ec, &vc, &t, 256, 200000, 10 * US);
		ec.ring_order = 3;
		ec.workload.rate_iops = (uint64_t)(rho / s + 0.5);
		ec.workload.rate_process = WL_RATE_POISSON;
		run_ok(&ec, &vc, &res);
		w = (double)t.lat_sum_ns / (double)t.n / 1e9 - s;
		want = rho * s / (2 * (1 - rho));
		if (fabs(w / want - 1) >= 0.03)
			fprintf(stderr,
				"M/D/1 rho %.2f: wait %.3f us, want "
				"%.3f us\n",
				rho, w * 1e6, want * 1e6);
		CU_ASSERT(fabs(w / want - 1) < 0.03);
		/* Utilisation: the channel is busy rho of the time. */
		CU_ASSERT(fabs((double)t.n * s / elapsed_s(&res) / rho - 1) <
			  0.03);
	}
}

/* ---- Coalescing ------------------------------------------------------- */

/*
 * Count: responses come S apart (one channel) and every push asks for an
 * interrupt (notify=always); with K = 4 and a long T, exactly one
 * interrupt per 4 responses, and the first of each 4 waits 3 S for it.
 */
static void test_coalesce_count(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	setup(&ec, &vc, &t, 8, 4000, 10 * US);
	ec.evtchn.notify = EVTCHN_NOTIFY_ALWAYS;
	ec.coalesce_count = 4;
	ec.coalesce_ns = 1000 * US;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(res.be.responses, 4000);
	CU_ASSERT_EQUAL(res.be.irqs_sent, 1000);
	CU_ASSERT_EQUAL(res.be.irqs_coalesced, 3000);
	CU_ASSERT_EQUAL(res.irq.delivered, 1000);
}

/*
 * Time: one I/O at a time, K never reached: each response is held
 * exactly T, so every latency is S + T.
 */
static void test_coalesce_time(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	setup(&ec, &vc, &t, 1, 1000, 10 * US);
	ec.coalesce_count = 64;
	ec.coalesce_ns = 25 * US;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.lat_min_ns, 35 * US);
	CU_ASSERT_EQUAL(t.lat_max_ns, 35 * US);
	CU_ASSERT_EQUAL(res.be.irqs_sent, 1000);
}

/* ---- Virtual CPUs ------------------------------------------------------- */

/*
 * A busy backend delays what it has not handled: 2 us of backend CPU per
 * I/O against a device of 32 channels of 1 us makes the backend the
 * bottleneck, at 500k IOPS, and it is busy all the time.
 */
static void test_busy_backend(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;
	double x;

	setup(&ec, &vc, &t, 32, 50000, 1 * US);
	/* Submitted one by one, the device overlaps the backend's work. */
	ec.submit_per_request = true;
	vc.model.channels = 32;
	vc.costs.backend_request_ns = 1500;
	vc.costs.backend_response_ns = 500;
	run_ok(&ec, &vc, &res);
	x = (double)t.n / elapsed_s(&res);
	CU_ASSERT(fabs(x / 500000 - 1) < 0.01);
	CU_ASSERT(fabs((double)res.be_cpu_ns /
			       (double)(res.end_ns - res.start_ns) -
		       1) < 0.01);
}

/*
 * The same busy backend with a flush per request (1 us): the bottleneck
 * is 1 / (1.5 + 0.5 + 1) us, the backend busy all the time, a flush per
 * I/O.
 */
static void test_busy_flush(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;
	double x;

	setup(&ec, &vc, &t, 32, 50000, 1 * US);
	ec.submit_per_request = true;
	vc.model.channels = 32;
	vc.costs.backend_request_ns = 1500;
	vc.costs.backend_response_ns = 500;
	vc.costs.backend_flush_ns = 1000;
	run_ok(&ec, &vc, &res);
	x = (double)t.n / elapsed_s(&res);
	CU_ASSERT(fabs(x / (1e9 / 3000) - 1) < 0.01);
	CU_ASSERT(fabs((double)res.be_cpu_ns /
			       (double)(res.end_ns - res.start_ns) -
		       1) < 0.01);
	CU_ASSERT_EQUAL(res.be.flushes, 50000);
}

/*
 * The wake-up latency W is paid by an idle receiver only.  At iodepth 1
 * with a notification cost N the backend pays after each interrupt, the
 * next kick comes while the backend is still busy (W + reap + submit =
 * 22 us < N = 30 us): it is seen when the backend is free, at lag
 * N - 22 = 8 us, not at W = 20 us; the frontend is idle when each
 * interrupt comes and sees it W late.  So each I/O takes exactly
 * N + request + flush + S + response = 68 us (the first 80 us: its kick
 * finds the backend asleep).
 */
static void test_wake_idle_only(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;
	const uint64_t n = 5000;

	setup(&ec, &vc, &t, 1, n, 30 * US);
	ec.evtchn.cost_ns = 30 * US;
	vc.costs.submit_ns = 1 * US;
	vc.costs.reap_ns = 1 * US;
	vc.costs.backend_request_ns = 2 * US;
	vc.costs.backend_flush_ns = 5 * US;
	vc.costs.backend_response_ns = 1 * US;
	vc.wake_latency_ns = 20 * US;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.n, n);
	CU_ASSERT_EQUAL(t.lat_min_ns, 68 * US);
	CU_ASSERT_EQUAL(t.lat_max_ns, 80 * US);
	CU_ASSERT_EQUAL(t.lat_sum_ns, n * 68 * US + 12 * US);
	CU_ASSERT_EQUAL(res.kick.delivered, n);
	CU_ASSERT_EQUAL(res.kick.lag_sum_ns, 20 * US + (n - 1) * 8 * US);
	CU_ASSERT_EQUAL(res.kick.lag_max_ns, 20 * US);
	CU_ASSERT_EQUAL(res.irq.lag_sum_ns, n * 20 * US);
}

/* The policy workers run as their own virtual CPUs. */
static void test_workers(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res, again;
	struct tally t, t2;

	setup(&ec, &vc, &t, 16, 5000, 20 * US);
	vc.model.channels = 4;
	ec.lock = true;
	ec.lock_work_ns = 300;
	ec.submit_path = FRONTEND_SUBMIT_WORKER;
	ec.completion = FRONTEND_COMPLETE_DEFERRED;
	vc.costs.submit_ns = 500;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.n, 5000);
	CU_ASSERT(res.fe.worker_runs > 0);
	CU_ASSERT(res.fe.deferred_batches > 0);
	CU_ASSERT_EQUAL(res.fe.handoffs, 5000);
	/* The submit cost is the worker's: it puts I/Os on the ring. */
	CU_ASSERT(res.sub_cpu_ns >= 5000 * 500);
	CU_ASSERT(res.dpc_cpu_ns > 0);
	CU_ASSERT_EQUAL(res.gate.contended, 0);
	setup(&ec, &vc, &t2, 16, 5000, 20 * US);
	vc.model.channels = 4;
	ec.lock = true;
	ec.lock_work_ns = 300;
	ec.submit_path = FRONTEND_SUBMIT_WORKER;
	ec.completion = FRONTEND_COMPLETE_DEFERRED;
	vc.costs.submit_ns = 500;
	run_ok(&ec, &vc, &again);
	CU_ASSERT_EQUAL(t.hash, t2.hash);
}

/* Poll mode: no notifications, the consumers still see everything. */
static void test_poll_mode(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	setup(&ec, &vc, &t, 4, 2000, 10 * US);
	ec.evtchn.notify = EVTCHN_NOTIFY_POLL;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.n, 2000);
	CU_ASSERT_EQUAL(res.kick.sent + res.irq.sent, 0);
}

/*
 * Verify: reads are checked in virtual time too (a new model disk reads
 * as zeros, so every read fails it); a runtime ends the run.
 */
static void test_verify_and_runtime(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	setup(&ec, &vc, &t, 8, 3000, 5 * US);
	ec.verify = true;
	vc.model.channels = 2;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.failed, 3000);
	CU_ASSERT(res.fe.verify_errors >= 3000);

	setup(&ec, &vc, &t, 1, 0, 10 * US);
	ec.workload.io_limit_bytes = 0;
	ec.runtime_ns = 10000 * US;
	run_ok(&ec, &vc, &res);
	/* 10 ms of 10 us I/Os, the last finishing at the deadline. */
	CU_ASSERT_EQUAL(t.n, 1000);
	CU_ASSERT_EQUAL(res.end_ns - res.start_ns, 10000 * US);
}

/*
 * verify=crc32c in virtual time: randrw over the model disk (it stores
 * data when verifying), 8 channels with exponential service times, so
 * I/Os finish out of order: no mismatch, the reads of never-written
 * blocks counted, and the same counts from the same seed.
 */
static void test_verify_crc32c(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res, again;
	struct tally t;

	for (int run = 0; run < 2; run++) {
		setup(&ec, &vc, &t, 32, 20000, 20 * US);
		ec.workload.rw = WL_RW_RANDRW;
		ec.workload.bs_bytes = 65536; /* two ring requests each */
		ec.workload.size_bytes = 4 << 20;
		ec.workload.io_limit_bytes = 20000ull * 4096;
		ec.verify = FRONTEND_VERIFY_CRC32C;
		vc.model.channels = 8;
		vc.model.dist = DEVMODEL_EXP;
		run_ok(&ec, &vc, run ? &again : &res);
	}
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	CU_ASSERT(res.fe.verify_blocks > 0);
	CU_ASSERT(res.fe.verify_unwritten > 0);
	CU_ASSERT(res.fe.verify_overlap_stalls > 0);
	CU_ASSERT_EQUAL(res.fe.verify_blocks, again.fe.verify_blocks);
	CU_ASSERT_EQUAL(res.fe.verify_unwritten, again.fe.verify_unwritten);
	CU_ASSERT_EQUAL(res.fe.verify_overlap_stalls,
			again.fe.verify_overlap_stalls);
	CU_ASSERT_EQUAL(res.end_ns - res.start_ns,
			again.end_ns - again.start_ns);
}

/* ---- The device model on its own ---------------------------------------- */

static void test_service_time(void)
{
	struct devmodel_config m;

	devmodel_config_default(&m);
	m.dir[0] = (struct devmodel_dir){ .latency_ns = 80000,
					  .bw_bytes_per_s = 1000000000 };
	m.dir[1] = (struct devmodel_dir){ .latency_ns = 20000,
					  .bw_bytes_per_s = 0 };
	CU_ASSERT_EQUAL(devmodel_service_ns(&m, false, 4096, 80000), 84096);
	CU_ASSERT_EQUAL(devmodel_service_ns(&m, true, 1 << 20, 20000), 20000);
	CU_ASSERT_EQUAL(devmodel_service_ns(&m, false, 0, 5), 5);
	m.channels = 0;
	CU_ASSERT_EQUAL(devmodel_config_check(&m, NULL, 0), -EINVAL);
	m.channels = 2;
	m.dist = DEVMODEL_UNIFORM;
	m.dir[0].latency_max_ns = 1;
	CU_ASSERT_EQUAL(devmodel_config_check(&m, NULL, 0), -EINVAL);
}

/* ---- The model as a target, on a hand-driven clock ---------------------- */

static uint64_t hand_now;

static uint64_t hand_clock_now(const struct sim_clock *c)
{
	(void)c;
	return hand_now;
}

static void hand_clock_charge(const struct sim_clock *c, uint64_t ns)
{
	(void)c;
	hand_now += ns;
}

static const struct sim_clock hand_clock = {
	.now_ns = hand_clock_now,
	.charge_ns = hand_clock_charge,
};

/*
 * Two channels, 10 us each: three I/Os flushed at t=100 finish at 110,
 * 110 and 120 (the third waits for a channel); reap sees each only once
 * the clock has passed its finish time.  With store, data written comes
 * back.
 */
static void test_target_timing(void)
{
	const struct target_ops *ops = target_find("model");
	struct devmodel_config m;
	struct target_config tc;
	static struct target_io io[3];
	static uint8_t buf[3][4096] __attribute__((aligned(512)));
	struct target_io *done[4];
	void *st;
	char why[256];

	devmodel_config_default(&m);
	m.channels = 2;
	m.store = true;
	m.dir[0] = m.dir[1] =
		(struct devmodel_dir){ .latency_ns = 10, .bw_bytes_per_s = 0 };
	target_config_default(&tc);
	tc.size_bytes = 1 << 20;
	tc.depth = 8;
	tc.clock = &hand_clock;
	tc.model = &m;
	CU_ASSERT_EQUAL_FATAL(target_open(ops, &tc, &st, why, sizeof(why)), 0);
	for (int i = 0; i < 3; i++) {
		memset(buf[i], 'a' + i, sizeof(buf[i]));
		io[i] = (struct target_io){
			.offset_bytes = (uint64_t)i * 4096,
			.iov = { { buf[i], 4096 } },
			.nr_iov = 1,
			.write = true,
			.user = (uint64_t)i,
		};
		CU_ASSERT_EQUAL(ops->submit(st, &io[i]), TARGET_QUEUED);
	}
	hand_now = 100;
	CU_ASSERT_EQUAL(ops->next_done_ns(st), 100);
	CU_ASSERT_EQUAL(ops->flush(st), 0);
	CU_ASSERT_EQUAL(ops->next_done_ns(st), 110);
	hand_now = 109;
	CU_ASSERT_EQUAL(ops->reap(st, done, 4, true), 0);
	hand_now = 110;
	CU_ASSERT_EQUAL(ops->reap(st, done, 4, false), 2);
	CU_ASSERT(done[0]->user == 0 && done[1]->user == 1);
	CU_ASSERT_EQUAL(ops->next_done_ns(st), 120);
	hand_now = 500;
	CU_ASSERT_EQUAL(ops->reap(st, done, 4, false), 1);
	CU_ASSERT_EQUAL(done[0]->user, 2);
	CU_ASSERT_EQUAL(done[0]->result, 4096);
	CU_ASSERT_EQUAL(ops->next_done_ns(st), UINT64_MAX);
	/* Read block 1 back into buffer 0. */
	memset(buf[0], 0, sizeof(buf[0]));
	io[0].offset_bytes = 4096;
	io[0].write = false;
	CU_ASSERT_EQUAL(ops->submit(st, &io[0]), TARGET_QUEUED);
	hand_now = 1000;
	CU_ASSERT_EQUAL(ops->reap(st, done, 4, false), 0);
	hand_now = 1010;
	CU_ASSERT_EQUAL(ops->reap(st, done, 4, false), 1);
	CU_ASSERT(buf[0][0] == 'b' && buf[0][4095] == 'b');
	/* Out of range: done at once, with -ERANGE. */
	io[1].offset_bytes = 1 << 20;
	CU_ASSERT_EQUAL(ops->submit(st, &io[1]), TARGET_DONE);
	CU_ASSERT_EQUAL(io[1].result, -ERANGE);
	ops->fini(st);
}

/*
 * Latency by load: 100 us alone, 40 us with 4 or more in the device;
 * linear between.  A closed loop of 4 runs at 40 us per I/O.
 */
static void test_load_table(void)
{
	struct devmodel_dir d = { .nr_qd = 3,
				  .qd = { 1, 4, 16 },
				  .qd_latency_ns = { 100000, 40000, 40000 } };
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	CU_ASSERT_EQUAL(devmodel_base_latency_ns(&d, 0), 100000);
	CU_ASSERT_EQUAL(devmodel_base_latency_ns(&d, 1), 100000);
	CU_ASSERT_EQUAL(devmodel_base_latency_ns(&d, 2), 80000);
	CU_ASSERT_EQUAL(devmodel_base_latency_ns(&d, 4), 40000);
	CU_ASSERT_EQUAL(devmodel_base_latency_ns(&d, 99), 40000);
	setup(&ec, &vc, &t, 4, 20000, 1);
	vc.model.channels = 64;
	vc.model.dir[0] = d;
	run_ok(&ec, &vc, &res);
	/* Every flush leaves 4 in the device: 40 us each, exactly. */
	CU_ASSERT_EQUAL(t.lat_min_ns, 40000);
	CU_ASSERT_EQUAL(t.lat_max_ns, 40000);
	/* One at a time: 100 us each. */
	setup(&ec, &vc, &t, 1, 1000, 1);
	vc.model.channels = 64;
	vc.model.dir[0] = d;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.lat_min_ns, 100000);
	CU_ASSERT_EQUAL(t.lat_max_ns, 100000);
}

/* Two channels of different service: completions by finish time. */
static void test_channels_order(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;

	/* Writes are 3x slower: with 2 channels, reads overtake writes. */
	setup(&ec, &vc, &t, 2, 3000, 10 * US);
	ec.workload.rw = WL_RW_RANDRW;
	vc.model.channels = 2;
	vc.model.dir[1].latency_ns = 30 * US;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.lat_min_ns, 10 * US);
	CU_ASSERT_EQUAL(t.lat_max_ns, 30 * US);
}

/* ---- The model file ------------------------------------------------------- */

static void test_model_file(void)
{
	char path[] = "/tmp/blkring-model-XXXXXX";
	struct vengine_config a, b;
	char why[256];
	FILE *f;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	vengine_config_default(&a);
	a.model.channels = 7;
	a.model.dist = DEVMODEL_UNIFORM;
	a.model.dir[0] = (struct devmodel_dir){ .latency_ns = 1,
						.latency_max_ns = 2,
						.bw_bytes_per_s = 3,
						.nr_qd = 2,
						.qd = { 1, 8 },
						.qd_latency_ns = { 100, 20 } };
	a.model.dir[1] = (struct devmodel_dir){ .latency_ns = 4,
						.latency_max_ns = 5,
						.bw_bytes_per_s = 6 };
	a.costs = (struct vengine_costs){ 7, 8, 9, 10, 11, 12 };
	a.wake_latency_ns = 13;
	vengine_model_file_write(f, &a);
	fclose(f);
	vengine_config_default(&b);
	CU_ASSERT_EQUAL(vengine_model_file_load(path, &b, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(b.model.channels, 7);
	CU_ASSERT_EQUAL(b.model.dist, DEVMODEL_UNIFORM);
	CU_ASSERT_EQUAL(memcmp(&a.model.dir, &b.model.dir, sizeof(a.model.dir)),
			0);
	CU_ASSERT_EQUAL(memcmp(&a.costs, &b.costs, sizeof(a.costs)), 0);
	CU_ASSERT_EQUAL(b.wake_latency_ns, 13);

	/* Bad files name the line and what is wrong; nothing changes. */
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "channels=x\n", ":1: channels=x: bad value" },
		{ "# c\nspeed=3\n", ":2: unknown key 'speed'" },
		{ "channels\n", ":1: not key=value" },
		{ "latency_dist=normal\n", "fixed, exp, uniform" },
		{ "channels=0\n", "--model-channels=0" },
		{ "read_latency_ns=-5\n", "bad value" },
		{ "read_qd_latency_ns=4:10,2:5\n", "rising" },
		{ "write_qd_latency_ns=1:10,x\n", "QD:NS" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(path, "w");
		fputs(bad[i].text, f);
		fclose(f);
		vengine_config_default(&b);
		CU_ASSERT_EQUAL(vengine_model_file_load(path, &b, why,
							sizeof(why)),
				-EINVAL);
		if (!strstr(why, bad[i].why))
			fprintf(stderr, "case %zu: %s\n", i, why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].why));
		CU_ASSERT_EQUAL(b.model.channels, 1);
	}
	unlink(path);
	CU_ASSERT_EQUAL(vengine_model_file_load(path, &b, why, sizeof(why)),
			-ENOENT);
}

/* ---- Refusals ------------------------------------------------------------ */

/* ---- Queues ---------------------------------------------------------------- */

/*
 * @q queues of busy_setup() (@seed), a tally per lane in @t[0..q): each
 * lane's completions go to its own context.
 */
static void queues_run(unsigned int q, uint64_t seed, struct tally *t,
		       struct engine_result *res)
{
	struct engine_config ec;
	struct vengine_config vc;
	struct tally all;

	busy_setup(&ec, &vc, &all, seed);
	ec.queues = q;
	for (unsigned int i = 0; i < q; i++) {
		t[i] = all;
		ec.lane_ctx[i] = &t[i];
	}
	run_ok(&ec, &vc, res);
}

/*
 * Two and four queues: conservation per lane and in total, the I/O
 * limit split over the lanes as engine_lane_workload() cuts it, Little's
 * law exact per lane (the frontend's in-flight integral is the sum of
 * its I/Os' latencies), and the totals the sums of the lanes.
 */
static void test_queues_lanes(void)
{
	static const unsigned int qs[] = { 2, 4 };

	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		unsigned int q = qs[k];
		static struct engine_result res;
		struct tally t[4];
		struct engine_config ec;
		struct vengine_config vc;
		struct tally all;
		uint64_t ios = 0, area = 0, be_cpu = 0, end = 0;

		busy_setup(&ec, &vc, &all, 7);
		queues_run(q, 7, t, &res);
		CU_ASSERT_EQUAL(res.nr_lanes, q);
		CU_ASSERT_EQUAL(res.nr_fe_threads, q);
		for (unsigned int i = 0; i < q; i++) {
			const struct engine_lane_result *l = &res.lanes[i];
			struct wl_config wc;
			char why[128];

			CU_ASSERT_EQUAL_FATAL(
				engine_lane_workload(&ec.workload, i, q, &wc,
						     why, sizeof(why)),
				0);
			CU_ASSERT(t[i].n > 0);
			CU_ASSERT_EQUAL(t[i].n * 4096, wc.io_limit_bytes);
			CU_ASSERT_EQUAL(l->fe.ios_completed, t[i].n);
			CU_ASSERT_EQUAL(l->fe.ios_issued,
					l->fe.ios_completed + l->fe.ios_failed);
			CU_ASSERT_EQUAL(l->fe.inflight, 0);
			CU_ASSERT_EQUAL(t[i].failed, 0);
			CU_ASSERT_EQUAL(l->fe.inflight_area_ns,
					t[i].lat_sum_ns);
			CU_ASSERT(l->be_cpu_ns > 0 && l->fe_cpu_ns > 0);
			ios += t[i].n;
			area += l->fe.inflight_area_ns;
			be_cpu += l->be_cpu_ns;
			if (l->fe.last_complete_ns > end)
				end = l->fe.last_complete_ns;
		}
		/* The I/O limit, split exactly; the totals, the sums. */
		CU_ASSERT_EQUAL(ios, 20000);
		CU_ASSERT_EQUAL(res.fe.ios_completed, ios);
		CU_ASSERT_EQUAL(res.fe.inflight_area_ns, area);
		CU_ASSERT_EQUAL(res.be_cpu_ns, be_cpu);
		CU_ASSERT_EQUAL(res.fe.last_complete_ns, end);
		CU_ASSERT(res.end_ns >= end);
	}
}

/* Four queues twice: the same, lane by lane; another seed differs. */
static void test_queues_deterministic(void)
{
	static struct engine_result a, b, c;
	struct tally ta[4], tb[4], tc[4];

	queues_run(4, 7, ta, &a);
	queues_run(4, 7, tb, &b);
	queues_run(4, 8, tc, &c);
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(ta[i].hash, tb[i].hash);
		CU_ASSERT_NOT_EQUAL(ta[i].hash, tc[i].hash);
	}
	CU_ASSERT_EQUAL(memcmp(a.lanes, b.lanes, sizeof(a.lanes)), 0);
	CU_ASSERT_EQUAL(memcmp(&a.fe, &b.fe, sizeof(a.fe)), 0);
	CU_ASSERT_EQUAL(memcmp(&a.be, &b.be, sizeof(a.be)), 0);
	CU_ASSERT_EQUAL(a.end_ns, b.end_ns);
	CU_ASSERT_NOT_EQUAL(a.end_ns, c.end_ns);
}

/*
 * The what-if: a device of 1024 channels at a fixed 10 us, and a backend
 * that costs 2 us per request, so that one queue's backend caps it near
 * 500k IOPS.  Four queues have four backends: four times the IOPS,
 * within 2%.  One device of one channel, though, caps any number of
 * queues at its own rate: the channels are shared.
 */
static double whatif_iops(unsigned int q, unsigned int channels)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t[4];

	setup(&ec, &vc, &t[0], 128, 100000, 10 * US);
	ec.ring_order = 2;
	ec.queues = q;
	vc.model.channels = channels;
	vc.costs.backend_request_ns = 2 * US;
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(res.fe.ios_completed, 100000);
	CU_ASSERT_EQUAL(t[0].n, 100000);
	return (double)res.fe.ios_completed / elapsed_s(&res);
}

static void test_queues_whatif(void)
{
	double one = whatif_iops(1, 1024), four = whatif_iops(4, 1024);

	/*
	 * The backend takes the ring's 128 requests in one pass (256 us),
	 * then waits the 10 us for them: 128 I/Os per 266 us, 481k IOPS.
	 */
	CU_ASSERT(fabs(one / (128 / 266e-6) - 1) < 0.01);
	CU_ASSERT(fabs(four / one / 4 - 1) < 0.02);
	/* One channel of 10 us: 100k IOPS, however many queues. */
	CU_ASSERT(fabs(whatif_iops(1, 1) / 100e3 - 1) < 0.02);
	CU_ASSERT(fabs(whatif_iops(4, 1) / 100e3 - 1) < 0.02);
}

static void test_refusals(void)
{
	struct engine_config ec;
	struct vengine_config vc;
	static struct engine_result res;
	struct tally t;
	char why[256];

	/* A real-time target. */
	setup(&ec, &vc, &t, 1, 10, 10 * US);
	ec.target = target_find("uring");
	CU_ASSERT_EQUAL(vengine_run(&ec, &vc, &res, NULL, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "--target=uring"));
	/* A run bounded by time in which no time passes. */
	setup(&ec, &vc, &t, 1, 0, 10 * US);
	ec.target = target_find("null");
	ec.workload.io_limit_bytes = 0;
	ec.runtime_ns = 1000;
	CU_ASSERT_EQUAL(vengine_run(&ec, &vc, &res, NULL, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "never end"));
	/* The null target, bounded by I/O count, works at no time at all. */
	setup(&ec, &vc, &t, 8, 1000, 10 * US);
	ec.target = target_find("null");
	run_ok(&ec, &vc, &res);
	CU_ASSERT_EQUAL(t.n, 1000);
	CU_ASSERT_EQUAL(res.end_ns, res.start_ns);
}

/* `blkring run` refuses what cannot work, with exit status 2. */
static void test_cli_refusals(void)
{
	static const char *const cases[][6] = {
		{ "--engine=virtual", "--target=uring", "--runtime=1ms" },
		{ "--engine=thread", "--target=model", "--runtime=1ms" },
		{ "--target=null", "--cost-submit=1us", "--runtime=1ms" },
		{ "--target=null", "--model-file=m", "--runtime=1ms" },
		{ "--engine=virtual", "--target=model",
		  "--model-file=/nonexistent/m", "--runtime=1ms" },
		{ "--engine=virtual", "--target=model",
		  "--model-latency-dist=uniform", "--model-read-latency=2us",
		  "--runtime=1ms" },
		{ "--engine=virtual", "--target=null", "--size=1m",
		  "--runtime=1s" },
		{ "--engine=warp" },
		{ "--model-channels=0" },
		{ "--cost-reap=2s" },
		{ "--engine=virtual", "--target=model", "--devices=2",
		  "--runtime=1ms" },
		{ "--engine=virtual", "--target=model", "--queues=17",
		  "--runtime=1ms" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "run" };
		int argc = 1, rc;

		for (int k = 0; k < 6 && cases[i][k]; k++)
			argv[argc++] = (char *)cases[i][k];
		rc = bench_run_main(argc, argv);
		if (rc != BENCH_EXIT_USAGE)
			fprintf(stderr, "case %zu: exit %d\n", i, rc);
		CU_ASSERT_EQUAL(rc, BENCH_EXIT_USAGE);
	}
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("determinism", NULL, NULL);
	CU_ADD_TEST(s, test_deterministic);
	CU_ADD_TEST(s, test_report_identical);
	s = CU_add_suite("theory", NULL, NULL);
	CU_ADD_TEST(s, test_iodepth1_exact);
	CU_ADD_TEST(s, test_closed_little);
	CU_ADD_TEST(s, test_thinktime_exact);
	CU_ADD_TEST(s, test_thinktime_open_loop);
	CU_ADD_TEST(s, test_md1);
	CU_ADD_TEST(s, test_coalesce_count);
	CU_ADD_TEST(s, test_coalesce_time);
	s = CU_add_suite("vcpus", NULL, NULL);
	CU_ADD_TEST(s, test_busy_backend);
	CU_ADD_TEST(s, test_busy_flush);
	CU_ADD_TEST(s, test_wake_idle_only);
	CU_ADD_TEST(s, test_workers);
	CU_ADD_TEST(s, test_poll_mode);
	CU_ADD_TEST(s, test_verify_and_runtime);
	CU_ADD_TEST(s, test_verify_crc32c);
	s = CU_add_suite("devmodel", NULL, NULL);
	CU_ADD_TEST(s, test_service_time);
	CU_ADD_TEST(s, test_target_timing);
	CU_ADD_TEST(s, test_channels_order);
	CU_ADD_TEST(s, test_load_table);
	CU_ADD_TEST(s, test_model_file);
	s = CU_add_suite("queues", NULL, NULL);
	CU_ADD_TEST(s, test_queues_lanes);
	CU_ADD_TEST(s, test_queues_deterministic);
	CU_ADD_TEST(s, test_queues_whatif);
	s = CU_add_suite("refusals", NULL, NULL);
	CU_ADD_TEST(s, test_refusals);
	CU_ADD_TEST(s, test_cli_refusals);
	return 0;
}
