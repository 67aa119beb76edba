// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TCP tracker with the behaviour of Linux 6.18's nf_conntrack_proto_tcp.c:
 * the state transition table, window tracking after Guido van Rooij's
 * "Real Stateful TCP Packet Filtering in IP Filter" as amended by the
 * kernel (RFC 793 windows, RFC 1323 scaling, SACK), the special cases the
 * table cannot express, the timeout choice, and the reasons the kernel
 * logs for packets it rejects or ignores.
 *
 * We sit in the middle: every packet passes us but may be lost after us,
 * and we assume the endpoints never receive what we did not see. The
 * windows below are our view of them, not theirs.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include "engine/eng.h"
#include "engine/helper.h"

/* Flags in the TCP header's 14th byte. */
enum {
	TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08,
	TH_ACK = 0x10, TH_URG = 0x20, TH_ECE = 0x40, TH_CWR = 0x80,
};

/* Rows of the transition table: what the flags make of a packet. */
enum tcp_index { I_SYN, I_SYNACK, I_FIN, I_ACK, I_RST, I_NONE, I_MAX };

/* Kernel-private flags kept in last_flags (not exported by the UAPI). */
#define TCP_SIMULTANEOUS_OPEN 0x04	/* IP_CT_TCP_SIMULTANEOUS_OPEN */
#define TCP_EXP_CHALLENGE_ACK 0x40	/* IP_CT_EXP_CHALLENGE_ACK */

static const char *const state_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

#define sNO TCP_S_NONE
#define sSS TCP_S_SYN_SENT
#define sSR TCP_S_SYN_RECV
#define sES TCP_S_ESTABLISHED
#define sFW TCP_S_FIN_WAIT
#define sCW TCP_S_CLOSE_WAIT
#define sLA TCP_S_LAST_ACK
#define sTW TCP_S_TIME_WAIT
#define sCL TCP_S_CLOSE
#define sS2 TCP_S_SYN_SENT2
#define sIV TCP_S_MAX
#define sIG TCP_S_IGNORE

/*
 * new state = transitions[direction][packet kind][old state], 6.18's
 * table. sIV: invalid, the packet gets no ct. sIG: ignored, the packet
 * keeps its ct but changes nothing (the endpoints may know better: a
 * RST or SYN/ACK will tell).
 */
static const uint8_t transitions[2][I_MAX][TCP_S_MAX] = {
	[CTK_DIR_ORIG] = {
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* syn */	   { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
	/* sSS: retransmitted SYN; sTW, sCL: reopened (RFC 1122); sES..sLA:
	 * a SYN in window outside SYN_SENT: the server will answer RST, or
	 * we hold a dead connection. */
/* synack */	   { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
	/* Only a simultaneous open lets the originator send SYN/ACK. */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
	/* No FIN before the SYN/ACK reply; FIN after FIN: waiting for the last ACK. */
/* ack */	   { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
	/* sNO -> sES: picked up mid-stream; sLA -> sTW: the last ACK (RFC 5961
	 * challenge ACKs are told apart in code). */
/* rst */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	[CTK_DIR_REPLY] = {
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* syn */	   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
	/* sSS -> sS2: simultaneous open; sTW -> sSS: reopened by the server. */
/* synack */	   { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
	/* Later SYN/ACKs may answer a SYN we ignored: ignore them too. */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ack */	   { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
	/* sSS -> sIG: maybe a half-open connection, or a challenge ACK. */
/* rst */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

/* Legal flag combinations once PSH, ECE and CWR are masked off. */
static const uint8_t valid_flags[TH_FIN | TH_SYN | TH_RST | TH_ACK | TH_URG | 1] = {
	[TH_SYN] = 1,
	[TH_SYN | TH_URG] = 1,
	[TH_SYN | TH_ACK] = 1,
	[TH_RST] = 1,
	[TH_RST | TH_ACK] = 1,
	[TH_FIN | TH_ACK] = 1,
	[TH_FIN | TH_ACK | TH_URG] = 1,
	[TH_ACK] = 1,
	[TH_ACK | TH_URG] = 1,
};

enum tcp_action { A_IGNORE, A_INVALID, A_ACCEPT };

/* The header fields the tracker reads. */
struct tcp_view {
	uint32_t seq;
	uint32_t ack;
	uint32_t end;		/* seq + payload + SYN + FIN */
	uint16_t win;
	uint8_t flags;
	const uint8_t *opt;
	uint32_t optlen;
};

static enum tcp_index packet_index(uint8_t f)
{
	if (f & TH_RST)
		return I_RST;
	if (f & TH_SYN)
		return (f & TH_ACK) ? I_SYNACK : I_SYN;
	if (f & TH_FIN)
		return I_FIN;
	if (f & TH_ACK)
		return I_ACK;
	return I_NONE;
}

/* Window scale and SACK-permitted from the options (tcp_options()). */
static void tcp_options(const struct tcp_view *th, struct tcp_side *s)
{
	const uint8_t *p = th->opt;
	int left = (int)th->optlen;

	if (!left)
		return;
	s->td_scale = 0;
	s->flags &= IP_CT_TCP_FLAG_BE_LIBERAL;
	while (left > 0) {
		int kind = *p++, size;

		if (kind == 0)		/* end of options */
			return;
		if (kind == 1) {	/* NOP */
			left--;
			continue;
		}
		if (left < 2)
			return;
		size = *p++;
		if (size < 2 || size > left)
			return;		/* silly or partial option */
		if (kind == 4 && size == 2) {
			s->flags |= IP_CT_TCP_FLAG_SACK_PERM;
		} else if (kind == 3 && size == 3) {
			s->td_scale = *p > 14 ? 14 : *p;
			s->flags |= IP_CT_TCP_FLAG_WINDOW_SCALE;
		}
		p += size - 2;
		left -= size;
	}
}

/* The highest right edge of the SACK blocks, if above @sack (tcp_sack()). */
static void tcp_sack(const struct tcp_view *th, uint32_t *sack)
{
	const uint8_t *p = th->opt;
	int left = (int)th->optlen;

	/* Timestamps alone, aligned: the common case, nothing to see. */
	if (left == 12 && get32(p) == 0x0101080a)
		return;
	while (left > 0) {
		int kind = *p++, size;

		if (kind == 0)
			return;
		if (kind == 1) {
			left--;
			continue;
		}
		if (left < 2)
			return;
		size = *p++;
		if (size < 2 || size > left)
			return;
		if (kind == 5 && size >= 10 && (size - 2) % 8 == 0) {
			for (int i = 0; i < size - 2; i += 8) {
				uint32_t edge = get32(p + i + 4);

				if (seq_after(edge, *sack))
					*sack = edge;
			}
			return;
		}
		p += size - 2;
		left -= size;
	}
}

/* A SYN (or the first SYN/ACK) starts a direction's window. */
static void init_sender(struct tcp_side *sender, struct tcp_side *receiver,
			const struct tcp_view *th, enum ctk_dir dir)
{
	sender->td_end = sender->td_maxend = th->end;
	sender->td_maxwin = th->win ? th->win : 1;
	tcp_options(th, sender);
	/* RFC 1323: scaling only when both sides offered it. */
	if (dir == CTK_DIR_REPLY &&
	    !((sender->flags & IP_CT_TCP_FLAG_WINDOW_SCALE) &&
	      (receiver->flags & IP_CT_TCP_FLAG_WINDOW_SCALE))) {
		sender->td_scale = 0;
		receiver->td_scale = 0;
	}
}

/* nf_tcp_log_invalid(): liberal connections pass; others are logged. */
static enum tcp_action log_window(struct ctk_engine *eng, const struct tcp_side *sender,
				  enum tcp_action ret, enum ctk_invalid_reason why, uint32_t value)
{
	if ((sender->flags & IP_CT_TCP_FLAG_BE_LIBERAL) || eng->cfg.tcp_be_liberal)
		return A_ACCEPT;
	eng_invalid(eng, ENG_INVALID, why, value);
	return ret;
}

static uint32_t max_ack_window(const struct tcp_side *s)
{
	return s->td_maxwin > 66000 ? s->td_maxwin : 66000;
}

/* First packet of a direction that is not a SYN: guess from what it says. */
static void pick_up_sender(struct tcp_side *sender, struct tcp_side *receiver,
			   const struct tcp_view *th, uint32_t sack)
{
	uint32_t swin = (uint32_t)th->win << sender->td_scale;

	sender->td_end = th->end;
	sender->td_maxwin = swin ? swin : 1;
	sender->td_maxend = th->end + sender->td_maxwin;
	if (receiver->td_maxwin == 0) {
		/* Nothing seen the other way yet: let III and IV pass until then. */
		receiver->td_end = receiver->td_maxend = sack;
	} else if (sack == receiver->td_end + 1) {
		/* Likely the answer to a keepalive. */
		receiver->td_end++;
	}
}

static void note_retransmission(struct eng_tcp *st, enum ctk_dir dir, uint32_t seq,
				uint32_t ack, uint32_t end, uint16_t win)
{
	if (st->last_dir == dir && st->last_seq == seq && st->last_ack == ack &&
	    st->last_end == end && st->last_win == win) {
		if (st->retrans < UINT8_MAX)
			st->retrans++;
		return;
	}
	st->last_dir = dir;
	st->last_seq = seq;
	st->last_ack = ack;
	st->last_end = end;
	st->last_win = win;
	st->retrans = 0;
}

/*
 * The window check (tcp_in_window()). With sender S and receiver R:
 *   I.   seq <= S.td_maxend			(data within what R allows)
 *   II.  end >= S.td_end - R.td_maxwin		(not older than a window)
 *   III. sack <= R.td_end			(no ACK of unseen data)
 *   IV.  sack >= R.td_end - MAXACKWINDOW(S)	(not an ancient ACK)
 */
static enum tcp_action in_window(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_dir dir,
				 enum tcp_index index, const struct tcp_view *th)
{
	struct eng_tcp *st = &c->p.tcp;
	struct tcp_side *sender = &st->seen[dir];
	struct tcp_side *receiver = &st->seen[!dir];
	uint32_t seq = th->seq, ack = th->ack, sack = th->ack, end = th->end;
	uint32_t win = th->win, swin;
	bool in_recv_win;

	if (receiver->flags & IP_CT_TCP_FLAG_SACK_PERM)
		tcp_sack(th, &sack);

	if (sender->td_maxwin == 0) {
		if (th->flags & TH_SYN) {
			init_sender(sender, receiver, th, dir);
			if (!(th->flags & TH_ACK))
				return A_ACCEPT;	/* simultaneous open */
		} else {
			pick_up_sender(sender, receiver, th, sack);
		}
	} else if ((th->flags & TH_SYN) && seq_after(end, sender->td_end) &&
		   (st->state == TCP_S_SYN_SENT || st->state == TCP_S_SYN_RECV)) {
		/* RFC 793: a reinitialised TCP uses higher sequence numbers;
		 * start this direction over as for its first SYN. */
		init_sender(sender, receiver, th, dir);
		if (dir == CTK_DIR_REPLY && !(th->flags & TH_ACK))
			return A_ACCEPT;
	}

	if (!(th->flags & TH_ACK)) {
		ack = sack = receiver->td_end;		/* as if it were set and right */
	} else if ((th->flags & (TH_ACK | TH_RST)) == (TH_ACK | TH_RST) && ack == 0) {
		ack = sack = receiver->td_end;		/* broken stacks: RST/ACK with ack 0 */
	}
	if ((th->flags & TH_RST) && seq == 0 && st->state == TCP_S_SYN_SENT)
		seq = end = sender->td_end;		/* RST answering a SYN */
	if (c->status & IPS_SEQ_ADJUST) {
		/* A NAT helper resized the peer's data: its ack counts the bytes sent on. */
		int32_t off = eng_seqadj_offset(eng_conn_help(eng, c), (enum ctk_dir)!dir, ack - 1);

		ack -= (uint32_t)off;
		sack -= (uint32_t)off;
	}

	if (!seq_before(seq, sender->td_maxend + 1)) {
		uint32_t overshot = end - sender->td_maxend + 1;
		bool ack_ok = seq_after(sack, receiver->td_end - max_ack_window(sender) - 1);

		in_recv_win = receiver->td_maxwin &&
			      seq_after(end, sender->td_end - receiver->td_maxwin - 1);
		if (in_recv_win && ack_ok && overshot <= receiver->td_maxwin &&
		    seq_before(sack, receiver->td_end + 1)) {
			/* A sender overrunning the window a little: remember the
			 * data, so that its ACK does not look bogus later. */
			sender->td_end = end;
			sender->flags |= IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
			return log_window(eng, sender, A_IGNORE, CTK_INVALID_TCP_SEQ_OVERSHOT, overshot);
		}
		return log_window(eng, sender, A_INVALID,
				  CTK_INVALID_TCP_SEQ_OVER,
				  sender->td_maxend + 1);
	}
	if (!seq_before(sack, receiver->td_end + 1))
		return log_window(eng, sender, A_INVALID,
				  CTK_INVALID_TCP_ACK_OVER,
				  receiver->td_end + 1);
	in_recv_win = !receiver->td_maxwin ||
		      seq_after(end, sender->td_end - receiver->td_maxwin - 1);
	if (!in_recv_win)
		return log_window(eng, sender, A_IGNORE,
				  CTK_INVALID_TCP_SEQ_UNDER,
				  sender->td_end - receiver->td_maxwin - 1);
	if (!seq_after(sack, receiver->td_end - max_ack_window(sender) - 1))
		return log_window(eng, sender, A_IGNORE,
				  CTK_INVALID_TCP_ACK_UNDER,
				  receiver->td_end - max_ack_window(sender) - 1);

	if (!(th->flags & TH_SYN))
		win <<= sender->td_scale;
	swin = win + (sack - ack);
	if (sender->td_maxwin < swin)
		sender->td_maxwin = swin;
	if (seq_after(end, sender->td_end)) {
		sender->td_end = end;
		sender->flags |= IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	}
	if (th->flags & TH_ACK) {
		if (!(sender->flags & IP_CT_TCP_FLAG_MAXACK_SET)) {
			sender->td_maxack = ack;
			sender->flags |= IP_CT_TCP_FLAG_MAXACK_SET;
		} else if (seq_after(ack, sender->td_maxack)) {
			sender->td_maxack = ack;
		}
	}
	if (receiver->td_maxwin != 0 && seq_after(end, sender->td_maxend))
		receiver->td_maxwin += end - sender->td_maxend;
	if (seq_after(sack + win, receiver->td_maxend - 1)) {
		receiver->td_maxend = sack + win;
		if (win == 0)
			receiver->td_maxend++;
	}
	if (ack == receiver->td_end)
		receiver->flags &= ~IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	if (index == I_ACK)
		note_retransmission(st, dir, seq, ack, end, th->win);
	return A_ACCEPT;
}

/*
 * nf_tcp_handle_invalid(): an ASSURED connection whose FIN or RST came out
 * of window right after the other side's FIN or RST is probably dead:
 * shorten its timeout to the unacknowledged one.
 */
static void handle_invalid(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_dir dir,
			   enum tcp_index index, uint64_t now)
{
	struct eng_tcp *st = &c->p.tcp;
	uint64_t left, unack = eng->tcp_timeouts[TCP_S_UNACK];

	if (!(c->status & IPS_ASSURED) || (c->status & IPS_FIXED_TIMEOUT))
		return;
	if (index != I_RST && index != I_FIN)
		return;
	if (st->last_dir != dir && (st->last_index == I_FIN || st->last_index == I_RST)) {
		left = c->expires > now ? c->expires - now : 0;
		if (left < 120 * NSEC_PER_SEC)
			return;
		if (left > unack)
			eng_set_timeout(eng, c, now, unack);
	} else {
		st->last_index = index;
		st->last_dir = dir;
	}
}

/* tcp_error(): header length, checksum, flag combination. */
static bool tcp_error(struct ctk_engine *eng, const struct eng_pkt *p, const uint8_t *h,
		      uint32_t tcplen)
{
	uint32_t doff = (h[12] >> 4) * 4u;

	if (doff < 20 || tcplen < doff)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_TRUNC), true;
	if (eng->cfg.checksum && !eng_l4_csum_ok(p, 0))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_CSUM), true;
	if (!valid_flags[h[13] & ~(TH_ECE | TH_CWR | TH_PSH)])
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_FLAGS), true;
	return false;
}

static void read_view(const struct eng_pkt *p, const uint8_t *h, struct tcp_view *th)
{
	uint32_t doff = (h[12] >> 4) * 4u;
	uint32_t payload = p->len - p->l4off - doff;

	th->seq = get32(h + 4);
	th->ack = get32(h + 8);
	th->win = get16(h + 14);
	th->flags = h[13];
	th->opt = h + 20;
	th->optlen = doff - 20;
	th->end = th->seq + payload + !!(th->flags & TH_SYN) + !!(th->flags & TH_FIN);
}

/* tcp_new(): a first packet. SYN starts a connection; others only with tcp_loose. */
static bool tcp_new(struct ctk_engine *eng, struct ctk_conn *c, const struct tcp_view *th)
{
	struct eng_tcp *st = &c->p.tcp;
	uint8_t next = transitions[CTK_DIR_ORIG][packet_index(th->flags)][TCP_S_NONE];

	if (next >= TCP_S_MAX)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_NEW), false;
	if (next != TCP_S_SYN_SENT && !eng->cfg.tcp_loose)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_LOOSE), false;
	memset(st, 0, sizeof(*st));
	st->seen[0].td_end = th->end;
	st->seen[0].td_maxwin = th->win ? th->win : 1;
	if (next == TCP_S_SYN_SENT) {
		st->seen[0].td_maxend = st->seen[0].td_end;
		tcp_options(th, &st->seen[0]);
	} else {
		/* Picked up mid-stream: history lost. Assume SACK and be
		 * liberal, since the window scale was never seen. */
		st->seen[0].td_maxend = st->seen[0].td_end + st->seen[0].td_maxwin;
		st->seen[0].flags = st->seen[1].flags =
			IP_CT_TCP_FLAG_SACK_PERM | IP_CT_TCP_FLAG_BE_LIBERAL;
	}
	st->last_index = I_NONE;
	return true;
}

static bool tcp_established(const struct ctk_conn *c)
{
	return c->p.tcp.state == TCP_S_ESTABLISHED;
}

/* An ignored SYN/ACK that answers the SYN we ignored before: resync (case b). */
static bool resync_from_ignored_syn(struct eng_tcp *st, enum ctk_dir dir, const struct tcp_view *th)
{
	struct tcp_side *last;

	if (!(st->last_index == I_SYN && st->last_dir != dir && th->ack == st->last_end))
		return false;
	last = &st->seen[st->last_dir];
	last->td_end = last->td_maxend = st->last_end;
	last->td_maxwin = st->last_win ? st->last_win : 1;
	last->td_scale = st->last_wscale;
	st->last_flags &= ~TCP_EXP_CHALLENGE_ACK;
	last->flags = st->last_flags;
	memset(&st->seen[dir], 0, offsetof(struct tcp_side, flags));
	st->seen[dir].flags &= IP_CT_TCP_FLAG_BE_LIBERAL;
	return true;
}

/* Remember an ignored packet: it may be the one the endpoints agree on. */
static void note_ignored(struct eng_tcp *st, enum ctk_dir dir, enum tcp_index index,
			 uint8_t old_state, const struct tcp_view *th)
{
	st->last_index = index;
	st->last_dir = dir;
	st->last_seq = th->seq;
	st->last_end = th->end;
	st->last_win = th->win;
	if (index == I_SYN && dir == CTK_DIR_ORIG) {
		struct tcp_side opts = { 0 };

		st->last_flags = st->last_wscale = 0;
		tcp_options(th, &opts);
		if (opts.flags & IP_CT_TCP_FLAG_WINDOW_SCALE) {
			st->last_flags |= IP_CT_TCP_FLAG_WINDOW_SCALE;
			st->last_wscale = opts.td_scale;
		}
		if (opts.flags & IP_CT_TCP_FLAG_SACK_PERM)
			st->last_flags |= IP_CT_TCP_FLAG_SACK_PERM;
		/* An ACK to come may be an RFC 5961 challenge, not the last ACK. */
		if (old_state == TCP_S_LAST_ACK)
			st->last_flags |= TCP_EXP_CHALLENGE_ACK;
	}
	if (old_state == TCP_S_SYN_SENT && index == I_ACK && dir == CTK_DIR_REPLY)
		st->last_ack = th->ack;		/* possibly a challenge ACK to the SYN */
}

enum rst_check { RST_CHECK_WINDOW, RST_SKIP_WINDOW, RST_INVALID };

/* A RST moving to CLOSE: is it believable? (may keep the old state) */
static enum rst_check check_rst(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_dir dir,
				const struct tcp_view *th, uint8_t old_state, uint8_t *new_state)
{
	struct eng_tcp *st = &c->p.tcp;

	/* Closing already: the tuple may be reused, the window data stale. */
	if (eng_tcp_can_early_drop(c))
		return RST_SKIP_WINDOW;
	if ((st->seen[!dir].flags & IP_CT_TCP_FLAG_MAXACK_SET) && st->last_index != I_SYN) {
		if (th->seq == 0 && !tcp_established(c))
			return RST_CHECK_WINDOW;	/* answers a SYN we let through */
		if (seq_before(th->seq, st->seen[!dir].td_maxack) && !eng->cfg.tcp_ignore_invalid_rst) {
			eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_RST);
			return RST_INVALID;
		}
		if (!tcp_established(c) || th->seq == st->seen[!dir].td_maxack)
			return RST_CHECK_WINDOW;
		/* A RST right after our last data segment, in a train. */
		if (st->last_index == I_ACK && st->last_dir == dir && th->seq == st->last_end)
			return RST_CHECK_WINDOW;
		/* Not exactly at the expected sequence: keep the state, the
		 * peer may answer with a challenge ACK. */
		*new_state = old_state;
	}
	if ((((c->status & IPS_SEEN_REPLY) && st->last_index == I_SYN) ||
	     (!(c->status & IPS_ASSURED) && st->last_index == I_ACK)) &&
	    th->ack == st->last_end)
		return RST_SKIP_WINDOW;		/* answers a SYN or ACK we let through */
	if (old_state == TCP_S_SYN_SENT && st->last_index == I_ACK &&
	    st->last_dir == CTK_DIR_REPLY && th->seq == st->last_ack)
		return RST_SKIP_WINDOW;		/* answers a challenge ACK */
	return RST_CHECK_WINDOW;
}

static uint64_t choose_timeout(const struct ctk_engine *eng, const struct eng_tcp *st,
			       uint8_t new_state, enum tcp_index index)
{
	const uint64_t *t = eng->tcp_timeouts;

	if (st->retrans >= eng->cfg.tcp_max_retrans && t[new_state] > t[TCP_S_RETRANS])
		return t[TCP_S_RETRANS];
	if (index == I_RST)
		return t[TCP_S_CLOSE];
	if (((st->seen[0].flags | st->seen[1].flags) & IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED) &&
	    t[new_state] > t[TCP_S_UNACK])
		return t[TCP_S_UNACK];
	if (st->last_win == 0 && t[new_state] > t[TCP_S_RETRANS])
		return t[TCP_S_RETRANS];
	return t[new_state];
}

/* One packet's way through the table. */
struct tcp_step {
	enum ctk_dir dir;
	enum tcp_index index;
	uint8_t old_state;
	uint8_t new_state;
};

/* What to do after the cases the table cannot express. */
enum step_next { NEXT_WINDOW, NEXT_SKIP_WINDOW, NEXT_ACCEPT, NEXT_INVALID, NEXT_REPEAT };

static enum step_next special_cases(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
				    const struct tcp_view *th, struct tcp_step *s)
{
	struct eng_tcp *st = &c->p.tcp;
	enum ctk_dir dir = s->dir;

	switch (s->new_state) {
	case TCP_S_SYN_SENT:
		if (s->old_state < TCP_S_TIME_WAIT)
			return NEXT_WINDOW;
		/* RFC 1122: a SYN may reopen from TIME_WAIT. Also when the
		 * client aborted and starts over: kill, look up again. */
		if (((st->seen[dir].flags | st->seen[!dir].flags) & IP_CT_TCP_FLAG_CLOSE_INIT) ||
		    (st->last_dir == dir && st->last_index == I_RST)) {
			eng_kill(eng, c, p->now);
			return NEXT_REPEAT;
		}
		/* fall through */
	case TCP_S_IGNORE:
		if (s->index == I_SYNACK && resync_from_ignored_syn(st, dir, th)) {
			s->old_state = TCP_S_SYN_SENT;
			s->new_state = TCP_S_SYN_RECV;
			return NEXT_WINDOW;
		}
		note_ignored(st, dir, s->index, s->old_state, th);
		eng_invalid(eng, ENG_ACCEPT, CTK_INVALID_TCP_IGNORED,
			    s->index, dir, state_names[s->old_state]);
		return NEXT_ACCEPT;
	case TCP_S_MAX:
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_STATE,
			    s->index, dir, state_names[s->old_state]);
		return NEXT_INVALID;
	case TCP_S_TIME_WAIT:
		/* An RFC 5961 challenge ACK must not pass for the last ACK. */
		if (s->old_state == TCP_S_LAST_ACK && s->index == I_ACK && st->last_dir != dir &&
		    st->last_index == I_SYN && (st->last_flags & TCP_EXP_CHALLENGE_ACK)) {
			st->last_flags &= ~TCP_EXP_CHALLENGE_ACK;
			eng_invalid(eng, ENG_ACCEPT, CTK_INVALID_TCP_CHALLENGE_ACK);
			return NEXT_ACCEPT;
		}
		return NEXT_WINDOW;
	case TCP_S_SYN_SENT2:
		st->last_flags |= TCP_SIMULTANEOUS_OPEN;	/* beyond the table */
		return NEXT_WINDOW;
	case TCP_S_SYN_RECV:
		if (dir == CTK_DIR_REPLY && s->index == I_ACK && (st->last_flags & TCP_SIMULTANEOUS_OPEN))
			s->new_state = TCP_S_ESTABLISHED;
		return NEXT_WINDOW;
	case TCP_S_CLOSE:
		if (s->index != I_RST)
			return NEXT_WINDOW;
		switch (check_rst(eng, c, dir, th, s->old_state, &s->new_state)) {
		case RST_INVALID:
			return NEXT_INVALID;
		case RST_SKIP_WINDOW:
			return NEXT_SKIP_WINDOW;
		case RST_CHECK_WINDOW:
			break;
		}
		return NEXT_WINDOW;
	default:
		return NEXT_WINDOW;
	}
}

/* An in-window packet: new state, timeout, ASSURED, or the end of it all. */
static enum eng_res commit(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			   const struct tcp_view *th, const struct tcp_step *s, bool *kill)
{
	struct eng_tcp *st = &c->p.tcp;
	uint64_t timeout;

	st->last_index = s->index;
	st->last_dir = s->dir;
	st->state = s->new_state;
	if (s->old_state != s->new_state && s->new_state == TCP_S_FIN_WAIT)
		st->seen[s->dir].flags |= IP_CT_TCP_FLAG_CLOSE_INIT;
	timeout = choose_timeout(eng, st, s->new_state, s->index);
	if (s->new_state != s->old_state)
		eng->ev_mask |= EV_PROTOINFO;

	if (!(c->status & IPS_SEEN_REPLY)) {
		/* Only a RST came back: no connection; forget it at once. */
		if (th->flags & TH_RST) {
			eng_acct(eng, c, p, s->dir);
			*kill = true;
			return ENG_ACCEPT;
		}
		/* A retransmitted SYN does not extend the entry's life, so
		 * port reuse cannot keep it forever. */
		if (s->index == I_SYN && s->old_state == TCP_S_SYN_SENT)
			return ENG_ACCEPT;
		/* Picked up mid-stream, no reply yet: no 5-day timeout. */
		if (s->new_state == TCP_S_ESTABLISHED && timeout > eng->tcp_timeouts[TCP_S_UNACK])
			timeout = eng->tcp_timeouts[TCP_S_UNACK];
	} else if (!(c->status & IPS_ASSURED) &&
		   (s->old_state == TCP_S_SYN_RECV || s->old_state == TCP_S_ESTABLISHED) &&
		   s->new_state == TCP_S_ESTABLISHED) {
		c->status |= IPS_ASSURED;
		eng->ev_mask |= EV_ASSURED;
	}
	eng_refresh_acct(eng, c, p, s->dir, timeout);
	return ENG_ACCEPT;
}

/* nf_conntrack_tcp_packet(). */
enum eng_res eng_tcp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir, bool *kill)
{
	const uint8_t *h = p->l3 + p->l4off;
	uint32_t tcplen = p->len - p->l4off;
	struct tcp_view th;
	struct tcp_step s;

	if (tcplen < 20)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_TCP_SHORT);
	if (tcp_error(eng, p, h, tcplen))
		return ENG_INVALID;
	read_view(p, h, &th);
	if (!(c->flags & CONN_LINKED) && !tcp_new(eng, c, &th))
		return ENG_INVALID;

	s.dir = dir;
	s.index = packet_index(th.flags);
	s.old_state = c->p.tcp.state;
	s.new_state = transitions[dir][s.index][s.old_state];
	switch (special_cases(eng, c, p, &th, &s)) {
	case NEXT_ACCEPT:
		return ENG_ACCEPT;
	case NEXT_INVALID:
		return ENG_INVALID;
	case NEXT_REPEAT:
		return ENG_REPEAT;
	case NEXT_SKIP_WINDOW:
		return commit(eng, c, p, &th, &s, kill);
	case NEXT_WINDOW:
		break;
	}
	switch (in_window(eng, c, dir, s.index, &th)) {
	case A_IGNORE:
		return ENG_ACCEPT;
	case A_INVALID:
		handle_invalid(eng, c, dir, s.index, p->now);
		return ENG_INVALID;
	case A_ACCEPT:
		break;
	}
	return commit(eng, c, p, &th, &s, kill);
}

bool eng_tcp_can_early_drop(const struct ctk_conn *c)
{
	switch (c->p.tcp.state) {
	case TCP_S_FIN_WAIT:
	case TCP_S_LAST_ACK:
	case TCP_S_TIME_WAIT:
	case TCP_S_CLOSE:
	case TCP_S_CLOSE_WAIT:
		return true;
	default:
		return false;
	}
}
