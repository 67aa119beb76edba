# SPDX-License-Identifier: LGPL-2.1-or-later
"""nfct: ctkit's against the reference (/usr/sbin/nfct, conntrack-tools 1.4.7).

cttimeout policies live per network namespace, so every program runs in a
namespace of its own Lab (one namespace, no topology): the reference and
ctkit never see each other's policies, nor the host's.

- the upstream `nfct timeout` cases, run with both programs;
- differential runs, in a fresh namespace per program: a scripted sequence
  of commands (policies of every protocol, the reference's argument errors,
  the helper subsystem, which this kernel lacks), 300 policies listed at
  once, and 300 random word salads; stdout, stderr and exit status must be
  identical at each step;
- -o json, -v, -h (ctkit's own);
- end to end: a policy attached with iptables `-j CT --timeout NAME` to real
  UDP traffic on lo, seen in `conntrack -L`.
"""
import json
import os
import random
import re

import pytest

import ctharness

REF_NFCT = "/usr/sbin/nfct"
CASES = os.path.join(ctharness.REPO, "..", "shared", "reference", "upstream-tests", "nfct-timeout")
PROTOS = ["tcp", "udp", "udplite", "icmp", "icmpv6", "sctp", "dccp", "gre", "generic"]


def ctk_nfct():
    return os.environ.get("NFCT") or os.path.join(ctharness.REPO, "build", "nfct")


def ref_available():
    return os.access(REF_NFCT, os.X_OK)


needs_ref = pytest.mark.skipif(not ref_available(), reason="reference nfct not installed (apt-get install nfct)")


@pytest.fixture
def ns():
    """A fresh namespace (lo up), removed afterwards."""
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


@pytest.fixture
def ns2():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


def nfct(lab, prog, args):
    r = lab.run([prog] + list(args))
    # usage lines name the program as invoked
    r.err = r.err.replace(prog, "nfct")
    return r


def kernel_has_dccp(lab):
    r = lab.run(["sh", "-c", "exec \"$0\" add timeout dccp-probe inet dccp request 1 && "
                 "exec \"$0\" delete timeout dccp-probe", ctk_nfct()])
    return r.rc == 0


# --- upstream cases -------------------------------------------------------------


def load_cases():
    """(file, lineno, command words after the program, expect OK?) in name order."""
    cases = []
    for name in sorted(os.listdir(CASES)):
        with open(os.path.join(CASES, name)) as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line[0] in "# ":
                    continue
                args, _, verdict = line.rpartition(";")
                words = args.split()
                verdict = verdict.strip()
                # every nfct case is a plain OK/BAD line naming the program first
                assert verdict in ("OK", "BAD") and words[0] == "nfct", (name, no, line)
                cases.append((name, no, words[1:], verdict == "OK"))
    return cases


def run_cases(lab, prog):
    return [(name, no, nfct(lab, prog, words).rc == 0) == (name, no, ok)
            for name, no, words, ok in load_cases()]


def check_upstream(lab, prog):
    dccp = kernel_has_dccp(lab)
    results = run_cases(lab, prog)
    cases = load_cases()
    failed = [(c[0], c[1], " ".join(c[2])) for c, passed in zip(cases, results)
              if not passed and (dccp or "dccp" not in c[0])]
    assert not failed, failed
    return sum(results), len(results), dccp


def test_upstream_cases_ctkit(ns):
    passed, total, dccp = check_upstream(ns, ctk_nfct())
    print("ctkit nfct: %d of %d upstream cases pass (kernel DCCP: %s)" % (passed, total, dccp))


@needs_ref
def test_upstream_cases_reference(ns):
    """The harness itself: the reference passes the same cases."""
    passed, total, dccp = check_upstream(ns, REF_NFCT)
    print("reference nfct: %d of %d upstream cases pass (kernel DCCP: %s)" % (passed, total, dccp))


@needs_ref
def test_upstream_cases_same_verdicts(ns, ns2):
    """Case by case, ctkit passes exactly where the reference passes (DCCP included)."""
    assert run_cases(ns, ctk_nfct()) == run_cases(ns2, REF_NFCT)


# --- differential ------------------------------------------------------------------

LONG = "x" * 40

SEQUENCE = [
    # empty table
    "list timeout", "timeout list", "l timeout", "flush timeout",
    # one policy per protocol, both families, all-state and few-state forms
    "add timeout t-tcp inet tcp syn_sent 1 syn_recv 2 established 3 fin_wait 4 close_wait 5 "
    "last_ack 6 time_wait 7 close 8 syn_sent2 9 retrans 10 unacknowledged 11",
    "add timeout t-tcp6 inet6 tcp ESTABLISHED 7200",
    "add timeout t-udp inet udp unreplied 10 replied 20",
    "add timeout t-udplite inet udplite Replied 5",
    "add timeout t-icmp inet icmp timeout 9",
    "add timeout t-icmpv6 inet6 icmpv6 timeout 8",
    "add timeout t-ipv6icmp inet6 ipv6-icmp timeout 8",
    "add timeout t-sctp inet sctp closed 1 cookie_wait 2 cookie_echoed 3 established 4 "
    "shutdown_sent 5 shutdown_recd 6 shutdown_ack_sent 7",
    "add timeout t-dccp inet dccp request 1 respond 2",
    "add timeout t-gre inet gre unreplied 11",
    "add timeout t-generic inet generic timeout 12",
    "add timeout t-raw inet raw timeout 12",
    # values as atoi() reads them, duplicates, a long name, an update, a clash
    "add timeout t-odd inet udp unreplied abc replied -1",
    "add timeout t-big inet udp unreplied 99999999999 replied 4294967297",
    "add timeout t-dup inet udp unreplied 1 unreplied 2",
    "add timeout %s inet udp unreplied 3" % LONG,
    "add timeout t-udp inet udp replied 21",
    "add timeout t-udp inet tcp established 1",
    "add timeout t-none inet tcp",
    ["add", "timeout", "", "inet", "udp", "unreplied", "1"],
    ["add", "timeout", "with space", "inet", "udp", "unreplied", "1"],
    ["get", "timeout", "with space"],
    "list timeout",
    "get timeout t-udp", "get timeout t-sctp", "get timeout %s" % LONG, "get timeout " + LONG[:31],
    "g timeout t-gre", "timeout get t-icmp",
    "get timeout nope", "delete timeout nope",
    # argument errors, in the reference's order of checks
    "add timeout", "add timeout x", "add timeout x inet", "add timeout x inet tcp foo 1",
    "add timeout x inet tcp established", "add timeout x inet tcp established 1 foo",
    "add timeout x inet tcp foo 1 established", "add timeout x ip tcp established 1",
    "add timeout x inet foo established 1", "add timeout x inet 6 established 1",
    "add timeout x inet esp timeout 1", "add timeout x inet udp established 1",
    "add timeout x inet6 tcp SYN_SENT2 1 syn_sent3 1",
    "get timeout", "get timeout a b", "delete timeout", "delete timeout a b",
    "list timeout x", "flush timeout x", "disable timeout", "disable timeout x",
    "default-get timeout", "default-get timeout inet", "default-get timeout ip tcp",
    "default-get timeout inet foo", "default-set timeout inet udp",
    "default-set timeout inet udp foo 1", "default-set timeout inet udp unreplied",
    # defaults: every protocol, both families; set one and read it back
    ] + ["default-get timeout %s %s" % (fam, p) for fam in ("inet", "inet6") for p in PROTOS] + [
    "default-get timeout inet tcp extra words",
    "default-set timeout inet udp unreplied 31",
    "default-get timeout inet udp",
    "default-set timeout inet udp unreplied 30",
    # word matching and order
    "d timeout t-dup", "de timeout t-dup", "timeout d t-odd", "x timeout", "list x",
    "timeout timeout", "helper helper", "version x", "x version", "timeout", "list", "",
    # the helper subsystem: this kernel has no cthelper, so requests fail
    "list helper", "helper list", "list helper x", "flush helper", "flush helper x",
    "add helper", "add helper ftp", "add helper ftp inet", "add helper ftp ip tcp",
    "add helper ftp inet sctp", "add helper foo inet tcp", "add helper ftp inet udp",
    "add helper ftp inet tcp", "add helper tftp inet udp", "add helper rpc inet udp",
    "add helper ssdp inet6 tcp", "add helper ftp inet tcp extra",
    "get helper", "get helper ftp", "get helper ftp inet", "get helper ftp ip",
    "get helper ftp inet sctp", "get helper ftp inet tcp", "get helper ftp inet tcp x",
    "delete helper", "delete helper ftp", "delete helper ftp inet udp", "delete helper ftp ip",
    "delete helper ftp inet tcp x", "disable helper", "disable helper ftp inet tcp",
    "disable helper foo inet tcp", "disable helper ftp inet sctp", "disable helper ftp ip tcp",
    "default-set helper", "default-get helper", "helper default-set", "help list", "h list",
    # deleting and flushing
    "delete timeout t-tcp", "get timeout t-tcp", "list timeout", "flush timeout", "list timeout",
]


def run_sequence(lab, prog):
    out = []
    for cmd in SEQUENCE:
        words = cmd if isinstance(cmd, list) else cmd.split()
        out.append((" ".join(words), nfct(lab, prog, words)))
    return out


@needs_ref
def test_differential_sequence(ns, ns2):
    ours = run_sequence(ns, ctk_nfct())
    theirs = run_sequence(ns2, REF_NFCT)
    diffs = []
    for (cmd, a), (_, b) in zip(ours, theirs):
        if (a.rc, a.out, a.err) != (b.rc, b.out, b.err):
            diffs.append((cmd, a, b))
    assert not diffs, "\n".join("%s\n  ctkit: %r\n  ref:   %r" % d for d in diffs)
    # and it did exercise something: listed policies of every protocol
    listed = [r.out for cmd, r in ours if cmd == "list timeout"][1]
    for num in (6, 17, 136, 1, 58, 132, 47, 255):
        assert "\t.l4proto = %d,\n" % num in listed


WORDS = ("list add delete get flush disable default-set default-get timeout helper version "
         "l a d de def g f t h inet inet6 ip tcp udp udplite icmp icmpv6 ipv6-icmp sctp dccp gre "
         "generic raw esp foo established ESTABLISHED syn_sent unreplied replied timeout closed "
         "1 0 -5 abc x ftp tftp rpc ssdp").split() + [""]


@needs_ref
def test_differential_random(ns, ns2):
    """Random word salads (fixed seed): same bytes and status, except ctkit's version text."""
    rnd = random.Random(7)
    cmds = [[rnd.choice(WORDS) for _ in range(rnd.randint(0, 8))] for _ in range(300)]
    diffs = []
    for words in cmds:
        a = nfct(ns, ctk_nfct(), words)
        b = nfct(ns2, REF_NFCT, words)
        if (a.rc, a.out, a.err) != (b.rc, b.out, b.err) and "ctkit" not in a.out:
            diffs.append((words, a, b))
    assert not diffs, diffs[:5]


ADD_MANY = ("i=0; while [ $i -lt 300 ]; do "
            "\"$0\" add timeout many-$i inet$([ $((i % 2)) = 1 ] && echo 6) tcp established $i || exit 1; "
            "i=$((i + 1)); done")


@needs_ref
def test_differential_large_list(ns, ns2):
    """300 policies: a dump over several netlink messages, printed identically."""
    outs = []
    for lab, prog in ((ns, ctk_nfct()), (ns2, REF_NFCT)):
        # 300 process starts under ASan: give a slow CI machine room.
        assert lab.run(["sh", "-c", ADD_MANY, prog], timeout=180).rc == 0
        r = nfct(lab, prog, ["list", "timeout"])
        assert r.rc == 0 and r.err == ""
        outs.append(r.out)
    assert outs[0] == outs[1]
    assert outs[0].count(".l4proto = 6,") == 300


@needs_ref
def test_helper_subsystem_missing(ns, ns2):
    """CONFIG_NF_CT_NETLINK_HELPER is off here: each command fails as the reference's."""
    for cmd in ("list helper", "add helper ftp inet tcp", "get helper ftp", "delete helper ftp",
                "disable helper ftp inet tcp", "flush helper"):
        a = nfct(ns, ctk_nfct(), cmd.split())
        b = nfct(ns2, REF_NFCT, cmd.split())
        assert (a.rc, a.out, a.err) == (b.rc, b.out, b.err), cmd
        if b.err == "nfct v1.4.7: netlink error: Invalid argument\n":
            assert a.rc == 1


# --- ctkit's own ------------------------------------------------------------------


def test_json(ns):
    prog = ctk_nfct()
    assert nfct(ns, prog, "add timeout dns inet udp unreplied 5 replied 6".split()).rc == 0
    assert nfct(ns, prog, "add timeout long6 inet6 tcp established 86400".split()).rc == 0
    r = nfct(ns, prog, ["-o", "json", "list", "timeout"])
    assert r.rc == 0 and r.err == ""
    objs = [json.loads(line) for line in r.out.splitlines()]
    by_name = {o["name"]: o for o in objs}
    assert by_name["dns"]["l4proto"] == "udp" and by_name["dns"]["l3proto"] == "ipv4"
    assert by_name["dns"]["policy"] == {"unreplied": 5, "replied": 6}
    assert by_name["long6"]["l3protonum"] == 10 and by_name["long6"]["policy"]["established"] == 86400
    assert by_name["long6"]["policy"]["syn_sent"] == 120  # filled in by the kernel
    r = nfct(ns, prog, ["-o", "json", "get", "timeout", "dns"])
    assert json.loads(r.out) == by_name["dns"]
    r = nfct(ns, prog, ["-o", "json", "default-get", "timeout", "inet", "generic"])
    obj = json.loads(r.out)
    assert "name" not in obj and obj["l4proto"] == "generic" and "timeout" in obj["policy"]
    r = nfct(ns, prog, ["-o", "yaml", "list", "timeout"])
    assert r.rc == 1 and "unknown output format" in r.err


def test_version_and_help(ns):
    prog = ctk_nfct()
    for args in (["-v"], ["--version"], ["version", "list"]):
        r = nfct(ns, prog, args)
        assert r.rc == 0 and "ctkit" in r.out and "1.4.7" in r.out, args
    for args in (["-h"], ["--help"]):
        r = nfct(ns, prog, args)
        assert r.rc == 0 and "default-get" in r.out and "SHUTDOWN_ACK_SENT" in r.out
    r = nfct(ns, prog, [])
    assert r.rc == 1 and r.err == "Usage: nfct command subsystem [parameters]...\n"


# --- end to end ------------------------------------------------------------------


def conntrack_cmd():
    return os.environ.get("CONNTRACK") or os.path.join(ctharness.REPO, "build", "conntrack")


SEND_UDP = ("import socket, sys\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "s.sendto(b'ping', ('127.0.0.1', int(sys.argv[1])))\n")


def test_policy_on_real_traffic(ns):
    prog = ctk_nfct()
    port = 5399
    assert nfct(ns, prog, "add timeout e2e inet udp unreplied 77 replied 99".split()).rc == 0
    r = ns.run(["iptables", "-t", "raw", "-A", "OUTPUT", "-p", "udp", "--dport", str(port),
                "-j", "CT", "--timeout", "e2e"])
    if r.rc:
        pytest.skip("iptables CT --timeout unavailable: " + r.err.strip())
    assert ns.run([ctharness.PYTHON, "-c", SEND_UDP, str(port)]).rc == 0
    for lister in (ctharness.REF + ["-L", "-p", "udp", "--dport", str(port)],
                   [conntrack_cmd(), "-L", "-p", "udp", "--dport", str(port)]):
        r = ns.run(lister)
        assert r.rc == 0, r
        m = re.match(r"udp\s+17 (\d+) src=127\.0\.0\.1 dst=127\.0\.0\.1 sport=\d+ dport=%d .*\[UNREPLIED\]"
                     % port, r.out)
        assert m, r.out
        # the policy's 77 s, not the namespace's UDP default (600 s in a Lab)
        assert 60 < int(m.group(1)) <= 77, r.out
    # a policy in use cannot go; -o json shows its users
    r = nfct(ns, prog, "delete timeout e2e".split())
    assert r.rc == 1 and r.err == "nfct v1.4.7: netlink error: Device or resource busy\n"
    obj = json.loads(nfct(ns, prog, "-o json get timeout e2e".split()).out)
    assert obj["use"] >= 2
    # once the rule and the entry are gone, it can
    assert ns.run(["iptables", "-t", "raw", "-F"]).rc == 0
    assert ns.run(ctharness.REF + ["-F"]).rc == 0
    assert nfct(ns, prog, "delete timeout e2e".split()).rc == 0
