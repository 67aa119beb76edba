# SPDX-License-Identifier: LGPL-2.1-or-later
"""The engine as the whole firewall against the kernel (issue 14).

Every golden file of the firewall oracle (tests/oracle/golden_fw/<case>.json:
what Linux 6.18 did with the trace in a router namespace carrying the case's
ruleset, NAT and helpers) is replayed without root:

  conntrack --pcap CASE.pcap[ng] --ruleset CASE.json [--local-address A]...
            [--masquerade-address A]... --pcap-out OUT.pcap --packets -o json

(CASE.json is the router's `nft -j list ruleset` stored in the golden
header; the trace is a pcapng with the router's interface names when it
crosses both interfaces, because rules match `iifname`), and per packet:

  * verdict: accept / drop as the kernel did (forwarded, delivered or sent
    = accept); a packet conntrack never saw and no rule dropped is `held`
    (a fragment waiting for the rest) or `discard` (ip_rcv dropped it);
  * state and direction (null when conntrack never saw the packet);
  * reason, compared as test_engine_oracle.py does (the kernel's log line
    is cut at NF_LOG_PREFIXLEN; an engine reason in parentheses stands for
    a silent kernel);
  * rule: for a drop, the (family, table, chain, handle) of the step that
    dropped it in the kernel's nft trace (handle 0 = the chain policy);
    for an accept, one of the trace's accepting steps (a forwarded packet
    is accepted by its filter chain AND by its NAT chains; the golden
    `rule` is the filter chain's, the engine may name either); null when
    no user chain saw the packet, or the kernel dropped it outside the
    ruleset (a NAT clash at confirm);
  * the packet as it left: OUT.pcap's packet with the input's time stamp
    against the kernel's forwarded bytes (the frame on the far side), TTL /
    hop limit and the IPv4 header checksum left out: the kernel's forward
    path decrements the TTL, the engine models the firewall, not the
    router, and leaves the TTL alone.  Everything else — translated
    addresses, ports, ICMP ids, L4 checksums, the quoted packet of an ICMP
    error, FTP payload rewritten by nf_nat_ftp and its sequence shift —
    must be the kernel's byte for byte.  The router's own answers are in
    the trace (output path), their bytes are compared the same way.
    Packets the kernel delivered locally left nothing to compare with;

and for the case: `-L -o extended` with the ruleset against the kernel's
final table (timeouts within oracle.TIMEOUT_TOLERANCE), `-L expect` (and
`-f ipv6`) against the kernel's expectations (without the timeout), and
for the helper cases the expectations after every packet (the trace cut
after it).  `--trace N` for the first packet and the first dropped one must
list the kernel's nft trace steps (table, chain, handle, verdict) in order.

Real sessions (live_*): packets numbered as the router saw them.

The CLI lands with the lead's firewall path: until `conntrack --help`
mentions --ruleset, the module is skipped.  Script mode prints agreement
figures:
    /usr/bin/python3 tests/integration/test_fw_oracle.py [-v] [CASE...]
"""
NEEDS_ROOT = False  # reads golden files and runs conntrack --pcap only

import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import ctharness  # noqa: E402
import fworacle  # noqa: E402  (golden files, traces; no root needed)
import oracle  # noqa: E402
from test_engine_oracle import kernel_cut  # noqa: E402

# (case, packet number or "table"/"expect"/"trace", field) -> why the engine differs
KNOWN_DIFFERENCES = {}

TRACE_LINE = re.compile(r"\b(ip|ip6|inet|arp|bridge|netdev)\s+(\S+)\s+(\S+)\s+"
                        r"(?:rule\b.*?handle\s+(\d+).*?\(verdict\s+([^)]+)\)|policy\s+(\w+))")


def cli_has_ruleset():
    try:
        p = subprocess.run(ctharness.ctk_cmd() + ["--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=ctharness.RUN_ENV, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return b"--ruleset" in p.stdout


if __name__ != "__main__":
    pytestmark = pytest.mark.skipif(not cli_has_ruleset(),
                                    reason="conntrack has no --ruleset yet (issue 14's firewall path)")


# The router's routing table (tests/oracle/fwlab.py): each side's prefixes
# leave through that side's interface; the engine gets it with --route, since
# a capture holds no routes (oifname rules need it).
LAB_ROUTES = ("192.0.2.0/24=r-cli", "2001:db8:1::/64=r-cli",
              "198.51.100.0/24=r-srv", "2001:db8:2::/64=r-srv")


def run_ctk(args, check=True):
    p = subprocess.run(ctharness.ctk_cmd() + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ctharness.RUN_ENV, timeout=300)
    if check:
        assert p.returncode == 0, "conntrack %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode())
    return p.stdout.decode()


def read_raw_pcap(path):
    """[(time s, l3 bytes)] of a pcap (raw IP or Ethernet, us or ns)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    magic = struct.unpack(endian + "I", data[:4])[0]
    scale = 1e-9 if magic == 0xa1b23c4d else 1e-6
    link = struct.unpack(endian + "I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:
            pkt = pkt[14:]
        elif link == 276:            # Linux cooked v2
            pkt = pkt[20:]
        out.append((round(sec + frac * scale, 6), pkt))
    return out


def steps_of(steps):
    return [(s["table"], s["chain"], s["handle"], s["verdict"]) for s in steps]


def rule_key(r):
    return None if r is None else (r.get("family"), r.get("table"), r.get("chain"), r.get("handle"))


def parse_engine_trace(text):
    """`--trace N` output -> [(table, chain, handle, verdict)]: JSON lines
    with those keys, or lines shaped like `nft monitor trace`'s."""
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if "chain" in obj and "verdict" in obj:
                steps.append((obj.get("table"), obj.get("chain"), obj.get("handle", 0), obj.get("verdict")))
            continue
        m = TRACE_LINE.search(line)
        if m:
            fam, table, chain, handle, verdict, policy = m.groups()
            steps.append((table, chain, int(handle) if handle else 0, verdict.strip() if verdict else policy))
    return steps


class Replay:
    """One golden case through the engine."""

    def __init__(self, name, workdir):
        self.name = name
        self.header, self.packets, self.final = fworacle.read_golden(name)
        base = self.base = os.path.join(workdir, name)
        self.trace = fworacle.write_trace(self.packets, base)
        self.ruleset = base + ".ruleset.json"
        with open(self.ruleset, "w") as f:
            json.dump(self.header["ruleset_json"], f)
        self.out = base + ".out.pcap"
        self.args = ["--ruleset", self.ruleset]
        for addr in self.header["local_addresses"]:
            self.args += ["--local-address", addr]
        for addr in self.header["masquerade_addresses"]:
            self.args += ["--masquerade-address", addr]
        for route in LAB_ROUTES:
            self.args += ["--route", route]
        if not self.trace.endswith(".pcapng"):
            # A live session's plain pcap names no interface: its packets
            # all reached the router from the client side.
            self.args += ["--iifname", "r-cli"]
        self.verdicts = {}
        listing = run_ctk(["--pcap", self.trace] + self.args + ["--pcap-out", self.out, "--packets", "-o", "json"])
        for line in listing.splitlines():
            if line.startswith("{"):
                v = json.loads(line)
                self.verdicts[v["packet"]] = v
        self.left = self._left()
        self.got_table = [x for x in run_ctk(["--pcap", self.trace] + self.args + ["-L", "-o", "extended"])
                          .splitlines() if x.strip()]
        self.got_expect = self.expectations(self.trace)

    def _left(self):
        """{packet number: [l3 bytes]} of OUT.pcap, by time stamp."""
        by_time = {}
        for p in self.packets:
            by_time.setdefault(round(p["time"], 6), []).append(p["packet"])
        left = {}
        for t, l3 in read_raw_pcap(self.out) if os.path.exists(self.out) else []:
            numbers = by_time.get(t) or by_time.get(round(t, 5)) or []
            target = numbers[0] if numbers else None
            left.setdefault(target, []).append(l3)
        return left

    def expectations(self, trace):
        lines = []
        for extra in ([], ["-f", "ipv6"]):
            out = run_ctk(["--pcap", trace] + self.args + ["-L", "expect"] + extra)
            lines += sorted(x for x in out.splitlines() if x.strip())
        return lines

    # --- per packet ---------------------------------------------------------

    def packet_diffs(self, want):
        got = self.verdicts.get(want["packet"])
        if got is None:
            return [("verdict", None, want["verdict"])]
        diffs = [(k, got.get(k), want[k]) for k in ("verdict", "state", "direction") if got.get(k) != want[k]]
        diffs += self.reason_diffs(got, want)
        diffs += self.rule_diffs(got, want)
        diffs += self.left_diffs(want)
        if "expect_after" in want:
            diffs += self.expect_after_diffs(want)
        return diffs

    @staticmethod
    def reason_diffs(got, want):
        mine, theirs = got.get("reason"), want["reason"]
        if theirs is None:
            silent = mine is None or mine.startswith("(")
            return [] if silent else [("reason", mine, None)]
        if mine is None or kernel_cut(mine, want["log"]) != theirs:
            return [("reason", mine, theirs)]
        return []

    @staticmethod
    def rule_diffs(got, want):
        mine = rule_key(got.get("rule"))
        theirs = rule_key(want["rule"])
        if want["verdict"] == "accept" and theirs is not None:
            accepting = {rule_key(s) for s in want["trace"] if s["verdict"] == "accept"}
            return [] if mine in accepting else [("rule", mine, theirs)]
        return [] if mine == theirs else [("rule", mine, theirs)]

    @staticmethod
    def offloaded_only(mine, theirs):
        """Do two packets differ only in the transport checksum, the kernel's
        being a partial one (CHECKSUM_PARTIAL on the veth: the pseudo-header
        sum a NIC would complete, left when nf_nat_ftp rewrote the segment)
        and the engine's right?"""
        a, b = bytes.fromhex(mine), bytes.fromhex(theirs)
        if len(a) != len(b) or not a:
            return False
        v6 = a[0] >> 4 == 6
        l4 = 40 if v6 else (a[0] & 15) * 4
        proto = a[6] if v6 else a[9]
        at = l4 + {6: 16, 17: 6}.get(proto, -l4 - 1)
        if at < l4 or a[:at] + a[at + 2:] != b[:at] + b[at + 2:]:
            return False
        pseudo = (a[8:40] if v6 else a[12:20]) + bytes([0, proto]) + (len(a) - l4).to_bytes(2, "big")

        def fold(data):
            data += b"\0" * (len(data) & 1)
            n = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
            while n >> 16:
                n = (n & 0xffff) + (n >> 16)
            return n
        return fold(pseudo) == int.from_bytes(b[at:at + 2], "big") and fold(pseudo + a[l4:]) == 0xffff

    def left_diffs(self, want):
        if not want["left"] and want["delivered"]:
            return []
        mine = fworacle.left_comparable(self.left.get(want["packet"], []))
        theirs = fworacle.left_comparable([bytes.fromhex(x["l3"]) for x in want["left"]])
        if len(mine) == len(theirs) and all(x == y or self.offloaded_only(x, y)
                                            for x, y in zip(mine, theirs)):
            return []
        return [("left", mine, theirs)]

    def expect_after_diffs(self, want):
        written = fworacle.write_trace(self.packets[:want["packet"]], "%s.cut%d" % (self.base, want["packet"]))
        mine = [fworacle._no_timeout(x) for x in self.expectations(written)]
        os.unlink(written)
        theirs = [fworacle._no_timeout(x) for x in want["expect_after"]]
        return [] if mine == theirs else [("expect_after", mine, theirs)]

    # --- per case -------------------------------------------------------------

    def table_diffs(self):
        out = []
        if oracle.compare_tables(self.got_table, self.final["table"]):
            out.append(("table", "entries", self.got_table, self.final["table"]))
        mine = [fworacle._no_timeout(x) for x in self.got_expect]
        theirs = [fworacle._no_timeout(x) for x in self.final["expect"]]
        if mine != theirs:
            out.append(("expect", "list", mine, theirs))
        return out

    def trace_diffs(self):
        """--trace N for the first packet and the first dropped one."""
        picks = [self.packets[0]] if self.packets else []
        drops = [p for p in self.packets if p["verdict"] == "drop" and p["trace"]]
        if drops and drops[0] is not picks[0]:
            picks.append(drops[0])
        out = []
        for want in picks:
            text = run_ctk(["--pcap", self.trace] + self.args + ["--trace", str(want["packet"]), "-o", "json"],
                           check=False)
            mine = [s for s in parse_engine_trace(text)]
            theirs = [tuple(s) for s in steps_of(want["trace"])]
            if mine != theirs:
                out.append(("trace", want["packet"], mine, theirs))
        return out

    def diffs(self):
        """{(case, packet | "table" | "expect" | "trace", field): (engine, kernel)}"""
        found = {}
        for want in self.packets:
            for field, mine, theirs in self.packet_diffs(want):
                found[(self.name, want["packet"], field)] = (mine, theirs)
        for kind, field, mine, theirs in self.table_diffs() + self.trace_diffs():
            found[(self.name, kind, field)] = (mine, theirs)
        return found


def check(replay):
    found = replay.diffs()
    unexpected = {k: v for k, v in found.items() if k not in KNOWN_DIFFERENCES}
    stale = [k for k in KNOWN_DIFFERENCES if k[0] == replay.name and k not in found]
    return unexpected, stale


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="ctk-fw-oracle-") as d:
        yield d


@pytest.mark.parametrize("name", fworacle.golden_names())
def test_engine_agrees_with_kernel_firewall(name, workdir):
    unexpected, stale = check(Replay(name, workdir))
    lines = ["%s %s %s: engine %r, kernel %r" % (k + v) for k, v in sorted(unexpected.items(), key=str)]
    lines += ["known difference no longer occurs (remove it): %s %s %s" % k for k in stale]
    assert not lines, "\n".join(lines)


def test_known_differences_name_real_cases():
    assert {k[0] for k in KNOWN_DIFFERENCES} <= set(fworacle.golden_names())


def figures(names, verbose=False):
    """Agreement figures per case and overall; every difference with -v."""
    totals = dict.fromkeys(("packets", "verdict", "state", "reason", "rule", "left", "cases", "table", "expect",
                            "trace"), 0)
    unexpected_all = {}
    with tempfile.TemporaryDirectory(prefix="ctk-fw-oracle-") as d:
        for name in names:
            try:
                replay = Replay(name, d)
                found = replay.diffs()
            except (AssertionError, OSError, ValueError) as e:
                print("%-28s ERROR %s" % (name, str(e).splitlines()[0] if str(e) else e))
                unexpected_all[(name, "run", "error")] = (str(e), None)
                continue
            n = len(replay.packets)
            agree = {}
            for field, keys in (("verdict", {"verdict"}), ("state", {"state", "direction"}), ("reason", {"reason"}),
                                ("rule", {"rule"}), ("left", {"left"})):
                bad = {k[1] for k in found if k[1] != "table" and k[2] in keys}
                agree[field] = n - len(bad)
                totals[field] += agree[field]
            totals["packets"] += n
            totals["cases"] += 1
            table_ok = not any(k[1] == "table" for k in found)
            expect_ok = not any(k[1] == "expect" or k[2] == "expect_after" for k in found)
            trace_ok = not any(k[1] == "trace" for k in found)
            totals["table"] += table_ok
            totals["expect"] += expect_ok
            totals["trace"] += trace_ok
            print("%-28s packets %3d  verdict %3d  state %3d  reason %3d  rule %3d  left %3d  table %s  expect %s"
                  "  trace %s" % (name, n, agree["verdict"], agree["state"], agree["reason"], agree["rule"],
                                  agree["left"], "ok" if table_ok else "DIFF", "ok" if expect_ok else "DIFF",
                                  "ok" if trace_ok else "DIFF"))
            for k, v in sorted(found.items(), key=str):
                if k not in KNOWN_DIFFERENCES:
                    unexpected_all[k] = v
                if verbose:
                    print("    %s%s %s: engine %r, kernel %r" % ("" if k not in KNOWN_DIFFERENCES else "[known] ",
                                                                k[1], k[2], v[0], v[1]))
    p = totals["packets"] or 1
    print("cases %d, packets %d" % (totals["cases"], totals["packets"]))
    for field in ("verdict", "state", "reason", "rule", "left"):
        print("%-7s agrees: %d/%d (%.1f%%)" % (field, totals[field], totals["packets"], 100.0 * totals[field] / p))
    for field in ("table", "expect", "trace"):
        print("%-7s agrees: %d/%d cases" % (field, totals[field], totals["cases"]))
    print("unexpected differences: %d" % len(unexpected_all))
    return 1 if unexpected_all else 0


if __name__ == "__main__":
    argv = sys.argv[1:]
    if not cli_has_ruleset():
        print("conntrack (%s) has no --ruleset yet" % " ".join(ctharness.ctk_cmd()), file=sys.stderr)
        sys.exit(77)
    sys.exit(figures([a for a in argv if not a.startswith("-")] or fworacle.golden_names(), "-v" in argv))
