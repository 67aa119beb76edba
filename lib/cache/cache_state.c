// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CTK_CACHE_STATE slots: the part of an entry a peer needs to re-create
 * the connection, in about 280 bytes instead of a whole struct ctk_entry
 * (whose secctx, counters, timestamps and request-only fields a
 * replication cache never uses).
 */
#include <string.h>

#include <ctkit/entry.h>

#include "cache/cache_priv.h"

/* The presence bits a state slot keeps; the rest read back absent. */
#define STATE_ATTRS                                                                                \
	(UINT64_C(1) << CTK_ATTR_ORIG | UINT64_C(1) << CTK_ATTR_REPLY |                            \
	 UINT64_C(1) << CTK_ATTR_MASTER | UINT64_C(1) << CTK_ATTR_ORIG_ZONE |                      \
	 UINT64_C(1) << CTK_ATTR_REPLY_ZONE | UINT64_C(1) << CTK_ATTR_STATUS |                     \
	 UINT64_C(1) << CTK_ATTR_TIMEOUT | UINT64_C(1) << CTK_ATTR_MARK |                          \
	 UINT64_C(1) << CTK_ATTR_ZONE | UINT64_C(1) << CTK_ATTR_ID |                               \
	 UINT64_C(1) << CTK_ATTR_LABELS | UINT64_C(1) << CTK_ATTR_TCP_STATE |                      \
	 UINT64_C(1) << CTK_ATTR_TCP_WSCALE_ORIG | UINT64_C(1) << CTK_ATTR_TCP_WSCALE_REPLY |      \
	 UINT64_C(1) << CTK_ATTR_TCP_FLAGS_ORIG | UINT64_C(1) << CTK_ATTR_TCP_FLAGS_REPLY |        \
	 UINT64_C(1) << CTK_ATTR_SCTP_STATE | UINT64_C(1) << CTK_ATTR_SCTP_VTAG_ORIG |             \
	 UINT64_C(1) << CTK_ATTR_SCTP_VTAG_REPLY | UINT64_C(1) << CTK_ATTR_DCCP_STATE |            \
	 UINT64_C(1) << CTK_ATTR_DCCP_ROLE | UINT64_C(1) << CTK_ATTR_HELPER_NAME |                 \
	 UINT64_C(1) << CTK_ATTR_SEQADJ_ORIG | UINT64_C(1) << CTK_ATTR_SEQADJ_REPLY |              \
	 UINT64_C(1) << CTK_ATTR_SYNPROXY)

struct state {
	uint64_t present;
	struct ctk_tuple orig;
	struct ctk_tuple reply;
	struct ctk_tuple master;
	uint32_t status;
	uint32_t timeout;
	uint32_t mark;
	uint32_t id;
	uint32_t labels[CTK_LABEL_WORDS];
	uint16_t zone;
	uint16_t orig_zone;
	uint16_t reply_zone;
	uint8_t tcp_state;
	uint8_t tcp_wscale[2];
	uint8_t tcp_flags[2];
	uint8_t tcp_flags_mask[2];
	uint8_t sctp_state;
	uint8_t dccp_state;
	uint8_t dccp_role;
	uint32_t sctp_vtag[2];
	struct ctk_seqadj seqadj[2];
	struct ctk_synproxy synproxy;
	char helper_name[CTK_HELPER_NAME_MAX];
};

size_t ctkc_state_size(void)
{
	return sizeof(struct state);
}

void ctkc_state_store(void *body, const struct ctk_entry *e)
{
	struct state *s = body;

	s->present = e->present & STATE_ATTRS;
	s->orig = e->orig;
	s->reply = e->reply;
	s->master = e->master;
	s->status = e->status;
	s->timeout = e->timeout;
	s->mark = e->mark;
	s->id = e->id;
	memcpy(s->labels, e->labels, sizeof(s->labels));
	s->zone = e->zone;
	s->orig_zone = e->orig_zone;
	s->reply_zone = e->reply_zone;
	s->tcp_state = e->tcp.state;
	memcpy(s->tcp_wscale, e->tcp.wscale, 2);
	memcpy(s->tcp_flags, e->tcp.flags, 2);
	memcpy(s->tcp_flags_mask, e->tcp.flags_mask, 2);
	s->sctp_state = e->sctp.state;
	s->sctp_vtag[0] = e->sctp.vtag[0];
	s->sctp_vtag[1] = e->sctp.vtag[1];
	s->dccp_state = e->dccp.state;
	s->dccp_role = e->dccp.role;
	memcpy(s->seqadj, e->seqadj, sizeof(s->seqadj));
	s->synproxy = e->synproxy;
	memcpy(s->helper_name, e->helper_name, sizeof(s->helper_name));
}

void ctkc_state_load(struct ctk_entry *e, const void *body)
{
	const struct state *s = body;

	e->present = s->present;
	e->orig = s->orig;
	e->reply = s->reply;
	e->master = s->master;
	e->status = s->status;
	e->timeout = s->timeout;
	e->mark = s->mark;
	e->id = s->id;
	memcpy(e->labels, s->labels, sizeof(s->labels));
	e->zone = s->zone;
	e->orig_zone = s->orig_zone;
	e->reply_zone = s->reply_zone;
	e->tcp.state = s->tcp_state;
	memcpy(e->tcp.wscale, s->tcp_wscale, 2);
	memcpy(e->tcp.flags, s->tcp_flags, 2);
	memcpy(e->tcp.flags_mask, s->tcp_flags_mask, 2);
	e->sctp.state = s->sctp_state;
	e->sctp.vtag[0] = s->sctp_vtag[0];
	e->sctp.vtag[1] = s->sctp_vtag[1];
	e->dccp.state = s->dccp_state;
	e->dccp.role = s->dccp_role;
	memcpy(e->seqadj, s->seqadj, sizeof(s->seqadj));
	e->synproxy = s->synproxy;
	memcpy(e->helper_name, s->helper_name, sizeof(s->helper_name));
}

const struct ctk_tuple *ctkc_state_orig(const void *body, uint16_t *zone)
{
	const struct state *s = body;

	*zone = (s->present >> CTK_ATTR_ZONE) & 1 ? s->zone : 0;
	return &s->orig;
}
