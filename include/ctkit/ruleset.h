/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit ruleset: a firewall's nftables ruleset, read from the JSON that
 * `nft -j list ruleset` prints (libnftables-json(5)), for the firewall
 * path of ctkit/fw.h to run next to the userspace engine.
 *
 * The reader accepts what the evaluator implements and nothing else: an
 * expression, statement, set type or hook it does not implement is an
 * error naming the table, the chain and the rule's handle, never skipped.
 * A ruleset is immutable once read: one may serve several firewalls (and
 * threads) at once. Its memory is owned by the ruleset and released by
 * ctk_ruleset_free().
 */
#ifndef CTKIT_RULESET_H
#define CTKIT_RULESET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_ruleset;

/* Room for an error message ("table inet filter, chain forward, rule handle 7: ..."). */
#define CTK_RULESET_ERR_MAX 512

/*
 * ctk_ruleset_parse - read @len bytes of `nft -j list ruleset` output.
 * Returns the ruleset, or NULL with errno set (EINVAL: not JSON, not a
 * ruleset, or something the evaluator does not implement; ENOMEM) and a
 * one-line message in @err (which may be NULL).
 */
struct ctk_ruleset *ctk_ruleset_parse(const char *json, size_t len, char *err);

/*
 * ctk_ruleset_load - ctk_ruleset_parse() of the file at @path ("-": standard
 * input). NULL with errno set (the open or read error, or as above) and
 * @err filled, prefixed with the path.
 */
struct ctk_ruleset *ctk_ruleset_load(const char *path, char *err);

/* ctk_ruleset_free - release @rs and everything it owns; NULL is a no-op. */
void ctk_ruleset_free(struct ctk_ruleset *rs);

/* ctk_ruleset_count_rules - rules in all chains of @rs (for reports). */
unsigned int ctk_ruleset_count_rules(const struct ctk_ruleset *rs);

#ifdef __cplusplus
}
#endif

#endif
