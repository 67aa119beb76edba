// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Before netfilter's chains (ctk_engine_prepare, ctkit/engine_hook.h):
 * the IP layer's checks that drop a packet before any hook, and the
 * defragmentation that runs first of all hooks (priority -400), so that
 * raw chains and conntrack see whole datagrams. The same steps as the
 * head of ctk_engine_packet()'s path (core.c).
 */
#include "engine/eng.h"

int ctk_engine_prepare(struct ctk_engine *eng, const uint8_t *l3, size_t len, uint64_t now_ns,
		       struct ctk_verdict *v, const uint8_t **dgram, size_t *dlen)
{
	struct eng_pkt p = { .now = now_ns };
	const uint8_t *whole;
	uint32_t wlen;
	int ready = 0;

	eng_verdict_init(eng, v);
	*dgram = l3;
	*dlen = len;
	if (eng->nahead && eng_ahead_peek(eng, l3, len)) {
		/* ctk_engine_prefetch() parsed it: a whole datagram with sound headers */
		v->l3num = eng_ahead_peek(eng, l3, len)->p.l3num;
		eng->v = NULL;
		return 1;
	}
	if (!eng_parse_ip(eng, l3, len, &p)) {
		/* Past the IP layer's checks, conntrack itself finds it invalid. */
		ready = p.tracked;
	} else if (!p.frag) {
		ready = 1;
	} else {
		switch (eng_defrag(eng, &p, &whole, &wlen)) {
		case DEFRAG_HELD:
			v->held = true;
			break;
		case DEFRAG_BAD:
			break;
		case DEFRAG_DONE:
			*dgram = whole;
			*dlen = wlen;
			ready = 1;
			break;
		}
	}
	v->l3num = p.l3num;
	if (!ready)
		eng_verdict_tuple(v, l3, len);
	eng->v = NULL;
	return ready;
}
