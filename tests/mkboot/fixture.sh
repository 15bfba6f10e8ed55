# Helpers of mkboot's tests, sourced after tests/lib.sh (and after scratch_dir): the
# program under test, fixture kernels built from fixture.asm, and checks of a failed run.

mkboot="$top_builddir/tools/mkboot/mkboot"
fixture_dir="$top_srcdir/tests/mkboot"
: "${NASM:=nasm}" "${KERNEL_LD:=ld}" "${OBJCOPY:=objcopy}"

# fixture_kernel NAME [NASM-ARGS...]: assembles fixture.asm (with -D defines for the
# malformed variants) and links it into $scratch/NAME.elf. Its NASM include of Multiboot2
# numbers is made from the shared C header by the kernel build's own converter.
fixture_kernel() {
	_fk=$1; shift
	if [ ! -f "$scratch/multiboot2.inc" ]; then
		sed -n -f "$top_srcdir/kernel/h2inc.sed" \
			"$top_srcdir/kernel/include/uapi/keel/multiboot2.h" >"$scratch/multiboot2.inc" ||
			return 1
	fi
	$NASM -f elf64 -I"$scratch/" "$@" -o "$scratch/$_fk.o" "$fixture_dir/fixture.asm" &&
	$KERNEL_LD -z max-page-size=0x1000 -T "$fixture_dir/fixture.ld" \
		-o "$scratch/$_fk.elf" "$scratch/$_fk.o"
}

# fixture_ramfs NAME [EXTRA-BYTES [LABEL]]: writes $scratch/NAME, a stand-in ramfs: the
# newc magic (all mkboot looks at), LABEL (for the fixture kernel to print, telling
# ramfs images apart), a NUL, then EXTRA-BYTES random bytes.
fixture_ramfs() {
	{ printf '070702%s\0' "${3:-ramfs}"; head -c "${2:-100}" /dev/urandom; } >"$scratch/$1"
}

# mkboot_fail NAME STATUS PATTERN ARGS...: runs mkboot with ARGS, writing into a fresh
# directory $out (give "$out/..." as the output) with a fresh TMPDIR, and checks the facts
# of a failure: the exit status, one "mkboot: " line on stderr saying PATTERN (a grep
# -E expression), and nothing left behind, neither output nor temporary files.
mkboot_fail() {
	_name=$1 _want=$2 _pat=$3; shift 3
	_n=$((tap_count + 1))
	out="$scratch/out.$_n" tmp="$scratch/tmp.$_n"
	mkdir -p "$out" "$tmp"
	TMPDIR=$tmp "$@" >"$scratch/stdout" 2>"$scratch/stderr"
	_st=$?
	[ "$_st" -eq "$_want" ]
	tap_ok $? "$_name: exits with status $_want"
	[ "$_st" -eq "$_want" ] || echo "# got status $_st"
	[ "$(wc -l <"$scratch/stderr")" -eq 1 ] && grep -q '^mkboot: ' "$scratch/stderr"
	_r=$?
	tap_ok $_r "$_name: says so in one 'mkboot: ' line on stderr"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
	grep -Eq -- "$_pat" "$scratch/stderr"
	_r=$?
	tap_ok $_r "$_name: the message says /$_pat/"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
	[ -z "$(ls -A "$out")" ] && [ -z "$(ls -A "$tmp")" ] && [ ! -s "$scratch/stdout" ]
	_r=$?
	tap_ok $_r "$_name: leaves no output, temporary file or staging directory"
	[ $_r -eq 0 ] || ls -lA "$out" "$tmp" | sed 's/^/# /'
}
