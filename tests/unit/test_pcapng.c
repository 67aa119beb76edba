// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pcapng reader (tools/conntrack/pcapng.c) on files built here block
 * by block, in both byte orders: interface names, link types and time
 * stamp resolutions per interface, directions from epb_flags, the
 * Simple and obsolete Packet Blocks, skipped blocks, sections that
 * start the interfaces again, and every way a file can be cut or lie
 * about its lengths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <byteswap.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"

struct img {
	uint8_t b[4096];
	size_t n;
	bool big; /* write the section big-endian */
};

static void put(struct img *m, const void *p, size_t n)
{
	if (!n)
		return;
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put32(struct img *m, uint32_t v)
{
	uint32_t le = m->big ? __builtin_bswap32(v) : v;

	put(m, &le, 4);
}

static void put16(struct img *m, uint16_t v)
{
	uint16_t le = m->big ? __builtin_bswap16(v) : v;

	put(m, &le, 2);
}

static void pad(struct img *m)
{
	while (m->n % 4)
		m->b[m->n++] = 0;
}

/* Opens a block; end_block() fills in its length at @start. */
static size_t begin_block(struct img *m, uint32_t type)
{
	size_t start = m->n;

	put32(m, type);
	put32(m, 0);
	return start;
}

static void end_block(struct img *m, size_t start)
{
	uint32_t len = (uint32_t)(m->n - start + 4);
	uint32_t v = m->big ? __builtin_bswap32(len) : len;

	memcpy(m->b + start + 4, &v, 4);
	put32(m, len);
}

static void option(struct img *m, uint16_t code, const void *val, uint16_t len)
{
	put16(m, code);
	put16(m, len);
	put(m, val, len);
	pad(m);
}

static void shb(struct img *m)
{
	size_t s = begin_block(m, 0x0A0D0D0A);

	put32(m, 0x1A2B3C4D);
	put16(m, 1);
	put16(m, 0);
	put32(m, 0xffffffff);
	put32(m, 0xffffffff);
	end_block(m, s);
}

/* @name NULL: no if_name; @tsresol 0xff: no if_tsresol. */
static void idb(struct img *m, uint16_t linktype, const char *name, uint8_t tsresol)
{
	size_t s = begin_block(m, 1);

	put16(m, linktype);
	put16(m, 0);
	put32(m, 0);
	if (name)
		option(m, 2, name, (uint16_t)strlen(name));
	if (tsresol != 0xff)
		option(m, 9, &tsresol, 1);
	option(m, 0, NULL, 0);
	end_block(m, s);
}

/* @flags ~0u: no epb_flags. */
static void epb(struct img *m, uint32_t ifid, uint64_t ts, const char *data, uint32_t flags)
{
	size_t s = begin_block(m, 6);
	uint32_t len = (uint32_t)strlen(data);

	put32(m, ifid);
	put32(m, (uint32_t)(ts >> 32));
	put32(m, (uint32_t)ts);
	put32(m, len);
	put32(m, len + 10);
	put(m, data, len);
	pad(m);
	if (flags != ~0u) {
		uint32_t v = m->big ? __builtin_bswap32(flags) : flags;

		option(m, 2, &v, 4);
		option(m, 0, NULL, 0);
	}
	end_block(m, s);
}

struct reader {
	FILE *f;
	struct ct_pcapng *ng;
	char err[CT_PCAP_ERR_MAX];
};

static bool open_img(struct reader *r, struct img *m)
{
	r->err[0] = '\0';
	r->f = fmemopen(m->b, m->n, "rb");
	assert_non_null(r->f);
	r->ng = ct_pcapng_open(r->f, "t.pcapng", r->err);
	return r->ng != NULL;
}

static void close_img(struct reader *r)
{
	ct_pcapng_close(r->ng);
	fclose(r->f);
}

static void two_interfaces(bool big)
{
	struct img m = {.big = big};
	struct ct_pcap_frame f;
	struct reader r;

	shb(&m);
	idb(&m, 1, "eth0", 0xff); /* microseconds by default */
	idb(&m, 101, "wan", 9);	  /* nanoseconds */
	epb(&m, 0, 1500000001ull, "aaaa", 1);
	size_t s = begin_block(&m, 5); /* statistics: skipped */
	put32(&m, 0);
	end_block(&m, s);
	epb(&m, 1, 1500000000123456789ull, "bbbbb", 2);
	epb(&m, 1, 7, "c", ~0u);
	assert_true(open_img(&r, &m));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_int_equal(f.linktype, 1);
	assert_string_equal(f.ifname, "eth0");
	assert_int_equal(f.dir, CT_PCAP_DIR_IN);
	assert_true(f.ts_ns == 1500000001000ull);
	assert_int_equal(f.caplen, 4);
	assert_int_equal(f.len, 14);
	assert_memory_equal(f.data, "aaaa", 4);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_int_equal(f.linktype, 101);
	assert_string_equal(f.ifname, "wan");
	assert_int_equal(f.dir, CT_PCAP_DIR_OUT);
	assert_true(f.ts_ns == 1500000000123456789ull);
	assert_memory_equal(f.data, "bbbbb", 5);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_int_equal(f.dir, CT_PCAP_DIR_UNKNOWN);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 0);
	close_img(&r);
}

static void test_two_interfaces_little(void **state)
{
	(void)state;
	two_interfaces(false);
}

static void test_two_interfaces_big(void **state)
{
	(void)state;
	two_interfaces(true);
}

static void test_resolutions_and_unnamed(void **state)
{
	struct img m = {0};
	struct ct_pcap_frame f;
	struct reader r;

	(void)state;
	shb(&m);
	idb(&m, 1, NULL, 3);	     /* milliseconds */
	idb(&m, 1, NULL, 0x80 | 10); /* 2^-10 s */
	epb(&m, 0, 1234, "x", ~0u);
	epb(&m, 1, 3 * 1024 + 512, "x", ~0u);
	assert_true(open_img(&r, &m));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_null(f.ifname);
	assert_true(f.ts_ns == 1234000000ull);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_true(f.ts_ns == 3500000000ull);
	close_img(&r);
}

static void test_simple_and_obsolete_blocks(void **state)
{
	struct img m = {0};
	struct ct_pcap_frame f;
	struct reader r;
	size_t s;

	(void)state;
	shb(&m);
	idb(&m, 228, "tun0", 0xff);
	s = begin_block(&m, 3); /* simple: original length, data */
	put32(&m, 3);
	put(&m, "xyz", 3);
	pad(&m);
	end_block(&m, s);
	s = begin_block(&m, 2); /* obsolete packet block: 16-bit interface id, drops */
	put16(&m, 0);
	put16(&m, 0);
	put32(&m, 0);
	put32(&m, 2000000);
	put32(&m, 2);
	put32(&m, 2);
	put(&m, "pq", 2);
	pad(&m);
	end_block(&m, s);
	assert_true(open_img(&r, &m));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_int_equal(f.caplen, 3);
	assert_string_equal(f.ifname, "tun0");
	assert_int_equal(f.linktype, 228);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_true(f.ts_ns == 2000000000ull);
	assert_memory_equal(f.data, "pq", 2);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 0);
	close_img(&r);
}

/* A new section numbers its interfaces from 0 again, possibly in the other byte order. */
static void test_sections_restart_interfaces(void **state)
{
	struct img m = {0};
	struct ct_pcap_frame f;
	struct reader r;

	(void)state;
	shb(&m);
	idb(&m, 1, "a", 0xff);
	idb(&m, 1, "b", 0xff);
	m.big = true;
	shb(&m);
	idb(&m, 113, "c", 0xff);
	epb(&m, 0, 0, "y", ~0u);
	epb(&m, 1, 0, "z", ~0u);
	assert_true(open_img(&r, &m));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), 1);
	assert_string_equal(f.ifname, "c");
	assert_int_equal(f.linktype, 113);
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), -1);
	assert_non_null(strstr(r.err, "interface not described"));
	close_img(&r);
}

static void test_unsupported_link_type(void **state)
{
	struct img m = {0};
	struct ct_pcap_frame f;
	struct reader r;

	(void)state;
	shb(&m);
	idb(&m, 189, "usb0", 0xff);
	assert_true(open_img(&r, &m));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), -1);
	assert_non_null(strstr(r.err, "interface 0 (usb0): link type 189"));
	close_img(&r);
}

/* Every cut of a good file ends cleanly at a block boundary or with an error, never a frame too
 * many. */
static void test_every_cut(void **state)
{
	struct img m = {0};
	size_t full = 0, bounds[8], nb = 0;

	(void)state;
	shb(&m);
	bounds[nb++] = m.n;
	idb(&m, 1, "eth0", 0xff);
	bounds[nb++] = m.n;
	epb(&m, 0, 5, "abcdef", 1);
	bounds[nb++] = m.n;
	full = m.n;
	for (size_t cut = 0; cut <= full; cut++) {
		struct img c = m;
		struct ct_pcap_frame f;
		struct reader r;
		bool boundary = false;
		int ret, frames = 0;

		c.n = cut;
		for (size_t i = 0; i < nb; i++)
			boundary |= cut == bounds[i];
		if (!open_img(&r, &c)) {
			assert_true(cut < bounds[0]);
			assert_non_null(strstr(r.err, "t.pcapng"));
			fclose(r.f);
			continue;
		}
		while ((ret = ct_pcapng_next(r.ng, &f, r.err)) == 1)
			frames++;
		assert_int_equal(ret, boundary ? 0 : -1);
		assert_int_equal(frames, cut == full);
		if (ret < 0)
			assert_non_null(strstr(r.err, "truncated"));
		close_img(&r);
	}
}

static void test_lying_lengths(void **state)
{
	struct img m = {0}, c;
	struct ct_pcap_frame f;
	struct reader r;
	size_t at;
	uint32_t v;

	(void)state;
	shb(&m);
	idb(&m, 1, "eth0", 0xff);
	at = m.n;
	epb(&m, 0, 5, "abcdef", 1);
	/* caplen beyond its block */
	c = m;
	v = 4000;
	memcpy(c.b + at + 20, &v, 4);
	assert_true(open_img(&r, &c));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), -1);
	assert_non_null(strstr(r.err, "longer than its block"));
	close_img(&r);
	/* leading and trailing lengths disagree */
	c = m;
	c.b[c.n - 4] ^= 4;
	assert_true(open_img(&r, &c));
	assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), -1);
	assert_non_null(strstr(r.err, "disagree"));
	close_img(&r);
	/* a length that is not a multiple of 4, and one below the minimum */
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t bad = i ? 8 : 13;

		c = m;
		memcpy(c.b + at + 4, &bad, 4);
		assert_true(open_img(&r, &c));
		assert_int_equal(ct_pcapng_next(r.ng, &f, r.err), -1);
		assert_non_null(strstr(r.err, "bad block length"));
		close_img(&r);
	}
	/* a byte-order magic that is neither */
	c = m;
	c.b[8] = 0x55;
	assert_false(open_img(&r, &c));
	assert_non_null(strstr(r.err, "byte-order"));
	fclose(r.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_interfaces_little),
		cmocka_unit_test(test_two_interfaces_big),
		cmocka_unit_test(test_resolutions_and_unnamed),
		cmocka_unit_test(test_simple_and_obsolete_blocks),
		cmocka_unit_test(test_sections_restart_interfaces),
		cmocka_unit_test(test_unsupported_link_type),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_lying_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
