# Shared setup of serialterm's tests: the programs, a scratch directory, and checks.
# Source it as: . "$top_srcdir/tests/serialterm/lib.sh"
. "$top_srcdir/tests/lib.sh"

abs() { (cd "$1" && pwd); }
builddir=$(abs "$top_builddir")
srcdir=$(abs "$top_srcdir")
ST=$builddir/tools/serialterm/serialterm
STPEER=$builddir/tests/serialterm/stpeer
PTYRUN=$builddir/tests/serialterm/ptyrun
need_built "$ST" "$STPEER" "$PTYRUN"
scratch_dir
export TMPDIR="$scratch"

# run CMD...: runs CMD with its output in $scratch/out and $scratch/err, status in $rc.
run() {
	"$@" >"$scratch/out" 2>"$scratch/err" </dev/null
	rc=$?
}

# is_rc N NAME: the last run exited with status N.
is_rc() {
	[ "$rc" -eq "$1" ]
	tap_ok $? "$2"
	[ "$rc" -eq "$1" ] || { echo "# status $rc, not $1"; tap_diag "$scratch/err"; }
}

# has FILE TEXT NAME: FILE contains the fixed string TEXT.
has() {
	LC_ALL=C grep -a -q -F -e "$2" "$1"
	tap_ok $? "$3"
	LC_ALL=C grep -a -q -F -e "$2" "$1" || { echo "# no '$2' in:"; tap_diag "$1"; }
}

# lacks FILE TEXT NAME: FILE does not contain TEXT.
lacks() {
	! LC_ALL=C grep -a -q -F -e "$2" "$1"
	tap_ok $? "$3"
}
