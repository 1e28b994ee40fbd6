/* SPDX-License-Identifier: MIT */
/*
 * The frontend's gate: the lock of the locking model (issue 4).  With
 * --lock=single every entry into the frontend (submission, hand-off,
 * completion) runs under one gate, as an IOKit HBA driver's command gate
 * holds the work-loop lock across issuing commands and handling the
 * interrupt.  A configurable amount of work is done while it is held (the
 * allocation Apple's guide warns against), and every acquisition is
 * measured: how long the caller waited, and how long it held the gate.
 *
 * The gate is a real lock, a pthread mutex or a spinlock; it reads the
 * clock it is handed around the lock, and only when the lock model is on
 * (no gate at all otherwise).  Any thread; gate_stats() after the threads
 * that use it are done.
 */
#ifndef BLKRING_SIM_GATE_H
#define BLKRING_SIM_GATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/clock.h"

/* What kind of lock the gate is. */
enum gate_kind {
	GATE_MUTEX, /* pthread mutex: a waiter may sleep in the kernel */
	GATE_SPIN,  /* test-and-test-and-set spinlock: a waiter burns CPU */
};

struct gate_config {
	enum gate_kind kind;
	uint64_t work_ns; /* CPU spent per acquisition while held */
	const struct sim_clock *clock;
};

struct gate_stats {
	uint64_t acquisitions;
	uint64_t contended; /* acquisitions that found the gate held */
	uint64_t wait_sum_ns, wait_max_ns; /* asking -> holding */
	uint64_t hold_sum_ns, hold_max_ns; /* holding -> released */
};

struct gate {
	pthread_mutex_t mutex;
	atomic_bool spin;
	struct gate_config cfg;
	/* Written only by the holder. */
	uint64_t acquired_ns;
	struct gate_stats st;
};

/* Sets the gate up.  0 or -errno.  Before it is shared. */
int gate_init(struct gate *g, const struct gate_config *cfg);

/* Tears it down.  After every user is done. */
void gate_fini(struct gate *g);

/*
 * Takes the gate, waiting if another thread holds it, then spends the
 * configured work while holding it.  Any thread; not recursive.
 */
void gate_enter(struct gate *g);

/* Releases the gate taken by gate_enter().  The holder. */
void gate_exit(struct gate *g);

/* Copies the counters.  After every user is done (or under the gate). */
void gate_stats(const struct gate *g, struct gate_stats *out);

#endif
