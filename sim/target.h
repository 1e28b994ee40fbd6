/* SPDX-License-Identifier: MIT */
/*
 * Storage targets: what the backend (the blkback model) serves requests
 * with.  A target is an ops table (struct target_ops) and an opaque state
 * made by its init; the backend hands it I/Os (struct target_io), each a
 * contiguous disk range scattered over memory, and collects them back with
 * their results.  Four targets are registered in sim/target.c:
 *
 *   null   completes every I/O at once without touching data; the
 *          harness's self-test (fio's engines/null.c).
 *   mem    the whole disk in one heap buffer, memcpy to and from the
 *          iovecs, completed at once; data-verification tests without a
 *          disk.
 *   uring  a regular file (or, when allowed, a block device) through
 *          io_uring: sim/file_backend.c.
 *   model  a device model that completes I/O in virtual time, for the
 *          virtual-time engine only: sim/devmodel.c.
 *
 * Usage, from the backend thread:
 *
 *   ops = target_find(name);                      NULL: unknown name
 *   target_config_default(&cfg); cfg.path = ...;
 *   if (target_open(ops, &cfg, &state, why, sizeof(why)) < 0)
 *           print why and stop;
 *   for each request:
 *           io.offset_bytes = ...; io.iov[] = ...; io.write = ...;
 *           rc = ops->submit(state, &io);
 *           TARGET_DONE:   io.result is set, answer it now;
 *           TARGET_QUEUED: it comes back from reap();
 *           -EBUSY:        depth I/Os in flight, reap first;
 *   ops->flush(state);                             once per batch
 *   n = ops->reap(state, done, max, wait);          done[0..n) have results
 *   ops->fini(state);
 *
 * A sleeping backend may poll() ops->wait_fd(state) together with its
 * event channel; when it is readable, target_wait_fd_clear() and reap
 * until reap returns 0.  docs/targets.md has the whole contract.
 *
 * Threads: one target state is used by one thread at a time (the
 * backend's); distinct states are independent.  target_find(),
 * target_names() and target_config_default() may be called from any
 * thread.
 */
#ifndef BLKRING_SIM_TARGET_H
#define BLKRING_SIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * Iovecs of one I/O: a blkif request's segments, up to 256 with indirect
 * descriptors (Linux blkback's default feature-max-indirect-segments).
 */
#define TARGET_MAX_IOV 256

/* Offsets, iovec bases and lengths are multiples of this. */
#define TARGET_SECTOR_BYTES 512

/* The range of target_config.depth. */
#define TARGET_DEPTH_MAX 4096

/* submit() completed the I/O before returning; io->result is set. */
#define TARGET_DONE 0
/* submit() queued the I/O; reap() hands it back. */
#define TARGET_QUEUED 1

/* ops->flags: submit() always returns TARGET_DONE, reap() never has any. */
#define TARGET_F_SYNC (1u << 0)
/* ops->flags: the target opens target_config.path. */
#define TARGET_F_FILE (1u << 1)
/*
 * ops->flags: the target completes I/O in virtual time (the device model,
 * sim/devmodel.h): it reads target_config.clock, an I/O comes back from
 * reap() only once that clock has passed its finish time, and
 * ops->next_done_ns tells the engine when that is.  Only the virtual-time
 * engine (sim/vengine.h) runs such a target.
 */
#define TARGET_F_VIRTUAL (1u << 2)

struct sim_clock;
struct devmodel_config;
struct devmodel_shared;

/*
 * One I/O handed to a target: a contiguous disk range scattered over
 * memory.  The caller fills offset_bytes, iov, nr_iov, write and user; the
 * target writes result only, and leaves the iovecs and user untouched.
 * The struct must stay valid (and the memory it points at untouched by
 * the caller) from submit() until it comes back.
 */
struct target_io {
	uint64_t offset_bytes; /* on the target, 512-aligned */
	/* Each base 512-aligned, each len a non-zero multiple of 512. */
	struct iovec iov[TARGET_MAX_IOV];
	unsigned int nr_iov; /* 1..TARGET_MAX_IOV */
	bool write;
	/* Set on completion: the full length in bytes, or -errno. */
	int32_t result;
	uint64_t user; /* the caller's tag, untouched */
};

/* What to open, filled by target_config_default() and copied by init. */
struct target_config {
	/* uring: the file or block device (--filename); others ignore it. */
	const char *path;
	/*
	 * The disk size.  null and mem need it; for uring, 0 means the
	 * existing file's size, and a larger size extends a smaller file.
	 */
	uint64_t size_bytes;
	bool direct;	     /* uring: O_DIRECT; size a multiple of 4096 */
	bool allow_blockdev; /* uring: a block device may be opened */
	unsigned int depth;  /* most I/Os in flight, 1..TARGET_DEPTH_MAX */
	/* TARGET_F_VIRTUAL targets: the engine's clock, and their model. */
	const struct sim_clock *clock;
	const struct devmodel_config *model;
	/*
	 * The model target: the device this state is one queue of
	 * (devmodel_shared_create()), or NULL for a device of its own.
	 */
	struct devmodel_shared *shared;
};

/*
 * The operations of one target.  Every function is filled in, so callers
 * never test for NULL, except next_done_ns, which only TARGET_F_VIRTUAL
 * targets have.  All but init take the state init made.
 */
struct target_ops {
	const char *name;
	unsigned int flags; /* TARGET_F_* */
	/*
	 * Opens the target described by cfg (copied) into *state.  Returns 0,
	 * or -errno with a one-line message in why (why_len bytes, may be 0).
	 * Callers use target_open(), which also checks the common fields.
	 */
	int (*init)(const struct target_config *cfg, void **state, char *why,
		    size_t why_len);
	/*
	 * Starts one I/O.  Returns TARGET_DONE (completed now, io->result
	 * set: a malformed or out-of-range I/O also completes this way, with
	 * -EINVAL or -ERANGE), TARGET_QUEUED (comes back from reap), or
	 * -EBUSY (depth I/Os in flight or no submission slot: reap first).
	 */
	int (*submit)(void *state, struct target_io *io);
	/* Sends queued submissions to the device.  Returns 0 or -errno. */
	int (*flush)(void *state);
	/*
	 * Writes up to max completed I/Os, each with its result set, to
	 * done[], sending anything still queued first.  With wait, blocks
	 * until at least one completes if any is in flight; returns at once
	 * with 0 when none is.  Returns the count, or -errno.
	 */
	int (*reap)(void *state, struct target_io **done, unsigned int max,
		    bool wait);
	/*
	 * An fd that polls readable when a completion is ready (clear it
	 * with target_wait_fd_clear() before reaping), or -1 for a target
	 * that never has I/O in flight.  Owned by the target.
	 */
	int (*wait_fd)(void *state);
	/* The disk size settled at init, in bytes. */
	uint64_t (*size_bytes)(void *state);
	/*
	 * Closes the target and frees the state.  I/O still in flight is
	 * waited for and its result written but not handed back, so its
	 * target_io must still be valid; once fini returns, the caller's
	 * buffers are free to reuse.
	 */
	void (*fini)(void *state);
	/*
	 * TARGET_F_VIRTUAL only (NULL otherwise): the clock time at which
	 * the next I/O in flight finishes (reap() hands it back from then
	 * on), or UINT64_MAX when none is in flight.
	 */
	uint64_t (*next_done_ns)(void *state);
};

/* Fills cfg with the defaults: no path, size 0, buffered, depth 128. */
void target_config_default(struct target_config *cfg);

/*
 * The target registered under name ("null", "mem", "uring", "model"), or NULL if
 * there is none.  Any thread.
 */
const struct target_ops *target_find(const char *name);

/* The registered names as "null|mem|uring|model", for help and errors. */
const char *target_names(void);

/*
 * Checks the fields every target shares (depth), then calls ops->init.
 * Returns 0, or -errno with a one-line message in why that names the
 * option at fault and what it allows (why may be NULL when why_len is 0).
 * The messages use the blkring CLI's option names (--filename, --size,
 * --direct, --allow-blockdev, --iodepth).  The thread that will use the
 * target.
 */
__attribute__((warn_unused_result)) int
target_open(const struct target_ops *ops, const struct target_config *cfg,
	    void **state, char *why, size_t why_len);

/*
 * Checks one I/O against the contract and a disk of size_bytes.  Returns
 * its length in bytes (> 0), -EINVAL when it is malformed (no iovec, too
 * many, misaligned, or longer than INT32_MAX), or -ERANGE when it does not
 * lie within the disk.  Any thread; no side effects.
 */
int64_t target_io_check(const struct target_io *io, uint64_t size_bytes);

/*
 * Copies @io's bytes between its iovecs and @disk (the whole disk in
 * memory; @io already checked against it): the data path of the mem and
 * model targets.  Any thread; touches only its arguments.
 */
void target_mem_copy(uint8_t *disk, const struct target_io *io);

/*
 * Moves the iovecs iov[*first..nr) past their first bytes, for sending the
 * remainder of a short transfer: whole iovecs are dropped by advancing
 * *first, and the next one is trimmed at its front.  bytes must be less
 * than what they hold.  Returns 0, or -EINVAL (nothing changed) when bytes
 * is 0 or not less than their total.  Any thread; touches only its
 * arguments.
 */
int target_iov_advance(struct iovec *iov, unsigned int *first, unsigned int nr,
		       size_t bytes);

/*
 * Consumes the pending wake-up on a wait_fd after poll() reported it
 * readable, so that the next poll() sleeps until a new completion.  Call
 * it before reaping, never after, or a completion between the reap and
 * the clear loses its wake-up.  Returns 0 (also when nothing was
 * pending), or -errno.  The thread that owns the target.
 */
int target_wait_fd_clear(int fd);

#endif
