#!/bin/sh
# Process figures (issue: processes), measured inside the guest by /bin/sysbench, which
# prints "name value unit" lines, each the median of its own runs: a getpid round trip,
# spawn + exit + wait, fork + exit + wait, fork + exec + exit + wait, a yield ping-pong between two processes, a 1-byte write to
# /dev/null. Also the time from QEMU's start to the login prompt on SeaBIOS. One boot per
# run, BENCH_RUNS runs; the table shows the median of the runs' medians.
# Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}"
. "$top_srcdir/bench/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
serialterm=tools/serialterm/serialterm
password=$(sed -n 's/^ROOT_PASSWORD = //p' Makefile)

: > "$tmp/login"
for i in $(seq "$BENCH_RUNS"); do
	start=$(now_ms)
	"$serialterm" -q --timeout 30 --boot keel.iso --expect 'login: ' </dev/null >/dev/null 2>&1 &&
		echo $(( $(now_ms) - start )) >> "$tmp/login"
	"$serialterm" -q --timeout 120 --boot keel.iso --login "root:${password:-keel}" \
		--exec sysbench </dev/null >> "$tmp/sysbench" 2>/dev/null
done

row "QEMU start to login prompt (bios)" "$(median < "$tmp/login")" ms "goal < 1000; Linux+busybox ~3000, xv6 ~600"
figure() { awk -v n="$1" '$1 == n { print $2 }' "$tmp/sysbench" | median; }
unit() { awk -v n="$1" '$1 == n { print $3; exit }' "$tmp/sysbench"; }
row "getpid round trip (sysbench)" "$(figure getpid)" "$(unit getpid)" "Linux 6.1 under the same TCG: ~0.8 us"
row "spawn + exit + wait (sysbench)" "$(figure spawn)" "$(unit spawn)" "Linux: fork+exit+wait ~0.9 ms, fork+exec+wait ~2.1 ms"
row "fork + exit + wait (sysbench)" "$(figure fork)" "$(unit fork)" "copy-on-write: no page copied at the fork"
row "fork + exec + exit + wait (sysbench)" "$(figure forkexec)" "$(unit forkexec)" "the same program as the spawn row"
row "yield ping-pong round (sysbench)" "$(figure yield)" "$(unit yield)" "two processes"
row "1-byte write to /dev/null (sysbench)" "$(figure devnull)" "$(unit devnull)" ""
row "pipe round trip, 1 byte each way (sysbench)" "$(figure pipe)" "$(unit pipe)" "two processes, two pipes; Linux ~64 us, goal <= 0.5x"
row "pipe throughput, 64 KiB writes (sysbench)" "$(figure pipe64k)" "$(unit pipe64k)" "into a child that drains it"
row "64 KiB writes to /dev/null (sysbench)" "$(figure devnull64k)" "$(unit devnull64k)" "beside the pipe's"
row "open + close of /etc/motd (sysbench)" "$(figure open)" "$(unit open)" "a path walk of two components, permission-checked"
