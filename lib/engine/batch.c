// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Many packets at once. For now each packet takes the one-packet path;
 * the design meant for here (parse and hash ahead, prefetch buckets and
 * entries so the misses of several packets overlap) is in commit aa33272
 * and the issue 6 note.
 */
#include "engine/eng.h"

void ctk_engine_packets(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n,
			struct ctk_verdict *v)
{
	/*
	 * The prefetching pipeline (commit aa33272, docs/wip) is off until a
	 * hang seen in its random equivalence test is understood: the batch
	 * API runs the one-packet path, identical by construction.
	 */
	for (unsigned int i = 0; i < n; i++)
		ctk_engine_packet(eng, pkts[i].l3, pkts[i].len, pkts[i].now_ns, &v[i]);
}
