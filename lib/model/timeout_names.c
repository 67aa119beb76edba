// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lookups in the trackers that take timeout policies (their names are in
 * l4proto.c, with every other per-protocol table).
 */
#include <strings.h>
#include <netinet/in.h>
#include <ctkit/timeout.h>
#include "model/tables.h"

const struct ctk_timeout_proto *ctk_timeout_proto_at(unsigned int index)
{
	return index < ctkm_timeout_nprotos ? &ctkm_timeout_protos[index] : NULL;
}

const struct ctk_timeout_proto *ctk_timeout_proto(uint8_t l4proto)
{
	for (unsigned int i = 0; i < ctkm_timeout_nprotos; i++)
		if (ctkm_timeout_protos[i].l4proto == l4proto)
			return &ctkm_timeout_protos[i];
	return NULL;
}

int ctk_timeout_state(uint8_t l4proto, const char *name)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(l4proto);

	if (!p)
		return -1;
	for (int i = 0; i < p->nstates; i++)
		if (strcasecmp(p->states[i], name) == 0)
			return i;
	return -1;
}

const char *ctk_timeout_state_name(uint8_t l4proto, unsigned int state)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(l4proto);

	return p && state < p->nnames ? p->states[state] : NULL;
}
