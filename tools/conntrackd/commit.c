// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The commit of the external cache. Creates go through a libctkit commit
 * pipeline (hundreds per sendmsg, sent by its worker thread while this
 * thread builds the next batch); an entry the kernel already has (EEXIST)
 * is deleted and created again afterwards, as the reference does, so the
 * kernel ends up with exactly the replicated state.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netlink.h>

#include <ctkit/commit.h>

#include "commit.h"
#include "ctd.h"
#include "ctl.h"
#include "expect.h"
#include "log.h"

#define COMMIT_STEP	    8192 /* entries queued per loop round (the reference's commit_steps) */
#define MAX_WAITERS	    16
#define TCP_STATE_TIME_WAIT 7

struct ctd_commit {
	struct ctk_commit *pipe;
	bool running;
	bool ct, exp;	 /* what this commit covers */
	uint32_t cursor; /* next handle of the external cache to commit */
	/* results, written by the pipeline's worker, read after ctk_commit_flush() */
	unsigned long ok, failed;
	uint32_t *exists; /* handles that need delete + create */
	size_t n_exists, cap_exists;
	int first_error;
	struct timespec begun;
	int waiters[MAX_WAITERS];
	int n_waiters;
};

static void nat_from_reply(struct ctk_entry *req, const struct ctk_entry *e)
{
	uint8_t family = e->orig.l3num;
	bool ports = ctk_l4proto_has_ports(e->orig.l4num);

	if (!ctk_entry_has(e, CTK_ATTR_REPLY))
		return;
	if (!ctk_addr_equal(family, &e->reply.dst, &e->orig.src) ||
	    (ports && e->reply.dport != e->orig.sport)) {
		memset(&req->nat_src, 0, sizeof(req->nat_src));
		req->nat_src.min_ip = e->reply.dst;
		if (ports && e->reply.dport != e->orig.sport) {
			req->nat_src.min_port = e->reply.dport;
			req->nat_src.has_port = true;
		}
		ctk_entry_set(req, CTK_ATTR_NAT_SRC);
	}
	if (!ctk_addr_equal(family, &e->reply.src, &e->orig.dst) ||
	    (ports && e->reply.sport != e->orig.dport)) {
		memset(&req->nat_dst, 0, sizeof(req->nat_dst));
		req->nat_dst.min_ip = e->reply.src;
		if (ports && e->reply.sport != e->orig.dport) {
			req->nat_dst.min_port = e->reply.sport;
			req->nat_dst.has_port = true;
		}
		ctk_entry_set(req, CTK_ATTR_NAT_DST);
	}
}

/*
 * Recovered TCP connections: the window is not known, so tracking starts
 * liberal (unless TCPWindowTracking), and a closing connection keeps
 * closing (the reference's flags).
 */
static void tcp_flags(const struct ctd *d, struct ctk_entry *req)
{
	uint8_t f = IP_CT_TCP_FLAG_SACK_PERM;

	if (!ctk_entry_has(req, CTK_ATTR_TCP_STATE))
		return;
	f |= d->cfg->tcp_window_tracking ? IP_CT_TCP_FLAG_WINDOW_SCALE : IP_CT_TCP_FLAG_BE_LIBERAL;
	if (req->tcp.state >= TCP_STATE_TIME_WAIT)
		f |= IP_CT_TCP_FLAG_CLOSE_INIT;
	for (int dir = 0; dir < 2; dir++)
		req->tcp.flags[dir] = req->tcp.flags_mask[dir] = f;
	ctk_entry_set(req, CTK_ATTR_TCP_FLAGS_ORIG);
	ctk_entry_set(req, CTK_ATTR_TCP_FLAGS_REPLY);
}

void ctd_commit_request(const struct ctd *d, struct ctk_entry *req, const struct ctk_entry *e,
			long timeout)
{
	*req = *e;
	ctk_tuple_invert(&req->reply, &e->orig);
	ctk_entry_set(req, CTK_ATTR_REPLY);
	nat_from_reply(req, e);
	if (d->cfg->commit_timeout)
		timeout = d->cfg->commit_timeout;
	if (timeout > 0) {
		req->timeout = (uint32_t)timeout;
		ctk_entry_set(req, CTK_ATTR_TIMEOUT);
	}
	/* the kernel refuses to change the expected bit */
	if (ctk_entry_has(req, CTK_ATTR_STATUS))
		req->status &= ~(uint32_t)IPS_EXPECTED;
	ctk_entry_unset(req, CTK_ATTR_ID);
	tcp_flags(d, req);
}

static void remember_exists(struct ctd_commit *c, uint32_t ref)
{
	if (c->n_exists == c->cap_exists) {
		size_t cap = c->cap_exists ? c->cap_exists * 2 : 1024;
		uint32_t *bigger = realloc(c->exists, cap * sizeof(*bigger));

		if (!bigger) {
			c->failed++;
			return;
		}
		c->exists = bigger;
		c->cap_exists = cap;
	}
	c->exists[c->n_exists++] = ref;
}

/* On the pipeline's worker thread; results never run concurrently. */
static int on_result(const struct ctk_commit_result *r, void *data)
{
	struct ctd_commit *c = data;
	uintptr_t cookie = (uintptr_t)r->cookie;

	if (r->op == CTK_COMMIT_DELETE)
		return 0;
	if (r->err == 0) {
		c->ok++;
	} else if (r->err == -EEXIST && cookie) {
		remember_exists(c, (uint32_t)cookie);
	} else {
		c->failed++;
		if (!c->first_error)
			c->first_error = r->err;
	}
	return 0;
}

static long entry_timeout(const struct ctk_entry *e, const struct ctd_ext *ext)
{
	long left;

	if (!ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		return 0;
	left = (long)e->timeout - (long)(ctd_now_s() - ext->lastupdate);
	return left > 0 ? left : 60;
}

struct step_ctx {
	struct ctd *d;
	unsigned int budget;
	uint32_t last;
	int err;
};

static int commit_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct step_ctx *x = data;
	struct ctd_commit *c = x->d->commit;
	const struct ctk_entry *e = ctk_cache_get(cache, ref);
	struct ctk_entry req;
	long ret;

	x->last = ref;
	ctd_commit_request(x->d, &req, e, entry_timeout(e, ctk_cache_extra(cache, ref)));
	/* the cookie is the handle, to retry after EEXIST; retries carry none */
	ret = ctk_commit_create(c->pipe, req.orig.l3num, &req, NLM_F_CREATE | NLM_F_EXCL,
				(void *)(uintptr_t)ref);
	if (ret < 0) {
		x->err = (int)ret;
		return CTK_CB_STOP;
	}
	return --x->budget ? CTK_CB_OK : CTK_CB_STOP;
}

/* Delete and create again what the kernel already had. */
static int retry_exists(struct ctd *d)
{
	struct ctd_commit *c = d->commit;
	size_t n = c->n_exists;
	int ret = 0;

	c->n_exists = 0;
	for (size_t i = 0; i < n && ret >= 0; i++) {
		const struct ctk_entry *e = ctk_cache_get(d->external_ct.c, c->exists[i]);
		struct ctk_entry req;

		if (!e)
			continue;
		ctd_commit_request(
			d, &req, e,
			entry_timeout(e, ctk_cache_extra(d->external_ct.c, c->exists[i])));
		ret = (int)ctk_commit_delete(c->pipe, req.orig.l3num, &req, NULL);
		if (ret >= 0)
			ret = (int)ctk_commit_create(c->pipe, req.orig.l3num, &req,
						     NLM_F_CREATE | NLM_F_EXCL, NULL);
	}
	if (ret >= 0)
		ret = ctk_commit_flush(c->pipe);
	return ret < 0 ? ret : 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void finish(struct ctd *d, int err)
{
	struct ctd_commit *c = d->commit;
	int status = err ? err : c->first_error;

	c->running = false;
	d->st.commits++;
	d->external_ct.st.commit_ok += c->ok;
	d->external_ct.st.commit_fail += c->failed;
	if (err)
		ctd_log(LOG_ERR, "commit: %s", strerror(-err));
	if (c->ct) {
		ctd_log(LOG_NOTICE, "Committed %lu new entries", c->ok);
		if (c->failed)
			ctd_log(LOG_NOTICE, "%lu entries can't be committed", c->failed);
		ctd_log(LOG_NOTICE, "commit has taken %f seconds", seconds_since(&c->begun));
	}
	/* expectations after their master connections */
	if (c->exp && !err) {
		int ret;

		clock_gettime(CLOCK_MONOTONIC, &c->begun);
		ret = ctd_expect_commit(d);
		if (!status)
			status = ret;
		ctd_log(LOG_NOTICE, "commit has taken %f seconds", seconds_since(&c->begun));
	}
	d->st.last_commit_seconds = seconds_since(&c->begun);
	for (int i = 0; i < c->n_waiters; i++)
		ctd_ctl_finish(d, c->waiters[i], status);
	c->n_waiters = 0;
}

void ctd_commit_step(struct ctd *d)
{
	struct ctd_commit *c = d->commit;
	struct step_ctx x = {.d = d, .budget = COMMIT_STEP};
	int ret;

	if (!c || !c->running)
		return;
	if (!c->ct) {
		finish(d, 0);
		return;
	}
	if (d->external_ct.c)
		ctk_cache_foreach_ref(d->external_ct.c, c->cursor, commit_one, &x);
	if (x.err) {
		finish(d, x.err);
		return;
	}
	if (x.budget == 0) {
		/* more to come: the loop runs again without sleeping */
		c->cursor = x.last + 1;
		ctd_loop_busy(d->loop);
		return;
	}
	ret = ctk_commit_flush(c->pipe);
	if (ret == 0)
		ret = retry_exists(d);
	finish(d, ret);
}

/* Events of the entries we create are ours: the peers must not get them back. */
static void claim_sessions(struct ctd *d, const struct ctk_commit *pipe)
{
	uint32_t ids[64];
	size_t n = ctk_commit_portids(pipe, ids, 64);

	for (size_t i = 0; i < n && i < 64; i++)
		ctd_kernel_own_portid(d, ids[i]);
}

int ctd_commit_start(struct ctd *d, int client_fd, bool ct, bool exp)
{
	struct ctd_commit *c = d->commit;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		d->commit = c;
	}
	if (client_fd >= 0) {
		if (c->n_waiters == MAX_WAITERS)
			return -EBUSY;
		c->waiters[c->n_waiters++] = client_fd;
	}
	if (c->running)
		return 0;
	if (!c->pipe) {
		c->pipe = ctk_commit_new(NULL, on_result, c);
		if (!c->pipe) {
			int err = -errno;

			ctd_log(LOG_ERR, "can't open the commit pipeline: %s", strerror(errno));
			finish(d, err);
			return 0;
		}
	}
	claim_sessions(d, c->pipe);
	c->running = true;
	c->ct = ct;
	c->exp = exp;
	c->cursor = 1;
	c->ok = c->failed = 0;
	c->n_exists = 0;
	c->first_error = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->begun);
	ctd_loop_busy(d->loop);
	return 0;
}

bool ctd_commit_running(const struct ctd *d)
{
	return d->commit && d->commit->running;
}

void ctd_commit_close(struct ctd *d)
{
	struct ctd_commit *c = d->commit;

	if (!c)
		return;
	for (int i = 0; i < c->n_waiters; i++)
		ctd_ctl_finish(d, c->waiters[i], -ECANCELED);
	ctk_commit_close(c->pipe);
	free(c->exists);
	free(c);
	d->commit = NULL;
}
