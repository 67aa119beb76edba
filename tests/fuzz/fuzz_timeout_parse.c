// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the cttimeout and cthelper decoders. The input is
 * one netlink message; its nlmsg_len is replaced by the input size, as
 * mnl_cb_run would have checked it against the received bytes. Whatever
 * parses must print as text and JSON (into a roomy and a tiny buffer,
 * with the same length), and the re-encoded message must parse back to
 * the same object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink_cthelper.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>
#include <ctkit/helper_nl.h>
#include <ctkit/timeout.h>
#include <ctkit/timeout_nl.h>
#include <ctkit/format.h>

static char msg[65536] __attribute__((aligned(8)));
static char out[65536] __attribute__((aligned(8)));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_print(size_t full, size_t cut, const char *tiny)
{
	if (full != strlen(out) || cut != full || strlen(tiny) != (full < 6 ? full : 6))
		abort();
}

static void timeout_case(const struct nlmsghdr *nlh)
{
	struct ctk_timeout t, back;
	char tiny[7];

	if (ctk_timeout_parse(nlh, &t) < 0)
		return;
	for (int kind = CTK_FMT_DEFAULT; kind <= CTK_FMT_JSON; kind += CTK_FMT_JSON) {
		size_t full = ctk_format_timeout(out, sizeof(out), &t, kind);

		check_print(full, ctk_format_timeout(tiny, sizeof(tiny), &t, kind), tiny);
	}
	/* USE is a reply-only attribute: the encoder never sends it. */
	t.present &= ~CTK_TIMEOUT_ATTR_USE;
	t.use = 0;
	struct nlmsghdr *re = ctk_timeout_nlmsg(out, IPCTNL_MSG_TIMEOUT_NEW, 0, 1);
	if (ctk_timeout_put(re, sizeof(out), &t) < 0 || ctk_timeout_parse(re, &back) < 0 ||
	    memcmp(&t, &back, sizeof(t)) != 0)
		abort();
}

static void helper_case(const struct nlmsghdr *nlh)
{
	struct ctk_helper h, back;
	char tiny[7];

	if (ctk_helper_parse(nlh, &h) < 0)
		return;
	for (int kind = CTK_FMT_DEFAULT; kind <= CTK_FMT_JSON; kind += CTK_FMT_JSON) {
		size_t full = ctk_format_helper(out, sizeof(out), &h, kind);

		check_print(full, ctk_format_helper(tiny, sizeof(tiny), &h, kind), tiny);
	}
	struct nlmsghdr *re = ctk_helper_nlmsg(out, NFNL_MSG_CTHELPER_NEW, 0, 1, 0);
	if (ctk_helper_put(re, sizeof(out), &h) < 0 || ctk_helper_parse(re, &back) < 0)
		abort();
	/* Classes the kernel skipped come back empty but present. */
	if (memcmp(&h, &back, sizeof(h)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;

	if (size < sizeof(*nlh) || size > sizeof(msg))
		return 0;
	memcpy(msg, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	/* Both decoders see every input: neither may trust the type. */
	timeout_case(nlh);
	helper_case(nlh);
	return 0;
}
