/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's expectation table (expect.c), for the helpers that fill
 * it and the connection setup that consumes it.
 */
#ifndef CTK_ENGINE_EXPECT_H
#define CTK_ENGINE_EXPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/engine_hook.h>
#include "engine/eng.h"
#include <ctkit/expect.h>

struct ctk_engine;

/*
 * One expectation: packets of @tuple (any source port when @any_sport)
 * in @zone become RELATED to @master. With @nat, the new connection is
 * bound as nf_nat_follow_master() does: its destination goes to
 * @saved_addr/@saved_port, seen from the master's @nat_dir.
 */
struct eng_expect {
	struct eng_tuple tuple;
	bool any_sport;
	uint16_t zone;
	uint32_t id;
	uint64_t expires;	/* ns */
	struct ctk_conn_handle master;
	char helper[16];
	bool nat;
	uint8_t nat_dir;	/* CTK_DIR_* */
	union ctk_addr saved_addr;
	uint16_t saved_port;
};

/*
 * eng_expect_add - register @x (its id is set). Returns 0, -EALREADY when
 * another master expects the same, -EBUSY when it overlaps another
 * expectation, -ENOMEM. Evicts @x->master's oldest beyond @max_expected.
 */
int eng_expect_add(struct ctk_engine *eng, struct eng_expect *x, unsigned int max_expected,
		   uint64_t now);

/* eng_expect_count_of - how many expectations @master has. */
unsigned int eng_expect_count_of(const struct ctk_engine *eng, struct ctk_conn_handle master);

/* eng_expect_take - the expectation @t matches, removed from the table into @out. */
bool eng_expect_take(struct ctk_engine *eng, const struct eng_tuple *t, uint16_t zone,
		     uint64_t now, struct eng_expect *out);

/*
 * eng_expect_apply - a new entry for @t: if an expectation awaits it, take
 * it, mark the entry EXPECTED (RELATED to the master) and, for a NATed
 * master, bind it as nf_nat_follow_master() does.
 */
void eng_expect_apply(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_tuple *t,
		      uint64_t now);

/* eng_expect_expire - remove those past their time or whose master is gone. */
void eng_expect_expire(struct ctk_engine *eng, uint64_t now);

/* eng_expect_drop_master - remove @master's (it is being destroyed). */
void eng_expect_drop_master(struct ctk_engine *eng, struct ctk_conn_handle master, uint64_t now);

/* eng_expect_entry - @x as the model shows an expectation at @now. */
void eng_expect_entry(const struct ctk_engine *eng, const struct eng_expect *x, uint64_t now,
		      struct ctk_expect *out);

void eng_expect_reset(struct ctk_engine *eng);
void eng_expect_free(struct ctk_engine *eng);

#endif
