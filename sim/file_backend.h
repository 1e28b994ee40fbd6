/* SPDX-License-Identifier: MIT */
/*
 * The uring target: a regular file (or, when allowed, a block device)
 * served through io_uring with readv/writev, up to target_config.depth
 * I/Os in flight.  It is used through its ops table, filebe_uring_ops,
 * which sim/target.c registers as "uring"; see sim/target.h for the
 * contract and docs/targets.md for the behaviour.
 *
 * Per I/O it makes no allocation and no system call of its own: submit()
 * takes a preallocated slot and an SQE, flush() and reap() call
 * io_uring_enter through io_uring_submit() and io_uring_submit_and_wait().
 * One state is used by one thread at a time (the backend's).
 */
#ifndef BLKRING_SIM_FILE_BACKEND_H
#define BLKRING_SIM_FILE_BACKEND_H

#include <stdint.h>

#include "sim/target.h"

/* The "uring" target's ops table. */
extern const struct target_ops filebe_uring_ops;

/* Counters of one uring target state, since init. */
struct filebe_stats {
	uint64_t submitted;	   /* I/Os accepted by submit() */
	uint64_t completed;	   /* I/Os handed back by reap() */
	uint64_t short_resubmits;  /* remainders sent after a short transfer */
	uint64_t eagain_resubmits; /* I/Os sent again after -EAGAIN */
	uint64_t enter_calls;	   /* io_uring_enter calls made */
};

/*
 * Copies the counters of a state made by filebe_uring_ops.init into *out.
 * The thread that owns the target.
 */
void filebe_get_stats(void *state, struct filebe_stats *out);

#endif
