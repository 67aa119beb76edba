// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the sync wire codec. The input is one transport
 * payload: it is framed with ctk_sync_hdr_parse as a receiving daemon
 * would, and each data message is parsed as an entry or an expectation.
 * Whatever parses is built again, and that message must parse, keep the
 * values the reference always carries, and reach a fixed point: building
 * what it parses to gives the same bytes after at most one more round (the
 * builder drops what the reference would not send, e.g. ports of
 * udplite). A control message must build again to its own bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/sync.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ctk_entry e1, e2;
static struct ctk_expect x1, x2;
static uint8_t out1[CTK_SYNC_MSG_MAX], out2[CTK_SYNC_MSG_MAX];

/* The line of a failed check goes to stderr, next to libFuzzer's report. */
#define check(ok) check_at((ok), __LINE__)

static void check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "fuzz_sync_msg.c:%d: check failed\n", line);
		abort();
	}
}

static bool same_tuple_addrs(const struct ctk_tuple *a, const struct ctk_tuple *b)
{
	return a->l3num == b->l3num && a->l4num == b->l4num &&
	       !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst));
}

/* What the sender's configuration was, as far as the message shows it. */
static unsigned int options(const struct ctk_entry *e)
{
	unsigned int flags = ctk_entry_has(e, CTK_ATTR_TIMEOUT) ? 0 : CTK_SYNC_NO_TIMEOUT;

	if (ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_ORIG))
		flags |= CTK_SYNC_TCP_WSCALE;
	return flags;
}

/*
 * One normalisation may change a message (a port pair the reference would
 * not send, NAT ports derived from it), a second must not: parse and build
 * then agree for good.
 */
static void ct_fixed_point(const uint8_t *msg, const struct ctk_sync_hdr *h)
{
	int n1, n2, n3;

	if (ctk_sync_ct_parse(msg, h->len, &e1) != 0)
		return;
	n1 = ctk_sync_ct_build(out1, sizeof(out1), h->type, &e1, options(&e1));
	check(n1 > 0);
	check(ctk_sync_ct_parse(out1, (size_t)n1, &e2) == 0);
	check(same_tuple_addrs(&e1.orig, &e2.orig));
	check((ctk_entry_has(&e1, CTK_ATTR_STATUS) ? e1.status : 0) == e2.status);
	check(ctk_entry_has(&e1, CTK_ATTR_TIMEOUT) == ctk_entry_has(&e2, CTK_ATTR_TIMEOUT));
	check(!ctk_entry_has(&e1, CTK_ATTR_TIMEOUT) || e1.timeout == e2.timeout);
	check(ctk_entry_has(&e1, CTK_ATTR_MARK) == ctk_entry_has(&e2, CTK_ATTR_MARK));
	check(!ctk_entry_has(&e1, CTK_ATTR_MARK) || e1.mark == e2.mark);
	check(ctk_entry_has(&e1, CTK_ATTR_ZONE) == ctk_entry_has(&e2, CTK_ATTR_ZONE));
	check(!ctk_entry_has(&e1, CTK_ATTR_ZONE) || e1.zone == e2.zone);
	check(ctk_entry_has(&e1, CTK_ATTR_LABELS) == ctk_entry_has(&e2, CTK_ATTR_LABELS));
	check(!ctk_entry_has(&e1, CTK_ATTR_LABELS) ||
	      !memcmp(e1.labels, e2.labels, sizeof(e1.labels)));
	check(!ctk_entry_has(&e1, CTK_ATTR_HELPER_NAME) || !strcmp(e1.helper_name, e2.helper_name));
	check(ctk_entry_has(&e2, CTK_ATTR_REPLY));
	n2 = ctk_sync_ct_build(out2, sizeof(out2), h->type, &e2, options(&e2));
	check(n2 > 0);
	check(ctk_sync_ct_parse(out2, (size_t)n2, &e1) == 0);
	n3 = ctk_sync_ct_build(out1, sizeof(out1), h->type, &e1, options(&e1));
	check(n2 == n3 && !memcmp(out1, out2, (size_t)n2));
}

static void expect_fixed_point(const uint8_t *msg, const struct ctk_sync_hdr *h)
{
	unsigned int flags;
	int n1, n2;

	if (ctk_sync_expect_parse(msg, h->len, &x1) != 0)
		return;
	flags = ctk_expect_has(&x1, CTK_EXPECT_ATTR_TIMEOUT) ? 0 : CTK_SYNC_NO_TIMEOUT;
	n1 = ctk_sync_expect_build(out1, sizeof(out1), h->type, &x1, flags);
	check(n1 > 0);
	check(ctk_sync_expect_parse(out1, (size_t)n1, &x2) == 0);
	n2 = ctk_sync_expect_build(out2, sizeof(out2), h->type, &x2, flags);
	check(n1 == n2 && !memcmp(out1, out2, (size_t)n1));
	check(same_tuple_addrs(&x1.master, &x2.master));
	check(same_tuple_addrs(&x1.expected, &x2.expected));
	check(same_tuple_addrs(&x1.mask, &x2.mask));
	check(!ctk_expect_has(&x1, CTK_EXPECT_ATTR_TIMEOUT) || x1.timeout == x2.timeout);
	check(x1.flags == x2.flags || !ctk_expect_has(&x1, CTK_EXPECT_ATTR_FLAGS));
	check(!ctk_expect_has(&x1, CTK_EXPECT_ATTR_CLASS) || x1.exp_class == x2.exp_class);
	check(!ctk_expect_has(&x1, CTK_EXPECT_ATTR_HELPER_NAME) ||
	      !strcmp(x1.helper_name, x2.helper_name));
	check(!ctk_expect_has(&x1, CTK_EXPECT_ATTR_FN) || !strcmp(x1.fn, x2.fn));
}

static void ctl_rebuilds(const uint8_t *msg, const struct ctk_sync_hdr *h)
{
	int n = ctk_sync_ctl_build(out1, sizeof(out1), h);

	check(n > 0);
	/* a longer control message has a tail the builder does not make */
	check(n != h->len || !memcmp(out1, msg, (size_t)n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_sync_hdr h;
	uint8_t *payload;
	size_t off = 0;

	if (size > 65536)
		return 0;
	/* an exact-size copy, so ASan sees every overread */
	payload = malloc(size ? size : 1);
	if (!payload)
		return 0;
	memcpy(payload, data, size);
	while (off < size) {
		int n = ctk_sync_hdr_parse(payload + off, size - off, &h);

		if (n == -CTK_SYNC_ERR_VERSION || n == -CTK_SYNC_ERR_BAD_TYPE) {
			off += h.len;
			continue;
		}
		if (n < 0)
			break;
		check(n == h.len && (size_t)n <= size - off);
		if (h.type == CTK_SYNC_CTL)
			ctl_rebuilds(payload + off, &h);
		else if (h.type <= CTK_SYNC_CT_DEL)
			ct_fixed_point(payload + off, &h);
		else
			expect_fixed_point(payload + off, &h);
		off += (size_t)n;
	}
	free(payload);
	return 0;
}
