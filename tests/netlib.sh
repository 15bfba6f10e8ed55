# Helpers of the network system tests (tests/net-*.test). Source after tests/lib.sh and
# tests/qemu.sh.
#
#   net_need_userland            bails out unless ramfs.img is built
#   net_image OUT CMDLINE        an ISO of the kernel and ramfs.img with CMDLINE
#   net_session ISO OUT CMD...   boots ISO (QEMU arguments in $net_qemu_args, word-split),
#                                logs in as root, runs each CMD with --exec; output to OUT,
#                                COM1 to OUT.log; returns serialterm's status
#   net_netns                    makes the network namespace $netns with tap0 at
#                                $net_host_ip/24 (MTU 9000, for giant frames), removed at exit;
#                                skips without root (the one skip that names no package)
#   in_netns CMD...              runs CMD inside it
#   wait_for FILE REGEX SECS     waits until FILE has a line matching REGEX
#
# Every address used lives in QEMU's restricted user network or in the namespace: nothing
# is ever sent anywhere else.

net_host_ip=192.168.76.1
net_keel_ip=192.168.76.2
net_qemu_args=
net_in_ns=

net_need_userland() {
	net_ramfs="$top_builddir/ramfs.img"
	need_built "$net_ramfs"
}

net_image() {
	"$mkboot" --iso "$1" --kernel "$kernel_elf" --ramfs "$net_ramfs" --cmdline "$2" ||
		tap_bail "mkboot could not build the test's image"
}

net_session() {
	_iso=$1 _out=$2
	shift 2
	_n=$#
	while [ $_n -gt 0 ]; do	# each CMD becomes "--exec CMD", in order
		set -- "$@" --exec "$1"
		shift
		_n=$((_n - 1))
	done
	# The ready line first: --login presses Enter while no prompt comes, and Enters
	# pressed during the boot wait in the console for login, which takes them for names.
	set -- --boot "$_iso" --expect 'keel: ready in [0-9]+ ms' --login root:keel "$@"
	if [ -n "$net_in_ns" ]; then
		set -- ip netns exec "$netns" "$serialterm" --timeout 90 --log "$_out.log" "$@"
	else
		set -- "$serialterm" --timeout 90 --log "$_out.log" "$@"
	fi
	"$@" -- $net_qemu_args </dev/null >"$_out" 2>"$_out.stderr"
}

net_netns() {
	[ "$(id -u)" = 0 ] || tap_skip_all "the tap tests need root (a network namespace)"
	need_prog ip iproute2
	# As root, a machine that cannot give the test its namespace is broken, not lacking.
	[ -c /dev/net/tun ] || tap_bail "root, but no /dev/net/tun (modprobe tun)"
	netns=keeltest-$$
	ip netns add "$netns" || tap_bail "root, but ip netns add $netns fails"
	at_exit "ip netns del '$netns' 2>/dev/null"
	net_in_ns=1
	# No IPv6: the host would send router solicitations and the like to multicast addresses.
	in_netns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		2>/dev/null
	in_netns ip link set lo up &&
	in_netns ip tuntap add dev tap0 mode tap &&
	in_netns ip link set tap0 mtu 9000 &&
	in_netns ip addr add "$net_host_ip/24" dev tap0 &&
	in_netns ip link set tap0 up ||
		{ echo "Bail out! could not set up tap0 in $netns"; exit 99; }
}

in_netns() {
	ip netns exec "$netns" "$@"
}

wait_for() {
	_t=0
	until [ -e "$1" ] && tr -d '\r' < "$1" | grep -a -q -E "$2"; do
		[ $_t -lt $(($3 * 10)) ] || return 1
		sleep 0.1
		_t=$((_t + 1))
	done
}

# show FILE [N]: its last lines as TAP comments (the file may end in the middle of a line).
show() { { tail -n "${2:-40}" "$1"; echo; } | tr -d '\r' | sed 's/^/# /'; }

# fact STATUS NAME: tap_ok with a command's status, so that "cmd; fact $? name" reads well.
fact() { tap_ok "$1" "$2"; }
