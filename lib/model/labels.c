// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Connection label names, read from connlabel.conf with the rules of
 * libnetfilter_conntrack 1.0.9 (src/conntrack/labels.c), so that a file
 * gives the same names here as in the reference:
 *  - lines are read in chunks of at most 1023 bytes (fgets into 1 KiB);
 *  - a line starting with '#' is a comment (only in the first column);
 *  - the bit is parsed by strtoul(base 0), so "0x10" and leading blanks
 *    work; no number, or a bit >= 1024, skips the line;
 *  - the rest of the line, trimmed of blanks, is the name; only letters,
 *    digits, ' ' and '-' are allowed, else the line is skipped;
 *  - the first line for a bit wins, and the first bit for a name wins.
 * A file without a single valid line gives NULL with errno 0, as the
 * reference does.
 *
 * Bits 128..1023 are accepted for the same reason (a later duplicate must
 * be rejected the same way) even though entries carry only 128 label bits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/labels.h>

#define LABELMAP_MAX_BITS 1024
#define LABELMAP_LINE_MAX 1024

struct ctk_labelmap {
	char *names[LABELMAP_MAX_BITS];
};

/* POSIX blanks, without the locale: what the reference trims. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\f' || c == '\r' || c == '\t' || c == '\v';
}

static bool name_is_sane(const char *name)
{
	for (; *name; name++) {
		char c = *name;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == ' ' || c == '-')
			continue;
		return false;
	}
	return true;
}

/* Cut blanks and the newline around @s in place; NULL when nothing is left. */
static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strcspn(s, "\n");
	*end = '\0';
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	return *s ? s : NULL;
}

/* The bit a line starts with, or -1; *rest points after the number. */
static int parse_bit(char *line, char **rest)
{
	unsigned long bit = strtoul(line, rest, 0);

	if (*rest == line || bit >= LABELMAP_MAX_BITS)
		return -1;
	return (int)bit;
}

/* Add one line's binding; 0 if added, -1 if the line was skipped. */
static int add_line(struct ctk_labelmap *map, char *line)
{
	char *rest, *name;
	int bit;

	if (line[0] == '#')
		return -1;
	bit = parse_bit(line, &rest);
	if (bit < 0 || map->names[bit])
		return -1;
	name = trim(rest);
	if (!name || !name_is_sane(name) || ctk_labelmap_bit(map, name) >= 0)
		return -1;
	map->names[bit] = strdup(name);
	return map->names[bit] ? 0 : -1;
}

struct ctk_labelmap *ctk_labelmap_load(const char *path)
{
	struct ctk_labelmap *map;
	char line[LABELMAP_LINE_MAX];
	int added = 0;
	FILE *fp;

	fp = fopen(path ? path : CTK_LABELMAP_DEFAULT_PATH, "re");
	if (!fp)
		return NULL;
	map = calloc(1, sizeof(*map));
	if (!map) {
		fclose(fp);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp)) {
		if (add_line(map, line) == 0)
			added++;
	}
	fclose(fp);
	if (!added) {
		ctk_labelmap_free(map);
		errno = 0;
		return NULL;
	}
	return map;
}

void ctk_labelmap_free(struct ctk_labelmap *map)
{
	if (!map)
		return;
	for (unsigned int bit = 0; bit < LABELMAP_MAX_BITS; bit++)
		free(map->names[bit]);
	free(map);
}

const char *ctk_labelmap_name(const struct ctk_labelmap *map, unsigned int bit)
{
	if (!map || bit >= LABELMAP_MAX_BITS)
		return NULL;
	return map->names[bit];
}

/* A linear scan: maps are small and looked up only while parsing options. */
int ctk_labelmap_bit(const struct ctk_labelmap *map, const char *name)
{
	if (!map || !name)
		return -1;
	for (unsigned int bit = 0; bit < LABELMAP_MAX_BITS; bit++) {
		if (map->names[bit] && strcmp(map->names[bit], name) == 0)
			return (int)bit;
	}
	return -1;
}
