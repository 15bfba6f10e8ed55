#!/bin/sh
# Serial protocol figures (doc/protocol.md): the goodput of an upload against the raw
# throughput of the same channel, over QEMU's COM1 socket (1 MiB) and through
# tests/proto/relay limited to 11,520 bytes/s, a 115200-baud 8N1 line (64 KiB); then the
# goodput of an upload and a download through that line with 0.01% and 1% of its bytes
# damaged each way, against the line rate.
#
# Raw: inside a session the kernel drops text it receives, so the time to send N bytes of
# plain text and then have a HELLO answered, less the time of the HELLO alone, is the time
# the channel takes to carry N bytes into the kernel. Goodput: the time of --put of N
# bytes, less the same HELLO. The session is left open between runs (serialterm is
# killed rather than let say BYE), so that no console output is waiting in the way.
# Medians of BENCH_RUNS runs. Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/tests/proto/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
at_exit "rm -rf '$tmp'"
for f in "$serialterm" "$relay" "$top_builddir/ramfs.img"; do
	[ -e "$f" ] || { row "serial protocol" - - "skipped: $f is not built"; exit 0; }
done
proto_image "$tmp/keel.iso" || exit 1
proto_boot "$tmp/keel.iso" "$tmp/com1"
"$serialterm" -q -t 60 "unix:$tmp/com1" --expect 'login: ' </dev/null >/dev/null || exit 1

# ms SCRIPT LINE: milliseconds serialterm takes to run SCRIPT on LINE.
ms() {
	_t0=$(now_ms)
	"$serialterm" -q -t 300 "$2" --script "$1" </dev/null >/dev/null 2>>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	echo $(( $(now_ms) - _t0 ))
}

# figures LINE BYTES NAME: the raw and goodput rows for one channel.
figures() {
	_line=$1 _n=$2
	head -c "$_n" /dev/urandom >"$tmp/file"
	{ printf 'send "'; head -c "$_n" /dev/zero | tr '\0' a; printf '"\nauth root:keel\n'; } \
		>"$tmp/raw.st"
	printf 'auth root:keel\n' >"$tmp/hello.st"
	printf 'auth root:keel\nput %s=/tmp/bench\n' "$tmp/file" >"$tmp/put.st"
	printf 'auth root:keel\nsleep 5\n' >"$tmp/open.st"
	# A session to start from: serialterm is killed, so it stays open.
	timeout -s KILL 3 "$serialterm" -q "$_line" --script "$tmp/open.st" </dev/null >/dev/null 2>&1
	: >"$tmp/raw"; : >"$tmp/put"
	_i=0
	while [ $_i -lt "$BENCH_RUNS" ]; do
		_h=$(ms "$tmp/hello.st" "$_line")
		echo $(( $(ms "$tmp/raw.st" "$_line") - _h )) >>"$tmp/raw"
		echo $(( $(ms "$tmp/put.st" "$_line") - _h )) >>"$tmp/put"
		timeout -s KILL 3 "$serialterm" -q "$_line" --script "$tmp/open.st" \
			</dev/null >/dev/null 2>&1
		_i=$((_i + 1))
	done
	_raw=$(median <"$tmp/raw")
	_put=$(median <"$tmp/put")
	awk -v r="$_raw" -v p="$_put" -v n="$_n" -v name="$3" -v rate="${4:-}" 'BEGIN {
		if (r < 1) r = 1
		if (p < 1) p = 1
		printf "| %s raw | %.1f | KiB/s | plain bytes into the kernel |\n", name, n / r * 1000 / 1024
		printf "| %s goodput | %.1f | KiB/s | --put of %d KiB |\n", name, n / p * 1000 / 1024, n / 1024
		printf "| %s goodput / raw | %.2f | ratio | goal >= 0.95 |\n", name, r / p
		if (rate != "")
			printf "| %s goodput / line rate | %.2f | ratio | %d B/s; goal >= 0.93 (ZMODEM 0.96, XMODEM-1K 0.89) |\n", name, n / p * 1000 / rate, rate
	}'
}

# noisy LINE BYTES NAME RATE: goodput rows of --put and --get through a noisy line. The
# time of a HELLO alone (its median, as it may need sending again) is taken off.
noisy() {
	_line=$1 _n=$2
	head -c "$_n" /dev/urandom >"$tmp/file"
	printf 'auth root:keel\n' >"$tmp/hello.st"
	printf 'auth root:keel\nput %s=/tmp/bench\n' "$tmp/file" >"$tmp/put.st"
	printf 'auth root:keel\nget /tmp/bench=%s\n' "$tmp/back" >"$tmp/get.st"
	: >"$tmp/hello"; : >"$tmp/put"; : >"$tmp/get"
	_i=0
	while [ $_i -lt "$BENCH_RUNS" ]; do
		ms "$tmp/hello.st" "$_line" >>"$tmp/hello"
		ms "$tmp/put.st" "$_line" >>"$tmp/put"
		ms "$tmp/get.st" "$_line" >>"$tmp/get"
		cmp -s "$tmp/file" "$tmp/back" || { echo "bench: $3: the file came back changed" >&2; exit 1; }
		_i=$((_i + 1))
	done
	awk -v h="$(median <"$tmp/hello")" -v p="$(median <"$tmp/put")" \
	    -v g="$(median <"$tmp/get")" -v n="$_n" -v name="$3" -v rate="$4" -v goal="$5" 'BEGIN {
		p -= h; g -= h
		if (p < 1) p = 1
		if (g < 1) g = 1
		printf "| %s --put / line rate | %.2f | ratio | %.1f KiB/s of %d KiB; goal >= %s |\n", name, n / p * 1000 / rate, n / p * 1000 / 1024, n / 1024, goal
		printf "| %s --get / line rate | %.2f | ratio | %.1f KiB/s of %d KiB; goal >= %s |\n", name, n / g * 1000 / rate, n / g * 1000 / 1024, n / 1024, goal
	}'
}

figures "unix:$tmp/com1" 1048576 "protocol, QEMU socket"
"$relay" --rate 11520 "$tmp/relay" "$tmp/com1" &
relay_pid=$!
at_exit "kill $relay_pid 2>/dev/null"
sleep 0.5
figures "unix:$tmp/relay" 65536 "protocol, 115200 baud" 11520
for noise in 0.01 1; do
	kill $relay_pid 2>/dev/null
	wait $relay_pid 2>/dev/null
	"$relay" --rate 11520 --noise $noise --seed 3 "$tmp/relay$noise" "$tmp/com1" &
	relay_pid=$!
	at_exit "kill $relay_pid 2>/dev/null"
	sleep 0.5
	case $noise in
	1) noisy "unix:$tmp/relay$noise" 65536 "protocol, 115200 baud, 1% noise" 11520 0.20 ;;
	*) noisy "unix:$tmp/relay$noise" 131072 "protocol, 115200 baud, $noise% noise" 11520 0.90 ;;
	esac
done
