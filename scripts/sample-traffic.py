#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real traffic for the bundled capture (scripts/make-sample-pcap.sh) and the
--pcap integration tests: run inside two network namespaces joined by a veth.

  sample-traffic.py nocsum IFNAME          turn off tx checksum offload (so that a
                                           capture holds real checksums, not partial ones)
  sample-traffic.py serve                  servers until killed (TCP 80/443, UDP 53)
  sample-traffic.py client V4 V6           one round: TCP, UDP, ICMP (v4 and v6)
  sample-traffic.py hold V4                one TCP connection to 443 left open until killed

Addresses are documentation ones (192.0.2.0/24, 2001:db8::/32); no root needed
beyond what the namespaces need.
"""
import ctypes
import fcntl
import os
import select
import socket
import struct
import sys
import time

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17


def nocsum(ifname):
    """ETHTOOL_STXCSUM 0: the kernel fills checksums before the packet reaches the wire."""
    val = ctypes.create_string_buffer(struct.pack("II", ETHTOOL_STXCSUM, 0), 8)
    ifr = struct.pack("16sP", ifname.encode(), ctypes.addressof(val)).ljust(40, b"\0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)


def listeners():
    socks = []
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for port in (80, 443):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            s.listen(16)
            socks.append(("tcp", port, s))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        u.bind((addr, 53))
        socks.append(("udp", 53, u))
    return socks


def serve():
    socks = listeners()
    held = []
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([s for _, _, s in socks], [], [])
        for kind, port, s in socks:
            if s not in ready:
                continue
            if kind == "udp":
                data, peer = s.recvfrom(2048)
                s.sendto(b"answer to " + data, peer)
                continue
            conn, _ = s.accept()
            conn.recv(1024)
            if port == 443:
                conn.sendall(b"hello, stay a while\n")
                held.append(conn)	# keep ESTABLISHED
                continue
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            conn.close()	# the server closes first: its side ends in TIME_WAIT


def tcp_exchange(fam, addr, port):
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.settimeout(3)
        s.connect((addr, port))
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        while s.recv(1024):
            pass


def tcp_refused(addr, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(3)
        try:
            s.connect((addr, port))
        except OSError:
            pass


def udp_exchange(fam, addr, port, wait_reply=True):
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        s.sendto(b"example.org A?", (addr, port))
        if wait_reply:
            s.recvfrom(2048)
        else:
            time.sleep(0.1)	# the ICMP port unreachable comes back


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def icmp_echo(addr, ident, seq):
    """One echo request over a raw socket (no ping binary needed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        s.settimeout(1)
        body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"ctkit sample"
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        s.sendto(body, (addr, 0))
        s.recvfrom(2048)


def icmp6_echo(addr, ident, seq):
    with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6) as s:
        s.settimeout(1)
        # The kernel computes ICMPv6 checksums of raw sockets itself.
        s.sendto(struct.pack("!BBHHH", 128, 0, 0, ident, seq) + b"ctkit sample", (addr, 0))
        s.recvfrom(2048)


def bad_checksum_syn(src, dst, sport, dport):
    """A SYN whose TCP checksum is wrong: conntrack calls it invalid."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02, 64240, 0xdead, 0)
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP) as s:
        s.sendto(tcp, (dst, 0))


def client(v4, v6):
    tcp_exchange(socket.AF_INET, v4, 80)
    tcp_exchange(socket.AF_INET6, v6, 80)
    tcp_refused(v4, 81)
    udp_exchange(socket.AF_INET, v4, 53)
    udp_exchange(socket.AF_INET6, v6, 53)
    udp_exchange(socket.AF_INET, v4, 5000, wait_reply=False)
    icmp_echo(v4, 0x4354, 1)
    icmp_echo(v4, 0x4354, 2)
    icmp6_echo(v6, 0x4354, 1)
    src = [a for a in os.popen("ip -4 -o addr show scope global").read().split() if "/" in a]
    if src:
        bad_checksum_syn(src[0].split("/")[0], v4, 40000, 80)
    time.sleep(0.1)


def hold(v4):
    s = socket.create_connection((v4, 443), timeout=3)
    s.sendall(b"hi\n")
    s.recv(1024)
    print("held", flush=True)
    while True:
        time.sleep(60)


def main(argv):
    if len(argv) >= 3 and argv[1] == "nocsum":
        nocsum(argv[2])
    elif len(argv) == 2 and argv[1] == "serve":
        serve()
    elif len(argv) == 4 and argv[1] == "client":
        client(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "hold":
        hold(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
