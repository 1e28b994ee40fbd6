# SPDX-License-Identifier: MIT
#
# A metric against one axis of a blkring sweep, one line per value of a
# second axis, median with min..max error bars over the repeats.  Reads
# points.csv (one row per point: the axis columns NAME, NAME_num, NAME_idx
# and, per metric M, columns M, M_min, M_max).  Written for gnuplot 5.4;
# blkring sweep and blkring plot call it with these variables (gnuplot -e):
#
#   csv      the points file            out, term  output file, png|svg
#   xcol     the x axis (a column)      xlabel     its label, with units
#   xscale   divides NAME_num           logx       1: log2 x axis
#   cat      1: categorical x (NAME_idx, labelled by xt)
#   xt       "(\"label\" pos, ...)" or "" (tics at the swept values)
#   series   the line axis or ""        slabels    its values, in order
#   metric   the y column               ylabel, yscale  label, divisor
#   keep     a filter expression on the row ("1": every row)
#   ptitle   the title, naming the fixed parameters
#
# Example (what plots/plot.sh holds):
#   gnuplot -e 'term="png"; out="iops_vs_iodepth.png"; csv="points.csv";
#     xcol="iodepth"; xlabel="iodepth"; xscale="1"; logx="1"; cat="0"; xt="";
#     keep="1"; series=""; slabels=""; metric="iops";
#     ylabel="iops (thousands)"; yscale="1000"; ptitle="iops"' plots/vs.gp

if (term eq "svg") {
	set terminal svg size 800,600 dynamic noenhanced font "Sans,12"
} else {
	set terminal pngcairo size 800,600 noenhanced font "Sans,11"
}
set output out
set datafile separator comma
set datafile columnheaders
set title ptitle
set xlabel xlabel
set ylabel ylabel
set grid
set key top left box opaque
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
if (logx + 0) set logscale x 2
if (strlen(xt) > 0) eval "set xtics " . xt

eval "keep(dummy) = (" . keep . ")"
xv(dummy) = (cat + 0) ? column(xcol . "_idx") : column(xcol . "_num") / (xscale + 0)
yv(name) = column(name) / (yscale + 0)

if (strlen(series) == 0) {
	plot csv using (keep(0) ? xv(0) : NaN):(yv(metric)):(yv(metric . "_min")):(yv(metric . "_max")) \
		with yerrorlines lw 2 pt 7 ps 1.2 title metric
} else {
	plot for [i = 0:words(slabels) - 1] csv \
		using ((keep(0) && column(series . "_idx") == i) ? xv(0) : NaN):(yv(metric)):(yv(metric . "_min")):(yv(metric . "_max")) \
		with yerrorlines lw 2 pt 7 ps 1.2 title series . "=" . word(slabels, i + 1)
}
