// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -R FILE / --load-file FILE: one conntrack command line per line.
 *
 * Lines are cut as fgets() with the reference's 10240-byte buffer cuts
 * them, leading blanks are skipped, empty and '#' lines ignored, and each
 * line is split iptables-restore style: blanks separate words, "..."
 * quotes (with \ escaping inside quotes only). Every line is parsed before
 * anything runs; only -I, -A, -U, -D and -F are allowed. Unlike the
 * reference, every line keeps its own settings (it applied the last
 * line's template to all of them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loadfile.h"
#include "parse_priv.h"
#include "progress.h"

#define LINE_BUF 10240		/* the reference's fgets() buffer */
#define MAX_ARGC 255
#define MAX_PARAM 1024

/* The words of one line, back to back in @text: no allocation per word. */
struct argv_store {
	int argc;
	char *argv[MAX_ARGC];
	size_t used;
	char text[LINE_BUF + MAX_ARGC + 64];	/* a line's bytes, a NUL per word, two more words */
};

static int fail(struct ct_error *err, const char *fmt, const char *arg)
{
	snprintf(err->msg, sizeof(err->msg), fmt, arg);
	err->exit_code = 2;
	err->try_help = true;
	return -1;
}

static void free_argv(struct argv_store *s)
{
	s->argc = 0;
	s->used = 0;
}

static int add_argv(struct argv_store *s, const char *word, size_t len, struct ct_error *err)
{
	if (s->argc + 1 >= MAX_ARGC)
		return fail(err, "%s", "too many arguments");
	if (len + 1 > sizeof(s->text) - s->used)
		return fail(err, "%s", "out of memory");
	s->argv[s->argc] = memcpy(s->text + s->used, word, len);
	s->argv[s->argc][len] = '\0';
	s->used += len + 1;
	s->argc++;
	s->argv[s->argc] = NULL;
	return 0;
}

/*
 * Split one line into words. A closing quote ends a word even when more
 * text follows, and "" is an empty word.
 */
static int split_line(const char *line, struct argv_store *s, struct ct_error *err)
{
	char param[MAX_PARAM];
	size_t len = 0;
	bool quote_open = false, escaped = false;

	for (const char *c = line; *c; c++) {
		if (quote_open) {
			if (escaped) {
				escaped = false;
			} else if (*c == '\\') {
				escaped = true;
				continue;
			} else if (*c == '"') {
				quote_open = false;
				goto end_word;
			}
		} else if (*c == '"') {
			quote_open = true;
			continue;
		} else if (*c == ' ' || *c == '\t' || *c == '\n') {
			if (!len)
				continue;
			goto end_word;
		}
		param[len++] = *c;
		if (len >= sizeof(param))
			return fail(err, "%s", "Parameter too long!");
		continue;
end_word:
		if (add_argv(s, param, len, err) < 0)
			return -1;
		len = 0;
	}
	if (len && add_argv(s, param, len, err) < 0)
		return -1;
	return 0;
}

struct loader {
	struct ct_batch *batch;
	size_t cap;
	struct ct_labelctx labelctx;
	struct ct_error *err;
	const char *command;	/* filter files: the command each line selects for */
	unsigned int line;
};

static struct ct_cli *next_cli(struct loader *ld)
{
	struct ct_batch *b = ld->batch;

	if (b->count == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 16;
		struct ct_cli *c = realloc(b->cmds, cap * sizeof(*c));

		if (!c)
			return NULL;
		b->cmds = c;
		ld->cap = cap;
	}
	return &b->cmds[b->count];
}

/* Blank lines and '#' comments hold no command. */
static bool is_command(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line != '\n' && *line != '#';
}

/* Parse one command line (is_command() said so) into @cli; 0 or -1 with @err set. */
static int parse_one(const char *line, const char *command, struct ct_cli *cli,
		     struct ct_labelctx *lc, struct ct_error *err)
{
	struct argv_store s;
	int ret;

	s.argc = 0;
	s.used = 0;
	while (*line == ' ' || *line == '\t')
		line++;
	ret = add_argv(&s, "conntrack", 9, err);
	if (ret == 0 && command)
		ret = add_argv(&s, command, strlen(command), err);
	if (ret == 0)
		ret = split_line(line, &s, err);
	if (ret == 0)
		ret = ct_parse_args_shared(s.argc, s.argv, cli, err, lc);
	else
		ct_cli_init(cli);
	free_argv(&s);
	return ret;
}

static int parse_line(struct loader *ld, const char *line)
{
	struct ct_cli *cli;

	if (!is_command(line))
		return 0;
	cli = next_cli(ld);
	if (!cli)
		return fail(ld->err, "%s", "OOM");
	if (parse_one(line, ld->command, cli, &ld->labelctx, ld->err) < 0) {
		ct_cli_free(cli);
		return -1;
	}
	ld->batch->count++;
	return 0;
}

static bool allowed(const struct ct_cli *cli)
{
	return cli->row == CT_ROW_CREATE || cli->row == CT_ROW_ADD ||
	       cli->row == CT_ROW_UPDATE || cli->row == CT_ROW_DELETE ||
	       cli->row == CT_ROW_FLUSH;
}

/* fgets() semantics: a line ends after '\n' or after LINE_BUF - 1 bytes. */
static int parse_lines(struct loader *ld, const char *buf, size_t size)
{
	char line[LINE_BUF];

	for (size_t pos = 0; pos < size;) {
		size_t n = 0;

		while (n < LINE_BUF - 1 && pos < size) {
			line[n++] = buf[pos];
			if (buf[pos++] == '\n')
				break;
		}
		line[n] = '\0';
		ld->line++;
		if (parse_line(ld, line) < 0)
			return -1;
	}
	if (ld->command)
		return 0;	/* filter lines: any selection option goes */
	for (size_t i = 0; i < ld->batch->count; i++)
		if (!allowed(&ld->batch->cmds[i]))
			return fail(ld->err, "Cannot use command `%s' with --load-file",
				    ct_cmd_file_name(&ld->batch->cmds[i]));
	return 0;
}

/* Share the label map: the first line owns it. */
static void hand_out_labelmap(struct loader *ld)
{
	struct ct_batch *b = ld->batch;

	if (!ld->labelctx.map || !b->count)
		return;
	for (size_t i = 0; i < b->count; i++) {
		b->cmds[i].labelmap = ld->labelctx.map;
		if (b->cmds[i].fmt.flags & CTK_FMT_F_LABELS)
			b->cmds[i].fmt.labels = ld->labelctx.map;
	}
	b->cmds[0].labelmap_owned = true;
	ld->labelctx.map = NULL;
}

int ct_load_buffer(const char *buf, size_t size, struct ct_batch *batch, struct ct_error *err)
{
	struct loader ld = { .batch = batch, .err = err };

	batch->cmds = NULL;
	batch->count = 0;
	err->exit_code = 0;
	err->try_help = false;
	err->msg[0] = '\0';
	err->warnings[0] = '\0';
	if (parse_lines(&ld, buf, size) < 0) {
		ct_batch_free(batch);
		if (ld.labelctx.map)
			ctk_labelmap_free(ld.labelctx.map);
		return -1;
	}
	hand_out_labelmap(&ld);
	return 0;
}

static char *read_all(FILE *f, size_t *size)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	*size = len;
	return buf;
}

/* The whole of @path ("-" = stdin) in a heap buffer; *@name is what errors call it. */
static int slurp(const char *path, const char **name, char **buf, size_t *size,
		 struct ct_error *err)
{
	FILE *f;

	*name = strcmp(path, "-") ? path : "/dev/stdin";
	f = fopen(*name, "r");
	if (!f)
		return fail(err, "Failed to open file %s for reading", *name);
	*buf = read_all(f, size);
	fclose(f);
	if (!*buf) {
		snprintf(err->msg, sizeof(err->msg), "OOM");
		err->exit_code = 1;
		err->try_help = false;
		return -1;
	}
	return 0;
}

/*
 * A filter file (--filter-file): every line holds the selection options of
 * one filter, parsed as if they followed @command on the command line.
 * Errors name the line: "FILE:LINE: message".
 */
int ct_load_filters(const char *path, const char *command, struct ct_batch *batch,
		    struct ct_error *err)
{
	struct loader ld = { .batch = batch, .err = err, .command = command };
	const char *name;
	size_t size = 0;
	char *buf = NULL; /* set by slurp(); gcc -O2 -D_FORTIFY_SOURCE=2 cannot tell */
	int ret;

	batch->cmds = NULL;
	batch->count = 0;
	err->exit_code = 0;
	err->warnings[0] = '\0';
	if (slurp(path, &name, &buf, &size, err) < 0)
		return -1;
	ret = parse_lines(&ld, buf, size);
	free(buf);
	if (ld.labelctx.map)
		ctk_labelmap_free(ld.labelctx.map);
	if (ret < 0) {
		char where[300];
		size_t n = (size_t)snprintf(where, sizeof(where), "%.255s:%u: ", name, ld.line);
		size_t len = strlen(err->msg);

		/* Prefix the location, keeping the message (cut at the end if need be). */
		if (n + len >= sizeof(err->msg))
			len = sizeof(err->msg) - n - 1;
		memmove(err->msg + n, err->msg, len);
		memcpy(err->msg, where, n);
		err->msg[n + len] = '\0';
		ct_batch_free(batch);
		return -1;
	}
	return 0;
}

/* ---- -R: two streaming passes ------------------------------------------ */

/*
 * -R keeps the reference's rule that every line is parsed before anything
 * runs, without keeping the lines: a first pass parses and forgets each
 * one, a second reads the file again and hands the lines out one by one.
 * A file that cannot be read twice (a pipe, a terminal) is copied to an
 * unnamed temporary file during the first pass; memory stays at one line
 * either way.
 */
struct ct_load {
	FILE *in;		/* the file; for the second pass rewound, or the spool */
	FILE *spool;		/* the copy of a file that cannot be rewound */
	const char *name;
	struct ct_labelctx labelctx;
	struct ct_progress progress;
	uint64_t lines;		/* lines read in this pass */
	const char *what;	/* this pass, for the progress line */
	char line[LINE_BUF];
};

/* The reference's fgets() cut: a line ends after '\n' or after LINE_BUF - 1 bytes. */
static size_t read_line(FILE *f, char *line)
{
	size_t n = 0;
	int c;

	while (n < LINE_BUF - 1 && (c = getc_unlocked(f)) != EOF) {
		line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return n;
}

/* The next line of this pass, or 0 at the end; the progress line moves along. */
static size_t next_line(struct ct_load *ld)
{
	size_t n = read_line(ld->in, ld->line);

	if (n && ct_progress_on(&ld->progress) && ++ld->lines % 4096 == 0)
		ct_progress_draw(&ld->progress, ftello(ld->in), ld->lines, ld->what);
	return n;
}

/* First pass: parse every line, keep none; the first parse error wins over a forbidden command. */
static int check_pass(struct ct_load *ld, struct ct_error *err)
{
	const char *forbidden = NULL;
	size_t n;

	while ((n = next_line(ld)) > 0) {
		struct ct_cli cli;

		if (ld->spool && fwrite(ld->line, 1, n, ld->spool) != n)
			return fail(err, "%s", "Failed to copy the file for a second pass");
		if (!is_command(ld->line))
			continue;
		if (parse_one(ld->line, NULL, &cli, &ld->labelctx, err) < 0) {
			ct_cli_free(&cli);
			return -1;
		}
		if (!forbidden && !allowed(&cli))
			forbidden = ct_cmd_file_name(&cli);
		ct_cli_free(&cli);
	}
	/* A read error ends the file as the reference's fgets() loop ends (a directory: empty). */
	if (forbidden)
		return fail(err, "Cannot use command `%s' with --load-file", forbidden);
	return 0;
}

/* Point the second pass at the start of the file, or of its copy. */
static int rewind_pass(struct ct_load *ld, struct ct_error *err)
{
	if (ld->spool) {
		if (fflush(ld->spool) != 0)
			return fail(err, "%s", "Failed to copy the file for a second pass");
		fclose(ld->in);
		ld->in = ld->spool;
		ld->spool = NULL;
		ct_progress_init(&ld->progress, ld->name, -1);
	}
	if (fseeko(ld->in, 0, SEEK_SET) != 0)
		return fail(err, "Failed to read file %s", ld->name);
	ld->lines = 0;
	ld->what = "lines loaded";
	return 0;
}

/* A file read twice in place only if it is a regular file (a pipe would be read once). */
static bool rereadable(FILE *f)
{
	struct stat st;

	return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

struct ct_load *ct_load_open(const char *path, struct ct_error *err)
{
	struct ct_load *ld = calloc(1, sizeof(*ld));

	err->exit_code = 0;
	err->try_help = false;
	err->msg[0] = '\0';
	err->warnings[0] = '\0';
	if (!ld) {
		fail(err, "%s", "OOM");
		err->exit_code = 1;
		err->try_help = false;
		return NULL;
	}
	ld->name = strcmp(path, "-") ? path : "/dev/stdin";
	ld->in = fopen(ld->name, "r");
	if (!ld->in) {
		fail(err, "Failed to open file %s for reading", ld->name);
		ct_load_close(ld);
		return NULL;
	}
	if (!rereadable(ld->in) && !(ld->spool = tmpfile())) {
		fail(err, "%s", "Failed to copy the file for a second pass");
		ct_load_close(ld);
		return NULL;
	}
	ct_progress_init(&ld->progress, ld->name, fileno(ld->in));
	ld->what = "lines checked";
	if (check_pass(ld, err) < 0 || rewind_pass(ld, err) < 0) {
		ct_load_close(ld);
		return NULL;
	}
	return ld;
}

int ct_load_next(struct ct_load *ld, struct ct_cli *cli)
{
	struct ct_error err = { 0 };
	size_t n;

	while ((n = next_line(ld)) > 0) {
		if (!is_command(ld->line))
			continue;
		/* Parsed once already: a failure now is a file changed under us. */
		if (parse_one(ld->line, NULL, cli, &ld->labelctx, &err) < 0) {
			ct_cli_free(cli);
			return -1;
		}
		/* The map the first pass loaded serves every line, as in one command line. */
		cli->labelmap = ld->labelctx.map;
		if (cli->fmt.flags & CTK_FMT_F_LABELS)
			cli->fmt.labels = ld->labelctx.map;
		return 1;
	}
	return 0;
}

void ct_load_close(struct ct_load *ld)
{
	if (!ld)
		return;
	ct_progress_clear(&ld->progress);
	if (ld->in)
		fclose(ld->in);
	if (ld->spool)
		fclose(ld->spool);
	if (ld->labelctx.map)
		ctk_labelmap_free(ld->labelctx.map);
	free(ld);
}

void ct_batch_free(struct ct_batch *batch)
{
	for (size_t i = 0; i < batch->count; i++)
		ct_cli_free(&batch->cmds[i]);
	free(batch->cmds);
	batch->cmds = NULL;
	batch->count = 0;
}

int ct_load_filter_file(struct ct_cli *cli, struct ct_error *err)
{
	struct ct_batch batch;

	if (ct_load_filters(cli->filter_file, cli->cmd == CT_CMD_DELETE ? "-D" : "-L", &batch,
			    err) < 0)
		return -1;
	cli->any_of = calloc(batch.count ? batch.count : 1, sizeof(*cli->any_of));
	if (!cli->any_of) {
		ct_batch_free(&batch);
		snprintf(err->msg, sizeof(err->msg), "OOM");
		err->exit_code = 1;
		return -1;
	}
	for (size_t i = 0; i < batch.count; i++)
		cli->any_of[i] = batch.cmds[i].filter;
	cli->n_any_of = batch.count;
	ct_batch_free(&batch);
	return 0;
}
