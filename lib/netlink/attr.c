// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Policy-driven attribute walk (see attr.h).
 *
 * The checks are libmnl's (mnl_attr_ok, mnl_attr_validate) written inline:
 * a dump decodes some thirty attributes per entry, and out-of-line calls
 * into libmnl for each cost about a tenth of a whole dump (measured with
 * bench/rawdump -s). Unlike libmnl's iterators, which stop quietly at the
 * first attribute that does not fit, the walk also looks at where it
 * stopped: a short tail means a truncated message.
 */
#include <errno.h>
#include <string.h>
#include "netlink/attr.h"

/* Exact payload sizes of the fixed-size types, as mnl_attr_validate. */
static const uint8_t fixed_len[MNL_TYPE_MAX] = {
	[MNL_TYPE_U8] = sizeof(uint8_t),
	[MNL_TYPE_U16] = sizeof(uint16_t),
	[MNL_TYPE_U32] = sizeof(uint32_t),
	[MNL_TYPE_U64] = sizeof(uint64_t),
};

static inline bool valid(const struct nlattr *attr, const struct attr_policy *p)
{
	uint16_t len = attr->nla_len - MNL_ATTR_HDRLEN;

	switch (p->type) {
	case MNL_TYPE_NESTED:
		return len == 0 || len >= MNL_ATTR_HDRLEN;
	case MNL_TYPE_STRING:
		return len > 0;
	case MNL_TYPE_BINARY:
		return !p->len || len == p->len;
	default:
		return len == fixed_len[p->type];
	}
}

static inline bool fits(const struct nlattr *attr, long left)
{
	return left >= (long)sizeof(*attr) && attr->nla_len >= sizeof(*attr) &&
	       attr->nla_len <= left;
}

int ctknl_walk(const void *payload, int len, const struct attr_policy *policy, uint16_t max,
	       attr_handler fn, void *data)
{
	const char *end = (const char *)payload + len;
	const struct nlattr *attr = payload;
	int ret;

	while (fits(attr, end - (const char *)attr)) {
		uint16_t type = attr->nla_type & NLA_TYPE_MASK;

		if (type <= max && policy[type].type != MNL_TYPE_UNSPEC) {
			if (!valid(attr, &policy[type]))
				return -EBADMSG;
			ret = fn(attr, type, data);
			if (ret < 0)
				return ret;
		}
		attr = (const struct nlattr *)((const char *)attr + MNL_ALIGN(attr->nla_len));
	}
	/* Stopped early: what is left cannot be a whole attribute. */
	if (end - (const char *)attr > 0)
		return -EBADMSG;
	return 0;
}

int ctknl_walk_nested(const struct nlattr *nest, const struct attr_policy *policy, uint16_t max,
		      attr_handler fn, void *data)
{
	return ctknl_walk((const char *)nest + MNL_ATTR_HDRLEN, nest->nla_len - MNL_ATTR_HDRLEN,
			  policy, max, fn, data);
}

void ctknl_get_string(const struct nlattr *attr, char *dst, size_t size)
{
	size_t len = mnl_attr_get_payload_len(attr);
	const char *src = mnl_attr_get_payload(attr);
	const char *nul = memchr(src, '\0', len);

	if (nul)
		len = nul - src;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}
