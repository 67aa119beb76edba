# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack --pcap with a firewall (issue 14), as a user drives it: the
options, their errors, the expectation table and its events, NAT filters on
the engine's table, --pcap-out, --trace in text and JSON, and held and
discarded packets. What the kernel does with each case is checked by
test_fw_oracle.py; here the inputs are its golden traces and the bundled
sample, and the assertions are about the command line's behaviour.
"""
NEEDS_ROOT = False  # captures and rulesets from files only

import json
import os
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import ctharness  # noqa: E402
import fworacle  # noqa: E402

REPO = ctharness.REPO
SAMPLE = os.path.join(REPO, "tests", "data", "sample.pcap")
RULESETS = os.path.join(REPO, "tests", "data", "rulesets")
SERVER = ["--ruleset", os.path.join(RULESETS, "server.json"), "--local-address", "192.0.2.2",
          "--local-address", "2001:db8::2", "--iifname", "eth0"]
LAB = ["--local-address", "192.0.2.1", "--local-address", "198.51.100.1",
       "--local-address", "2001:db8:1::1", "--local-address", "2001:db8:2::1",
       "--route", "192.0.2.0/24=r-cli", "--route", "2001:db8:1::/64=r-cli",
       "--route", "198.51.100.0/24=r-srv", "--route", "2001:db8:2::/64=r-srv"]


def ctk(*args):
    p = subprocess.run(ctharness.ctk_cmd() + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ctharness.RUN_ENV, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """A golden case's trace and ruleset written out: (pcap, [--ruleset R, lab args])."""
    tmp = tmp_path_factory.mktemp("fwcli")
    made = {}

    def write(name, cut=None):
        header, packets, _ = fworacle.read_golden(name)
        packets = packets[:cut] if cut else packets
        base = str(tmp / ("%s-%s" % (name, cut)))
        trace = fworacle.write_trace(packets, base)
        ruleset = base + ".json"
        with open(ruleset, "w") as f:
            json.dump(header["ruleset_json"], f)
        args = ["--ruleset", ruleset] + LAB
        for addr in header["masquerade_addresses"]:
            args += ["--masquerade-address", addr]
        made[(name, cut)] = (trace, args)
        return trace, args
    return lambda name, cut=None: made.get((name, cut)) or write(name, cut)


def test_verdicts_and_rules_in_text_and_json():
    rc, out, err = ctk("--pcap", SAMPLE, "--packets", "-p", "udp", "--dport", "53", *SERVER)
    assert rc == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and all(" drop " in line for line in lines)
    assert "[inet filter input handle 11: reject with icmpx admin-prohibited]" in lines[0]
    rc, out, err = ctk("--pcap", SAMPLE, "--packets", "-o", "json", *SERVER)
    assert rc == 0, err
    objs = [json.loads(line) for line in out.splitlines()]
    assert {o["verdict"] for o in objs} == {"accept", "drop"}
    for o in objs:
        assert o["rule"] is None or set(o["rule"]) == {"family", "table", "chain", "handle", "text"}
    syn = next(o for o in objs if o["packet"] == 7)
    assert syn["rule"]["text"] == "tcp dport { 22, 80, 443 } accept" and syn["state"] == "new"


def test_trace_text_and_json():
    rc, out, err = ctk("--pcap", SAMPLE, "--trace", "39", *SERVER)
    assert rc == 0, err
    assert out.splitlines()[0] == ("trace packet 39: inet filter input rule reject with icmpx "
                                   "admin-prohibited (verdict drop)")
    assert out.splitlines()[1].startswith("39 ") and err.strip().endswith("1 packets have been shown.")
    rc, out, err = ctk("--pcap", SAMPLE, "--trace", "9", "-o", "json", *SERVER)
    steps = [json.loads(line) for line in out.splitlines() if '"trace"' in line]
    assert steps == [{"trace": 9, "hook": "input", "family": "inet", "table": "filter",
                      "chain": "input", "handle": 4, "rule": "ct state established,related accept",
                      "verdict": "accept"}]


def test_option_errors(tmp_path):
    bad = [
        (["--route", "192.0.2.0/33=eth0"], 2, "--route `192.0.2.0/33=eth0'"),
        (["--route", "192.0.2.0/24"], 2, "expected PREFIX=IFNAME"),
        (["--local-address", "not-an-address"], 2, "--local-address `not-an-address'"),
        (["--masquerade-address", "1.2.3"], 2, "--masquerade-address `1.2.3'"),
        (["--iifname", "a/b"], 2, "--iifname `a/b'"),
        (["--trace", "0"], 2, "`--trace' wants a packet number"),
        (["--ruleset", str(tmp_path / "missing.json")], 1, "missing.json"),
    ]
    for args, code, text in bad:
        rc, out, err = ctk("--pcap", SAMPLE, "-L", *args)
        assert rc == code and text in err, (args, rc, err)
    rc, out, err = ctk("-L", "--ruleset", "x.json")
    assert rc == 2 and "Illegal option `--ruleset' without `--pcap'" in err


def test_refused_ruleset_names_the_rule():
    rc, out, err = ctk("--pcap", SAMPLE, "-L", "--ruleset", os.path.join(RULESETS, "refused", "limit.json"))
    assert rc == 2 and "rule handle" in err and "limit" in err and "not supported" in err, err
    not_json = os.path.join(RULESETS, "server.nft")
    rc, out, err = ctk("--pcap", SAMPLE, "-L", "--ruleset", not_json)
    assert rc == 2 and err.strip(), err


def test_interface_rules_need_names():
    # server.nft has `iif "lo" accept`: a plain pcap names no interface
    args = [a for a in SERVER if a not in ("--iifname", "eth0")]
    rc, out, err = ctk("--pcap", SAMPLE, "--packets", *args)
    assert rc == 1 and "packet 7: inet filter, chain input, rule handle 6" in err, err
    assert "--iifname" in err


def test_expectations_listed_and_watched(case):
    trace, args = case("ftp_passive", 7)
    rc, out, err = ctk("--pcap", trace, "-L", "expect", *args)
    assert rc == 0 and "helper=ftp" in out and "1 expectations have been shown." in err, (out, err)
    rc, out, err = ctk("--pcap", trace, "-L", "expect", "-f", "ipv6", *args)
    assert rc == 0 and out == "" and "0 expectations have been shown." in err
    trace, args = case("tftp")
    rc, out, err = ctk("--pcap", trace, "-E", "expect", *args)
    assert rc == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["[NEW]", "[DESTROY]"], out
    assert "expectation events have been shown" in err
    rc, out, err = ctk("--pcap", trace, "-E", "expect", "-o", "xml", *args)
    assert rc == 0 and out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<expect>') and \
        out.rstrip().endswith("</expect>")


def test_nat_filters_on_the_engine_table(case):
    trace, args = case("snat_tcp")
    rc, snat, err = ctk("--pcap", trace, "-L", "--src-nat", *args)
    assert rc == 0 and snat.count("\n") == 1, (snat, err)
    rc, dnat, err = ctk("--pcap", trace, "-L", "--dst-nat", *args)
    assert rc == 0 and dnat == "" and "0 flow entries" in err
    trace, args = case("dnat_tcp")
    rc, dnat, err = ctk("--pcap", trace, "-L", "--dst-nat", *args)
    assert rc == 0 and dnat.count("\n") == 1 and "dport=8080" in dnat, (dnat, err)
    rc, anynat, err = ctk("--pcap", trace, "-L", "--any-nat", *args)
    assert anynat == dnat


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    assert magic == 0xa1b23c4d and struct.unpack("<I", data[20:24])[0] == 101   # ns, raw IP
    out, off = [], 24
    while off < len(data):
        sec, nsec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec * 10**9 + nsec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def test_pcap_out_has_the_translated_packets(case, tmp_path):
    trace, args = case("snat_udp")
    out_path = str(tmp_path / "out.pcap")
    rc, out, err = ctk("--pcap", trace, "--packets", "-o", "json", "--pcap-out", out_path, *args)
    assert rc == 0, err
    verdicts = [json.loads(line) for line in out.splitlines()]
    written = read_pcap(out_path)
    assert len(written) == sum(v["verdict"] == "accept" for v in verdicts)
    first = verdicts[0]
    assert first["nat"][0]["hook"] == "postrouting"
    after = first["nat"][0]["after"]
    assert written[0][1][12:16] == bytes(int(x) for x in after["src"].split("."))
    rc, out, err = ctk("--pcap", trace, "-L", "--pcap-out", "/nonexistent/dir/out.pcap", *args)
    assert rc == 1 and "--pcap-out `/nonexistent/dir/out.pcap'" in err


def test_held_and_discarded_have_no_state(case):
    trace, args = case("fragments_snat")
    rc, out, err = ctk("--pcap", trace, "--packets", "-o", "json", *args)
    objs = [json.loads(line) for line in out.splitlines()]
    held = [o for o in objs if o["verdict"] == "held"]
    assert held and all(o["state"] is None and o["direction"] is None for o in held)
    trace, args = case("bad_header")
    rc, out, err = ctk("--pcap", trace, "--packets", *args)
    lines = out.splitlines()
    assert any(line.split()[2:5] == ["-", "-", "discard"] for line in lines), out
