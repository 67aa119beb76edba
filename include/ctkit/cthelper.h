/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit userspace helpers: the cthelper subsystem (NFNL_SUBSYS_CTHELPER).
 *
 * A userspace helper is a conntrack helper (ftp, tftp, ...) whose parsing
 * runs in a program (conntrackd) instead of the kernel: the kernel queues
 * the matching packets to userspace and takes the expectations back. The
 * kernel needs CONFIG_NF_CT_NETLINK_HELPER; without it every request is
 * refused with -EINVAL (nfnetlink knows no such subsystem).
 *
 * Errors: functions return 0 or a negative errno (netlink.h conventions).
 */
#ifndef CTKIT_CTHELPER_H
#define CTKIT_CTHELPER_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/format.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct ctk_nl;

#define CTK_HELPER_NAME_LEN 16		/* NF_CT_HELPER_NAME_LEN, NUL included */
#define CTK_HELPER_POLICY_MAX 4		/* NFCTH_POLICY_SET_MAX */

enum ctk_helper_attr {
	CTK_HELPER_ATTR_NAME = 1 << 0,
	CTK_HELPER_ATTR_L3PROTO = 1 << 1,	/* NFCTH_TUPLE */
	CTK_HELPER_ATTR_L4PROTO = 1 << 2,	/* NFCTH_TUPLE */
	CTK_HELPER_ATTR_QUEUE = 1 << 3,
	CTK_HELPER_ATTR_POLICY = 1 << 4,	/* @npolicies expectation classes */
	CTK_HELPER_ATTR_PRIV_LEN = 1 << 5,
	CTK_HELPER_ATTR_STATUS = 1 << 6,
};

#define CTK_HELPER_DISABLED 0		/* NFCT_HELPER_STATUS_DISABLED */
#define CTK_HELPER_ENABLED 1

/* One expectation class of a helper. */
struct ctk_helper_policy {
	char name[CTK_HELPER_NAME_LEN];
	uint32_t expect_max;
	uint32_t expect_timeout;	/* seconds */
};

struct ctk_helper {
	uint32_t present;		/* enum ctk_helper_attr */
	char name[CTK_HELPER_NAME_LEN];
	uint16_t l3proto;
	uint8_t l4proto;
	uint32_t queue;			/* NFQUEUE number the packets go to */
	uint32_t priv_data_len;		/* bytes of per-connection helper data */
	uint32_t status;		/* CTK_HELPER_ENABLED / _DISABLED */
	uint32_t npolicies;
	struct ctk_helper_policy policy[CTK_HELPER_POLICY_MAX];
};

/* Copy @name, cut to CTK_HELPER_NAME_LEN - 1 bytes. */
void ctk_helper_set_name(struct ctk_helper *h, const char *name);

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

/* ---- output (lib/format) ------------------------------------------------ */

/*
 * ctk_format_helper - text as nfct_helper_snprintf() of
 * libnetfilter_cthelper 1.0.x (expectation classes are not printed
 * there), or one JSON object. snprintf() semantics, no newline.
 */
size_t ctk_format_helper(char *buf, size_t size, const struct ctk_helper *h,
			 enum ctk_fmt_kind kind);

#ifdef __cplusplus
}
#endif
#endif
