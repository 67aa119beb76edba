/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/format/: a bounded writer with snprintf() semantics and
 * the small facts every format shares (delta-time, state names, labels).
 *
 * The writer counts every byte it is asked to write, stores only what fits
 * (keeping one byte for the NUL), and never fails: a formatter just writes
 * its whole text and returns fb_finish(). Writing is done by hand instead
 * of through snprintf() because a dump of a million entries spends most of
 * its time here.
 */
#ifndef CTK_FORMAT_FMT_H
#define CTK_FORMAT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <ctkit/entry.h>
#include <ctkit/format.h>

struct fbuf {
	char *buf;
	size_t size;	/* bytes the caller gave us, NUL included */
	size_t len;	/* bytes the full text needs so far */
};

static inline void fb_init(struct fbuf *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
}

void fb_putn(struct fbuf *b, const char *s, size_t n);

static inline void fb_puts(struct fbuf *b, const char *s)
{
	fb_putn(b, s, strlen(s));
}

static inline void fb_putc(struct fbuf *b, char c)
{
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

/* Forget the last byte written ("size--" / "offset--" in the reference). */
static inline void fb_unput(struct fbuf *b)
{
	if (b->len)
		b->len--;
}

void fb_u64(struct fbuf *b, uint64_t v);		/* %llu */
void fb_i64(struct fbuf *b, int64_t v);			/* %lld */
void fb_hex(struct fbuf *b, uint32_t v);		/* %x */
void fb_dec2(struct fbuf *b, unsigned int v);		/* %02d for 0..99 */
void fb_pad(struct fbuf *b, const char *s, unsigned int width);	/* %-*s */
void fb_lpad(struct fbuf *b, const char *s, unsigned int width);	/* %*s */
/* An address as inet_ntoa()/inet_ntop() print it; nothing for other families. */
void fb_addr(struct fbuf *b, uint8_t l3num, const union ctk_addr *a);

/* NUL-terminate what fits; returns the full length. */
size_t fb_finish(struct fbuf *b);

/* A tuple the entry may lack: absent tuples read as all zero, as in the library. */
const struct ctk_tuple *fmt_tuple(const struct ctk_entry *e, enum ctk_attr which);

/* Seconds from start to stop (or @now while the entry lives), as the library. */
uint64_t fmt_delta_time(const struct ctk_entry *e, int64_t now);

/* Is label bit @bit set in @labels? */
static inline int fmt_label_test(const uint32_t *labels, unsigned int bit)
{
	return (labels[bit / 32] >> (bit % 32)) & 1;
}

/* State name or "NONE" when out of range (the default format's rule). */
const char *fmt_tcp_state(uint8_t state);
const char *fmt_sctp_state(uint8_t state);
const char *fmt_dccp_state(uint8_t state);

/* One writer per kind; each writes the whole text into @b. */
void fmt_entry_default(struct fbuf *b, const struct ctk_entry *e,
		       enum ctk_event ev, const struct ctk_fmt *fmt);
void fmt_entry_xml(struct fbuf *b, const struct ctk_entry *e,
		   enum ctk_event ev, const struct ctk_fmt *fmt);
void fmt_entry_save(struct fbuf *b, const struct ctk_entry *e,
		    enum ctk_event ev, const struct ctk_fmt *fmt);
void fmt_entry_json(struct fbuf *b, const struct ctk_entry *e,
		    enum ctk_event ev, const struct ctk_fmt *fmt);

/*
 * Pieces the expectation formatters share with the entry ones: a tuple's
 * layer-4 fields as the text ("sport=1 dport=2 ") and XML kinds print them.
 */
void fmt_text_l4(struct fbuf *b, const struct ctk_tuple *t);
void fmt_xml_l4(struct fbuf *b, const struct ctk_tuple *t);

/* JSON: writes the keys of one object, putting the commas between them (json.c). */
struct jobj {
	struct fbuf *b;
	bool first;
};

void fmt_jobj_open(struct jobj *o, struct fbuf *b);
void fmt_jobj_close(struct jobj *o);
void fmt_jkey(struct jobj *o, const char *key);
void fmt_jstr_raw(struct fbuf *b, const char *s, size_t max);	/* a quoted, escaped string */
void fmt_jnum(struct jobj *o, const char *key, uint64_t v);
void fmt_jstr(struct jobj *o, const char *key, const char *s, size_t max);
void fmt_jaddr(struct jobj *o, const char *key, uint8_t l3num, const union ctk_addr *a);
void fmt_jtuple_l4(struct jobj *o, const struct ctk_tuple *t);	/* ports, keys or type/code/id */
void fmt_jproto_ids(struct jobj *o, const struct ctk_tuple *t);	/* l3proto ... l4protonum */

/* The namespace a line comes from, when @fmt says one (format.c): "netns=NAME " or a key. */
void fmt_netns_prefix(struct fbuf *b, const struct ctk_fmt *fmt);
void fmt_jnetns(struct jobj *o, const struct ctk_fmt *fmt);

/* Expectations (expect_*.c). */
void fmt_expect_default(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev);
void fmt_expect_xml(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev,
		    const struct ctk_fmt *fmt);
void fmt_expect_json(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev,
		     const struct ctk_fmt *fmt);
/* A tuple the expectation may lack reads as all zero, as in the library. */
const struct ctk_tuple *fmt_exp_tuple(const struct ctk_expect *x, enum ctk_expect_attr which);

/* fmt_xml_when - <when> with the local wall-clock time @now (xml.c; entries and expectations). */
void fmt_xml_when(struct fbuf *b, int64_t now);

#endif
