# The serial protocol's tests (doc/protocol.md): the host unit test of the framing
# (kernel/lib/proto.c) under the sanitizers, its libFuzzer target, and the system test
# that boots Keel and drives it with serialterm, directly and through a noisy relay, and
# the one that times refused HELLOs for a known and an unknown user.
# bench/proto.sh measures goodput against the raw line.
check_PROGRAMS += tests/proto/test_proto tests/proto/relay
tests_proto_test_proto_SOURCES = tests/proto/test_proto.c tests/unit/tap.h \
	kernel/lib/proto.c kernel/lib/path.c kernel/include/uapi/keel/proto.h
tests_proto_test_proto_CPPFLAGS = $(UNIT_DEFS)
tests_proto_test_proto_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_proto_test_proto_LDFLAGS = $(UNIT_SANITIZE)
tests_proto_relay_SOURCES = tests/proto/relay.c

PROTO_TESTS = tests/proto/fuzz.test tests/proto.test tests/proto/timing.test
TESTS += tests/proto/test_proto $(PROTO_TESTS)
EXTRA_DIST += $(PROTO_TESTS) tests/proto/fuzz_proto.c tests/proto/lib.sh
CLEANFILES += tests/proto/fuzz_proto

BENCHES += bench/proto.sh
