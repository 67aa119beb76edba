/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NAT predicates of the filter (private to lib/filter). */
#ifndef CTKIT_FILTER_NAT_H
#define CTKIT_FILTER_NAT_H

#include <stdbool.h>
#include <ctkit/filter.h>

bool ctkf_snat_match(const struct ctk_filter_nat *n, const struct ctk_entry *e);
bool ctkf_dnat_match(const struct ctk_filter_nat *n, const struct ctk_entry *e);

#endif
