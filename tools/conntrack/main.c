// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack (ctkit): a drop-in replacement for conntrack-tools' conntrack.
 * main() only parses, reports and dispatches; see run.c for execution.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loadfile.h"
#include "report.h"
#include "run.h"

static struct ctk_out out;

static bool is_load_file(int argc, char **argv)
{
	return argc > 2 && (!strcmp(argv[1], "-R") || !strcmp(argv[1], "--load-file"));
}

/*
 * -R FILE: the reference ignores the words after the file; `--netns NS'
 * there is honoured (a file loaded into the wrong table would be worse
 * than an error), the rest still ignored.
 */
static int load_file_netns(int argc, char **argv, struct ct_error *err)
{
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "--netns=", 8))
			return ct_enter_netns(argv[i] + 8, err);
		if (strcmp(argv[i], "--netns"))
			continue;
		if (i + 1 == argc) {
			snprintf(err->msg, sizeof(err->msg), "option `--netns' requires an argument");
			err->exit_code = 2;
			err->try_help = true;
			return -1;
		}
		return ct_enter_netns(argv[i + 1], err);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ct_cli cli;
	struct ct_error err = { 0 };
	int rc;

	ctk_out_init(&out, STDOUT_FILENO);
	if (is_load_file(argc, argv)) {
		rc = load_file_netns(argc, argv, &err) < 0 ? ct_report_error(&err)
							    : ct_run_load_file(argv[2], &out);
	} else {
		ct_cli_init(&cli);
		if (ct_parse_args(argc, argv, &cli, &err) < 0 ||
		    (cli.filter_file && ct_load_filter_file(&cli, &err) < 0) ||
		    (cli.netns && !ct_netns_all(&cli) && ct_enter_netns(cli.netns, &err) < 0)) {
			rc = ct_report_error(&err);
		} else {
			ct_report_error(&err);	/* warnings */
			rc = ct_run_command(&cli, &out, false);
		}
		ct_cli_free(&cli);
	}
	if (ctk_out_flush(&out) < 0 && rc == 0)
		rc = CT_EXIT_OTHER;
	return rc;
}
