#!/bin/sh
# serialterm's benchmarks, for make bench (run in the build directory):
#  - bytes per second through a raw pty pair into a pipe: serialterm in pipe mode against
#    cat on the same setup (tests/serialterm/ptybench), and their ratio (goal: >= 0.95);
#  - milliseconds from starting serialterm --boot (which starts QEMU, TCG) to the kernel's
#    "keel: ready in N ms" line: keel.iso if it is built, else tests/serialterm/bootsect.asm.
# Prints rows "name | value | unit | note"; each value is the median of RUNS runs.
RUNS=7
BYTES=33554432
srcdir=$(cd "$(dirname "$0")/.." && pwd)
st=./tools/serialterm/serialterm
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serialterm-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

[ -x "$st" ] || { echo "serialterm bench: $st is not built" >&2; exit 1; }
ptybench=./tests/serialterm/ptybench
if [ ! -x "$ptybench" ]; then
	ptybench=$tmp/ptybench
	${CC:-cc} -O2 -o "$ptybench" "$srcdir/tests/serialterm/ptybench.c" || exit 1
fi

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Throughput: runs alternate, so that both programs see the same machine.
i=0
while [ $i -lt $RUNS ]; do
	"$ptybench" $BYTES -- cat @LINE@ >>"$tmp/cat" || exit 1
	"$ptybench" $BYTES -- "$st" @LINE@ >>"$tmp/st" || exit 1
	i=$((i + 1))
done
cat_bps=$(median <"$tmp/cat")
st_bps=$(median <"$tmp/st")
awk -v s="$st_bps" -v c="$cat_bps" -v n=$RUNS -v b=$BYTES 'BEGIN {
	printf "| serialterm pty throughput | %.1f | MB/s | pipe mode, raw pty to a pipe, %d MiB, median of %d |\n", s / 1e6, b / 1048576, n
	printf "| cat pty throughput | %.1f | MB/s | the same pty pair and pipe |\n", c / 1e6
	printf "| serialterm / cat | %.2f | ratio | goal >= 0.95 |\n", s / c
}'

# Boot: QEMU start to the kernel's ready line.
qemu=${QEMU:-qemu-system-x86_64}
if [ -f ./keel.iso ]; then
	image=./keel.iso; what="keel.iso"
elif command -v nasm >/dev/null 2>&1 &&
     nasm -f bin -o "$tmp/boot.img" "$srcdir/tests/serialterm/bootsect.asm"; then
	image=$tmp/boot.img; what="stand-in boot sector (keel.iso not built)"
else
	image=
fi
if [ -n "$image" ] && command -v "$qemu" >/dev/null 2>&1; then
	i=0
	while [ $i -lt $RUNS ]; do
		t0=$(date +%s%N)
		# QEMU's "terminating on signal 15" is expected: keep stderr for failures only.
		"$st" -q -t 120 --boot "$image" --expect 'keel: ready in [0-9]+ ms' 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; exit 1; }
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000000 )) >>"$tmp/boot"
		i=$((i + 1))
	done
	echo "| boot to ready line (--boot, TCG) | $(median <"$tmp/boot") | ms | $what, median of $RUNS |"
else
	echo "| boot to ready line (--boot, TCG) | - | ms | skipped: no QEMU, or no image and no nasm |"
fi
