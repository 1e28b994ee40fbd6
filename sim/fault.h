/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: a target that wraps another and makes some of its
 * I/Os fail the way storage fails.  The backend sees a target like any
 * other (an ops table and a state), so every fault goes through the same
 * response path as a real one: an I/O error becomes BLKIF_RSP_ERROR and a
 * failed I/O at the frontend, -EAGAIN may be retried by the backend
 * (backend_config.max_retries), a stalled I/O stays in flight until the
 * engine's drain timeout names it.
 *
 * Which I/Os: each I/O is drawn with probability rate_ppm per million from
 * a seeded generator, among those that overlap the region [offset_bytes,
 * offset_bytes + length_bytes) (length 0: to the end of the disk, so the
 * defaults make every I/O eligible), so a run with the same seed and the
 * same I/O order injects the same faults.
 *
 * The kinds:
 *   eio      the I/O completes at once with -EIO; the device is not asked
 *   short    the device does the I/O but reports half of it done (a short
 *            read or write), which the backend answers as an error
 *   eagain   the I/O completes at once with -EAGAIN: a transient refusal
 *   stall    the I/O is taken and never completes (until the target is
 *            closed): a hung device
 *   nospace  a write completes at once with -ENOSPC (a full disk); reads
 *            are not drawn
 *   backend-stop
 *            the I/O goes to the device as usual, and the backend's
 *            thread stops responding from then on (fault_backend_stopped()
 *            turns true): the thread engine stops serving the ring, so a
 *            hung backend, not a hung device; the watchdog names it
 *
 * The wrapper's calls come from the backend's thread, like its target's.
 * No allocation, lock or system call per I/O: the stall list is sized at
 * creation.
 */
#ifndef BLKRING_SIM_FAULT_H
#define BLKRING_SIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/target.h"

enum fault_kind {
	FAULT_NONE,
	FAULT_EIO,
	FAULT_SHORT,
	FAULT_EAGAIN,
	FAULT_STALL,
	FAULT_NOSPACE,
	FAULT_BACKEND_STOP,
	FAULT_NR,
};

struct fault_config {
	enum fault_kind kind;
	uint32_t rate_ppm;     /* I/Os hit per million drawn, 0..1000000 */
	uint64_t offset_bytes; /* the region of eligible I/Os ... */
	uint64_t length_bytes; /* ... and its length; 0: to the end */
	uint64_t seed;
};

struct fault_stats {
	uint64_t ios;	   /* I/Os submitted through the wrapper */
	uint64_t injected; /* of them, hit by the fault */
	uint64_t stalled;  /* held now (stall) */
	uint64_t stopped;  /* 1 once backend-stop has hit */
};

struct fault;

/* Fills @cfg: no fault, 1% when a kind is set, the whole disk, seed 1. */
void fault_config_default(struct fault_config *cfg);

/*
 * Wraps the open target @inner (@inner_state) in a fault injector.  On
 * success *@ops and *@state are the wrapper's, to use in place of the
 * inner target's; the wrapper's fini() closes the inner target too.  Returns 0,
 * or -EINVAL with a reason in @why (rate above a million, unknown kind),
 * or -ENOMEM.  @depth is the most I/Os the caller keeps in flight (the
 * stall list's size).
 */
int fault_create(const struct fault_config *cfg, const struct target_ops *inner,
		 void *inner_state, unsigned int depth,
		 const struct target_ops **ops, struct fault **state, char *why,
		 size_t why_len) __attribute__((warn_unused_result));

/* The counters so far.  The backend's thread, or after it has stopped. */
void fault_stats(const struct fault *f, struct fault_stats *out);

/*
 * Whether backend-stop has hit: the backend's thread must stop serving
 * its ring.  The backend's thread.
 */
bool fault_backend_stopped(const struct fault *f);

/* "none", "eio", ...; "invalid" past the end. */
const char *fault_kind_name(enum fault_kind k);

/* Parses a kind name.  0 or -EINVAL. */
int fault_kind_parse(const char *s, enum fault_kind *out);

#endif
