#!/bin/sh
# TCP over the lossy link of tests/tcp.test (doc/network.md, "Figures"): bulk throughput
# Keel -> host and host -> Keel in KiB/s, BENCH_RUNS transfers of 2 MiB each way through
# tests/tapimpair (5% of the frames lost, 20 ms delay, 10% sent at once ahead of the
# delayed ones, 1% twice; both directions), timed by a Python peer on the host from its
# connection's start to its end, and Keel's own counts of what its sender did (ifconfig:
# fast and partial-ACK retransmits). Needs root and python3; prints n/a rows without them.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
impair="$top_builddir/tests/tapimpair"
kib=2048
setup="tap in a netns, QEMU $QEMU_ACCEL, e1000, tapimpair -l 5 -d 20 -r 10 -u 1, $kib KiB per run"

na() {
	[ -s "${tmp:-}/keel.out" ] && tr -d '\r' < "$tmp/keel.out" | tail -n 15 >&2
	row "TCP bulk over a lossy link, Keel to host" n/a "KiB/s" "$1"
	row "TCP bulk over a lossy link, host to Keel" n/a "KiB/s" "$1"
	exit 0
}
[ "$(id -u)" = 0 ] || na "needs root (network namespace)"
command -v python3 >/dev/null || na "needs python3"
[ -x "$impair" ] || na "tests/tapimpair is not built"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
ns=keelbench-$$
keel= relay=
trap 'kill $keel $relay 2>/dev/null; ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
tap_netns $ns || na "cannot make the namespace"
"$mkboot" --iso "$tmp/keel.iso" --kernel "$top_builddir/kernel/keel.elf" \
	--ramfs "$top_builddir/ramfs.img" --cmdline 'ip=192.168.76.2/24 gw=192.168.76.1' || exit 1
head -c $((kib * 1024)) /dev/urandom > "$tmp/blob"

# "take PORT N" accepts N connections and reads each to its end; "send PORT FILE N"
# connects N times and sends FILE. Each prints the seconds a transfer took, one a line.
cat > "$tmp/peer.py" <<'PY'
import socket, sys, time
what, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[-1])
if what == "take":
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("192.168.76.1", port))
    l.listen(1)
    for _ in range(n):
        c, _ = l.accept()
        t, got = time.monotonic(), 0
        while True:
            b = c.recv(65536)
            if not b:
                break
            got += len(b)
        print(time.monotonic() - t, got, flush=True)
        c.close()
else:
    data = open(sys.argv[3], "rb").read()
    for _ in range(n):
        for _ in range(600):
            try:
                s = socket.create_connection(("192.168.76.2", port), timeout=300)
                break
            except OSError:
                time.sleep(0.1)
        t = time.monotonic()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        print(time.monotonic() - t, flush=True)
        s.close()
PY

ip netns exec $ns "$impair" -l 5 -d 20 -r 10 -u 1 tap0 5555 5556 </dev/null >/dev/null \
	2>"$tmp/impair" &
i=0
until grep -q 'tapimpair: ready' "$tmp/impair" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || na "tapimpair did not start"
	sleep 0.1
done
relay=$(sed -n 's/^tapimpair: ready, pid \([0-9]*\)$/\1/p' "$tmp/impair")
kill -USR1 $relay	# the link starts clean; impaired from here on, for every transfer

set -- --exec 'nc -l 5000 > /tmp/blob'
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	set -- "$@" --exec 'nc -q 5 192.168.76.1 5001 < /tmp/blob'
	i=$((i + 1))
done
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	set -- "$@" --exec 'nc -l 5002 > /dev/null'
	i=$((i + 1))
done
set -- "$@" --exec 'ifconfig -a'
peer() { ip netns exec $ns python3 "$tmp/peer.py" "$@"; }
peer take 5001 "$BENCH_RUNS" > "$tmp/tx" &
taker=$!
ip netns exec $ns "$serialterm" -q --timeout 1800 --log "$tmp/keel.log" --boot "$tmp/keel.iso" \
	--login root:keel "$@" -- -netdev socket,id=n0,udp=127.0.0.1:5555,localaddr=127.0.0.1:5556 \
	-device e1000,netdev=n0 </dev/null >"$tmp/keel.out" 2>&1 &
keel=$!
peer send 5000 "$tmp/blob" 1 >/dev/null || na "the first transfer failed"
wait $taker
tx=$(awk -v n=$((kib * 1024)) 'NF == 2 && $2 == n { print n / 1024 / $1 }' "$tmp/tx" | median)
peer send 5002 "$tmp/blob" "$BENCH_RUNS" > "$tmp/rx" 2>"$tmp/rx.err" ||
	{ cat "$tmp/rx.err" >&2; na "a transfer to Keel failed"; }
rx=$(awk -v k=$kib '{ print k / $1 }' "$tmp/rx" | median)
wait $keel
counter() { tr -d '\r' < "$tmp/keel.out" | sed -n "s/^    $1: \\([0-9]*\\)\$/\\1/p" | tail -n 1; }
row "TCP bulk over a lossy link, Keel to host" "$(printf '%.0f' "$tx")" "KiB/s" \
	"$setup; nc < a ramfs file, Python reads; $(counter 'tcp retransmits') fast/partial retransmits in all"
row "TCP bulk over a lossy link, host to Keel" "$(printf '%.0f' "$rx")" "KiB/s" \
	"$setup; Python sendall to nc -l > /dev/null"
