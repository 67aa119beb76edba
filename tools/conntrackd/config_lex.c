// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf scanner. The reference's scanner is generated: it takes
 * the longest run any rule matches and, on a tie, the earliest rule. The
 * rules are reproduced one function each, so the cuts (and therefore the
 * symbols quoted in syntax errors) are the same: "12abc" is the address-
 * looking "12ab" followed by "c", "cafe" is an address, "o|" is "on".
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config_lex.h"

/* In enum ctd_kw order; aliases are resolved in kw_alias[]. */
static const char *const kw_names[] = {
	"UNIX",
	"IPv4_address",
	"IPv6_address",
	"IPv4_Destination_Address",
	"IPv6_Destination_Address",
	"IPv4_interface",
	"IPv6_interface",
	"Interface",
	"Multicast",
	"UDP",
	"TCP",
	"HashSize",
	"RefreshTime",
	"CacheTimeout",
	"CommitTimeout",
	"HashLimit",
	"Path",
	"Backlog",
	"Group",
	"Port",
	"LogFile",
	"Syslog",
	"LockFile",
	"General",
	"Sync",
	"Stats",
	"NetlinkBufferSize",
	"NetlinkBufferSizeMaxGrowth",
	"Mode",
	"ResendQueueSize",
	"Checksum",
	"ACKWindowSize",
	"for",
	"SYN_SENT",
	"SYN_RECV",
	"ESTABLISHED",
	"FIN_WAIT",
	"CLOSE_WAIT",
	"LAST_ACK",
	"TIME_WAIT",
	"CLOSED",
	"LISTEN",
	"SndSocketBuffer",
	"RcvSocketBuffer",
	"Filter",
	"Protocol",
	"Address",
	"State",
	"Accept",
	"Ignore",
	"PurgeTimeout",
	"From",
	"Userspace",
	"Kernelspace",
	"EventIterationLimit",
	"Default",
	"PollSecs",
	"NetlinkOverrunResync",
	"Nice",
	"Scheduler",
	"Type",
	"Priority",
	"NetlinkEventsReliable",
	"DisableInternalCache",
	"DisableExternalCache",
	"Options",
	"TCPWindowTracking",
	"ExpectationSync",
	"ErrorQueueLength",
	"Helper",
	"QueueNum",
	"QueueLen",
	"Policy",
	"ExpectMax",
	"ExpectTimeout",
	"Systemd",
	"StartupResync",
	"Setup",
};

static const struct {
	const char *name;
	enum ctd_kw kw;
} kw_alias[] = {
	{"SocketBufferSize", CTD_KW_BUFFER_SIZE},
	{"SocketBufferSizeMaxGrown", CTD_KW_BUFFER_SIZE_MAX},
	{"SocketBufferSizeMaxGrowth", CTD_KW_BUFFER_SIZE_MAX},
	{"CLOSE", CTD_KW_CLOSE},
};

_Static_assert(sizeof(kw_names) / sizeof(kw_names[0]) == CTD_KW_NONE, "keyword table");

/* Rules in the reference's order: it breaks ties between equal lengths. */
enum rule {
	R_KW,
	R_TRUE,
	R_FALSE,
	R_INT,
	R_SIGNED,
	R_IP4,
	R_IP6,
	R_PATH,
	R_ALARM,
	R_PERSISTENT,
	R_FTFW,
	R_NACK,
	R_NOTRACK,
	R_STRING,
	R_COMMENT,
	R_WS,
	R_NL,
	R_CHAR,
	R_MAX
};

struct scan {
	const unsigned char *s;
	size_t n; /* bytes left from s */
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int at(const struct scan *sc, size_t i)
{
	return i < sc->n ? sc->s[i] : -1;
}

static size_t digits(const struct scan *sc, size_t i)
{
	size_t k = 0;

	while (is_digit(at(sc, i + k)))
		k++;
	return k;
}

/*
 * A sequence of character classes written like the reference's, e.g.
 * "oO|" "nN|" for [o|O][n|N] (the '|' is literally part of each class).
 */
static size_t classes(const struct scan *sc, const char *const *cls, size_t ncls)
{
	for (size_t i = 0; i < ncls; i++) {
		int c = at(sc, i);

		if (c <= 0 || !strchr(cls[i], c))
			return 0;
	}
	return ncls;
}

#define CLASSES(sc, ...)                                                                           \
	classes(sc, (const char *const[]){__VA_ARGS__},                                            \
		sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static size_t m_true(const struct scan *sc)
{
	size_t on = CLASSES(sc, "o|O", "n|N"), yes = CLASSES(sc, "y|Y", "e|E", "s|S");

	return on > yes ? on : yes;
}

static size_t m_false(const struct scan *sc)
{
	size_t off = CLASSES(sc, "o|O", "f|F", "f|F"), no = CLASSES(sc, "n|N", "o|O");

	return off > no ? off : no;
}

static size_t m_signed(const struct scan *sc)
{
	size_t k;

	if (at(sc, 0) != '-' && at(sc, 0) != '+')
		return 0;
	k = digits(sc, 1);
	return k ? k + 1 : 0;
}

/* "/" and digits after a matched address, or nothing. */
static size_t cidr(const struct scan *sc, size_t i)
{
	size_t k;

	if (at(sc, i) != '/')
		return 0;
	k = digits(sc, i + 1);
	return k ? k + 1 : 0;
}

static size_t m_ip4(const struct scan *sc)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t k = digits(sc, i);

		if (!k)
			return 0;
		i += k;
		if (part < 3) {
			if (at(sc, i) != '.')
				return 0;
			i++;
		}
	}
	return i + cidr(sc, i);
}

/* Longest IPv6 form: 7 groups of 4 hex digits and a colon on each side of "::". */
#define IP6_SPAN 80

/* Ends of one hex group (1-4 digits) started at any position in @from. */
static void hex_group(const struct scan *sc, const bool *from, bool *to, bool opt_colon)
{
	for (size_t q = 0; q < IP6_SPAN; q++) {
		if (!from[q])
			continue;
		for (size_t k = 1; k <= 4 && is_hex(at(sc, q + k - 1)); k++) {
			if (q + k < IP6_SPAN)
				to[q + k] = true;
			if (opt_colon && at(sc, q + k) == ':' && q + k + 1 < IP6_SPAN)
				to[q + k + 1] = true;
		}
	}
}

/* Ends reachable from @set through 0..7 groups (each with an optional ':'). */
static void groups_upto7(const struct scan *sc, bool *set)
{
	bool cur[IP6_SPAN], next[IP6_SPAN];

	memcpy(cur, set, sizeof(cur));
	for (int i = 0; i < 7; i++) {
		memset(next, 0, sizeof(next));
		hex_group(sc, cur, next, true);
		for (size_t q = 0; q < IP6_SPAN; q++)
			set[q] |= next[q];
		memcpy(cur, next, sizeof(cur));
	}
}

/* Form with "::": groups, "::", groups. */
static void ip6_compressed(const struct scan *sc, bool *ends)
{
	bool a[IP6_SPAN] = {[0] = true}, b[IP6_SPAN] = {false};

	groups_upto7(sc, a);
	for (size_t q = 0; q + 2 < IP6_SPAN; q++)
		if (a[q] && at(sc, q) == ':' && at(sc, q + 1) == ':')
			b[q + 2] = true;
	groups_upto7(sc, b);
	for (size_t q = 0; q < IP6_SPAN; q++)
		ends[q] |= b[q];
}

/* Form without "::": up to 7 "hex:" then one hex group. */
static void ip6_full(const struct scan *sc, bool *ends)
{
	bool cur[IP6_SPAN] = {[0] = true}, grp[IP6_SPAN];

	for (int i = 0; i < 8; i++) {
		memset(grp, 0, sizeof(grp));
		hex_group(sc, cur, grp, false);
		memset(cur, 0, sizeof(cur));
		for (size_t q = 0; q < IP6_SPAN; q++) {
			ends[q] |= grp[q];
			if (grp[q] && at(sc, q) == ':' && q + 1 < IP6_SPAN)
				cur[q + 1] = true;
		}
	}
}

static size_t m_ip6(const struct scan *sc)
{
	bool ends[IP6_SPAN] = {false};
	size_t best = 0;

	if (!is_hex(at(sc, 0)) && at(sc, 0) != ':')
		return 0;
	ip6_compressed(sc, ends);
	ip6_full(sc, ends);
	for (size_t q = 1; q < IP6_SPAN; q++) {
		size_t len;

		if (!ends[q])
			continue;
		len = q + cidr(sc, q);
		if (len > best)
			best = len;
	}
	return best;
}

static size_t m_path(const struct scan *sc)
{
	size_t k = 1;

	if (at(sc, 0) != '/')
		return 0;
	while (k < sc->n && sc->s[k] != '"' && sc->s[k] != '\n' && sc->s[k] != ' ')
		k++;
	return k;
}

static size_t m_string(const struct scan *sc)
{
	size_t k = 1;
	int c;

	if (!is_alpha(at(sc, 0)))
		return 0;
	while ((c = at(sc, k)) >= 0 && (is_alpha(c) || is_digit(c) || strchr(".-_", c)) && c)
		k++;
	return k;
}

/* A comment only counts when a newline ends it ("#.*$"). */
static size_t m_comment(const struct scan *sc)
{
	const unsigned char *nl;

	if (at(sc, 0) != '#')
		return 0;
	nl = memchr(sc->s, '\n', sc->n);
	return nl ? (size_t)(nl - sc->s) : 0;
}

static size_t m_ws(const struct scan *sc)
{
	size_t k = 0;

	while (at(sc, k) == ' ' || at(sc, k) == '\t')
		k++;
	return k;
}

static size_t m_kw(const struct scan *sc, enum ctd_kw *kw)
{
	size_t best = 0;

	for (size_t i = 0; i < CTD_KW_NONE; i++) {
		size_t l = strlen(kw_names[i]);

		if (l > best && l <= sc->n && !memcmp(sc->s, kw_names[i], l)) {
			best = l;
			*kw = (enum ctd_kw)i;
		}
	}
	for (size_t i = 0; i < sizeof(kw_alias) / sizeof(kw_alias[0]); i++) {
		size_t l = strlen(kw_alias[i].name);

		if (l > best && l <= sc->n && !memcmp(sc->s, kw_alias[i].name, l)) {
			best = l;
			*kw = kw_alias[i].kw;
		}
	}
	return best;
}

static size_t match(const struct scan *sc, enum rule r, enum ctd_kw *kw)
{
	switch (r) {
	case R_KW:
		return m_kw(sc, kw);
	case R_TRUE:
		return m_true(sc);
	case R_FALSE:
		return m_false(sc);
	case R_INT:
		return digits(sc, 0);
	case R_SIGNED:
		return m_signed(sc);
	case R_IP4:
		return m_ip4(sc);
	case R_IP6:
		return m_ip6(sc);
	case R_PATH:
		return m_path(sc);
	case R_ALARM:
		return CLASSES(sc, "A|a", "L|l", "A|a", "R|r", "M|m");
	case R_PERSISTENT:
		return CLASSES(sc, "P|p", "E|e", "R|r", "S|s", "I|i", "S|s", "T|t", "E|e", "N|n",
			       "T|T");
	case R_FTFW:
		return CLASSES(sc, "F|f", "T|t", "F|f", "W|w");
	case R_NACK:
		return CLASSES(sc, "N|n", "A|a", "C|c", "K|k");
	case R_NOTRACK:
		return CLASSES(sc, "N|n", "O|o", "T|t", "R|r", "A|a", "C|c", "K|k");
	case R_STRING:
		return m_string(sc);
	case R_COMMENT:
		return m_comment(sc);
	case R_WS:
		return m_ws(sc);
	case R_NL:
		return at(sc, 0) == '\n' || at(sc, 0) == '\r';
	case R_CHAR:
		return at(sc, 0) != '\n';
	default:
		return 0;
	}
}

int ctd_lex_atoi(const char *s, size_t len)
{
	unsigned long long v = 0;
	bool neg = false;
	size_t i = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len && is_digit((unsigned char)s[i]); i++) {
		const unsigned long long cap = (unsigned long long)LONG_MAX + 1;

		v = v > cap / 10 ? cap : v * 10 + (unsigned long long)(s[i] - '0');
		if (v > cap)
			v = cap;
	}
	/* strtol() saturates at LONG_MAX/LONG_MIN; atoi() keeps the low 32 bits. */
	if (!neg && v > (unsigned long long)LONG_MAX)
		v = (unsigned long long)LONG_MAX;
	if (neg)
		v = 0 - v;
	return (int)(int32_t)(uint32_t)v;
}

void ctd_lex_init(struct ctd_lexer *lx, const char *text, size_t len, ctd_lex_warn_fn warn,
		  void *ctx)
{
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->warn = warn;
	lx->ctx = ctx;
}

static void warn(struct ctd_lexer *lx, const char *msg)
{
	if (lx->warn)
		lx->warn(lx->ctx, msg);
}

/* Fill @t for rule @r that matched @len bytes at lx->p. */
static void emit(struct ctd_lexer *lx, struct ctd_token *t, enum rule r, size_t len)
{
	static const enum ctd_tok_type type[R_MAX] = {
		[R_KW] = CTD_T_KW,	     [R_TRUE] = CTD_T_ON,
		[R_FALSE] = CTD_T_OFF,	     [R_INT] = CTD_T_NUMBER,
		[R_SIGNED] = CTD_T_SIGNED,   [R_IP4] = CTD_T_IP,
		[R_IP6] = CTD_T_IP,	     [R_PATH] = CTD_T_PATH,
		[R_ALARM] = CTD_T_ALARM,     [R_PERSISTENT] = CTD_T_ALARM,
		[R_FTFW] = CTD_T_FTFW,	     [R_NACK] = CTD_T_FTFW,
		[R_NOTRACK] = CTD_T_NOTRACK, [R_STRING] = CTD_T_STRING,
		[R_CHAR] = CTD_T_CHAR,
	};

	t->type = type[r];
	t->text = lx->p;
	t->len = len;
	if (r == R_INT || r == R_SIGNED)
		t->num = ctd_lex_atoi(lx->p, len);
	if (r == R_PERSISTENT)
		warn(lx, "Now `persistent' mode is called `alarm'. Please, update your "
			 "conntrackd.conf file.");
	if (r == R_NACK)
		warn(lx, "Now `nack' mode is called `ftfw'. Please, update your "
			 "conntrackd.conf file.\n");
	/* The parser takes a character token <= 0 (NUL, or a byte >= 0x80 in
	 * a signed char) as the end of input. */
	if (r == R_CHAR) {
		t->chr = (signed char)*lx->p;
		if (t->chr <= 0)
			t->type = CTD_T_EOF;
	}
	lx->p += len;
}

void ctd_lex_next(struct ctd_lexer *lx, struct ctd_token *t)
{
	memset(t, 0, sizeof(*t));
	t->kw = CTD_KW_NONE;
	for (;;) {
		struct scan sc = {(const unsigned char *)lx->p, (size_t)(lx->end - lx->p)};
		enum rule best = R_MAX;
		enum ctd_kw kw = CTD_KW_NONE;
		size_t best_len = 0;

		if (!sc.n) {
			t->type = CTD_T_EOF;
			t->text = "";
			t->line = lx->line;
			return;
		}
		for (enum rule r = R_KW; r < R_MAX; r++) {
			enum ctd_kw k = CTD_KW_NONE;
			size_t l = match(&sc, r, &k);

			if (l > best_len) {
				best_len = l;
				best = r;
				if (r == R_KW)
					kw = k;
			}
		}
		if (best == R_NL && *lx->p == '\n')
			lx->line++;
		if (best == R_COMMENT || best == R_WS || best == R_NL) {
			lx->p += best_len;
			continue;
		}
		t->kw = best == R_KW ? kw : CTD_KW_NONE;
		emit(lx, t, best, best_len);
		t->line = lx->line;
		return;
	}
}
