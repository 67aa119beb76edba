// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --netns NAME|PATH|PID: the whole program runs in that network
 * namespace, as under "ip netns exec" (conntrack, ctkit-top).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ctkit/netns.h>

#include "run.h"

int ct_enter_netns(const char *spec, struct ct_error *err)
{
	int fd = ctk_netns_open(spec), ret;

	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "--netns `%s': %s", spec,
			 fd == -ENOENT	 ? "no such network namespace"
			 : fd == -EINVAL ? "not a network namespace"
					 : strerror(-fd));
		err->exit_code = 2;
		return -1;
	}
	ret = ctk_netns_enter(fd);
	close(fd);
	if (ret < 0) {
		snprintf(err->msg, sizeof(err->msg), "--netns `%s': cannot enter it: %s", spec,
			 strerror(-ret));
		err->exit_code = 1;
		return -1;
	}
	return 0;
}
