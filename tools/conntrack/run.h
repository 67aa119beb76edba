/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command execution: a compiled struct ct_cli runs against a source of
 * entries (the kernel over ctnetlink) and writes to one buffered output.
 */
#ifndef CT_RUN_H
#define CT_RUN_H

#include <stdbool.h>
#include <ctkit/netlink.h>
#include <ctkit/output.h>

#include "cli.h"

struct ct_run {
	const struct ct_cli *cli;
	struct ctk_nl *nl;		/* requests and dumps */
	struct ctk_nl *modifier;	/* changes made while a dump runs */
	struct ctk_out *out;
	struct ctk_fmt fmt;		/* the format of this command's path */
	unsigned int counter;		/* entries shown / changed */
	bool xml_open;			/* the XML header has been written */
	bool batch;			/* part of a -R file: no summaries */
	int error;			/* first runtime error (negative errno) */
	struct ctk_groups *groups;	/* --group-by: entries counted here, not printed */
};

/*
 * ct_run_command - execute one command. Returns the exit code; the
 * summary line is printed unless @batch.
 */
int ct_run_command(const struct ct_cli *cli, struct ctk_out *out, bool batch);

typedef int (*ct_runner_fn)(struct ct_run *run);
typedef const char *(*ct_err2str_fn)(int err, enum ct_cmd cmd);

/*
 * ct_run_prepare_fmt - run->fmt's time and label map for the command;
 * returns a label map loaded for JSON, which the caller frees
 * (ctk_labelmap_free) after the command, or NULL.
 */
struct ctk_labelmap *ct_run_prepare_fmt(struct ct_run *run);
/*
 * ct_run_tables - @run's command (prepared by the caller: cli, out, fmt
 * by ct_run_prepare_fmt(), batch) on the kernel's tables, in the calling
 * thread's namespace.
 * Returns the exit code; no summary line for the conntrack table (see
 * ct_print_summary()), the expectation table's own unless run->batch.
 * run->counter has the entries shown or changed.
 */
int ct_run_tables(struct ct_run *run);
/* ct_run_is_expect - does the command run on the expectation table (run_expect.c)? */
bool ct_run_is_expect(const struct ct_cli *cli);
/* ct_print_summary - the summary line of a conntrack-table command; its exit code. */
int ct_print_summary(const struct ct_run *run);
/* ct_print_groups - --group-by: print run->groups in the command's format; 0 or -ENOMEM. */
int ct_print_groups(struct ct_run *run);
/* ct_run_netns_all - --netns all: the command in every namespace (run_netns.c); the exit code. */
int ct_run_netns_all(const struct ct_cli *cli, struct ctk_out *out);
/*
 * ct_netns_enter_ref - enter a namespace --netns all found; its descriptor
 * (the caller closes it), or -1: gone meanwhile (silently), or reported
 * on stderr and *@failed set.
 */
struct ctk_netns_ref;
int ct_netns_enter_ref(const struct ctk_netns_ref *ref, bool *failed);
/*
 * ct_run_event_netns - -E in every namespace at once, joining new ones as
 * they appear (run_event.c), from @tmpl (cli, out and a prepared fmt);
 * the exit code.
 */
int ct_run_event_netns(const struct ct_run *tmpl);

/*
 * ct_run_session - open a session, run @fn (NULL: not supported), close,
 * and report a failure as "Operation failed: <@err2str text>". Returns
 * the exit code.
 */
int ct_run_session(struct ct_run *run, ct_runner_fn fn, ct_err2str_fn err2str);

/* Lines shared by the conntrack and expect tables: "-C" counts and "-S" CPU lines. */
void ct_print_count(struct ct_run *run, uint32_t count);
int ct_print_cpu_stats(const struct ctk_cpu_stats *s, void *data);	/* ctk_stats_cb, data = run */

/*
 * ct_enter_netns - move the process (its only thread) into the network
 * namespace @spec names (ctk_netns_open()). 0, or -1 with @err set: exit
 * code 2 for a namespace that does not exist or is not one, 1 when it
 * cannot be entered (no CAP_SYS_ADMIN).
 */
int ct_enter_netns(const char *spec, struct ct_error *err);

/* A runner that already printed its own message returns this. */
#define CT_ERR_REPORTED (-4095)

/* ct_create_entry - the entry -I/-A asks for: @cli's template with both directions. */
void ct_create_entry(const struct ct_cli *cli, struct ctk_entry *e);
/* ct_run_load_file - -R @path: the exit code (run_load.c). */
int ct_run_load_file(const char *path, struct ctk_out *out);

/* Per-command runners; each returns 0, a negative errno or CT_ERR_REPORTED. */
int ct_run_list(struct ct_run *run);
int ct_run_get(struct ct_run *run);
int ct_run_create(struct ct_run *run);
int ct_run_update(struct ct_run *run);
int ct_run_delete(struct ct_run *run);
int ct_run_flush(struct ct_run *run);
int ct_run_count(struct ct_run *run);
int ct_run_stats(struct ct_run *run);
int ct_run_event(struct ct_run *run);	/* run_event.c */

/*
 * ct_dump_filtered - dump with as much of @f as the kernel can apply
 * (dump_plan.c), received on a second thread when a second CPU is free;
 * @cb still sees every entry the kernel let through, on this thread.
 */
int ct_dump_filtered(struct ct_run *run, const struct ctk_dump_opts *base,
		     const struct ctk_filter *f, ctk_entry_cb cb, void *data);
/*
 * ct_list_dump_opts - the dump request of -L for @cli: its table, and the
 * family, mark and status filters the reference sends to the kernel.
 */
void ct_list_dump_opts(const struct ct_cli *cli, struct ctk_dump_opts *o);
/* ct_debug_fields - the --debug line "ctkit: @what: <CTK_F_* names>" (dump_plan.c). */
void ct_debug_fields(const char *what, uint64_t fields);

/*
 * ct_selected - does @e pass the command's filter and, with
 * --filter-file, at least one of the file's filters?
 */
bool ct_selected(const struct ct_cli *cli, const struct ctk_entry *e);

/* ct_print_entry - write @e in the path's format, opening the XML document if asked. */
void ct_print_entry(struct ct_run *run, const struct ctk_entry *e, bool xml_header);

#endif
