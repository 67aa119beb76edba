// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Command dispatch, the summary line and exit codes (see run.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ctkit/filter.h>

#include "loadfile.h"
#include "report.h"
#include "run.h"
#include "run_expect.h"
#include "run_pcap.h"

/* The summary each command prints, as the reference's exit_msg[]. */
static const char *const summary_text[] = {
	[CT_CMD_LIST] = "%u flow entries have been shown.",
	[CT_CMD_GET] = "%u flow entries have been shown.",
	[CT_CMD_CREATE] = "%u flow entries have been created.",
	[CT_CMD_ADD] = "%u flow entries have been added.",
	[CT_CMD_UPDATE] = "%u flow entries have been updated.",
	[CT_CMD_DELETE] = "%u flow entries have been deleted.",
};

/* Commands for which "0 entries" is still a success. */
static bool zero_is_success(enum ct_cmd cmd)
{
	return cmd == CT_CMD_LIST || cmd == CT_CMD_ADD;
}

bool ct_selected(const struct ct_cli *cli, const struct ctk_entry *e)
{
	if (!ctk_filter_match(&cli->filter, e))
		return false;
	if (!cli->filter_file)
		return true;
	for (size_t i = 0; i < cli->n_any_of; i++)
		if (ctk_filter_match(&cli->any_of[i], e))
			return true;
	return false;
}

void ct_print_entry(struct ct_run *run, const struct ctk_entry *e, bool xml_header)
{
	if (xml_header && run->fmt.kind == CTK_FMT_XML && !run->xml_open) {
		ctk_out_puts(run->out, CTK_XML_HEADER);
		run->xml_open = true;
	}
	ctk_out_entry(run->out, e, CTK_EV_NONE, &run->fmt);
}

static const ct_runner_fn runners[] = {
	[CT_CMD_LIST] = ct_run_list,
	[CT_CMD_GET] = ct_run_get,
	[CT_CMD_CREATE] = ct_run_create,
	[CT_CMD_ADD] = ct_run_create,
	[CT_CMD_UPDATE] = ct_run_update,
	[CT_CMD_DELETE] = ct_run_delete,
	[CT_CMD_FLUSH] = ct_run_flush,
	[CT_CMD_COUNT] = ct_run_count,
	[CT_CMD_STATS] = ct_run_stats,
	[CT_CMD_EVENT] = ct_run_event,
};

static int run_version(void)
{
	printf("conntrack v%s (ctkit %s)\n", CTK_COMPAT_VERSION, CTK_VERSION);
	return CT_EXIT_OK;
}

int ct_run_session(struct ct_run *run, ct_runner_fn fn, ct_err2str_fn err2str)
{
	int ret;

	if (!fn) {
		ct_say("Operation failed: %s", strerror(EOPNOTSUPP));
		return CT_EXIT_OTHER;
	}
	run->nl = ctk_nl_open();
	if (!run->nl) {
		ct_say("Can't open handler");
		return CT_EXIT_OTHER;
	}
	ret = fn(run);
	if (run->modifier)
		ctk_nl_close(run->modifier);
	ctk_nl_close(run->nl);
	run->modifier = NULL;
	run->nl = NULL;
	if (ret == CT_ERR_REPORTED)
		return CT_EXIT_OTHER;
	if (ret < 0) {
		ctk_out_flush(run->out);
		ct_say("Operation failed: %s", err2str(-ret, run->cli->cmd));
		return CT_EXIT_OTHER;
	}
	return CT_EXIT_OK;
}

static int run_kernel_command(struct ct_run *run)
{
	enum ct_cmd cmd = run->cli->cmd;
	ct_runner_fn fn = NULL;

	if ((size_t)cmd < sizeof(runners) / sizeof(runners[0]))
		fn = runners[cmd];
	return ct_run_session(run, fn, ct_err2str);
}

int ct_print_summary(const struct ct_run *run)
{
	enum ct_cmd cmd = run->cli->cmd;

	if ((size_t)cmd >= sizeof(summary_text) / sizeof(summary_text[0]) || !summary_text[cmd])
		return CT_EXIT_OK;
	ct_say(summary_text[cmd], run->counter);
	if (run->counter == 0 && !zero_is_success(cmd))
		return CT_EXIT_OTHER;
	return CT_EXIT_OK;
}

/* The expectation table (run_expect.c) prints its own summaries; -E expect is the event loop's. */
bool ct_run_is_expect(const struct ct_cli *cli)
{
	return cli->table == CT_TABLE_EXPECT && cli->cmd != CT_CMD_EVENT;
}

struct ctk_labelmap *ct_run_prepare_fmt(struct ct_run *run)
{
	struct ctk_labelmap *json_labels = NULL;

	run->fmt.now = time(NULL);
	run->fmt.labels = run->cli->labelmap;
	if (run->fmt.kind == CTK_FMT_JSON && !run->fmt.labels) {
		/* JSON names labels when it can; without a map it prints bit numbers. */
		json_labels = ctk_labelmap_load(CTK_LABELMAP_DEFAULT_PATH);
		run->fmt.labels = json_labels;
	}
	return json_labels;
}

int ct_run_tables(struct ct_run *run)
{
	return ct_run_is_expect(run->cli) ? ct_run_expect(run) : run_kernel_command(run);
}

int ct_run_command(const struct ct_cli *cli, struct ctk_out *out, bool batch)
{
	struct ct_run run = {
		.cli = cli,
		.out = out,
		.fmt = cli->fmt,
		.batch = batch,
	};
	struct ctk_labelmap *json_labels;
	int rc;

	/* A capture replayed through the userspace engine instead of the kernel. */
	if (cli->pcap_file || cli->capture_iface)
		return ct_run_pcap(cli, out);
	switch (cli->cmd) {
	case CT_CMD_NONE:
	case CT_CMD_HELP:
		ct_print_help(stdout, cli->help_proto ? cli->l4proto : -1);
		return CT_EXIT_OK;
	case CT_CMD_VERSION:
		return run_version();
	default:
		break;
	}
	if (ct_netns_all(cli))
		return ct_run_netns_all(cli, out);
	json_labels = ct_run_prepare_fmt(&run);
	rc = ct_run_tables(&run);
	ctk_labelmap_free(json_labels);
	if (ct_run_is_expect(cli) || rc != CT_EXIT_OK || batch)
		return rc;
	ctk_out_flush(out);
	return ct_print_summary(&run);
}
