# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bash completion (contrib/bash-completion/, issue 15): each completion
function is called in a plain bash with COMP_WORDS set, as bash would, and
must offer the words a user expects; conntrack's options must be exactly
those its --help names, so the two never drift apart."""
import os
import re
import subprocess

import pytest

import ctharness

NEEDS_ROOT = False      # a namespace name is checked only when root can make one
DIR = os.path.join(ctharness.REPO, "contrib", "bash-completion")
CONNTRACK = ctharness.ctk_cmd()[-1]


def complete(script, func, words):
    """COMPREPLY for the command line @words, completing its last word."""
    prog = "\n".join([
        "source %s" % os.path.join(DIR, script),
        "COMP_WORDS=(%s)" % " ".join("'%s'" % w for w in words),
        "COMP_CWORD=%d" % (len(words) - 1),
        "%s 2>/dev/null" % func,
        'printf "%s\\n" "${COMPREPLY[@]}"',
    ])
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, check=True,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    return [w for w in p.stdout.split("\n") if w]


def ct(*words):
    return complete("conntrack", "_ctk_conntrack", [CONNTRACK] + list(words))


def test_options_are_those_of_help():
    help_text = subprocess.run([CONNTRACK, "-h"], stdout=subprocess.PIPE, text=True).stdout
    documented = set(re.findall(r"(?:^|[ ,])(--?[A-Za-z][A-Za-z0-9-]*)", help_text, re.M))
    offered = set(ct("-"))
    assert documented == offered
    assert {"--netns", "--group-by", "--top", "-L", "--dump", "--pcap"} <= offered


@pytest.mark.parametrize("words,want", [
    (["-L", "-p", "tc"], ["tcp"]),
    (["-L", "-p", "tcp", "--stat"], ["--state", "--stats", "--status"]),
    (["-L", "-p", "tcp", "--state", "ESTAB"], ["ESTABLISHED"]),
    (["-L", "-p", "sctp", "--state", "COOKIE_E"], ["COOKIE_ECHOED"]),
    (["-L", "-o", "extended,j"], ["extended,json"]),
    (["-E", "-e", "NEW,DES"], ["NEW,DESTROY"]),
    (["-L", "e"], ["expect"]),
    (["-L", "--group-by", "src,dp"], ["src,dport"]),
    (["-L", "-f", "ipv"], ["ipv4", "ipv6"]),
    (["--pcap", "x", "-L", "--sysctl", "net.netfilter.nf_conntrack_tcp_be_l"],
     ["net.netfilter.nf_conntrack_tcp_be_liberal="]),
])
def test_conntrack_values(words, want):
    if "--sysctl" in words and not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal"):
        pytest.skip("nf_conntrack not loaded here")
    assert ct(*words) == want


def test_protocol_options_follow_p():
    assert "--dport" in ct("-L", "-p", "tcp", "--")
    assert "--icmp-type" in ct("-L", "-p", "icmp", "--")
    assert "--icmp-type" not in ct("-L", "-p", "tcp", "--")


def test_netns_names():
    if os.geteuid() != 0:
        pytest.skip("needs root to make a namespace")
    name = "ctk-test-%d-900" % os.getpid()     # the Lab's pattern: removed if left behind
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        assert name in ct("-L", "--netns", "ctk-test-%d" % os.getpid())
        assert "all" in ct("-L", "--netns", "")
        assert name in complete("nfct", "_ctk_nfct", ["nfct", "--netns", "ctk-test-"])
    finally:
        subprocess.run(["ip", "netns", "del", name])


@pytest.mark.parametrize("words,want", [
    (["nfct", "ti"], ["timeout"]),
    (["nfct", "-o", "j"], ["json"]),
    (["nfct", "add", "timeout", "web", "inet", "tc"], ["tcp"]),
    (["nfct", "-o", "json", "add", "timeout", "web", "inet", "tcp", "ESTAB"], ["ESTABLISHED"]),
    (["nfct", "add", "timeout", "dns", "inet6", "udp", "REP"], ["REPLIED"]),
])
def test_nfct(words, want):
    assert complete("nfct", "_ctk_nfct", words) == want


@pytest.mark.parametrize("words,want", [
    (["conntrackd", "-s", "me"], ["metrics"]),
    (["conntrackd", "-c", "e"], ["expect"]),
    (["conntrackd", "-f", "ex"], ["external"]),
])
def test_conntrackd(words, want):
    assert complete("conntrackd", "_ctk_conntrackd", words) == want


def top(*words):
    prog = os.path.join(os.path.dirname(CONNTRACK), "ctkit-top")
    return complete("ctkit-top", "_ctk_top", [prog] + list(words))


@pytest.mark.parametrize("words,want", [
    (["--sort", "b"], ["bytes"]),
    (["--sort", "packets", "--group-by", "src,dp"], ["src,dport"]),
    (["-p", "tcp", "--state", "ESTAB"], ["ESTABLISHED"]),
    (["-f", "ipv"], ["ipv4", "ipv6"]),
    (["--it"], ["--iterations"]),
    (["--inter"], ["--interval"]),
])
def test_ctkit_top(words, want):
    if not os.path.exists(os.path.join(os.path.dirname(CONNTRACK), "ctkit-top")):
        pytest.skip("build ctkit-top first (make all)")
    assert top(*words) == want


def test_ctkit_top_options():
    if not os.path.exists(os.path.join(os.path.dirname(CONNTRACK), "ctkit-top")):
        pytest.skip("build ctkit-top first (make all)")
    offered = set(top("-"))
    assert {"--sort", "--batch", "--netns", "--group-by", "-s", "-m", "--pcap"} <= offered
    assert not {"-L", "-D", "-o", "-z", "--packets"} & offered
    assert "--dport" in top("-p", "tcp", "--")



def exporter(*words):
    prog = os.path.join(os.path.dirname(CONNTRACK), "ctkit-exporter")
    return complete("ctkit-exporter", "_ctk_exporter", [prog] + list(words))


def test_exporter():
    assert {"--listen", "--netns", "--group-by", "--top", "--group-interval",
            "--recount-interval", "--per-cpu", "--help"} <= set(exporter("--"))
    assert "all" in exporter("--netns", "")
    assert exporter("--group-by", "src,dp") == ["src,dport"]
    assert exporter("--listen", "127") == ["127.0.0.1:9466"]
