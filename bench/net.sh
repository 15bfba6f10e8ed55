#!/bin/sh
# Network figures (issue: networking), for each card: the round trip of the host's ping
# to Keel (median of the replies' times) and UDP echo round trips per second from a host
# client to Keel's udpecho, over a tap device in a network namespace of the script's own,
# QEMU with TCG. Needs root for the namespace; prints n/a rows without it.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
netfuzz="$top_builddir/tests/netfuzz"
pings=$((BENCH_RUNS * 20))
udp=$((BENCH_RUNS * 200))
setup="tap in a netns, QEMU $QEMU_ACCEL -m 256M (serialterm --boot), $pings pings 50 ms apart after 3 to warm up"

na() {
	for nic in e1000 rtl8139; do
		row "ping round trip, host to Keel ($nic)" n/a ms "$1"
		row "UDP echo round trips ($nic)" n/a "per s" "$1"
	done
	exit 0
}
[ "$(id -u)" = 0 ] || na "needs root (network namespace)"
[ -x "$netfuzz" ] || ${MAKE:-make} -s tests/netfuzz >/dev/null 2>&1	# a check program
command -v ping >/dev/null && [ -x "$netfuzz" ] || na "needs ping and tests/netfuzz (make check)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
ns=keelbench-$$
trap 'ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
tap_netns $ns || na "cannot make the namespace"
"$mkboot" --iso "$tmp/keel.iso" --kernel "$top_builddir/kernel/keel.elf" \
	--ramfs "$top_builddir/ramfs.img" --cmdline 'ip=192.168.76.2/24 gw=192.168.76.1' || exit 1

for nic in e1000 rtl8139; do
	log=$tmp/$nic.log
	ip netns exec $ns "$serialterm" -q --timeout 300 --log "$log" --boot "$tmp/keel.iso" \
		--login root:keel --exec 'udpecho -t 30' -- -netdev \
		tap,id=n0,ifname=tap0,script=no,downscript=no -device $nic,netdev=n0 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	t=0
	until grep -a -q 'udpecho: listening' "$log" 2>/dev/null; do
		[ $t -lt 600 ] || break
		sleep 0.1; t=$((t + 1))
	done
	ip netns exec $ns ping -c 3 -W 2 192.168.76.2 >/dev/null 2>&1	# ARP and caches warm
	rtt=$(ip netns exec $ns ping -c $pings -i 0.05 -W 2 192.168.76.2 2>/dev/null |
		sed -n 's/.* time=\([0-9.]*\) ms/\1/p' | median)
	row "ping round trip, host to Keel ($nic)" "$rtt" ms "$setup"
	rate=$(ip netns exec $ns "$netfuzz" -n $udp tap0 52:54:00:12:34:56 192.168.76.1 \
		192.168.76.2 udp-rtt 2>/dev/null | sed -n 's/^udp-rtt: .* per second \([0-9]*\)$/\1/p')
	row "UDP echo round trips ($nic)" "${rate:-n/a}" "per s" \
		"one at a time, $udp datagrams of 32 bytes, host UDP socket to udpecho, same set-up"
	kill $pid 2>/dev/null; wait $pid 2>/dev/null || true	# stopped on purpose
done
