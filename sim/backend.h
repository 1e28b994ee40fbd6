/* SPDX-License-Identifier: MIT */
/*
 * The backend actor: blkback's per-ring thread.  When kicked it reads the
 * request producer index once, copies each request out of its slot once,
 * validates the copy (operation, segment count, sectors within each page,
 * grant references, the sector range of the disk), answers a bad request
 * with BLKIF_RSP_ERROR (or EOPNOTSUPP for an operation it does not serve),
 * and hands good ones to its target.  It reaps target completions, writes
 * responses and notifies the frontend per the notify check.  A producer
 * index that claims more requests than the ring holds stops the ring, as
 * Linux blkback does; nothing a frontend writes makes it touch memory
 * outside the grant table or bytes outside the disk.
 *
 * Three policies are strategies picked at creation (docs/grants.md): how
 * a request's granted pages are reached (static, map, copy, persistent;
 * the costs charged on the clock), how many requests a pass takes (the
 * budget), and whether responses are pushed one by one or per batch.
 *
 * All calls come from one thread, the backend's.  The actor never blocks
 * or reads a system clock.
 */
#ifndef BLKRING_SIM_BACKEND_H
#define BLKRING_SIM_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/ring.h"
#include "sim/clock.h"
#include "sim/evtchn.h"
#include "sim/grant.h"
#include "sim/stamps.h"
#include "sim/target.h"

struct backend;

/*
 * How the backend reaches the granted pages of a request (docs/grants.md);
 * the strategy is picked at creation.
 */
enum backend_grant_mode {
	BACKEND_GRANTS_STATIC,	   /* all mapped at set-up: no per-I/O work */
	BACKEND_GRANTS_MAP,	   /* map per request, unmap after (blkback) */
	BACKEND_GRANTS_COPY,	   /* copy through a bounce buffer (qdisk) */
	BACKEND_GRANTS_PERSISTENT, /* a cache of mappings, LRU (blkback) */
};

struct backend_config {
	unsigned int ring_order;
	uint64_t disk_bytes; /* requests must stay below this */
	bool read_only;	     /* refuse writes */
	/*
	 * Interrupt coalescing: once an interrupt is due, hold it until
	 * coalesce_count responses are pushed or coalesce_ns have passed
	 * since the first, whichever comes first.  1 and 0: none.
	 */
	unsigned int coalesce_count;
	/*
	 * feature-max-indirect-segments: most segments per indirect request
	 * (at most TARGET_MAX_IOV); 0: BLKIF_OP_INDIRECT is refused.
	 */
	unsigned int max_indirect_segments;
	/* Submit each request to the target at once, not once per pass. */
	bool submit_per_request;
	uint64_t coalesce_ns;
	/* What the actor is wired to; owned by the engine. */
	struct blkif_sring *sring;
	const struct grant_table *grants;
	struct evtchn_port *irq; /* backend -> frontend */
	const struct target_ops *target;
	void *target_state;
	const struct sim_clock *clock;
	struct sim_stamps *stamps; /* per request id, or NULL */
	/*
	 * Grants.  Costs are charged on the backend's clock: a gnttab call
	 * (one per request's batch of maps, of unmaps, or of copies) costs
	 * grant_call_ns plus the per-segment cost.  Copy mode serves direct
	 * requests only (QEMU's qdisk offers no indirect descriptors):
	 * max_indirect_segments must be 0.
	 */
	enum backend_grant_mode grant_mode;
	uint64_t grant_call_ns;	     /* per gnttab call */
	uint64_t grant_map_ns;	     /* per segment mapped */
	uint64_t grant_unmap_ns;     /* per segment unmapped */
	uint64_t grant_copy_ns;	     /* per segment copied, on top of memcpy */
	unsigned int persistent_max; /* persistent: mappings kept (>= 1) */
	/* Requests taken per pass before responding and re-checking; 0: all. */
	unsigned int budget;
	/* Push responses once per reaped batch, not after each one. */
	bool respond_batch;
	/*
	 * Submit an I/O the target refused with -EAGAIN (a transient
	 * refusal) again, up to this many times, before answering it with
	 * an error; 0: never.
	 */
	unsigned int max_retries;
	/*
	 * CPU charged to the clock (0: none), for an engine whose actors'
	 * own code costs no time (sim/vengine.h): per request consumed
	 * (copy, validate, map) and per response written.
	 */
	uint64_t request_cost_ns, response_cost_ns;
	/*
	 * The same, per flush that sends I/O to the target (a submission
	 * system call: one per ring pass, or per request with
	 * submit_per_request), charged before the target sees the I/O.
	 */
	uint64_t flush_cost_ns;
};

struct backend_stats {
	uint64_t kicks;	       /* kicks taken */
	uint64_t passes;       /* consume passes over the ring */
	uint64_t requests;     /* requests copied out of the ring */
	uint64_t bad_requests; /* answered with an error unserved */
	uint64_t unsupported;  /* answered with EOPNOTSUPP */
	uint64_t io_errors;    /* target I/Os that failed */
	uint64_t responses;
	uint64_t irqs_sent; /* pushes whose notify check said notify */
	uint64_t irqs_suppressed;
	uint64_t irqs_coalesced; /* responses that joined a held interrupt */
	unsigned int inflight;	 /* target I/Os outstanding now */
	bool dead;		 /* the ring was stopped */
	char error[160];	 /* why, when dead, or the last bad request */
	/*
	 * Grants (docs/grants.md), the budget and response pushes: counters
	 * again (uint64_t only: the engine sums them as words).
	 */
	uint64_t grant_maps;	   /* segments mapped */
	uint64_t grant_unmaps;	   /* segments unmapped */
	uint64_t grant_calls;	   /* gnttab calls: map, unmap, copy */
	uint64_t grant_copies;	   /* segments copied (copy mode) */
	uint64_t grant_copy_bytes; /* bytes copied (copy mode) */
	uint64_t pgrant_hits;	   /* persistent: found mapped */
	uint64_t pgrant_misses;	   /* persistent: mapped on use */
	uint64_t pgrant_evictions; /* persistent: LRU unmapped for room */
	uint64_t pgrant_uncached;  /* persistent: mapped for one use */
	uint64_t budget_stops;	   /* passes cut short by the budget */
	uint64_t response_pushes;  /* publications of the response index */
	uint64_t retries;	   /* -EAGAIN I/Os submitted again */
	uint64_t flushes;	   /* flushes that sent I/O to the target */
};

/* Allocates a backend over an initialised ring.  0 or -errno. */
int backend_create(const struct backend_config *cfg, struct backend **out);

void backend_destroy(struct backend *be);

/* The event channel delivered a kick: look at the ring.  Backend thread. */
void backend_kick(struct backend *be);

/*
 * If kicked, consumes every request on the ring (and again while the
 * final check finds more), answering bad ones and submitting good ones.
 * With a budget it stops after that many, submits and pushes what it
 * has, and stays kicked so that the next call goes on.  Returns the
 * number of requests consumed.  Backend thread.
 */
unsigned int backend_consume(struct backend *be);

/*
 * Reaps finished target I/Os and answers them (pushing once for all of
 * them when responding per batch).  Returns the number of responses
 * written.  Backend thread.
 */
unsigned int backend_reap(struct backend *be);

/*
 * When the held (coalesced) interrupt must fire, or UINT64_MAX if none is
 * held.  The engine wakes the backend then and calls backend_tick().
 * Backend thread.
 */
uint64_t backend_deadline_ns(const struct backend *be);

/* Fires a held interrupt whose time has come.  Backend thread. */
void backend_tick(struct backend *be);

/* True if the backend has target I/Os in flight.  Backend thread. */
bool backend_busy(const struct backend *be);

/* The counters so far.  Backend thread, or after it has stopped. */
void backend_stats(const struct backend *be, struct backend_stats *out);

#endif
