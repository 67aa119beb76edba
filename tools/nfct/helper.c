// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nfct's helper subsystem (src/nfct-extensions/helper.c of 1.4.7): the
 * reference's argument checks, messages and requests. On a kernel without
 * CONFIG_NF_CT_NETLINK_HELPER every request that gets that far fails
 * with "netlink error: Invalid argument", exactly as the reference does.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/helper_nl.h>
#include <ctkit/netlink.h>
#include <ctkit/format.h>
#include "nfct.h"

static int print_helper(const struct ctk_helper *h, void *data)
{
	const struct nfct_run *r = data;
	char buf[4096];

	ctk_format_helper(buf, sizeof(buf), h, r->kind);
	printf("%s\n", buf);
	return CTK_CB_OK;
}

static int parse_l3(const char *word, struct ctk_helper *h)
{
	if (strcmp(word, "inet") == 0)
		h->l3proto = AF_INET;
	else if (strcmp(word, "inet6") == 0)
		h->l3proto = AF_INET6;
	else {
		nfct_perror("unknown layer 3 protocol", 0);
		return -1;
	}
	h->present |= CTK_HELPER_ATTR_L3PROTO;
	return 0;
}

static int parse_l4(const char *word, struct ctk_helper *h)
{
	if (strcmp(word, "tcp") == 0)
		h->l4proto = IPPROTO_TCP;
	else if (strcmp(word, "udp") == 0)
		h->l4proto = IPPROTO_UDP;
	else {
		nfct_perror("unsupported layer 4 protocol", 0);
		return -1;
	}
	h->present |= CTK_HELPER_ATTR_L4PROTO;
	return 0;
}

static int cmd_list(struct nfct_run *r)
{
	if (r->argc > 3) {
		nfct_perror("too many arguments", 0);
		return -1;
	}
	return nfct_netlink_result(ctk_nl_helper_dump(r->nl, print_helper, r));
}

/* NAME FAMILY PROTO of a helper conntrackd has a plugin for (add, disable). */
static const struct ctk_helper *known_helper(struct nfct_run *r, struct ctk_helper *h,
					     const char *syntax)
{
	const struct ctk_helper *plugin;

	if (r->argc < 6) {
		nfct_perror(syntax, 0);
		return NULL;
	}
	if (parse_l3(r->argv[4], h) < 0 || parse_l4(r->argv[5], h) < 0)
		return NULL;
	plugin = nfct_helper_plugin(r->argv[3], h->l4proto);
	if (!plugin)
		nfct_perror("that helper is not supported", 0);
	return plugin;
}

static int cmd_add(struct nfct_run *r)
{
	struct ctk_helper h = {0};
	const struct ctk_helper *plugin = known_helper(r, &h,
		"missing parameters\nsyntax: nfct add helper name family protocol");

	if (!plugin)
		return -1;
	ctk_helper_set_name(&h, r->argv[3]);
	h.present |= CTK_HELPER_ATTR_PRIV_LEN | CTK_HELPER_ATTR_POLICY;
	h.priv_data_len = plugin->priv_data_len;
	h.npolicies = plugin->npolicies;
	memcpy(h.policy, plugin->policy, sizeof(h.policy));
	return nfct_netlink_result(ctk_nl_helper_create(r->nl, &h, 0));
}

static int cmd_disable(struct nfct_run *r)
{
	struct ctk_helper h = {0};

	if (!known_helper(r, &h,
			  "missing parameters\nsyntax: nfct disable helper name family protocol"))
		return -1;
	ctk_helper_set_name(&h, r->argv[3]);
	h.present |= CTK_HELPER_ATTR_STATUS;
	h.status = CTK_HELPER_DISABLED;
	return nfct_netlink_result(ctk_nl_helper_create(r->nl, &h, 0));
}

/* get and delete: NAME [FAMILY [PROTO]]. */
static int name_tuple(const struct nfct_run *r, struct ctk_helper *h)
{
	if (r->argc < 4) {
		nfct_perror("missing helper policy name", 0);
		return -1;
	}
	if (r->argc > 6) {
		nfct_perror("too many arguments", 0);
		return -1;
	}
	ctk_helper_set_name(h, r->argv[3]);
	if (r->argc >= 5 && parse_l3(r->argv[4], h) < 0)
		return -1;
	if (r->argc == 6 && parse_l4(r->argv[5], h) < 0)
		return -1;
	return 0;
}

static int cmd_get(struct nfct_run *r)
{
	struct ctk_helper h = {0};

	if (name_tuple(r, &h) < 0)
		return -1;
	return nfct_netlink_result(ctk_nl_helper_get(r->nl, &h, print_helper, r));
}

static int cmd_delete(struct nfct_run *r)
{
	struct ctk_helper h = {0};

	if (name_tuple(r, &h) < 0)
		return -1;
	return nfct_netlink_result(ctk_nl_helper_delete(r->nl, &h));
}

static int cmd_flush(struct nfct_run *r)
{
	if (r->argc > 3) {
		nfct_perror("too many arguments", 0);
		return -1;
	}
	return nfct_netlink_result(ctk_nl_helper_delete(r->nl, NULL));
}

int nfct_helper_run(struct nfct_run *r)
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
	case NFCT_CMD_DISABLE:
		return cmd_disable(r);
	default:
		/* The reference names the second word here, whichever it is. */
		fprintf(stderr, NFCT_PREFIX "Unknown command: %s\n", r->argv[2]);
		fprintf(stderr, NFCT_PREFIX "Missing command\n"
			"%s helper list|add|delete|disable|get|flush [parameters...]\n",
			r->argv[0]);
		return -1;
	}
}
