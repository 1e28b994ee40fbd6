/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by sweep.c and plot.c (and their tests): the reader of
 * `blkring run` JSON reports, the point labels and indices, the results
 * directory's file helpers.  Never included from outside bench/ and
 * tests/.  Main thread only.
 */
#ifndef BLKRING_BENCH_SWEEP_INTERNAL_H
#define BLKRING_BENCH_SWEEP_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "bench/sweep.h"

/* Most options or metrics one report may hold. */
#define BENCH__REPORT_MAX 256

/*
 * One run's JSON report, parsed: the strings point into buf (decoded in
 * place), raw is the file as it was, cfg is the run's configuration (its
 * "config" applied over the defaults).
 */
struct bench__report {
	char *buf, *raw;
	char *cfg_name[BENCH__REPORT_MAX], *cfg_val[BENCH__REPORT_MAX];
	unsigned int ncfg;
	char *m_name[BENCH__REPORT_MAX];
	double m_val[BENCH__REPORT_MAX];
	unsigned int nm;
	int schema;
	char *version, *time;
	bool conserved, interrupted;
	struct bench_config cfg;
};

/* Loads and parses @path.  Returns 0 or -errno with a message in @err. */
int bench__report_load(const char *path, struct bench__report **out, char *err,
		       size_t len);
void bench__report_free(struct bench__report *r);

/* The metric called @name, or NaN if the report has none. */
double bench__report_metric(const struct bench__report *r, const char *name);

/* The index of point @i on each axis. */
void bench__sweep_indices(const struct bench_sweep *s, unsigned long i,
			  unsigned int *idx);

/* "iodepth=4 bs=8k": the axis values of point @i. */
void bench__point_label(const struct bench_sweep *s, unsigned long i, char *buf,
			size_t len);

/* An option's value as a number (enum index, bool 0/1; NaN: a string). */
double bench__opt_number(const struct bench_config *cfg,
			 const struct bench_opt *o);

/* DIR/runs/KEY-rR.json into @buf. */
void bench__run_path(const char *dir, const char *key, unsigned int repeat,
		     char *buf, size_t len);

/*
 * Adds the report @file to @dir/runs/ under its key (into @key) and the
 * first free repeat; *@added says whether it was new (an identical report
 * already there is not added twice).  Returns 0 or -errno with @err.
 */
int bench__merge_file(const char *dir, const char *file, bool *added,
		      char key[17], char *err, size_t len);

/* DIR/NAME.tmp for writing; bench__commit() closes and renames it. */
FILE *bench__open_tmp(const char *dir, const char *name, char *err, size_t len);
int bench__commit(FILE *f, const char *dir, const char *name, char *err,
		  size_t len);

/* @s as one word for a POSIX shell (single-quoted when needed). */
void bench__shell_word(FILE *f, const char *s);

#endif
