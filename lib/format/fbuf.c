// SPDX-License-Identifier: LGPL-2.1-or-later
/* The bounded writer and shared helpers of lib/format/ (see fmt.h). */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <ctkit/names.h>
#include "fmt.h"

#define NSEC_PER_SEC 1000000000ULL

void fb_putn(struct fbuf *b, const char *s, size_t n)
{
	/* Room for data, keeping the last byte for the NUL. */
	size_t room = b->len + 1 < b->size ? b->size - 1 - b->len : 0;

	if (room)
		memcpy(b->buf + b->len, s, n < room ? n : room);
	b->len += n;
}

void fb_u64(struct fbuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fb_putn(b, tmp + i, sizeof(tmp) - i);
}

void fb_i64(struct fbuf *b, int64_t v)
{
	if (v < 0) {
		fb_putc(b, '-');
		/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
		fb_u64(b, 0 - (uint64_t)v);
		return;
	}
	fb_u64(b, (uint64_t)v);
}

void fb_hex(struct fbuf *b, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[8];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	fb_putn(b, tmp + i, sizeof(tmp) - i);
}

void fb_dec2(struct fbuf *b, unsigned int v)
{
	if (v < 10)
		fb_putc(b, '0');
	fb_u64(b, v);
}

void fb_pad(struct fbuf *b, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	fb_putn(b, s, n);
	while (n++ < width)
		fb_putc(b, ' ');
}

void fb_lpad(struct fbuf *b, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	while (n++ < width)
		fb_putc(b, ' ');
	fb_puts(b, s);
}

static void put_ipv4(struct fbuf *b, const struct in_addr *a)
{
	const uint8_t *p = (const uint8_t *)&a->s_addr;

	for (int i = 0; i < 4; i++) {
		if (i)
			fb_putc(b, '.');
		fb_u64(b, p[i]);
	}
}

void fb_addr(struct fbuf *b, uint8_t l3num, const union ctk_addr *a)
{
	char tmp[INET6_ADDRSTRLEN];

	switch (l3num) {
	case AF_INET:
		put_ipv4(b, &a->v4);
		break;
	case AF_INET6:
		if (inet_ntop(AF_INET6, &a->v6, tmp, sizeof(tmp)))
			fb_puts(b, tmp);
		break;
	}
}

size_t fb_finish(struct fbuf *b)
{
	if (b->size)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	return b->len;
}

const struct ctk_tuple *fmt_tuple(const struct ctk_entry *e, enum ctk_attr which)
{
	static const struct ctk_tuple zero;

	if (!ctk_entry_has(e, which))
		return &zero;
	return which == CTK_ATTR_REPLY ? &e->reply :
	       which == CTK_ATTR_MASTER ? &e->master : &e->orig;
}

/*
 * The library truncates both ends to whole seconds before subtracting, and
 * treats a stop time of 0 as "still alive"; a negative result is printed
 * as a huge unsigned number, and so is ours.
 */
uint64_t fmt_delta_time(const struct ctk_entry *e, int64_t now)
{
	int64_t stop = now;

	if (ctk_entry_has(e, CTK_ATTR_TS_STOP) && e->ts_stop)
		stop = (int64_t)(e->ts_stop / NSEC_PER_SEC);
	return (uint64_t)(stop - (int64_t)(e->ts_start / NSEC_PER_SEC));
}

static const char *or_none(const char *name)
{
	return name ? name : "NONE";
}

const char *fmt_tcp_state(uint8_t state)
{
	return or_none(ctk_tcp_state_name(state));
}

const char *fmt_sctp_state(uint8_t state)
{
	return or_none(ctk_sctp_state_name(state));
}

const char *fmt_dccp_state(uint8_t state)
{
	return or_none(ctk_dccp_state_name(state));
}
