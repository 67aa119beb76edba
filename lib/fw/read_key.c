// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Keys: what a match, map or statement reads from the packet, its
 * conntrack entry or its metadata, with the length and value type that
 * every value compared with it must have.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fw/read.h"

struct field_def {
	const char *proto;
	const char *name;
	enum fw_proto p;
	enum fw_field f;
	uint8_t len;
	uint8_t vt;
};

static const struct field_def fields[] = {
	{"ip", "version", FW_P_IP, FW_F_IP_VERSION, 1, FW_VT_INT},
	{"ip", "hdrlength", FW_P_IP, FW_F_IP_HDRLENGTH, 1, FW_VT_INT},
	{"ip", "dscp", FW_P_IP, FW_F_IP_DSCP, 1, FW_VT_DSCP},
	{"ip", "ecn", FW_P_IP, FW_F_IP_ECN, 1, FW_VT_ECN},
	{"ip", "length", FW_P_IP, FW_F_IP_LENGTH, 2, FW_VT_INT},
	{"ip", "id", FW_P_IP, FW_F_IP_ID, 2, FW_VT_INT},
	{"ip", "frag-off", FW_P_IP, FW_F_IP_FRAG_OFF, 2, FW_VT_INT},
	{"ip", "ttl", FW_P_IP, FW_F_IP_TTL, 1, FW_VT_INT},
	{"ip", "protocol", FW_P_IP, FW_F_IP_PROTOCOL, 1, FW_VT_L4PROTO},
	{"ip", "checksum", FW_P_IP, FW_F_IP_CHECKSUM, 2, FW_VT_INT},
	{"ip", "saddr", FW_P_IP, FW_F_IP_SADDR, 4, FW_VT_ADDR4},
	{"ip", "daddr", FW_P_IP, FW_F_IP_DADDR, 4, FW_VT_ADDR4},
	{"ip6", "version", FW_P_IP6, FW_F_IP6_VERSION, 1, FW_VT_INT},
	{"ip6", "dscp", FW_P_IP6, FW_F_IP6_DSCP, 1, FW_VT_DSCP},
	{"ip6", "ecn", FW_P_IP6, FW_F_IP6_ECN, 1, FW_VT_ECN},
	{"ip6", "flowlabel", FW_P_IP6, FW_F_IP6_FLOWLABEL, 4, FW_VT_INT},
	{"ip6", "length", FW_P_IP6, FW_F_IP6_LENGTH, 2, FW_VT_INT},
	{"ip6", "nexthdr", FW_P_IP6, FW_F_IP6_NEXTHDR, 1, FW_VT_L4PROTO},
	{"ip6", "hoplimit", FW_P_IP6, FW_F_IP6_HOPLIMIT, 1, FW_VT_INT},
	{"ip6", "saddr", FW_P_IP6, FW_F_IP6_SADDR, 16, FW_VT_ADDR6},
	{"ip6", "daddr", FW_P_IP6, FW_F_IP6_DADDR, 16, FW_VT_ADDR6},
	{"tcp", "sport", FW_P_TCP, FW_F_SPORT, 2, FW_VT_INT},
	{"tcp", "dport", FW_P_TCP, FW_F_DPORT, 2, FW_VT_INT},
	{"tcp", "sequence", FW_P_TCP, FW_F_TCP_SEQUENCE, 4, FW_VT_INT},
	{"tcp", "ackseq", FW_P_TCP, FW_F_TCP_ACKSEQ, 4, FW_VT_INT},
	{"tcp", "doff", FW_P_TCP, FW_F_TCP_DOFF, 1, FW_VT_INT},
	{"tcp", "flags", FW_P_TCP, FW_F_TCP_FLAGS, 1, FW_VT_TCPFLAGS},
	{"tcp", "window", FW_P_TCP, FW_F_TCP_WINDOW, 2, FW_VT_INT},
	{"tcp", "checksum", FW_P_TCP, FW_F_TCP_CHECKSUM, 2, FW_VT_INT},
	{"tcp", "urgptr", FW_P_TCP, FW_F_TCP_URGPTR, 2, FW_VT_INT},
	{"udp", "sport", FW_P_UDP, FW_F_SPORT, 2, FW_VT_INT},
	{"udp", "dport", FW_P_UDP, FW_F_DPORT, 2, FW_VT_INT},
	{"udp", "length", FW_P_UDP, FW_F_UDP_LENGTH, 2, FW_VT_INT},
	{"udp", "checksum", FW_P_UDP, FW_F_UDP_CHECKSUM, 2, FW_VT_INT},
	{"udplite", "sport", FW_P_UDPLITE, FW_F_SPORT, 2, FW_VT_INT},
	{"udplite", "dport", FW_P_UDPLITE, FW_F_DPORT, 2, FW_VT_INT},
	{"udplite", "checksum", FW_P_UDPLITE, FW_F_UDP_CHECKSUM, 2, FW_VT_INT},
	{"sctp", "sport", FW_P_SCTP, FW_F_SPORT, 2, FW_VT_INT},
	{"sctp", "dport", FW_P_SCTP, FW_F_DPORT, 2, FW_VT_INT},
	{"sctp", "vtag", FW_P_SCTP, FW_F_SCTP_VTAG, 4, FW_VT_INT},
	{"sctp", "checksum", FW_P_SCTP, FW_F_SCTP_CHECKSUM, 4, FW_VT_INT},
	{"th", "sport", FW_P_TH, FW_F_SPORT, 2, FW_VT_INT},
	{"th", "dport", FW_P_TH, FW_F_DPORT, 2, FW_VT_INT},
	{"icmp", "type", FW_P_ICMP, FW_F_ICMP_TYPE, 1, FW_VT_ICMPTYPE},
	{"icmp", "code", FW_P_ICMP, FW_F_ICMP_CODE, 1, FW_VT_ICMPCODE},
	{"icmp", "checksum", FW_P_ICMP, FW_F_ICMP_CHECKSUM, 2, FW_VT_INT},
	{"icmp", "id", FW_P_ICMP, FW_F_ICMP_ID, 2, FW_VT_INT},
	{"icmp", "sequence", FW_P_ICMP, FW_F_ICMP_SEQUENCE, 2, FW_VT_INT},
	{"icmp", "gateway", FW_P_ICMP, FW_F_ICMP_GATEWAY, 4, FW_VT_ADDR4},
	{"icmp", "mtu", FW_P_ICMP, FW_F_ICMP_MTU, 2, FW_VT_INT},
	{"icmpv6", "type", FW_P_ICMPV6, FW_F_ICMP_TYPE, 1, FW_VT_ICMP6TYPE},
	{"icmpv6", "code", FW_P_ICMPV6, FW_F_ICMP_CODE, 1, FW_VT_ICMP6CODE},
	{"icmpv6", "checksum", FW_P_ICMPV6, FW_F_ICMP_CHECKSUM, 2, FW_VT_INT},
	{"icmpv6", "id", FW_P_ICMPV6, FW_F_ICMP_ID, 2, FW_VT_INT},
	{"icmpv6", "sequence", FW_P_ICMPV6, FW_F_ICMP_SEQUENCE, 2, FW_VT_INT},
	{"icmpv6", "mtu", FW_P_ICMPV6, FW_F_ICMP_MTU, 4, FW_VT_INT},
};

struct name_def {
	const char *name;
	int id;
	uint8_t len;
	uint8_t vt;
};

static const struct name_def metas[] = {
	{"l4proto", FW_META_L4PROTO, 1, FW_VT_L4PROTO},
	{"nfproto", FW_META_NFPROTO, 1, FW_VT_NFPROTO},
	{"protocol", FW_META_PROTOCOL, 2, FW_VT_ETHERTYPE},
	{"mark", FW_META_MARK, 4, FW_VT_HEX},
	{"iifname", FW_META_IIFNAME, 16, FW_VT_IFNAME},
	{"oifname", FW_META_OIFNAME, 16, FW_VT_IFNAME},
	{"length", FW_META_LENGTH, 4, FW_VT_INT},
	{"pkttype", FW_META_PKTTYPE, 1, FW_VT_PKTTYPE},
	{"nftrace", FW_META_NFTRACE, 1, FW_VT_INT},
};

static const struct name_def cts[] = {
	{"state", FW_CT_STATE, 4, FW_VT_CTSTATE},
	{"direction", FW_CT_DIRECTION, 1, FW_VT_CTDIR},
	{"status", FW_CT_STATUS, 4, FW_VT_CTSTATUS},
	{"mark", FW_CT_MARK, 4, FW_VT_HEX},
	{"zone", FW_CT_ZONE, 2, FW_VT_INT},
	{"helper", FW_CT_HELPER, 16, FW_VT_STRING},
	{"l3proto", FW_CT_L3PROTO, 1, FW_VT_NFPROTO},
	{"protocol", FW_CT_PROTOCOL, 1, FW_VT_L4PROTO},
	{"proto-src", FW_CT_PROTO_SRC, 2, FW_VT_INT},
	{"proto-dst", FW_CT_PROTO_DST, 2, FW_VT_INT},
	{"expiration", FW_CT_EXPIRATION, 4, FW_VT_TIME},
	{"id", FW_CT_ID, 4, FW_VT_INT},
	{"saddr", FW_CT_SADDR, 0, FW_VT_ADDR4},
	{"daddr", FW_CT_DADDR, 0, FW_VT_ADDR4},
	{"ip saddr", FW_CT_SADDR, 4, FW_VT_ADDR4},
	{"ip daddr", FW_CT_DADDR, 4, FW_VT_ADDR4},
	{"ip6 saddr", FW_CT_SADDR, 16, FW_VT_ADDR6},
	{"ip6 daddr", FW_CT_DADDR, 16, FW_VT_ADDR6},
};

static const struct name_def *find_name(const struct name_def *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static const struct field_def *find_field(const char *proto, const char *name)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].proto, proto) && !strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

/* The value type of a key: kept beside the key's own fields by lookup. */
static uint8_t key_vt(const struct fw_key *k)
{
	switch (k->kind) {
	case FW_KEY_PAYLOAD:
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (fields[i].p == k->u.payload.proto && fields[i].f == k->u.payload.field)
				return fields[i].vt;
		return FW_VT_INT;
	case FW_KEY_META:
		for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++)
			if (metas[i].id == (int)k->u.meta)
				return metas[i].vt;
		return FW_VT_INT;
	case FW_KEY_CT:
		if (k->u.ct.key == FW_CT_SADDR || k->u.ct.key == FW_CT_DADDR)
			return k->len == 16 ? FW_VT_ADDR6 : FW_VT_ADDR4;
		for (size_t i = 0; i < sizeof(cts) / sizeof(cts[0]); i++)
			if (cts[i].id == (int)k->u.ct.key)
				return cts[i].vt;
		return FW_VT_INT;
	case FW_KEY_RAW:
		return FW_VT_RAW;
	default:
		return FW_VT_INT;
	}
}

unsigned int fw_key_len(const struct fw_key *k)
{
	unsigned int n = 0;

	switch (k->kind) {
	case FW_KEY_PAYLOAD: {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (fields[i].p == k->u.payload.proto && fields[i].f == k->u.payload.field)
				return fields[i].len;
		return 0;
	}
	case FW_KEY_META:
		for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++)
			if (metas[i].id == (int)k->u.meta)
				return metas[i].len;
		return 0;
	case FW_KEY_CT:
		if (k->u.ct.key == FW_CT_SADDR || k->u.ct.key == FW_CT_DADDR)
			return k->u.ct.family == 6 ? 16 : 4;
		for (size_t i = 0; i < sizeof(cts) / sizeof(cts[0]); i++)
			if (cts[i].id == (int)k->u.ct.key)
				return cts[i].len;
		return 0;
	case FW_KEY_CONCAT:
		for (unsigned int i = 0; i < k->u.concat.n; i++)
			n += fw_key_len(&k->u.concat.sub[i]);
		return n;
	case FW_KEY_RAW:
		return (k->u.raw.bits + 7u) / 8u;
	}
	return 0;
}

bool fw_vt_is_flags(uint8_t vt)
{
	return vt == FW_VT_CTSTATE || vt == FW_VT_CTSTATUS || vt == FW_VT_TCPFLAGS;
}

void fw_key_vdesc(const struct fw_key *k, struct fw_vdesc *d)
{
	memset(d, 0, sizeof(*d));
	if (k->kind != FW_KEY_CONCAT) {
		d->n = 1;
		d->vt[0] = key_vt(k);
		d->len[0] = k->len;
		return;
	}
	d->n = k->u.concat.n;
	for (unsigned int i = 0; i < d->n; i++) {
		d->vt[i] = key_vt(&k->u.concat.sub[i]);
		d->len[i] = k->u.concat.sub[i].len;
	}
}

void fw_key_release(struct fw_key *k)
{
	if (k->kind == FW_KEY_CONCAT) {
		for (unsigned int i = 0; i < k->u.concat.n; i++)
			fw_key_release(&k->u.concat.sub[i]);
		free(k->u.concat.sub);
		free(k->u.concat.words);
		k->u.concat.sub = NULL;
		k->u.concat.words = NULL;
		k->u.concat.n = 0;
	}
}

static int read_payload(struct fw_rd *rd, json_t *p, struct fw_key *k)
{
	const char *proto = json_string_value(json_object_get(p, "protocol"));
	const char *field = json_string_value(json_object_get(p, "field"));
	const char *base = json_string_value(json_object_get(p, "base"));
	const struct field_def *f;

	if (base) {
		json_t *off = json_object_get(p, "offset"), *len = json_object_get(p, "len");

		if (!json_is_integer(off) || !json_is_integer(len) ||
		    json_integer_value(len) <= 0 || json_integer_value(len) > 128 ||
		    json_integer_value(off) < 0 || json_integer_value(off) > 0xffff)
			return fw_err(rd, "raw payload expression needs an offset and a length");
		k->kind = FW_KEY_RAW;
		if (!strcmp(base, "ll"))
			/* the firewall path is given IP datagrams, not frames */
			return fw_err(rd, "\"@ll\" (link-layer) payload is not supported by the "
					  "offline firewall");
		else if (!strcmp(base, "nh"))
			k->u.raw.base = 1;
		else if (!strcmp(base, "th"))
			k->u.raw.base = 2;
		else
			return fw_err(
				rd,
				"raw payload base \"%s\" is not supported by the offline firewall",
				base);
		k->u.raw.offset = (uint16_t)json_integer_value(off);
		k->u.raw.bits = (uint16_t)json_integer_value(len);
		return 0;
	}
	if (!proto || !field)
		return fw_err(rd, "payload expression without protocol and field");
	f = find_field(proto, field);
	if (!f)
		return fw_err(rd, "\"%s %s\" is not supported by the offline firewall", proto,
			      field);
	k->kind = FW_KEY_PAYLOAD;
	k->u.payload.proto = f->p;
	k->u.payload.field = f->f;
	return 0;
}

static int read_meta(struct fw_rd *rd, json_t *m, struct fw_key *k)
{
	const char *key = json_string_value(json_object_get(m, "key"));
	const struct name_def *d;

	if (!key)
		return fw_err(rd, "meta expression without a key");
	/*
	 * nft resolved "iif lo" to an index on the live box, from the name the
	 * JSON still gives: offline, the name is what identifies the interface.
	 */
	if (!strcmp(key, "iif") || !strcmp(key, "oif"))
		key = key[0] == 'i' ? "iifname" : "oifname";
	d = find_name(metas, sizeof(metas) / sizeof(metas[0]), key);
	if (!d)
		return fw_err(rd, "\"meta %s\" is not supported by the offline firewall", key);
	k->kind = FW_KEY_META;
	k->u.meta = (enum fw_meta)d->id;
	return 0;
}

static int read_ct(struct fw_rd *rd, json_t *c, struct fw_key *k)
{
	const char *key = json_string_value(json_object_get(c, "key"));
	const char *dir = json_string_value(json_object_get(c, "dir"));
	const struct name_def *d;

	if (!key)
		return fw_err(rd, "ct expression without a key");
	d = find_name(cts, sizeof(cts) / sizeof(cts[0]), key);
	if (!d)
		return fw_err(rd, "\"ct %s\" is not supported by the offline firewall", key);
	k->kind = FW_KEY_CT;
	k->u.ct.key = (enum fw_ct_key)d->id;
	k->u.ct.dir = FW_DIR_NONE;
	if (dir && !strcmp(dir, "original"))
		k->u.ct.dir = FW_DIR_ORIGINAL;
	else if (dir && !strcmp(dir, "reply"))
		k->u.ct.dir = FW_DIR_REPLY;
	else if (dir)
		return fw_err(rd, "ct direction \"%s\" is unknown", dir);
	if (k->u.ct.key == FW_CT_SADDR || k->u.ct.key == FW_CT_DADDR) {
		if (d->len)
			k->u.ct.family = d->len == 16 ? 6 : 4;
		else if (rd->table->family == FW_FAMILY_IP)
			k->u.ct.family = 4;
		else if (rd->table->family == FW_FAMILY_IP6)
			k->u.ct.family = 6;
		else
			return fw_err(rd, "\"ct %s\" needs ip or ip6 in an inet table", key);
	}
	return 0;
}

static int read_concat(struct fw_rd *rd, json_t *a, struct fw_key *k)
{
	size_t n = json_array_size(a);

	if (!json_is_array(a) || n < 1 || n > FW_CONCAT_MAX)
		return fw_err(rd, "a concatenation has 1 to %d components", FW_CONCAT_MAX);
	k->kind = FW_KEY_CONCAT;
	k->u.concat.sub = calloc(n, sizeof(*k->u.concat.sub));
	if (!k->u.concat.sub)
		return -ENOMEM;
	k->u.concat.n = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(a, i);

		if (json_object_get(c, "concat"))
			return fw_err(rd, "nested concatenation");
		if (fw_read_key(rd, c, &k->u.concat.sub[i]) < 0)
			return -EINVAL;
	}
	return 0;
}

int fw_read_key(struct fw_rd *rd, json_t *j, struct fw_key *k)
{
	const char *name;
	json_t *v;
	int rc;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(j) || json_object_size(j) != 1)
		return fw_err(rd, "expected an expression to match on");
	name = json_object_iter_key(json_object_iter(j));
	v = json_object_iter_value(json_object_iter(j));
	if (!strcmp(name, "payload"))
		rc = read_payload(rd, v, k);
	else if (!strcmp(name, "meta"))
		rc = read_meta(rd, v, k);
	else if (!strcmp(name, "ct"))
		rc = read_ct(rd, v, k);
	else if (!strcmp(name, "concat"))
		rc = read_concat(rd, v, k);
	else
		return fw_unsupported(rd, name);
	if (rc < 0)
		return rc;
	k->len = (uint8_t)fw_key_len(k);
	if (!k->len || k->len > FW_VALUE_MAX)
		return fw_err(rd, "a key of %u bytes is not supported", fw_key_len(k));
	fw_key_quicken(k);
	return 0;
}
