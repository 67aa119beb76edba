# SPDX-License-Identifier: LGPL-2.1-or-later
"""Namespaces and process helpers shared by the integration tests.

One Lab = a router namespace (where conntrack runs and the nft ruleset makes
conntrack active, with NAT, an ftp helper and a label rule), a client and a
server namespace on either side over veth, and a private mount namespace in
which /etc is an overlay, so a test connlabel.conf exists only for us.
"""
import itertools
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
PYTHON = "/usr/bin/python3"
REF = ["/usr/sbin/conntrack"]
RUN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TZ": "UTC", "LC_ALL": "C"}
# sanitizer settings of `make check` reach the programs under test
RUN_ENV.update({k: v for k, v in os.environ.items()
                if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS")})

CONNLABEL = "0 zero\n1 one\n2 two\n5 five\n7 seven\n"

# client 10.81.1.2 <-> 10.81.1.1 router 10.81.2.1 <-> 10.81.2.2 server (+ fd81:N::/64)
RULESET = """
table ip ctknat {
	chain pre { type nat hook prerouting priority -100; iifname "r-cli" tcp dport 8080 dnat to 10.81.2.2:80; }
	chain post { type nat hook postrouting priority 100; oifname "r-srv" tcp dport 7000 masquerade; oifname "r-srv" udp dport 7001 masquerade; }
}
table inet ctk {
	ct helper ftp-std {
		type "ftp" protocol tcp
	}
	chain forward_ct {
		type filter hook forward priority 0;
		ct state new counter
		tcp dport 21 ct helper set "ftp-std"
		tcp dport 9000 ct label set five
		tcp dport 7000 ct label set two
	}
	chain input_ct { type filter hook input priority 0; ct state new counter; }
}
"""

_seq = itertools.count()


def ctk_cmd():
    """ctkit's conntrack, split like a shell would (CONNTRACK='valgrind x')."""
    value = os.environ.get("CONNTRACK") or os.path.join(REPO, "build", "conntrack")
    return shlex.split(value)


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return "Result(rc=%d, out=%r, err=%r)" % (self.rc, self.out, self.err)


def sh(argv, check=True, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if check and p.returncode:
        raise RuntimeError("%s: rc %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


class Lab:
    def __init__(self):
        n = next(_seq)
        base = "ctk-test-%d-%d" % (os.getpid(), n)
        self.ns, self.cli, self.srv = base, base + "c", base + "s"
        self.tmp = tempfile.mkdtemp(prefix="ctk-test-")
        self.holder = None
        self.bg = []
        self.hold_proc = None

    # --- life cycle -------------------------------------------------------

    def create(self, topology=True):
        try:
            self._create(topology)
        except BaseException:
            self.destroy()
            raise
        return self

    def _create(self, topology):
        for ns in (self.ns, self.cli, self.srv):
            sh(["ip", "netns", "add", ns])
        self._start_mount_holder()
        for key, val in (("nf_conntrack_acct", 1), ("nf_conntrack_timestamp", 1),
                         ("nf_conntrack_icmp_timeout", 600), ("nf_conntrack_icmpv6_timeout", 600),
                         ("nf_conntrack_udp_timeout", 600)):
            self.sysctl("net/netfilter/" + key, val)
        for ns in (self.ns, self.cli, self.srv):
            sh(["ip", "-n", ns, "link", "set", "lo", "up"])
            # no duplicate address detection: addresses usable at once
            self.sysctl("net/ipv6/conf/default/accept_dad", 0, ns)
            self.sysctl("net/ipv6/conf/all/accept_dad", 0, ns)
        if topology:
            self._topology()

    def _topology(self):
        ip = lambda ns, *a: sh(["ip", "-n", ns] + list(a))
        sh(["ip", "link", "add", "r-cli", "netns", self.ns, "type", "veth", "peer", "name", "c0", "netns", self.cli])
        sh(["ip", "link", "add", "r-srv", "netns", self.ns, "type", "veth", "peer", "name", "s0", "netns", self.srv])
        for ns, dev, v4, v6 in ((self.ns, "r-cli", "10.81.1.1/24", "fd81:1::1/64"),
                                (self.ns, "r-srv", "10.81.2.1/24", "fd81:2::1/64"),
                                (self.cli, "c0", "10.81.1.2/24", "fd81:1::2/64"),
                                (self.srv, "s0", "10.81.2.2/24", "fd81:2::2/64")):
            ip(ns, "addr", "add", v4, "dev", dev)
            ip(ns, "-6", "addr", "add", v6, "dev", dev, "nodad")
            ip(ns, "link", "set", dev, "up")
        ip(self.cli, "route", "add", "default", "via", "10.81.1.1")
        ip(self.cli, "-6", "route", "add", "default", "via", "fd81:1::1")
        ip(self.srv, "route", "add", "default", "via", "10.81.2.1")
        ip(self.srv, "-6", "route", "add", "default", "via", "fd81:2::1")
        self.sysctl("net/ipv4/ip_forward", 1)
        self.sysctl("net/ipv6/conf/all/forwarding", 1)
        r = self.run(["nft", "-f", "-"], stdin=RULESET)
        if r.rc:
            raise RuntimeError("nft: " + r.err)
        serve = self.popen(self.srv, [PYTHON, os.path.join(HERE, "traffic.py"), "serve"])
        if serve.stdout.readline().strip() != "ready":
            raise RuntimeError("traffic server did not start")

    def _start_mount_holder(self):
        for d in ("upper", "work"):
            os.mkdir(os.path.join(self.tmp, d))
        script = ("mount -t overlay overlay -o lowerdir=/etc,upperdir={t}/upper,workdir={t}/work /etc && "
                  "mkdir -p /etc/xtables && cat > /etc/xtables/connlabel.conf && "
                  "cp /etc/xtables/connlabel.conf /etc/connlabel.conf && echo ready && exec sleep 1000000"
                  ).format(t=self.tmp)
        self.holder = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.holder.stdin.write(CONNLABEL)
        self.holder.stdin.close()
        if self.holder.stdout.readline().strip() != "ready":
            raise RuntimeError("cannot set up the private mount namespace")

    def destroy(self):
        for p in self.bg + ([self.hold_proc] if self.hold_proc else []) + ([self.holder] if self.holder else []):
            if p.poll() is None:
                p.kill()
            p.wait()
        self.bg, self.hold_proc, self.holder = [], None, None
        for ns in (self.ns, self.cli, self.srv):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- running things ---------------------------------------------------

    def prefix(self, ns=None):
        return ["nsenter", "-t", str(self.holder.pid), "-m", "--net=/run/netns/" + (ns or self.ns),
                "--", "env", "-i"] + ["%s=%s" % kv for kv in RUN_ENV.items()]

    def run(self, argv, stdin=None, ns=None, timeout=20):
        if isinstance(stdin, str):
            stdin = stdin.encode()
        p = subprocess.run(self.prefix(ns) + list(argv), input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
        return Result(rc, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))

    def popen(self, ns, argv):
        p = subprocess.Popen(self.prefix(ns) + list(argv), stdout=subprocess.PIPE, text=True)
        self.bg.append(p)
        return p

    def sysctl(self, key, val, ns=None):
        r = self.run(["sh", "-c", "echo %s > /proc/sys/%s" % (val, key)], ns=ns)
        if r.rc:
            raise RuntimeError("sysctl %s: %s" % (key, r.err))

    def ref(self, args, stdin=None):
        return self.run(REF + list(args), stdin=stdin)

    def ctk(self, args, stdin=None):
        return self.run(ctk_cmd() + list(args), stdin=stdin)

    # --- table states -----------------------------------------------------

    def flush(self):
        self.ref(["-F"])
        self.ref(["-F", "expect"])

    def traffic(self):
        r = self.run([PYTHON, os.path.join(HERE, "traffic.py"), "client", "10.81.2.2", "fd81:2::2",
                      "10.81.1.1"], ns=self.cli)
        if r.rc:
            raise RuntimeError("traffic client: " + r.err)

    def hold(self):
        """A fresh idle ESTABLISHED TCP connection (the previous one is dropped)."""
        if self.hold_proc:
            self.hold_proc.kill()
            self.hold_proc.wait()
        self.hold_proc = subprocess.Popen(self.prefix(self.cli) + [
            PYTHON, os.path.join(HERE, "traffic.py"), "hold", "10.81.2.2", "9000"],
            stdout=subprocess.PIPE, text=True)
        if self.hold_proc.stdout.readline().strip() != "held":
            raise RuntimeError("hold connection failed")
        time.sleep(0.05)


def remove_stale():
    """Namespaces of an earlier run that was killed (its pid is gone):
    stop what runs inside them and delete them."""
    names = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE, text=True).stdout.split()
    for ns in names:
        m = re.match(r"^ctk-test-(\d+)-\d+[cs]?$", ns)     # exactly the names Lab makes
        if not m or os.path.exists("/proc/" + m.group(1)):
            continue
        pids = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


def need_root():
    """None when we can run, else the reason to skip."""
    if os.geteuid() == 0:
        return None
    return "integration tests need root (network namespaces, netlink); run with sudo"
