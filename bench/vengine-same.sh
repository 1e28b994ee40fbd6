#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Whether two blkring binaries give the same virtual-engine results: six
# configurations that cover the engine's paths (exponential service with
# coalescing and mixed I/O; fixed service; a block-size mix with uniform
# service and bandwidth; the policy workers in open loop; poll mode with
# think time; the null target with coalescing) run on both, and their
# JSON reports compared without the "time" field and the "config" block
# (which lists the options a binary has).  Exit 0 if all are the same.
#
#   bench/vengine-same.sh OLD NEW
# shellcheck disable=SC2034,SC2154 # the cfg_* are read through eval
set -eu
[ $# -eq 2 ] || { sed -n '3,10p' "$0" >&2; exit 2; }

v="--engine=virtual --target=model"
cfg_1="$v --runtime=2s --size=256m --rw=randrw --iodepth=32 \
--model-channels=8 --model-latency-dist=exp --model-read-latency=20us \
--model-write-latency=40us --cost-submit=300ns --cost-split=100ns \
--cost-reap=200ns --cost-backend-request=400ns --cost-backend-response=150ns \
--evtchn-latency=2us --evtchn-latency-dist=uniform --evtchn-latency-max=5us \
--notify-cost=500ns --irq-coalesce=4 --irq-coalesce-time=10us --randseed=1"
cfg_2="$v --runtime=2s --size=256m --rw=randread --iodepth=32 \
--model-channels=8 --model-read-latency=10us --cost-submit=200ns \
--cost-reap=100ns --cost-backend-request=300ns --cost-backend-response=100ns \
--evtchn-latency=2us --notify-cost=500ns --randseed=1"
cfg_3="$v --runtime=500ms --rw=randrw --bssplit=4k/40:16k/20:64k/25:256k/15 \
--iodepth=64 --ring-order=2 --model-channels=4 --model-latency-dist=uniform \
--model-read-latency=20us --model-read-latency-max=90us --model-read-bw=2g \
--model-write-latency=30us --model-write-latency-max=200us --cost-submit=300ns \
--evtchn-latency=5us --evtchn-latency-dist=exp --notify=event --randseed=7"
cfg_4="$v --runtime=300ms --rw=randread --iodepth=16 --submit-path=worker \
--lock=single --completion=deferred --model-channels=2 \
--model-read-latency=30us --evtchn-latency=3us --rate_iops=50000 --randseed=3"
cfg_5="$v --runtime=300ms --rw=randread --iodepth=8 --notify=poll \
--model-channels=1 --model-read-latency=15us --thinktime=5us --randseed=4"
cfg_6="--engine=virtual --target=null --runtime=100ms --rw=randwrite \
--iodepth=32 --cost-submit=100ns --cost-reap=100ns --irq-coalesce=8 \
--irq-coalesce-time=20us --evtchn-latency=1us --randseed=5"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The report without its time and its config block.
strip() {
	awk '/"time"/ { next }
		/"config": \{/ { skip = 1 }
		skip { if (/^ *\},?$/) skip = 0; next }
		{ print }' "$1"
}
status=0
for i in 1 2 3 4 5 6; do
	eval "cfg=\$cfg_$i"
	for b in 1 2; do
		eval "bin=\$$b"
		# shellcheck disable=SC2086 # the option list splits
		"$bin" run $cfg --output-format=json >"$tmp/$b.json"
		strip "$tmp/$b.json" >"$tmp/$b.txt"
	done
	if cmp -s "$tmp/1.txt" "$tmp/2.txt"; then
		echo "configuration $i: same"
	else
		echo "configuration $i: DIFFERENT"
		diff "$tmp/1.txt" "$tmp/2.txt" | head -10
		status=1
	fi
done
exit $status
