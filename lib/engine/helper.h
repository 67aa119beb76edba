/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection helpers (nf_conntrack_helper.c and the ftp and tftp
 * modules) and the sequence adjustment that NAT helpers need
 * (nf_conntrack_seqadj.c). A helper is assigned to a new entry by the
 * firewall (`ct helper set`), runs on the entry's packets at confirm
 * time, may create expectations (expect.h) and, for NATed entries,
 * rewrite the packet.
 */
#ifndef CTK_ENGINE_HELPER_H
#define CTK_ENGINE_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/eng.h"

enum eng_helper_kind {
	ENG_HELPER_NONE,
	ENG_HELPER_FTP,
	ENG_HELPER_TFTP,
};

/* One direction's sequence adjustment (struct nf_ct_seqadj). */
struct eng_seqadj {
	uint32_t correction_pos;
	int32_t offset_before;
	int32_t offset_after;
};

/* A helped entry's state: the helper, FTP's line tracking, the sequence shifts. */
struct eng_help {
	uint8_t kind;		/* enum eng_helper_kind */
	uint8_t nl_num[2];	/* FTP: positions known after a newline, per direction */
	uint32_t nl_seq[2][2];
	struct eng_seqadj seq[2];
	uint32_t children;	/* live entries it was expecting: each holds a reference */
};

/* What a helper made of a packet: its note (a log line of the kernel), and whether it drops it. */
struct eng_help_out {
	bool drop;
	char note[CTK_REASON_MAX];
};

/* The packet a helper reads and may rewrite, at confirm time. */
struct eng_help_pkt {
	uint8_t *l3;
	size_t len;
	size_t cap;		/* room for a longer packet */
	uint32_t l4off;
	enum ctk_dir dir;
	bool established;	/* ctinfo ESTABLISHED or ESTABLISHED_REPLY */
	uint64_t now;
};

/* helper.c: the kind of a helper type name ("ftp", "tftp"), ENG_HELPER_NONE if unknown. */
enum eng_helper_kind eng_helper_kind(const char *type, uint8_t l4proto);
const char *eng_helper_name(enum eng_helper_kind kind);

/* helper.c: @c's helper state, NULL if it has no helper. */
struct eng_help *eng_conn_help(const struct ctk_engine *eng, const struct ctk_conn *c);

/*
 * helper.c: references a master's dump shows in `use` beyond its own: its
 * expectations and the entries that came from them (the kernel counts
 * both in the entry's refcount).
 */
uint32_t eng_helper_refs(const struct ctk_engine *eng, const struct ctk_conn *c);

struct eng_fwext;
/* helper.c: an expected entry's reference to its master, taken and dropped. */
void eng_helper_link(struct ctk_engine *eng, struct ctk_conn *child, struct ctk_conn_handle master,
		     uint64_t now);
void eng_helper_unlink(struct ctk_engine *eng, struct eng_fwext *x);

/* helper.c: run @c's helper, then its sequence adjustment, on @p. */
void eng_helper_confirm(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
			struct eng_help_pkt *p, struct eng_help_out *out);

/* helper_ftp.c, helper_tftp.c */
void eng_ftp_help(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
		  struct eng_help_pkt *p, struct eng_help_out *out);
void eng_tftp_help(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help_pkt *p,
		   struct eng_help_out *out);

/* seqadj.c */
void eng_seqadj_set(struct ctk_conn *c, struct eng_help *h, enum ctk_dir dir, uint32_t seq,
		    int32_t off);
int32_t eng_seqadj_offset(const struct eng_help *h, enum ctk_dir dir, uint32_t seq);
void eng_seqadj_packet(const struct eng_help *h, struct eng_help_pkt *p);

/*
 * helper_ftp.c: replace @match_len payload bytes at @match_off (from the
 * payload's start) by @text, as nf_nat_mangle_tcp_packet(): lengths and
 * checksums follow, the sequence shift is recorded. False when the packet
 * cannot grow that much.
 */
bool eng_mangle_tcp(struct ctk_conn *c, struct eng_help *h, struct eng_help_pkt *p,
		    uint32_t match_off, uint32_t match_len, const char *text, size_t text_len);

#endif
