// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nfct's front: ctkit's own options (-o json, -h, -v), then the
 * reference's word matching and dispatch (src/nfct.c of 1.4.7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ctkit/netlink.h>
#include <ctkit/netns.h>
#include <ctkit/timeout.h>
#include "nfct.h"

/* In the reference's order: the first word a prefix matches wins ("d" is delete). */
static const char *const cmd_words[NFCT_CMD_MAX] = {
	[NFCT_CMD_LIST] = "list",
	[NFCT_CMD_ADD] = "add",
	[NFCT_CMD_DELETE] = "delete",
	[NFCT_CMD_GET] = "get",
	[NFCT_CMD_FLUSH] = "flush",
	[NFCT_CMD_DISABLE] = "disable",
	[NFCT_CMD_DEFAULT_SET] = "default-set",
	[NFCT_CMD_DEFAULT_GET] = "default-get",
};

/* "help" comes after "helper", so it can never be reached: as in 1.4.7. */
static const char *const subsys_words[NFCT_SUBSYS_MAX] = {
	[NFCT_SUBSYS_TIMEOUT] = "timeout",
	[NFCT_SUBSYS_HELPER] = "helper",
	[NFCT_SUBSYS_VERSION] = "version",
	[NFCT_SUBSYS_HELP] = "help",
};

static int prefix_match(const char *const *words, int max, const char *word)
{
	for (int i = 1; i < max; i++)
		if (strncmp(words[i], word, strlen(word)) == 0)
			return i;
	return -1;
}

int nfct_cmd_parse(const char *word)
{
	return prefix_match(cmd_words, NFCT_CMD_MAX, word);
}

int nfct_subsys_parse(const char *word)
{
	return prefix_match(subsys_words, NFCT_SUBSYS_MAX, word);
}

void nfct_perror(const char *msg, int err)
{
	if (err)
		fprintf(stderr, NFCT_PREFIX "%s: %s\n", msg, strerror(-err));
	else
		fprintf(stderr, NFCT_PREFIX "%s\n", msg);
}

static int usage(const char *prog)
{
	fprintf(stderr, "Usage: %s command subsystem [parameters]...\n", prog);
	return EXIT_FAILURE;
}

static int version(void)
{
	printf("nfct (ctkit %s), compatible with conntrack-tools %s\n"
	       "Connection tracking timeout policies and userspace helpers, on libmnl.\n",
	       CTK_VERSION, CTK_COMPAT_VERSION);
	return EXIT_SUCCESS;
}

static void help_states(void)
{
	const struct ctk_timeout_proto *p;

	printf("\nTimeout states (any case):\n");
	for (unsigned int i = 0; (p = ctk_timeout_proto_at(i)); i++) {
		printf("  %-8s", p->name);
		for (unsigned int s = 0; s < p->nstates; s++)
			printf(" %s", p->states[s]);
		printf("\n");
	}
}

static int help(const char *prog)
{
	printf("Usage: %s [-o json] COMMAND SUBSYSTEM [PARAMETERS]...\n"
	       "       (SUBSYSTEM COMMAND works too; words may be abbreviated)\n\n"
	       "Timeout policies (subsystem \"timeout\"):\n"
	       "  add NAME FAMILY PROTO STATE SECS [STATE SECS]...  create or update a policy\n"
	       "  list                                        print every policy\n"
	       "  get NAME                                    print one policy\n"
	       "  delete NAME                                 remove a policy that no rule uses\n"
	       "  flush                                       remove every policy that no rule uses\n"
	       "  default-set FAMILY PROTO STATE SECS...      change the kernel's default timeouts\n"
	       "  default-get FAMILY PROTO                    print the kernel's default timeouts\n"
	       "  FAMILY is inet or inet6; PROTO is tcp, udp, udplite, icmp, icmpv6, sctp,\n"
	       "  dccp, gre or generic. Attach a policy with iptables \"-j CT --timeout NAME\".\n\n"
	       "Userspace helpers (subsystem \"helper\"; needs CONFIG_NF_CT_NETLINK_HELPER):\n"
	       "  add NAME FAMILY PROTO                       hand NAME's packets to userspace\n"
	       "  list | get NAME [FAMILY [PROTO]]            print helpers\n"
	       "  delete NAME [FAMILY [PROTO]] | flush        remove helpers\n"
	       "  disable NAME FAMILY PROTO                   stop queueing NAME's packets\n\n"
	       "Options (before the command):\n"
	       "  -o json      print objects as JSON, one per line\n"
	       "  --netns NS   work in network namespace NS: a name of \"ip netns\",\n"
	       "               a path to a namespace file, or a process id\n"
	       "  -h, --help   this text;  -v, --version  the version\n",
	       prog);
	help_states();
	return EXIT_SUCCESS;
}

static int set_format(struct nfct_run *r, const char *fmt)
{
	if (strcmp(fmt, "json") == 0)
		r->kind = CTK_FMT_JSON;
	else if (strcmp(fmt, "default") == 0 || strcmp(fmt, "text") == 0)
		r->kind = CTK_FMT_DEFAULT;
	else {
		fprintf(stderr, NFCT_PREFIX "unknown output format `%s'\n", fmt);
		return -1;
	}
	return 0;
}

/* ctkit's leading options (-o FMT, --netns NS); returns how many words they took, or -1. */
static int own_options(int argc, char *argv[], struct nfct_run *r)
{
	int i = 1;

	while (i < argc && (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--netns"))) {
		if (i + 1 >= argc) {
			fprintf(stderr, NFCT_PREFIX "option `%s' needs %s\n", argv[i],
				argv[i][1] == 'o' ? "a format: json or text" :
						    "a namespace: NAME, PATH or PID");
			return -1;
		}
		if (argv[i][1] == 'o' && set_format(r, argv[i + 1]) < 0)
			return -1;
		if (argv[i][1] == '-')
			r->netns = argv[i + 1];
		i += 2;
	}
	return i - 1;
}

/* A session in the caller's namespace, or in --netns's. */
static struct ctk_nl *open_session(const struct nfct_run *r)
{
	struct ctk_nl *nl;
	int fd, err;

	if (!r->netns)
		return ctk_nl_open();
	fd = ctk_netns_open(r->netns);
	if (fd < 0) {
		fprintf(stderr, NFCT_PREFIX "--netns `%s': %s\n", r->netns,
			fd == -ENOENT ? "no such network namespace" :
			fd == -EINVAL ? "not a network namespace" : strerror(-fd));
		errno = 0;
		return NULL;
	}
	nl = ctk_nl_open_netns(fd);
	err = errno;
	close(fd);
	errno = err;
	return nl;
}

static int run_subsys(struct nfct_run *r, int subsys)
{
	int ret;

	if (subsys == NFCT_SUBSYS_VERSION)
		return version();
	if (subsys == NFCT_SUBSYS_HELP)
		return help(r->argv[0]);
	r->nl = open_session(r);
	if (!r->nl) {
		if (errno)
			nfct_perror("cannot open netlink", -errno);
		return EXIT_FAILURE;
	}
	ret = subsys == NFCT_SUBSYS_TIMEOUT ? nfct_timeout_run(r) : nfct_helper_run(r);
	ctk_nl_close(r->nl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int subsys_error(char *argv[])
{
	fprintf(stderr, NFCT_PREFIX "Unknown subsystem: %s\n", argv[1]);
	return usage(argv[0]);
}

int nfct_main(int argc, char *argv[])
{
	struct nfct_run r = {.kind = CTK_FMT_DEFAULT};
	int skip = own_options(argc, argv, &r);
	int cmd, subsys;

	if (skip < 0)
		return EXIT_FAILURE;
	if (skip) {
		argv[skip] = argv[0];
		argv += skip;
		argc -= skip;
	}
	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")))
		return version();
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return help(argv[0]);
	if (argc < 3)
		return usage(argv[0]);
	cmd = nfct_cmd_parse(argv[1]);
	if (cmd < 0) {
		/* The old order, subsystem first, still works. */
		subsys = nfct_subsys_parse(argv[1]);
		if (subsys < 0)
			return subsys_error(argv);
		cmd = nfct_cmd_parse(argv[2]);
		if (cmd < 0) {
			fprintf(stderr, NFCT_PREFIX "Unknown command: %s\n", argv[1]);
			return usage(argv[0]);
		}
	} else {
		subsys = nfct_subsys_parse(argv[2]);
		if (subsys < 0)
			return subsys_error(argv);
	}
	r.argc = argc;
	r.argv = argv;
	r.cmd = (enum nfct_cmd)cmd;
	return run_subsys(&r, subsys);
}

int nfct_netlink_result(int ret)
{
	if (ret < 0) {
		nfct_perror("netlink error", ret);
		return -1;
	}
	return 0;
}
