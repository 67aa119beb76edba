/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nfct: the command line of conntrack-tools 1.4.7's nfct on ctkit.
 *
 * "nfct COMMAND SUBSYSTEM [PARAMETERS]" (or SUBSYSTEM COMMAND): words are
 * matched by prefix in the reference's order, its messages and exit codes
 * are kept, and the parameters of a subsystem's command are argv[3...]
 * whichever order the first two words came in.
 */
#ifndef NFCT_NFCT_H
#define NFCT_NFCT_H

#include <stdint.h>
#include <ctkit/format.h>

#define NFCT_PREFIX "nfct v" CTK_COMPAT_VERSION ": "

enum nfct_cmd {
	NFCT_CMD_LIST = 1,
	NFCT_CMD_ADD,
	NFCT_CMD_DELETE,
	NFCT_CMD_GET,
	NFCT_CMD_FLUSH,
	NFCT_CMD_DISABLE,
	NFCT_CMD_DEFAULT_SET,
	NFCT_CMD_DEFAULT_GET,
	NFCT_CMD_MAX
};

enum nfct_subsys {
	NFCT_SUBSYS_TIMEOUT = 1,
	NFCT_SUBSYS_HELPER,
	NFCT_SUBSYS_VERSION,
	NFCT_SUBSYS_HELP,
	NFCT_SUBSYS_MAX
};

struct ctk_nl;

/* One invocation: the words after the options, and where output goes. */
struct nfct_run {
	int argc;
	char **argv;		/* argv[0] is the program name */
	enum nfct_cmd cmd;
	enum ctk_fmt_kind kind;	/* CTK_FMT_DEFAULT or CTK_FMT_JSON */
	const char *netns;	/* --netns NAME|PATH|PID, or NULL: the caller's namespace */
	struct ctk_nl *nl;
};

/* nfct_main - the whole program; returns the exit status. */
int nfct_main(int argc, char *argv[]);

/* Prefix-match a command or subsystem word as the reference; -1 when none. */
int nfct_cmd_parse(const char *word);
int nfct_subsys_parse(const char *word);

/* "nfct v1.4.7: MSG" or, with @err (negative errno), "...: MSG: strerror". */
void nfct_perror(const char *msg, int err);

/* The subsystems: 0 on success, -1 after printing the error. */
int nfct_timeout_run(struct nfct_run *r);
int nfct_helper_run(struct nfct_run *r);

/* A userspace helper that conntrackd 1.4.7 ships (its ct_helper_NAME.so plugin). */
struct ctk_helper;
const struct ctk_helper *nfct_helper_plugin(const char *name, uint8_t l4proto);

/* nfct_netlink_result - report a failed request as "netlink error: ..."; 0 or -1. */
int nfct_netlink_result(int ret);

#endif
