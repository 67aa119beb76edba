/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The firewall side of an entry (zone, ct mark, NAT binding), kept out of
 * struct ctk_conn so that the plain engine's entries and hot path stay as
 * they are: only an entry that needs one (a zone other than 0, a mark
 * other than 0, a NAT binding) gets an extension, flagged CONN_FW, found
 * through a per-pool slot map allocated on first use.
 */
#ifndef CTK_ENGINE_FWEXT_H
#define CTK_ENGINE_FWEXT_H

#include "engine/eng.h"

struct eng_help;

/* eng_fwext.flags */
enum {
	FWX_REPLY_NAT = 1u << 0,	/* @reply is not the inverse of the original */
	FWX_RLINKED = 1u << 1,		/* @reply is in the NAT reply hash */
};

struct eng_fwext {
	struct eng_tuple reply;	/* the reply tuple, when FWX_REPLY_NAT */
	uint32_t conn;		/* the owner's pool index */
	uint32_t rnext;		/* NAT reply hash chain, or the free list */
	uint32_t mark;
	uint16_t zone;
	uint8_t flags;
	struct eng_help *help;	/* the entry's helper and its state (helper.h), or NULL */
	struct ctk_conn_handle master;	/* an expected entry's master, { 0, 0 } if none */
};

struct eng_fw {
	struct eng_fwext *ext;	/* extensions, by index */
	uint32_t next;		/* extensions ever handed out */
	uint32_t cap;
	uint32_t free_head;
	uint32_t *map[2];	/* pool slot -> extension index, per pool */
	uint32_t map_len[2];
	uint32_t *rbuckets;	/* NAT reply hash: heads of extension chains */
	uint32_t rmask;
	uint8_t *buf;		/* the tracked packet, writable (ctk_engine_track_packet) */
	size_t buf_cap;
	size_t buf_len;
	bool buf_valid;
	const uint8_t *src;	/* the tracked datagram, copied into @buf on first need */
	size_t src_len;
	uint64_t rng;		/* the seeded generator where the kernel is random */
	/* The packet between ctk_engine_track() and its confirm or drop. */
	bool in_packet;
	struct ctk_conn *pkt_conn;
	uint32_t pkt_ev;	/* its held EV_* bits */
	uint64_t pkt_now;
};

/* conn_ext.c */
/* The engine's firewall state, made on first use; NULL without memory. */
struct eng_fw *eng_fw_get(struct ctk_engine *eng);
struct eng_fwext *eng_fwext(const struct ctk_engine *eng, const struct ctk_conn *c);
/* The extension of @c, made if missing (zeroed: zone 0, mark 0); NULL without memory. */
struct eng_fwext *eng_fwext_get(struct ctk_engine *eng, struct ctk_conn *c);
/* Release @c's extension when its slot is freed (CONN_FW is cleared). */
void eng_fwext_free(struct ctk_engine *eng, struct ctk_conn *c);
void eng_fw_reset(struct ctk_engine *eng);
void eng_fw_free(struct ctk_engine *eng);
/* Does an entry with an extension match a lookup in eng->cur_zone in direction @d? */
bool eng_fw_match(const struct ctk_engine *eng, const struct ctk_conn *c, int d);
/* The entry's reply tuple: NATed when bound, else the inverse of the original. */
void eng_conn_reply(const struct ctk_engine *eng, const struct ctk_conn *c, struct eng_tuple *t);
uint16_t eng_conn_zone(const struct ctk_engine *eng, const struct ctk_conn *c);

/*
 * hook.c: the tracked datagram as a writable copy, made on first need
 * (most packets are never rewritten). False without memory or packet.
 */
bool eng_fw_writable(struct eng_fw *fw);

/* nat.c: the NAT reply hash */
void eng_nat_link(struct ctk_engine *eng, struct ctk_conn *c);
void eng_nat_unlink(struct ctk_engine *eng, struct ctk_conn *c);
struct ctk_conn *eng_nat_find(struct ctk_engine *eng, const struct eng_tuple *t, uint64_t now,
			      enum ctk_dir *dir);

#endif
