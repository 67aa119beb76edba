// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --pcap: reading the capture with libpcap (see pcap_source.h).
 *
 * Timestamps are asked for in nanoseconds whatever the file holds, so
 * microsecond and nanosecond captures give the engine the same clock.
 * The link type is checked up front: a capture the engine cannot read
 * is an error at open, not a silent empty table.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ctkit/engine.h>

#include "pcap_source.h"

/* Smaller captures replay in well under a second: no progress line. */
#define PROGRESS_MIN_BYTES (16u << 20)
/* The clock is read once per this many packets, the line redrawn at most 4 times a second. */
#define PROGRESS_EVERY 65536
#define PROGRESS_NS 250000000ull

struct ct_pcap {
	pcap_t *pc;
	uint32_t linktype;
	uint64_t count;
	/* progress line */
	const char *name;
	off_t size;		/* 0: no progress line */
	uint64_t last_draw_ns;
	int drawn;
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A progress line only makes sense for a large regular file and a human watching stderr. */
static off_t progress_size(pcap_t *pc)
{
	FILE *f = pcap_file(pc);
	struct stat st;

	if (!f || !isatty(STDERR_FILENO) || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return st.st_size >= (off_t)PROGRESS_MIN_BYTES ? st.st_size : 0;
}

static bool linktype_supported(uint32_t linktype)
{
	static const uint8_t empty[1];
	size_t off;

	/* The engine answers -EPROTONOSUPPORT before it looks at the (empty) frame. */
	return ctk_frame_l3(linktype, empty, 0, &off) != -EPROTONOSUPPORT;
}

struct ct_pcap *ct_pcap_open(const char *path, int progress, char err[CT_PCAP_ERR_MAX])
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct ct_pcap *p = calloc(1, sizeof(*p));
	int dlt;

	if (!p) {
		snprintf(err, CT_PCAP_ERR_MAX, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	p->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!p->pc) {
		/* libpcap's text names the problem ("unknown file format", "No such file ..."). */
		snprintf(err, CT_PCAP_ERR_MAX, "can't read capture `%s': %s", path, pcap_err);
		free(p);
		return NULL;
	}
	dlt = pcap_datalink(p->pc);
	if (dlt < 0 || !linktype_supported((uint32_t)dlt)) {
		const char *name = dlt >= 0 ? pcap_datalink_val_to_name(dlt) : NULL;

		snprintf(err, CT_PCAP_ERR_MAX,
			 "capture `%s': link type %d (%s) is not supported "
			 "(Ethernet, Linux cooked SLL/SLL2, raw IP and BSD loopback are)",
			 path, dlt, name ? name : "unknown");
		pcap_close(p->pc);
		free(p);
		return NULL;
	}
	p->linktype = (uint32_t)dlt;
	p->name = path;
	p->size = progress ? progress_size(p->pc) : 0;
	p->last_draw_ns = monotonic_ns();
	return p;
}

static void draw_progress(struct ct_pcap *p)
{
	FILE *f = pcap_file(p->pc);
	long pos = f ? ftell(f) : -1;
	uint64_t now = monotonic_ns();

	if (now - p->last_draw_ns < PROGRESS_NS || pos < 0)
		return;
	p->last_draw_ns = now;
	p->drawn = 1;
	fprintf(stderr, "\r%s: %3d%% (%llu packets)", p->name, (int)(pos * 100 / p->size),
		(unsigned long long)p->count);
	fflush(stderr);
}

int ct_pcap_next(struct ct_pcap *p, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX])
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int ret = pcap_next_ex(p->pc, &hdr, &data);

	if (ret == PCAP_ERROR_BREAK)
		return 0;
	if (ret != 1) {
		snprintf(err, CT_PCAP_ERR_MAX, "capture `%s', after packet %llu: %s", p->name,
			 (unsigned long long)p->count, pcap_geterr(p->pc));
		return -1;
	}
	p->count++;
	if (p->size && p->count % PROGRESS_EVERY == 0)
		draw_progress(p);
	/* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
	f->num = p->count;
	f->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000ull + (uint64_t)hdr->ts.tv_usec;
	f->data = data;
	f->caplen = hdr->caplen;
	f->len = hdr->len;
	return 1;
}

uint32_t ct_pcap_linktype(const struct ct_pcap *p)
{
	return p->linktype;
}

void ct_pcap_close(struct ct_pcap *p)
{
	if (!p)
		return;
	if (p->drawn)
		fprintf(stderr, "\r\033[K");
	pcap_close(p->pc);
	free(p);
}
