// SPDX-License-Identifier: LGPL-2.1-or-later
/* Events per second between refreshes (see rates.h). */
#include <string.h>

#include "rates.h"

void top_rates_count(struct top_rates *r, enum ctk_event ev)
{
	switch (ev) {
	case CTK_EV_NEW:
		r->total[TOP_EV_NEW]++;
		break;
	case CTK_EV_UPDATE:
		r->total[TOP_EV_UPDATE]++;
		break;
	case CTK_EV_DESTROY:
		r->total[TOP_EV_DESTROY]++;
		break;
	default:
		break;
	}
}

void top_rates_sample(struct top_rates *r, uint64_t mono_ns)
{
	if (r->base_ns && mono_ns > r->base_ns) {
		double seconds = (double)(mono_ns - r->base_ns) / 1e9;

		for (unsigned int i = 0; i < TOP_EV_MAX; i++)
			r->per_sec[i] = (double)(r->total[i] - r->base[i]) / seconds;
		r->known = true;
	}
	memcpy(r->base, r->total, sizeof(r->base));
	r->base_ns = mono_ns;
}
