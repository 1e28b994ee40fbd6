/* SPDX-License-Identifier: MIT */
/*
 * Stage timestamps: simulation instrumentation, not part of blkif.  The
 * backend records, per request id (the frontend's shadow index), when it
 * consumed the request, submitted it to the target, saw it done and
 * responded; the frontend reads them when it takes the response and so
 * splits each I/O's latency into stages that add up to the whole.
 *
 * A backend writes an entry before pushing the response and the frontend
 * reads it after taking the response, so the ring's release/acquire pair
 * orders the two.  An id from a hostile frontend that is out of range is
 * simply not stamped.
 */
#ifndef BLKRING_SIM_STAMPS_H
#define BLKRING_SIM_STAMPS_H

#include <stdint.h>

struct sim_stamps {
	uint64_t consumed_ns;  /* copied out of the ring */
	uint64_t submitted_ns; /* handed to the target (after the flush) */
	uint64_t done_ns;      /* reaped from the target */
	uint64_t responded_ns; /* response written and pushed */
};

/* The stages of one I/O's latency, in order. */
enum sim_stage {
	SIM_STAGE_QUEUE,    /* admitted -> handed off, or put on the ring */
	SIM_STAGE_HANDOFF,  /* handed off -> put on the ring by the submit
			     * worker (its queue and wake-up); 0 if direct */
	SIM_STAGE_RING,	    /* put -> consumed (push, kick, backend wake-up) */
	SIM_STAGE_BACKEND,  /* consumed -> submitted to the target */
	SIM_STAGE_TARGET,   /* submitted -> reaped: the storage */
	SIM_STAGE_RESPONSE, /* reaped -> interrupt handler runs (response
			     * push, coalescing hold, interrupt latency) */
	SIM_STAGE_COMPLETE, /* handler runs -> completed (the handler, or
			     * the acknowledgement and the deferred worker) */
	SIM_STAGES,
};

/* "queue", "handoff", "ring", "backend", "target", "response",
 * "complete". */
const char *sim_stage_name(enum sim_stage s);

#endif
