// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -R FILE: run the lines of a file (loadfile.c reads it in two passes).
 *
 * Creates (-I, -A on the conntrack table), the lines of a saved table, go
 * to the kernel through one commit pipeline, hundreds per sendmsg(); any
 * other line first waits for every create before it, then runs as on the
 * command line. As in the reference, the first failing line stops the
 * file with its "Operation failed" message and exit code 1. The kernel
 * runs a whole batch in one call, so the creates that followed the failed
 * one in its batch were made: they are deleted again before the message,
 * leaving the table as if the file had stopped at the failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/netlink.h>

#include <ctkit/commit.h>

#include "loadfile.h"
#include "report.h"
#include "run.h"

#define LOAD_BATCH 256

struct load_run {
	struct ctk_commit *commit; /* opened at the first create */
	struct ctk_out *out;
	int failed; /* the first failed create's errno */
	enum ct_cmd failed_cmd;
	struct ctk_entry *undo; /* creates the kernel made after it */
	unsigned int n_undo;
};

/* A create's result (on the pipeline's worker). */
static int load_done(const struct ctk_commit_result *r, void *data)
{
	struct load_run *lr = data;
	enum ct_cmd cmd = (enum ct_cmd)(uintptr_t)r->cookie;

	if (lr->failed) {
		/* Only the rest of the failed batch can have succeeded: LOAD_BATCH at most. */
		if (r->err == 0 && lr->n_undo < LOAD_BATCH)
			lr->undo[lr->n_undo++] = *r->request;
		return 0;
	}
	if (r->err == 0 || (r->err == -EEXIST && cmd == CT_CMD_ADD))
		return 0; /* -A: already there is fine */
	lr->failed = r->err;
	lr->failed_cmd = cmd;
	return r->err;
}

static int load_start(struct load_run *lr)
{
	struct ctk_commit_opts o = {.batch = LOAD_BATCH};

	lr->undo = malloc(LOAD_BATCH * sizeof(*lr->undo));
	if (!lr->undo)
		return -ENOMEM;
	lr->commit = ctk_commit_new(&o, load_done, lr);
	return lr->commit ? 0 : -errno;
}

/* Delete again what the kernel created after the failed line, in its batch. */
static void undo_creates(struct load_run *lr)
{
	struct ctk_nl *nl;

	if (!lr->n_undo || !(nl = ctk_nl_open()))
		return;
	for (unsigned int i = 0; i < lr->n_undo; i++)
		ctk_nl_delete(nl, lr->undo[i].orig.l3num, &lr->undo[i]);
	ctk_nl_close(nl);
}

/*
 * Wait for every create queued so far (@close: and end the pipeline);
 * report a failure as the create's own command would. Returns the exit code.
 */
static int load_settle(struct load_run *lr, bool close)
{
	int ret;

	if (!lr->commit)
		return CT_EXIT_OK;
	ret = close ? ctk_commit_close(lr->commit) : ctk_commit_flush(lr->commit);
	if (close)
		lr->commit = NULL;
	if (!ret)
		return CT_EXIT_OK;
	if (lr->failed) {
		if (!close) {
			ctk_commit_close(lr->commit);
			lr->commit = NULL;
		}
		undo_creates(lr);
		ret = lr->failed;
	}
	ctk_out_flush(lr->out);
	ct_say("Operation failed: %s",
	       ct_err2str(-ret, lr->failed ? lr->failed_cmd : CT_CMD_CREATE));
	return CT_EXIT_OTHER;
}

static bool batched(const struct ct_cli *cli)
{
	return cli->table == CT_TABLE_CONNTRACK &&
	       (cli->cmd == CT_CMD_CREATE || cli->cmd == CT_CMD_ADD);
}

static int queue_create(struct load_run *lr, const struct ct_cli *cli)
{
	struct ctk_entry e;
	long seq;

	if (!lr->commit && load_start(lr) < 0) {
		ct_say("Can't open handler");
		return CT_EXIT_OTHER;
	}
	ct_create_entry(cli, &e);
	seq = ctk_commit_create(lr->commit, cli->family, &e, NLM_F_CREATE | NLM_F_EXCL,
				(void *)(uintptr_t)cli->cmd);
	if (seq >= 0)
		return CT_EXIT_OK;
	/* The pipeline stopped on an earlier line, or this one cannot be sent. */
	if (load_settle(lr, true) != CT_EXIT_OK)
		return CT_EXIT_OTHER;
	ctk_out_flush(lr->out);
	ct_say("Operation failed: %s", ct_err2str((int)-seq, cli->cmd));
	return CT_EXIT_OTHER;
}

static int run_line(struct load_run *lr, const struct ct_cli *cli)
{
	int rc;

	if (batched(cli))
		return queue_create(lr, cli);
	rc = load_settle(lr, false);
	return rc ? rc : ct_run_command(cli, lr->out, true);
}

int ct_run_load_file(const char *path, struct ctk_out *out)
{
	struct load_run lr = {.out = out};
	struct ct_error err;
	struct ct_load *ld = ct_load_open(path, &err);
	struct ct_cli cli;
	int rc = CT_EXIT_OK, more;

	if (!ld)
		return ct_report_error(&err);
	ct_report_error(&err); /* warnings */
	while (rc == CT_EXIT_OK && (more = ct_load_next(ld, &cli)) != 0) {
		if (more < 0) {
			ct_say("File %s changed while it was loaded", path);
			rc = CT_EXIT_OTHER;
			break;
		}
		rc = run_line(&lr, &cli);
		ct_cli_free(&cli);
	}
	if (rc == CT_EXIT_OK)
		rc = load_settle(&lr, true);
	else
		ctk_commit_close(lr.commit);
	ct_load_close(ld);
	free(lr.undo);
	return rc;
}
