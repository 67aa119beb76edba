# SPDX-License-Identifier: LGPL-2.1-or-later
"""Small ctnetlink readers: the kernel's NEW / UPDATE / DESTROY conntrack
events (EventReader) and table dumps (TableReader), decoded into plain dicts.

The kernel queues an event on the listening socket while the packet that
caused it is still being processed (the cached events are delivered when the
entry is confirmed or the packet leaves conntrack), so once the packet came
out of the router, its events are already readable here.  That lets the
harness attribute events to packets.  Entries destroyed by the garbage
collector arrive whenever the collector runs.

Create the readers inside the namespace to look at (see lab.in_netns)."""
import errno
import ipaddress
import socket
import struct

NETLINK_NETFILTER = 12
NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY = 1, 2, 3
NFNL_SUBSYS_CTNETLINK = 1
IPCTNL_MSG_CT_NEW, IPCTNL_MSG_CT_GET, IPCTNL_MSG_CT_DELETE = 0, 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_CREATE = 0x1, 0x4, 0x300, 0x400
NLMSG_ERROR, NLMSG_DONE = 2, 3

CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_STATUS, CTA_PROTOINFO, CTA_HELP, CTA_TIMEOUT = 1, 2, 3, 4, 5, 7
CTA_MARK, CTA_ZONE, CTA_HELP_NAME = 8, 18, 1
CTA_TUPLE_IP, CTA_TUPLE_PROTO = 1, 2
CTA_IP_V4_SRC, CTA_IP_V4_DST, CTA_IP_V6_SRC, CTA_IP_V6_DST = 1, 2, 3, 4
CTA_PROTO_NUM, CTA_PROTO_SRC_PORT, CTA_PROTO_DST_PORT = 1, 2, 3
CTA_PROTO_ICMP_ID, CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMP_CODE = 4, 5, 6
CTA_PROTO_ICMPV6_ID, CTA_PROTO_ICMPV6_TYPE, CTA_PROTO_ICMPV6_CODE = 7, 8, 9
CTA_PROTOINFO_TCP, CTA_PROTOINFO_SCTP = 1, 3
CTA_PROTOINFO_TCP_STATE = 1
CTA_PROTOINFO_SCTP_STATE = 1

STATUS_BITS = ("EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT", "SEQ_ADJUST",
               "SRC_NAT_DONE", "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT", "TEMPLATE", "NAT_CLASH",
               "HELPER", "OFFLOAD", "HW_OFFLOAD")
TCP_STATES = ("NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
              "TIME_WAIT", "CLOSE", "SYN_SENT2")
SCTP_STATES = ("NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
               "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT")


def _attrs(buf):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        length, kind = struct.unpack_from("=HH", buf, off)
        if length < 4:
            break
        out[kind & 0x3fff] = buf[off + 4:off + length]
        off += (length + 3) & ~3
    return out


def _be(data):
    return int.from_bytes(data, "big")


def _tuple(buf):
    t = {}
    attrs = _attrs(buf)
    ip = _attrs(attrs.get(CTA_TUPLE_IP, b""))
    for key, v4, v6 in (("src", CTA_IP_V4_SRC, CTA_IP_V6_SRC), ("dst", CTA_IP_V4_DST, CTA_IP_V6_DST)):
        if v4 in ip:
            t[key] = str(ipaddress.IPv4Address(ip[v4]))
        elif v6 in ip:
            t[key] = str(ipaddress.IPv6Address(ip[v6]))
    proto = _attrs(attrs.get(CTA_TUPLE_PROTO, b""))
    names = {CTA_PROTO_NUM: "proto", CTA_PROTO_SRC_PORT: "sport", CTA_PROTO_DST_PORT: "dport",
             CTA_PROTO_ICMP_ID: "id", CTA_PROTO_ICMP_TYPE: "type", CTA_PROTO_ICMP_CODE: "code",
             CTA_PROTO_ICMPV6_ID: "id", CTA_PROTO_ICMPV6_TYPE: "type", CTA_PROTO_ICMPV6_CODE: "code"}
    for kind, name in names.items():
        if kind in proto:
            t[name] = _be(proto[kind])
    return t


def _protoinfo(buf):
    info = _attrs(buf)
    if CTA_PROTOINFO_TCP in info:
        state = _attrs(info[CTA_PROTOINFO_TCP]).get(CTA_PROTOINFO_TCP_STATE)
        if state:
            return TCP_STATES[state[0]] if state[0] < len(TCP_STATES) else str(state[0])
    if CTA_PROTOINFO_SCTP in info:
        state = _attrs(info[CTA_PROTOINFO_SCTP]).get(CTA_PROTOINFO_SCTP_STATE)
        if state:
            return SCTP_STATES[state[0]] if state[0] < len(SCTP_STATES) else str(state[0])
    return None


def decode(kind, flags, body, full=False):
    """One ctnetlink event message -> dict (event, orig tuple, state, status, timeout)."""
    msg = kind & 0xff
    if msg == IPCTNL_MSG_CT_DELETE:
        event = "DESTROY"
    else:
        event = "NEW" if flags & NLM_F_CREATE else "UPDATE"
    ev = {"event": event}
    ev.update(decode_entry(body, full))
    return ev


def _extras(attrs):
    """What NAT, marks, zones and helpers add to an entry: the reply tuple,
    mark, zone and helper name (only the attributes the kernel sent)."""
    out = {}
    if CTA_TUPLE_REPLY in attrs:
        out["reply"] = _tuple(attrs[CTA_TUPLE_REPLY])
    if CTA_MARK in attrs:
        out["mark"] = _be(attrs[CTA_MARK])
    if CTA_ZONE in attrs:
        out["zone"] = _be(attrs[CTA_ZONE])
    if CTA_HELP in attrs:
        name = _attrs(attrs[CTA_HELP]).get(CTA_HELP_NAME)
        if name:
            out["helper"] = name.split(b"\0", 1)[0].decode()
    return out


def decode_entry(body, full=False):
    """The entry in a ctnetlink message (after nlmsghdr): orig tuple, state,
    status, timeout; with `full` also reply tuple, mark, zone, helper."""
    attrs = _attrs(body[4:])
    ev = {"l3": {socket.AF_INET: "ipv4", socket.AF_INET6: "ipv6"}.get(body[0], str(body[0]))}
    ev.update(_tuple(attrs.get(CTA_TUPLE_ORIG, b"")))
    if CTA_PROTOINFO in attrs:
        state = _protoinfo(attrs[CTA_PROTOINFO])
        if state:
            ev["state"] = state
    if CTA_STATUS in attrs:
        bits = _be(attrs[CTA_STATUS])
        ev["status"] = [name for i, name in enumerate(STATUS_BITS) if bits & (1 << i)]
    if CTA_TIMEOUT in attrs:
        ev["timeout"] = _be(attrs[CTA_TIMEOUT])
    if full:
        ev.update(_extras(attrs))
    return ev


def _messages(buf):
    off = 0
    while off + 16 <= len(buf):
        length, kind, flags = struct.unpack_from("=IHH", buf, off)
        if length < 16:
            return
        yield kind, flags, buf[off + 16:off + length]
        off += (length + 3) & ~3


def tuple_key(body):
    """(family, raw CTA_TUPLE_ORIG attribute) of a message: enough to ask for
    the entry again (TableReader.get)."""
    off = 4
    while off + 4 <= len(body):
        length, kind = struct.unpack_from("=HH", body, off)
        if length < 4:
            break
        if kind & 0x3fff == CTA_TUPLE_ORIG:
            return body[0], bytes(body[off:off + ((length + 3) & ~3)])
        off += (length + 3) & ~3
    return None


class TableReader:
    """Reads the table over ctnetlink, in-process.  A dump walks the whole
    (global) conntrack hash, tens of ms; get() looks one entry up by its
    tuple, cheap enough for a snapshot after every packet."""

    def __init__(self, full=False):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind((0, 0))
        self.seq = 0
        self.full = full        # decode reply tuple, mark, zone, helper too

    def dump(self):
        """Every entry, decoded (see decode_entry), sorted."""
        self.seq += 1
        kind = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET
        self.sock.send(struct.pack("=IHHII", 20, kind, NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0)
                       + struct.pack("=BBH", socket.AF_UNSPEC, 0, 0))
        entries = []
        while True:
            for kind, flags, body in _messages(self.sock.recv(1 << 17)):
                if kind == NLMSG_DONE:
                    return sorted(entries, key=lambda e: sorted(e.items(), key=str))
                if kind == NLMSG_ERROR:
                    err = struct.unpack_from("=i", body)[0]
                    raise OSError(-err, "ctnetlink dump")
                if kind >> 8 == NFNL_SUBSYS_CTNETLINK:
                    entries.append(decode_entry(body, self.full))

    def flush(self):
        """Delete every entry of the namespace (conntrack -F)."""
        self.seq += 1
        kind = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE
        self.sock.send(struct.pack("=IHHII", 20, kind, NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
                       + struct.pack("=BBH", socket.AF_UNSPEC, 0, 0))
        for kind, flags, body in _messages(self.sock.recv(1 << 16)):
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("=i", body)[0]
                if err:
                    raise OSError(-err, "ctnetlink flush")

    def get(self, key):
        """The entry with tuple `key` (see tuple_key), decoded, or None."""
        family, tuple_attr = key
        self.seq += 1
        kind = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET
        body = struct.pack("=BBH", family, 0, 0) + tuple_attr
        self.sock.send(struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
                       + body)
        entry = None
        while True:
            for kind, flags, body in _messages(self.sock.recv(1 << 17)):
                if kind == NLMSG_ERROR:
                    err = struct.unpack_from("=i", body)[0]
                    if err and err != -errno.ENOENT:
                        raise OSError(-err, "ctnetlink get")
                    return entry
                if kind >> 8 == NFNL_SUBSYS_CTNETLINK:
                    entry = decode_entry(body, self.full)

    def close(self):
        self.sock.close()


class EventReader:
    def __init__(self, full=False):
        self.full = full
        groups = 0
        for g in (NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY):
            groups |= 1 << (g - 1)
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind((0, groups))
        self.sock.setblocking(False)
        self.created = []       # tuple_key() of every NEW event since forget()

    def forget(self):
        self.created = []

    def read(self):
        """Every event queued now, decoded, without waiting."""
        events = []
        while True:
            try:
                buf = self.sock.recv(1 << 17)
            except BlockingIOError:
                return events
            for kind, flags, body in _messages(buf):
                if kind >> 8 != NFNL_SUBSYS_CTNETLINK:
                    continue
                events.append(decode(kind, flags, body, self.full))
                key = tuple_key(body)
                if events[-1]["event"] == "NEW" and key and key not in self.created:
                    self.created.append(key)

    def close(self):
        self.sock.close()
