/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/sync: the layer-4 half of NAT in sync messages. The
 * reference decides whether to send SPAT/DPAT by comparing the 16-bit
 * layer-4 words of libnetfilter_conntrack's tuples (the ports, or for
 * ICMP the id and the type/code pair, which are 0 in its cached reply),
 * so an ICMP entry with NAT done carries SPAT and DPAT of 0 (nat.c).
 */
#ifndef CTK_SYNC_NAT_H
#define CTK_SYNC_NAT_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/entry.h>

bool sync_nat_done(const struct ctk_entry *e, uint32_t done_bit);
uint16_t sync_l4_src_word(const struct ctk_tuple *t, bool reply);
uint16_t sync_l4_dst_word(const struct ctk_tuple *t, bool reply);
void sync_set_l4_src_word(struct ctk_tuple *t, uint16_t v);
void sync_set_l4_dst_word(struct ctk_tuple *t, uint16_t v);

#endif
