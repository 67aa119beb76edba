// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Planned dumps: how a filtered dump is asked of the kernel.
 *
 * conntrack 1.4.7 sends the family, the mark and (for -L) the status with
 * its dump; everything else it filters after copying each entry out of
 * the kernel. A planned dump also sends what newer kernels can compare
 * themselves: tuple fields (CTA_FILTER, Linux 5.8) and the zone (Linux
 * 6.8). The kernel refuses a tuple filter without a family, so a dump for
 * both families becomes one dump per family. A kernel that rejects these
 * extra attributes (EINVAL, EOPNOTSUPP) before sending any entry gets the
 * plain request instead. The caller's callback still sees only what the
 * kernel let through and must apply the whole filter (ctk_filter_match):
 * what the kernel applied is an optimisation, never a change of meaning.
 */
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <ctkit/filter.h>
#include "netlink/session.h"

#define BIT(x) (UINT64_C(1) << (x))

/* The parts only a planned dump sends; the reference's own (family, mark, status) stay. */
static const uint64_t extra_fields =
	BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_ORIG_DST) | BIT(CTK_F_REPLY_SRC) | BIT(CTK_F_REPLY_DST) |
	BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ORIG_DPORT) |
	BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT) | BIT(CTK_F_ICMP_TYPE) |
	BIT(CTK_F_ICMP_CODE) | BIT(CTK_F_ICMP_ID) | BIT(CTK_F_ZONE);

static void trace(const struct ctk_dump_plan *plan, enum ctk_plan_event what, uint64_t fields,
		  int err)
{
	if (plan->trace)
		plan->trace(what, fields, err, plan->trace_data);
}

static uint64_t base_fields(const struct ctk_dump_opts *o)
{
	return (o->family != AF_UNSPEC ? BIT(CTK_F_FAMILY) : 0) |
	       (o->has_mark ? BIT(CTK_F_MARK) : 0) | (o->has_status ? BIT(CTK_F_STATUS) : 0);
}

struct counted {
	ctk_entry_cb cb;
	void *data;
	unsigned long seen;
};

static int count_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct counted *c = data;

	c->seen++;
	return c->cb(e, ev, c->data);
}

/* One dump of @o's family with the extra filter; the plain one when the kernel refuses it. */
static int dump_one(struct ctk_nl *nl, struct ctk_dump_opts o, const struct ctk_filter *f,
		    const struct ctk_dump_plan *plan, ctk_entry_cb cb, void *data)
{
	static const struct ctk_kernel_caps caps = {
		.mark = true, .status = true, .zone = true, .tuple = true};
	struct ctk_filter kf = *f;
	struct counted c = {.cb = cb, .data = data};
	uint64_t extra;
	int ret;

	if (o.family != AF_UNSPEC) {
		kf.family = o.family;
		kf.has |= BIT(CTK_F_FAMILY);
	}
	extra = ctk_filter_kernel_fields(&kf, &caps) & extra_fields;
	if (o.family == AF_UNSPEC)
		extra &= BIT(CTK_F_ZONE);
	if (extra & BIT(CTK_F_ZONE)) {
		o.has_zone = true;
		o.zone = kf.zone;
	}
	o.filter = &kf;
	o.filter_fields = extra & ~BIT(CTK_F_ZONE);
	trace(plan, CTK_PLAN_KERNEL, base_fields(&o) | extra, 0);
	ret = ctk_nl_dump(nl, &o, count_cb, &c);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && extra && c.seen == 0) {
		trace(plan, CTK_PLAN_FALLBACK, extra, ret);
		o.has_zone = false;
		o.filter = NULL;
		o.filter_fields = 0;
		ret = ctk_nl_dump(nl, &o, cb, data);
	}
	return ret;
}

/*
 * The kernel's part of a dump (building it inside recvmsg()) and ours
 * (decode, filter, format or queue changes) overlap on two cores: with
 * a core to spare, receive on a second thread. 1 M entries: -L 5.0 ->
 * 4.5 s, -D -p udp 2.4 -> 2.0 s.
 */
static bool core_to_spare(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

int ctk_nl_dump_planned(struct ctk_nl *nl, const struct ctk_dump_opts *opts,
			const struct ctk_filter *f, const struct ctk_dump_plan *plan,
			ctk_entry_cb cb, void *data)
{
	static const struct ctk_kernel_caps caps = {.tuple = true};
	static const uint8_t families[] = {AF_INET, AF_INET6};
	static const struct ctk_dump_plan no_plan;
	struct ctk_dump_opts base = *opts;
	int ret = 0;

	if (!plan)
		plan = &no_plan;
	if (plan->flags & CTK_PLAN_READ_AHEAD)
		base.read_ahead = core_to_spare();
	trace(plan, CTK_PLAN_USERSPACE, f->has, 0);
	if ((plan->flags & CTK_PLAN_BASIC) || base.table != CTK_TABLE_CONNTRACK || base.zero) {
		trace(plan, CTK_PLAN_KERNEL, base_fields(&base), 0);
		return ctk_nl_dump(nl, &base, cb, data);
	}
	/* Tuple fields need a family: dump each family on its own. */
	if (base.family != AF_UNSPEC || !(ctk_filter_kernel_fields(f, &caps) & extra_fields))
		return dump_one(nl, base, f, plan, cb, data);
	for (size_t i = 0; i < sizeof(families) && ret == 0; i++) {
		base.family = families[i];
		ret = dump_one(nl, base, f, plan, cb, data);
	}
	return ret;
}
