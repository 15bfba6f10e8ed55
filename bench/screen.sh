#!/bin/sh
# Screen console figures (issue #15): lines per second that `seq 10000` writes to the
# console under TCG, QEMU's standard VGA at 1024x768x32, timed inside the guest by the
# uptime lines around it: COM1 alone (console=serial, through the shell as a user types),
# the framebuffer alone (console=screen; the command runs through the serial protocol,
# whose output is COM1's, and seq writes to /dev/tty, the screen), and both (the default).
# BENCH_RUNS boots of each kind; medians. Run through `make bench` in a configured build.
set -u
: "${top_srcdir:=.}"
. "$top_srcdir/bench/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
serialterm=tools/serialterm/serialterm
password=$(sed -n 's/^ROOT_PASSWORD = //p' Makefile)
user="root:${password:-keel}"
LINES=10000

# uptime_diff: the milliseconds between the two uptime lines on stdin.
uptime_diff() {
	tr -d '\r' | sed -n 's/^up \([0-9]*\):\([0-9]*\):\([0-9]*\)\.\([0-9]*\),.*/\1 \2 \3 \4/p' |
		awk '{ t[NR] = (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }
		     END { if (NR == 2) print t[2] - t[1] }'
}

# seq_ms CMDLINE HOW: the milliseconds seq LINES took; HOW is exec (the shell on the
# console) or run (the serial protocol, seq's lines to /dev/tty).
seq_ms() {
	tools/mkboot/mkboot --iso "$tmp/screen.iso" --kernel kernel/keel.elf --ramfs ramfs.img \
		--cmdline "$1" >/dev/null || return 1
	if [ "$2" = exec ]; then
		set -- --login "$user" --exec "uptime; seq $LINES; uptime"
	else
		set -- --auth "$user" --run "sh -c \"uptime; seq $LINES > /dev/tty; uptime\""
	fi
	"$serialterm" -q --timeout 300 --boot "$tmp/screen.iso" "$@" -- -nic none \
		</dev/null 2>/dev/null | uptime_diff
}

rate() { awk -v ms="$1" -v n="$LINES" 'BEGIN { if (ms > 0) printf "%d", n * 1000 / ms; else print "n/a" }'; }

: > "$tmp/serial"
: > "$tmp/screen"
: > "$tmp/both"
for i in $(seq "$BENCH_RUNS"); do
	seq_ms "console=serial" exec >> "$tmp/serial"
	seq_ms "console=screen" run >> "$tmp/screen"
	seq_ms "" exec >> "$tmp/both"
done
for kind in serial screen both; do
	eval "ms_$kind=\$(median < \"\$tmp/$kind\")"
done
row "console lines/s, COM1 alone (console=serial)" "$(rate "$ms_serial")" lines/s \
	"seq $LINES in $ms_serial ms"
row "console lines/s, framebuffer alone (console=screen)" "$(rate "$ms_screen")" lines/s \
	"seq $LINES in $ms_screen ms; redrawn at most 10 times a second"
row "console lines/s, COM1 and framebuffer (default)" "$(rate "$ms_both")" lines/s \
	"seq $LINES in $ms_both ms"
