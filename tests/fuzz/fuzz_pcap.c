// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for conntrack --pcap's input side: the bytes are a
 * capture file (pcap or pcapng, any link type) read through the CLI's
 * reader (pcap_source.c) from a memfd, as `--pcap FILE` would; every
 * frame goes through ctk_frame_l3() and a small engine (made once, reset
 * between inputs). Nothing may crash; a reader error must come with a
 * message; a verdict's tuple is of the packet's IP version or empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <ctkit/engine.h>

#include "pcap_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The reader opens a path: a memfd under /proc/self/fd is one without
 * touching the disk. One memfd serves every input, rewritten and cut to
 * the input's size (system calls dominate this target's time): making and closing one per input
 * cost more than reading most captures.
 */
static int input_fd(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	static size_t written = SIZE_MAX; /* the file's size; unknown after a failure */
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz_pcap", 0);
	if (fd < 0)
		return -1;
	if (pwrite(fd, data, size, 0) != (ssize_t)size ||
	    (size < written && ftruncate(fd, (off_t)size) < 0)) {
		written = SIZE_MAX;
		return -1;
	}
	written = size;
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

static void track(struct ctk_engine *eng, uint32_t linktype, const struct ct_pcap_frame *f,
		  uint64_t *now)
{
	struct ctk_verdict v;
	size_t off;

	if (ctk_frame_l3(linktype, f->data, f->caplen, &off) != 0)
		return;
	if (off > f->caplen)
		abort();
	if (f->ts_ns > *now)
		*now = f->ts_ns;
	ctk_engine_expire(eng, *now);
	ctk_engine_packet(eng, f->data + off, f->caplen - off, *now, &v);
	if (v.tuple.l3num && v.tuple.l3num != AF_INET && v.tuple.l3num != AF_INET6)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctk_engine *eng;
	struct ctk_engine_config cfg;
	struct ct_pcap_frame f;
	char path[64], err[CT_PCAP_ERR_MAX];
	struct ct_pcap *p;
	uint64_t now = 0;
	int ret;

	if (input_fd(data, size, path, sizeof(path)) < 0)
		return 0;
	err[0] = '\0';
	p = ct_pcap_open(path, 0, err);
	if (!p) {
		if (!err[0])
			abort();
		return 0;
	}
	if (!eng) {
		ctk_engine_config_init(&cfg);
		cfg.max = 64;
		cfg.buckets = 64;
		eng = ctk_engine_new(&cfg);
		if (!eng)
			abort();
	} else {
		ctk_engine_reset(eng);
	}
	while ((ret = ct_pcap_next(p, &f, err)) == 1)
		track(eng, f.linktype, &f, &now);
	if (ret < 0 && !err[0])
		abort();
	ct_pcap_close(p);
	return 0;
}
