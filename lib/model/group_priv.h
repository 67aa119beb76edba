/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside struct ctk_groups (ctkit/group.h): what group.c counts and
 * lib/format/group_format.c prints. A group's key holds only what the
 * spec asks for (the rest stays zero), so equal keys are equal bytes.
 */
#ifndef CTK_MODEL_GROUP_PRIV_H
#define CTK_MODEL_GROUP_PRIV_H

#include <stdbool.h>
#include <ctkit/group.h>

struct group_key {
	union ctk_addr src, dst;
	uint32_t labels[CTK_LABEL_WORDS];
	uint32_t mark;
	uint32_t status;
	uint32_t netns;		/* 1 + index in ctk_groups.names, 0: none */
	uint16_t sport, dport;
	uint16_t zone;
	uint8_t family;		/* AF_INET, AF_INET6, for src, dst and family */
	uint8_t l4;		/* for proto */
	uint8_t src_len, dst_len;	/* prefix lengths kept */
	uint8_t has_ports;	/* sport and dport are values */
	uint8_t state;		/* 1 + index in ctk_groups.names of the state's name, 0: none */
};

/* A group and its key; the group comes first, so a group pointer is its record's. */
struct group_rec {
	struct ctk_group grp;
	struct group_key key;
	uint32_t hash;
};

#define GROUP_CHUNK 4096	/* records per chunk: they never move, so pointers stay */

struct ctk_groups {
	struct ctk_group_spec spec;
	uint32_t *index;	/* open addressing: 1 + record number, 0: empty */
	size_t cap;		/* index slots, a power of two */
	size_t n;		/* records */
	struct group_rec **chunks;
	size_t nchunks;
	char **names;		/* interned netns and state names */
	uint32_t nnames;
	uint32_t last_name;	/* the previous netns (1 + index): dumps come namespace by namespace */
};

static inline struct group_rec *group_rec_at(const struct ctk_groups *g, size_t i)
{
	return &g->chunks[i / GROUP_CHUNK][i % GROUP_CHUNK];
}

static inline const struct group_key *group_key_of(const struct ctk_group *g)
{
	return &((const struct group_rec *)(const void *)g)->key;
}

/* The interned name @id (1-based) stands for, "" for 0. */
static inline const char *group_name(const struct ctk_groups *g, uint32_t id)
{
	return id ? g->names[id - 1] : "";
}

#endif
