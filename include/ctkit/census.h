/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A census of the conntrack table: how many entries there are of each
 * class (address family, layer-4 protocol, protocol state), kept current
 * from events instead of dumps, for exporters and dashboards that ask
 * often (ctkit-exporter, ctkit-top).
 *
 * It keeps no entries: per live entry only a 64-bit seeded hash of its
 * identity (orig tuple and zone) and its class, in an open-addressing
 * table: about 20 to 40 bytes an entry. That is what an event needs,
 * since a DESTROY event carries no protocol state and an UPDATE carries
 * it only when it changed: the census remembers each entry's class.
 *
 * Feed it every entry of a dump (CTK_EV_NONE) and then every event, in
 * order. It is idempotent where the two overlap: a NEW or a dumped entry
 * already known is re-classed, not counted twice; an UPDATE of an entry
 * not known counts it; a DESTROY of one not known is ignored.
 *
 * Recounts (mark and sweep) set it right where events cannot: after lost
 * events (an overrun), and for silent entries. With the kernel's default
 * net.netfilter.nf_conntrack_events=2, an entry created while nobody in
 * its namespace listened to events never sends any, not even its
 * DESTROY: the entries a first dump finds may be such. The census counts
 * an entry known from dumps only, with no event since, as silent
 * (ctk_census_silent()); while there are any, a caller recounts now and
 * then: ctk_census_recount_begin(), every entry of a dump applied, then
 * ctk_census_recount_end() takes out what the dump did not have. Events
 * may be applied between the two (they count as seen); scrapes may read
 * the counts meanwhile (each entry is counted once throughout).
 *
 * Two distinct live entries whose identities hash alike (a chance of
 * about n^2 / 2^65: 3e-8 at a million entries) would count as one.
 *
 * Threading: none inside; one thread at a time. Errors: functions return
 * 0 (or a count) or a negative errno; ctk_census_new() returns NULL with
 * errno set.
 */
#ifndef CTKIT_CENSUS_H
#define CTKIT_CENSUS_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One class and how many entries it has. */
struct ctk_census_class {
	uint8_t family;	 /* AF_INET, AF_INET6 */
	uint8_t l4proto; /* IPPROTO_* */
	/* The protocol's state name ("ESTABLISHED"), "" for protocols without states. */
	const char *state;
	uint64_t entries;
};

struct ctk_census;

/* ctk_census_new - an empty census. NULL with errno ENOMEM. */
struct ctk_census *ctk_census_new(void);
/* ctk_census_free - NULL is allowed. */
void ctk_census_free(struct ctk_census *c);

/*
 * ctk_census_apply - count @e as event @type says: CTK_EV_NEW, CTK_EV_NONE
 * (an entry of a dump) and CTK_EV_UPDATE put it in its class (moving it
 * when known; an UPDATE without a protocol state keeps the known one),
 * CTK_EV_DESTROY takes it out. Returns 0, -EINVAL for an entry without an
 * orig tuple or an unknown @type, -ENOMEM (the census is then unchanged).
 */
int ctk_census_apply(struct ctk_census *c, const struct ctk_entry *e, enum ctk_event type);

/* ctk_census_recount_begin - start a recount: entries applied from now on are seen. */
void ctk_census_recount_begin(struct ctk_census *c);
/* ctk_census_recount_end - take out every entry not applied since the begin; how many. */
size_t ctk_census_recount_end(struct ctk_census *c);
/* ctk_census_silent - entries known from dumps only, which the kernel may never tell of. */
uint64_t ctk_census_silent(const struct ctk_census *c);

/* ctk_census_clear - forget every entry (before a fresh dump); keeps its memory. */
void ctk_census_clear(struct ctk_census *c);

/* ctk_census_total - the entries counted. */
uint64_t ctk_census_total(const struct ctk_census *c);

/*
 * ctk_census_classes - the classes that have entries, up to @max of them
 * into @out, sorted by family, protocol number and state name. Returns
 * how many there are (more than @max: call again with a bigger array).
 */
size_t ctk_census_classes(const struct ctk_census *c, struct ctk_census_class *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
