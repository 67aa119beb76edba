/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit expectation model: one entry of the kernel's expectation table.
 *
 * A helper (ftp, sip, ...) that sees a control connection announces the
 * connection it expects next: packets matching @expected under @mask
 * become a RELATED entry whose master is @master. Like struct ctk_entry,
 * every field has a presence bit (enum ctk_exp_attr) in @present: a clear
 * bit means the kernel did not send that attribute (or the caller does not
 * want it sent), which differs from present-and-zero.
 *
 * Byte order as in entry.h: addresses in network order, numbers in host
 * order. The mask tuple's ports are masks (65535: must match exactly).
 */
#ifndef CTKIT_EXPECT_H
#define CTKIT_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Expectation flags (CTA_EXPECT_FLAGS), as NF_CT_EXPECT_* of the kernel. */
#define CTK_EXP_F_PERMANENT 0x1		/* survives its first match */
#define CTK_EXP_F_INACTIVE 0x2		/* not matched yet (waits for activation) */
#define CTK_EXP_F_USERSPACE 0x4		/* created through ctnetlink */

#define CTK_EXP_FN_MAX 32		/* expectfn name, NUL included */

enum ctk_exp_attr {
	CTK_EXP_ATTR_MASTER,		/* master tuple (CTA_EXPECT_MASTER) */
	CTK_EXP_ATTR_EXPECTED,		/* expected tuple (CTA_EXPECT_TUPLE) */
	CTK_EXP_ATTR_MASK,		/* mask tuple (CTA_EXPECT_MASK) */
	CTK_EXP_ATTR_TIMEOUT,
	CTK_EXP_ATTR_ID,
	CTK_EXP_ATTR_ZONE,
	CTK_EXP_ATTR_FLAGS,
	CTK_EXP_ATTR_CLASS,
	CTK_EXP_ATTR_HELPER_NAME,
	CTK_EXP_ATTR_NAT_DIR,		/* CTA_EXPECT_NAT: sent only with NAT_TUPLE */
	CTK_EXP_ATTR_NAT_TUPLE,
	CTK_EXP_ATTR_FN,
	CTK_EXP_ATTR_MAX
};

/*
 * struct ctk_expect - an expectation, or a template for a request.
 * Fields are valid only when their CTK_EXP_ATTR_* bit is set in @present.
 */
struct ctk_expect {
	uint32_t present;

	struct ctk_tuple master;
	struct ctk_tuple expected;
	struct ctk_tuple mask;
	struct ctk_tuple nat_tuple;	/* the address/port the expected side is NATed to */

	uint32_t timeout;		/* seconds */
	uint32_t id;
	uint32_t flags;			/* CTK_EXP_F_* */
	uint32_t exp_class;		/* helper-defined class (named so for C++) */
	uint32_t nat_dir;		/* CTK_DIR_ORIG or CTK_DIR_REPLY */
	uint16_t zone;

	char helper_name[CTK_HELPER_NAME_MAX];
	char fn[CTK_EXP_FN_MAX];	/* expectfn name, e.g. "nat-follow-master" */
};

static inline bool ctk_expect_has(const struct ctk_expect *x, enum ctk_exp_attr a)
{
	return (x->present >> a) & 1;
}

static inline void ctk_expect_set(struct ctk_expect *x, enum ctk_exp_attr a)
{
	x->present |= UINT32_C(1) << a;
}

static inline void ctk_expect_unset(struct ctk_expect *x, enum ctk_exp_attr a)
{
	x->present &= ~(UINT32_C(1) << a);
}

/* ctk_expect_clear - make every attribute absent (only the mask). */
static inline void ctk_expect_clear(struct ctk_expect *x)
{
	x->present = 0;
}

/* The address family a request about @x travels with: the master's, else the expected tuple's. */
static inline uint8_t ctk_expect_family(const struct ctk_expect *x)
{
	if (ctk_expect_has(x, CTK_EXP_ATTR_MASTER))
		return x->master.l3num;
	if (ctk_expect_has(x, CTK_EXP_ATTR_EXPECTED))
		return x->expected.l3num;
	return 0;	/* AF_UNSPEC */
}

/* ---- ctnetlink codec (lib/netlink/expect_*.c) ----------------------------- */


struct nlmsghdr;
struct ctk_cpu_stats;

/*
 * ctk_exp_parse - decode an IPCTNL_MSG_EXP_NEW/DELETE message (a dump
 * reply, a get reply or an event) into @x (mask cleared first). Unknown
 * attributes are skipped. Sets *@ev as ctk_ct_parse() does: EXP_NEW with
 * NLM_F_CREATE or NLM_F_EXCL is CTK_EV_NEW, without them CTK_EV_UPDATE,
 * EXP_DELETE CTK_EV_DESTROY, anything else CTK_EV_NONE; @ev may be NULL.
 * Returns 0, or -EBADMSG when the message is malformed or truncated.
 */
int ctk_exp_parse(const struct nlmsghdr *nlh, struct ctk_expect *x, enum ctk_event *ev);

/*
 * ctk_exp_put - append the attributes of every present part of @x to @nlh
 * in libnetfilter_conntrack 1.0.9's order (then CTA_EXPECT_ID, which the
 * library never sends). Returns 0, or -EMSGSIZE when @buflen (the size of
 * the buffer that starts at @nlh) is too small.
 */
int ctk_exp_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x);

/*
 * ctk_exp_nlmsg - start an expectation message in @buf: netlink header
 * with type @msg_type (IPCTNL_MSG_EXP_*) in NFNL_SUBSYS_CTNETLINK_EXP,
 * NLM_F_REQUEST|@flags and @seq, then the nfgenmsg carrying @family.
 */
struct nlmsghdr *ctk_exp_nlmsg(char *buf, uint16_t msg_type, uint16_t flags,
			       uint32_t seq, uint8_t family);

/*
 * ctk_exp_parse_cpu_stats - decode one IPCTNL_MSG_EXP_GET_STATS_CPU reply
 * into the CTK_STAT_EXP_* slots of @s. Returns 0 or -EBADMSG.
 */
int ctk_exp_parse_cpu_stats(const struct nlmsghdr *nlh, struct ctk_cpu_stats *s);

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
struct ctk_nl;

/* ctk_nl_exp_dump - stream the table (@family, AF_UNSPEC: all) into @cb. */
int ctk_nl_exp_dump(struct ctk_nl *nl, uint8_t family, ctk_expect_cb cb, void *data);
/* ctk_nl_exp_count - dump @family's expectations only to count them (conntrack -C expect). */
int ctk_nl_exp_count(struct ctk_nl *nl, uint8_t family, uint32_t *count);
/*
 * ctk_nl_exp_get - the expectation that the present tuple of @tmpl
 * matches. The kernel looks up CTA_EXPECT_TUPLE, else CTA_EXPECT_MASTER,
 * as a connection that the expectation (under its mask) would accept.
 * -ENOENT when there is none.
 */
int ctk_nl_exp_get(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *tmpl,
		   ctk_expect_cb cb, void *data);
/*
 * ctk_nl_exp_create - IPCTNL_MSG_EXP_NEW with NLM_F_CREATE|NLM_F_EXCL:
 * needs the master (an existing connection with a helper, else -ENOENT),
 * expected and mask tuples. -EEXIST when an equal expectation exists.
 */
int ctk_nl_exp_create(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x);
/*
 * ctk_nl_exp_delete - delete the expectation whose expected tuple @x
 * carries (with its id, if present, as a guard), or, without a tuple,
 * every expectation of @x's helper name. -EINVAL when @x has neither (the
 * kernel would empty the table: use ctk_nl_exp_flush for that).
 */
int ctk_nl_exp_delete(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x);
/* ctk_nl_exp_flush - empty the table (nfgenmsg version 0: the kernel empties every family). */
int ctk_nl_exp_flush(struct ctk_nl *nl, uint8_t family);
/* ctk_nl_exp_stats_cpu - per-CPU expectation counters into the CTK_STAT_EXP_* slots. */
int ctk_nl_exp_stats_cpu(struct ctk_nl *nl, ctk_stats_cb cb, void *data);

/* ---- events (lib/netlink/expect_events.c) ---------------------------------- */

/*
 * ctk_exp_event_groups - the bind() group mask (NF_NETLINK_CONNTRACK_EXP_*)
 * for an event mask of CTK_EVENTS_NEW/UPDATE/DESTROY (ctkit/events.h).
 */
unsigned int ctk_exp_event_groups(unsigned int ev_mask);
/*
 * ctk_exp_events_decode - walk one received buffer of netlink messages:
 * each IPCTNL_MSG_EXP_NEW/DELETE is decoded into @scratch and passed to
 * @cb with its event (ctk_exp_parse); other and malformed messages are
 * skipped, as the reference does. Returns the number passed, or
 * -ECANCELED when @cb returned CTK_CB_ERROR (CTK_CB_STOP ends the walk).
 */
int ctk_exp_events_decode(const void *buf, size_t len, struct ctk_expect *scratch,
			  ctk_expect_cb cb, void *data);

#ifdef __cplusplus
}
#endif
#endif
