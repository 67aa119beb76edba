// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Numbers as conntrack 1.4.7 reads them: unchecked. Ports and ICMP fields
 * go through atoi() and are truncated ("--sport 70000" is 4464, "abc" is
 * 0); zones, ids, secmarks and GRE keys through strtoul(s, NULL, 0), so
 * hex works; timeouts and buffer sizes through atol(). Scripts written for
 * the reference depend on this leniency, so it is kept.
 */
#include <stdlib.h>

#include "parse_priv.h"

uint32_t ct_atou32(const char *s)
{
	return (uint32_t)atoi(s);
}

uint32_t ct_strtou32(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 0);
}

uint32_t ct_atol32(const char *s)
{
	return (uint32_t)atol(s);
}

/* -m VALUE[/MASK]: a missing mask is all ones. */
void ct_parse_mark(const char *arg, uint32_t *value, uint32_t *mask)
{
	char *end;

	*value = (uint32_t)strtoul(arg, &end, 0);
	*mask = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0) : UINT32_MAX;
}
