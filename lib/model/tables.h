/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to lib/model: the tables of l4proto.c that other model files walk. */
#ifndef CTK_MODEL_TABLES_H
#define CTK_MODEL_TABLES_H

#include <ctkit/timeout.h>

/* The trackers that take timeout policies, in nfct's order. */
extern const struct ctk_timeout_proto ctkm_timeout_protos[];
extern const unsigned int ctkm_timeout_nprotos;

#endif
