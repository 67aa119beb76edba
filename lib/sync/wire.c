// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TLV layer of sync messages. An attribute's nta_len is its header
 * plus its payload, unpadded, while the next attribute starts at the next
 * 4-byte boundary (the gap is zeroed). The reader applies the reference's
 * msg2ct/msg2exp rules to every attribute and refuses the whole message
 * at the first one that breaks them; like the reference it stops when 4
 * bytes or fewer are left, so such a tail is ignored.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <ctkit/sync.h>
#include "sync/wire.h"

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

void sync_writer_init(struct sync_writer *w, void *buf, size_t cap, uint8_t type)
{
	w->buf = buf;
	/* the length field has 16 bits */
	w->cap = cap > UINT16_MAX ? UINT16_MAX & ~3u : cap;
	w->len = CTK_SYNC_HDR_LEN;
	w->full = w->cap < CTK_SYNC_HDR_LEN;
	if (w->full)
		return;
	memset(w->buf, 0, CTK_SYNC_HDR_LEN);
	w->buf[0] = (uint8_t)(CTK_SYNC_PROTO_VERSION << 4 | (type & 0x0f));
}

int sync_writer_end(struct sync_writer *w)
{
	uint16_t be;

	if (w->full)
		return -ENOSPC;
	be = htons((uint16_t)w->len);
	memcpy(w->buf + 2, &be, sizeof(be));
	return (int)w->len;
}

void sync_put(struct sync_writer *w, uint16_t type, const void *data, size_t len)
{
	size_t total = align4(SYNC_ATTR_HDR + len);
	uint16_t hdr[2];
	uint8_t *p;

	if (w->full || total > w->cap - w->len) {
		w->full = true;
		return;
	}
	p = w->buf + w->len;
	hdr[0] = htons((uint16_t)(SYNC_ATTR_HDR + len));
	hdr[1] = htons(type);
	memcpy(p, hdr, sizeof(hdr));
	if (len)
		memcpy(p + SYNC_ATTR_HDR, data, len);
	memset(p + SYNC_ATTR_HDR + len, 0, total - SYNC_ATTR_HDR - len);
	w->len += total;
}

void sync_put_u8(struct sync_writer *w, uint16_t type, uint8_t v)
{
	sync_put(w, type, &v, sizeof(v));
}

void sync_put_be16(struct sync_writer *w, uint16_t type, uint16_t v)
{
	uint16_t be = htons(v);

	sync_put(w, type, &be, sizeof(be));
}

void sync_put_be32(struct sync_writer *w, uint16_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	sync_put(w, type, &be, sizeof(be));
}

/*
 * The reference sends NAT ports and the ICMP id as htons() of a value it
 * holds in network order, so the wire carries the number in host order:
 * kept, or a reference peer reads another port.
 */
void sync_put_host16(struct sync_writer *w, uint16_t type, uint16_t v)
{
	sync_put(w, type, &v, sizeof(v));
}

void sync_put_str(struct sync_writer *w, uint16_t type, const char *s, size_t max)
{
	sync_put(w, type, s, strnlen(s, max - 1) + 1);
}

void sync_put_addrs(struct sync_writer *w, const struct ctk_tuple *t, uint16_t v4, uint16_t v6)
{
	uint8_t both[32];

	if (t->l3num == AF_INET) {
		memcpy(both, &t->src.v4, 4);
		memcpy(both + 4, &t->dst.v4, 4);
		sync_put(w, v4, both, 8);
	} else if (t->l3num == AF_INET6) {
		memcpy(both, &t->src.v6, 16);
		memcpy(both + 16, &t->dst.v6, 16);
		sync_put(w, v6, both, 32);
	}
}

void sync_put_ports(struct sync_writer *w, uint16_t type, const struct ctk_tuple *t)
{
	uint16_t be[2] = {0, 0};

	if (!t->no_ports) {
		be[0] = htons(t->sport);
		be[1] = htons(t->dport);
	}
	sync_put(w, type, be, sizeof(be));
}

int sync_reader_init(struct sync_reader *r, const void *msg, size_t len,
		     const struct sync_attr_rule *rules, unsigned int nrules)
{
	const uint8_t *p = msg;
	uint16_t hlen;

	if (len < CTK_SYNC_HDR_LEN)
		return -1;
	hlen = sync_get_be16(p + 2);
	if (hlen < CTK_SYNC_HDR_LEN || hlen > len)
		return -1;
	r->pos = p + CTK_SYNC_HDR_LEN;
	r->left = hlen - CTK_SYNC_HDR_LEN;
	r->rules = rules;
	r->nrules = nrules;
	return 0;
}

/* 1 and the next attribute in @a, 0 at the end, -1 for a malformed one. */
int sync_reader_next(struct sync_reader *r, struct sync_attr *a)
{
	const struct sync_attr_rule *rule;
	uint16_t nta_len, type;

	if (r->left <= SYNC_ATTR_HDR)
		return 0;
	nta_len = sync_get_be16(r->pos);
	type = sync_get_be16(r->pos + 2);
	if (nta_len > r->left || nta_len < SYNC_ATTR_HDR || type >= r->nrules)
		return -1;
	rule = &r->rules[type];
	if ((rule->size && nta_len != rule->size) || (rule->max && nta_len > rule->max))
		return -1;
	a->type = type;
	a->len = (uint16_t)(nta_len - SYNC_ATTR_HDR);
	a->data = r->pos + SYNC_ATTR_HDR;
	r->pos += align4(nta_len);
	r->left -= (long)align4(nta_len);
	return 1;
}

uint16_t sync_get_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return ntohs(v);
}

uint32_t sync_get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

uint16_t sync_get_host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void sync_get_addrs(struct ctk_tuple *t, const struct sync_attr *a, uint8_t family)
{
	size_t n = family == AF_INET ? 4 : 16;

	memset(&t->src, 0, sizeof(t->src));
	memset(&t->dst, 0, sizeof(t->dst));
	memcpy(&t->src, a->data, n);
	memcpy(&t->dst, a->data + n, n);
	t->l3num = family;
}

void sync_get_ports(struct ctk_tuple *t, const struct sync_attr *a)
{
	t->sport = sync_get_be16(a->data);
	t->dport = sync_get_be16(a->data + 2);
	t->no_ports = 0;
}

/*
 * A string attribute into @dst, NUL-terminated and cut to @cap - 1 bytes:
 * callers pass the receiver's limit, so what we read we can send again
 * (the reference reads past an attribute without a NUL; we do not).
 */
void sync_get_str(char *dst, size_t cap, const struct sync_attr *a)
{
	size_t n = strnlen((const char *)a->data, a->len);

	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, a->data, n);
	dst[n] = '\0';
}
