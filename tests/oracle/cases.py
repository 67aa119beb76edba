# SPDX-License-Identifier: LGPL-2.1-or-later
"""The oracle corpus: packet traces built with scapy, documentation addresses.

A case is a trace, a list of (time offset in s, side, scapy IPv4/IPv6 packet)
where side is "client" (injected on the client side, 192.0.2.0/24 and
2001:db8:1::/64) or "server" (198.51.100.0/24, 2001:db8:2::/64), plus the
router's conntrack knobs it needs (sysctl names under net.netfilter) and extra
rules for the raw prerouting chain (e.g. notrack).  The harness overwrites the
IPv4 id / IPv6 flow label of every packet with a per-packet tag (fragments of
one datagram share theirs).
"""
import logging
import socket
import struct

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (GRE, GRE_PPTP, ICMP, IP, TCP, UDP, ICMPv6DestUnreach, ICMPv6EchoReply,  # noqa: E402
                       ICMPv6PacketTooBig, checksum, in6_chksum,
                       ICMPv6EchoRequest, IPOption_RR, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, Raw, fragment, fragment6)
from scapy.layers.sctp import (SCTP, SCTPChunkCookieAck, SCTPChunkCookieEcho, SCTPChunkData,  # noqa: E402
                               SCTPChunkInit, SCTPChunkInitAck, SCTPChunkSACK, SCTPChunkShutdown,
                               SCTPChunkShutdownAck, SCTPChunkShutdownComplete)

C4, S4 = "192.0.2.2", "198.51.100.2"
C6, S6 = "2001:db8:1::2", "2001:db8:2::2"
HOP4 = "198.51.100.9"           # a router on the server side sending ICMP errors
HOP6 = "2001:db8:2::9"
TAG_BASE = 0x1000


class Case:
    def __init__(self, name, doc, trace, sysctl=None, raw_rules=(), wait=1.0, check_table=True,
                 snapshots=True, check_events=True):
        self.name, self.doc, self.trace = name, doc, trace
        self.check_events = check_events  # False where the garbage collector races the packets
        self.snapshots = snapshots      # the table after every packet, not only at the end
        self.sysctl = sysctl or {}
        self.raw_rules = list(raw_rules)
        self.wait = wait                # how long a packet may take through the router
        self.check_table = check_table

    def tagged(self):
        """[(offset, side, l3 bytes, tag)], each packet tagged in its IPv4 id /
        IPv6 flow label; fragments of one datagram share a tag."""
        out, frag_tags = [], {}
        tag = TAG_BASE
        for offset, side, pkt in self.trace:
            pkt = pkt.copy()
            tag += 1
            if pkt.version == 4:
                if pkt.flags.MF or pkt.frag:
                    key = (4, pkt.src, pkt.dst, pkt.proto, pkt.id)
                    frag_tags.setdefault(key, tag)
                    pkt.id = frag_tags[key]
                else:
                    pkt.id = tag
                this = pkt.id
            else:
                if IPv6ExtHdrFragment in pkt:
                    key = (6, pkt.src, pkt.dst, pkt[IPv6ExtHdrFragment].id)
                    frag_tags.setdefault(key, tag)
                    pkt.fl = frag_tags[key]
                else:
                    pkt.fl = tag
                this = pkt.fl
            out.append((offset, side, bytes(pkt), this))
        return out


def timed(items, gap=0.01, start=0.0):
    """(side, pkt) or (pause, side, pkt) items -> trace with `gap` s between packets."""
    trace, t = [], start
    for item in items:
        if len(item) == 3:
            t += item[0]
            item = item[1:]
        trace.append((round(t, 6), item[0], item[1]))
        t += gap
    return trace


class Tcp:
    """A TCP conversation that keeps the sequence numbers: c() sends from the
    client, s() from the server; seq/ack default to the next expected ones."""

    def __init__(self, v6=False, sport=40000, dport=80, cisn=1000, sisn=700000, cwin=64240, swin=65160):
        self.ip = (lambda **kw: IPv6(**kw)) if v6 else (lambda **kw: IP(**kw))
        self.addr = {"client": (C6, S6) if v6 else (C4, S4), "server": (S6, C6) if v6 else (S4, C4)}
        self.port = {"client": (sport, dport), "server": (dport, sport)}
        self.nxt = {"client": cisn, "server": sisn}
        self.win = {"client": cwin, "server": swin}

    def pkt(self, side, flags, data=b"", seq=None, ack=None, win=None, options=None, advance=True):
        peer = "server" if side == "client" else "client"
        src, dst = self.addr[side]
        sport, dport = self.port[side]
        if seq is None:
            seq = self.nxt[side]
        if ack is None:
            ack = self.nxt[peer] if "A" in flags else 0
        tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                  window=self.win[side] if win is None else win, options=options or [])
        if advance:
            end = seq + len(data) + ("S" in flags) + ("F" in flags)
            if end - self.nxt[side] > 0:
                self.nxt[side] = end % (1 << 32)
        pkt = self.ip(src=src, dst=dst) / tcp
        if data:
            pkt = pkt / Raw(data)
        return side, pkt

    def c(self, flags, data=b"", **kw):
        return self.pkt("client", flags, data, **kw)

    def s(self, flags, data=b"", **kw):
        return self.pkt("server", flags, data, **kw)

    def handshake(self, copts=None, sopts=None):
        return [self.c("S", options=copts), self.s("SA", options=sopts), self.c("A")]

    def close(self):
        return [self.c("FA"), self.s("FA"), self.c("A")]


# --- TCP ----------------------------------------------------------------

def tcp_handshake_data_fin(v6=False):
    t = Tcp(v6)
    return timed(t.handshake() + [t.c("PA", b"GET / HTTP/1.0\r\n\r\n"), t.s("A"),
                                  t.s("PA", b"HTTP/1.0 200 OK\r\n\r\nhello"), t.c("A")] + t.close())


def tcp_rst(v6=False):
    t = Tcp(v6)
    return timed(t.handshake() + [t.c("PA", b"hello"), t.s("RA")])


def tcp_syn_only(v6=False):
    t = Tcp(v6)
    return timed([t.c("S")])


def tcp_syn_retransmission(v6=False):
    t = Tcp(v6)
    syn = t.c("S")
    return timed([syn, (0.2,) + syn, (0.2,) + syn, t.s("SA"), t.c("A")])


def tcp_simultaneous_open(v6=False):
    t = Tcp(v6, sport=40001, dport=40002)
    return timed([t.c("S"), t.s("S", ack=0), t.c("SA", seq=1000), t.s("SA", seq=700000),
                  t.c("A"), t.s("A")])


def tcp_window_scaling(v6=False):
    t = Tcp(v6, cwin=502, swin=509)
    opts = [("MSS", 1460), ("WScale", 7)]
    big = b"x" * 1400
    # the windows in SYNs are never scaled: until the server's first scaled
    # window (509 << 7 = 65152) only ~509 bytes fit, after it several segments
    hs = t.handshake(copts=opts, sopts=opts)
    return timed(hs + [t.s("A"), t.c("PA", big), t.c("PA", big), t.c("PA", big), t.s("A"),
                       t.s("PA", big), t.s("PA", big), t.c("A")])


def tcp_window_before_scaled_update(v6=False):
    t = Tcp(v6, cwin=502, swin=509)
    opts = [("MSS", 1460), ("WScale", 7)]
    big = b"x" * 1400
    return timed(t.handshake(copts=opts, sopts=opts) + [t.c("PA", big), t.c("PA", big), t.s("A")])


def tcp_data_beyond_window(v6=False):
    t = Tcp(v6, swin=1000)
    hs = t.handshake()
    ok = t.c("PA", b"a" * 100)
    beyond = t.c("PA", b"b" * 100, seq=1001 + 5000, advance=False)
    return timed(hs + [ok, t.s("A"), beyond, t.s("A")])


def tcp_ack_unsent(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    return timed(hs + [t.c("PA", b"hi"), t.s("A"),
                       t.c("A", ack=700001 + 200000), t.s("PA", b"data")])


def tcp_bad_seq_rst(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    return timed(hs + [t.c("PA", b"hello"), t.s("A"),
                       t.s("R", seq=700001 + 3000000, advance=False), t.c("PA", b"still here")])


def tcp_out_of_order_retransmission(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    seg = [t.c("PA", b"%d" % i * 100) for i in range(1, 4)]
    return timed(hs + [seg[1], seg[0], seg[2], t.s("A"), seg[1], seg[0], t.s("A")])


def tcp_rst_in_syn_sent(v6=False):
    t = Tcp(v6)
    return timed([t.c("S"), t.s("RA", seq=0, ack=1001)])


def tcp_time_wait_reopen(v6=False):
    t = Tcp(v6)
    first = t.handshake() + [t.c("PA", b"x"), t.s("A")] + t.close()
    again = Tcp(v6, cisn=900000, sisn=123456)
    return timed(first + [(0.1,) + again.c("S"), again.s("SA"), again.c("A")])


def tcp_midstream_pickup(v6=False):
    t = Tcp(v6, cisn=555000, sisn=777000)
    return timed([t.c("PA", b"mid stream"), t.s("A"), t.s("PA", b"reply"), t.c("A"), t.c("PA", b"more")])


# --- UDP ----------------------------------------------------------------

def _udp(v6, side, sport=50000, dport=53, data=b"q"):
    src, dst = {("client", False): (C4, S4), ("server", False): (S4, C4),
                ("client", True): (C6, S6), ("server", True): (S6, C6)}[(side, v6)]
    if side == "server":
        sport, dport = dport, sport
    ip = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst)
    return side, ip / UDP(sport=sport, dport=dport) / Raw(data)


def udp_one_way(v6=False):
    return timed([_udp(v6, "client", data=b"%d" % i) for i in range(3)])


def udp_request_reply(v6=False):
    return timed([_udp(v6, "client"), _udp(v6, "server", data=b"answer")])


def udp_stream(v6=False):
    # a reply, then traffic more than 2 s after the first packet: ASSURED, stream timeout
    return timed([_udp(v6, "client"), _udp(v6, "server"), _udp(v6, "client"),
                  (2.2, "client", _udp(v6, "client")[1]), _udp(v6, "server")])


# --- ICMP ---------------------------------------------------------------

def icmp_echo(v6=False):
    if v6:
        req = IPv6(src=C6, dst=S6) / ICMPv6EchoRequest(id=77, seq=1, data=b"ping")
        rep = IPv6(src=S6, dst=C6) / ICMPv6EchoReply(id=77, seq=1, data=b"ping")
    else:
        req = IP(src=C4, dst=S4) / ICMP(type=8, id=77, seq=1) / Raw(b"ping")
        rep = IP(src=S4, dst=C4) / ICMP(type=0, id=77, seq=1) / Raw(b"ping")
    return timed([("client", req), ("server", rep), ("client", req), ("server", rep)])


def _icmp_error(v6, inner, src=None):
    """Destination unreachable from the server side quoting `inner` (as the client sent it)."""
    if v6:
        return "server", IPv6(src=src or S6, dst=C6) / ICMPv6DestUnreach(code=4) / bytes(inner)[:1232]
    return "server", IP(src=src or S4, dst=C4) / ICMP(type=3, code=3) / bytes(inner)[:28]


def icmp_error_udp(v6=False):
    side, probe = _udp(v6, "client", sport=50001, dport=33434)
    return timed([(side, probe), _icmp_error(v6, probe)])


def icmp_error_tcp(v6=False):
    t = Tcp(v6)
    syn = t.c("S")
    hop = HOP6 if v6 else HOP4
    return timed([syn, _icmp_error(v6, syn[1], src=hop)])


def icmp_error_no_flow(v6=False):
    _, probe = _udp(v6, "client", sport=50002, dport=33435)
    return timed([_icmp_error(v6, probe)])


# --- other protocols ----------------------------------------------------

def sctp_association(v6=False):
    ip_c = (lambda: IPv6(src=C6, dst=S6)) if v6 else (lambda: IP(src=C4, dst=S4))
    ip_s = (lambda: IPv6(src=S6, dst=C6)) if v6 else (lambda: IP(src=S4, dst=C4))
    ctag, stag = 0x11111111, 0x22222222

    def c(tag, chunk):
        return "client", ip_c() / SCTP(sport=5000, dport=5001, tag=tag) / chunk

    def s(tag, chunk):
        return "server", ip_s() / SCTP(sport=5001, dport=5000, tag=tag) / chunk

    return timed([
        c(0, SCTPChunkInit(init_tag=ctag, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=100)),
        s(ctag, SCTPChunkInitAck(init_tag=stag, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=900)),
        c(stag, SCTPChunkCookieEcho(cookie=b"cookie!!")),
        s(ctag, SCTPChunkCookieAck()),
        c(stag, SCTPChunkData(tsn=100, stream_id=0, stream_seq=0, data=b"hello")),
        s(ctag, SCTPChunkSACK(cumul_tsn_ack=100, a_rwnd=65535)),
        c(stag, SCTPChunkShutdown(cumul_tsn_ack=899)),
        s(ctag, SCTPChunkShutdownAck()),
        c(stag, SCTPChunkShutdownComplete()),
    ])


def gre(v6=False):
    inner = IP(src="10.0.0.1", dst="10.0.0.2") / ICMP()
    c = (IPv6(src=C6, dst=S6) if v6 else IP(src=C4, dst=S4)) / GRE(proto=0x0800) / inner
    s = (IPv6(src=S6, dst=C6) if v6 else IP(src=S4, dst=C4)) / GRE(proto=0x0800) / inner
    return timed([("client", c), ("server", s), ("client", c)])


def unknown_protocol(v6=False):
    c = (IPv6(src=C6, dst=S6, nh=253) if v6 else IP(src=C4, dst=S4, proto=253)) / Raw(b"experiment")
    s = (IPv6(src=S6, dst=C6, nh=253) if v6 else IP(src=S4, dst=C4, proto=253)) / Raw(b"experiment")
    return timed([("client", c), ("server", s), ("client", c)])


def untracked(v6=False):
    return timed([_udp(v6, "client", dport=9), _udp(v6, "server", dport=9)])


def bad_checksums(v6=False):
    t = Tcp(v6)
    side, syn = t.c("S", advance=False)
    syn[TCP].chksum = 0xdead
    _, udp = _udp(v6, "client", dport=54)
    udp[UDP].chksum = 0xbeef
    if v6:
        icmp = IPv6(src=C6, dst=S6) / ICMPv6EchoRequest(id=78, cksum=0x1234)
    else:
        icmp = IP(src=C4, dst=S4) / ICMP(type=8, id=78, chksum=0x1234)
    return timed([(side, syn), ("client", udp), ("client", icmp)])


def fragments(v6=False):
    if v6:
        big = IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(id=4242) / UDP(sport=50010, dport=7) / Raw(b"f" * 1200)
        frags = fragment6(big, 500)
        reply = IPv6(src=S6, dst=C6) / UDP(sport=7, dport=50010) / Raw(b"ok")
    else:
        big = IP(src=C4, dst=S4, id=4242) / UDP(sport=50010, dport=7) / Raw(b"f" * 1200)
        frags = fragment(big, 496)
        reply = IP(src=S4, dst=C4) / UDP(sport=7, dport=50010) / Raw(b"ok")
    return timed([("client", f) for f in frags] + [("server", reply)])


def tcp_bad_flags(v6=False):
    t = Tcp(v6)
    return timed([t.c("SF", advance=False), t.c("FPU", advance=False), t.c("", advance=False)])


def tcp_truncated_header(v6=False):
    side, pkt = Tcp(v6).c("S")
    head = bytes(pkt[TCP])[:12]                 # 12 of the 20 TCP header bytes
    if v6:
        short = IPv6(src=C6, dst=S6, nh=6) / Raw(head)
    else:
        short = IP(src=C4, dst=S4, proto=6) / Raw(head)
    return timed([(side, short)])


def tcp_syn_in_established(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    return timed(hs + [t.c("PA", b"data"), t.s("A"), t.c("S", seq=123456, advance=False),
                       t.s("SA", seq=999999, ack=123457, advance=False), t.c("PA", b"more")])


def tcp_invalid_rst(v6=False, ignore=False):
    t = Tcp(v6)
    hs = t.handshake()
    # an in-window RST whose seq is below what the client already acknowledged
    return timed(hs + [t.s("PA", b"x" * 100), t.c("A"), t.s("R", seq=700001 + 10, advance=False),
                       t.c("PA", b"alive")])


def tcp_retransmission_limit(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    data = t.c("PA", b"lost?")
    return timed(hs + [data, data, data, data, data, data])


def tcp_sack(v6=False):
    t = Tcp(v6)
    opts = [("MSS", 1460), ("SAckOK", b"")]
    hs = t.handshake(copts=opts, sopts=opts)
    seg = [t.s("PA", b"%d" % i * 500) for i in range(3)]
    sack = [("SAck", (700001 + 1000, 700001 + 1500))]
    return timed(hs + [seg[0], seg[2], t.c("A", ack=700001 + 500, options=sack), seg[1],
                       t.c("A")])


def tcp_syn_sent_timeout(v6=False):
    t = Tcp(v6)
    again = Tcp(v6, cisn=5000)
    return timed([t.c("S"), (1.6,) + t.s("SA"), again.c("S")])


def udp_truncated(v6=False):
    side, pkt = _udp(v6, "client", data=b"payload!")
    pkt[UDP].len = 200
    return timed([(side, pkt)])


def icmp_error_wrong_direction(v6=False):
    """An error from the client side quoting the client's own packet (as if
    the server had sent it): the inner tuple matches the reply direction."""
    side, probe = _udp(v6, "client", sport=50003, dport=33436)
    if v6:
        err = IPv6(src=HOP6.replace(":2::", ":1::"), dst=S6) / ICMPv6DestUnreach(code=4) / bytes(probe)
    else:
        err = IP(src="192.0.2.9", dst=S4) / ICMP(type=3, code=3) / bytes(probe)[:28]
    return timed([(side, probe), ("client", err)])


def icmp_unknown_type(v6=False):
    if v6:
        pkt = IPv6(src=C6, dst=S6) / ICMPv6EchoRequest(type=200)
    else:
        pkt = IP(src=C4, dst=S4) / ICMP(type=42, code=0) / Raw(b"what")
    return timed([("client", pkt), ("client", pkt)])


def sctp_bad_vtag(v6=False):
    trace = sctp_association(v6)[:4]
    ip_c = IPv6(src=C6, dst=S6) if v6 else IP(src=C4, dst=S4)
    bad = ip_c / SCTP(sport=5000, dport=5001, tag=0xdeadbeef) / SCTPChunkData(tsn=100, data=b"spoof")
    t = trace[-1][0] + 0.01
    return trace + [(round(t, 6), "client", bad)]


def ip_options_and_ext_headers(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    side, pkt = t.c("PA", b"opts")
    if v6:
        pkt = IPv6(src=C6, dst=S6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / pkt[TCP]
    else:
        pkt = IP(src=C4, dst=S4, options=[IPOption_RR(routers=["0.0.0.0"] * 2)]) / pkt[TCP]
    return timed(hs + [(side, pkt), t.s("A")])


def fragments_out_of_order(v6=False):
    if v6:
        big = IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(id=4343) / UDP(sport=50011, dport=7) / Raw(b"g" * 1200)
        frags = fragment6(big, 500)
    else:
        big = IP(src=C4, dst=S4, id=4343) / UDP(sport=50011, dport=7) / Raw(b"g" * 1200)
        frags = fragment(big, 496)
    return timed([("client", f) for f in reversed(frags)])


def fragment_incomplete(v6=False):
    if v6:
        big = IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(id=4444) / UDP(sport=50012, dport=7) / Raw(b"h" * 1200)
        frags = fragment6(big, 500)
    else:
        big = IP(src=C4, dst=S4, id=4444) / UDP(sport=50012, dport=7) / Raw(b"h" * 1200)
        frags = fragment(big, 496)
    return timed([("client", frags[0]), ("client", frags[-1])])


def tcp_synack_bad_ack(v6=False):
    t = Tcp(v6)
    return timed([t.c("S"), t.s("SA", ack=5555, advance=False), t.s("SA")])


def tcp_reopen_after_rst(v6=False):
    t = Tcp(v6)
    first = t.handshake() + [t.c("PA", b"x"), t.c("R", advance=False)]
    again = Tcp(v6, cisn=300000, sisn=400000)
    return timed(first + [again.c("S"), again.s("SA"), again.c("A")])


def tcp_half_close(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    return timed(hs + [t.c("FA"), t.s("A"), t.s("PA", b"still sending"), t.c("A"),
                       t.s("FA"), t.c("A")])


def tcp_fin_retransmission(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    fin = t.c("FA")
    return timed(hs + [fin, fin, t.s("FA"), t.c("A"), t.c("A", advance=False)])


def mixed_flows(v6=False):
    a = Tcp(v6, sport=41000)
    b = Tcp(v6, sport=42000, dport=443, cisn=1, sisn=2)
    return timed([a.c("S"), b.c("S"), _udp(v6, "client", sport=51000), a.s("SA"), b.s("SA"),
                  _udp(v6, "server", sport=51000), a.c("A"), b.c("A"), b.c("FA"), a.c("PA", b"a")])


def ip_bad_header_checksum(v6=False):
    _, pkt = _udp(v6, "client", dport=55)
    if not v6:
        pkt.chksum = 0x0bad
    # IPv6 has no header checksum: the v6 variant is a plain datagram
    return timed([("client", pkt)])


def icmp_error_for_echo(v6=False):
    if v6:
        req = IPv6(src=C6, dst=S6) / ICMPv6EchoRequest(id=79, seq=1, data=b"ping")
    else:
        req = IP(src=C4, dst=S4) / ICMP(type=8, id=79, seq=1) / Raw(b"ping")
    return timed([("client", req), _icmp_error(v6, req, src=HOP6 if v6 else HOP4)])


def icmp_too_big_tcp(v6=False):
    t = Tcp(v6)
    hs = t.handshake()
    side, big = t.c("PA", b"z" * 1400)
    hop = HOP6 if v6 else HOP4
    if v6:
        err = IPv6(src=hop, dst=C6) / ICMPv6PacketTooBig(mtu=1280) / bytes(big)[:1184]
    else:
        err = IP(src=hop, dst=C4) / ICMP(type=3, code=4, nexthopmtu=1200) / bytes(big)[:28]
    return timed(hs + [(side, big), ("server", err), t.s("A")])


def _udplite(v6, side, data, pseudo_proto=136):
    src, dst = {("client", False): (C4, S4), ("server", False): (S4, C4),
                ("client", True): (C6, S6), ("server", True): (S6, C6)}[(side, v6)]
    sport, dport = (50020, 5060) if side == "client" else (5060, 50020)
    head = struct.pack(">HHHH", sport, dport, 0, 0)      # coverage 0: all of it
    seg = head + data
    if v6:
        csum = in6_chksum(pseudo_proto, IPv6(src=src, dst=dst, nh=136), seg)
        ip = IPv6(src=src, dst=dst, nh=136)
    else:
        pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(">BBH", 0, pseudo_proto, len(seg))
        csum = checksum(pseudo + seg)
        ip = IP(src=src, dst=dst, proto=136)
    return side, ip / Raw(seg[:6] + struct.pack(">H", csum or 0xffff) + seg[8:])


def udplite(v6=False, pseudo_proto=136):
    return timed([_udplite(v6, "client", b"lite", pseudo_proto), _udplite(v6, "server", b"LITE", pseudo_proto),
                  _udplite(v6, "client", b"again", pseudo_proto)])


def udplite_udp_pseudo_header(v6=False):
    # nf_conntrack's udplite_error() verifies the checksum with IPPROTO_UDP in
    # the pseudo-header (RFC 3828 says 136): such packets are the ones it tracks
    return udplite(v6, pseudo_proto=17)


def udp_timeout_expiry(v6=False):
    # with nf_conntrack_udp_timeout=1 the entry is gone before the third datagram
    return timed([_udp(v6, "client"), _udp(v6, "client"), (1.6, "client", _udp(v6, "client")[1])])


def gre_pptp(v6=False):
    c = (IPv6(src=C6, dst=S6) if v6 else IP(src=C4, dst=S4)) / GRE_PPTP(call_id=0x1234, sequence_number=1,
                                                                          seqnum_present=1) / Raw(b"ppp")
    s = (IPv6(src=S6, dst=C6) if v6 else IP(src=S4, dst=C4)) / GRE_PPTP(call_id=0x4321, sequence_number=1,
                                                                          seqnum_present=1) / Raw(b"ppp")
    return timed([("client", c), ("server", s)])


def _both(name, doc, build, **kw):
    return [Case(name, doc, build(False), **kw), Case(name + "_v6", doc + " (IPv6)", build(True), **kw)]


CASES = (
    _both("tcp_handshake_data_fin", "TCP handshake, data both ways, FIN close", tcp_handshake_data_fin)
    + _both("tcp_rst", "TCP connection reset by the server", tcp_rst)
    + _both("tcp_syn_only", "a lone TCP SYN", tcp_syn_only)
    + _both("tcp_syn_retransmission", "SYN sent three times, then answered", tcp_syn_retransmission)
    + _both("tcp_simultaneous_open", "both sides send SYN", tcp_simultaneous_open)
    + _both("tcp_window_scaling", "window scale 7 both ways, segments beyond the unscaled window",
            tcp_window_scaling)
    + _both("tcp_window_before_scaled_update", "window scale 7, client data before the server's first scaled window",
            tcp_window_before_scaled_update)
    + _both("tcp_data_beyond_window", "client data far beyond the server's window", tcp_data_beyond_window)
    + _both("tcp_ack_unsent", "client acknowledges data the server never sent", tcp_ack_unsent)
    + _both("tcp_bad_seq_rst", "server RST with an out-of-window sequence number", tcp_bad_seq_rst)
    + _both("tcp_out_of_order_retransmission", "segments out of order, then retransmitted",
            tcp_out_of_order_retransmission)
    + _both("tcp_time_wait_reopen", "a new SYN on the same ports during TIME_WAIT", tcp_time_wait_reopen)
    + _both("tcp_midstream_pickup", "no handshake seen: loose pickup (tcp_loose=1)", tcp_midstream_pickup)
    + _both("tcp_midstream_no_loose", "no handshake seen, tcp_loose=0", tcp_midstream_pickup,
            sysctl={"nf_conntrack_tcp_loose": 0})
    + _both("tcp_beyond_window_liberal", "data beyond the window with tcp_be_liberal=1", tcp_data_beyond_window,
            sysctl={"nf_conntrack_tcp_be_liberal": 1})
    + _both("tcp_rst_in_syn_sent", "SYN answered by RST/ACK", tcp_rst_in_syn_sent)
    + _both("tcp_bad_flags", "SYN+FIN, FIN+PSH+URG without ACK, no flags at all", tcp_bad_flags)
    + _both("tcp_truncated_header", "a SYN cut after 12 bytes of TCP header", tcp_truncated_header)
    + _both("tcp_syn_in_established", "a new SYN (other ISN) on an established connection, answered",
            tcp_syn_in_established)
    + _both("tcp_invalid_rst", "RST in window but below the acknowledged sequence", tcp_invalid_rst)
    + _both("tcp_invalid_rst_ignored", "the same with tcp_ignore_invalid_rst=1", tcp_invalid_rst,
            sysctl={"nf_conntrack_tcp_ignore_invalid_rst": 1})
    + _both("tcp_retransmission_limit", "one segment sent six times: max_retrans timeout",
            tcp_retransmission_limit, sysctl={"nf_conntrack_tcp_timeout_max_retrans": 100})
    + _both("tcp_sack", "SACK permitted, a hole, a selective ack", tcp_sack)
    + _both("tcp_syn_sent_timeout", "SYN_SENT expires (timeout 1 s), late SYN/ACK, new SYN",
            tcp_syn_sent_timeout, sysctl={"nf_conntrack_tcp_timeout_syn_sent": 1}, check_events=False)
    + _both("tcp_synack_bad_ack", "SYN/ACK acknowledging the wrong sequence, then the right one",
            tcp_synack_bad_ack)
    + _both("tcp_reopen_after_rst", "client RST, then a new connection on the same ports",
            tcp_reopen_after_rst)
    + _both("tcp_half_close", "client FIN, server keeps sending, then closes", tcp_half_close)
    + _both("tcp_fin_retransmission", "FIN sent twice, last ACK twice", tcp_fin_retransmission)
    + _both("mixed_flows", "two TCP connections and a UDP flow interleaved", mixed_flows)
    + _both("udp_one_way", "three UDP datagrams, no answer", udp_one_way)
    + _both("udp_request_reply", "UDP request and reply", udp_request_reply)
    + _both("udp_stream", "UDP both ways, more than 2 s: stream", udp_stream)
    + _both("udp_timeout_expiry", "UDP entry expires (udp_timeout=1) and is created again", udp_timeout_expiry,
            sysctl={"nf_conntrack_udp_timeout": 1}, check_events=False)
    + _both("icmp_echo", "ping request/reply twice", icmp_echo)
    + _both("icmp_error_udp", "port unreachable for a UDP flow: RELATED", icmp_error_udp)
    + _both("icmp_error_tcp", "host unreachable from a hop for a TCP SYN: RELATED", icmp_error_tcp)
    + _both("icmp_error_no_flow", "ICMP error quoting a packet never seen", icmp_error_no_flow)
    + _both("icmp_error_wrong_direction", "an ICMP error quoting the flow from the wrong side",
            icmp_error_wrong_direction)
    + _both("icmp_unknown_type", "ICMP type without a tracker rule", icmp_unknown_type)
    + _both("udp_truncated", "UDP length field larger than the datagram", udp_truncated)
    + _both("sctp_bad_vtag", "SCTP DATA with a wrong verification tag", sctp_bad_vtag)
    + _both("ip_options_and_ext_headers", "IPv4 options / IPv6 hop-by-hop and destination options",
            ip_options_and_ext_headers)
    + _both("icmp_error_for_echo", "an ICMP error quoting a ping request: RELATED to the ping", icmp_error_for_echo)
    + _both("icmp_too_big_tcp", "fragmentation needed / packet too big for a TCP segment", icmp_too_big_tcp)
    + _both("ip_bad_header_checksum", "IPv4 header checksum wrong (IPv6: a plain datagram)",
            ip_bad_header_checksum, wait=0.3)
    + _both("udplite", "UDP-Lite both ways, RFC 3828 checksums", udplite)
    + _both("udplite_udp_pseudo_header", "UDP-Lite both ways, checksums over a UDP pseudo-header",
            udplite_udp_pseudo_header)
    + _both("sctp_association", "SCTP INIT .. DATA .. SHUTDOWN COMPLETE", sctp_association)
    + _both("gre", "GRE (version 0) both ways", gre)
    + _both("gre_pptp", "enhanced GRE (version 1, PPTP call ids) both ways", gre_pptp)
    + _both("unknown_protocol", "IP protocol 253: the generic tracker", unknown_protocol)
    + _both("untracked", "UDP to port 9 under a notrack rule", untracked,
            raw_rules=["udp dport 9 notrack", "udp sport 9 notrack"])
    + _both("bad_checksums", "TCP, UDP and ICMP with wrong checksums", bad_checksums)
    + _both("bad_checksums_unchecked", "the same with nf_conntrack_checksum=0", bad_checksums,
            sysctl={"nf_conntrack_checksum": 0})
    + _both("fragments", "a UDP datagram in three fragments, then a reply", fragments)
    + _both("fragments_out_of_order", "fragments sent last first", fragments_out_of_order)
    + _both("fragment_incomplete", "first and last fragment only: never reassembled", fragment_incomplete)
)

BY_NAME = {c.name: c for c in CASES}
