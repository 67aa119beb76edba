// SPDX-License-Identifier: LGPL-2.1-or-later
/* The terminal with curses (see screen.h). */
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "screen.h"

/* Below this, not one row fits beside the header, titles and keys. */
#define MIN_LINES (TOP_HEADER_LINES + 3)
#define MIN_COLS  20

static SCREEN *screen;

int top_screen_start(void)
{
	/* newterm, not initscr: a terminal it cannot use is an error to report, not an exit */
	screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return -1;
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void top_screen_end(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}

size_t top_screen_rows(void)
{
	return LINES < MIN_LINES || COLS < MIN_COLS ? 0 : (size_t)(LINES - TOP_HEADER_LINES - 2);
}

int top_screen_key(void)
{
	int key = getch();

	return key == ERR ? -1 : key;
}

/* @text on line @y, cut to the width; @bar: reverse video across the whole line. */
static void draw_line(int y, const char *text, bool bar)
{
	int width = y == LINES - 1 ? COLS - 1 : COLS; /* the last cell would scroll */

	if (bar) {
		attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
	}
	mvaddnstr(y, 0, text, width);
	if (bar)
		attroff(A_REVERSE);
}

static void draw_table(const struct top_frame *f, int top_line)
{
	struct top_columns cols;
	struct top_cells cells;
	char line[4096];

	top_columns_init(&cols, f->shown->grouped);
	for (size_t i = 0; i < f->shown->n; i++) {
		top_render_cells(f, i, &cells);
		top_columns_fit(&cols, &cells);
	}
	top_columns_line(&cols, NULL, line, sizeof(line));
	draw_line(top_line, line, true);
	for (size_t i = 0; i < f->shown->n && top_line + 1 + (int)i < LINES - 1; i++) {
		top_render_cells(f, i, &cells);
		top_columns_line(&cols, &cells, line, sizeof(line));
		draw_line(top_line + 1 + (int)i, line, false);
	}
}

static void draw_help(const struct top_frame *f, int top_line)
{
	const char *text;

	for (unsigned int i = 0;
	     (text = top_help_line(i, f->view->can_group)) && top_line + (int)i < LINES - 1; i++)
		draw_line(top_line + (int)i, text, i == 0);
}

static void draw_keys(const struct top_frame *f)
{
	char line[160];

	snprintf(line, sizeof(line),
		 " q quit  s sort  r reverse  %sp %s  space refresh  "
		 "+/- interval  h help",
		 f->view->can_group ? (f->view->grouped ? "g entries  " : "g groups  ") : "",
		 f->view->paused ? "resume" : "pause");
	draw_line(LINES - 1, line, true);
}

void top_screen_draw(const struct top_frame *f)
{
	char line[4096];

	erase();
	if (!top_screen_rows()) {
		mvaddnstr(0, 0, "ctkit-top: terminal too small", COLS);
		refresh();
		return;
	}
	for (unsigned int i = 0; i < TOP_HEADER_LINES; i++) {
		top_render_header(f, i, line, sizeof(line));
		draw_line((int)i, line, false);
	}
	if (f->view->help)
		draw_help(f, TOP_HEADER_LINES);
	else
		draw_table(f, TOP_HEADER_LINES);
	draw_keys(f);
	refresh();
}
