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

#define GROUP_STATE_LEN 16

struct group_key {
	union ctk_addr src, dst;
	uint32_t labels[CTK_LABEL_WORDS];
	uint32_t mark;
	uint32_t status;
	uint32_t netns;		/* 1 + index in ctk_groups.netns, 0: none */
	uint16_t sport, dport;
	uint16_t zone;
	uint8_t family;		/* AF_INET, AF_INET6, for src, dst and family */
	uint8_t l4;		/* for proto */
	uint8_t src_len, dst_len;	/* prefix lengths kept */
	uint8_t has_ports;	/* sport and dport are values */
	char state[GROUP_STATE_LEN];	/* the protocol's state name, "" for none */
};

/* A hash slot; the group comes first, so a group pointer is its slot's. */
struct group_slot {
	struct ctk_group grp;
	struct group_key key;
	uint32_t hash;
	bool used;
};

struct ctk_groups {
	struct ctk_group_spec spec;
	struct group_slot *slots;
	size_t cap;		/* a power of two */
	size_t n;
	char **netns;		/* names met, for the netns key */
	uint32_t nnetns;
	uint32_t last_netns;	/* the previous entry's (1 + index): dumps come namespace by namespace */
};

static inline const struct group_key *group_key_of(const struct ctk_group *g)
{
	return &((const struct group_slot *)(const void *)g)->key;
}

#endif
