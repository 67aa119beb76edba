// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Values: a JSON number, name, address or flag list turned into the
 * big-endian byte string of its key's length (fw/ir.h), and the ranges,
 * prefixes and concatenations made of them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include "fw/read.h"

struct sym {
	const char *name;
	uint32_t val;
};

#define N(t) (sizeof(t) / sizeof(t[0]))

static const struct sym l4protos[] = {
	{"icmp", 1},	{"igmp", 2},   {"tcp", 6},	 {"udp", 17},  {"ipv6-icmp", 58},
	{"icmpv6", 58}, {"sctp", 132}, {"udplite", 136}, {"gre", 47},  {"esp", 50},
	{"ah", 51},	{"dccp", 33},  {"ipip", 4},	 {"ipv6", 41}, {"comp", 108},
};
static const struct sym nfprotos[] = {{"ipv4", 2}, {"ipv6", 10}};
static const struct sym ethertypes[] = {
	{"ip", 0x0800}, {"ip6", 0x86dd}, {"arp", 0x0806}, {"vlan", 0x8100}, {"8021ad", 0x88a8},
};
static const struct sym pkttypes[] = {
	{"host", 0}, {"broadcast", 1}, {"multicast", 2}, {"other", 3}};
static const struct sym ctstates[] = {
	{"invalid", FW_CTSTATE_INVALID},     {"established", FW_CTSTATE_ESTABLISHED},
	{"related", FW_CTSTATE_RELATED},     {"new", FW_CTSTATE_NEW},
	{"untracked", FW_CTSTATE_UNTRACKED},
};
/* IPS_* bits of linux/netfilter/nf_conntrack_common.h under nft's names. */
static const struct sym ctstatus[] = {
	{"expected", 1u << 0},	{"seen-reply", 1u << 1}, {"assured", 1u << 2},
	{"confirmed", 1u << 3}, {"snat", 1u << 4},	 {"dnat", 1u << 5},
	{"dying", 1u << 9},
};
static const struct sym tcpflags[] = {
	{"fin", 0x01}, {"syn", 0x02}, {"rst", 0x04}, {"psh", 0x08},
	{"ack", 0x10}, {"urg", 0x20}, {"ecn", 0x40}, {"cwr", 0x80},
};
static const struct sym ctdirs[] = {{"original", 0}, {"reply", 1}};
static const struct sym icmptypes[] = {
	{"echo-reply", 0},	     {"destination-unreachable", 3},
	{"source-quench", 4},	     {"redirect", 5},
	{"echo-request", 8},	     {"router-advertisement", 9},
	{"router-solicitation", 10}, {"time-exceeded", 11},
	{"parameter-problem", 12},   {"timestamp-request", 13},
	{"timestamp-reply", 14},     {"info-request", 15},
	{"info-reply", 16},	     {"address-mask-request", 17},
	{"address-mask-reply", 18},
};
static const struct sym icmp6types[] = {
	{"destination-unreachable", 1}, {"packet-too-big", 2},
	{"time-exceeded", 3},		{"parameter-problem", 4},
	{"echo-request", 128},		{"echo-reply", 129},
	{"mld-listener-query", 130},	{"mld-listener-report", 131},
	{"mld-listener-done", 132},	{"mld-listener-reduction", 132},
	{"nd-router-solicit", 133},	{"nd-router-advert", 134},
	{"nd-neighbor-solicit", 135},	{"nd-neighbor-advert", 136},
	{"nd-redirect", 137},		{"router-renumbering", 138},
	{"ind-neighbor-solicit", 141},	{"ind-neighbor-advert", 142},
	{"mld2-listener-report", 143},
};
static const struct sym icmpcodes[] = {
	{"net-unreachable", 0},	 {"host-unreachable", 1},  {"prot-unreachable", 2},
	{"port-unreachable", 3}, {"frag-needed", 4},	   {"net-prohibited", 9},
	{"host-prohibited", 10}, {"admin-prohibited", 13},
};
static const struct sym icmp6codes[] = {
	{"no-route", 0},	 {"admin-prohibited", 1}, {"addr-unreachable", 3},
	{"port-unreachable", 4}, {"policy-fail", 5},	  {"reject-route", 6},
};
static const struct sym ecns[] = {
	{"not-ect", 0},
	{"ect1", 1},
	{"ect0", 2},
	{"ce", 3},
};
static const struct sym dscps[] = {
	{"cs0", 0},   {"cs1", 8},   {"cs2", 16},  {"cs3", 24},	{"cs4", 32},  {"cs5", 40},
	{"cs6", 48},  {"cs7", 56},  {"af11", 10}, {"af12", 12}, {"af13", 14}, {"af21", 18},
	{"af22", 20}, {"af23", 22}, {"af31", 26}, {"af32", 28}, {"af33", 30}, {"af41", 34},
	{"af42", 36}, {"af43", 38}, {"ef", 46},
};

static const struct {
	const struct sym *t;
	size_t n;
} symtabs[] = {
	[FW_VT_L4PROTO] = {l4protos, N(l4protos)},
	[FW_VT_NFPROTO] = {nfprotos, N(nfprotos)},
	[FW_VT_ETHERTYPE] = {ethertypes, N(ethertypes)},
	[FW_VT_PKTTYPE] = {pkttypes, N(pkttypes)},
	[FW_VT_CTSTATE] = {ctstates, N(ctstates)},
	[FW_VT_CTSTATUS] = {ctstatus, N(ctstatus)},
	[FW_VT_TCPFLAGS] = {tcpflags, N(tcpflags)},
	[FW_VT_CTDIR] = {ctdirs, N(ctdirs)},
	[FW_VT_ICMPTYPE] = {icmptypes, N(icmptypes)},
	[FW_VT_ICMP6TYPE] = {icmp6types, N(icmp6types)},
	[FW_VT_ICMPCODE] = {icmpcodes, N(icmpcodes)},
	[FW_VT_ICMP6CODE] = {icmp6codes, N(icmp6codes)},
	[FW_VT_DSCP] = {dscps, N(dscps)},
	[FW_VT_ECN] = {ecns, N(ecns)},
};

static void put_be(uint8_t *out, uint8_t len, uint64_t v)
{
	for (int i = len - 1; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static int put_number(struct fw_rd *rd, uint64_t v, uint8_t len, uint8_t *out)
{
	if (len < 8 && v >> (8 * len))
		return fw_err(rd, "value %llu does not fit in %u bytes", (unsigned long long)v,
			      len);
	if (len > 8)
		return fw_err(rd, "a number where a %u-byte value is expected", len);
	put_be(out, len, v);
	return 0;
}

static int lookup_sym(struct fw_rd *rd, uint8_t vt, const char *s, uint32_t *v)
{
	if (vt < N(symtabs) && symtabs[vt].t)
		for (size_t i = 0; i < symtabs[vt].n; i++)
			if (!strcmp(symtabs[vt].t[i].name, s)) {
				*v = symtabs[vt].t[i].val;
				return 0;
			}
	if (vt == FW_VT_L4PROTO) {
		/* nft names protocols from /etc/protocols ("ospf", "vrrp"): so do we. */
		struct protoent pe, *res = NULL;
		char buf[1024];

		if (!getprotobyname_r(s, &pe, buf, sizeof(buf), &res) && res && res->p_proto >= 0 &&
		    res->p_proto < 256) {
			*v = (uint32_t)res->p_proto;
			return 0;
		}
	}
	return fw_err(rd, "unknown value \"%s\"", s);
}

static int read_string(struct fw_rd *rd, const char *s, uint8_t vt, uint8_t len, uint8_t *out)
{
	uint32_t v;

	switch (vt) {
	case FW_VT_ADDR4:
	case FW_VT_ADDR6:
		if (len != (vt == FW_VT_ADDR4 ? 4 : 16) ||
		    inet_pton(vt == FW_VT_ADDR4 ? AF_INET : AF_INET6, s, out) != 1)
			return fw_err(rd, "\"%s\" is not an IPv%c address", s,
				      vt == FW_VT_ADDR4 ? '4' : '6');
		return 0;
	case FW_VT_IFNAME:
	case FW_VT_STRING:
		if (strlen(s) >= len)
			return fw_err(rd, "name \"%s\" is longer than %u bytes", s, len - 1u);
		memset(out, 0, len);
		memcpy(out, s, strlen(s));
		return 0;
	default:
		if (lookup_sym(rd, vt, s, &v) < 0)
			return -EINVAL;
		return put_number(rd, v, len, out);
	}
}

int fw_read_scalar(struct fw_rd *rd, json_t *j, uint8_t vt, uint8_t len, uint8_t *out)
{
	if (json_is_integer(j)) {
		if (json_integer_value(j) < 0)
			return fw_err(rd, "negative value");
		/* nft writes times in seconds; the IR's ct expiration is in ms. */
		return put_number(rd,
				  (uint64_t)json_integer_value(j) * (vt == FW_VT_TIME ? 1000 : 1),
				  len, out);
	}
	if (json_is_string(j))
		return read_string(rd, json_string_value(j), vt, len, out);
	if (json_is_array(j) && fw_vt_is_flags(vt)) {
		uint64_t bits = 0;
		uint32_t v;
		size_t i;
		json_t *f;

		json_array_foreach(j, i, f)
		{
			if (!json_is_string(f) || lookup_sym(rd, vt, json_string_value(f), &v) < 0)
				return fw_err(rd, "a flag list holds flag names");
			bits |= v;
		}
		return put_number(rd, bits, len, out);
	}
	return fw_err(rd, "unexpected value");
}

/* A prefix "addr/len" as the range of addresses it covers. */
static int read_prefix(struct fw_rd *rd, json_t *p, uint8_t vt, uint8_t len, uint8_t *lo,
		       uint8_t *hi)
{
	json_t *plen = json_object_get(p, "len");
	long long bits;

	if (fw_read_scalar(rd, json_object_get(p, "addr"), vt, len, lo) < 0)
		return -EINVAL;
	bits = json_integer_value(plen);
	if (!json_is_integer(plen) || bits < 0 || bits > 8 * len)
		return fw_err(rd, "bad prefix length");
	for (unsigned int i = 0; i < len; i++) {
		long long keep = bits - 8 * (long long)i;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff00 >> keep);

		lo[i] &= mask;
		hi[i] = lo[i] | (uint8_t)~mask;
	}
	return 0;
}

/* One component: a value, a prefix or a range; @lo and @hi filled. */
static int read_component(struct fw_rd *rd, json_t *j, uint8_t vt, uint8_t len, uint8_t *lo,
			  uint8_t *hi)
{
	json_t *x;

	if (json_is_object(j) && (x = json_object_get(j, "prefix")))
		return read_prefix(rd, x, vt, len, lo, hi);
	if (json_is_object(j) && (x = json_object_get(j, "range"))) {
		if (json_array_size(x) != 2 ||
		    fw_read_scalar(rd, json_array_get(x, 0), vt, len, lo) < 0 ||
		    fw_read_scalar(rd, json_array_get(x, 1), vt, len, hi) < 0)
			return fw_err(rd, "bad range");
		if (memcmp(lo, hi, len) > 0)
			return fw_err(rd, "range ends before it starts");
		return 0;
	}
	if (vt == FW_VT_IFNAME && json_is_string(j) && json_string_length(j) &&
	    json_string_length(j) <= len &&
	    json_string_value(j)[json_string_length(j) - 1] == '*') {
		/* "eth*": every name that starts so, as the range eth\0.. to eth\xff.. */
		size_t n = json_string_length(j) - 1;

		memset(lo, 0, len);
		memset(hi, 0xff, len);
		memcpy(lo, json_string_value(j), n);
		memcpy(hi, json_string_value(j), n);
		return 0;
	}
	if (fw_read_scalar(rd, j, vt, len, lo) < 0)
		return -EINVAL;
	memcpy(hi, lo, len);
	return 0;
}

int fw_read_range(struct fw_rd *rd, json_t *j, const struct fw_vdesc *d, struct fw_value *lo,
		  struct fw_value *hi)
{
	json_t *c = json_is_object(j) ? json_object_get(j, "concat") : NULL;
	unsigned int off = 0;

	memset(lo, 0, sizeof(*lo));
	memset(hi, 0, sizeof(*hi));
	if (!c && d->n == 1) {
		lo->len = hi->len = d->len[0];
		return read_component(rd, j, d->vt[0], d->len[0], lo->bytes, hi->bytes);
	}
	if (!c || json_array_size(c) != d->n)
		return fw_err(rd, "a value of %u concatenated components is expected", d->n);
	for (unsigned int i = 0; i < d->n; i++) {
		if (read_component(rd, json_array_get(c, i), d->vt[i], d->len[i], lo->bytes + off,
				   hi->bytes + off) < 0)
			return -EINVAL;
		off += d->len[i];
	}
	lo->len = hi->len = (uint8_t)off;
	return 0;
}

int fw_read_const(struct fw_rd *rd, json_t *j, const struct fw_vdesc *d, struct fw_value *v)
{
	struct fw_value hi;

	if (fw_read_range(rd, j, d, v, &hi) < 0)
		return -EINVAL;
	if (memcmp(v->bytes, hi.bytes, v->len))
		return fw_err(rd, "a single value is expected here, not a range or prefix");
	return 0;
}

static const struct {
	const char *name;
	uint8_t vt, len;
} types[] = {
	{"ipv4_addr", FW_VT_ADDR4, 4},
	{"ipv6_addr", FW_VT_ADDR6, 16},
	{"inet_service", FW_VT_INT, 2},
	{"inet_proto", FW_VT_L4PROTO, 1},
	{"mark", FW_VT_HEX, 4},
	{"ifname", FW_VT_IFNAME, 16},
	{"ct_state", FW_VT_CTSTATE, 4},
	{"ct_status", FW_VT_CTSTATUS, 4},
	{"ct_dir", FW_VT_CTDIR, 1},
	{"nf_proto", FW_VT_NFPROTO, 1},
	{"ether_type", FW_VT_ETHERTYPE, 2},
	{"pkt_type", FW_VT_PKTTYPE, 1},
	{"icmp_type", FW_VT_ICMPTYPE, 1},
	{"icmpv6_type", FW_VT_ICMP6TYPE, 1},
	{"icmp_code", FW_VT_ICMPCODE, 1},
	{"icmpv6_code", FW_VT_ICMP6CODE, 1},
	{"tcp_flag", FW_VT_TCPFLAGS, 1},
	{"dscp", FW_VT_DSCP, 1},
	{"integer", FW_VT_UNKNOWN, 0},
	{"time", FW_VT_TIME, 4},
};

static int one_type(struct fw_rd *rd, const char *name, struct fw_vdesc *d)
{
	for (size_t i = 0; i < N(types); i++)
		if (!strcmp(types[i].name, name)) {
			if (d->n >= FW_CONCAT_MAX)
				return fw_err(rd, "too many concatenated types");
			d->vt[d->n] = types[i].vt;
			d->len[d->n] = types[i].len;
			d->n++;
			return 0;
		}
	return fw_err(rd, "set type \"%s\" is not supported by the offline firewall", name);
}

/* A set's "type": a name, a list of names, or "a . b" (map data). */
int fw_type_vdesc(struct fw_rd *rd, json_t *type, struct fw_vdesc *d)
{
	memset(d, 0, sizeof(*d));
	if (json_is_array(type)) {
		size_t i;
		json_t *t;

		json_array_foreach(type, i, t)
		{
			if (!json_is_string(t) || one_type(rd, json_string_value(t), d) < 0)
				return -EINVAL;
		}
		return d->n ? 0 : fw_err(rd, "empty set type");
	}
	if (!json_is_string(type))
		return fw_err(rd, "set without a type");
	{
		char buf[256], *save = NULL, *tok;

		if (strlen(json_string_value(type)) >= sizeof(buf))
			return fw_err(rd, "set type too long");
		strcpy(buf, json_string_value(type));
		for (tok = strtok_r(buf, " .", &save); tok; tok = strtok_r(NULL, " .", &save))
			if (one_type(rd, tok, d) < 0)
				return -EINVAL;
	}
	return d->n ? 0 : fw_err(rd, "empty set type");
}
