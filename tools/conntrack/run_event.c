// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -E: print conntrack events as conntrack-tools 1.4.7 does (event tag,
 * -o timestamp prefix, XML header at the first event and footer on
 * SIGINT/SIGTERM, [USERSPACE] suffix, the -f family and userspace filter
 * per event, one flush per event), without its silent losses, on the
 * library's event mirror (ctkit/mirror.h):
 *
 *  - a thread drains the event socket into a bounded in-memory queue, so
 *    a burst the output cannot keep up with waits there instead of
 *    overflowing the kernel's queue;
 *  - the event socket gets a large receive queue (SO_RCVBUFFORCE as root),
 *    and -b sizes that socket (the reference sizes its request socket);
 *  - on ENOBUFS the reference's warning is printed, the overrun counted
 *    and the queue doubled, and the mirror repairs by resync in every
 *    format: the table is dumped and compared with the entries known, and
 *    what was missed is printed as synthetic NEW/DESTROY events marked
 *    " [RESYNC]" (text, XML, save) or "resync":true (JSON);
 *  - a write error on the output ends -E with a message and exit code 1.
 *
 * Kernel filtering: a classic BPF socket filter (ctk_filter_bpf) drops
 * events the filter rejects before they are queued, unless
 * CTKIT_KERNEL_FILTER=0; every event is still filtered here. The program
 * applies only fields that never change during an entry's life, so an
 * entry's NEW and DESTROY are kept or dropped together, and the mirror's
 * cache holds only entries the program keeps.
 *
 * Resync limits: an entry created and destroyed inside the lost window
 * cannot be recovered, and UPDATEs are never synthesised (only the
 * current state is known). Events racing with the dump may be printed
 * twice (a real and a synthetic one), never lost. See docs/events.md.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ctkit/events.h>
#include <ctkit/filter.h>
#include <ctkit/filter_bpf.h>
#include <ctkit/mirror.h>
#include <ctkit/netns.h>

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

/*
 * Events handled per wake-up: the loop looks at the stop signals between
 * batches, so SIGINT is honoured under a sustained stream.
 */
#define EVENT_BUDGET 64u

struct event_loop {
	struct ct_run *run;
	struct ctk_mirror *mirror;
	struct ct_event_printer printer;
	unsigned int show; /* CT_EVENT_* to print */
	int print_error;   /* first ct_event_print() failure */
	unsigned long overruns;
	unsigned long synth_new, synth_destroy;
	/* what the socket filter applies (kernel_filtered) */
	bool kernel_filtered;
	uint8_t kernel_family; /* AF_UNSPEC: not compared */
	struct ctk_filter kernel_part;
	/* --netns all: the namespace entered before dispatching (-1: the caller's) */
	int netns_fd;
	uint64_t netns_dev, netns_ino;
	char netns_name[256];  /* --netns all: own_run.fmt.netns */
	struct ct_run own_run; /* --netns all: @run points here */
};

/*
 * The mirrors one thread serves: one namespace's, or with --netns all
 * every namespace's, joined and left as namespaces come and go.
 */
struct listeners {
	struct event_loop **v;
	struct pollfd *pfd; /* pfd[i] is v[i]'s mirror */
	size_t n, cap;
	const struct ct_run *tmpl;     /* --netns all: what a new listener starts from */
	struct ctk_netns_ref *refused; /* namespaces reported once, not again at each rescan */
	size_t n_refused;
	bool failed; /* a namespace was skipped: exit code 1 */
	/* what listeners no longer here showed, for the summary */
	unsigned long overruns, synth_new, synth_destroy;
	unsigned int shown;
};

/* -E --netns all looks for new namespaces (and gone ones) this often. */
#define NETNS_RESCAN_MS 1000

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

/* ---- events ------------------------------------------------------------- */

static int on_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct event_loop *l = data;
	int ret;

	if (!wanted(l, e, info->type, info->family))
		return CTK_CB_OK;
	ret = ct_event_print(&l->printer, e, info->type, info->portid, info->repaired);
	if (ret < 0) {
		l->print_error = ret;
		return CTK_CB_ERROR;
	}
	if (info->repaired && info->type == CTK_EV_NEW)
		l->synth_new++;
	else if (info->repaired)
		l->synth_destroy++;
	return CTK_CB_OK;
}

/* ---- overruns ---------------------------------------------------------------- */

static void grow_rcvbuf(struct event_loop *l)
{
	struct ctk_events *ev = ctk_mirror_events(l->mirror);
	int now = ctk_events_rcvbuf(ev);
	int granted;

	/* getsockopt reports twice the request: asking for it doubles the queue. */
	if (now <= 0 || (size_t)now > EVENT_RCVBUF_MAX)
		return;
	granted = ctk_events_set_rcvbuf(ev, (size_t)now, true);
	if (granted > now)
		fprintf(stderr, "NOTICE: Netlink socket buffer size has been set to %d bytes.\n",
			granted);
}

/* The mirror tells of an overrun before repairing it. */
static void on_note(enum ctk_mirror_note what, int err, void *data)
{
	struct event_loop *l = data;

	if (what == CTK_MIRROR_RESYNC_FAILED) {
		fprintf(stderr, "WARNING: resync failed: %s\n", strerror(-err));
		return;
	}
	fprintf(stderr,
		"WARNING: We have hit ENOBUFS! We are losing events.\n"
		"This message means that the current netlink socket buffer size is too small.\n"
		"Please, check --buffer-size in conntrack(8) manpage.\n");
	l->overruns++;
	grow_rcvbuf(l);
}

/* Would the socket filter keep @e's events? Others stay out of the mirror's cache. */
static bool kernel_keeps(const struct ctk_entry *e, void *data)
{
	const struct event_loop *l = data;

	if (!l->kernel_filtered)
		return true;
	if (l->kernel_family != AF_UNSPEC && e->orig.l3num != l->kernel_family)
		return false;
	return ctk_filter_match(&l->kernel_part, e);
}

/* ---- setup and loop -------------------------------------------------------- */

static unsigned int groups_for(unsigned int show)
{
	unsigned int groups = 0;

	if (show & CT_EVENT_NEW)
		groups |= CTK_EVENTS_NEW;
	if (show & CT_EVENT_UPDATE)
		groups |= CTK_EVENTS_UPDATE;
	if (show & CT_EVENT_DESTROY)
		groups |= CTK_EVENTS_DESTROY;
	return groups;
}

static void size_queue(struct event_loop *l)
{
	const struct ct_cli *cli = l->run->cli;
	struct ctk_events *ev = ctk_mirror_events(l->mirror);
	int granted;

	if (cli->opts & (1u << CT_OPT_BUFFERSIZE)) {
		granted = ctk_events_set_rcvbuf(ev, cli->buffer_size, true);
		fprintf(stderr, "NOTICE: Netlink socket buffer size has been set to %zu bytes.\n",
			granted < 0 ? (size_t)0 : (size_t)granted);
		return;
	}
	granted = ctk_events_set_rcvbuf(ev, EVENT_RCVBUF_DEFAULT, true);
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
	int fd = ctk_events_fd(ctk_mirror_events(l->mirror));

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
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
	struct ctk_bpf_prog *p = calloc(1, sizeof(*p));
	uint64_t shown = 0;
	int ret = -ENOMEM;

	if (cli->debug)
		ct_debug_fields("userspace filter", cli->filter.has);
	if (p && kernel_filter_enabled())
		ret = ctk_filter_bpf(&cli->filter, cli->family, CTK_F_STABLE_FIELDS, p);
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

/*
 * CTKIT_EVENT_QUEUE=BYTES bounds the in-memory queue (the mirror's
 * minimum is 1 MiB): the tests use a small one to force overruns.
 */
static size_t queue_bytes(void)
{
	const char *v = getenv("CTKIT_EVENT_QUEUE");
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	return errno || *end || n > SIZE_MAX ? 0 : (size_t)n;
}

/*
 * The reference perror()s the libmnl step that failed: joining the groups
 * is what needs privilege, opening rarely fails.
 */
static int report_open_failure(int err)
{
	if (err == ENOMEM || err == EINVAL)
		return -err;
	fprintf(stderr, "%s: %s\n",
		err == EPERM || err == EACCES ? "mnl_socket_bind" : "mnl_socket_open",
		strerror(err));
	ct_say("Can't open netlink socket");
	return CT_ERR_REPORTED;
}

static int setup(struct event_loop *l)
{
	struct ctk_mirror_opts o = {
		.resync = true,
		.nl = l->run->nl,
		/* What a synthetic DESTROY prints: tuples, zone, id. */
		.cache = {.keep = CTK_CACHE_IDENTITY},
		.track = kernel_keeps,
		.cb = on_event,
		.notify = on_note,
		.data = l,
	};
	const struct ct_cli *cli = l->run->cli;
	int ret;

	l->show = cli->event_mask ? cli->event_mask : CT_EVENT_ALL;
	o.groups = groups_for(l->show);
	o.queue_bytes = queue_bytes();
	ret = ct_event_printer_init(&l->printer, l->run);
	if (ret < 0)
		return ret;
	l->mirror = ctk_mirror_new(&o);
	if (!l->mirror)
		return report_open_failure(errno);
	size_queue(l);
	/* Before the baseline: the cache must hold what the program keeps. */
	attach_kernel_filter(l);
	return ctk_mirror_start(l->mirror);
}

/* SIGINT/SIGTERM stay blocked except inside ppoll(): no lost wake-up. */
int ct_event_catch_signals(sigset_t *saved)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t block;

	if (sigemptyset(&sa.sa_mask) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	if (sigemptyset(&block) < 0 || sigaddset(&block, SIGINT) < 0 ||
	    sigaddset(&block, SIGTERM) < 0 || sigprocmask(SIG_BLOCK, &block, saved) < 0)
		return -errno;
	return 0;
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

/* Why the mirror stopped, said as the reference would say it; CT_ERR_REPORTED. */
static int report_loop_error(struct event_loop *l, int err)
{
	ctk_out_flush(l->run->out);
	if (err == -ECANCELED && l->print_error == -ENOMEM)
		ct_say("failed to print an event: %s", strerror(ENOMEM));
	else if (err == -ECANCELED)
		ct_say("write error: %s", strerror(-l->print_error));
	else if (err == -ENOMEM || err == -ENOSPC)
		ct_say("cannot keep the entries for resync: %s", strerror(-err));
	else
		ct_say("failed to received netlink event: %s", strerror(-err));
	return CT_ERR_REPORTED;
}

/*
 * A mirror's events are handled in its namespace: the [USERSPACE] suffix
 * looks up the sender's port in that namespace's /proc/net/netlink.
 */
static int dispatch(struct event_loop *l, bool several)
{
	if (several && l->netns_fd >= 0) {
		int ret = ctk_netns_enter(l->netns_fd);

		if (ret < 0)
			return ret;
	}
	return ctk_mirror_dispatch(l->mirror, EVENT_BUDGET);
}

static int add_listener(struct listeners *ls, struct event_loop *l)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 16;
		struct event_loop **v = realloc(ls->v, cap * sizeof(*v));
		struct pollfd *pfd = v ? realloc(ls->pfd, cap * sizeof(*pfd)) : NULL;

		if (v)
			ls->v = v;
		if (!pfd)
			return -ENOMEM;
		ls->pfd = pfd;
		ls->cap = cap;
	}
	ls->v[ls->n] = l;
	/* Events may wait already: looked at before the first sleep. */
	ls->pfd[ls->n] = (struct pollfd){
		.fd = ctk_mirror_fd(l->mirror), .events = POLLIN, .revents = POLLIN};
	ls->n++;
	return 0;
}

static void rescan(struct listeners *ls);

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One thread for every mirror: a bounded batch from each one with events
 * waiting, then a sleep in ppoll() once none had any left; with --netns
 * all, a look for new and gone namespaces every NETNS_RESCAN_MS.
 */
static int loop(struct listeners *ls, const sigset_t *saved, size_t *failed)
{
	const struct timespec period = {NETNS_RESCAN_MS / 1000, (NETNS_RESCAN_MS % 1000) * 1000000};
	int64_t next_scan = now_ms() + NETNS_RESCAN_MS;
	bool busy = true;
	int ret = 0;

	while (ret >= 0 && !ct_event_stopped()) {
		if (ls->tmpl && now_ms() >= next_scan) {
			rescan(ls);
			next_scan = now_ms() + NETNS_RESCAN_MS;
			busy = true;
		}
		if (!busy && ppoll(ls->pfd, ls->n, ls->tmpl ? &period : NULL, saved) < 0 &&
		    errno != EINTR) {
			ret = -errno;
			break;
		}
		busy = false;
		for (size_t i = 0; i < ls->n && ret >= 0; i++) {
			if (!(ls->pfd[i].revents & POLLIN))
				continue;
			ret = dispatch(ls->v[i], ls->tmpl != NULL);
			*failed = i;
			/* A full batch may have left more: look again before sleeping. */
			ls->pfd[i].revents = ret > 0 ? POLLIN : 0;
			busy |= ret > 0;
		}
	}
	return ret < 0 ? ret : 0;
}

static void count_retired(struct listeners *ls, const struct event_loop *l)
{
	ls->overruns += l->overruns;
	ls->synth_new += l->synth_new;
	ls->synth_destroy += l->synth_destroy;
	ls->shown += l->run->counter;
}

static void finish(struct listeners *ls, struct ct_run *run)
{
	for (size_t i = 0; i < ls->n; i++)
		count_retired(ls, ls->v[i]);
	if (run->xml_open)
		ctk_out_puts(run->out, CTK_XML_FOOTER);
	ctk_out_flush(run->out);
	if (ls->overruns)
		fprintf(stderr,
			"WARNING: %lu event socket overruns; resync showed the missed entries.\n",
			ls->overruns);
	if (ls->synth_new || ls->synth_destroy)
		fprintf(stderr, "NOTICE: resync: %lu NEW and %lu DESTROY events synthesised.\n",
			ls->synth_new, ls->synth_destroy);
	ct_say("%u flow events have been shown.", ls->shown);
}

int ct_run_event(struct ct_run *run)
{
	struct event_loop l = {.run = run, .netns_fd = -1};
	struct listeners ls = {0};
	sigset_t saved;
	int ret;

	if (run->cli->table == CT_TABLE_EXPECT)
		return ct_run_expect_events(run);
	ret = ct_event_catch_signals(&saved);
	if (ret < 0)
		return ret;
	ret = setup(&l);
	if (ret == 0)
		ret = add_listener(&ls, &l);
	if (ret == 0) {
		size_t failed;

		ret = loop(&ls, &saved, &failed);
		if (ret < 0)
			ret = report_loop_error(&l, ret);
		/* After an output error too: -L also ends with its summary. */
		if (ret == 0 || l.print_error)
			finish(&ls, run);
	}
	if (sigprocmask(SIG_SETMASK, &saved, NULL) < 0 && ret == 0)
		ret = -errno;
	ctk_mirror_free(l.mirror);
	ct_event_printer_free(&l.printer);
	free(ls.v);
	free(ls.pfd);
	return ret;
}

/* ---- --netns all ------------------------------------------------------------ */

static void free_loop(struct event_loop *l)
{
	ctk_mirror_free(l->mirror);
	ct_event_printer_free(&l->printer);
	if (l->run->nl)
		ctk_nl_close(l->run->nl);
	if (l->netns_fd >= 0)
		close(l->netns_fd);
	free(l);
}

static bool same_ns(const struct ctk_netns_ref *r, uint64_t dev, uint64_t ino)
{
	return r->dev == dev && r->ino == ino;
}

static bool refused_before(const struct listeners *ls, const struct ctk_netns_ref *ref)
{
	for (size_t i = 0; i < ls->n_refused; i++)
		if (same_ns(&ls->refused[i], ref->dev, ref->ino))
			return true;
	return false;
}

/* Said once: a namespace that cannot be entered now will not be at the next rescan either. */
static void refuse(struct listeners *ls, const struct ctk_netns_ref *ref)
{
	struct ctk_netns_ref *r = realloc(ls->refused, (ls->n_refused + 1) * sizeof(*r));

	ls->failed = true;
	if (!r)
		return;
	ls->refused = r;
	ls->refused[ls->n_refused++] = *ref;
}

/* A session and a mirror in @ref's namespace, added to @ls; else skipped. */
static void listen_in(struct listeners *ls, const struct ctk_netns_ref *ref)
{
	struct event_loop *l = calloc(1, sizeof(*l));
	bool failed = false;
	int ret = -ENOMEM;

	if (!l)
		goto fail;
	l->own_run = *ls->tmpl;
	l->own_run.fmt.netns = ref->name; /* valid while the loop lives: copied below */
	l->run = &l->own_run;
	l->netns_dev = ref->dev;
	l->netns_ino = ref->ino;
	l->netns_fd = ct_netns_enter_ref(ref, &failed);
	if (l->netns_fd < 0) {
		free(l);
		if (failed)
			refuse(ls, ref);
		return;
	}
	snprintf(l->netns_name, sizeof(l->netns_name), "%s", ref->name);
	l->own_run.fmt.netns = l->netns_name;
	l->own_run.nl = ctk_nl_open();
	ret = l->own_run.nl ? setup(l) : -errno;
	if (ret == 0)
		ret = add_listener(ls, l);
	if (ret == 0)
		return;
	free_loop(l);
fail:
	if (ret != CT_ERR_REPORTED)
		ct_say("netns %s: cannot listen to its events: %s", ref->name, strerror(-ret));
	else
		ct_say("netns %s: skipped", ref->name);
	refuse(ls, ref);
}

static bool listed(const struct ctk_netns_ref *refs, int n, const struct event_loop *l)
{
	for (int i = 0; i < n; i++)
		if (same_ns(&refs[i], l->netns_dev, l->netns_ino))
			return true;
	return false;
}

static bool listening(const struct listeners *ls, const struct ctk_netns_ref *ref)
{
	for (size_t i = 0; i < ls->n; i++)
		if (same_ns(ref, ls->v[i]->netns_dev, ls->v[i]->netns_ino))
			return true;
	return false;
}

/*
 * A namespace no longer listed (no process and no name left; our socket
 * alone keeps it) is left, after what it had queued is printed.
 */
static void leave(struct listeners *ls, size_t i)
{
	struct event_loop *l = ls->v[i];

	if (ctk_netns_enter(l->netns_fd) == 0)
		while (ctk_mirror_dispatch(l->mirror, EVENT_BUDGET) > 0)
			;
	count_retired(ls, l);
	free_loop(l);
	ls->v[i] = ls->v[--ls->n];
	ls->pfd[i] = ls->pfd[ls->n];
}

static void rescan(struct listeners *ls)
{
	struct ctk_netns_ref *refs;
	int n = ctk_netns_list(&refs);

	if (n < 0)
		return; /* again at the next period */
	for (size_t i = 0; i < ls->n;) {
		if (listed(refs, n, ls->v[i]))
			i++;
		else
			leave(ls, i);
	}
	for (int i = 0; i < n; i++)
		if (!listening(ls, &refs[i]) && !refused_before(ls, &refs[i]))
			listen_in(ls, &refs[i]);
	free(refs);
}

static void free_listeners(struct listeners *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free_loop(ls->v[i]);
	free(ls->v);
	free(ls->pfd);
	free(ls->refused);
}

int ct_run_event_netns(const struct ct_run *tmpl)
{
	struct listeners ls = {.tmpl = tmpl};
	struct ct_run summary = *tmpl;
	size_t failed_loop = 0;
	sigset_t saved;
	int ret;

	ret = ct_event_catch_signals(&saved);
	if (ret < 0)
		return CT_EXIT_OTHER;
	rescan(&ls);
	if (ls.n == 0) {
		ct_say("--netns all: no network namespace to listen to");
		ret = CT_ERR_REPORTED;
	} else {
		struct event_loop *culprit;

		ret = loop(&ls, &saved, &failed_loop);
		culprit = failed_loop < ls.n ? ls.v[failed_loop] : ls.v[0];
		if (ret < 0)
			ret = report_loop_error(culprit, ret);
		if (ret == 0 || culprit->print_error)
			finish(&ls, &summary);
	}
	if (sigprocmask(SIG_SETMASK, &saved, NULL) < 0 && ret == 0)
		ret = -errno;
	free_listeners(&ls);
	if (ret < 0)
		return CT_EXIT_OTHER;
	return ls.failed ? CT_EXIT_OTHER : CT_EXIT_OK;
}
