// SPDX-License-Identifier: MIT
/*
 * The simulated event channel.  A port is a pending word holding the send
 * time of the undelivered notification (plus one, so that zero means none)
 * and a sleeping flag for a receiver blocked on an eventfd.
 *
 * Wake-up protocol, in short: the receiver sets "sleeping" and then looks
 * at "pending"; the sender sets "pending" and then looks at "sleeping".
 * Both pairs are sequentially consistent, so at least one side sees the
 * other's store: either the receiver sees the event and does not sleep, or
 * the sender sees the sleeper and writes the eventfd.  No wake-up is lost,
 * and a sender pays for a system call only when a receiver really sleeps.
 */
#include <errno.h>
#include <math.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim/evtchn.h"

const char *evtchn_wait_name(enum evtchn_wait w)
{
	switch (w) {
	case EVTCHN_WAIT_SPIN:
		return "spin";
	case EVTCHN_WAIT_SLEEP:
		return "sleep";
	case EVTCHN_WAIT_HYBRID:
		return "hybrid";
	case EVTCHN_WAIT_BUSYPOLL:
		return "busypoll";
	}
	return "?";
}

void evtchn_config_default(struct evtchn_config *cfg)
{
	*cfg = (struct evtchn_config){
		.latency_ns = 0,
		.dist = EVTCHN_LAT_FIXED,
		.seed = 0x5eed,
		.wait = EVTCHN_WAIT_SPIN,
		.hybrid_margin_ns = 100000,
		.busypoll_ns = 50000,
	};
}

int evtchn_init(struct evtchn_port *p, const struct evtchn_config *cfg)
{
	atomic_init(&p->pending, 0);
	atomic_init(&p->sleeping, 0);
	p->cfg = *cfg;
	p->rng = cfg->seed * 0x9e3779b97f4a7c15ull + 1;
	p->sent = p->merged = p->wakes = 0;
	p->delivered = p->sleeps = p->lag_sum_ns = p->lag_max_ns = 0;
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return p->efd < 0 ? -errno : 0;
}

void evtchn_fini(struct evtchn_port *p)
{
	if (p->efd >= 0)
		close(p->efd);
	p->efd = -1;
}

/* xorshift64*: the sender's latency draws, reproducible from the seed. */
static uint64_t next_random(struct evtchn_port *p)
{
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return p->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t draw_latency(struct evtchn_port *p)
{
	const struct evtchn_config *c = &p->cfg;
	/* Uniform in [0, 1) with 53 bits. */
	double u;

	switch (c->dist) {
	case EVTCHN_LAT_UNIFORM:
		if (c->latency_max_ns <= c->latency_ns)
			return c->latency_ns;
		return c->latency_ns +
		       next_random(p) % (c->latency_max_ns - c->latency_ns + 1);
	case EVTCHN_LAT_EXP:
		u = (double)(next_random(p) >> 11) * 0x1p-53;
		return (uint64_t)(-log1p(-u) * (double)c->latency_ns);
	case EVTCHN_LAT_FIXED:
		break;
	}
	return c->latency_ns;
}

void evtchn_notify(struct evtchn_port *p, uint64_t now_ns)
{
	p->sent++;
	/*
	 * Only this thread makes the word non-zero, so a pending event
	 * found here stays pending until the receiver takes it: merge.  If
	 * the receiver has just taken it, the load still orders correctly:
	 * seq_cst, it pairs with the store in evtchn_poll(), so either it
	 * sees zero or the receiver's later look at the ring sees what we
	 * published before notifying.
	 */
	if (atomic_load_explicit(&p->pending, memory_order_seq_cst)) {
		p->merged++;
		return;
	}
	/*
	 * S1: publish the event; pairs with R2 in evtchn_sleep_begin() (and,
	 * as a release, with the acquire in evtchn_due_ns()).
	 */
	atomic_store_explicit(&p->pending, now_ns + draw_latency(p) + 1,
			      memory_order_seq_cst);
	/* S2: pairs with R1 in evtchn_sleep_begin(). */
	if (atomic_load_explicit(&p->sleeping, memory_order_seq_cst)) {
		uint64_t one = 1;

		p->wakes++;
		/* EAGAIN means the counter is already non-zero: woken. */
		(void)!write(p->efd, &one, sizeof(one));
	}
}

void evtchn_wake(struct evtchn_port *p)
{
	uint64_t one = 1;

	/* A spurious wake-up is harmless: the receiver looks and sleeps. */
	(void)!write(p->efd, &one, sizeof(one));
}

bool evtchn_poll(struct evtchn_port *p, uint64_t now_ns)
{
	uint64_t due = evtchn_due_ns(p);
	uint64_t lag;

	if (due == EVTCHN_NEVER || now_ns < due)
		return false;
	/*
	 * Only we clear the word.  Seq_cst pairs with the sender's load in
	 * evtchn_notify(), see there.
	 */
	atomic_store_explicit(&p->pending, 0, memory_order_seq_cst);
	p->delivered++;
	lag = now_ns - due;
	p->lag_sum_ns += lag;
	if (lag > p->lag_max_ns)
		p->lag_max_ns = lag;
	return true;
}

bool evtchn_sleep_begin(struct evtchn_port *p)
{
	/* R1: pairs with S2 in evtchn_notify(). */
	atomic_store_explicit(&p->sleeping, 1, memory_order_seq_cst);
	/* R2: pairs with S1 in evtchn_notify(). */
	if (atomic_load_explicit(&p->pending, memory_order_seq_cst))
		return false;
	p->sleeps++;
	return true;
}

void evtchn_sleep_end(struct evtchn_port *p)
{
	uint64_t count;

	/* Relaxed: the next sleep_begin's seq_cst store republishes it. */
	atomic_store_explicit(&p->sleeping, 0, memory_order_relaxed);
	while (read(p->efd, &count, sizeof(count)) > 0)
		;
}

void evtchn_stats(const struct evtchn_port *p, struct evtchn_stats *out)
{
	*out = (struct evtchn_stats){
		.sent = p->sent,
		.merged = p->merged,
		.wakes = p->wakes,
		.delivered = p->delivered,
		.sleeps = p->sleeps,
		.lag_sum_ns = p->lag_sum_ns,
		.lag_max_ns = p->lag_max_ns,
	};
}
