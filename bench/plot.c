// SPDX-License-Identifier: MIT
/*
 * Plots (see plot.h): decides the plots of a results directory and their
 * parameters (columns, units, titles), writes plots/plot.sh and runs
 * gnuplot on the scripts of bench/plots/.  Main thread only.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/plot.h"
#include "bench/run.h"
#include "bench/sweep_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const scripts[] = { "vs.gp", "heatmap.gp", "little.gp",
				       "spectrum.gp", "stages.gp" };

/* The default metrics, each plotted against the last axis. */
static const char *const default_metrics[] = {
	"iops",	      "bw_bytes_per_s",	      "lat_mean_ns",
	"lat_p99_ns", "ring_requests_per_io",
};

/* Most points on a spectrum plot. */
#define SPECTRUM_MAX 8

bool bench_png_valid(const char *path)
{
	static const unsigned char sig[8] = { 0x89, 'P',  'N',	'G',
					      '\r', '\n', 0x1a, '\n' };
	unsigned char buf[8];
	FILE *f = fopen(path, "rb");
	bool ok;

	if (!f)
		return false;
	ok = fread(buf, 1, sizeof(buf), f) == sizeof(buf) &&
	     !memcmp(buf, sig, sizeof(sig));
	fclose(f);
	return ok;
}

/* ---- Finding and copying the scripts ----------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int find_scripts(char *buf, size_t len)
{
	static const char *const rel[] = { "/bench/plots", "/../../bench/plots",
					   "/../../../bench/plots" };
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	const char *env = getenv("BLKRING_PLOTS");
	ssize_t n;

	if (env && *env) {
		snprintf(probe, sizeof(probe), "%s/vs.gp", env);
		if (is_file(probe)) {
			snprintf(buf, len, "%s", env);
			return 0;
		}
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
			snprintf(probe, sizeof(probe), "%s%s/vs.gp", exe,
				 rel[i]);
			if (is_file(probe)) {
				snprintf(buf, len, "%s%s", exe, rel[i]);
				return 0;
			}
		}
	}
	if (is_file("bench/plots/vs.gp")) {
		snprintf(buf, len, "bench/plots");
		return 0;
	}
	return -ENOENT;
}

static int copy_script(const char *from_dir, const char *name,
		       const char *to_dir, char *err, size_t len)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64], chunk[4096];
	FILE *in, *out;
	size_t n;
	int rc = 0;

	snprintf(from, sizeof(from), "%s/%s", from_dir, name);
	snprintf(to, sizeof(to), "%s/%s", to_dir, name);
	in = fopen(from, "r");
	if (!in) {
		snprintf(err, len, "%s: %s", from, strerror(errno));
		return -errno;
	}
	out = fopen(to, "w");
	if (!out) {
		snprintf(err, len, "%s: %s", to, strerror(errno));
		fclose(in);
		return -EIO;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			rc = -EIO;
	fclose(in);
	if (fclose(out) != 0 || rc) {
		snprintf(err, len, "%s: cannot write", to);
		return -EIO;
	}
	return 0;
}

/* ---- points.csv --------------------------------------------------------- */

/* The header and the label column of points.csv. */
struct table {
	char *header;
	const char *col[1024];
	unsigned int ncols;
	char labels[SPECTRUM_MAX * 4][128];
	unsigned int nrows;
};

static bool has_col(const struct table *t, const char *name)
{
	for (unsigned int i = 0; i < t->ncols; i++)
		if (!strcmp(t->col[i], name))
			return true;
	return false;
}

/* The label field (third) of a points.csv row, unquoted, into buf. */
static void row_label(const char *line, char *buf, size_t len)
{
	size_t n = 0;

	for (int commas = 0; *line && commas < 2; line++)
		commas += *line == ',';
	if (*line == '"') {
		for (line++; *line && n + 1 < len; line++) {
			if (*line == '"' && line[1] != '"')
				break;
			if (*line == '"')
				line++;
			buf[n++] = *line == ' ' ? '_' : *line;
		}
	} else {
		for (; *line && *line != ',' && *line != '\n' && n + 1 < len;
		     line++)
			buf[n++] = *line == ' ' ? '_' : *line;
	}
	buf[n] = '\0';
}

static int read_points(const char *dir, struct table *t, char *err, size_t len)
{
	char path[PATH_MAX + 64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/points.csv", dir);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (getline(&t->header, &cap, f) < 0) {
		fclose(f);
		snprintf(err, len, "%s: empty", path);
		return -EINVAL;
	}
	t->header[strcspn(t->header, "\n")] = '\0';
	for (char *c = strtok(t->header, ","); c && t->ncols < 1024;
	     c = strtok(NULL, ","))
		t->col[t->ncols++] = c;
	cap = 0;
	while (getline(&line, &cap, f) > 0) {
		if (t->nrows < ARRAY_SIZE(t->labels))
			row_label(line, t->labels[t->nrows],
				  sizeof(t->labels[0]));
		t->nrows++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* ---- Units and titles --------------------------------------------------- */

struct unit {
	char label[128];
	double scale;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

static void metric_unit(const char *m, struct unit *u)
{
	u->scale = 1;
	if (!strcmp(m, "iops") || ends_with(m, "_iops") ||
	    !strncmp(m, "little_iops", 11)) {
		snprintf(u->label, sizeof(u->label), "%s (thousands)", m);
		u->scale = 1e3;
	} else if (ends_with(m, "_bytes_per_s")) {
		snprintf(u->label, sizeof(u->label), "%s (MiB/s)", m);
		u->scale = 1048576;
	} else if (ends_with(m, "_ns")) {
		snprintf(u->label, sizeof(u->label), "%s (µs)", m);
		u->scale = 1e3;
	} else if (ends_with(m, "_pct")) {
		snprintf(u->label, sizeof(u->label), "%s (%%)", m);
	} else {
		snprintf(u->label, sizeof(u->label), "%s", m);
	}
}

/* The x axis: its label with units, its scale, log2 or not, its tics. */
struct xaxis {
	char label[128];
	double scale;
	bool cat, logx;
	char tics[2048];
};

static void axis_unit(const struct bench_sweep *s, unsigned int k,
		      struct xaxis *x)
{
	const struct bench_axis *a = &s->axes[k];
	struct bench_config cfg = s->base;
	double lo = INFINITY, hi = 0;
	size_t used;
	bool all_k = true;

	x->scale = 1;
	x->cat = a->opt->type == BENCH_OPT_ENUM ||
		 a->opt->type == BENCH_OPT_BOOL ||
		 a->opt->type == BENCH_OPT_STRING;
	for (unsigned int v = 0; v < a->n && !x->cat; v++) {
		double num;

		if (bench_opt_set(&cfg, a->opt->name, a->values[v], NULL, 0))
			continue;
		num = bench__opt_number(&cfg, a->opt);
		lo = num < lo ? num : lo;
		hi = num > hi ? num : hi;
		all_k &= num >= 1024 && fmod(num, 1024) == 0;
	}
	switch (a->opt->type) {
	case BENCH_OPT_SIZE:
		x->scale = all_k ? 1024 : 1;
		snprintf(x->label, sizeof(x->label), "%s (%s)", a->opt->name,
			 all_k ? "KiB" : "bytes");
		break;
	case BENCH_OPT_TIME:
		x->scale = hi >= 1e7 ? 1e6 : 1e3;
		snprintf(x->label, sizeof(x->label), "%s (%s)", a->opt->name,
			 hi >= 1e7 ? "ms" : "µs");
		break;
	default:
		snprintf(x->label, sizeof(x->label), "%s", a->opt->name);
		break;
	}
	x->logx = !x->cat && lo > 0 && hi / lo >= 16;
	/* Tics at the values themselves, in the option's own syntax. */
	x->tics[0] = '\0';
	if (!x->cat && a->n > 12)
		return;
	/*
	 * A tic closer than 1/20 of the axis to the last one drawn would
	 * overlap it at 800 pixels: such values get a point but no label.
	 */
	double span = x->logx ? log2(hi / lo) : (hi - lo) / x->scale;
	double last = -INFINITY;

	used = (size_t)snprintf(x->tics, sizeof(x->tics), "(");
	for (unsigned int v = 0; v < a->n && used < sizeof(x->tics); v++) {
		double pos = v, at;
		int w;

		if (!x->cat) {
			if (bench_opt_set(&cfg, a->opt->name, a->values[v],
					  NULL, 0))
				continue;
			pos = bench__opt_number(&cfg, a->opt) / x->scale;
			at = x->logx ? log2(pos) : pos;
			if (at - last < span / 20)
				continue;
			last = at;
		}
		w = snprintf(x->tics + used, sizeof(x->tics) - used,
			     "%s\"%s\" %.9g", used > 1 ? ", " : "",
			     a->values[v], pos);
		used += w > 0 ? (size_t)w : 0;
	}
	if (used + 2 < sizeof(x->tics))
		strcat(x->tics, ")");
	else
		x->tics[0] = '\0';
}

/* The index of o's axis, or -1 if o is not an axis. */
static int axis_of(const struct bench_sweep *s, const struct bench_opt *o)
{
	for (unsigned int k = 0; k < s->naxes; k++)
		if (s->axes[k].opt == o)
			return (int)k;
	return -1;
}

/*
 * The fixed parameters: the headline options and any other that differs
 * from its default, except the axes and the bookkeeping ones; wrapped.
 */
static void fixed_title(const struct bench_sweep *s, const char *what,
			char *buf, size_t len)
{
	static const char *const headline[] = {
		"rw",		"bs",	  "iodepth", "ring-order",
		"max-segments", "target", "wait",    "evtchn-latency"
	};
	static const char *const never[] = { "output", "output-format",
					     "filename", "randseed" };
	struct bench_config def;
	const struct bench_opt *o;
	char v[BENCH_PATH_MAX + 32], d[BENCH_PATH_MAX + 32];
	size_t used, line = 0;

	used = (size_t)snprintf(buf, len, "%s\\n", what);
	if (bench_config_default(&def) < 0)
		return;
	bench_opt_for_each(o) {
		int k = axis_of(s, o), w;
		/* Axes before the last two are held at their first value. */
		bool held = k >= 0 && (unsigned int)k + 2 < s->naxes;
		bool show = held, skip = k >= 0 && !held;

		for (size_t i = 0; i < ARRAY_SIZE(headline); i++)
			show |= !strcmp(o->name, headline[i]);
		for (size_t i = 0; i < ARRAY_SIZE(never); i++)
			skip |= !strcmp(o->name, never[i]);
		bench_opt_format(&s->base, o, v, sizeof(v));
		if (held)
			snprintf(v, sizeof(v), "%s", s->axes[k].values[0]);
		bench_opt_format(&def, o, d, sizeof(d));
		if (skip || (!show && !strcmp(v, d)) || used >= len)
			continue;
		if (line > 60) {
			w = snprintf(buf + used, len - used, "\\n");
			used += w > 0 ? (size_t)w : 0;
			line = 0;
		}
		w = snprintf(buf + used, len - used, "%s%s=%.40s",
			     line ? "  " : "", o->name, v);
		used += w > 0 ? (size_t)w : 0;
		line += w > 0 ? (size_t)w : 0;
	}
}

/* ---- Jobs --------------------------------------------------------------- */

/* One gnuplot call: its script, output file and -e variables. */
struct job {
	const char *script;
	char out[256];
	char vars[8192];
	size_t used;
};

static void __attribute__((format(printf, 3, 4)))
var(struct job *j, const char *name, const char *fmt, ...)
{
	char value[4096];
	va_list ap;
	int w;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (j->used >= sizeof(j->vars))
		return;
	w = snprintf(j->vars + j->used, sizeof(j->vars) - j->used, "%s=\"",
		     name);
	j->used += w > 0 ? (size_t)w : 0;
	/* A gnuplot double-quoted string: \n stays an escape. */
	for (const char *p = value; *p && j->used + 4 < sizeof(j->vars); p++) {
		if (*p == '"' || (*p == '\\' && p[1] != 'n'))
			j->vars[j->used++] = '\\';
		j->vars[j->used++] = *p;
	}
	w = snprintf(j->vars + j->used, sizeof(j->vars) - j->used, "\"; ");
	j->used += w > 0 ? (size_t)w : 0;
}

static void job_start(struct job *j, const char *script, const char *term,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void job_start(struct job *j, const char *script, const char *term,
		      const char *fmt, ...)
{
	va_list ap;
	size_t n;

	memset(j, 0, sizeof(*j));
	j->script = script;
	va_start(ap, fmt);
	vsnprintf(j->out, sizeof(j->out), fmt, ap);
	va_end(ap);
	n = strlen(j->out);
	snprintf(j->out + n, sizeof(j->out) - n, ".%s", term);
	var(j, "term", "%s", term);
	var(j, "out", "%s", j->out);
}

/* The filter holding every axis but the last two at its first value. */
static void keep_expr(const struct bench_sweep *s, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "1");

	for (unsigned int k = 0; k + 2 < s->naxes && used < len; k++) {
		int w = snprintf(buf + used, len - used,
				 " && column(\"%s_idx\")==0",
				 s->axes[k].opt->name);

		used += w > 0 ? (size_t)w : 0;
	}
}

/* The values of axis k, space-separated (spaces inside become '_'). */
static void words(const struct bench_axis *a, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int v = 0; v < a->n && used + 1 < len; v++) {
		int w = snprintf(buf + used, len - used, "%s%s", v ? " " : "",
				 a->values[v]);

		for (int i = v ? 1 : 0; w > 0 && i < w && used + i < len; i++)
			if (buf[used + i] == ' ')
				buf[used + i] = '_';
		used += w > 0 ? (size_t)w : 0;
	}
}

static void common_x(struct job *j, const struct bench_sweep *s,
		     const struct xaxis *x)
{
	const struct bench_axis *last = &s->axes[s->naxes - 1];
	char keep[512];

	keep_expr(s, keep, sizeof(keep));
	var(j, "csv", "points.csv");
	var(j, "xcol", "%s", last->opt->name);
	var(j, "xlabel", "%s", x->label);
	var(j, "xscale", "%g", x->scale);
	var(j, "logx", "%d", x->logx);
	var(j, "cat", "%d", x->cat);
	var(j, "xt", "%s", x->tics);
	var(j, "keep", "%s", keep);
}

static void series(struct job *j, const struct bench_sweep *s)
{
	char list[BENCH_SWEEP_VALUES_MAX * 8];

	if (s->naxes < 2) {
		var(j, "series", "%s", "");
		var(j, "slabels", "%s", "");
		return;
	}
	words(&s->axes[s->naxes - 2], list, sizeof(list));
	var(j, "series", "%s", s->axes[s->naxes - 2].opt->name);
	var(j, "slabels", "%s", list);
}

/* Tics at the indices of an axis's values: "(\"1\" 0, \"2\" 1)". */
static void index_tics(const struct bench_axis *a, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "(");

	for (unsigned int v = 0; v < a->n && used < len; v++) {
		int w = snprintf(buf + used, len - used, "%s\"%s\" %u",
				 v ? ", " : "", a->values[v], v);

		used += w > 0 ? (size_t)w : 0;
	}
	if (used + 2 < len)
		strcat(buf, ")");
	else
		snprintf(buf, len, "1");
}

/* ---- Running gnuplot ---------------------------------------------------- */

static int gnuplot(const char *dir, const struct job *j, char *err, size_t len)
{
	char script[64], out[PATH_MAX + 300];
	int status;
	pid_t pid;

	snprintf(script, sizeof(script), "plots/%s", j->script);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", "-e", j->vars, script,
			       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		snprintf(
			err, len,
			"%s/%s: gnuplot %s failed (exit %d; 127: no gnuplot, apt-get install gnuplot-nox); rerun %s/plots/plot.sh to see why",
			dir, j->out, j->script,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, dir);
		return -EIO;
	}
	snprintf(out, sizeof(out), "%s/%s", dir, j->out);
	if (!is_file(out) ||
	    (strstr(j->out, ".png") && !bench_png_valid(out))) {
		snprintf(err, len, "%.900s: gnuplot wrote no valid image", out);
		return -EIO;
	}
	return 0;
}

/* Builds the list of plots for one terminal. */
static unsigned int plan(const struct bench_sweep *s, const struct table *t,
			 const char *metric, const char *term, struct job *jobs,
			 unsigned int max)
{
	const struct bench_axis *last = &s->axes[s->naxes - 1];
	const char *list[ARRAY_SIZE(default_metrics)];
	unsigned int nm = 0, n = 0;
	char title[1024], what[256], blocks[256], labels[SPECTRUM_MAX * 130];
	struct xaxis x;
	struct unit u;

	if (metric) {
		list[nm++] = metric;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(default_metrics); i++)
			if (has_col(t, default_metrics[i]))
				list[nm++] = default_metrics[i];
	}
	axis_unit(s, s->naxes - 1, &x);
	for (unsigned int i = 0; i < nm && n < max; i++) {
		struct job *j = &jobs[n++];

		metric_unit(list[i], &u);
		snprintf(what, sizeof(what), "%s vs %s", list[i],
			 last->opt->name);
		fixed_title(s, what, title, sizeof(title));
		job_start(j, "vs.gp", term, "%s_vs_%s", list[i],
			  last->opt->name);
		common_x(j, s, &x);
		series(j, s);
		var(j, "metric", "%s", list[i]);
		var(j, "ylabel", "%s", u.label);
		var(j, "yscale", "%g", u.scale);
		var(j, "ptitle", "%s", title);
	}
	if (s->naxes >= 2 && nm && n < max) {
		const struct bench_axis *y = &s->axes[s->naxes - 2];
		struct xaxis ya;
		struct job *j = &jobs[n++];
		char xit[2048], yit[2048];

		metric_unit(list[0], &u);
		axis_unit(s, s->naxes - 2, &ya);
		snprintf(what, sizeof(what), "%s by %s and %s (median)",
			 list[0], y->opt->name, last->opt->name);
		fixed_title(s, what, title, sizeof(title));
		job_start(j, "heatmap.gp", term, "heatmap_%s", list[0]);
		common_x(j, s, &x);
		index_tics(last, xit, sizeof(xit));
		index_tics(y, yit, sizeof(yit));
		var(j, "ycol", "%s", y->opt->name);
		var(j, "ylabel", "%s", ya.label);
		var(j, "xit", "%s", xit);
		var(j, "yit", "%s", yit);
		var(j, "nx", "%u", last->n);
		var(j, "ny", "%u", y->n);
		var(j, "metric", "%s", list[0]);
		var(j, "cblabel", "%s", u.label);
		var(j, "yscale", "%g", u.scale);
		var(j, "ptitle", "%s", title);
	}
	if (!strcmp(last->opt->name, "iodepth") && has_col(t, "lat_mean_ns") &&
	    has_col(t, "iops") && n < max) {
		struct job *j = &jobs[n++];

		fixed_title(
			s,
			"Little's law: measured IOPS vs iodepth / mean latency",
			title, sizeof(title));
		job_start(j, "little.gp", term, "little_iodepth");
		common_x(j, s, &x);
		series(j, s);
		var(j, "ptitle", "%s", title);
	}
	if (t->nrows && n < max) {
		struct job *j = &jobs[n++];
		unsigned int step =
			(t->nrows + SPECTRUM_MAX - 1) / SPECTRUM_MAX;
		size_t bu = 0, lu = 0;

		blocks[0] = labels[0] = '\0';
		for (unsigned int r = 0; r < t->nrows; r += step) {
			int w = snprintf(blocks + bu, sizeof(blocks) - bu,
					 "%s%u", bu ? " " : "", r);

			bu += w > 0 ? (size_t)w : 0;
			w = snprintf(labels + lu, sizeof(labels) - lu, "%s%s",
				     lu ? " " : "",
				     r < ARRAY_SIZE(t->labels) ? t->labels[r] :
								 "?");
			lu += w > 0 ? (size_t)w : 0;
		}
		fixed_title(s,
			    "latency percentile spectrum (one run per point)",
			    title, sizeof(title));
		job_start(j, "spectrum.gp", term, "spectrum");
		var(j, "csv", "spectrum.csv");
		var(j, "blocks", "%s", blocks);
		var(j, "labels", "%s", labels);
		var(j, "ptitle", "%s", title);
	}
	if (n < max) {
		char stages[1024];
		size_t su = 0;

		stages[0] = '\0';
		for (unsigned int c = 0; c < t->ncols; c++) {
			const char *name = t->col[c];
			size_t l = strlen(name);

			/* The means add up to the latency; p99s do not. */
			if (strncmp(name, "stage_", 6) || l < 14 ||
			    strcmp(name + l - 8, "_mean_ns") ||
			    su >= sizeof(stages))
				continue;
			int w = snprintf(stages + su, sizeof(stages) - su,
					 "%s%s", su ? " " : "", name);

			su += w > 0 ? (size_t)w : 0;
		}
		if (su) {
			struct job *j = &jobs[n++];

			fixed_title(s, "time per I/O in each stage (median)",
				    title, sizeof(title));
			job_start(j, "stages.gp", term, "stages");
			var(j, "csv", "points.csv");
			var(j, "stages", "%s", stages);
			var(j, "ptitle", "%s", title);
		}
	}
	return n;
}

int bench_plot_render(const char *dir, const struct bench_sweep *s,
		      const char *metric, const char *terminals, char *err,
		      size_t len)
{
	static struct table t;
	static struct job jobs[32];
	char src[PATH_MAX], plots[PATH_MAX + 16], why[1024];
	char path[PATH_MAX + 32];
	unsigned int failed = 0, n = 0;
	FILE *sh;
	int rc;

	rc = read_points(dir, &t, err, len);
	if (rc)
		return rc;
	if (metric && !has_col(&t, metric)) {
		snprintf(
			err, len,
			"--metric=%s: no such column in %s/points.csv (allowed: a metric of blkring run --output-format=json, e.g. iops, lat_p99_ns)",
			metric, dir);
		free(t.header);
		return -EINVAL;
	}
	if (find_scripts(src, sizeof(src)) < 0) {
		snprintf(
			err, len,
			"gnuplot scripts not found (set BLKRING_PLOTS to the bench/plots folder)");
		free(t.header);
		return -ENOENT;
	}
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	if (mkdir(plots, 0755) < 0 && errno != EEXIST) {
		snprintf(err, len, "%s: %s", plots, strerror(errno));
		free(t.header);
		return -errno;
	}
	for (size_t i = 0; i < ARRAY_SIZE(scripts); i++) {
		rc = copy_script(src, scripts[i], plots, err, len);
		if (rc) {
			free(t.header);
			return rc;
		}
	}
	for (const char *term = terminals; *term;) {
		size_t tl = strcspn(term, ",");
		char name[8];

		snprintf(name, sizeof(name), "%.*s", (int)tl, term);
		if (strcmp(name, "png") && strcmp(name, "svg")) {
			snprintf(err, len,
				 "--terminal=%s: unknown (allowed: png, svg)",
				 name);
			free(t.header);
			return -EINVAL;
		}
		n += plan(s, &t, metric, name, jobs + n,
			  (unsigned int)ARRAY_SIZE(jobs) - n);
		term += tl + (term[tl] == ',');
	}
	free(t.header);
	sh = bench__open_tmp(plots, "plot.sh", err, len);
	if (!sh)
		return -EIO;
	fprintf(sh,
		"#!/bin/sh\n# Renders the plots of this results directory "
		"again; written by blkring.\nset -e\ncd \"$(dirname \"$0\")/..\"\n");
	for (unsigned int i = 0; i < n; i++) {
		fputs("gnuplot -e ", sh);
		bench__shell_word(sh, jobs[i].vars);
		fprintf(sh, " plots/%s\n", jobs[i].script);
	}
	rc = bench__commit(sh, plots, "plot.sh", err, len);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/plot.sh", plots);
	chmod(path, 0755);
	for (unsigned int i = 0; i < n; i++) {
		if (gnuplot(dir, &jobs[i], why, sizeof(why)) < 0) {
			if (!failed)
				snprintf(err, len, "%s", why);
			failed++;
		}
	}
	return (int)failed;
}

int bench_plot_main(int argc, char **argv)
{
	static struct bench_sweep s;
	const char *dir = NULL, *metric = NULL, *terms = "png,svg";
	char err[1024];
	int failed;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: blkring plot DIR [--metric M] [--terminal png|svg|png,svg]\n\n"
			       "Rebuilds the tables and renders the plots of a blkring sweep results\n"
			       "directory again"
			       " (for metric M only, with --metric: any column of points.csv).\n");
			return BENCH_EXIT_OK;
		}
		if (!strncmp(a, "--metric=", 9)) {
			metric = a + 9;
		} else if (!strcmp(a, "--metric") && i + 1 < argc) {
			metric = argv[++i];
		} else if (!strncmp(a, "--terminal=", 11)) {
			terms = a + 11;
		} else if (!strcmp(a, "--terminal") && i + 1 < argc) {
			terms = argv[++i];
		} else if (a[0] != '-' && !dir) {
			dir = a;
		} else {
			fprintf(stderr,
				"blkring plot: '%s': unexpected (allowed: DIR, --metric M, --terminal png|svg)\n",
				a);
			return BENCH_EXIT_USAGE;
		}
	}
	if (!dir) {
		fprintf(stderr, "blkring plot: no DIR (allowed: a results "
				"directory of blkring sweep)\n");
		return BENCH_EXIT_USAGE;
	}
	if (bench_sweep_load(dir, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring plot: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	/* The tables first: they are what the scripts read. */
	if (bench_sweep_collect(dir, &s, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring plot: %s\n", err);
		return BENCH_EXIT_FAILED;
	}
	failed = bench_plot_render(dir, &s, metric, terms, err, sizeof(err));
	if (failed) {
		fprintf(stderr, "blkring plot: %s\n", err);
		return failed < 0 ? BENCH_EXIT_USAGE : BENCH_EXIT_FAILED;
	}
	return BENCH_EXIT_OK;
}
