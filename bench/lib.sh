# Shared helpers of the benchmark scripts: timing, medians and the table's rows.
# Figures are printed as rows "| name | value | unit | note |" of one Markdown table.

# now_ms: wall-clock milliseconds (GNU date).
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# median: the median of the numbers on stdin, one per line.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row NAME VALUE UNIT NOTE
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }

: "${BENCH_RUNS:=5}"
