# SPDX-License-Identifier: LGPL-2.1-or-later
"""Differential corpus: every case line runs with the reference and with
ctkit on the same table state; stdout, stderr, exit code (and the table
afterwards, for commands that change it) must match. See ctdiff.py."""
import shlex
import time

import pytest

import ctdiff
import ctharness

STATES, CASES = ctdiff.load()
# ctkit == reference (harness self-test): the deliberate differences cannot hold
SELF_TEST = ctharness.ctk_cmd() == ctharness.REF
MAX_AGE = 25            # seconds before a read-only state is set up again

TABLE_ARGS = (["-L", "-o", "extended,labels"], ["-L", "expect"])


def set_up(lab, name):
    lab.flush()
    for line in STATES[name]:
        if line == "!traffic":
            lab.traffic()
        elif line == "!hold":
            lab.hold()
        else:
            r = lab.ref([a.replace("{data}", ctdiff.DATA) for a in shlex.split(line)])
            if r.rc:
                pytest.fail("setup %s: conntrack %s: rc %d: %s" % (name, line, r.rc, r.err), pytrace=False)
    lab.state, lab.state_time = name, time.monotonic()


def table(lab):
    return "".join(lab.ref(a).out for a in TABLE_ARGS)


# The reference's -U reuses time(NULL) as the sequence number and leaves
# acks behind (COMPATIBILITY #1): when the clock ticks during a run it fails
# with "Protocol error" (or ENOBUFS) at random. Such a run says nothing about
# ctkit, so the reference is run again (a few times at most).
REF_UPDATE_FLAKE = ("Operation failed: Protocol error",)


def run_reference(lab, case, fresh):
    for _ in range(3):
        ref = lab.ref(case.args, stdin=case.stdin)
        flaky = case.args[:1] in (["-U"], ["--update"]) and \
            any(f in ref.err for f in REF_UPDATE_FLAKE)
        if not flaky:
            break
        if fresh:
            set_up(lab, case.state)
    return ref


def run_case(lab, case):
    """(ref result, ref table, ctk result, ctk table); tables only for mutating cases."""
    fresh = case.mutating
    if fresh or getattr(lab, "state", None) != case.state or \
            time.monotonic() - lab.state_time > MAX_AGE:
        set_up(lab, case.state)
    ref = run_reference(lab, case, fresh)
    ref_table = table(lab) if fresh else ""
    if fresh:
        set_up(lab, case.state)
    ctk = lab.ctk(case.args, stdin=case.stdin)
    ctk.out, ctk.err = ctdiff.normalise_ctk(ctk.out), ctdiff.normalise_ctk(ctk.err)
    ctk_table = table(lab) if fresh else ""
    if fresh:
        lab.state = None
    return ref, ref_table, ctk, ctk_table


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(lab, case):
    ref, ref_table, ctk, ctk_table = run_case(lab, case)
    problems = ctdiff.check_expect(case, True, ref, ref_table)
    if case.differs:
        if not SELF_TEST:
            problems += ctdiff.check_expect(case, False, ctk, ctk_table)
    else:
        use = case.args[:1] and case.args[0] in ("-G", "--get", "-U", "--update")
        # real traffic set up twice picks different ephemeral ports
        ports = case.mutating and "!traffic" in STATES[case.state]
        kw = dict(fresh=case.mutating, use=bool(use), nums=case.nums, ports=ports)
        checks = [("stderr", ref.err, ctk.err, False), ("table afterwards", ref_table, ctk_table, True)]
        if case.args[:1] in (["-U"], ["--update"]):
            ref_out = ref.out if SELF_TEST else ctdiff.with_deliberate_fixes(ref.out)
            diff = ctdiff.compare_update_print(ref_out, ctk.out, ref.err, ctk.err,
                                               self_test=SELF_TEST, **kw)
            if diff:
                problems.append("stdout: " + diff)
        else:
            ref_out = ref.out if SELF_TEST else ctdiff.with_deliberate_fixes(ref.out)
            checks.insert(0, ("stdout", ref_out, ctk.out,
                              case.sort or case.mutating or ctdiff.split_by_family(case.args)))
        for what, a, b, sort in checks:
            # The table afterwards is read seconds after its fresh setup on a
            # loaded machine (sanitizers): its timeouts get more slack.
            slack = 10 if what == "table afterwards" else 2
            diff = ctdiff.compare(a, b, sort=sort, tolerance=slack, **kw)
            if diff:
                problems.append("%s differs\n%s" % (what, diff))
        if ref.rc != ctk.rc:
            problems.append("exit code differs: reference %d, ctkit %d" % (ref.rc, ctk.rc))
    if problems:
        pytest.fail("%s: %s:\n%s" % (case.where, case.text, "\n".join(problems)), pytrace=False)
