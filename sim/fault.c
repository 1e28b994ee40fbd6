/* SPDX-License-Identifier: MIT */
/*
 * The fault-injecting target wrapper (see fault.h).  Its ops table lives
 * in its state, a copy of the inner target's flags and the wrapper's
 * functions, because whether the wrapper is synchronous depends on the
 * inner target and on the kind: a stalled I/O is queued and never done.
 */
#include "sim/fault.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"

struct fault {
	struct target_ops ops; /* what the caller uses: flags vary */
	struct fault_config cfg;
	const struct target_ops *inner;
	void *inner_state;
	uint64_t rng;
	uint64_t threshold; /* a draw below it is hit: rate_ppm of 2^64 */
	unsigned int depth;
	unsigned int inner_inflight; /* queued with the inner target */
	/* I/Os held forever (stall), and I/Os to report short. */
	struct target_io **stalled;
	struct target_io **shorts;
	unsigned int nshorts;
	struct fault_stats st;
};

static const char *const kind_names[FAULT_NR] = {
	[FAULT_NONE] = "none",
	[FAULT_EIO] = "eio",
	[FAULT_SHORT] = "short",
	[FAULT_EAGAIN] = "eagain",
	[FAULT_STALL] = "stall",
	[FAULT_NOSPACE] = "nospace",
	[FAULT_BACKEND_STOP] = "backend-stop",
};

const char *fault_kind_name(enum fault_kind k)
{
	return (unsigned int)k < FAULT_NR ? kind_names[k] : "invalid";
}

int fault_kind_parse(const char *s, enum fault_kind *out)
{
	for (int k = 0; k < FAULT_NR; k++)
		if (!strcmp(s, kind_names[k])) {
			*out = (enum fault_kind)k;
			return 0;
		}
	return -EINVAL;
}

void fault_config_default(struct fault_config *cfg)
{
	*cfg = (struct fault_config){
		.kind = FAULT_NONE,
		.rate_ppm = 10000,
		.seed = 1,
	};
}

static uint64_t io_bytes(const struct target_io *io)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < io->nr_iov && i < TARGET_MAX_IOV; i++)
		n += io->iov[i].iov_len;
	return n;
}

/* Whether the fault hits @io: it is eligible, and the draw says so. */
static bool hit(struct fault *f, const struct target_io *io)
{
	uint64_t from = f->cfg.offset_bytes, len = f->cfg.length_bytes;

	if (f->cfg.kind == FAULT_NOSPACE && !io->write)
		return false;
	/* Overlap of [io, io + bytes) and [from, from + len), len 0: no end. */
	if (io->offset_bytes + io_bytes(io) <= from ||
	    (len && io->offset_bytes - from >= len && io->offset_bytes >= from))
		return false;
	if (f->cfg.rate_ppm == 1000000)
		return true;
	return wl_rng_next(&f->rng) < f->threshold; /* rate 0: never */
}

/* Half the length, whole sectors: what a short transfer reports done. */
static int32_t short_result(const struct target_io *io)
{
	return (int32_t)(io_bytes(io) / 2 / 512 * 512);
}

static int fault_submit(void *state, struct target_io *io)
{
	struct fault *f = state;
	int rc;

	f->st.ios++;
	if (f->cfg.kind == FAULT_NONE || f->st.stopped || !hit(f, io))
		goto pass;
	f->st.injected++;
	switch (f->cfg.kind) {
	case FAULT_EIO:
		io->result = -EIO;
		return TARGET_DONE;
	case FAULT_EAGAIN:
		io->result = -EAGAIN;
		return TARGET_DONE;
	case FAULT_NOSPACE:
		io->result = -ENOSPC;
		return TARGET_DONE;
	case FAULT_STALL:
		if (f->st.stalled == f->depth)
			return -EBUSY; /* the caller keeps no more in flight */
		f->stalled[f->st.stalled++] = io;
		return TARGET_QUEUED;
	case FAULT_BACKEND_STOP:
		/* The I/O goes on; the thread that submitted it stops. */
		f->st.stopped = 1;
		goto pass;
	case FAULT_SHORT:
		rc = f->inner->submit(f->inner_state, io);
		if (rc == TARGET_DONE) {
			if (io->result > 0)
				io->result = short_result(io);
		} else if (rc == TARGET_QUEUED) {
			f->inner_inflight++;
			f->shorts[f->nshorts++] = io;
		}
		return rc;
	default:
		break;
	}
pass:
	rc = f->inner->submit(f->inner_state, io);
	if (rc == TARGET_QUEUED)
		f->inner_inflight++;
	return rc;
}

static int fault_flush(void *state)
{
	struct fault *f = state;

	return f->inner->flush(f->inner_state);
}

/* Reports @io short if it was marked; the list is short and rarely used. */
static void finish_short(struct fault *f, struct target_io *io)
{
	for (unsigned int i = 0; i < f->nshorts; i++)
		if (f->shorts[i] == io) {
			if (io->result > 0)
				io->result = short_result(io);
			f->shorts[i] = f->shorts[--f->nshorts];
			return;
		}
}

static int fault_reap(void *state, struct target_io **done, unsigned int max,
		      bool wait)
{
	struct fault *f = state;
	int n;

	/* Stalled I/Os never come back: do not wait for them. */
	if (!f->inner_inflight)
		return 0;
	n = f->inner->reap(f->inner_state, done, max, wait);
	if (n <= 0)
		return n;
	f->inner_inflight -= (unsigned int)n;
	if (f->nshorts)
		for (int i = 0; i < n; i++)
			finish_short(f, done[i]);
	return n;
}

static int fault_wait_fd(void *state)
{
	struct fault *f = state;

	return f->inner->wait_fd(f->inner_state);
}

static uint64_t fault_size_bytes(void *state)
{
	struct fault *f = state;

	return f->inner->size_bytes(f->inner_state);
}

/* Virtual-time targets: stalled I/Os are never due. */
static uint64_t fault_next_done_ns(void *state)
{
	struct fault *f = state;

	return f->inner->next_done_ns(f->inner_state);
}

static void fault_fini(void *state)
{
	struct fault *f = state;

	f->inner->fini(f->inner_state);
	/* Held I/Os get a result, as fini promises, but are not handed back. */
	for (unsigned int i = 0; i < f->st.stalled; i++)
		f->stalled[i]->result = -ETIMEDOUT;
	free(f->stalled);
	free(f->shorts);
	free(f);
}

int fault_create(const struct fault_config *cfg, const struct target_ops *inner,
		 void *inner_state, unsigned int depth,
		 const struct target_ops **ops, struct fault **state, char *why,
		 size_t why_len)
{
	struct fault *f;

	if ((unsigned int)cfg->kind >= FAULT_NR) {
		snprintf(why, why_len, "fault kind %d: unknown", cfg->kind);
		return -EINVAL;
	}
	if (cfg->rate_ppm > 1000000) {
		snprintf(why, why_len,
			 "fault rate %u per million: allowed 0..1000000",
			 cfg->rate_ppm);
		return -EINVAL;
	}
	if (!depth || depth > TARGET_DEPTH_MAX) {
		snprintf(why, why_len, "fault depth %u: allowed 1..%u", depth,
			 TARGET_DEPTH_MAX);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto err_nomem;
	f->stalled = calloc(depth, sizeof(*f->stalled));
	f->shorts = calloc(depth, sizeof(*f->shorts));
	if (!f->stalled || !f->shorts)
		goto err_free;
	f->cfg = *cfg;
	f->inner = inner;
	f->inner_state = inner_state;
	f->rng = cfg->seed;
	f->depth = depth;
	/* Below 10^6 the product stays below 2^64; 10^6 always hits. */
	if (cfg->rate_ppm < 1000000)
		f->threshold = (uint64_t)((double)cfg->rate_ppm / 1e6 * 0x1p64);
	f->ops = (struct target_ops){
		.name = inner->name,
		.flags = inner->flags,
		.init = inner->init, /* not used: the wrapper is made here */
		.submit = fault_submit,
		.flush = fault_flush,
		.reap = fault_reap,
		.wait_fd = fault_wait_fd,
		.size_bytes = fault_size_bytes,
		.fini = fault_fini,
		.next_done_ns = inner->next_done_ns ? fault_next_done_ns : NULL,
	};
	/* A stalled I/O is queued: the wrapper is not synchronous then. */
	if (cfg->kind == FAULT_STALL)
		f->ops.flags &= ~TARGET_F_SYNC;
	*ops = &f->ops;
	*state = f;
	return 0;

err_free:
	free(f->stalled);
	free(f->shorts);
	free(f);
err_nomem:
	snprintf(why, why_len, "fault injection: out of memory");
	return -ENOMEM;
}

bool fault_backend_stopped(const struct fault *f)
{
	return f->st.stopped != 0;
}

void fault_stats(const struct fault *f, struct fault_stats *out)
{
	*out = f->st;
}
