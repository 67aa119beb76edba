// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctkit-top's messages (see report.h). */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

void top_say(const char *fmt, ...)
{
	va_list ap;

	fputs(TOP_PREFIX, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int top_report_error(const struct ct_error *err)
{
	if (err->warnings[0])
		fputs(err->warnings, stderr);
	if (!err->exit_code)
		return TOP_EXIT_OK;
	top_say("%s", err->msg);
	if (err->try_help)
		fputs("Try `ctkit-top --help' for more information.\n", stderr);
	return err->exit_code;
}
