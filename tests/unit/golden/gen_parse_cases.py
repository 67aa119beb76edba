#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Regenerate parse_cases.txt from the reference conntrack (needs root).

    tests/unit/golden/gen_parse_cases.py > tests/unit/golden/parse_cases.txt

Cases: the hand-written lines of parse_cases.in plus every command x option
cell of the generic and per-protocol legality matrices. Each runs as
`unshare -n conntrack ARGS` (a throwaway network namespace: commands that
parse do run, but against an empty table). Recorded: exit code and stderr
for parameter errors, only the WARNING lines otherwise. Reference crashes
(--id without value, unknown SCTP state) are skipped: ctkit fixes them, as
it fixes --src-nat=IP/-nIP/--label-del=x (drop those lines by hand).
"""
import concurrent.futures as cf
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PARSE_EXIT1 = ("cannot combine save output", "cannot use --label-add and --label-del")

CMDS = ["-L", "-L expect", "-L dying", "-L unconfirmed", "-G", "-G expect", "-D", "-D expect",
        "-I", "-I expect", "-U", "-A", "-E", "-E expect", "-F", "-F expect", "-C", "-C expect",
        "-S", "-S expect", "-V", "-h", ""]
OPTS = ["-s 1.1.1.1", "-d 2.2.2.2", "-r 3.3.3.3", "-q 4.4.4.4", "-p tcp", "-t 10", "-u ASSURED",
        "-z", "-e NEW", "--tuple-src 1.1.1.1", "--tuple-dst 1.1.1.1", "--mask-src 255.0.0.0",
        "--mask-dst 255.0.0.0", "-a x", "-m 1", "-i 1", "-f ipv4", "-n", "-g", "-o xml", "-c 1",
        "-b 100000", "-j", "-w 1", "-l foo", "--label-add foo", "--label-del", "--orig-zone 1",
        "--reply-zone 1", "-o save", "-u UNREPLIED"]
FULL = {
    "-G": "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2",
    "-I": "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 5",
    "-A": "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 5",
    "-I expect": "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 5 --tuple-src 1.1.1.1 "
                 "--tuple-dst 2.2.2.2 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 "
                 "--mask-port-src 1 --mask-port-dst 1 --tuple-port-src 1 --tuple-port-dst 2",
    "-G expect": "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 --reply-port-src 1 --reply-port-dst 2",
    "-D expect": "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 --reply-port-src 1 --reply-port-dst 2",
}
PORTS = ["--sport 1", "--dport 2", "--reply-port-src 3", "--reply-port-dst 4", "--mask-port-src 5",
         "--mask-port-dst 6"]
PROTOS = {
    "tcp": PORTS + ["--state ESTABLISHED", "--tuple-port-src 8", "--tuple-port-dst 9",
                    "--orig-port-src 1", "--orig-port-dst 2"],
    "udp": PORTS + ["--tuple-port-src 8", "--tuple-port-dst 9"],
    "udplite": PORTS[:5] + ["--tuple-port-dst 9"],
    "sctp": PORTS + ["--state ESTABLISHED", "--tuple-port-src 8", "--tuple-port-dst 9",
                     "--orig-vtag 1", "--reply-vtag 2"],
    "dccp": PORTS + ["--state OPEN", "--tuple-port-src 8", "--tuple-port-dst 9", "--role server"],
    "icmp": ["--icmp-type 8", "--icmp-code 0", "--icmp-id 5"],
    "icmpv6": ["--icmpv6-type 128", "--icmpv6-code 0", "--icmpv6-id 5"],
    "gre": ["--srckey 1", "--dstkey 2", "--reply-key-src 3", "--reply-key-dst 4", "--mask-key-src 5",
            "--mask-key-dst 6", "--tuple-key-src 7", "--tuple-key-dst 8", "--orig-key-src 0x10"],
    "200": [], "igmp": [],
}
BASE = {
    "-I": "-s 1.1.1.1 -d 2.2.2.2 -t 5", "-A": "-s 1.1.1.1 -d 2.2.2.2 -t 5",
    "-G": "-s 1.1.1.1 -d 2.2.2.2",
    "-I expect": "-s 1.1.1.1 -d 2.2.2.2 -t 5 --tuple-src 1.1.1.1 --tuple-dst 2.2.2.2 "
                 "--mask-src 255.255.255.255 --mask-dst 255.255.255.255",
    "-G expect": "-s 1.1.1.1 -d 2.2.2.2", "-D expect": "-s 1.1.1.1 -d 2.2.2.2",
}


def matrix_cases():
    out = []
    for c in CMDS:
        out.append(c)
        for o in OPTS:
            out.append(f"{c} {o}")
            if c in FULL:
                out.append(f"{c} {FULL[c]} {o}")
    for c in ["-L", "-G", "-D", "-I", "-U", "-A", "-E", "-I expect", "-G expect", "-D expect",
              "-h", "-L expect"]:
        for p, po in PROTOS.items():
            b = BASE.get(c, "")
            out += [f"{c} {b} -p {p}", f"{c} {b} -p {p} {' '.join(po)}"]
            out += [f"{c} {b} -p {p} {o}" for o in po]
            if len(po) >= 2:
                out.append(f"{c} {b} -p {p} {po[0]} {po[1]}")
                out.append(f"{c} {b} -p {p} {po[2] if len(po) > 2 else po[1]} "
                           f"{po[3] if len(po) > 3 else po[0]}")
    return out


def run_ref(args):
    timeout = 0.7 if any(a.startswith('-E') or a == '--event' for a in args) else 5
    p = subprocess.run(['timeout', str(timeout), 'unshare', '-n', 'conntrack'] + args,
                       capture_output=True, text=True, errors='replace')
    return p.returncode, p.stderr


def quote(a):
    return '"' + a + '"' if a == '' or any(c in a for c in ' \t|') else a


def one(line):
    args = shlex.split(line)
    if any(c in a for a in args for c in '"\\\n'):
        return None
    rc, err = run_ref(args)
    lines = err.splitlines()
    if rc in (139, -11, 134):
        return None
    if not (rc == 2 or (rc == 1 and lines and any(x in lines[-1] for x in PARSE_EXIT1))):
        rc = 0
        err = ''.join(l + '\n' for l in lines
                      if l.startswith('WARNING') or l.startswith('nfct_labelmap'))
    return f"{' '.join(quote(a) for a in args)} | {rc} | {err.encode('unicode_escape').decode()}"


def main():
    cases = [l.rstrip('\n') for l in open(os.path.join(HERE, 'parse_cases.in'))
             if l.strip() and not l.startswith('#')] + matrix_cases()
    cases = list(dict.fromkeys(cases))
    print("# Reference conntrack 1.4.7 parse results, one case per line: ARGS | EXIT | STDERR")
    print("# (STDERR escaped; for EXIT 0 only the WARNING lines). Generated by gen_parse_cases.py")
    print("# from `unshare -n conntrack ARGS`; \"quoted\" arguments may hold spaces.")
    with cf.ThreadPoolExecutor(8) as ex:
        for r in ex.map(one, cases):
            if r:
                print(r)


if __name__ == '__main__':
    sys.exit(main())
