# SPDX-License-Identifier: LGPL-2.1-or-later
"""A real failover: client -- primary and backup firewalls -- server, in
four namespaces (cli, fwA, fwB, srv):

  cli 10.90.1.2 (on lo) --cA/fcli-- fwA --fsrv/sA-- srv 10.90.2.2 (on lo)
                        --cB/fcli-- fwB --fsrv/sB--
  fwA sync0 192.168.77.1 ----------- fwB sync0 192.168.77.2

Both firewalls run a strict ruleset (forward policy drop; established and
related accepted; new TCP/UDP to the service ports only from the client
side) with nf_conntrack_tcp_loose=0 (a per-namespace sysctl), so a
firewall that does not know a connection sees its next packet as INVALID
and drops it. A long-lived TCP connection streams data both ways and a
UDP flow echoes through fwA; conntrackd (FTFW over UDP) runs on both
firewalls; then `conntrackd -c` on fwB and the routes of cli and srv move
to fwB: both flows must go on, the TCP connection without reset or stall.
Without the daemons the same move must stall the TCP connection (so the
test can fail).

Pairings: ("ref","ref") is the baseline, ("ctk","ctk") uses $CONNTRACKD
(default <repo>/build/conntrackd) and FAILS when it does not exist, unless
CTD_REF_ONLY=1 (reference only; how this module was validated before
ctkit's daemon existed).
"""
import subprocess

import pytest

import ctharness
import ctd_lab
from ctd_lab import wait_until

PAIRINGS = [("ref", "ref")] if ctd_lab.ref_only() else [("ref", "ref"), ("ctk", "ctk")]
CLIENT, SERVER = "10.90.1.2", "10.90.2.2"
TCP_PORT, UDP_PORT = 5001, 5002

FW_RULESET = """
table inet fw {
	chain raw_in {
		type filter hook prerouting priority raw;
		iifname "sync0" notrack
	}
	chain raw_out {
		type filter hook output priority raw;
		oifname "sync0" notrack
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "fcli" oifname "fsrv" ct state new tcp dport %d accept
		iifname "fcli" oifname "fsrv" ct state new udp dport %d accept
		counter comment "dropped"
	}
}
""" % (TCP_PORT, UDP_PORT)

# Counts the TCP resets a client or server sends or receives.
RST_COUNTER = """
table inet rst {
	counter resets {
	}
	chain in {
		type filter hook input priority 0;
		tcp flags & rst == rst counter name "resets"
	}
	chain out {
		type filter hook output priority 0;
		tcp flags & rst == rst counter name "resets"
	}
}
"""


def resets(node):
    out = node.run(["nft", "list", "counter", "inet", "rst", "resets"]).out
    words = out.split()
    return int(words[words.index("packets") + 1])


# The server: a TCP echo (4 KiB chunks back as they come) and a UDP echo.
SERVER_PROG = r"""
import socket, threading
def tcp_conn(c):
    while True:
        d = c.recv(65536)
        if not d:
            return
        c.sendall(d)
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("%s", %d)); t.listen(4)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("%s", %d))
def udp():
    while True:
        d, a = u.recvfrom(2048); u.sendto(d, a)
threading.Thread(target=udp, daemon=True).start()
print("ready", flush=True)
while True:
    c, _ = t.accept()
    threading.Thread(target=tcp_conn, args=(c,), daemon=True).start()
""" % (SERVER, TCP_PORT, SERVER, UDP_PORT)

# The client: one TCP connection streaming 4 KiB chunks and reading the echo
# back, one UDP flow pinging every 20 ms; on every stdin line it prints
# "<tcp round trips> <udp replies> <error or -> <tcp retransmissions>" (the
# last from TCP_INFO's tcpi_total_retrans: a stalled connection retransmits).
CLIENT_PROG = r"""
import socket, struct, sys, threading, time
st = {"tcp": 0, "udp": 0, "err": "-"}
t = socket.create_connection(("%s", %d), timeout=5, source_address=("%s", 0))
t.settimeout(None)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("%s", 0))
u.connect(("%s", %d)); u.settimeout(0.2)
chunk = b"c" * 4096
def tcp():
    try:
        while True:
            t.sendall(chunk); got = 0
            while got < len(chunk):
                d = t.recv(len(chunk) - got)
                if not d:
                    raise OSError("connection closed by the peer")
                got += len(d)
            st["tcp"] += 1
            time.sleep(0.01)
    except OSError as e:
        st["err"] = "tcp:" + repr(e).replace(" ", "_")
def udp():
    n = 0
    while True:
        n += 1
        try:
            u.send(b"%%d" %% n); u.recv(64); st["udp"] += 1
        except socket.timeout:
            pass
        except OSError as e:
            st["err"] = "udp:" + repr(e).replace(" ", "_")
        time.sleep(0.02)
threading.Thread(target=tcp, daemon=True).start()
threading.Thread(target=udp, daemon=True).start()
print("running", flush=True)
for line in sys.stdin:
    info = t.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    print(st["tcp"], st["udp"], st["err"], struct.unpack_from("I", info, 100)[0], flush=True)
""" % (SERVER, TCP_PORT, CLIENT, CLIENT, SERVER, UDP_PORT)


class FailoverLab(ctd_lab.CtdLab):
    def __init__(self):
        super().__init__(("cli", "fwA", "fwB", "srv"))

    def topology(self):
        v = self.veth
        v("cli", "cA", "fwA", "fcli", ("10.90.11.2/24",), ("10.90.11.1/24",))
        v("cli", "cB", "fwB", "fcli", ("10.90.12.2/24",), ("10.90.12.1/24",))
        v("srv", "sA", "fwA", "fsrv", ("10.90.21.2/24",), ("10.90.21.1/24",))
        v("srv", "sB", "fwB", "fsrv", ("10.90.22.2/24",), ("10.90.22.1/24",))
        v("fwA", "sync0", "fwB", "sync0", ("192.168.77.1/24", "fd77::1/64"), ("192.168.77.2/24", "fd77::2/64"))
        self["cli"].run(["ip", "addr", "add", CLIENT + "/32", "dev", "lo"])
        self["srv"].run(["ip", "addr", "add", SERVER + "/32", "dev", "lo"])
        for end in ("cli", "srv"):
            self[end].nft(RST_COUNTER)
        for fw, net, v4, v6 in (("fwA", "1", "192.168.77.1", "fd77::1"), ("fwB", "2", "192.168.77.2", "fd77::2")):
            n = self[fw]
            n.dev, n.v4, n.v6 = "sync0", v4, v6
            self.sysctl("net/ipv4/ip_forward", 1, n.ns)
            self.sysctl("net/netfilter/nf_conntrack_tcp_loose", 0, n.ns)
            n.nft(FW_RULESET)
            for r in (["ip", "route", "add", CLIENT, "via", "10.90.1%s.2" % net],
                      ["ip", "route", "add", SERVER, "via", "10.90.2%s.2" % net]):
                res = n.run(r)
                assert res.rc == 0, res
        self.route_via("fwA")

    def route_via(self, fw):
        """The path between client and server goes through firewall fw."""
        net = "1" if fw == "fwA" else "2"
        for node, dst, gw in (("cli", SERVER, "10.90.1%s.1" % net), ("srv", CLIENT, "10.90.2%s.1" % net)):
            r = self[node].run(["ip", "route", "replace", dst, "via", gw, "src", CLIENT if node == "cli" else SERVER])
            assert r.rc == 0, r

    def reset(self):
        """No daemons, empty firewall tables, path through fwA."""
        self.stop_daemons()
        for fw in ("fwA", "fwB"):
            self[fw].ct("-F")
        for end in ("cli", "srv"):
            self[end].run(["nft", "reset", "counter", "inet", "rst", "resets"])
        self.route_via("fwA")


@pytest.fixture(scope="module")
def lab():
    reason = ctharness.need_root()
    if reason:
        pytest.skip(reason)
    lab = FailoverLab().create()
    try:
        server = lab.popen(lab["srv"].ns, [ctharness.PYTHON, "-c", SERVER_PROG])
        if server.stdout.readline().strip() != "ready":
            pytest.fail("server did not start")
        yield lab
    finally:
        lab.destroy()


class Client:
    def __init__(self, lab):
        self.lab = lab
        self.proc = subprocess.Popen(lab.prefix(lab["cli"].ns) + [ctharness.PYTHON, "-c", CLIENT_PROG],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               text=True)
        lab.bg.append(self.proc)
        if self.proc.stdout.readline().strip() != "running":
            pytest.fail("client could not connect")

    def status(self):
        """(tcp round trips, udp replies, error text or "-", tcp retransmissions)"""
        self.proc.stdin.write("s\n")
        self.proc.stdin.flush()
        tcp, udp, err, retrans = self.proc.stdout.readline().split()
        return int(tcp), int(udp), err, int(retrans)

    def progressed(self, since, tcp=20, udp=10):
        """Both flows went on by tcp/udp more round trips than `since`,
        without an error."""
        now = self.status()
        assert now[2] == "-", now
        return now[0] >= since[0] + tcp and now[1] >= since[1] + udp and now

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.lab.bg.remove(self.proc)


def flows_on(node):
    """The client's TCP and UDP flows in node's conntrack table."""
    return sorted((f.proto, f.state, f.flags) for f in node.kernel()
                  if f.orig and f.orig[0] == ("src", CLIENT) and f.orig[1] == ("dst", SERVER))


@pytest.mark.parametrize("pairing", PAIRINGS, ids=lambda p: "%s-%s" % p)
def test_failover_keeps_connections(lab, pairing):
    for kind in set(pairing):
        why = ctd_lab.missing(kind)
        if why:
            pytest.fail(why + " (set CONNTRACKD, or CTD_REF_ONLY=1 for the reference pairing only)")
    lab.reset()
    fwA, fwB = lab["fwA"], lab["fwB"]
    fwA.configure(pairing[0], ctd_lab.make_config(fwA, fwB, "FTFW", "UDP"))
    fwB.configure(pairing[1], ctd_lab.make_config(fwB, fwA, "FTFW", "UDP"))
    fwA.start()
    fwB.start()
    c = Client(lab)
    try:
        wait_until(lambda: c.progressed((0, 0)), 10, what="traffic through fwA")
        want = flows_on(fwA)
        assert [p for p, _, _ in want] == ["tcp", "udp"], want
        assert want[0][1] == "ESTABLISHED" and "ASSURED" in want[0][2], want
        diag = lambda: "\nfwA:\n%s\nfwB:\n%s" % (fwA.output()[-2000:], fwB.output()[-2000:])
        wait_until(lambda: len(fwB.external()) == 2, 10, what="both flows in fwB's external cache" + diag())
        assert flows_on(fwB) == []
        r = fwB.ctl("-c")
        assert r.rc == 0, r
        # the reference's -c may return before the commit is done
        wait_until(lambda: [p for p, _, _ in flows_on(fwB)] == ["tcp", "udp"], 10,
                   what="both flows in fwB's kernel" + diag())
        lab.route_via("fwB")
        before = c.status()
        wait_until(lambda: c.progressed(before), 10,
                   what="both flows going on through fwB (%r at the move)" % (before,))
        # and the traffic really crosses fwB now, in its committed entries
        moved = c.status()
        after = wait_until(lambda: c.progressed(moved), 10, what="more traffic through fwB")
        assert [p for p, _, _ in flows_on(fwB)] == ["tcp", "udp"]
        # no reset on either end (retransmissions are not counted against
        # it: tail loss probes count as retransmissions on a healthy path)
        assert after[2] == "-" and resets(lab["cli"]) == resets(lab["srv"]) == 0, after
    finally:
        c.stop()
        lab.reset()


def test_failover_without_daemons_stalls(lab):
    """The control experiment: with no state on fwB the TCP connection
    cannot go on after the move (its packets are INVALID on fwB, dropped)."""
    lab.reset()
    c = Client(lab)
    try:
        wait_until(lambda: c.progressed((0, 0)), 10, what="traffic through fwA")
        lab.route_via("fwB")
        before = c.status()
        with pytest.raises(AssertionError):
            wait_until(lambda: c.progressed(before, tcp=5, udp=0), 5, what="TCP going on through fwB")
        now = c.status()
        assert now[0] <= before[0] + 1 and now[3] > before[3], (before, now)  # stalled, retransmitting
        dropped = lab["fwB"].run(["nft", "list", "chain", "inet", "fw", "forward"]).out
        assert "packets 0 " not in dropped, dropped
    finally:
        c.stop()
        lab.reset()
