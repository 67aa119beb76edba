# SPDX-License-Identifier: LGPL-2.1-or-later
"""The kernel as the oracle: run the corpus of tests/oracle/cases.py through
a real router namespace and check that what the kernel's conntrack does is
what tests/oracle/golden/ recorded (per packet: state, direction, INVALID
reason, forwarded or not; the table after each packet and at the end,
timeouts within a tolerance).  Golden files recorded on another kernel
release (major.minor) are skipped: the semantics differ between releases.

Engine tests use
    record(case) -> dict(header, packets, table, table_time)
for a live answer (root), or oracle.read_golden(name) without root.
Regenerate the golden files with: tests/oracle/oracle.py --update
"""
import atexit
import os
import platform
import subprocess
import sys

import pytest

pytest.importorskip("scapy")

ORACLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle")
sys.path.insert(0, ORACLE_DIR)

import cases  # noqa: E402
import live  # noqa: E402
import oracle  # noqa: E402
from lab import OracleLab  # noqa: E402

_shared = {}


def _host_log_invalid():
    with open("/proc/sys/net/netfilter/nf_conntrack_log_invalid") as f:
        return f.read().strip()


HOST_LOG_INVALID = _host_log_invalid()


def _lab():
    if "lab" not in _shared:
        _shared["lab"] = OracleLab().create()
        # record() may be called from other test modules: remove the lab at exit at the latest
        atexit.register(_destroy_lab)
    return _shared["lab"]


def _destroy_lab():
    lab = _shared.pop("lab", None)
    if lab:
        lab.destroy()


def record(case):
    """Per-packet verdicts and final table of the live kernel for `case`
    (a cases.Case or its name), as a dict shaped like the golden files."""
    if isinstance(case, str):
        case = cases.BY_NAME[case]
    return oracle.record(case, _lab()).as_dict()


@pytest.fixture(scope="module", autouse=True)
def oracle_lab():
    """One lab for the module, removed at the end whatever happened."""
    try:
        yield
    finally:
        _destroy_lab()


def _release(uname):
    """Major.minor: the conntrack semantics the golden files belong to."""
    return ".".join(uname.split(".")[:2])


def _netns_names():
    return subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE, text=True).stdout.split()


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_case_matches_golden(case):
    if not os.path.exists(oracle.golden_path(case.name)):
        pytest.fail("no golden file for %s: run tests/oracle/oracle.py --update %s" % (case.name, case.name))
    golden = oracle.read_golden(case.name)
    if _release(golden[0]["kernel"]) != _release(platform.release()):
        pytest.skip("golden recorded on kernel %s, this is %s" % (golden[0]["kernel"], platform.release()))
    result = oracle.record(case, _lab())
    diffs = oracle.compare(result, golden)
    assert not diffs, "\n".join(diffs) + "\n" + oracle.summary(result)


def test_record_is_repeatable():
    """Twice the same case in the same lab: the table is flushed in between."""
    first = record("tcp_handshake_data_fin")
    second = record("tcp_handshake_data_fin")
    strip = [(p["state"], p["direction"], p["reason"]) for p in first["packets"]]
    assert strip == [(p["state"], p["direction"], p["reason"]) for p in second["packets"]]
    assert not oracle.compare_tables(first["table"], second["table"])


def test_log_invalid_is_per_netns():
    lab = _lab()
    assert lab.read_sysctl(lab.router, "net/netfilter/nf_conntrack_log_invalid") == "255"
    assert lab.read_sysctl(lab.router, "net/netfilter/nf_log/2") == "nfnetlink_log"
    assert lab.read_sysctl(lab.router, "net/netfilter/nf_log/10") == "nfnetlink_log"
    assert _host_log_invalid() == HOST_LOG_INVALID


def test_case_knobs_are_restored():
    lab = _lab()
    oracle.record(cases.BY_NAME["udp_timeout_expiry"], lab)
    assert lab.read_sysctl(lab.router, "net/netfilter/nf_conntrack_udp_timeout") == "30"
    assert lab.table() == []


def test_lab_leaves_no_namespace():
    lab = OracleLab().create()
    names = (lab.router, lab.client, lab.server)
    assert set(names) <= set(_netns_names())
    lab.destroy()
    assert not set(names) & set(_netns_names())


def test_golden_files_are_complete():
    for case in cases.CASES:
        header, packets, table = oracle.read_golden(case.name)
        assert header["case"] == case.name
        assert len(packets) == len(case.trace) == header["packets"]
        for p in packets:
            assert set(("packet", "time", "side", "state", "direction", "reason", "forwarded", "l3")) <= set(p)


def test_live_sessions():
    """Real TCP and UDP sessions between the namespaces: every packet
    forwarded, new then established, no reason, one entry left."""
    lab = OracleLab(live=True).create()
    try:
        for name in live.SESSIONS:
            result = live.record_live(name, lab)
            problems = live.sane(result)
            assert not problems, name + ":\n" + "\n".join(problems) + "\n" + oracle.summary(result)
    finally:
        lab.destroy()


@pytest.mark.parametrize("name", sorted(live.SESSIONS))
def test_live_golden_is_sane(name):
    header, packets, table = oracle.read_golden(name)
    result = oracle.Result(cases.Case(name, header["doc"], []))
    result.packets, result.table = packets, table
    assert header.get("live") and not live.sane(result)
