// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fragment reassembly before tracking, as the kernel's nf_defrag_ipv4 and
 * nf_defrag_ipv6 do at PREROUTING: a fragment is held (conntrack never
 * sees it alone) until its datagram is complete; the completing fragment
 * carries the whole datagram through conntrack.
 *
 * Limits follow the kernel's defaults: a datagram waits at most
 * ipfrag_time (30 s) and at most 64 are pending at once (about the
 * kernel's 4 MB ipfrag_high_thresh for full-size datagrams); the oldest
 * pending one is evicted to make room. Overlapping fragments discard
 * the datagram (RFC 5722 for IPv6, and IPv4 since Linux 4.19); an exact
 * repeat of data already held is dropped alone.
 *
 * The buffers (about 4 MB) are allocated when the first fragment arrives.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "engine/eng.h"

#define FRAG_SLOTS 64
#define FRAG_TIMEOUT (30 * NSEC_PER_SEC)
#define FRAG_HDR_MAX 512		/* unfragmentable part we keep */
#define FRAG_DATA_MAX 65535

struct eng_frag {
	uint64_t deadline;		/* 0: slot free */
	uint64_t born;
	union ctk_addr src;
	union ctk_addr dst;
	uint32_t id;
	uint8_t l3num;
	uint8_t proto;			/* IPv4 protocol; IPv6: next header after the fragment header */
	uint16_t hdrlen;		/* unfragmentable part, from the first fragment */
	uint16_t nh_at;			/* IPv6: offset of the byte that said "fragment" */
	uint32_t total;			/* data length once the last fragment came, else 0 */
	uint32_t have;			/* data bytes held */
	uint8_t map[FRAG_DATA_MAX / 64 + 1];	/* one bit per 8-byte block */
	uint8_t buf[FRAG_HDR_MAX + FRAG_DATA_MAX];
};

struct frag_in {
	union ctk_addr src;
	union ctk_addr dst;
	uint32_t id;
	uint8_t proto;
	uint32_t off;			/* data offset in bytes */
	bool more;
	const uint8_t *data;
	uint32_t len;
	const uint8_t *hdr_src;		/* the IP header */
	uint32_t hdrlen;		/* unfragmentable part of this packet */
	uint32_t nh_at;
};

static bool bit(const uint8_t *m, uint32_t i)
{
	return m[i >> 3] & (1u << (i & 7));
}

/* How much of [first, last] blocks is already held: 0 none, 1 part, 2 all. */
static int coverage(const struct eng_frag *f, uint32_t first, uint32_t last)
{
	uint32_t n = 0;

	for (uint32_t i = first; i <= last; i++)
		n += bit(f->map, i);
	return n == 0 ? 0 : n == last - first + 1 ? 2 : 1;
}

static void mark(struct eng_frag *f, uint32_t first, uint32_t last)
{
	for (uint32_t i = first; i <= last; i++)
		f->map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static bool same_datagram(const struct eng_frag *f, uint8_t l3num, const struct frag_in *in)
{
	return f->deadline && f->l3num == l3num && f->id == in->id &&
	       (l3num == AF_INET6 || f->proto == in->proto) &&
	       memcmp(&f->src, &in->src, sizeof(f->src)) == 0 &&
	       memcmp(&f->dst, &in->dst, sizeof(f->dst)) == 0;
}

/* The pending datagram this fragment belongs to, or a fresh slot. */
static struct eng_frag *find_slot(struct ctk_engine *eng, uint8_t l3num, const struct frag_in *in,
				  uint64_t now)
{
	struct eng_frag *oldest = NULL, *free_slot = NULL;

	for (int i = 0; i < FRAG_SLOTS; i++) {
		struct eng_frag *f = &eng->frags[i];

		if (f->deadline && f->deadline <= now)
			f->deadline = 0;	/* timed out: forgotten */
		if (same_datagram(f, l3num, in))
			return f;
		if (!f->deadline && !free_slot)
			free_slot = f;
		if (f->deadline && (!oldest || f->born < oldest->born))
			oldest = f;
	}
	if (!free_slot)
		free_slot = oldest;
	memset(free_slot, 0, offsetof(struct eng_frag, buf));
	free_slot->deadline = now + FRAG_TIMEOUT;
	free_slot->born = now;
	free_slot->l3num = l3num;
	free_slot->src = in->src;
	free_slot->dst = in->dst;
	free_slot->id = in->id;
	free_slot->proto = in->proto;
	return free_slot;
}

static void ipv4_checksum(uint8_t *h, unsigned int len)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (unsigned int i = 0; i + 1 < len; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
}

/* Put the whole datagram together in front of the data. */
static const uint8_t *assemble(struct eng_frag *f, uint32_t *len)
{
	uint8_t *h = f->buf + FRAG_HDR_MAX - f->hdrlen;
	uint32_t tot = f->hdrlen + f->total;

	if (f->l3num == AF_INET) {
		h[2] = (uint8_t)(tot >> 8);
		h[3] = (uint8_t)tot;
		h[6] = h[7] = 0;
		ipv4_checksum(h, f->hdrlen);
	} else {
		uint32_t plen = tot - 40;

		h[4] = (uint8_t)(plen >> 8);
		h[5] = (uint8_t)plen;
		h[f->nh_at] = f->proto;	/* the fragment header is gone */
	}
	*len = tot;
	return h;
}

static enum eng_defrag add_fragment(struct ctk_engine *eng, struct eng_frag *f, const struct frag_in *in,
				    const uint8_t **out, uint32_t *out_len)
{
	uint32_t end = in->off + in->len;

	if (end > FRAG_DATA_MAX || (in->more && (in->len & 7)) || (in->more && !in->len)) {
		f->deadline = 0;
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_BAD), DEFRAG_BAD;
	}
	if (!in->more) {
		if ((f->total && f->total != end) || end < f->have) {
			f->deadline = 0;
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_LEN), DEFRAG_BAD;
		}
		f->total = end;
	} else if (f->total && end > f->total) {
		f->deadline = 0;
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_END), DEFRAG_BAD;
	}
	if (in->len) {
		switch (coverage(f, in->off / 8, (end - 1) / 8)) {
		case 2:
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_DUP), DEFRAG_BAD;
		case 1:
			f->deadline = 0;
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_OVERLAP),
			       DEFRAG_BAD;
		}
		memcpy(f->buf + FRAG_HDR_MAX + in->off, in->data, in->len);
		mark(f, in->off / 8, (end - 1) / 8);
		f->have += in->len;
	}
	if (in->off == 0) {
		if (in->hdrlen > FRAG_HDR_MAX) {
			f->deadline = 0;
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_HEADERS), DEFRAG_BAD;
		}
		f->hdrlen = (uint16_t)in->hdrlen;
		f->nh_at = (uint16_t)in->nh_at;
		memcpy(f->buf + FRAG_HDR_MAX - in->hdrlen, in->hdr_src, in->hdrlen);
	}
	if (!f->total || f->have != f->total || !f->hdrlen) {
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_HELD);
		return DEFRAG_HELD;
	}
	f->deadline = 0;
	*out = assemble(f, out_len);
	return DEFRAG_DONE;
}

static void read_ipv4(const struct eng_pkt *p, struct frag_in *in)
{
	const uint8_t *h = p->l3;
	uint16_t frag = get16(h + 6);

	memset(in, 0, sizeof(*in));
	memcpy(&in->src, h + 12, 4);
	memcpy(&in->dst, h + 16, 4);
	in->id = get16(h + 4);
	in->proto = h[9];
	in->off = (frag & 0x1fffu) * 8u;
	in->more = frag & 0x2000;
	in->data = h + p->l4off;
	in->len = p->len - p->l4off;
	in->hdr_src = h;
	in->hdrlen = p->l4off;
}

static void read_ipv6(const struct eng_pkt *p, struct frag_in *in)
{
	const uint8_t *h = p->l3, *fh = h + p->frag_at;
	uint16_t frag = get16(fh + 2);

	memset(in, 0, sizeof(*in));
	memcpy(&in->src, h + 8, 16);
	memcpy(&in->dst, h + 24, 16);
	in->id = get32(fh + 4);
	in->proto = fh[0];
	in->off = frag & 0xfff8u;
	in->more = frag & 1;
	in->data = fh + 8;
	in->len = p->len - p->frag_at - 8;
	in->hdr_src = h;
	in->hdrlen = p->frag_at;
	in->nh_at = p->frag_nh_at;
}

enum eng_defrag eng_defrag(struct ctk_engine *eng, const struct eng_pkt *p, const uint8_t **out,
			   uint32_t *out_len)
{
	struct frag_in in;
	struct eng_frag *f;

	if (!eng->frags) {
		eng->frags = calloc(FRAG_SLOTS, sizeof(*eng->frags));
		if (!eng->frags)
			return eng_invalid(eng, ENG_INVALID, CTK_INVALID_FRAG_NOMEM), DEFRAG_BAD;
	}
	if (p->l3num == AF_INET)
		read_ipv4(p, &in);
	else
		read_ipv6(p, &in);
	f = find_slot(eng, p->l3num, &in, p->now);
	return add_fragment(eng, f, &in, out, out_len);
}

void eng_defrag_reset(struct ctk_engine *eng)
{
	/* A slot's header is cleared when it is taken; free is all it needs. */
	for (int i = 0; eng->frags && i < FRAG_SLOTS; i++)
		eng->frags[i].deadline = 0;
}

void eng_defrag_free(struct ctk_engine *eng)
{
	free(eng->frags);
	eng->frags = NULL;
}
