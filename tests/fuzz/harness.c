/* SPDX-License-Identifier: MIT */
/*
 * The fuzz harnesses (see harness.h).  Beyond "no crash", two of them
 * check a property on every input the parser accepts: the option
 * harness that each option's value formats to a string that parses back
 * to the same value, and the trace harness that every I/O it hands out
 * is a whole number of sectors within the configured maximum.
 */
#include "tests/fuzz/harness.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/jobfile.h"
#include "bench/json.h"
#include "bench/runset.h"
#include "sim/backend.h"
#include "sim/hostile.h"
#include "bench/opts.h"
#include "bench/sweep.h"
#include "workloads/trace.h"
#include "workloads/workload.h"

#define FAKE_CLOCK_TICK_NS 10
#include "tests/fake_clock.h"

/* Inputs longer than this are cut: the parsers' limits are far below. */
#define FUZZ_INPUT_MAX (64u * 1024)
#define FUZZ_ARGS_MAX 64

/* A NUL-terminated copy of the input, or NULL if it is too long. */
static char *copy_text(const uint8_t *data, size_t size)
{
	char *s;

	if (size > FUZZ_INPUT_MAX)
		return NULL;
	s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Every option of @cfg formats to a string that bench_opt_set() takes
 * back to the same string: what `blkring sweep` and the reports rely on.
 */
static void check_round_trip(const struct bench_config *cfg)
{
	const struct bench_opt *o;
	struct bench_config back;
	char a[512], b[512], err[256];

	if (bench_config_default(&back) < 0)
		abort();
	bench_opt_for_each(o) {
		if (bench_opt_format(cfg, o, a, sizeof(a)) < 0)
			continue; /* a value too long to print is not lost */
		if (bench_opt_set(&back, o->name, a, err, sizeof(err)) < 0) {
			fprintf(stderr, "--%s=%s does not parse back: %s\n",
				o->name, a, err);
			abort();
		}
		if (bench_opt_format(&back, o, b, sizeof(b)) < 0 ||
		    strcmp(a, b)) {
			fprintf(stderr, "--%s=%s comes back as %s\n", o->name,
				a, b);
			abort();
		}
	}
}

int fuzz_opts(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_ARGS_MAX + 2], *text, *p;
	struct bench_config cfg;
	char err[256];
	int argc = 1, first, rc;
	bool ok;

	text = copy_text(data, size);
	if (!text)
		return 0;
	argv[0] = "blkring";
	/* Split on NUL and newline; empty arguments are arguments too. */
	for (p = text; argc <= FUZZ_ARGS_MAX;) {
		size_t n = strcspn(p, "\n");

		argv[argc++] = p;
		if (p + n >= text + size)
			break;
		p[n] = '\0';
		p += n + 1;
	}
	argv[argc] = NULL;
	if (bench_config_default(&cfg) < 0)
		abort();
	rc = bench_opts_parse(argc, argv, &cfg, &first, err, sizeof(err));
	ok = rc == 0 && bench_config_check(&cfg, err, sizeof(err)) == 0;
	if (ok)
		check_round_trip(&cfg);
	free(text);
	return ok;
}

int fuzz_jobfile(const uint8_t *data, size_t size)
{
	struct bench_jobfile *jf;
	struct bench_config cfg;
	char *text, err[256];
	bool ok = false;
	size_t i;

	text = copy_text(data, size);
	if (!text)
		return 0;
	if (bench_jobfile_parse("fuzz.fio", text, NULL, &jf, err,
				sizeof(err)) == 0) {
		ok = true;
		for (i = 0; i < bench_jobfile_njobs(jf); i++) {
			if (bench_config_default(&cfg) < 0)
				abort();
			(void)bench_jobfile_job_name(jf, i);
			(void)bench_jobfile_numjobs(jf, i);
			if (bench_jobfile_apply(jf, i, &cfg, err,
						sizeof(err)) == 0 &&
			    bench_config_check(&cfg, err, sizeof(err)) == 0)
				check_round_trip(&cfg);
			else
				ok = false;
		}
		bench_jobfile_free(jf);
	}
	free(text);
	return ok;
}

int fuzz_trace(const uint8_t *data, size_t size)
{
	static const enum wl_trace_format formats[] = {
		WL_TRACE_AUTO, WL_TRACE_IOLOG, WL_TRACE_BLKPARSE, WL_TRACE_MSR
	};
	struct wl_trace_config cfg;
	struct wl_trace_rec rec;
	struct wl_trace *t;
	char path[64], why[256];
	unsigned int n;
	int fd, rc = -1;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	wl_trace_config_default(&cfg);
	cfg.format = formats[data[0] & 3];
	cfg.skip_bad = data[0] & 4;
	cfg.blkparse_action = data[0] & 8 ? 'D' : 'Q';
	cfg.no_stall = data[0] & 16;
	fd = memfd_create("fuzz-trace", 0);
	if (fd < 0)
		abort();
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cfg.path = path;
	if (wl_trace_open(&cfg, &t, why, sizeof(why)) == 0) {
		/* A line yields at most max_io_bytes / 512 pieces. */
		for (n = 0; n < 1u << 20; n++) {
			rc = wl_trace_next(t, &rec);
			if (rc <= 0)
				break;
			if (!rec.len_bytes || rec.len_bytes % 512 ||
			    rec.len_bytes > cfg.max_io_bytes ||
			    rec.offset_bytes % 512)
				abort();
		}
		wl_trace_close(t);
	}
	close(fd);
	return rc == 0;
}

int fuzz_axis(const uint8_t *data, size_t size)
{
	static struct bench_sweep s; /* large: keep it off the stack */
	struct bench_config cfg;
	unsigned long i;
	char *text, err[256];
	bool ok = false;

	text = copy_text(data, size);
	if (!text)
		return 0;
	if (bench_config_default(&s.base) < 0)
		abort();
	s.naxes = 0;
	s.repeats = 1;
	if (bench_axis_parse(text, &s.axes[0], err, sizeof(err)) == 0) {
		s.naxes = 1;
		ok = true;
		for (i = 0; i < bench_sweep_npoints(&s); i++)
			if (bench_sweep_point(&s, i, &cfg, err, sizeof(err)) ==
				    0 &&
			    bench_config_check(&cfg, err, sizeof(err)) == 0)
				check_round_trip(&cfg);
			else
				ok = false;
	}
	free(text);
	return ok;
}

/* ---- ring: a backend under a hostile frontend ----------------------------- */

#define RING_DISK_BYTES (256u * 1024)
#define RING_GRANT_PAGES 16

static uint64_t take_word(const uint8_t **p, const uint8_t *end)
{
	uint64_t w = 0;
	size_t n = (size_t)(end - *p) < sizeof(w) ? (size_t)(end - *p) :
						    sizeof(w);

	memcpy(&w, *p, n);
	*p += n;
	return w;
}

/*
 * The input is pairs of words for hostile_apply(); after every pair whose
 * first word's top bit is set, the backend takes a turn.  Everything it
 * copied out is answered (the mem target completes at once).
 */
int fuzz_ring(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct blkif_sring *sring;
	struct grant_table gt;
	struct evtchn_config ec;
	struct evtchn_port irq;
	struct target_config tc;
	struct backend_stats st;
	const struct target_ops *mem = target_find("mem");
	struct backend *be;
	struct hostile *h;
	void *disk;
	char why[128];

	if (size > FUZZ_INPUT_MAX)
		return 0;
	sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	if (!sring || grant_table_init(&gt, RING_GRANT_PAGES) < 0)
		abort();
	ring_sring_init(sring, 0);
	evtchn_config_default(&ec);
	target_config_default(&tc);
	tc.size_bytes = RING_DISK_BYTES;
	tc.depth = 64;
	if (evtchn_init(&irq, &ec) < 0 ||
	    target_open(mem, &tc, &disk, why, sizeof(why)) < 0)
		abort();
	struct backend_config bc = {
		.disk_bytes = RING_DISK_BYTES,
		.coalesce_count = 1,
		.max_indirect_segments = 64,
		.sring = sring,
		.grants = &gt,
		.irq = &irq,
		.target = mem,
		.target_state = disk,
		.clock = &fake_clock,
	};
	struct hostile_config hc = {
		.disk_bytes = RING_DISK_BYTES,
		.sring = sring,
		.grants = &gt,
		.fatal_per_mille = 5,
	};
	if (backend_create(&bc, &be) < 0 || hostile_create(&hc, &h) < 0)
		abort();
	while (p < end) {
		uint64_t a = take_word(&p, end);

		hostile_apply(h, a, take_word(&p, end));
		if (!(a >> 63))
			continue;
		backend_kick(be);
		backend_consume(be);
		backend_reap(be);
		hostile_take_responses(h);
		backend_stats(be, &st);
		if (st.requests != st.responses + st.inflight)
			abort();
		if (st.dead)
			break;
	}
	hostile_destroy(h);
	backend_destroy(be);
	mem->fini(disk);
	evtchn_fini(&irq);
	grant_table_fini(&gt);
	free(sring);
	return 1;
}

/* ---- report: the JSON that compare reads ----------------------------------- */

/* Visits every value below @v, as a reader of the document would. */
static void walk(const struct json_value *v, unsigned int depth)
{
	size_t n;

	if (depth > 1000) /* the reader bounds nesting far below this */
		abort();
	switch (json_type(v)) {
	case JSON_OBJECT:
		n = json_count(v);
		for (size_t i = 0; i < n; i++) {
			if (!json_key(v, i) ||
			    json_get(v, json_key(v, i)) == NULL)
				abort();
			walk(json_at(v, i), depth + 1);
		}
		break;
	case JSON_ARRAY:
		n = json_count(v);
		for (size_t i = 0; i < n; i++)
			walk(json_at(v, i), depth + 1);
		break;
	case JSON_STRING:
		if (!json_str(v))
			abort();
		break;
	default:
		(void)json_num(v);
		break;
	}
}

int fuzz_report(const uint8_t *data, size_t size)
{
	struct json_doc *doc;
	struct runset *set;
	char err[256];
	bool ok = false;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	if (json_parse((const char *)data, size, "fuzz.json", &doc, err,
		       sizeof(err)) < 0)
		return 0;
	walk(json_root(doc), 0);
	set = runset_create("fuzz.json");
	if (!set)
		abort();
	/* Twice: the second report must match the first one's schema. */
	if (runset_add_doc(set, doc, "fuzz.json", err, sizeof(err)) == 0 &&
	    runset_add_doc(set, doc, "fuzz.json", err, sizeof(err)) == 0) {
		FILE *out = fopen("/dev/null", "w");

		if (!out || runset_write(out, set, 0.95) < 0)
			abort();
		fclose(out);
		ok = true;
	}
	runset_destroy(set);
	json_free(doc);
	return ok;
}

/*
 * The check names the first wrong field in its order (magic, checksum,
 * offset, length; never seed or generation, the caller's); the checksum
 * it reports is the block's when the magic is right; and the block that
 * wl_vblock_fill() makes from the fields it decoded always checks.
 */
int fuzz_vblock(const uint8_t *data, size_t size)
{
	static _Alignas(8) uint8_t blk[WL_VBLOCK_BYTES];
	struct wl_vblock_header h, h2;
	uint64_t off = 0;
	uint32_t crc, crc2;
	enum wl_vfield f;

	if (size > 8 + WL_VBLOCK_BYTES)
		return 0;
	for (size_t i = 0; i < 8 && i < size; i++)
		off |= (uint64_t)data[i] << (8 * i);
	memset(blk, 0, sizeof(blk));
	if (size > 8)
		memcpy(blk, data + 8, size - 8);
	f = wl_vblock_check(blk, off, &h, &crc);
	if ((unsigned int)f >= WL_VF_NR || f == WL_VF_SEED ||
	    f == WL_VF_GENERATION)
		abort();
	if (f != WL_VF_MAGIC && (crc == h.crc32c) != (f != WL_VF_CHECKSUM))
		abort();
	if (f == WL_VF_OK &&
	    (h.offset_bytes != off || h.length_bytes != WL_VBLOCK_BYTES))
		abort();
	wl_vblock_fill(blk, off, h.generation, h.seed);
	if (wl_vblock_check(blk, off, &h2, &crc2) != WL_VF_OK ||
	    h2.generation != h.generation || h2.seed != h.seed)
		abort();
	return f == WL_VF_OK;
}

/* clang-format off */
const struct fuzz_target fuzz_targets[] = {
	{ "opts", fuzz_opts },
	{ "jobfile", fuzz_jobfile },
	{ "trace", fuzz_trace },
	{ "axis", fuzz_axis },
	{ "ring", fuzz_ring },
	{ "report", fuzz_report },
	{ "vblock", fuzz_vblock },
	{ NULL, NULL },
};
/* clang-format on */
