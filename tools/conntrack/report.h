/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Messages and exit codes, as conntrack-tools 1.4.7 prints them, with the
 * program prefix naming ctkit.
 */
#ifndef CT_REPORT_H
#define CT_REPORT_H

#include "cli.h"

#define CT_PREFIX "conntrack v" CTK_COMPAT_VERSION " (ctkit): "
#define CT_TRY_HELP "Try `conntrack -h' or 'conntrack --help' for more information.\n"

enum ct_exit {
	CT_EXIT_OK = 0,
	CT_EXIT_OTHER = 1,	/* runtime and netlink errors */
	CT_EXIT_PARAM = 2,	/* usage errors */
};

/* ct_say - one stderr line after the program prefix. */
void ct_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * ct_say_prefix - the prefix of ct_say()'s lines (CT_PREFIX until then),
 * for another program that runs conntrack's parts (ctkit-top).
 */
void ct_say_prefix(const char *prefix);

/* ct_report_error - print a parse error as the reference does; returns its exit code. */
int ct_report_error(const struct ct_error *err);

/* ct_err2str - the reference's text for errno @err (positive) under command @cmd. */
const char *ct_err2str(int err, enum ct_cmd cmd);

#endif
