// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd's command line, as 1.4.7 reads it: one-letter options, each
 * command's optional word taken from the next argument when it does not
 * start with '-', words matched by prefix ("e" is "expect").
 */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "request.h"

/* A command's optional table word: ct, expect, or none. */
struct by_table {
	char opt;
	int ct, exp, none;
};

static const struct by_table by_table[] = {
	{'c', CTD_REQ_CT_COMMIT, CTD_REQ_EXP_COMMIT, CTD_REQ_ALL_COMMIT},
	{'i', CTD_REQ_CT_DUMP_INTERNAL, CTD_REQ_EXP_DUMP_INTERNAL, CTD_REQ_CT_DUMP_INTERNAL},
	{'e', CTD_REQ_CT_DUMP_EXTERNAL, CTD_REQ_EXP_DUMP_EXTERNAL, CTD_REQ_CT_DUMP_EXTERNAL},
	{'F', CTD_REQ_CT_FLUSH_MASTER, CTD_REQ_EXP_FLUSH_MASTER, CTD_REQ_ALL_FLUSH_MASTER},
	{'R', CTD_REQ_CT_RESYNC_MASTER, CTD_REQ_EXP_RESYNC_MASTER, CTD_REQ_ALL_RESYNC_MASTER},
};

struct word {
	const char *word;
	int request;
};

static const struct word flush_words[] = {
	{"internal", CTD_REQ_CT_FLUSH_INT_CACHE},
	{"external", CTD_REQ_CT_FLUSH_EXT_CACHE},
	{NULL, 0},
};

static const struct word stats_words[] = {
	{"network", CTD_REQ_STATS_NETWORK},
	{"cache", CTD_REQ_STATS_CACHE},
	{"runtime", CTD_REQ_STATS_RUNTIME},
	{"multicast", CTD_REQ_STATS_LINK},
	{"link", CTD_REQ_STATS_LINK},
	{"rsqueue", CTD_REQ_STATS_RSQUEUE},
	{"process", CTD_REQ_STATS_PROCESS},
	{"queue", CTD_REQ_STATS_QUEUE},
	{"ct", CTD_REQ_STATS},
	{"expect", CTD_REQ_EXP_STATS},
	{"metrics", CTD_REQ_STATS_METRICS},
	{NULL, 0},
};

/* Simple commands without a word. */
static const struct word plain[] = {
	{"B", CTD_REQ_SEND_BULK},
	{"t", CTD_REQ_RESET_TIMERS},
	{"k", CTD_REQ_KILL},
	{"n", CTD_REQ_REQUEST_DUMP},
	{NULL, 0},
};

static int prefix_of(const char *arg, const char *word)
{
	return strncmp(arg, word, strlen(arg)) == 0;
}

static int has_word(int i, int argc, char **argv)
{
	return i + 1 < argc && argv[i + 1][0] != '-';
}

static int fail(struct ctd_opt_result *res, enum ctd_opt_error err, const char *msg)
{
	res->error = err;
	snprintf(res->msg, sizeof(res->msg), "%s", msg);
	return -1;
}

static int set_run(struct ctd_options *o, enum ctd_run want, struct ctd_opt_result *res)
{
	if (o->run == CTD_RUN_CONSOLE || o->run == want) {
		o->run = want;
		return 0;
	}
	return fail(res, CTD_OPT_CONFLICT, "Invalid parameters");
}

static int table_command(struct ctd_options *o, const struct by_table *t, int *i, int argc,
			 char **argv)
{
	o->request = t->none;
	if (!has_word(*i, argc, argv))
		return 0;
	if (prefix_of(argv[*i + 1], "ct")) {
		o->request = t->ct;
		(*i)++;
	} else if (prefix_of(argv[*i + 1], "expect")) {
		o->request = t->exp;
		(*i)++;
	}
	return 0;
}

static int word_command(struct ctd_options *o, const struct word *words, int dfl, int *i, int argc,
			char **argv, struct ctd_opt_result *res)
{
	char msg[200];

	o->request = dfl;
	if (!has_word(*i, argc, argv))
		return 0;
	for (const struct word *w = words; w->word; w++) {
		if (prefix_of(argv[*i + 1], w->word)) {
			o->request = w->request;
			if (!strcmp(w->word, "multicast"))
				o->warning =
					"WARNING: use `link' instead of `multicast' as parameter.";
			(*i)++;
			return 0;
		}
	}
	snprintf(msg, sizeof(msg), "ERROR: unknown parameter `%s' for option `%s'", argv[*i + 1],
		 argv[*i]);
	return fail(res, CTD_OPT_BAD_PARAM, msg);
}

static int xml_variant(struct ctd_options *o, struct ctd_opt_result *res)
{
	switch (o->request) {
	case CTD_REQ_CT_DUMP_INTERNAL:
		o->request = CTD_REQ_CT_DUMP_INT_XML;
		return 0;
	case CTD_REQ_CT_DUMP_EXTERNAL:
		o->request = CTD_REQ_CT_DUMP_EXT_XML;
		return 0;
	case CTD_REQ_EXP_DUMP_INTERNAL:
		o->request = CTD_REQ_EXP_DUMP_INT_XML;
		return 0;
	case CTD_REQ_EXP_DUMP_EXTERNAL:
		o->request = CTD_REQ_EXP_DUMP_EXT_XML;
		return 0;
	default:
		return fail(res, CTD_OPT_CONFLICT, "Invalid parameters");
	}
}

static int one_option(struct ctd_options *o, int *i, int argc, char **argv,
		      struct ctd_opt_result *res)
{
	const char *arg = argv[*i];
	char letter = arg[0] == '-' ? arg[1] : '\0';
	char msg[200];

	for (size_t t = 0; t < sizeof(by_table) / sizeof(by_table[0]); t++)
		if (letter == by_table[t].opt)
			return set_run(o, CTD_RUN_REQUEST, res)
				       ?: table_command(o, &by_table[t], i, argc, argv);
	for (const struct word *w = plain; w->word; w++)
		if (letter == w->word[0]) {
			o->request = w->request;
			return set_run(o, CTD_RUN_REQUEST, res);
		}
	switch (letter) {
	case 'd':
		return set_run(o, CTD_RUN_DAEMON, res);
	case 'f':
		return set_run(o, CTD_RUN_REQUEST, res)
			       ?: word_command(o, flush_words, CTD_REQ_ALL_FLUSH_CACHE, i, argc,
					       argv, res);
	case 's':
		return set_run(o, CTD_RUN_REQUEST, res)
			       ?: word_command(o, stats_words, CTD_REQ_STATS, i, argc, argv, res);
	case 'x':
		return xml_variant(o, res);
	case 'C':
		if (++*i >= argc)
			return fail(res, CTD_OPT_NO_CONFIG, "Missing config filename");
		snprintf(o->config, sizeof(o->config), "%s", argv[*i]);
		return 0;
	case 'v':
		o->run = CTD_RUN_VERSION;
		return 1;
	case 'h':
		o->run = CTD_RUN_HELP;
		return 1;
	default:
		snprintf(msg, sizeof(msg), "Unknown option: %s", arg);
		return fail(res, CTD_OPT_UNKNOWN, msg);
	}
}

int ctd_options_parse(struct ctd_options *o, int argc, char **argv, struct ctd_opt_result *res)
{
	memset(o, 0, sizeof(*o));
	memset(res, 0, sizeof(*res));
	o->run = CTD_RUN_CONSOLE;
	o->request = -1;
	snprintf(o->config, sizeof(o->config), "%s", CTD_DEFAULT_CONFIG);
	for (int i = 1; i < argc; i++) {
		int ret = one_option(o, &i, argc, argv, res);

		if (ret < 0)
			return -1;
		if (ret > 0) /* -v, -h: the rest does not matter */
			return 0;
	}
	return 0;
}
