/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/netlink: what the commit pipeline needs of a batch beyond
 * the public calls (batch.c).
 */
#ifndef CTK_NETLINK_BATCH_H
#define CTK_NETLINK_BATCH_H

#include <stddef.h>
#include <ctkit/netlink.h>

/* ctknl_batch_room - bytes left in @b's buffer before it must be sent. */
size_t ctknl_batch_room(const struct ctk_nl_batch *b);
/* ctknl_batch_discard - forget what is queued in @b without sending it. */
void ctknl_batch_discard(struct ctk_nl_batch *b);

#endif
