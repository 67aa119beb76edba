// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The expectation table (nf_conntrack_expect.c): connections a helper
 * announced, waiting for their first packet. A new connection whose
 * tuple matches one under its mask takes it (the expectation is gone)
 * and becomes RELATED to the master.
 *
 * Expectations are few (one per FTP or TFTP control connection at a
 * time), so they live in a small array scanned in full; a table with
 * none costs a new connection one comparison.
 *
 * Rules kept from the kernel: an expectation with the same tuple and
 * mask replaces an older one of the same master (-EALREADY for another
 * master's), one that overlaps another is refused (-EBUSY), and a master
 * keeps at most its helper's max_expected (older ones are evicted).
 * Expectations die with their master and after their timeout (300 s for
 * FTP and TFTP), each with an event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"
#include "engine/expect.h"
#include "engine/helper.h"

#define EXPECT_GROW 16

void ctk_engine_set_expect_cb(struct ctk_engine *eng, ctk_expect_cb cb, void *data)
{
	eng->exp_cb = cb;
	eng->exp_data = data;
}

unsigned int ctk_engine_expect_count(const struct ctk_engine *eng)
{
	return eng->nexp;
}

static bool addr_eq(uint8_t l3, const union ctk_addr *a, const union ctk_addr *b)
{
	return !memcmp(a, b, l3 == AF_INET ? 4 : 16);
}

/* Does @t (a packet's tuple) match @x under its mask? */
static bool expect_matches(const struct eng_expect *x, const struct eng_tuple *t, uint16_t zone)
{
	const struct eng_tuple *e = &x->tuple;

	return e->l3 == t->l3 && e->l4 == t->l4 && x->zone == zone &&
	       addr_eq(e->l3, &e->src, &t->src) && addr_eq(e->l3, &e->dst, &t->dst) &&
	       e->dport == t->dport && (x->any_sport || e->sport == t->sport);
}

/* Same tuple and mask (nf_ct_expect_matches's "expect_matches"). */
static bool same_expect(const struct eng_expect *a, const struct eng_expect *b)
{
	return a->any_sport == b->any_sport && a->zone == b->zone &&
	       expect_matches(a, &b->tuple, b->zone);
}

/* Could one packet match both (expect_clash)? */
static bool clash(const struct eng_expect *a, const struct eng_expect *b)
{
	struct eng_tuple t = b->tuple;

	if (a->zone != b->zone)
		return false;
	if (a->any_sport || b->any_sport)
		t.sport = a->tuple.sport;
	return expect_matches(a, &t, b->zone) && (a->any_sport || b->any_sport ||
						   a->tuple.sport == b->tuple.sport);
}

void eng_expect_entry(const struct ctk_engine *eng, const struct eng_expect *x, uint64_t now,
		      struct ctk_expect *out)
{
	struct ctk_conn *master;

	memset(out, 0, sizeof(*out));
	eng_tuple_to_ctk(&x->tuple, &out->expected);
	out->mask = out->expected;
	memset(&out->mask.src, 0xff, sizeof(out->mask.src));
	memset(&out->mask.dst, 0xff, sizeof(out->mask.dst));
	out->mask.sport = x->any_sport ? 0 : 0xffff;
	out->mask.dport = 0xffff;
	ctk_expect_set(out, CTK_EXPECT_ATTR_EXPECTED);
	ctk_expect_set(out, CTK_EXPECT_ATTR_MASK);
	if (ctk_engine_resolve(eng, x->master, now, &master) == 0) {
		struct eng_tuple mt;

		eng_conn_tuple(master, &mt);
		eng_tuple_to_ctk(&mt, &out->master);
		ctk_expect_set(out, CTK_EXPECT_ATTR_MASTER);
	}
	out->timeout = x->expires > now ? (uint32_t)((x->expires - now) / NSEC_PER_SEC) : 0;
	out->id = x->id;
	out->flags = 0;
	out->exp_class = 0;
	strncpy(out->helper_name, x->helper, sizeof(out->helper_name) - 1);
	ctk_expect_set(out, CTK_EXPECT_ATTR_TIMEOUT);
	ctk_expect_set(out, CTK_EXPECT_ATTR_ID);
	if (x->zone) {
		/* ctnetlink names a zone only when it is not the default one */
		out->zone = x->zone;
		ctk_expect_set(out, CTK_EXPECT_ATTR_ZONE);
	}
	ctk_expect_set(out, CTK_EXPECT_ATTR_FLAGS);
	ctk_expect_set(out, CTK_EXPECT_ATTR_CLASS);
	ctk_expect_set(out, CTK_EXPECT_ATTR_HELPER_NAME);
	if (x->nat) {
		out->nat_dir = x->nat_dir;
		out->nat_tuple = out->expected;
		memcpy(&out->nat_tuple.dst, &x->saved_addr, sizeof(x->saved_addr));
		out->nat_tuple.dport = x->saved_port;
		ctk_expect_set(out, CTK_EXPECT_ATTR_NAT_DIR);
		ctk_expect_set(out, CTK_EXPECT_ATTR_NAT_TUPLE);
		strcpy(out->fn, "nat-follow-master");
		ctk_expect_set(out, CTK_EXPECT_ATTR_FN);
	}
}

static void expect_event(struct ctk_engine *eng, const struct eng_expect *x, enum ctk_event ev,
			 uint64_t now)
{
	struct ctk_expect e;

	if (!eng->exp_cb || !eng->cfg.events)
		return;
	eng_expect_entry(eng, x, now, &e);
	if (ev == CTK_EV_DESTROY)
		ctk_expect_unset(&e, CTK_EXPECT_ATTR_TIMEOUT);
	eng->exp_cb(&e, ev, eng->exp_data);
}

static void remove_at(struct ctk_engine *eng, uint32_t i, uint64_t now)
{
	struct eng_expect gone = eng->exps[i];

	eng->exps[i] = eng->exps[--eng->nexp];
	expect_event(eng, &gone, CTK_EV_DESTROY, now);
}

/* The oldest of @master's expectations (the first created), or -1. */
static int oldest_of(const struct ctk_engine *eng, struct ctk_conn_handle master)
{
	int best = -1;

	for (uint32_t i = 0; i < eng->nexp; i++)
		if (eng->exps[i].master.index == master.index &&
		    eng->exps[i].master.generation == master.generation &&
		    (best < 0 || eng->exps[i].id < eng->exps[best].id))
			best = (int)i;
	return best;
}

unsigned int eng_expect_count_of(const struct ctk_engine *eng, struct ctk_conn_handle master)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < eng->nexp; i++)
		n += eng->exps[i].master.index == master.index &&
		     eng->exps[i].master.generation == master.generation;
	return n;
}

int eng_expect_add(struct ctk_engine *eng, struct eng_expect *x, unsigned int max_expected,
		   uint64_t now)
{
	eng_expect_expire(eng, now);
	for (uint32_t i = 0; i < eng->nexp; i++) {
		struct eng_expect *o = &eng->exps[i];

		if (same_expect(o, x)) {
			if (o->master.index != x->master.index ||
			    o->master.generation != x->master.generation)
				return -EALREADY;
			remove_at(eng, i, now);
			break;
		}
		if (clash(o, x))
			return -EBUSY;
	}
	while (max_expected && eng_expect_count_of(eng, x->master) >= max_expected)
		remove_at(eng, (uint32_t)oldest_of(eng, x->master), now);
	if (eng->nexp == eng->capexp) {
		struct eng_expect *grown =
			realloc(eng->exps, (eng->capexp + EXPECT_GROW) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		eng->exps = grown;
		eng->capexp += EXPECT_GROW;
	}
	x->id = ++eng->next_exp_id;
	eng->exps[eng->nexp++] = *x;
	expect_event(eng, x, CTK_EV_NEW, now);
	return 0;
}

bool eng_expect_take(struct ctk_engine *eng, const struct eng_tuple *t, uint16_t zone,
		     uint64_t now, struct eng_expect *out)
{
	for (uint32_t i = 0; i < eng->nexp; i++) {
		struct eng_expect *x = &eng->exps[i];
		struct ctk_conn *master;

		if (!expect_matches(x, t, zone) || x->expires <= now)
			continue;
		if (ctk_engine_resolve(eng, x->master, now, &master) != 0)
			continue;
		*out = *x;
		remove_at(eng, i, now);
		return true;
	}
	return false;
}

void eng_expect_expire(struct ctk_engine *eng, uint64_t now)
{
	for (uint32_t i = 0; i < eng->nexp;) {
		struct ctk_conn *master;

		if (eng->exps[i].expires <= now ||
		    ctk_engine_resolve(eng, eng->exps[i].master, now, &master) != 0)
			remove_at(eng, i, now);
		else
			i++;
	}
}

void eng_expect_drop_master(struct ctk_engine *eng, struct ctk_conn_handle master, uint64_t now)
{
	for (uint32_t i = 0; i < eng->nexp;) {
		if (eng->exps[i].master.index == master.index &&
		    eng->exps[i].master.generation == master.generation)
			remove_at(eng, i, now);
		else
			i++;
	}
}

int ctk_engine_expect_foreach(struct ctk_engine *eng, uint64_t now_ns, ctk_expect_cb cb,
			      void *data)
{
	struct ctk_expect e;

	eng_expect_expire(eng, now_ns);
	for (uint32_t i = 0; i < eng->nexp; i++) {
		eng_expect_entry(eng, &eng->exps[i], now_ns, &e);
		if (cb(&e, CTK_EV_NONE, data) != CTK_CB_OK)
			return -ECANCELED;
	}
	return 0;
}

void eng_expect_reset(struct ctk_engine *eng)
{
	eng->nexp = 0;
}

void eng_expect_free(struct ctk_engine *eng)
{
	free(eng->exps);
	eng->exps = NULL;
	eng->nexp = eng->capexp = 0;
}

/*
 * nf_nat_follow_master(): the expected connection comes from where the
 * master sends and goes to where the master's peer was told to connect.
 */
static void follow_master(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_expect *x,
			  uint64_t now)
{
	enum ctk_dir back = x->nat_dir == CTK_DIR_ORIG ? CTK_DIR_REPLY : CTK_DIR_ORIG;
	struct ctk_nat_range r = { .has_addr = true };
	struct ctk_conn *master;
	struct ctk_tuple mt;

	if (ctk_engine_resolve(eng, x->master, now, &master) != 0)
		return;
	ctk_engine_conn_tuple(eng, master, back, &mt);
	r.min_addr = r.max_addr = mt.dst;
	ctk_engine_nat_setup(eng, c, CTK_NAT_MANIP_SRC, &r);
	r.min_addr = r.max_addr = mt.src;
	r.has_port = true;
	r.min_port = r.max_port = x->saved_port;
	ctk_engine_nat_setup(eng, c, CTK_NAT_MANIP_DST, &r);
}

void eng_expect_apply(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_tuple *t,
		      uint64_t now)
{
	struct eng_expect x;

	if (!eng_expect_take(eng, t, eng->cur_zone, now, &x))
		return;
	c->status |= IPS_EXPECTED;
	eng_helper_link(eng, c, x.master, now);
	if (x.nat)
		follow_master(eng, c, &x, now);
}
