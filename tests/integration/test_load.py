# SPDX-License-Identifier: LGPL-2.1-or-later
"""-R with files of many lines (several batches of the commit pipeline),
against the reference in the same namespace: the same exit code, messages,
output and table afterwards; a failure in the middle of a batch leaves the
table as the reference leaves it; a parse error on the last line loads
nothing; a pipe reads like a file; the progress line shows on a terminal
only. Also -D by tuple with CTKIT_KERNEL_FILTER=0 (the dump, every zone)."""
import os
import pty
import re
import subprocess
import tempfile

import pytest

import ctharness

LINES = 3000
TIMEOUT_RE = re.compile(r"-t \d+ ")
TIMEOUT_OUT_RE = re.compile(r" \d+ (?=[A-Z_]* ?src=)")


def creates(n, first=0):
    """n distinct -I lines, tcp and udp, two address families."""
    out = []
    for i in range(first, first + n):
        if i % 5 == 4:
            out.append("-I -p udp -s 2001:db8::%x -d 2001:db8:1::1 --sport %d --dport 53 -t 3600\n"
                       % (i + 1, 1024 + i % 60000))
        elif i % 2:
            out.append("-I -p udp -s 10.%d.%d.%d -d 10.200.0.1 --sport %d --dport 53 -t 3600 -m %d\n"
                       % (i >> 16 & 255, i >> 8 & 255, i & 255, 1024 + i % 60000, i % 7))
        else:
            out.append("-A -p tcp -s 10.%d.%d.%d -d 10.201.0.1 --sport %d --dport 80 --state "
                       "ESTABLISHED -u SEEN_REPLY,ASSURED -t 3600\n"
                       % (i >> 16 & 255, i >> 8 & 255, i & 255, 1024 + i % 60000))
    return out


def table(lab):
    lines = lab.ref(["-L", "-o", "save"]).out.splitlines()
    return sorted(TIMEOUT_RE.sub("", line) for line in lines)


def both(lab, args, text=None, stdin=None):
    """Run args with the reference, then ctkit, each on an empty table (plus
    text written to a file substituted for {file}); results and tables."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text or "")
    try:
        argv = [a.replace("{file}", f.name) for a in args]
        out = []
        for run in (lab.ref, lab.ctk):
            lab.flush()
            res = run(argv, stdin=stdin)
            res.err = res.err.replace("(ctkit)", "(conntrack-tools)")
            out.append((res, table(lab)))
        return out
    finally:
        os.unlink(f.name)


def masked(out):
    """-D's lines with the ticking timeout and age masked (the runs are seconds apart)."""
    return sorted(re.sub(r"delta-time=\d+", "delta-time=#", re.sub(r"^(\S+\s+\d+) \d+ ", r"\1 # ", line))
                  for line in out.splitlines())


def same(pair):
    (ref, ref_table), (ctk, ctk_table) = pair
    assert (ctk.rc, ctk.out, ctk.err) == (ref.rc, ref.out, ref.err)
    assert ctk_table == ref_table


def test_many_creates(lab):
    pair = both(lab, ["-R", "{file}"], "".join(creates(LINES)))
    same(pair)
    assert len(pair[1][1]) == LINES


def test_failure_mid_batch(lab):
    """Line 1500 exists already (a copy of line 11): the reference stops
    there; ctkit's creates after it in the same batch are undone."""
    lines = creates(LINES)
    lines[1499] = lines[10].replace("-A ", "-I ", 1)
    lines[10] = lines[10].replace("-A ", "-I ", 1)
    pair = both(lab, ["-R", "{file}"], "".join(lines))
    same(pair)
    assert pair[0][0].rc == 1 and "Such conntrack exists" in pair[0][0].err
    assert len(pair[1][1]) == 1499


def test_add_existing_goes_on(lab):
    """-A of an entry made earlier in the file (same batch) is not a failure."""
    lines = creates(600)
    lines.insert(300, lines[0])
    same(both(lab, ["-R", "{file}"], "".join(lines)))


def test_pipe(lab):
    text = "".join(creates(LINES))
    same(both(lab, ["-R", "-"], stdin=text))


def test_parse_error_last_line_loads_nothing(lab):
    text = "".join(creates(LINES)) + "-I -p udp -s 1.2.3.4 --bogus\n"
    pair = both(lab, ["-R", "{file}"], text)
    same(pair)
    assert pair[1][0].rc == 2 and pair[1][1] == []


def test_forbidden_command_after_many(lab):
    same(both(lab, ["-R", "{file}"], "".join(creates(LINES)) + "-L\n"))


def test_mixed_commands(lab):
    """Creates around -D, -F and -U lines: each waits for the creates before it."""
    lines = creates(700)
    # no -m on these lines: the reference takes every line's mark from the last one (COMPATIBILITY #7)
    lines.insert(400, "-D -p udp --dport 53 -s 10.0.0.5\n")
    lines.insert(450, "-F\n")
    lines.insert(420, "-D -p tcp -s 10.0.1.2 -d 10.201.0.1 --sport 1282 --dport 80\n")
    lines.append("-U -p udp -s 10.0.2.139 -d 10.200.0.1 --sport 1675 --dport 53 -u ASSURED\n")
    pair = both(lab, ["-R", "{file}"], "".join(lines))
    (ref, _), (ctk, _) = pair
    # timeouts tick between the runs
    ref.out, ctk.out = (sorted(TIMEOUT_OUT_RE.sub(" ", l) for l in r.out.splitlines())
                        for r in (ref, ctk))
    same(pair)
    assert len(ref.out) == 3


def test_progress_only_on_a_terminal(lab):
    """A file of 16 MiB or more: a progress line on a terminal, erased at the end."""
    pad = " " * 400
    text = "".join(line.rstrip("\n") + pad + "\n" for line in creates(42000))
    assert len(text) >= 16 << 20
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        lab.flush()
        plain = lab.ctk(["-R", f.name], )
        assert plain.rc == 0 and plain.err == ""
        lab.flush()
        master, slave = pty.openpty()
        p = subprocess.Popen(lab.prefix() + ctharness.ctk_cmd() + ["-R", f.name],
                             stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        out, _ = p.communicate(timeout=120)
        os.close(master)
        assert p.returncode == 0 and out == b""
        assert b"lines checked)" in seen and b"lines loaded)" in seen
        assert seen.endswith(b"\r\x1b[K")
    finally:
        os.unlink(f.name)
        lab.flush()


def test_zones_by_dump_when_asked(lab):
    """CTKIT_KERNEL_FILTER=0: -D by tuple dumps, and changes every zone as the reference."""
    setup = ["-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 3600 -w %d" % z
             for z in (0, 1, 2)]
    args = ["-D", "-p", "udp", "-s", "1.1.1.1", "-d", "2.2.2.2", "--sport", "1", "--dport", "2"]
    results = []
    for argv in (ctharness.REF + args,
                 ["env", "CTKIT_KERNEL_FILTER=0"] + ctharness.ctk_cmd() + args,
                 ctharness.ctk_cmd() + args):
        lab.flush()
        for line in setup:
            assert lab.ref(line.split()).rc == 0
        res = lab.run(argv)
        results.append((res.rc, masked(res.out), res.err.split(": ", 1)[-1],
                        len(table(lab))))
    assert results[0] == results[1]
    assert results[1][3] == 0
    # by tuple: zone 0 only (docs/COMPATIBILITY.md)
    assert results[2][0] == 0 and results[2][3] == 2
