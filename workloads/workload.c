// SPDX-License-Identifier: MIT
/*
 * The fio-style I/O generator and the verification pattern.  The random
 * map (a keyed bijection over the block numbers walked by a counter) is
 * explained in workload.h.  A struct wl belongs to one thread at a time;
 * everything else here is pure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"

/* Rounds of the random map's bijection; 3 mix every bit into every bit. */
#define WL_PERM_ROUNDS 3

struct wl {
	struct wl_config cfg;  /* the caller's copy */
	uint64_t nblocks;      /* whole blocks in the region, >= 1 */
	bool random;	       /* random offsets */
	bool randommap;	       /* ...visiting each block once per pass */
	bool limited;	       /* io_limit_bytes != 0 */
	unsigned int read_pct; /* 100: reads only, 0: writes only */
	uint64_t issued_bytes;

	/* Sequential modes: the next block. */
	uint64_t seq_blk;

	/* Random map: counter, domain [0, mask], keys of this pass. */
	uint64_t ctr;
	uint64_t mask;
	uint64_t pass;
	uint64_t add[WL_PERM_ROUNDS];
	uint64_t mul[WL_PERM_ROUNDS]; /* odd */
	unsigned int shift[WL_PERM_ROUNDS];

	/* Independent streams, so that rwmixread does not move offsets. */
	uint64_t off_rng; /* norandommap draws */
	uint64_t mix_rng; /* read/write draws */
};

/* ---- Random numbers ----------------------------------------------------- */

/* The splitmix64 finaliser: a bijection of 64-bit words. */
static inline uint64_t wl_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* splitmix64 (Steele, Lea, Flood 2014): one word of state, full period. */
static inline uint64_t wl_rng_next(uint64_t *s)
{
	return wl_mix64(*s += UINT64_C(0x9e3779b97f4a7c15));
}

/*
 * A uniform draw in [0, n), n >= 1, without bias (Lemire 2019): the high
 * word of rng * n, redrawn in the rare case (probability < n / 2^64) that
 * the low word falls in the short stretch that would over-weight some
 * results.
 */
static inline uint64_t wl_rng_below(uint64_t *s, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)wl_rng_next(s) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		uint64_t t = -n % n;

		while (lo < t) {
			m = (unsigned __int128)wl_rng_next(s) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* A word scaled to [0, 100): the high word of r * 100. */
static inline unsigned int wl_percent(uint64_t r)
{
	return (unsigned int)(((unsigned __int128)r * 100) >> 64);
}

/* ---- The random map ----------------------------------------------------- */

/* Draws the keys of pass w->pass from the seed. */
static void wl_perm_rekey(struct wl *w)
{
	uint64_t s = w->cfg.seed ^ wl_mix64(w->pass + 1);

	for (unsigned int r = 0; r < WL_PERM_ROUNDS; r++) {
		w->add[r] = wl_rng_next(&s);
		w->mul[r] = wl_rng_next(&s) | 1;
	}
}

/*
 * The keyed bijection of [0, mask]: each step is invertible modulo
 * mask + 1 = 2^b (adding a constant; multiplying by an odd constant; and
 * x ^= x >> s with s >= 1, whose top s bits are unchanged and give back
 * the next s bits, and so on down).
 */
static inline uint64_t wl_perm(const struct wl *w, uint64_t x)
{
	for (unsigned int r = 0; r < WL_PERM_ROUNDS; r++) {
		x = (x + w->add[r]) & w->mask;
		x = (x * w->mul[r]) & w->mask;
		x ^= x >> w->shift[r];
	}
	return x;
}

static inline uint64_t wl_randmap_next(struct wl *w)
{
	uint64_t x;

	do {
		if (w->ctr > w->mask) { /* a pass is complete */
			w->ctr = 0;
			w->pass++;
			wl_perm_rekey(w);
		}
		x = wl_perm(w, w->ctr++);
	} while (x >= w->nblocks);
	return x;
}

/* ---- Config ------------------------------------------------------------- */

void wl_config_default(struct wl_config *cfg)
{
	*cfg = (struct wl_config){
		.rw = WL_RW_READ,
		.bs_bytes = 4096,
		.offset_bytes = 0,
		.size_bytes = UINT64_C(1) << 30,
		.rwmixread = 50,
		.seed = 0x1234,
		.io_limit_bytes = 0,
		.norandommap = false,
	};
}

__attribute__((format(printf, 3, 4))) static int
wl_reject(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int wl_config_check(const struct wl_config *cfg, char *why, size_t len)
{
	if (!cfg)
		return wl_reject(why, len, "wl_config: NULL config");
	if ((unsigned int)cfg->rw >= WL_RW_NR)
		return wl_reject(why, len,
				 "rw=%u: not a mode (allowed: read, write, "
				 "randread, randwrite, randrw, rw)",
				 (unsigned int)cfg->rw);
	if (!cfg->bs_bytes || cfg->bs_bytes % WL_SECTOR_BYTES)
		return wl_reject(why, len,
				 "bs_bytes=%" PRIu32
				 ": must be a positive multiple of %u",
				 cfg->bs_bytes, WL_SECTOR_BYTES);
	if (cfg->offset_bytes % WL_SECTOR_BYTES)
		return wl_reject(why, len,
				 "offset_bytes=%" PRIu64
				 ": must be a multiple of %u",
				 cfg->offset_bytes, WL_SECTOR_BYTES);
	if (cfg->size_bytes < cfg->bs_bytes)
		return wl_reject(why, len,
				 "size_bytes=%" PRIu64
				 ": must be at least bs_bytes (%" PRIu32 ")",
				 cfg->size_bytes, cfg->bs_bytes);
	if (cfg->size_bytes > UINT64_MAX - cfg->offset_bytes)
		return wl_reject(why, len,
				 "size_bytes=%" PRIu64
				 ": offset_bytes + size_bytes must not exceed "
				 "2^64 - 1 (offset_bytes is %" PRIu64 ")",
				 cfg->size_bytes, cfg->offset_bytes);
	if (cfg->rwmixread > 100)
		return wl_reject(why, len,
				 "rwmixread=%u: must be a percentage, 0..100",
				 cfg->rwmixread);
	if (cfg->io_limit_bytes % WL_SECTOR_BYTES)
		return wl_reject(why, len,
				 "io_limit_bytes=%" PRIu64
				 ": must be a multiple of %u (0: no limit)",
				 cfg->io_limit_bytes, WL_SECTOR_BYTES);
	return 0;
}

/* ---- The generator ------------------------------------------------------ */

/* Percentage of reads: rwmixread for the mixed modes, else 100 or 0. */
static unsigned int wl_read_pct(const struct wl_config *cfg)
{
	switch (cfg->rw) {
	case WL_RW_READ:
	case WL_RW_RANDREAD:
		return 100;
	case WL_RW_RANDRW:
	case WL_RW_RW:
		return cfg->rwmixread;
	default:
		return 0;
	}
}

int wl_create(const struct wl_config *cfg, struct wl **out)
{
	struct wl *w;
	unsigned int bits;

	if (wl_config_check(cfg, NULL, 0))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = *cfg;
	w->nblocks = cfg->size_bytes / cfg->bs_bytes;
	w->random = wl_rw_is_random(cfg->rw);
	w->randommap = w->random && !cfg->norandommap;
	w->limited = cfg->io_limit_bytes != 0;
	w->read_pct = wl_read_pct(cfg);

	/* The map's domain: the smallest power of two >= nblocks. */
	bits = 0;
	if (w->nblocks > 1)
		bits = 64 - (unsigned int)__builtin_clzll(w->nblocks - 1);
	w->mask = bits ? UINT64_MAX >> (64 - bits) : 0;
	/*
	 * Shifts >= 1 keep each round invertible; they differ between rounds
	 * so that no round undoes the structure of the one before.
	 */
	_Static_assert(WL_PERM_ROUNDS == 3, "one shift per round");
	w->shift[0] = bits / 2 + 1;
	w->shift[1] = bits / 3 + 1;
	w->shift[2] = bits / 4 + 1;
	w->pass = 0;
	wl_perm_rekey(w);

	w->off_rng = wl_mix64(cfg->seed ^ UINT64_C(0x6f66667365747321));
	w->mix_rng = wl_mix64(cfg->seed ^ UINT64_C(0x72776d6978726421));
	*out = w;
	return 0;
}

void wl_destroy(struct wl *w)
{
	free(w);
}

bool wl_next(struct wl *w, struct wl_io *io)
{
	uint32_t len = w->cfg.bs_bytes;
	uint64_t blk;

	if (w->limited) {
		uint64_t left = w->cfg.io_limit_bytes - w->issued_bytes;

		if (!left)
			return false;
		if (left < len)
			len = (uint32_t)left;
	}
	if (!w->random) {
		blk = w->seq_blk;
		w->seq_blk = blk + 1 == w->nblocks ? 0 : blk + 1;
	} else if (w->randommap) {
		blk = wl_randmap_next(w);
	} else {
		blk = wl_rng_below(&w->off_rng, w->nblocks);
	}
	io->offset_bytes = w->cfg.offset_bytes + blk * w->cfg.bs_bytes;
	io->len_bytes = len;
	/* A draw in [0, 100) even for pure modes keeps this branch-free. */
	io->write = wl_percent(wl_rng_next(&w->mix_rng)) >= w->read_pct;
	w->issued_bytes += len;
	return true;
}

uint64_t wl_issued_bytes(const struct wl *w)
{
	return w->issued_bytes;
}

uint64_t wl_nblocks(const struct wl *w)
{
	return w->nblocks;
}

/* ---- Names -------------------------------------------------------------- */

static const char *const wl_rw_names[WL_RW_NR] = {
	[WL_RW_READ] = "read",	       [WL_RW_WRITE] = "write",
	[WL_RW_RANDREAD] = "randread", [WL_RW_RANDWRITE] = "randwrite",
	[WL_RW_RANDRW] = "randrw",     [WL_RW_RW] = "rw",
};

const char *wl_rw_name(enum wl_rw rw)
{
	if ((unsigned int)rw >= WL_RW_NR)
		return "invalid";
	return wl_rw_names[rw];
}

int wl_rw_parse(const char *s, enum wl_rw *out)
{
	if (!s)
		return -EINVAL;
	for (unsigned int i = 0; i < WL_RW_NR; i++) {
		if (!strcmp(s, wl_rw_names[i])) {
			*out = (enum wl_rw)i;
			return 0;
		}
	}
	if (!strcmp(s, "readwrite")) { /* fio's alias of rw */
		*out = WL_RW_RW;
		return 0;
	}
	return -EINVAL;
}

bool wl_rw_is_random(enum wl_rw rw)
{
	return rw == WL_RW_RANDREAD || rw == WL_RW_RANDWRITE ||
	       rw == WL_RW_RANDRW;
}

bool wl_rw_is_mixed(enum wl_rw rw)
{
	return rw == WL_RW_RANDRW || rw == WL_RW_RW;
}

/* ---- The verification pattern ------------------------------------------ */

/* The word at absolute byte offset 8n: a bijection of n for one seed. */
static inline uint64_t wl_pattern_word(uint64_t key, uint64_t n)
{
	return wl_mix64(n + key);
}

static inline uint64_t wl_pattern_key(uint64_t seed)
{
	return wl_mix64(seed ^ UINT64_C(0x7061747465726e21));
}

/* Byte @b (absolute) of the pattern, the words stored little-endian. */
static inline unsigned char wl_pattern_byte(uint64_t key, uint64_t b)
{
	return (unsigned char)(wl_pattern_word(key, b >> 3) >> (8 * (b & 7)));
}

static inline uint64_t wl_cpu_to_le64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

void wl_pattern_fill(void *buf, uint32_t len, uint64_t offset_bytes,
		     uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t key = wl_pattern_key(seed), off = offset_bytes;

	for (; len && (off & 7); len--, off++)
		*p++ = wl_pattern_byte(key, off);
	for (; len >= 8; len -= 8, off += 8, p += 8) {
		uint64_t v = wl_cpu_to_le64(wl_pattern_word(key, off >> 3));

		memcpy(p, &v, 8);
	}
	for (; len; len--, off++)
		*p++ = wl_pattern_byte(key, off);
}

/* Bytes of @x that are not zero. */
static inline unsigned int wl_nonzero_bytes(uint64_t x)
{
	/* Fold each byte's bits into its bit 0; no carries cross bytes. */
	x |= x >> 4;
	x |= x >> 2;
	x |= x >> 1;
	return (unsigned int)__builtin_popcountll(x &
						  UINT64_C(0x0101010101010101));
}

uint64_t wl_pattern_check(const void *buf, uint32_t len, uint64_t offset_bytes,
			  uint64_t seed)
{
	const unsigned char *p = buf;
	uint64_t key = wl_pattern_key(seed), off = offset_bytes, bad = 0;

	for (; len && (off & 7); len--, off++)
		bad += *p++ != wl_pattern_byte(key, off);
	for (; len >= 8; len -= 8, off += 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		bad += wl_nonzero_bytes(
			v ^ wl_cpu_to_le64(wl_pattern_word(key, off >> 3)));
	}
	for (; len; len--, off++)
		bad += *p++ != wl_pattern_byte(key, off);
	return bad;
}
