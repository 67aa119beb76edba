// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Userspace helpers (cthelper): the message layout nfct sends, decoding
 * (round trip, a kernel-like reply, malformed input), the text and JSON
 * output, the table of conntrackd's plugins, and the kernel's answer when
 * it lacks CONFIG_NF_CT_NETLINK_HELPER (in a namespace of its own).
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
#include <linux/netfilter/nfnetlink_cthelper.h>
#include <ctkit/helper_nl.h>
#include <ctkit/netlink.h>
#include <ctkit/format.h>
#include "nfct.h"

static bool have_netns;
static struct ctk_nl *nl;
static char buf[8192] __attribute__((aligned(8)));

/* What "nfct add helper ftp inet tcp" sends. */
static struct ctk_helper ftp_add(void)
{
	const struct ctk_helper *plugin = nfct_helper_plugin("ftp", IPPROTO_TCP);
	struct ctk_helper h = {0};

	assert_non_null(plugin);
	ctk_helper_set_name(&h, "ftp");
	h.present |= CTK_HELPER_ATTR_L3PROTO | CTK_HELPER_ATTR_L4PROTO | CTK_HELPER_ATTR_PRIV_LEN |
		     CTK_HELPER_ATTR_POLICY;
	h.l3proto = AF_INET;
	h.l4proto = IPPROTO_TCP;
	h.priv_data_len = plugin->priv_data_len;
	h.npolicies = plugin->npolicies;
	memcpy(h.policy, plugin->policy, sizeof(h.policy));
	return h;
}

static const struct nlattr *first_attr(const struct nlmsghdr *nlh)
{
	return (const struct nlattr *)((const char *)nlh + MNL_NLMSG_HDRLEN +
				       MNL_ALIGN(sizeof(struct nfgenmsg)));
}

static void test_put_layout(void **state)
{
	struct ctk_helper h = ftp_add();
	struct nlmsghdr *nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW,
						NLM_F_CREATE | NLM_F_ACK, 3, AF_UNSPEC);
	const struct nlattr *a, *in, *cls;
	int n = 0;

	(void)state;
	assert_int_equal(ctk_helper_put(nlh, sizeof(buf), &h), 0);
	assert_int_equal(nlh->nlmsg_type, (NFNL_SUBSYS_CTHELPER << 8) | NFNL_MSG_CTHELPER_NEW);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);

	a = first_attr(nlh);
	assert_int_equal(mnl_attr_get_type(a), NFCTH_NAME);
	assert_string_equal(mnl_attr_get_str(a), "ftp");
	a = mnl_attr_next(a);
	assert_int_equal(mnl_attr_get_type(a), NFCTH_TUPLE);
	mnl_attr_for_each_nested(in, a) {
		if (n++ == 0) {
			assert_int_equal(mnl_attr_get_type(in), NFCTH_TUPLE_L3PROTONUM);
			assert_int_equal(mnl_attr_get_u16(in), htons(AF_INET));
		} else {
			assert_int_equal(mnl_attr_get_type(in), NFCTH_TUPLE_L4PROTONUM);
			assert_int_equal(mnl_attr_get_u8(in), IPPROTO_TCP);
		}
	}
	assert_int_equal(n, 2);
	a = mnl_attr_next(a);
	assert_int_equal(mnl_attr_get_type(a), NFCTH_POLICY);
	in = mnl_attr_get_payload(a);
	assert_int_equal(mnl_attr_get_type(in), NFCTH_POLICY_SET_NUM);
	assert_int_equal(mnl_attr_get_u32(in), htonl(1));
	in = mnl_attr_next(in);
	assert_int_equal(mnl_attr_get_type(in), NFCTH_POLICY_SET1);
	cls = mnl_attr_get_payload(in);
	assert_string_equal(mnl_attr_get_str(cls), "ftp");
	cls = mnl_attr_next(cls);
	assert_int_equal(mnl_attr_get_type(cls), NFCTH_POLICY_EXPECT_MAX);
	assert_int_equal(mnl_attr_get_u32(cls), htonl(1));
	cls = mnl_attr_next(cls);
	assert_int_equal(mnl_attr_get_type(cls), NFCTH_POLICY_EXPECT_TIMEOUT);
	assert_int_equal(mnl_attr_get_u32(cls), htonl(300));
	a = mnl_attr_next(a);
	assert_int_equal(mnl_attr_get_type(a), NFCTH_PRIV_DATA_LEN);
	assert_int_equal(mnl_attr_get_u32(a), htonl(24));
	a = mnl_attr_next(a);
	assert_ptr_equal((const char *)a, (const char *)nlh + nlh->nlmsg_len);

	/* disable: name, tuple and status only */
	h = (struct ctk_helper){0};
	ctk_helper_set_name(&h, "ftp");
	h.present |= CTK_HELPER_ATTR_STATUS;
	h.status = CTK_HELPER_DISABLED;
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 3, AF_UNSPEC);
	assert_int_equal(ctk_helper_put(nlh, sizeof(buf), &h), 0);
	a = mnl_attr_next(first_attr(nlh));
	assert_int_equal(mnl_attr_get_type(a), NFCTH_STATUS);
	assert_int_equal(mnl_attr_get_u32(a), htonl(0));

	/* limits */
	h.present |= CTK_HELPER_ATTR_POLICY;
	h.npolicies = CTK_HELPER_POLICY_MAX + 1;
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 3, AF_UNSPEC);
	assert_int_equal(ctk_helper_put(nlh, sizeof(buf), &h), -EINVAL);
	h = ftp_add();
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 3, AF_UNSPEC);
	assert_int_equal(ctk_helper_put(nlh, nlh->nlmsg_len + 24, &h), -EMSGSIZE);
}

static void test_round_trip(void **state)
{
	struct ctk_helper h = ftp_add(), back;
	struct nlmsghdr *nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 1, AF_UNSPEC);

	(void)state;
	/* a full helper as a kernel would list it, with two classes */
	h.present |= CTK_HELPER_ATTR_QUEUE | CTK_HELPER_ATTR_STATUS;
	h.queue = 5;
	h.status = CTK_HELPER_ENABLED;
	h.npolicies = 2;
	strcpy(h.policy[1].name, "ftp-data");
	h.policy[1].expect_max = 8;
	h.policy[1].expect_timeout = 60;
	assert_int_equal(ctk_helper_put(nlh, sizeof(buf), &h), 0);
	mnl_attr_put_u32(nlh, 99, 0); /* unknown: skipped */
	assert_int_equal(ctk_helper_parse(nlh, &back), 0);
	assert_memory_equal(&h, &back, sizeof(h));
}

static void test_parse_malformed(void **state)
{
	struct ctk_helper h = ftp_add(), back;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	(void)state;
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 1, AF_UNSPEC);
	assert_int_equal(ctk_helper_put(nlh, sizeof(buf), &h), 0);
	nlh->nlmsg_len -= 3;
	assert_int_equal(ctk_helper_parse(nlh, &back), -EBADMSG);
	/* a u16 where a u32 belongs, inside a class */
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 1, AF_UNSPEC);
	nest = mnl_attr_nest_start(nlh, NFCTH_POLICY);
	mnl_attr_put_u32(nlh, NFCTH_POLICY_SET_NUM, htonl(1));
	struct nlattr *cls = mnl_attr_nest_start(nlh, NFCTH_POLICY_SET4);
	mnl_attr_put_u16(nlh, NFCTH_POLICY_EXPECT_MAX, 1);
	mnl_attr_nest_end(nlh, cls);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ctk_helper_parse(nlh, &back), -EBADMSG);
	/* an empty tuple is fine; a name-less message too */
	nlh = ctk_helper_nlmsg(buf, NFNL_MSG_CTHELPER_NEW, 0, 1, AF_UNSPEC);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, NFCTH_TUPLE));
	assert_int_equal(ctk_helper_parse(nlh, &back), 0);
	assert_int_equal(back.present, 0);
	nlh->nlmsg_len = 4;
	assert_int_equal(ctk_helper_parse(nlh, &back), -EBADMSG);
}

static void test_format(void **state)
{
	struct ctk_helper h = ftp_add();
	char out[1024], tiny[8];
	size_t len;

	(void)state;
	len = ctk_format_helper(out, sizeof(out), &h, CTK_FMT_DEFAULT);
	assert_string_equal(out, "{\n"
				 "\t.name = ftp,\n"
				 "\t.queuenum = 0,\n"
				 "\t.l3protonum = 2,\n"
				 "\t.l4protonum = 6,\n"
				 "\t.priv_data_len = 24,\n"
				 "\t.status = disabled,\n"
				 "};");
	assert_int_equal(len, strlen(out));
	assert_int_equal(ctk_format_helper(tiny, sizeof(tiny), &h, CTK_FMT_DEFAULT), len);
	assert_string_equal(tiny, "{\n\t.nam");

	h.present |= CTK_HELPER_ATTR_STATUS;
	h.status = CTK_HELPER_ENABLED;
	ctk_format_helper(out, sizeof(out), &h, CTK_FMT_JSON);
	assert_string_equal(out, "{\"name\":\"ftp\",\"l3protonum\":2,\"l4protonum\":6,"
				 "\"priv_data_len\":24,\"status\":\"enabled\","
				 "\"policy\":[{\"name\":\"ftp\",\"expect_max\":1,\"expect_timeout\":300}]}");
}

static void test_plugins(void **state)
{
	(void)state;
	assert_non_null(nfct_helper_plugin("tftp", IPPROTO_UDP));
	assert_null(nfct_helper_plugin("tftp", IPPROTO_TCP));
	assert_null(nfct_helper_plugin("ftp", IPPROTO_UDP));
	assert_non_null(nfct_helper_plugin("rpc", IPPROTO_TCP));
	assert_non_null(nfct_helper_plugin("rpc", IPPROTO_UDP));
	assert_null(nfct_helper_plugin("sip", IPPROTO_UDP));
	assert_int_equal(nfct_helper_plugin("slp", IPPROTO_UDP)->policy[0].expect_max, 8);
}

/* Without CONFIG_NF_CT_NETLINK_HELPER nfnetlink knows no such subsystem: -EINVAL. */
static void test_kernel(void **state)
{
	struct ctk_helper h = ftp_add();
	int ret;

	(void)state;
	if (!have_netns)
		skip();
	ret = ctk_nl_helper_dump(nl, NULL, NULL);
	if (ret == 0) {
		/* a kernel that has it: a full cycle */
		assert_int_equal(ctk_nl_helper_create(nl, &h, 0), 0);
		assert_int_equal(ctk_nl_helper_get(nl, &h, NULL, NULL), 0);
		assert_int_equal(ctk_nl_helper_delete(nl, &h), 0);
		return;
	}
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(ctk_nl_helper_create(nl, &h, 0), -EINVAL);
	assert_int_equal(ctk_nl_helper_get(nl, &h, NULL, NULL), -EINVAL);
	assert_int_equal(ctk_nl_helper_delete(nl, &h), -EINVAL);
	assert_int_equal(ctk_nl_helper_delete(nl, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_plugins),
		cmocka_unit_test(test_kernel),
	};
	int ret;

	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		have_netns = nl != NULL;
	}
	if (!have_netns)
		fprintf(stderr, "test_cthelper: no network namespace (not root?): skipping kernel tests\n");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ctk_nl_close(nl);
	return ret;
}
