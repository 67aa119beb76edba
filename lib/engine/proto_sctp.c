// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SCTP tracker with the behaviour of Linux 6.18's nf_conntrack_proto_sctp.c:
 * a state per association driven by the chunks of each packet through a
 * [direction][chunk kind][state] table, verification tags checked as RFC
 * 9260 section 8.5 asks (with its INIT, ABORT, SHUTDOWN COMPLETE, COOKIE
 * ECHO and HEARTBEAT exceptions), ASSURED on reaching ESTABLISHED, and
 * one timeout per state. The CRC32c is verified with nf_conntrack_checksum.
 *
 * The kernel prints verification tags in log lines as raw big-endian words
 * read on a little-endian CPU; the reasons here print them the same way so
 * that they compare equal with an x86 kernel's log.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"

enum sctp_state { S_NONE, S_CLOSED, S_COOKIE_WAIT, S_COOKIE_ECHOED, S_ESTABLISHED,
		  S_SHUTDOWN_SENT, S_SHUTDOWN_RECD, S_SHUTDOWN_ACK_SENT, S_HEARTBEAT_SENT,
		  S_HEARTBEAT_ACKED, S_MAX };

/* Chunk types (RFC 9260 section 3.2). */
enum {
	C_DATA = 0, C_INIT = 1, C_INIT_ACK = 2, C_HEARTBEAT = 4, C_HEARTBEAT_ACK = 5,
	C_ABORT = 6, C_SHUTDOWN = 7, C_SHUTDOWN_ACK = 8, C_ERROR = 9, C_COOKIE_ECHO = 10,
	C_COOKIE_ACK = 11, C_SHUTDOWN_COMPLETE = 14,
};

#define CHUNK_FLAG_T 0x01
#define HEARTBEAT_VTAG_FAILED 0x01

#define sNO S_NONE
#define sCL S_CLOSED
#define sCW S_COOKIE_WAIT
#define sCE S_COOKIE_ECHOED
#define sES S_ESTABLISHED
#define sSS S_SHUTDOWN_SENT
#define sSR S_SHUTDOWN_RECD
#define sSA S_SHUTDOWN_ACK_SENT
#define sHS S_HEARTBEAT_SENT
#define sIV S_MAX

/* Rows: the chunk kinds that move the state; others (DATA, SACK...) keep it. */
enum { K_INIT, K_INIT_ACK, K_ABORT, K_SHUTDOWN, K_SHUTDOWN_ACK, K_ERROR, K_COOKIE_ECHO,
       K_COOKIE_ACK, K_SHUTDOWN_COMPLETE, K_HEARTBEAT, K_HEARTBEAT_ACK, K_MAX };

static const int8_t chunk_kind[16] = {
	[C_DATA] = -1, [C_INIT] = K_INIT, [C_INIT_ACK] = K_INIT_ACK, [3] = -1,
	[C_HEARTBEAT] = K_HEARTBEAT, [C_HEARTBEAT_ACK] = K_HEARTBEAT_ACK, [C_ABORT] = K_ABORT,
	[C_SHUTDOWN] = K_SHUTDOWN, [C_SHUTDOWN_ACK] = K_SHUTDOWN_ACK, [C_ERROR] = K_ERROR,
	[C_COOKIE_ECHO] = K_COOKIE_ECHO, [C_COOKIE_ACK] = K_COOKIE_ACK, [12] = -1, [13] = -1,
	[C_SHUTDOWN_COMPLETE] = K_SHUTDOWN_COMPLETE, [15] = -1,
};

/* new state = transitions[direction][chunk kind][old state] (6.18). */
static const uint8_t transitions[2][K_MAX][S_HEARTBEAT_SENT + 1] = {
	[CTK_DIR_ORIG] = {
/*			  sNO  sCL  sCW  sCE  sES  sSS  sSR  sSA  sHS */
/* init */		{ sCL, sCL, sCW, sCE, sES, sCL, sCL, sSA, sCW },
/* init_ack */		{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
/* abort */		{ sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* shutdown */		{ sCL, sCL, sCW, sCE, sSS, sSS, sSR, sSA, sCL },
/* shutdown_ack */	{ sSA, sCL, sCW, sCE, sES, sSA, sSA, sSA, sSA },
/* error */		{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
/* cookie_echo */	{ sCL, sCL, sCE, sCE, sES, sSS, sSR, sSA, sCL },
/* cookie_ack */	{ sCL, sCL, sCW, sES, sES, sSS, sSR, sSA, sCL },
/* shutdown_comp */	{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sCL, sCL },
/* heartbeat */		{ sHS, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
/* heartbeat_ack */	{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
	},
	[CTK_DIR_REPLY] = {
/*			  sNO  sCL  sCW  sCE  sES  sSS  sSR  sSA  sHS */
/* init */		{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sIV },
/* init_ack */		{ sIV, sCW, sCW, sCE, sES, sSS, sSR, sSA, sIV },
/* abort */		{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV },
/* shutdown */		{ sIV, sCL, sCW, sCE, sSR, sSS, sSR, sSA, sIV },
/* shutdown_ack */	{ sIV, sCL, sCW, sCE, sES, sSA, sSA, sSA, sIV },
/* error */		{ sIV, sCL, sCW, sCL, sES, sSS, sSR, sSA, sIV },
/* cookie_echo */	{ sIV, sCL, sCE, sCE, sES, sSS, sSR, sSA, sIV },
/* cookie_ack */	{ sIV, sCL, sCW, sES, sES, sSS, sSR, sSA, sIV },
/* shutdown_comp */	{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sCL, sIV },
/* heartbeat */		{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
/* heartbeat_ack */	{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sES },
	},
};

static uint8_t next_state(enum ctk_dir dir, uint8_t cur, uint8_t type)
{
	int kind = type < 16 ? chunk_kind[type] : -1;

	if (kind < 0 || cur > S_HEARTBEAT_SENT)
		return cur;
	return transitions[dir][kind][cur];
}

/* CRC32c (Castagnoli, reflected polynomial 0x82f63b78) of each byte value. */
static const uint32_t crc32c_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
	0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
	0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
	0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
	0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
	0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
	0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
	0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
	0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
	0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
	0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
	0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
	0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
	0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
	0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
	0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
	0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
	0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
	0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
	0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
	0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
	0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

/* The CRC32c of RFC 9260 appendix B, with the checksum field read as zero. */
uint32_t eng_crc32c(const uint8_t *p, uint32_t n, uint32_t skip_at)
{
	uint32_t crc = ~0u;

	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = (i >= skip_at && i < skip_at + 4) ? 0 : p[i];

		crc = crc32c_table[(crc ^ b) & 0xff] ^ (crc >> 8);
	}
	return ~crc;
}

static bool crc_ok(const struct eng_pkt *p)
{
	const uint8_t *h = p->l3 + p->l4off;
	uint32_t crc = eng_crc32c(h, p->len - p->l4off, 8);

	/* Stored least significant byte first. */
	return h[8] == (crc & 0xff) && h[9] == ((crc >> 8) & 0xff) &&
	       h[10] == ((crc >> 16) & 0xff) && h[11] == (crc >> 24);
}

/* A raw big-endian word as the kernel's %x shows it on a little-endian CPU. */
static uint32_t as_logged(uint32_t v)
{
	return __builtin_bswap32(v);
}

struct chunk {
	uint8_t type;
	uint8_t flags;
	uint16_t len;
	uint32_t off;
};

/* Chunk iteration: for_each_sctp_chunk(). Returns false at the end. */
static bool chunk_at(const struct eng_pkt *p, uint32_t off, struct chunk *ch)
{
	const uint8_t *c = p->l3 + off;

	if (off >= p->len || off + 4 > p->len)
		return false;
	ch->type = c[0];
	ch->flags = c[1];
	ch->len = get16(c + 2);
	ch->off = off;
	return true;
}

static uint32_t chunk_next(const struct chunk *ch)
{
	return ch->off + ((ch->len + 3u) & ~3u);
}

#define for_each_chunk(p, ch) \
	for (uint32_t _o = (p)->l4off + 12; chunk_at((p), _o, &(ch)); _o = chunk_next(&(ch)))

/*
 * do_basic_checks(): COOKIE ECHO/ACK only first, INIT, INIT ACK and
 * SHUTDOWN COMPLETE alone, no empty chunk. Fills the bitmap of chunk
 * types. Returns false to reject (also when there is no chunk at all).
 */
static bool basic_checks(struct ctk_engine *eng, const struct eng_pkt *p, uint64_t map[4])
{
	uint32_t off = p->l4off + 12, count = 0;
	struct chunk ch;
	int flag = 0;

	while (chunk_at(p, off, &ch)) {
		if (ch.type == C_INIT || ch.type == C_INIT_ACK || ch.type == C_SHUTDOWN_COMPLETE)
			flag = 1;
		if (((ch.type == C_COOKIE_ACK || ch.type == C_COOKIE_ECHO || flag) && count != 0) ||
		    !ch.len) {
			/* The kernel prints the raw length field (and a newline, dropped here). */
			eng_invalid(eng, ENG_INVALID,
				    CTK_INVALID_SCTP_CHUNKS,
				    count, ch.type, (unsigned int)__builtin_bswap16(ch.len), flag);
			return false;
		}
		map[ch.type >> 6] |= 1ull << (ch.type & 63);
		off = chunk_next(&ch);
		count++;
	}
	return count != 0;
}

static bool has(const uint64_t map[4], uint8_t type)
{
	return (map[type >> 6] >> (type & 63)) & 1;
}

/* The INIT/INIT ACK initiate tag, after the 4-byte chunk header. */
static bool init_tag(const struct eng_pkt *p, const struct chunk *ch, uint32_t *tag)
{
	if (ch->off + 4 + 16 > p->len)
		return false;
	*tag = get32(p->l3 + ch->off + 4);
	return true;
}

/* sctp_new(): only chunks that may open an association, each taken from NONE. */
static bool sctp_new(struct ctk_conn *c, const struct eng_pkt *p, uint32_t vtag)
{
	struct chunk ch;
	uint32_t tag;

	memset(&c->p.sctp, 0, sizeof(c->p.sctp));
	for_each_chunk(p, ch) {
		uint8_t st = next_state(CTK_DIR_ORIG, S_NONE, ch.type);

		if (st == S_NONE || st == S_MAX)
			return false;
		if (ch.type == C_INIT) {
			if (vtag || !init_tag(p, &ch, &tag))	/* 8.5.1 (A) */
				return false;
			c->p.sctp.vtag[CTK_DIR_REPLY] = tag;
		} else if (ch.type == C_HEARTBEAT) {
			c->p.sctp.vtag[CTK_DIR_ORIG] = vtag;
		} else if (ch.type == C_SHUTDOWN_ACK) {
			/* Out of the blue: a SHUTDOWN COMPLETE or ABORT answers (8.4). */
			c->p.sctp.vtag[CTK_DIR_REPLY] = vtag;
		}
		c->p.sctp.state = S_NONE;
	}
	return true;
}

/* The chunk types exempt from the plain verification tag check (8.5.1). */
static bool vtag_exempt(const uint64_t map[4])
{
	static const uint8_t exempt[] = { C_INIT, C_SHUTDOWN_COMPLETE, C_COOKIE_ECHO, C_ABORT,
					  C_SHUTDOWN_ACK, C_HEARTBEAT, C_HEARTBEAT_ACK };

	for (size_t i = 0; i < sizeof(exempt); i++)
		if (has(map, exempt[i]))
			return true;
	return false;
}

enum chunk_verdict { CH_GO, CH_SKIP, CH_REJECT };

/* The per-chunk verification tag rules of 8.5.1, and heartbeat re-learning. */
static enum chunk_verdict check_chunk_vtag(struct eng_sctp *s, enum ctk_dir dir, const struct chunk *ch,
					   uint32_t vtag, const uint64_t map[4], bool *ignore)
{
	switch (ch->type) {
	case C_INIT:
		return vtag ? CH_REJECT : CH_GO;	/* (A) */
	case C_ABORT:
	case C_SHUTDOWN_COMPLETE:			/* (B), (C): own tag, or the peer's with T */
		return vtag != s->vtag[(ch->flags & CHUNK_FLAG_T) ? !dir : dir] ? CH_REJECT : CH_GO;
	case C_COOKIE_ECHO:				/* (D) */
		return vtag != s->vtag[dir] ? CH_REJECT : CH_GO;
	case C_COOKIE_ACK:
		s->init[0] = s->init[1] = 0;
		return CH_GO;
	case C_HEARTBEAT:
		if (s->vtag[dir] == 0) {
			s->vtag[dir] = vtag;
		} else if (vtag != s->vtag[dir]) {
			if (has(map, C_DATA) || *ignore)
				return CH_REJECT;
			/* Maybe a restarted peer: let it through, learn from the ACK. */
			s->flags |= HEARTBEAT_VTAG_FAILED;
			s->last_dir = dir;
			*ignore = true;
			return CH_SKIP;
		} else {
			s->flags &= ~HEARTBEAT_VTAG_FAILED;
		}
		return CH_GO;
	case C_HEARTBEAT_ACK:
		if (s->vtag[dir] == 0) {
			s->vtag[dir] = vtag;
		} else if (vtag != s->vtag[dir]) {
			if (has(map, C_DATA) || *ignore)
				return CH_REJECT;
			if (!(s->flags & HEARTBEAT_VTAG_FAILED) || s->last_dir == dir)
				return CH_REJECT;
			s->flags &= ~HEARTBEAT_VTAG_FAILED;
			s->vtag[dir] = vtag;
			s->vtag[!dir] = 0;
		} else {
			s->flags &= ~HEARTBEAT_VTAG_FAILED;
		}
		return CH_GO;
	default:
		return CH_GO;
	}
}

/* INIT and INIT ACK carry the tag the other side must use. */
static bool note_init_tags(struct eng_sctp *s, struct ctk_conn *c, const struct eng_pkt *p,
			   enum ctk_dir dir, const struct chunk *ch, uint8_t old, uint8_t new,
			   bool *ignore)
{
	uint32_t tag;

	if (ch->type != C_INIT && ch->type != C_INIT_ACK)
		return true;
	if (!init_tag(p, ch, &tag))
		return false;
	if (ch->type == C_INIT) {
		if (s->init[dir] && s->init[!dir])
			s->init[!dir] = 0;
		s->init[dir] = 1;
		s->vtag[!dir] = tag;
		/* A retransmitted INIT on a closed entry does not extend its life. */
		if (new == S_CLOSED && old == S_CLOSED && (c->flags & CONN_LINKED))
			*ignore = true;
		return true;
	}
	if (!s->init[!dir] && s->vtag[!dir] && s->vtag[!dir] != tag)
		return false;
	if (s->init[dir] && s->init[!dir] && s->vtag[!dir] != tag)
		return false;			/* INIT collision */
	s->vtag[!dir] = tag;
	return true;
}

static uint64_t state_timeout(const struct ctk_engine *eng, uint8_t st)
{
	const struct ctk_engine_config *c = &eng->cfg;
	uint32_t s;

	switch (st) {
	case S_COOKIE_WAIT: s = c->sctp_timeout_cookie_wait; break;
	case S_COOKIE_ECHOED: s = c->sctp_timeout_cookie_echoed; break;
	case S_ESTABLISHED: s = c->sctp_timeout_established; break;
	case S_SHUTDOWN_SENT: s = c->sctp_timeout_shutdown_sent; break;
	case S_SHUTDOWN_RECD: s = c->sctp_timeout_shutdown_recd; break;
	case S_SHUTDOWN_ACK_SENT: s = c->sctp_timeout_shutdown_ack_sent; break;
	case S_HEARTBEAT_SENT: s = c->sctp_timeout_heartbeat_sent; break;
	default: s = c->sctp_timeout_closed; break;	/* NONE uses CLOSED's */
	}
	return (uint64_t)s * NSEC_PER_SEC;
}

enum eng_res eng_sctp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			     enum ctk_dir dir)
{
	struct eng_sctp *s = &c->p.sctp;
	uint8_t old_state = S_NONE, new_state = S_NONE;
	uint64_t map[4] = { 0 };
	bool ignore = false;
	struct chunk ch;
	uint32_t vtag;

	if (p->len - p->l4off < 12)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_SCTP_SHORT);
	if (eng->cfg.checksum && !crc_ok(p))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_SCTP_CRC);
	vtag = get32(p->l3 + p->l4off + 4);
	if (!basic_checks(eng, p, map))
		return ENG_INVALID;
	if (!(c->flags & CONN_LINKED)) {
		/* Out of the blue ABORT, SHUTDOWN COMPLETE, COOKIE ACK: discard (8.4). */
		if (has(map, C_ABORT) || has(map, C_SHUTDOWN_COMPLETE) || has(map, C_COOKIE_ACK))
			return ENG_INVALID;
		if (!sctp_new(c, p, vtag))
			return ENG_INVALID;
	}
	if (!vtag_exempt(map) && vtag != s->vtag[dir])
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_SCTP_VTAG,
				   as_logged(vtag), as_logged(s->vtag[dir]), dir);

	for_each_chunk(p, ch) {
		switch (check_chunk_vtag(s, dir, &ch, vtag, map, &ignore)) {
		case CH_REJECT:
			return ENG_INVALID;
		case CH_SKIP:
			continue;
		case CH_GO:
			break;
		}
		old_state = s->state;
		new_state = next_state(dir, old_state, ch.type);
		if (new_state == S_MAX)
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_SCTP_STATE,
					   old_state, dir, ch.type);
		if (!note_init_tags(s, c, p, dir, &ch, old_state, new_state, &ignore))
			return ENG_INVALID;
		s->state = new_state;
		if (old_state != new_state) {
			eng->ev_mask |= EV_PROTOINFO;
			if (new_state == S_ESTABLISHED && !(c->status & IPS_ASSURED)) {
				c->status |= IPS_ASSURED;
				eng->ev_mask |= EV_ASSURED;
			}
		}
	}
	if (ignore)
		return ENG_ACCEPT;		/* allowed, but no refresh */
	eng_refresh_acct(eng, c, p, dir, state_timeout(eng, new_state));
	return ENG_ACCEPT;
}
