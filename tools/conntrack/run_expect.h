/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The expectation table's commands (-L/-G/-I/-D/-F/-C/-S expect), run
 * whole: request, output, summary line and exit code.
 */
#ifndef CT_RUN_EXPECT_H
#define CT_RUN_EXPECT_H

#include <ctkit/expect.h>

#include "run.h"

/*
 * ct_run_expect - execute an expectation-table command (not -E: the event
 * loop owns that one). Returns the exit code; prints the summary itself
 * unless run->batch.
 */
int ct_run_expect(struct ct_run *run);
/* ct_expect_summary - that summary, for run->counter expectations; the exit code. */
int ct_expect_summary(const struct ct_run *run);

/*
 * ct_print_expect - write one expectation (with @ev for events) as the
 * reference's dump_exp_cb/event_exp_cb do: the XML document header before
 * the first one (run->xml_open), and with -o timestamp the
 * "[%-8ld.%-6ld]\t" prefix in text or <when> in XML.
 */
void ct_print_expect(struct ct_run *run, const struct ctk_expect *x, enum ctk_event ev);

#endif
