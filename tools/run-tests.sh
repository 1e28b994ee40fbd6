#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Runs each CUnit test program given on the command line under a timeout
# and sums what they report.  A program's last line of the form
#   "<name>: P passed, F failed, S skipped"
# comes from tests/cu_main.c.  Exit status 77 means the whole program
# skipped (e.g. io_uring unavailable); a crash, a timeout or a missing
# summary counts as one failure.  Ends with one plain line
#   "N passed, N failed[, N skipped]"
# and exits non-zero if anything failed.
set -u

timeout_s=${TEST_TIMEOUT:-300}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/tests/tsan.supp}

passed=0
failed=0
skipped=0
for prog in "$@"; do
	name=$(basename "$prog")
	log=$(mktemp)
	echo "== $name"
	# ThreadSanitizer cannot map its shadow memory with some high-entropy
	# ASLR settings; running without randomisation is what libuv CI does.
	run=
	case "$prog" in
	*/tsan/*) command -v setarch >/dev/null && run="setarch $(uname -m) -R" ;;
	esac
	timeout -k 10 "$timeout_s" $run "$prog" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$log" | tail -n 1)
	rm -f "$log"
	if [ "$rc" -eq 77 ] && [ -z "$line" ]; then
		echo "== $name: skipped"
		skipped=$((skipped + 1))
		continue
	fi
	if [ -z "$line" ]; then
		case "$rc" in
		124 | 137) why="timed out after ${timeout_s}s" ;;
		*) why="exit status $rc, no summary line" ;;
		esac
		echo "== $name: FAILED ($why)"
		failed=$((failed + 1))
		continue
	fi
	counts=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
	p=${counts%% *}
	rest=${counts#* }
	f=${rest%% *}
	s=${rest#* }
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
		echo "== $name: FAILED (exit status $rc)"
		failed=$((failed + 1))
	fi
done

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
