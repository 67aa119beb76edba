// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The expectation table over a session: dump, get, create, delete, flush,
 * count and per-CPU statistics (NFNL_SUBSYS_CTNETLINK_EXP). Requests are
 * built as libnetfilter_conntrack 1.0.9 builds them for conntrack 1.4.7,
 * so the kernel sees the same messages; replies stream through one
 * expectation on the stack of the request, never one allocation each.
 */
#include <errno.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/expect.h>
#include <ctkit/expect_nl.h>
#include "netlink/session.h"

/* What a reply loop needs besides the run: the caller's callback and the scratch expectation. */
struct exp_sink {
	ctk_expect_cb cb;
	void *data;
	uint32_t count;
	struct ctk_expect x;
};

static int exp_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct exp_sink *sink = run->data;
	int ret;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK_EXP)
		return MNL_CB_OK;
	ret = ctk_expect_parse(nlh, &sink->x, NULL);
	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	sink->count++;
	if (!sink->cb)
		return MNL_CB_OK;
	return ctknl_verdict(run, sink->cb(&sink->x, CTK_EV_NONE, sink->data));
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* The family a request about @x travels with when the caller gave none. */
static uint8_t family_of(uint8_t family, const struct ctk_expect *x)
{
	return family != AF_UNSPEC ? family : ctk_expect_family(x);
}

static int dump(struct ctk_nl *nl, uint8_t family, struct exp_sink *sink)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.data = sink};
	struct nlmsghdr *nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, 0, family);

	return ctknl_request(nl, nlh, exp_reply_cb, &run);
}

int ctk_nl_expect_dump(struct ctk_nl *nl, uint8_t family, ctk_expect_cb cb, void *data)
{
	struct exp_sink sink = {.cb = cb, .data = data};

	return dump(nl, family, &sink);
}

int ctk_nl_expect_count(struct ctk_nl *nl, uint8_t family, uint32_t *count)
{
	struct exp_sink sink = {0};
	int ret = dump(nl, family, &sink);

	if (ret == 0)
		*count = sink.count;
	return ret;
}

int ctk_nl_expect_get(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *tmpl,
		   ctk_expect_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct exp_sink sink = {.cb = cb, .data = data};
	struct ctknl_run run = {.data = &sink};
	struct nlmsghdr *nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_GET, NLM_F_ACK, 0,
					     family_of(family, tmpl));
	int ret = ctk_expect_put(nlh, sizeof(buf), tmpl);

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, exp_reply_cb, &run);
}

/* A request answered by an ack only. */
static int ack_request(struct ctk_nl *nl, uint16_t type, uint16_t flags, uint8_t family,
		       const struct ctk_expect *x)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {0};
	struct nlmsghdr *nlh = ctk_expect_nlmsg(buf, type, flags | NLM_F_ACK, 0, family);
	int ret = x ? ctk_expect_put(nlh, sizeof(buf), x) : 0;

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, ignore_cb, &run);
}

int ctk_nl_expect_create(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x)
{
	return ack_request(nl, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL,
			   family_of(family, x), x);
}

/*
 * The kernel deletes by CTA_EXPECT_TUPLE (checking CTA_EXPECT_ID when
 * sent), else every expectation of CTA_EXPECT_HELP_NAME, else it empties
 * the whole table: a request with neither is refused here, so that a
 * template missing its tuple never flushes by accident.
 */
int ctk_nl_expect_delete(struct ctk_nl *nl, uint8_t family, const struct ctk_expect *x)
{
	if (!ctk_expect_has(x, CTK_EXPECT_ATTR_EXPECTED) && !ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		return -EINVAL;
	return ack_request(nl, IPCTNL_MSG_EXP_DELETE, 0, family_of(family, x), x);
}

/* An EXP_DELETE without attributes empties the table (version 0: every family). */
int ctk_nl_expect_flush(struct ctk_nl *nl, uint8_t family)
{
	return ack_request(nl, IPCTNL_MSG_EXP_DELETE, 0, family, NULL);
}

static int exp_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct ctk_cpu_stats s;
	/*
	 * Every reply of this dump is one CPU's record. Check no subsystem: the
	 * kernel labels them NFNL_SUBSYS_CTNETLINK (type 0x103), not _EXP.
	 */
	int ret = ctk_expect_cpu_stats_parse(nlh, &s);
	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	return ctknl_verdict(run, run->stats_cb(&s, run->data));
}

int ctk_nl_expect_stats_cpu(struct ctk_nl *nl, ctk_stats_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.stats_cb = cb, .data = data};
	struct nlmsghdr *nlh =
		ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, 0, AF_UNSPEC);

	return ctknl_request(nl, nlh, exp_stats_cb, &run);
}
