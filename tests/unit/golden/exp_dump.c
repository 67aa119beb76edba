// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capture helper for the expectation golden data (capture_expect.sh). Not
 * built by the Makefile. Build:
 *
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -Ilib -o build/exp_dump \
 *	tests/unit/golden/exp_dump.c build/libctkit.a -lmnl
 *
 * Commands (run inside a network namespace only):
 *   exp_dump dump      each expectation: "msg <hex of the kernel message>",
 *                      then ctkit's default, XML and JSON lines
 *   exp_dump events N  the next N expectation events: hex, then the default line
 *   exp_dump get|delete  IPCTNL_MSG_EXP_GET/DELETE of the first expectation by
 *                      its expected tuple and id (ctk_expect_put())
 *   exp_dump stats     each CPU's IPCTNL_MSG_EXP_GET_STATS_CPU reply, hex and text
 *   exp_dump clone P [F]  re-create the first expectation with expected dport P
 *                      (and flags F) through ctk_expect_put(); prints the verdict
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_compat.h>

#include <ctkit/expect.h>
#include <ctkit/format.h>
#include <ctkit/expect_nl.h>

static struct ctk_expect first;
static int have_first;

static void print_hex(const struct nlmsghdr *nlh)
{
	const unsigned char *p = (const unsigned char *)nlh;

	printf("msg ");
	for (unsigned int i = 0; i < nlh->nlmsg_len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctk_fmt fmt = { .kind = CTK_FMT_DEFAULT, .now = time(NULL) };
	struct ctk_expect x;
	char line[4096];
	int ret;

	(void)data;
	print_hex(nlh);
	ret = ctk_expect_parse(nlh, &x, NULL);
	if (ret < 0) {
		printf("parse error %d\n", ret);
		return MNL_CB_ERROR;
	}
	if (!have_first) {
		first = x;
		have_first = 1;
	}
	for (int kind = CTK_FMT_DEFAULT; kind <= CTK_FMT_JSON; kind++) {
		if (kind == CTK_FMT_SAVE)
			continue;
		fmt.kind = kind;
		ctk_format_expect(line, sizeof(line), &x, CTK_EV_NONE, &fmt);
		printf("%s\n", line);
	}
	return MNL_CB_OK;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctk_fmt fmt = { .kind = CTK_FMT_DEFAULT };
	struct ctk_expect x;
	enum ctk_event ev;
	char line[4096];
	int *left = data;

	print_hex(nlh);
	if (ctk_expect_parse(nlh, &x, &ev) < 0)
		return MNL_CB_ERROR;
	ctk_format_expect(line, sizeof(line), &x, ev, &fmt);
	printf("%s\n", line);
	fflush(stdout);
	return --*left > 0 ? MNL_CB_OK : MNL_CB_STOP;
}

/* Subscribe to the expectation groups and print @count events. */
static int events(int count)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret = MNL_CB_OK;

	if (!nl || mnl_socket_bind(nl, NF_NETLINK_CONNTRACK_EXP_NEW | NF_NETLINK_CONNTRACK_EXP_UPDATE |
				   NF_NETLINK_CONNTRACK_EXP_DESTROY, MNL_SOCKET_AUTOPID) < 0)
		return 1;
	while (ret > MNL_CB_STOP && count > 0) {
		int n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n <= 0)
			return 1;
		ret = mnl_cb_run(buf, n, 0, 0, event_cb, &count);
	}
	mnl_socket_close(nl);
	return ret < 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctk_cpu_stats s;
	char line[512];

	(void)data;
	print_hex(nlh);
	if (ctk_expect_cpu_stats_parse(nlh, &s) < 0)
		return MNL_CB_ERROR;
	ctk_format_cpu_stats(line, sizeof(line), &s, NULL);
	printf("%s\n", line);
	return MNL_CB_OK;
}

static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((ret = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, cb, NULL);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return ret < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || argc < 2)
		return 2;
	if (strcmp(argv[1], "events") == 0 && argc > 2)
		return events(atoi(argv[2]));
	if (strcmp(argv[1], "stats") == 0) {
		nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, 1, AF_UNSPEC);
		return talk(nl, nlh, stats_cb) < 0;
	}
	nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, 1, AF_UNSPEC);
	ret = talk(nl, nlh, dump_cb);
	if (ret == 0 && have_first && (strcmp(argv[1], "get") == 0 || strcmp(argv[1], "delete") == 0)) {
		first.present &= (1u << CTK_EXPECT_ATTR_EXPECTED) | (1u << CTK_EXPECT_ATTR_ID);
		nlh = ctk_expect_nlmsg(buf, argv[1][0] == 'g' ? IPCTNL_MSG_EXP_GET : IPCTNL_MSG_EXP_DELETE,
				    NLM_F_ACK, 3, ctk_expect_family(&first));
		if (ctk_expect_put(nlh, sizeof(buf), &first) < 0)
			return 1;
		printf("# %s\n", argv[1]);
		ret = talk(nl, nlh, dump_cb);
		printf("%s: %s\n", argv[1], ret < 0 ? strerror(-ret) : "ok");
		return ret < 0;
	}
	if (ret < 0 || strcmp(argv[1], "clone") != 0 || argc < 3)
		return ret < 0;
	if (!have_first)
		return 1;
	first.expected.dport = (uint16_t)atoi(argv[2]);
	ctk_expect_unset(&first, CTK_EXPECT_ATTR_ID);
	if (argc > 3) {
		first.flags = (uint32_t)strtoul(argv[3], NULL, 0);
		ctk_expect_set(&first, CTK_EXPECT_ATTR_FLAGS);
	}
	nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 2,
			    ctk_expect_family(&first));
	if (ctk_expect_put(nlh, sizeof(buf), &first) < 0)
		return 1;
	ret = talk(nl, nlh, NULL);
	printf("clone: %s\n", ret < 0 ? strerror(-ret) : "ok");
	mnl_socket_close(nl);
	return ret < 0;
}
