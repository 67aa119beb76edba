#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: a throwaway client -- router -- server namespace triple with real
# TCP/UDP/ICMP connections (one of them DNATed, one masqueraded, one through
# the ftp helper), listed with ctkit's conntrack in several formats. The host's
# own conntrack table is never touched; the namespaces go away on exit.
set -eu

CT=${1:?usage: demo.sh /abs/path/to/conntrack}
HERE=$(cd "$(dirname "$0")" && pwd)
TRAFFIC=$HERE/../tests/integration/traffic.py
PY=/usr/bin/python3

SAMPLE=$(cd "$HERE/.." && pwd)/tests/data/sample.pcap
RULESETS=$(cd "$HERE/.." && pwd)/tests/data/rulesets
[ -x "${CT%% *}" ] || { echo "demo: $CT is not executable; run make first" >&2; exit 1; }

# The bundled capture (scripts/make-sample-pcap.sh) replayed through ctkit's
# userspace engine: no namespace, no root.
pshow() {
	what=$1; shift
	printf '\n\033[1m== %s\033[0m\n$ conntrack %s\n' "$what" "$*"
	# shellcheck disable=SC2086
	env TZ=UTC $CT "$@" || :
}
pcap_demo() {
	printf '\nReplaying tests/data/sample.pcap (real traffic between two namespaces) through the userspace engine:\n'
	pshow "The table as of the last packet of the capture" --pcap "$SAMPLE" -L
	pshow "One verdict per packet: ct state, direction, the entry, the reason when invalid" \
		--pcap "$SAMPLE" --packets -p tcp
	pshow "The same as JSON, one object per packet" --pcap "$SAMPLE" --packets -o json -p udp
	pshow "Events in trace time (packet times), with the invalid packet" \
		--pcap "$SAMPLE" -E -o timestamp -p tcp
	printf '\nThe same capture through the server'"'"'s own nftables ruleset (tests/data/rulesets/server.nft):\n'
	pshow "Why did DNS to the server get no answer? The verdict and the rule that decided" \
		--pcap "$SAMPLE" --ruleset "$RULESETS/server.json" --local-address 192.0.2.2 \
		--local-address 2001:db8::2 --iifname eth0 --packets -p udp --dport 53
	pshow "Every rule packet 39 met, as nft monitor trace would show it" \
		--pcap "$SAMPLE" --ruleset "$RULESETS/server.json" --local-address 192.0.2.2 \
		--local-address 2001:db8::2 --iifname eth0 --trace 39
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: not root: only the capture replay (sudo make demo adds live namespaces)" >&2
	pcap_demo
	exit 0
fi

R=ctk-demo-$$-r C=ctk-demo-$$-c S=ctk-demo-$$-s
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	for ns in $R $C $S; do ip netns del "$ns" 2>/dev/null || :; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

nsx() { ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in $R $C $S; do
	ip netns add "$ns"
	nsx "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
	ip -n "$ns" link set lo up
done
ip link add r-cli netns "$R" type veth peer name c0 netns "$C"
ip link add r-srv netns "$R" type veth peer name s0 netns "$S"
ip -n "$R" addr add 10.81.1.1/24 dev r-cli; ip -n "$R" addr add fd81:1::1/64 dev r-cli nodad
ip -n "$R" addr add 10.81.2.1/24 dev r-srv; ip -n "$R" addr add fd81:2::1/64 dev r-srv nodad
ip -n "$C" addr add 10.81.1.2/24 dev c0;    ip -n "$C" addr add fd81:1::2/64 dev c0 nodad
ip -n "$S" addr add 10.81.2.2/24 dev s0;    ip -n "$S" addr add fd81:2::2/64 dev s0 nodad
ip -n "$R" link set r-cli up; ip -n "$R" link set r-srv up
ip -n "$C" link set c0 up; ip -n "$S" link set s0 up
ip -n "$C" route add default via 10.81.1.1; ip -n "$C" -6 route add default via fd81:1::1
ip -n "$S" route add default via 10.81.2.1; ip -n "$S" -6 route add default via fd81:2::1
nsx "$R" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
	echo 1 > /proc/sys/net/netfilter/nf_conntrack_acct; echo 1 > /proc/sys/net/netfilter/nf_conntrack_timestamp'
nsx "$R" nft -f - <<'NFT'
table ip demonat {
	chain pre { type nat hook prerouting priority -100; iifname "r-cli" tcp dport 8080 dnat to 10.81.2.2:80; }
	chain post { type nat hook postrouting priority 100; oifname "r-srv" tcp dport 7000 masquerade; oifname "r-srv" udp dport 7001 masquerade; }
}
table inet demo {
	ct helper ftp-std {
		type "ftp" protocol tcp
	}
	chain forward_ct { type filter hook forward priority 0; ct state new counter; tcp dport 21 ct helper set "ftp-std"; }
}
NFT

# ip netns exec execs the program itself, so $! is the python process
ip netns exec "$S" $PY "$TRAFFIC" serve > /dev/null 2>&1 & PIDS="$PIDS $!"
sleep 0.3
nsx "$C" $PY "$TRAFFIC" client 10.81.2.2 fd81:2::2 10.81.1.1
ip netns exec "$C" $PY "$TRAFFIC" hold 10.81.2.2 9000 > /dev/null 2>&1 & PIDS="$PIDS $!"
sleep 0.3

show() {
	what=$1; shift
	printf '\n\033[1m== %s\033[0m\n$ conntrack %s\n' "$what" "$*"
	# $CT unquoted on purpose: CONNTRACK-style values like "valgrind x" split
	# shellcheck disable=SC2086
	nsx "$R" env TZ=UTC $CT "$@" || :
}
echo "Namespaces: client $C (10.81.1.2) -> router $R -> server $S (10.81.2.2); conntrack runs in the router."
show "Every tracked connection, default format (TCP, UDP, ICMP, IPv4 and IPv6)" -L
show "Extended: the layer-3 family is printed in front" -L -o extended
show "Only TCP to port 80 (a filter: protocol + destination port)" -L -p tcp --dport 80
show "Destination NAT to 10.81.2.2:80 (the client asked for 10.81.1.1:8080)" -L --dst-nat 10.81.2.2:80
show "Source NAT: connections masqueraded to the router's 10.81.2.1" -L --src-nat 10.81.2.1
show "Only IPv6" -L -f ipv6
show "Save format: lines that conntrack -R can load again" -L -o save
show "XML, one <flow> per line" -L -p icmp -o xml
show "JSON (ctkit only)" -L -p tcp --dport 21 -o json
show "The expectation the ftp helper created from the 227 reply" -L expect
show "How many entries the table holds" -C
pcap_demo
echo
echo "demo: done; namespaces removed."
