# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small nfnetlink_log (NFLOG) reader.

The kernel's conntrack reports why a packet is INVALID through nf_log_packet()
when net.netfilter.nf_conntrack_log_invalid is set; with the per-netns logger
for the family set to nfnetlink_log (net.netfilter.nf_log.2 / .10) those
reports arrive here with the default loginfo, i.e. on group 0, the text in the
prefix attribute: "nf_ct_proto_<l4proto>: <reason> " (see
nf_l4proto_log_invalid() in net/netfilter/nf_conntrack_proto.c).

The socket must be created inside the namespace whose logs we want (the
caller does that, see lab.in_netns)."""
import socket
import struct

NETLINK_NETFILTER = 12
NFNL_SUBSYS_ULOG = 4
NFULNL_MSG_PACKET = 0
NFULNL_MSG_CONFIG = 1
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 2

NFULA_CFG_CMD = 1
NFULA_CFG_MODE = 2
NFULA_CFG_QTHRESH = 4
NFULNL_CFG_CMD_BIND = 1
NFULNL_COPY_PACKET = 2

NFULA_TIMESTAMP = 3
NFULA_IFINDEX_INDEV = 4
NFULA_IFINDEX_OUTDEV = 5
NFULA_PAYLOAD = 9
NFULA_PREFIX = 10


def _attr(kind, data):
    head = struct.pack("=HH", 4 + len(data), kind)
    pad = b"\0" * ((4 - len(data) % 4) % 4)
    return head + data + pad


def _config(group, *attrs):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(group)) + b"".join(attrs)
    kind = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG
    return struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | NLM_F_ACK, 0, 0) + body


def _attrs(buf):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        length, kind = struct.unpack_from("=HH", buf, off)
        if length < 4:
            break
        out.setdefault(kind & 0x3fff, buf[off + 4:off + length])
        off += (length + 3) & ~3
    return out


class NflogReader:
    """Bound to one NFLOG group; read() returns (prefix, payload) pairs."""

    def __init__(self, group=0):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self._request(_config(group, _attr(NFULA_CFG_CMD, struct.pack("B", NFULNL_CFG_CMD_BIND))))
        self._request(_config(group,
                              _attr(NFULA_CFG_MODE, struct.pack(">IBB", 0xffff, NFULNL_COPY_PACKET, 0)),
                              _attr(NFULA_CFG_QTHRESH, struct.pack(">I", 1))))
        self.sock.setblocking(False)

    def _request(self, msg):
        self.sock.send(msg)
        reply = self.sock.recv(65536)
        kind = struct.unpack_from("=H", reply, 4)[0]
        if kind == NLMSG_ERROR:
            err = struct.unpack_from("=i", reply, 16)[0]
            if err:
                raise OSError(-err, "nfnetlink_log config: %s" % socket.errno.errorcode.get(-err, err))

    def fileno(self):
        return self.sock.fileno()

    def read(self):
        """Everything queued now, without waiting: (prefix, payload) pairs."""
        return [(r["prefix"], r["payload"]) for r in self.read_records()]

    def read_records(self):
        """Everything queued now, without waiting, as dicts: prefix,
        payload, indev / outdev (ifindex or None), stamp (s, or None when
        the packet had no time stamp)."""
        records = []
        while True:
            try:
                buf = self.sock.recv(1 << 17)
            except BlockingIOError:
                return records
            records.extend(self._parse(buf))

    @staticmethod
    def _parse(buf):
        off = 0
        while off + 16 <= len(buf):
            length, kind = struct.unpack_from("=IH", buf, off)
            if length < 16:
                return
            if kind == (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET:
                attrs = _attrs(buf[off + 20:off + length])
                prefix = attrs.get(NFULA_PREFIX, b"").split(b"\0", 1)[0].decode("utf-8", "replace")
                rec = {"prefix": prefix, "payload": attrs.get(NFULA_PAYLOAD, b""), "stamp": None,
                       "indev": None, "outdev": None}
                for key, attr in (("indev", NFULA_IFINDEX_INDEV), ("outdev", NFULA_IFINDEX_OUTDEV)):
                    if attr in attrs:
                        rec[key] = struct.unpack(">I", attrs[attr][:4])[0]
                if NFULA_TIMESTAMP in attrs:
                    sec, usec = struct.unpack(">QQ", attrs[NFULA_TIMESTAMP][:16])
                    rec["stamp"] = sec + usec / 1e6
                yield rec
            off += (length + 3) & ~3

    def close(self):
        self.sock.close()
