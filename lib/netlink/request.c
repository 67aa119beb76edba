// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Single requests: get, create/update, delete, flush, count. Each waits
 * for the kernel's ack, so its errno comes back to the caller.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "netlink/codec.h"
#include "netlink/session.h"

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/*
 * put_key - what identifies an entry: the orig tuple (else the reply one)
 * with its tuple zone, then CTA_ZONE, as the reference sends them.
 */
int ctknl_put_key(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	const struct ctk_tuple *t = &e->orig;
	const uint16_t *zone = ctk_entry_has(e, CTK_ATTR_ORIG_ZONE) ? &e->orig_zone : NULL;
	uint16_t type = CTA_TUPLE_ORIG;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG)) {
		if (!ctk_entry_has(e, CTK_ATTR_REPLY))
			return -EINVAL;
		t = &e->reply;
		zone = ctk_entry_has(e, CTK_ATTR_REPLY_ZONE) ? &e->reply_zone : NULL;
		type = CTA_TUPLE_REPLY;
	}
	if (!ctknl_put_tuple(nlh, buflen, type, t, zone))
		return -EMSGSIZE;
	if (ctk_entry_has(e, CTK_ATTR_ZONE) &&
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_ZONE, htons(e->zone)))
		return -EMSGSIZE;
	return 0;
}

int ctk_nl_get(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *tmpl, ctk_entry_cb cb,
	       void *data)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.entry_cb = cb, .data = data};
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET, NLM_F_ACK, 0, family);
	int ret = ctknl_put_key(nlh, sizeof(buf), tmpl);

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, ctknl_entry_cb, &run);
}

int ctk_nl_create(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *e, uint16_t nlm_flags)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {0};
	struct nlmsghdr *nlh =
		ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, nlm_flags | NLM_F_ACK, 0, family);
	int ret = ctk_entry_put(nlh, sizeof(buf), e);

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, ignore_cb, &run);
}

int ctknl_put_delete(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	int ret = ctknl_put_key(nlh, buflen, e);

	if (ret < 0)
		return ret;
	/* The id makes sure we delete this entry, not a successor with its tuple. */
	if (ctk_entry_has(e, CTK_ATTR_ID) &&
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_ID, htonl(e->id)))
		return -EMSGSIZE;
	return 0;
}

int ctk_nl_delete(struct ctk_nl *nl, uint8_t family, const struct ctk_entry *e)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {0};
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, 0, family);
	int ret = ctknl_put_delete(nlh, sizeof(buf), e);

	if (ret < 0)
		return ret;
	return ctknl_request(nl, nlh, ignore_cb, &run);
}

/*
 * The kernel flushes every family when nfgenmsg's version is 0, whatever
 * the family says (old tools sent AF_INET and meant "all"); version 1 asks
 * it to honour the family (Linux >= 5.3).
 */
static int flush(struct ctk_nl *nl, uint8_t family, uint8_t version)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {0};
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, 0, family);
	struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	nfg->version = version;
	return ctknl_request(nl, nlh, ignore_cb, &run);
}

/* As conntrack 1.4.7: version 0, so "-F -f ipv6" empties the whole table. */
int ctk_nl_flush(struct ctk_nl *nl, uint8_t family)
{
	return flush(nl, family, NFNETLINK_V0);
}

int ctk_nl_flush_family(struct ctk_nl *nl, uint8_t family)
{
	return flush(nl, family, family == AF_UNSPEC ? NFNETLINK_V0 : 1);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctknl_run *run = data;
	int ret = ctk_entry_count_parse(nlh, run->data);

	if (ret < 0) {
		run->err = ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int ctk_nl_count(struct ctk_nl *nl, uint32_t *count)
{
	char buf[CTKNL_SEND_SIZE];
	struct ctknl_run run = {.data = count};
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, 0, AF_UNSPEC);

	return ctknl_request(nl, nlh, count_cb, &run);
}
