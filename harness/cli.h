/*
 * cli.h - what the command line needs beyond getopt: holder commands,
 * report folders, and the check-holder command.
 */
#ifndef LOCKCHAOS_CLI_H
#define LOCKCHAOS_CLI_H

#include <getopt.h>

struct cli_holder {
	char *name;  /* matrix column ("reference", "openclaw-2026.4.15") */
	char *cmd;   /* the command line as given */
	char **argv; /* split, NULL-terminated */
};

/*
 * Parses a --holder value: "CMD", or with `named` "NAME=CMD" (a bare CMD
 * is then named after its program). 0, or -1 after printing why.
 */
int cli_holder_parse(struct cli_holder *h, const char *text, int named);

/*
 * Where lockchaos finds what it ships, relative to its own binary (so an
 * installed tree can be moved, and a DESTDIR staging works as it is):
 * installed, BIN/../libexec/lockchaos/X and BIN/../share/lockchaos/X; in
 * the build tree, build/X and the source tree's folders.
 *
 * cli_find_shipped: the first of those that exists, by kind
 * (CLI_HOLDER: the reference holder; CLI_CATALOG: the scenario catalog;
 * CLI_KNOWN: the matrix's known findings; CLI_CLOCKSHIM: the clock faults'
 * lockchaos-clockshim.so; CLI_JITTER: the jitter fault's libjitter.so;
 * CLI_KITS: the holder kits, for init-holder). Malloc'ed, or NULL when none
 * exists (the paths tried are then in *tried, malloc'ed, when tried is
 * not NULL).
 */
enum cli_shipped { CLI_HOLDER, CLI_CATALOG, CLI_KNOWN, CLI_CLOCKSHIM, CLI_JITTER, CLI_KITS };
char *cli_find_shipped(enum cli_shipped what, char **tried);

/* The reference holder: sessionlock-holder of this lockchaos
 * (cli_find_shipped). */
int cli_holder_default(struct cli_holder *h);
void cli_holder_clear(struct cli_holder *h);

/*
 * Splits a command line into words: whitespace separates, '...' and "..."
 * group, backslash escapes inside "...". NULL on an unterminated quote.
 */
char **split_command(const char *cmd);
void free_argv(char **argv);

/*
 * prove(1)'s -e splits its command at blanks, quotes and all: `prove -e
 * "lockchaos run --holder 'sh my.sh'"` gives lockchaos the words "'sh"
 * and "my.sh'". When `value` (the option's value, argv[*next - 1]) opens
 * a quote that it does not close, it is joined with the words after it up
 * to the one that closes it, *next moved past them, and the outer quotes
 * dropped: "sh my.sh", as a shell would have given it. Returns that
 * (malloc'ed), or NULL when `value` is not such a piece (or no word closes
 * it: then split_command says what is wrong).
 */
char *cli_rejoin_split(const char *value, int argc, char *const argv[],
		       int *next);

/*
 * `word` quoted for a POSIX shell: as it is when it holds only characters
 * no shell treats specially, else in '...' ("it's" gives 'it'\''s').
 * Malloc'ed.
 */
char *shell_quote(const char *word);

/*
 * The words of `argv` joined into one command line that split_command
 * splits back into the same words (a word with a blank, a quote or a
 * backslash is put in "..." with \" and \\). Malloc'ed.
 */
char *join_command(char *const argv[]);

/*
 * The command that replays a run, for a shell, from any folder: `prog run
 * --seed N --holder 'CMD' [extra] PATH...`, CMD from the holder's
 * resolved words, `extra` (may be NULL) already quoted; prog (when it has
 * a '/') and every path that exists made absolute, all quoted. Malloc'ed.
 */
char *cli_replay_line(const char *prog, unsigned long long seed,
		      char *const holder_argv[], const char *extra,
		      char *const paths[], int nr_paths);

/* The folder next to the running lockchaos binary (malloc'ed). */
char *exe_dir(void);

/*
 * Makes the report folder, before any holder starts: `given` (created if
 * missing; refused when it is not a folder, not writable, or not empty, so
 * an earlier run's report is never overwritten), or a new
 * reports/<YYYYmmdd-HHMMSS>[-N]/. Returns it (malloc'ed) or NULL after
 * printing why. reports/latest is not touched: see cli_report_latest.
 */
char *cli_report_dir(const char *given);

/* Points reports/latest at `dir` when it is reports/<name>. Call it only
 * when the report there is complete. */
void cli_report_latest(const char *dir);

/*
 * Makes this run's scratch root, $TMPDIR/lockchaos-run-XXXXXX (TMPDIR
 * unset: /tmp), and checks that its file system has CLI_SCRATCH_MIN bytes
 * and an inode free (statvfs): a full disk is an environment problem to
 * say before any holder starts, not a lock failure. Returns it (malloc'ed;
 * the caller removes it) or NULL after printing why.
 */
#define CLI_SCRATCH_MIN (1ULL << 20)
char *cli_scratch_root(void);

/*
 * Says what getopt_long (called with opterr = 0 and an optstring that
 * starts with "+:") found wrong, after it returned `c` ('?': an unknown or
 * ambiguous option, ':': an option without its value): "lockchaos run:
 * unknown option '--hodler' (did you mean --holder?)", the names taken
 * from `opts`. Prints to stderr; the caller exits 2.
 */
void cli_option_error(const char *cmd, int c, char *const argv[],
		      const struct option *opts);

/* The same for a command that reads its options itself: "lockchaos CMD:
 * unknown option 'WORD' (did you mean ...?)", names from `opts`. */
void cli_unknown_option(const char *cmd, const char *word,
			const struct option *opts);

/* `lockchaos check-holder CMD`: see checkholder.c. */
int check_holder_main(int argc, char **argv);

/* `lockchaos init-holder --lang LANG [DIR | FILE]`: see initholder.c.
 * argv[0] is the command's name. 0, 1 (nothing written), 2 (usage). */
int init_holder_main(int argc, char **argv);

#endif
