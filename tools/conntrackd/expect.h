/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Expectation sync (Options { ExpectationSync on | { helpers } }): the
 * kernel's expectations go to the peers like connections, and the peers'
 * are committed after the connections they belong to. Expectations are
 * few (one per FTP data channel about to open), so they live in a plain
 * table rather than a hash: a lookup is a short scan.
 */
#ifndef CTD_EXPECT_H
#define CTD_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <ctkit/expect.h>

#include "ctd.h"

struct ctd_expstore;

struct ctd_expstore *ctd_expstore_new(void);
void ctd_expstore_free(struct ctd_expstore *s);
size_t ctd_expstore_count(const struct ctd_expstore *s);
/* add or replace by identity; returns the handle (> 0), 0 when out of memory; *@added */
uint32_t ctd_expstore_put(struct ctd_expstore *s, const struct ctk_expect *x, bool *added);
uint32_t ctd_expstore_find(const struct ctd_expstore *s, const struct ctk_expect *x);
const struct ctk_expect *ctd_expstore_get(const struct ctd_expstore *s, uint32_t ref);
struct ctd_obj *ctd_expstore_obj(const struct ctd_expstore *s, uint32_t ref);
void ctd_expstore_del(struct ctd_expstore *s, uint32_t ref);
/* handles in use, in increasing order: for (r = next(s, 0); r; r = next(s, r)) */
uint32_t ctd_expstore_next(const struct ctd_expstore *s, uint32_t ref);

/* The daemon's use of them (expect.c). */
int ctd_expect_open(struct ctd *d);
void ctd_expect_close(struct ctd *d);
void ctd_expect_external(struct ctd *d, int type, const struct ctk_expect *x);
void ctd_expect_dump(struct ctd *d, struct ctk_out *o, bool external, bool xml);
int ctd_expect_commit(struct ctd *d);
void ctd_expect_flush(struct ctd *d, bool internal, bool external);
int ctd_expect_resync(struct ctd *d);
void ctd_expect_release(struct ctd *d, uint32_t ref);
struct ctd_obj *ctd_expect_obj(struct ctd *d, uint32_t ref);
const struct ctk_expect *ctd_expect_get(struct ctd *d, uint32_t ref);
void ctd_expect_bulk(struct ctd *d);
size_t ctd_expect_count(struct ctd *d, bool external);

#endif
