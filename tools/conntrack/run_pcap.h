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

#endif
