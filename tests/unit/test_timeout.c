// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Timeout policies: the state tables, the nfct argument syntax, the
 * cttimeout codec (wire layout, round trip, malformed input), the text and
 * JSON output, nfct's word matching, and the session against the real
 * kernel in a network namespace of its own (skipped without privilege).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>
#include <ctkit/netlink.h>
#include <ctkit/timeout.h>
#include <ctkit/timeout_nl.h>
#include <ctkit/format.h>
#include "nfct.h"

static bool have_netns;
static struct ctk_nl *nl;
static char buf[8192] __attribute__((aligned(8)));

/* ---- tables ----------------------------------------------------------- */

static void test_state_tables(void **state)
{
	(void)state;
	assert_int_equal(ctk_timeout_state(IPPROTO_TCP, "established"), 2);
	assert_int_equal(ctk_timeout_state(IPPROTO_TCP, "Unacknowledged"), 10);
	assert_int_equal(ctk_timeout_state(IPPROTO_TCP, "unack"), -1);
	assert_int_equal(ctk_timeout_state(IPPROTO_GRE, "REPLIED"), 1);
	assert_int_equal(ctk_timeout_state(CTK_TIMEOUT_GENERIC, "timeout"), 0);
	assert_int_equal(ctk_timeout_state(IPPROTO_ICMPV6, "timeout"), 0);
	/* nfct knows seven SCTP states; the heartbeat ones only have names. */
	assert_int_equal(ctk_timeout_state(IPPROTO_SCTP, "shutdown_ack_sent"), 6);
	assert_int_equal(ctk_timeout_state(IPPROTO_SCTP, "heartbeat_sent"), -1);
	assert_string_equal(ctk_timeout_state_name(IPPROTO_SCTP, 7), "HEARTBEAT_SENT");
	assert_null(ctk_timeout_state_name(IPPROTO_SCTP, 9));
	assert_string_equal(ctk_timeout_state_name(IPPROTO_DCCP, 6), "TIMEWAIT");
	assert_null(ctk_timeout_proto(IPPROTO_ESP));
	assert_int_equal(ctk_timeout_state(IPPROTO_ESP, "timeout"), -1);

	unsigned int n = 0;
	while (ctk_timeout_proto_at(n))
		n++;
	assert_int_equal(n, 9);
}

static void test_set_get(void **state)
{
	struct ctk_timeout t = {0};
	uint32_t secs;

	(void)state;
	assert_int_equal(ctk_timeout_set_secs(&t, 0, 5), -EINVAL); /* no l4proto yet */
	t.present = CTK_TIMEOUT_ATTR_L4PROTO;
	t.l4proto = IPPROTO_UDP;
	assert_int_equal(ctk_timeout_set_secs(&t, 1, 5), 0);
	assert_int_equal(ctk_timeout_set_secs(&t, 2, 5), -EINVAL);
	assert_true(ctk_timeout_get_secs(&t, 1, &secs));
	assert_int_equal(secs, 5);
	assert_false(ctk_timeout_get_secs(&t, 0, &secs));
	assert_false(ctk_timeout_get_secs(&t, 99, &secs));

	ctk_timeout_set_name(&t, "0123456789012345678901234567890123456789");
	assert_int_equal(strlen(t.name), CTK_TIMEOUT_NAME_LEN - 1);
	assert_true(t.present & CTK_TIMEOUT_ATTR_NAME);
}

/* ---- the nfct syntax ------------------------------------------------- */

static enum ctk_timeout_args_err parse(struct ctk_timeout *t, const char *line, unsigned int flags,
				       int *bad)
{
	static char copy[256];
	char *argv[32];
	int argc = 0;

	strcpy(copy, line);
	for (char *w = strtok(copy, " "); w && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	memset(t, 0, sizeof(*t));
	return ctk_timeout_parse_args(t, argc, argv, flags, bad);
}

static void test_parse_args(void **state)
{
	struct ctk_timeout t;
	int bad = -1;

	(void)state;
	assert_int_equal(parse(&t, "inet tcp syn_sent 1 ESTABLISHED 3", 0, &bad), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.l3proto, AF_INET);
	assert_int_equal(t.l4proto, IPPROTO_TCP);
	assert_int_equal(t.states, 0x5);
	assert_int_equal(t.secs[2], 3);

	assert_int_equal(parse(&t, "inet6 icmpv6 timeout 9", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.l4proto, IPPROTO_ICMPV6);
	assert_int_equal(parse(&t, "inet6 ipv6-icmp timeout 9", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.l4proto, IPPROTO_ICMPV6);
	assert_int_equal(parse(&t, "inet generic timeout 9", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.l4proto, CTK_TIMEOUT_GENERIC);
	assert_int_equal(parse(&t, "inet udp", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.states, 0);

	/* atoi(): junk is 0, the sign and overflow wrap as the reference's. */
	assert_int_equal(parse(&t, "inet udp unreplied abc replied -1", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.secs[0], 0);
	assert_int_equal(t.secs[1], UINT32_MAX);
	assert_int_equal(parse(&t, "inet udp unreplied 4294967297 replied 12x", 0, NULL),
			 CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.secs[0], 1);
	assert_int_equal(t.secs[1], 12);
	/* the last of two wins */
	assert_int_equal(parse(&t, "inet udp replied 1 replied 2", 0, NULL), CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.secs[1], 2);

	assert_int_equal(parse(&t, "ip tcp", 0, &bad), CTK_TIMEOUT_ARGS_L3);
	assert_int_equal(bad, 0);
	assert_int_equal(parse(&t, "inet nope", 0, &bad), CTK_TIMEOUT_ARGS_L4);
	assert_int_equal(bad, 1);
	assert_int_equal(parse(&t, "inet", 0, &bad), CTK_TIMEOUT_ARGS_L4);
	assert_int_equal(parse(&t, "inet tcp established 1 bogus 2", 0, &bad), CTK_TIMEOUT_ARGS_STATE);
	assert_int_equal(bad, 4);
	assert_int_equal(parse(&t, "inet esp timeout 1", 0, &bad), CTK_TIMEOUT_ARGS_STATE);
	/* pairs first: an odd word out is "missing value" even when it is no state */
	assert_int_equal(parse(&t, "inet tcp established 1 bogus", 0, &bad), CTK_TIMEOUT_ARGS_MISSING);
	assert_int_equal(bad, 4);

	assert_int_equal(parse(&t, "inet udp replied 12x", CTK_TIMEOUT_ARGS_STRICT, &bad),
			 CTK_TIMEOUT_ARGS_VALUE);
	assert_int_equal(bad, 3);
	assert_int_equal(parse(&t, "inet udp replied -1", CTK_TIMEOUT_ARGS_STRICT, NULL),
			 CTK_TIMEOUT_ARGS_VALUE);
	assert_int_equal(parse(&t, "inet udp replied 4294967296", CTK_TIMEOUT_ARGS_STRICT, NULL),
			 CTK_TIMEOUT_ARGS_VALUE);
	assert_int_equal(parse(&t, "inet udp replied 4294967295", CTK_TIMEOUT_ARGS_STRICT, NULL),
			 CTK_TIMEOUT_ARGS_OK);
	assert_int_equal(t.secs[1], UINT32_MAX);
}

/* ---- codec -------------------------------------------------------------- */

static struct ctk_timeout sample(void)
{
	struct ctk_timeout t = {0};

	ctk_timeout_set_name(&t, "dns");
	t.present |= CTK_TIMEOUT_ATTR_L3PROTO | CTK_TIMEOUT_ATTR_L4PROTO;
	t.l3proto = AF_INET6;
	t.l4proto = IPPROTO_UDP;
	ctk_timeout_set_secs(&t, 1, 45);
	return t;
}

static void test_put_layout(void **state)
{
	struct ctk_timeout t = sample();
	struct nlmsghdr *nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, NLM_F_CREATE, 7);
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *s;
	int n = 0;

	(void)state;
	assert_int_equal(ctk_timeout_put(nlh, sizeof(buf), &t), 0);
	assert_int_equal(nlh->nlmsg_type, (NFNL_SUBSYS_CTNETLINK_TIMEOUT << 8) | IPCTNL_MSG_TIMEOUT_NEW);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE);
	assert_int_equal(nlh->nlmsg_seq, 7);
	assert_int_equal(nfg->nfgen_family, AF_UNSPEC);
	assert_int_equal(nfg->version, NFNETLINK_V0);
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		static const uint16_t order[] = { CTA_TIMEOUT_NAME, CTA_TIMEOUT_L3PROTO,
						  CTA_TIMEOUT_L4PROTO, CTA_TIMEOUT_DATA };
		assert_true(n < 4);
		assert_int_equal(mnl_attr_get_type(a), order[n]);
		n++;
	}
	assert_int_equal(n, 4);
	/* NUL-terminated name, u16 family in network order, one state: REPLIED = 2 */
	a = (const struct nlattr *)((const char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)));
	assert_int_equal(mnl_attr_get_payload_len(a), 4);
	a = mnl_attr_next(a);
	assert_int_equal(mnl_attr_get_u16(a), htons(AF_INET6));
	a = mnl_attr_next(mnl_attr_next(a));
	n = 0;
	mnl_attr_for_each_nested(s, a) {
		assert_int_equal(mnl_attr_get_type(s), CTA_TIMEOUT_UDP_REPLIED);
		assert_int_equal(mnl_attr_get_u32(s), htonl(45));
		n++;
	}
	assert_int_equal(n, 1);

	/* too small a buffer: -EMSGSIZE, never an overrun */
	nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, 0, 1);
	assert_int_equal(ctk_timeout_put(nlh, nlh->nlmsg_len + 8, &t), -EMSGSIZE);
}

static void test_round_trip(void **state)
{
	struct ctk_timeout t = sample(), back;
	struct nlmsghdr *nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, 0, 1);

	(void)state;
	assert_int_equal(ctk_timeout_put(nlh, sizeof(buf), &t), 0);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_USE, htonl(3));
	mnl_attr_put_u32(nlh, 200, 0); /* a newer kernel's attribute: skipped */
	assert_int_equal(ctk_timeout_parse(nlh, &back), 0);
	t.present |= CTK_TIMEOUT_ATTR_USE;
	t.use = 3;
	assert_memory_equal(&t, &back, sizeof(t));
}

/* A reply as the kernel sends one, states 1..@nstates set to 10, 20, ... */
static struct nlmsghdr *reply(uint8_t l4proto, int nstates, bool with_l4)
{
	struct nlmsghdr *nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, NLM_F_MULTI, 1);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, CTA_TIMEOUT_NAME, "k");
	mnl_attr_put_u16(nlh, CTA_TIMEOUT_L3PROTO, htons(AF_INET));
	if (with_l4)
		mnl_attr_put_u8(nlh, CTA_TIMEOUT_L4PROTO, l4proto);
	nest = mnl_attr_nest_start(nlh, CTA_TIMEOUT_DATA);
	for (int i = 1; i <= nstates; i++)
		mnl_attr_put_u32(nlh, (uint16_t)i, htonl(10 * i));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_parse_replies(void **state)
{
	struct ctk_timeout t;

	(void)state;
	/* SCTP: the kernel sends nine states; all are kept */
	assert_int_equal(ctk_timeout_parse(reply(IPPROTO_SCTP, 9, true), &t), 0);
	assert_int_equal(t.states, 0x1ff);
	assert_int_equal(t.secs[8], 90);
	/* a protocol without a tracker, or none at all: no policy (as the library) */
	assert_int_equal(ctk_timeout_parse(reply(IPPROTO_ESP, 1, true), &t), 0);
	assert_int_equal(t.states, 0);
	assert_int_equal(ctk_timeout_parse(reply(IPPROTO_TCP, 2, false), &t), 0);
	assert_int_equal(t.states, 0);
	assert_false(t.present & CTK_TIMEOUT_ATTR_L4PROTO);
}

static void test_parse_malformed(void **state)
{
	struct ctk_timeout t;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	(void)state;
	/* a state that is not a u32 */
	nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, 0, 1);
	mnl_attr_put_u8(nlh, CTA_TIMEOUT_L4PROTO, IPPROTO_UDP);
	nest = mnl_attr_nest_start(nlh, CTA_TIMEOUT_DATA);
	mnl_attr_put_u16(nlh, 1, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ctk_timeout_parse(nlh, &t), -EBADMSG);
	/* a truncated attribute */
	nlh = reply(IPPROTO_TCP, 11, true);
	nlh->nlmsg_len -= 2;
	assert_int_equal(ctk_timeout_parse(nlh, &t), -EBADMSG);
	/* shorter than its headers */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 1;
	assert_int_equal(ctk_timeout_parse(nlh, &t), -EBADMSG);
	/* an l3proto of the wrong size */
	nlh = ctk_timeout_nlmsg(buf, IPCTNL_MSG_TIMEOUT_NEW, 0, 1);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_L3PROTO, 2);
	assert_int_equal(ctk_timeout_parse(nlh, &t), -EBADMSG);
}

/* ---- output ------------------------------------------------------------ */

static void test_format_text(void **state)
{
	struct ctk_timeout t = sample();
	char out[1024], tiny[10];
	size_t len;

	(void)state;
	len = ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_DEFAULT);
	assert_string_equal(out, ".dns = {\n"
				 "\t.l3proto = 10,\n"
				 "\t.l4proto = 17,\n"
				 "\t.policy = {\n"
				 "\t\t.UNREPLIED = 0,\n"
				 "\t\t.REPLIED = 45,\n"
				 "\t},\n"
				 "};");
	assert_int_equal(len, strlen(out));
	assert_int_equal(ctk_format_timeout(tiny, sizeof(tiny), &t, CTK_FMT_DEFAULT), len);
	assert_string_equal(tiny, ".dns = {\n");

	/* default-get: no name, and nothing printed past the library's seven SCTP states */
	ctk_timeout_parse(reply(IPPROTO_SCTP, 9, true), &t);
	t.present &= ~CTK_TIMEOUT_ATTR_NAME;
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_DEFAULT);
	assert_non_null(strstr(out, "\t\t.SHUTDOWN_ACK_SENT = 70,\n\t},\n};"));
	assert_int_equal(strncmp(out, "\t.l3proto = 2,\n", 15), 0);

	/* a policy of a protocol without a tracker reads as the generic one */
	t = (struct ctk_timeout){ .present = CTK_TIMEOUT_ATTR_L4PROTO, .l4proto = IPPROTO_ESP,
				  .states = 1, .secs = { 9 } };
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_DEFAULT);
	assert_string_equal(out, "\t.l4proto = 50,\n\t.policy = {\n\t\t.TIMEOUT = 9,\n\t},\n};");
	t = (struct ctk_timeout){0};
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_DEFAULT);
	assert_string_equal(out, "};");
}

static void test_format_json(void **state)
{
	struct ctk_timeout t = sample();
	char out[1024];

	(void)state;
	t.present |= CTK_TIMEOUT_ATTR_USE;
	t.use = 1;
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_JSON);
	assert_string_equal(out, "{\"name\":\"dns\",\"l3proto\":\"ipv6\",\"l3protonum\":10,"
				 "\"l4proto\":\"udp\",\"l4protonum\":17,"
				 "\"policy\":{\"replied\":45},\"use\":1}");
	ctk_timeout_set_name(&t, "a\"b\\\n");
	t.present = CTK_TIMEOUT_ATTR_NAME;
	t.states = 0;
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_JSON);
	assert_string_equal(out, "{\"name\":\"a\\\"b\\\\\\n\"}");
	/* a state without a name is keyed by its number */
	t = (struct ctk_timeout){ .present = CTK_TIMEOUT_ATTR_L4PROTO, .l4proto = IPPROTO_UDP,
				  .states = 1u << 12, .secs = { [12] = 4 } };
	ctk_format_timeout(out, sizeof(out), &t, CTK_FMT_JSON);
	assert_string_equal(out, "{\"l4proto\":\"udp\",\"l4protonum\":17,\"policy\":{\"12\":4}}");
}

/* ---- nfct's words ------------------------------------------------------- */

static void test_nfct_words(void **state)
{
	(void)state;
	assert_int_equal(nfct_cmd_parse("l"), NFCT_CMD_LIST);
	assert_int_equal(nfct_cmd_parse("d"), NFCT_CMD_DELETE);
	assert_int_equal(nfct_cmd_parse("di"), NFCT_CMD_DISABLE);
	assert_int_equal(nfct_cmd_parse("default"), NFCT_CMD_DEFAULT_SET);
	assert_int_equal(nfct_cmd_parse("default-g"), NFCT_CMD_DEFAULT_GET);
	assert_int_equal(nfct_cmd_parse(""), NFCT_CMD_LIST);
	assert_int_equal(nfct_cmd_parse("lists"), -1);
	assert_int_equal(nfct_subsys_parse("t"), NFCT_SUBSYS_TIMEOUT);
	/* "help" is a prefix of "helper", which comes first */
	assert_int_equal(nfct_subsys_parse("help"), NFCT_SUBSYS_HELPER);
	assert_int_equal(nfct_subsys_parse("v"), NFCT_SUBSYS_VERSION);
	assert_int_equal(nfct_subsys_parse("x"), -1);
}

/* ---- against the kernel -------------------------------------------------- */

#define NEED_NETNS()                                                                       \
	do {                                                                               \
		if (!have_netns)                                                           \
			skip();                                                            \
	} while (0)

struct seen {
	int count;
	struct ctk_timeout last;
};

static int collect(const struct ctk_timeout *t, void *data)
{
	struct seen *s = data;

	s->count++;
	s->last = *t;
	return CTK_CB_OK;
}

static int stop_at_first(const struct ctk_timeout *t, void *data)
{
	collect(t, data);
	return CTK_CB_STOP;
}

static void test_kernel_session(void **state)
{
	struct ctk_timeout t = sample();
	struct seen s = {0};
	uint32_t secs;

	(void)state;
	NEED_NETNS();
	assert_int_equal(ctk_nl_timeout_delete(nl, NULL), 0);
	assert_int_equal(ctk_nl_timeout_create(nl, &t, 0), 0);
	/* an existing name with NLM_F_EXCL */
	assert_int_equal(ctk_nl_timeout_create(nl, &t, NLM_F_EXCL), -EEXIST);
	ctk_timeout_set_name(&t, "second");
	assert_int_equal(ctk_nl_timeout_create(nl, &t, 0), 0);

	assert_int_equal(ctk_nl_timeout_dump(nl, collect, &s), 0);
	assert_int_equal(s.count, 2);
	s.count = 0;
	assert_int_equal(ctk_nl_timeout_dump(nl, stop_at_first, &s), 0);
	assert_int_equal(s.count, 1);

	s.count = 0;
	assert_int_equal(ctk_nl_timeout_get(nl, "dns", collect, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.last.name, "dns");
	assert_int_equal(s.last.l3proto, AF_INET6);
	assert_true(ctk_timeout_get_secs(&s.last, 1, &secs));
	assert_int_equal(secs, 45);
	/* the kernel fills the states the request left out */
	assert_true(ctk_timeout_get_secs(&s.last, 0, &secs));
	assert_true(s.last.present & CTK_TIMEOUT_ATTR_USE);

	assert_int_equal(ctk_nl_timeout_get(nl, "nope", collect, &s), -ENOENT);
	assert_int_equal(ctk_nl_timeout_delete(nl, "dns"), 0);
	assert_int_equal(ctk_nl_timeout_delete(nl, "dns"), -ENOENT);
	assert_int_equal(ctk_nl_timeout_delete(nl, NULL), 0);
	s.count = 0;
	assert_int_equal(ctk_nl_timeout_dump(nl, collect, &s), 0);
	assert_int_equal(s.count, 0);
}

static void test_kernel_defaults(void **state)
{
	struct ctk_timeout t = {0};
	struct seen s = {0};
	uint32_t before, secs;

	(void)state;
	NEED_NETNS();
	assert_int_equal(ctk_nl_timeout_default_get(nl, AF_INET, IPPROTO_UDP, collect, &s), 0);
	assert_int_equal(s.count, 1);
	assert_false(s.last.present & CTK_TIMEOUT_ATTR_NAME);
	assert_true(ctk_timeout_get_secs(&s.last, 0, &before));

	t.present = CTK_TIMEOUT_ATTR_L3PROTO | CTK_TIMEOUT_ATTR_L4PROTO;
	t.l3proto = AF_INET;
	t.l4proto = IPPROTO_UDP;
	ctk_timeout_set_secs(&t, 0, before + 7);
	assert_int_equal(ctk_nl_timeout_default_set(nl, &t), 0);
	assert_int_equal(ctk_nl_timeout_default_get(nl, AF_INET, IPPROTO_UDP, collect, &s), 0);
	assert_true(ctk_timeout_get_secs(&s.last, 0, &secs));
	assert_int_equal(secs, before + 7);
	t.secs[0] = before;
	assert_int_equal(ctk_nl_timeout_default_set(nl, &t), 0);

	/* every tracker the kernel has answers with its own states */
	for (unsigned int i = 0; ctk_timeout_proto_at(i); i++) {
		const struct ctk_timeout_proto *p = ctk_timeout_proto_at(i);
		int ret = ctk_nl_timeout_default_get(nl, AF_INET, p->l4proto, collect, &s);

		if (ret == -EOPNOTSUPP) /* DCCP is gone from new kernels */
			continue;
		assert_int_equal(ret, 0);
		assert_int_equal(s.last.l4proto, p->l4proto);
		assert_int_equal(s.last.states & ((1u << p->nstates) - 1), (1u << p->nstates) - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_tables),
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_put_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_replies),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_format_json),
		cmocka_unit_test(test_nfct_words),
		cmocka_unit_test(test_kernel_session),
		cmocka_unit_test(test_kernel_defaults),
	};
	int ret;

	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		have_netns = nl != NULL;
	}
	if (!have_netns)
		fprintf(stderr, "test_timeout: no network namespace (not root?): skipping kernel tests\n");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ctk_nl_close(nl);
	return ret;
}
