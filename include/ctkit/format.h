/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Formatters: an entry (or a per-CPU statistics record) to bytes.
 *
 * Every function here writes into a caller's buffer like snprintf(): it
 * returns the length the full text needs (without the NUL), writes at most
 * @size bytes including a terminating NUL, and never appends a newline.
 * No function allocates or touches stdio.
 *
 * The text, XML and save kinds are byte-identical to conntrack-tools 1.4.7
 * (libnetfilter_conntrack 1.0.9); JSON is ctkit's own (docs/json.md).
 */
#ifndef CTKIT_FORMAT_H
#define CTKIT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>
#include <ctkit/expect.h>
#include <ctkit/labels.h>
#include <ctkit/timeout.h>
#include <ctkit/helper.h>
#include <ctkit/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ctk_fmt_kind {
	CTK_FMT_DEFAULT,	/* the one-line text format */
	CTK_FMT_XML,		/* one <flow> element */
	CTK_FMT_SAVE,		/* conntrack command-line options (-o save) */
	CTK_FMT_JSON,		/* one JSON object */
};

/* Modifiers, as the -o words of conntrack. */
enum ctk_fmt_flag {
	CTK_FMT_F_EXTENDED = 1 << 0,	/* layer-3 column */
	CTK_FMT_F_ID = 1 << 1,		/* id= */
	CTK_FMT_F_KTIMESTAMP = 1 << 2,	/* [start=..] [stop=..] */
	CTK_FMT_F_TIMESTAMP = 1 << 3,	/* events: <when> in XML (the text prefix is the caller's) */
	CTK_FMT_F_LABELS = 1 << 4,	/* labels= (needs a label map) */
	CTK_FMT_F_NO_USE = 1 << 5,	/* never print use= (reference -D path prints it; events lack it anyway) */
};

struct ctk_fmt {
	enum ctk_fmt_kind kind;
	unsigned int flags;			/* enum ctk_fmt_flag */
	const struct ctk_labelmap *labels;	/* NULL: labels never printed */
	int64_t now;				/* wall clock (s) for delta-time when no stop time */
	/*
	 * Save kind only: the command prefix for an entry that is not an
	 * event (CTK_EV_NEW "-A", CTK_EV_UPDATE "-U", CTK_EV_DESTROY "-D").
	 */
	enum ctk_event save_as;
	/*
	 * The network namespace the entry comes from, when a program shows
	 * several (NULL: not said): the default kind puts "netns=NAME " before
	 * the line, JSON a "netns" key first; XML and save do not carry it.
	 */
	const char *netns;

	uint8_t reserved[8];	/* later options: zero the struct first (zero = not set) */
};

/*
 * ctk_format_entry - format @e.
 * @ev: CTK_EV_NONE for dumps; otherwise the event tag ("    [NEW] ", ...,
 *	type="new" in XML, "-A"/"-U"/"-D" in save, "event" in JSON).
 */
size_t ctk_format_entry(char *buf, size_t size, const struct ctk_entry *e,
			enum ctk_event ev, const struct ctk_fmt *fmt);

/*
 * ctk_format_expect - format an expectation (conntrack -L/-E expect).
 * Default and XML are byte-identical to libnetfilter_conntrack 1.0.9
 * nfexp_snprintf(); JSON is documented in docs/json.md. @ev as for
 * ctk_format_entry(). Of @fmt only the kind and CTK_FMT_F_TIMESTAMP (XML
 * <when> from @fmt->now, events only) are used; the save kind prints the
 * default format (the reference has no save format for expectations).
 */
size_t ctk_format_expect(char *buf, size_t size, const struct ctk_expect *x,
			 enum ctk_event ev, const struct ctk_fmt *fmt);

/* XML document framing of expectations (-L expect -o xml). */
#define CTK_XML_EXP_HEADER "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<expect>\n"
#define CTK_XML_EXP_FOOTER "</expect>\n"

/* XML document framing, as the reference prints it. */
#define CTK_XML_HEADER "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n"
#define CTK_XML_FOOTER "</conntrack>\n"

/*
 * ctk_format_count - the table's entry count (conntrack -C): the number
 * as the reference prints it, or {"count":N} for CTK_FMT_JSON; with
 * @fmt->netns as for entries. snprintf() semantics, no newline.
 */
size_t ctk_format_count(char *buf, size_t size, uint32_t count, const struct ctk_fmt *fmt);

/* Per-CPU statistics (-S): "cpu=%-4u\t" then "name=%u " per present counter (trailing space kept). */
size_t ctk_format_cpu_stats(char *buf, size_t size, const struct ctk_cpu_stats *s,
			    const struct ctk_fmt *fmt);

/*
 * ctk_format_timeout - @t as text (CTK_FMT_DEFAULT: nfct_timeout_snprintf()
 * of libnetfilter_cttimeout, byte for byte) or as one JSON object
 * (CTK_FMT_JSON, docs/nfct.md). snprintf() semantics, no newline.
 */
size_t ctk_format_timeout(char *buf, size_t size, const struct ctk_timeout *t,
			  enum ctk_fmt_kind kind);
/*
 * ctk_format_helper - text as nfct_helper_snprintf() of
 * libnetfilter_cthelper 1.0.x (expectation classes are not printed
 * there), or one JSON object. snprintf() semantics, no newline.
 */
size_t ctk_format_helper(char *buf, size_t size, const struct ctk_helper *h,
			 enum ctk_fmt_kind kind);

#ifdef __cplusplus
}
#endif
#endif
