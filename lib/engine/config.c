// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Engine configuration: the kernel's sysctls as one table of names,
 * places and ranges, so that defaults, the setter and the getter cannot
 * drift apart. Defaults and ranges are those of Linux 6.18
 * (Documentation/networking/nf_conntrack-sysctl.rst and the trackers).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>

#define KNOB(field, name, def, lo, hi) \
	{ "net.netfilter.nf_conntrack_" name, offsetof(struct ctk_engine_config, field), def, lo, hi }

static const struct knob {
	const char *name;	/* the full sysctl name */
	size_t offset;
	uint32_t def;
	uint32_t min;
	uint32_t max;
} knobs[] = {
	KNOB(tcp_timeout_syn_sent, "tcp_timeout_syn_sent", 120, 0, INT32_MAX),
	KNOB(tcp_timeout_syn_recv, "tcp_timeout_syn_recv", 60, 0, INT32_MAX),
	KNOB(tcp_timeout_established, "tcp_timeout_established", 432000, 0, INT32_MAX),
	KNOB(tcp_timeout_fin_wait, "tcp_timeout_fin_wait", 120, 0, INT32_MAX),
	KNOB(tcp_timeout_close_wait, "tcp_timeout_close_wait", 60, 0, INT32_MAX),
	KNOB(tcp_timeout_last_ack, "tcp_timeout_last_ack", 30, 0, INT32_MAX),
	KNOB(tcp_timeout_time_wait, "tcp_timeout_time_wait", 120, 0, INT32_MAX),
	KNOB(tcp_timeout_close, "tcp_timeout_close", 10, 0, INT32_MAX),
	KNOB(tcp_timeout_max_retrans, "tcp_timeout_max_retrans", 300, 0, INT32_MAX),
	KNOB(tcp_timeout_unacknowledged, "tcp_timeout_unacknowledged", 300, 0, INT32_MAX),
	KNOB(udp_timeout, "udp_timeout", 30, 0, INT32_MAX),
	KNOB(udp_timeout_stream, "udp_timeout_stream", 120, 0, INT32_MAX),
	KNOB(icmp_timeout, "icmp_timeout", 30, 0, INT32_MAX),
	KNOB(icmpv6_timeout, "icmpv6_timeout", 30, 0, INT32_MAX),
	KNOB(generic_timeout, "generic_timeout", 600, 0, INT32_MAX),
	KNOB(gre_timeout, "gre_timeout", 30, 0, INT32_MAX),
	KNOB(gre_timeout_stream, "gre_timeout_stream", 180, 0, INT32_MAX),
	KNOB(sctp_timeout_closed, "sctp_timeout_closed", 10, 0, INT32_MAX),
	KNOB(sctp_timeout_cookie_wait, "sctp_timeout_cookie_wait", 3, 0, INT32_MAX),
	KNOB(sctp_timeout_cookie_echoed, "sctp_timeout_cookie_echoed", 3, 0, INT32_MAX),
	KNOB(sctp_timeout_established, "sctp_timeout_established", 210, 0, INT32_MAX),
	KNOB(sctp_timeout_shutdown_sent, "sctp_timeout_shutdown_sent", 3, 0, INT32_MAX),
	KNOB(sctp_timeout_shutdown_recd, "sctp_timeout_shutdown_recd", 3, 0, INT32_MAX),
	KNOB(sctp_timeout_shutdown_ack_sent, "sctp_timeout_shutdown_ack_sent", 3, 0, INT32_MAX),
	KNOB(sctp_timeout_heartbeat_sent, "sctp_timeout_heartbeat_sent", 30, 0, INT32_MAX),
	/* The kernel's proc handlers clamp these booleans to 0..1. */
	KNOB(tcp_loose, "tcp_loose", 1, 0, 1),
	KNOB(tcp_be_liberal, "tcp_be_liberal", 0, 0, 1),
	KNOB(tcp_max_retrans, "tcp_max_retrans", 3, 0, 255),
	KNOB(tcp_ignore_invalid_rst, "tcp_ignore_invalid_rst", 0, 0, 1),
	KNOB(checksum, "checksum", 1, 0, 1),
	KNOB(acct, "acct", 0, 0, 1),
	KNOB(timestamp, "timestamp", 0, 0, 1),
	KNOB(events, "events", 1, 0, 2),
	/* 262144 buckets and max = buckets: a 64-bit machine with > 4 GiB. */
	KNOB(max, "max", 262144, 0, INT32_MAX),
	KNOB(buckets, "buckets", 262144, 1, 1u << 30),
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static uint32_t *knob_place(struct ctk_engine_config *cfg, const struct knob *k)
{
	return (uint32_t *)((char *)cfg + k->offset);
}

void ctk_engine_config_init(struct ctk_engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKNOBS; i++)
		*knob_place(cfg, &knobs[i]) = knobs[i].def;
}

/*
 * Accept "net.netfilter.X", "net/netfilter/X", plain "X" and the legacy
 * "net.nf_conntrack_max": normalise to the full dotted name, then compare.
 */
static const struct knob *find_knob(const char *name)
{
	static const char full_prefix[] = "net.netfilter.";
	char buf[128];
	const char *rest = name;
	size_t i;

	if (strncmp(name, "net.", 4) == 0 || strncmp(name, "net/", 4) == 0) {
		rest = name + 4;
		if (strncmp(rest, "netfilter", 9) == 0 && (rest[9] == '.' || rest[9] == '/'))
			rest += 10;
	}
	if (strlen(rest) + sizeof(full_prefix) > sizeof(buf))
		return NULL;
	strcpy(buf, full_prefix);
	strcat(buf, rest);
	for (i = 0; i < NKNOBS; i++)
		if (strcmp(buf, knobs[i].name) == 0)
			return &knobs[i];
	return NULL;
}

int ctk_engine_config_set(struct ctk_engine_config *cfg, const char *name, const char *value)
{
	const struct knob *k = find_knob(name);
	unsigned long long v;
	char *end;

	if (!k)
		return -ENOENT;
	if (!value || !*value || *value == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 0);
	while (*end == ' ' || *end == '\n' || *end == '\t')
		end++;
	if (errno || *end || v < k->min || v > k->max)
		return -EINVAL;
	*knob_place(cfg, k) = (uint32_t)v;
	return 0;
}

int ctk_engine_config_get(const struct ctk_engine_config *cfg, const char *name, uint64_t *value)
{
	const struct knob *k = find_knob(name);

	if (!k)
		return -ENOENT;
	*value = *knob_place((struct ctk_engine_config *)cfg, k);
	return 0;
}

const char *ctk_engine_config_name(unsigned int i)
{
	return i < NKNOBS ? knobs[i].name : NULL;
}
