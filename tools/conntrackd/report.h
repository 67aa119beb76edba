/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The texts of -s: conntrackd 1.4.7's layout, and ctkit's OpenMetrics. */
#ifndef CTD_REPORT_H
#define CTD_REPORT_H

#include <stddef.h>

struct ctd;
struct ctk_out;

/* @count: the entries the cache holds now. */
void ctd_report_cache(struct ctd *d, struct ctk_out *o, const char *label,
		      const struct ctd_cache *c, size_t count);
void ctd_report_cache_ext(struct ctd *d, struct ctk_out *o, const char *label,
			  const struct ctd_cache *c);
void ctd_report_traffic(struct ctd *d, struct ctk_out *o);
void ctd_report_runtime(struct ctd *d, struct ctk_out *o);
void ctd_report_queues(struct ctd *d, struct ctk_out *o);
void ctd_report_health(struct ctd *d, struct ctk_out *o);
void ctd_report_metrics(struct ctd *d, struct ctk_out *o);

#endif
