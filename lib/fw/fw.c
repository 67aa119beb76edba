// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The firewall object: the engine and ruleset it runs, the addresses a
 * capture cannot tell (the firewall's own, masquerade's), the trace
 * callback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fw/fw_priv.h"

const char *ctk_fw_verdict_name(enum ctk_fw_verdict_code v)
{
	static const char *const names[] = {
		[CTK_FW_ACCEPT] = "accept",
		[CTK_FW_DROP] = "drop",
		[CTK_FW_HELD] = "held",
		[CTK_FW_DISCARD] = "discard",
	};

	return (unsigned int)v <= CTK_FW_DISCARD ? names[v] : "drop";
}

struct ctk_fw *ctk_fw_new(struct ctk_engine *eng, const struct ctk_ruleset *rs)
{
	struct ctk_fw *fw = calloc(1, sizeof(*fw));

	if (!fw)
		return NULL;
	fw->eng = eng;
	fw->rs = rs;
	/*
	 * The kernel hooks NAT for a family when its first nat chain appears;
	 * without one, entries get no (null) bindings and no *_NAT_DONE bits.
	 */
	for (int f = 0; rs && f < 2; f++)
		for (int h = 0; h < FW_HOOK_NONE; h++)
			for (uint32_t i = 0; i < rs->hooks[f][h].n; i++)
				if (rs->hooks[f][h].chains[i]->type == FW_CHAIN_NAT)
					fw->nat_on[f] = true;
	return fw;
}

void ctk_fw_free(struct ctk_fw *fw)
{
	free(fw);
}

/* @text as an address: its family (4 or 6) and bytes, 0 if not one. */
static int parse_addr(const char *text, uint8_t addr[16])
{
	if (inet_pton(AF_INET, text, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, addr) == 1)
		return 6;
	return 0;
}

int ctk_fw_add_local_address(struct ctk_fw *fw, const char *addr)
{
	uint8_t a[16];
	int family = parse_addr(addr, a);

	if (!family)
		return -EINVAL;
	if (fw->nlocal == FW_LOCAL_MAX)
		return -ENOMEM;
	fw->local[fw->nlocal].family = (uint8_t)family;
	memcpy(fw->local[fw->nlocal].addr, a, 16);
	fw->nlocal++;
	return 0;
}

int ctk_fw_set_masquerade_address(struct ctk_fw *fw, const char *addr)
{
	uint8_t a[16];
	int family = parse_addr(addr, a);

	if (!family)
		return -EINVAL;
	fw->has_masq[family == 6] = true;
	memcpy(fw->masq[family == 6], a, 16);
	return 0;
}

void ctk_fw_set_trace_cb(struct ctk_fw *fw, ctk_fw_trace_cb cb, void *data)
{
	fw->trace_cb = cb;
	fw->trace_data = data;
}

static bool ifname_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < IFNAMSIZ && !strchr(name, '/') && !strchr(name, ' ');
}

int ctk_fw_add_route(struct ctk_fw *fw, const char *prefix, const char *ifname)
{
	struct fw_route *r;
	char text[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen;
	int family;

	if (!ifname_ok(ifname) || strlen(prefix) >= sizeof(text))
		return -EINVAL;
	if (fw->nroutes == FW_ROUTE_MAX)
		return -ENOMEM;
	r = &fw->routes[fw->nroutes];
	strcpy(text, prefix);
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	family = parse_addr(text, r->addr);
	if (!family)
		return -EINVAL;
	plen = family == 4 ? 32 : 128;
	if (slash) {
		unsigned long max = plen;

		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || plen > max)
			return -EINVAL;
	}
	r->family = (uint8_t)family;
	r->plen = (uint8_t)plen;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	fw->nroutes++;
	return 0;
}

static bool prefix_has(const struct fw_route *r, const uint8_t *addr)
{
	unsigned int full = r->plen / 8, rest = r->plen % 8;

	if (memcmp(r->addr, addr, full))
		return false;
	return !rest || ((r->addr[full] ^ addr[full]) & (0xff00 >> rest)) == 0;
}

const char *fw_route_lookup(const struct ctk_fw *fw, uint8_t family, const uint8_t *dst)
{
	const struct fw_route *best = NULL;

	for (unsigned int i = 0; i < fw->nroutes; i++) {
		const struct fw_route *r = &fw->routes[i];

		if (r->family == family && prefix_has(r, dst) && (!best || r->plen > best->plen))
			best = r;
	}
	return best ? best->ifname : NULL;
}

int ctk_fw_set_iifname(struct ctk_fw *fw, const char *ifname)
{
	if (!ifname_ok(ifname))
		return -EINVAL;
	snprintf(fw->iifname, sizeof(fw->iifname), "%s", ifname);
	return 0;
}
