// SPDX-License-Identifier: MIT
/*
 * blkring: the command line.  Dispatches to the subcommands; the only file
 * that may call exit().
 */
#include <stdio.h>
#include <string.h>

#include "bench/calibrate.h"
#include "bench/compare.h"
#include "bench/plot.h"
#include "bench/ringperf.h"
#include "bench/run.h"
#include "bench/sweep.h"

struct bench_command {
	const char *name;
	const char *help;
	int (*main)(int argc, char **argv);
};

static const struct bench_command bench_commands[] = {
	{ "run", "run one configuration and report it", bench_run_main },
	{ "ringperf", "shared-ring microbenchmark (ns per request)",
	  bench_ringperf_main },
	{ "sweep", "run over a grid of options into a results directory",
	  bench_sweep_main },
	{ "merge", "add per-point run reports to a sweep's directory",
	  bench_merge_main },
	{ "plot", "render a sweep's plots again", bench_plot_main },
	{ "calibrate", "fit the virtual engine's model to the real file",
	  bench_calibrate_main },
	{ "compare", "compare two reports: changes, intervals, verdicts",
	  bench_compare_main },
	{ "ab", "run two builds or configurations A B A B and compare",
	  bench_ab_main },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: blkring COMMAND [OPTIONS]\n\ncommands:\n");
	for (const struct bench_command *c = bench_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->help);
	fprintf(out, "\nblkring COMMAND --help describes each command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (const struct bench_command *c = bench_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->main(argc - 1, argv + 1);
	fprintf(stderr, "blkring: unknown command '%s' (see blkring --help)\n",
		argv[1]);
	return 2;
}
