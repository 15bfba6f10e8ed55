# Shared helpers of Keel's shell tests. Every test prints TAP (one "ok"/"not ok" line per
# fact it checks) for automake's tap-driver. Source it as: . "$top_srcdir/tests/lib.sh"

: "${top_srcdir:=.}" "${top_builddir:=.}"
tap_count=0
tap_failed=0

# tap_plan N: announces how many facts the test checks.
tap_plan() { echo "1..$1"; }

# tap_ok COND-STATUS NAME: one result; pass the exit status of the check as $1.
tap_ok() {
	tap_count=$((tap_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_count - $2"
	else
		echo "not ok $tap_count - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# tap_check NAME CMD...: runs CMD and reports its success as the fact NAME.
tap_check() {
	_name=$1; shift
	"$@" >/dev/null 2>&1
	tap_ok $? "$_name"
}

tap_skip() { tap_count=$((tap_count + 1)); echo "ok $tap_count - $1 # SKIP $2"; }

# tap_skip_all REASON: the whole test cannot run here because the machine lacks a program
# or file that a Debian package provides; REASON names the package. Only for that: a test
# whose own fixture cannot be made, or whose built program is missing, bails out instead,
# and CI (.ci/run) fails on any skip.
tap_skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# tap_bail REASON: the test cannot go on because something it builds or needs from the
# build is broken. That is an error (automake reports ERROR), never a skip.
tap_bail() { echo "Bail out! $1"; exit 99; }

# need_built FILE...: bails out unless every FILE exists; make check builds them all.
need_built() {
	for _built; do
		[ -e "$_built" ] || tap_bail "$_built is not built (make check builds it)"
	done
}

# tap_diag FILE: shows a file's last lines as TAP comments, for a failure's context.
tap_diag() { tail -n "${2:-20}" "$1" 2>/dev/null | sed 's/^/# /'; }

# need_prog PROG PACKAGE: skips the whole test when PROG is not installed.
need_prog() {
	command -v "$1" >/dev/null 2>&1 || tap_skip_all "$1 is missing (Debian package: $2)"
}

# need_program_lists: sets $programs and $flat_programs to the names of the C programs and
# the flat binaries that the build puts in /bin, as the Makefile lists them (exported by
# tests/userland/local.mk), so that a program added to the build is checked too. Bails
# out when they are not set, as when a test is run by hand rather than by make check.
need_program_lists() {
	programs=${USERLAND_PROGRAMS:-} flat_programs=${USERLAND_FLAT_PROGRAMS:-}
	[ -n "$programs" ] && [ -n "$flat_programs" ] ||
		tap_bail "USERLAND_PROGRAMS or USERLAND_FLAT_PROGRAMS is not set: run me with make check"
}

# wait_until SECONDS CMD...: runs CMD every tenth of a second until it succeeds (status 0)
# or SECONDS of wall-clock time have passed (status 1). Use it, never a fixed sleep, to wait
# for another process: a sleep long enough for a loaded machine is too short on a busier
# one, and a waste on an idle one.
wait_until() {
	_deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
}

# at_exit CMD: runs CMD when the test ends, however it ends (last added, first run).
_at_exit=""
at_exit() { _at_exit="$1; $_at_exit"; trap "$_at_exit" EXIT; }

# scratch_dir: sets $scratch to a fresh directory for this test's files, removed at the end.
scratch_dir() {
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/keel-test.XXXXXX") || exit 99
	at_exit "rm -rf '$scratch'"
}
