// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * "-o save": an entry as conntrack command-line options, byte-identical to
 * conntrack-tools 1.4.7 ct_save_snprintf():
 *
 *   <-A|-U|-D> [generic options] <addresses> -p <proto> [proto options]
 *
 * Each option is printed only when its attribute is present; the trailing
 * space is dropped. Entries that are neither IPv4 nor IPv6 give an empty
 * result (length 0): the reference prints "WARNING: unsupported l3proto %d,
 * skipping." to stderr, which is the caller's job, and then its half-built
 * line (prefix and generic options); the kernel only tracks IPv4 and IPv6.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctkit/names.h>
#include "fmt.h"

/* conntrack's -u names, printed in bit order; the other bits are not saved. */
static const char *const saved_status_bits[] = {
	[IPS_EXPECTED_BIT] = "EXPECTED",
	[IPS_SEEN_REPLY_BIT] = "SEEN_REPLY",
	[IPS_ASSURED_BIT] = "ASSURED",
	[IPS_FIXED_TIMEOUT_BIT] = "FIXED_TIMEOUT",
};

/*
 * conntrack's own state tables (extensions/libct_proto_*.c), which are not
 * the library's: SCTP lacks the heartbeat states. A missing name prints as
 * glibc prints a NULL "%s".
 */
#define SAVE_SCTP_STATES 8

static const char *const dccp_roles[] = { "client", "server" };

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

static void put_opt_u64(struct fbuf *b, const char *opt, uint64_t v)
{
	fb_puts(b, opt);
	fb_putc(b, ' ');
	fb_u64(b, v);
	fb_putc(b, ' ');
}

static void put_opt_str(struct fbuf *b, const char *opt, const char *s)
{
	fb_puts(b, opt);
	fb_putc(b, ' ');
	fb_puts(b, s);
	fb_putc(b, ' ');
}

static void put_opt_addr(struct fbuf *b, const char *opt, uint8_t l3num,
			 const union ctk_addr *a)
{
	fb_puts(b, opt);
	fb_putc(b, ' ');
	fb_addr(b, l3num, a);
	fb_putc(b, ' ');
}

static void put_status(struct fbuf *b, uint32_t status)
{
	bool found = false;

	fb_puts(b, "-u ");
	for (unsigned int bit = 0; bit < sizeof(saved_status_bits) / sizeof(saved_status_bits[0]); bit++) {
		if (!(status & (1U << bit)) || !saved_status_bits[bit])
			continue;
		if (found)
			fb_putc(b, ',');
		fb_puts(b, saved_status_bits[bit]);
		found = true;
	}
	fb_puts(b, found ? " " : "UNSET ");
}

static void put_generic(struct fbuf *b, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		put_opt_u64(b, "-t", e->timeout);
	if (ctk_entry_has(e, CTK_ATTR_STATUS))
		put_status(b, e->status);
	if (ctk_entry_has(e, CTK_ATTR_SECMARK))
		put_opt_u64(b, "-c", e->secmark);
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		put_opt_u64(b, "-w", e->zone);
	if (ctk_entry_has(e, CTK_ATTR_ORIG_ZONE))
		put_opt_u64(b, "--orig-zone", e->orig_zone);
	if (ctk_entry_has(e, CTK_ATTR_REPLY_ZONE))
		put_opt_u64(b, "--reply-zone", e->reply_zone);
}

static void put_addresses(struct fbuf *b, const struct ctk_entry *e, uint8_t l3num)
{
	const struct ctk_tuple *orig = &e->orig;
	const struct ctk_tuple *reply = &e->reply;

	if (ctk_entry_has(e, CTK_ATTR_ORIG) && orig->l3num == l3num) {
		put_opt_addr(b, "-s", l3num, &orig->src);
		put_opt_addr(b, "-d", l3num, &orig->dst);
	}
	if (ctk_entry_has(e, CTK_ATTR_REPLY) && reply->l3num == l3num) {
		put_opt_addr(b, ctk_entry_dst_natted(e) ? "-g" : "-r",
			     l3num, &reply->src);
		put_opt_addr(b, ctk_entry_src_natted(e) ? "-n" : "-q",
			     l3num, &reply->dst);
	}
}

/* Ports of both tuples, each only when its tuple carried them. */
static void put_ports(struct fbuf *b, const struct ctk_entry *e, const char *const opts[4])
{
	const struct ctk_tuple *orig = &e->orig;
	const struct ctk_tuple *reply = &e->reply;

	if (ctk_entry_has(e, CTK_ATTR_ORIG) && !orig->no_ports) {
		put_opt_u64(b, opts[0], orig->sport);
		put_opt_u64(b, opts[1], orig->dport);
	}
	if (ctk_entry_has(e, CTK_ATTR_REPLY) && !reply->no_ports) {
		put_opt_u64(b, opts[2], reply->sport);
		put_opt_u64(b, opts[3], reply->dport);
	}
}

static const char *const port_opts[4] = {
	"--sport", "--dport", "--reply-port-src", "--reply-port-dst",
};

static const char *const key_opts[4] = {
	"--srckey", "--dstkey", "--reply-key-src", "--reply-key-dst",
};

static void put_icmp(struct fbuf *b, const struct ctk_entry *e, const char *const opts[3])
{
	if (!ctk_entry_has(e, CTK_ATTR_ORIG))
		return;
	put_opt_u64(b, opts[0], e->orig.icmp_type);
	put_opt_u64(b, opts[1], e->orig.icmp_code);
	put_opt_u64(b, opts[2], e->orig.icmp_id);
}

static void put_sctp(struct fbuf *b, const struct ctk_entry *e)
{
	put_ports(b, e, port_opts);
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		put_opt_str(b, "--state", e->sctp.state < SAVE_SCTP_STATES ?
			    ctk_sctp_state_name(e->sctp.state) : "(null)");
	/* conntrack prints the library's host-order vtag through ntohl(). */
	if (ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_ORIG))
		put_opt_u64(b, "--orig-vtag", ntohl(e->sctp.vtag[CTK_DIR_ORIG]));
	if (ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_REPLY))
		put_opt_u64(b, "--reply-vtag", ntohl(e->sctp.vtag[CTK_DIR_REPLY]));
}

static void put_dccp(struct fbuf *b, const struct ctk_entry *e)
{
	put_ports(b, e, port_opts);
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		put_opt_str(b, "--state", or_null(ctk_dccp_state_name(e->dccp.state)));
	if (ctk_entry_has(e, CTK_ATTR_DCCP_ROLE))
		put_opt_str(b, "--role", e->dccp.role < 2 ? dccp_roles[e->dccp.role] : "(null)");
}

static void put_proto(struct fbuf *b, const struct ctk_entry *e)
{
	static const char *const icmp_opts[3] = { "--icmp-type", "--icmp-code", "--icmp-id" };
	static const char *const icmpv6_opts[3] = { "--icmpv6-type", "--icmpv6-code", "--icmpv6-id" };
	uint8_t l4num = fmt_tuple(e, CTK_ATTR_ORIG)->l4num;
	const char *name = ctk_l4proto_name(l4num);

	/* conntrack knows exactly the protocols the name table names. */
	if (strcmp(name, "unknown") == 0) {
		fb_puts(b, "-p ");
		fb_u64(b, l4num);
		fb_putc(b, ' ');
		return;
	}
	put_opt_str(b, "-p", name);
	switch (l4num) {
	case IPPROTO_TCP:
		put_ports(b, e, port_opts);
		if (ctk_entry_has(e, CTK_ATTR_TCP_STATE))
			put_opt_str(b, "--state", or_null(ctk_tcp_state_name(e->tcp.state)));
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		put_ports(b, e, port_opts);
		break;
	case IPPROTO_SCTP:
		put_sctp(b, e);
		break;
	case IPPROTO_DCCP:
		put_dccp(b, e);
		break;
	case IPPROTO_GRE:
		put_ports(b, e, key_opts);
		break;
	case IPPROTO_ICMP:
		put_icmp(b, e, icmp_opts);
		break;
	case IPPROTO_ICMPV6:
		put_icmp(b, e, icmpv6_opts);
		break;
	}
}

void fmt_entry_save(struct fbuf *b, const struct ctk_entry *e, enum ctk_event ev,
		    const struct ctk_fmt *fmt)
{
	static const char *const prefixes[] = {
		[CTK_EV_NEW] = "-A ",
		[CTK_EV_UPDATE] = "-U ",
		[CTK_EV_DESTROY] = "-D ",
	};
	enum ctk_event type = ev != CTK_EV_NONE ? ev : fmt->save_as;
	uint8_t l3num = fmt_tuple(e, CTK_ATTR_ORIG)->l3num;

	if (!l3num)
		l3num = fmt_tuple(e, CTK_ATTR_REPLY)->l3num;
	if (l3num != AF_INET && l3num != AF_INET6)
		return;
	if (type == CTK_EV_NONE)
		type = CTK_EV_NEW;	/* dumps save as "-A" */
	if (type <= CTK_EV_DESTROY)
		fb_puts(b, prefixes[type]);
	put_generic(b, e);
	put_addresses(b, e, l3num);
	put_proto(b, e);
	fb_unput(b);	/* every option ends in a space; drop the last one */
}
