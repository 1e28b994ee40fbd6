#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The seed studies (../shared/seeds/, docs/results.md): canned blkring
# sweeps that answer the seed questions today's options can reach, each
# into its own results directory with its tables and plots, then a check
# that every expected file is there and every PNG is a valid image.
#
#   tools/studies.sh full  [OUT]   the measured studies (minutes)
#   tools/studies.sh quick [OUT]   a smoke test of the whole sweep-and-plot
#                                  path (seconds); CI runs it
#
# OUT defaults to build/studies (full) or build/studies-quick (quick).
# TARGET overrides the target (full: uring on OUT/blkring.dat; quick:
# mem, so that it runs where io_uring is unavailable).  Rerunning resumes:
# runs already in OUT are kept (FORCE=1 measures them again).  Exits
# non-zero if a sweep fails, gnuplot fails or a file is missing.
set -eu

mode=${1:-quick}
case "$mode" in
full)
	out=${2:-build/studies}
	target=${TARGET:-uring}
	common="--runtime=1s --repeats=3"
	;;
quick)
	out=${2:-build/studies-quick}
	target=${TARGET:-mem}
	common="--runtime=100ms --repeats=2"
	;;
*)
	echo "usage: tools/studies.sh full|quick [OUT]" >&2
	exit 2
	;;
esac
blkring=${BLKRING:-./blkring}
force=
[ "${FORCE:-0}" = 1 ] && force=--force
mkdir -p "$out"
file="--filename=$out/blkring.dat --size=256m"
[ "$mode" = quick ] && file="--filename=$out/blkring.dat --size=16m"

start=$(date +%s)

# (1) IOPS and latency vs iodepth on a 32-entry ring, with Little's law.
echo "=== study qd: iodepth 1..32 on a 32-entry ring"
$blkring sweep --dir "$out/qd" $force $common --target="$target" $file \
	--rw=randread --bs=4k --ring-order=0 --wait=sleep --sweep 'iodepth=1..32*2'

# (2) The 44 KiB direct-request limit: requests per I/O and bandwidth vs bs.
echo "=== study split: bs 4k..128k, 11 vs 4 segments per request"
$blkring sweep --dir "$out/split" $force $common --target="$target" $file \
	--rw=randread --iodepth=8 --wait=sleep \
	--sweep max-segments=4,11 \
	--sweep bs=4k,8k,16k,32k,40k,44k,48k,64k,88k,96k,128k

# (3) Event-channel latency x wait mode.
echo "=== study evtchn: notification latency 0..100us x wait mode"
$blkring sweep --dir "$out/evtchn" $force $common --target="$target" $file \
	--rw=randread --bs=4k --iodepth=32 \
	--sweep wait=spin,sleep,hybrid --sweep 'evtchn-latency=0..100us/20us'

# (4) The seed's "only 1-4 commands at a time": an upper QD cap apart
# from the ring.
echo "=== study qdcap: upper-queue cap 1..32 at iodepth 32"
$blkring sweep --dir "$out/qdcap" $force $common --target="$target" $file \
	--rw=randread --bs=4k --iodepth=32 --ring-order=0 --wait=sleep \
	--sweep 'qd-cap=1..32*2'

# (5) Large I/Os: 44 KiB direct requests, split, vs indirect descriptors.
echo "=== study indirect: bs 64k..1m, split direct vs indirect"
$blkring sweep --dir "$out/indirect" $force $common --target="$target" $file \
	--rw=randread --iodepth=8 --wait=sleep \
	--sweep indirect-segments=0,32,256 --sweep 'bs=64k..1m*2'

# (6) Interrupt coalescing on small and large I/O.
echo "=== study coalesce: irq-coalesce 1, 8, 32 x bs 4k, 128k"
$blkring sweep --dir "$out/coalesce" $force $common --target="$target" \
	$file --rw=randread --iodepth=32 --indirect-segments=32 \
	--irq-coalesce-time=50us --wait=sleep \
	--sweep bs=4k,128k --sweep irq-coalesce=1,8,32

# (7) The task pool: too small, right, as large as the ring.
echo "=== study tasks: task pool 2..32 at iodepth 32"
$blkring sweep --dir "$out/tasks" $force $common --target="$target" $file \
	--rw=randread --bs=4k --iodepth=32 --wait=sleep \
	--sweep 'tasks=2..32*2'

# (8) Seed question 3: submit from the caller, or hand to an internal
# queue drained by a worker thread.  Both under the one lock, so that
# only the hand-off differs; its cost is the handoff stage.
echo "=== study submitpath: direct vs worker x iodepth 1, 4, 32"
$blkring sweep --dir "$out/submitpath" $force $common --target="$target" \
	$file --rw=randread --bs=4k --wait=sleep --lock=single \
	--sweep submit-path=direct,worker --sweep iodepth=1,4,32

# (9) Seed question 4: complete in the interrupt handler, or acknowledge
# and defer to a worker (DPC); the deferral is in the complete stage.
echo "=== study completion: irq vs deferred x iodepth 1, 4, 32"
$blkring sweep --dir "$out/completion" $force $common --target="$target" \
	$file --rw=randread --bs=4k --wait=sleep --lock=single \
	--sweep completion=irq,deferred --sweep iodepth=1,4,32

# (10) Seed question 6: work done while holding the one work-loop lock,
# with a submit worker and a deferred worker contending for it.
echo "=== study lock: lock-work 0..20us x mutex, spinlock"
$blkring sweep --dir "$out/lock" $force $common --target="$target" $file \
	--rw=randread --bs=4k --iodepth=32 --wait=sleep --lock=single \
	--submit-path=worker --completion=deferred \
	--sweep lock-type=mutex,spin --sweep lock-work=0,1us,5us,20us

# (11) Grants: static (all mapped at set-up), map and unmap per request,
# copy through a bounce buffer, persistent grants with the frontend's
# copy; at 4 KiB and 64 KiB.  The costs are assumed, not measured: a
# gnttab call 1 us, a map 250 ns and an unmap 500 ns per segment.
echo "=== study grants: static, map, copy, persistent x bs 4k, 64k"
$blkring sweep --dir "$out/grants" $force $common --target="$target" $file \
	--rw=randread --iodepth=32 --wait=sleep --grant-call-cost=1us \
	--grant-map-cost=250ns --grant-unmap-cost=500ns \
	--sweep grants=static,map,copy,persistent --sweep bs=4k,64k

# (12) Seed question 8: devices on one shared interrupt line, 1 to 4,
# against a line each.  Every interrupt of the shared line runs every
# device's filter (1 us each): spurious_per_line_irq, filter_runs_per_io
# and frontend_cpu_us_per_io say what the sharing costs.
echo "=== study irqline: devices 1..4 x own, shared line"
$blkring sweep --dir "$out/irqline" $force $common --target="$target" \
	$file --rw=randread --bs=4k --iodepth=32 --wait=sleep \
	--irq-filter-cost=1us --sweep irq-line=own,shared \
	--sweep devices=1,2,3,4

# (13) Multi-queue: 1, 2 and 4 rings, each with its own vCPU thread and
# backend, iodepth 32 per queue, on the null target (the model alone)
# and on the study's target.  On 2 vCPUs more queues mean more threads
# than CPUs: the CPU per I/O columns show it.
echo "=== study mq: queues 1, 2, 4 x null, $target"
$blkring sweep --dir "$out/mq" $force $common $file --rw=randread --bs=4k \
	--iodepth=32 --wait=sleep --sweep target=null,"$target" \
	--sweep queues=1,2,4

end=$(date +%s)
echo "=== studies ($mode) took $((end - start)) s"

# Every expected file, and every PNG a PNG.
fail=0
check() {
	for f in "$@"; do
		if [ ! -s "$f" ]; then
			echo "missing: $f" >&2
			fail=1
			continue
		fi
		case "$f" in
		*.png)
			sig=$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')
			if [ "$sig" != 89504e470d0a1a0a ]; then
				echo "not a PNG: $f" >&2
				fail=1
			fi
			;;
		esac
	done
}
for d in qd split evtchn qdcap indirect coalesce tasks submitpath \
	completion lock grants irqline mq; do
	check "$out/$d/results.csv" "$out/$d/results.json" \
		"$out/$d/points.csv" "$out/$d/spectrum.csv" \
		"$out/$d/command.txt" "$out/$d/environment" \
		"$out/$d/sweep.args" "$out/$d/plots/plot.sh" \
		"$out/$d/plots/vs.gp" \
		"$out/$d/spectrum.png" "$out/$d/spectrum.svg"
done
for m in iops bw_bytes_per_s lat_mean_ns lat_p99_ns ring_requests_per_io; do
	check "$out/qd/${m}_vs_iodepth.png" "$out/qd/${m}_vs_iodepth.svg" \
		"$out/split/${m}_vs_bs.png" "$out/split/${m}_vs_bs.svg" \
		"$out/evtchn/${m}_vs_evtchn-latency.png"
done
check "$out/qdcap/iops_vs_qd-cap.png" "$out/qdcap/stages.png" \
	"$out/indirect/bw_bytes_per_s_vs_bs.png" \
	"$out/indirect/ring_requests_per_io_vs_bs.png" \
	"$out/coalesce/lat_p99_ns_vs_irq-coalesce.png" \
	"$out/tasks/iops_vs_tasks.png" \
	"$out/submitpath/iops_vs_iodepth.png" "$out/submitpath/stages.png" \
	"$out/completion/lat_p99_ns_vs_iodepth.png" \
	"$out/completion/stages.png" \
	"$out/lock/iops_vs_lock-work.png" "$out/lock/stages.png" \
	"$out/grants/iops_vs_bs.png" "$out/grants/stages.png" \
	"$out/irqline/iops_vs_devices.png" "$out/irqline/stages.png" \
	"$out/mq/iops_vs_queues.png" "$out/mq/lat_p99_ns_vs_queues.png"
check "$out/qd/little_iodepth.png" "$out/qd/little_iodepth.svg" \
	"$out/split/heatmap_iops.png" "$out/evtchn/heatmap_iops.png" \
	"$out/evtchn/heatmap_iops.svg"
rows=$(($(wc -l <"$out/qd/results.csv") - 1))
echo "qd: $rows runs in results.csv"
if [ "$fail" -ne 0 ]; then
	echo "=== studies ($mode): FAILED" >&2
	exit 1
fi
echo "=== studies ($mode): every file present, every PNG valid"
