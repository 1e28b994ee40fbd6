// SPDX-License-Identifier: MIT
/*
 * `blkring run` (see run.h): parse, lay out the file, run the engine with
 * Ctrl-C wired to its interrupt flag, report.  Main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/jobfile.h"
#include "bench/json.h"
#include "bench/report.h"
#include "bench/run.h"
#include "bench/runset.h"
#include "bench/stats.h"
#include "workloads/trace.h"

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
	[BENCH_WAIT_BUSYPOLL] = EVTCHN_WAIT_BUSYPOLL,
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

static const enum frontend_verify verify_map[] = {
	[BENCH_VERIFY_NONE] = FRONTEND_VERIFY_NONE,
	[BENCH_VERIFY_PATTERN] = FRONTEND_VERIFY_PATTERN,
	[BENCH_VERIFY_CRC32C] = FRONTEND_VERIFY_CRC32C,
};

/*
 * verify=crc32c checks whole 4 KiB blocks: every I/O must start and end
 * on one.  Names the first option that breaks it (@wc: the workload as
 * parsed).  0 or -EINVAL with the reason in @err.
 */
static int check_verify_blocks(const struct bench_config *cfg,
			       const struct wl_config *wc, char *err,
			       size_t err_len)
{
	const uint32_t blk = WL_VBLOCK_BYTES;
	const char *name = NULL;
	char val[BENCH_PATH_MAX + 32];

	if (cfg->read_iolog[0]) {
		snprintf(err, err_len,
			 "--verify=crc32c: a trace's I/Os need not be whole "
			 "4 KiB blocks; replay it with --verify=pattern or "
			 "none");
		return -EINVAL;
	}
	if (wc->nbssplit) {
		for (unsigned int i = 0; i < wc->nbssplit; i++)
			if (wc->bssplit[i].bs_bytes % blk)
				name = "bssplit";
	} else if (wc->bs_max_bytes) {
		/* Lengths step by the low end if a power of two, else 512. */
		if (wc->bs_bytes % blk || wc->bs_max_bytes % blk ||
		    (wc->bs_bytes & (wc->bs_bytes - 1)))
			name = "bsrange";
	} else if (wc->bs_bytes % blk) {
		name = "bs";
	}
	if (!name && wc->offset_bytes % blk)
		name = "offset";
	if (!name && cfg->io_limit_bytes % blk)
		name = "io_size";
	/* Without runtime or io_size the run covers size once. */
	if (!name && !cfg->io_limit_bytes && !cfg->runtime_ns &&
	    cfg->size_bytes % blk)
		name = "size";
	if (!name)
		return 0;
	bench_opt_format(cfg, bench_opt_find(name), val, sizeof(val));
	snprintf(err, err_len,
		 "--%s=%.200s: with --verify=crc32c every I/O must be whole "
		 "4 KiB blocks (allowed: multiples of 4k%s)",
		 name, val,
		 !strcmp(name, "bsrange") ?
			 ", the low end a power of two so that every length "
			 "drawn is one" :
		 !strcmp(name, "io_size") || !strcmp(name, "size") ?
			 ", as the last I/O is cut to it" :
			 "");
	return -EINVAL;
}

static const char *const target_map[] = {
	[BENCH_TARGET_NULL] = "null",
	[BENCH_TARGET_MEM] = "mem",
	[BENCH_TARGET_URING] = "uring",
	[BENCH_TARGET_MODEL] = "model",
};

/*
 * The workload options added for job files, distributions, open loop and
 * traces (docs/workloads.md), on top of what bench_engine_config() sets.
 */
static int bench_workload_config(const struct bench_config *cfg,
				 struct wl_config *wc, char *err,
				 size_t err_len)
{
	char why[256];

	wc->offset_bytes = cfg->offset_bytes;
	wc->norandommap = cfg->norandommap;
	if (cfg->bsrange[0] && cfg->bssplit[0]) {
		snprintf(err, err_len,
			 "--bsrange and --bssplit: give one of them");
		return -EINVAL;
	}
	if (wl_bsrange_parse(cfg->bsrange, wc, why, sizeof(why)) ||
	    wl_bssplit_parse(cfg->bssplit, wc, why, sizeof(why)) ||
	    wl_dist_parse(cfg->random_distribution, wc, why, sizeof(why))) {
		snprintf(err, err_len, "--%s", why);
		return -EINVAL;
	}
	wc->rate_iops = cfg->rate_iops;
	wc->rate_process = cfg->rate_process == BENCH_RATE_POISSON ?
				   WL_RATE_POISSON :
				   WL_RATE_LINEAR;
	wc->thinktime_ns = cfg->thinktime_ns;
	wc->thinktime_spin_ns = cfg->thinktime_spin_ns;
	wc->thinktime_blocks = cfg->thinktime_blocks;
	if (cfg->read_iolog[0] && cfg->rate_iops) {
		snprintf(err, err_len,
			 "--rate_iops with --read_iolog: a trace keeps its own "
			 "time (use --replay_time_scale)");
		return -EINVAL;
	}
	if (wl_config_check(wc, why, sizeof(why))) {
		snprintf(err, err_len, "workload: %s", why);
		return -EINVAL;
	}
	return 0;
}

/*
 * The frontend's policies (docs/policies.md).  A worker thread shares
 * the frontend's state with the other paths, so it needs the gate.
 */
static int policy_config(const struct bench_config *cfg,
			 struct engine_config *ec, char *err, size_t err_len)
{
	bool worker = cfg->submit_path == BENCH_SUBMIT_PATH_WORKER;
	bool deferred = cfg->completion == BENCH_COMPLETION_DEFERRED;

	if ((worker || deferred) && cfg->lock == BENCH_LOCK_NONE) {
		snprintf(err, err_len,
			 "--%s: a worker thread shares the ring and the task "
			 "pool with the other paths; it needs --lock=single",
			 worker ? "submit-path=worker" : "completion=deferred");
		return -EINVAL;
	}
	if (cfg->lock_work_ns && cfg->lock == BENCH_LOCK_NONE) {
		snprintf(
			err, err_len,
			"--lock-work: work under the lock needs --lock=single");
		return -EINVAL;
	}
	ec->submit_path = worker ? FRONTEND_SUBMIT_WORKER :
				   FRONTEND_SUBMIT_DIRECT;
	ec->completion = deferred ? FRONTEND_COMPLETE_DEFERRED :
				    FRONTEND_COMPLETE_IRQ;
	ec->lock = cfg->lock == BENCH_LOCK_SINGLE;
	ec->lock_kind = cfg->lock_type == BENCH_LOCK_SPIN ? GATE_SPIN :
							    GATE_MUTEX;
	ec->lock_work_ns = cfg->lock_work_ns;
	return 0;
}

/* The backend's policies: grants (docs/grants.md), budget, responses. */
static int backend_policy_config(const struct bench_config *cfg,
				 struct engine_config *ec, char *err,
				 size_t err_len)
{
	static const enum backend_grant_mode modes[] = {
		[BENCH_GRANTS_STATIC] = BACKEND_GRANTS_STATIC,
		[BENCH_GRANTS_MAP] = BACKEND_GRANTS_MAP,
		[BENCH_GRANTS_COPY] = BACKEND_GRANTS_COPY,
		[BENCH_GRANTS_PERSISTENT] = BACKEND_GRANTS_PERSISTENT,
	};

	if (cfg->grants == BENCH_GRANTS_COPY &&
	    cfg->indirect_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		snprintf(err, err_len,
			 "--grants=copy: the grant-copy backend (QEMU's qdisk) "
			 "offers no indirect descriptors; use --indirect-"
			 "segments=0 (allowed with copy: 0..11)");
		return -EINVAL;
	}
	ec->grant_mode = modes[cfg->grants];
	ec->grant_call_ns = cfg->grant_call_ns;
	ec->grant_map_ns = cfg->grant_map_ns;
	ec->grant_unmap_ns = cfg->grant_unmap_ns;
	ec->grant_copy_ns = cfg->grant_copy_ns;
	ec->persistent_max = cfg->persistent_grants_max;
	ec->backend_budget = cfg->backend_budget;
	ec->respond_batch = cfg->backend_respond == BENCH_RESPOND_BATCH;
	return 0;
}

/*
 * Multi-queue and devices on an interrupt line (docs/design.md): the
 * engine checks the combinations too; here they are refused with the
 * options' names.  --irq-filter-cost with own lines is accepted and
 * unused (no filter runs), so that a sweep can cross irq-line with it.
 */
static int lanes_config(const struct bench_config *cfg,
			struct engine_config *ec, char *err, size_t err_len)
{
	if (cfg->queues > 1 && cfg->devices > 1) {
		snprintf(err, err_len,
			 "--queues=%u with --devices=%u: give several queues "
			 "or several devices, not both",
			 cfg->queues, cfg->devices);
		return -EINVAL;
	}
	if (cfg->irq_line == BENCH_IRQ_LINE_SHARED && cfg->queues > 1) {
		snprintf(err, err_len,
			 "--irq-line=shared with --queues=%u: each queue has "
			 "its own vCPU and interrupt (a shared line is for "
			 "--devices)",
			 cfg->queues);
		return -EINVAL;
	}
	if (cfg->irq_line == BENCH_IRQ_LINE_SHARED &&
	    cfg->completion == BENCH_COMPLETION_DEFERRED) {
		snprintf(err, err_len,
			 "--irq-line=shared with --completion=deferred: the "
			 "filter reads the ring the deferred worker consumes "
			 "(allowed: --completion=irq)");
		return -EINVAL;
	}
	if (cfg->read_iolog[0] && cfg->queues * cfg->devices > 1) {
		snprintf(err, err_len,
			 "--read_iolog: a trace is one stream; replay it with "
			 "--queues=1 --devices=1");
		return -EINVAL;
	}
	ec->queues = cfg->queues;
	ec->devices = cfg->devices;
	ec->irq_line = cfg->irq_line == BENCH_IRQ_LINE_SHARED ?
			       ENGINE_IRQ_SHARED :
			       ENGINE_IRQ_OWN;
	ec->irq_filter_cost_ns = cfg->irq_filter_cost_ns;
	return 0;
}

/*
 * With --wait=spin every thread polls; with the policy workers there may
 * be more of them than CPUs, and then they take turns by the scheduler's
 * time slice: the run measures the scheduler (docs/policies.md).
 */
static void warn_spinners(const struct bench_config *cfg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long workers = (cfg->submit_path == BENCH_SUBMIT_PATH_WORKER) +
		       (cfg->completion == BENCH_COMPLETION_DEFERRED);
	long lanes = (long)cfg->queues * cfg->devices;
	/*
	 * Per lane a backend and the policy workers; a frontend thread per
	 * queue, or one for all the devices.
	 */
	long threads = lanes * (1 + workers) + (long)cfg->queues;

	if (cfg->wait_mode == BENCH_WAIT_SPIN && cpus > 0 && threads > cpus)
		fprintf(stderr,
			"blkring run: warning: --wait=spin with %ld spinning "
			"threads on %ld CPUs: they take turns by time slice "
			"(use --wait=sleep or hybrid)\n",
			threads, cpus);
}

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
	if (policy_config(cfg, ec, err, err_len) ||
	    lanes_config(cfg, ec, err, err_len))
		return -EINVAL;
	if (backend_policy_config(cfg, ec, err, err_len))
		return -EINVAL;
	ec->fault.kind = (enum fault_kind)cfg->fault;
	ec->fault.rate_ppm = cfg->fault_ppm;
	ec->fault.offset_bytes = cfg->fault_offset_bytes;
	ec->fault.length_bytes = cfg->fault_length_bytes;
	ec->fault.seed = cfg->seed ^ 0xfa017; /* its own sequence */
	ec->backend_retries = cfg->backend_retries;
	ec->drain_timeout_ns = cfg->drain_timeout_ns;
	ec->watchdog_ns = cfg->watchdog_ns;
	if ((cfg->fault == FAULT_STALL || cfg->fault == FAULT_BACKEND_STOP) &&
	    !cfg->watchdog_ns && !cfg->runtime_ns) {
		snprintf(err, err_len,
			 "--fault=%s with --watchdog=0 and --runtime=0: "
			 "nothing would end the run (give a --watchdog or a "
			 "--runtime)",
			 fault_kind_name((enum fault_kind)cfg->fault));
		return -EINVAL;
	}
	ec->hostile_mutations = cfg->hostile;
	ec->hostile_fatal_per_mille = cfg->hostile_fatal;
	ec->hostile_seed = cfg->seed ^ 0x4057113ull; /* its own sequence */
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
	if (bench_workload_config(cfg, &ec->workload, err, err_len))
		return -EINVAL;
	ec->verify = verify_map[cfg->verify];
	if (cfg->verify == BENCH_VERIFY_CRC32C &&
	    check_verify_blocks(cfg, &ec->workload, err, err_len))
		return -EINVAL;
	/*
	 * Time based, like fio --time_based: with a runtime the workload
	 * wraps over the file until the time is up; without one it covers
	 * the file once.  io_size bounds either.
	 */
	ec->workload.io_limit_bytes = cfg->io_limit_bytes;
	if (!cfg->runtime_ns && !cfg->io_limit_bytes && !cfg->read_iolog[0])
		ec->workload.io_limit_bytes = cfg->size_bytes;
	ec->runtime_ns = cfg->runtime_ns;
	ec->target = target_find(target_map[cfg->target]);
	ec->target_cfg.path = cfg->filename;
	/* The file holds the region [offset, offset + size). */
	ec->target_cfg.size_bytes = cfg->offset_bytes + cfg->size_bytes;
	ec->target_cfg.direct = cfg->direct;
	ec->target_cfg.allow_blockdev = cfg->allow_blockdev;
	ec->evtchn.latency_ns = cfg->evtchn_latency_ns;
	ec->evtchn.wait = wait_map[cfg->wait_mode];
	ec->evtchn.hybrid_margin_ns = cfg->hybrid_margin_ns;
	ec->evtchn.busypoll_ns = cfg->busypoll_ns;
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

/* The options only the virtual engine uses, for the thread engine's check. */
static const char *const virtual_only[] = {
	"cost-submit",
	"cost-split",
	"cost-reap",
	"cost-backend-request",
	"cost-backend-response",
	"model-file",
	"cost-backend-flush",
	"wake-latency",
};

int bench_vengine_config(const struct bench_config *cfg,
			 struct vengine_config *vc, char *err, size_t err_len)
{
	static const enum devmodel_dist model_dist_map[] = {
		[BENCH_MODEL_FIXED] = DEVMODEL_FIXED,
		[BENCH_MODEL_EXP] = DEVMODEL_EXP,
		[BENCH_MODEL_UNIFORM] = DEVMODEL_UNIFORM,
	};
	struct bench_config def;
	char why[512];

	vengine_config_default(vc);
	if (cfg->engine != BENCH_ENGINE_VIRTUAL) {
		/* A cost set for the thread engine would silently do nothing. */
		if (bench_config_default(&def) < 0)
			return -EINVAL;
		for (size_t i = 0;
		     i < sizeof(virtual_only) / sizeof(*virtual_only); i++) {
			const struct bench_opt *o =
				bench_opt_find(virtual_only[i]);
			char a[BENCH_PATH_MAX + 32], b[BENCH_PATH_MAX + 32];

			bench_opt_format(cfg, o, a, sizeof(a));
			bench_opt_format(&def, o, b, sizeof(b));
			if (strcmp(a, b)) {
				snprintf(err, err_len,
					 "--%s: only the virtual engine uses "
					 "it (the thread engine pays real "
					 "costs, on the real target); add "
					 "--engine=virtual",
					 o->name);
				return -EINVAL;
			}
		}
		return 0;
	}
	vc->costs.submit_ns = cfg->cost_submit_ns;
	vc->costs.split_ns = cfg->cost_split_ns;
	vc->costs.reap_ns = cfg->cost_reap_ns;
	vc->costs.backend_request_ns = cfg->cost_backend_request_ns;
	vc->costs.backend_response_ns = cfg->cost_backend_response_ns;
	vc->costs.backend_flush_ns = cfg->cost_backend_flush_ns;
	vc->wake_latency_ns = cfg->wake_latency_ns;
	vc->model.channels = cfg->model_channels;
	vc->model.dist = model_dist_map[cfg->model_latency_dist];
	vc->model.dir[0].latency_ns = cfg->model_read_latency_ns;
	vc->model.dir[0].latency_max_ns = cfg->model_read_latency_max_ns;
	vc->model.dir[0].bw_bytes_per_s = cfg->model_read_bw;
	vc->model.dir[1].latency_ns = cfg->model_write_latency_ns;
	vc->model.dir[1].latency_max_ns = cfg->model_write_latency_max_ns;
	vc->model.dir[1].bw_bytes_per_s = cfg->model_write_bw;
	/* Its own stream, derived from the run's seed. */
	vc->model.seed = cfg->seed ^ 0x6d6f64656cull;
	if (cfg->model_file[0] &&
	    vengine_model_file_load(cfg->model_file, vc, why, sizeof(why))) {
		snprintf(err, err_len, "--model-file: %.400s", why);
		return -EINVAL;
	}
	if (devmodel_config_check(&vc->model, why, sizeof(why))) {
		snprintf(err, err_len, "%.400s", why);
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
		"usage: blkring run [OPTIONS] [JOBFILE]\n"
		"\n"
		"Runs one workload through the modelled Xen block frontend, "
		"shared ring,\nevent channel and backend to a target, and "
		"reports what happened.\nA fio-style JOBFILE runs its jobs "
		"(and numjobs clones) concurrently, each\na device, up to "
		"each stonewall; options given on the command line\n"
		"override the file's.\nExit status: 0 all I/O accounted, 1 "
		"I/O lost or failed, 2 bad input,\n130 interrupted.\n"
		"\nrepetition (docs/ci-regression.md):\n"
		"  --repeat=N             N runs in one report: per metric the "
		"median, min,\n"
		"                         max, an interval of the median and "
		"the CV\n"
		"  --reference=none|null  after each run, the same "
		"configuration against the\n"
		"                         null target: adds ref_iops, "
		"iops_vs_ref, ref_lat_mean_ns,\n"
		"                         lat_mean_vs_ref\n"
		"\noptions:\n");
	bench_opts_help(out);
}

/* Worse of two exit statuses: usage > failed > interrupted > ok. */
static int worse(int a, int b)
{
	static const int rank[] = { BENCH_EXIT_OK, BENCH_EXIT_INTERRUPTED,
				    BENCH_EXIT_FAILED, BENCH_EXIT_USAGE };
	int ra = 0, rb = 0;

	for (int i = 0; i < 4; i++) {
		if (a == rank[i])
			ra = i;
		if (b == rank[i])
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* Opens the trace of @cfg, if any, into *@out. */
static int open_trace(const struct bench_config *cfg, struct wl_trace **out,
		      char *err, size_t err_len)
{
	static const enum wl_trace_format fmt_map[] = {
		[BENCH_TRACE_AUTO] = WL_TRACE_AUTO,
		[BENCH_TRACE_IOLOG] = WL_TRACE_IOLOG,
		[BENCH_TRACE_BLKPARSE] = WL_TRACE_BLKPARSE,
		[BENCH_TRACE_MSR] = WL_TRACE_MSR,
	};
	struct wl_trace_config tc;
	char why[512];
	int rc;

	*out = NULL;
	if (!cfg->read_iolog[0])
		return 0;
	wl_trace_config_default(&tc);
	tc.path = cfg->read_iolog;
	tc.format = fmt_map[cfg->trace_format];
	tc.skip_bad = cfg->trace_skip_bad;
	tc.no_stall = cfg->replay_no_stall;
	tc.time_scale_pct = cfg->replay_time_scale;
	tc.blkparse_action = cfg->blkparse_action == BENCH_BLKPARSE_D ? 'D' :
									'Q';
	rc = wl_trace_open(&tc, out, why, sizeof(why));
	if (rc)
		snprintf(err, err_len, "--read_iolog: %.400s", why);
	return rc;
}

/* @pct percent of @bytes, rounded down to 512. */
static uint64_t pct_of(uint64_t bytes, unsigned int pct)
{
	return (uint64_t)((unsigned __int128)bytes * pct / 100) / 512 * 512;
}

/*
 * Resolves size=N% and offset=N% against the size of the existing file,
 * as fio does: the offset first, then the size, capped at the end of the
 * file, both rounded down to 512 bytes.
 */
static int resolve_pct(struct bench_config *cfg, char *err, size_t err_len)
{
	struct stat st;
	uint64_t file;

	if (!cfg->size_pct && !cfg->offset_pct)
		return 0;
	if (cfg->target != BENCH_TARGET_URING || stat(cfg->filename, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		snprintf(err, err_len,
			 "--size or --offset in percent: needs target=uring "
			 "and an existing regular file (--filename=%.256s)",
			 cfg->filename);
		return -EINVAL;
	}
	file = (uint64_t)st.st_size;
	if (cfg->offset_pct)
		cfg->offset_bytes = pct_of(file, cfg->offset_pct);
	if (cfg->size_pct)
		cfg->size_bytes = pct_of(file, cfg->size_pct);
	if (cfg->offset_bytes > file)
		cfg->offset_bytes = file;
	if (cfg->size_bytes > file - cfg->offset_bytes)
		cfg->size_bytes = (file - cfg->offset_bytes) / 512 * 512;
	cfg->size_pct = 0;
	cfg->offset_pct = 0;
	return 0;
}

/* What the jobs of a job file add up to. */
struct job_sum {
	unsigned int jobs, groups;
	uint64_t ios, bytes, failed;
	uint64_t elapsed_ns; /* the jobs' times, one after another */
};

/* Whether @cfg's workload writes. */
static bool writes(const struct bench_config *cfg)
{
	return cfg->rw != BENCH_RW_READ && cfg->rw != BENCH_RW_RANDREAD;
}

/*
 * Concurrent jobs: each job's own workload and iodepth (struct
 * engine_job), and a target large enough for every job's region.  The
 * jobs are resolved and checked, their common model options already
 * agreed (check_group()).
 */
static int jobs_config(const struct bench_config *jobs, unsigned int n,
		       struct engine_config *ec, struct engine_job *ej,
		       char *err, size_t err_len)
{
	static struct engine_config one;

	for (unsigned int k = 0; k < n; k++) {
		uint64_t end = jobs[k].offset_bytes + jobs[k].size_bytes;

		if (bench_engine_config(&jobs[k], &one, err, err_len))
			return -EINVAL;
		/*
		 * verify=crc32c: each job's frontend keeps its own
		 * generations; another job writing the same blocks would
		 * make them wrong (and race its reads).
		 */
		for (unsigned int j = 0;
		     j < k && jobs[k].verify == BENCH_VERIFY_CRC32C; j++) {
			uint64_t jend =
				jobs[j].offset_bytes + jobs[j].size_bytes;

			if (jobs[j].offset_bytes >= end ||
			    jobs[k].offset_bytes >= jend ||
			    (!writes(&jobs[j]) && !writes(&jobs[k])))
				continue;
			snprintf(
				err, err_len,
				"--verify=crc32c: concurrent jobs %u and %u "
				"(in file order, numjobs clones counted) "
				"share blocks [%llu, %llu) and one of them "
				"writes; each job keeps its own block "
				"generations, so give them disjoint "
				"offset/size, or put stonewall between them",
				j + 1, k + 1,
				(unsigned long long)(jobs[j].offset_bytes >
								     jobs[k].offset_bytes ?
							     jobs[j].offset_bytes :
							     jobs[k].offset_bytes),
				(unsigned long long)(jend < end ? jend : end));
			return -EINVAL;
		}
		ej[k].workload = one.workload;
		ej[k].iodepth = jobs[k].iodepth;
		if (end > ec->target_cfg.size_bytes)
			ec->target_cfg.size_bytes = end;
	}
	ec->jobs = ej;
	return 0;
}

/*
 * Runs @base, or with @n > 0 the concurrent jobs @jobs[0..n) as the
 * devices of @base (their workloads, its model), with the trace it names
 * (if any), and reports nothing.  Returns 0, 1 when a replay stopped on a
 * malformed trace line (the run itself is valid and reported), or -errno
 * with a reason.
 */
static int run_configs(const struct bench_config *base,
		       const struct bench_config *jobs_in, unsigned int n,
		       atomic_bool *interrupt, struct engine_result *res,
		       struct bench_rec *rec, char *err, size_t err_len)
{
	static struct bench_config jobs[ENGINE_MAX_LANES];
	static struct engine_job ej[ENGINE_MAX_LANES];
	struct bench_config resolved = *base, *cfg = &resolved;
	struct engine_config ec;
	struct vengine_config vc;
	struct wl_trace *trace = NULL;
	struct wl_trace_stats ts;
	struct bench_rec *lane_recs = NULL;
	unsigned int nr_lanes;
	int rc;

	rc = resolve_pct(cfg, err, err_len);
	if (rc == 0)
		rc = bench_config_check(cfg, err, err_len);
	for (unsigned int k = 0; k < n && rc == 0; k++) {
		jobs[k] = jobs_in[k];
		rc = resolve_pct(&jobs[k], err, err_len);
		if (rc == 0)
			rc = bench_config_check(&jobs[k], err, err_len);
	}
	if (rc == 0)
		rc = bench_engine_config(cfg, &ec, err, err_len);
	if (rc == 0)
		rc = bench_vengine_config(cfg, &vc, err, err_len);
	if (rc == 0 && cfg->target == BENCH_TARGET_MODEL &&
	    cfg->engine != BENCH_ENGINE_VIRTUAL) {
		snprintf(err, err_len,
			 "--target=model: the device model completes I/O in "
			 "virtual time; it needs --engine=virtual");
		rc = -EINVAL;
	}
	if (rc == 0 && cfg->target == BENCH_TARGET_URING &&
	    cfg->engine == BENCH_ENGINE_VIRTUAL) {
		snprintf(err, err_len,
			 "--target=uring: the file completes I/O in real "
			 "time; with --engine=virtual use --target=model (or "
			 "null, mem)");
		rc = -EINVAL;
	}
	if (rc == 0 && cfg->engine == BENCH_ENGINE_VIRTUAL &&
	    cfg->devices > 1) {
		snprintf(err, err_len,
			 "--engine=virtual with --devices=%u: the virtual "
			 "engine runs one device, with --queues rings "
			 "(allowed: --devices=1, or --engine=thread)",
			 cfg->devices);
		rc = -EINVAL;
	}
	if (rc == 0 && n)
		rc = jobs_config(jobs, n, &ec, ej, err, err_len);
	if (rc == 0 && cfg->target == BENCH_TARGET_URING)
		rc = bench_layout_file(cfg->filename, ec.target_cfg.size_bytes,
				       err, err_len);
	if (rc == 0)
		rc = open_trace(cfg, &trace, err, err_len);
	if (rc < 0)
		return rc;
	ec.workload.trace = trace;
	if (cfg->engine != BENCH_ENGINE_VIRTUAL)
		warn_spinners(cfg);
	bench_rec_init(rec);
	/* Direct submission has no hand-off: every one would be 0. */
	rec->skip_handoff = cfg->submit_path == BENCH_SUBMIT_PATH_DIRECT;
	ec.complete = bench_rec_complete;
	ec.complete_ctx = rec;
	ec.interrupt = interrupt;
	/*
	 * Several lanes: a recorder each (the queues complete on their own
	 * threads), merged after the run.
	 */
	nr_lanes = cfg->queues * cfg->devices;
	if (nr_lanes > 1) {
		lane_recs = calloc(nr_lanes, sizeof(*lane_recs));
		if (!lane_recs) {
			snprintf(err, err_len, "out of memory");
			wl_trace_close(trace);
			return -ENOMEM;
		}
		for (unsigned int i = 0; i < nr_lanes; i++) {
			bench_rec_init(&lane_recs[i]);
			lane_recs[i].skip_handoff = rec->skip_handoff;
			ec.lane_ctx[i] = &lane_recs[i];
		}
	}
	if (cfg->engine == BENCH_ENGINE_VIRTUAL)
		rc = vengine_run(&ec, &vc, res, NULL, err, err_len);
	else
		rc = engine_run(&ec, res, err, err_len);
	if (lane_recs) {
		if (rc == 0)
			for (unsigned int i = 0; i < nr_lanes; i++)
				bench_rec_merge(rec, &lane_recs[i], i);
		free(lane_recs);
	}
	if (trace) {
		wl_trace_stats(trace, &ts);
		fprintf(stderr,
			"blkring run: trace %s (%s%s): %llu lines, %llu I/Os "
			"(%llu split), %llu lines skipped, %llu malformed "
			"skipped\n",
			cfg->read_iolog, wl_trace_format_name(ts.format),
			ts.format == WL_TRACE_IOLOG ?
				(ts.iolog_version == 2 ? " v2" : " v3") :
				"",
			(unsigned long long)ts.lines,
			(unsigned long long)ts.ios,
			(unsigned long long)ts.split,
			(unsigned long long)ts.skipped,
			(unsigned long long)ts.skipped_bad);
		if (rc == 0 && wl_trace_error(trace)[0]) {
			fprintf(stderr, "blkring run: replay stopped: %s\n",
				wl_trace_error(trace));
			rc = 1;
		}
		wl_trace_close(trace);
	}
	return rc;
}

int bench_run_config(const struct bench_config *cfg, atomic_bool *interrupt,
		     struct engine_result *res, struct bench_rec *rec,
		     char *err, size_t err_len)
{
	return run_configs(cfg, NULL, 0, interrupt, res, rec, err, err_len);
}

/*
 * Runs one configuration, or the concurrent jobs @jobs[0..n) named
 * @names as its devices, and reports it to @out, adding it to @sum (or
 * NULL).  Returns the exit status of this run.
 */
static int run_group(const struct bench_config *cfg_in,
		     const struct bench_config *jobs, unsigned int n,
		     const char *const *names, FILE *out, struct job_sum *sum)
{
	struct bench_config resolved = *cfg_in, *cfg = &resolved;
	static struct engine_result res;
	static struct bench_rec rec;
	struct sigaction sa = { .sa_handler = on_sigint };
	char err[512];
	int64_t started;
	int rc, status = BENCH_EXIT_OK;

	/* Resolved here too, so that the report shows the bytes. */
	if (resolve_pct(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	started = (int64_t)time(NULL);
	rc = run_configs(cfg, jobs, n, &interrupted, &res, &rec, err,
			 sizeof(err));
	signal(SIGINT, SIG_DFL);
	if (rc < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	if (rc == 1)
		status = BENCH_EXIT_USAGE;
	for (unsigned int k = 0; k < n && k < rec.nr_lanes; k++) {
		snprintf(rec.lane[k].job, sizeof(rec.lane[k].job), "%s",
			 names[k]);
		rec.lane[k].iodepth = jobs[k].iodepth;
	}
	bench_report(out, cfg, &res, &rec, started);
	if (sum) {
		sum->jobs += n ? n : 1;
		sum->groups++;
		sum->ios += res.fe.ios_completed;
		sum->failed += res.fe.ios_failed;
		sum->bytes += rec.bytes[0] + rec.bytes[1];
		sum->elapsed_ns += res.end_ns - res.start_ns;
	}
	if (!bench_report_conserved(&res)) {
		fprintf(stderr, "blkring run: I/O lost or the device failed: "
				"see the conservation line\n");
		return worse(status, BENCH_EXIT_FAILED);
	}
	if (res.hostile.on && (res.hostile.inflight ||
			       res.hostile.responses != res.hostile.requests)) {
		fprintf(stderr, "blkring run: hostile ring: requests left "
				"unanswered: see the hostile ring line\n");
		status = worse(status, BENCH_EXIT_FAILED);
	}
	if (res.fe.verify_errors && cfg->verify == BENCH_VERIFY_CRC32C) {
		fprintf(stderr,
			"blkring run: verify: %llu blocks read back wrong\n",
			(unsigned long long)res.fe.verify_errors);
		bench_report_verify_details(stderr, &res.fe,
					    "blkring run: verify: ");
		status = worse(status, BENCH_EXIT_FAILED);
	} else if (res.fe.verify_errors) {
		fprintf(stderr,
			"blkring run: verify: %llu bytes read back wrong\n",
			(unsigned long long)res.fe.verify_errors);
		status = worse(status, BENCH_EXIT_FAILED);
	}
	if (res.interrupted)
		return worse(status, BENCH_EXIT_INTERRUPTED);
	return worse(status,
		     res.fe.ios_failed ? BENCH_EXIT_FAILED : BENCH_EXIT_OK);
}

static int run_one(const struct bench_config *cfg, FILE *out,
		   struct job_sum *sum)
{
	return run_group(cfg, NULL, 0, NULL, out, sum);
}

/*
 * The options a job of a concurrent group may set for itself: its
 * workload.  Everything else is the model the jobs share (one engine run,
 * one target) and must agree.
 */
static bool per_job_option(const char *name)
{
	static const char *const names[] = {
		"rw",
		"bs",
		"iodepth",
		"size",
		"io_size",
		"rwmixread",
		"randseed",
		"offset",
		"norandommap",
		"bsrange",
		"bssplit",
		"random_distribution",
		"rate_iops",
		"rate_process",
		"thinktime",
		"thinktime_spin",
		"thinktime_blocks",
		"devices",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/*
 * Checks that the jobs of a concurrent group can share one run: each a
 * single device with no trace, and every model option the same as the
 * first job's.  Returns 0, or -EINVAL with a reason in @err.
 */
static int check_group(const struct bench_config *jobs, unsigned int n,
		       const char *const *names, char *err, size_t err_len)
{
	static char a[BENCH_PATH_MAX + 32], b[BENCH_PATH_MAX + 32];
	const struct bench_opt *o;

	for (unsigned int k = 0; k < n; k++) {
		if (jobs[k].queues > 1 || jobs[k].devices > 1 ||
		    jobs[k].read_iolog[0]) {
			snprintf(err, err_len,
				 "job '%s': --queues, --devices or "
				 "--read_iolog in a job that runs concurrently "
				 "with others (each job is one device and one "
				 "stream; put stonewall before it to run it "
				 "alone)",
				 names[k]);
			return -EINVAL;
		}
		bench_opt_for_each(o) {
			if (per_job_option(o->name))
				continue;
			bench_opt_format(&jobs[0], o, a, sizeof(a));
			bench_opt_format(&jobs[k], o, b, sizeof(b));
			if (strcmp(a, b)) {
				snprintf(err, err_len,
					 "job '%s': --%s=%.200s, but job '%s' "
					 "has %.200s: concurrent jobs share "
					 "the model and the target, only "
					 "their workload options differ (put "
					 "stonewall before '%s' to run it "
					 "after)",
					 names[k], o->name, b, names[0], a,
					 names[k]);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * The jobs from @first up to the next stonewall, each clone of numjobs
 * one stream: fills @jobs and @names, returns how many (at most
 * ENGINE_MAX_LANES, else -E2BIG) or -EINVAL with a reason.  *@next is
 * the job after the group.
 */
static int load_group(const struct bench_jobfile *jf, size_t first, int argc,
		      char **argv, struct bench_config *jobs,
		      const char **names, size_t *next, char *err,
		      size_t err_len)
{
	size_t njobs = bench_jobfile_njobs(jf), end = first + 1;
	unsigned int n = 0;
	int first_arg;

	while (end < njobs && !bench_jobfile_stonewall(jf, end))
		end++;
	*next = end;
	for (size_t i = first; i < end; i++) {
		unsigned int clones = bench_jobfile_numjobs(jf, i);

		for (unsigned int c = 0; c < clones; c++) {
			if (n == ENGINE_MAX_LANES) {
				snprintf(err, err_len,
					 "jobs '%s' to '%s' (with numjobs) "
					 "make more than %u concurrent streams "
					 "(allowed: %u; lower numjobs or put "
					 "stonewall between jobs)",
					 bench_jobfile_job_name(jf, first),
					 bench_jobfile_job_name(jf, end - 1),
					 ENGINE_MAX_LANES, ENGINE_MAX_LANES);
				return -E2BIG;
			}
			if (bench_config_default(&jobs[n]) < 0 ||
			    bench_jobfile_apply(jf, i, &jobs[n], err, err_len) <
				    0 ||
			    bench_opts_parse(argc, argv, &jobs[n], &first_arg,
					     err, err_len) < 0)
				return -EINVAL;
			/* fio: each clone its own stream. */
			jobs[n].seed += c;
			names[n++] = bench_jobfile_job_name(jf, i);
		}
	}
	return (int)n;
}

static int run_jobfile(const char *path, int argc, char **argv, FILE *out)
{
	static struct bench_config jobs[ENGINE_MAX_LANES];
	const char *names[ENGINE_MAX_LANES];
	struct bench_jobfile *jf;
	struct bench_config base;
	struct job_sum sum = { 0 };
	char err[1024];
	int status = BENCH_EXIT_OK, n = 0;
	size_t njobs, next;

	if (bench_jobfile_load(path, stderr, &jf, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	njobs = bench_jobfile_njobs(jf);
	for (size_t i = 0; i < njobs && status != BENCH_EXIT_INTERRUPTED;
	     i = next) {
		n = load_group(jf, i, argc, argv, jobs, names, &next, err,
			       sizeof(err));
		if (n > 1 && check_group(jobs, (unsigned int)n, names, err,
					 sizeof(err)) < 0)
			n = -EINVAL;
		if (n < 0) {
			fprintf(stderr, "blkring run: %s\n", err);
			bench_jobfile_free(jf);
			return BENCH_EXIT_USAGE;
		}
		if (jobs[0].output_format == BENCH_OUTPUT_NORMAL) {
			if (next - i == 1)
				fprintf(out, "job '%s' (%zu of %zu)", names[0],
					i + 1, njobs);
			else
				fprintf(out,
					"jobs '%s' to '%s' (%zu-%zu of "
					"%zu)",
					names[0], names[n - 1], i + 1, next,
					njobs);
			fprintf(out,
				n > 1 ? ", %d streams concurrently, each a "
					"device on one frontend thread:\n" :
					":\n",
				n);
		}
		if (n == 1) {
			status = worse(status, run_one(&jobs[0], out, &sum));
		} else {
			base = jobs[0];
			base.devices = (unsigned int)n;
			status = worse(status,
				       run_group(&base, jobs, (unsigned int)n,
						 names, out, &sum));
		}
	}
	bench_jobfile_free(jf);
	/* The sum, in the text format only: JSON and CSV stay one per run. */
	if (sum.jobs > 1 && n > 0 &&
	    jobs[0].output_format == BENCH_OUTPUT_NORMAL) {
		double t = (double)sum.elapsed_ns / 1e9;

		fprintf(out,
			"all %u jobs (%s): %llu I/Os, %llu failed, %.1f MiB "
			"in %.3f s: IOPS=%.0f, BW=%.1fMiB/s\n",
			sum.jobs,
			sum.groups == 1	       ? "concurrently" :
			sum.groups == sum.jobs ? "one after another" :
						 "groups one after another",
			(unsigned long long)sum.ios,
			(unsigned long long)sum.failed,
			(double)sum.bytes / 1048576.0, t,
			t > 0 ? (double)sum.ios / t : 0.0,
			t > 0 ? (double)sum.bytes / 1048576.0 / t : 0.0);
	}
	return status;
}

/* ---- --repeat and --reference ------------------------------------------- */

/*
 * Runs @cfg once into memory as a JSON report and adds it to @set.
 * Returns the run's exit status; BENCH_EXIT_USAGE when it could not run
 * or its report could not be read back (the reason printed).
 */
static int run_captured(const struct bench_config *cfg, struct runset *set)
{
	struct bench_config jc = *cfg;
	struct json_doc *doc;
	char *buf = NULL, err[1024];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int st;

	if (!m) {
		fprintf(stderr, "blkring run: out of memory\n");
		return BENCH_EXIT_USAGE;
	}
	jc.output_format = BENCH_OUTPUT_JSON;
	st = run_one(&jc, m, NULL);
	if (fclose(m) != 0 || !buf) {
		free(buf);
		fprintf(stderr, "blkring run: out of memory\n");
		return BENCH_EXIT_USAGE;
	}
	if (st != BENCH_EXIT_USAGE && len) {
		int rc = json_parse(buf, len, "report", &doc, err, sizeof(err));

		if (rc == 0) {
			rc = runset_add_doc(set, doc, "report", err,
					    sizeof(err));
			json_free(doc);
		}
		if (rc) {
			fprintf(stderr, "blkring run: %s\n", err);
			st = BENCH_EXIT_USAGE;
		}
	}
	free(buf);
	return st;
}

/* The value of @name in the last run of @s; NaN if none. */
static double last(const struct runset *s, const char *name)
{
	long m = runset_metric(s, name);

	if (m < 0 || !s->nruns)
		return NAN;
	return s->val[(s->nruns - 1) * s->nm + (size_t)m];
}

/* The metrics the text summary of a repeated run shows, with units. */
static const struct {
	const char *name, *unit;
	double scale;
} summary_rows[] = {
	{ "iops", "", 1 },
	{ "bw_bytes_per_s", "MiB/s", 1.0 / 1048576 },
	{ "lat_mean_ns", "us", 1e-3 },
	{ "lat_p50_ns", "us", 1e-3 },
	{ "lat_p99_ns", "us", 1e-3 },
	{ "frontend_cpu_us_per_io", "us", 1 },
	{ "backend_cpu_us_per_io", "us", 1 },
	{ "ring_requests_per_io", "", 1 },
	{ "kicks_sent_per_io", "", 1 },
	{ "irqs_sent_per_io", "", 1 },
	{ "ref_iops", "", 1 },
	{ "iops_vs_ref", "", 1 },
	{ "lat_mean_vs_ref", "", 1 },
};

static void repeat_text(FILE *out, const struct runset *s, double level)
{
	double *x = malloc((s->nruns + 1) * sizeof(*x));

	if (!x)
		return;
	fprintf(out,
		"blkring %s, thread engine: %zu runs of one configuration%s\n"
		"%-28s %10s %10s %10s %30s %6s\n",
		BENCH_VERSION, s->nruns,
		strcmp(s->reference, "none") ?
			", each followed by its reference run (target=null)" :
			"",
		"metric", "median", "min", "max", "interval of the median",
		"CV");
	for (size_t i = 0; i < sizeof(summary_rows) / sizeof(summary_rows[0]);
	     i++) {
		long m = runset_metric(s, summary_rows[i].name);
		struct stats_summary t;
		double k = summary_rows[i].scale;
		char name[48], ci[64];
		size_t n = 0;

		for (size_t r = 0; m >= 0 && r < s->nruns; r++)
			if (isfinite(s->val[r * s->nm + (size_t)m]))
				x[n++] = s->val[r * s->nm + (size_t)m];
		if (!n || stats_summarize(x, n, level, &t))
			continue;
		snprintf(name, sizeof(name), "%s%s%s%s", summary_rows[i].name,
			 *summary_rows[i].unit ? " (" : "",
			 summary_rows[i].unit,
			 *summary_rows[i].unit ? ")" : "");
		snprintf(ci, sizeof(ci), "[%.6g, %.6g] %.1f%%%s", t.ci_lo * k,
			 t.ci_hi * k, 100 * t.ci_level, t.ci_ok ? "" : "*");
		fprintf(out, "%-28s %10.6g %10.6g %10.6g %30s %5.1f%%\n", name,
			t.median * k, t.min * k, t.max * k, ci, 100 * t.cv);
	}
	fprintf(out,
		"  interval: order statistics of the runs, distribution-free "
		"(* below %.0f%%: too few runs)\n",
		100 * level);
	free(x);
}

/*
 * `run --repeat N [--reference=null]`: N runs of @cfg in one report; with
 * a reference, each run is followed by the same configuration against
 * the null target, and the run gets ref_iops, iops_vs_ref, ref_lat_mean_ns
 * and lat_mean_vs_ref.
 */
static int run_repeat(const struct bench_config *cfg, FILE *out, unsigned int n,
		      bool reference)
{
	struct runset *set = runset_create("runs"),
		      *ref = runset_create("reference");
	int status = BENCH_EXIT_OK, st;

	if (!set || !ref) {
		fprintf(stderr, "blkring run: out of memory\n");
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	if (reference && cfg->target == BENCH_TARGET_NULL)
		fprintf(stderr, "blkring run: warning: --reference=null with "
				"--target=null: the reference is the run "
				"itself (ratios near 1)\n");
	for (unsigned int i = 0; i < n && !interrupted; i++) {
		st = run_captured(cfg, set);
		status = worse(status, st);
		if (st == BENCH_EXIT_USAGE)
			goto out;
		if (reference) {
			struct bench_config rc = *cfg;

			rc.target = BENCH_TARGET_NULL;
			st = run_captured(&rc, ref);
			status = worse(status, st);
			if (st == BENCH_EXIT_USAGE)
				goto out;
			double ri = last(ref, "iops"),
			       rl = last(ref, "lat_mean_ns");

			if (runset_set_last(set, "ref_iops", ri) ||
			    runset_set_last(set, "iops_vs_ref",
					    last(set, "iops") / ri) ||
			    runset_set_last(set, "ref_lat_mean_ns", rl) ||
			    runset_set_last(set, "lat_mean_vs_ref",
					    last(set, "lat_mean_ns") / rl)) {
				fprintf(stderr, "blkring run: out of memory\n");
				status = BENCH_EXIT_USAGE;
				goto out;
			}
		}
		fprintf(stderr, "blkring run: run %u of %u: IOPS %.0f", i + 1,
			n, last(set, "iops"));
		if (reference)
			fprintf(stderr, ", reference %.0f, ratio %.4f",
				last(set, "ref_iops"),
				last(set, "iops_vs_ref"));
		fputc('\n', stderr);
	}
	free(set->reference);
	set->reference = strdup(reference ? "null" : "none");
	if (!set->reference) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	if (cfg->output_format == BENCH_OUTPUT_JSON) {
		if (runset_write(out, set, 0.95)) {
			fprintf(stderr,
				"blkring run: cannot write the report\n");
			status = worse(status, BENCH_EXIT_FAILED);
		}
	} else {
		repeat_text(out, set, 0.95);
	}
	if (interrupted)
		status = worse(status, BENCH_EXIT_INTERRUPTED);
out:
	runset_destroy(set);
	runset_destroy(ref);
	return status;
}

/*
 * Takes --repeat N and --reference=none|null out of argv (they are not
 * options of one run, so not in the option table; as sweep's --repeats).
 * Returns 0 or -EINVAL with a reason.
 */
static int take_repeat(int *argc, char **argv, unsigned int *repeat,
		       bool *reference, char *err, size_t len)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *v = NULL;
		bool is_repeat = !strncmp(a, "--repeat", 8) &&
				 (a[8] == '=' || !a[8]);
		bool is_ref = !strncmp(a, "--reference", 11) &&
			      (a[11] == '=' || !a[11]);

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!is_repeat && !is_ref) {
			argv[out++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');

		if (eq)
			v = eq + 1;
		else if (i + 1 < *argc)
			v = argv[++i];
		if (!v) {
			snprintf(err, len, "%s: missing value", a);
			return -EINVAL;
		}
		if (is_repeat) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || end == v || n < 1 || n > RUNSET_MAX_RUNS) {
				snprintf(err, len,
					 "--repeat=%.32s: expected a count in "
					 "1..%d",
					 v, RUNSET_MAX_RUNS);
				return -EINVAL;
			}
			*repeat = (unsigned int)n;
		} else if (!strcmp(v, "null") || !strcmp(v, "none")) {
			*reference = !strcmp(v, "null");
		} else {
			snprintf(
				err, len,
				"--reference=%.32s: expected none or null (the "
				"null target, run after each run)",
				v);
			return -EINVAL;
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int bench_run_main(int argc, char **argv)
{
	struct bench_config cfg;
	char err[512];
	int first_arg, rc, status;
	unsigned int repeat = 1;
	bool reference = false;
	FILE *out = stdout;

	if (bench_config_default(&cfg) < 0) {
		fprintf(stderr, "blkring run: bad built-in defaults\n");
		return BENCH_EXIT_USAGE;
	}
	if (take_repeat(&argc, argv, &repeat, &reference, err, sizeof(err))) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	rc = bench_opts_parse(argc, argv, &cfg, &first_arg, err, sizeof(err));
	if (rc == BENCH_OPTS_HELP) {
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (rc < 0) {
		fprintf(stderr, "blkring run: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	if (argc - first_arg > 1) {
		fprintf(stderr,
			"blkring run: '%s': one job file at most (allowed: "
			"blkring run [OPTIONS] [JOBFILE])\n",
			argv[first_arg + 1]);
		return BENCH_EXIT_USAGE;
	}
	if ((repeat > 1 || reference) &&
	    (first_arg < argc || cfg.output_format == BENCH_OUTPUT_CSV)) {
		fprintf(stderr,
			"blkring run: --repeat and --reference: %s (allowed: "
			"one configuration from the command line, "
			"--output-format=normal or json)\n",
			first_arg < argc ?
				"not with a job file" :
				"not with --output-format=csv (blkring "
				"sweep --repeats writes CSV)");
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
	if (repeat > 1 || reference)
		status = run_repeat(&cfg, out, repeat, reference);
	else if (first_arg < argc)
		status = run_jobfile(argv[first_arg], argc, argv, out);
	else
		status = run_one(&cfg, out, NULL);
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "blkring run: --output=%s: %s\n",
			cfg.output_path, strerror(errno));
		return worse(status, BENCH_EXIT_FAILED);
	}
	return status;
}
