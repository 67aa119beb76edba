// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * engine_nat [OPTIONS] CLIENT SPORT DST DPORT - one UDP exchange through
 * the engine hook by hook, as a forwarding router with NAT would see it,
 * then the table as `conntrack -L -o extended` prints it (libctkit's
 * formatter). tests/integration/test_engine_nat.py compares the lines
 * with the kernel's for the same exchange.
 *
 *   --zone Z          the zone both packets are tracked in (ct zone set)
 *   --mark M          ct mark set on the request
 *   --dnat ADDR[:P]   a DNAT binding at the request (else the null binding)
 *   --snat ADDR[-ADDR] an SNAT binding at the request (else the null binding)
 *   --no-reply        the server does not answer (the entry stays UNREPLIED)
 *   --payload N       bytes of UDP payload of the request (default 1)
 *   --reply-payload N bytes of the reply's (default: as the request's)
 *
 * The request goes CLIENT:SPORT -> DST:DPORT; the reply comes from the
 * entry's reply tuple (the NATed one), as the server answers the
 * translated request. Both are rewritten at both NAT hooks; the rewritten
 * request is printed as "request-out SRC:SPORT -> DST:DPORT udp=HEX" (HEX:
 * the UDP header as rewritten) and the reply as "reply-out ...", with a
 * note if a checksum does not verify. Exit 0,
 * or 1 on bad arguments or an engine error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>
#include <ctkit/engine_hook.h>
#include <ctkit/format.h>

struct opts {
	uint16_t zone;
	uint32_t mark;
	bool has_mark;
	struct ctk_nat_range dnat, snat;
	bool has_dnat, has_snat;
	bool no_reply;
	unsigned int payload;
	int reply_payload;	/* -1: as the request's */
};

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The family of the exchange, from CLIENT: where the header's fields are. */
static int family = AF_INET;

static size_t hlen(void)
{
	return family == AF_INET ? 20 : 40;
}

static size_t alen(void)
{
	return family == AF_INET ? 4 : 16;
}

static size_t src_at(void)
{
	return family == AF_INET ? 12 : 8;
}

static size_t dst_at(void)
{
	return family == AF_INET ? 16 : 24;
}

static uint32_t pseudo(const uint8_t *b, size_t l4len)
{
	return sum16(b + src_at(), 2 * alen(), 0) + IPPROTO_UDP + (uint32_t)l4len;
}

/* A UDP datagram with right checksums; returns its length. */
static size_t udp_pkt(uint8_t *b, const union ctk_addr *src, uint16_t sport,
		      const union ctk_addr *dst, uint16_t dport, unsigned int payload)
{
	size_t len = hlen() + 8 + payload;
	uint8_t *u = b + hlen();

	memset(b, 0, len);
	if (family == AF_INET) {
		b[0] = 0x45;
		put16(b + 2, (uint16_t)len);
		b[8] = 64;
		b[9] = IPPROTO_UDP;
	} else {
		b[0] = 0x60;
		put16(b + 4, (uint16_t)(8 + payload));
		b[6] = IPPROTO_UDP;
		b[7] = 64;
	}
	memcpy(b + src_at(), src, alen());
	memcpy(b + dst_at(), dst, alen());
	if (family == AF_INET)
		put16(b + 10, fold(sum16(b, 20, 0)));
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + payload));
	memset(u + 8, 'x', payload);
	put16(u + 6, fold(sum16(u, 8 + payload, pseudo(b, 8 + payload))));
	return len;
}

static bool csums_ok(const uint8_t *b, size_t len)
{
	size_t l4len = len - hlen();

	return (family != AF_INET || fold(sum16(b, 20, 0)) == 0) &&
	       fold(sum16(b + hlen(), l4len, pseudo(b, l4len))) == 0;
}

static void show(const char *what, const uint8_t *b, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const uint8_t *u = b + hlen();

	inet_ntop(family, b + src_at(), s, sizeof(s));
	inet_ntop(family, b + dst_at(), d, sizeof(d));
	printf("%s %s:%u -> %s:%u udp=%02x%02x%02x%02x%02x%02x%02x%02x%s\n", what, s,
	       u[0] << 8 | u[1], d, u[2] << 8 | u[3], u[0], u[1], u[2], u[3], u[4], u[5], u[6],
	       u[7], csums_ok(b, len) ? "" : " BAD-CHECKSUM");
}

static int nat_hook(struct ctk_engine *eng, struct ctk_verdict *v, enum ctk_nat_manip manip,
		    const struct ctk_nat_range *r)
{
	struct ctk_tuple before, after;
	int ret;

	if (v->conn && v->state == CTK_CT_NEW && !ctk_engine_nat_done(eng, v->conn, manip)) {
		ret = ctk_engine_nat_setup(eng, v->conn, manip, r);
		if (ret < 0)
			return ret;
	}
	ret = ctk_engine_nat_packet(eng, v, manip, &before, &after);
	return ret < 0 ? ret : 0;
}

/* One packet through prerouting (DNAT) and postrouting (SNAT), then confirmed. */
static int pass(struct ctk_engine *eng, const struct opts *o, uint8_t *b, size_t len,
		uint64_t now, const char *what)
{
	struct ctk_verdict v;
	uint8_t *out;
	size_t outlen;
	int ret;

	ctk_engine_track(eng, b, len, now, o->zone, &v);
	if (!v.conn) {
		fprintf(stderr, "engine_nat: %s: no entry (%s)\n", what, v.reason);
		return -EINVAL;
	}
	if (o->has_mark && v.state == CTK_CT_NEW &&
	    (ret = ctk_engine_conn_set_mark(eng, v.conn, o->mark)) < 0)
		return ret;
	if ((ret = nat_hook(eng, &v, CTK_NAT_MANIP_DST, o->has_dnat ? &o->dnat : NULL)) < 0 ||
	    (ret = nat_hook(eng, &v, CTK_NAT_MANIP_SRC, o->has_snat ? &o->snat : NULL)) < 0)
		return ret;
	out = ctk_engine_track_packet(eng, &outlen);
	memcpy(b, out, outlen);
	ret = ctk_engine_confirm(eng, &v);
	if (ret == 0)
		show(what, b, outlen);
	return ret;
}

static int print_entry(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ctk_fmt fmt;
	char line[1024];

	(void)data;
	memset(&fmt, 0, sizeof(fmt));
	fmt.kind = CTK_FMT_DEFAULT;
	fmt.flags = CTK_FMT_F_EXTENDED;
	fmt.now = 1;	/* the trace's clock, in seconds: delta-time from the first packet */
	ctk_format_entry(line, sizeof(line), e, ev, &fmt);
	printf("%s\n", line);
	return CTK_CB_OK;
}

static bool parse_addr(const char *s, union ctk_addr *a)
{
	memset(a, 0, sizeof(*a));
	return inet_pton(family, s, a) == 1;
}

static bool parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return *s && !*end && !errno && *out <= max;
}

static bool parse_range(const char *arg, struct ctk_nat_range *r)
{
	char buf[64], *colon, *dash;
	unsigned long port;

	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	memset(r, 0, sizeof(*r));
	/* ADDR:PORT for IPv4, [ADDR]:PORT for IPv6 */
	colon = family == AF_INET ? strchr(buf, ':') : (buf[0] == '[' ? strstr(buf, "]:") : NULL);
	if (colon && family == AF_INET6) {
		memmove(buf, buf + 1, strlen(buf));
		colon--;
		*colon++ = '\0';
	}
	if (colon) {
		*colon = '\0';
		if (!parse_num(colon + 1, 65535, &port) || !port)
			return false;
		r->has_port = true;
		r->min_port = r->max_port = (uint16_t)port;
	}
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	r->has_addr = parse_addr(buf, &r->min_addr);
	r->max_addr = r->min_addr;
	if (dash && !parse_addr(dash + 1, &r->max_addr))
		return false;
	return r->has_addr;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long n;
	int i;

	memset(o, 0, sizeof(*o));
	o->payload = 1;
	o->reply_payload = -1;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];

		if (!strcmp(k, "--no-reply")) {
			o->no_reply = true;
			i--;
			continue;
		}
		if (!strcmp(k, "--zone") && parse_num(val, 65535, &n))
			o->zone = (uint16_t)n;
		else if (!strcmp(k, "--mark") && parse_num(val, UINT32_MAX, &n))
			o->mark = (uint32_t)n, o->has_mark = true;
		else if (!strcmp(k, "--payload") && parse_num(val, 1400, &n))
			o->payload = (unsigned int)n;
		else if (!strcmp(k, "--reply-payload") && parse_num(val, 1400, &n))
			o->reply_payload = (int)n;
		else if (!strcmp(k, "--dnat") && parse_range(val, &o->dnat))
			o->has_dnat = true;
		else if (!strcmp(k, "--snat") && parse_range(val, &o->snat))
			o->has_snat = true;
		else
			return -1;
	}
	return argc - i == 4 ? i : -1;
}

int main(int argc, char **argv)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	union ctk_addr client, dst;
	unsigned long sport, dport;
	struct opts o;
	uint8_t b[1500];
	size_t len;
	int i, ret;

	/* The family first: the options' addresses are read in it. */
	if (argc > 4 && strchr(argv[argc - 4], ':'))
		family = AF_INET6;
	i = parse_opts(argc, argv, &o);
	if (i < 0 || !parse_addr(argv[i], &client) || !parse_num(argv[i + 1], 65535, &sport) ||
	    !parse_addr(argv[i + 2], &dst) || !parse_num(argv[i + 3], 65535, &dport)) {
		fprintf(stderr, "usage: engine_nat [--zone Z] [--mark M] [--dnat ADDR[:PORT]] "
				"[--snat ADDR[-ADDR]] [--no-reply] [--payload N] [--reply-payload N] "
				"CLIENT SPORT DST DPORT\n");
		return 1;
	}
	ctk_engine_config_init(&cfg);
	cfg.acct = 1;	/* as the oracle's nf_conntrack_acct=1 and _timestamp=1 */
	cfg.timestamp = 1;
	eng = ctk_engine_new(&cfg);
	if (!eng) {
		perror("engine_nat");
		return 1;
	}
	len = udp_pkt(b, &client, (uint16_t)sport, &dst, (uint16_t)dport, o.payload);
	ret = pass(eng, &o, b, len, 1000000000ull, "request-out");
	if (ret == 0 && !o.no_reply) {
		/* The server answers what it received: the rewritten request, reversed. */
		union ctk_addr s, d;
		const uint8_t *u = b + hlen();
		uint16_t rsport = (uint16_t)(u[2] << 8 | u[3]), rdport = (uint16_t)(u[0] << 8 | u[1]);

		memset(&s, 0, sizeof(s));
		memset(&d, 0, sizeof(d));
		memcpy(&s, b + dst_at(), alen());
		memcpy(&d, b + src_at(), alen());
		len = udp_pkt(b, &s, rsport, &d, rdport,
			   o.reply_payload < 0 ? o.payload : (unsigned int)o.reply_payload);
		ret = pass(eng, &o, b, len, 1100000000ull, "reply-out");
	}
	if (ret == 0)
		ctk_engine_foreach(eng, o.no_reply ? 1000000000ull : 1100000000ull, print_entry,
				   NULL);
	else
		fprintf(stderr, "engine_nat: %s\n", strerror(-ret));
	ctk_engine_free(eng);
	return ret == 0 ? 0 : 1;
}
