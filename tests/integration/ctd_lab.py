# SPDX-License-Identifier: LGPL-2.1-or-later
"""Namespace labs for conntrackd: nodes that each run a conntrackd (the
reference /usr/sbin/conntrackd or ctkit's $CONNTRACKD) with a generated
configuration, and the helpers the tests need around them.

Every namespace is named ctk-test-<pid>-<n> (one counter value each), so
ctharness.remove_stale() also cleans up after a killed run: it kills what
runs inside them (the daemons too) and deletes them. Programs run through
ctharness.Lab.prefix(), i.e. in the private mount namespace whose /etc has
the test connlabel.conf (label names for conntrack and nft).

SyncLab: node A and node B joined by a veth "sync link" (sync0 on both
sides, 192.168.77.1/24 + fd77::1/64 and 192.168.77.2/24 + fd77::2/64).
Each node's own conntrack table is what the tests fill with `conntrack -I`.
"""
import os
import shlex
import shutil
import stat
import subprocess
import time

import ctharness
from ctharness import Result

REF_CONNTRACKD = "/usr/sbin/conntrackd"
SYNC_PORT = 3780
MCAST_GROUP4 = "225.0.0.50"

# The node ruleset: the label rule makes the kernel allocate the label
# extension in the namespace (labels are only kept when some rule uses them;
# this one never matches anything we send), and the sync link's own traffic
# is not tracked, so the tables hold only what the tests put there.
NODE_RULESET = """
table inet ctdlab {
	chain raw_in {
		type filter hook prerouting priority raw;
		iifname "sync0" notrack
	}
	chain raw_out {
		type filter hook output priority raw;
		oifname "sync0" notrack
	}
	chain pre {
		type filter hook prerouting priority 0;
		meta mark 0x7fff0000 ct label set five
	}
}
"""


def ctk_conntrackd():
    """ctkit's conntrackd, split like a shell would (CONNTRACKD='valgrind x')."""
    value = os.environ.get("CONNTRACKD") or os.path.join(ctharness.REPO, "build", "conntrackd")
    return shlex.split(value)


def ref_only():
    return os.environ.get("CTD_REF_ONLY") == "1"


def binary(kind):
    """The daemon command for "ref" or "ctk"."""
    if kind == "ref":
        return [REF_CONNTRACKD]
    if kind == "ctk":
        return ctk_conntrackd()
    raise ValueError("daemon kind %r" % kind)


def missing(kind):
    """None when the daemon of that kind exists, else why not."""
    exe = binary(kind)[-1]      # CONNTRACKD='valgrind -q x': x
    if os.access(exe, os.X_OK):
        return None
    return "%s conntrackd %s does not exist" % (kind, exe)


def wait_until(predicate, timeout=10.0, interval=0.05, what=None):
    """Poll predicate() until it returns a true value (returned) or the
    timeout passes (AssertionError naming what we waited for, with the
    last value seen). Never a fixed sleep as an assertion."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last: %r)" %
                                 (timeout, what or getattr(predicate, "__name__", "condition"), value))
        time.sleep(interval)


# --- dump lines -------------------------------------------------------------

class Flow(tuple):
    """A comparable conntrack entry parsed from a `conntrack -L` line or a
    conntrackd -i/-e line: (proto, state, orig, reply, mark, zone, labels,
    flags, helper). orig/reply are tuples of (key, value) pairs in line
    order; reply is None on -e lines (the external cache keeps only the
    original tuple). Timeouts, use=, id=, [active since Ns] and [expires in
    Ns] are dropped."""
    __slots__ = ()
    FIELDS = ("proto", "state", "orig", "reply", "mark", "zone", "labels", "flags", "helper")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __getattr__(self, name):
        try:
            return self[Flow.FIELDS.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def replace(self, **fields):
        """The same flow with some fields changed, e.g. reply=None to
        compare with an -e line."""
        values = list(self)
        for name, value in fields.items():
            values[Flow.FIELDS.index(name)] = value
        return Flow(*values)

    def key(self):
        """The identity of the entry: protocol, original tuple and zone."""
        return (self.proto, self.orig, self.zone)

    def __repr__(self):
        return "Flow(%s)" % ", ".join("%s=%r" % kv for kv in zip(Flow.FIELDS, self))


TUPLE_KEYS = ("src", "dst", "sport", "dport", "type", "code", "id")


def parse_flow(line):
    """One dump line -> Flow, or None for a line that is not an entry."""
    words = line.split()
    if len(words) < 3 or not words[1].isdigit():
        return None
    proto, i = words[0], 2
    if words[i].isdigit():          # conntrack -L prints the timeout here
        i += 1
    state = None
    if "=" not in words[i] and not words[i].startswith("["):
        state = words[i]
        i += 1
    orig, reply, cur = [], None, None
    extra = {"mark": None, "zone": None, "labels": None, "helper": None}
    flags = []
    while i < len(words):
        w = words[i]
        i += 1
        if w in ("[active", "[expires"):    # "[active since Ns]", ALARM's "[expires in Ns]"
            i += 2
            continue
        if w.startswith("["):
            flags.append(w.strip("[]"))
            continue
        k, _, v = w.partition("=")
        if k in TUPLE_KEYS:
            if k == "src":
                if cur is None:
                    cur = orig
                else:
                    reply = []
                    cur = reply
            cur.append((k, v))
        elif k in extra:
            extra[k] = v
        # use=, id=, delta-time=, counters: not compared
    return Flow(proto, state, tuple(orig), tuple(reply) if reply is not None else None,
                extra["mark"], extra["zone"], extra["labels"], tuple(sorted(flags)), extra["helper"])


def parse_flows(text):
    flows = [parse_flow(line) for line in text.splitlines()]
    return [f for f in flows if f is not None]


def parse_expect(line):
    """One expectation line (conntrack -L expect, conntrackd -i/-e expect)
    -> a sorted tuple of its key=value words (timeouts and [active since]
    dropped), or None."""
    words = line.split()
    if not words or "=" not in line:
        return None
    kv = [w for w in words if "=" in w]
    return tuple(sorted(kv))


def parse_expects(text):
    out = [parse_expect(line) for line in text.splitlines()]
    return [e for e in out if e is not None]


# --- configuration ------------------------------------------------------------

MODE_KEYS = ("CommitTimeout", "PurgeTimeout", "StartupResync", "DisableExternalCache",
             "DisableInternalCache", "ResendQueueSize", "ACKWindowSize", "RefreshTime",
             "CacheTimeout")
OPTION_KEYS = ("ExpectationSync", "TCPWindowTracking")


def make_config(node, peer, mode="FTFW", transport="UDP", family=4, options=None, scheduler=None):
    """conntrackd.conf text for node syncing with peer. options: keyword ->
    value; Mode keywords go into the Mode section, ExpectationSync and
    TCPWindowTracking into Options, anything else into General."""
    options = dict(options or {})
    mode_lines = ["\t\t%s %s" % (k, options.pop(k)) for k in MODE_KEYS if k in options]
    opt_lines = ["\t\t%s %s" % (k, options.pop(k)) for k in OPTION_KEYS if k in options]
    gen_lines = ["\t%s %s" % kv for kv in sorted(options.items())]
    v = "IPv6" if family == 6 else "IPv4"
    me, other = (node.v6, peer.v6) if family == 6 else (node.v4, peer.v4)
    if transport == "Multicast":
        if family == 6:
            link = ["\t\tIPv6_address ff02::3780"]     # the interface is "Interface"
        else:
            link = ["\t\tIPv4_address %s" % MCAST_GROUP4, "\t\tIPv4_interface %s" % me]
        link += ["\t\tGroup %d" % SYNC_PORT]
    elif transport in ("UDP", "TCP"):
        link = ["\t\t%s_address %s" % (v, me), "\t\t%s_Destination_Address %s" % (v, other),
                "\t\tPort %d" % SYNC_PORT]
    else:
        raise ValueError("transport %r" % transport)
    link += ["\t\tInterface %s" % node.dev, "\t\tChecksum on"]
    text = ["Sync {", "\tMode %s {" % mode] + mode_lines + ["\t}",
            "\t%s Default {" % transport] + link + ["\t}"]
    if opt_lines:
        text += ["\tOptions {"] + opt_lines + ["\t}"]
    text += ["}", "General {", "\tSystemd no", "\tSyslog off",
             "\tLogFile %s" % node.path("log"), "\tLockFile %s" % node.path("lock"),
             "\tUNIX {", "\t\tPath %s" % node.path("ctl"), "\t}"]
    if scheduler:
        text += ["\tScheduler {", "\t\tType %s" % scheduler, "\t}"]
    # the sync link's own traffic is not state to replicate
    text += ["\tFilter From Userspace {", "\t\tAddress Ignore {", "\t\t\tIPv4_address 127.0.0.1",
             "\t\t\tIPv4_address 192.168.77.0/24", "\t\t\tIPv6_address ::1", "\t\t\tIPv6_address fd77::/64",
             "\t\t}", "\t}"]
    text += gen_lines + ["}", ""]
    return "\n".join(text)


# --- nodes --------------------------------------------------------------------

class Node:
    """One namespace with (at most) one conntrackd in it."""

    def __init__(self, lab, role, ns, dev=None, v4=None, v6=None):
        self.lab, self.role, self.ns = lab, role, ns
        self.dev, self.v4, self.v6 = dev, v4, v6
        self.kind = None            # "ref" or "ctk" once configured
        self.proc = None
        self.out = None

    def path(self, what):
        return os.path.join(self.lab.tmp, "%s.%s" % (self.role, what))

    @property
    def conf(self):
        return self.path("conf")

    def configure(self, kind, text):
        self.kind = kind
        with open(self.conf, "w") as f:
            f.write(text)

    def binary(self):
        return binary(self.kind)

    # daemon life cycle

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=10.0):
        """Start conntrackd in console mode and wait for its control socket."""
        if self.running():
            raise RuntimeError("%s: conntrackd already running" % self.role)
        for what in ("ctl", "lock"):
            if os.path.exists(self.path(what)):
                os.unlink(self.path(what))
        self.out = open(self.path("out"), "ab")
        self.proc = subprocess.Popen(self.lab.prefix(self.ns) + self.binary() + ["-C", self.conf],
                                     stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.STDOUT)

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError("%s: conntrackd exited with %d: %s" %
                                   (self.role, self.proc.returncode, self.output()[-2000:]))
            try:
                return stat.S_ISSOCK(os.stat(self.path("ctl")).st_mode)
            except FileNotFoundError:
                return False
        wait_until(ready, timeout, what="%s conntrackd control socket" % self.role)
        return self

    def stop(self, timeout=5.0):
        """SIGTERM (the daemon cleans up its lock file and socket), SIGKILL
        if it does not go, and our own clean-up of what it left."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self.out:
            self.out.close()
            self.out = None
        for what in ("ctl", "lock"):
            if os.path.exists(self.path(what)):
                os.unlink(self.path(what))

    def restart(self):
        self.stop()
        return self.start()

    def output(self):
        """What the daemon printed (console mode) and logged so far."""
        text = ""
        for what in ("out", "log"):
            try:
                with open(self.path(what), errors="replace") as f:
                    text += f.read()
            except FileNotFoundError:
                pass
        return text

    def log(self):
        try:
            with open(self.path("log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # commands in the node

    def run(self, argv, stdin=None, timeout=30):
        return self.lab.run(argv, stdin=stdin, ns=self.ns, timeout=timeout)

    def ctl(self, *args, timeout=15):
        """A control command of the node's conntrackd (`conntrackd -C conf ARGS`)."""
        return self.run(self.binary() + ["-C", self.conf] + list(args), timeout=timeout)

    def ct(self, *args, stdin=None, check=False):
        """The reference conntrack in the node."""
        r = self.run(ctharness.REF + list(args), stdin=stdin)
        if check and r.rc:
            raise RuntimeError("%s: conntrack %s: %r" % (self.role, " ".join(args), r))
        return r

    def sh(self, script, check=True):
        r = self.run(["sh", "-c", script])
        if check and r.rc:
            raise RuntimeError("%s: %s: %r" % (self.role, script[:200], r))
        return r

    def nft(self, ruleset):
        r = self.run(["nft", "-f", "-"], stdin=ruleset)
        if r.rc:
            raise RuntimeError("%s: nft: %s" % (self.role, r.err))

    # views

    def kernel(self):
        """The node's conntrack table (labels are printed on request only)."""
        return parse_flows(self.ct("-L", "-o", "labels").out)

    def kernel_expect(self):
        return parse_expects(self.ct("-L", "expect").out)

    def external(self, table="ct"):
        r = self.ctl("-e", table)
        return parse_flows(r.out) if table == "ct" else parse_expects(r.out)

    def internal(self, table="ct"):
        r = self.ctl("-i", table)
        return parse_flows(r.out) if table == "ct" else parse_expects(r.out)


class CtdLab(ctharness.Lab):
    """Namespaces for named nodes, the private mount namespace of
    ctharness.Lab, and the conntrackds; destroy() always leaves nothing."""

    def __init__(self, roles):
        super().__init__()
        self.nodes = {}
        for role in roles:
            ns = "ctk-test-%d-%d" % (os.getpid(), next(ctharness._seq))
            self.nodes[role] = Node(self, role, ns)
        # ctharness.Lab's own namespaces are not used
        self.ns = self.cli = self.srv = None

    def __getitem__(self, role):
        return self.nodes[role]

    def _create(self, topology):
        for node in self.nodes.values():
            ctharness.sh(["ip", "netns", "add", node.ns])
        self._start_mount_holder()
        for node in self.nodes.values():
            ctharness.sh(["ip", "-n", node.ns, "link", "set", "lo", "up"])
            self.sysctl("net/ipv6/conf/default/accept_dad", 0, node.ns)
            self.sysctl("net/ipv6/conf/all/accept_dad", 0, node.ns)
            # conntrack exists in the namespace from the first use on
            self.run(ctharness.REF + ["-C"], ns=node.ns)
            for key, val in (("nf_conntrack_icmp_timeout", 600), ("nf_conntrack_udp_timeout", 600)):
                self.sysctl("net/netfilter/" + key, val, node.ns)
        if topology:
            self.topology()

    def topology(self):
        pass

    def veth(self, a, dev_a, b, dev_b, addrs_a=(), addrs_b=()):
        """A veth pair between nodes a and b, up, with the given addresses."""
        ctharness.sh(["ip", "link", "add", dev_a, "netns", self[a].ns, "type", "veth",
                      "peer", "name", dev_b, "netns", self[b].ns])
        for role, dev, addrs in ((a, dev_a, addrs_a), (b, dev_b, addrs_b)):
            for addr in addrs:
                extra = ["nodad"] if ":" in addr else []
                ctharness.sh(["ip", "-n", self[role].ns, "addr", "add", addr, "dev", dev] + extra)
            ctharness.sh(["ip", "-n", self[role].ns, "link", "set", dev, "up"])

    def stop_daemons(self):
        for node in self.nodes.values():
            node.stop()

    def destroy(self):
        try:
            self.stop_daemons()
        finally:
            for p in self.bg + ([self.holder] if self.holder else []):
                if p.poll() is None:
                    p.kill()
                p.wait()
            self.bg, self.holder = [], None
            for node in self.nodes.values():
                subprocess.run(["ip", "netns", "del", node.ns], stderr=subprocess.DEVNULL)
            shutil.rmtree(self.tmp, ignore_errors=True)


class SyncLab(CtdLab):
    """Node A and node B on a sync link; both have the label ruleset."""

    def __init__(self):
        super().__init__(("A", "B"))

    def topology(self):
        self.veth("A", "sync0", "B", "sync0", ("192.168.77.1/24", "fd77::1/64"),
                  ("192.168.77.2/24", "fd77::2/64"))
        for role, v4, v6 in (("A", "192.168.77.1", "fd77::1"), ("B", "192.168.77.2", "fd77::2")):
            n = self[role]
            n.dev, n.v4, n.v6 = "sync0", v4, v6
            n.nft(NODE_RULESET)

    def configure(self, pairing, mode="FTFW", transport="UDP", family=4, options=None, scheduler=None):
        """Write both nodes' configurations (pairing = (kind of A, kind of B))."""
        a, b = self["A"], self["B"]
        a.configure(pairing[0], make_config(a, b, mode, transport, family, options, scheduler))
        b.configure(pairing[1], make_config(b, a, mode, transport, family, options, scheduler))

    def start(self):
        self["A"].start()
        self["B"].start()

    def flush(self):
        """Empty both kernel tables and both daemons' caches, and wait until
        they are empty (deletes still in flight are waited for)."""
        for node in (self["A"], self["B"]):
            node.ct("-F")
            node.ct("-F", "expect")

        def empty():
            for node in (self["A"], self["B"]):
                if node.running():
                    node.ctl("-f")
            return all(not node.ct("-L").out.strip() and not node.ct("-L", "expect").out.strip()
                       and (not node.running() or (not node.ctl("-e").out.strip()
                                                    and not node.ctl("-i").out.strip()))
                       for node in (self["A"], self["B"]))
        wait_until(empty, 10, interval=0.2, what="empty tables and caches")


__all__ = ["Flow", "Node", "CtdLab", "SyncLab", "Result", "binary", "ctk_conntrackd", "make_config",
           "missing", "parse_expect", "parse_expects", "parse_flow", "parse_flows", "ref_only", "wait_until"]
