# SPDX-License-Identifier: LGPL-2.1-or-later
"""--netns all (issue 15): -L, -C, -S, -E and --group-by over every network
namespace of the machine in one run.

The oracle for each namespace is the reference run inside it: a line of
`--netns all` without its "netns=NAME " prefix is the reference's line.
The machine has other namespaces (its own, other tests'): the checks look
at the lab's namespaces only, and nothing here changes a table outside
them (the host's table is only read).
"""
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

import pytest

import ctharness
from ctdiff import compare

ENTRIES = {
    "ns": [["-I", "-p", "tcp", "-s", "10.7.0.1", "-d", "10.7.0.2", "--sport", "1000",
            "--dport", "80", "--state", "ESTABLISHED", "-t", "300", "-u", "ASSURED"],
           ["-I", "-p", "udp", "-s", "10.7.0.3", "-d", "10.7.0.4", "--sport", "53",
            "--dport", "5353", "-t", "200"]],
    "cli": [["-I", "-p", "udp", "-s", "10.7.1.1", "-d", "10.7.1.2", "--sport", "7",
             "--dport", "8", "-t", "200"]],
}


@pytest.fixture(scope="module")
def lab():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


@pytest.fixture
def tables(lab):
    for ns in (lab.ns, lab.cli, lab.srv):
        lab.run(ctharness.REF + ["-F"], ns=ns)
    for which, entries in ENTRIES.items():
        for args in entries:
            r = lab.run(ctharness.REF + args, ns=getattr(lab, which))
            assert r.rc == 0, r.err
    return lab


def ctk_all(lab, args, ns=None):
    """ctkit from one of the lab's namespaces (which one does not matter to --netns all)."""
    return lab.run(ctharness.ctk_cmd() + list(args) + ["--netns", "all"], ns=ns or lab.srv)


def lines_of(out, name):
    prefix = "netns=%s " % name
    return [line[len(prefix):] for line in out.splitlines() if line.startswith(prefix)]


def process_in_own_namespace():
    """A process in a namespace of its own, once it is there (never the caller's:
    nsenter into it must not reach this machine's table)."""
    proc = subprocess.Popen(["unshare", "-n", "sleep", "1000"])
    mine = os.readlink("/proc/self/ns/net")
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            if os.readlink("/proc/%d/ns/net" % proc.pid) != mine:
                return proc
        except OSError:
            pass
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise AssertionError("unshare -n did not make its namespace")


class Events:
    """-E --netns all in the background; its lines read with a deadline (other
    namespaces of the machine may have events of their own in between)."""

    def __init__(self, lab):
        self.proc = subprocess.Popen(lab.prefix(lab.srv) + ctharness.ctk_cmd() +
                                     ["-E", "-e", "NEW", "--netns", "all"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lab.bg.append(self.proc)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            m = re.match(pattern, line)
            if m:
                return m
        raise AssertionError("no event line matching %r" % pattern)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        return self.proc.stderr.read()


def test_list_lines_are_the_reference_lines_with_a_prefix(tables):
    r = ctk_all(tables, ["-L"])
    assert r.rc == 0, r.err
    for ns in (tables.ns, tables.cli):
        want = tables.run(ctharness.REF + ["-L"], ns=ns)
        got = "".join(line + "\n" for line in lines_of(r.out, ns))
        assert compare(want.out, got) is None, (ns, r.out)
    assert lines_of(r.out, tables.srv) == []
    # every line says where it comes from; the summary counts them all
    assert all(re.match(r"netns=\S+ ", line) for line in r.out.splitlines())
    shown = int(re.search(r"(\d+) flow entries have been shown", r.err).group(1))
    assert shown == len(r.out.splitlines()) >= 3


def test_json_has_a_netns_key(tables):
    r = ctk_all(tables, ["-L", "-o", "json"])
    assert r.rc == 0, r.err
    objs = [json.loads(line) for line in r.out.splitlines()]
    assert all(list(o)[0] == "netns" for o in objs)
    mine = sorted((o["netns"], o["orig"]["src"]) for o in objs
                  if o["netns"] in (tables.ns, tables.cli))
    assert mine == sorted([(tables.ns, "10.7.0.1"), (tables.ns, "10.7.0.3"),
                           (tables.cli, "10.7.1.1")])
    # the rest of an object is what --netns NAME prints
    one = tables.run(ctharness.ctk_cmd() + ["-L", "-o", "json", "-p", "udp", "--netns", tables.cli])
    want = json.loads(one.out)
    got = [o for o in objs if o["netns"] == tables.cli][0]
    del got["netns"]
    for o in (want, got):
        o.pop("timeout")
    assert got == want


def test_count_and_stats(tables):
    r = ctk_all(tables, ["-C"])
    assert r.rc == 0, r.err
    assert lines_of(r.out, tables.ns) == ["2"]
    assert lines_of(r.out, tables.cli) == ["1"]
    assert lines_of(r.out, tables.srv) == ["0"]
    j = [json.loads(line) for line in ctk_all(tables, ["-C", "-o", "json"]).out.splitlines()]
    assert {"netns": tables.cli, "count": 1} in j
    r = ctk_all(tables, ["-S"])
    assert r.rc == 0, r.err
    want = tables.run(ctharness.REF + ["-S"], ns=tables.ns).out.splitlines()
    got = lines_of(r.out, tables.ns)
    assert [line.split("\t")[0] for line in got] == [line.split("\t")[0] for line in want]
    assert all("found=" in line for line in got)


def test_group_by_across_namespaces(tables):
    r = ctk_all(tables, ["-L", "--group-by", "netns,proto"])
    assert r.rc == 0, r.err
    # (the lab's namespace counts packets: its groups say how many)
    lines = [line.split(" packets=")[0] for line in r.out.splitlines()]
    assert "1 netns=%s proto=tcp" % tables.ns in lines
    assert "1 netns=%s proto=udp" % tables.ns in lines
    assert "1 netns=%s proto=udp" % tables.cli in lines
    # without the netns key the groups add up over every namespace
    r = ctk_all(tables, ["-L", "-s", "10.7.0.0/16", "--group-by", "proto"])
    assert [line.split(" packets=")[0] for line in r.out.splitlines()] == ["2 proto=udp",
                                                                          "1 proto=tcp"]


def test_a_process_namespace_is_named_by_its_pid(tables):
    """A namespace no name points at is found through its processes."""
    sleeper = process_in_own_namespace()
    try:
        r = subprocess.run(["nsenter", "-t", str(sleeper.pid), "-n"] + ctharness.REF +
                           ENTRIES["cli"][0], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        out = ctk_all(tables, ["-L", "-p", "udp"]).out
        assert [line.split()[0] for line in lines_of(out, str(sleeper.pid))] == ["udp"]
        # and the name is one --netns takes
        one = tables.run(ctharness.ctk_cmd() + ["-C", "--netns", str(sleeper.pid)])
        assert one.out == "1\n"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_stale_name_is_passed_over(tables):
    """A file left in /run/netns after its namespace was unmounted is no namespace."""
    stale = "/run/netns/%s-stale" % tables.ns
    open(stale, "w").close()
    try:
        r = ctk_all(tables, ["-C"])
        assert r.rc == 0 and r.err == "", r.err
        assert "-stale" not in r.out
    finally:
        os.unlink(stale)


def test_unenterable_is_reported_and_the_rest_still_runs(tables):
    """Without privilege the other namespaces cannot be entered: each is said, none is fatal."""
    r = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"] +
                       ctharness.ctk_cmd() + ["-C", "--netns", "all"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert "netns %s: cannot enter it: Operation not permitted" % tables.ns in r.stderr
    # its own namespace needs no entering: its count is still printed
    assert re.search(r"^netns=\d+ \d+$", r.stdout, re.M), (r.stdout, r.stderr)


def test_events_from_every_namespace(tables):
    ev = Events(tables)
    try:
        time.sleep(0.5)     # subscribed in every namespace
        for which, src in (("ns", "10.7.2.1"), ("cli", "10.7.2.2")):
            r = tables.run(ctharness.REF + ["-I", "-p", "udp", "-s", src, "-d", "10.7.2.9",
                                            "--sport", "1", "--dport", "2", "-t", "50"],
                           ns=getattr(tables, which))
            assert r.rc == 0, r.err
            ev.wait_for(r"netns=%s     \[NEW\] udp +17 50 src=%s " % (getattr(tables, which), src))
    finally:
        err = ev.stop()
    assert ev.proc.returncode == 0, err
    assert int(re.search(r"(\d+) flow events have been shown", err).group(1)) >= 2


def test_events_join_namespaces_made_later(tables):
    """-E --netns all looks for new namespaces every second: a container started later is heard."""
    ev = Events(tables)
    sleeper = None
    try:
        time.sleep(0.3)
        sleeper = process_in_own_namespace()
        # Within a rescan or two it is joined: an entry made then is heard.
        for sport in range(1, 20):
            r = subprocess.run(["nsenter", "-t", str(sleeper.pid), "-n"] + ctharness.REF +
                               ["-I", "-p", "udp", "-s", "10.7.3.1", "-d", "10.7.3.2", "--sport",
                                str(sport), "--dport", "2", "-t", "50"],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            try:
                ev.wait_for(r"netns=%d     \[NEW\] udp .* src=10\.7\.3\.1 " % sleeper.pid, 0.3)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the new namespace was never joined")
        # gone again: left at the next rescan, the rest goes on
        sleeper.kill()
        sleeper.wait()
        time.sleep(1.5)
        assert tables.ref(["-I", "-p", "udp", "-s", "10.7.3.3", "-d", "10.7.3.4", "--sport", "1",
                           "--dport", "2", "-t", "50"]).rc == 0
        ev.wait_for(r"netns=%s     \[NEW\] udp .* src=10\.7\.3\.3 " % tables.ns)
    finally:
        if sleeper and sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()
        err = ev.stop()
    assert ev.proc.returncode == 0, err
    assert int(re.search(r"(\d+) flow events have been shown", err).group(1)) >= 2


@pytest.mark.parametrize("args,message", [
    (["-D"], "Illegal option `--netns all' with this command (only -L, -C, -S and -E)"),
    (["-L", "-o", "xml"], "Illegal option `--netns all' with this output format"),
    (["-E", "expect"], "Illegal option `--netns all' with -E expect"),
    (["-L", "--pcap", os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")],
     "Illegal option `--netns all' with a capture"),
])
def test_refused(lab, args, message):
    r = ctk_all(lab, args)
    assert r.rc == 2 and r.out == ""
    assert message in r.err
