#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerate the golden files from the reference conntrack 1.4.7, in a
# throwaway network namespace (never the host table):
#   cd tests/unit/golden && TZ=UTC unshare -n sh capture.sh
# test_format.c repeats the entries' values by hand (ids and start times
# come from xml.txt), so update reference_entries[] after a recapture.
set -e
sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null || true
sysctl -qw net.netfilter.nf_conntrack_timestamp=1 2>/dev/null || true
C=conntrack
$C -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1234 --dport 80 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 300 -m 7
$C -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1235 --dport 80 --state SYN_SENT -t 120
$C -I -p udp -s 10.0.0.1 -d 10.0.0.3 --sport 5353 --dport 53 -t 30 -w 3
$C -I -p udp -s 10.0.0.1 -d 10.0.0.3 --sport 5354 --dport 53 -t 30 --orig-zone 4
$C -I -p icmp -s 10.0.0.1 -d 10.0.0.4 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 30
$C -I -p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 88 -t 30
$C -I -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 4000 --dport 443 --state ESTABLISHED -u SEEN_REPLY -t 200 -m 0xff
$C -I -p sctp -s 10.0.0.1 -d 10.0.0.5 --sport 3000 --dport 3868 --state ESTABLISHED --orig-vtag 1000 --reply-vtag 2000 -t 100
$C -I -p dccp -s 10.0.0.1 -d 10.0.0.6 --sport 5000 --dport 6000 --state OPEN --role client -t 100
$C -I -p gre -s 10.0.0.1 -d 10.0.0.7 --srckey 0x10 --dstkey 0x20 -t 100
$C -I -p udplite -s 10.0.0.1 -d 10.0.0.8 --sport 7000 --dport 7001 -t 100
$C -I -p 200 -s 10.0.0.1 -d 10.0.0.9 -t 100
$C -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1236 --dport 80 --state ESTABLISHED -u SEEN_REPLY -t 300 --dst-nat 192.168.1.1:8080
$C -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1237 --dport 80 --state ESTABLISHED -u SEEN_REPLY -t 300 --src-nat 172.16.0.1
sleep 2
date +%s > now.txt
$C -L -o xml,ktimestamp > xml.txt 2>/dev/null
$C -L -o extended,id,ktimestamp > ext.txt 2>/dev/null
$C -L > plain.txt 2>/dev/null
$C -L -o save > save.txt 2>/dev/null
$C -L -o id > id.txt 2>/dev/null
date +%s >> now.txt
