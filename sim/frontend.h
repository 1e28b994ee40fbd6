/* SPDX-License-Identifier: MIT */
/*
 * The frontend actor: the guest's blkfront.  It takes I/Os from a
 * workload, keeps at most iodepth of them outstanding, turns each into one
 * or more blkif ring requests (at most max_segments 4 KiB segments each,
 * so a larger I/O is split and completes when all its parts have), places
 * the data in granted pages, pushes each I/O's requests and kicks the
 * backend when the notify check says so.  Its interrupt handler reaps responses,
 * validates each against what is outstanding, and completes I/Os.  A
 * response that fails validation disables the device: every outstanding
 * I/O is completed as failed and nothing more is issued.
 *
 * By default all calls come from one thread, the guest vCPU of the
 * engine.  Three policies (issue 4, docs/policies.md) move work to other
 * threads, each a small strategy the actor calls:
 *
 * - the submit path: direct (frontend_submit() puts I/Os on the ring) or
 *   worker (frontend_submit() hands them to an internal queue and wakes a
 *   submit worker through the handoff port; the worker's thread calls
 *   frontend_submit_worker() to put them on the ring);
 * - the completion path: irq (frontend_irq() reaps and completes) or
 *   deferred (frontend_irq() only acknowledges and wakes a deferred worker
 *   through the defer port; its thread calls frontend_dpc() to reap);
 * - the lock model: none, or a gate (sim/gate.h) that every entry takes,
 *   submission and completion alike.  The worker and deferred paths need
 *   the gate: it is what keeps two threads off the same state.
 *
 * With a gate, frontend_finished(), frontend_next_due_ns() and
 * frontend_completions() are safe without it, and the completion callback
 * runs under it.  The actor never sleeps or reads a system clock: it
 * reads the clock it is handed, waits only on the gate, and returns to
 * its engine when it has nothing to do.
 */
#ifndef BLKRING_SIM_FRONTEND_H
#define BLKRING_SIM_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/ring.h"
#include "sim/clock.h"
#include "sim/evtchn.h"
#include "sim/gate.h"
#include "sim/grant.h"
#include "sim/stamps.h"
#include "workloads/workload.h"

/* One finished I/O, as handed to the completion callback. */
struct frontend_completion {
	uint64_t offset_bytes;
	uint32_t len_bytes;
	bool write;
	bool ok; /* every part answered BLKIF_RSP_OKAY (and verified) */
	uint64_t submit_ns;
	uint64_t complete_ns;
	/* Latency by stage; sums to complete_ns - submit_ns.  All zero
	 * without stamps. */
	uint64_t stage_ns[SIM_STAGES];
};

typedef void (*frontend_complete_fn)(void *ctx,
				     const struct frontend_completion *c);

struct frontend;

/* Who puts an I/O on the ring (seed question 3). */
enum frontend_submit_path {
	FRONTEND_SUBMIT_DIRECT, /* the submitting thread */
	FRONTEND_SUBMIT_WORKER, /* an internal queue and a worker thread */
};

/* Who reaps responses and completes I/Os (seed question 4). */
enum frontend_completion_path {
	FRONTEND_COMPLETE_IRQ,	    /* the interrupt handler */
	FRONTEND_COMPLETE_DEFERRED, /* a deferred worker (DPC, work loop) */
};

/* What writes carry and reads check (docs/workloads.md, "Verification"). */
enum frontend_verify {
	FRONTEND_VERIFY_NONE,
	/* A pattern keyed by (seed, offset); reads compare every byte. */
	FRONTEND_VERIFY_PATTERN,
	/*
	 * Each 4 KiB block a header and a CRC32C (wl_vblock_fill()), its
	 * generation tracked per block; overlapping I/O is serialized when
	 * one of them writes.  Needs I/Os of whole 4 KiB blocks.
	 */
	FRONTEND_VERIFY_CRC32C,
};

/* Detailed verify mismatches kept (the count is always whole). */
#define FRONTEND_VERIFY_DETAILS 8

/* One verify=crc32c mismatch: which field of which block, and how. */
struct frontend_verify_mismatch {
	uint64_t offset_bytes; /* the block's */
	uint64_t expected, actual;
	uint32_t field; /* enum wl_vfield */
};

struct frontend_config {
	unsigned int ring_order;   /* the shared ring's order */
	unsigned int iodepth;	   /* I/Os outstanding at most */
	unsigned int max_segments; /* per direct request, 1..11 */
	unsigned int qd_cap;	   /* port driver's cap on commands handed
				    * to the miniport at once; 0: none */
	unsigned int push_batch;   /* I/Os per push; 1: after every I/O */
	unsigned int tasks;	   /* request contexts; 0: one per ring slot */
	unsigned int indirect_segments; /* per indirect request; 0 or <= 11:
					 * no indirect descriptors */
	enum frontend_submit_path submit_path;
	enum frontend_completion_path completion;
	enum frontend_verify verify; /* 0 (false): none */
	uint64_t verify_seed;
	/* What the actor is wired to; owned by the engine. */
	struct blkif_sring *sring;	  /* initialised by the engine */
	const struct grant_table *grants; /* frontend_grant_pages() pages */
	struct evtchn_port *kick;	  /* frontend -> backend */
	struct wl *workload;
	const struct sim_clock *clock;
	frontend_complete_fn complete;
	void *complete_ctx;
	const struct sim_stamps *stamps; /* the backend's, or NULL */
	struct gate *gate;		 /* the lock model; NULL: no lock */
	struct evtchn_port *handoff;	 /* -> submit worker (worker path) */
	struct evtchn_port *defer;	 /* -> deferred worker (deferred) */
	/*
	 * Persistent grants: the I/Os' data live in their own pages and are
	 * copied into the granted pages before a write is put on the ring,
	 * and out of them when a read is answered (Linux blkfront's bounce).
	 */
	bool grant_copy;
	/*
	 * CPU charged to the clock per unit of work (0: none), for an
	 * engine whose actors' own code costs no time (sim/vengine.h):
	 * per I/O put on the ring, per ring request beyond an I/O's first
	 * (the split), and per response reaped.
	 */
	uint64_t submit_cost_ns, split_cost_ns, reap_cost_ns;
};

struct frontend_stats {
	uint64_t ios_issued, ios_completed, ios_failed;
	uint64_t ring_requests;	    /* requests placed on the ring */
	uint64_t segments;	    /* segments in those requests */
	uint64_t indirect_requests; /* of those, BLKIF_OP_INDIRECT */
	uint64_t kicks_sent;	    /* pushes whose notify check said kick */
	uint64_t kicks_suppressed;  /* pushes the hold-off spared a kick */
	uint64_t irqs;		    /* interrupt handler runs */
	uint64_t responses;
	uint64_t ring_full_stalls; /* times an I/O waited for ring slots */
	uint64_t iodepth_stalls;   /* times the workload waited for iodepth */
	uint64_t qd_cap_stalls;	   /* times an I/O waited for the QD cap */
	uint64_t task_stalls;	   /* times an I/O waited for a task */
	uint64_t pushes;	   /* publications of the request index */
	uint64_t verify_errors;	   /* pattern: bytes read back wrong; crc32c:
				 * blocks */
	uint64_t handoffs;	   /* I/Os put on the internal queue */
	uint64_t handoff_notifies; /* wake-ups sent to the submit worker */
	uint64_t worker_runs;	   /* frontend_submit_worker() calls */
	uint64_t deferred_batches; /* frontend_dpc() calls */
	uint64_t inflight_area_ns; /* integral of I/Os in flight over time */
	/* I/Os completed without error, per bssplit entry drawn. */
	uint64_t bs_ios[WL_BSSPLIT_MAX];
	/*
	 * verify=crc32c: blocks read and checked; blocks read that this run
	 * cannot predict (never written by it and carrying no header, or
	 * last written by a failed write), not checked; and times an I/O
	 * waited for an overlapping I/O (a write for any, a read for a
	 * write) to complete.
	 */
	uint64_t verify_blocks, verify_unwritten, verify_overlap_stalls;
	/*
	 * Open loop (the workload stamps issue times): I/Os issued on a
	 * schedule and how late each was issued past its intended time
	 * (behind a full queue or a slow thread).  Their latency counts
	 * from the intended time, so the wait shows (coordinated omission
	 * corrected).
	 */
	uint64_t sched_ios;
	uint64_t sched_lag_sum_ns, sched_lag_max_ns;
	uint64_t first_submit_ns, last_complete_ns;
	unsigned int inflight; /* at the time of the call */
	bool disabled;	       /* a bad response stopped the device */
	char error[160];       /* why, when disabled */

	/* verify=crc32c: the first mismatches, in the order found. */
	unsigned int verify_nr_details;
	struct frontend_verify_mismatch verify_details[FRONTEND_VERIFY_DETAILS];

	/* Counters again (uint64_t only: the engine sums them as words). */

	/* Persistent grants: bytes copied to and from granted pages. */
	uint64_t grant_copy_bytes;

	/*
	 * Think time (fio's thinktime): think times begun (the last may be
	 * cut short by the end of the run), the CPU spun for them (charged
	 * to the clock) and the time to wait without CPU before issue.  Not
	 * part of any latency.
	 */
	uint64_t think_ios, think_spin_ns, think_wait_ns;
};

/* Most segments per indirect request (the target's iovec limit). */
#define FRONTEND_MAX_INDIRECT 256

/*
 * Pages the grant table must hold for a frontend of @ring_order using up
 * to @indirect_segments per indirect request (0: none).
 */
uint32_t frontend_grant_pages(unsigned int ring_order,
			      unsigned int indirect_segments);

/*
 * Checks @cfg: returns 0, or -EINVAL with a one-line reason in @why.
 * Any thread.
 */
int frontend_config_check(const struct frontend_config *cfg, char *why,
			  size_t why_len);

/* Allocates a frontend over an initialised ring.  0 or -errno. */
int frontend_create(const struct frontend_config *cfg, struct frontend **out);

void frontend_destroy(struct frontend *fe);

/*
 * Takes I/Os from the workload while fewer than iodepth are outstanding
 * (they enter the upper queue, and their latency starts; in open loop not
 * before each I/O's intended time, the first call marking the start of
 * the run; an I/O with think time, once it could enter, first spins
 * think_spin_ns on the clock and then waits out the rest, reported by
 * frontend_next_due_ns(), its latency starting after it), then hands queued I/Os to the miniport while the QD cap, the
 * task pool and the ring allow, pushing every push_batch I/Os and when
 * the queue runs dry.  Returns the number of I/Os put on the ring.  With
 * the worker submit path it hands them, as the QD cap allows, to the
 * internal queue instead and returns the number handed off.  With a gate,
 * a call that found nothing to do skips the gate until a completion.
 * Frontend thread.
 */
unsigned int frontend_submit(struct frontend *fe);

/*
 * When the next I/O is due (on the clock), if the workload is open loop
 * and one is waiting for its time, or one is waiting for the end of its
 * think time; else 0 (nothing scheduled, or the I/O waits for the queue
 * depth or the ring, that is for an interrupt).  The engine bounds its
 * wait by it.  Frontend thread.
 */
uint64_t frontend_next_due_ns(const struct frontend *fe);

/*
 * The interrupt handler.  Completion path irq: reaps and validates every
 * response, completes finished I/Os, and re-arms the response event with
 * the final check; returns the number of responses handled.  Deferred:
 * only notes the time and wakes the deferred worker (no gate, no reap);
 * returns 0.  Frontend thread.
 */
unsigned int frontend_irq(struct frontend *fe);

/*
 * The submit worker's entry (submit path worker): puts the I/Os of the
 * internal queue on the ring while the task pool and the ring allow, and
 * pushes.  Returns the number of I/Os put.  Submit worker's thread.
 */
unsigned int frontend_submit_worker(struct frontend *fe);

/*
 * The deferred worker's entry (completion path deferred): reaps as the
 * interrupt handler would, timing each I/O's completion stage from the
 * last acknowledgement.  Returns the number of responses handled.
 * Deferred worker's thread.
 */
unsigned int frontend_dpc(struct frontend *fe);

/*
 * I/Os completed (or failed) so far, for an engine that must wake the
 * submitting thread when another thread completes: stored with seq_cst
 * after the completions, so a waiter that announces its sleep (seq_cst)
 * and then reads it either sees the change or is woken.  Gated
 * frontends only (0 otherwise).  Any thread.
 */
uint64_t frontend_completions(const struct frontend *fe);

/*
 * Reaps responses without an interrupt (notify mode poll), as the
 * interrupt handler does.  Returns the number handled.  Frontend thread.
 */
unsigned int frontend_reap(struct frontend *fe);

/*
 * The filter routine of a shared interrupt line ("is this mine?"): true
 * if the ring holds responses the handler has not consumed.  Reads the
 * response producer and the consumer only; not with the deferred
 * completion path (its worker moves the consumer).  Frontend thread.
 */
bool frontend_has_responses(const struct frontend *fe);

/* Stops taking I/Os from the workload.  Frontend thread. */
void frontend_stop(struct frontend *fe);

/*
 * True when nothing more will happen: the workload is exhausted or
 * stopped (or the device disabled) and no I/O is in flight.  Frontend.
 */
bool frontend_finished(const struct frontend *fe);

/*
 * The counters so far.  Frontend thread without policy threads, or after
 * every thread that calls the frontend has stopped.
 */
void frontend_stats(const struct frontend *fe, struct frontend_stats *out);

#endif
