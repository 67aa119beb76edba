#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Event burst: how many events each `conntrack -E` shows when a batched client
creates N entries and then flushes them (2 N events) as fast as it can.

    bench/events.py BUILD_DIR [N]      (root; runs in a network namespace it creates)

Prints, for the reference and for ctkit (default text, and -o json which
resynchronises after overruns), the events expected, shown, lost, the ENOBUFS
warnings/overruns reported, and the events per second of the burst. Timings and
counts are reported, never asserted (tests/integration/test_events.py checks).
"""
import os
import signal
import subprocess
import sys
import time

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
NS = "ctk-bench-ev-%d" % os.getpid()
REF = "/usr/sbin/conntrack"
CTK = os.path.join(BUILD, "conntrack")
FILL = os.path.join(BUILD, "bench", "fill")


def ns(*cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", NS] + list(cmd), **kw)


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
    last = -1
    while True:
        time.sleep(1.0)
        size = os.path.getsize(out.name)
        if size == last:
            break
        last = size
    listener.send_signal(signal.SIGINT)
    listener.wait(timeout=60)
    out.seek(0)
    err.seek(0)
    text, errors = out.read(), err.read()
    new = text.count("[NEW]") + text.count('"event":"new"')
    destroy = text.count("[DESTROY]") + text.count('"event":"destroy"')
    repaired = text.count("[RESYNC]") + text.count('"resync":true')
    shown = new + destroy
    warnings = errors.count("We have hit ENOBUFS")
    print("%-28s %8d %8d %8d %8d %9d %12.0f" % (name, 2 * N, shown, max(0, 2 * N - shown),
                                                 repaired, warnings, 2 * N / elapsed))
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
            print("%-28s %8s %8s %8s %8s %9s %12s" % ("listener", "events", "shown", "lost",
                                                      "repaired", "ENOBUFS", "events/s"))
            burst("reference -E", [REF, "-E", "-e", "NEW,DESTROY"])
            burst("ctkit -E", [CTK, "-E", "-e", "NEW,DESTROY"])
            burst("ctkit -E -o json (resync)", [CTK, "-E", "-e", "NEW,DESTROY", "-o", "json"])
        finally:
            if old.isdigit():
                subprocess.run([FILL, "--restore-max", old])
    finally:
        subprocess.run(["ip", "netns", "del", NS])
    return 0


if __name__ == "__main__":
    sys.exit(main())
