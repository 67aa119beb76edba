/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Timeout policies over netlink (NFNL_SUBSYS_CTNETLINK_TIMEOUT): the codec
 * of struct ctk_timeout (ctkit/timeout.h) and requests on a session of
 * ctkit/netlink.h.
 *
 * Errors: functions return 0 or a negative errno, as in ctkit/netlink.h.
 */
#ifndef CTKIT_TIMEOUT_NL_H
#define CTKIT_TIMEOUT_NL_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/timeout.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct ctk_nl;

/* ---- codec (lib/netlink) -------------------------------------------------- */

/*
 * ctk_timeout_nlmsg - start a cttimeout message in @buf: type @msg_type
 * (IPCTNL_MSG_TIMEOUT_*) in NFNL_SUBSYS_CTNETLINK_TIMEOUT, flags
 * NLM_F_REQUEST | @flags, @seq, nfgenmsg AF_UNSPEC version 0.
 */
struct nlmsghdr *ctk_timeout_nlmsg(char *buf, uint16_t msg_type, uint16_t flags, uint32_t seq);
/*
 * ctk_timeout_put - append @t's present parts in libnetfilter_cttimeout's
 * order: name, l3proto, l4proto, then the states in a CTA_TIMEOUT_DATA
 * nest (only when there is one). Returns 0 or -EMSGSIZE.
 */
int ctk_timeout_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_timeout *t);
/*
 * ctk_timeout_parse - decode a cttimeout reply into @t (cleared first).
 * States are kept when the l4proto has a tracker (as the reference).
 * Returns 0 or -EBADMSG.
 */
int ctk_timeout_parse(const struct nlmsghdr *nlh, struct ctk_timeout *t);

/* ---- session (lib/netlink) ---------------------------------------------- */

typedef int (*ctk_timeout_cb)(const struct ctk_timeout *t, void *data);

/*
 * ctk_nl_timeout_create - IPCTNL_MSG_TIMEOUT_NEW with NLM_F_CREATE |
 * @nlm_flags (the reference sends none: an existing policy of the same
 * protocol is updated). Waits for the ack.
 */
int ctk_nl_timeout_create(struct ctk_nl *nl, const struct ctk_timeout *t, uint16_t nlm_flags);
/* ctk_nl_timeout_dump - every policy of the namespace, one by one into @cb. */
int ctk_nl_timeout_dump(struct ctk_nl *nl, ctk_timeout_cb cb, void *data);
/* ctk_nl_timeout_get - the policy called @name (-ENOENT: none). */
int ctk_nl_timeout_get(struct ctk_nl *nl, const char *name, ctk_timeout_cb cb, void *data);
/*
 * ctk_nl_timeout_delete - delete the policy called @name; with @name NULL,
 * every policy no rule uses (the kernel answers -EBUSY for one in use).
 */
int ctk_nl_timeout_delete(struct ctk_nl *nl, const char *name);
/* ctk_nl_timeout_default_set - change the default policy of @t's l3proto/l4proto. */
int ctk_nl_timeout_default_set(struct ctk_nl *nl, const struct ctk_timeout *t);
/* ctk_nl_timeout_default_get - the default policy of @l3proto/@l4proto into @cb. */
int ctk_nl_timeout_default_get(struct ctk_nl *nl, uint16_t l3proto, uint8_t l4proto,
			       ctk_timeout_cb cb, void *data);

#ifdef __cplusplus
}
#endif
#endif
