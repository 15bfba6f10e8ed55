# Helpers of asm2flat's tests, sourced after tests/lib.sh (and after scratch_dir): the
# program under test, the reference images GNU ld and objcopy make, and checks of a failed
# run.

# Absolute, since some tests run asm2flat from another directory.
asm2flat="$(cd "$top_builddir" && pwd)/tools/asm2flat/asm2flat"
progs="$(cd "$top_srcdir/tests/asm2flat" && pwd)"
: "${NASM:=nasm}" "${KERNEL_LD:=ld}" "${OBJCOPY:=objcopy}"
export NASM

# ld 2.39 and later warn that -N's one segment is writable and executable; that is what a
# flat image is, so the warning is silenced where ld knows the option.
ld_quiet=
$KERNEL_LD --help 2>/dev/null | grep -q -- --no-warn-rwx-segments &&
	ld_quiet=--no-warn-rwx-segments

# ref_image OUT BASE OBJ...: writes to OUT the image GNU ld and objcopy make of OBJ...:
#   ld -N -Ttext=BASE -o OUT.elf OBJ...
#   objcopy -O binary --set-section-flags .bss=alloc,load,contents OUT.elf OUT
# (-N: text, data and bss in one segment, with no page alignment between them; objcopy's
# --set-section-flags gives .bss contents, which are zeros, so that it is in the image).
ref_image() {
	_out=$1 _base=$2; shift 2
	$KERNEL_LD $ld_quiet -N -Ttext="$_base" -o "$_out.elf" "$@" 2>"$_out.ld-err" &&
	$OBJCOPY -O binary --set-section-flags .bss=alloc,load,contents "$_out.elf" "$_out"
}

# nasm_obj OUT SRC [NASM-ARGS...]: assembles SRC into the object OUT, as asm2flat does.
nasm_obj() {
	_o=$1 _s=$2; shift 2
	$NASM -f elf64 "$@" -o "$_o" "$_s"
}

# a2f_fail NAME STATUS PATTERN ARGS...: runs ARGS (asm2flat and its arguments, writing
# into "$out/...") in a fresh directory $out with a fresh TMPDIR, and checks the facts of a
# failure: the exit status, one "asm2flat: " line on stderr saying PATTERN (a grep -E
# expression), nothing on stdout, and nothing left behind, neither output nor temporary
# files. Set a2f_lines to allow more lines before asm2flat's own (NASM's messages).
a2f_fail() {
	_name=$1 _want=$2 _pat=$3; shift 3
	_n=$((tap_count + 1))
	out="$scratch/out.$_n" tmp="$scratch/tmp.$_n"
	mkdir -p "$out" "$tmp"
	TMPDIR=$tmp "$@" >"$scratch/stdout" 2>"$scratch/stderr"
	_st=$?
	[ "$_st" -eq "$_want" ]
	tap_ok $? "$_name: exits with status $_want"
	[ "$_st" -eq "$_want" ] || echo "# got status $_st"
	[ "$(grep -c '^asm2flat: ' "$scratch/stderr")" -eq 1 ] &&
		[ "$(wc -l <"$scratch/stderr")" -eq $((1 + ${a2f_lines:-0})) ] &&
		tail -n 1 "$scratch/stderr" | grep -q '^asm2flat: '
	_r=$?
	tap_ok $_r "$_name: says so in one 'asm2flat: ' line on stderr"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
	tail -n 1 "$scratch/stderr" | grep -Eq -- "$_pat"
	_r=$?
	tap_ok $_r "$_name: the message says /$_pat/"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
	[ -z "$(ls -A "$out")" ] && [ -z "$(ls -A "$tmp")" ] && [ ! -s "$scratch/stdout" ]
	_r=$?
	tap_ok $_r "$_name: leaves no output or temporary file"
	[ $_r -eq 0 ] || ls -lA "$out" "$tmp" | sed 's/^/# /'
}
