// SPDX-License-Identifier: MIT
/*
 * `blkring calibrate` (see calibrate.h).  Every measurement is one
 * bench_run_config() of the thread engine; the fit is arithmetic on the
 * results.  Main thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/calibrate.h"
#include "bench/run.h"
#include "ring/ring.h"

#define SMALL_BYTES 4096u
#define LARGE_BYTES 65536u

static atomic_bool interrupted;

/* Runs per measurement (--repeats): the one of median IOPS is kept. */
static unsigned int repeats = 1;

/* The spread of the last measure_at(): lowest and highest IOPS. */
static double spread_lo, spread_hi;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&interrupted, true);
}

/* One measured run, reduced to what the fit needs. */
struct point {
	double iops;
	double lat_mean_ns;
	double target_mean_ns; /* the device: submitted -> reaped */
	double fe_cpu_per_io_ns, be_cpu_per_io_ns;
	double lag_ns;		 /* mean wake-up lag of kicks and interrupts */
	double backend_stage_ns; /* consumed -> submitted */
	double flushes_per_io;	 /* target flushes (submission calls) */
	double target_p99_ns;
};

static int measure(const struct bench_config *cfg, struct point *pt, char *err,
		   size_t len)
{
	static struct engine_result res;
	static struct bench_rec rec;
	double ios, t, delivered;
	int rc;

	rc = bench_run_config(cfg, &interrupted, &res, &rec, err, len);
	if (rc < 0)
		return rc;
	if (res.interrupted || interrupted) {
		snprintf(err, len, "interrupted");
		return -EINTR;
	}
	if (!bench_report_conserved(&res) || res.fe.ios_failed ||
	    !res.fe.ios_completed) {
		snprintf(err, len, "a calibration run lost or failed I/O");
		return -EIO;
	}
	ios = (double)res.fe.ios_completed;
	t = (double)(res.end_ns - res.start_ns);
	delivered = (double)(res.kick.delivered + res.irq.delivered);
	*pt = (struct point){
		.iops = ios / t * 1e9,
		.lat_mean_ns =
			(hist_mean(&rec.lat[0]) * (double)rec.lat[0].count +
			 hist_mean(&rec.lat[1]) * (double)rec.lat[1].count) /
			ios,
		.target_mean_ns = hist_mean(&rec.stage[SIM_STAGE_TARGET]),
		.fe_cpu_per_io_ns = (double)res.fe_cpu_ns / ios,
		.be_cpu_per_io_ns = (double)res.be_cpu_ns / ios,
		.lag_ns = delivered > 0 ? (double)(res.kick.lag_sum_ns +
						   res.irq.lag_sum_ns) /
						  delivered :
					  0,
		.backend_stage_ns = hist_mean(&rec.stage[SIM_STAGE_BACKEND]),
		.flushes_per_io = (double)res.be.flushes / ios,
		.target_p99_ns = (double)hist_percentile(
			&rec.stage[SIM_STAGE_TARGET], 99),
	};
	return 0;
}

void bench_calib_fit(double s_small, double s_large, uint64_t small,
		     uint64_t large, uint64_t *latency_ns, uint64_t *bw)
{
	double per_byte = (s_large - s_small) / (double)(large - small);
	double lat;

	if (per_byte <= 0) {
		*bw = 0;
		*latency_ns = s_small > 0 ? (uint64_t)(s_small + 0.5) : 0;
		return;
	}
	*bw = (uint64_t)(1e9 / per_byte + 0.5);
	lat = s_small - per_byte * (double)small;
	*latency_ns = lat > 0 ? (uint64_t)(lat + 0.5) : 0;
}

enum devmodel_dist bench_calib_dist(double mean_ns, double p99_ns)
{
	/* -ln(0.01) = 4.6 for the exponential; the geometric middle. */
	if (mean_ns > 0 && p99_ns / mean_ns > sqrt(4.605))
		return DEVMODEL_EXP;
	return DEVMODEL_FIXED;
}

void bench_calib_split_backend(double stage1_ns, double cpu_deep_ns,
			       double flushes_per_io, uint64_t *flush_ns,
			       uint64_t *req_ns)
{
	double f, r;

	/* F = stage1 - R and cpu_deep = 2R + F * n: solve for F. */
	if (flushes_per_io < 2)
		f = (stage1_ns - cpu_deep_ns / 2) / (1 - flushes_per_io / 2);
	else
		f = 0;
	f = fmin(fmax(f, 0), fmax(stage1_ns, 0));
	r = fmax((cpu_deep_ns - f * flushes_per_io) / 2, 0);
	*flush_ns = (uint64_t)(f + 0.5);
	*req_ns = (uint64_t)(r + 0.5);
}

static int set(struct bench_config *cfg, const char *name, const char *value)
{
	return bench_opt_set(cfg, name, value, NULL, 0);
}

static int by_iops(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return (x->iops > y->iops) - (x->iops < y->iops);
}

/*
 * Runs of @rw at @bs_bytes and @iodepth, on top of @base: --repeats of
 * them, the one of median IOPS into @pt.
 */
static int measure_at(const struct bench_config *base, const char *rw,
		      unsigned int bs_bytes, unsigned int iodepth,
		      struct point *pt, char *err, size_t len)
{
	struct bench_config cfg = *base;
	struct point runs[16];

	if (set(&cfg, "rw", rw))
		return -EINVAL;
	cfg.bs_bytes = bs_bytes;
	cfg.iodepth = iodepth;
	fprintf(stderr, "blkring calibrate: %s bs=%u iodepth=%u ...", rw,
		bs_bytes, iodepth);
	for (unsigned int r = 0; r < repeats; r++) {
		if (measure(&cfg, &runs[r], err, len) < 0) {
			fprintf(stderr, "\n");
			return -EIO;
		}
	}
	qsort(runs, repeats, sizeof(runs[0]), by_iops);
	*pt = runs[repeats / 2];
	spread_lo = runs[0].iops;
	spread_hi = runs[repeats - 1].iops;
	fprintf(stderr, " %.0f IOPS (%.0f..%.0f), target %.1f us\n", pt->iops,
		spread_lo, spread_hi, pt->target_mean_ns / 1e3);
	return 0;
}

static int calibrate(const struct bench_config *base, struct bench_calib *c,
		     char *err, size_t len)
{
	static const char *const rw[2] = { "randread", "randwrite" };
	struct point p[2][2], deep = { 0 };
	double lag = 0;
	unsigned int lags = 0;

	memset(c, 0, sizeof(*c));
	vengine_config_default(&c->vc);
	for (int d = 0; d < 2; d++) {
		for (int s = 0; s < 2; s++) {
			if (measure_at(base, rw[d],
				       s ? LARGE_BYTES : SMALL_BYTES, 1,
				       &p[d][s], err, len))
				return -EIO;
			c->service_ns[d][s] = p[d][s].target_mean_ns;
			if (p[d][s].lag_ns > 0) {
				lag += p[d][s].lag_ns;
				lags++;
			}
		}
		bench_calib_fit(p[d][0].target_mean_ns, p[d][1].target_mean_ns,
				SMALL_BYTES, LARGE_BYTES,
				&c->vc.model.dir[d].latency_ns,
				&c->vc.model.dir[d].bw_bytes_per_s);
	}
	/*
	 * Reads by load: the device's latency at iodepth 1, 2, 4, ... up
	 * to what the ring holds.  A real device (here a virtio disk whose
	 * host polls when busy) is not a fixed number of channels of fixed
	 * service: its latency per I/O changes with the load.  The table
	 * reproduces the measured latency at each load, less the transfer
	 * time the bandwidth adds back; the channels are then unlimited.
	 */
	{
		struct devmodel_dir *d = &c->vc.model.dir[0];
		unsigned int max = ring_entries(base->ring_order);
		double xfer =
			d->bw_bytes_per_s ?
				SMALL_BYTES * 1e9 / (double)d->bw_bytes_per_s :
				0;

		d->nr_qd = 0;
		for (unsigned int qd = 1;
		     qd <= max && d->nr_qd < DEVMODEL_QD_POINTS; qd *= 2) {
			struct point q;
			double lat;

			if (qd == 1)
				q = p[0][0];
			else if (measure_at(base, "randread", SMALL_BYTES, qd,
					    &q, err, len))
				return -EIO;
			lat = q.target_mean_ns - xfer;
			d->qd[d->nr_qd] = qd;
			d->qd_latency_ns[d->nr_qd++] =
				lat > 0 ? (uint64_t)(lat + 0.5) : 0;
			deep = q;
			c->deep_iodepth = qd;
		}
		c->vc.model.channels = DEVMODEL_CHANNELS_MAX;
	}
	c->iops_deep = deep.iops;
	/*
	 * The actors' CPU per I/O in the deep run (thread CPU time: their
	 * work, system calls and wake-ups), split evenly between the two
	 * halves of each actor's path; the backend's submission call apart
	 * (one per ring pass: a whole one per I/O at iodepth 1, a share at
	 * depth), from its stage at iodepth 1.
	 */
	c->vc.costs.submit_ns = (uint64_t)(deep.fe_cpu_per_io_ns / 2);
	c->vc.costs.reap_ns = (uint64_t)(deep.fe_cpu_per_io_ns / 2);
	c->backend_stage_ns = p[0][0].backend_stage_ns;
	c->flushes_per_io = deep.flushes_per_io;
	bench_calib_split_backend(c->backend_stage_ns, deep.be_cpu_per_io_ns,
				  deep.flushes_per_io,
				  &c->vc.costs.backend_flush_ns,
				  &c->vc.costs.backend_request_ns);
	c->vc.costs.backend_response_ns = c->vc.costs.backend_request_ns;
	/*
	 * At iodepth 1 every notification wakes a sleeping thread: the
	 * mean lag is the wake-up latency, charged to idle receivers.
	 */
	c->evtchn_latency_ns = lags ? (uint64_t)(lag / lags) : 0;
	c->vc.wake_latency_ns = c->evtchn_latency_ns;
	/*
	 * A fixed service makes the I/Os of a batch finish together, and
	 * the virtual engine then runs in lockstep waves (one interrupt per
	 * batch); a real disk's service varies and spreads them.  The
	 * distribution follows the spread of the reads at iodepth 1.
	 */
	c->target_p99_ns = p[0][0].target_p99_ns;
	c->vc.model.dist =
		bench_calib_dist(p[0][0].target_mean_ns, c->target_p99_ns);
	return 0;
}

static int write_model(const char *path, const struct bench_calib *c,
		       const struct bench_config *base, char *err, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		snprintf(err, len, "--out=%s: %s", path, strerror(errno));
		return -errno;
	}
	fprintf(f,
		"# Written by blkring calibrate: thread engine, target uring, "
		"--filename=%s --direct=%d --wait=%s.\n"
		"# Measured service (us, iodepth 1): read 4k %.1f, 64k %.1f; "
		"write 4k %.1f, 64k %.1f.\n"
		"# Reads at iodepth %u: %.0f IOPS; the actors' CPU per I/O "
		"from that run (%.3f flushes per I/O).\n"
		"# Backend stage at iodepth 1 (request and submission call): "
		"%.1f us.\n"
		"# Read service at iodepth 1: p99 %.1f us (latency_dist from "
		"p99 / mean).\n"
		"# Wake-up lag of a notification, mean: %" PRIu64
		" ns: wake_latency_ns, with --evtchn-latency=0.\n",
		base->filename, base->direct,
		base->wait_mode == BENCH_WAIT_SPIN   ? "spin" :
		base->wait_mode == BENCH_WAIT_SLEEP  ? "sleep" :
		base->wait_mode == BENCH_WAIT_HYBRID ? "hybrid" :
						       "busypoll",
		c->service_ns[0][0] / 1e3, c->service_ns[0][1] / 1e3,
		c->service_ns[1][0] / 1e3, c->service_ns[1][1] / 1e3,
		c->deep_iodepth, c->iops_deep, c->flushes_per_io,
		c->backend_stage_ns / 1e3, c->target_p99_ns / 1e3,
		c->evtchn_latency_ns);
	vengine_model_file_write(f, &c->vc);
	if (fclose(f) != 0) {
		snprintf(err, len, "--out=%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* The check's iodepths: between the calibrated points too (3, 6, ...). */
static const unsigned int default_depths[] = { 1,  2,  3,  4,  6,  8,  12,
					       16, 24, 32, 48, 64, 96, 128 };

/*
 * --check-device=measured: writes to @path the model in @model with the
 * read latency replaced by @target_ns at every load and no transfer
 * time, the device as the thread engine's run just measured it.
 */
static int write_measured(const char *model, const char *path, double target_ns,
			  char *err, size_t len)
{
	struct vengine_config vc;
	struct devmodel_dir *d = &vc.model.dir[0];
	char why[384];
	FILE *f;
	int rc;

	vengine_config_default(&vc);
	rc = vengine_model_file_load(model, &vc, why, sizeof(why));
	if (rc) {
		snprintf(err, len, "%s", why);
		return rc;
	}
	d->latency_ns = target_ns > 0 ? (uint64_t)(target_ns + 0.5) : 0;
	d->nr_qd = 0;
	d->bw_bytes_per_s = 0;
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, len, "%.200s: %s", path, strerror(errno));
		return -errno;
	}
	vengine_model_file_write(f, &vc);
	if (fclose(f) != 0) {
		snprintf(err, len, "%.200s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * The prediction check: reads at each of @depths (@n, those the ring
 * holds) on both engines, the virtual one with the model in @model;
 * @base holds the check's options (the calibration's and those after
 * "--").  @measured: each virtual run with the device as the thread run
 * just measured it (write_measured()).
 */
static int check(const struct bench_config *base, const char *model,
		 const unsigned int *depths, size_t n, bool measured, char *err,
		 size_t len)
{
	char point[BENCH_PATH_MAX + 16];
	double worst = 0;

	snprintf(point, sizeof(point), "%s.measured", model);
	if (measured)
		printf("# the device as measured at each point: the thread "
		       "run's target stage, fixed (%s)\n",
		       point);

	printf("# iodepth thread_iops virtual_iops iops_err_pct "
	       "thread_lat_us virtual_lat_us lat_err_pct thread_iops_min "
	       "thread_iops_max\n");
	for (size_t i = 0; i < n; i++) {
		unsigned int qd = depths[i];
		struct bench_config v = *base;
		struct point t, p;
		double ei, el;

		if (qd > ring_entries(base->ring_order)) {
			printf("# iodepth %u: beyond the ring's %u entries "
			       "(--ring-order)\n",
			       qd, ring_entries(base->ring_order));
			continue;
		}
		if (measure_at(base, "randread", SMALL_BYTES, qd, &t, err, len))
			return -EIO;
		if (measured &&
		    write_measured(model, point, t.target_mean_ns, err, len))
			return -EIO;
		v.iodepth = qd;
		v.bs_bytes = SMALL_BYTES;
		if (set(&v, "rw", "randread") || set(&v, "engine", "virtual") ||
		    set(&v, "target", "model") ||
		    set(&v, "model-file", measured ? point : model)) {
			snprintf(err, len, "cannot set up the virtual run");
			return -EINVAL;
		}
		if (measure(&v, &p, err, len) < 0)
			return -EIO;
		ei = 100 * (p.iops / t.iops - 1);
		el = 100 * (p.lat_mean_ns / t.lat_mean_ns - 1);
		worst = fmax(worst, fmax(fabs(ei), fabs(el)));
		printf("%u %.0f %.0f %+.1f %.1f %.1f %+.1f %.0f %.0f\n", qd,
		       t.iops, p.iops, ei, t.lat_mean_ns / 1e3,
		       p.lat_mean_ns / 1e3, el, spread_lo, spread_hi);
		fflush(stdout);
	}
	printf("# worst error: %.1f%%\n", worst);
	return 0;
}

static void usage(FILE *out)
{
	fputs("usage: blkring calibrate [--out=FILE | --in=FILE] [--check]\n"
	      "                         [--check-depths=LIST]\n"
	      "                         [--check-device=model|measured]\n"
	      "                         [--repeats=N] [RUN OPTIONS]\n"
	      "                         [-- CHECK OPTIONS]\n"
	      "\n"
	      "Measures the real file with the thread engine (target uring):\n"
	      "random reads and writes of 4k and 64k at iodepth 1 (latency,\n"
	      "bandwidth), reads at iodepth 2, 4, ... up to the ring's size\n"
	      "(latency by load; the actors' CPU per I/O at the deepest) and\n"
	      "the wake-up lag of notifications; writes the model file FILE\n"
	      "(default blkring.model) for --engine=virtual --target=model\n"
	      "--model-file=FILE.\n"
	      "\n"
	      "  --out=FILE   where to write the model\n"
	      "  --in=FILE    measure nothing: check the model in FILE\n"
	      "               (needs --check)\n"
	      "  --check      then run 4k random reads at iodepth 1..128 (up\n"
	      "               to the ring's size) on both engines and print\n"
	      "               the prediction error at each point\n"
	      "  --check-depths=LIST  the check's iodepths (comma-separated;\n"
	      "               default 1,2,3,4,6,8,12,16,24,32,48,64,96,128)\n"
	      "  --check-device=measured  the virtual runs take the device\n"
	      "               as the thread run at the same point measured it\n"
	      "               (its target stage), not the model's: checks the\n"
	      "               rest of the model when the disk drifts\n"
	      "  --repeats=N  runs per measurement (1..15), the median kept;\n"
	      "               --check prints the thread engine's spread\n"
	      "\n"
	      "RUN OPTIONS are blkring run's (--filename, --size, --direct,\n"
	      "--ring-order, --wait, --runtime per measurement: default 1s\n"
	      "and --wait=sleep here).  CHECK OPTIONS, after --, are run\n"
	      "options for the check's runs only, on both engines (e.g.\n"
	      "-- --irq-coalesce=8 --irq-coalesce-time=50us).  Exit status:\n"
	      "0 done, 1 a run failed, 2 bad input, 130 interrupted.\n",
	      out);
}

/*
 * Parses --check-depths' LIST into @depths (at most @max); returns the
 * count, or 0 if LIST is not rising whole numbers in 1..65536.
 */
static size_t parse_depths(const char *list, unsigned int *depths, size_t max)
{
	size_t n = 0;
	const char *p = list;

	while (*p) {
		unsigned long v;
		char *end;

		if (n == max || *p < '0' || *p > '9')
			return 0;
		v = strtoul(p, &end, 10);
		if (v < 1 || v > 65536 || (*end && *end != ',') ||
		    (n && v <= depths[n - 1]))
			return 0;
		depths[n++] = (unsigned int)v;
		p = *end ? end + 1 : end;
	}
	return n;
}

int bench_calibrate_main(int argc, char **argv)
{
	struct bench_config cfg, chk;
	struct bench_calib c;
	struct sigaction sa = { .sa_handler = on_sigint };
	const char *out = "blkring.model", *in = NULL, *dlist = NULL;
	const char *device = "model";
	char **rest, **extra, err[512];
	int nrest = 0, nextra = 0, rc, first_arg;
	const char *rep = "1";
	bool do_check = false, dashes = false;
	unsigned int depths[32];
	size_t ndepths = sizeof(default_depths) / sizeof(default_depths[0]);
	char *end;

	memcpy(depths, default_depths, sizeof(default_depths));
	rest = calloc((size_t)argc + 1, sizeof(*rest));
	extra = calloc((size_t)argc + 1, sizeof(*extra));
	if (!rest || !extra) {
		free(rest);
		free(extra);
		return BENCH_EXIT_USAGE;
	}
	extra[nextra++] = argv[0];
	for (int i = 0; i < argc; i++) {
		if (dashes)
			extra[nextra++] = argv[i];
		else if (i > 0 && !strcmp(argv[i], "--"))
			dashes = true;
		else if (i > 0 && !strncmp(argv[i], "--out=", 6))
			out = argv[i] + 6;
		else if (i > 0 && !strncmp(argv[i], "--in=", 5))
			in = argv[i] + 5;
		else if (i > 0 && !strcmp(argv[i], "--check"))
			do_check = true;
		else if (i > 0 && !strncmp(argv[i], "--check-depths=", 15))
			dlist = argv[i] + 15;
		else if (i > 0 && !strncmp(argv[i], "--check-device=", 15))
			device = argv[i] + 15;
		else if (i > 0 && !strncmp(argv[i], "--repeats=", 10))
			rep = argv[i] + 10;
		else
			rest[nrest++] = argv[i];
	}
	if (bench_config_default(&cfg) < 0 || set(&cfg, "runtime", "1s") ||
	    set(&cfg, "wait", "sleep")) {
		free(rest);
		free(extra);
		return BENCH_EXIT_USAGE;
	}
	rc = bench_opts_parse(nrest, rest, &cfg, &first_arg, err, sizeof(err));
	if (rc == BENCH_OPTS_HELP) {
		usage(stdout);
		free(rest);
		free(extra);
		return BENCH_EXIT_OK;
	}
	if (rc == 0 && first_arg < nrest) {
		snprintf(err, sizeof(err), "'%s': no positional arguments",
			 rest[first_arg]);
		rc = -EINVAL;
	}
	if (rc == 0 && (cfg.target != BENCH_TARGET_URING ||
			cfg.engine != BENCH_ENGINE_THREAD)) {
		snprintf(err, sizeof(err),
			 "--target and --engine: calibration measures the "
			 "real file (target uring, thread engine)");
		rc = -EINVAL;
	}
	chk = cfg;
	if (rc == 0 && nextra > 1) {
		int r = bench_opts_parse(nextra, extra, &chk, &first_arg, err,
					 sizeof(err));

		if (r == 0 && first_arg < nextra) {
			snprintf(err, sizeof(err),
				 "'%s' after --: no positional arguments",
				 extra[first_arg]);
			r = -EINVAL;
		}
		if (r == 0 && (chk.target != BENCH_TARGET_URING ||
			       chk.engine != BENCH_ENGINE_THREAD)) {
			snprintf(err, sizeof(err),
				 "--target and --engine after --: the check "
				 "runs the real file and the model itself");
			r = -EINVAL;
		}
		if (r != 0)
			rc = r < 0 ? r : -EINVAL;
	}
	repeats = (unsigned int)strtoul(rep, &end, 10);
	if (rc == 0 && (*end || !rep[0] || repeats < 1 || repeats > 15)) {
		snprintf(err, sizeof(err),
			 "--repeats=%.32s: bad count (allowed 1..15)", rep);
		rc = -EINVAL;
	}
	if (rc == 0 && !out[0]) {
		snprintf(err, sizeof(err), "--out: empty (allowed: a path)");
		rc = -EINVAL;
	}
	if (rc == 0 && in && (!in[0] || !do_check)) {
		snprintf(err, sizeof(err),
			 "--in=%.200s: a model to check needs a path and "
			 "--check",
			 in);
		rc = -EINVAL;
	}
	if (rc == 0 && strcmp(device, "model") && strcmp(device, "measured")) {
		snprintf(err, sizeof(err),
			 "--check-device=%.32s: unknown (allowed: model, "
			 "measured)",
			 device);
		rc = -EINVAL;
	}
	if (rc == 0 && in) {
		/* A model that cannot be read fails now, not after runs. */
		struct vengine_config vc;
		char why[384];

		vengine_config_default(&vc);
		rc = vengine_model_file_load(in, &vc, why, sizeof(why));
		if (rc)
			snprintf(err, sizeof(err), "--in: %s", why);
	}
	if (rc == 0 && dlist) {
		ndepths = parse_depths(dlist, depths,
				       sizeof(depths) / sizeof(depths[0]));
		if (!ndepths) {
			snprintf(err, sizeof(err),
				 "--check-depths=%.64s: bad list (allowed: "
				 "up to 32 rising iodepths 1..65536, "
				 "comma-separated)",
				 dlist);
			rc = -EINVAL;
		}
	}
	free(rest);
	free(extra);
	if (rc < 0) {
		fprintf(stderr, "blkring calibrate: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	if (!in) {
		rc = calibrate(&cfg, &c, err, sizeof(err));
		if (rc == 0)
			rc = write_model(out, &c, &cfg, err, sizeof(err));
		if (rc == 0) {
			fprintf(stderr, "blkring calibrate: wrote %s\n", out);
			vengine_model_file_write(stdout, &c.vc);
		}
	}
	if (rc == 0 && do_check)
		rc = check(&chk, in ? in : out, depths, ndepths,
			   !strcmp(device, "measured"), err, sizeof(err));
	signal(SIGINT, SIG_DFL);
	if (rc < 0) {
		fprintf(stderr, "blkring calibrate: %s\n", err);
		if (rc == -EINTR)
			return BENCH_EXIT_INTERRUPTED;
		return rc == -EINVAL ? BENCH_EXIT_USAGE : BENCH_EXIT_FAILED;
	}
	return BENCH_EXIT_OK;
}
