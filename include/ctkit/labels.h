/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection label names (/etc/xtables/connlabel.conf): "BIT NAME" lines,
 * '#' comments. Bits 0..127.
 */
#ifndef CTKIT_LABELS_H
#define CTKIT_LABELS_H

#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTK_LABELMAP_DEFAULT_PATH "/etc/xtables/connlabel.conf"

struct ctk_labelmap;

/* ctk_labelmap_load - read a map; NULL with errno set on failure. */
struct ctk_labelmap *ctk_labelmap_load(const char *path);
void ctk_labelmap_free(struct ctk_labelmap *map);
/* ctk_labelmap_name - the name of @bit, or NULL when the map has none. */
const char *ctk_labelmap_name(const struct ctk_labelmap *map, unsigned int bit);
/* ctk_labelmap_bit - the bit named @name, or -1. */
int ctk_labelmap_bit(const struct ctk_labelmap *map, const char *name);

#ifdef __cplusplus
}
#endif
#endif
