/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap: the capture file as a stream of frames with their
 * time in nanoseconds, numbered from 1 in file order (libpcap reads the
 * classic pcap and pcapng formats, "-" is standard input).
 */
#ifndef CT_PCAP_SOURCE_H
#define CT_PCAP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct ct_pcap;

struct ct_pcap_frame {
	uint64_t num;		/* 1-based, every record counts (IP or not) */
	uint64_t ts_ns;		/* capture time, ns since the epoch */
	const uint8_t *data;	/* valid until the next ct_pcap_next() */
	uint32_t caplen;	/* bytes captured */
	uint32_t len;		/* bytes on the wire */
};

#define CT_PCAP_ERR_MAX 512

/*
 * ct_pcap_open - open @path ("-": stdin). NULL with @err set when the file
 * is missing, not a capture, or of a link type the engine cannot read.
 * @progress: show a progress line on stderr when it is a terminal and the
 * file is large.
 */
struct ct_pcap *ct_pcap_open(const char *path, int progress, char err[CT_PCAP_ERR_MAX]);

/* ct_pcap_next - 1 with @f filled, 0 at the end, -1 with @err set (truncated or corrupt file). */
int ct_pcap_next(struct ct_pcap *p, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX]);

/* ct_pcap_linktype - the capture's link type (DLT_*, as ctk_frame_l3() takes). */
uint32_t ct_pcap_linktype(const struct ct_pcap *p);

/* ct_pcap_close - close, and clear the progress line if one was shown. */
void ct_pcap_close(struct ct_pcap *p);

#endif
