/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A progress line on stderr for commands that read a long file (--pcap,
 * -R): "\rNAME: 42% (1234 packets)", redrawn at most four times a second
 * and erased at the end. Shown only for a large regular file and only
 * when stderr is a terminal, so nothing a script reads ever carries it.
 */
#ifndef CT_PROGRESS_H
#define CT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Smaller files are read in well under a second: no progress line. */
#define CT_PROGRESS_MIN_BYTES (16u << 20)

struct ct_progress {
	const char *name;
	off_t size; /* 0: no progress line */
	uint64_t last_draw_ns;
	bool drawn;
};

/*
 * ct_progress_init - decide for the file open on @fd, called @name (kept,
 * not copied): a line only when stderr is a terminal and @fd is a regular
 * file of at least CT_PROGRESS_MIN_BYTES.
 */
void ct_progress_init(struct ct_progress *p, const char *name, int fd);

/* ct_progress_on - will ct_progress_draw() ever draw? Callers skip their own bookkeeping if not. */
static inline bool ct_progress_on(const struct ct_progress *p)
{
	return p->size > 0;
}

/* ct_progress_draw - @pos bytes of the file done, @count @what (e.g. "packets") so far. */
void ct_progress_draw(struct ct_progress *p, off_t pos, uint64_t count, const char *what);

/* ct_progress_clear - erase the line if one was drawn. */
void ct_progress_clear(struct ct_progress *p);

#endif
