// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NAT bindings as nf_nat_core.c makes them: nf_nat_setup_info() picks,
 * with get_unique_tuple(), the tuple in the range whose reply is not yet
 * in the table (the original one first, for SNAT also the mapping an
 * earlier connection from the same source got), alters the entry's reply
 * tuple and sets the status bits. The kernel's deterministic parts are
 * reproduced (jhash2 over the addresses to choose an address in a range,
 * the port search order); where it draws random numbers, the engine's
 * seeded generator does. When no free tuple is found the kernel keeps the
 * last one tried and the packet dies at confirmation (an insert clash):
 * so does ctk_engine_confirm().
 *
 * An altered reply tuple no longer hashes to the entry's bucket: NATed
 * entries are hashed a second time by their reply tuple, in a table of
 * their own that lookups consult only while such entries exist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include "engine/fwext.h"

#define NAT_MAX_ATTEMPTS 128	/* NF_NAT_MAX_ATTEMPTS */
#define NAT_RBUCKETS_MAX (1u << 16)

/* ---- the reply hash ---------------------------------------------------- */

static bool tuple_eq(const struct eng_tuple *a, const struct eng_tuple *b)
{
	return a->l3 == b->l3 && a->l4 == b->l4 && a->sport == b->sport &&
	       a->dport == b->dport && a->type == b->type && a->code == b->code &&
	       memcmp(&a->src, &b->src, sizeof(a->src)) == 0 &&
	       memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0;
}

static int rhash_init(struct ctk_engine *eng, struct eng_fw *fw)
{
	uint32_t n = eng->bucket_mask + 1;

	if (fw->rbuckets)
		return 0;
	if (n > NAT_RBUCKETS_MAX)
		n = NAT_RBUCKETS_MAX;
	fw->rbuckets = malloc((size_t)n * sizeof(*fw->rbuckets));
	if (!fw->rbuckets)
		return -ENOMEM;
	memset(fw->rbuckets, 0xff, (size_t)n * sizeof(*fw->rbuckets));
	fw->rmask = n - 1;
	return 0;
}

void eng_nat_link(struct ctk_engine *eng, struct ctk_conn *c)
{
	struct eng_fw *fw = eng->fw;
	struct eng_fwext *x;
	uint32_t b, i;

	if (!(c->flags & CONN_FW))
		return;
	x = eng_fwext(eng, c);
	if (!(x->flags & FWX_REPLY_NAT))
		return;
	/* The table was made with the binding (ctk_engine_nat_setup). */
	b = eng_hash(eng, &x->reply) & fw->rmask;
	i = (uint32_t)(x - fw->ext);
	x->rnext = fw->rbuckets[b];
	fw->rbuckets[b] = i;
	x->flags |= FWX_RLINKED;
	eng->nat_linked++;
}

void eng_nat_unlink(struct ctk_engine *eng, struct ctk_conn *c)
{
	struct eng_fw *fw = eng->fw;
	struct eng_fwext *x = eng_fwext(eng, c);
	uint32_t i = (uint32_t)(x - fw->ext), *pp;

	if (!(x->flags & FWX_RLINKED))
		return;
	pp = &fw->rbuckets[eng_hash(eng, &x->reply) & fw->rmask];
	while (*pp != ENG_NIL && *pp != i)
		pp = &fw->ext[*pp].rnext;
	if (*pp == i)
		*pp = x->rnext;
	x->flags &= (uint8_t)~FWX_RLINKED;
	eng->nat_linked--;
}

struct ctk_conn *eng_nat_find(struct ctk_engine *eng, const struct eng_tuple *t, uint64_t now,
			      enum ctk_dir *dir)
{
	struct eng_fw *fw = eng->fw;
	uint32_t i = fw->rbuckets[eng_hash(eng, t) & fw->rmask];

	while (i != ENG_NIL) {
		struct eng_fwext *x = &fw->ext[i];
		struct ctk_conn *c = eng_conn(eng, x->conn);

		i = x->rnext;
		if (eng_expired(c, now)) {
			eng_kill(eng, c, now);
			continue;
		}
		if (x->zone == eng->cur_zone && tuple_eq(&x->reply, t)) {
			if (dir)
				*dir = CTK_DIR_REPLY;
			return c;
		}
	}
	return NULL;
}

/* ---- tuple selection ---------------------------------------------------- */

/* What a binding is being chosen for. */
struct nat_ctx {
	struct ctk_engine *eng;
	struct ctk_conn *c;
	const struct ctk_nat_range *r;
	enum ctk_nat_manip manip;
	uint16_t zone;
};

static uint64_t nat_random(struct ctk_engine *eng)
{
	/* splitmix64: cheap, and the same sequence for the same seed */
	uint64_t z = (eng->fw->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* nf_nat_used_tuple(): is the reply of @t (an original-direction tuple) taken? */
static bool used_tuple(const struct nat_ctx *n, const struct eng_tuple *t)
{
	struct eng_tuple reply;
	struct ctk_conn *other;

	eng_tuple_invert(t, n->c->reply_type, &reply);
	n->eng->cur_zone = n->zone;
	other = eng_find(n->eng, &reply, eng_hash(n->eng, &reply), n->eng->fw->pkt_now, NULL);
	n->eng->cur_zone = 0;
	return other != NULL && other != n->c;
}

static bool is_icmp(uint8_t l4)
{
	return l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6;
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == IPPROTO_UDPLITE ||
	       l4 == IPPROTO_DCCP || l4 == IPPROTO_SCTP;
}

/* The port (or ICMP id) the manip changes. */
static uint16_t *key_of(struct eng_tuple *t, enum ctk_nat_manip manip)
{
	if (is_icmp(t->l4) || manip == CTK_NAT_MANIP_SRC)
		return &t->sport;
	return &t->dport;
}

/* ICMP keeps its id in both port slots (eng.h): keep them equal. */
static void set_key(struct eng_tuple *t, enum ctk_nat_manip manip, uint16_t v)
{
	*key_of(t, manip) = v;
	if (is_icmp(t->l4))
		t->dport = v;
}

static int addr_cmp(uint8_t l3, const union ctk_addr *a, const union ctk_addr *b)
{
	if (l3 == AF_INET) {
		uint32_t x = ntohl(a->word[0]), y = ntohl(b->word[0]);

		return x < y ? -1 : x > y;
	}
	return memcmp(a->byte, b->byte, 16);
}

/* nf_nat_inet_in_range() on the source address, then l4proto_in_range() for SRC. */
static bool in_range(const struct nat_ctx *n, struct eng_tuple *t)
{
	const struct ctk_nat_range *r = n->r;
	uint16_t key;

	if (r->has_addr && (addr_cmp(t->l3, &t->src, &r->min_addr) < 0 ||
			    addr_cmp(t->l3, &t->src, &r->max_addr) > 0))
		return false;
	if (!r->has_port)
		return true;
	if (!is_icmp(t->l4) && !has_ports(t->l4))
		return true;
	key = *key_of(t, CTK_NAT_MANIP_SRC);
	return key >= r->min_port && key <= r->max_port;
}

static bool l4_in_range(const struct nat_ctx *n, struct eng_tuple *t)
{
	uint16_t key;

	if (!is_icmp(t->l4) && !has_ports(t->l4))
		return true;
	key = *key_of(t, n->manip);
	return key >= n->r->min_port && key <= n->r->max_port;
}

/*
 * find_appropriate_src(): an earlier connection from the same source
 * whose mapping fits the range lends it (the kernel's bysource hash walks
 * newest first: the newest such entry wins).
 */
static bool appropriate_src(const struct nat_ctx *n, const struct eng_tuple *orig,
			    struct eng_tuple *out)
{
	struct eng_fw *fw = n->eng->fw;
	uint32_t best_id = 0;
	bool found = false;

	for (uint32_t i = 0; i < fw->next; i++) {
		const struct eng_fwext *x = &fw->ext[i];
		const struct ctk_conn *c;
		struct eng_tuple o, cand;

		if (x->conn == ENG_NIL || x->zone != n->zone || !(x->flags & FWX_REPLY_NAT))
			continue;
		c = eng_conn(n->eng, x->conn);
		if (c == n->c || !(c->flags & CONN_LINKED) || !(c->status & IPS_SRC_NAT_DONE) ||
		    (found && c->id < best_id))
			continue;
		eng_conn_tuple(c, &o);
		if (o.l4 != orig->l4 || o.l3 != orig->l3 || o.sport != orig->sport ||
		    memcmp(&o.src, &orig->src, sizeof(o.src)) != 0)
			continue;
		eng_tuple_invert(&x->reply, orig->type, &cand);
		cand.dst = orig->dst;
		cand.dport = orig->dport;
		cand.type = orig->type;
		cand.code = orig->code;
		if (is_icmp(cand.l4))
			cand.dport = cand.sport;
		if (!in_range(n, &cand))
			continue;
		*out = cand;
		best_id = c->id;
		found = true;
	}
	return found;
}

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* Bob Jenkins' lookup3 as the kernel's jhash2() computes it. */
static uint32_t jhash2(const uint32_t *k, uint32_t len, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + (len << 2) + initval;
	for (; len > 3; len -= 3, k += 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		a -= c; a ^= rol32(c, 4); c += b;
		b -= a; b ^= rol32(a, 6); a += c;
		c -= b; c ^= rol32(b, 8); b += a;
		a -= c; a ^= rol32(c, 16); c += b;
		b -= a; b ^= rol32(a, 19); a += c;
		c -= b; c ^= rol32(b, 4); b += a;
	}
	switch (len) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		c ^= b; c -= rol32(b, 14);
		a ^= c; a -= rol32(c, 11);
		b ^= a; b -= rol32(a, 25);
		c ^= b; c -= rol32(b, 16);
		a ^= c; a -= rol32(c, 4);
		b ^= a; b -= rol32(a, 14);
		c ^= b; c -= rol32(b, 24);
		break;
	default:
		break;
	}
	return c;
}

/*
 * find_best_ips_proto(): an address of the range chosen by a hash of the
 * tuple's addresses, so that a client keeps its address (the kernel's
 * word by word walk for IPv6 ranges included).
 */
static void best_ip(const struct nat_ctx *n, struct eng_tuple *t)
{
	const struct ctk_nat_range *r = n->r;
	union ctk_addr *var = n->manip == CTK_NAT_MANIP_SRC ? &t->src : &t->dst;
	unsigned int max = t->l3 == AF_INET ? 0 : 3;
	bool full = false;
	uint32_t j;

	if (!r->has_addr)
		return;
	if (memcmp(&r->min_addr, &r->max_addr, t->l3 == AF_INET ? 4 : 16) == 0) {
		memcpy(var, &r->min_addr, t->l3 == AF_INET ? 4 : 16);
		return;
	}
	j = jhash2(t->src.word, 4, r->persistent ? 0 : t->dst.word[max] ^ n->zone);
	for (unsigned int i = 0; i <= max; i++) {
		uint32_t minip = 0, dist = ~0u;

		if (!full) {
			minip = ntohl(r->min_addr.word[i]);
			dist = ntohl(r->max_addr.word[i]) - minip + 1;
		}
		var->word[i] = htonl(minip + (uint32_t)(((uint64_t)j * dist) >> 32));
		if (var->word[i] != r->max_addr.word[i])
			full = true;
		if (!r->persistent)
			j ^= t->dst.word[i];
	}
}

/* nf_nat_l4proto_unique_tuple(): search the port (id) range from a random offset. */
static void unique_l4(const struct nat_ctx *n, struct eng_tuple *t)
{
	const struct ctk_nat_range *r = n->r;
	uint32_t min, size, attempts, off;
	uint16_t key = *key_of(t, n->manip);

	if (is_icmp(t->l4)) {
		min = r->has_port ? r->min_port : 0;
		size = r->has_port ? (uint32_t)r->max_port - r->min_port + 1 : 65536;
	} else if (!has_ports(t->l4)) {
		return;
	} else if (r->has_port) {
		min = r->min_port;
		size = (uint32_t)r->max_port - r->min_port + 1;
	} else if (n->manip == CTK_NAT_MANIP_DST) {
		return;		/* a destination keeps its port unless told */
	} else if (key < 512) {
		min = 1;
		size = 511;
	} else if (key < 1024) {
		min = 600;
		size = 1023 - 600 + 1;
	} else {
		min = 1024;
		size = 65535 - 1024 + 1;
	}
	if (r->random || r->fully_random || n->manip != CTK_NAT_MANIP_DST)
		off = (uint16_t)nat_random(n->eng);
	else
		off = 0;
	attempts = size < NAT_MAX_ATTEMPTS ? size : NAT_MAX_ATTEMPTS;
	for (;;) {
		for (uint32_t i = 0; i < attempts; i++, off++) {
			set_key(t, n->manip, (uint16_t)(min + off % size));
			if (!used_tuple(n, t))
				return;
		}
		if (attempts >= size || attempts < 16)
			return;
		attempts /= 2;
		off = (uint16_t)nat_random(n->eng);
	}
}

/* get_unique_tuple(): @curr is the original tuple as the packet looks after the other manip. */
static void unique_tuple(const struct nat_ctx *n, const struct eng_tuple *curr,
			 struct eng_tuple *t)
{
	const struct ctk_nat_range *r = n->r;
	bool random = r->random || r->fully_random;

	if (n->manip == CTK_NAT_MANIP_SRC && !random) {
		struct eng_tuple cur = *curr;

		if (in_range(n, &cur)) {
			if (!used_tuple(n, curr)) {
				*t = *curr;
				return;
			}
		} else if (appropriate_src(n, curr, t) && !used_tuple(n, t)) {
			return;
		}
	}
	*t = *curr;
	best_ip(n, t);
	if (!random) {
		if (r->has_port) {
			if (l4_in_range(n, t) && (r->min_port == r->max_port || !used_tuple(n, t)))
				return;
		} else if (!used_tuple(n, t)) {
			return;
		}
	}
	unique_l4(n, t);
}

/* The null binding (nf_nat_alloc_null_binding): the address the packet already has. */
static void null_range(const struct ctk_engine *eng, const struct ctk_conn *c,
		       enum ctk_nat_manip manip, struct ctk_nat_range *r)
{
	struct eng_tuple reply;

	eng_conn_reply(eng, c, &reply);
	memset(r, 0, sizeof(*r));
	r->has_addr = true;
	r->min_addr = r->max_addr = manip == CTK_NAT_MANIP_SRC ? reply.dst : reply.src;
}

static uint32_t done_bit(enum ctk_nat_manip manip)
{
	return manip == CTK_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
}

int ctk_engine_nat_setup(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_nat_manip manip,
			 const struct ctk_nat_range *r)
{
	struct ctk_nat_range null;
	struct nat_ctx n = { .eng = eng, .c = c, .manip = manip };
	struct eng_tuple reply, curr, t;
	struct eng_fwext *x;

	if ((manip != CTK_NAT_MANIP_SRC && manip != CTK_NAT_MANIP_DST) || (c->flags & CONN_LINKED))
		return -EINVAL;
	if (c->status & done_bit(manip))
		return -EEXIST;
	if (!eng_fw_get(eng) || rhash_init(eng, eng->fw) != 0)
		return -ENOMEM;
	if (!r) {
		null_range(eng, c, manip, &null);
		r = &null;
	}
	n.r = r;
	n.zone = eng_conn_zone(eng, c);
	eng_conn_reply(eng, c, &reply);
	eng_tuple_invert(&reply, c->type, &curr);
	unique_tuple(&n, &curr, &t);
	if (!tuple_eq(&t, &curr)) {
		x = eng_fwext_get(eng, c);
		if (!x)
			return -ENOMEM;
		eng_tuple_invert(&t, c->reply_type, &x->reply);
		x->flags |= FWX_REPLY_NAT;
		c->status |= manip == CTK_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	}
	c->status |= done_bit(manip);
	return 0;
}

bool ctk_engine_nat_done(const struct ctk_engine *eng, const struct ctk_conn *c,
			 enum ctk_nat_manip manip)
{
	(void)eng;
	return (c->status & done_bit(manip)) != 0;
}
