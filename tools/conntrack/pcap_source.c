// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --pcap: reading the capture with libpcap (see pcap_source.h).
 *
 * Timestamps are asked for in nanoseconds whatever the file holds, so
 * microsecond and nanosecond captures give the engine the same clock.
 * The link type is checked up front: a capture the engine cannot read
 * is an error at open, not a silent empty table.
 *
 * libpcap reads through stdio, a call and a copy per record; on a large
 * capture that is a fifth of a replay. So once libpcap has opened and
 * checked a classic pcap file (not pcapng, not a pipe), its records are
 * walked in place in 1 MiB blocks read with pread(). At the first record
 * libpcap might treat differently (a length beyond the snapshot length,
 * a cut record at the end), the walk hands the file back to libpcap at
 * that record, so errors and edge cases stay libpcap's. (Not mmap: a
 * file truncated under a mapping kills the reader with SIGBUS.)
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <byteswap.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ctkit/engine.h>

#include "pcap_live.h"
#include "pcap_source.h"
#include "pcapng.h"
#include "progress.h"

/* The clock is read once per this many packets (progress.h). */
#define PROGRESS_EVERY 65536

#define PCAP_FILE_HEADER 24
#define PCAP_RECORD_HEADER 16
/* libpcap's own limit on a record (MAXIMUM_SNAPLEN): beyond it, its rules apply. */
#define PCAP_MAX_SNAPLEN 262144u
/* A block holds several of the largest records. */
#define BLOCK_BYTES (1u << 20)

/* A classic pcap file read in blocks; buf == NULL: libpcap reads. */
struct pcap_blocks {
	uint8_t *buf;
	size_t cap;		/* bytes at buf: BLOCK_BYTES, or the whole file if smaller */
	int fd;
	off_t base;		/* file offset of buf[0] */
	size_t have;		/* bytes in buf */
	size_t pos;		/* the next record header, in buf */
	bool eof;
	uint32_t snaplen;
	uint32_t ns_per_frac;	/* 1000: microsecond file, 1: nanosecond file */
	bool swapped;
};

/* Linux cooked headers: where the packet type is, and its value for a sent packet. */
#define DLT_LINUX_SLL_ 113
#define DLT_LINUX_SLL2_ 276
#define SLL_PKTTYPE_AT 0
#define SLL2_PKTTYPE_AT 10
#define PACKET_OUTGOING_ 4

/* One of three readers: libpcap (pc, with m), pcapng.c (ng) or a live capture (live). */
struct ct_pcap {
	pcap_t *pc;
	struct ct_pcapng *ng;
	FILE *ng_file;		/* ng's file, unless stdin */
	struct ct_live *live;
	struct pcap_blocks m;
	uint32_t linktype;
	uint64_t count;
	bool ended;		/* the blocks reached the file's end between records */
	const char *name;
	struct ct_progress progress;
};

static bool linktype_supported(uint32_t linktype)
{
	static const uint8_t empty[1];
	size_t off;

	/* The engine answers -EPROTONOSUPPORT before it looks at the (empty) frame. */
	return ctk_frame_l3(linktype, empty, 0, &off) != -EPROTONOSUPPORT;
}

bool ct_pcap_check_linktype(uint32_t dlt, const char *what, char err[CT_PCAP_ERR_MAX])
{
	const char *name;

	if (dlt <= INT32_MAX && linktype_supported(dlt))
		return true;
	name = dlt <= INT32_MAX ? pcap_datalink_val_to_name((int)dlt) : NULL;
	snprintf(err, CT_PCAP_ERR_MAX,
		 "%s: link type %d (%s) is not supported "
		 "(Ethernet, Linux cooked SLL/SLL2, raw IP and BSD loopback are)",
		 what, (int)dlt, name ? name : "unknown");
	return false;
}

enum ct_pcap_dir ct_pcap_cooked_dir(uint32_t linktype, const uint8_t *data, uint32_t caplen)
{
	unsigned int type;

	if (linktype == DLT_LINUX_SLL_ && caplen >= SLL_PKTTYPE_AT + 2)
		type = (unsigned int)data[SLL_PKTTYPE_AT] << 8 | data[SLL_PKTTYPE_AT + 1];
	else if (linktype == DLT_LINUX_SLL2_ && caplen > SLL2_PKTTYPE_AT)
		type = data[SLL2_PKTTYPE_AT];
	else
		return CT_PCAP_DIR_UNKNOWN;
	return type == PACKET_OUTGOING_ ? CT_PCAP_DIR_OUT : CT_PCAP_DIR_IN;
}

static uint32_t file_u32(const struct pcap_blocks *m, size_t at)
{
	uint32_t v;

	memcpy(&v, m->buf + at, sizeof(v));
	return m->swapped ? bswap_32(v) : v;
}

static uint16_t file_u16(const struct pcap_blocks *m, size_t at)
{
	uint16_t v;

	memcpy(&v, m->buf + at, sizeof(v));
	return m->swapped ? bswap_16(v) : v;
}

/* Are at least @need bytes from m->pos in the buffer? Slide and read more if not. */
static bool blocks_have(struct pcap_blocks *m, size_t need)
{
	while (m->have - m->pos < need && !m->eof) {
		ssize_t n;

		if (m->pos) {
			memmove(m->buf, m->buf + m->pos, m->have - m->pos);
			m->base += (off_t)m->pos;
			m->have -= m->pos;
			m->pos = 0;
		}
		n = pread(m->fd, m->buf + m->have, m->cap - m->have, m->base + (off_t)m->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			m->eof = true;	/* or an error: libpcap reads from here and says which */
		else
			m->have += (size_t)n;
	}
	return m->have - m->pos >= need;
}

static void blocks_free(struct pcap_blocks *m)
{
	free(m->buf);
	m->buf = NULL;
}

/* Read @pc's file in blocks when it is a classic pcap 2.4 file in a regular file. */
static void blocks_open(struct pcap_blocks *m, pcap_t *pc)
{
	FILE *f = pcap_file(pc);
	struct stat st;
	uint32_t magic;

	size_t cap = BLOCK_BYTES;

	if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/*
	 * A smaller file fits whole in a buffer of its size, every record
	 * with it; should the file grow meanwhile, a record that no longer
	 * fits goes to libpcap (blocks_next()), as a cut one does.
	 */
	if (st.st_size < (off_t)cap)
		cap = st.st_size > PCAP_FILE_HEADER ? (size_t)st.st_size : PCAP_FILE_HEADER;
	*m = (struct pcap_blocks){ .buf = malloc(cap), .cap = cap, .fd = fileno(f) };
	if (!m->buf || !blocks_have(m, PCAP_FILE_HEADER)) {
		blocks_free(m);
		return;
	}
	memcpy(&magic, m->buf, sizeof(magic));
	m->swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	magic = m->swapped ? bswap_32(magic) : magic;
	m->ns_per_frac = magic == 0xa1b2c3d4 ? 1000 : 1;
	m->snaplen = file_u32(m, 16);
	/* Version 2.4 only: libpcap fixes up older files' records. */
	if ((magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) || file_u16(m, 4) != 2 || file_u16(m, 6) != 4 ||
	    m->snaplen == 0 || m->snaplen > PCAP_MAX_SNAPLEN) {
		blocks_free(m);
		return;
	}
	m->pos = PCAP_FILE_HEADER;
}

/* Give the rest of the file, from the record at m->pos, back to libpcap. */
static void blocks_close(struct pcap_blocks *m, pcap_t *pc)
{
	FILE *f = pcap_file(pc);

	/* libpcap then reads the record itself, or says the file is cut. */
	if (f && fseeko(f, m->base + (off_t)m->pos, SEEK_SET) < 0)
		fseeko(f, 0, SEEK_END);
	blocks_free(m);
}

/* 1 with @f filled; 0 when libpcap must take over at this record (or the end). */
static int blocks_next(struct pcap_blocks *m, struct ct_pcap_frame *f)
{
	uint32_t caplen;

	if (!blocks_have(m, PCAP_RECORD_HEADER))
		return 0;
	caplen = file_u32(m, m->pos + 8);
	if (caplen > m->snaplen || !blocks_have(m, PCAP_RECORD_HEADER + caplen))
		return 0;
	f->ts_ns = (uint64_t)file_u32(m, m->pos) * 1000000000ull +
		   (uint64_t)file_u32(m, m->pos + 4) * m->ns_per_frac;
	f->caplen = caplen;
	f->len = file_u32(m, m->pos + 12);
	f->data = m->buf + m->pos + PCAP_RECORD_HEADER;
	m->pos += PCAP_RECORD_HEADER + caplen;
	return 1;
}

/*
 * The first byte of a pcapng file is 0x0A, never a classic pcap's: peek
 * at it and put it back. The stream is then read by pcapng.c or handed
 * to libpcap, never opened twice (a pipe, /dev/fd/N, can't be).
 */
static int peek(FILE *f)
{
	int c = getc(f);

	if (c != EOF)
		ungetc(c, f);
	return c;
}

static struct ct_pcap *open_pcapng(struct ct_pcap *p, FILE *f, const char *path, int progress,
				   char err[CT_PCAP_ERR_MAX])
{
	p->ng = ct_pcapng_open(f, path, err);
	if (!p->ng) {
		if (f != stdin)
			fclose(f);
		free(p);
		return NULL;
	}
	p->ng_file = f != stdin ? f : NULL;
	p->name = path;
	ct_progress_init(&p->progress, path, progress ? fileno(f) : -1);
	return p;
}

struct ct_pcap *ct_pcap_open(const char *path, int progress, char err[CT_PCAP_ERR_MAX])
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct ct_pcap *p = calloc(1, sizeof(*p));
	char what[CT_PCAP_ERR_MAX];
	FILE *in;
	int dlt;

	if (!p) {
		snprintf(err, CT_PCAP_ERR_MAX, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (in && ct_pcapng_is(peek(in)))
		return open_pcapng(p, in, path, progress, err);
	if (in) {
		p->pc = pcap_fopen_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_NANO,
								 pcap_err);
		if (!p->pc && in != stdin)
			fclose(in);
	} else {
		/* Not opened: libpcap tries and says why in its own words, as it always has. */
		p->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
								pcap_err);
	}
	if (!p->pc) {
		/* libpcap's text names the problem ("unknown file format", "No such file ..."). */
		snprintf(err, CT_PCAP_ERR_MAX, "can't read capture `%s': %s", path, pcap_err);
		free(p);
		return NULL;
	}
	dlt = pcap_datalink(p->pc);
	snprintf(what, sizeof(what), "capture `%s'", path);
	if (!ct_pcap_check_linktype(dlt < 0 ? UINT32_MAX : (uint32_t)dlt, what, err)) {
		pcap_close(p->pc);
		free(p);
		return NULL;
	}
	p->linktype = (uint32_t)dlt;
	blocks_open(&p->m, p->pc);
	p->name = path;
	ct_progress_init(&p->progress, path,
			 progress && pcap_file(p->pc) ? fileno(pcap_file(p->pc)) : -1);
	return p;
}

struct ct_pcap *ct_pcap_open_live(const char *iface, const char *filter,
				  char err[CT_PCAP_ERR_MAX])
{
	struct ct_pcap *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, CT_PCAP_ERR_MAX, "--capture `%s': %s", iface, strerror(ENOMEM));
		return NULL;
	}
	p->live = ct_live_open(iface, filter, err);
	if (!p->live) {
		int e = errno;

		free(p);
		errno = e;
		return NULL;
	}
	p->name = iface;
	p->linktype = ct_live_linktype(p->live);
	ct_progress_init(&p->progress, iface, -1);
	return p;
}

static void draw_progress(struct ct_pcap *p)
{
	FILE *f = p->pc ? pcap_file(p->pc) : p->ng_file;
	long pos = p->m.buf ? (long)(p->m.base + (off_t)p->m.pos) : f ? ftell(f) : -1;

	ct_progress_draw(&p->progress, pos, p->count, "packets");
}

static int next_block(struct ct_pcap *p, struct ct_pcap_frame *f)
{
	if (!blocks_next(&p->m, f)) {
		/* Nothing left after the last record: libpcap would only read the end again. */
		p->ended = p->m.eof && p->m.pos == p->m.have;
		if (p->ended)
			blocks_free(&p->m);
		else
			blocks_close(&p->m, p->pc);
		return 0;
	}
	return 1;
}

/* A classic pcap record, by the block walk or libpcap. */
static int next_classic(struct ct_pcap *p, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX])
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int ret;

	if (p->m.buf && next_block(p, f))
		return 1;
	if (p->ended)
		return 0;
	ret = pcap_next_ex(p->pc, &hdr, &data);
	if (ret == PCAP_ERROR_BREAK)
		return 0;
	if (ret != 1) {
		snprintf(err, CT_PCAP_ERR_MAX, "capture `%s', after packet %llu: %s", p->name,
			 (unsigned long long)p->count, pcap_geterr(p->pc));
		return -1;
	}
	/* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
	f->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000ull + (uint64_t)hdr->ts.tv_usec;
	f->data = data;
	f->caplen = hdr->caplen;
	f->len = hdr->len;
	return 1;
}

int ct_pcap_next(struct ct_pcap *p, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX])
{
	int ret;

	if (p->live) {
		ret = ct_live_next(p->live, f, err);
	} else if (p->ng) {
		ret = ct_pcapng_next(p->ng, f, err);
		/* The packet type, when the interface's flags do not say. */
		if (ret == 1 && f->dir == CT_PCAP_DIR_UNKNOWN)
			f->dir = ct_pcap_cooked_dir(f->linktype, f->data, f->caplen);
	} else {
		ret = next_classic(p, f, err);
		if (ret == 1) {
			f->linktype = p->linktype;
			f->ifname = NULL;
			f->dir = ct_pcap_cooked_dir(f->linktype, f->data, f->caplen);
		}
	}
	if (ret != 1)
		return ret;
	p->count++;
	if (ct_progress_on(&p->progress) && p->count % PROGRESS_EVERY == 0)
		draw_progress(p);
	f->num = p->count;
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
	ct_progress_clear(&p->progress);
	blocks_free(&p->m);
	if (p->pc)
		pcap_close(p->pc);
	ct_pcapng_close(p->ng);
	if (p->ng_file)
		fclose(p->ng_file);
	ct_live_close(p->live);
	free(p);
}
