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
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
