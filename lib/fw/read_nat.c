// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NAT statements: snat, dnat, masquerade and redirect with their
 * addresses, ports, ranges, prefixes, maps and flags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fw/read.h"

static const struct {
	const char *name;
	uint32_t flag;
} nat_flags[] = {
	{"random", FW_NAT_RANDOM},
	{"fully-random", FW_NAT_FULLY_RANDOM},
	{"persistent", FW_NAT_PERSISTENT},
	{"netmap", FW_NAT_NETMAP},
};

static int one_flag(struct fw_rd *rd, json_t *f, uint32_t *flags)
{
	const char *s = json_string_value(f);

	for (size_t i = 0; s && i < sizeof(nat_flags) / sizeof(nat_flags[0]); i++)
		if (!strcmp(nat_flags[i].name, s)) {
			*flags |= nat_flags[i].flag;
			return 0;
		}
	return fw_err(rd, "unknown NAT flag \"%s\"", s ? s : "?");
}

static int read_flags(struct fw_rd *rd, json_t *f, uint32_t *flags)
{
	size_t i;
	json_t *x;

	if (!f)
		return 0;
	if (!json_is_array(f))
		return one_flag(rd, f, flags);
	json_array_foreach(f, i, x)
	{
		if (one_flag(rd, x, flags) < 0)
			return -EINVAL;
	}
	return 0;
}

/* 4 or 6: the statement's "family", the table's, or the address's own. */
static int nat_family(struct fw_rd *rd, json_t *v, json_t *addr)
{
	const char *f = json_string_value(json_object_get(v, "family"));
	json_t *x = addr;

	if (f)
		return !strcmp(f, "ip6") ? 6 : 4;
	if (rd->table->family == FW_FAMILY_IP)
		return 4;
	if (rd->table->family == FW_FAMILY_IP6)
		return 6;
	while (json_is_object(x) && (json_object_get(x, "range") || json_object_get(x, "prefix")))
		x = json_object_get(x, "range")
			    ? json_array_get(json_object_get(x, "range"), 0)
			    : json_object_get(json_object_get(x, "prefix"), "addr");
	if (json_is_string(x))
		return strchr(json_string_value(x), ':') ? 6 : 4;
	return fw_err(rd, "NAT in an inet table needs \"ip to\" or \"ip6 to\"");
}

/* A mapped NAT address may carry the port: "10.0.0.1 . 8080". */
static bool map_has_port(json_t *map)
{
	json_t *data = json_object_get(map, "data"), *set = json_object_get(data, "set");

	if (set)
		return json_is_object(json_array_get(json_array_get(set, 0), 1)) &&
		       json_object_get(json_array_get(json_array_get(set, 0), 1), "concat");
	return false;
}

static int named_map_has_port(struct fw_rd *rd, json_t *map, bool *port)
{
	const char *name = json_string_value(json_object_get(map, "data"));

	*port = false;
	if (!name || name[0] != '@')
		return 0;
	for (uint32_t i = 0; i < rd->table->nsets; i++)
		if (!strcmp(rd->table->sets[i].name, name + 1)) {
			struct fw_vdesc d;
			json_t *j = rd->pending[rd->table_idx][i].json;

			if (fw_type_vdesc(rd, json_object_get(j, "map"), &d) < 0)
				return -EINVAL;
			*port = d.n == 2;
			return 0;
		}
	return 0;
}

static int read_addr(struct fw_rd *rd, json_t *a, struct fw_nat *n)
{
	struct fw_vdesc d = {.n = 1};
	json_t *map = json_is_object(a) ? json_object_get(a, "map") : NULL;

	d.vt[0] = n->family == 6 ? FW_VT_ADDR6 : FW_VT_ADDR4;
	d.len[0] = n->family == 6 ? 16 : 4;
	n->flags |= FW_NAT_HAS_ADDR;
	if (map) {
		bool port = map_has_port(map);

		if (!port && named_map_has_port(rd, map, &port) < 0)
			return -EINVAL;
		if (port) {
			d.n = 2;
			d.vt[1] = FW_VT_INT;
			d.len[1] = 2;
			n->flags |= FW_NAT_HAS_PORT;
		}
		return fw_read_src(rd, a, &d, &n->addr_lo);
	}
	if (json_is_object(a) && !json_object_get(a, "range") && !json_object_get(a, "prefix"))
		return fw_err(rd, "a NAT address from a packet field is not supported by the "
				  "offline firewall");
	return fw_read_range(rd, a, &d, &n->addr_lo.value, &n->addr_hi);
}

static int read_port(struct fw_rd *rd, json_t *p, struct fw_nat *n)
{
	struct fw_vdesc d = {.n = 1, .vt = {FW_VT_INT}, .len = {2}};

	n->flags |= FW_NAT_HAS_PORT;
	if (json_is_object(p) && !json_object_get(p, "range"))
		return fw_err(rd, "a NAT port from an expression is not supported by the offline "
				  "firewall");
	return fw_read_range(rd, p, &d, &n->port_lo.value, &n->port_hi);
}

int fw_read_nat(struct fw_rd *rd, const char *kind, json_t *v, struct fw_expr *e)
{
	struct fw_nat *n = calloc(1, sizeof(*n));
	json_t *addr = json_object_get(v, "addr"), *port = json_object_get(v, "port");
	const char *tf;
	int fam;

	e->kind = FW_E_NAT;
	e->u.nat = n;
	if (!n)
		return fw_err(rd, "out of memory");
	n->kind = !strcmp(kind, "snat")		? FW_NAT_SNAT
		  : !strcmp(kind, "dnat")	? FW_NAT_DNAT
		  : !strcmp(kind, "masquerade") ? FW_NAT_MASQUERADE
						: FW_NAT_REDIRECT;
	if (!json_is_null(v) && !json_is_object(v))
		return fw_err(rd, "%s: unexpected value", kind);
	if (read_flags(rd, json_object_get(v, "flags"), &n->flags) < 0)
		return -EINVAL;
	/* "prefix" is the address's own shape; "interval" and "concat" maps are not read. */
	tf = json_string_value(json_object_get(v, "type_flags"));
	if (json_object_get(v, "type_flags") && (!tf || strcmp(tf, "prefix")))
		return fw_err(rd, "%s with type_flags %s is not supported by the offline firewall",
			      kind, tf ? tf : "(a list)");
	if ((n->kind == FW_NAT_SNAT || n->kind == FW_NAT_DNAT) && !addr)
		return fw_err(rd, "%s without an address", kind);
	if ((n->kind == FW_NAT_MASQUERADE || n->kind == FW_NAT_REDIRECT) && addr)
		return fw_err(rd, "%s takes no address", kind);
	if (addr) {
		fam = nat_family(rd, v, addr);
		if (fam < 0)
			return -EINVAL;
		n->family = (uint8_t)fam;
		if (read_addr(rd, addr, n) < 0)
			return -EINVAL;
	}
	if (port && read_port(rd, port, n) < 0)
		return -EINVAL;
	return 0;
}
