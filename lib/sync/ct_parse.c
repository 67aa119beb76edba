// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_sync_ct_parse: a CT_* sync message into an entry. Attribute checks
 * are the reference's msg2ct (sync/wire.c); the values are then applied
 * as its receiver does on commit: the reply tuple is the inverted original
 * with the NAT attributes laid over it. Two deliberate differences: a
 * message without an address attribute is refused (an entry without its
 * original tuple can be neither cached nor committed), and a label bitmap
 * with no bit set is dropped, as the sender would not have sent it.
 */
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <ctkit/sync.h>
#include "sync/wire.h"
#include "sync/nat.h"

#define FIXED(n)                                                                                   \
	{                                                                                          \
		SYNC_ATTR_HDR + (n), 0                                                             \
	}

static const struct sync_attr_rule ct_rules[NTA_MAX] = {
	[NTA_IPV4] = FIXED(8),
	[NTA_IPV6] = FIXED(32),
	[NTA_L4PROTO] = FIXED(1),
	[NTA_PORT] = FIXED(4),
	[NTA_TCP_STATE] = FIXED(1),
	[NTA_STATUS] = FIXED(4),
	[NTA_TIMEOUT] = FIXED(4),
	[NTA_MARK] = FIXED(4),
	[NTA_MASTER_IPV4] = FIXED(8),
	[NTA_MASTER_IPV6] = FIXED(32),
	[NTA_MASTER_L4PROTO] = FIXED(1),
	[NTA_MASTER_PORT] = FIXED(4),
	[NTA_SNAT_IPV4] = FIXED(4),
	[NTA_DNAT_IPV4] = FIXED(4),
	[NTA_SPAT_PORT] = FIXED(2),
	[NTA_DPAT_PORT] = FIXED(2),
	[NTA_NAT_SEQ_ADJ] = FIXED(24),
	[NTA_SCTP_STATE] = FIXED(1),
	[NTA_SCTP_VTAG_ORIG] = FIXED(4),
	[NTA_SCTP_VTAG_REPL] = FIXED(4),
	[NTA_DCCP_STATE] = FIXED(1),
	[NTA_DCCP_ROLE] = FIXED(1),
	[NTA_ICMP_TYPE] = FIXED(1),
	[NTA_ICMP_CODE] = FIXED(1),
	[NTA_ICMP_ID] = FIXED(2),
	[NTA_TCP_WSCALE_ORIG] = FIXED(1),
	[NTA_TCP_WSCALE_REPL] = FIXED(1),
	[NTA_HELPER_NAME] = {0, SYNC_HELPER_MAX},
	[NTA_LABELS] = {0, SYNC_LABELS_MAX},
	[NTA_SNAT_IPV6] = FIXED(16),
	[NTA_DNAT_IPV6] = FIXED(16),
	[NTA_SYNPROXY] = FIXED(12),
	[NTA_ZONE] = FIXED(2),
};

/* NAT attributes seen: applied to the reply tuple once the original is known. */
struct nat_seen {
	bool snat, dnat, spat, dpat;
	union ctk_addr snat_addr, dnat_addr;
	uint16_t spat_word, dpat_word;
};

static void get_u32(uint32_t *dst, struct ctk_entry *e, enum ctk_attr bit,
		    const struct sync_attr *a)
{
	*dst = sync_get_be32(a->data);
	ctk_entry_set(e, bit);
}

static void get_u8(uint8_t *dst, struct ctk_entry *e, enum ctk_attr bit, const struct sync_attr *a)
{
	*dst = a->data[0];
	ctk_entry_set(e, bit);
}

static void get_seqadj(struct ctk_entry *e, const struct sync_attr *a)
{
	for (int dir = 0; dir < 2; dir++) {
		e->seqadj[dir].correction_pos = sync_get_be32(a->data + dir * 12);
		e->seqadj[dir].offset_before = sync_get_be32(a->data + dir * 12 + 4);
		e->seqadj[dir].offset_after = sync_get_be32(a->data + dir * 12 + 8);
	}
	ctk_entry_set(e, CTK_ATTR_SEQADJ_ORIG);
	ctk_entry_set(e, CTK_ATTR_SEQADJ_REPLY);
}

/* The reference ignores a bitmap that is empty or not whole words; bits past 128 do not exist. */
static void get_labels(struct ctk_entry *e, const struct sync_attr *a)
{
	uint32_t any = 0;

	if (a->len == 0 || a->len % 4)
		return;
	memset(e->labels, 0, sizeof(e->labels));
	for (unsigned int i = 0; i < CTK_LABEL_WORDS && i < a->len / 4u; i++) {
		e->labels[i] = sync_get_be32(a->data + 4 * i);
		any |= e->labels[i];
	}
	if (any)
		ctk_entry_set(e, CTK_ATTR_LABELS);
	else
		ctk_entry_unset(e, CTK_ATTR_LABELS);
}

static void get_synproxy(struct ctk_entry *e, const struct sync_attr *a)
{
	e->synproxy.its = sync_get_be32(a->data);
	e->synproxy.isn = sync_get_be32(a->data + 4);
	e->synproxy.tsoff = sync_get_be32(a->data + 8);
	ctk_entry_set(e, CTK_ATTR_SYNPROXY);
}

static void get_master(struct ctk_entry *e, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_MASTER_IPV4:
	case NTA_MASTER_IPV6:
		sync_get_addrs(&e->master, a, a->type == NTA_MASTER_IPV4 ? AF_INET : AF_INET6);
		ctk_entry_set(e, CTK_ATTR_MASTER);
		break;
	case NTA_MASTER_L4PROTO:
		e->master.l4num = a->data[0];
		break;
	default:
		sync_get_ports(&e->master, a);
		break;
	}
}

static void get_nat(struct nat_seen *n, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_SNAT_IPV4:
	case NTA_SNAT_IPV6:
		memset(&n->snat_addr, 0, sizeof(n->snat_addr));
		memcpy(&n->snat_addr, a->data, a->len);
		n->snat = true;
		break;
	case NTA_DNAT_IPV4:
	case NTA_DNAT_IPV6:
		memset(&n->dnat_addr, 0, sizeof(n->dnat_addr));
		memcpy(&n->dnat_addr, a->data, a->len);
		n->dnat = true;
		break;
	case NTA_SPAT_PORT:
		n->spat_word = sync_get_host16(a->data);
		n->spat = true;
		break;
	default:
		n->dpat_word = sync_get_host16(a->data);
		n->dpat = true;
		break;
	}
}

static void get_l4(struct ctk_entry *e, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_L4PROTO:
		e->orig.l4num = a->data[0];
		break;
	case NTA_PORT:
		sync_get_ports(&e->orig, a);
		break;
	case NTA_ICMP_TYPE:
		e->orig.icmp_type = a->data[0];
		break;
	case NTA_ICMP_CODE:
		e->orig.icmp_code = a->data[0];
		break;
	default: /* NTA_ICMP_ID */
		e->orig.icmp_id = sync_get_host16(a->data);
		break;
	}
}

static void get_proto_state(struct ctk_entry *e, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_TCP_STATE:
		get_u8(&e->tcp.state, e, CTK_ATTR_TCP_STATE, a);
		break;
	case NTA_TCP_WSCALE_ORIG:
		get_u8(&e->tcp.wscale[CTK_DIR_ORIG], e, CTK_ATTR_TCP_WSCALE_ORIG, a);
		break;
	case NTA_TCP_WSCALE_REPL:
		get_u8(&e->tcp.wscale[CTK_DIR_REPLY], e, CTK_ATTR_TCP_WSCALE_REPLY, a);
		break;
	case NTA_SCTP_STATE:
		get_u8(&e->sctp.state, e, CTK_ATTR_SCTP_STATE, a);
		break;
	case NTA_SCTP_VTAG_ORIG:
		get_u32(&e->sctp.vtag[CTK_DIR_ORIG], e, CTK_ATTR_SCTP_VTAG_ORIG, a);
		break;
	case NTA_SCTP_VTAG_REPL:
		get_u32(&e->sctp.vtag[CTK_DIR_REPLY], e, CTK_ATTR_SCTP_VTAG_REPLY, a);
		break;
	case NTA_DCCP_STATE:
		get_u8(&e->dccp.state, e, CTK_ATTR_DCCP_STATE, a);
		break;
	default: /* NTA_DCCP_ROLE */
		get_u8(&e->dccp.role, e, CTK_ATTR_DCCP_ROLE, a);
		break;
	}
}

static void get_attr(struct ctk_entry *e, struct nat_seen *n, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_IPV4:
	case NTA_IPV6:
		sync_get_addrs(&e->orig, a, a->type == NTA_IPV4 ? AF_INET : AF_INET6);
		ctk_entry_set(e, CTK_ATTR_ORIG);
		break;
	case NTA_L4PROTO:
	case NTA_PORT:
	case NTA_ICMP_TYPE:
	case NTA_ICMP_CODE:
	case NTA_ICMP_ID:
		get_l4(e, a);
		break;
	case NTA_TCP_STATE:
	case NTA_TCP_WSCALE_ORIG:
	case NTA_TCP_WSCALE_REPL:
	case NTA_SCTP_STATE:
	case NTA_SCTP_VTAG_ORIG:
	case NTA_SCTP_VTAG_REPL:
	case NTA_DCCP_STATE:
	case NTA_DCCP_ROLE:
		get_proto_state(e, a);
		break;
	case NTA_STATUS:
		get_u32(&e->status, e, CTK_ATTR_STATUS, a);
		break;
	case NTA_TIMEOUT:
		get_u32(&e->timeout, e, CTK_ATTR_TIMEOUT, a);
		break;
	case NTA_MARK:
		get_u32(&e->mark, e, CTK_ATTR_MARK, a);
		break;
	case NTA_MASTER_IPV4:
	case NTA_MASTER_IPV6:
	case NTA_MASTER_L4PROTO:
	case NTA_MASTER_PORT:
		get_master(e, a);
		break;
	case NTA_SNAT_IPV4:
	case NTA_DNAT_IPV4:
	case NTA_SNAT_IPV6:
	case NTA_DNAT_IPV6:
	case NTA_SPAT_PORT:
	case NTA_DPAT_PORT:
		get_nat(n, a);
		break;
	case NTA_NAT_SEQ_ADJ:
		get_seqadj(e, a);
		break;
	case NTA_HELPER_NAME:
		sync_get_str(e->helper_name, SYNC_HELPER_MAX - SYNC_ATTR_HDR, a);
		ctk_entry_set(e, CTK_ATTR_HELPER_NAME);
		break;
	case NTA_LABELS:
		get_labels(e, a);
		break;
	case NTA_SYNPROXY:
		get_synproxy(e, a);
		break;
	default: /* NTA_ZONE */
		e->zone = sync_get_be16(a->data);
		ctk_entry_set(e, CTK_ATTR_ZONE);
		break;
	}
}

/* What the reference's commit asks the kernel for: the inverted original, NATed. */
static void rebuild_reply(struct ctk_entry *e, const struct nat_seen *n)
{
	ctk_tuple_invert(&e->reply, &e->orig);
	if (n->snat)
		e->reply.dst = n->snat_addr;
	if (n->dnat)
		e->reply.src = n->dnat_addr;
	if (n->spat)
		sync_set_l4_dst_word(&e->reply, n->spat_word);
	if (n->dpat)
		sync_set_l4_src_word(&e->reply, n->dpat_word);
	ctk_entry_set(e, CTK_ATTR_REPLY);
}

int ctk_sync_ct_parse(const void *msg, size_t len, struct ctk_entry *e)
{
	struct sync_reader r;
	struct sync_attr a;
	struct nat_seen nat = {0};
	int ret;

	ctk_entry_clear(e);
	memset(&e->orig, 0, sizeof(e->orig));
	memset(&e->master, 0, sizeof(e->master));
	if (sync_reader_init(&r, msg, len, ct_rules, NTA_MAX) < 0)
		return -CTK_SYNC_ERR_MALFORMED;
	while ((ret = sync_reader_next(&r, &a)) > 0)
		get_attr(e, &nat, &a);
	if (ret < 0 || !ctk_entry_has(e, CTK_ATTR_ORIG))
		return -CTK_SYNC_ERR_MALFORMED;
	rebuild_reply(e, &nat);
	return 0;
}
