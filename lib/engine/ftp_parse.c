// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading FTP control text as nf_conntrack_ftp does: a command or reply
 * at the start of a segment, the client's PORT (RFC 959) and EPRT (RFC
 * 2428), the server's 227 (PASV, digits found as RFC 1123 says) and 229
 * (EPSV) replies. Pure functions over bytes: the helper (helper_ftp.c)
 * decides when to read and what to expect.
 *
 * The kernel's quirks are kept on purpose, since the point is to agree
 * with it: numbers are not range-checked (an octet of 300 wraps into the
 * address), a line cut before its numbers end is a "partial match" that
 * drops the packet, and a 227 reply's numbers may end anywhere.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "engine/ftp.h"

/*
 * Up to @n numbers separated by @sep, ending at @term (or at any other
 * character when @term is 0) right after the last. Returns the bytes
 * read, 0 if the text is not that.
 */
static size_t read_numbers(const uint8_t *d, size_t len, uint32_t *num, unsigned int n, char sep,
			   char term)
{
	unsigned int i = 0;
	size_t pos;

	memset(num, 0, n * sizeof(*num));
	for (pos = 0; pos < len && i < n; pos++) {
		if (isdigit(d[pos]))
			num[i] = num[i] * 10 + (uint32_t)(d[pos] - '0');
		else if (d[pos] == sep)
			i++;
		else
			return ((d[pos] == term || !term) && i == n - 1) ? pos : 0;
	}
	return 0;
}

/* h1,h2,h3,h4,p1,p2 */
static size_t read_rfc959(const uint8_t *d, size_t len, char term, struct eng_ftp_match *m)
{
	uint32_t num[6], ip;
	size_t n = read_numbers(d, len, num, 6, ',', term);

	if (!n)
		return 0;
	ip = htonl(num[0] << 24 | num[1] << 16 | num[2] << 8 | num[3]);
	memcpy(m->addr, &ip, 4);
	m->port = (uint16_t)(num[4] << 8 | num[5]);
	return n;
}

/* The 227 reply: its numbers start at the first digit, wherever it is. */
static size_t read_rfc1123(const uint8_t *d, size_t len, char term, struct eng_ftp_match *m)
{
	size_t i = 0;

	(void)term;
	while (i < len && !isdigit(d[i]))
		i++;
	if (i == len)
		return 0;
	m->off += (uint32_t)i;
	return read_rfc959(d + i, len - i, 0, m);
}

/* A port up to @delim, from @start; returns the offset past @delim, 0 if none. */
static size_t read_port(const uint8_t *d, size_t start, size_t len, uint8_t delim, uint16_t *port)
{
	uint16_t p = 0;

	for (size_t i = start; i < len; i++) {
		if (d[i] == delim)
			return p ? (*port = p, i + 1) : 0;
		if (!isdigit(d[i]))
			return 0;
		p = (uint16_t)(p * 10 + (d[i] - '0'));
	}
	return 0;
}

static bool good_delim(uint8_t c)
{
	return !isdigit(c) && c >= 33 && c <= 126;
}

/* An IPv6 address up to @delim, as in6_pton() reads one: its length, 0 if none. */
static size_t read_ipv6(const uint8_t *d, size_t len, uint8_t delim, uint8_t addr[16])
{
	char text[INET6_ADDRSTRLEN + 1];
	size_t n = 0;

	while (n < len && d[n] != delim) {
		if (n == INET6_ADDRSTRLEN)
			return 0;
		text[n] = (char)d[n];
		n++;
	}
	if (n == len || n == 0)
		return 0;
	text[n] = '\0';
	return inet_pton(AF_INET6, text, addr) == 1 ? n : 0;
}

/* |1|132.235.1.2|6275| or |2|3ffe::1|6275| */
static size_t read_eprt(const uint8_t *d, size_t len, char term, struct eng_ftp_match *m)
{
	uint8_t delim;
	size_t n;

	(void)term;
	if (len <= 3)
		return 0;
	delim = d[0];
	if (!good_delim(delim) || d[2] != delim)
		return 0;
	if ((m->family == 4 && d[1] != '1') || (m->family == 6 && d[1] != '2'))
		return 0;
	if (d[1] == '1') {
		uint32_t num[4], ip;

		n = read_numbers(d + 3, len - 3, num, 4, '.', (char)delim);
		ip = htonl(num[0] << 24 | num[1] << 16 | num[2] << 8 | num[3]);
		if (n)
			memcpy(m->addr, &ip, 4);
	} else {
		n = read_ipv6(d + 3, len - 3, delim, m->addr);
	}
	if (!n)
		return 0;
	return read_port(d, 3 + n + 1, len, delim, &m->port);
}

/* |||6446| */
static size_t read_epsv(const uint8_t *d, size_t len, char term, struct eng_ftp_match *m)
{
	(void)term;
	if (len <= 3 || !good_delim(d[0]) || d[1] != d[0] || d[2] != d[0])
		return 0;
	return read_port(d, 3, len, d[0], &m->port);
}

struct pattern {
	const char *word;
	char skip;		/* skip up to and past this character first, 0: none */
	char term;
	enum eng_ftp_type type;
	size_t (*read)(const uint8_t *d, size_t len, char term, struct eng_ftp_match *m);
};

/* What each direction says: the client's commands, the server's replies. */
static const struct pattern patterns[2][2] = {
	{ { "PORT", ' ', '\r', ENG_FTP_PORT, read_rfc959 },
	  { "EPRT", ' ', '\r', ENG_FTP_EPRT, read_eprt } },
	{ { "227 ", 0, 0, ENG_FTP_PASV, read_rfc1123 },
	  { "229 ", '(', ')', ENG_FTP_EPSV, read_epsv } },
};

/* 1: matched, 0: not this pattern, -1: the pattern begins but is cut or malformed. */
static int try_pattern(const uint8_t *d, size_t len, const struct pattern *p,
		       struct eng_ftp_match *m)
{
	size_t plen = strlen(p->word), i = plen;

	if (len <= plen)
		return strncasecmp((const char *)d, p->word, len) == 0 ? -1 : 0;
	if (strncasecmp((const char *)d, p->word, plen) != 0)
		return 0;
	if (p->skip) {
		for (; d[i] != p->skip; i++)
			if (i == len - 1)
				return -1;
		i++;
	}
	m->type = p->type;
	m->off = (uint32_t)i;
	m->len = (uint32_t)p->read(d + i, len - i, p->term, m);
	return m->len ? 1 : -1;
}

int eng_ftp_parse(const uint8_t *data, size_t len, enum ctk_dir dir, struct eng_ftp_match *m)
{
	int found = 0;

	for (unsigned int i = 0; i < 2 && !found; i++) {
		found = try_pattern(data, len, &patterns[dir != CTK_DIR_ORIG][i], m);
		if (found < 0)
			m->partial = patterns[dir != CTK_DIR_ORIG][i].word;
	}
	return found;
}

int eng_ftp_format(enum eng_ftp_type type, uint8_t family, const uint8_t *addr, uint16_t port,
		   char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	switch (type) {
	case ENG_FTP_PORT:
	case ENG_FTP_PASV:
		return snprintf(buf, size, "%u,%u,%u,%u,%u,%u", addr[0], addr[1], addr[2], addr[3],
				port >> 8, port & 0xff);
	case ENG_FTP_EPRT:
		if (family == 4) {
			inet_ntop(AF_INET, addr, text, sizeof(text));
			return snprintf(buf, size, "|1|%s|%u|", text, port);
		}
		/* %pI6: eight groups of four hex digits, nothing left out */
		return snprintf(buf, size,
				"|2|%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
				"%02x%02x|%u|",
				addr[0], addr[1], addr[2], addr[3], addr[4], addr[5], addr[6],
				addr[7], addr[8], addr[9], addr[10], addr[11], addr[12], addr[13],
				addr[14], addr[15], port);
	case ENG_FTP_EPSV:
		return snprintf(buf, size, "|||%u|", port);
	}
	return 0;
}
