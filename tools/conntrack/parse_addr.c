// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Address options: -s/-d/-r/-q, --tuple-src/dst, --mask-src/dst and the
 * NAT options -n/-g/-j, with the reference's rules: inet_aton() first (so
 * "-s 10.1" is 10.0.0.1), then IPv6; the first address fixes the family;
 * CIDR only where a mask can be kept; NAT arguments "IP", "IP:PORT" or
 * "[IPv6]:PORT".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse_priv.h"

#define ADDR_BUF 46	/* INET6_ADDRSTRLEN: longer arguments are cut, as the reference does */
#define NO_MASK (-1)
#define BAD_MASK (-2)

/* What one address option writes, and where. */
struct addr_opt {
	int opt;
	enum ct_opt bit;
	const char *long_name;	/* for "CIDR notation unavailable" */
	int mask_opt;		/* option whose mask a CIDR suffix sets, or 0 */
};

static const struct addr_opt addr_opts[] = {
	{ 's', CT_OPT_ORIG_SRC, "orig-src", '{' },
	{ 'd', CT_OPT_ORIG_DST, "orig-dst", '}' },
	{ 'r', CT_OPT_REPL_SRC, "reply-src", 0 },
	{ 'q', CT_OPT_REPL_DST, "reply-dst", 0 },
	{ '[', CT_OPT_EXP_SRC, "tuple-src", '{' },
	{ ']', CT_OPT_EXP_DST, "tuple-dst", '}' },
	{ '{', CT_OPT_MASK_SRC, "mask-src", 0 },
	{ '}', CT_OPT_MASK_DST, "mask-dst", 0 },
	{ 'n', CT_OPT_SRC_NAT, "src-nat", 0 },
	{ 'g', CT_OPT_DST_NAT, "dst-nat", 0 },
	{ 'j', CT_OPT_ANY_NAT, "any-nat", 0 },
};

static const struct addr_opt *find_opt(int opt)
{
	for (size_t i = 0; i < sizeof(addr_opts) / sizeof(addr_opts[0]); i++)
		if (addr_opts[i].opt == opt)
			return &addr_opts[i];
	return NULL;
}

/* Parse "ADDR[/BITS]"; returns the family or AF_UNSPEC. */
static int parse_addr(const char *arg, union ctk_addr *a, int *mask)
{
	char buf[ADDR_BUF];
	char *slash, *end;
	int family = AF_UNSPEC;

	strncpy(buf, arg, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	*mask = NO_MASK;
	slash = strchr(buf, '/');
	if (slash) {
		/* the reference keeps strtol's result in an int */
		*mask = (int)strtol(slash + 1, &end, 10);
		if (*mask < 0 || end != slash + strlen(slash))
			*mask = BAD_MASK;
		*slash = '\0';
	}
	memset(a, 0, sizeof(*a));
	if (inet_aton(buf, &a->v4))
		family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &a->v6) > 0)
		family = AF_INET6;
	if (*mask > (family == AF_INET ? 32 : 128) && family != AF_UNSPEC)
		*mask = BAD_MASK;
	return family;
}

static int set_family(struct ct_parse *ps, int family)
{
	if (ps->family == AF_UNSPEC)
		ps->family = family;
	else if (ps->family != family)
		return ct_fail(ps, 2, "mismatched address family");
	return 0;
}

static void build_netmask(union ctk_addr *m, int bits, int family)
{
	int words = family == AF_INET ? 1 : 4;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < words; i++, bits -= 32) {
		if (bits >= 32)
			m->word[i] = UINT32_MAX;
		else if (bits > 0)
			m->word[i] = htonl(~0u << (32 - bits));
	}
}

/* Store an address of option @opt, as the reference's attribute for it. */
static void store_addr(struct ct_parse *ps, int opt, const union ctk_addr *a, uint8_t l3)
{
	struct ct_cli *cli = ps->cli;

	switch (opt) {
	case 's': cli->tmpl.orig.src = *a; cli->tmpl.orig.l3num = l3;
		ps->tset |= TBIT(T_ORIG_SRC) | TBIT(T_ORIG_L3); break;
	case 'd': cli->tmpl.orig.dst = *a; cli->tmpl.orig.l3num = l3;
		ps->tset |= TBIT(T_ORIG_DST) | TBIT(T_ORIG_L3); break;
	case 'r': cli->tmpl.reply.src = *a; cli->tmpl.reply.l3num = l3;
		ps->tset |= TBIT(T_REPL_SRC) | TBIT(T_REPL_L3); break;
	case 'q': cli->tmpl.reply.dst = *a; cli->tmpl.reply.l3num = l3;
		ps->tset |= TBIT(T_REPL_DST) | TBIT(T_REPL_L3); break;
	case '[': cli->exp_tuple.src = *a; cli->exp_tuple.l3num = l3;
		ps->tset |= TBIT(T_EXP_SRC); break;
	case ']': cli->exp_tuple.dst = *a; cli->exp_tuple.l3num = l3;
		ps->tset |= TBIT(T_EXP_DST); break;
	case '{': cli->exp_mask.src = *a; cli->exp_mask.l3num = l3;
		ps->tset |= TBIT(T_MASK_SRC); break;
	case '}': cli->exp_mask.dst = *a; cli->exp_mask.l3num = l3;
		ps->tset |= TBIT(T_MASK_DST); break;
	}
}

/*
 * One address with the reference's check order: invalid address, family
 * conflict, CIDR where none is allowed, bad prefix length.
 */
static int parse_one(struct ct_parse *ps, const struct addr_opt *o, const char *arg,
		     union ctk_addr *a, int *mask)
{
	int family = parse_addr(arg, a, mask);

	if (family == AF_UNSPEC)
		return ct_fail(ps, 2, "Invalid IP address `%s'", arg);
	if (set_family(ps, family) < 0)
		return -1;
	if (*mask != NO_MASK && !o->mask_opt)
		return ct_fail(ps, 2, "CIDR notation unavailable for `--%s'", o->long_name);
	if (*mask == BAD_MASK)
		return ct_fail(ps, 2, "Invalid netmask");
	ps->options |= OPTBIT(o->bit);
	return family;
}

int ct_parse_addr_opt(struct ct_parse *ps, int opt, const char *arg)
{
	const struct addr_opt *o = find_opt(opt);
	union ctk_addr a;
	int family, mask;

	family = parse_one(ps, o, arg, &a, &mask);
	if (family < 0)
		return -1;
	store_addr(ps, opt, &a, (uint8_t)family);
	/* a full-length prefix is an exact address: no mask */
	if (mask == NO_MASK || !o->mask_opt || mask == (family == AF_INET ? 32 : 128))
		return 0;
	build_netmask(&a, mask, family);
	ps->options |= OPTBIT(o->mask_opt == '{' ? CT_OPT_MASK_SRC : CT_OPT_MASK_DST);
	store_addr(ps, o->mask_opt, &a, (uint8_t)family);
	return 0;
}

/* A NAT port: digits only, at most 65535. */
static bool valid_port(const char *s)
{
	long port;

	if (!*s)
		return false;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	errno = 0;
	port = strtol(s, NULL, 10);
	return !(errno == ERANGE || port > 65535);
}

/*
 * Split "IP", "IP:PORT", "[IPv6]:PORT" (bare IPv6 has no port). @addr
 * and @port point into @buf, a copy of the argument.
 */
static int split_address_and_port(struct ct_parse *ps, char *buf, const char **addr,
				  const char **port)
{
	char *open = strchr(buf, '['), *colon = NULL;

	*addr = buf;
	*port = NULL;
	if (open) {
		char *close = strchr(open + 1, ']');

		if (close == open + 1)
			return ct_fail(ps, 2, "No IPv6 address specified");
		if (!close)
			return ct_fail(ps, 2, "No closing ']' around IPv6 address");
		colon = strchr(close, ':');
		if (colon) {
			*close = '\0';
			*addr = open + 1;
		}
	} else {
		colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* an IPv6 address */
		else if (colon)
			*colon = '\0';
	}
	if (!colon)
		return 0;
	if (!colon[1])
		return ct_fail(ps, 2, "No port specified after `:'");
	if (!valid_port(colon + 1))
		return ct_fail(ps, 2, "Invalid port `%s'", colon + 1);
	*port = colon + 1;
	return 0;
}

static void set_nat(struct ct_parse *ps, bool src, const union ctk_addr *a, int family,
		    const char *port)
{
	struct ctk_entry *t = &ps->cli->tmpl;
	struct ctk_nat *nat = src ? &t->nat_src : &t->nat_dst;
	struct ctk_filter_nat *f = src ? &ps->cli->filter.snat : &ps->cli->filter.dnat;

	nat->min_ip = *a;
	ps->tset |= TBIT(src ? T_SNAT_IP : T_DNAT_IP);
	ctk_entry_set(t, src ? CTK_ATTR_NAT_SRC : CTK_ATTR_NAT_DST);
	/* the reference's NAT filter only ever compares IPv4 addresses */
	if (family == AF_INET) {
		f->has_ip = true;
		f->ip = *a;
	}
	if (port) {
		nat->min_port = (uint16_t)atoi(port);
		nat->has_port = true;
		f->has_port = true;
		f->port = nat->min_port;
		ps->tset |= TBIT(src ? T_SNAT_PORT : T_DNAT_PORT);
	}
}

/*
 * -n/-g/-j [IP[:PORT]]: @arg is NULL when no address was given. -j sets
 * both directions (and its filter compares either).
 */
int ct_parse_nat_opt(struct ct_parse *ps, int opt, const char *arg)
{
	const struct addr_opt *o = find_opt(opt);
	const char *addr, *port;
	union ctk_addr a;
	int family, mask;
	char *buf;

	ps->options |= OPTBIT(o->bit);
	if (!arg)
		return 0;
	buf = strdup(arg);
	if (!buf)
		return ct_fail(ps, 1, "out of memory");
	if (split_address_and_port(ps, buf, &addr, &port) < 0 ||
	    (family = parse_one(ps, o, addr, &a, &mask)) < 0) {
		free(buf);
		return -1;
	}
	if (opt == 'n' || opt == 'g') {
		ps->cli->tmpl.orig.l3num = (uint8_t)family;
		ps->tset |= TBIT(T_ORIG_L3);
	}
	if (opt != 'g')
		set_nat(ps, true, &a, family, port);
	if (opt != 'n')
		set_nat(ps, false, &a, family, port);
	if (opt == 'j') {
		ps->cli->filter.anynat = ps->cli->filter.snat;
		ctk_entry_unset(&ps->cli->tmpl, CTK_ATTR_NAT_SRC);
		ctk_entry_unset(&ps->cli->tmpl, CTK_ATTR_NAT_DST);
	}
	free(buf);
	return 0;
}
