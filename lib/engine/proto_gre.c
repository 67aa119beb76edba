// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GRE, as Linux 6.18's nf_conntrack_proto_gre.c without a PPTP helper:
 * version 0 flows are keyed by addresses only (keys 0), PPTP's version 1
 * by call id. Unreplied flows live gre_timeout (30 s) after each packet;
 * once both ways were seen, gre_timeout_stream (180 s) and ASSURED.
 */
#include "engine/eng.h"
#include <linux/netfilter/nf_conntrack_common.h>

enum eng_res eng_gre_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir)
{
	if (!(c->status & IPS_SEEN_REPLY)) {
		eng_refresh_acct(eng, c, p, dir, eng->gre_timeouts[0]);
		return ENG_ACCEPT;
	}
	eng_refresh_acct(eng, c, p, dir, eng->gre_timeouts[1]);
	if (!(c->status & IPS_ASSURED)) {
		c->status |= IPS_ASSURED;
		eng->ev_mask |= EV_ASSURED;
	}
	return ENG_ACCEPT;
}
