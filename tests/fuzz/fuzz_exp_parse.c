// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the expectation decoders. The input is one netlink
 * message; its nlmsg_len is replaced by the input size, as mnl_cb_run
 * would have checked it against the received bytes. Whatever parses must
 * print in every kind (into a roomy and a tiny buffer) and re-encode, and
 * the re-encoded message must parse again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/expect.h>
#include <ctkit/format.h>
#include <ctkit/expect_nl.h>

static struct ctk_expect expect;
static char out[65536] __attribute__((aligned(8)));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void print_all(enum ctk_event ev)
{
	struct ctk_fmt fmt = { .flags = CTK_FMT_F_TIMESTAMP, .now = 1 };
	char tiny[7];

	for (int kind = CTK_FMT_DEFAULT; kind <= CTK_FMT_JSON; kind++) {
		size_t full, cut;

		fmt.kind = kind;
		full = ctk_format_expect(out, sizeof(out), &expect, ev, &fmt);
		cut = ctk_format_expect(tiny, sizeof(tiny), &expect, ev, &fmt);
		if (full != cut || full != strlen(out) || strlen(tiny) != (full < 6 ? full : 6))
			abort();
	}
}

static void reencode(void)
{
	struct nlmsghdr *nlh = ctk_expect_nlmsg(out, IPCTNL_MSG_EXP_NEW, 0, 1,
					     ctk_expect_family(&expect));

	if (ctk_expect_put(nlh, sizeof(out), &expect) != 0)
		abort();
	if (ctk_expect_parse(nlh, &expect, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	struct ctk_cpu_stats stats;
	enum ctk_event ev;

	if (size < sizeof(*nlh) || size > 65535)
		return 0;
	/* A copy of exactly @size bytes, aligned, so ASan sees every overread. */
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	nlh->nlmsg_len = size;
	if (ctk_expect_parse(nlh, &expect, &ev) == 0) {
		print_all(ev);
		reencode();
	}
	(void)ctk_expect_cpu_stats_parse(nlh, &stats);
	free(nlh);
	return 0;
}
