/*
 * known.h - the matrix's declared findings: which cells of an
 * implementation's column are expected to fail (as lit's XFAIL), read from
 * fixtures/known/<impl>.txt (docs/matrix.md has the format).
 *
 * One line per expected failure:
 *
 *   SCENARIO CHECKER FINDING free text
 *
 * SCENARIO is a scenario path relative to the catalog root
 * (`seeds/002-sigkill.scn`); it matches a run's scenario file when the file
 * is that path or ends with "/" and that path. CHECKER is a checker name,
 * `expect` (the scenario's own expectations), `fault`, `harness`, or `*`
 * (any failure). FINDING is an id of docs/findings.md (`F4`) or `-`.
 * `#` starts a comment; blank lines are ignored.
 */
#ifndef LOCKCHAOS_KNOWN_H
#define LOCKCHAOS_KNOWN_H

#include <jv.h>

struct known_entry {
	char *scenario; /* relative to the catalog root */
	char *checker;	/* name, or "*" */
	char *finding;	/* "F4" or "-" */
	char *text;	/* the free text, may be "" */
	int line;	/* in the file, for messages */
	int hits;	/* cells it covered in this run */
	int seen;	/* cells of its scenario that ran to a verdict */
	int flaky;	/* FINDING written `F4?`: it may or may not fail in a
			   run (timing); covers it, never "no longer reproduces" */
};

struct known_list {
	char *path; /* the file read, or NULL when there was none */
	struct known_entry *items;
	int nr, alloc;
};
#define KNOWN_LIST_INIT { NULL, NULL, 0, 0 }

/*
 * Reads DIR/<impl>.txt into `k` (which must be KNOWN_LIST_INIT). A missing
 * file is an empty list (every FAIL counts): 0. A line that does not follow
 * the format is printed as `file:line: what, expected what` on stderr and
 * makes it return -1 (every bad line is shown). An impl name that could
 * leave DIR ("..", a "/") is refused with -1.
 */
int known_load(struct known_list *k, const char *dir, const char *impl);
void known_clear(struct known_list *k);

/* Whether entry `e` is about the scenario file `file` (as a run names it). */
int known_matches_file(const struct known_entry *e, const char *file);

/*
 * Judges one failed cell: `failures` (borrowed) is the run's failure list
 * ([{checker, msg, ...}]). Every failure must be covered by an entry of
 * `file` whose checker is that failure's or `*`. Returns 1 when all are
 * (the covering entries get hits++), 0 when some are not: then *uncovered
 * (malloc'ed, caller frees) names the uncovered checkers ("mutex, expect").
 * A failed cell with an empty failure list is never covered.
 */
/* Whether `k` declares failures of checker `checker` in scenario `file`
 * (an entry for that checker or `*`); counts nothing. */
int known_declares(const struct known_list *k, const char *file,
		   const char *checker);

int known_covers(struct known_list *k, const char *file, jv failures,
		 char **uncovered);

/*
 * Records that the cell of `file` ran to a verdict (pass or fail): each of
 * its entries gets seen++. An entry with seen > 0 and hits == 0 after the
 * run is a known finding that no longer reproduces.
 */
void known_saw(struct known_list *k, const char *file);

#endif
