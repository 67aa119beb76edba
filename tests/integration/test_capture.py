# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack --capture IFACE: live capture with libpcap (root).

A namespace of ctharness.Lab gets a veth pair to a peer namespace
(cap0 10.77.0.1 <-> cap1 10.77.0.2, IPv6 off so that nothing else talks);
the peer sends UDP and TCP to servers on the capturing side. conntrack runs
in the background on cap0 (or "any"), is stopped with SIGINT once the
traffic is over, and must have printed every packet or event and the
command's summary, exit 0. tests/tools/pcap_frames shows the interface name
and direction of every captured frame. Usage and permission errors fail
cleanly. The veths carry partial checksums (tx offload), hence
nf_conntrack_checksum=0."""
import json
import os
import select
import signal
import subprocess
import time

import pytest

import ctharness

pytestmark = pytest.mark.skipif(ctharness.need_root() is not None,
                                reason=ctharness.need_root() or "")

NOCSUM = ["--sysctl", "nf_conntrack_checksum=0"]
SERVE = """
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.77.0.1", 5000))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("10.77.0.1", 6000)); t.listen(4)
print("ready", flush=True)
for _ in range(2):
    d, a = u.recvfrom(100); u.sendto(d, a)
c, _ = t.accept(); c.sendall(c.recv(100)); c.close()
"""
CLIENT = """
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(10)
u.bind(("10.77.0.2", 40000))
for m in (b"a", b"b"):
    u.sendto(m, ("10.77.0.1", 5000)); assert u.recvfrom(100)[0] == m
t = socket.create_connection(("10.77.0.1", 6000), timeout=10, source_address=("10.77.0.2", 40001))
t.sendall(b"hello"); assert t.recv(100) == b"hello"
assert t.recv(100) == b""; t.close()
print("done", flush=True)
"""


@pytest.fixture
def lab():
    ctharness.remove_stale()
    lab = ctharness.Lab().create(topology=False)
    try:
        ctharness.sh(["ip", "link", "add", "cap0", "netns", lab.ns, "type", "veth", "peer",
                      "name", "cap1", "netns", lab.cli])
        for ns, dev, addr in ((lab.ns, "cap0", "10.77.0.1/24"), (lab.cli, "cap1", "10.77.0.2/24")):
            lab.sysctl("net/ipv6/conf/%s/disable_ipv6" % dev, 1, ns)
            ctharness.sh(["ip", "-n", ns, "addr", "add", addr, "dev", dev])
            ctharness.sh(["ip", "-n", ns, "link", "set", dev, "up"])
        yield lab
    finally:
        lab.destroy()


def start(lab, argv):
    """@argv in the capturing namespace, once it waits for packets in poll()."""
    p = subprocess.Popen(lab.prefix() + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lab.bg.append(p)
    deadline = time.monotonic() + 30            # a guard against a hang, not a measurement
    while time.monotonic() < deadline and p.poll() is None:
        try:
            with open("/proc/%d/syscall" % p.pid) as f:
                nr = f.read().split()[0]
        except (OSError, IndexError):
            nr = ""
        if nr in ("7", "271"):                  # poll, ppoll: libpcap waits for packets
            return p
        time.sleep(0.02)
    raise RuntimeError("the capture did not start: %r" % (p.communicate(timeout=10),))


def traffic(lab):
    server = lab.popen(lab.ns, [ctharness.PYTHON, "-c", SERVE])
    assert server.stdout.readline().strip() == "ready"
    r = lab.run([ctharness.PYTHON, "-c", CLIENT], ns=lab.cli)
    assert r.rc == 0 and r.out.strip() == "done", r
    server.wait(timeout=20)


def stop(p, sig=signal.SIGINT):
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    return p.returncode, out.decode(), err.decode()


def read_lines_until(p, pred, limit=30):
    """Lines the running process has flushed, until one satisfies @pred (it must come)."""
    lines, buf = [], b""
    deadline = time.monotonic() + limit
    fd = p.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            lines.append(line.decode())
            if pred(lines[-1]):
                return lines, buf
    raise AssertionError("not printed while running: %r" % lines)


def ctk(*args):
    return ctharness.ctk_cmd() + list(args)


# ---- the commands on a live capture ---------------------------------------------------

def test_packets_json_flushed_and_summary_on_sigint(lab):
    p = start(lab, ctk("--capture", "cap0", *NOCSUM, "--packets", "-o", "json"))
    traffic(lab)
    # each verdict is out as its packet is: the TCP FIN's line comes before any signal
    early, rest = read_lines_until(p, lambda line: '"dport":6000' in line and
                                   json.loads(line)["state"] == "established" and
                                   json.loads(line)["direction"] == "reply")
    rc, out, err = stop(p)
    assert rc == 0, err
    lines = early + (rest.decode() + out).splitlines()
    objs = [json.loads(line) for line in lines]
    assert [o["packet"] for o in objs] == sorted(o["packet"] for o in objs)
    udp = [(o["state"], o["direction"]) for o in objs if o["l4proto"] == "udp"]
    assert udp == [("new", "original"), ("established", "reply"),
                   ("established", "original"), ("established", "reply")]
    tcp = [o for o in objs if o["l4proto"] == "tcp"]
    assert tcp[0]["state"] == "new" and tcp[0]["orig"]["sport"] == 40001
    assert all(o["state"] == "established" for o in tcp[1:])
    assert err.endswith("conntrack v1.4.7 (ctkit): %d packets have been shown.\n" % len(objs))


def test_events_and_idle_stop(lab):
    p = start(lab, ctk("--capture", "cap0", *NOCSUM, "-E"))
    traffic(lab)
    early, rest = read_lines_until(p, lambda line: "TIME_WAIT" in line)
    rc, out, err = stop(p, signal.SIGTERM)
    assert rc == 0, err
    lines = early + (rest.decode() + out).splitlines()
    assert lines[0].startswith("    [NEW] udp      17 30 src=10.77.0.2 dst=10.77.0.1 sport=40000 dport=5000")
    assert lines[1].startswith(" [UPDATE] udp      17 30 src=10.77.0.2")
    assert any(line.startswith("    [NEW] tcp      6 120 SYN_SENT src=10.77.0.2") for line in lines)
    assert err.endswith("conntrack v1.4.7 (ctkit): %d flow events have been shown.\n" % len(lines))
    # stopped before any packet: nothing, and the summary says so
    p = start(lab, ctk("--capture", "cap0", *NOCSUM, "-E"))
    rc, out, err = stop(p)
    assert (rc, out) == (0, "") and err.endswith(" 0 flow events have been shown.\n"), err


def test_events_expire_without_packets(lab):
    """An idle capture still runs expiry: the UDP entry's DESTROY comes without a next packet."""
    p = start(lab, ctk("--capture", "cap0", *NOCSUM, "--sysctl", "nf_conntrack_udp_timeout=1",
                       "--sysctl", "nf_conntrack_udp_timeout_stream=1", "-E", "-p", "udp"))
    traffic(lab)
    early, rest = read_lines_until(p, lambda line: line.startswith("[DESTROY] udp"))
    rc, out, err = stop(p)
    assert rc == 0, err
    lines = early + (rest.decode() + out).splitlines()
    assert [line.split()[0] for line in lines] == ["[NEW]", "[UPDATE]", "[DESTROY]"]
    assert err.endswith(" 3 flow events have been shown.\n"), err


def test_list_and_count_at_stop(lab):
    p = start(lab, ctk("--capture", "cap0", *NOCSUM, "-L", "-o", "extended"))
    c = start(lab, ctk("--capture", "cap0", *NOCSUM, "-C"))
    traffic(lab)
    rc, out, err = stop(p)
    assert rc == 0, err
    lines = out.splitlines()
    assert len(lines) == 2, out
    udp = [line for line in lines if " udp " in line]
    tcp = [line for line in lines if " tcp " in line]
    assert udp and "src=10.77.0.2 dst=10.77.0.1 sport=40000 dport=5000 src=10.77.0.1" in udp[0]
    assert tcp and "sport=40001 dport=6000" in tcp[0]
    assert err.endswith("conntrack v1.4.7 (ctkit): 2 flow entries have been shown.\n")
    rc, out, err = stop(c)
    assert (rc, out) == (0, "2\n"), err


def test_capture_filter(lab):
    p = start(lab, ctk("--capture", "cap0", "--capture-filter", "tcp and port 6000", *NOCSUM,
                       "--packets", "-o", "json"))
    traffic(lab)
    rc, out, err = stop(p)
    assert rc == 0, err
    objs = [json.loads(line) for line in out.splitlines()]
    assert objs and all(o["l4proto"] == "tcp" for o in objs)
    assert err.endswith(" %d packets have been shown.\n" % len(objs))


def test_any_interface(lab):
    p = start(lab, ctk("--capture", "any", *NOCSUM, "--packets", "-o", "json"))
    traffic(lab)
    rc, out, err = stop(p)
    assert rc == 0, err
    udp = [json.loads(line) for line in out.splitlines() if '"udp"' in line]
    assert [o["state"] for o in udp] == ["new", "established", "established", "established"]


# ---- interface names and directions of captured frames -----------------------------------

@pytest.mark.parametrize("iface,linktype", [("cap0", "1"), ("any", "276")])
def test_frames_name_interface_and_direction(lab, iface, linktype):
    tool = os.path.join(os.path.dirname(ctharness.ctk_cmd()[-1]), "tests", "tools", "pcap_frames")
    if not os.path.exists(tool):
        pytest.skip("build tests/tools/pcap_frames first (make all)")
    p = subprocess.Popen(lab.prefix() + [tool, "--capture", iface, "udp"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    lab.bg.append(p)
    assert p.stderr.readline().decode().strip() == "capturing"
    traffic(lab)
    rc, out, err = stop(p)
    assert rc == 0, err
    got = [line.split()[2:5] for line in out.splitlines()]
    # requests come in from the peer, the echoes go out
    assert got == [[linktype, "cap0", "in"], [linktype, "cap0", "out"]] * 2


# ---- errors --------------------------------------------------------------------------

def test_errors(lab):
    r = lab.ctk(["--capture", "cap0", "--capture-filter", "tcp portt 1", "-L"])
    assert r.rc == 2 and "--capture-filter `tcp portt 1'" in r.err and r.out == "", r
    r = lab.ctk(["--capture", "nosuch0", "-L"])
    assert r.rc == 1 and "can't capture on `nosuch0'" in r.err, r
    r = lab.ctk(["--capture", "cap0", "--pcap", "x.pcap", "-L"])
    assert r.rc == 2 and "Illegal option `--capture' with `--pcap'" in r.err, r
    r = lab.ctk(["--capture-filter", "tcp", "-L"])
    assert r.rc == 2 and "without `--capture'" in r.err, r
    r = lab.ctk(["--capture", "cap0", "-F"])
    assert r.rc == 2 and "Illegal option `--capture' with this command" in r.err, r


def test_not_root(lab):
    """Without CAP_NET_RAW: a clear error, not a hang or an empty table."""
    r = lab.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all"] + ctk("--capture", "cap0", "-L"))
    assert r.rc == 1 and "CAP_NET_RAW" in r.err and r.out == "", r
