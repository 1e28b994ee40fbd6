// SPDX-License-Identifier: MIT
/*
 * The backend actor (see backend.h).  A pending entry per ring slot holds
 * the target I/O of a request between submission and response; since a
 * backend never has more requests outstanding than the ring has slots,
 * the pool cannot run dry.  Everything is allocated at creation.
 *
 * The policies are strategies picked at creation (docs/grants.md,
 * docs/policies.md): be->gops, how a request's granted pages are reached
 * (NULL for static grants: the table's pages are used in place, as
 * before); the budget, requests per pass (UINT_MAX for none); and whether
 * responses are pushed one by one or once per batch (be->unpushed counts
 * the ones put and not yet pushed).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/backend.h"

struct backend_pending {
	struct target_io tio;
	uint64_t id;	    /* the frontend's, echoed */
	uint32_t len_bytes; /* what the target must transfer */
	uint8_t operation;
	uint8_t tries; /* submissions again after -EAGAIN */
	uint64_t consumed_ns, submitted_ns; /* stage stamps */
};

struct backend;

/*
 * A grant strategy (docs/grants.md).  map() runs on a validated request
 * before the target sees it, with p->tio.iov pointing into the grant
 * table; unmap() before its response; frames() on the indirect pages of
 * a request before its descriptors are read (NULL: read in place).
 */
struct backend_grant_ops {
	void (*map)(struct backend *be, struct backend_pending *p);
	void (*unmap)(struct backend *be, struct backend_pending *p);
	void (*frames)(struct backend *be, uint64_t *const *frames,
		       unsigned int n);
};

struct backend {
	struct backend_config cfg;
	const struct backend_grant_ops *gops; /* NULL: static grants */
	struct ring_back ring;
	struct backend_pending *pending; /* one per ring slot */
	uint32_t *free_pending;		 /* stack of free indices */
	uint32_t nr_free;
	struct target_io **done; /* reap buffer */
	bool kicked;
	bool queued;	       /* submissions not yet flushed */
	uint32_t *pass_queued; /* pending queued this pass */
	unsigned int nr_pass_queued;
	uint64_t pass_ns; /* when this pass began */
	bool irq_held;	  /* an interrupt is owed, held */
	uint64_t held_since_ns;
	unsigned int held_count; /* responses since it was owed */
	struct backend_stats st;
	unsigned int budget;	  /* requests per pass; UINT_MAX: no limit */
	unsigned int unpushed;	  /* responses put and not pushed (batch) */
	struct grant_cache cache; /* persistent grants */
	uint8_t *bounce;	  /* copy: 11 pages per pending entry */
	struct iovec *giov;	  /* copy: the granted iovecs, 11 each */
};

static const struct backend_grant_ops map_ops, copy_ops, persistent_ops;

/*
 * Picks the grant strategy and allocates what it needs: the bounce pages
 * (copy), the cache (persistent).  0, or -ENOMEM with nothing held.
 */
static int grant_strategy(struct backend *be, unsigned int nr_ents)
{
	size_t segs = (size_t)nr_ents * BLKIF_MAX_SEGMENTS_PER_REQUEST;

	switch (be->cfg.grant_mode) {
	case BACKEND_GRANTS_MAP:
		be->gops = &map_ops;
		return 0;
	case BACKEND_GRANTS_COPY:
		be->gops = &copy_ops;
		be->bounce = aligned_alloc(XEN_PAGE_SIZE, segs * XEN_PAGE_SIZE);
		be->giov = calloc(segs, sizeof(*be->giov));
		if (be->bounce && be->giov)
			return 0;
		free(be->giov);
		free(be->bounce);
		return -ENOMEM;
	case BACKEND_GRANTS_PERSISTENT:
		be->gops = &persistent_ops;
		return grant_cache_init(&be->cache, be->cfg.grants->nr_pages,
					be->cfg.persistent_max);
	default:
		return 0;
	}
}

int backend_create(const struct backend_config *cfg, struct backend **out)
{
	unsigned int nr_ents;
	struct backend *be;

	if (cfg->ring_order > RING_ORDER_MAX || !cfg->sring || !cfg->grants ||
	    !cfg->irq || !cfg->target || !cfg->clock ||
	    cfg->grant_mode > BACKEND_GRANTS_PERSISTENT ||
	    (cfg->grant_mode == BACKEND_GRANTS_COPY &&
	     cfg->max_indirect_segments) ||
	    (cfg->grant_mode == BACKEND_GRANTS_PERSISTENT &&
	     !cfg->persistent_max))
		return -EINVAL;
	nr_ents = ring_entries(cfg->ring_order);
	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->cfg = *cfg;
	if (!be->cfg.coalesce_count)
		be->cfg.coalesce_count = 1;
	be->pending = calloc(nr_ents, sizeof(*be->pending));
	if (!be->pending)
		goto err_free_be;
	be->free_pending = calloc(nr_ents, sizeof(*be->free_pending));
	if (!be->free_pending)
		goto err_free_pending;
	be->done = calloc(nr_ents, sizeof(*be->done));
	if (!be->done)
		goto err_free_free;
	be->pass_queued = calloc(nr_ents, sizeof(*be->pass_queued));
	if (!be->pass_queued)
		goto err_free_done;
	if (grant_strategy(be, nr_ents))
		goto err_free_queued;
	be->budget = cfg->budget ? cfg->budget : UINT_MAX;

	ring_back_init(&be->ring, cfg->sring, cfg->ring_order);
	for (uint32_t i = 0; i < nr_ents; i++) {
		be->pending[i].tio.user = i;
		be->free_pending[i] = nr_ents - 1 - i;
	}
	be->nr_free = nr_ents;
	*out = be;
	return 0;

err_free_queued:
	free(be->pass_queued);
err_free_done:
	free(be->done);
err_free_free:
	free(be->free_pending);
err_free_pending:
	free(be->pending);
err_free_be:
	free(be);
	return -ENOMEM;
}

void backend_destroy(struct backend *be)
{
	if (!be)
		return;
	grant_cache_fini(&be->cache);
	free(be->giov);
	free(be->bounce);
	free(be->pass_queued);
	free(be->done);
	free(be->free_pending);
	free(be->pending);
	free(be);
}

void backend_kick(struct backend *be)
{
	be->st.kicks++;
	be->kicked = true;
}

/* Records a request's stage times for the frontend (see stamps.h). */
static void stamp(struct backend *be, uint64_t id, uint64_t consumed_ns,
		  uint64_t submitted_ns, uint64_t done_ns)
{
	struct sim_stamps *st;

	if (!be->cfg.stamps || id >= be->ring.nr_ents)
		return;
	st = &be->cfg.stamps[id];
	st->consumed_ns = consumed_ns;
	st->submitted_ns = submitted_ns;
	st->done_ns = done_ns;
	st->responded_ns = done_ns;
}

static void fire(struct backend *be)
{
	be->irq_held = false;
	be->st.irqs_sent++;
	evtchn_notify(be->cfg.irq, sim_now(be->cfg.clock));
	sim_charge(be->cfg.clock, be->cfg.irq->cfg.cost_ns);
}

/*
 * Pushes the @n responses put since the last push, then notifies per the
 * notify mode and the coalescing policy (which counts responses).
 * Inlined, so that pushing each response costs what it did before.
 */
static inline __attribute__((always_inline)) void publish(struct backend *be,
							  unsigned int n)
{
	bool notify;

	be->st.response_pushes++;
	switch (be->cfg.irq->cfg.notify) {
	case EVTCHN_NOTIFY_POLL:
		ring_back_push_responses(&be->ring);
		return;
	case EVTCHN_NOTIFY_ALWAYS:
		ring_back_push_responses(&be->ring);
		notify = true;
		break;
	default:
		notify = ring_back_push_responses_and_check_notify(&be->ring);
		break;
	}
	if (be->irq_held) {
		be->st.irqs_coalesced += n;
		be->held_count += n;
	} else if (notify) {
		be->irq_held = true;
		be->held_since_ns = sim_now(be->cfg.clock);
		be->held_count = n;
	} else {
		be->st.irqs_suppressed++;
		return;
	}
	if (be->held_count >= be->cfg.coalesce_count ||
	    sim_now(be->cfg.clock) - be->held_since_ns >= be->cfg.coalesce_ns)
		fire(be);
}

/*
 * Writes one response, as make_response() does, and pushes it at once
 * (respond each) or leaves it for publish_batch() (respond batch).
 */
static void respond(struct backend *be, uint64_t id, uint8_t op, int16_t status)
{
	sim_charge(be->cfg.clock, be->cfg.response_cost_ns);
	ring_back_put_response(&be->ring, id, op, status);
	be->st.responses++;
	if (be->cfg.respond_batch)
		be->unpushed++;
	else
		publish(be, 1);
}

/* Pushes the responses of a batch (a pass, a reap) in one go. */
static void publish_batch(struct backend *be)
{
	if (be->unpushed) {
		publish(be, be->unpushed);
		be->unpushed = 0;
	}
}

uint64_t backend_deadline_ns(const struct backend *be)
{
	return be->irq_held ? be->held_since_ns + be->cfg.coalesce_ns :
			      UINT64_MAX;
}

void backend_tick(struct backend *be)
{
	if (be->irq_held &&
	    sim_now(be->cfg.clock) >= be->held_since_ns + be->cfg.coalesce_ns)
		fire(be);
}

/* Answers a request that failed validation, remembering why. */
static void refuse(struct backend *be, const struct blkif_request *req,
		   int16_t status, const char *why)
{
	if (status == BLKIF_RSP_EOPNOTSUPP)
		be->st.unsupported++;
	else
		be->st.bad_requests++;
	snprintf(be->st.error, sizeof(be->st.error), "request id %llu: %s",
		 (unsigned long long)req->id, why);
	stamp(be, req->id, be->pass_ns, be->pass_ns, be->pass_ns);
	respond(be, req->id, req->operation, status);
}

/*
 * Checks one segment of the private copy and maps it into iovec @i of
 * @tio, adding its sectors to *@sectors.  Returns NULL, or the reason.
 */
static const char *map_segment(const struct backend *be,
			       struct blkif_request_segment seg,
			       struct target_io *tio, unsigned int i,
			       uint64_t *sectors)
{
	uint8_t *page;

	if (seg.last_sect >= BLKIF_SECTORS_PER_PAGE ||
	    seg.first_sect > seg.last_sect)
		return "segment sectors outside the page";
	page = grant_page(be->cfg.grants, seg.gref);
	if (!page)
		return "grant reference outside the grant table";
	tio->iov[i].iov_base = page + seg.first_sect * BLKIF_SECTOR_SIZE;
	tio->iov[i].iov_len = (size_t)(seg.last_sect - seg.first_sect + 1) *
			      BLKIF_SECTOR_SIZE;
	*sectors += seg.last_sect - seg.first_sect + 1u;
	return NULL;
}

/* Checks the disk range and completes @tio.  NULL, or the reason. */
static const char *map_range(const struct backend *be, uint64_t sector,
			     uint64_t sectors, bool write, unsigned int nr,
			     struct target_io *tio, uint32_t *len_bytes)
{
	uint64_t disk_sectors = be->cfg.disk_bytes / BLKIF_SECTOR_SIZE;

	if (write && be->cfg.read_only)
		return "write to a read-only disk";
	if (sector > disk_sectors || sectors > disk_sectors - sector)
		return "sector range beyond the end of the disk";
	tio->nr_iov = nr;
	tio->offset_bytes = sector * BLKIF_SECTOR_SIZE;
	tio->write = write;
	*len_bytes = (uint32_t)(sectors * BLKIF_SECTOR_SIZE);
	return NULL;
}

/*
 * Validates the private copy of a direct request and turns it into a
 * target I/O in @tio.  Returns NULL, or the reason it was refused.
 */
static const char *validate(const struct backend *be,
			    const struct blkif_request *req,
			    struct target_io *tio, uint32_t *len_bytes)
{
	uint64_t sectors = 0;
	const char *why;

	if (req->nr_segments == 0 ||
	    req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return "segment count out of range (1..11)";
	for (unsigned int s = 0; s < req->nr_segments; s++) {
		why = map_segment(be, req->seg[s], tio, s, &sectors);
		if (why)
			return why;
	}
	return map_range(be, req->sector_number, sectors,
			 req->operation == BLKIF_OP_WRITE, req->nr_segments,
			 tio, len_bytes);
}

/* A segment descriptor read from an indirect page as one 8-byte word. */
union backend_seg_word {
	struct blkif_request_segment seg;
	uint64_t word;
};

/*
 * Validates the private copy of an indirect request.  The indirect pages
 * are frontend memory: each descriptor is read exactly once (one 8-byte
 * load) and only the copy is checked and used, as Linux blkback reads
 * them with READ_ONCE.  Returns NULL, or the reason it was refused.
 */
static const char *validate_indirect(struct backend *be,
				     const struct blkif_request_indirect *req,
				     struct target_io *tio, uint32_t *len_bytes)
{
	uint64_t *frames[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	unsigned int nr = req->nr_segments, nframes;
	uint64_t sectors = 0;
	const char *why;

	if (req->indirect_op != BLKIF_OP_READ &&
	    req->indirect_op != BLKIF_OP_WRITE)
		return "indirect operation is not read or write";
	if (nr == 0 || nr > be->cfg.max_indirect_segments)
		return "indirect segment count out of range";
	nframes = (nr + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) /
		  BLKIF_SEGS_PER_INDIRECT_FRAME;
	for (unsigned int i = 0; i < nframes; i++) {
		frames[i] = grant_page(be->cfg.grants, req->indirect_grefs[i]);
		if (!frames[i])
			return "indirect page outside the grant table";
	}
	if (be->gops && be->gops->frames)
		be->gops->frames(be, frames, nframes);
	for (unsigned int s = 0; s < nr; s++) {
		union backend_seg_word sw;

		sw.word = ring_load_relaxed(
			&frames[s / BLKIF_SEGS_PER_INDIRECT_FRAME]
			       [s % BLKIF_SEGS_PER_INDIRECT_FRAME]);
		why = map_segment(be, sw.seg, tio, s, &sectors);
		if (why)
			return why;
	}
	return map_range(be, req->sector_number, sectors,
			 req->indirect_op == BLKIF_OP_WRITE, nr, tio,
			 len_bytes);
}

/* ---- Grant strategies (docs/grants.md) ------------------------------------ */

/* The grant page that @addr (inside the table, already checked) is in. */
static uint32_t page_index(const struct backend *be, const void *addr)
{
	return (uint32_t)(((const uint8_t *)addr - be->cfg.grants->pages) /
			  XEN_PAGE_SIZE);
}

/*
 * Charges @n grant operations of @per_ns each, made as blkback makes them:
 * gnttab calls of at most 11 operations (BLKIF_MAX_SEGMENTS_PER_REQUEST)
 * each, every call costing grant_call_ns.
 */
static void grant_ops(struct backend *be, unsigned int n, uint64_t per_ns)
{
	unsigned int calls = (n + BLKIF_MAX_SEGMENTS_PER_REQUEST - 1) /
			     BLKIF_MAX_SEGMENTS_PER_REQUEST;

	be->st.grant_calls += calls;
	sim_charge(be->cfg.clock, calls * be->cfg.grant_call_ns + n * per_ns);
}

static void grant_maps(struct backend *be, unsigned int n)
{
	be->st.grant_maps += n;
	grant_ops(be, n, be->cfg.grant_map_ns);
}

static void grant_unmaps(struct backend *be, unsigned int n)
{
	be->st.grant_unmaps += n;
	grant_ops(be, n, be->cfg.grant_unmap_ns);
}

/* Map: every segment mapped in one batch, unmapped in one after. */
static void map_request(struct backend *be, struct backend_pending *p)
{
	grant_maps(be, p->tio.nr_iov);
}

static void unmap_request(struct backend *be, struct backend_pending *p)
{
	grant_unmaps(be, p->tio.nr_iov);
}

/* Indirect pages are mapped, read and unmapped at once (blkback). */
static void map_frames(struct backend *be, uint64_t *const *frames,
		       unsigned int n)
{
	(void)frames;
	grant_maps(be, n);
	grant_unmaps(be, n);
}

static const struct backend_grant_ops map_ops = {
	.map = map_request,
	.unmap = unmap_request,
	.frames = map_frames,
};

/*
 * Copy: the target works on the pending entry's bounce pages; a write's
 * data is copied in before submission, a read's out after it succeeded,
 * each in one grant-copy call per request (QEMU's
 * xen_device_copy_grant_refs).  Each segment keeps its offset in the page.
 */
static void copy_segments(struct backend *be, const struct backend_pending *p,
			  bool out)
{
	const struct iovec *g =
		be->giov + p->tio.user * BLKIF_MAX_SEGMENTS_PER_REQUEST;
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < p->tio.nr_iov; i++) {
		if (out)
			memcpy(g[i].iov_base, p->tio.iov[i].iov_base,
			       g[i].iov_len);
		else
			memcpy(p->tio.iov[i].iov_base, g[i].iov_base,
			       g[i].iov_len);
		bytes += g[i].iov_len;
	}
	be->st.grant_copies += p->tio.nr_iov;
	be->st.grant_copy_bytes += bytes;
	grant_ops(be, p->tio.nr_iov, be->cfg.grant_copy_ns);
}

static void copy_in(struct backend *be, struct backend_pending *p)
{
	struct iovec *g =
		be->giov + p->tio.user * BLKIF_MAX_SEGMENTS_PER_REQUEST;
	uint8_t *bounce = be->bounce + p->tio.user *
					       BLKIF_MAX_SEGMENTS_PER_REQUEST *
					       XEN_PAGE_SIZE;

	for (unsigned int i = 0; i < p->tio.nr_iov; i++) {
		size_t in_page = (size_t)((uint8_t *)p->tio.iov[i].iov_base -
					  be->cfg.grants->pages) %
				 XEN_PAGE_SIZE;

		g[i] = p->tio.iov[i];
		p->tio.iov[i].iov_base =
			bounce + (size_t)i * XEN_PAGE_SIZE + in_page;
	}
	if (p->tio.write)
		copy_segments(be, p, false);
}

static void copy_out(struct backend *be, struct backend_pending *p)
{
	if (!p->tio.write && p->tio.result == (int32_t)p->len_bytes)
		copy_segments(be, p, true);
}

static const struct backend_grant_ops copy_ops = {
	.map = copy_in,
	.unmap = copy_out,
};

/*
 * Persistent: each segment's grant is looked up in the cache; the misses
 * are mapped in one batch, the mappings the LRU evicted for them unmapped
 * in another.  At the response the grants are released; those mapped for
 * one use only (the cache full of grants in use) are unmapped.
 */
static void persistent_get(struct backend *be, const void *addr,
			   unsigned int *maps, unsigned int *unmaps)
{
	uint32_t evicted;

	switch (grant_cache_get(&be->cache, page_index(be, addr), &evicted)) {
	case GRANT_CACHE_HIT:
		be->st.pgrant_hits++;
		break;
	case GRANT_CACHE_EVICT:
		be->st.pgrant_evictions++;
		(*unmaps)++;
		/* fall through */
	case GRANT_CACHE_MISS:
		be->st.pgrant_misses++;
		(*maps)++;
		break;
	case GRANT_CACHE_UNCACHED:
		be->st.pgrant_misses++;
		be->st.pgrant_uncached++;
		(*maps)++;
		break;
	}
}

static void persistent_map(struct backend *be, struct backend_pending *p)
{
	unsigned int maps = 0, unmaps = 0;

	for (unsigned int i = 0; i < p->tio.nr_iov; i++)
		persistent_get(be, p->tio.iov[i].iov_base, &maps, &unmaps);
	if (maps)
		grant_maps(be, maps);
	if (unmaps)
		grant_unmaps(be, unmaps);
}

static void persistent_unmap(struct backend *be, struct backend_pending *p)
{
	unsigned int unmaps = 0;

	for (unsigned int i = 0; i < p->tio.nr_iov; i++)
		unmaps += grant_cache_put(
			&be->cache, page_index(be, p->tio.iov[i].iov_base));
	if (unmaps)
		grant_unmaps(be, unmaps);
}

/* Indirect pages go through the cache too, released once read. */
static void persistent_frames(struct backend *be, uint64_t *const *frames,
			      unsigned int n)
{
	unsigned int maps = 0, unmaps = 0;

	for (unsigned int i = 0; i < n; i++)
		persistent_get(be, frames[i], &maps, &unmaps);
	if (maps)
		grant_maps(be, maps);
	for (unsigned int i = 0; i < n; i++)
		unmaps +=
			grant_cache_put(&be->cache, page_index(be, frames[i]));
	if (unmaps)
		grant_unmaps(be, unmaps);
}

static const struct backend_grant_ops persistent_ops = {
	.map = persistent_map,
	.unmap = persistent_unmap,
	.frames = persistent_frames,
};

/* ---- Serving -------------------------------------------------------------- */

/* The grant strategy's unmap (or copy out) of a served request. */
static inline void release(struct backend *be, struct backend_pending *p)
{
	if (be->gops)
		be->gops->unmap(be, p);
}

/*
 * Answers a served request.  The grant strategy's unmap() must have run
 * (release()): it is called by finish()'s callers, where it costs no
 * register saves on the neutral path.
 */
static void finish(struct backend *be, struct backend_pending *p,
		   uint64_t done_ns)
{
	int16_t status = BLKIF_RSP_OKAY;

	if (p->tio.result != (int32_t)p->len_bytes) {
		be->st.io_errors++;
		status = BLKIF_RSP_ERROR;
	}
	be->free_pending[be->nr_free++] = (uint32_t)p->tio.user;
	stamp(be, p->id, p->consumed_ns, p->submitted_ns, done_ns);
	respond(be, p->id, p->operation, status);
}

/*
 * Sends what was queued in this pass to the device and stamps it.
 * Returns false if the target failed, which stops the ring.
 */
static bool flush(struct backend *be)
{
	uint64_t now;
	int rc;

	if (!be->queued)
		return true;
	be->st.flushes++;
	sim_charge(be->cfg.clock, be->cfg.flush_cost_ns);
	rc = be->cfg.target->flush(be->cfg.target_state);
	now = sim_now(be->cfg.clock);
	for (unsigned int i = 0; i < be->nr_pass_queued; i++)
		be->pending[be->pass_queued[i]].submitted_ns = now;
	be->nr_pass_queued = 0;
	be->queued = false;
	if (rc < 0) {
		be->st.dead = true;
		snprintf(be->st.error, sizeof(be->st.error),
			 "target %s: submit failed: error %d",
			 be->cfg.target->name, -rc);
		return false;
	}
	return true;
}

/*
 * Hands @p to the target, again while it refuses with -EAGAIN and the
 * retry policy allows.  Returns what the target's submit() returned.
 */
static int submit(struct backend *be, struct backend_pending *p)
{
	int rc;

	for (;;) {
		rc = be->cfg.target->submit(be->cfg.target_state, &p->tio);
		if (rc != TARGET_DONE || p->tio.result != -EAGAIN ||
		    p->tries >= be->cfg.max_retries)
			return rc;
		p->tries++;
		be->st.retries++;
	}
}

/* Queues @p's I/O, submitted and accepted, for the pass's flush. */
static void queued(struct backend *be, struct backend_pending *p)
{
	be->st.inflight++;
	be->queued = true;
	be->pass_queued[be->nr_pass_queued++] = (uint32_t)p->tio.user;
	if (be->cfg.submit_per_request)
		flush(be);
}

/* Serves one request copied out of the ring. */
static void serve(struct backend *be, const union blkif_sring_entry *e)
{
	const struct blkif_request *req = &e->req;
	struct backend_pending *p;
	const char *why;
	int rc;

	sim_charge(be->cfg.clock, be->cfg.request_cost_ns);
	/* The pool has a slot per ring entry: it cannot be empty here. */
	p = &be->pending[be->free_pending[be->nr_free - 1]];
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		why = validate(be, req, &p->tio, &p->len_bytes);
		break;
	case BLKIF_OP_INDIRECT:
		if (!be->cfg.max_indirect_segments) {
			/* Not advertised: refused like an unknown operation. */
			refuse(be, req, BLKIF_RSP_EOPNOTSUPP,
			       "indirect descriptors not advertised");
			return;
		}
		why = validate_indirect(be, &e->ind, &p->tio, &p->len_bytes);
		break;
	default:
		refuse(be, req, BLKIF_RSP_EOPNOTSUPP, "operation not served");
		return;
	}
	if (why) {
		refuse(be, req, BLKIF_RSP_ERROR, why);
		return;
	}
	be->nr_free--;
	p->id = req->id;
	p->operation = req->operation;
	p->consumed_ns = be->pass_ns;
	p->submitted_ns = be->pass_ns;
	p->tries = 0;
	if (be->gops)
		be->gops->map(be, p);
	rc = submit(be, p);
	if (rc == TARGET_DONE) {
		release(be, p);
		finish(be, p, be->pass_ns);
	} else if (rc == TARGET_QUEUED) {
		queued(be, p);
	} else {
		p->tio.result = rc < 0 ? rc : -EIO;
		release(be, p);
		finish(be, p, be->pass_ns);
	}
}

unsigned int backend_consume(struct backend *be)
{
	unsigned int n = 0, room;

	if (!be->kicked || be->st.dead)
		return 0;
	be->kicked = false;
	do {
		/* Read once; this snapshot bounds the pass. */
		RING_IDX rp = ring_back_req_prod(&be->ring);

		if (ring_back_request_prod_overflow(&be->ring, rp)) {
			be->st.dead = true;
			snprintf(be->st.error, sizeof(be->st.error),
				 "frontend provided bogus ring requests "
				 "(producer %u, %u answered, %u entries): "
				 "halting ring processing",
				 rp, be->ring.rsp_prod_pvt, be->ring.nr_ents);
			return n;
		}
		/*
		 * Behind what this backend has already consumed (but not
		 * behind its responses): Linux blkback walks the ~2^32 stale
		 * slots to catch up, each answered at once so that the
		 * consumer check never stops it; a thread lost for minutes.
		 * blkring stops the ring instead.
		 */
		if ((RING_IDX)(rp - be->ring.req_cons) > be->ring.nr_ents) {
			be->st.dead = true;
			snprintf(be->st.error, sizeof(be->st.error),
				 "frontend moved the request producer back "
				 "(producer %u, %u consumed): halting ring "
				 "processing",
				 rp, be->ring.req_cons);
			return n;
		}
		be->st.passes++;
		/* After the snapshot: nothing consumed now was put later. */
		be->pass_ns = sim_now(be->cfg.clock);
		room = be->budget - n;
		while (be->ring.req_cons != rp && room && !be->st.dead &&
		       !ring_back_request_cons_overflow(&be->ring,
							be->ring.req_cons)) {
			union blkif_sring_entry e;

			ring_back_copy_request(&be->ring, be->ring.req_cons++,
					       &e.req);
			be->st.requests++;
			serve(be, &e);
			n++;
			room--;
		}
		if (!flush(be))
			return n;
		publish_batch(be);
		if (!room && be->ring.req_cons != rp) {
			/* The budget is spent: respond, then look again. */
			be->st.budget_stops++;
			be->kicked = true;
			return n;
		}
	} while (ring_back_final_check_for_requests(&be->ring));
	return n;
}

/*
 * Submits again an I/O the target completed with -EAGAIN.  Returns true
 * if it is back in flight, false if it completed (answer it now).
 */
static bool retry(struct backend *be, struct backend_pending *p)
{
	int rc;

	p->tries++;
	be->st.retries++;
	rc = submit(be, p);
	if (rc == TARGET_QUEUED) {
		queued(be, p);
		return true;
	}
	if (rc != TARGET_DONE)
		p->tio.result = rc < 0 ? rc : -EIO;
	return false;
}

unsigned int backend_reap(struct backend *be)
{
	uint64_t now;
	int n;

	if (be->st.inflight == 0)
		return 0;
	n = be->cfg.target->reap(be->cfg.target_state, be->done,
				 be->ring.nr_ents, false);
	if (n < 0) {
		be->st.dead = true;
		snprintf(be->st.error, sizeof(be->st.error),
			 "target %s: reap failed: error %d",
			 be->cfg.target->name, -n);
		return 0;
	}
	now = n ? sim_now(be->cfg.clock) : 0;
	for (int i = 0; i < n; i++) {
		struct backend_pending *p = &be->pending[be->done[i]->user];

		be->st.inflight--;
		if (p->tio.result == -EAGAIN &&
		    p->tries < be->cfg.max_retries && retry(be, p))
			continue;
		release(be, p);
		finish(be, p, now);
	}
	flush(be);
	publish_batch(be);
	return (unsigned int)n;
}

bool backend_busy(const struct backend *be)
{
	return be->st.inflight > 0;
}

void backend_stats(const struct backend *be, struct backend_stats *out)
{
	*out = be->st;
}
