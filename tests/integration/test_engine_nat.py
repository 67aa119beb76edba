# SPDX-License-Identifier: LGPL-2.1-or-later
"""The engine's NAT, zones and marks against the kernel's (issue 14).

The same UDP exchange runs through the router namespace (the kernel, with
nft: masquerade, a DNAT to the server, `ct zone set`, `ct mark set`) and
through the engine hook by hook (tests/tools/engine_nat, with the same
bindings); `conntrack -L -o extended` of the kernel's entry and the
engine's entry printed by libctkit's formatter must be the same line, but
for the remaining timeout. The packets the engine rewrote must be the ones
the server and the client received.
"""
import os
import re

import pytest

import ctharness

EXTRA = """
table ip ctkeng {
	chain raw {
		type filter hook prerouting priority raw;
		udp sport 40001 udp dport 7001 ct zone set 5
		udp sport 7001 udp dport 40001 ct zone set 5
	}
	chain pre { type nat hook prerouting priority dstnat; udp dport 7002 dnat to 10.81.2.2:7001; }
	chain post { type nat hook postrouting priority srcnat; udp dport 7005 snat to 10.81.9.1-10.81.9.200; }
	chain markit { type filter hook forward priority 0; ct state new udp sport 40001 ct mark set 42; }
}
table ip6 ctkeng6 {
	chain pre { type nat hook prerouting priority dstnat; udp dport 7002 dnat to [fd81:2::2]:7001; }
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r-srv" udp dport 7001 masquerade
		udp dport 7005 snat to fd81:9::1-fd81:9::ff
	}
}
"""

# The request goes out through a raw socket with a checksum computed here: a UDP socket's
# would be left to offload (a partial sum on veth), not comparable with the engine's.
CLIENT = """
import socket, struct, sys
sport, dst, dport, want = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam, me = (socket.AF_INET6, "fd81:1::2") if ":" in dst else (socket.AF_INET, "10.81.1.2")
rx = socket.socket(fam, socket.SOCK_DGRAM)
rx.bind((me, sport))
rx.settimeout(5)
data = b"x"
length = 8 + len(data)
a, b = socket.inet_pton(fam, me), socket.inet_pton(fam, dst)
words = a + b + (struct.pack("!BBH", 0, 17, length) if fam == socket.AF_INET else
                 struct.pack("!IxxxB", length, 17))
words += struct.pack("!HHHH", sport, dport, length, 0) + data + b"\\0"
total = sum(struct.unpack("!%dH" % (len(words) // 2), words[:len(words) // 2 * 2]))
while total >> 16:
    total = (total & 0xffff) + (total >> 16)
raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
raw.bind((me, 0))
raw.sendto(struct.pack("!HHHH", sport, dport, length, ~total & 0xffff) + data, (dst, 0))
if want == "reply":
    data, peer = rx.recvfrom(100)
    print("%s:%d" % peer[:2])
"""

# In the server namespace: the first UDP datagram to PORT, as the router forwarded it.
SNIFF = """
import socket, sys
v6 = sys.argv[2] == "6"
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86dd if v6 else 0x0800))
s.bind(("s0", 0))
s.settimeout(5)
print("ready", flush=True)
port = int(sys.argv[1]).to_bytes(2, "big")
while True:
    d = s.recv(2048)
    if v6:
        hl, proto, src = 40, d[6], socket.inet_ntop(socket.AF_INET6, d[8:24])
    else:
        hl, proto, src = (d[0] & 15) * 4, d[9], socket.inet_ntoa(d[12:16])
    if proto == 17 and d[hl + 2:hl + 4] == port:
        print(src, d[hl:hl + 8].hex(), flush=True)
        break
"""

CASES = [
    # (client port, destination, port, engine_nat options)
    (40001, "10.81.2.2", 7001, ["--zone", "5", "--mark", "42", "--snat", "10.81.2.1"]),
    (40002, "10.81.1.1", 7002, ["--dnat", "10.81.2.2:7001", "--snat", "10.81.2.1"]),
    # an address range: the kernel's choice is a hash of the addresses (find_best_ips_proto)
    (40003, "10.81.2.2", 7005, ["--no-reply", "--snat", "10.81.9.1-10.81.9.200"]),
    (40004, "10.81.2.3", 7005, ["--no-reply", "--snat", "10.81.9.1-10.81.9.200"]),
    (40005, "10.81.2.4", 7005, ["--no-reply", "--snat", "10.81.9.1-10.81.9.200"]),
    # IPv6: masquerade, DNAT and SNAT, a range walked word by word
    (40011, "fd81:2::2", 7001, ["--snat", "fd81:2::1"]),
    (40012, "fd81:1::1", 7002, ["--dnat", "[fd81:2::2]:7001", "--snat", "fd81:2::1"]),
    (40013, "fd81:2::2", 7005, ["--no-reply", "--snat", "fd81:9::1-fd81:9::ff"]),
]


def tool_path():
    build = os.path.dirname(ctharness.ctk_cmd()[-1])
    return os.path.join(build, "tests", "tools", "engine_nat")


@pytest.fixture(scope="module")
def natlab(lab):
    r = lab.run(["nft", "-f", "-"], stdin=EXTRA)
    assert r.rc == 0, r.err
    # Hosts that do not exist but resolve, so that no packet waits for ARP holding its entry (use=2).
    for host in (3, 4):
        r = lab.run(["ip", "neigh", "add", "10.81.2.%d" % host, "lladdr", "02:00:00:00:00:%02x" % host,
                     "dev", "r-srv", "nud", "permanent"])
        assert r.rc == 0, r.err
    return lab


def without_timeout(line):
    # ipv4 2 udp 17 TIMEOUT src=... delta-time=SECONDS: both depend on the wall clock
    line = re.sub(r"^(\S+\s+\d+\s+\S+\s+\d+\s+)\d+ ", r"\1T ", line.strip())
    return re.sub(r" delta-time=\d+ ", " delta-time=D ", line)


@pytest.mark.parametrize("sport,dst,dport,opts", CASES)
def test_entry_as_kernel(natlab, sport, dst, dport, opts):
    if not os.path.exists(tool_path()):
        pytest.skip("build tests/tools/engine_nat first (make all)")
    reply = "--no-reply" not in opts
    v6 = ":" in dst
    sniff = None
    if dport in (7001, 7002):
        sniff = natlab.popen(natlab.srv, [ctharness.PYTHON, "-c", SNIFF, "7001", "6" if v6 else "4"])
    if sniff:
        assert sniff.stdout.readline().strip() == "ready"
    r = natlab.run([ctharness.PYTHON, "-c", CLIENT, str(sport), dst, str(dport),
                    "reply" if reply else "none"], ns=natlab.cli)
    assert r.rc == 0, r.err
    answered_by = r.out.strip()
    kernel = natlab.ref(["-L", "-f", "ipv6" if v6 else "ipv4", "-o", "extended", "-p", "udp",
                         "--sport", str(sport)])
    assert kernel.rc == 0, kernel.err
    klines = [l for l in kernel.out.splitlines() if l.strip()]
    assert len(klines) == 1, kernel.out

    # traffic.py's UDP server answers b"echo " + the request
    eng = ctharness.sh([tool_path(), "--reply-payload", "6"] + opts +
                       ["fd81:1::2" if v6 else "10.81.1.2", str(sport), dst, str(dport)])
    lines = eng.stdout.splitlines()
    entries = [l for l in lines if l.startswith("ipv")]
    assert len(entries) == 1, eng.stdout
    assert without_timeout(entries[0]) == without_timeout(klines[0])
    assert "BAD-CHECKSUM" not in eng.stdout
    if sniff:
        # The request as the kernel forwarded it: same source address, same UDP header
        # (ports and the incrementally updated checksum) as the engine's rewrite.
        src, udp = sniff.stdout.readline().split()
        sniff.wait(timeout=10)
        out = [l for l in lines if l.startswith("request-out ")]
        assert out and out[0].startswith("request-out %s:" % src), (out, src)
        assert out[0].split("udp=")[1].split()[0] == udp, (out, udp)
    if not reply:
        return
    # The reply reached the client from the address it sent to, as the engine rewrote it.
    client, router, server = ("fd81:1::2", "fd81:2::1", "fd81:2::2") if v6 else \
        ("10.81.1.2", "10.81.2.1", "10.81.2.2")
    assert any(l.startswith("reply-out %s:%d -> %s:%d " % (dst, dport, client, sport)) for l in lines)
    assert answered_by == "%s:%d" % (dst, dport)
    assert any(l.startswith("request-out %s:%d -> %s:7001 " % (router, sport, server)) for l in lines)
