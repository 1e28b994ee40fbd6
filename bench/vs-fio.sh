#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Passthrough fidelity: blkring's IOPS divided by fio's on the same file
# and job, measured alternately (fio, blkring, fio, blkring, ...) so that
# both see the same machine state.  Prints each pair and the median ratio
# with its range.
#
#   bench/vs-fio.sh [-n PAIRS] [-t SECONDS] [-f FILE] [-s SIZE] [-B] [-T null]
#                   RW BS IODEPTH [-- extra blkring options]
#
#   -B        buffered (page cache, re-read just before each run), not O_DIRECT
#   -T null   compare blkring's null target with fio --ioengine=null
set -eu

pairs=5 secs=10 file=build/vs-fio.dat size=1g direct=1 target=uring
while getopts n:t:f:s:BT: opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	t) secs=$OPTARG ;;
	f) file=$OPTARG ;;
	s) size=$OPTARG ;;
	B) direct=0 ;;
	T) target=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || { sed -n '3,14p' "$0" >&2; exit 2; }
rw=$1 bs=$2 qd=$3
shift 3
[ "${1:-}" = "--" ] && shift

blkring=${BLKRING:-./blkring}
engine=io_uring
[ "$target" = null ] && engine=null

# Lay the file out once with real data (blkring does it when missing).
[ "$target" = null ] || "$blkring" run --filename="$file" --size="$size" \
	--rw=read --bs=1m --runtime=0 --io_size=1m --output-format=csv \
	>/dev/null

warm() {
	[ "$direct" = 0 ] && [ "$target" != null ] && cat "$file" >/dev/null
	return 0
}

fio_iops() {
	warm
	fio --name=vs --filename="$file" --size="$size" --rw="$rw" --bs="$bs" \
		--iodepth="$qd" --ioengine="$engine" --direct="$direct" \
		--invalidate=0 --runtime="$secs" --time_based \
		--output-format=json |
		python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print(j["read"]["iops"]+j["write"]["iops"])'
}

blkring_iops() {
	warm
	"$blkring" run --filename="$file" --size="$size" --rw="$rw" \
		--bs="$bs" --iodepth="$qd" --direct="$direct" \
		--target="$target" --runtime="${secs}s" --output-format=json "$@" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["metrics"]["iops"])'
}

ratios=
i=0
while [ $i -lt "$pairs" ]; do
	f=$(fio_iops)
	b=$(blkring_iops "$@")
	r=$(python3 -c "print(f'{$b / $f:.4f}')")
	echo "pair $((i + 1)): fio $f IOPS, blkring $b IOPS, ratio $r"
	ratios="$ratios $r"
	i=$((i + 1))
done
python3 - $ratios <<'PY'
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print(f"median ratio {statistics.median(r):.3f} [min {r[0]:.3f} - max {r[-1]:.3f}] over {len(r)} pairs")
PY
