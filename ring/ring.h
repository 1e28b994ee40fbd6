/* SPDX-License-Identifier: MIT */
/*
 * The blkif shared ring with Xen's semantics, as typed functions instead
 * of statement macros.  Each function says which side may call it: the
 * frontend (the guest driver, producer of requests) or the backend (the
 * driver domain, producer of responses).  Each half is used by one thread
 * at a time; the two halves may run concurrently.
 *
 * Usage, in the manner of Xen's ring.h:
 *
 *   Frontend, once:
 *     s = aligned_alloc(4096, ring_bytes(order));
 *     ring_sring_init(s, order);
 *     ring_front_init(&front, s, order);
 *     ... share s with the backend ...
 *   Backend, once:
 *     ring_back_init(&back, s, order);
 *
 *   Frontend, to send:
 *     if (!ring_front_full(&front))
 *             ring_front_put_request(&front, &req);   (a private copy)
 *     if (ring_front_push_requests_and_check_notify(&front))
 *             kick the backend;
 *
 *   Backend, to serve:
 *     do {
 *             rp = ring_back_req_prod(&back);
 *             if (ring_back_request_prod_overflow(&back, rp))
 *                     stop: the frontend is broken;
 *             while (back.req_cons != rp &&
 *                    !ring_back_request_cons_overflow(&back, back.req_cons)) {
 *                     ring_back_copy_request(&back, back.req_cons++, &req);
 *                     validate and serve the copy, never the slot;
 *             }
 *     } while (ring_back_final_check_for_requests(&back));
 *     sleep until kicked;
 *
 *   and symmetrically ring_back_put_response() /
 *   ring_back_push_responses_and_check_notify() on the way back, with
 *   ring_front_rsp_prod(), ring_front_copy_response() and
 *   ring_front_final_check_for_responses() in the frontend's handler.
 *
 * Notification hold-off, in short: a consumer that is about to sleep
 * writes into *_event the index of the item it wants to be woken for, and
 * then looks once more; a producer, after publishing the items in
 * (old, new], wakes the consumer only if *_event lies in that window.  A
 * busy consumer leaves *_event behind, so the producer publishes without
 * notifying; the look-again after the event write closes the race with a
 * producer that published just before it.  docs/protocol.md has the
 * derivation and the mapping to Xen's macros.
 *
 * Indices are free-running 32-bit counters.  Every comparison is an
 * unsigned difference, so nothing changes at the wrap from 2^32-1 to 0.
 */
#ifndef BLKRING_RING_RING_H
#define BLKRING_RING_RING_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

#include "ring/barrier.h"
#include "ring/blkif.h"

/* Multi-page rings: 1 << order pages, order 0..4 (Linux's cap). */
#define RING_ORDER_MAX 4

/*
 * Each private half starts on its own cache line, so that a frontend and
 * a backend half allocated next to each other do not share a line.
 * Build with -DRING_PRIVATE_ALIGN=1 to measure what false sharing costs.
 */
#ifndef RING_PRIVATE_ALIGN
#define RING_PRIVATE_ALIGN 64
#endif

/* Frontend's private view of the ring: frontend thread only. */
struct ring_front {
	alignas(RING_PRIVATE_ALIGN) RING_IDX req_prod_pvt; /* next to fill */
	RING_IDX rsp_cons;	   /* next response to consume */
	unsigned int nr_ents;	   /* power of two */
	struct blkif_sring *sring; /* shared */
};

/* Backend's private view of the ring: backend thread only. */
struct ring_back {
	alignas(RING_PRIVATE_ALIGN) RING_IDX rsp_prod_pvt; /* next to fill */
	RING_IDX req_cons;	   /* next request to consume */
	unsigned int nr_ents;	   /* power of two */
	struct blkif_sring *sring; /* shared */
};

/*
 * Ring entries that fit in @bytes of shared memory after the 64-byte
 * header, rounded down to a power of two (Xen's __RING_SIZE).  0 if none.
 */
unsigned int ring_entries_for_bytes(size_t bytes);

/* Bytes of shared memory of a ring of @order: 4096 << order. */
static inline size_t ring_bytes(unsigned int order)
{
	return (size_t)XEN_PAGE_SIZE << order;
}

/* Entries of a ring of @order (32 << order for blkif on x86-64). */
static inline unsigned int ring_entries(unsigned int order)
{
	return ring_entries_for_bytes(ring_bytes(order));
}

/*
 * SHARED_RING_INIT: zeroes the ring_bytes(@order) bytes at @s and sets
 * both event indices to 1.  Frontend, before the ring is shared.
 */
void ring_sring_init(struct blkif_sring *s, unsigned int order);

/*
 * The same with every index starting at @idx (events at @idx + 1), so a
 * ring can be attached mid-stream or tested across the 2^32 wrap.
 */
void ring_sring_init_at(struct blkif_sring *s, unsigned int order,
			RING_IDX idx);

/* FRONT_RING_INIT: private indices 0.  Frontend thread. */
void ring_front_init(struct ring_front *f, struct blkif_sring *s,
		     unsigned int order);

/*
 * FRONT_RING_ATTACH: joins @s with both private indices at @idx, which
 * must equal the shared producer indices.  Frontend thread.
 */
void ring_front_attach(struct ring_front *f, struct blkif_sring *s,
		       unsigned int order, RING_IDX idx);

/* BACK_RING_INIT: private indices 0.  Backend thread. */
void ring_back_init(struct ring_back *b, struct blkif_sring *s,
		    unsigned int order);

/* BACK_RING_ATTACH: private indices at @idx.  Backend thread. */
void ring_back_attach(struct ring_back *b, struct blkif_sring *s,
		      unsigned int order, RING_IDX idx);

/*
 * The notify decision of RING_PUSH_*_AND_CHECK_NOTIFY: after publishing
 * the items in (@old, @new], the peer asked to be woken for @event; wake it
 * iff @event lies in that window, modulo 2^32.  Nothing published (@new ==
 * @old) never notifies.  Pure; any thread.
 */
static inline bool ring_notify_needed(RING_IDX old, RING_IDX new_prod,
				      RING_IDX event)
{
	return (RING_IDX)(new_prod - event) < (RING_IDX)(new_prod - old);
}

/* The slot of index @idx in a ring of @nr_ents entries.  Any thread. */
static inline union blkif_sring_entry *
ring_sring_slot(struct blkif_sring *s, unsigned int nr_ents, RING_IDX idx)
{
	return &s->ring[idx & (nr_ents - 1)];
}

/* ---- Frontend side ---------------------------------------------------- */

/* RING_FREE_REQUESTS: slots the frontend may still fill.  Frontend. */
static inline unsigned int ring_front_free_requests(const struct ring_front *f)
{
	return f->nr_ents - (f->req_prod_pvt - f->rsp_cons);
}

/* RING_FULL.  Frontend thread. */
static inline bool ring_front_full(const struct ring_front *f)
{
	return ring_front_free_requests(f) == 0;
}

/*
 * Copies the finished request @req (built in private memory, never in the
 * slot: XSA-155 frontend hardening) into the next slot and advances
 * req_prod_pvt.  Not visible to the backend until pushed.  The ring must
 * not be full.  Frontend thread.
 */
static inline void ring_front_put_request(struct ring_front *f,
					  const struct blkif_request *req)
{
	union blkif_sring_entry *slot =
		ring_sring_slot(f->sring, f->nr_ents, f->req_prod_pvt);

	/*
	 * Plain store: the slot is ours until the backend has answered it,
	 * and the release store of req_prod in the push orders it before
	 * the backend's acquire load.
	 */
	slot->req = *req;
	f->req_prod_pvt++;
}

/* RING_PUSH_REQUESTS: publishes filled slots, no notify check.  Frontend. */
static inline void ring_front_push_requests(struct ring_front *f)
{
	/* P: slots before index; pairs with P in ring_back_req_prod(). */
	ring_store_release(&f->sring->req_prod, f->req_prod_pvt);
}

/*
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publishes filled slots and returns
 * true if the backend must be kicked.  Frontend thread.
 */
static inline bool
ring_front_push_requests_and_check_notify(struct ring_front *f)
{
	struct blkif_sring *s = f->sring;
	/* Relaxed: the frontend is the only writer of req_prod. */
	RING_IDX old = ring_load_relaxed(&s->req_prod);
	RING_IDX new_prod = f->req_prod_pvt;

	/*
	 * A: index before the event read (and slots before index); pairs
	 * with C/D in ring_back_final_check_for_requests().
	 */
	ring_store_seq_cst(&s->req_prod, new_prod);
	/* B: pairs with C in ring_back_final_check_for_requests(). */
	RING_IDX event = ring_load_seq_cst(&s->req_event);

	return ring_notify_needed(old, new_prod, event);
}

/*
 * Reads the backend's response producer index once.  Check it with
 * ring_front_response_prod_overflow() before use.  Frontend thread.
 */
static inline RING_IDX ring_front_rsp_prod(const struct ring_front *f)
{
	/* R: index before slots; pairs with R in ring_back_push_responses. */
	return ring_load_acquire(&f->sring->rsp_prod);
}

/*
 * RING_RESPONSE_PROD_OVERFLOW: true if @prod claims more responses than
 * there can be outstanding requests (a broken or hostile backend).
 * Frontend thread.
 */
static inline bool ring_front_response_prod_overflow(const struct ring_front *f,
						     RING_IDX prod)
{
	return (RING_IDX)(prod - f->rsp_cons) > f->nr_ents;
}

/*
 * RING_HAS_UNCONSUMED_RESPONSES: rsp_prod - rsp_cons, not clamped (check
 * overflow yourself, as Xen's frontends must).  Frontend thread.
 */
static inline unsigned int
ring_front_unconsumed_responses(const struct ring_front *f)
{
	return ring_front_rsp_prod(f) - f->rsp_cons;
}

/*
 * RING_COPY_RESPONSE: copies the response at @idx out of its slot, each
 * word read exactly once.  Frontend thread.
 */
static inline void ring_front_copy_response(const struct ring_front *f,
					    RING_IDX idx,
					    struct blkif_response *dst)
{
	const union blkif_sring_entry *slot =
		ring_sring_slot(f->sring, f->nr_ents, idx);
	union blkif_sring_entry copy;

	for (size_t i = 0; i < BLKIF_RSP_WORDS; i++)
		copy.words[i] = ring_load_relaxed(&slot->words[i]);
	*dst = copy.rsp;
}

/*
 * RING_FINAL_CHECK_FOR_RESPONSES: returns the number of unconsumed
 * responses; if there are none, first asks to be notified of the next one
 * (rsp_event = rsp_cons + 1) and looks again.  A return of 0 means it is
 * safe to wait for a notification.  Frontend thread.
 */
static inline unsigned int
ring_front_final_check_for_responses(struct ring_front *f)
{
	struct blkif_sring *s = f->sring;
	unsigned int work = ring_front_unconsumed_responses(f);

	if (work)
		return work;
	/* C: pairs with B in ring_back_push_responses_and_check_notify(). */
	ring_store_seq_cst(&s->rsp_event, f->rsp_cons + 1);
	/* D: pairs with A in ring_back_push_responses_and_check_notify(). */
	return ring_load_seq_cst(&s->rsp_prod) - f->rsp_cons;
}

/* ---- Backend side ----------------------------------------------------- */

/*
 * Reads the frontend's request producer index once (blkback's
 * "rp = req_prod; rmb()").  Check it with ring_back_request_prod_overflow()
 * and use only this snapshot for the pass.  Backend thread.
 */
static inline RING_IDX ring_back_req_prod(const struct ring_back *b)
{
	/* P: index before slots; pairs with P in ring_front_push_requests. */
	return ring_load_acquire(&b->sring->req_prod);
}

/*
 * RING_REQUEST_PROD_OVERFLOW: true if @prod claims more outstanding
 * requests than the ring holds.  Xen's backends stop the ring.  Backend.
 */
static inline bool ring_back_request_prod_overflow(const struct ring_back *b,
						   RING_IDX prod)
{
	return (RING_IDX)(prod - b->rsp_prod_pvt) > b->nr_ents;
}

/*
 * RING_REQUEST_CONS_OVERFLOW: true if consuming index @cons would reach a
 * slot whose response has not been produced yet.  The loop-termination
 * test of a consume pass.  Backend thread.
 */
static inline bool ring_back_request_cons_overflow(const struct ring_back *b,
						   RING_IDX cons)
{
	return (RING_IDX)(cons - b->rsp_prod_pvt) >= b->nr_ents;
}

/*
 * RING_HAS_UNCONSUMED_REQUESTS for a producer index the caller read:
 * min(prod - req_cons, free slots), so a bogus producer index never lets
 * the backend consume more than the ring can legally hold.  Backend.
 */
static inline unsigned int
ring_back_unconsumed_requests_at(const struct ring_back *b, RING_IDX prod)
{
	unsigned int req = prod - b->req_cons;
	unsigned int rsp = b->nr_ents - (b->req_cons - b->rsp_prod_pvt);

	return req < rsp ? req : rsp;
}

/* RING_HAS_UNCONSUMED_REQUESTS, reading req_prod now.  Backend thread. */
static inline unsigned int
ring_back_unconsumed_requests(const struct ring_back *b)
{
	return ring_back_unconsumed_requests_at(b, ring_back_req_prod(b));
}

/*
 * RING_COPY_REQUEST: copies the request at @idx out of its slot, each word
 * read exactly once, so validation and use both see one snapshot however
 * the frontend rewrites the slot meanwhile (XSA-155).  Backend thread.
 */
static inline void ring_back_copy_request(const struct ring_back *b,
					  RING_IDX idx,
					  struct blkif_request *dst)
{
	const union blkif_sring_entry *slot =
		ring_sring_slot(b->sring, b->nr_ents, idx);
	union blkif_sring_entry copy;

	for (size_t i = 0; i < BLKIF_ENTRY_WORDS; i++)
		copy.words[i] = ring_load_relaxed(&slot->words[i]);
	*dst = copy.req;
}

/*
 * Writes a response into the next slot, field by field so that no private
 * padding bytes reach the frontend (XSA-216), and advances rsp_prod_pvt.
 * Not visible until pushed.  Backend thread.
 */
static inline void ring_back_put_response(struct ring_back *b, uint64_t id,
					  uint8_t operation, int16_t status)
{
	union blkif_sring_entry *slot =
		ring_sring_slot(b->sring, b->nr_ents, b->rsp_prod_pvt);

	/*
	 * Relaxed stores: a hostile frontend may read the slot at any time;
	 * a well-behaved one only after the release store of rsp_prod.
	 */
	ring_store_relaxed(&slot->rsp.id, id);
	ring_store_relaxed(&slot->rsp.operation, operation);
	ring_store_relaxed(&slot->rsp.status, status);
	b->rsp_prod_pvt++;
}

/* RING_PUSH_RESPONSES: publishes responses, no notify check.  Backend. */
static inline void ring_back_push_responses(struct ring_back *b)
{
	/* R: slots before index; pairs with R in ring_front_rsp_prod(). */
	ring_store_release(&b->sring->rsp_prod, b->rsp_prod_pvt);
}

/*
 * RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publishes responses and returns
 * true if the frontend must be interrupted.  Backend thread.
 */
static inline bool
ring_back_push_responses_and_check_notify(struct ring_back *b)
{
	struct blkif_sring *s = b->sring;
	/* Relaxed: the backend is the only writer of rsp_prod. */
	RING_IDX old = ring_load_relaxed(&s->rsp_prod);
	RING_IDX new_prod = b->rsp_prod_pvt;

	/*
	 * A: index before the event read (and slots before index); pairs
	 * with C/D in ring_front_final_check_for_responses().
	 */
	ring_store_seq_cst(&s->rsp_prod, new_prod);
	/* B: pairs with C in ring_front_final_check_for_responses(). */
	RING_IDX event = ring_load_seq_cst(&s->rsp_event);

	return ring_notify_needed(old, new_prod, event);
}

/*
 * RING_FINAL_CHECK_FOR_REQUESTS: returns the number of unconsumed requests
 * (clamped); if there are none, first asks to be notified of the next one
 * (req_event = req_cons + 1) and looks again.  A return of 0 means it is
 * safe to wait for a kick.  Backend thread.
 */
static inline unsigned int
ring_back_final_check_for_requests(struct ring_back *b)
{
	struct blkif_sring *s = b->sring;
	unsigned int work = ring_back_unconsumed_requests(b);

	if (work)
		return work;
	/* C: pairs with B in ring_front_push_requests_and_check_notify(). */
	ring_store_seq_cst(&s->req_event, b->req_cons + 1);
	/* D: pairs with A in ring_front_push_requests_and_check_notify(). */
	return ring_back_unconsumed_requests_at(
		b, ring_load_seq_cst(&s->req_prod));
}

#endif
