// SPDX-License-Identifier: LGPL-2.1-or-later
/* conntrack --pcap-out: see pcap_sink.h. */
#include <stdio.h>
#include <stdlib.h>
#include <pcap/pcap.h>

#include "pcap_sink.h"

struct ct_pcap_sink {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

#define SINK_SNAPLEN 262144

struct ct_pcap_sink *ct_pcap_sink_open(const char *path, char *err, size_t errlen)
{
	struct ct_pcap_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "--pcap-out: out of memory");
		return NULL;
	}
	s->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, SINK_SNAPLEN,
							PCAP_TSTAMP_PRECISION_NANO);
	if (s->dead)
		s->dump = pcap_dump_open(s->dead, path);
	if (!s->dump) {
		snprintf(err, errlen, "--pcap-out `%s': %s", path,
			 s->dead ? pcap_geterr(s->dead) : "cannot create");
		if (s->dead)
			pcap_close(s->dead);
		free(s);
		return NULL;
	}
	return s;
}

int ct_pcap_sink_write(struct ct_pcap_sink *s, const uint8_t *l3, size_t len, uint64_t ts_ns)
{
	struct pcap_pkthdr h;

	/* With nanosecond precision, libpcap reads tv_usec as nanoseconds. */
	h.ts.tv_sec = (time_t)(ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(ts_ns % 1000000000ull);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)s->dump, &h, l3);
	return ferror(pcap_dump_file(s->dump)) ? -1 : 0;
}

int ct_pcap_sink_close(struct ct_pcap_sink *s)
{
	int ret = 0;

	if (!s)
		return 0;
	if (pcap_dump_flush(s->dump) != 0)
		ret = -1;
	pcap_dump_close(s->dump);
	pcap_close(s->dead);
	free(s);
	return ret;
}
