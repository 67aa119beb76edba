/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * -R FILE / --load-file FILE: every line is a conntrack command line. The
 * whole file is parsed before anything runs; each line keeps its own
 * settings (the reference applies the last line's template to all).
 * The lines run in run_load.c. struct ct_batch holds parsed lines in
 * memory: for --filter-file and the in-memory parser of the tests.
 */
#ifndef CT_LOADFILE_H
#define CT_LOADFILE_H

#include <stddef.h>
#include "cli.h"

struct ct_batch {
	struct ct_cli *cmds;
	size_t count;
};

void ct_batch_free(struct ct_batch *batch);

/*
 * -R, streamed: the file is read twice and never held. ct_load_open()
 * parses every line of @path ("-" = stdin) and forgets it; it returns
 * NULL with @err set (exit code 2 for parse errors and commands that -R
 * does not allow, the first parse error anywhere winning), else the
 * reader for the second pass, with the warnings of the first in
 * @err->warnings. A file that cannot be read twice (a pipe) is copied to
 * an unnamed temporary file meanwhile. A progress line shows on stderr
 * for a long regular file when stderr is a terminal.
 */
struct ct_load;
struct ct_load *ct_load_open(const char *path, struct ct_error *err);
/*
 * ct_load_next - the next command line into @cli (free it with
 * ct_cli_free()); 1, 0 at the end (or a read error, as for the
 * reference), -1 when a line no longer parses (the file changed since the
 * first pass).
 */
int ct_load_next(struct ct_load *ld, struct ct_cli *cli);
/* ct_load_close - close the file, erase the progress line, free @ld (NULL: no-op). */
void ct_load_close(struct ct_load *ld);

/*
 * ct_load_filters - --filter-file: each line of @path ("-" = stdin) holds
 * selection options, parsed as if they followed @command ("-L", "-D").
 * Returns 0, or -1 with @err set (exit code 2, message "FILE:LINE: ...").
 */
int ct_load_filters(const char *path, const char *command, struct ct_batch *batch,
		    struct ct_error *err);

/*
 * ct_load_filter_file - --filter-file of @cli: the selection of every line
 * of cli->filter_file into cli->any_of, for one dump (ct_selected()).
 * 0, or -1 with @err set as ct_load_filters() (exit code 1 when out of memory).
 */
int ct_load_filter_file(struct ct_cli *cli, struct ct_error *err);

/* help.c: ctkit's usage text; @l4proto >= 0 adds that protocol's options. */
#include <stdio.h>
void ct_print_help(FILE *f, int l4proto);

#endif
