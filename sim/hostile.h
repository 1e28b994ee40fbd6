/* SPDX-License-Identifier: MIT */
/*
 * The hostile frontend: an actor that plays a guest attacking its
 * backend through the shared ring (the XSA-155 family in
 * docs/hardening.md).  Each step applies one mutation drawn from a seeded
 * generator, or from words the caller supplies (a fuzzer): garbage in a
 * request slot, the producer index moved backwards or far ahead, a reused
 * id, too many segments, sectors outside the disk or the page, grant
 * references outside the table, a well-formed request now and then so
 * that real I/O flows, a rewrite of a slot the backend may be reading
 * (the double fetch), and garbage in a granted page an indirect request
 * names.
 *
 * Every store into the shared ring is a relaxed atomic word store, so a
 * backend on another thread reading the same slot (with its copy-once
 * relaxed loads) races only as the protocol allows, and ThreadSanitizer
 * stays quiet.  Scribbling on granted pages (HOSTILE_INDIRECT_PAGE) is a
 * plain write: leave that kind out where another thread touches them.
 *
 * One thread drives a hostile frontend; it never blocks or reads a clock.
 */
#ifndef BLKRING_SIM_HOSTILE_H
#define BLKRING_SIM_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/ring.h"
#include "sim/grant.h"

/* The mutations, in the order of struct hostile_stats.by_kind. */
enum hostile_kind {
	HOSTILE_GOOD,	       /* a well-formed read or write */
	HOSTILE_GARBAGE,       /* a slot of random bytes */
	HOSTILE_PROD_BACK,     /* req_prod moved back over published slots */
	HOSTILE_PROD_FATAL,    /* req_prod far ahead, or behind responses */
	HOSTILE_REUSE_ID,      /* a good request with an id in flight */
	HOSTILE_SEGMENTS,      /* too many (or no) segments */
	HOSTILE_SECTORS,       /* outside the disk, or past the page */
	HOSTILE_GREF,	       /* a grant reference outside the table */
	HOSTILE_REWRITE,       /* rewrite a published slot (double fetch) */
	HOSTILE_INDIRECT,      /* an indirect request with bad fields */
	HOSTILE_INDIRECT_PAGE, /* garbage in a granted page */
	HOSTILE_NR,
};

#define HOSTILE_BIT(k) (1u << (k))

struct hostile_config {
	uint64_t seed;		   /* of hostile_step()'s generator */
	unsigned int ring_order;   /* of the ring it attacks */
	uint64_t disk_bytes;	   /* the disk the backend serves */
	struct blkif_sring *sring; /* initialised by the caller */
	struct grant_table *grants;
	/*
	 * The kinds to draw, a bit per enum hostile_kind (HOSTILE_BIT());
	 * 0: all of them.  Leave out HOSTILE_INDIRECT_PAGE where another
	 * thread uses the granted pages, and HOSTILE_PROD_BACK where the
	 * ring must survive a backend on another thread: moved back behind
	 * responses the backend has made but not yet published, req_prod
	 * stops the ring as surely as a fatal move.
	 */
	uint32_t kinds;
	/*
	 * Of every 1000 steps, how many are HOSTILE_PROD_FATAL: req_prod
	 * moved where the backend must stop the ring for good (far ahead,
	 * or behind the responses); the others keep the ring alive.
	 */
	unsigned int fatal_per_mille;
};

struct hostile_stats {
	uint64_t steps;
	uint64_t by_kind[HOSTILE_NR];
	uint64_t pushes;    /* stores of req_prod */
	uint64_t responses; /* responses it took off the ring */
};

struct hostile;

/* Allocates a hostile frontend over @cfg's ring.  0 or -errno. */
int hostile_create(const struct hostile_config *cfg, struct hostile **out)
	__attribute__((warn_unused_result));

void hostile_destroy(struct hostile *h);

/* Applies one mutation drawn from the seeded generator.  Its kind. */
enum hostile_kind hostile_step(struct hostile *h);

/*
 * Applies the mutation that the words @a and @b pick (the kind from @a,
 * among the configured kinds; its details from both and the generator):
 * what hostile_step() does with two draws, for callers that bring their
 * own randomness.  With the ring full, a kind that would add a request
 * becomes HOSTILE_REWRITE.  Returns the kind applied.
 */
enum hostile_kind hostile_apply(struct hostile *h, uint64_t a, uint64_t b);

/*
 * Takes every response the backend has published off the ring, as a
 * frontend that keeps up would.  Returns how many.
 */
unsigned int hostile_take_responses(struct hostile *h);

void hostile_stats(const struct hostile *h, struct hostile_stats *out);

/* "good", "garbage", ... for reports; "invalid" past the end. */
const char *hostile_kind_name(enum hostile_kind k);

#endif
