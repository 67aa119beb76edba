// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --netns all: -L, -C and -S in every network namespace of the machine
 * in turn (ctk_netns_list: the named ones, then those of running
 * processes), each line saying where it comes from ("netns=NAME " in
 * front in text, a "netns" key in JSON); one summary counts them all.
 * --group-by counts every namespace's entries into one set of groups
 * (the netns key splits them again). -E listens to all of them at once
 * (run_event.c).
 *
 * A namespace gone by the time it is entered (its last process exited)
 * is passed over silently: it has no table left to show. One that cannot
 * be entered, or where the command fails, is reported and skipped; the
 * others still run and the exit code says 1 at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ctkit/netns.h>

#include "report.h"
#include "run.h"
#include "run_expect.h"

/* Entering the namespace one is in needs CAP_SYS_ADMIN too: no need to. */
static bool is_current(const struct ctk_netns_ref *ref)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) == 0 && (uint64_t)st.st_ino == ref->ino &&
	       (uint64_t)st.st_dev == ref->dev;
}

int ct_netns_enter_ref(const struct ctk_netns_ref *ref, bool *failed)
{
	int fd = ctk_netns_ref_open(ref), ret;

	if (fd == -ENOENT)
		return -1;
	if (fd < 0) {
		ct_say("netns %s: cannot open it: %s", ref->name, strerror(-fd));
		*failed = true;
		return -1;
	}
	ret = is_current(ref) ? 0 : ctk_netns_enter(fd);
	if (ret < 0) {
		ct_say("netns %s: cannot enter it: %s", ref->name, strerror(-ret));
		close(fd);
		*failed = true;
		return -1;
	}
	return fd;
}

/* One namespace's part: the command's lines, its count added to @total's. */
static void run_in(struct ct_run *total, const struct ctk_netns_ref *ref, bool *failed)
{
	struct ct_run run = *total;
	int fd = ct_netns_enter_ref(ref, failed);

	if (fd < 0)
		return;
	close(fd);
	run.counter = 0;
	run.batch = true;
	run.fmt.netns = ref->name;
	if (ct_run_tables(&run) != CT_EXIT_OK) {
		ct_say("netns %s: the command failed there", ref->name);
		*failed = true;
	}
	ctk_out_flush(run.out);
	total->counter += run.counter;
}

static int run_everywhere(struct ct_run *total, const struct ctk_netns_ref *refs, size_t n)
{
	const struct ct_cli *cli = total->cli;
	bool failed = false;
	int rc;

	if (cli->group_by && !(total->groups = ctk_groups_new(&cli->group_spec))) {
		ct_say("--netns all: %s", strerror(ENOMEM));
		return CT_EXIT_OTHER;
	}
	for (size_t i = 0; i < n; i++)
		run_in(total, &refs[i], &failed);
	if (total->groups) {
		if (ct_print_groups(total) < 0) {
			ct_say("--netns all: %s", strerror(ENOMEM));
			failed = true;
		}
		ctk_groups_free(total->groups);
		total->groups = NULL;
	}
	ctk_out_flush(total->out);
	rc = ct_run_is_expect(cli) ? ct_expect_summary(total) : ct_print_summary(total);
	return failed ? CT_EXIT_OTHER : rc;
}

int ct_run_netns_all(const struct ct_cli *cli, struct ctk_out *out)
{
	struct ct_run total = {.cli = cli, .out = out, .fmt = cli->fmt};
	struct ctk_labelmap *json_labels;
	struct ctk_netns_ref *refs = NULL;
	int n = 0, rc;

	/* -E lists them itself, again and again: namespaces come and go while it runs. */
	if (cli->cmd != CT_CMD_EVENT && (n = ctk_netns_list(&refs)) < 0) {
		ct_say("--netns all: cannot list the network namespaces: %s", strerror(-n));
		return CT_EXIT_OTHER;
	}
	json_labels = ct_run_prepare_fmt(&total);
	if (cli->cmd == CT_CMD_EVENT)
		rc = ct_run_event_netns(&total);
	else
		rc = run_everywhere(&total, refs, (size_t)n);
	ctk_labelmap_free(json_labels);
	free(refs);
	return rc;
}
