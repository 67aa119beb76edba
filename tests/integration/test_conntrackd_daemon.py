# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctkit's conntrackd beyond interoperability: bad sync messages are
counted and dropped (never a crash), the authenticated channel refuses
forged and replayed messages, the client's exit status says whether the
daemon did what was asked, Stats mode logs finished flows (text and JSON),
-s metrics is OpenMetrics. Two namespaces (ctd_lab.SyncLab) for the module;
the daemons and namespaces are removed afterwards.
"""
import hashlib
import hmac
import json
import os
import re
import signal
import struct
import time

import pytest

import ctharness
import ctd_lab
from ctd_lab import wait_until

KEY = bytes(range(48))
TAG_LEN = 16


@pytest.fixture(scope="module")
def lab():
    reason = ctharness.need_root()
    if reason:
        pytest.skip(reason)
    if ctd_lab.missing("ctk"):
        pytest.fail("ctkit's conntrackd not built: " + ctd_lab.missing("ctk"))
    lab = ctd_lab.SyncLab().create()
    try:
        yield lab
    finally:
        lab.destroy()


def with_auth(text, keyfile):
    return text.replace("Sync {\n", "Sync {\n\tAuthenticate {\n\t\tKey %s\n\t}\n" % keyfile, 1)


def start(lab, auth_a=False, auth_b=False, mode="FTFW", options=None):
    lab.stop_daemons()
    keyfile = os.path.join(lab.tmp, "sync.key")
    with open(keyfile, "wb") as f:
        f.write(KEY)
    a, b = lab["A"], lab["B"]
    for node, peer, auth in ((a, b, auth_a), (b, a, auth_b)):
        text = ctd_lab.make_config(node, peer, mode, "UDP", options=options)
        node.configure("ctk", with_auth(text, keyfile) if auth else text)
    lab.start()
    lab.flush()
    return a, b


def send_to_b(lab, payloads):
    """UDP datagrams from A's namespace to B's sync port (as a peer would send them)."""
    script = ("import socket,sys,binascii\n"
              "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
              "for h in sys.stdin.read().split():\n"
              "    s.sendto(binascii.unhexlify(h),('192.168.77.2',%d))\n" % ctd_lab.SYNC_PORT)
    r = lab["A"].run(["/usr/bin/python3", "-c", script], stdin="\n".join(p.hex() for p in payloads))
    assert r.rc == 0, r


def header(msg_type, flags, length, seq):
    return struct.pack(">BBHI", 0x10 | msg_type, flags, length, seq)


def ct_new(seq, src, dst=(10, 9, 9, 9), sport=1000, dport=53):
    """A CT_NEW for a udp entry, attributes as conntrackd 1.4.7 sends them."""
    attrs = struct.pack(">HH4s4s", 12, 0, bytes(src), bytes(dst))      # IPV4
    attrs += struct.pack(">HHI", 8, 5, 0x8)                            # STATUS
    attrs += struct.pack(">HHB3x", 5, 2, 17)                           # L4PROTO
    attrs += struct.pack(">HHHH", 8, 3, sport, dport)                  # PORT
    attrs += struct.pack(">HHI", 8, 6, 300)                            # TIMEOUT
    return header(0, 0, 8 + len(attrs), seq) + attrs


def sign(msg):
    key = hashlib.blake2b(KEY, digest_size=32).digest()   # libsodium's crypto_generichash
    return msg + hmac.new(key, msg, hashlib.sha512).digest()[:TAG_LEN]


def network_stats(node):
    """The receive counters of -s network."""
    out = node.ctl("-s", "network").out.split("\tsend:")[0]
    return {k.strip(): int(v) for k, v in re.findall(r"\t\t([A-Za-z ]+):\t+\s*(\d+)", out)}


def health(node, field):
    m = re.search(r"\t%s:\t+\s*(\S+)" % re.escape(field), node.ctl("-s").out)
    return m.group(1) if m else None


def external_srcs(node):
    return sorted(f.orig[0][1] for f in node.external())


def test_malformed_messages_are_counted_and_dropped(lab):
    # NOTRACK: no sequence check drops the old-numbered messages before their payload is read
    a, b = start(lab, mode="NOTRACK")
    bad = [
        b"\x00",                                            # shorter than a header
        header(0, 0, 200, 1) + b"\x00" * 8,                  # longer than the datagram
        struct.pack(">BBHI", 0x20, 0, 8, 2),                 # protocol version 2
        header(0, 0, 4, 3),                                  # length below a header
        header(7, 0, 8, 4),                                  # unknown type
        ct_new(5, (10, 7, 7, 1))[:-8] + struct.pack(">HHI", 8, 99, 0),   # unknown attribute
        ct_new(6, (10, 7, 7, 2)).replace(struct.pack(">HH", 8, 3), struct.pack(">HH", 7, 3)),  # bad size
        os.urandom(1400),
    ]
    send_to_b(lab, bad)
    wait_until(lambda: network_stats(b).get("Malformed messages", 0) >= 6, 5,
               what="malformed messages counted")
    stats = network_stats(b)
    assert stats["Wrong protocol version"] >= 1 and stats["Malformed payload"] >= 2, stats
    assert b.running()
    assert not [s for s in external_srcs(b) if s.startswith("10.7.7.")]
    # and the daemon goes on replicating
    a.ct("-I", "-p", "udp", "-s", "10.1.1.1", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: external_srcs(b) == ["10.1.1.1"], 10, what="replication after garbage")


def test_authenticated_channel(lab):
    a, b = start(lab, auth_a=True, auth_b=True)
    a.ct("-I", "-p", "udp", "-s", "10.1.1.2", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: external_srcs(b) == ["10.1.1.2"], 10, what="authenticated replication")
    # forged: no tag, and a wrong tag; replayed: a valid tag on an old number
    old = int(time.time()) - 100000
    send_to_b(lab, [ct_new(old, (10, 8, 8, 1)),
                    ct_new(old + 1, (10, 8, 8, 2)) + b"\x00" * TAG_LEN,
                    sign(ct_new(old + 2, (10, 8, 8, 3)))])
    wait_until(lambda: health(b, "forged/replayed (auth)") not in (None, "0/0"), 5,
               what="forged and replayed messages counted")
    forged, replayed = map(int, health(b, "forged/replayed (auth)").split("/"))
    assert forged >= 2 and replayed >= 1, (forged, replayed)
    assert external_srcs(b) == ["10.1.1.2"]
    metrics = b.ctl("-s", "metrics").out
    assert re.search(r"^conntrackd_messages_forged_total [1-9]", metrics, re.M), metrics


def test_authenticated_node_refuses_plain_peer(lab):
    a, b = start(lab, auth_a=False, auth_b=True)
    a.ct("-I", "-p", "udp", "-s", "10.1.1.3", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: health(b, "forged/replayed (auth)") not in (None, "0/0"), 10,
               what="the unauthenticated peer's messages refused")
    assert external_srcs(b) == []


def test_commit_status_and_metrics(lab):
    a, b = start(lab)
    a.ct("-I", "-p", "udp", "-s", "10.1.1.4", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: external_srcs(b) == ["10.1.1.4"], 10, what="replication")
    r = b.ctl("-c")
    assert r.rc == 0, r
    assert "10.1.1.4" in b.ct("-L").out             # -c returned after the commit
    m = b.ctl("-s", "metrics").out
    assert "# EOF" in m and re.search(r"^conntrackd_commits_total 1$", m, re.M), m
    assert re.search(r"^conntrackd_external_cache_entries 1$", m, re.M), m


def test_refused_requests_exit_1(lab):
    """The reference's client exits 0 whatever the daemon did; ctkit's
    reports a refusal. A flush is refused while a commit runs, which a
    commit of 200 000 entries keeps running long enough to ask."""
    a, b = start(lab)
    lines = "".join("-I -p udp -s 10.%d.%d.%d -d 10.9.0.1 --sport 1 --dport 2 -t 600\n"
                    % (100 + i // 62500, i // 250 % 250, i % 250 + 1) for i in range(200000))
    assert a.ct("-R", "-", stdin=lines).rc == 0
    wait_until(lambda: "current active connections:\t      200000" in b.ctl("-s").out.split("cache external:")[1],
               60, what="200000 entries on B")
    logged = b.log().count("committing all external caches")
    commit = lab.popen(b.ns, ctd_lab.binary("ctk") + ["-C", b.conf, "-c"])
    wait_until(lambda: b.log().count("committing all external caches") > logged, 10, interval=0.005,
               what="the commit started")
    refused = None
    for _ in range(200):
        r = b.ctl("-f", "external")
        if r.rc == 1:
            refused = r
            break
        if commit.poll() is not None:
            break
    assert commit.wait(timeout=60) == 0
    lab.bg.remove(commit)
    assert refused is not None, "no flush was asked while the commit ran"
    assert "ignoring flush command, commit still in progress" in b.log()
    assert b.ctl("-f", "external").rc == 0     # and afterwards a flush works (1.4.7 kept refusing)


def test_unknown_option_and_unreachable_daemon(lab):
    a, b = start(lab)
    r = a.run(ctd_lab.binary("ctk") + ["-C", a.conf, "-Z"])
    assert r.rc == 1 and "Unknown option: -Z" in r.err, r
    b.stop()
    r = b.ctl("-s")
    assert r.rc == 1 and "can't connect: is conntrackd running? appropriate permissions?" in r.err, r


def test_stats_mode_flow_log(lab):
    lab.stop_daemons()
    a = lab["A"]
    for fmt, check in (("text", lambda line: "\tudp      17 src=10.1.1.5 dst=10.2.2.2" in line),
                       ("json", lambda line: json.loads(line)["orig"]["src"] == "10.1.1.5")):
        log = a.path("flows-" + fmt)
        text = ("Stats {\n\tLogFile %s\n\tLogFormat %s\n}\nGeneral {\n\tSystemd no\n\tSyslog off\n"
                "\tLogFile %s\n\tLockFile %s\n\tUNIX {\n\t\tPath %s\n\t}\n}\n"
                % (log, fmt, a.path("log"), a.path("lock"), a.path("ctl")))
        a.configure("ctk", text)
        a.start()
        try:
            a.ct("-I", "-p", "udp", "-s", "10.1.1.5", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
                 "-t", "100", check=True)
            a.ct("-D", "-s", "10.1.1.5", check=True)
            wait_until(lambda: os.path.exists(log) and open(log).read().strip(), 5, what="a flow line")
            line = open(log).read().strip().splitlines()[-1]
            assert check(line), line
            assert "cache stats:" in a.ctl("-s").out
            r = a.ctl("-e")                          # no external cache in Stats mode
            assert r.rc == 1 and r.out == "", r
        finally:
            a.stop()


def test_overrun_repair_keeps_zones(lab):
    """A tiny event socket queue makes the kernel drop events during a
    burst; the repair must bring every entry to the peer, zoned ones
    included (1.4.7 looked them up without their zone, dropped them from
    its cache and deleted them on the peer)."""
    a, b = start(lab, options={"NetlinkBufferSize": "4096", "NetlinkBufferSizeMaxGrowth": "4096"})
    lines = "".join("-I -p udp -s 10.6.%d.%d -d 10.7.0.1 --sport 1000 --dport 53 -t 600%s\n"
                    % (i // 250, i % 250 + 1, " -w %d" % (1 + i % 3) if i % 16 == 0 else "")
                    for i in range(4000))
    # a stopped daemon reads nothing: the kernel drops events and reports the overrun
    os.kill(a.proc.pid, signal.SIGSTOP)
    try:
        r = a.ct("-R", "-", stdin=lines)
    finally:
        os.kill(a.proc.pid, signal.SIGCONT)
    assert r.rc == 0, r
    want = sorted(f.key() + (f.zone,) for f in a.kernel())
    assert len(want) == 4000 and sum(1 for k in want if k[-1]) == 250
    wait_until(lambda: sorted(f.key() + (f.zone,) for f in b.external()) == want, 20,
               what="every entry, zones included, on B after the overruns")
    overruns = re.search(r"netlink overrun:\s+(\d+)", a.ctl("-s", "runtime").out)
    assert overruns and int(overruns.group(1)) > 0, "no overrun happened: the test proves nothing"


def test_control_commands(lab):
    """-t, -R, -B, -n, -x, -F and -k do what they say (and log it as the reference)."""
    a, b = start(lab)
    a.ct("-I", "-p", "udp", "-s", "10.1.1.6", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: external_srcs(b) == ["10.1.1.6"], 10, what="replication")
    assert "<flow>" in b.ctl("-e", "-x").out
    assert a.ctl("-f", "internal").rc == 0 and a.ctl("-i").out == ""
    assert a.ctl("-R").rc == 0                         # the internal cache from the kernel again
    wait_until(lambda: "10.1.1.6" in a.ctl("-i").out, 5, what="-R refilled the internal cache")
    assert b.ctl("-f", "external").rc == 0 and external_srcs(b) == []
    assert a.ctl("-B").rc == 0                         # A sends everything
    wait_until(lambda: external_srcs(b) == ["10.1.1.6"], 10, what="-B")
    assert b.ctl("-f", "external").rc == 0
    assert b.ctl("-n").rc == 0                         # B asks A for everything
    wait_until(lambda: external_srcs(b) == ["10.1.1.6"], 10, what="-n")
    assert b.ctl("-c").rc == 0 and "10.1.1.6" in b.ct("-L").out
    assert b.ctl("-F").rc == 0 and "10.1.1.6" not in b.ct("-L").out
    assert b.ctl("-t").rc == 0
    assert "flushing conntrack table in 60 secs" in b.log()
    log = a.log()
    for line in ("flushing internal cache", "resync with master conntrack table", "sending bulk update"):
        assert line in log, line
    assert "request resync" in b.log()
    assert a.ctl("-k").rc == 0
    wait_until(lambda: not a.running(), 10, what="-k stopped the daemon")


def test_helper_mode_is_refused(lab):
    lab.stop_daemons()
    a = lab["A"]
    text = ("Helper {\n\tType ftp inet tcp {\n\t\tQueueNum 5\n\t\tPolicy ftp {\n\t\t\tExpectMax 1\n"
            "\t\t\tExpectTimeout 300\n\t\t}\n\t}\n}\nGeneral {\n\tSystemd no\n\tLogFile %s\n"
            "\tLockFile %s\n\tUNIX {\n\t\tPath %s\n\t}\n}\n" % (a.path("log"), a.path("lock"), a.path("ctl")))
    a.configure("ctk", text)
    r = a.run(ctd_lab.binary("ctk") + ["-C", a.conf])
    assert r.rc == 1 and "Helper mode" in r.out + r.err, r


def test_link_failover(lab):
    """Two dedicated links: when the active one's interface goes down, the
    next takes over and replication goes on."""
    lab.stop_daemons()
    a, b = lab["A"], lab["B"]
    if "sync1" not in a.run(["ip", "link", "show"]).out:
        lab.veth("A", "sync1", "B", "sync1", ("192.168.78.1/24",), ("192.168.78.2/24",))
    for node, peer, me, other in ((a, b, "1", "2"), (b, a, "2", "1")):
        text = ctd_lab.make_config(node, peer, "FTFW", "UDP")
        second = ("\tUDP {\n\t\tIPv4_address 192.168.78.%s\n\t\tIPv4_Destination_Address 192.168.78.%s\n"
                  "\t\tPort %d\n\t\tInterface sync1\n\t}\n" % (me, other, ctd_lab.SYNC_PORT))
        node.configure("ctk", text.replace("\tOptions {", second + "\tOptions {", 1)
                       if "\tOptions {" in text else text.replace("}\nGeneral {", second + "}\nGeneral {", 1))
    lab.start()
    lab.flush()
    a.ct("-I", "-p", "udp", "-s", "10.1.1.7", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    wait_until(lambda: external_srcs(b) == ["10.1.1.7"], 10, what="replication on the first link")
    a.run(["ip", "link", "set", "sync0", "down"])
    try:
        wait_until(lambda: "device `sync1' becomes dedicated link" in a.log(), 10,
                   what="A's failover to sync1")
        a.ct("-I", "-p", "udp", "-s", "10.1.1.8", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
             "-t", "100", check=True)
        # (sync1's own datagrams are tracked and replicated too: only our entries count)
        wait_until(lambda: [s for s in external_srcs(b) if s.startswith("10.1.1.")] == ["10.1.1.7", "10.1.1.8"],
                   10, what="replication over the second link")
    finally:
        a.run(["ip", "link", "set", "sync0", "up"])
        lab.stop_daemons()


def test_systemd_ready_and_watchdog(lab):
    """Under systemd (NOTIFY_SOCKET set, Systemd not turned off) the daemon
    says READY=1 once it serves, and pets the watchdog."""
    import socket
    lab.stop_daemons()
    a, b = lab["A"], lab["B"]
    path = os.path.join(lab.tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    text = ctd_lab.make_config(a, b, "FTFW", "UDP").replace("\tSystemd no\n", "")
    a.configure("ctk", text)
    proc = lab.popen(a.ns, ["env", "NOTIFY_SOCKET=" + path, "WATCHDOG_USEC=400000"]
                     + ctd_lab.binary("ctk") + ["-C", a.conf])
    try:
        got = set()
        while not {"READY=1", "WATCHDOG=1"} <= got:
            got.update(sock.recv(4096).decode().split("\n"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        lab.bg.remove(proc)
        sock.close()


def test_kernelspace_filter_and_reliable_events(lab):
    """Filter From Kernelspace means what From Userspace means (ctkit
    applies both in user space), and NetlinkEventsReliable keeps events."""
    lab.stop_daemons()
    a, b = lab["A"], lab["B"]
    for node, peer in ((a, b), (b, a)):
        text = ctd_lab.make_config(node, peer, "FTFW", "UDP", options={"NetlinkEventsReliable": "on"})
        text = text.replace("Filter From Userspace {", "Filter From Kernelspace {\n\t\tProtocol Accept {\n"
                            "\t\t\tUDP\n\t\t}", 1)
        node.configure("ctk", text)
    lab.start()
    lab.flush()
    a.ct("-I", "-p", "udp", "-s", "10.1.1.9", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "-t", "100", check=True)
    a.ct("-I", "-p", "tcp", "-s", "10.1.1.10", "-d", "10.2.2.2", "--sport", "1", "--dport", "2",
         "--state", "ESTABLISHED", "-t", "100", check=True)
    wait_until(lambda: "10.1.1.9" in external_srcs(b), 10, what="the udp entry")
    time.sleep(1.5)  # FTFW's alive interval: the tcp entry had its chance to arrive
    assert "10.1.1.10" not in external_srcs(b)     # not an accepted protocol
    assert "10.1.1.10" not in a.ctl("-i").out


def test_daemon_mode(lab):
    """-d returns once the daemon serves (0), a second start is refused (1)."""
    lab.stop_daemons()
    a, b = lab["A"], lab["B"]
    a.configure("ctk", ctd_lab.make_config(a, b, "FTFW", "UDP"))
    for what in ("ctl", "lock"):
        if os.path.exists(a.path(what)):
            os.unlink(a.path(what))
    r = a.run(ctd_lab.binary("ctk") + ["-C", a.conf, "-d"])
    assert r.rc == 0, r
    try:
        assert a.ctl("-s").rc == 0                  # it serves as soon as -d returned
        r = a.run(ctd_lab.binary("ctk") + ["-C", a.conf, "-d"])
        assert r.rc == 1 and "perhaps conntrackd already running?" in r.err, r
    finally:
        a.ctl("-k")
    wait_until(lambda: not os.path.exists(a.path("lock")), 10, what="the lock file removed at exit")
