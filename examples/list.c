// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * list - print the kernel's conntrack entries of one protocol and
 * destination port, as `conntrack -L -p PROTO --dport PORT` prints them
 * (without its summary line).
 *
 *   list PROTO PORT [NETNS-PATH]
 *
 * Shows: a session (optionally inside another network namespace), a
 * filter, a planned dump that lets the kernel drop what does not match,
 * the text formatter and the buffered writer. Builds as C99 and as C++.
 */
#define _POSIX_C_SOURCE 200809L /* open(O_CLOEXEC), close() under -std=c99 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ctkit/ctkit.h>

struct listing {
	struct ctk_filter filter;
	struct ctk_fmt fmt;
	struct ctk_out out; /* 256 KiB: keep it off the stack */
};

static int print_entry(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct listing *l = (struct listing *)data;

	(void)ev;
	/* The kernel applied what it could; the filter decides. */
	if (ctk_filter_match(&l->filter, e))
		ctk_out_entry(&l->out, e, CTK_EV_NONE, &l->fmt);
	return CTK_CB_OK;
}

int main(int argc, char **argv)
{
	const struct ctk_l4proto *proto;
	struct ctk_dump_opts opts;
	struct ctk_dump_plan plan;
	struct listing *l;
	struct ctk_nl *nl;
	int netns = -1, ret;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s PROTO PORT [NETNS-PATH]\n", argv[0]);
		return 2;
	}
	proto = ctk_l4proto_find_name(argv[1]);
	if (!proto || !ctk_l4proto_has_ports(proto->num)) {
		fprintf(stderr, "%s: %s: not a protocol with ports\n", argv[0], argv[1]);
		return 2;
	}
	if (argc == 4 && (netns = open(argv[3], O_RDONLY | O_CLOEXEC)) < 0) {
		perror(argv[3]);
		return 1;
	}
	nl = ctk_nl_open_netns(netns);
	if (!nl) {
		perror("ctk_nl_open_netns");
		return 1;
	}
	if (netns >= 0)
		close(netns); /* the session keeps its own copy */

	l = (struct listing *)calloc(1, sizeof(*l));
	if (!l)
		return 1;
	ctk_filter_init(&l->filter);
	l->filter.orig.l4num = proto->num;
	ctk_filter_set(&l->filter, CTK_F_L4PROTO);
	l->filter.orig.dport = (uint16_t)atoi(argv[2]);
	ctk_filter_set(&l->filter, CTK_F_ORIG_DPORT);
	l->fmt.kind = CTK_FMT_DEFAULT;
	l->fmt.now = time(NULL);
	ctk_out_init(&l->out, STDOUT_FILENO);

	memset(&opts, 0, sizeof(opts));
	memset(&plan, 0, sizeof(plan));
	plan.flags = CTK_PLAN_READ_AHEAD;
	ret = ctk_nl_dump_planned(nl, &opts, &l->filter, &plan, print_entry, l);
	if (ret == 0)
		ret = ctk_out_flush(&l->out);
	if (ret < 0)
		fprintf(stderr, "%s: %s\n", argv[0], strerror(-ret));
	ctk_nl_close(nl);
	free(l);
	return ret < 0 ? 1 : 0;
}
