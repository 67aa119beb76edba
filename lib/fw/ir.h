/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The firewall's ruleset as the evaluator runs it: what `nft -j list
 * ruleset` describes (libnftables-json(5)), compiled once by the reader
 * (lib/fw/read*.c) into flat arrays the evaluator (lib/fw/eval*.c) walks
 * without looking anything up by name.
 *
 * Values are byte strings in network order, so that one memcmp() orders
 * them as numbers: addresses (4 or 16 bytes), ports (2), protocol numbers
 * (1), marks, zones and other host-order integers of nft (stored here
 * big-endian, 4 bytes for marks/status, 2 for zones). A key's length is
 * fixed by what it reads (fw_key_len()), and every value compared with
 * it has that length. Concatenations are the components one after the
 * other, each at its own length (no padding).
 *
 * Ownership: one struct ctk_ruleset owns everything below it (strings and
 * arrays); ctk_ruleset_free() releases it all. Nothing here is modified
 * after the reader returns, so one ruleset may serve several engines.
 * struct ctk_ruleset (below) is what ctkit/ruleset.h hands out opaquely.
 */
#ifndef CTK_FW_IR_H
#define CTK_FW_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/ruleset.h>

#define FW_VALUE_MAX 40		/* longest key: a concatenation (two IPv6 addresses and two ports fit) */
#define FW_CONCAT_MAX 8		/* components of one concatenation */

enum fw_family {
	FW_FAMILY_IP,		/* "ip" */
	FW_FAMILY_IP6,		/* "ip6" */
	FW_FAMILY_INET,		/* "inet" */
	FW_FAMILY_ARP,		/* read, never evaluated (no IP hook) */
	FW_FAMILY_BRIDGE,
	FW_FAMILY_NETDEV,
};

/* The netfilter hooks, in the order a forwarded packet meets them. */
enum fw_hook {
	FW_HOOK_PREROUTING,
	FW_HOOK_INPUT,
	FW_HOOK_FORWARD,
	FW_HOOK_OUTPUT,
	FW_HOOK_POSTROUTING,
	FW_HOOK_INGRESS,	/* netdev only: read, refused at evaluation */
	FW_HOOK_NONE,		/* a regular chain */
};

enum fw_chain_type {
	FW_CHAIN_FILTER,
	FW_CHAIN_NAT,
	FW_CHAIN_ROUTE,
};

/* What a key reads from the packet, its conntrack entry or its metadata. */
enum fw_key_kind {
	FW_KEY_PAYLOAD,		/* a header field: @proto, @field */
	FW_KEY_META,		/* @meta */
	FW_KEY_CT,		/* @ct, of direction @dir for tuple keys */
	FW_KEY_CONCAT,		/* @n components of @sub */
	FW_KEY_RAW,		/* @base, @offset and @len in bits ("@th,16,16") */
};

/* Header fields the payload keys read ("ip saddr", "tcp dport", ...). */
enum fw_proto {
	FW_P_IP,
	FW_P_IP6,
	FW_P_TCP,
	FW_P_UDP,
	FW_P_UDPLITE,
	FW_P_ICMP,
	FW_P_ICMPV6,
	FW_P_SCTP,
	FW_P_TH,		/* "th": the transport header, whatever it is */
};

enum fw_field {
	/* ip */
	FW_F_IP_VERSION, FW_F_IP_HDRLENGTH, FW_F_IP_DSCP, FW_F_IP_ECN, FW_F_IP_LENGTH,
	FW_F_IP_ID, FW_F_IP_FRAG_OFF, FW_F_IP_TTL, FW_F_IP_PROTOCOL, FW_F_IP_CHECKSUM,
	FW_F_IP_SADDR, FW_F_IP_DADDR,
	/* ip6 */
	FW_F_IP6_VERSION, FW_F_IP6_DSCP, FW_F_IP6_ECN, FW_F_IP6_FLOWLABEL, FW_F_IP6_LENGTH,
	FW_F_IP6_NEXTHDR, FW_F_IP6_HOPLIMIT, FW_F_IP6_SADDR, FW_F_IP6_DADDR,
	/* tcp, udp, udplite, sctp, th: the ports */
	FW_F_SPORT, FW_F_DPORT,
	/* tcp */
	FW_F_TCP_SEQUENCE, FW_F_TCP_ACKSEQ, FW_F_TCP_DOFF, FW_F_TCP_FLAGS, FW_F_TCP_WINDOW,
	FW_F_TCP_CHECKSUM, FW_F_TCP_URGPTR,
	/* udp, udplite */
	FW_F_UDP_LENGTH, FW_F_UDP_CHECKSUM,
	/* icmp, icmpv6 */
	FW_F_ICMP_TYPE, FW_F_ICMP_CODE, FW_F_ICMP_CHECKSUM, FW_F_ICMP_ID, FW_F_ICMP_SEQUENCE,
	FW_F_ICMP_GATEWAY, FW_F_ICMP_MTU,
	/* sctp */
	FW_F_SCTP_VTAG, FW_F_SCTP_CHECKSUM,
};

/* "meta KEY" (and the bare "iifname", "l4proto", ... forms). */
enum fw_meta {
	FW_META_L4PROTO,	/* 1 byte */
	FW_META_NFPROTO,	/* 1 byte: NFPROTO_IPV4 2, NFPROTO_IPV6 10 */
	FW_META_PROTOCOL,	/* 2 bytes: the ethertype */
	FW_META_MARK,		/* 4 */
	FW_META_IIFNAME,	/* 16, NUL padded (IFNAMSIZ) */
	FW_META_OIFNAME,	/* 16 */
	FW_META_IIF,		/* 4: ifindex, from the capture's interface order */
	FW_META_OIF,		/* 4 */
	FW_META_LENGTH,		/* 4 */
	FW_META_PKTTYPE,	/* 1: host 0, broadcast 1, multicast 2 */
	FW_META_NFTRACE,	/* 1 */
};

/* "ct KEY" and "ct DIR KEY". */
enum fw_ct_key {
	FW_CT_STATE,		/* 4: bit mask, FW_CTSTATE_* */
	FW_CT_DIRECTION,	/* 1: 0 original, 1 reply */
	FW_CT_STATUS,		/* 4: IPS_* bits */
	FW_CT_MARK,		/* 4 */
	FW_CT_ZONE,		/* 2 */
	FW_CT_HELPER,		/* 16: the helper's name, NUL padded */
	FW_CT_L3PROTO,		/* 1: NFPROTO_* */
	FW_CT_PROTOCOL,		/* 1: the l4 protocol */
	FW_CT_SADDR,		/* 4 or 16 (ip / ip6 saddr of @dir) */
	FW_CT_DADDR,
	FW_CT_PROTO_SRC,	/* 2 */
	FW_CT_PROTO_DST,	/* 2 */
	FW_CT_EXPIRATION,	/* 4: ms */
	FW_CT_ID,		/* 4 */
	FW_CT_COUNT,		/* 4: "ct count" is a statement in nft, refused here */
};

/* Bits of a "ct state" value, as nft's NF_CT_STATE_*_BIT. */
enum {
	FW_CTSTATE_INVALID = 1u << 0,
	FW_CTSTATE_ESTABLISHED = 1u << 1,
	FW_CTSTATE_RELATED = 1u << 2,
	FW_CTSTATE_NEW = 1u << 3,
	FW_CTSTATE_UNTRACKED = 1u << 6,
};

/*
 * A match reduced to one word by fw_match_quicken(): a header field of 1,
 * 2 or 4 whole bytes, the ct state or mark, the packet's mark or protocol,
 * masked and tested against a range. Most matches of real rulesets have
 * this form (ports, addresses and prefixes, protocol numbers, TCP flags,
 * ct state, marks); testing them without building a key value is what
 * keeps a long chain cheap. It holds exactly when the match does.
 */
enum fw_quick_src {
	FW_QUICK_NONE,		/* the match has no quick form */
	FW_QUICK_NH,		/* a field of the network header */
	FW_QUICK_TH,		/* a field of the transport header */
	FW_QUICK_CT_STATE,	/* the FW_CTSTATE_* bit */
	FW_QUICK_CT_MARK,
	FW_QUICK_META_MARK,
	FW_QUICK_META_L4PROTO,
	FW_QUICK_META_NFPROTO,
};

struct fw_quick {
	uint8_t src;		/* enum fw_quick_src */
	uint8_t len;		/* bytes read: 1, 2 or 4 */
	uint8_t family;		/* the header's family: 4, 6; 0 either */
	uint8_t l4;		/* the transport protocol the header belongs to; 0 any */
	uint16_t off;		/* bytes from the header's start */
	bool negate;		/* the match holds when the test fails */
	uint32_t mask, lo, hi;	/* the test: lo <= (field & mask) <= hi */
};

enum fw_dir_sel {
	FW_DIR_NONE,		/* "ct saddr": the packet's own direction's tuple */
	FW_DIR_ORIGINAL,
	FW_DIR_REPLY,
};

struct fw_key {
	enum fw_key_kind kind;
	uint8_t len;		/* bytes the key yields */
	union {
		struct {
			enum fw_proto proto;
			enum fw_field field;
		} payload;
		enum fw_meta meta;
		struct {
			enum fw_ct_key key;
			enum fw_dir_sel dir;
			uint8_t family;	/* FW_CT_SADDR/DADDR: 4 (ip) or 6 (ip6), 0 if bare */
		} ct;
		struct {
			uint8_t n;
			struct fw_key *sub;	/* @n keys, owned */
			/* when every sub-key is one word: how to read each (quick.c); owned, else NULL */
			struct fw_quick *words;
		} concat;
		struct {
			uint8_t base;	/* 0 link, 1 network, 2 transport ("ll", "nh", "th") */
			uint16_t offset;	/* bits */
			uint16_t bits;
		} raw;
	} u;
};

/* One value a key is compared with. */
struct fw_value {
	uint8_t len;
	uint8_t bytes[FW_VALUE_MAX];
};

/*
 * A set element: a value or a range (@lo..@hi; @lo == @hi for a single
 * value; a prefix is stored as its range). For a concatenation, @lo and
 * @hi are the concatenated components and each component is compared on
 * its own. @data is the mapped value of a map element (@verdict for a
 * verdict map).
 */
struct fw_elem {
	struct fw_value lo;
	struct fw_value hi;
	struct fw_value data;
	struct fw_verdict_ref *verdict;	/* verdict maps only, owned */
};

enum fw_set_flags {
	FW_SET_INTERVAL = 1u << 0,
	FW_SET_CONSTANT = 1u << 1,
	FW_SET_MAP = 1u << 2,		/* elements carry @data */
	FW_SET_VMAP = 1u << 3,		/* elements carry @verdict */
	FW_SET_ANONYMOUS = 1u << 4,
};

/*
 * A set or map, named (in a table) or anonymous (owned by its rule's
 * expression). @elems are sorted by @lo (memcmp over the whole key) so
 * lookups bisect; intervals never overlap (nft refuses that).
 */
struct fw_set {
	char *name;		/* NULL for an anonymous set */
	uint32_t flags;		/* FW_SET_* */
	uint8_t key_len;
	uint8_t ncomp;		/* components of a concatenated key, 1 otherwise */
	uint8_t comp_len[FW_CONCAT_MAX];
	uint8_t data_len;	/* maps: length of @data */
	uint32_t nelems;
	struct fw_elem *elems;
};

struct fw_chain;

enum fw_verdict_code {
	FW_V_CONTINUE,		/* no verdict: go on with the next expression */
	FW_V_ACCEPT,
	FW_V_DROP,
	FW_V_RETURN,
	FW_V_JUMP,
	FW_V_GOTO,
};

struct fw_verdict_ref {
	enum fw_verdict_code code;
	struct fw_chain *chain;	/* jump and goto: resolved by the reader */
};

enum fw_op {
	FW_OP_EQ,		/* "==" and the implicit match */
	FW_OP_NE,
	FW_OP_LT,
	FW_OP_GT,
	FW_OP_LE,
	FW_OP_GE,
	FW_OP_IN,		/* flags: "ct state established,related" -> (key & mask) != 0 */
};

/* The right-hand side of a match. */
enum fw_rhs_kind {
	FW_RHS_VALUE,		/* @value (compared with @op) */
	FW_RHS_MASK,		/* (key & @mask) @op @value: prefixes, flag lists */
	FW_RHS_RANGE,		/* @value ..= @hi */
	FW_RHS_SET,		/* membership in @set (@op EQ or NE) */
};

enum fw_nat_kind {
	FW_NAT_SNAT,
	FW_NAT_DNAT,
	FW_NAT_MASQUERADE,
	FW_NAT_REDIRECT,
};

enum fw_nat_flags {
	FW_NAT_HAS_ADDR = 1u << 0,
	FW_NAT_HAS_PORT = 1u << 1,
	FW_NAT_RANDOM = 1u << 2,
	FW_NAT_FULLY_RANDOM = 1u << 3,
	FW_NAT_PERSISTENT = 1u << 4,
	FW_NAT_NETMAP = 1u << 5,
};

/* The statements and matches a rule is made of, evaluated in order. */
enum fw_expr_kind {
	FW_E_MATCH,		/* key @op rhs; no match ends the rule */
	FW_E_VERDICT,		/* accept, drop, return, jump, goto, continue */
	FW_E_VMAP,		/* key -> verdict through @set (no element: go on) */
	FW_E_COUNTER,		/* counts; named counters by @name */
	FW_E_LOG,		/* a note with @text as the prefix */
	FW_E_REJECT,		/* a drop, noted with @text ("icmp port-unreachable", "tcp reset") */
	FW_E_NOTRACK,
	FW_E_SET_CT,		/* ct mark/zone/... set: @ct_key from @src */
	FW_E_SET_META,		/* meta mark/... set */
	FW_E_CT_HELPER,		/* ct helper set @name (a "ct helper" object of the table) */
	FW_E_NAT,		/* snat, dnat, masquerade, redirect */
	FW_E_LIMIT,		/* refused at load: rate depends on real time */
};

/*
 * A value computed at run time: a constant, a key read from the packet
 * ("ct mark set meta mark"), optionally through a map ("dnat to tcp dport
 * map { 80 : 10.0.0.1 }") or with a bitwise and/or/xor ("meta mark set
 * meta mark | 0x10").
 */
struct fw_src {
	bool is_key;
	struct fw_key key;	/* if @is_key */
	struct fw_set *map;	/* the key looked up in this map, NULL if none */
	struct fw_value value;	/* the constant, if !@is_key */
	uint8_t bitop;		/* 0 none, '&', '|', '^' with @operand; 'b': several */
	struct fw_value operand;
	/*
	 * Whenever @bitop is set: the result is (x & @mask) ^ @xor, which
	 * composes any chain of &, | and ^ ("meta mark & 0xff ^ 0x1") the way
	 * the kernel's bitwise expression does.
	 */
	struct fw_value mask;
	struct fw_value xor;
};

/*
 * A mapped address ("dnat ip to tcp dport map { 80 : 10.0.0.1 . 8080 }")
 * whose map's data_len is the address length + 2 carries the port after
 * the address; FW_NAT_HAS_PORT is then set and @port_lo is unused.
 */
struct fw_nat {
	enum fw_nat_kind kind;
	uint8_t family;		/* 4 or 6: which addresses ("snat ip to"); 0 from the table */
	uint32_t flags;		/* FW_NAT_* */
	struct fw_src addr_lo;	/* FW_NAT_HAS_ADDR */
	struct fw_value addr_hi;	/* a range's end, or a copy of addr_lo's constant */
	struct fw_src port_lo;	/* FW_NAT_HAS_PORT */
	struct fw_value port_hi;
};

/* key @op rhs (FW_E_MATCH). */
struct fw_match {
	struct fw_key key;
	struct fw_quick quick;
	enum fw_op op;
	enum fw_rhs_kind rhs;
	struct fw_value value;
	struct fw_value mask;	/* FW_RHS_MASK */
	struct fw_value hi;	/* FW_RHS_RANGE */
	struct fw_set *set;	/* FW_RHS_SET: owned if anonymous */
};

struct fw_expr {
	enum fw_expr_kind kind;
	union {
		struct fw_match match;
		struct fw_verdict_ref verdict;
		struct {
			struct fw_key key;
			struct fw_set *set;
		} vmap;
		struct {
			char *name;	/* named counter, or NULL */
		} counter;
		struct {
			char *text;	/* log prefix / reject type, owned, may be NULL */
		} note;
		struct {
			enum fw_ct_key ct_key;	/* FW_E_SET_CT */
			enum fw_meta meta;	/* FW_E_SET_META */
			struct fw_src *src;	/* owned; out of line to keep expressions small */
		} set;
		struct {
			char *name;	/* the "ct helper" object's name */
			struct fw_helper *obj;	/* resolved by the reader */
		} helper;
		struct fw_nat *nat;	/* owned; out of line: rules are walked, NAT is rare */
	} u;
};

struct fw_rule {
	uint64_t handle;
	char *text;		/* the rule in nft syntax, as `nft list ruleset` prints it */
	uint32_t nexprs;
	struct fw_expr *exprs;
	/*
	 * What a packet must be for the rule to have a chance (fw_rule_hints):
	 * the family (4, 6; 0 any) and layer-4 protocol (0 any) its leading
	 * header matches imply. A packet that is not cannot match them, so
	 * the rule is skipped without reading a key.
	 */
	uint8_t need_family;
	uint8_t need_l4;
	const char *need_iifname;	/* a leading `iifname "NAME"`: NAME (16 bytes), else NULL */
	/*
	 * A copy of the first expression's quick form when it is a match
	 * that has one (has_lead): tested before anything else, and not
	 * again. A copy, so that passing a rule reads only the rule array.
	 */
	bool has_lead;
	struct fw_quick lead;
	bool sets_keys;		/* it sets a mark or notrack: what leads read may change */
};

struct fw_table;

struct fw_chain {
	char *name;
	struct fw_table *table;
	uint64_t handle;
	bool base;		/* has a hook */
	enum fw_hook hook;
	int32_t prio;
	enum fw_chain_type type;
	enum fw_verdict_code policy;	/* FW_V_ACCEPT or FW_V_DROP (base chains) */
	uint32_t nrules;
	struct fw_rule *rules;
	struct fw_chain_index *index;	/* index.c; NULL: the walk visits every rule */
};

/* A "ct helper" object: { type "ftp" protocol tcp; l3proto ip }. */
struct fw_helper {
	char *name;
	char *type;		/* "ftp", "tftp" */
	uint8_t l4proto;	/* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t l3proto;	/* 0: inet (both) */
};

struct fw_table {
	char *name;
	enum fw_family family;
	uint64_t handle;
	bool dormant;		/* "flags dormant": read, its base chains in no hook list */
	uint32_t nchains;
	struct fw_chain *chains;
	uint32_t nsets;
	struct fw_set *sets;	/* named sets and maps */
	uint32_t nhelpers;
	struct fw_helper *helpers;
};

/*
 * A base chain in evaluation order: per hook, sorted by priority, then
 * by table order in the file (the kernel runs equal priorities in
 * registration order, which `nft -j list ruleset` keeps).
 */
struct fw_hook_list {
	uint32_t n;
	struct fw_chain **chains;
};

/* The opaque struct ctk_ruleset of ctkit/ruleset.h. */
struct ctk_ruleset {
	uint32_t ntables;
	struct fw_table *tables;
	/* Base chains per hook, IPv4 and IPv6 apart (inet chains in both). */
	struct fw_hook_list hooks[2][FW_HOOK_NONE];
	bool has_nat;		/* some nat chain: NAT bindings must be made */
	bool has_helpers;
};

/* hints.c: fill @r's hints (need_*) and its matches' quick forms. */
void fw_rule_hints(struct fw_rule *r);
/* quick.c: fill @m->quick, or leave FW_QUICK_NONE when @m has no quick form. */
void fw_match_quicken(struct fw_match *m);
/* quick.c: a concatenation's words (k->u.concat.words), when each of its keys is one word. */
void fw_key_quicken(struct fw_key *k);

/*
 * index.c: the rule index of a chain of FW_INDEX_MIN_RULES to
 * FW_INDEX_MAX_RULES rules (its rules' hints filled), or NULL: shorter
 * and longer chains, and a failed allocation, walk every rule.
 */
#define FW_INDEX_MIN_RULES 16
#define FW_INDEX_MAX_RULES 1024
struct fw_chain_index;
struct fw_chain_index *fw_chain_index_build(const struct fw_chain *c);
void fw_chain_index_free(struct fw_chain_index *ix);
/* hints.c: what a header protocol implies, as nft's dependencies: family 4/6 (0 either), l4 (0 any). */
uint8_t fw_proto_family(enum fw_proto p);
uint8_t fw_proto_l4(enum fw_proto p);

/* Bytes a key yields (fw_key.len is filled by the reader with this). */
unsigned int fw_key_len(const struct fw_key *k);

#endif
