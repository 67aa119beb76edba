# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrackd state synchronisation between two namespaces (ctd_lab.SyncLab):
entries created, updated and deleted in node A's kernel table reach node B's
external cache, and `conntrackd -c` puts them into B's kernel table, for
every pairing of daemons x sync mode x transport.

Pairings (kind of A, kind of B): ("ref","ref") is the baseline with the
reference /usr/sbin/conntrackd on both sides; ("ctk","ctk"), ("ctk","ref")
and ("ref","ctk") use ctkit's daemon ($CONNTRACKD, default
<repo>/build/conntrackd). A pairing with ctkit FAILS when that binary does
not exist. CTD_REF_ONLY=1 runs the reference pairing only: that is how this
module was written and validated, before ctkit's daemon existed.

One SyncLab per module; the daemons are (re)started only when the
(pairing, mode, transport) group changes (pytest orders the tests by the
module-scoped parameter), and every test starts from empty kernel tables
and caches on both nodes. Every wait is a poll with a timeout, never a
fixed sleep used as an assertion.

The tests assert the correct behaviour. Expected failures, for pairings
with the reference only, with the observed reason:
- resync after a peer restart over TCP (FTFW, NOTRACK) when A is the
  reference: strict xfail (the resync bulk goes into the dead connection);
- FTFW convergence under loss when either side is the reference: xfail,
  not strict (the reference converges in some runs);
- a burst of 2000 entries that the reference on A partly missed because its
  event socket overran (A's `-s runtime` counted it during the burst): xfail
  at run time.
"""
import re

import pytest

import ctharness
import ctd_lab
from ctd_lab import wait_until

PAIRINGS = [("ref", "ref")] if ctd_lab.ref_only() else [
    ("ref", "ref"), ("ctk", "ctk"), ("ctk", "ref"), ("ref", "ctk")]
MODES = ("FTFW", "NOTRACK", "ALARM")
TRANSPORTS = ("UDP", "Multicast", "TCP")
GROUPS = [(p, m, t) for p in PAIRINGS for m in MODES for t in TRANSPORTS]

# Extra configurations, in FTFW only: name -> (transport, family of the
# sync link, options).
VARIANTS = {
    "CommitTimeout": ("UDP", 4, {"CommitTimeout": 1234}),
    "DisableExternalCache": ("UDP", 4, {"DisableExternalCache": "on"}),
    "IPv6": ("UDP", 6, {}),
    "IPv6mcast": ("Multicast", 6, {}),
}


def variant(*names):
    return [(p, "FTFW", VARIANTS[n][0], n) for n in names for p in PAIRINGS]


def group_id(group):
    pairing, mode, transport = group[:3]
    return "-".join((pairing[0], pairing[1], mode, transport) + tuple(group[3:]))


# Options per mode: StartupResync makes a restarted node ask its peer for
# everything (FTFW, NOTRACK); ALARM refreshes every entry within RefreshTime
# seconds, so a restarted node is complete again after that.
MODE_OPTIONS = {
    "FTFW": {"StartupResync": "on"},
    "NOTRACK": {"StartupResync": "on"},
    "ALARM": {"RefreshTime": 3, "CacheTimeout": 60},
}
COMMON_OPTIONS = {"ExpectationSync": "on"}

# The entry set created on A in one shell: TCP with a mark, TCP with status
# bits (-u also overwrites the mark with the status value: a reference
# conntrack quirk, harmless here), UDP, ICMP, a SNAT'd and a DNAT'd entry
# (with ports), a zoned entry and IPv6 entries (one NAT'd).
ENTRIES = [
    "-p tcp -s 10.1.1.1 -d 10.2.2.2 --sport 40000 --dport 22 --state ESTABLISHED -t 3600 -m 42",
    "-p tcp -s 10.1.1.2 -d 10.2.2.2 --sport 40010 --dport 443 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED",
    "-p udp -s 10.1.1.1 -d 10.2.2.3 --sport 5000 --dport 53 -t 600 -m 7",
    "-p icmp -s 10.1.1.1 -d 10.2.2.2 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 600",
    "-p tcp -s 10.1.1.5 -d 10.2.2.2 --sport 40001 --dport 80 --state ESTABLISHED -t 3600 --src-nat 172.16.1.1:1024",
    "-p tcp -s 10.1.1.6 -d 10.2.2.2 --sport 40002 --dport 8080 --state ESTABLISHED -t 3600 --dst-nat 10.3.3.3:80",
    "-p udp -s 10.1.1.7 -d 10.2.2.2 --sport 5001 --dport 53 -t 600 -w 5",
    "-p tcp -s fd00::1 -d fd00::2 --sport 40003 --dport 22 --state ESTABLISHED -t 3600 -m 9",
    "-p udp -s fd00::1 -d fd00::2 --sport 5002 --dport 53 -t 600 --src-nat fd00::99",
]


# Labels are set with -U (conntrack -I ignores them); the kernel keeps them
# because the node ruleset uses ct label (ctd_lab.NODE_RULESET).
LABEL_UPDATE = "-p tcp -s 10.1.1.1 -d 10.2.2.2 --label-add two"


def create_entries(node, lines=ENTRIES):
    script = "".join("conntrack -I %s 2>&1 || exit 1\n" % line for line in lines)
    if lines is ENTRIES:
        script += "conntrack -U %s 2>&1 || exit 1\n" % LABEL_UPDATE
    node.sh(script)


def keys(flows):
    return sorted(f.key() for f in flows)


def comparable(flow):
    """What a commit must reproduce: everything but the timeout."""
    return (flow.proto, flow.state, flow.orig, flow.reply, flow.mark, flow.zone, flow.labels, flow.flags)


@pytest.fixture(scope="module")
def lab():
    reason = ctharness.need_root()
    if reason:
        pytest.skip(reason)
    lab = ctd_lab.SyncLab().create()
    try:
        yield lab
    finally:
        lab.destroy()


def overruns(node):
    """The daemon's count of event socket overruns (`-s runtime`)."""
    m = re.search(r"netlink overrun:\s+(\d+)", node.ctl("-s", "runtime").out)
    return int(m.group(1)) if m else 0


class Cluster:
    def __init__(self, lab, pairing, mode, transport):
        self.lab, self.pairing, self.mode, self.transport = lab, pairing, mode, transport
        self.A, self.B = lab["A"], lab["B"]

    def diag(self):
        return "\n--- A output:\n%s\n--- B output:\n%s" % (self.A.output()[-3000:], self.B.output()[-3000:])

    def external_keys(self):
        return keys(self.B.external())

    def burst(self, lines):
        """Load `conntrack -I` lines on A in one conntrack -R; returns A's
        overrun count before the burst, for wait_burst."""
        before = overruns(self.A)
        r = self.A.ct("-R", "-", stdin=lines)
        assert r.rc == 0, r
        return before

    def wait_burst(self, want, timeout, overruns_before):
        """B's external cache reaches the keys `want` (a burst made on A).
        The reference sender loses events of a burst with its default event
        buffer and resyncs only NetlinkOverrunResync (30 s) later: that is
        an expected failure when A counted an overrun during the burst; any
        other miss is a failure."""
        try:
            wait_until(lambda: self.external_keys() == want, timeout, interval=0.2,
                       what="all %d entries of the burst on B" % len(want) + self.diag())
        except AssertionError:
            if self.pairing[0] == "ref" and overruns(self.A) > overruns_before:
                pytest.xfail("reference conntrackd on A lost events of the burst (netlink overrun with its "
                             "default buffer); it resyncs only after NetlinkOverrunResync (30 s)")
            raise

    def wait_replicated(self, timeout=15):
        """B's external cache holds exactly A's table (by original tuple)."""
        want = keys(self.A.kernel())
        wait_until(lambda: self.external_keys() == want, timeout, what="B's external cache == A's table")
        return want


@pytest.fixture(scope="module", params=GROUPS, ids=group_id)
def cluster(request, lab):
    pairing, mode, transport = request.param[:3]
    extra = request.param[3] if len(request.param) > 3 else None
    for kind in set(pairing):
        why = ctd_lab.missing(kind)
        if why:
            pytest.fail(why + " (set CONNTRACKD, or CTD_REF_ONLY=1 for the reference pairing only)")
    lab.stop_daemons()
    lab.flush()
    options = dict(COMMON_OPTIONS, **MODE_OPTIONS[mode])
    family = 4
    if extra:
        _, family, more = VARIANTS[extra]
        options.update(more)
    lab.configure(pairing, mode, transport, family=family, options=options)
    lab.start()
    c = Cluster(lab, pairing, mode, transport)
    # ready when an entry made on A shows up on B (over TCP the nodes first
    # have to connect to each other)
    probe = "-p udp -s 10.255.0.1 -d 10.255.0.2 --sport 1 --dport 1 -t 600"
    create_entries(c.A, [probe])
    arrived = (lambda: c.B.kernel()) if extra == "DisableExternalCache" else c.external_keys
    wait_until(arrived, 30, what="the first entry on B" + c.diag())
    yield c
    lab.stop_daemons()


@pytest.fixture(autouse=True)
def clean(cluster):
    cluster.lab.flush()
    yield


def test_creates_reach_peer_external_cache(cluster):
    create_entries(cluster.A)
    want = cluster.wait_replicated()
    assert len(want) == len(ENTRIES)
    assert [f.labels for f in cluster.A.kernel() if f.labels] == ["two"]
    # the external cache keeps the original tuple only, with state, status
    # flags, mark and zone; the reference prints no labels in -e/-i lines
    # (the labels arrive though: see the commit test)
    a = {f.key(): f for f in cluster.A.kernel()}
    for f in cluster.B.external():
        assert f.reply is None and f.labels is None, f
        assert f == a[f.key()].replace(reply=None, labels=None), (f, a[f.key()])


def test_commit_into_peer_kernel(cluster):
    create_entries(cluster.A)
    cluster.wait_replicated()
    r = cluster.B.ctl("-c")
    assert r.rc == 0, r
    want = sorted(comparable(f) for f in cluster.A.kernel())
    # -c returns when the commit is done (ctkit) / has been started (ref)
    wait_until(lambda: sorted(comparable(f) for f in cluster.B.kernel()) == want, 10,
               what="B's kernel table == A's" + cluster.diag())


def test_updates_reach_peer(cluster):
    create_entries(cluster.A)
    cluster.wait_replicated()
    cluster.A.ct("-U", "-p", "tcp", "-s", "10.1.1.1", "-m", "4242", check=True)
    cluster.A.ct("-U", "-f", "ipv6", "-p", "tcp", "-s", "fd00::1", "-m", "99", check=True)

    def marks():
        return sorted((f.orig[0][1], f.mark) for f in cluster.B.external()
                      if f.proto == "tcp" and f.orig[0][1] in ("10.1.1.1", "fd00::1"))
    wait_until(lambda: marks() == [("10.1.1.1", "4242"), ("fd00::1", "99")], 15,
               what="the new marks on B" + cluster.diag())


def test_deletes_reach_peer(cluster):
    create_entries(cluster.A)
    cluster.wait_replicated()
    cluster.A.ct("-D", "-p", "udp", "-s", "10.1.1.1", check=True)
    cluster.A.ct("-D", "-p", "udp", "-w", "5", check=True)
    cluster.A.ct("-D", "-f", "ipv6", "-p", "tcp", check=True)
    want = cluster.wait_replicated()
    assert len(want) == len(ENTRIES) - 3
    cluster.A.ct("-F", check=True)
    wait_until(lambda: not cluster.B.external(), 15, what="an empty external cache on B" + cluster.diag())


# --- expectations -------------------------------------------------------------

# An FTP control connection inside node A over lo (10.99.0.1 -> 10.99.0.1:21),
# given the kernel's ftp helper by A's ruleset; the server answers PASV with
# 10.99.0.1:10021, so the kernel expects 10.99.0.1:* -> 10.99.0.1:10021.
FTP_RULESET = """
table inet ctdftp {
	ct helper ftp-std {
		type "ftp" protocol tcp
	}
	chain out {
		type filter hook output priority 0;
		tcp dport 21 ct helper set "ftp-std"
	}
}
"""
FTP_EXCHANGE = r"""
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("10.99.0.1", 21)); srv.listen(1)
cli = socket.create_connection(("10.99.0.1", 21), timeout=5)
conn, _ = srv.accept()
conn.sendall(b"220 ctkit\r\n"); cli.recv(64)
cli.sendall(b"PASV\r\n"); conn.recv(64)
conn.sendall(b"227 Entering Passive Mode (10,99,0,1,39,37).\r\n"); cli.recv(128)
print("expecting", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def ftp(cluster):
    A = cluster.A
    A.nft(FTP_RULESET)
    A.run(["ip", "addr", "replace", "10.99.0.1/32", "dev", "lo"])
    proc = cluster.lab.popen(A.ns, [ctharness.PYTHON, "-c", FTP_EXCHANGE])
    try:
        if proc.stdout.readline().strip() != "expecting":
            pytest.fail("ftp control exchange failed")
        yield proc
    finally:
        proc.kill()
        proc.wait()
        cluster.lab.bg.remove(proc)
        A.run(["nft", "delete", "table", "inet", "ctdftp"])


def test_expectations_reach_peer_and_commit(cluster, ftp):
    A, B = cluster.A, cluster.B
    exp = wait_until(A.kernel_expect, 5, what="an expectation on A")
    assert len(exp) == 1 and "dport=10021" in exp[0], exp
    wait_until(lambda: B.external("expect") and keys(B.external()) == keys(A.kernel()), 15,
               what="the expectation and its master in B's external caches" + cluster.diag())
    r = B.ctl("-c")
    assert r.rc == 0, r
    wait_until(lambda: B.kernel_expect() == exp, 10, what="the expectation in B's kernel" + cluster.diag())
    master = [comparable(f) + (f.helper,) for f in A.kernel() if f.helper]
    assert master and [comparable(f) + (f.helper,) for f in B.kernel() if f.helper] == master


# --- resync after a restart ------------------------------------------------------

TCP_RESYNC_DEFECT = ("reference conntrackd 1.4.7 over TCP: the resync bulk for a restarted peer is written into the "
                     "old half-closed connection, answered with RST and never resent (issue 13)")


def test_resync_after_peer_restart(cluster, request):
    create_entries(cluster.A)
    want = cluster.wait_replicated()
    cluster.B.restart()
    # ALARM does not depend on the resync bulk: its refresh refills B anyway
    if cluster.pairing[0] == "ref" and cluster.transport == "TCP" and cluster.mode != "ALARM":
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=TCP_RESYNC_DEFECT))
    wait_until(lambda: cluster.external_keys() == want, 10,
               what="B's external cache refilled after its restart" + cluster.diag())


# --- FTFW under loss -----------------------------------------------------------------

LOSS_RULESET = """
table inet ctdloss {
	chain in {
		type filter hook input priority -400;
		iifname "sync0" meta l4proto { tcp, udp } numgen random mod 100 < 20 counter drop
	}
}
"""
BULK = 2000


LOSS_DEFECT = ("reference conntrackd 1.4.7 FTFW under 20% loss: B can stop short of the burst for good (observed "
               "1914-1926 of 2000 over UDP with A's internal cache complete, no overrun and A's resend queue empty; "
               "1368 once over TCP); it converges in some runs, hence not strict")


@pytest.mark.parametrize("cluster", [g for g in GROUPS if g[1] == "FTFW"], ids=group_id, indirect=True)
def test_ftfw_converges_under_loss(cluster, request):
    """FTFW is the reliable protocol: every entry of a burst arrives
    although a fifth of the sync packets into B are dropped."""
    if "ref" in cluster.pairing:
        request.node.add_marker(pytest.mark.xfail(strict=False, reason=LOSS_DEFECT))
    A, B = cluster.A, cluster.B
    B.nft(LOSS_RULESET)
    try:
        lines = "".join("-I -p udp -s 10.5.%d.%d -d 10.6.0.1 --sport 1000 --dport 53 -t 600\n" % (i // 250, i % 250 + 1)
                        for i in range(BULK))
        before = cluster.burst(lines)
        want = keys(A.kernel())
        assert len(want) == BULK
        cluster.wait_burst(want, 20, before)
        dropped = B.run(["nft", "list", "table", "inet", "ctdloss"]).out
        assert "packets 0 " not in dropped, dropped   # the loss really happened
    finally:
        B.run(["nft", "delete", "table", "inet", "ctdloss"])


# --- option variants (FTFW over UDP) ----------------------------------------------------


@pytest.mark.parametrize("cluster", variant("CommitTimeout"), ids=group_id, indirect=True)
def test_commit_timeout(cluster):
    """With CommitTimeout the committed entries get that timeout, not the
    one A had (the timeout is then not even sent)."""
    create_entries(cluster.A)
    cluster.wait_replicated()
    assert cluster.B.ctl("-c").rc == 0
    want = len(ENTRIES)

    def timeouts():
        out = cluster.B.ct("-L").out.splitlines()
        return len(out) == want and sorted({int(line.split()[2]) for line in out})
    got = wait_until(timeouts, 10, what="the committed entries on B")
    assert all(1200 <= t <= 1234 for t in got), got


@pytest.mark.parametrize("cluster", variant("DisableExternalCache"), ids=group_id, indirect=True)
def test_disable_external_cache(cluster):
    """Without an external cache, entries go straight into B's kernel:
    creates, updates and deletes."""
    create_entries(cluster.A)
    want = sorted(comparable(f) for f in cluster.A.kernel())
    wait_until(lambda: sorted(comparable(f) for f in cluster.B.kernel()) == want, 15,
               what="A's entries injected into B's kernel" + cluster.diag())
    assert cluster.B.ctl("-e").out.strip() == ""
    cluster.A.ct("-U", "-p", "tcp", "-s", "10.1.1.1", "-m", "4242", check=True)
    wait_until(lambda: any(f.mark == "4242" for f in cluster.B.kernel()), 15, what="the update in B's kernel")
    cluster.A.ct("-F", check=True)
    wait_until(lambda: not cluster.B.kernel(), 15, what="an empty kernel table on B" + cluster.diag())


@pytest.mark.parametrize("cluster", variant("IPv6", "IPv6mcast"), ids=group_id, indirect=True)
def test_sync_link_over_ipv6(cluster):
    create_entries(cluster.A)
    cluster.wait_replicated()
    assert cluster.B.ctl("-c").rc == 0
    want = sorted(comparable(f) for f in cluster.A.kernel())
    wait_until(lambda: sorted(comparable(f) for f in cluster.B.kernel()) == want, 10,
               what="B's kernel table == A's" + cluster.diag())


@pytest.mark.parametrize("cluster", [g for g in GROUPS if g[1:] == ("FTFW", "UDP")], ids=group_id, indirect=True)
def test_commit_returns_when_done(cluster):
    """`conntrackd -c` returns only when the commit has finished, so that a
    failover script can move the addresses right after it (issue 13). The
    reference also behaves so at this size (one commit step of 8192)."""
    for chunk in range(4):          # in chunks, to spare the reference's event buffer
        lines = "".join("-I -p udp -s 10.7.%d.%d -d 10.8.0.1 --sport %d --dport 53 -t 600\n"
                        % (chunk, i % 250 + 1, 1000 + i // 250) for i in range(BULK // 4))
        before = cluster.burst(lines)
        cluster.wait_burst(keys(cluster.A.kernel()), 15, before)
    r = cluster.B.ctl("-c")
    assert r.rc == 0 and r.out == "", r
    assert cluster.B.ct("-C").out.strip() == str(BULK)
