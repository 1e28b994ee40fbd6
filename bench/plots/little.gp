# SPDX-License-Identifier: MIT
#
# Little's law against iodepth: measured IOPS (median, min..max over the
# repeats) next to two predictions, iodepth / mean latency (the cap held
# full; the sweep's per-run metric little_iops_at_iodepth) and measured
# mean in flight / mean latency.  Where the measured
# line falls below the first, the frontend did not keep iodepth I/Os in
# flight.  Reads points.csv (see vs.gp); variables as in vs.gp (csv, out,
# term, xcol = "iodepth", xlabel, xscale, logx, cat, xt, keep, series,
# slabels, ptitle).

if (term eq "svg") {
	set terminal svg size 800,600 dynamic noenhanced font "Sans,12"
} else {
	set terminal pngcairo size 800,600 noenhanced font "Sans,11"
}
set output out
set datafile separator comma
set datafile columnheaders
set title ptitle
set xlabel xlabel . " (cap on I/Os in flight)"
set ylabel "IOPS (thousands)"
set grid
set key top left box opaque
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
if (logx + 0) set logscale x 2
if (strlen(xt) > 0) eval "set xtics " . xt

eval "keep(dummy) = (" . keep . ")"
xv(dummy) = column(xcol . "_num") / (xscale + 0)
ok(i) = keep(0) && (strlen(series) == 0 || column(series . "_idx") == i)
lab(i) = strlen(series) == 0 ? "" : " " . series . "=" . word(slabels, i + 1)
ns = strlen(series) == 0 ? 1 : words(slabels)

plot for [i = 0:ns - 1] csv \
		using (ok(i) ? xv(0) : NaN):(column("iops") / 1e3):(column("iops_min") / 1e3):(column("iops_max") / 1e3) \
		with yerrorlines lw 2 pt 7 ps 1.2 lc i + 1 title "measured" . lab(i), \
	for [i = 0:ns - 1] csv \
		using (ok(i) ? xv(0) : NaN):(column("little_iops_at_iodepth") / 1e3) \
		with linespoints lw 2 dt 2 pt 6 lc i + 1 title "iodepth / mean latency" . lab(i), \
	for [i = 0:ns - 1] csv \
		using (ok(i) ? xv(0) : NaN):(column("little_in_flight_measured") / (column("lat_mean_ns") / 1e9) / 1e3) \
		with points pt 2 ps 1.5 lc i + 1 title "measured in flight / mean latency" . lab(i)
