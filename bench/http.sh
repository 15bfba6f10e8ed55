#!/bin/sh
# HTTP figures (issue 13): requests per second for a 1 KiB file from Keel's httpd with 1
# and 8 clients (ApacheBench, with and without keep-alive), and TCP connections set up
# and torn down per second (a host client that connects, shuts its side and waits for
# the server's end of file, in a loop), over a tap
# device in a network namespace of the script's own, QEMU with TCG and an e1000. Then the
# same against a Linux guest under the same QEMU, card and tap: the Debian kernel of the
# team's Linux peer (Debian's kernel package, busybox-static; bench/linuxguest.sh) with
# busybox's httpd. Needs root for the namespace, ab (apache2-utils) and python3; prints
# n/a rows without them.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/bench/linuxguest.sh"
serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
mkramfs="$top_builddir/tools/mkramfs/mkramfs"
host_ip=192.168.76.1 guest_ip=192.168.76.2
secs=3			# each ab run, and each connection-rate run
setup="tap in a netns, QEMU $QEMU_ACCEL -m 256M, e1000"

# rows SYSTEM VALUE...: the figures of one system, or n/a with a note.
rows() {
	_sys=$1 _note=$2
	shift 2
	for _c in 1 8; do
		row "HTTP requests, 1 KiB file, $_c client(s), keep-alive ($_sys)" "${1:-n/a}" "per s" "$_note"
		row "HTTP requests, 1 KiB file, $_c client(s), a connection each ($_sys)" "${2:-n/a}" "per s" "$_note"
		[ $# -ge 2 ] && shift 2
	done
	row "TCP connections set up and torn down ($_sys)" "${1:-n/a}" "per s" "$_note"
}
na() {
	rows Keel "$1"
	rows "Linux guest" "$1"
	exit 0
}
[ "$(id -u)" = 0 ] || na "needs root (network namespace)"
command -v ab >/dev/null && command -v python3 >/dev/null || na "needs ab (apache2-utils) and python3"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
ns=keelhttp-$$
qpid=
trap '[ -n "$qpid" ] && kill $qpid 2>/dev/null; ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
tap_netns $ns || na "cannot make the namespace"
in_ns() { ip netns exec $ns "$@"; }
nic="-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0"

mkdir -p "$tmp/root/www"
head -c 1024 /dev/urandom > "$tmp/root/www/1k"

# wait_http SECS: until the guest's server answers.
wait_http() {
	wait_until "$1" in_ns curl -s -o /dev/null --max-time 2 "http://$guest_ip/1k"
}

# measure: BENCH_RUNS runs of each figure against the guest now serving; prints the
# medians in rows' order.
measure() {
	for c in 1 8; do
		for ka in -k ""; do
			for r in $(seq 1 "$BENCH_RUNS"); do
				in_ns timeout 60 ab -q $ka -t $secs -n 1000000 -c $c -s 20 "http://$guest_ip/1k" 2>/dev/null |
					sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p'
			done | median | tr '\n' ' '
		done
	done
	for r in $(seq 1 "$BENCH_RUNS"); do
		in_ns timeout 60 python3 - "$guest_ip" 80 "$secs" <<'EOF'
import socket, sys, time
host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
n, t0 = 0, time.monotonic()
while time.monotonic() - t0 < secs:
    s = socket.create_connection((host, port), timeout=10)
    s.shutdown(socket.SHUT_WR)          # our FIN; then the server's end of file
    while s.recv(4096):
        pass
    s.close()
    n += 1
print("%.1f" % (n / (time.monotonic() - t0)))
EOF
	done | median
}

# Keel: httpd -q over /www of an image that has the 1 KiB file.
cp "$top_builddir/ramfs.img" "$tmp/ramfs.img" &&
	"$mkramfs" --add "$tmp/ramfs.img" -C "$tmp/root" -u 0:0 www >/dev/null &&
	"$mkboot" --iso "$tmp/keel.iso" --kernel "$top_builddir/kernel/keel.elf" \
		--ramfs "$tmp/ramfs.img" --cmdline "ip=$guest_ip/24 gw=$host_ip" >/dev/null ||
	na "cannot build Keel's image"
# (Started with ip netns exec itself, not through in_ns, so that $! is the process.)
ip netns exec $ns "$serialterm" -q --timeout 0 --log "$tmp/keel.log" --boot "$tmp/keel.iso" \
	--login root:keel --exec 'httpd -q /www' -- -m 256M $nic </dev/null >/dev/null 2>&1 &
qpid=$!
if wait_http 120; then
	rows Keel "$setup; ab for ${secs} s a run, median of $BENCH_RUNS runs; connect, FIN, wait for the server's FIN, close, for ${secs} s" $(measure)
else
	rows Keel "httpd did not answer (see doc/network.md)"
fi
kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; qpid=

# The Linux guest (bench/linuxguest.sh): busybox httpd over the same file.
linux_guest() {
	r=$tmp/linuxroot
	linux_guest_root "$r" e1000 && mkdir -p "$r/www" && cp "$tmp/root/www/1k" "$r/www/1k" || return 1
	cat >> "$r/init" <<EOF
ip link set eth0 up
ip addr add $guest_ip/24 dev eth0
httpd -p 80 -h /www
echo LINUX-HTTPD-READY
exec sh
EOF
	linux_guest_pack "$r" "$tmp/linux.cpio.gz"
}
if linux_guest; then
	ip netns exec $ns sh -c '. "$1/bench/linuxguest.sh"; shift; linux_guest_qemu "$@"' sh "$top_srcdir" \
		"$tmp/linux.cpio.gz" -m 256M $nic </dev/null >"$tmp/linux.log" 2>&1 &
	qpid=$!
	if wait_http 180; then
		rows "Linux guest" "Debian $linux_guest_version, busybox httpd; same set-up" $(measure)
	else
		rows "Linux guest" "the guest's httpd did not answer"
	fi
	kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; qpid=
else
	rows "Linux guest" "could not build the guest (apt-get download of the kernel and busybox-static)"
fi
