# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real sessions through the oracle router.

The client and server namespaces get addresses and their own TCP/IP stacks
talk through the router (OracleLab(live=True)).  Every frame a host sends
towards the other side is the trace; the router's verdicts are read back from
the forwarded copies' TTL / hop limit as in oracle.py, matched by content
(the packet with TTL and IPv4 header checksum left out), the INVALID reasons
from NFLOG likewise.  Packets are numbered in the order the router forwarded
them (kernel time stamps of the forwarded copies), which is the order its
conntrack saw them in.  Events are not attributed to packets here (the hosts
send at their own pace): they are all in late_events.  No table snapshots.

Outgoing TCP/UDP checksums are left to the device (veth, CHECKSUM_PARTIAL):
the router does not check those, and the trace stores the packets with their
checksums completed, as a wire would carry them.

  live.py [--update] [--show] [SESSION...]   (root) record; --update writes
      golden/live_<session>.json, else checks the verdicts look sane.
"""
import os
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import oracle  # noqa: E402
from cases import S4, S6, Case  # noqa: E402
from lab import TTL_DECODE, OracleLab, in_netns  # noqa: E402

PORT = 8080
MESSAGES = (b"hello\n", b"a second line\n", b"bye\n")


def _serve(sock, kind):
    try:
        if kind == socket.SOCK_STREAM:
            conn, _ = sock.accept()
            with conn:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    conn.sendall(data.upper())
        else:
            for _ in MESSAGES:
                data, peer = sock.recvfrom(4096)
                sock.sendto(data.upper(), peer)
    except OSError:
        pass


def session(lab, v6, kind):
    """One TCP connection (three request/answer rounds, FIN both ways) or
    three UDP request/answer rounds, client -> server port 8080."""
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    server_addr = (S6 if v6 else S4, PORT)
    with in_netns(lab.server):
        srv = socket.socket(fam, kind)
    with in_netns(lab.client):
        cli = socket.socket(fam, kind)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("::" if v6 else "0.0.0.0", PORT))
    if kind == socket.SOCK_STREAM:
        srv.listen(1)
    worker = threading.Thread(target=_serve, args=(srv, kind), daemon=True)
    worker.start()
    cli.settimeout(2)
    try:
        if kind == socket.SOCK_STREAM:
            cli.connect(server_addr)
            for msg in MESSAGES:
                cli.sendall(msg)
                cli.recv(4096)
                time.sleep(0.02)
            cli.shutdown(socket.SHUT_WR)
            while cli.recv(4096):
                pass
        else:
            for msg in MESSAGES:
                cli.sendto(msg, server_addr)
                cli.recv(4096)
                time.sleep(0.02)
    finally:
        worker.join(3)
        cli.close()
        srv.close()


SESSIONS = {
    "live_tcp": ("a real TCP session (Linux stacks): 3 exchanges, FIN both ways", False, socket.SOCK_STREAM),
    "live_tcp_v6": ("a real TCP session over IPv6", True, socket.SOCK_STREAM),
    "live_udp": ("real UDP request/answer x3", False, socket.SOCK_DGRAM),
    "live_udp_v6": ("real UDP request/answer x3 over IPv6", True, socket.SOCK_DGRAM),
}


def _far_side(side, l3):
    """True if the packet goes to the other side's network (not to the router)."""
    if l3[0] >> 4 == 4:
        dst = l3[16:20]
        return dst[:3] == (bytes([198, 51, 100]) if side == "client" else bytes([192, 0, 2]))
    dst = socket.inet_ntop(socket.AF_INET6, l3[24:40])
    return dst.startswith("2001:db8:2::" if side == "client" else "2001:db8:1::")


def _key(l3):
    """A packet without the fields forwarding changes."""
    b = bytearray(l3)
    if b[0] >> 4 == 4:
        b[8] = 0
        b[10:12] = b"\0\0"
    else:
        b[7] = 0
    return bytes(b)


def _complete_checksums(l3):
    from scapy.all import IP, TCP, UDP, IPv6
    pkt = IP(l3) if l3[0] >> 4 == 4 else IPv6(l3)
    for layer in (TCP, UDP):
        if layer in pkt:
            del pkt[layer].chksum
            return bytes(pkt)
    return l3


def record_live(name, lab):
    doc, v6, kind = SESSIONS[name]
    result = oracle.Result(Case(name, doc, []))
    result.header["live"] = True
    lab.prepare()
    session(lab, v6, kind)
    time.sleep(0.1)
    frames = lab.capture()
    sent = [f for f in frames if f[2] and _far_side(f[1], f[3])]
    forwarded = [f for f in frames if not f[2]]
    rows = []
    for stamp, side, _, l3 in sent:
        row = {"packet": 0, "time": stamp, "side": side, "state": None,
               "direction": None, "reason": None, "log": [], "forwarded": False, "ttl": None,
               "l3": _complete_checksums(l3).hex(), "events": [], "_key": _key(l3)}
        for i, (out_stamp, out_side, _, out) in enumerate(forwarded):
            if out_side != side and _key(out) == row["_key"]:
                row["forwarded"], row["ttl"] = True, out[8] if out[0] >> 4 == 4 else out[7]
                row["state"], row["direction"] = TTL_DECODE.get(row["ttl"], ("unmarked", None))
                # the forwarded copy is stamped when the router sent it on:
                # that order is the order conntrack saw the packets in
                row["time"] = out_stamp
                del forwarded[i]
                break
        rows.append(row)
    rows.sort(key=lambda r: r["time"])
    start = rows[0]["time"] if rows else 0.0
    for n, row in enumerate(rows, 1):
        row["packet"], row["time"] = n, round(row["time"] - start, 6)
    for prefix, payload in lab.nflog.read():
        for row in rows:
            if row["_key"] == _key(payload):
                row["log"].append(prefix.rstrip())
                m = oracle.LOG_RE.match(prefix)
                text = m.group(2) if m else prefix.rstrip()
                row["reason"] = text if row["reason"] is None else row["reason"] + "; " + text
                break
    for row in rows:
        del row["_key"]
    result.packets = rows
    result.table_time = round(time.time() - start, 3)     # packet stamps are CLOCK_REALTIME
    result.table = lab.table()
    result.late_events = lab.events.read()
    lab.reset()
    return result


def sane(result):
    """Problems with a recorded session: every packet forwarded, the first
    one new, the others established, nothing invalid, one entry left."""
    problems = []
    packets = result.packets
    if len(packets) < 4:
        problems.append("only %d packets" % len(packets))
    for p in packets:
        want = ("new", "original") if p["packet"] == 1 else ("established", None)
        got = (p["state"], p["direction"] if p["packet"] == 1 else None)
        if not p["forwarded"] or got != want or p["reason"]:
            problems.append("packet %d: %s %s %s" % (p["packet"], p["state"], p["direction"], p["reason"]))
    if len(result.table) != 1:
        problems.append("table: %r" % result.table)
    return problems


def main(argv):
    update = "--update" in argv
    show = "--show" in argv
    names = [a for a in argv if not a.startswith("--")] or list(SESSIONS)
    status = 0
    lab = OracleLab(live=True).create()
    try:
        for name in names:
            result = record_live(name, lab)
            if show:
                print(oracle.summary(result))
            problems = sane(result)
            print("%-16s %s" % (name, "ok" if not problems else "STRANGE"))
            for p in problems:
                print("    " + p)
            status |= bool(problems)
            if update and not problems:
                oracle.write_golden(result)
    finally:
        lab.destroy()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
