# Helpers of mkramfs's tests, sourced after tests/lib.sh and scratch_dir: the program
# under test, a small tree to pack, and the checks of a failed run.

# Absolute, because tests change into their scratch directory.
mkramfs="$(cd "$top_builddir" && pwd)/tools/mkramfs/mkramfs"

# make_tree DIR: a small tree with a subdirectory, an empty file, a setuid program and a
# symlink, with fixed permissions (the umask may not change them) and fixed mtimes.
make_tree() {
	mkdir -p "$1/bin" "$1/etc/init.d" &&
	printf '#!/bin/sh\necho hello\n' >"$1/bin/hello" &&
	printf 'root:x:0:0::/:/bin/sh\n' >"$1/etc/passwd" &&
	: >"$1/etc/empty" &&
	ln -s ../../bin/hello "$1/etc/init.d/rc" &&
	chmod 4755 "$1/bin/hello" && chmod 0644 "$1/etc/passwd" "$1/etc/empty" &&
	chmod 0755 "$1/bin" "$1/etc" "$1/etc/init.d" &&
	touch -h -d @1600000000 "$1/bin/hello" "$1/etc/passwd" "$1/etc/empty" \
		"$1/etc/init.d/rc" "$1/etc/init.d" "$1/etc" "$1/bin"
}

# mkramfs_fail NAME STATUS PATTERN CMD...: runs CMD and checks the facts of a failure: the
# exit status, one "mkramfs: " line on stderr, and PATTERN (grep -F) in that line.
mkramfs_fail() {
	_name=$1 _want=$2 _pat=$3; shift 3
	"$@" >"$scratch/stdout" 2>"$scratch/stderr"
	_st=$?
	[ "$_st" -eq "$_want" ]
	tap_ok $? "$_name: exits with status $_want"
	[ "$_st" -eq "$_want" ] || echo "# got status $_st"
	[ "$(wc -l <"$scratch/stderr")" -eq 1 ] && grep -q '^mkramfs: ' "$scratch/stderr"
	_r=$?
	tap_ok $_r "$_name: says so in one 'mkramfs: ' line on stderr"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
	grep -Fq -- "$_pat" "$scratch/stderr"
	_r=$?
	tap_ok $_r "$_name: the message says '$_pat'"
	[ $_r -eq 0 ] || tap_diag "$scratch/stderr"
}

# poke FILE OFFSET STRING: overwrites bytes of FILE at OFFSET with STRING.
poke() {
	printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# offset_of FILE STRING: the byte offset of the first STRING in FILE.
offset_of() {
	grep -aboF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# no_leftovers DIR: true when DIR holds nothing but what it held before (no IMG.XXXXXX).
no_leftovers() {
	! ls -A "$1" | grep -q '\.img\.......$'
}
