// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handles: a connection named by its pool slot and the id it was given
 * when it took the slot. Ids only grow, so a slot reused by a later
 * connection carries another id and an old handle no longer matches:
 * resolving or deleting through it fails with -ESTALE instead of
 * reaching the newcomer, which a kept struct ctk_conn pointer would.
 * Nothing here changes the table except ctk_engine_delete(), and that
 * only for the connection named, so all of it is safe from a foreach
 * callback.
 */
#include <errno.h>
#include "engine/eng.h"

struct ctk_conn_handle ctk_engine_conn_handle(const struct ctk_conn *conn)
{
	struct ctk_conn_handle h = {0, 0};

	if (conn) {
		h.index = conn->self;
		h.generation = conn->id;
	}
	return h;
}

int ctk_engine_resolve(const struct ctk_engine *eng, struct ctk_conn_handle h, uint64_t now_ns,
		       struct ctk_conn **conn)
{
	const struct eng_pool *pool = &eng->pool[h.index >> 31];
	struct ctk_conn *c;

	if ((h.index & ~POOL_V6) >= pool->high || h.generation == 0)
		return -EINVAL;
	c = eng_conn(eng, h.index);
	if (!(c->flags & CONN_LINKED) || c->id != h.generation || eng_expired(c, now_ns))
		return -ESTALE;
	*conn = c;
	return 0;
}

int ctk_engine_delete(struct ctk_engine *eng, struct ctk_conn_handle h, uint64_t now_ns)
{
	struct ctk_conn *c;
	int ret = ctk_engine_resolve(eng, h, now_ns, &c);

	if (ret == 0)
		eng_kill(eng, c, now_ns);
	return ret;
}

/* The bucket's chain walked without reaping (eng_find() would kill expired entries). */
int ctk_engine_entry_handle(const struct ctk_engine *eng, const struct ctk_entry *e,
			    uint64_t now_ns, struct ctk_conn_handle *h)
{
	struct eng_tuple t;
	uint32_t idx;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG) || !ctk_entry_has(e, CTK_ATTR_ID))
		return -EINVAL;
	eng_tuple_from_ctk(&e->orig, &t);
	idx = eng->buckets[eng_hash(eng, &t) & eng->bucket_mask];
	while (idx != ENG_NIL) {
		const struct ctk_conn *c = eng_conn(eng, idx);

		idx = c->hnext;
		if (c->id == e->id && !eng_expired(c, now_ns) &&
		    eng_tuple_dir(c, &t) == CTK_DIR_ORIG) {
			*h = ctk_engine_conn_handle(c);
			return 0;
		}
	}
	return -ENOENT;
}
