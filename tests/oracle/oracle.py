# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ask the kernel what its conntrack makes of a packet trace.

  record(case, lab=None) -> Result     per-packet verdicts + final table
  write_golden(result) / read_golden(name) / compare(recorded, golden)

Command line:
  oracle.py [--update] [--show] [CASE...]   (root) record cases (default: all);
      with --update write tests/oracle/golden/<case>.json, else compare with it.
  oracle.py --pcap DIR [NAME...]            (no root) write DIR/<name>.pcap from
      the golden files (default: all, live sessions included): the traces as
      raw-IP captures, times as recorded.

Golden file = JSON lines: a header object (case, doc, kernel, sysctl,
raw_rules, packets), one object per packet (packet, time, side, state,
direction, reason, log, forwarded, ttl, l3, events, table_after), and a last
object with the table (`conntrack -L -o extended`, sorted lines), the time it
was taken and the events that came after the last packet (late_events).
"""
import json
import os
import platform
import re
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lab import OracleLab, TTL_DECODE  # noqa: E402

GOLDEN = os.path.join(HERE, "golden")
WAIT_HELD = 0.3          # fragments with more to come: the router holds them
TIMEOUT_TOLERANCE = 3    # seconds, when comparing table timeouts
LOG_RE = re.compile(r"^nf_ct_proto_(\d+): (.*?)\s*$")


class Result:
    def __init__(self, case):
        self.case = case
        self.header = {"case": case.name, "doc": case.doc, "kernel": platform.release(),
                       "sysctl": dict(case.sysctl), "raw_rules": list(case.raw_rules)}
        self.packets = []
        self.table = []
        self.table_time = None
        self.late_events = []

    def as_dict(self):
        """The shape read_golden() gives: header, packets, table."""
        return {"header": dict(self.header, packets=len(self.packets)), "packets": self.packets,
                "table": self.table, "table_time": self.table_time, "late_events": self.late_events}

    def lines(self):
        head = dict(self.header, packets=len(self.packets))
        rows = [head] + self.packets + [{"table": self.table, "time": self.table_time,
                                         "late_events": self.late_events}]
        return [json.dumps(r, sort_keys=False) for r in rows]


def _tag_of(l3):
    """The per-packet id the harness put in: IPv4 id or IPv6 flow label."""
    if len(l3) < 8:
        return None, None
    if l3[0] >> 4 == 4:
        return int.from_bytes(l3[4:6], "big"), l3[8]
    if l3[0] >> 4 == 6:
        return int.from_bytes(l3[1:4], "big") & 0xfffff, l3[7]
    return None, None


def _more_fragments(l3):
    """A fragment that is not the last one (by its flag): nothing comes out."""
    if l3[0] >> 4 == 4:
        return bool(l3[6] & 0x20)
    return l3[6] == 44 and bool(l3[43] & 1)


def _latest(sent, tag):
    for row in reversed(sent):
        if row["_tag"] == tag:
            return row
    return None


def _attribute_frames(sent, frames):
    for side, l3 in frames:
        tag, ttl = _tag_of(l3)
        row = _latest(sent, tag)
        if row is None or row["forwarded"] or side == row["side"]:
            continue
        row["forwarded"] = True
        row["ttl"] = ttl
        state, direction = TTL_DECODE.get(ttl, ("unmarked", None))
        row["state"], row["direction"] = state, direction


def _attribute_logs(sent, records):
    for prefix, payload in records:
        tag, _ = _tag_of(payload)
        row = _latest(sent, tag)
        if row is None:
            continue
        row["log"].append(prefix.rstrip())
        m = LOG_RE.match(prefix)
        text = m.group(2) if m else prefix.rstrip()
        row["reason"] = text if row["reason"] is None else row["reason"] + "; " + text


def record(case, lab=None):
    """Run `case` through the router's conntrack; returns a Result."""
    own = lab is None
    if own:
        lab = OracleLab().create()
    try:
        return _record(case, lab)
    finally:
        if own:
            lab.destroy()
        else:
            lab.reset()


def _record(case, lab):
    res = Result(case)
    trace = case.tagged()
    lab.prepare(case.sysctl, case.raw_rules)
    start = time.monotonic()
    sent = []
    for n, (offset, side, l3, tag) in enumerate(trace, 1):
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        row = {"packet": n, "time": round(time.monotonic() - start, 6), "side": side,
               "state": None, "direction": None, "reason": None, "log": [],
               "forwarded": False, "ttl": None, "l3": l3.hex(), "_tag": tag}
        sent.append(row)
        lab.send(side, l3)
        deadline = time.monotonic() + (min(case.wait, WAIT_HELD) if _more_fragments(l3) else case.wait)
        while not row["forwarded"]:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _attribute_frames(sent, lab.receive(left))
        _attribute_logs(sent, lab.nflog.read())
        row["events"] = lab.events.read()
        if case.snapshots:
            row["table_after"] = lab.snapshot()
    time.sleep(0.02)
    _attribute_frames(sent, lab.receive(0.01))
    _attribute_logs(sent, lab.nflog.read())
    res.table_time = round(time.monotonic() - start, 3)
    res.table = lab.table()
    res.late_events = lab.events.read()
    for row in sent:
        del row["_tag"]
    res.packets = sent
    return res


# --- golden files ---------------------------------------------------------

def golden_path(name):
    return os.path.join(GOLDEN, name + ".json")


def write_golden(result):
    with open(golden_path(result.case.name), "w") as f:
        f.write("\n".join(result.lines()) + "\n")


def read_golden(name):
    """(header, packets, table) of a golden file."""
    with open(golden_path(name)) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[0], rows[1:-1], rows[-1]["table"]


def write_pcap(packets, path):
    """The trace as a pcap of raw IP packets (LINKTYPE_RAW), packet times
    relative to 0: what `conntrack --pcap` and the engine tests replay."""
    with open(path, "wb") as f:
        f.write(struct.pack("=IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 101))
        for p in packets:
            data = bytes.fromhex(p["l3"])
            sec, nsec = divmod(int(round(p["time"] * 1e9)), 10 ** 9)
            f.write(struct.pack("=IIII", sec, nsec, len(data), len(data)) + data)


def _table_key(line):
    """A table line without its timeout: (key, timeout)."""
    tok = line.split()
    if len(tok) > 4 and tok[4].isdigit():
        return " ".join(tok[:4] + tok[5:]), int(tok[4])
    return line, None


def compare_tables(got, want, tolerance=TIMEOUT_TOLERANCE):
    """Differences between two table dumps, timeouts within `tolerance` s."""
    diffs = []
    got_k = sorted(_table_key(x) for x in got)
    want_k = sorted(_table_key(x) for x in want)
    if [k for k, _ in got_k] != [k for k, _ in want_k]:
        return ["table differs:\n  got  %s\n  want %s" % ("\n       ".join(got), "\n       ".join(want))]
    for (key, a), (_, b) in zip(got_k, want_k):
        if a is not None and b is not None and abs(a - b) > tolerance:
            diffs.append("timeout %d vs %d: %s" % (a, b, key))
    return diffs


def compare_events(got, want, tolerance=TIMEOUT_TOLERANCE):
    """Differences between two lists of decoded events or entries, timeouts
    within `tolerance` s."""
    strip = lambda evs: [{k: v for k, v in e.items() if k != "timeout"} for e in evs]
    if strip(got) != strip(want):
        return ["differ:\n  got  %s\n  want %s" % (got, want)]
    return ["event timeout %s vs %s" % (a.get("timeout"), b.get("timeout"))
            for a, b in zip(got, want)
            if a.get("timeout") is not None and b.get("timeout") is not None
            and abs(a["timeout"] - b["timeout"]) > tolerance]


def compare(result, golden=None):
    """List of differences between a fresh Result and its golden file."""
    header, packets, table = golden or read_golden(result.case.name)
    diffs = []
    if len(packets) != len(result.packets):
        return ["%d packets recorded, %d in golden" % (len(result.packets), len(packets))]
    for got, want in zip(result.packets, packets):
        for key in ("state", "direction", "reason", "forwarded", "l3"):
            if got[key] != want[key]:
                diffs.append("packet %d %s: %r, golden %r" % (got["packet"], key, got[key], want[key]))
        if result.case.check_events and "events" in want:
            diffs += ["packet %d: %s" % (got["packet"], d) for d in compare_events(got["events"], want["events"])]
        if result.case.check_table and "table_after" in got and "table_after" in want:
            diffs += ["packet %d: %s" % (got["packet"], d)
                      for d in compare_events(got["table_after"], want["table_after"])]
    if result.case.check_table:
        diffs += compare_tables(result.table, table)
    return diffs


def summary(result):
    out = ["%s: %s" % (result.case.name, result.case.doc)]
    for p in result.packets:
        out.append("  %2d %7.3f %-6s %-11s %-8s %s%s" % (
            p["packet"], p["time"], p["side"], p["state"], p["direction"] or "-",
            "" if p["forwarded"] else "[not forwarded] ", p["reason"] or ""))
    out += ["  | " + line for line in result.table]
    return "\n".join(out)


def main(argv):
    import cases
    from lab import remove_stale
    update = "--update" in argv
    show = "--show" in argv
    pcap_dir = None
    if "--pcap" in argv:
        at = argv.index("--pcap")
        pcap_dir = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    names = [a for a in argv if not a.startswith("--")]
    if pcap_dir:
        # every golden file, the live sessions' too
        names = names or sorted(f[:-5] for f in os.listdir(GOLDEN) if f.endswith(".json"))
        missing = [n for n in names if not os.path.exists(golden_path(n))]
        if missing:
            print("no golden file for: " + " ".join(missing), file=sys.stderr)
            return 2
        os.makedirs(pcap_dir, exist_ok=True)
        for name in names:
            write_pcap(read_golden(name)[1], os.path.join(pcap_dir, name + ".pcap"))
        return 0
    selected = [c for c in cases.CASES if not names or c.name in names]
    unknown = set(names) - {c.name for c in cases.CASES}
    if unknown:
        print("unknown case(s): " + " ".join(sorted(unknown)), file=sys.stderr)
        return 2
    status = 0
    remove_stale()
    lab = OracleLab().create()
    try:
        for case in selected:
            result = record(case, lab)
            if show:
                print(summary(result))
            if update:
                write_golden(result)
                print("wrote " + golden_path(case.name))
                continue
            diffs = compare(result) if os.path.exists(golden_path(case.name)) else ["no golden file"]
            print("%-32s %s" % (case.name, "ok" if not diffs else "DIFFERS"))
            for d in diffs:
                print("    " + d)
            status |= bool(diffs)
    finally:
        lab.destroy()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
