/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * -R FILE / --load-file FILE: every line is a conntrack command line. The
 * whole file is parsed before anything runs; each line keeps its own
 * settings (the reference applies the last line's template to all).
 * (API fixed by the lead's main.c; implemented in loadfile.c.)
 */
#ifndef CT_LOADFILE_H
#define CT_LOADFILE_H

#include <stddef.h>
#include "cli.h"

struct ct_batch {
	struct ct_cli *cmds;
	size_t count;
};

/*
 * ct_load_file - parse @path ("-" = stdin) into @batch. Returns 0, or -1
 * with @err set (exit code 2 for parse errors and commands that -R does
 * not allow). Warnings of successful parses accumulate in @err->warnings.
 */
int ct_load_file(const char *path, struct ct_batch *batch, struct ct_error *err);
void ct_batch_free(struct ct_batch *batch);

/*
 * ct_load_filters - --filter-file: each line of @path ("-" = stdin) holds
 * selection options, parsed as if they followed @command ("-L", "-D").
 * Returns 0, or -1 with @err set (exit code 2, message "FILE:LINE: ...").
 */
int ct_load_filters(const char *path, const char *command, struct ct_batch *batch,
		    struct ct_error *err);

/* help.c: ctkit's usage text; @l4proto >= 0 adds that protocol's options. */
#include <stdio.h>
void ct_print_help(FILE *f, int l4proto);

#endif
