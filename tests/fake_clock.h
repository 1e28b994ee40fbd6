/* SPDX-License-Identifier: MIT */
/*
 * The fake clock of the actor tests: time moves when a test sets
 * fake_now, when an actor charges a cost (sim_charge(), also summed in
 * fake_charged), and by FAKE_CLOCK_TICK_NS on every read, so that stamps
 * taken one after another differ.  Define FAKE_CLOCK_TICK_NS before the
 * include for a ticking clock; the default is a still one.  One clock per
 * test program, used from the test thread only.
 */
#ifndef BLKRING_TESTS_FAKE_CLOCK_H
#define BLKRING_TESTS_FAKE_CLOCK_H

#include <stdint.h>

#include "sim/clock.h"

#ifndef FAKE_CLOCK_TICK_NS
#define FAKE_CLOCK_TICK_NS 0
#endif

static uint64_t fake_now;
static uint64_t fake_charged __attribute__((unused)); /* every charge */

static uint64_t fake_clock_now(const struct sim_clock *c)
{
	(void)c;
	return fake_now += FAKE_CLOCK_TICK_NS;
}

static void fake_clock_charge(const struct sim_clock *c, uint64_t ns)
{
	(void)c;
	fake_now += ns;
	fake_charged += ns;
}

static const struct sim_clock fake_clock __attribute__((unused)) = {
	.now_ns = fake_clock_now,
	.charge_ns = fake_clock_charge,
};

#endif
