# SPDX-License-Identifier: LGPL-2.1-or-later
"""Operations at fleet scale (issue 15): many namespaces at once.

  fleet.py BUILD_DIR   (make bench calls it as root)

"--netns all": NETNS (50) throwaway namespaces of PER_NS (10 000) entries
each (BUILD/bench/fill --mix), listed by one `conntrack -L --netns all`
against the sum of one `conntrack -L --netns NAME` per namespace (a
process each, as a script looping over the namespaces would run it).
Target: at most 1.3x the sum. Both outputs go to /dev/null; the machine's
other namespaces (its own, usually empty) are part of "all", as they would
be for an operator. Runs alternate; medians of RUNS.

"scrape": one namespace of SCRAPE_ENTRIES (1 000 000) entries followed by
ctkit-exporter; the time of a /metrics scrape (median and worst of
SCRAPES, client inside the namespace), against the exporter's own
startup count and what an exporter that dumps at every scrape would pay
(`conntrack -C` and `conntrack -L` of the reference). Target: under 50 ms.
The exporter's memory (VmRSS) is reported too.

Every namespace is created here and removed at the end, whatever happens.
"""
import os
import signal
import statistics
import subprocess
import sys
import time

NETNS = int(os.environ.get("FLEET_NETNS", "50"))
PER_NS = int(os.environ.get("FLEET_PER_NS", "10000"))
RUNS = int(os.environ.get("RUNS", "5"))
SCRAPE_ENTRIES = int(os.environ.get("SCRAPE_ENTRIES", "1000000"))
SCRAPES = int(os.environ.get("SCRAPES", "20"))
MAX_PATH = "/proc/sys/net/netfilter/nf_conntrack_max"

SCRAPE = """
import statistics, sys, time, urllib.request
times = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    body = urllib.request.urlopen(sys.argv[1], timeout=30).read()
    times.append(time.perf_counter() - t0)
print(statistics.median(times), max(times), len(body))
"""


def run(argv):
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv[:4]), p.returncode, p.stderr))
    return dt, p.stderr


class Fleet:
    def __init__(self, build):
        self.ctk = os.path.join(build, "conntrack")
        self.fill = os.path.join(build, "bench", "fill")
        self.names = ["ctk-fleet-%d-%d" % (os.getpid(), i) for i in range(NETNS)]
        self.made = []

    def __enter__(self):
        for name in self.names:
            subprocess.run(["ip", "netns", "add", name], check=True)
            self.made.append(name)
            subprocess.run(["ip", "netns", "exec", name, self.fill, str(PER_NS), "--mix",
                            "--timeout", "7200"], stderr=subprocess.DEVNULL, check=True)
        return self

    def __exit__(self, *exc):
        for name in self.made:
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)

    def one_by_one(self):
        return sum(run([self.ctk, "-L", "--netns", name])[0] for name in self.names)

    def all_at_once(self):
        dt, err = run([self.ctk, "-L", "--netns", "all"])
        shown = int(err.split("): ")[-1].split()[0])
        if shown < NETNS * PER_NS:
            raise RuntimeError("--netns all showed %d entries, want >= %d" % (shown, NETNS * PER_NS))
        return dt

    def bench(self):
        alls, sums = [], []
        for _ in range(RUNS):
            alls.append(self.all_at_once())
            sums.append(self.one_by_one())
        a, s = statistics.median(alls), statistics.median(sums)
        print("%-44s  %8s  %8s  %6s" % ("fleet", "ctkit s", "sum s", "ratio"))
        print("%-44s  %8.3f  %8.3f  %6.2f  (target <= 1.3)" % (
            "-L --netns all, %d ns x %d entries" % (NETNS, PER_NS), a, s, a / s))
        print("medians of %d alternating runs; 'sum' = one -L --netns NAME per namespace" % RUNS)


def scrape_bench(build):
    """ctkit-exporter over SCRAPE_ENTRIES entries: scrape time and memory."""
    ns = "ctk-scrape-%d" % os.getpid()
    exporter = os.path.join(build, "ctkit-exporter")
    with open(MAX_PATH) as f:
        old_max = int(f.read())
    proc = None
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        if old_max < SCRAPE_ENTRIES * 1.1:
            with open(MAX_PATH, "w") as f:
                f.write(str(int(SCRAPE_ENTRIES * 1.1)))
        inns = ["ip", "netns", "exec", ns]
        subprocess.run(inns + ["ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(inns + [os.path.join(build, "bench", "fill"), str(SCRAPE_ENTRIES), "--mix",
                               "--timeout", "7200"], stderr=subprocess.DEVNULL, check=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(inns + [exporter, "--listen", "127.0.0.1:9466"],
                                stderr=subprocess.PIPE, text=True)
        line = proc.stderr.readline()
        start = time.perf_counter() - t0
        if "listening" not in line:
            raise RuntimeError("exporter: " + line)
        out = subprocess.run(inns + ["/usr/bin/python3", "-c", SCRAPE, "http://127.0.0.1:9466/metrics",
                                     str(SCRAPES)], capture_output=True, text=True, check=True).stdout
        med, worst, size = out.split()
        # ip netns exec execs the exporter: the pid is its own
        with open("/proc/%d/status" % proc.pid) as f:
            rss = [l.split()[1] for l in f if l.startswith("VmRSS")][0]
        count = run(inns + ["/usr/sbin/conntrack", "-C"])[0]
        dump = run(inns + ["/usr/sbin/conntrack", "-L"])[0]
        print()
        print("%-44s  %8s  %8s" % ("scrape (%d entries)" % SCRAPE_ENTRIES, "median", "worst"))
        print("%-44s  %6.1f ms  %6.1f ms  (target < 50 ms; %s bytes)" % (
            "ctkit-exporter /metrics", float(med) * 1000, float(worst) * 1000, size))
        print("%-44s  %6.0f ms" % ("exporter start (subscribe + first count)", start * 1000))
        print("%-44s  %6.1f MiB" % ("exporter memory (VmRSS)", int(rss) / 1024.0))
        print("%-44s  %6.1f ms" % ("for comparison: reference conntrack -C", count * 1000))
        print("%-44s  %6.0f ms" % ("for comparison: reference conntrack -L", dump * 1000))
    finally:
        if proc:
            proc.terminate()
            proc.wait()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        with open(MAX_PATH, "w") as f:
            f.write(str(old_max))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fleet.py BUILD_DIR")
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces); try: sudo make bench")
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *a: sys.exit(129))
    try:
        with Fleet(os.path.abspath(sys.argv[1])) as f:
            f.bench()
        scrape_bench(os.path.abspath(sys.argv[1]))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
