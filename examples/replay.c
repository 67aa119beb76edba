// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replay - feed a capture file through the userspace engine and print the
 * table it ends with, as `conntrack --pcap FILE -L` does, followed by the
 * number of packets per conntrack state.
 *
 *   replay FILE.pcap
 *
 * Shows: the engine with the kernel's default knobs, packet time as the
 * engine's clock (it never reads one), link-layer decapsulation, expiry
 * between packets, and listing the table through the same formatter as
 * kernel entries. Builds as C99 and as C++.
 */
#define _DEFAULT_SOURCE /* pcap.h needs the BSD u_char under -std=c99 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include <ctkit/ctkit.h>

struct listing {
	struct ctk_fmt fmt;
	struct ctk_out out;
};

static int print_entry(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct listing *l = (struct listing *)data;

	(void)ev;
	ctk_out_entry(&l->out, e, CTK_EV_NONE, &l->fmt);
	return CTK_CB_OK;
}

int main(int argc, char **argv)
{
	static const enum ctk_ct_state states[] = { CTK_CT_INVALID, CTK_CT_NEW, CTK_CT_ESTABLISHED,
						    CTK_CT_RELATED, CTK_CT_UNTRACKED };
	char errbuf[PCAP_ERRBUF_SIZE];
	unsigned long count[5] = { 0, 0, 0, 0, 0 };
	const unsigned char *frame;
	struct pcap_pkthdr *hdr;
	struct ctk_engine *eng;
	struct listing *l;
	uint64_t now = 0;
	pcap_t *pcap;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
		return 2;
	}
	pcap = pcap_open_offline(argv[1], errbuf);
	if (!pcap) {
		fprintf(stderr, "%s: %s\n", argv[0], errbuf);
		return 1;
	}
	eng = ctk_engine_new(NULL);
	l = (struct listing *)calloc(1, sizeof(*l));
	if (!eng || !l) {
		perror("ctk_engine_new");
		return 1;
	}
	while ((ret = pcap_next_ex(pcap, &hdr, &frame)) == 1) {
		struct ctk_verdict v;
		size_t off;

		now = (uint64_t)hdr->ts.tv_sec * 1000000000u + (uint64_t)hdr->ts.tv_usec * 1000u;
		if (ctk_frame_l3((uint32_t)pcap_datalink(pcap), frame, hdr->caplen, &off) < 0)
			continue; /* not IP: conntrack never sees it */
		ctk_engine_expire(eng, now);
		count[ctk_engine_packet(eng, frame + off, hdr->caplen - off, now, &v)]++;
	}
	if (ret == -1)
		fprintf(stderr, "%s: %s\n", argv[0], pcap_geterr(pcap));

	l->fmt.kind = CTK_FMT_DEFAULT;
	l->fmt.now = (int64_t)(now / 1000000000u);
	ctk_out_init(&l->out, STDOUT_FILENO);
	ctk_engine_foreach(eng, now, print_entry, l);
	ctk_out_flush(&l->out);
	for (unsigned int i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		printf("%s %lu\n", ctk_ct_state_name(states[i]), count[states[i]]);

	free(l);
	ctk_engine_free(eng);
	pcap_close(pcap);
	return ret == -1 ? 1 : 0;
}
