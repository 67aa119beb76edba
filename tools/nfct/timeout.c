// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nfct's timeout subsystem (src/nfct-extensions/timeout.c of 1.4.7): the
 * same argument checks in the same order, the same messages, and the
 * policies printed as libnetfilter_cttimeout prints them.
 */
#include <stdio.h>
#include <ctkit/netlink.h>
#include <ctkit/timeout.h>
#include <ctkit/timeout_nl.h>
#include <ctkit/format.h>
#include "nfct.h"

static void timeout_usage(const char *prog)
{
	fprintf(stderr, NFCT_PREFIX "Missing command\n"
		"%s <list|add|delete|get|default-set|default-get|flush> timeout "
		"[<parameters>, ...]\n", prog);
}

static int print_timeout(const struct ctk_timeout *t, void *data)
{
	const struct nfct_run *r = data;
	char buf[4096];

	ctk_format_timeout(buf, sizeof(buf), t, r->kind);
	printf("%s\n", buf);
	return CTK_CB_OK;
}

/* FAMILY PROTO [STATE SECS]... with the reference's messages. */
static int parse_policy(struct ctk_timeout *t, int argc, char *argv[])
{
	int bad = 0;

	switch (ctk_timeout_parse_args(t, argc, argv, 0, &bad)) {
	case CTK_TIMEOUT_ARGS_OK:
		return 0;
	case CTK_TIMEOUT_ARGS_L3:
		nfct_perror("unknown layer 3 protocol", 0);
		break;
	case CTK_TIMEOUT_ARGS_L4:
		nfct_perror("unknown layer 4 protocol", 0);
		break;
	case CTK_TIMEOUT_ARGS_STATE:
		fprintf(stderr, NFCT_PREFIX "Wrong state name: `%s' for protocol `%s'\n",
			argv[bad], argv[1]);
		break;
	default:
		nfct_perror("missing value for this timeout", 0);
		break;
	}
	return -1;
}

static int cmd_list(struct nfct_run *r)
{
	if (r->argc > 3) {
		nfct_perror("too many arguments", 0);
		return -1;
	}
	return nfct_netlink_result(ctk_nl_timeout_dump(r->nl, print_timeout, r));
}

static int cmd_add(struct nfct_run *r)
{
	struct ctk_timeout t = {0};

	if (r->argc < 6) {
		nfct_perror("missing parameters\n"
			    "syntax: nfct add timeout name family protocol state1 timeout1 ...", 0);
		return -1;
	}
	ctk_timeout_set_name(&t, r->argv[3]);
	if (parse_policy(&t, r->argc - 4, r->argv + 4) < 0)
		return -1;
	return nfct_netlink_result(ctk_nl_timeout_create(r->nl, &t, 0));
}

/* get and delete take exactly one name. */
static const char *one_name(const struct nfct_run *r)
{
	if (r->argc < 4) {
		nfct_perror("missing timeout policy name", 0);
		return NULL;
	}
	if (r->argc > 4) {
		nfct_perror("too many arguments", 0);
		return NULL;
	}
	return r->argv[3];
}

static int cmd_get(struct nfct_run *r)
{
	const char *name = one_name(r);

	if (!name)
		return -1;
	return nfct_netlink_result(ctk_nl_timeout_get(r->nl, name, print_timeout, r));
}

static int cmd_delete(struct nfct_run *r)
{
	const char *name = one_name(r);

	if (!name)
		return -1;
	return nfct_netlink_result(ctk_nl_timeout_delete(r->nl, name));
}

static int cmd_flush(struct nfct_run *r)
{
	if (r->argc > 3) {
		nfct_perror("too many arguments", 0);
		return -1;
	}
	return nfct_netlink_result(ctk_nl_timeout_delete(r->nl, NULL));
}

static int cmd_default_set(struct nfct_run *r)
{
	struct ctk_timeout t = {0};

	if (r->argc < 6) {
		nfct_perror("missing parameters\n"
			    "syntax: nfct default-set timeout family protocol state1 timeout1...", 0);
		return -1;
	}
	if (parse_policy(&t, r->argc - 3, r->argv + 3) < 0)
		return -1;
	return nfct_netlink_result(ctk_nl_timeout_default_set(r->nl, &t));
}

static int cmd_default_get(struct nfct_run *r)
{
	struct ctk_timeout t = {0};

	if (r->argc < 5) {
		nfct_perror("missing parameters\n"
			    "syntax: nfct default-get timeout family protocol", 0);
		return -1;
	}
	/* Only FAMILY and PROTO count; the reference ignores anything after them. */
	if (parse_policy(&t, 2, r->argv + 3) < 0)
		return -1;
	return nfct_netlink_result(ctk_nl_timeout_default_get(r->nl, t.l3proto, t.l4proto,
							 print_timeout, r));
}

int nfct_timeout_run(struct nfct_run *r)
{
	switch (r->cmd) {
	case NFCT_CMD_LIST:
		return cmd_list(r);
	case NFCT_CMD_ADD:
		return cmd_add(r);
	case NFCT_CMD_DELETE:
		return cmd_delete(r);
	case NFCT_CMD_GET:
		return cmd_get(r);
	case NFCT_CMD_FLUSH:
		return cmd_flush(r);
	case NFCT_CMD_DEFAULT_SET:
		return cmd_default_set(r);
	case NFCT_CMD_DEFAULT_GET:
		return cmd_default_get(r);
	default:
		timeout_usage(r->argv[0]);
		return -1;
	}
}
