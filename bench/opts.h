/* SPDX-License-Identifier: MIT */
/*
 * The options of `blkring run`, in one table (fio's fio_options): each
 * entry names an option, its type, where it lives in struct bench_config,
 * its default (a string, parsed by the same parser as a user's value, so
 * that --help shows it exactly as written), its allowed range and a line
 * of help.  The table drives the command-line parser (getopt_long), the
 * defaults, the validation, --help, and later the job-file parser, the
 * sweep axes and the CSV header and columns.  The table is const; nothing
 * here has mutable global state of its own.
 *
 * Usage:
 *
 *   struct bench_config cfg;
 *   char err[256];
 *   int first_arg, rc;
 *
 *   bench_config_default(&cfg);
 *   rc = bench_opts_parse(argc, argv, &cfg, &first_arg, err, sizeof(err));
 *   if (rc == BENCH_OPTS_HELP)
 *           bench_opts_help(stdout), exit 0;
 *   if (rc < 0 || bench_config_check(&cfg, err, sizeof(err)) < 0)
 *           fprintf(stderr, "blkring run: %s\n", err), exit 2;
 *   argv[first_arg..argc-1] are the positional arguments (a job file).
 *
 * Option names: fio's spelling where fio has the concept (`rw`, `bs`,
 * `iodepth`, `size`, `io_size`, `runtime`, `ramp_time`, `filename`,
 * `direct`, `rwmixread`, `randseed`, `output-format`, `output`),
 * kebab-case for blkring's own (`ring-order`, `wait`, ...).  In every name
 * '_' and '-' are the same character, so `--io_size` and `--io-size` are
 * one option, as are `--ring-order` and `--ring_order`; the table holds
 * one spelling (the one --help prints) and never two names that differ
 * only in that way.
 *
 * Values by type:
 *   UINT    a whole number, decimal or 0x hex; no sign.
 *   INT     a whole number, decimal, with an optional '-'.
 *   SIZE    bytes: a whole number with an optional suffix k, m, g, t or p
 *           (also kb/kib, mb/mib, ...; any case), all powers of 1024 as
 *           with fio's default kb_base=1024; a bare number is bytes.
 *           size and offset also take "N%" of the file (1..100).
 *   TIME    a whole number with an optional unit ns, us, ms, s, m (or
 *           min) or h; a bare number is seconds, as in fio.  Stored in ns.
 *   BOOL    0, 1, true, false (also yes, no, on, off; any case).
 *   ENUM    one of the entry's values; "a|b" in the value list makes b an
 *           alias of a.  Stored as the value's index (the BENCH_* enums
 *           below give the indices names).
 *   STRING  text, copied into a fixed buffer in the config.
 *
 * Thread context: everything here is for the main thread while it sets a
 * run up.  bench_opts_parse() uses getopt_long(), whose state (optind,
 * opterr) is global to the process, so it must not run concurrently with
 * another getopt user.  The other functions touch only their arguments.
 */
#ifndef BLKRING_BENCH_OPTS_H
#define BLKRING_BENCH_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Buffer size of the path options (filename, output), with the NUL. */
#define BENCH_PATH_MAX 4096

/* What bench_opts_parse() returns when --help or -h was given. */
#define BENCH_OPTS_HELP 1

/* struct bench_config.rw: the I/O pattern, in the table's value order. */
enum bench_rw {
	BENCH_RW_READ,	    /* read: sequential reads */
	BENCH_RW_WRITE,	    /* write: sequential writes */
	BENCH_RW_RANDREAD,  /* randread: random reads */
	BENCH_RW_RANDWRITE, /* randwrite: random writes */
	BENCH_RW_RANDRW,    /* randrw: random, rwmixread% reads */
	BENCH_RW_RW,	    /* rw or readwrite: sequential, mixed */
};

/* struct bench_config.output_format. */
enum bench_output_format {
	BENCH_OUTPUT_NORMAL,
	BENCH_OUTPUT_JSON,
	BENCH_OUTPUT_CSV,
};

/* struct bench_config.wait_mode: how a notified thread waits. */
enum bench_wait {
	BENCH_WAIT_SPIN,   /* spin on the event */
	BENCH_WAIT_SLEEP,  /* sleep until the event */
	BENCH_WAIT_HYBRID, /* sleep to deadline - hybrid_margin_ns, spin */
	/* spin the first busypoll_ns of an idle spell, then sleep */
	BENCH_WAIT_BUSYPOLL,
};

/* struct bench_config.notify: when a producer notifies its consumer. */
enum bench_notify {
	BENCH_NOTIFY_EVENT,  /* Xen's event-index hold-off */
	BENCH_NOTIFY_ALWAYS, /* every push notifies */
	BENCH_NOTIFY_POLL,   /* no notifications; consumers poll the ring */
};

/* struct bench_config.latency_dist: how notification latency is drawn. */
enum bench_latency_dist {
	BENCH_LAT_FIXED,   /* evtchn-latency */
	BENCH_LAT_UNIFORM, /* uniform in [evtchn-latency, evtchn-latency-max] */
	BENCH_LAT_EXP,	   /* exponential, mean evtchn-latency */
};

/* struct bench_config.backend_submit: when the backend submits. */
enum bench_backend_submit {
	BENCH_SUBMIT_PASS,    /* once per pass over the ring */
	BENCH_SUBMIT_REQUEST, /* after each request */
};

/* struct bench_config.submit_path: who puts I/Os on the ring. */
enum bench_submit_path {
	BENCH_SUBMIT_PATH_DIRECT, /* the submitting thread */
	BENCH_SUBMIT_PATH_WORKER, /* an internal queue and a worker thread */
};

/* struct bench_config.completion: who reaps and completes. */
enum bench_completion {
	BENCH_COMPLETION_IRQ,	   /* the interrupt handler */
	BENCH_COMPLETION_DEFERRED, /* a deferred worker after an ack */
};

/* struct bench_config.lock: the frontend's locking model. */
enum bench_lock {
	BENCH_LOCK_NONE,   /* no lock: one thread does everything */
	BENCH_LOCK_SINGLE, /* one gate across submission and completion */
};

/* struct bench_config.lock_type: what kind of lock the gate is. */
enum bench_lock_type {
	BENCH_LOCK_MUTEX, /* pthread mutex */
	BENCH_LOCK_SPIN,  /* spinlock */
};

/* struct bench_config.grants: how the backend reaches granted pages. */
enum bench_grants {
	BENCH_GRANTS_STATIC,	 /* all granted and mapped at set-up */
	BENCH_GRANTS_MAP,	 /* map and unmap per request (blkback) */
	BENCH_GRANTS_COPY,	 /* copy through a bounce buffer (qdisk) */
	BENCH_GRANTS_PERSISTENT, /* frontend copies, backend caches maps */
};

/* struct bench_config.backend_respond: when responses are pushed. */
enum bench_backend_respond {
	BENCH_RESPOND_EACH,  /* after each response (blkback) */
	BENCH_RESPOND_BATCH, /* once per reaped batch */
};

/* struct bench_config.irq_line: the devices' interrupt line(s). */
enum bench_irq_line {
	BENCH_IRQ_LINE_OWN,    /* a line per device */
	BENCH_IRQ_LINE_SHARED, /* one line, every filter per interrupt */
};

/* struct bench_config.target: what the backend submits to. */
enum bench_target {
	BENCH_TARGET_NULL,  /* completes at once */
	BENCH_TARGET_MEM,   /* an in-memory disk */
	BENCH_TARGET_URING, /* the file through io_uring */
	BENCH_TARGET_MODEL, /* the device model (virtual engine) */
};

/* struct bench_config.engine: what runs the actors. */
enum bench_engine {
	BENCH_ENGINE_THREAD,  /* real threads, real time */
	BENCH_ENGINE_VIRTUAL, /* one thread, virtual time (sim/vengine.h) */
};

/* struct bench_config.model_latency_dist, as enum devmodel_dist. */
enum bench_model_dist {
	BENCH_MODEL_FIXED,
	BENCH_MODEL_EXP,
	BENCH_MODEL_UNIFORM,
};

/*
 * One run's configuration.  Units are in the names; enums are stored as
 * unsigned int holding the enum above that the comment names.  Filled by
 * bench_config_default() and the option setters; plain data, copy freely.
 */
struct bench_config {
	unsigned int rw;	 /* enum bench_rw */
	uint64_t bs_bytes;	 /* bytes per I/O, a multiple of 512 */
	unsigned int iodepth;	 /* I/Os outstanding at most */
	uint64_t size_bytes;	 /* bytes of the file the I/Os cover */
	uint64_t io_limit_bytes; /* bytes to transfer, 0 = no limit */
	uint64_t runtime_ns;	 /* 0 = until io_limit/size is done */
	uint64_t ramp_ns;	 /* run before measuring */
	char filename[BENCH_PATH_MAX];
	bool direct;		/* O_DIRECT */
	unsigned int rwmixread; /* percent of reads in mixed patterns */
	uint64_t seed;
	unsigned int output_format;	  /* enum bench_output_format */
	char output_path[BENCH_PATH_MAX]; /* "" = stdout */
	unsigned int ring_order;	  /* 1 << ring_order ring pages */
	uint64_t evtchn_latency_ns;	  /* notification delivery latency */
	unsigned int wait_mode;		  /* enum bench_wait */
	uint64_t hybrid_margin_ns;	/* hybrid: spin this long at the end */
	unsigned int target;		/* enum bench_target */
	bool allow_blockdev;		/* may write to a block device */
	int frontend_cpu;		/* -1 = unpinned */
	int backend_cpu;		/* -1 = unpinned */
	unsigned int max_segments;	/* segments per direct ring request */
	unsigned int qd_cap;		/* upper-layer QD cap, 0 = none */
	unsigned int push_batch;	/* I/Os per ring push */
	unsigned int notify;		/* enum bench_notify */
	uint64_t notify_cost_ns;	/* sender CPU per notification */
	unsigned int latency_dist;	/* enum bench_latency_dist */
	uint64_t evtchn_latency_max_ns; /* uniform: upper bound */
	unsigned int irq_coalesce;	/* responses per held interrupt */
	uint64_t irq_coalesce_ns;	/* longest hold of an interrupt */
	unsigned int backend_submit;	/* enum bench_backend_submit */
	unsigned int indirect_segments; /* frontend, 0 = none */
	unsigned int backend_max_indirect; /* backend advertises */
	unsigned int tasks;		   /* frontend task pool, 0 = ring */
	unsigned int submit_path;	   /* enum bench_submit_path */
	unsigned int completion;	   /* enum bench_completion */
	unsigned int lock;		   /* enum bench_lock */
	unsigned int lock_type;		   /* enum bench_lock_type */
	uint64_t lock_work_ns;		   /* work per acquisition, held */
	unsigned int queues;		   /* rings, a frontend thread each */
	unsigned int devices;		   /* devices on one frontend thread */
	unsigned int irq_line;		   /* enum bench_irq_line */
	uint64_t irq_filter_cost_ns;	   /* per filter run, shared line */
	/* Fault injection (docs/hardening.md). */
	unsigned int fault;	      /* enum fault_kind, in its order */
	unsigned int fault_ppm;	      /* I/Os hit per million */
	uint64_t fault_offset_bytes;  /* the region of eligible I/Os */
	uint64_t fault_length_bytes;  /* 0: to the end of the disk */
	unsigned int backend_retries; /* -EAGAIN resubmissions per I/O */
	uint64_t drain_timeout_ns;    /* wait for I/O in flight at the end */
	uint64_t watchdog_ns;	      /* no progress this long: stuck */
	uint64_t hostile;	      /* hostile ring's mutations; 0: none */
	unsigned int hostile_fatal;   /* of 1000, ring-stopping moves */

	/* The backend's policies: grants (docs/grants.md), budget, responses. */
	unsigned int grants;		    /* enum bench_grants */
	uint64_t grant_call_ns;		    /* per gnttab call */
	uint64_t grant_map_ns;		    /* per segment mapped */
	uint64_t grant_unmap_ns;	    /* per segment unmapped */
	uint64_t grant_copy_ns;		    /* per segment the backend copies */
	unsigned int persistent_grants_max; /* backend's cache */
	unsigned int backend_budget;	    /* requests per pass, 0 = all */
	unsigned int backend_respond;	    /* enum bench_backend_respond */

	/* Workloads (docs/workloads.md). */
	uint64_t offset_bytes; /* start of the I/O region in the file */
	bool norandommap;      /* random: independent draws */
	char bsrange[64];      /* "MIN-MAX" or "" */
	char bssplit[512];     /* "SIZE/PCT:..." or "" */
	char random_distribution[512];
	uint64_t rate_iops;	    /* 0 = closed loop */
	unsigned int rate_process;  /* enum bench_rate_process */
	uint64_t thinktime_ns;	    /* pause every thinktime_blocks I/Os */
	uint64_t thinktime_spin_ns; /* of which busy */
	unsigned int thinktime_blocks;
	unsigned int verify;		 /* enum bench_verify */
	char read_iolog[BENCH_PATH_MAX]; /* trace to replay, "" = none */
	unsigned int trace_format;	 /* enum bench_trace_format */
	bool replay_no_stall;		 /* replay as fast as possible */
	unsigned int replay_time_scale;	 /* percent; 200 = twice as fast */
	bool trace_skip_bad;		 /* count and skip bad lines */
	unsigned int blkparse_action;	 /* enum bench_blkparse_action */
	/*
	 * size=N% and offset=N%: percent of the existing file's size, 1..100,
	 * resolved to bytes when a run starts; 0 = the _bytes field holds it.
	 */
	unsigned int size_pct;
	unsigned int offset_pct;

	/* The virtual-time engine (docs/virtual-engine.md). */
	unsigned int engine;		   /* enum bench_engine */
	uint64_t cost_submit_ns;	   /* frontend, per I/O put */
	uint64_t cost_split_ns;		   /* frontend, per extra request */
	uint64_t cost_reap_ns;		   /* frontend, per response */
	uint64_t cost_backend_request_ns;  /* backend, per request */
	uint64_t cost_backend_response_ns; /* backend, per response */
	char model_file[BENCH_PATH_MAX];   /* "" = the options below */
	unsigned int model_channels;
	unsigned int model_latency_dist; /* enum bench_model_dist */
	uint64_t model_read_latency_ns;
	uint64_t model_read_latency_max_ns;
	uint64_t model_read_bw; /* bytes per second, 0 = infinite */
	uint64_t model_write_latency_ns;
	uint64_t model_write_latency_max_ns;
	uint64_t model_write_bw;
	/* wait=busypoll: spin this long when idle, then sleep */
	uint64_t busypoll_ns;
	/* The virtual engine: per target flush; a sleeper's wake-up. */
	uint64_t cost_backend_flush_ns;
	uint64_t wake_latency_ns;
};

/* struct bench_config.rate_process. */
enum bench_rate_process {
	BENCH_RATE_LINEAR,
	BENCH_RATE_POISSON,
};

/* struct bench_config.verify. */
enum bench_verify {
	BENCH_VERIFY_NONE,
	BENCH_VERIFY_PATTERN,
	BENCH_VERIFY_CRC32C,
};

/* struct bench_config.trace_format, in workloads/trace.h's order. */
enum bench_trace_format {
	BENCH_TRACE_AUTO,
	BENCH_TRACE_IOLOG,
	BENCH_TRACE_BLKPARSE,
	BENCH_TRACE_MSR,
};

/* struct bench_config.blkparse_action. */
enum bench_blkparse_action {
	BENCH_BLKPARSE_Q,
	BENCH_BLKPARSE_D,
};

enum bench_opt_type {
	BENCH_OPT_UINT,
	BENCH_OPT_INT,
	BENCH_OPT_SIZE,
	BENCH_OPT_TIME,
	BENCH_OPT_BOOL,
	BENCH_OPT_ENUM,
	BENCH_OPT_STRING,
};

/*
 * One option.  min and max bound the value in the option's own unit
 * (bytes, ns): UINT, SIZE and TIME compare as unsigned, INT as signed
 * (max then holds a non-negative int), STRING bounds the length (min 1
 * forbids the empty string; the buffer bounds it above), BOOL and ENUM
 * ignore them.  max == UINT64_MAX on a SIZE or TIME means no upper limit.
 */
struct bench_opt {
	const char *name; /* without "--" */
	enum bench_opt_type type;
	size_t offset; /* offsetof(struct bench_config, field) */
	const char *def;
	int64_t min;
	uint64_t max;
	const char *help;
	size_t size;		   /* sizeof the field */
	const char *const *values; /* ENUM: NULL-terminated */
	uint64_t align;		   /* SIZE: must be a multiple; 0 = any */
	/* TIME: the unit of a bare number in ns; 0 = seconds. */
	uint64_t bare_ns;
	/*
	 * STRING: checks a value before it is stored; returns 0 or
	 * -EINVAL with a one-line reason in err.  NULL = any string.
	 */
	int (*check)(const char *value, char *err, size_t len);
	/*
	 * SIZE: where an "N%" value (1..100) is stored, an unsigned int in
	 * struct bench_config (fio's percentages of the file); 0 = bytes only.
	 */
	size_t pct_offset;
};

/*
 * The first option of the table and the one after o (NULL after the
 * last).  Any thread.
 */
const struct bench_opt *bench_opt_first(void);
const struct bench_opt *bench_opt_next(const struct bench_opt *o);

/* Iterates o (a const struct bench_opt *) over the table, in order. */
#define bench_opt_for_each(o) \
	for ((o) = bench_opt_first(); (o); (o) = bench_opt_next(o))

/*
 * The option called name (no leading "--"; '_' and '-' are the same;
 * whole names only, no abbreviations), or NULL.  Any thread.
 */
const struct bench_opt *bench_opt_find(const char *name);

/*
 * Sets every option to its default.  Returns 0, or -EINVAL if a default
 * in the table does not parse (a bug the tests catch).  Any thread.
 */
int bench_config_default(struct bench_config *cfg)
	__attribute__((warn_unused_result));

/*
 * Parses value for the option called name and stores it in cfg.  Returns
 * 0, or -EINVAL with a one-line message in err (naming the option, the
 * value and what is allowed) and cfg unchanged; an unknown name is
 * -EINVAL too ("unknown option '--x'").  err may be NULL.  For the job
 * file and sweep parsers as well as the command line.  Any thread.
 */
int bench_opt_set(struct bench_config *cfg, const char *name, const char *value,
		  char *err, size_t len) __attribute__((warn_unused_result));

/*
 * Writes o's value in cfg to buf as a string that bench_opt_set() parses
 * back to the same value (sizes and times in the largest exact unit, e.g.
 * "4k", "10s"; enums by their first name).  Returns the length written,
 * or -ENOSPC if buf is too small (buf then holds a truncated string).
 * Any thread.
 */
int bench_opt_format(const struct bench_config *cfg, const struct bench_opt *o,
		     char *buf, size_t len);

/*
 * Applies the options in argv[1..argc-1] on top of cfg (so call
 * bench_config_default() first), as --name=value or --name value, names
 * as bench_opt_find() matches them or unique abbreviations (getopt_long).
 * Arguments that are not options are moved after the options (GNU
 * getopt's permutation; "--" ends the options) and *first_arg is set to
 * the index of the first of them (argc when there are none); with
 * first_arg NULL any such argument is an error.  Returns 0;
 * BENCH_OPTS_HELP (positive) if -h or --help was given, without printing
 * anything (the caller prints bench_opts_help()); or -EINVAL with a
 * one-line message in err, cfg then holding the options before the bad
 * one.  With POSIXLY_CORRECT in the environment, getopt_long stops at
 * the first non-option instead of permuting.  Options that depend on
 * each other are checked by bench_config_check(), once every source
 * (command line, job file) has been applied.  Main thread only
 * (getopt_long's global state; opterr is restored on return).
 */
int bench_opts_parse(int argc, char **argv, struct bench_config *cfg,
		     int *first_arg, char *err, size_t err_len)
	__attribute__((warn_unused_result));

/*
 * Checks the rules between options: size covers at least one block.
 * Returns 0, or -EINVAL with a one-line message in err.  Any thread.
 */
int bench_config_check(const struct bench_config *cfg, char *err, size_t len)
	__attribute__((warn_unused_result));

/*
 * Prints every option with its value form, its help, what is allowed and
 * its default, generated from the table.  Any thread.
 */
void bench_opts_help(FILE *out);

#endif
