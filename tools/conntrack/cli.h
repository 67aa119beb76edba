/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The conntrack command line, compiled: options become one command, a
 * table, a filter (which entries), a template (what to create or change)
 * and an output format. Parsing never exits or prints: it fills a
 * struct ct_error that main() reports, so the parser can be fuzzed.
 */
#ifndef CT_CLI_H
#define CT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctkit/entry.h>
#include <ctkit/filter.h>
#include <ctkit/format.h>
#include <ctkit/group.h>
#include <ctkit/labels.h>

enum ct_cmd {
	CT_CMD_NONE,	/* no command: usage, exit 0 */
	CT_CMD_LIST,	/* -L */
	CT_CMD_CREATE,	/* -I */
	CT_CMD_UPDATE,	/* -U */
	CT_CMD_DELETE,	/* -D */
	CT_CMD_GET,	/* -G */
	CT_CMD_FLUSH,	/* -F */
	CT_CMD_EVENT,	/* -E */
	CT_CMD_VERSION,	/* -V */
	CT_CMD_HELP,	/* -h */
	CT_CMD_COUNT,	/* -C */
	CT_CMD_STATS,	/* -S */
	CT_CMD_ADD,	/* -A */
};

enum ct_table {
	CT_TABLE_CONNTRACK,
	CT_TABLE_EXPECT,
	CT_TABLE_DYING,
	CT_TABLE_UNCONFIRMED,
};

/* Options seen, in the reference's order (its optflags[] / legality matrix columns). */
enum ct_opt {
	CT_OPT_ORIG_SRC,	/* -s */
	CT_OPT_ORIG_DST,	/* -d */
	CT_OPT_REPL_SRC,	/* -r */
	CT_OPT_REPL_DST,	/* -q */
	CT_OPT_PROTO,		/* -p */
	CT_OPT_TIMEOUT,		/* -t */
	CT_OPT_STATUS,		/* -u */
	CT_OPT_ZERO,		/* -z */
	CT_OPT_EVENT_MASK,	/* -e */
	CT_OPT_EXP_SRC,		/* --tuple-src */
	CT_OPT_EXP_DST,		/* --tuple-dst */
	CT_OPT_MASK_SRC,	/* --mask-src */
	CT_OPT_MASK_DST,	/* --mask-dst */
	CT_OPT_NATRANGE,	/* -a */
	CT_OPT_MARK,		/* -m */
	CT_OPT_ID,		/* -i */
	CT_OPT_FAMILY,		/* -f */
	CT_OPT_SRC_NAT,		/* -n */
	CT_OPT_DST_NAT,		/* -g */
	CT_OPT_OUTPUT,		/* -o */
	CT_OPT_SECMARK,		/* -c */
	CT_OPT_BUFFERSIZE,	/* -b */
	CT_OPT_ANY_NAT,		/* -j */
	CT_OPT_ZONE,		/* -w */
	CT_OPT_LABEL,		/* -l */
	CT_OPT_ADD_LABEL,	/* --label-add */
	CT_OPT_DEL_LABEL,	/* --label-del */
	CT_OPT_ORIG_ZONE,	/* --orig-zone */
	CT_OPT_REPL_ZONE,	/* --reply-zone */
	CT_OPT_MAX
};

/* Event groups for -E (-e). */
enum {
	CT_EVENT_NEW = 1 << 0,
	CT_EVENT_UPDATE = 1 << 1,
	CT_EVENT_DESTROY = 1 << 2,
	CT_EVENT_ALL = 7,
};

/* Most --sysctl options on one command line. */
#define CT_SYSCTL_MAX 64
#define CT_ADDR_MAX 64

struct ct_cli {
	enum ct_cmd cmd;
	enum ct_table table;
	uint32_t opts;			/* bit per enum ct_opt */
	uint32_t proto_opts;		/* bit per option of the -p extension, in its table order */
	uint8_t family;			/* AF_UNSPEC unless an address or -f set it */
	uint8_t l4proto;		/* valid when CT_OPT_PROTO is set */

	/* Which entries: -L, -D, -E, -U, and -G/-I checks. */
	struct ctk_filter filter;
	/*
	 * What to send: tuples, status, timeout, mark, secmark, zones,
	 * protoinfo, NAT and labels for -I/-A/-U/-G/-D/-I expect.
	 */
	struct ctk_entry tmpl;
	uint32_t mark_mask;		/* -m v/mask: -U sets (old & ~mask) ^ v */

	/* Expectations (-I/-G/-D expect): tuple and mask. */
	struct ctk_tuple exp_tuple;
	struct ctk_tuple exp_mask;

	/* Labels. */
	struct ctk_labelmap *labelmap;	/* loaded when -o labels, -l, --label-add, --label-del */
	bool labelmap_owned;		/* ct_cli_free() frees it (not for -R lines: shared) */
	uint32_t label_add[CTK_LABEL_WORDS];
	uint32_t label_del[CTK_LABEL_WORDS];
	bool label_del_all;		/* --label-del without a name */

	struct ctk_fmt fmt;		/* kind + flags from -o */
	bool output_timestamp;		/* -o timestamp (events) */
	unsigned int event_mask;	/* CT_EVENT_*; CT_EVENT_ALL by default */
	size_t buffer_size;		/* -b, 0 when not given */
	bool help_proto;		/* -h -p X: print the protocol's help too */
	bool debug;			/* --debug: say what the kernel filtered */
	bool resync;			/* --resync: accepted; -E always repairs lost events now */
	const char *filter_file;	/* --filter-file: -L/-D select entries matching any line */
	struct ctk_filter *any_of;	/* the filters of that file (main() loads them) */
	size_t n_any_of;
	/* --pcap: the command runs on the userspace engine fed with a capture (run_pcap.c). */
	const char *pcap_file;		/* --pcap FILE ('-': stdin) */
	const char *capture_iface;	/* --capture IFACE: a live capture instead (pcap_live.c) */
	const char *capture_filter;	/* --capture-filter EXPR: its BPF filter */
	bool pcap_packets;		/* --packets: one verdict per packet (alone or with -L) */
	const char *sysctl[CT_SYSCTL_MAX];	/* --sysctl NAME=VALUE: engine knobs, checked by run_pcap.c */
	unsigned int n_sysctl;
	const char *timeout_policy;	/* --timeout-policy FILE: nfct timeout lines (pcap_policy.c) */
	/* The firewall path (lib/fw): the capture through a ruleset, NAT and helpers. */
	const char *ruleset;		/* --ruleset FILE: `nft -j list ruleset` output */
	const char *local_addr[CT_ADDR_MAX];	/* --local-address ADDR: the firewall's own */
	unsigned int n_local_addr;
	const char *masq_addr[CT_ADDR_MAX];	/* --masquerade-address ADDR: masquerade's target */
	unsigned int n_masq_addr;
	const char *routes[CT_ADDR_MAX];	/* --route PREFIX=IFNAME: where oifname comes from */
	unsigned int n_routes;
	const char *iifname;		/* --iifname NAME: for captures that do not name it */
	const char *pcap_out;		/* --pcap-out FILE: accepted packets as they leave */
	uint64_t trace_packet;		/* --trace N: chains and rules evaluated for packet N */
	bool trace_only;		/* --trace N alone: only packet N's trace and verdict */
	const char *netns;		/* --netns NAME|PATH|PID|all: run inside that network namespace */
	bool group_by;			/* --group-by KEYS: counts per group instead of entries */
	struct ctk_group_spec group_spec;
	unsigned long top;		/* --top N: the N largest groups; 0: all */
	unsigned int row;		/* parser-internal: the reference's command row */
};

struct ct_error {
	int exit_code;			/* 0: no error; 1: OTHER_PROBLEM; 2: PARAMETER_PROBLEM */
	bool try_help;			/* add the "Try `conntrack -h'..." line */
	char msg[16384];		/* without the program prefix (argv words are quoted whole) */
	char warnings[16384];		/* WARNING lines already due (printed even on success); truncated beyond */
};

void ct_cli_init(struct ct_cli *cli);
void ct_cli_free(struct ct_cli *cli);

/*
 * ct_parse_args - compile argv into @cli. Returns 0, or -1 with @err set.
 * Never prints, never exits. @cli is (re)initialised first; @err->warnings
 * is reset and gets the WARNING lines due even on success. argv is
 * permuted in place, as getopt_long() does.
 *
 * Everything matches conntrack 1.4.7 (messages, check order, unchecked
 * numbers) except these deliberate fixes:
 *  - -u no longer overwrites the mark (-m 20 -u ASSURED keeps mark 20);
 *  - --id without a value is "option `--id' requires an argument" (exit
 *    2) instead of a crash, and "--id 5" takes the next word;
 *  - --src-nat=IP, -nIP (same for -g/-j) and --label-del=x honour the
 *    attached value instead of silently dropping it;
 *  - an unknown SCTP --state is "unknown SCTP state `X'" instead of a crash.
 *
 * The filter follows the reference's per-command meaning: exact fields
 * only when a comparison option (-p -s -d -r -q -m -c -u -i -w -l
 * --orig-zone --reply-zone) was given; CIDR/--mask-* as orig_*_mask;
 * CTK_F_STATUS mask = the kernel mask for -L, the flags themselves
 * otherwise; NAT filter addresses are IPv4 only, as in the reference.
 * The template has the tuples, meta values and protoinfo to send, with
 * tcp flags set on every TCP command (as the reference).
 */
int ct_parse_args(int argc, char **argv, struct ct_cli *cli, struct ct_error *err);

/* --netns all: every namespace of the machine (run_netns.c), not one named "all". */
#define CT_NETNS_ALL "all"
bool ct_netns_all(const struct ct_cli *cli);

/*
 * ct_load_buffer - the -R parser on an in-memory file, every line kept
 * (see loadfile.h for ct_batch_free and the batch layout). The same
 * answers as ct_load_open(); used by tests and the fuzzer.
 */
struct ct_batch;
int ct_load_buffer(const char *buf, size_t size, struct ct_batch *batch, struct ct_error *err);

#endif
