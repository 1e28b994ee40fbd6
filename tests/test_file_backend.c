// SPDX-License-Identifier: MIT
/*
 * Tests of sim/file_backend.c, the uring target, on real files in a
 * temporary directory under /tmp (made by the suite's init fixture and
 * removed by its cleanup): random multi-iovec writes at many offsets,
 * buffered and O_DIRECT, read back through the target and through a plain
 * fd and compared byte by byte; the depth limit (-EBUSY); reap with wait;
 * wait_fd; how a file is created, extended and never truncated; refusal
 * of character and block devices and of bad sizes, with their messages;
 * and a read past the end of a file that shrank, which must fail, not
 * hang.  The program skips (77) where io_uring is unavailable.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/file_backend.h"
#include "sim/target.h"
#include "tests/cu_main.h"
#include "tests/target_pattern.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Long enough that only a hang, never a slow machine, runs into it. */
#define POLL_TIMEOUT_MS 30000

static const struct target_ops *uring;
static char tmpdir[64];

/* ---- Fixture: a temporary directory -------------------------------------- */

static int suite_init(void)
{
	uring = target_find("uring");
	if (!uring)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/blkring-filebe-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_cleanup(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return rmdir(tmpdir);
}

/* The path of name in the temporary directory, in buf. */
static const char *tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

/* Creates path with len bytes of seed's pattern, by plain writes. */
static void make_file(const char *path, size_t len, uint64_t seed)
{
	uint8_t *data = malloc(len ? len : 1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_FATAL(fd >= 0);
	for (size_t i = 0; i < len; i++)
		data[i] = tp_byte(seed, i);
	CU_ASSERT_EQUAL(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
}

/* Checks that path holds len bytes of seed's pattern from offset 0. */
static bool has_pattern(const char *path, size_t len, uint64_t seed)
{
	uint8_t *data = malloc(len);
	int fd = open(path, O_RDONLY);
	bool same = data && fd >= 0 && pread(fd, data, len, 0) == (ssize_t)len;

	for (size_t i = 0; same && i < len; i++)
		same = data[i] == tp_byte(seed, i);
	if (fd >= 0)
		close(fd);
	free(data);
	return same;
}

static int open_uring(const char *path, uint64_t size_bytes, bool direct,
		      unsigned int depth, void **state, char *why,
		      size_t why_len)
{
	struct target_config cfg;

	target_config_default(&cfg);
	cfg.path = path;
	cfg.size_bytes = size_bytes;
	cfg.direct = direct;
	cfg.depth = depth;
	return target_open(uring, &cfg, state, why, why_len);
}

/* Reaps, waiting, until io comes back; false if something else did. */
static bool reap_one(void *state, struct target_io *io)
{
	struct target_io *done[2];
	int n;

	do
		n = uring->reap(state, done, 2, true);
	while (n == 0);
	return n == 1 && done[0] == io;
}

/* ---- Data: multi-iovec writes, read back and compared -------------------- */

#define DATA_DISK_BYTES (1u << 20)
#define DATA_REGION_BYTES (48u << 10) /* > TP_MAX_IOV pages */
#define DATA_REGIONS (DATA_DISK_BYTES / DATA_REGION_BYTES)
#define DATA_ROUNDS 4
#define DATA_DEPTH 8
#define DATA_SEED 0x66696c656265ull

/* The I/Os of one data test: DATA_DEPTH of them, each with its pages. */
struct data_run {
	void *state;
	struct target_io io[DATA_DEPTH];
	uint32_t len[DATA_DEPTH];
	uint8_t *pages; /* DATA_DEPTH * TP_MAX_IOV pages */
	unsigned int free[DATA_DEPTH], nr_free;
	uint8_t *shadow; /* the model disk */
	unsigned int bad;
};

static uint8_t *run_pages(struct data_run *r, unsigned int slot)
{
	return r->pages + (size_t)slot * TP_MAX_IOV * TP_PAGE_BYTES;
}

/*
 * Hands back completed I/Os, checking each one's length and, for reads,
 * every byte against the model.  With wait, blocks for at least one.
 */
static void run_reap(struct data_run *r, bool wait)
{
	struct target_io *done[DATA_DEPTH];
	int n = uring->reap(r->state, done, DATA_DEPTH, wait);

	CU_ASSERT_FATAL(n >= 0);
	for (int i = 0; i < n; i++) {
		unsigned int slot = (unsigned int)done[i]->user;

		CU_ASSERT_FATAL(slot < DATA_DEPTH && done[i] == &r->io[slot]);
		CU_ASSERT_EQUAL(done[i]->result, (int32_t)r->len[slot]);
		if (!done[i]->write) {
			uint64_t diff = tp_compare(done[i], r->shadow);

			if (diff != UINT64_MAX && r->bad++ < 5)
				fprintf(stderr, "byte %" PRIu64 " differs\n",
					diff);
		}
		r->free[r->nr_free++] = slot;
	}
}

/* A free slot, reaping (waiting) when all are in flight. */
static unsigned int run_slot(struct data_run *r)
{
	while (r->nr_free == 0)
		run_reap(r, true);
	return r->free[--r->nr_free];
}

static void run_submit(struct data_run *r, unsigned int slot)
{
	CU_ASSERT_EQUAL(uring->submit(r->state, &r->io[slot]), TARGET_QUEUED);
	/* Send every other one at once, the rest with the next. */
	if (slot & 1)
		CU_ASSERT_EQUAL(uring->flush(r->state), 0);
}

static void run_drain(struct data_run *r)
{
	CU_ASSERT_EQUAL(uring->flush(r->state), 0);
	while (r->nr_free < DATA_DEPTH)
		run_reap(r, true);
}

static void data_test(bool direct, const char *name)
{
	struct data_run r = { .nr_free = DATA_DEPTH };
	uint64_t rng = DATA_SEED + direct;
	uint8_t *on_disk;
	char path[128], why[256];
	int ret, fd;

	tmp_path(path, sizeof(path), name);
	ret = open_uring(path, DATA_DISK_BYTES, direct, DATA_DEPTH, &r.state,
			 why, sizeof(why));
	if (direct && ret == -EINVAL && strstr(why, "O_DIRECT")) {
		cu_skip(why);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	CU_ASSERT_EQUAL(uring->size_bytes(r.state), DATA_DISK_BYTES);
	r.pages = aligned_alloc(TP_PAGE_BYTES, (size_t)DATA_DEPTH * TP_MAX_IOV *
						       TP_PAGE_BYTES);
	r.shadow = calloc(1, DATA_DISK_BYTES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.pages);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.shadow);
	for (unsigned int i = 0; i < DATA_DEPTH; i++)
		r.free[i] = i;

	/*
	 * Rounds of writes, one per region in a shuffled order; regions do
	 * not overlap, so the I/Os in flight together never do, and each
	 * round drains before the next rewrites the same regions.
	 */
	for (unsigned int round = 0; round < DATA_ROUNDS; round++) {
		unsigned int order[DATA_REGIONS];

		for (unsigned int i = 0; i < DATA_REGIONS; i++)
			order[i] = i;
		for (unsigned int i = DATA_REGIONS - 1; i > 0; i--) {
			unsigned int j = (unsigned int)tp_below(&rng, i + 1);
			unsigned int t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (unsigned int i = 0; i < DATA_REGIONS; i++) {
			unsigned int slot = run_slot(&r);
			struct target_io *io = &r.io[slot];
			uint32_t len =
				tp_random_layout(io, run_pages(&r, slot), &rng,
						 TP_MAX_IOV * TP_PAGE_BYTES);
			uint64_t room =
				(DATA_REGION_BYTES - len) / TARGET_SECTOR_BYTES;

			io->offset_bytes =
				(uint64_t)order[i] * DATA_REGION_BYTES +
				tp_below(&rng, room + 1) * TARGET_SECTOR_BYTES;
			io->write = true;
			io->user = slot;
			r.len[slot] = len;
			tp_fill(io, DATA_SEED + round * 100 + order[i]);
			tp_apply(io, r.shadow);
			run_submit(&r, slot);
		}
		run_drain(&r);
	}

	/* Read the whole disk back in other random layouts, compared. */
	for (uint64_t off = 0; off < DATA_DISK_BYTES;) {
		unsigned int slot = run_slot(&r);
		struct target_io *io = &r.io[slot];

		r.len[slot] =
			tp_random_layout(io, run_pages(&r, slot), &rng,
					 (uint32_t)(DATA_DISK_BYTES - off));
		io->offset_bytes = off;
		io->write = false;
		io->user = slot;
		off += r.len[slot];
		run_submit(&r, slot);
	}
	run_drain(&r);
	CU_ASSERT_EQUAL(r.bad, 0);
	uring->fini(r.state);

	/* And through a plain fd: the data is in the file itself. */
	on_disk = malloc(DATA_DISK_BYTES);
	fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(on_disk && fd >= 0);
	CU_ASSERT_EQUAL(pread(fd, on_disk, DATA_DISK_BYTES, 0),
			DATA_DISK_BYTES);
	CU_ASSERT(memcmp(on_disk, r.shadow, DATA_DISK_BYTES) == 0);
	close(fd);
	free(on_disk);
	free(r.shadow);
	free(r.pages);
}

static void test_data_buffered(void)
{
	data_test(false, "data-buffered");
}

static void test_data_direct(void)
{
	data_test(true, "data-direct");
}

/* ---- Depth, reap, wait_fd ------------------------------------------------ */

#define BUSY_DEPTH 4

static void test_depth_busy(void)
{
	static _Alignas(4096) uint8_t buf[BUSY_DEPTH + 1][4096];
	struct target_io io[BUSY_DEPTH + 1], *done[BUSY_DEPTH + 1];
	unsigned int back = 0;
	char path[128], why[256];
	void *state;

	tmp_path(path, sizeof(path), "busy");
	CU_ASSERT_EQUAL_FATAL(open_uring(path, 64 << 10, false, BUSY_DEPTH,
					 &state, why, sizeof(why)),
			      0);
	/* Nothing in flight: a waiting reap returns at once. */
	CU_ASSERT_EQUAL(uring->reap(state, done, BUSY_DEPTH, true), 0);

	for (unsigned int i = 0; i <= BUSY_DEPTH; i++)
		io[i] = (struct target_io){
			.offset_bytes = i * 4096,
			.iov = { { buf[i], 4096 } },
			.nr_iov = 1,
			.write = true,
			.result = 777,
			.user = i,
		};
	for (unsigned int i = 0; i < BUSY_DEPTH; i++)
		CU_ASSERT_EQUAL(uring->submit(state, &io[i]), TARGET_QUEUED);
	/* Full before and after the flush: the depth counts queued I/Os. */
	CU_ASSERT_EQUAL(uring->submit(state, &io[BUSY_DEPTH]), -EBUSY);
	CU_ASSERT_EQUAL(uring->flush(state), 0);
	CU_ASSERT_EQUAL(uring->submit(state, &io[BUSY_DEPTH]), -EBUSY);
	CU_ASSERT_EQUAL(io[BUSY_DEPTH].result, 777);

	/* Reap with wait until all are back, each exactly once. */
	while (back != (1u << BUSY_DEPTH) - 1) {
		int n = uring->reap(state, done, BUSY_DEPTH + 1, true);

		CU_ASSERT_FATAL(n > 0);
		for (int i = 0; i < n; i++) {
			CU_ASSERT_FATAL(done[i]->user < BUSY_DEPTH);
			CU_ASSERT_FALSE(back & (1u << done[i]->user));
			CU_ASSERT_EQUAL(done[i]->result, 4096);
			back |= 1u << done[i]->user;
		}
	}
	CU_ASSERT_EQUAL(uring->reap(state, done, BUSY_DEPTH, true), 0);

	/* Room again; reap without a flush sends it. */
	CU_ASSERT_EQUAL(uring->submit(state, &io[BUSY_DEPTH]), TARGET_QUEUED);
	CU_ASSERT(reap_one(state, &io[BUSY_DEPTH]));
	CU_ASSERT_EQUAL(io[BUSY_DEPTH].result, 4096);
	uring->fini(state);
}

/*
 * wait_fd polls readable once a completion is ready, buffered (completed
 * inline at submission) and O_DIRECT (completed later by the device, the
 * case a sleeping backend depends on).
 */
static void test_wait_fd(void)
{
	static _Alignas(4096) uint8_t buf[8192];
	struct target_io io = {
		.offset_bytes = 8192,
		.iov = { { buf, 4096 }, { buf + 4096, 4096 } },
		.nr_iov = 2,
	};
	struct target_io *done[2];
	char path[128], why[256];

	tmp_path(path, sizeof(path), "waitfd");
	for (int direct = 0; direct < 2; direct++) {
		struct pollfd pfd;
		void *state;
		int ret;

		ret = open_uring(path, 64 << 10, direct, 8, &state, why,
				 sizeof(why));
		if (direct && ret == -EINVAL && strstr(why, "O_DIRECT")) {
			cu_skip(why);
			return;
		}
		CU_ASSERT_EQUAL_FATAL(ret, 0);
		pfd = (struct pollfd){ .fd = uring->wait_fd(state),
				       .events = POLLIN };
		CU_ASSERT_FATAL(pfd.fd >= 0);
		CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);

		for (int write = 1; write >= 0; write--) {
			io.write = write;
			io.result = 777;
			CU_ASSERT_EQUAL(uring->submit(state, &io),
					TARGET_QUEUED);
			CU_ASSERT_EQUAL(uring->flush(state), 0);
			CU_ASSERT_EQUAL(poll(&pfd, 1, POLL_TIMEOUT_MS), 1);
			CU_ASSERT(pfd.revents & POLLIN);
			CU_ASSERT_EQUAL(target_wait_fd_clear(pfd.fd), 0);
			/* Readable means the completion is there at once. */
			CU_ASSERT_EQUAL(uring->reap(state, done, 2, false), 1);
			CU_ASSERT_EQUAL(io.result, 8192);
			/* Cleared, nothing in flight: not readable. */
			CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
		}
		/* Clearing when nothing is pending is fine too. */
		CU_ASSERT_EQUAL(target_wait_fd_clear(pfd.fd), 0);
		uring->fini(state);
	}
}

/* ---- Files: created, extended, never truncated --------------------------- */

static void test_missing_created(void)
{
	static _Alignas(4096) uint8_t buf[4096];
	struct target_io io = {
		.offset_bytes = (128 << 10) - 4096,
		.iov = { { buf, 4096 } },
		.nr_iov = 1,
	};
	char path[128], why[256];
	mode_t mask = umask(0);
	struct stat st;
	void *state;

	umask(mask);
	tmp_path(path, sizeof(path), "created");
	CU_ASSERT_EQUAL_FATAL(open_uring(path, 128 << 10, false, 8, &state, why,
					 sizeof(why)),
			      0);
	CU_ASSERT_EQUAL(uring->size_bytes(state), 128 << 10);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644 & ~mask);
	CU_ASSERT_EQUAL(st.st_size, 128 << 10);
	/* Sized, not written: a hole, which reads as zeros. */
	CU_ASSERT_EQUAL(st.st_blocks, 0);
	memset(buf, 0xee, sizeof(buf));
	CU_ASSERT_EQUAL(uring->submit(state, &io), TARGET_QUEUED);
	CU_ASSERT(reap_one(state, &io));
	CU_ASSERT_EQUAL(io.result, 4096);
	CU_ASSERT(buf[0] == 0 && buf[2048] == 0 && buf[4095] == 0);
	uring->fini(state);
}

static void test_existing_kept(void)
{
	static const struct {
		size_t file_bytes;
		uint64_t size_bytes; /* asked for */
		uint64_t settled;    /* size_bytes() */
		size_t after;	     /* the file's size after */
	} cases[] = {
		{ 256 << 10, 64 << 10, 64 << 10, 256 << 10 }, /* not cut */
		{ 256 << 10, 0, 256 << 10, 256 << 10 },	      /* its size */
		{ 256 << 10, 256 << 10, 256 << 10, 256 << 10 },
		{ 8 << 10, 64 << 10, 64 << 10, 64 << 10 }, /* extended */
	};
	char path[128], why[256];

	tmp_path(path, sizeof(path), "existing");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t seed = DATA_SEED + i;
		struct stat st;
		void *state;

		make_file(path, cases[i].file_bytes, seed);
		CU_ASSERT_EQUAL_FATAL(open_uring(path, cases[i].size_bytes,
						 false, 8, &state, why,
						 sizeof(why)),
				      0);
		CU_ASSERT_EQUAL(uring->size_bytes(state), cases[i].settled);
		uring->fini(state);
		CU_ASSERT_EQUAL(stat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_size, (off_t)cases[i].after);
		CU_ASSERT(has_pattern(path, cases[i].file_bytes, seed));
	}
}

/* ---- Refusals and their messages ----------------------------------------- */

static void test_bad_config(void)
{
	static const struct {
		const char *name; /* in tmpdir; NULL: no path */
		long file_bytes;  /* -1: missing */
		uint64_t size_bytes;
		bool direct;
		int ret;
		const char *why[3]; /* substrings the message must hold */
	} cases[] = {
		{ NULL, -1, 4096, false, -EINVAL, { "--filename", NULL } },
		{ "m", -1, 0, false, -ENOENT, { "does not exist", "--size" } },
		{ "m",
		  -1,
		  1000,
		  true,
		  -EINVAL,
		  { "--size=1000", "4096", "--direct=1" } },
		{ "m", -1, 1000, false, -EINVAL, { "--size=1000", "512" } },
		{ "m", -1, 6144, true, -EINVAL, { "--size=6144", "4096" } },
		{ "m",
		  -1,
		  1ull << 63,
		  false,
		  -EFBIG,
		  { "--size=9223372036854775808", "larger than a file" } },
		{ "e", 1000, 0, false, -EINVAL, { "its size 1000", "512" } },
		{ "e",
		  6144,
		  0,
		  true,
		  -EINVAL,
		  { "its size 6144", "4096", "--direct=1" } },
		{ "e", 0, 0, false, -EINVAL, { "is empty", "--size" } },
		{ ".", -1, 4096, false, -EINVAL, { "is a directory", NULL } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char path[128], why[256];
		void *state = NULL;
		int ret;

		if (cases[i].name) {
			tmp_path(path, sizeof(path), cases[i].name);
			unlink(path);
		}
		if (cases[i].file_bytes >= 0)
			make_file(path, (size_t)cases[i].file_bytes, 1);
		ret = open_uring(cases[i].name ? path : NULL,
				 cases[i].size_bytes, cases[i].direct, 8,
				 &state, why, sizeof(why));
		if (ret != cases[i].ret)
			fprintf(stderr, "case %zu: %d (%s)\n", i, ret, why);
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		CU_ASSERT_PTR_NULL(state);
		for (size_t j = 0; j < 3; j++) {
			bool has;

			if (!cases[i].why[j])
				continue;
			has = strstr(why, cases[i].why[j]) != NULL;
			if (!has)
				fprintf(stderr, "case %zu: '%s' lacks '%s'\n",
					i, why, cases[i].why[j]);
			CU_ASSERT(has);
		}
		/* A refused missing file is not left behind. */
		if (cases[i].name && strcmp(cases[i].name, ".") &&
		    cases[i].file_bytes < 0)
			CU_ASSERT(access(path, F_OK) != 0);
	}
}

static void test_char_device_refused(void)
{
	char why[256];
	void *state = NULL;
	int ret = open_uring("/dev/null", 4096, false, 8, &state, why,
			     sizeof(why));

	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_PTR_NULL(state);
	CU_ASSERT(strstr(why, "/dev/null") && strstr(why, "character device"));
}

static const char *const blockdev_names[] = {
	"/dev/loop0", "/dev/loop1",   "/dev/vda",     "/dev/xvda",
	"/dev/sda",   "/dev/nvme0n1", "/dev/mmcblk0",
};

static bool is_blockdev(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

/* A block device's size in bytes, or 0 if it cannot be opened or read. */
static uint64_t blockdev_bytes(const char *path)
{
	uint64_t bytes = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
		bytes = 0;
	close(fd);
	return bytes;
}

/* Without --allow-blockdev, refused before it is even opened. */
static void test_block_device_refused(void)
{
	const char *dev = NULL;
	char why[256];
	void *state = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(blockdev_names) && !dev; i++)
		if (is_blockdev(blockdev_names[i]))
			dev = blockdev_names[i];
	if (!dev) {
		cu_skip("no block device node here");
		return;
	}
	CU_ASSERT_EQUAL(open_uring(dev, 0, false, 8, &state, why, sizeof(why)),
			-EPERM);
	CU_ASSERT_PTR_NULL(state);
	CU_ASSERT(strstr(why, dev) && strstr(why, "is a block device") &&
		  strstr(why, "--allow-blockdev"));
}

/*
 * With --allow-blockdev, a device that can be opened is, and its size
 * bounds the disk.  Nothing is ever submitted: the test never writes.
 */
static void test_block_device_allowed(void)
{
	const char *dev = NULL;
	struct target_config cfg;
	uint64_t dev_bytes = 0;
	char why[256];
	void *state = NULL;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(blockdev_names) && !dev; i++) {
		if (!is_blockdev(blockdev_names[i]))
			continue;
		dev_bytes = blockdev_bytes(blockdev_names[i]);
		if (dev_bytes && dev_bytes % TARGET_SECTOR_BYTES == 0)
			dev = blockdev_names[i];
	}
	if (!dev) {
		cu_skip("no block device here that can be opened and sized");
		return;
	}
	target_config_default(&cfg);
	cfg.path = dev;
	cfg.allow_blockdev = true;
	ret = target_open(uring, &cfg, &state, why, sizeof(why));
	if (ret == -EACCES || ret == -EPERM || ret == -EROFS) {
		cu_skip(why);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	CU_ASSERT_EQUAL(uring->size_bytes(state), dev_bytes);
	uring->fini(state);

	cfg.size_bytes = (dev_bytes + 4096) & ~(uint64_t)4095;
	state = NULL;
	ret = target_open(uring, &cfg, &state, why, sizeof(why));
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_PTR_NULL(state);
	CU_ASSERT(strstr(why, "larger than the block device") != NULL);
}

/* ---- Errors per I/O ------------------------------------------------------ */

/*
 * The file shrinks under the target: a read that straddles the new end
 * gets a short read, sends the remainder, gets 0 and fails with -EIO; a
 * read wholly past it fails the same way.  Neither hangs.
 */
static void test_read_past_eof(void)
{
	static _Alignas(4096) uint8_t buf[3][4096];
	static const struct {
		uint64_t offset_bytes;
		unsigned int nr_iov;
		uint64_t min_short; /* short resubmits at least */
	} reads[] = {
		{ (32 << 10) - 4096, 3, 1 }, /* 4 KiB in, 8 KiB out */
		{ 40 << 10, 2, 0 },	     /* all past the end */
		{ (32 << 10) - 8192, 2, 0 }, /* ends at the end: fine */
	};
	char path[128], why[256];

	tmp_path(path, sizeof(path), "shrinks");
	for (int direct = 0; direct < 2; direct++) {
		struct filebe_stats before, after;
		void *state;
		int ret;

		unlink(path);
		ret = open_uring(path, 64 << 10, direct, 8, &state, why,
				 sizeof(why));
		if (direct && ret == -EINVAL && strstr(why, "O_DIRECT")) {
			cu_skip(why);
			return;
		}
		CU_ASSERT_EQUAL_FATAL(ret, 0);
		CU_ASSERT_EQUAL_FATAL(truncate(path, 32 << 10), 0);
		for (size_t i = 0; i < ARRAY_SIZE(reads); i++) {
			struct target_io io = {
				.offset_bytes = reads[i].offset_bytes,
				.iov = { { buf[0], 4096 },
					 { buf[1], 4096 },
					 { buf[2], 4096 } },
				.nr_iov = reads[i].nr_iov,
			};
			bool ok = reads[i].offset_bytes +
					  reads[i].nr_iov * 4096 <=
				  (32 << 10);

			filebe_get_stats(state, &before);
			CU_ASSERT_EQUAL(uring->submit(state, &io),
					TARGET_QUEUED);
			CU_ASSERT(reap_one(state, &io));
			CU_ASSERT_EQUAL(io.result,
					ok ? (int32_t)(reads[i].nr_iov * 4096) :
					     -EIO);
			filebe_get_stats(state, &after);
			CU_ASSERT(after.short_resubmits -
					  before.short_resubmits >=
				  reads[i].min_short);
		}
		uring->fini(state);
	}
}

/* Malformed and out-of-range I/Os complete at once, never queued. */
static void test_bad_io(void)
{
	static _Alignas(4096) uint8_t buf[4096];
	static const struct {
		uint64_t offset_bytes;
		size_t base_off, len;
		int32_t result;
	} cases[] = {
		{ 100, 0, 512, -EINVAL },
		{ 0, 256, 512, -EINVAL },
		{ 0, 0, 1000, -EINVAL },
		{ 64 << 10, 0, 512, -ERANGE },
		{ (64 << 10) - 512, 0, 1024, -ERANGE },
	};
	char path[128], why[256];
	struct filebe_stats stats;
	void *state;

	tmp_path(path, sizeof(path), "badio");
	CU_ASSERT_EQUAL_FATAL(open_uring(path, 64 << 10, false, 8, &state, why,
					 sizeof(why)),
			      0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct target_io io = {
			.offset_bytes = cases[i].offset_bytes,
			.iov = { { buf + cases[i].base_off, cases[i].len } },
			.nr_iov = 1,
			.write = true,
		};

		CU_ASSERT_EQUAL(uring->submit(state, &io), TARGET_DONE);
		CU_ASSERT_EQUAL(io.result, cases[i].result);
	}
	filebe_get_stats(state, &stats);
	CU_ASSERT_EQUAL(stats.submitted, 0);
	uring->fini(state);
}

/* fini waits for I/O in flight: the writes are in the file after it. */
static void test_fini_waits(void)
{
	static _Alignas(4096) uint8_t buf[8][4096];
	struct target_io io[8];
	char path[128], why[256];
	void *state;

	tmp_path(path, sizeof(path), "fini");
	CU_ASSERT_EQUAL_FATAL(open_uring(path, 32 << 10, false, 8, &state, why,
					 sizeof(why)),
			      0);
	for (unsigned int i = 0; i < 8; i++) {
		io[i] = (struct target_io){
			.offset_bytes = i * 4096,
			.iov = { { buf[i], 4096 } },
			.nr_iov = 1,
			.write = true,
		};
		tp_fill(&io[i], 7);
		CU_ASSERT_EQUAL(uring->submit(state, &io[i]), TARGET_QUEUED);
	}
	CU_ASSERT_EQUAL(uring->flush(state), 0);
	uring->fini(state);
	CU_ASSERT(has_pattern(path, 32 << 10, 7));
}

/* ---- Registration -------------------------------------------------------- */

/* Skips the whole program where io_uring cannot be set up at all. */
static bool io_uring_available(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, 0);

	if (ret == -ENOSYS || ret == -EPERM) {
		fprintf(stderr, "test_file_backend: io_uring unavailable: %s\n",
			strerror(-ret));
		return false;
	}
	if (ret == 0)
		io_uring_queue_exit(&ring);
	return true;
}

int cu_register(void)
{
	CU_pSuite s;

	if (!io_uring_available())
		return CU_EXIT_SKIP;

	s = CU_add_suite("data", suite_init, suite_cleanup);
	CU_ADD_TEST(s, test_data_buffered);
	CU_ADD_TEST(s, test_data_direct);

	s = CU_add_suite("queue", suite_init, suite_cleanup);
	CU_ADD_TEST(s, test_depth_busy);
	CU_ADD_TEST(s, test_wait_fd);
	CU_ADD_TEST(s, test_fini_waits);

	s = CU_add_suite("files", suite_init, suite_cleanup);
	CU_ADD_TEST(s, test_missing_created);
	CU_ADD_TEST(s, test_existing_kept);
	CU_ADD_TEST(s, test_bad_config);
	CU_ADD_TEST(s, test_char_device_refused);
	CU_ADD_TEST(s, test_block_device_refused);
	CU_ADD_TEST(s, test_block_device_allowed);

	s = CU_add_suite("errors", suite_init, suite_cleanup);
	CU_ADD_TEST(s, test_read_past_eof);
	CU_ADD_TEST(s, test_bad_io);
	return 0;
}
