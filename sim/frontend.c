// SPDX-License-Identifier: MIT
/*
 * The frontend actor (see frontend.h).  Every table is allocated at
 * creation and sized by the ring and the queue depth; the per-I/O path
 * only pops and pushes free lists.
 *
 * Request ids are shadow indices, as in blkfront: a shadow entry per ring
 * slot remembers which I/O a request belongs to and what it asked for, so
 * a response can be checked against it.  Shadow i owns grant pages
 * i * 11 .. i * 11 + 10, so a request never shares a page with another.
 *
 * The policies are strategies picked at creation: fe->dispatch (put on
 * the ring, or hand to the internal queue) and fe->irq (reap, or only
 * acknowledge).  With a gate every entry runs between enter() and leave();
 * leave() publishes, for the threads that do not take the gate, whether
 * the actor is finished, whether submission is idle until a completion,
 * and the number of completions, and wakes the submit worker when a
 * completion freed room for the I/Os waiting in its queue.  Without a
 * gate none of this runs: the neutral path is the single-threaded one.
 */
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/frontend.h"

#define SECTORS_PER_SEG BLKIF_SECTORS_PER_PAGE
#define NONE UINT32_MAX

struct frontend_io {
	uint64_t offset_bytes;
	uint64_t submit_ns;
	uint64_t handoff_ns; /* put on the internal queue; 0: direct */
	uint32_t len_bytes;
	uint32_t parts_left; /* ring requests not yet answered */
	bool write;
	bool failed;
	uint8_t bs_index; /* the workload's bssplit entry */
};

/*
 * verify=crc32c: one 4 KiB block of the region.  gen is the generation of
 * the latest write admitted (0: none in this run); a write admitted sets
 * VB_WRITING until it completes, a read counts itself in readers.  The
 * serialization rule (admit()) keeps a write from being admitted while
 * the block is being read or written and a read while it is written, so
 * a read always sees the generation of the block's last completed write.
 */
struct frontend_vblock {
	uint32_t gen;
	uint16_t readers; /* reads in flight; iodepth <= 4096 */
	uint8_t flags;	  /* VB_* */
};

/* docs/workloads.md states the table's cost: 8 bytes per 4 KiB block. */
_Static_assert(sizeof(struct frontend_vblock) == 8, "vblock entry size");

#define VB_WRITING 0x1 /* a write of the block is in flight */
#define VB_UNKNOWN 0x2 /* its last write failed: content unknown */

struct frontend_shadow {
	uint64_t put_ns;    /* put on the ring */
	uint32_t io;	    /* index into ios, NONE when free */
	uint32_t len_bytes; /* of this part */
	uint64_t offset_bytes;
	uint8_t operation;
};

struct frontend;
typedef unsigned int (*frontend_step_fn)(struct frontend *fe);

struct frontend {
	struct frontend_config cfg;
	frontend_step_fn dispatch; /* the submit path's strategy */
	frontend_step_fn irq;	   /* the completion path's strategy */
	struct ring_front ring;
	struct frontend_io *ios; /* iodepth of them */
	uint32_t *free_ios;	 /* stack of free I/O indices */
	uint32_t nr_free_ios;
	struct frontend_shadow *shadows; /* one per ring slot */
	uint32_t *free_ids;		 /* stack of free shadow ids */
	uint32_t nr_free_ids;
	uint32_t *upper;		/* FIFO of queued I/O indices */
	uint32_t upper_head, upper_len; /* capacity iodepth */
	uint32_t *handoff;		/* the submit worker's FIFO */
	uint32_t ho_head, ho_len;	/* capacity iodepth */
	unsigned int dispatched;	/* I/Os handed to the miniport */
	unsigned int unpushed;		/* I/Os put but not pushed */
	unsigned int qd_cap;		/* effective: iodepth if none */
	uint32_t part_bytes;		/* max_segments pages */
	unsigned int stride;		/* grant pages per shadow */
	uint32_t nr_tasks;		/* shadow ids in all */
	struct wl_io next;		/* taken from the workload */
	bool have_next, exhausted, stopped;
	bool stalled_depth, stalled_cap, stalled_task, stalled_ring;
	bool open_loop; /* the workload stamps issue times */
	bool started;
	bool thinking;		/* next's think time has begun */
	uint64_t think_due_ns;	/* when it ends (thinking only) */
	uint64_t t0_ns;		/* the first frontend_submit(): issue_ns 0 */
	uint64_t area_since_ns; /* last change of inflight */
	uint64_t handler_ns;	/* this reap's handler start; 0: at once */
	/* Gated only: under the gate. */
	uint64_t done_seen; /* completions at the last leave() */
	bool wake_worker;   /* notify the submit worker at leave() */
	/* Gated only: read without the gate (see leave()). */
	atomic_bool fin;	      /* frontend_finished() */
	atomic_bool idle;	      /* submit needs a completion first */
	_Atomic uint64_t completions; /* frontend_completions() */
	_Atomic uint64_t ack_ns;      /* deferred: the last acknowledgement */
	struct frontend_stats st;
	/*
	 * Persistent grants (cfg.grant_copy): the I/Os' own pages, shaped as
	 * the grant table, copied to and from the granted pages; NULL: the
	 * data is placed in the granted pages directly.
	 */
	uint8_t *bio;
	/*
	 * verify=crc32c: a block per 4 KiB of the workload's region,
	 * allocated at creation (8 bytes per block); NULL otherwise.
	 */
	struct frontend_vblock *vt;
	uint64_t vt_base, vt_nblocks; /* the region's offset, its blocks */
	/*
	 * Next overlaps an I/O in flight.  Written by the submitting thread
	 * only; kept away from the bools the submit worker writes, so that
	 * frontend_next_due_ns() (no gate) reading it and stalled_depth is
	 * not compiled into one wider load that spans theirs.
	 */
	bool stalled_overlap;
};

/* Indirect pages that hold @segs segment descriptors. */
static unsigned int indirect_pages(unsigned int segs)
{
	return (segs + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) /
	       BLKIF_SEGS_PER_INDIRECT_FRAME;
}

/*
 * Grant pages per shadow: data pages for the largest request, then its
 * indirect pages.
 */
static unsigned int shadow_stride(unsigned int indirect_segments)
{
	if (indirect_segments <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_MAX_SEGMENTS_PER_REQUEST;
	return indirect_segments + indirect_pages(indirect_segments);
}

uint32_t frontend_grant_pages(unsigned int ring_order,
			      unsigned int indirect_segments)
{
	return ring_entries(ring_order) * shadow_stride(indirect_segments);
}

int frontend_config_check(const struct frontend_config *cfg, char *why,
			  size_t why_len)
{
	if (cfg->ring_order > RING_ORDER_MAX) {
		snprintf(why, why_len, "ring order %u out of range (0..%u)",
			 cfg->ring_order, RING_ORDER_MAX);
		return -EINVAL;
	}
	if (cfg->iodepth < 1) {
		snprintf(why, why_len, "iodepth must be at least 1");
		return -EINVAL;
	}
	if (cfg->max_segments < 1 ||
	    cfg->max_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		snprintf(why, why_len, "max segments %u out of range (1..%u)",
			 cfg->max_segments, BLKIF_MAX_SEGMENTS_PER_REQUEST);
		return -EINVAL;
	}
	if (cfg->qd_cap > cfg->iodepth) {
		snprintf(why, why_len,
			 "QD cap %u above iodepth %u (allowed 0..iodepth)",
			 cfg->qd_cap, cfg->iodepth);
		return -EINVAL;
	}
	if (!cfg->sring || !cfg->grants || !cfg->kick || !cfg->workload ||
	    !cfg->clock || !cfg->complete) {
		snprintf(why, why_len, "frontend is not wired up");
		return -EINVAL;
	}
	if (cfg->indirect_segments > FRONTEND_MAX_INDIRECT) {
		snprintf(why, why_len,
			 "indirect segments %u out of range (0..%u)",
			 cfg->indirect_segments, FRONTEND_MAX_INDIRECT);
		return -EINVAL;
	}
	if (cfg->submit_path == FRONTEND_SUBMIT_WORKER && !cfg->handoff) {
		snprintf(why, why_len, "submit path worker: no handoff port");
		return -EINVAL;
	}
	if (cfg->completion == FRONTEND_COMPLETE_DEFERRED && !cfg->defer) {
		snprintf(why, why_len, "completion deferred: no defer port");
		return -EINVAL;
	}
	if ((cfg->submit_path == FRONTEND_SUBMIT_WORKER ||
	     cfg->completion == FRONTEND_COMPLETE_DEFERRED) &&
	    !cfg->gate) {
		snprintf(why, why_len,
			 "a submit or deferred worker shares the ring and the "
			 "task pool with the other paths: it needs the lock "
			 "(lock single)");
		return -EINVAL;
	}
	if (cfg->verify == FRONTEND_VERIFY_CRC32C) {
		uint64_t off, size;
		uint32_t grid;

		wl_region(cfg->workload, &off, &size, &grid);
		if (off % WL_VBLOCK_BYTES || grid % WL_VBLOCK_BYTES) {
			snprintf(why, why_len,
				 "verify crc32c checks whole %u-byte blocks: "
				 "the region starts at %llu and I/Os are "
				 "multiples of %u bytes (need multiples of %u "
				 "for both)",
				 WL_VBLOCK_BYTES, (unsigned long long)off, grid,
				 WL_VBLOCK_BYTES);
			return -EINVAL;
		}
	}
	if (cfg->grants->nr_pages <
	    frontend_grant_pages(cfg->ring_order, cfg->indirect_segments)) {
		snprintf(why, why_len, "grant table has %u pages, needs %u",
			 cfg->grants->nr_pages,
			 frontend_grant_pages(cfg->ring_order,
					      cfg->indirect_segments));
		return -EINVAL;
	}
	return 0;
}

static void choose_strategies(struct frontend *fe);

int frontend_create(const struct frontend_config *cfg, struct frontend **out)
{
	char why[128];
	struct frontend *fe;
	unsigned int nr_ents = ring_entries(cfg->ring_order);

	if (frontend_config_check(cfg, why, sizeof(why)))
		return -EINVAL;
	fe = calloc(1, sizeof(*fe));
	if (!fe)
		return -ENOMEM;
	fe->cfg = *cfg;
	fe->ios = calloc(cfg->iodepth, sizeof(*fe->ios));
	if (!fe->ios)
		goto err_free_fe;
	fe->free_ios = calloc(cfg->iodepth, sizeof(*fe->free_ios));
	if (!fe->free_ios)
		goto err_free_ios;
	fe->upper = calloc(cfg->iodepth, sizeof(*fe->upper));
	if (!fe->upper)
		goto err_free_free_ios;
	fe->shadows = calloc(nr_ents, sizeof(*fe->shadows));
	if (!fe->shadows)
		goto err_free_upper;
	fe->free_ids = calloc(nr_ents, sizeof(*fe->free_ids));
	if (!fe->free_ids)
		goto err_free_shadows;
	fe->handoff = calloc(cfg->iodepth, sizeof(*fe->handoff));
	if (!fe->handoff)
		goto err_free_ids;

	ring_front_init(&fe->ring, cfg->sring, cfg->ring_order);
	/* Stacks popped from the end: the lowest index goes out first. */
	for (uint32_t i = 0; i < cfg->iodepth; i++)
		fe->free_ios[i] = cfg->iodepth - 1 - i;
	fe->nr_free_ios = cfg->iodepth;
	for (uint32_t i = 0; i < nr_ents; i++)
		fe->shadows[i].io = NONE;
	/*
	 * The task pool: request contexts (shadow entries) the miniport can
	 * have outstanding; fewer than the ring's slots caps what reaches it.
	 */
	fe->nr_free_ids = cfg->tasks && cfg->tasks < nr_ents ? cfg->tasks :
							       nr_ents;
	for (uint32_t i = 0; i < fe->nr_free_ids; i++)
		fe->free_ids[i] = fe->nr_free_ids - 1 - i;
	fe->nr_tasks = fe->nr_free_ids;
	/* Linux: indirect descriptors only if more than 11 segments. */
	if (cfg->indirect_segments <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		fe->cfg.indirect_segments = 0;
	fe->stride = shadow_stride(fe->cfg.indirect_segments);
	fe->part_bytes = (fe->cfg.indirect_segments ?
				  fe->cfg.indirect_segments :
				  cfg->max_segments) *
			 XEN_PAGE_SIZE;
	fe->qd_cap = cfg->qd_cap && cfg->qd_cap < cfg->iodepth ? cfg->qd_cap :
								 cfg->iodepth;
	if (!fe->cfg.push_batch)
		fe->cfg.push_batch = 1;
	fe->open_loop = wl_open_loop(cfg->workload);
	choose_strategies(fe);
	atomic_init(&fe->fin, false);
	atomic_init(&fe->idle, false);
	atomic_init(&fe->completions, 0);
	atomic_init(&fe->ack_ns, 0);
	if (cfg->grant_copy) {
		fe->bio = aligned_alloc(XEN_PAGE_SIZE, (size_t)nr_ents *
							       fe->stride *
							       XEN_PAGE_SIZE);
		if (!fe->bio)
			goto err_free_handoff;
	}
	if (cfg->verify == FRONTEND_VERIFY_CRC32C) {
		uint64_t size;
		uint32_t grid;

		wl_region(cfg->workload, &fe->vt_base, &size, &grid);
		fe->vt_nblocks = size / WL_VBLOCK_BYTES;
		fe->vt = calloc(fe->vt_nblocks ? fe->vt_nblocks : 1,
				sizeof(*fe->vt));
		if (!fe->vt)
			goto err_free_bio;
	}
	*out = fe;
	return 0;

err_free_bio:
	free(fe->bio);
err_free_handoff:
	free(fe->handoff);
err_free_ids:
	free(fe->free_ids);
err_free_shadows:
	free(fe->shadows);
err_free_upper:
	free(fe->upper);
err_free_free_ios:
	free(fe->free_ios);
err_free_ios:
	free(fe->ios);
err_free_fe:
	free(fe);
	return -ENOMEM;
}

void frontend_destroy(struct frontend *fe)
{
	if (!fe)
		return;
	free(fe->vt);
	free(fe->bio);
	free(fe->handoff);
	free(fe->free_ids);
	free(fe->shadows);
	free(fe->upper);
	free(fe->free_ios);
	free(fe->ios);
	free(fe);
}

/* Accounts the I/Os-in-flight integral up to @now (Little's law). */
static void account_inflight(struct frontend *fe, uint64_t now)
{
	fe->st.inflight_area_ns +=
		(uint64_t)fe->st.inflight * (now - fe->area_since_ns);
	fe->area_since_ns = now;
}

static uint8_t *shadow_page(const struct frontend *fe, uint32_t id,
			    unsigned int seg)
{
	return grant_page(fe->cfg.grants, grant_ref(id * fe->stride + seg));
}

/*
 * Where segment @seg of request @id has its data in the guest: the I/O's
 * own page with persistent grants (copied to and from the granted page),
 * else the granted page itself.
 */
static uint8_t *data_page(const struct frontend *fe, uint32_t id,
			  unsigned int seg)
{
	if (fe->bio)
		return fe->bio +
		       ((size_t)id * fe->stride + seg) * XEN_PAGE_SIZE;
	return shadow_page(fe, id, seg);
}

/* Persistent grants: copies @len bytes of segment @seg of request @id. */
static void grant_copy(struct frontend *fe, uint32_t id, unsigned int seg,
		       uint32_t len, bool to_grant)
{
	uint8_t *bio = data_page(fe, id, seg),
		*granted = shadow_page(fe, id, seg);

	memcpy(to_grant ? granted : bio, to_grant ? bio : granted, len);
	fe->st.grant_copy_bytes += len;
}

/* ---- verify=crc32c: the generation table ------------------------------ */

/* The table's entry for the block at absolute @off; NULL: not in it. */
static inline struct frontend_vblock *vt_at(const struct frontend *fe,
					    uint64_t off)
{
	uint64_t b = (off - fe->vt_base) / WL_VBLOCK_BYTES;

	return off >= fe->vt_base && b < fe->vt_nblocks ? &fe->vt[b] : NULL;
}

/*
 * Whether I/O @io must wait: a write while any of its blocks is read or
 * written, a read while any is written (the serialization rule).
 */
static bool vt_busy(const struct frontend *fe, const struct wl_io *io)
{
	uint8_t busy = 0;

	for (uint32_t done = 0; done < io->len_bytes; done += WL_VBLOCK_BYTES) {
		const struct frontend_vblock *vb =
			vt_at(fe, io->offset_bytes + done);

		if (!vb)
			continue;
		busy |= vb->flags & VB_WRITING;
		if (io->write)
			busy |= vb->readers != 0;
	}
	return busy;
}

/* Admits I/O @fio to its blocks: a write's new generation, a reader. */
static void vt_admit(struct frontend *fe, const struct frontend_io *fio)
{
	for (uint32_t done = 0; done < fio->len_bytes;
	     done += WL_VBLOCK_BYTES) {
		struct frontend_vblock *vb =
			vt_at(fe, fio->offset_bytes + done);

		if (!vb)
			continue;
		if (fio->write) {
			vb->gen++;
			vb->flags |= VB_WRITING;
		} else {
			vb->readers++;
		}
	}
}

/*
 * Releases finished I/O @fio's blocks.  A failed write leaves blocks
 * whose content nobody knows (landed, not landed, torn): not checked
 * until the next good write.
 */
static void vt_release(struct frontend *fe, const struct frontend_io *fio)
{
	for (uint32_t done = 0; done < fio->len_bytes;
	     done += WL_VBLOCK_BYTES) {
		struct frontend_vblock *vb =
			vt_at(fe, fio->offset_bytes + done);

		if (!vb)
			continue;
		if (fio->write)
			vb->flags = fio->failed ? VB_UNKNOWN : 0;
		else
			vb->readers--;
	}
}

/* Fills the 4 KiB block at @page for a write to @off. */
static void vt_fill(struct frontend *fe, uint8_t *page, uint64_t off)
{
	const struct frontend_vblock *vb = vt_at(fe, off);

	wl_vblock_fill(page, off, vb ? vb->gen : 0, fe->cfg.verify_seed);
}

/* Counts a mismatch and keeps the first FRONTEND_VERIFY_DETAILS. */
static void vt_mismatch(struct frontend *fe, uint64_t off, enum wl_vfield field,
			uint64_t expected, uint64_t actual)
{
	fe->st.verify_errors++;
	if (fe->st.verify_nr_details < FRONTEND_VERIFY_DETAILS)
		fe->st.verify_details[fe->st.verify_nr_details++] =
			(struct frontend_verify_mismatch){
				.offset_bytes = off,
				.expected = expected,
				.actual = actual,
				.field = field,
			};
}

/*
 * Checks the 4 KiB block read at @off into @page; false on a mismatch.
 * A block whose last write in this run completed must hold exactly that
 * write: magic, checksum, offset, length, seed and generation.  A block
 * this run has not written (or whose last write failed) is counted as
 * unwritten when it carries no header; when it does (a previous job's or
 * run's, recognised by its magic, or by its offset and length when the
 * magic is damaged), its magic, checksum, offset and length are still
 * checked.
 */
static bool vt_check(struct frontend *fe, const uint8_t *page, uint64_t off)
{
	const struct frontend_vblock *vb = vt_at(fe, off);
	bool known = vb && vb->gen;
	struct wl_vblock_header h;
	uint32_t crc;
	enum wl_vfield f;

	if (vb && (vb->flags & VB_UNKNOWN)) {
		fe->st.verify_unwritten++;
		return true;
	}
	f = wl_vblock_check(page, off, &h, &crc);
	/*
	 * No magic on a block this run cannot predict: unwritten, unless
	 * the rest of a header is there (its offset and length, 12 bytes a
	 * foreign block matches by chance once in 2^96): a damaged magic.
	 */
	if (f == WL_VF_MAGIC && !known &&
	    (h.offset_bytes != off || h.length_bytes != WL_VBLOCK_BYTES)) {
		fe->st.verify_unwritten++;
		return true;
	}
	fe->st.verify_blocks++;
	switch (f) {
	case WL_VF_OK:
		break;
	case WL_VF_MAGIC:
		vt_mismatch(fe, off, f, WL_VBLOCK_MAGIC, h.magic);
		return false;
	case WL_VF_CHECKSUM:
		vt_mismatch(fe, off, f, crc, h.crc32c);
		return false;
	case WL_VF_OFFSET:
		vt_mismatch(fe, off, f, off, h.offset_bytes);
		return false;
	default:
		vt_mismatch(fe, off, f, WL_VBLOCK_BYTES, h.length_bytes);
		return false;
	}
	if (!known)
		return true;
	if (h.seed != fe->cfg.verify_seed) {
		vt_mismatch(fe, off, WL_VF_SEED, fe->cfg.verify_seed, h.seed);
		return false;
	}
	if (h.generation != vb->gen) {
		vt_mismatch(fe, off, WL_VF_GENERATION, vb->gen, h.generation);
		return false;
	}
	return true;
}

/* A segment descriptor seen as the 8-byte word it is stored as. */
union frontend_seg_word {
	struct blkif_request_segment seg;
	uint64_t word;
};

/*
 * Builds the ring request for bytes [@off, @off + @len) of I/O @io in
 * private memory, fills its pages when writing, and copies it to the ring.
 * More segments than a direct request takes go in indirect pages, with a
 * BLKIF_OP_INDIRECT request pointing at them.
 */
static void put_part(struct frontend *fe, uint32_t io, uint64_t off,
		     uint32_t len)
{
	const struct frontend_io *fio = &fe->ios[io];
	uint32_t id = fe->free_ids[--fe->nr_free_ids];
	struct frontend_shadow *sh = &fe->shadows[id];
	uint32_t sectors = len / BLKIF_SECTOR_SIZE;
	unsigned int nseg = (sectors + SECTORS_PER_SEG - 1) / SECTORS_PER_SEG;
	bool indirect = nseg > fe->cfg.max_segments;
	unsigned int data_pages =
		fe->stride - indirect_pages(fe->cfg.indirect_segments);
	union blkif_sring_entry req = {
		.req = {
			.operation = fio->write ? BLKIF_OP_WRITE
						: BLKIF_OP_READ,
			.nr_segments = (uint8_t)nseg,
			.id = id,
			.sector_number = off / BLKIF_SECTOR_SIZE,
		},
	};

	for (unsigned int s = 0; s < nseg; s++) {
		uint32_t n = sectors - s * SECTORS_PER_SEG;
		union frontend_seg_word sw = {
			.seg = {
				.gref = grant_ref(id * fe->stride + s),
				.first_sect = 0,
				.last_sect = (uint8_t)((n < SECTORS_PER_SEG
								? n
								: SECTORS_PER_SEG) -
						       1),
			},
		};

		if (indirect) {
			uint64_t *frame = (uint64_t *)shadow_page(
				fe, id,
				data_pages + s / BLKIF_SEGS_PER_INDIRECT_FRAME);

			frame[s % BLKIF_SEGS_PER_INDIRECT_FRAME] = sw.word;
		} else {
			req.req.seg[s] = sw.seg;
		}
		if (fio->write && fe->vt)
			vt_fill(fe, data_page(fe, id, s),
				off + (uint64_t)s * XEN_PAGE_SIZE);
		else if (fio->write && fe->cfg.verify)
			wl_pattern_fill(data_page(fe, id, s),
					(sw.seg.last_sect + 1) *
						BLKIF_SECTOR_SIZE,
					off + (uint64_t)s * XEN_PAGE_SIZE,
					fe->cfg.verify_seed);
		if (fio->write && fe->bio)
			grant_copy(fe, id, s,
				   (sw.seg.last_sect + 1u) * BLKIF_SECTOR_SIZE,
				   true);
	}
	if (indirect) {
		uint8_t op = req.req.operation;
		uint64_t sector = req.req.sector_number;

		req.ind = (struct blkif_request_indirect){
			.operation = BLKIF_OP_INDIRECT,
			.indirect_op = op,
			.nr_segments = (uint16_t)nseg,
			.id = id,
			.sector_number = sector,
		};
		for (unsigned int i = 0; i < indirect_pages(nseg); i++)
			req.ind.indirect_grefs[i] =
				grant_ref(id * fe->stride + data_pages + i);
		fe->st.indirect_requests++;
	}
	sh->io = io;
	sh->put_ns = sim_now(fe->cfg.clock);
	sh->len_bytes = len;
	sh->offset_bytes = off;
	sh->operation = req.req.operation;

	ring_front_put_request(&fe->ring, &req.req);
	fe->st.ring_requests++;
	fe->st.segments += nseg;
}

/*
 * Publishes what was put and notifies the backend per the notify mode.
 * Called after push_batch I/Os and when the upper queue runs dry.
 */
static void push(struct frontend *fe)
{
	bool notify;

	fe->unpushed = 0;
	fe->st.pushes++;
	switch (fe->cfg.kick->cfg.notify) {
	case EVTCHN_NOTIFY_POLL:
		ring_front_push_requests(&fe->ring);
		return;
	case EVTCHN_NOTIFY_ALWAYS:
		ring_front_push_requests(&fe->ring);
		notify = true;
		break;
	default:
		notify = ring_front_push_requests_and_check_notify(&fe->ring);
		break;
	}
	if (notify) {
		fe->st.kicks_sent++;
		evtchn_notify(fe->cfg.kick, sim_now(fe->cfg.clock));
		sim_charge(fe->cfg.clock, fe->cfg.kick->cfg.cost_ns);
	} else {
		fe->st.kicks_suppressed++;
	}
}

static void disable(struct frontend *fe, const char *why);

/* Takes the next I/O from the workload unless one is waiting already. */
static bool peek_next(struct frontend *fe)
{
	if (fe->have_next)
		return true;
	if (fe->stopped || fe->exhausted || fe->st.disabled)
		return false;
	if (!wl_next(fe->cfg.workload, &fe->next)) {
		fe->exhausted = true;
		return false;
	}
	fe->have_next = true;
	return true;
}

uint64_t frontend_next_due_ns(const struct frontend *fe)
{
	/*
	 * An I/O held by the queue depth waits for a completion, not for
	 * the clock: the engine then waits for the interrupt as in closed
	 * loop, rather than spin on a past time.
	 */
	if (!fe->started || !fe->have_next || fe->stalled_depth ||
	    fe->stalled_overlap)
		return 0;
	if (fe->thinking)
		return fe->think_due_ns;
	if (!fe->open_loop)
		return 0;
	return fe->t0_ns + fe->next.issue_ns;
}

/* Whether the next I/O waits for a time on the clock, not a completion. */
static inline bool waits_for_time(const struct frontend *fe)
{
	return fe->have_next && !fe->stalled_depth && !fe->stalled_overlap &&
	       (fe->open_loop || fe->thinking);
}

/*
 * The think time of the next I/O (fio's thinktime), once it could be
 * issued: spins think_spin_ns (CPU charged to the clock), then lets the
 * rest pass without CPU, as the engine waits for frontend_next_due_ns().
 * Returns true when the think time is over (or there is none).
 */
static inline bool think(struct frontend *fe)
{
	const struct wl_io *n = &fe->next;

	if (!n->think_ns)
		return true;
	if (!fe->thinking) {
		fe->thinking = true;
		sim_charge(fe->cfg.clock, n->think_spin_ns);
		fe->think_due_ns =
			sim_now(fe->cfg.clock) + n->think_ns - n->think_spin_ns;
		fe->st.think_ios++;
		fe->st.think_spin_ns += n->think_spin_ns;
		fe->st.think_wait_ns += n->think_ns - n->think_spin_ns;
	}
	if (sim_now(fe->cfg.clock) < fe->think_due_ns)
		return false;
	fe->thinking = false;
	return true;
}

/*
 * Admits workload I/Os into the upper queue while iodepth allows and, in
 * open loop, their intended time has come.  Before a think time starts,
 * dispatches what is queued (fio issues, then thinks); returns the number
 * so dispatched.
 */
static inline unsigned int admit(struct frontend *fe)
{
	unsigned int put = 0;

	if (!fe->started) {
		fe->started = true;
		fe->t0_ns = sim_now(fe->cfg.clock);
	}
	while (peek_next(fe)) {
		struct frontend_io *fio;
		uint64_t now, due = 0;
		uint32_t io;

		if (fe->open_loop) {
			due = fe->t0_ns + fe->next.issue_ns;
			now = sim_now(fe->cfg.clock);
			if (now < due)
				break; /* not yet: the engine waits for it */
		}

		if (fe->nr_free_ios == 0) {
			fe->st.iodepth_stalls += !fe->stalled_depth;
			fe->stalled_depth = true;
			return put;
		}
		fe->stalled_depth = false;
		/*
		 * verify=crc32c: an I/O that overlaps one in flight (and one
		 * of them writes) waits for it, as fio's serialize_overlap:
		 * the order of two such I/Os on the disk is not the order
		 * they were issued in.  Before the think time, which then
		 * starts once.
		 */
		if (fe->vt && vt_busy(fe, &fe->next)) {
			fe->st.verify_overlap_stalls += !fe->stalled_overlap;
			fe->stalled_overlap = true;
			return put;
		}
		fe->stalled_overlap = false;
		if (fe->next.think_ns && !fe->thinking && fe->upper_len)
			put += fe->dispatch(fe);
		if (!think(fe))
			break; /* thinking: the engine waits for its end */
		fe->have_next = false;
		now = sim_now(fe->cfg.clock);
		account_inflight(fe, now);
		if (fe->open_loop) {
			uint64_t lag;

			/*
			 * The think time delays the intended time: neither
			 * the lag nor the latency holds it (fio measures
			 * from issue).
			 */
			due += fe->next.think_ns;
			lag = now - due;

			fe->st.sched_ios++;
			fe->st.sched_lag_sum_ns += lag;
			if (lag > fe->st.sched_lag_max_ns)
				fe->st.sched_lag_max_ns = lag;
		}
		io = fe->free_ios[--fe->nr_free_ios];
		fio = &fe->ios[io];
		*fio = (struct frontend_io){
			.offset_bytes = fe->next.offset_bytes,
			/* Open loop: latency from the intended time. */
			.submit_ns = fe->open_loop ? due : now,
			.len_bytes = fe->next.len_bytes,
			.parts_left =
				(fe->next.len_bytes + fe->part_bytes - 1) /
				fe->part_bytes,
			.write = fe->next.write,
			.bs_index = fe->next.bs_index,
		};
		if (fe->vt)
			vt_admit(fe, fio);
		if (!fe->st.ios_issued)
			fe->st.first_submit_ns = fio->submit_ns;
		fe->st.ios_issued++;
		fe->st.inflight++;
		fe->upper[(fe->upper_head + fe->upper_len++) % fe->cfg.iodepth] =
			io;
	}
	return put;
}

/*
 * An I/O that needs more ring requests than the task pool holds would
 * wait forever: refuse it, disabling the device.
 */
static inline bool too_big(struct frontend *fe, const struct frontend_io *fio)
{
	char why[160];

	if (fio->parts_left <= fe->nr_tasks)
		return false;
	snprintf(why, sizeof(why),
		 "an I/O of %u bytes needs %u ring requests; "
		 "the ring and task pool hold %u (use a larger "
		 "ring-order, indirect-segments or a smaller bs)",
		 fio->len_bytes, fio->parts_left, fe->nr_tasks);
	disable(fe, why);
	return true;
}

/* Whether the ring and the task pool have room for @fio; counts a stall. */
static inline bool room_for(struct frontend *fe, const struct frontend_io *fio)
{
	/*
	 * The ring first: with one task per slot the two run out
	 * together, and the ring is what limits.
	 */
	if (ring_front_free_requests(&fe->ring) < fio->parts_left) {
		fe->st.ring_full_stalls += !fe->stalled_ring;
		fe->stalled_ring = true;
		return false;
	}
	fe->stalled_ring = false;
	if (fe->nr_free_ids < fio->parts_left) {
		fe->st.task_stalls += !fe->stalled_task;
		fe->stalled_task = true;
		return false;
	}
	fe->stalled_task = false;
	return true;
}

/* Puts every part of I/O @io on the ring; pushes every push_batch I/Os. */
static inline void place(struct frontend *fe, uint32_t io)
{
	const struct frontend_io *fio = &fe->ios[io];

	sim_charge(fe->cfg.clock, fe->cfg.submit_cost_ns);
	for (uint32_t done = 0; done < fio->len_bytes; done += fe->part_bytes) {
		uint32_t n = fio->len_bytes - done < fe->part_bytes ?
				     fio->len_bytes - done :
				     fe->part_bytes;

		if (done)
			sim_charge(fe->cfg.clock, fe->cfg.split_cost_ns);
		put_part(fe, io, fio->offset_bytes + done, n);
	}
	if (++fe->unpushed >= fe->cfg.push_batch)
		push(fe);
}

/* Whether the QD cap lets one more I/O go to the miniport; counts a stall. */
static inline bool under_cap(struct frontend *fe)
{
	if (fe->dispatched >= fe->qd_cap) {
		fe->st.qd_cap_stalls += !fe->stalled_cap;
		fe->stalled_cap = true;
		return false;
	}
	fe->stalled_cap = false;
	return true;
}

/*
 * Submit path direct: the submitting thread hands queued I/Os to the
 * miniport, which puts them on the ring, while the QD cap, the task pool
 * and the ring allow.
 */
static inline unsigned int dispatch_direct(struct frontend *fe)
{
	unsigned int put = 0;

	while (fe->upper_len) {
		uint32_t io = fe->upper[fe->upper_head];

		if (too_big(fe, &fe->ios[io]) || !under_cap(fe) ||
		    !room_for(fe, &fe->ios[io]))
			break;
		fe->upper_head = (fe->upper_head + 1) % fe->cfg.iodepth;
		fe->upper_len--;
		fe->dispatched++;
		place(fe, io);
		put++;
	}
	/* The upper queue ran dry or stalled: publish what is there. */
	if (fe->unpushed)
		push(fe);
	return put;
}

/*
 * Submit path worker: the miniport takes I/Os as the QD cap allows and
 * only queues them internally (xenvbd's StartIo returning at once); the
 * submit worker puts them on the ring.  Returns the number handed off.
 */
static unsigned int hand_off(struct frontend *fe)
{
	unsigned int n = 0;
	uint64_t now = 0;

	while (fe->upper_len && under_cap(fe)) {
		uint32_t io = fe->upper[fe->upper_head];

		fe->upper_head = (fe->upper_head + 1) % fe->cfg.iodepth;
		fe->upper_len--;
		fe->dispatched++;
		if (!n)
			now = sim_now(fe->cfg.clock);
		fe->ios[io].handoff_ns = now;
		fe->handoff[(fe->ho_head + fe->ho_len++) % fe->cfg.iodepth] =
			io;
		fe->st.handoffs++;
		n++;
	}
	if (n)
		fe->wake_worker = true;
	return n;
}

static bool finished_now(const struct frontend *fe)
{
	bool no_more = fe->stopped || fe->st.disabled ||
		       (fe->exhausted && !fe->have_next);

	return no_more && fe->st.inflight == 0;
}

static void enter(struct frontend *fe)
{
	gate_enter(fe->cfg.gate);
}

/*
 * Leaves the gate, first publishing what the threads that do not take it
 * read: the completions (seq_cst, see frontend_completions()), and with
 * them the end of an idle submitter; whether the actor is finished; and
 * a wake-up for the submit worker when it was handed I/Os or a completion
 * freed room for those it holds.  The notification is sent under the
 * gate, which makes its senders (whoever holds the gate) one at a time.
 */
static void leave(struct frontend *fe)
{
	uint64_t done = fe->st.ios_completed + fe->st.ios_failed;

	if (done != fe->done_seen) {
		fe->done_seen = done;
		if (fe->ho_len)
			fe->wake_worker = true;
		/* Release: a submitter that reads idle false finds room. */
		atomic_store_explicit(&fe->idle, false, memory_order_release);
		/* Seq_cst: pairs with the waiter's sleep flag (engine). */
		atomic_store_explicit(&fe->completions, done,
				      memory_order_seq_cst);
	}
	if (fe->wake_worker) {
		fe->wake_worker = false;
		fe->st.handoff_notifies++;
		evtchn_notify(fe->cfg.handoff, sim_now(fe->cfg.clock));
	}
	/* Release: pairs with the acquire in frontend_finished(). */
	atomic_store_explicit(&fe->fin, finished_now(fe), memory_order_release);
	gate_exit(fe->cfg.gate);
}

/*
 * Submission under the gate.  A submitter that found nothing to do until
 * a completion skips the gate until one comes (the idle hint), so that a
 * spinning vCPU does not hammer the lock.
 */
static unsigned int submit_gated(struct frontend *fe)
{
	uint64_t issued;
	unsigned int n;
	bool idle;

	/* Acquire: pairs with the release in leave(). */
	if (atomic_load_explicit(&fe->idle, memory_order_acquire))
		return 0;
	enter(fe);
	issued = fe->st.ios_issued;
	n = admit(fe);
	n += fe->dispatch(fe);
	/* Waiting for an open-loop time or a think time is not idle. */
	idle = !n && issued == fe->st.ios_issued && !waits_for_time(fe);
	atomic_store_explicit(&fe->idle, idle, memory_order_relaxed);
	leave(fe);
	return n;
}

unsigned int frontend_submit(struct frontend *fe)
{
	if (fe->cfg.gate)
		return submit_gated(fe);
	unsigned int n = admit(fe);

	return n + dispatch_direct(fe);
}

unsigned int frontend_submit_worker(struct frontend *fe)
{
	unsigned int put = 0;

	enter(fe);
	fe->st.worker_runs++;
	while (fe->ho_len) {
		uint32_t io = fe->handoff[fe->ho_head];

		if (too_big(fe, &fe->ios[io]) || !room_for(fe, &fe->ios[io]))
			break;
		fe->ho_head = (fe->ho_head + 1) % fe->cfg.iodepth;
		fe->ho_len--;
		place(fe, io);
		put++;
	}
	if (fe->unpushed)
		push(fe);
	leave(fe);
	return put;
}

static void complete_io(struct frontend *fe, uint32_t io, uint64_t now,
			const uint64_t *stage_ns)
{
	struct frontend_io *fio = &fe->ios[io];
	struct frontend_completion c = {
		.offset_bytes = fio->offset_bytes,
		.len_bytes = fio->len_bytes,
		.write = fio->write,
		.ok = !fio->failed,
		.submit_ns = fio->submit_ns,
		.complete_ns = now,
	};

	if (stage_ns)
		memcpy(c.stage_ns, stage_ns, sizeof(c.stage_ns));
	if (fe->vt)
		vt_release(fe, fio);
	account_inflight(fe, now);
	fe->st.inflight--;
	if (c.ok) {
		fe->st.ios_completed++;
		fe->st.bs_ios[fio->bs_index]++;
	} else {
		fe->st.ios_failed++;
	}
	fe->st.last_complete_ns = now;
	fe->free_ios[fe->nr_free_ios++] = io;
	fe->cfg.complete(fe->cfg.complete_ctx, &c);
}

/*
 * Stops the device after a response it cannot trust (Linux blkfront sets
 * the device to error and disables the disk): every outstanding I/O is
 * completed as failed, so none is lost.
 */
static void disable(struct frontend *fe, const char *why)
{
	uint64_t now = sim_now(fe->cfg.clock);
	unsigned int nr_ents = fe->ring.nr_ents;

	if (fe->st.disabled)
		return;
	fe->st.disabled = true;
	snprintf(fe->st.error, sizeof(fe->st.error), "%s", why);
	for (uint32_t id = 0; id < nr_ents; id++) {
		struct frontend_shadow *sh = &fe->shadows[id];
		uint32_t io = sh->io;

		if (io == NONE)
			continue;
		sh->io = NONE;
		fe->ios[io].failed = true;
		if (--fe->ios[io].parts_left == 0) {
			fe->dispatched--;
			complete_io(fe, io, now, NULL);
		}
	}
	/* The I/Os the submit worker had not put on the ring yet. */
	for (; fe->ho_len; fe->ho_len--) {
		uint32_t io = fe->handoff[fe->ho_head];

		fe->ho_head = (fe->ho_head + 1) % fe->cfg.iodepth;
		fe->ios[io].failed = true;
		fe->dispatched--;
		complete_io(fe, io, now, NULL);
	}
	/* And the I/Os the miniport never saw. */
	for (; fe->upper_len; fe->upper_len--) {
		uint32_t io = fe->upper[fe->upper_head];

		fe->upper_head = (fe->upper_head + 1) % fe->cfg.iodepth;
		fe->ios[io].failed = true;
		complete_io(fe, io, now, NULL);
	}
}

/*
 * The stage that starts at *@prev and ends at @end, never before its
 * start; moves *@prev to its end.  A stamp earlier than the one before
 * it comes from a fake clock, or from a reaping pass that began before
 * the backend reaped this response (the handler's final check, a
 * deferred run serving several interrupts): that stage is then 0.
 */
static inline uint64_t stage_to(uint64_t *prev, uint64_t end)
{
	uint64_t start = *prev;

	if (end < start)
		end = start;
	*prev = end;
	return end - start;
}

/*
 * Splits an I/O's latency by the stamps of its last part: each stage
 * ends where the next begins, so they add up to the whole.  Written out
 * stage by stage: it runs once per I/O on the neutral hot path.
 */
static void split_stages(const struct frontend_io *fio, uint64_t put_ns,
			 const struct sim_stamps *st, uint64_t handler_ns,
			 uint64_t now, uint64_t *stage)
{
	uint64_t t = fio->submit_ns;

	stage[SIM_STAGE_QUEUE] =
		stage_to(&t, fio->handoff_ns ? fio->handoff_ns : put_ns);
	stage[SIM_STAGE_HANDOFF] = stage_to(&t, put_ns);
	stage[SIM_STAGE_RING] = stage_to(&t, st->consumed_ns);
	stage[SIM_STAGE_BACKEND] = stage_to(&t, st->submitted_ns);
	stage[SIM_STAGE_TARGET] = stage_to(&t, st->done_ns);
	stage[SIM_STAGE_RESPONSE] = stage_to(&t, handler_ns ? handler_ns : now);
	stage[SIM_STAGE_COMPLETE] = stage_to(&t, now);
}

/* Handles one response copied out of the ring; false if it is bogus. */
static bool handle_response(struct frontend *fe,
			    const struct blkif_response *rsp)
{
	struct frontend_shadow *sh;
	struct frontend_io *fio;
	char why[160];
	uint32_t io;

	if (rsp->id >= fe->ring.nr_ents || fe->shadows[rsp->id].io == NONE) {
		snprintf(why, sizeof(why),
			 "backend answered unknown request id %llu",
			 (unsigned long long)rsp->id);
		disable(fe, why);
		return false;
	}
	sh = &fe->shadows[rsp->id];
	if (rsp->operation != sh->operation) {
		snprintf(why, sizeof(why),
			 "backend answered request %llu (op %u) with op %u",
			 (unsigned long long)rsp->id, sh->operation,
			 rsp->operation);
		disable(fe, why);
		return false;
	}
	io = sh->io;
	fio = &fe->ios[io];
	if (fe->bio && !fio->write && rsp->status == BLKIF_RSP_OKAY)
		for (uint32_t done = 0, s = 0; done < sh->len_bytes; s++) {
			uint32_t n = sh->len_bytes - done < XEN_PAGE_SIZE ?
					     sh->len_bytes - done :
					     XEN_PAGE_SIZE;

			grant_copy(fe, (uint32_t)rsp->id, s, n, false);
			done += n;
		}
	if (rsp->status != BLKIF_RSP_OKAY) {
		fio->failed = true;
	} else if (!fio->write && fe->vt) {
		uint32_t id = (uint32_t)rsp->id;

		/* Whole blocks: frontend_config_check() saw to it. */
		for (uint32_t done = 0, s = 0; done < sh->len_bytes;
		     s++, done += WL_VBLOCK_BYTES)
			if (!vt_check(fe, data_page(fe, id, s),
				      sh->offset_bytes + done))
				fio->failed = true;
	} else if (!fio->write && fe->cfg.verify) {
		uint32_t id = (uint32_t)rsp->id;

		for (uint32_t done = 0, s = 0; done < sh->len_bytes; s++) {
			uint32_t n = sh->len_bytes - done < XEN_PAGE_SIZE ?
					     sh->len_bytes - done :
					     XEN_PAGE_SIZE;
			uint64_t bad = wl_pattern_check(data_page(fe, id, s), n,
							sh->offset_bytes + done,
							fe->cfg.verify_seed);

			fe->st.verify_errors += bad;
			if (bad)
				fio->failed = true;
			done += n;
		}
	}
	sh->io = NONE;
	fe->free_ids[fe->nr_free_ids++] = (uint32_t)rsp->id;
	if (--fio->parts_left == 0) {
		uint64_t now = sim_now(fe->cfg.clock);
		uint64_t stages[SIM_STAGES];

		fe->dispatched--;
		if (fe->cfg.stamps) {
			split_stages(fio, sh->put_ns, &fe->cfg.stamps[rsp->id],
				     fe->handler_ns, now, stages);
			complete_io(fe, io, now, stages);
		} else {
			complete_io(fe, io, now, NULL);
		}
	}
	return true;
}

/* Reaps every response and re-arms the response event. */
static unsigned int reap(struct frontend *fe)
{
	unsigned int handled = 0;

	if (fe->st.disabled)
		return 0;
	do {
		RING_IDX rp = ring_front_rsp_prod(&fe->ring);
		char why[160];

		if (ring_front_response_prod_overflow(&fe->ring, rp)) {
			snprintf(why, sizeof(why),
				 "backend response producer %u overflows the "
				 "ring (consumer at %u, %u entries)",
				 rp, fe->ring.rsp_cons, fe->ring.nr_ents);
			disable(fe, why);
			return handled;
		}
		for (RING_IDX i = fe->ring.rsp_cons; i != rp; i++) {
			struct blkif_response rsp;

			ring_front_copy_response(&fe->ring, i, &rsp);
			fe->ring.rsp_cons = i + 1;
			sim_charge(fe->cfg.clock, fe->cfg.reap_cost_ns);
			if (!handle_response(fe, &rsp))
				return handled;
			handled++;
			fe->st.responses++;
		}
	} while (ring_front_final_check_for_responses(&fe->ring));
	return handled;
}

/* Completion path irq, no gate: the handler does all the work. */
static unsigned int irq_plain(struct frontend *fe)
{
	if (fe->st.disabled)
		return 0;
	fe->st.irqs++;
	fe->handler_ns = sim_now(fe->cfg.clock);
	return reap(fe);
}

/* Completion path irq under the gate (a submit worker runs beside it). */
static unsigned int irq_gated(struct frontend *fe)
{
	/* The handler starts before the gate: its wait is completion work. */
	uint64_t now = sim_now(fe->cfg.clock);
	unsigned int n = 0;

	enter(fe);
	if (!fe->st.disabled) {
		fe->st.irqs++;
		fe->handler_ns = now;
		n = reap(fe);
	}
	leave(fe);
	return n;
}

/*
 * Completion path deferred: the handler only acknowledges, without the
 * gate (an ISR does not take the work-loop lock), and queues the
 * deferred worker.  Nothing here touches state the gate protects.
 */
static unsigned int irq_deferred(struct frontend *fe)
{
	uint64_t now = sim_now(fe->cfg.clock);

	/* Only this thread writes irqs in this mode. */
	fe->st.irqs++;
	/* Relaxed: the worker reads it after the port's acquire. */
	atomic_store_explicit(&fe->ack_ns, now, memory_order_relaxed);
	evtchn_notify(fe->cfg.defer, now);
	return 0;
}

static void choose_strategies(struct frontend *fe)
{
	fe->dispatch = fe->cfg.submit_path == FRONTEND_SUBMIT_WORKER ?
			       hand_off :
			       dispatch_direct;
	if (fe->cfg.completion == FRONTEND_COMPLETE_DEFERRED)
		fe->irq = irq_deferred;
	else if (fe->cfg.gate)
		fe->irq = irq_gated;
	else
		fe->irq = irq_plain;
}

unsigned int frontend_irq(struct frontend *fe)
{
	return fe->irq(fe);
}

unsigned int frontend_dpc(struct frontend *fe)
{
	unsigned int n;

	enter(fe);
	fe->st.deferred_batches++;
	/* Relaxed: ordered after the ack by the defer port's acquire. */
	fe->handler_ns =
		atomic_load_explicit(&fe->ack_ns, memory_order_relaxed);
	n = fe->st.disabled ? 0 : reap(fe);
	leave(fe);
	return n;
}

unsigned int frontend_reap(struct frontend *fe)
{
	unsigned int n;

	if (!fe->cfg.gate) {
		fe->handler_ns = 0;
		return reap(fe);
	}
	/*
	 * Polling spins: take the gate only when there is something to
	 * reap.  Plain read of rsp_cons: in poll mode no interrupt comes,
	 * so no deferred worker runs and only this thread writes it.
	 */
	if (ring_front_rsp_prod(&fe->ring) == fe->ring.rsp_cons)
		return 0;
	enter(fe);
	fe->handler_ns = 0;
	n = reap(fe);
	leave(fe);
	return n;
}

bool frontend_has_responses(const struct frontend *fe)
{
	return ring_front_unconsumed_responses(&fe->ring) != 0;
}

uint64_t frontend_completions(const struct frontend *fe)
{
	return atomic_load_explicit(&fe->completions, memory_order_seq_cst);
}

void frontend_stop(struct frontend *fe)
{
	if (fe->cfg.gate)
		enter(fe);
	fe->stopped = true;
	fe->have_next = false;
	fe->thinking = false;
	if (fe->cfg.gate)
		leave(fe);
}

bool frontend_finished(const struct frontend *fe)
{
	/* Acquire: pairs with the release in leave(). */
	if (fe->cfg.gate)
		return atomic_load_explicit(&fe->fin, memory_order_acquire);
	return finished_now(fe);
}

void frontend_stats(const struct frontend *fe, struct frontend_stats *out)
{
	*out = fe->st;
}
