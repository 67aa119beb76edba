// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rawdump - the raw-dump floor: dump the conntrack table with libmnl and
 * only count the messages, with the receive buffers ctkit's session uses.
 * Whatever ctkit adds on top (decoding, filtering, formatting) is measured
 * against this.
 *
 *   rawdump [-f inet|inet6] [-b recvbuf-bytes] [-s] [-r N]
 *	-s	go through ctkit's session instead (decode every entry into
 *		a no-op callback), for comparison
 *	-r N	repeat N times and report the best run
 *
 * Prints the entry count on stdout, the rate on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/netlink.h>
#include "netlink/session.h"

struct opts {
	uint8_t family;
	size_t recvbuf;
	bool session;
	int repeat;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct mnl_socket *open_socket(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int size = CTKNL_SOCK_RCVBUF;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("rawdump: socket");
		exit(1);
	}
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return nl;
}

/* Count the data messages of one receive; 1 when the dump is over. */
static int count_batch(const char *buf, int len, long *count)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			fprintf(stderr, "rawdump: dump interrupted\n");
			exit(1);
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			fprintf(stderr, "rawdump: %s\n", strerror(-e->error));
			exit(1);
		}
		(*count)++;
	}
	return 0;
}

static long raw_dump(const struct opts *o)
{
	struct mnl_socket *nl = open_socket();
	char *buf = malloc(o->recvbuf);
	struct nlmsghdr *nlh;
	long count = 0;

	if (!buf)
		exit(1);
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, 1, o->family);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("rawdump: send");
		exit(1);
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, o->recvbuf);

		if (n < 0) {
			perror("rawdump: recv");
			exit(1);
		}
		if (count_batch(buf, n, &count))
			break;
	}
	free(buf);
	mnl_socket_close(nl);
	return count;
}

static int noop(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	(void)e;
	(void)ev;
	++*(long *)data;
	return CTK_CB_OK;
}

static long session_dump(const struct opts *o)
{
	struct ctk_dump_opts d = {.family = o->family};
	struct ctk_nl *nl = ctk_nl_open();
	long count = 0;
	int ret;

	if (!nl) {
		perror("rawdump: ctk_nl_open");
		exit(1);
	}
	ret = ctk_nl_dump(nl, &d, noop, &count);
	if (ret < 0) {
		fprintf(stderr, "rawdump: %s\n", strerror(-ret));
		exit(1);
	}
	ctk_nl_close(nl);
	return count;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "f:b:sr:")) != -1) {
		switch (c) {
		case 'f':
			o->family = !strcmp(optarg, "inet6") ? AF_INET6 : AF_INET;
			break;
		case 'b':
			o->recvbuf = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->session = true;
			break;
		case 'r':
			o->repeat = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: rawdump [-f inet|inet6] [-b bytes] [-s] [-r N]\n");
			exit(2);
		}
	}
	if (o->recvbuf < 16384)
		o->recvbuf = 16384;
}

int main(int argc, char **argv)
{
	struct opts o = {.family = AF_UNSPEC, .recvbuf = CTKNL_RECV_SIZE, .repeat = 1};
	double best = 1e9;
	long count = 0;

	parse(argc, argv, &o);
	for (int i = 0; i < o.repeat; i++) {
		double t0 = now(), dt;

		count = o.session ? session_dump(&o) : raw_dump(&o);
		dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%ld\n", count);
	fprintf(stderr, "%s: %ld entries in %.3f s: %.0f entries/s\n",
		o.session ? "session" : "raw", count, best, count / best);
	return 0;
}
