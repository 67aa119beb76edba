/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * floor - the least a connection tracker must do per packet: find the
 * packet's 5-tuple in a hash table of that many entries and bump a
 * counter. A chained table (32-bit bucket heads, one 64-byte entry per
 * connection holding the key in a direction-independent order), looked up
 * in batches with prefetch: hash the whole batch and prefetch its buckets,
 * then prefetch the first entries, then compare and count. The engine
 * benchmark reports engine time / floor time over the same packets.
 */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdint.h>
#include <ctkit/engine.h>

struct floor_key {
	uint8_t addr[2][16]; /* the lower (address, port) endpoint first */
	uint16_t port[2];
	uint8_t l3, l4;
	uint8_t pad[2];
};

struct floor_entry {
	struct floor_key key;
	uint32_t next;
	uint32_t pad;
	uint64_t hits;
} __attribute__((aligned(64)));

struct floor {
	uint32_t *heads;
	struct floor_entry *entries;
	uint32_t buckets, count, max;
};

int floor_init(struct floor *fl, uint32_t max, uint32_t buckets);
/* floor_insert - add the connection of this IP packet (its key must be new). */
int floor_insert(struct floor *fl, const uint8_t *l3);
/* floor_lookup - look up every packet's key, in batches of 32; returns the hits. */
uint64_t floor_lookup(struct floor *fl, const struct ctk_packet *pkts, unsigned int n);
void floor_free(struct floor *fl);

#endif
