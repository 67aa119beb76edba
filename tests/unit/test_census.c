// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The census (ctkit/census.h): counts by class through NEW, UPDATE and
 * DESTROY, the overlaps of a dump with events, and a long random churn
 * checked against a plain array model (deletion must keep every probe run
 * reachable).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <ctkit/census.h>
#include <ctkit/names.h>

static struct ctk_entry tcp(uint32_t n, int state)
{
	struct ctk_entry e;

	memset(&e, 0, sizeof(e));
	ctk_entry_clear(&e);
	e.orig.l3num = AF_INET;
	e.orig.l4num = IPPROTO_TCP;
	e.orig.src.word[0] = htonl(0x0a000000 | n);
	e.orig.dst.word[0] = htonl(0xc0a80001);
	e.orig.sport = htons(1000);
	e.orig.dport = htons(80);
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	if (state >= 0) {
		e.tcp.state = (uint8_t)state;
		ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	}
	return e;
}

static struct ctk_entry udp6(uint32_t n)
{
	struct ctk_entry e;

	memset(&e, 0, sizeof(e));
	ctk_entry_clear(&e);
	e.orig.l3num = AF_INET6;
	e.orig.l4num = IPPROTO_UDP;
	inet_pton(AF_INET6, "fd00::1", &e.orig.src);
	e.orig.src.word[3] = htonl(n);
	e.orig.sport = htons(53);
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	return e;
}

/* "family/proto/STATE=N ..." of every class, for one-line expectations. */
static const char *classes(const struct ctk_census *c)
{
	static char buf[1024];
	struct ctk_census_class v[32];
	size_t n = ctk_census_classes(c, v, 32), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 32; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d/%d/%s=%llu", i ? " " : "",
					v[i].family, v[i].l4proto, v[i].state,
					(unsigned long long)v[i].entries);
	return buf;
}

static void apply(struct ctk_census *c, struct ctk_entry e, enum ctk_event ev)
{
	assert_int_equal(ctk_census_apply(c, &e, ev), 0);
}

static void test_counts_follow_events(void **state)
{
	struct ctk_census *c = ctk_census_new();

	(void)state;
	apply(c, tcp(1, TCP_CONNTRACK_SYN_SENT), CTK_EV_NEW);
	apply(c, tcp(2, TCP_CONNTRACK_SYN_SENT), CTK_EV_NEW);
	apply(c, udp6(1), CTK_EV_NEW);
	assert_string_equal(classes(c), "2/6/SYN_SENT=2 10/17/=1");
	apply(c, tcp(1, TCP_CONNTRACK_ESTABLISHED), CTK_EV_UPDATE);
	assert_string_equal(classes(c), "2/6/ESTABLISHED=1 2/6/SYN_SENT=1 10/17/=1");
	/* an update that does not say the state (a mark changed) keeps it */
	apply(c, tcp(1, -1), CTK_EV_UPDATE);
	/* a DESTROY carries no state: the census knows it */
	apply(c, tcp(2, -1), CTK_EV_DESTROY);
	assert_string_equal(classes(c), "2/6/ESTABLISHED=1 10/17/=1");
	assert_int_equal(ctk_census_total(c), 2);
	ctk_census_free(c);
}

static void test_dump_and_events_overlap(void **state)
{
	struct ctk_census *c = ctk_census_new();

	(void)state;
	apply(c, tcp(1, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	apply(c, tcp(1, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NEW);	/* queued before the dump */
	apply(c, tcp(9, -1), CTK_EV_DESTROY);				/* never known */
	apply(c, tcp(3, TCP_CONNTRACK_FIN_WAIT), CTK_EV_UPDATE);		/* born during the loss */
	assert_string_equal(classes(c), "2/6/ESTABLISHED=1 2/6/FIN_WAIT=1");
	ctk_census_clear(c);
	assert_int_equal(ctk_census_total(c), 0);
	assert_string_equal(classes(c), "");
	apply(c, tcp(1, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	assert_string_equal(classes(c), "2/6/ESTABLISHED=1");
	ctk_census_free(c);
}

static void test_bad_input(void **state)
{
	struct ctk_census *c = ctk_census_new();
	struct ctk_entry e;

	(void)state;
	memset(&e, 0, sizeof(e));
	ctk_entry_clear(&e);
	assert_int_equal(ctk_census_apply(c, &e, CTK_EV_NEW), -EINVAL);
	e = tcp(1, 200);	/* a state this build does not know */
	apply(c, e, CTK_EV_NEW);
	assert_string_equal(classes(c), "2/6/UNKNOWN=1");
	assert_int_equal(ctk_census_apply(c, &e, (enum ctk_event)42), -EINVAL);
	ctk_census_free(c);
	ctk_census_free(NULL);
}

static void test_recount_and_silent_entries(void **state)
{
	struct ctk_census *c = ctk_census_new();

	(void)state;
	/* a first dump: nothing says the kernel will tell of these */
	for (uint32_t n = 1; n <= 4; n++)
		apply(c, tcp(n, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	assert_int_equal(ctk_census_silent(c), 4);
	apply(c, tcp(1, -1), CTK_EV_UPDATE);		/* it did, for this one */
	apply(c, tcp(5, TCP_CONNTRACK_SYN_SENT), CTK_EV_NEW);
	assert_int_equal(ctk_census_silent(c), 3);
	/* 2 and 3 went away without a word; 5 is new: a recount finds out */
	ctk_census_recount_begin(c);
	apply(c, tcp(1, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	apply(c, tcp(4, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	apply(c, tcp(6, TCP_CONNTRACK_SYN_SENT), CTK_EV_NEW);	/* an event meanwhile */
	apply(c, tcp(5, TCP_CONNTRACK_ESTABLISHED), CTK_EV_NONE);
	assert_int_equal(ctk_census_recount_end(c), 2);
	assert_string_equal(classes(c), "2/6/ESTABLISHED=3 2/6/SYN_SENT=1");
	assert_int_equal(ctk_census_silent(c), 1);		/* 4 still */
	assert_int_equal(ctk_census_total(c), 4);
	ctk_census_free(c);
}

/* Many entries in and out at random, several growths, against an array of states. */
static void test_churn_matches_a_model(void **state)
{
	enum { N = 50000 };
	static signed char model[N]; /* -1: absent, else the TCP state */
	struct ctk_census *c = ctk_census_new();
	uint64_t counts[TCP_CONNTRACK_MAX] = { 0 };
	unsigned int seed = 7;
	size_t live = 0;

	(void)state;
	memset(model, -1, sizeof(model));
	for (int step = 0; step < 400000; step++) {
		uint32_t n = (uint32_t)rand_r(&seed) % N;
		int st = 1 + rand_r(&seed) % 8;

		if (model[n] < 0) {
			apply(c, tcp(n, st), CTK_EV_NEW);
			model[n] = (signed char)st;
			counts[st]++;
			live++;
		} else if (rand_r(&seed) % 2) {
			apply(c, tcp(n, st), CTK_EV_UPDATE);
			counts[model[n]]--;
			counts[st]++;
			model[n] = (signed char)st;
		} else {
			apply(c, tcp(n, -1), CTK_EV_DESTROY);
			counts[model[n]]--;
			model[n] = -1;
			live--;
		}
	}
	assert_int_equal(ctk_census_total(c), live);
	/* a recount that sees every live entry takes nothing out */
	ctk_census_recount_begin(c);
	for (uint32_t n = 0; n < N; n++)
		if (model[n] >= 0)
			apply(c, tcp(n, model[n]), CTK_EV_NONE);
	assert_int_equal(ctk_census_recount_end(c), 0);
	assert_int_equal(ctk_census_total(c), live);
	for (int st = 1; st <= 8; st++) {
		struct ctk_census_class v[16];
		size_t k = ctk_census_classes(c, v, 16);
		uint64_t got = 0;

		for (size_t i = 0; i < k; i++)
			if (!strcmp(v[i].state, ctk_tcp_state_name((uint8_t)st)))
				got = v[i].entries;
		assert_int_equal(got, counts[st]);
	}
	/* a recount that sees half of them takes the other half out */
	ctk_census_recount_begin(c);
	for (uint32_t n = 0; n < N; n += 2)
		if (model[n] >= 0)
			apply(c, tcp(n, model[n]), CTK_EV_NONE);
	size_t odd = 0;
	for (uint32_t n = 1; n < N; n += 2)
		if (model[n] >= 0) {
			odd++;
			model[n] = -1;
		}
	assert_int_equal(ctk_census_recount_end(c), odd);
	/* every live one is still found: destroying them all empties it */
	for (uint32_t n = 0; n < N; n++)
		if (model[n] >= 0)
			apply(c, tcp(n, -1), CTK_EV_DESTROY);
	assert_int_equal(ctk_census_total(c), 0);
	assert_string_equal(classes(c), "");
	ctk_census_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_follow_events),
		cmocka_unit_test(test_dump_and_events_overlap),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_recount_and_silent_entries),
		cmocka_unit_test(test_churn_matches_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
