#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The virtual engine's speed: simulated I/Os per wall-clock second at
# iodepth 32 with every counter and histogram on, for the two
# configurations of docs/virtual-engine.md (A: exponential service,
# interrupt coalescing, mixed reads and writes; B: random reads, fixed
# service).  Each runs N times (10 s of virtual time); prints each rate
# and the median.  Give several binaries to measure them side by side,
# interleaved, on the same machine state.
#
#   bench/vengine-speed.sh [-n RUNS] [-c CPU] [BLKRING ...]
#
#   -c CPU    pin the runs to one CPU (taskset)
# shellcheck disable=SC2034,SC2154 # the cfg_* are read through eval
set -eu

runs=5 cpu=
while getopts n:c: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	c) cpu=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- ./blkring
pin=
[ -n "$cpu" ] && pin="taskset -c $cpu"

common="--engine=virtual --target=model --runtime=10s --size=256m \
--iodepth=32 --randseed=1 --output-format=csv"
cfg_A="--rw=randrw --model-channels=8 --model-latency-dist=exp \
--model-read-latency=20us --model-write-latency=40us --cost-submit=300ns \
--cost-split=100ns --cost-reap=200ns --cost-backend-request=400ns \
--cost-backend-response=150ns --evtchn-latency=2us \
--evtchn-latency-dist=uniform --evtchn-latency-max=5us --notify-cost=500ns \
--irq-coalesce=4 --irq-coalesce-time=10us"
cfg_B="--rw=randread --model-channels=8 --model-read-latency=10us \
--cost-submit=200ns --cost-reap=100ns --cost-backend-request=300ns \
--cost-backend-response=100ns --evtchn-latency=2us --notify-cost=500ns"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in A B; do
	eval "cfg=\$cfg_$c"
	i=0
	while [ $i -lt "$runs" ]; do
		for bin in "$@"; do
			# shellcheck disable=SC2086 # the option lists split
			/usr/bin/time -f "%e %U %S" -o "$tmp/time" \
				$pin "$bin" run $common $cfg >"$tmp/out"
			ios=$(awk -F, 'NR==1 { for (i = 1; i <= NF; i++)
				if ($i == "ios_completed") col = i }
				NR==2 { print $col }' "$tmp/out")
			awk -v b="$bin" -v c="$c" -v n="$ios" '{
				printf "%s %s %.2f %.2f\n", b, c, n / $1 / 1e6,
					n / ($2 + $3) / 1e6 }' "$tmp/time" \
				>>"$tmp/rates"
		done
		i=$((i + 1))
	done
done
echo "simulated M I/Os per second: wall clock (per CPU second), each run"
for bin in "$@"; do
	for c in A B; do
		awk -v b="$bin" -v c="$c" '$1 == b && $2 == c' "$tmp/rates" |
			sort -k3,3n | awk '{ w[NR] = $3; u[NR] = $4
				l = l " " $3 " (" $4 ")" }
			END { m = int((NR + 1) / 2)
				printf "%s %s:%s\n  median %s, range %s..%s\n",
					$1, $2, l, w[m], w[1], w[NR] }'
	done
done
