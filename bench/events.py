#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Event burst: how many events each `conntrack -E` shows when a batched client
creates N entries and then flushes them (2 N events) as fast as it can.

    bench/events.py BUILD_DIR [N]      (root; runs in a network namespace it creates)

N is 200 000 by default (issue 12's figure). Prints, for the reference and for
ctkit (default text and -o json; both repair overruns by resync), with default
settings (no -b): the events expected, the distinct entries whose NEW and whose
DESTROY were shown (real or repaired), the events lost (expected minus those),
the lines marked as repaired, the ENOBUFS warnings (overruns), the events per
second of the burst as the client produced it, the seconds from the burst's
start until the listener had printed everything, and the listener's peak RSS. Timings and counts are reported, never
asserted (tests/integration/test_events.py checks).
"""
import json
import re
import os
import signal
import subprocess
import sys
import time

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
NS = "ctk-bench-ev-%d" % os.getpid()
REF = "/usr/sbin/conntrack"
CTK = os.path.join(BUILD, "conntrack")
FILL = os.path.join(BUILD, "bench", "fill")


def ns(*cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", NS] + list(cmd), **kw)


TEXT_KEY = re.compile(r"^(?:\[[\d.]+\]\t)?\s*\[(NEW|DESTROY)\] (\S+)\s+\d+ (?:\d+ )?(?:\S+ )?"
                      r"(src=\S+ dst=\S+(?: sport=\d+ dport=\d+| type=\d+ code=\d+ id=\d+)?)")


def distinct(out):
    """The entries (protocol and orig tuple) whose NEW and whose DESTROY were
    shown, duplicates (a real and a repaired line) counted once; and the
    number of repaired lines."""
    new, destroy, repaired = set(), set(), 0
    for line in out:
        if line.startswith("{"):
            ev = json.loads(line)
            key = (ev["l4protonum"], json.dumps(ev["orig"], sort_keys=True))
            kind = ev["event"]
            repaired += bool(ev.get("resync"))
        else:
            m = TEXT_KEY.match(line)
            if not m:
                continue
            key, kind = (m.group(2), m.group(3)), m.group(1).lower()
            repaired += line.rstrip().endswith("[RESYNC]")
        if kind == "new":
            new.add(key)
        elif kind == "destroy":
            destroy.add(key)
    return new, destroy, repaired


def peak_rss_mib(pid):
    """VmHWM of the listener (ip netns exec execs it: same pid), in MiB."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def burst(name, argv):
    """One listener during one burst of N creates + a flush."""
    out = open("/tmp/%s.out" % NS, "w+")
    err = open("/tmp/%s.err" % NS, "w+")
    listener = subprocess.Popen(["ip", "netns", "exec", NS] + argv, stdout=out, stderr=err)
    time.sleep(0.5)
    start = time.monotonic()
    ns(FILL, str(N), "--mix", stdout=subprocess.DEVNULL, check=True)
    ns(CTK, "-F", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    elapsed = time.monotonic() - start
    # let the listener drain (and resynchronise) before stopping it
    last, last_change = -1, time.monotonic()
    while True:
        time.sleep(1.0)
        size = os.path.getsize(out.name)
        if size == last:
            break
        last, last_change = size, time.monotonic()
    drained = last_change - start
    peak = peak_rss_mib(listener.pid)
    listener.send_signal(signal.SIGINT)
    listener.wait(timeout=120)
    out.seek(0)
    err.seek(0)
    new, destroy, repaired = distinct(out)
    warnings = err.read().count("We have hit ENOBUFS")
    shown = len(new) + len(destroy)
    print("%-28s %8d %8d %8d %8d %8d %8d %10.0f %8.1f %8.1f"
          % (name, 2 * N, len(new), len(destroy), max(0, 2 * N - shown), repaired, warnings,
             2 * N / elapsed, drained, peak))
    out.close()
    err.close()
    os.unlink(out.name)
    os.unlink(err.name)


def main():
    if os.geteuid() != 0:
        print("bench/events.py: needs root (network namespaces); skipped")
        return 0
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        old = subprocess.run([FILL, "--ensure-max", str(N + 1000)], capture_output=True,
                             text=True).stdout.strip()
        try:
            print("event burst: %d creates (batched) + flush = %d events" % (N, 2 * N))
            print("%-28s %8s %8s %8s %8s %8s %8s %10s %8s %8s"
                  % ("listener", "events", "NEW", "DESTROY", "lost", "repaired", "ENOBUFS",
                     "events/s", "drain s", "RSS MiB"))
            burst("reference -E", [REF, "-E", "-e", "NEW,DESTROY"])
            burst("ctkit -E", [CTK, "-E", "-e", "NEW,DESTROY"])
            burst("ctkit -E -o json", [CTK, "-E", "-e", "NEW,DESTROY", "-o", "json"])
        finally:
            if old.isdigit():
                subprocess.run([FILL, "--restore-max", old])
    finally:
        subprocess.run(["ip", "netns", "del", NS])
    return 0


if __name__ == "__main__":
    sys.exit(main())
