// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the conntrackd.conf parser: the input is the file.
 * Whatever the bytes, the parse ends with 0 or with an error that names a
 * message and the reference's exit status, and the counts stay in bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctd_config c;
	struct ctd_config_error err;

	ctd_config_defaults(&c);
	if (ctd_config_parse(&c, (const char *)data, size, &err) < 0) {
		if (!err.msg[0] || (err.exit_code != 1 && err.exit_code != 2))
			abort();
		return 0;
	}
	if (c.n_links > CTD_LINKS_MAX || c.n_helpers > CTD_HELPERS_MAX ||
	    c.n_warnings > CTD_WARNINGS_MAX || c.filter.n_addrs > CTD_FILTER_ADDR_MAX ||
	    c.n_expect_helpers > CTD_EXPECT_HELPERS_MAX || c.default_link >= CTD_LINKS_MAX)
		abort();
	return 0;
}
