// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * watch - print the conntrack table's events as `conntrack -E` does, from
 * a poll() loop, and repair what the kernel could not deliver.
 *
 *   watch [-n COUNT] [NETNS-PATH]
 *
 * Stops after COUNT events (NEW, UPDATE and DESTROY, repaired ones
 * included), or never. Shows: an event mirror driven from the caller's
 * own loop (its descriptor and a budgeted dispatch), resync by a dump
 * into an entry cache after an overrun, and the text formatter with the
 * event tag. Builds as C99 and as C++.
 */
#define _POSIX_C_SOURCE 200809L /* open(O_CLOEXEC), getopt() under -std=c99 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ctkit/ctkit.h>

struct watch {
	struct ctk_fmt fmt;
	unsigned long left; /* events still to print; 0: no limit */
	bool limited;
	char line[4096];
};

static int print_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct watch *w = (struct watch *)data;
	size_t n = ctk_format_entry(w->line, sizeof(w->line), e, info->type, &w->fmt);

	/* A line longer than the buffer is cut: an example, not conntrack. */
	printf("%.*s%s\n", (int)(n < sizeof(w->line) ? n : sizeof(w->line) - 1), w->line,
	       info->repaired ? " [REPAIRED]" : "");
	fflush(stdout);
	if (w->limited && --w->left == 0)
		return CTK_CB_STOP;
	return CTK_CB_OK;
}

static void note(enum ctk_mirror_note what, int err, void *data)
{
	(void)data;
	if (what == CTK_MIRROR_OVERRUN)
		fprintf(stderr, "watch: the kernel dropped events; repairing from a dump\n");
	else
		fprintf(stderr, "watch: repair failed: %s\n", strerror(-err));
}

int main(int argc, char **argv)
{
	struct ctk_mirror_opts opts;
	struct ctk_mirror *m;
	struct watch w;
	struct ctk_nl *nl;
	struct pollfd pfd;
	int netns = -1, opt, ret;

	memset(&w, 0, sizeof(w));
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: %s [-n COUNT] [NETNS-PATH]\n", argv[0]);
			return 2;
		}
		w.left = strtoul(optarg, NULL, 10);
		w.limited = true;
	}
	if (optind < argc && (netns = open(argv[optind], O_RDONLY | O_CLOEXEC)) < 0) {
		perror(argv[optind]);
		return 1;
	}
	/* The session dumps for repairs; the mirror listens in its namespace. */
	nl = ctk_nl_open_netns(netns);
	if (!nl) {
		perror("ctk_nl_open_netns");
		return 1;
	}
	if (netns >= 0)
		close(netns);

	w.fmt.kind = CTK_FMT_DEFAULT;
	w.fmt.flags = CTK_FMT_F_NO_USE;
	memset(&opts, 0, sizeof(opts));
	opts.groups = CTK_EVENTS_ALL;
	opts.resync = true;
	opts.nl = nl;
	opts.cb = print_event;
	opts.notify = note;
	opts.data = &w;
	m = ctk_mirror_new(&opts);
	if (!m) {
		perror("ctk_mirror_new");
		return 1;
	}
	ret = ctk_mirror_start(m);
	/* Tell a waiting script that events from now on are seen. */
	fprintf(stderr, "watch: ready\n");
	pfd.fd = ctk_mirror_fd(m);
	pfd.events = POLLIN;
	while (ret >= 0) {
		w.fmt.now = time(NULL);
		ret = ctk_mirror_dispatch(m, 64);
		if (ret < 0 || (w.limited && w.left == 0))
			break;
		if (ret == 0 && poll(&pfd, 1, -1) < 0 && errno != EINTR)
			ret = -errno;
	}
	if (ret < 0)
		fprintf(stderr, "watch: %s\n", strerror(-ret));
	ctk_mirror_free(m);
	ctk_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
