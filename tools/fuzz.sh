#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Runs each libFuzzer program of tests/fuzz/ for SECONDS, starting from the
# committed seeds (tests/fuzz/corpus/TARGET/) and the corpus grown by
# earlier runs (build/fuzz/corpus/TARGET/), and prints one line per target:
# seconds, executions, corpus size, crashes.  A crash, leak or timeout
# leaves its input under build/fuzz/crashes/ and fails the run; copy it to
# tests/fuzz/regress/TARGET/ so that `make test` replays it from then on.
#
#   tools/fuzz.sh SECONDS TARGET...
set -u

[ $# -ge 2 ] || { echo "usage: tools/fuzz.sh SECONDS TARGET..." >&2; exit 2; }
secs=$1
shift
bin=build/fuzz/tests/fuzz
failed=0

mkdir -p build/fuzz/crashes build/fuzz/logs
printf '%-8s %8s %12s %8s %s\n' target seconds executions corpus result
for t in "$@"; do
	corpus=build/fuzz/corpus/$t
	log=build/fuzz/logs/$t.log
	mkdir -p "$corpus"
	"$bin/fuzz_$t" -max_total_time="$secs" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crashes/$t-" \
		"$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	size=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc): see $log and build/fuzz/crashes/"
		failed=$((failed + 1))
	fi
	printf '%-8s %8s %12s %8s %s\n' "$t" "$secs" "${execs:-?}" "$size" \
		"$result"
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz: $failed target(s) failed; the last lines of their logs:" >&2
	for t in "$@"; do
		grep -q -E 'ERROR|Sanitizer|deadly signal' \
			"build/fuzz/logs/$t.log" &&
			tail -n 30 "build/fuzz/logs/$t.log" >&2
	done
	exit 1
fi
