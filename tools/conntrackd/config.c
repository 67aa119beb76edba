// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf parser: the reference's (1.4.7) grammar by recursive
 * descent. The reference's parser is LR and runs each rule's action when
 * the rule's last token arrives; here each action runs right after that
 * token is taken, so semantic errors and warnings come in the same order,
 * and a syntax error is reported at the same (first unusable) token.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config.h"
#include "config_lex.h"

/* The reference's defaults (init_config, and its server's listen backlog). */
#define DEF_HASH_SIZE		  65536
#define DEF_HASH_LIMIT		  262144
#define DEF_UNIX_BACKLOG	  100
#define DEF_OVERRUN_RESYNC	  30
#define DEF_EVENT_ITERATION_LIMIT 100
#define DEF_RESEND_QUEUE_SIZE	  131072
#define DEF_ACK_WINDOW_SIZE	  300
#define DEF_REFRESH_TIME	  60
#define DEF_CACHE_TIMEOUT	  180
#define DEF_PURGE_TIMEOUT	  60
#define DEF_ERROR_QUEUE_LENGTH	  128

#define HELPER_NAME_LEN 16 /* the reference's CTD_HELPER_NAME_LEN */
#define HSTACK_MAX	256

/* Pending Helper Type pieces, popped newest first when the Type closes. */
enum hsym { HS_QUEUE_NUM, HS_QUEUE_LEN, HS_POLICY, HS_POLICY_LEAF };

struct hsym_item {
	enum hsym type;
	int val;
	char name[HELPER_NAME_LEN];
	unsigned int expect_max, expect_timeout;
};

struct parser {
	struct ctd_config *c;
	struct ctd_config_error *err;
	struct ctd_lexer lx;
	struct ctd_token tok; /* lookahead */
	bool have_tok;
	struct ctd_token val;	      /* the value token just taken */
	enum ctd_link_kind link_kind; /* kind of every link so far */
	bool in_mcast;		      /* reading a Multicast section */
	bool idx6[CTD_LINKS_MAX];     /* Multicast: an interface index was kept for IPv6 */
	struct hsym_item hstack[HSTACK_MAX];
	unsigned int hdepth;
	/* States on the reference's parser stack, counted in a Helper section:
	 * nested Types are the one way to make it overflow. */
	bool ytrack;
	unsigned int ydepth;
};

enum vkind { V_UINT, V_BOOL, V_FN };
enum vbase { B_CONF, B_LINK };

struct item {
	enum ctd_kw kw;
	enum vkind kind;
	enum vbase base;
	size_t off;
	int (*fn)(struct parser *p, enum ctd_kw kw);
};

struct section {
	const struct item *items;
	size_t n;
	int (*ext)(struct parser *p); /* ctkit keywords (scanned as strings) */
};

/* ---- diagnostics ---- */

static void vformat(struct ctd_config_error *e, unsigned int line, const char *fmt, va_list ap)
{
	e->line = line;
	e->exit_code = 1;
	e->plain = false;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(p->err, p->lx.line, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 2, 3))) static void warn(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->c->n_warnings >= CTD_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vformat(&p->c->warnings[p->c->n_warnings++], p->lx.line, fmt, ap);
	va_end(ap);
}

static void lex_warn(void *ctx, const char *msg)
{
	warn(ctx, "%s", msg);
}

/* ---- tokens ---- */

static struct ctd_token *peek(struct parser *p)
{
	if (!p->have_tok) {
		ctd_lex_next(&p->lx, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

static void take(struct parser *p)
{
	peek(p);
	p->val = p->tok;
	p->have_tok = false;
}

/* The reference's parser errors name a token (the text it was cut from) and its line. */
static int parser_error(struct parser *p, const struct ctd_token *t, const char *why)
{
	size_t n = strnlen(t->text, t->len);

	p->err->line = t->line;
	p->err->exit_code = 1;
	p->err->plain = false;
	snprintf(p->err->msg, sizeof(p->err->msg),
		 "parsing config file in line (%u), symbol '%.*s': %s", t->line, (int)n, t->text,
		 why);
	return -1;
}

/* The lookahead cannot continue the file. */
static int syntax(struct parser *p)
{
	return parser_error(p, peek(p), "syntax error");
}

/*
 * One more state on the reference's stack (a shift, or an empty list
 * before any lookahead is read): at YYMAXDEPTH it gives up, naming the
 * token read last.
 */
#define YYMAXDEPTH 10000

static int ypush(struct parser *p)
{
	if (!p->ytrack || ++p->ydepth < YYMAXDEPTH)
		return 0;
	return parser_error(p, &p->val, "memory exhausted");
}

static int shift(struct parser *p)
{
	take(p);
	return ypush(p);
}

static bool is_char(struct parser *p, int c)
{
	return peek(p)->type == CTD_T_CHAR && p->tok.chr == c;
}

static bool is_kw(struct parser *p, enum ctd_kw kw)
{
	return peek(p)->type == CTD_T_KW && p->tok.kw == kw;
}

static int want_char(struct parser *p, int c)
{
	if (!is_char(p, c))
		return syntax(p);
	return shift(p);
}

static int want_kw(struct parser *p, enum ctd_kw kw)
{
	if (!is_kw(p, kw))
		return syntax(p);
	return shift(p);
}

/* Take a token of one of the types in @mask (bits of enum ctd_tok_type). */
static int want(struct parser *p, unsigned int mask)
{
	if (!(mask & (1u << peek(p)->type)))
		return syntax(p);
	return shift(p);
}

#define TOK(t) (1u << (t))

static bool val_is(const struct parser *p, enum ctd_tok_type t)
{
	return p->val.type == t;
}

/* The value token as a C string (the scanner's copy stops at a NUL). */
static void val_str(const struct parser *p, char *buf, size_t size)
{
	size_t n = strnlen(p->val.text, p->val.len);

	snprintf(buf, size, "%.*s", (int)n, p->val.text);
}

static size_t val_strlen(const struct parser *p)
{
	return strnlen(p->val.text, p->val.len);
}

static bool val_eq(const struct parser *p, const char *s)
{
	return val_strlen(p) == strlen(s) && !memcmp(p->val.text, s, strlen(s));
}

/* Copy as much of @src as fits (the reference truncates the same way). */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- section bodies ---- */

static struct ctd_link_conf *cur_link(struct parser *p)
{
	if (p->c->n_links >= CTD_LINKS_MAX) {
		fail(p, "too many dedicated links in the configuration file (Maximum: %d)",
		     CTD_LINKS_MAX);
		return NULL;
	}
	return &p->c->links[p->c->n_links];
}

static int set_value(struct parser *p, const struct item *it)
{
	char *base = (char *)p->c;

	if (it->kind == V_UINT ? want(p, TOK(CTD_T_NUMBER))
			       : want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF)))
		return -1;
	if (it->base == B_LINK) {
		struct ctd_link_conf *l = cur_link(p);

		if (!l)
			return -1;
		base = (char *)l;
	}
	if (it->kind == V_UINT)
		*(unsigned int *)(base + it->off) = (unsigned int)p->val.num;
	else
		*(bool *)(base + it->off) = val_is(p, CTD_T_ON);
	return 0;
}

static int body(struct parser *p, const struct section *s)
{
	for (;;) {
		const struct item *it = NULL;
		struct ctd_token *t = peek(p);
		unsigned int depth = p->ydepth;

		if (is_char(p, '}'))
			return shift(p);
		if (t->type == CTD_T_STRING && s->ext) {
			if (s->ext(p))
				return -1;
			continue;
		}
		for (size_t i = 0; t->type == CTD_T_KW && i < s->n; i++)
			if (s->items[i].kw == t->kw)
				it = &s->items[i];
		if (!it)
			return syntax(p);
		if (shift(p) || (it->kind == V_FN ? it->fn(p, it->kw) : set_value(p, it)))
			return -1;
		/* the item is reduced into the list again */
		p->ydepth = depth;
	}
}

static int block(struct parser *p, const struct section *s)
{
	/* '{', then the empty list, reduced before any lookahead */
	return want_char(p, '{') || ypush(p) ? -1 : body(p, s);
}

#define ITEMS(a) a, sizeof(a) / sizeof(a[0])
#define NUM(k, f)                                                                                  \
	{                                                                                          \
		k, V_UINT, B_CONF, offsetof(struct ctd_config, f), NULL                            \
	}
#define BOOL(k, f)                                                                                 \
	{                                                                                          \
		k, V_BOOL, B_CONF, offsetof(struct ctd_config, f), NULL                            \
	}
#define LNUM(k, f)                                                                                 \
	{                                                                                          \
		k, V_UINT, B_LINK, offsetof(struct ctd_link_conf, f), NULL                         \
	}
#define LBOOL(k, f)                                                                                \
	{                                                                                          \
		k, V_BOOL, B_LINK, offsetof(struct ctd_link_conf, f), NULL                         \
	}
#define FN(k, f)                                                                                   \
	{                                                                                          \
		k, V_FN, B_CONF, 0, f                                                              \
	}

/* ---- General ---- */

static int path_value(struct parser *p, char *dst, size_t maxlen, const char *what)
{
	if (val_strlen(p) > maxlen)
		return fail(p, "%s path is longer than %zu characters", what, maxlen);
	val_str(p, dst, maxlen + 1);
	return 0;
}

static int g_logfile(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF) | TOK(CTD_T_PATH)))
		return -1;
	if (val_is(p, CTD_T_ON))
		snprintf(p->c->logfile, sizeof(p->c->logfile), "%s", CTD_DEFAULT_LOGFILE);
	if (val_is(p, CTD_T_PATH))
		return path_value(p, p->c->logfile, CTD_PATH_MAX - 1, "LogFile");
	return 0;
}

static int g_lockfile(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_PATH)))
		return -1;
	return path_value(p, p->c->lockfile, CTD_PATH_MAX - 1, "LockFile");
}

static int facility(const struct parser *p)
{
	static const struct {
		const char *name;
		int value;
	} f[] = {
		{"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
		{"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
		{"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (val_eq(p, f[i].name))
			return f[i].value;
	return -1;
}

/* Syslog in General (@mine = syslog_facility) or Stats; texts differ by a dot. */
static int syslog_value(struct parser *p, int *mine, const int *other, const char *dot)
{
	char name[64];
	int f;

	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF) | TOK(CTD_T_STRING)))
		return -1;
	if (!val_is(p, CTD_T_STRING)) {
		*mine = val_is(p, CTD_T_ON) ? LOG_DAEMON : -1;
		return 0;
	}
	f = facility(p);
	if (f < 0) {
		val_str(p, name, sizeof(name));
		warn(p, "'%s' is not a known syslog facility, ignoring%s", name, dot);
		return 0;
	}
	*mine = f;
	if (*other != -1 && *mine != *other)
		warn(p, "conflicting Syslog facility values, defaulting to General");
	return 0;
}

static int g_syslog(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	return syslog_value(p, &p->c->syslog_facility, &p->c->stats_syslog_facility, "");
}

static int u_path(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_PATH)))
		return -1;
	if (val_strlen(p) >= CTD_UNIX_PATH_MAX)
		return fail(p, "Path is longer than %d characters", CTD_UNIX_PATH_MAX - 1);
	val_str(p, p->c->unix_path, sizeof(p->c->unix_path));
	return 0;
}

static int u_backlog(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_NUMBER)))
		return -1;
	warn(p, "deprecated unix backlog configuration, ignoring.");
	return 0;
}

static const struct item unix_items[] = {
	FN(CTD_KW_PATH, u_path),
	FN(CTD_KW_BACKLOG, u_backlog),
};

static int g_unix(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(unix_items), NULL};

	(void)kw;
	return block(p, &s);
}

static int g_overrun(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF) | TOK(CTD_T_NUMBER)))
		return -1;
	if (val_is(p, CTD_T_NUMBER))
		p->c->netlink_overrun_resync = p->val.num;
	else
		p->c->netlink_overrun_resync = val_is(p, CTD_T_ON) ? DEF_OVERRUN_RESYNC : -1;
	return 0;
}

static int g_poll(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_NUMBER)))
		return -1;
	p->c->poll_secs = (unsigned int)p->val.num;
	if (!p->c->poll_secs)
		return fail(p, "`PollSecs' clause must be > 0");
	return 0;
}

static int g_nice(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_SIGNED)))
		return -1;
	warn(p, "deprecated nice configuration, ignoring. The nice value can be set "
		"externally with nice(1) and renice(1).");
	return 0;
}

static int g_systemd(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF)))
		return -1;
	p->c->systemd = val_is(p, CTD_T_ON);
	return 0;
}

static int s_type(struct parser *p, enum ctd_kw kw)
{
	char name[64];

	(void)kw;
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	val_str(p, name, sizeof(name));
	if (!strcasecmp(name, "rr") && val_strlen(p) == 2)
		p->c->sched_type = SCHED_RR;
	else if (!strcasecmp(name, "fifo") && val_strlen(p) == 4)
		p->c->sched_type = SCHED_FIFO;
	else
		return fail(p, "unknown scheduler `%s'", name);
	return 0;
}

static int s_prio(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_NUMBER)))
		return -1;
	p->c->sched_prio = p->val.num;
	/* The reference's text ends in a newline of its own. */
	if (p->c->sched_prio < 0 || p->c->sched_prio > 99)
		return fail(p, "`Priority' must be [0, 99]\n");
	return 0;
}

static const struct item sched_items[] = {
	FN(CTD_KW_TYPE, s_type),
	FN(CTD_KW_PRIORITY, s_prio),
};

static int g_scheduler(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(sched_items), NULL};

	(void)kw;
	return block(p, &s);
}

/* ---- General: Filter ---- */

static int accept_or_ignore(struct parser *p, enum ctd_filter_policy *pol)
{
	if (!is_kw(p, CTD_KW_ACCEPT) && !is_kw(p, CTD_KW_IGNORE))
		return syntax(p);
	*pol = is_kw(p, CTD_KW_ACCEPT) ? CTD_FILTER_ACCEPT : CTD_FILTER_IGNORE;
	take(p);
	return want_char(p, '{');
}

static void add_proto(struct parser *p, const char *name)
{
	struct protoent pe, *res = NULL;
	char buf[1024];

	if (getprotobyname_r(name, &pe, buf, sizeof(buf), &res) || !res) {
		warn(p, "getprotobyname() cannot find protocol `%s' in /etc/protocols", name);
		return;
	}
	p->c->filter.protos[res->p_proto & 0xff] = 1;
}

static int f_protocol(struct parser *p, enum ctd_kw kw)
{
	enum ctd_filter_policy pol;
	char name[64];

	(void)kw;
	if (accept_or_ignore(p, &pol))
		return -1;
	while (!is_char(p, '}')) {
		if (is_kw(p, CTD_KW_TCP) || is_kw(p, CTD_KW_UDP)) {
			take(p);
			add_proto(p, p->val.kw == CTD_KW_TCP ? "tcp" : "udp");
		} else if (peek(p)->type == CTD_T_STRING) {
			take(p);
			val_str(p, name, sizeof(name));
			add_proto(p, name);
		} else {
			return syntax(p);
		}
	}
	take(p);
	p->c->filter.proto_policy = pol;
	return 0;
}

static bool same_addr(const struct ctd_filter_addr *a, int family, const struct in6_addr *addr,
		      unsigned int prefix)
{
	return a->family == family && a->prefix == prefix &&
	       !memcmp(&a->addr, addr, family == AF_INET ? 4 : 16);
}

/* A /cidr network (@net) or a host; duplicates are kept once. */
static void add_addr(struct parser *p, int family, const struct in6_addr *addr, unsigned int prefix,
		     bool net, const char *text)
{
	struct ctd_filter_conf *f = &p->c->filter;
	struct ctd_filter_addr *a;

	for (unsigned int i = 0; i < f->n_addrs; i++) {
		if (!same_addr(&f->addrs[i], family, addr, prefix))
			continue;
		/* the reference only notices repeated IPv4 networks */
		if (net && family == AF_INET)
			warn(p, "netmask %s is repeated in the ignore pool", text);
		return;
	}
	if (f->n_addrs >= CTD_FILTER_ADDR_MAX) {
		warn(p, "too many IP in the ignore pool!");
		return;
	}
	a = &f->addrs[f->n_addrs++];
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(&a->addr, addr, family == AF_INET ? 4 : 16);
	a->prefix = prefix;
	if (net)
		f->has_netmask = true;
}

static int f_address_item(struct parser *p, int family)
{
	unsigned int max = family == AF_INET ? 32 : 128, prefix = max;
	struct in6_addr addr;
	char text[128], *slash;
	int r;

	if (want(p, TOK(CTD_T_IP)))
		return -1;
	val_str(p, text, sizeof(text));
	slash = strchr(text, '/');
	if (slash) {
		*slash = '\0';
		prefix = (unsigned int)ctd_lex_atoi(slash + 1, strlen(slash + 1));
		/* IPv6 reads it as a signed int: negative means "no mask" there */
		if (family == AF_INET6 && (int)prefix < 0)
			prefix = 0;
		if (prefix > max) {
			warn(p, "%s/%d is not a valid network, ignoring", text, (int)prefix);
			return 0;
		}
	}
	memset(&addr, 0, sizeof(addr));
	r = family == AF_INET ? inet_aton(text, (struct in_addr *)&addr)
			      : inet_pton(AF_INET6, text, &addr);
	if (r <= 0) {
		warn(p, "%s is not a valid IPv%c, ignoring", text, family == AF_INET ? '4' : '6');
		return 0;
	}
	add_addr(p, family, &addr, prefix, slash && prefix < max, text);
	return 0;
}

static int f_address(struct parser *p, enum ctd_kw kw)
{
	enum ctd_filter_policy pol;

	(void)kw;
	if (accept_or_ignore(p, &pol))
		return -1;
	while (!is_char(p, '}')) {
		int family = is_kw(p, CTD_KW_IPV4_ADDR) ? AF_INET : AF_INET6;

		if (!is_kw(p, CTD_KW_IPV4_ADDR) && !is_kw(p, CTD_KW_IPV6_ADDR))
			return syntax(p);
		take(p);
		if (f_address_item(p, family))
			return -1;
	}
	take(p);
	p->c->filter.addr_policy = pol;
	return 0;
}

static int tcp_state_of(enum ctd_kw kw)
{
	switch (kw) {
	case CTD_KW_SYN_SENT:
		return 1;
	case CTD_KW_SYN_RECV:
		return 2;
	case CTD_KW_ESTABLISHED:
		return 3;
	case CTD_KW_FIN_WAIT:
		return 4;
	case CTD_KW_CLOSE_WAIT:
		return 5;
	case CTD_KW_LAST_ACK:
		return 6;
	case CTD_KW_TIME_WAIT:
		return 7;
	case CTD_KW_CLOSE:
		return 8;
	case CTD_KW_LISTEN:
		return 9;
	default:
		return -1;
	}
}

/* { [state ...] for TCP ... }: states count as soon as they are read. */
static int f_state(struct parser *p, enum ctd_kw kw)
{
	enum ctd_filter_policy pol;
	bool pending = false;

	(void)kw;
	if (accept_or_ignore(p, &pol))
		return -1;
	for (;;) {
		int st = peek(p)->type == CTD_T_KW ? tcp_state_of(p->tok.kw) : -1;

		if (st >= 0) {
			take(p);
			p->c->filter.tcp_states |= (uint16_t)(1u << st);
			pending = true;
		} else if (is_kw(p, CTD_KW_FOR)) {
			take(p);
			if (want_kw(p, CTD_KW_TCP))
				return -1;
			pending = false;
		} else if (is_char(p, '}') && !pending) {
			take(p);
			p->c->filter.state_policy = pol;
			return 0;
		} else {
			return syntax(p);
		}
	}
}

static const struct item filter_items[] = {
	FN(CTD_KW_PROTOCOL, f_protocol),
	FN(CTD_KW_ADDRESS, f_address),
	FN(CTD_KW_STATE, f_state),
};

static int g_filter(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(filter_items), NULL};
	bool kernel = false;

	(void)kw;
	if (is_kw(p, CTD_KW_FROM)) {
		take(p);
		if (!is_kw(p, CTD_KW_USERSPACE) && !is_kw(p, CTD_KW_KERNELSPACE))
			return syntax(p);
		kernel = is_kw(p, CTD_KW_KERNELSPACE);
		take(p);
	}
	if (block(p, &s))
		return -1;
	p->c->filter.present = true;
	p->c->filter.kernelspace = kernel;
	return 0;
}

static const struct item general_items[] = {
	NUM(CTD_KW_HASHSIZE, hash_size),
	NUM(CTD_KW_HASHLIMIT, hash_limit),
	FN(CTD_KW_LOGFILE, g_logfile),
	FN(CTD_KW_SYSLOG, g_syslog),
	FN(CTD_KW_LOCKFILE, g_lockfile),
	FN(CTD_KW_UNIX, g_unix),
	NUM(CTD_KW_BUFFER_SIZE, netlink_buffer_size),
	NUM(CTD_KW_BUFFER_SIZE_MAX, netlink_buffer_size_max),
	NUM(CTD_KW_EVENT_ITER_LIMIT, event_iteration_limit),
	FN(CTD_KW_POLL_SECS, g_poll),
	FN(CTD_KW_FILTER, g_filter),
	FN(CTD_KW_NL_OVERRUN_RESYNC, g_overrun),
	BOOL(CTD_KW_NL_EVENTS_RELIABLE, netlink_events_reliable),
	FN(CTD_KW_NICE, g_nice),
	FN(CTD_KW_SCHEDULER, g_scheduler),
	FN(CTD_KW_SYSTEMD, g_systemd),
};

/* ---- Sync: dedicated links ---- */

static int link_addr(struct parser *p, struct ctd_link_conf **l, int family, void *dst)
{
	char text[128];
	int r;

	if (want(p, TOK(CTD_T_IP)))
		return -1;
	*l = cur_link(p);
	if (!*l)
		return -1;
	val_str(p, text, sizeof(text));
	r = family == AF_INET ? inet_aton(text, dst) : inet_pton(AF_INET6, text, dst);
	if (r <= 0) {
		warn(p, "%s is not a valid IPv%c address", text, family == AF_INET ? '4' : '6');
		return 1;
	}
	return 0;
}

/* Multicast IPv4_address / IPv4_interface: the family may not change to IPv4. */
static int mcast_v4(struct parser *p, enum ctd_kw kw)
{
	struct in6_addr tmp;
	struct ctd_link_conf *l;
	int r = link_addr(p, &l, AF_INET, &tmp);

	if (r)
		return r < 0 ? -1 : 0;
	memcpy(kw == CTD_KW_IPV4_ADDR ? &l->addr : &l->mcast_if, &tmp, 4);
	if (l->family == AF_INET6) {
		warn(p,
		     "your multicast %s is IPv4 but is binded to an IPv6 interface? Surely, "
		     "this is not what you want",
		     kw == CTD_KW_IPV4_ADDR ? "address" : "interface");
		return 0;
	}
	l->family = AF_INET;
	return 0;
}

static int mcast_v6(struct parser *p, enum ctd_kw kw)
{
	struct ctd_link_conf *l;
	struct in6_addr tmp;
	char text[128];
	unsigned int idx;
	int r = link_addr(p, &l, AF_INET6, &tmp);

	(void)kw;
	if (r)
		return r < 0 ? -1 : 0;
	l->addr = tmp;
	if (l->family == AF_INET) {
		warn(p, "your multicast address is IPv6 but is binded to an IPv4 interface? "
			"Surely this is not what you want");
		return 0;
	}
	l->family = AF_INET6;
	if (!l->ifname[0] || p->idx6[p->c->n_links])
		return 0;
	/* The reference looks the address up as an interface name here. */
	val_str(p, text, sizeof(text));
	idx = if_nametoindex(text);
	if (!idx) {
		warn(p, "%s is an invalid interface", text);
		return 0;
	}
	l->ifindex = idx;
	p->idx6[p->c->n_links] = true;
	return 0;
}

static int mcast_v6_iface(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_IP)))
		return -1;
	warn(p, "`IPv6_interface' not required, ignoring");
	return 0;
}

static int link_iface(struct parser *p, enum ctd_kw kw)
{
	struct ctd_link_conf *l;
	char name[256];
	unsigned int idx;

	(void)kw;
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	l = cur_link(p);
	if (!l)
		return -1;
	val_str(p, name, sizeof(name));
	copy_str(l->ifname, sizeof(l->ifname), name);
	idx = if_nametoindex(name);
	if (!idx) {
		warn(p, "%s is an invalid interface", name);
		return 0;
	}
	l->ifindex = idx;
	if (p->in_mcast && l->family == AF_INET6)
		p->idx6[p->c->n_links] = true;
	return 0;
}

/* UDP/TCP addresses: local or destination, either family. */
static int link_ip(struct parser *p, enum ctd_kw kw)
{
	int family = kw == CTD_KW_IPV4_ADDR || kw == CTD_KW_IPV4_DEST_ADDR ? AF_INET : AF_INET6;
	bool dest = kw == CTD_KW_IPV4_DEST_ADDR || kw == CTD_KW_IPV6_DEST_ADDR;
	struct ctd_link_conf *l;
	struct in6_addr tmp;
	int r = link_addr(p, &l, family, &tmp);

	if (r)
		return r < 0 ? -1 : 0;
	memcpy(dest ? &l->dest : &l->addr, &tmp, family == AF_INET ? 4 : 16);
	if (dest)
		l->has_dest = true;
	l->family = family;
	return 0;
}

static int tcp_errq(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_NUMBER)) || !cur_link(p))
		return -1;
	p->c->error_queue_length = (unsigned int)p->val.num;
	return 0;
}

static const struct item mcast_items[] = {
	FN(CTD_KW_IPV4_ADDR, mcast_v4),	  FN(CTD_KW_IPV6_ADDR, mcast_v6),
	FN(CTD_KW_IPV4_IFACE, mcast_v4),  FN(CTD_KW_IPV6_IFACE, mcast_v6_iface),
	FN(CTD_KW_IFACE, link_iface),	  LNUM(CTD_KW_GROUP, port),
	LNUM(CTD_KW_SNDBUF, sndbuf),	  LNUM(CTD_KW_RCVBUF, rcvbuf),
	LBOOL(CTD_KW_CHECKSUM, checksum),
};

static const struct item udp_items[] = {
	FN(CTD_KW_IPV4_ADDR, link_ip),
	FN(CTD_KW_IPV6_ADDR, link_ip),
	FN(CTD_KW_IPV4_DEST_ADDR, link_ip),
	FN(CTD_KW_IPV6_DEST_ADDR, link_ip),
	FN(CTD_KW_IFACE, link_iface),
	LNUM(CTD_KW_PORT, port),
	LNUM(CTD_KW_SNDBUF, sndbuf),
	LNUM(CTD_KW_RCVBUF, rcvbuf),
	LBOOL(CTD_KW_CHECKSUM, checksum),
	FN(CTD_KW_ERROR_QUEUE_LENGTH, tcp_errq), /* TCP only: see sync_link() */
};

static int sync_link(struct parser *p, enum ctd_kw kw)
{
	static const struct section mcast = {ITEMS(mcast_items), NULL};
	static const struct section udp = {udp_items, sizeof(udp_items) / sizeof(udp_items[0]) - 1,
					   NULL};
	static const struct section tcp = {ITEMS(udp_items), NULL};
	enum ctd_link_kind kind = kw == CTD_KW_MULTICAST ? CTD_LINK_MCAST
				  : kw == CTD_KW_UDP	 ? CTD_LINK_UDP
							 : CTD_LINK_TCP;
	const char *name = kw == CTD_KW_MULTICAST ? "Multicast" : kw == CTD_KW_UDP ? "UDP" : "TCP";
	bool is_default = is_kw(p, CTD_KW_DEFAULT);
	struct ctd_link_conf *l;
	int r;

	if (is_default)
		take(p);
	p->in_mcast = kind == CTD_LINK_MCAST;
	r = block(p, kind == CTD_LINK_MCAST ? &mcast : kind == CTD_LINK_UDP ? &udp : &tcp);
	p->in_mcast = false;
	if (r)
		return -1;
	if (p->link_kind != CTD_LINK_NONE && p->link_kind != kind)
		return fail(p, "cannot use `%s' with other dedicated link protocols!", name);
	/* ctkit refuses a fifth link even when it has no options (the reference
	 * then writes past its table). */
	l = cur_link(p);
	if (!l)
		return -1;
	p->link_kind = kind;
	l->kind = kind;
	l->is_default = is_default;
	if (is_default)
		p->c->default_link = p->c->n_links;
	p->c->n_links++;
	return 0;
}

/* ---- Sync: modes and options ---- */

static const struct item alarm_items[] = {
	NUM(CTD_KW_REFRESH, refresh_time),
	NUM(CTD_KW_CACHE_TIMEOUT, cache_timeout),
	NUM(CTD_KW_COMMIT_TIMEOUT, commit_timeout),
	NUM(CTD_KW_PURGE_TIMEOUT, purge_timeout),
};

static const struct item ftfw_items[] = {
	NUM(CTD_KW_RESEND_QUEUE_SIZE, resend_queue_size),
	NUM(CTD_KW_COMMIT_TIMEOUT, commit_timeout),
	NUM(CTD_KW_PURGE_TIMEOUT, purge_timeout),
	NUM(CTD_KW_WINDOW_SIZE, ack_window_size),
	BOOL(CTD_KW_DISABLE_EXTERNAL_CACHE, disable_external_cache),
	BOOL(CTD_KW_STARTUP_RESYNC, startup_resync),
};

static const struct item notrack_items[] = {
	NUM(CTD_KW_COMMIT_TIMEOUT, commit_timeout),
	NUM(CTD_KW_PURGE_TIMEOUT, purge_timeout),
	BOOL(CTD_KW_DISABLE_INTERNAL_CACHE, disable_internal_cache),
	BOOL(CTD_KW_DISABLE_EXTERNAL_CACHE, disable_external_cache),
	BOOL(CTD_KW_STARTUP_RESYNC, startup_resync),
};

static int sync_mode(struct parser *p, enum ctd_kw kw)
{
	static const struct section alarm = {ITEMS(alarm_items), NULL};
	static const struct section ftfw = {ITEMS(ftfw_items), NULL};
	static const struct section notrack = {ITEMS(notrack_items), NULL};
	enum ctd_sync_proto proto;
	const struct section *s;

	(void)kw;
	if (want(p, TOK(CTD_T_ALARM) | TOK(CTD_T_FTFW) | TOK(CTD_T_NOTRACK)))
		return -1;
	proto = val_is(p, CTD_T_ALARM)	? CTD_SYNC_ALARM
		: val_is(p, CTD_T_FTFW) ? CTD_SYNC_FTFW
					: CTD_SYNC_NOTRACK;
	s = proto == CTD_SYNC_ALARM ? &alarm : proto == CTD_SYNC_FTFW ? &ftfw : &notrack;
	if (block(p, s))
		return -1;
	p->c->sync_modes |= CTD_SYNC_MODE_BIT(proto);
	return 0;
}

static void add_expect_helper(struct parser *p)
{
	struct ctd_config *c = p->c;
	char name[32];

	val_str(p, name, sizeof(name));
	for (unsigned int i = 0; i < c->n_expect_helpers; i++)
		if (!strcmp(c->expect_helpers[i], name))
			return;
	if (c->n_expect_helpers >= CTD_EXPECT_HELPERS_MAX) {
		warn(p, "too many helpers in ExpectationSync (Maximum: %d), ignoring `%s'",
		     CTD_EXPECT_HELPERS_MAX, name);
		return;
	}
	snprintf(c->expect_helpers[c->n_expect_helpers++], sizeof(c->expect_helpers[0]), "%s",
		 name);
}

static int o_expect(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (peek(p)->type == CTD_T_ON || p->tok.type == CTD_T_OFF) {
		take(p);
		p->c->expectation_sync = val_is(p, CTD_T_ON);
		return 0;
	}
	if (want_char(p, '{'))
		return -1;
	while (!is_char(p, '}')) {
		if (want(p, TOK(CTD_T_STRING)))
			return -1;
		add_expect_helper(p);
	}
	take(p);
	p->c->expectation_sync = true;
	p->c->expect_filter = true;
	return 0;
}

static const struct item option_items[] = {
	BOOL(CTD_KW_TCP_WINDOW_TRACKING, tcp_window_tracking),
	FN(CTD_KW_EXPECT_SYNC, o_expect),
};

static int sync_options(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(option_items), NULL};

	(void)kw;
	return block(p, &s);
}

/* Is the lookahead the string @s (ctkit's keywords scan as strings)? */
static bool is_word(struct parser *p, const char *s)
{
	const struct ctd_token *t = peek(p);

	return t->type == CTD_T_STRING && t->len == strlen(s) && !memcmp(t->text, s, t->len);
}

/* ctkit: Authenticate { Key /path } */
static int sync_ext(struct parser *p)
{
	if (!is_word(p, "Authenticate"))
		return syntax(p);
	take(p);
	if (want_char(p, '{'))
		return -1;
	while (!is_char(p, '}')) {
		if (!is_word(p, "Key"))
			return syntax(p);
		take(p);
		if (want(p, TOK(CTD_T_PATH)) ||
		    path_value(p, p->c->auth_keyfile, CTD_PATH_MAX - 1, "Authenticate Key"))
			return -1;
	}
	take(p);
	return 0;
}

static const struct item sync_items[] = {
	NUM(CTD_KW_REFRESH, refresh_time),
	NUM(CTD_KW_CACHE_TIMEOUT, cache_timeout),
	NUM(CTD_KW_COMMIT_TIMEOUT, commit_timeout),
	NUM(CTD_KW_PURGE_TIMEOUT, purge_timeout),
	FN(CTD_KW_MULTICAST, sync_link),
	FN(CTD_KW_UDP, sync_link),
	FN(CTD_KW_TCP, sync_link),
	FN(CTD_KW_MODE, sync_mode),
	FN(CTD_KW_OPTIONS, sync_options),
};

/* ---- Stats ---- */

static int st_logfile(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF) | TOK(CTD_T_PATH)))
		return -1;
	if (val_is(p, CTD_T_ON))
		snprintf(p->c->stats_logfile, sizeof(p->c->stats_logfile), "%s",
			 CTD_DEFAULT_STATS_LOGFILE);
	if (val_is(p, CTD_T_PATH))
		return path_value(p, p->c->stats_logfile, CTD_PATH_MAX - 1, "stats LogFile");
	return 0;
}

static int st_syslog(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	return syslog_value(p, &p->c->stats_syslog_facility, &p->c->syslog_facility, ".");
}

/* ctkit: LogFormat json|text */
static int stats_ext(struct parser *p)
{
	if (!is_word(p, "LogFormat"))
		return syntax(p);
	take(p);
	if (!is_word(p, "json") && !is_word(p, "text"))
		return syntax(p);
	take(p);
	p->c->stats_json = val_eq(p, "json");
	return 0;
}

static const struct item stats_items[] = {
	FN(CTD_KW_LOGFILE, st_logfile),
	FN(CTD_KW_SYSLOG, st_syslog),
};

/* ---- Helper ---- */

static const struct {
	const char *name;
	uint8_t l4proto;
} known_helpers[] = {
	/* the reference's plugins; each one's only policy has the helper's name */
	{"amanda", IPPROTO_UDP}, {"dhcpv6", IPPROTO_UDP}, {"ftp", IPPROTO_TCP},
	{"mdns", IPPROTO_UDP},	 {"rpc", IPPROTO_TCP},	  {"rpc", IPPROTO_UDP},
	{"sane", IPPROTO_TCP},	 {"slp", IPPROTO_UDP},	  {"ssdp", IPPROTO_UDP},
	{"ssdp", IPPROTO_TCP},	 {"tftp", IPPROTO_UDP},	  {"tns", IPPROTO_TCP},
};

static bool helper_known(const char *name, uint8_t l4proto)
{
	for (size_t i = 0; i < sizeof(known_helpers) / sizeof(known_helpers[0]); i++)
		if (!strcmp(known_helpers[i].name, name) && known_helpers[i].l4proto == l4proto)
			return true;
	return false;
}

static struct hsym_item *hpush(struct parser *p, enum hsym type)
{
	struct hsym_item *e;

	if (p->hdepth >= HSTACK_MAX) {
		fail(p, "too many policies waiting for a Helper Type (Maximum: %d)", HSTACK_MAX);
		return NULL;
	}
	e = &p->hstack[p->hdepth++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	return e;
}

/* The newest item of @type (any type if < 0), taken off the stack. */
static bool hpop(struct parser *p, int type, struct hsym_item *out)
{
	for (unsigned int i = p->hdepth; i-- > 0;) {
		if (type >= 0 && p->hstack[i].type != (enum hsym)type)
			continue;
		*out = p->hstack[i];
		memmove(&p->hstack[i], &p->hstack[i + 1],
			(p->hdepth - i - 1) * sizeof(p->hstack[0]));
		p->hdepth--;
		return true;
	}
	return false;
}

static int h_queue(struct parser *p, enum ctd_kw kw)
{
	struct hsym_item *e;

	if (want(p, TOK(CTD_T_NUMBER)))
		return -1;
	/* Popped newest first, the oldest value is the one that stays: a
	 * newer one can never matter, so the stack need not hold it. */
	for (unsigned int i = 0; i < p->hdepth; i++)
		if (p->hstack[i].type == (kw == CTD_KW_QUEUE_NUM ? HS_QUEUE_NUM : HS_QUEUE_LEN))
			return 0;
	e = hpush(p, kw == CTD_KW_QUEUE_NUM ? HS_QUEUE_NUM : HS_QUEUE_LEN);
	if (!e)
		return -1;
	e->val = p->val.num;
	return 0;
}

static int h_expect(struct parser *p, enum ctd_kw kw)
{
	struct hsym_item e;
	struct hsym_item *top;

	if (want(p, TOK(CTD_T_NUMBER)))
		return -1;
	if (!hpop(p, HS_POLICY_LEAF, &e)) {
		memset(&e, 0, sizeof(e));
		e.type = HS_POLICY_LEAF;
	}
	if (kw == CTD_KW_EXPECT_MAX)
		e.expect_max = (unsigned int)p->val.num;
	else
		e.expect_timeout = (unsigned int)p->val.num;
	top = hpush(p, HS_POLICY_LEAF);
	if (!top)
		return -1;
	*top = e;
	return 0;
}

static const struct item policy_items[] = {
	FN(CTD_KW_EXPECT_MAX, h_expect),
	FN(CTD_KW_EXPECT_TIMEOUT, h_expect),
};

static int h_policy(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(policy_items), NULL};
	char name[64];
	struct hsym_item e;
	struct hsym_item *top;

	(void)kw;
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	val_str(p, name, sizeof(name));
	if (block(p, &s))
		return -1;
	if (!hpop(p, HS_POLICY_LEAF, &e))
		return fail(p, "Helper policy configuration empty, fix your configuration "
			       "file, please");
	if (strlen(name) > HELPER_NAME_LEN)
		return fail(p, "Helper Policy is longer than %u characters", HELPER_NAME_LEN);
	copy_str(e.name, sizeof(e.name), name);
	e.type = HS_POLICY;
	/* A repeated name keeps its oldest values (those stay when popped) but
	 * takes the newest place (where an error would name it). */
	for (unsigned int i = 0; i < p->hdepth; i++) {
		struct hsym_item old = p->hstack[i];

		if (old.type != HS_POLICY || strcmp(old.name, e.name))
			continue;
		memmove(&p->hstack[i], &p->hstack[i + 1], (p->hdepth - i - 1) * sizeof(old));
		p->hdepth--;
		e = old;
		break;
	}
	top = hpush(p, HS_POLICY);
	if (!top)
		return -1;
	*top = e;
	return 0;
}

static int h_type(struct parser *p, enum ctd_kw kw);

static const struct item type_items[] = {
	FN(CTD_KW_TYPE, h_type),
	FN(CTD_KW_QUEUE_NUM, h_queue),
	FN(CTD_KW_QUEUE_LEN, h_queue),
	FN(CTD_KW_POLICY, h_policy),
};

/* Everything pushed since (and before: the reference's stack is shared) goes to @h. */
static int h_collect(struct parser *p, struct ctd_helper_conf *h)
{
	struct hsym_item e;

	while (hpop(p, -1, &e)) {
		if (e.type == HS_QUEUE_NUM)
			h->queue_num = (unsigned int)e.val;
		else if (e.type == HS_QUEUE_LEN)
			h->queue_len = (unsigned int)e.val;
		else if (e.type == HS_POLICY && strcmp(e.name, h->name))
			return fail(p, "Unknown policy `%s' in helper configuration", e.name);
		else if (e.type == HS_POLICY) {
			copy_str(h->policy, sizeof(h->policy), e.name);
			h->expect_max = e.expect_max;
			h->expect_timeout = e.expect_timeout;
		} else
			return fail(p, "Unexpected symbol parsing helper policy");
	}
	return 0;
}

static int h_type_close(struct parser *p, const char *name, const char *l3, const char *l4)
{
	struct ctd_helper_conf h;

	memset(&h, 0, sizeof(h));
	copy_str(h.name, sizeof(h.name), name);
	if (!strcmp(l3, "inet") || !strcmp(l3, "inet6"))
		h.family = l3[4] ? AF_INET6 : AF_INET;
	else
		return fail(p, "unknown layer 3 protocol");
	if (!strcmp(l4, "tcp") || !strcmp(l4, "udp"))
		h.l4proto = l4[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	else
		return fail(p, "unknown layer 4 protocol");
	if (strlen(name) >= sizeof(h.name) || !helper_known(name, h.l4proto))
		return fail(p, "Unknown `%s' helper", name);
	if (h_collect(p, &h))
		return -1;
	if (p->c->n_helpers >= CTD_HELPERS_MAX)
		return fail(p, "too many Helper Type sections (Maximum: %d)", CTD_HELPERS_MAX);
	p->c->helpers[p->c->n_helpers++] = h;
	return 0;
}

static int h_type(struct parser *p, enum ctd_kw kw)
{
	static const struct section s = {ITEMS(type_items), NULL};
	char name[64], l3[64], l4[64];

	(void)kw;
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	val_str(p, name, sizeof(name));
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	val_str(p, l3, sizeof(l3));
	if (want(p, TOK(CTD_T_STRING)))
		return -1;
	val_str(p, l4, sizeof(l4));
	if (block(p, &s))
		return -1;
	return h_type_close(p, name, l3, l4);
}

static int h_setup(struct parser *p, enum ctd_kw kw)
{
	(void)kw;
	if (want(p, TOK(CTD_T_ON) | TOK(CTD_T_OFF)))
		return -1;
	p->c->helper_setup = val_is(p, CTD_T_ON);
	return 0;
}

/* QueueNum, QueueLen and Policy are valid here too (they wait for the next Type). */
static const struct item helper_items[] = {
	FN(CTD_KW_TYPE, h_type),       FN(CTD_KW_SETUP, h_setup),   FN(CTD_KW_QUEUE_NUM, h_queue),
	FN(CTD_KW_QUEUE_LEN, h_queue), FN(CTD_KW_POLICY, h_policy),
};

/* ---- top level ---- */

static int top_section(struct parser *p, enum ctd_kw kw)
{
	static const struct section general = {ITEMS(general_items), NULL};
	static const struct section sync = {ITEMS(sync_items), sync_ext};
	static const struct section stats = {ITEMS(stats_items), stats_ext};
	static const struct section helper = {ITEMS(helper_items), NULL};
	struct ctd_config *c = p->c;

	switch (kw) {
	case CTD_KW_GENERAL:
		return block(p, &general);
	case CTD_KW_HELPER:
		if (block(p, &helper))
			return -1;
		c->helper_mode = true;
		return 0;
	case CTD_KW_SYNC:
	case CTD_KW_STATS:
		if (block(p, kw == CTD_KW_SYNC ? &sync : &stats))
			return -1;
		if (c->mode != CTD_MODE_NONE &&
		    c->mode != (kw == CTD_KW_SYNC ? CTD_MODE_SYNC : CTD_MODE_STATS))
			return fail(p, "cannot use both `Stats' and `Sync' clauses in "
				       "conntrackd.conf");
		c->mode = kw == CTD_KW_SYNC ? CTD_MODE_SYNC : CTD_MODE_STATS;
		return 0;
	default:
		return syntax(p);
	}
}

/*
 * What the reference does once the file is read: zero means "the default"
 * (init_config), and CommitTimeout yields to DisableExternalCache (evaluate).
 */
static void fix_defaults(struct parser *p)
{
	struct ctd_config *c = p->c;

	if (!c->lockfile[0])
		copy_str(c->lockfile, sizeof(c->lockfile), CTD_DEFAULT_LOCKFILE);
#define ZERO_DEFAULT(f, v)                                                                         \
	do {                                                                                       \
		if (!c->f)                                                                         \
			c->f = v;                                                                  \
	} while (0)
	ZERO_DEFAULT(cache_timeout, DEF_CACHE_TIMEOUT);
	ZERO_DEFAULT(purge_timeout, DEF_PURGE_TIMEOUT);
	ZERO_DEFAULT(refresh_time, DEF_REFRESH_TIME);
	ZERO_DEFAULT(resend_queue_size, DEF_RESEND_QUEUE_SIZE);
	ZERO_DEFAULT(ack_window_size, DEF_ACK_WINDOW_SIZE);
	ZERO_DEFAULT(event_iteration_limit, DEF_EVENT_ITERATION_LIMIT);
	ZERO_DEFAULT(netlink_overrun_resync, DEF_OVERRUN_RESYNC);
	ZERO_DEFAULT(error_queue_length, DEF_ERROR_QUEUE_LENGTH);
	ZERO_DEFAULT(hash_size, DEF_HASH_SIZE);
	ZERO_DEFAULT(hash_limit, DEF_HASH_LIMIT);
#undef ZERO_DEFAULT
	if (c->sync_modes & CTD_SYNC_MODE_BIT(CTD_SYNC_FTFW))
		c->sync_proto = CTD_SYNC_FTFW;
	else if (c->sync_modes & CTD_SYNC_MODE_BIT(CTD_SYNC_ALARM))
		c->sync_proto = CTD_SYNC_ALARM;
	else if (c->sync_modes & CTD_SYNC_MODE_BIT(CTD_SYNC_NOTRACK))
		c->sync_proto = CTD_SYNC_NOTRACK;
	else
		c->sync_proto = CTD_SYNC_FTFW;
	if (c->disable_external_cache && c->commit_timeout) {
		warn(p, "`CommitTimeout' can't be combined with `DisableExternalCache', ignoring "
			"this option. Fix your configuration file.");
		c->commit_timeout = 0;
	}
}

void ctd_config_defaults(struct ctd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->hash_size = DEF_HASH_SIZE;
	c->hash_limit = DEF_HASH_LIMIT;
	c->syslog_facility = -1;
	snprintf(c->lockfile, sizeof(c->lockfile), "%s", CTD_DEFAULT_LOCKFILE);
	c->unix_backlog = DEF_UNIX_BACKLOG;
	c->netlink_overrun_resync = DEF_OVERRUN_RESYNC;
	c->event_iteration_limit = DEF_EVENT_ITERATION_LIMIT;
	c->sched_type = -1;
	c->sched_prio = -1;
	c->systemd = -1;
	c->mode = CTD_MODE_NONE;
	c->sync_proto = CTD_SYNC_FTFW;
	c->resend_queue_size = DEF_RESEND_QUEUE_SIZE;
	c->ack_window_size = DEF_ACK_WINDOW_SIZE;
	c->refresh_time = DEF_REFRESH_TIME;
	c->cache_timeout = DEF_CACHE_TIMEOUT;
	c->purge_timeout = DEF_PURGE_TIMEOUT;
	c->error_queue_length = DEF_ERROR_QUEUE_LENGTH;
	for (unsigned int i = 0; i < CTD_LINKS_MAX; i++)
		c->links[i].checksum = true;
	c->stats_syslog_facility = -1;
}

int ctd_config_parse(struct ctd_config *c, const char *text, size_t len,
		     struct ctd_config_error *err)
{
	struct parser *p = calloc(1, sizeof(*p));
	bool first = true;
	int r = 0;

	memset(err, 0, sizeof(*err));
	if (!p) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		err->exit_code = 1;
		return -1;
	}
	p->c = c;
	p->err = err;
	ctd_lex_init(&p->lx, text, len, lex_warn, p);
	while (peek(p)->type != CTD_T_EOF) {
		enum ctd_kw kw = p->tok.kw;

		if (p->tok.type != CTD_T_KW || (kw != CTD_KW_GENERAL && kw != CTD_KW_SYNC &&
						kw != CTD_KW_STATS && kw != CTD_KW_HELPER)) {
			r = syntax(p);
			break;
		}
		/* the stack holds the start state, and the list of sections after the first */
		p->ytrack = kw == CTD_KW_HELPER;
		p->ydepth = first ? 1 : 2;
		first = false;
		r = shift(p) ? -1 : top_section(p, kw);
		if (r)
			break;
	}
	if (!r)
		fix_defaults(p);
	free(p);
	return r;
}

int ctd_config_load(struct ctd_config *c, const char *path, struct ctd_config_error *err)
{
	size_t len = 0, cap = 4096;
	char *buf;
	FILE *f;
	int r;

	memset(err, 0, sizeof(*err));
	f = fopen(path, "r");
	if (!f) {
		err->exit_code = 1;
		snprintf(err->msg, sizeof(err->msg), "can't open config file `%s'", path);
		return -1;
	}
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		char *bigger;

		len += n;
		if (n == 0 || len < cap)
			break;
		bigger = realloc(buf, cap *= 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
		}
		buf = bigger;
	}
	/* The reference's scanner gives up on a read error (e.g. a directory):
	 * a bare message and status 2. */
	if (!buf || ferror(f)) {
		fclose(f);
		free(buf);
		err->exit_code = 2;
		err->plain = true;
		snprintf(err->msg, sizeof(err->msg), "input in flex scanner failed");
		return -1;
	}
	fclose(f);
	r = ctd_config_parse(c, buf, len, err);
	free(buf);
	return r;
}
