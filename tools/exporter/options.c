// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctkit-exporter's command line. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/version.h>

#include "exporter.h"

#define DEFAULT_LISTEN ":9466"

static void usage(FILE *f)
{
	fprintf(f, "Usage: ctkit-exporter [OPTION]...\n"
		   "Serve the conntrack tables as Prometheus metrics on /metrics.\n"
		   "\n"
		   "  --listen ADDR:PORT     where to listen (default " DEFAULT_LISTEN
		   ": every address;\n"
		   "                         127.0.0.1:9466, [::1]:9466)\n"
		   "  --netns NAME|PATH|PID  a network namespace to export (again for more;\n"
		   "                         default: the exporter's own)\n"
		   "  --netns all            every namespace of the machine, joined and left\n"
		   "                         as they come and go\n"
		   "  --group-by KEY[,KEY]   also export the largest groups of entries, as\n"
		   "                         conntrack -L --group-by (src dst src/24 sport\n"
		   "                         dport proto family state zone mark status label)\n"
		   "  --top N                that many groups per namespace (default 10)\n"
		   "  --group-interval SECS  how often the groups are counted (default 60;\n"
		   "                         each count is a dump of the table)\n"
		   "  --recount-interval SECS  how often entries the kernel sends no events for\n"
		   "                         (made before anyone listened) are recounted by a\n"
		   "                         dump while any remain (default 60)\n"
		   "  --per-cpu              statistics per CPU (a cpu label) instead of summed\n"
		   "  -h, --help             this text\n"
		   "  -V, --version          the version\n"
		   "\n"
		   "Entry counts are kept current by conntrack events, so a scrape costs the\n"
		   "same at any table size. See ctkit-exporter(8).\n");
}

static void fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "ctkit-exporter: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry `ctkit-exporter --help' for more information.\n");
	exit(2);
}

static unsigned long number(const char *opt, const char *arg, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s: `%%s' is not a number from %lu to %lu", opt, min,
			 max);
		fail(msg, arg);
	}
	return v;
}

/* "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every address, IPv6 and IPv4). */
static void parse_listen(const char *text, struct xp_opts *o)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	size_t hlen = colon ? (size_t)(colon - text) : 0;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&o->listen;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&o->listen;
	unsigned long port;

	if (!colon || hlen >= sizeof(host))
		fail("--listen `%s': want ADDR:PORT, [ADDR]:PORT or :PORT", text);
	port = number("--listen", colon + 1, 1, 65535);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	memset(&o->listen, 0, sizeof(o->listen));
	o->listen_text = text;
	if (hlen == 0 || (hlen > 2 && host[0] == '[' && host[hlen - 1] == ']')) {
		if (hlen) {
			host[hlen - 1] = '\0';
			if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
				fail("--listen `%s': not an IPv6 address", text);
		} else {
			s6->sin6_addr = in6addr_any;
		}
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		o->listen_len = sizeof(*s6);
		return;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		fail("--listen `%s': not an IPv4 address (IPv6 goes in brackets)", text);
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	o->listen_len = sizeof(*s4);
}

enum {
	OPT_LISTEN = 256,
	OPT_NETNS,
	OPT_GROUP_BY,
	OPT_TOP,
	OPT_GROUP_INTERVAL,
	OPT_RECOUNT_INTERVAL,
	OPT_PER_CPU,
};

static const struct option long_opts[] = {
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"netns", required_argument, NULL, OPT_NETNS},
	{"group-by", required_argument, NULL, OPT_GROUP_BY},
	{"top", required_argument, NULL, OPT_TOP},
	{"group-interval", required_argument, NULL, OPT_GROUP_INTERVAL},
	{"recount-interval", required_argument, NULL, OPT_RECOUNT_INTERVAL},
	{"per-cpu", no_argument, NULL, OPT_PER_CPU},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void add_netns(struct xp_opts *o, const char *spec)
{
	if (!strcmp(spec, "all")) {
		o->all = true;
		return;
	}
	if (o->n_netns == XP_NETNS_MAX)
		fail("--netns `%s': too many namespaces (use --netns all)", spec);
	o->netns[o->n_netns++] = spec;
}

static void parse_group_by(struct xp_opts *o, const char *text)
{
	char bad[64] = "";

	if (ctk_group_spec_parse(&o->group_spec, text, bad, sizeof(bad)) < 0)
		fail("--group-by: bad key `%s'", bad[0] ? bad : text);
	/* Each namespace's groups carry its netns label already. */
	for (unsigned int i = 0; i < o->group_spec.nkeys; i++)
		if (o->group_spec.keys[i].key == CTK_GROUP_NETNS)
			fail("--group-by: `%s': the netns label is always there", "netns");
	o->group_by = true;
}

void xp_parse_options(int argc, char **argv, struct xp_opts *o)
{
	bool top_given = false, interval_given = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->top = 10;
	o->group_interval = 60;
	o->recount_interval = 60;
	o->rescan_ms = 1000;
	parse_listen(DEFAULT_LISTEN, o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			parse_listen(optarg, o);
			break;
		case OPT_NETNS:
			add_netns(o, optarg);
			break;
		case OPT_GROUP_BY:
			parse_group_by(o, optarg);
			break;
		case OPT_TOP:
			o->top = number("--top", optarg, 1, 1000);
			top_given = true;
			break;
		case OPT_GROUP_INTERVAL:
			o->group_interval =
				(unsigned int)number("--group-interval", optarg, 1, 86400);
			interval_given = true;
			break;
		case OPT_RECOUNT_INTERVAL:
			o->recount_interval =
				(unsigned int)number("--recount-interval", optarg, 1, 86400);
			break;
		case OPT_PER_CPU:
			o->per_cpu = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ctkit-exporter (ctkit %s)\n", CTK_VERSION_STRING);
			exit(0);
		case ':':
			fail("option `%s' requires an argument", argv[optind - 1]);
			break;
		default:
			fail("unknown option `%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		fail("unexpected argument `%s'", argv[optind]);
	if ((top_given || interval_given) && !o->group_by)
		fail("%s needs --group-by", top_given ? "--top" : "--group-interval");
	if (o->all && o->n_netns)
		fail("--netns all with --netns `%s': all includes it", o->netns[0]);
}
