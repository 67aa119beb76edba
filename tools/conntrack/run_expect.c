// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The expectation table: -L, -G, -I, -D, -F, -C and -S with the "expect"
 * table word, as conntrack 1.4.7 runs them (see run_expect.h).
 *
 * Which tuple means what follows the reference: -I sends -s/-d/-p/ports
 * as the master and --tuple-* / --mask-* as the expected tuple and its
 * mask; -G sends -s/-d... as the master tuple, -D as the expected tuple
 * (the kernel matches either against the expectation under its mask).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <ctkit/expect_nl.h>

#include "report.h"
#include "run_expect.h"

#define EXP_SHOWN "%u expectations have been shown."

void ct_print_expect(struct ct_run *run, const struct ctk_expect *x, enum ctk_event ev)
{
	struct timeval tv;

	if (run->fmt.kind == CTK_FMT_XML && !run->xml_open) {
		ctk_out_puts(run->out, CTK_XML_EXP_HEADER);
		run->xml_open = true;
	}
	if (run->cli->output_timestamp) {
		gettimeofday(&tv, NULL);
		if (run->fmt.kind == CTK_FMT_XML) {
			run->fmt.now = tv.tv_sec;
		} else {
			char prefix[64];
			int n = snprintf(prefix, sizeof(prefix), "[%-8ld.%-6ld]\t", (long)tv.tv_sec,
					 (long)tv.tv_usec);

			ctk_out_write(run->out, prefix, (size_t)n);
		}
	}
	ctk_out_expect(run->out, x, ev, &run->fmt);
}

static int print_cb(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ct_run *run = data;

	(void)ev;
	ct_print_expect(run, x, CTK_EV_NONE);
	run->counter++;
	return CTK_CB_OK;
}

static void set_tuple(struct ctk_expect *x, enum ctk_expect_attr which, const struct ctk_tuple *t)
{
	switch (which) {
	case CTK_EXPECT_ATTR_MASTER:
		x->master = *t;
		break;
	case CTK_EXPECT_ATTR_MASK:
		x->mask = *t;
		break;
	default:
		x->expected = *t;
		break;
	}
	ctk_expect_set(x, which);
}

static int exp_list(struct ct_run *run)
{
	int ret = ctk_nl_expect_dump(run->nl, run->cli->family, print_cb, run);

	/* Like the reference: the footer only closes a document that was opened. */
	if (run->xml_open)
		ctk_out_puts(run->out, CTK_XML_EXP_FOOTER);
	return ret;
}

static int exp_get(struct ct_run *run)
{
	struct ctk_expect tmpl = {0};

	set_tuple(&tmpl, CTK_EXPECT_ATTR_MASTER, &run->cli->tmpl.orig);
	/* As in the reference, -G opens an XML document but never closes it. */
	return ctk_nl_expect_get(run->nl, AF_UNSPEC, &tmpl, print_cb, run);
}

static int exp_create(struct ct_run *run)
{
	const struct ct_cli *cli = run->cli;
	struct ctk_expect x = {0};

	set_tuple(&x, CTK_EXPECT_ATTR_MASTER, &cli->tmpl.orig);
	set_tuple(&x, CTK_EXPECT_ATTR_EXPECTED, &cli->exp_tuple);
	set_tuple(&x, CTK_EXPECT_ATTR_MASK, &cli->exp_mask);
	if (cli->opts & (1u << CT_OPT_TIMEOUT)) {
		x.timeout = cli->tmpl.timeout;
		ctk_expect_set(&x, CTK_EXPECT_ATTR_TIMEOUT);
	}
	return ctk_nl_expect_create(run->nl, AF_UNSPEC, &x);
}

static int exp_delete(struct ct_run *run)
{
	struct ctk_expect x = {0};

	set_tuple(&x, CTK_EXPECT_ATTR_EXPECTED, &run->cli->tmpl.orig);
	return ctk_nl_expect_delete(run->nl, AF_UNSPEC, &x);
}

static int exp_flush(struct ct_run *run)
{
	int ret = ctk_nl_expect_flush(run->nl, run->cli->family);

	/* The reference says so before it reports any error. */
	ct_say("expectation table has been emptied.");
	return ret;
}

static int exp_count(struct ct_run *run)
{
	uint32_t count;
	int ret = ctk_nl_expect_count(run->nl, run->cli->family, &count);

	if (ret == 0)
		ct_print_count(run, count);
	return ret;
}

static int exp_stats(struct ct_run *run)
{
	return ctk_nl_expect_stats_cpu(run->nl, ct_print_cpu_stats, run);
}

/*
 * The reference's err2str() for the expectation commands: its table keys
 * on command bits, and of its special texts only these reach them (EINVAL
 * is listed for the bits up to CT_COUNT, which leaves out -C and -S expect).
 */
static const char *exp_err2str(int err, enum ct_cmd cmd)
{
	if (err == EPERM)
		return "sorry, you must be root or get CAP_NET_ADMIN capability to do this";
	if (err == EINVAL && cmd != CT_CMD_COUNT && cmd != CT_CMD_STATS)
		return "invalid parameters";
	if (err == ENOENT && cmd == CT_CMD_CREATE)
		return "master conntrack not found";
	return strerror(err);
}

static const ct_runner_fn runners[] = {
	[CT_CMD_LIST] = exp_list,
	[CT_CMD_GET] = exp_get,
	[CT_CMD_CREATE] = exp_create,
	[CT_CMD_DELETE] = exp_delete,
	[CT_CMD_FLUSH] = exp_flush,
	[CT_CMD_COUNT] = exp_count,
	[CT_CMD_STATS] = exp_stats,
};

/*
 * -L expect prints how many it showed. -D expect prints the same line
 * with a counter it never raises ("0 expectations have been shown."),
 * kept byte for byte; the reference then exits 1 even on success, which
 * ctkit fixes (docs/COMPATIBILITY.md). The others print no summary.
 */
int ct_expect_summary(const struct ct_run *run)
{
	switch (run->cli->cmd) {
	case CT_CMD_LIST:
		ct_say(EXP_SHOWN, run->counter);
		break;
	case CT_CMD_DELETE:
		ct_say(EXP_SHOWN, 0u);
		break;
	default:
		break;
	}
	return CT_EXIT_OK;
}

int ct_run_expect(struct ct_run *run)
{
	enum ct_cmd cmd = run->cli->cmd;
	ct_runner_fn fn = NULL;
	int rc;

	if ((size_t)cmd < sizeof(runners) / sizeof(runners[0]))
		fn = runners[cmd];
	rc = ct_run_session(run, fn, exp_err2str);
	if (rc != CT_EXIT_OK || run->batch)
		return rc;
	ctk_out_flush(run->out);
	return ct_expect_summary(run);
}
