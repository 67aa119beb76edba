// SPDX-License-Identifier: LGPL-2.1-or-later
/* Messages and exit codes: see report.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524	/* kernel-internal, leaks out of ctnetlink */
#endif

static const char *say_prefix = CT_PREFIX;

void ct_say_prefix(const char *prefix)
{
	say_prefix = prefix;
}

void ct_say(const char *fmt, ...)
{
	va_list ap;

	fputs(say_prefix, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ct_report_error(const struct ct_error *err)
{
	if (err->warnings[0])
		fputs(err->warnings, stderr);
	if (!err->exit_code)
		return 0;
	ct_say("%s", err->msg);
	if (err->try_help)
		fputs(CT_TRY_HELP, stderr);
	return err->exit_code;
}

/*
 * The reference maps a few errno values to its own words, and only for the
 * commands where they mean something specific; everything else is
 * strerror(). Data, in the reference's lookup order.
 */
struct err_text {
	int err;
	unsigned int cmds;	/* bit per enum ct_cmd; 0 = any command */
	const char *text;
};

#define CMD(c) (1u << (c))

static const struct err_text err_texts[] = {
	{ ENOTSUPP, CMD(CT_CMD_LIST), "function not implemented" },
	{ EINVAL, 0, "invalid parameters" },
	{ EEXIST, CMD(CT_CMD_CREATE), "Such conntrack exists, try -U to update" },
	{ ENOENT, CMD(CT_CMD_CREATE) | CMD(CT_CMD_GET) | CMD(CT_CMD_DELETE) | CMD(CT_CMD_ADD),
	  "such conntrack doesn't exist" },
	{ ENOMEM, CMD(CT_CMD_CREATE) | CMD(CT_CMD_GET) | CMD(CT_CMD_ADD), "not enough memory" },
	{ EAFNOSUPPORT, CMD(CT_CMD_GET), "protocol not supported" },
	{ ETIME, CMD(CT_CMD_CREATE) | CMD(CT_CMD_ADD), "conntrack has expired" },
	{ EPERM, 0, "sorry, you must be root or get CAP_NET_ADMIN capability to do this" },
};

const char *ct_err2str(int err, enum ct_cmd cmd)
{
	for (size_t i = 0; i < sizeof(err_texts) / sizeof(err_texts[0]); i++) {
		const struct err_text *t = &err_texts[i];

		if (!t->text || t->err != err)
			continue;
		if (t->cmds && !(t->cmds & CMD(cmd)))
			continue;
		return t->text;
	}
	return strerror(err);
}
