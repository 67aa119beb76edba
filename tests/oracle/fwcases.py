# SPDX-License-Identifier: LGPL-2.1-or-later
"""The firewall oracle's corpus: a user ruleset (nft text, its own tables)
and a trace, crafted with scapy (cases.Tcp keeps sequence numbers) or, for
the rulesets written like people's, real sessions between the namespaces'
own stacks (`live`).  Addresses as in lab.py: clients 192.0.2.0/24 /
2001:db8:1::/64 behind r-cli (192.0.2.1 / ::1), servers 198.51.100.0/24 /
2001:db8:2::/64 behind r-srv (198.51.100.1 / ::1, the "WAN" address NAT
uses).
"""
import socket
import threading
import time

from cases import C4, C6, S4, S6, Case, Tcp, timed
from lab import in_netns
from scapy.all import (ICMP, IP, UDP, ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6,  # noqa: E402
                       IPv6ExtHdrFragment, Raw, fragment, fragment6)

R4C, R6C = "192.0.2.1", "2001:db8:1::1"          # router, client side
R4, R6 = "198.51.100.1", "2001:db8:2::1"          # router, server side (WAN)
C4B, C6B = "192.0.2.3", "2001:db8:1::3"           # a second client


class FwCase(Case):
    """ruleset: nft text; sysctl: {path under /proc/sys: value};
    masquerade: the addresses masquerade picks (r-srv's); live: a function
    running real traffic in the lab instead of a trace; expect_snapshots:
    record `conntrack -L expect` after every packet (helper cases)."""

    def __init__(self, name, doc, trace, ruleset, sysctl=None, masquerade=(), live=None,
                 expect_snapshots=False, wait=0.5):
        super().__init__(name, doc, trace or [], wait=wait)
        self.ruleset = ruleset
        self.sysctl = dict(sysctl or {})
        self.masquerade = list(masquerade)
        self.live = live
        self.expect_snapshots = expect_snapshots


def ip(v6):
    return IPv6 if v6 else IP


def addrs(v6):
    return (C6, S6, R6, C6B, R6C) if v6 else (C4, S4, R4, C4B, R4C)


def fam(v6):
    return "ip6" if v6 else "ip"


class NatTcp(Tcp):
    """Tcp whose server answers a NATed address/port and whose view of the
    client's sequence numbers is shifted by `shift` (nf_nat_ftp's
    adjustment after a rewritten command)."""

    def __init__(self, v6=False, shift_side="client", **kw):
        super().__init__(v6, **kw)
        self.shift = 0
        self.shift_side = shift_side

    def pkt(self, side, flags, data=b"", seq=None, ack=None, **kw):
        peer = "server" if side == "client" else "client"
        if ack is None and "A" in flags and peer == self.shift_side:
            ack = (self.nxt[peer] + self.shift) % (1 << 32)
        return super().pkt(side, flags, data, seq=seq, ack=ack, **kw)


def forward_policy(extra="", policy="drop"):
    return ("table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy %s;\n"
            "\t\tct state established,related accept\n%s\t}\n}\n" % (policy, extra))


def snat_rules(v6, to=None, match=""):
    to = to or addrs(v6)[2]
    return ("table inet nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
            "\t\toifname \"r-srv\" %ssnat %s to %s\n\t}\n}\n" % (match, fam(v6), to))


def dnat_rules(v6, match, to):
    return ("table inet nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
            "\t\tiifname \"r-srv\" %s dnat %s to %s\n\t}\n}\n" % (match, fam(v6), to))


# --- NAT ----------------------------------------------------------------------

def snat_tcp(v6):
    c, s, r, _, _ = addrs(v6)
    t = NatTcp(v6)
    t.addr["server"] = (s, r)
    return timed(t.handshake() + [t.c("PA", b"GET / HTTP/1.0\r\n\r\n"), t.s("PA", b"HTTP/1.0 200 OK\r\n\r\n")]
                 + t.close())


def snat_udp(v6):
    c, s, r, _, _ = addrs(v6)
    return timed([("client", ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"query"),
                   ("server", ip(v6)(src=s, dst=r) / UDP(sport=53, dport=5000) / b"answer"),
                   ("client", ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"query2")])


def _echo(v6, src, dst, ident, seq, reply=False):
    if v6:
        return IPv6(src=src, dst=dst) / (ICMPv6EchoReply if reply else ICMPv6EchoRequest)(id=ident, seq=seq)
    return IP(src=src, dst=dst) / ICMP(type=0 if reply else 8, id=ident, seq=seq)


def snat_icmp(v6):
    c, s, r, _, _ = addrs(v6)
    return timed([("client", _echo(v6, c, s, 77, 1)), ("server", _echo(v6, s, r, 77, 1, True)),
                  ("client", _echo(v6, c, s, 77, 2)), ("server", _echo(v6, s, r, 77, 2, True))])


def dnat_tcp(v6):
    c, s, r, _, _ = addrs(v6)
    t = NatTcp(v6, sport=80, dport=40000)
    t.addr = {"server": (s, r), "client": (c, s)}
    t.port = {"server": (40000, 8080), "client": (80, 40000)}
    return timed([t.s("S"), t.c("SA"), t.s("A"), t.s("PA", b"GET /\r\n"), t.c("PA", b"hello\r\n"),
                  t.s("FA"), t.c("FA"), t.s("A")])


def dnat_udp(v6):
    c, s, r, _, _ = addrs(v6)
    return timed([("server", ip(v6)(src=s, dst=r) / UDP(sport=6000, dport=5353) / b"q"),
                  ("client", ip(v6)(src=c, dst=s) / UDP(sport=5353, dport=6000) / b"a")])


def dnat_icmp(v6):
    c, s, r, _, _ = addrs(v6)
    return timed([("server", _echo(v6, s, r, 99, 1)), ("client", _echo(v6, c, s, 99, 1, True))])


def port_clash(v6):
    c, s, r, c2, _ = addrs(v6)
    return timed([("client", ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"one"),
                  ("client", ip(v6)(src=c2, dst=s) / UDP(sport=5001, dport=53) / b"two"),
                  ("server", ip(v6)(src=s, dst=r) / UDP(sport=53, dport=1000) / b"answer")])


def icmp_error_nat(v6):
    c, s, r, _, _ = addrs(v6)
    quoted = ip(v6)(src=r, dst=s, hlim=63) if v6 else IP(src=r, dst=s, ttl=63, id=0x1001)
    quoted = quoted / UDP(sport=5000, dport=53) / b"query"
    err = (IPv6(src=s, dst=r) / ICMPv6DestUnreach(code=4) / bytes(quoted) if v6
           else IP(src=s, dst=r) / ICMP(type=3, code=3) / bytes(quoted))
    return timed([("client", ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"query"), ("server", err)])


def fragments_snat(v6):
    """A UDP datagram in three fragments, SNATed: the first two are held,
    the third completes it; the reply comes back to the WAN address."""
    c, s, r, _, _ = addrs(v6)
    if v6:
        big = IPv6(src=c, dst=s) / IPv6ExtHdrFragment(id=4242) / UDP(sport=50010, dport=7) / Raw(b"f" * 1200)
        frags = fragment6(big, 500)
    else:
        frags = fragment(IP(src=c, dst=s, id=4242) / UDP(sport=50010, dport=7) / Raw(b"f" * 1200), 496)
    return timed([("client", f) for f in frags] + [("server", ip(v6)(src=s, dst=r) / UDP(sport=7, dport=50010)
                                                    / Raw(b"ok"))])


def bad_header(v6):
    """IPv4: a header checksum ip_rcv rejects (no hook sees it); then a
    good datagram of the same flow.  IPv6 has no header checksum: a
    payload length beyond the packet instead."""
    c, s, _, _, _ = addrs(v6)
    bad = ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"q"
    if v6:
        bad.plen = 200
    else:
        bad.chksum = 0x0bad
    return timed([("client", bad), ("client", ip(v6)(src=c, dst=s) / UDP(sport=5000, dport=53) / b"q")])


# --- notrack, zones, marks, filter drops ---------------------------------------------

def udp_pair(v6, sport, dport, server_to=None):
    c, s, _, _, _ = addrs(v6)
    return [("client", ip(v6)(src=c, dst=s) / UDP(sport=sport, dport=dport) / b"q"),
            ("server", ip(v6)(src=s, dst=server_to or c) / UDP(sport=dport, dport=sport) / b"a")]


def notrack(v6):
    return timed(udp_pair(v6, 5000, 9) + udp_pair(v6, 5001, 53))


def zones(v6):
    return timed(udp_pair(v6, 5000, 53) + udp_pair(v6, 5000, 54))


def marks(v6):
    c, s, _, _, _ = addrs(v6)
    return timed(udp_pair(v6, 5000, 53) + [("server", ip(v6)(src=s, dst=c) / UDP(sport=7000, dport=7001) / b"x")])


def filter_drops(v6):
    t = Tcp(v6, sport=40000, dport=22)
    blocked = [t.c("S")]
    bad = Tcp(v6, sport=40001, dport=80)
    invalid = [bad.c("SF")]
    ok = Tcp(v6, sport=40002, dport=80)
    return timed(blocked + invalid + ok.handshake() + [ok.c("PA", b"hi"), ok.s("A")] + [blocked[0]])


def input_policy(v6):
    c, s, r, _, rc = addrs(v6)
    t = Tcp(v6, sport=40000, dport=23)
    t.addr["client"] = (c, rc)
    return timed([("client", _echo(v6, c, rc, 5, 1)), ("client", _echo(v6, c, rc, 5, 2)),
                  ("client", ip(v6)(src=c, dst=rc) / UDP(sport=5000, dport=5353) / b"q"),
                  t.c("S")])


# --- helpers ---------------------------------------------------------------------

HELPERS = ("\tct helper ftp-standard {\n\t\ttype \"ftp\" protocol tcp\n\t\tl3proto inet\n\t}\n"
           "\tct helper tftp-standard {\n\t\ttype \"tftp\" protocol udp\n\t\tl3proto inet\n\t}\n"
           "\tchain helpers {\n\t\ttype filter hook prerouting priority filter; policy accept;\n"
           "\t\ttcp dport 21 ct helper set \"ftp-standard\"\n"
           "\t\tudp dport 69 ct helper set \"tftp-standard\"\n\t}\n")


def helper_ruleset(v6, nat):
    rules = ("table inet filter {\n" + HELPERS
             + "\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n"
             "\t\tct state established,related accept\n\t\ttcp dport 21 accept\n\t\tudp dport 69 accept\n\t}\n}\n")
    return rules + (snat_rules(v6) if nat else "")


def _ftp_addr(addr, port):
    return "%s,%d,%d" % (addr.replace(".", ","), port >> 8, port & 255)


def _full6(addr):
    import ipaddress
    return ipaddress.IPv6Address(addr).exploded


def ftp_passive(v6, nat=False):
    c, s, r, _, _ = addrs(v6)
    ctl = NatTcp(v6, sport=40000, dport=21)
    data = NatTcp(v6, sport=40001, dport=50000, cisn=5000, sisn=900000)
    if nat:
        ctl.addr["server"] = (s, r)
        data.addr["server"] = (s, r)
    if v6:
        cmd, reply = b"EPSV\r\n", b"229 Entering Extended Passive Mode (|||50000|)\r\n"
    else:
        cmd = b"PASV\r\n"
        reply = b"227 Entering Passive Mode (%s).\r\n" % _ftp_addr(s, 50000).encode()
    return timed(ctl.handshake() + [ctl.s("PA", b"220 ready\r\n"), ctl.c("A"), ctl.c("PA", cmd),
                                    ctl.s("PA", reply), ctl.c("A")]
                 + data.handshake() + [data.s("PA", b"file contents\r\n"), data.c("A")] + data.close()
                 + [ctl.s("PA", b"226 done\r\n"), ctl.c("A")])


def ftp_active(v6, nat=False):
    c, s, r, _, _ = addrs(v6)
    ctl = NatTcp(v6, sport=40000, dport=21)
    data = NatTcp(v6, sport=20, dport=40001, cisn=900000, sisn=5000)
    # the data connection comes from the server: its "client" side is the server ns
    data.addr = {"server": (s, r if nat else c), "client": (c, s)}
    data.port = {"server": (20, 40001), "client": (40001, 20)}
    if v6:
        cmd = b"EPRT |2|%s|40001|\r\n" % c.encode()
        seen = b"EPRT |2|%s|40001|\r\n" % (_full6(r) if nat else c).encode()
    else:
        cmd = b"PORT %s\r\n" % _ftp_addr(c, 40001).encode()
        seen = b"PORT %s\r\n" % _ftp_addr(r if nat else c, 40001).encode()
    if nat:
        ctl.addr["server"] = (s, r)
    # the helper parses a command only after a complete line in the same
    # direction (find_nl_seq): USER first, as every client does
    head = ctl.handshake() + [ctl.s("PA", b"220 ready\r\n"), ctl.c("PA", b"USER anonymous\r\n"),
                              ctl.s("PA", b"331 ok\r\n"), ctl.c("PA", cmd)]
    ctl.shift = len(seen) - len(cmd)
    return timed(head + [ctl.s("PA", b"200 ok\r\n"), ctl.c("A")]
                 + [data.s("S"), data.c("SA"), data.s("A"), data.s("PA", b"file contents\r\n"), data.c("A"),
                    data.s("FA"), data.c("FA"), data.s("A")]
                 + [ctl.s("PA", b"226 done\r\n"), ctl.c("PA", b"QUIT\r\n"), ctl.s("A")])


def tftp(v6, nat=False):
    c, s, r, _, _ = addrs(v6)
    to = r if nat else c
    return timed([("client", ip(v6)(src=c, dst=s) / UDP(sport=40000, dport=69) / Raw(b"\x00\x01file\x00octet\x00")),
                  ("server", ip(v6)(src=s, dst=to) / UDP(sport=50005, dport=40000) / Raw(b"\x00\x03\x00\x01data")),
                  ("client", ip(v6)(src=c, dst=s) / UDP(sport=40000, dport=50005) / Raw(b"\x00\x04\x00\x01"))])


# --- real rulesets, real traffic ----------------------------------------------------

HOME_ROUTER = """\
# a home router: LAN r-cli (192.0.2.0/24), WAN r-srv (198.51.100.1)
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state invalid drop
		ct state established,related accept
		iifname "lo" accept
		iifname "r-cli" accept
		icmp type echo-request accept
		icmpv6 type { echo-request, nd-neighbor-solicit, nd-neighbor-advert } accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state invalid drop
		ct state established,related accept
		iifname "r-cli" oifname "r-srv" accept
		ct status dnat accept
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "r-srv" tcp dport 8080 dnat to 192.0.2.2:8080
		iifname "r-srv" udp dport 5353 dnat to 192.0.2.2
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "r-srv" masquerade
	}
}
"""

SERVER = """\
# a server: only ssh and the web, established-only otherwise
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iif "lo" accept
		tcp dport { 22, 80, 443 } accept
		meta l4proto { icmp, ipv6-icmp } accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
"""


def _serve_tcp(sock, reply):
    try:
        conn, _ = sock.accept()
        with conn:
            conn.settimeout(2)
            data = conn.recv(4096)
            conn.sendall(reply + data.upper())
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):
                pass
    except OSError:
        pass


def _serve_udp(sock):
    try:
        sock.settimeout(2)
        data, peer = sock.recvfrom(4096)
        sock.sendto(data.upper(), peer)
    except OSError:
        pass


def _client(lab, ns, v6, proto, addr, port, timeout=2.0):
    """One exchange from namespace `ns`; True if answered."""
    with in_netns(ns):
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, proto)
    s.settimeout(timeout)
    try:
        if proto == socket.SOCK_STREAM:
            s.connect((addr, port))
            s.sendall(b"hello\n")
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
        else:
            s.sendto(b"hello\n", (addr, port))
            s.recv(4096)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _ping(lab, ns, v6, addr, count=2):
    """Echo requests from a raw socket in `ns` (no ping binary needed);
    the kernel answers them and fills in the ICMPv6 checksum."""
    from scapy.all import checksum
    with in_netns(ns):
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    s.settimeout(1)
    try:
        for seq in range(1, count + 1):
            head = bytes([128 if v6 else 8, 0, 0, 0]) + (0x4242).to_bytes(2, "big") + seq.to_bytes(2, "big")
            msg = head + b"ping"
            if not v6:
                msg = msg[:2] + checksum(msg).to_bytes(2, "big") + msg[4:]
            s.sendto(msg, (addr, 0))
            try:
                s.recv(4096)
            except OSError:
                pass
            time.sleep(0.05)
    finally:
        s.close()


def _with_servers(lab, services, body):
    """services: [(ns, v6, proto, port)]; serves one exchange each while body() runs."""
    socks, threads = [], []
    for ns, v6, proto, port in services:
        s = lab.listen(ns, v6, proto, port)
        socks.append(s)
        target = (lambda s=s: _serve_tcp(s, b"220 hi\n")) if proto == socket.SOCK_STREAM else \
            (lambda s=s: _serve_udp(s))
        threads.append(threading.Thread(target=target, daemon=True))
        threads[-1].start()
    try:
        body()
    finally:
        for s in socks:
            s.close()
        for th in threads:
            th.join(3)


def home_router_session(lab):
    """LAN host out to the internet (masqueraded), a port forward in, a
    blocked port on the router, ping out."""
    def body():
        _client(lab, lab.client, False, socket.SOCK_STREAM, S4, 8080)
        time.sleep(0.05)
        _client(lab, lab.server, False, socket.SOCK_STREAM, R4, 8080)
        time.sleep(0.05)
        _client(lab, lab.client, False, socket.SOCK_DGRAM, S4, 53)
        _client(lab, lab.server, False, socket.SOCK_DGRAM, R4, 5353)
        _client(lab, lab.server, False, socket.SOCK_STREAM, R4, 2222, timeout=0.5)
        _ping(lab, lab.client, False, S4)
    _with_servers(lab, [(lab.server, False, socket.SOCK_STREAM, 8080), (lab.client, False, socket.SOCK_STREAM, 8080),
                        (lab.server, False, socket.SOCK_DGRAM, 53), (lab.client, False, socket.SOCK_DGRAM, 5353)],
                  body)


def server_session(v6):
    def run(lab):
        target = R6C if v6 else R4C

        def body():
            _client(lab, lab.client, v6, socket.SOCK_STREAM, target, 22)
            time.sleep(0.05)
            _client(lab, lab.client, v6, socket.SOCK_STREAM, target, 80)
            _client(lab, lab.client, v6, socket.SOCK_STREAM, target, 8080, timeout=0.5)
            _client(lab, lab.client, v6, socket.SOCK_DGRAM, target, 53, timeout=0.3)
            _ping(lab, lab.client, v6, target)
        _with_servers(lab, [(lab.router, v6, socket.SOCK_STREAM, 22), (lab.router, v6, socket.SOCK_STREAM, 80),
                            (lab.router, v6, socket.SOCK_DGRAM, 53)], body)
    return run


# --- the corpus ------------------------------------------------------------------------

def _both(name, doc, build, ruleset, **kw):
    """The IPv4 case and its IPv6 counterpart; ruleset(v6) gives each its rules."""
    return [FwCase(name, doc, build(False), ruleset(False), **kw),
            FwCase(name + "_v6", doc + " (IPv6)", build(True), ruleset(True), **kw)]


def _fwd_accept(rule):
    return lambda v6: forward_policy("\t\t%s accept\n" % rule)


CASES = (
    _both("snat_tcp", "SNAT of a TCP connection to the WAN address, data both ways, FIN close", snat_tcp,
          lambda v6: snat_rules(v6) + forward_policy("\t\ttcp dport 80 accept\n"))
    + _both("snat_udp", "SNAT of a UDP flow", snat_udp, lambda v6: snat_rules(v6) + forward_policy(
        "\t\tudp dport 53 accept\n"))
    + _both("snat_icmp", "SNAT of pings", snat_icmp, lambda v6: snat_rules(v6) + forward_policy(
        "\t\t%s accept\n" % ("icmpv6 type echo-request" if v6 else "icmp type echo-request")))
    + _both("dnat_tcp", "port forward WAN:8080 -> client:80 (dnat with port), TCP", dnat_tcp,
            lambda v6: dnat_rules(v6, "tcp dport 8080", "[%s]:80" % C6 if v6 else "%s:80" % C4)
            + forward_policy("\t\tct status dnat accept\n"))
    + _both("dnat_udp", "port forward WAN:5353 -> client (dnat without port: port kept), UDP", dnat_udp,
            lambda v6: dnat_rules(v6, "udp dport 5353", C6 if v6 else C4) + forward_policy("\t\tct status dnat accept\n"))
    + _both("dnat_icmp", "pings to the WAN address forwarded to the client (dnat)", dnat_icmp,
            lambda v6: dnat_rules(v6, "icmpv6 type echo-request" if v6 else "icmp type echo-request", C6 if v6 else C4)
            + forward_policy("\t\tct status dnat accept\n"))
    + _both("port_clash", "two flows SNATed to a one-port range (WAN:1000): the second one clashes", port_clash,
            lambda v6: snat_rules(v6, "[%s]:1000" % R6 if v6 else "%s:1000" % R4, "meta l4proto udp ") + forward_policy(
                "\t\tudp dport 53 accept\n"))
    + _both("icmp_error_nat", "port unreachable about a SNATed UDP flow: RELATED, inner packet translated back",
            icmp_error_nat, lambda v6: snat_rules(v6) + forward_policy("\t\tudp dport 53 accept\n"))
    + _both("fragments_snat", "a UDP datagram in three fragments through SNAT: two held, the last one decides",
            fragments_snat, lambda v6: snat_rules(v6) + forward_policy("\t\tudp dport 7 accept\n"))
    + _both("bad_header", "a bad IPv4 header checksum / IPv6 payload length: discarded before any hook",
            bad_header, lambda v6: forward_policy("\t\tudp dport 53 accept\n"), wait=0.3)
    + _both("tftp_snat", "TFTP with the client SNATed: the data from a new server port comes to the WAN address",
            lambda v6: tftp(v6, True), lambda v6: helper_ruleset(v6, True), expect_snapshots=True)
    + _both("notrack", "UDP port 9 notracked both ways (raw prerouting), accepted as untracked; port 53 tracked",
            notrack, lambda v6: "table inet raw {\n\tchain prerouting {\n\t\ttype filter hook prerouting priority "
            "raw; policy accept;\n\t\tudp dport 9 notrack\n\t\tudp sport 9 notrack\n\t}\n}\n"
            + forward_policy("\t\tct state untracked accept\n\t\tudp dport 53 accept\n"))
    + _both("zones", "ct zone set 5 in raw prerouting for port 53 both ways; port 54 in zone 0", zones,
            lambda v6: "table inet raw {\n\tchain prerouting {\n\t\ttype filter hook prerouting priority raw; "
            "policy accept;\n\t\tiifname \"r-cli\" udp dport 53 ct zone set 5\n\t\tiifname \"r-srv\" udp sport 53 "
            "ct zone set 5\n\t}\n}\n" + forward_policy("\t\tudp dport { 53, 54 } accept\n"))
    + _both("marks", "meta mark set at prerouting, ct mark set meta mark on NEW, ct mark accepts; an unmarked "
            "flow from the server side is dropped", marks,
            lambda v6: "table inet mangle {\n\tchain prerouting {\n\t\ttype filter hook prerouting priority mangle; "
            "policy accept;\n\t\tiifname \"r-cli\" meta mark set 0x7\n\t}\n}\n"
            + forward_policy("\t\tct state new ct mark set meta mark\n\t\tct mark 0x7 accept\n"))
    + _both("filter_drops", "forward: NEW to port 22 dropped (no entry), INVALID SYN+FIN dropped, port 80 accepted",
            filter_drops, lambda v6: "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority "
            "filter; policy drop;\n\t\tct state invalid counter drop\n\t\tct state established,related accept\n"
            "\t\ttcp dport 22 counter drop\n\t\ttcp dport 80 accept\n\t}\n}\n")
    + _both("input_policy", "the router's input: established-only, pings accepted and answered, UDP and TCP to "
            "closed services dropped by the policy", input_policy,
            lambda v6: "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;"
            "\n\t\tct state established,related accept\n\t\tct state invalid drop\n\t\t%s accept\n\t}\n}\n"
            % ("icmpv6 type echo-request" if v6 else "icmp type echo-request"))
    + _both("ftp_passive", "FTP PASV (EPSV for IPv6), helper by ct helper set: data connection RELATED",
            ftp_passive, lambda v6: helper_ruleset(v6, False), expect_snapshots=True)
    + _both("ftp_passive_snat", "FTP PASV / EPSV with the client SNATed", lambda v6: ftp_passive(v6, True),
            lambda v6: helper_ruleset(v6, True), expect_snapshots=True)
    + _both("ftp_active", "FTP PORT (EPRT for IPv6): the server's data connection RELATED", ftp_active,
            lambda v6: helper_ruleset(v6, False), expect_snapshots=True)
    + _both("ftp_active_snat", "FTP PORT / EPRT with the client SNATed: command rewritten, sequence shifted",
            lambda v6: ftp_active(v6, True), lambda v6: helper_ruleset(v6, True), expect_snapshots=True)
    + _both("tftp", "TFTP read request and data from a new server port: RELATED", tftp,
            lambda v6: helper_ruleset(v6, False), expect_snapshots=True)
    + [FwCase("live_home_router", "a home router (masquerade, port forwards, policy drop), real traffic", None,
              HOME_ROUTER, masquerade=[R4], live=home_router_session),
       FwCase("live_server", "a server's established-only input policy, real traffic to the router", None,
              SERVER, live=server_session(False)),
       FwCase("live_server_v6", "a server's established-only input policy, real traffic over IPv6", None,
              SERVER, live=server_session(True))]
)

BY_NAME = {c.name: c for c in CASES}
