# SPDX-License-Identifier: MIT
#
# Latency percentile spectrum (HdrHistogram/wrk2 style): x is 1/(1-q) on
# a log scale, labelled with the percentile, y the latency (log); one line per
# point of the sweep (one run each).  Reads spectrum.csv: one block per
# point, two blank lines apart, rows label,percentile,1/(1-q),latency_us.
# Variables (gnuplot -e): csv, out, term, ptitle; blocks (the block
# indices to draw, space-separated) and labels (their titles).

if (term eq "svg") {
	set terminal svg size 800,600 dynamic noenhanced font "Sans,12"
} else {
	set terminal pngcairo size 800,600 noenhanced font "Sans,11"
}
set output out
set datafile separator comma
set title ptitle
set xlabel "percentile"
set ylabel "latency (µs, log scale)"
set grid
set key bottom right box opaque
set logscale x 10
set xrange [1:20000]
set xtics ("min" 1, "50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000)
set logscale y 10

plot for [i = 1:words(blocks)] csv index (word(blocks, i) + 0) using 3:4 \
	with linespoints lw 2 pt 7 title word(labels, i)
