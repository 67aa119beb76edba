// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The conntrack command-line parser against the reference.
 *
 * golden/parse_cases.txt holds ~2500 command lines with what conntrack
 * 1.4.7 printed for them (run as `unshare -n conntrack ARGS`): the exit
 * code and stderr for parameter errors, the WARNING lines otherwise. Every
 * command x option cell of the legality matrices is in there. The other
 * tests check what a line compiles to (filter, template) and the -R
 * splitter, and pin the deliberate fixes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loadfile.h"

#define REF_PREFIX "conntrack v1.4.7 (conntrack-tools): "
#define TRY_HELP "Try `conntrack -h' or 'conntrack --help' for more information.\n"
#define MAX_ARGS 64

/* ---- helpers ----------------------------------------------------------------- */

struct args {
	int argc;
	char *argv[MAX_ARGS];
	char buf[4096];
};

/* Split "a b \"c d\" \"\"" into argv after a leading "conntrack". */
static void split_args(const char *s, struct args *a)
{
	char *out = a->buf;
	bool quoted = false, have = false;

	a->argc = 0;
	a->argv[a->argc++] = "conntrack";
	a->argv[a->argc] = out;
	for (; *s; s++) {
		if (quoted) {
			if (*s == '"')
				quoted = false;
			else
				*out++ = *s;
		} else if (*s == '"') {
			quoted = have = true;
		} else if (*s == ' ') {
			if (out != a->argv[a->argc] || have) {
				*out++ = '\0';
				a->argv[++a->argc] = out;
			}
			have = false;
		} else {
			*out++ = *s;
		}
	}
	if (out != a->argv[a->argc] || have) {
		*out++ = '\0';
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

static int parse(const char *line, struct ct_cli *cli, struct ct_error *err)
{
	struct args a;

	split_args(line, &a);
	return ct_parse_args(a.argc, a.argv, cli, err);
}

/* Parse a line that must succeed. */
static void parse_ok(const char *line, struct ct_cli *cli)
{
	struct ct_error err;

	if (parse(line, cli, &err) < 0)
		fail_msg("`%s' failed: %s", line, err.msg);
}

/* Undo Python's unicode_escape; returns the length (NULs may be inside). */
static size_t unescape(const char *in, char *out)
{
	char *start = out;

	while (*in) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'n': *out++ = '\n'; in++; break;
		case 't': *out++ = '\t'; in++; break;
		case 'r': *out++ = '\r'; in++; break;
		case 'x': {
			char hex[3] = { in[1], in[2], 0 };

			*out++ = (char)strtol(hex, NULL, 16);
			in += 3;
			break;
		}
		default: *out++ = *in++; break;
		}
	}
	*out = '\0';
	return (size_t)(out - start);
}

static FILE *open_golden(const char *name)
{
	const char *dir = getenv("CTK_GOLDEN_DIR");
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/unit/golden", name);
	return fopen(path, "r");
}

/* Split "A | RC | ERR" in place. */
static bool split_case(char *line, char **rc_s, char **err_s)
{
	char *sep = strstr(line, " | ");

	if (!sep)
		return false;
	*sep = '\0';
	*rc_s = sep + 3;
	sep = strstr(*rc_s, " | ");
	if (!sep)
		return false;
	*sep = '\0';
	*err_s = sep + 3;
	return true;
}

/* What the reference would have printed for @err (prefix included). */
static void render(char *buf, size_t size, const struct ct_error *err, int rc)
{
	snprintf(buf, size, "%s%s%s%s%s", err->warnings, rc ? REF_PREFIX : "",
		 rc ? err->msg : "", rc ? "\n" : "", rc && err->try_help ? TRY_HELP : "");
}

/* ---- the reference's answers -------------------------------------------------------- */

/* As main() does: "-R FILE" as the first argument reads a file. */
static int parse_or_load(const char *line, struct ct_cli *cli, struct ct_error *err)
{
	struct ct_load *ld;
	struct args a;

	split_args(line, &a);
	if (a.argc > 2 && (!strcmp(a.argv[1], "-R") || !strcmp(a.argv[1], "--load-file"))) {
		ct_cli_init(cli);
		ld = ct_load_open(a.argv[2], err);
		if (!ld)
			return -1;
		ct_load_close(ld);
		return 0;
	}
	return ct_parse_args(a.argc, a.argv, cli, err);
}

static bool check_case(char *line, bool have_labelmap)
{
	static char expected[32768], got[40000];
	char *rc_s, *err_s;
	struct ct_cli cli;
	struct ct_error err;
	int rc, want_rc;

	if (!split_case(line, &rc_s, &err_s))
		return true;
	/* label cases assume /etc/xtables/connlabel.conf is missing, as it was */
	if (have_labelmap && (strstr(line, "label") || strstr(line, "-l ")))
		return true;
	want_rc = atoi(rc_s);
	unescape(err_s, expected);
	rc = parse_or_load(line, &cli, &err) < 0 ? err.exit_code : 0;
	render(got, sizeof(got), &err, rc);
	ct_cli_free(&cli);
	if (rc == want_rc && !strcmp(got, expected))
		return true;
	print_error("case `%s': want %d [%s] got %d [%s]\n", line, want_rc, expected, rc, got);
	return false;
}

static void test_golden(void **state)
{
	bool have_labelmap = access("/etc/xtables/connlabel.conf", F_OK) == 0;
	static char line[40000];
	unsigned int n = 0, bad = 0;
	FILE *f = open_golden("parse_cases.txt");

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		n++;
		bad += !check_case(line, have_labelmap);
	}
	fclose(f);
	assert_true(n > 2000);
	assert_int_equal(bad, 0);
}

/* ct_load_open() on @content written to a file: its exit code, @err as it left it. */
static int load_streamed(const char *content, size_t len, struct ct_error *err)
{
	char path[] = "/tmp/ctk-test-load-XXXXXX";
	int fd = mkstemp(path);
	struct ct_load *ld;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	ld = ct_load_open(path, err);
	unlink(path);
	if (!ld)
		return err->exit_code;
	ct_load_close(ld);
	return 0;
}

/* -R files: loadfile_cases.txt holds whole files and the reference's answer. */
static bool check_file_case(char *line, bool have_labelmap)
{
	static char content[32768], expected[32768], got[40000];
	char *rc_s, *err_s;
	struct ct_batch b;
	struct ct_error err;
	size_t len;
	int rc;

	if (!split_case(line, &rc_s, &err_s))
		return true;
	if (have_labelmap && strstr(line, "label"))
		return true;
	len = unescape(line, content);
	unescape(err_s, expected);
	rc = ct_load_buffer(content, len, &b, &err) < 0 ? err.exit_code : 0;
	if (rc == 0)
		ct_batch_free(&b);
	render(got, sizeof(got), &err, rc);
	if (rc != atoi(rc_s) || strcmp(got, expected)) {
		print_error("file `%.60s': want %s [%s] got %d [%s]\n", line, rc_s, expected, rc, got);
		return false;
	}
	/* The streamed reader of -R (two passes over the file) answers the same. */
	rc = load_streamed(content, len, &err);
	render(got, sizeof(got), &err, rc);
	if (rc == atoi(rc_s) && !strcmp(got, expected))
		return true;
	print_error("streamed `%.60s': want %s [%s] got %d [%s]\n", line, rc_s, expected, rc, got);
	return false;
}

static void test_golden_loadfile(void **state)
{
	bool have_labelmap = access("/etc/xtables/connlabel.conf", F_OK) == 0;
	static char line[40000];
	unsigned int n = 0, bad = 0;
	FILE *f = open_golden("loadfile_cases.txt");

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		n++;
		bad += !check_file_case(line, have_labelmap);
	}
	fclose(f);
	assert_true(n > 50);
	assert_int_equal(bad, 0);
}

/* ---- what a line compiles to ---------------------------------------------------------- */

static bool has(const struct ct_cli *cli, enum ctk_filter_field f)
{
	return ctk_filter_has(&cli->filter, f);
}

static void test_cidr(void **state)
{
	struct ct_cli cli;

	(void)state;
	parse_ok("-L -s 10.1.2.3/8", &cli);
	assert_int_equal(cli.cmd, CT_CMD_LIST);
	assert_true(has(&cli, CTK_F_ORIG_SRC));
	assert_true(has(&cli, CTK_F_FAMILY));
	assert_int_equal(cli.family, AF_INET);
	assert_int_equal(cli.filter.orig_src_mask.v4.s_addr, htonl(0xff000000));
	assert_int_equal(cli.filter.orig.src.v4.s_addr, htonl(0x0a000000));
	assert_true(cli.opts & (1u << CT_OPT_MASK_SRC));
	ct_cli_free(&cli);

	/* legacy inet_aton forms, and a /32 is an exact address */
	parse_ok("-L -d 10.1/32", &cli);
	assert_int_equal(cli.filter.orig.dst.v4.s_addr, htonl(0x0a000001));
	assert_int_equal(cli.filter.orig_dst_mask.v4.s_addr, 0xffffffff);
	assert_false(cli.opts & (1u << CT_OPT_MASK_DST));
	ct_cli_free(&cli);

	parse_ok("-L -s 2001:db8::1/64", &cli);
	assert_int_equal(cli.family, AF_INET6);
	assert_int_equal(cli.filter.orig_src_mask.word[1], 0xffffffff);
	assert_int_equal(cli.filter.orig_src_mask.word[2], 0);
	ct_cli_free(&cli);
}

static void test_proto_filter(void **state)
{
	struct ct_cli cli;

	(void)state;
	parse_ok("-L -p tcp --state ESTABLISHED --sport 70000 --dport abc", &cli);
	assert_true(has(&cli, CTK_F_L4PROTO));
	assert_true(has(&cli, CTK_F_TCP_STATE));
	assert_true(has(&cli, CTK_F_ORIG_SPORT));
	assert_int_equal(cli.filter.orig.l4num, 6);
	assert_int_equal(cli.filter.tcp_state, 3);
	assert_int_equal(cli.filter.orig.sport, 4464);	/* atoi, truncated */
	assert_int_equal(cli.filter.orig.dport, 0);
	assert_int_equal(cli.proto_opts, 0x43);
	ct_cli_free(&cli);

	parse_ok("-L -p gre --srckey 0x10", &cli);
	assert_int_equal(cli.filter.orig.sport, 16);
	ct_cli_free(&cli);

	parse_ok("-D -p icmp --icmp-type 8 --icmp-id 300", &cli);
	assert_true(has(&cli, CTK_F_ICMP_TYPE));
	assert_true(has(&cli, CTK_F_ICMP_ID));
	assert_false(has(&cli, CTK_F_ICMP_CODE));
	assert_int_equal(cli.filter.orig.icmp_type, 8);
	assert_int_equal(cli.filter.orig.icmp_id, 300);
	ct_cli_free(&cli);
}

static void test_comparison_gate(void **state)
{
	struct ct_cli cli;

	(void)state;
	/* -t alone compares nothing; with a comparison option it does */
	parse_ok("-D -t 10", &cli);
	assert_false(has(&cli, CTK_F_TIMEOUT));
	ct_cli_free(&cli);
	parse_ok("-D -t 10 -p udp", &cli);
	assert_true(has(&cli, CTK_F_TIMEOUT));
	assert_int_equal(cli.filter.timeout, 10);
	ct_cli_free(&cli);
	parse_ok("-L -w abc", &cli);
	assert_true(has(&cli, CTK_F_ZONE));
	assert_int_equal(cli.filter.zone, 0);
	ct_cli_free(&cli);
}

static void test_status_mark(void **state)
{
	struct ct_cli cli;

	(void)state;
	parse_ok("-L -u ASSURED", &cli);
	assert_true(has(&cli, CTK_F_STATUS));
	assert_int_equal(cli.filter.status, 4);
	assert_int_equal(cli.filter.status_mask, 4);
	ct_cli_free(&cli);

	parse_ok("-L -u !ASSURED,UNREPLIED", &cli);
	assert_int_equal(cli.filter.status, 0);
	assert_int_equal(cli.filter.status_mask, 4 | 2);
	ct_cli_free(&cli);

	parse_ok("-D -u se", &cli);	/* prefix: SEEN_REPLY; userspace check only */
	assert_int_equal(cli.filter.status, 2);
	assert_int_equal(cli.filter.status_mask, 2);
	ct_cli_free(&cli);

	parse_ok("-L -m 0x10/0xf0", &cli);
	assert_true(has(&cli, CTK_F_MARK));
	assert_int_equal(cli.filter.mark, 0x10);
	assert_int_equal(cli.filter.mark_mask, 0xf0);
	assert_int_equal(cli.mark_mask, 0xf0);
	ct_cli_free(&cli);

	/* deliberate fix: -u no longer overwrites the mark */
	parse_ok("-U -s 1.1.1.1 -m 20 -u SEEN_REPLY,ASSURED", &cli);
	assert_int_equal(cli.filter.mark, 20);
	assert_int_equal(cli.tmpl.mark, 20);
	assert_int_equal(cli.tmpl.status, 6);
	ct_cli_free(&cli);
}

static void test_nat(void **state)
{
	struct ct_cli cli;

	(void)state;
	parse_ok("-L -n 1.2.3.4:80", &cli);
	assert_true(has(&cli, CTK_F_SNAT));
	assert_true(cli.filter.snat.has_ip);
	assert_true(cli.filter.snat.has_port);
	assert_int_equal(cli.filter.snat.port, 80);
	assert_int_equal(cli.filter.snat.ip.v4.s_addr, htonl(0x01020304));
	ct_cli_free(&cli);

	parse_ok("-L -j", &cli);
	assert_true(has(&cli, CTK_F_ANYNAT));
	assert_false(cli.filter.anynat.has_ip);
	ct_cli_free(&cli);

	parse_ok("-L -g [2001:db8::1]:53", &cli);
	assert_true(has(&cli, CTK_F_DNAT));
	assert_false(cli.filter.dnat.has_ip);	/* the reference compares IPv4 only */
	assert_true(cli.filter.dnat.has_port);
	assert_int_equal(cli.family, AF_INET6);
	ct_cli_free(&cli);

	/* deliberate fix: attached forms keep their value */
	parse_ok("-L --src-nat=9.9.9.9", &cli);
	assert_true(cli.filter.snat.has_ip);
	ct_cli_free(&cli);
	parse_ok("-L -g9.9.9.9:7", &cli);
	assert_true(cli.filter.dnat.has_ip);
	assert_int_equal(cli.filter.dnat.port, 7);
	ct_cli_free(&cli);
}

static void test_create_template(void **state)
{
	struct ct_cli cli;
	const struct ctk_entry *t;

	(void)state;
	parse_ok("-I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 10 --state TIME_WAIT "
		 "-m 7 -u ASSURED -w 3 --src-nat 9.9.9.9:99", &cli);
	t = &cli.tmpl;
	assert_int_equal(cli.cmd, CT_CMD_CREATE);
	assert_int_equal(cli.family, AF_INET);
	assert_true(ctk_entry_has(t, CTK_ATTR_ORIG));
	assert_false(ctk_entry_has(t, CTK_ATTR_REPLY));
	assert_int_equal(t->orig.l3num, AF_INET);
	assert_int_equal(t->orig.l4num, 6);
	assert_int_equal(t->orig.sport, 1);
	assert_int_equal(t->orig.dport, 2);
	assert_true(ctk_entry_has(t, CTK_ATTR_TIMEOUT));
	assert_int_equal(t->timeout, 10);
	assert_true(ctk_entry_has(t, CTK_ATTR_TCP_STATE));
	assert_int_equal(t->tcp.state, 7);
	/* BE_LIBERAL | SACK_PERM | CLOSE_INIT (state >= TIME_WAIT), both ways */
	assert_true(ctk_entry_has(t, CTK_ATTR_TCP_FLAGS_ORIG));
	assert_int_equal(t->tcp.flags[0], 0x0e);
	assert_int_equal(t->tcp.flags_mask[1], 0x0e);
	assert_true(ctk_entry_has(t, CTK_ATTR_MARK));
	assert_int_equal(t->mark, 7);
	assert_int_equal(t->status, 4);
	assert_int_equal(t->zone, 3);
	assert_true(ctk_entry_has(t, CTK_ATTR_NAT_SRC));
	assert_int_equal(t->nat_src.min_ip.v4.s_addr, htonl(0x09090909));
	assert_true(t->nat_src.has_port);
	assert_int_equal(t->nat_src.min_port, 99);
	ct_cli_free(&cli);

	parse_ok("-I -p sctp -r 1.1.1.1 -q 2.2.2.2 --reply-port-src 1 --reply-port-dst 2 -t 5 "
		 "--state ESTABLISHED --orig-vtag 10 --reply-vtag 11", &cli);
	t = &cli.tmpl;
	assert_false(ctk_entry_has(t, CTK_ATTR_ORIG) && t->orig.sport);
	assert_true(ctk_entry_has(t, CTK_ATTR_REPLY));
	assert_int_equal(t->reply.sport, 1);
	assert_int_equal(t->sctp.state, 4);
	assert_int_equal(t->sctp.vtag[0], 10);
	assert_int_equal(t->sctp.vtag[1], 11);
	assert_false(ctk_entry_has(t, CTK_ATTR_TCP_FLAGS_ORIG));
	ct_cli_free(&cli);
}

static void test_expect(void **state)
{
	struct ct_cli cli;

	(void)state;
	parse_ok("-I expect -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5 "
		 "--tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 "
		 "--mask-dst 255.255.255.0 --tuple-port-src 0 --tuple-port-dst 69 --mask-port-src 0 "
		 "--mask-port-dst 65535", &cli);
	assert_int_equal(cli.cmd, CT_CMD_CREATE);
	assert_int_equal(cli.table, CT_TABLE_EXPECT);
	assert_int_equal(cli.exp_tuple.src.v4.s_addr, htonl(0x03030303));
	assert_int_equal(cli.exp_tuple.dport, 69);
	assert_int_equal(cli.exp_tuple.l4num, 17);
	assert_int_equal(cli.exp_mask.dst.v4.s_addr, htonl(0xffffff00));
	assert_int_equal(cli.exp_mask.dport, 65535);
	assert_int_equal(cli.tmpl.timeout, 5);
	ct_cli_free(&cli);
}

static void test_misc(void **state)
{
	struct ct_cli cli;
	struct ct_error err;

	(void)state;
	parse_ok("conntrack -L dying", &cli);	/* stray words are ignored */
	assert_int_equal(cli.table, CT_TABLE_DYING);
	assert_int_equal(cli.family, AF_UNSPEC);
	ct_cli_free(&cli);

	parse_ok("-E -e NEW,de -o xml,id,ti -b 1000", &cli);
	assert_int_equal(cli.event_mask, CT_EVENT_NEW | CT_EVENT_DESTROY);
	assert_int_equal(cli.fmt.kind, CTK_FMT_XML);
	assert_int_equal(cli.fmt.flags, CTK_FMT_F_ID | CTK_FMT_F_TIMESTAMP);
	assert_true(cli.output_timestamp);
	assert_int_equal(cli.buffer_size, 1000);
	ct_cli_free(&cli);

	parse_ok("-E", &cli);
	assert_int_equal(cli.event_mask, CT_EVENT_ALL);
	ct_cli_free(&cli);

	parse_ok("-h -p dccp", &cli);
	assert_int_equal(cli.cmd, CT_CMD_HELP);
	assert_true(cli.help_proto);
	assert_int_equal(cli.l4proto, 33);
	ct_cli_free(&cli);

	parse_ok("", &cli);
	assert_int_equal(cli.cmd, CT_CMD_NONE);
	ct_cli_free(&cli);

	/* warnings are kept on success */
	parse_ok("-L -u SRC_NAT,ASSURED -a x", &cli);
	ct_cli_free(&cli);
	assert_int_equal(parse("-L -u S -a x", &cli, &err), 0);
	assert_string_equal(err.warnings, "WARNING: ignoring SRC_NAT, use --src-nat instead\n"
			    "WARNING: ignoring -a, deprecated option.\n");
	ct_cli_free(&cli);
}

static void expect_error(const char *line, int code, const char *msg)
{
	struct ct_cli cli;
	struct ct_error err;

	assert_int_equal(parse(line, &cli, &err), -1);
	assert_int_equal(err.exit_code, code);
	assert_string_equal(err.msg, msg);
	ct_cli_free(&cli);
}

/* Deliberate fixes of reference crashes. */
static void test_fixed_crashes(void **state)
{
	struct ct_cli cli;

	(void)state;
	expect_error("-D --id", 2, "option `--id' requires an argument");
	parse_ok("-D --id 5", &cli);
	assert_true(has(&cli, CTK_F_ID));
	assert_int_equal(cli.filter.id, 5);
	ct_cli_free(&cli);
	parse_ok("-D --id=0x10", &cli);
	assert_int_equal(cli.filter.id, 16);
	ct_cli_free(&cli);
	expect_error("-L -p sctp --state FOO", 2, "unknown SCTP state `FOO'");
}

/* ---- -R ------------------------------------------------------------------------------ */

static int load(const char *text, struct ct_batch *b, struct ct_error *err)
{
	return ct_load_buffer(text, strlen(text), b, err);
}

static void test_loadfile(void **state)
{
	struct ct_batch b;
	struct ct_error err;

	(void)state;
	assert_int_equal(load("# comment\n\n  \t-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 "
			      "--dport 2 -t 5 -m 7\n"
			      "-U -s \"1.1.1.1\" -m 9\n\t# again\n-F\n-D -u \"ASSURED,SEEN_REPLY\"",
			      &b, &err), 0);
	assert_int_equal(b.count, 4);
	assert_int_equal(b.cmds[0].cmd, CT_CMD_CREATE);
	/* each line keeps its own settings (the reference used the last line's) */
	assert_int_equal(b.cmds[0].tmpl.mark, 7);
	assert_int_equal(b.cmds[1].cmd, CT_CMD_UPDATE);
	assert_int_equal(b.cmds[1].filter.mark, 9);
	assert_int_equal(b.cmds[2].cmd, CT_CMD_FLUSH);
	assert_int_equal(b.cmds[3].filter.status, 6);
	ct_batch_free(&b);
}

static void expect_load_error(const char *text, const char *msg)
{
	struct ct_batch b;
	struct ct_error err;

	assert_int_equal(load(text, &b, &err), -1);
	assert_int_equal(err.exit_code, 2);
	assert_true(err.try_help);
	assert_string_equal(err.msg, msg);
}

static void test_loadfile_errors(void **state)
{
	char big[2048];

	(void)state;
	expect_load_error("-L\n", "Cannot use command `-L' with --load-file");
	expect_load_error("-F\n-I expect -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5 "
			  "--tuple-src 1.1.1.1 --tuple-dst 2.2.2.2 --mask-src 1.1.1.1 "
			  "--mask-dst 1.1.1.1 --mask-port-src 1 --mask-port-dst 1 --tuple-port-src 1 "
			  "--tuple-port-dst 1\n", "Cannot use command `-C expect' with --load-file");
	expect_load_error("foo\n", "Cannot use command `unknown' with --load-file");
	/* parse errors of any line come before command checks */
	expect_load_error("-L\n-D -x\n", "unknown option `-x'");
	expect_load_error("-D -s \"1.1.1.1/8 x\"\n", "Invalid netmask");
	snprintf(big, sizeof(big), "-D %01100d\n", 0);
	expect_load_error(big, "Parameter too long!");
	memset(big, 0, sizeof(big));
	strcpy(big, "-D");
	for (int i = 0; i < 253; i++)
		strcat(big, " x");
	expect_load_error(big, "too many arguments");
}

static void test_loadfile_quotes(void **state)
{
	(void)state;
	/* "" is an empty word, and an empty table word selects expect */
	expect_load_error("-D \"\" -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 "
			  "--reply-port-src 2 --reply-port-dst 1\n",
			  "Cannot use command `-D expect' with --load-file");
	/* a backslash escapes inside quotes only; a closing quote ends a word */
	expect_load_error("-D -s \"1.1\\.1.1\"-x\n", "unknown option `-x'");
	expect_load_error("-D -s 1.1\\.1.1\n", "Invalid IP address `1.1\\.1.1'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_loadfile),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_proto_filter),
		cmocka_unit_test(test_comparison_gate),
		cmocka_unit_test(test_status_mark),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_create_template),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_fixed_crashes),
		cmocka_unit_test(test_loadfile),
		cmocka_unit_test(test_loadfile_errors),
		cmocka_unit_test(test_loadfile_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
