/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/netlink: the pieces the entry codec is made of. Parsers
 * return 0 or -EBADMSG; putters return false when the buffer is full.
 */
#ifndef CTK_NETLINK_CODEC_H
#define CTK_NETLINK_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <ctkit/entry.h>
#include "netlink/attr.h"

/* One direction's tuple, as found in CTA_TUPLE_ORIG/REPLY/MASTER. */
struct tuple_dest {
	struct ctk_tuple *tuple;
	uint16_t *zone; /* NULL: CTA_TUPLE_ZONE ignored (master) */
	bool has_zone;
};

int ctknl_parse_tuple(const struct nlattr *nest, uint8_t family, struct tuple_dest *d);
bool ctknl_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct ctk_tuple *t,
		     const uint16_t *zone);

int ctknl_parse_protoinfo(const struct nlattr *nest, struct ctk_entry *e);
bool ctknl_put_protoinfo(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e);

int ctknl_parse_nat(const struct nlattr *nest, struct ctk_nat *nat);
bool ctknl_put_nat(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct ctk_nat *nat,
		   uint8_t l3num);

/* ctknl_nfnl_msg - start a netfilter netlink request: header for @subsys/@msg_type, nfgenmsg. */
struct nlmsghdr *ctknl_nfnl_msg(char *buf, uint8_t subsys, uint16_t msg_type, uint16_t flags,
				uint32_t seq, uint8_t family);

#endif
