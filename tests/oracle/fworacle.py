# SPDX-License-Identifier: LGPL-2.1-or-later
"""What Linux does with a packet trace when the router carries a user
ruleset, NAT and helpers (issue 14): the kernel oracle for the firewall path.

  record(case, lab) -> dict      per packet: ct state, direction, INVALID
      reason, verdict, the rule that decided, the whole nft trace, the
      packet(s) as they left; events; the final table and expectations
  write_golden(rec) / read_golden(name) -> (header, packets, final)
  write_trace(packets, path)     the trace for replay: pcap (one interface)
      or pcapng with interface names (both router interfaces)

Command line (root for recording):
  fworacle.py [--update] [--show] [CASE...]   record (default: all cases of
      fwcases.py); --update writes golden_fw/<case>.json, else compares
  fworacle.py --pcap DIR [CASE...]            (no root) DIR/<case>.pcap[ng]

Golden file = JSON lines: header, one object per packet, final object.  See
README.md ("The firewall oracle").
"""
import ipaddress
import json
import os
import platform
import re
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import oracle  # noqa: E402  (INVALID reasons: LOG_RE, table comparison)
from fwlab import LOCAL_ADDRESSES, RECORDER, FwLab  # noqa: E402

GOLDEN = os.path.join(HERE, "golden_fw")
SETTLE = 0.04            # after a packet's outcome: the router's answers, events
STATE_RE = re.compile(r"^(pre|out) (\w+)/(\w*)$")
TRACE_RE = re.compile(r"^trace id (\w+) (\S+) (\S+) (\S+) (.*)$")
RULE_RE = re.compile(r"^(?:unknown )?rule (.*?)(?:# )?handle (\d+) \(verdict ([^)]*)\)")
INTERFACES = ("r-cli", "r-srv")


# --- packets ----------------------------------------------------------------

def tag_of(l3):
    """(version, IPv4 id or IPv6 flow label) of a packet."""
    if len(l3) >= 8 and l3[0] >> 4 == 4:
        return 4, int.from_bytes(l3[4:6], "big")
    if len(l3) >= 8 and l3[0] >> 4 == 6:
        return 6, int.from_bytes(l3[1:4], "big") & 0xfffff
    return None, None


def addresses(l3):
    if l3[0] >> 4 == 4:
        return ipaddress.ip_address(l3[12:16]), ipaddress.ip_address(l3[16:20])
    return ipaddress.ip_address(l3[8:24]), ipaddress.ip_address(l3[24:40])


def is_fragment(l3):
    if l3[0] >> 4 == 4:
        return bool(l3[6] & 0x20) or bool(int.from_bytes(l3[6:8], "big") & 0x1fff)
    return l3[6] == 44


def background(src, dst):
    """The router's own IPv6 housekeeping (MLD reports, neighbour
    discovery): not part of any trace."""
    return dst.is_multicast or src.is_link_local or dst.is_link_local or src.is_unspecified


def complete_checksums(l3):
    """Locally generated and veth-forwarded TCP/UDP carry partial checksums
    (CHECKSUM_PARTIAL): complete them as a wire would carry them."""
    from scapy.all import IP, TCP, UDP, IPv6
    if is_fragment(l3):
        return l3
    pkt = IP(l3) if l3[0] >> 4 == 4 else IPv6(l3)
    for layer in (TCP, UDP):
        if layer in pkt:
            del pkt[layer].chksum
            return bytes(pkt)
    return l3


def comparable(l3):
    """A packet without what forwarding changes (TTL / hop limit, IPv4
    header checksum): how a forwarded packet is compared."""
    b = bytearray(l3)
    if b and b[0] >> 4 == 4:
        b[8] = 0
        b[10:12] = b"\0\0"
    elif b:
        b[7] = 0
    return bytes(b)


def reassembled(frames):
    """The packets that left, fragments of one datagram put back together:
    the kernel re-fragments what it reassembled (an IPv6 one with a fresh
    fragment id), the engine may not."""
    if len(frames) < 2 or not all(is_fragment(f) for f in frames):
        return list(frames)
    from scapy.all import IP, IPv6, defragment, defragment6
    if frames[0][0] >> 4 == 4:
        whole = defragment([IP(f) for f in frames])
        return [bytes(p) for p in whole]
    return [bytes(defragment6([IPv6(f) for f in frames]))]


def left_comparable(frames):
    """Bytes (hex) of the packets that left, as compared with the kernel's:
    reassembled, TTL / hop limit and IPv4 header checksum left out."""
    return [comparable(b).hex() for b in reassembled(frames)]


# --- the nft trace ------------------------------------------------------------

def chain_info(ruleset_json):
    """{(family, table, chain): (hook, type)} of the base chains."""
    info = {}
    for obj in json.loads(ruleset_json).get("nftables", []):
        c = obj.get("chain")
        if c and "hook" in c:
            info[(c["family"], c["table"], c["name"])] = (c["hook"], c.get("type"))
    return info


def _packet_fields(text):
    """From a trace `packet:` line: tag, addresses, ports, length, interfaces."""
    f = {}
    for key, rx in (("id", r"\bip id (\d+)"), ("flowlabel", r"\bip6 flowlabel (\d+)"),
                    ("saddr", r"\bip6? saddr (\S+)"), ("daddr", r"\bip6? daddr (\S+)"),
                    ("length", r"\bip6? length (\d+)"),
                    ("sport", r"\b(?:tcp|udp) sport (\d+)"), ("dport", r"\b(?:tcp|udp) dport (\d+)"),
                    ("icmp_id", r"\bicmpv?6? id (\d+)"), ("icmp_seq", r"\bicmpv?6? sequence (\d+)"),
                    ("iif", r'\biif "([^"]+)"'), ("oif", r'\boif "([^"]+)"')):
        m = re.search(rx, text)
        if m:
            f[key] = m.group(1)
    # nft 1.0.6 prints an ICMPv6 echo's id and sequence as one 32-bit word
    m = re.search(r"\bicmpv6 type echo-\w+ .*\bicmpv6 parameter-problem (\d+)", text)
    if m and "icmp_id" not in f:
        word = int(m.group(1))
        f["icmp_id"], f["icmp_seq"] = str(word >> 16), str(word & 0xffff)
    return f


LINE_KEYS = ("saddr", "daddr", "id", "flowlabel", "length", "sport", "dport", "icmp_id", "icmp_seq")


def line_key(fields):
    return tuple(fields.get(k) for k in LINE_KEYS)


def l3_key(l3):
    """The fields of a trace `packet:` line, computed from the packet."""
    from scapy.all import ICMP, IP, TCP, UDP, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6
    pkt = IP(l3) if l3[0] >> 4 == 4 else IPv6(l3)
    f = {"saddr": str(ipaddress.ip_address(pkt.src)), "daddr": str(ipaddress.ip_address(pkt.dst))}
    if IP in pkt:
        f.update(id=str(pkt.id), length=str(pkt.len))
    else:
        f.update(flowlabel=str(pkt.fl), length=str(pkt.plen))
    for layer in (TCP, UDP):
        if layer in pkt:
            f.update(sport=str(pkt[layer].sport), dport=str(pkt[layer].dport))
    for layer in (ICMPv6EchoRequest, ICMPv6EchoReply):
        if layer in pkt:
            f.update(icmp_id=str(pkt[layer].id), icmp_seq=str(pkt[layer].seq))
    if ICMP in pkt and pkt[ICMP].type in (0, 8):
        f.update(icmp_id=str(pkt[ICMP].id), icmp_seq=str(pkt[ICMP].seq))
    return line_key(f)


def parse_trace(lines, chains):
    """`nft -a monitor trace` lines -> [group], in the order the packets
    were traced; group = {"start": "trace_pre"|"trace_out", "fields": {...},
    "steps": [step]}; steps of the user's chains only: {family, table,
    chain, handle (0 for the policy), text, verdict, hook, type}."""
    groups, by_id = [], {}
    base = {}
    for line in lines:
        m = TRACE_RE.match(line)
        if not m:
            continue
        tid, family, table, chain, rest = m.groups()
        # the id is derived from the skb: a later packet may reuse it, so
        # a packet starts where it enters the recorder's first chain
        starts = table == RECORDER and chain in ("trace_pre", "trace_out") and rest.startswith("packet: ")
        g = by_id.get(tid)
        if g is None or starts:
            g = by_id[tid] = {"start": None, "fields": {}, "steps": []}
            groups.append(g)
        if rest.startswith("packet: "):
            if starts:
                g["start"] = chain
                g["fields"] = _packet_fields(rest)
            if (family, table, chain) in chains:
                base[tid] = chains[(family, table, chain)]
            continue
        if table == RECORDER:
            continue
        hook, kind = chains.get((family, table, chain)) or base.get(tid, (None, None))
        step = {"family": family, "table": table, "chain": chain, "hook": hook, "type": kind}
        r = RULE_RE.match(rest)
        if r:
            step.update(handle=int(r.group(2)), text=r.group(1).strip(), verdict=r.group(3))
        elif rest.startswith("policy "):
            step.update(handle=0, text="policy " + rest.split()[1], verdict=rest.split()[1])
        else:
            step.update(handle=0, text=rest.strip(), verdict=rest.split()[0] if rest.split() else "")
        g["steps"].append(step)
    return groups


def decision(steps):
    """The step that decided: the drop if there is one, else the last
    accept in a filter chain, else the last accept of any chain (NAT
    chains accept too), else None (no user chain saw the packet)."""
    for s in steps:
        if s["verdict"] == "drop":
            return s
    accepts = [s for s in steps if s["verdict"] == "accept"]
    filters = [s for s in accepts if s["type"] == "filter"]
    return (filters or accepts or [None])[-1]


# --- recording ----------------------------------------------------------------

def _row(n, t, side, iface, hook, l3):
    return {"packet": n, "time": t, "side": side, "iface": iface, "hook": hook,
            "state": None, "direction": None, "reason": None, "log": [],
            "verdict": None, "forwarded": False, "delivered": False,
            "l3": l3.hex(), "left": [], "post": None, "trace": [], "rule": None,
            "events": []}


class _Recording:
    """Rows under construction and the records attributed to them."""

    def __init__(self, lab, case):
        self.lab, self.case = lab, case
        self.rows = []
        self.by_tag = {}            # (version, tag) -> crafted row
        self.router_rows = []
        self.pending = []           # frames not attributed yet

    def add_router_packet(self, rec, t):
        l3 = bytes(rec["payload"])
        src, dst = addresses(l3)
        if background(src, dst):
            return None
        iface = self.lab.ifnames.get(rec["outdev"])
        row = _row(0, t, "router", iface, "output", complete_checksums(l3))
        row["_tag"] = tag_of(l3)
        self._state(row, rec["prefix"])
        self.rows.append(row)
        self.router_rows.append(row)
        return row

    @staticmethod
    def _state(row, prefix):
        m = STATE_RE.match(prefix)
        if m:
            row["state"] = m.group(2)
            row["direction"] = m.group(3) or None
            row["_seen"] = True

    def records(self, records, t, match):
        """Recorder records: state at pre/out, delivered (in), leaving (post)."""
        for rec in records:
            prefix = rec["prefix"]
            if prefix.startswith("out "):
                self.add_router_packet(rec, t)
                continue
            row = match(rec["payload"])
            if row is None:
                continue
            if prefix.startswith("pre "):
                self._state(row, prefix)
            elif prefix == "in":
                row["delivered"] = True
            elif prefix == "post" and row["post"] is None:
                row["post"] = complete_checksums(bytes(rec["payload"])).hex()

    def frames(self, frames):
        """Frames that came out of the router: to the router packet with
        that IPv4 id / IPv6 flow label, else to the crafted packet with
        that tag."""
        frames, self.pending = self.pending + list(frames), []
        for side, l3 in frames:
            key = tag_of(l3)
            src, dst = addresses(l3)
            if background(src, dst):
                continue
            row = next((r for r in self.router_rows if r["_tag"] == key and not r["left"]), None)
            if row is None:
                row = self.by_tag.get(key)
            if row is None:
                # the router's own packet whose log record is not read yet
                self.pending.append((side, l3))
                continue
            row["left"].append({"iface": "r-cli" if side == "client" else "r-srv", "l3": l3.hex()})
            if row["side"] != "router":
                row["forwarded"] = True

    def invalid_logs(self, records):
        for prefix, payload in records:
            row = self.by_tag.get(tag_of(payload))
            if row is None:
                continue
            row["log"].append(prefix.rstrip())
            m = oracle.LOG_RE.match(prefix)
            text = m.group(2) if m else prefix.rstrip()
            row["reason"] = text if row["reason"] is None else row["reason"] + "; " + text


def _finish(rec, groups):
    """Traces to rows, verdicts, numbering."""
    rows = rec.rows
    inputs = [g for g in groups if g["start"] == "trace_pre"]
    outputs = [g for g in groups if g["start"] == "trace_out"
               and not background(*(ipaddress.ip_address(g["fields"].get(k, "::")) for k in ("saddr", "daddr")))]
    if rec.by_tag:
        for g in inputs:
            f = g["fields"]
            key = (4, int(f["id"])) if "id" in f else (6, int(f.get("flowlabel", -1)))
            row = rec.by_tag.get(key)
            if row is not None and not row["trace"]:
                row["trace"] = g["steps"]
        for row, g in zip([r for r in rows if r["hook"] == "output"], outputs):
            row["trace"] = g["steps"]
    else:
        # real traffic: the first unused trace with the packet's fields,
        # both in the order the router processed them
        for hook, pool in (("prerouting", inputs), ("output", outputs)):
            for row in (r for r in rows if r["hook"] == hook):
                key = l3_key(bytes.fromhex(row["l3"]))
                g = next((g for g in pool if line_key(g["fields"]) == key), None)
                if g is not None:
                    pool.remove(g)
                    row["trace"] = g["steps"]
    last = None
    for n, row in enumerate(rows, 1):
        row["packet"] = n
        # distinct, increasing times: the router's answers carry their
        # trigger's time, and --pcap-out packets are matched by time stamp
        if row["time"] is not None:
            if last is not None and row["time"] <= last:
                row["time"] = round(last + 1e-6, 6)
            last = row["time"]
        row["rule"] = decision(row["trace"])
        dropped = row["rule"] is not None and row["rule"]["verdict"] == "drop"
        row["notes"] = []
        if row["side"] == "router":
            row["forwarded"] = bool(row["left"]) or row["post"] is not None
            row["verdict"] = "accept" if row["forwarded"] else "drop"
        elif row["forwarded"] or row["delivered"]:
            row["verdict"] = "accept"
        elif dropped or row.get("_seen"):
            row["verdict"] = "drop"
        else:
            # conntrack never saw it and no rule dropped it
            row["verdict"] = "held" if is_fragment(bytes.fromhex(row["l3"])) else "discard"
        if row["verdict"] == "drop" and not dropped:
            # the ruleset accepted it (or never saw it): NAT or conntrack
            # (e.g. a clash at confirm) dropped it
            row["rule"] = None
            row["notes"].append("dropped outside the ruleset")
        for key in ("_tag", "_seen"):
            row.pop(key, None)
    return rows


def _header(case, lab, as_json, as_text):
    return {"case": case.name, "doc": case.doc, "kernel": platform.release(),
            "ruleset": case.ruleset, "ruleset_json": json.loads(as_json), "ruleset_listed": as_text,
            "sysctl": dict(case.sysctl), "local_addresses": [a for dev in INTERFACES for a in LOCAL_ADDRESSES[dev]],
            "masquerade_addresses": list(case.masquerade), "interfaces": list(INTERFACES),
            "live": case.live is not None}


def record(case, lab):
    """Run `case` through the router (lab: a FwLab, live=case.live is not None)."""
    as_json, as_text = lab.load(case.ruleset, case.sysctl)
    try:
        if case.live is not None:
            rows, extra = _record_live(case, lab)
        else:
            rows, extra = _record_crafted(case, lab, chain_info(as_json))
        final = {"table": lab.table(), "entries": lab.entries(), "expect": lab.expectations()}
        final.update(extra)
        if case.live is not None:
            groups = parse_trace(lab.monitor.take(), chain_info(as_json))
            rows = _finish(_LiveRows(rows), groups)
        return {"header": _header(case, lab, as_json, as_text), "packets": rows, "final": final}
    finally:
        lab.reset()


class _LiveRows:
    def __init__(self, rows):
        self.rows, self.by_tag = rows, {}


def _collect(rec, lab, timeout, t):
    """Frames that came out, then the recorder's records: a frame's records
    were queued before it left the router, so its router packet (an "out"
    record) exists when the frame is attributed."""
    frames = lab.receive(timeout)
    rec.records(lab.recorder.read_records(), t, lambda p: rec.by_tag.get(tag_of(p)))
    rec.frames(frames)


def _record_crafted(case, lab, chains):
    rec = _Recording(lab, case)
    start = time.monotonic()
    for offset, side, l3, tag in case.tagged():
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        row = _row(0, round(time.monotonic() - start, 6), side, "r-cli" if side == "client" else "r-srv",
                   "prerouting", l3)
        rec.rows.append(row)
        rec.by_tag[tag_of(l3)] = row
        lab.send(side, l3)
        deadline = time.monotonic() + (min(case.wait, oracle.WAIT_HELD) if oracle._more_fragments(l3)
                                       else case.wait)
        while not (row["forwarded"] or row["delivered"]) and time.monotonic() < deadline:
            _collect(rec, lab, min(0.02, max(0.0, deadline - time.monotonic())), row["time"])
        time.sleep(SETTLE)
        _collect(rec, lab, 0, row["time"])
        rec.invalid_logs(lab.nflog.read())
        row["events"] = lab.events.read()
        if case.expect_snapshots:
            row["expect_after"] = lab.expectations()
    time.sleep(0.1)
    _collect(rec, lab, 0.01, None)
    rec.invalid_logs(lab.nflog.read())
    groups = parse_trace(lab.monitor.take(), chains)
    table_time = round(time.monotonic() - start, 3)
    rows = _finish(rec, groups)
    for row in rows:
        if row["time"] is None:
            row["time"] = table_time
    return rows, {"time": table_time, "late_events": lab.events.read()}


def _nat_key(l3):
    """What NAT leaves alone: IP version, IPv4 id, L4 protocol and the L4
    header without ports and checksum (TCP sequence numbers, flags), the
    payload.  Matches a packet at prerouting with itself at postrouting."""
    v = l3[0] >> 4
    if v == 4:
        hl = (l3[0] & 15) * 4
        proto, ident, l4 = l3[9], l3[4:6], l3[hl:]
    else:
        proto, ident, l4 = l3[6], b"", l3[40:]
    if proto == 6:
        l4 = l4[4:16] + l4[18:]
    elif proto == 17:
        l4 = l4[8:]
    elif proto in (1, 58):
        l4 = l4[:2] + l4[8:]
    return v, ident, proto, bytes(l4)


def _record_live(case, lab):
    """A real session between the namespaces' own stacks (case.live(lab));
    the trace is what reached the router's prerouting (as it arrived) and
    what its own stack sent (output, before NAT), in the order conntrack saw
    them, from the recorder's log records."""
    lab.capture()
    t0 = time.time()
    case.live(lab)
    time.sleep(0.2)
    records = lab.recorder.read_records()
    rows, post_wait = [], []
    last_t = 0.0
    for r in records:
        payload = bytes(r["payload"])
        if not payload:
            continue
        stamp = r["stamp"] if r["stamp"] else t0 + last_t
        t = max(last_t, round(stamp - t0, 6))
        if r["prefix"].startswith(("pre ", "out ")):
            src, dst = addresses(payload)
            if background(src, dst):
                continue
            last_t = t
            hook = "prerouting" if r["prefix"].startswith("pre ") else "output"
            dev = lab.ifnames.get(r["indev"] if hook == "prerouting" else r["outdev"])
            side = {"r-cli": "client", "r-srv": "server"}.get(dev) if hook == "prerouting" else "router"
            row = _row(0, t, side, dev, hook, complete_checksums(payload))
            _Recording._state(row, r["prefix"])
            row["_key"] = _nat_key(complete_checksums(payload))
            rows.append(row)
            post_wait.append(row)
        elif r["prefix"] in ("in", "post"):
            key = _nat_key(complete_checksums(payload))
            row = next((x for x in reversed(post_wait) if x["_key"] == key), None)
            if row is None:
                continue
            post_wait.remove(row)
            if r["prefix"] == "in":
                row["delivered"] = True
            else:
                row["post"] = complete_checksums(payload).hex()
                row["left"].append({"iface": lab.ifnames.get(r["outdev"]), "l3": row["post"]})
                row["forwarded"] = True
    for prefix, payload in lab.nflog.read():
        row = next((x for x in rows if x["_key"] == _nat_key(complete_checksums(bytes(payload)))), None)
        if row is not None:
            row["log"].append(prefix.rstrip())
            m = oracle.LOG_RE.match(prefix)
            row["reason"] = m.group(2) if m else prefix.rstrip()
    for row in rows:
        del row["_key"]
    lab.capture()
    start = rows[0]["time"] if rows else 0.0
    for row in rows:
        row["time"] = round(row["time"] - start, 6)
    return rows, {"time": round(time.time() - t0 - start, 3), "late_events": lab.events.read()}


# --- golden files ---------------------------------------------------------------

def golden_path(name):
    return os.path.join(GOLDEN, name + ".json")


def lines(rec):
    head = dict(rec["header"], packets=len(rec["packets"]))
    return [json.dumps(r) for r in [head] + rec["packets"] + [rec["final"]]]


def write_golden(rec):
    os.makedirs(GOLDEN, exist_ok=True)
    with open(golden_path(rec["header"]["case"]), "w") as f:
        f.write("\n".join(lines(rec)) + "\n")


def read_golden(name):
    """(header, packets, final) of golden_fw/<name>.json."""
    with open(golden_path(name)) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[0], rows[1:-1], rows[-1]


def golden_names():
    if not os.path.isdir(GOLDEN):
        return []
    return sorted(f[:-5] for f in os.listdir(GOLDEN) if f.endswith(".json"))


# --- pcap / pcapng ---------------------------------------------------------------

def _block(kind, body):
    body += b"\0" * ((4 - len(body) % 4) % 4)
    size = 12 + len(body)
    return struct.pack("=II", kind, size) + body + struct.pack("=I", size)


def _option(code, value):
    return struct.pack("=HH", code, len(value)) + value + b"\0" * ((4 - len(value) % 4) % 4)


def write_pcapng(packets, path, interfaces=INTERFACES):
    """pcapng: one IDB per router interface (LINKTYPE_RAW, if_name, time
    stamps in ns), each packet an EPB on the interface it came in on (or,
    for the router's own packets, went out of)."""
    with open(path, "wb") as f:
        f.write(_block(0x0a0d0d0a, struct.pack("=IHHq", 0x1a2b3c4d, 1, 0, -1)))
        for name in interfaces:
            opts = _option(2, name.encode()) + _option(9, bytes([9])) + _option(0, b"")
            f.write(_block(1, struct.pack("=HHI", 101, 0, 65535) + opts))
        for p in packets:
            data = bytes.fromhex(p["l3"])
            ns = int(round(p["time"] * 1e9))
            idx = interfaces.index(p["iface"]) if p["iface"] in interfaces else 0
            f.write(_block(6, struct.pack("=IIIII", idx, ns >> 32, ns & 0xffffffff, len(data), len(data)) + data))


def one_interface(packets):
    return len({p["iface"] for p in packets}) <= 1


def write_trace(packets, base):
    """base.pcap when every packet is on one interface, else base.pcapng;
    returns the path written."""
    if one_interface(packets):
        oracle.write_pcap(packets, base + ".pcap")
        return base + ".pcap"
    write_pcapng(packets, base + ".pcapng")
    return base + ".pcapng"


# --- comparison of a recording with its golden file ------------------------------

STABLE_KEYS = ("side", "iface", "hook", "state", "direction", "reason", "verdict", "forwarded", "delivered")


def _steps(steps):
    return [(s["table"], s["chain"], s["handle"], s["verdict"]) for s in steps or []]


def compare(rec, golden, live=False):
    """Differences between a fresh recording and the golden one."""
    header, packets, final = golden
    got = rec["packets"]
    if len(got) != len(packets):
        return ["%d packets recorded, %d in golden" % (len(got), len(packets))]
    if live:
        return _compare_live(got, packets, rec["final"], final)
    diffs = []
    for a, b in zip(got, packets):
        for key in STABLE_KEYS:
            if a[key] != b[key]:
                diffs.append("packet %d %s: %r, golden %r" % (a["packet"], key, a[key], b[key]))
        if _steps(a["trace"]) != _steps(b["trace"]):
            diffs.append("packet %d trace: %r, golden %r" % (a["packet"], _steps(a["trace"]), _steps(b["trace"])))
        # the router's own packets carry IPv4 ids of its choosing
        mine = [_no_id(x, a["side"]) for x in left_comparable([bytes.fromhex(y["l3"]) for y in a["left"]])]
        theirs = [_no_id(x, b["side"]) for x in left_comparable([bytes.fromhex(y["l3"]) for y in b["left"]])]
        mine.append(_no_id(a["l3"], a["side"]))
        theirs.append(_no_id(b["l3"], b["side"]))
        if mine != theirs:
            diffs.append("packet %d sent/left: %r, golden %r" % (a["packet"], a["left"], b["left"]))
        if a.get("expect_after") is not None and \
                [_no_timeout(x) for x in a["expect_after"]] != [_no_timeout(x) for x in b.get("expect_after", [])]:
            diffs.append("packet %d expect_after: %r, golden %r" % (a["packet"], a["expect_after"],
                                                                    b.get("expect_after")))
    diffs += oracle.compare_tables(rec["final"]["table"], final["table"])
    if [_no_timeout(x) for x in rec["final"]["expect"]] != [_no_timeout(x) for x in final["expect"]]:
        diffs.append("expect: %r, golden %r" % (rec["final"]["expect"], final["expect"]))
    return diffs


def _no_id(hexed, side):
    b = bytearray(bytes.fromhex(hexed))
    if side == "router" and b and b[0] >> 4 == 4:
        b[4:6] = b[10:12] = b"\0\0"
    return bytes(b)


def _live_summary(packets, final):
    """A real session's verdicts as a multiset (the stacks interleave their
    packets differently on every run) and its table without ports."""
    import collections
    # the stacks' acknowledgements vary (delayed or piggybacked): only the
    # packets that open a connection or are dropped are counted
    rows = collections.Counter((p["side"], p["hook"], p["state"], p["direction"], p["verdict"], p["reason"],
                                tuple(_steps(p["trace"]))) for p in packets
                               if p["state"] != "established" or p["verdict"] != "accept")
    table = sorted(re.sub(r"(sport|dport|id)=\d+", r"\1=*", oracle._table_key(x)[0]) for x in final["table"])
    return rows, table


def _compare_live(got, packets, got_final, final):
    a_rows, a_table = _live_summary(got, got_final)
    b_rows, b_table = _live_summary(packets, final)
    diffs = []
    if a_rows != b_rows:
        diffs.append("verdicts: extra %r, missing %r" % (dict(a_rows - b_rows), dict(b_rows - a_rows)))
    if a_table != b_table:
        diffs.append("table: %r, golden %r" % (a_table, b_table))
    return diffs


def _no_timeout(line):
    """An expectation line without its leading timeout."""
    tok = line.split()
    return " ".join(tok[1:]) if tok and tok[0].isdigit() else line


def summary(rec):
    head = rec["header"]
    out = ["%s: %s" % (head["case"], head["doc"])]
    for p in rec["packets"]:
        rule = p["rule"]
        where = "%s %s/%s#%d %s" % (rule["verdict"], rule["table"], rule["chain"], rule["handle"],
                                    rule["text"]) if rule else "-"
        left = " -> " + ",".join(x["iface"] or "?" for x in p["left"]) if p["left"] else ""
        left += " (delivered)" if p["delivered"] else ""
        out.append("  %2d %7.3f %-6s %-5s %-11s %-8s %-7s %s%s%s" % (
            p["packet"], p["time"], p["side"], p["iface"], p["state"], p["direction"] or "-", p["verdict"],
            where, left, (" [" + p["reason"] + "]") if p["reason"] else ""))
    out += ["  | " + line for line in rec["final"]["table"]]
    out += ["  e " + line for line in rec["final"]["expect"]]
    return "\n".join(out)


def main(argv):
    import fwcases
    from lab import remove_stale
    update, show = "--update" in argv, "--show" in argv
    repeat = 1
    if "--repeat" in argv:
        at = argv.index("--repeat")
        repeat = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    if "--pcap" in argv:
        at = argv.index("--pcap")
        out_dir = argv[at + 1]
        names = [a for a in argv[:at] + argv[at + 2:] if not a.startswith("--")] or golden_names()
        os.makedirs(out_dir, exist_ok=True)
        for name in names:
            print(write_trace(read_golden(name)[1], os.path.join(out_dir, name)))
        return 0
    names = [a for a in argv if not a.startswith("--")]
    unknown = set(names) - set(fwcases.BY_NAME)
    if unknown:
        print("unknown case(s): " + " ".join(sorted(unknown)), file=sys.stderr)
        return 2
    selected = [c for c in fwcases.CASES if not names or c.name in names]
    status = 0
    remove_stale()
    labs = {}
    try:
        for case in selected:
            live = case.live is not None
            if live not in labs:
                labs[live] = FwLab(live=live).create()
            for _ in range(repeat):
                rec = record(case, labs[live])
                if show:
                    print(summary(rec))
                if update:
                    write_golden(rec)
                    print("wrote " + golden_path(case.name))
                    break
                golden = read_golden(case.name) if os.path.exists(golden_path(case.name)) else None
                diffs = compare(rec, golden, live) if golden else ["no golden file"]
                print("%-32s %s" % (case.name, "ok" if not diffs else "DIFFERS"))
                for d in diffs:
                    print("    " + d)
                status |= bool(diffs)
    finally:
        for lab in labs.values():
            lab.destroy()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
