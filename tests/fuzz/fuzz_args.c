// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the conntrack command-line parser. The input is
 * split into arguments at NUL bytes and newlines (argv[0] is "conntrack");
 * whatever the words, ct_parse_args() must return 0 or -1 with a message,
 * never crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ct_error err;
	char *argv[MAX_ARGS + 2];
	struct ct_cli cli;
	char *buf = malloc(size + 1);
	int argc = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "conntrack";
	for (size_t i = 0, start = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i < size && buf[i] != '\n' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	if (ct_parse_args(argc, argv, &cli, &err) < 0 && (!err.exit_code || !err.msg[0]))
		abort();
	ct_cli_free(&cli);
	free(buf);
	return 0;
}
