// SPDX-License-Identifier: MIT
/*
 * The bottleneck verdict (see verdict.h).  The rules, in order:
 *
 * 1. A failed run gets no verdict on speed.
 * 2. The largest stage decides, by its share of the mean latency.
 *    - queue: the I/Os waited before the miniport.  With a QD cap below
 *      iodepth that stalled, the cap is the bottleneck; with task-pool
 *      stalls, the pool; with ring-full stalls, the ring; otherwise the
 *      frontend's own dispatch.
 *      What-if: with the cap lifted, Little's law gives
 *      IOPS ~= min(iodepth, ring) / (latency - queue stage), an upper
 *      bound that assumes the device keeps its latency.
 *    - target: the storage.  What-if: none from this run; sweep iodepth.
 *    - ring: the kick's latency or the backend's wake-up.
 *    - backend: validation and submission in the backend thread.
 *    Before the ring, backend and response stages, the grants: when their
 *    configured operations take a third of the backend's time or more
 *    (what-if: persistent grants, or a larger cache).
 *    - response: the interrupt: coalescing hold, latency, wake-up.
 *    - handoff: the internal queue and the submit worker's wake-up.
 *      What-if: direct submission saves up to the stage's mean.
 *    - complete: with deferral, the deferred worker's wake-up and
 *      batching (what-if: completing in the handler saves up to the
 *      stage's mean); without, the handler's own work.
 *    Before those, the lock: with the gate on, when the largest stage is
 *    one the frontend's threads spend (queue, handoff, complete) and one
 *    gate section, waited for and held (wait + hold per acquisition), is
 *    at least a third of it.  An I/O in such a stage waits for at least
 *    one section and usually two (its own thread's, and the one that
 *    held the gate), so a section that long is what the stage is made
 *    of.  Contention when the wait is the larger part, work under the
 *    lock when the hold is.  What-if: an I/O passes N sections (its
 *    submission, the submit worker's, its completion); no configured
 *    work saves at most N x lock-work per I/O, separate paths at most
 *    N x the wait per acquisition.
 * 3. Evidence: the stage's share and the counter behind it.
 */
#include <stdbool.h>
#include <stdio.h>

#include "bench/verdict.h"

const char *bench_bottleneck_name(enum bench_bottleneck b)
{
	static const char *const names[] = {
		[BENCH_BN_NONE] = "none",
		[BENCH_BN_FAILED] = "failed",
		[BENCH_BN_QD_CAP] = "qd-cap",
		[BENCH_BN_RING_FULL] = "ring-full",
		[BENCH_BN_TASKS] = "task-pool",
		[BENCH_BN_TARGET] = "target",
		[BENCH_BN_RING] = "kick",
		[BENCH_BN_BACKEND] = "backend",
		[BENCH_BN_RESPONSE] = "interrupt",
		[BENCH_BN_QUEUE] = "frontend",
		[BENCH_BN_LOCK] = "lock",
		[BENCH_BN_HANDOFF] = "handoff",
		[BENCH_BN_DEFERRED] = "deferral",
		[BENCH_BN_HANDLER] = "handler",
		[BENCH_BN_GRANTS] = "grants",
	};

	return (unsigned int)b < sizeof(names) / sizeof(names[0]) ? names[b] :
								    "?";
}

static enum bench_bottleneck queue_verdict(const struct bench_verdict_in *in,
					   double share, char *buf, size_t len)
{
	double rest = in->lat_mean_ns - in->stage_mean_ns[SIM_STAGE_QUEUE];
	unsigned int room = in->iodepth < in->ring_entries ? in->iodepth :
							     in->ring_entries;

	if (in->qd_cap && in->qd_cap < in->iodepth && in->qd_cap_stalls > 0) {
		double what_if = rest > 0 ? room / (rest / 1e9) : 0;

		snprintf(buf, len,
			 "The upper queue's cap: outstanding I/Os were capped "
			 "at %u while %u were issued; %.0f%% of the latency "
			 "was spent waiting in the upper queue. Raising the "
			 "cap to %u would give at most %.0f IOPS (%.1fx), if "
			 "the device kept its latency.",
			 in->qd_cap, in->iodepth, 100 * share, room, what_if,
			 in->iops > 0 ? what_if / in->iops : 0);
		return BENCH_BN_QD_CAP;
	}
	if (in->task_stalls > 0) {
		snprintf(buf, len,
			 "An empty task pool: %u request contexts for %u "
			 "I/Os of %.2f ring requests each; %.0f%% of the "
			 "latency was spent waiting for a task. A larger "
			 "pool (tasks, up to the %u ring slots) would let "
			 "more reach the ring.",
			 in->tasks, in->iodepth, in->ring_requests_per_io,
			 100 * share, in->ring_entries);
		return BENCH_BN_TASKS;
	}
	if (in->ring_full_stalls > 0) {
		snprintf(buf, len,
			 "A full ring: %u slots for %u I/Os of %.2f ring "
			 "requests each; %.0f%% of the latency was spent "
			 "waiting for a slot. A larger ring (ring-order) or "
			 "fewer requests per I/O (larger segments, indirect "
			 "descriptors) would let more reach the backend.",
			 in->ring_entries, in->iodepth,
			 in->ring_requests_per_io, 100 * share);
		return BENCH_BN_RING_FULL;
	}
	if (in->lock && in->lock_hold_mean_ns > 0)
		snprintf(buf, len,
			 "The frontend's dispatch: %.0f%% of the latency "
			 "passed before an I/O reached the ring, with no cap "
			 "or ring stall; the frontend thread is busy, holding "
			 "the lock %.1f us per acquisition (%.1f us of it "
			 "configured work) %.1f times per I/O.",
			 100 * share, in->lock_hold_mean_ns / 1e3,
			 in->lock_work_ns / 1e3, in->lock_acq_per_io);
	else
		snprintf(buf, len,
			 "The frontend's dispatch: %.0f%% of the latency "
			 "passed before an I/O reached the ring, with no cap "
			 "or ring stall; the frontend thread is busy (push "
			 "batching, CPU).",
			 100 * share);
	return BENCH_BN_QUEUE;
}

/* The gate's wait per acquisition (the inputs are per I/O). */
static double wait_per_acq(const struct bench_verdict_in *in)
{
	return in->lock_acq_per_io > 0 ?
		       in->lock_wait_per_io_ns / in->lock_acq_per_io :
		       0;
}

/*
 * The lock: one gate section, waited for and held, is at least a third
 * of the largest stage, and that stage is one the frontend's threads
 * spend.
 */
static bool lock_bound(const struct bench_verdict_in *in, enum sim_stage top)
{
	double section = wait_per_acq(in) + in->lock_hold_mean_ns;

	if (!in->lock || section <= 0)
		return false;
	if (top != SIM_STAGE_QUEUE && top != SIM_STAGE_HANDOFF &&
	    top != SIM_STAGE_COMPLETE)
		return false;
	return 3 * section >= in->stage_mean_ns[top];
}

static enum bench_bottleneck lock_verdict(const struct bench_verdict_in *in,
					  enum sim_stage top, char *buf,
					  size_t len)
{
	double wait = wait_per_acq(in);
	/* Submission, the submit worker's pass, completion. */
	unsigned int sections = in->submit_worker ? 3 : 2;
	int n;

	if (wait >= in->lock_hold_mean_ns)
		n = snprintf(buf, len,
			     "Lock contention: %.0f%% of the gate's "
			     "acquisitions found it held; each waited %.1f us "
			     "on average (max %.1f us) and then held it "
			     "%.1f us, against a %s stage of %.1f us (%.0f%% "
			     "of the latency). ",
			     in->lock_contended_pct, wait / 1e3,
			     in->lock_wait_max_ns / 1e3,
			     in->lock_hold_mean_ns / 1e3, sim_stage_name(top),
			     in->stage_mean_ns[top] / 1e3,
			     100 * in->stage_mean_ns[top] / in->lat_mean_ns);
	else
		n = snprintf(buf, len,
			     "Work under the lock: each gate section held it "
			     "%.1f us (%.1f us of it configured work) after "
			     "waiting %.1f us, against a %s stage of %.1f us "
			     "(%.0f%% of the latency); %.0f%% of acquisitions "
			     "found it held. ",
			     in->lock_hold_mean_ns / 1e3,
			     in->lock_work_ns / 1e3, wait / 1e3,
			     sim_stage_name(top), in->stage_mean_ns[top] / 1e3,
			     100 * in->stage_mean_ns[top] / in->lat_mean_ns,
			     in->lock_contended_pct);
	if (n < 0 || (size_t)n >= len)
		return BENCH_BN_LOCK;
	if (in->lock_work_ns > 0)
		snprintf(buf + n, len - (size_t)n,
			 "An I/O passes %u gate sections: no work under the "
			 "lock would save at most %.1f us per I/O, separate "
			 "submit and complete paths at most %.1f us of "
			 "waiting.",
			 sections, sections * in->lock_work_ns / 1e3,
			 sections * wait / 1e3);
	else
		snprintf(buf + n, len - (size_t)n,
			 "An I/O passes %u gate sections: separate submit "
			 "and complete paths would save at most %.1f us of "
			 "waiting per I/O.",
			 sections, sections * wait / 1e3);
	return BENCH_BN_LOCK;
}

static enum bench_bottleneck complete_verdict(const struct bench_verdict_in *in,
					      double share, char *buf,
					      size_t len)
{
	double mean = in->stage_mean_ns[SIM_STAGE_COMPLETE];

	if (in->completion_deferred) {
		snprintf(buf, len,
			 "The deferral: %.0f%% of the latency passed between "
			 "the interrupt's acknowledgement and the deferred "
			 "worker completing the I/O (%.1f responses per "
			 "batch, %.0f worker sleeps). Completing in the "
			 "handler would save at most %.1f us per I/O.",
			 100 * share, in->responses_per_dpc, in->dpc_sleeps,
			 mean / 1e3);
		return BENCH_BN_DEFERRED;
	}
	snprintf(buf, len,
		 "The interrupt handler: %.0f%% of the latency passed "
		 "between the handler starting and the I/O completing "
		 "(reaping, validation, completion callbacks%s).",
		 100 * share, in->lock ? ", waiting for the lock" : "");
	return BENCH_BN_HANDLER;
}

/*
 * The backend spends a third of its time or more on grant operations,
 * and requests wait for it (in the ring), in it, or for its responses.
 */
static enum bench_bottleneck grant_verdict(const struct bench_verdict_in *in,
					   double share, char *buf, size_t len)
{
	snprintf(buf, len,
		 "Grants: %.0f%% of the latency passed waiting for a "
		 "backend that spent %.0f%% of its time on grant operations "
		 "(%.1f us per I/O: %.2f gnttab calls, %.2f segments mapped). "
		 "%s",
		 100 * share, 100 * in->grant_busy, in->grant_ns_per_io / 1e3,
		 in->grant_calls_per_io, in->grant_maps_per_io,
		 in->grants_persistent ?
			 "The persistent-grant cache missed: raise "
			 "--persistent-grants-max." :
			 "Persistent grants (--grants=persistent) map each "
			 "page once.");
	return BENCH_BN_GRANTS;
}

enum bench_bottleneck bench_verdict(const struct bench_verdict_in *in,
				    char *buf, size_t len)
{
	enum sim_stage top = SIM_STAGE_QUEUE;
	double share;

	if (in->failed) {
		snprintf(buf, len,
			 "The run failed (see above): no verdict on speed.");
		return BENCH_BN_FAILED;
	}
	if (in->iops <= 0 || in->lat_mean_ns <= 0) {
		snprintf(buf, len, "Nothing completed: no verdict.");
		return BENCH_BN_NONE;
	}
	for (int s = 1; s < SIM_STAGES; s++)
		if (in->stage_mean_ns[s] > in->stage_mean_ns[top])
			top = (enum sim_stage)s;
	share = in->stage_mean_ns[top] / in->lat_mean_ns;
	if (lock_bound(in, top))
		return lock_verdict(in, top, buf, len);

	if ((top == SIM_STAGE_RING || top == SIM_STAGE_BACKEND ||
	     top == SIM_STAGE_RESPONSE) &&
	    in->grant_busy * 3 >= 1)
		return grant_verdict(in, share, buf, len);

	switch (top) {
	case SIM_STAGE_QUEUE:
		return queue_verdict(in, share, buf, len);
	case SIM_STAGE_TARGET:
		snprintf(buf, len,
			 "The storage: %.0f%% of the latency is target service "
			 "with %.1f I/Os in flight on average. The model adds "
			 "%.1f us per I/O; only a faster device or more "
			 "parallelism (iodepth) would raise IOPS.",
			 100 * share, in->inflight_mean,
			 (in->lat_mean_ns -
			  in->stage_mean_ns[SIM_STAGE_TARGET]) /
				 1e3);
		return BENCH_BN_TARGET;
	case SIM_STAGE_RING:
		snprintf(
			buf, len,
			"Kicks: %.0f%% of the latency passed between putting a "
			"request on the ring and the backend taking it "
			"(event-channel latency %.1f us%s).",
			100 * share, in->evtchn_latency_ns / 1e3,
			in->sleeps > 0 ? ", and backend wake-ups from sleep" :
					 "");
		return BENCH_BN_RING;
	case SIM_STAGE_BACKEND:
		snprintf(buf, len,
			 "The backend: %.0f%% of the latency passed between "
			 "consuming a request and handing it to the target "
			 "(validation, mapping, the submit system call).",
			 100 * share);
		return BENCH_BN_BACKEND;
	case SIM_STAGE_RESPONSE:
		if (in->coalesce > 1)
			snprintf(buf, len,
				 "Interrupt coalescing: %.0f%% of the latency "
				 "passed between the target's completion and "
				 "the frontend's; interrupts are held for %u "
				 "responses or %.1f us. Fewer outstanding I/Os "
				 "than %u means every interrupt waits out the "
				 "timer.",
				 100 * share, in->coalesce,
				 in->coalesce_ns / 1e3, in->coalesce);
		else
			snprintf(
				buf, len,
				"Interrupts: %.0f%% of the latency passed "
				"between the target's completion and the "
				"frontend's (event-channel latency %.1f us%s).",
				100 * share, in->evtchn_latency_ns / 1e3,
				in->sleeps > 0 ? ", frontend wake-ups" : "");
		return BENCH_BN_RESPONSE;
	case SIM_STAGE_HANDOFF:
		snprintf(buf, len,
			 "The hand-off: %.0f%% of the latency passed between "
			 "queuing an I/O for the submit worker and the worker "
			 "putting it on the ring (%.2f worker wake-ups per "
			 "I/O, %.0f worker sleeps). Direct submission would "
			 "save at most %.1f us per I/O.",
			 100 * share, in->worker_wakeups_per_io,
			 in->worker_sleeps,
			 in->stage_mean_ns[SIM_STAGE_HANDOFF] / 1e3);
		return BENCH_BN_HANDOFF;
	case SIM_STAGE_COMPLETE:
		return complete_verdict(in, share, buf, len);
	case SIM_STAGES:
		break;
	}
	snprintf(buf, len, "No verdict.");
	return BENCH_BN_NONE;
}
