/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the command-line parser files (parse*.c, matrix.c,
 * proto_opts.c, loadfile.c, help.c). Not used outside the parser.
 *
 * The parser keeps the reference's own bookkeeping: a command "row" (its
 * bit index in the legality matrix), the option bits of enum ct_opt, the
 * protocol extension's flag bits, and which template attributes were set,
 * because the reference's filter compares exactly the attributes set.
 */
#ifndef CT_PARSE_PRIV_H
#define CT_PARSE_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/* Rows of the legality matrix, in the reference's command bit order. */
enum ct_row {
	CT_ROW_LIST,
	CT_ROW_CREATE,
	CT_ROW_UPDATE,
	CT_ROW_DELETE,
	CT_ROW_GET,
	CT_ROW_FLUSH,
	CT_ROW_EVENT,
	CT_ROW_VERSION,
	CT_ROW_HELP,
	CT_ROW_EXP_LIST,
	CT_ROW_EXP_CREATE,
	CT_ROW_EXP_DELETE,
	CT_ROW_EXP_GET,
	CT_ROW_EXP_FLUSH,
	CT_ROW_EXP_EVENT,
	CT_ROW_COUNT,
	CT_ROW_EXP_COUNT,
	CT_ROW_STATS,
	CT_ROW_EXP_STATS,
	CT_ROW_ADD,
	CT_ROW_NONE,		/* no command given */
	CT_ROW_MAX
};

/* Legality values. */
enum {
	CT_ILLEGAL = 0,
	CT_NEEDED = 1,
	CT_OPTIONAL = 2,
	CT_PAIR = 3,		/* one of the coupled pairs must be complete */
};

#define OPTBIT(o) (1u << (o))

/* What a protocol option does (one per column of its matrix). */
enum ct_proto_action {
	PA_ORIG_SPORT,
	PA_ORIG_DPORT,
	PA_REPL_SPORT,
	PA_REPL_DPORT,
	PA_MASK_SPORT,
	PA_MASK_DPORT,
	PA_STATE,
	PA_EXP_SPORT,
	PA_EXP_DPORT,
	PA_VTAG_ORIG,
	PA_VTAG_REPL,
	PA_ROLE,
	PA_ICMP_TYPE,
	PA_ICMP_CODE,
	PA_ICMP_ID,
};

#define CT_PROTO_COLS 16

struct ct_proto_col {
	int code;			/* the reference's getopt value for the option */
	enum ct_proto_action action;
	const char *name;		/* name in legality messages */
};

struct ct_proto_longopt {
	const char *name;
	int code;
};

/* Which state table --state uses. */
enum ct_state_kind {
	CT_STATES_NONE,
	CT_STATES_TCP,
	CT_STATES_SCTP,
	CT_STATES_DCCP,
};

/* One protocol extension, as data. */
struct ct_proto {
	const char *name;
	uint8_t num;
	const struct ct_proto_longopt *longopts;	/* NULL-name terminated */
	const struct ct_proto_col *cols;	/* one per option, in column order */
	unsigned int ndef;			/* entries in cols */
	unsigned int ncols;			/* columns the reference checks */
	/* rows CT_ROW_LIST..CT_ROW_EXP_EVENT; the others are all illegal */
	const uint8_t (*rows)[CT_PROTO_COLS];
	const char *pair_msg[2];	/* NULL: the protocol has no coupled pairs */
	bool keys_strtoul;		/* GRE keys: strtoul(,0); ports: atoi */
	enum ct_state_kind states;
	bool tcp_flags;			/* final check sets the TCP liberal flags */
	const char *const *help;	/* our own help lines */
};

/* Every extension; the last one ("unknown") handles other numbers. */
extern const struct ct_proto ct_proto_unknown;
const struct ct_proto *ct_proto_by_name(const char *name);
const struct ct_proto *ct_proto_by_num(uint8_t num);

/* Template attributes, as the reference sets them on its ct object. */
enum ct_tattr {
	T_ORIG_SRC, T_ORIG_DST, T_REPL_SRC, T_REPL_DST,
	T_ORIG_L3, T_REPL_L3, T_ORIG_L4, T_REPL_L4,
	T_ORIG_SPORT, T_ORIG_DPORT, T_REPL_SPORT, T_REPL_DPORT,
	T_ICMP_TYPE, T_ICMP_CODE, T_ICMP_ID,
	T_TCP_STATE, T_SCTP_STATE, T_DCCP_STATE, T_DCCP_ROLE,
	T_VTAG_ORIG, T_VTAG_REPL,
	T_STATUS, T_TIMEOUT, T_ZONE, T_ORIG_ZONE, T_REPL_ZONE, T_ID, T_SECMARK,
	T_SNAT_IP, T_SNAT_PORT, T_DNAT_IP, T_DNAT_PORT,
	/* the "mask" object: CIDR/--mask-* addresses, mask ports */
	T_MASK_SRC, T_MASK_DST, T_MASK_SPORT, T_MASK_DPORT,
	/* the expectation tuple */
	T_EXP_SRC, T_EXP_DST, T_EXP_SPORT, T_EXP_DPORT, T_EXP_L4,
};

#define TBIT(t) (UINT64_C(1) << (t))

/* Label map shared by every line of a -R file, as the reference's global. */
struct ct_labelctx {
	struct ctk_labelmap *map;
};

struct ct_parse {
	struct ct_cli *cli;
	struct ct_error *err;
	int argc;
	char **argv;

	enum ct_row row;
	bool have_cmd;
	uint32_t options;		/* bit per enum ct_opt */
	uint32_t l4flags;		/* bit per protocol column */
	const struct ct_proto *proto;	/* the last -p */
	int family;
	uint64_t tset;			/* bit per enum ct_tattr */

	uint32_t status;		/* -u values */
	uint32_t status_kmask;		/* -u kernel mask (negations, UNREPLIED) */
	unsigned int output_mask;	/* CT_O_* */
	unsigned int event_mask;

	uint32_t label_filter[CTK_LABEL_WORDS];	/* -l names */
	uint32_t label_modify[CTK_LABEL_WORDS];	/* --label-add / --label-del names */
	bool label_names_given;			/* --label-del had names */
	struct ct_labelctx *labelctx;
};

/* -o words, as bits. */
enum {
	CT_O_XML = 1 << 0,
	CT_O_EXT = 1 << 1,
	CT_O_TMS = 1 << 2,
	CT_O_ID = 1 << 3,
	CT_O_KTMS = 1 << 4,
	CT_O_CL = 1 << 5,
	CT_O_SAVE = 1 << 6,
	CT_O_JSON = 1 << 7,	/* ctkit only */
};

/* parse.c */
int ct_fail(struct ct_parse *ps, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ct_warn(struct ct_parse *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ct_parse_args_shared(int argc, char **argv, struct ct_cli *cli,
			 struct ct_error *err, struct ct_labelctx *labelctx);
/* The reference's name for a command in -R errors ("-L", "-C expect", ...). */
const char *ct_cmd_file_name(const struct ct_cli *cli);

/* parse_addr.c: -s/-d/-r/-q, tuple and mask addresses, NAT arguments. */
int ct_parse_addr_opt(struct ct_parse *ps, int opt, const char *arg);
int ct_parse_nat_opt(struct ct_parse *ps, int opt, const char *arg);

/* parse_words.c: comma lists of -u, -e, -o and labels. */
int ct_parse_status(struct ct_parse *ps, const char *arg);
int ct_parse_events(struct ct_parse *ps, const char *arg);
int ct_parse_output(struct ct_parse *ps, const char *arg);
void ct_labelmap_need(struct ct_parse *ps);
int ct_parse_label_names(struct ct_parse *ps, const char *names, bool modify);

/* parse_values.c: the reference's unchecked numbers. */
uint32_t ct_atou32(const char *s);		/* (uint32_t)atoi */
uint32_t ct_strtou32(const char *s);		/* (uint32_t)strtoul(s, NULL, 0) */
uint32_t ct_atol32(const char *s);		/* (uint32_t)atol */
void ct_parse_mark(const char *arg, uint32_t *value, uint32_t *mask);

/* proto_opts.c */
int ct_proto_parse(struct ct_parse *ps, int code, const char *arg);
int ct_proto_final_check(struct ct_parse *ps);
/* Help lines of @p; *extra gets the protocol's own lines after a shared block. */
const char *const *ct_proto_help(const struct ct_proto *p, const char *const **extra);

/* matrix.c */
int ct_matrix_check(struct ct_parse *ps);
const char *ct_opt_name(enum ct_opt opt);
int ct_check_opts(struct ct_parse *ps, uint32_t opts, unsigned int ncols,
		  const uint8_t *row, const char *const *names,
		  const uint32_t *pairs, const char *const *pair_msg);

/* parse_filter.c: the filter and template from what was set. */
void ct_build_filter(struct ct_parse *ps);

#endif
