/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One entry named by a complete tuple: -D, -U and -G then ask the kernel
 * for that tuple (it hashes it: about a millisecond at any table size)
 * instead of dumping the table and filtering it.
 */
#ifndef CT_TUPLE_KEY_H
#define CT_TUPLE_KEY_H

#include <stdbool.h>
#include <ctkit/filter.h>

/*
 * ct_tuple_key - does @f select by a whole original (or reply) tuple:
 * family, both addresses without a mask, the protocol and its ports (TCP,
 * UDP, UDP-Lite, SCTP, DCCP) or ICMP type, code and id (original tuple
 * only)? Then @key is what a get or delete request for it carries (with
 * CTA_ZONE when @f selects a zone and @zone_ok) and the answer says true.
 * Other selectors of @f do not matter: the caller still runs the entry
 * the kernel answers through the whole filter. No for direction zones,
 * for a zone without @zone_ok, and for GRE (the filter never compares its
 * keys, so one selection can hold many entries), and never with
 * CTKIT_KERNEL_FILTER=0 in the environment (then the dump, as for the
 * kernel's dump filters).
 *
 * Without a zone the kernel looks the tuple up in the default zone (0),
 * as for -G: entries of the same tuple in other zones are not selected
 * (docs/COMPATIBILITY.md).
 */
bool ct_tuple_key(const struct ctk_filter *f, bool zone_ok, struct ctk_entry *key);

#endif
