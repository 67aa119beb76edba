// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -I/-A, -U and -D: changes to the kernel table.
 *
 * -U and -D dump the table and change each matching entry through the
 * library's commit pipeline while the dump runs (the reference uses a
 * second session, one request at a time): batches of requests per
 * sendmsg(), sent by the pipeline's worker thread so that the kernel
 * changes entries on one CPU while it walks the table on the other
 * (ctkit/commit.h). Deliberate fixes
 * (docs/COMPATIBILITY.md): requests carry the entry's own family and zones,
 * acks are consumed so long runs never hit ENOBUFS, and an entry that
 * vanished meanwhile (ENOENT) counts as already gone, not as a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctkit/commit.h>
#include <ctkit/filter.h>

#include "report.h"
#include "run.h"
#include "tuple_key.h"

#define OPT(o) (1u << (o))

void ct_create_entry(const struct ct_cli *cli, struct ctk_entry *out)
{
	struct ctk_entry e = cli->tmpl;

	if (ctk_entry_has(&e, CTK_ATTR_ORIG) && !ctk_entry_has(&e, CTK_ATTR_REPLY)) {
		ctk_tuple_invert(&e.reply, &e.orig);
		/* ICMP reply fields as the parser derived them (255: no reply type). */
		if (ctk_l4proto_is_icmp(e.orig.l4num))
			e.reply.icmp_type = cli->tmpl.reply.icmp_type;
		ctk_entry_set(&e, CTK_ATTR_REPLY);
	} else if (!ctk_entry_has(&e, CTK_ATTR_ORIG) && ctk_entry_has(&e, CTK_ATTR_REPLY)) {
		ctk_tuple_invert(&e.orig, &e.reply);
		ctk_entry_set(&e, CTK_ATTR_ORIG);
	}
	if (cli->opts & OPT(CT_OPT_ADD_LABEL)) {
		memcpy(e.labels, cli->label_add, sizeof(e.labels));
		ctk_entry_set(&e, CTK_ATTR_LABELS);
	}
	*out = e;
}

/* -I/-A: complete the missing direction, then create. */
int ct_run_create(struct ct_run *run)
{
	const struct ct_cli *cli = run->cli;
	struct ctk_entry e;
	int ret;

	ct_create_entry(cli, &e);
	ret = ctk_nl_create(run->nl, cli->family, &e, NLM_F_CREATE | NLM_F_EXCL);
	if (ret == -EEXIST && cli->cmd == CT_CMD_ADD)
		return 0;	/* -A: already there is fine */
	if (ret == 0)
		run->counter++;
	return ret;
}

/* ---- -D and -U: changes sent while the dump runs ------------------------- */

/*
 * The entries a change applies to: with a whole tuple the one the kernel
 * finds for it (ct_tuple_key(); @cb applies the whole filter to it, as to
 * a dumped entry), otherwise a dump. Not found is no entry, as an empty
 * dump; a get the kernel refuses otherwise falls back to the dump.
 */
struct as_dumped {
	ctk_entry_cb cb;
	void *data;
};

/*
 * The kernel holds a reference of its own on an entry while it answers a
 * get, not while it dumps: the use count the dump would have shown is one
 * less.
 */
static int got_as_dumped(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	const struct as_dumped *a = data;
	struct ctk_entry copy = *e;

	if (ctk_entry_has(&copy, CTK_ATTR_USE) && copy.use > 0)
		copy.use--;
	return a->cb(&copy, ev, a->data);
}

static int select_entries(struct ct_run *run, const struct ctk_dump_opts *o,
			  const struct ctk_filter *f, bool by_tuple, ctk_entry_cb cb, void *data)
{
	struct as_dumped a = { cb, data };
	struct ctk_entry key;
	int ret;

	if (by_tuple && ct_tuple_key(f, true, &key)) {
		if (run->cli->debug)
			ct_debug_fields("kernel lookup", f->has);
		ret = ctk_nl_get(run->nl, key.orig.l3num, &key, got_as_dumped, &a);
		if (ret == -ENOENT)
			return 0;
		if (ret == 0 || ret == -ECANCELED)
			return ret;
	}
	return ct_dump_filtered(run, o, f, cb, data);
}

/* A pipeline for the changes; one entry needs neither a thread nor a ring of batches. */
static struct ctk_commit *open_commit(const struct ctk_filter *f, bool by_tuple, unsigned int batch,
				      ctk_commit_cb cb, void *data)
{
	struct ctk_commit_opts co = { .batch = batch };
	struct ctk_entry key;

	if (by_tuple && ct_tuple_key(f, true, &key)) {
		co.batch = 1;
		co.slots = 2;
		co.flags = CTK_COMMIT_INLINE;
	}
	return ctk_commit_new(&co, cb, data);
}

/*
 * Select with @cb, then wait for the pipeline's last results. A failure of
 * the pipeline comes first: it stopped the dump, or it belongs to a batch
 * the dump had already gone past.
 */
static int dump_and_commit(struct ct_run *run, struct ctk_commit *c, const struct ctk_dump_opts *o,
			   const struct ctk_filter *f, bool by_tuple, ctk_entry_cb cb, void *data)
{
	int ret = select_entries(run, o, f, by_tuple, cb, data);
	int sent = ctk_commit_close(c);

	if (ret == -ECANCELED && run->error)
		ret = run->error;
	return sent ? sent : ret;
}

/* A dump callback's verdict on queueing into the pipeline. */
static int queued(struct ct_run *run, long seq)
{
	if (seq >= 0)
		return CTK_CB_OK;
	run->error = (int)seq;
	return CTK_CB_ERROR;
}

/* ---- -D ----------------------------------------------------------------- */

/*
 * Deletes go out in batches of DELETE_BATCH while the dump runs, sent by
 * the pipeline's worker; each entry's line is printed by its result, once
 * the kernel has deleted it, in dump order.
 */
#define DELETE_BATCH 256

struct delete_ctx {
	struct ct_run *run;
	struct ctk_commit *commit;
};

/* A delete's result (on the pipeline's worker): print what the kernel deleted. */
static int delete_done(const struct ctk_commit_result *r, void *data)
{
	struct ct_run *run = data;

	if (r->err == 0) {
		ctk_out_entry(run->out, r->request, CTK_EV_NONE, &run->fmt);
		run->counter++;
		return 0;
	}
	/* ENOENT: gone meanwhile, as good as deleted; ECANCELED: after a failure. */
	if (r->err == -ENOENT || r->err == -ECANCELED)
		return 0;
	return r->err;
}

static int delete_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct delete_ctx *d = data;

	(void)ev;
	if (!ct_selected(d->run->cli, e))
		return CTK_CB_OK;
	return queued(d->run, ctk_commit_delete(d->commit, e->orig.l3num, e, NULL));
}

int ct_run_delete(struct ct_run *run)
{
	const struct ctk_filter *f = &run->cli->filter;
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct delete_ctx d = { .run = run };

	/* The reference's delete path prints neither ktimestamp nor labels. */
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_LABELS | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_DESTROY;
	d.commit = open_commit(f, true, DELETE_BATCH, delete_done, run);
	if (!d.commit)
		return -errno;
	if (ctk_filter_has(f, CTK_F_MARK)) {
		o.has_mark = true;
		o.mark = f->mark;
		o.mark_mask = f->mark_mask;
	}
	return dump_and_commit(run, d.commit, &o, f, true, delete_cb, &d);
}

/* ---- -U ----------------------------------------------------------------- */

/*
 * What selects entries for -U: NAT, labels, networks and id always; the
 * original tuple when -s/-d/-p was given, the reply tuple when -r/-q/-p
 * was. Mark, status and zone are values to set, not selectors.
 */
static uint64_t update_selectors(const struct ct_cli *cli)
{
	uint64_t keep = (1ull << CTK_F_SNAT) | (1ull << CTK_F_DNAT) | (1ull << CTK_F_ANYNAT) |
			(1ull << CTK_F_LABELS) | (1ull << CTK_F_ID);
	uint64_t orig = (1ull << CTK_F_FAMILY) | (1ull << CTK_F_ORIG_SRC) | (1ull << CTK_F_ORIG_DST) |
			(1ull << CTK_F_L4PROTO) | (1ull << CTK_F_ORIG_SPORT) |
			(1ull << CTK_F_ORIG_DPORT) | (1ull << CTK_F_ICMP_TYPE) |
			(1ull << CTK_F_ICMP_CODE) | (1ull << CTK_F_ICMP_ID);
	uint64_t reply = (1ull << CTK_F_FAMILY) | (1ull << CTK_F_REPLY_SRC) |
			 (1ull << CTK_F_REPLY_DST) | (1ull << CTK_F_L4PROTO) |
			 (1ull << CTK_F_REPLY_SPORT) | (1ull << CTK_F_REPLY_DPORT);

	if (cli->opts & (OPT(CT_OPT_ORIG_SRC) | OPT(CT_OPT_ORIG_DST) | OPT(CT_OPT_PROTO)))
		keep |= orig;
	if (cli->opts & (OPT(CT_OPT_REPL_SRC) | OPT(CT_OPT_REPL_DST) | OPT(CT_OPT_PROTO)))
		keep |= reply;
	return cli->filter.has & keep;
}

/*
 * Label changes. The kernel computes new = (old & ~mask) ^ labels, so a
 * request carries the new values of the changed bits only: --label-add
 * sends the added bits under a mask of the same bits, --label-del sends
 * zeros under a mask of the deleted bits, and deleting all sends zeros
 * without a mask. Whether an entry counts as changed follows the
 * reference's comparison of what it would send with what the entry has.
 */
static bool labels_update(const struct ct_cli *cli, const struct ctk_entry *cur,
			  struct ctk_entry *upd)
{
	bool had = ctk_entry_has(cur, CTK_ATTR_LABELS);
	bool changed = false;

	if (cli->opts & OPT(CT_OPT_ADD_LABEL)) {
		memcpy(upd->labels, cli->label_add, sizeof(upd->labels));
		ctk_entry_set(upd, CTK_ATTR_LABELS);
		if (had) {
			memcpy(upd->labels_mask, cli->label_add, sizeof(upd->labels_mask));
			ctk_entry_set(upd, CTK_ATTR_LABELS_MASK);
		}
		return !had || memcmp(cur->labels, cli->label_add, sizeof(cur->labels)) != 0;
	}
	if (!(cli->opts & OPT(CT_OPT_DEL_LABEL)) || !had)
		return false;
	memset(upd->labels, 0, sizeof(upd->labels));
	ctk_entry_set(upd, CTK_ATTR_LABELS);
	if (cli->label_del_all)
		return true;
	memcpy(upd->labels_mask, cli->label_del, sizeof(upd->labels_mask));
	ctk_entry_set(upd, CTK_ATTR_LABELS_MASK);
	for (int i = 0; i < CTK_LABEL_WORDS; i++)
		changed |= (cur->labels[i] & cli->label_del[i]) != 0;
	return changed;
}

/* Protocol state given with -U (--state, SCTP vtags, DCCP role) replaces the entry's. */
static bool protoinfo_update(const struct ctk_entry *t, const struct ctk_entry *cur,
			     struct ctk_entry *upd)
{
	bool changed = false;

#define COPY_PROTO(attr, field)                                                        \
	if (ctk_entry_has(t, attr)) {                                                  \
		upd->field = t->field;                                                 \
		ctk_entry_set(upd, attr);                                              \
		changed |= !ctk_entry_has(cur, attr) || cur->field != t->field;        \
	}
	COPY_PROTO(CTK_ATTR_TCP_STATE, tcp.state)
	COPY_PROTO(CTK_ATTR_SCTP_STATE, sctp.state)
	COPY_PROTO(CTK_ATTR_SCTP_VTAG_ORIG, sctp.vtag[0])
	COPY_PROTO(CTK_ATTR_SCTP_VTAG_REPLY, sctp.vtag[1])
	COPY_PROTO(CTK_ATTR_DCCP_STATE, dccp.state)
	COPY_PROTO(CTK_ATTR_DCCP_ROLE, dccp.role)
#undef COPY_PROTO
	return changed;
}

/* Build the update of @cur; returns false when nothing would change. */
static bool build_update(const struct ct_cli *cli, const struct ctk_entry *cur,
			 struct ctk_entry *upd)
{
	const struct ctk_entry *t = &cli->tmpl;
	bool changed = false;

	ctk_entry_clear(upd);
	upd->orig = cur->orig;
	ctk_entry_set(upd, CTK_ATTR_ORIG);
	if (ctk_entry_has(cur, CTK_ATTR_ORIG_ZONE)) {
		upd->orig_zone = cur->orig_zone;
		ctk_entry_set(upd, CTK_ATTR_ORIG_ZONE);
	}
	if (ctk_entry_has(cur, CTK_ATTR_ZONE)) {
		upd->zone = cur->zone;
		ctk_entry_set(upd, CTK_ATTR_ZONE);
	}
	if (cli->opts & OPT(CT_OPT_TIMEOUT)) {
		upd->timeout = t->timeout;
		ctk_entry_set(upd, CTK_ATTR_TIMEOUT);
		changed |= !ctk_entry_has(cur, CTK_ATTR_TIMEOUT) || cur->timeout != t->timeout;
	}
	if (cli->opts & OPT(CT_OPT_MARK)) {
		uint32_t old = ctk_entry_has(cur, CTK_ATTR_MARK) ? cur->mark : 0;

		upd->mark = (old & ~cli->mark_mask) ^ cli->filter.mark;
		ctk_entry_set(upd, CTK_ATTR_MARK);
		changed |= !ctk_entry_has(cur, CTK_ATTR_MARK) || cur->mark != upd->mark;
	}
	if (cli->opts & OPT(CT_OPT_STATUS)) {
		/* Status bits can only be set, never cleared. */
		upd->status = cur->status | t->status;
		ctk_entry_set(upd, CTK_ATTR_STATUS);
		changed |= upd->status != cur->status;
	}
	if (cli->opts & OPT(CT_OPT_SECMARK)) {
		upd->secmark = t->secmark;
		ctk_entry_set(upd, CTK_ATTR_SECMARK);
		changed |= !ctk_entry_has(cur, CTK_ATTR_SECMARK) || cur->secmark != t->secmark;
	}
	changed |= protoinfo_update(t, cur, upd);
	changed |= labels_update(cli, cur, upd);
	return changed;
}

/*
 * -U queues, per matching entry, its update with a re-read, UPDATE_BATCH
 * entries per batch, sent by the pipeline's worker; the re-read answers
 * arrive in order and are printed as they come, as the reference prints
 * its re-read entries (also after a failed update, as it does).
 */
#define UPDATE_BATCH 128

struct update_ctx {
	struct ct_run *run;
	struct ctk_filter sel;	/* the selectors of -U (update_selectors) */
	struct ctk_commit *commit;
};

/* An update's result (on the pipeline's worker). */
static int update_done(const struct ctk_commit_result *r, void *data)
{
	struct ct_run *run = data;

	if (r->err == -ECANCELED)
		return 0;
	if (r->err && r->err != -ENOENT)
		fprintf(stderr, "Operation failed: %s\n", ct_err2str(-r->err, CT_CMD_UPDATE));
	if (r->entry) {
		ct_print_entry(run, r->entry, false);
		run->counter++;
		return 0;
	}
	/* A re-read that found nothing: vanished in the meantime, already gone. */
	return r->reread_err == -ENOENT ? 0 : r->reread_err;
}

static int update_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct update_ctx *u = data;
	struct ct_run *run = u->run;
	struct ctk_entry upd;

	(void)ev;
	if (!ctk_filter_match(&u->sel, e))
		return CTK_CB_OK;
	if (!build_update(run->cli, e, &upd))
		return CTK_CB_OK;
	return queued(run, ctk_commit_update(u->commit, upd.orig.l3num, &upd, CTK_COMMIT_REREAD,
					     NULL));
}

int ct_run_update(struct ct_run *run)
{
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct update_ctx *u = calloc(1, sizeof(*u));
	/* A zone given to -U is a value to set: the dump selects in every zone. */
	bool by_tuple = !(run->cli->opts & (OPT(CT_OPT_ZONE) | OPT(CT_OPT_ORIG_ZONE) |
					    OPT(CT_OPT_REPL_ZONE)));
	int ret;

	if (!u)
		return -ENOMEM;
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_NEW;
	u->run = run;
	u->sel = run->cli->filter;
	u->sel.has = update_selectors(run->cli);
	u->commit = open_commit(&u->sel, by_tuple, UPDATE_BATCH, update_done, run);
	ret = u->commit ? dump_and_commit(run, u->commit, &o, &u->sel, by_tuple, update_cb, u) :
			  -errno;
	free(u);
	return ret;
}
