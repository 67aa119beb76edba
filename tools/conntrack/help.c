// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit's usage text for conntrack -h (our own wording; every command and
 * option of the reference is listed). "-h -p PROTO" appends the options
 * of that protocol extension.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "loadfile.h"
#include "parse_priv.h"

/* One line: the left column padded to 34 characters, then the text. */
struct help_line {
	const char *left;
	const char *right;
};

static const struct help_line usage_text[] = {
	{ "conntrack (ctkit " CTK_VERSION "), compatible with conntrack-tools " CTK_COMPAT_VERSION, NULL },
	{ "Usage: conntrack COMMAND [TABLE] [OPTIONS]", NULL },
	{ "       conntrack -R FILE       run the commands in FILE ('-': stdin)", NULL },
	{ "", NULL },
	{ "Commands:", NULL },
	{ "  -L, --dump [TABLE]", "list entries" },
	{ "  -G, --get [TABLE]", "show one entry (needs its full tuple)" },
	{ "  -D, --delete [TABLE]", "delete the matching entries" },
	{ "  -I, --create [TABLE]", "create an entry (needs tuple, -p, -t)" },
	{ "  -A, --add", "like -I, but an existing entry is not an error" },
	{ "  -U, --update", "change mark, status, timeout or labels of matching entries" },
	{ "  -E, --event [TABLE]", "print events until interrupted" },
	{ "  -F, --flush [TABLE]", "delete every entry" },
	{ "  -C, --counter [TABLE]", "print the number of entries" },
	{ "  -S, --stats [TABLE]", "print per-CPU statistics" },
	{ "  -V, --version", "print the version" },
	{ "  -h, --help", "print this text (with -p PROTO: its options too)" },
	{ "", NULL },
	{ "Tables (any prefix): conntrack (default), expect, dying, unconfirmed", NULL },
	{ "", NULL },
	{ "Selecting and describing entries:", NULL },
	{ "  -s, --src, --orig-src IP[/LEN]", "source address, original direction" },
	{ "  -d, --dst, --orig-dst IP[/LEN]", "destination address, original direction" },
	{ "  -r, --reply-src IP", "source address, reply direction" },
	{ "  -q, --reply-dst IP", "destination address, reply direction" },
	{ "  --mask-src IP, --mask-dst IP", "netmask applied to -s / -d" },
	{ "  -p, --protonum PROTO", "layer-4 protocol, name or number" },
	{ "  -f, --family ipv4|ipv6", "layer-3 family" },
	{ "  -t, --timeout SECONDS", "timeout to set" },
	{ "  -u, --status FLAG[,...]", "status flags (ASSURED, SEEN_REPLY, UNSET," },
	{ "", "FIXED_TIMEOUT, EXPECTED, OFFLOAD, HW_OFFLOAD," },
	{ "", "UNREPLIED; !FLAG: flag not set)" },
	{ "  -m, --mark VALUE[/MASK]", "mark to match or to set" },
	{ "  -c, --secmark VALUE", "security mark to match" },
	{ "  -i, --id ID", "entry id" },
	{ "  -w, --zone ZONE", "conntrack zone" },
	{ "  --orig-zone ZONE", "zone of the original direction" },
	{ "  --reply-zone ZONE", "zone of the reply direction" },
	{ "  -n, --src-nat [IP[:PORT]]", "source-NATed entries [to IP/port]" },
	{ "  -g, --dst-nat [IP[:PORT]]", "destination-NATed entries [to IP/port]" },
	{ "  -j, --any-nat [IP[:PORT]]", "entries NATed either way" },
	{ "  -l, --label NAME[,...]", "entries carrying all these labels" },
	{ "  --label-add NAME[,...]", "labels to add (-I, -U)" },
	{ "  --label-del [NAME,...]", "labels to remove (-U; none given: all)" },
	{ "  -z, --zero", "zero the counters while listing" },
	{ "", NULL },
	{ "Expectations:", NULL },
	{ "  --tuple-src IP, --tuple-dst IP", "addresses of the expected tuple" },
	{ "", NULL },
	{ "Output and events:", NULL },
	{ "  -o, --output WORD[,...]", "xml, extended, timestamp, id, ktimestamp," },
	{ "", "labels, userspace, save, json" },
	{ "  -e, --event-mask EVENT[,...]", "ALL, NEW, UPDATES, DESTROY (-E)" },
	{ "  -b, --buffer-size BYTES", "event socket receive buffer size (-E)" },
	{ "  --resync", "repair lost events from a dump (-E)" },
	{ "", NULL },
	{ "ctkit additions:", NULL },
	{ "  --netns NAME|PATH|PID", "run in that network namespace (ip netns name," },
	{ "", "namespace file, or a process's)" },
	{ "  --netns all", "-L, -C, -S, -E in every namespace, each line" },
	{ "", "prefixed netns=NAME (JSON: a \"netns\" key)" },
	{ "  --group-by KEY[,KEY...]", "-L: count entries per group, largest first; keys" },
	{ "", "src dst (src/24) sport dport proto family state" },
	{ "", "zone mark status label netns" },
	{ "  --top N", "with --group-by: the N largest groups" },
	{ "  --filter-file FILE", "entries matching any line's options (-L, -D)" },
	{ "  --debug", "say what the kernel filtered and what ctkit did" },
	{ "  --pcap FILE", "track a capture with the userspace engine" },
	{ "", "(-L, -G, -C, -S, -E; - reads standard input)" },
	{ "  --capture IFACE", "the same on a live capture (any: all interfaces)," },
	{ "", "until Ctrl-C; needs root or CAP_NET_RAW" },
	{ "  --capture-filter EXPR", "with --capture: a BPF filter (tcpdump syntax)" },
	{ "  --packets", "with --pcap: one verdict line per packet" },
	{ "  --sysctl NAME=VALUE", "with --pcap: an nf_conntrack knob, by name" },
	{ "  --timeout-policy FILE", "with --pcap: nfct timeout policies (add lines)" },
	{ "  --ruleset FILE", "with --pcap: the firewall's `nft -j list ruleset'" },
	{ "  --local-address ADDR", "with --ruleset: an address of the firewall itself" },
	{ "  --masquerade-address ADDR", "with --ruleset: where masquerade maps to" },
	{ "  --route PREFIX=IFNAME", "with --ruleset: where packets leave (oifname)" },
	{ "  --iifname NAME", "with --ruleset: where packets arrive, if the capture" },
	{ "", "does not say (iifname)" },
	{ "  --pcap-out FILE", "with --pcap: write the packets as they leave" },
	{ "  --trace N", "with --ruleset: every rule packet N met" },
	{ NULL, NULL },
};

static void print_usage(FILE *f)
{
	for (const struct help_line *l = usage_text; l->left; l++) {
		if (l->right)
			fprintf(f, "%-34s%s\n", l->left, l->right);
		else
			fprintf(f, "%s\n", l->left);
	}
}

/* Protocol lines are "  option\tdescription". */
static void print_lines(FILE *f, const char *const *lines)
{
	for (; lines && *lines; lines++) {
		const char *tab = strchr(*lines, '\t');
		int len = tab ? (int)(tab - *lines) : (int)strlen(*lines);

		if (!tab) {
			fprintf(f, "%s\n", *lines);
			continue;
		}
		while (*tab == '\t')
			tab++;
		fprintf(f, "%-34.*s%s\n", len, *lines, tab);
	}
}

static void print_proto_help(FILE *f, int l4proto)
{
	const struct ct_proto *p = ct_proto_by_num((uint8_t)l4proto);
	const char *const *extra;
	const char *name;

	if (!p) {
		struct protoent *pe = getprotobynumber(l4proto);

		p = &ct_proto_unknown;
		name = pe ? pe->p_name : p->name;
	} else {
		name = p->name;
	}
	fprintf(f, "\nOptions of protocol `%s':\n", name);
	print_lines(f, ct_proto_help(p, &extra));
	print_lines(f, extra);
}

void ct_print_help(FILE *f, int l4proto)
{
	print_usage(f);
	if (l4proto >= 0)
		print_proto_help(f, l4proto);
}
