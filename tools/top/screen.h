/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The terminal: curses set up and given back, one frame drawn as top
 * draws: the header, the column titles in reverse video, as many rows
 * as fit, the keys at the bottom. Lines longer than the terminal is wide
 * are cut; a terminal too small for any row says so instead.
 */
#ifndef TOP_SCREEN_H
#define TOP_SCREEN_H

#include <stddef.h>

#include "render.h"

/* top_screen_start - take the terminal (stdin, stdout); 0, or -1 when it cannot be used. */
int top_screen_start(void);

/* top_screen_end - give the terminal back as it was; safe to call twice. */
void top_screen_end(void);

/* top_screen_rows - how many rows of the table fit now (0 when none). */
size_t top_screen_rows(void);

/* top_screen_draw - @f on the terminal. */
void top_screen_draw(const struct top_frame *f);

/* top_screen_key - the next key pressed (a curses code: KEY_RESIZE after a resize), -1: none. */
int top_screen_key(void);

#endif
