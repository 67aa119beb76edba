// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -I/-A, -U and -D: changes to the kernel table.
 *
 * -U and -D dump the table and change each matching entry through a second
 * session while the dump runs, as the reference does, but in batches of
 * requests per sendmsg() with the acks collected afterwards, sent by a
 * worker thread so that the kernel changes entries on one CPU while it
 * walks the table on the other (batch_worker.h). Deliberate fixes
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

#include "batch_worker.h"
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

/* ---- -D and -U: changes sent while the dump runs ------------------------- */

/*
 * One slot of the worker's ring (batch_worker.h): a batch on a session of
 * its own, so the worker sends some while the dump queues into another.
 * The session and the batch belong to whoever holds the slot. Four slots,
 * not two, so the dump can run ahead while the worker waits for a CPU.
 */
#define CHANGE_SLOTS 4

struct change_slot {
	struct ctk_nl *nl;
	struct ctk_nl_batch *batch;
};

static int change_slot_open(struct change_slot *s, ctk_batch_err_cb cb, void *data)
{
	s->nl = ctk_nl_open();
	if (!s->nl)
		return -errno;
	s->batch = ctk_nl_batch_new(s->nl, cb, data);
	return s->batch ? 0 : -ENOMEM;
}

static void change_slot_close(struct change_slot *s)
{
	if (s->batch)
		ctk_nl_batch_free(s->batch);
	if (s->nl)
		ctk_nl_close(s->nl);
	s->batch = NULL;
	s->nl = NULL;
}

/*
 * Dump with @cb, then hand over the last, partly filled slot and wait for
 * the worker. A failure of the worker comes first: it stopped the dump,
 * or it belongs to a batch the dump had already gone past.
 */
static int dump_and_send(struct ct_run *run, struct ct_batch_worker *w,
			 const struct ctk_dump_opts *o, const struct ctk_filter *f, ctk_entry_cb cb,
			 void *data)
{
	int ret = ct_dump_filtered(run, o, f, cb, data);
	int sent;

	if (ret == -ECANCELED && run->error)
		ret = run->error;
	if (ret == 0)
		ret = ct_batch_worker_submit(w);
	sent = ct_batch_worker_finish(w);
	return sent ? sent : ret;
}

/* ---- -D ----------------------------------------------------------------- */

/*
 * Deletes go out in batches while the dump runs, sent by the worker;
 * each entry's line is printed once its delete is acked, in dump order.
 */
#define DELETE_BATCH 256

struct delete_slot {
	struct change_slot ch;
	struct ct_pending pending;	/* the lines of the batch's deletes */
	struct ct_run *run;
};

static void delete_failed(unsigned long index, int err, void *data)
{
	struct delete_slot *s = data;

	ct_pending_fail(&s->pending, index, err);
}

/* The worker: send a batch, print what the kernel deleted. */
static int delete_send(void *slot, void *data)
{
	struct delete_slot *s = slot;
	int ret = ctk_nl_batch_send(s->ch.batch);

	(void)data;
	if (ret == 0)
		ret = ct_pending_emit(&s->pending, s->run->out, &s->run->counter);
	return ret;
}

static int delete_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ct_batch_worker *w = data;
	struct delete_slot *s = ct_batch_worker_slot(w);
	struct ct_run *run = s->run;
	long index;
	int ret;

	(void)ev;
	if (!ct_selected(run->cli, e))
		return CTK_CB_OK;
	index = ctk_nl_batch_delete(s->ch.batch, e->orig.l3num, e);
	ret = index < 0 ? (int)index : ct_pending_add(&s->pending, index, e, &run->fmt);
	if (ret == 0 && ct_pending_full(&s->pending))
		ret = ct_batch_worker_submit(w);
	if (ret < 0) {
		run->error = ret;
		return CTK_CB_ERROR;
	}
	return CTK_CB_OK;
}

static int delete_slot_open(struct delete_slot *s, struct ct_run *run)
{
	int ret = ct_pending_init(&s->pending, DELETE_BATCH);

	s->run = run;
	return ret < 0 ? ret : change_slot_open(&s->ch, delete_failed, s);
}

static void delete_slot_close(struct delete_slot *s)
{
	change_slot_close(&s->ch);
	ct_pending_free(&s->pending);
}

int ct_run_delete(struct ct_run *run)
{
	const struct ctk_filter *f = &run->cli->filter;
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct delete_slot slot[CHANGE_SLOTS] = { 0 };
	void *ring[CHANGE_SLOTS];
	struct ct_batch_worker *w = NULL;
	int ret = 0;

	/* The reference's delete path prints neither ktimestamp nor labels. */
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_LABELS | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_DESTROY;
	for (int i = 0; i < CHANGE_SLOTS && ret == 0; i++) {
		ret = delete_slot_open(&slot[i], run);
		ring[i] = &slot[i];
	}
	if (ret == 0) {
		w = ct_batch_worker_start(ring, CHANGE_SLOTS, delete_send, NULL);
		ret = w ? 0 : -errno;
	}
	if (ctk_filter_has(f, CTK_F_MARK)) {
		o.has_mark = true;
		o.mark = f->mark;
		o.mark_mask = f->mark_mask;
	}
	if (ret == 0)
		ret = dump_and_send(run, w, &o, f, delete_cb, w);
	for (int i = 0; i < CHANGE_SLOTS; i++)
		delete_slot_close(&slot[i]);
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
 * UPDATE_BATCH entries sent by the worker; the answers to the gets arrive
 * in order and are printed as they come, as the reference prints its
 * re-read entries. Which request a number was is kept in a ring. A batch
 * of UPDATE_BATCH entries fits in one batch buffer (a full update and its
 * get stay under 400 bytes), so the dump's thread never sends or prints.
 */
#define UPDATE_BATCH 128
#define KIND_RING 4096	/* > requests in one batch (two per entry) */

enum req_kind { REQ_UPDATE, REQ_GET };

struct update_slot {
	struct change_slot ch;
	struct ct_run *run;
	unsigned int queued;	/* entries queued since the last send */
	int fatal;		/* first error that stops the command */
	uint8_t kind[KIND_RING];
};

struct update_ctx {
	struct ct_run *run;
	struct ctk_filter sel;	/* the selectors of -U (update_selectors) */
	struct ct_batch_worker *worker;
	struct update_slot slot[CHANGE_SLOTS];
};

static void update_answer(unsigned long index, const struct ctk_entry *e, void *data)
{
	struct update_slot *s = data;

	(void)index;
	ct_print_entry(s->run, e, false);
	s->run->counter++;
}

static void update_failed(unsigned long index, int err, void *data)
{
	struct update_slot *s = data;

	if (err == -ENOENT)
		return;		/* vanished in the meantime: already gone */
	if (s->kind[index % KIND_RING] == REQ_UPDATE)
		fprintf(stderr, "Operation failed: %s\n", ct_err2str(-err, CT_CMD_UPDATE));
	else if (!s->fatal)
		s->fatal = err;
}

/* The worker: send a batch; the answers print as they arrive. */
static int update_send(void *slot, void *data)
{
	struct update_slot *s = slot;
	int ret = ctk_nl_batch_send(s->ch.batch);

	(void)data;
	s->queued = 0;
	return ret ? ret : s->fatal;
}

static int queue_update(struct update_ctx *u, const struct ctk_entry *upd)
{
	struct update_slot *s = ct_batch_worker_slot(u->worker);
	long index = ctk_nl_batch_create(s->ch.batch, upd->orig.l3num, upd, 0);

	if (index < 0)
		return (int)index;
	s->kind[index % KIND_RING] = REQ_UPDATE;
	index = ctk_nl_batch_get(s->ch.batch, upd->orig.l3num, upd);
	if (index < 0)
		return (int)index;
	s->kind[index % KIND_RING] = REQ_GET;
	if (++s->queued == UPDATE_BATCH)
		return ct_batch_worker_submit(u->worker);
	return 0;
}

static int update_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct update_ctx *u = data;
	struct ct_run *run = u->run;
	struct ctk_entry upd;
	int ret;

	(void)ev;
	if (!ctk_filter_match(&u->sel, e))
		return CTK_CB_OK;
	if (!build_update(run->cli, e, &upd))
		return CTK_CB_OK;
	ret = queue_update(u, &upd);
	if (ret < 0) {
		run->error = ret;
		return CTK_CB_ERROR;
	}
	return CTK_CB_OK;
}

static int update_slot_open(struct update_slot *s, struct ct_run *run)
{
	int ret = change_slot_open(&s->ch, update_failed, s);

	s->run = run;
	if (ret == 0)
		ctk_nl_batch_on_entry(s->ch.batch, update_answer);
	return ret;
}

int ct_run_update(struct ct_run *run)
{
	struct ctk_dump_opts o = { .family = run->cli->family };
	struct update_ctx *u = calloc(1, sizeof(*u));
	void *ring[CHANGE_SLOTS];
	int ret = 0;

	if (!u)
		return -ENOMEM;
	run->fmt.flags &= ~(CTK_FMT_F_KTIMESTAMP | CTK_FMT_F_TIMESTAMP);
	run->fmt.save_as = CTK_EV_NEW;
	u->run = run;
	u->sel = run->cli->filter;
	u->sel.has = update_selectors(run->cli);
	for (int i = 0; i < CHANGE_SLOTS && ret == 0; i++) {
		ret = update_slot_open(&u->slot[i], run);
		ring[i] = &u->slot[i];
	}
	if (ret == 0) {
		u->worker = ct_batch_worker_start(ring, CHANGE_SLOTS, update_send, NULL);
		ret = u->worker ? 0 : -errno;
	}
	if (ret == 0)
		ret = dump_and_send(run, u->worker, &o, &u->sel, update_cb, u);
	for (int i = 0; i < CHANGE_SLOTS; i++)
		change_slot_close(&u->slot[i].ch);
	free(u);
	return ret;
}
