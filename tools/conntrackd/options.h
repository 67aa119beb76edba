/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: either run the daemon (-d, or nothing: in the
 * foreground) or send one request to a running daemon. Parsing never
 * prints or exits, so it is unit-tested.
 */
#ifndef CTD_OPTIONS_H
#define CTD_OPTIONS_H

#include "config.h"

enum ctd_run {
	CTD_RUN_CONSOLE, /* no command: the daemon in the foreground */
	CTD_RUN_DAEMON,	 /* -d */
	CTD_RUN_REQUEST, /* a client command */
	CTD_RUN_VERSION, /* -v */
	CTD_RUN_HELP,	 /* -h */
};

struct ctd_options {
	enum ctd_run run;
	int request; /* enum ctd_request with CTD_RUN_REQUEST */
	char config[CTD_PATH_MAX];
	const char *warning; /* a warning to print, e.g. "-s multicast" */
};

/* Why the command line was refused. */
enum ctd_opt_error {
	CTD_OPT_OK,
	CTD_OPT_UNKNOWN,   /* "Unknown option: %s" */
	CTD_OPT_CONFLICT,  /* "Invalid parameters" (daemon and request, or -x alone) */
	CTD_OPT_BAD_PARAM, /* "unknown parameter `%s' for option `-%c'" */
	CTD_OPT_NO_CONFIG, /* "Missing config filename" */
};

struct ctd_opt_result {
	enum ctd_opt_error error;
	char msg[256]; /* the whole message for that error */
};

/* ctd_options_parse - fill @o from argv; returns 0, or -1 with @res filled. */
int ctd_options_parse(struct ctd_options *o, int argc, char **argv, struct ctd_opt_result *res);

#endif
