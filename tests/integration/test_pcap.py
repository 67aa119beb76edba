# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack --pcap: captures replayed through the userspace engine.

The bundled sample and captures generated here (scapy, every supported link
type) are replayed with -L, -G, -C, -S, -E and --packets; a capture of real
traffic is compared with the live kernel table of the namespace that tracked
it; bad inputs must fail cleanly."""
import json
import os
import random
import re
import struct
import subprocess
import tempfile

import pytest

import ctharness

REPO = ctharness.REPO
SAMPLE = os.path.join(REPO, "tests", "data", "sample.pcap")
MAKE_SAMPLE = os.path.join(REPO, "scripts", "make-sample-pcap.sh")
STATES = {"new", "established", "related", "invalid", "untracked"}


def ctk(*args, stdin=None):
    p = subprocess.run(ctharness.ctk_cmd() + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ctharness.RUN_ENV, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def entries(text):
    return [line for line in text.splitlines() if line.strip()]


# ---- captures made with scapy ------------------------------------------------------

def scapy():
    from scapy import all as s   # noqa: PLC0415 (slow import, only when needed)
    return s


def tcp_session(s, t0=1000.0):
    """A TCP handshake, one data segment each way, and an unanswered UDP packet."""
    c, v = "192.0.2.10", "198.51.100.20"
    pkts = [
        s.IP(src=c, dst=v) / s.TCP(sport=40001, dport=80, flags="S", seq=100),
        s.IP(src=v, dst=c) / s.TCP(sport=80, dport=40001, flags="SA", seq=500, ack=101),
        s.IP(src=c, dst=v) / s.TCP(sport=40001, dport=80, flags="A", seq=101, ack=501),
        s.IP(src=c, dst=v) / s.TCP(sport=40001, dport=80, flags="PA", seq=101, ack=501) / b"hello",
        s.IP(src=v, dst=c) / s.TCP(sport=80, dport=40001, flags="PA", seq=501, ack=106) / b"world",
        s.IP(src=c, dst=v) / s.UDP(sport=5353, dport=53) / b"q",
    ]
    for i, p in enumerate(pkts):
        p.time = t0 + i * 0.01
    return pkts


def write(pkts, linktype=None, frame=None):
    s = scapy()
    if frame:
        framed = []
        for p in pkts:
            f = frame(p)
            f.time = p.time
            framed.append(f)
        pkts = framed
    fd, path = tempfile.mkstemp(suffix=".pcap")
    os.close(fd)
    s.wrpcap(path, pkts, linktype=linktype)
    return path


@pytest.fixture(scope="module")
def raw_capture():
    path = write(tcp_session(scapy()), linktype=101)
    yield path
    os.unlink(path)


# ---- the bundled sample ------------------------------------------------------------

def test_sample_is_small_and_lists():
    assert os.path.getsize(SAMPLE) < 100 * 1024
    rc, out, err = ctk("--pcap", SAMPLE, "-L")
    assert rc == 0, err
    lines = entries(out)
    assert len(lines) >= 6
    assert "%d flow entries have been shown." % len(lines) in err
    assert any("TIME_WAIT" in line for line in lines)
    assert any("ESTABLISHED" in line and "dport=443" in line for line in lines)
    assert any(line.startswith("icmpv6") for line in lines)


def test_sample_count_stats_stdin():
    rc, out, _ = ctk("--pcap", SAMPLE, "-L")
    n = len(entries(out))
    rc, count, err = ctk("--pcap", SAMPLE, "-C")
    assert rc == 0 and count == "%d\n" % n, err
    with open(SAMPLE, "rb") as f:
        rc, count2, err = ctk("--pcap", "-", "-C", stdin=f.read())
    assert rc == 0 and count2 == count, err
    rc, js, err = ctk("--pcap", SAMPLE, "-C", "-o", "json")
    assert rc == 0 and json.loads(js) == {"count": n}, err
    rc, js, err = ctk("--pcap", SAMPLE, "-S", "-o", "json")
    assert rc == 0 and json.loads(js)["invalid"] == 1, err
    rc, stats, err = ctk("--pcap", SAMPLE, "-S")
    assert rc == 0 and stats.startswith("cpu=0") and "invalid=1" in stats, err


def test_sample_packets_json():
    rc, out, err = ctk("--pcap", SAMPLE, "--packets", "-o", "json")
    assert rc == 0, err
    objs = [json.loads(line) for line in entries(out)]
    assert objs
    last = 0
    for o in objs:
        assert o["packet"] > last
        last = o["packet"]
        assert o["state"] in STATES
        assert o["direction"] in ("original", "reply", None)
        assert (o["reason"] is None) == (o["state"] != "invalid")
    invalid = [o for o in objs if o["state"] == "invalid"]
    assert [o["reason"] for o in invalid] == ["bad checksum"]
    assert invalid[0]["orig"]["sport"] == 40000
    assert any(o["state"] == "related" for o in objs)


def test_sample_packets_text_and_filter():
    rc, out, err = ctk("--pcap", SAMPLE, "--packets", "-p", "udp", "--dport", "53")
    assert rc == 0, err
    lines = entries(out)
    assert lines and all("udp" in line and "dport=53" in line for line in lines)
    fields = lines[0].split()
    assert fields[0].isdigit() and re.match(r"^\d+\.\d{6}$", fields[1])
    assert fields[2] == "new" and fields[3] == "original"


def test_sample_events():
    rc, out, err = ctk("--pcap", SAMPLE, "-E", "-o", "timestamp")
    assert rc == 0, err
    lines = entries(out)
    assert all(re.match(r"^\[\d+\.\d{6}\]\t", line) for line in lines)
    assert any("[NEW]" in line for line in lines)
    invalid = [line for line in lines if "[INVALID]" in line]
    assert len(invalid) == 1 and 'reason="bad checksum"' in invalid[0]
    assert re.search(r"\[INVALID\] packet=\d+ tcp ", invalid[0])
    rc, out, err = ctk("--pcap", SAMPLE, "-E", "-o", "json")
    objs = [json.loads(line) for line in entries(out)]
    assert {o["event"] for o in objs} >= {"new", "update", "invalid"}
    assert all("time" in o for o in objs)
    # -e selects entry events only: no [INVALID] lines
    rc, out, err = ctk("--pcap", SAMPLE, "-E", "-e", "NEW")
    assert rc == 0 and out and all("[NEW]" in line for line in entries(out))


def test_sample_get():
    rc, out, _ = ctk("--pcap", SAMPLE, "-L", "-p", "tcp", "--dport", "443")
    m = re.search(r"src=(\S+) dst=(\S+) sport=(\d+) dport=443", out)
    assert m
    rc, got, err = ctk("--pcap", SAMPLE, "-G", "-p", "tcp", "-s", m.group(1), "-d", m.group(2),
                       "--sport", m.group(3), "--dport", "443")
    assert rc == 0 and "ESTABLISHED" in got, err
    rc, _, err = ctk("--pcap", SAMPLE, "-G", "-p", "tcp", "-s", "192.0.2.99", "-d", "192.0.2.2",
                     "--sport", "1", "--dport", "2")
    assert rc == 1 and "such conntrack doesn't exist" in err


# ---- generated captures --------------------------------------------------------------

@pytest.mark.parametrize("kind", ["raw", "ether", "vlan", "sll", "sll2", "null"])
def test_link_types_agree(kind, raw_capture):
    s = scapy()
    frames = {
        "raw": (101, None),
        "ether": (1, lambda p: s.Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p),
        "vlan": (1, lambda p: s.Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                 s.Dot1AD(vlan=10) / s.Dot1Q(vlan=20) / p),
        "sll": (113, lambda p: s.CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6) / p),
        "sll2": (276, lambda p: s.CookedLinuxV2(proto=0x0800, ifindex=2, pkttype=0) / p),
        "null": (0, lambda p: s.Loopback(type=2) / p),
    }
    linktype, frame = frames[kind]
    path = write(tcp_session(s), linktype=linktype, frame=frame)
    try:
        rc, out, err = ctk("--pcap", path, "-L", "-o", "extended")
        rc0, want, _ = ctk("--pcap", raw_capture, "-L", "-o", "extended")
        assert rc == 0 and rc0 == 0, err
        assert out == want
        assert len(entries(out)) == 2 and "ESTABLISHED" in out and "[ASSURED]" in out
    finally:
        os.unlink(path)


def test_timeouts_follow_trace_time():
    s = scapy()
    pkts = tcp_session(s)
    late = s.IP(src="192.0.2.10", dst="198.51.100.20") / s.ICMP(id=7)
    late.time = pkts[-1].time + 45          # the UDP entry (30 s) is gone by then
    path = write(pkts + [late], linktype=101)
    try:
        rc, out, err = ctk("--pcap", path, "-L")
        assert rc == 0, err
        assert "udp" not in out and "icmp" in out
        m = re.search(r"tcp +6 (\d+) ESTABLISHED", out)
        # the server's data is unacknowledged: nf_conntrack_tcp_timeout_unacknowledged (300 s)
        assert m and int(m.group(1)) == 300 - 45 - 1
        rc, out, err = ctk("--pcap", path, "-E", "-o", "timestamp")
        destroy = [line for line in entries(out) if "[DESTROY]" in line]
        assert len(destroy) == 1 and "udp" in destroy[0]
        # printed within a second of its deadline (30 s after its packet), not at the next packet
        when = float(destroy[0][1:destroy[0].index("]")])
        assert 1030.05 <= when < 1031.06
    finally:
        os.unlink(path)


def test_sysctl_knobs():
    rc, out, err = ctk("--pcap", SAMPLE, "--sysctl", "net.netfilter.nf_conntrack_acct=1", "-L",
                       "-p", "tcp")
    assert rc == 0 and "packets=" in out, err
    rc, out, err = ctk("--pcap", SAMPLE, "--sysctl", "nf_conntrack_checksum=0", "--packets",
                       "-o", "json")
    assert rc == 0 and all(json.loads(line)["state"] != "invalid" or json.loads(line).get("held")
                           for line in entries(out))
    for bad in ("nf_conntrack_nosuch=1", "nf_conntrack_tcp_loose=7", "novalue"):
        rc, out, err = ctk("--pcap", SAMPLE, "--sysctl", bad, "-C")
        assert rc == 2 and "--sysctl" in err and out == ""


# ---- bad input -----------------------------------------------------------------------

def test_bad_files(tmp_path):
    with open(SAMPLE, "rb") as f:
        data = f.read()
    cases = {
        "missing": None,
        "empty": b"",
        "text": b"this is not a capture\n",
        "cut-header": data[:10],
        "cut-record": data[:len(data) // 2 + 3],
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        rc, out, err = ctk("--pcap", str(path), "-L")
        assert rc == 1, (name, rc, err)
        assert err.startswith("conntrack v1.4.7 (ctkit): ") and "capture" in err, (name, err)
        assert "Sanitizer" not in err
    path = write([scapy().Raw(b"x" * 20)], linktype=189)      # USB: not for conntrack
    try:
        rc, out, err = ctk("--pcap", path, "-L")
        assert rc == 1 and "link type 189" in err
    finally:
        os.unlink(path)
    rc, out, err = ctk("--pcap", "-", "-C", stdin=b"")
    assert rc == 1 and "capture" in err


@pytest.mark.parametrize("endianness", ["<", ">"], ids=["little", "big"])
@pytest.mark.parametrize("nano", [False, True], ids=["usec", "nsec"])
@pytest.mark.parametrize("snaplen", [65535, 60], ids=["full", "snap60"])
def test_mapped_file_reads_like_libpcap(tmp_path, endianness, nano, snaplen):
    """A classic pcap file is read in blocks and walked in place (pcap_source.c); standard input
    always goes through libpcap. Both must give the same frames and times,
    whatever the byte order, precision and snapshot length, and hand a
    cut file's last record to libpcap for the same error."""
    s = scapy()
    path = str(tmp_path / "c.pcap")
    pkts = tcp_session(s) + [s.IP(src="192.0.2.10", dst="198.51.100.20") /
                             s.UDP(sport=9, dport=9) / (b"z" * 200)]
    pkts[-1].time = 1000.123456789
    e, magic = endianness, 0xa1b23c4d if nano else 0xa1b2c3d4
    data = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snaplen, 101)
    for p in pkts:
        raw = bytes(p)
        frac = int(round((p.time % 1) * (1e9 if nano else 1e6)))
        # records longer than the snapshot length follow libpcap's rules, not the walk's
        data += struct.pack(e + "IIII", int(p.time), frac, len(raw), len(raw)) + raw
    with open(path, "wb") as f:
        f.write(data)
    for args in (["--packets", "-o", "json"], ["-L", "-o", "extended"], ["-S"]):
        by_file = ctk("--pcap", path, *args)
        by_stdin = ctk("--pcap", "-", *args, stdin=data)
        assert by_file == by_stdin, (args, by_file, by_stdin)
    for cut in (len(data) - 5, len(data) - 210, len(data) - 220):
        part = tmp_path / "cut.pcap"
        part.write_bytes(data[:cut])
        rc1, out1, err1 = ctk("--pcap", str(part), "-C")
        rc2, out2, err2 = ctk("--pcap", "-", "-C", stdin=data[:cut])
        assert (rc1, out1, err1.replace(str(part), "-")) == (rc2, out2, err2), cut
        assert rc1 == 1 and "truncated" in err1


def test_block_reader_crosses_blocks(tmp_path):
    """Records straddle the reader's 1 MiB blocks: a 5 MB capture of UDP
    datagrams of every size must read like libpcap's own reading of stdin."""
    rng = random.Random(5)
    data = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    t = 1000
    while len(data) < 5 << 20:
        size = rng.randint(0, 1472)
        src, sport = rng.randint(1, 200), rng.randint(1024, 1100)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + size, 0, 0, 64, 17, 0,
                         bytes([192, 0, 2, src]), bytes([198, 51, 100, 1]))
        csum = sum(struct.unpack("!10H", ip))
        csum = (csum & 0xffff) + (csum >> 16)
        ip = ip[:10] + struct.pack("!H", ~csum & 0xffff) + ip[12:]
        udp = struct.pack("!HHHH", sport, 53, 8 + size, 0) + bytes(size)
        t += 1
        data += struct.pack("<IIII", t // 1000, (t % 1000) * 1000, 28 + size, 28 + size) + ip + udp
    path = tmp_path / "big.pcap"
    path.write_bytes(bytes(data))
    for args in (["-L", "-o", "extended"], ["-S"], ["--packets"]):
        by_file = ctk("--pcap", str(path), *args)
        by_stdin = ctk("--pcap", "-", *args, stdin=bytes(data))
        assert by_file[0] == 0 and by_file == by_stdin, args
    assert len(by_file[1].splitlines()) > 5000


def test_option_errors():
    for args in (["--pcap", SAMPLE, "-D"], ["--pcap", SAMPLE, "-F"], ["--pcap", SAMPLE, "-F", "expect"],
                 ["--packets", "-L"], ["--sysctl", "nf_conntrack_max=1", "-L"],
                 ["--pcap", SAMPLE, "-E", "--packets"]):
        rc, out, err = ctk(*args)
        assert rc == 2 and "Illegal option" in err, (args, err)


# ---- the live kernel as the oracle ---------------------------------------------------

ENTRY = re.compile(r"^(\S+ +\d+ \S+ +\d+) (\d+) (.*?) mark=0 use=1$")


def parse_table(text):
    """{entry without its timeout: timeout} for `-L -o extended` lines."""
    table = {}
    for line in entries(text):
        m = ENTRY.match(line)
        assert m, line
        key = m.group(1) + " " + m.group(3)
        # source ports are random: keep them, both sides saw the same packets
        table[key] = int(m.group(2))
    return table


def test_live_kernel_table_matches(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    pcap = tmp_path / "live.pcap"
    kernel = tmp_path / "kernel.txt"
    env = dict(ctharness.RUN_ENV, KERNEL_TABLE=str(kernel))
    subprocess.run([MAKE_SAMPLE, str(pcap)], check=True, env=env, stdout=subprocess.DEVNULL,
                   timeout=60)
    rc, out, err = ctk("--pcap", str(pcap), "-L", "-o", "extended")
    assert rc == 0, err
    want = parse_table(kernel.read_text())
    got = parse_table(out)
    assert set(got) == set(want)
    for key, timeout in want.items():
        # the kernel was listed a moment after the last packet: a little lower
        assert 0 <= got[key] - timeout <= 3, key


def test_offload_checksum_hint():
    """A capture from a sending host holds partial checksums: say what to do."""
    s = scapy()
    pkts = []
    for i in range(4):
        p = s.IP(src="192.0.2.10", dst="198.51.100.20") / s.UDP(sport=4000 + i, dport=53, chksum=0x1234)
        p.time = 2000 + i
        pkts.append(p)
    path = write(pkts, linktype=101)
    try:
        rc, out, err = ctk("--pcap", path, "-C")
        assert rc == 0 and out == "0\n" and "nf_conntrack_checksum=0" in err
        rc, out, err = ctk("--pcap", path, "--sysctl", "net.netfilter.nf_conntrack_checksum=0", "-C")
        assert rc == 0 and out == "4\n" and "NOTICE" not in err
    finally:
        os.unlink(path)
