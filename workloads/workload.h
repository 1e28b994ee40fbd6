/* SPDX-License-Identifier: MIT */
/*
 * The I/O generator of one job, in fio's vocabulary: rw= (read, write,
 * randread, randwrite, randrw, rw/readwrite), bs=, offset=, size=,
 * rwmixread=, randseed=, io_size= and norandommap.  wl_next() hands out
 * one I/O at a time (offset, length, direction) without allocating, in
 * O(1); the same config and seed always give the same sequence.  A data
 * pattern keyed by (seed, absolute byte offset) lets a reader verify any
 * sub-range of what a writer wrote, however the I/Os were split.
 *
 * Threads: a struct wl is used by one thread at a time (the frontend
 * thread that generates I/O).  The config functions, wl_rw_*() and the
 * pattern functions are pure and may be called from any thread.
 *
 * Usage:
 *
 *   struct wl_config cfg;
 *   struct wl *w;
 *   struct wl_io io;
 *   char why[160];
 *
 *   wl_config_default(&cfg);
 *   cfg.rw = WL_RW_RANDREAD;
 *   cfg.size_bytes = 1 << 30;
 *   if (wl_config_check(&cfg, why, sizeof(why)))
 *           fprintf(stderr, "%s\n", why), give up;
 *   if (wl_create(&cfg, &w))
 *           give up;
 *   while (before the deadline && wl_next(w, &io))
 *           issue io.len_bytes at io.offset_bytes, io.write;
 *   wl_destroy(w);
 *
 * Offsets, in short: the region [offset_bytes, offset_bytes + size_bytes)
 * is cut into nblocks = size_bytes / bs_bytes whole blocks (a tail shorter
 * than a block is never touched), and every I/O starts at offset_bytes +
 * k * bs_bytes for a block k < nblocks.  Sequential modes take k = 0, 1,
 * ..., nblocks - 1 and wrap to 0.  Random modes with the random map (the
 * default) visit every block exactly once per pass, in an order that is a
 * fresh pseudo-random permutation each pass; with norandommap each k is an
 * independent uniform draw, so blocks repeat and others are missed, as in
 * fio.
 *
 * The random map needs no bitmap.  Let b = ceil(log2(nblocks)); a keyed
 * bijection P on [0, 2^b) (rounds of add-a-key, multiply by an odd key,
 * xor-shift right, each invertible modulo 2^b) is applied to a counter
 * c = 0, 1, ..., 2^b - 1, and values P(c) >= nblocks are skipped.  As c
 * runs over all of [0, 2^b), P(c) runs over all of [0, 2^b) once, so the
 * blocks [0, nblocks) come out exactly once each.  Because
 * 2^b < 2 * nblocks, fewer than half the counter values are skipped: the
 * expected cost of one wl_next() is under two evaluations of P (a few
 * multiplies), and a pass costs under 2 * nblocks evaluations in all.
 * After a pass the counter restarts and the keys are drawn afresh from
 * (seed, pass number).
 */
#ifndef BLKRING_WORKLOADS_WORKLOAD_H
#define BLKRING_WORKLOADS_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Alignment of bs, offset and io_limit: the blkif sector. */
#define WL_SECTOR_BYTES 512u

/* fio's rw= modes. */
enum wl_rw {
	WL_RW_READ,	 /* sequential reads */
	WL_RW_WRITE,	 /* sequential writes */
	WL_RW_RANDREAD,	 /* random reads */
	WL_RW_RANDWRITE, /* random writes */
	WL_RW_RANDRW,	 /* random, reads and writes mixed by rwmixread */
	WL_RW_RW,	 /* sequential, mixed by rwmixread ("readwrite") */
	WL_RW_NR,	 /* the number of modes, not a mode */
};

/* One job's workload.  Filled by wl_config_default(); copied by wl_create. */
struct wl_config {
	enum wl_rw rw;		 /* default WL_RW_READ */
	uint32_t bs_bytes;	 /* I/O size: > 0, multiple of 512; 4096 */
	uint64_t offset_bytes;	 /* start of the region: multiple of 512; 0 */
	uint64_t size_bytes;	 /* length of the region, >= bs; 1 GiB */
	unsigned int rwmixread;	 /* % reads of the mixed modes, 0..100; 50 */
	uint64_t seed;		 /* offsets, mix and passes; 0x1234 */
	uint64_t io_limit_bytes; /* stop after this many bytes; 0: never */
	bool norandommap;	 /* random: uniform draws, repeats allowed */
};

/* One I/O to issue. */
struct wl_io {
	uint64_t offset_bytes; /* absolute, offset_bytes + k * bs_bytes */
	uint32_t len_bytes;    /* bs_bytes; less only for the last one */
	bool write;	       /* false: read */
};

struct wl;

/* Fills @cfg with the defaults noted in struct wl_config.  Any thread. */
void wl_config_default(struct wl_config *cfg);

/*
 * Checks @cfg.  Returns 0 if it is valid, or -EINVAL and, when @why is not
 * NULL, writes into @why (at most @len bytes, NUL-terminated) one line
 * naming the first bad field, its value and what is allowed, e.g.
 * "bs_bytes=1000: must be a positive multiple of 512".  The rules: rw a
 * mode; bs_bytes a positive multiple of 512; offset_bytes a multiple of
 * 512; size_bytes >= bs_bytes; offset_bytes + size_bytes <= 2^64 - 1;
 * rwmixread <= 100; io_limit_bytes a multiple of 512.  Any thread.
 */
__attribute__((warn_unused_result)) int
wl_config_check(const struct wl_config *cfg, char *why, size_t len);

/*
 * Creates a generator for a copy of @cfg.  Returns 0 and sets *@out, or
 * -EINVAL for a config wl_config_check() rejects, or -ENOMEM.  Any
 * thread; the generator then belongs to one thread at a time.
 */
__attribute__((warn_unused_result)) int wl_create(const struct wl_config *cfg,
						  struct wl **out);

/* Frees @w (NULL is fine).  The thread that owns it. */
void wl_destroy(struct wl *w);

/*
 * Fills @io with the next I/O and returns true, or returns false once
 * io_limit_bytes have been handed out (never, if it is 0).  The last I/O
 * is shortened, if needed, so that exactly io_limit_bytes are handed out;
 * every len_bytes is a positive multiple of 512.  No allocation, no
 * system call, expected O(1) (see the random map above).  The owning
 * thread only.
 */
bool wl_next(struct wl *w, struct wl_io *io);

/* Bytes handed out by wl_next() so far.  The owning thread. */
uint64_t wl_issued_bytes(const struct wl *w);

/* Whole blocks of bs_bytes in the region: the length of one pass. */
uint64_t wl_nblocks(const struct wl *w);

/* fio's name of @rw ("randread"...), or "invalid".  Any thread. */
const char *wl_rw_name(enum wl_rw rw);

/*
 * Parses fio's name of a mode: read, write, randread, randwrite, randrw,
 * rw or readwrite (exact, lower case).  Returns 0 and sets *@out, or
 * -EINVAL leaving *@out untouched.  Any thread.
 */
int wl_rw_parse(const char *s, enum wl_rw *out);

/* Whether @rw draws random offsets; whether it mixes reads and writes. */
bool wl_rw_is_random(enum wl_rw rw);
bool wl_rw_is_mixed(enum wl_rw rw);

/*
 * Fills @len bytes at @buf with the pattern of bytes [@offset_bytes,
 * @offset_bytes + @len) of a device written with @seed.  The pattern is
 * made of 8-byte little-endian words: the word at absolute byte offset
 * 8n is a 64-bit hash of (seed, n), a bijection of n for a fixed seed, so
 * no two words of one device are equal and a block written at the wrong
 * place does not match.  Any offset and length work; multiples of 8 take
 * the fast path.  Pure; any thread.
 */
void wl_pattern_fill(void *buf, uint32_t len, uint64_t offset_bytes,
		     uint64_t seed);

/*
 * Compares @len bytes at @buf with the pattern wl_pattern_fill() writes
 * for the same range and seed.  Returns the number of bytes that differ:
 * 0 means the data is good.  Pure; any thread.
 */
uint64_t wl_pattern_check(const void *buf, uint32_t len, uint64_t offset_bytes,
			  uint64_t seed);

#endif
