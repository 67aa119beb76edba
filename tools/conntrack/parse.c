// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack's command line, compiled into a struct ct_cli.
 *
 * The reference's behaviour is kept down to its quirks, because scripts
 * depend on them: glibc getopt_long() with argument permutation (stray
 * words are ignored), an optional table word after a command, protocol
 * options that exist only once -p merged their table, checks in the
 * reference's order. The parser never prints or exits: errors and
 * warnings go to struct ct_error.
 *
 * Deliberate fixes (documented in cli.h): -u no longer overwrites the
 * mark, --id without a value is an error instead of a crash, and the
 * attached forms --src-nat=IP, -nIP, --label-del=x honour their value.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ctkit/group.h>

#include "parse_priv.h"

/* Values of ctkit-only long options (below any protocol offset). */
enum {
	CT_LOPT_DEBUG = 0x80, CT_LOPT_RESYNC, CT_LOPT_FILTER_FILE,
	CT_LOPT_PCAP, CT_LOPT_PACKETS, CT_LOPT_SYSCTL, CT_LOPT_TIMEOUT_POLICY,
	CT_LOPT_RULESET, CT_LOPT_LOCAL_ADDR, CT_LOPT_MASQ_ADDR, CT_LOPT_PCAP_OUT, CT_LOPT_TRACE,
	CT_LOPT_ROUTE, CT_LOPT_IIFNAME,
	CT_LOPT_CAPTURE, CT_LOPT_CAPTURE_FILTER, CT_LOPT_NETNS, CT_LOPT_GROUP_BY, CT_LOPT_TOP,
};

#define OPTION_OFFSET 256

static const char short_opts[] =
	":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::"
	"g::c:b:C::Sj::w:l:<:>::(:):";

static const struct option base_opts[] = {
	{ "dump", 2, NULL, 'L' }, { "create", 2, NULL, 'I' }, { "add", 2, NULL, 'A' },
	{ "delete", 2, NULL, 'D' }, { "update", 2, NULL, 'U' }, { "get", 2, NULL, 'G' },
	{ "flush", 2, NULL, 'F' }, { "event", 2, NULL, 'E' }, { "counter", 2, NULL, 'C' },
	{ "stats", 0, NULL, 'S' }, { "version", 0, NULL, 'V' }, { "help", 0, NULL, 'h' },
	{ "orig-src", 1, NULL, 's' }, { "src", 1, NULL, 's' }, { "orig-dst", 1, NULL, 'd' },
	{ "dst", 1, NULL, 'd' }, { "reply-src", 1, NULL, 'r' }, { "reply-dst", 1, NULL, 'q' },
	{ "protonum", 1, NULL, 'p' }, { "timeout", 1, NULL, 't' }, { "status", 1, NULL, 'u' },
	{ "zero", 0, NULL, 'z' }, { "event-mask", 1, NULL, 'e' }, { "tuple-src", 1, NULL, '[' },
	{ "tuple-dst", 1, NULL, ']' }, { "mask-src", 1, NULL, '{' }, { "mask-dst", 1, NULL, '}' },
	{ "nat-range", 1, NULL, 'a' }, { "mark", 1, NULL, 'm' }, { "secmark", 1, NULL, 'c' },
	{ "id", 2, NULL, 'i' }, { "family", 1, NULL, 'f' }, { "src-nat", 2, NULL, 'n' },
	{ "dst-nat", 2, NULL, 'g' }, { "output", 1, NULL, 'o' }, { "buffer-size", 1, NULL, 'b' },
	{ "any-nat", 2, NULL, 'j' }, { "zone", 1, NULL, 'w' }, { "label", 1, NULL, 'l' },
	{ "label-add", 1, NULL, '<' }, { "label-del", 2, NULL, '>' },
	{ "orig-zone", 1, NULL, '(' }, { "reply-zone", 1, NULL, ')' },
	/* ctkit's own options, outside the reference's option letters. */
	{ "debug", 0, NULL, CT_LOPT_DEBUG }, { "resync", 0, NULL, CT_LOPT_RESYNC },
	{ "filter-file", 1, NULL, CT_LOPT_FILTER_FILE },
	{ "pcap", 1, NULL, CT_LOPT_PCAP }, { "packets", 0, NULL, CT_LOPT_PACKETS },
	{ "sysctl", 1, NULL, CT_LOPT_SYSCTL },
	{ "timeout-policy", 1, NULL, CT_LOPT_TIMEOUT_POLICY },
	{ "ruleset", 1, NULL, CT_LOPT_RULESET }, { "local-address", 1, NULL, CT_LOPT_LOCAL_ADDR },
	{ "masquerade-address", 1, NULL, CT_LOPT_MASQ_ADDR },
	{ "pcap-out", 1, NULL, CT_LOPT_PCAP_OUT }, { "trace", 1, NULL, CT_LOPT_TRACE },
	{ "route", 1, NULL, CT_LOPT_ROUTE }, { "iifname", 1, NULL, CT_LOPT_IIFNAME },
	{ "capture", 1, NULL, CT_LOPT_CAPTURE },
	{ "capture-filter", 1, NULL, CT_LOPT_CAPTURE_FILTER },
	{ "netns", 1, NULL, CT_LOPT_NETNS },
	{ "group-by", 1, NULL, CT_LOPT_GROUP_BY }, { "top", 1, NULL, CT_LOPT_TOP },
	{ NULL, 0, NULL, 0 },
};

#define N_BASE (sizeof(base_opts) / sizeof(base_opts[0]) - 1)

/* A command letter: its rows for the conntrack and expect tables. */
struct cmd_desc {
	char letter;
	const char *long_name;
	enum ct_row row[2];	/* CT_ROW_NONE: no such command on that table */
};

static const struct cmd_desc cmds[] = {
	{ 'L', "dump", { CT_ROW_LIST, CT_ROW_EXP_LIST } },
	{ 'I', "create", { CT_ROW_CREATE, CT_ROW_EXP_CREATE } },
	{ 'D', "delete", { CT_ROW_DELETE, CT_ROW_EXP_DELETE } },
	{ 'G', "get", { CT_ROW_GET, CT_ROW_EXP_GET } },
	{ 'F', "flush", { CT_ROW_FLUSH, CT_ROW_EXP_FLUSH } },
	{ 'E', "event", { CT_ROW_EVENT, CT_ROW_EXP_EVENT } },
	{ 'V', "version", { CT_ROW_VERSION, CT_ROW_VERSION } },
	{ 'h', "help", { CT_ROW_HELP, CT_ROW_HELP } },
	{ 'C', "counter", { CT_ROW_COUNT, CT_ROW_EXP_COUNT } },
	{ 'S', "stats", { CT_ROW_STATS, CT_ROW_EXP_STATS } },
	{ 'U', "update", { CT_ROW_UPDATE, CT_ROW_NONE } },
	{ 'A', "add", { CT_ROW_ADD, CT_ROW_NONE } },
};

/* Row -> public command, and the reference's name for it in -R errors. */
static const struct {
	enum ct_cmd cmd;
	const char *file_name;
} rows[CT_ROW_MAX] = {
	[CT_ROW_LIST] = { CT_CMD_LIST, "-L" },
	[CT_ROW_CREATE] = { CT_CMD_CREATE, NULL },
	[CT_ROW_UPDATE] = { CT_CMD_UPDATE, NULL },
	[CT_ROW_DELETE] = { CT_CMD_DELETE, NULL },
	[CT_ROW_GET] = { CT_CMD_GET, "-G" },
	[CT_ROW_FLUSH] = { CT_CMD_FLUSH, NULL },
	[CT_ROW_EVENT] = { CT_CMD_EVENT, "-E" },
	[CT_ROW_VERSION] = { CT_CMD_VERSION, "-V" },
	[CT_ROW_HELP] = { CT_CMD_HELP, "-h" },
	[CT_ROW_EXP_LIST] = { CT_CMD_LIST, "-L expect" },
	/* sic: the reference names expectation creation "-C expect" */
	[CT_ROW_EXP_CREATE] = { CT_CMD_CREATE, "-C expect" },
	[CT_ROW_EXP_DELETE] = { CT_CMD_DELETE, "-D expect" },
	[CT_ROW_EXP_GET] = { CT_CMD_GET, "-G expect" },
	[CT_ROW_EXP_FLUSH] = { CT_CMD_FLUSH, "-F expect" },
	[CT_ROW_EXP_EVENT] = { CT_CMD_EVENT, "-E expect" },
	[CT_ROW_COUNT] = { CT_CMD_COUNT, "-C" },
	[CT_ROW_EXP_COUNT] = { CT_CMD_COUNT, "-C expect" },
	[CT_ROW_STATS] = { CT_CMD_STATS, "-S" },
	[CT_ROW_EXP_STATS] = { CT_CMD_STATS, "-S expect" },
	[CT_ROW_ADD] = { CT_CMD_ADD, NULL },
	[CT_ROW_NONE] = { CT_CMD_NONE, "unknown" },
};

/* ---- errors ------------------------------------------------------------------ */

int ct_fail(struct ct_parse *ps, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	ps->err->exit_code = exit_code;
	ps->err->try_help = exit_code == 2;
	return -1;
}

/* Warnings accumulate (a -R file collects those of every line). */
void ct_warn(struct ct_parse *ps, const char *fmt, ...)
{
	size_t len = strlen(ps->err->warnings);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->err->warnings + len, sizeof(ps->err->warnings) - len, fmt, ap);
	va_end(ap);
}

/* ---- init ----------------------------------------------------------------------- */

void ct_cli_init(struct ct_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->family = AF_UNSPEC;
	cli->event_mask = CT_EVENT_ALL;
	memset(&cli->filter.orig_src_mask, 0xff, sizeof(cli->filter.orig_src_mask));
	memset(&cli->filter.orig_dst_mask, 0xff, sizeof(cli->filter.orig_dst_mask));
	cli->filter.mark_mask = UINT32_MAX;
	cli->mark_mask = UINT32_MAX;
}

void ct_cli_free(struct ct_cli *cli)
{
	if (cli->labelmap_owned && cli->labelmap)
		ctk_labelmap_free(cli->labelmap);
	cli->labelmap = NULL;
	cli->labelmap_owned = false;
	free(cli->any_of);
	cli->any_of = NULL;
	cli->n_any_of = 0;
}

const char *ct_cmd_file_name(const struct ct_cli *cli)
{
	const char *name = rows[cli->row].file_name;

	return name ? name : "unknown";
}

/* ---- option tables ------------------------------------------------------------- */

struct opt_table {
	struct option *opts;
	unsigned int n;
	unsigned int offset;	/* last offset handed out */
};

static int table_init(struct opt_table *t)
{
	t->opts = malloc(sizeof(base_opts));
	if (!t->opts)
		return -1;
	memcpy(t->opts, base_opts, sizeof(base_opts));
	t->n = N_BASE;
	t->offset = 0;
	return 0;
}

/*
 * Merge a protocol's options, values offset as the reference does. The
 * first protocol's go in front: getopt_long() compares a long option with
 * every name before it, and a -R line of a saved table is mostly protocol
 * options (--sport ...). That order never changes an answer: no protocol
 * option has a base option's name, an exact match is then unique, and with
 * opterr off an abbreviation is unambiguous or an error in any order. A
 * later protocol's options go behind, so that of two equal names the first
 * protocol's still wins, as in the reference.
 */
static int table_merge(struct opt_table *t, const struct ct_proto *p)
{
	unsigned int add = 0, at;
	struct option *o;

	while (p->longopts[add].name)
		add++;
	o = realloc(t->opts, (t->n + add + 1) * sizeof(*o));
	if (!o)
		return -1;
	t->opts = o;
	at = t->offset ? t->n : 0;
	if (!at)
		memmove(&o[add], &o[0], t->n * sizeof(*o));
	t->offset += OPTION_OFFSET;
	for (unsigned int i = 0; i < add; i++) {
		o[at + i] = (struct option){ p->longopts[i].name, 1, NULL,
					     p->longopts[i].code + (int)t->offset };
	}
	t->n += add;
	memset(&o[t->n], 0, sizeof(*o));
	return 0;
}

/* ---- commands ------------------------------------------------------------------ */

/*
 * The table word after a command: only a separate next argument that does
 * not start with '-' or '!'. An attached one ("-Lexpect") is ignored.
 */
static const char *optional_word(struct ct_parse *ps)
{
	if (optarg)
		return NULL;
	if (optind < ps->argc && ps->argv[optind][0] != '-' && ps->argv[optind][0] != '!')
		return ps->argv[optind++];
	return NULL;
}

static bool prefix_of(const char *word, const char *name)
{
	return !strncmp(name, word, strlen(word));
}

static int parse_table(struct ct_parse *ps, enum ct_table *table)
{
	const char *word = optional_word(ps);

	*table = CT_TABLE_CONNTRACK;
	if (!word)
		return 0;
	if (prefix_of(word, "expect"))
		*table = CT_TABLE_EXPECT;
	else if (prefix_of(word, "conntrack"))
		*table = CT_TABLE_CONNTRACK;
	else if (prefix_of(word, "dying"))
		*table = CT_TABLE_DYING;
	else if (prefix_of(word, "unconfirmed"))
		*table = CT_TABLE_UNCONFIRMED;
	else
		return ct_fail(ps, 2, "unknown type `%s'", word);
	return 0;
}

static int parse_command(struct ct_parse *ps, const struct cmd_desc *c)
{
	enum ct_table table;
	enum ct_row row;

	if (parse_table(ps, &table) < 0)
		return -1;
	if (table == CT_TABLE_DYING || table == CT_TABLE_UNCONFIRMED) {
		if (c->letter != 'L')
			return ct_fail(ps, 2, "Can't do that command with tables "
				       "`dying' and `unconfirmed'");
		row = CT_ROW_LIST;
	} else {
		row = c->row[table == CT_TABLE_EXPECT];
		if (row == CT_ROW_NONE)
			return ct_fail(ps, 2, "Can't do --%s on %s", c->long_name,
				       table == CT_TABLE_CONNTRACK ? "conntrack" : "expectations");
	}
	if (ps->have_cmd)
		return ct_fail(ps, 2, "Invalid commands combination");
	ps->have_cmd = true;
	ps->row = row;
	ps->cli->table = table;
	return 0;
}

static const struct cmd_desc *find_cmd(int c)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].letter == c)
			return &cmds[i];
	return NULL;
}

/* ---- options ------------------------------------------------------------------- */

static int parse_proto(struct ct_parse *ps, struct opt_table *t, const char *arg)
{
	const struct ct_proto *p = ct_proto_by_name(arg);
	struct protoent *pe;
	int num = -1;

	if (p) {
		num = p->num;
	} else if ((pe = getprotobyname(arg)) != NULL) {
		/* a known name with no extension, even if its number has one */
		p = &ct_proto_unknown;
		num = pe->p_proto;
	} else {
		char *end;
		unsigned long v = strtoul(arg, &end, 0);

		if (v <= 255 && end != arg && !*end) {
			num = (int)v;
			p = ct_proto_by_num((uint8_t)v);
			if (!p)
				p = &ct_proto_unknown;
		}
	}
	if (num < 0)
		return ct_fail(ps, 2, "`%s' unsupported protocol", arg);
	ps->options |= OPTBIT(CT_OPT_PROTO);
	ps->proto = p;
	if (table_merge(t, p) < 0)
		return ct_fail(ps, 1, "out of memory");
	ps->cli->l4proto = (uint8_t)num;
	ps->cli->tmpl.orig.l4num = (uint8_t)num;
	ps->tset |= TBIT(T_ORIG_L4);
	return 0;
}

static int parse_family(struct ct_parse *ps, const char *arg)
{
	int family;

	ps->options |= OPTBIT(CT_OPT_FAMILY);
	if (!strncmp(arg, "ipv4", 4))
		family = AF_INET;
	else if (!strncmp(arg, "ipv6", 4))
		family = AF_INET6;
	else
		return ct_fail(ps, 2, "`%s' unsupported protocol", arg);
	if (ps->family != AF_UNSPEC && ps->family != family)
		return ct_fail(ps, 2, "mismatched address family");
	ps->family = family;
	return 0;
}

static void parse_zone(struct ct_parse *ps, int c, const char *arg)
{
	struct ctk_entry *t = &ps->cli->tmpl;
	uint16_t v = (uint16_t)ct_strtou32(arg);

	if (c == 'w') {
		ps->options |= OPTBIT(CT_OPT_ZONE);
		t->zone = v;
		ps->tset |= TBIT(T_ZONE);
	} else if (c == '(') {
		ps->options |= OPTBIT(CT_OPT_ORIG_ZONE);
		t->orig_zone = v;
		ps->tset |= TBIT(T_ORIG_ZONE);
	} else {
		ps->options |= OPTBIT(CT_OPT_REPL_ZONE);
		t->reply_zone = v;
		ps->tset |= TBIT(T_REPL_ZONE);
	}
}

/*
 * --id takes an optional argument in the reference, which then crashes
 * without one (deliberate fix): a separate next word is taken as the
 * value, and a missing value is a usage error.
 */
static int parse_id(struct ct_parse *ps, const char *arg)
{
	if (!arg && optind < ps->argc)
		arg = ps->argv[optind++];
	if (!arg)
		return ct_fail(ps, 2, "option `--id' requires an argument");
	ps->options |= OPTBIT(CT_OPT_ID);
	ps->cli->tmpl.id = ct_strtou32(arg);
	ps->tset |= TBIT(T_ID);
	return 0;
}

/* --trace N: a packet number as the capture counts them, from 1. */
/* --group-by KEY[,KEY...]: counts instead of entries (ctkit/group.h). */
static int parse_group_by(struct ct_parse *ps, const char *arg)
{
	struct ct_cli *cli = ps->cli;
	char bad[64];

	if (cli->group_by)
		return ct_fail(ps, 2, "`--group-by' given twice");
	if (ctk_group_spec_parse(&cli->group_spec, arg, bad, sizeof(bad)) < 0)
		return ct_fail(ps, 2, "--group-by: `%s' is not a key (src, dst, sport, dport, proto, "
			       "family, state, zone, mark, status, label, netns; src/24), or repeats one",
			       bad);
	cli->group_by = true;
	return 0;
}

/* --top N: the N largest groups. */
static int parse_top(struct ct_parse *ps, const char *arg)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || n == 0 || n > 1000000000ul)
		return ct_fail(ps, 2, "--top: `%s' is not a number of groups (1 or more)", arg);
	ps->cli->top = n;
	return 0;
}

static int parse_trace_packet(struct ct_parse *ps, const char *arg)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || n == 0 || arg[0] == '-')
		return ct_fail(ps, 2, "`--trace' wants a packet number (1 or more), not `%s'", arg);
	ps->cli->trace_packet = n;
	return 0;
}

static void parse_mark(struct ct_parse *ps, const char *arg)
{
	struct ct_cli *cli = ps->cli;

	ps->options |= OPTBIT(CT_OPT_MARK);
	ct_parse_mark(arg, &cli->filter.mark, &cli->filter.mark_mask);
	cli->mark_mask = cli->filter.mark_mask;
	cli->tmpl.mark = cli->filter.mark;
}

static int parse_label_opt(struct ct_parse *ps, int c)
{
	const uint32_t both = OPTBIT(CT_OPT_ADD_LABEL) | OPTBIT(CT_OPT_DEL_LABEL);
	const char *names = optarg;

	ps->options |= OPTBIT(c == 'l' ? CT_OPT_LABEL :
			      c == '<' ? CT_OPT_ADD_LABEL : CT_OPT_DEL_LABEL);
	ct_labelmap_need(ps);
	if ((ps->options & both) == both)
		return ct_fail(ps, 1, "cannot use --label-add and --label-del at the same time");
	/* --label-del=x is honoured (the reference dropped the attached value) */
	if (c == '>' && !names)
		names = optional_word(ps);
	if (!names)
		return 0;	/* --label-del alone: every label */
	if (c != 'l')
		ps->label_names_given = true;
	return ct_parse_label_names(ps, names, c != 'l');
}

static int parse_output_opt(struct ct_parse *ps, const char *arg)
{
	ps->options |= OPTBIT(CT_OPT_OUTPUT);
	return ct_parse_output(ps, arg);
}

static int parse_status_opt(struct ct_parse *ps, const char *arg)
{
	ps->options |= OPTBIT(CT_OPT_STATUS);
	if (ct_parse_status(ps, arg) < 0)
		return -1;
	/* The reference also copied the status into the mark here: not kept. */
	ps->cli->tmpl.status = ps->status;
	ps->tset |= TBIT(T_STATUS);
	if (!ps->status_kmask)
		ps->status_kmask = ps->status;
	return 0;
}

static int parse_nat(struct ct_parse *ps, int c)
{
	/* -nIP and --src-nat=IP are honoured (the reference ignored them) */
	const char *arg = optarg ? optarg : optional_word(ps);

	return ct_parse_nat_opt(ps, c, arg);
}

static int parse_option(struct ct_parse *ps, struct opt_table *t, int c)
{
	struct ct_cli *cli = ps->cli;

	switch (c) {
	case 's': case 'd': case 'r': case 'q':
	case '[': case ']': case '{': case '}':
		return ct_parse_addr_opt(ps, c, optarg);
	case 'p':
		return parse_proto(ps, t, optarg);
	case 't':
		ps->options |= OPTBIT(CT_OPT_TIMEOUT);
		cli->tmpl.timeout = ct_atol32(optarg);
		ps->tset |= TBIT(T_TIMEOUT);
		return 0;
	case 'u':
		return parse_status_opt(ps, optarg);
	case 'e':
		ps->options |= OPTBIT(CT_OPT_EVENT_MASK);
		return ct_parse_events(ps, optarg);
	case 'o':
		return parse_output_opt(ps, optarg);
	case 'z':
		ps->options |= OPTBIT(CT_OPT_ZERO);
		return 0;
	case 'n': case 'g': case 'j':
		return parse_nat(ps, c);
	case 'w': case '(': case ')':
		parse_zone(ps, c, optarg);
		return 0;
	case 'i':
		return parse_id(ps, optarg);
	case 'c':
		ps->options |= OPTBIT(CT_OPT_SECMARK);
		cli->tmpl.secmark = ct_strtou32(optarg);
		ps->tset |= TBIT(T_SECMARK);
		return 0;
	case 'm':
		parse_mark(ps, optarg);
		return 0;
	case 'l': case '<': case '>':
		return parse_label_opt(ps, c);
	case 'a':
		ct_warn(ps, "WARNING: ignoring -%c, deprecated option.\n", c);
		return 0;
	case 'f':
		return parse_family(ps, optarg);
	case 'b':
		ps->options |= OPTBIT(CT_OPT_BUFFERSIZE);
		cli->buffer_size = (size_t)atol(optarg);
		return 0;
	case CT_LOPT_DEBUG:
		cli->debug = true;
		return 0;
	case CT_LOPT_RESYNC:
		cli->resync = true;
		return 0;
	case CT_LOPT_FILTER_FILE:
		cli->filter_file = optarg;
		return 0;
	case CT_LOPT_PCAP:
		cli->pcap_file = optarg;
		return 0;
	case CT_LOPT_PACKETS:
		cli->pcap_packets = true;
		return 0;
	case CT_LOPT_SYSCTL:
		if (cli->n_sysctl >= CT_SYSCTL_MAX)
			return ct_fail(ps, 2, "too many `--sysctl' options (at most %d)", CT_SYSCTL_MAX);
		cli->sysctl[cli->n_sysctl++] = optarg;
		return 0;
	case CT_LOPT_TIMEOUT_POLICY:
		cli->timeout_policy = optarg;
		return 0;
	case CT_LOPT_RULESET:
		cli->ruleset = optarg;
		return 0;
	case CT_LOPT_LOCAL_ADDR:
		if (cli->n_local_addr >= CT_ADDR_MAX)
			return ct_fail(ps, 2, "too many `--local-address' options (at most %d)", CT_ADDR_MAX);
		cli->local_addr[cli->n_local_addr++] = optarg;
		return 0;
	case CT_LOPT_MASQ_ADDR:
		if (cli->n_masq_addr >= 2)
			return ct_fail(ps, 2, "at most one `--masquerade-address' per family");
		cli->masq_addr[cli->n_masq_addr++] = optarg;
		return 0;
	case CT_LOPT_ROUTE:
		if (cli->n_routes >= CT_ADDR_MAX)
			return ct_fail(ps, 2, "too many `--route' options (at most %d)", CT_ADDR_MAX);
		cli->routes[cli->n_routes++] = optarg;
		return 0;
	case CT_LOPT_IIFNAME:
		cli->iifname = optarg;
		return 0;
	case CT_LOPT_GROUP_BY:
		return parse_group_by(ps, optarg);
	case CT_LOPT_TOP:
		return parse_top(ps, optarg);
	case CT_LOPT_NETNS:
		if (cli->netns)
			return ct_fail(ps, 2, "`--netns' given twice");
		cli->netns = optarg;
		return 0;
	case CT_LOPT_PCAP_OUT:
		cli->pcap_out = optarg;
		return 0;
	case CT_LOPT_TRACE:
		return parse_trace_packet(ps, optarg);
	case CT_LOPT_CAPTURE:
		cli->capture_iface = optarg;
		return 0;
	case CT_LOPT_CAPTURE_FILTER:
		cli->capture_filter = optarg;
		return 0;
	case ':':
		return ct_fail(ps, 2, "option `%s' requires an argument", ps->argv[optind - 1]);
	case '?':
		return ct_fail(ps, 2, "unknown option `%s'", ps->argv[optind - 1]);
	default:
		if (c >= OPTION_OFFSET && ps->proto)
			return ct_proto_parse(ps, c & 0xff, optarg);
		return 0;
	}
}

static int parse_loop(struct ct_parse *ps)
{
	struct opt_table t;
	int c, ret = 0;

	if (table_init(&t) < 0)
		return ct_fail(ps, 1, "out of memory");
	opterr = 0;
	optind = 0;
	while (ret == 0 && (c = getopt_long(ps->argc, ps->argv, short_opts, t.opts, NULL)) != -1) {
		const struct cmd_desc *cmd = find_cmd(c);

		ret = cmd ? parse_command(ps, cmd) : parse_option(ps, &t, c);
	}
	free(t.opts);
	return ret;
}

/* ---- checks after the loop ------------------------------------------------------- */

static bool row_keeps_unspec(enum ct_row row)
{
	return row == CT_ROW_LIST || row == CT_ROW_UPDATE || row == CT_ROW_DELETE ||
	       row == CT_ROW_GET || row == CT_ROW_FLUSH || row == CT_ROW_EVENT;
}

/* Checks the reference makes when it starts executing, before any I/O. */
static int exec_checks(struct ct_parse *ps)
{
	const uint32_t comparison = OPTBIT(CT_OPT_PROTO) | OPTBIT(CT_OPT_ORIG_SRC) |
		OPTBIT(CT_OPT_ORIG_DST) | OPTBIT(CT_OPT_REPL_SRC) | OPTBIT(CT_OPT_REPL_DST) |
		OPTBIT(CT_OPT_MARK) | OPTBIT(CT_OPT_SECMARK) | OPTBIT(CT_OPT_STATUS) |
		OPTBIT(CT_OPT_ID) | OPTBIT(CT_OPT_ZONE) | OPTBIT(CT_OPT_LABEL) |
		OPTBIT(CT_OPT_ORIG_ZONE) | OPTBIT(CT_OPT_REPL_ZONE);
	bool plain_list = ps->row == CT_ROW_LIST && ps->cli->table == CT_TABLE_CONNTRACK;

	if (plain_list && (ps->options & comparison) && (ps->options & OPTBIT(CT_OPT_ZERO)))
		return ct_fail(ps, 2, "Can't use -z with filtering parameters");
	if (!plain_list && ps->row != CT_ROW_UPDATE && ps->row != CT_ROW_DELETE &&
	    ps->row != CT_ROW_EVENT)
		return 0;
	if ((ps->options & OPTBIT(CT_OPT_MASK_SRC)) && !(ps->options & OPTBIT(CT_OPT_ORIG_SRC)))
		return ct_fail(ps, 2, "Can't use --mask-src without --src");
	if ((ps->options & OPTBIT(CT_OPT_MASK_DST)) && !(ps->options & OPTBIT(CT_OPT_ORIG_DST)))
		return ct_fail(ps, 2, "Can't use --mask-dst without --dst");
	return 0;
}

/*
 * ctkit extension: -C and -S take "-o json" (and nothing else), which the
 * reference's matrix forbids along with every other output word.
 */
static bool json_only_counts(const struct ct_parse *ps)
{
	switch (ps->row) {
	case CT_ROW_COUNT:
	case CT_ROW_EXP_COUNT:
	case CT_ROW_STATS:
	case CT_ROW_EXP_STATS:
		return ps->output_mask == CT_O_JSON;
	default:
		return false;
	}
}

static int final_checks(struct ct_parse *ps)
{
	const uint32_t nat = OPTBIT(CT_OPT_SRC_NAT) | OPTBIT(CT_OPT_DST_NAT);

	if (ps->family == AF_UNSPEC && !row_keeps_unspec(ps->row))
		ps->family = AF_INET;
	if ((ps->options & OPTBIT(CT_OPT_ANY_NAT)) && (ps->options & nat))
		return ct_fail(ps, 2, "cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");
	if (json_only_counts(ps))
		ps->options &= ~OPTBIT(CT_OPT_OUTPUT);
	if (ct_matrix_check(ps) < 0 || ct_proto_final_check(ps) < 0)
		return -1;
	return exec_checks(ps);
}

static void fill_format(struct ct_parse *ps)
{
	struct ct_cli *cli = ps->cli;
	unsigned int o = ps->output_mask;

	cli->fmt.kind = o & CT_O_SAVE   ? CTK_FMT_SAVE
			 : o & CT_O_XML  ? CTK_FMT_XML
			 : o & CT_O_JSON ? CTK_FMT_JSON
					 : CTK_FMT_DEFAULT;
	cli->fmt.flags = (o & CT_O_EXT ? CTK_FMT_F_EXTENDED : 0) | (o & CT_O_ID ? CTK_FMT_F_ID : 0) |
			 (o & CT_O_KTMS ? CTK_FMT_F_KTIMESTAMP : 0) |
			 (o & CT_O_TMS ? CTK_FMT_F_TIMESTAMP : 0) |
			 (o & CT_O_CL ? CTK_FMT_F_LABELS : 0);
	/*
	 * The reference prints labels whenever its label map is loaded,
	 * whichever option (-o labels, -l, --label-add, --label-del) loaded it.
	 */
	if (cli->labelmap)
		cli->fmt.flags |= CTK_FMT_F_LABELS;
	cli->fmt.labels = cli->labelmap;
	cli->output_timestamp = o & CT_O_TMS;
}

static void fill_labels(struct ct_parse *ps)
{
	struct ct_cli *cli = ps->cli;

	if (ps->options & OPTBIT(CT_OPT_LABEL)) {
		memcpy(cli->filter.labels, ps->label_filter, sizeof(cli->filter.labels));
		ctk_filter_set(&cli->filter, CTK_F_LABELS);
	}
	if (ps->options & OPTBIT(CT_OPT_ADD_LABEL)) {
		memcpy(cli->label_add, ps->label_modify, sizeof(cli->label_add));
		memcpy(cli->tmpl.labels, ps->label_modify, sizeof(cli->tmpl.labels));
		ctk_entry_set(&cli->tmpl, CTK_ATTR_LABELS);
	}
	if (ps->options & OPTBIT(CT_OPT_DEL_LABEL))
		memcpy(cli->label_del, ps->label_modify, sizeof(cli->label_del));
}

static void fill_cli(struct ct_parse *ps)
{
	struct ct_cli *cli = ps->cli;

	cli->row = ps->row;
	cli->cmd = rows[ps->row].cmd;
	cli->opts = ps->options;
	cli->proto_opts = ps->l4flags;
	cli->family = (uint8_t)ps->family;
	cli->help_proto = ps->row == CT_ROW_HELP && (ps->options & OPTBIT(CT_OPT_PROTO));
	cli->event_mask = ps->options & OPTBIT(CT_OPT_EVENT_MASK) ? ps->event_mask : CT_EVENT_ALL;
	cli->label_del_all = (ps->options & OPTBIT(CT_OPT_DEL_LABEL)) && !ps->label_names_given;
	cli->labelmap = ps->labelctx->map;
	fill_labels(ps);
	fill_format(ps);
	ct_build_filter(ps);
}

int ct_parse_args_shared(int argc, char **argv, struct ct_cli *cli, struct ct_error *err,
			 struct ct_labelctx *labelctx)
{
	struct ct_parse ps = {
		.cli = cli, .err = err, .argc = argc, .argv = argv,
		.row = CT_ROW_NONE, .family = AF_UNSPEC, .labelctx = labelctx,
	};
	int ret;

	ct_cli_init(cli);
	err->exit_code = 0;
	err->try_help = false;
	err->msg[0] = '\0';
	ret = parse_loop(&ps);
	/*
	 * --packets alone is a listing of verdicts: it takes -L's options.
	 * --trace N alone is the same listing cut to packet N, after its trace.
	 */
	if (ret == 0 && !cli->pcap_packets && cli->trace_packet && ps.row == CT_ROW_NONE) {
		cli->pcap_packets = true;
		cli->trace_only = true;
	}
	if (ret == 0 && cli->pcap_packets && ps.row == CT_ROW_NONE)
		ps.row = CT_ROW_LIST;
	if (ret == 0)
		ret = final_checks(&ps);
	if (ret == 0)
		fill_cli(&ps);
	return ret;
}

static int pcap_option_error(struct ct_error *err, const char *msg)
{
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	err->exit_code = 2;
	err->try_help = true;
	return -1;
}

/*
 * --pcap runs -L, -G, -C, -S, -E (conntrack table) or --packets on a
 * capture; --capture on a live one, with the same rules.
 */
static int check_pcap_options(const struct ct_cli *cli, struct ct_error *err)
{
	if (cli->capture_filter && !cli->capture_iface)
		return pcap_option_error(err, "Illegal option `--capture-filter' without `--capture'");
	if (cli->capture_iface && cli->pcap_file)
		return pcap_option_error(err, "Illegal option `--capture' with `--pcap'");
	if (!cli->pcap_file && !cli->capture_iface) {
		if (cli->pcap_packets)
			return pcap_option_error(err, "Illegal option `--packets' without `--pcap'");
		if (cli->n_sysctl)
			return pcap_option_error(err, "Illegal option `--sysctl' without `--pcap'");
		if (cli->timeout_policy)
			return pcap_option_error(err, "Illegal option `--timeout-policy' without `--pcap'");
		if (cli->ruleset)
			return pcap_option_error(err, "Illegal option `--ruleset' without `--pcap'");
		if (cli->n_local_addr)
			return pcap_option_error(err, "Illegal option `--local-address' without `--pcap'");
		if (cli->n_masq_addr)
			return pcap_option_error(err, "Illegal option `--masquerade-address' without `--pcap'");
		if (cli->pcap_out)
			return pcap_option_error(err, "Illegal option `--pcap-out' without `--pcap'");
		if (cli->n_routes)
			return pcap_option_error(err, "Illegal option `--route' without `--pcap'");
		if (cli->iifname)
			return pcap_option_error(err, "Illegal option `--iifname' without `--pcap'");
		if (cli->trace_packet)
			return pcap_option_error(err, "Illegal option `--trace' without `--pcap'");
		return 0;
	}
	/* The engine's expectations: listed (-L expect) and watched (-E expect). */
	if (cli->table == CT_TABLE_EXPECT && (cli->cmd == CT_CMD_LIST || cli->cmd == CT_CMD_EVENT)) {
		if (cli->pcap_packets)
			return pcap_option_error(err, "Illegal option `--packets' with this command");
		return 0;
	}
	if (cli->table != CT_TABLE_CONNTRACK ||
	    (cli->cmd != CT_CMD_LIST && cli->cmd != CT_CMD_GET && cli->cmd != CT_CMD_COUNT &&
	     cli->cmd != CT_CMD_STATS && cli->cmd != CT_CMD_EVENT))
		return pcap_option_error(err, cli->pcap_file
					 ? "Illegal option `--pcap' with this command"
					 : "Illegal option `--capture' with this command");
	if (cli->pcap_packets && cli->cmd != CT_CMD_LIST)
		return pcap_option_error(err, "Illegal option `--packets' with this command");
	return 0;
}

/* --group-by counts the entries -L lists (kernel or capture); --top goes with it. */
static int check_group_options(const struct ct_cli *cli, struct ct_error *err)
{
	if (cli->top && !cli->group_by)
		return pcap_option_error(err, "Illegal option `--top' without `--group-by'");
	if (!cli->group_by)
		return 0;
	if (cli->cmd != CT_CMD_LIST || cli->table != CT_TABLE_CONNTRACK || cli->pcap_packets)
		return pcap_option_error(err, "Illegal option `--group-by' with this command");
	if (cli->fmt.kind != CTK_FMT_DEFAULT && cli->fmt.kind != CTK_FMT_JSON)
		return pcap_option_error(err, "Illegal option `--group-by' with this output format "
					 "(only `-o json' changes its lines)");
	return 0;
}

/*
 * --netns all: the read-only commands, on the kernel's tables, in a format
 * that can say which namespace each line comes from.
 */
static int check_netns_options(const struct ct_cli *cli, struct ct_error *err)
{
	if (!ct_netns_all(cli))
		return 0;
	if (cli->cmd != CT_CMD_LIST && cli->cmd != CT_CMD_COUNT && cli->cmd != CT_CMD_STATS &&
	    cli->cmd != CT_CMD_EVENT)
		return pcap_option_error(err, "Illegal option `--netns all' with this command "
					 "(only -L, -C, -S and -E)");
	if (cli->cmd == CT_CMD_EVENT && cli->table == CT_TABLE_EXPECT)
		return pcap_option_error(err, "Illegal option `--netns all' with -E expect");
	if (cli->pcap_file || cli->capture_iface)
		return pcap_option_error(err, "Illegal option `--netns all' with a capture");
	if (cli->fmt.kind == CTK_FMT_XML || cli->fmt.kind == CTK_FMT_SAVE)
		return pcap_option_error(err, "Illegal option `--netns all' with this output format "
					 "(a line's namespace shows in the default format and "
					 "in `-o json')");
	return 0;
}

bool ct_netns_all(const struct ct_cli *cli)
{
	return cli->netns && !strcmp(cli->netns, CT_NETNS_ALL);
}

int ct_parse_args(int argc, char **argv, struct ct_cli *cli, struct ct_error *err)
{
	struct ct_labelctx lc = { NULL };
	int ret;

	err->warnings[0] = '\0';
	ret = ct_parse_args_shared(argc, argv, cli, err, &lc);
	/* Many filters in one pass: a selection of -L and -D only. */
	if (ret == 0 && cli->filter_file &&
	    ((cli->cmd != CT_CMD_LIST && cli->cmd != CT_CMD_DELETE) ||
	     cli->table != CT_TABLE_CONNTRACK)) {
		snprintf(err->msg, sizeof(err->msg), "Illegal option `--filter-file' with this command");
		err->exit_code = 2;
		err->try_help = true;
		ret = -1;
	}
	if (ret == 0)
		ret = check_pcap_options(cli, err);
	if (ret == 0)
		ret = check_group_options(cli, err);
	if (ret == 0)
		ret = check_netns_options(cli, err);
	cli->labelmap = lc.map;
	cli->labelmap_owned = lc.map != NULL;
	if (cli->fmt.flags & CTK_FMT_F_LABELS)
		cli->fmt.labels = lc.map;
	return ret;
}
