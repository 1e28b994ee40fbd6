/* SPDX-License-Identifier: MIT */
/*
 * fio-style job files for `blkring run job.fio`: an INI file of sections,
 * "[global]" and one or more jobs, each a list of "option=value" lines
 * (or a bare "option", meaning option=1).  Every option of the table in
 * bench/opts.c is a job-file option under the same name (bench_opt_set()
 * sets it), so a command line and a job file say the same things.
 *
 * Syntax (fio's): lines starting with ';' or '#' are comments; blank
 * lines are ignored; spaces around '=' and at either end are trimmed;
 * a "[global]" section applies to the jobs that follow it in the file,
 * as in fio; options before the first section are an error.
 *
 * Names blkring does not have fall in three groups, so that a real fio
 * job file runs and nothing passes unremarked:
 *   - fio spellings of blkring options (readwrite, blocksize, io_limit,
 *     ioengine, buffered, rwmixwrite, blocksize_range, blocksize_split)
 *     are translated;
 *   - job-file keywords (name, description, stonewall, wait_for_previous,
 *     new_group, numjobs) are understood here;
 *   - fio options blkring does not model (ioengine-specific knobs,
 *     logging, reporting, CPU placement, ...; the list is
 *     bench_jobfile_ignored[]) are ignored with one warning per name;
 *   - anything else is an error (a typo must not vanish).
 * Errors name the file, the line and what is wrong: "job.fio:7: --bs=3k:
 * not a multiple of 512 (allowed ...)".
 *
 * Threads: main thread, while a run is set up.
 */
#ifndef BLKRING_BENCH_JOBFILE_H
#define BLKRING_BENCH_JOBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/opts.h"

struct bench_jobfile;

/*
 * Parses job-file @text (NUL-terminated) read from a file called @name
 * (for messages).  Checks every line: syntax, option names, and each
 * value against a scratch configuration.  Writes warnings for ignored
 * fio options to @warn (may be NULL).  Returns 0 and sets *@out, or
 * -EINVAL with "name:line: what" in @err, or -ENOMEM.
 */
int bench_jobfile_parse(const char *name, const char *text, FILE *warn,
			struct bench_jobfile **out, char *err, size_t len)
	__attribute__((warn_unused_result));

/*
 * Reads the file at @path and parses it as bench_jobfile_parse() does.
 * Returns 0, -errno if it cannot be read (reason in @err), or what
 * bench_jobfile_parse() returns.
 */
int bench_jobfile_load(const char *path, FILE *warn, struct bench_jobfile **out,
		       char *err, size_t len)
	__attribute__((warn_unused_result));

void bench_jobfile_free(struct bench_jobfile *jf);

/* The number of job sections (at least 1). */
size_t bench_jobfile_njobs(const struct bench_jobfile *jf);

/* Job @i's section name (or its name= option). */
const char *bench_jobfile_job_name(const struct bench_jobfile *jf, size_t i);

/*
 * Whether job @i waits for the jobs before it to finish (stonewall or
 * wait_for_previous, in its section or a [global] before it).
 */
bool bench_jobfile_stonewall(const struct bench_jobfile *jf, size_t i);

/* Job @i's numjobs (1 unless set). */
unsigned int bench_jobfile_numjobs(const struct bench_jobfile *jf, size_t i);

/*
 * Applies to @cfg the [global] options that come before job @i in the
 * file, then job @i's own, in file order (later wins).  Returns 0, or
 * -EINVAL with "name:line: what" in @err.
 */
int bench_jobfile_apply(const struct bench_jobfile *jf, size_t i,
			struct bench_config *cfg, char *err, size_t len)
	__attribute__((warn_unused_result));

/* Whether @name is a fio option blkring ignores with a warning. */
bool bench_jobfile_ignored(const char *name);

#endif
