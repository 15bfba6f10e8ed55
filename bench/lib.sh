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

# tap_netns NS: a network namespace NS with lo up and a tap device tap0 at 192.168.76.1/24,
# for QEMU's -netdev tap,ifname=tap0 run inside it; the caller deletes it (ip netns del).
tap_netns() {
	ip netns add "$1" && ip netns exec "$1" ip link set lo up &&
		ip netns exec "$1" ip tuntap add dev tap0 mode tap &&
		ip netns exec "$1" ip addr add 192.168.76.1/24 dev tap0 &&
		ip netns exec "$1" ip link set tap0 up
}

# row NAME VALUE UNIT NOTE
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }

: "${BENCH_RUNS:=5}"
