/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --capture IFACE: a live capture with libpcap (pcap_live.c),
 * read by pcap_source.c as it reads files. Frames carry the interface's
 * name and, where the link layer tells, their direction.
 */
#ifndef CT_PCAP_LIVE_H
#define CT_PCAP_LIVE_H

#include "pcap_source.h"

struct ct_live;

/*
 * ct_live_open - activate a capture on @iface ("any": every interface,
 * Linux cooked v2) in immediate mode with nanosecond time stamps where
 * the system has them, through BPF expression @filter unless NULL, and
 * make SIGINT and SIGTERM end it. NULL with @err set; errno is EINVAL
 * when @filter does not compile.
 */
struct ct_live *ct_live_open(const char *iface, const char *filter, char err[CT_PCAP_ERR_MAX]);

/*
 * ct_live_next - 1 with @f filled (all but num), 0 once a stop signal
 * came, -1 with @err set, CT_PCAP_IDLE with f->ts_ns set to the time now
 * when no packet came for a while.
 */
int ct_live_next(struct ct_live *l, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX]);

/* ct_live_linktype - the capture's link type (DLT_*). */
uint32_t ct_live_linktype(const struct ct_live *l);

/* ct_live_close - stop, say on stderr how many packets the kernel dropped, restore the signals. */
void ct_live_close(struct ct_live *l);

#endif
