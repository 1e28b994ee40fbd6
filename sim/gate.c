// SPDX-License-Identifier: MIT
/*
 * The gate (see gate.h).  The counters are written by the holder only,
 * so the lock itself orders every update to them.
 *
 * Wait time, in short: the clock is read before asking for the lock and
 * after getting it; the difference is the wait, including the lock's own
 * cost when uncontended (two clock reads and an atomic, tens of ns).
 * "Contended" counts the acquisitions whose first try failed.
 */
#include <errno.h>
#include <string.h>

#include "sim/gate.h"

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

int gate_init(struct gate *g, const struct gate_config *cfg)
{
	int rc;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	atomic_init(&g->spin, false);
	rc = pthread_mutex_init(&g->mutex, NULL);
	return -rc;
}

void gate_fini(struct gate *g)
{
	pthread_mutex_destroy(&g->mutex);
}

/* Takes the lock; returns true if the first try found it held. */
static bool take(struct gate *g)
{
	if (g->cfg.kind == GATE_MUTEX) {
		if (pthread_mutex_trylock(&g->mutex) == 0)
			return false;
		pthread_mutex_lock(&g->mutex);
		return true;
	}
	/* Acquire: pairs with the release in gate_exit(). */
	if (!atomic_exchange_explicit(&g->spin, true, memory_order_acquire))
		return false;
	do {
		/* Relaxed: only a hint to try again; the exchange orders. */
		while (atomic_load_explicit(&g->spin, memory_order_relaxed))
			cpu_relax();
	} while (
		atomic_exchange_explicit(&g->spin, true, memory_order_acquire));
	return true;
}

void gate_enter(struct gate *g)
{
	uint64_t asked = sim_now(g->cfg.clock), wait;
	bool contended = take(g);

	g->acquired_ns = sim_now(g->cfg.clock);
	wait = g->acquired_ns - asked;
	g->st.acquisitions++;
	g->st.contended += contended;
	g->st.wait_sum_ns += wait;
	if (wait > g->st.wait_max_ns)
		g->st.wait_max_ns = wait;
	/* The work done under the lock (an allocation, say). */
	sim_charge(g->cfg.clock, g->cfg.work_ns);
}

void gate_exit(struct gate *g)
{
	uint64_t hold = sim_now(g->cfg.clock) - g->acquired_ns;

	g->st.hold_sum_ns += hold;
	if (hold > g->st.hold_max_ns)
		g->st.hold_max_ns = hold;
	if (g->cfg.kind == GATE_MUTEX)
		pthread_mutex_unlock(&g->mutex);
	else
		/* Release: pairs with the acquire in take(). */
		atomic_store_explicit(&g->spin, false, memory_order_release);
}

void gate_stats(const struct gate *g, struct gate_stats *out)
{
	*out = g->st;
}
