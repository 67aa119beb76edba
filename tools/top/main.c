// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit-top: a live view of the connection tracking table, as top shows
 * processes (man/ctkit-top.8). main() parses, enters --netns, opens the
 * source and hands over to the batch or the interactive loop.
 */
#include <stdio.h>
#include <unistd.h>
#include <ctkit/version.h>

#include "../conntrack/report.h"
#include "../conntrack/run.h"
#include "app.h"
#include "batch.h"
#include "interactive.h"
#include "report.h"
#include "signals.h"

/* Large (its output buffer): not on the stack. */
static struct top_app app;

static bool groups_by_label(const struct ct_cli *cli)
{
	for (unsigned int i = 0; cli->group_by && i < cli->group_spec.nkeys; i++)
		if (cli->group_spec.keys[i].key == CTK_GROUP_LABEL)
			return true;
	return false;
}

/* The source, the view and the table; the exit code on failure. */
static int open_all(struct top_app *a)
{
	int rc = TOP_EXIT_OK;

	if (a->opts.cli.pcap_file || a->opts.cli.capture_iface)
		a->source = top_source_engine_open(&a->opts, &a->out, &rc);
	else
		a->source = top_source_kernel_open(&a->opts, &rc);
	if (!a->source)
		return rc;
	top_view_init(&a->view, &a->opts);
	if (top_table_init(&a->table, &a->opts, !a->opts.batch) < 0) {
		top_say("out of memory");
		return TOP_EXIT_OTHER;
	}
	/* label names as conntrack -L --group-by label prints them */
	if (groups_by_label(&a->opts.cli))
		a->labels = ctk_labelmap_load(CTK_LABELMAP_DEFAULT_PATH);
	return TOP_EXIT_OK;
}

static void close_all(struct top_app *a)
{
	top_table_free(&a->table);
	if (a->source)
		a->source->ops->close(a->source);
	ctk_labelmap_free(a->labels);
	top_free_options(&a->opts);
}

int main(int argc, char **argv)
{
	struct ct_error err;
	int rc;

	/* conntrack's parts (the capture replay) speak as ctkit-top */
	ct_say_prefix(TOP_PREFIX);
	if (top_parse_options(argc, argv, &app.opts, &err) < 0)
		return top_report_error(&err);
	top_report_error(&err); /* warnings */
	if (app.opts.help || app.opts.version) {
		if (app.opts.help)
			top_print_help();
		else
			printf("ctkit-top (ctkit %s)\n", CTK_VERSION_STRING);
		top_free_options(&app.opts);
		return TOP_EXIT_OK;
	}
	ctk_out_init(&app.out, STDOUT_FILENO);
	if (app.opts.cli.netns && ct_netns_all(&app.opts.cli)) {
		/* one table at a time; --group-by netns over all is conntrack -L --netns all's */
		top_say("--netns all: one namespace at a time here (conntrack -L --netns all "
			"--group-by netns counts them all)");
		rc = TOP_EXIT_PARAM;
	} else if (app.opts.cli.netns && ct_enter_netns(app.opts.cli.netns, &err) < 0) {
		rc = top_report_error(&err);
	} else if (!app.opts.batch && !isatty(STDOUT_FILENO)) {
		top_say("standard output is not a terminal: use --batch for plain text");
		rc = TOP_EXIT_PARAM;
	} else {
		/* before curses starts, which then leaves SIGINT and SIGTERM to us */
		top_signals_init();
		rc = open_all(&app);
		if (rc == TOP_EXIT_OK)
			rc = app.opts.batch ? top_batch(&app) : top_interactive(&app);
	}
	close_all(&app);
	return rc;
}
