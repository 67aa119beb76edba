// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Userspace helpers over a session (NFNL_SUBSYS_CTHELPER), as nfct 1.4.7
 * asks: create (and disable), dump, get, delete and flush.
 */
#include <errno.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cthelper.h>
#include <ctkit/helper_nl.h>
#include "netlink/session.h"

struct helper_sink {
	ctk_helper_cb cb;
	void *data;
	struct ctk_helper h;
};

static int helper_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct helper_sink *sink = run->data;
	int ret;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTHELPER)
		return MNL_CB_OK;
	ret = ctk_helper_parse(nlh, &sink->h);
	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	if (!sink->cb)
		return MNL_CB_OK;
	return ctknl_verdict(run, sink->cb(&sink->h, sink->data));
}

static int request(struct ctk_nl *nl, uint16_t type, uint16_t flags, const struct ctk_helper *h,
		   ctk_helper_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct helper_sink sink = {.cb = cb, .data = data};
	struct ctknl_run run = {.data = &sink};
	struct nlmsghdr *nlh = ctk_helper_nlmsg(buf, type, flags, 0, AF_UNSPEC);
	int ret = h ? ctk_helper_put(nlh, sizeof(buf), h) : 0;

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, helper_reply_cb, &run);
}

int ctk_nl_helper_create(struct ctk_nl *nl, const struct ctk_helper *h, uint16_t nlm_flags)
{
	return request(nl, NFNL_MSG_CTHELPER_NEW, NLM_F_CREATE | NLM_F_ACK | nlm_flags, h, NULL,
		       NULL);
}

int ctk_nl_helper_dump(struct ctk_nl *nl, ctk_helper_cb cb, void *data)
{
	return request(nl, NFNL_MSG_CTHELPER_GET, NLM_F_DUMP, NULL, cb, data);
}

int ctk_nl_helper_get(struct ctk_nl *nl, const struct ctk_helper *tmpl, ctk_helper_cb cb,
		      void *data)
{
	return request(nl, NFNL_MSG_CTHELPER_GET, NLM_F_ACK, tmpl, cb, data);
}

int ctk_nl_helper_delete(struct ctk_nl *nl, const struct ctk_helper *tmpl)
{
	return request(nl, NFNL_MSG_CTHELPER_DEL, NLM_F_ACK, tmpl, NULL, NULL);
}
