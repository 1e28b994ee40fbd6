// SPDX-License-Identifier: MIT
/*
 * The fio-style I/O generator and the verification pattern.  The random
 * map (a keyed bijection over the block numbers walked by a counter) is
 * explained in workload.h.  A struct wl belongs to one thread at a time;
 * everything else here is pure.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workloads/trace.h"
#include "workloads/workload.h"

/* Rounds of the random map's bijection; 3 mix every bit into every bit. */
#define WL_PERM_ROUNDS 3

/*
 * A keyed bijection of [0, mask] (see workload.h): the random map walks a
 * counter through one, and the zipf and pareto ranks are spread over the
 * region by another.
 */
struct wl_perm {
	uint64_t mask;
	uint64_t add[WL_PERM_ROUNDS];
	uint64_t mul[WL_PERM_ROUNDS]; /* odd */
	unsigned int shift[WL_PERM_ROUNDS];
};

/* The zipf sampler's constants (rejection-inversion, see wl_zipf_draw). */
struct wl_zipf {
	double theta, h_x1, h_n, s;
};

struct wl {
	struct wl_config cfg;  /* the caller's copy */
	uint64_t nblocks;      /* whole grid blocks in the region, >= 1 */
	uint32_t grid;	       /* bytes per block: divides every length */
	uint32_t max_len;      /* the longest length drawn */
	bool random;	       /* random offsets */
	bool randommap;	       /* ...visiting each block once per pass */
	bool limited;	       /* io_limit_bytes != 0 */
	unsigned int read_pct; /* 100: reads only, 0: writes only */
	uint64_t issued_bytes;
	uint64_t nios; /* I/Os handed out */

	/* Sequential modes: the next block. */
	uint64_t seq_blk;

	/* Random map: counter, keys of this pass. */
	uint64_t ctr;
	uint64_t pass;
	struct wl_perm map;

	/* Lengths: bsrange steps, bssplit cumulative weights. */
	uint32_t bs_step, bs_nsteps;
	uint32_t bs_cum[WL_BSSPLIT_MAX];

	/* Distributions. */
	struct wl_perm spread; /* rank -> block, fixed keys */
	struct wl_zipf zipf;
	double pareto_pow;
	uint32_t zone_cum[WL_ZONES_MAX];       /* cumulative access, ppm */
	uint64_t zone_start[WL_ZONES_MAX + 1]; /* first block of each zone */

	/* Open loop: the next Poisson arrival, ns. */
	double arrival_ns;

	/* Independent streams, so that rwmixread does not move offsets. */
	uint64_t off_rng;  /* norandommap draws */
	uint64_t mix_rng;  /* read/write draws */
	uint64_t bs_rng;   /* lengths */
	uint64_t dist_rng; /* non-uniform offsets */
	uint64_t rate_rng; /* Poisson gaps */

	char error[320]; /* why the stream ended early */
};

/* ---- Random numbers ----------------------------------------------------- */

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

/* A double in (0, 1], never 0 so that its logarithm is finite. */
static inline double wl_unit(uint64_t *s)
{
	return ((double)(wl_rng_next(s) >> 11) + 1.0) * 0x1.0p-53;
}

/* ---- The keyed bijections ----------------------------------------------- */

/* Sizes @p's domain to the smallest power of two >= @n. */
static void wl_perm_domain(struct wl_perm *p, uint64_t n)
{
	unsigned int bits = 0;

	if (n > 1)
		bits = 64 - (unsigned int)__builtin_clzll(n - 1);
	p->mask = bits ? UINT64_MAX >> (64 - bits) : 0;
	/*
	 * Shifts >= 1 keep each round invertible; they differ between rounds
	 * so that no round undoes the structure of the one before.
	 */
	_Static_assert(WL_PERM_ROUNDS == 3, "one shift per round");
	p->shift[0] = bits / 2 + 1;
	p->shift[1] = bits / 3 + 1;
	p->shift[2] = bits / 4 + 1;
}

/* Draws @p's keys from @s. */
static void wl_perm_rekey(struct wl_perm *p, uint64_t s)
{
	for (unsigned int r = 0; r < WL_PERM_ROUNDS; r++) {
		p->add[r] = wl_rng_next(&s);
		p->mul[r] = wl_rng_next(&s) | 1;
	}
}

/*
 * The keyed bijection of [0, mask]: each step is invertible modulo
 * mask + 1 = 2^b (adding a constant; multiplying by an odd constant; and
 * x ^= x >> s with s >= 1, whose top s bits are unchanged and give back
 * the next s bits, and so on down).
 */
static inline uint64_t wl_perm(const struct wl_perm *p, uint64_t x)
{
	for (unsigned int r = 0; r < WL_PERM_ROUNDS; r++) {
		x = (x + p->add[r]) & p->mask;
		x = (x * p->mul[r]) & p->mask;
		x ^= x >> p->shift[r];
	}
	return x;
}

/*
 * A bijection of [0, n) by cycle walking: apply the bijection of
 * [0, 2^b) until the value falls below n.  Following x's cycle from a
 * start below n must come back below n (at the start at the latest), and
 * distinct starts reach distinct values, so this permutes [0, n); as
 * 2^b < 2n the expected number of steps is under two.
 */
static inline uint64_t wl_perm_walk(const struct wl_perm *p, uint64_t x,
				    uint64_t n)
{
	do
		x = wl_perm(p, x);
	while (x >= n);
	return x;
}

/* Draws the keys of pass w->pass from the seed. */
static void wl_map_rekey(struct wl *w)
{
	wl_perm_rekey(&w->map, w->cfg.seed ^ wl_mix64(w->pass + 1));
}

static inline uint64_t wl_randmap_next(struct wl *w)
{
	uint64_t x;

	do {
		if (w->ctr > w->map.mask) { /* a pass is complete */
			w->ctr = 0;
			w->pass++;
			wl_map_rekey(w);
		}
		x = wl_perm(&w->map, w->ctr++);
	} while (x >= w->nblocks);
	return x;
}

/* ---- Distributions ------------------------------------------------------ */

/*
 * Zipf by rejection-inversion (Hoermann and Derflinger 1996), exact for
 * any n and theta > 0 in O(1) expected time, where fio approximates.  In
 * short: the weights k^-theta of ranks k = 1..n are covered by the area
 * under h(x) = x^-theta; a point drawn uniformly in the integral H of h
 * over [1.5, n + 0.5] is inverted to x and rounded to k, and accepted
 * when it falls within k's own weight, which happens with probability
 * above 0.5 for every theta.  The helpers keep H and its inverse
 * accurate at theta = 1, where (x^(1-theta) - 1) / (1 - theta) becomes
 * log x.
 */
static double wl_zipf_helper1(double x) /* log1p(x) / x */
{
	return fabs(x) > 1e-8 ? log1p(x) / x :
				1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static double wl_zipf_helper2(double x) /* expm1(x) / x */
{
	return fabs(x) > 1e-8 ? expm1(x) / x :
				1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

static double wl_zipf_h(const struct wl_zipf *z, double x)
{
	return exp(-z->theta * log(x));
}

static double wl_zipf_hint(const struct wl_zipf *z, double x)
{
	double lx = log(x);

	return wl_zipf_helper2((1 - z->theta) * lx) * lx;
}

static double wl_zipf_hinv(const struct wl_zipf *z, double x)
{
	double t = x * (1 - z->theta);

	if (t < -1)
		t = -1; /* rounding only: keeps log1p finite */
	return exp(wl_zipf_helper1(t) * x);
}

static void wl_zipf_init(struct wl_zipf *z, double theta, uint64_t n)
{
	z->theta = theta;
	z->h_x1 = wl_zipf_hint(z, 1.5) - 1;
	z->h_n = wl_zipf_hint(z, (double)n + 0.5);
	z->s = 2 - wl_zipf_hinv(z, wl_zipf_hint(z, 2.5) - wl_zipf_h(z, 2));
}

/* A rank in [0, n): 0 is the most frequent. */
static uint64_t wl_zipf_draw(const struct wl_zipf *z, uint64_t n, uint64_t *rng)
{
	for (;;) {
		double u = z->h_n + wl_unit(rng) * (z->h_x1 - z->h_n);
		double x = wl_zipf_hinv(z, u);
		double k = floor(x + 0.5);

		if (k < 1)
			k = 1;
		else if (k > (double)n)
			k = (double)n;
		if (k - x <= z->s ||
		    u >= wl_zipf_hint(z, k + 0.5) - wl_zipf_h(z, k))
			return (uint64_t)k - 1;
	}
}

uint64_t wl_draw_rank(struct wl *w)
{
	uint64_t n = w->nblocks;
	double x;

	switch (w->cfg.dist) {
	case WL_DIST_ZIPF:
		return wl_zipf_draw(&w->zipf, n, &w->dist_rng);
	case WL_DIST_PARETO:
		/* u^p < h exactly when u < h^(1/p) = 1 - h: the 80/20 rule. */
		x = (double)(n - 1) *
		    pow(wl_unit(&w->dist_rng) - 0x1.0p-53, w->pareto_pow);
		return x < (double)n ? (uint64_t)x : n - 1;
	case WL_DIST_NORMAL:
		do {
			/* Box-Muller: one normal from two uniforms. */
			double r = sqrt(-2 * log(wl_unit(&w->dist_rng)));
			double z = r * cos(2 * M_PI * wl_unit(&w->dist_rng));

			x = (double)n *
			    (w->cfg.dist_center + w->cfg.dist_param * z) / 100;
		} while (!(x >= 0 && x < (double)n));
		return (uint64_t)x;
	default:
		return wl_rng_below(&w->dist_rng, n);
	}
}

/* The block of a random I/O, by the configured distribution. */
static uint64_t wl_random_block(struct wl *w)
{
	uint32_t r;
	unsigned int z;
	uint64_t lo, hi;

	switch (w->cfg.dist) {
	case WL_DIST_ZIPF:
	case WL_DIST_PARETO:
		return wl_perm_walk(&w->spread, wl_draw_rank(w), w->nblocks);
	case WL_DIST_NORMAL:
		return wl_draw_rank(w);
	case WL_DIST_ZONED:
		r = (uint32_t)wl_rng_below(&w->dist_rng, WL_PPM);
		for (z = 0; z + 1 < w->cfg.nzones && r >= w->zone_cum[z]; z++)
			;
		lo = w->zone_start[z];
		hi = w->zone_start[z + 1];
		if (hi <= lo) /* a zone thinner than a block */
			return lo < w->nblocks ? lo : w->nblocks - 1;
		return lo + wl_rng_below(&w->dist_rng, hi - lo);
	default:
		if (w->randommap)
			return wl_randmap_next(w);
		return wl_rng_below(&w->off_rng, w->nblocks);
	}
}

/* The length of the next I/O, and with bssplit the entry it came from. */
static uint32_t wl_draw_len(struct wl *w, uint8_t *bs_index)
{
	const struct wl_config *c = &w->cfg;

	*bs_index = 0;
	if (c->nbssplit) {
		uint32_t r = (uint32_t)wl_rng_below(&w->bs_rng, WL_PPM);
		unsigned int i = 0;

		while (i + 1 < c->nbssplit && r >= w->bs_cum[i])
			i++;
		*bs_index = (uint8_t)i;
		return c->bssplit[i].bs_bytes;
	}
	if (c->bs_max_bytes)
		return c->bs_bytes +
		       w->bs_step *
			       (uint32_t)wl_rng_below(&w->bs_rng, w->bs_nsteps);
	return c->bs_bytes;
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
		.dist = WL_DIST_RANDOM,
		.dist_center = 50,
		.rate_process = WL_RATE_LINEAR,
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

/* The longest length @cfg draws. */
static uint32_t wl_max_len(const struct wl_config *cfg)
{
	uint32_t m = cfg->bs_max_bytes > cfg->bs_bytes ? cfg->bs_max_bytes :
							 cfg->bs_bytes;

	if (cfg->nbssplit) {
		m = 0;
		for (unsigned int i = 0; i < cfg->nbssplit; i++)
			if (cfg->bssplit[i].bs_bytes > m)
				m = cfg->bssplit[i].bs_bytes;
	}
	return m;
}

static uint32_t wl_gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The step of bsrange: bs_bytes if it is a power of two, else 512. */
static uint32_t wl_bs_step(const struct wl_config *cfg)
{
	uint32_t b = cfg->bs_bytes;

	return (b & (b - 1)) == 0 ? b : WL_SECTOR_BYTES;
}

/* The grid block: a common divisor of every length @cfg draws. */
static uint32_t wl_grid(const struct wl_config *cfg)
{
	uint32_t g = 0;

	if (cfg->nbssplit) {
		for (unsigned int i = 0; i < cfg->nbssplit; i++)
			g = wl_gcd(g, cfg->bssplit[i].bs_bytes);
		return g;
	}
	if (cfg->bs_max_bytes)
		return wl_gcd(cfg->bs_bytes, wl_bs_step(cfg));
	return cfg->bs_bytes;
}

/* The checks of the fields after io_limit_bytes. */
static int wl_config_check_more(const struct wl_config *cfg, char *why,
				size_t len)
{
	uint64_t sum = 0, sizes = 0;

	if (cfg->bs_max_bytes && (cfg->bs_max_bytes < cfg->bs_bytes ||
				  cfg->bs_max_bytes % WL_SECTOR_BYTES))
		return wl_reject(why, len,
				 "bs_max_bytes=%" PRIu32
				 ": must be 0 or a multiple of %u >= bs_bytes "
				 "(%" PRIu32 ")",
				 cfg->bs_max_bytes, WL_SECTOR_BYTES,
				 cfg->bs_bytes);
	if (cfg->nbssplit > WL_BSSPLIT_MAX)
		return wl_reject(why, len, "nbssplit=%u: at most %u entries",
				 cfg->nbssplit, WL_BSSPLIT_MAX);
	for (unsigned int i = 0; i < cfg->nbssplit; i++) {
		if (!cfg->bssplit[i].bs_bytes ||
		    cfg->bssplit[i].bs_bytes % WL_SECTOR_BYTES)
			return wl_reject(why, len,
					 "bssplit[%u].bs_bytes=%" PRIu32
					 ": must be a positive multiple of %u",
					 i, cfg->bssplit[i].bs_bytes,
					 WL_SECTOR_BYTES);
		sum += cfg->bssplit[i].weight_ppm;
	}
	if (cfg->nbssplit && sum != WL_PPM)
		return wl_reject(why, len,
				 "bssplit: weights sum to %" PRIu64
				 " ppm, must be %u (100%%)",
				 sum, WL_PPM);
	if (cfg->size_bytes < wl_max_len(cfg))
		return wl_reject(why, len,
				 "size_bytes=%" PRIu64
				 ": must hold the largest block (%" PRIu32 ")",
				 cfg->size_bytes, wl_max_len(cfg));
	if ((unsigned int)cfg->dist >= WL_DIST_NR)
		return wl_reject(why, len, "dist=%u: not a distribution",
				 (unsigned int)cfg->dist);
	if (cfg->dist == WL_DIST_ZIPF &&
	    !(cfg->dist_param > 0 && cfg->dist_param < 1000))
		return wl_reject(why, len,
				 "zipf theta %g: must be > 0 (and < 1000)",
				 cfg->dist_param);
	if (cfg->dist == WL_DIST_PARETO &&
	    !(cfg->dist_param > 0 && cfg->dist_param < 1))
		return wl_reject(why, len,
				 "pareto h %g: must be between 0 and 1, "
				 "exclusive",
				 cfg->dist_param);
	if (cfg->dist == WL_DIST_NORMAL &&
	    (!(cfg->dist_param > 0 && cfg->dist_param <= 1000) ||
	     !(cfg->dist_center >= 0 && cfg->dist_center <= 100)))
		return wl_reject(why, len,
				 "normal sigma %g, center %g: sigma must be "
				 "> 0 (percent), center 0..100",
				 cfg->dist_param, cfg->dist_center);
	if (cfg->dist == WL_DIST_ZONED) {
		if (!cfg->nzones || cfg->nzones > WL_ZONES_MAX)
			return wl_reject(why, len,
					 "zoned: %u zones, allowed 1..%u",
					 cfg->nzones, WL_ZONES_MAX);
		sum = 0;
		for (unsigned int i = 0; i < cfg->nzones; i++) {
			sum += cfg->zones[i].access_ppm;
			sizes += cfg->zones[i].size_ppm;
		}
		if (sum != WL_PPM || sizes != WL_PPM)
			return wl_reject(why, len,
					 "zoned: access sums to %g%%, size to "
					 "%g%%: each must be 100%%",
					 (double)sum / 1e4,
					 (double)sizes / 1e4);
	}
	if ((unsigned int)cfg->rate_process >= WL_RATE_NR)
		return wl_reject(why, len,
				 "rate_process=%u: allowed linear, poisson",
				 (unsigned int)cfg->rate_process);
	if (cfg->rate_iops > UINT64_C(1000000000))
		return wl_reject(why, len,
				 "rate_iops=%" PRIu64 ": at most 1000000000",
				 cfg->rate_iops);
	if (cfg->thinktime_spin_ns > cfg->thinktime_ns)
		return wl_reject(why, len,
				 "thinktime_spin_ns=%" PRIu64
				 ": must not exceed thinktime_ns (%" PRIu64 ")",
				 cfg->thinktime_spin_ns, cfg->thinktime_ns);
	return 0;
}

/* ---- Parsing fio's values ----------------------------------------------- */

/* A size: digits and an optional k/m/g suffix (powers of 1024). */
static int wl_parse_size(const char *s, size_t n, uint64_t *out)
{
	static const struct {
		const char *sfx;
		unsigned int shift;
	} units[] = {
		{ "", 0 },     { "b", 0 },   { "k", 10 },   { "kb", 10 },
		{ "kib", 10 }, { "m", 20 },  { "mb", 20 },  { "mib", 20 },
		{ "g", 30 },   { "gb", 30 }, { "gib", 30 },
	};
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!i)
		return -EINVAL;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t sl = strlen(units[u].sfx);

		if (sl != n - i || strncasecmp(s + i, units[u].sfx, sl))
			continue;
		if (v > (UINT64_MAX >> units[u].shift))
			return -ERANGE;
		*out = v << units[u].shift;
		return 0;
	}
	return -EINVAL;
}

/*
 * A percentage, a non-negative decimal ("33", "12.5", at most 4 decimals:
 * finer than 1 ppm is refused rather than rounded), in parts per million.
 */
static int wl_parse_pct_ppm(const char *s, size_t n, uint32_t *out)
{
	uint64_t ip = 0, frac = 0, ppm;
	unsigned int fd = 0;
	bool digits = false;
	size_t i = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		ip = ip * 10 + (uint64_t)(s[i] - '0');
		digits = true;
		if (ip > 100)
			return -ERANGE;
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			digits = true;
			if (fd < 4) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				fd++;
			} else if (s[i] != '0') {
				return -EINVAL;
			}
		}
	}
	if (i != n || !digits)
		return -EINVAL;
	for (; fd < 4; fd++)
		frac *= 10;
	ppm = ip * 10000 + frac;
	if (ppm > WL_PPM)
		return -ERANGE;
	*out = (uint32_t)ppm;
	return 0;
}

/* A decimal number (strtod), the whole of [s, s + n). */
static int wl_parse_double(const char *s, size_t n, double *out)
{
	char buf[64], *end;

	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '.'))
		return -EINVAL;
	*out = strtod(buf, &end);
	return *end || !isfinite(*out) ? -EINVAL : 0;
}

int wl_bsrange_parse(const char *s, struct wl_config *cfg, char *why,
		     size_t len)
{
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;

	if (!*s) {
		cfg->bs_max_bytes = 0;
		return 0;
	}
	if (!dash || wl_parse_size(s, (size_t)(dash - s), &lo) ||
	    wl_parse_size(dash + 1, strlen(dash + 1), &hi))
		return wl_reject(why, len,
				 "bsrange=%s: not MIN-MAX (e.g. 4k-64k)", s);
	if (!lo || lo % WL_SECTOR_BYTES || hi % WL_SECTOR_BYTES || lo > hi ||
	    hi > (UINT32_C(16) << 20))
		return wl_reject(why, len,
				 "bsrange=%s: MIN and MAX must be multiples of "
				 "512, 0 < MIN <= MAX <= 16m",
				 s);
	cfg->bs_bytes = (uint32_t)lo;
	cfg->bs_max_bytes = (uint32_t)hi;
	return 0;
}

int wl_bssplit_parse(const char *s, struct wl_config *cfg, char *why,
		     size_t len)
{
	struct wl_bs_weight e[WL_BSSPLIT_MAX];
	unsigned int n = 0, blank = 0;
	uint64_t sum = 0;
	const char *p = s;

	if (!*s) {
		cfg->nbssplit = 0;
		return 0;
	}
	if (strchr(s, ','))
		return wl_reject(why, len,
				 "bssplit=%s: separate read,write splits are "
				 "not supported (allowed: one split for both)",
				 s);
	while (*p) {
		size_t tl = strcspn(p, ":"), sl = strcspn(p, "/:");
		uint64_t bs;
		uint32_t ppm = UINT32_MAX; /* no percentage given */

		if (n == WL_BSSPLIT_MAX)
			return wl_reject(why, len,
					 "bssplit=%s: more than %u entries", s,
					 WL_BSSPLIT_MAX);
		if (wl_parse_size(p, sl, &bs) || !bs || bs % WL_SECTOR_BYTES ||
		    bs > (UINT32_C(16) << 20))
			return wl_reject(
				why, len,
				"bssplit=%s: '%.*s' is not a block size "
				"(a multiple of 512 up to 16m, e.g. 4k)",
				s, (int)sl, p);
		if (sl < tl && wl_parse_pct_ppm(p + sl + 1, tl - sl - 1, &ppm))
			return wl_reject(why, len,
					 "bssplit=%s: '%.*s' is not a "
					 "percentage (0..100, e.g. 30 or 12.5)",
					 s, (int)(tl - sl - 1), p + sl + 1);
		e[n].bs_bytes = (uint32_t)bs;
		e[n].weight_ppm = ppm;
		if (ppm == UINT32_MAX)
			blank++;
		else
			sum += ppm;
		n++;
		p += tl;
		if (*p == ':' && !*++p)
			return wl_reject(why, len,
					 "bssplit=%s: empty entry at the end",
					 s);
	}
	if (sum > WL_PPM || (!blank && sum != WL_PPM))
		return wl_reject(why, len,
				 "bssplit=%s: percentages sum to %g, must be "
				 "100 (or less, with entries left blank)",
				 s, (double)sum / 1e4);
	/* Blank entries share the rest; the first ones take the remainder. */
	for (unsigned int i = 0, k = 0; i < n; i++) {
		if (e[i].weight_ppm != UINT32_MAX)
			continue;
		e[i].weight_ppm = (uint32_t)((WL_PPM - sum) / blank) +
				  (k < (WL_PPM - sum) % blank);
		k++;
	}
	memcpy(cfg->bssplit, e, n * sizeof(e[0]));
	cfg->nbssplit = n;
	return 0;
}

static int wl_dist_zoned_parse(const char *s, const char *z,
			       struct wl_config *cfg, char *why, size_t len)
{
	struct wl_zone zones[WL_ZONES_MAX];
	unsigned int n = 0;
	uint64_t acc = 0, sz = 0;

	while (*z) {
		size_t tl = strcspn(z, ":"), sl = strcspn(z, "/:");

		if (n == WL_ZONES_MAX)
			return wl_reject(why, len,
					 "random_distribution=%s: more than %u "
					 "zones",
					 s, WL_ZONES_MAX);
		if (sl >= tl || wl_parse_pct_ppm(z, sl, &zones[n].access_ppm) ||
		    wl_parse_pct_ppm(z + sl + 1, tl - sl - 1,
				     &zones[n].size_ppm))
			return wl_reject(why, len,
					 "random_distribution=%s: zone '%.*s' "
					 "is not ACCESS%%/SIZE%% (e.g. 60/10)",
					 s, (int)tl, z);
		acc += zones[n].access_ppm;
		sz += zones[n].size_ppm;
		n++;
		z += tl;
		if (*z == ':')
			z++;
	}
	if (!n || acc != WL_PPM || sz != WL_PPM)
		return wl_reject(why, len,
				 "random_distribution=%s: access sums to %g, "
				 "size to %g; each must be 100",
				 s, (double)acc / 1e4, (double)sz / 1e4);
	memcpy(cfg->zones, zones, n * sizeof(zones[0]));
	cfg->nzones = n;
	cfg->dist = WL_DIST_ZONED;
	return 0;
}

int wl_dist_parse(const char *s, struct wl_config *cfg, char *why, size_t len)
{
	static const char *const names[] = { "random", "zipf", "pareto",
					     "normal", "zoned" };
	size_t nl = strcspn(s, ":");
	const char *arg = s[nl] ? s + nl + 1 : NULL;
	struct wl_config c = *cfg;
	double p, center = 50;
	unsigned int d;
	char tmp[160];

	for (d = 0; d < WL_DIST_NR; d++)
		if (strlen(names[d]) == nl && !strncmp(s, names[d], nl))
			break;
	if (d == WL_DIST_NR)
		return wl_reject(why, len,
				 "random_distribution=%s: unknown (allowed: "
				 "random, zipf:THETA, pareto:H, "
				 "normal:SIGMA[:CENTER], zoned:A/S:...)",
				 s);
	if (d == WL_DIST_RANDOM) {
		if (arg)
			return wl_reject(why, len,
					 "random_distribution=%s: random takes "
					 "no parameter",
					 s);
		cfg->dist = WL_DIST_RANDOM;
		return 0;
	}
	if (!arg || !*arg)
		return wl_reject(why, len,
				 "random_distribution=%s: %s needs a parameter "
				 "(e.g. %s)",
				 s, names[d],
				 d == WL_DIST_ZIPF   ? "zipf:1.2" :
				 d == WL_DIST_PARETO ? "pareto:0.2" :
				 d == WL_DIST_NORMAL ? "normal:10" :
						       "zoned:60/10:40/90");
	if (d == WL_DIST_ZONED)
		return wl_dist_zoned_parse(s, arg, cfg, why, len);
	nl = strcspn(arg, ":");
	if (wl_parse_double(arg, nl, &p))
		return wl_reject(why, len,
				 "random_distribution=%s: '%.*s' is not a "
				 "number",
				 s, (int)nl, arg);
	if (arg[nl]) {
		if (d != WL_DIST_NORMAL ||
		    wl_parse_double(arg + nl + 1, strlen(arg + nl + 1),
				    &center))
			return wl_reject(why, len,
					 "random_distribution=%s: only normal "
					 "takes a second value (its center, "
					 "percent)",
					 s);
	}
	c.dist = (enum wl_dist)d;
	c.dist_param = p;
	c.dist_center = center;
	if (wl_config_check_more(&c, tmp, sizeof(tmp)))
		return wl_reject(why, len, "random_distribution=%s: %s", s,
				 tmp);
	cfg->dist = c.dist;
	cfg->dist_param = p;
	cfg->dist_center = center;
	return 0;
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
	return wl_config_check_more(cfg, why, len);
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
	uint64_t acc = 0, size = 0;

	if (wl_config_check(cfg, NULL, 0))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = *cfg;
	w->grid = wl_grid(cfg);
	w->max_len = wl_max_len(cfg);
	w->nblocks = cfg->size_bytes / w->grid;
	w->random = wl_rw_is_random(cfg->rw);
	w->randommap = w->random && !cfg->norandommap &&
		       cfg->dist == WL_DIST_RANDOM;
	w->limited = cfg->io_limit_bytes != 0;
	w->read_pct = wl_read_pct(cfg);

	/* The map's domain: the smallest power of two >= nblocks. */
	wl_perm_domain(&w->map, w->nblocks);
	w->pass = 0;
	wl_map_rekey(w);
	wl_perm_domain(&w->spread, w->nblocks);
	wl_perm_rekey(&w->spread,
		      wl_mix64(cfg->seed ^ UINT64_C(0x7370726561642121)));

	if (cfg->bs_max_bytes) {
		w->bs_step = wl_bs_step(cfg);
		w->bs_nsteps =
			(cfg->bs_max_bytes - cfg->bs_bytes) / w->bs_step + 1;
	}
	for (unsigned int i = 0; i < cfg->nbssplit; i++) {
		acc += cfg->bssplit[i].weight_ppm;
		w->bs_cum[i] = (uint32_t)acc;
	}
	if (cfg->dist == WL_DIST_ZIPF)
		wl_zipf_init(&w->zipf, cfg->dist_param, w->nblocks);
	if (cfg->dist == WL_DIST_PARETO)
		w->pareto_pow = log(cfg->dist_param) / log(1 - cfg->dist_param);
	acc = 0;
	for (unsigned int i = 0; i < cfg->nzones; i++) {
		w->zone_start[i] = (uint64_t)((unsigned __int128)size *
					      w->nblocks / WL_PPM);
		acc += cfg->zones[i].access_ppm;
		size += cfg->zones[i].size_ppm;
		w->zone_cum[i] = (uint32_t)acc;
	}
	w->zone_start[cfg->nzones] = w->nblocks;

	w->off_rng = wl_mix64(cfg->seed ^ UINT64_C(0x6f66667365747321));
	w->mix_rng = wl_mix64(cfg->seed ^ UINT64_C(0x72776d6978726421));
	w->bs_rng = wl_mix64(cfg->seed ^ UINT64_C(0x6273737a65732121));
	w->dist_rng = wl_mix64(cfg->seed ^ UINT64_C(0x6469737472696221));
	w->rate_rng = wl_mix64(cfg->seed ^ UINT64_C(0x7261746570726f63));
	*out = w;
	return 0;
}

void wl_destroy(struct wl *w)
{
	free(w);
}

/* Stamps @io with its intended issue time and its think time. */
static void wl_stamp(struct wl *w, struct wl_io *io)
{
	const struct wl_config *c = &w->cfg;
	uint32_t every = c->thinktime_blocks > 1 ? c->thinktime_blocks : 1;

	io->issue_ns = 0;
	if (c->rate_iops && c->rate_process == WL_RATE_LINEAR) {
		/* Exact: the n-th arrival at n / rate, no drift. */
		io->issue_ns = (uint64_t)((unsigned __int128)w->nios *
					  1000000000u / c->rate_iops);
	} else if (c->rate_iops) {
		/* Exponential gaps: -ln(U) / rate for U uniform in (0, 1]. */
		io->issue_ns = (uint64_t)w->arrival_ns;
		w->arrival_ns += -log(wl_unit(&w->rate_rng)) * 1e9 /
				 (double)c->rate_iops;
	}
	io->think_ns = 0;
	io->think_spin_ns = 0;
	if (c->thinktime_ns && w->nios && w->nios % every == 0) {
		io->think_ns = c->thinktime_ns;
		io->think_spin_ns = c->thinktime_spin_ns;
	}
	w->nios++;
}

/* The next I/O of the trace, wrapped into the region. */
static bool wl_next_trace(struct wl *w, struct wl_io *io)
{
	uint64_t region = w->cfg.size_bytes / WL_SECTOR_BYTES * WL_SECTOR_BYTES;
	struct wl_trace_rec r;
	uint64_t rel;
	int rc;

	rc = wl_trace_next(w->cfg.trace, &r);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(w->error, sizeof(w->error), "%s",
				 wl_trace_error(w->cfg.trace));
		return false;
	}
	if (r.len_bytes > region) /* larger than the whole region */
		r.len_bytes = (uint32_t)region;
	if (w->limited) {
		uint64_t left = w->cfg.io_limit_bytes - w->issued_bytes;

		if (!left)
			return false;
		if (left < r.len_bytes)
			r.len_bytes = (uint32_t)left;
	}
	rel = r.offset_bytes % region;
	if (rel + r.len_bytes > region) /* would run past the end */
		rel = 0;
	io->offset_bytes = w->cfg.offset_bytes + rel;
	io->len_bytes = r.len_bytes;
	io->bs_index = 0;
	io->write = r.write;
	io->issue_ns = r.issue_ns;
	io->think_ns = 0;
	io->think_spin_ns = 0;
	w->nios++;
	w->issued_bytes += r.len_bytes;
	return true;
}

bool wl_next(struct wl *w, struct wl_io *io)
{
	uint32_t len;
	uint64_t blk, used;

	if (w->cfg.trace)
		return wl_next_trace(w, io);
	len = wl_draw_len(w, &io->bs_index);
	if (w->limited) {
		uint64_t left = w->cfg.io_limit_bytes - w->issued_bytes;

		if (!left)
			return false;
		if (left < len)
			len = (uint32_t)left;
	}
	used = (len + w->grid - 1) / w->grid; /* blocks this I/O spans */
	if (!w->random) {
		blk = w->seq_blk;
		if (blk + used > w->nblocks) /* does not fit before the end */
			blk = 0;
		w->seq_blk = blk + used >= w->nblocks ? 0 : blk + used;
	} else {
		blk = wl_random_block(w);
		/* A long I/O drawn near the end starts where it fits. */
		if (blk + used > w->nblocks)
			blk = w->nblocks - used;
	}
	io->offset_bytes = w->cfg.offset_bytes + blk * w->grid;
	io->len_bytes = len;
	/* A draw in [0, 100) even for pure modes keeps this branch-free. */
	io->write = wl_percent(wl_rng_next(&w->mix_rng)) >= w->read_pct;
	wl_stamp(w, io);
	w->issued_bytes += len;
	return true;
}

bool wl_open_loop(const struct wl *w)
{
	if (w->cfg.trace)
		return wl_trace_timed(w->cfg.trace);
	return w->cfg.rate_iops != 0;
}

const char *wl_error(const struct wl *w)
{
	return w->error[0] ? w->error : NULL;
}

uint64_t wl_issued_bytes(const struct wl *w)
{
	return w->issued_bytes;
}

uint64_t wl_nblocks(const struct wl *w)
{
	return w->nblocks;
}

void wl_region(const struct wl *w, uint64_t *offset_bytes, uint64_t *size_bytes,
	       uint32_t *grid_bytes)
{
	/* A trace's I/Os are whole sectors, anywhere in the region. */
	uint32_t g = w->cfg.trace ? WL_SECTOR_BYTES : w->grid;

	/* The last I/O of a limit is the limit less multiples of g. */
	if (w->limited)
		g = wl_gcd(g, (uint32_t)(w->cfg.io_limit_bytes % g ?
						 w->cfg.io_limit_bytes % g :
						 g));
	*offset_bytes = w->cfg.offset_bytes;
	*size_bytes = w->cfg.size_bytes;
	*grid_bytes = g;
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

/* ---- verify=crc32c: CRC32C and the verify block ------------------------- */

/* The reflected Castagnoli polynomial. */
#define WL_CRC32C_POLY UINT32_C(0x82f63b78)

/*
 * Slicing by 8, in short: wl_crc_tab[0][b] is the CRC register after
 * shifting byte b through it (eight steps of the polynomial division);
 * wl_crc_tab[k][b] is that register after k more zero bytes.  Since the
 * CRC is linear over GF(2), eight bytes xored into the register can be
 * retired at once: byte i of the word (from the low end) still has 7 - i
 * bytes to travel, so it takes wl_crc_tab[7 - i], and the eight lookups
 * are xored.
 *
 * Three streams: each step above waits for the register the step before
 * made, so a long buffer is cut into three runs of WL_CRC_RUN bytes whose
 * registers are computed side by side (the second and third from 0), and
 * joined by linearity: the register after A then B is the register after
 * A moved over |B| zero bytes, xored with B's own.  Moving a register over
 * n zero bytes multiplies it by x^(8n) modulo the polynomial; for the one
 * run length, that factor (wl_crc_run_shift) is made once.
 *
 * Built once, under pthread_once (whose later calls are one acquire load:
 * no lock, no system call).
 */
#define WL_CRC_RUN 1360u /* bytes per stream, a multiple of 8 */

static uint32_t wl_crc_tab[8][256];
static uint32_t wl_crc_run_shift; /* x^(8 * WL_CRC_RUN) mod P, reflected */
static pthread_once_t wl_crc_once = PTHREAD_ONCE_INIT;

/* The register @c after one more zero bit: c * x mod P, reflected. */
static inline uint32_t wl_crc_step(uint32_t c)
{
	return (c >> 1) ^ (WL_CRC32C_POLY & (0u - (c & 1)));
}

static void wl_crc_build(void)
{
	uint32_t x = UINT32_C(1) << 31; /* the polynomial 1, reflected */

	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;

		for (int i = 0; i < 8; i++)
			c = wl_crc_step(c);
		wl_crc_tab[0][b] = c;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t b = 0; b < 256; b++) {
			uint32_t c = wl_crc_tab[k - 1][b];

			wl_crc_tab[k][b] = (c >> 8) ^ wl_crc_tab[0][c & 0xff];
		}
	for (uint32_t i = 0; i < 8 * WL_CRC_RUN; i++)
		x = wl_crc_step(x);
	wl_crc_run_shift = x;
}

/*
 * @a times @b modulo the polynomial, both reflected (bit 31 is x^0):
 * b * x^i summed over the terms x^i of a.
 */
static uint32_t wl_crc_mul(uint32_t a, uint32_t b)
{
	uint32_t p = 0;

	for (uint32_t m = UINT32_C(1) << 31; m && a; m >>= 1) {
		if (a & m) {
			p ^= b;
			a ^= m;
		}
		b = wl_crc_step(b);
	}
	return p;
}

static inline uint64_t wl_le64_to_cpu(uint64_t v)
{
	return wl_cpu_to_le64(v);
}

/* The register @crc after the 8 bytes at @p, by the tables @t. */
static inline uint32_t wl_crc_word(const uint32_t (*t)[256], uint32_t crc,
				   const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	v = wl_le64_to_cpu(v) ^ crc;
	return t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^
	       t[4][(v >> 24) & 0xff] ^ t[3][(v >> 32) & 0xff] ^
	       t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
}

uint32_t wl_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	const uint32_t(*t)[256] = wl_crc_tab;

	pthread_once(&wl_crc_once, wl_crc_build);
	crc = ~crc;
	for (; len && ((uintptr_t)p & 7); len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	for (; len >= 3 * WL_CRC_RUN; len -= 3 * WL_CRC_RUN) {
		uint32_t c1 = 0, c2 = 0;

		for (uint32_t i = 0; i < WL_CRC_RUN; i += 8, p += 8) {
			crc = wl_crc_word(t, crc, p);
			c1 = wl_crc_word(t, c1, p + WL_CRC_RUN);
			c2 = wl_crc_word(t, c2, p + 2 * WL_CRC_RUN);
		}
		p += 2 * WL_CRC_RUN;
		crc = wl_crc_mul(crc, wl_crc_run_shift) ^ c1;
		crc = wl_crc_mul(crc, wl_crc_run_shift) ^ c2;
	}
	for (; len >= 8; len -= 8, p += 8)
		crc = wl_crc_word(t, crc, p);
	for (; len; len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

const char *wl_vfield_name(enum wl_vfield f)
{
	static const char *const names[WL_VF_NR] = {
		[WL_VF_OK] = "ok",
		[WL_VF_MAGIC] = "magic",
		[WL_VF_CHECKSUM] = "checksum",
		[WL_VF_OFFSET] = "offset",
		[WL_VF_LENGTH] = "length",
		[WL_VF_SEED] = "seed",
		[WL_VF_GENERATION] = "generation",
	};

	return (unsigned int)f < WL_VF_NR ? names[f] : "invalid";
}

static inline void wl_put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void wl_put_le64(unsigned char *p, uint64_t v)
{
	v = wl_cpu_to_le64(v);
	memcpy(p, &v, 8);
}

static inline uint32_t wl_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t wl_get_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return wl_le64_to_cpu(v);
}

/* The block's CRC32C, its checksum field taken as 0. */
static uint32_t wl_vblock_crc(const unsigned char *b)
{
	static const unsigned char zero[4];
	uint32_t crc = wl_crc32c(0, b, 4);

	crc = wl_crc32c(crc, zero, 4);
	return wl_crc32c(crc, b + 8, WL_VBLOCK_BYTES - 8);
}

void wl_vblock_fill(void *blk, uint64_t offset_bytes, uint64_t generation,
		    uint64_t seed)
{
	unsigned char *b = blk;
	/* One payload key per (seed, generation): a rewrite differs. */
	uint64_t key = wl_mix64(wl_pattern_key(seed) ^
				wl_mix64(generation + UINT64_C(0x67656e)));
	uint64_t word = (offset_bytes + WL_VBLOCK_HEADER_BYTES) >> 3;

	for (uint32_t i = WL_VBLOCK_HEADER_BYTES; i < WL_VBLOCK_BYTES;
	     i += 8, word++)
		wl_put_le64(b + i, wl_pattern_word(key, word));
	wl_put_le32(b, WL_VBLOCK_MAGIC);
	wl_put_le32(b + 4, 0);
	wl_put_le64(b + 8, offset_bytes);
	wl_put_le32(b + 16, WL_VBLOCK_BYTES);
	wl_put_le32(b + 20, 0);
	wl_put_le64(b + 24, generation);
	wl_put_le64(b + 32, seed);
	wl_put_le32(b + 4, wl_vblock_crc(b));
}

enum wl_vfield wl_vblock_check(const void *blk, uint64_t offset_bytes,
			       struct wl_vblock_header *hdr, uint32_t *crc_out)
{
	const unsigned char *b = blk;

	hdr->magic = wl_get_le32(b);
	hdr->crc32c = wl_get_le32(b + 4);
	hdr->offset_bytes = wl_get_le64(b + 8);
	hdr->length_bytes = wl_get_le32(b + 16);
	hdr->generation = wl_get_le64(b + 24);
	hdr->seed = wl_get_le64(b + 32);
	*crc_out = 0;
	if (hdr->magic != WL_VBLOCK_MAGIC)
		return WL_VF_MAGIC;
	*crc_out = wl_vblock_crc(b);
	if (*crc_out != hdr->crc32c)
		return WL_VF_CHECKSUM;
	if (hdr->offset_bytes != offset_bytes)
		return WL_VF_OFFSET;
	if (hdr->length_bytes != WL_VBLOCK_BYTES)
		return WL_VF_LENGTH;
	return WL_VF_OK;
}
