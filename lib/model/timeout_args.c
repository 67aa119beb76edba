// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Building a timeout policy: its name, its states, and the nfct syntax
 * "FAMILY PROTO STATE SECS [STATE SECS]..." (also meant for policy files).
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/timeout.h>

void ctk_timeout_set_name(struct ctk_timeout *t, const char *name)
{
	size_t len = strnlen(name, CTK_TIMEOUT_NAME_LEN - 1);

	memcpy(t->name, name, len);
	t->name[len] = '\0';
	t->present |= CTK_TIMEOUT_ATTR_NAME;
}

int ctk_timeout_set_secs(struct ctk_timeout *t, unsigned int state, uint32_t secs)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(t->l4proto);

	if (!(t->present & CTK_TIMEOUT_ATTR_L4PROTO) || !p || state >= p->nstates)
		return -EINVAL;
	t->secs[state] = secs;
	t->states |= 1u << state;
	return 0;
}

bool ctk_timeout_get_secs(const struct ctk_timeout *t, unsigned int state, uint32_t *secs)
{
	if (state >= CTK_TIMEOUT_STATES || !(t->states & (1u << state)))
		return false;
	*secs = t->secs[state];
	return true;
}

int ctk_timeout_l4proto(const char *name)
{
	const struct protoent *pe = getprotobyname(name);

	if (pe)
		return (uint8_t)pe->p_proto;
	/* Debian's /etc/protocols says ipv6-icmp; both tools accept icmpv6 too. */
	if (strcmp(name, "icmpv6") == 0)
		return IPPROTO_ICMPV6;
	if (strcmp(name, "generic") == 0)
		return CTK_TIMEOUT_GENERIC;
	return -1;
}

static int l3proto(const char *name)
{
	if (strcmp(name, "inet") == 0)
		return AF_INET;
	if (strcmp(name, "inet6") == 0)
		return AF_INET6;
	return -1;
}

/* atoi() as glibc does it: strtol() cut to int, whatever follows ignored. */
static bool read_secs(const char *s, unsigned int flags, uint32_t *secs)
{
	char *end;
	unsigned long long v;

	if (!(flags & CTK_TIMEOUT_ARGS_STRICT)) {
		*secs = (uint32_t)strtol(s, NULL, 10);
		return true;
	}
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*secs = (uint32_t)v;
	return true;
}

static enum ctk_timeout_args_err fail(enum ctk_timeout_args_err err, int index, int *bad)
{
	if (bad)
		*bad = index;
	return err;
}

enum ctk_timeout_args_err ctk_timeout_parse_args(struct ctk_timeout *t, int argc,
						 char *const argv[], unsigned int flags,
						 int *bad)
{
	int l3, l4, i;

	if (argc < 1 || (l3 = l3proto(argv[0])) < 0)
		return fail(CTK_TIMEOUT_ARGS_L3, 0, bad);
	t->l3proto = (uint16_t)l3;
	t->present |= CTK_TIMEOUT_ATTR_L3PROTO;
	if (argc < 2 || (l4 = ctk_timeout_l4proto(argv[1])) < 0)
		return fail(CTK_TIMEOUT_ARGS_L4, 1, bad);
	t->l4proto = (uint8_t)l4;
	t->present |= CTK_TIMEOUT_ATTR_L4PROTO;
	/* As the reference: every complete pair first, then an odd word out. */
	for (i = 2; i + 1 < argc; i += 2) {
		int state = ctk_timeout_state(t->l4proto, argv[i]);
		uint32_t secs;

		if (state < 0)
			return fail(CTK_TIMEOUT_ARGS_STATE, i, bad);
		if (!read_secs(argv[i + 1], flags, &secs))
			return fail(CTK_TIMEOUT_ARGS_VALUE, i + 1, bad);
		ctk_timeout_set_secs(t, (unsigned int)state, secs);
	}
	if (i < argc)
		return fail(CTK_TIMEOUT_ARGS_MISSING, i, bad);
	return CTK_TIMEOUT_ARGS_OK;
}
