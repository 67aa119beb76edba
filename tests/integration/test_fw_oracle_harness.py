# SPDX-License-Identifier: LGPL-2.1-or-later
"""test_fw_oracle.py's comparison, checked before the engine's firewall
path exists: tests/oracle/fwstub.py plays `conntrack` and answers with the
kernel's own recorded answers, so every case must agree; with one
deliberate error (FWSTUB_MUTATE) the comparison must report it.
"""
NEEDS_ROOT = False  # golden files and a stand-in process only

import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import ctharness  # noqa: E402
import fworacle  # noqa: E402
import test_fw_oracle  # noqa: E402

STUB = os.path.join(HERE, "..", "oracle", "fwstub.py")
CASES = ("filter_drops", "ftp_active_snat_v6", "input_policy", "port_clash", "live_home_router")


def stub(monkeypatch, mutate=""):
    cmd = ["env", "FWSTUB_MUTATE=" + mutate, sys.executable, STUB]
    monkeypatch.setattr(ctharness, "ctk_cmd", lambda: list(cmd))


@pytest.fixture
def workdir():
    with tempfile.TemporaryDirectory(prefix="ctk-fw-harness-") as d:
        yield d


def test_golden_files_exist_for_every_case():
    import fwcases
    assert sorted(c.name for c in fwcases.CASES) == fworacle.golden_names()


@pytest.mark.parametrize("name", CASES)
def test_kernel_agrees_with_itself(name, monkeypatch, workdir):
    stub(monkeypatch)
    assert test_fw_oracle.Replay(name, workdir).diffs() == {}


@pytest.mark.parametrize("mutate,case,kind", [
    ("rule", "filter_drops", "rule"), ("state", "snat_tcp", "state"), ("left", "icmp_error_nat", "left"),
    ("table", "zones", "table"), ("expect", "tftp", "expect_after"), ("trace", "filter_drops", "trace")])
def test_comparison_catches_a_mutation(mutate, case, kind, monkeypatch, workdir):
    stub(monkeypatch, mutate)
    found = test_fw_oracle.Replay(case, workdir).diffs()
    assert any(kind in (k[1], k[2]) for k in found), found


def test_golden_headers_carry_what_the_engine_needs():
    for name in fworacle.golden_names():
        header, packets, final = fworacle.read_golden(name)
        assert header["ruleset_json"]["nftables"], name
        assert "ctkrec" not in json_text(header["ruleset_json"]), name
        assert header["local_addresses"] and header["interfaces"] == ["r-cli", "r-srv"]
        assert all(p["verdict"] in ("accept", "drop", "held", "discard") for p in packets), name
        assert all(s["table"] != "ctkrec" for p in packets for s in p["trace"]), name
        assert {"table", "entries", "expect"} <= set(final), name


def json_text(obj):
    import json
    return json.dumps(obj)


def test_pcapng_names_the_interfaces(workdir):
    header, packets, _ = fworacle.read_golden("dnat_tcp")
    path = fworacle.write_trace(packets, os.path.join(workdir, "t"))
    assert path.endswith(".pcapng")
    with open(path, "rb") as f:
        data = f.read()
    assert data.count(b"r-cli") == 1 and data.count(b"r-srv") == 1
    header, packets, _ = fworacle.read_golden("input_policy")
    assert fworacle.write_trace(packets, os.path.join(workdir, "u")).endswith(".pcap")
