// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --capture: libpcap's live capture (see pcap_live.h).
 *
 * Immediate mode, so -E and --packets print a packet as it arrives
 * rather than when a ring block fills, and a large kernel buffer, so a
 * burst is not dropped while the engine catches up. The capture is
 * non-blocking and waited for in our own poll(), which ends every
 * WAIT_MS without packets (libpcap's blocking read does not return on
 * its timeout on Linux): the reader then says so with the time, and -E
 * can expire entries meanwhile. A stop signal sets a flag and
 * interrupts the wait, so the command ends between packets and prints
 * its summary.
 *
 * Directions: on "any" the Linux cooked v2 header carries the packet
 * type (PACKET_OUTGOING: sent) and the interface index; on one Ethernet
 * interface libpcap gives no direction, so a frame whose source address
 * is the interface's own is taken as sent (frames a bridge port forwards
 * for others then read as received).
 */
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pcap_live.h"

#define SNAPLEN	     262144
#define BUFFER_BYTES (32 << 20)
/* How long libpcap waits at most before looking at the stop flag again. */
#define WAIT_MS	      250
#define NAME_SLOTS    64
#define SLL2_HEADER   20
#define ETH_ALEN_     6
#define ARPHRD_ETHER_ 1

struct name_slot {
	unsigned int index; /* 0: empty */
	bool known;
	char name[IF_NAMESIZE];
};

struct ct_live {
	pcap_t *pc;
	int fd; /* pcap's socket, polled by ct_live_next() */
	const char *iface;
	uint32_t linktype;
	uint32_t ns_per_frac; /* 1: nanosecond time stamps, 1000: microseconds */
	bool by_mac;	      /* one Ethernet interface: direction by source address */
	uint8_t mac[ETH_ALEN_];
	struct sigaction old_int, old_term;
	struct name_slot names[NAME_SLOTS]; /* interface index -> name, on "any" */
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void signals_on(struct ct_live *l)
{
	/* SA_RESTART for writes to a pipe; poll() is never restarted, so the wait ends. */
	struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	stop_requested = 0;
	sigaction(SIGINT, &sa, &l->old_int);
	sigaction(SIGTERM, &sa, &l->old_term);
}

static void signals_off(struct ct_live *l)
{
	sigaction(SIGINT, &l->old_int, NULL);
	sigaction(SIGTERM, &l->old_term, NULL);
}

/* The interface's hardware address when it is an Ethernet one (not loopback). */
static bool own_mac(const char *iface, uint8_t mac[ETH_ALEN_])
{
	struct ifreq ifr = {0};
	bool ok = false;
	int fd;

	if (strlen(iface) >= sizeof(ifr.ifr_name))
		return false;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	strcpy(ifr.ifr_name, iface);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_LOOPBACK) &&
	    ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 && ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER_) {
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN_);
		ok = true;
	}
	close(fd);
	return ok;
}

static struct ct_live *open_fail(struct ct_live *l, int err_no)
{
	if (l->pc)
		pcap_close(l->pc);
	free(l);
	errno = err_no;
	return NULL;
}

static int activate(struct ct_live *l, char err[CT_PCAP_ERR_MAX])
{
	int ret;

	pcap_set_snaplen(l->pc, SNAPLEN);
	pcap_set_promisc(l->pc, strcmp(l->iface, "any") != 0);
	pcap_set_immediate_mode(l->pc, 1);
	pcap_set_buffer_size(l->pc, BUFFER_BYTES);
	pcap_set_timeout(l->pc, WAIT_MS);
	/* Not every system has nanosecond stamps: then microseconds, scaled. */
	pcap_set_tstamp_precision(l->pc, PCAP_TSTAMP_PRECISION_NANO);
	ret = pcap_activate(l->pc);
	if (ret < 0) {
		const char *status = pcap_statustostr(ret), *why = pcap_geterr(l->pc);
		bool say_why = why[0] && !strstr(why, status);

		/* libpcap's detail often repeats the status text: once is enough. */
		snprintf(err, CT_PCAP_ERR_MAX, "can't capture on `%s': %s%s%s%s", l->iface, status,
			 say_why ? " (" : "", say_why ? why : "", say_why ? ")" : "");
		if (ret == PCAP_ERROR_PERM_DENIED)
			strncat(err, "; capturing needs root or CAP_NET_RAW",
				CT_PCAP_ERR_MAX - strlen(err) - 1);
		return ret == PCAP_ERROR_NO_SUCH_DEVICE ? ENODEV
		       : ret == PCAP_ERROR_PERM_DENIED	? EPERM
							: EIO;
	}
	if (ret > 0)
		fprintf(stderr, "WARNING: --capture `%s': %s\n", l->iface, pcap_geterr(l->pc));
	l->ns_per_frac = pcap_get_tstamp_precision(l->pc) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
	return 0;
}

static int set_filter(struct ct_live *l, const char *filter, char err[CT_PCAP_ERR_MAX])
{
	struct bpf_program prog;
	int ret;

	if (pcap_compile(l->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, CT_PCAP_ERR_MAX, "--capture-filter `%s': %s", filter,
			 pcap_geterr(l->pc));
		return EINVAL;
	}
	ret = pcap_setfilter(l->pc, &prog);
	pcap_freecode(&prog);
	if (ret < 0) {
		snprintf(err, CT_PCAP_ERR_MAX, "--capture-filter `%s': %s", filter,
			 pcap_geterr(l->pc));
		return EIO;
	}
	return 0;
}

struct ct_live *ct_live_open(const char *iface, const char *filter, char err[CT_PCAP_ERR_MAX])
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct ct_live *l = calloc(1, sizeof(*l));
	char what[CT_PCAP_ERR_MAX];
	int ret;

	if (!l) {
		snprintf(err, CT_PCAP_ERR_MAX, "--capture `%s': %s", iface, strerror(ENOMEM));
		return NULL;
	}
	l->iface = iface;
	l->pc = pcap_create(iface, pcap_err);
	if (!l->pc) {
		snprintf(err, CT_PCAP_ERR_MAX, "can't capture on `%s': %s", iface, pcap_err);
		return open_fail(l, ENODEV);
	}
	ret = activate(l, err);
	if (ret)
		return open_fail(l, ret);
	/* Cooked v2 names the interface of every packet; v1 does not. */
	if (!strcmp(iface, "any"))
		pcap_set_datalink(l->pc, DLT_LINUX_SLL2);
	l->linktype = (uint32_t)pcap_datalink(l->pc);
	snprintf(what, sizeof(what), "can't capture on `%s'", iface);
	if (!ct_pcap_check_linktype(l->linktype, what, err))
		return open_fail(l, EPROTONOSUPPORT);
	if (filter) {
		ret = set_filter(l, filter, err);
		if (ret)
			return open_fail(l, ret);
	}
	/* libpcap's blocking read waits past its timeout on Linux: wait in our own poll(). */
	l->fd = pcap_get_selectable_fd(l->pc);
	if (l->fd < 0 || pcap_setnonblock(l->pc, 1, pcap_err) < 0) {
		snprintf(err, CT_PCAP_ERR_MAX, "can't capture on `%s': %s", iface,
			 l->fd < 0 ? "no descriptor to wait on" : pcap_err);
		return open_fail(l, EIO);
	}
	l->by_mac = l->linktype == DLT_EN10MB && own_mac(iface, l->mac);
	signals_on(l);
	return l;
}

/* The name of interface @index, looked up once per slot (an ioctl each time would cost). */
static const char *index_name(struct ct_live *l, unsigned int index)
{
	struct name_slot *s = &l->names[index % NAME_SLOTS];

	if (!index)
		return NULL;
	if (s->index != index) {
		s->index = index;
		s->known = if_indextoname(index, s->name) != NULL;
	}
	return s->known ? s->name : NULL;
}

static void annotate(struct ct_live *l, struct ct_pcap_frame *f)
{
	f->ifname = l->iface;
	f->dir = ct_pcap_cooked_dir(f->linktype, f->data, f->caplen);
	if (f->linktype == DLT_LINUX_SLL2) {
		f->ifname = NULL;
		if (f->caplen >= SLL2_HEADER)
			f->ifname =
				index_name(l, (unsigned int)f->data[4] << 24 | f->data[5] << 16 |
						      f->data[6] << 8 | f->data[7]);
	} else if (l->by_mac && f->caplen >= 2 * ETH_ALEN_) {
		f->dir = memcmp(f->data + ETH_ALEN_, l->mac, ETH_ALEN_) ? CT_PCAP_DIR_IN
									: CT_PCAP_DIR_OUT;
	}
}

/* CT_PCAP_IDLE with the time now in @f. */
static int idle(struct ct_pcap_frame *f)
{
	struct timespec now;

	/* Packet time stamps are the realtime clock's too. */
	clock_gettime(CLOCK_REALTIME, &now);
	f->ts_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	return CT_PCAP_IDLE;
}

int ct_live_next(struct ct_live *l, struct ct_pcap_frame *f, char err[CT_PCAP_ERR_MAX])
{
	struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int ret;

	for (;;) {
		if (stop_requested)
			return 0;
		ret = pcap_next_ex(l->pc, &hdr, &data);
		if (ret != 0)
			break;
		/* Nothing queued. A signal ends poll() early (EINTR), one just before it after
		 * WAIT_MS. */
		if (poll(&pfd, 1, WAIT_MS) == 0)
			return idle(f);
	}
	if (ret == PCAP_ERROR_BREAK)
		return 0;
	if (ret != 1) {
		snprintf(err, CT_PCAP_ERR_MAX, "capture on `%s': %s", l->iface, pcap_geterr(l->pc));
		return -1;
	}
	f->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000ull +
		   (uint64_t)hdr->ts.tv_usec * l->ns_per_frac;
	f->data = data;
	f->caplen = hdr->caplen;
	f->len = hdr->len;
	f->linktype = l->linktype;
	annotate(l, f);
	return 1;
}

uint32_t ct_live_linktype(const struct ct_live *l)
{
	return l->linktype;
}

void ct_live_close(struct ct_live *l)
{
	struct pcap_stat st;

	if (!l)
		return;
	signals_off(l);
	if (pcap_stats(l->pc, &st) == 0 && st.ps_drop)
		fprintf(stderr,
			"NOTICE: the kernel dropped %u packets of the capture on `%s' "
			"(its buffer was full)\n",
			st.ps_drop, l->iface);
	pcap_close(l->pc);
	free(l);
}
