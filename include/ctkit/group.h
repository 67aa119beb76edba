/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entries counted by keys: "who fills the table?" in one pass. Entries
 * are added one at a time as a dump streams them (nothing of an entry is
 * kept but its group's key), so memory follows the number of groups, not
 * of entries. The groups come out largest first.
 *
 * Keys, by the names ctk_group_spec_parse() takes: src, dst (original
 * direction; src/24, dst/64 group by prefix), sport, dport, proto,
 * family, state (the protocol's), zone, mark, status, label, netns (the
 * name given with each entry).
 *
 * Errors: functions return 0 (or a count) or a negative errno;
 * ctk_groups_new() returns NULL with errno set.
 */
#ifndef CTKIT_GROUP_H
#define CTKIT_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ctk_group_key {
	CTK_GROUP_SRC,
	CTK_GROUP_DST,
	CTK_GROUP_SPORT,
	CTK_GROUP_DPORT,
	CTK_GROUP_PROTO,
	CTK_GROUP_FAMILY,
	CTK_GROUP_STATE,
	CTK_GROUP_ZONE,
	CTK_GROUP_MARK,
	CTK_GROUP_STATUS,
	CTK_GROUP_LABEL,
	CTK_GROUP_NETNS,
};

#define CTK_GROUP_KEYS_MAX 12

/* What entries are grouped by, in the order they are printed. */
struct ctk_group_spec {
	unsigned int nkeys;
	struct {
		enum ctk_group_key key;
		uint8_t prefix4;	/* src, dst: leading bits kept of an IPv4 address (32: all) */
		uint8_t prefix6;	/* ... of an IPv6 address (128: all) */
	} keys[CTK_GROUP_KEYS_MAX];
};

/*
 * ctk_group_spec_parse - "KEY[,KEY...]" into @spec, such as "src/24,dport"
 * (a prefix applies to the family it fits: /24 to IPv4 only, /64 to both).
 * -EINVAL for an unknown or repeated key, a bad prefix, or too many keys;
 * the offending word is copied to @bad (at most @bad_size bytes, may be NULL).
 */
int ctk_group_spec_parse(struct ctk_group_spec *spec, const char *text, char *bad,
			 size_t bad_size);

/* The key's name, as ctk_group_spec_parse() takes it and the output prints it. */
const char *ctk_group_key_name(enum ctk_group_key key);

/* One group: how many entries, and their packets and bytes (both directions). */
struct ctk_group {
	uint64_t count;
	uint64_t packets;
	uint64_t bytes;
	uint64_t with_counters;	/* entries that carried counters (accounting on) */
};

struct ctk_groups;

/* ctk_groups_new - an empty count by @spec (copied). NULL with errno ENOMEM. */
struct ctk_groups *ctk_groups_new(const struct ctk_group_spec *spec);

/*
 * ctk_groups_add - count @e in its group; @netns names its namespace for
 * the netns key (NULL: ""). 0 or -ENOMEM.
 */
int ctk_groups_add(struct ctk_groups *g, const struct ctk_entry *e, const char *netns);

/* ctk_groups_count - how many groups there are. */
size_t ctk_groups_count(const struct ctk_groups *g);

/*
 * ctk_groups_top - the @n largest groups (all for n == 0), by count, then
 * by key, into @out (room for ctk_groups_count() or @n). Returns how many.
 * The pointers stay valid until the next add, clear or the free.
 */
size_t ctk_groups_top(struct ctk_groups *g, size_t n, const struct ctk_group **out);

/* What ctk_groups_top_by() ranks groups by, largest first. */
enum ctk_group_order {
	CTK_GROUP_ORDER_COUNT,		/* entries */
	CTK_GROUP_ORDER_PACKETS,	/* packets, both directions (0 without counters) */
	CTK_GROUP_ORDER_BYTES,		/* bytes, both directions */
};

/*
 * ctk_groups_top_by - as ctk_groups_top(), ranked by @order: the @n
 * largest (all for n == 0), ties by count, then by key. Returns how many;
 * 0 for an unknown @order (or when memory for ranking more than 64
 * groups ran out). The pointers stay valid until the next add, clear or
 * the free.
 */
size_t ctk_groups_top_by(struct ctk_groups *g, enum ctk_group_order order, size_t n,
			 const struct ctk_group **out);

/*
 * ctk_groups_clear - forget every group and keep the memory, so a count
 * redone at every refresh (a top view, an exporter's scrape) allocates
 * only when it outgrows the previous one. Never fails.
 */
void ctk_groups_clear(struct ctk_groups *g);

/*
 * ctk_group_format - one group as a line: text "COUNT KEY=VALUE ..." (then
 * "packets=N bytes=N" when its entries carried counters) or a JSON object
 * {"count":N,"KEY":VALUE,...}, with a newline. @labels names label bits
 * (NULL: numbers). Returns the length, or the length needed if it is
 * @size or more (as snprintf).
 */
struct ctk_labelmap;
int ctk_group_format(const struct ctk_groups *g, const struct ctk_group *grp, int json,
		     const struct ctk_labelmap *labels, char *buf, size_t size);

/*
 * ctk_group_value - the value of the group's @i-th key (in the order of
 * the spec), as ctk_group_format() writes it in text ("-" when the
 * group's entries lack it; "" for @i past the last key). Returns the
 * length, as snprintf.
 */
int ctk_group_value(const struct ctk_groups *g, const struct ctk_group *grp, unsigned int i,
		    const struct ctk_labelmap *labels, char *buf, size_t size);
/* ctk_groups_spec - the spec @g counts by. */
const struct ctk_group_spec *ctk_groups_spec(const struct ctk_groups *g);
/* ctk_groups_free - free @g and its groups; NULL is a no-op. */
void ctk_groups_free(struct ctk_groups *g);

#ifdef __cplusplus
}
#endif

#endif
