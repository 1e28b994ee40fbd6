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
	/*
	 * Optional: a time kept in memory.  When set, the time is *vt_ns and
	 * a charge adds to it, read and written inline with no call (the
	 * virtual-time engine points it at the running actor's time); the
	 * two functions above are then not called.
	 */
	uint64_t *vt_ns;
};

static inline uint64_t sim_now(const struct sim_clock *c)
{
	if (c->vt_ns)
		return *c->vt_ns;
	return c->now_ns(c);
}

static inline void sim_charge(const struct sim_clock *c, uint64_t ns)
{
	if (!ns)
		return;
	if (c->vt_ns)
		*c->vt_ns += ns;
	else
		c->charge_ns(c, ns);
}

#endif
