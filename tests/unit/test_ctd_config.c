// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf parser (tools/conntrackd/config.c).
 *
 * Two kinds of cases, both data:
 *  - golden: tests/unit/golden/ctd_config_ref.txt holds what the reference
 *    conntrackd 1.4.7 printed for ~90 files (capture_ctd_config.py); ctkit
 *    must produce the same warnings, error text and exit status;
 *  - values: one line of configuration and the field it must set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"

#define GOLDEN "tests/unit/golden/ctd_config_ref.txt"

/* ---- helpers ---- */

static struct ctd_config *cfg(void)
{
	static struct ctd_config c;

	ctd_config_defaults(&c);
	return &c;
}

static int parse(struct ctd_config *c, const char *text, struct ctd_config_error *err)
{
	return ctd_config_parse(c, text, strlen(text), err);
}

/* What the reference prints for a parse, without "[time] (pid=N) ", one line each. */
static void render(const struct ctd_config *c, int r, const struct ctd_config_error *err, char *out,
		   size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < c->n_warnings; i++)
		n += (size_t)snprintf(out + n, size - n, "[warning] %s\n", c->warnings[i].msg);
	if (r)
		snprintf(out + n, size - n, err->plain ? "%s\n" : "[ERROR] %s\n", err->msg);
}

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			out[n++] = '\n';
			s++;
			break;
		case 't':
			out[n++] = '\t';
			s++;
			break;
		case 'r':
			out[n++] = '\r';
			s++;
			break;
		case 'x': {
			char hex[3] = {s[1], s[2], 0};

			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 3;
			break;
		}
		default:
			out[n++] = *s++;
			break;
		}
	}
	return n;
}

/* ---- golden: the reference's own words ---- */

struct golden_case {
	char name[64];
	char kind[8]; /* conf | path */
	char arg[2048];
	int rc;
	bool ext;
	char out[4096];
};

static bool read_case(FILE *f, struct golden_case *gc)
{
	char line[4096];

	memset(gc, 0, sizeof(*gc));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "case ", 5))
			snprintf(gc->name, sizeof(gc->name), "%.63s", line + 5);
		else if (!strncmp(line, "conf ", 5) || !strncmp(line, "path ", 5)) {
			snprintf(gc->kind, sizeof(gc->kind), "%.4s", line);
			snprintf(gc->arg, sizeof(gc->arg), "%.2047s", line + 5);
		} else if (!strncmp(line, "rc ", 3))
			gc->rc = atoi(line + 3);
		else if (!strcmp(line, "ext"))
			gc->ext = true;
		else if (!strncmp(line, "out ", 4)) {
			char buf[2048];
			size_t n = unescape(line + 4, buf), len = strlen(gc->out);

			snprintf(gc->out + len, sizeof(gc->out) - len, "%.*s\n", (int)n, buf);
		} else if (!strcmp(line, "end"))
			return true;
	}
	return false;
}

static void check_case(const struct golden_case *gc)
{
	struct ctd_config *c = cfg();
	struct ctd_config_error err;
	char text[2048], got[4096];
	int r;

	if (!strcmp(gc->kind, "path")) {
		r = ctd_config_load(c, gc->arg, &err);
	} else {
		size_t n = unescape(gc->arg, text);

		r = ctd_config_parse(c, text, n, &err);
	}
	render(c, r, &err, got, sizeof(got));
	if (gc->ext) {
		/* the reference rejects ctkit's extensions; ctkit takes them silently */
		assert_int_not_equal(gc->rc, 0);
		assert_int_equal(r, 0);
		assert_string_equal(got, "");
		return;
	}
	if (strcmp(got, gc->out) || (r ? err.exit_code : 0) != gc->rc)
		fail_msg("case %s: expected (rc %d)\n%sgot (rc %d)\n%s", gc->name, gc->rc, gc->out,
			 r ? err.exit_code : 0, got);
}

static void test_golden(void **state)
{
	struct golden_case *gc = malloc(sizeof(*gc));
	FILE *f = fopen(GOLDEN, "r");
	unsigned int n = 0;

	(void)state;
	assert_non_null(f);
	assert_non_null(gc);
	while (read_case(f, gc)) {
		check_case(gc);
		n++;
	}
	fclose(f);
	free(gc);
	assert_true(n >= 80);
}

/* ---- values: one line, one field ---- */

enum fkind { F_BOOL, F_INT, F_UINT, F_U16 };

struct field {
	const char *name;
	size_t off;
	enum fkind kind;
};

#define FB(s, f)                                                                                   \
	{                                                                                          \
#f, offsetof(struct s, f), F_BOOL                                                  \
	}
#define FI(s, f)                                                                                   \
	{                                                                                          \
#f, offsetof(struct s, f), F_INT                                                   \
	}
#define FU(s, f)                                                                                   \
	{                                                                                          \
#f, offsetof(struct s, f), F_UINT                                                  \
	}

static const struct field conf_fields[] = {
	FU(ctd_config, hash_size),
	FU(ctd_config, hash_limit),
	FI(ctd_config, syslog_facility),
	FU(ctd_config, unix_backlog),
	FU(ctd_config, netlink_buffer_size),
	FU(ctd_config, netlink_buffer_size_max),
	FI(ctd_config, netlink_overrun_resync),
	FB(ctd_config, netlink_events_reliable),
	FU(ctd_config, poll_secs),
	FU(ctd_config, event_iteration_limit),
	FI(ctd_config, sched_type),
	FI(ctd_config, sched_prio),
	FI(ctd_config, nice),
	FI(ctd_config, systemd),
	FI(ctd_config, mode),
	FI(ctd_config, sync_proto),
	FU(ctd_config, sync_modes),
	FU(ctd_config, resend_queue_size),
	FU(ctd_config, ack_window_size),
	FB(ctd_config, disable_internal_cache),
	FB(ctd_config, disable_external_cache),
	FB(ctd_config, startup_resync),
	FU(ctd_config, refresh_time),
	FU(ctd_config, cache_timeout),
	FU(ctd_config, commit_timeout),
	FU(ctd_config, purge_timeout),
	FB(ctd_config, tcp_window_tracking),
	FB(ctd_config, expectation_sync),
	FB(ctd_config, expect_filter),
	FU(ctd_config, n_expect_helpers),
	FU(ctd_config, error_queue_length),
	FU(ctd_config, n_links),
	FU(ctd_config, default_link),
	FI(ctd_config, stats_syslog_facility),
	FB(ctd_config, stats_json),
	FB(ctd_config, helper_mode),
	FB(ctd_config, helper_setup),
	FU(ctd_config, n_helpers),
	FU(ctd_config, n_warnings),
};

static const struct field link_fields[] = {
	FI(ctd_link_conf, kind),     FB(ctd_link_conf, is_default), FI(ctd_link_conf, family),
	FB(ctd_link_conf, has_dest), FU(ctd_link_conf, port),	    FU(ctd_link_conf, ifindex),
	FU(ctd_link_conf, sndbuf),   FU(ctd_link_conf, rcvbuf),	    FB(ctd_link_conf, checksum),
};

static const struct field filter_fields[] = {
	FB(ctd_filter_conf, present),
	FB(ctd_filter_conf, kernelspace),
	FI(ctd_filter_conf, proto_policy),
	FI(ctd_filter_conf, addr_policy),
	FU(ctd_filter_conf, n_addrs),
	FI(ctd_filter_conf, state_policy),
	{"tcp_states", offsetof(struct ctd_filter_conf, tcp_states), F_U16},
	FB(ctd_filter_conf, has_netmask),
};

static const struct field helper_fields[] = {
	FI(ctd_helper_conf, family),	     FU(ctd_helper_conf, queue_num),
	FU(ctd_helper_conf, queue_len),	     FU(ctd_helper_conf, expect_max),
	FU(ctd_helper_conf, expect_timeout),
};

static long long read_field(const void *base, const struct field *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = (const char *)base + t[i].off;

		if (strcmp(t[i].name, name))
			continue;
		switch (t[i].kind) {
		case F_BOOL:
			return *(const bool *)p;
		case F_INT:
			return *(const int *)p;
		case F_UINT:
			return *(const unsigned int *)p;
		case F_U16:
			return *(const uint16_t *)p;
		}
	}
	fail_msg("no field %s", name);
	return 0;
}

#define NF(t) t, sizeof(t) / sizeof(t[0])

/* "hash_size", "link1.port", "filter.tcp_states", "helper0.queue_num", "filter.proto6" */
static long long num(const struct ctd_config *c, const char *name)
{
	unsigned int i = (unsigned int)(name[4] - '0');

	if (!strncmp(name, "link", 4) && name[5] == '.')
		return read_field(&c->links[i], NF(link_fields), name + 6);
	if (!strncmp(name, "helper", 6) && name[7] == '.') {
		if (!strcmp(name + 8, "l4proto"))
			return c->helpers[name[6] - '0'].l4proto;
		return read_field(&c->helpers[name[6] - '0'], NF(helper_fields), name + 8);
	}
	if (!strncmp(name, "filter.proto", 12) && name[12] >= '0' && name[12] <= '9')
		return c->filter.protos[atoi(name + 12) & 0xff];
	if (!strncmp(name, "filter.addr", 11) && name[12] == '.') {
		const struct ctd_filter_addr *a = &c->filter.addrs[name[11] - '0'];

		return !strcmp(name + 13, "prefix") ? (long long)a->prefix : a->family;
	}
	if (!strncmp(name, "filter.", 7))
		return read_field(&c->filter, NF(filter_fields), name + 7);
	return read_field(c, NF(conf_fields), name);
}

static void addr_str(int family, const struct in6_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(family ? family : AF_INET, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* String-valued fields, and addresses printed with inet_ntop(). */
static const char *str(const struct ctd_config *c, const char *name, char *buf, size_t size)
{
	if (!strcmp(name, "logfile"))
		return c->logfile;
	if (!strcmp(name, "lockfile"))
		return c->lockfile;
	if (!strcmp(name, "unix_path"))
		return c->unix_path;
	if (!strcmp(name, "stats_logfile"))
		return c->stats_logfile;
	if (!strcmp(name, "auth_keyfile"))
		return c->auth_keyfile;
	if (!strncmp(name, "expect", 6))
		return c->expect_helpers[name[6] - '0'];
	if (!strncmp(name, "warning", 7))
		return c->warnings[name[7] - '0'].msg;
	if (!strncmp(name, "helper", 6))
		return !strcmp(name + 8, "name") ? c->helpers[name[6] - '0'].name
						 : c->helpers[name[6] - '0'].policy;
	if (!strncmp(name, "filter.addr", 11)) {
		const struct ctd_filter_addr *a = &c->filter.addrs[name[11] - '0'];

		addr_str(a->family, &a->addr, buf, size);
		return buf;
	}
	if (!strncmp(name, "link", 4)) {
		const struct ctd_link_conf *l = &c->links[name[4] - '0'];
		const char *f = name + 6;

		if (!strcmp(f, "ifname"))
			return l->ifname;
		addr_str(l->family,
			 !strcmp(f, "addr")   ? &l->addr
			 : !strcmp(f, "dest") ? &l->dest
					      : &l->mcast_if,
			 buf, size);
		return buf;
	}
	fail_msg("no string field %s", name);
	return NULL;
}

struct num_case {
	const char *conf;
	const char *field;
	long long want;
};

static const struct num_case num_cases[] = {
	/* General */
	{"General { HashSize 8192 }", "hash_size", 8192},
	{"General { HashSize 0 }", "hash_size", 65536},
	{"General { HashLimit 1000 }", "hash_limit", 1000},
	{"General { HashLimit 0 }", "hash_limit", 262144},
	{"General { Syslog on }", "syslog_facility", LOG_DAEMON},
	{"General { Syslog on Syslog off }", "syslog_facility", -1},
	{"General { Syslog local7 }", "syslog_facility", LOG_LOCAL7},
	{"General { Syslog daemon }", "syslog_facility", LOG_DAEMON},
	{"General { Syslog bogus }", "syslog_facility", -1},
	{"General { UNIX { Path /x Backlog 5 } }", "unix_backlog", 100},
	{"General { NetlinkBufferSize 2097152 }", "netlink_buffer_size", 2097152},
	{"General { SocketBufferSize 7 }", "netlink_buffer_size", 7},
	{"General { NetlinkBufferSizeMaxGrowth 8388608 }", "netlink_buffer_size_max", 8388608},
	{"General { SocketBufferSizeMaxGrown 9 }", "netlink_buffer_size_max", 9},
	{"General { SocketBufferSizeMaxGrowth 10 }", "netlink_buffer_size_max", 10},
	{"General { NetlinkOverrunResync on }", "netlink_overrun_resync", 30},
	{"General { NetlinkOverrunResync off }", "netlink_overrun_resync", -1},
	{"General { NetlinkOverrunResync 5 }", "netlink_overrun_resync", 5},
	{"General { NetlinkOverrunResync 0 }", "netlink_overrun_resync", 30},
	{"General { NetlinkEventsReliable on }", "netlink_events_reliable", 1},
	{"General { NetlinkEventsReliable No }", "netlink_events_reliable", 0},
	{"General { PollSecs 15 }", "poll_secs", 15},
	{"General { EventIterationLimit 200 }", "event_iteration_limit", 200},
	{"General { EventIterationLimit 0 }", "event_iteration_limit", 100},
	{"General { Nice -20 }", "nice", 0},
	{"General { Nice -20 }", "n_warnings", 1},
	{"General { Scheduler { Type RR Priority 99 } }", "sched_type", SCHED_RR},
	{"General { Scheduler { Type rR Priority 99 } }", "sched_prio", 99},
	{"General { Scheduler { Type FIFO } }", "sched_type", SCHED_FIFO},
	{"General { Scheduler { Priority 0 } }", "sched_prio", 0},
	{"General { Scheduler { Priority 0 } }", "sched_type", -1},
	{"General { Systemd yes }", "systemd", 1},
	{"General { Systemd off }", "systemd", 0},
	{"General { }", "systemd", -1},
	/* Filter */
	{"General { Filter { } }", "filter.present", 1},
	{"General { Filter { } }", "filter.kernelspace", 0},
	{"General { Filter From Kernelspace { } }", "filter.kernelspace", 1},
	{"General { Filter From Userspace { } }", "filter.kernelspace", 0},
	{"General { }", "filter.present", 0},
	{"General { Filter { Protocol Accept { TCP } } }", "filter.proto_policy",
	 CTD_FILTER_ACCEPT},
	{"General { Filter { Protocol Accept { TCP } } }", "filter.proto6", 1},
	{"General { Filter { Protocol Ignore { UDP } } }", "filter.proto17", 1},
	{"General { Filter { Protocol Ignore { UDP } } }", "filter.proto_policy",
	 CTD_FILTER_IGNORE},
	{"General { Filter { Protocol Accept { icmp sctp } } }", "filter.proto1", 1},
	{"General { Filter { Protocol Accept { icmp sctp } } }", "filter.proto132", 1},
	{"General { Filter { Protocol Accept { icmp sctp } } }", "filter.proto6", 0},
	{"General { Filter { Address Accept { IPv4_address 1.2.3.4 } } }", "filter.addr_policy",
	 CTD_FILTER_ACCEPT},
	{"General { Filter { Address Ignore { IPv4_address 1.2.3.4 } } }", "filter.addr_policy",
	 CTD_FILTER_IGNORE},
	{"General { Filter { Address Ignore { IPv4_address 1.2.3.4 } } }", "filter.addr0.prefix",
	 32},
	{"General { Filter { Address Ignore { IPv4_address 1.2.3.4/32 } } }", "filter.has_netmask",
	 0},
	{"General { Filter { Address Ignore { IPv4_address 10.0.0.0/8 } } }", "filter.addr0.prefix",
	 8},
	{"General { Filter { Address Ignore { IPv4_address 10.0.0.0/8 } } }", "filter.has_netmask",
	 1},
	{"General { Filter { Address Ignore { IPv6_address fe80::/10 } } }", "filter.addr0.prefix",
	 10},
	{"General { Filter { Address Ignore { IPv6_address ::1 } } }", "filter.addr0.prefix", 128},
	{"General { Filter { Address Ignore { IPv6_address ::1 } } }", "filter.addr0.family",
	 AF_INET6},
	{"General { Filter { Address Ignore { IPv4_address 1.1.1.1 IPv4_address 1.1.1.1 } } }",
	 "filter.n_addrs", 1},
	{"General { Filter { Address Ignore { IPv4_address 1.1.1.1/33 } } }", "filter.n_addrs", 0},
	{"General { Filter { State Accept { ESTABLISHED for TCP } } }", "filter.tcp_states",
	 1 << 3},
	{"General { Filter { State Accept { ESTABLISHED for TCP } } }", "filter.state_policy",
	 CTD_FILTER_ACCEPT},
	{"General { Filter { State Ignore { SYN_SENT SYN_RECV for TCP FIN_WAIT for TCP } } }",
	 "filter.tcp_states", (1 << 1) | (1 << 2) | (1 << 4)},
	{"General { Filter { State Ignore { CLOSE_WAIT LAST_ACK TIME_WAIT for TCP } } }",
	 "filter.tcp_states", (1 << 5) | (1 << 6) | (1 << 7)},
	{"General { Filter { State Ignore { CLOSE CLOSED LISTEN for TCP } } }", "filter.tcp_states",
	 (1 << 8) | (1 << 9)},
	{"General { Filter { State Ignore { for TCP } } }", "filter.state_policy",
	 CTD_FILTER_IGNORE},
	/* Sync */
	{"Sync { }", "mode", CTD_MODE_SYNC},
	{"Sync { }", "sync_modes", 0},
	{"Sync { }", "sync_proto", CTD_SYNC_FTFW},
	{"Sync { Mode ALARM { } }", "sync_proto", CTD_SYNC_ALARM},
	{"Sync { Mode NOTRACK { } }", "sync_proto", CTD_SYNC_NOTRACK},
	{"Sync { Mode notrack { } Mode alarm { } }", "sync_proto", CTD_SYNC_ALARM},
	{"Sync { Mode ALARM { } Mode ftfw { } }", "sync_proto", CTD_SYNC_FTFW},
	{"Sync { Mode ALARM { } Mode ftfw { } }", "sync_modes",
	 CTD_SYNC_MODE_BIT(CTD_SYNC_ALARM) | CTD_SYNC_MODE_BIT(CTD_SYNC_FTFW)},
	{"Sync { Mode NACK { } }", "sync_proto", CTD_SYNC_FTFW},
	{"Sync { Mode persistenT { } }", "sync_proto", CTD_SYNC_ALARM},
	{"Sync { RefreshTime 5 CacheTimeout 6 CommitTimeout 7 PurgeTimeout 8 }", "refresh_time", 5},
	{"Sync { RefreshTime 5 CacheTimeout 6 CommitTimeout 7 PurgeTimeout 8 }", "cache_timeout",
	 6},
	{"Sync { RefreshTime 5 CacheTimeout 6 CommitTimeout 7 PurgeTimeout 8 }", "commit_timeout",
	 7},
	{"Sync { RefreshTime 5 CacheTimeout 6 CommitTimeout 7 PurgeTimeout 8 }", "purge_timeout",
	 8},
	{"Sync { Mode ALARM { RefreshTime 15 CacheTimeout 45 } }", "refresh_time", 15},
	{"Sync { Mode ALARM { RefreshTime 15 CacheTimeout 45 } }", "cache_timeout", 45},
	{"Sync { Mode ALARM { CommitTimeout 1 PurgeTimeout 2 } }", "purge_timeout", 2},
	{"Sync { Mode ALARM { RefreshTime 0 CacheTimeout 0 PurgeTimeout 0 } }", "refresh_time", 60},
	{"Sync { Mode ALARM { RefreshTime 0 CacheTimeout 0 PurgeTimeout 0 } }", "cache_timeout",
	 180},
	{"Sync { Mode ALARM { RefreshTime 0 CacheTimeout 0 PurgeTimeout 0 } }", "purge_timeout",
	 60},
	{"Sync { Mode FTFW { ResendQueueSize 1000 } }", "resend_queue_size", 1000},
	{"Sync { Mode FTFW { ResendQueueSize 0 } }", "resend_queue_size", 131072},
	{"Sync { Mode FTFW { ACKWindowSize 20 } }", "ack_window_size", 20},
	{"Sync { Mode FTFW { ACKWindowSize 0 } }", "ack_window_size", 300},
	{"Sync { Mode FTFW { DisableExternalCache on } }", "disable_external_cache", 1},
	{"Sync { Mode FTFW { StartupResync on } }", "startup_resync", 1},
	{"Sync { Mode FTFW { CommitTimeout 3 PurgeTimeout 4 } }", "commit_timeout", 3},
	{"Sync { Mode FTFW { DisableExternalCache on CommitTimeout 5 } }", "commit_timeout", 0},
	{"Sync { Mode NOTRACK { DisableInternalCache yes } }", "disable_internal_cache", 1},
	{"Sync { Mode NOTRACK { DisableExternalCache yes } }", "disable_external_cache", 1},
	{"Sync { Mode NOTRACK { StartupResync yes } }", "startup_resync", 1},
	{"Sync { Mode NOTRACK { CommitTimeout 9 PurgeTimeout 10 } }", "purge_timeout", 10},
	{"Sync { Options { TCPWindowTracking on } }", "tcp_window_tracking", 1},
	{"Sync { Options { ExpectationSync on } }", "expectation_sync", 1},
	{"Sync { Options { ExpectationSync on } }", "expect_filter", 0},
	{"Sync { Options { ExpectationSync on ExpectationSync off } }", "expectation_sync", 0},
	{"Sync { Options { ExpectationSync { ftp sip ftp } } }", "n_expect_helpers", 2},
	{"Sync { Options { ExpectationSync { } } }", "expect_filter", 1},
	{"Sync { Options { ExpectationSync { } } }", "expectation_sync", 1},
	/* links */
	{"Sync { UDP { } }", "n_links", 1},
	{"Sync { UDP { } }", "link0.kind", CTD_LINK_UDP},
	{"Sync { UDP { } }", "link0.checksum", 1},
	{"Sync { UDP { } }", "link0.family", 0},
	{"Sync { UDP { Checksum off } }", "link0.checksum", 0},
	{"Sync { UDP { IPv4_address 1.1.1.1 Port 3780 } }", "link0.port", 3780},
	{"Sync { UDP { IPv4_address 1.1.1.1 } }", "link0.family", AF_INET},
	{"Sync { UDP { IPv6_address ::1 } }", "link0.family", AF_INET6},
	{"Sync { UDP { IPv4_Destination_Address 1.1.1.1 } }", "link0.has_dest", 1},
	{"Sync { UDP { IPv6_Destination_Address ::2 } }", "link0.family", AF_INET6},
	{"Sync { UDP { SndSocketBuffer 1249280 RcvSocketBuffer 1249281 } }", "link0.sndbuf",
	 1249280},
	{"Sync { UDP { SndSocketBuffer 1249280 RcvSocketBuffer 1249281 } }", "link0.rcvbuf",
	 1249281},
	{"Sync { UDP { Interface lo } }", "link0.ifindex", 1},
	{"Sync { UDP { Interface nosuchif0 } }", "link0.ifindex", 0},
	{"Sync { UDP { } UDP Default { } }", "default_link", 1},
	{"Sync { UDP { } UDP Default { } }", "link1.is_default", 1},
	{"Sync { UDP { } UDP Default { } }", "link0.is_default", 0},
	{"Sync { UDP Default { } UDP { } UDP Default { } }", "default_link", 2},
	{"Sync { TCP { ErrorQueueLength 64 } }", "error_queue_length", 64},
	{"Sync { TCP { ErrorQueueLength 0 } }", "error_queue_length", 128},
	{"Sync { TCP { Port 3781 } }", "link0.kind", CTD_LINK_TCP},
	{"Sync { Multicast { Group 3780 } }", "link0.port", 3780},
	{"Sync { Multicast { Group 3780 } }", "link0.kind", CTD_LINK_MCAST},
	{"Sync { Multicast { IPv4_address 225.0.0.50 IPv4_interface 1.2.3.4 } }", "link0.family",
	 AF_INET},
	{"Sync { Multicast { IPv6_address ff02::1 IPv4_address 225.0.0.1 } }", "link0.family",
	 AF_INET6},
	{"Sync { Multicast { IPv6_interface ::1 } }", "n_warnings", 1},
	{"Sync { Multicast { Checksum on SndSocketBuffer 5 RcvSocketBuffer 6 } }", "link0.rcvbuf",
	 6},
	/* Stats */
	{"Stats { }", "mode", CTD_MODE_STATS},
	{"Stats { Syslog on }", "stats_syslog_facility", LOG_DAEMON},
	{"Stats { Syslog local0 }", "stats_syslog_facility", LOG_LOCAL0},
	{"Stats { Syslog local0 Syslog off }", "stats_syslog_facility", -1},
	{"Stats { LogFormat json }", "stats_json", 1},
	{"Stats { LogFormat json LogFormat text }", "stats_json", 0},
	{"Stats { }", "stats_json", 0},
	/* Helper */
	{"Helper { }", "helper_mode", 1},
	{"General { }", "helper_mode", 0},
	{"Helper { Setup on }", "helper_setup", 1},
	{"Helper { Setup on Setup off }", "helper_setup", 0},
	{"Helper { Type ftp inet tcp { } }", "n_helpers", 1},
	{"Helper { Type ftp inet tcp { } }", "helper0.family", AF_INET},
	{"Helper { Type ftp inet tcp { } }", "helper0.l4proto", IPPROTO_TCP},
	{"Helper { Type tftp inet6 udp { } }", "helper0.family", AF_INET6},
	{"Helper { Type tftp inet6 udp { } }", "helper0.l4proto", IPPROTO_UDP},
	{"Helper { Type ftp inet tcp { QueueNum 5 QueueLen 10240 } }", "helper0.queue_num", 5},
	{"Helper { Type ftp inet tcp { QueueNum 5 QueueLen 10240 } }", "helper0.queue_len", 10240},
	/* the reference pops its stack newest first: the first value given stays */
	{"Helper { Type ftp inet tcp { QueueNum 1 QueueNum 2 } }", "helper0.queue_num", 1},
	{"Helper { QueueNum 3 Type ftp inet tcp { QueueNum 4 } }", "helper0.queue_num", 3},
	{"Helper { Type ftp inet tcp { } QueueLen 7 }", "helper0.queue_len", 0},
	{"Helper { Type ftp inet tcp { Policy ftp { ExpectMax 1 } Policy ftp { ExpectMax 2 } } }",
	 "helper0.expect_max", 1},
	{"Helper { Type ftp inet tcp { Policy ftp { ExpectMax 1 ExpectTimeout 300 } } }",
	 "helper0.expect_max", 1},
	{"Helper { Type ftp inet tcp { Policy ftp { ExpectMax 1 ExpectTimeout 300 } } }",
	 "helper0.expect_timeout", 300},
	{"Helper { Type rpc inet udp { } Type ssdp inet tcp { } Type rpc inet tcp { } }",
	 "n_helpers", 3},
	{"Helper { Type amanda inet udp { } Type dhcpv6 inet6 udp { } Type mdns inet udp { } "
	 "Type sane inet tcp { } Type slp inet udp { } Type tns inet tcp { } }",
	 "n_helpers", 6},
	/* the whole file */
	{"", "mode", CTD_MODE_NONE},
	{"# only a comment\n", "n_warnings", 0},
};

static void test_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
		const struct num_case *t = &num_cases[i];
		struct ctd_config *c = cfg();
		struct ctd_config_error err;
		long long got;

		if (parse(c, t->conf, &err))
			fail_msg("%s: %s", t->conf, err.msg);
		got = num(c, t->field);
		if (got != t->want)
			fail_msg("%s: %s = %lld, want %lld", t->conf, t->field, got, t->want);
	}
}

struct str_case {
	const char *conf;
	const char *field;
	const char *want;
};

static const struct str_case str_cases[] = {
	{"General { LogFile on }", "logfile", CTD_DEFAULT_LOGFILE},
	{"General { LogFile /tmp/ctd.log }", "logfile", "/tmp/ctd.log"},
	{"General { LogFile /tmp/ctd.log LogFile off }", "logfile", "/tmp/ctd.log"},
	{"General { }", "logfile", ""},
	{"General { LockFile /run/ctd.lock }", "lockfile", "/run/ctd.lock"},
	{"General { }", "lockfile", CTD_DEFAULT_LOCKFILE},
	{"General { LockFile /a\tb }", "lockfile", "/a\tb"},
	{"General { UNIX { Path /run/ctd.ctl } }", "unix_path", "/run/ctd.ctl"},
	{"Stats { LogFile on }", "stats_logfile", CTD_DEFAULT_STATS_LOGFILE},
	{"Stats { LogFile /tmp/s.log }", "stats_logfile", "/tmp/s.log"},
	{"Sync { Authenticate { Key /etc/conntrackd/key } }", "auth_keyfile",
	 "/etc/conntrackd/key"},
	{"Sync { Options { ExpectationSync { ftp sip } } }", "expect0", "ftp"},
	{"Sync { Options { ExpectationSync { ftp sip } } }", "expect1", "sip"},
	{"Sync { UDP { IPv4_address 192.168.1.1 } }", "link0.addr", "192.168.1.1"},
	{"Sync { UDP { IPv4_address 010.0.0.1 } }", "link0.addr", "8.0.0.1"},
	{"Sync { UDP { IPv4_Destination_Address 192.168.1.2 } }", "link0.dest", "192.168.1.2"},
	{"Sync { TCP { IPv6_address fd00::1 } }", "link0.addr", "fd00::1"},
	{"Sync { TCP { IPv6_Destination_Address fd00::2 } }", "link0.dest", "fd00::2"},
	{"Sync { UDP { Interface lo } }", "link0.ifname", "lo"},
	{"Sync { UDP { Interface abcdefghijklmnopqrstu } }", "link0.ifname", "abcdefghijklmno"},
	{"Sync { Multicast { IPv4_address 225.0.0.50 } }", "link0.addr", "225.0.0.50"},
	{"Sync { Multicast { IPv4_interface 192.168.100.100 } }", "link0.mcast_if",
	 "192.168.100.100"},
	{"Sync { Multicast { IPv6_address ff02::1 } }", "link0.addr", "ff02::1"},
	{"General { Filter { Address Ignore { IPv4_address 10.1.2.3/8 } } }", "filter.addr0",
	 "10.1.2.3"},
	{"General { Filter { Address Ignore { IPv6_address fe80::1/64 } } }", "filter.addr0",
	 "fe80::1"},
	{"Helper { Type ftp inet tcp { Policy ftp { ExpectMax 1 } } }", "helper0.policy", "ftp"},
	{"Helper { Type ftp inet tcp { } }", "helper0.policy", ""},
	{"Helper { Type ftp inet tcp { } }", "helper0.name", "ftp"},
	{"General { Syslog bogus }", "warning0",
	 "'bogus' is not a known syslog facility, ignoring"},
	{"Stats { Syslog bogus }", "warning0", "'bogus' is not a known syslog facility, ignoring."},
};

static void test_strings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++) {
		const struct str_case *t = &str_cases[i];
		struct ctd_config *c = cfg();
		struct ctd_config_error err;
		char buf[64];

		if (parse(c, t->conf, &err))
			fail_msg("%s: %s", t->conf, err.msg);
		if (strcmp(str(c, t->field, buf, sizeof(buf)), t->want))
			fail_msg("%s: %s = '%s', want '%s'", t->conf, t->field,
				 str(c, t->field, buf, sizeof(buf)), t->want);
	}
}

/* ---- errors ctkit adds or words itself (the reference has none here) ---- */

struct err_case {
	const char *conf;
	const char *msg;
	unsigned int line;
};

static const struct err_case err_cases[] = {
	/* the reference writes past its table of 4 links here */
	{"Sync {\n UDP { }\n UDP { }\n UDP { }\n UDP { }\n UDP { }\n}\n",
	 "too many dedicated links in the configuration file (Maximum: 4)", 6},
	{"Stats { LogFormat xml }", "parsing config file in line (1), symbol 'xml': syntax error",
	 1},
	{"Stats { LogFormat }", "parsing config file in line (1), symbol '}': syntax error", 1},
	{"Stats { Logformat json }",
	 "parsing config file in line (1), symbol 'Logformat': syntax error", 1},
	{"General { LogFormat json }",
	 "parsing config file in line (1), symbol 'LogFormat': syntax error", 1},
	{"Sync { Authenticate { Key relative } }",
	 "parsing config file in line (1), symbol 'relative': syntax error", 1},
	{"Sync { Authenticate { Secret /x } }",
	 "parsing config file in line (1), symbol 'Secret': syntax error", 1},
	{"Sync {\n Authenticate Key /x\n}",
	 "parsing config file in line (2), symbol 'Key': syntax error", 2},
	{"Stats { Authenticate { Key /x } }",
	 "parsing config file in line (1), symbol 'Authenticate': syntax error", 1},
};

static void test_ctkit_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *t = &err_cases[i];
		struct ctd_config_error err;

		if (parse(cfg(), t->conf, &err) == 0)
			fail_msg("%s: parsed", t->conf);
		if (strcmp(err.msg, t->msg) || err.line != t->line || err.exit_code != 1)
			fail_msg("%s: line %u '%s'", t->conf, err.line, err.msg);
	}
}

/* ---- defaults and limits ---- */

static void test_defaults(void **state)
{
	struct ctd_config *c = cfg();

	(void)state;
	assert_int_equal(c->hash_size, 65536);
	assert_int_equal(c->hash_limit, 262144);
	assert_string_equal(c->logfile, "");
	assert_int_equal(c->syslog_facility, -1);
	assert_string_equal(c->lockfile, CTD_DEFAULT_LOCKFILE);
	assert_string_equal(c->unix_path, "");
	assert_int_equal(c->netlink_overrun_resync, 30);
	assert_int_equal(c->event_iteration_limit, 100);
	assert_int_equal(c->poll_secs, 0);
	assert_int_equal(c->sched_type, -1);
	assert_int_equal(c->systemd, -1);
	assert_int_equal(c->mode, CTD_MODE_NONE);
	assert_int_equal(c->resend_queue_size, 131072);
	assert_int_equal(c->ack_window_size, 300);
	assert_int_equal(c->refresh_time, 60);
	assert_int_equal(c->cache_timeout, 180);
	assert_int_equal(c->commit_timeout, 0);
	assert_int_equal(c->purge_timeout, 60);
	assert_int_equal(c->error_queue_length, 128);
	assert_int_equal(c->n_links, 0);
	assert_true(c->links[3].checksum);
	assert_int_equal(c->stats_syslog_facility, -1);
	assert_string_equal(c->stats_logfile, "");
	assert_false(c->stats_json);
	assert_string_equal(c->auth_keyfile, "");
	assert_int_equal(c->n_warnings, 0);
	assert_int_equal(c->filter.proto_policy, CTD_FILTER_UNSET);
}

/* Longest accepted paths: 256 for files, 107 for the socket. */
static void test_path_limits(void **state)
{
	char text[1024], path[300];
	struct ctd_config_error err;
	struct ctd_config *c;

	(void)state;
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[256] = '\0';
	snprintf(text, sizeof(text), "General { LogFile %s LockFile %s }", path, path);
	c = cfg();
	assert_int_equal(parse(c, text, &err), 0);
	assert_int_equal(strlen(c->logfile), 256);
	assert_int_equal(strlen(c->lockfile), 256);
	path[107] = '\0';
	snprintf(text, sizeof(text), "General { UNIX { Path %s } }", path);
	c = cfg();
	assert_int_equal(parse(c, text, &err), 0);
	assert_int_equal(strlen(c->unix_path), 107);
}

/* Warnings past the table are dropped, not written past it. */
static void test_many_warnings(void **state)
{
	char text[4096] = "General {";
	struct ctd_config_error err;
	struct ctd_config *c = cfg();

	(void)state;
	for (int i = 0; i < CTD_WARNINGS_MAX + 10; i++)
		strcat(text, " Nice -1");
	strcat(text, " }");
	assert_int_equal(parse(c, text, &err), 0);
	assert_int_equal(c->n_warnings, CTD_WARNINGS_MAX);
}

/* Filter addresses past CTD_FILTER_ADDR_MAX: the reference's "too many" warning. */
static void test_filter_full(void **state)
{
	size_t size = 40 * (CTD_FILTER_ADDR_MAX + 2) + 64, n;
	char *text = malloc(size);
	struct ctd_config_error err;
	struct ctd_config *c = cfg();

	(void)state;
	assert_non_null(text);
	n = (size_t)snprintf(text, size, "General { Filter { Address Ignore {");
	for (unsigned int i = 0; i < CTD_FILTER_ADDR_MAX + 1; i++)
		n += (size_t)snprintf(text + n, size - n, " IPv4_address 10.%u.%u.1", i / 256,
				      i % 256);
	snprintf(text + n, size - n, " } } }");
	assert_int_equal(parse(c, text, &err), 0);
	assert_int_equal(c->filter.n_addrs, CTD_FILTER_ADDR_MAX);
	assert_int_equal(c->n_warnings, 1);
	assert_string_equal(c->warnings[0].msg, "too many IP in the ignore pool!");
	free(text);
}

/* Bytes the scanner cannot use never crash it, and an error names a line. */
static void test_binary_input(void **state)
{
	static const char bin[] = {'G', 'e', 'n',  'e',	 'r',	     'a', 'l',
				   ' ', '{', '\n', 0x01, (char)0x80, '"', '\\'};
	struct ctd_config_error err;

	(void)state;
	assert_int_equal(ctd_config_parse(cfg(), bin, sizeof(bin), &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg,
			    "parsing config file in line (2), symbol '\x01': syntax error");
	assert_int_equal(ctd_config_parse(cfg(), bin, 0, &err), 0);
}

/*
 * Types nested in Types are the one construct that can fill the reference's
 * parser stack (10000 states): it then stops with "memory exhausted",
 * observed as below for 1666 levels (6 states each).
 */
static void test_nesting_exhausted(void **state)
{
	static const char open[] = "Type ftp inet tcp {\n";
	size_t size = 16 + 2000 * (sizeof(open) + 2), n;
	char *text = malloc(size);
	struct ctd_config_error err;

	(void)state;
	assert_non_null(text);
	for (int levels = 1665; levels <= 1666; levels++) {
		n = (size_t)snprintf(text, size, "Helper {\n");
		for (int i = 0; i < levels; i++)
			n += (size_t)snprintf(text + n, size - n, "%s", open);
		for (int i = 0; i < levels; i++)
			n += (size_t)snprintf(text + n, size - n, "}\n");
		snprintf(text + n, size - n, "}\n");
		assert_int_equal(parse(cfg(), text, &err), -1);
		if (levels == 1665) /* parsed, but more helpers than ctkit holds */
			assert_string_equal(err.msg, "too many Helper Type sections (Maximum: 16)");
		else
			assert_string_equal(err.msg,
					    "parsing config file in line (1667), symbol '{': "
					    "memory exhausted");
	}
	free(text);
}

/* The shipped examples load, each in the mode its name says. */
static void test_examples(void **state)
{
	static const struct {
		const char *file;
		enum ctd_mode mode;
		enum ctd_sync_proto proto;
		enum ctd_link_kind link;
		unsigned int n_links;
	} ex[] = {
		{"ftfw-udp.conf", CTD_MODE_SYNC, CTD_SYNC_FTFW, CTD_LINK_UDP, 1},
		{"ftfw-multicast.conf", CTD_MODE_SYNC, CTD_SYNC_FTFW, CTD_LINK_MCAST, 2},
		{"notrack-tcp.conf", CTD_MODE_SYNC, CTD_SYNC_NOTRACK, CTD_LINK_TCP, 1},
		{"alarm-udp.conf", CTD_MODE_SYNC, CTD_SYNC_ALARM, CTD_LINK_UDP, 1},
		{"stats.conf", CTD_MODE_STATS, CTD_SYNC_FTFW, CTD_LINK_NONE, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		struct ctd_config *c = cfg();
		struct ctd_config_error err;
		char path[256];

		snprintf(path, sizeof(path), "contrib/conntrackd/%s", ex[i].file);
		if (ctd_config_load(c, path, &err))
			fail_msg("%s: %s", path, err.msg);
		assert_int_equal(c->mode, ex[i].mode);
		assert_int_equal(c->n_links, ex[i].n_links);
		if (ex[i].mode != CTD_MODE_SYNC)
			continue;
		assert_int_equal(c->sync_proto, ex[i].proto);
		assert_int_equal(c->links[c->default_link].kind, ex[i].link);
		assert_true(c->links[c->default_link].is_default);
		assert_string_equal(c->unix_path, "/var/run/conntrackd.ctl");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_ctkit_errors),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_path_limits),
		cmocka_unit_test(test_many_warnings),
		cmocka_unit_test(test_filter_full),
		cmocka_unit_test(test_binary_input),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_nesting_exhausted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
