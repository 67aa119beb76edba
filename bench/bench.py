# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctkit's conntrack against the reference at 100 k and 1 M entries.

  bench.py BUILD_DIR   (bench/run.sh calls it as root)

Everything runs in a throwaway network namespace. The table is filled with
BUILD/bench/fill (batched creates, mixed protocols/families/marks) or, when
that is missing, with a generated `-R` file loaded by the reference. Each
command runs RUNS times per tool (interleaved), stdout to /dev/null; the table
shows medians of the wall time, their ratio (reference / ctkit, >1 = ctkit
faster) and the peak RSS (getrusage of the child). rawdump is the floor: a
bare netlink dump that only counts. nf_conntrack_max is global: it is raised
when needed and always put back.
"""
import ctypes
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REF = "/usr/sbin/conntrack"
MAX_PATH = "/proc/sys/net/netfilter/nf_conntrack_max"
SIZES = [int(s) for s in os.environ.get("SIZES", "100000 1000000").split()]
RUNS = int(os.environ.get("RUNS", "3"))
COMMANDS = [("-L", ["-L"]), ("-L -o extended", ["-L", "-o", "extended"]),
            ("-L -p tcp --dport 80", ["-L", "-p", "tcp", "--dport", "80"]),
            ("-C", ["-C"]), ("-F (refilled)", ["-F"])]


LIBC = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def enter_netns(ns):
    """preexec hook: join ns without a wrapper program."""
    def enter():
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        if LIBC.setns(fd, CLONE_NEWNET) != 0:
            os._exit(126)
        os.close(fd)
    return enter


def timed(ns, argv):
    """(seconds, peak RSS in MiB, exit code) of one run inside ns. The peak
    RSS comes from /usr/bin/time: a direct child of this python process would
    inherit python's high-water mark through fork+exec."""
    rss_file = os.path.join(tempfile.gettempdir(), "ctk-bench-rss-%d" % os.getpid())
    with open(os.devnull, "w") as null:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv, stdout=null,
                           stderr=null, preexec_fn=enter_netns(ns))
        dt = time.perf_counter() - t0
    with open(rss_file) as f:
        lines = f.read().split()
    os.unlink(rss_file)
    return dt, int(lines[-1]) / 1024.0, p.returncode


class Bench:
    def __init__(self, build):
        self.build = build
        self.ctk = os.path.join(build, "conntrack")
        self.fill_bin = os.path.join(build, "bench", "fill")
        self.rawdump = os.path.join(build, "bench", "rawdump")
        self.ns = "ctk-bench-%d" % os.getpid()
        self.old_max = None
        self.tmp = tempfile.mkdtemp(prefix="ctk-bench-")

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL)
        self.restore_max()
        subprocess.run(["rm", "-rf", self.tmp])

    def ensure_max(self, n):
        with open(MAX_PATH) as f:
            cur = int(f.read())
        if cur >= n:
            return
        if self.old_max is None:
            self.old_max = cur
        with open(MAX_PATH, "w") as f:
            f.write(str(n))
        print("note: global net.netfilter.nf_conntrack_max raised %d -> %d for the run "
              "(restored at the end)" % (cur, n), file=sys.stderr)

    def restore_max(self):
        if self.old_max is not None:
            with open(MAX_PATH, "w") as f:
                f.write(str(self.old_max))
            print("note: nf_conntrack_max restored to %d" % self.old_max, file=sys.stderr)
            self.old_max = None

    def in_ns(self, argv, **kw):
        return subprocess.run(["ip", "netns", "exec", self.ns] + argv, **kw)

    def fill(self, n):
        self.in_ns([REF, "-F"], stderr=subprocess.DEVNULL)
        if os.access(self.fill_bin, os.X_OK):
            self.in_ns([self.fill_bin, str(n), "--mix", "--timeout", "7200"],
                       stderr=subprocess.DEVNULL, check=True)
        else:
            path = os.path.join(self.tmp, "fill-%d.txt" % n)
            if not os.path.exists(path):
                with open(path, "w") as f:
                    for i in range(n):
                        proto = "tcp" if i % 10 < 6 else "udp"
                        state = " --state ESTABLISHED" if proto == "tcp" else ""
                        f.write("-I -p %s -s 10.%d.%d.%d -d 172.16.0.1 --sport %d --dport %d%s -t 7200 -m %d\n" % (
                            proto, i >> 16 & 255, i >> 8 & 255, i & 255, 1024 + i % 50000,
                            80 if i % 5 == 0 else 443, state, i % 10))
            self.in_ns([REF, "-R", path], check=True)
        got = self.in_ns([REF, "-C"], stdout=subprocess.PIPE, text=True).stdout.strip()
        return int(got or 0)

    def run(self):
        rows = []
        for n in SIZES:
            self.ensure_max(int(n * 1.1) + 1000)
            t0 = time.perf_counter()
            have = self.fill(n)
            print("filled %d entries (%d asked) in %.1f s" % (have, n, time.perf_counter() - t0), file=sys.stderr)
            if os.access(self.rawdump, os.X_OK):
                res = [timed(self.ns, [self.rawdump]) for _ in range(RUNS)]
                rows.append((have, "rawdump (floor)", med(res, 0), None, max(r[1] for r in res), None))
            for label, args in COMMANDS:
                ctk_res, ref_res = [], []
                for _ in range(RUNS):
                    for prog, out in ((self.ctk, ctk_res), (REF, ref_res)):
                        if args == ["-F"]:
                            self.fill(n)
                        out.append(timed(self.ns, [prog] + args))
                bad = [r[2] for r in ctk_res + ref_res if r[2] not in (0,)]
                rows.append((have, label + (" (exit %s)" % bad[0] if bad else ""), med(ctk_res, 0),
                             med(ref_res, 0), max(r[1] for r in ctk_res), max(r[1] for r in ref_res)))
            self.in_ns([REF, "-F"], stderr=subprocess.DEVNULL)
        print_table(rows)


def med(results, i):
    return statistics.median(r[i] for r in results)


def print_table(rows):
    head = ("entries", "command", "ctkit s", "ref s", "ref/ctkit", "ctkit MiB", "ref MiB")
    fmt = "%-8s  %-28s  %9s  %9s  %9s  %9s  %9s"
    print(fmt % head)
    print(fmt % tuple("-" * len(h) for h in head))
    for n, label, c, r, cm, rm in rows:
        ratio = "%.2fx" % (r / c) if r is not None and c > 0 else "-"
        print(fmt % (n, label, "%.3f" % c, "-" if r is None else "%.3f" % r, ratio,
                     "%.1f" % cm, "-" if rm is None else "%.1f" % rm))
    print("medians of %d runs; stdout to /dev/null; RSS = peak resident set of the process" % RUNS)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench.py BUILD_DIR")
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    with Bench(os.path.abspath(sys.argv[1])) as b:
        if not os.access(b.ctk, os.X_OK):
            sys.exit("bench: %s missing; run make first" % b.ctk)
        try:
            b.run()
        except KeyboardInterrupt:
            sys.exit(130)


if __name__ == "__main__":
    main()
