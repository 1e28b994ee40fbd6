// SPDX-License-Identifier: MIT
/*
 * Block-trace replay (see trace.h): a line reader over one fixed buffer
 * and a hand-written parser per format (no sscanf: a million lines a
 * second is the aim, and every field is checked, not skipped over).  A
 * struct wl_trace belongs to one thread at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "workloads/trace.h"

#define SECTOR 512u

struct wl_trace {
	struct wl_trace_config cfg;
	char *path;
	int fd;
	char *buf;	 /* WL_TRACE_BUF_BYTES */
	size_t pos, end; /* unread bytes are buf[pos, end) */
	bool eof;
	uint64_t line_no; /* of the line last taken */
	enum wl_trace_format fmt;
	unsigned int version; /* iolog */
	bool have_t0;
	uint64_t t0_ns; /* the first I/O's timestamp */
	bool summary;	/* blkparse: past the events */
	/* What is left of an I/O being cut into pieces. */
	struct wl_trace_rec piece;
	uint64_t piece_left;
	struct wl_trace_stats st;
	int err;
	char error[384];
};

/* One parsed line. */
enum line_kind {
	LINE_IO,
	LINE_SKIP, /* valid, not an I/O */
	LINE_BAD,  /* reason in why */
};

struct line_io {
	uint64_t offset_bytes, len_bytes, ts_ns;
	bool write, has_ts;
};

void wl_trace_config_default(struct wl_trace_config *cfg)
{
	*cfg = (struct wl_trace_config){
		.format = WL_TRACE_AUTO,
		.time_scale_pct = 100,
		.blkparse_action = 'Q',
		.max_io_bytes = 1u << 20,
	};
}

static const char *const format_names[WL_TRACE_NR] = {
	[WL_TRACE_AUTO] = "auto",
	[WL_TRACE_IOLOG] = "iolog",
	[WL_TRACE_BLKPARSE] = "blkparse",
	[WL_TRACE_MSR] = "msr",
};

const char *wl_trace_format_name(enum wl_trace_format f)
{
	return (unsigned int)f < WL_TRACE_NR ? format_names[f] : "invalid";
}

int wl_trace_format_parse(const char *s, enum wl_trace_format *out)
{
	for (unsigned int i = 0; i < WL_TRACE_NR; i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum wl_trace_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- Reading lines ------------------------------------------------------ */

/* Reads more into the buffer after moving the unread part to its start. */
static int fill(struct wl_trace *t)
{
	ssize_t n;

	if (t->pos) {
		memmove(t->buf, t->buf + t->pos, t->end - t->pos);
		t->end -= t->pos;
		t->pos = 0;
	}
	do
		n = read(t->fd, t->buf + t->end, WL_TRACE_BUF_BYTES - t->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		t->eof = true;
	t->end += (size_t)n;
	return 0;
}

/*
 * Takes the next line (without its '\n' or "\r\n") into [*line, *line +
 * *len).  Returns 1, 0 at the end, -E2BIG for a line longer than the
 * buffer, or -errno.
 */
static int next_line(struct wl_trace *t, const char **line, size_t *len)
{
	char *nl;
	int rc;

	for (;;) {
		nl = memchr(t->buf + t->pos, '\n', t->end - t->pos);
		if (nl || t->eof)
			break;
		if (t->pos == 0 && t->end == WL_TRACE_BUF_BYTES)
			return -E2BIG;
		rc = fill(t);
		if (rc)
			return rc;
	}
	if (!nl && t->pos == t->end)
		return 0;
	*line = t->buf + t->pos;
	*len = (nl ? (size_t)(nl - t->buf) : t->end) - t->pos;
	t->pos += *len + (nl != NULL);
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	t->line_no++;
	t->st.lines++;
	return 1;
}

/* ---- Fields ------------------------------------------------------------- */

struct cur {
	const char *p, *e;
};

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static inline void skip_ws(struct cur *c)
{
	while (c->p < c->e && is_space(*c->p))
		c->p++;
}

static inline bool at_end(struct cur *c)
{
	skip_ws(c);
	return c->p == c->e;
}

/* Decimal digits into *v; false without digits or past 64 bits. */
static inline bool get_u64(struct cur *c, uint64_t *v)
{
	const char *s = c->p;
	uint64_t x = 0;

	for (; c->p < c->e && *c->p >= '0' && *c->p <= '9'; c->p++) {
		unsigned int d = (unsigned int)(*c->p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return c->p != s;
}

/* A run of non-blank characters; false if there is none. */
static inline bool get_token(struct cur *c, const char **tok, size_t *len)
{
	skip_ws(c);
	*tok = c->p;
	while (c->p < c->e && !is_space(*c->p))
		c->p++;
	*len = (size_t)(c->p - *tok);
	return *len != 0;
}

static inline bool tok_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(tok, word, len);
}

__attribute__((format(printf, 2, 3))) static enum line_kind
bad(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, 160, fmt, ap);
	va_end(ap);
	return LINE_BAD;
}

/* Checks what every format shares: lengths and alignment. */
static enum line_kind check_io(const struct line_io *io, char *why)
{
	if (!io->len_bytes)
		return bad(why, "zero length");
	if (io->offset_bytes % SECTOR)
		return bad(why, "offset %" PRIu64 " is not a multiple of %u",
			   io->offset_bytes, SECTOR);
	if (io->len_bytes % SECTOR)
		return bad(why, "length %" PRIu64 " is not a multiple of %u",
			   io->len_bytes, SECTOR);
	if (io->offset_bytes + io->len_bytes < io->offset_bytes)
		return bad(why, "offset + length overflows 64 bits");
	return LINE_IO;
}

/* ---- iolog -------------------------------------------------------------- */

static enum line_kind parse_iolog(struct wl_trace *t, struct cur *c,
				  struct line_io *io, char *why)
{
	const char *file, *act;
	size_t flen, alen;
	uint64_t a = 0, b = 0;
	bool nums;

	if (t->version == 3) {
		skip_ws(c);
		if (!get_u64(c, &io->ts_ns))
			return bad(why, "expected a timestamp (microseconds) "
					"first");
		if (io->ts_ns > UINT64_MAX / 1000)
			return bad(why, "timestamp too large");
		io->ts_ns *= 1000;
		io->has_ts = true;
	}
	if (!get_token(c, &file, &flen) || !get_token(c, &act, &alen))
		return bad(why, "expected %sFILE ACTION [OFFSET LENGTH]",
			   t->version == 3 ? "TIME " : "");
	skip_ws(c);
	nums = c->p < c->e;
	if (nums) {
		if (!get_u64(c, &a) || (skip_ws(c), !get_u64(c, &b)) ||
		    !at_end(c))
			return bad(why, "expected two numbers (offset and "
					"length) after the action");
	}
	if (tok_is(act, alen, "read") || tok_is(act, alen, "write")) {
		if (!nums)
			return bad(why, "%.*s without offset and length",
				   (int)alen, act);
		io->write = act[0] == 'w';
		io->offset_bytes = a;
		io->len_bytes = b;
		return check_io(io, why);
	}
	if (tok_is(act, alen, "add") || tok_is(act, alen, "open") ||
	    tok_is(act, alen, "close")) {
		if (nums)
			return bad(why, "%.*s takes no offset or length",
				   (int)alen, act);
		return LINE_SKIP;
	}
	if (tok_is(act, alen, "sync") || tok_is(act, alen, "datasync") ||
	    tok_is(act, alen, "trim"))
		return LINE_SKIP; /* not modelled: no flush or discard here */
	if (tok_is(act, alen, "wait")) {
		if (!nums)
			return bad(why, "wait without a time");
		/*
		 * Version 2 is replayed untimed (see trace.h), so its waits
		 * are passed over, as fio passes over waits in version 3.
		 */
		return LINE_SKIP;
	}
	return bad(why,
		   "unknown action '%.*s' (allowed: read, write, add, open, "
		   "close, sync, datasync, trim, wait)",
		   (int)(alen > 32 ? 32 : alen), act);
}

/* ---- blkparse ----------------------------------------------------------- */

/* "SEC.NSEC" (up to 9 decimals) into ns. */
static bool get_time(struct cur *c, uint64_t *ns)
{
	uint64_t sec, frac = 0;
	unsigned int digits = 0;

	if (!get_u64(c, &sec) || sec > UINT64_MAX / 1000000000u)
		return false;
	if (c->p < c->e && *c->p == '.') {
		for (c->p++; c->p < c->e && *c->p >= '0' && *c->p <= '9';
		     c->p++) {
			if (digits++ >= 9)
				return false;
			frac = frac * 10 + (uint64_t)(*c->p - '0');
		}
		if (!digits)
			return false;
	}
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000u + frac;
	return true;
}

static enum line_kind parse_blkparse(struct wl_trace *t, struct cur *c,
				     struct line_io *io, char *why)
{
	uint64_t maj, min, cpu, seq, pid, sector, count;
	const char *act, *rwbs, *plus;
	size_t alen, rlen, plen;
	bool r = false, w = false;

	skip_ws(c);
	if (t->summary)
		return LINE_SKIP;
	if (c->e - c->p >= 3 &&
	    (!strncmp(c->p, "CPU", 3) ||
	     (c->e - c->p >= 5 && !strncmp(c->p, "Total", 5)))) {
		t->summary = true; /* blkparse's closing statistics */
		return LINE_SKIP;
	}
	if (!get_u64(c, &maj) || c->p == c->e || *c->p++ != ',' ||
	    !get_u64(c, &min))
		return bad(why, "expected a device MAJ,MIN first");
	skip_ws(c);
	if (!get_u64(c, &cpu))
		return bad(why, "expected a CPU number after the device");
	skip_ws(c);
	if (!get_u64(c, &seq))
		return bad(why, "expected a sequence number after the CPU");
	skip_ws(c);
	if (!get_time(c, &io->ts_ns))
		return bad(why, "expected a time SECONDS.NANOSECONDS");
	io->has_ts = true;
	skip_ws(c);
	if (!get_u64(c, &pid))
		return bad(why, "expected a PID after the time");
	if (!get_token(c, &act, &alen) || !get_token(c, &rwbs, &rlen))
		return bad(why, "expected an action and RWBS after the PID");
	if (alen != 1 || act[0] != t->cfg.blkparse_action)
		return LINE_SKIP; /* another event of the request's life */
	for (size_t i = 0; i < rlen; i++) {
		switch (rwbs[i]) {
		case 'R':
			r = true;
			break;
		case 'W':
			w = true;
			break;
		case 'D': /* discard */
		case 'E': /* secure erase */
			return LINE_SKIP;
		case 'F':
		case 'N':
		case 'A':
		case 'S':
		case 'M':
			break;
		default:
			return bad(why,
				   "RWBS '%.*s' has '%c' (allowed: F, R, "
				   "W, D, E, N, A, S, M)",
				   (int)(rlen > 16 ? 16 : rlen), rwbs, rwbs[i]);
		}
	}
	skip_ws(c);
	if (c->p == c->e && !r && !w)
		return LINE_SKIP; /* a flush with no data */
	if (!get_u64(c, &sector) || !get_token(c, &plus, &plen) ||
	    !tok_is(plus, plen, "+") || (skip_ws(c), !get_u64(c, &count)))
		return bad(why, "expected SECTOR + COUNT after the RWBS");
	if (!r && !w)
		return LINE_SKIP; /* N: no data */
	if (!count)
		return LINE_SKIP; /* an empty flush */
	if (sector > UINT64_MAX / SECTOR || count > UINT32_MAX / SECTOR)
		return bad(why, "sector or count too large");
	io->offset_bytes = sector * SECTOR;
	io->len_bytes = count * SECTOR;
	io->write = w;
	return check_io(io, why);
}

/* ---- MSR Cambridge ------------------------------------------------------ */

static enum line_kind parse_msr(struct wl_trace *t, struct cur *c,
				struct line_io *io, char *why)
{
	const char *f[8];
	size_t n = 0, len[8];
	uint64_t v;
	struct cur x;

	(void)t;
	for (const char *p = c->p;; p++) {
		if (n == 7)
			return bad(why, "more than 7 comma-separated fields");
		f[n] = p;
		while (p < c->e && *p != ',')
			p++;
		len[n] = (size_t)(p - f[n]);
		n++;
		if (p == c->e)
			break;
	}
	if (n != 7)
		return bad(why,
			   "%zu fields, expected 7 (Timestamp, Hostname, "
			   "DiskNumber, Type, Offset, Size, ResponseTime)",
			   n);
	x = (struct cur){ f[0], f[0] + len[0] };
	if (!get_u64(&x, &v) || x.p != x.e || v > UINT64_MAX / 100)
		return bad(why, "Timestamp '%.*s' is not a whole number",
			   (int)(len[0] > 32 ? 32 : len[0]), f[0]);
	io->ts_ns = v * 100; /* Windows ticks of 100 ns */
	io->has_ts = true;
	x = (struct cur){ f[2], f[2] + len[2] };
	if (!get_u64(&x, &v) || x.p != x.e)
		return bad(why, "DiskNumber '%.*s' is not a whole number",
			   (int)(len[2] > 32 ? 32 : len[2]), f[2]);
	if (len[3] == 4 && !strncasecmp(f[3], "read", 4))
		io->write = false;
	else if (len[3] == 5 && !strncasecmp(f[3], "write", 5))
		io->write = true;
	else
		return bad(why, "Type '%.*s' (allowed: Read, Write)",
			   (int)(len[3] > 32 ? 32 : len[3]), f[3]);
	x = (struct cur){ f[4], f[4] + len[4] };
	if (!get_u64(&x, &io->offset_bytes) || x.p != x.e)
		return bad(why, "Offset '%.*s' is not a whole number",
			   (int)(len[4] > 32 ? 32 : len[4]), f[4]);
	x = (struct cur){ f[5], f[5] + len[5] };
	if (!get_u64(&x, &io->len_bytes) || x.p != x.e)
		return bad(why, "Size '%.*s' is not a whole number",
			   (int)(len[5] > 32 ? 32 : len[5]), f[5]);
	x = (struct cur){ f[6], f[6] + len[6] };
	if (!get_u64(&x, &v) || x.p != x.e)
		return bad(why, "ResponseTime '%.*s' is not a whole number",
			   (int)(len[6] > 32 ? 32 : len[6]), f[6]);
	return check_io(io, why);
}

/* ---- Open, next, close -------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static int fail(char *why, size_t len,
						      const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The format of the first non-blank line at the start of the buffer. */
static enum wl_trace_format detect(const char *p, const char *e)
{
	const char *q;

	while (p < e && (*p == '\n' || *p == '\r' || is_space(*p)))
		p++;
	if (e - p >= 11 && !strncmp(p, "fio version", 11))
		return WL_TRACE_IOLOG;
	if (e - p >= 10 && !strncmp(p, "Timestamp,", 10))
		return WL_TRACE_MSR;
	q = p;
	while (q < e && *q >= '0' && *q <= '9')
		q++;
	if (q == p || q == e)
		return WL_TRACE_AUTO;
	if (*q == ',') {
		/* "8,0 " is blkparse; "128166372003061629,hm,..." is MSR. */
		for (q++; q < e && *q >= '0' && *q <= '9'; q++)
			;
		return q < e && is_space(*q) ? WL_TRACE_BLKPARSE : WL_TRACE_MSR;
	}
	return WL_TRACE_AUTO;
}

int wl_trace_open(const struct wl_trace_config *cfg, struct wl_trace **out,
		  char *why, size_t why_len)
{
	struct wl_trace *t;
	const char *line;
	size_t len;
	int rc;

	if (!cfg->path || !cfg->path[0])
		return fail(why, why_len, "trace: no file name");
	if (!cfg->time_scale_pct)
		return fail(why, why_len,
			    "replay_time_scale=0: must be a positive "
			    "percentage (100: the trace's own pace)");
	if (cfg->blkparse_action != 'Q' && cfg->blkparse_action != 'D')
		return fail(why, why_len,
			    "blkparse action '%c': allowed Q or D",
			    cfg->blkparse_action);
	if (!cfg->max_io_bytes || cfg->max_io_bytes % SECTOR)
		return fail(why, why_len,
			    "max_io_bytes=%" PRIu32
			    ": must be a positive multiple of 512",
			    cfg->max_io_bytes);
	if ((unsigned int)cfg->format >= WL_TRACE_NR)
		return fail(why, why_len, "trace format %u: unknown",
			    (unsigned int)cfg->format);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cfg = *cfg;
	t->path = strdup(cfg->path);
	t->buf = malloc(WL_TRACE_BUF_BYTES);
	if (!t->path || !t->buf) {
		rc = -ENOMEM;
		goto err_free;
	}
	t->cfg.path = t->path;
	t->fd = open(cfg->path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		rc = -errno;
		snprintf(why, why_len, "%s: cannot open: %s", cfg->path,
			 strerror(errno));
		goto err_free;
	}
	/* Enough of the file to see its first line. */
	while (!t->eof && t->end < 4096) {
		rc = fill(t);
		if (rc) {
			snprintf(why, why_len, "%s: cannot read: %s", cfg->path,
				 strerror(-rc));
			goto err_close;
		}
	}
	t->fmt = cfg->format;
	if (t->fmt == WL_TRACE_AUTO)
		t->fmt = detect(t->buf, t->buf + t->end);
	if (t->fmt == WL_TRACE_AUTO) {
		rc = fail(why, why_len,
			  "%s: format not recognised from its first line "
			  "(allowed: fio iolog v2/v3, blkparse text, MSR "
			  "Cambridge CSV)",
			  cfg->path);
		goto err_close;
	}
	if (t->fmt == WL_TRACE_IOLOG) {
		do
			rc = next_line(t, &line, &len);
		while (rc == 1 && len == 0);
		if (rc == 1 && len >= 19 &&
		    !strncmp(line, "fio version 2 iolog", 19))
			t->version = 2;
		else if (rc == 1 && len >= 19 &&
			 !strncmp(line, "fio version 3 iolog", 19))
			t->version = 3;
		if (!t->version) {
			rc = fail(why, why_len,
				  "%s:%" PRIu64 ": not an iolog header "
				  "(allowed: 'fio version 2 iolog', "
				  "'fio version 3 iolog')",
				  cfg->path, t->line_no);
			goto err_close;
		}
	}
	t->st.format = t->fmt;
	t->st.iolog_version = t->version;
	*out = t;
	return 0;

err_close:
	close(t->fd);
err_free:
	free(t->buf);
	free(t->path);
	free(t);
	return rc;
}

void wl_trace_close(struct wl_trace *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t->buf);
	free(t->path);
	free(t);
}

/* Hands out the next piece of the I/O being cut. */
static int take_piece(struct wl_trace *t, struct wl_trace_rec *rec)
{
	uint32_t n = t->piece_left < t->cfg.max_io_bytes ?
			     (uint32_t)t->piece_left :
			     t->cfg.max_io_bytes;

	*rec = t->piece;
	rec->len_bytes = n;
	t->piece.offset_bytes += n;
	t->piece_left -= n;
	t->st.ios++;
	return 1;
}

static int stop(struct wl_trace *t, int err, const char *reason)
{
	t->err = err;
	snprintf(t->error, sizeof(t->error), "%s:%" PRIu64 ": %s", t->path,
		 t->line_no, reason);
	return err;
}

int wl_trace_next(struct wl_trace *t, struct wl_trace_rec *rec)
{
	char why[160];

	if (t->err)
		return t->err;
	if (t->piece_left) {
		t->st.split++;
		return take_piece(t, rec);
	}
	for (;;) {
		struct line_io io = { 0 };
		enum line_kind k;
		const char *line;
		struct cur c;
		size_t len;
		uint64_t rel;
		int rc = next_line(t, &line, &len);

		if (rc == 0)
			return 0;
		if (rc == -E2BIG) {
			t->line_no++;
			snprintf(why, sizeof(why),
				 "line longer than %u bytes: not a trace line",
				 WL_TRACE_BUF_BYTES - 1);
			return stop(t, -EINVAL, why);
		}
		if (rc < 0) {
			snprintf(why, sizeof(why), "read: %s", strerror(-rc));
			return stop(t, rc, why);
		}
		c = (struct cur){ line, line + len };
		if (at_end(&c))
			continue; /* blank lines carry nothing */
		if (t->fmt == WL_TRACE_MSR && t->line_no == 1 && len >= 9 &&
		    !strncmp(line, "Timestamp", 9)) {
			t->st.skipped++; /* the header */
			continue;
		}
		switch (t->fmt) {
		case WL_TRACE_IOLOG:
			k = parse_iolog(t, &c, &io, why);
			break;
		case WL_TRACE_BLKPARSE:
			k = parse_blkparse(t, &c, &io, why);
			break;
		default:
			k = parse_msr(t, &c, &io, why);
			break;
		}
		if (k == LINE_SKIP) {
			t->st.skipped++;
			continue;
		}
		if (k == LINE_BAD) {
			if (t->cfg.skip_bad) {
				t->st.skipped_bad++;
				continue;
			}
			return stop(t, -EINVAL, why);
		}
		if (io.has_ts && !t->have_t0) {
			t->have_t0 = true;
			t->t0_ns = io.ts_ns;
		}
		rel = io.ts_ns > t->t0_ns ? io.ts_ns - t->t0_ns : 0;
		t->piece.issue_ns = 0;
		if (!t->cfg.no_stall)
			t->piece.issue_ns =
				(uint64_t)((unsigned __int128)rel * 100 /
					   t->cfg.time_scale_pct);
		t->piece.offset_bytes = io.offset_bytes;
		t->piece.write = io.write;
		t->piece_left = io.len_bytes;
		return take_piece(t, rec);
	}
}

bool wl_trace_timed(const struct wl_trace *t)
{
	return !t->cfg.no_stall &&
	       !(t->fmt == WL_TRACE_IOLOG && t->version == 2);
}

const char *wl_trace_error(const struct wl_trace *t)
{
	return t->error;
}

void wl_trace_stats(const struct wl_trace *t, struct wl_trace_stats *out)
{
	*out = t->st;
}
