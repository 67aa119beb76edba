// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -E: print conntrack events as conntrack-tools 1.4.7 does (event tag,
 * -o timestamp prefix, XML header at the first event and footer on
 * SIGINT/SIGTERM, [USERSPACE] suffix, the -f family and userspace filter
 * per event, one flush per event), without its silent losses:
 *
 *  - the event socket gets a large receive queue (SO_RCVBUFFORCE as root),
 *    and -b sizes that socket (the reference sizes its request socket);
 *  - on ENOBUFS the reference's warning is printed, the overrun counted
 *    and the queue doubled;
 *  - with resync (JSON output, or --resync once the option exists) the
 *    table is dumped after an overrun and compared with the entries seen
 *    so far: what was missed is printed as synthetic NEW/DESTROY events
 *    marked " [RESYNC]" (text, XML, save) or "resync":true (JSON).
 *
 * Kernel filtering: a classic BPF socket filter (ctk_filter_bpf) drops
 * events the filter rejects before they are queued, unless
 * CTKIT_KERNEL_FILTER=0; every event is still filtered here. With a seen
 * set the program applies only fields that never change during an
 * entry's life, so an entry's NEW and DESTROY are kept or dropped
 * together, and the seen set holds only entries the program keeps.
 *
 * Resync limits: an entry created and destroyed inside the lost window
 * cannot be recovered, and UPDATEs are never synthesised (only the
 * current state is known). Events racing with the dump may be printed
 * twice (a real and a synthetic one), never lost. See docs/events.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <ctkit/events.h>
#include <ctkit/filter.h>
#include <ctkit/filter_bpf.h>

#include "event.h"
#include "report.h"
#include "run.h"

/*
 * Default queue limit: a burst of 100 000 events (about 1 KiB of socket
 * memory each) from a batched client (measured: 240 000 events/s) fits.
 * It is a limit, not an allocation: memory is used only while events wait.
 */
#define EVENT_RCVBUF_DEFAULT (128u << 20)
/* Growth after overruns stops here (the kernel reports twice this). */
#define EVENT_RCVBUF_MAX (512u << 20)

struct event_loop {
	struct ct_run *run;
	struct ctk_events *ev;
	unsigned int show; /* CT_EVENT_* to print */
	char *line;	   /* one formatted entry, grown when needed */
	size_t line_size;
	unsigned long overruns;
	/* resync */
	struct ct_seen *seen; /* NULL: no resync */
	uint32_t gen;
	struct ctk_entry scratch;
	unsigned long synth_new, synth_destroy;
	/* what the socket filter applies (kernel_filtered) */
	bool kernel_filtered;
	uint8_t kernel_family; /* AF_UNSPEC: not compared */
	struct ctk_filter kernel_part;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static unsigned int event_bit(enum ctk_event type)
{
	switch (type) {
	case CTK_EV_NEW:
		return CT_EVENT_NEW;
	case CTK_EV_UPDATE:
		return CT_EVENT_UPDATE;
	case CTK_EV_DESTROY:
		return CT_EVENT_DESTROY;
	default:
		return 0;
	}
}

/* ---- output -------------------------------------------------------------- */

static const char *format_line(struct event_loop *l, const struct ctk_entry *e, enum ctk_event type,
			       size_t *len)
{
	size_t n = ctk_format_entry(l->line, l->line_size, e, type, &l->run->fmt);

	if (n >= l->line_size) {
		char *bigger = realloc(l->line, n + 1);

		if (!bigger)
			return NULL;
		l->line = bigger;
		l->line_size = n + 1;
		ctk_format_entry(l->line, l->line_size, e, type, &l->run->fmt);
	}
	*len = n;
	return l->line;
}

static void put_timestamp_prefix(struct ctk_out *out)
{
	struct timeval tv;
	char prefix[64];
	int n;

	gettimeofday(&tv, NULL);
	n = snprintf(prefix, sizeof(prefix), "[%ld.%06ld]\t", (long)tv.tv_sec, (long)tv.tv_usec);
	ctk_out_write(out, prefix, (size_t)n);
}

static void put_userspace_suffix(struct ctk_out *out, uint32_t portid)
{
	const char *prog = ct_portid_progname(portid);
	char suffix[64 + CT_PROGNAME_MAX];
	int n;

	if (prog)
		n = snprintf(suffix, sizeof(suffix), " [USERSPACE] portid=%u progname=%s", portid,
			     prog);
	else
		n = snprintf(suffix, sizeof(suffix), " [USERSPACE] portid=%u", portid);
	ctk_out_write(out, suffix, (size_t)n < sizeof(suffix) ? (size_t)n : sizeof(suffix) - 1);
}

/* A program name as a JSON string: comm may hold any byte but NUL. */
static void put_json_string(struct ctk_out *out, const char *s)
{
	char esc[8];

	ctk_out_puts(out, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == '"' || c == '\\') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			ctk_out_puts(out, esc);
		} else {
			ctk_out_write(out, s, 1);
		}
	}
	ctk_out_puts(out, "\"");
}

/*
 * JSON keeps one object per line: what text appends after the entry
 * becomes members ("time", "portid", "progname", "resync") before the
 * closing brace.
 */
static void put_json_line(struct event_loop *l, const char *line, size_t len, uint32_t portid,
			  bool synthetic)
{
	struct ctk_out *out = l->run->out;
	const char *prog;
	struct timeval tv;
	char extra[64];

	if (len == 0 || line[len - 1] != '}') {
		ctk_out_write(out, line, len);
		return;
	}
	ctk_out_write(out, line, len - 1);
	/* Every JSON event says when it was seen (seconds.microseconds). */
	gettimeofday(&tv, NULL);
	snprintf(extra, sizeof(extra), ",\"time\":%ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
	ctk_out_puts(out, extra);
	if (portid) {
		snprintf(extra, sizeof(extra), ",\"portid\":%u", portid);
		ctk_out_puts(out, extra);
		prog = ct_portid_progname(portid);
		if (prog) {
			ctk_out_puts(out, ",\"progname\":");
			put_json_string(out, prog);
		}
	}
	if (synthetic)
		ctk_out_puts(out, ",\"resync\":true");
	ctk_out_puts(out, "}");
}

static void print_event(struct event_loop *l, const struct ctk_entry *e, enum ctk_event type,
			uint32_t portid, bool synthetic)
{
	struct ct_run *run = l->run;
	enum ctk_fmt_kind kind = run->fmt.kind;
	const char *line;
	size_t len;

	if (kind == CTK_FMT_XML && !run->xml_open) {
		ctk_out_puts(run->out, CTK_XML_HEADER);
		run->xml_open = true;
	}
	if (run->cli->output_timestamp && kind == CTK_FMT_DEFAULT)
		put_timestamp_prefix(run->out);
	run->fmt.now = time(NULL);
	line = format_line(l, e, type, &len);
	if (!line)
		return;
	if (kind == CTK_FMT_JSON) {
		put_json_line(l, line, len, portid, synthetic);
	} else {
		ctk_out_write(run->out, line, len);
		if (portid)
			put_userspace_suffix(run->out, portid);
		if (synthetic)
			ctk_out_puts(run->out, " [RESYNC]");
	}
	ctk_out_puts(run->out, "\n");
	ctk_out_flush(run->out);
	run->counter++;
}

static bool wanted(const struct event_loop *l, const struct ctk_entry *e, enum ctk_event type,
		   uint8_t family)
{
	const struct ct_cli *cli = l->run->cli;

	if (!(l->show & event_bit(type)))
		return false;
	if (cli->family != AF_UNSPEC && cli->family != family)
		return false;
	return ctk_filter_match(&cli->filter, e);
}

/*
 * Would the socket filter keep @e's events? Dumped entries outside it
 * stay out of the seen set: their DESTROY would never reach us.
 */
static bool kernel_keeps(const struct event_loop *l, const struct ctk_entry *e)
{
	if (!l->kernel_filtered)
		return true;
	if (l->kernel_family != AF_UNSPEC && e->orig.l3num != l->kernel_family)
		return false;
	return ctk_filter_match(&l->kernel_part, e);
}

/* ---- events ------------------------------------------------------------- */

static void track(struct event_loop *l, const struct ctk_entry *e, enum ctk_event type)
{
	if (!l->seen)
		return;
	if (type == CTK_EV_DESTROY)
		ct_seen_del(l->seen, e);
	else
		ct_seen_add(l->seen, e, l->gen);
}

static int on_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct event_loop *l = data;

	track(l, e, info->type);
	if (wanted(l, e, info->type, info->family))
		print_event(l, e, info->type, info->portid, false);
	return CTK_CB_OK;
}

/* ---- overruns and resync --------------------------------------------------- */

static void grow_rcvbuf(struct event_loop *l)
{
	int now = ctk_events_rcvbuf(l->ev);
	int granted;

	/* getsockopt reports twice the request: asking for it doubles the queue. */
	if (now <= 0 || (size_t)now > EVENT_RCVBUF_MAX)
		return;
	granted = ctk_events_set_rcvbuf(l->ev, (size_t)now, true);
	if (granted > now)
		fprintf(stderr, "NOTICE: Netlink socket buffer size has been set to %d bytes.\n",
			granted);
}

static int resync_dump_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct event_loop *l = data;

	(void)ev;
	if (!kernel_keeps(l, e))
		return CTK_CB_OK;
	if (ct_seen_add(l->seen, e, l->gen) && wanted(l, e, CTK_EV_NEW, e->orig.l3num)) {
		print_event(l, e, CTK_EV_NEW, 0, true);
		l->synth_new++;
	}
	return CTK_CB_OK;
}

static void resync_destroyed(const struct ctk_entry *e, void *data)
{
	struct event_loop *l = data;

	if (wanted(l, e, CTK_EV_DESTROY, e->orig.l3num)) {
		print_event(l, e, CTK_EV_DESTROY, 0, true);
		l->synth_destroy++;
	}
}

static void warn_overrun(struct event_loop *l)
{
	fprintf(stderr,
		"WARNING: We have hit ENOBUFS! We are losing events.\n"
		"This message means that the current netlink socket buffer size is too small.\n"
		"Please, check --buffer-size in conntrack(8) manpage.\n");
	l->overruns++;
}

/* Read what is still queued, so that the dump is compared with fresh state. */
static void drain(struct event_loop *l)
{
	int ret;

	do {
		ret = ctk_events_read(l->ev, on_event, l);
		if (ret == -ENOBUFS)
			warn_overrun(l);
	} while (ret >= 0 || ret == -ENOBUFS || ret == -EINTR);
}

/*
 * resync - compare the seen set with a dump: entries the dump has and the
 * set lacks missed their NEW; entries the set has and the dump lacks
 * (not refreshed in this generation) missed their DESTROY. A dump the
 * kernel interrupted (table resized) is retried: a partial one would
 * make live entries look destroyed.
 */
static int resync(struct event_loop *l)
{
	struct ctk_dump_opts o = {.family = AF_UNSPEC};
	int tries = 3;
	int ret;

	drain(l);
	do {
		l->gen++;
		ret = ctk_nl_dump(l->run->nl, &o, resync_dump_cb, l);
	} while (ret == -EINTR && --tries > 0);
	if (ret < 0)
		return ret;
	ct_seen_sweep(l->seen, l->gen, &l->scratch, resync_destroyed, l);
	return 0;
}

static void on_overrun(struct event_loop *l)
{
	warn_overrun(l);
	grow_rcvbuf(l);
	if (l->seen) {
		int ret = resync(l);

		if (ret < 0)
			fprintf(stderr, "WARNING: resync failed: %s\n", strerror(-ret));
	}
}

static int baseline_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct event_loop *l = data;

	(void)ev;
	if (kernel_keeps(l, e))
		ct_seen_add(l->seen, e, l->gen);
	return CTK_CB_OK;
}

/* ---- setup and loop -------------------------------------------------------- */

static bool resync_wanted(const struct ct_cli *cli)
{
	/* JSON consumers are programs that need a complete stream. */
	return cli->resync || cli->fmt.kind == CTK_FMT_JSON;
}

static unsigned int groups_for(const struct event_loop *l)
{
	unsigned int groups = 0;

	if (l->show & CT_EVENT_NEW)
		groups |= CTK_EVENTS_NEW;
	if (l->show & CT_EVENT_UPDATE)
		groups |= CTK_EVENTS_UPDATE;
	if (l->show & CT_EVENT_DESTROY)
		groups |= CTK_EVENTS_DESTROY;
	/* The seen set needs births and deaths whatever is printed. */
	if (l->seen)
		groups |= CTK_EVENTS_NEW | CTK_EVENTS_DESTROY;
	return groups;
}

static void size_queue(struct event_loop *l)
{
	const struct ct_cli *cli = l->run->cli;
	int granted;

	if (cli->opts & (1u << CT_OPT_BUFFERSIZE)) {
		granted = ctk_events_set_rcvbuf(l->ev, cli->buffer_size, true);
		fprintf(stderr, "NOTICE: Netlink socket buffer size has been set to %zu bytes.\n",
			granted < 0 ? (size_t)0 : (size_t)granted);
		return;
	}
	granted = ctk_events_set_rcvbuf(l->ev, EVENT_RCVBUF_DEFAULT, true);
	/* Granted is twice the request unless net.core.rmem_max capped it. */
	if (granted >= 0 && (size_t)granted < 2 * (size_t)EVENT_RCVBUF_DEFAULT)
		fprintf(stderr,
			"NOTICE: event socket buffer limited to %d bytes by "
			"net.core.rmem_max (run as root to raise it); bursts may lose events.\n",
			granted);
}

static bool kernel_filter_enabled(void)
{
	const char *v = getenv("CTKIT_KERNEL_FILTER");

	return !v || strcmp(v, "0") != 0;
}

static int attach_program(struct event_loop *l, const struct ctk_bpf_prog *p)
{
	struct sock_fprog fp = {.len = (unsigned short)p->len,
				.filter = (struct sock_filter *)p->insns};

	if (setsockopt(ctk_events_fd(l->ev), SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		return -errno;
	return 0;
}

/*
 * Let the kernel drop the events the filter rejects. Anything it cannot
 * do (nothing to compile, a program too long, a refusal) leaves the
 * filtering to userspace, which runs in every case.
 */
static void attach_kernel_filter(struct event_loop *l)
{
	const struct ct_cli *cli = l->run->cli;
	uint64_t allowed = l->seen ? CTK_F_STABLE_FIELDS : ~UINT64_C(0);
	struct ctk_bpf_prog *p = calloc(1, sizeof(*p));
	uint64_t shown = 0;
	int ret = -ENOMEM;

	if (cli->debug)
		ct_debug_fields("userspace filter", cli->filter.has);
	if (p && kernel_filter_enabled())
		ret = ctk_filter_bpf(&cli->filter, cli->family, allowed, p);
	if (ret == 0 && (p->fields || p->family)) {
		ret = attach_program(l, p);
		if (ret < 0 && cli->debug)
			fprintf(stderr, "ctkit: kernel refused the event filter (%s)\n",
				strerror(-ret));
	}
	if (ret == 0 && (p->fields || p->family)) {
		l->kernel_filtered = true;
		l->kernel_family = p->family ? cli->family : AF_UNSPEC;
		l->kernel_part = cli->filter;
		l->kernel_part.has &= p->fields;
		shown = p->fields | (p->family ? UINT64_C(1) << CTK_F_FAMILY : 0);
	}
	if (cli->debug)
		ct_debug_fields("kernel filter", shown);
	free(p);
}

static int setup(struct event_loop *l)
{
	const struct ct_cli *cli = l->run->cli;

	l->show = cli->event_mask ? cli->event_mask : CT_EVENT_ALL;
	l->line_size = 4096;
	l->line = malloc(l->line_size);
	if (!l->line)
		return -ENOMEM;
	if (resync_wanted(cli)) {
		l->seen = ct_seen_new();
		if (!l->seen)
			return -ENOMEM;
	}
	l->ev = ctk_events_open(groups_for(l));
	if (!l->ev) {
		/*
		 * The reference perror()s the libmnl step that failed: joining
		 * the groups is what needs privilege, opening rarely fails.
		 */
		int err = errno;

		fprintf(stderr, "%s: %s\n",
			err == EPERM || err == EACCES ? "mnl_socket_bind" : "mnl_socket_open",
			strerror(err));
		ct_say("Can't open netlink socket");
		return CT_ERR_REPORTED;
	}
	size_queue(l);
	if (fcntl(ctk_events_fd(l->ev), F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	/* Before the baseline: the seen set must hold what the program keeps. */
	attach_kernel_filter(l);
	if (l->seen) {
		struct ctk_dump_opts o = {.family = AF_UNSPEC};
		int ret = ctk_nl_dump(l->run->nl, &o, baseline_cb, l);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* SIGINT/SIGTERM stay blocked except inside ppoll(): no lost wake-up. */
void ct_event_catch_signals(sigset_t *saved)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, saved);
}

/*
 * Under a steady stream the loop never sleeps, so a blocked signal would
 * stay pending for ever: look at the pending set too (one cheap syscall).
 */
bool ct_event_stopped(void)
{
	sigset_t pending;

	if (stop_signal)
		return true;
	if (sigpending(&pending) < 0)
		return false;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

int ct_event_wait(int fd, const sigset_t *saved)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	if (ppoll(&pfd, 1, NULL, saved) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int loop(struct event_loop *l, const sigset_t *saved)
{
	int ret;

	while (!ct_event_stopped()) {
		ret = ctk_events_read(l->ev, on_event, l);
		if (ret >= 0 || ret == -EINTR)
			continue;
		if (ret == -EAGAIN) {
			ret = ct_event_wait(ctk_events_fd(l->ev), saved);
		} else if (ret == -ENOBUFS) {
			on_overrun(l);
			ret = 0;
		}
		if (ret < 0) {
			ctk_out_flush(l->run->out);
			ct_say("failed to received netlink event: %s", strerror(-ret));
			return CT_ERR_REPORTED;
		}
	}
	return 0;
}

static void finish(struct event_loop *l)
{
	struct ct_run *run = l->run;

	if (run->xml_open)
		ctk_out_puts(run->out, CTK_XML_FOOTER);
	ctk_out_flush(run->out);
	if (l->overruns)
		fprintf(stderr, "WARNING: %lu event socket overruns%s.\n", l->overruns,
			l->seen ? "; resync showed the missed entries" : ": events were lost");
	if (l->synth_new || l->synth_destroy)
		fprintf(stderr, "NOTICE: resync: %lu NEW and %lu DESTROY events synthesised.\n",
			l->synth_new, l->synth_destroy);
	ct_say("%u flow events have been shown.", run->counter);
}

int ct_run_event(struct ct_run *run)
{
	struct event_loop l = {.run = run};
	sigset_t saved;
	int ret;

	if (run->cli->table == CT_TABLE_EXPECT)
		return ct_run_expect_events(run);
	ct_event_catch_signals(&saved);
	ret = setup(&l);
	if (ret == 0) {
		ret = loop(&l, &saved);
		if (ret == 0)
			finish(&l);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	ctk_events_close(l.ev);
	ct_seen_free(l.seen);
	free(l.line);
	return ret;
}
