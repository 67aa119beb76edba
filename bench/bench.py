# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctkit's conntrack against the reference at 100 k and 1 M entries (issue 4).

  bench.py BUILD_DIR   (bench/run.sh calls it as root)

Everything runs in a throwaway network namespace, filled with
BUILD/bench/fill --mix (60 % tcp, 30 % udp, 10 % icmp; 10 % of each IPv6;
marks 0..9 evenly, so -m 5 selects 10 %). For every command each tool runs
RUNS times, interleaved, stdout to /dev/null. Destructive commands (-D, -F)
get a fresh fill before every run, outside the timing. The table shows
medians of the wall time, ctkit/reference and ctkit/floor (< 1 = ctkit
faster), and the peak RSS (/usr/bin/time %M) of each tool. The floor is
BUILD/bench/rawdump: a bare netlink dump that only counts messages.

The reference's -U of many entries fails (ENOBUFS, or EOPNOTSUPP on this
kernel when no tuple filter is given): its cell then reads
"failed (N updated)", N counted in the table afterwards. ctkit's -U must
update every match; that is checked and a mismatch is marked in the table.

nf_conntrack_max is global: it is raised when needed and always put back
(here and by the trap in bench/run.sh).

Issue 12 adds two groups of rows. "load": -R of a save file of the whole
filled table (written with ctkit's -L -o save), run against an emptied
table, every run checked to load every line. "single": -G, -U and -D of one
entry named by its whole tuple, in the full table, in milliseconds per
call (a process start included, shown alone as the "-V" row; -D gets its
entry back before every run, outside the timing).

Environment: SIZES="100000 1000000", RUNS=3, RUNS_DESTRUCTIVE_1M=RUNS (runs
of -D, -U, -F and -R at >= 1 M entries; 1 when the machine is busy: see the
note at RUNS_DESTRUCTIVE_1M), SINGLE_RUNS=15 (runs of each single-entry
command), BENCH_ONLY=commands,load,single (the groups of rows to run;
default all).
On a quiet 2-core machine the whole bench takes about 4 minutes.
"""
import ctypes
import os
import re
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
# on a busy machine (other ctnetlink users contend for the kernel's global
# nfnetlink mutex) the reference's -D of 1 M entries can take ~1 min a run:
# RUNS_DESTRUCTIVE_1M=1 keeps the whole bench near 5 minutes then
RUNS_DESTRUCTIVE_1M = int(os.environ.get("RUNS_DESTRUCTIVE_1M", str(RUNS)))

# (label, argv, destructive)
COMMANDS = [
    ("-L", ["-L"], False),
    ("-L -o extended", ["-L", "-o", "extended"], False),
    ("-L -p tcp --dport 80", ["-L", "-p", "tcp", "--dport", "80"], False),
    ("-L -m 5", ["-L", "-m", "5"], False),
    ("-C", ["-C"], False),
    ("-D -p udp", ["-D", "-p", "udp"], True),
    ("-D -m 5", ["-D", "-m", "5"], True),
    ("-U -p tcp -m 99", ["-U", "-p", "tcp", "-m", "99"], True),
    ("-F", ["-F"], True),
]

SINGLE_RUNS = int(os.environ.get("SINGLE_RUNS", "15"))
GROUPS = ("commands", "load", "single")
ONLY = [g for g in os.environ.get("BENCH_ONLY", ",".join(GROUPS)).split(",") if g]
SAVE_TUPLE_RE = re.compile(r"-s (\S+) -d (\S+) .*-p tcp --sport (\d+) --dport (\d+)")

LIBC = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
COUNT_RE = re.compile(r"(\d+) flow entries have been (\w+)")


def enter_netns(ns):
    """preexec hook: join ns without a wrapper program."""
    def enter():
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        if LIBC.setns(fd, CLONE_NEWNET) != 0:
            os._exit(126)
        os.close(fd)
    return enter


class Run:
    """One timed run: seconds, peak RSS (MiB), exit code, stderr."""
    def __init__(self, secs, rss, rc, err):
        self.secs, self.rss, self.rc, self.err = secs, rss, rc, err

    def count(self):
        """The N of "N flow entries have been ...", or None."""
        m = COUNT_RE.search(self.err)
        return int(m.group(1)) if m else None


def timed(ns, argv):
    """One run inside ns. The peak RSS comes from /usr/bin/time: a direct
    child of this python process would inherit python's high-water mark
    through fork+exec."""
    fd, rss_file = tempfile.mkstemp(prefix="ctk-bench-rss-")
    os.close(fd)
    with open(os.devnull, "w") as null, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv, stdout=null,
                           stderr=err, preexec_fn=enter_netns(ns))
        dt = time.perf_counter() - t0
        err.seek(0)
        text = err.read()
    with open(rss_file) as f:
        words = f.read().split()
    os.unlink(rss_file)
    rss = int(words[-1]) / 1024.0 if words and words[-1].isdigit() else float("nan")
    return Run(dt, rss, p.returncode, text)


class Bench:
    def __init__(self, build):
        self.build = build
        self.ctk = os.path.join(build, "conntrack")
        self.fill_bin = os.path.join(build, "bench", "fill")
        self.rawdump = os.path.join(build, "bench", "rawdump")
        self.ns = "ctk-bench-%d" % os.getpid()
        self.old_max = None
        self.rows = []
        self.notes = []

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL)
        self.restore_max()

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
        return subprocess.run(argv, preexec_fn=enter_netns(self.ns), **kw)

    def count(self, args):
        """How many entries ctkit lists for args (its stderr summary)."""
        p = self.in_ns([self.ctk, "-L"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
        m = COUNT_RE.search(p.stderr)
        return int(m.group(1)) if m else 0

    def table_size(self):
        got = self.in_ns([REF, "-C"], stdout=subprocess.PIPE, text=True).stdout.strip()
        return int(got or 0)

    def fill(self, n):
        self.ensure_max(int(n * 1.1) + 1000)    # again: another program may have put it back
        self.in_ns([self.ctk, "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.table_size():
            self.in_ns([REF, "-F"], stderr=subprocess.DEVNULL)
        self.in_ns([self.fill_bin, str(n), "--mix", "--timeout", "7200"],
                   stderr=subprocess.DEVNULL, check=True)
        return self.table_size()

    def update(self, prog, args, mark):
        """-U needs no refill: each run sets a mark no entry has yet (99,
        98, ...), the same work every time, and afterwards the entries with
        that mark are exactly the ones it updated."""
        argv = [prog] + args[:-1] + [str(mark)]
        res = timed(self.ns, argv)
        res.updated = self.count(["-p", "tcp", "-m", str(mark)])
        return res

    def run_size(self, n):
        self.ensure_max(int(n * 1.1) + 1000)
        t0 = time.perf_counter()
        have = self.fill(n)
        print("filled %d entries (%d asked) in %.1f s" % (have, n, time.perf_counter() - t0),
              file=sys.stderr)
        if "commands" in ONLY:
            self.run_commands(n, have)
        if "load" in ONLY or "single" in ONLY:
            self.run_saved(n)
        self.in_ns([self.ctk, "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run_commands(self, n, have):
        tcp = None
        floor = None
        if os.access(self.rawdump, os.X_OK):
            res = [timed(self.ns, [self.rawdump]) for _ in range(RUNS)]
            floor = med(res)
            self.rows.append(Row(have, "rawdump (floor)", res, None, floor))
        for label, args, destructive in COMMANDS:
            runs = RUNS_DESTRUCTIVE_1M if destructive and n >= 1000000 else RUNS
            if runs != RUNS:
                self.notes.append("%s at %d entries: %d runs" % (label, have, runs))
            t0 = time.perf_counter()
            ctk_res, ref_res = [], []
            if args[0] == "-U":
                self.fill(n)        # after the -D runs: the whole table again
                tcp = self.count(["-p", "tcp"])
            mark = 99
            for _ in range(runs):
                for prog, out in ((self.ctk, ctk_res), (REF, ref_res)):
                    if args[0] == "-U":
                        out.append(self.update(prog, args, mark))
                        mark -= 1
                        continue
                    if destructive:
                        self.fill(n)
                    out.append(timed(self.ns, [prog] + args))
            row = Row(have, label, ctk_res, ref_res, floor)
            if args[0] == "-U":
                row.check_update(tcp)
            self.rows.append(row)
            print("  %-22s %6.1f s" % (label, time.perf_counter() - t0), file=sys.stderr)
            if args == ["-L"] and not destructive:
                self.run_group_by(have, floor)

    def run_group_by(self, have, floor):
        """--group-by has no reference: it is timed against ctkit's own plain -L
        (issue 15: at most 1.2x), in turns. The fill gives every entry its own
        source: the worst case, as many groups as entries."""
        grp, plain = [], []
        for _ in range(RUNS):
            grp.append(timed(self.ns, [self.ctk, "-L", "--group-by", "src", "--top", "10"]))
            plain.append(timed(self.ns, [self.ctk, "-L"]))
        row = Row(have, "--group-by src --top 10", grp, plain, floor)
        row.ref_note = "'ref' here is ctkit's own -L; target ctk/ref <= 1.2"
        self.rows.append(row)

    def run_saved(self, n):
        """The rows that need a save file of the full table: -R and single entries."""
        have = self.fill(n)
        fd, save = tempfile.mkstemp(prefix="ctk-bench-save-")
        try:
            with os.fdopen(fd, "w") as f:
                self.in_ns([self.ctk, "-L", "-o", "save"], stdout=f, stderr=subprocess.DEVNULL,
                           check=True)
            with open(save) as f:
                line = next((l for l in f if SAVE_TUPLE_RE.search(l) and ":" not in l), None)
            if "single" in ONLY and line:
                self.run_single(have, line)
            if "load" in ONLY:
                self.run_load(n, have, save)
        finally:
            os.unlink(save)

    def run_load(self, n, have, save):
        """-R of the save file into an emptied table; every line must load."""
        runs = RUNS_DESTRUCTIVE_1M if n >= 1000000 else RUNS
        t0 = time.perf_counter()
        ctk_res, ref_res = [], []
        for _ in range(runs):
            for prog, out in ((self.ctk, ctk_res), (REF, ref_res)):
                self.in_ns([self.ctk, "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.ensure_max(int(n * 1.1) + 1000)
                res = timed(self.ns, [prog, "-R", save])
                res.loaded = self.table_size()
                out.append(res)
        row = Row(have, "-R (save file)", ctk_res, ref_res, None)
        for res, who in ((ctk_res, "ctk_note"), (ref_res, "ref_note")):
            short = [r.loaded for r in res if r.loaded != have]
            if short:
                setattr(row, who, "WRONG: loaded %d of %d" % (short[0], have))
        self.rows.append(row)
        print("  %-22s %6.1f s" % ("-R", time.perf_counter() - t0), file=sys.stderr)

    def run_single(self, have, line):
        """-G, -U, -D of one entry by its whole tuple, ms per call."""
        m = SAVE_TUPLE_RE.search(line)
        key = ["-p", "tcp", "-s", m.group(1), "-d", m.group(2), "--sport", m.group(3),
               "--dport", m.group(4)]
        create = line.split()
        t0 = time.perf_counter()
        # "-V": the process start alone, what every call below pays before its work
        for label, args in (("-V", ["-V"]), ("-G", ["-G"]), ("-U", ["-U"]), ("-D", ["-D"])):
            ctk_res, ref_res = [], []
            mark = 100      # fill's marks are 0..9: every -U changes the entry
            for _ in range(SINGLE_RUNS):
                for prog, out in ((self.ctk, ctk_res), (REF, ref_res)):
                    extra = []
                    if label == "-U":
                        extra = ["-m", str(mark)]
                        mark += 1
                    if label == "-D":
                        self.in_ns([self.ctk] + create, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                    out.append(timed(self.ns, [prog] + args + ([] if label == "-V" else key) + extra))
            name = "-V (start only)" if label == "-V" else "%s by full tuple" % label
            row = Row(have, name, ctk_res, ref_res, None, unit="ms")
            self.rows.append(row)
        self.in_ns([self.ctk] + create, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("  %-22s %6.1f s" % ("single entries", time.perf_counter() - t0),
              file=sys.stderr)

    def run(self):
        t0 = time.perf_counter()
        for n in SIZES:
            self.run_size(n)
        text = format_table(self.rows, self.notes, time.perf_counter() - t0)
        print(text, end="")
        path = os.path.join(self.build, "bench", "results.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        print("(written to %s)" % path, file=sys.stderr)


def med(results):
    return statistics.median(r.secs for r in results)


def max_rss(results):
    return max(r.rss for r in results)


class Row:
    def __init__(self, n, label, ctk, ref, floor, unit="s"):
        self.n, self.label, self.ctk, self.ref, self.floor = n, label, ctk, ref, floor
        self.unit = unit
        self.ctk_note = self.failures(ctk)
        self.ref_note = self.failures(ref) if ref is not None else None
        self.ref_failed = False

    @staticmethod
    def failures(results):
        bad = sorted({r.rc for r in results if r.rc != 0})
        return "exit %s" % ",".join(map(str, bad)) if bad else ""

    def check_update(self, tcp):
        """-U: ctkit must have updated every tcp entry; the reference's
        failure becomes 'failed (N updated)'."""
        wrong = [r.updated for r in self.ctk if r.updated != tcp or r.rc != 0]
        if wrong:
            self.ctk_note = "WRONG: %d of %d marked" % (wrong[0], tcp)
        else:
            self.ctk_note = "ok, %d updated" % tcp
        failed = [r for r in self.ref if r.rc != 0 or r.updated != tcp]
        if failed:
            self.ref_failed = True
            why = re.search(r"Operation failed: (.*)", failed[0].err)
            self.ref_note = "failed (%d updated%s)" % (min(r.updated for r in failed),
                                                       ": " + why.group(1) if why else "")

    def secs(self, t):
        return "%.1f ms" % (t * 1000) if self.unit == "ms" else "%.3f" % t

    def cells(self):
        c = med(self.ctk)
        ref = "-" if self.ref is None else ("failed" if self.ref_failed else self.secs(med(self.ref)))
        vs_ref = "-" if self.ref is None or self.ref_failed else "%.2f" % (c / med(self.ref))
        vs_floor = "-" if not self.floor or self.ref is None else "%.2f" % (c / self.floor)
        ref_rss = "-" if self.ref is None else "%.1f" % max_rss(self.ref)
        note = "; ".join(x for x in ("ctkit: " + self.ctk_note if self.ctk_note else "",
                                      "ref: " + self.ref_note if self.ref_note else "") if x)
        return (str(self.n), self.label, self.secs(c), ref, vs_ref, vs_floor,
                "%.1f" % max_rss(self.ctk), ref_rss, note)


def format_table(rows, notes, total):
    head = ("entries", "command", "ctkit s", "ref s", "ctk/ref", "ctk/floor", "ctk MiB",
            "ref MiB", "notes")
    fmt = "%-8s  %-22s  %9s  %9s  %7s  %9s  %7s  %7s  %s"
    lines = [fmt % head, fmt % tuple("-" * len(h) for h in head)]
    lines += [(fmt % r.cells()).rstrip() for r in rows]
    lines.append("medians of %d runs per tool (interleaved), wall time, stdout to /dev/null;"
                 % RUNS)
    lines.append("-D/-F: fresh fill before every run (not timed); -U: a new mark every run; ctk/ref and ctk/floor < 1 = "
                 "ctkit faster; MiB = peak RSS (max over runs)")
    lines.append("-R: the table's save file into an emptied table; 'by full tuple': one entry of the "
                 "full table, medians of %d calls" % SINGLE_RUNS)
    lines += ["note: " + n for n in notes]
    lines.append("total bench time %.0f s" % total)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench.py BUILD_DIR")
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *a: sys.exit(129))
    with Bench(os.path.abspath(sys.argv[1])) as b:
        for prog in (b.ctk, b.fill_bin):
            if not os.access(prog, os.X_OK):
                sys.exit("bench: %s missing; run make first" % prog)
        try:
            b.run()
        except KeyboardInterrupt:
            sys.exit(130)


if __name__ == "__main__":
    main()
