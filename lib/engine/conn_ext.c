// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Firewall extensions of entries (fwext.h): made on demand, found through
 * a slot map per pool, freed with their entry's slot. The zone, mark and
 * status accessors of ctkit/engine_hook.h read them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include "engine/fwext.h"
#include "engine/helper.h"

struct eng_fw *eng_fw_get(struct ctk_engine *eng)
{
	if (!eng->fw) {
		eng->fw = calloc(1, sizeof(*eng->fw));
		if (!eng->fw)
			return NULL;
		eng->fw->free_head = ENG_NIL;
		eng->fw->rng = eng->seed ^ 0x9e3779b97f4a7c15ull;
	}
	return eng->fw;
}

struct eng_fwext *eng_fwext(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	const struct eng_fw *fw = eng->fw;

	return &fw->ext[fw->map[c->self >> 31][c->self & ~POOL_V6]];
}

/* The slot map covers the pool's capacity at the time: grow it with the pool. */
static int map_cover(struct ctk_engine *eng, struct eng_fw *fw, uint32_t slot)
{
	int p = slot >> 31;
	uint32_t i = slot & ~POOL_V6, len = eng->pool[p].capacity;
	uint32_t *m;

	if (i < fw->map_len[p])
		return 0;
	if (len <= i)
		len = i + 1;
	m = realloc(fw->map[p], (size_t)len * sizeof(*m));
	if (!m)
		return -ENOMEM;
	fw->map[p] = m;
	fw->map_len[p] = len;
	return 0;
}

static uint32_t ext_take(struct eng_fw *fw)
{
	uint32_t i;

	if (fw->free_head != ENG_NIL) {
		i = fw->free_head;
		fw->free_head = fw->ext[i].rnext;
		return i;
	}
	if (fw->next == fw->cap) {
		uint32_t cap = fw->cap ? fw->cap * 2 : 256;
		struct eng_fwext *x = realloc(fw->ext, (size_t)cap * sizeof(*x));

		if (!x)
			return ENG_NIL;
		fw->ext = x;
		fw->cap = cap;
	}
	return fw->next++;
}

struct eng_fwext *eng_fwext_get(struct ctk_engine *eng, struct ctk_conn *c)
{
	struct eng_fw *fw;
	struct eng_fwext *x;
	uint32_t i;

	if (c->flags & CONN_FW)
		return eng_fwext(eng, c);
	fw = eng_fw_get(eng);
	if (!fw || map_cover(eng, fw, c->self) != 0)
		return NULL;
	i = ext_take(fw);
	if (i == ENG_NIL)
		return NULL;
	x = &fw->ext[i];
	memset(x, 0, sizeof(*x));
	x->conn = c->self;
	x->rnext = ENG_NIL;
	fw->map[c->self >> 31][c->self & ~POOL_V6] = i;
	c->flags |= CONN_FW;
	return x;
}

void eng_fwext_free(struct ctk_engine *eng, struct ctk_conn *c)
{
	struct eng_fw *fw = eng->fw;
	uint32_t i = fw->map[c->self >> 31][c->self & ~POOL_V6];

	eng_helper_unlink(eng, &fw->ext[i]);
	free(fw->ext[i].help);
	fw->ext[i].help = NULL;
	fw->ext[i].conn = ENG_NIL;	/* no owner: appropriate_src() skips it */
	fw->ext[i].rnext = fw->free_head;
	fw->free_head = i;
	c->flags &= (uint8_t)~CONN_FW;
}

/* Helper state is the only memory an extension owns. */
static void free_helps(struct eng_fw *fw)
{
	for (uint32_t i = 0; i < fw->next; i++) {
		free(fw->ext[i].help);
		fw->ext[i].help = NULL;
	}
}

void eng_fw_reset(struct ctk_engine *eng)
{
	struct eng_fw *fw = eng->fw;

	eng->nat_linked = 0;
	eng->cur_zone = 0;
	if (!fw)
		return;
	free_helps(fw);
	fw->next = 0;
	fw->free_head = ENG_NIL;
	fw->buf_valid = false;
	fw->src = NULL;
	fw->in_packet = false;
	fw->pkt_conn = NULL;
	fw->rng = eng->seed ^ 0x9e3779b97f4a7c15ull;
	if (fw->rbuckets)
		memset(fw->rbuckets, 0xff, ((size_t)fw->rmask + 1) * sizeof(*fw->rbuckets));
}

void eng_fw_free(struct ctk_engine *eng)
{
	struct eng_fw *fw = eng->fw;

	if (!fw)
		return;
	free_helps(fw);
	free(fw->ext);
	free(fw->map[0]);
	free(fw->map[1]);
	free(fw->rbuckets);
	free(fw->buf);
	free(fw);
	eng->fw = NULL;
}

bool eng_fw_match(const struct ctk_engine *eng, const struct ctk_conn *c, int d)
{
	const struct eng_fwext *x = eng_fwext(eng, c);

	if (x->zone != eng->cur_zone)
		return false;
	/* A NATed reply is matched by its own tuple (eng_nat_find), not the inverse. */
	return d == CTK_DIR_ORIG || !(x->flags & FWX_REPLY_NAT);
}

void eng_conn_reply(const struct ctk_engine *eng, const struct ctk_conn *c, struct eng_tuple *t)
{
	struct eng_tuple orig;

	if ((c->flags & CONN_FW) && (eng_fwext(eng, c)->flags & FWX_REPLY_NAT)) {
		*t = eng_fwext(eng, c)->reply;
		return;
	}
	eng_conn_tuple(c, &orig);
	eng_tuple_invert(&orig, c->reply_type, t);
}

uint16_t eng_conn_zone(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	return (c->flags & CONN_FW) ? eng_fwext(eng, c)->zone : 0;
}

uint32_t ctk_engine_conn_mark(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	return (c->flags & CONN_FW) ? eng_fwext(eng, c)->mark : 0;
}

uint16_t ctk_engine_conn_zone(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	return eng_conn_zone(eng, c);
}

/*
 * nft's `ct mark set` (nft_ct_set_eval): a change raises IPCT_MARK. For
 * the packet being tracked it joins the packet's events; for another
 * confirmed entry it waits for that entry's next packet, as the kernel's
 * event cache does.
 */
int ctk_engine_conn_set_mark(struct ctk_engine *eng, struct ctk_conn *c, uint32_t mark)
{
	struct eng_fwext *x;

	if (ctk_engine_conn_mark(eng, c) == mark)
		return 0;
	x = eng_fwext_get(eng, c);
	if (!x)
		return -ENOMEM;
	x->mark = mark;
	if (!(c->flags & CONN_LINKED))
		return 0;
	if (eng->fw->in_packet && eng->fw->pkt_conn == c)
		eng->fw->pkt_ev |= EV_MARK;
	else
		c->flags |= (uint8_t)(EV_MARK << CONN_PEND_SHIFT);
	return 0;
}

uint32_t ctk_engine_conn_status(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	(void)eng;
	return c->status;
}

uint32_t ctk_engine_conn_expires_ms(const struct ctk_engine *eng, const struct ctk_conn *c,
				    uint64_t now_ns)
{
	(void)eng;
	return c->expires > now_ns ? (uint32_t)((c->expires - now_ns) / 1000000u) : 0;
}

void ctk_engine_conn_tuple(const struct ctk_engine *eng, const struct ctk_conn *c,
			   enum ctk_dir dir, struct ctk_tuple *t)
{
	struct eng_tuple et;

	if (dir == CTK_DIR_REPLY)
		eng_conn_reply(eng, c, &et);
	else
		eng_conn_tuple(c, &et);
	eng_tuple_to_ctk(&et, t);
}
