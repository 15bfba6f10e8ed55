#!/bin/sh
# TCP figures (issue 13): bulk throughput host -> Keel and Keel -> host in MiB/s (16 MiB
# through Keel's nc, timed on the host from the connection's start to its end), and
# connections set up and torn down per second (a host client connecting to `nc -l -k`
# again and again, each connection closed by both sides), over a tap device in a network
# namespace of the script's own, QEMU with TCG and an e1000. Then the same against a Linux
# guest under the same QEMU, card and tap (bench/linuxguest.sh): busybox nc for the bulk
# transfers, bench/acceptloop.c (static) for the connections. Needs root and python3;
# prints n/a rows without them.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/bench/linuxguest.sh"
serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
conns=$((BENCH_RUNS * 40))
setup="tap in a netns, QEMU $QEMU_ACCEL -m 256M, e1000, 16 MiB per run"

# na_rows SYSTEM NOTE: the rows of one system without figures.
na_rows() {
	row "TCP bulk, host to guest ($1)" n/a "MiB/s" "$2"
	row "TCP bulk, guest to host ($1)" n/a "MiB/s" "$2"
	row "TCP connections, setup + teardown ($1)" n/a "per s" "$2"
}
na() {
	na_rows Keel "$1"
	na_rows "Linux guest" "$1"
	exit 0
}
[ "$(id -u)" = 0 ] || na "needs root (network namespace)"
command -v python3 >/dev/null || na "needs python3"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
ns=keelbench-$$
trap 'kill $guest 2>/dev/null; ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
guest=
tap_netns $ns || na "cannot make the namespace"
"$mkboot" --iso "$tmp/keel.iso" --kernel "$top_builddir/kernel/keel.elf" \
	--ramfs "$top_builddir/ramfs.img" --cmdline 'ip=192.168.76.2/24 gw=192.168.76.1' ||
	na "cannot build Keel's image"
head -c 16777216 /dev/urandom > "$tmp/blob"

# The host's side, in Python: "send PORT FILE" connects and sends FILE, "take PORT N"
# accepts N connections and reads each to its end, "conns PORT N" connects N times, each
# time reading to the end and closing, "poke PORT" connects and closes. Each prints the
# seconds it took, one per line.
cat > "$tmp/peer.py" <<'PY'
import socket, sys, time
what, port = sys.argv[1], int(sys.argv[2])
addr = ("192.168.76.2", port)
def connect():
    for _ in range(600):
        try:
            return socket.create_connection(addr, timeout=120)
        except OSError:
            time.sleep(0.05)
    sys.exit("no connection to %s:%d" % addr)
if what == "send":
    data = open(sys.argv[3], "rb").read()
    s = connect()
    t = time.monotonic()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    print(time.monotonic() - t)
elif what == "take":
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("192.168.76.1", port))
    l.listen(1)
    print("listening", flush=True)
    for _ in range(int(sys.argv[3])):
        c, _ = l.accept()
        t = time.monotonic()
        n = 0
        while True:
            b = c.recv(262144)
            if not b:
                break
            n += len(b)
        print(time.monotonic() - t, n, flush=True)
        c.close()
elif what == "poke":
    connect().close()
elif what == "conns":
    s = connect()
    s.close()
    t = time.monotonic()
    for _ in range(int(sys.argv[3])):
        s = connect()
        while s.recv(4096):
            pass
        s.close()
    print(time.monotonic() - t)
PY

peer() { ip netns exec $ns python3 "$tmp/peer.py" "$@"; }

# measure SYSTEM NOTE-RX NOTE-TX NOTE-CONNS [POKE-PORT]: the rows of the guest now booting,
# which takes BENCH_RUNS transfers on port 5000, then (when the host pokes POKE-PORT, if
# given) sends BENCH_RUNS to the host's port 5001, and takes connections on port 5002.
measure() {
	peer take 5001 "$BENCH_RUNS" > "$tmp/tx" &	# listening before the senders start
	taker=$!
	: > "$tmp/rx"
	i=1
	while [ $i -le "$BENCH_RUNS" ]; do
		peer send 5000 "$tmp/blob" >> "$tmp/rx" || break
		i=$((i + 1))
	done
	[ $# -ge 5 ] && peer poke "$5"
	wait $taker
	rx=$(awk '{ print 16 / $1 }' "$tmp/rx" | median)
	tx=$(awk 'NF == 2 && $2 == 16777216 { print 16 / $1 }' "$tmp/tx" | median)
	cs=$(peer conns 5002 "$conns")
	row "TCP bulk, host to guest ($1)" "$(printf '%.1f' "$rx")" "MiB/s" "$setup; Python sendall to $2"
	row "TCP bulk, guest to host ($1)" "$(printf '%.1f' "$tx")" "MiB/s" "$setup; $3, Python reads"
	row "TCP connections, setup + teardown ($1)" \
		"$(awk -v n=$conns -v t="$cs" 'BEGIN { printf "%.0f", n / t }')" "per s" \
		"one Python client, $conns in a row to $4 (each: handshake, FIN both ways)"
}

# Keel: the blob first (not timed), then a listener per run, then a sender per run, then
# a listener that takes connections until the end.
set -- --exec 'nc -l 5000 > /tmp/blob'
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	set -- "$@" --exec 'nc -l 5000 > /dev/null'
	i=$((i + 1))
done
set -- "$@" --exec 'echo senders-next'
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	set -- "$@" --exec 'nc -q 0 192.168.76.1 5001 < /tmp/blob'
	i=$((i + 1))
done
set -- "$@" --exec 'nc -l -k 5002 < /dev/null'
ip netns exec $ns "$serialterm" -q --timeout 600 --log "$tmp/keel.log" --boot "$tmp/keel.iso" \
	--login root:keel "$@" -- -m 256M -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device e1000,netdev=n0 </dev/null >"$tmp/keel.out" 2>&1 &
guest=$!
if peer send 5000 "$tmp/blob" >/dev/null; then
	measure Keel "nc -l > /dev/null" "nc -q 0 < a ramfs file" "nc -l -k < /dev/null"
else
	na_rows Keel "the first transfer failed"
fi
kill $guest 2>/dev/null; wait $guest 2>/dev/null; guest=

# The Linux guest: the same transfers with busybox nc, whose senders wait for a poke on
# port 4999, and bench/acceptloop for the connections.
linux_guest() {
	r=$tmp/linuxroot
	linux_guest_root "$r" e1000 && cp "$tmp/blob" "$r/blob" &&
		${CC:-cc} -static -O2 -o "$r/bin/acceptloop" "$top_srcdir/bench/acceptloop.c" || return 1
	cat >> "$r/init" <<EOF
ip link set eth0 up
ip addr add 192.168.76.2/24 dev eth0
(while :; do nc -l -p 5000 > /dev/null; done) &
(nc -l -p 4999 > /dev/null; i=1; while [ \$i -le $BENCH_RUNS ]; do nc 192.168.76.1 5001 < /blob; i=\$((i + 1)); done) &
acceptloop 5002 &
exec sh
EOF
	linux_guest_pack "$r" "$tmp/linux.cpio.gz"
}
if linux_guest; then
	ip netns exec $ns sh -c '. "$1/bench/linuxguest.sh"; shift; linux_guest_qemu "$@"' sh "$top_srcdir" \
		"$tmp/linux.cpio.gz" -m 256M -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device e1000,netdev=n0 </dev/null >"$tmp/linux.log" 2>&1 &
	guest=$!
	setup="$setup, Debian $linux_guest_version"
	measure "Linux guest" "busybox nc -l > /dev/null" "busybox nc < an initramfs file" "acceptloop" 4999
	kill $guest 2>/dev/null; wait $guest 2>/dev/null; guest=
else
	na_rows "Linux guest" "could not build the guest (apt-get download of the kernel and busybox-static, cc -static)"
fi
