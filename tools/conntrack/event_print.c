// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -E output: one event as conntrack-tools 1.4.7 prints it (the -o
 * timestamp prefix, the [USERSPACE] suffix, the XML header before the
 * first event), flushed per event, plus ctkit's marks: " [RESYNC]" after
 * a repaired event, and in JSON the "time", "portid", "progname" and
 * "resync" members.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "event.h"
#include "run.h"

#define LINE_SIZE_START 4096

static const char *format_line(struct ct_event_printer *p, const struct ctk_entry *e,
			       enum ctk_event type, size_t *len)
{
	size_t n = ctk_format_entry(p->line, p->line_size, e, type, &p->run->fmt);

	if (n >= p->line_size) {
		char *bigger = realloc(p->line, n + 1);

		if (!bigger)
			return NULL;
		p->line = bigger;
		p->line_size = n + 1;
		ctk_format_entry(p->line, p->line_size, e, type, &p->run->fmt);
	}
	*len = n;
	return p->line;
}

static void put_timestamp_prefix(struct ctk_out *out)
{
	struct timeval tv;
	char prefix[64];
	int n;

	gettimeofday(&tv, NULL);
	n = snprintf(prefix, sizeof(prefix), "[%ld.%06ld]\t", (long)tv.tv_sec, (long)tv.tv_usec);
	ctk_out_write(out, prefix, (size_t)n);
}

static void put_userspace_suffix(struct ctk_out *out, uint32_t portid)
{
	const char *prog = ct_portid_progname(portid);
	char suffix[64 + CT_PROGNAME_MAX];
	int n;

	if (prog)
		n = snprintf(suffix, sizeof(suffix), " [USERSPACE] portid=%u progname=%s", portid,
			     prog);
	else
		n = snprintf(suffix, sizeof(suffix), " [USERSPACE] portid=%u", portid);
	ctk_out_write(out, suffix, (size_t)n < sizeof(suffix) ? (size_t)n : sizeof(suffix) - 1);
}

/* A program name as a JSON string: comm may hold any byte but NUL. */
static void put_json_string(struct ctk_out *out, const char *s)
{
	char esc[8];

	ctk_out_puts(out, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == '"' || c == '\\') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			ctk_out_puts(out, esc);
		} else {
			ctk_out_write(out, s, 1);
		}
	}
	ctk_out_puts(out, "\"");
}

/*
 * JSON keeps one object per line: what text appends after the entry
 * becomes members ("time", "portid", "progname", "resync") before the
 * closing brace.
 */
static void put_json_line(struct ct_event_printer *p, const char *line, size_t len, uint32_t portid,
			  bool synthetic)
{
	struct ctk_out *out = p->run->out;
	const char *prog;
	struct timeval tv;
	char extra[64];

	if (len == 0 || line[len - 1] != '}') {
		ctk_out_write(out, line, len);
		return;
	}
	ctk_out_write(out, line, len - 1);
	/* Every JSON event says when it was seen (seconds.microseconds). */
	gettimeofday(&tv, NULL);
	snprintf(extra, sizeof(extra), ",\"time\":%ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
	ctk_out_puts(out, extra);
	if (portid) {
		snprintf(extra, sizeof(extra), ",\"portid\":%u", portid);
		ctk_out_puts(out, extra);
		prog = ct_portid_progname(portid);
		if (prog) {
			ctk_out_puts(out, ",\"progname\":");
			put_json_string(out, prog);
		}
	}
	if (synthetic)
		ctk_out_puts(out, ",\"resync\":true");
	ctk_out_puts(out, "}");
}

int ct_event_printer_init(struct ct_event_printer *p, struct ct_run *run)
{
	p->run = run;
	p->line_size = LINE_SIZE_START;
	p->line = malloc(p->line_size);
	return p->line ? 0 : -ENOMEM;
}

void ct_event_printer_free(struct ct_event_printer *p)
{
	free(p->line);
	p->line = NULL;
}

int ct_event_print(struct ct_event_printer *p, const struct ctk_entry *e, enum ctk_event type,
		   uint32_t portid, bool synthetic)
{
	struct ct_run *run = p->run;
	enum ctk_fmt_kind kind = run->fmt.kind;
	const char *line;
	size_t len;
	int ret;

	if (kind == CTK_FMT_XML && !run->xml_open) {
		ctk_out_puts(run->out, CTK_XML_HEADER);
		run->xml_open = true;
	}
	if (run->cli->output_timestamp && kind == CTK_FMT_DEFAULT)
		put_timestamp_prefix(run->out);
	run->fmt.now = time(NULL);
	line = format_line(p, e, type, &len);
	if (!line)
		return -ENOMEM;
	if (kind == CTK_FMT_JSON) {
		put_json_line(p, line, len, portid, synthetic);
	} else {
		ctk_out_write(run->out, line, len);
		if (portid)
			put_userspace_suffix(run->out, portid);
		if (synthetic)
			ctk_out_puts(run->out, " [RESYNC]");
	}
	ctk_out_puts(run->out, "\n");
	/* The error is sticky: the first failed write ends -E. */
	ret = ctk_out_flush(run->out);
	if (ret == 0)
		run->counter++;
	return ret;
}
