/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd.conf tokens, cut exactly where the reference's scanner cuts
 * them (longest match, ties to the earlier rule), so that syntax errors
 * name the same symbol on the same line.
 */
#ifndef CTD_CONFIG_LEX_H
#define CTD_CONFIG_LEX_H

#include <stddef.h>

enum ctd_tok_type {
	CTD_T_EOF,  /* end of text, a NUL byte, or a byte >= 0x80 */
	CTD_T_CHAR, /* any other single character, e.g. '{' */
	CTD_T_KW,   /* a keyword: see enum ctd_kw */
	CTD_T_ON,   /* on / yes, any case */
	CTD_T_OFF,  /* off / no, any case */
	CTD_T_NUMBER,
	CTD_T_SIGNED, /* a number with a leading + or - */
	CTD_T_IP,     /* looks like an IPv4 or IPv6 address (or a hex word) */
	CTD_T_PATH,   /* starts with '/' */
	CTD_T_ALARM,
	CTD_T_FTFW, /* also the old name "nack" */
	CTD_T_NOTRACK,
	CTD_T_STRING,
};

enum ctd_kw {
	CTD_KW_UNIX,
	CTD_KW_IPV4_ADDR,
	CTD_KW_IPV6_ADDR,
	CTD_KW_IPV4_DEST_ADDR,
	CTD_KW_IPV6_DEST_ADDR,
	CTD_KW_IPV4_IFACE,
	CTD_KW_IPV6_IFACE,
	CTD_KW_IFACE,
	CTD_KW_MULTICAST,
	CTD_KW_UDP,
	CTD_KW_TCP,
	CTD_KW_HASHSIZE,
	CTD_KW_REFRESH,
	CTD_KW_CACHE_TIMEOUT,
	CTD_KW_COMMIT_TIMEOUT,
	CTD_KW_HASHLIMIT,
	CTD_KW_PATH,
	CTD_KW_BACKLOG,
	CTD_KW_GROUP,
	CTD_KW_PORT,
	CTD_KW_LOGFILE,
	CTD_KW_SYSLOG,
	CTD_KW_LOCKFILE,
	CTD_KW_GENERAL,
	CTD_KW_SYNC,
	CTD_KW_STATS,
	CTD_KW_BUFFER_SIZE,
	CTD_KW_BUFFER_SIZE_MAX,
	CTD_KW_MODE,
	CTD_KW_RESEND_QUEUE_SIZE,
	CTD_KW_CHECKSUM,
	CTD_KW_WINDOW_SIZE,
	CTD_KW_FOR,
	CTD_KW_SYN_SENT,
	CTD_KW_SYN_RECV,
	CTD_KW_ESTABLISHED,
	CTD_KW_FIN_WAIT,
	CTD_KW_CLOSE_WAIT,
	CTD_KW_LAST_ACK,
	CTD_KW_TIME_WAIT,
	CTD_KW_CLOSE,
	CTD_KW_LISTEN,
	CTD_KW_SNDBUF,
	CTD_KW_RCVBUF,
	CTD_KW_FILTER,
	CTD_KW_PROTOCOL,
	CTD_KW_ADDRESS,
	CTD_KW_STATE,
	CTD_KW_ACCEPT,
	CTD_KW_IGNORE,
	CTD_KW_PURGE_TIMEOUT,
	CTD_KW_FROM,
	CTD_KW_USERSPACE,
	CTD_KW_KERNELSPACE,
	CTD_KW_EVENT_ITER_LIMIT,
	CTD_KW_DEFAULT,
	CTD_KW_POLL_SECS,
	CTD_KW_NL_OVERRUN_RESYNC,
	CTD_KW_NICE,
	CTD_KW_SCHEDULER,
	CTD_KW_TYPE,
	CTD_KW_PRIORITY,
	CTD_KW_NL_EVENTS_RELIABLE,
	CTD_KW_DISABLE_INTERNAL_CACHE,
	CTD_KW_DISABLE_EXTERNAL_CACHE,
	CTD_KW_OPTIONS,
	CTD_KW_TCP_WINDOW_TRACKING,
	CTD_KW_EXPECT_SYNC,
	CTD_KW_ERROR_QUEUE_LENGTH,
	CTD_KW_HELPER,
	CTD_KW_QUEUE_NUM,
	CTD_KW_QUEUE_LEN,
	CTD_KW_POLICY,
	CTD_KW_EXPECT_MAX,
	CTD_KW_EXPECT_TIMEOUT,
	CTD_KW_SYSTEMD,
	CTD_KW_STARTUP_RESYNC,
	CTD_KW_SETUP,
	CTD_KW_NONE,
};

struct ctd_token {
	enum ctd_tok_type type;
	enum ctd_kw kw;	  /* CTD_T_KW */
	int chr;	  /* CTD_T_CHAR */
	int num;	  /* CTD_T_NUMBER, CTD_T_SIGNED: the value as atoi(3) gives it */
	const char *text; /* the token's bytes in the input ("" at the end) */
	size_t len;
	unsigned int line; /* line the scanner is on once the token is read */
};

/* Called for the scanner's own warnings (the old mode names). */
typedef void (*ctd_lex_warn_fn)(void *ctx, const char *msg);

struct ctd_lexer {
	const char *p, *end;
	unsigned int line;
	ctd_lex_warn_fn warn;
	void *ctx;
};

/* ctd_lex_init - scan @len bytes of @text; @warn may be NULL. */
void ctd_lex_init(struct ctd_lexer *lx, const char *text, size_t len, ctd_lex_warn_fn warn,
		  void *ctx);

/* ctd_lex_next - the next token into @t (after the end: CTD_T_EOF again). */
void ctd_lex_next(struct ctd_lexer *lx, struct ctd_token *t);

/* ctd_lex_atoi - atoi(3) of a digit string, wrapped like the reference's. */
int ctd_lex_atoi(const char *s, size_t len);

#endif
