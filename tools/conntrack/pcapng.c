// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pcapng reader (see pcapng.h). Every block is read whole into one
 * buffer that grows to the largest block seen (at most BLOCK_MAX, as
 * libpcap's limit), and every length in it is checked against the block
 * before it is used: a cut or corrupt file is an error naming the byte
 * offset of the block, never a read past the buffer.
 */
#include <byteswap.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

#define NS_PER_S	 1000000000ull
#define BLOCK_MIN	 12u /* type, length, trailing length */
#define BLOCK_MAX	 (16u << 20)
#define IFACES_MAX	 65536u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

enum {
	BT_PB = 2, /* the obsolete Packet Block */
	BT_SPB = 3,
	BT_EPB = 6,
	OPT_END = 0,
	OPT_IF_NAME = 2,
	OPT_IF_TSRESOL = 9,
	OPT_IF_TSOFFSET = 14,
	OPT_EPB_FLAGS = 2, /* also pack_flags of the Packet Block */
};

struct ng_iface {
	uint32_t linktype;
	uint32_t snaplen;
	uint8_t resol;	  /* exponent of the time stamp unit */
	bool pow2;	  /* 2^-resol, else 10^-resol */
	int64_t offset_s; /* if_tsoffset */
	bool named;
	char name[128]; /* if_name, cut to fit */
};

struct ct_pcapng {
	FILE *f;
	const char *name;
	bool swapped; /* the section's byte order is not the host's */
	uint8_t *buf; /* the current block's body and trailing length */
	size_t cap;
	uint64_t offset; /* of the current block in the file */
	uint64_t next_offset;
	struct ng_iface *ifs;
	size_t n_ifs, cap_ifs;
};

static int fail(struct ct_pcapng *ng, char err[CT_PCAP_ERR_MAX], const char *what)
{
	snprintf(err, CT_PCAP_ERR_MAX, "capture `%s': %s (pcapng block at byte %llu)", ng->name,
		 what, (unsigned long long)ng->offset);
	return -1;
}

static uint32_t get32(const struct ct_pcapng *ng, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ng->swapped ? bswap_32(v) : v;
}

static uint16_t get16(const struct ct_pcapng *ng, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return ng->swapped ? bswap_16(v) : v;
}

static uint64_t get64(const struct ct_pcapng *ng, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return ng->swapped ? bswap_64(v) : v;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool read_exact(struct ct_pcapng *ng, uint8_t *to, size_t n)
{
	return fread(to, 1, n, ng->f) == n;
}

static bool reserve(struct ct_pcapng *ng, size_t n)
{
	uint8_t *b;

	if (n <= ng->cap)
		return true;
	b = realloc(ng->buf, n);
	if (!b)
		return false;
	ng->buf = b;
	ng->cap = n;
	return true;
}

/*
 * The Section Header Block's byte-order magic follows its length; it
 * says how to read that length and everything else in the section.
 */
static int read_byte_order(struct ct_pcapng *ng, char err[CT_PCAP_ERR_MAX])
{
	uint32_t bom;

	if (!reserve(ng, 4) || !read_exact(ng, ng->buf, 4))
		return fail(ng, err, ng->cap < 4 ? strerror(ENOMEM) : "truncated section header");
	memcpy(&bom, ng->buf, sizeof(bom));
	if (bom == BYTE_ORDER_MAGIC)
		ng->swapped = false;
	else if (bom == bswap_32(BYTE_ORDER_MAGIC))
		ng->swapped = true;
	else
		return fail(ng, err, "bad byte-order magic in the section header");
	return 0;
}

/*
 * Read one block into ng->buf: 1 with its @type and @body_len, 0 at a
 * clean end of file, -1 with @err set. A section header's body starts
 * with its byte-order magic, already read.
 */
static int read_block(struct ct_pcapng *ng, uint32_t *type, size_t *body_len,
		      char err[CT_PCAP_ERR_MAX])
{
	uint8_t hdr[8];
	size_t n, have = 0;
	uint32_t len;

	ng->offset = ng->next_offset;
	n = fread(hdr, 1, sizeof(hdr), ng->f);
	if (n == 0 && !ferror(ng->f))
		return 0;
	if (n < sizeof(hdr))
		return fail(ng, err, "truncated block header");
	memcpy(type, hdr, sizeof(*type));
	if (*type == CT_PCAPNG_MAGIC) {
		if (read_byte_order(ng, err) < 0)
			return -1;
		have = 4;
	} else {
		*type = get32(ng, hdr);
	}
	len = get32(ng, hdr + 4);
	if (len < BLOCK_MIN + have || len % 4 || len > BLOCK_MAX)
		return fail(ng, err, "bad block length");
	*body_len = len - BLOCK_MIN;
	if (!reserve(ng, *body_len + 4))
		return fail(ng, err, strerror(ENOMEM));
	if (!read_exact(ng, ng->buf + have, *body_len + 4 - have))
		return fail(ng, err, "truncated block");
	if (get32(ng, ng->buf + *body_len) != len)
		return fail(ng, err, "block lengths disagree");
	ng->next_offset += len;
	return 1;
}

/* The value of option @code among the options at [p, end); NULL if absent or malformed. */
static const uint8_t *find_option(const struct ct_pcapng *ng, const uint8_t *p, const uint8_t *end,
				  uint16_t code, uint16_t *olen)
{
	while (end - p >= 4) {
		uint16_t c = get16(ng, p), l = get16(ng, p + 2);

		if (c == OPT_END || (size_t)(end - p - 4) < l)
			return NULL;
		if (c == code) {
			*olen = l;
			return p + 4;
		}
		if ((size_t)(end - p - 4) < pad4(l))
			return NULL;
		p += 4 + pad4(l);
	}
	return NULL;
}

static int on_section(struct ct_pcapng *ng, size_t body_len, char err[CT_PCAP_ERR_MAX])
{
	if (body_len < 16)
		return fail(ng, err, "section header too short");
	if (get16(ng, ng->buf + 4) != 1)
		return fail(ng, err, "unsupported pcapng major version");
	/* Interface numbers start again in every section. */
	ng->n_ifs = 0;
	return 0;
}

static void iface_options(struct ct_pcapng *ng, struct ng_iface *i, const uint8_t *p,
			  const uint8_t *end)
{
	const uint8_t *v;
	uint16_t l;

	v = find_option(ng, p, end, OPT_IF_NAME, &l);
	if (v) {
		size_t n = l < sizeof(i->name) - 1 ? l : sizeof(i->name) - 1;

		memcpy(i->name, v, n);
		i->name[n] = '\0';
		i->named = true;
	}
	v = find_option(ng, p, end, OPT_IF_TSRESOL, &l);
	if (v && l >= 1) {
		i->pow2 = v[0] & 0x80;
		i->resol = v[0] & 0x7f;
	}
	v = find_option(ng, p, end, OPT_IF_TSOFFSET, &l);
	if (v && l == 8)
		i->offset_s = (int64_t)get64(ng, v);
}

static int on_interface(struct ct_pcapng *ng, size_t body_len, char err[CT_PCAP_ERR_MAX])
{
	struct ng_iface *i;
	char what[CT_PCAP_ERR_MAX];

	if (body_len < 8)
		return fail(ng, err, "interface description too short");
	if (ng->n_ifs == ng->cap_ifs) {
		size_t cap = ng->cap_ifs ? ng->cap_ifs * 2 : 4;
		struct ng_iface *ifs;

		if (cap > IFACES_MAX)
			return fail(ng, err, "too many interfaces");
		ifs = realloc(ng->ifs, cap * sizeof(*ifs));
		if (!ifs)
			return fail(ng, err, strerror(ENOMEM));
		ng->ifs = ifs;
		ng->cap_ifs = cap;
	}
	i = &ng->ifs[ng->n_ifs];
	*i = (struct ng_iface){
		.linktype = get16(ng, ng->buf), .snaplen = get32(ng, ng->buf + 4), .resol = 6};
	iface_options(ng, i, ng->buf + 8, ng->buf + body_len);
	/* Beyond these the unit does not fit the 64-bit arithmetic of to_ns(). */
	if ((i->pow2 && i->resol > 63) || (!i->pow2 && i->resol > 19))
		return fail(ng, err, "interface time stamp resolution out of range");
	snprintf(what, sizeof(what), "capture `%s', interface %zu%s%s%s", ng->name, ng->n_ifs,
		 i->named ? " (" : "", i->named ? i->name : "", i->named ? ")" : "");
	if (!ct_pcap_check_linktype(i->linktype, what, err))
		return -1;
	ng->n_ifs++;
	return 0;
}

static uint64_t pow10_u64(unsigned int e)
{
	uint64_t v = 1;

	while (e--)
		v *= 10;
	return v;
}

/* A time stamp in the interface's units, as nanoseconds since the epoch. */
static uint64_t to_ns(const struct ng_iface *i, uint64_t ts)
{
	uint64_t ns;

	if (i->pow2) {
		unsigned int shift = i->resol;
		uint64_t frac = ts & ((1ull << shift) - 1);

		ns = (ts >> shift) * NS_PER_S;
		/* frac * 10^9 must fit 64 bits: drop the bits finer than 2^-34 s. */
		if (shift > 34) {
			frac >>= shift - 34;
			shift = 34;
		}
		ns += (frac * NS_PER_S) >> shift;
	} else if (i->resol <= 9) {
		ns = ts * pow10_u64(9 - i->resol);
	} else {
		ns = ts / pow10_u64(i->resol - 9);
	}
	return ns + (uint64_t)i->offset_s * NS_PER_S;
}

static enum ct_pcap_dir flags_dir(const struct ct_pcapng *ng, const uint8_t *opts,
				  const uint8_t *end)
{
	const uint8_t *v;
	uint16_t l;

	v = find_option(ng, opts, end, OPT_EPB_FLAGS, &l);
	if (!v || l != 4)
		return CT_PCAP_DIR_UNKNOWN;
	switch (get32(ng, v) & 3) {
	case 1:
		return CT_PCAP_DIR_IN;
	case 2:
		return CT_PCAP_DIR_OUT;
	default:
		return CT_PCAP_DIR_UNKNOWN;
	}
}

static void fill_frame(const struct ng_iface *i, struct ct_pcap_frame *fr, uint64_t ts)
{
	fr->ts_ns = to_ns(i, ts);
	fr->linktype = i->linktype;
	fr->ifname = i->named ? i->name : NULL;
}

/* Enhanced (@hdr 20 bytes) and obsolete (16-bit interface id) Packet Blocks: same layout. */
static int on_packet(struct ct_pcapng *ng, uint32_t type, size_t body_len, struct ct_pcap_frame *fr,
		     char err[CT_PCAP_ERR_MAX])
{
	const uint8_t *b = ng->buf;
	uint32_t ifid;

	if (body_len < 20)
		return fail(ng, err, "packet block too short");
	ifid = type == BT_EPB ? get32(ng, b) : get16(ng, b);
	if (ifid >= ng->n_ifs)
		return fail(ng, err, "packet of an interface not described");
	fr->caplen = get32(ng, b + 12);
	fr->len = get32(ng, b + 16);
	if (fr->caplen > body_len - 20)
		return fail(ng, err, "packet data longer than its block");
	fr->data = b + 20;
	fill_frame(&ng->ifs[ifid], fr, (uint64_t)get32(ng, b + 4) << 32 | get32(ng, b + 8));
	fr->dir = flags_dir(ng, b + 20 + pad4(fr->caplen), b + body_len);
	return 1;
}

/* A Simple Packet Block: interface 0, no time stamp, data cut to the snapshot length. */
static int on_simple(struct ct_pcapng *ng, size_t body_len, struct ct_pcap_frame *fr,
		     char err[CT_PCAP_ERR_MAX])
{
	const struct ng_iface *i;

	if (body_len < 4)
		return fail(ng, err, "simple packet block too short");
	if (!ng->n_ifs)
		return fail(ng, err, "packet of an interface not described");
	i = &ng->ifs[0];
	fr->len = get32(ng, ng->buf);
	fr->caplen = fr->len < body_len - 4 ? fr->len : (uint32_t)(body_len - 4);
	if (i->snaplen && fr->caplen > i->snaplen)
		fr->caplen = i->snaplen;
	fr->data = ng->buf + 4;
	fill_frame(i, fr, 0);
	fr->dir = CT_PCAP_DIR_UNKNOWN;
	return 1;
}

int ct_pcapng_next(struct ct_pcapng *ng, struct ct_pcap_frame *fr, char err[CT_PCAP_ERR_MAX])
{
	for (;;) {
		uint32_t type;
		size_t body_len;
		int ret = read_block(ng, &type, &body_len, err);

		if (ret <= 0)
			return ret;
		switch (type) {
		case CT_PCAPNG_MAGIC:
			ret = on_section(ng, body_len, err);
			break;
		case 1:
			ret = on_interface(ng, body_len, err);
			break;
		case BT_EPB:
		case BT_PB:
			return on_packet(ng, type, body_len, fr, err);
		case BT_SPB:
			return on_simple(ng, body_len, fr, err);
		default:
			ret = 0; /* statistics, name resolution, custom...: not for conntrack */
			break;
		}
		if (ret < 0)
			return -1;
	}
}

struct ct_pcapng *ct_pcapng_open(FILE *f, const char *name, char err[CT_PCAP_ERR_MAX])
{
	struct ct_pcapng *ng = calloc(1, sizeof(*ng));
	uint32_t type;
	size_t body_len;
	int ret;

	if (!ng) {
		snprintf(err, CT_PCAP_ERR_MAX, "capture `%s': %s", name, strerror(ENOMEM));
		return NULL;
	}
	ng->f = f;
	ng->name = name;
	ret = read_block(ng, &type, &body_len, err);
	if (ret == 0 || (ret > 0 && type != CT_PCAPNG_MAGIC))
		ret = fail(ng, err, "not a pcapng file (no section header)");
	if (ret > 0)
		ret = on_section(ng, body_len, err);
	if (ret < 0) {
		ct_pcapng_close(ng);
		return NULL;
	}
	return ng;
}

void ct_pcapng_close(struct ct_pcapng *ng)
{
	if (!ng)
		return;
	free(ng->buf);
	free(ng->ifs);
	free(ng);
}
