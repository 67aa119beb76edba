// SPDX-License-Identifier: LGPL-2.1-or-later
/* Buffered output: see include/ctkit/output.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ctkit/output.h>

void ctk_out_init(struct ctk_out *out, int fd)
{
	out->fd = fd;
	out->error = 0;
	out->len = 0;
}

int ctk_out_flush(struct ctk_out *out)
{
	size_t done = 0;

	while (done < out->len) {
		ssize_t n = write(out->fd, out->buf + done, out->len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!out->error)
				out->error = errno;
			break;
		}
		done += (size_t)n;
	}
	out->len = 0;
	return out->error ? -out->error : 0;
}

void ctk_out_write(struct ctk_out *out, const void *data, size_t len)
{
	if (len > sizeof(out->buf) - out->len)
		ctk_out_flush(out);
	if (len > sizeof(out->buf)) {
		/* Larger than the whole buffer: write it through. */
		ssize_t n;
		const char *p = data;

		while (len > 0) {
			n = write(out->fd, p, len);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (!out->error)
					out->error = errno;
				return;
			}
			p += n;
			len -= (size_t)n;
		}
		return;
	}
	memcpy(out->buf + out->len, data, len);
	out->len += len;
}

void ctk_out_puts(struct ctk_out *out, const char *s)
{
	ctk_out_write(out, s, strlen(s));
}

void ctk_out_printf(struct ctk_out *out, const char *fmt, ...)
{
	size_t room = sizeof(out->buf) - out->len;
	va_list ap;
	char *big;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out->buf + out->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		out->len += (size_t)n;
		return;
	}
	/* it did not fit: format it apart and append it like any write */
	big = malloc((size_t)n + 1);
	if (!big) {
		if (!out->error)
			out->error = ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	ctk_out_write(out, big, (size_t)n);
	free(big);
}

/* One formatter of format.h, behind a common signature. */
typedef size_t (*format_fn)(char *buf, size_t size, const void *obj, enum ctk_event ev,
			    const struct ctk_fmt *fmt);

static size_t format_entry(char *buf, size_t size, const void *obj, enum ctk_event ev,
			   const struct ctk_fmt *fmt)
{
	return ctk_format_entry(buf, size, obj, ev, fmt);
}

static size_t format_expect(char *buf, size_t size, const void *obj, enum ctk_event ev,
			    const struct ctk_fmt *fmt)
{
	return ctk_format_expect(buf, size, obj, ev, fmt);
}

/* Format straight into the buffer; flush and retry, or go to the heap, when it does not fit. */
static void out_line(struct ctk_out *out, format_fn format, const void *obj, enum ctk_event ev,
		     const struct ctk_fmt *fmt)
{
	size_t room = sizeof(out->buf) - out->len;
	size_t n = format(out->buf + out->len, room, obj, ev, fmt);

	if (n + 1 < room) {
		out->len += n;
		out->buf[out->len++] = '\n';
		return;
	}
	ctk_out_flush(out);
	room = sizeof(out->buf);
	n = format(out->buf, room, obj, ev, fmt);
	if (n + 1 < room) {
		out->len = n;
		out->buf[out->len++] = '\n';
		return;
	}
	/* A line longer than the buffer: format it on the heap. */
	char *line = malloc(n + 2);

	if (!line) {
		if (!out->error)
			out->error = ENOMEM;
		return;
	}
	format(line, n + 1, obj, ev, fmt);
	line[n] = '\n';
	ctk_out_write(out, line, n + 1);
	free(line);
}

void ctk_out_entry(struct ctk_out *out, const struct ctk_entry *e, enum ctk_event ev,
		   const struct ctk_fmt *fmt)
{
	out_line(out, format_entry, e, ev, fmt);
}

void ctk_out_expect(struct ctk_out *out, const struct ctk_expect *x, enum ctk_event ev,
		    const struct ctk_fmt *fmt)
{
	out_line(out, format_expect, x, ev, fmt);
}
