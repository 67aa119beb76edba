/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit expectation model: one entry of the kernel's expectation table.
 *
 * A helper (ftp, sip, ...) that sees a control connection announces the
 * connection it expects next: packets matching @expected under @mask
 * become a RELATED entry whose master is @master. Like struct ctk_entry,
 * every field has a presence bit (enum ctk_expect_attr) in @present: a clear
 * bit means the kernel did not send that attribute (or the caller does not
 * want it sent), which differs from present-and-zero.
 *
 * Byte order as in entry.h: addresses in network order, numbers in host
 * order. The mask tuple's ports are masks (65535: must match exactly).
 */
#ifndef CTKIT_EXPECT_H
#define CTKIT_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Expectation flags (CTA_EXPECT_FLAGS), as NF_CT_EXPECT_* of the kernel. */
#define CTK_EXPECT_F_PERMANENT 0x1		/* survives its first match */
#define CTK_EXPECT_F_INACTIVE 0x2		/* not matched yet (waits for activation) */
#define CTK_EXPECT_F_USERSPACE 0x4		/* created through ctnetlink */

#define CTK_EXPECT_FN_MAX 32		/* expectfn name, NUL included */

enum ctk_expect_attr {
	CTK_EXPECT_ATTR_MASTER,		/* master tuple (CTA_EXPECT_MASTER) */
	CTK_EXPECT_ATTR_EXPECTED,		/* expected tuple (CTA_EXPECT_TUPLE) */
	CTK_EXPECT_ATTR_MASK,		/* mask tuple (CTA_EXPECT_MASK) */
	CTK_EXPECT_ATTR_TIMEOUT,
	CTK_EXPECT_ATTR_ID,
	CTK_EXPECT_ATTR_ZONE,
	CTK_EXPECT_ATTR_FLAGS,
	CTK_EXPECT_ATTR_CLASS,
	CTK_EXPECT_ATTR_HELPER_NAME,
	CTK_EXPECT_ATTR_NAT_DIR,		/* CTA_EXPECT_NAT: sent only with NAT_TUPLE */
	CTK_EXPECT_ATTR_NAT_TUPLE,
	CTK_EXPECT_ATTR_FN,
	CTK_EXPECT_ATTR_MAX
};

/*
 * struct ctk_expect - an expectation, or a template for a request.
 * Fields are valid only when their CTK_EXPECT_ATTR_* bit is set in @present.
 */
struct ctk_expect {
	uint32_t present;

	struct ctk_tuple master;
	struct ctk_tuple expected;
	struct ctk_tuple mask;
	struct ctk_tuple nat_tuple;	/* the address/port the expected side is NATed to */

	uint32_t timeout;		/* seconds */
	uint32_t id;
	uint32_t flags;			/* CTK_EXPECT_F_* */
	uint32_t exp_class;		/* helper-defined class (named so for C++) */
	uint32_t nat_dir;		/* CTK_DIR_ORIG or CTK_DIR_REPLY */
	uint16_t zone;

	char helper_name[CTK_HELPER_NAME_MAX];
	char fn[CTK_EXPECT_FN_MAX];	/* expectfn name, e.g. "nat-follow-master" */

	uint8_t reserved[32];		/* for later attributes: see struct ctk_entry */
};

/* Presence bits, as for entries (ctk_entry_has). Never fail. */
static inline bool ctk_expect_has(const struct ctk_expect *x, enum ctk_expect_attr a)
{
	return (x->present >> a) & 1;
}

static inline void ctk_expect_set(struct ctk_expect *x, enum ctk_expect_attr a)
{
	x->present |= UINT32_C(1) << a;
}

static inline void ctk_expect_unset(struct ctk_expect *x, enum ctk_expect_attr a)
{
	x->present &= ~(UINT32_C(1) << a);
}

/* ctk_expect_clear - make every attribute absent (only the mask). */
static inline void ctk_expect_clear(struct ctk_expect *x)
{
	x->present = 0;
}

/* The address family a request about @x travels with: the master's, else the expected tuple's. */
static inline uint8_t ctk_expect_family(const struct ctk_expect *x)
{
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_MASTER))
		return x->master.l3num;
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_EXPECTED))
		return x->expected.l3num;
	return 0;	/* AF_UNSPEC */
}

#ifdef __cplusplus
}
#endif
#endif
