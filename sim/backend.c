// SPDX-License-Identifier: MIT
/*
 * The backend actor (see backend.h).  A pending entry per ring slot holds
 * the target I/O of a request between submission and response; since a
 * backend never has more requests outstanding than the ring has slots,
 * the pool cannot run dry.  Everything is allocated at creation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/backend.h"

struct backend_pending {
	struct target_io tio;
	uint64_t id;	    /* the frontend's, echoed */
	uint32_t len_bytes; /* what the target must transfer */
	uint8_t operation;
	uint64_t consumed_ns, submitted_ns; /* stage stamps */
};

struct backend {
	struct backend_config cfg;
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
};

int backend_create(const struct backend_config *cfg, struct backend **out)
{
	unsigned int nr_ents;
	struct backend *be;

	if (cfg->ring_order > RING_ORDER_MAX || !cfg->sring || !cfg->grants ||
	    !cfg->irq || !cfg->target || !cfg->clock)
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

	ring_back_init(&be->ring, cfg->sring, cfg->ring_order);
	for (uint32_t i = 0; i < nr_ents; i++) {
		be->pending[i].tio.user = i;
		be->free_pending[i] = nr_ents - 1 - i;
	}
	be->nr_free = nr_ents;
	*out = be;
	return 0;

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
 * Writes one response and pushes it, as make_response() does, then
 * notifies per the notify mode and the coalescing policy.
 */
static void respond(struct backend *be, uint64_t id, uint8_t op, int16_t status)
{
	bool notify;

	sim_charge(be->cfg.clock, be->cfg.response_cost_ns);
	ring_back_put_response(&be->ring, id, op, status);
	be->st.responses++;
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
		be->st.irqs_coalesced++;
		be->held_count++;
	} else if (notify) {
		be->irq_held = true;
		be->held_since_ns = sim_now(be->cfg.clock);
		be->held_count = 1;
	} else {
		be->st.irqs_suppressed++;
		return;
	}
	if (be->held_count >= be->cfg.coalesce_count ||
	    sim_now(be->cfg.clock) - be->held_since_ns >= be->cfg.coalesce_ns)
		fire(be);
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
static const char *validate_indirect(const struct backend *be,
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
	rc = be->cfg.target->submit(be->cfg.target_state, &p->tio);
	if (rc == TARGET_DONE) {
		finish(be, p, be->pass_ns);
	} else if (rc == TARGET_QUEUED) {
		be->st.inflight++;
		be->queued = true;
		be->pass_queued[be->nr_pass_queued++] = (uint32_t)p->tio.user;
		if (be->cfg.submit_per_request)
			flush(be);
	} else {
		p->tio.result = rc < 0 ? rc : -EIO;
		finish(be, p, be->pass_ns);
	}
}

unsigned int backend_consume(struct backend *be)
{
	unsigned int n = 0;

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
		be->st.passes++;
		/* After the snapshot: nothing consumed now was put later. */
		be->pass_ns = sim_now(be->cfg.clock);
		while (be->ring.req_cons != rp && !be->st.dead &&
		       !ring_back_request_cons_overflow(&be->ring,
							be->ring.req_cons)) {
			union blkif_sring_entry e;

			ring_back_copy_request(&be->ring, be->ring.req_cons++,
					       &e.req);
			be->st.requests++;
			serve(be, &e);
			n++;
		}
		if (!flush(be))
			return n;
	} while (ring_back_final_check_for_requests(&be->ring));
	return n;
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
		finish(be, p, now);
	}
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
