/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The expectation table over ctnetlink (NFNL_SUBSYS_CTNETLINK_EXP): the
 * codec of struct ctk_expect (ctkit/expect.h), requests on a session of
 * ctkit/netlink.h and expectation events on a handle of ctkit/events.h.
 *
 * Errors: functions return 0 (or a count) or a negative errno, as in
 * ctkit/netlink.h.
 */
#ifndef CTKIT_EXPECT_NL_H
#define CTKIT_EXPECT_NL_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/types.h>
#include <ctkit/expect.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct ctk_nl;

/* ---- ctnetlink codec (lib/netlink/expect_*.c) ----------------------------- */


/*
 * ctk_expect_parse - decode an IPCTNL_MSG_EXP_NEW/DELETE message (a dump
 * reply, a get reply or an event) into @x (mask cleared first). Unknown
 * attributes are skipped. Sets *@ev as ctk_entry_parse() does: EXP_NEW with
 * NLM_F_CREATE or NLM_F_EXCL is CTK_EV_NEW, without them CTK_EV_UPDATE,
 * EXP_DELETE CTK_EV_DESTROY, anything else CTK_EV_NONE; @ev may be NULL.
 * Returns 0, or -EBADMSG when the message is malformed or truncated.
 */
int ctk_expect_parse(const struct nlmsghdr *nlh, struct ctk_expect *x, enum ctk_event *ev);

/*
 * ctk_expect_put - append the attributes of every present part of @x to @nlh
 * in libnetfilter_conntrack 1.0.9's order (then CTA_EXPECT_ID, which the
 * library never sends). Returns 0, or -EMSGSIZE when @buflen (the size of
 * the buffer that starts at @nlh) is too small.
 */
int ctk_expect_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x);

/*
 * ctk_expect_nlmsg - start an expectation message in @buf: netlink header
 * with type @msg_type (IPCTNL_MSG_EXP_*) in NFNL_SUBSYS_CTNETLINK_EXP,
 * NLM_F_REQUEST|@flags and @seq, then the nfgenmsg carrying @family.
 */
struct nlmsghdr *ctk_expect_nlmsg(char *buf, uint16_t msg_type, uint16_t flags,
			       uint32_t seq, uint8_t family);

/*
 * ctk_expect_cpu_stats_parse - decode one IPCTNL_MSG_EXP_GET_STATS_CPU reply
 * into the CTK_STAT_EXP_* slots of @s. Returns 0 or -EBADMSG.
 */
int ctk_expect_cpu_stats_parse(const struct nlmsghdr *nlh, struct ctk_cpu_stats *s);

/* ---- session (lib/netlink/expect_session.c) -------------------------------- */

/*
 * The expectation table over a session of ctkit/netlink.h (same errors:
 * 0 or a negative errno, a kernel NLMSG_ERROR as its errno). Replies are
 * decoded into one expectation owned by the request and handed to @cb
 * with CTK_EV_NONE; @cb returns CTK_CB_OK, CTK_CB_STOP or CTK_CB_ERROR
 * (then -ECANCELED). Where a @family is AF_UNSPEC for a request about an
 * expectation, the expectation's own (ctk_expect_family) is sent, as the
 * reference does. The kernel has no expectation count message.
 */
/* ctk_nl_expect_dump - stream the table (@family, AF_UNSPEC: all) into @cb. */
int ctk_nl_expect_dump(struct ctk_nl *nl, uint8_t family, ctk_expect_cb cb, void *data);
/* ctk_nl_expect_count - dump @family's expectations only to count them (conntrack -C expect). */
int ctk_nl_expect_count(struct ctk_nl *nl, uint8_t family, uint32_t *count);
/*
 * ctk_nl_expect_get - the expectation that the present tuple of @tmpl
 * matches. The kernel looks up CTA_EXPECT_TUPLE, else CTA_EXPECT_MASTER,
 * as a connection that the expectation (under its mask) would accept.
 * -ENOENT when there is none.
 */
int ctk_nl_expect_get(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *tmpl,
		   ctk_expect_cb cb, void *data);
/*
 * ctk_nl_expect_create - IPCTNL_MSG_EXP_NEW with NLM_F_CREATE|NLM_F_EXCL:
 * needs the master (an existing connection with a helper, else -ENOENT),
 * expected and mask tuples. -EEXIST when an equal expectation exists.
 */
int ctk_nl_expect_create(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x);
/*
 * ctk_nl_expect_delete - delete the expectation whose expected tuple @x
 * carries (with its id, if present, as a guard), or, without a tuple,
 * every expectation of @x's helper name. -EINVAL when @x has neither (the
 * kernel would empty the table: use ctk_nl_expect_flush for that).
 */
int ctk_nl_expect_delete(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x);
/* ctk_nl_expect_flush - empty the table (nfgenmsg version 0: the kernel empties every family). */
int ctk_nl_expect_flush(struct ctk_nl *nl, uint8_t family);
/* ctk_nl_expect_stats_cpu - per-CPU expectation counters into the CTK_STAT_EXP_* slots. */
int ctk_nl_expect_stats_cpu(struct ctk_nl *nl, ctk_stats_cb cb, void *data);

/* ---- events (lib/netlink/expect_events.c) ---------------------------------- */

/*
 * ctk_expect_event_groups - the bind() group mask (NF_NETLINK_CONNTRACK_EXP_*)
 * for an event mask of CTK_EVENTS_NEW/UPDATE/DESTROY (ctkit/events.h).
 */
unsigned int ctk_expect_event_groups(unsigned int ev_mask);
/*
 * ctk_expect_events_decode - walk one received buffer of netlink messages:
 * each IPCTNL_MSG_EXP_NEW/DELETE is decoded into @scratch and passed to
 * @cb with its event (ctk_expect_parse); other and malformed messages are
 * skipped, as the reference does. Returns the number passed, or
 * -ECANCELED when @cb returned CTK_CB_ERROR (CTK_CB_STOP ends the walk).
 */
int ctk_expect_events_decode(const void *buf, size_t len, struct ctk_expect *scratch,
			  ctk_expect_cb cb, void *data);

#ifdef __cplusplus
}
#endif
#endif
