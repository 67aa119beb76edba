#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write a large synthetic capture for replay-speed measurements:

  make-big-pcap.py OUT.pcap [PACKETS]        (default 1000000)

Ethernet frames, benchmarking addresses (198.18.0.0/15). Flows of 10 packets:
a complete TCP session (handshake, data both ways, FIN, FIN, ACK) with valid
sequence numbers and checksums, so that the engine does real tracking work;
every fifth flow is UDP (5 request/reply pairs). 1000 flows are interleaved
at a time, so the table holds a few thousand entries (closed ones linger in
TIME_WAIT). Written directly with struct: no scapy, a million packets in
well under a minute.
"""
import struct
import sys

ETH = bytes.fromhex("020000000002" "020000000001" "0800")
CONCURRENT = 1000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total & 0xffff) + (total >> 16)
    total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def ipv4(src, dst, proto, l4):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def l4_csum(src, dst, proto, seg):
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    c = l4_csum(src, dst, 6, seg)
    return ipv4(src, dst, 6, seg[:16] + struct.pack("!H", c) + seg[18:])


def udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_csum(src, dst, 17, seg) or 0xffff
    return ipv4(src, dst, 17, seg[:6] + struct.pack("!H", c) + seg[8:])


def addrs(i):
    c = struct.pack("!BBH", 198, 18, i & 0xffff)
    s = struct.pack("!BBH", 198, 19, (i * 7) & 0xffff)
    return c, s, 1024 + (i * 13) % 60000, 80 if i % 2 else 443


def tcp_flow(i):
    c, s, cp, sp = addrs(i)
    a, b = 1000 + i, 900000 + i
    data = b"x" * 64
    return [
        tcp(c, s, cp, sp, a, 0, 0x02),
        tcp(s, c, sp, cp, b, a + 1, 0x12),
        tcp(c, s, cp, sp, a + 1, b + 1, 0x10),
        tcp(c, s, cp, sp, a + 1, b + 1, 0x18, data),
        tcp(s, c, sp, cp, b + 1, a + 65, 0x10),
        tcp(s, c, sp, cp, b + 1, a + 65, 0x18, data),
        tcp(c, s, cp, sp, a + 65, b + 65, 0x10),
        tcp(c, s, cp, sp, a + 65, b + 65, 0x11),
        tcp(s, c, sp, cp, b + 65, a + 66, 0x11),
        tcp(c, s, cp, sp, a + 66, b + 66, 0x10),
    ]


def udp_flow(i):
    c, s, cp, _ = addrs(i)
    out = []
    for k in range(5):
        out.append(udp(c, s, cp, 53, b"query %d" % k))
        out.append(udp(s, c, 53, cp, b"answer %d" % k))
    return out


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    total = int(argv[2]) if len(argv) == 3 else 1000000
    t_us = 1_700_000_000 * 1_000_000
    written = 0
    flow = 0
    with open(argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        while written < total:
            batch = [udp_flow(flow + j) if (flow + j) % 5 == 0 else tcp_flow(flow + j)
                     for j in range(CONCURRENT)]
            flow += CONCURRENT
            for k in range(10):
                for pkts in batch:
                    if written == total:
                        break
                    frame = ETH + pkts[k]
                    t_us += 10   # 100 kpps of trace time
                    f.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000,
                                        len(frame), len(frame)))
                    f.write(frame)
                    written += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
