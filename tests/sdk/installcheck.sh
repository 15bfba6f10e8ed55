#!/bin/sh
# make installcheck: the examples/ a user would build, built against an installed SDK with
# its keel-cc and its keel.pc, packed into a copy of its ramfs.img with its mkramfs, booted
# with its mkboot and serialterm, and their output checked. Prints TAP; exits 1 on a
# failure.
#
#   installcheck.sh BINDIR PKGCONFIGDIR PKGDATADIR EXAMPLES_DIR WORK_DIR
set -u
bindir=$1 pcdir=$2 datadir=$3 examples=$4 work=$5
failed=0 n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
diag() { sed 's/^/# /' "$1"; }

echo "1..7"
rm -rf "$work" && mkdir -p "$work" || exit 1
cp "$examples"/Makefile "$examples"/*.c "$work"/ && chmod u+w "$work"/* || exit 1
# Only the installed SDK: the build tree's keel-cc and keel-uninstalled.pc are out of reach.
PATH=$bindir:$PATH PKG_CONFIG_PATH=$pcdir PKG_CONFIG_LIBDIR=$pcdir \
	make -C "$work" >"$work/make.log" 2>&1
ok $? "the examples build with the installed keel-cc and keel.pc" || true
[ $failed = 0 ] || diag "$work/make.log"
[ -x "$work/hello" ] && [ -x "$work/rot13" ]
ok $? "make made hello and rot13"

cp "$datadir/ramfs.img" "$work/ramfs.img" && chmod u+w "$work/ramfs.img" &&
	"$bindir/mkramfs" --add "$work/ramfs.img" "$work/hello=bin/hello" "$work/rot13=bin/rot13"
ok $? "the installed mkramfs adds them to a copy of the installed ramfs.img"
"$bindir/mkboot" --iso "$work/keel.iso" --kernel "$datadir/keel.elf" --ramfs "$work/ramfs.img"
ok $? "the installed mkboot makes an ISO of the installed kernel"

"$bindir/serialterm" --timeout 60 --log "$work/console.log" --boot "$work/keel.iso" \
	--expect 'keel: ready in [0-9]+ ms' --login root:keel --exec 'hello' \
	--exec 'hello SDK world' --exec 'echo Hello, Keel | rot13' \
	--exec 'echo Round trip | rot13 | rot13' </dev/null >"$work/out" 2>"$work/err"
ok $? "the installed serialterm boots it and runs the programs"
printf '%s\n' 'Hello, Keel!' 'Hello, SDK!' 'Hello, world!' 'Uryyb, Xrry' 'Round trip' \
	>"$work/expected"
cmp -s "$work/expected" "$work/out"
ok $? "the programs print on Keel what they should"
[ $failed = 0 ] || { diff "$work/expected" "$work/out" | diag /dev/stdin; diag "$work/err"; }
PATH=$bindir:$PATH "$bindir/keel-cc" --version | grep -q '^keel-cc '
ok $? "keel-cc --version names itself"
exit $failed
