// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit-top without a terminal: its options split from conntrack's (and
 * conntrack's parsed by conntrack's parser), the per-entry picks against
 * a full sort, groups ranked and reversed, the keys and the interval
 * ladder, the columns of the text.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "model/rows.h"
#include "model/table.h"
#include "options.h"
#include "render.h"
#include "view.h"

/* ---- options ------------------------------------------------------------------------- */

/* Parse the words of @line (split at blanks) into @o. */
static int parse_line(const char *line, struct top_opts *o, struct ct_error *err)
{
	static char copy[512];
	char *argv[32] = {(char *)"ctkit-top"}, *save = NULL;
	int argc = 1;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return top_parse_options(argc, argv, o, err);
}

static void parses(const char *line, struct top_opts *o)
{
	static struct ct_error err;

	assert_int_equal(parse_line(line, o, &err), 0);
}

static void refused(const char *line, const char *message)
{
	static struct ct_error err;
	static struct top_opts o;

	assert_int_equal(parse_line(line, &o, &err), -1);
	assert_int_equal(err.exit_code, 2);
	assert_string_equal(err.msg, message);
}

static void test_own_options_and_conntrack_filter(void **state)
{
	static struct top_opts o;

	(void)state;
	parses("--sort bytes --interval=0.5 --batch --iterations 3 --top 7 -p tcp --dport 443 "
	       "-s 10.0.0.0/8 --reverse",
	       &o);
	assert_int_equal(o.sort, TOP_SORT_BYTES);
	assert_true(o.reverse && o.batch);
	assert_true(o.interval > 0.49 && o.interval < 0.51);
	assert_int_equal(o.iterations, 3);
	assert_int_equal(o.top, 7);
	assert_int_equal(o.cli.cmd, CT_CMD_LIST);
	assert_true(ctk_filter_has(&o.cli.filter, CTK_F_L4PROTO));
	assert_true(ctk_filter_has(&o.cli.filter, CTK_F_ORIG_DPORT));
	assert_int_equal(o.cli.filter.orig.dport, 443);
	assert_true(ctk_filter_has(&o.cli.filter, CTK_F_ORIG_SRC));
	assert_string_equal(o.filter_words, "-p tcp --dport 443 -s 10.0.0.0/8");
	top_free_options(&o);

	/* defaults: busiest first; --group-by, --netns are conntrack's and not in "filter:" */
	parses("--group-by src/24,dport --netns blue -m 5", &o);
	assert_int_equal(o.sort, TOP_SORT_COUNT);
	assert_true(o.cli.group_by);
	assert_int_equal(o.cli.group_spec.nkeys, 2);
	assert_string_equal(o.cli.netns, "blue");
	assert_string_equal(o.filter_words, "-m 5");
	assert_true(o.interval > 1.99 && o.interval < 2.01);
	top_free_options(&o);
	parses("", &o);
	assert_int_equal(o.sort, TOP_SORT_PACKETS);
	top_free_options(&o);
	parses("-h", &o);
	assert_true(o.help);
	top_free_options(&o);
}

/* A capture's engine counts packets and start times unless the user's --sysctl says otherwise. */
static void test_engine_counters(void **state)
{
	static struct top_opts o;

	(void)state;
	parses("--pcap x.pcap", &o);
	assert_int_equal(o.cli.n_sysctl, 2);
	assert_string_equal(o.cli.sysctl[0], "net.netfilter.nf_conntrack_acct=1");
	assert_string_equal(o.cli.sysctl[1], "net.netfilter.nf_conntrack_timestamp=1");
	assert_string_equal(o.cli.pcap_file, "x.pcap");
	top_free_options(&o);
	parses("--capture eth0 --sysctl nf_conntrack_acct=0 -p udp", &o);
	assert_int_equal(o.cli.n_sysctl, 3);
	assert_string_equal(o.filter_words, "-p udp");
	assert_string_equal(o.cli.sysctl[2], "nf_conntrack_acct=0"); /* last: it wins */
	top_free_options(&o);
}

static void test_bad_input(void **state)
{
	(void)state;
	refused("--sort colour", "--sort: `colour' is not count, packets, bytes or age");
	refused("--interval 0", "--interval: `0' is not a number of seconds from 0.1 to 3600");
	refused("--interval 2x", "--interval: `2x' is not a number of seconds from 0.1 to 3600");
	refused("--iterations -1", "--iterations: `-1' is not a number of refreshes");
	refused("--top 0", "--top: `0' is not a number of rows");
	refused("--sort", "option `--sort' requires an argument");
	refused("--bogus", "unknown option `--bogus'");
	refused("-D -p tcp", "`-D': ctkit-top runs no conntrack command, it takes conntrack's "
			     "filter options only");
	refused("expect", "unexpected word `expect'");
	refused("-z", "`-z' would zero the counters at every refresh");
	refused("-o xml", "`-o': ctkit-top has its own layout");
	refused("--pcap x --packets", "`--packets', `--trace' and `--pcap-out' print packets; "
				      "ctkit-top shows the table");
	refused("--group-by colour", "--group-by: `colour' is not a key (src, dst, sport, dport, "
				     "proto, family, state, zone, mark, status, label, netns; "
				     "src/24), or repeats one");
	refused("-p tcp --dprt 5", "unknown option `--dprt'");
}

/* ---- rows -------------------------------------------------------------------------- */

static struct ctk_entry entry(unsigned int i)
{
	struct ctk_entry e;
	char src[32];

	memset(&e, 0, sizeof(e));
	snprintf(src, sizeof(src), "10.0.%u.%u", i / 250, i % 250 + 1);
	e.orig.l3num = AF_INET;
	e.orig.l4num = IPPROTO_TCP;
	inet_pton(AF_INET, src, &e.orig.src);
	inet_pton(AF_INET, "10.9.0.1", &e.orig.dst);
	e.orig.sport = (uint16_t)(1000 + i);
	e.orig.dport = 443;
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	/* packets and bytes in orders of their own, with ties */
	e.counters[CTK_DIR_ORIG].packets = (i * 7919) % 101;
	e.counters[CTK_DIR_ORIG].bytes = (i * 104729) % 997;
	ctk_entry_set(&e, CTK_ATTR_COUNTERS_ORIG);
	e.ts_start = 1000000000ull * (1 + (i * 31) % 53);
	ctk_entry_set(&e, CTK_ATTR_TS_START);
	e.status = IPS_CONFIRMED;
	ctk_entry_set(&e, CTK_ATTR_STATUS);
	return e;
}

#define N_ENTRIES 1000

static int full_order_sort;
static int full_order(const void *a, const void *b)
{
	return top_row_cmp(a, b, (enum top_sort)full_order_sort);
}

/* The first rows a heap of 17 keeps are those of a full sort, in every order and direction. */
static void test_picks_match_a_full_sort(void **state)
{
	struct top_rows bounded, all;

	(void)state;
	top_rows_init(&bounded, true, TOP_SORT_COUNT, false);
	top_rows_init(&all, true, TOP_SORT_COUNT, false);
	for (int round = 0; round < 2; round++) { /* a second refresh reuses the buffers */
		assert_int_equal(top_rows_begin(&bounded, 17), 0);
		assert_int_equal(top_rows_begin(&all, 0), 0);
		for (unsigned int i = 0; i < N_ENTRIES; i++) {
			struct ctk_entry e = entry(i);

			assert_int_equal(top_rows_add(&bounded, &e), 0);
			assert_int_equal(top_rows_add(&all, &e), 0);
		}
		top_rows_finish(&bounded);
		top_rows_finish(&all);
		for (unsigned int s = 0; s < TOP_SORT_MAX; s++)
			for (int r = 0; r < 2; r++) {
				const struct top_pick *b = top_rows_pick(&bounded, s, r);
				const struct top_pick *a = top_rows_pick(&all, s, r);

				assert_int_equal(b->n, 17);
				assert_int_equal(a->n, N_ENTRIES);
				full_order_sort = (int)s;
				for (size_t k = 0; k + 1 < a->n; k++)
					assert_true(full_order(&a->rows[k], &a->rows[k + 1]) *
							    (r ? -1 : 1) <
						    0);
				assert_memory_equal(b->rows, a->rows, 17 * sizeof(*b->rows));
			}
	}
	/* packets: the most first */
	assert_int_equal(top_rows_pick(&all, TOP_SORT_PACKETS, false)->rows[0].packets, 100);
	top_rows_free(&bounded);
	top_rows_free(&all);
}

/* ---- groups and columns ------------------------------------------------------------ */

static void test_groups_shown_and_rendered(void **state)
{
	static struct top_opts o;
	struct top_table t;
	struct top_shown s;
	struct top_columns cols;
	struct top_cells cells;
	struct top_view v = {0};
	struct top_frame f = {.view = &v, .opts = &o, .shown = &s};
	char line[512];

	(void)state;
	parses("--group-by dport --batch", &o);
	assert_int_equal(top_table_init(&t, &o, false), 0);
	assert_int_equal(top_table_begin(&t, 0, 0), 0);
	for (unsigned int i = 0; i < 6; i++) {
		struct ctk_entry e = entry(i);

		e.orig.dport = (uint16_t)(i < 3 ? 80 : i < 5 ? 443 : 22);
		e.counters[CTK_DIR_ORIG].packets = i == 5 ? 1000 : 1;
		assert_int_equal(top_table_entry_cb(&e, CTK_EV_NONE, &t), CTK_CB_OK);
	}
	top_table_finish(&t, true);
	assert_int_equal(t.matched, 6);
	f.table = &t;
	top_table_shown(&t, TOP_SORT_COUNT, false, true, 0, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.groups[0]->count, 3);
	top_table_shown(&t, TOP_SORT_PACKETS, false, true, 1, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.groups[0]->packets, 1000);
	top_table_shown(&t, TOP_SORT_COUNT, true, true, 2, &s); /* smallest first */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.groups[0]->count, 1);
	assert_int_equal(s.groups[1]->count, 2);

	top_columns_init(&cols, true);
	for (size_t i = 0; i < s.n; i++) {
		top_render_cells(&f, i, &cells);
		top_columns_fit(&cols, &cells);
	}
	top_columns_line(&cols, NULL, line, sizeof(line));
	assert_string_equal(line, "COUNT PACKETS BYTES GROUP");
	top_render_cells(&f, 0, &cells);
	top_columns_line(&cols, &cells, line, sizeof(line));
	assert_string_equal(line, "    1    1000   220 dport=22");
	top_table_free(&t);
	top_free_options(&o);
}

/* ---- keys -------------------------------------------------------------------------- */

static void test_keys(void **state)
{
	static struct top_opts o;
	struct top_view v;

	(void)state;
	parses("--group-by src", &o);
	top_view_init(&v, &o);
	assert_true(v.grouped && v.sort == TOP_SORT_COUNT);
	assert_true(top_view_key(&v, 's'));
	assert_int_equal(v.sort, TOP_SORT_PACKETS);
	assert_true(top_view_key(&v, 'S'));
	assert_true(top_view_key(&v, 'S'));
	assert_int_equal(v.sort, TOP_SORT_AGE);
	assert_true(top_view_key(&v, 'r') && v.reverse);
	assert_true(top_view_key(&v, 'g') && !v.grouped);
	assert_true(top_view_key(&v, 'p') && v.paused);
	assert_true(top_view_key(&v, '+'));
	assert_true(v.interval > 2.9 && v.interval < 3.1);
	assert_true(top_view_key(&v, '-') && top_view_key(&v, '-'));
	assert_true(v.interval > 0.99 && v.interval < 1.01);
	assert_true(top_view_key(&v, '?') && v.help);
	assert_true(top_view_key(&v, 'x') && !v.help && !v.quit); /* any key closes help */
	assert_false(top_view_key(&v, 'x'));
	assert_false(top_view_key(&v, 'q'));
	assert_true(v.quit);
	top_free_options(&o);

	parses("", &o);
	top_view_init(&v, &o);
	assert_false(top_view_key(&v, 'g')); /* nothing to group by */
	assert_false(v.grouped);
	assert_true(top_view_faster(0.1) < 0.11 && top_view_slower(3600) > 3599);
	assert_true(top_view_slower(0.7) > 0.99 && top_view_slower(0.7) < 1.01);
	top_free_options(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_options_and_conntrack_filter),
		cmocka_unit_test(test_engine_counters),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_picks_match_a_full_sort),
		cmocka_unit_test(test_groups_shown_and_rendered),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
