# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack -L --group-by KEY[,KEY...] [--top N] (issue 15).

The oracle: the reference's own `conntrack -L` of the same table, counted
here in Python (the first src=, dst=, sport=, dport= of a line are the
original direction; the protocol is its first word). ctkit's groups must be
those counts, largest first, and --top must keep the largest. The same on
the engine's table of a capture, counted from ctkit's own `--pcap -L`.
"""
import collections
import ipaddress
import json
import os
import re

import pytest

import ctharness

SAMPLE = os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")
TCP_STATE = re.compile(r"^\w+\s+\d+\s+\d+\s+([A-Z_]+)\s")


def insert_entries(lab):
    lab.flush()
    n = 0
    for i in range(40):
        args = ["-I", "-p", "tcp", "-s", "10.1.%d.%d" % (i % 3, i % 7 + 1), "-d", "10.9.0.%d" % (i % 2 + 1),
                "--sport", str(20000 + i), "--dport", str([443, 80, 22][i % 3]),
                "--state", ["ESTABLISHED", "SYN_SENT", "TIME_WAIT"][i % 3], "-t", "300",
                "--mark", str(i % 4)]
        assert lab.ref(args).rc == 0
        n += 1
    for i in range(15):
        assert lab.ref(["-I", "-p", "udp", "-s", "10.2.0.%d" % (i % 5 + 1), "-d", "10.9.0.1",
                        "--sport", str(30000 + i), "--dport", "53", "-t", "300"]).rc == 0
        n += 1
    for i in range(5):
        assert lab.ref(["-I", "-p", "icmp", "-s", "10.3.0.1", "-d", "10.9.0.%d" % (i + 1),
                        "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", str(i + 1),
                        "-t", "300"]).rc == 0
        n += 1
    for i in range(6):
        assert lab.ref(["-I", "-p", "tcp", "-s", "fd00::%d" % (i % 2 + 1), "-d", "fd00::99",
                        "--sport", str(40000 + i), "--dport", "443", "--state", "ESTABLISHED",
                        "-t", "300"]).rc == 0
        n += 1
    return n


@pytest.fixture(scope="module")
def table(lab):
    count = insert_entries(lab)
    return lab, count


def field(line, name):
    m = re.search(r"\b%s=(\S+)" % name, line)
    return m.group(1) if m else None


def value(line, key):
    """What ctkit's group line should say for @key of this reference line."""
    name, _, plen = key.partition("/")
    proto = line.split()[0]
    if name in ("src", "dst"):
        addr = field(line, name)
        if not plen:
            return addr
        return str(ipaddress.ip_network("%s/%s" % (addr, plen), strict=False))
    if name in ("sport", "dport"):
        return field(line, name) or "-"
    if name == "proto":
        return proto
    if name == "family":
        return "ipv6" if ":" in field(line, "src") else "ipv4"
    if name == "state":
        m = TCP_STATE.match(line)
        return m.group(1) if proto == "tcp" and m else "-"
    if name == "mark":
        return field(line, "mark") or "0"
    raise AssertionError(key)


def expected(listing, keys):
    counts = collections.Counter()
    for line in listing.splitlines():
        counts[tuple(value(line, k) for k in keys)] += 1
    return counts


def parsed(output, keys):
    """ctkit's text lines: [(count, (value, ...)), ...] in their order."""
    groups = []
    for line in output.splitlines():
        words = line.split()
        values = dict(w.split("=", 1) for w in words[1:])
        groups.append((int(words[0]), tuple(values[k.partition("/")[0]] for k in keys)))
    return groups


SPECS = ["src", "dst", "src/24", "dport", "proto,dport", "src/16,proto", "family,state",
         "mark", "dst,dport,proto", "sport"]


@pytest.mark.parametrize("spec", SPECS)
def test_counts_match_the_reference_listing(table, spec):
    lab, count = table
    keys = spec.split(",")
    want = expected(lab.ref(["-L"]).out, keys)
    r = lab.ctk(["-L", "--group-by", spec])
    assert r.rc == 0, r.err
    got = parsed(r.out, keys)
    assert dict((k, c) for c, k in got) == dict(want)
    assert [c for c, _ in got] == sorted((c for c, _ in got), reverse=True)
    assert r.err.endswith("%d flow entries have been shown.\n" % count)


def test_top_and_filters(table):
    lab, _ = table
    full = parsed(lab.ctk(["-L", "--group-by", "src"]).out, ["src"])
    r = lab.ctk(["-L", "--group-by", "src", "--top", "3"])
    assert parsed(r.out, ["src"]) == full[:3]
    # filters narrow what is counted, as they narrow -L
    keys = ["dport"]
    want = expected(lab.ref(["-L", "-p", "tcp", "--mark", "1"]).out, keys)
    got = parsed(lab.ctk(["-L", "-p", "tcp", "--mark", "1", "--group-by", "dport"]).out, keys)
    assert dict((k, c) for c, k in got) == dict(want)


def test_json_lines(table):
    lab, count = table
    r = lab.ctk(["-L", "--group-by", "proto,dport", "-o", "json"])
    objs = [json.loads(line) for line in r.out.splitlines()]
    assert sum(o["count"] for o in objs) == count
    # the lab counts packets (nf_conntrack_acct=1): entries made by -I have none yet
    assert all(set(o) == {"count", "proto", "dport", "packets", "bytes"} for o in objs)
    icmp = [o for o in objs if o["proto"] == "icmp"]
    assert icmp == [{"count": 5, "proto": "icmp", "dport": None, "packets": 0, "bytes": 0}]


def test_capture_table(table):
    """The engine's table of a capture, counted from ctkit's own listing of it."""
    lab, _ = table
    listing = lab.ctk(["--pcap", SAMPLE, "-L"]).out
    for spec in ("proto,dport", "src"):
        keys = spec.split(",")
        got = parsed(lab.ctk(["--pcap", SAMPLE, "-L", "--group-by", spec]).out, keys)
        assert dict((k, c) for c, k in got) == dict(expected(listing, keys))


@pytest.mark.parametrize("args,message", [
    (["-L", "--top", "3"], "Illegal option `--top' without `--group-by'"),
    (["-D", "--group-by", "src"], "Illegal option `--group-by' with this command"),
    (["-L", "expect", "--group-by", "src"], "Illegal option `--group-by' with this command"),
    (["-L", "--group-by", "src", "-o", "xml"], "Illegal option `--group-by' with this output format"),
    (["-L", "--group-by", "colour"], "--group-by: `colour' is not a key"),
    (["-L", "--group-by", "src,src"], "--group-by: `src' is not a key"),
    (["-L", "--group-by", "src", "--top", "0"], "--top: `0' is not a number of groups"),
])
def test_bad_options(table, args, message):
    lab, _ = table
    r = lab.ctk(args)
    assert r.rc == 2 and r.out == ""
    assert r.err.startswith("conntrack v1.4.7 (ctkit): " + message), r.err
