// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sequence adjustment (nf_conntrack_seqadj.c): when a NAT helper makes a
 * segment longer or shorter, that side's later sequence numbers move by
 * the difference, and the peer's acknowledgements (and SACK blocks) move
 * back. Each direction keeps the position of the last change and the
 * offsets before and after it, so a retransmission of older data is
 * still shifted by the older offset.
 */
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/csum_edit.h"
#include "engine/helper.h"

void eng_seqadj_set(struct ctk_conn *c, struct eng_help *h, enum ctk_dir dir, uint32_t seq,
		    int32_t off)
{
	struct eng_seqadj *s = &h->seq[dir];

	if (off == 0)
		return;
	c->status |= IPS_SEQ_ADJUST;
	if (s->offset_before == s->offset_after || seq_before(s->correction_pos, seq)) {
		s->correction_pos = seq;
		s->offset_before = s->offset_after;
		s->offset_after += off;
	}
}

int32_t eng_seqadj_offset(const struct eng_help *h, enum ctk_dir dir, uint32_t seq)
{
	const struct eng_seqadj *s = &h->seq[dir];

	return seq_after(seq, s->correction_pos) ? s->offset_after : s->offset_before;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Replace the 32-bit number at @at, the TCP checksum at @check following. */
static void replace32(uint8_t *at, uint32_t v, uint8_t *check)
{
	uint8_t old[4], val[4];

	for (int i = 0; i < 4; i++)
		old[i] = at[i];
	put32(val, v);
	eng_csum_replace(check, old, val, 4);
	put32(at, v);
}

/* SACK blocks acknowledge the peer's data: moved back like the ack (nf_ct_sack_adjust). */
static void sack_adjust(uint8_t *th, uint32_t optlen, const struct eng_seqadj *other)
{
	uint8_t *check = th + 16;

	for (uint32_t i = 0; i < optlen;) {
		uint8_t kind = th[20 + i], len;

		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || (len = th[20 + i + 1]) < 2 || i + len > optlen)
			return;
		if (kind == 5 && len >= 10 && (len - 2) % 8 == 0)
			for (uint32_t b = i + 2; b < i + len; b += 4) {
				uint32_t edge = get32(th + 20 + b);
				int32_t off = seq_after(edge - (uint32_t)other->offset_before,
							other->correction_pos) ?
						      other->offset_after : other->offset_before;

				replace32(th + 20 + b, edge - (uint32_t)off, check);
			}
		i += len;
	}
}

void eng_seqadj_packet(const struct eng_help *h, struct eng_help_pkt *p)
{
	const struct eng_seqadj *mine = &h->seq[p->dir], *other = &h->seq[!p->dir];
	uint8_t *th = p->l3 + p->l4off;
	uint32_t seq, ack, doff;
	int32_t off;

	if (p->l4off + 20 > p->len)
		return;
	seq = get32(th + 4);
	off = seq_after(seq, mine->correction_pos) ? mine->offset_after : mine->offset_before;
	replace32(th + 4, seq + (uint32_t)off, th + 16);
	if (!(th[13] & 0x10))
		return;	/* no ACK flag */
	ack = get32(th + 8);
	off = seq_after(ack - (uint32_t)other->offset_before, other->correction_pos) ?
		      other->offset_after : other->offset_before;
	replace32(th + 8, ack - (uint32_t)off, th + 16);
	doff = (th[12] >> 4) * 4u;
	if (doff > 20 && p->l4off + doff <= p->len)
		sack_adjust(th, doff - 20, other);
}
