// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dumps: the conntrack table (or its dying/unconfirmed lists) streamed
 * message by message into one reused entry, and the per-CPU statistics.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "netlink/session.h"

int ctknl_verdict(struct ctknl_run *run, int ret)
{
	if (ret == CTK_CB_STOP) {
		run->stopped = true;
		return MNL_CB_STOP;
	}
	if (ret < 0) {
		run->err = -ECANCELED;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* Also used by ctk_nl_get: a reply entry goes to the caller with no event. */
int ctknl_entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct ctk_entry *e = &run->nl->entry;
	int ret;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return MNL_CB_OK;
	ret = ctk_entry_parse(nlh, e, NULL);
	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	return ctknl_verdict(run, run->entry_cb(e, CTK_EV_NONE, run->data));
}

static uint8_t dump_type(const struct ctk_dump_opts *o)
{
	switch (o->table) {
	case CTK_TABLE_DYING:
		return IPCTNL_MSG_CT_GET_DYING;
	case CTK_TABLE_UNCONFIRMED:
		return IPCTNL_MSG_CT_GET_UNCONFIRMED;
	default:
		return o->zero ? IPCTNL_MSG_CT_GET_CTRZERO : IPCTNL_MSG_CT_GET;
	}
}

static const struct ctk_dump_opts dump_all = {.family = AF_UNSPEC};

/* The dump request for @o into @buf (CTKNL_SEND_SIZE bytes); NULL with *@err on failure. */
static struct nlmsghdr *dump_request(char *buf, const struct ctk_dump_opts *o, int *err)
{
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, dump_type(o), NLM_F_DUMP, 0, o->family);

	*err = ctknl_put_dump_filter(nlh, CTKNL_SEND_SIZE, o);
	return *err < 0 ? NULL : nlh;
}

int ctk_nl_dump(struct ctk_nl *nl, const struct ctk_dump_opts *o, ctk_entry_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.entry_cb = cb, .data = data};
	struct nlmsghdr *nlh;
	int ret;

	if (!o)
		o = &dump_all;
	run.read_ahead = o->read_ahead;
	nlh = dump_request(buf, o, &ret);
	if (!nlh)
		return ret;
	return ctknl_request(nl, nlh, ctknl_entry_cb, &run);
}

int ctk_nl_dump_start(struct ctk_nl *nl, const struct ctk_dump_opts *o, ctk_entry_cb cb,
		      void *data)
{
	char buf[CTKNL_SEND_SIZE];
	const struct ctknl_run run = {.entry_cb = cb, .data = data};
	struct nlmsghdr *nlh;
	int ret;

	nlh = dump_request(buf, o ? o : &dump_all, &ret);
	if (!nlh)
		return ret;
	return ctknl_start(nl, nlh, ctknl_entry_cb, &run);
}

static int cpu_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct ctk_cpu_stats s;
	int ret = ctk_cpu_stats_parse(nlh, &s);

	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	return ctknl_verdict(run, run->stats_cb(&s, run->data));
}

int ctk_nl_stats_cpu(struct ctk_nl *nl, ctk_stats_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.stats_cb = cb, .data = data};
	struct nlmsghdr *nlh =
		ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, 0, AF_UNSPEC);

	return ctknl_request(nl, nlh, cpu_stats_cb, &run);
}
