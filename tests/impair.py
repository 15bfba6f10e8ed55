#!/usr/bin/env python3
"""A lossy link between QEMU and a tap device, for kernels without tc's netem.

tests/http.test wants the link of `tc qdisc add dev tap0 root netem loss 5% delay 20ms
reorder 10% duplicate 1%`. Where the host's kernel lacks netem (CONFIG_NET_SCH_NETEM),
this relay plays it instead: QEMU's network card speaks to it over UDP on the loopback
(`-netdev socket,udp=127.0.0.1:RELAY,localaddr=127.0.0.1:QEMU`, one Ethernet frame a
datagram), and it passes frames between that socket and the tap device, which it opens
itself. While impairment is on (SIGUSR1 turns it on, SIGUSR2 off) every frame, in both
directions, is dropped with probability LOSS, else held DELAY ms, except that a REORDER
share of the frames goes at once and so overtakes those held (netem's reordering), and a
DUPLICATE share goes twice. With it off, frames pass at once. At SIGTERM it writes its
counters to standard error. Only the namespace's tap and the loopback are touched.

usage: impair.py TAP RELAY_PORT QEMU_PORT [LOSS DELAY_MS REORDER DUPLICATE [SEED]]
"""
import fcntl
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454ca
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    tap_name, relay_port, qemu_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    loss, delay_ms, reorder, dup = (float(x) for x in (sys.argv[4:8] or (0.05, 20, 0.10, 0.01)))
    rng = random.Random(int(sys.argv[8]) if len(sys.argv) > 8 else 13)
    tap = open_tap(tap_name)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", relay_port))
    qemu = ("127.0.0.1", qemu_port)
    state = {"on": False, "run": True}
    counts = {"frames": 0, "dropped": 0, "delayed": 0, "reordered": 0, "duplicated": 0}
    signal.signal(signal.SIGUSR1, lambda *_: state.update(on=True))
    signal.signal(signal.SIGUSR2, lambda *_: state.update(on=False))
    signal.signal(signal.SIGTERM, lambda *_: state.update(run=False))
    held = []		# (release time, sequence, direction, frame)
    seq = 0

    def send(to_tap, frame):
        try:
            if to_tap:
                os.write(tap, frame)
            else:
                udp.sendto(frame, qemu)
        except OSError:
            pass		# a full queue drops, as a link would

    def take(to_tap, frame):
        nonlocal seq
        counts["frames"] += 1
        if not state["on"]:
            send(to_tap, frame)
            return
        if rng.random() < loss:
            counts["dropped"] += 1
            return
        copies = 2 if rng.random() < dup else 1
        counts["duplicated"] += copies - 1
        for _ in range(copies):
            if rng.random() < reorder:
                counts["reordered"] += 1
                send(to_tap, frame)
            else:
                counts["delayed"] += 1
                seq += 1
                heapq.heappush(held, (time.monotonic() + delay_ms / 1000, seq, to_tap, frame))

    while state["run"]:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, to_tap, frame = heapq.heappop(held)
            send(to_tap, frame)
        timeout = max(0.0, held[0][0] - now) if held else 0.5
        try:
            ready, _, _ = select.select([tap, udp], [], [], timeout)
        except InterruptedError:
            continue
        if tap in ready:
            take(False, os.read(tap, 65536))	# the host's frame, to Keel
        if udp in ready:
            frame, _ = udp.recvfrom(65536)
            take(True, frame)			# Keel's frame, to the host
    print("impair: " + " ".join("%s %d" % kv for kv in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
