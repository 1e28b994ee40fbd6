/* SPDX-License-Identifier: MIT */
/*
 * The I/O generator of one job, in fio's vocabulary: rw= (read, write,
 * randread, randwrite, randrw, rw/readwrite), bs=, bsrange=, bssplit=,
 * offset=, size=, rwmixread=, randseed=, io_size=, norandommap,
 * random_distribution= (zipf, pareto, normal, zoned), rate_iops= with
 * rate_process= (open loop: each I/O stamped with its intended issue
 * time), thinktime=, or a trace to replay (trace.h).  wl_next() hands out
 * one I/O at a time (offset, length, direction, issue time) without
 * allocating, in O(1) expected; the same config and seed always give the
 * same sequence.  A data
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

/* The splitmix64 finaliser: a bijection of 64-bit words.  Any thread. */
static inline uint64_t wl_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * splitmix64 (Steele, Lea, Flood 2014): one word of state, full period; a
 * fixed seed gives a fixed sequence.  The generator of the workloads and
 * of the simulation's seeded choices (faults, hostile mutations).
 */
static inline uint64_t wl_rng_next(uint64_t *s)
{
	return wl_mix64(*s += UINT64_C(0x9e3779b97f4a7c15));
}

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

/*
 * random_distribution=: how random modes pick a block (fio's names).
 * RANDOM is uniform (with the random map unless norandommap); the others
 * draw every I/O independently, so the random map does not apply:
 *   ZIPF    zipf:theta, rank k (1-based) has weight k^-theta; theta > 0.
 *   PARETO  pareto:h, rank = floor((n - 1) * u^(log h / log(1 - h))), so
 *           that a fraction h of the blocks takes 1 - h of the I/O
 *           (0.2: the 80/20 rule); 0 < h < 1.
 *   NORMAL  normal:sigma[:center], sigma and the center in percent of the
 *           region (center 50); draws outside the region are redrawn.
 *   ZONED   zoned:a1/s1:a2/s2:..., a% of the I/O goes uniformly into the
 *           next s% of the region; each column sums to 100.
 * The ranks of zipf and pareto are spread over the region by a keyed
 * bijection (fio hashes them), so the hot blocks are not all at the
 * start; normal and zoned keep their place.
 */
enum wl_dist {
	WL_DIST_RANDOM,
	WL_DIST_ZIPF,
	WL_DIST_PARETO,
	WL_DIST_NORMAL,
	WL_DIST_ZONED,
	WL_DIST_NR,
};

/* rate_process=: how open-loop arrivals are spaced. */
enum wl_rate_process {
	WL_RATE_LINEAR,	 /* every 1 / rate_iops exactly */
	WL_RATE_POISSON, /* exponential gaps of mean 1 / rate_iops */
	WL_RATE_NR,
};

#define WL_BSSPLIT_MAX 32 /* entries of bssplit= */
#define WL_ZONES_MAX 32	  /* zones of random_distribution=zoned */
#define WL_PPM 1000000u	  /* weights are in parts per million */

/* One entry of bssplit=: a block size and its share of the I/Os. */
struct wl_bs_weight {
	uint32_t bs_bytes;
	uint32_t weight_ppm;
};

/* One zone of zoned: its share of the I/Os and of the region. */
struct wl_zone {
	uint32_t access_ppm;
	uint32_t size_ppm;
};

struct wl_trace;

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

	/*
	 * Block sizes.  bsrange: bs_max_bytes > 0 draws every length
	 * uniformly among the multiples of the step in [bs_bytes,
	 * bs_max_bytes], the step being bs_bytes when it is a power of two
	 * (fio's alignment), else 512.  bssplit: nbssplit > 0 draws each
	 * length from bssplit[] by weight (the weights sum to WL_PPM) and
	 * overrides bs_bytes and bs_max_bytes.
	 */
	uint32_t bs_max_bytes; /* 0: every I/O is bs_bytes */
	unsigned int nbssplit;
	struct wl_bs_weight bssplit[WL_BSSPLIT_MAX];

	enum wl_dist dist;  /* random_distribution; WL_DIST_RANDOM */
	double dist_param;  /* theta, h or sigma (percent) */
	double dist_center; /* normal: center, percent; 50 */
	unsigned int nzones;
	struct wl_zone zones[WL_ZONES_MAX];

	/*
	 * Open loop: with rate_iops > 0 every I/O is stamped with the time
	 * it is meant to be issued (struct wl_io.issue_ns).
	 */
	uint64_t rate_iops; /* 0: closed loop */
	enum wl_rate_process rate_process;

	/*
	 * thinktime: after every thinktime_blocks I/Os, the next one carries
	 * a pause of thinktime_ns (of which thinktime_spin_ns busy) that
	 * the issuer is to take before it.  Generated, not timed, here.
	 */
	uint64_t thinktime_ns;
	uint64_t thinktime_spin_ns;
	uint32_t thinktime_blocks; /* 0 or 1: before every I/O */

	/*
	 * Trace replay: when set, the I/Os come from this trace (see
	 * trace.h) instead of rw/bs/random_distribution; offsets are
	 * wrapped into the region.  Not owned; must outlive the generator.
	 */
	struct wl_trace *trace;
};

/* One I/O to issue. */
struct wl_io {
	uint64_t offset_bytes; /* absolute, offset_bytes + k * bs_bytes */
	uint32_t len_bytes;    /* bs_bytes; less only for the last one */
	bool write;	       /* false: read */
	/*
	 * When to issue it, in ns from the start of the run: 0 in closed
	 * loop (as soon as the queue depth allows).  Non-decreasing except
	 * in traces whose own timestamps go back.
	 */
	uint64_t issue_ns;
	uint64_t think_ns;	/* pause to take before it (thinktime) */
	uint64_t think_spin_ns; /* of which busy-waiting */
	uint8_t bs_index;	/* the bssplit entry drawn; 0 without one */
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

/*
 * The error that ended the stream early, or NULL: a trace line that does
 * not parse, as "file:line: reason".  The owning thread, or after it.
 */
const char *wl_error(const struct wl *w);

/*
 * Whether @w stamps I/Os with a schedule (struct wl_io.issue_ns) that the
 * issuer must keep: rate_iops > 0, or a timed trace.  Any thread.
 */
bool wl_open_loop(const struct wl *w);

/* Bytes handed out by wl_next() so far.  The owning thread. */
uint64_t wl_issued_bytes(const struct wl *w);

/* Whole blocks of bs_bytes in the region: the length of one pass. */
uint64_t wl_nblocks(const struct wl *w);

/*
 * The region [*@offset_bytes, *@offset_bytes + *@size_bytes) that every
 * I/O of @w lies in, and the grid that every I/O's offset (less the
 * region's) and length are multiples of, except the last I/O an
 * io_limit_bytes shortens.  Any thread.
 */
void wl_region(const struct wl *w, uint64_t *offset_bytes, uint64_t *size_bytes,
	       uint32_t *grid_bytes);

/* fio's name of @rw ("randread"...), or "invalid".  Any thread. */
const char *wl_rw_name(enum wl_rw rw);

/*
 * Parses fio's name of a mode: read, write, randread, randwrite, randrw,
 * rw or readwrite (exact, lower case).  Returns 0 and sets *@out, or
 * -EINVAL leaving *@out untouched.  Any thread.
 */
int wl_rw_parse(const char *s, enum wl_rw *out);

/*
 * Parsers of fio's option values into @cfg, for the option table.  Each
 * returns 0, or -EINVAL leaving @cfg untouched and writing one line into
 * @why naming what is wrong and what is allowed.  Any thread.
 *
 * wl_bsrange_parse: "MIN-MAX", sizes with k/m/g suffixes, e.g. "4k-64k";
 *   "" clears it.  Sets bs_bytes and bs_max_bytes.
 * wl_bssplit_parse: "SIZE/PCT:SIZE/PCT:...", e.g. "4k/70:64k/30";
 *   entries without a percentage share what the others leave; the sum
 *   must be 100.  "" clears it.
 * wl_dist_parse: "random", "zipf:THETA", "pareto:H", "normal:SIGMA[:C]",
 *   "zoned:A/S:A/S..." (see enum wl_dist).  Sets dist, dist_param,
 *   dist_center, nzones and zones.
 */
int wl_bsrange_parse(const char *s, struct wl_config *cfg, char *why,
		     size_t len);
int wl_bssplit_parse(const char *s, struct wl_config *cfg, char *why,
		     size_t len);
int wl_dist_parse(const char *s, struct wl_config *cfg, char *why, size_t len);

/*
 * Draws the next rank (0 = hottest) of @w's random_distribution over its
 * wl_nblocks() blocks, before ranks are spread over the region, from the
 * same stream wl_next() uses: for the tests of each distribution's shape.
 * Not for ZONED or RANDOM (whose draw is a block).  The owning thread.
 */
uint64_t wl_draw_rank(struct wl *w);

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

/*
 * verify=crc32c: verify blocks with a header and a checksum (fio's
 * verify=crc32c, our own layout).  Every WL_VBLOCK_BYTES block of the
 * device that a verifying job writes holds, little-endian:
 *
 *   bytes  0..3   magic, WL_VBLOCK_MAGIC
 *          4..7   CRC32C of the whole block with these 4 bytes taken as 0
 *          8..15  the block's absolute byte offset
 *         16..19  its length, WL_VBLOCK_BYTES
 *         20..23  0
 *         24..31  its generation: 1 for the first write of the block in a
 *                 run, one more for each write after
 *         32..39  the run's seed
 *         40..    payload: 8-byte words, a hash of (seed, generation,
 *                 offset of the word), so no two writes look alike
 *
 * The checksum covers the header too: a flipped bit anywhere but the
 * magic reads as a checksum mismatch, and a block that is intact but old
 * (an earlier generation) or misplaced reads as a wrong generation or
 * offset.  The functions are pure; any thread.
 */
#define WL_VBLOCK_BYTES 4096u
#define WL_VBLOCK_HEADER_BYTES 40u
#define WL_VBLOCK_MAGIC UINT32_C(0x6b6c6276) /* "vblk" on disk */

/* A block's header, decoded. */
struct wl_vblock_header {
	uint32_t magic;
	uint32_t crc32c; /* as stored */
	uint64_t offset_bytes;
	uint32_t length_bytes;
	uint64_t generation;
	uint64_t seed;
};

/* What a check found wrong first (WL_VF_OK: nothing). */
enum wl_vfield {
	WL_VF_OK,
	WL_VF_MAGIC,
	WL_VF_CHECKSUM,
	WL_VF_OFFSET,
	WL_VF_LENGTH,
	WL_VF_SEED,	  /* checked by the caller */
	WL_VF_GENERATION, /* checked by the caller */
	WL_VF_NR,
};

/* "magic", "checksum", ..., or "invalid".  Any thread. */
const char *wl_vfield_name(enum wl_vfield f);

/*
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78) of @len bytes at
 * @buf, continuing from @crc (0 to start), with the usual inversion in
 * and out, so wl_crc32c(wl_crc32c(0, a), b) is the CRC of a then b and
 * the CRC of "123456789" is 0xe3069283.  Software, eight table lookups
 * per 8 bytes ("slicing by 8"), three streams side by side over long
 * buffers; the tables are built once, on the first call of any thread.
 * Any thread.
 */
uint32_t wl_crc32c(uint32_t crc, const void *buf, size_t len);

/*
 * Fills the WL_VBLOCK_BYTES at @blk with the block a run of @seed writes
 * at @offset_bytes in its @generation: header, payload and checksum.
 * Any thread.
 */
void wl_vblock_fill(void *blk, uint64_t offset_bytes, uint64_t generation,
		    uint64_t seed);

/*
 * Decodes the block at @blk into *@hdr and checks, in this order, its
 * magic, its checksum (the CRC computed goes to *@crc_out), its offset
 * (against @offset_bytes) and its length.  Returns the first field that
 * is wrong, or WL_VF_OK; seed and generation are the caller's to judge.
 * Any thread.
 */
enum wl_vfield wl_vblock_check(const void *blk, uint64_t offset_bytes,
			       struct wl_vblock_header *hdr, uint32_t *crc_out);

#endif
