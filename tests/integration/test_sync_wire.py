# SPDX-License-Identifier: LGPL-2.1-or-later
"""The sync wire codec against the reference conntrackd 1.4.7 (issue 13).

Two reference daemons synchronise over FTFW/UDP between the lab's router
(node A) and its client namespace (node B). The router's table gets real
flows (NAT, labels, the ftp helper's expectation and its RELATED data
connection) and entries inserted with conntrack -I (tcp, udp, icmp with and
without NAT, zones, marks, IPv6, sctp, gre, udplite, an unknown protocol);
B asks for a resync, so A sends its whole cache as well. tcpdump records
the link, and tests/tools/sync_wire decodes every message with ctkit's
codec and re-encodes it: the bytes must be the reference's, and the reply
tuple rebuilt from each message must be the one A's kernel has.
"""
import os
import signal
import subprocess
import time

import pytest

import ctharness

PORT = 3780
LINK_A, LINK_B = "192.168.77.1", "192.168.77.2"

CONF = """Sync {{
	Mode FTFW {{
		ResendQueueSize 1024
		ACKWindowSize 20
		{mode_extra}
	}}
	UDP Default {{
		IPv4_address {local}
		IPv4_Destination_Address {peer}
		Port {port}
		Interface {dev}
		Checksum on
	}}
	Options {{
		ExpectationSync on
		{options_extra}
	}}
}}
General {{
	Systemd no
	HashSize 8192
	HashLimit 65535
	LogFile {tmp}/{name}.log
	Syslog off
	LockFile {tmp}/{name}.lock
	UNIX {{
		Path {tmp}/{name}.ctl
	}}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
}}
"""

# (conntrack -I arguments, the orig tuple key the decoded messages must show)
INSERTS = [
    ("-p tcp -s 10.1.1.1 -d 10.2.2.2 --sport 40000 --dport 22 --state ESTABLISHED "
     "-u SEEN_REPLY,ASSURED -t 3600 -m 42", "sport=40000"),
    ("-p udp -s 10.1.1.1 -d 10.2.2.3 --sport 5000 --dport 53 -t 60", "sport=5000"),
    ("-p tcp -s 10.1.1.1 -d 10.2.2.2 --sport 40001 --dport 80 --state ESTABLISHED "
     "-u SEEN_REPLY -t 3600 --src-nat 172.16.1.1:1024", "sport=40001"),
    ("-p tcp -s 10.1.1.1 -d 10.2.2.2 --sport 40002 --dport 80 --state ESTABLISHED "
     "-u SEEN_REPLY -t 3600 --dst-nat 192.168.1.1:8080", "sport=40002"),
    ("-p icmp -s 10.1.1.1 -d 10.2.2.4 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 300", "id=9"),
    ("-p icmp -s 10.1.1.1 -d 10.2.2.5 --icmp-type 8 --icmp-code 0 --icmp-id 1027 -t 300 "
     "--src-nat 172.16.1.2", "id=1027"),
    ("-p udp -s 10.1.1.1 -d 10.2.2.3 --sport 5001 --dport 53 -t 60 -w 7", "sport=5001"),
    ("-p udp -s 10.1.1.1 -d 10.2.2.3 --sport 5002 --dport 53 -t 60 -m 0xffffffff", "sport=5002"),
    ("-p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 4000 --dport 443 --state ESTABLISHED "
     "-u SEEN_REPLY -t 200 -m 255", "sport=4000"),
    ("-p udp -s 2001:db8::1 -d 2001:db8::2 --sport 4001 --dport 53 -t 200 "
     "--src-nat 2001:db8::99", "sport=4001"),
    ("-p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 "
     "--icmpv6-id 88 -t 300", "id=88"),
    ("-p sctp -s 10.1.1.1 -d 10.2.2.6 --sport 3000 --dport 3868 --state ESTABLISHED "
     "--orig-vtag 1000 --reply-vtag 2000 -t 100", "sport=3000"),
    ("-p gre -s 10.1.1.1 -d 10.2.2.7 --srckey 0x10 --dstkey 0x20 -t 100", "dst=10.2.2.7"),
    ("-p udplite -s 10.1.1.1 -d 10.2.2.8 --sport 7000 --dport 7001 -t 100", "dst=10.2.2.8"),
    ("-p 200 -s 10.1.1.1 -d 10.2.2.9 -t 100", "dst=10.2.2.9"),
]

BEFORE = [
    "-p tcp -s 10.3.3.1 -d 10.3.3.2 --sport 1111 --dport 443 --state ESTABLISHED -u SEEN_REPLY,ASSURED "
    "-t 3000 -m 7",
    "-p udp -s 10.3.3.1 -d 10.3.3.2 --sport 1112 --dport 53 -t 300 -w 9",
]
ON_B = [
    "-p tcp -s 10.4.4.1 -d 10.4.4.2 --sport 2222 --dport 22 --state ESTABLISHED -u SEEN_REPLY -t 300 -m 5",
    "-p icmp -s 10.4.4.1 -d 10.4.4.3 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 30",
]

TUPLE_KEYS = ("src", "dst", "sport", "dport", "type", "code", "id", "srckey", "dstkey")


def tuples(line):
    """(orig, reply, extras) of a conntrack -L line or a sync_wire line."""
    groups, extras = [], {}
    for tok in line.split():
        if "=" not in tok:
            continue
        key, _, val = tok.partition("=")
        if key == "src":
            groups.append([])
        if key in TUPLE_KEYS and groups and len(groups) <= 2:
            groups[-1].append(tok)
        elif key in ("mark", "zone"):
            extras[key] = val
    if len(groups) < 2:
        return None
    return " ".join(groups[0]), " ".join(groups[1]), extras


def tool_path():
    build = os.path.dirname(ctharness.ctk_cmd()[-1])
    return os.path.join(build, "tests", "tools", "sync_wire")


class Node:
    def __init__(self, lab, name, ns, local, peer, dev, mode_extra="", options_extra=""):
        self.lab, self.name, self.ns = lab, name, ns
        self.conf = os.path.join(lab.tmp, name + ".conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(local=local, peer=peer, port=PORT, dev=dev, tmp=lab.tmp, name=name,
                                mode_extra=mode_extra, options_extra=options_extra))
        self.sock = os.path.join(lab.tmp, name + ".ctl")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.lab.prefix(self.ns) + ["/usr/sbin/conntrackd", "-C", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: os.path.exists(self.sock) or self.proc.poll() is not None,
                 "conntrackd %s control socket" % self.name)
        if self.proc.poll() is not None:
            raise RuntimeError("conntrackd %s exited: %s %s" % (self.name, self.proc.stderr.read(), self.log()))

    def log(self):
        try:
            with open(os.path.join(self.lab.tmp, self.name + ".log")) as f:
                return f.read()
        except OSError as e:
            return str(e)

    def ctl(self, *args):
        return self.lab.run(["/usr/sbin/conntrackd", "-C", self.conf] + list(args), ns=self.ns)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wait_for(cond, what, detail=lambda: "", timeout=30):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for %s %s" % (what, detail()))
        time.sleep(0.1)


@pytest.fixture(scope="module")
def capture():
    if not os.path.exists(tool_path()):
        pytest.skip("build tests/tools/sync_wire first (make all)")
    lab = ctharness.Lab().create()
    nodes, dump = [], None
    pcap = os.path.join(lab.tmp, "sync.pcap")
    try:
        # a dedicated sync link between the router (A) and the client namespace (B)
        ctharness.sh(["ip", "link", "add", "vethA", "netns", lab.ns, "type", "veth", "peer", "name", "vethB",
                      "netns", lab.cli])
        for ns, dev, addr in ((lab.ns, "vethA", LINK_A), (lab.cli, "vethB", LINK_B)):
            ctharness.sh(["ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev])
            ctharness.sh(["ip", "-n", ns, "link", "set", dev, "up"])
        dump = subprocess.Popen(lab.prefix(lab.ns) + ["tcpdump", "-n", "-U", "-i", "vethA", "-w", pcap,
                                                      "udp", "port", str(PORT)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if "listening on" not in dump.stderr.readline():
            raise RuntimeError("tcpdump did not start")
        # B sends without timeouts, A with the TCP window scales
        b = Node(lab, "nodeB", lab.cli, LINK_B, LINK_A, "vethB", mode_extra="CommitTimeout 180")
        a = Node(lab, "nodeA", lab.ns, LINK_A, LINK_B, "vethA", options_extra="TCPWindowTracking on")
        nodes = [b, a]
        # entries A's daemon finds in its initial dump: they carry what only dumps report (synproxy)
        for args in BEFORE:
            r = lab.ref(["-I"] + args.split())
            assert r.rc == 0, (args, r.err)
        b.start()
        a.start()
        for args in ON_B:
            r = lab.run(ctharness.REF + ["-I"] + args.split(), ns=lab.cli)
            assert r.rc == 0, (args, r.err)
        for args, _ in INSERTS:
            r = lab.ref(["-I"] + args.split())
            assert r.rc == 0, (args, r.err)
        r = lab.ref(["-U", "-s", "10.1.1.1", "-p", "tcp", "--sport", "40000", "-m", "43"])
        assert r.rc == 0, r.err
        lab.traffic()
        # the data connection the ftp helper expects: a RELATED entry with a master
        lab.run([ctharness.PYTHON, "-c", "import socket\ntry: socket.create_connection(('10.81.2.2', 10000), 1)\n"
                 "except OSError: pass"], ns=lab.cli)
        lab.traffic()   # and a new expectation, to stay in the tables
        r = lab.ref(["-D", "-s", "10.1.1.1", "-p", "udp", "--sport", "5000"])
        assert r.rc == 0, r.err
        b.ctl("-n")     # B asks for a resync: A sends its whole cache
        markers = [m for _, m in INSERTS if m != "sport=5000"] + ["helper=ftp", "sport=1111", "sport=1112"]
        missing = lambda: [m for m in markers if m not in b.ctl("-e").out]
        wait_for(lambda: not missing(), "B's external cache", lambda: "missing %s; B has:\n%s; A has:\n%s" % (
            missing(), b.ctl("-e").out, a.ctl("-i").out))
        wait_for(lambda: "10000" in b.ctl("-e", "expect").out, "B's expectation")
        wait_for(lambda: all(m in a.ctl("-e").out for m in ("sport=2222", "id=77")), "A's external cache")
        kernel = lab.ref(["-L"]).out
        expect = lab.ref(["-L", "expect"]).out
        for n in nodes:
            n.stop()
        dump.send_signal(signal.SIGINT)
        dump.wait(timeout=10)
        if os.environ.get("SYNC_WIRE_KEEP"):    # a copy of the capture, to look at by hand
            subprocess.run(["cp", pcap, os.environ["SYNC_WIRE_KEEP"]], check=True)
        r = subprocess.run([tool_path(), pcap, str(PORT)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        yield r, kernel, expect
    finally:
        for n in nodes:
            n.stop()
        if dump and dump.poll() is None:
            dump.kill()
            dump.wait()
        lab.destroy()


def test_every_message_decodes_and_reencodes_identically(capture):
    r, _, _ = capture
    assert r.returncode == 0, r.stdout + r.stderr
    summary = r.stdout.splitlines()[-1]
    assert summary.startswith("SUMMARY") and " errors=0 mismatches=0" in summary
    data = int(summary.split("data=")[1].split()[0])
    assert data >= 2 * len(INSERTS), summary


def test_message_kinds_covered(capture):
    out = capture[0].stdout
    for kind in ("CT_NEW ok", "CT_UPD ok", "CT_DEL ok", "EXP_NEW ok"):
        assert kind in out, kind
    for what in ("helper=ftp", " master ", "zone=7", "labels=", "l3=10", "l4=132", "l4=47",
                 "l4=136", "l4=200", "l4=58", "synproxy", "wscale", "no-timeout", "sport=2222", "id=77"):
        assert what in out, what


def test_reply_tuples_are_the_kernels(capture):
    """The reply tuple rebuilt from each message (NAT attributes applied) is A's."""
    out, kernel, _ = capture
    decoded = {}
    for line in out.stdout.splitlines():
        if line.startswith(("CT_NEW ok", "CT_UPD ok")):
            t = tuples(line)
            decoded[t[0]] = t
    matched = 0
    for line in kernel.splitlines():
        k = tuples(line)
        if not k or k[0] not in decoded:
            continue
        d = decoded[k[0]]
        want = k[1]
        if line.startswith(("gre ", "udplite ")):
            # the reference has no builder for them: their keys/ports are not sent
            want = " ".join(t for t in want.split() if t.startswith(("src=", "dst=")))
            want += " srckey=0x0 dstkey=0x0" if line.startswith("gre") else " sport=0 dport=0"
        assert d[1] == want, "%s\nkernel:  %s\ndecoded: %s" % (line, want, d[1])
        assert d[2].get("zone") == k[2].get("zone"), line
        # events carry a mark only when it is set or changed: then it must be the kernel's
        assert d[2].get("mark", k[2].get("mark")) == k[2].get("mark"), line
        matched += 1
    assert matched >= len(INSERTS), matched
    for _, marker in INSERTS:
        assert any(marker in key for key in decoded), marker


def test_expectation_decodes(capture):
    out, _, expect = capture
    assert "10000" in expect
    lines = [l for l in out.stdout.splitlines() if l.startswith("EXP_NEW ok")]
    assert any("dport=10000" in l and "helper=ftp" in l for l in lines), lines
