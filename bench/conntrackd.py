#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""conntrackd side by side: ctkit's and the reference's, same machine, same run.

    bench/conntrackd.py BUILD_DIR [N ...]     (root; N defaults to 100000 1000000)

Two network namespaces joined by a veth (the dedicated link), a daemon in each
(FTFW over UDP, default buffers and scheduler: only the paths, and HashSize and
HashLimit large enough for N). For each implementation and N:

  burst    A's kernel gets N entries as fast as bench/fill can create them; the
           time from the burst's start until B's external cache holds all N (or
           stops growing: the entries lost are reported), the replication rate,
           and how long after the kernel finished B was complete
  memory   the RSS each daemon grew by, per cached entry (A: internal cache,
           B: external cache)
  flush    `conntrack -F` on A until B's external cache is empty
  commit   a second burst replicated the same way, then A's daemon stopped and A's table
           emptied, and `conntrackd -c` on B into B's empty kernel table: seconds and
           entries/s. (The namespaces share one kernel, whose conntrack hash table is
           global: with A's entries still there, every insert on B would walk chains
           twice as long as on two real firewalls.)

Numbers are printed, never asserted (tests/integration/ checks behaviour).
nf_conntrack_max is global: it is raised for the run and put back afterwards.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
SIZES = [int(x) for x in sys.argv[2:]] or [100000, 1000000]
FILL = os.path.join(BUILD, "bench", "fill")
IMPLS = [("reference", "/usr/sbin/conntrackd"), ("ctkit", os.path.join(BUILD, "conntrackd"))]
TAG = "ctk-bench-ctd-%d" % os.getpid()
NODES = {"A": ("192.168.79.1", "192.168.79.2"), "B": ("192.168.79.2", "192.168.79.1")}

CONF = """Sync {
	Mode FTFW { }
	UDP Default {
		IPv4_address %(me)s
		IPv4_Destination_Address %(peer)s
		Port 3780
		Interface v%(node)s
	}
}
General {
	Systemd no
	HashSize %(hash)d
	HashLimit %(limit)d
	LogFile %(dir)s/%(node)s.log
	Syslog off
	LockFile %(dir)s/%(node)s.lock
	UNIX { Path %(dir)s/%(node)s.ctl }
	Filter From Userspace {
		Address Ignore { IPv4_address 127.0.0.1
			IPv4_address 192.168.79.0/24 }
	}
}
"""


def sh(*cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(list(cmd), **kw)


def ns(node, *cmd, **kw):
    return sh("ip", "netns", "exec", TAG + node, *cmd, **kw)


class Pair:
    def __init__(self, binary, n):
        self.binary, self.n = binary, n
        self.dir = tempfile.mkdtemp(prefix="ctk-bench-ctd-")
        self.procs = {}

    def up(self):
        for node in NODES:
            sh("ip", "netns", "add", TAG + node)
        sh("ip", "link", "add", "vA", "netns", TAG + "A", "type", "veth", "peer", "name", "vB",
           "netns", TAG + "B")
        for node, (me, _) in NODES.items():
            ns(node, "ip", "addr", "add", me + "/24", "dev", "v" + node)
            ns(node, "ip", "link", "set", "v" + node, "up")
            ns(node, "ip", "link", "set", "lo", "up")
            with open(self.conf(node), "w") as f:
                f.write(CONF % {"me": me, "peer": NODES[node][1], "node": node, "dir": self.dir,
                                "hash": 1 << 20, "limit": 4 * self.n})
        for node in NODES:
            self.procs[node] = subprocess.Popen(
                ["ip", "netns", "exec", TAG + node, self.binary, "-C", self.conf(node)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not all(os.path.exists(os.path.join(self.dir, n + ".ctl")) for n in NODES):
            if time.monotonic() > deadline:
                raise RuntimeError("daemons did not start")
            time.sleep(0.05)
        time.sleep(1.5)  # FTFW hello

    def stop(self, node):
        p = self.procs.pop(node)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)

    def down(self):
        for p in self.procs.values():
            p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for node in NODES:
            sh("ip", "netns", "del", TAG + node, check=False)

    def conf(self, node):
        return os.path.join(self.dir, node + ".conf")

    def ctl(self, node, *args):
        r = ns(node, self.binary, "-C", self.conf(node), *args, capture_output=True, text=True,
               check=False)
        return r.stdout

    def external_count(self):
        m = re.search(r"cache external:\ncurrent active connections:\s+(\d+)", self.ctl("B", "-s"))
        return int(m.group(1)) if m else -1

    def rss_kib(self, node):
        # ip netns exec execs the daemon: the pid is the daemon's
        with open("/proc/%d/status" % self.procs[node].pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def wait_count(pair, want, timeout):
    """Poll B's external cache until it holds @want entries or stops changing."""
    last, last_change = -2, time.monotonic()
    while True:
        count = pair.external_count()
        now = time.monotonic()
        if count == want:
            return count, now
        if count != last:
            last, last_change = count, now
        elif now - last_change > timeout:
            return count, last_change
        time.sleep(0.02)


def run(name, binary, n):
    pair = Pair(binary, n)
    try:
        pair.up()
        rss0 = {node: pair.rss_kib(node) for node in NODES}
        start = time.monotonic()
        ns("A", FILL, str(n), "--mix", "--timeout", "3600", stdout=subprocess.DEVNULL)
        kernel_done = time.monotonic()
        got, complete = wait_count(pair, n, 5.0)
        rss1 = {node: pair.rss_kib(node) for node in NODES}
        t0 = time.monotonic()
        ns("A", "conntrack", "-F", capture_output=True)
        left, emptied = wait_count(pair, 0, 5.0)
        flush = emptied - t0
        # the commit: a fresh burst, then B alone in the kernel's hash table
        ns("A", FILL, str(n), "--mix", "--timeout", "3600", "--start", str(n),
           stdout=subprocess.DEVNULL)
        wait_count(pair, n, 5.0)
        pair.stop("A")
        ns("A", "conntrack", "-F", capture_output=True)
        t0 = time.monotonic()
        ns("B", binary, "-C", pair.conf("B"), "-c", capture_output=True, check=False)
        commit = time.monotonic() - t0
        committed = int(ns("B", "conntrack", "-C", capture_output=True, text=True).stdout or 0)
        per = {node: (rss1[node] - rss0[node]) * 1024.0 / max(got, 1) for node in NODES}
        print("%-10s %8d %9d %8d %9.2f %9.0f %9.2f %8.0f %8.0f %8.2f %9.0f %8.2f%s" % (
            name, n, got, n - got, kernel_done - start, got / max(complete - start, 1e-9),
            max(0.0, complete - kernel_done), per["A"], per["B"], commit,
            committed / max(commit, 1e-9), flush, "" if left == 0 else " (%d left)" % left))
        sys.stdout.flush()
    finally:
        pair.down()


def main():
    if os.geteuid() != 0:
        print("bench/conntrackd.py: needs root (network namespaces); skipped")
        return 0
    old = sh(FILL, "--ensure-max", str(max(SIZES) * 2 + 1000), capture_output=True,
             text=True).stdout.strip()
    try:
        print("conntrackd: FTFW over UDP, default buffers; burst of N creates on A, replicated to B")
        print("%-10s %8s %9s %8s %9s %9s %9s %8s %8s %8s %9s %8s" % (
            "daemon", "N", "on B", "lost", "burst s", "repl/s", "B late s", "A B/ent",
            "B B/ent", "commit s", "commit/s", "flush s"))
        for n in SIZES:
            for name, binary in IMPLS:
                run(name, binary, n)
    finally:
        if old.isdigit():
            sh(FILL, "--restore-max", old, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
