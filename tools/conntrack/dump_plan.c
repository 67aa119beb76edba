// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * How a filtered dump is asked of the kernel.
 *
 * The reference sends the family, the mark and (for -L) the status with
 * its dump; everything else it filters after copying each entry out of
 * the kernel. ctkit also sends what newer kernels can compare themselves:
 * tuple fields (CTA_FILTER, Linux 5.8) and the zone (Linux 6.8). The
 * kernel refuses a tuple filter without a family, so a dump for both
 * families becomes one dump per family. A kernel that rejects these extra
 * attributes (EINVAL, EOPNOTSUPP) gets the reference's request instead.
 * Every entry still passes ctk_filter_match(), so what the kernel
 * applied is an optimisation, never a change of meaning.
 *
 * CTKIT_KERNEL_FILTER=0 in the environment turns the extra attributes
 * off (tests compare both ways); --debug says what went where.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ctkit/names.h>

#include "run.h"

#define BIT(x) (UINT64_C(1) << (x))

/* The parts only ctkit sends; the reference's own (family, mark, status) stay. */
static const uint64_t extra_fields =
	BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_ORIG_DST) | BIT(CTK_F_REPLY_SRC) | BIT(CTK_F_REPLY_DST) |
	BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ORIG_DPORT) |
	BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT) | BIT(CTK_F_ICMP_TYPE) |
	BIT(CTK_F_ICMP_CODE) | BIT(CTK_F_ICMP_ID) | BIT(CTK_F_ZONE);

static const char *const field_names[CTK_F_MAX] = {
	[CTK_F_FAMILY] = "family", [CTK_F_ORIG_SRC] = "orig-src", [CTK_F_ORIG_DST] = "orig-dst",
	[CTK_F_REPLY_SRC] = "reply-src", [CTK_F_REPLY_DST] = "reply-dst",
	[CTK_F_L4PROTO] = "protocol", [CTK_F_ORIG_SPORT] = "orig-sport",
	[CTK_F_ORIG_DPORT] = "orig-dport", [CTK_F_REPLY_SPORT] = "reply-sport",
	[CTK_F_REPLY_DPORT] = "reply-dport", [CTK_F_ICMP_TYPE] = "icmp-type",
	[CTK_F_ICMP_CODE] = "icmp-code", [CTK_F_ICMP_ID] = "icmp-id",
	[CTK_F_TCP_STATE] = "tcp-state", [CTK_F_SCTP_STATE] = "sctp-state",
	[CTK_F_DCCP_STATE] = "dccp-state", [CTK_F_STATUS] = "status", [CTK_F_MARK] = "mark",
	[CTK_F_SECMARK] = "secmark", [CTK_F_ZONE] = "zone", [CTK_F_ORIG_ZONE] = "orig-zone",
	[CTK_F_REPLY_ZONE] = "reply-zone", [CTK_F_ID] = "id", [CTK_F_TIMEOUT] = "timeout",
	[CTK_F_LABELS] = "labels", [CTK_F_SNAT] = "src-nat", [CTK_F_DNAT] = "dst-nat",
	[CTK_F_ANYNAT] = "any-nat",
};

static bool extra_filters_enabled(void)
{
	const char *v = getenv("CTKIT_KERNEL_FILTER");

	return !v || strcmp(v, "0") != 0;
}

void ct_debug_fields(const char *what, uint64_t fields)
{
	fprintf(stderr, "ctkit: %s:", what);
	if (!fields)
		fputs(" nothing", stderr);
	for (int i = 0; i < CTK_F_MAX; i++)
		if (fields & BIT(i))
			fprintf(stderr, " %s", field_names[i]);
	fputc('\n', stderr);
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

/* One dump of @family with the extra filter; falls back when the kernel refuses it. */
static int dump_one(struct ct_run *run, struct ctk_dump_opts o, const struct ctk_filter *f,
		    ctk_entry_cb cb, void *data)
{
	static const struct ctk_kernel_caps caps = { .mark = true, .status = true,
						     .zone = true, .tuple = true };
	struct ctk_filter kf = *f;
	struct counted c = { .cb = cb, .data = data };
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
	if (run->cli->debug)
		ct_debug_fields("kernel filter", base_fields(&o) | extra);
	ret = ctk_nl_dump(run->nl, &o, count_cb, &c);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && extra && c.seen == 0) {
		if (run->cli->debug)
			fprintf(stderr, "ctkit: kernel refused the extra filter (%s), retrying\n",
				strerror(-ret));
		o.has_zone = false;
		o.filter = NULL;
		o.filter_fields = 0;
		ret = ctk_nl_dump(run->nl, &o, cb, data);
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

int ct_dump_filtered(struct ct_run *run, const struct ctk_dump_opts *opts,
		     const struct ctk_filter *f, ctk_entry_cb cb, void *data)
{
	static const struct ctk_kernel_caps caps = { .tuple = true };
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct ctk_dump_opts planned = *opts;
	const struct ctk_dump_opts *base = &planned;
	bool split;
	int ret = 0;

	planned.read_ahead = core_to_spare();
	if (run->cli->debug)
		ct_debug_fields("userspace filter", f->has);
	if (!extra_filters_enabled() || base->table != CTK_TABLE_CONNTRACK || base->zero) {
		if (run->cli->debug)
			ct_debug_fields("kernel filter", base_fields(base));
		return ctk_nl_dump(run->nl, base, cb, data);
	}
	/* Tuple fields need a family: dump each family on its own. */
	split = base->family == AF_UNSPEC && (ctk_filter_kernel_fields(f, &caps) & extra_fields);
	if (!split)
		return dump_one(run, *base, f, cb, data);
	for (size_t i = 0; i < sizeof(families) && ret == 0; i++) {
		struct ctk_dump_opts o = *base;

		o.family = families[i];
		ret = dump_one(run, o, f, cb, data);
	}
	return ret;
}
