#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Records what the reference conntrackd (1.4.7) prints for each conntrackd.conf
case below, into ctd_config_ref.txt (read by tests/unit/test_ctd_config.c and
tests/integration/test_ctd_config_ref.py).

    /usr/bin/python3 tests/unit/golden/capture_ctd_config.py

Each case runs `conntrackd -C FILE -s` (client mode: the file must parse
before the daemon is asked for anything, and nothing listens on the socket).
stderr is kept with its "[time] (pid=N) " prefix cut; the final "can't
connect" line means the file parsed, and is recorded as status 0 instead.
"""
import os
import re
import subprocess
import sys
import tempfile

REF = os.environ.get("REF_CONNTRACKD", "/usr/sbin/conntrackd")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ctd_config_ref.txt")

L = "/" + "a" * 256          # 257 chars: over FILENAME_MAXLEN
U = "/" + "u" * 107          # 108 chars: over the 107 a UNIX path can hold
CASES = [
 ("empty", ""),
 ("general_ok", "General {\n HashSize 8192\n}\n"),
 ("syntax_unknown_kw", "General {\n HashSize 10\n Bogus 1\n}\n"),
 ("syntax_eof", "General {\n"),
 ("syntax_missing_value", "General { HashSize }\n"),
 ("syntax_kw_case", "general {\n}\n"),
 ("syntax_stray_brace", "}\n"),
 ("syntax_unknown_in_mode", "Sync {\n Mode FTFW {\n  Foo 1\n }\n}\n"),
 ("syntax_eof_comment", "General { }\n# no newline"),
 ("syntax_cr_line", "General {\r HashSize 1\r\n Bogus }\n"),
 ("syntax_hexword", "Helper { Type cafe inet tcp { } }\n"),
 ("syntax_digits_hex", "General { HashSize 12abc }\n"),
 ("syntax_signed", "General { HashSize -1 }\n"),
 ("syntax_ip6_value", "General { HashSize ::1 }\n"),
 ("syntax_dollar", "General { HashSize $ }\n"),
 ("syntax_path_eats_brace", "General { LockFile /tmp/a}\n"),
 ("syntax_state_udp", "General { Filter { State Ignore { ESTABLISHED for UDP } } }\n"),
 ("syntax_state_no_for", "General { Filter { State Ignore { ESTABLISHED } } }\n"),
 ("syntax_nice_unsigned", "General { Nice 5 }\n"),
 ("syntax_errq_in_sync", "Sync { ErrorQueueLength 10 }\n"),
 ("syntax_errq_in_udp", "Sync { UDP { ErrorQueueLength 10 } }\n"),
 ("syntax_checksum_in_sync", "Sync { Checksum on }\n"),
 ("syntax_ner_in_stats", "Stats {\n LogFile on\n NetlinkEventsReliable on\n}\n"),
 ("syntax_refresh_in_ftfw", "Sync { Mode FTFW { RefreshTime 5 } }\n"),
 ("syntax_startup_in_alarm", "Sync { Mode ALARM { StartupResync on } }\n"),
 ("syntax_obsolete_stripnat", "Sync { StripNAT }\n"),
 ("syntax_obsolete_ignoreproto", "IgnoreProtocol { UDP }\n"),
 ("syntax_obsolete_family", "General { Family IPv4 }\n"),
 ("syntax_obsolete_resendbuf", "Sync { Mode FTFW { ResendBufferSize 5 } }\n"),
 ("syntax_ctkit_logformat_in_ref", "Stats { LogFormat json }\n"),
 ("syntax_ctkit_auth_in_ref", "Sync { Authenticate { Key /etc/key } }\n"),
 ("syntax_proto_number", "General { Filter { Protocol Accept { 6 } } }\n"),
 ("syntax_helper_upper_l4", "Helper { Type ftp inet TCP { } }\n"),
 ("syntax_sched_other_kw", "General { Scheduler { Type 5 } }\n"),
 ("eof_nul", "General { }\n\0garbage {\n"),
 ("eof_highbyte", "General { }\n\xc3\xa9 {\n"),
 ("bools_any_case", "General { NetlinkEventsReliable YES Systemd nO }\nSync { Mode FTFW { StartupResync On DisableExternalCache oFF } }\n"),
 ("both_sync_stats", "Sync { Mode FTFW { } }\nStats { }\n"),
 ("both_stats_sync", "Stats { }\nSync { }\n"),
 ("mix_udp_mcast", "Sync {\n Mode FTFW { }\n UDP { IPv4_address 1.1.1.1 }\n Multicast { IPv4_address 225.0.0.1 }\n}\n"),
 ("mix_mcast_tcp", "Sync {\n Multicast { }\n TCP { }\n}\n"),
 ("mix_tcp_udp", "Sync {\n TCP { }\n UDP Default { }\n}\n"),
 ("five_links", "Sync {\n UDP { Port 1 }\n UDP { Port 2 }\n UDP { Port 3 }\n UDP { Port 4 }\n UDP { Port 5 }\n}\n"),
 ("default_twice", "Sync {\n Mode FTFW { }\n UDP Default { IPv4_address 1.1.1.1 }\n UDP Default { IPv4_address 1.1.1.2 }\n}\n"),
 ("bad_link_addrs", "Sync {\n UDP { IPv4_address 1.1.1.300 IPv4_Destination_Address 999.1.1.1 IPv6_address 1:2:3 IPv6_Destination_Address 1.2.3.4 }\n}\n"),
 ("mcast_family_clash", "Sync { Multicast { IPv6_address ff02::1 IPv4_address 225.0.0.1 IPv4_interface 1.2.3.4 } }\n"),
 ("mcast_v6_after_v4", "Sync { Multicast { IPv4_address 225.0.0.1 IPv6_address ff02::1 } }\n"),
 ("mcast_v6_after_iface", "Sync { Multicast { Interface lo IPv6_address ff02::1 } }\n"),
 ("mcast_ipv6_interface", "Sync { Multicast { IPv6_interface ::1 } }\n"),
 ("bad_interface", "Sync { UDP { Interface nosuchif0 } }\n"),
 ("tcp_errq_checksum", "Sync { TCP { ErrorQueueLength 10 Checksum off } }\n"),
 ("unix_path_long", "General { UNIX { Path " + U + " } }\n"),
 ("logfile_long", "General { LogFile " + L + " }\n"),
 ("lockfile_long", "General { LockFile " + L + " }\n"),
 ("stats_logfile_long", "Stats { LogFile " + L + " }\n"),
 ("prio_100", "General { Scheduler { Type RR Priority 100 } }\n"),
 ("prio_wraps", "General { Scheduler { Priority 4294967295 } }\n"),
 ("prio_saturates", "General { Scheduler { Priority 99999999999999999999 } }\n"),
 ("sched_other", "General { Scheduler { Type OTHER } }\n"),
 ("sched_fifo", "General { Scheduler { Type fifo Priority 5 } }\n"),
 ("poll_zero", "General { PollSecs 0 }\n"),
 ("poll_wraps_to_zero", "General { PollSecs 4294967296 }\n"),
 ("nice", "General { Nice -10 }\n"),
 ("unix_backlog", "General { UNIX { Path /tmp/ctd-conf-test.ctl Backlog 20 } }\n"),
 ("mode_nack", "Sync { Mode NACK { } }\n"),
 ("mode_persistent", "Sync { Mode persistenT { } }\n"),
 ("mode_persistent_lower_t", "Sync { Mode persistent { } }\n"),
 ("syslog_unknown", "General { Syslog foo }\n"),
 ("stats_syslog_unknown", "Stats { Syslog foo }\n"),
 ("syslog_conflict", "General { Syslog local1 }\nStats { Syslog local2 }\n"),
 ("filter_warnings", "General {\n Filter From Userspace {\n  Protocol Accept { TCP UDP ICMP sctp bogusproto }\n  Address Ignore { IPv4_address 127.0.0.1 IPv4_address 10.0.0.0/8 IPv4_address 1.2.3.4/33 IPv6_address ::1 IPv6_address fe80::/64 IPv6_address ::1/129 IPv4_address 127.0.0.1 IPv4_address 10.0.0.0/8 IPv4_address 1.2.3.400 IPv6_address 1:2:3 }\n  State Accept { ESTABLISHED CLOSED TIME_WAIT CLOSE_WAIT for TCP }\n }\n}\n"),
 ("filter_kernelspace", "General { Filter From Kernelspace { Protocol Ignore { udp } State Ignore { for TCP SYN_SENT for TCP } } }\n"),
 ("expect_list", "Sync { Mode FTFW { } UDP { } Options { ExpectationSync { ftp sip h323 } TCPWindowTracking On } }\n"),
 ("expect_on", "Sync { Options { ExpectationSync on } }\n"),
 ("helper_full", "Helper {\n Type ftp inet tcp {\n  QueueNum 5\n  QueueLen 10240\n  Policy ftp {\n   ExpectMax 1\n   ExpectTimeout 300\n  }\n }\n}\n"),
 ("helper_l3", "Helper { Type ftp inet7 tcp { } }\n"),
 ("helper_l4", "Helper { Type ftp inet sctp { } }\n"),
 ("helper_unknown", "Helper { Type foo inet tcp { } }\n"),
 ("helper_wrong_l4", "Helper { Type ftp inet udp { } }\n"),
 ("helper_policy_unknown", "Helper { Type ftp inet tcp { Policy sip { ExpectMax 1 } } }\n"),
 ("helper_policy_empty", "Helper { Type ftp inet tcp { Policy ftp { } } }\n"),
 ("helper_policy_long", "Helper { Type ftp inet tcp { Policy abcdefghijklmnopq { ExpectMax 1 } } }\n"),
 ("helper_setup", "Helper { Setup yes }\n"),
 ("helper_nested", "Helper { Type ftp inet tcp { QueueNum 3 Type tftp inet udp { QueueNum 4 } } }\n"),
 ("helper_items_outside_type", "Helper { QueueNum 3 Policy ftp { ExpectMax 1 } Type ftp inet tcp { QueueNum 4 } QueueLen 5 }\n"),
 ("helper_policy_at_top_unknown", "Helper { Policy sip { ExpectMax 1 } Type ftp inet tcp { } }\n"),
 ("helper_policy_newest_named", "Helper { Policy sip { ExpectMax 1 } Policy xyz { ExpectMax 2 } Policy sip { ExpectMax 3 } Type ftp inet tcp { } }\n"),
 ("helper_policy_newest_named2", "Helper { Policy xyz { ExpectMax 1 } Policy sip { ExpectMax 2 } Policy xyz { ExpectMax 3 } Type ftp inet tcp { } }\n"),
 ("helper_nested_pops_outer", "Helper { Policy ftp { ExpectMax 1 } Type ftp inet tcp { Type tftp inet udp { } } }\n"),
 ("helper_setup_in_type", "Helper { Type ftp inet tcp { Setup on } }\n"),
 ("commit_vs_disable_external", "Sync { Mode FTFW { DisableExternalCache on CommitTimeout 5 } }\n"),
 ("deprecated_aliases", "General { SocketBufferSize 1 SocketBufferSizeMaxGrown 2 SocketBufferSizeMaxGrowth 3 }\nSync { Mode NOTRACK { } }\n"),
 ("dup_sections", "General { HashSize 1 }\nGeneral { HashSize 2 }\nSync { Mode FTFW {} }\nSync { Mode ALARM {} }\n"),
 ("comments", "# top\nGeneral { # after brace\n HashSize 1 # trailing\n}\n"),
]

# Cases naming a path instead of a text: (name, path).
PATHS = [
    ("missing_file", "/nonexistent/ctd.conf"),
    ("directory", "/"),
]

# ctkit extensions: the reference rejects them, ctkit parses them.
EXTENSIONS = {"syntax_ctkit_logformat_in_ref", "syntax_ctkit_auth_in_ref"}


def escape(b):
    out = []
    for c in b:
        ch = chr(c)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch in "\\\"":
            out.append("\\" + ch)
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def run_ref(path):
    r = subprocess.run([REF, "-C", path, "-s"], capture_output=True, timeout=20)
    lines = r.stderr.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [re.sub(rb"^\[[^]]*\] \(pid=\d+\) ", b"", l) for l in lines]
    parsed = any(b"can't connect" in l for l in lines)
    lines = [l for l in lines if b"can't connect" not in l]
    return (0 if parsed else r.returncode), lines, r.stdout


def record(f, name, kind, arg, rc, lines):
    f.write("case %s\n%s %s\nrc %d\n" % (name, kind, arg, rc))
    if name in EXTENSIONS:
        f.write("ext\n")
    for l in lines:
        f.write("out %s\n" % escape(l))
    f.write("end\n")


def main():
    with open(OUT, "w") as f, tempfile.TemporaryDirectory() as tmp:
        f.write("# Generated by capture_ctd_config.py from %s (conntrack-tools 1.4.7).\n" % REF)
        f.write("# case NAME / conf TEXT (C escapes) or path PATH / rc STATUS / [ext] / out LINE... / end\n")
        for name, text in CASES:
            p = os.path.join(tmp, name + ".conf")
            with open(p, "wb") as c:
                c.write(text.encode("latin-1"))
            rc, lines, stdout = run_ref(p)
            if stdout:
                sys.exit("%s: unexpected stdout %r" % (name, stdout))
            record(f, name, "conf", escape(text.encode("latin-1")), rc, lines)
        for name, path in PATHS:
            rc, lines, _ = run_ref(path)
            record(f, name, "path", path, rc, lines)


if __name__ == "__main__":
    main()
