/* SPDX-License-Identifier: MIT */
/*
 * The device model: a storage target (registered as "model") that
 * completes I/O in virtual time instead of touching a disk.  Each I/O
 * takes a service time of
 *
 *     latency + bytes / bandwidth
 *
 * with the latency fixed, exponential (that mean) or uniform (between
 * latency and latency_max), drawn from a seeded generator, and reads and
 * writes described separately.  The latency may instead depend on the
 * load: a table of latency by the number of I/Os in the device.  The device has @channels internal
 * channels served first come, first served: an I/O that arrives (is
 * flushed) while every channel is busy waits for the first to free up,
 * so one channel of fixed service time S is an M/D/1 or closed
 * single-server queue, and N channels serve N I/Os at once.
 *
 * Time is the clock in target_config.clock, the virtual-time engine's
 * (sim/vengine.h): submit() queues an I/O, flush() (or reap()) starts it
 * at the clock's time, reap() hands back the I/Os whose finish time the
 * clock has passed, and devmodel's next_done_ns() tells the engine when
 * the next one finishes.  Data is not kept, as with the null target,
 * unless devmodel_config.store is set (for verify runs): then the disk
 * lives in memory as with the mem target.
 *
 * One device may have several queues (the virtual engine's --queues):
 * devmodel_shared_create() makes the device (its channels, latency
 * draws, load and data) and each state opened with it in
 * target_config.shared is one queue of it, with its own submissions and
 * completions.  The channels serve the queues' arrivals in the order
 * they are flushed, each taking the channel that frees first.
 *
 * Threads: one state is used by the engine's thread only.
 */
#ifndef BLKRING_SIM_DEVMODEL_H
#define BLKRING_SIM_DEVMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/target.h"

/* How each I/O's latency part is drawn. */
enum devmodel_dist {
	DEVMODEL_FIXED,	  /* latency_ns, always */
	DEVMODEL_EXP,	  /* exponential with mean latency_ns */
	DEVMODEL_UNIFORM, /* uniform in [latency_ns, latency_max_ns] */
};

/* Points of a latency-by-load table. */
#define DEVMODEL_QD_POINTS 16

/* One direction's parameters. */
struct devmodel_dir {
	uint64_t latency_ns;	 /* fixed part (or mean, or lower bound) */
	uint64_t latency_max_ns; /* uniform: upper bound */
	uint64_t bw_bytes_per_s; /* transfer rate per channel; 0: infinite */
	/*
	 * Optional latency by load (nr_qd > 0 replaces latency_ns): I/Os
	 * that arrive (are flushed) together with n I/Os in the device then,
	 * themselves included, get the latency at n, linear between points
	 * and flat beyond the ends.
	 * Real devices are often faster per I/O when busy (the host polls);
	 * blkring calibrate measures this table.  qd[] strictly rising.
	 */
	unsigned int nr_qd;
	uint32_t qd[DEVMODEL_QD_POINTS];
	uint64_t qd_latency_ns[DEVMODEL_QD_POINTS];
};

/* The most channels a model may have. */
#define DEVMODEL_CHANNELS_MAX 4096

struct devmodel_config {
	unsigned int channels; /* 1..DEVMODEL_CHANNELS_MAX */
	enum devmodel_dist dist;
	struct devmodel_dir dir[2]; /* [0] reads, [1] writes */
	uint64_t seed;		    /* of the latency draws */
	bool store;		    /* keep the data (verify) */
};

/* The target's ops table (also found as target_find("model")). */
extern const struct target_ops devmodel_ops;

/*
 * Fills @cfg with the defaults: one channel, fixed 100 us, 1 GiB/s both
 * ways, no data kept.
 */
void devmodel_config_default(struct devmodel_config *cfg);

/* "fixed", "exp", "uniform". */
const char *devmodel_dist_name(enum devmodel_dist d);

/*
 * The service time of one I/O of @bytes (@write or a read) with the
 * latency part @latency_ns already drawn: latency + bytes / bandwidth,
 * rounded down to the nanosecond.  Any thread.
 */
uint64_t devmodel_service_ns(const struct devmodel_config *cfg, bool write,
			     uint64_t bytes, uint64_t latency_ns);

/*
 * The base latency of an I/O arriving with @n I/Os in the device (itself
 * included): the load table's, or latency_ns.  Any thread.
 */
uint64_t devmodel_base_latency_ns(const struct devmodel_dir *d, unsigned int n);

/*
 * Checks @cfg: returns 0, or -EINVAL with a one-line reason in @why that
 * names the option at fault (--model-*).  Any thread.
 */
int devmodel_config_check(const struct devmodel_config *cfg, char *why,
			  size_t why_len);

/*
 * A device for several queues of @cfg (checked) and @size_bytes: open
 * each with target_config.shared set to *@out and .model to @cfg.
 * Free it with devmodel_shared_destroy() once every queue is closed.
 * Returns 0, or -errno with a reason in @why.
 */
int devmodel_shared_create(const struct devmodel_config *cfg,
			   uint64_t size_bytes, struct devmodel_shared **out,
			   char *why, size_t why_len);

void devmodel_shared_destroy(struct devmodel_shared *sh);

#endif
