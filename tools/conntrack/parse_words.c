// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Comma-separated word lists: -u status flags, -e event groups, -o output
 * words, and label names. Words are case-insensitive prefixes of the
 * known names ("-o x" is xml). As in the reference, every list first
 * tries SRC_NAT and DST_NAT (only warned about), so "-o s" warns rather
 * than selecting save.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ctkit/labels.h>

#include "parse_priv.h"

#define IPS_EXPECTED (1u << 0)
#define IPS_SEEN_REPLY (1u << 1)
#define IPS_ASSURED (1u << 2)
#define IPS_FIXED_TIMEOUT (1u << 10)
#define IPS_OFFLOAD (1u << 14)
#define IPS_HW_OFFLOAD (1u << 15)

struct word {
	const char *name;
	unsigned int value;
};

static const struct word status_words[] = {
	{ "ASSURED", IPS_ASSURED }, { "SEEN_REPLY", IPS_SEEN_REPLY }, { "UNSET", 0 },
	{ "FIXED_TIMEOUT", IPS_FIXED_TIMEOUT }, { "EXPECTED", IPS_EXPECTED },
	{ "OFFLOAD", IPS_OFFLOAD }, { "HW_OFFLOAD", IPS_HW_OFFLOAD }, { NULL, 0 },
};

static const struct word event_words[] = {
	{ "ALL", CT_EVENT_ALL }, { "NEW", CT_EVENT_NEW }, { "UPDATES", CT_EVENT_UPDATE },
	{ "DESTROY", CT_EVENT_DESTROY }, { NULL, 0 },
};

static const struct word output_words[] = {
	{ "xml", CT_O_XML }, { "extended", CT_O_EXT }, { "timestamp", CT_O_TMS },
	{ "id", CT_O_ID }, { "ktimestamp", CT_O_KTMS }, { "labels", CT_O_CL },
	{ "userspace", 0 }, { "save", CT_O_SAVE }, { "json", CT_O_JSON }, { NULL, 0 },
};

/* One word of @len bytes; false if it names nothing. */
static bool match_word(struct ct_parse *ps, const char *s, size_t len,
		       const struct word *words, unsigned int *value)
{
	if (!strncasecmp(s, "SRC_NAT", len)) {
		ct_warn(ps, "WARNING: ignoring SRC_NAT, use --src-nat instead\n");
		return true;
	}
	if (!strncasecmp(s, "DST_NAT", len)) {
		ct_warn(ps, "WARNING: ignoring DST_NAT, use --dst-nat instead\n");
		return true;
	}
	for (const struct word *w = words; w->name; w++) {
		if (!strncasecmp(s, w->name, len)) {
			*value |= w->value;
			return true;
		}
	}
	return false;
}

/* A plain list (-e, -o): the error quotes the list from the bad word on. */
static int parse_list(struct ct_parse *ps, const char *arg, const struct word *words,
		      unsigned int *value)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !match_word(ps, arg, (size_t)(comma - arg), words, value))
			return ct_fail(ps, 2, "Bad parameter `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !match_word(ps, arg, strlen(arg), words, value))
		return ct_fail(ps, 2, "Bad parameter `%s'", arg);
	return 0;
}

/*
 * One -u word: "!FLAG" goes to the mask only (must be unset), UNREPLIED
 * (any word starting so) means "SEEN_REPLY unset".
 */
static int status_word(struct ct_parse *ps, const char *w, size_t len, bool last)
{
	bool negated = *w == '!';
	unsigned int *dst = negated ? &ps->status_kmask : &ps->status;

	if (negated) {
		w++;
		len--;
	}
	if (!last && !len)
		return ct_fail(ps, 2, "Bad parameter `%s'", w);
	if (!negated && !strncmp(w, "UNREPLIED", 9)) {
		ps->status_kmask |= IPS_SEEN_REPLY;
		return 0;
	}
	if (!len || !match_word(ps, w, len, status_words, dst))
		return ct_fail(ps, 2, "Bad parameter `%s'", w);
	return 0;
}

int ct_parse_status(struct ct_parse *ps, const char *arg)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg)
			return ct_fail(ps, 2, "Bad parameter `%s'", arg);
		if (status_word(ps, arg, (size_t)(comma - arg), false) < 0)
			return -1;
		arg = comma + 1;
	}
	return status_word(ps, arg, strlen(arg), true);
}

int ct_parse_events(struct ct_parse *ps, const char *arg)
{
	return parse_list(ps, arg, event_words, &ps->event_mask);
}

int ct_parse_output(struct ct_parse *ps, const char *arg)
{
	const unsigned int others = CT_O_EXT | CT_O_TMS | CT_O_ID | CT_O_KTMS | CT_O_CL | CT_O_XML;

	if (parse_list(ps, arg, output_words, &ps->output_mask) < 0)
		return -1;
	if (ps->output_mask & CT_O_CL)
		ct_labelmap_need(ps);
	if ((ps->output_mask & CT_O_SAVE) && (ps->output_mask & others))
		return ct_fail(ps, 1, "cannot combine save output with any other output type, "
			       "use -o save only");
	/* ctkit's JSON carries every attribute; only xml and save exclude it. */
	if ((ps->output_mask & CT_O_JSON) && (ps->output_mask & (CT_O_XML | CT_O_SAVE)))
		return ct_fail(ps, 1, "cannot combine json output with xml or save output");
	return 0;
}

/* ---- labels ------------------------------------------------------------------ */

static int label_bit(struct ct_parse *ps, const char *name, size_t len, int *bit)
{
	char *buf = strndup(name, len);

	*bit = -1;
	if (!buf)
		return ct_fail(ps, 1, "out of memory");
	*bit = ps->labelctx->map ? ctk_labelmap_bit(ps->labelctx->map, buf) : -1;
	if (*bit < 0 || *bit >= CTK_LABEL_BITS)
		ct_fail(ps, 2, "unknown label '%s'", buf);
	free(buf);
	return *bit < 0 || *bit >= CTK_LABEL_BITS ? -1 : 0;
}

static int add_label_list(struct ct_parse *ps, const char *names, uint32_t *bits)
{
	const char *end;

	for (;;) {
		int bit;

		end = strchr(names, ',');
		if (label_bit(ps, names, end ? (size_t)(end - names) : strlen(names), &bit) < 0)
			return -1;
		bits[bit / 32] |= 1u << (bit % 32);
		if (!end)
			return 0;
		names = end + 1;
	}
}

/*
 * Load the map when an option needs it. The reference retries (and warns
 * again) every time while it has no map; a loaded map is kept, across the
 * lines of a -R file too.
 */
void ct_labelmap_need(struct ct_parse *ps)
{
	struct ct_labelctx *lc = ps->labelctx;

	if (lc->map)
		return;
	lc->map = ctk_labelmap_load(CTK_LABELMAP_DEFAULT_PATH);
	if (!lc->map)
		ct_warn(ps, "nfct_labelmap_new: %s\n", strerror(errno));
}

/* Names of one -l/--label-add/--label-del, resolved at once, in order. */
int ct_parse_label_names(struct ct_parse *ps, const char *names, bool modify)
{
	return add_label_list(ps, names, modify ? ps->label_modify : ps->label_filter);
}
