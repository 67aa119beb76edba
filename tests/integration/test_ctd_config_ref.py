# SPDX-License-Identifier: GPL-2.0-or-later
"""conntrackd.conf: ctkit's parser against the reference conntrackd 1.4.7.

The reference is run in client mode (`conntrackd -C FILE -s`): it must parse
the file before it tries the control socket, so a file that parsed ends with
"can't connect" (nothing listens on the socket) and exit status 1. Its
stderr, "[time] (pid=N) " cut, is compared line by line with what ctkit's
parser reports through ctd_config_driver.c, built here against
tools/conntrackd/config*.c.

No namespace: nothing here touches conntrack or sends packets.
"""
import os
import random
import re
import shutil
import subprocess

import pytest

import ctharness

NEEDS_ROOT = False

REF = os.environ.get("REF_CONNTRACKD", "/usr/sbin/conntrackd")
SRC = os.path.join(ctharness.REPO, "tools", "conntrackd")
GOLDEN = os.path.join(ctharness.REPO, "tests", "unit", "golden", "ctd_config_ref.txt")
EXAMPLES = os.path.join(ctharness.REPO, "contrib", "conntrackd")

pytestmark = pytest.mark.skipif(not os.access(REF, os.X_OK), reason="no reference conntrackd")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ctdconf") / "ctd_config_driver")
    cc = os.environ.get("CC", "cc")
    flags = ["-fsanitize=address,undefined"] if os.environ.get("SAN") == "1" else []
    subprocess.run([cc, "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-g",
                    *flags, "-I" + SRC,
                    os.path.join(ctharness.REPO, "tests", "integration", "ctd_config_driver.c"),
                    os.path.join(SRC, "config.c"), os.path.join(SRC, "config_lex.c"),
                    "-o", out], check=True)
    return out


def reference(path):
    """(status, lines): status 0 when the file parsed."""
    r = subprocess.run([REF, "-C", path, "-s"], capture_output=True, timeout=20)
    assert r.stdout == b""
    lines = r.stderr.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [re.sub(rb"^\[[^]]*\] \(pid=\d+\) ", b"", line) for line in lines]
    parsed = any(b"can't connect" in line for line in lines)
    if parsed:
        assert r.returncode == 1
    return (0 if parsed else r.returncode), [l for l in lines if b"can't connect" not in l]


def ctkit(driver, path):
    r = subprocess.run([driver, path], capture_output=True, timeout=20)
    assert r.stderr == b"", r.stderr
    lines = r.stdout.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return r.returncode, lines


def unescape(text):
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("latin-1")
            i += 1
            continue
        n = text[i + 1]
        if n == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
            continue
        out += {"n": b"\n", "t": b"\t", "r": b"\r"}.get(n, n.encode("latin-1"))
        i += 2
    return bytes(out)


def golden_cases():
    cases, cur = [], None
    with open(GOLDEN, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("case "):
                cur = {"name": line[5:], "out": [], "ext": False}
            elif line.startswith(("conf ", "path ")):
                cur["kind"], cur["arg"] = line[:4], line[5:]
            elif line.startswith("rc "):
                cur["rc"] = int(line[3:])
            elif line == "ext":
                cur["ext"] = True
            elif line.startswith("out "):
                cur["out"].append(unescape(line[4:]))
            elif line == "end":
                cases.append(cur)
    return cases


CASES = golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case(driver, tmp_path, case):
    """The reference still prints what was recorded, and ctkit prints the same."""
    if case["kind"] == "path":
        path = case["arg"]
    else:
        path = str(tmp_path / "c.conf")
        with open(path, "wb") as f:
            f.write(unescape(case["arg"]))
    assert reference(path) == (case["rc"], case["out"])
    if case["ext"]:
        assert ctkit(driver, path) == (0, [])
    else:
        assert ctkit(driver, path) == (case["rc"], case["out"])


def example_names():
    return sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".conf"))


@pytest.mark.parametrize("name", example_names())
def test_example_parses_with_both(driver, tmp_path, name):
    """Every shipped example is a valid 1.4.7 file, and ctkit agrees on its warnings."""
    path = str(tmp_path / name)
    with open(os.path.join(EXAMPLES, name)) as f:
        text = f.read()
    # keep the client away from any real daemon's socket
    text = text.replace("/var/run/conntrackd.ctl", str(tmp_path / "none.ctl"))
    with open(path, "w") as f:
        f.write(text)
    rc, lines = reference(path)
    assert rc == 0, lines
    assert ctkit(driver, path) == (0, lines)


def test_examples_cover_every_mode():
    names = set(example_names())
    assert {"ftfw-udp.conf", "ftfw-multicast.conf", "notrack-tcp.conf", "alarm-udp.conf",
            "stats.conf"} <= names


# ---- random mutations of valid files: the same verdict, text and warnings ----

KEYWORDS = """UNIX IPv4_address IPv6_address IPv4_Destination_Address IPv6_Destination_Address
IPv4_interface IPv6_interface Interface Multicast UDP TCP HashSize RefreshTime CacheTimeout
CommitTimeout HashLimit Path Backlog Group Port LogFile Syslog LockFile General Sync Stats
SocketBufferSize SocketBufferSizeMaxGrown SocketBufferSizeMaxGrowth NetlinkBufferSize
NetlinkBufferSizeMaxGrowth Mode ResendQueueSize Checksum ACKWindowSize for SYN_SENT SYN_RECV
ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE CLOSED LISTEN SndSocketBuffer
RcvSocketBuffer Filter Protocol Address State Accept Ignore PurgeTimeout From Userspace
Kernelspace EventIterationLimit Default PollSecs NetlinkOverrunResync Nice Scheduler Type Priority
NetlinkEventsReliable DisableInternalCache DisableExternalCache Options TCPWindowTracking
ExpectationSync ErrorQueueLength Helper QueueNum QueueLen Policy ExpectMax ExpectTimeout Systemd
StartupResync Setup""".split()

VALUES = ["on", "off", "yes", "No", "o|", "1", "0", "42", "-3", "+7", "1.2.3.4", "10.0.0.0/8",
          "1.2.3.4/33", "::1", "fe80::/64", "1:2:3", "cafe", "12abc", "/tmp/p", "/tmp/x}", "ftp",
          "tftp", "sip", "inet", "inet6", "tcp", "udp", "rr", "FIFO", "daemon", "local3", "bogus",
          "FTFW", "ALARM", "NOTRACK", "nack", "lo", "eth9", "ICMP", "sctp", "{", "}", "#c\n",
          "\r", "$", "99999999999", "a_b.c-d", "\x00", "\xe9"]


def seed_files():
    text = []
    for name in example_names():
        with open(os.path.join(EXAMPLES, name)) as f:
            text.append(f.read())
    for case in CASES:
        if case["kind"] == "conf" and case["rc"] == 0:
            text.append(unescape(case["arg"]).decode("latin-1"))
    return text


def mutate(rnd, text):
    # comments go first: the examples' mention ctkit's own keywords
    toks = re.findall(r"\S+", re.sub(r"#[^\n]*", "", text))
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(toks) + 1)
        op = rnd.random()
        if op < 0.3 and toks:
            del toks[min(i, len(toks) - 1)]
        elif op < 0.6:
            toks.insert(i, rnd.choice(KEYWORDS))
        else:
            toks.insert(i, rnd.choice(VALUES))
    seps = [rnd.choice([" ", "\n", "\t", " \n"]) for _ in toks]
    return "".join(t + s for t, s in zip(toks, seps))


@pytest.mark.parametrize("seed", range(4))
def test_mutations_agree(driver, tmp_path, seed):
    rnd = random.Random(seed)
    seeds = seed_files()
    for i in range(75):
        text = mutate(rnd, rnd.choice(seeds)).replace("/var/run/conntrackd.ctl",
                                                        str(tmp_path / "none.ctl"))
        path = str(tmp_path / ("m%d.conf" % i))
        with open(path, "wb") as f:
            f.write(text.encode("latin-1"))
        want = reference(path)
        got = ctkit(driver, path)
        assert got == want, "%r" % text
