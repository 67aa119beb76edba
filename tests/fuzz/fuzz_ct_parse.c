// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the ctnetlink decoders. The input is one netlink
 * message; its nlmsg_len is replaced by the input size, as mnl_cb_run
 * would have checked it against the received bytes. Whatever parses must
 * also re-encode, and the re-encoded message must parse again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <ctkit/netlink.h>

static struct ctk_entry entry;
static char out[65536] __attribute__((aligned(8)));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reencode(const struct nlmsghdr *in)
{
	struct nlmsghdr *nlh = ctk_entry_nlmsg(out, 0, 0, in->nlmsg_seq, AF_INET);

	if (ctk_entry_put(nlh, sizeof(out), &entry) != 0)
		abort();
	if (ctk_entry_parse(nlh, &entry, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	struct ctk_cpu_stats stats;
	enum ctk_event ev;
	uint32_t count;

	if (size < sizeof(*nlh) || size > 65535)
		return 0;
	/* A copy of exactly @size bytes, aligned, so ASan sees every overread. */
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	nlh->nlmsg_len = size;
	if (ctk_entry_parse(nlh, &entry, &ev) == 0)
		reencode(nlh);
	(void)ctk_cpu_stats_parse(nlh, &stats);
	(void)ctk_entry_count_parse(nlh, &count);
	free(nlh);
	return 0;
}
