# SPDX-License-Identifier: LGPL-2.1-or-later
"""Differential cases: parse the case files, run reference and ctkit, compare.

Case file syntax (tests/integration/cases/*.txt, read in name order):

  # comment                  ignored, as are blank lines
  @setup NAME                start a named table state; following lines until
  ...                        @end are reference arguments run in order
  @end                       (`!traffic` = one round of real traffic, `!hold` =
                             an idle ESTABLISHED TCP connection); states are
                             global to all case files
  @state NAME                later cases run on state NAME (default `empty`)
  ARGS [;; FLAGS]            one case: conntrack ARGS (shell-split), {data}
                             expands to cases/data

FLAGS, shell-split: `sort` (compare stdout sorted), `nums` (all numbers after
`=` are masked: -S), `stdin=FILE` (cases/data/FILE on stdin), `mut` (force a
fresh state: the case changes the table). Expected-behaviour flags for cases
where ctkit deliberately differs (then no equality check is done):
  rc=N  rc!=N  out~TEXT  out!~TEXT  err~TEXT  err!~TEXT  table~TEXT  table!~TEXT
and the same with a `ref-` prefix to pin the reference's bug as well.
"""
import difflib
import os
import re
import shlex

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
DATA = os.path.join(CASES, "data")

# -z zeroes the counters, so it changes the table as well
MUTATING = {"-D", "-U", "-I", "-A", "-F", "-R", "--delete", "--update", "--create", "--add",
            "--flush", "--load-file", "-z", "--zero"}
EXPECT_RE = re.compile(r"^(ref-)?(rc|out|err|table)(=|!=|~|!~)(.*)$", re.S)

PREFIX_CTK = "conntrack v1.4.7 (ctkit)"
PREFIX_REF = "conntrack v1.4.7 (conntrack-tools)"


_TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
               "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"]
_OWN_STATES = {
    "sctp": ["NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
             "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED"],
    "dccp": ["NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
             "TIMEWAIT", "IGNORE", "INVALID"],
}
_XML_STATE = re.compile(r"<state>([A-Z_0-9]+)</state>")


def with_deliberate_fixes(ref_out):
    """The reference's output as ctkit prints it where ctkit fixes a reference bug
    in every line it touches: XML names SCTP/DCCP states from the TCP table
    (docs/COMPATIBILITY.md #8). Cases in 70-fixes.txt check the bug itself."""
    lines = []
    for line in ref_out.splitlines(keepends=True):
        for proto, names in _OWN_STATES.items():
            if 'protoname="%s"' % proto in line:
                line = _XML_STATE.sub(
                    lambda m: "<state>%s</state>" % names[_TCP_STATES.index(m.group(1))]
                    if m.group(1) in _TCP_STATES else m.group(0), line)
        lines.append(line)
    return "".join(lines)


def split_by_family(args):
    """A filtered -L/-D without a family: ctkit may dump each family on its own
    (kernel tuple filters need one), so IPv4 lines come before IPv6 ones where the
    reference interleaves them in hash order (docs/COMPATIBILITY.md). Only the
    order may differ; the lines are compared exactly."""
    if not args or not re.match(r"^(-[LD]|--dump|--delete)", args[0]):
        return False
    family = {"-f", "--family", "-s", "--src", "--orig-src", "-d", "--dst", "--orig-dst",
              "-r", "--reply-src", "-q", "--reply-dst"}
    return not any(a in family for a in args)


class Case:
    def __init__(self, path, line, args, flags, state):
        self.path, self.line, self.args, self.state = path, line, args, state
        self.sort = "sort" in flags
        self.nums = "nums" in flags
        self.stdin = None
        self.expect = []
        mut = "mut" in flags
        for f in flags:
            if f.startswith("stdin="):
                with open(os.path.join(DATA, f[6:]), "rb") as fh:
                    self.stdin = fh.read()
                continue
            m = EXPECT_RE.match(f)
            if m:
                self.expect.append((bool(m.group(1)), m.group(2), m.group(3), m.group(4)))
            elif f not in ("sort", "nums", "mut"):
                raise ValueError("%s:%d: unknown flag %r" % (path, line, f))
        self.mutating = mut or any(a in MUTATING for a in args) or \
            any(re.match(r"^-[DUIAFR]", a) for a in args[:1])
        self.differs = any(not ref for ref, *_ in self.expect)

    @property
    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, os.path.join(HERE, "..", "..")), self.line)

    @property
    def id(self):
        return "%s:%d" % (os.path.basename(self.path), self.line)

    @property
    def text(self):
        return "conntrack " + " ".join(shlex.quote(a) for a in self.args)


def load(pattern=None):
    """Returns (states, cases). states: name -> list of setup lines."""
    states = {"empty": []}
    cases = []
    files = sorted(f for f in os.listdir(CASES) if f.endswith(".txt"))
    for name in files:
        path = os.path.join(CASES, name)
        state, setup = "empty", None
        with open(path) as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                if setup is not None:
                    if line == "@end":
                        setup = None
                    else:
                        states[setup].append(line)
                    continue
                if line.startswith("@setup "):
                    setup = line.split(None, 1)[1]
                    states[setup] = []
                    continue
                if line.startswith("@state "):
                    state = line.split(None, 1)[1]
                    continue
                args, _, flags = line.partition(";;")
                args = [a.replace("{data}", DATA) for a in shlex.split(args)]
                cases.append(Case(path, n, args, shlex.split(flags), state))
    for c in cases:
        if c.state not in states:
            raise ValueError("%s: unknown state %r" % (c.where, c.state))
    return states, cases


# --- normalisation ------------------------------------------------------------

# numbers that legitimately move between two runs: compared with a tolerance
TOLERANT = [
    re.compile(r"^(?:\s*\[\w+\] )?(?:(?:ipv4|ipv6|unknown)\s+\d+ )?[a-z0-9]+\s+\d+ (\d+)(?= )"),
    re.compile(r"delta-time=(\d+)"),
    re.compile(r"<timeout>(\d+)</timeout>"),
    re.compile(r"<deltatime>(\d+)</deltatime>"),
    re.compile(r"^-[AUD] -t (\d+)"),
    re.compile(r"^(\d+) proto="),
]
# values that differ between two fresh set-ups of the same state: masked
FRESH = [re.compile(p) for p in (r"\bid=(\d+)", r"<id>(\d+)</id>", r"\[start=([^\]]*)\]",
                                   r"\[stop=([^\]]*)\]", r"<start>(\d+)</start>", r"<stop>(\d+)</stop>")]
USE = [re.compile(r"\buse=(\d+)"), re.compile(r"<use>(\d+)</use>")]
NUMS = [re.compile(r"=(\d+)")]
# real traffic run twice: other ephemeral ports, and TCP teardown packet counts vary
PORTS = [re.compile(p) for p in (r"\b[sd]port=(\d{4,5})\b", r"<[sd]port>(\d{4,5})</",
                                  r"packets=(\d+)", r"bytes=(\d+)", r"<packets>(\d+)<", r"<bytes>(\d+)<",
                                  r"-(?:-sport|-dport|-reply-port-src|-reply-port-dst) (\d{4,5})\b")]


def _mask(line, patterns):
    spans = []
    for p in patterns:
        spans += [m.span(1) for m in p.finditer(line)]
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        out.append(line[pos:a] + "#")
        pos = b
    out.append(line[pos:])
    return "".join(out)


def _tolerant_values(line):
    vals = []
    for p in TOLERANT:
        vals += [int(m.group(1)) for m in p.finditer(line)]
    return vals


def compare(ref, ctk, sort=False, fresh=False, use=False, nums=False, ports=False, tolerance=2):
    """None when equal after normalisation, else a unified diff (ref -> ctk)."""
    masks = TOLERANT + (FRESH if fresh else []) + (USE if use else []) + (NUMS if nums else []) + (PORTS if ports else [])
    rl, cl = ref.splitlines(), ctk.splitlines()
    if sort:
        rl, cl = sorted(rl, key=lambda l: _mask(l, masks)), sorted(cl, key=lambda l: _mask(l, masks))
    same = len(rl) == len(cl)
    for a, b in zip(rl, cl) if same else ():
        if _mask(a, masks) != _mask(b, masks):
            same = False
            break
        va, vb = _tolerant_values(a), _tolerant_values(b)
        if len(va) != len(vb) or any(abs(x - y) > tolerance for x, y in zip(va, vb)):
            same = False
            break
    if same:
        return None
    # show the lines with the racy fields masked (#): only the real
    # differences stand out; if those agree, a tolerance was exceeded: raw
    ml, mc = [_mask(l, masks) for l in rl], [_mask(l, masks) for l in cl]
    if ml == mc:
        ml, mc = rl, cl
    return "".join(difflib.unified_diff([l + "\n" for l in ml], [l + "\n" for l in mc],
                                        "reference", "ctkit", n=2))


UPDATED_RE = re.compile(r"(\d+) flow entries have been updated\.")


def compare_update_print(ref, ctk, ref_err, ctk_err, self_test=False, **kw):
    """-U prints each updated entry as re-read. 1.4.7 loses some of these
    lines at random (stray GET acks, the bug that kills it after ~217
    updates). ctkit must print one line per entry it counted; when the
    reference printed all of its lines, they must be the same."""
    masks = TOLERANT + FRESH + USE + (PORTS if kw.get("ports") else [])
    want = sorted(_mask(l, masks) for l in ref.splitlines())
    have = sorted(_mask(l, masks) for l in ctk.splitlines())
    m_ref, m_ctk = UPDATED_RE.search(ref_err), UPDATED_RE.search(ctk_err)
    if m_ctk and int(m_ctk.group(1)) != len(have) and "<" not in ctk and not self_test:
        return "ctkit counted %s updates but printed %d lines:\n%s" % (m_ctk.group(1), len(have), ctk)
    if m_ref and int(m_ref.group(1)) == len(want) and want != have:
        return "".join(difflib.unified_diff([l + "\n" for l in want], [l + "\n" for l in have],
                                            "reference", "ctkit", n=2))
    return None


def normalise_ctk(text):
    """ctkit says `(ctkit)` where the reference says `(conntrack-tools)`."""
    return text.replace(PREFIX_CTK, PREFIX_REF)


def check_expect(case, who_ref, res, table):
    """Expected-behaviour flags; returns a list of failures."""
    bad = []
    for is_ref, what, op, val in case.expect:
        if is_ref != who_ref:
            continue
        if what == "rc":
            ok = (res.rc == int(val)) if op == "=" else (res.rc != int(val))
            got = "rc %d" % res.rc
        else:
            hay = {"out": res.out, "err": res.err, "table": table}[what]
            ok = (val in hay) if op == "~" else (val not in hay)
            got = "%s was:\n%s" % (what, hay.rstrip())
        if not ok:
            bad.append("%s expected %s%s%s%s; %s" % ("reference" if who_ref else "ctkit",
                                                     "ref-" if is_ref else "", what, op, val, got))
    return bad
