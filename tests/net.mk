# The network's tests (doc/network.md): host unit tests of the packet parsers and the
# checksum, and system tests against real peers: QEMU's user networking (DHCP, ping
# 10.0.2.2), and a tap device in a network namespace of the test's own (the host's ping
# and socat, malformed frames from tests/netfuzz), with both cards. `make bench` adds the
# round-trip figures of bench/net.sh.
UNIT_TESTS_NET = tests/unit/test_net tests/unit/test_arp tests/unit/test_tcp
check_PROGRAMS += $(UNIT_TESTS_NET) tests/netfuzz tests/tcphostile tests/tapimpair
TESTS += $(UNIT_TESTS_NET) tests/tcp-fuzz.test tests/net-user.test tests/net-tap.test
EXTRA_DIST += tests/tcp.test	# in TESTS first (Makefile.am): it is long
EXTRA_DIST += tests/net-user.test tests/net-tap.test tests/netlib.sh tests/tcp-fuzz.test \
	tests/fuzz_tcp.c
CLEANFILES += tests/fuzz_tcp
BENCHES += bench/net.sh
BENCHES += bench/tcp.sh
BENCHES += bench/tcp-lossy.sh

tests_unit_test_net_SOURCES = tests/unit/test_net.c tests/unit/tap.h \
	kernel/net/wire.c kernel/include/netproto.h kernel/include/uapi/keel/net.h
tests_unit_test_net_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_net_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_net_LDFLAGS = $(UNIT_SANITIZE)

tests_unit_test_tcp_SOURCES = tests/unit/test_tcp.c tests/unit/tap.h \
	kernel/net/wire.c kernel/net/tcpbuf.c kernel/net/tcprules.c kernel/lib/sha256.c \
	kernel/net/tcpcc.c kernel/include/netproto.h kernel/include/tcpbuf.h kernel/include/tcp.h
tests_unit_test_tcp_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_tcp_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_tcp_LDFLAGS = $(UNIT_SANITIZE)

tests_unit_test_arp_SOURCES = tests/unit/test_arp.c tests/unit/tap.h \
	kernel/net/arp.c kernel/net/wire.c kernel/include/net.h
tests_unit_test_arp_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_arp_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_arp_LDFLAGS = $(UNIT_SANITIZE)

# Writes malformed and flooding frames to a network interface through a packet socket.
tests_netfuzz_SOURCES = tests/netfuzz.c kernel/net/wire.c kernel/include/netproto.h
tests_netfuzz_CPPFLAGS = $(UNIT_DEFS)

# Throws hostile TCP segments and a SYN flood at Keel through a packet socket (tcp.test).
tests_tcphostile_SOURCES = tests/tcphostile.c kernel/net/wire.c kernel/include/netproto.h
tests_tcphostile_CPPFLAGS = $(UNIT_DEFS)

# A lossy, reordering link between the tap and QEMU, where the host has no netem (tcp.test).
tests_tapimpair_SOURCES = tests/tapimpair.c

# httpd, fetch and netstat against curl, socat and python3's http.server (doc/network.md).
TESTS += tests/http.test
EXTRA_DIST += tests/http.test
BENCHES += bench/http.sh
