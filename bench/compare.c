// SPDX-License-Identifier: MIT
/*
 * `blkring compare` and `blkring ab` (see compare.h).  The statistics are
 * in stats.c; this file chooses what is compared how, prints the table
 * and runs the A/B loop.  Main thread.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/compare.h"
#include "bench/run.h"
#include "bench/stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The gate by default.  iops and bw_bytes_per_s move together with a
 * fixed block size, and so do iops and the mean latency in a closed loop
 * (Little's law); they are all gated because a change in a mixed or an
 * open-loop workload shows in one of them only.  The tail gets a wider
 * band: with --wait=sleep it is made of wake-ups, which a loaded machine
 * moves by tens of percent.  CPU per I/O (thread CPU time) is what a
 * slower code path costs, and does not count the time a thread waits for
 * a CPU on a loaded machine; its band is wider than the rates' because
 * cache and vCPU contention still move it.
 */
static const struct {
	const char *name;
	double frac;
} default_gate[] = {
	{ "iops", 0.05 },
	{ "bw_bytes_per_s", 0.05 },
	{ "lat_mean_ns", 0.05 },
	{ "lat_p99_ns", 0.20 },
	{ "iops_vs_ref", 0.05 },
	{ "frontend_cpu_us_per_io", 0.10 },
	{ "backend_cpu_us_per_io", 0.10 },
};

/*
 * Counts that do not depend on speed.  "always": the same for any run of
 * a configuration (they are 0 in a healthy run).  "count": exact when the
 * run is bounded by a count of I/Os (runtime=0: io_size or size ends it),
 * not by time.  "shape": ratios fixed by the sizes of the I/Os: exact with
 * a fixed block size, or in a count-bounded run with a fixed seed (the
 * block-size mix is drawn from the seed).  Kicks and interrupts per I/O
 * are not here: with real threads they depend on who waits when.
 */
enum exact_kind { EXACT_ALWAYS, EXACT_COUNT, EXACT_SHAPE };

static const struct {
	const char *name;
	enum exact_kind kind;
} exact_metrics[] = {
	{ "ios_failed", EXACT_ALWAYS },
	{ "ios_in_flight", EXACT_ALWAYS },
	{ "bad_requests", EXACT_ALWAYS },
	{ "io_errors", EXACT_ALWAYS },
	{ "verify_errors", EXACT_ALWAYS },
	{ "ios_issued", EXACT_COUNT },
	{ "ios_completed", EXACT_COUNT },
	{ "ring_requests_per_io", EXACT_SHAPE },
	{ "indirect_requests_per_io", EXACT_SHAPE },
	{ "segments_per_request", EXACT_SHAPE },
};

void bench_cmp_config_default(struct bench_cmp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->level = 0.95;
	for (size_t i = 0; i < ARRAY_SIZE(default_gate); i++) {
		snprintf(c->thr[i].name, sizeof(c->thr[i].name), "%s",
			 default_gate[i].name);
		c->thr[i].frac = default_gate[i].frac;
	}
	c->nthr = ARRAY_SIZE(default_gate);
}

/* Higher is better for rates; lower for times, CPU, stalls and the rest. */
static bool higher_is_better(const char *name)
{
	return strstr(name, "iops") || strstr(name, "bw_");
}

int bench_cmp_thresholds(struct bench_cmp_config *c, const char *list,
			 char *err, size_t len)
{
	const char *p = list;

	if (!*p) {
		snprintf(err, len,
			 "--threshold: empty (allowed: NAME=PCT%%,...)");
		return -EINVAL;
	}
	while (*p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");
		char name[64], val[32], *end;
		double pct;
		size_t i;

		if (k >= n || k == 0 || k >= sizeof(name) ||
		    n - k - 1 >= sizeof(val) || n - k - 1 == 0) {
			snprintf(err, len,
				 "--threshold: '%.*s': expected NAME=PCT%% "
				 "(e.g. iops=5%%,lat_p99=15%%) or NAME=off",
				 (int)(n > 80 ? 80 : n), p);
			return -EINVAL;
		}
		memcpy(name, p, k);
		name[k] = '\0';
		memcpy(val, p + k + 1, n - k - 1);
		val[n - k - 1] = '\0';
		if (!strcmp(val, "off")) {
			pct = -1;
		} else {
			pct = strtod(val, &end);
			if (end == val || (*end && strcmp(end, "%")) ||
			    !(pct > 0 && pct <= 1000)) {
				snprintf(err, len,
					 "--threshold: %s=%s: expected a "
					 "percentage in (0, 1000], like 5%%, "
					 "or off",
					 name, val);
				return -EINVAL;
			}
		}
		for (i = 0; i < c->nthr; i++)
			if (!strcmp(c->thr[i].name, name))
				break;
		if (i == c->nthr) {
			if (c->nthr == BENCH_CMP_MAX_THRESHOLDS) {
				snprintf(err, len,
					 "--threshold: more than %d metrics",
					 BENCH_CMP_MAX_THRESHOLDS);
				return -EINVAL;
			}
			snprintf(c->thr[i].name, sizeof(c->thr[i].name), "%s",
				 name);
			c->nthr++;
		}
		c->thr[i].frac = pct < 0 ? -1 : pct / 100;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The metric a threshold names: exactly, or with "_ns" added. */
static long find_metric(const struct runset *s, const char *name)
{
	char buf[80];
	long m = runset_metric(s, name);

	if (m >= 0)
		return m;
	snprintf(buf, sizeof(buf), "%s_ns", name);
	return runset_metric(s, buf);
}

/* The finite values of metric @m; their count. */
static size_t values(const struct runset *s, long m, double *x)
{
	size_t n = 0;

	for (size_t r = 0; m >= 0 && r < s->nruns; r++) {
		double v = s->val[r * s->nm + (size_t)m];

		if (isfinite(v))
			x[n++] = v;
	}
	return n;
}

static double median_of(const double *x, size_t n)
{
	double tmp[RUNSET_MAX_RUNS];

	memcpy(tmp, x, n * sizeof(*x));
	stats_sort(tmp, n);
	return stats_median_sorted(tmp, n);
}

/* 123456 -> "123.5k": 4 significant digits, as a rate or a time. */
static const char *num(double v, char *buf, size_t len)
{
	static const char units[] = " kMGT";
	unsigned int u = 0;
	double a = fabs(v);

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (a < 1000 && v == floor(v)) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	if (a < 1000) {
		snprintf(buf, len, "%.4g", v);
		return buf;
	}
	while (a >= 1000 && u < sizeof(units) - 2) {
		a /= 1000;
		v /= 1000;
		u++;
	}
	snprintf(buf, len, "%.4g%c", v, units[u]);
	return buf;
}

/* Whether exact metric @i applies to both configurations. */
static bool exact_applies(size_t i, const struct runset *b,
			  const struct runset *n)
{
	const struct runset *s[2] = { b, n };

	for (int k = 0; k < 2; k++) {
		const char *rt = runset_config(s[k], "runtime");
		bool counted = rt && !strcmp(rt, "0");
		const char *bsr = runset_config(s[k], "bsrange");
		const char *bss = runset_config(s[k], "bssplit");
		const char *trace = runset_config(s[k], "read_iolog");
		bool fixed_bs = (!bsr || !*bsr) && (!bss || !*bss) &&
				(!trace || !*trace);

		if (exact_metrics[i].kind == EXACT_COUNT && !counted)
			return false;
		if (exact_metrics[i].kind == EXACT_SHAPE && !counted &&
		    !fixed_bs)
			return false;
	}
	return true;
}

/* One gated metric: the change, its interval, p, the verdict. */
static int judge_metric(FILE *out, const struct runset *base,
			const struct runset *new, const char *name, double frac,
			const struct bench_cmp_config *c,
			struct bench_cmp_result *res)
{
	static double x[RUNSET_MAX_RUNS], y[RUNSET_MAX_RUNS];
	static double lx[RUNSET_MAX_RUNS], ly[RUNSET_MAX_RUNS];
	long mb = find_metric(base, name), mn = find_metric(new, name);
	size_t nx = values(base, mb, x), ny = values(new, mn, y);
	struct stats_interval ci = { 0 };
	char a[16], b[16], pbuf[16], cibuf[48];
	bool hib = higher_is_better(name), positive = true, exact, short_ci;
	enum stats_verdict v;
	double u, p = NAN;
	int rc;

	if (!nx || !ny)
		return 0; /* e.g. write latency of a read-only job */
	for (size_t i = 0; i < nx; i++)
		positive = positive && x[i] > 0;
	for (size_t i = 0; i < ny; i++)
		positive = positive && y[i] > 0;
	if (!positive) {
		fprintf(out, "%-26s %10s %10s  (values <= 0: not judged)\n",
			base->m_name[mb], num(median_of(x, nx), a, sizeof(a)),
			num(median_of(y, ny), b, sizeof(b)));
		return 0;
	}
	for (size_t i = 0; i < nx; i++)
		lx[i] = log(x[i]);
	for (size_t i = 0; i < ny; i++)
		ly[i] = log(y[i]);
	if (c->paired) {
		/* The same run order on both sides: NaN runs would shift it. */
		if (nx != ny || nx != base->nruns || ny != new->nruns)
			return -EINVAL;
		for (size_t i = 0; i < nx; i++)
			ly[i] -= lx[i];
		rc = stats_paired_shift(ly, nx, c->level, &ci);
		for (size_t i = 0; i < ny; i++)
			ly[i] += lx[i];
	} else {
		rc = stats_shift(lx, nx, ly, ny, c->level, &ci);
	}
	if (rc)
		return rc;
	if (nx > 1 && ny > 1 &&
	    stats_mann_whitney(lx, nx, ly, ny, &u, &p, &exact))
		p = NAN;
	ci.est = expm1(ci.est);
	ci.lo = expm1(ci.lo);
	ci.hi = expm1(ci.hi);
	/*
	 * With repeats too few for the level asked, judge by the interval
	 * there is (its lower coverage printed): the estimate alone would
	 * call noise a regression.  Only single runs on both sides are
	 * judged by the estimate alone.
	 */
	short_ci = !ci.ok && (nx > 1 || ny > 1);
	if (short_ci) {
		ci.ok = true;
		res->short_ci = true;
		res->short_level = ci.level;
	}
	v = stats_judge(&ci, frac, hib, p, 1 - c->level);
	switch (v) {
	case STATS_REGRESSED:
		res->regressed++;
		break;
	case STATS_IMPROVED:
		res->improved++;
		break;
	case STATS_NO_CHANGE:
		res->no_change++;
		break;
	default:
		res->inconclusive++;
		break;
	}
	if (ci.ok)
		snprintf(cibuf, sizeof(cibuf), "[%+.1f%%, %+.1f%%]%s",
			 100 * ci.lo, 100 * ci.hi, short_ci ? "*" : "");
	else
		snprintf(cibuf, sizeof(cibuf), "(too few runs)");
	if (isfinite(p))
		snprintf(pbuf, sizeof(pbuf), "%.3g", p);
	else
		snprintf(pbuf, sizeof(pbuf), "-");
	fprintf(out, "%-26s %10s %10s %+7.1f%% %-18s %7s %5.3g%% %s %s\n",
		base->m_name[mb], num(median_of(x, nx), a, sizeof(a)),
		num(median_of(y, ny), b, sizeof(b)), 100 * ci.est, cibuf, pbuf,
		100 * frac, hib ? "higher" : "lower ", stats_verdict_name(v));
	return 0;
}

/* The exact counts: every run of both sets must give the same value. */
static void exact_counts(FILE *out, const struct runset *base,
			 const struct runset *new, struct bench_cmp_result *res)
{
	static double x[RUNSET_MAX_RUNS], y[RUNSET_MAX_RUNS];
	bool header = false;

	for (size_t i = 0; i < ARRAY_SIZE(exact_metrics); i++) {
		long mb = runset_metric(base, exact_metrics[i].name);
		long mn = runset_metric(new, exact_metrics[i].name);
		size_t nx = values(base, mb, x), ny = values(new, mn, y);
		char a[32], b[32];
		const char *what = "equal";
		bool vary = false;

		if (!nx || !ny || !exact_applies(i, base, new))
			continue;
		if (!header) {
			fprintf(out, "\nexact counts (the same for every run "
				     "of a configuration and seed):\n");
			header = true;
		}
		for (size_t k = 1; k < nx; k++)
			vary = vary || x[k] != x[0];
		for (size_t k = 1; k < ny; k++)
			vary = vary || y[k] != y[0];
		if (vary)
			what = "DIFFERS (varies between runs)";
		else if (x[0] != y[0])
			what = "DIFFERS";
		if (vary || x[0] != y[0])
			res->exact_differ++;
		else
			res->exact_equal++;
		snprintf(a, sizeof(a), "%.6g", x[0]);
		snprintf(b, sizeof(b), "%.6g", y[0]);
		fprintf(out, "%-26s %10s %10s  %s\n", exact_metrics[i].name, a,
			b, what);
	}
}

static bool gated(const struct bench_cmp_config *c, const char *name)
{
	char buf[80];

	for (size_t i = 0; i < c->nthr; i++) {
		snprintf(buf, sizeof(buf), "%s_ns", c->thr[i].name);
		if (!strcmp(c->thr[i].name, name) || !strcmp(buf, name))
			return c->thr[i].frac > 0;
	}
	return false;
}

static bool is_exact(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(exact_metrics); i++)
		if (!strcmp(exact_metrics[i].name, name))
			return true;
	return false;
}

int bench_cmp_run(FILE *out, const struct runset *base,
		  const struct runset *new, const struct bench_cmp_config *c,
		  struct bench_cmp_result *res, char *err, size_t len)
{
	char why[2048];
	int nd;

	memset(res, 0, sizeof(*res));
	if (base->schema != new->schema) {
		snprintf(err, len,
			 "schema mismatch: %s has report schema %d, %s schema "
			 "%d (metrics may differ in meaning; make the baseline "
			 "again with this blkring)",
			 base->path, base->schema, new->path, new->schema);
		return -EINVAL;
	}
	nd = runset_config_diff(base, new, why, sizeof(why));
	if (nd && !c->allow_config_diff) {
		snprintf(err, len,
			 "the configurations differ in %d option%s: %.1500s; "
			 "refusing to compare (--allow-config-diff compares "
			 "them anyway)",
			 nd, nd > 1 ? "s" : "", why);
		return -EINVAL;
	}
	if (strcmp(base->reference, new->reference) && !c->allow_config_diff) {
		snprintf(err, len,
			 "the references differ: %s in %s, %s in %s "
			 "(--allow-config-diff compares them anyway)",
			 base->reference, base->path, new->reference,
			 new->path);
		return -EINVAL;
	}
	if (c->paired && base->nruns != new->nruns) {
		snprintf(err, len,
			 "--paired: %s has %zu runs, %s %zu (pairs need as "
			 "many on each side)",
			 base->path, base->nruns, new->path, new->nruns);
		return -EINVAL;
	}
	for (size_t i = 0; i < c->nthr && !c->exact_only; i++) {
		if (c->thr[i].frac <= 0 ||
		    (find_metric(base, c->thr[i].name) >= 0 &&
		     find_metric(new, c->thr[i].name) >= 0))
			continue;
		/* A default metric may be absent (no reference); a named one not. */
		bool dflt = false;

		for (size_t k = 0; k < ARRAY_SIZE(default_gate); k++)
			dflt = dflt ||
			       !strcmp(default_gate[k].name, c->thr[i].name);
		if (dflt)
			continue;
		snprintf(err, len,
			 "--threshold %s: no such metric in both %s and %s "
			 "(see their \"metrics\"; a trailing _ns may be left "
			 "out)",
			 c->thr[i].name, base->path, new->path);
		return -EINVAL;
	}
	fprintf(out,
		"blkring compare: BASE %s (%zu run%s) vs NEW %s (%zu run%s)\n",
		base->path, base->nruns, base->nruns > 1 ? "s" : "", new->path,
		new->nruns, new->nruns > 1 ? "s" : "");
	if (nd)
		fprintf(out, "  configurations differ (allowed): %s\n", why);
	for (int k = 0; k < 2; k++) {
		const struct runset *s = k ? new : base;
		size_t lost = 0, stopped = 0;

		for (size_t r = 0; r < s->nruns; r++) {
			lost += !s->conserved[r];
			stopped += s->interrupted[r];
		}
		if (lost || stopped)
			fprintf(out,
				"  warning: %s: %zu run%s lost I/O, %zu "
				"interrupted: its figures are suspect\n",
				s->path, lost, lost == 1 ? "" : "s", stopped);
	}
	if (!c->exact_only) {
		fprintf(out,
			"  change: NEW against BASE, %s; %.4g%% interval; p: "
			"two-sided Mann-Whitney U\n\n",
			c->paired ? "paired by run (median of the pairs' "
				    "Walsh averages, signed-rank interval)" :
				    "Hodges-Lehmann shift (Moses interval)",
			100 * c->level);
		fprintf(out, "%-26s %10s %10s %8s %-18s %7s %6s %-6s %s\n",
			"metric", "base", "new", "change", "interval", "p",
			"thresh", "better", "verdict");
		for (size_t i = 0; i < c->nthr; i++) {
			if (c->thr[i].frac <= 0)
				continue;
			if (judge_metric(out, base, new, c->thr[i].name,
					 c->thr[i].frac, c, res)) {
				snprintf(err, len,
					 "%s: cannot compare (out of memory, "
					 "or --paired with missing values)",
					 c->thr[i].name);
				return -EINVAL;
			}
		}
	}
	if (res->short_ci)
		fprintf(out,
			"  * too few runs for a %.4g%% interval: the "
			"interval shown covers less (%.3g%%)\n",
			100 * c->level, 100 * res->short_level);
	exact_counts(out, base, new, res);
	if (c->all && !c->exact_only) {
		static double x[RUNSET_MAX_RUNS], y[RUNSET_MAX_RUNS];

		fprintf(out, "\nother metrics (not judged): median base, new, "
			     "change\n");
		for (size_t m = 0; m < base->nm; m++) {
			const char *name = base->m_name[m];
			long mn = runset_metric(new, name);
			size_t nx = values(base, (long)m, x),
			       ny = values(new, mn, y);
			char a[16], b[16];
			double mx, my;

			if (!nx || !ny || gated(c, name) || is_exact(name))
				continue;
			mx = median_of(x, nx);
			my = median_of(y, ny);
			fprintf(out, "%-30s %10s %10s", name,
				num(mx, a, sizeof(a)), num(my, b, sizeof(b)));
			if (mx != 0)
				fprintf(out, " %+7.1f%%", 100 * (my / mx - 1));
			fputc('\n', out);
		}
	}
	fprintf(out,
		"\nverdict: %s (%u regressed, %u improved, %u no change, %u "
		"inconclusive; exact counts: %u equal, %u differ)\n",
		res->regressed || res->exact_differ ? "REGRESSED" :
		res->improved			    ? "improved" :
		res->inconclusive ? "no regression found; some metrics "
				    "inconclusive (too noisy to tell)" :
				    "no change",
		res->regressed, res->improved, res->no_change,
		res->inconclusive, res->exact_equal, res->exact_differ);
	return 0;
}

/* ---- The compare command ------------------------------------------------ */

/*
 * The options shared by compare and ab.  Returns 1 if argv[*i] was one
 * (advancing *i past its value), 0 if not, -EINVAL with a reason.
 */
static int cmp_option(int argc, char **argv, int *i, struct bench_cmp_config *c,
		      char *err, size_t len)
{
	const char *arg = argv[*i], *val = NULL;
	char *end;

	if (!strcmp(arg, "--allow-config-diff")) {
		c->allow_config_diff = true;
		return 1;
	}
	if (!strcmp(arg, "--exact-only")) {
		c->exact_only = true;
		return 1;
	}
	if (!strcmp(arg, "--all")) {
		c->all = true;
		return 1;
	}
	if (!strcmp(arg, "--paired")) {
		c->paired = true;
		return 1;
	}
	if (!strncmp(arg, "--threshold", 11) && (arg[11] == '=' || !arg[11])) {
		val = arg[11] ? arg + 12 : (*i + 1 < argc ? argv[++*i] : NULL);
		if (!val) {
			snprintf(err, len, "--threshold: missing value");
			return -EINVAL;
		}
		return bench_cmp_thresholds(c, val, err, len) ? -EINVAL : 1;
	}
	if (!strncmp(arg, "--confidence", 12) && (arg[12] == '=' || !arg[12])) {
		double pct;

		val = arg[12] ? arg + 13 : (*i + 1 < argc ? argv[++*i] : NULL);
		pct = val ? strtod(val, &end) : 0;
		if (!val || end == val || (*end && strcmp(end, "%")) ||
		    !(pct >= 50 && pct <= 99.9)) {
			snprintf(err, len,
				 "--confidence=%s: expected a percentage in "
				 "50..99.9 (default 95)",
				 val ? val : "");
			return -EINVAL;
		}
		c->level = pct / 100;
		return 1;
	}
	return 0;
}

static const char cmp_options_help[] =
	"  --threshold=NAME=PCT%,...  the band of \"no change\" per metric;\n"
	"                         NAME=off takes one out; a trailing _ns may\n"
	"                         be left out (default: iops=5%,\n"
	"                         bw_bytes_per_s=5%,lat_mean=5%,lat_p99=20%,\n"
	"                         iops_vs_ref=5%,frontend_cpu_us_per_io=10%,\n"
	"                         backend_cpu_us_per_io=10%)\n"
	"  --confidence=PCT       level of the intervals (default 95)\n"
	"  --allow-config-diff    compare configurations that differ (they\n"
	"                         are listed)\n"
	"  --exact-only           only the exact counts (a baseline from\n"
	"                         another machine)\n"
	"  --all                  also list every other common metric\n";

static void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: blkring compare [OPTIONS] BASE.json NEW.json\n"
		"\n"
		"Compares two reports of blkring run --output-format=json "
		"(single runs or\n--repeat N): per gated metric the change "
		"of the median, its interval, the\nMann-Whitney U p-value "
		"and a verdict (improved, regressed, no change,\n"
		"inconclusive); the speed-independent counts exactly.  See "
		"docs/ci-regression.md.\nExit status: 0 nothing regressed, "
		"1 regressed or a count differs, 2 bad input.\n\noptions:\n"
		"%s"
		"  --paired               run i of BASE against run i of NEW "
		"(A/B pairs)\n",
		cmp_options_help);
}

int bench_compare_main(int argc, char **argv)
{
	struct bench_cmp_config c;
	struct bench_cmp_result res;
	struct runset *base = NULL, *new = NULL;
	const char *files[2];
	int nfiles = 0, status = BENCH_EXIT_USAGE;
	char err[2048];

	bench_cmp_config_default(&c);
	for (int i = 1; i < argc; i++) {
		int rc;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			compare_usage(stdout);
			return BENCH_EXIT_OK;
		}
		rc = cmp_option(argc, argv, &i, &c, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "blkring compare: %s\n", err);
			return BENCH_EXIT_USAGE;
		}
		if (rc)
			continue;
		if (!strncmp(argv[i], "--", 2) || nfiles == 2) {
			fprintf(stderr,
				"blkring compare: '%s': unknown option or one "
				"file too many (allowed: blkring compare "
				"[OPTIONS] BASE NEW; see --help)\n",
				argv[i]);
			return BENCH_EXIT_USAGE;
		}
		files[nfiles++] = argv[i];
	}
	if (nfiles != 2) {
		fprintf(stderr, "blkring compare: expected two reports, BASE "
				"and NEW (see --help)\n");
		return BENCH_EXIT_USAGE;
	}
	base = runset_create(files[0]);
	new = runset_create(files[1]);
	if (!base || !new) {
		fprintf(stderr, "blkring compare: out of memory\n");
		goto out;
	}
	if (runset_add_file(base, files[0], err, sizeof(err)) ||
	    runset_add_file(new, files[1], err, sizeof(err)) ||
	    bench_cmp_run(stdout, base, new, &c, &res, err, sizeof(err))) {
		fprintf(stderr, "blkring compare: %s\n", err);
		goto out;
	}
	status = res.regressed || res.exact_differ ? BENCH_EXIT_FAILED :
						     BENCH_EXIT_OK;
out:
	runset_destroy(base);
	runset_destroy(new);
	return status;
}

/* ---- The ab command ----------------------------------------------------- */

/*
 * Appends @s to @buf quoted for sh, '...' with ' as '\'', after a space
 * if @space.
 */
static int sh_quote(char *buf, size_t len, size_t *used, const char *s,
		    bool space)
{
	size_t u = *used;

#define PUT(ch)                        \
	do {                           \
		if (u + 1 >= len)      \
			return -E2BIG; \
		buf[u++] = (ch);       \
	} while (0)
	if (space)
		PUT(' ');
	PUT('\'');
	for (; *s; s++) {
		if (*s == '\'') {
			PUT('\'');
			PUT('\\');
			PUT('\'');
			PUT('\'');
		} else {
			PUT(*s);
		}
	}
	PUT('\'');
#undef PUT
	buf[u] = '\0';
	*used = u;
	return 0;
}

struct ab_config {
	const char *cmd[2];   /* base, new */
	const char *extra[2]; /* options for one side only */
	unsigned int pairs;
	bool alternate; /* AB BA AB ...; else AB AB AB ... */
	const char *dir;
	int nrun;
	char **run; /* the shared run options */
};

/* Runs side @k once into @path; 0, or the failing exit status. */
static int ab_once(const struct ab_config *ab, int k, const char *path,
		   char *err, size_t len)
{
	static char cmd[16384];
	size_t used;
	pid_t pid;
	int st;

	used = (size_t)snprintf(cmd, sizeof(cmd), "%s", ab->cmd[k]);
	for (int i = 0; i < ab->nrun && used < sizeof(cmd); i++)
		if (sh_quote(cmd, sizeof(cmd), &used, ab->run[i], true))
			used = sizeof(cmd);
	if (used < sizeof(cmd))
		used += (size_t)snprintf(
			cmd + used, sizeof(cmd) - used,
			" %s --output-format=json --output=", ab->extra[k]);
	if (used >= sizeof(cmd) ||
	    sh_quote(cmd, sizeof(cmd), &used, path, false)) {
		snprintf(err, len, "the command line is too long");
		return BENCH_EXIT_USAGE;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		return BENCH_EXIT_USAGE;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, len, "waitpid: %s", strerror(errno));
			return BENCH_EXIT_USAGE;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	snprintf(err, len, "%s run failed (%s %d): %.900s",
		 k ? "the new" : "the base",
		 WIFEXITED(st) ? "exit status" : "signal",
		 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	if (WIFEXITED(st) && WEXITSTATUS(st) == BENCH_EXIT_INTERRUPTED)
		return BENCH_EXIT_INTERRUPTED;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)
		return BENCH_EXIT_INTERRUPTED;
	return BENCH_EXIT_USAGE;
}

static void ab_usage(FILE *out)
{
	fprintf(out,
		"usage: blkring ab [OPTIONS] [-- RUN OPTIONS]\n"
		"\n"
		"Runs BASE and NEW interleaved on the same file: a warm-up "
		"pair, then\n--pairs pairs (BASE NEW, NEW BASE, BASE NEW, "
		"...), each run a separate\nprocess (CMD RUN-OPTIONS SIDE-OPTIONS "
		"--output-format=json --output=DIR/...),\nwrites DIR/base.json "
		"and DIR/new.json (repeated reports) and compares\nthem pair "
		"by pair, as blkring compare --paired would.  Exit status as "
		"compare's.\n\noptions:\n"
		"  --base-cmd=CMD         the BASE command (default: this "
		"blkring's \"run\"), e.g.\n"
		"                         \"../old/blkring run\"; run by "
		"/bin/sh\n"
		"  --new-cmd=CMD          the NEW command (default: the same)\n"
		"  --base-opts=OPTS       run options for BASE only (shell "
		"words)\n"
		"  --new-opts=OPTS        run options for NEW only, e.g. "
		"\"--lock-work=2us\"\n"
		"  --pairs=N              pairs after the warm-up (default 10, "
		"2..%d)\n"
		"  --order=alternate|abab alternate (default): every other "
		"pair runs NEW\n"
		"                         first (AB BA AB ...); abab: BASE "
		"always first\n"
		"  --dir=DIR              where the reports go (default: a new "
		"/tmp/blkring-ab.*)\n"
		"%s",
		RUNSET_MAX_RUNS, cmp_options_help);
}

/* "--name=value" or "--name value" for the ab options; NULL if not. */
static const char *ab_value(int argc, char **argv, int *i, const char *name,
			    bool *missing)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 < argc)
		return argv[++*i];
	*missing = true;
	return NULL;
}

static int ab_parse(int argc, char **argv, struct ab_config *ab,
		    struct bench_cmp_config *c, char *err, size_t len)
{
	static const char *const names[] = { "--base-cmd",  "--new-cmd",
					     "--base-opts", "--new-opts",
					     "--pairs",	    "--dir",
					     "--order" };

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		bool missing = false;
		size_t k;
		int rc;

		if (!strcmp(argv[i], "--")) {
			ab->run = argv + i + 1;
			ab->nrun = argc - i - 1;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return BENCH_OPTS_HELP;
		rc = cmp_option(argc, argv, &i, c, err, len);
		if (rc < 0)
			return rc;
		if (rc)
			continue;
		for (k = 0; k < ARRAY_SIZE(names); k++) {
			v = ab_value(argc, argv, &i, names[k], &missing);
			if (v || missing)
				break;
		}
		if (missing) {
			snprintf(err, len, "%s: missing value", names[k]);
			return -EINVAL;
		}
		if (!v) {
			snprintf(err, len,
				 "'%s': unknown option (run options go after "
				 "--; see blkring ab --help)",
				 argv[i]);
			return -EINVAL;
		}
		if (k < 2) {
			ab->cmd[k] = v;
		} else if (k < 4) {
			ab->extra[k - 2] = v;
		} else if (k == 4) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || end == v || n < 2 || n > RUNSET_MAX_RUNS) {
				snprintf(err, len,
					 "--pairs=%s: expected a count in "
					 "2..%d",
					 v, RUNSET_MAX_RUNS);
				return -EINVAL;
			}
			ab->pairs = (unsigned int)n;
		} else if (k == 5) {
			ab->dir = v;
		} else if (!strcmp(v, "alternate") || !strcmp(v, "abab")) {
			ab->alternate = !strcmp(v, "alternate");
		} else {
			snprintf(err, len,
				 "--order=%s: expected alternate (AB BA AB "
				 "...) or abab (AB AB AB ...)",
				 v);
			return -EINVAL;
		}
	}
	return 0;
}

/* Reads the report @path into @s; prints its IOPS in @note. */
static int ab_collect(struct runset *s, const char *path, char *note,
		      size_t nlen, char *err, size_t len)
{
	char v[16];
	long m;

	if (runset_add_file(s, path, err, len))
		return -EINVAL;
	m = runset_metric(s, "iops");
	snprintf(note, nlen, "%s",
		 m >= 0 ? num(s->val[(s->nruns - 1) * s->nm + (size_t)m], v,
			      sizeof(v)) :
			  "-");
	return 0;
}

int bench_ab_main(int argc, char **argv)
{
	static char self[4096], base_cmd[4200], dirbuf[64], path[4400];
	struct ab_config ab = { .extra = { "", "" },
				.pairs = 10,
				.alternate = true };
	struct bench_cmp_config c;
	struct bench_cmp_result res;
	struct runset *set[2] = { NULL, NULL }, *warm[2] = { NULL, NULL };
	char err[2048], note[2][16];
	int rc, status = BENCH_EXIT_USAGE;
	ssize_t n;

	bench_cmp_config_default(&c);
	c.paired = true;
	rc = ab_parse(argc, argv, &ab, &c, err, sizeof(err));
	if (rc == BENCH_OPTS_HELP) {
		ab_usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (rc < 0) {
		fprintf(stderr, "blkring ab: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || (size_t)n >= sizeof(self) - 1) {
		fprintf(stderr, "blkring ab: cannot find this program "
				"(/proc/self/exe); give --base-cmd and "
				"--new-cmd\n");
		if (!ab.cmd[0] || !ab.cmd[1])
			return BENCH_EXIT_USAGE;
	} else {
		self[n] = '\0';
		snprintf(base_cmd, sizeof(base_cmd), "'%s' run", self);
	}
	for (int k = 0; k < 2; k++)
		if (!ab.cmd[k])
			ab.cmd[k] = base_cmd;
	if (!ab.dir) {
		snprintf(dirbuf, sizeof(dirbuf), "/tmp/blkring-ab.XXXXXX");
		if (!mkdtemp(dirbuf)) {
			fprintf(stderr, "blkring ab: mkdtemp: %s\n",
				strerror(errno));
			return BENCH_EXIT_USAGE;
		}
		ab.dir = dirbuf;
	} else if (mkdir(ab.dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "blkring ab: --dir=%s: %s\n", ab.dir,
			strerror(errno));
		return BENCH_EXIT_USAGE;
	}
	fprintf(stderr,
		"blkring ab: 1 warm-up pair and %u pairs, reports in %s\n",
		ab.pairs, ab.dir);
	set[0] = runset_create("base");
	set[1] = runset_create("new");
	warm[0] = runset_create("warm-up base");
	warm[1] = runset_create("warm-up new");
	if (!set[0] || !set[1] || !warm[0] || !warm[1]) {
		fprintf(stderr, "blkring ab: out of memory\n");
		goto out;
	}
	for (unsigned int p = 0; p <= ab.pairs; p++) {
		for (int j = 0; j < 2; j++) {
			/* Alternate: pairs 2, 4, ... run NEW first. */
			int k = ab.alternate && p && p % 2 == 0 ? 1 - j : j;

			if (p == 0)
				snprintf(path, sizeof(path),
					 "%s/warmup-%s.json", ab.dir,
					 k ? "new" : "base");
			else
				snprintf(path, sizeof(path), "%s/%s-%03u.json",
					 ab.dir, k ? "new" : "base", p);
			rc = ab_once(&ab, k, path, err, sizeof(err));
			if (rc) {
				fprintf(stderr, "blkring ab: %s\n", err);
				status = rc;
				goto out;
			}
			/* The warm-up runs are read (checked), not kept. */
			if (ab_collect(p ? set[k] : warm[k], path, note[k],
				       sizeof(note[k]), err, sizeof(err))) {
				fprintf(stderr, "blkring ab: %s\n", err);
				goto out;
			}
		}
		fprintf(stderr, "blkring ab: %s %u: IOPS base %s, new %s\n",
			p ? "pair" : "warm-up", p ? p : 1, note[0], note[1]);
	}
	for (int k = 0; k < 2; k++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.json", ab.dir,
			 k ? "new" : "base");
		f = fopen(path, "w");
		if (!f || runset_write(f, set[k], c.level) || fclose(f) != 0) {
			fprintf(stderr, "blkring ab: %s: cannot write\n", path);
			goto out;
		}
		free(set[k]->path);
		set[k]->path = strdup(path);
		if (!set[k]->path) {
			fprintf(stderr, "blkring ab: out of memory\n");
			goto out;
		}
	}
	if (bench_cmp_run(stdout, set[0], set[1], &c, &res, err, sizeof(err))) {
		fprintf(stderr, "blkring ab: %s\n", err);
		goto out;
	}
	status = res.regressed || res.exact_differ ? BENCH_EXIT_FAILED :
						     BENCH_EXIT_OK;
out:
	runset_destroy(set[0]);
	runset_destroy(set[1]);
	runset_destroy(warm[0]);
	runset_destroy(warm[1]);
	return status;
}
