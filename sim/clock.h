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
	/*
	 * Spends @ns of the calling actor's CPU on a configured cost (a
	 * hypercall, a copy): the thread engine busy-waits that long in the
	 * actor's thread; a virtual-time engine advances the actor's time.
	 */
	void (*charge_ns)(const struct sim_clock *c, uint64_t ns);
};

static inline uint64_t sim_now(const struct sim_clock *c)
{
	return c->now_ns(c);
}

static inline void sim_charge(const struct sim_clock *c, uint64_t ns)
{
	if (ns)
		c->charge_ns(c, ns);
}

#endif
