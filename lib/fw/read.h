/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ruleset reader's shared state (lib/fw/read*.c, render.c, free.c):
 * what one parse carries from file to file. Nothing here is exported.
 */
#ifndef CTK_FW_READ_H
#define CTK_FW_READ_H

#include <jansson.h>
#include "fw/ir.h"

/*
 * How a value of a key is written in the JSON and stored in the IR: the
 * key's type decides whether "ftp" is a helper name and 21 a port.
 */
enum fw_vtype {
	FW_VT_INT,
	FW_VT_HEX, /* marks: printed 0x%08x by nft */
	FW_VT_ADDR4,
	FW_VT_ADDR6,
	FW_VT_L4PROTO,
	FW_VT_NFPROTO,
	FW_VT_ETHERTYPE,
	FW_VT_PKTTYPE,
	FW_VT_IFNAME,  /* a quoted string, NUL padded */
	FW_VT_STRING,  /* ct helper names, quoted too */
	FW_VT_CTSTATE, /* the flag types: lists OR their bits */
	FW_VT_CTSTATUS,
	FW_VT_TCPFLAGS,
	FW_VT_CTDIR,
	FW_VT_ICMPTYPE,
	FW_VT_ICMP6TYPE,
	FW_VT_ICMPCODE,
	FW_VT_ICMP6CODE,
	FW_VT_DSCP,
	FW_VT_TIME, /* seconds, printed as 1m30s */
	FW_VT_RAW,  /* raw payload "@th,64,16": printed 0x%x */
	FW_VT_ECN,
	FW_VT_UNKNOWN, /* a set declared "integer": length from its use */
};

/* The type of a key or a map's data, one entry per concatenated component. */
struct fw_vdesc {
	uint8_t n;
	uint8_t vt[FW_CONCAT_MAX];
	uint8_t len[FW_CONCAT_MAX];
};

/* A named set waiting for the first rule that tells its key's type. */
struct fw_pending_set {
	json_t *json;
	bool done;
};

struct fw_rd {
	struct ctk_ruleset *rs;
	char *err;	 /* CTK_RULESET_ERR_MAX bytes */
	char where[256]; /* "table inet filter, chain input, rule handle 7" */
	struct fw_table *table;
	struct fw_pending_set **pending; /* per table, per named set */
	uint32_t table_idx;
};

/* Fills rd->err with "WHERE: message"; returns -EINVAL. */
int fw_err(struct fw_rd *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The "not supported by the offline firewall" error for @what. */
int fw_unsupported(struct fw_rd *rd, const char *what);

/* read_key.c */
int fw_read_key(struct fw_rd *rd, json_t *j, struct fw_key *k);
void fw_key_vdesc(const struct fw_key *k, struct fw_vdesc *d);
void fw_key_release(struct fw_key *k);
bool fw_vt_is_flags(uint8_t vt);

/* read_value.c */
int fw_read_scalar(struct fw_rd *rd, json_t *j, uint8_t vt, uint8_t len, uint8_t *out);
int fw_read_range(struct fw_rd *rd, json_t *j, const struct fw_vdesc *d, struct fw_value *lo,
		  struct fw_value *hi);
int fw_read_const(struct fw_rd *rd, json_t *j, const struct fw_vdesc *d, struct fw_value *v);
int fw_type_vdesc(struct fw_rd *rd, json_t *type, struct fw_vdesc *d);

/* read_set.c */
struct fw_set *fw_read_anon_set(struct fw_rd *rd, json_t *elems, const struct fw_vdesc *key,
				const struct fw_vdesc *data, bool vmap);
struct fw_set *fw_named_set(struct fw_rd *rd, const char *name, const struct fw_vdesc *key,
			    const struct fw_vdesc *data, bool vmap);
int fw_set_compile(struct fw_rd *rd, struct fw_set *s, json_t *elems, const struct fw_vdesc *key,
		   const struct fw_vdesc *data, bool vmap);
int fw_finish_sets(struct fw_rd *rd);

/* read_verdict.c */
int fw_read_verdict(struct fw_rd *rd, json_t *j, struct fw_verdict_ref *v);
bool fw_is_verdict(json_t *j);

/* read_expr.c, read_stmt.c, read_nat.c */
int fw_read_rule_exprs(struct fw_rd *rd, json_t *exprs, struct fw_rule *r);
int fw_read_match(struct fw_rd *rd, json_t *m, struct fw_expr *e);
int fw_read_vmap(struct fw_rd *rd, json_t *m, struct fw_expr *e);
int fw_read_src(struct fw_rd *rd, json_t *j, const struct fw_vdesc *target, struct fw_src *s);
int fw_read_mangle(struct fw_rd *rd, json_t *m, struct fw_expr *e);
int fw_read_nat(struct fw_rd *rd, const char *kind, json_t *m, struct fw_expr *e);

/* render.c: the rule as `nft list ruleset` prints it, malloc'd; NULL on error. */
char *fw_render_rule(struct fw_rd *rd, json_t *rule);

/* free.c */
void fw_set_free(struct fw_set *s);
void fw_expr_release(struct fw_expr *e);

#endif
