# SPDX-License-Identifier: LGPL-2.1-or-later
"""The userspace engine against the kernel, packet by packet (issue 5).

Every golden file of the kernel oracle (tests/oracle/golden/<case>.json, what
Linux 6.18's conntrack did with the trace in a router namespace) is replayed
through `conntrack --pcap` without root: the golden `l3` bytes and times are
written as a raw-IP pcap, the case's knobs are passed as --sysctl, and

  * `--packets -o json` must give, per packet, the kernel's ct state,
    direction and INVALID reason (the kernel logs "nf_ct_proto_<l4>: <msg>";
    the engine's reason is <msg>);
  * `-L -o extended` must list the kernel's final table: same entries, states
    and flags, timeouts within oracle.TIMEOUT_TOLERANCE (the engine's "now" is
    the last packet's time, the kernel's table was read a little later).

Kernel facts the comparison models (tests/oracle/README.md):

  * a fragment still waiting for the rest of its datagram gets no verdict in
    the kernel (not forwarded, state null); so in the engine (state null,
    verdict `held`, reason "(fragment held for reassembly)");
  * an IPv4 header with a bad checksum is dropped by ip_rcv before conntrack
    (not forwarded, state null); so in the engine (state null, verdict
    `discard`), with the
    parenthesised reason "(ip: bad header checksum)";
  * some INVALID verdicts log nothing (an ICMP error for no connection,
    tcp_loose=0 mid-stream, a TCP header too short): the kernel's reason is
    null and the engine's is its own explanation in parentheses (its mark
    for "the kernel drops this silently"); any other engine reason must be
    the kernel's text exactly;
  * the kernel cuts a logged line at NF_LOG_PREFIXLEN (128 bytes with the
    NUL, "nf_ct_proto_N: " and a trailing blank included): the engine's
    reason is cut the same way before comparing;
  * packets the TCP tracker ignores keep their entry (state established) but
    are logged: their reason is compared like an INVALID one;
  * UDP-Lite: the kernel checksums with 17 in the pseudo-header (plain
    comparison: the engine does the same).

Per packet the ctnetlink events are compared too (`-E -o json`, by packet
number): event type, original tuple, TCP/SCTP state, status bits, timeout
within the tolerance. The kernel's garbage collector destroys expired entries
at its own pace (the kernel reports them at some later packet, the engine at
the deadline, without a packet): in the cases that say so (cases.py,
check_events=False) DESTROY events are left out on both sides. The live
sessions' events all arrived late (no per-packet events): not compared.

And the table right after each packet (golden `table_after`, dumped over
ctnetlink): the engine's `-L -o json` of the trace cut after that packet, the
entries' tuples, TCP/SCTP states, status bits and timeouts (within the
tolerance) must be the same.

Differences that remain are listed in KNOWN_DIFFERENCES with their cause; a
listed difference that no longer occurs fails too (remove it from the list).

Run as a script for the agreement figures:
    /usr/bin/python3 tests/integration/test_engine_oracle.py [-v] [CASE...]
"""
NEEDS_ROOT = False  # reads golden files and runs conntrack --pcap only

import json
import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import cases  # noqa: E402  (the corpus: which cases race the garbage collector)
import ctharness  # noqa: E402
import oracle  # noqa: E402  (reading golden files and writing pcaps needs no root)

# The kernel's log line: prefix buffer of NF_LOG_PREFIXLEN bytes, NUL included.
NF_LOG_PREFIXLEN = 128
HELD_REASON = "(fragment held for reassembly)"
BAD_IP_HEADER_REASON = "(ip: bad header checksum)"

# (case, packet number or "table", field) -> why the engine differs.
_NOTRACK = ("the case's nft raw rules (`udp dport 9 notrack`, `udp sport 9 notrack`) make "
            "the kernel skip conntrack; the engine has no ruleset, so it tracks the flow")
KNOWN_DIFFERENCES = {}
for _case in ("untracked", "untracked_v6"):
    KNOWN_DIFFERENCES.update({
        (_case, 1, "state"): "kernel untracked, engine new: " + _NOTRACK,
        (_case, 1, "direction"): "kernel none, engine original: " + _NOTRACK,
        (_case, 1, "events"): "kernel none, engine NEW: " + _NOTRACK,
        (_case, 1, "table_after"): "kernel empty, engine one udp entry: " + _NOTRACK,
        (_case, 2, "state"): "kernel untracked, engine established: " + _NOTRACK,
        (_case, 2, "direction"): "kernel none, engine reply: " + _NOTRACK,
        (_case, 2, "events"): "kernel none, engine UPDATE: " + _NOTRACK,
        (_case, 2, "table_after"): "kernel empty, engine one udp entry: " + _NOTRACK,
        (_case, "table", "entries"): "kernel empty, engine one udp entry: " + _NOTRACK,
    })


def case_names():
    return sorted(f[:-5] for f in os.listdir(oracle.GOLDEN) if f.endswith(".json"))


def sysctl_args(header):
    args = []
    for name, value in sorted(header["sysctl"].items()):
        args += ["--sysctl", "net.netfilter.%s=%s" % (name, value)]
    return args


def run_ctk(args):
    p = subprocess.run(ctharness.ctk_cmd() + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ctharness.RUN_ENV, timeout=120)
    assert p.returncode == 0, "conntrack %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                              p.stderr.decode())
    return p.stdout.decode()


EVENT_KEYS = ("event", "src", "dst", "proto", "sport", "dport", "type", "code", "id", "state",
              "timeout")


def kernel_event(ev):
    """A golden event (ctevents.py) in the comparison's form."""
    out = {k: ev[k] for k in EVENT_KEYS if k in ev}
    out["status"] = sorted(ev.get("status", []))
    return out


def engine_event(ev):
    """An event of `conntrack --pcap -E -o json` in the same form (GRE keys
    are the ports of the golden tuple)."""
    orig = dict(ev["orig"])
    for key, port in (("srckey", "sport"), ("dstkey", "dport")):
        if key in orig:
            orig[port] = orig.pop(key)
    out = {"proto": ev["l4protonum"]}
    if "event" in ev:
        out["event"] = ev["event"].upper()
    out.update({k: v for k, v in orig.items() if k in EVENT_KEYS})
    out.update({k: ev[k] for k in ("state", "timeout") if k in ev})
    out["status"] = sorted(ev.get("status", []))
    return out


def entry_key(e):
    return json.dumps({k: v for k, v in e.items() if k != "timeout"}, sort_keys=True)


def kernel_cut(reason, log):
    """The engine's reason as the kernel's log line would carry it: cut with
    its "nf_ct_proto_N: " prefix at NF_LOG_PREFIXLEN - 1 characters, without
    the prefix and the trailing blank (what the harness stores)."""
    prefix = log[0].split(": ", 1)[0] + ": " if log else "nf_ct_proto_0: "
    line = (prefix + reason + " ")[:NF_LOG_PREFIXLEN - 1]
    text = line[len(prefix):]
    return text[:-1] if text.endswith(" ") else text


class Replay:
    """One golden case replayed through the engine."""

    def __init__(self, name, workdir):
        self.name = name
        self.header, self.packets, self.table = oracle.read_golden(name)
        self.pcap = os.path.join(workdir, name + ".pcap")
        oracle.write_pcap(self.packets, self.pcap)
        knobs = sysctl_args(self.header)
        verdicts = run_ctk(["--pcap", self.pcap, "--packets", "-o", "json"] + knobs)
        self.verdicts = {}
        for line in verdicts.splitlines():
            if line.startswith("{"):
                v = json.loads(line)
                self.verdicts[v["packet"]] = v
        listing = run_ctk(["--pcap", self.pcap, "-L", "-o", "extended"] + knobs)
        self.got_table = [line for line in listing.splitlines() if line.strip()]
        case = cases.BY_NAME.get(name)
        self.check_events = case is not None
        self.keep_destroy = case is not None and case.check_events
        self.knobs = knobs
        self.events = {}
        if self.check_events:
            for line in run_ctk(["--pcap", self.pcap, "-E", "-o", "json"] + knobs).splitlines():
                ev = json.loads(line) if line.startswith("{") else {}
                if ev.get("event") not in (None, "invalid") and "packet" in ev:
                    self.events.setdefault(ev["packet"], []).append(engine_event(ev))

    def packet_diffs(self, want):
        """[(field, engine, kernel)] for one packet, kernel facts applied."""
        got = self.verdicts.get(want["packet"])
        if got is None:
            return [("verdict", None, want["state"])]
        if not want["forwarded"] and want["state"] is None:
            return self.no_verdict_diffs(got, want)
        diffs = [(k, got[k], want[k]) for k in ("state", "direction") if got[k] != want[k]]
        diffs += self.reason_diffs(got, want)
        return diffs + self.event_diffs(want) + self.snapshot_diffs(want)

    def snapshot_diffs(self, want):
        if "table_after" not in want:
            return []
        cut = "%s.%d" % (self.pcap, want["packet"])
        oracle.write_pcap(self.packets[:want["packet"]], cut)
        listing = run_ctk(["--pcap", cut, "-L", "-o", "json"] + self.knobs)
        os.unlink(cut)
        mine = sorted((engine_event(json.loads(line)) for line in listing.splitlines()
                       if line.startswith("{")), key=entry_key)
        theirs = sorted((kernel_event(e) for e in want["table_after"]), key=entry_key)
        if oracle.compare_events(mine, theirs):
            return [("table_after", mine, theirs)]
        return []

    def event_diffs(self, want):
        if not self.check_events:
            return []
        mine = self.events.get(want["packet"], [])
        theirs = [kernel_event(e) for e in want["events"]]
        if not self.keep_destroy:
            mine = [e for e in mine if e["event"] != "DESTROY"]
            theirs = [e for e in theirs if e["event"] != "DESTROY"]
        if oracle.compare_events(mine, theirs):
            return [("events", mine, theirs)]
        return []

    def no_verdict_diffs(self, got, want):
        """The kernel gave no verdict: a held fragment or a packet dropped
        before conntrack (a bad IPv4 header checksum)."""
        if got["state"] is None and got["verdict"] == "held" and got["reason"] == HELD_REASON:
            return []
        if (got["state"] is None and got["verdict"] == "discard"
                and got["reason"] == BAD_IP_HEADER_REASON):
            return []
        return [("verdict", "%s %s %r" % (got["state"], got["verdict"], got["reason"]),
                 "none (not forwarded)")]

    def reason_diffs(self, got, want):
        mine, theirs = got["reason"], want["reason"]
        if theirs is None:
            # silent in the kernel: the engine may explain in parentheses
            silent = mine is None or (mine.startswith("(") and got["state"] == "invalid")
            return [] if silent else [("reason", mine, None)]
        if mine is None or kernel_cut(mine, want["log"]) != theirs:
            return [("reason", mine, theirs)]
        return []

    def table_diffs(self):
        diffs = oracle.compare_tables(self.got_table, self.table)
        if not diffs:
            return []
        kind = "entries" if diffs[0].startswith("table differs") else "timeouts"
        return [(kind, self.got_table, self.table)]

    def diffs(self):
        """{(case, packet|"table", field): (engine, kernel)}"""
        out = {}
        for want in self.packets:
            for field, mine, theirs in self.packet_diffs(want):
                out[(self.name, want["packet"], field)] = (mine, theirs)
        for field, mine, theirs in self.table_diffs():
            out[(self.name, "table", field)] = (mine, theirs)
        return out


def check(replay):
    """(unexpected differences, known differences that no longer occur)"""
    found = replay.diffs()
    unexpected = {k: v for k, v in found.items() if k not in KNOWN_DIFFERENCES}
    stale = [k for k in KNOWN_DIFFERENCES if k[0] == replay.name and k not in found]
    return unexpected, stale


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="ctk-engine-oracle-") as d:
        yield d


@pytest.mark.parametrize("name", case_names())
def test_engine_agrees_with_kernel(name, workdir):
    unexpected, stale = check(Replay(name, workdir))
    lines = ["%s %s %s: engine %r, kernel %r" % (k + v) for k, v in sorted(unexpected.items(), key=str)]
    lines += ["known difference no longer occurs (remove it): %s %s %s" % k for k in stale]
    assert not lines, "\n".join(lines)


def test_known_differences_name_real_cases():
    names = set(case_names())
    assert {k[0] for k in KNOWN_DIFFERENCES} <= names


def figures(names, verbose=False):
    """Agreement figures over `names`; prints every difference with -v."""
    packets = state_dir = reasons = events = snapshots = tables = 0
    all_diffs = {}
    with tempfile.TemporaryDirectory(prefix="ctk-engine-oracle-") as d:
        for name in names:
            replay = Replay(name, d)
            found = replay.diffs()
            all_diffs.update(found)
            for want in replay.packets:
                fields = {k[2] for k in found if k[1] == want["packet"]}
                packets += 1
                state_dir += not fields & {"state", "direction", "verdict"}
                reasons += not fields & {"reason", "verdict"}
                events += "events" not in fields
                snapshots += "table_after" not in fields
            tables += not any(k[1] == "table" for k in found)
    print("cases %d, packets compared %d" % (len(names), packets))
    print("state+direction agree: %d/%d" % (state_dir, packets))
    print("reason agrees:         %d/%d" % (reasons, packets))
    print("events agree:          %d/%d" % (events, packets))
    print("table after agrees:    %d/%d" % (snapshots, packets))
    print("final table agrees:    %d/%d cases" % (tables, len(names)))
    unexpected = {k: v for k, v in all_diffs.items() if k not in KNOWN_DIFFERENCES}
    print("differences: %d (%d known, %d unexpected)" % (
        len(all_diffs), len(all_diffs) - len(unexpected), len(unexpected)))
    for k, v in sorted(all_diffs.items(), key=str):
        if verbose or k in unexpected:
            print("  %s%s %s %s: engine %r, kernel %r" % (
                "" if k in unexpected else "[known] ", k[0], k[1], k[2], v[0], v[1]))
    return 1 if unexpected else 0


if __name__ == "__main__":
    argv = sys.argv[1:]
    sys.exit(figures([a for a in argv if not a.startswith("-")] or case_names(), "-v" in argv))
