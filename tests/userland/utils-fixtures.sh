# The inputs on which utils.test (on the host) and shell.test (on Keel) run the utilities
# against GNU's: ordinary text, no newline at the end, empty, blank lines, control and high
# bytes, numbers for sort -n, runs for uniq, a line far longer than any buffer, and a
# directory. Source it, then call utils_fixtures DIR; it bails out if one cannot be made.
utils_fixtures() {
	mkdir -p "$1" || tap_bail "cannot make $1 for the utilities' inputs"
	(
		cd "$1" || exit 1
		printf 'Hello world\nfoo bar\nabc*def\n^caret\nend$\nxxyyzz\n\n a.b\nAbC\ntab\there\n' > text
		printf 'a\nb\nc' > nonl
		: > empty
		printf '\n\n\n' > blank
		printf 'a\001b c\n\001\002 x\n\200\377 yy\n\tz\r\n' > ctrl
		awk 'BEGIN { for (i = 1; i <= 25; i++) print i }' > lines25
		printf '10\n-0\n0\n+5\n 3\nabc\n1.50\n1.5\n-1\n.5\n-.5\n00\nAbc\nabc\nb\nB\n_x\n10\n1e3\n\t-2\n' > nums
		printf 'a\na\nA\nb\nb\nb\nc\nc' > runs
		awk 'BEGIN { for (i = 0; i < 20000; i++) printf "long%d ", i; print ""; print "short" }' > long
		mkdir -p adir
	) || tap_bail "cannot make the utilities' inputs in $1"
	for _f in text nonl empty blank ctrl lines25 nums runs long adir; do
		[ -e "$1/$_f" ] || tap_bail "the utilities' input $_f was not made"
	done
	[ "$(wc -c < "$1/long")" -gt 100000 ] || tap_bail "the utilities' long line is not long"
}
