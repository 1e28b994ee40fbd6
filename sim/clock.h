/* SPDX-License-Identifier: MIT */
/*
 * The clock an engine hands to its actors.  Actors never read a system
 * clock themselves: the thread engine's clock is CLOCK_MONOTONIC, a
 * virtual-time engine's is its event queue, and tests can pass a fake.
 */
#ifndef BLKRING_SIM_CLOCK_H
#define BLKRING_SIM_CLOCK_H

#include <stdint.h>

struct sim_clock {
	/* Nanoseconds on a monotonic time line; called by the actor's thread. */
	uint64_t (*now_ns)(const struct sim_clock *c);
};

static inline uint64_t sim_now(const struct sim_clock *c)
{
	return c->now_ns(c);
}

#endif
