// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_filter_bpf: a filter as a classic BPF program for the conntrack
 * event socket (see include/ctkit/filter_bpf.h). The technique is the one
 * of libnetfilter_conntrack's nfct_filter: the ancillary loads
 * SKF_AD_NLATTR (find attribute X in the attributes from offset A) and
 * SKF_AD_NLATTR_NEST (find X inside the nest at A) walk down to an
 * attribute; an indirect load reads its value (cBPF loads are big-endian,
 * as ctnetlink values are).
 *
 * Layout: a prologue keeps whatever is not a ctnetlink NEW/DELETE message,
 * then one block per comparison, each ending in its own "ret #0" so that
 * every jump stays short (cBPF conditional jumps reach 255 instructions),
 * and a final "ret #keep".
 *
 * A missing attribute is judged as ctk_filter_match() judges the decoded
 * entry: a missing mark, status, id or protocol state fails, a missing
 * zone counts as zone 0, a missing tuple fails. Where the decoder would
 * fill in a default from elsewhere (an address nest without the address,
 * a tuple without ports) the block keeps the message: such messages do
 * not come from the kernel, and keeping more is always allowed.
 *
 * Assumptions, true of every message the kernel sends: attributes are not
 * repeated (the kernel's search finds the first, the decoder keeps the
 * last) and address attributes have the family of nfgen_family.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/filter_bpf.h>

#define BIT(x) (UINT64_C(1) << (x))

/* Where the attributes of a ctnetlink message start. */
#define ATTRS_OFFSET  (NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)))
#define FAMILY_OFFSET (NLMSG_HDRLEN + offsetof(struct nfgenmsg, nfgen_family))
#define TYPE_OFFSET   offsetof(struct nlmsghdr, nlmsg_type)

#define KEEP UINT32_MAX
#define DROP 0

/* Where a conditional jump of a block goes. */
enum target { NEXT, FAIL, PASS };

struct fixup {
	unsigned int at;
	enum target jt, jf;
};

/* One comparison: its instructions, then "ret #0" (FAIL), then PASS. */
struct block {
	struct ctk_bpf_prog *p;
	struct fixup fix[24];
	unsigned int nfix;
	bool broken; /* out of room, or a jump too long */
};

static unsigned int room(const struct ctk_bpf_prog *p)
{
	return p->limit && p->limit < CTK_BPF_MAX_INSNS ? p->limit : CTK_BPF_MAX_INSNS;
}

static bool emit(struct ctk_bpf_prog *p, uint16_t code, uint32_t k)
{
	if (p->len >= room(p))
		return false;
	p->insns[p->len++] = (struct sock_filter)BPF_STMT(code, k);
	return true;
}

static void block_insn(struct block *b, uint16_t code, uint32_t k)
{
	if (!emit(b->p, code, k))
		b->broken = true;
}

static void block_jump(struct block *b, uint16_t code, uint32_t k, enum target jt, enum target jf)
{
	if (b->nfix == sizeof(b->fix) / sizeof(b->fix[0]) || !emit(b->p, code, k)) {
		b->broken = true;
		return;
	}
	b->fix[b->nfix++] = (struct fixup){.at = b->p->len - 1, .jt = jt, .jf = jf};
}

static bool resolve(unsigned int at, enum target t, unsigned int fail, uint8_t *off)
{
	unsigned int to = t == NEXT ? at + 1 : t == FAIL ? fail : fail + 1;

	if (to - (at + 1) > 255)
		return false;
	*off = (uint8_t)(to - (at + 1));
	return true;
}

/* Close @b with its "ret #0" and point its jumps; false if it did not fit. */
static bool block_end(struct block *b)
{
	unsigned int fail = b->p->len;

	block_insn(b, BPF_RET | BPF_K, DROP);
	for (unsigned int i = 0; i < b->nfix && !b->broken; i++) {
		struct sock_filter *ins = &b->p->insns[b->fix[i].at];

		if (!resolve(b->fix[i].at, b->fix[i].jt, fail, &ins->jt) ||
		    !resolve(b->fix[i].at, b->fix[i].jf, fail, &ins->jf))
			b->broken = true;
	}
	return !b->broken;
}

/*
 * A value reached through up to three nested attributes, compared as
 * (value & mask[w]) == want[w] for @words consecutive 32-bit words (one
 * for everything but IPv6 addresses).
 */
struct value_check {
	uint16_t path[3];
	enum target missing[3]; /* PASS or FAIL when path[i] is absent */
	unsigned int depth;
	uint16_t size; /* BPF_B, BPF_H or BPF_W */
	unsigned int words;
	uint32_t mask[4];
	uint32_t want[4];
};

static uint32_t size_mask(uint16_t size)
{
	return size == BPF_B ? 0xffu : size == BPF_H ? 0xffffu : UINT32_MAX;
}

static void find_attr(struct block *b, const struct value_check *c)
{
	block_insn(b, BPF_LD | BPF_IMM, ATTRS_OFFSET);
	for (unsigned int i = 0; i < c->depth; i++) {
		uint32_t anc = i == 0 ? SKF_AD_NLATTR : SKF_AD_NLATTR_NEST;

		block_insn(b, BPF_LDX | BPF_IMM, c->path[i]);
		block_insn(b, BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_AD_OFF + anc);
		block_jump(b, BPF_JMP | BPF_JEQ | BPF_K, 0, c->missing[i], NEXT);
	}
	block_insn(b, BPF_MISC | BPF_TAX, 0);
}

static bool emit_value_check(struct ctk_bpf_prog *p, const struct value_check *c)
{
	struct block b = {.p = p};

	find_attr(&b, c);
	for (unsigned int w = 0; w < c->words; w++) {
		bool last = w + 1 == c->words;

		block_insn(&b, BPF_LD | c->size | BPF_IND, NLA_HDRLEN + 4 * w);
		if (c->mask[w] != size_mask(c->size))
			block_insn(&b, BPF_ALU | BPF_AND | BPF_K, c->mask[w]);
		block_jump(&b, BPF_JMP | BPF_JEQ | BPF_K, c->want[w], last ? PASS : NEXT, FAIL);
	}
	return block_end(&b);
}

/* ---- the prologue and the family ------------------------------------------ */

/* nlmsg_type as a cBPF halfword load sees it (big-endian read of host order). */
static uint32_t type_as_loaded(uint16_t msg)
{
	uint16_t type = (uint16_t)(NFNL_SUBSYS_CTNETLINK << 8 | msg);
	uint8_t b[2];

	memcpy(b, &type, sizeof(b));
	return (uint32_t)b[0] << 8 | b[1];
}

static bool emit_jump(struct ctk_bpf_prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (!emit(p, code, k))
		return false;
	p->insns[p->len - 1].jt = jt;
	p->insns[p->len - 1].jf = jf;
	return true;
}

/* Keep what is too short for an nfgenmsg and what is not a conntrack event. */
static bool emit_prologue(struct ctk_bpf_prog *p)
{
	return emit(p, BPF_LD | BPF_W | BPF_LEN, 0) &&
	       emit_jump(p, BPF_JMP | BPF_JGE | BPF_K, ATTRS_OFFSET, 1, 0) &&
	       emit(p, BPF_RET | BPF_K, KEEP) && emit(p, BPF_LD | BPF_H | BPF_ABS, TYPE_OFFSET) &&
	       emit_jump(p, BPF_JMP | BPF_JEQ | BPF_K, type_as_loaded(IPCTNL_MSG_CT_NEW), 2, 0) &&
	       emit_jump(p, BPF_JMP | BPF_JEQ | BPF_K, type_as_loaded(IPCTNL_MSG_CT_DELETE), 1,
			 0) &&
	       emit(p, BPF_RET | BPF_K, KEEP);
}

static bool emit_family(struct ctk_bpf_prog *p, uint8_t family)
{
	struct block b = {.p = p};

	block_insn(&b, BPF_LD | BPF_B | BPF_ABS, FAMILY_OFFSET);
	block_jump(&b, BPF_JMP | BPF_JEQ | BPF_K, family, PASS, FAIL);
	return block_end(&b);
}

/* ---- the comparisons ------------------------------------------------------ */

static struct value_check one_value(uint16_t attr, enum target missing, uint16_t size,
				    uint32_t mask, uint32_t want)
{
	return (struct value_check){
		.path = {attr},
		.missing = {missing},
		.depth = 1,
		.size = size,
		.words = 1,
		.mask = {mask},
		.want = {want},
	};
}

/* A tuple member: the tuple must be there, a missing inner part keeps. */
static struct value_check tuple_value(uint16_t dir, uint16_t nest, uint16_t attr, uint16_t size,
				      uint32_t want)
{
	return (struct value_check){
		.path = {dir, nest, attr},
		.missing = {FAIL, PASS, PASS},
		.depth = 3,
		.size = size,
		.words = 1,
		.mask = {size_mask(size)},
		.want = {want},
	};
}

static enum target zone_missing(uint16_t want)
{
	return want == 0 ? PASS : FAIL; /* the kernel omits zone 0 */
}

static bool emit_addr(struct ctk_bpf_prog *p, const struct ctk_filter *f, uint16_t dir, bool src,
		      const union ctk_addr *want, const union ctk_addr *mask)
{
	bool v6 = f->family == AF_INET6;
	uint16_t attr =
		v6 ? (src ? CTA_IP_V6_SRC : CTA_IP_V6_DST) : (src ? CTA_IP_V4_SRC : CTA_IP_V4_DST);
	struct value_check c = tuple_value(dir, CTA_TUPLE_IP, attr, BPF_W, 0);

	c.words = v6 ? 4 : 1;
	for (unsigned int w = 0; w < c.words; w++) {
		c.mask[w] = ntohl(mask->word[w]);
		c.want[w] = ntohl(want->word[w] & mask->word[w]);
	}
	return emit_value_check(p, &c);
}

static const union ctk_addr all_ones = {
	.word = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX},
};

struct compiler {
	struct ctk_bpf_prog *p;
	const struct ctk_filter *f;
	uint64_t todo;		/* fields asked for and allowed */
	uint8_t checked_family; /* nfgen_family already compared with */
	bool ok;
};

/* Emit @c for @field if it is to be done; record it in p->fields. */
static void add(struct compiler *cc, enum ctk_filter_field field, const struct value_check *c)
{
	if (!cc->ok || !(cc->todo & BIT(field)))
		return;
	cc->ok = emit_value_check(cc->p, c);
	cc->p->fields |= BIT(field);
}

static void add_addr(struct compiler *cc, enum ctk_filter_field field, uint16_t dir, bool src,
		     const union ctk_addr *want, const union ctk_addr *mask)
{
	uint8_t fam = cc->f->family;

	if (!cc->ok || !(cc->todo & BIT(field)) || (fam != AF_INET && fam != AF_INET6))
		return;
	cc->ok = emit_addr(cc->p, cc->f, dir, src, want, mask);
	cc->p->fields |= BIT(field);
}

#define ADDR_FIELDS                                                                                \
	(BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_ORIG_DST) | BIT(CTK_F_REPLY_SRC) | BIT(CTK_F_REPLY_DST))

/*
 * Addresses compare only within the filter's family: the decoder takes
 * a tuple's family from its address attributes, which the kernel gives
 * the family of nfgen_family. So check that first (unless done already).
 */
static void add_addresses(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;

	if (!(cc->todo & ADDR_FIELDS) || (f->family != AF_INET && f->family != AF_INET6))
		return;
	if (cc->ok && cc->checked_family != f->family) {
		cc->ok = emit_family(cc->p, f->family);
		cc->checked_family = f->family;
	}
	add_addr(cc, CTK_F_ORIG_SRC, CTA_TUPLE_ORIG, true, &f->orig.src, &f->orig_src_mask);
	add_addr(cc, CTK_F_ORIG_DST, CTA_TUPLE_ORIG, false, &f->orig.dst, &f->orig_dst_mask);
	add_addr(cc, CTK_F_REPLY_SRC, CTA_TUPLE_REPLY, true, &f->reply.src, &all_ones);
	add_addr(cc, CTK_F_REPLY_DST, CTA_TUPLE_REPLY, false, &f->reply.dst, &all_ones);
}

static void add_ports(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	struct value_check c;

	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_SRC_PORT, BPF_H, f->orig.sport);
	add(cc, CTK_F_ORIG_SPORT, &c);
	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_DST_PORT, BPF_H, f->orig.dport);
	add(cc, CTK_F_ORIG_DPORT, &c);
	c = tuple_value(CTA_TUPLE_REPLY, CTA_TUPLE_PROTO, CTA_PROTO_SRC_PORT, BPF_H,
			f->reply.sport);
	add(cc, CTK_F_REPLY_SPORT, &c);
	c = tuple_value(CTA_TUPLE_REPLY, CTA_TUPLE_PROTO, CTA_PROTO_DST_PORT, BPF_H,
			f->reply.dport);
	add(cc, CTK_F_REPLY_DPORT, &c);
}

static void add_icmp(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	bool v6 = f->orig.l4num == IPPROTO_ICMPV6;
	struct value_check c;

	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO,
			v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, BPF_B, f->orig.icmp_type);
	add(cc, CTK_F_ICMP_TYPE, &c);
	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO,
			v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, BPF_B, f->orig.icmp_code);
	add(cc, CTK_F_ICMP_CODE, &c);
	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO,
			v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, BPF_H, f->orig.icmp_id);
	add(cc, CTK_F_ICMP_ID, &c);
}

/*
 * The protocol: a missing orig tuple fails, a missing protocol number
 * decodes as 0. Userspace compares ports and ICMP fields only for
 * protocols that have them: they are compiled only along with the
 * protocol, which then guarantees it (as kernel.c does for dumps).
 */
static void add_l4(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	struct value_check c =
		tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_NUM, BPF_B, f->orig.l4num);

	if (!(cc->todo & BIT(CTK_F_L4PROTO))) {
		cc->todo &= ~(BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ORIG_DPORT) |
			      BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT) |
			      BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_CODE) | BIT(CTK_F_ICMP_ID));
		return;
	}
	c.missing[1] = c.missing[2] = f->orig.l4num == 0 ? PASS : FAIL;
	add(cc, CTK_F_L4PROTO, &c);
	if (ctk_l4proto_has_ports(f->orig.l4num))
		add_ports(cc);
	if (ctk_l4proto_is_icmp(f->orig.l4num))
		add_icmp(cc);
}

static void add_zones(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	struct value_check c = one_value(CTA_ZONE, zone_missing(f->zone), BPF_H, 0xffff, f->zone);

	add(cc, CTK_F_ZONE, &c);
	c = tuple_value(CTA_TUPLE_ORIG, CTA_TUPLE_ZONE, 0, BPF_H, f->orig_zone);
	c.depth = 2;
	c.missing[0] = c.missing[1] = zone_missing(f->orig_zone);
	add(cc, CTK_F_ORIG_ZONE, &c);
	c = tuple_value(CTA_TUPLE_REPLY, CTA_TUPLE_ZONE, 0, BPF_H, f->reply_zone);
	c.depth = 2;
	c.missing[0] = c.missing[1] = zone_missing(f->reply_zone);
	add(cc, CTK_F_REPLY_ZONE, &c);
}

/* Top-level values (mark and status change while an entry lives); absent fails. */
static void add_meta(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	struct value_check c;

	c = one_value(CTA_MARK, FAIL, BPF_W, f->mark_mask, f->mark);
	add(cc, CTK_F_MARK, &c);
	c = one_value(CTA_STATUS, FAIL, BPF_W, f->status_mask, f->status);
	add(cc, CTK_F_STATUS, &c);
	c = one_value(CTA_ID, FAIL, BPF_W, UINT32_MAX, f->id);
	add(cc, CTK_F_ID, &c);
}

static struct value_check state_value(uint16_t proto, uint16_t attr, uint8_t want)
{
	return (struct value_check){
		.path = {CTA_PROTOINFO, proto, attr},
		.missing = {FAIL, FAIL, FAIL},
		.depth = 3,
		.size = BPF_B,
		.words = 1,
		.mask = {0xff},
		.want = {want},
	};
}

static void add_states(struct compiler *cc)
{
	const struct ctk_filter *f = cc->f;
	struct value_check c;

	c = state_value(CTA_PROTOINFO_TCP, CTA_PROTOINFO_TCP_STATE, f->tcp_state);
	add(cc, CTK_F_TCP_STATE, &c);
	c = state_value(CTA_PROTOINFO_SCTP, CTA_PROTOINFO_SCTP_STATE, f->sctp_state);
	add(cc, CTK_F_SCTP_STATE, &c);
	c = state_value(CTA_PROTOINFO_DCCP, CTA_PROTOINFO_DCCP_STATE, f->dccp_state);
	add(cc, CTK_F_DCCP_STATE, &c);
}

/* CTK_F_FAMILY compares orig.l3num, which is nfgen_family for kernel messages. */
static bool add_families(struct compiler *cc, uint8_t family)
{
	const struct ctk_filter *f = cc->f;

	if (family != AF_UNSPEC) {
		cc->p->family = true;
		cc->checked_family = family;
		if (!emit_family(cc->p, family))
			return false;
	}
	if (!(cc->todo & BIT(CTK_F_FAMILY)))
		return true;
	cc->p->fields |= BIT(CTK_F_FAMILY);
	if (cc->checked_family == f->family)
		return true;
	cc->checked_family = f->family;
	return emit_family(cc->p, f->family);
}

int ctk_filter_bpf(const struct ctk_filter *f, uint8_t family, uint64_t allowed,
		   struct ctk_bpf_prog *p)
{
	struct compiler cc = {.p = p, .f = f, .todo = f->has & allowed, .ok = true};

	p->len = 0;
	p->fields = 0;
	p->family = false;
	cc.ok = emit_prologue(p) && add_families(&cc, family);
	add_l4(&cc);
	add_addresses(&cc);
	add_zones(&cc);
	add_meta(&cc);
	add_states(&cc);
	if (!cc.ok || !emit(p, BPF_RET | BPF_K, KEEP)) {
		p->len = 0;
		p->fields = 0;
		p->family = false;
		return -E2BIG;
	}
	return 0;
}
