// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TFTP helper (nf_conntrack_tftp.c, nf_nat_tftp.c): a read or write
 * request announces the data connection, which comes back from the
 * server's new port to the client's port: the reply tuple with any
 * source port. A NATed request's expectation follows the master's NAT.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/expect.h"
#include "engine/fwext.h"
#include "engine/helper.h"

#define TFTP_MAX_EXPECTED 1
#define TFTP_EXPECT_TIMEOUT (300 * NSEC_PER_SEC)
#define TFTP_RRQ 1
#define TFTP_WRQ 2

void eng_tftp_help(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help_pkt *p,
		   struct eng_help_out *out)
{
	const uint8_t *udp = p->l3 + p->l4off;
	struct eng_expect x;
	uint16_t opcode;

	if (p->l4off + 8 + 2 > p->len)
		return;
	opcode = get16(udp + 8);
	if (opcode != TFTP_RRQ && opcode != TFTP_WRQ)
		return;
	memset(&x, 0, sizeof(x));
	eng_conn_reply(eng, c, &x.tuple);
	x.tuple.sport = 0;
	x.any_sport = true;
	x.zone = eng_conn_zone(eng, c);
	x.expires = p->now + TFTP_EXPECT_TIMEOUT;
	x.master = ctk_engine_conn_handle(c);
	strcpy(x.helper, "tftp");
	if (c->status & (IPS_SRC_NAT | IPS_DST_NAT)) {
		x.nat = true;
		x.nat_dir = CTK_DIR_REPLY;
		x.saved_port = x.tuple.dport;
	}
	if (eng_expect_add(eng, &x, TFTP_MAX_EXPECTED, p->now) != 0) {
		snprintf(out->note, sizeof(out->note), "cannot add expectation");
		out->drop = true;
	}
}
