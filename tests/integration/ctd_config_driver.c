// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs ctkit's conntrackd.conf parser on one file and prints what the
 * reference daemon would print for it, minus the "[time] (pid=N) " part:
 * "[warning] ..." lines, then "[ERROR] ..." (or the bare text) and the
 * reference's exit status; nothing and status 0 when the file parsed.
 * Built by test_ctd_config_ref.py against tools/conntrackd/config*.c.
 */
#include <stdio.h>

#include "config.h"

int main(int argc, char **argv)
{
	static struct ctd_config c;
	struct ctd_config_error err;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 64;
	}
	ctd_config_defaults(&c);
	r = ctd_config_load(&c, argv[1], &err);
	for (unsigned int i = 0; i < c.n_warnings; i++)
		printf("[warning] %s\n", c.warnings[i].msg);
	if (!r)
		return 0;
	printf(err.plain ? "%s\n" : "[ERROR] %s\n", err.msg);
	return err.exit_code;
}
