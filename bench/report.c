// SPDX-License-Identifier: MIT
/*
 * Reports (see report.h).  Every number is computed once, into a table of
 * named metrics; the JSON "metrics" object and the CSV columns are that
 * table, so a sweep or a compare finds each figure under one name, and
 * the text report reads the same values.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/json.h"
#include "bench/report.h"
#include "bench/verdict.h"
#include "workloads/workload.h"

/* ---- The recorder ------------------------------------------------------ */

void bench_rec_init(struct bench_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	hist_init(&rec->lat[0]);
	hist_init(&rec->lat[1]);
	for (int i = 0; i < SIM_STAGES; i++)
		hist_init(&rec->stage[i]);
}

void bench_rec_complete(void *ctx, const struct frontend_completion *c)
{
	struct bench_rec *rec = ctx;

	if (!c->ok) {
		rec->failed[c->write]++;
		rec->failed_lat_sum_ns += c->complete_ns - c->submit_ns;
		return;
	}
	hist_record(&rec->lat[c->write], c->complete_ns - c->submit_ns);
	/* A constant test per stage: the loop unrolls as it did before. */
	for (int i = 0; i < SIM_STAGES; i++)
		if (i != SIM_STAGE_HANDOFF)
			hist_record(&rec->stage[i], c->stage_ns[i]);
	if (!rec->skip_handoff)
		hist_record(&rec->stage[SIM_STAGE_HANDOFF],
			    c->stage_ns[SIM_STAGE_HANDOFF]);
	rec->bytes[c->write] += c->len_bytes;
}

void bench_rec_merge(struct bench_rec *all, const struct bench_rec *lr,
		     unsigned int lane)
{
	static struct hist both; /* 30 KiB: not on the stack */
	struct bench_lane_rec *s = &all->lane[lane];

	hist_init(&both);
	for (int d = 0; d < 2; d++) {
		hist_merge(&all->lat[d], &lr->lat[d]);
		hist_merge(&both, &lr->lat[d]);
		all->bytes[d] += lr->bytes[d];
		all->failed[d] += lr->failed[d];
	}
	all->failed_lat_sum_ns += lr->failed_lat_sum_ns;
	s->failed_lat_sum_ns = lr->failed_lat_sum_ns;
	for (int i = 0; i < SIM_STAGES; i++) {
		hist_merge(&all->stage[i], &lr->stage[i]);
		s->stage_mean_ns[i] = hist_mean(&lr->stage[i]);
	}
	s->ios = both.count;
	s->failed = lr->failed[0] + lr->failed[1];
	s->bytes = lr->bytes[0] + lr->bytes[1];
	s->lat_mean_ns = hist_mean(&both);
	s->lat_p99_ns = (double)hist_percentile(&both, 99);
	if (lane >= all->nr_lanes)
		all->nr_lanes = lane + 1;
}

/* ---- Metrics ------------------------------------------------------------ */

enum { M_MAX = 200 };

struct metric {
	const char *name;
	double value;
};

struct metrics {
	struct metric m[M_MAX];
	unsigned int n;
};

static void put(struct metrics *ms, const char *name, double value)
{
	assert(ms->n < M_MAX); /* raise M_MAX with the metric list */
	ms->m[ms->n++] = (struct metric){ name, value };
}

static double get(const struct metrics *ms, const char *name)
{
	for (unsigned int i = 0; i < ms->n; i++)
		if (!strcmp(ms->m[i].name, name))
			return ms->m[i].value;
	return NAN;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

/* The interval the rates are over: first submission to last completion. */
static uint64_t elapsed_ns(const struct engine_result *res)
{
	if (res->fe.last_complete_ns > res->fe.first_submit_ns)
		return res->fe.last_complete_ns - res->fe.first_submit_ns;
	return res->end_ns - res->start_ns;
}

static const char *const pct_names[][3] = {
	{ "lat_p50_ns", "read_lat_p50_ns", "write_lat_p50_ns" },
	{ "lat_p90_ns", "read_lat_p90_ns", "write_lat_p90_ns" },
	{ "lat_p99_ns", "read_lat_p99_ns", "write_lat_p99_ns" },
	{ "lat_p99_9_ns", "read_lat_p99_9_ns", "write_lat_p99_9_ns" },
	{ "lat_p99_99_ns", "read_lat_p99_99_ns", "write_lat_p99_99_ns" },
};
static const double pcts[] = { 50, 90, 99, 99.9, 99.99 };

static void put_latency(struct metrics *ms, const struct hist *h, int col)
{
	static const char *const names[][3] = {
		{ "lat_mean_ns", "read_lat_mean_ns", "write_lat_mean_ns" },
		{ "lat_min_ns", "read_lat_min_ns", "write_lat_min_ns" },
		{ "lat_max_ns", "read_lat_max_ns", "write_lat_max_ns" },
	};

	put(ms, names[0][col], hist_mean(h));
	put(ms, names[1][col], h->count ? (double)h->min_ns : 0);
	put(ms, names[2][col], (double)h->max_ns);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		put(ms, pct_names[i][col], (double)hist_percentile(h, pcts[i]));
}

/*
 * The counters of the frontend's policies (docs/policies.md): the
 * hand-off to the submit worker, the deferral to the completion worker,
 * and the gate.  All zero at the neutral settings.
 */
static void put_policies(struct metrics *ms, const struct engine_result *res,
			 double t, double ios)
{
	const struct frontend_stats *fe = &res->fe;
	const struct gate_stats *g = &res->gate;

	put(ms, "handoffs_per_io", ratio((double)fe->handoffs, ios));
	put(ms, "submit_worker_wakeups_per_io",
	    ratio((double)res->handoff.delivered, ios));
	put(ms, "submit_worker_sleeps", (double)res->handoff.sleeps);
	put(ms, "submit_worker_cpu_util",
	    ratio((double)res->sub_cpu_ns, t * 1e9));
	put(ms, "deferred_batches_per_io",
	    ratio((double)fe->deferred_batches, ios));
	put(ms, "responses_per_deferred_batch",
	    ratio((double)fe->responses, (double)fe->deferred_batches));
	put(ms, "deferred_worker_sleeps", (double)res->defer.sleeps);
	put(ms, "deferred_worker_cpu_util",
	    ratio((double)res->dpc_cpu_ns, t * 1e9));
	put(ms, "lock_acquisitions", (double)g->acquisitions);
	put(ms, "lock_acquisitions_per_io",
	    ratio((double)g->acquisitions, ios));
	put(ms, "lock_contended_pct",
	    100 * ratio((double)g->contended, (double)g->acquisitions));
	put(ms, "lock_wait_total_ns", (double)g->wait_sum_ns);
	put(ms, "lock_wait_per_io_ns", ratio((double)g->wait_sum_ns, ios));
	put(ms, "lock_wait_max_ns", (double)g->wait_max_ns);
	put(ms, "lock_hold_total_ns", (double)g->hold_sum_ns);
	put(ms, "lock_hold_mean_ns",
	    ratio((double)g->hold_sum_ns, (double)g->acquisitions));
	put(ms, "lock_hold_max_ns", (double)g->hold_max_ns);
}

/*
 * The backend's policies: grants (docs/grants.md), the per-pass budget
 * and response pushes.  The grant counters are zero with grants=static.
 */
static void put_backend_policies(struct metrics *ms,
				 const struct engine_result *res, double ios)
{
	const struct backend_stats *be = &res->be;
	double lookups = (double)(be->pgrant_hits + be->pgrant_misses);

	put(ms, "grant_maps_per_io", ratio((double)be->grant_maps, ios));
	put(ms, "grant_unmaps_per_io", ratio((double)be->grant_unmaps, ios));
	put(ms, "grant_calls_per_io", ratio((double)be->grant_calls, ios));
	put(ms, "grant_copies_per_io", ratio((double)be->grant_copies, ios));
	put(ms, "grant_copy_bytes_per_io",
	    ratio((double)be->grant_copy_bytes, ios));
	put(ms, "frontend_copy_bytes_per_io",
	    ratio((double)res->fe.grant_copy_bytes, ios));
	put(ms, "pgrant_hits_per_io", ratio((double)be->pgrant_hits, ios));
	put(ms, "pgrant_misses_per_io", ratio((double)be->pgrant_misses, ios));
	put(ms, "pgrant_evictions_per_io",
	    ratio((double)be->pgrant_evictions, ios));
	put(ms, "pgrant_hit_pct",
	    100 * ratio((double)be->pgrant_hits, lookups));
	put(ms, "pgrant_misses", (double)be->pgrant_misses);
	put(ms, "pgrant_evictions", (double)be->pgrant_evictions);
	put(ms, "pgrant_uncached", (double)be->pgrant_uncached);
	put(ms, "budget_stops", (double)be->budget_stops);
	put(ms, "response_pushes_per_io",
	    ratio((double)be->response_pushes, ios));
	put(ms, "responses_per_push",
	    ratio((double)be->responses, (double)be->response_pushes));
}

/*
 * One lane's figures, under plain names ("iops"): the JSON "lanes" array
 * and, prefixed "laneN_", the CSV columns after the totals.  Rates are
 * over the run's interval, which every lane shares.
 */
static void compute_lane(struct metrics *ms, const struct engine_result *res,
			 const struct bench_rec *rec, unsigned int i, double t)
{
	static char stage_names[SIM_STAGES][40];
	const struct engine_lane_result *l = &res->lanes[i];
	const struct bench_lane_rec *r = &rec->lane[i];
	const struct frontend_stats *fe = &l->fe;
	double ios = (double)fe->ios_completed + (double)fe->ios_failed;
	double n = (double)(r->ios + r->failed);
	double predicted =
		ratio(n, t) *
		(ratio(r->lat_mean_ns * (double)r->ios +
			       (double)r->failed_lat_sum_ns,
		       n) -
		 ratio((double)fe->sched_lag_sum_ns, (double)fe->sched_ios)) /
		1e9;
	double measured = ratio((double)fe->inflight_area_ns, t * 1e9);

	ms->n = 0;
	put(ms, "iops", ratio((double)r->ios, t));
	put(ms, "bw_bytes_per_s", ratio((double)r->bytes, t));
	put(ms, "lat_mean_ns", r->lat_mean_ns);
	put(ms, "lat_p99_ns", r->lat_p99_ns);
	put(ms, "ios_issued", (double)fe->ios_issued);
	put(ms, "ios_completed", (double)fe->ios_completed);
	put(ms, "ios_failed", (double)fe->ios_failed);
	put(ms, "ios_in_flight", (double)fe->inflight);
	put(ms, "conserved",
	    fe->ios_issued == fe->ios_completed + fe->ios_failed &&
		    fe->inflight == 0 && !fe->disabled && !l->be.dead);
	put(ms, "ring_requests_per_io", ratio((double)fe->ring_requests, ios));
	put(ms, "kicks_sent_per_io", ratio((double)fe->kicks_sent, ios));
	put(ms, "kicks_suppressed_per_io",
	    ratio((double)fe->kicks_suppressed, ios));
	put(ms, "irqs_sent_per_io", ratio((double)l->be.irqs_sent, ios));
	put(ms, "irqs_handled_per_io", ratio((double)fe->irqs, ios));
	put(ms, "responses_per_irq",
	    ratio((double)fe->responses, (double)fe->irqs));
	put(ms, "ring_full_stalls", (double)fe->ring_full_stalls);
	put(ms, "iodepth_stalls", (double)fe->iodepth_stalls);
	put(ms, "qd_cap_stalls", (double)fe->qd_cap_stalls);
	put(ms, "task_stalls", (double)fe->task_stalls);
	put(ms, "frontend_cpu_us_per_io",
	    ratio((double)l->fe_cpu_ns / 1e3, ios));
	put(ms, "backend_cpu_us_per_io",
	    ratio((double)l->be_cpu_ns / 1e3, ios));
	put(ms, "filter_runs", (double)l->line.filter_runs);
	put(ms, "irqs_claimed", (double)l->line.claimed);
	put(ms, "irqs_spurious", (double)l->line.spurious);
	put(ms, "spurious_per_filter_run",
	    ratio((double)l->line.spurious, (double)l->line.filter_runs));
	for (int k = 0; k < SIM_STAGES; k++) {
		snprintf(stage_names[k], sizeof(stage_names[k]),
			 "stage_%s_mean_ns", sim_stage_name(k));
		put(ms, stage_names[k], r->stage_mean_ns[k]);
	}
	put(ms, "little_in_flight_predicted", predicted);
	put(ms, "little_in_flight_measured", measured);
	put(ms, "little_deviation_pct",
	    measured > 0 ? 100.0 * fabs(predicted - measured) / measured : 0);
}

/*
 * The hostile ring (--hostile, docs/hardening.md): its mutations, by kind,
 * and what its backend made of them; all 0 without one.
 */
static void put_hostile(struct metrics *ms,
			const struct engine_hostile_result *h)
{
	static char kind_names[HOSTILE_NR][48];

	put(ms, "hostile_mutations", (double)h->mutations);
	put(ms, "hostile_mutations_during_run", (double)h->during_run);
	put(ms, "hostile_requests", (double)h->requests);
	put(ms, "hostile_bad_requests", (double)h->bad_requests);
	put(ms, "hostile_unsupported", (double)h->unsupported);
	put(ms, "hostile_responses", (double)h->responses);
	put(ms, "hostile_io_errors", (double)h->io_errors);
	put(ms, "hostile_inflight", (double)h->inflight);
	put(ms, "hostile_ring_stops", (double)h->ring_stops);
	put(ms, "hostile_reconnects", (double)h->reconnects);
	for (int k = 0; k < HOSTILE_NR; k++) {
		char *p = kind_names[k];

		snprintf(p, sizeof(kind_names[k]), "hostile_kind_%s",
			 hostile_kind_name((enum hostile_kind)k));
		for (; *p; p++)
			if (*p == '-')
				*p = '_';
		put(ms, kind_names[k], (double)h->by_kind[k]);
	}
}

/*
 * The lanes in total: how many, the balance between them, and the
 * interrupt line.  Neutral (one lane, own line): 1, 1 and zeros.
 */
static void put_lanes_total(struct metrics *ms, const struct engine_result *res,
			    const struct bench_rec *rec, double t, double ios)
{
	static struct metrics lm;
	uint64_t filter_runs = 0, spurious = 0;
	double lo = 0, hi = 0, little_max = 0;

	for (unsigned int i = 0; i < res->nr_lanes; i++) {
		filter_runs += res->lanes[i].line.filter_runs;
		spurious += res->lanes[i].line.spurious;
	}
	for (unsigned int i = 0; i < rec->nr_lanes && res->nr_lanes > 1; i++) {
		double iops, dev;

		compute_lane(&lm, res, rec, i, t);
		iops = get(&lm, "iops");
		dev = get(&lm, "little_deviation_pct");
		lo = i == 0 || iops < lo ? iops : lo;
		hi = iops > hi ? iops : hi;
		little_max = dev > little_max ? dev : little_max;
	}
	put(ms, "lanes", (double)res->nr_lanes);
	put(ms, "frontend_threads", (double)res->nr_fe_threads);
	put(ms, "lane_iops_min", lo);
	put(ms, "lane_iops_max", hi);
	put(ms, "lane_little_deviation_max_pct", little_max);
	put(ms, "line_interrupts_per_io",
	    ratio((double)res->line.interrupts, ios));
	put(ms, "filter_runs_per_io", ratio((double)filter_runs, ios));
	put(ms, "spurious_per_line_irq",
	    ratio((double)spurious, (double)res->line.interrupts));
	put(ms, "unclaimed_per_line_irq",
	    ratio((double)res->line.unclaimed, (double)res->line.interrupts));
}

static void compute(struct metrics *ms, const struct engine_result *res,
		    const struct bench_rec *rec)
{
	static struct hist all; /* 30 KiB: not on the stack */
	const struct frontend_stats *fe = &res->fe;
	const struct backend_stats *be = &res->be;
	double t = (double)elapsed_ns(res) / 1e9;
	double ios = (double)fe->ios_completed + (double)fe->ios_failed;
	double done = (double)(rec->lat[0].count + rec->lat[1].count);

	hist_init(&all);
	hist_merge(&all, &rec->lat[0]);
	hist_merge(&all, &rec->lat[1]);
	ms->n = 0;
	put(ms, "elapsed_ns", t * 1e9);
	put(ms, "iops", ratio(done, t));
	put(ms, "read_iops", ratio((double)rec->lat[0].count, t));
	put(ms, "write_iops", ratio((double)rec->lat[1].count, t));
	put(ms, "bw_bytes_per_s",
	    ratio((double)(rec->bytes[0] + rec->bytes[1]), t));
	put(ms, "read_bw_bytes_per_s", ratio((double)rec->bytes[0], t));
	put(ms, "write_bw_bytes_per_s", ratio((double)rec->bytes[1], t));
	put_latency(ms, &all, 0);
	put_latency(ms, &rec->lat[0], 1);
	put_latency(ms, &rec->lat[1], 2);

	put(ms, "ios_issued", (double)fe->ios_issued);
	put(ms, "ios_completed", (double)fe->ios_completed);
	put(ms, "ios_failed", (double)fe->ios_failed);
	put(ms, "ios_in_flight", (double)fe->inflight);
	put(ms, "ring_requests_per_io", ratio((double)fe->ring_requests, ios));
	put(ms, "indirect_requests_per_io",
	    ratio((double)fe->indirect_requests, ios));
	put(ms, "segments_per_request",
	    ratio((double)fe->segments, (double)fe->ring_requests));
	put(ms, "kicks_sent_per_io", ratio((double)fe->kicks_sent, ios));
	put(ms, "kicks_suppressed_per_io",
	    ratio((double)fe->kicks_suppressed, ios));
	put(ms, "irqs_sent_per_io", ratio((double)be->irqs_sent, ios));
	put(ms, "irqs_suppressed_per_io",
	    ratio((double)be->irqs_suppressed, ios));
	put(ms, "requests_per_kick",
	    ratio((double)be->requests, (double)res->kick.delivered));
	put(ms, "responses_per_irq",
	    ratio((double)fe->responses, (double)fe->irqs));
	put(ms, "kicks_merged", (double)res->kick.merged);
	put(ms, "irqs_merged", (double)res->irq.merged);
	put(ms, "ring_full_stalls", (double)fe->ring_full_stalls);
	put(ms, "iodepth_stalls", (double)fe->iodepth_stalls);
	put(ms, "qd_cap_stalls", (double)fe->qd_cap_stalls);
	put(ms, "task_stalls", (double)fe->task_stalls);
	put(ms, "pushes_per_io", ratio((double)fe->pushes, ios));
	put(ms, "irqs_coalesced_per_io",
	    ratio((double)be->irqs_coalesced, ios));
	put(ms, "bad_requests", (double)(be->bad_requests + be->unsupported));
	put(ms, "io_errors", (double)be->io_errors);
	put(ms, "verify_errors", (double)fe->verify_errors);

	put(ms, "frontend_cpu_util", ratio((double)res->fe_cpu_ns, t * 1e9));
	put(ms, "backend_cpu_util", ratio((double)res->be_cpu_ns, t * 1e9));
	put(ms, "frontend_cpu_us_per_io",
	    ratio((double)res->fe_cpu_ns / 1e3, ios));
	put(ms, "backend_cpu_us_per_io",
	    ratio((double)res->be_cpu_ns / 1e3, ios));
	put(ms, "kick_sleeps", (double)res->kick.sleeps);
	put(ms, "irq_sleeps", (double)res->irq.sleeps);
	put(ms, "kick_lag_mean_ns",
	    ratio((double)res->kick.lag_sum_ns, (double)res->kick.delivered));
	put(ms, "kick_lag_max_ns", (double)res->kick.lag_max_ns);
	put(ms, "irq_lag_mean_ns",
	    ratio((double)res->irq.lag_sum_ns, (double)res->irq.delivered));
	put(ms, "irq_lag_max_ns", (double)res->irq.lag_max_ns);

	/*
	 * Stage times: mean and p99 of each; the means must add up to the
	 * mean latency (they do exactly, by construction, unless stamps are
	 * missing: a check on the bookkeeping).
	 */
	static char stage_names[SIM_STAGES][2][40];
	double stage_sum = 0;

	for (int i = 0; i < SIM_STAGES; i++) {
		snprintf(stage_names[i][0], sizeof(stage_names[i][0]),
			 "stage_%s_mean_ns", sim_stage_name(i));
		snprintf(stage_names[i][1], sizeof(stage_names[i][1]),
			 "stage_%s_p99_ns", sim_stage_name(i));
		put(ms, stage_names[i][0], hist_mean(&rec->stage[i]));
		put(ms, stage_names[i][1],
		    (double)hist_percentile(&rec->stage[i], 99));
		stage_sum += hist_mean(&rec->stage[i]);
	}
	put(ms, "stage_sum_deviation_pct",
	    hist_mean(&all) > 0 ? 100.0 * fabs(stage_sum - hist_mean(&all)) /
					  hist_mean(&all) :
				  0);

	/*
	 * Little's law: throughput times mean latency against the measured
	 * time-average of I/Os in flight over the same interval.
	 */
	/*
	 * In open loop the latency also holds the wait before issue (the
	 * lag), which is not time in flight: take it out.
	 */
	double lag = ratio((double)fe->sched_lag_sum_ns, (double)fe->sched_ios);
	/* Failed I/Os were in flight too: their time counts. */
	double ended = done + (double)(rec->failed[0] + rec->failed[1]);
	double lat_all = ratio(
		hist_mean(&all) * done + (double)rec->failed_lat_sum_ns, ended);
	double predicted = ratio(ended, t) * (lat_all - lag) / 1e9;
	double measured = ratio((double)fe->inflight_area_ns, t * 1e9);

	put(ms, "little_in_flight_predicted", predicted);
	put(ms, "little_in_flight_measured", measured);
	put(ms, "little_deviation_pct",
	    measured > 0 ? 100.0 * fabs(predicted - measured) / measured : 0);

	put_policies(ms, res, t, ios);

	/* Open loop: how far behind its schedule the issuer fell. */
	put(ms, "sched_ios", (double)fe->sched_ios);
	put(ms, "sched_lag_mean_ns",
	    ratio((double)fe->sched_lag_sum_ns, (double)fe->sched_ios));
	put(ms, "sched_lag_max_ns", (double)fe->sched_lag_max_ns);

	put_backend_policies(ms, res, ios);
	put_lanes_total(ms, res, rec, t, ios);
	put(ms, "fault_ios", (double)res->fault.ios);
	put(ms, "fault_injected", (double)res->fault.injected);
	put(ms, "fault_stalled", (double)res->fault.stalled);
	put(ms, "fault_backend_stopped", (double)res->fault.stopped);
	put(ms, "backend_retries", (double)res->be.retries);
	put(ms, "backend_io_errors", (double)res->be.io_errors);
	/* Think time: taken before issue, so in no latency. */
	put(ms, "think_ios", (double)res->fe.think_ios);
	put(ms, "think_spin_mean_ns",
	    ratio((double)res->fe.think_spin_ns, (double)res->fe.think_ios));
	put(ms, "think_wait_mean_ns",
	    ratio((double)res->fe.think_wait_ns, (double)res->fe.think_ios));
	put(ms, "verify_blocks", (double)res->fe.verify_blocks);
	put(ms, "verify_unwritten", (double)res->fe.verify_unwritten);
	put(ms, "verify_overlap_stalls", (double)res->fe.verify_overlap_stalls);
	put_hostile(ms, &res->hostile);
}

const char *bench_report_stuck_stage(const struct engine_result *res)
{
	const struct frontend_stats *fe = &res->fe;
	const struct backend_stats *be = &res->be;

	if (!res->drain_timeout)
		return "";
	/* A backend thread that stopped holds whatever it had. */
	if (res->fault.stopped)
		return "backend";
	if (be->inflight)
		return "target";
	if (fe->ring_requests > be->requests)
		return "ring";
	if (be->responses > fe->responses)
		return "response";
	return "queue";
}

bool bench_report_conserved(const struct engine_result *res)
{
	const struct frontend_stats *fe = &res->fe;

	return fe->ios_issued == fe->ios_completed + fe->ios_failed &&
	       fe->inflight == 0 && !fe->disabled && !res->be.dead &&
	       !res->drain_timeout;
}

/* ---- The verdict ---------------------------------------------------------- */

/* The iodepth of every lane together: per lane, or each job's own. */
static unsigned int lanes_iodepth(const struct bench_config *cfg,
				  const struct engine_result *res,
				  const struct bench_rec *rec)
{
	unsigned int sum = 0;

	if (res->nr_lanes <= 1)
		return cfg->iodepth;
	for (unsigned int i = 0; i < res->nr_lanes; i++)
		sum += rec->lane[i].iodepth ? rec->lane[i].iodepth :
					      cfg->iodepth;
	return sum;
}

static enum bench_bottleneck verdict(const struct bench_config *cfg,
				     const struct engine_result *res,
				     const struct bench_rec *rec,
				     const struct metrics *ms, char *buf,
				     size_t len)
{
	unsigned int lanes = res->nr_lanes > 1 ? res->nr_lanes : 1;
	/* The configured CPU the grant operations cost, per I/O. */
	double grant_ns = get(ms, "grant_calls_per_io") * cfg->grant_call_ns +
			  get(ms, "grant_maps_per_io") * cfg->grant_map_ns +
			  get(ms, "grant_unmaps_per_io") * cfg->grant_unmap_ns +
			  get(ms, "grant_copies_per_io") * cfg->grant_copy_ns;
	struct bench_verdict_in in = {
		.iops = get(ms, "iops"),
		.lat_mean_ns = get(ms, "lat_mean_ns"),
		.inflight_mean = get(ms, "little_in_flight_measured"),
		/* Several lanes: the verdict judges their sums. */
		.iodepth = lanes_iodepth(cfg, res, rec),
		.qd_cap = cfg->qd_cap * lanes,
		.ring_entries = ring_entries(cfg->ring_order) * lanes,
		.coalesce = cfg->irq_coalesce,
		.coalesce_ns = (double)cfg->irq_coalesce_ns,
		.evtchn_latency_ns = (double)cfg->evtchn_latency_ns,
		.ring_full_stalls = get(ms, "ring_full_stalls"),
		.qd_cap_stalls = get(ms, "qd_cap_stalls"),
		.task_stalls = get(ms, "task_stalls"),
		.tasks = cfg->tasks * lanes,
		.sleeps = get(ms, "kick_sleeps") + get(ms, "irq_sleeps"),
		.ring_requests_per_io = get(ms, "ring_requests_per_io"),
		.failed = !bench_report_conserved(res) || res->fe.ios_failed,
		.submit_worker = cfg->submit_path == BENCH_SUBMIT_PATH_WORKER,
		.completion_deferred = cfg->completion ==
				       BENCH_COMPLETION_DEFERRED,
		.lock = cfg->lock == BENCH_LOCK_SINGLE,
		.lock_work_ns = (double)cfg->lock_work_ns,
		.lock_acq_per_io = get(ms, "lock_acquisitions_per_io"),
		.lock_contended_pct = get(ms, "lock_contended_pct"),
		.lock_wait_per_io_ns = get(ms, "lock_wait_per_io_ns"),
		.lock_wait_max_ns = get(ms, "lock_wait_max_ns"),
		.lock_hold_mean_ns = get(ms, "lock_hold_mean_ns"),
		.worker_wakeups_per_io =
			get(ms, "submit_worker_wakeups_per_io"),
		.worker_sleeps = get(ms, "submit_worker_sleeps"),
		.responses_per_dpc = get(ms, "responses_per_deferred_batch"),
		.dpc_sleeps = get(ms, "deferred_worker_sleeps"),
		.grant_ns_per_io = grant_ns,
		/* Each lane has its own backend thread. */
		.grant_busy = get(ms, "iops") / 1e9 / lanes * grant_ns,
		.grant_maps_per_io = get(ms, "grant_maps_per_io"),
		.grant_calls_per_io = get(ms, "grant_calls_per_io"),
		.grants_persistent = cfg->grants == BENCH_GRANTS_PERSISTENT,
	};

	for (int i = 0; i < SIM_STAGES; i++) {
		char name[40];

		snprintf(name, sizeof(name), "stage_%s_mean_ns",
			 sim_stage_name(i));
		in.stage_mean_ns[i] = get(ms, name);
	}
	return bench_verdict(&in, buf, len);
}

/* ---- Formats ------------------------------------------------------------ */

static void iso_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The engine that ran the report's configuration. */
static const char *engine_name(const struct bench_config *cfg)
{
	return cfg->engine == BENCH_ENGINE_VIRTUAL ? "virtual" : "thread";
}

/*
 * The mix achieved against the one asked for (fio's rwmixread and
 * bssplit): the share of reads among the I/Os completed, and each bssplit
 * entry's share of them.  @asked gets the entries parsed from the option
 * (none without bssplit); false when the pattern has no mix to report.
 */
struct mix {
	double read_share, read_asked;
	bool rw_mixed;
	struct wl_config asked;
	uint64_t done;
};

static bool get_mix(const struct bench_config *cfg,
		    const struct engine_result *res,
		    const struct bench_rec *rec, struct mix *m)
{
	char why[160];
	uint64_t reads = rec->lat[0].count, writes = rec->lat[1].count;

	m->rw_mixed = cfg->rw == BENCH_RW_RANDRW || cfg->rw == BENCH_RW_RW;
	m->read_share = ratio((double)reads, (double)(reads + writes));
	if (m->rw_mixed)
		m->read_asked = cfg->rwmixread / 100.0;
	else
		m->read_asked = cfg->rw == BENCH_RW_READ ||
				cfg->rw == BENCH_RW_RANDREAD;
	m->asked.nbssplit = 0;
	if (!cfg->read_iolog[0] && cfg->bssplit[0] &&
	    wl_bssplit_parse(cfg->bssplit, &m->asked, why, sizeof(why)))
		m->asked.nbssplit = 0;
	m->done = 0;
	for (unsigned int i = 0; i < m->asked.nbssplit; i++)
		m->done += res->fe.bs_ios[i];
	return (m->rw_mixed && !cfg->read_iolog[0]) || m->asked.nbssplit;
}

static void mix_size(char *buf, size_t len, uint32_t bytes)
{
	if (bytes % 1024)
		snprintf(buf, len, "%" PRIu32, bytes);
	else
		snprintf(buf, len, "%" PRIu32 "k", bytes / 1024);
}

static void text_mix(FILE *out, const struct bench_config *cfg,
		     const struct engine_result *res,
		     const struct bench_rec *rec)
{
	struct mix m;
	const char *sep = "";
	char size[16];

	if (!get_mix(cfg, res, rec, &m))
		return;
	fprintf(out, "  mix:");
	if (m.rw_mixed) {
		fprintf(out, " reads %.2f%% of I/Os (asked %.0f%%)",
			100 * m.read_share, 100 * m.read_asked);
		sep = ";";
	}
	if (m.asked.nbssplit)
		fprintf(out, "%s block sizes", sep);
	for (unsigned int i = 0; i < m.asked.nbssplit; i++) {
		mix_size(size, sizeof(size), m.asked.bssplit[i].bs_bytes);
		fprintf(out, "%s %s %.2f%% (asked %.2f%%)", i ? "," : "", size,
			100 * ratio((double)res->fe.bs_ios[i], (double)m.done),
			m.asked.bssplit[i].weight_ppm / 1e4);
	}
	fputc('\n', out);
}

/*
 * "mix": { "read_share", "read_share_asked", "block_sizes": [ { "bs",
 * "ios", "share", "share_asked" } ] }, where there is a mix.
 */
static void report_json_mix(FILE *out, const struct bench_config *cfg,
			    const struct engine_result *res,
			    const struct bench_rec *rec)
{
	struct mix m;

	if (!get_mix(cfg, res, rec, &m))
		return;
	fprintf(out, ",\n  \"mix\": {\n    \"read_share\": ");
	json_write_number(out, m.read_share);
	fprintf(out, ",\n    \"read_share_asked\": ");
	json_write_number(out, m.read_asked);
	fprintf(out, ",\n    \"block_sizes\": [");
	for (unsigned int i = 0; i < m.asked.nbssplit; i++) {
		fprintf(out,
			"%s\n      { \"bs\": %" PRIu32 ", \"ios\": %" PRIu64
			", \"share\": ",
			i ? "," : "", m.asked.bssplit[i].bs_bytes,
			res->fe.bs_ios[i]);
		json_write_number(out, ratio((double)res->fe.bs_ios[i],
					     (double)m.done));
		fprintf(out, ", \"share_asked\": ");
		json_write_number(out, m.asked.bssplit[i].weight_ppm / 1e6);
		fprintf(out, " }");
	}
	fprintf(out, "%s]\n  }", m.asked.nbssplit ? "\n    " : "");
}

/* Several lanes: "lanes": [ { per-lane metrics }, ... ] after "metrics". */
static void report_json_lanes(FILE *out, const struct engine_result *res,
			      const struct bench_rec *rec,
			      const struct metrics *ms)
{
	static struct metrics lm;
	double t = get(ms, "elapsed_ns") / 1e9;

	if (res->nr_lanes <= 1 || rec->nr_lanes != res->nr_lanes)
		return;
	fprintf(out, ",\n  \"lanes\": [");
	for (unsigned int i = 0; i < res->nr_lanes; i++) {
		compute_lane(&lm, res, rec, i, t);
		fprintf(out, "%s\n    {\n      \"lane\": %u", i ? "," : "", i);
		if (rec->lane[i].job[0]) {
			fprintf(out, ",\n      \"job\": ");
			json_write_string(out, rec->lane[i].job);
		}
		for (unsigned int k = 0; k < lm.n; k++) {
			fprintf(out, ",\n      \"%s\": ", lm.m[k].name);
			json_write_number(out, lm.m[k].value);
		}
		fprintf(out, "\n    }");
	}
	fprintf(out, "\n  ]");
}

static void report_json(FILE *out, const struct bench_config *cfg,
			const struct engine_result *res,
			const struct bench_rec *rec, const struct metrics *ms,
			const char *when)
{
	const struct bench_opt *o;
	char buf[BENCH_PATH_MAX + 32];
	bool first = true;

	fprintf(out, "{\n  \"schema_version\": %d,\n", BENCH_REPORT_SCHEMA);
	fprintf(out, "  \"tool\": \"blkring\",\n  \"version\": \"%s\",\n",
		BENCH_VERSION);
	fprintf(out, "  \"time\": \"%s\",\n  \"engine\": \"%s\",\n", when,
		engine_name(cfg));
	fprintf(out, "  \"config\": {");
	bench_opt_for_each(o) {
		bench_opt_format(cfg, o, buf, sizeof(buf));
		fprintf(out, "%s\n    ", first ? "" : ",");
		json_write_string(out, o->name);
		fputs(": ", out);
		json_write_string(out, buf);
		first = false;
	}
	fprintf(out, "\n  },\n  \"metrics\": {");
	for (unsigned int i = 0; i < ms->n; i++) {
		fprintf(out, "%s\n    \"%s\": ", i ? "," : "", ms->m[i].name);
		json_write_number(out, ms->m[i].value);
	}
	fprintf(out, "\n  }");
	report_json_lanes(out, res, rec, ms);
	fprintf(out,
		",\n  \"verdict\": {\n    \"bottleneck\": \"%s\",\n"
		"    \"text\": ",
		bench_bottleneck_name(
			verdict(cfg, res, rec, ms, buf, sizeof(buf))));
	json_write_string(out, buf);
	fprintf(out, "\n  },\n  \"conserved\": %s,\n",
		bench_report_conserved(res) ? "true" : "false");
	fprintf(out, "  \"interrupted\": %s,\n",
		res->interrupted ? "true" : "false");
	fprintf(out, "  \"stuck\": %s,\n", res->stuck ? "true" : "false");
	fprintf(out, "  \"frontend_error\": ");
	json_write_string(out, res->fe.disabled ? res->fe.error : "");
	fprintf(out, ",\n  \"backend_error\": ");
	json_write_string(out, res->be.error);
	fprintf(out, ",\n  \"hostile_error\": ");
	json_write_string(out, res->hostile.last_stop);
	fprintf(out, ",\n  \"stuck_stage\": ");
	json_write_string(out, bench_report_stuck_stage(res));
	/* verify=crc32c: the first mismatches (the count is a metric). */
	fprintf(out, ",\n  \"verify_mismatches\": [");
	for (unsigned int i = 0; i < res->fe.verify_nr_details; i++) {
		const struct frontend_verify_mismatch *m =
			&res->fe.verify_details[i];

		fprintf(out,
			"%s\n    { \"offset\": %" PRIu64 ", \"field\": \"%s\", "
			"\"expected\": %" PRIu64 ", \"actual\": %" PRIu64 " }",
			i ? "," : "", m->offset_bytes,
			wl_vfield_name((enum wl_vfield)m->field), m->expected,
			m->actual);
	}
	fprintf(out, "%s]", res->fe.verify_nr_details ? "\n  " : "");
	report_json_mix(out, cfg, res, rec);
	fprintf(out, "\n}\n");
}

static void csv_number(FILE *out, double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(out, ",%.0f", v);
	else
		fprintf(out, ",%.6g", v);
}

/*
 * Several lanes: each lane's metrics as columns "laneN_NAME" after the
 * totals; the header row (@header) or the values.
 */
static void report_csv_lanes(FILE *out, const struct engine_result *res,
			     const struct bench_rec *rec,
			     const struct metrics *ms, bool header)
{
	static struct metrics lm;
	double t = get(ms, "elapsed_ns") / 1e9;

	if (res->nr_lanes <= 1 || rec->nr_lanes != res->nr_lanes)
		return;
	for (unsigned int i = 0; i < res->nr_lanes; i++) {
		compute_lane(&lm, res, rec, i, t);
		for (unsigned int k = 0; k < lm.n; k++) {
			if (header)
				fprintf(out, ",lane%u_%s", i, lm.m[k].name);
			else
				csv_number(out, lm.m[k].value);
		}
	}
}

static void report_csv(FILE *out, const struct bench_config *cfg,
		       const struct engine_result *res,
		       const struct bench_rec *rec, const struct metrics *ms,
		       const char *when)
{
	const struct bench_opt *o;
	char buf[BENCH_PATH_MAX + 32];

	fprintf(out, "schema_version,version,time,engine,conserved");
	bench_opt_for_each(o)
		fprintf(out, ",%s", o->name);
	for (unsigned int i = 0; i < ms->n; i++)
		fprintf(out, ",%s", ms->m[i].name);
	report_csv_lanes(out, res, rec, ms, true);
	fprintf(out, "\n%d,%s,%s,%s,%d", BENCH_REPORT_SCHEMA, BENCH_VERSION,
		when, engine_name(cfg), bench_report_conserved(res));
	bench_opt_for_each(o) {
		bench_opt_format(cfg, o, buf, sizeof(buf));
		/* Quote a value only when CSV needs it. */
		if (strpbrk(buf, ",\"\n")) {
			fputs(",\"", out);
			for (const char *p = buf; *p; p++)
				fprintf(out, *p == '"' ? "\"\"" : "%c", *p);
			fputc('"', out);
		} else {
			fprintf(out, ",%s", buf);
		}
	}
	for (unsigned int i = 0; i < ms->n; i++)
		csv_number(out, ms->m[i].value);
	report_csv_lanes(out, res, rec, ms, false);
	fputc('\n', out);
}

/* 1234567 -> "1.23M", as fio prints rates. */
static const char *human(double v, char *buf, size_t len)
{
	static const char units[] = " kMGT";
	unsigned int u = 0;

	while (v >= 1000 && u < sizeof(units) - 2) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c",
			 v < 10	 ? 2 :
			 v < 100 ? 1 :
				   0,
			 v, units[u]);
	return buf;
}

static void text_direction(FILE *out, const struct metrics *ms,
			   const struct bench_rec *rec, int col)
{
	static const char *const dir[] = { "", "read", "write" };
	char name[48], a[16];
	const struct hist *h = &rec->lat[col - 1];
	uint64_t bytes = rec->bytes[col - 1];

#define M(fmt) (snprintf(name, sizeof(name), fmt, dir[col]), get(ms, name))
	if (!h->count && !rec->failed[col - 1])
		return;
	fprintf(out,
		"  %5s: IOPS=%s, BW=%.1fMiB/s (%.1fMB/s) (%.1fMiB in %" PRIu64
		" I/Os, %" PRIu64 " failed)\n",
		dir[col], human(M("%s_iops"), a, sizeof(a)),
		M("%s_bw_bytes_per_s") / 1048576.0,
		M("%s_bw_bytes_per_s") / 1e6, (double)bytes / 1048576.0,
		h->count, rec->failed[col - 1]);
	fprintf(out,
		"    lat (usec): min=%.1f, max=%.1f, avg=%.2f\n"
		"    lat percentiles (usec): p50=%.1f, p90=%.1f, p99=%.1f, "
		"p99.9=%.1f, p99.99=%.1f\n",
		M("%s_lat_min_ns") / 1e3, M("%s_lat_max_ns") / 1e3,
		M("%s_lat_mean_ns") / 1e3, M("%s_lat_p50_ns") / 1e3,
		M("%s_lat_p90_ns") / 1e3, M("%s_lat_p99_ns") / 1e3,
		M("%s_lat_p99_9_ns") / 1e3, M("%s_lat_p99_99_ns") / 1e3);
#undef M
}

/* The policies' counters, for the policies that are on. */
static void text_policies(FILE *out, const struct bench_config *cfg,
			  const struct metrics *ms)
{
	if (cfg->submit_path == BENCH_SUBMIT_PATH_WORKER)
		fprintf(out,
			"  hand-off: %.3f/IO, submit worker woken %.3f/IO, "
			"slept %.0f times, cpu %.0f%%\n",
			get(ms, "handoffs_per_io"),
			get(ms, "submit_worker_wakeups_per_io"),
			get(ms, "submit_worker_sleeps"),
			100 * get(ms, "submit_worker_cpu_util"));
	if (cfg->completion == BENCH_COMPLETION_DEFERRED)
		fprintf(out,
			"  deferral: %.3f batches/IO, %.1f responses/batch, "
			"deferred worker slept %.0f times, cpu %.0f%%\n",
			get(ms, "deferred_batches_per_io"),
			get(ms, "responses_per_deferred_batch"),
			get(ms, "deferred_worker_sleeps"),
			100 * get(ms, "deferred_worker_cpu_util"));
	if (cfg->lock != BENCH_LOCK_NONE)
		fprintf(out,
			"  lock: %.2f acquisitions/IO, %.1f%% contended, wait "
			"%.2f us/IO (max %.1f us), hold mean %.2f us "
			"(max %.1f us)\n",
			get(ms, "lock_acquisitions_per_io"),
			get(ms, "lock_contended_pct"),
			get(ms, "lock_wait_per_io_ns") / 1e3,
			get(ms, "lock_wait_max_ns") / 1e3,
			get(ms, "lock_hold_mean_ns") / 1e3,
			get(ms, "lock_hold_max_ns") / 1e3);
	if (cfg->grants != BENCH_GRANTS_STATIC)
		fprintf(out,
			"  grants: %.2f maps/IO, %.2f unmaps/IO, %.2f gnttab "
			"calls/IO, backend copies %.0f B/IO, frontend copies "
			"%.0f B/IO; persistent %.2f hits/IO, %.2f misses/IO, "
			"%.2f evictions/IO (%.1f%% hits)\n",
			get(ms, "grant_maps_per_io"),
			get(ms, "grant_unmaps_per_io"),
			get(ms, "grant_calls_per_io"),
			get(ms, "grant_copy_bytes_per_io"),
			get(ms, "frontend_copy_bytes_per_io"),
			get(ms, "pgrant_hits_per_io"),
			get(ms, "pgrant_misses_per_io"),
			get(ms, "pgrant_evictions_per_io"),
			get(ms, "pgrant_hit_pct"));
	if (cfg->backend_budget || cfg->backend_respond != BENCH_RESPOND_EACH)
		fprintf(out,
			"  backend: %.0f passes cut by the budget, %.3f "
			"response pushes/IO, %.2f responses/push\n",
			get(ms, "budget_stops"),
			get(ms, "response_pushes_per_io"),
			get(ms, "responses_per_push"));
}

/*
 * Several lanes: a line per queue or device with its share, the stage
 * means per lane, and for devices the interrupt line.
 */
static void text_lanes(FILE *out, const struct bench_config *cfg,
		       const struct engine_result *res,
		       const struct bench_rec *rec, const struct metrics *ms)
{
	static struct metrics lm;
	double t = get(ms, "elapsed_ns") / 1e9;
	bool queues = cfg->queues > 1;
	bool shared = cfg->irq_line == BENCH_IRQ_LINE_SHARED;
	char a[16];

	if (res->nr_lanes <= 1 && !shared)
		return;
	if (queues)
		fprintf(out,
			"  queues: %u, a frontend thread (vCPU) each, iodepth "
			"%u per queue\n",
			res->nr_lanes, cfg->iodepth);
	else
		fprintf(out,
			"  devices: %u on one frontend thread, %s iodepth; "
			"interrupt line %s",
			res->nr_lanes,
			rec->lane[0].job[0] ? "each its job's" : "the same",
			shared ? "shared" : "own");
	if (!queues && shared)
		fprintf(out,
			" (filter %.2f us): %.3f interrupts/IO, %.3f spurious "
			"filter runs/interrupt, %.3f unclaimed/interrupt\n",
			(double)cfg->irq_filter_cost_ns / 1e3,
			get(ms, "line_interrupts_per_io"),
			get(ms, "spurious_per_line_irq"),
			get(ms, "unclaimed_per_line_irq"));
	else if (!queues)
		fprintf(out, " per device: %.3f interrupts/IO\n",
			get(ms, "line_interrupts_per_io"));
	if (rec->nr_lanes != res->nr_lanes)
		return;
	fprintf(out, "    %-5s %7s %9s %9s %8s %8s %7s %15s %11s %8s%s\n",
		"lane", "IOPS", "lat avg", "p99 (us)", "kicks/IO", "irqs/IO",
		"rsp/irq", "stalls r/d/c/t", "cpu fe/be", "little",
		shared ? "  filter runs/claimed/spurious" : "");
	for (unsigned int i = 0; i < res->nr_lanes; i++) {
		char stalls[48], cpu[32];

		compute_lane(&lm, res, rec, i, t);
		snprintf(stalls, sizeof(stalls), "%.0f/%.0f/%.0f/%.0f",
			 get(&lm, "ring_full_stalls"),
			 get(&lm, "iodepth_stalls"), get(&lm, "qd_cap_stalls"),
			 get(&lm, "task_stalls"));
		snprintf(cpu, sizeof(cpu), "%.2f/%.2f",
			 get(&lm, "frontend_cpu_us_per_io"),
			 get(&lm, "backend_cpu_us_per_io"));
		fprintf(out,
			"    %s%-*u %7s %9.1f %9.1f %8.3f %8.3f %7.1f %15s "
			"%11s %7.3f%%",
			queues ? "q" : "dev", queues ? 4 : 2, i,
			human(get(&lm, "iops"), a, sizeof(a)),
			get(&lm, "lat_mean_ns") / 1e3,
			get(&lm, "lat_p99_ns") / 1e3,
			get(&lm, "kicks_sent_per_io"),
			get(&lm, "irqs_handled_per_io"),
			get(&lm, "responses_per_irq"), stalls, cpu,
			get(&lm, "little_deviation_pct"));
		if (shared)
			fprintf(out, "  %.0f/%.0f/%.0f",
				get(&lm, "filter_runs"),
				get(&lm, "irqs_claimed"),
				get(&lm, "irqs_spurious"));
		if (rec->lane[i].job[0])
			fprintf(out, "  job '%s'", rec->lane[i].job);
		fprintf(out, "%s\n", get(&lm, "conserved") ? "" : "  LOST I/O");
	}
	fprintf(out, "    stage means per lane (usec):");
	for (int k = 0; k < SIM_STAGES; k++)
		fprintf(out, " %s", sim_stage_name(k));
	fputc('\n', out);
	for (unsigned int i = 0; i < res->nr_lanes; i++) {
		fprintf(out, "    %s%-*u", queues ? "q" : "dev", queues ? 4 : 2,
			i);
		for (int k = 0; k < SIM_STAGES; k++)
			fprintf(out, " %.1f",
				rec->lane[i].stage_mean_ns[k] / 1e3);
		fputc('\n', out);
	}
	if (queues)
		fprintf(out,
			"    cpu fe: each queue's vCPU; the totals above add "
			"the lanes\n");
	else
		fprintf(out, "    cpu fe: 0 per device, the one vCPU is in the "
			     "totals above\n");
}

/*
 * Where the I/Os still in flight at the end are stuck: on the ring (put,
 * not yet taken by the backend), in the backend or its target (taken, not
 * answered), or answered but not yet completed by the frontend.
 */
static void text_stuck(FILE *out, const struct engine_result *res)
{
	const struct frontend_stats *fe = &res->fe;
	const struct backend_stats *be = &res->be;
	uint64_t on_ring = fe->ring_requests > be->requests ?
				   fe->ring_requests - be->requests :
				   0;
	uint64_t answered = be->responses > fe->responses ?
				    be->responses - fe->responses :
				    0;

	fprintf(out,
		"  %u I/Os still in flight when the run ended (%s): %" PRIu64
		" ring requests not taken by the backend, %u at the "
		"target (%" PRIu64 " held by --fault=stall), %" PRIu64
		" answered but not completed: stuck in the %s stage%s\n",
		fe->inflight,
		res->stuck ? "the watchdog saw no progress" : "drain timeout",
		on_ring, be->inflight, res->fault.stalled, answered,
		bench_report_stuck_stage(res),
		res->fault.stopped ? " (its thread stopped responding: "
				     "--fault=backend-stop)" :
				     "");
}

/* The hostile ring: what it did, what its backend answered. */
static void text_hostile(FILE *out, const struct engine_hostile_result *h)
{
	fprintf(out,
		"  hostile ring: %" PRIu64 " mutations (%" PRIu64
		" while the run's I/O flowed):",
		h->mutations, h->during_run);
	for (int k = 0; k < HOSTILE_NR; k++)
		fprintf(out, "%s %s %" PRIu64, k ? "," : "",
			hostile_kind_name((enum hostile_kind)k), h->by_kind[k]);
	fprintf(out,
		"\n    its backend (read-only): %" PRIu64 " requests, %" PRIu64
		" answered with an error, %" PRIu64 " unsupported, %" PRIu64
		" answered in all, %" PRIu64 " left unanswered; %" PRIu64
		" rings stopped, %" PRIu64 " reconnected%s%s\n",
		h->requests, h->bad_requests, h->unsupported, h->responses,
		h->requests - h->responses + h->inflight, h->ring_stops,
		h->reconnects, h->last_stop[0] ? "; last: " : "", h->last_stop);
}

static void opt(FILE *out, const struct bench_config *cfg, const char *name)
{
	const struct bench_opt *o = bench_opt_find(name);
	char buf[BENCH_PATH_MAX + 32];

	bench_opt_format(cfg, o, buf, sizeof(buf));
	fprintf(out, " %s=%s", name, buf);
}

/* The virtual engine's costs and device model, on their own line. */
static void text_virtual(FILE *out, const struct bench_config *cfg)
{
	fprintf(out, "\n  virtual:");
	opt(out, cfg, "cost-submit");
	opt(out, cfg, "cost-split");
	opt(out, cfg, "cost-reap");
	opt(out, cfg, "cost-backend-request");
	opt(out, cfg, "cost-backend-response");
	opt(out, cfg, "cost-backend-flush");
	opt(out, cfg, "wake-latency");
	if (cfg->model_file[0])
		opt(out, cfg, "model-file");
	if (cfg->target == BENCH_TARGET_MODEL) {
		opt(out, cfg, "model-channels");
		opt(out, cfg, "model-latency-dist");
		opt(out, cfg, "model-read-latency");
		opt(out, cfg, "model-read-bw");
		opt(out, cfg, "model-write-latency");
		opt(out, cfg, "model-write-bw");
	}
}

static void report_text(FILE *out, const struct bench_config *cfg,
			const struct engine_result *res,
			const struct bench_rec *rec, const struct metrics *ms,
			const char *when)
{
	const struct frontend_stats *fe = &res->fe;
	double t = get(ms, "elapsed_ns") / 1e9;

	fprintf(out, "blkring %s, %s engine, %s\n", BENCH_VERSION,
		engine_name(cfg), when);
	fprintf(out, "  job:");
	opt(out, cfg, "rw");
	opt(out, cfg, "bs");
	opt(out, cfg, "iodepth");
	opt(out, cfg, "size");
	opt(out, cfg, "target");
	opt(out, cfg, "filename");
	opt(out, cfg, "direct");
	/* The workload options, where they differ from the plain job. */
	if (cfg->bsrange[0])
		opt(out, cfg, "bsrange");
	if (cfg->bssplit[0])
		opt(out, cfg, "bssplit");
	if (strcmp(cfg->random_distribution, "random"))
		opt(out, cfg, "random_distribution");
	if (cfg->rate_iops) {
		opt(out, cfg, "rate_iops");
		opt(out, cfg, "rate_process");
	}
	if (cfg->verify)
		opt(out, cfg, "verify");
	if (cfg->read_iolog[0])
		opt(out, cfg, "read_iolog");
	fprintf(out, "\n  model:");
	opt(out, cfg, "ring-order");
	fprintf(out, " (%u entries)", ring_entries(cfg->ring_order));
	opt(out, cfg, "max-segments");
	opt(out, cfg, "indirect-segments");
	opt(out, cfg, "qd-cap");
	opt(out, cfg, "push-batch");
	opt(out, cfg, "notify");
	opt(out, cfg, "irq-coalesce");
	opt(out, cfg, "irq-coalesce-time");
	fprintf(out, "\n  paths:");
	opt(out, cfg, "submit-path");
	opt(out, cfg, "completion");
	opt(out, cfg, "lock");
	if (cfg->lock != BENCH_LOCK_NONE) {
		opt(out, cfg, "lock-type");
		opt(out, cfg, "lock-work");
	}
	opt(out, cfg, "grants");
	if (cfg->backend_budget)
		opt(out, cfg, "backend-budget");
	if (cfg->backend_respond != BENCH_RESPOND_EACH)
		opt(out, cfg, "backend-respond");
	fprintf(out, "\n  evtchn:");
	opt(out, cfg, "evtchn-latency");
	opt(out, cfg, "evtchn-latency-dist");
	opt(out, cfg, "notify-cost");
	opt(out, cfg, "wait");
	if (cfg->wait_mode == BENCH_WAIT_BUSYPOLL)
		opt(out, cfg, "busypoll-time");
	if (cfg->engine == BENCH_ENGINE_VIRTUAL)
		text_virtual(out, cfg);
	fprintf(out, "\n  ran %.3f s%s%s\n", t,
		cfg->engine == BENCH_ENGINE_VIRTUAL ? " of virtual time" : "",
		res->interrupted ? " (interrupted)" : "");
	text_direction(out, ms, rec, 1);
	text_direction(out, ms, rec, 2);
	fprintf(out,
		"  ring: %.2f requests/IO, %.2f segments/request, %.3f "
		"pushes/IO; stalls: ring full %.0f, iodepth %.0f, QD cap %.0f, "
		"task pool %.0f\n",
		get(ms, "ring_requests_per_io"),
		get(ms, "segments_per_request"), get(ms, "pushes_per_io"),
		get(ms, "ring_full_stalls"), get(ms, "iodepth_stalls"),
		get(ms, "qd_cap_stalls"), get(ms, "task_stalls"));
	fprintf(out,
		"  kicks: %.3f sent/IO, %.3f suppressed/IO, "
		"%.1f requests/kick taken\n",
		get(ms, "kicks_sent_per_io"),
		get(ms, "kicks_suppressed_per_io"),
		get(ms, "requests_per_kick"));
	fprintf(out,
		"  interrupts: %.3f sent/IO, %.3f suppressed/IO, %.3f "
		"coalesced/IO, %.1f responses/interrupt\n",
		get(ms, "irqs_sent_per_io"), get(ms, "irqs_suppressed_per_io"),
		get(ms, "irqs_coalesced_per_io"), get(ms, "responses_per_irq"));
	fprintf(out,
		"  cpu: frontend %.0f%% (%.2f us/IO), backend %.0f%% "
		"(%.2f us/IO)\n",
		100 * get(ms, "frontend_cpu_util"),
		get(ms, "frontend_cpu_us_per_io"),
		100 * get(ms, "backend_cpu_util"),
		get(ms, "backend_cpu_us_per_io"));
	fprintf(out,
		"  wake-up lag past due: kicks mean %.2f us max %.1f us, "
		"interrupts mean %.2f us max %.1f us; sleeps %.0f + %.0f\n",
		get(ms, "kick_lag_mean_ns") / 1e3,
		get(ms, "kick_lag_max_ns") / 1e3,
		get(ms, "irq_lag_mean_ns") / 1e3,
		get(ms, "irq_lag_max_ns") / 1e3, get(ms, "kick_sleeps"),
		get(ms, "irq_sleeps"));
	text_mix(out, cfg, res, rec);
	text_policies(out, cfg, ms);
	text_lanes(out, cfg, res, rec, ms);
	if (cfg->fault != FAULT_NONE || res->be.retries)
		fprintf(out,
			"  faults: %s on %.4g%% of eligible I/Os: %" PRIu64
			" injected into %" PRIu64 " target I/Os, %" PRIu64
			" stalled now; backend retried %" PRIu64
			", answered %" PRIu64 " with an error\n",
			fault_kind_name((enum fault_kind)cfg->fault),
			cfg->fault_ppm / 1e4, res->fault.injected,
			res->fault.ios, res->fault.stalled, res->be.retries,
			res->be.io_errors);
	fprintf(out, "  stages (usec, mean/p99):");
	for (int i = 0; i < SIM_STAGES; i++) {
		char name[40];

		snprintf(name, sizeof(name), "stage_%s_mean_ns",
			 sim_stage_name(i));
		fprintf(out, " %s %.1f", sim_stage_name(i),
			get(ms, name) / 1e3);
		snprintf(name, sizeof(name), "stage_%s_p99_ns",
			 sim_stage_name(i));
		fprintf(out, "/%.1f", get(ms, name) / 1e3);
	}
	fprintf(out, " (sum off by %.2f%%)\n",
		get(ms, "stage_sum_deviation_pct"));
	fprintf(out,
		"  conservation: issued %" PRIu64 " = completed %" PRIu64
		" + failed %" PRIu64 " + in flight %u: %s\n",
		fe->ios_issued, fe->ios_completed, fe->ios_failed, fe->inflight,
		bench_report_conserved(res) ? "OK" : "FAILED");
	fprintf(out,
		"  little's law: IOPS x mean latency = %.3f, measured mean in "
		"flight = %.3f (deviation %.3f%%)\n",
		get(ms, "little_in_flight_predicted"),
		get(ms, "little_in_flight_measured"),
		get(ms, "little_deviation_pct"));
	if (fe->sched_ios)
		fprintf(out,
			"  open loop: %" PRIu64 " I/Os on schedule, issued "
			"late by mean %.2f us, max %.1f us (latency counts "
			"from the intended time)\n",
			fe->sched_ios, get(ms, "sched_lag_mean_ns") / 1e3,
			get(ms, "sched_lag_max_ns") / 1e3);
	if (fe->think_ios)
		fprintf(out,
			"  think time: %" PRIu64 " I/Os, spun mean %.2f us, "
			"waited mean %.2f us before issue (not in the "
			"latency)\n",
			fe->think_ios, get(ms, "think_spin_mean_ns") / 1e3,
			get(ms, "think_wait_mean_ns") / 1e3);
	if (fe->disabled)
		fprintf(out, "  frontend disabled the device: %s\n", fe->error);
	if (res->be.dead)
		fprintf(out, "  backend stopped the ring: %s\n", res->be.error);
	else if (res->be.bad_requests + res->be.unsupported)
		fprintf(out,
			"  backend refused %" PRIu64 " requests; last: %s\n",
			res->be.bad_requests + res->be.unsupported,
			res->be.error);
	if (cfg->verify == BENCH_VERIFY_CRC32C) {
		fprintf(out,
			"  verify: crc32c: %" PRIu64 " blocks checked, %" PRIu64
			" mismatched, %" PRIu64
			" read unwritten (not checked), "
			"%" PRIu64 " waits for an overlapping I/O\n",
			fe->verify_blocks, fe->verify_errors,
			fe->verify_unwritten, fe->verify_overlap_stalls);
		bench_report_verify_details(out, fe, "    ");
	} else if (fe->verify_errors) {
		fprintf(out, "  verify: %" PRIu64 " bytes read back wrong\n",
			fe->verify_errors);
	}
	if (res->hostile.on)
		text_hostile(out, &res->hostile);
	if (res->drain_timeout)
		text_stuck(out, res);
	{
		char buf[512];
		enum bench_bottleneck b =
			verdict(cfg, res, rec, ms, buf, sizeof(buf));

		fprintf(out, "  verdict (%s): %s\n", bench_bottleneck_name(b),
			buf);
	}
}

void bench_report(FILE *out, const struct bench_config *cfg,
		  const struct engine_result *res, const struct bench_rec *rec,
		  int64_t started)
{
	static struct metrics ms;
	char when[32];

	iso_time(started, when, sizeof(when));
	compute(&ms, res, rec);
	switch (cfg->output_format) {
	case BENCH_OUTPUT_JSON:
		report_json(out, cfg, res, rec, &ms, when);
		break;
	case BENCH_OUTPUT_CSV:
		report_csv(out, cfg, res, rec, &ms, when);
		break;
	default:
		report_text(out, cfg, res, rec, &ms, when);
		break;
	}
}

void bench_report_verify_details(FILE *out, const struct frontend_stats *fe,
				 const char *prefix)
{
	for (unsigned int i = 0; i < fe->verify_nr_details; i++) {
		const struct frontend_verify_mismatch *m =
			&fe->verify_details[i];
		/* Numbers in decimal, bit patterns in hex. */
		bool hex = m->field == WL_VF_MAGIC ||
			   m->field == WL_VF_CHECKSUM || m->field == WL_VF_SEED;

		fprintf(out,
			hex ? "%sblock at %" PRIu64 ": %s expected %#" PRIx64
			      ", found %#" PRIx64 "\n" :
			      "%sblock at %" PRIu64 ": %s expected %" PRIu64
			      ", found %" PRIu64 "\n",
			prefix, m->offset_bytes,
			wl_vfield_name((enum wl_vfield)m->field), m->expected,
			m->actual);
	}
	if (fe->verify_errors > fe->verify_nr_details)
		fprintf(out, "%s(and %" PRIu64 " more mismatched blocks)\n",
			prefix, fe->verify_errors - fe->verify_nr_details);
}
