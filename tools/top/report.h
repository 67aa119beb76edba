/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctkit-top's messages on stderr: "ctkit-top: ..." as conntrack prefixes its own. */
#ifndef TOP_REPORT_H
#define TOP_REPORT_H

#include "../conntrack/cli.h"

#define TOP_PREFIX "ctkit-top: "

#define TOP_EXIT_OK    0
#define TOP_EXIT_OTHER 1 /* runtime errors */
#define TOP_EXIT_PARAM 2 /* usage errors */

/* top_say - one line on stderr after the program's name. */
void top_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* top_report_error - @err's warnings, then its message (and where help is); its exit code. */
int top_report_error(const struct ct_error *err);

#endif
