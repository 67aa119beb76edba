/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Userspace helpers over netlink (NFNL_SUBSYS_CTHELPER): the codec of
 * struct ctk_helper (ctkit/helper.h) and requests on a session of
 * ctkit/netlink.h. Without CONFIG_NF_CT_NETLINK_HELPER the kernel refuses
 * every request with -EINVAL.
 *
 * Errors: functions return 0 or a negative errno, as in ctkit/netlink.h.
 */
#ifndef CTKIT_HELPER_NL_H
#define CTKIT_HELPER_NL_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/helper.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct ctk_nl;

/* ---- codec (lib/netlink) -------------------------------------------------- */

/* Start a cthelper message: type @msg_type (NFNL_MSG_CTHELPER_*), NLM_F_REQUEST | @flags. */
struct nlmsghdr *ctk_helper_nlmsg(char *buf, uint16_t msg_type, uint16_t flags, uint32_t seq,
				  uint8_t family);
/*
 * ctk_helper_put - append @h's present parts: NFCTH_NAME, NFCTH_QUEUE_NUM,
 * NFCTH_TUPLE {L3PROTONUM, L4PROTONUM}, NFCTH_POLICY {SET_NUM, SET1..},
 * NFCTH_PRIV_DATA_LEN, NFCTH_STATUS. Returns 0 or -EMSGSIZE (-EINVAL for
 * more than CTK_HELPER_POLICY_MAX classes).
 */
int ctk_helper_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_helper *h);
/* ctk_helper_parse - decode a cthelper reply into @h (cleared first); 0 or -EBADMSG. */
int ctk_helper_parse(const struct nlmsghdr *nlh, struct ctk_helper *h);

/* ---- session (lib/netlink) ---------------------------------------------- */

typedef int (*ctk_helper_cb)(const struct ctk_helper *h, void *data);

/* NFNL_MSG_CTHELPER_NEW with NLM_F_CREATE | @nlm_flags (also used to change the status). */
int ctk_nl_helper_create(struct ctk_nl *nl, const struct ctk_helper *h, uint16_t nlm_flags);
int ctk_nl_helper_dump(struct ctk_nl *nl, ctk_helper_cb cb, void *data);
/* Get by @tmpl's name (and tuple parts when present). */
int ctk_nl_helper_get(struct ctk_nl *nl, const struct ctk_helper *tmpl, ctk_helper_cb cb,
		      void *data);
/* Delete by @tmpl's name (and tuple parts); @tmpl NULL: every userspace helper. */
int ctk_nl_helper_delete(struct ctk_nl *nl, const struct ctk_helper *tmpl);

#ifdef __cplusplus
}
#endif
#endif
