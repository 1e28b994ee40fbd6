/* SPDX-License-Identifier: MIT */
/*
 * Block-trace replay: reads a trace file as a stream of I/Os (offset,
 * length, direction, intended issue time) in four formats, so that a
 * workload captured from a real guest can drive the model.  The file is
 * read through one fixed buffer (WL_TRACE_BUF_BYTES) and never held
 * whole: a trace of any length replays in constant memory.
 *
 * Formats (format=auto looks at the first non-empty line):
 *   iolog     fio's iolog version 2 ("fio version 2 iolog", then
 *             "FILE ACTION [OFFSET LENGTH]") and version 3 ("fio version 3
 *             iolog", then "USEC FILE ACTION [OFFSET LENGTH]", USEC the
 *             microseconds since the trace began).  read and write are
 *             I/Os; add, open, close, sync, datasync, trim and wait are
 *             counted and skipped (blkif here has no flush or discard).
 *             Version 2 has no timestamps: it replays untimed, as fast
 *             as the queue depth allows.
 *   blkparse  blkparse's default text output: "MAJ,MIN CPU SEQ SEC.NSEC PID
 *             ACTION RWBS SECTOR + COUNT [PROC]".  Events of the chosen
 *             action (Q, queued, or D, issued to the driver) whose RWBS has
 *             R or W are I/Os; other events, discards and empty flushes
 *             are counted and skipped; the summary blkparse prints at the
 *             end (from a line starting with "CPU" or "Total") is skipped.
 *   msr       the SNIA MSR Cambridge CSV: "Timestamp,Hostname,DiskNumber,
 *             Type,Offset,Size,ResponseTime", Timestamp in Windows 100 ns
 *             ticks, Type Read or Write, Offset and Size in bytes; an
 *             optional header line starting with "Timestamp" is skipped.
 *
 * Timing: the issue time of an I/O is its timestamp minus the first
 * I/O's, divided by time_scale_pct / 100 (fio's replay_time_scale: 200
 * replays twice as fast), or 0 for all with no_stall (fio's
 * replay_no_stall: as fast as the queue depth allows, closed loop).
 *
 * Every line is either used, counted as skipped for a stated reason, or
 * refused: a line that does not parse (a missing field, a number that is
 * not one, an offset or length that is not a multiple of 512, a zero
 * length) stops the stream with "file:line: reason", or, with skip_bad,
 * is counted in skipped_bad and passed over.  Nothing is guessed.  I/Os
 * longer than max_io_bytes are cut into pieces of that size with the
 * same issue time (counted in split).
 *
 * Threads: a struct wl_trace belongs to one thread at a time; it reads
 * its file with read(2), one system call per buffer of lines.
 */
#ifndef BLKRING_WORKLOADS_TRACE_H
#define BLKRING_WORKLOADS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The read buffer: also the longest line accepted. */
#define WL_TRACE_BUF_BYTES (64u * 1024)

enum wl_trace_format {
	WL_TRACE_AUTO,
	WL_TRACE_IOLOG,
	WL_TRACE_BLKPARSE,
	WL_TRACE_MSR,
	WL_TRACE_NR,
};

struct wl_trace_config {
	const char *path;
	enum wl_trace_format format; /* WL_TRACE_AUTO */
	bool skip_bad;		     /* count and skip malformed lines */
	bool no_stall;		     /* every issue_ns 0 */
	unsigned int time_scale_pct; /* 100: the trace's own pace */
	char blkparse_action;	     /* 'Q' (default) or 'D' */
	uint32_t max_io_bytes;	     /* longer I/Os are cut; 1 MiB */
};

/* One I/O of the trace, before it is wrapped into a region. */
struct wl_trace_rec {
	uint64_t offset_bytes;
	uint32_t len_bytes;
	bool write;
	uint64_t issue_ns; /* from the start of the replay */
};

struct wl_trace_stats {
	uint64_t lines;	      /* lines read */
	uint64_t ios;	      /* I/Os handed out (pieces counted) */
	uint64_t skipped;     /* lines valid but not I/O (see above) */
	uint64_t skipped_bad; /* malformed lines passed over (skip_bad) */
	uint64_t split;	      /* extra pieces of cut I/Os */
	enum wl_trace_format format; /* as detected */
	unsigned int iolog_version;  /* 2 or 3 for iolog */
};

struct wl_trace;

/* Fills @cfg with the defaults noted in struct wl_trace_config. */
void wl_trace_config_default(struct wl_trace_config *cfg);

/*
 * Opens the trace of @cfg (the path is copied) and reads its first lines
 * to settle the format.  Returns 0 and sets *@out, or -errno with one
 * line in @why: the file cannot be read, the format is not recognised,
 * or the config is bad (time_scale_pct 0, blkparse_action not Q or D,
 * max_io_bytes not a positive multiple of 512).  Any thread.
 */
__attribute__((warn_unused_result)) int
wl_trace_open(const struct wl_trace_config *cfg, struct wl_trace **out,
	      char *why, size_t why_len);

/* Closes @t (NULL is fine). */
void wl_trace_close(struct wl_trace *t);

/*
 * Fills @rec with the next I/O.  Returns 1, 0 at the end of the trace,
 * -EINVAL at a malformed line (without skip_bad), or -errno if reading
 * failed; after a negative return wl_trace_error() says why and every
 * later call returns the same.  No allocation; a read(2) per buffer.
 * The owning thread.
 */
int wl_trace_next(struct wl_trace *t, struct wl_trace_rec *rec);

/*
 * Whether @t's issue times are a schedule (open loop): false with
 * no_stall and for iolog version 2.  Any time after open.
 */
bool wl_trace_timed(const struct wl_trace *t);

/* "file:line: reason" of the error that stopped @t, or "". */
const char *wl_trace_error(const struct wl_trace *t);

/* The counters so far.  The owning thread. */
void wl_trace_stats(const struct wl_trace *t, struct wl_trace_stats *out);

/* "auto", "iolog", "blkparse", "msr"; "invalid" past the end. */
const char *wl_trace_format_name(enum wl_trace_format f);

/* Parses a format name.  Returns 0 or -EINVAL. */
int wl_trace_format_parse(const char *s, enum wl_trace_format *out);

#endif
