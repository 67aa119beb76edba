#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""make bench-engine: the userspace engine benchmark of issue 6 (no root).

  bench/engine.py BUILD [--smoke] [-- ENGINE_BENCH_ARGS...]

1. BUILD/bench/engine_bench: established traffic, churn, memory and the hash
   floor, in process (its header comment and docs/ENGINE.md "Benchmark").
2. `conntrack --pcap FILE -C` beside `tcpdump -r FILE -w /dev/null` on a
   capture engine_bench writes (1 M packets over 100 k flows, the same mix,
   Ethernet) in a temporary directory: wall clock, median of 5, after one
   untimed read so both find the file in the page cache, all on one CPU;
   the plain replay and the same replay through a 200-rule ruleset (issue
   14: at most 2x the plain one) are run in turns, so that host noise
   falls on both alike.
3. The `engine-summary ...` line of step 1, printed last.

--smoke: engine_bench --smoke and a 20 k-packet capture, one run each: a
check that the benchmark works (tests/integration/test_engine_bench.py).
Exit status 1 when engine_bench saw an unexpected verdict or a command failed.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_engine_bench(binary, args):
    """Stream engine_bench's output; hold back its summary line."""
    summary = None
    with subprocess.Popen([binary] + args, stdout=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            if line.startswith("engine-summary "):
                summary = line.rstrip("\n")
            else:
                print(line, end="", flush=True)
    return p.returncode, summary


def run_once(cmd):
    """Wall time of one run of cmd (stdout captured, stderr dropped), and its output."""
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                       check=True)
    return time.perf_counter() - start, p.stdout


def timed(cmd, runs):
    """Median wall time of runs of cmd, and its last output."""
    times, out = [], ""
    for _ in range(runs):
        t, out = run_once(cmd)
        times.append(t)
    return statistics.median(times), out


def timed_pair(cmd_a, cmd_b, runs):
    """
    Medians of runs of two commands taken in turns, so that a busy spell of
    the host slows both alike rather than only the one it falls on; and
    their last outputs.
    """
    ta, tb, out_a, out_b = [], [], "", ""
    for _ in range(runs):
        t, out_a = run_once(cmd_a)
        ta.append(t)
        t, out_b = run_once(cmd_b)
        tb.append(t)
    return statistics.median(ta), out_a, statistics.median(tb), out_b


# The same capture through a realistic 200-rule router ruleset with sets
# (tests/data/rulesets/bench_200.nft, written by gen_bench.py): new
# connections walk the LAN zone's rules before `ct state new accept`,
# established ones stop at the forward chain's first rule.
HERE = os.path.dirname(os.path.abspath(__file__))
RULESET_ARGS = ["--ruleset", os.path.join(HERE, "..", "tests", "data", "rulesets", "bench_200.json"),
                "--iifname", "r-cli", "--route", "0.0.0.0/0=r-srv", "--route", "::/0=r-srv"]


def pin_to_one_cpu():
    """
    Keep the timed commands (children inherit it) on one CPU: a run the
    scheduler moves between CPUs costs tens of percent more, at random.
    """
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


def pcap_replay(build, binary, smoke):
    flows, packets, runs = (2000, 20000, 1) if smoke else (100000, 1000000, 5)
    pin_to_one_cpu()
    tmp = tempfile.mkdtemp(prefix="ctk-bench-engine-")
    try:
        path = os.path.join(tmp, "engine.pcap")
        subprocess.run([binary, "--write-pcap", path, "--pcap-flows", str(flows),
                        "--pcap-packets", str(packets)], check=True, stderr=subprocess.DEVNULL)
        with open(path, "rb") as f:     # page cache warm for both readers
            while f.read(1 << 20):
                pass
        conntrack = [os.path.join(build, "conntrack"), "--pcap", path, "-C"]
        ct_s, out, fw_s, fw_out = timed_pair(conntrack, conntrack + RULESET_ARGS, runs)
        count = int(out.split()[-1])
        line = "pcap-replay packets=%d flows=%d conntrack_s=%.3f" % (packets, flows, ct_s)
        ok = count == flows
        if not ok:
            print("engine.py: conntrack --pcap -C counted %d, expected %d" % (count, flows),
                  file=sys.stderr)
        tcpdump = shutil.which("tcpdump") or "/usr/sbin/tcpdump"
        if os.access(tcpdump, os.X_OK):
            td_s, _ = timed([tcpdump, "-r", path, "-w", "/dev/null"], runs)
            line += " tcpdump_s=%.3f ratio=%.2f" % (td_s, ct_s / td_s)
        else:
            line += " tcpdump=missing"
        print(line + " (wall, median of %d; entries %d)" % (runs, count), flush=True)
        fw_count = int(fw_out.split()[-1])
        print("pcap-replay-ruleset packets=%d rules=200 conntrack_s=%.3f plain_s=%.3f ratio=%.2f "
              "target<=2.00 (wall, median of %d; entries %d)"
              % (packets, fw_s, ct_s, fw_s / ct_s, runs, fw_count), flush=True)
        if fw_count != flows:
            print("engine.py: with the ruleset -C counted %d, expected %d" % (fw_count, flows),
                  file=sys.stderr)
            ok = False
        return ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__, file=sys.stderr if len(argv) < 2 else sys.stdout)
        return 2 if len(argv) < 2 else 0
    build, rest = os.path.abspath(argv[1]), argv[2:]
    binary = os.path.join(build, "bench", "engine_bench")
    if not os.access(binary, os.X_OK):
        print("engine.py: %s not found: run `make` first, or name the build directory" % binary,
              file=sys.stderr)
        return 2
    smoke = "--smoke" in rest
    extra = rest[rest.index("--") + 1:] if "--" in rest else []
    rc, summary = run_engine_bench(binary, (["--smoke"] if smoke else []) + extra)
    ok = pcap_replay(build, binary, smoke)
    if summary:
        print(summary, flush=True)
    return 0 if rc == 0 and ok and summary else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
