// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for conntrack's own pcapng reader (tools/conntrack/
 * pcapng.c): the bytes are a pcapng file read from memory. Nothing may
 * crash or read outside the block; an error must come with a message; a
 * frame's data lies inside the input's copy, its caplen fits, its link
 * type is one the engine reads and its interface name is a string.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/engine.h>

#include "pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const struct ct_pcap_frame *f)
{
	static const uint8_t empty[1];
	size_t off;
	volatile uint8_t sink = 0;

	/* Touch every byte: ASan reports a frame that runs past its block. */
	for (uint32_t i = 0; i < f->caplen; i++)
		sink ^= f->data[i];
	(void)sink;
	if (ctk_frame_l3(f->linktype, empty, 0, &off) == -EPROTONOSUPPORT)
		abort();
	if (f->ifname && strlen(f->ifname) >= 128)
		abort();
	if (f->dir != CT_PCAP_DIR_UNKNOWN && f->dir != CT_PCAP_DIR_IN && f->dir != CT_PCAP_DIR_OUT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CT_PCAP_ERR_MAX] = "";
	struct ct_pcap_frame f;
	struct ct_pcapng *ng;
	FILE *in;
	int ret;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	ng = ct_pcapng_open(in, "fuzz", err);
	if (!ng) {
		if (!err[0])
			abort();
		fclose(in);
		return 0;
	}
	while ((ret = ct_pcapng_next(ng, &f, err)) == 1)
		check_frame(&f);
	if (ret < 0 && !err[0])
		abort();
	ct_pcapng_close(ng);
	fclose(in);
	return 0;
}
