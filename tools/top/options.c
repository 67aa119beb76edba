// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit-top's command line (see options.h). Its own options are found by
 * their full names only ("--sort packets" or "--sort=packets"): a prefix
 * would be ambiguous with conntrack's options, which getopt lets users
 * abbreviate. Everything else is handed to conntrack's parser behind
 * "-L", whose messages are passed on as they are.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conntrack/loadfile.h"
#include "options.h"

static const char *const sort_names[TOP_SORT_MAX] = {
	[TOP_SORT_COUNT] = "count",
	[TOP_SORT_PACKETS] = "packets",
	[TOP_SORT_BYTES] = "bytes",
	[TOP_SORT_AGE] = "age",
};

const char *top_sort_name(enum top_sort sort)
{
	return (unsigned int)sort < TOP_SORT_MAX ? sort_names[sort] : "?";
}

static int usage_error(struct ct_error *err, const char *fmt, const char *word)
{
	snprintf(err->msg, sizeof(err->msg), fmt, word);
	err->exit_code = 2;
	err->try_help = true;
	return -1;
}

/* ---- ctkit-top's own options -------------------------------------------------------- */

static int set_sort(struct top_opts *o, const char *value, struct ct_error *err)
{
	for (unsigned int s = 0; s < TOP_SORT_MAX; s++)
		if (!strcmp(value, sort_names[s])) {
			o->sort = (enum top_sort)s;
			return 0;
		}
	return usage_error(err, "--sort: `%s' is not count, packets, bytes or age", value);
}

static int set_interval(struct top_opts *o, const char *value, struct ct_error *err)
{
	char *end;
	double s = strtod(value, &end);

	if (end == value || *end || !isfinite(s) || s < TOP_INTERVAL_MIN || s > TOP_INTERVAL_MAX)
		return usage_error(err,
				   "--interval: `%s' is not a number of seconds "
				   "from 0.1 to 3600",
				   value);
	o->interval = s;
	return 0;
}

/* A positive decimal number, as conntrack's --top takes it. */
static int positive(const char *value, unsigned long *out)
{
	char *end;

	if (value[0] < '0' || value[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(value, &end, 10);
	return *end || errno || *out == 0 ? -1 : 0;
}

static int set_iterations(struct top_opts *o, const char *value, struct ct_error *err)
{
	if (positive(value, &o->iterations) < 0)
		return usage_error(err, "--iterations: `%s' is not a number of refreshes", value);
	return 0;
}

static int set_top(struct top_opts *o, const char *value, struct ct_error *err)
{
	if (positive(value, &o->top) < 0)
		return usage_error(err, "--top: `%s' is not a number of rows", value);
	return 0;
}

static int set_flag(struct top_opts *o, const char *name)
{
	if (!strcmp(name, "batch"))
		o->batch = true;
	else if (!strcmp(name, "reverse"))
		o->reverse = true;
	else if (!strcmp(name, "help"))
		o->help = true;
	else if (!strcmp(name, "version"))
		o->version = true;
	return 0;
}

struct own_option {
	const char *name;							 /* after "--" */
	int (*set)(struct top_opts *o, const char *value, struct ct_error *err); /* NULL: a flag */
};

/* clang-format off */
static const struct own_option own_options[] = {
	{ "sort", set_sort },		{ "interval", set_interval },
	{ "iterations", set_iterations }, { "top", set_top },
	{ "batch", NULL },		{ "reverse", NULL },
	{ "help", NULL },		{ "version", NULL },
};
/* clang-format on */

#define N_OWN (sizeof(own_options) / sizeof(own_options[0]))

static const struct own_option *own_named(const char *name)
{
	for (size_t i = 0; i < N_OWN; i++)
		if (!strcmp(own_options[i].name, name))
			return &own_options[i];
	return NULL;
}

/* The option @word names ("--name" or "--name=value"), NULL when not ours. */
static const struct own_option *own_option(const char *word, const char **inline_value)
{
	*inline_value = NULL;
	/* -h and -V are conntrack's commands too: here they are ctkit-top's */
	if (!strcmp(word, "-h"))
		return own_named("help");
	if (!strcmp(word, "-V"))
		return own_named("version");
	if (strncmp(word, "--", 2))
		return NULL;
	for (size_t i = 0; i < N_OWN; i++) {
		size_t len = strlen(own_options[i].name);

		if (strncmp(word + 2, own_options[i].name, len))
			continue;
		if (word[2 + len] == '\0')
			return &own_options[i];
		if (word[2 + len] == '=' && own_options[i].set) {
			*inline_value = word + 3 + len;
			return &own_options[i];
		}
	}
	return NULL;
}

/* conntrack's commands: ctkit-top runs its own listing, so none of them is for it. */
static bool is_command(const char *word)
{
	/* clang-format off */
	static const char *const commands[] = {
		"-L", "-I", "-U", "-D", "-G", "-E", "-F", "-A", "-C", "-S", "-R",
		"--dump", "--create", "--update", "--delete", "--get", "--event", "--flush",
		"--add", "--counter", "--stats", "--load-file",
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(word, commands[i]))
			return true;
	return false;
}

/*
 * conntrack's options (each with a value) that choose the table, the view
 * or the engine's settings, not entries: not in "filter:".
 */
static bool names_no_filter(const char *word)
{
	/* clang-format off */
	static const char *const options[] = {
		"--netns", "--group-by", "--pcap", "--capture", "--capture-filter", "--sysctl",
		"--timeout-policy", "--ruleset", "--local-address", "--masquerade-address",
		"--route", "--iifname", "--buffer-size",
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		size_t len = strlen(options[i]);

		if (!strncmp(word, options[i], len) && (!word[len] || word[len] == '='))
			return true;
	}
	return false;
}

/* The filter's words, for the header: conntrack's words but those above (and their values). */
static void note_word(struct top_opts *o, const char *word, const char *previous)
{
	size_t len = strlen(o->filter_words);

	if (names_no_filter(word) ||
	    (previous && names_no_filter(previous) && !strchr(previous, '=')))
		return;
	snprintf(o->filter_words + len, sizeof(o->filter_words) - len, "%s%s", len ? " " : "",
		 word);
}

/*
 * Take ctkit-top's options out of argv; conntrack's words go to @ct_argv
 * after its argv[0] and "-L" (and room for the engine's --sysctl words).
 */
static int split_words(int argc, char **argv, struct top_opts *o, char **ct_argv, int *ct_argc,
		       struct ct_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i], *value;
		const struct own_option *own = own_option(word, &value);

		if (own && !own->set) {
			set_flag(o, own->name);
			continue;
		}
		if (own) {
			if (!value && i + 1 == argc)
				return usage_error(err, "option `%s' requires an argument", word);
			if (own->set(o, value ? value : argv[++i], err) < 0)
				return -1;
			continue;
		}
		if (is_command(word))
			return usage_error(err,
					   "`%s': ctkit-top runs no conntrack command, it takes "
					   "conntrack's filter options only",
					   word);
		/* conntrack would take it for -L's table ("expect") */
		if (*ct_argc == 2 && word[0] != '-')
			return usage_error(err, "unexpected word `%s'", word);
		note_word(o, word, *ct_argc > 2 ? ct_argv[*ct_argc - 1] : NULL);
		ct_argv[(*ct_argc)++] = argv[i];
	}
	return 0;
}

/* ---- conntrack's part -------------------------------------------------------------- */

/* Options of conntrack -L that mean nothing, or harm, in a view refreshed forever. */
static int refuse_listing_options(const struct ct_cli *cli, struct ct_error *err)
{
	if (cli->cmd != CT_CMD_LIST || cli->table != CT_TABLE_CONNTRACK)
		return usage_error(err, "%s", "ctkit-top shows the conntrack table only");
	if (cli->opts & (1u << CT_OPT_ZERO))
		return usage_error(err, "%s", "`-z' would zero the counters at every refresh");
	if (cli->opts & (1u << CT_OPT_OUTPUT))
		return usage_error(err, "%s", "`-o': ctkit-top has its own layout");
	if (cli->pcap_packets || cli->trace_packet || cli->pcap_out)
		return usage_error(err, "%s",
				   "`--packets', `--trace' and `--pcap-out' print "
				   "packets; ctkit-top shows the table");
	return 0;
}

/*
 * The engine counts packets and start times only when asked, and a top
 * view without them could not sort by packets, bytes or age: on unless
 * the user's own --sysctl (which comes later, and wins) says otherwise.
 */
static char acct_on[] = "net.netfilter.nf_conntrack_acct=1";
static char timestamp_on[] = "net.netfilter.nf_conntrack_timestamp=1";
static char sysctl_opt[] = "--sysctl";

static void engine_counters_on(char **ct_argv, int *ct_argc)
{
	memmove(ct_argv + 6, ct_argv + 2, (size_t)(*ct_argc - 2) * sizeof(*ct_argv));
	ct_argv[2] = sysctl_opt;
	ct_argv[3] = acct_on;
	ct_argv[4] = sysctl_opt;
	ct_argv[5] = timestamp_on;
	*ct_argc += 4;
}

static int parse_conntrack(struct top_opts *o, char **ct_argv, int ct_argc, struct ct_error *err)
{
	/* getopt permutes the array: a copy for a second parse */
	char **again = malloc((size_t)(ct_argc + 4) * sizeof(*again));
	int ret;

	if (!again)
		return usage_error(err, "%s", strerror(ENOMEM));
	memcpy(again, ct_argv, (size_t)ct_argc * sizeof(*again));
	ret = ct_parse_args(ct_argc, ct_argv, &o->cli, err);
	if (ret == 0 && (o->cli.pcap_file || o->cli.capture_iface)) {
		ct_cli_free(&o->cli);
		engine_counters_on(again, &ct_argc);
		ret = ct_parse_args(ct_argc, again, &o->cli, err);
	}
	free(again);
	return ret;
}

int top_parse_options(int argc, char **argv, struct top_opts *o, struct ct_error *err)
{
	static char list_cmd[] = "-L";
	char **ct_argv = calloc((size_t)argc + 6, sizeof(*ct_argv));
	int ct_argc = 2, ret;

	memset(o, 0, sizeof(*o));
	ct_cli_init(&o->cli);
	o->interval = TOP_INTERVAL_DEFAULT;
	o->sort = TOP_SORT_MAX;
	err->exit_code = 0;
	err->msg[0] = err->warnings[0] = '\0';
	if (!ct_argv)
		return usage_error(err, "%s", strerror(ENOMEM));
	ct_argv[0] = argv[0];
	ct_argv[1] = list_cmd;
	ret = split_words(argc, argv, o, ct_argv, &ct_argc, err);
	if (ret == 0 && !o->help && !o->version)
		ret = parse_conntrack(o, ct_argv, ct_argc, err);
	free(ct_argv);
	if (ret == 0 && !o->help && !o->version)
		ret = refuse_listing_options(&o->cli, err);
	if (ret == 0 && o->cli.filter_file)
		ret = ct_load_filter_file(&o->cli, err);
	/* busiest first: the largest groups, or the entries with the most packets */
	if (o->sort == TOP_SORT_MAX)
		o->sort = o->cli.group_by ? TOP_SORT_COUNT : TOP_SORT_PACKETS;
	if (ret < 0)
		top_free_options(o);
	return ret;
}

void top_free_options(struct top_opts *o)
{
	ct_cli_free(&o->cli);
}

void top_print_help(void)
{
	fputs("Usage: ctkit-top [OPTIONS] [CONNTRACK FILTER OPTIONS]\n"
	      "A live view of the connection tracking table, as top shows processes.\n"
	      "\n"
	      "  --sort WORD           count, packets, bytes or age (default: count with\n"
	      "                        --group-by, else packets)\n"
	      "  --reverse             smallest (or newest) first\n"
	      "  --interval SECONDS    between refreshes (0.1 to 3600; default 2)\n"
	      "  --top N               show N rows at most\n"
	      "  --group-by KEY[,KEY]  count entries by src dst (src/24) sport dport proto\n"
	      "                        family state zone mark status label netns\n"
	      "  --batch               print each refresh as plain text (no terminal needed)\n"
	      "  --iterations N        stop after N refreshes\n"
	      "  --netns NAME|PATH|PID the table of that network namespace\n"
	      "  --pcap FILE           the table of a capture replayed through ctkit's engine\n"
	      "  --capture IFACE       the engine's table of a live capture on IFACE\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         the version\n"
	      "\n"
	      "Filter options are conntrack's (conntrack -L): -s -d -r -q -p (with --sport,\n"
	      "--dport, --state...) -f -m -u -w -l --orig-zone --reply-zone --filter-file...\n"
	      "\n"
	      "Keys: q quit, s sort, r reverse, g groups/entries, p pause, + - interval,\n"
	      "      h or ? help.  See ctkit-top(8).\n",
	      stdout);
}
