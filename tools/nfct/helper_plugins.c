// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The userspace helpers conntrackd 1.4.7 ships as ct_helper_NAME.so.
 *
 * The reference dlopen()s the plugin to learn a helper's private data
 * size and expectation classes; those are fixed facts of each plugin, so
 * ctkit keeps them as data (read from the 1.4.7 plugins as Debian builds
 * them). A helper is known by name and layer-4 protocol: rpc and ssdp
 * exist for both TCP and UDP, ftp only for TCP.
 */
#include <string.h>
#include <netinet/in.h>
#include <ctkit/helper_nl.h>
#include "nfct.h"

#define PLUGIN(n, proto, priv, max, secs)                                          \
	{                                                                          \
		.present = CTK_HELPER_ATTR_NAME | CTK_HELPER_ATTR_L4PROTO |        \
			   CTK_HELPER_ATTR_PRIV_LEN | CTK_HELPER_ATTR_POLICY,      \
		.name = n, .l4proto = proto, .priv_data_len = priv, .npolicies = 1, \
		.policy = { { .name = n, .expect_max = max, .expect_timeout = secs } }, \
	}

static const struct ctk_helper plugins[] = {
	PLUGIN("amanda", IPPROTO_UDP, 0, 3, 180),
	PLUGIN("dhcpv6", IPPROTO_UDP, 0, 1, 300),
	PLUGIN("ftp", IPPROTO_TCP, 24, 1, 300),
	PLUGIN("mdns", IPPROTO_UDP, 0, 8, 30),
	PLUGIN("rpc", IPPROTO_TCP, 16, 1, 300),
	PLUGIN("rpc", IPPROTO_UDP, 16, 1, 300),
	PLUGIN("sane", IPPROTO_TCP, 4, 1, 300),
	PLUGIN("slp", IPPROTO_UDP, 0, 8, 16),
	PLUGIN("ssdp", IPPROTO_UDP, 0, 8, 300),
	PLUGIN("ssdp", IPPROTO_TCP, 0, 8, 300),
	PLUGIN("tftp", IPPROTO_UDP, 0, 1, 300),
	PLUGIN("tns", IPPROTO_TCP, 1, 1, 300),
};

const struct ctk_helper *nfct_helper_plugin(const char *name, uint8_t l4proto)
{
	for (size_t i = 0; i < sizeof(plugins) / sizeof(plugins[0]); i++)
		if (plugins[i].l4proto == l4proto && strcmp(plugins[i].name, name) == 0)
			return &plugins[i];
	return NULL;
}
