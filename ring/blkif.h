/* SPDX-License-Identifier: MIT */
/*
 * The blkif wire format: what a Xen block frontend and backend exchange
 * through the shared ring, laid out exactly as on x86-64 Xen (the native
 * ABI of xen/include/public/io/blkif.h and ring.h).  The names are Xen's,
 * so the code reads next to blkfront, blkback and qdisk.
 *
 * Pure data: no functions, safe to include from any thread.  The static
 * assertions at the end pin every size and offset a peer depends on.
 *
 * Units: sector_number, first_sect and last_sect count 512-byte sectors
 * whatever the disk's logical block size (Xen's 2024 clarification).  A
 * segment is a byte range of one 4 KiB granted page: sectors first_sect to
 * last_sect inclusive, 0 <= first_sect <= last_sect <= 7.
 */
#ifndef BLKRING_RING_BLKIF_H
#define BLKRING_RING_BLKIF_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

/* Free-running ring index; only ever masked on access. */
typedef uint32_t RING_IDX;
/* Grant reference: names one 4 KiB page the frontend shares. */
typedef uint32_t grant_ref_t;
/* Virtual device handle (not validated by backends; echoed). */
typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5
#define BLKIF_OP_INDIRECT 6

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

#define BLKIF_DISCARD_SECURE (1 << 0)

/* 11 segments keep a request at 112 bytes: 32 of them fill one page. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

#define XEN_PAGE_SIZE 4096u
#define BLKIF_SECTOR_SIZE 512u
#define BLKIF_SECTORS_PER_PAGE (XEN_PAGE_SIZE / BLKIF_SECTOR_SIZE)

struct blkif_request_segment {
	grant_ref_t gref;   /* page to transfer to or from */
	uint8_t first_sect; /* first 512-byte sector in the page, 0..7 */
	uint8_t last_sect;  /* last sector, inclusive, first..7 */
};

/* Segments per indirect page: 4096 / 8 = 512. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))

struct blkif_request {
	uint8_t operation;   /* BLKIF_OP_READ or _WRITE and the others */
	uint8_t nr_segments; /* 1..11 for reads and writes */
	blkif_vdev_t handle; /* only for read/write requests */
	uint64_t id;	     /* opaque, echoed in the response */
	blkif_sector_t sector_number; /* start sector on the disk */
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* The same slot seen as a discard (operation == BLKIF_OP_DISCARD). */
struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag; /* BLKIF_DISCARD_SECURE or 0 */
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};

/*
 * The same slot seen as an indirect request: the segments live in up to 8
 * granted pages of 512 segments each.
 */
struct blkif_request_indirect {
	uint8_t operation;    /* BLKIF_OP_INDIRECT */
	uint8_t indirect_op;  /* BLKIF_OP_READ or _WRITE only */
	uint16_t nr_segments; /* up to what the backend advertised */
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	uint16_t _pad1;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct blkif_response {
	uint64_t id;	   /* copied from the request */
	uint8_t operation; /* copied from the request */
	int16_t status;	   /* BLKIF_RSP_* */
};

/*
 * One slot holds a request or, once served, its response.  The words view
 * is ours, not Xen's: it lets ring/ring.h copy a slot out with one 8-byte
 * load per word and no aliasing questions.
 */
#define BLKIF_ENTRY_WORDS (sizeof(struct blkif_request) / sizeof(uint64_t))
#define BLKIF_RSP_WORDS (sizeof(struct blkif_response) / sizeof(uint64_t))

union blkif_sring_entry {
	struct blkif_request req;
	struct blkif_request_indirect ind;
	struct blkif_response rsp;
	uint64_t words[BLKIF_ENTRY_WORDS];
};

/*
 * The shared ring page(s), initialised by the frontend only.  The four
 * indices share one cache line, as in Xen; they are _Atomic because both
 * sides touch them, and are only ever accessed through ring/barrier.h.
 */
struct blkif_sring {
	_Atomic RING_IDX req_prod;  /* written by the frontend */
	_Atomic RING_IDX req_event; /* written by the backend */
	_Atomic RING_IDX rsp_prod;  /* written by the backend */
	_Atomic RING_IDX rsp_event; /* written by the frontend */
	uint8_t __pad[48];	    /* Xen: pvt union + pad, unused by blkif */
	union blkif_sring_entry ring[]; /* ring_entries(order) of them */
};

/* The x86-64 ABI, as checked against Xen's headers by compilation. */
_Static_assert(sizeof(_Atomic RING_IDX) == 4, "atomic index is 32-bit");
_Static_assert(sizeof(struct blkif_request_segment) == 8, "segment");
_Static_assert(offsetof(struct blkif_request_segment, first_sect) == 4, "");
_Static_assert(offsetof(struct blkif_request_segment, last_sect) == 5, "");
_Static_assert(sizeof(struct blkif_request) == 112, "request is 112 B");
_Static_assert(offsetof(struct blkif_request, nr_segments) == 1, "");
_Static_assert(offsetof(struct blkif_request, handle) == 2, "");
_Static_assert(offsetof(struct blkif_request, id) == 8, "");
_Static_assert(offsetof(struct blkif_request, sector_number) == 16, "");
_Static_assert(offsetof(struct blkif_request, seg) == 24, "");
_Static_assert(sizeof(struct blkif_request_discard) == 32, "discard");
_Static_assert(offsetof(struct blkif_request_discard, nr_sectors) == 24, "");
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "indirect");
_Static_assert(offsetof(struct blkif_request_indirect, nr_segments) == 2, "");
_Static_assert(offsetof(struct blkif_request_indirect, id) == 8, "");
_Static_assert(offsetof(struct blkif_request_indirect, sector_number) == 16,
	       "");
_Static_assert(offsetof(struct blkif_request_indirect, handle) == 24, "");
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28,
	       "");
_Static_assert(sizeof(struct blkif_response) == 16, "response is 16 B");
_Static_assert(offsetof(struct blkif_response, operation) == 8, "");
_Static_assert(offsetof(struct blkif_response, status) == 10, "");
_Static_assert(sizeof(union blkif_sring_entry) == 112, "entry is 112 B");
_Static_assert(offsetof(struct blkif_sring, ring) == 64, "64-byte header");
_Static_assert(BLKIF_SEGS_PER_INDIRECT_FRAME == 512, "");

#endif
