// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd's command line: one case per line, the request code each
 * command line sends (the reference's numbers) or the error it gets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "options.h"
#include "request.h"

struct opt_case {
	const char *argv[6];
	enum ctd_run run;
	int request;		/* with CTD_RUN_REQUEST */
	enum ctd_opt_error error;
	const char *msg;	/* with an error */
};

static const struct opt_case cases[] = {
	{{NULL}, CTD_RUN_CONSOLE, -1, CTD_OPT_OK, NULL},
	{{"-d"}, CTD_RUN_DAEMON, -1, CTD_OPT_OK, NULL},
	{{"-c"}, CTD_RUN_REQUEST, CTD_REQ_ALL_COMMIT, CTD_OPT_OK, NULL},
	{{"-c", "ct"}, CTD_RUN_REQUEST, CTD_REQ_CT_COMMIT, CTD_OPT_OK, NULL},
	{{"-c", "e"}, CTD_RUN_REQUEST, CTD_REQ_EXP_COMMIT, CTD_OPT_OK, NULL},
	{{"-c", "bogus"}, CTD_RUN_REQUEST, CTD_REQ_ALL_COMMIT, CTD_OPT_UNKNOWN, "Unknown option: bogus"},
	{{"-i"}, CTD_RUN_REQUEST, CTD_REQ_CT_DUMP_INTERNAL, CTD_OPT_OK, NULL},
	{{"-i", "expect", "-x"}, CTD_RUN_REQUEST, CTD_REQ_EXP_DUMP_INT_XML, CTD_OPT_OK, NULL},
	{{"-e", "-x"}, CTD_RUN_REQUEST, CTD_REQ_CT_DUMP_EXT_XML, CTD_OPT_OK, NULL},
	{{"-x"}, CTD_RUN_CONSOLE, -1, CTD_OPT_CONFLICT, "Invalid parameters"},
	{{"-f"}, CTD_RUN_REQUEST, CTD_REQ_ALL_FLUSH_CACHE, CTD_OPT_OK, NULL},
	{{"-f", "int"}, CTD_RUN_REQUEST, CTD_REQ_CT_FLUSH_INT_CACHE, CTD_OPT_OK, NULL},
	{{"-f", "external"}, CTD_RUN_REQUEST, CTD_REQ_CT_FLUSH_EXT_CACHE, CTD_OPT_OK, NULL},
	{{"-f", "nope"}, CTD_RUN_REQUEST, 0, CTD_OPT_BAD_PARAM,
	 "ERROR: unknown parameter `nope' for option `-f'"},
	{{"-F"}, CTD_RUN_REQUEST, CTD_REQ_ALL_FLUSH_MASTER, CTD_OPT_OK, NULL},
	{{"-F", "ct"}, CTD_RUN_REQUEST, CTD_REQ_CT_FLUSH_MASTER, CTD_OPT_OK, NULL},
	{{"-R", "expect"}, CTD_RUN_REQUEST, CTD_REQ_EXP_RESYNC_MASTER, CTD_OPT_OK, NULL},
	{{"-s"}, CTD_RUN_REQUEST, CTD_REQ_STATS, CTD_OPT_OK, NULL},
	{{"-s", "net"}, CTD_RUN_REQUEST, CTD_REQ_STATS_NETWORK, CTD_OPT_OK, NULL},
	{{"-s", "multicast"}, CTD_RUN_REQUEST, CTD_REQ_STATS_LINK, CTD_OPT_OK, NULL},
	{{"-s", "rsqueue"}, CTD_RUN_REQUEST, CTD_REQ_STATS_RSQUEUE, CTD_OPT_OK, NULL},
	{{"-s", "metrics"}, CTD_RUN_REQUEST, CTD_REQ_STATS_METRICS, CTD_OPT_OK, NULL},
	{{"-s", "what"}, CTD_RUN_REQUEST, 0, CTD_OPT_BAD_PARAM,
	 "ERROR: unknown parameter `what' for option `-s'"},
	{{"-k"}, CTD_RUN_REQUEST, CTD_REQ_KILL, CTD_OPT_OK, NULL},
	{{"-n"}, CTD_RUN_REQUEST, CTD_REQ_REQUEST_DUMP, CTD_OPT_OK, NULL},
	{{"-B"}, CTD_RUN_REQUEST, CTD_REQ_SEND_BULK, CTD_OPT_OK, NULL},
	{{"-t"}, CTD_RUN_REQUEST, CTD_REQ_RESET_TIMERS, CTD_OPT_OK, NULL},
	{{"-d", "-c"}, CTD_RUN_DAEMON, -1, CTD_OPT_CONFLICT, "Invalid parameters"},
	{{"-Z"}, CTD_RUN_CONSOLE, -1, CTD_OPT_UNKNOWN, "Unknown option: -Z"},
	{{"-C"}, CTD_RUN_CONSOLE, -1, CTD_OPT_NO_CONFIG, "Missing config filename"},
	{{"-v", "-Z"}, CTD_RUN_VERSION, -1, CTD_OPT_OK, NULL},
	{{"-h"}, CTD_RUN_HELP, -1, CTD_OPT_OK, NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct opt_case *c = &cases[i];
		char *argv[8] = {"conntrackd"};
		struct ctd_opt_result res;
		struct ctd_options o;
		int argc = 1, ret;

		for (int j = 0; c->argv[j]; j++)
			argv[argc++] = (char *)c->argv[j];
		ret = ctd_options_parse(&o, argc, argv, &res);
		if (c->error) {
			assert_int_equal(ret, -1);
			assert_int_equal(res.error, c->error);
			assert_string_equal(res.msg, c->msg);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_int_equal(o.run, c->run);
		if (c->run == CTD_RUN_REQUEST)
			assert_int_equal(o.request, c->request);
	}
}

static void test_config_path(void **state)
{
	char *argv[] = {"conntrackd", "-C", "/tmp/x.conf", "-s", "cache"};
	struct ctd_opt_result res;
	struct ctd_options o;

	(void)state;
	assert_int_equal(ctd_options_parse(&o, 5, argv, &res), 0);
	assert_string_equal(o.config, "/tmp/x.conf");
	assert_int_equal(o.request, CTD_REQ_STATS_CACHE);
	argv[2] = "-s";
	assert_int_equal(ctd_options_parse(&o, 2, argv, &res), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_config_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
