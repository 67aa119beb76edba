// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The entry cache (ctkit/cache.h): keys are orig tuple and zone, whole
 * entries are kept and replaced, every key colliding still works, the
 * bucket array grows, mark and sweep finds what a resync missed, walks
 * survive deletion, the limit is an error, identity mode keeps only what
 * a synthetic DESTROY needs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <ctkit/cache.h>

#include "cache/cache_priv.h"

static void make(struct ctk_entry *e, uint32_t i, uint16_t zone)
{
	memset(e, 0, sizeof(*e));
	e->orig.l3num = AF_INET;
	e->orig.l4num = IPPROTO_UDP;
	e->orig.src.v4.s_addr = htonl(0x0a000000u + i);
	e->orig.dst.v4.s_addr = htonl(0x0b000001u);
	e->orig.sport = (uint16_t)(1024 + i % 50000);
	e->orig.dport = 53;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_tuple_invert(&e->reply, &e->orig);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->id = 1000 + i;
	ctk_entry_set(e, CTK_ATTR_ID);
	e->mark = i;
	ctk_entry_set(e, CTK_ATTR_MARK);
	if (zone) {
		e->zone = zone;
		ctk_entry_set(e, CTK_ATTR_ZONE);
	}
}

static void test_add_find_replace_del(void **state)
{
	struct ctk_cache *c = ctk_cache_new(NULL);
	const struct ctk_entry *got;
	struct ctk_entry e;

	(void)state;
	assert_non_null(c);
	make(&e, 1, 0);
	assert_int_equal(ctk_cache_add(c, &e), 1);
	e.mark = 77;
	assert_int_equal(ctk_cache_add(c, &e), 0);
	got = ctk_cache_find(c, &e);
	assert_non_null(got);
	assert_int_equal(got->mark, 77);
	assert_true(ctk_entry_has(got, CTK_ATTR_MARK));
	/* Non-key fields do not matter for lookups; the zone does. */
	e.mark = 1;
	e.id = 5;
	assert_non_null(ctk_cache_find(c, &e));
	make(&e, 1, 3);
	assert_null(ctk_cache_find(c, &e));
	assert_int_equal(ctk_cache_add(c, &e), 1);
	assert_int_equal(ctk_cache_count(c), 2);
	/* Zone 0 present and zone absent are the same key. */
	make(&e, 1, 0);
	e.zone = 0;
	ctk_entry_set(&e, CTK_ATTR_ZONE);
	assert_int_equal(ctk_cache_add(c, &e), 0);
	assert_int_equal(ctk_cache_del(c, &e), 0);
	assert_int_equal(ctk_cache_del(c, &e), -ENOENT);
	assert_int_equal(ctk_cache_count(c), 1);
	/* No orig tuple, no key. */
	ctk_entry_clear(&e);
	assert_int_equal(ctk_cache_add(c, &e), -EINVAL);
	assert_int_equal(ctk_cache_del(c, &e), -EINVAL);
	assert_null(ctk_cache_find(c, &e));
	ctk_cache_free(c);
}

/* Ports of a protocol without ports are not part of the key. */
static void test_key_ignores_unused_fields(void **state)
{
	struct ctk_cache *c = ctk_cache_new(NULL);
	struct ctk_entry e;

	(void)state;
	make(&e, 2, 0);
	e.orig.l4num = IPPROTO_ICMP;
	e.orig.icmp_type = 8;
	e.orig.icmp_id = 9;
	assert_int_equal(ctk_cache_add(c, &e), 1);
	e.orig.sport = 1;
	assert_non_null(ctk_cache_find(c, &e));
	e.orig.icmp_id = 10;
	assert_null(ctk_cache_find(c, &e));
	ctk_cache_free(c);
}

static uint32_t same_hash(const void *key, size_t len)
{
	(void)key;
	(void)len;
	return 42;
}

/* Every key in one chain: add, find, delete in the middle, the head and the tail. */
static void test_collisions(void **state)
{
	struct ctk_cache *c;
	struct ctk_entry e;
	const uint32_t n = 300;

	(void)state;
	ctkc_hash_hook = same_hash;
	c = ctk_cache_new(NULL);
	for (uint32_t i = 0; i < n; i++) {
		make(&e, i, 0);
		assert_int_equal(ctk_cache_add(c, &e), 1);
	}
	for (uint32_t i = 0; i < n; i += 7) {
		make(&e, i, 0);
		assert_int_equal(ctk_cache_del(c, &e), 0);
	}
	make(&e, n - 1, 0);
	ctk_cache_del(c, &e);
	for (uint32_t i = 0; i < n; i++) {
		const struct ctk_entry *got;

		make(&e, i, 0);
		got = ctk_cache_find(c, &e);
		if (i % 7 == 0 || i == n - 1) {
			assert_null(got);
		} else {
			assert_non_null(got);
			assert_int_equal(got->id, 1000 + i);
		}
	}
	ctkc_hash_hook = NULL;
	ctk_cache_free(c);
}

/* Start with 2 buckets: many doublings, every entry still found. */
static void test_resize(void **state)
{
	struct ctk_cache_opts o = {.buckets = 2};
	struct ctk_cache *c = ctk_cache_new(&o);
	struct ctk_entry e;
	const uint32_t n = 100000;

	(void)state;
	for (uint32_t i = 0; i < n; i++) {
		make(&e, i, (uint16_t)(i & 1));
		assert_int_equal(ctk_cache_add(c, &e), 1);
	}
	assert_int_equal(ctk_cache_count(c), n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ctk_entry *got;

		make(&e, i, (uint16_t)(i & 1));
		got = ctk_cache_find(c, &e);
		assert_non_null(got);
		assert_int_equal(got->mark, i);
	}
	ctk_cache_free(c);
}

struct swept {
	unsigned long count;
	uint64_t id_sum;
};

static int on_swept(const struct ctk_entry *e, void *data)
{
	struct swept *w = data;

	w->count++;
	w->id_sum += e->id;
	return CTK_CB_OK;
}

static void test_generation_sweep(void **state)
{
	struct ctk_cache *c = ctk_cache_new(NULL);
	struct swept w = {0};
	struct ctk_entry e;
	uint64_t expect = 0;
	unsigned long expect_n = 0;
	const uint32_t n = 5000;

	(void)state;
	for (uint32_t i = 0; i < n; i++) {
		make(&e, i, 0);
		ctk_cache_add(c, &e);
	}
	assert_int_equal(ctk_cache_next_generation(c), 2);
	/* A dump that sees every third entry. */
	for (uint32_t i = 0; i < n; i++) {
		make(&e, i, 0);
		if (i % 3 == 0) {
			assert_int_equal(ctk_cache_add(c, &e), 0);
		} else {
			expect += e.id;
			expect_n++;
		}
	}
	assert_int_equal(ctk_cache_sweep(c, on_swept, &w), (long)expect_n);
	assert_int_equal(w.count, expect_n);
	assert_int_equal(w.id_sum, expect);
	assert_int_equal(ctk_cache_count(c), n - expect_n);
	/* A sweep in the same generation removes nothing. */
	assert_int_equal(ctk_cache_sweep(c, NULL, NULL), 0);
	/* Freed slots are reused; the chains stay right. */
	for (uint32_t i = n; i < 2 * n; i++) {
		make(&e, i, 0);
		assert_int_equal(ctk_cache_add(c, &e), 1);
	}
	make(&e, 1, 0);
	assert_null(ctk_cache_find(c, &e));
	make(&e, 3, 0);
	assert_non_null(ctk_cache_find(c, &e));
	ctk_cache_free(c);
}

struct walk {
	struct ctk_cache *c;
	unsigned long seen;
};

/* Delete the entry shown and its neighbour by id. */
static int delete_while_walking(const struct ctk_entry *e, void *data)
{
	struct walk *w = data;
	struct ctk_entry k;
	uint32_t i = e->id - 1000;

	w->seen++;
	make(&k, i ^ 1, 0);
	ctk_cache_del(w->c, &k);
	make(&k, i, 0);
	assert_int_equal(ctk_cache_del(w->c, &k), 0);
	return CTK_CB_OK;
}

static int stop_at_first(const struct ctk_entry *e, void *data)
{
	(void)e;
	++*(unsigned long *)data;
	return CTK_CB_STOP;
}

static int fail_cb(const struct ctk_entry *e, void *data)
{
	(void)e;
	(void)data;
	return CTK_CB_ERROR;
}

static void test_foreach_with_deletion(void **state)
{
	struct ctk_cache *c = ctk_cache_new(NULL);
	struct walk w = {.c = c};
	unsigned long one = 0;
	struct ctk_entry e;

	(void)state;
	for (uint32_t i = 0; i < 3000; i++) {
		make(&e, i, 0);
		ctk_cache_add(c, &e);
	}
	assert_int_equal(ctk_cache_foreach(c, stop_at_first, &one), 0);
	assert_int_equal(one, 1);
	assert_int_equal(ctk_cache_foreach(c, fail_cb, NULL), -ECANCELED);
	assert_int_equal(ctk_cache_foreach(c, delete_while_walking, &w), 0);
	/* Each callback removed a pair, so half the entries were visited. */
	assert_int_equal(w.seen, 1500);
	assert_int_equal(ctk_cache_count(c), 0);
	ctk_cache_free(c);
}

static void test_limit(void **state)
{
	struct ctk_cache_opts o = {.limit = 10};
	struct ctk_cache *c = ctk_cache_new(&o);
	struct ctk_entry e;

	(void)state;
	for (uint32_t i = 0; i < 10; i++) {
		make(&e, i, 0);
		assert_int_equal(ctk_cache_add(c, &e), 1);
	}
	make(&e, 10, 0);
	assert_int_equal(ctk_cache_add(c, &e), -ENOSPC);
	assert_int_equal(ctk_cache_count(c), 10);
	/* Replacing is not growing. */
	make(&e, 3, 0);
	assert_int_equal(ctk_cache_add(c, &e), 0);
	ctk_cache_del(c, &e);
	make(&e, 10, 0);
	assert_int_equal(ctk_cache_add(c, &e), 1);
	ctk_cache_free(c);
}

static void test_identity(void **state)
{
	struct ctk_cache_opts o = {.keep = CTK_CACHE_IDENTITY};
	struct ctk_cache *c = ctk_cache_new(&o);
	const struct ctk_entry *got;
	struct ctk_entry e;

	(void)state;
	make(&e, 4, 9);
	assert_int_equal(ctk_cache_add(c, &e), 1);
	got = ctk_cache_find(c, &e);
	assert_non_null(got);
	assert_true(ctk_entry_has(got, CTK_ATTR_ORIG));
	assert_true(ctk_entry_has(got, CTK_ATTR_REPLY));
	assert_true(ctk_entry_has(got, CTK_ATTR_ID));
	assert_true(ctk_entry_has(got, CTK_ATTR_ZONE));
	assert_false(ctk_entry_has(got, CTK_ATTR_MARK));
	assert_int_equal(got->id, 1004);
	assert_int_equal(got->zone, 9);
	assert_memory_equal(&got->reply, &e.reply, sizeof(e.reply));
	ctk_cache_free(c);

	o.keep = (enum ctk_cache_keep)7;
	errno = 0;
	assert_null(ctk_cache_new(&o));
	assert_int_equal(errno, EINVAL);
}


/* STATE keeps what a peer needs and drops what it does not. */
static void test_state_keep(void **state)
{
	struct ctk_cache_opts o = {.keep = CTK_CACHE_STATE};
	struct ctk_cache *c = ctk_cache_new(&o);
	const struct ctk_entry *got;
	struct ctk_entry e;

	(void)state;
	assert_non_null(c);
	make(&e, 3, 7);
	e.counters[0].packets = 5;
	ctk_entry_set(&e, CTK_ATTR_COUNTERS_ORIG);
	strcpy(e.secctx, "system_u");
	ctk_entry_set(&e, CTK_ATTR_SECCTX);
	e.tcp.state = 3;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	strcpy(e.helper_name, "ftp");
	ctk_entry_set(&e, CTK_ATTR_HELPER_NAME);
	e.labels[1] = 0x10;
	ctk_entry_set(&e, CTK_ATTR_LABELS);
	assert_int_equal(ctk_cache_add(c, &e), 1);
	got = ctk_cache_find(c, &e);
	assert_non_null(got);
	assert_true(ctk_entry_has(got, CTK_ATTR_REPLY));
	assert_int_equal(got->zone, 7);
	assert_int_equal(got->mark, 3);
	assert_int_equal(got->tcp.state, 3);
	assert_string_equal(got->helper_name, "ftp");
	assert_int_equal(got->labels[1], 0x10);
	assert_memory_equal(&got->reply, &e.reply, sizeof(e.reply));
	assert_false(ctk_entry_has(got, CTK_ATTR_COUNTERS_ORIG));
	assert_false(ctk_entry_has(got, CTK_ATTR_SECCTX));
	ctk_cache_free(c);
}

/* Handles stay valid while others come and go; extra bytes start zeroed and survive replacement. */
static void test_handles_and_extra(void **state)
{
	struct ctk_cache_opts o = {.keep = CTK_CACHE_STATE, .extra = 12};
	struct ctk_cache *c = ctk_cache_new(&o);
	struct ctk_entry e;
	uint32_t ref, ref2, other;
	uint32_t *extra;

	(void)state;
	make(&e, 1, 0);
	assert_int_equal(ctk_cache_add_ref(c, &e, &ref), 1);
	assert_true(ref != 0);
	extra = ctk_cache_extra(c, ref);
	assert_non_null(extra);
	assert_int_equal(extra[0] | extra[1] | extra[2], 0);
	extra[2] = 0xdeadbeef;
	for (uint32_t i = 2; i < 3000; i++) { /* slabs and buckets grow meanwhile */
		make(&e, i, 0);
		assert_int_equal(ctk_cache_add_ref(c, &e, &other), 1);
	}
	make(&e, 1, 0);
	e.mark = 99;
	assert_int_equal(ctk_cache_add_ref(c, &e, &ref2), 0);
	assert_int_equal(ref2, ref);
	assert_int_equal(((uint32_t *)ctk_cache_extra(c, ref))[2], 0xdeadbeef);
	assert_int_equal(ctk_cache_find_ref(c, &e), ref);
	assert_int_equal(ctk_cache_get(c, ref)->mark, 99);
	assert_int_equal(ctk_cache_del_ref(c, ref), 0);
	assert_null(ctk_cache_get(c, ref));
	assert_null(ctk_cache_extra(c, ref));
	assert_int_equal(ctk_cache_del_ref(c, ref), -ENOENT);
	assert_int_equal(ctk_cache_find_ref(c, &e), 0);
	/* the freed slot is reused with its extra bytes zeroed again */
	assert_int_equal(ctk_cache_add_ref(c, &e, &ref2), 1);
	assert_int_equal(((uint32_t *)ctk_cache_extra(c, ref2))[2], 0);
	assert_null(ctk_cache_get(c, 0));
	assert_null(ctk_cache_get(c, 1u << 30));
	ctk_cache_free(c);
}

struct step_walk {
	uint32_t last;
	unsigned int seen, budget;
};

static int step_cb(struct ctk_cache *c, uint32_t ref, void *data)
{
	struct step_walk *w = data;

	(void)c;
	assert_true(ref > w->last);
	w->last = ref;
	w->seen++;
	return --w->budget ? CTK_CB_OK : CTK_CB_STOP;
}

/* A walk by handle resumes where it stopped and visits each entry once. */
static void test_foreach_ref_steps(void **state)
{
	struct ctk_cache *c = ctk_cache_new(NULL);
	struct step_walk w = {0};
	struct ctk_entry e;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		make(&e, i, 0);
		ctk_cache_add(c, &e);
	}
	do {
		w.budget = 64;
		ctk_cache_foreach_ref(c, w.last + 1, step_cb, &w);
	} while (w.budget == 0);
	assert_int_equal(w.seen, 1000);
	ctk_cache_free(c);
}

static void test_bad_opts(void **state)
{
	struct ctk_cache_opts o = {.keep = (enum ctk_cache_keep)9};

	(void)state;
	assert_null(ctk_cache_new(&o));
	assert_int_equal(errno, EINVAL);
	o.keep = CTK_CACHE_WHOLE;
	o.extra = (size_t)1 << 30;
	assert_null(ctk_cache_new(&o));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_replace_del),
		cmocka_unit_test(test_key_ignores_unused_fields),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_generation_sweep),
		cmocka_unit_test(test_foreach_with_deletion),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_state_keep),
		cmocka_unit_test(test_handles_and_extra),
		cmocka_unit_test(test_foreach_ref_steps),
		cmocka_unit_test(test_bad_opts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
