// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Batched requests: many ctnetlink messages in one sendmsg(). The kernel
 * runs through them in order within that one call; only the last asks
 * for an ack, failures are acked regardless, so the replies are the
 * failures plus one ack, matched to requests by sequence number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "netlink/batch.h"
#include "netlink/session.h"

/*
 * Under the default socket send buffer (netlink refuses a message larger
 * than sk_sndbuf), and a few hundred requests: the syscalls are amortised.
 */
#define BATCH_BYTES (64 * 1024)

struct ctk_nl_batch {
	struct ctk_nl *nl;
	ctk_batch_err_cb err_cb;
	ctk_batch_entry_cb entry_cb;	/* answers to queued gets */
	void *data;
	struct ctk_entry scratch;	/* one reused entry for those answers */
	unsigned long next_index;  /* number of the next request queued */
	unsigned long first_index; /* number of the first one in @buf */
	uint32_t first_seq;
	size_t len;
	size_t last; /* offset of the last message in @buf */
	char buf[BATCH_BYTES];
};

struct ctk_nl_batch *ctk_nl_batch_new(struct ctk_nl *nl, ctk_batch_err_cb cb, void *data)
{
	struct ctk_nl_batch *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	b->nl = nl;
	b->err_cb = cb;
	b->entry_cb = NULL;
	b->data = data;
	b->next_index = b->first_index = 0;
	b->len = b->last = 0;
	return b;
}

void ctk_nl_batch_free(struct ctk_nl_batch *b)
{
	free(b);
}

/* One reply: a failure for its request, and whether it is the batch's last ack. */
static bool reply(struct ctk_nl_batch *b, const struct nlmsghdr *nlh, uint32_t last_seq)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	uint32_t n = nlh->nlmsg_seq - b->first_seq;

	/* Stale replies of an earlier exchange fall outside the range. */
	if (n > last_seq - b->first_seq)
		return false;
	if (nlh->nlmsg_type != NLMSG_ERROR) {
		/*
		 * The answer to a queued get: the entry, under its request's
		 * number. One the codec refuses is still that request's one
		 * result: an error.
		 */
		if (ctk_entry_parse(nlh, &b->scratch, NULL) < 0) {
			if (b->err_cb)
				b->err_cb(b->first_index + n, -EBADMSG, b->data);
		} else if (b->entry_cb) {
			b->entry_cb(b->first_index + n, &b->scratch, b->data);
		}
		return false;
	}
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return false;
	if (e->error && b->err_cb)
		b->err_cb(b->first_index + n, e->error < 0 ? e->error : -e->error, b->data);
	return nlh->nlmsg_seq == last_seq;
}

static int collect(struct ctk_nl_batch *b, uint32_t last_seq)
{
	struct ctk_nl *nl = b->nl;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, CTKNL_RECV_SIZE);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int left = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid)
				continue;
			if (reply(b, nlh, last_seq))
				return 0;
		}
	}
}

int ctk_nl_batch_send(struct ctk_nl_batch *b)
{
	struct nlmsghdr *last = (struct nlmsghdr *)(b->buf + b->last);
	int ret;

	if (!b->len)
		return 0;
	last->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(b->nl->sock, b->buf, b->len) < 0)
		ret = -errno;
	else
		ret = collect(b, last->nlmsg_seq);
	if (ret < 0)
		b->nl->stale = true; /* acks may still be on their way */
	b->first_index = b->next_index;
	b->len = b->last = 0;
	return ret;
}

typedef int (*build_fn)(struct nlmsghdr *nlh, size_t room, const struct ctk_entry *e);

static long queue(struct ctk_nl_batch *b, uint16_t type, uint16_t flags, uint8_t family,
		  const struct ctk_entry *e, build_fn build)
{
	struct nlmsghdr *nlh;
	int ret;

	for (int tries = 0; tries < 2; tries++) {
		if (BATCH_BYTES - b->len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))) {
			ret = ctk_nl_batch_send(b);
			if (ret < 0)
				return ret;
		}
		if (!b->len) {
			ret = ctknl_ready(b->nl);
			if (ret < 0)
				return ret;
		}
		nlh = ctk_entry_nlmsg(b->buf + b->len, type, flags, 0, family);
		ret = build(nlh, BATCH_BYTES - b->len, e);
		if (ret == 0) {
			nlh->nlmsg_seq = ctknl_next_seq(b->nl);
			if (!b->len)
				b->first_seq = nlh->nlmsg_seq;
			b->last = b->len;
			b->len += MNL_ALIGN(nlh->nlmsg_len);
			return b->next_index++;
		}
		if (ret != -EMSGSIZE || !b->len)
			return ret; /* too big even for an empty batch */
		ret = ctk_nl_batch_send(b);
		if (ret < 0)
			return ret;
	}
	return -EMSGSIZE;
}

static int build_create(struct nlmsghdr *nlh, size_t room, const struct ctk_entry *e)
{
	return ctk_entry_put(nlh, room, e);
}

long ctk_nl_batch_delete(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e)
{
	return queue(b, IPCTNL_MSG_CT_DELETE, 0, family, e, ctknl_put_delete);
}

long ctk_nl_batch_create(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e,
			 uint16_t nlm_flags)
{
	return queue(b, IPCTNL_MSG_CT_NEW, nlm_flags, family, e, build_create);
}

size_t ctknl_batch_room(const struct ctk_nl_batch *b)
{
	return BATCH_BYTES - b->len;
}

void ctknl_batch_discard(struct ctk_nl_batch *b)
{
	b->first_index = b->next_index;
	b->len = b->last = 0;
}

void ctk_nl_batch_on_entry(struct ctk_nl_batch *b, ctk_batch_entry_cb cb)
{
	b->entry_cb = cb;
}

long ctk_nl_batch_get(struct ctk_nl_batch *b, uint8_t family, const struct ctk_entry *e)
{
	return queue(b, IPCTNL_MSG_CT_GET, 0, family, e, ctknl_put_key);
}
