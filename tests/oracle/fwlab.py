# SPDX-License-Identifier: LGPL-2.1-or-later
"""The firewall oracle lab: the oracle's three namespaces, the router
carrying a USER ruleset (its own tables: filter, NAT, helpers) and a
recorder that watches without touching packets or verdicts.

  c0 (client ns)  <->  r-cli [router ns] r-srv  <->  s0 (server ns)

The recorder is the table `inet ctkrec` (RECORDER), added after the user's
ruleset was loaded and listed (so `nft -j list ruleset` in the golden file
is the user's alone):

  * chains trace_pre / trace_out (prerouting / output, priority -350):
    `meta nftrace set 1`, so `nft -a monitor trace` shows every chain and
    rule of the user's ruleset the packet went through;
  * chains pre / out (prerouting / output, priority -199, right after
    conntrack at -200 and before any NAT): one `log group 1` rule per ct
    state and direction, prefix "pre new/original", "out untracked/", ...;
    a packet conntrack never saw (held fragment, bad IPv4 header) is not
    logged at all;
  * chains in / post (input / postrouting, priority 2147483000, after every
    user chain and before the conntrack confirm at INT_MAX): `log group 1`
    with prefix "in" / "post": the packet was delivered / is leaving, as it
    is after NAT.

`log` is not terminal and nothing is rewritten, so the user's chains see
exactly the packets they would see without the recorder.  The oracle's
`inet oracle` table (TTL marks) is not loaded here.
"""
import signal
import subprocess
import threading
import time

from lab import CLIENT_NET4, CLIENT_NET6, SERVER_NET4, SERVER_NET6, OracleLab, in_netns

RECORDER = "ctkrec"
RECORD_GROUP = 1
MONITOR_START = 0.3         # s for `nft monitor trace` to subscribe
LAST_PRIORITY = 2147483000      # after every user chain, before conntrack confirm (INT_MAX)
STATES = (("invalid", None), ("untracked", None), ("new", "original"), ("new", "reply"),
          ("established", "original"), ("established", "reply"),
          ("related", "original"), ("related", "reply"))
# the router's own addresses: --local-address for the engine
LOCAL_ADDRESSES = {"r-cli": [CLIENT_NET4 + "1", CLIENT_NET6 + "1"],
                   "r-srv": [SERVER_NET4 + "1", SERVER_NET6 + "1"]}


def recorder_ruleset():
    """The recorder table (see the module doc)."""
    def state_rules(where):
        rules = []
        for state, direction in STATES:
            match = "ct state %s" % state
            if direction:
                match += " ct direction %s" % direction
            rules.append('\t\t%s log group %d prefix "%s %s/%s"'
                         % (match, RECORD_GROUP, where, state, direction or ""))
        return "\n".join(rules)

    def chain(name, hook, prio, body):
        return ("\tchain %s {\n\t\ttype filter hook %s priority %d; policy accept;\n%s\n\t}\n"
                % (name, hook, prio, body))
    return ("table inet %s {\n" % RECORDER
            + chain("trace_pre", "prerouting", -350, "\t\tmeta nftrace set 1")
            + chain("trace_out", "output", -350, "\t\tmeta nftrace set 1")
            + chain("pre", "prerouting", -199, state_rules("pre"))
            + chain("out", "output", -199, state_rules("out"))
            + chain("in", "input", LAST_PRIORITY, '\t\tlog group %d prefix "in"' % RECORD_GROUP)
            + chain("post", "postrouting", LAST_PRIORITY, '\t\tlog group %d prefix "post"' % RECORD_GROUP)
            + "}\n")


class TraceMonitor:
    """`nft -a monitor trace` in the router namespace; lines() returns the
    lines printed so far (a thread reads the pipe)."""

    def __init__(self, lab):
        self.proc = subprocess.Popen(
            ["nsenter", "--net=/run/netns/" + lab.router, "--", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
             "LC_ALL=C", "nft", "-a", "monitor", "trace"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self._lines = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self):
        for line in self.proc.stdout:
            with self._lock:
                self._lines.append(line.rstrip("\n"))

    def take(self):
        """The lines printed since the last take()."""
        with self._lock:
            out, self._lines = self._lines, []
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._thread.join(2)


class FwLab(OracleLab):
    """OracleLab whose router carries a user ruleset and the recorder.
    Create with .create(), always .destroy()."""

    def __init__(self, live=False):
        super().__init__(live=live)
        self.recorder = self.monitor = None
        self.ifnames = {}
        self.sysctl_defaults = {}

    def base_ruleset(self):
        return recorder_ruleset()

    def _readers(self):
        from ctevents import EventReader, TableReader
        from nflog import NflogReader
        self.nflog = NflogReader(0)
        self.recorder = NflogReader(RECORD_GROUP)
        self.events = EventReader(full=True)
        self.dumper = TableReader(full=True)

    def _create(self):
        super()._create()
        for dev in ("r-cli", "r-srv", "lo"):
            idx = self.ip(self.router, "-o", "link", "show", dev).stdout.split(":", 1)[0]
            self.ifnames[int(idx)] = dev

    def destroy(self):
        if self.monitor:
            self.monitor.close()
            self.monitor = None
        if self.recorder:
            self.recorder.close()
            self.recorder = None
        super().destroy()

    # --- per case ---------------------------------------------------------

    def load(self, ruleset, sysctls=None):
        """Replace the user's ruleset by `ruleset` (nft text); returns
        (`nft -j list ruleset` of the user's tables, `nft -a list ruleset`).
        `sysctls`: {path under /proc/sys: value} in the router namespace,
        restored by reset()."""
        self.reset()
        for path, val in (sysctls or {}).items():
            self.sysctl_defaults.setdefault(path, self.read_sysctl(self.router, path))
            self.sysctl(self.router, path, val)
        self.run(self.router, ["nft", "flush", "ruleset"])
        if ruleset.strip():
            self.nft(self.router, ruleset)
        as_json = self.run(self.router, ["nft", "-j", "list", "ruleset"]).stdout
        as_text = self.run(self.router, ["nft", "-a", "list", "ruleset"]).stdout
        self.nft(self.router, recorder_ruleset())
        # nft monitor knows the rules that were there when it started: a
        # fresh one prints the rules' text, not "unknown rule handle N"
        if self.monitor:
            self.monitor.close()
        self.monitor = TraceMonitor(self)
        time.sleep(MONITOR_START)
        self.run(self.router, ["conntrack", "-F", "expect"], check=False)
        self.dumper.flush()
        self.drain()
        return as_json, as_text

    def reset(self):
        for path, val in self.sysctl_defaults.items():
            self.sysctl(self.router, path, val)
        self.sysctl_defaults = {}
        super().reset()

    def drain(self):
        super().drain()
        self.recorder.read_records()
        if self.monitor:
            self.monitor.take()

    def expectations(self):
        """`conntrack -L expect` and `-L expect -f ipv6` lines (the first lists IPv4 only)."""
        out = []
        for extra in ([], ["-f", "ipv6"]):
            p = self.run(self.router, ["conntrack", "-L", "expect"] + extra, check=False)
            out += sorted(line for line in p.stdout.splitlines() if line.strip())
        return out

    def listen(self, ns, v6, proto, port):
        """A socket bound in namespace `ns` (e.g. the router: local services)."""
        import socket
        fam = socket.AF_INET6 if v6 else socket.AF_INET
        with in_netns(ns):
            s = socket.socket(fam, proto)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if v6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::" if v6 else "0.0.0.0", port))
        if proto == socket.SOCK_STREAM:
            s.listen(8)
        return s

