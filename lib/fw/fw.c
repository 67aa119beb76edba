// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The firewall object: the engine and ruleset it runs, the addresses a
 * capture cannot tell (the firewall's own, masquerade's), the trace
 * callback.
 */
#include <arpa/inet.h>
#include <errno.h>
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
