/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pktgen - synthetic IPv4/IPv6 TCP/UDP packets for the engine benchmark:
 * real headers with correct IPv4 header and TCP/UDP checksums (the engine
 * verifies them, nf_conntrack_checksum=1), TCP sequence numbers that a
 * window-tracking conntrack accepts, and a pcap writer for replay timing.
 *
 * A flow is a function of its id (addresses, ports, class), so a flow can
 * be rebuilt anywhere without a table; only its sequence numbers move.
 */
#ifndef BENCH_PKTGEN_H
#define BENCH_PKTGEN_H

#include <stdint.h>
#include <stdio.h>

/* Enough room for any packet pktgen writes (IPv6 + TCP + payload = 76). */
#define PG_SLOT	   128
#define PG_PAYLOAD 16

enum pg_class {
	PG_TCP4,
	PG_UDP4,
	PG_TCP6,
	PG_UDP6,
	PG_MIX, /* per flow: 60 % TCP/IPv4, 30 % UDP/IPv4, 10 % IPv6 (2/3 TCP) */
};

struct pg_flow {
	uint8_t v6;
	uint8_t proto;	     /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port[2];    /* client, server (host order) */
	uint8_t addr[2][16]; /* client, server; IPv4 in the first 4 bytes */
	uint32_t seq[2];     /* TCP: next sequence number sent by client, server */
};

/* splitmix64: a small, good, seedable generator. */
static inline uint64_t pg_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* pg_flow_init - flow @id of class @cls (ids < 2^24 give distinct tuples). */
void pg_flow_init(struct pg_flow *f, uint32_t id, enum pg_class cls);

/* Packets a flow needs to be established: TCP 3 (SYN, SYN/ACK, ACK), UDP 2. */
unsigned int pg_setup_count(const struct pg_flow *f);
/* pg_setup - write set-up packet @step of @f at @buf; returns its length. */
unsigned int pg_setup(struct pg_flow *f, unsigned int step, uint8_t *buf);
/* pg_data - a data packet (PG_PAYLOAD bytes) in direction @dir (0 = client). */
unsigned int pg_data(struct pg_flow *f, int dir, uint8_t *buf);

/* Zipf-like popularity (s = 1) over n ranks: cumulative weights. */
struct pg_zipf {
	double *cdf;
	uint32_t n;
};
int pg_zipf_init(struct pg_zipf *z, uint32_t n);
uint32_t pg_zipf_rank(const struct pg_zipf *z, uint64_t *rng);
void pg_zipf_free(struct pg_zipf *z);

/* pcap with LINKTYPE_ETHERNET: the file header, then one record per packet. */
int pg_pcap_header(FILE *out);
int pg_pcap_record(FILE *out, uint64_t now_ns, const uint8_t *l3, unsigned int len, int v6);

#endif
