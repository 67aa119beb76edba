// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_entry_put: a struct ctk_entry into ctnetlink attributes, in the
 * order libnetfilter_conntrack 1.0.9 sends them, so that a request is the
 * same on the wire as the reference's. Every put is bounds-checked: a
 * buffer that is too small gives -EMSGSIZE (the message is then garbage).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/netlink.h>
#include "netlink/codec.h"

struct nlmsghdr *ctknl_nfnl_msg(char *buf, uint8_t subsys, uint16_t msg_type, uint16_t flags,
				uint32_t seq, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(subsys << 8) | msg_type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

struct nlmsghdr *ctk_entry_nlmsg(char *buf, uint16_t msg_type, uint16_t flags, uint32_t seq,
			      uint8_t family)
{
	return ctknl_nfnl_msg(buf, NFNL_SUBSYS_CTNETLINK, msg_type, flags, seq, family);
}

static bool put_u32(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e,
		    enum ctk_attr bit, uint16_t type, uint32_t v)
{
	return !ctk_entry_has(e, bit) || mnl_attr_put_u32_check(nlh, buflen, type, htonl(v));
}

static bool put_tuples(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	const uint16_t *oz = ctk_entry_has(e, CTK_ATTR_ORIG_ZONE) ? &e->orig_zone : NULL;
	const uint16_t *rz = ctk_entry_has(e, CTK_ATTR_REPLY_ZONE) ? &e->reply_zone : NULL;

	if (ctk_entry_has(e, CTK_ATTR_ORIG) &&
	    !ctknl_put_tuple(nlh, buflen, CTA_TUPLE_ORIG, &e->orig, oz))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_REPLY) &&
	    !ctknl_put_tuple(nlh, buflen, CTA_TUPLE_REPLY, &e->reply, rz))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_MASTER) &&
	    !ctknl_put_tuple(nlh, buflen, CTA_TUPLE_MASTER, &e->master, NULL))
		return false;
	return true;
}

/*
 * The kernel refuses (EBUSY) a status that would clear IPS_CONFIRMED of an
 * existing entry, so the reference always sends the bit: so do we.
 */
static bool put_meta(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	return put_u32(nlh, buflen, e, CTK_ATTR_STATUS, CTA_STATUS, e->status | IPS_CONFIRMED) &&
	       put_u32(nlh, buflen, e, CTK_ATTR_TIMEOUT, CTA_TIMEOUT, e->timeout) &&
	       put_u32(nlh, buflen, e, CTK_ATTR_MARK, CTA_MARK, e->mark) &&
	       put_u32(nlh, buflen, e, CTK_ATTR_SECMARK, CTA_SECMARK, e->secmark);
}

/* The NAT address family is the connection's: orig tuple first. */
static uint8_t l3num_of(const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_ORIG))
		return e->orig.l3num;
	return e->reply.l3num;
}

static bool put_nat(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_NAT_SRC) &&
	    !ctknl_put_nat(nlh, buflen, CTA_NAT_SRC, &e->nat_src, l3num_of(e)))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_NAT_DST) &&
	    !ctknl_put_nat(nlh, buflen, CTA_NAT_DST, &e->nat_dst, l3num_of(e)))
		return false;
	return true;
}

static bool put_three_u32(struct nlmsghdr *nlh, size_t buflen, uint16_t type, uint32_t a,
			  uint32_t b, uint32_t c)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, 1, htonl(a)) ||
	    !mnl_attr_put_u32_check(nlh, buflen, 2, htonl(b)) ||
	    !mnl_attr_put_u32_check(nlh, buflen, 3, htonl(c)))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool put_seqadj(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e, int dir,
		       enum ctk_attr bit, uint16_t type)
{
	const struct ctk_seqadj *s = &e->seqadj[dir];

	return !ctk_entry_has(e, bit) || put_three_u32(nlh, buflen, type, s->correction_pos,
						       s->offset_before, s->offset_after);
}

static bool put_helper(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	struct nlattr *nest;
	char name[CTK_HELPER_NAME_MAX];

	if (!ctk_entry_has(e, CTK_ATTR_HELPER_NAME))
		return true;
	/* The caller's buffer need not be terminated: bound it. */
	strncpy(name, e->helper_name, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	nest = mnl_attr_nest_start_check(nlh, buflen, CTA_HELP);
	if (!nest || !mnl_attr_put_strz_check(nlh, buflen, CTA_HELP_NAME, name))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* The kernel wants the mask exactly as long as the labels. */
static bool put_labels(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (!ctk_entry_has(e, CTK_ATTR_LABELS))
		return true;
	if (!mnl_attr_put_check(nlh, buflen, CTA_LABELS, sizeof(e->labels), e->labels))
		return false;
	return !ctk_entry_has(e, CTK_ATTR_LABELS_MASK) ||
	       mnl_attr_put_check(nlh, buflen, CTA_LABELS_MASK, sizeof(e->labels_mask),
				  e->labels_mask);
}

static bool put_tail(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	const struct ctk_synproxy *sp = &e->synproxy;

	if (!put_helper(nlh, buflen, e))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_ZONE) &&
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_ZONE, htons(e->zone)))
		return false;
	if (!put_labels(nlh, buflen, e))
		return false;
	return !ctk_entry_has(e, CTK_ATTR_SYNPROXY) ||
	       put_three_u32(nlh, buflen, CTA_SYNPROXY, sp->isn, sp->its, sp->tsoff);
}

int ctk_entry_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (!put_tuples(nlh, buflen, e) || !put_meta(nlh, buflen, e) ||
	    !ctknl_put_protoinfo(nlh, buflen, e) || !put_nat(nlh, buflen, e) ||
	    !put_seqadj(nlh, buflen, e, CTK_DIR_ORIG, CTK_ATTR_SEQADJ_ORIG, CTA_SEQ_ADJ_ORIG) ||
	    !put_seqadj(nlh, buflen, e, CTK_DIR_REPLY, CTK_ATTR_SEQADJ_REPLY, CTA_SEQ_ADJ_REPLY) ||
	    !put_tail(nlh, buflen, e))
		return -EMSGSIZE;
	return 0;
}
