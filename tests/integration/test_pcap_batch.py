# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack --pcap -L/-C/-S/-G feed the engine in batches; -E and --packets
go one packet at a time. A batch must never cross a moment at which an entry
could expire, so both paths must leave the same table. This compares them
(CTKIT_PCAP_BATCH=0 forces the one-packet path) on captures made to stress
that rule: entries expiring mid-capture, flows reborn after their entry died,
short timeouts set by --sysctl, a table small enough to early-drop, and time
going back (merged captures)."""
import os
import random
import subprocess
import tempfile

import pytest

import ctharness


def run(path, *args, batch=True):
    env = dict(ctharness.RUN_ENV)
    if not batch:
        env["CTKIT_PCAP_BATCH"] = "0"
    p = subprocess.run(ctharness.ctk_cmd() + ["--pcap", path] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def churn_packets(seed, count=2500):
    """Flows drawn from a small pool (so tuples come back after their entry
    died) over ~10 minutes of trace time, with bursts and long gaps."""
    from scapy import all as s   # noqa: PLC0415 (slow import, only when needed)
    rng = random.Random(seed)
    pkts, t = [], 1000.0
    seq = {}
    for _ in range(count):
        t += rng.choice((0.0, 0.001, 0.01, 0.3, 1.5, 7.0, 31.0)) if rng.random() < 0.2 else 0.002
        c = "192.0.2.%d" % rng.randint(1, 6)
        v = "198.51.100.%d" % rng.randint(1, 3)
        sport, kind = rng.randint(40000, 40030), rng.random()
        if kind < 0.45:
            state = seq.get((c, v, sport), 0)
            flags = ["S", "SA", "A", "PA", rng.choice(["FA", "R", "PA"])][state % 5]
            if flags == "SA":
                p = s.IP(src=v, dst=c) / s.TCP(sport=80, dport=sport, flags=flags, seq=500,
                                                 ack=101)
            else:
                p = s.IP(src=c, dst=v) / s.TCP(sport=sport, dport=80, flags=flags, seq=100 +
                                                 (state > 0), ack=501 if state > 1 else 0)
            seq[(c, v, sport)] = state + 1
        elif kind < 0.8:
            if rng.random() < 0.5:
                p = s.IP(src=c, dst=v) / s.UDP(sport=sport, dport=53) / b"q"
            else:
                p = s.IP(src=v, dst=c) / s.UDP(sport=53, dport=sport) / b"a"
        elif kind < 0.95:
            p = s.IP(src=c, dst=v) / s.ICMP(id=sport % 8)
        else:
            p = s.IPv6(src="2001:db8::%d" % (sport % 5), dst="2001:db8:1::1") / \
                s.UDP(sport=sport, dport=123)
        # a merged capture: now and then a packet stamped a little in the past
        p.time = t - (0.5 if rng.random() < 0.02 else 0.0)
        pkts.append(p)
    return pkts


@pytest.fixture(scope="module", params=[1, 2])
def capture(request):
    from scapy import all as s   # noqa: PLC0415
    fd, path = tempfile.mkstemp(suffix=".pcap")
    os.close(fd)
    s.wrpcap(path, churn_packets(request.param), linktype=101)
    yield path
    os.unlink(path)


SETTINGS = [
    [],
    ["--sysctl", "nf_conntrack_udp_timeout=1", "--sysctl", "nf_conntrack_icmp_timeout=2",
     "--sysctl", "nf_conntrack_tcp_timeout_syn_sent=3"],
    ["--sysctl", "nf_conntrack_max=24", "--sysctl", "nf_conntrack_tcp_timeout_close=1"],
    ["--sysctl", "nf_conntrack_acct=1", "--sysctl", "nf_conntrack_tcp_timeout_established=5",
     "--sysctl", "nf_conntrack_generic_timeout=0"],
]


@pytest.mark.parametrize("knobs", SETTINGS, ids=["default", "short", "tiny-table", "acct"])
def test_batched_replay_equals_one_packet(capture, knobs):
    for cmd in (["-L", "-o", "extended"], ["-C"], ["-S"]):
        rc1, one, err1 = run(capture, *(knobs + cmd), batch=False)
        rc2, many, err2 = run(capture, *(knobs + cmd))
        assert rc1 == 0 and rc2 == 0, err1 + err2
        assert err1 == err2
        if cmd[0] == "-L":
            # slots are reused in a different order: compare the entries, not their order
            assert sorted(one.splitlines()) == sorted(many.splitlines())
            assert len(one.splitlines()) > 0
        else:
            assert one == many


def test_get_after_batched_replay(capture):
    rc, out, _ = run(capture, "-L", "-p", "udp", batch=False)
    assert rc == 0
    for line in out.splitlines()[:3]:
        f = dict(w.split("=", 1) for w in line.split() if "=" in w)
        args = ["-G", "-p", "udp", "-s", f["src"], "-d", f["dst"], "--sport", f["sport"],
                "--dport", f["dport"]]
        assert run(capture, *args, batch=False) == run(capture, *args)
