/* SPDX-License-Identifier: MIT */
/*
 * The simulated event channel: one port carries notifications in one
 * direction (frontend -> backend kicks, or backend -> frontend interrupts).
 *
 * A notification carries its due time: send time plus a latency drawn
 * from the configured distribution.  The receiver does not see it before.  Notifications sent while one
 * is already pending merge into it, as a Xen event channel's pending bit
 * does (libuv's async handle is the model): the receiver sees one event
 * dated by the first of them.
 *
 * The sender's thread calls evtchn_notify(); the receiver's thread calls
 * evtchn_poll() and, to sleep, evtchn_sleep_begin()/evtchn_sleep_end()
 * around a wait on evtchn_fd().  One sender and one receiver per port.  No
 * call reads the clock: the caller passes the time, so the same port works
 * under any engine.
 */
#ifndef BLKRING_SIM_EVTCHN_H
#define BLKRING_SIM_EVTCHN_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* When a producer notifies its consumer after publishing. */
enum evtchn_notify_mode {
	EVTCHN_NOTIFY_EVENT,  /* Xen's event-index hold-off (the default) */
	EVTCHN_NOTIFY_ALWAYS, /* every push notifies: suppression off */
	EVTCHN_NOTIFY_POLL,   /* never: the consumer polls the ring */
};

/* How a receiver with nothing to do waits for a notification. */
enum evtchn_wait {
	EVTCHN_WAIT_SPIN,   /* poll in a loop: accurate, burns the vCPU */
	EVTCHN_WAIT_SLEEP,  /* block in the kernel until woken */
	EVTCHN_WAIT_HYBRID, /* block, but spin the last margin before a due
			     * notification */
	/* Poll for the first busypoll_ns of an idle spell, then block
	 * (Linux's busy_poll, NAPI). */
	EVTCHN_WAIT_BUSYPOLL,
};

/* How the delivery latency of each notification is drawn. */
enum evtchn_latency_dist {
	EVTCHN_LAT_FIXED,   /* latency_ns, always */
	EVTCHN_LAT_UNIFORM, /* uniform in [latency_ns, latency_max_ns] */
	EVTCHN_LAT_EXP,	    /* exponential with mean latency_ns */
};

struct evtchn_config {
	uint64_t latency_ns; /* send -> earliest delivery (or mean) */
	enum evtchn_latency_dist dist;
	uint64_t latency_max_ns; /* uniform: upper bound */
	uint64_t seed;		 /* of the latency draws */
	uint64_t cost_ns;	 /* CPU the sender pays per notification */
	enum evtchn_notify_mode notify;
	enum evtchn_wait wait;	   /* receiver's wait policy */
	uint64_t hybrid_margin_ns; /* hybrid: spin this long before due */
	uint64_t busypoll_ns;	   /* busypoll: poll this long, then sleep */
};

/* Counters of one port; each half is written by one thread only. */
struct evtchn_stats {
	/* Sender's. */
	uint64_t sent;	 /* evtchn_notify() calls */
	uint64_t merged; /* of those, into an already pending event */
	uint64_t wakes;	 /* of those, that had to wake a sleeping receiver */
	/* Receiver's. */
	uint64_t delivered;  /* events seen by evtchn_poll() */
	uint64_t sleeps;     /* evtchn_sleep_begin() calls that slept */
	uint64_t lag_sum_ns; /* delivery time - due time, summed */
	uint64_t lag_max_ns;
};

struct evtchn_port {
	/* Shared: due time + 1 of the pending event, 0 when none. */
	alignas(64) _Atomic uint64_t pending;
	/* Shared: the receiver is (about to be) asleep on efd. */
	_Atomic uint32_t sleeping;
	int efd; /* eventfd a sleeping receiver waits on */
	struct evtchn_config cfg;
	/* Sender's private state and counters. */
	alignas(64) uint64_t rng;
	uint64_t sent, merged, wakes;
	/* Receiver's private counters. */
	alignas(64) uint64_t delivered, sleeps, lag_sum_ns, lag_max_ns;
};

/* Returns the name of a wait policy ("spin", "sleep", "hybrid",
 * "busypoll"). */
const char *evtchn_wait_name(enum evtchn_wait w);

/* Fills @cfg with the defaults: latency 0 fixed, no cost, spin, margin
 * 100 us, busy-poll 50 us. */
void evtchn_config_default(struct evtchn_config *cfg);

/* Sets up a port.  Returns 0 or -errno (eventfd).  Before sharing. */
int evtchn_init(struct evtchn_port *p, const struct evtchn_config *cfg);

/* Releases the port's eventfd.  After both threads are done. */
void evtchn_fini(struct evtchn_port *p);

/*
 * Sends a notification at @now_ns, due after a latency drawn per the
 * configuration; merges into a pending one (which keeps its due time).
 * Wakes the receiver (one eventfd write, a system call) only if it
 * sleeps.  The caller charges cfg.cost_ns to its own clock.  Sender only.
 */
void evtchn_notify(struct evtchn_port *p, uint64_t now_ns);

/* What evtchn_due_ns() returns when nothing is pending. */
#define EVTCHN_NEVER UINT64_MAX

/*
 * Time at which the pending notification becomes visible, or EVTCHN_NEVER
 * if none is pending.  Receiver thread.
 */
static inline uint64_t evtchn_due_ns(const struct evtchn_port *p)
{
	/* Acquire: pairs with the store S1 in evtchn_notify(). */
	uint64_t stamp =
		atomic_load_explicit(&p->pending, memory_order_acquire);

	return stamp ? stamp - 1 : EVTCHN_NEVER;
}

/*
 * Consumes the pending notification if it is due at @now_ns.  Returns
 * true if one was delivered.  Receiver thread only.
 */
bool evtchn_poll(struct evtchn_port *p, uint64_t now_ns);

/*
 * Announces that the receiver is about to sleep on evtchn_fd().  Returns
 * false, and the receiver must not sleep, if a notification is already
 * pending.  Call evtchn_sleep_end() after the wait either way.  Receiver.
 */
bool evtchn_sleep_begin(struct evtchn_port *p);

/*
 * Wakes the receiver if it sleeps, without a notification: for the engine
 * to end a run.  Any thread.
 */
void evtchn_wake(struct evtchn_port *p);

/* Ends a sleep: clears the flag and drains the eventfd.  Receiver. */
void evtchn_sleep_end(struct evtchn_port *p);

/* The eventfd to wait on between sleep_begin and sleep_end.  Receiver. */
static inline int evtchn_fd(const struct evtchn_port *p)
{
	return p->efd;
}

/* Copies the counters.  After both threads are done. */
void evtchn_stats(const struct evtchn_port *p, struct evtchn_stats *out);

#endif
