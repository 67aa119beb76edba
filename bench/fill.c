// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fill - put N entries into the current namespace's conntrack table, fast:
 * many IPCTNL_MSG_CT_NEW requests per sendmsg(), only the last of each
 * batch asks for an ack (failures are acked anyway), so the kernel does
 * the work in one pass per batch.
 *
 *   fill N [--mix] [--timeout S] [--start K]
 *	--mix	60 % tcp ESTABLISHED (assured), 30 % udp, 10 % icmp, and
 *		10 % of each of those IPv6; without it, all tcp over IPv4
 *	marks 0..9 are spread evenly over all entries (-m 5 selects 10 %),
 *	a fifth of the tcp/udp entries go to dport 80
 *   fill --ensure-max N	raise net.netfilter.nf_conntrack_max to N if lower
 *				(initial namespace only: it is global), print the old value
 *   fill --restore-max OLD	put it back
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <ctkit/netlink.h>

#define MAX_PATH    "/proc/sys/net/netfilter/nf_conntrack_max"
#define BATCH_BYTES (256 * 1024)
#define MSG_ROOM    512 /* more than one request ever needs */

struct fill {
	long n;
	long start;
	bool mix;
	uint32_t timeout;
};

static long read_max(void)
{
	FILE *f = fopen(MAX_PATH, "r");
	long v = -1;

	if (!f || fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static int write_max(long v)
{
	FILE *f = fopen(MAX_PATH, "w");

	if (!f || fprintf(f, "%ld\n", v) < 0 || fclose(f) != 0) {
		fprintf(stderr,
			"fill: cannot set %s (global: only from the initial namespace): %s\n",
			MAX_PATH, strerror(errno));
		return 1;
	}
	return 0;
}

static void set_addr(union ctk_addr *a, bool v6, uint32_t net, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	if (!v6) {
		a->v4.s_addr = htonl(net | (host & 0x00ffffff));
		return;
	}
	a->byte[0] = 0xfd;
	a->word[2] = htonl(net);
	a->word[3] = htonl(host);
}

/* Entry @i of the table: the tuple is unique by its source address. */
static void make_entry(struct ctk_entry *e, long i, const struct fill *f)
{
	int kind = f->mix ? i % 10 : 0; /* 0-5 tcp, 6-8 udp, 9 icmp */
	bool v6 = f->mix && (i / 10) % 10 == 3;
	struct ctk_tuple *o = &e->orig;

	memset(e, 0, sizeof(*e));
	o->l3num = v6 ? AF_INET6 : AF_INET;
	set_addr(&o->src, v6, 0x0a000000, (uint32_t)i);
	set_addr(&o->dst, v6, 0xc0a80000, 1 + (uint32_t)(i % 250));
	if (kind == 9) {
		o->l4num = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		o->icmp_type = v6 ? 128 : 8;
		o->icmp_id = (uint16_t)i;
	} else {
		o->l4num = kind < 6 ? IPPROTO_TCP : IPPROTO_UDP;
		o->sport = 1024 + (uint16_t)(i % 60000);
		o->dport = (i / 1000) % 5 == 0 ? 80 : 1024 + (uint16_t)(i % 7919);
	}
	ctk_tuple_invert(&e->reply, o);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->timeout = f->timeout;
	ctk_entry_set(e, CTK_ATTR_TIMEOUT);
	e->mark = (uint32_t)((i / 100) % 10);
	ctk_entry_set(e, CTK_ATTR_MARK);
	if (o->l4num == IPPROTO_TCP) {
		e->tcp.state = TCP_CONNTRACK_ESTABLISHED;
		ctk_entry_set(e, CTK_ATTR_TCP_STATE);
		e->status = IPS_SEEN_REPLY | IPS_ASSURED;
		ctk_entry_set(e, CTK_ATTR_STATUS);
	}
}

static struct mnl_socket *open_socket(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int size = 4 * BATCH_BYTES, one = 1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("fill: socket");
		exit(1);
	}
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

/* Build requests [*next, n) until the batch is full; returns the last seq. */
static size_t build_batch(char *buf, long *next, const struct fill *f, uint32_t *last_seq)
{
	struct ctk_entry e;
	size_t len = 0;

	while (*next < f->start + f->n && len + MSG_ROOM <= BATCH_BYTES) {
		struct nlmsghdr *nlh;

		make_entry(&e, *next, f);
		nlh = ctk_entry_nlmsg(buf + len, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
				   (uint32_t)*next, e.orig.l3num);
		if (ctk_entry_put(nlh, MSG_ROOM, &e) < 0)
			abort();
		*last_seq = nlh->nlmsg_seq;
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		++*next;
	}
	return len;
}

/* Read acks until the one of @last_seq; count and remember failures. */
static void collect(struct mnl_socket *nl, uint32_t last_seq, long *failed, int *first_err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)n;

		if (n < 0) {
			perror("fill: recv");
			exit(1);
		}
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				++*failed;
				if (!*first_err)
					*first_err = -e->error;
			}
			if (nlh->nlmsg_seq == last_seq)
				return;
		}
	}
}

static void set_last_ack(char *buf, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf, *last = nlh;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		last = nlh;
	last->nlmsg_flags |= NLM_F_ACK;
}

static int fill(const struct fill *f)
{
	struct mnl_socket *nl = open_socket();
	char *buf = malloc(BATCH_BYTES);
	long next = f->start, failed = 0;
	int first_err = 0;
	struct timespec t0, t1;

	if (!buf)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (next < f->start + f->n) {
		uint32_t last_seq = 0;
		size_t len = build_batch(buf, &next, f, &last_seq);

		set_last_ack(buf, len);
		if (mnl_socket_sendto(nl, buf, len) < 0) {
			perror("fill: send");
			return 1;
		}
		collect(nl, last_seq, &failed, &first_err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	fprintf(stderr, "fill: %ld entries in %.2f s (%.0f/s), %ld failed\n", f->n - failed, dt,
		(f->n - failed) / dt, failed);
	if (failed) {
		fprintf(stderr, "fill: first error: %s%s\n", strerror(first_err),
			first_err == ENOMEM ? " (table full? see fill --ensure-max)" : "");
		return 1;
	}
	free(buf);
	mnl_socket_close(nl);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: fill N [--mix] [--timeout S] [--start K]\n"
			"       fill --ensure-max N | --restore-max OLD\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct fill f = {.timeout = 3600};

	if (argc == 3 && !strcmp(argv[1], "--restore-max"))
		return write_max(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "--ensure-max")) {
		long old = read_max(), want = atol(argv[2]);

		printf("%ld\n", old);
		return old >= want ? 0 : write_max(want);
	}
	if (argc < 2 || (f.n = atol(argv[1])) <= 0)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--mix"))
			f.mix = true;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			f.timeout = (uint32_t)atol(argv[++i]);
		else if (!strcmp(argv[i], "--start") && i + 1 < argc)
			f.start = atol(argv[++i]);
		else
			return usage();
	}
	if (read_max() > 0 && read_max() < f.n)
		fprintf(stderr,
			"fill: warning: nf_conntrack_max is %ld (< %ld); "
			"run 'fill --ensure-max %ld' in the initial namespace first\n",
			read_max(), f.n, f.n);
	return fill(&f);
}
