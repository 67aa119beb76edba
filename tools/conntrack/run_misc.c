// SPDX-License-Identifier: LGPL-2.1-or-later
/* -F, -C and -S: whole-table commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "report.h"
#include "run.h"

#define COUNT_PROC "/proc/sys/net/netfilter/nf_conntrack_count"
#define STATS_PROC "/proc/net/stat/nf_conntrack"

/*
 * -F -f FAMILY empties only that family (Linux 5.3+); the reference's
 * request is read by the kernel as "everything" (docs/COMPATIBILITY.md).
 */
int ct_run_flush(struct ct_run *run)
{
	uint8_t family = run->cli->family;
	int ret = family == AF_UNSPEC ? ctk_nl_flush(run->nl, family)
				      : ctk_nl_flush_family(run->nl, family);

	/* The reference says so before it reports any error. */
	ct_say("connection tracking table has been emptied.");
	return ret;
}

/* Older kernels lack CT_GET_STATS: read the count from /proc instead. */
static int count_from_proc(struct ct_run *run)
{
	FILE *f = fopen(COUNT_PROC, "r");
	int count;

	if (!f) {
		ct_say("Can't open %s", COUNT_PROC);
		return CT_ERR_REPORTED;
	}
	if (fscanf(f, "%d", &count) != 1) {
		fclose(f);
		ct_say("Can't read %s", COUNT_PROC);
		return CT_ERR_REPORTED;
	}
	fclose(f);
	ct_print_count(run, (uint32_t)count);
	return 0;
}

/*
 * A formatted line and its newline: @n is what the formatter wanted, so
 * a line longer than @line (a namespace name of escapes) is cut, not lost.
 */
static void put_line(struct ct_run *run, char *line, size_t size, size_t n)
{
	if (n >= size - 1)
		n = size - 2;
	line[n++] = '\n';
	ctk_out_write(run->out, line, n);
}

void ct_print_count(struct ct_run *run, uint32_t count)
{
	char line[2048];

	put_line(run, line, sizeof(line), ctk_format_count(line, sizeof(line) - 1, count, &run->fmt));
}

int ct_run_count(struct ct_run *run)
{
	uint32_t count;

	if (ctk_nl_count(run->nl, &count) < 0)
		return count_from_proc(run);
	ct_print_count(run, count);
	return 0;
}

int ct_print_cpu_stats(const struct ctk_cpu_stats *s, void *data)
{
	struct ct_run *run = data;
	char line[4096];

	put_line(run, line, sizeof(line), ctk_format_cpu_stats(line, sizeof(line) - 1, s, &run->fmt));
	return CTK_CB_OK;
}

/* The /proc fallback: a header of names, then one line of hex per CPU. */
static int stats_from_proc(struct ct_run *run)
{
	char names[64][64], buf[4096], *tok, *save;
	unsigned int n = 0, cpu = 0;
	FILE *f = fopen(STATS_PROC, "r");

	if (!f)
		return -ENOENT;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	buf[strcspn(buf, "\n")] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok && n < 64; tok = strtok_r(NULL, " ", &save))
		snprintf(names[n++], sizeof(names[0]), "%s", tok);
	while (fgets(buf, sizeof(buf), f)) {
		char line[4096];
		size_t len = (size_t)snprintf(line, sizeof(line), "%s%s%scpu=%-4u\t",
					      run->fmt.netns ? "netns=" : "",
					      run->fmt.netns ? run->fmt.netns : "",
					      run->fmt.netns ? " " : "", cpu++);
		unsigned int i = 0;

		buf[strcspn(buf, "\n")] = '\0';
		for (tok = strtok_r(buf, " ", &save); tok && i < n;
		     tok = strtok_r(NULL, " ", &save), i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s=%u ", names[i],
						(unsigned int)strtoul(tok, NULL, 16));
		ctk_out_write(run->out, line, len);
		ctk_out_puts(run->out, "\n");
	}
	fclose(f);
	return cpu ? 0 : -EIO;
}

int ct_run_stats(struct ct_run *run)
{
	if (ctk_nl_stats_cpu(run->nl, ct_print_cpu_stats, run) >= 0)
		return 0;
	if (stats_from_proc(run) < 0) {
		ct_say("Can't open /proc interface");
		return CT_ERR_REPORTED;
	}
	return 0;
}
