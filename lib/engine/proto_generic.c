// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every protocol without a tracker of its own (nf_conntrack_core.c's
 * generic_packet()): one entry per address pair and protocol, refreshed
 * to generic_timeout (600 s) by each packet, never ASSURED. DCCP is
 * tracked this way (6.18 has no DCCP tracker); SCTP has its own
 * (proto_sctp.c).
 */
#include "engine/eng.h"

enum eng_res eng_generic_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
				enum ctk_dir dir)
{
	eng_refresh_acct(eng, c, p, dir, eng->generic_timeout);
	return ENG_ACCEPT;
}
