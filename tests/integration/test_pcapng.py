# SPDX-License-Identifier: LGPL-2.1-or-later
"""pcapng files through conntrack's own pcapng reader (tools/conntrack/pcapng.c).

The files are written here block by block (a small writer below), with
several interfaces of different link types, names and directions, in both
byte orders. tests/tools/pcap_frames prints what the reader makes of every
frame (number, time, link type, interface, direction); the expected values
are built from what was written. A pcapng copy of a classic capture must
replay exactly like it; bad files fail cleanly."""
import os
import struct
import subprocess

import pytest

import ctharness

SAMPLE = os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")
LT_ETHER, LT_RAW, LT_SLL2 = 1, 101, 276
IN, OUT = 1, 2


def ctk(*args, stdin=None):
    p = subprocess.run(ctharness.ctk_cmd() + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ctharness.RUN_ENV, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def frames_tool():
    path = os.path.join(os.path.dirname(ctharness.ctk_cmd()[-1]), "tests", "tools", "pcap_frames")
    if not os.path.exists(path):
        pytest.skip("build tests/tools/pcap_frames first (make all)")
    return path


def frames(path, stdin=None):
    p = subprocess.run([frames_tool(), path], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ctharness.RUN_ENV, timeout=60)
    return p.returncode, p.stdout.decode().splitlines(), p.stderr.decode()


# ---- a pcapng writer -------------------------------------------------------------------

class Pcapng:
    def __init__(self, endian="<"):
        self.e = endian
        self.data = b""
        self.section()

    def block(self, btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        self.data += struct.pack(self.e + "II", btype, n) + body + struct.pack(self.e + "I", n)

    def option(self, code, value):
        return struct.pack(self.e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    def section(self):
        self.block(0x0A0D0D0A, struct.pack(self.e + "IHHq", 0x1A2B3C4D, 1, 0, -1))

    def interface(self, linktype, name=None, tsresol=None):
        opts = b""
        if name is not None:
            opts += self.option(2, name.encode())
        if tsresol is not None:
            opts += self.option(9, bytes([tsresol]))
        if opts:
            opts += self.option(0, b"")
        self.block(1, struct.pack(self.e + "HHI", linktype, 0, 0) + opts)

    def packet(self, ifid, units, frame, flags=None):
        body = struct.pack(self.e + "IIIII", ifid, units >> 32, units & 0xffffffff, len(frame),
                           len(frame)) + frame + b"\0" * (-len(frame) % 4)
        if flags is not None:
            body += self.option(2, struct.pack(self.e + "I", flags)) + self.option(0, b"")
        self.block(6, body)

    def skip_block(self):
        self.block(5, struct.pack(self.e + "III", 0, 0, 0))     # interface statistics


def classic_records(path):
    """(link type, [(seconds, microseconds, frame)]) of a little-endian microsecond pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xa1b2c3d4
    out, at = [], 24
    while at < len(data):
        sec, usec, caplen, _ = struct.unpack("<IIII", data[at:at + 16])
        out.append((sec, usec, data[at + 16:at + 16 + caplen]))
        at += 16 + caplen
    return linktype, out


def ipv4_udp(src, dst, sport, dport, payload=b"x"):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    csum = sum(struct.unpack("!10H", hdr))
    while csum >> 16:
        csum = (csum & 0xffff) + (csum >> 16)
    return hdr[:10] + struct.pack("!H", ~csum & 0xffff) + hdr[12:] + udp


def sll2(frame, pkttype, ifindex=3):
    return struct.pack("!HHIHBB8s", 0x0800, 0, ifindex, 1, pkttype, 6, b"\x02" * 6) + frame


def ether(frame):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + frame


# ---- the reader's view of every frame ---------------------------------------------------

@pytest.mark.parametrize("endian", ["<", ">"], ids=["little", "big"])
def test_interfaces_directions_link_types(tmp_path, endian):
    w = Pcapng(endian)
    w.interface(LT_ETHER, "lan0")                     # microseconds
    w.interface(LT_RAW, "wan0", tsresol=9)            # nanoseconds
    w.interface(LT_SLL2)                              # no name: from a file, unknown
    pkt = ipv4_udp("192.0.2.1", "198.51.100.1", 1000, 53)
    w.packet(0, 1700000000_000001, ether(pkt), flags=IN)
    w.skip_block()
    w.packet(1, 1700000000_000000123, pkt, flags=OUT)
    w.packet(1, 1700000001_000000000, pkt)                       # no flags
    w.packet(2, 1700000002_500000, sll2(pkt, 4))                  # PACKET_OUTGOING
    w.packet(2, 1700000003_000000, sll2(pkt, 0))                  # PACKET_HOST
    w.packet(2, 1700000004_000000, sll2(pkt, 4), flags=IN)        # the flags win
    path = tmp_path / "two.pcapng"
    path.write_bytes(w.data)
    n = len(pkt)
    want = [
        "1 1700000000.000001000 1 lan0 in %d %d" % (n + 14, n + 14),
        "2 1700000000.000000123 101 wan0 out %d %d" % (n, n),
        "3 1700000001.000000000 101 wan0 - %d %d" % (n, n),
        "4 1700000002.500000000 276 - out %d %d" % (n + 20, n + 20),
        "5 1700000003.000000000 276 - in %d %d" % (n + 20, n + 20),
        "6 1700000004.000000000 276 - in %d %d" % (n + 20, n + 20),
    ]
    rc, lines, err = frames(str(path))
    assert rc == 0, err
    assert lines == want
    # standard input reads the same
    rc, lines, err = frames("-", stdin=w.data)
    assert rc == 0 and lines == want, err


def test_classic_files_name_no_interface(tmp_path):
    """Classic pcap keeps libpcap: no names; directions only from cooked headers."""
    pkt = ipv4_udp("192.0.2.1", "198.51.100.1", 1000, 53)
    data = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, LT_SLL2)
    for i, t in enumerate((4, 0)):
        f = sll2(pkt, t)
        data += struct.pack("<IIII", 10 + i, 0, len(f), len(f)) + f
    path = tmp_path / "sll2.pcap"
    path.write_bytes(data)
    rc, lines, err = frames(str(path))
    assert rc == 0, err
    assert [line.split()[2:5] for line in lines] == [["276", "-", "out"], ["276", "-", "in"]]
    rc, lines, err = frames(SAMPLE)
    assert rc == 0 and lines and all(line.split()[2:5] == ["1", "-", "-"] for line in lines)


# ---- conntrack on pcapng: as on the same packets in classic pcap ----------------------------

def pcapng_copy(path, endian="<", split=False):
    """The classic capture at @path as pcapng; @split: odd frames on a second interface."""
    linktype, recs = classic_records(path)
    w = Pcapng(endian)
    w.interface(linktype, "eth0")
    if split:
        w.interface(LT_RAW, "eth1", tsresol=9)
    for i, (sec, usec, frame) in enumerate(recs):
        if split and i % 2 and linktype == LT_ETHER and frame[12:14] in (b"\x08\x00", b"\x86\xdd"):
            w.packet(1, (sec * 1000000 + usec) * 1000, frame[14:], flags=IN)
        else:
            w.packet(0, sec * 1000000 + usec, frame, flags=OUT)
    return w.data


@pytest.mark.parametrize("endian,split", [("<", False), (">", False), ("<", True)],
                         ids=["little", "big", "two-link-types"])
def test_replays_like_classic(tmp_path, endian, split):
    path = tmp_path / "sample.pcapng"
    path.write_bytes(pcapng_copy(SAMPLE, endian, split))
    for args in (["-L", "-o", "extended"], ["--packets", "-o", "json"], ["-E", "-o", "timestamp"],
                 ["-S"], ["-C"]):
        want = ctk("--pcap", SAMPLE, *args)
        assert want[0] == 0, want
        assert ctk("--pcap", str(path), *args) == want, args
    assert ctk("--pcap", "-", "--packets", stdin=path.read_bytes()) == ctk("--pcap", SAMPLE, "--packets")


def through_pipe(data, *args):
    """conntrack --pcap /dev/fd/N ... with @data written into a pipe (as `<(tcpdump -w -)`)."""
    r, w = os.pipe()
    p = subprocess.Popen(ctharness.ctk_cmd() + ["--pcap", "/dev/fd/%d" % r] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ctharness.RUN_ENV,
                         pass_fds=(r,))
    os.close(r)
    with os.fdopen(w, "wb") as f:
        f.write(data)
    out, err = p.communicate(timeout=120)
    return p.returncode, out.decode(), err.decode()


def test_pipe_by_path_is_read_once(tmp_path):
    """The format is told by peeking at the stream, not by opening the path twice."""
    with open(SAMPLE, "rb") as f:
        classic = f.read()
    want = ctk("--pcap", SAMPLE, "--packets")
    assert want[0] == 0
    for data in (classic, pcapng_copy(SAMPLE)):
        rc, out, err = through_pipe(data, "--packets")
        assert (rc, out) == want[:2], err


def test_bad_pcapng_files(tmp_path):
    good = pcapng_copy(SAMPLE)
    w = Pcapng()
    w.interface(LT_ETHER, "eth0")
    w.interface(189, "usbmon1")            # not for conntrack
    w.packet(0, 0, ether(ipv4_udp("192.0.2.1", "198.51.100.1", 1, 2)))
    undefined = Pcapng()
    undefined.packet(0, 0, b"x")
    cases = {
        "cut-header": (good[:6], "truncated"),
        "cut-block": (good[:len(good) - 30], "truncated"),
        "lengths": (good[:-1] + b"\x7f", "disagree"),
        "link-type": (w.data, "interface 1 (usbmon1): link type 189"),
        "undefined-interface": (undefined.data, "interface not described"),
        "byte-order": (good[:8] + b"\0\0\0\0" + good[12:], "byte-order"),
    }
    for name, (content, why) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        rc, out, err = ctk("--pcap", str(path), "-L")
        assert rc == 1, (name, rc, err)
        assert err.startswith("conntrack v1.4.7 (ctkit): capture `%s'" % path), (name, err)
        assert why in err, (name, err)
        assert "Sanitizer" not in err and "runtime error" not in err
