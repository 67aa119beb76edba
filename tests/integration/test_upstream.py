# SPDX-License-Identifier: LGPL-2.1-or-later
"""conntrack-tools 1.4.7's own CLI cases (read from /work/shared, never
copied), run in order in one fresh namespace per program: first the
reference (proves the harness: all must pass), then ctkit, one test per case.
Format: /work/shared/reference/upstream-tests/README.md."""
import os
import shlex

import pytest

import ctharness

UPSTREAM = os.path.join(ctharness.REPO, "..", "shared", "reference", "upstream-tests", "conntrack")
EXPECTED_CASES = 286


def load():
    """[(file, line, shell command, want_ok)] in run order."""
    cases = []
    if not os.path.isdir(UPSTREAM):
        return cases
    for name in sorted(os.listdir(UPSTREAM)):
        stdin, pipe = [], ""
        with open(os.path.join(UPSTREAM, name)) as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.rstrip("\n")
                if not line or line[0] in "# " or ";" not in line:
                    continue
                args, _, result = line.partition(";")
                result = result.strip()
                if result == "":
                    stdin.append(args)
                    continue
                if result.startswith("|"):
                    sed = result[1:].strip()
                    pipe += "{prog} %s | %s" % (args, ("sed %s | " % shlex.quote(sed)) if sed else "")
                    continue
                cmd = "{prog} %s" % args
                if stdin:
                    cmd = "printf '%%s\\n' %s | %s" % (" ".join(shlex.quote(s) for s in stdin), cmd)
                cases.append((name, n, pipe + cmd, result == "OK"))
                stdin, pipe = [], ""
    return cases


CASES = load()


def run(lab, prog, cmd):
    return lab.run(["sh", "-c", cmd.replace("{prog}", " ".join(shlex.quote(p) for p in prog))])


def test_corpus_present():
    assert len(CASES) == EXPECTED_CASES, "expected %d upstream cases in %s, found %d" % (
        EXPECTED_CASES, UPSTREAM, len(CASES))


@pytest.fixture(scope="module")
def lab_ref():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


@pytest.fixture(scope="module")
def lab_ctk():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


def test_reference_passes_all(lab_ref):
    """The harness is right when the reference passes every case."""
    bad = []
    for name, n, cmd, want_ok in CASES:
        r = run(lab_ref, ctharness.REF, cmd)
        if (r.rc == 0) != want_ok:
            bad.append("%s:%d: %s: rc %d\n%s" % (name, n, cmd, r.rc, r.err))
    assert not bad, "reference failed %d upstream cases:\n%s" % (len(bad), "\n".join(bad))


@pytest.mark.parametrize("case", CASES, ids=["%s:%d" % c[:2] for c in CASES])
def test_ctkit(lab_ctk, case):
    name, n, cmd, want_ok = case
    r = run(lab_ctk, ctharness.ctk_cmd(), cmd)
    if (r.rc == 0) != want_ok:
        pytest.fail("%s:%d: %s\nexpected %s, exit code %d\nstdout:\n%sstderr:\n%s" % (
            os.path.normpath(os.path.join(UPSTREAM, name)), n, cmd.replace("{prog}", "conntrack"),
            "OK" if want_ok else "BAD", r.rc, r.out, r.err), pytrace=False)
