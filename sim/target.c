// SPDX-License-Identifier: MIT
/*
 * The target registry, the shared checks, and the two synchronous targets:
 * null (completes at once, touches nothing: tests the harness) and mem
 * (the disk in a heap buffer).  The io_uring target lives in
 * sim/file_backend.c, the device model (virtual time) in sim/devmodel.c.  A target state is used by one thread at a time;
 * the registry is read-only and may be read from any thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/devmodel.h"
#include "sim/file_backend.h"
#include "sim/target.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void target_config_default(struct target_config *cfg)
{
	*cfg = (struct target_config){
		.path = NULL,
		.size_bytes = 0,
		.direct = false,
		.allow_blockdev = false,
		.depth = 128,
	};
}

int64_t target_io_check(const struct target_io *io, uint64_t size_bytes)
{
	const uint64_t mask = TARGET_SECTOR_BYTES - 1;
	uint64_t len = 0;

	if (io->nr_iov == 0 || io->nr_iov > TARGET_MAX_IOV)
		return -EINVAL;
	if (io->offset_bytes & mask)
		return -EINVAL;
	for (unsigned int i = 0; i < io->nr_iov; i++) {
		uint64_t seg = io->iov[i].iov_len;

		if (seg == 0 || (seg & mask) ||
		    ((uintptr_t)io->iov[i].iov_base & mask))
			return -EINVAL;
		/* Each seg is below 2^64 / 11, so len cannot wrap. */
		if (seg > INT32_MAX)
			return -EINVAL;
		len += seg;
	}
	if (len > INT32_MAX)
		return -EINVAL;
	if (io->offset_bytes > size_bytes ||
	    len > size_bytes - io->offset_bytes)
		return -ERANGE;
	return (int64_t)len;
}

int target_iov_advance(struct iovec *iov, unsigned int *first, unsigned int nr,
		       size_t bytes)
{
	size_t total = 0;
	unsigned int i;

	for (i = *first; i < nr && total <= bytes; i++)
		total += iov[i].iov_len;
	if (bytes == 0 || total <= bytes)
		return -EINVAL;
	for (i = *first; bytes >= iov[i].iov_len; i++)
		bytes -= iov[i].iov_len;
	iov[i].iov_base = (char *)iov[i].iov_base + bytes;
	iov[i].iov_len -= bytes;
	*first = i;
	return 0;
}

int target_wait_fd_clear(int fd)
{
	uint64_t count;

	if (fd < 0)
		return 0;
	/* The fd is non-blocking: EAGAIN means nothing was pending. */
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/*
 * Checks the size that null and mem need: present and a whole number of
 * sectors.
 */
static int sync_check_size(const char *name, uint64_t size_bytes, char *why,
			   size_t why_len)
{
	if (size_bytes == 0) {
		snprintf(why, why_len,
			 "--size=0: the %s target needs a size (a non-zero "
			 "multiple of %d bytes)",
			 name, TARGET_SECTOR_BYTES);
		return -EINVAL;
	}
	if (size_bytes % TARGET_SECTOR_BYTES) {
		snprintf(why, why_len,
			 "--size=%" PRIu64 ": not a multiple of %d bytes",
			 size_bytes, TARGET_SECTOR_BYTES);
		return -EINVAL;
	}
	return 0;
}

/* ---- null ---------------------------------------------------------------- */

struct null_target {
	uint64_t size_bytes;
};

static int null_init(const struct target_config *cfg, void **state, char *why,
		     size_t why_len)
{
	struct null_target *t;
	int ret;

	ret = sync_check_size("null", cfg->size_bytes, why, why_len);
	if (ret < 0)
		return ret;
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(why, why_len, "null target: out of memory");
		return -ENOMEM;
	}
	t->size_bytes = cfg->size_bytes;
	*state = t;
	return 0;
}

static int null_submit(void *state, struct target_io *io)
{
	struct null_target *t = state;
	int64_t len = target_io_check(io, t->size_bytes);

	io->result = (int32_t)len;
	return TARGET_DONE;
}

static int sync_flush(void *state)
{
	(void)state;
	return 0;
}

static int sync_reap(void *state, struct target_io **done, unsigned int max,
		     bool wait)
{
	/* Everything completed in submit: nothing is ever in flight. */
	(void)state;
	(void)done;
	(void)max;
	(void)wait;
	return 0;
}

static int sync_wait_fd(void *state)
{
	(void)state;
	return -1;
}

static uint64_t null_size_bytes(void *state)
{
	return ((struct null_target *)state)->size_bytes;
}

static void null_fini(void *state)
{
	free(state);
}

static const struct target_ops null_ops = {
	.name = "null",
	.flags = TARGET_F_SYNC,
	.init = null_init,
	.submit = null_submit,
	.flush = sync_flush,
	.reap = sync_reap,
	.wait_fd = sync_wait_fd,
	.size_bytes = null_size_bytes,
	.fini = null_fini,
};

/* ---- mem ----------------------------------------------------------------- */

struct mem_target {
	uint64_t size_bytes;
	uint8_t *disk; /* size_bytes, zeroed at init like a new sparse file */
};

static int mem_init(const struct target_config *cfg, void **state, char *why,
		    size_t why_len)
{
	struct mem_target *t;
	int ret;

	ret = sync_check_size("mem", cfg->size_bytes, why, why_len);
	if (ret < 0)
		return ret;
	if (cfg->size_bytes > SIZE_MAX) {
		snprintf(why, why_len,
			 "--size=%" PRIu64 ": too large for memory here",
			 cfg->size_bytes);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto err_nomem;
	/* calloc: large zeroed blocks come from mmap and cost no time. */
	t->disk = calloc(1, (size_t)cfg->size_bytes);
	if (!t->disk)
		goto err_free_t;
	t->size_bytes = cfg->size_bytes;
	*state = t;
	return 0;

err_free_t:
	free(t);
err_nomem:
	snprintf(why, why_len,
		 "--size=%" PRIu64 ": cannot allocate that much memory for "
		 "the mem target",
		 cfg->size_bytes);
	return -ENOMEM;
}

void target_mem_copy(uint8_t *disk, const struct target_io *io)
{
	uint8_t *p = disk + io->offset_bytes;

	for (unsigned int i = 0; i < io->nr_iov; i++) {
		const struct iovec *v = &io->iov[i];

		if (io->write)
			memcpy(p, v->iov_base, v->iov_len);
		else
			memcpy(v->iov_base, p, v->iov_len);
		p += v->iov_len;
	}
}

static int mem_submit(void *state, struct target_io *io)
{
	struct mem_target *t = state;
	int64_t len = target_io_check(io, t->size_bytes);

	if (len < 0) {
		io->result = (int32_t)len;
		return TARGET_DONE;
	}
	target_mem_copy(t->disk, io);
	io->result = (int32_t)len;
	return TARGET_DONE;
}

static uint64_t mem_size_bytes(void *state)
{
	return ((struct mem_target *)state)->size_bytes;
}

static void mem_fini(void *state)
{
	struct mem_target *t = state;

	free(t->disk);
	free(t);
}

static const struct target_ops mem_ops = {
	.name = "mem",
	.flags = TARGET_F_SYNC,
	.init = mem_init,
	.submit = mem_submit,
	.flush = sync_flush,
	.reap = sync_reap,
	.wait_fd = sync_wait_fd,
	.size_bytes = mem_size_bytes,
	.fini = mem_fini,
};

/* ---- The registry -------------------------------------------------------- */

/*
 * Every target, in the order help lists them.  An explicit table, not
 * constructor registration: an object in a static library that nothing
 * references is never linked, so its constructor would never run.
 */
static const struct target_ops *const targets[] = {
	&null_ops,
	&mem_ops,
	&filebe_uring_ops,
	&devmodel_ops,
};

const struct target_ops *target_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		if (!strcmp(targets[i]->name, name))
			return targets[i];
	return NULL;
}

const char *target_names(void)
{
	/* Kept in step with targets[] by test_target.c. */
	return "null|mem|uring|model";
}

int target_open(const struct target_ops *ops, const struct target_config *cfg,
		void **state, char *why, size_t why_len)
{
	int ret;

	if (why_len)
		why[0] = '\0';
	if (!ops) {
		snprintf(why, why_len, "no target given (one of %s)",
			 target_names());
		return -EINVAL;
	}
	if (cfg->depth == 0 || cfg->depth > TARGET_DEPTH_MAX) {
		snprintf(why, why_len,
			 "--iodepth=%u: the %s target allows 1..%d I/Os in "
			 "flight",
			 cfg->depth, ops->name, TARGET_DEPTH_MAX);
		return -EINVAL;
	}
	ret = ops->init(cfg, state, why, why_len);
	if (ret < 0 && why_len && why[0] == '\0')
		snprintf(why, why_len, "%s target: %s", ops->name,
			 strerror(-ret));
	return ret;
}
