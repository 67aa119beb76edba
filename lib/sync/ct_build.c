// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_sync_ct_build: an entry into a CT_* sync message, attribute for
 * attribute and in the order of conntrackd 1.4.7's ct2msg, so a reference
 * peer reads it and a capture of both daemons compares byte for byte.
 * The reply tuple is not sent: NAT attributes say how it differs from the
 * inverted original, decided by libnetfilter_conntrack 1.0.9's rules.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/sync.h>
#include "sync/wire.h"
#include "sync/nat.h"

static void put_tcp(struct sync_writer *w, const struct ctk_entry *e, unsigned int flags)
{
	/* the reference sends neither ports nor state without the protoinfo */
	if (!ctk_entry_has(e, CTK_ATTR_TCP_STATE))
		return;
	sync_put_ports(w, NTA_PORT, &e->orig);
	sync_put_u8(w, NTA_TCP_STATE, e->tcp.state);
	if (flags & CTK_SYNC_TCP_WSCALE) {
		sync_put_u8(w, NTA_TCP_WSCALE_ORIG, e->tcp.wscale[CTK_DIR_ORIG]);
		sync_put_u8(w, NTA_TCP_WSCALE_REPL, e->tcp.wscale[CTK_DIR_REPLY]);
	}
}

static void put_sctp(struct sync_writer *w, const struct ctk_entry *e)
{
	if (!ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		return;
	sync_put_ports(w, NTA_PORT, &e->orig);
	sync_put_u8(w, NTA_SCTP_STATE, e->sctp.state);
	sync_put_be32(w, NTA_SCTP_VTAG_ORIG, e->sctp.vtag[CTK_DIR_ORIG]);
	sync_put_be32(w, NTA_SCTP_VTAG_REPL, e->sctp.vtag[CTK_DIR_REPLY]);
}

static void put_dccp(struct sync_writer *w, const struct ctk_entry *e)
{
	if (!ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		return;
	sync_put_ports(w, NTA_PORT, &e->orig);
	sync_put_u8(w, NTA_DCCP_STATE, e->dccp.state);
	sync_put_u8(w, NTA_DCCP_ROLE, e->dccp.role);
}

static void put_icmp(struct sync_writer *w, const struct ctk_tuple *t)
{
	sync_put_u8(w, NTA_ICMP_TYPE, t->icmp_type);
	sync_put_u8(w, NTA_ICMP_CODE, t->icmp_code);
	sync_put_host16(w, NTA_ICMP_ID, t->icmp_id);
}

/* The reference has builders for these protocols only: udplite, gre and others send no ports. */
static void put_l4(struct sync_writer *w, const struct ctk_entry *e, unsigned int flags)
{
	switch (e->orig.l4num) {
	case IPPROTO_TCP:
		put_tcp(w, e, flags);
		break;
	case IPPROTO_SCTP:
		put_sctp(w, e);
		break;
	case IPPROTO_DCCP:
		put_dccp(w, e);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		put_icmp(w, &e->orig);
		break;
	case IPPROTO_UDP:
		sync_put_ports(w, NTA_PORT, &e->orig);
		break;
	default:
		break;
	}
}

static void put_master(struct sync_writer *w, const struct ctk_entry *e)
{
	const struct ctk_tuple *m = &e->master;

	if (m->l3num != AF_INET && m->l3num != AF_INET6)
		return;
	sync_put_addrs(w, m, NTA_MASTER_IPV4, NTA_MASTER_IPV6);
	sync_put_u8(w, NTA_MASTER_L4PROTO, m->l4num);
	if (ctk_l4proto_has_ports(m->l4num) && !m->no_ports)
		sync_put_ports(w, NTA_MASTER_PORT, m);
}

static void put_nat_addr(struct sync_writer *w, uint8_t family, const union ctk_addr *a,
			 uint16_t v4, uint16_t v6)
{
	if (family == AF_INET)
		sync_put(w, v4, &a->v4, 4);
	else if (family == AF_INET6)
		sync_put(w, v6, &a->v6, 16);
}

static void put_pat(struct sync_writer *w, const struct ctk_entry *e)
{
	uint16_t rdst = sync_l4_dst_word(&e->reply, true);
	uint16_t rsrc = sync_l4_src_word(&e->reply, true);

	if (sync_nat_done(e, IPS_SRC_NAT_DONE) && rdst != sync_l4_src_word(&e->orig, false))
		sync_put_host16(w, NTA_SPAT_PORT, rdst);
	if (sync_nat_done(e, IPS_DST_NAT_DONE) && rsrc != sync_l4_dst_word(&e->orig, false))
		sync_put_host16(w, NTA_DPAT_PORT, rsrc);
}

/*
 * An entry without a status goes out with STATUS 0, so it has no NAT:
 * libnetfilter_conntrack would count the missing status as NAT done, but
 * the message must agree with itself or the peer rebuilds another reply.
 */
static void put_nat(struct sync_writer *w, const struct ctk_entry *e)
{
	uint8_t family = e->orig.l3num;

	if (!ctk_entry_has(e, CTK_ATTR_STATUS))
		return;
	if (ctk_entry_src_natted(e))
		put_nat_addr(w, family, &e->reply.dst, NTA_SNAT_IPV4, NTA_SNAT_IPV6);
	if (ctk_entry_dst_natted(e))
		put_nat_addr(w, family, &e->reply.src, NTA_DNAT_IPV4, NTA_DNAT_IPV6);
	put_pat(w, e);
}

static void put_seqadj(struct sync_writer *w, const struct ctk_entry *e)
{
	uint32_t v[6];

	for (int dir = 0; dir < 2; dir++) {
		v[dir * 3 + 0] = htonl(e->seqadj[dir].correction_pos);
		v[dir * 3 + 1] = htonl(e->seqadj[dir].offset_before);
		v[dir * 3 + 2] = htonl(e->seqadj[dir].offset_after);
	}
	sync_put(w, NTA_NAT_SEQ_ADJ, v, sizeof(v));
}

/* Like the reference: the words of the whole bitmap, and nothing when no bit is set. */
static void put_labels(struct sync_writer *w, const struct ctk_entry *e)
{
	uint32_t v[CTK_LABEL_WORDS];
	uint32_t any = 0;

	for (int i = 0; i < CTK_LABEL_WORDS; i++) {
		any |= e->labels[i];
		v[i] = htonl(e->labels[i]);
	}
	if (any)
		sync_put(w, NTA_LABELS, v, sizeof(v));
}

/* The wire order is its, isn, tsoff (struct nta_attr_synproxy). */
static void put_synproxy(struct sync_writer *w, const struct ctk_entry *e)
{
	uint32_t v[3] = {htonl(e->synproxy.its), htonl(e->synproxy.isn), htonl(e->synproxy.tsoff)};

	sync_put(w, NTA_SYNPROXY, v, sizeof(v));
}

static void put_tail(struct sync_writer *w, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_SEQADJ_ORIG) && ctk_entry_has(e, CTK_ATTR_SEQADJ_REPLY))
		put_seqadj(w, e);
	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME))
		sync_put_str(w, NTA_HELPER_NAME, e->helper_name, sizeof(e->helper_name));
	if (ctk_entry_has(e, CTK_ATTR_LABELS))
		put_labels(w, e);
	if (ctk_entry_has(e, CTK_ATTR_SYNPROXY))
		put_synproxy(w, e);
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		sync_put_be16(w, NTA_ZONE, e->zone);
}

int ctk_sync_ct_build(void *buf, size_t cap, enum ctk_sync_type type, const struct ctk_entry *e,
		      unsigned int flags)
{
	struct sync_writer w;

	if ((unsigned int)type > CTK_SYNC_CT_DEL || !ctk_entry_has(e, CTK_ATTR_ORIG))
		return -EINVAL;
	sync_writer_init(&w, buf, cap, (uint8_t)type);
	sync_put_addrs(&w, &e->orig, NTA_IPV4, NTA_IPV6);
	sync_put_be32(&w, NTA_STATUS, ctk_entry_has(e, CTK_ATTR_STATUS) ? e->status : 0);
	sync_put_u8(&w, NTA_L4PROTO, e->orig.l4num);
	put_l4(&w, e, flags);
	if (!(flags & CTK_SYNC_NO_TIMEOUT) && ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		sync_put_be32(&w, NTA_TIMEOUT, e->timeout);
	/*
	 * Only a mark the entry has: kernel events carry CTA_MARK only when
	 * the mark is not 0 or has just changed, and the reference then sends
	 * none (verified in captures of conntrackd 1.4.7).
	 */
	if (ctk_entry_has(e, CTK_ATTR_MARK))
		sync_put_be32(&w, NTA_MARK, e->mark);
	if (ctk_entry_has(e, CTK_ATTR_MASTER))
		put_master(&w, e);
	if (ctk_entry_has(e, CTK_ATTR_REPLY))
		put_nat(&w, e);
	put_tail(&w, e);
	return sync_writer_end(&w);
}
