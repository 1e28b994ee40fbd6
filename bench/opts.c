// SPDX-License-Identifier: MIT
/*
 * The option table of `blkring run` and everything it drives: defaults,
 * the value parsers and range checks, formatting back, the getopt_long
 * command line and --help.  See opts.h for the value syntax.  The table
 * is const and nothing here keeps state between calls; bench_opts_parse()
 * is main-thread only because getopt_long() is, the rest may run anywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "bench/opts.h"
#include "ring/blkif.h"
#include "ring/ring.h"
#include "workloads/workload.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Both halves of a table entry's field: where it is and how big. */
#define FIELD(f)                                    \
	.offset = offsetof(struct bench_config, f), \
	.size = sizeof(((struct bench_config *)0)->f)

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define NS_PER_US UINT64_C(1000)
#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S UINT64_C(1000000000)

/* Value lists, in the order of the enums in opts.h. */
static const char *const rw_values[] = { "read",      "write",	"randread",
					 "randwrite", "randrw", "rw|readwrite",
					 NULL };
static const char *const output_format_values[] = { "normal", "json", "csv",
						    NULL };
static const char *const wait_values[] = { "spin", "sleep", "hybrid",
					   "busypoll", NULL };
static const char *const target_values[] = { "null", "mem", "uring", "model",
					     NULL };
static const char *const notify_values[] = { "event", "always", "poll", NULL };
static const char *const dist_values[] = { "fixed", "uniform", "exp", NULL };
static const char *const submit_values[] = { "pass", "request", NULL };
static const char *const submit_path_values[] = { "direct", "worker", NULL };
static const char *const completion_values[] = { "irq", "deferred", NULL };
static const char *const lock_values[] = { "none", "single", NULL };
static const char *const lock_type_values[] = { "mutex", "spin", NULL };
static const char *const grants_values[] = { "static", "map", "copy",
					     "persistent", NULL };
static const char *const respond_values[] = { "each", "batch", NULL };
static const char *const irq_line_values[] = { "own", "shared", NULL };
/* In the order of enum fault_kind (sim/fault.h). */
static const char *const fault_values[] = { "none",	    "eio",   "short",
					    "eagain",	    "stall", "nospace",
					    "backend-stop", NULL };
static const char *const rate_process_values[] = { "linear", "poisson", NULL };
static const char *const verify_values[] = { "0|none", "pattern", "crc32c",
					     NULL };
static const char *const trace_format_values[] = { "auto", "iolog", "blkparse",
						   "msr", NULL };
static const char *const blkparse_action_values[] = { "Q", "D", NULL };
static const char *const engine_values[] = { "thread", "virtual", NULL };
static const char *const model_dist_values[] = { "fixed", "exp", "uniform",
						 NULL };

/* The checks of the workload strings: workloads/ parses them. */
static int check_bsrange(const char *value, char *err, size_t len)
{
	struct wl_config c;

	wl_config_default(&c);
	return wl_bsrange_parse(value, &c, err, len);
}

static int check_bssplit(const char *value, char *err, size_t len)
{
	struct wl_config c;

	wl_config_default(&c);
	return wl_bssplit_parse(value, &c, err, len);
}

static int check_dist(const char *value, char *err, size_t len)
{
	struct wl_config c;

	wl_config_default(&c);
	return wl_dist_parse(value, &c, err, len);
}

static const struct bench_opt bench_opts[] = {
	{
		.name = "rw",
		.type = BENCH_OPT_ENUM,
		FIELD(rw),
		.def = "randread",
		.values = rw_values,
		.help = "I/O pattern; rw and randrw mix reads and writes by rwmixread.",
	},
	{
		.name = "bs",
		.type = BENCH_OPT_SIZE,
		FIELD(bs_bytes),
		.def = "4k",
		.min = 512,
		.max = 16 * MIB,
		.align = 512,
		.help = "Bytes per I/O; a multiple of 512.",
	},
	{
		.name = "iodepth",
		.type = BENCH_OPT_UINT,
		FIELD(iodepth),
		.def = "32",
		.min = 1,
		.max = 4096,
		.help = "I/Os the frontend keeps outstanding at most.",
	},
	{
		.name = "size",
		.type = BENCH_OPT_SIZE,
		FIELD(size_bytes),
		.pct_offset = offsetof(struct bench_config, size_pct),
		.def = "1g",
		.min = 4 * KIB,
		.max = UINT64_MAX,
		.help = "Bytes of the file that the I/Os cover.",
	},
	{
		.name = "io_size",
		.type = BENCH_OPT_SIZE,
		FIELD(io_limit_bytes),
		.def = "0",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Bytes to transfer, then stop; 0 = no limit.",
	},
	{
		.name = "runtime",
		.type = BENCH_OPT_TIME,
		FIELD(runtime_ns),
		.def = "10s",
		.min = 0,
		.max = UINT64_MAX,
		.help = "How long to measure, after ramp_time; 0 = until io_size or size is done.",
	},
	{
		.name = "ramp_time",
		.type = BENCH_OPT_TIME,
		FIELD(ramp_ns),
		.def = "0",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Run this long before measuring.",
	},
	{
		.name = "filename",
		.type = BENCH_OPT_STRING,
		FIELD(filename),
		.def = "blkring.dat",
		.min = 1,
		.help = "The file the uring target reads and writes.",
	},
	{
		.name = "direct",
		.type = BENCH_OPT_BOOL,
		FIELD(direct),
		.def = "1",
		.help = "Open the file with O_DIRECT (1) or through the page cache (0).",
	},
	{
		.name = "rwmixread",
		.type = BENCH_OPT_UINT,
		FIELD(rwmixread),
		.def = "50",
		.min = 0,
		.max = 100,
		.help = "Percent of reads in the mixed patterns rw and randrw.",
	},
	{
		.name = "randseed",
		.type = BENCH_OPT_UINT,
		FIELD(seed),
		.def = "0x1234",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Seed of the offset and read/write sequences: same seed, same run.",
	},
	{
		.name = "output-format",
		.type = BENCH_OPT_ENUM,
		FIELD(output_format),
		.def = "normal",
		.values = output_format_values,
		.help = "Report as text, one JSON document or a CSV row.",
	},
	{
		.name = "output",
		.type = BENCH_OPT_STRING,
		FIELD(output_path),
		.def = "",
		.min = 0,
		.help = "Write the report to this file; empty = standard output.",
	},
	{
		.name = "ring-order",
		.type = BENCH_OPT_UINT,
		FIELD(ring_order),
		.def = "0",
		.min = 0,
		.max = RING_ORDER_MAX,
		.help = "The shared ring spans 2^ring-order pages (32 requests per page).",
	},
	{
		.name = "evtchn-latency",
		.type = BENCH_OPT_TIME,
		FIELD(evtchn_latency_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Time from sending a notification to its receiver seeing it.",
	},
	{
		.name = "wait",
		.type = BENCH_OPT_ENUM,
		FIELD(wait_mode),
		.def = "spin",
		.values = wait_values,
		.help = "How a thread waits for a notification (hybrid: sleep, then spin).",
	},
	{
		.name = "hybrid-margin",
		.type = BENCH_OPT_TIME,
		FIELD(hybrid_margin_ns),
		.def = "100us",
		.min = 0,
		.max = NS_PER_S,
		.help = "With wait=hybrid, wake this long before the deadline and spin.",
	},
	{
		.name = "busypoll-time",
		.type = BENCH_OPT_TIME,
		FIELD(busypoll_ns),
		.def = "50us",
		.min = 0,
		.max = NS_PER_S,
		.help = "With wait=busypoll, spin this long when idle, then sleep.",
	},
	{
		.name = "target",
		.type = BENCH_OPT_ENUM,
		FIELD(target),
		.def = "uring",
		.values = target_values,
		.help = "What the backend submits to: nothing, memory, or the file (io_uring).",
	},
	{
		.name = "allow-blockdev",
		.type = BENCH_OPT_BOOL,
		FIELD(allow_blockdev),
		.def = "0",
		.help = "Allow filename to be a block device (writes destroy its data).",
	},
	{
		.name = "frontend-cpu",
		.type = BENCH_OPT_INT,
		FIELD(frontend_cpu),
		.def = "-1",
		.min = -1,
		.max = 1023,
		.help = "Pin the frontend thread to this CPU; -1 = not pinned.",
	},
	{
		.name = "backend-cpu",
		.type = BENCH_OPT_INT,
		FIELD(backend_cpu),
		.def = "-1",
		.min = -1,
		.max = 1023,
		.help = "Pin the backend thread to this CPU; -1 = not pinned.",
	},
	{
		.name = "max-segments",
		.type = BENCH_OPT_UINT,
		FIELD(max_segments),
		.def = "11",
		.min = 1,
		.max = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.help = "4 KiB segments per direct ring request; larger I/Os are split.",
	},
	{
		.name = "qd-cap",
		.type = BENCH_OPT_UINT,
		FIELD(qd_cap),
		.def = "0",
		.min = 0,
		.max = 4096,
		.help = "Commands handed to the miniport at once (ScsiPort ~1); 0 = no cap.",
	},
	{
		.name = "push-batch",
		.type = BENCH_OPT_UINT,
		FIELD(push_batch),
		.def = "1",
		.min = 1,
		.max = 4096,
		.help = "I/Os put on the ring per push; 1 = after each (Linux blkfront).",
	},
	{
		.name = "notify",
		.type = BENCH_OPT_ENUM,
		FIELD(notify),
		.def = "event",
		.values = notify_values,
		.help = "When a push notifies: event-index hold-off, always, or never (poll).",
	},
	{
		.name = "notify-cost",
		.type = BENCH_OPT_TIME,
		FIELD(notify_cost_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "CPU the sender burns per notification (a hypercall).",
	},
	{
		.name = "evtchn-latency-dist",
		.type = BENCH_OPT_ENUM,
		FIELD(latency_dist),
		.def = "fixed",
		.values = dist_values,
		.help = "How each notification latency is drawn (see docs/options.md).",
	},
	{
		.name = "evtchn-latency-max",
		.type = BENCH_OPT_TIME,
		FIELD(evtchn_latency_max_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Upper bound of the uniform latency distribution.",
	},
	{
		.name = "irq-coalesce",
		.type = BENCH_OPT_UINT,
		FIELD(irq_coalesce),
		.def = "1",
		.min = 1,
		.max = 4096,
		.help = "Hold an interrupt until this many responses are pushed; 1 = none.",
	},
	{
		.name = "irq-coalesce-time",
		.type = BENCH_OPT_TIME,
		FIELD(irq_coalesce_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Longest hold of a coalesced interrupt; needed if irq-coalesce > 1.",
	},
	{
		.name = "backend-submit",
		.type = BENCH_OPT_ENUM,
		FIELD(backend_submit),
		.def = "pass",
		.values = submit_values,
		.help = "When the backend submits to the target: per ring pass or request.",
	},
	{
		.name = "indirect-segments",
		.type = BENCH_OPT_UINT,
		FIELD(indirect_segments),
		.def = "0",
		.min = 0,
		.max = 256,
		.help = "Segments per indirect request (Linux: 32); 0..11 = direct only.",
	},
	{
		.name = "backend-max-indirect",
		.type = BENCH_OPT_UINT,
		FIELD(backend_max_indirect),
		.def = "256",
		.min = 0,
		.max = 256,
		.help = "feature-max-indirect-segments the backend offers; 0 = none.",
	},
	{
		.name = "tasks",
		.type = BENCH_OPT_UINT,
		FIELD(tasks),
		.def = "0",
		.min = 0,
		.max = 4096,
		.help = "Request contexts in the frontend's task pool; 0 = one per slot.",
	},
	{
		.name = "submit-path",
		.type = BENCH_OPT_ENUM,
		FIELD(submit_path),
		.def = "direct",
		.values = submit_path_values,
		.help = "Who puts I/Os on the ring: the submitting thread or a queue's worker.",
	},
	{
		.name = "completion",
		.type = BENCH_OPT_ENUM,
		FIELD(completion),
		.def = "irq",
		.values = completion_values,
		.help = "Who completes: the interrupt handler or a deferred worker it wakes.",
	},
	{
		.name = "lock",
		.type = BENCH_OPT_ENUM,
		FIELD(lock),
		.def = "none",
		.values = lock_values,
		.help = "Frontend lock: none, or one gate over submission and completion.",
	},
	{
		.name = "lock-type",
		.type = BENCH_OPT_ENUM,
		FIELD(lock_type),
		.def = "mutex",
		.values = lock_type_values,
		.help = "What the gate is: a pthread mutex or a spinlock.",
	},
	{
		.name = "lock-work",
		.type = BENCH_OPT_TIME,
		FIELD(lock_work_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "CPU spent under the gate per acquisition (an allocation, say).",
	},
	{
		.name = "grants",
		.type = BENCH_OPT_ENUM,
		FIELD(grants),
		.def = "static",
		.values = grants_values,
		.help = "Backend grant access: mapped at set-up, map per request, copy, persistent.",
	},
	{
		.name = "grant-call-cost",
		.type = BENCH_OPT_TIME,
		FIELD(grant_call_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Backend CPU per gnttab call (a hypercall of up to 11 operations).",
	},
	{
		.name = "grant-map-cost",
		.type = BENCH_OPT_TIME,
		FIELD(grant_map_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Backend CPU per segment mapped (grants=map, persistent misses).",
	},
	{
		.name = "grant-unmap-cost",
		.type = BENCH_OPT_TIME,
		FIELD(grant_unmap_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Backend CPU per segment unmapped (grants=map, evictions).",
	},
	{
		.name = "grant-copy-cost",
		.type = BENCH_OPT_TIME,
		FIELD(grant_copy_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Backend CPU per segment copied (grants=copy), beyond the memcpy.",
	},
	{
		.name = "persistent-grants-max",
		.type = BENCH_OPT_UINT,
		FIELD(persistent_grants_max),
		.def = "1056",
		.min = 1,
		.max = 1048576,
		.help = "Mappings the backend keeps with grants=persistent (LRU beyond).",
	},
	{
		.name = "backend-budget",
		.type = BENCH_OPT_UINT,
		FIELD(backend_budget),
		.def = "0",
		.min = 0,
		.max = 4096,
		.help = "Requests the backend takes per pass before responding; 0 = all.",
	},
	{
		.name = "backend-respond",
		.type = BENCH_OPT_ENUM,
		FIELD(backend_respond),
		.def = "each",
		.values = respond_values,
		.help = "Push each response as it completes, or once per reaped batch.",
	},
	{
		.name = "queues",
		.type = BENCH_OPT_UINT,
		FIELD(queues),
		.def = "1",
		.min = 1,
		.max = 16,
		.help = "Rings (blk-mq queues), each with its own vCPU, backend and ports.",
	},
	{
		.name = "devices",
		.type = BENCH_OPT_UINT,
		FIELD(devices),
		.def = "1",
		.min = 1,
		.max = 16,
		.help = "Devices on one vCPU, each with its own ring, backend and stream.",
	},
	{
		.name = "irq-line",
		.type = BENCH_OPT_ENUM,
		FIELD(irq_line),
		.def = "own",
		.values = irq_line_values,
		.help = "Devices' interrupts: a line each, or one shared line (every filter runs).",
	},
	{
		.name = "irq-filter-cost",
		.type = BENCH_OPT_TIME,
		FIELD(irq_filter_cost_ns),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "CPU of each device's filter routine per shared-line interrupt.",
	},
	{
		.name = "fault",
		.type = BENCH_OPT_ENUM,
		FIELD(fault),
		.def = "none",
		.values = fault_values,
		.help = "Fault injected: I/O error, short, -EAGAIN, hang, disk full; backend hang.",
	},
	{
		.name = "fault-ppm",
		.type = BENCH_OPT_UINT,
		FIELD(fault_ppm),
		.def = "10000",
		.min = 0,
		.max = 1000000,
		.help = "Eligible I/Os hit by --fault, per million (10000 = 1%).",
	},
	{
		.name = "fault-offset",
		.type = BENCH_OPT_SIZE,
		FIELD(fault_offset_bytes),
		.def = "0",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Start of the region whose I/Os --fault may hit.",
	},
	{
		.name = "fault-length",
		.type = BENCH_OPT_SIZE,
		FIELD(fault_length_bytes),
		.def = "0",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Length of that region; 0 = to the end of the disk.",
	},
	{
		.name = "backend-retries",
		.type = BENCH_OPT_UINT,
		FIELD(backend_retries),
		.def = "0",
		.min = 0,
		.max = 255,
		.help = "Times the backend resubmits an I/O refused with -EAGAIN before failing it.",
	},
	{
		.name = "drain-timeout",
		.type = BENCH_OPT_TIME,
		FIELD(drain_timeout_ns),
		.def = "10s",
		.min = 1000000,
		.max = 3600000000000ull,
		.help = "How long the end of a run waits for I/O in flight, then reports it stuck.",
	},
	{
		.name = "watchdog",
		.type = BENCH_OPT_TIME,
		FIELD(watchdog_ns),
		.def = "10s",
		.min = 0,
		.max = 3600000000000ull,
		.help = "End the run as stuck when no I/O is issued or completes this long; 0 off.",
	},
	{
		.name = "hostile",
		.type = BENCH_OPT_UINT,
		FIELD(hostile),
		.def = "0",
		.min = 0,
		.max = 1000000000000ull,
		.help = "Mutations of a hostile guest on a second ring beside the run; 0 none.",
	},
	{
		.name = "hostile-fatal",
		.type = BENCH_OPT_UINT,
		FIELD(hostile_fatal),
		.def = "1",
		.min = 0,
		.max = 1000,
		.help = "Of every 1000 --hostile mutations, how many are ring-stopping moves.",
	},
	{
		.name = "offset",
		.type = BENCH_OPT_SIZE,
		FIELD(offset_bytes),
		.pct_offset = offsetof(struct bench_config, offset_pct),
		.def = "0",
		.min = 0,
		.max = UINT64_MAX,
		.align = 512,
		.help = "Start of the I/O region in the file; size counts from here.",
	},
	{
		.name = "norandommap",
		.type = BENCH_OPT_BOOL,
		FIELD(norandommap),
		.def = "0",
		.help = "Random offsets drawn independently, not once per block per pass.",
	},
	{
		.name = "bsrange",
		.type = BENCH_OPT_STRING,
		FIELD(bsrange),
		.def = "",
		.min = 0,
		.check = check_bsrange,
		.help = "MIN-MAX: each I/O size drawn uniformly in the range (4k-64k).",
	},
	{
		.name = "bssplit",
		.type = BENCH_OPT_STRING,
		FIELD(bssplit),
		.def = "",
		.min = 0,
		.check = check_bssplit,
		.help = "Weighted sizes SIZE/PCT:SIZE/PCT (4k/70:64k/30); overrides bs.",
	},
	{
		.name = "random_distribution",
		.type = BENCH_OPT_STRING,
		FIELD(random_distribution),
		.def = "random",
		.min = 1,
		.check = check_dist,
		.help = "random, zipf:THETA, pareto:H, normal:SIGMA[:C] or zoned:A/S:...",
	},
	{
		.name = "rate_iops",
		.type = BENCH_OPT_UINT,
		FIELD(rate_iops),
		.def = "0",
		.min = 0,
		.max = 1000000000,
		.help = "Open loop: issue this many I/Os per second; 0 = closed loop.",
	},
	{
		.name = "rate_process",
		.type = BENCH_OPT_ENUM,
		FIELD(rate_process),
		.def = "linear",
		.values = rate_process_values,
		.help = "Open-loop arrivals: evenly spaced, or a Poisson process.",
	},
	{
		.name = "thinktime",
		.type = BENCH_OPT_TIME,
		FIELD(thinktime_ns),
		.def = "0",
		.min = 0,
		.max = 3600 * NS_PER_S,
		.bare_ns = NS_PER_US,
		.help = "Pause before every thinktime_blocks-th I/O (bare number: us).",
	},
	{
		.name = "thinktime_spin",
		.type = BENCH_OPT_TIME,
		FIELD(thinktime_spin_ns),
		.def = "0",
		.min = 0,
		.max = 3600 * NS_PER_S,
		.bare_ns = NS_PER_US,
		.help = "Of thinktime, spin this long (bare number: us).",
	},
	{
		.name = "thinktime_blocks",
		.type = BENCH_OPT_UINT,
		FIELD(thinktime_blocks),
		.def = "1",
		.min = 1,
		.max = UINT32_MAX,
		.help = "I/Os between two think times.",
	},
	{
		.name = "verify",
		.type = BENCH_OPT_ENUM,
		FIELD(verify),
		.def = "0",
		.values = verify_values,
		.help = "Check reads: pattern (seeded bytes), crc32c (block headers).",
	},
	{
		.name = "read_iolog",
		.type = BENCH_OPT_STRING,
		FIELD(read_iolog),
		.def = "",
		.min = 0,
		.help = "Replay this trace (fio iolog, blkparse text, MSR CSV).",
	},
	{
		.name = "trace-format",
		.type = BENCH_OPT_ENUM,
		FIELD(trace_format),
		.def = "auto",
		.values = trace_format_values,
		.help = "Format of read_iolog; auto looks at its first line.",
	},
	{
		.name = "replay_no_stall",
		.type = BENCH_OPT_BOOL,
		FIELD(replay_no_stall),
		.def = "0",
		.help = "Replay as fast as iodepth allows, ignoring the timestamps.",
	},
	{
		.name = "replay_time_scale",
		.type = BENCH_OPT_UINT,
		FIELD(replay_time_scale),
		.def = "100",
		.min = 1,
		.max = 1000000,
		.help = "Replay pace in percent of the trace's: 200 = twice as fast.",
	},
	{
		.name = "trace-skip-bad",
		.type = BENCH_OPT_BOOL,
		FIELD(trace_skip_bad),
		.def = "0",
		.help = "Count and skip malformed trace lines instead of stopping.",
	},
	{
		.name = "blkparse-action",
		.type = BENCH_OPT_ENUM,
		FIELD(blkparse_action),
		.def = "Q",
		.values = blkparse_action_values,
		.help = "blkparse events replayed: Q (queued) or D (issued).",
	},
	{
		.name = "engine",
		.type = BENCH_OPT_ENUM,
		FIELD(engine),
		.def = "thread",
		.values = engine_values,
		.help = "Run on real threads in real time, or on one thread in virtual time.",
	},
	{
		.name = "cost-submit",
		.type = BENCH_OPT_TIME,
		FIELD(cost_submit_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: frontend CPU per I/O put on the ring.",
	},
	{
		.name = "cost-split",
		.type = BENCH_OPT_TIME,
		FIELD(cost_split_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: frontend CPU per extra ring request of a split I/O.",
	},
	{
		.name = "cost-reap",
		.type = BENCH_OPT_TIME,
		FIELD(cost_reap_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: frontend CPU per response reaped.",
	},
	{
		.name = "cost-backend-request",
		.type = BENCH_OPT_TIME,
		FIELD(cost_backend_request_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: backend CPU per request consumed.",
	},
	{
		.name = "cost-backend-response",
		.type = BENCH_OPT_TIME,
		FIELD(cost_backend_response_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: backend CPU per response written.",
	},
	{
		.name = "model-file",
		.type = BENCH_OPT_STRING,
		FIELD(model_file),
		.def = "",
		.min = 0,
		.help = "Device and cost model (key=value, blkring calibrate); its keys win.",
	},
	{
		.name = "model-channels",
		.type = BENCH_OPT_UINT,
		FIELD(model_channels),
		.def = "1",
		.min = 1,
		.max = 4096,
		.help = "Device model: internal channels serving I/Os at once (FCFS).",
	},
	{
		.name = "model-latency-dist",
		.type = BENCH_OPT_ENUM,
		FIELD(model_latency_dist),
		.def = "fixed",
		.values = model_dist_values,
		.help = "Device model: latency fixed, exponential (mean) or uniform.",
	},
	{
		.name = "model-read-latency",
		.type = BENCH_OPT_TIME,
		FIELD(model_read_latency_ns),
		.def = "100us",
		.min = 0,
		.max = 60 * NS_PER_S,
		.help = "Device model: read latency (exp: mean; uniform: lower bound).",
	},
	{
		.name = "model-read-latency-max",
		.type = BENCH_OPT_TIME,
		FIELD(model_read_latency_max_ns),
		.def = "0",
		.min = 0,
		.max = 60 * NS_PER_S,
		.help = "Device model: read latency upper bound (uniform).",
	},
	{
		.name = "model-read-bw",
		.type = BENCH_OPT_SIZE,
		FIELD(model_read_bw),
		.def = "1g",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Device model: read bytes per second per channel; 0 = infinite.",
	},
	{
		.name = "model-write-latency",
		.type = BENCH_OPT_TIME,
		FIELD(model_write_latency_ns),
		.def = "100us",
		.min = 0,
		.max = 60 * NS_PER_S,
		.help = "Device model: write latency (exp: mean; uniform: lower bound).",
	},
	{
		.name = "model-write-latency-max",
		.type = BENCH_OPT_TIME,
		FIELD(model_write_latency_max_ns),
		.def = "0",
		.min = 0,
		.max = 60 * NS_PER_S,
		.help = "Device model: write latency upper bound (uniform).",
	},
	{
		.name = "model-write-bw",
		.type = BENCH_OPT_SIZE,
		FIELD(model_write_bw),
		.def = "1g",
		.min = 0,
		.max = UINT64_MAX,
		.help = "Device model: write bytes per second per channel; 0 = infinite.",
	},
	{
		.name = "cost-backend-flush",
		.type = BENCH_OPT_TIME,
		FIELD(cost_backend_flush_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: backend CPU per flush of I/O to the target.",
	},
	{
		.name = "wake-latency",
		.type = BENCH_OPT_TIME,
		FIELD(wake_latency_ns),
		.def = "0",
		.min = 0,
		.max = NS_PER_S,
		.help = "Virtual engine: a kick or interrupt to an idle actor is seen this late.",
	},
};

#define BENCH_NOPTS ARRAY_SIZE(bench_opts)

/* Longest option name, with the NUL; checked by bench_opts_parse(). */
#define NAME_MAX_BYTES 32

/* Longest part of a user's value quoted in an error message. */
#define QUOTE_MAX 64

/* ---- The table ---------------------------------------------------------- */

const struct bench_opt *bench_opt_first(void)
{
	return &bench_opts[0];
}

const struct bench_opt *bench_opt_next(const struct bench_opt *o)
{
	return o + 1 < bench_opts + BENCH_NOPTS ? o + 1 : NULL;
}

/* Whether a and b are the same name, '_' and '-' being one character. */
static bool name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == '_' ? '-' : *a, cb = *b == '_' ? '-' : *b;

		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

const struct bench_opt *bench_opt_find(const char *name)
{
	const struct bench_opt *o;

	bench_opt_for_each(o)
		if (name_eq(o->name, name))
			return o;
	return NULL;
}

/* ---- Errors ------------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
err_set(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Writes what o allows ("1..4096", "spin, sleep, hybrid") into buf. */
static void allowed(const struct bench_opt *o, char *buf, size_t len);

/*
 * "--name=value: what (allowed X)" into err; value is cut at QUOTE_MAX
 * bytes so that what is allowed always fits.  Returns -EINVAL.
 */
static int opt_err(const struct bench_opt *o, const char *value,
		   const char *what, char *err, size_t len)
{
	char allow[256];
	bool list = o->type == BENCH_OPT_ENUM || o->type == BENCH_OPT_BOOL;
	int vlen = (int)strnlen(value, QUOTE_MAX + 1);

	allowed(o, allow, sizeof(allow));
	err_set(err, len, "--%s=%.*s%s: %s (allowed%s %s)", o->name,
		vlen > QUOTE_MAX ? QUOTE_MAX : vlen, value,
		vlen > QUOTE_MAX ? "..." : "", what, list ? ":" : "", allow);
	return -EINVAL;
}

/* ---- Parsing values ----------------------------------------------------- */

/*
 * Parses the leading decimal (or, with hex, 0x-prefixed hexadecimal)
 * digits of s into *v and points *end after them.  Returns 0, -EINVAL
 * without digits, or -ERANGE past 64 bits.  No sign, no spaces.
 */
static int parse_digits(const char *s, bool hex, uint64_t *v, const char **end)
{
	unsigned int base = 10, digit;
	uint64_t x = 0;
	const char *p = s;

	if (hex && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (s = p;; p++) {
		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (x > (UINT64_MAX - digit) / base)
			return -ERANGE;
		x = x * base + digit;
	}
	if (p == s)
		return -EINVAL;
	*v = x;
	*end = p;
	return 0;
}

struct unit {
	const char *suffix;
	uint64_t scale;
};

/* Size suffixes, any case; the first of each scale is what we print. */
static const struct unit size_units[] = {
	{ "p", KIB *KIB *KIB *KIB *KIB },
	{ "pb", KIB *KIB *KIB *KIB *KIB },
	{ "pib", KIB *KIB *KIB *KIB *KIB },
	{ "t", KIB *GIB },
	{ "tb", KIB *GIB },
	{ "tib", KIB *GIB },
	{ "g", GIB },
	{ "gb", GIB },
	{ "gib", GIB },
	{ "m", MIB },
	{ "mb", MIB },
	{ "mib", MIB },
	{ "k", KIB },
	{ "kb", KIB },
	{ "kib", KIB },
	{ "", 1 },
	{ "b", 1 },
};

/* Time units, any case; bare numbers are seconds, as in fio. */
static const struct unit time_units[] = {
	{ "h", 3600 * NS_PER_S },
	{ "m", 60 * NS_PER_S },
	{ "min", 60 * NS_PER_S },
	{ "s", NS_PER_S },
	{ "", NS_PER_S },
	{ "sec", NS_PER_S },
	{ "ms", NS_PER_MS },
	{ "msec", NS_PER_MS },
	{ "us", NS_PER_US },
	{ "usec", NS_PER_US },
	{ "ns", 1 },
	{ "nsec", 1 },
};

/*
 * A number with a unit suffix.  Returns 0, -EINVAL for bad syntax or an
 * unknown unit, -ERANGE past 64 bits.
 */
static int parse_scaled(const char *s, const struct unit *units, size_t n,
			uint64_t *v)
{
	const char *end;
	uint64_t x;
	int ret = parse_digits(s, false, &x, &end);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(end, units[i].suffix))
			continue;
		if (x > UINT64_MAX / units[i].scale)
			return -ERANGE;
		*v = x * units[i].scale;
		return 0;
	}
	return -EINVAL;
}

/* The shortest exact form of v in units: "4k", "10s", "512". */
static int format_scaled(uint64_t v, const struct unit *units, size_t n,
			 char *buf, size_t len)
{
	const char *suffix = "";
	uint64_t scale = 1;

	/* The units are listed largest first. */
	for (size_t i = 0; v && i < n; i++) {
		if (v % units[i].scale == 0) {
			suffix = units[i].suffix;
			scale = units[i].scale;
			break;
		}
	}
	return snprintf(buf, len, "%" PRIu64 "%s", v / scale, suffix);
}

static int parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*v = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*v = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* The index of s in values, '|' separating the aliases of one entry. */
static int parse_enum(const char *s, const char *const *values, unsigned int *v)
{
	size_t slen = strlen(s);

	for (unsigned int i = 0; values[i]; i++) {
		for (const char *a = values[i]; *a;) {
			size_t alen = strcspn(a, "|");

			if (alen == slen && !strncmp(a, s, slen)) {
				*v = i;
				return 0;
			}
			a += alen;
			if (*a == '|')
				a++;
		}
	}
	return -EINVAL;
}

/* ---- Storing and loading fields ----------------------------------------- */

static void store_u(struct bench_config *cfg, const struct bench_opt *o,
		    uint64_t v)
{
	char *p = (char *)cfg + o->offset;

	if (o->size == sizeof(uint64_t)) {
		memcpy(p, &v, sizeof(v));
	} else {
		unsigned int u = (unsigned int)v;

		memcpy(p, &u, sizeof(u));
	}
}

static uint64_t load_u(const struct bench_config *cfg,
		       const struct bench_opt *o)
{
	const char *p = (const char *)cfg + o->offset;

	if (o->size == sizeof(uint64_t)) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	} else {
		unsigned int u;

		memcpy(&u, p, sizeof(u));
		return u;
	}
}

/* The largest value the field can hold. */
static uint64_t storage_max(const struct bench_opt *o)
{
	return o->size == sizeof(uint64_t) ? UINT64_MAX : UINT_MAX;
}

/* ---- Setting an option -------------------------------------------------- */

static int set_unsigned(struct bench_config *cfg, const struct bench_opt *o,
			const char *value, char *err, size_t len)
{
	uint64_t v, max = o->max < storage_max(o) ? o->max : storage_max(o);
	const char *end;
	int ret;

	switch (o->type) {
	case BENCH_OPT_UINT:
		ret = parse_digits(value, true, &v, &end);
		if (!ret && *end)
			ret = -EINVAL;
		if (ret == -EINVAL)
			return opt_err(
				o, value,
				"bad number (use a whole number, decimal or 0x hex)",
				err, len);
		break;
	case BENCH_OPT_SIZE:
		if (o->pct_offset) {
			size_t n = strlen(value);
			unsigned int pct = 0;

			/* Bytes from now on, unless this is a percentage. */
			memcpy((char *)cfg + o->pct_offset, &pct, sizeof(pct));
			if (n > 1 && value[n - 1] == '%') {
				ret = parse_digits(value, false, &v, &end);
				if (ret || end != value + n - 1 || v < 1 ||
				    v > 100)
					return opt_err(
						o, value,
						"bad percentage (allowed 1%..100% of the file)",
						err, len);
				pct = (unsigned int)v;
				memcpy((char *)cfg + o->pct_offset, &pct,
				       sizeof(pct));
				store_u(cfg, o, 0);
				return 0;
			}
		}
		ret = parse_scaled(value, size_units, ARRAY_SIZE(size_units),
				   &v);
		if (ret == -EINVAL)
			return opt_err(
				o, value,
				"bad size (use a whole number with an optional k, m, g, t or p suffix, e.g. 4k)",
				err, len);
		break;
	default: /* BENCH_OPT_TIME */
		ret = parse_scaled(value, time_units, ARRAY_SIZE(time_units),
				   &v);
		/* A bare number in the option's own unit (fio's thinktime). */
		if (!ret && o->bare_ns && value[0] &&
		    !value[strspn(value, "0123456789")]) {
			v /= NS_PER_S;
			if (v > UINT64_MAX / o->bare_ns)
				ret = -ERANGE;
			else
				v *= o->bare_ns;
		}
		if (ret == -EINVAL)
			return opt_err(
				o, value,
				"bad time (use a whole number with an optional ns, us, ms, s, m or h suffix; a bare number is seconds)",
				err, len);
		break;
	}
	if (ret == -ERANGE)
		return opt_err(o, value, "too large", err, len);
	if (v < (uint64_t)o->min || v > max)
		return opt_err(o, value, "out of range", err, len);
	if (o->align > 1 && v % o->align) {
		char what[64];

		snprintf(what, sizeof(what), "not a multiple of %" PRIu64,
			 o->align);
		return opt_err(o, value, what, err, len);
	}
	store_u(cfg, o, v);
	return 0;
}

static int set_int(struct bench_config *cfg, const struct bench_opt *o,
		   const char *value, char *err, size_t len)
{
	bool neg = value[0] == '-';
	const char *end;
	uint64_t mag;
	int64_t v;
	int ret = parse_digits(value + neg, false, &mag, &end);
	int out;

	if (ret == -EINVAL || (!ret && *end))
		return opt_err(o, value, "bad number (use a whole number)", err,
			       len);
	if (ret == -ERANGE || mag > (uint64_t)INT64_MAX)
		return opt_err(o, value, "out of range", err, len);
	v = neg ? -(int64_t)mag : (int64_t)mag;
	if (v < o->min || v > (int64_t)o->max || v < INT_MIN || v > INT_MAX)
		return opt_err(o, value, "out of range", err, len);
	out = (int)v;
	memcpy((char *)cfg + o->offset, &out, sizeof(out));
	return 0;
}

static int set_value(struct bench_config *cfg, const struct bench_opt *o,
		     const char *value, char *err, size_t len)
{
	char *field = (char *)cfg + o->offset;
	unsigned int e;
	size_t n;
	bool b;

	switch (o->type) {
	case BENCH_OPT_UINT:
	case BENCH_OPT_SIZE:
	case BENCH_OPT_TIME:
		return set_unsigned(cfg, o, value, err, len);
	case BENCH_OPT_INT:
		return set_int(cfg, o, value, err, len);
	case BENCH_OPT_BOOL:
		if (parse_bool(value, &b))
			return opt_err(o, value, "bad boolean", err, len);
		memcpy(field, &b, sizeof(b));
		return 0;
	case BENCH_OPT_ENUM:
		if (parse_enum(value, o->values, &e))
			return opt_err(o, value, "unknown value", err, len);
		memcpy(field, &e, sizeof(e));
		return 0;
	case BENCH_OPT_STRING:
		n = strlen(value);
		if (n < (size_t)o->min)
			return opt_err(o, value, "empty", err, len);
		if (n >= o->size)
			return opt_err(o, value, "too long", err, len);
		if (o->check) {
			char why[256];

			if (o->check(value, why, sizeof(why))) {
				err_set(err, len, "--%s", why);
				return -EINVAL;
			}
		}
		memcpy(field, value, n + 1);
		return 0;
	}
	err_set(err, len, "--%s: bad option type %d in the table", o->name,
		(int)o->type);
	return -EINVAL;
}

int bench_opt_set(struct bench_config *cfg, const char *name, const char *value,
		  char *err, size_t len)
{
	const struct bench_opt *o = bench_opt_find(name);

	if (!o) {
		err_set(err, len, "unknown option '--%s'", name);
		return -EINVAL;
	}
	return set_value(cfg, o, value, err, len);
}

int bench_config_default(struct bench_config *cfg)
{
	const struct bench_opt *o;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	bench_opt_for_each(o) {
		ret = set_value(cfg, o, o->def, NULL, 0);
		if (ret)
			return ret;
	}
	return 0;
}

int bench_config_check(const struct bench_config *cfg, char *err, size_t len)
{
	char size[32], bs[32];

	/* A percentage is checked once resolved to bytes. */
	if (!cfg->size_pct && cfg->size_bytes < cfg->bs_bytes) {
		format_scaled(cfg->size_bytes, size_units,
			      ARRAY_SIZE(size_units), size, sizeof(size));
		format_scaled(cfg->bs_bytes, size_units, ARRAY_SIZE(size_units),
			      bs, sizeof(bs));
		err_set(err, len,
			"--size=%s: smaller than --bs=%s (size must hold at least one block)",
			size, bs);
		return -EINVAL;
	}
	return 0;
}

/* ---- Formatting --------------------------------------------------------- */

int bench_opt_format(const struct bench_config *cfg, const struct bench_opt *o,
		     char *buf, size_t len)
{
	const char *field = (const char *)cfg + o->offset;
	const char *name;
	unsigned int e;
	int n = -EINVAL, i;
	bool b;

	switch (o->type) {
	case BENCH_OPT_UINT:
		n = snprintf(buf, len, "%" PRIu64, load_u(cfg, o));
		break;
	case BENCH_OPT_SIZE:
		if (o->pct_offset) {
			unsigned int pct;

			memcpy(&pct, (const char *)cfg + o->pct_offset,
			       sizeof(pct));
			if (pct) {
				n = snprintf(buf, len, "%u%%", pct);
				break;
			}
		}
		n = format_scaled(load_u(cfg, o), size_units,
				  ARRAY_SIZE(size_units), buf, len);
		break;
	case BENCH_OPT_TIME:
		n = format_scaled(load_u(cfg, o), time_units,
				  ARRAY_SIZE(time_units), buf, len);
		break;
	case BENCH_OPT_INT:
		memcpy(&i, field, sizeof(i));
		n = snprintf(buf, len, "%d", i);
		break;
	case BENCH_OPT_BOOL:
		memcpy(&b, field, sizeof(b));
		n = snprintf(buf, len, "%d", b);
		break;
	case BENCH_OPT_ENUM:
		memcpy(&e, field, sizeof(e));
		for (unsigned int k = 0; o->values[k]; k++) {
			if (k != e)
				continue;
			name = o->values[k];
			n = snprintf(buf, len, "%.*s", (int)strcspn(name, "|"),
				     name);
			break;
		}
		break;
	case BENCH_OPT_STRING:
		n = snprintf(buf, len, "%s", field);
		break;
	}
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? n : -ENOSPC;
}

/* ---- Help --------------------------------------------------------------- */

static void allowed(const struct bench_opt *o, char *buf, size_t len)
{
	const struct unit *units = o->type == BENCH_OPT_SIZE ? size_units :
							       time_units;
	size_t n = o->type == BENCH_OPT_SIZE ? ARRAY_SIZE(size_units) :
					       ARRAY_SIZE(time_units);
	char lo[32], hi[32];
	size_t used = 0;

	buf[0] = '\0';
	switch (o->type) {
	case BENCH_OPT_UINT:
		if (o->max >= storage_max(o))
			snprintf(buf, len, "%" PRId64 "..%" PRIu64, o->min,
				 storage_max(o));
		else
			snprintf(buf, len, "%" PRId64 "..%" PRIu64, o->min,
				 o->max);
		break;
	case BENCH_OPT_INT:
		snprintf(buf, len, "%" PRId64 "..%" PRId64, o->min,
			 (int64_t)o->max);
		break;
	case BENCH_OPT_SIZE:
	case BENCH_OPT_TIME:
		format_scaled((uint64_t)o->min, units, n, lo, sizeof(lo));
		format_scaled(o->max, units, n, hi, sizeof(hi));
		if (o->max == UINT64_MAX)
			snprintf(buf, len, "%s or more", lo);
		else
			snprintf(buf, len, "%s..%s", lo, hi);
		if (o->align > 1) {
			used = strlen(buf);
			snprintf(buf + used, len - used,
				 ", a multiple of %" PRIu64, o->align);
		}
		break;
	case BENCH_OPT_BOOL:
		snprintf(buf, len, "0, 1, true, false");
		break;
	case BENCH_OPT_ENUM:
		for (unsigned int k = 0; o->values[k] && used < len; k++) {
			/* An alias reads as "rw, readwrite". */
			for (const char *a = o->values[k]; *a && used < len;) {
				size_t alen = strcspn(a, "|");
				int w = snprintf(buf + used, len - used,
						 "%s%.*s", used ? ", " : "",
						 (int)alen, a);

				used += w > 0 ? (size_t)w : 0;
				a += alen;
				if (*a == '|')
					a++;
			}
		}
		break;
	case BENCH_OPT_STRING:
		snprintf(buf, len, "%s%zu bytes at most",
			 o->min ? "non-empty, " : "", o->size - 1);
		break;
	}
}

/* What --help shows after "--name=". */
static const char *metavar(const struct bench_opt *o)
{
	static const char *const names[] = {
		[BENCH_OPT_UINT] = "N",	       [BENCH_OPT_INT] = "N",
		[BENCH_OPT_SIZE] = "SIZE",     [BENCH_OPT_TIME] = "TIME",
		[BENCH_OPT_BOOL] = "BOOL",     [BENCH_OPT_ENUM] = "NAME",
		[BENCH_OPT_STRING] = "STRING",
	};

	return names[o->type];
}

void bench_opts_help(FILE *out)
{
	const struct bench_opt *o;
	char allow[256];

	fprintf(out,
		"options (--name=value or --name value; '_' and '-' in names are the same):\n");
	bench_opt_for_each(o) {
		allowed(o, allow, sizeof(allow));
		fprintf(out,
			"  --%s=%s\n      %s\n      allowed: %s; default: %s\n",
			o->name, metavar(o), o->help, allow,
			o->def[0] ? o->def : "\"\"");
	}
	fprintf(out,
		"  -h, --help\n      Show this help.\n\n"
		"SIZE: bytes, with an optional k, m, g, t or p suffix (powers of 1024;\n"
		"      KiB and KB forms too).  TIME: with an optional ns, us, ms, s, m or\n"
		"      h suffix; a bare number is seconds.  BOOL: 0, 1, true or false.\n");
}

/* ---- The command line --------------------------------------------------- */

/* getopt_long's val for the option at index i, and for --help. */
#define VAL_BASE 256
#define VAL_HELP 'h'

/* name with every '_' and '-' replaced by sep, into buf. */
static void respell(const char *name, char sep, char *buf)
{
	size_t i;

	for (i = 0; name[i]; i++)
		buf[i] = name[i] == '_' || name[i] == '-' ? sep : name[i];
	buf[i] = '\0';
}

/*
 * The message for an option that getopt_long did not know: unknown, or
 * an abbreviation of several.  arg is the argument as given.
 */
static int unknown_option(const char *arg, char *err, size_t len)
{
	const char *name = arg + 2;
	size_t nlen = strcspn(name, "="), used;
	const struct bench_opt *o;
	char prefix[NAME_MAX_BYTES], list[512];
	unsigned int matches = 0;

	if (strncmp(arg, "--", 2) || nlen >= sizeof(prefix)) {
		err_set(err, len, "unknown option '%.*s'", QUOTE_MAX, arg);
		return -EINVAL;
	}
	memcpy(prefix, name, nlen);
	prefix[nlen] = '\0';
	list[0] = '\0';
	used = 0;
	bench_opt_for_each(o) {
		bool match = nlen && strlen(o->name) >= nlen;
		int w;

		for (size_t i = 0; match && i < nlen; i++)
			match = (o->name[i] == '_' ? '-' : o->name[i]) ==
				(prefix[i] == '_' ? '-' : prefix[i]);
		if (!match || used >= sizeof(list))
			continue;
		w = snprintf(list + used, sizeof(list) - used, "%s--%s",
			     matches ? ", " : "", o->name);
		used += w > 0 ? (size_t)w : 0;
		matches++;
	}
	if (matches > 1)
		err_set(err, len, "ambiguous option '--%s' (could be %s)",
			prefix, list);
	else
		err_set(err, len, "unknown option '--%s'", prefix);
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct bench_config *cfg,
		      int *first_arg, char *err, size_t err_len)
{
	/* Each option under its '-' and its '_' spelling, then --help. */
	struct option longopts[2 * BENCH_NOPTS + 2];
	char names[BENCH_NOPTS][2][NAME_MAX_BYTES];
	const struct bench_opt *o;
	char allow[256];
	size_t n = 0;
	int c, ret;

	for (size_t i = 0; i < BENCH_NOPTS; i++) {
		o = &bench_opts[i];
		if (strlen(o->name) >= NAME_MAX_BYTES) {
			err_set(err, err_len, "option name '%s' too long",
				o->name);
			return -EINVAL;
		}
		respell(o->name, '-', names[i][0]);
		respell(o->name, '_', names[i][1]);
		for (int k = 0; k < 2; k++) {
			if (k && !strcmp(names[i][0], names[i][1]))
				break;
			longopts[n++] = (struct option){
				.name = names[i][k],
				.has_arg = required_argument,
				.val = VAL_BASE + (int)i,
			};
		}
	}
	longopts[n++] = (struct option){ .name = "help", .val = VAL_HELP };
	longopts[n] = (struct option){ 0 };

	/*
	 * optind = 0 makes glibc start over (including its permutation
	 * state), so that a second parse in one process works.
	 */
	optind = 0;
	/* A leading ':' makes a missing value ':' rather than '?'. */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == VAL_HELP)
			return BENCH_OPTS_HELP;
		if (c >= VAL_BASE) {
			o = &bench_opts[c - VAL_BASE];
			ret = set_value(cfg, o, optarg, err, err_len);
			if (ret)
				return ret;
			continue;
		}
		if (c == ':' && optopt >= VAL_BASE) {
			o = &bench_opts[optopt - VAL_BASE];
			allowed(o, allow, sizeof(allow));
			err_set(err, err_len,
				"--%s: missing value (allowed%s %s)", o->name,
				o->type == BENCH_OPT_ENUM ||
						o->type == BENCH_OPT_BOOL ?
					":" :
					"",
				allow);
			return -EINVAL;
		}
		/* '?': an unknown option, or a value given to --help. */
		if (optopt == VAL_HELP) {
			err_set(err, err_len, "--help takes no value");
			return -EINVAL;
		}
		if (optopt) {
			err_set(err, err_len, "unknown option '-%c'", optopt);
			return -EINVAL;
		}
		return unknown_option(argv[optind - 1], err, err_len);
	}
	if (!first_arg && optind < argc) {
		err_set(err, err_len, "unexpected argument '%.*s'", QUOTE_MAX,
			argv[optind]);
		return -EINVAL;
	}
	if (first_arg)
		*first_arg = optind;
	return 0;
}

int bench_opts_parse(int argc, char **argv, struct bench_config *cfg,
		     int *first_arg, char *err, size_t err_len)
{
	int saved_opterr = opterr, ret;

	/* getopt must not print: we report errors ourselves. */
	opterr = 0;
	ret = parse_args(argc, argv, cfg, first_arg, err, err_len);
	opterr = saved_opterr;
	return ret;
}
