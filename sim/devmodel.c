// SPDX-License-Identifier: MIT
/*
 * The device model (see devmodel.h).  One table, allocated at init: the
 * I/Os in flight sorted by finish time, tie-broken by arrival order so
 * that reaping is deterministic.
 * Arrivals come in clock order (the backend's clock never goes back), so
 * taking the earliest-free channel per arrival is first come, first
 * served.  The channels need no table of their own: each arrival
 * replaces the earliest channel free time m by its finish, which is at
 * least m, so the channels' free times are always the C latest finish
 * times so far (0 while fewer than C I/Os have arrived).  An I/O that
 * finished by the clock's time is reaped or about to be, and an arrival
 * never waits for a channel free by then; every later finish time is
 * still in flight.  So an arrival starts at the later of the clock and
 * the C-th latest finish in flight, which the sorted table gives at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/devmodel.h"

struct devmodel_flight {
	uint64_t finish_ns;
	struct target_io *io;
};

/* The in-flight table's room, in I/Os per ring entry (see fl_push). */
#define FL_ROOM 4

/*
 * A device with several queues: arrivals may come out of clock order
 * (each queue's backend has its own clock), so the channels' free times
 * are a table of their own, a min-heap.
 */
struct devmodel_shared {
	struct devmodel_config cfg;
	uint64_t *chan;	    /* free times, a min-heap of cfg.channels */
	unsigned int nr_in; /* I/Os in the device, every queue's */
	uint64_t rng;
	uint8_t *disk; /* store only */
};

struct devmodel {
	struct devmodel_config cfg;
	struct devmodel_shared *sh; /* the device, or NULL: its own */
	const struct sim_clock *clock;
	uint64_t size_bytes;
	unsigned int depth;
	uint8_t *disk;		    /* store only */
	struct devmodel_flight *fl; /* sorted by (finish, seq), see fl_push */
	unsigned int fl_head, nr_fl, fl_room;
	struct target_io **queued; /* submitted, not yet flushed */
	unsigned int nr_queued;
	uint64_t rng;
};

void devmodel_config_default(struct devmodel_config *cfg)
{
	*cfg = (struct devmodel_config){
		.channels = 1,
		.dist = DEVMODEL_FIXED,
		.dir = {
			{ .latency_ns = 100000, .bw_bytes_per_s = 1ull << 30 },
			{ .latency_ns = 100000, .bw_bytes_per_s = 1ull << 30 },
		},
		.seed = 0x5eed,
	};
}

const char *devmodel_dist_name(enum devmodel_dist d)
{
	switch (d) {
	case DEVMODEL_FIXED:
		return "fixed";
	case DEVMODEL_EXP:
		return "exp";
	case DEVMODEL_UNIFORM:
		return "uniform";
	}
	return "?";
}

uint64_t devmodel_service_ns(const struct devmodel_config *cfg, bool write,
			     uint64_t bytes, uint64_t latency_ns)
{
	uint64_t bw = cfg->dir[write].bw_bytes_per_s;

	if (!bw)
		return latency_ns;
	/* An I/O is under 2^32 bytes: bytes * 10^9 fits in 64 bits. */
	if (bytes < (UINT64_C(1) << 32))
		return latency_ns + bytes * UINT64_C(1000000000) / bw;
	return latency_ns +
	       (uint64_t)((unsigned __int128)bytes * 1000000000u / bw);
}

int devmodel_config_check(const struct devmodel_config *cfg, char *why,
			  size_t why_len)
{
	static const char *const dir[] = { "read", "write" };

	if (cfg->channels < 1 || cfg->channels > DEVMODEL_CHANNELS_MAX) {
		snprintf(why, why_len,
			 "--model-channels=%u: out of range (allowed 1..%d)",
			 cfg->channels, DEVMODEL_CHANNELS_MAX);
		return -EINVAL;
	}
	if (cfg->dist > DEVMODEL_UNIFORM) {
		snprintf(why, why_len,
			 "--model-latency-dist: unknown (allowed: fixed, exp, "
			 "uniform)");
		return -EINVAL;
	}
	for (int d = 0; d < 2; d++) {
		const struct devmodel_dir *r = &cfg->dir[d];

		if (r->nr_qd > DEVMODEL_QD_POINTS) {
			snprintf(why, why_len,
				 "%s_qd_latency_ns: %u points (allowed at "
				 "most %d)",
				 dir[d], r->nr_qd, DEVMODEL_QD_POINTS);
			return -EINVAL;
		}
		for (unsigned int i = 0; i < r->nr_qd; i++) {
			if (r->qd[i] < 1 || (i && r->qd[i] <= r->qd[i - 1])) {
				snprintf(why, why_len,
					 "%s_qd_latency_ns: queue depths must "
					 "be >= 1 and rising",
					 dir[d]);
				return -EINVAL;
			}
		}
	}
	for (int d = 0; d < 2 && cfg->dist == DEVMODEL_UNIFORM; d++) {
		if (cfg->dir[d].latency_max_ns < cfg->dir[d].latency_ns) {
			snprintf(why, why_len,
				 "--model-%s-latency-max=%" PRIu64
				 "ns: below --model-%s-latency=%" PRIu64
				 "ns (uniform needs latency <= max)",
				 dir[d], cfg->dir[d].latency_max_ns, dir[d],
				 cfg->dir[d].latency_ns);
			return -EINVAL;
		}
	}
	return 0;
}

uint64_t devmodel_base_latency_ns(const struct devmodel_dir *d, unsigned int n)
{
	unsigned int i;

	if (!d->nr_qd)
		return d->latency_ns;
	if (n <= d->qd[0])
		return d->qd_latency_ns[0];
	for (i = 1; i < d->nr_qd; i++) {
		if (n <= d->qd[i]) {
			/* Linear between points i - 1 and i. */
			double f = (double)(n - d->qd[i - 1]) /
				   (double)(d->qd[i] - d->qd[i - 1]);
			double a = (double)d->qd_latency_ns[i - 1];
			double b = (double)d->qd_latency_ns[i];

			return (uint64_t)(a + f * (b - a) + 0.5);
		}
	}
	return d->qd_latency_ns[d->nr_qd - 1];
}

/* xorshift64*: the latency draws, reproducible from the seed. */
static uint64_t next_random(struct devmodel *m)
{
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545f4914f6cdd1dull;
}

/* The latency part of an I/O arriving with @n in the device. */
static uint64_t draw_latency(struct devmodel *m, bool write, unsigned int n)
{
	const struct devmodel_dir *d = &m->cfg.dir[write];
	uint64_t base = devmodel_base_latency_ns(d, n);
	double u;

	switch (m->cfg.dist) {
	case DEVMODEL_EXP:
		/*
		 * Uniform in [0, 1) with 53 bits, so 1 - u is exact and
		 * log(1 - u) is log1p(-u) to within an ulp (log is the faster
		 * by half); whole nanoseconds hide the ulp but in about one
		 * draw in 10^9.
		 */
		u = (double)(next_random(m) >> 11) * 0x1p-53;
		return (uint64_t)(-log(1.0 - u) * (double)base);
	case DEVMODEL_UNIFORM:
		if (d->latency_max_ns <= base)
			return base;
		return base + next_random(m) % (d->latency_max_ns - base + 1);
	case DEVMODEL_FIXED:
		break;
	}
	return base;
}

/* ---- The I/Os in flight ------------------------------------------------- */

/*
 * The I/Os in flight, sorted by (finish, arrival): fl[fl_head ..
 * fl_head + nr_fl).  An arrival is inserted from the tail, where it
 * usually belongs (a later arrival tends to finish later: always, with
 * one channel or a fixed service), moving the later ones up as it goes,
 * and a completion leaves from the head.  The table has room for
 * FL_ROOM times the I/Os that can be in flight, so the live part is
 * moved back to the front at most once every (FL_ROOM - 1) x depth
 * arrivals.  Cheaper than a heap for the few dozen in flight, and with
 * no unpredictable branches on the common path.
 */
static inline __attribute__((always_inline)) void
fl_push(struct devmodel *m, struct devmodel_flight f)
{
	struct devmodel_flight *fl;
	unsigned int pos;

	if (m->fl_head + m->nr_fl == m->fl_room) {
		/* At the end of the array: move the live part to the front. */
		memmove(m->fl, m->fl + m->fl_head, m->nr_fl * sizeof(*m->fl));
		m->fl_head = 0;
	}
	fl = m->fl + m->fl_head;
	pos = m->nr_fl;
	/* Equal finish times keep arrival order: after the equal ones. */
	while (pos > 0 && fl[pos - 1].finish_ns > f.finish_ns) {
		fl[pos] = fl[pos - 1];
		pos--;
	}
	fl[pos] = f;
	m->nr_fl++;
}

static void fl_pop(struct devmodel *m)
{
	m->fl_head++;
	if (--m->nr_fl == 0)
		m->fl_head = 0;
}

/* ---- The ops ------------------------------------------------------------- */

static int model_init(const struct target_config *cfg, void **state, char *why,
		      size_t why_len)
{
	struct devmodel *m;
	int rc;

	if (!cfg->clock || !cfg->model) {
		snprintf(why, why_len,
			 "--target=model: the device model completes I/O in "
			 "virtual time; it needs --engine=virtual");
		return -EINVAL;
	}
	rc = devmodel_config_check(cfg->model, why, why_len);
	if (rc)
		return rc;
	if (cfg->size_bytes == 0 || cfg->size_bytes % TARGET_SECTOR_BYTES) {
		snprintf(why, why_len,
			 "--size=%" PRIu64 ": the model target needs a size "
			 "(a non-zero multiple of %d bytes)",
			 cfg->size_bytes, TARGET_SECTOR_BYTES);
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		goto err_nomem;
	m->cfg = *cfg->model;
	m->sh = cfg->shared;
	m->clock = cfg->clock;
	m->size_bytes = cfg->size_bytes;
	m->depth = cfg->depth;
	m->rng = m->cfg.seed * 0x9e3779b97f4a7c15ull + 1;
	m->fl_room = FL_ROOM * m->depth;
	m->fl = calloc(m->fl_room, sizeof(*m->fl));
	m->queued = calloc(m->depth, sizeof(*m->queued));
	if (!m->fl || !m->queued)
		goto err_free;
	if (m->sh) {
		m->disk = m->sh->disk;
	} else if (m->cfg.store) {
		if (cfg->size_bytes > SIZE_MAX)
			goto err_free;
		/* calloc: large zeroed blocks come from mmap, cost no time. */
		m->disk = calloc(1, (size_t)cfg->size_bytes);
		if (!m->disk)
			goto err_free;
	}
	*state = m;
	return 0;

err_free:
	if (!m->sh)
		free(m->disk);
	free(m->queued);
	free(m->fl);
	free(m);
err_nomem:
	snprintf(why, why_len, "model target: out of memory");
	return -ENOMEM;
}

static int model_submit(void *state, struct target_io *io)
{
	struct devmodel *m = state;
	int64_t len = target_io_check(io, m->size_bytes);

	if (len < 0) {
		io->result = (int32_t)len;
		return TARGET_DONE;
	}
	if (m->nr_fl + m->nr_queued >= m->depth)
		return -EBUSY;
	/* The data moves now; only its timing is modelled. */
	if (m->disk)
		target_mem_copy(m->disk, io);
	io->result = (int32_t)len;
	m->queued[m->nr_queued++] = io;
	return TARGET_QUEUED;
}

/* Replaces the earliest channel free time by @t, keeping the heap. */
static void chan_replace_min(uint64_t *h, unsigned int n, uint64_t t)
{
	unsigned int i = 0;

	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1] < h[c])
			c++;
		if (h[c] >= t)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = t;
}

/* model_flush() for one queue of a shared device; off the one-queue path. */
__attribute__((noinline)) static int shared_flush(struct devmodel *m)
{
	struct devmodel_shared *sh = m->sh;
	uint64_t now = sim_now(m->clock);
	unsigned int load;

	sh->nr_in += m->nr_queued;
	load = sh->nr_in;
	m->rng = sh->rng;
	for (unsigned int i = 0; i < m->nr_queued; i++) {
		struct target_io *io = m->queued[i];
		uint64_t start = sh->chan[0] > now ? sh->chan[0] : now;
		uint64_t fin = start +
			       devmodel_service_ns(
				       &m->cfg, io->write, (uint64_t)io->result,
				       draw_latency(m, io->write, load));

		chan_replace_min(sh->chan, sh->cfg.channels, fin);
		fl_push(m, (struct devmodel_flight){
				   .finish_ns = fin,
				   .io = io,
			   });
	}
	sh->rng = m->rng;
	m->nr_queued = 0;
	return 0;
}

/*
 * Starts the queued I/Os at the clock's time, in submission order: each
 * takes the channel that frees first and holds it for its service time.
 */
static int model_flush(void *state)
{
	struct devmodel *m = state;
	unsigned int load;
	uint64_t now;

	if (!m->nr_queued)
		return 0;
	if (m->sh)
		return shared_flush(m);
	now = sim_now(m->clock);
	/* I/Os flushed together arrive together: all see the same load. */
	load = m->nr_fl + m->nr_queued;
	for (unsigned int i = 0; i < m->nr_queued; i++) {
		struct target_io *io = m->queued[i];
		uint64_t start = now, lat, fin;

		/* The earliest channel free time: the C-th latest finish. */
		if (m->nr_fl >= m->cfg.channels) {
			uint64_t free_ns =
				m->fl[m->fl_head + m->nr_fl - m->cfg.channels]
					.finish_ns;

			start = free_ns > now ? free_ns : now;
		}
		lat = draw_latency(m, io->write, load);
		fin = start + devmodel_service_ns(&m->cfg, io->write,
						  (uint64_t)io->result, lat);
		fl_push(m, (struct devmodel_flight){
				   .finish_ns = fin,
				   .io = io,
			   });
	}
	m->nr_queued = 0;
	return 0;
}

/*
 * Hands back the I/Os finished by the clock's time.  Virtual time does
 * not pass inside a call, so @wait changes nothing: the engine wakes the
 * backend at next_done_ns() instead.
 */
static int model_reap(void *state, struct target_io **done, unsigned int max,
		      bool wait)
{
	struct devmodel *m = state;
	unsigned int n = 0;
	uint64_t now;

	(void)wait;
	model_flush(m);
	now = sim_now(m->clock);
	while (n < max && m->nr_fl && m->fl[m->fl_head].finish_ns <= now) {
		done[n++] = m->fl[m->fl_head].io;
		fl_pop(m);
	}
	if (m->sh)
		m->sh->nr_in -= n;
	return (int)n;
}

static uint64_t model_next_done_ns(void *state)
{
	const struct devmodel *m = state;

	if (m->nr_queued)
		return sim_now(m->clock);
	return m->nr_fl ? m->fl[m->fl_head].finish_ns : UINT64_MAX;
}

static int model_wait_fd(void *state)
{
	/* No fd: the engine waits in virtual time (next_done_ns). */
	(void)state;
	return -1;
}

static uint64_t model_size_bytes(void *state)
{
	return ((const struct devmodel *)state)->size_bytes;
}

static void model_fini(void *state)
{
	struct devmodel *m = state;

	/* I/O in flight already has its result and data: nothing to wait. */
	if (m->sh)
		m->sh->nr_in -= m->nr_fl + m->nr_queued;
	else
		free(m->disk);
	free(m->queued);
	free(m->fl);
	free(m);
}

int devmodel_shared_create(const struct devmodel_config *cfg,
			   uint64_t size_bytes, struct devmodel_shared **out,
			   char *why, size_t why_len)
{
	struct devmodel_shared *sh;
	int rc = devmodel_config_check(cfg, why, why_len);

	if (rc)
		return rc;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		goto err_nomem;
	sh->cfg = *cfg;
	sh->rng = cfg->seed * 0x9e3779b97f4a7c15ull + 1;
	sh->chan = calloc(cfg->channels, sizeof(*sh->chan));
	if (!sh->chan)
		goto err_free;
	if (cfg->store) {
		if (size_bytes > SIZE_MAX)
			goto err_free;
		sh->disk = calloc(1, (size_t)size_bytes);
		if (!sh->disk)
			goto err_free;
	}
	*out = sh;
	return 0;

err_free:
	free(sh->chan);
	free(sh);
err_nomem:
	snprintf(why, why_len, "model target: out of memory");
	return -ENOMEM;
}

void devmodel_shared_destroy(struct devmodel_shared *sh)
{
	if (!sh)
		return;
	free(sh->disk);
	free(sh->chan);
	free(sh);
}

const struct target_ops devmodel_ops = {
	.name = "model",
	.flags = TARGET_F_VIRTUAL,
	.init = model_init,
	.submit = model_submit,
	.flush = model_flush,
	.reap = model_reap,
	.wait_fd = model_wait_fd,
	.size_bytes = model_size_bytes,
	.fini = model_fini,
	.next_done_ns = model_next_done_ns,
};
