# SPDX-License-Identifier: MIT
#
# Stacked time per I/O in each stage of the model, one bar per point of
# the sweep: the stage_*_mean_ns metrics of the report (median over the
# repeats), in µs.  blkring plot draws it only when the report has such
# metrics.  Reads points.csv (see vs.gp).  Variables (gnuplot -e): csv,
# out, term, ptitle; stages (the stage columns, space-separated).

if (term eq "svg") {
	set terminal svg size 800,600 dynamic noenhanced font "Sans,12"
} else {
	set terminal pngcairo size 800,600 noenhanced font "Sans,11"
}
set output out
set datafile separator comma
set datafile columnheaders
set title ptitle
set ylabel "time per I/O (µs)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set key below horizontal box
set xtics rotate by -30
set grid y
set yrange [0:*]

plot for [i = 1:words(stages)] csv using (column(word(stages, i)) / 1e3):xtic(stringcolumn("label")) \
	title word(stages, i)
