# SPDX-License-Identifier: LGPL-2.1-or-later
"""The nftables ruleset reader (issue 14) against nft itself.

Every sample ruleset of tests/data/rulesets/ is loaded into the kernel in a
network namespace the test creates; `nft -j list ruleset` is read with
libctkit (tests/tools/ruleset_dump) and each rule's text must be the line
`nft -a list ruleset` prints for it (without "# handle N", counters without
their packet and byte counts). The committed NAME.json must still be what
nft prints for NAME.nft (tests/data/rulesets/regen.sh renews them), and the
refused/ samples must fail with an error that names table, chain and rule.
"""
import glob
import json
import os
import re
import subprocess

import pytest

import ctharness

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "rulesets")
SAMPLES = sorted(glob.glob(os.path.join(DATA, "*.nft")))
REFUSED = sorted(glob.glob(os.path.join(DATA, "refused", "*.nft")))


def dump_tool():
    build = os.path.dirname(ctharness.ctk_cmd()[-1])
    tool = os.path.join(build, "tests", "tools", "ruleset_dump")
    if not os.path.exists(tool):
        pytest.skip("build tests/tools/ruleset_dump first (make all)")
    return tool


@pytest.fixture(scope="module")
def ns():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


def nft(lab, *args, stdin=None):
    r = lab.run(["nft"] + list(args), stdin=stdin, ns=lab.ns)
    assert r.rc == 0, "nft %s: %s" % (" ".join(args), r.err)
    return r.out


def load(lab, path):
    nft(lab, "flush", "ruleset")
    with open(path) as f:
        nft(lab, "-f", "-", stdin=f.read())


RULE_HANDLE = re.compile(r"^(.*) # handle (\d+)$")
COUNTER = re.compile(r"\bcounter packets \d+ bytes \d+")


def nft_rule_lines(text):
    """{"family table chain handle": text} from `nft -a list ruleset`."""
    rules, table, chain = {}, None, None
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^table (\S+) (\S+) \{", s)
        if m:
            table, chain = m.group(1) + " " + m.group(2), None
            continue
        m = re.match(r"^chain (\S+) \{", s)
        if m:
            chain = m.group(1)
            continue
        if s == "}":
            chain = None if chain else chain
            continue
        m = RULE_HANDLE.match(s)
        if chain and m:
            rules["%s %s %s" % (table, chain, m.group(2))] = COUNTER.sub("counter", m.group(1))
    return rules


def dump(path):
    p = subprocess.run([dump_tool(), path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def dump_rules(out):
    rules = {}
    for line in out.splitlines():
        if line.startswith("RULES "):
            continue
        key, text = line.split(": ", 1)
        rules[key] = text
    return rules


@pytest.mark.parametrize("sample", SAMPLES, ids=[os.path.basename(s) for s in SAMPLES])
def test_rule_text_is_nfts(ns, sample, tmp_path):
    load(ns, sample)
    js = tmp_path / "ruleset.json"
    js.write_text(nft(ns, "-j", "list", "ruleset"))
    want = nft_rule_lines(nft(ns, "-a", "list", "ruleset"))
    rc, out, err = dump(str(js))
    assert rc == 0, err
    got = dump_rules(out)
    assert want, "no rules listed by nft"
    assert sorted(got) == sorted(want)
    for key in want:
        assert got[key] == want[key], key
    assert "RULES %d" % len(want) in out


@pytest.mark.parametrize("sample", SAMPLES, ids=[os.path.basename(s) for s in SAMPLES])
def test_committed_json_is_current(ns, sample):
    """NAME.json is what nft prints today for NAME.nft (modulo counters)."""
    load(ns, sample)
    fresh = json.loads(nft(ns, "-j", "list", "ruleset"))["nftables"]
    with open(sample[:-4] + ".json") as f:
        committed = json.load(f)["nftables"]
    # Table handles count up in a namespace that loaded other files before;
    # nft 1.0.6 prints a freed string for a table's flags (only "is there one" holds).
    for items in (fresh, committed):
        for item in items:
            item.get("table", {}).pop("handle", None)
            if "flags" in item.get("table", {}):
                item["table"]["flags"] = True
    assert committed == fresh, "run tests/data/rulesets/regen.sh"


@pytest.mark.parametrize("sample", REFUSED, ids=[os.path.basename(s) for s in REFUSED])
def test_refused_names_where(ns, sample, tmp_path):
    load(ns, sample)
    js = tmp_path / "ruleset.json"
    js.write_text(nft(ns, "-j", "list", "ruleset"))
    rc, out, err = dump(str(js))
    assert rc == 1 and out == ""
    assert re.search(r"^%s: table \S+ \S+, chain \S+(, rule handle \d+)?: .*not supported by the "
                     r"offline firewall$" % re.escape(str(js)), err.strip()), err
