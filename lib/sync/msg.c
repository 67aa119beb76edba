// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sync message headers: framing a received payload, control messages, the
 * sequence stamp, and the names of the receive errors. The framing checks
 * and their order are those of conntrackd 1.4.7's channel handler, so a
 * bad payload is counted under the same name by both daemons.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <ctkit/sync.h>
#include "sync/wire.h"

static bool known_type(uint8_t type)
{
	return type <= CTK_SYNC_EXP_DEL || type == CTK_SYNC_CTL;
}

/* Only control messages carry a range: the reference looks at the type first. */
static bool has_range(uint8_t type, uint8_t flags)
{
	return type == CTK_SYNC_CTL && ctk_sync_hdr_has_range(flags);
}

int ctk_sync_hdr_parse(const void *buf, size_t len, struct ctk_sync_hdr *h)
{
	const uint8_t *p = buf;
	size_t min;

	if (len < CTK_SYNC_HDR_LEN)
		return -CTK_SYNC_ERR_TRUNCATED;
	h->version = p[0] >> 4;
	h->type = p[0] & 0x0f;
	h->flags = p[1];
	h->len = sync_get_be16(p + 2);
	h->seq = sync_get_be32(p + 4);
	h->from = 0;
	h->to = 0;
	if (h->len == 0 || h->len > len)
		return -CTK_SYNC_ERR_BAD_SIZE;
	min = CTK_SYNC_HDR_LEN;
	if (has_range(h->type, h->flags)) {
		if (len < CTK_SYNC_HDR_ACK_LEN)
			return -CTK_SYNC_ERR_TRUNCATED;
		min = CTK_SYNC_HDR_ACK_LEN;
	}
	if (h->len < min)
		return -CTK_SYNC_ERR_BAD_SIZE;
	if (min == CTK_SYNC_HDR_ACK_LEN) {
		h->from = sync_get_be32(p + 8);
		h->to = sync_get_be32(p + 12);
	}
	if (h->version != CTK_SYNC_PROTO_VERSION)
		return -CTK_SYNC_ERR_VERSION;
	if (!known_type(h->type))
		return -CTK_SYNC_ERR_BAD_TYPE;
	return h->len;
}

int ctk_sync_ctl_build(void *buf, size_t cap, const struct ctk_sync_hdr *h)
{
	size_t len = ctk_sync_hdr_has_range(h->flags) ? CTK_SYNC_HDR_ACK_LEN : CTK_SYNC_HDR_LEN;
	uint8_t *p = buf;
	uint32_t be32;
	uint16_t be16;

	if (cap < len)
		return -ENOSPC;
	p[0] = (uint8_t)(CTK_SYNC_PROTO_VERSION << 4 | CTK_SYNC_CTL);
	p[1] = h->flags;
	be16 = htons((uint16_t)len);
	memcpy(p + 2, &be16, sizeof(be16));
	be32 = htonl(h->seq);
	memcpy(p + 4, &be32, sizeof(be32));
	if (len == CTK_SYNC_HDR_ACK_LEN) {
		be32 = htonl(h->from);
		memcpy(p + 8, &be32, sizeof(be32));
		be32 = htonl(h->to);
		memcpy(p + 12, &be32, sizeof(be32));
	}
	return (int)len;
}

void ctk_sync_hdr_set_seq(void *msg, uint32_t seq)
{
	uint32_t be = htonl(seq);

	memcpy((uint8_t *)msg + 4, &be, sizeof(be));
}

static const char *const error_names[CTK_SYNC_ERR_MAX] = {
	[CTK_SYNC_ERR_TRUNCATED] = "Truncated message",
	[CTK_SYNC_ERR_VERSION] = "Wrong protocol version",
	[CTK_SYNC_ERR_BAD_SIZE] = "Bad message size",
	[CTK_SYNC_ERR_BAD_TYPE] = "Bad message type",
	[CTK_SYNC_ERR_MALFORMED] = "Malformed payload",
	[CTK_SYNC_ERR_BAD_HEADER] = "Malformed header",
};

const char *ctk_sync_error_name(enum ctk_sync_error err)
{
	if ((unsigned int)err >= CTK_SYNC_ERR_MAX)
		return NULL;
	return error_names[err];
}
