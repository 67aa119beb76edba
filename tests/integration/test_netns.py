# SPDX-License-Identifier: LGPL-2.1-or-later
"""--netns NAME|PATH|PID (issue 15): conntrack and nfct run against another
network namespace's table, as under `ip netns exec`.

The oracle is the reference run inside the namespace. ctkit runs from a
second throwaway namespace of the Lab (never the host's), so that if
--netns did not take, a change would land in that throwaway table and the
test would fail, not touch the machine's own.
"""
import os
import subprocess
import time

import pytest

import ctharness
from ctdiff import compare, normalise_ctk

ENTRIES = [
    ["-I", "-p", "tcp", "-s", "10.9.0.1", "-d", "10.9.0.2", "--sport", "1000", "--dport", "80",
     "--state", "ESTABLISHED", "-t", "300", "-u", "ASSURED"],
    ["-I", "-p", "udp", "-s", "10.9.0.3", "-d", "10.9.0.4", "--sport", "53", "--dport", "5353",
     "-t", "200", "--mark", "7"],
    ["-I", "-p", "icmp", "-s", "10.9.0.5", "-d", "10.9.0.6", "--icmp-type", "8", "--icmp-code",
     "0", "--icmp-id", "9", "-t", "100"],
]


def ctk_nfct():
    return os.environ.get("NFCT") or os.path.join(ctharness.REPO, "build", "nfct")


@pytest.fixture(scope="module")
def two(lab):
    """lab.ns holds the table under test; ctkit runs from lab.cli."""
    return lab


@pytest.fixture
def table(two):
    two.flush()
    two.run(ctharness.REF + ["-F"], ns=two.cli)
    for args in ENTRIES:
        r = two.ref(args)
        assert r.rc == 0, r.err
    return two


def from_other(lab, args):
    """ctkit's conntrack run from the other namespace."""
    return lab.run(ctharness.ctk_cmd() + list(args), ns=lab.cli)


def same(ours, ref):
    """
    The same answer, but for the program name in messages (`(ctkit)`) and
    timeouts, which count down between the two runs (ctdiff's tolerance).
    """
    assert (ours.rc, normalise_ctk(ours.err)) == (ref.rc, ref.err)
    assert compare(ref.out, ours.out) is None


@pytest.mark.parametrize("args", [["-L"], ["-L", "-o", "extended"], ["-C"],
                                  ["-L", "-p", "udp"], ["-G", "-p", "tcp", "-s", "10.9.0.1",
                                                        "-d", "10.9.0.2", "--sport", "1000",
                                                        "--dport", "80"]])
def test_by_name_as_ip_netns_exec(table, args):
    same(from_other(table, args + ["--netns", table.ns]), table.ref(args))


def test_by_path_and_by_pid(table):
    want = table.ref(["-L"])
    assert want.out.count("\n") == len(ENTRIES)
    same(from_other(table, ["-L", "--netns", "/run/netns/" + table.ns]), want)
    sleeper = table.popen(table.ns, ["sleep", "1000"])
    time.sleep(0.1)     # nsenter has exec'd sleep: its pid is in the namespace
    same(from_other(table, ["-L", "--netns", str(sleeper.pid)]), want)
    sleeper.kill()
    sleeper.wait()


def test_changes_reach_that_namespace_only(table):
    r = from_other(table, ["--netns", table.ns, "-I", "-p", "tcp", "-s", "10.9.1.1", "-d",
                           "10.9.1.2", "--sport", "1", "--dport", "2", "--state", "SYN_SENT",
                           "-t", "60"])
    assert r.rc == 0, r.err
    assert "10.9.1.1" in table.ref(["-L"]).out
    r = from_other(table, ["--netns", table.ns, "-D", "-s", "10.9.0.3"])
    assert r.rc == 0, r.err
    assert "10.9.0.3" not in table.ref(["-L"]).out
    r = from_other(table, ["--netns", table.ns, "-F"])
    assert r.rc == 0, r.err
    assert table.ref(["-C"]).out.strip() == "0"
    other = table.run(ctharness.REF + ["-L"], ns=table.cli)
    assert "10.9." not in other.out


def test_load_file_into_that_namespace(table, tmp_path):
    """-R FILE ignores the words after the file, as the reference, but --netns."""
    table.flush()
    rules = tmp_path / "rules"
    rules.write_text("-I -p tcp -s 10.9.2.1 -d 10.9.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 60\n")
    r = from_other(table, ["-R", str(rules), "--netns", table.ns])
    assert r.rc == 0, r.err
    assert "10.9.2.1" in table.ref(["-L"]).out
    assert "10.9.2.1" not in table.run(ctharness.REF + ["-L"], ns=table.cli).out
    bad = from_other(table, ["-R", str(rules), "--netns", "ctk-no-such-ns"])
    assert bad.rc == 2 and "no such network namespace" in bad.err


def test_events_of_that_namespace(table):
    table.flush()
    ev = subprocess.Popen(table.prefix(table.cli) + ctharness.ctk_cmd() +
                          ["-E", "-e", "NEW", "--netns", table.ns],
                          stdout=subprocess.PIPE, text=True)
    table.bg.append(ev)
    try:
        time.sleep(0.3)     # subscribed before the entries come
        table.run(ctharness.REF + ENTRIES[1], ns=table.cli)     # elsewhere: not seen
        assert table.ref(ENTRIES[0]).rc == 0
        line = ev.stdout.readline()
        assert line.startswith("    [NEW] tcp") and "src=10.9.0.1" in line, line
    finally:
        ev.kill()
        ev.wait()
    assert "10.9.0.3" not in ev.stdout.read()


@pytest.mark.parametrize("spec,message", [
    ("ctk-no-such-ns", "no such network namespace"),
    ("/etc/hostname", "not a network namespace"),
    ("999999999", "no such network namespace"),
])
def test_bad_namespace(two, spec, message):
    r = from_other(two, ["-L", "--netns", spec])
    assert r.rc == 2 and r.out == ""
    assert r.err == "conntrack v1.4.7 (ctkit): --netns `%s': %s\n" % (spec, message)


def test_given_twice(two):
    r = from_other(two, ["-L", "--netns", two.ns, "--netns", two.ns])
    assert r.rc == 2 and "`--netns' given twice" in r.err


def test_nfct(two):
    ref = ["/usr/sbin/nfct"]
    if not os.access(ref[0], os.X_OK):
        pytest.skip("reference nfct not installed")
    two.run(ref + ["timeout", "flush"])
    r = two.run(ref + ["add", "timeout", "ctk-netns-test", "inet", "udp", "unreplied", "11",
                       "replied", "22"])
    if r.rc:
        pytest.skip("no cttimeout in this kernel: " + r.err.strip())
    want = two.run(ref + ["timeout", "list"])
    got = two.run([ctk_nfct(), "--netns", two.ns, "timeout", "list"], ns=two.cli)
    same(got, want)
    assert "ctk-netns-test" in got.out
    assert "ctk-netns-test" not in two.run([ctk_nfct(), "timeout", "list"], ns=two.cli).out
    bad = two.run([ctk_nfct(), "--netns", "ctk-no-such-ns", "timeout", "list"], ns=two.cli)
    assert bad.rc == 1 and bad.err == "nfct v1.4.7: --netns `ctk-no-such-ns': no such network namespace\n"
    two.run(ref + ["timeout", "flush"])
