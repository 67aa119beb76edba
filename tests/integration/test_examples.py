# SPDX-License-Identifier: LGPL-2.1-or-later
"""The programs of examples/, built by `make examples` against the installed
library (C99 and C++ builds of each), must say what conntrack says: `list`
what the reference `conntrack -L -p P --dport N` lists, in the lab's
namespace, entered through ctk_nl_open_netns; `replay` the table that
`conntrack --pcap FILE -L` replays."""
import os
import re

import pytest

import ctharness

BUILD = os.path.dirname(ctharness.ctk_cmd()[-1])
EXAMPLES = os.path.join(BUILD, "examples")
STAGE_LIB = os.path.join(BUILD, "stage", "lib")
SAMPLE = os.path.join(ctharness.REPO, "tests", "data", "sample.pcap")
TIMEOUT = re.compile(r"^(\S+\s+\d+) \d+ ")
DELTA = re.compile(r"delta-time=\d+")


def example(name):
    path = os.path.join(EXAMPLES, name)
    if not os.path.exists(path):
        pytest.fail("%s is not built: run make examples (make check does)" % path)
    return ["env", "LD_LIBRARY_PATH=" + STAGE_LIB, path]


def masked(text):
    """Entry lines with the ticking timeout and age masked, in a stable order."""
    return sorted(DELTA.sub("delta-time=#", TIMEOUT.sub(r"\1 # ", line))
                  for line in text.splitlines() if line.strip())


@pytest.fixture(scope="module")
def filled(lab):
    lab.flush()
    for sport, dport in ((1000, 80), (1001, 80), (1002, 443)):
        r = lab.ref(["-I", "-p", "tcp", "-s", "10.9.0.1", "-d", "10.9.0.2", "--sport", str(sport),
                     "--dport", str(dport), "--state", "ESTABLISHED", "-t", "500", "-u", "ASSURED"])
        assert r.rc == 0, r.err
    r = lab.ref(["-I", "-p", "udp", "-s", "10.9.0.1", "-d", "10.9.0.3", "--sport", "53",
                 "--dport", "80", "-t", "500"])
    assert r.rc == 0, r.err
    return lab


@pytest.mark.parametrize("variant", ["list", "list-cxx"])
@pytest.mark.parametrize("proto,port", [("tcp", 80), ("udp", 80), ("tcp", 443), ("tcp", 22)])
def test_list_equals_reference(filled, variant, proto, port):
    lab = filled
    ref = lab.ref(["-L", "-p", proto, "--dport", str(port)])
    # The example runs outside the lab's namespace and enters it by path.
    r = ctharness.sh(example(variant) + [proto, str(port), "/run/netns/" + lab.ns])
    assert masked(r.stdout) == masked(ref.out)
    assert ref.rc == 0


def test_list_rejects_bad_protocol():
    r = ctharness.sh(example("list") + ["icmp", "80"], check=False)
    assert r.returncode == 2
    assert "not a protocol with ports" in r.stderr


@pytest.mark.parametrize("variant", ["replay", "replay-cxx"])
def test_replay_equals_conntrack_pcap(variant):
    r = ctharness.sh(example(variant) + [SAMPLE])
    ref = ctharness.sh(ctharness.ctk_cmd() + ["--pcap", SAMPLE, "-L"])
    table = [line for line in r.stdout.splitlines() if "src=" in line]
    assert table == [line for line in ref.stdout.splitlines() if line.strip()]
    counts = dict(line.split() for line in r.stdout.splitlines() if "src=" not in line)
    assert sum(int(n) for n in counts.values()) > 0
    assert set(counts) == {"invalid", "new", "established", "related", "untracked"}


@pytest.mark.parametrize("variant", ["watch", "watch-cxx"])
def test_watch_sees_the_namespaces_events(lab, variant):
    """The mirror, driven from the example's poll() loop, in the lab's namespace."""
    import subprocess
    lab.flush()
    proc = subprocess.Popen(example(variant) + ["-n", "3", "/run/netns/" + lab.ns],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr.readline().strip() == "watch: ready"
        for sport in (4000, 4001):
            r = lab.ref(["-I", "-p", "udp", "-s", "10.9.1.1", "-d", "10.9.1.2", "--sport", str(sport),
                         "--dport", "53", "-t", "500"])
            assert r.rc == 0, r.err
        r = lab.ref(["-D", "-p", "udp", "--sport", "4000"])
        assert r.rc == 0, r.err
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert lines[0].lstrip().startswith("[NEW] udp") and "sport=4000" in lines[0]
    assert lines[1].lstrip().startswith("[NEW] udp") and "sport=4001" in lines[1]
    assert lines[2].lstrip().startswith("[DESTROY] udp") and "sport=4000" in lines[2]
    assert "[REPAIRED]" not in out
