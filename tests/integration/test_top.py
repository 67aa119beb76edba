# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctkit-top (issue 15, part 4): the live view of the conntrack table.

Entries live in one namespace of the module's Lab (flushed between cases),
made by the reference `conntrack -I` or by real traffic on its loopback;
ctkit-top runs from a second namespace of the Lab with --netns, so that a
--netns that did not take would show a throwaway table, never the host's.
The oracle is the reference's own `conntrack -L` of the same table (and
ctkit's `conntrack --pcap -L` for a capture). The interactive view runs in
tmux with a socket of its own, driven by send-keys and read by capture-pane.
"""
import collections
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import ctharness

SAMPLE = os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")
# conntrack in the namespace needs a rule that uses it; packets on lo then have entries
RULESET = "table inet ctktop {\n chain out { type filter hook output priority 0; ct state new counter; }\n}\n"


def top_cmd():
    """ctkit-top: $CTKIT_TOP, else next to the conntrack under test."""
    if os.environ.get("CTKIT_TOP"):
        return shlex.split(os.environ["CTKIT_TOP"])
    return [os.path.join(os.path.dirname(ctharness.ctk_cmd()[-1]), "ctkit-top")]


@pytest.fixture(scope="module")
def lab():
    """One namespace for the table (lab.ns), one to run ctkit-top from (lab.cli)."""
    if not os.path.exists(top_cmd()[-1]):
        pytest.skip("build ctkit-top first (make all)")
    lab = ctharness.Lab().create(topology=False)
    try:
        r = lab.run(["nft", "-f", "-"], stdin=RULESET)
        assert r.rc == 0, r.err
        yield lab
    finally:
        lab.destroy()


@pytest.fixture
def table(lab):
    lab.flush()
    return lab


def top(lab, *args, timeout=20):
    return lab.run(top_cmd() + ["--netns", lab.ns] + list(args), ns=lab.cli, timeout=timeout)


# ---- tables -------------------------------------------------------------------------------

def insert_entries(lab):
    """Forty-odd entries: tcp in three /24s, udp, icmp, IPv6, some marks and a zone."""
    for i in range(30):
        r = lab.ref(["-I", "-p", "tcp", "-s", "10.1.%d.%d" % (i % 3, i % 9 + 1), "-d", "10.9.0.%d" % (i % 2 + 1),
                     "--sport", str(20000 + i), "--dport", str([443, 80, 22][i % 3]),
                     "--state", "ESTABLISHED", "-t", "300", "--mark", str(i % 4)])
        assert r.rc == 0, r.err
    for i in range(6):
        assert lab.ref(["-I", "-p", "udp", "-s", "10.2.0.%d" % (i + 1), "-d", "10.9.0.1",
                        "--sport", str(30000 + i), "--dport", "53", "-t", "300"]).rc == 0
    assert lab.ref(["-I", "-p", "udp", "-s", "10.2.0.99", "-d", "10.9.0.1", "--sport", "1",
                    "--dport", "53", "-t", "300", "-w", "7"]).rc == 0
    assert lab.ref(["-I", "-p", "icmp", "-s", "10.3.0.1", "-d", "10.9.0.5", "--icmp-type", "8",
                    "--icmp-code", "0", "--icmp-id", "9", "-t", "300"]).rc == 0
    for i in range(2):
        assert lab.ref(["-I", "-p", "tcp", "-s", "fd00::%d" % (i + 1), "-d", "fd00::99",
                        "--sport", str(40000 + i), "--dport", "443", "--state", "SYN_SENT",
                        "-t", "300"]).rc == 0


def counted_traffic(lab, flows=5):
    """UDP flows on the namespace's loopback, flow k with k packets of 100*k bytes."""
    script = ("import socket\n"
              "for k in range(1, %d):\n"
              "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "    for _ in range(k):\n"
              "        s.sendto(b'x' * (100 * k), ('127.0.0.1', 9000 + k))\n"
              "    s.close()\n" % (flows + 1))
    r = lab.run([ctharness.PYTHON, "-c", script])
    assert r.rc == 0, r.err


# ---- reading both sides -------------------------------------------------------------------

def endpoint(word):
    """'10.0.0.1:80' -> ('10.0.0.1', '80'), '[fd00::1]:443' -> ('fd00::1', '443'), '10.0.0.1' -> (.., None)."""
    m = re.match(r"^\[(.*)\]:(\d+)$", word) or re.match(r"^([0-9.]+):(\d+)$", word)
    return (m.group(1), m.group(2)) if m else (word, None)


def frames(out):
    """Each refresh of --batch: (header lines, column titles, rows as word lists)."""
    result = []
    for block in out.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if not lines:
            continue
        if lines[0].startswith("ctkit-top "):
            result.append([lines, None, []])
        elif result and result[-1][1] is None:
            result[-1][1] = lines[0].split()
            result[-1][2] = [line.split() for line in lines[1:]]
    return result


def top_rows(out):
    """The rows of the last refresh: (proto, src, sport, dst, dport, packets, bytes)."""
    header, titles, rows = frames(out)[-1]
    assert titles[:2] == ["PROTO", "STATE"], titles
    result = []
    for w in rows:
        src, sport = endpoint(w[2])
        dst, dport = endpoint(w[4])
        assert w[3] == "->"
        result.append((w[0], src, sport, dst, dport, w[5], w[6]))
    return result


def ref_rows(listing):
    """The same of the reference's -L lines (packets and bytes of both directions summed)."""
    result = []
    for line in listing.splitlines():
        f = lambda name: re.findall(r"\b%s=(\S+)" % name, line)
        packets, nbytes = f("packets"), f("bytes")
        result.append((line.split()[0], f("src")[0], (f("sport") or [None])[0], f("dst")[0],
                       (f("dport") or [None])[0],
                       str(sum(map(int, packets))) if packets else "-",
                       str(sum(map(int, nbytes))) if nbytes else "-"))
    return result


def tuples(rows):
    return sorted(r[:5] for r in rows)


# ---- (a) batch: entries, filters, groups, sorting -----------------------------------------

def test_batch_lists_the_table(table):
    insert_entries(table)
    want = table.ref(["-L"])
    r = top(table, "--batch", "--iterations", "1")
    assert r.rc == 0 and r.err == "", r
    (header, titles, rows), = frames(r.out)
    assert header[0].startswith("ctkit-top ") and "kernel table - netns %s" % table.ns in header[0]
    count = len(want.out.splitlines())
    assert header[1].startswith("entries: %d/" % count) and "matching: %d " % count in header[1]
    assert titles == ["PROTO", "STATE", "SOURCE", "DESTINATION", "PACKETS", "BYTES", "AGE",
                      "TIMEOUT", "INFO"]
    assert tuples(top_rows(r.out)) == tuples(ref_rows(want.out))
    # what the INFO column says: mark, zone, ICMP identity
    text = r.out
    assert re.search(r"10\.2\.0\.99:1 +-> 10\.9\.0\.1:53 .*zone=7", text)
    assert re.search(r"10\.3\.0\.1 +-> 10\.9\.0\.5 .*type=8 code=0 id=9", text)
    assert re.search(r"\[fd00::1\]:40000 +-> \[fd00::99\]:443", text)


@pytest.mark.parametrize("args", [["-p", "tcp"], ["-s", "10.1.1.0/24"], ["-p", "tcp", "--dport", "443"],
                                  ["-p", "udp", "--dport", "53", "--zone", "7"], ["-m", "2"],
                                  ["-f", "ipv6"], ["-p", "tcp", "--state", "SYN_SENT"]])
def test_batch_filters_as_conntrack(table, args):
    insert_entries(table)
    want = ref_rows(table.ref(["-L"] + args).out)
    assert want
    r = top(table, "--batch", "--iterations", "1", *args)
    assert r.rc == 0, r.err
    assert tuples(top_rows(r.out)) == tuples(want)
    assert "filter: %s" % " ".join(args) in r.out


def test_batch_group_by_and_top(table):
    insert_entries(table)
    want = collections.Counter(row[1] for row in ref_rows(table.ref(["-L"]).out))
    r = top(table, "--batch", "--iterations", "1", "--group-by", "src")
    header, titles, rows = frames(r.out)[0]
    assert titles == ["COUNT", "PACKETS", "BYTES", "GROUP"]
    got = {w[3].split("=", 1)[1]: int(w[0]) for w in rows}
    assert got == dict(want)
    assert "view: groups by src" in header[2]
    # --top 3: the three largest, largest first
    r = top(table, "--batch", "--iterations", "1", "--group-by", "src/24", "--top", "3", "-p", "tcp")
    header, titles, rows = frames(r.out)[0]
    assert [(int(w[0]), w[3]) for w in rows] == [(10, "src=10.1.0.0/24"), (10, "src=10.1.1.0/24"),
                                                (10, "src=10.1.2.0/24")]
    r = top(table, "--batch", "--iterations", "1", "--group-by", "src/24", "--top", "2", "--reverse")
    counts = [int(w[0]) for w in frames(r.out)[0][2]]
    assert counts == sorted(counts) and len(counts) == 2 and counts[0] == 1


def test_batch_sorted_by_counters(table):
    counted_traffic(table)
    want = [row for row in ref_rows(table.ref(["-L", "-p", "udp"]).out)]
    assert len(want) == 5 and all(row[5] != "-" for row in want)
    for sort, col, reverse in (("packets", 5, False), ("bytes", 6, False), ("bytes", 6, True)):
        args = ["--batch", "--iterations", "1", "-p", "udp", "--sort", sort] + (["--reverse"] if reverse else [])
        got = top_rows(top(table, *args).out)
        assert sorted(got) == sorted(want)     # the same counters as the reference's
        values = [int(row[col]) for row in got]
        assert values == sorted(values, reverse=not reverse)
        assert len(set(values)) == 5
    # --top keeps the largest
    got = top_rows(top(table, "--batch", "--iterations", "1", "-p", "udp", "--sort", "bytes", "--top", "2").out)
    assert [row[4] for row in got] == ["9005", "9004"]


# ---- (c) events per second while it runs ---------------------------------------------------

def first_frame(p):
    """Read a --batch run's first refresh (its last line is blank): it is running."""
    lines = []
    while lines.count("") < 2:
        line = p.stdout.readline()
        assert line, "ctkit-top ended early: %s" % p.stderr.read()
        lines.append(line.rstrip("\n"))
    return "\n".join(lines) + "\n"


def test_events_per_second(table):
    p = subprocess.Popen(table.prefix(table.cli) + top_cmd() + [
        "--netns", table.ns, "--batch", "--iterations", "3", "--interval", "1", "--top", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = first_frame(p)
        for i in range(12):
            assert table.ref(["-I", "-p", "udp", "-s", "10.6.0.%d" % (i + 1), "-d", "10.9.0.1",
                              "--sport", "7", "--dport", "53", "-t", "300"]).rc == 0
        assert table.ref(["-D", "-p", "udp", "-s", "10.6.0.0/24"]).rc == 0
        out, err = p.communicate(timeout=15)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0 and err == "", err
    rates = [re.search(r"events/s: new (\S+) update (\S+) destroy (\S+)", f[0][1]).groups()
             for f in frames(first + out)]
    assert len(rates) == 3 and rates[0] == ("-", "-", "-")
    # 12 NEW and 12 DESTROY within the two seconds measured
    new = sum(float(r[0]) for r in rates[1:])
    destroy = sum(float(r[2]) for r in rates[1:])
    assert 6 <= new <= 13 and 6 <= destroy <= 13, rates


# ---- (d) the engine's table of a capture ---------------------------------------------------

def test_pcap_shows_the_engines_table(lab):
    want = ref_rows(lab.run(ctharness.ctk_cmd() + ["--pcap", SAMPLE, "-L"]).out)
    r = lab.run(top_cmd() + ["--batch", "--pcap", SAMPLE, "--iterations", "3"])
    assert r.rc == 0 and r.err == "", r
    assert len(frames(r.out)) == 1     # a replayed capture does not change: shown once
    assert "capture %s" % SAMPLE in r.out and "entries: 8/" in r.out
    got = top_rows(r.out)
    assert tuples(got) == tuples(want)
    # the engine counts packets for the view: sorted by them
    packets = [int(row[5]) for row in got]
    assert packets == sorted(packets, reverse=True) and packets[0] > 1
    r = lab.run(top_cmd() + ["--batch", "--pcap", SAMPLE, "--group-by", "proto"])
    assert sum(int(w[0]) for w in frames(r.out)[0][2]) == len(want)


def test_live_capture(lab):
    """--capture lo in the namespace: the engine's table fills as packets come."""
    p = subprocess.Popen(lab.prefix(lab.cli) + top_cmd() + [
        "--netns", lab.ns, "--capture", "lo", "--batch", "--iterations", "3", "--interval", "0.5",
        # loopback's packets carry no checksum (offload): the engine must not insist
        "--sysctl", "net.netfilter.nf_conntrack_checksum=0", "-p", "udp"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_frame(p)
        counted_traffic(lab, flows=3)
        out, err = p.communicate(timeout=15)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err
    assert "live capture on lo" in out
    got = top_rows(out)
    assert sorted(row[4] for row in got) == ["9001", "9002", "9003"]


# ---- (b) the interactive view under tmux ---------------------------------------------------

class Tmux:
    """A private tmux server (its socket in a directory of its own, removed with it)
    running one command in a 160x40 window."""

    def __init__(self, command):
        self.dir = tempfile.mkdtemp(prefix="ctk-top-")
        self.socket = os.path.join(self.dir, "tmux")
        self.rc_file = os.path.join(self.dir, "rc")
        self.err_file = os.path.join(self.dir, "err")
        self.pid_file = os.path.join(self.dir, "pid")
        # the exit code, what went to stderr (sanitizer reports), then a line to
        # show that the terminal came back from curses' screen
        script = "echo $$ > %s; %s 2>%s; echo $? > %s; echo TERMINAL-BACK; sleep 30" % (
            shlex.quote(self.pid_file), command, shlex.quote(self.err_file), shlex.quote(self.rc_file))
        self.tmux("new-session", "-d", "-s", "top", "-x", "160", "-y", "40", "sh -c %s" % shlex.quote(script))

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=10)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "top").stdout

    def wait_for(self, pred, timeout=8):
        end = time.time() + timeout
        while time.time() < end:
            text = self.screen()
            if pred(text):
                return text
            time.sleep(0.1)
        raise AssertionError("screen never matched:\n" + self.screen())

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "top", *keys)

    def exited(self, timeout=8):
        end = time.time() + timeout
        while time.time() < end:
            if os.path.exists(self.rc_file) and open(self.rc_file).read().strip():
                return int(open(self.rc_file).read()), open(self.err_file).read()
            time.sleep(0.1)
        raise AssertionError("ctkit-top did not exit:\n" + self.screen())

    def close(self):
        self.tmux("kill-server")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def tmux(table):
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed (make deps)")
    sessions = []

    def start(*args):
        argv = table.prefix(table.cli) + ["TERM=screen"] + top_cmd() + ["--netns", table.ns] + list(args)
        sessions.append(Tmux(" ".join(shlex.quote(a) for a in argv)))
        return sessions[-1]

    yield start
    for t in sessions:
        t.close()


def header_line(screen, n):
    return screen.splitlines()[n]


def test_interactive_keys(table, tmux):
    insert_entries(table)
    t = tmux("--interval", "0.5", "--group-by", "src/24")
    screen = t.wait_for(lambda s: "view: groups by src/24" in s and "src=10.1.0.0/24" in s)
    lines = screen.splitlines()
    assert lines[0].startswith("ctkit-top ") and "netns %s" % table.ns in lines[0]
    assert lines[1].startswith("entries: 40/")
    assert lines[3].split() == ["COUNT", "PACKETS", "BYTES", "GROUP"]
    assert lines[4].split()[0] == "10" and lines[-1].lstrip().startswith("q quit")
    t.keys("s")
    t.wait_for(lambda s: "sort: packets " in header_line(s, 2))
    t.keys("r")
    t.wait_for(lambda s: "sort: packets reversed" in header_line(s, 2))
    t.keys("g")
    screen = t.wait_for(lambda s: "view: entries" in header_line(s, 2))
    assert screen.splitlines()[3].split()[:2] == ["PROTO", "STATE"]
    assert "10.1.0.1:20000" in screen or "10.1." in screen
    t.keys("h")
    t.wait_for(lambda s: "quit (SIGINT and SIGTERM too)" in s)
    t.keys("x")
    t.wait_for(lambda s: "PROTO" in s)
    t.keys("p")
    t.wait_for(lambda s: header_line(s, 0).endswith("- paused"))
    t.keys("+")
    t.wait_for(lambda s: "every 1s" in header_line(s, 2))
    t.keys("q")
    rc, err = t.exited()
    assert (rc, err) == (0, "")
    screen = t.wait_for(lambda s: "TERMINAL-BACK" in s)
    assert "ctkit-top " not in screen      # curses' screen is gone: the terminal is as it was


def test_interactive_follows_the_table_and_resizes(table, tmux):
    t = tmux("--interval", "0.3", "-p", "udp")
    t.wait_for(lambda s: "matching: 0 " in s)
    assert table.ref(["-I", "-p", "udp", "-s", "10.7.0.1", "-d", "10.9.0.1", "--sport", "5",
                      "--dport", "53", "-t", "300"]).rc == 0
    t.wait_for(lambda s: "10.7.0.1:5" in s and "matching: 1 " in s)
    t.wait_for(lambda s: re.search(r"events/s: new [0-9.]+ ", s))
    t.tmux("resize-window", "-t", "top", "-x", "30", "-y", "4")
    t.wait_for(lambda s: "terminal too small" in s)
    t.tmux("resize-window", "-t", "top", "-x", "100", "-y", "12")
    t.wait_for(lambda s: "10.7.0.1:5" in s)


def test_sigterm_gives_the_terminal_back(table, tmux):
    t = tmux("--interval", "0.5")
    t.wait_for(lambda s: "view: entries" in s)
    # the shell's pid was written; ctkit-top is its only child
    shell = int(open(t.pid_file).read())
    children = subprocess.run(["pgrep", "-P", str(shell)], stdout=subprocess.PIPE, text=True).stdout.split()
    assert children
    for pid in children:                    # nsenter exec'd env, which exec'd ctkit-top
        os.kill(int(pid), signal.SIGTERM)
    rc, err = t.exited()
    assert (rc, err) == (0, "")
    assert "ctkit-top " not in t.wait_for(lambda s: "TERMINAL-BACK" in s)


# ---- (e) bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (["--bogus"], "unknown option `--bogus'"),
    (["--sort", "colour"], "--sort: `colour' is not count, packets, bytes or age"),
    (["--group-by", "colour"], "--group-by: `colour' is not a key"),
    (["--interval", "0"], "--interval: `0' is not a number of seconds"),
    (["-D"], "`-D': ctkit-top runs no conntrack command"),
    (["-p", "tcp", "--dport"], "option `--dport' requires an argument"),
])
def test_bad_input(lab, args, message):
    r = lab.run(top_cmd() + ["--batch"] + args, ns=lab.cli)
    assert r.rc == 2 and r.out == "", r
    assert r.err.startswith("ctkit-top: " + message), r.err
    assert r.err.endswith("Try `ctkit-top --help' for more information.\n")


def test_bad_namespace_and_no_terminal(lab):
    r = lab.run(top_cmd() + ["--batch", "--netns", "ctk-no-such-ns"], ns=lab.cli)
    assert (r.rc, r.out, r.err) == (2, "", "ctkit-top: --netns `ctk-no-such-ns': no such network namespace\n")
    r = lab.run(top_cmd() + ["--netns", lab.ns], ns=lab.cli)       # stdout is a pipe here
    assert (r.rc, r.out) == (2, "")
    assert r.err == "ctkit-top: standard output is not a terminal: use --batch for plain text\n"
