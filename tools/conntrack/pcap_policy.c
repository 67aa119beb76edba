// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --timeout-policy FILE: read the file line by line and hand each line
 * to the engine's policy calls (ctkit/engine_policy.h); this file only
 * reads and says where a message comes from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine_policy.h>
#include <ctkit/timeout.h>

#include "pcap_policy.h"
#include "report.h"

int ct_policy_load(FILE *f, const char *name, struct ctk_engine_config *cfg)
{
	char msg[CTK_ENGINE_POLICY_MSG_MAX], warn[CTK_ENGINE_POLICY_MSG_MAX];
	struct ctk_timeout t;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int ret = 0;

	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		int r;

		lineno++;
		warn[0] = '\0';
		r = ctk_engine_policy_parse(line, &t, msg);
		if (r > 0)
			r = ctk_engine_policy_apply(cfg, &t, msg, warn) < 0 ? -1 : 1;
		if (r < 0) {
			ct_say("%s:%lu: %s", name, lineno, msg);
			ret = -1;
		} else if (r > 0 && warn[0]) {
			ct_say("%s:%lu: warning: %s", name, lineno, warn);
		}
	}
	if (ret == 0 && ferror(f)) {
		ct_say("%s: %s", name, strerror(errno));
		ret = -1;
	}
	free(line);
	return ret;
}
