// SPDX-License-Identifier: MIT
/*
 * The thread engine (see engine.h).  A thread per actor: a frontend
 * thread per vCPU (one per queue, or one for all the devices), a backend
 * thread per lane, and the caller's thread waiting for them.  All waiting
 * and clock reading of a run happens here, never in an actor.
 *
 * Waiting, in short: a thread with nothing to do and a notification
 * pending but not yet due (the simulated latency) sleeps until it is due
 * (sleep), sleeps until a margin before and spins the rest (hybrid), or
 * spins (spin).  With nothing pending, sleep and hybrid block on the
 * port's eventfd, and the backend also on its target's completion fd;
 * spin keeps polling.  Busypoll polls (yielding the CPU) for the first
 * --busypoll-time of each idle spell (a spell ends when the thread does
 * work), then waits as sleep does, like a NAPI busy-poll.  Every sleep
 * is bounded by 100 ms so that the end of a run is noticed, as
 * blkback's thread wakes every LRU_INTERVAL.  A
 * frontend thread with several devices waits on all their interrupt
 * ports at once.
 *
 * The frontend's policy threads (docs/policies.md), only when configured:
 * a submit worker (blkring-fe-sub) woken through the handoff port, and a
 * deferred-completion worker (blkring-fe-dpc) woken through the defer
 * port.  Both ports have no latency and wait per the same policy, so the
 * hand-off costs what a real wake-up costs.  A worker that completes I/Os
 * wakes the frontend thread if it sleeps (see frontend_completions()).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "sim/engine.h"
#include "sim/engine_internal.h"

#define SLEEP_CAP_NS 100000000ull /* 100 ms */

struct vcpu;

/*
 * A lane: one ring and everything on its two ends.  Set up before any
 * thread starts; afterwards each field is used by the threads its
 * comment names.
 */
struct lane {
	struct engine *e;
	struct vcpu *v; /* the frontend thread that drives it */
	unsigned int idx;
	unsigned int up; /* set-up steps done, for lane_fini() */
	unsigned int iodepth;
	struct blkif_sring *sring;
	struct sim_stamps *stamps; /* per request id */
	struct grant_table grants;
	struct evtchn_port kick, irq;
	const struct target_ops *target; /* the config's, or a fault wrapper */
	void *target_state;
	struct fault *fault; /* the wrapper, or NULL */
	struct wl *wl;
	struct frontend *fe;
	struct backend *be;
	/* The frontend's policy threads and what they share. */
	struct evtchn_port handoff, defer;
	struct gate gate;
	pthread_t back, sub, dpc;
	bool back_on, sub_on, dpc_on; /* threads started */
	uint64_t fe_seen; /* frontend thread: completions before its pass */
	/* Written by each thread before it exits, read after join. */
	uint64_t be_cpu_ns, sub_cpu_ns, dpc_cpu_ns;
};

/* A frontend thread (a guest vCPU) and the lanes it drives. */
struct vcpu {
	struct engine *e;
	struct lane *lanes[ENGINE_MAX_LANES];
	unsigned int n;
	struct irqline line;
	pthread_t thread;
	bool on;
	atomic_bool done; /* the thread has left */
	/* Written by the thread before it exits, read after join. */
	uint64_t cpu_ns, end_ns;
	uint64_t sleeps; /* waits for an interrupt that slept */
	bool interrupted, drain_timeout, stuck;
};

struct engine {
	const struct engine_config *cfg;
	struct sim_clock clock;
	bool gated, sub_on, dpc_on; /* the policies, per lane */
	atomic_bool be_dead;	    /* a backend stopped its ring */
	uint64_t deadline_ns;
	uint64_t disk_bytes;
	struct wl_config wl; /* the whole region, size resolved */
	unsigned int nr_lanes, nr_vcpus;
	struct lane lanes[ENGINE_MAX_LANES];
	struct vcpu vcpus[ENGINE_MAX_LANES];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t engine_clock(const struct sim_clock *c)
{
	(void)c;
	return mono_ns();
}

/* A configured cost is CPU burnt in the paying thread. */
static void engine_charge(const struct sim_clock *c, uint64_t ns)
{
	uint64_t until = mono_ns() + ns;

	(void)c;
	while (mono_ns() < until)
		;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void sleep_until(uint64_t t_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t_ns / 1000000000ull),
		.tv_nsec = (long)(t_ns % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * Sleeps until @t_ns, the due time of a notification pending on one of
 * @ports.  With one port, a plain sleep.  With several, the ports with
 * nothing pending announce the sleep and wake it, so that another
 * device's notification is not held up by the first one's latency.
 */
static void sleep_ports_until(struct evtchn_port *const *ports, unsigned int n,
			      uint64_t t_ns)
{
	struct pollfd fds[ENGINE_MAX_LANES];
	struct evtchn_port *begun[ENGINE_MAX_LANES];
	unsigned int nb = 0;
	bool asleep = true;
	uint64_t now, timeout;
	struct timespec ts;

	if (n == 1) {
		sleep_until(t_ns);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (evtchn_due_ns(ports[i]) != EVTCHN_NEVER)
			continue;
		begun[nb] = ports[i];
		fds[nb++] = (struct pollfd){ .fd = evtchn_fd(ports[i]),
					     .events = POLLIN };
		asleep &= evtchn_sleep_begin(ports[i]);
	}
	now = mono_ns();
	if (asleep && t_ns > now) {
		timeout = t_ns - now;
		ts.tv_sec = (time_t)(timeout / 1000000000ull);
		ts.tv_nsec = (long)(timeout % 1000000000ull);
		ppoll(fds, nb, &ts, NULL);
	}
	for (unsigned int i = 0; i < nb; i++)
		evtchn_sleep_end(begun[i]);
}

/*
 * Busypoll: whether the thread is still in the polling part of its idle
 * spell.  *@idle_ns is when the spell began, 0 when the thread has just
 * done work (its caller clears it then).
 */
static bool busypolling(const struct evtchn_config *ec, uint64_t *idle_ns,
			uint64_t now)
{
	if (ec->wait != EVTCHN_WAIT_BUSYPOLL)
		return false;
	if (!*idle_ns)
		*idle_ns = now;
	return now - *idle_ns < ec->busypoll_ns;
}

/*
 * Waits for any of @ports (@n of them) per the policy, never past
 * @limit_ns.  @extra_fd (or -1) is a target completion fd to wake on as
 * well; @recheck (or NULL), called after the fd is cleared and before
 * sleeping, returns true if work turned up.  *@idle_ns is the calling
 * thread's idle-spell start (see busypolling()).  Returns true if the
 * thread slept waiting for a notification (not for a due time).
 */
static bool wait_for(const struct engine *e, struct evtchn_port *const *ports,
		     unsigned int n, int extra_fd, bool (*recheck)(void *),
		     void *arg, uint64_t limit_ns, uint64_t *idle_ns)
{
	const struct evtchn_config *ec = &e->cfg->evtchn;
	uint64_t now = mono_ns(), due = EVTCHN_NEVER, timeout;
	struct pollfd fds[ENGINE_MAX_LANES + 1];
	unsigned int nfds = 0;
	bool asleep = true;
	struct timespec ts;

	/* Polling the ring means no notification will come: spin. */
	if (ec->wait == EVTCHN_WAIT_SPIN || ec->notify == EVTCHN_NOTIFY_POLL ||
	    now >= limit_ns) {
		cpu_relax();
		return false;
	}
	/*
	 * Busy-polling gives the CPU up to a runnable thread, as NAPI's
	 * busy-poll loop stops at need_resched(): a peer woken onto this
	 * CPU would otherwise wait out a time slice for its turn.
	 */
	if (busypolling(ec, idle_ns, now)) {
		sched_yield();
		return false;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t d = evtchn_due_ns(ports[i]);

		if (d < due)
			due = d;
	}
	if (due != EVTCHN_NEVER) {
		/* Pending but not yet due: the simulated latency. */
		if (ec->wait == EVTCHN_WAIT_HYBRID) {
			if (due > now + ec->hybrid_margin_ns)
				sleep_ports_until(ports, n,
						  due - ec->hybrid_margin_ns);
			else
				cpu_relax();
		} else if (due > now) {
			sleep_ports_until(ports, n, due);
		}
		return false;
	}
	/* Every port announces the sleep; one found pending cancels it. */
	for (unsigned int i = 0; i < n; i++) {
		asleep &= evtchn_sleep_begin(ports[i]);
		fds[nfds++] = (struct pollfd){ .fd = evtchn_fd(ports[i]),
					       .events = POLLIN };
	}
	if (extra_fd >= 0)
		fds[nfds++] =
			(struct pollfd){ .fd = extra_fd, .events = POLLIN };
	if (asleep) {
		bool work = false;

		if (extra_fd >= 0)
			target_wait_fd_clear(extra_fd);
		if (recheck)
			work = recheck(arg);
		if (!work) {
			timeout = limit_ns - now;
			if (timeout > SLEEP_CAP_NS)
				timeout = SLEEP_CAP_NS;
			ts.tv_sec = (time_t)(timeout / 1000000000ull);
			ts.tv_nsec = (long)(timeout % 1000000000ull);
			ppoll(fds, nfds, &ts, NULL);
		}
		asleep = !work;
	}
	for (unsigned int i = 0; i < n; i++)
		evtchn_sleep_end(ports[i]);
	return asleep;
}

static void wait_for_port(const struct engine *e, struct evtchn_port *port,
			  int extra_fd, bool (*recheck)(void *), void *arg,
			  uint64_t limit_ns, uint64_t *idle_ns)
{
	wait_for(e, &port, 1, extra_fd, recheck, arg, limit_ns, idle_ns);
}

/*
 * Names the calling thread and pins it to CPU @base + @k (wrapping at the
 * CPUs online), so that queue k's threads spread from @base; -1: not
 * pinned.
 */
static void setup_thread(const struct engine *e, const char *name, int base,
			 unsigned int k)
{
	pthread_setname_np(pthread_self(), name);
	if (base >= 0) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		long cpu = base + (long)k;
		cpu_set_t set;

		if (k && online > 0)
			cpu %= online;
		CPU_ZERO(&set);
		CPU_SET((int)cpu, &set);
		/* Best effort: an absent CPU leaves the thread unpinned. */
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	/* Sleeps are only as faithful as the timer slack allows. */
	if (e->cfg->evtchn.wait != EVTCHN_WAIT_SPIN)
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
}

/*
 * A thread's name: @one with one lane ("blkring-front"), @many and the
 * lane's index with several ("blkring-fe3"), within the 15 characters
 * Linux allows.
 */
static void thread_name(const struct engine *e, const char *one,
			const char *many, unsigned int idx, char *buf,
			size_t len)
{
	if (e->nr_lanes > 1)
		snprintf(buf, len, "%s%u", many, idx);
	else
		snprintf(buf, len, "%s", one);
}

/*
 * With policy threads, another thread may complete I/Os (and so free
 * room to submit) while the frontend thread is about to sleep: its
 * announcement (seq_cst, evtchn_sleep_begin()) and this load pair with
 * the completions store and the sleeping load in wake_submitter().
 */
static bool frontend_recheck(void *arg)
{
	struct vcpu *v = arg;

	for (unsigned int i = 0; i < v->n; i++)
		if (frontend_completions(v->lanes[i]->fe) !=
		    v->lanes[i]->fe_seen)
			return true;
	return false;
}

/* The interrupt line's view of a frontend: its filter and its handler. */
static bool lane_filter(void *arg)
{
	return frontend_has_responses(((struct lane *)arg)->fe);
}

static unsigned int lane_handler(void *arg)
{
	return frontend_irq(((struct lane *)arg)->fe);
}

static bool vcpu_finished(const struct vcpu *v)
{
	for (unsigned int i = 0; i < v->n; i++)
		if (!frontend_finished(v->lanes[i]->fe))
			return false;
	return true;
}

/* The earliest open-loop due time of the vCPU's frontends, or 0. */
static uint64_t vcpu_next_due_ns(const struct vcpu *v)
{
	uint64_t due = 0;

	for (unsigned int i = 0; i < v->n; i++) {
		uint64_t d = frontend_next_due_ns(v->lanes[i]->fe);

		if (d && (!due || d < due))
			due = d;
	}
	return due;
}

static void *frontend_thread(void *arg)
{
	struct vcpu *v = arg;
	struct engine *e = v->e;
	const struct engine_config *cfg = e->cfg;
	struct evtchn_port *ports[ENGINE_MAX_LANES];
	bool stopping = false;
	uint64_t stop_ns = 0, progress_ns = mono_ns(), idle_ns = 0;
	char name[16];

	thread_name(e, "blkring-front", "blkring-fe", v->lanes[0]->idx, name,
		    sizeof(name));
	setup_thread(e, name, cfg->frontend_cpu, (unsigned int)(v - e->vcpus));
	for (unsigned int i = 0; i < v->n; i++)
		ports[i] = &v->lanes[i]->irq;
	for (;;) {
		uint64_t now = mono_ns(), limit, due;
		unsigned int did = 0;

		if (!stopping) {
			bool intr = cfg->interrupt &&
				    atomic_load_explicit(cfg->interrupt,
							 memory_order_relaxed);

			if (intr || now >= e->deadline_ns ||
			    atomic_load_explicit(&e->be_dead,
						 memory_order_relaxed)) {
				for (unsigned int i = 0; i < v->n; i++)
					frontend_stop(v->lanes[i]->fe);
				v->interrupted = intr;
				stopping = true;
				stop_ns = now;
			}
		}
		for (unsigned int i = 0; i < v->n; i++) {
			struct lane *l = v->lanes[i];

			if (e->gated)
				l->fe_seen = frontend_completions(l->fe);
			did += frontend_submit(l->fe);
		}
		did += irqline_poll(&v->line, mono_ns());
		if (cfg->evtchn.notify == EVTCHN_NOTIFY_POLL)
			for (unsigned int i = 0; i < v->n; i++)
				did += frontend_reap(v->lanes[i]->fe);
		if (vcpu_finished(v))
			break;
		if (stopping &&
		    (now - stop_ns > cfg->drain_timeout_ns ||
		     atomic_load_explicit(&e->be_dead, memory_order_relaxed))) {
			v->drain_timeout = true;
			break;
		}
		if (did) {
			progress_ns = now;
			idle_ns = 0;
			continue;
		}
		/* Nothing issued or completed for too long: stuck. */
		if (cfg->watchdog_ns && now - progress_ns > cfg->watchdog_ns &&
		    (vcpu_next_due_ns(v) == 0 || vcpu_next_due_ns(v) <= now)) {
			v->stuck = v->drain_timeout = true;
			break;
		}
		limit = stopping ? stop_ns + cfg->drain_timeout_ns :
				   e->deadline_ns;
		if (cfg->watchdog_ns && progress_ns + cfg->watchdog_ns < limit)
			limit = progress_ns + cfg->watchdog_ns + 1;
		/*
		 * Open loop: wake for the next I/O's intended time; closer
		 * than the hybrid margin, spin (a sleep that short would
		 * wake late and put the schedule behind).
		 */
		due = vcpu_next_due_ns(v);
		if (due && due < limit) {
			if (due <= mono_ns() + cfg->evtchn.hybrid_margin_ns) {
				cpu_relax();
				continue;
			}
			limit = due - cfg->evtchn.hybrid_margin_ns;
		}
		v->sleeps += wait_for(e, ports, v->n, -1,
				      e->gated ? frontend_recheck : NULL, v,
				      limit, &idle_ns);
	}
	v->end_ns = mono_ns();
	v->cpu_ns = thread_cpu_ns();
	atomic_store_explicit(&v->done, true, memory_order_release);
	/* The backends may sleep with nothing left to do: end their wait. */
	for (unsigned int i = 0; i < v->n; i++) {
		struct lane *l = v->lanes[i];

		evtchn_wake(&l->kick);
		if (e->sub_on)
			evtchn_wake(&l->handoff);
		if (e->dpc_on)
			evtchn_wake(&l->defer);
	}
	return NULL;
}

/*
 * Wakes the frontend thread after a worker completed I/Os, if it sleeps.
 * Seq_cst: pairs with frontend_recheck() (the completions were stored
 * seq_cst before the worker left the gate).
 */
static void wake_submitter(struct lane *l, uint64_t before)
{
	if (frontend_completions(l->fe) != before &&
	    atomic_load_explicit(&l->irq.sleeping, memory_order_seq_cst))
		evtchn_wake(&l->irq);
}

static bool lane_done(const struct lane *l)
{
	return atomic_load_explicit(&l->v->done, memory_order_acquire);
}

/* The submit worker: puts what the frontend thread handed off on the ring. */
static void *submit_worker_thread(void *arg)
{
	struct lane *l = arg;
	struct engine *e = l->e;
	uint64_t idle_ns = 0;
	char name[16];

	thread_name(e, "blkring-fe-sub", "blkring-sub", l->idx, name,
		    sizeof(name));
	setup_thread(e, name, e->cfg->frontend_cpu,
		     (unsigned int)(l->v - e->vcpus));
	while (!lane_done(l)) {
		uint64_t before = frontend_completions(l->fe);

		if (!evtchn_poll(&l->handoff, mono_ns())) {
			wait_for_port(e, &l->handoff, -1, NULL, NULL,
				      UINT64_MAX, &idle_ns);
			continue;
		}
		idle_ns = 0;
		frontend_submit_worker(l->fe);
		/* A disabled device completes everything here. */
		wake_submitter(l, before);
	}
	l->sub_cpu_ns = thread_cpu_ns();
	return NULL;
}

/* The deferred worker (DPC): reaps and completes after an acknowledgement. */
static void *dpc_thread(void *arg)
{
	struct lane *l = arg;
	struct engine *e = l->e;
	uint64_t idle_ns = 0;
	char name[16];

	thread_name(e, "blkring-fe-dpc", "blkring-dpc", l->idx, name,
		    sizeof(name));
	setup_thread(e, name, e->cfg->frontend_cpu,
		     (unsigned int)(l->v - e->vcpus));
	while (!lane_done(l)) {
		uint64_t before = frontend_completions(l->fe);

		if (!evtchn_poll(&l->defer, mono_ns())) {
			wait_for_port(e, &l->defer, -1, NULL, NULL, UINT64_MAX,
				      &idle_ns);
			continue;
		}
		idle_ns = 0;
		frontend_dpc(l->fe);
		wake_submitter(l, before);
	}
	l->dpc_cpu_ns = thread_cpu_ns();
	return NULL;
}

static bool backend_recheck(void *arg)
{
	return backend_reap(arg) > 0;
}

static void *backend_thread(void *arg)
{
	struct lane *l = arg;
	struct engine *e = l->e;
	int target_fd = l->target->wait_fd(l->target_state);
	uint64_t idle_ns = 0;
	char name[16];

	thread_name(e, "blkring-back", "blkring-be", l->idx, name,
		    sizeof(name));
	setup_thread(e, name, e->cfg->backend_cpu, l->idx);
	for (;;) {
		struct backend_stats st;
		unsigned int did;

		if (evtchn_poll(&l->kick, mono_ns()) ||
		    e->cfg->evtchn.notify == EVTCHN_NOTIFY_POLL)
			backend_kick(l->be);
		did = backend_consume(l->be) + backend_reap(l->be);
		backend_tick(l->be);
		if (l->fault && fault_backend_stopped(l->fault)) {
			/*
			 * --fault=backend-stop: this thread stops serving
			 * the ring (no requests taken, no completions
			 * reaped, no responses) until the frontend leaves,
			 * which the watchdog or the drain timeout makes it.
			 */
			while (!lane_done(l))
				sleep_until(mono_ns() + SLEEP_CAP_NS / 10);
			break;
		}
		backend_stats(l->be, &st);
		if (st.dead) {
			atomic_store_explicit(&e->be_dead, true,
					      memory_order_relaxed);
			break;
		}
		if (did) {
			idle_ns = 0;
			continue;
		}
		/*
		 * The frontend has left: all its I/O answered, or it gave up
		 * on what is still at the target (drain timeout, interrupt),
		 * which the target's fini waits for or, stalled, abandons.
		 */
		if (lane_done(l))
			break;
		/* A held interrupt bounds the wait. */
		if (backend_busy(l->be))
			wait_for_port(e, &l->kick, target_fd, backend_recheck,
				      l->be, backend_deadline_ns(l->be),
				      &idle_ns);
		else
			wait_for_port(e, &l->kick, -1, NULL, NULL,
				      backend_deadline_ns(l->be), &idle_ns);
	}
	l->be_cpu_ns = thread_cpu_ns();
	return NULL;
}

void engine_config_default(struct engine_config *cfg)
{
	*cfg = (struct engine_config){
		.ring_order = 0,
		.iodepth = 32,
		.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.push_batch = 1,
		.coalesce_count = 1,
		.backend_max_indirect = 256,
		.runtime_ns = 0,
		.drain_timeout_ns = 10000000000ull,
		.watchdog_ns = 10000000000ull,
		.frontend_cpu = -1,
		.backend_cpu = -1,
		.persistent_max = 1056,
		.queues = 1,
		.devices = 1,
	};
	wl_config_default(&cfg->workload);
	target_config_default(&cfg->target_cfg);
	evtchn_config_default(&cfg->evtchn);
	fault_config_default(&cfg->fault);
}

/* What the backend advertises: none with grant copy (QEMU's qdisk). */
static unsigned int backend_max_indirect(const struct engine_config *cfg)
{
	return cfg->grant_mode == BACKEND_GRANTS_COPY ?
		       0 :
		       cfg->backend_max_indirect;
}

/* The largest I/O the workload makes: the unit of a lane's slice. */
static uint64_t largest_io(const struct wl_config *wc)
{
	uint64_t bs = wc->bs_bytes;

	if (wc->nbssplit) {
		bs = 0;
		for (unsigned int i = 0; i < wc->nbssplit; i++)
			if (wc->bssplit[i].bs_bytes > bs)
				bs = wc->bssplit[i].bs_bytes;
	} else if (wc->bs_max_bytes > bs) {
		bs = wc->bs_max_bytes;
	}
	return bs ? bs : WL_SECTOR_BYTES;
}

int engine_lane_workload(const struct wl_config *all, unsigned int lane,
			 unsigned int lanes, struct wl_config *out, char *why,
			 size_t why_len)
{
	uint64_t unit = largest_io(all), blocks, base, rem, first, count;
	uint64_t start, end, units;

	*out = *all;
	if (lanes <= 1)
		return 0;
	if (lane >= lanes) {
		snprintf(why, why_len, "lane %u of %u", lane, lanes);
		return -EINVAL;
	}
	if (all->trace) {
		snprintf(why, why_len,
			 "a trace is one stream: replay it with one queue and "
			 "one device (allowed: queues=1, devices=1)");
		return -EINVAL;
	}
	blocks = all->size_bytes / unit;
	if (blocks < lanes) {
		snprintf(why, why_len,
			 "the region (%llu bytes) holds %llu blocks of %llu "
			 "bytes, fewer than the %u queues or devices that "
			 "each need a slice of it",
			 (unsigned long long)all->size_bytes,
			 (unsigned long long)blocks, (unsigned long long)unit,
			 lanes);
		return -EINVAL;
	}
	base = blocks / lanes;
	rem = blocks % lanes;
	first = lane * base + (lane < rem ? lane : rem);
	count = base + (lane < rem);
	start = first * unit;
	end = lane == lanes - 1 ? all->size_bytes : start + count * unit;
	out->offset_bytes = all->offset_bytes + start;
	out->size_bytes = end - start;
	out->seed = all->seed + lane;
	if (all->io_limit_bytes) {
		/*
		 * Cumulative shares, by blocks, in whole I/Os of the unit,
		 * so that the lanes add up exactly and none gets a
		 * shortened I/O the whole would not have had; the last
		 * lane takes the rest.
		 */
		units = all->io_limit_bytes / unit;
		out->io_limit_bytes = (uint64_t)(((unsigned __int128)units *
						  (first + count) / blocks) -
						 ((unsigned __int128)units *
						  first / blocks)) *
				      unit;
		if (lane == lanes - 1)
			out->io_limit_bytes += all->io_limit_bytes % unit;
		if (!out->io_limit_bytes) {
			snprintf(why, why_len,
				 "io_size=%llu: too small to give each of the "
				 "%u queues or devices an I/O",
				 (unsigned long long)all->io_limit_bytes,
				 lanes);
			return -EINVAL;
		}
	}
	return 0;
}

/* Lane set-up steps, undone in reverse by lane_fini(). */
enum {
	LANE_GRANTS = 1,
	LANE_TARGET,
	LANE_WL,
	LANE_RING,
	LANE_PORTS,
	LANE_POLICIES,
	LANE_ACTORS,
};

unsigned int engine__indirect_segments(const struct engine_config *cfg)
{
	unsigned int n = cfg->indirect_segments < backend_max_indirect(cfg) ?
				 cfg->indirect_segments :
				 backend_max_indirect(cfg);

	return n > BLKIF_MAX_SEGMENTS_PER_REQUEST ? n : 0;
}

/*
 * The policy threads' ports carry no simulated latency or cost: they are
 * the driver's own signalling (a work-queue wake-up, a DPC), whose cost
 * is what the engine's wake-up really costs.
 */
int engine__policy_init(const struct engine_config *cfg,
			const struct sim_clock *clock,
			struct evtchn_port *handoff, struct evtchn_port *defer,
			struct gate *gate, char *why, size_t why_len)
{
	struct evtchn_config pc = cfg->evtchn;
	struct gate_config gc = {
		.kind = cfg->lock_kind,
		.work_ns = cfg->lock_work_ns,
		.clock = clock,
	};
	int rc;

	pc.latency_ns = 0;
	pc.latency_max_ns = 0;
	pc.dist = EVTCHN_LAT_FIXED;
	pc.cost_ns = 0;
	pc.notify = EVTCHN_NOTIFY_EVENT;
	rc = evtchn_init(handoff, &pc);
	if (rc)
		goto err;
	rc = evtchn_init(defer, &pc);
	if (rc)
		goto err_fini_handoff;
	rc = gate_init(gate, &gc);
	if (rc)
		goto err_fini_defer;
	return 0;

err_fini_defer:
	evtchn_fini(defer);
err_fini_handoff:
	evtchn_fini(handoff);
err:
	snprintf(why, why_len, "policy threads: %s", strerror(-rc));
	return rc;
}

void engine__policy_fini(struct evtchn_port *handoff, struct evtchn_port *defer,
			 struct gate *gate)
{
	gate_fini(gate);
	evtchn_fini(defer);
	evtchn_fini(handoff);
}

int engine__start_actors(const struct engine_config *cfg,
			 const struct engine_wiring *w, struct frontend **fe,
			 struct backend **be, char *why, size_t why_len)
{
	struct frontend_config fc = {
		.ring_order = cfg->ring_order,
		.iodepth = w->iodepth,
		.max_segments = cfg->max_segments,
		.qd_cap = cfg->qd_cap,
		.push_batch = cfg->push_batch,
		.tasks = cfg->tasks,
		.indirect_segments = engine__indirect_segments(cfg),
		.verify = cfg->verify,
		/* One pattern for the whole file, whichever lane writes. */
		.verify_seed = cfg->workload.seed,
		.sring = w->sring,
		.grants = w->grants,
		.kick = w->kick,
		.workload = w->wl,
		.clock = w->clock,
		.complete = cfg->complete,
		.complete_ctx = w->complete_ctx,
		.stamps = w->stamps,
		.submit_path = cfg->submit_path,
		.completion = cfg->completion,
		.gate = cfg->lock ? w->gate : NULL,
		.handoff = w->handoff,
		.defer = w->defer,
		.grant_copy = cfg->grant_mode == BACKEND_GRANTS_PERSISTENT,
		.submit_cost_ns = w->submit_cost_ns,
		.split_cost_ns = w->split_cost_ns,
		.reap_cost_ns = w->reap_cost_ns,
	};
	struct backend_config bc = {
		.ring_order = cfg->ring_order,
		.disk_bytes = w->disk_bytes,
		.coalesce_count = cfg->coalesce_count,
		.coalesce_ns = cfg->coalesce_ns,
		.submit_per_request = cfg->submit_per_request,
		.max_indirect_segments = backend_max_indirect(cfg),
		.sring = w->sring,
		.grants = w->grants,
		.irq = w->irq,
		.target = w->target,
		.target_state = w->target_state,
		.clock = w->clock,
		.stamps = w->stamps,
		.grant_mode = cfg->grant_mode,
		.grant_call_ns = cfg->grant_call_ns,
		.grant_map_ns = cfg->grant_map_ns,
		.grant_unmap_ns = cfg->grant_unmap_ns,
		.grant_copy_ns = cfg->grant_copy_ns,
		.persistent_max = cfg->persistent_max,
		.budget = cfg->backend_budget,
		.respond_batch = cfg->respond_batch,
		.max_retries = cfg->backend_retries,
		.request_cost_ns = w->request_cost_ns,
		.response_cost_ns = w->response_cost_ns,
		.flush_cost_ns = w->flush_cost_ns,
	};
	int rc;

	rc = frontend_config_check(&fc, why, why_len);
	if (rc)
		return rc;
	rc = frontend_create(&fc, fe);
	if (rc) {
		snprintf(why, why_len, "frontend: %s", strerror(-rc));
		return rc;
	}
	rc = backend_create(&bc, be);
	if (rc) {
		snprintf(why, why_len, "backend: %s", strerror(-rc));
		frontend_destroy(*fe);
		return rc;
	}
	return 0;
}

int engine__ring_create(unsigned int order, struct blkif_sring **sring,
			struct sim_stamps **stamps, char *why, size_t why_len)
{
	*sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(order));
	*stamps = calloc(ring_entries(order), sizeof(**stamps));
	if (!*sring || !*stamps) {
		free(*sring);
		free(*stamps);
		*sring = NULL;
		*stamps = NULL;
		snprintf(why, why_len, "shared ring: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ring_sring_init(*sring, order);
	return 0;
}

int engine__open_target(const struct engine_config *cfg,
			const struct target_config *tc,
			const struct target_ops **ops, void **state,
			struct fault **fault, char *why, size_t why_len)
{
	int rc;

	*fault = NULL;
	*ops = cfg->target;
	rc = target_open(cfg->target, tc, state, why, why_len);
	if (rc || cfg->fault.kind == FAULT_NONE)
		return rc;
	rc = fault_create(&cfg->fault, cfg->target, *state, tc->depth, ops,
			  fault, why, why_len);
	if (rc) {
		cfg->target->fini(*state);
		return rc;
	}
	*state = *fault; /* the wrapper's state, holding the target's */
	return 0;
}

void engine__sum_fault(struct fault_stats *sum, const struct fault *f)
{
	struct fault_stats st;

	if (!f)
		return;
	fault_stats(f, &st);
	sum->ios += st.ios;
	sum->injected += st.injected;
	sum->stalled += st.stalled;
	sum->stopped += st.stopped;
}

/* Starts lane @l's actors, wired to what the lane owns. */
static int start_actors(struct lane *l, char *why, size_t why_len)
{
	const struct engine_config *cfg = l->e->cfg;
	const struct engine_wiring w = {
		.sring = l->sring,
		.grants = &l->grants,
		.kick = &l->kick,
		.irq = &l->irq,
		.handoff = &l->handoff,
		.defer = &l->defer,
		.gate = &l->gate,
		.wl = l->wl,
		.clock = &l->e->clock,
		.stamps = l->stamps,
		.target = l->target,
		.target_state = l->target_state,
		.disk_bytes = l->e->disk_bytes,
		.iodepth = l->iodepth,
		.complete_ctx = cfg->lane_ctx[l->idx] ? cfg->lane_ctx[l->idx] :
							cfg->complete_ctx,
	};

	return engine__start_actors(cfg, &w, &l->fe, &l->be, why, why_len);
}

static void lane_fini(struct lane *l)
{
	switch (l->up) {
	case LANE_ACTORS:
		/*
		 * The target first: I/O it still holds (after a drain
		 * timeout, an interrupt, a stall) points into the backend's.
		 */
		l->target->fini(l->target_state);
		l->target = NULL;
		backend_destroy(l->be);
		frontend_destroy(l->fe);
		/* fall through */
	case LANE_POLICIES:
		engine__policy_fini(&l->handoff, &l->defer, &l->gate);
		/* fall through */
	case LANE_PORTS:
		evtchn_fini(&l->irq);
		evtchn_fini(&l->kick);
		/* fall through */
	case LANE_RING:
		free(l->stamps);
		free(l->sring);
		/* fall through */
	case LANE_WL:
		wl_destroy(l->wl);
		/* fall through */
	case LANE_TARGET:
		/* Waits for any target I/O still in flight into the pages. */
		if (l->target)
			l->target->fini(l->target_state);
		/* fall through */
	case LANE_GRANTS:
		grant_table_fini(&l->grants);
		break;
	default:
		break;
	}
	l->up = 0;
}

/* The target of one lane: its own instance (io_uring) on the same file. */
static int lane_open_target(struct lane *l, char *why, size_t why_len)
{
	struct engine *e = l->e;
	const struct engine_config *cfg = e->cfg;
	struct target_config tc = cfg->target_cfg;
	uint64_t disk;
	int rc;

	/* The backend never has more than a ring's worth in flight. */
	tc.depth = ring_entries(cfg->ring_order);
	rc = engine__open_target(cfg, &tc, &l->target, &l->target_state,
				 &l->fault, why, why_len);
	if (rc)
		return rc;
	disk = l->target->size_bytes(l->target_state);
	if (l->idx == 0) {
		e->disk_bytes = disk;
		if (e->wl.size_bytes == 0)
			e->wl.size_bytes = disk - e->wl.offset_bytes;
		if (e->wl.offset_bytes + e->wl.size_bytes > disk) {
			snprintf(why, why_len,
				 "--size=%llu: the I/O region ends beyond the "
				 "target (%llu bytes)",
				 (unsigned long long)e->wl.size_bytes,
				 (unsigned long long)disk);
			l->target->fini(l->target_state);
			return -EINVAL;
		}
	}
	return 0;
}

/* A concurrent job's own workload, its region checked against the disk. */
static int job_workload(const struct lane *l, struct wl_config *wc, char *why,
			size_t why_len)
{
	*wc = l->e->cfg->jobs[l->idx].workload;
	if (wc->size_bytes == 0)
		wc->size_bytes = l->e->disk_bytes > wc->offset_bytes ?
					 l->e->disk_bytes - wc->offset_bytes :
					 0;
	if (wc->offset_bytes + wc->size_bytes > l->e->disk_bytes ||
	    !wc->size_bytes) {
		snprintf(why, why_len,
			 "--size=%llu at --offset=%llu: the I/O region ends "
			 "beyond the target (%llu bytes)",
			 (unsigned long long)wc->size_bytes,
			 (unsigned long long)wc->offset_bytes,
			 (unsigned long long)l->e->disk_bytes);
		return -EINVAL;
	}
	if (wc->trace) {
		snprintf(why, why_len,
			 "a trace is one stream: replay it with one job");
		return -EINVAL;
	}
	return 0;
}

/*
 * Sets up lane @l up to its actors; on failure undoes what it did
 * (lane_fini() with l->up where it stopped).
 */
static int lane_init(struct lane *l, char *why, size_t why_len)
{
	const struct engine_config *cfg = l->e->cfg;
	struct evtchn_config ec = cfg->evtchn;
	struct wl_config wc;
	int rc;

	/*
	 * The grant pages come first and go last: target I/O still in
	 * flight at the end reads or writes them until the target's fini.
	 */
	rc = grant_table_init(
		&l->grants,
		frontend_grant_pages(cfg->ring_order,
				     engine__indirect_segments(cfg)));
	if (rc) {
		snprintf(why, why_len, "grant table: %s", strerror(-rc));
		goto err;
	}
	l->up = LANE_GRANTS;
	rc = lane_open_target(l, why, why_len);
	if (rc)
		goto err;
	l->up = LANE_TARGET;
	l->iodepth = cfg->iodepth;
	if (cfg->jobs) {
		rc = job_workload(l, &wc, why, why_len);
		l->iodepth = cfg->jobs[l->idx].iodepth;
	} else {
		rc = engine_lane_workload(&l->e->wl, l->idx, l->e->nr_lanes,
					  &wc, why, why_len);
	}
	if (rc)
		goto err;
	rc = wl_create(&wc, &l->wl);
	if (rc) {
		snprintf(why, why_len, "workload: %s", strerror(-rc));
		goto err;
	}
	l->up = LANE_WL;
	rc = engine__ring_create(cfg->ring_order, &l->sring, &l->stamps, why,
				 why_len);
	if (rc)
		goto err;
	l->up = LANE_RING;
	/* Each lane's latency draws its own, reproducible from the seed. */
	ec.seed += l->idx;
	rc = evtchn_init(&l->kick, &ec);
	if (rc) {
		snprintf(why, why_len, "event channel: %s", strerror(-rc));
		goto err;
	}
	rc = evtchn_init(&l->irq, &ec);
	if (rc) {
		evtchn_fini(&l->kick);
		snprintf(why, why_len, "event channel: %s", strerror(-rc));
		goto err;
	}
	l->up = LANE_PORTS;
	rc = engine__policy_init(cfg, &l->e->clock, &l->handoff, &l->defer,
				 &l->gate, why, why_len);
	if (rc)
		goto err;
	l->up = LANE_POLICIES;
	rc = start_actors(l, why, why_len);
	if (rc)
		goto err;
	l->up = LANE_ACTORS;
	return 0;

err:
	lane_fini(l);
	return rc;
}

/*
 * Lanes and vCPUs: queues get a frontend thread each; devices share one,
 * through their interrupt line(s).
 */
static int plan_lanes(struct engine *e, char *why, size_t why_len)
{
	const struct engine_config *cfg = e->cfg;
	unsigned int q = cfg->queues ? cfg->queues : 1;
	unsigned int d = cfg->devices ? cfg->devices : 1;

	if (q > 1 && d > 1) {
		snprintf(why, why_len,
			 "queues=%u with devices=%u: give several queues or "
			 "several devices, not both",
			 q, d);
		return -EINVAL;
	}
	if (q > ENGINE_MAX_LANES || d > ENGINE_MAX_LANES) {
		snprintf(why, why_len, "%u %s: at most %u (allowed 1..%u)",
			 q > d ? q : d, q > d ? "queues" : "devices",
			 ENGINE_MAX_LANES, ENGINE_MAX_LANES);
		return -EINVAL;
	}
	if (cfg->irq_line == ENGINE_IRQ_SHARED &&
	    cfg->completion == FRONTEND_COMPLETE_DEFERRED) {
		snprintf(why, why_len,
			 "a shared interrupt line with deferred completion: "
			 "the filter reads the ring the deferred worker "
			 "consumes (allowed: completion irq)");
		return -EINVAL;
	}
	if (q > 1 && cfg->irq_line == ENGINE_IRQ_SHARED) {
		snprintf(why, why_len,
			 "a shared interrupt line is for devices on one vCPU; "
			 "each queue has its own vCPU and interrupt "
			 "(allowed with queues > 1: own)");
		return -EINVAL;
	}
	if (cfg->jobs && (q > 1 || d < 2)) {
		snprintf(why, why_len,
			 "concurrent jobs run as devices: %u devices, %u "
			 "queues (allowed: devices > 1, queues 1)",
			 d, q);
		return -EINVAL;
	}
	e->nr_lanes = q * d;
	e->nr_vcpus = q;
	for (unsigned int i = 0; i < e->nr_lanes; i++) {
		struct lane *l = &e->lanes[i];
		struct vcpu *v = &e->vcpus[q > 1 ? i : 0];

		l->e = e;
		l->idx = i;
		l->v = v;
		v->e = e;
		v->lanes[v->n++] = l;
	}
	return 0;
}

/* Attaches every lane's interrupt port to its vCPU's line(s). */
static int attach_lines(struct engine *e)
{
	const struct engine_config *cfg = e->cfg;
	struct irqline_config lc = {
		.mode = cfg->irq_line == ENGINE_IRQ_SHARED ? IRQLINE_SHARED :
							     IRQLINE_OWN,
		.filter_cost_ns = cfg->irq_filter_cost_ns,
		.clock = &e->clock,
	};

	for (unsigned int i = 0; i < e->nr_vcpus; i++) {
		struct vcpu *v = &e->vcpus[i];

		irqline_init(&v->line, &lc);
		atomic_init(&v->done, false);
		for (unsigned int k = 0; k < v->n; k++) {
			int rc = irqline_attach(&v->line, &v->lanes[k]->irq,
						lane_filter, lane_handler,
						v->lanes[k]);

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Ends every started thread: marks the vCPUs done, wakes, joins. */
static void stop_threads(struct engine *e)
{
	for (unsigned int i = 0; i < e->nr_vcpus; i++) {
		struct vcpu *v = &e->vcpus[i];

		if (v->on) {
			pthread_join(v->thread, NULL);
			v->on = false;
		}
		atomic_store(&v->done, true);
	}
	for (unsigned int i = 0; i < e->nr_lanes; i++) {
		struct lane *l = &e->lanes[i];

		evtchn_wake(&l->kick);
		evtchn_wake(&l->handoff);
		evtchn_wake(&l->defer);
		if (l->sub_on)
			pthread_join(l->sub, NULL);
		if (l->dpc_on)
			pthread_join(l->dpc, NULL);
		if (l->back_on)
			pthread_join(l->back, NULL);
		l->sub_on = l->dpc_on = l->back_on = false;
	}
}

/* Starts the backends, the workers, then the frontend threads. */
static int start_threads(struct engine *e, char *why, size_t why_len)
{
	int rc;

	for (unsigned int i = 0; i < e->nr_lanes; i++) {
		struct lane *l = &e->lanes[i];

		rc = -pthread_create(&l->back, NULL, backend_thread, l);
		if (rc) {
			snprintf(why, why_len, "backend thread: %s",
				 strerror(-rc));
			return rc;
		}
		l->back_on = true;
		if (e->sub_on) {
			rc = -pthread_create(&l->sub, NULL,
					     submit_worker_thread, l);
			if (rc) {
				snprintf(why, why_len, "submit worker: %s",
					 strerror(-rc));
				return rc;
			}
			l->sub_on = true;
		}
		if (e->dpc_on) {
			rc = -pthread_create(&l->dpc, NULL, dpc_thread, l);
			if (rc) {
				snprintf(why, why_len, "deferred worker: %s",
					 strerror(-rc));
				return rc;
			}
			l->dpc_on = true;
		}
	}
	for (unsigned int i = 0; i < e->nr_vcpus; i++) {
		struct vcpu *v = &e->vcpus[i];

		rc = -pthread_create(&v->thread, NULL, frontend_thread, v);
		if (rc) {
			snprintf(why, why_len, "frontend thread: %s",
				 strerror(-rc));
			return rc;
		}
		v->on = true;
	}
	return 0;
}

/*
 * Adds the uint64_t counters of @src in bytes [@from, @end) to @dst.  The
 * stats structs open and close with runs of counters, so a counter added
 * to either run later is summed too.
 */
static void add_span(void *dst, const void *src, size_t from, size_t end)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	for (size_t i = from / sizeof(uint64_t); i < end / sizeof(uint64_t);
	     i++)
		d[i] += s[i];
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

_Static_assert(offsetof(struct frontend_stats, inflight) % 8 == 0,
	       "frontend counters are whole words");
_Static_assert(offsetof(struct backend_stats, inflight) % 8 == 0,
	       "backend counters are whole words");
_Static_assert(offsetof(struct frontend_stats, grant_copy_bytes) % 8 == 0 &&
		       sizeof(struct frontend_stats) % 8 == 0,
	       "the frontend's closing counters are whole words");
_Static_assert(offsetof(struct backend_stats, grant_maps) % 8 == 0 &&
		       sizeof(struct backend_stats) % 8 == 0,
	       "the backend's closing counters are whole words");

/* Adds one lane's frontend counters to the total. */
void engine__sum_frontend(struct frontend_stats *t,
			  const struct frontend_stats *s, bool first)
{
	uint64_t lag_max = t->sched_lag_max_ns, t0 = t->first_submit_ns;
	uint64_t t1 = t->last_complete_ns;

	if (first) {
		*t = *s;
		return;
	}
	add_span(t, s, 0, offsetof(struct frontend_stats, inflight));
	t->sched_lag_max_ns = max_u64(lag_max, s->sched_lag_max_ns);
	t->first_submit_ns = s->first_submit_ns &&
					     (!t0 || s->first_submit_ns < t0) ?
				     s->first_submit_ns :
				     t0;
	t->last_complete_ns = max_u64(t1, s->last_complete_ns);
	t->inflight += s->inflight;
	add_span(t, s, offsetof(struct frontend_stats, grant_copy_bytes),
		 sizeof(*t));
	/* The lanes' first mismatches, lane by lane, up to the bound. */
	for (unsigned int i = 0; i < s->verify_nr_details &&
				 t->verify_nr_details < FRONTEND_VERIFY_DETAILS;
	     i++)
		t->verify_details[t->verify_nr_details++] =
			s->verify_details[i];
	if (s->disabled && !t->disabled)
		memcpy(t->error, s->error, sizeof(t->error));
	t->disabled |= s->disabled;
}

void engine__sum_backend(struct backend_stats *t, const struct backend_stats *s,
			 bool first)
{
	if (first) {
		*t = *s;
		return;
	}
	add_span(t, s, 0, offsetof(struct backend_stats, inflight));
	add_span(t, s, offsetof(struct backend_stats, grant_maps), sizeof(*t));
	t->inflight += s->inflight;
	if (s->error[0] && (!t->error[0] || (s->dead && !t->dead)))
		memcpy(t->error, s->error, sizeof(t->error));
	t->dead |= s->dead;
}

void engine__sum_evtchn(struct evtchn_stats *t, const struct evtchn_stats *s)
{
	uint64_t lag_max = max_u64(t->lag_max_ns, s->lag_max_ns);

	add_span(t, s, 0, sizeof(*t));
	t->lag_max_ns = lag_max;
}

void engine__sum_gate(struct gate_stats *t, const struct gate_stats *s)
{
	uint64_t wmax = max_u64(t->wait_max_ns, s->wait_max_ns);
	uint64_t hmax = max_u64(t->hold_max_ns, s->hold_max_ns);

	add_span(t, s, 0, sizeof(*t));
	t->wait_max_ns = wmax;
	t->hold_max_ns = hmax;
}

/* The lanes' and vCPUs' counters, per lane and summed. */
static void collect(struct engine *e, struct engine_result *res)
{
	uint64_t thread_sleeps = 0;

	res->nr_lanes = e->nr_lanes;
	res->nr_fe_threads = e->nr_vcpus;
	for (unsigned int i = 0; i < e->nr_lanes; i++) {
		struct lane *l = &e->lanes[i];
		struct engine_lane_result *lr = &res->lanes[i];
		struct evtchn_stats hs, ds;
		struct gate_stats gs;

		frontend_stats(l->fe, &lr->fe);
		backend_stats(l->be, &lr->be);
		evtchn_stats(&l->kick, &lr->kick);
		evtchn_stats(&l->irq, &lr->irq);
		lr->be_cpu_ns = l->be_cpu_ns;
		lr->fe_cpu_ns = l->v->n == 1 ? l->v->cpu_ns : 0;
		for (unsigned int k = 0; k < l->v->n; k++)
			if (l->v->lanes[k] == l)
				lr->line = l->v->line.dev[k].st;
		engine__sum_frontend(&res->fe, &lr->fe, i == 0);
		engine__sum_backend(&res->be, &lr->be, i == 0);
		engine__sum_evtchn(&res->kick, &lr->kick);
		engine__sum_evtchn(&res->irq, &lr->irq);
		evtchn_stats(&l->handoff, &hs);
		evtchn_stats(&l->defer, &ds);
		engine__sum_evtchn(&res->handoff, &hs);
		engine__sum_evtchn(&res->defer, &ds);
		if (e->gated) {
			gate_stats(&l->gate, &gs);
			engine__sum_gate(&res->gate, &gs);
		}
		res->be_cpu_ns += l->be_cpu_ns;
		res->sub_cpu_ns += l->sub_cpu_ns;
		res->dpc_cpu_ns += l->dpc_cpu_ns;
		engine__sum_fault(&res->fault, l->fault);
	}
	for (unsigned int i = 0; i < e->nr_vcpus; i++) {
		struct vcpu *v = &e->vcpus[i];

		res->fe_cpu_ns += v->cpu_ns;
		res->end_ns = max_u64(res->end_ns, v->end_ns);
		res->interrupted |= v->interrupted;
		res->drain_timeout |= v->drain_timeout;
		res->stuck |= v->stuck;
		res->line.interrupts += v->line.st.interrupts;
		res->line.unclaimed += v->line.st.unclaimed;
		thread_sleeps += v->sleeps;
	}
	/*
	 * Each device's port counts the sleeps of the one frontend thread
	 * that serves them all: the total is the thread's.
	 */
	if (e->cfg->devices > 1)
		res->irq.sleeps = thread_sleeps;
	res->disk_bytes = e->disk_bytes;
}

int engine_run(const struct engine_config *cfg, struct engine_result *res,
	       char *why, size_t why_len)
{
	struct engine_hostile *hr = NULL;
	struct engine_hostile_result hostile = { 0 };
	struct engine *e;
	unsigned int up = 0;
	char hwhy[256];
	int rc, hrc;

	memset(res, 0, sizeof(*res));
	/* A few KiB per lane: on the heap, not the caller's stack. */
	e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(why, why_len, "engine: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	e->cfg = cfg;
	e->clock = (struct sim_clock){ .now_ns = engine_clock,
				       .charge_ns = engine_charge };
	e->wl = cfg->workload;
	e->gated = cfg->lock;
	e->sub_on = cfg->submit_path == FRONTEND_SUBMIT_WORKER;
	e->dpc_on = cfg->completion == FRONTEND_COMPLETE_DEFERRED;
	atomic_init(&e->be_dead, false);
	rc = plan_lanes(e, why, why_len);
	if (rc)
		goto out;
	for (; up < e->nr_lanes; up++) {
		rc = lane_init(&e->lanes[up], why, why_len);
		if (rc) {
			if (e->nr_lanes > 1) {
				char lane_why[256];

				snprintf(lane_why, sizeof(lane_why), "%s", why);
				snprintf(why, why_len, "lane %u: %s", up,
					 lane_why);
			}
			goto out_fini;
		}
	}
	rc = attach_lines(e);
	if (rc) {
		snprintf(why, why_len, "interrupt line: %s", strerror(-rc));
		goto out_fini;
	}

	rc = engine__hostile_start(cfg, &e->clock, e->disk_bytes, &hr, why,
				   why_len);
	if (rc)
		goto out_fini;

	res->start_ns = mono_ns();
	e->deadline_ns = cfg->runtime_ns ? res->start_ns + cfg->runtime_ns :
					   UINT64_MAX;
	rc = start_threads(e, why, why_len);
	/* A thread that did not start: stop the ones that did. */
	if (rc)
		atomic_store(&e->be_dead, true);
	stop_threads(e);
	/* The hostile ring goes on until its mutations are applied. */
	engine__hostile_good_done(hr);
	hrc = engine__hostile_stop(hr, rc != 0, &hostile, hwhy, sizeof(hwhy));
	if (rc == 0) {
		collect(e, res);
		res->hostile = hostile;
	}
	if (rc == 0 && hrc) {
		snprintf(why, why_len, "%s", hwhy);
		rc = hrc;
	}

out_fini:
	while (up-- > 0)
		lane_fini(&e->lanes[up]);
out:
	free(e);
	return rc;
}
