// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pcap_frames FILE | --capture IFACE [FILTER] - the frames as conntrack
 * --pcap and --capture read them (tools/conntrack/pcap_source.c), one
 * line each, for tests/integration/test_capture.py:
 *
 *   NUM SECONDS.NANOSECONDS LINKTYPE IFNAME DIR CAPLEN LEN
 *
 * IFNAME is "-" when the capture does not name the interface, DIR is
 * "in", "out" or "-". A live capture runs until SIGINT or SIGTERM and
 * flushes every line. Exit 0 at the end of the capture, 1 with the
 * reader's message on stderr otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcap_source.h"

static const char *dir_name(enum ct_pcap_dir dir)
{
	return dir == CT_PCAP_DIR_IN ? "in" : dir == CT_PCAP_DIR_OUT ? "out" : "-";
}

int main(int argc, char **argv)
{
	char err[CT_PCAP_ERR_MAX] = "";
	struct ct_pcap_frame f;
	struct ct_pcap *p;
	bool live = argc >= 3 && !strcmp(argv[1], "--capture");
	int ret;

	if (argc < 2 || (!live && argc != 2) || argc > 4) {
		fprintf(stderr, "usage: pcap_frames FILE | --capture IFACE [FILTER]\n");
		return 2;
	}
	p = live ? ct_pcap_open_live(argv[2], argc == 4 ? argv[3] : NULL, err)
		 : ct_pcap_open(argv[1], 0, err);
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (live) {
		/* The test waits for this line before it sends traffic. */
		fprintf(stderr, "capturing\n");
	}
	while ((ret = ct_pcap_next(p, &f, err)) > 0) {
		if (ret == CT_PCAP_IDLE)
			continue;
		printf("%llu %llu.%09llu %u %s %s %u %u\n", (unsigned long long)f.num,
		       (unsigned long long)(f.ts_ns / 1000000000ull),
		       (unsigned long long)(f.ts_ns % 1000000000ull), f.linktype,
		       f.ifname ? f.ifname : "-", dir_name(f.dir), f.caplen, f.len);
		if (live)
			fflush(stdout);
	}
	ct_pcap_close(p);
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}
