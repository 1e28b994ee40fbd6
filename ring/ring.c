// SPDX-License-Identifier: MIT
/*
 * Ring set-up: sizes, SHARED_RING_INIT and the init/attach of each half.
 * The per-request operations are inline in ring.h.  Set-up runs before the
 * ring is shared, or in the one thread that owns a half.
 */
#include <assert.h>
#include <string.h>

#include "ring/ring.h"

unsigned int ring_entries_for_bytes(size_t bytes)
{
	size_t header = offsetof(struct blkif_sring, ring);
	size_t fit;
	unsigned int size = 1;

	if (bytes < header + sizeof(union blkif_sring_entry))
		return 0;
	fit = (bytes - header) / sizeof(union blkif_sring_entry);
	/* Xen's __RD32: round down to a power of two, capped at 2^31. */
	while (size <= fit / 2 && size < (1u << 31))
		size <<= 1;
	return size;
}

void ring_sring_init_at(struct blkif_sring *s, unsigned int order, RING_IDX idx)
{
	assert(order <= RING_ORDER_MAX);
	/* The ring is not shared yet: plain writes are enough. */
	memset((void *)s, 0, ring_bytes(order));
	atomic_init(&s->req_prod, idx);
	atomic_init(&s->rsp_prod, idx);
	atomic_init(&s->req_event, idx + 1);
	atomic_init(&s->rsp_event, idx + 1);
}

void ring_sring_init(struct blkif_sring *s, unsigned int order)
{
	ring_sring_init_at(s, order, 0);
}

void ring_front_attach(struct ring_front *f, struct blkif_sring *s,
		       unsigned int order, RING_IDX idx)
{
	assert(order <= RING_ORDER_MAX);
	f->req_prod_pvt = idx;
	f->rsp_cons = idx;
	f->nr_ents = ring_entries(order);
	f->sring = s;
}

void ring_front_init(struct ring_front *f, struct blkif_sring *s,
		     unsigned int order)
{
	ring_front_attach(f, s, order, 0);
}

void ring_back_attach(struct ring_back *b, struct blkif_sring *s,
		      unsigned int order, RING_IDX idx)
{
	assert(order <= RING_ORDER_MAX);
	b->rsp_prod_pvt = idx;
	b->req_cons = idx;
	b->nr_ents = ring_entries(order);
	b->sring = s;
}

void ring_back_init(struct ring_back *b, struct blkif_sring *s,
		    unsigned int order)
{
	ring_back_attach(b, s, order, 0);
}
