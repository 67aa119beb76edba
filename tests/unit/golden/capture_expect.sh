#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerate expect.txt, the expectation golden data of test_expect.c, from
# the reference conntrack 1.4.7 and the kernel, in a throwaway namespace:
#   make build/libctkit.a && cc -std=c11 -D_GNU_SOURCE -Iinclude -Ilib \
#	-o build/exp_dump tests/unit/golden/exp_dump.c build/libctkit.a -lmnl
#   cd tests/unit/golden && unshare -n sh capture_expect.sh ../../../build/exp_dump > expect.txt
# The ftp helper (assigned by an nft ct helper rule) announces expectations
# for a PORT command (IPv4) and an EPRT command (IPv6); a third one is cloned
# from the first through ctk_expect_put() with flags PERMANENT|INACTIVE.
set -e
DUMP=${1:-exp_dump}
ip link set lo up
ip addr add ::1/128 dev lo 2>/dev/null || true
nft -f - <<'NFT'
table inet t {
	ct helper ftp-std { type "ftp" protocol tcp; l3proto inet; }
	chain pre { type filter hook prerouting priority 0; tcp dport 21 ct helper set "ftp-std"; }
	chain out { type filter hook output priority 0; tcp dport 21 ct helper set "ftp-std"; }
}
NFT
# Events: the reference and exp_dump listen while the table is filled.
conntrack -E expect > /tmp/ctk-exp-ev.$$ 2>/dev/null &
REF_EV=$!
$DUMP events 6 > /tmp/ctk-exp-evdump.$$ &
CTK_EV=$!
sleep 0.5
/usr/bin/python3 - <<'PY'
import socket
def session(fam, host, cport, line):
    srv = socket.socket(fam); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, 21)); srv.listen(1)
    c = socket.socket(fam); c.bind((host, cport)); c.connect((host, 21))
    s, _ = srv.accept()
    s.sendall(b"220 hi\r\n"); c.recv(100)
    # The helper skips the first data packet of each direction: log in first.
    c.sendall(b"USER a\r\n"); s.recv(100)
    s.sendall(b"331 ok\r\n"); c.recv(100)
    c.sendall(line); s.recv(100)
    s.sendall(b"200 ok\r\n"); c.recv(100)
    return (c, s, srv)
keep = [session(socket.AF_INET, "127.0.0.1", 40001, b"PORT 127,0,0,1,17,92\r\n"),
        session(socket.AF_INET6, "::1", 40002, b"EPRT |2|::1|5555|\r\n")]
PY
sleep 0.5
kill $REF_EV
wait $CTK_EV || true
wait $REF_EV || true
echo "# ref-events"
cat /tmp/ctk-exp-ev.$$
echo "# ctkit-events"
cat /tmp/ctk-exp-evdump.$$
rm -f /tmp/ctk-exp-ev.$$ /tmp/ctk-exp-evdump.$$
echo "# ref-default"
# Without -f the reference lists IPv4 expectations only.
conntrack -L expect 2>/dev/null
conntrack -L expect -f ipv6 2>/dev/null
echo "# ref-xml"
conntrack -L expect -o xml 2>/dev/null
conntrack -L expect -f ipv6 -o xml 2>/dev/null
echo "# ctkit"
$DUMP dump
echo "# clone"
$DUMP clone 6666 3 | grep '^clone'
echo "# ref-default-2"
conntrack -L expect 2>/dev/null
conntrack -L expect -f ipv6 2>/dev/null
echo "# ref-xml-2"
conntrack -L expect -o xml 2>/dev/null
conntrack -L expect -f ipv6 -o xml 2>/dev/null
echo "# ctkit-2"
$DUMP dump
echo "# stats"
$DUMP stats
conntrack -S expect
