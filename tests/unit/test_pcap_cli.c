// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --pcap: the options as the parser compiles them, and the
 * tuple shown for packets without an entry comes from the engine's
 * verdict (tests/unit/test_engine_api.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "run_pcap.h"

#define MAX_ARGS 80

static int parse(struct ct_cli *cli, struct ct_error *err, const char *const *words, int n)
{
	static char store[MAX_ARGS][64];
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	argv[argc++] = "conntrack";
	for (int i = 0; i < n && i < MAX_ARGS; i++) {
		snprintf(store[i], sizeof(store[i]), "%s", words[i]);
		argv[argc++] = store[i];
	}
	argv[argc] = NULL;
	return ct_parse_args(argc, argv, cli, err);
}

#define PARSE(cli, err, ...)                                                                      \
	parse(cli, err, (const char *const[]){__VA_ARGS__},                                        \
	      (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))

static void test_packets_alone_is_a_listing(void **state)
{
	struct ct_cli cli;
	struct ct_error err;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "--pcap", "x.pcap", "--packets", "-o", "json", "-p", "tcp"), 0);
	assert_int_equal(cli.cmd, CT_CMD_LIST);
	assert_true(cli.pcap_packets);
	assert_string_equal(cli.pcap_file, "x.pcap");
	assert_int_equal(cli.fmt.kind, CTK_FMT_JSON);
	ct_cli_free(&cli);
}

static void test_sysctl_repeatable(void **state)
{
	struct ct_cli cli;
	struct ct_error err;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "-E", "--pcap", "-", "--sysctl", "nf_conntrack_acct=1",
			       "--sysctl", "net.netfilter.nf_conntrack_tcp_loose=0"), 0);
	assert_int_equal(cli.cmd, CT_CMD_EVENT);
	assert_int_equal(cli.n_sysctl, 2);
	assert_string_equal(cli.sysctl[1], "net.netfilter.nf_conntrack_tcp_loose=0");
	ct_cli_free(&cli);
}

static void test_too_many_sysctls(void **state)
{
	const char *words[2 * CT_SYSCTL_MAX + 5];
	struct ct_cli cli;
	struct ct_error err;
	int n = 0;

	(void)state;
	words[n++] = "-C";
	words[n++] = "--pcap";
	words[n++] = "f";
	for (int i = 0; i <= CT_SYSCTL_MAX; i++) {
		words[n++] = "--sysctl";
		words[n++] = "nf_conntrack_acct=1";
	}
	assert_int_equal(parse(&cli, &err, words, n), -1);
	assert_int_equal(err.exit_code, 2);
	assert_non_null(strstr(err.msg, "--sysctl"));
	ct_cli_free(&cli);
}

static void expect_illegal(const char *const *words, int n, const char *what)
{
	struct ct_cli cli;
	struct ct_error err;

	assert_int_equal(parse(&cli, &err, words, n), -1);
	assert_int_equal(err.exit_code, 2);
	assert_true(err.try_help);
	assert_non_null(strstr(err.msg, what));
	ct_cli_free(&cli);
}

static void test_illegal_combinations(void **state)
{
	(void)state;
	expect_illegal((const char *const[]){"-D", "--pcap", "f"}, 3, "`--pcap' with this command");
	expect_illegal((const char *const[]){"-F", "expect", "--pcap", "f"}, 4, "`--pcap'");
	expect_illegal((const char *const[]){"-L", "expect", "--pcap", "f", "--packets"}, 5,
		       "`--packets'");
	expect_illegal((const char *const[]){"-L", "--ruleset", "r"}, 3, "without `--pcap'");
	expect_illegal((const char *const[]){"-L", "--trace", "1"}, 3, "without `--pcap'");
	expect_illegal((const char *const[]){"-C", "--pcap", "f", "--packets"}, 4, "`--packets'");
	expect_illegal((const char *const[]){"-L", "--packets"}, 2, "without `--pcap'");
	expect_illegal((const char *const[]){"-L", "--sysctl", "a=1"}, 3, "without `--pcap'");
	expect_illegal((const char *const[]){"-L", "--capture", "eth0", "--pcap", "f"}, 5,
		       "`--capture' with `--pcap'");
	expect_illegal((const char *const[]){"-L", "--capture-filter", "tcp"}, 3,
		       "`--capture-filter' without `--capture'");
	expect_illegal((const char *const[]){"-D", "--capture", "eth0"}, 3,
		       "`--capture' with this command");
	expect_illegal((const char *const[]){"-E", "--capture", "eth0", "--packets"}, 4, "`--packets'");
}

/* --capture takes --pcap's commands and options; the source is the interface. */
static void test_capture_options(void **state)
{
	struct ct_cli cli;
	struct ct_error err;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "--capture", "any", "--capture-filter", "udp port 53",
			       "--packets", "--sysctl", "nf_conntrack_checksum=0", "-p", "udp"), 0);
	assert_int_equal(cli.cmd, CT_CMD_LIST);
	assert_true(cli.pcap_packets);
	assert_null(cli.pcap_file);
	assert_string_equal(cli.capture_iface, "any");
	assert_string_equal(cli.capture_filter, "udp port 53");
	ct_cli_free(&cli);
	for (const char *cmd = "LGCSE"; *cmd; cmd++) {
		char opt[3] = { '-', *cmd, '\0' };
		int ret = *cmd == 'G' ? PARSE(&cli, &err, opt, "--capture", "eth0", "-p", "udp", "-s",
					      "1.1.1.1", "-d", "2.2.2.2", "--sport", "1", "--dport", "2")
				      : PARSE(&cli, &err, opt, "--capture", "eth0");

		assert_int_equal(ret, 0);
		assert_string_equal(cli.capture_iface, "eth0");
		ct_cli_free(&cli);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets_alone_is_a_listing),
		cmocka_unit_test(test_sysctl_repeatable),
		cmocka_unit_test(test_too_many_sysctls),
		cmocka_unit_test(test_illegal_combinations),
		cmocka_unit_test(test_capture_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
