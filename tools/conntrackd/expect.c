// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Expectation sync: the kernel's expectation events feed the internal
 * table (only those of the helpers listed, when ExpectationSync names
 * some), which the sync layer sends like connections; the peers' land in
 * the external table and are created in the kernel after the connections
 * at commit (an expectation needs its master connection).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ctkit/events.h>
#include <ctkit/expect_nl.h>
#include <ctkit/format.h>
#include <ctkit/netlink.h>
#include <ctkit/output.h>
#include <ctkit/sync.h>

#include "ctd.h"
#include "expect.h"
#include "log.h"
#include "sync.h"

struct ctd_expect_state {
	struct ctd_expstore *internal, *external;
	struct ctk_events *ev;
	struct ctk_nl *commit_nl; /* our creates: their events are not echoed */
	uint8_t *seen;		  /* resync: marks by handle */
};

static struct ctd_expect_state es;

static bool helper_listed(const struct ctd *d, const struct ctk_expect *x)
{
	if (!d->cfg->expect_filter)
		return true;
	if (!ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		return false;
	for (unsigned int i = 0; i < d->cfg->n_expect_helpers; i++)
		if (!strcmp(d->cfg->expect_helpers[i], x->helper_name))
			return true;
	return false;
}

static void internal_alive(struct ctd *d, const struct ctk_expect *x, bool announce)
{
	bool added;
	uint32_t ref = ctd_expstore_put(es.internal, x, &added);
	struct ctd_obj *obj;

	if (!ref) {
		d->internal_exp.st.add_fail++;
		return;
	}
	obj = ctd_expstore_obj(es.internal, ref);
	if (added) {
		obj->since = (uint32_t)time(NULL);
		obj->status = CTD_OBJ_NEW;
		obj->node.kind = CTD_QN_EXP;
		obj->node.ref = ref;
		d->internal_exp.st.add_ok++;
	} else {
		obj->status = obj->status == CTD_OBJ_DEAD ? CTD_OBJ_NEW : CTD_OBJ_ALIVE;
		d->internal_exp.st.upd_ok++;
	}
	if (announce && d->sync)
		ctd_sync_enqueue(d, CTD_QN_EXP, ref);
}

static void internal_dead(struct ctd *d, const struct ctk_expect *x)
{
	uint32_t ref = ctd_expstore_find(es.internal, x);

	if (!ref) {
		d->internal_exp.st.del_fail++;
		return;
	}
	d->internal_exp.st.del_ok++;
	if (!d->sync) {
		ctd_expstore_del(es.internal, ref);
		return;
	}
	ctd_expstore_obj(es.internal, ref)->status = CTD_OBJ_DEAD;
	ctd_sync_enqueue(d, CTD_QN_EXP, ref);
}

static int on_expect(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ctd *d = data;

	if (!helper_listed(d, x))
		return CTK_CB_OK;
	if (ev == CTK_EV_DESTROY)
		internal_dead(d, x);
	else
		internal_alive(d, x, true);
	return CTK_CB_OK;
}

static void on_readable(int fd, uint32_t events, void *data)
{
	struct ctd *d = data;
	struct ctk_expect scratch;
	const void *buf;

	(void)fd;
	(void)events;
	for (int i = 0; i < 64; i++) {
		int n = ctk_events_recv(es.ev, &buf);

		if (n == -ENOBUFS) {
			ctd_log(LOG_WARNING,
				"expectation events lost: resync with the kernel table");
			ctd_expect_resync(d);
			continue;
		}
		if (n <= 0)
			return;
		ctk_expect_events_decode(buf, (size_t)n, &scratch, on_expect, d);
	}
	ctd_loop_busy(d->loop);
}

static int dumped(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ctd *d = data;
	uint32_t ref;

	(void)ev;
	if (!helper_listed(d, x))
		return CTK_CB_OK;
	/* at start only fill the table; a resync also sends what changed */
	internal_alive(d, x, es.seen != NULL);
	ref = ctd_expstore_find(es.internal, x);
	if (es.seen && ref)
		es.seen[ref - 1] = 1;
	return CTK_CB_OK;
}

/* Dump the table; what the table no longer has goes as deleted. */
int ctd_expect_resync(struct ctd *d)
{
	size_t n = 0;
	int ret;

	for (uint32_t r = ctd_expstore_next(es.internal, 0); r;
	     r = ctd_expstore_next(es.internal, r))
		n = r;
	es.seen = calloc(n + 1, 1);
	if (!es.seen)
		return -ENOMEM;
	ret = ctk_nl_expect_dump(ctd_kernel_nl(d), AF_UNSPEC, dumped, d);
	for (uint32_t r = ctd_expstore_next(es.internal, 0); ret == 0 && r;
	     r = ctd_expstore_next(es.internal, r))
		if (r <= n && !es.seen[r - 1] &&
		    ctd_expstore_obj(es.internal, r)->status != CTD_OBJ_DEAD)
			internal_dead(d, ctd_expstore_get(es.internal, r));
	free(es.seen);
	es.seen = NULL;
	return ret;
}

int ctd_expect_open(struct ctd *d)
{
	if (!d->cfg->expectation_sync)
		return 0;
	es.internal = ctd_expstore_new();
	es.external = ctd_expstore_new();
	es.ev = ctk_events_open(ctk_expect_event_groups(CTK_EVENTS_ALL));
	es.commit_nl = ctk_nl_open();
	if (!es.internal || !es.external || !es.ev || !es.commit_nl) {
		ctd_log(LOG_ERR, "can't open the expectation event socket: %s", strerror(errno));
		return -ENOMEM;
	}
	ctk_events_set_rcvbuf(es.ev, 8 << 20, true);
	/* the loop reads until EAGAIN */
	fcntl(ctk_events_fd(es.ev), F_SETFL, fcntl(ctk_events_fd(es.ev), F_GETFL) | O_NONBLOCK);
	ctd_kernel_own_portid(d, ctk_nl_portid(es.commit_nl));
	if (ctk_nl_expect_dump(ctd_kernel_nl(d), AF_UNSPEC, dumped, d) < 0)
		ctd_log(LOG_WARNING, "can't dump the expectation table");
	return ctd_loop_add(d->loop, ctk_events_fd(es.ev), 0, on_readable, d);
}

void ctd_expect_close(struct ctd *d)
{
	if (es.ev) {
		ctd_loop_del(d->loop, ctk_events_fd(es.ev));
		ctk_events_close(es.ev);
	}
	if (es.commit_nl)
		ctk_nl_close(es.commit_nl);
	ctd_expstore_free(es.internal);
	ctd_expstore_free(es.external);
	memset(&es, 0, sizeof(es));
}

struct ctd_obj *ctd_expect_obj(struct ctd *d, uint32_t ref)
{
	(void)d;
	return ctd_expstore_obj(es.internal, ref);
}

const struct ctk_expect *ctd_expect_get(struct ctd *d, uint32_t ref)
{
	(void)d;
	return ctd_expstore_get(es.internal, ref);
}

void ctd_expect_release(struct ctd *d, uint32_t ref)
{
	struct ctd_obj *obj = ctd_expstore_obj(es.internal, ref);

	(void)d;
	if (obj && obj->status == CTD_OBJ_DEAD && !obj->node.in)
		ctd_expstore_del(es.internal, ref);
}

void ctd_expect_bulk(struct ctd *d)
{
	for (uint32_t r = ctd_expstore_next(es.internal, 0); r;
	     r = ctd_expstore_next(es.internal, r))
		ctd_sync_enqueue(d, CTD_QN_EXP, r);
}

size_t ctd_expect_count(struct ctd *d, bool external)
{
	(void)d;
	return ctd_expstore_count(external ? es.external : es.internal);
}

void ctd_expect_external(struct ctd *d, int type, const struct ctk_expect *x)
{
	struct ctd_cache *c = &d->external_exp;
	bool added;
	uint32_t ref;

	if (!es.external)
		return;
	if (type == CTK_SYNC_EXP_DEL) {
		ref = ctd_expstore_find(es.external, x);
		if (ref) {
			ctd_expstore_del(es.external, ref);
			c->st.del_ok++;
		} else {
			c->st.del_fail++;
		}
		return;
	}
	ref = ctd_expstore_put(es.external, x, &added);
	if (!ref) {
		c->st.add_fail++;
		return;
	}
	if (added) {
		ctd_expstore_obj(es.external, ref)->since = (uint32_t)time(NULL);
		c->st.add_ok++;
	} else {
		c->st.upd_ok++;
	}
}

void ctd_expect_dump(struct ctd *d, struct ctk_out *o, bool external, bool xml)
{
	struct ctd_expstore *s = external ? es.external : es.internal;
	struct ctk_fmt fmt = {.kind = xml ? CTK_FMT_XML : CTK_FMT_DEFAULT};
	char buf[2048];

	(void)d;
	fmt.now = time(NULL);
	for (uint32_t r = ctd_expstore_next(s, 0); r; r = ctd_expstore_next(s, r)) {
		struct ctk_expect x = *ctd_expstore_get(s, r);
		struct ctd_obj *obj = ctd_expstore_obj(s, r);
		size_t n;

		if (obj->status == CTD_OBJ_DEAD && !external)
			continue;
		x.present &= ~(1u << CTK_EXPECT_ATTR_TIMEOUT);
		n = ctk_format_expect(buf, sizeof(buf), &x, CTK_EV_NONE, &fmt);
		ctk_out_write(o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
		if (!xml) {
			n = (size_t)snprintf(buf, sizeof(buf), " [active since %lds]",
					     (long)(fmt.now - obj->since));
			ctk_out_write(o, buf, n);
		}
		ctk_out_write(o, "\n", 1);
	}
}

int ctd_expect_commit(struct ctd *d)
{
	struct ctk_nl *nl = es.commit_nl;
	unsigned long ok = 0;
	int first = 0;

	if (!es.external)
		return 0;
	for (uint32_t r = ctd_expstore_next(es.external, 0); r;
	     r = ctd_expstore_next(es.external, r)) {
		struct ctk_expect x = *ctd_expstore_get(es.external, r);
		int ret;

		x.present &= ~(1u << CTK_EXPECT_ATTR_ID);
		ret = ctk_nl_expect_create(nl, x.master.l3num, &x);
		if (ret == -EEXIST) {
			ctk_nl_expect_delete(nl, x.master.l3num, &x);
			ret = ctk_nl_expect_create(nl, x.master.l3num, &x);
		}
		if (ret == 0) {
			ok++;
			d->external_exp.st.commit_ok++;
		} else {
			d->external_exp.st.commit_fail++;
			if (!first)
				first = ret;
		}
	}
	ctd_log(LOG_NOTICE, "Committed %lu new expectations", ok);
	return first;
}

void ctd_expect_flush(struct ctd *d, bool internal, bool external)
{
	if (internal && es.internal) {
		for (uint32_t r = ctd_expstore_next(es.internal, 0); r;
		     r = ctd_expstore_next(es.internal, r)) {
			if (d->sync)
				ctd_sync_forget(d, &ctd_expstore_obj(es.internal, r)->node);
			ctd_expstore_del(es.internal, r);
		}
	}
	if (external && es.external) {
		for (uint32_t r = ctd_expstore_next(es.external, 0); r;
		     r = ctd_expstore_next(es.external, r))
			ctd_expstore_del(es.external, r);
	}
}
