#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The policy table of docs/policies.md: each knob of the seed questions on
# the same file, with the counters that explain its effect.  Every row is
# the median of REPEATS runs (default 3), spread as [min-max].
#
#   bench/policy-table.sh [-r REPEATS] [-t SECONDS] [-f FILE] [-- extra options]
set -eu

repeats=3 secs=5 file=build/vs-fio.dat
while getopts r:t:f: opt; do
	case $opt in
	r) repeats=$OPTARG ;;
	t) secs=$OPTARG ;;
	f) file=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
blkring=${BLKRING:-./blkring}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

row() { # name, then blkring options
	name=$1
	shift
	i=0
	while [ $i -lt "$repeats" ]; do
		"$blkring" run --filename="$file" --size=1g --runtime="${secs}s" \
			--output-format=json "$@" >"$out/$name.$i.json" 2>/dev/null ||
			true
		i=$((i + 1))
	done
	printf '%s\t%s\n' "$name" "$*" >>"$out/rows"
}

# 1. Upper QD cap on a 32-entry ring (the seed's "1-4 commands").
for cap in 1 2 4 32; do
	row "qd-cap=$cap" --rw=randread --bs=4k --iodepth=32 --qd-cap=$cap "$@"
done
# 2. Large I/Os: split into direct requests vs indirect descriptors.
for bs in 64k 128k; do
	row "bs=$bs split" --rw=randread --bs=$bs --iodepth=32 "$@"
	row "bs=$bs indirect" --rw=randread --bs=$bs --iodepth=32 \
		--indirect-segments=32 "$@"
done
# 3. Interrupt coalescing.
for bs in 4k 128k; do
	for k in 1 8 32; do
		row "bs=$bs coalesce=$k" --rw=randread --bs=$bs --iodepth=32 \
			--indirect-segments=32 --irq-coalesce=$k \
			--irq-coalesce-time=50us "$@"
	done
done
# 4. Per-request vs batched push.
for b in 1 8; do
	row "push-batch=$b" --rw=randread --bs=4k --iodepth=32 --push-batch=$b "$@"
done
# 5. Seed question 3: direct submission vs an internal queue and worker.
for p in direct worker; do
	row "submit-path=$p" --rw=randread --bs=4k --iodepth=32 --lock=single \
		--submit-path=$p "$@"
done
# 6. Seed question 4: completion in the handler vs deferred.
for c in irq deferred; do
	row "completion=$c" --rw=randread --bs=4k --iodepth=32 --lock=single \
		--completion=$c "$@"
done
# 7. Seed question 6: work under the one lock, both workers contending.
for w in 0 5us; do
	row "lock-work=$w" --rw=randread --bs=4k --iodepth=32 --lock=single \
		--submit-path=worker --completion=deferred --lock-work=$w "$@"
done

python3 - "$out" "$repeats" <<'PY'
import json, statistics, sys, os
out, repeats = sys.argv[1], int(sys.argv[2])
cols = [("iops", "IOPS", 0), ("bw_bytes_per_s", "MB/s", 1e-6),
        ("lat_p99_ns", "p99 us", 1e-3), ("ring_requests_per_io", "req/IO", 1),
        ("segments_per_request", "seg/req", 1), ("kicks_sent_per_io", "kicks/IO", 1),
        ("irqs_sent_per_io", "irqs/IO", 1), ("responses_per_irq", "rsp/irq", 1),
        ("stage_queue_mean_ns", "queue us", 1e-3), ("stage_target_mean_ns", "target us", 1e-3),
        ("stage_response_mean_ns", "response us", 1e-3),
        ("stage_handoff_mean_ns", "handoff us", 1e-3),
        ("stage_complete_mean_ns", "complete us", 1e-3),
        ("lock_wait_per_io_ns", "lock wait us/IO", 1e-3)]
print("| config | " + " | ".join(c[1] for c in cols) + " | verdict |")
print("|---" * (len(cols) + 2) + "|")
for line in open(os.path.join(out, "rows")):
    name = line.split("\t")[0]
    runs = []
    for i in range(repeats):
        try:
            runs.append(json.load(open(os.path.join(out, f"{name}.{i}.json"))))
        except Exception:
            pass
    if not runs:
        print(f"| {name} | (failed) |")
        continue
    cells = []
    for key, _, scale in cols:
        v = sorted(r["metrics"][key] * (scale or 1) for r in runs)
        med = statistics.median(v)
        fmt = (lambda x: f"{x:.0f}") if med >= 100 else (lambda x: f"{x:.2f}")
        cells.append(fmt(med) + (f" [{fmt(v[0])}-{fmt(v[-1])}]" if key == "iops" and len(v) > 1 else ""))
    verdicts = [r["verdict"]["bottleneck"] for r in runs]
    print(f"| {name} | " + " | ".join(cells) + f" | {max(set(verdicts), key=verdicts.count)} |")
PY
