# SPDX-License-Identifier: LGPL-2.1-or-later
"""Small traffic generator for the integration tests and the demo.

  traffic.py serve                 servers in the server namespace (runs until killed)
  traffic.py client V4 V6 NATV4    one round of connections from the client namespace
  traffic.py hold V4 PORT          keep one TCP connection open (ESTABLISHED) until killed

TCP servers answer one line and close; UDP servers echo; the FTP port answers with a
227 line so that the ftp helper in the router creates an expectation.
"""
import os
import select
import socket
import struct
import sys
import time

TCP_PORTS = (80, 7000, 9000)
FTP_PORT = 21
UDP_PORTS = (5353, 7001)


def serve():
    socks = []
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for port in TCP_PORTS + (FTP_PORT,):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            s.listen(64)
            socks.append(("tcp", port, s))
        for port in UDP_PORTS:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            socks.append(("udp", port, s))
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([s for _, _, s in socks], [], [])
        for kind, port, s in socks:
            if s not in ready:
                continue
            if kind == "udp":
                data, peer = s.recvfrom(2048)
                s.sendto(b"echo " + data, peer)
                continue
            conn, _ = s.accept()
            conn.settimeout(2)
            try:
                if port == FTP_PORT:
                    conn.sendall(b"220 ctkit test ftp\r\n")
                    conn.recv(256)
                    conn.sendall(b"227 Entering Passive Mode (10,81,2,2,39,16).\r\n")
                    conn.recv(256)
                else:
                    conn.recv(256)
                    conn.sendall(b"hello from %d\n" % port)
            except OSError:
                pass
            if port in (FTP_PORT, 9000):
                # keep it open: the FTP expectation stays, port 9000 stays ESTABLISHED
                socks_keep.append(conn)
            else:
                conn.close()


socks_keep = []


def tcp_round(host, port, payload=b"hi\n"):
    with socket.create_connection((host, port), timeout=2) as s:
        s.sendall(payload)
        try:
            s.recv(256)
        except OSError:
            pass


def udp_round(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(b"ping", (host, port))
        try:
            s.recvfrom(256)
        except OSError:
            pass


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def ping(host, ident=0x4242):
    v6 = ":" in host
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        pkt = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + b"ctkit"  # kernel fills the checksum
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        body = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"ctkit"
        pkt = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
    s.settimeout(2)
    s.sendto(pkt, (host, 0))
    try:
        s.recvfrom(256)
    except OSError:
        pass
    s.close()


def ftp_round(host):
    with socket.create_connection((host, FTP_PORT), timeout=2) as s:
        s.recv(256)
        s.sendall(b"PASV\r\n")
        s.recv(256)
        s.sendall(b"QUIT\r\n")
        time.sleep(0.1)


def client(v4, v6, nat_v4):
    for port in TCP_PORTS:
        tcp_round(v4, port)
    tcp_round(v6, 80)
    tcp_round(nat_v4, 8080)         # DNAT in the router to the server's port 80
    for port in UDP_PORTS:
        udp_round(v4, port)
    udp_round(v6, 5353)
    ping(v4)
    ping(v6)
    ftp_round(v4)


def hold(v4, port):
    s = socket.create_connection((v4, port), timeout=2)
    s.sendall(b"hold\n")
    print("held", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "serve":
        serve()
    elif mode == "client":
        client(*sys.argv[2:5])
    elif mode == "hold":
        hold(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: traffic.py serve|client V4 V6 NATV4|hold V4 PORT")
    os._exit(0)
