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
 * The kernel side is in ctkit/helper_nl.h, text and JSON in ctkit/format.h.
 *
 * Errors: functions return 0 or a negative errno (netlink.h conventions).
 */
#ifndef CTKIT_HELPER_H
#define CTKIT_HELPER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif
#endif
