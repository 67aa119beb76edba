# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack --pcap F --timeout-policy FILE: nfct timeout policies applied
to the userspace engine while the bundled sample is replayed.

Only files are replayed (no namespace, no kernel table): runs unprivileged."""
import os
import re
import subprocess

import pytest

import ctharness

NEEDS_ROOT = False

SAMPLE = os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")


def ctk(*args):
    p = subprocess.run(ctharness.ctk_cmd() + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ctharness.RUN_ENV, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def timeouts(text, proto):
    """The timeout column of each entry of @proto ("udp 17 29 ...")."""
    found = [int(m.group(1)) for m in re.finditer(r"^%s\s+\d+\s+(\d+)\s" % proto, text, re.M)]
    assert found, text
    return found


def policy(tmp_path, text, name="policy.txt"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def listing(*args):
    rc, out, err = ctk("--pcap", SAMPLE, *args)
    assert rc == 0, err
    return out, err


def test_udp_policy_shortens_udp_timeouts(tmp_path):
    before, _ = listing("-L", "-p", "udp")
    assert max(timeouts(before, "udp")) > 7
    pol = policy(tmp_path, "# short DNS\n\nadd short inet udp unreplied 5 replied 7\n")
    after, _ = listing("--timeout-policy", pol, "-L", "-p", "udp")
    assert all(t <= 7 for t in timeouts(after, "udp"))
    assert len(timeouts(after, "udp")) == len(timeouts(before, "udp"))


def test_established_tcp_policy(tmp_path):
    before, _ = listing("-L", "-p", "tcp")
    assert max(timeouts(before, "tcp")) > 400000          # 5 days by default
    pol = policy(tmp_path, "nfct timeout add long inet tcp established 1000\n")
    after, _ = listing("--timeout-policy", pol, "-L", "-p", "tcp")
    est = [t for t, line in zip(timeouts(after, "tcp"), after.splitlines())
           if " ESTABLISHED " in line]
    assert est and all(500 < t <= 1000 for t in est)
    # TIME_WAIT entries keep the defaults: the policy names one state only.
    assert sorted(t for t in timeouts(after, "tcp") if t not in est) == \
        sorted(t for t in timeouts(before, "tcp") if t < 400000)


def test_later_line_and_sysctl_win(tmp_path):
    pol = policy(tmp_path, "add a inet udp unreplied 100\nadd b inet6 udp unreplied 6\n")
    out, _ = listing("--timeout-policy", pol, "-L", "-p", "udp")
    assert all(t <= 6 for t in timeouts(out, "udp"))
    out, _ = listing("--timeout-policy", pol, "--sysctl", "nf_conntrack_udp_timeout=3",
                     "-L", "-p", "udp")
    assert all(t <= 3 for t in timeouts(out, "udp"))


def test_syn_sent2_warns(tmp_path):
    pol = policy(tmp_path, "add a inet tcp syn_sent2 5\n")
    _, err = listing("--timeout-policy", pol, "-L")
    assert "%s:1: warning: tcp SYN_SENT2 ignored" % pol in err


@pytest.mark.parametrize("text, line, words", [
    ("add x inet udp bogus 3\n", 1, "unknown state `bogus' for udp"),
    ("# ok\nadd x inet udp replied\n", 2, "state `replied' without a timeout"),
    ("\n\nadd x inet udp replied soon\n", 3, "invalid timeout `soon'"),
    ("add x ipx udp replied 3\n", 1, "unknown family `ipx'"),
    ("add x inet nosuchproto\n", 1, "unknown protocol `nosuchproto'"),
    ("delete x\n", 1, "expected `add NAME FAMILY PROTO STATE SECS...'"),
    ("add x inet dccp open 3\n", 1, "dccp: not supported by the engine"),
    ("add x inet udp replied 4000000000\n", 1, "out of range"),
])
def test_bad_files(tmp_path, text, line, words):
    pol = policy(tmp_path, text)
    rc, out, err = ctk("--pcap", SAMPLE, "--timeout-policy", pol, "-L")
    assert rc == 2
    assert out == ""
    assert "(ctkit): %s:%d: " % (pol, line) in err
    assert words in err


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nope.txt")
    rc, out, err = ctk("--pcap", SAMPLE, "--timeout-policy", missing, "-L")
    assert rc == 2 and out == ""
    assert missing in err and "No such file" in err


def test_needs_pcap(tmp_path):
    pol = policy(tmp_path, "add x inet udp replied 3\n")
    rc, out, err = ctk("--timeout-policy", pol, "-L")
    assert rc == 2 and out == ""
    assert "Illegal option `--timeout-policy' without `--pcap'" in err
