/* SPDX-License-Identifier: MIT */
/*
 * The hostile frontend (see hostile.h).  It keeps a frontend's private
 * indices, so that most of what it publishes lands where a backend will
 * read it, and it never publishes more than the ring holds past the
 * responses it has seen unless the step is meant to be fatal: that keeps
 * a ring alive for millions of mutations, with the ring-stopping ones
 * drawn at the configured rate.
 */
#include "sim/hostile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ring/barrier.h"
#include "workloads/workload.h"

#define HOSTILE_IDS 32		 /* recent ids a reused id is drawn from */
#define HOSTILE_INDIRECT_PAGES 4 /* pages indirect requests point into */

struct hostile {
	struct hostile_config cfg;
	RING_IDX req_prod_pvt;
	RING_IDX rsp_cons;
	unsigned int nr_ents;
	uint64_t rng;
	uint64_t next_id;
	uint64_t ids[HOSTILE_IDS];
	enum hostile_kind live[HOSTILE_NR]; /* kinds to draw, not fatal */
	unsigned int nlive;
	struct hostile_stats st;
};

static const char *const kind_names[HOSTILE_NR] = {
	[HOSTILE_GOOD] = "good",
	[HOSTILE_GARBAGE] = "garbage",
	[HOSTILE_PROD_BACK] = "prod-back",
	[HOSTILE_PROD_FATAL] = "prod-fatal",
	[HOSTILE_REUSE_ID] = "reuse-id",
	[HOSTILE_SEGMENTS] = "segments",
	[HOSTILE_SECTORS] = "sectors",
	[HOSTILE_GREF] = "gref",
	[HOSTILE_REWRITE] = "rewrite",
	[HOSTILE_INDIRECT] = "indirect",
	[HOSTILE_INDIRECT_PAGE] = "indirect-page",
};

const char *hostile_kind_name(enum hostile_kind k)
{
	return (unsigned int)k < HOSTILE_NR ? kind_names[k] : "invalid";
}

int hostile_create(const struct hostile_config *cfg, struct hostile **out)
{
	struct hostile *h;

	uint32_t kinds = cfg->kinds ? cfg->kinds : HOSTILE_BIT(HOSTILE_NR) - 1;

	if (!cfg->sring || !cfg->grants || !cfg->grants->nr_pages ||
	    cfg->disk_bytes < XEN_PAGE_SIZE || cfg->fatal_per_mille > 1000 ||
	    kinds >= HOSTILE_BIT(HOSTILE_NR))
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->cfg = *cfg;
	h->cfg.kinds = kinds;
	if (!(kinds & HOSTILE_BIT(HOSTILE_PROD_FATAL)))
		h->cfg.fatal_per_mille = 0;
	for (int k = 0; k < HOSTILE_NR; k++)
		if (k != HOSTILE_PROD_FATAL && kinds & HOSTILE_BIT(k))
			h->live[h->nlive++] = (enum hostile_kind)k;
	h->nr_ents = ring_entries(cfg->ring_order);
	/* Start where the ring's indices are (a caller may _attach). */
	h->req_prod_pvt = ring_load_acquire(&cfg->sring->req_prod);
	h->rsp_cons = ring_load_acquire(&cfg->sring->rsp_prod);
	h->rng = cfg->seed;
	*out = h;
	return 0;
}

void hostile_destroy(struct hostile *h)
{
	free(h);
}

/* Writes @e into the slot of @idx, word by word (relaxed: see hostile.h). */
static void write_slot(struct hostile *h, RING_IDX idx,
		       const union blkif_sring_entry *e)
{
	union blkif_sring_entry *slot =
		ring_sring_slot(h->cfg.sring, h->nr_ents, idx);

	for (size_t i = 0; i < BLKIF_ENTRY_WORDS; i++)
		ring_store_relaxed(&slot->words[i], e->words[i]);
}

static RING_IDX rsp_prod(const struct hostile *h)
{
	/* R: pairs with R in ring_back_push_responses(). */
	return ring_load_acquire(&h->cfg.sring->rsp_prod);
}

static void push(struct hostile *h, RING_IDX prod)
{
	/* P: slots before index; pairs with P in ring_back_req_prod(). */
	ring_store_release(&h->cfg.sring->req_prod, prod);
	h->st.pushes++;
}

/* Room for one more request without overflowing the backend's ring. */
static bool room(const struct hostile *h)
{
	return (RING_IDX)(h->req_prod_pvt - rsp_prod(h)) < h->nr_ents;
}

/* A grant reference inside the table, of a page a request may use. */
static grant_ref_t good_gref(const struct hostile *h, uint64_t r)
{
	return grant_ref((uint32_t)(r % h->cfg.grants->nr_pages));
}

/* A well-formed read or write of 1..11 segments within the disk. */
static void good_request(struct hostile *h, uint64_t a, uint64_t b,
			 union blkif_sring_entry *e)
{
	unsigned int nseg =
		1 + (unsigned int)(b % BLKIF_MAX_SEGMENTS_PER_REQUEST);
	uint64_t disk_sectors = h->cfg.disk_bytes / BLKIF_SECTOR_SIZE;
	uint64_t span = (uint64_t)nseg * BLKIF_SECTORS_PER_PAGE;

	memset(e, 0, sizeof(*e));
	e->req.operation = (a >> 20) & 1 ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	e->req.nr_segments = (uint8_t)nseg;
	e->req.id = h->next_id++;
	e->req.sector_number = (b >> 8) % (disk_sectors - span + 1);
	for (unsigned int i = 0; i < nseg; i++) {
		uint64_t r = wl_rng_next(&h->rng);
		uint8_t first = (uint8_t)(r % BLKIF_SECTORS_PER_PAGE);
		uint8_t last =
			(uint8_t)(first +
				  (r >> 8) % (BLKIF_SECTORS_PER_PAGE - first));

		e->req.seg[i] =
			(struct blkif_request_segment){ good_gref(h, r >> 16),
							first, last };
	}
	h->ids[e->req.id % HOSTILE_IDS] = e->req.id;
}

/* A grant reference outside the table: Xen's reserved ones, or past it. */
static grant_ref_t bad_gref(const struct hostile *h, uint64_t r)
{
	switch (r % 3) {
	case 0:
		return (grant_ref_t)(r >> 8) % GRANT_REF_FIRST;
	case 1:
		return GRANT_REF_FIRST + h->cfg.grants->nr_pages +
		       (grant_ref_t)((r >> 8) % 1024);
	default:
		return (grant_ref_t)(UINT32_MAX - (r >> 8) % 16);
	}
}

static void spoil_sectors(struct hostile *h, uint64_t b,
			  union blkif_sring_entry *e)
{
	uint64_t disk_sectors = h->cfg.disk_bytes / BLKIF_SECTOR_SIZE;
	unsigned int i = (unsigned int)((b >> 4) % e->req.nr_segments);

	switch (b % 4) {
	case 0: { /* starts inside the disk, ends past its end */
		uint64_t n = 0;

		for (unsigned int s = 0; s < e->req.nr_segments; s++)
			n += e->req.seg[s].last_sect -
			     e->req.seg[s].first_sect + 1u;
		e->req.sector_number = disk_sectors - (b >> 8) % n;
		break;
	}
	case 1: /* wraps around 2^64 */
		e->req.sector_number = UINT64_MAX - (b >> 8) % 64;
		break;
	case 2: /* past the page */
		e->req.seg[i].last_sect =
			(uint8_t)(BLKIF_SECTORS_PER_PAGE + (b >> 8) % 248);
		break;
	default: /* first after last */
		e->req.seg[i].first_sect = 7;
		e->req.seg[i].last_sect = (uint8_t)((b >> 8) % 7);
		break;
	}
}

static void indirect_request(struct hostile *h, uint64_t b,
			     union blkif_sring_entry *e)
{
	uint64_t r = wl_rng_next(&h->rng);

	memset(e, 0, sizeof(*e));
	e->ind.operation = BLKIF_OP_INDIRECT;
	/* Mostly read or write, sometimes any operation. */
	e->ind.indirect_op = b & 8 ? (uint8_t)(b >> 8) : (uint8_t)(b & 1);
	/* Mostly a count the backend may allow, sometimes any. */
	e->ind.nr_segments = b & 16 ? (uint16_t)(b >> 16) :
				      (uint16_t)((b >> 16) % 64);
	e->ind.id = h->next_id++;
	e->ind.sector_number = r % (h->cfg.disk_bytes / BLKIF_SECTOR_SIZE);
	for (unsigned int i = 0; i < BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST;
	     i++) {
		uint64_t g = wl_rng_next(&h->rng);

		e->ind.indirect_grefs[i] =
			g & 3 ? grant_ref((uint32_t)(g >> 8) %
					  HOSTILE_INDIRECT_PAGES %
					  h->cfg.grants->nr_pages) :
				bad_gref(h, g >> 2);
	}
}

/* Fills one of the pages indirect requests name with descriptors. */
static void scribble_page(struct hostile *h, uint64_t b)
{
	uint32_t page = (uint32_t)(b % HOSTILE_INDIRECT_PAGES %
				   h->cfg.grants->nr_pages);
	struct blkif_request_segment *d =
		grant_page(h->cfg.grants, grant_ref(page));

	for (unsigned int i = 0; i < BLKIF_SEGS_PER_INDIRECT_FRAME; i++) {
		uint64_t r = wl_rng_next(&h->rng);

		if (r & 1) { /* a valid descriptor */
			uint8_t first = (uint8_t)((r >> 8) % 8);

			d[i] = (struct blkif_request_segment){
				good_gref(h, r >> 16), first,
				(uint8_t)(first + (r >> 40) % (8 - first))
			};
		} else { /* anything */
			memcpy(&d[i], &r, sizeof(d[i]));
		}
	}
}

/* Puts @e at the private producer and publishes it with chance 1/2. */
static void put(struct hostile *h, const union blkif_sring_entry *e, uint64_t b)
{
	write_slot(h, h->req_prod_pvt++, e);
	if (b >> 63 || !room(h))
		push(h, h->req_prod_pvt);
}

static enum hostile_kind pick(const struct hostile *h, uint64_t a)
{
	if (a % 1000 < h->cfg.fatal_per_mille || !h->nlive)
		return HOSTILE_PROD_FATAL;
	/* Uniform over the kinds that keep the ring alive. */
	return h->live[(a / 1000) % h->nlive];
}

enum hostile_kind hostile_apply(struct hostile *h, uint64_t a, uint64_t b)
{
	enum hostile_kind k = pick(h, a);
	union blkif_sring_entry e;
	RING_IDX seen = rsp_prod(h);

	/*
	 * After a move back the backend may answer slots past ours: catch
	 * up, so that "room" stays meaningful.
	 */
	if ((int32_t)(h->req_prod_pvt - seen) < 0)
		h->req_prod_pvt = seen;
	/* A full ring leaves only rewrites, index moves and pages. */
	if (!room(h) && k != HOSTILE_PROD_FATAL && k != HOSTILE_PROD_BACK &&
	    k != HOSTILE_INDIRECT_PAGE)
		k = HOSTILE_REWRITE;
	switch (k) {
	case HOSTILE_GOOD:
		good_request(h, a, b, &e);
		put(h, &e, b);
		break;
	case HOSTILE_GARBAGE:
		for (size_t i = 0; i < BLKIF_ENTRY_WORDS; i++)
			e.words[i] = wl_rng_next(&h->rng);
		put(h, &e, b);
		break;
	case HOSTILE_PROD_BACK:
		/* Back over published slots, not behind the responses. */
		h->req_prod_pvt -=
			(RING_IDX)(b %
				   ((RING_IDX)(h->req_prod_pvt - seen) + 1));
		push(h, h->req_prod_pvt);
		break;
	case HOSTILE_PROD_FATAL:
		if (b & 1) /* more than the ring holds */
			push(h, h->req_prod_pvt + h->nr_ents + 1 +
					(RING_IDX)((b >> 1) % (1u << 31)));
		else /* behind the responses already produced */
			push(h, rsp_prod(h) - 1 - (RING_IDX)((b >> 1) % 1024));
		break;
	case HOSTILE_REUSE_ID:
		good_request(h, a, b, &e);
		e.req.id = h->ids[(b >> 32) % HOSTILE_IDS];
		put(h, &e, b);
		break;
	case HOSTILE_SEGMENTS:
		good_request(h, a, b, &e);
		e.req.nr_segments = b & 2 ? 0 : (uint8_t)(12 + (b >> 8) % 244);
		put(h, &e, b);
		break;
	case HOSTILE_SECTORS:
		good_request(h, a, b, &e);
		spoil_sectors(h, b, &e);
		put(h, &e, b);
		break;
	case HOSTILE_GREF:
		good_request(h, a, b, &e);
		e.req.seg[(b >> 4) % e.req.nr_segments].gref = bad_gref(h, b);
		put(h, &e, b);
		break;
	case HOSTILE_REWRITE: {
		/* A slot published but not answered: the backend's to read. */
		RING_IDX from = rsp_prod(h);
		RING_IDX n = h->req_prod_pvt - from;
		union blkif_sring_entry *slot;

		if (!n || n > h->nr_ents)
			break;
		slot = ring_sring_slot(h->cfg.sring, h->nr_ents,
				       from + (RING_IDX)(b % n));
		ring_store_relaxed(&slot->words[(b >> 32) % BLKIF_ENTRY_WORDS],
				   wl_rng_next(&h->rng));
		break;
	}
	case HOSTILE_INDIRECT:
		indirect_request(h, b, &e);
		put(h, &e, b);
		break;
	case HOSTILE_INDIRECT_PAGE:
		scribble_page(h, b);
		break;
	case HOSTILE_NR:
		break;
	}
	h->st.steps++;
	h->st.by_kind[k]++;
	return k;
}

enum hostile_kind hostile_step(struct hostile *h)
{
	uint64_t a = wl_rng_next(&h->rng);

	return hostile_apply(h, a, wl_rng_next(&h->rng));
}

unsigned int hostile_take_responses(struct hostile *h)
{
	RING_IDX prod = rsp_prod(h);
	unsigned int n = 0;

	/* A backend can publish at most a ring's worth past what we took. */
	for (; h->rsp_cons != prod && n < h->nr_ents; n++) {
		const union blkif_sring_entry *slot = ring_sring_slot(
			h->cfg.sring, h->nr_ents, h->rsp_cons++);

		(void)ring_load_relaxed(&slot->rsp.id);
	}
	h->st.responses += n;
	return n;
}

void hostile_stats(const struct hostile *h, struct hostile_stats *out)
{
	*out = h->st;
}
