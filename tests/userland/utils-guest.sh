# The utilities on Keel, in shell.test's one boot: shell.test sources this file and calls
# utils_image (its image gets the inputs of utils-fixtures.sh as /u), utils_steps (the
# commands, run in /u), and at the end utils_checks, which runs the same commands in the
# same order with GNU's tools on a copy of the inputs and wants the same output (standard
# error included, as the console mixes them) and the same status. What reads the tty
# (tee, wc) is typed in, ended by ^D. It uses shell.test's say, step, part and status_of.
. "$top_srcdir/tests/userland/utils-fixtures.sh"

utils_n=0
utils_facts=0

# utils_image IN OUT: OUT is the image IN with the inputs added as /u (owned by root).
utils_image() {
	utils_fixtures "$scratch/utils.in/u"
	cp "$1" "$2" &&
		"$top_builddir/tools/mkramfs/mkramfs" --add "$2" -C "$scratch/utils.in" -u 0:0 u \
		>/dev/null || tap_bail "mkramfs could not add the utilities' inputs to the image"
}

# utils_case CMD: a step that runs CMD in /u, to be compared with GNU's.
utils_case() {
	utils_n=$((utils_n + 1))
	step "utils_step_$utils_n" "$1"
	printf '%s\n' "$1" > "$scratch/utils.cmd.$utils_n"
	utils_facts=$((utils_facts + 1))
}

# utils_typed CMD INPUT: runs CMD with INPUT typed at the tty and ^D, then a step "echo $?"
# whose part holds what the tty showed; the check wants GNU's output lines in it.
utils_typed() {
	say "send \"$1\\r\""
	say "sleep 1"
	say "send \"$2\\r\""
	say 'send "\x04"'
	say 'expect "root\$ $"'
	utils_n=$((utils_n + 1))
	step "utils_step_$utils_n" 'echo $?'
	printf '%s\n' "$1" > "$scratch/utils.typed.$utils_n"
	printf '%s\n' "$2" > "$scratch/utils.input.$utils_n"
	utils_facts=$((utils_facts + 1))
}

utils_steps() {
	step utils_cd 'cd /u'
	utils_case 'wc text nonl empty long'
	utils_case 'wc -l ctrl'
	utils_case 'wc -w ctrl missing'
	utils_case 'grep -n o text nonl'
	utils_case "grep -c '^[a-c]' text"
	utils_case "grep -v -i 'A.B*' text"
	utils_case 'grep zzz text'
	utils_case 'grep o missing'
	utils_case 'grep short long'
	utils_case 'head -n 3 nonl lines25'	# output that ends its last line
	utils_case 'tail -n 2 lines25'
	utils_case 'tail -n +23 lines25'
	utils_case 'sort -n nums'
	utils_case 'sort -r runs'
	utils_case 'uniq -c runs'
	utils_case 'seq 0 0.25 1'
	utils_case 'seq -w 8 11'
	utils_case 'cp text nonl adir'
	utils_case 'cp text copy'
	utils_case 'mv copy moved'
	utils_case 'touch empty new'
	utils_case 'wc -c adir/text adir/nonl moved new'
	utils_case 'cp adir nodir'
	utils_case 'mv missing adir'
	utils_case 'sleep 0.2'
	utils_case 'false'
	utils_case 'env -i A=1 B=two env'
	utils_case 'env -i A=1 B=2 env -u A C=3'
	utils_case "env - X=y sh -c 'echo \$X'"
	utils_case 'env -i nosuch'
	utils_case 'env -i ./text'
	utils_typed 'tee teed' 'typed line'
	utils_case 'cat teed'
	utils_typed 'wc' 'one two'
	step utils_home 'cd'
	utils_facts=$((utils_facts + 2))
}

utils_checks() {
	_host=$scratch/utils.host
	utils_fixtures "$_host"
	is_status "$utils_cd" 0 && is_status "$utils_home" 0
	tap_ok $? "utilities: cd /u and back"
	log_lacks "$log" 'kernel exception|panic'
	tap_ok $? "utilities: no exception in the kernel"
	_i=1
	while [ $_i -le $utils_n ]; do
		eval "_k=\$utils_step_$_i"
		if [ -f "$scratch/utils.cmd.$_i" ]; then
			_cmd=$(cat "$scratch/utils.cmd.$_i")
			(cd "$_host" && LC_ALL=C sh -c "$_cmd") > "$scratch/utils.want" 2>&1
			_want_status=$?
			part "$_k" | sed 1d > "$scratch/utils.got"
			cmp -s "$scratch/utils.want" "$scratch/utils.got" &&
				is_status "$_k" "$_want_status"
			_r=$?
			tap_ok $_r "on Keel, $_cmd: GNU's output and status ($_want_status)"
			if [ $_r -ne 0 ]; then
				echo "# status on Keel: $(status_of "$_k")"
				diff "$scratch/utils.want" "$scratch/utils.got" | head -n 10 | sed 's/^/# /'
			fi
		else
			_cmd=$(cat "$scratch/utils.typed.$_i")
			# From a pipe: like the tty, no regular file (wc's widths tell).
			cat "$scratch/utils.input.$_i" | (cd "$_host" && LC_ALL=C sh -c "$_cmd") \
				> "$scratch/utils.want" 2>&1
			_want_status=$?
			part "$_k" > "$scratch/utils.got"
			_r=0
			while IFS= read -r _line; do
				grep -q -x -F -e "$_line" "$scratch/utils.got" || _r=1
			done < "$scratch/utils.want"
			[ $_r -eq 0 ] && part_has "$_k" "^$_want_status\$"
			_r=$?
			tap_ok $_r "on Keel, $_cmd reading the tty: GNU's lines and status ($_want_status)"
			[ $_r -eq 0 ] || { cat "$scratch/utils.want"; sed 's/^/got: /' "$scratch/utils.got"; } |
				sed 's/^/# /'
		fi
		_i=$((_i + 1))
	done
}
