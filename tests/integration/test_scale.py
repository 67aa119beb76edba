# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue 4 at test scale (timings stay in `make bench`):

(a) kernel-side and userspace filtering agree: every filter line runs with
    CTKIT_KERNEL_FILTER=0 and with the default; sorted output, the summary
    line and the exit code must be the same, and the reference's sorted
    output too. -D lines get a fresh table per run and the table afterwards
    is compared as well.
(b) batched -D / -U against races: another process deletes many of the
    same entries while ctkit runs; ctkit must not fail and must leave no
    matching entry behind (-D) or no unchanged one (-U).
(c) a 2 000-entry -U (the reference stops at ENOBUFS) updates every entry,
    those in non-zero zones included.
(d) a -D of many batches (sent by a second thread while the dump runs)
    prints every deleted entry once, in dump order, alone or while another
    process deletes entries too.

The table comes from build/bench/fill --mix (see bench/fill.c: entry i has
src 10.0.0.0+i or fd00::a00:0:0:i, dst 192.168.0.(1 + i % 250) or
fd00::c0a8:0:0:(1 + i % 250), mark (i / 100) % 10; kinds 0-5 tcp
ESTABLISHED [ASSURED], 6-8 udp [UNREPLIED], 9 icmp echo with id i; 10 % v6)
plus a few entries in zones made by the reference.
"""
import os
import re
import shlex
import subprocess

import pytest

import ctharness



def find_fill():
    """bench/fill of the build that made CONNTRACK (make check: build/check),
    else the release build's; FILL in the environment wins."""
    if os.environ.get("FILL"):
        return os.environ["FILL"]
    near = os.path.join(os.path.dirname(ctharness.ctk_cmd()[-1]), "bench", "fill")
    if os.access(near, os.X_OK):
        return os.path.abspath(near)
    return os.path.join(ctharness.REPO, "build", "bench", "fill")


FILL = find_fill()
SCALE_N = 20000
RACE_N = 50000

# entries the fill does not make: zones, other tcp states
EXTRA = [
    "-I -p tcp -s 10.200.0.1 -d 10.200.0.2 --sport 1000 --dport 80 --state SYN_SENT -t 900 -w 7",
    "-I -p tcp -s 10.200.0.3 -d 10.200.0.2 --sport 1001 --dport 80 --state ESTABLISHED -t 900 -w 7 -m 5",
    "-I -p udp -s 10.200.0.1 -d 10.200.0.2 --sport 53 --dport 53 -t 900 -w 3",
    "-I -p udp -s fd00::c8:1 -d fd00::c8:2 --sport 53 --dport 53 -t 900 -w 7",
    "-I -p icmp -s 10.200.0.1 -d 10.200.0.9 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 900 -w 3",
    "-I -p tcp -s 10.201.0.1 -d 192.168.0.7 --sport 2000 --dport 80 --state TIME_WAIT -t 900 -u ASSURED",
    "-I -p tcp -s 10.201.0.2 -d 192.168.0.7 --sport 2001 --dport 443 --state FIN_WAIT -t 900 -m 0x105",
]

LIST_CASES = [
    "-L -p tcp --dport 80",
    "-L -p tcp --sport 1500",
    "-L -p udp --dport 80",
    "-L -p udp --sport 1706 --dport 80",
    "-L -p tcp --reply-port-src 80",
    "-L -p udp --reply-port-dst 1500",
    "-L -s 10.0.1.5",
    "-L -s 10.0.1.0/24",
    "-L -s 10.0.0.0/17 -p udp",
    "-L -d 192.168.0.17",
    "-L -d 192.168.0.0/28",
    "-L -r 192.168.0.5",
    "-L -r 192.168.0.0/30 -p tcp",
    "-L -q 10.0.3.7",
    "-L -q 10.0.4.0/23",
    "-L -f ipv6",
    "-L -f ipv6 -p udp",
    "-L -f ipv4 -p icmp",
    "-L -s fd00::a00:0:0:12d",
    "-L -s fd00::a00:0:0:0/120",
    "-L -d fd00::c0a8:0:0:10",
    "-L -d fd00::c0a8:0:0:0/124 -p tcp",
    "-L -q fd00::a00:0:0:100/121",
    "-L -r fd00::c0a8:0:0:2a",
    "-L -m 5",
    "-L -m 4/0xfe",
    "-L -m 0x1/0x1",
    "-L -m 0x105",
    "-L -m 99",
    "-L -u ASSURED",
    "-L -u UNREPLIED",
    "-L -u SEEN_REPLY -p tcp",
    "-L -w 7",
    "-L -w 3 -p udp",
    "-L -w 7 -f ipv6",
    "-L -p icmp --icmp-type 8",
    "-L -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1009",
    "-L -p icmp --icmp-id 77",
    "-L -p icmp --icmp-id 59",
    "-L -p icmpv6 --icmpv6-type 128",
    "-L -p icmpv6 --icmpv6-id 1639",
    "-L -p tcp --state ESTABLISHED --dport 80",
    "-L -p tcp --state SYN_SENT",
    "-L -p tcp --state TIME_WAIT -d 192.168.0.7",
    "-L -s 10.0.0.0/16 -p udp --dport 80 -m 3",
    "-L -f ipv6 -p tcp --dport 80 -m 2",
    "-L -s 10.0.1.5 -d 192.168.0.0/24 -r 192.168.0.0/24",
    "-L -f ipv4 -s 10.0.0.0/8 -d 192.168.0.7",
    "-L -o extended -p udp -s 10.0.2.0/23",
    "-L -o extended -f ipv6 -w 7",
    "-L -p tcp --dport 80 -m 5 -u ASSURED",
    "-L -o id -p udp --dport 80 -s 10.0.0.0/20",
]

DELETE_CASES = [
    "-D -p udp --dport 80",
    "-D -s 10.0.2.0/24",
    "-D -m 5",
    "-D -m 2/0xfe -p tcp",
    "-D -f ipv6 -p tcp",
    "-D -p icmp --icmp-type 8 -m 3",
    "-D -p icmpv6 --icmpv6-type 128",
    "-D -w 7",
    "-D -w 3 -p udp",
    "-D -r 192.168.0.9",
    "-D -q 10.0.5.0/24 -p tcp --reply-port-src 80",
    "-D -s fd00::a00:0:0:0/116",
    "-D -u UNREPLIED -p udp --dport 80",
    "-D -m 5 -u ASSURED",
    "-D -p tcp --state ESTABLISHED -d 192.168.0.0/26",
    "-D -p tcp --sport 1500",
]

COUNT_RE = re.compile(r"(\d+) flow entries have been (\w+)")


def reference_agrees(args):
    """False where ctkit fixes a reference bug on purpose: with -u, the
    reference overwrites the mark value with the status bits (cases/70-fixes.txt)."""
    return not ("-u" in args and "-m" in args)


def plain(out):
    """The lines in order, with the counters that change on their own
    (timeout, use=) blanked out."""
    lines = []
    for line in out.splitlines():
        words = line.split()
        if len(words) > 4:
            at = 4 if words[0] in ("ipv4", "ipv6") else 2
            if words[at].isdigit():
                words[at] = "T"
        lines.append(" ".join(re.sub(r"^(use|delta-time)=\d+$", r"\1=N", w) for w in words))
    return lines


def normalise(out):
    """plain(), sorted."""
    return sorted(plain(out))


def summary(err):
    """The 'N flow entries have been ...' line, prefix and --debug left out."""
    m = COUNT_RE.search(err)
    return m.group(0) if m else None


@pytest.fixture(scope="module")
def scale():
    if not os.access(FILL, os.X_OK):
        pytest.skip("%s missing: run make" % FILL)
    lab = ctharness.Lab().create(topology=False)
    try:
        # plain lines: no counters or timestamps that differ run to run
        lab.sysctl("net/netfilter/nf_conntrack_acct", 0)
        lab.sysctl("net/netfilter/nf_conntrack_timestamp", 0)
        yield lab
    finally:
        lab.destroy()


def refill(lab, n, extra=True):
    lab.listing = False
    ctk(lab, ["-F"])
    if count(lab) != 0:
        lab.ref(["-F"])
    r = lab.run([FILL, str(n), "--mix", "--timeout", "3600"], timeout=60)
    assert r.rc == 0, "fill: " + r.err
    for line in EXTRA if extra else ():
        r = lab.ref(shlex.split(line))
        assert r.rc == 0, "conntrack %s: %s" % (line, r.err)


def ctk(lab, args, kernel=True, timeout=60):
    env = [] if kernel else ["env", "CTKIT_KERNEL_FILTER=0"]
    return lab.run(env + ctharness.ctk_cmd() + list(args), timeout=timeout)


def count(lab, args=()):
    """Entries the reference lists for args."""
    r = lab.run(ctharness.REF + ["-L"] + list(args), timeout=60)
    m = COUNT_RE.search(r.err)
    return int(m.group(1)) if m else -1


def table(lab):
    return normalise(lab.ref(["-L", "-o", "extended"]).out)


def same(label, a, b, what_a, what_b):
    """A readable message of what differs between two results."""
    problems = []
    if a.rc != b.rc:
        problems.append("exit %d (%s) vs %d (%s)" % (a.rc, what_a, b.rc, what_b))
    if summary(a.err) != summary(b.err):
        problems.append("summary %r (%s) vs %r (%s)" % (summary(a.err), what_a, summary(b.err), what_b))
    na, nb = normalise(a.out), normalise(b.out)
    if na != nb:
        only_a = sorted(set(na) - set(nb))[:3]
        only_b = sorted(set(nb) - set(na))[:3]
        problems.append("output differs: %d vs %d lines; only %s: %s; only %s: %s" % (
            len(na), len(nb), what_a, only_a, what_b, only_b))
    return ["%s: %s" % (label, p) for p in problems]


# --- (a) kernel vs userspace filtering -------------------------------------

@pytest.fixture
def filled(scale):
    """The listing table, filled once and kept while only -L runs."""
    if getattr(scale, "listing", False) is not True:
        refill(scale, SCALE_N)
        scale.listing = True
    return scale


def test_kernel_filter_really_used(filled):
    """Otherwise the comparisons below would compare userspace with itself."""
    args = ["-L", "-p", "tcp", "--dport", "80", "-f", "ipv4", "--debug"]
    kern = ctk(filled, args)
    user = ctk(filled, args, kernel=False)
    kernel_lines = [l for l in kern.err.splitlines() if "kernel filter" in l]
    assert any("orig-dport" in l for l in kernel_lines), kern.err[-500:]
    assert not any("orig-dport" in l for l in user.err.splitlines() if "kernel filter" in l), \
        user.err[-500:]


@pytest.mark.parametrize("line", LIST_CASES)
def test_list_kernel_equals_userspace(filled, line):
    args = shlex.split(line)
    kern = ctk(filled, args)
    user = ctk(filled, args, kernel=False)
    assert "Operation failed" not in kern.err + user.err, (kern.err, user.err)
    problems = same(line, kern, user, "kernel filter", "CTKIT_KERNEL_FILTER=0")
    if reference_agrees(args):
        problems += same(line, kern, filled.ref(args), "ctkit", "reference")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("line", DELETE_CASES)
def test_delete_kernel_equals_userspace(scale, line):
    args = shlex.split(line)
    results, tables = [], []
    runs = [lambda: ctk(scale, args), lambda: ctk(scale, args, kernel=False)]
    if reference_agrees(args):
        runs.append(lambda: scale.ref(args))
    for run in runs:
        refill(scale, SCALE_N)
        results.append(run())
        tables.append(table(scale))
    kern, user = results[:2]
    problems = same(line, kern, user, "kernel filter", "CTKIT_KERNEL_FILTER=0")
    if len(results) > 2:
        problems += same(line, kern, results[2], "ctkit", "reference")
    if tables[0] != tables[1]:
        problems.append("%s: table afterwards differs (%d vs %d entries left, kernel vs userspace)"
                        % (line, len(tables[0]), len(tables[1])))
    if len(tables) > 2 and tables[0] != tables[2]:
        problems.append("%s: table afterwards differs (%d vs %d entries left, ctkit vs reference)"
                        % (line, len(tables[0]), len(tables[2])))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("line", ["-L", "-L -o extended -p udp", "-L -m 5 -o extended,id"])
def test_list_one_core_equals_two(filled, line):
    """-L receives on a second thread when it may run on two cores
    (lib/netlink/read_ahead.c); pinned to one core it reads inline. Same output."""
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: only the inline path can run here")
    args = shlex.split(line)
    two = ctk(filled, args)
    one = filled.run(["taskset", "-c", "0"] + ctharness.ctk_cmd() + args, timeout=60)
    problems = same(line, two, one, "two cores", "taskset -c 0")
    assert not problems, "\n".join(problems)


def test_corpus_size():
    assert len(LIST_CASES) + len(DELETE_CASES) >= 40


# --- (b) races --------------------------------------------------------------

def race(lab, ctk_args, other_args, delay):
    """ctkit and the reference concurrently; returns ctkit's Result."""
    other = subprocess.Popen(lab.prefix() + ["sh", "-c", "sleep %s; exec %s" % (
        delay, " ".join(ctharness.REF + other_args))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        res = ctk(lab, ctk_args, timeout=120)
    finally:
        other.wait(timeout=120)
    return res


def check_ctk_ok(res, what):
    assert "Operation failed" not in res.err, "%s: %s" % (what, res.err[-500:])
    n = COUNT_RE.search(res.err)
    assert n, "%s: no summary line: %r" % (what, res.err[-500:])
    assert res.rc == 0 or (res.rc == 1 and int(n.group(1)) == 0), \
        "%s: exit %d, %s" % (what, res.rc, n.group(0))


@pytest.mark.parametrize("other", [["-D", "-p", "udp"], ["-F"], ["-D", "-s", "10.0.0.0/17"]],
                         ids=["ref-D-udp", "ref-F", "ref-D-half"])
@pytest.mark.parametrize("delay", [0, 0.02, 0.05])
def test_race_delete(scale, other, delay):
    refill(scale, RACE_N, extra=False)
    res = race(scale, ["-D", "-p", "udp"], other, delay)
    check_ctk_ok(res, "conntrack -D -p udp racing conntrack %s" % " ".join(other))
    assert count(scale, ["-p", "udp"]) == 0, "udp entries left after -D -p udp"


@pytest.mark.parametrize("delay", [0, 0.02, 0.05])
def test_race_list(scale, delay):
    """-L (read ahead on a second thread) while the table is flushed: it ends
    cleanly and shows entries that existed, each once."""
    refill(scale, RACE_N, extra=False)
    res = race(scale, ["-L", "-p", "udp"], ["-F"], delay)
    check_ctk_ok(res, "conntrack -L -p udp racing conntrack -F")
    lines = normalise(res.out)
    assert len(lines) == len(set(lines)) and all(l.startswith("udp") for l in lines)
    assert len(lines) == int(COUNT_RE.search(res.err).group(1))


@pytest.mark.parametrize("other", [["-D", "-p", "tcp", "-s", "10.0.0.0/17"], ["-F"],
                                   ["-D", "-m", "3"]],
                         ids=["ref-D-tcp-half", "ref-F", "ref-D-m3"])
@pytest.mark.parametrize("delay", [0, 0.1])
def test_race_update(scale, other, delay):
    refill(scale, RACE_N, extra=False)
    res = race(scale, ["-U", "-p", "tcp", "-m", "7"], other, delay)
    check_ctk_ok(res, "conntrack -U -p tcp -m 7 racing conntrack %s" % " ".join(other))
    left, marked = count(scale, ["-p", "tcp"]), count(scale, ["-p", "tcp", "-m", "7"])
    assert left == marked, "%d tcp entries left, only %d with mark 7" % (left, marked)


# --- (c) many updates -------------------------------------------------------

def test_update_2000(scale):
    refill(scale, 2000)
    total = count(scale)
    assert total == 2000 + len(EXTRA)
    res = ctk(scale, ["-U", "-m", "1234"])
    assert "Operation failed" not in res.err, res.err[-500:]
    assert res.rc == 0, res
    assert summary(res.err) == "%d flow entries have been updated" % total, res.err[-300:]
    assert count(scale, ["-m", "1234"]) == total
    assert count(scale, ["-w", "7", "-m", "1234"]) == 3       # zone entries too


def test_update_all_tcp_2000(scale):
    refill(scale, 2000)
    tcp = count(scale, ["-p", "tcp"])
    res = ctk(scale, ["-U", "-p", "tcp", "-m", "99"])
    assert res.rc == 0 and "Operation failed" not in res.err, res.err[-500:]
    assert summary(res.err) == "%d flow entries have been updated" % tcp
    assert count(scale, ["-p", "tcp", "-m", "99"]) == tcp
    assert count(scale, ["-m", "99"]) == tcp                  # nothing else touched


# --- (d) -D across many batches: order and count -----------------------------

DELETE_MANY = ["-D", "-m", "5"]    # 10 % of RACE_N: 5 000 entries, 20 batches


def deleted_lines(res):
    lines = plain(res.out)
    assert summary(res.err) == "%d flow entries have been deleted" % len(lines), res.err[-300:]
    assert len(set(lines)) == len(lines), "an entry printed twice"
    return lines


def is_subsequence(part, whole):
    it = iter(whole)
    return all(line in it for line in part)


def test_delete_many_batches_in_dump_order(scale):
    refill(scale, RACE_N, extra=False)
    listed = plain(ctk(scale, ["-L", "-m", "5"]).out)
    assert len(listed) == RACE_N // 10
    res = ctk(scale, DELETE_MANY)
    assert res.rc == 0 and "Operation failed" not in res.err, res.err[-500:]
    assert deleted_lines(res) == listed, "-D lines differ from the -L lines before it, in order"
    assert count(scale, ["-m", "5"]) == 0


@pytest.mark.parametrize("other", [["-D", "-p", "udp"], ["-D", "-s", "10.0.0.0/17"], ["-F"]],
                         ids=["ref-D-udp", "ref-D-half", "ref-F"])
@pytest.mark.parametrize("delay", [0, 0.02])
def test_delete_many_batches_racing(scale, other, delay):
    refill(scale, RACE_N, extra=False)
    listed = plain(ctk(scale, ["-L", "-m", "5"]).out)
    res = race(scale, DELETE_MANY, other, delay)
    check_ctk_ok(res, "conntrack -D -m 5 racing conntrack %s" % " ".join(other))
    lines = deleted_lines(res)
    assert is_subsequence(lines, listed), "-D lines out of dump order"
    assert count(scale, ["-m", "5"]) == 0, "mark 5 entries left after -D -m 5"
