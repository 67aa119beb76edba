#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Make the bundled capture tests/data/sample.pcap from real traffic: a client
# and a server namespace joined by a veth pair (192.0.2.0/24, 2001:db8::/64,
# documentation addresses), tcpdump on the server's side while the client runs
# one round of scripts/sample-traffic.py (TCP with FIN, a refused TCP, UDP
# request/reply, UDP to a closed port answered by ICMP, ICMP/ICMPv6 echo, a SYN
# with a bad checksum, one TCP connection left open). The server namespace
# tracks connections (an nft ct rule), so the kernel's own table for the same
# traffic can be kept for comparison:
#
#   scripts/make-sample-pcap.sh [OUT.pcap]     (default tests/data/sample.pcap)
#   KERNEL_TABLE=FILE  also write the server's `conntrack -L -o extended`, taken
#                      right after the capture stops (the reference binary)
#
# Needs root (namespaces); the host's own conntrack table is never touched.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../tests/data/sample.pcap}
TRAFFIC=$HERE/sample-traffic.py
PY=/usr/bin/python3
REFCT=${REFCT:-/usr/sbin/conntrack}

[ "$(id -u)" = 0 ] || { echo "make-sample-pcap: needs root (network namespaces)" >&2; exit 1; }

C=ctk-pcap-$$-c S=ctk-pcap-$$-s
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	ip netns del "$C" 2>/dev/null || :
	ip netns del "$S" 2>/dev/null || :
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for ns in $C $S; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip link add c0 netns "$C" type veth peer name s0 netns "$S"
ip -n "$C" addr add 192.0.2.1/24 dev c0; ip -n "$C" addr add 2001:db8::1/64 dev c0 nodad
ip -n "$S" addr add 192.0.2.2/24 dev s0; ip -n "$S" addr add 2001:db8::2/64 dev s0 nodad
ip -n "$C" link set c0 up; ip -n "$S" link set s0 up
# Real checksums on the wire: veth would otherwise leave them to an absent NIC.
ip netns exec "$C" $PY "$TRAFFIC" nocsum c0
ip netns exec "$S" $PY "$TRAFFIC" nocsum s0
# Any ct expression makes the kernel track this namespace's traffic.
ip netns exec "$S" nft -f - <<'NFT'
table inet sample {
	chain pre { type filter hook prerouting priority 0; ct state new counter; }
}
NFT

ip netns exec "$S" $PY "$TRAFFIC" serve >/dev/null 2>&1 & PIDS="$PIDS $!"
ip netns exec "$S" tcpdump -i s0 -n -s 0 -U --immediate-mode -Z root -w "$OUT.tmp" 2>/dev/null & TCPDUMP=$!
PIDS="$PIDS $TCPDUMP"
sleep 1
ip netns exec "$C" $PY "$TRAFFIC" hold 192.0.2.2 >/dev/null 2>&1 & PIDS="$PIDS $!"
sleep 0.3
ip netns exec "$C" $PY "$TRAFFIC" client 192.0.2.2 2001:db8::2
sleep 0.3
kill -INT "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || :
if [ -n "${KERNEL_TABLE:-}" ]; then
	ip netns exec "$S" "$REFCT" -L -o extended >"$KERNEL_TABLE" 2>/dev/null || :
fi
mv "$OUT.tmp" "$OUT"
echo "make-sample-pcap: wrote $OUT ($(wc -c <"$OUT") bytes)"
