# SPDX-License-Identifier: MIT
#
# A metric over two axes of a blkring sweep as a grid of coloured cells,
# each labelled with its median value.  Reads points.csv (see vs.gp).
# Variables (gnuplot -e): csv, out, term, ptitle as in vs.gp; xcol and ycol (the
# column and row axes), xlabel, ylabel, xit and yit ("(\"label\" index,
# ...)": the cells sit at the axes' indices, so any axis type works),
# nx, ny (values per axis), metric, cblabel, yscale (divides the metric),
# keep (a filter expression on the row; "1": every row).

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
set cblabel cblabel
# A perceptual palette (viridis).
set palette defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")
set style fill solid 1.0 noborder
unset key
eval "keep(dummy) = (" . keep . ")"
v(dummy) = column(metric) / (yscale + 0)
# Labels black on the light (upper) part of the palette, white elsewhere
# (before the ranges are set: stats keeps only values inside them).
stats csv using (keep(0) ? v(0) : NaN) nooutput
top = STATS_max
set xrange [-0.5:(nx + 0) - 0.5]
set yrange [-0.5:(ny + 0) - 0.5]
eval "set xtics " . xit
eval "set ytics " . yit
xi(dummy) = keep(0) ? column(xcol . "_idx") : NaN
fmt(z) = z >= 1000 ? sprintf("%.0f", z) : sprintf("%.3g", z)
light(dummy) = v(0) > 0.6 * top

plot csv using (xi(0)):(column(ycol . "_idx")):(0.5):(0.5):(v(0)) \
		with boxxyerror fc palette, \
	'' using (light(0) ? xi(0) : NaN):(column(ycol . "_idx")):(fmt(v(0))) \
		with labels font ",10" textcolor rgb "black", \
	'' using (light(0) ? NaN : xi(0)):(column(ycol . "_idx")):(fmt(v(0))) \
		with labels font ",10" textcolor rgb "white"
