// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Timeout policies over a session: create, dump, get, delete (and flush),
 * default-set and default-get, as nfct 1.4.7 asks for them. Replies are
 * decoded one by one into a policy on the stack of the request.
 */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>
#include <ctkit/timeout.h>
#include <ctkit/timeout_nl.h>
#include "netlink/session.h"

struct timeout_sink {
	ctk_timeout_cb cb;
	void *data;
	struct ctk_timeout t;
};

static int timeout_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	struct timeout_sink *sink = run->data;
	int ret;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK_TIMEOUT)
		return MNL_CB_OK;
	ret = ctk_timeout_parse(nlh, &sink->t);
	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	if (!sink->cb)
		return MNL_CB_OK;
	return ctknl_verdict(run, sink->cb(&sink->t, sink->data));
}

/* One request; its replies (if any) go to @cb. */
static int request(struct ctk_nl *nl, uint16_t type, uint16_t flags, const struct ctk_timeout *t,
		   ctk_timeout_cb cb, void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct timeout_sink sink = {.cb = cb, .data = data};
	struct ctknl_run run = {.data = &sink};
	struct nlmsghdr *nlh = ctk_timeout_nlmsg(buf, type, flags, 0);
	int ret = t ? ctk_timeout_put(nlh, sizeof(buf), t) : 0;

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, timeout_reply_cb, &run);
}

static void name_only(struct ctk_timeout *t, const char *name)
{
	*t = (struct ctk_timeout){0};
	ctk_timeout_set_name(t, name);
}

int ctk_nl_timeout_create(struct ctk_nl *nl, const struct ctk_timeout *t, uint16_t nlm_flags)
{
	return request(nl, IPCTNL_MSG_TIMEOUT_NEW, NLM_F_CREATE | NLM_F_ACK | nlm_flags, t,
		       NULL, NULL);
}

int ctk_nl_timeout_dump(struct ctk_nl *nl, ctk_timeout_cb cb, void *data)
{
	return request(nl, IPCTNL_MSG_TIMEOUT_GET, NLM_F_DUMP, NULL, cb, data);
}

int ctk_nl_timeout_get(struct ctk_nl *nl, const char *name, ctk_timeout_cb cb, void *data)
{
	struct ctk_timeout t;

	name_only(&t, name);
	return request(nl, IPCTNL_MSG_TIMEOUT_GET, NLM_F_ACK, &t, cb, data);
}

int ctk_nl_timeout_delete(struct ctk_nl *nl, const char *name)
{
	struct ctk_timeout t;

	if (!name)
		return request(nl, IPCTNL_MSG_TIMEOUT_DELETE, NLM_F_ACK, NULL, NULL, NULL);
	name_only(&t, name);
	return request(nl, IPCTNL_MSG_TIMEOUT_DELETE, NLM_F_ACK, &t, NULL, NULL);
}

int ctk_nl_timeout_default_set(struct ctk_nl *nl, const struct ctk_timeout *t)
{
	return request(nl, IPCTNL_MSG_TIMEOUT_DEFAULT_SET, NLM_F_ACK, t, NULL, NULL);
}

int ctk_nl_timeout_default_get(struct ctk_nl *nl, uint16_t l3proto, uint8_t l4proto,
			       ctk_timeout_cb cb, void *data)
{
	struct ctk_timeout t = {
		.present = CTK_TIMEOUT_ATTR_L3PROTO | CTK_TIMEOUT_ATTR_L4PROTO,
		.l3proto = l3proto,
		.l4proto = l4proto,
	};

	return request(nl, IPCTNL_MSG_TIMEOUT_DEFAULT_GET, NLM_F_ACK, &t, cb, data);
}
