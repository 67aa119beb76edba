// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_entry_parse: one IPCTNL_MSG_CT_* message into a struct ctk_entry.
 *
 * The entry is reused for every message of a dump, so only the presence
 * mask is cleared up front; each part is written in full (nests zeroed
 * first) when its attribute shows up. Every attribute is validated by its
 * policy before it is read, see attr.c.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/netlink.h>
#include "netlink/codec.h"

static const struct attr_policy ct_policy[CTKNL_CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = {MNL_TYPE_NESTED},
	[CTA_TUPLE_REPLY] = {MNL_TYPE_NESTED},
	[CTA_TUPLE_MASTER] = {MNL_TYPE_NESTED},
	[CTA_STATUS] = {MNL_TYPE_U32},
	[CTA_PROTOINFO] = {MNL_TYPE_NESTED},
	[CTA_HELP] = {MNL_TYPE_NESTED},
	[CTA_NAT_SRC] = {MNL_TYPE_NESTED},
	[CTA_NAT_DST] = {MNL_TYPE_NESTED},
	[CTA_TIMEOUT] = {MNL_TYPE_U32},
	[CTA_MARK] = {MNL_TYPE_U32},
	[CTA_COUNTERS_ORIG] = {MNL_TYPE_NESTED},
	[CTA_COUNTERS_REPLY] = {MNL_TYPE_NESTED},
	[CTA_USE] = {MNL_TYPE_U32},
	[CTA_ID] = {MNL_TYPE_U32},
	[CTA_SEQ_ADJ_ORIG] = {MNL_TYPE_NESTED},
	[CTA_SEQ_ADJ_REPLY] = {MNL_TYPE_NESTED},
	[CTA_SECMARK] = {MNL_TYPE_U32},
	[CTA_ZONE] = {MNL_TYPE_U16},
	[CTA_SECCTX] = {MNL_TYPE_NESTED},
	[CTA_TIMESTAMP] = {MNL_TYPE_NESTED},
	[CTA_LABELS] = {MNL_TYPE_BINARY},
	[CTA_LABELS_MASK] = {MNL_TYPE_BINARY},
	[CTA_SYNPROXY] = {MNL_TYPE_NESTED},
	[CTA_TIMESTAMP_EVENT] = {MNL_TYPE_U64},
};

static const struct attr_policy counters_policy[CTA_COUNTERS_MAX + 1] = {
	[CTA_COUNTERS_PACKETS] = {MNL_TYPE_U64},
	[CTA_COUNTERS_BYTES] = {MNL_TYPE_U64},
	[CTA_COUNTERS32_PACKETS] = {MNL_TYPE_U32},
	[CTA_COUNTERS32_BYTES] = {MNL_TYPE_U32},
};

/* CTA_SEQADJ_* and CTA_SYNPROXY_* alike: three u32 numbered 1..3. */
static const struct attr_policy three_u32_policy[4] = {
	[1] = {MNL_TYPE_U32},
	[2] = {MNL_TYPE_U32},
	[3] = {MNL_TYPE_U32},
};

static const struct attr_policy timestamp_policy[CTA_TIMESTAMP_MAX + 1] = {
	[CTA_TIMESTAMP_START] = {MNL_TYPE_U64},
	[CTA_TIMESTAMP_STOP] = {MNL_TYPE_U64},
};

/* CTA_HELP_NAME and CTA_SECCTX_NAME are both type 1. */
static const struct attr_policy name_policy[2] = {
	[1] = {MNL_TYPE_STRING},
};

struct parse_ctx {
	struct ctk_entry *e;
	uint8_t family;
};

static int counters_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_counters *c = data;

	switch (type) {
	case CTA_COUNTERS_PACKETS:
		c->packets = be64toh(attr_u64(attr));
		break;
	case CTA_COUNTERS_BYTES:
		c->bytes = be64toh(attr_u64(attr));
		break;
	case CTA_COUNTERS32_PACKETS:
		c->packets = ntohl(attr_u32(attr));
		break;
	case CTA_COUNTERS32_BYTES:
		c->bytes = ntohl(attr_u32(attr));
		break;
	}
	return 0;
}

static int three_u32_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	uint32_t *v = data;

	v[type - 1] = ntohl(attr_u32(attr));
	return 0;
}

static int timestamp_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_entry *e = data;
	uint64_t ns = be64toh(attr_u64(attr));

	if (type == CTA_TIMESTAMP_START) {
		e->ts_start = ns;
		ctk_entry_set(e, CTK_ATTR_TS_START);
	} else {
		e->ts_stop = ns;
		ctk_entry_set(e, CTK_ATTR_TS_STOP);
	}
	return 0;
}

struct name_dest {
	char *buf;
	size_t size;
	bool found;
};

static int name_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct name_dest *d = data;

	(void)type;
	ctknl_get_string(attr, d->buf, d->size);
	d->found = true;
	return 0;
}

static int parse_name(const struct nlattr *nest, char *buf, size_t size, struct ctk_entry *e,
		      enum ctk_attr bit)
{
	struct name_dest d = {buf, size, false};
	int ret = ctknl_walk_nested(nest, name_policy, 1, name_attr, &d);

	if (ret == 0 && d.found)
		ctk_entry_set(e, bit);
	return ret;
}

static int parse_counters(const struct nlattr *nest, struct ctk_entry *e, int dir,
			  enum ctk_attr bit)
{
	struct ctk_counters *c = &e->counters[dir];

	c->packets = c->bytes = 0;
	ctk_entry_set(e, bit);
	return ctknl_walk_nested(nest, counters_policy, CTA_COUNTERS_MAX, counters_attr, c);
}

static int parse_seqadj(const struct nlattr *nest, struct ctk_entry *e, int dir, enum ctk_attr bit)
{
	uint32_t v[3] = {0};
	int ret = ctknl_walk_nested(nest, three_u32_policy, 3, three_u32_attr, v);

	e->seqadj[dir].correction_pos = v[CTA_SEQADJ_CORRECTION_POS - 1];
	e->seqadj[dir].offset_before = v[CTA_SEQADJ_OFFSET_BEFORE - 1];
	e->seqadj[dir].offset_after = v[CTA_SEQADJ_OFFSET_AFTER - 1];
	ctk_entry_set(e, bit);
	return ret;
}

static int parse_synproxy(const struct nlattr *nest, struct ctk_entry *e)
{
	uint32_t v[3] = {0};
	int ret = ctknl_walk_nested(nest, three_u32_policy, 3, three_u32_attr, v);

	e->synproxy.isn = v[CTA_SYNPROXY_ISN - 1];
	e->synproxy.its = v[CTA_SYNPROXY_ITS - 1];
	e->synproxy.tsoff = v[CTA_SYNPROXY_TSOFF - 1];
	ctk_entry_set(e, CTK_ATTR_SYNPROXY);
	return ret;
}

/* Labels are a host-order bitmap of up to 128 bits; a shorter one is zero-extended. */
static void get_labels(const struct nlattr *attr, uint32_t *words)
{
	size_t len = mnl_attr_get_payload_len(attr);

	if (len > CTK_LABEL_WORDS * sizeof(uint32_t))
		len = CTK_LABEL_WORDS * sizeof(uint32_t);
	memset(words, 0, CTK_LABEL_WORDS * sizeof(uint32_t));
	memcpy(words, attr_payload(attr), len);
}

static int parse_tuple(const struct nlattr *nest, struct parse_ctx *ctx, struct ctk_tuple *t,
		       enum ctk_attr bit, uint16_t *zone, enum ctk_attr zone_bit)
{
	struct tuple_dest d = {.tuple = t, .zone = zone};
	int ret = ctknl_parse_tuple(nest, ctx->family, &d);

	ctk_entry_set(ctx->e, bit);
	if (d.has_zone)
		ctk_entry_set(ctx->e, zone_bit);
	return ret;
}

static int parse_nat(const struct nlattr *nest, struct ctk_entry *e, struct ctk_nat *nat,
		     enum ctk_attr bit)
{
	ctk_entry_set(e, bit);
	return ctknl_parse_nat(nest, nat);
}

static void get_u32(struct ctk_entry *e, const struct nlattr *attr, uint32_t *dst,
		    enum ctk_attr bit)
{
	*dst = ntohl(attr_u32(attr));
	ctk_entry_set(e, bit);
}

static int nest_attr(const struct nlattr *attr, uint16_t type, struct parse_ctx *ctx)
{
	struct ctk_entry *e = ctx->e;

	switch (type) {
	case CTA_TUPLE_ORIG:
		return parse_tuple(attr, ctx, &e->orig, CTK_ATTR_ORIG, &e->orig_zone,
				   CTK_ATTR_ORIG_ZONE);
	case CTA_TUPLE_REPLY:
		return parse_tuple(attr, ctx, &e->reply, CTK_ATTR_REPLY, &e->reply_zone,
				   CTK_ATTR_REPLY_ZONE);
	case CTA_TUPLE_MASTER:
		return parse_tuple(attr, ctx, &e->master, CTK_ATTR_MASTER, NULL, CTK_ATTR_MAX);
	case CTA_PROTOINFO:
		return ctknl_parse_protoinfo(attr, e);
	case CTA_HELP:
		return parse_name(attr, e->helper_name, sizeof(e->helper_name), e,
				  CTK_ATTR_HELPER_NAME);
	case CTA_SECCTX:
		return parse_name(attr, e->secctx, sizeof(e->secctx), e, CTK_ATTR_SECCTX);
	case CTA_NAT_SRC:
		return parse_nat(attr, e, &e->nat_src, CTK_ATTR_NAT_SRC);
	case CTA_NAT_DST:
		return parse_nat(attr, e, &e->nat_dst, CTK_ATTR_NAT_DST);
	case CTA_COUNTERS_ORIG:
		return parse_counters(attr, e, CTK_DIR_ORIG, CTK_ATTR_COUNTERS_ORIG);
	case CTA_COUNTERS_REPLY:
		return parse_counters(attr, e, CTK_DIR_REPLY, CTK_ATTR_COUNTERS_REPLY);
	case CTA_SEQ_ADJ_ORIG:
		return parse_seqadj(attr, e, CTK_DIR_ORIG, CTK_ATTR_SEQADJ_ORIG);
	case CTA_SEQ_ADJ_REPLY:
		return parse_seqadj(attr, e, CTK_DIR_REPLY, CTK_ATTR_SEQADJ_REPLY);
	case CTA_TIMESTAMP:
		return ctknl_walk_nested(attr, timestamp_policy, CTA_TIMESTAMP_MAX, timestamp_attr,
					 e);
	case CTA_SYNPROXY:
		return parse_synproxy(attr, e);
	}
	return 0;
}

static int ct_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct parse_ctx *ctx = data;
	struct ctk_entry *e = ctx->e;

	switch (type) {
	case CTA_STATUS:
		get_u32(e, attr, &e->status, CTK_ATTR_STATUS);
		break;
	case CTA_TIMEOUT:
		get_u32(e, attr, &e->timeout, CTK_ATTR_TIMEOUT);
		break;
	case CTA_MARK:
		get_u32(e, attr, &e->mark, CTK_ATTR_MARK);
		break;
	case CTA_SECMARK:
		get_u32(e, attr, &e->secmark, CTK_ATTR_SECMARK);
		break;
	case CTA_USE:
		get_u32(e, attr, &e->use, CTK_ATTR_USE);
		break;
	case CTA_ID:
		get_u32(e, attr, &e->id, CTK_ATTR_ID);
		break;
	case CTA_ZONE:
		e->zone = ntohs(attr_u16(attr));
		ctk_entry_set(e, CTK_ATTR_ZONE);
		break;
	case CTA_LABELS:
		get_labels(attr, e->labels);
		ctk_entry_set(e, CTK_ATTR_LABELS);
		break;
	case CTA_LABELS_MASK:
		get_labels(attr, e->labels_mask);
		ctk_entry_set(e, CTK_ATTR_LABELS_MASK);
		break;
	case CTA_TIMESTAMP_EVENT:
		e->ts_event = be64toh(attr_u64(attr));
		ctk_entry_set(e, CTK_ATTR_TS_EVENT);
		break;
	default:
		return nest_attr(attr, type, ctx);
	}
	return 0;
}

static enum ctk_event event_of(const struct nlmsghdr *nlh)
{
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case IPCTNL_MSG_CT_NEW:
		return nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL) ? CTK_EV_NEW : CTK_EV_UPDATE;
	case IPCTNL_MSG_CT_DELETE:
		return CTK_EV_DESTROY;
	}
	return CTK_EV_NONE;
}

int ctk_entry_parse(const struct nlmsghdr *nlh, struct ctk_entry *e, enum ctk_event *ev)
{
	const size_t hdrlen = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	const struct nfgenmsg *nfg;
	struct parse_ctx ctx = {.e = e};

	ctk_entry_clear(e);
	if (nlh->nlmsg_len < hdrlen || nlh->nlmsg_len > INT_MAX)
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	ctx.family = nfg->nfgen_family;
	if (ev)
		*ev = event_of(nlh);
	return ctknl_walk((const char *)nlh + hdrlen, nlh->nlmsg_len - hdrlen, ct_policy,
			  CTKNL_CTA_MAX, ct_attr, &ctx);
}
