/*
 * initholder.c - `lockchaos init-holder --lang LANG [DIR | FILE]`: writes a
 * starting holder for the author of a lock, from the kits that ship with
 * lockchaos (kits/ in a build tree, share/lockchaos/kits installed): the
 * kit's library, unchanged, and its toy lock as the file to edit (for C,
 * the toy and a Makefile that compiles the kit in from where it lies). The toy
 * keeps every rule check-holder judges, so the first run is green and each
 * change the author makes is judged from there. Nothing is ever
 * overwritten: when any file to write exists, nothing is written.
 */
#include "cli.h"
#include "lib/util.h"
#include "run/conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIT_FILES_MAX 4
#define KIT_FILE_MAX (1 << 20) /* a kit file bigger than this is not ours */

struct kit_file {
	const char *src;  /* under the kits folder */
	const char *dst;  /* file name written; the holder's may be renamed */
	int holder;	  /* 1: the file the author edits (FILE names it) */
	int mode;
	int template;	  /* 1: @KIT@ (the kit's folder), @SRC@ (the holder
			     file's name), @PROG@ (it without .c) filled in */
};

/* One row per language: its files and how to run (and build) the result. */
struct kit {
	const char *lang;
	const char *ext;   /* the holder file's extension, with the dot */
	const char *build; /* printf format of a build command (%s: the dir),
			      or NULL */
	const char *run;   /* printf format of the holder command (%s: the
			      holder's absolute path, or its binary's) */
	const char *dir;   /* the kit's folder under the kits folder (@KIT@) */
	struct kit_file files[KIT_FILES_MAX];
};

static const struct kit kits[] = {
	{ "python", ".py", NULL, "/usr/bin/python3 -I -B %s", "python",
	  { { "python/lockchaos_holder.py", "lockchaos_holder.py", 0, 0644, 0 },
	    { "python/example_toylock.py", "my_holder.py", 1, 0755, 0 } } },
	{ "node", ".mjs", NULL, "node %s", "node",
	  { { "node/lockchaos_holder.mjs", "lockchaos_holder.mjs", 0, 0644, 0 },
	    { "node/example_toylock.mjs", "my_holder.mjs", 1, 0755, 0 } } },
	/* the kit's library is compiled in from where it lies (installed or
	 * in the tree): only the holder and its Makefile are written */
	{ "c", ".c", "make -C %s", "%s", "c",
	  { { "c/example_toylock.c", "my_holder.c", 1, 0644, 0 },
	    { "c/holder.mk", "Makefile", 0, 0644, 1 } } },
};
#define NR_KITS (sizeof(kits) / sizeof(kits[0]))

static int usage(FILE *out, int rc)
{
	size_t i;

	fprintf(out, "usage: lockchaos init-holder --lang LANG [DIR | FILE]\n"
		     "Writes a starting holder for your lock: the kit's "
		     "library and a toy lock to edit\n(it passes check-holder "
		     "as written); for c, the toy and a Makefile that\n"
		     "compiles the kit in from where it is installed "
		     "(make -C DIR builds DIR/my_holder).\n"
		     "DIR: default '.'; FILE names the holder.\n"
		     "Never overwrites: when a file to write exists, nothing "
		     "is written.\nLANG:");
	for (i = 0; i < NR_KITS; i++)
		fprintf(out, " %s", kits[i].lang);
	fputc('\n', out);
	return rc;
}

/* The kits folder shipped with this lockchaos (cli_find_shipped), when it
 * holds `probe`; NULL when not. */
static char *kits_dir(const char *probe)
{
	char *root = cli_find_shipped(CLI_KITS, NULL);
	char *p = root ? xasprintf("%s/%s", root, probe) : NULL;
	struct stat st;

	if (p && (stat(p, &st) || !S_ISREG(st.st_mode))) {
		free(root);
		root = NULL;
	}
	free(p);
	return root;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/* `text` (freed) with every @KIT@, @SRC@ and @PROG@ replaced; *len set. */
static char *fill_template(char *text, size_t *len, const char *kit,
			   const char *src, const char *prog)
{
	static const char *const keys[] = { "@KIT@", "@SRC@", "@PROG@" };
	const char *vals[] = { kit, src, prog };
	char *out = xstrdup(""), *p = text, *at;

	while ((at = strchr(p, '@'))) {
		size_t k;
		char *next;

		for (k = 0; k < 3; k++)
			if (!strncmp(at, keys[k], strlen(keys[k])))
				break;
		next = xasprintf("%s%.*s%s", out, (int)(at - p), p,
				 k < 3 ? vals[k] : "@");
		free(out);
		out = next;
		p = at + (k < 3 ? strlen(keys[k]) : 1);
	}
	{
		char *next = xasprintf("%s%s", out, p);

		free(out);
		out = next;
	}
	free(text);
	*len = strlen(out);
	return out;
}

/* Writes `buf` to a new file `path` (never through a symlink, never over
 * anything). 0, or -1 after saying why. */
static int write_new(const char *path, const char *buf, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      mode);
	size_t off = 0;

	if (fd < 0) {
		fprintf(stderr, "lockchaos init-holder: cannot create '%s': "
				"%s\n",
			path, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "lockchaos init-holder: cannot write "
					"'%s': %s\n",
				path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	fchmod(fd, (mode_t)mode); /* past the umask: the holder is run */
	if (close(fd)) {
		fprintf(stderr, "lockchaos init-holder: cannot write '%s': %s\n",
			path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int init_holder_main(int argc, char **argv)
{
	const struct kit *k = NULL;
	const char *lang = NULL, *target = ".";
	char *src_root = NULL, *dir = NULL, *holder_name = NULL, *prog = NULL;
	char *dst[KIT_FILES_MAX] = { NULL }, *text[KIT_FILES_MAX] = { NULL };
	size_t len[KIT_FILES_MAX] = { 0 };
	int i, nr = 0, rc = 1, written = 0, have_target = 0;
	struct stat st;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout, 0);
		if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		else if (!strncmp(argv[i], "--lang=", 7))
			lang = argv[i] + 7;
		else if (argv[i][0] == '-' || have_target++)
			return usage(stderr, 2);
		else
			target = argv[i];
	}
	for (i = 0; lang && i < (int)NR_KITS; i++)
		if (!strcmp(kits[i].lang, lang))
			k = &kits[i];
	if (!k) {
		if (lang)
			fprintf(stderr, "lockchaos init-holder: no kit for "
					"'%s'\n",
				lang);
		return usage(stderr, 2);
	}
	while (nr < KIT_FILES_MAX && k->files[nr].src)
		nr++;
	src_root = kits_dir(k->files[0].src);
	if (!src_root) {
		fprintf(stderr, "lockchaos init-holder: the %s kit is not next "
				"to lockchaos (../kits or "
				"../share/lockchaos/kits: '%s' missing)\n",
			k->lang, k->files[0].src);
		return 1;
	}
	/* FILE (an existing file, or a name with the holder's extension)
	 * names the holder; anything else is the folder to write into. */
	if (ends_with(target, k->ext) &&
	    (stat(target, &st) || !S_ISDIR(st.st_mode))) {
		char *copy = xstrdup(target);

		dir = xstrdup(dirname(copy));
		free(copy);
		copy = xstrdup(target);
		holder_name = xstrdup(basename(copy));
		free(copy);
	} else {
		dir = xstrdup(target);
	}
	/* the holder file's name, and its program's (a C holder's binary) */
	for (i = 0; i < nr; i++)
		if (k->files[i].holder) {
			const char *h = holder_name ? holder_name
						    : k->files[i].dst;

			prog = xstrndup(h, strlen(h) - (ends_with(h, k->ext)
							    ? strlen(k->ext)
							    : 0));
		}
	for (i = 0; i < nr; i++) {
		const struct kit_file *f = &k->files[i];
		char *src = xasprintf("%s/%s", src_root, f->src);

		dst[i] = xasprintf("%s/%s", dir,
				   f->holder && holder_name ? holder_name
							    : f->dst);
		text[i] = read_file(src, KIT_FILE_MAX, &len[i]);
		if (!text[i]) {
			fprintf(stderr, "lockchaos init-holder: cannot read "
					"'%s': %s\n",
				src, strerror(errno));
			free(src);
			goto out;
		}
		free(src);
		if (f->template) {
			char *kit = xasprintf("%s/%s", src_root, k->dir);
			char *abs = realpath(kit, NULL);
			char *name = xasprintf("%s%s", prog, k->ext);

			text[i] = fill_template(text[i], &len[i],
						abs ? abs : kit, name, prog);
			free(name);
			free(abs);
			free(kit);
		}
		if (!lstat(dst[i], &st)) {
			fprintf(stderr, "lockchaos init-holder: '%s' exists: "
					"nothing written (move it away, or "
					"name another DIR or FILE)\n",
				dst[i]);
			goto out;
		}
	}
	if (mkdir_p(dir, 0755)) {
		fprintf(stderr, "lockchaos init-holder: cannot create '%s': "
				"%s\n",
			dir, strerror(errno));
		goto out;
	}
	for (written = 0; written < nr; written++)
		if (write_new(dst[written], text[written], len[written],
			      k->files[written].mode))
			goto out;
	for (i = 0; i < nr; i++)
		printf("wrote %s%s\n", dst[i],
		       k->files[i].holder ? "  (your lock: edit this one)" : "");
	{
		char *abs_dir = realpath(dir, NULL);
		char *hold = NULL, *cmd, *catalog;

		for (i = 0; i < nr; i++)
			if (k->files[i].holder)
				hold = dst[i];
		if (k->build) {
			char *b = xasprintf(k->build, dir);

			printf("build: %s\n", b);
			free(b);
			/* the C kit's Makefile builds the holder's program */
			hold = xasprintf("%s/%s", abs_dir, prog);
			cmd = xasprintf(k->run, hold);
			free(hold);
		} else {
			char *copy = xstrdup(hold), *base = basename(copy);
			char *abs = xasprintf("%s/%s", abs_dir, base);

			cmd = xasprintf(k->run, abs);
			free(abs);
			free(copy);
		}
		catalog = conformance_catalog();
		printf("check: lockchaos check-holder '%s'\n"
		       "run:   lockchaos run --holder '%s' %s\n",
		       cmd, cmd, catalog ? catalog : "SCENARIOS");
		free(catalog);
		free(cmd);
		free(abs_dir);
	}
	rc = 0;
out:
	if (rc)
		while (written-- > 0)
			unlink(dst[written]); /* all or nothing */
	for (i = 0; i < nr; i++) {
		free(dst[i]);
		free(text[i]);
	}
	free(holder_name);
	free(prog);
	free(dir);
	free(src_root);
	return rc;
}
