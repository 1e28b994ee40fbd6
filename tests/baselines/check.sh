#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The exact comparison of blkring's speed-independent counts against the
# committed baselines (docs/ci-regression.md).  Each NAME.args here holds
# the run options of one baseline, one per line; NAME.json is its report.
#
#   tests/baselines/check.sh            run each and compare --exact-only
#   tests/baselines/check.sh --update   rewrite every NAME.json (on purpose:
#                                       commit it with the change that
#                                       moved the counts, and say why)
#
# The runs are count-bounded (runtime=0, io_size) on the null target with
# --wait=sleep: seconds in all, and no count depends on the machine's speed.
set -eu
cd "$(dirname "$0")/../.."
update=0
[ "${1:-}" = "--update" ] && update=1
mkdir -p build/baselines
status=0
for args in tests/baselines/*.args; do
	name=$(basename "$args" .args)
	out=build/baselines/$name.json
	[ $update -eq 1 ] && out=tests/baselines/$name.json
	# shellcheck disable=SC2046 # one option per line, no spaces in them
	./blkring run $(grep -v '^#' "$args") --output-format=json \
		--output="$out" >/dev/null
	if [ $update -eq 1 ]; then
		echo "baseline $name: written to $out"
		continue
	fi
	echo "baseline $name:"
	if ! ./blkring compare --exact-only "tests/baselines/$name.json" "$out"; then
		status=1
	fi
done
exit $status
