# SPDX-License-Identifier: LGPL-2.1-or-later
"""The expectation table end to end: a real FTP control exchange through the
lab's router (whose ruleset gives tcp dport 21 the "ftp-std" helper) makes
the kernel's ftp helper expect a data connection; then the reference and
ctkit run the same -L/-G/-C/-S/-D/-F/-I expect commands in the router
namespace and must agree byte for byte (stderr after the program prefix),
except where ctkit fixes a reference bug on purpose (-D expect exits 0).

The FTP server runs in the lab's client namespace (the lab's own traffic
server holds port 21 in the server namespace) and the FTP client in the
server namespace, so the control connection crosses the router:
10.81.2.2:* -> 10.81.1.2:21. The server answers PASV with 10.81.1.2:10021,
so the expectation is 10.81.2.2:* -> 10.81.1.2:10021."""
import re
import subprocess
import time

import pytest

import ctharness

DATA_PORT = 10021   # 39 * 256 + 37
SERVER_V4, SERVER_V6 = "10.81.1.2", "fd81:1::2"
CLIENT_V4, CLIENT_V6 = "10.81.2.2", "fd81:2::2"
PREFIX_CTK = "conntrack v1.4.7 (ctkit)"
PREFIX_REF = "conntrack v1.4.7 (conntrack-tools)"

# A PASV-only FTP server: greets, answers PASV with its data port, keeps
# every connection open so that the control connection (and with it the
# expectation) lives until the test ends.
FTP_SERVER = r"""
import select, socket, sys
def listen(port):
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port)); s.listen(8)
    return s
ctl, data = listen(21), listen(%d)
print("ready", flush=True)
keep = []
while True:
    r, _, _ = select.select([ctl, data] + keep, [], [])
    for s in r:
        if s is ctl:
            c, _ = ctl.accept(); keep.append(c); c.sendall(b"220 ctkit ftp\r\n")
        elif s is data:
            c, _ = data.accept(); keep.append(c); c.sendall(b"data\r\n")
        else:
            line = s.recv(256)
            if not line:
                keep.remove(s); s.close()
            elif line.startswith(b"PASV"):
                s.sendall(b"227 Entering Passive Mode (10,81,1,2,%d,%d).\r\n")
            elif line.startswith(b"EPSV"):
                s.sendall(b"229 Entering Extended Passive Mode (|||%d|)\r\n")
""" % (DATA_PORT, DATA_PORT // 256, DATA_PORT % 256, DATA_PORT)

# The client: one control connection to argv[1] and PASV or EPSV (argv[2]),
# then on "data" from stdin the data connection; everything stays open until
# the process is killed.
FTP_CLIENT = r"""
import socket, sys
host, cmd = sys.argv[1], sys.argv[2]
c = socket.create_connection((host, 21), timeout=5)
c.recv(256); c.sendall(cmd.encode() + b"\r\n"); c.recv(256)
print("expecting %%d" %% c.getsockname()[1], flush=True)
keep = [c]
for line in sys.stdin:
    if line.strip() == "data":
        d = socket.create_connection((host, %d), timeout=5); d.recv(64); keep.append(d)
        print("connected", flush=True)
""" % DATA_PORT


@pytest.fixture(scope="module")
def ftp(lab):
    """The FTP server in the lab (started once), and a fresh exchange per call."""
    server = lab.popen(lab.cli, [ctharness.PYTHON, "-c", FTP_SERVER])
    if server.stdout.readline().strip() != "ready":
        pytest.fail("ftp server did not start")
    return Exchange(lab)


class Exchange:
    def __init__(self, lab):
        self.lab = lab
        self.proc = None
        self.cport = None

    def start(self, v6=False):
        """Empty both tables, then one control exchange: one expectation
        (over IPv6 the router's helper makes none from EPSV on this kernel:
        the test then creates one on the control connection, see v6_expect)."""
        self.stop()
        self.lab.flush()
        target = [SERVER_V6, "EPSV"] if v6 else [SERVER_V4, "PASV"]
        self.proc = subprocess.Popen(self.lab.prefix(self.lab.srv) + [ctharness.PYTHON, "-c", FTP_CLIENT] + target,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lab.bg.append(self.proc)
        words = self.proc.stdout.readline().split()
        if not words or words[0] != "expecting":
            pytest.fail("ftp control exchange failed")
        self.cport = int(words[1])
        if v6:
            return self
        for _ in range(50):
            if "helper=ftp" in self.lab.ref(["-L", "expect"]).out:
                return self
            time.sleep(0.02)
        pytest.fail("no expectation appeared: %r" % self.lab.ref(["-L", "expect"]))

    def connect_data(self):
        self.proc.stdin.write("data\n")
        self.proc.stdin.flush()
        if self.proc.stdout.readline().strip() != "connected":
            pytest.fail("data connection failed")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def norm(text):
    """Mask what moves between two runs: the timeout countdown, time stamps."""
    text = text.replace(PREFIX_REF, PREFIX_CTK)
    text = re.sub(r"^(\[[0-9]+ *\.[0-9]+ *\]\t)?[0-9]+ proto=", lambda m: ("[TS]\t" if m.group(1) else "") +
                  "T proto=", text, flags=re.M)
    text = re.sub(r"<timeout>[0-9]+</timeout>", "<timeout/>", text)
    # conntrack entries listed twice (-L -u EXPECTED): their clocks tick too
    text = re.sub(r"^(tcp|udp) +([0-9]+) [0-9]+ ", r"\1 \2 T ", text, flags=re.M)
    text = re.sub(r"delta-time=[0-9]+", "delta-time=T", text)
    return re.sub(r"<when>.*?</when>", "<when/>", text)


def same(lab, args, masked=True):
    ref, ctk = lab.ref(args), lab.ctk(args)
    f = norm if masked else (lambda t: t.replace(PREFIX_REF, PREFIX_CTK))
    assert (ctk.rc, f(ctk.out), f(ctk.err)) == (ref.rc, f(ref.out), f(ref.err)), \
        "conntrack %s\nref: %r\nctk: %r" % (" ".join(args), ref, ctk)
    return ref, ctk


# The expected connection; for TCP the reference wants all four port options
# with -G/-D expect (the reply ones are parsed, then not sent).
REPLY_PORTS = ["--reply-port-src", str(DATA_PORT), "--reply-port-dst", "0"]
EXP_TUPLE = ["-p", "tcp", "-s", CLIENT_V4, "-d", SERVER_V4, "--sport", "0", "--dport", str(DATA_PORT)] + REPLY_PORTS
OTHER_TUPLE = ["-p", "tcp", "-s", CLIENT_V4, "-d", SERVER_V4, "--sport", "1", "--dport", "1"] + REPLY_PORTS


@pytest.mark.parametrize("args,shows", [
    (["-L", "expect"], True), (["-L", "expect", "-o", "xml"], True), (["-L", "expect", "-o", "timestamp"], True),
    (["-L", "expect", "-o", "xml,timestamp"], True), (["-L", "expect", "-f", "ipv4"], True),
    (["-L", "expect", "-f", "ipv6"], False), (["-L", "exp", "-o", "extended"], True),
    (["-L", "expect", "-o", "save"], True), (["-C", "expect"], False), (["-S", "expect"], False),
    (["-G", "expect"] + EXP_TUPLE, True), (["-G", "expect"] + OTHER_TUPLE, False),
])
def test_read_only(lab, ftp, args, shows):
    ftp.start()
    ref, _ = same(lab, args)
    assert shows == ("helper=ftp" in ref.out or "<helper-name>ftp</helper-name>" in ref.out)


def test_timestamp_prefix_format(lab, ftp):
    ftp.start()
    out = lab.ctk(["-L", "expect", "-o", "timestamp"]).out
    # "[%-8ld.%-6ld]\t": left-justified, space-padded microseconds
    assert re.match(r"^\[[0-9]{10}\.[0-9 ]{6}\]\t[0-9]+ proto=6 src=%s dst=%s sport=0 dport=%d " %
                    (CLIENT_V4, SERVER_V4, DATA_PORT), out), out


def test_empty_table(lab, ftp):
    ftp.stop()
    lab.flush()
    for args in (["-L", "expect"], ["-L", "expect", "-o", "xml"], ["-C", "expect"], ["-G", "expect"] + EXP_TUPLE,
                 ["-D", "expect"] + EXP_TUPLE, ["-F", "expect"]):
        same(lab, args, masked=False)


def test_delete(lab, ftp):
    ftp.start()
    ref = lab.ref(["-D", "expect"] + EXP_TUPLE)
    # the reference's bug: it deletes, then reports 0 "shown" and exits 1
    assert ref.rc == 1 and ref.err.endswith("0 expectations have been shown.\n")
    assert lab.ref(["-C", "expect"]).out == "0\n"
    ftp.start()
    ctk = lab.ctk(["-D", "expect"] + EXP_TUPLE)
    assert (ctk.rc, ctk.out, norm(ctk.err)) == (0, ref.out, norm(ref.err))
    assert lab.ref(["-C", "expect"]).out == "0\n"


def test_flush(lab, ftp):
    for tool in (lab.ref, lab.ctk):
        ftp.start()
        r = tool(["-F", "expect"])
        assert (r.rc, r.out) == (0, "")
        assert r.err.endswith(": expectation table has been emptied.\n")
        assert lab.ref(["-C", "expect"]).out == "0\n"


def test_create(lab, ftp):
    """-I expect on the live control connection (its master has the ftp helper)."""
    args = ["-I", "expect", "-p", "tcp", "-s", CLIENT_V4, "-d", SERVER_V4, "--sport", None, "--dport", "21",
            "--tuple-src", CLIENT_V4, "--tuple-dst", SERVER_V4, "--tuple-port-src", "0", "--tuple-port-dst", "10099",
            "--mask-src", "255.255.255.255", "--mask-dst", "255.255.255.255", "--mask-port-src", "0",
            "--mask-port-dst", "65535", "-t", "200"]
    listings = []
    for tool in (lab.ref, lab.ctk):
        ftp.start()
        args[args.index("--sport") + 1] = str(ftp.cport)
        r = tool(args)
        table = norm(lab.ref(["-L", "expect"]).out).replace("sport=%d dport=21" % ftp.cport, "sport=C dport=21")
        listings.append((r.rc, r.out, norm(r.err), table))
    assert listings[1] == listings[0]
    # the reference's --tuple-port bug, kept: the expected tuple's protocol is
    # the low byte of the port in network order (10099 = 0x2773 -> 0x27 = 39)
    assert "T proto=39 src=%s dst=%s mask-src=" % (CLIENT_V4, SERVER_V4) in listings[0][3]


def test_create_errors(lab, ftp):
    ftp.start()
    base = ["-I", "expect", "-p", "tcp", "-s", CLIENT_V4, "-d", SERVER_V4, "--sport", "1", "--dport", "21",
            "--tuple-src", CLIENT_V4, "--tuple-dst", SERVER_V4, "--mask-src", "255.255.255.255",
            "--mask-dst", "255.255.255.255", "-t", "200"]
    same(lab, base, masked=False)   # no such master: "master conntrack not found"


def test_data_connection_related(lab, ftp):
    ftp.start()
    ftp.connect_data()
    for args in (["-L", "-u", "EXPECTED"], ["-L", "-p", "tcp", "--dport", str(DATA_PORT)],
                 ["-L", "expect"], ["-C", "expect"]):
        same(lab, args)
    ref = lab.ref(["-L", "-u", "EXPECTED"])
    assert "dport=%d" % DATA_PORT in ref.out
    ftp.stop()


def v6_expect(lab, ftp):
    """An IPv6 expectation made with the reference's -I expect on the IPv6
    control connection: fd81:2::2 -> fd81:1::2 port 10021 (its protocol is 39
    through the --tuple-port bug; the listing shows that too)."""
    ftp.start(v6=True)
    time.sleep(0.3)     # let the control exchange settle before adding to it
    ones = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    r = lab.ref(["-I", "expect", "-p", "tcp", "-s", CLIENT_V6, "-d", SERVER_V6, "--sport", str(ftp.cport),
                 "--dport", "21", "--tuple-src", CLIENT_V6, "--tuple-dst", SERVER_V6, "--tuple-port-src", "0",
                 "--tuple-port-dst", str(DATA_PORT), "--mask-src", ones, "--mask-dst", ones,
                 "--mask-port-src", "0", "--mask-port-dst", "65535", "-t", "100"])
    assert r.rc == 0, r


@pytest.mark.parametrize("args", [
    ["-L", "expect"], ["-L", "expect", "-f", "ipv6"], ["-L", "expect", "-f", "ipv4"], ["-L", "expect", "-o", "xml"],
    ["-L", "expect", "-o", "timestamp"],
    ["-C", "expect"],   # -C defaults to IPv4 as in the reference: 0
])
def test_ipv6(lab, ftp, args):
    """-L/-C expect without -f show IPv4 only: the reference defaults the family
    to AF_INET for every command but -L/-U/-D/-G/-F/-E of the conntrack table."""
    v6_expect(lab, ftp)
    ref, _ = same(lab, args)
    if args[-1] == "ipv6":
        assert SERVER_V6 in ref.out


def test_ipv6_flush(lab, ftp):
    for tool in (lab.ref, lab.ctk):
        v6_expect(lab, ftp)
        r = tool(["-F", "expect"])
        assert r.rc == 0 and lab.ref(["-L", "expect"]).out == ""


def test_create_duplicate(lab, ftp):
    """-I expect twice with the same expected tuple: EEXIST, "File exists"."""
    ftp.start()
    args = ["-I", "expect", "-p", "tcp", "-s", CLIENT_V4, "-d", SERVER_V4, "--sport", str(ftp.cport),
            "--dport", "21", "--tuple-src", CLIENT_V4, "--tuple-dst", SERVER_V4, "--tuple-port-src", "0",
            "--tuple-port-dst", "10099", "--mask-src", "255.255.255.255", "--mask-dst", "255.255.255.255",
            "--mask-port-src", "0", "--mask-port-dst", "65535", "-t", "200"]
    assert lab.ref(args).rc == 0
    ref, _ = same(lab, args, masked=False)
    assert ref.rc == 1 and ref.err.endswith("Operation failed: File exists\n")


def test_flush_takes_no_family(lab, ftp):
    ftp.start()
    same(lab, ["-F", "expect", "-f", "ipv6"], masked=False)
    assert "helper=ftp" in lab.ref(["-L", "expect"]).out
