// SPDX-License-Identifier: MIT
/*
 * `blkring run` (see run.h): parse, lay out the file, run the engine with
 * Ctrl-C wired to its interrupt flag, report.  Main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/report.h"
#include "bench/run.h"

static atomic_bool interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&interrupted, true);
}

static const enum wl_rw rw_map[] = {
	[BENCH_RW_READ] = WL_RW_READ,
	[BENCH_RW_WRITE] = WL_RW_WRITE,
	[BENCH_RW_RANDREAD] = WL_RW_RANDREAD,
	[BENCH_RW_RANDWRITE] = WL_RW_RANDWRITE,
	[BENCH_RW_RANDRW] = WL_RW_RANDRW,
	[BENCH_RW_RW] = WL_RW_RW,
};

static const enum evtchn_wait wait_map[] = {
	[BENCH_WAIT_SPIN] = EVTCHN_WAIT_SPIN,
	[BENCH_WAIT_SLEEP] = EVTCHN_WAIT_SLEEP,
	[BENCH_WAIT_HYBRID] = EVTCHN_WAIT_HYBRID,
};

static const enum evtchn_notify_mode notify_map[] = {
	[BENCH_NOTIFY_EVENT] = EVTCHN_NOTIFY_EVENT,
	[BENCH_NOTIFY_ALWAYS] = EVTCHN_NOTIFY_ALWAYS,
	[BENCH_NOTIFY_POLL] = EVTCHN_NOTIFY_POLL,
};

static const enum evtchn_latency_dist dist_map[] = {
	[BENCH_LAT_FIXED] = EVTCHN_LAT_FIXED,
	[BENCH_LAT_UNIFORM] = EVTCHN_LAT_UNIFORM,
	[BENCH_LAT_EXP] = EVTCHN_LAT_EXP,
};

static const char *const target_map[] = {
	[BENCH_TARGET_NULL] = "null",
	[BENCH_TARGET_MEM] = "mem",
	[BENCH_TARGET_URING] = "uring",
};

int bench_engine_config(const struct bench_config *cfg,
			struct engine_config *ec, char *err, size_t err_len)
{
	engine_config_default(ec);
	if (cfg->ramp_ns) {
		snprintf(err, err_len,
			 "--ramp_time: not implemented yet (allowed: 0)");
		return -EINVAL;
	}
	ec->ring_order = cfg->ring_order;
	ec->iodepth = cfg->iodepth;
	ec->max_segments = cfg->max_segments;
	ec->qd_cap = cfg->qd_cap;
	ec->push_batch = cfg->push_batch;
	ec->tasks = cfg->tasks;
	ec->coalesce_count = cfg->irq_coalesce;
	ec->coalesce_ns = cfg->irq_coalesce_ns;
	ec->submit_per_request = cfg->backend_submit == BENCH_SUBMIT_REQUEST;
	ec->indirect_segments = cfg->indirect_segments;
	ec->backend_max_indirect = cfg->backend_max_indirect;
	if (cfg->irq_coalesce > 1 && !cfg->irq_coalesce_ns) {
		snprintf(err, err_len,
			 "--irq-coalesce=%u: needs --irq-coalesce-time > 0 "
			 "(an interrupt must not be held forever)",
			 cfg->irq_coalesce);
		return -EINVAL;
	}
	if (cfg->qd_cap > cfg->iodepth) {
		snprintf(err, err_len,
			 "--qd-cap=%u: above --iodepth=%u (allowed 0..iodepth)",
			 cfg->qd_cap, cfg->iodepth);
		return -EINVAL;
	}
	if (cfg->latency_dist == BENCH_LAT_UNIFORM &&
	    cfg->evtchn_latency_max_ns < cfg->evtchn_latency_ns) {
		snprintf(err, err_len,
			 "--evtchn-latency-max: below --evtchn-latency "
			 "(uniform needs latency <= max)");
		return -EINVAL;
	}
	ec->workload.rw = rw_map[cfg->rw];
	ec->workload.bs_bytes = (uint32_t)cfg->bs_bytes;
	ec->workload.size_bytes = cfg->size_bytes;
	ec->workload.rwmixread = cfg->rwmixread;
	ec->workload.seed = cfg->seed;
	/*
	 * Time based, like fio --time_based: with a runtime the workload
	 * wraps over the file until the time is up; without one it covers
	 * the file once.  io_size bounds either.
	 */
	ec->workload.io_limit_bytes = cfg->io_limit_bytes;
	if (!cfg->runtime_ns && !cfg->io_limit_bytes)
		ec->workload.io_limit_bytes = cfg->size_bytes;
	ec->runtime_ns = cfg->runtime_ns;
	ec->target = target_find(target_map[cfg->target]);
	ec->target_cfg.path = cfg->filename;
	ec->target_cfg.size_bytes = cfg->size_bytes;
	ec->target_cfg.direct = cfg->direct;
	ec->target_cfg.allow_blockdev = cfg->allow_blockdev;
	ec->evtchn.latency_ns = cfg->evtchn_latency_ns;
	ec->evtchn.wait = wait_map[cfg->wait_mode];
	ec->evtchn.hybrid_margin_ns = cfg->hybrid_margin_ns;
	ec->evtchn.notify = notify_map[cfg->notify];
	ec->evtchn.dist = dist_map[cfg->latency_dist];
	ec->evtchn.latency_max_ns = cfg->evtchn_latency_max_ns;
	ec->evtchn.cost_ns = cfg->notify_cost_ns;
	ec->evtchn.seed = cfg->seed;
	ec->frontend_cpu = cfg->frontend_cpu;
	ec->backend_cpu = cfg->backend_cpu;
	if (!ec->target) {
		snprintf(err, err_len, "--target: no such target");
		return -EINVAL;
	}
	return 0;
}

int bench_layout_file(const char *path, uint64_t size, char *err,
		      size_t err_len)
{
	enum { CHUNK = 1 << 20 };
	struct stat st;
	uint64_t off = 0;
	char *buf;
	int fd, rc = 0;

	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size >= size)
			return 0; /* the target judges other file types */
		off = (uint64_t)st.st_size & ~(uint64_t)(CHUNK - 1);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, err_len, "--filename=%s: cannot create: %s", path,
			 strerror(errno));
		return rc;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	fprintf(stderr, "blkring: laying out %s (%llu MiB)\n", path,
		(unsigned long long)(size >> 20));
	for (; off < size && rc == 0; off += CHUNK) {
		uint64_t n = size - off < CHUNK ? size - off : CHUNK;

		/* Any data that is not zeros: the verify pattern will do. */
		wl_pattern_fill(buf, (uint32_t)n, off, 0x6c61796f7574ull);
		if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n) {
			rc = errno ? -errno : -EIO;
			snprintf(err, err_len,
				 "--filename=%s: writing at %llu: %s", path,
				 (unsigned long long)off, strerror(-rc));
		}
	}
	/* On disk before O_DIRECT reads, so they measure the device. */
	if (rc == 0 && fdatasync(fd) < 0) {
		rc = -errno;
		snprintf(err, err_len, "--filename=%s: fdatasync: %s", path,
			 strerror(errno));
	}
	free(buf);
	close(fd);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: blkring run [OPTIONS]\n"
		"\n"
		"Runs one workload through the modelled Xen block frontend, "
		"shared ring,\nevent channel and backend to a target, and "
		"reports what happened.\nExit status: 0 all I/O accounted, 1 "
		"I/O lost or failed, 2 bad input,\n130 interrupted.\n"
		"\noptions:\n");
	bench_opts_help(out);
}

int bench_run_config(const struct bench_config *cfg, atomic_bool *interrupt,
		     struct engine_result *res, struct bench_rec *rec,
		     char *err, size_t err_len)
{
	struct engine_config ec;
	int rc;

	rc = bench_engine_config(cfg, &ec, err, err_len);
	if (rc < 0)
		return rc;
	if (cfg->target == BENCH_TARGET_URING) {
		rc = bench_layout_file(cfg->filename, cfg->size_bytes, err,
				       err_len);
		if (rc < 0)
			return rc;
	}
	bench_rec_init(rec);
	ec.complete = bench_rec_complete;
	ec.complete_ctx = rec;
	ec.verify = false;
	ec.interrupt = interrupt;
	return engine_run(&ec, res, err, err_len);
}

int bench_run_main(int argc, char **argv)
{
	struct bench_config cfg;
	struct engine_config ec;
	static struct engine_result res;
	static struct bench_rec rec;
	struct sigaction sa = { .sa_handler = on_sigint };
	char err[512];
	int first_arg, rc;
	FILE *out = stdout;
	int64_t started;

	if (bench_config_default(&cfg) < 0) {
		fprintf(stderr, "blkring run: bad built-in defaults\n");
		return BENCH_EXIT_USAGE;
	}
	rc = bench_opts_parse(argc, argv, &cfg, &first_arg, err, sizeof(err));
	if (rc == BENCH_OPTS_HELP) {
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (rc < 0 || bench_config_check(&cfg, err, sizeof(err)) < 0 ||
	    bench_engine_config(&cfg, &ec, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	if (first_arg < argc) {
		fprintf(stderr,
			"blkring run: '%s': job files are not supported yet "
			"(allowed: options only)\n",
			argv[first_arg]);
		return BENCH_EXIT_USAGE;
	}
	if (cfg.output_path[0]) {
		out = fopen(cfg.output_path, "w");
		if (!out) {
			fprintf(stderr, "blkring run: --output=%s: %s\n",
				cfg.output_path, strerror(errno));
			return BENCH_EXIT_USAGE;
		}
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	started = (int64_t)time(NULL);
	rc = bench_run_config(&cfg, &interrupted, &res, &rec, err, sizeof(err));
	signal(SIGINT, SIG_DFL);
	if (rc < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		if (out != stdout)
			fclose(out);
		return BENCH_EXIT_USAGE;
	}
	bench_report(out, &cfg, &res, &rec, started);
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "blkring run: --output=%s: %s\n",
			cfg.output_path, strerror(errno));
		return BENCH_EXIT_FAILED;
	}
	if (!bench_report_conserved(&res)) {
		fprintf(stderr, "blkring run: I/O lost or the device failed: "
				"see the conservation line\n");
		return BENCH_EXIT_FAILED;
	}
	if (res.interrupted)
		return BENCH_EXIT_INTERRUPTED;
	return res.fe.ios_failed ? BENCH_EXIT_FAILED : BENCH_EXIT_OK;
}
