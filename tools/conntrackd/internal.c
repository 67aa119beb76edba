// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The internal cache: the connections (and expectations) this node's
 * kernel has, as events and dumps reported them, each with its sync state
 * in the slot's extra bytes. A destroyed object stays, marked dead, until
 * the sync protocol is done with its DEL (FTFW: the peer acknowledged it),
 * so a lost DEL can be resent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <ctkit/events.h>
#include <ctkit/format.h>
#include <ctkit/output.h>

#include "ctd.h"
#include "expect.h"
#include "log.h"
#include "sync.h"

static int open_cache(struct ctd *d, struct ctd_cache *c, const char *name)
{
	struct ctk_cache_opts o = {
		.keep = CTK_CACHE_STATE,
		.limit = d->cfg->hash_limit,
		.buckets = d->cfg->hash_size,
		.extra = sizeof(struct ctd_obj),
	};

	memset(&c->st, 0, sizeof(c->st));
	c->name = name;
	c->c = ctk_cache_new(&o);
	if (!c->c) {
		ctd_log(LOG_ERR, "can't allocate memory for the %s cache", name);
		return -ENOMEM;
	}
	return 0;
}

int ctd_internal_open(struct ctd *d)
{
	return open_cache(d, &d->internal_ct, "internal");
}

void ctd_internal_close(struct ctd *d)
{
	ctk_cache_free(d->internal_ct.c);
	ctk_cache_free(d->internal_exp.c);
	d->internal_ct.c = d->internal_exp.c = NULL;
}

/* ALARM's refresh second: spread, not secret (xorshift, seeded once). */
static uint16_t random_phase(const struct ctd *d)
{
	static uint32_t x;

	if (!x && (getrandom(&x, sizeof(x), GRND_NONBLOCK) != sizeof(x) || !x))
		x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return d->cfg->refresh_time ? (uint16_t)(x % d->cfg->refresh_time) : 0;
}

/* A NEW or UPDATE: the object takes the entry's state and goes out again. */
static void ct_alive(struct ctd *d, const struct ctk_entry *e, bool announce)
{
	struct ctd_cache *c = &d->internal_ct;
	struct ctd_obj *obj;
	uint32_t ref;
	int ret = ctk_cache_add_ref(c->c, e, &ref);

	if (ret < 0) {
		c->st.add_fail++;
		return;
	}
	obj = ctd_obj_of(c, ref);
	if (ret == 1) {
		obj->since = (uint32_t)time(NULL);
		obj->phase = random_phase(d);
		obj->status = CTD_OBJ_NEW;
		obj->node.kind = CTD_QN_CT;
		obj->node.ref = ref;
		c->st.add_ok++;
	} else {
		if (obj->status == CTD_OBJ_DEAD) {
			obj->status = CTD_OBJ_NEW;
			obj->since = (uint32_t)time(NULL);
		} else {
			obj->status = CTD_OBJ_ALIVE;
		}
		c->st.upd_ok++;
	}
	if (announce && d->sync)
		ctd_sync_enqueue(d, CTD_QN_CT, ref);
}

static void ct_dead(struct ctd *d, const struct ctk_entry *e, bool announce)
{
	struct ctd_cache *c = &d->internal_ct;
	uint32_t ref = ctk_cache_find_ref(c->c, e);
	struct ctd_obj *obj;

	if (!ref) {
		c->st.del_fail++;
		return;
	}
	c->st.del_ok++;
	obj = ctd_obj_of(c, ref);
	/* our own commit or injection replaced it: the peers must not hear of it */
	if (!d->sync || !announce) {
		if (d->sync)
			ctd_sync_forget(d, &obj->node);
		ctk_cache_del_ref(c->c, ref);
		return;
	}
	obj->status = CTD_OBJ_DEAD;
	ctd_sync_enqueue(d, CTD_QN_CT, ref);
}

void ctd_internal_ct_event(struct ctd *d, const struct ctk_entry *e, int type, bool announce)
{
	if (type == CTK_EV_DESTROY)
		ct_dead(d, e, announce);
	else
		ct_alive(d, e, announce);
}

void ctd_internal_release(struct ctd *d, enum ctd_qkind kind, uint32_t ref)
{
	struct ctd_cache *c = &d->internal_ct;
	struct ctd_obj *obj;

	if (kind == CTD_QN_EXP) {
		ctd_expect_release(d, ref);
		return;
	}
	obj = ctd_obj_of(c, ref);

	if (obj && obj->status == CTD_OBJ_DEAD && !obj->node.in)
		ctk_cache_del_ref(c->c, ref);
}

static int flush_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct ctd *d = data;
	struct ctd_obj *obj = ctk_cache_extra(cache, ref);

	if (d->sync)
		ctd_sync_forget(d, &obj->node);
	ctk_cache_del_ref(cache, ref);
	return CTK_CB_OK;
}

void ctd_internal_flush(struct ctd *d)
{
	if (d->internal_ct.c) {
		ctk_cache_foreach_ref(d->internal_ct.c, 1, flush_one, d);
		d->internal_ct.st.flush++;
	}
	ctd_expect_flush(d, true, false);
}

struct dump_ctx {
	struct ctd *d;
	struct ctd_cache *c;
	struct ctk_out *o;
	struct ctk_fmt fmt;
	bool hide_dead;
	bool xml;
};

static int dump_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct dump_ctx *x = data;
	struct ctd_obj *obj = ctk_cache_extra(cache, ref);
	struct ctk_entry e = *ctk_cache_get(cache, ref);
	char buf[4096];
	size_t n;

	if (x->hide_dead && obj->status == CTD_OBJ_DEAD)
		return CTK_CB_OK;
	/* a cached timeout is stale the moment it is shown */
	ctk_entry_unset(&e, CTK_ATTR_TIMEOUT);
	n = ctk_format_entry(buf, sizeof(buf), &e, CTK_EV_NONE, &x->fmt);
	ctk_out_write(x->o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	if (!x->xml) {
		n = (size_t)snprintf(buf, sizeof(buf), " [active since %lds]",
				     (long)(x->fmt.now - obj->since));
		ctk_out_write(x->o, buf, n);
	}
	ctk_out_write(x->o, "\n", 1);
	return CTK_CB_OK;
}

void ctd_internal_dump(struct ctd *d, struct ctk_out *o, bool expect, bool xml)
{
	struct dump_ctx x = {
		.d = d,
		.c = expect ? &d->internal_exp : &d->internal_ct,
		.o = o,
		.hide_dead = d->sync && d->cfg->sync_proto == CTD_SYNC_FTFW,
		.xml = xml,
	};

	x.fmt.kind = xml ? CTK_FMT_XML : CTK_FMT_DEFAULT;
	x.fmt.now = time(NULL);
	if (expect) {
		ctd_expect_dump(d, o, false, xml);
		return;
	}
	if (!x.c->c)
		return;
	ctk_cache_foreach_ref(x.c->c, 1, dump_one, &x);
}
