/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap / --capture: a capture as a stream of frames with their
 * time in nanoseconds, numbered from 1 in capture order. Classic pcap
 * files ("-" is standard input) and live captures are read by libpcap;
 * pcapng files by pcapng.c, since libpcap does not report interface
 * names or packet directions.
 */
#ifndef CT_PCAP_SOURCE_H
#define CT_PCAP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct_pcap;

/* Which way a frame crossed its interface, when the capture says. */
enum ct_pcap_dir {
	CT_PCAP_DIR_UNKNOWN,
	CT_PCAP_DIR_IN,		/* received by the capturing host */
	CT_PCAP_DIR_OUT,	/* sent by it (PACKET_OUTGOING, epb_flags outbound) */
};

struct ct_pcap_frame {
	uint64_t num;		/* 1-based, every record counts (IP or not) */
	uint64_t ts_ns;		/* capture time, ns since the epoch */
	const uint8_t *data;	/* valid until the next ct_pcap_next() */
	uint32_t caplen;	/* bytes captured */
	uint32_t len;		/* bytes on the wire */
	uint32_t linktype;	/* DLT_* of this frame (pcapng: of its interface) */
	const char *ifname;	/* interface name, NULL when the capture does not say;
				 * valid until the next ct_pcap_next() */
	enum ct_pcap_dir dir;
};

#define CT_PCAP_ERR_MAX 512

/*
 * ct_pcap_open - open @path ("-": stdin). NULL with @err set when the file
 * is missing, not a capture, or of a link type the engine cannot read.
 * @progress: show a progress line on stderr when it is a terminal and the
 * file is large.
 */
struct ct_pcap *ct_pcap_open(const char *path, int progress, char err[CT_PCAP_ERR_MAX]);

/*
 * ct_pcap_open_live - capture on interface @iface ("any": all of them)
 * with libpcap, through BPF expression @filter when not NULL. NULL with
 * @err set and errno EINVAL for a filter that does not compile (a usage
 * error), another errno when the interface cannot be captured on (missing,
 * no permission, link type the engine cannot read). Until ct_pcap_close(),
 * SIGINT and SIGTERM end the capture: ct_pcap_next() then returns 0.
 */
struct ct_pcap *ct_pcap_open_live(const char *iface, const char *filter,
				  char err[CT_PCAP_ERR_MAX]);

/* ct_pcap_next() of a live capture that saw no packet for a while (@f holds only ts_ns: now). */
#define CT_PCAP_IDLE 2

/*
 * ct_pcap_next - 1 with @f filled, 0 at the end, -1 with @err set
 * (truncated or corrupt file); CT_PCAP_IDLE from live captures only,
 * so that the caller's clock, and expiry, can go on without packets.
 */
int ct_pcap_next(struct ct_pcap *p, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX]);

/*
 * ct_pcap_linktype - the link type of a classic pcap file or a live
 * capture; 0 for a pcapng file, whose interfaces may differ (each frame
 * carries its own).
 */
uint32_t ct_pcap_linktype(const struct ct_pcap *p);

/*
 * ct_pcap_check_linktype - true when the engine reads link type @dlt;
 * otherwise false with @err set to "@what: link type N (NAME) is not
 * supported (...)".
 */
bool ct_pcap_check_linktype(uint32_t dlt, const char *what, char err[CT_PCAP_ERR_MAX]);

/*
 * ct_pcap_cooked_dir - the direction of a Linux cooked (SLL, SLL2) frame
 * from its packet type: PACKET_OUTGOING is out, any other type in;
 * UNKNOWN for other link types and cut headers.
 */
enum ct_pcap_dir ct_pcap_cooked_dir(uint32_t linktype, const uint8_t *data, uint32_t caplen);

/* ct_pcap_close - close (restoring signal handlers), clear any progress line. */
void ct_pcap_close(struct ct_pcap *p);

#endif
