// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * engine_bench - the engine benchmark of issue 6 (`make bench-engine`, driven
 * by bench/engine.py): ctkit's userspace conntrack engine fed synthetic
 * packets that are already in memory (no I/O), through the public API only.
 *
 *   engine_bench [--smoke] [--size N] [--runs N] [--packets N] [--batch N]
 *		  [--cpu N] [--clock cpu|wall]
 *   engine_bench --write-pcap FILE [--pcap-flows N] [--pcap-packets N]
 *
 * Packets (bench/engine/pktgen.c) are real IPv4/IPv6 + TCP/UDP packets with
 * correct checksums (the engine verifies them: nf_conntrack_checksum=1),
 * 16-byte payloads, one 128-byte slot each in one preallocated buffer.
 * Engine configuration: the kernel's defaults except max = buckets = the
 * number of connections (the kernel's own ratio).
 *
 * Established traffic, per table size (10 k, 100 k, 1 M, 4 M connections):
 *  - set-up, not timed: every TCP connection does a 3-way handshake (it is
 *    then ESTABLISHED and ASSURED), every UDP one a request and a reply;
 *    trace time advances 100 ns per packet; each verdict is checked.
 *  - timed: data packets in both directions (direction random) with valid,
 *    advancing seq/ack, trace time +1 us per packet, fed with
 *    ctk_engine_packets() in batches of --batch (64) after one
 *    ctk_engine_expire() per batch, as a real consumer would. Every verdict
 *    must be ESTABLISHED (and not dropped): any other is counted as
 *    "unexpected" and printed; it must be 0. Flow popularity is uniform or
 *    Zipf-like (s = 1, ranks scattered over the flows). The packets of each
 *    run are generated (not timed) just before it, so seq numbers advance.
 *  - "mix" is 60 % TCP/IPv4, 30 % UDP/IPv4, 10 % IPv6 (2/3 TCP, 1/3 UDP).
 *    The mix at every size, uniform and Zipf; at 1 M also pure TCP/UDP x
 *    IPv4/IPv6 (uniform) and the one-packet API (ctk_engine_packet()).
 *  - floor (bench/engine/floor.c): a bare chained hash table with the same
 *    keys, entries and buckets, looked up with the same packets in batches
 *    with prefetch; "ratio" is engine time / floor time for that case.
 * Churn: a table with max = buckets = N filled with N one-packet UDP flows;
 * then only new UDP flows, trace time advancing so that the oldest expire
 * (30 s udp_timeout) just as the table fills: ctk_engine_expire() once per
 * batch, every verdict NEW and none dropped, the count never above N;
 * 2 N new flows per run, at N = 100 k and 1 M.
 * Memory: bytes per connection = (RSS after ctk_engine_new() and N TCP
 * handshakes - RSS before ctk_engine_new()) / N, from /proc/self/statm, in
 * a forked child per measurement (IPv4-only and IPv6-only tables of 1 M);
 * packets are generated on the fly into a buffer allocated before.
 *
 * Times: the median of --runs (3) runs, by default in CPU time of this
 * thread (CLOCK_THREAD_CPUTIME_ID: robust to other work on a shared
 * machine); wall-clock time is shown beside it; --clock wall makes wall
 * time the headline figure. --cpu N pins the process to one CPU (not by
 * default). --size N: every case at N connections only (what "1 M" means
 * above). --smoke: --size 10000, one run, 100 k packets (a check that the
 * benchmark works, not a measurement).
 *
 * The last line is
 *   engine-summary established_mpps_1M=F new_conns_per_s=F
 *   bytes_per_conn_ipv4=I bytes_per_conn_ipv6=I floor_ratio_1M=F
 * where established_mpps_1M and floor_ratio_1M are the 1 M mixed uniform
 * case and new_conns_per_s the churn at a full 1 M table (--smoke: 10 k).
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <ctkit/engine.h>

#include "engine/floor.h"
#include "engine/pktgen.h"

#define SETUP_STEP_NS 100
#define DATA_STEP_NS  1000
#define CHUNK	      4096 /* set-up packets generated at a time */
#define MAX_BATCH     256
#define MAX_RUNS      15
#define MAX_FLOW_ID   (1u << 24) /* pktgen's tuples are distinct below this */

struct opts {
	bool smoke, wall;
	unsigned int runs, batch, packets, size;
	int cpu;
	const char *pcap_out;
	unsigned int pcap_flows, pcap_packets;
};

static struct opts opt = {
	.runs = 3,
	.batch = 64,
	.packets = 2000000,
	.cpu = -1,
	.pcap_flows = 100000,
	.pcap_packets = 1000000,
};

/* Packets in memory, PG_SLOT bytes each. */
struct stream {
	uint8_t *buf;
	struct ctk_packet *pkts;
	unsigned int n, cap;
};

/* One engine filled with n established connections, and its floor. */
struct table {
	enum pg_class cls;
	uint32_t n;
	struct pg_flow *flows;
	struct ctk_engine *eng;
	struct floor fl;
	uint64_t now, rng;
	uint32_t zipf_mult; /* rank -> flow: multiply mod n (coprime) */
	struct pg_zipf zipf;
};

struct timing {
	double cpu_ns, wall_ns; /* per packet */
};

static struct ctk_verdict verdicts[MAX_BATCH];
static struct stream chunk; /* set-up packets, allocated before any RSS reading */
static uint8_t chunk_want[CHUNK];
static unsigned long long unexpected_total;

static void die(const char *what)
{
	fprintf(stderr, "engine_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

struct stopwatch {
	uint64_t cpu, wall;
};

static struct stopwatch sw_start(void)
{
	return (struct stopwatch){clock_ns(CLOCK_THREAD_CPUTIME_ID), clock_ns(CLOCK_MONOTONIC)};
}

static struct timing sw_per_item(struct stopwatch s, uint64_t items)
{
	struct timing t = {
		.cpu_ns = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - s.cpu) / items,
		.wall_ns = (double)(clock_ns(CLOCK_MONOTONIC) - s.wall) / items,
	};
	return t;
}

static double headline(struct timing t)
{
	return opt.wall ? t.wall_ns : t.cpu_ns;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void stream_alloc(struct stream *s, unsigned int cap)
{
	s->buf = aligned_alloc(64, (size_t)cap * PG_SLOT);
	s->pkts = malloc(sizeof(*s->pkts) * cap);
	if (!s->buf || !s->pkts)
		die("packet buffer");
	memset(s->buf, 0, (size_t)cap * PG_SLOT); /* resident now, not during a measurement */
	s->cap = cap;
	s->n = 0;
}

static void stream_free(struct stream *s)
{
	free(s->buf);
	free(s->pkts);
}

static struct ctk_engine *engine_new(uint32_t n)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;

	ctk_engine_config_init(&cfg);
	cfg.max = n;
	cfg.buckets = n;
	eng = ctk_engine_new(&cfg);
	if (!eng)
		die("ctk_engine_new");
	return eng;
}

/* A verdict the benchmark did not ask for: counted, the first few shown. */
static bool check_verdict(const struct ctk_verdict *v, enum ctk_ct_state want)
{
	static unsigned int shown;

	if (v->state == want && !v->dropped)
		return true;
	if (shown++ < 5)
		fprintf(stderr, "engine_bench: unexpected verdict %s (want %s)%s %s\n",
			ctk_ct_state_name(v->state), ctk_ct_state_name(want),
			v->dropped ? " dropped" : "", v->reason);
	return false;
}

/*
 * track - feed @n packets in batches (one ctk_engine_expire() before each),
 * every verdict expected to be @want; returns how many were not. With
 * @max_count, the largest ctk_engine_count() seen after a batch.
 */
static uint64_t track(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n,
		      enum ctk_ct_state want, unsigned int *max_count)
{
	uint64_t bad = 0;
	unsigned int i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < opt.batch ? n - i : opt.batch;
		ctk_engine_expire(eng, pkts[i].now_ns);
		ctk_engine_packets(eng, pkts + i, m, verdicts);
		for (j = 0; j < m; j++)
			bad += !check_verdict(&verdicts[j], want);
		if (max_count && ctk_engine_count(eng) > *max_count)
			*max_count = ctk_engine_count(eng);
	}
	return bad;
}

/* track_single - the same with ctk_engine_packet(), one packet at a time. */
static uint64_t track_single(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n,
			     enum ctk_ct_state want)
{
	uint64_t bad = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i % opt.batch == 0)
			ctk_engine_expire(eng, pkts[i].now_ns);
		ctk_engine_packet(eng, pkts[i].l3, pkts[i].len, pkts[i].now_ns, &verdicts[0]);
		bad += !check_verdict(&verdicts[0], want);
	}
	return bad;
}

/* Feed the chunk's packets, each with its own expected state (set-up, not timed). */
static uint64_t track_chunk(struct ctk_engine *eng)
{
	uint64_t bad = 0;
	unsigned int i, j, m;

	for (i = 0; i < chunk.n; i += m) {
		m = chunk.n - i < opt.batch ? chunk.n - i : opt.batch;
		ctk_engine_expire(eng, chunk.pkts[i].now_ns);
		ctk_engine_packets(eng, chunk.pkts + i, m, verdicts);
		for (j = 0; j < m; j++)
			bad += !check_verdict(&verdicts[j], chunk_want[i + j]);
	}
	chunk.n = 0;
	return bad;
}

/*
 * establish - open flows @first .. @first + @n - 1 of class @cls in @eng:
 * all their set-up packets (or only the first with @first_only), @step_ns
 * apart from *@now. Keeps the flows in @flows and their keys in @fl when
 * not NULL. Returns the unexpected verdicts.
 */
static uint64_t establish(struct ctk_engine *eng, enum pg_class cls, uint32_t first, uint32_t n,
			  bool first_only, uint64_t step_ns, uint64_t *now, struct pg_flow *flows,
			  struct floor *fl)
{
	struct pg_flow local;
	uint64_t bad = 0;
	uint32_t id;

	for (id = first; id < first + n; id++) {
		struct pg_flow *f = flows ? &flows[id - first] : &local;
		unsigned int step, steps;

		pg_flow_init(f, id, cls);
		steps = first_only ? 1 : pg_setup_count(f);
		if (chunk.n + steps > chunk.cap)
			bad += track_chunk(eng);
		for (step = 0; step < steps; step++) {
			uint8_t *slot = chunk.buf + (size_t)chunk.n * PG_SLOT;
			unsigned int len = pg_setup(f, step, slot);

			if (step == 0 && fl && floor_insert(fl, slot))
				die("floor_insert");
			chunk_want[chunk.n] = step == 0 ? CTK_CT_NEW : CTK_CT_ESTABLISHED;
			chunk.pkts[chunk.n++] = (struct ctk_packet){slot, len, *now += step_ns};
		}
	}
	return bad + track_chunk(eng);
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void table_open(struct table *t, enum pg_class cls, uint32_t n)
{
	uint64_t bad;

	memset(t, 0, sizeof(*t));
	t->cls = cls;
	t->n = n;
	t->rng = 0x5eed0000u + n + cls;
	t->flows = malloc(sizeof(*t->flows) * n);
	if (!t->flows || floor_init(&t->fl, n, n) || pg_zipf_init(&t->zipf, n))
		die("flow table");
	for (t->zipf_mult = 0x9e3779b1u % n; gcd(t->zipf_mult, n) != 1; t->zipf_mult++)
		;
	t->eng = engine_new(n);
	t->now = 1000000000ull;
	bad = establish(t->eng, cls, 0, n, false, SETUP_STEP_NS, &t->now, t->flows, &t->fl);
	if (bad || ctk_engine_count(t->eng) != n) {
		fprintf(stderr,
			"engine_bench: set-up: %llu unexpected verdicts, %u entries for %u\n",
			(unsigned long long)bad, ctk_engine_count(t->eng), n);
		unexpected_total += bad ? bad : 1;
	}
}

static void table_close(struct table *t)
{
	ctk_engine_free(t->eng);
	floor_free(&t->fl);
	pg_zipf_free(&t->zipf);
	free(t->flows);
}

/* Data packets of the table's flows: uniform, or Zipf-like with @zipf. */
static void gen_data(struct table *t, struct stream *s, unsigned int n, bool zipf)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t r = pg_rand(&t->rng);
		uint32_t fid;
		uint8_t *slot = s->buf + (size_t)i * PG_SLOT;

		if (zipf)
			fid = (uint64_t)pg_zipf_rank(&t->zipf, &t->rng) * t->zipf_mult % t->n;
		else
			fid = ((r >> 32) * t->n) >> 32;
		s->pkts[i].l3 = slot;
		s->pkts[i].len = pg_data(&t->flows[fid], r & 1, slot);
		s->pkts[i].now_ns = t->now += DATA_STEP_NS;
	}
	s->n = n;
}

static const char *class_name(enum pg_class cls)
{
	static const char *const names[] = {"tcp4", "udp4", "tcp6", "udp6", "mix"};

	return names[cls];
}

static void print_header(void)
{
	printf("%-30s %8s %8s %7s %8s %6s %8s %5s\n", "established", "conns", "ns/pkt", "Mpps",
	       "floor-ns", "ratio", "wall-ns", "unexp");
}

/*
 * run_established - @opt.runs timed runs over the table, engine then floor
 * on the same packets; prints one row; returns the engine's median ns
 * and sets *@ratio.
 */
static double run_established(struct table *t, struct stream *s, bool zipf, bool single,
			      double *ratio)
{
	double eng[MAX_RUNS], fl[MAX_RUNS], wall[MAX_RUNS], e, f, w;
	uint64_t bad = 0;
	unsigned int r;
	char name[64];

	for (r = 0; r < opt.runs; r++) {
		struct stopwatch sw;
		struct timing tm;
		uint64_t hits;

		gen_data(t, s, s->cap, zipf);
		sw = sw_start();
		if (single)
			bad += track_single(t->eng, s->pkts, s->n, CTK_CT_ESTABLISHED);
		else
			bad += track(t->eng, s->pkts, s->n, CTK_CT_ESTABLISHED, NULL);
		tm = sw_per_item(sw, s->n);
		eng[r] = headline(tm);
		wall[r] = tm.wall_ns;
		sw = sw_start();
		hits = floor_lookup(&t->fl, s->pkts, s->n);
		fl[r] = headline(sw_per_item(sw, s->n));
		if (hits != s->n) {
			fprintf(stderr, "engine_bench: floor found %llu of %u\n",
				(unsigned long long)hits, s->n);
			bad += s->n - hits;
		}
	}
	e = median(eng, opt.runs);
	f = median(fl, opt.runs);
	w = median(wall, opt.runs);
	*ratio = e / f;
	snprintf(name, sizeof(name), "%s %s%s", class_name(t->cls), zipf ? "zipf" : "uniform",
		 single ? " 1-pkt API" : "");
	printf("%-30s %8u %8.1f %7.2f %8.1f %6.2f %8.1f %5llu\n", name, t->n, e, 1e3 / e, f, *ratio,
	       w, (unsigned long long)bad);
	fflush(stdout);
	unexpected_total += bad;
	return e;
}

struct summary {
	double mpps_1m, ratio_1m, new_per_s;
	long bytes_v4, bytes_v6;
};

static void established(struct stream *s, const uint32_t *sizes, unsigned int nsizes, uint32_t ref,
			struct summary *sum)
{
	static const enum pg_class pure[] = {PG_TCP4, PG_UDP4, PG_TCP6, PG_UDP6};
	struct table t;
	double ratio, ns;
	unsigned int i;

	print_header();
	for (i = 0; i < nsizes; i++) {
		table_open(&t, PG_MIX, sizes[i]);
		ns = run_established(&t, s, false, false, &ratio);
		if (sizes[i] == ref) {
			sum->mpps_1m = 1e3 / ns;
			sum->ratio_1m = ratio;
		}
		run_established(&t, s, true, false, &ratio);
		if (sizes[i] == ref)
			run_established(&t, s, false, true, &ratio);
		table_close(&t);
	}
	for (i = 0; i < sizeof(pure) / sizeof(pure[0]); i++) {
		table_open(&t, pure[i], ref);
		run_established(&t, s, false, false, &ratio);
		table_close(&t);
	}
}

/*
 * churn - new UDP flows at a full table of @n: trace time advances so that
 * udp_timeout frees a slot for each new flow (with two batches to spare).
 * Prints one row; returns new connections per second.
 */
static double churn(struct stream *s, uint32_t n)
{
	double eng[MAX_RUNS], wall[MAX_RUNS], e, w;
	struct ctk_engine *ct = engine_new(n);
	uint64_t timeout = ctk_engine_config(ct)->udp_timeout * 1000000000ull;
	uint64_t step = timeout / (n - 2 * opt.batch) + 1, now = 1000000000ull, bad, early;
	uint32_t next = n, per_run = s->cap < 2 * n ? s->cap : 2 * n;
	unsigned int r, i, max_count = 0;
	struct ctk_cpu_stats st;

	bad = establish(ct, PG_UDP4, 0, n, true, step, &now, NULL, NULL);
	for (r = 0; r < opt.runs; r++) {
		struct stopwatch sw;
		struct timing tm;

		if (next + per_run > MAX_FLOW_ID)
			break;
		for (i = 0; i < per_run; i++) {
			struct pg_flow f;
			uint8_t *slot = s->buf + (size_t)i * PG_SLOT;

			pg_flow_init(&f, next++, PG_UDP4);
			s->pkts[i] = (struct ctk_packet){slot, pg_setup(&f, 0, slot), now += step};
		}
		s->n = per_run;
		sw = sw_start();
		bad += track(ct, s->pkts, s->n, CTK_CT_NEW, &max_count);
		tm = sw_per_item(sw, s->n);
		eng[r] = headline(tm);
		wall[r] = tm.wall_ns;
	}
	ctk_engine_stats(ct, &st);
	early = st.value[CTK_STAT_EARLY_DROP];
	ctk_engine_free(ct);
	if (max_count > n) {
		fprintf(stderr, "engine_bench: churn: %u entries in a table of %u\n", max_count, n);
		bad++;
	}
	e = median(eng, r);
	w = median(wall, r);
	printf("%-30s %8u %8.1f %7.2f %8u %6llu %8.1f %5llu\n", "churn udp4 new flows", n, e,
	       1e3 / e, max_count, (unsigned long long)early, w, (unsigned long long)bad);
	fflush(stdout);
	unexpected_total += bad;
	return 1e9 / e;
}

static long rss_bytes(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
		die("/proc/self/statm");
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

/* In a child: RSS growth from ctk_engine_new() to n established TCP connections. */
static long measure_memory(enum pg_class cls, uint32_t n)
{
	long result = -1;
	int fd[2], status;
	pid_t pid;

	if (pipe(fd) || (pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		uint64_t now = 1000000000ull;
		struct ctk_engine *eng;
		long before, after;
		uint64_t bad;

		close(fd[0]);
		before = rss_bytes();
		eng = engine_new(n);
		bad = establish(eng, cls, 0, n, false, SETUP_STEP_NS, &now, NULL, NULL);
		after = rss_bytes();
		result = bad || ctk_engine_count(eng) != n ? -1 : after - before;
		if (write(fd[1], &result, sizeof(result)) != sizeof(result))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &result, sizeof(result)) != sizeof(result))
		result = -1;
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (result < 0) {
		fprintf(stderr, "engine_bench: memory measurement of %s failed\n", class_name(cls));
		unexpected_total++;
		return -1;
	}
	printf("%-30s %8u   RSS +%ld bytes = %ld bytes/conn (buckets + entries, all in)\n",
	       cls == PG_TCP4 ? "memory tcp4" : "memory tcp6", n, result, result / n);
	fflush(stdout);
	return result / n;
}

/*
 * write_pcap - a capture for `conntrack --pcap` timing: the mix over
 * @flows flows (all set up first), then uniform data up to @packets.
 */
static int write_pcap(const char *path, uint32_t flows, uint32_t packets)
{
	struct pg_flow *fl = malloc(sizeof(*fl) * flows);
	uint64_t now = 1700000000ull * 1000000000u, rng = 42;
	uint8_t buf[PG_SLOT];
	uint32_t written = 0, id;
	FILE *out = fopen(path, "wb");
	int err;

	if (!fl || !out)
		die(path);
	err = pg_pcap_header(out);
	for (id = 0; id < flows && written < packets; id++) {
		unsigned int step;

		pg_flow_init(&fl[id], id, PG_MIX);
		for (step = 0; step < pg_setup_count(&fl[id]) && written < packets; step++) {
			unsigned int len = pg_setup(&fl[id], step, buf);

			err |= pg_pcap_record(out, now += DATA_STEP_NS, buf, len, fl[id].v6);
			written++;
		}
	}
	for (; written < packets && id == flows; written++) {
		uint64_t r = pg_rand(&rng);
		struct pg_flow *f = &fl[((r >> 32) * flows) >> 32];
		unsigned int len = pg_data(f, r & 1, buf);

		err |= pg_pcap_record(out, now += DATA_STEP_NS, buf, len, f->v6);
	}
	if (fclose(out) || err)
		die(path);
	free(fl);
	fprintf(stderr, "engine_bench: wrote %s: %u packets, %u flows\n", path, written, flows);
	return 0;
}

static unsigned int num_arg(const char *s, unsigned int min, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s ? s : "", &end, 10);

	if (!s || *end || v < min || v > max) {
		fprintf(stderr, "engine_bench: bad number '%s' (%u..%u)\n", s ? s : "", min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--smoke")) {
			opt.smoke = true;
			continue;
		}
		if (!strcmp(a, "--clock") && v && (!strcmp(v, "cpu") || !strcmp(v, "wall")))
			opt.wall = !strcmp(v, "wall");
		else if (!strcmp(a, "--runs"))
			opt.runs = num_arg(v, 1, MAX_RUNS);
		else if (!strcmp(a, "--packets"))
			opt.packets = num_arg(v, 1000, 100000000);
		else if (!strcmp(a, "--size"))
			opt.size = num_arg(v, 1000, MAX_FLOW_ID / 4);
		else if (!strcmp(a, "--batch"))
			opt.batch = num_arg(v, 1, MAX_BATCH);
		else if (!strcmp(a, "--cpu"))
			opt.cpu = num_arg(v, 0, CPU_SETSIZE - 1);
		else if (!strcmp(a, "--write-pcap") && v)
			opt.pcap_out = v;
		else if (!strcmp(a, "--pcap-flows"))
			opt.pcap_flows = num_arg(v, 1, MAX_FLOW_ID);
		else if (!strcmp(a, "--pcap-packets"))
			opt.pcap_packets = num_arg(v, 1, 1000000000);
		else {
			fprintf(stderr,
				"usage: engine_bench [--smoke] [--size N] [--runs N] [--packets N] "
				"[--batch N] [--cpu N] [--clock cpu|wall]\n"
				"       engine_bench --write-pcap FILE [--pcap-flows N] "
				"[--pcap-packets N]\n");
			exit(2);
		}
		i++;
	}
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

int main(int argc, char **argv)
{
	static const uint32_t full_sizes[] = {10000, 100000, 1000000, 4000000};
	uint32_t one_size[1];
	const uint32_t *sizes = full_sizes;
	unsigned int nsizes = 4;
	uint32_t ref = 1000000;
	struct summary sum = {0};
	struct stream s;

	parse_args(argc, argv);
	if (opt.pcap_out)
		return write_pcap(opt.pcap_out, opt.pcap_flows, opt.pcap_packets);
	if (opt.smoke) {
		opt.size = 10000;
		opt.runs = 1;
		if (opt.packets > 100000)
			opt.packets = 100000;
	}
	if (opt.size) {
		one_size[0] = ref = opt.size;
		sizes = one_size;
		nsizes = 1;
	}
	if (opt.cpu >= 0)
		pin_cpu(opt.cpu);
	stream_alloc(&chunk, CHUNK);
	memset(verdicts, 0, sizeof(verdicts)); /* resident before any RSS reading */
	printf("engine-bench: ctkit engine (semantics %s), one thread%s; %u packets per run, "
	       "median of %u run(s), batches of %u; time = %s (wall-ns: wall clock)\n",
	       CTK_ENGINE_KERNEL_VERSION, opt.cpu >= 0 ? " pinned" : "", opt.packets, opt.runs,
	       opt.batch, opt.wall ? "wall clock" : "CPU time of the thread");
	sum.bytes_v4 = measure_memory(PG_TCP4, ref);
	sum.bytes_v6 = measure_memory(PG_TCP6, ref);
	stream_alloc(&s, opt.packets);
	established(&s, sizes, nsizes, ref, &sum);
	printf("%-30s %8s %8s %7s %8s %6s %8s %5s\n", "churn (full table)", "conns", "ns/conn",
	       "M new/s", "max-cnt", "early", "wall-ns", "unexp");
	if (!opt.size)
		churn(&s, 100000);
	sum.new_per_s = churn(&s, ref);
	stream_free(&s);
	stream_free(&chunk);
	printf("engine-check unexpected_verdicts=%llu\n", unexpected_total);
	printf("engine-summary established_mpps_1M=%.2f new_conns_per_s=%.0f "
	       "bytes_per_conn_ipv4=%ld bytes_per_conn_ipv6=%ld floor_ratio_1M=%.2f\n",
	       sum.mpps_1m, sum.new_per_s, sum.bytes_v4, sum.bytes_v6, sum.ratio_1m);
	return unexpected_total ? 1 : 0;
}
