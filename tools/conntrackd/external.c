// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The external cache: the connections the peers replicated to this node,
 * kept until a commit puts them into the kernel (or, with
 * DisableExternalCache, injected into the kernel as they arrive:
 * inject.c). Keyed like the internal cache by original tuple and zone.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <ctkit/events.h>
#include <ctkit/format.h>
#include <ctkit/output.h>
#include <ctkit/sync.h>

#include "commit.h"
#include "ctd.h"
#include "expect.h"
#include "log.h"

static int open_cache(struct ctd *d, struct ctd_cache *c)
{
	struct ctd_cache_stats st = c->st;
	struct ctk_cache_opts o = {
		.keep = CTK_CACHE_STATE,
		.limit = d->cfg->hash_limit,
		.buckets = d->cfg->hash_size,
		.extra = sizeof(struct ctd_ext),
	};

	c->st = st;
	c->name = "external";
	c->c = ctk_cache_new(&o);
	if (!c->c) {
		ctd_log(LOG_ERR, "can't allocate memory for the external cache");
		return -ENOMEM;
	}
	return 0;
}

int ctd_external_open(struct ctd *d)
{
	int ret;

	if (d->cfg->disable_external_cache)
		return 0;
	ret = open_cache(d, &d->external_ct);
	return ret;
}

void ctd_external_close(struct ctd *d)
{
	ctk_cache_free(d->external_ct.c);
	ctk_cache_free(d->external_exp.c);
	d->external_ct.c = d->external_exp.c = NULL;
}

static void ct_update(struct ctd *d, const struct ctk_entry *e, bool is_new)
{
	struct ctd_cache *c = &d->external_ct;
	struct ctd_ext *ext;
	uint32_t ref;
	int ret = ctk_cache_add_ref(c->c, e, &ref);

	if (ret < 0) {
		if (is_new)
			c->st.add_fail++;
		else
			c->st.upd_fail++;
		return;
	}
	ext = ctk_cache_extra(c->c, ref);
	if (ret == 1) {
		ext->since = (uint32_t)time(NULL);
		c->st.add_ok++;
	} else {
		c->st.upd_ok++;
	}
	ext->lastupdate = ctd_now_s();
}

void ctd_external_ct(struct ctd *d, int type, const struct ctk_entry *e)
{
	struct ctd_cache *c = &d->external_ct;

	if (!c->c) {
		ctd_inject_ct(d, type, e);
		return;
	}
	switch (type) {
	case CTK_SYNC_CT_NEW:
	case CTK_SYNC_CT_UPD:
		ct_update(d, e, type == CTK_SYNC_CT_NEW);
		break;
	case CTK_SYNC_CT_DEL:
		if (ctk_cache_del(c->c, e) == 0)
			c->st.del_ok++;
		else
			c->st.del_fail++;
		break;
	}
}

void ctd_external_flush(struct ctd *d)
{
	struct ctd_cache *c = &d->external_ct;

	ctd_expect_flush(d, false, true);
	if (!c->c)
		return;
	/* a new cache frees the slabs a big burst left behind */
	ctk_cache_free(c->c);
	c->c = NULL;
	c->st.flush++;
	open_cache(d, c);
}

/* ALARM: what no peer refreshed for CacheTimeout seconds is gone. */
struct expire_ctx {
	uint32_t now;
	uint32_t timeout;
};

static int expire_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct expire_ctx *x = data;
	struct ctd_ext *ext = ctk_cache_extra(cache, ref);

	if (x->now - ext->lastupdate >= x->timeout)
		ctk_cache_del_ref(cache, ref);
	return CTK_CB_OK;
}

void ctd_external_expire(struct ctd *d)
{
	struct expire_ctx x = {.now = ctd_now_s(), .timeout = d->cfg->cache_timeout};

	if (d->external_ct.c)
		ctk_cache_foreach_ref(d->external_ct.c, 1, expire_one, &x);
}

struct dump_ctx {
	struct ctk_out *o;
	struct ctk_fmt fmt;
	bool xml;
	bool alarm; /* ALARM: entries expire, and say when */
	uint32_t mono, timeout;
};

static int dump_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct dump_ctx *x = data;
	struct ctd_ext *ext = ctk_cache_extra(cache, ref);
	struct ctk_entry e = *ctk_cache_get(cache, ref);
	char buf[4096];
	size_t n;

	/* the peer sent only the original tuple; the reply is rebuilt at commit */
	ctk_entry_unset(&e, CTK_ATTR_REPLY);
	ctk_entry_unset(&e, CTK_ATTR_TIMEOUT);
	n = ctk_format_entry(buf, sizeof(buf), &e, CTK_EV_NONE, &x->fmt);
	ctk_out_write(x->o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	if (!x->xml && x->alarm)
		ctk_out_printf(x->o, " [expires in %lds]",
			       (long)x->timeout - (long)(x->mono - ext->lastupdate));
	if (!x->xml)
		ctk_out_printf(x->o, " [active since %lds]", (long)(x->fmt.now - ext->since));
	ctk_out_write(x->o, "\n", 1);
	return CTK_CB_OK;
}

void ctd_external_dump(struct ctd *d, struct ctk_out *o, bool expect, bool xml)
{
	struct dump_ctx x = {
		.o = o,
		.xml = xml,
		.alarm = d->cfg->sync_proto == CTD_SYNC_ALARM,
		.mono = ctd_now_s(),
		.timeout = d->cfg->cache_timeout,
	};

	x.fmt.kind = xml ? CTK_FMT_XML : CTK_FMT_DEFAULT;
	x.fmt.now = time(NULL);
	if (expect) {
		ctd_expect_dump(d, o, true, xml);
		return;
	}
	if (!d->external_ct.c)
		return;
	ctk_cache_foreach_ref(d->external_ct.c, 1, dump_one, &x);
}
