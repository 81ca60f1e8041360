#!/usr/bin/python3
"""The impairment relay of the weak-link harness (issue #18; see profiles.ts and weak-link.ts).

The kernel here has no netem, so delay, jitter and burst loss happen in this process. It owns a TUN
device in the hub namespace. Policy routing there sends every packet that comes in from a veth into
the TUN; the relay reads it, decides from its source and destination /24 which person's uplink and
downlink it crosses, drops it in a burst or holds it for its delay, and writes it back into the TUN,
from which the kernel routes it to its destination's veth. Random loss (nftables) and bandwidth (tbf)
are the kernel's.

Argument: JSON {"tun": name, "seed": n, "links": [{"net": "10.201.1", "up": link, "down": link}]},
link = {"delayMs", "jitterMs", "burst": {"percent", "meanPackets"} | null}.
Prints "ready" once the TUN is attached. On stdin, "stats" prints one JSON line of counters. It exits
when stdin closes, so it never outlives the test that started it.
"""
import fcntl
import heapq
import json
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


class Direction:
    """One way of one person's link: its wandering delay and its burst state."""

    def __init__(self, spec, rng):
        self.delay = spec["delayMs"] / 1000
        self.jitter = spec["jitterMs"] / 1000
        self.period = max(0.05, 4 * self.jitter)
        self.rng = rng
        burst = spec.get("burst")
        if burst:
            # Gilbert–Elliott: leave a burst after each lost packet with probability r (mean length
            # 1/r); enter one with q so that q / (q + r) of packets are lost in bursts.
            share = burst["percent"] / 100
            self.leave = 1 / burst["meanPackets"]
            self.enter = share / (1 - share) * self.leave
        else:
            self.enter = 0.0
            self.leave = 1.0
        self.in_burst = False
        self.t0 = self.t1 = 0.0
        self.v0 = self.v1 = 0.0

    def lost(self):
        if self.in_burst:
            self.in_burst = self.rng.random() >= self.leave
            return True
        if self.enter > 0 and self.rng.random() < self.enter:
            self.in_burst = True
            return True
        return False

    def delay_at(self, now):
        if self.jitter == 0:
            return self.delay
        if now >= self.t1 + self.period:  # idle for a while: start a new segment here
            self.t0, self.v0 = now, self.v1
            self.t1, self.v1 = now + self.period, self.rng.uniform(-self.jitter, self.jitter)
        while now >= self.t1:
            self.t0, self.v0 = self.t1, self.v1
            self.t1, self.v1 = self.t1 + self.period, self.rng.uniform(-self.jitter, self.jitter)
        share = (now - self.t0) / self.period
        return self.delay + self.v0 + (self.v1 - self.v0) * share


def main():
    config = json.loads(sys.argv[1])
    rng = random.Random(config.get("seed", 1))
    links = {}
    for link in config["links"]:
        net = bytes(int(part) for part in link["net"].split("."))
        links[net] = (Direction(link["up"], rng), Direction(link["down"], rng))

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", config["tun"].encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(tun, False)
    print("ready", flush=True)

    held = []  # (due, order, packet)
    last_due = {}  # (source net, destination net) -> when its last packet leaves: no overtaking
    counts = {"read": 0, "written": 0, "burstLost": 0, "lateMsMax": 0.0, "lateMsTotal": 0.0}
    order = 0
    while True:
        now = time.monotonic()
        while held and held[0][0] <= now:
            due, _, packet = heapq.heappop(held)
            os.write(tun, packet)
            counts["written"] += 1
            # How late the relay let it go: the machine's scheduling, added to the profile's delay.
            late = (time.monotonic() - due) * 1000
            counts["lateMsMax"] = max(counts["lateMsMax"], late)
            counts["lateMsTotal"] += late
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        readable, _, _ = select.select([tun, sys.stdin], [], [], timeout)
        if sys.stdin in readable:
            line = sys.stdin.readline()
            if not line:
                return
            if line.strip() == "stats":
                print(json.dumps({**counts, "held": len(held)}), flush=True)
        if tun not in readable:
            continue
        while True:
            try:
                packet = os.read(tun, 65535)
            except BlockingIOError:
                break
            counts["read"] += 1
            if len(packet) < 20 or packet[0] >> 4 != 4:
                continue  # only IPv4 crosses the hub
            now = time.monotonic()
            source, destination = packet[12:15], packet[16:19]
            delay = 0.0
            lost = False
            if source in links:
                lost = links[source][0].lost()
                delay += links[source][0].delay_at(now)
            if destination in links and not lost:  # lost on the way up, it never reaches the way down
                lost = links[destination][1].lost()
                delay += links[destination][1].delay_at(now)
            if lost:
                counts["burstLost"] += 1
                continue
            key = (source, destination)
            due = max(now + delay, last_due.get(key, 0.0))
            last_due[key] = due
            order += 1
            heapq.heappush(held, (due, order, packet))


if __name__ == "__main__":
    main()
