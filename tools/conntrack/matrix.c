// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The command x option legality matrix of conntrack 1.4.7, as a table, and
 * the check that walks it (the reference's generic_opt_check). Protocol
 * extensions reuse the same check with their own rows (proto_opts.c).
 */
#include <stddef.h>

#include "parse_priv.h"

/* Option names in messages, in column order (enum ct_opt). */
static const char *const opt_names[CT_OPT_MAX] = {
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout",
	"status", "zero", "event-mask", "tuple-src", "tuple-dst", "mask-src",
	"mask-dst", "nat-range", "mark", "id", "family", "src-nat", "dst-nat",
	"output", "secmark", "buffer-size", "any-nat", "zone", "label",
	"label-add", "label-del", "orig-zone", "reply-zone",
};

/*
 *                   s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( )
 */
static const uint8_t matrix[CT_ROW_MAX][CT_OPT_MAX] = {
	[CT_ROW_LIST]       = {2,2,2,2,2,0,2,2,0,0,0,2,2,0,2,0,2,2,2,2,2,0,2,2,2,0,0,2,2},
	[CT_ROW_CREATE]     = {3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2},
	[CT_ROW_UPDATE]     = {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,0,2,2,2,0,0},
	[CT_ROW_DELETE]     = {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,2,2,0,0,2,2},
	[CT_ROW_GET]        = {3,3,3,3,1,0,0,0,0,0,0,0,0,0,0,2,0,0,0,2,0,0,0,0,2,0,0,0,0},
	[CT_ROW_FLUSH]      = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EVENT]      = {2,2,2,2,2,0,0,0,2,0,0,2,2,0,2,0,2,2,2,2,2,2,2,2,2,0,0,2,2},
	[CT_ROW_VERSION]    = {0},
	[CT_ROW_HELP]       = {0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EXP_LIST]   = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,2,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,2,2,1,1,2,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EXP_DELETE] = {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CT_ROW_EXP_FLUSH]  = {0},
	[CT_ROW_EXP_EVENT]  = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0},
	[CT_ROW_COUNT]      = {0},
	[CT_ROW_EXP_COUNT]  = {0},
	[CT_ROW_STATS]      = {0},
	[CT_ROW_EXP_STATS]  = {0},
	[CT_ROW_ADD]        = {3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2},
	/*
	 * No command: the reference indexes one row past its table and reads
	 * whatever follows; observed, that accepts only --reply-zone.
	 */
	[CT_ROW_NONE]       = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2},
};

static const uint32_t addr_pairs[2] = {
	OPTBIT(CT_OPT_ORIG_SRC) | OPTBIT(CT_OPT_ORIG_DST),
	OPTBIT(CT_OPT_REPL_SRC) | OPTBIT(CT_OPT_REPL_DST),
};

static const char *const addr_pair_msg[2] = {
	"you have to specify `--src' and `--dst'",
	"you have to specify `--reply-src' and `--reply-dst'",
};

const char *ct_opt_name(enum ct_opt opt)
{
	return opt < CT_OPT_MAX ? opt_names[opt] : "unknown";
}

/*
 * Walk one row: a missing compulsory or a present illegal option fails at
 * the first column in order. Then, if the row has a pair rule, one pair
 * must be complete; otherwise the message names the first pair partly
 * given (or the first pair when none is).
 */
int ct_check_opts(struct ct_parse *ps, uint32_t opts, unsigned int ncols,
		  const uint8_t *row, const char *const *names,
		  const uint32_t *pairs, const char *const *pair_msg)
{
	bool pair_rule = false;
	int partial = -1;

	for (unsigned int i = 0; i < ncols; i++) {
		bool given = opts & OPTBIT(i);

		if (!given && row[i] == CT_NEEDED)
			return ct_fail(ps, 2, "You need to supply the `--%s' option for this command",
				       names[i]);
		if (given && row[i] == CT_ILLEGAL)
			return ct_fail(ps, 2, "Illegal option `--%s' with this command", names[i]);
		if (row[i] == CT_PAIR)
			pair_rule = true;
	}
	if (!pair_rule || !pairs)
		return 0;

	for (int i = 0; i < 2; i++) {
		if ((opts & pairs[i]) == pairs[i])
			return 0;
		if ((opts & pairs[i]) && partial < 0)
			partial = i;
	}
	return ct_fail(ps, 2, "%s", pair_msg[partial == 1 ? 1 : 0]);
}

int ct_matrix_check(struct ct_parse *ps)
{
	return ct_check_opts(ps, ps->options, CT_OPT_MAX, matrix[ps->row], opt_names,
			     addr_pairs, addr_pair_msg);
}
