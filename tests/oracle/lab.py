# SPDX-License-Identifier: LGPL-2.1-or-later
"""The oracle lab: client -- router -- server network namespaces.

  c0 (client ns)  <->  r-cli [router ns] r-srv  <->  s0 (server ns)
  192.0.2.0/24         192.0.2.1   198.51.100.1      198.51.100.0/24
  2001:db8:1::/64      2001:db8:1::1  2001:db8:2::1  2001:db8:2::/64

The client and server namespaces have no addresses and drop everything at
ingress (after packet sockets saw it), so their kernels never answer: every
packet the router sees comes from the trace.  Packets are injected as
Ethernet frames on c0 / s0 through packet sockets and read back, after the
router forwarded them, on the other side.  The router has static neighbour
entries for the trace hosts (no ARP / ND, hence no timing noise), forwarding
on, conntrack active through an nft ruleset, and per packet a forward rule
writes the ct state and direction into the TTL / hop limit (see TTL_CODES).
Invalid packets are accepted too, so they reach the far side.
"""
import contextlib
import ctypes
import os
import select
import socket
import struct
import subprocess

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35

MAC = {"c0": "02:00:00:00:01:02", "r-cli": "02:00:00:00:01:01",
       "r-srv": "02:00:00:00:02:01", "s0": "02:00:00:00:02:02"}
CLIENT_NET4, SERVER_NET4 = "192.0.2.", "198.51.100."
CLIENT_NET6, SERVER_NET6 = "2001:db8:1::", "2001:db8:2::"
HOSTS = range(2, 21)            # .2 .. .20 / ::2 .. ::20 on either side

# ct state / direction as seen in the router's forward chain -> TTL / hop limit
TTL_CODES = {
    ("invalid", None): 10,
    ("untracked", None): 11,
    ("new", "original"): 20, ("new", "reply"): 21,
    ("established", "original"): 30, ("established", "reply"): 31,
    ("related", "original"): 40, ("related", "reply"): 41,
}
TTL_DECODE = {v: k for k, v in TTL_CODES.items()}

RUN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TZ": "UTC", "LC_ALL": "C"}

_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def in_netns(name):
    """Run the block (this thread only) in network namespace `name`;
    sockets created there stay in it."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + name)
        try:
            yield
        finally:
            if _libc.setns(home, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(target)
        os.close(home)


def ruleset():
    """The router's nft ruleset: conntrack active, every state encoded, all accepted."""
    marks = []
    for (state, direction), code in sorted(TTL_CODES.items(), key=lambda kv: kv[1]):
        match = "ct state %s" % state
        if direction:
            match += " ct direction %s" % direction
        marks.append("\t\t%s ip ttl set %d accept" % (match, code))
        marks.append("\t\t%s ip6 hoplimit set %d accept" % (match, code))
    return ("table inet oracle {\n"
            "\tchain pre_raw {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t}\n"
            "\tchain mark_state {\n\t\ttype filter hook forward priority filter; policy accept;\n"
            + "\n".join(marks) + "\n\t}\n}\n")


def remove_stale():
    """Oracle namespaces left by a killed run (their pid is gone)."""
    names = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE, text=True).stdout.split()
    for ns in names:
        parts = ns.split("-")
        if len(parts) == 4 and parts[:2] == ["ctk", "test"] and parts[3].startswith("oracle") \
                and parts[2].isdigit() and not os.path.exists("/proc/" + parts[2]):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


def _sh(argv, stdin=None, check=True):
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode:
        raise RuntimeError("%s: rc %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


def _mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


class OracleLab:
    """Create with .create(), always .destroy() (also after a failure)."""
    _count = 0

    def __init__(self, live=False):
        """live: the client and server namespaces are real hosts (addresses,
        routes, their kernels answer) for recording real sessions (live.py)."""
        self.live = live
        OracleLab._count += 1
        # ctk-test-<pid>-... : tests/integration/ctharness.remove_stale() cleans up after a killed run
        base = "ctk-test-%d-oracle%d" % (os.getpid(), OracleLab._count)
        self.router, self.client, self.server = base + "r", base + "c", base + "s"
        self.socks = {}
        self.nflog = self.events = self.dumper = None
        self.defaults = {}
        self.raw_rules = False

    # --- life cycle -------------------------------------------------------

    def create(self):
        try:
            self._create()
        except BaseException:
            self.destroy()
            raise
        return self

    def _create(self):
        for ns in (self.router, self.client, self.server):
            _sh(["ip", "netns", "add", ns])
            self.ip(ns, "link", "set", "lo", "up")
        _sh(["ip", "link", "add", "r-cli", "address", MAC["r-cli"], "netns", self.router, "type", "veth",
             "peer", "name", "c0", "address", MAC["c0"], "netns", self.client])
        _sh(["ip", "link", "add", "r-srv", "address", MAC["r-srv"], "netns", self.router, "type", "veth",
             "peer", "name", "s0", "address", MAC["s0"], "netns", self.server])
        for ns, dev in ((self.client, "c0"), (self.server, "s0")):
            if self.live:
                self._host(ns, dev)
                continue
            self.sysctl(ns, "net/ipv6/conf/%s/disable_ipv6" % dev, 1)
            self.nft(ns, "table netdev quiet {\n\tchain in {\n\t\ttype filter hook ingress device %s "
                         "priority 0; policy drop;\n\t}\n}\n" % dev)
            self.ip(ns, "link", "set", dev, "up")
        self._router()
        self._sockets()

    def _host(self, ns, dev):
        """Live mode: a real host at .2 / ::2 with the router as gateway,
        no router solicitations, no duplicate address detection, no ARP/ND."""
        net4, net6, router = ((CLIENT_NET4, CLIENT_NET6, "r-cli") if dev == "c0"
                              else (SERVER_NET4, SERVER_NET6, "r-srv"))
        for key in ("all/accept_dad", "default/accept_dad", dev + "/accept_dad", dev + "/router_solicitations"):
            self.sysctl(ns, "net/ipv6/conf/" + key, 0)
        batch = ["addr add %s2/24 dev %s" % (net4, dev),
                 "addr add %s2/64 dev %s nodad" % (net6, dev),
                 "link set %s up" % dev,
                 "neigh add %s1 lladdr %s dev %s nud permanent" % (net4, MAC[router], dev),
                 "neigh add %s1 lladdr %s dev %s nud permanent" % (net6, MAC[router], dev),
                 "route add default via %s1" % net4,
                 "route add default via %s1" % net6]
        _sh(["ip", "-n", ns, "-batch", "-"], stdin="\n".join(batch) + "\n")

    def _router(self):
        r = self.router
        for key, val in (("net/ipv4/ip_forward", 1), ("net/ipv6/conf/all/forwarding", 1),
                         ("net/ipv4/conf/all/rp_filter", 0), ("net/ipv4/conf/default/rp_filter", 0),
                         ("net/ipv6/conf/default/accept_dad", 0), ("net/ipv6/conf/all/accept_dad", 0)):
            self.sysctl(r, key, val)
        batch = []
        for dev, net4, net6, peer in (("r-cli", CLIENT_NET4, CLIENT_NET6, "c0"),
                                      ("r-srv", SERVER_NET4, SERVER_NET6, "s0")):
            batch += ["addr add %s1/24 dev %s" % (net4, dev),
                      "addr add %s1/64 dev %s nodad" % (net6, dev),
                      "link set %s up" % dev]
            batch += ["neigh add %s%d lladdr %s dev %s nud permanent" % (net4, h, MAC[peer], dev) for h in HOSTS]
            batch += ["neigh add %s%x lladdr %s dev %s nud permanent" % (net6, h, MAC[peer], dev)
                      for h in HOSTS]
        _sh(["ip", "-n", r, "-batch", "-"], stdin="\n".join(batch) + "\n")
        for dev in ("r-cli", "r-srv"):
            self.sysctl(r, "net/ipv4/conf/%s/rp_filter" % dev, 0)
        self.nft(r, self.base_ruleset())
        self.sysctl(r, "net/netfilter/nf_log/2", "nfnetlink_log")
        self.sysctl(r, "net/netfilter/nf_log/10", "nfnetlink_log")
        self.sysctl(r, "net/netfilter/nf_conntrack_log_invalid", 255)
        if self.read_sysctl(r, "net/netfilter/nf_conntrack_log_invalid") != "255":
            raise RuntimeError("nf_conntrack_log_invalid is not per-netns here")

    def base_ruleset(self):
        """The router's own nft ruleset (fwlab.FwLab replaces it)."""
        return ruleset()

    def _readers(self):
        """Netlink readers of the router namespace (called inside it)."""
        from ctevents import EventReader, TableReader
        from nflog import NflogReader
        self.nflog = NflogReader(0)
        self.events = EventReader()
        self.dumper = TableReader()

    def _sockets(self):
        for side, ns, dev in (("client", self.client, "c0"), ("server", self.server, "s0")):
            with in_netns(ns):
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
                s.bind((dev, ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            s.setblocking(False)
            self.socks[side] = s
        with in_netns(self.router):
            self._readers()

    def destroy(self):
        for s in self.socks.values():
            s.close()
        self.socks = {}
        for reader in (self.nflog, self.events, self.dumper):
            if reader:
                reader.close()
        self.nflog = self.events = self.dumper = None
        for ns in (self.router, self.client, self.server):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)

    # --- commands ---------------------------------------------------------

    def run(self, ns, argv, stdin=None, check=True):
        return _sh(["nsenter", "--net=/run/netns/" + ns, "--", "env", "-i"]
                   + ["%s=%s" % kv for kv in RUN_ENV.items()] + list(argv), stdin=stdin, check=check)

    def ip(self, ns, *args):
        return _sh(["ip", "-n", ns] + list(args))

    def nft(self, ns, text):
        return self.run(ns, ["nft", "-f", "-"], stdin=text)

    # /proc/sys/net belongs to the namespace of whoever opens the file
    def sysctl(self, ns, key, val):
        with in_netns(ns):
            with open("/proc/sys/" + key, "w") as f:
                f.write("%s\n" % val)

    def read_sysctl(self, ns, key):
        with in_netns(ns):
            with open("/proc/sys/" + key) as f:
                return f.read().strip()

    # --- per case ---------------------------------------------------------

    def prepare(self, sysctls=None, raw_rules=()):
        """Empty table, default knobs except `sysctls` (names without the
        net.netfilter. prefix), extra rules in the raw prerouting chain."""
        self.reset()
        for key, val in (sysctls or {}).items():
            path = "net/netfilter/" + key
            self.defaults.setdefault(path, self.read_sysctl(self.router, path))
            self.sysctl(self.router, path, val)
        for rule in raw_rules:
            self.raw_rules = True
            self.run(self.router, ["nft", "add", "rule", "inet", "oracle", "pre_raw"] + rule.split())
        self.drain()

    def reset(self):
        for path, val in self.defaults.items():
            self.sysctl(self.router, path, val)
        if self.raw_rules:
            self.run(self.router, ["nft", "flush", "chain", "inet", "oracle", "pre_raw"])
            self.raw_rules = False
        self.dumper.flush()

    def entries(self):
        """The whole table now, decoded from a ctnetlink dump (no process
        started, but a walk over the global conntrack hash)."""
        return self.dumper.dump()

    def snapshot(self):
        """The entries created since prepare() that still exist, decoded:
        one cheap lookup each (every entry is announced by a NEW event)."""
        found = [self.dumper.get(key) for key in self.events.created]
        return sorted((e for e in found if e), key=lambda e: sorted(e.items(), key=str))

    def table(self):
        """The final table as the reference prints it."""
        p = self.run(self.router, ["conntrack", "-L", "-o", "extended"], check=False)
        return sorted(line for line in p.stdout.splitlines() if line.strip())

    # --- packets ----------------------------------------------------------

    def send(self, side, l3):
        """Inject the IPv4/IPv6 packet `l3` (bytes) from `side` towards the router."""
        dev, router = ("c0", "r-cli") if side == "client" else ("s0", "r-srv")
        ethertype = b"\x86\xdd" if (l3[0] >> 4) == 6 else b"\x08\x00"
        self.socks[side].send(_mac_bytes(MAC[router]) + _mac_bytes(MAC[dev]) + ethertype + l3)

    def receive(self, timeout):
        """Frames that came out of the router within `timeout`: (side, l3 bytes)."""
        frames = []
        ready, _, _ = select.select(list(self.socks.values()), [], [], timeout)
        for side, s in self.socks.items():
            if s not in ready:
                continue
            while True:
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING or data[12:14] not in (b"\x08\x00", b"\x86\xdd"):
                    continue
                frames.append((side, data[14:]))
        return frames

    def capture(self):
        """Live mode: every IP frame queued on c0 / s0, both directions, as
        (kernel time, side, sent, l3): sent is True for frames the host of
        `side` transmitted (the trace), False for frames the router forwarded."""
        frames = []
        for side, s in self.socks.items():
            while True:
                try:
                    data, anc, _, addr = s.recvmsg(65535, 64)
                except BlockingIOError:
                    break
                if data[12:14] not in (b"\x08\x00", b"\x86\xdd"):
                    continue
                stamp = 0.0
                for level, kind, value in anc:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        sec, nsec = struct.unpack("=qq", value[:16])
                        stamp = sec + nsec / 1e9
                frames.append((stamp, side, addr[2] == PACKET_OUTGOING, data[14:]))
        return sorted(frames, key=lambda f: f[0])

    def drain(self):
        self.receive(0)
        self.nflog.read()
        self.events.read()
        self.events.forget()
