#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The virtual engine's prediction, end to end (docs/virtual-engine.md):
# calibrates a model on the real file, then runs 4k random reads on both
# engines over an iodepth sweep (1..128) and over the interrupt
# coalescing sweep (K = 1, 4, 8, 16, 32 at iodepth 32, T = 50us), and
# prints the IOPS and mean-latency error at each point; then the iodepth
# sweep again with the device as each thread run measured it
# (--check-device=measured: the rest of the model, whatever the disk's
# drift).  About 2 minutes with the defaults; run it on a quiet machine.
#
#   bench/vengine-predict.sh [-r REPEATS] [-t RUNTIME] [-f FILE] [-s SIZE]
#                            [-m MODEL] [-C]
#
#   -r N   runs per measurement, the median kept (default 3)
#   -t T   length of each measurement (default 1s)
#   -m F   the model file to write (default build/predict.model)
#   -C     check the model in -m F again, without calibrating
set -eu

repeats=3 runtime=1s file=build/vs-fio.dat size=1g model=build/predict.model
calib=1
while getopts r:t:f:s:m:C opt; do
	case $opt in
	r) repeats=$OPTARG ;;
	t) runtime=$OPTARG ;;
	f) file=$OPTARG ;;
	s) size=$OPTARG ;;
	m) model=$OPTARG ;;
	C) calib=0 ;;
	*) exit 2 ;;
	esac
done
blkring=${BLKRING:-./blkring}
common="--ring-order=2 --filename=$file --size=$size --runtime=$runtime \
--repeats=$repeats --wait=sleep"

echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ $calib -eq 1 ]; then
	# shellcheck disable=SC2086 # the option list splits
	"$blkring" calibrate --out="$model" $common >/dev/null
	grep -v '^# [a-z]' "$model" | grep -v '^$'
fi
echo "# iodepth sweep: $blkring calibrate --in=$model --check" \
	"--check-depths=1,2,4,8,16,32,64,128 $common"
# shellcheck disable=SC2086
"$blkring" calibrate --in="$model" --check \
	--check-depths=1,2,4,8,16,32,64,128 $common 2>/dev/null
echo "# coalescing sweep at iodepth 32: ... --check-depths=32 $common" \
	"-- --irq-coalesce=K --irq-coalesce-time=50us"
echo "# K thread_iops virtual_iops iops_err_pct thread_lat_us" \
	"virtual_lat_us lat_err_pct thread_iops_min thread_iops_max"
for k in 1 4 8 16 32; do
	# shellcheck disable=SC2086
	"$blkring" calibrate --in="$model" --check --check-depths=32 \
		$common -- --irq-coalesce=$k --irq-coalesce-time=50us \
		2>/dev/null | grep -v '^#' | sed "s/^32 /$k /"
done
echo "# iodepth sweep, the device as each thread run measured it:" \
	"... --check-device=measured"
# shellcheck disable=SC2086
"$blkring" calibrate --in="$model" --check --check-device=measured \
	--check-depths=1,2,4,8,16,32,64,128 $common 2>/dev/null |
	grep -v '^# the device'
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
