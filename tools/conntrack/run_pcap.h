/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap FILE: the commands -L, -G, -C, -S, -E and --packets
 * run against ctkit's userspace engine fed with a capture instead of the
 * kernel's table (docs/pcap.md).
 */
#ifndef CT_RUN_PCAP_H
#define CT_RUN_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>
#include <ctkit/output.h>

#include "cli.h"

/* ct_run_pcap - replay cli->pcap_file and run the command; returns the exit code. */
int ct_run_pcap(const struct ct_cli *cli, struct ctk_out *out);

/*
 * The replay alone, for a program that shows the engine's table itself
 * (ctkit-top): the capture of @cli (--pcap FILE or --capture IFACE) into
 * an engine set up as for -L (--sysctl, --timeout-policy, the firewall
 * options), fed a step at a time. Messages go to stderr as conntrack's.
 *
 * ct_replay_open - set up; NULL after saying why, with *@rc the exit code.
 * @out takes what the firewall options print (nothing for a plain -L).
 */
struct ct_replay;
struct ctk_engine;
struct ct_replay *ct_replay_open(const struct ct_cli *cli, struct ctk_out *out, int *rc);
/*
 * ct_replay_step - track up to @max_frames more frames; a live capture
 * returns sooner after a quiet while (about 250 ms). 1: more may come;
 * 0: the capture ended (end of file, or SIGINT/SIGTERM for a live one);
 * -1: it could not go on (said on stderr).
 */
int ct_replay_step(struct ct_replay *r, unsigned int max_frames);
/*
 * ct_replay_settle - track what is held back (a batch, frames read ahead)
 * and expire what is due at @now_ns or the last packet's time, whichever
 * is later (a live capture's table ages while no packet comes). 0, or -1
 * as ct_replay_step().
 */
int ct_replay_settle(struct ct_replay *r, uint64_t now_ns);
/* ct_replay_engine - the engine, for ctk_engine_foreach() and its counts. */
struct ctk_engine *ct_replay_engine(const struct ct_replay *r);
/* ct_replay_now - the engine's clock (ns): the last packet's time, or the settled one. */
uint64_t ct_replay_now(const struct ct_replay *r);
/* ct_replay_close - free everything, closing the capture; NULL is a no-op. */
void ct_replay_close(struct ct_replay *r);

#endif
