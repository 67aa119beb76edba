// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --timeout-policy: nfct timeout states mapped to the engine's knobs,
 * policy-file lines parsed, and policies applied in file order
 * (lib/engine/policy.c; the file reader of tools/conntrack/pcap_policy.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <ctkit/engine_policy.h>
#include <ctkit/timeout.h>

#include "cli.h"
#include "pcap_policy.h"

static uint64_t knob(const struct ctk_engine_config *cfg, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(ctk_engine_config_get(cfg, name, &v), 0);
	return v;
}

/* Every state nfct accepts has a knob the engine knows, or a reason why not. */
static void test_every_state_mapped(void **state)
{
	const struct ctk_timeout_proto *p;
	struct ctk_engine_config cfg;
	unsigned int mapped = 0;

	(void)state;
	ctk_engine_config_init(&cfg);
	for (unsigned int i = 0; (p = ctk_timeout_proto_at(i)); i++) {
		for (unsigned int s = 0; s < p->nstates; s++) {
			const char *why = NULL, *k = ctk_engine_policy_knob(p->l4proto, s, &why);
			uint64_t v;

			if (!k) {
				assert_non_null(why);
				assert_true(p->l4proto == IPPROTO_DCCP ||
					    strcmp(p->states[s], "SYN_SENT2") == 0);
				continue;
			}
			assert_int_equal(ctk_engine_config_get(&cfg, k, &v), 0);
			mapped++;
		}
	}
	/* tcp 10 (not SYN_SENT2), udp 2, udplite 2, icmp, icmpv6, sctp 7, gre 2, generic. */
	assert_int_equal(mapped, 10 + 2 + 2 + 1 + 1 + 7 + 2 + 1);
}

static void test_known_knobs(void **state)
{
	(void)state;
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_TCP, 2, NULL), "nf_conntrack_tcp_timeout_established");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_TCP, 9, NULL), "nf_conntrack_tcp_timeout_max_retrans");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_UDP, 0, NULL), "nf_conntrack_udp_timeout");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_UDPLITE, 1, NULL), "nf_conntrack_udp_timeout_stream");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_GRE, 1, NULL), "nf_conntrack_gre_timeout_stream");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_ICMPV6, 0, NULL), "nf_conntrack_icmpv6_timeout");
	assert_string_equal(ctk_engine_policy_knob(CTK_TIMEOUT_GENERIC, 0, NULL), "nf_conntrack_generic_timeout");
	assert_string_equal(ctk_engine_policy_knob(IPPROTO_SCTP, 6, NULL),
			    "nf_conntrack_sctp_timeout_shutdown_ack_sent");
	assert_null(ctk_engine_policy_knob(IPPROTO_UDP, 2, NULL));
	assert_null(ctk_engine_policy_knob(IPPROTO_DCCP, 0, NULL));
}

static int line(const char *text, struct ctk_timeout *t, char *msg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", text);
	msg[0] = '\0';
	return ctk_engine_policy_parse(buf, t, msg);
}

static void test_lines(void **state)
{
	char msg[CTK_ENGINE_POLICY_MSG_MAX];
	struct ctk_timeout t;
	uint32_t secs;

	(void)state;
	assert_int_equal(line("add short inet udp unreplied 5 replied 7\n", &t, msg), 1);
	assert_string_equal(t.name, "short");
	assert_int_equal(t.l4proto, IPPROTO_UDP);
	assert_true(ctk_timeout_get_secs(&t, 1, &secs));
	assert_int_equal(secs, 7);
	assert_int_equal(line("nfct timeout add x inet6 tcp ESTABLISHED 60", &t, msg), 1);
	assert_int_equal(t.l3proto, AF_INET6);
	assert_int_equal(line("default-set inet icmp timeout 9 # trailing", &t, msg), 1);
	assert_int_equal(line("   # a comment", &t, msg), 0);
	assert_int_equal(line("\r\n", &t, msg), 0);
	assert_int_equal(line("add x inet udp bogus 3", &t, msg), -EINVAL);
	assert_non_null(strstr(msg, "unknown state `bogus'"));
	assert_int_equal(line("add x inet udp replied", &t, msg), -EINVAL);
	assert_non_null(strstr(msg, "without a timeout"));
	assert_int_equal(line("add x inet udp replied -1", &t, msg), -EINVAL);
	assert_int_equal(line("add x inet nosuchproto", &t, msg), -EINVAL);
	assert_int_equal(line("delete x", &t, msg), -EINVAL);
	assert_int_equal(line("nfct helper add x", &t, msg), -EINVAL);
	assert_int_equal(line("add", &t, msg), -EINVAL);
}

static void test_apply(void **state)
{
	char msg[CTK_ENGINE_POLICY_MSG_MAX], warn[CTK_ENGINE_POLICY_MSG_MAX];
	struct ctk_engine_config cfg;
	struct ctk_timeout t;

	(void)state;
	ctk_engine_config_init(&cfg);
	assert_int_equal(line("add a inet tcp established 100 syn_sent2 5 close 3", &t, msg), 1);
	assert_int_equal(ctk_engine_policy_apply(&cfg, &t, msg, warn), 0);
	assert_non_null(strstr(warn, "SYN_SENT2"));
	assert_int_equal(knob(&cfg, "nf_conntrack_tcp_timeout_established"), 100);
	assert_int_equal(knob(&cfg, "nf_conntrack_tcp_timeout_close"), 3);
	assert_int_equal(knob(&cfg, "nf_conntrack_tcp_timeout_syn_sent"), 120);
	assert_int_equal(line("add b inet6 sctp established 11", &t, msg), 1);
	assert_int_equal(ctk_engine_policy_apply(&cfg, &t, msg, warn), 0);
	assert_string_equal(warn, "");
	assert_int_equal(knob(&cfg, "nf_conntrack_sctp_timeout_established"), 11);
	assert_int_equal(line("add c inet dccp open 5", &t, msg), 1);
	assert_int_equal(ctk_engine_policy_apply(&cfg, &t, msg, warn), -EPROTONOSUPPORT);
	assert_non_null(strstr(msg, "not supported by the engine"));
	assert_int_equal(line("add d inet udp replied 3000000000", &t, msg), 1);
	assert_int_equal(ctk_engine_policy_apply(&cfg, &t, msg, warn), -ERANGE);
	assert_non_null(strstr(msg, "out of range"));
}

static void test_load_later_wins(void **state)
{
	static char text[] = "# policies\n"
			     "add a inet udp unreplied 5 replied 7\n"
			     "\n"
			     "add b inet6 udp replied 9\n"
			     "nfct timeout add g inet gre unreplied 4\n";
	struct ctk_engine_config cfg;
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	ctk_engine_config_init(&cfg);
	assert_int_equal(ct_policy_load(f, "mem", &cfg), 0);
	fclose(f);
	assert_int_equal(knob(&cfg, "nf_conntrack_udp_timeout"), 5);
	assert_int_equal(knob(&cfg, "nf_conntrack_udp_timeout_stream"), 9);
	assert_int_equal(knob(&cfg, "nf_conntrack_gre_timeout"), 4);
	assert_int_equal(knob(&cfg, "nf_conntrack_gre_timeout_stream"), 180);
}

static void test_load_stops_at_bad_line(void **state)
{
	static char text[] = "add a inet udp unreplied 5\n"
			     "add b inet udp nope 1\n"
			     "add c inet udp unreplied 8\n";
	struct ctk_engine_config cfg;
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	ctk_engine_config_init(&cfg);
	assert_int_equal(ct_policy_load(f, "mem", &cfg), -1);
	fclose(f);
	assert_int_equal(knob(&cfg, "nf_conntrack_udp_timeout"), 5);
}

static int parse(struct ct_cli *cli, struct ct_error *err, char **words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	return ct_parse_args(argc, words, cli, err);
}

static void test_option(void **state)
{
	char *with[] = { "conntrack", "--pcap", "x.pcap", "--timeout-policy", "p.txt", "-L", NULL };
	char *without[] = { "conntrack", "-L", "--timeout-policy", "p.txt", NULL };
	struct ct_cli cli;
	struct ct_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, with), 0);
	assert_string_equal(cli.timeout_policy, "p.txt");
	ct_cli_free(&cli);
	assert_int_not_equal(parse(&cli, &err, without), 0);
	assert_int_equal(err.exit_code, 2);
	assert_non_null(strstr(err.msg, "--timeout-policy' without `--pcap'"));
	ct_cli_free(&cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_mapped),
		cmocka_unit_test(test_known_knobs),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_load_later_wins),
		cmocka_unit_test(test_load_stops_at_bad_line),
		cmocka_unit_test(test_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
