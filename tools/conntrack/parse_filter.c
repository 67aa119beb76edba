// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * From what the command line set to the filter and the template.
 *
 * The reference filters with nfct_cmp(template, entry, ALL | MASK): every
 * attribute set on the template is compared, but only when one of the
 * "comparison" options was given (-p -s -d -r -q -m -c -u -i -w -l
 * --orig-zone --reply-zone). So "-D -t 10" alone deletes everything while
 * "-D -p tcp -t 10" also requires the timeout. Networks (CIDR, --mask-*),
 * marks, labels and NAT are separate filters that always apply.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "parse_priv.h"

#define COMPARISON (OPTBIT(CT_OPT_PROTO) | OPTBIT(CT_OPT_ORIG_SRC) | OPTBIT(CT_OPT_ORIG_DST) | \
		    OPTBIT(CT_OPT_REPL_SRC) | OPTBIT(CT_OPT_REPL_DST) | OPTBIT(CT_OPT_MARK) | \
		    OPTBIT(CT_OPT_SECMARK) | OPTBIT(CT_OPT_STATUS) | OPTBIT(CT_OPT_ID) | \
		    OPTBIT(CT_OPT_ZONE) | OPTBIT(CT_OPT_LABEL) | OPTBIT(CT_OPT_ORIG_ZONE) | \
		    OPTBIT(CT_OPT_REPL_ZONE))

/*
 * Template attribute -> exact filter field, compared when COMPARISON
 * applies. The secmark is not among them: nfct_cmp() never compares it
 * (verified: "-L -c 5" lists every entry).
 */
static const struct {
	enum ct_tattr t;
	enum ctk_filter_field f;
} exact[] = {
	{ T_ORIG_L4, CTK_F_L4PROTO },
	{ T_REPL_SRC, CTK_F_REPLY_SRC }, { T_REPL_DST, CTK_F_REPLY_DST },
	{ T_TCP_STATE, CTK_F_TCP_STATE }, { T_SCTP_STATE, CTK_F_SCTP_STATE },
	{ T_DCCP_STATE, CTK_F_DCCP_STATE },
	{ T_STATUS, CTK_F_STATUS }, { T_TIMEOUT, CTK_F_TIMEOUT },
	{ T_ZONE, CTK_F_ZONE }, { T_ORIG_ZONE, CTK_F_ORIG_ZONE },
	{ T_REPL_ZONE, CTK_F_REPLY_ZONE }, { T_ID, CTK_F_ID },
};

/* Layer-4 fields: compared only for the protocols nfct_cmp() knows. */
static const struct {
	enum ct_tattr t;
	enum ctk_filter_field f;
	bool reply;	/* keyed on the reply tuple's protocol */
	bool icmp;	/* ICMP fields; else ports */
} l4_fields[] = {
	{ T_ORIG_SPORT, CTK_F_ORIG_SPORT, false, false },
	{ T_ORIG_DPORT, CTK_F_ORIG_DPORT, false, false },
	{ T_REPL_SPORT, CTK_F_REPLY_SPORT, true, false },
	{ T_REPL_DPORT, CTK_F_REPLY_DPORT, true, false },
	{ T_ICMP_TYPE, CTK_F_ICMP_TYPE, false, true },
	{ T_ICMP_CODE, CTK_F_ICMP_CODE, false, true },
	{ T_ICMP_ID, CTK_F_ICMP_ID, false, true },
};

/* GRE keys are ports in the tuple but never compared (verified). */
static bool compares_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == IPPROTO_UDPLITE ||
	       l4 == IPPROTO_DCCP || l4 == IPPROTO_SCTP;
}

static bool compares_icmp(uint8_t l4)
{
	return l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6;
}

static void build_l4(struct ct_parse *ps)
{
	const struct ctk_entry *t = &ps->cli->tmpl;

	for (size_t i = 0; i < sizeof(l4_fields) / sizeof(l4_fields[0]); i++) {
		uint8_t l4 = l4_fields[i].reply ? t->reply.l4num : t->orig.l4num;
		bool l4_set = ps->tset & TBIT(l4_fields[i].reply ? T_REPL_L4 : T_ORIG_L4);

		if (!(ps->tset & TBIT(l4_fields[i].t)) || !l4_set)
			continue;
		if (l4_fields[i].icmp ? compares_icmp(l4) : compares_ports(l4))
			ctk_filter_set(&ps->cli->filter, l4_fields[i].f);
	}
}

/* Template attribute -> entry presence bit (what -I/-U/-G send). */
static const struct {
	enum ct_tattr t;
	enum ctk_attr a;
} present[] = {
	{ T_STATUS, CTK_ATTR_STATUS }, { T_TIMEOUT, CTK_ATTR_TIMEOUT },
	{ T_SECMARK, CTK_ATTR_SECMARK }, { T_ZONE, CTK_ATTR_ZONE },
	{ T_ORIG_ZONE, CTK_ATTR_ORIG_ZONE }, { T_REPL_ZONE, CTK_ATTR_REPLY_ZONE },
	{ T_ID, CTK_ATTR_ID }, { T_TCP_STATE, CTK_ATTR_TCP_STATE },
	{ T_SCTP_STATE, CTK_ATTR_SCTP_STATE }, { T_VTAG_ORIG, CTK_ATTR_SCTP_VTAG_ORIG },
	{ T_VTAG_REPL, CTK_ATTR_SCTP_VTAG_REPLY }, { T_DCCP_STATE, CTK_ATTR_DCCP_STATE },
	{ T_DCCP_ROLE, CTK_ATTR_DCCP_ROLE },
};


static void copy_values(struct ct_cli *cli)
{
	struct ctk_filter *f = &cli->filter;
	const struct ctk_entry *t = &cli->tmpl;

	f->orig = t->orig;
	f->reply = t->reply;
	f->tcp_state = t->tcp.state;
	f->sctp_state = t->sctp.state;
	f->dccp_state = t->dccp.state;
	f->zone = t->zone;
	f->orig_zone = t->orig_zone;
	f->reply_zone = t->reply_zone;
	f->id = t->id;
	f->timeout = t->timeout;
	f->secmark = t->secmark;
}

/* -s with a CIDR suffix or --mask-src: (addr & mask) == (given & mask). */
static void set_network(struct ct_parse *ps, bool src)
{
	struct ctk_filter *f = &ps->cli->filter;
	union ctk_addr *addr = src ? &f->orig.src : &f->orig.dst;
	union ctk_addr *mask = src ? &f->orig_src_mask : &f->orig_dst_mask;

	*mask = src ? ps->cli->exp_mask.src : ps->cli->exp_mask.dst;
	for (int i = 0; i < 4; i++)
		addr->word[i] &= mask->word[i];
	ctk_filter_set(f, src ? CTK_F_ORIG_SRC : CTK_F_ORIG_DST);
}

static void build_addresses(struct ct_parse *ps, bool compare)
{
	struct ctk_filter *f = &ps->cli->filter;

	if (ps->options & OPTBIT(CT_OPT_MASK_SRC))
		set_network(ps, true);
	else if (compare && (ps->tset & TBIT(T_ORIG_SRC)))
		ctk_filter_set(f, CTK_F_ORIG_SRC);
	if (ps->options & OPTBIT(CT_OPT_MASK_DST))
		set_network(ps, false);
	else if (compare && (ps->tset & TBIT(T_ORIG_DST)))
		ctk_filter_set(f, CTK_F_ORIG_DST);
}

static void build_status(struct ct_parse *ps)
{
	struct ctk_filter *f = &ps->cli->filter;

	/*
	 * -L asks the kernel for (status & mask) == value, the mask being the
	 * "!FLAG"/UNREPLIED bits or else the flags themselves; the other
	 * commands only check that the flags are set.
	 */
	f->status = ps->status;
	f->status_mask = ps->row == CT_ROW_LIST ? ps->status_kmask : ps->status;
}

static void build_template(struct ct_parse *ps)
{
	struct ct_cli *cli = ps->cli;
	struct ctk_entry *t = &cli->tmpl;

	for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++)
		if (ps->tset & TBIT(present[i].t))
			ctk_entry_set(t, present[i].a);
	/*
	 * A direction is "given" by its addresses, as the reference decides
	 * which tuple -I completes from the other (-p alone sets no tuple).
	 * Both carry the protocol, so either can be inverted into the other.
	 */
	if (ps->options & (OPTBIT(CT_OPT_ORIG_SRC) | OPTBIT(CT_OPT_ORIG_DST)))
		ctk_entry_set(t, CTK_ATTR_ORIG);
	if (ps->options & (OPTBIT(CT_OPT_REPL_SRC) | OPTBIT(CT_OPT_REPL_DST)))
		ctk_entry_set(t, CTK_ATTR_REPLY);
	if ((ps->tset & TBIT(T_ORIG_L4)) && !(ps->tset & TBIT(T_REPL_L4)))
		t->reply.l4num = t->orig.l4num;
	else if ((ps->tset & TBIT(T_REPL_L4)) && !(ps->tset & TBIT(T_ORIG_L4)))
		t->orig.l4num = t->reply.l4num;
	if (ps->options & OPTBIT(CT_OPT_MARK))
		ctk_entry_set(t, CTK_ATTR_MARK);
	if (ps->family != AF_UNSPEC) {
		t->orig.l3num = t->reply.l3num = (uint8_t)ps->family;
		cli->exp_tuple.l3num = cli->exp_mask.l3num = (uint8_t)ps->family;
	}
}

void ct_build_filter(struct ct_parse *ps)
{
	struct ct_cli *cli = ps->cli;
	struct ctk_filter *f = &cli->filter;
	bool compare = ps->options & COMPARISON;

	copy_values(cli);
	if (ps->family != AF_UNSPEC) {
		f->family = (uint8_t)ps->family;
		ctk_filter_set(f, CTK_F_FAMILY);
	}
	build_addresses(ps, compare);
	build_status(ps);
	for (size_t i = 0; compare && i < sizeof(exact) / sizeof(exact[0]); i++)
		if (ps->tset & TBIT(exact[i].t))
			ctk_filter_set(f, exact[i].f);
	if (compare)
		build_l4(ps);
	if (ps->options & OPTBIT(CT_OPT_MARK))
		ctk_filter_set(f, CTK_F_MARK);
	if (ps->options & OPTBIT(CT_OPT_SRC_NAT))
		ctk_filter_set(f, CTK_F_SNAT);
	if (ps->options & OPTBIT(CT_OPT_DST_NAT))
		ctk_filter_set(f, CTK_F_DNAT);
	if (ps->options & OPTBIT(CT_OPT_ANY_NAT))
		ctk_filter_set(f, CTK_F_ANYNAT);
	build_template(ps);
}
