/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conntrack --pcap-out FILE: the packets as they leave the firewall, in
 * a pcap file of raw IP packets with nanosecond time stamps (each packet
 * at the time of the packet it came from), for comparing with what the
 * real firewall sent or for replaying the translated traffic.
 */
#ifndef CT_PCAP_SINK_H
#define CT_PCAP_SINK_H

#include <stddef.h>
#include <stdint.h>

struct ct_pcap_sink;

/* ct_pcap_sink_open - create @path ("-": stdout). NULL with a message in @err. */
struct ct_pcap_sink *ct_pcap_sink_open(const char *path, char *err, size_t errlen);

/* ct_pcap_sink_write - one packet; 0, or -1 when the file cannot be written. */
int ct_pcap_sink_write(struct ct_pcap_sink *s, const uint8_t *l3, size_t len, uint64_t ts_ns);

/* ct_pcap_sink_close - flush and close; 0, or -1 on a write error. NULL is a no-op. */
int ct_pcap_sink_close(struct ct_pcap_sink *s);

#endif
