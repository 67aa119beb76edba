# SPDX-License-Identifier: LGPL-2.1-or-later
"""make bench-engine must not rot: bench/engine.py --smoke (engine_bench
--smoke: 10 k connections, one run; a 20 k-packet capture replayed by
conntrack --pcap and tcpdump) has to run cleanly, see every verdict it
expects and print sane figures. No timing is asserted.

In-process and files only: runs unprivileged."""
import os
import re
import subprocess

import pytest

import ctharness

NEEDS_ROOT = False

DRIVER = os.path.join(ctharness.REPO, "bench", "engine.py")
SUMMARY = re.compile(r"^engine-summary established_mpps_1M=(?P<mpps>[0-9.]+) "
                     r"new_conns_per_s=(?P<new>[0-9.]+) bytes_per_conn_ipv4=(?P<v4>-?\d+) "
                     r"bytes_per_conn_ipv6=(?P<v6>-?\d+) floor_ratio_1M=(?P<ratio>[0-9.]+)$")
ROW = re.compile(r"^(?P<name>(?:mix|tcp4|udp4|tcp6|udp6|churn)[a-zA-Z0-9 -]*?)\s+(?P<conns>\d+)"
                 r"\s+(?P<ns>[0-9.]+)\s+[0-9.]+\s+\S+\s+\S+\s+[0-9.]+\s+(?P<unexp>\d+)$")


def build_dir():
    """The build whose conntrack is under test (CONNTRACK=/path/build/conntrack)."""
    cmd = ctharness.ctk_cmd()
    if len(cmd) != 1:
        pytest.skip("CONNTRACK is a command line, not a build's binary")
    build = os.path.dirname(os.path.abspath(cmd[0]))
    if not os.access(os.path.join(build, "bench", "engine_bench"), os.X_OK):
        pytest.skip("bench/engine_bench not built in " + build)
    return build


@pytest.fixture(scope="module")
def smoke():
    p = subprocess.run(["/usr/bin/python3", DRIVER, build_dir(), "--smoke"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600,
                       env=dict(ctharness.RUN_ENV, ASAN_OPTIONS="detect_leaks=1"))
    return p


def test_runs_cleanly(smoke):
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "unexpected verdict" not in smoke.stderr, smoke.stderr
    assert "engine-check unexpected_verdicts=0" in smoke.stdout.splitlines()


def test_summary_is_last_and_sane(smoke):
    lines = smoke.stdout.splitlines()
    m = SUMMARY.match(lines[-1])
    assert m, lines[-1]
    assert float(m["mpps"]) > 0 and float(m["new"]) > 0 and float(m["ratio"]) > 0
    for field in ("v4", "v6"):      # an entry and a bucket cost something, not megabytes
        assert 16 <= int(m[field]) <= 100000, lines[-1]


def test_every_case_measured_with_zero_unexpected(smoke):
    rows = [ROW.match(line) for line in smoke.stdout.splitlines()]
    rows = [r for r in rows if r]
    names = sorted(r["name"].strip() for r in rows)
    assert names == sorted(["mix uniform", "mix zipf", "mix uniform 1-pkt API", "tcp4 uniform",
                            "udp4 uniform", "tcp6 uniform", "udp6 uniform",
                            "churn udp4 new flows"]), smoke.stdout
    for r in rows:
        assert int(r["conns"]) == 10000 and float(r["ns"]) > 0, r.group(0)
        assert r["unexp"] == "0", r.group(0)
    assert len(re.findall(r"^memory tcp[46] +10000 +RSS \+\d+ bytes", smoke.stdout, re.M)) == 2


def test_pcap_replay_counted_every_flow(smoke):
    m = re.search(r"^pcap-replay packets=20000 flows=2000 conntrack_s=[0-9.]+ .*entries 2000\)$",
                  smoke.stdout, re.M)
    assert m, smoke.stdout
