// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a key: a header field, the packet's metadata or its conntrack
 * entry, as nft's payload, meta and ct expressions load their register.
 * A key without a value (a port of a non-first fragment, `ct mark` of a
 * packet without an entry, a field of another protocol) ends the rule as
 * NFT_BREAK does: the caller sees false.
 *
 * Fields narrower than a byte yield their value shifted down (`ip dscp`
 * 0..63), in whole bytes, big-endian like every value of lib/fw/ir.h.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "fw/fw_priv.h"

struct field_loc {
	uint16_t off;		/* bits from the header's start */
	uint16_t bits;
};

static const struct field_loc fields[] = {
	[FW_F_IP_VERSION] = { 0, 4 },	  [FW_F_IP_HDRLENGTH] = { 4, 4 },
	[FW_F_IP_DSCP] = { 8, 6 },	  [FW_F_IP_ECN] = { 14, 2 },
	[FW_F_IP_LENGTH] = { 16, 16 },	  [FW_F_IP_ID] = { 32, 16 },
	[FW_F_IP_FRAG_OFF] = { 48, 16 },  [FW_F_IP_TTL] = { 64, 8 },
	[FW_F_IP_PROTOCOL] = { 72, 8 },	  [FW_F_IP_CHECKSUM] = { 80, 16 },
	[FW_F_IP_SADDR] = { 96, 32 },	  [FW_F_IP_DADDR] = { 128, 32 },
	[FW_F_IP6_VERSION] = { 0, 4 },	  [FW_F_IP6_DSCP] = { 4, 6 },
	[FW_F_IP6_ECN] = { 10, 2 },	  [FW_F_IP6_FLOWLABEL] = { 12, 20 },
	[FW_F_IP6_LENGTH] = { 32, 16 },	  [FW_F_IP6_NEXTHDR] = { 48, 8 },
	[FW_F_IP6_HOPLIMIT] = { 56, 8 },  [FW_F_IP6_SADDR] = { 64, 128 },
	[FW_F_IP6_DADDR] = { 192, 128 },  [FW_F_SPORT] = { 0, 16 },
	[FW_F_DPORT] = { 16, 16 },	  [FW_F_TCP_SEQUENCE] = { 32, 32 },
	[FW_F_TCP_ACKSEQ] = { 64, 32 },	  [FW_F_TCP_DOFF] = { 96, 4 },
	[FW_F_TCP_FLAGS] = { 104, 8 },	  [FW_F_TCP_WINDOW] = { 112, 16 },
	[FW_F_TCP_CHECKSUM] = { 128, 16 }, [FW_F_TCP_URGPTR] = { 144, 16 },
	[FW_F_UDP_LENGTH] = { 32, 16 },	  [FW_F_UDP_CHECKSUM] = { 48, 16 },
	[FW_F_ICMP_TYPE] = { 0, 8 },	  [FW_F_ICMP_CODE] = { 8, 8 },
	[FW_F_ICMP_CHECKSUM] = { 16, 16 }, [FW_F_ICMP_ID] = { 32, 16 },
	[FW_F_ICMP_SEQUENCE] = { 48, 16 }, [FW_F_ICMP_GATEWAY] = { 32, 32 },
	[FW_F_ICMP_MTU] = { 48, 16 },	  [FW_F_SCTP_VTAG] = { 32, 32 },
	[FW_F_SCTP_CHECKSUM] = { 64, 32 },
};

bool fw_field_loc(enum fw_field f, unsigned int *off, unsigned int *bits)
{
	if ((unsigned int)f >= sizeof(fields) / sizeof(fields[0]) || !fields[f].bits)
		return false;
	*off = fields[f].off;
	*bits = fields[f].bits;
	return true;
}

static bool put_uint(struct fw_value *out, uint64_t v, unsigned int bytes)
{
	out->len = (uint8_t)bytes;
	for (unsigned int i = 0; i < bytes; i++)
		out->bytes[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return true;
}

/* @bits bits at bit @off of @base (@avail bytes), right-aligned. */
static inline __attribute__((always_inline)) bool load_bits(const uint8_t *base, uint32_t avail, unsigned int off, unsigned int bits,
		      struct fw_value *out)
{
	unsigned int first = off / 8, last = (off + bits - 1) / 8;
	uint64_t v = 0;

	if (last >= avail)
		return false;
	if (off % 8 == 0 && bits % 8 == 0) {
		/* the common case: whole bytes; a loop, not a libc call, for 1-16 of them */
		out->len = (uint8_t)(bits / 8);
		for (unsigned int i = 0; i < out->len; i++)
			out->bytes[i] = base[first + i];
		return true;
	}
	for (unsigned int i = first; i <= last; i++)
		v = v << 8 | base[i];
	v >>= (last + 1) * 8 - (off + bits);
	v &= (bits >= 64) ? ~0ull : ((1ull << bits) - 1);
	return put_uint(out, v, (bits + 7) / 8);
}

static bool payload(const struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	const struct fw_hdrs *h = &x->h;
	const struct field_loc *f = &fields[k->u.payload.field];
	enum fw_proto p = k->u.payload.proto;
	uint8_t l4;

	if (p == FW_P_IP || p == FW_P_IP6) {
		if (h->family != (p == FW_P_IP ? 4 : 6))
			return false;
		return load_bits(h->l3, h->len, f->off, f->bits, out);
	}
	/* nft's implicit dependency: the protocol the header belongs to */
	l4 = fw_proto_l4(p);
	if (!h->l4off || (l4 && h->l4proto != l4))
		return false;
	if (fw_proto_family(p) && h->family != fw_proto_family(p))
		return false;
	return load_bits(h->l3 + h->l4off, h->len - h->l4off, f->off, f->bits, out);
}

static bool raw(const struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	const struct fw_hdrs *h = &x->h;

	switch (k->u.raw.base) {
	case 1:
		return load_bits(h->l3, h->len, k->u.raw.offset, k->u.raw.bits, out);
	case 2:
		if (!h->l4off)
			return false;
		return load_bits(h->l3 + h->l4off, h->len - h->l4off, k->u.raw.offset,
				 k->u.raw.bits, out);
	default:
		return false;	/* the link layer is not in the datagram */
	}
}

static bool ifname(struct fw_ctx *x, unsigned int which, const char *name, bool known,
		   struct fw_value *out)
{
	struct fw_value *k = &x->ifkey[which];

	if (!x->ifkey_ok[which]) {
		k->len = 16;
		memset(k->bytes, 0, 16);
		if (known && !name) {
			x->error = -ENXIO;
			return false;
		}
		/* no such device at this hook: nft stores "" */
		if (known)
			strncpy((char *)k->bytes, name, 15);
		x->ifkey_ok[which] = true;
	}
	*out = *k;
	return true;
}

static uint8_t pkttype(const struct fw_hdrs *h)
{
	if (h->family == 4) {
		if (h->l3[16] >= 224 && h->l3[16] < 240)
			return 2;
		return h->l3[16] == 255 && h->l3[17] == 255 && h->l3[18] == 255 &&
		       h->l3[19] == 255;
	}
	return h->l3[24] == 0xff ? 2 : 0;
}

static bool meta(struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	const struct fw_hdrs *h = &x->h;
	bool in = !x->v->path_local_out;	/* a packet the firewall sends has no iif */
	bool outdev = x->hook == FW_HOOK_FORWARD || x->hook == FW_HOOK_OUTPUT ||
		      x->hook == FW_HOOK_POSTROUTING;

	switch (k->u.meta) {
	case FW_META_L4PROTO:
		return put_uint(out, h->l4proto, 1);
	case FW_META_NFPROTO:
		return put_uint(out, h->family == 4 ? 2 : 10, 1);
	case FW_META_PROTOCOL:
		return put_uint(out, h->family == 4 ? 0x0800 : 0x86dd, 2);
	case FW_META_MARK:
		return put_uint(out, x->meta_mark, 4);
	case FW_META_IIFNAME:
		return ifname(x, 0, x->iifname, in, out);
	case FW_META_OIFNAME:
		if (x->routed) {
			/* routing was decided after dstnat: the destination now is the one routed */
			const uint8_t *d = h->l3 + (h->family == 4 ? 16 : 24);
			const char *oif = fw_route_lookup(x->fw, h->family, d);

			if (oif)
				x->oifname = oif;
			x->routed = false;
		}
		return ifname(x, 1, x->oifname, outdev, out);
	case FW_META_LENGTH:
		return put_uint(out, h->len, 4);
	case FW_META_PKTTYPE:
		return put_uint(out, pkttype(h), 1);
	case FW_META_NFTRACE:
		return put_uint(out, 0, 1);
	case FW_META_IIF:
	case FW_META_OIF:
		x->error = -ENXIO;	/* a capture has no interface indexes */
		return false;
	}
	return false;
}

uint32_t fw_ct_state_bit(const struct fw_ctx *x)
{
	const struct ctk_verdict *ct = &x->v->ct;

	if (x->notrack)
		return FW_CTSTATE_UNTRACKED;
	if (!x->ct_done || !ct->conn)
		return FW_CTSTATE_INVALID;
	switch (ct->state) {
	case CTK_CT_NEW:
		return FW_CTSTATE_NEW;
	case CTK_CT_ESTABLISHED:
		return FW_CTSTATE_ESTABLISHED;
	case CTK_CT_RELATED:
		return FW_CTSTATE_RELATED;
	default:
		return FW_CTSTATE_INVALID;
	}
}

static bool ct_tuple_key(const struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	const struct ctk_verdict *ct = &x->v->ct;
	enum ctk_dir dir = ct->dir;
	struct ctk_tuple t;
	unsigned int alen;

	if (k->u.ct.dir == FW_DIR_ORIGINAL)
		dir = CTK_DIR_ORIG;
	else if (k->u.ct.dir == FW_DIR_REPLY)
		dir = CTK_DIR_REPLY;
	ctk_engine_conn_tuple(x->fw->eng, ct->conn, dir, &t);
	alen = t.l3num == AF_INET ? 4 : 16;
	switch (k->u.ct.key) {
	case FW_CT_SADDR:
	case FW_CT_DADDR:
		if (k->u.ct.family && k->u.ct.family != (alen == 4 ? 4 : 6))
			return false;
		out->len = (uint8_t)alen;
		memcpy(out->bytes, (k->u.ct.key == FW_CT_SADDR ? &t.src : &t.dst)->byte, alen);
		return true;
	case FW_CT_PROTO_SRC:
		return put_uint(out, t.sport, 2);
	default:
		return put_uint(out, t.dport, 2);
	}
}

static bool ct(struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	const struct ctk_verdict *v = &x->v->ct;
	struct ctk_engine *eng = x->fw->eng;
	struct ctk_tuple t;

	if (k->u.ct.key == FW_CT_STATE)
		return put_uint(out, fw_ct_state_bit(x), 4);
	if (!x->ct_done || x->notrack || !v->conn)
		return false;
	switch (k->u.ct.key) {
	case FW_CT_DIRECTION:
		return put_uint(out, v->dir == CTK_DIR_REPLY, 1);
	case FW_CT_STATUS:
		return put_uint(out, ctk_engine_conn_status(eng, v->conn), 4);
	case FW_CT_MARK:
		return put_uint(out, ctk_engine_conn_mark(eng, v->conn), 4);
	case FW_CT_ZONE:
		return put_uint(out, ctk_engine_conn_zone(eng, v->conn), 2);
	case FW_CT_HELPER: {
		const char *name = ctk_engine_conn_helper(eng, v->conn);

		if (!name[0])
			return false;
		out->len = 16;
		memset(out->bytes, 0, 16);
		strncpy((char *)out->bytes, name, 15);
		return true;
	}
	case FW_CT_L3PROTO:
		return put_uint(out, v->tuple.l3num == AF_INET ? 2 : 10, 1);
	case FW_CT_PROTOCOL:
		ctk_engine_conn_tuple(eng, v->conn, CTK_DIR_ORIG, &t);
		return put_uint(out, t.l4num, 1);
	case FW_CT_SADDR:
	case FW_CT_DADDR:
	case FW_CT_PROTO_SRC:
	case FW_CT_PROTO_DST:
		return ct_tuple_key(x, k, out);
	case FW_CT_EXPIRATION:
		return put_uint(out, ctk_engine_conn_expires_ms(eng, v->conn, x->now), 4);
	case FW_CT_ID:
		/* the engine's id: a ruleset naming ids of the live box cannot match offline */
		return put_uint(out, ctk_engine_conn_handle(v->conn).generation, 4);
	default:
		return false;	/* the reader refuses the others */
	}
}

/* A concatenation of words (fw_key_quicken()): each read straight into place. */
static bool concat_words(const struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	out->len = 0;
	for (unsigned int i = 0; i < k->u.concat.n; i++) {
		const struct fw_quick *q = &k->u.concat.words[i];
		uint32_t v;

		if (!fw_quick_read(x, q, &v))
			return false;
		for (unsigned int b = 0; b < q->len; b++)
			out->bytes[out->len + b] = (uint8_t)(v >> (8 * (q->len - 1 - b)));
		out->len = (uint8_t)(out->len + q->len);
	}
	return true;
}

static bool concat(struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	struct fw_value part;

	if (k->u.concat.words)
		return concat_words(x, k, out);
	out->len = 0;
	for (unsigned int i = 0; i < k->u.concat.n; i++) {
		if (!fw_key_eval(x, &k->u.concat.sub[i], &part) ||
		    out->len + part.len > FW_VALUE_MAX)
			return false;
		memcpy(out->bytes + out->len, part.bytes, part.len);
		out->len = (uint8_t)(out->len + part.len);
	}
	return true;
}

bool fw_key_eval(struct fw_ctx *x, const struct fw_key *k, struct fw_value *out)
{
	switch (k->kind) {
	case FW_KEY_PAYLOAD:
		return payload(x, k, out);
	case FW_KEY_META:
		return meta(x, k, out);
	case FW_KEY_CT:
		return ct(x, k, out);
	case FW_KEY_CONCAT:
		return concat(x, k, out);
	case FW_KEY_RAW:
		return raw(x, k, out);
	}
	return false;
}
