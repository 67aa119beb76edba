/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A buffered writer: formatters write straight into a large buffer that is
 * flushed to a file descriptor when full, at the end, or per event.
 *
 * Errors: the appending calls return nothing; the first failure (a write
 * error's errno, or ENOMEM for a line that needed the heap) is kept in
 * @error and never overwritten, and
 * ctk_out_flush() returns it as a negative errno. A struct ctk_out is
 * used by one thread at a time.
 */
#ifndef CTKIT_OUTPUT_H
#define CTKIT_OUTPUT_H

#include <stddef.h>
#include <ctkit/format.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTK_OUT_SIZE (256 * 1024)

struct ctk_out {
	int fd;
	int error;		/* first write error (positive errno), sticky */
	size_t len;
	char buf[CTK_OUT_SIZE];
};

/* ctk_out_init - an empty buffer writing to @fd (not owned: never closed). */
void ctk_out_init(struct ctk_out *out, int fd);
/* ctk_out_write - append @len bytes. */
void ctk_out_write(struct ctk_out *out, const void *data, size_t len);
/* ctk_out_puts - append the string @s (no newline added). */
void ctk_out_puts(struct ctk_out *out, const char *s);
/* ctk_out_printf - append printf-formatted text (no newline added). */
void ctk_out_printf(struct ctk_out *out, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* ctk_out_entry - format @e with @fmt and append it plus a newline. */
void ctk_out_entry(struct ctk_out *out, const struct ctk_entry *e, enum ctk_event ev,
		   const struct ctk_fmt *fmt);
/* ctk_out_expect - format the expectation @x with @fmt and append it plus a newline. */
void ctk_out_expect(struct ctk_out *out, const struct ctk_expect *x, enum ctk_event ev,
		    const struct ctk_fmt *fmt);
/* ctk_out_flush - write everything buffered; returns 0 or -errno. */
int ctk_out_flush(struct ctk_out *out);

#ifdef __cplusplus
}
#endif
#endif
