// SPDX-License-Identifier: MIT
/*
 * The uring target: a file served through io_uring (liburing 2.3 API).
 *
 * Init settles the file: it creates a missing file (0644) and extends a
 * short one with ftruncate, so never-written regions are holes that read
 * as zeros; it writes no data and never shrinks a file.  It refuses block
 * devices unless allowed and every other kind of non-regular file, checks
 * that O_DIRECT (when asked for) takes 512-byte aligned I/O, and sets up a
 * ring of at least depth entries, an eventfd for wait_fd, and depth
 * preallocated slots, one per I/O in flight.  Every refusal leaves a
 * one-line message naming the option at fault, and a file that init
 * created is removed again if init fails after creating it.
 *
 * Per I/O: submit() checks the I/O, takes a slot, copies the iovecs into
 * it and prepares a readv or writev SQE whose user_data is the slot.
 * flush() and reap() enter the kernel.  reap() finishes a slot when its
 * whole length has moved; a short transfer sends the remainder (the slot's
 * iovecs advanced), -EAGAIN sends the same remainder again (a bounded
 * number of times), a transfer of 0 bytes before the end (a read past EOF)
 * fails with -EIO, and any other error fails with that error.
 *
 * Invariant that keeps io_uring_get_sqe() from failing: every slot in
 * flight owns at most one SQE not yet consumed by the kernel, and the SQ
 * has at least depth entries, so while a slot is free an SQE is free too;
 * the CQ has twice as many entries, so it never overflows either.
 *
 * One state is used by one thread at a time (the backend's).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/file_backend.h"

/* The size alignment O_DIRECT needs: the page size, a safe upper bound. */
#define FILEBE_DIRECT_ALIGN 4096

/* CQEs looked at per io_uring_peek_batch_cqe(). */
#define FILEBE_REAP_BATCH 32

/* Times one I/O is sent again after -EAGAIN before it fails with it. */
#define FILEBE_EAGAIN_MAX 64

/* One I/O in flight: what is left of it to transfer. */
struct filebe_slot {
	struct target_io *io;
	/* A copy of io->iov, advanced past what has been transferred. */
	struct iovec iov[TARGET_MAX_IOV];
	unsigned int first; /* iov[first..nr) is the remainder */
	unsigned int nr;
	uint64_t offset_bytes; /* where the remainder starts on the file */
	uint32_t left_bytes;
	uint32_t total_bytes;
	unsigned int eagains;
};

struct filebe {
	struct io_uring ring;
	int fd;
	int event_fd;
	uint64_t size_bytes;
	unsigned int depth;
	unsigned int nr_free;		 /* free_slots[0..nr_free) */
	unsigned int unsubmitted;	 /* SQEs prepared, not yet consumed */
	struct filebe_slot **free_slots; /* a stack */
	struct filebe_slot *slots;	 /* depth of them */
	struct filebe_stats stats;
};

/* ---- Init ---------------------------------------------------------------- */

static const char *filebe_kind(mode_t mode)
{
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISSOCK(mode))
		return "socket";
	return "special file";
}

/* Accepts a regular file, or a block device when allowed. */
static int filebe_check_type(const char *path, const struct stat *st,
			     bool allow_blockdev, char *why, size_t why_len)
{
	if (S_ISREG(st->st_mode))
		return 0;
	if (S_ISBLK(st->st_mode)) {
		if (allow_blockdev)
			return 0;
		snprintf(why, why_len,
			 "--filename=%s: is a block device; pass "
			 "--allow-blockdev to write to it",
			 path);
		return -EPERM;
	}
	snprintf(why, why_len,
		 "--filename=%s: is a %s; the uring target needs a regular "
		 "file (or a block device with --allow-blockdev)",
		 path, filebe_kind(st->st_mode));
	return -EINVAL;
}

/* The alignment the size must have, and the reason, for messages. */
static uint64_t filebe_align(bool direct, const char **need)
{
	*need = direct ? "needed for --direct=1" : "the sector size";
	return direct ? FILEBE_DIRECT_ALIGN : TARGET_SECTOR_BYTES;
}

/*
 * Settles fb->size_bytes from cfg and the open file (st): a block
 * device's size bounds it, a regular file shorter than it is extended.
 */
static int filebe_settle_size(struct filebe *fb,
			      const struct target_config *cfg,
			      const struct stat *st, char *why, size_t why_len)
{
	const char *need;
	uint64_t align = filebe_align(cfg->direct, &need);
	uint64_t have, size;

	if (S_ISBLK(st->st_mode)) {
		if (ioctl(fb->fd, BLKGETSIZE64, &have) < 0) {
			int ret = -errno;

			snprintf(why, why_len,
				 "--filename=%s: cannot read the block "
				 "device's size: %s",
				 cfg->path, strerror(-ret));
			return ret;
		}
	} else {
		have = (uint64_t)st->st_size;
	}

	size = cfg->size_bytes ? cfg->size_bytes : have;
	if (size == 0) {
		snprintf(why, why_len,
			 "--filename=%s: is empty; give --size to size it",
			 cfg->path);
		return -EINVAL;
	}
	if (size % align) {
		/* A given --size was checked before the file was touched. */
		snprintf(why, why_len,
			 "--filename=%s: its size %" PRIu64 " is not a "
			 "multiple of %" PRIu64 " (%s); give --size",
			 cfg->path, size, align, need);
		return -EINVAL;
	}
	if (S_ISBLK(st->st_mode)) {
		if (size > have) {
			snprintf(why, why_len,
				 "--size=%" PRIu64 ": larger than the block "
				 "device %s (%" PRIu64 " bytes)",
				 size, cfg->path, have);
			return -EINVAL;
		}
	} else if (have < size && ftruncate(fb->fd, (off_t)size) < 0) {
		/* Sparse: the new tail is a hole, no data is written. */
		int ret = -errno;

		snprintf(why, why_len,
			 "--filename=%s: cannot extend it to %" PRIu64
			 " bytes: %s",
			 cfg->path, size, strerror(-ret));
		return ret;
	}
	fb->size_bytes = size;
	return 0;
}

/*
 * With O_DIRECT, checks that the file takes the 512-byte alignment blkif
 * I/O has, where the kernel says (statx STATX_DIOALIGN, 6.1 on); a disk
 * with 4096-byte logical blocks would otherwise fail every I/O with
 * -EINVAL.
 */
static int filebe_check_dio_align(int fd, const char *path, char *why,
				  size_t why_len)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) < 0 ||
	    !(sx.stx_mask & STATX_DIOALIGN))
		return 0;
	if (sx.stx_dio_offset_align > TARGET_SECTOR_BYTES ||
	    sx.stx_dio_mem_align > TARGET_SECTOR_BYTES) {
		snprintf(why, why_len,
			 "--filename=%s: O_DIRECT here needs %u-byte aligned "
			 "offsets and %u-byte aligned memory, but blkif I/O is "
			 "only %d-byte aligned; use --direct=0",
			 path, sx.stx_dio_offset_align, sx.stx_dio_mem_align,
			 TARGET_SECTOR_BYTES);
		return -EINVAL;
	}
	return 0;
}

/* Sets up the ring, the eventfd, and the slots. */
static int filebe_setup_ring(struct filebe *fb, unsigned int depth, char *why,
			     size_t why_len)
{
	struct io_uring_params p;
	int ret;

	/*
	 * SUBMIT_ALL (5.18) keeps the kernel consuming SQEs past one that
	 * fails early; older kernels refuse the flag, and the code copes
	 * without it (unconsumed SQEs stay queued for the next enter).
	 */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SUBMIT_ALL;
	ret = io_uring_queue_init_params(depth, &fb->ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(depth, &fb->ring, &p);
	}
	if (ret == -ENOSYS || ret == -EPERM) {
		snprintf(why, why_len,
			 "io_uring is unavailable here (io_uring_setup: %s); "
			 "see sysctl kernel.io_uring_disabled or the seccomp "
			 "policy, or use --backend=mem",
			 strerror(-ret));
		return ret;
	}
	if (ret < 0) {
		snprintf(why, why_len,
			 "io_uring_setup with %u entries failed: %s", depth,
			 strerror(-ret));
		return ret;
	}

	fb->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fb->event_fd < 0) {
		ret = -errno;
		snprintf(why, why_len, "eventfd: %s", strerror(-ret));
		goto err_exit_ring;
	}
	ret = io_uring_register_eventfd(&fb->ring, fb->event_fd);
	if (ret < 0) {
		snprintf(why, why_len, "io_uring_register_eventfd: %s",
			 strerror(-ret));
		goto err_close_event;
	}

	fb->slots = calloc(depth, sizeof(*fb->slots));
	fb->free_slots = calloc(depth, sizeof(*fb->free_slots));
	if (!fb->slots || !fb->free_slots) {
		ret = -ENOMEM;
		snprintf(why, why_len, "out of memory for %u I/O slots", depth);
		goto err_free_slots;
	}
	for (unsigned int i = 0; i < depth; i++)
		fb->free_slots[i] = &fb->slots[depth - 1 - i];
	fb->nr_free = depth;
	fb->depth = depth;
	return 0;

err_free_slots:
	free(fb->free_slots);
	free(fb->slots);
err_close_event:
	close(fb->event_fd);
	fb->event_fd = -1;
err_exit_ring:
	io_uring_queue_exit(&fb->ring);
	return ret;
}

static int filebe_init(const struct target_config *cfg, void **state, char *why,
		       size_t why_len)
{
	const char *path = cfg->path;
	const char *need;
	uint64_t align = filebe_align(cfg->direct, &need);
	int flags = O_RDWR | O_CLOEXEC | (cfg->direct ? O_DIRECT : 0);
	bool created = false;
	struct filebe *fb;
	struct stat st;
	int ret;

	if (!path || !*path) {
		snprintf(why, why_len,
			 "the uring target needs --filename=PATH (a regular "
			 "file, or a block device with --allow-blockdev)");
		return -EINVAL;
	}
	/* Checked before the file is touched, so a bad size creates nothing. */
	if (cfg->size_bytes % align) {
		snprintf(why, why_len,
			 "--size=%" PRIu64 ": not a multiple of %" PRIu64
			 " (%s)",
			 cfg->size_bytes, align, need);
		return -EINVAL;
	}
	if (cfg->size_bytes > INT64_MAX) {
		snprintf(why, why_len,
			 "--size=%" PRIu64 ": larger than a file can be",
			 cfg->size_bytes);
		return -EFBIG;
	}

	/*
	 * Look before opening: opening some character devices has side
	 * effects, and a refused block device is never opened at all.
	 */
	if (stat(path, &st) < 0) {
		ret = -errno;
		if (ret != -ENOENT) {
			snprintf(why, why_len, "--filename=%s: %s", path,
				 strerror(-ret));
			return ret;
		}
		if (cfg->size_bytes == 0) {
			snprintf(why, why_len,
				 "--filename=%s: does not exist; give --size "
				 "to create it",
				 path);
			return ret;
		}
		flags |= O_CREAT | O_EXCL;
		created = true;
	} else {
		ret = filebe_check_type(path, &st, cfg->allow_blockdev, why,
					why_len);
		if (ret < 0)
			return ret;
	}

	fb = calloc(1, sizeof(*fb));
	if (!fb) {
		snprintf(why, why_len, "uring target: out of memory");
		return -ENOMEM;
	}
	fb->event_fd = -1;
	fb->fd = open(path, flags, 0644);
	if (fb->fd < 0) {
		ret = -errno;
		if (ret == -EINVAL && cfg->direct)
			snprintf(why, why_len,
				 "--filename=%s: the filesystem refuses "
				 "O_DIRECT (--direct=1); use --direct=0",
				 path);
		else
			snprintf(why, why_len, "--filename=%s: cannot open: %s",
				 path, strerror(-ret));
		/*
		 * Some filesystems create the file before refusing O_DIRECT;
		 * O_EXCL made it ours, so remove it.
		 */
		if (created && ret == -EINVAL)
			unlink(path);
		goto err_free_fb;
	}
	/* Check again what was opened: the path may have changed since. */
	if (fstat(fb->fd, &st) < 0) {
		ret = -errno;
		snprintf(why, why_len, "--filename=%s: fstat: %s", path,
			 strerror(-ret));
		goto err_close_fd;
	}
	ret = filebe_check_type(path, &st, cfg->allow_blockdev, why, why_len);
	if (ret < 0)
		goto err_close_fd;
	if (cfg->direct) {
		ret = filebe_check_dio_align(fb->fd, path, why, why_len);
		if (ret < 0)
			goto err_close_fd;
	}
	ret = filebe_settle_size(fb, cfg, &st, why, why_len);
	if (ret < 0)
		goto err_close_fd;
	ret = filebe_setup_ring(fb, cfg->depth, why, why_len);
	if (ret < 0)
		goto err_close_fd;
	*state = fb;
	return 0;

err_close_fd:
	close(fb->fd);
	if (created)
		unlink(path);
err_free_fb:
	free(fb);
	return ret;
}

/* ---- Per I/O ------------------------------------------------------------- */

/* Prepares the SQE that moves the slot's remainder. */
static void filebe_prep(struct filebe *fb, struct filebe_slot *s,
			struct io_uring_sqe *sqe)
{
	const struct iovec *iov = &s->iov[s->first];
	unsigned int nr = s->nr - s->first;

	/*
	 * One segment goes as a plain read or write, as fio does by default:
	 * the kernel then has no iovec array to import.
	 */
	if (nr == 1 && s->io->write)
		io_uring_prep_write(sqe, fb->fd, iov->iov_base,
				    (unsigned int)iov->iov_len,
				    s->offset_bytes);
	else if (nr == 1)
		io_uring_prep_read(sqe, fb->fd, iov->iov_base,
				   (unsigned int)iov->iov_len, s->offset_bytes);
	else if (s->io->write)
		io_uring_prep_writev(sqe, fb->fd, iov, nr, s->offset_bytes);
	else
		io_uring_prep_readv(sqe, fb->fd, iov, nr, s->offset_bytes);
	io_uring_sqe_set_data(sqe, s);
	fb->unsubmitted++;
}

/*
 * Enters the kernel: sends the queued SQEs and, with wait_nr, waits for
 * that many CQEs.  It may return before a CQE is ready (a signal after a
 * successful submission), so callers look for CQEs again after it.
 */
static int filebe_enter(struct filebe *fb, unsigned int wait_nr)
{
	int ret;

	do {
		fb->stats.enter_calls++;
		ret = wait_nr ? io_uring_submit_and_wait(&fb->ring, wait_nr) :
				io_uring_submit(&fb->ring);
	} while (ret == -EINTR);
	if (ret < 0)
		return ret;
	/* ret SQEs were consumed; any others stay queued for next time. */
	fb->unsubmitted -= (unsigned int)ret < fb->unsubmitted ?
				   (unsigned int)ret :
				   fb->unsubmitted;
	return 0;
}

/*
 * Sends the slot's remainder again.  Returns false, with io->result set,
 * if no SQE can be had, which the invariant in the file comment rules out.
 */
static bool filebe_resend(struct filebe *fb, struct filebe_slot *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&fb->ring);

	if (!sqe && filebe_enter(fb, 0) == 0)
		sqe = io_uring_get_sqe(&fb->ring);
	if (!sqe) {
		s->io->result = -EIO;
		return false;
	}
	filebe_prep(fb, s, sqe);
	return true;
}

/*
 * Applies one CQE's result to its slot.  Returns true when the I/O is
 * finished (io->result set), false when its remainder was sent again.
 */
static bool filebe_apply(struct filebe *fb, struct filebe_slot *s, int res)
{
	struct target_io *io = s->io;

	if (res == -EAGAIN && s->eagains < FILEBE_EAGAIN_MAX) {
		s->eagains++;
		fb->stats.eagain_resubmits++;
		return !filebe_resend(fb, s);
	}
	if (res < 0) {
		io->result = res;
		return true;
	}
	if ((uint32_t)res > s->left_bytes) {
		/* More than asked for: the kernel would be broken. */
		io->result = -EIO;
		return true;
	}
	if ((uint32_t)res == s->left_bytes) {
		io->result = (int32_t)s->total_bytes;
		return true;
	}
	if (res == 0) {
		/* No progress: a read past the end of the file. */
		io->result = -EIO;
		return true;
	}

	/* A short transfer: send what did not move (0 < res < left). */
	if (target_iov_advance(s->iov, &s->first, s->nr, (size_t)res) < 0) {
		io->result = -EIO;
		return true;
	}
	s->left_bytes -= (uint32_t)res;
	s->offset_bytes += (uint64_t)res;
	s->eagains = 0;
	fb->stats.short_resubmits++;
	return !filebe_resend(fb, s);
}

static int filebe_submit(void *state, struct target_io *io)
{
	struct filebe *fb = state;
	int64_t len = target_io_check(io, fb->size_bytes);
	struct io_uring_sqe *sqe;
	struct filebe_slot *s;

	if (len < 0) {
		io->result = (int32_t)len;
		return TARGET_DONE;
	}
	if (fb->nr_free == 0)
		return -EBUSY;
	sqe = io_uring_get_sqe(&fb->ring);
	if (!sqe)
		return -EBUSY;

	s = fb->free_slots[--fb->nr_free];
	s->io = io;
	memcpy(s->iov, io->iov, io->nr_iov * sizeof(io->iov[0]));
	s->first = 0;
	s->nr = io->nr_iov;
	s->offset_bytes = io->offset_bytes;
	s->left_bytes = (uint32_t)len;
	s->total_bytes = (uint32_t)len;
	s->eagains = 0;
	filebe_prep(fb, s, sqe);
	fb->stats.submitted++;
	return TARGET_QUEUED;
}

static int filebe_flush(void *state)
{
	struct filebe *fb = state;

	return fb->unsubmitted ? filebe_enter(fb, 0) : 0;
}

/* Finishes the I/Os whose CQEs are ready, up to room; no system call. */
static unsigned int filebe_complete(struct filebe *fb, struct target_io **done,
				    unsigned int room)
{
	struct io_uring_cqe *cqes[FILEBE_REAP_BATCH];
	unsigned int n = 0;

	while (n < room) {
		unsigned int want = room - n < FILEBE_REAP_BATCH ?
					    room - n :
					    FILEBE_REAP_BATCH;
		unsigned int got =
			io_uring_peek_batch_cqe(&fb->ring, cqes, want);

		if (got == 0)
			break;
		/* Each CQE finishes at most one I/O, so done[] has room. */
		for (unsigned int i = 0; i < got; i++) {
			struct filebe_slot *s = io_uring_cqe_get_data(cqes[i]);

			if (!filebe_apply(fb, s, cqes[i]->res))
				continue;
			done[n++] = s->io;
			fb->free_slots[fb->nr_free++] = s;
			fb->stats.completed++;
		}
		io_uring_cq_advance(&fb->ring, got);
	}
	return n;
}

static int filebe_reap(void *state, struct target_io **done, unsigned int max,
		       bool wait)
{
	struct filebe *fb = state;
	unsigned int n = 0;
	int ret;

	if (max == 0)
		return 0;
	/* Without waiting, send first so that inline completions show up. */
	if (!wait && fb->unsubmitted) {
		ret = filebe_enter(fb, 0);
		if (ret < 0)
			return ret;
	}
	for (;;) {
		n += filebe_complete(fb, done + n, max - n);
		if (n > 0 || !wait || fb->nr_free == fb->depth)
			break;
		/* Sends what is queued, then sleeps until a CQE is posted. */
		ret = filebe_enter(fb, 1);
		if (ret < 0)
			return ret;
	}
	/* Remainders of short transfers, and anything queued meanwhile. */
	if (fb->unsubmitted) {
		ret = filebe_enter(fb, 0);
		if (ret < 0 && n == 0)
			return ret;
	}
	return (int)n;
}

static int filebe_wait_fd(void *state)
{
	return ((struct filebe *)state)->event_fd;
}

static uint64_t filebe_size_bytes(void *state)
{
	return ((struct filebe *)state)->size_bytes;
}

static void filebe_fini(void *state)
{
	struct filebe *fb = state;
	struct target_io *sink[FILEBE_REAP_BATCH];

	/* Wait out what is in flight, so the caller may reuse its buffers. */
	while (fb->nr_free < fb->depth)
		if (filebe_reap(fb, sink, FILEBE_REAP_BATCH, true) < 0)
			break;
	/* Exiting the ring also unregisters the eventfd. */
	io_uring_queue_exit(&fb->ring);
	close(fb->event_fd);
	close(fb->fd);
	free(fb->free_slots);
	free(fb->slots);
	free(fb);
}

void filebe_get_stats(void *state, struct filebe_stats *out)
{
	*out = ((struct filebe *)state)->stats;
}

const struct target_ops filebe_uring_ops = {
	.name = "uring",
	.flags = TARGET_F_FILE,
	.init = filebe_init,
	.submit = filebe_submit,
	.flush = filebe_flush,
	.reap = filebe_reap,
	.wait_fd = filebe_wait_fd,
	.size_bytes = filebe_size_bytes,
	.fini = filebe_fini,
};
