#!/bin/sh
# TCP figures (issue 13): bulk throughput host -> Keel and Keel -> host in MiB/s (16 MiB
# through Keel's nc, timed on the host from the connection's start to its end), and
# connections set up and torn down per second (a host client connecting to `nc -l -k`
# again and again, each connection closed by both sides), over a tap device in a network
# namespace of the script's own, QEMU with TCG and an e1000. Needs root and python3;
# prints n/a rows without them.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
conns=$((BENCH_RUNS * 40))
setup="tap in a netns, QEMU $QEMU_ACCEL -m 256M, e1000, Keel's nc, 16 MiB per run"

na() {
	row "TCP bulk, host to Keel" n/a "MiB/s" "$1"
	row "TCP bulk, Keel to host" n/a "MiB/s" "$1"
	row "TCP connections (setup + teardown)" n/a "per s" "$1"
	exit 0
}
[ "$(id -u)" = 0 ] || na "needs root (network namespace)"
command -v python3 >/dev/null || na "needs python3"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
ns=keelbench-$$
trap 'kill $keel 2>/dev/null; ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
keel=
ip netns add $ns && ip netns exec $ns ip link set lo up &&
	ip netns exec $ns ip tuntap add dev tap0 mode tap &&
	ip netns exec $ns ip addr add 192.168.76.1/24 dev tap0 &&
	ip netns exec $ns ip link set tap0 up || na "cannot make the namespace"
"$mkboot" --iso "$tmp/keel.iso" --kernel "$top_builddir/kernel/keel.elf" \
	--ramfs "$top_builddir/ramfs.img" --cmdline 'ip=192.168.76.2/24 gw=192.168.76.1' || exit 1
head -c 16777216 /dev/urandom > "$tmp/blob"

# The host's side, in Python: "send PORT FILE" connects and sends FILE, "take PORT N"
# accepts N connections and reads each to its end, "conns PORT N" connects N times, each
# time reading to the end and closing. Each prints the seconds it took, one per line.
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

# The guest's side: the blob first (not timed), then a listener per run, then a sender
# per run, then a listener that takes connections until the end.
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
keel=$!

peer() { ip netns exec $ns python3 "$tmp/peer.py" "$@"; }
peer take 5001 "$BENCH_RUNS" > "$tmp/tx" &	# listening before Keel's senders start
taker=$!
peer send 5000 "$tmp/blob" >/dev/null || na "the first transfer failed"
: > "$tmp/rx"
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	peer send 5000 "$tmp/blob" >> "$tmp/rx" || break
	i=$((i + 1))
done
rx=$(awk '{ print 16 / $1 }' "$tmp/rx" | median)
row "TCP bulk, host to Keel" "$(printf '%.1f' "$rx")" "MiB/s" "$setup; Python sendall to nc -l > /dev/null"
wait $taker
tx=$(awk 'NF == 2 && $2 == 16777216 { print 16 / $1 }' "$tmp/tx" | median)
row "TCP bulk, Keel to host" "$(printf '%.1f' "$tx")" "MiB/s" "$setup; nc -q 0 < a ramfs file, Python reads"
cs=$(peer conns 5002 "$conns")
row "TCP connections (setup + teardown)" "$(awk -v n=$conns -v t="$cs" 'BEGIN { printf "%.0f", n / t }')" \
	"per s" "one Python client, $conns in a row to nc -l -k < /dev/null (each: handshake, FIN both ways)"
