// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -I/-A, -U and -D: changes to the kernel table.
 *
 * -U and -D dump the table and change each matching entry through a second
 * session while the dump runs, as the reference does, but in batches of
 * requests per sendmsg() with the acks collected afterwards. Deliberate fixes
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

#include <ctkit/filter.h>

#include "pending.h"
#include "report.h"
#include "run.h"

#define OPT(o) (1u << (o))

/* -I/-A: complete the missing direction, then create. */
int ct_run_create(struct ct_run *run)
{
	const struct ct_cli *cli = run->cli;
	struct ctk_entry e = cli->tmpl;
	uint16_t flags = NLM_F_CREATE | NLM_F_EXCL;
	int ret;

	if (ctk_entry_has(&e, CTK_ATTR_ORIG) && !ctk_entry_has(&e, CTK_ATTR_REPLY)) {
		ctk_tuple_invert(&e.reply, &e.orig);
		/* ICMP reply fields as the parser derived them (255: no reply type). */
		if (ctk_proto_is_icmp(e.orig.l4num))
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
	ret = ctk_nl_create(run->nl, cli->family, &e, flags);
	if (ret == -EEXIST && cli->cmd == CT_CMD_ADD)
		return 0;	/* -A: already there is fine */
	if (ret == 0)
		run->counter++;
	return ret;
}

/* ---- -D ----------------------------------------------------------------- */

/*
 * Deletes go out in batches on the modifier session while the dump runs;
 * each entry's line is printed once its delete is acked, in dump order.
 */
#define DELETE_BATCH 256

struct delete_ctx {
	struct ct_run *run;
	struct ctk_nl_batch *batch;
	struct ct_pending pending;
};

static void delete_failed(unsigned long index, int err, void *data)
{
	struct delete_ctx *d = data;

	ct_pending_fail(&d->pending, index, err);
}

static int delete_flush(struct delete_ctx *d)
{
	int ret = ctk_nl_batch_send(d->batch);

	if (ret == 0)
		ret = ct_pending_emit(&d->pending, d->run->out, &d->run->counter);
	return ret;
}

static int delete_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct delete_ctx *d = data;
	struct ct_run *run = d->run;
	long index;
	int ret;

	(void)ev;
	if (!ct_selected(run->cli, e))
		return CTK_CB_OK;
	index = ctk_nl_batch_delete(d->batch, e->orig.l3num, e);
	ret = index < 0 ? (int)index : ct_pending_add(&d->pending, index, e, &run->fmt);
	if (ret == 0 && ct_pending_full(&d->pending))
		ret = delete_flush(d);
	if (ret < 0) {
		run->error = ret;
		return CTK_CB_ERROR;
	}
	return CTK_CB_OK;
}

static int open_modifier(struct ct_run *run)
{
	run->modifier = ctk_nl_open();
	return run->modifier ? 0 : -errno;
}

int ct_run_delete(struct ct_run *run)
{
	const struct ctk_filter *f = &run->cli->filter;
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct delete_ctx d = { .run = run };
	int ret;

	/* The reference's delete path prints neither ktimestamp nor labels. */
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_LABELS | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_DESTROY;
	ret = open_modifier(run);
	if (ret < 0)
		return ret;
	ret = ct_pending_init(&d.pending, DELETE_BATCH);
	if (ret < 0)
		return ret;
	d.batch = ctk_nl_batch_new(run->modifier, delete_failed, &d);
	if (!d.batch) {
		ct_pending_free(&d.pending);
		return -ENOMEM;
	}
	if (ctk_filter_has(f, CTK_F_MARK)) {
		o.has_mark = true;
		o.mark = f->mark;
		o.mark_mask = f->mark_mask;
	}
	ret = ct_dump_filtered(run, &o, f, delete_cb, &d);
	if (ret == -ECANCELED && run->error)
		ret = run->error;
	if (ret == 0)
		ret = delete_flush(&d);
	ctk_nl_batch_free(d.batch);
	ct_pending_free(&d.pending);
	return ret;
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
 * -U sends, per matching entry, its update and then a get, in batches of
 * UPDATE_BATCH entries on the modifier session; the answers to the gets
 * arrive in order and are printed as they come, as the reference prints
 * its re-read entries. Which request a number was is kept in a ring.
 */
#define UPDATE_BATCH 128
#define KIND_RING 4096	/* > requests in one batch (two per entry, some auto-sent) */

enum req_kind { REQ_UPDATE, REQ_GET };

struct update_ctx {
	struct ct_run *run;
	struct ctk_filter sel;	/* the selectors of -U (update_selectors) */
	struct ctk_nl_batch *batch;
	unsigned int queued;	/* entries queued since the last send */
	int fatal;		/* first error that stops the command */
	uint8_t kind[KIND_RING];
};

static void update_answer(unsigned long index, const struct ctk_entry *e, void *data)
{
	struct update_ctx *u = data;

	(void)index;
	ct_print_entry(u->run, e, false);
	u->run->counter++;
}

static void update_failed(unsigned long index, int err, void *data)
{
	struct update_ctx *u = data;

	if (err == -ENOENT)
		return;		/* vanished in the meantime: already gone */
	if (u->kind[index % KIND_RING] == REQ_UPDATE)
		fprintf(stderr, "Operation failed: %s\n", ct_err2str(-err, CT_CMD_UPDATE));
	else if (!u->fatal)
		u->fatal = err;
}

static int update_flush(struct update_ctx *u)
{
	int ret = ctk_nl_batch_send(u->batch);

	u->queued = 0;
	if (ret == 0)
		ret = u->fatal;
	return ret;
}

static int queue_update(struct update_ctx *u, const struct ctk_entry *upd)
{
	long index = ctk_nl_batch_create(u->batch, upd->orig.l3num, upd, 0);

	if (index < 0)
		return (int)index;
	u->kind[index % KIND_RING] = REQ_UPDATE;
	index = ctk_nl_batch_get(u->batch, upd->orig.l3num, upd);
	if (index < 0)
		return (int)index;
	u->kind[index % KIND_RING] = REQ_GET;
	if (++u->queued == UPDATE_BATCH)
		return update_flush(u);
	return 0;
}

static int update_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct update_ctx *u = data;
	struct ctk_entry upd;
	int ret;

	(void)ev;
	if (!ctk_filter_match(&u->sel, e))
		return CTK_CB_OK;
	if (!build_update(u->run->cli, e, &upd))
		return CTK_CB_OK;
	ret = queue_update(u, &upd);
	if (ret < 0) {
		u->run->error = ret;
		return CTK_CB_ERROR;
	}
	return CTK_CB_OK;
}

int ct_run_update(struct ct_run *run)
{
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct update_ctx *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_NEW;
	u->run = run;
	u->sel = run->cli->filter;
	u->sel.has = update_selectors(run->cli);
	ret = open_modifier(run);
	if (ret == 0) {
		u->batch = ctk_nl_batch_new(run->modifier, update_failed, u);
		ret = u->batch ? 0 : -ENOMEM;
	}
	if (ret == 0) {
		ctk_nl_batch_on_entry(u->batch, update_answer);
		ret = ct_dump_filtered(run, &o, &u->sel, update_cb, u);
		if (ret == -ECANCELED && run->error)
			ret = run->error;
		if (ret == 0)
			ret = update_flush(u);
	}
	if (u->batch)
		ctk_nl_batch_free(u->batch);
	free(u);
	return ret;
}
