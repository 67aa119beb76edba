/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A pcapng reader of ctkit's own (pcapng.c): libpcap reads pcapng files
 * but reports neither the interface's name (IDB if_name) nor the packet's
 * direction (EPB epb_flags), which the firewall path matches on (meta
 * iifname/oifname). Sections of either byte order, any number of
 * interfaces of different link types, Enhanced, Simple and (obsolete)
 * Packet Blocks; other blocks are skipped.
 */
#ifndef CT_PCAPNG_H
#define CT_PCAPNG_H

#include <stdbool.h>
#include <stdio.h>

#include "pcap_source.h"

#define CT_PCAPNG_MAGIC 0x0A0D0D0Au

struct ct_pcapng;

/* ct_pcapng_is - does a file starting with byte @first hold pcapng (a classic pcap never does)? */
static inline bool ct_pcapng_is(int first)
{
	return first == 0x0A;
}

/*
 * ct_pcapng_open - read the Section Header Block at @f's position; @name
 * is for messages. NULL with @err set (not pcapng, a version other than
 * 1.x, truncated) or on ENOMEM. @f stays the caller's.
 */
struct ct_pcapng *ct_pcapng_open(FILE *f, const char *name, char err[CT_PCAP_ERR_MAX]);

/*
 * ct_pcapng_next - the next packet: 1 with @fr filled (all but num),
 * 0 at the end of the file, -1 with @err set (truncated or corrupt
 * block, packet of an undefined interface, link type the engine cannot
 * read). @fr's data and ifname stay valid until the next call.
 */
int ct_pcapng_next(struct ct_pcapng *ng, struct ct_pcap_frame *fr, char err[CT_PCAP_ERR_MAX]);

/* ct_pcapng_close - free the reader (not its FILE). */
void ct_pcapng_close(struct ct_pcapng *ng);

#endif
