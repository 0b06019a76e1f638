#include "cli.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

char **split_command(const char *cmd)
{
	char **argv = NULL;
	int n = 0, alloc = 0;
	const char *c = cmd;

	for (;;) {
		char *word, *w;
		char quote = 0;

		while (*c == ' ' || *c == '\t' || *c == '\n')
			c++;
		if (!*c)
			break;
		word = w = xmalloc(strlen(c) + 1);
		while (*c && (quote || (*c != ' ' && *c != '\t' && *c != '\n'))) {
			if (!quote && (*c == '\'' || *c == '"')) {
				quote = *c++;
			} else if (quote && *c == quote) {
				quote = 0;
				c++;
			} else {
				if (quote != '\'' && *c == '\\' && c[1])
					c++;
				*w++ = *c++;
			}
		}
		*w = '\0';
		ALLOC_GROW(argv, (size_t)n + 2, alloc);
		argv[n++] = word;
		argv[n] = NULL;
		if (quote) {
			free_argv(argv);
			return NULL;
		}
	}
	if (!n)
		return NULL;
	return argv;
}

char *shell_quote(const char *word)
{
	const char *c;
	char *out, *o;

	if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				  "@%_+=:,./-") == strlen(word))
		return xstrdup(word);
	out = o = xmalloc(4 * strlen(word) + 3);
	*o++ = '\'';
	for (c = word; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *cli_rejoin_split(const char *value, int argc, char *const argv[],
		       int *next)
{
	char *joined, **words;
	int k;

	if (value[0] != '\'' && value[0] != '"')
		return NULL;
	words = split_command(value);
	if (words) { /* whole already */
		free_argv(words);
		return NULL;
	}
	joined = xstrdup(value);
	for (k = *next; k < argc; k++) {
		char *j = xasprintf("%s %s", joined, argv[k]);

		free(joined);
		joined = j;
		words = split_command(joined);
		if (!words)
			continue;
		free_argv(words);
		*next = k + 1;
		/* 'sh my.sh' -> sh my.sh, when the quote ends the word. */
		if (joined[strlen(joined) - 1] == joined[0]) {
			size_t n = strlen(joined);

			memmove(joined, joined + 1, n - 2);
			joined[n - 2] = '\0';
		}
		return joined;
	}
	free(joined);
	return NULL;
}

char *join_command(char *const argv[])
{
	size_t len = 1, i;
	char *out, *o;
	const char *c;

	for (i = 0; argv[i]; i++)
		len += 2 * strlen(argv[i]) + 3;
	out = o = xmalloc(len);
	for (i = 0; argv[i]; i++) {
		int plain = *argv[i] && !strpbrk(argv[i], " \t\n'\"\\");

		if (i)
			*o++ = ' ';
		if (!plain)
			*o++ = '"';
		for (c = argv[i]; *c; c++) {
			if (!plain && (*c == '"' || *c == '\\'))
				*o++ = '\\';
			*o++ = *c;
		}
		if (!plain)
			*o++ = '"';
	}
	*o = '\0';
	return out;
}

char *cli_replay_line(const char *prog, unsigned long long seed,
		      char *const holder_argv[], const char *extra,
		      char *const paths[], int nr_paths)
{
	char *cmd = join_command(holder_argv), *q = shell_quote(cmd);
	char *abs = strchr(prog, '/') ? realpath(prog, NULL) : NULL;
	char *p = shell_quote(abs ? abs : prog);
	char *line = xasprintf("%s run --seed %llu --holder %s%s%s", p, seed,
			       q, extra && *extra ? " " : "",
			       extra ? extra : "");
	int i, dashes = 0;

	/* A path that looks like an option needs `--` before the paths. */
	for (i = 0; i < nr_paths; i++)
		dashes |= paths[i][0] == '-';
	for (i = 0; i < nr_paths; i++) {
		char *real = realpath(paths[i], NULL);
		char *w = shell_quote(real ? real : paths[i]), *l;

		l = xasprintf("%s%s %s", line, dashes && !i ? " --" : "", w);
		free(real);
		free(line);
		free(w);
		line = l;
	}
	free(cmd);
	free(q);
	free(p);
	free(abs);
	return line;
}

void free_argv(char **argv)
{
	int i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(buf);
}

void cli_option_error(const char *cmd, int c, char *const argv[],
		      const struct option *opts)
{
	const char *word = argv[optind - 1];
	char *given;
	size_t i;

	if (c == ':') {
		for (i = 0; opts[i].name; i++)
			if (opts[i].val == optopt)
				break;
		if (opts[i].name)
			fprintf(stderr, "lockchaos %s: --%s needs a value\n",
				cmd, opts[i].name);
		else
			fprintf(stderr, "lockchaos %s: -%c needs a value\n",
				cmd, optopt);
		return;
	}
	if (optopt && (!word || strncmp(word, "--", 2))) {
		fprintf(stderr, "lockchaos %s: unknown option '-%c' (lockchaos "
				"help %s)\n",
			cmd, optopt, cmd);
		return;
	}
	given = xstrndup(word, strcspn(word, "="));
	for (i = 0; optopt && opts[i].name; i++)
		if (opts[i].val == optopt && !strcmp(given + 2, opts[i].name)) {
			fprintf(stderr, "lockchaos %s: %s takes no value\n",
				cmd, given);
			free(given);
			return;
		}
	cli_unknown_option(cmd, given, opts);
	free(given);
}

void cli_unknown_option(const char *cmd, const char *word,
			const struct option *opts)
{
	const char *names[64];
	char *dashed[64], *given = xstrndup(word, strcspn(word, "="));
	char *near;
	size_t n = 0, i, c;

	for (i = 0; opts[i].name && n < 64; i++) {
		dashed[n] = xasprintf("--%s", opts[i].name);
		names[n] = dashed[n];
		n++;
	}
	near = nearest_names(given, names, n, 3);
	/* getopt_long takes a prefix of one option; of two, it refuses. */
	for (i = 0, c = 0; i < n; i++)
		c += !strncmp(names[i], given, strlen(given));
	fprintf(stderr, "lockchaos %s: %s option '%s'", cmd,
		c > 1 ? "ambiguous" : "unknown", given);
	if (near)
		fprintf(stderr, " (did you mean %s?)", near);
	fprintf(stderr, "; its options: lockchaos help %s\n", cmd);
	for (i = 0; i < n; i++)
		free(dashed[i]);
	free(near);
	free(given);
}

int cli_holder_parse(struct cli_holder *h, const char *text, int named)
{
	const char *eq = named ? strchr(text, '=') : NULL;
	const char *space = strpbrk(text, " \t");
	int i;

	memset(h, 0, sizeof(*h));
	if (eq && (!space || eq < space) && eq != text) {
		h->name = xstrndup(text, (size_t)(eq - text));
		text = eq + 1;
	}
	h->cmd = xstrdup(text);
	h->argv = split_command(text);
	if (!h->argv) {
		fprintf(stderr, "lockchaos: --holder: cannot split '%s' into "
				"words (empty, or an unterminated quote)\n",
			text);
		cli_holder_clear(h);
		return -1;
	}
	/* Holders run in their scratch folder: a relative program path
	 * must be made absolute here, where the user meant it. */
	if (strchr(h->argv[0], '/') && h->argv[0][0] != '/') {
		char *abs = realpath(h->argv[0], NULL);

		if (!abs) {
			fprintf(stderr, "lockchaos: --holder: cannot find "
					"'%s': %s\n",
				h->argv[0], strerror(errno));
			cli_holder_clear(h);
			return -1;
		}
		free(h->argv[0]);
		h->argv[0] = abs;
	}
	/* So must its arguments: `python3 my_holder.py`, `--conf=x.json`.
	 * A word (or the value of a --name=value word) is taken for a path
	 * when a regular file of that name is here (a folder is not:
	 * `python3 -m pkg` names a module). */
	for (i = 1; h->argv[i]; i++) {
		char *w = h->argv[i], *path = w, *abs;
		struct stat st;

		if (!strncmp(w, "--", 2) && strchr(w, '='))
			path = strchr(w, '=') + 1;
		else if (*w == '-')
			continue;
		if (!*path || *path == '/' || stat(path, &st) ||
		    !S_ISREG(st.st_mode))
			continue;
		abs = realpath(path, NULL);
		if (abs) {
			h->argv[i] = xasprintf("%.*s%s", (int)(path - w), w,
					       abs);
			free(w);
			free(abs);
		}
	}
	if (!h->name) {
		const char *base = strrchr(h->argv[0], '/');

		h->name = xstrdup(base ? base + 1 : h->argv[0]);
	}
	return 0;
}

/* Installed layout first, then the build tree's; paths from BIN. */
static const struct {
	enum cli_shipped what;
	const char *path;
	char kind; /* 'x' an executable, 'f' a file, 'd' a folder */
} shipped[] = {
	{ CLI_HOLDER, "../libexec/lockchaos/sessionlock-holder", 'x' },
	{ CLI_HOLDER, "sessionlock-holder", 'x' },
	{ CLI_CATALOG, "../share/lockchaos/scenarios", 'd' },
	{ CLI_CATALOG, "../scenarios", 'd' },
	{ CLI_KNOWN, "../share/lockchaos/known", 'd' },
	{ CLI_KNOWN, "../fixtures/known", 'd' },
	{ CLI_KITS, "../share/lockchaos/kits", 'd' },
	{ CLI_KITS, "../kits", 'd' },
	{ CLI_CLOCKSHIM, "../libexec/lockchaos/lockchaos-clockshim.so", 'f' },
	{ CLI_CLOCKSHIM, "lockchaos-clockshim.so", 'f' },
	{ CLI_JITTER, "../libexec/lockchaos/libjitter.so", 'f' },
	{ CLI_JITTER, "libjitter.so", 'f' },
};

char *cli_find_shipped(enum cli_shipped what, char **tried)
{
	char *dir = exe_dir(), *found = NULL, *list = NULL;
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]) && !found; i++) {
		char *p;
		struct stat st;
		int ok;

		if (shipped[i].what != what)
			continue;
		p = xasprintf("%s/%s", dir, shipped[i].path);
		ok = stat(p, &st) == 0 &&
		     (shipped[i].kind == 'd' ? S_ISDIR(st.st_mode)
					     : S_ISREG(st.st_mode)) &&
		     (shipped[i].kind != 'x' || access(p, X_OK) == 0);
		if (ok) {
			found = realpath(p, NULL);
		} else {
			char *l = list ? xasprintf("%s, '%s'", list, p)
				       : xasprintf("'%s'", p);

			free(list);
			list = l;
		}
		free(p);
	}
	free(dir);
	if (tried && !found)
		*tried = list;
	else
		free(list);
	return found;
}

int cli_holder_default(struct cli_holder *h)
{
	char *tried = NULL;
	char *cmd = cli_find_shipped(CLI_HOLDER, &tried);
	int rc;

	if (!cmd) {
		fprintf(stderr, "lockchaos: no reference holder (looked at "
				"%s: run `make`, or pass --holder CMD)\n",
			tried);
		free(tried);
		return -1;
	}
	{
		char *one[] = { cmd, NULL }, *line = join_command(one);

		rc = cli_holder_parse(h, line, 0); /* quoted: a blank in the
						      path is one word */
		free(line);
	}
	free(h->name);
	h->name = xstrdup("reference");
	free(cmd);
	return rc;
}

void cli_holder_clear(struct cli_holder *h)
{
	free(h->name);
	free(h->cmd);
	free_argv(h->argv);
	memset(h, 0, sizeof(*h));
}

/* 1 when `dir` is a folder with nothing in it. */
static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

char *cli_report_dir(const char *given)
{
	char stamp[32], *dir;
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;
	int i;

	if (given) {
		if (lstat(given, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				fprintf(stderr, "lockchaos: --report '%s' is "
						"not a folder; nothing was "
						"run\n",
					given);
				return NULL;
			}
			if (!dir_is_empty(given)) {
				fprintf(stderr, "lockchaos: --report '%s' is "
						"not empty (an earlier "
						"run's report?); it is never "
						"overwritten: name a new or "
						"empty folder; nothing was "
						"run\n",
					given);
				return NULL;
			}
		} else if (mkdir_p(given, 0755)) {
			fprintf(stderr, "lockchaos: cannot create '%s': %s; "
					"nothing was run\n",
				given, strerror(errno));
			return NULL;
		}
		if (access(given, W_OK)) {
			fprintf(stderr, "lockchaos: cannot write in '%s': %s; "
					"nothing was run\n",
				given, strerror(errno));
			return NULL;
		}
		return xstrdup(given);
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (mkdir_p("reports", 0755)) {
		fprintf(stderr, "lockchaos: cannot create 'reports': %s; "
				"nothing was run\n",
			strerror(errno));
		return NULL;
	}
	/* Two runs in one second get -2, -3 ...: never share a folder.
	 * mkdir, not stat-then-mkdir: two lockchaos at once cannot both
	 * take one name. */
	for (i = 1;; i++) {
		dir = i == 1 ? xasprintf("reports/%s", stamp)
			     : xasprintf("reports/%s-%d", stamp, i);
		if (mkdir(dir, 0755) == 0)
			break;
		if (errno != EEXIST) {
			fprintf(stderr, "lockchaos: cannot create '%s': %s; "
					"nothing was run\n",
				dir, strerror(errno));
			free(dir);
			return NULL;
		}
		free(dir);
	}
	return dir;
}

void cli_report_latest(const char *dir)
{
	if (strncmp(dir, "reports/", 8) || strchr(dir + 8, '/'))
		return;
	unlink("reports/latest.tmp");
	if (symlink(dir + strlen("reports/"), "reports/latest.tmp") ||
	    rename("reports/latest.tmp", "reports/latest"))
		fprintf(stderr, "lockchaos: cannot point reports/latest at "
				"'%s': %s\n",
			dir, strerror(errno));
}

char *cli_scratch_root(void)
{
	const char *tmp = getenv("TMPDIR");
	struct statvfs fs;
	char *root;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	root = xasprintf("%s/lockchaos-run-XXXXXX", tmp);
	if (!mkdtemp(root)) {
		fprintf(stderr, "lockchaos: cannot make scratch folders in "
				"TMPDIR '%s': %s; nothing was run\n",
			tmp, strerror(errno));
		free(root);
		return NULL;
	}
	/* A full disk lets mkdir through and fails the lock's first write:
	 * found here, it is said as what it is, not as a lock failure. The
	 * free space is asked, not written: writing and fsyncing 1 MiB cost
	 * every run a millisecond of CPU, and tens of them on a disk another
	 * process keeps fsyncing. */
	if (statvfs(root, &fs)) {
		fprintf(stderr, "lockchaos: cannot stat TMPDIR '%s': %s; "
				"nothing was run\n",
			tmp, strerror(errno));
		rmdir(root);
		free(root);
		return NULL;
	}
	if ((unsigned long long)fs.f_bavail * fs.f_frsize < CLI_SCRATCH_MIN ||
	    (fs.f_files && !fs.f_favail)) {
		fprintf(stderr, "lockchaos: TMPDIR '%s' has %llu KiB and %llu "
				"inodes free, less than scratch folders need "
				"(1 MiB and one): %s; nothing was run\n",
			tmp,
			(unsigned long long)fs.f_bavail * fs.f_frsize / 1024,
			(unsigned long long)fs.f_favail, strerror(ENOSPC));
		rmdir(root);
		free(root);
		return NULL;
	}
	return root;
}
