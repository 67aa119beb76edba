/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTD_FILTER_H
#define CTD_FILTER_H

#include <stdbool.h>

#include <ctkit/entry.h>

#include "config.h"

/*
 * ctd_filter_pass - does @e pass the configured Filter section: its layer-4
 * protocol (Protocol), its real source or destination address (the orig
 * source or the reply source; Address, exact or by prefix) and, for TCP,
 * its state (State). No section: everything passes.
 */
bool ctd_filter_pass(const struct ctd_filter_conf *f, const struct ctk_entry *e);

#endif
