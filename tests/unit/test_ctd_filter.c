// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd's Filter section as a predicate: protocols, addresses (exact
 * and by prefix, the original source or the reply source), TCP states,
 * Accept and Ignore. One case per line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "filter.h"

static void entry(struct ctk_entry *e, const char *src, const char *dst, uint8_t proto, int state)
{
	int family = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(e, 0, sizeof(*e));
	e->orig.l3num = (uint8_t)family;
	e->orig.l4num = proto;
	inet_pton(family, src, &e->orig.src);
	inet_pton(family, dst, &e->orig.dst);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_tuple_invert(&e->reply, &e->orig);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	if (state >= 0) {
		e->tcp.state = (uint8_t)state;
		ctk_entry_set(e, CTK_ATTR_TCP_STATE);
	}
}

static void add_addr(struct ctd_filter_conf *f, const char *a, unsigned int prefix)
{
	struct ctd_filter_addr *x = &f->addrs[f->n_addrs++];

	x->family = strchr(a, ':') ? AF_INET6 : AF_INET;
	inet_pton(x->family, a, &x->addr);
	x->prefix = prefix;
}

struct filter_case {
	const char *src, *dst;
	uint8_t proto;
	int state;
	bool pass;
};

static void run(const struct ctd_filter_conf *f, const struct filter_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ctk_entry e;

		entry(&e, cases[i].src, cases[i].dst, cases[i].proto, cases[i].state);
		if (ctd_filter_pass(f, &e) != cases[i].pass)
			fail_msg("case %zu: %s -> %s", i, cases[i].src, cases[i].dst);
	}
}

static void test_no_filter(void **state)
{
	static struct ctd_filter_conf f;
	const struct filter_case cases[] = {{"10.0.0.1", "10.0.0.2", 6, 3, true}};

	(void)state;
	run(&f, cases, 1);
}

static void test_address_ignore(void **state)
{
	static struct ctd_filter_conf f;
	const struct filter_case cases[] = {
		{"127.0.0.1", "127.0.0.1", 17, -1, false},
		{"192.168.77.5", "10.0.0.1", 6, 3, false},	/* prefix, as source */
		{"10.0.0.1", "192.168.77.9", 6, 3, false},	/* as the reply's source */
		{"10.0.0.1", "192.168.78.9", 6, 3, true},
		{"fd00::1", "fd00::2", 6, 3, false},
		{"fd01::1", "fd01::2", 6, 3, true},
	};

	(void)state;
	f.present = true;
	f.addr_policy = CTD_FILTER_IGNORE;
	add_addr(&f, "127.0.0.1", 32);
	add_addr(&f, "192.168.77.0", 24);
	add_addr(&f, "fd00::", 16);
	run(&f, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_address_accept_prefix_only(void **state)
{
	static struct ctd_filter_conf f;
	const struct filter_case cases[] = {
		{"10.1.2.3", "8.8.8.8", 17, -1, true},
		{"11.1.2.3", "8.8.8.8", 17, -1, false},
	};

	(void)state;
	f.present = true;
	f.addr_policy = CTD_FILTER_ACCEPT;
	add_addr(&f, "10.0.0.0", 8);
	run(&f, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_protocol_and_state(void **state)
{
	static struct ctd_filter_conf f;
	const struct filter_case cases[] = {
		{"10.0.0.1", "10.0.0.2", 6, 3, true},	/* ESTABLISHED */
		{"10.0.0.1", "10.0.0.2", 6, 1, false},	/* SYN_SENT */
		{"10.0.0.1", "10.0.0.2", 17, -1, true},	/* states are TCP's only */
		{"10.0.0.1", "10.0.0.2", 1, -1, false},	/* not an accepted protocol */
	};

	(void)state;
	f.present = true;
	f.proto_policy = CTD_FILTER_ACCEPT;
	f.protos[6] = f.protos[17] = 1;
	f.state_policy = CTD_FILTER_ACCEPT;
	f.tcp_states = 1u << 3;
	run(&f, cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter),
		cmocka_unit_test(test_address_ignore),
		cmocka_unit_test(test_address_accept_prefix_only),
		cmocka_unit_test(test_protocol_and_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
