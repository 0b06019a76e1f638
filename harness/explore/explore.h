/*
 * explore.h - `lockchaos explore`: random fault schedules, shrunk to a
 * scenario a person can read (docs/explore.md).
 *
 *   gen.c      a seed and the holder's capabilities -> one scenario, as a
 *              list of statements (struct xscn) that renders to the plain
 *              language; rendering and re-parsing it (scenario_parse) is
 *              what guarantees that what explore writes replays
 *   shrink.c   a failing xscn and a "does it still fail?" test -> the
 *              smallest xscn no single simplification of which still fails
 *   explore.c  the command: probe the holder, generate, run in the run
 *              pool, judge with the built-in checkers, shrink, write
 *              DIR/found-NNN.scn
 */
#ifndef LOCKCHAOS_EXPLORE_H
#define LOCKCHAOS_EXPLORE_H

#include <stdint.h>
#include <stdio.h>

/* What a holder said it can do in its hello (docs/holder-protocol.md). */
struct explore_caps {
	int acquire, release, deliver, turn, spin, sweep; /* operations */
	int lanes, maxhold, timeout, watchdog, fencing, failpoints;
	int speed;	/* its clocks go through libc: libfaketime can step
			   them (`clock`), as `speed` needs */
	char **points;	/* the failpoint names it declared; NULL-terminated
			   or NULL */
};

/* Parses `caps` and `points` from a hello line (JSON text). 0, or -1 when
 * it is not a hello object. The caller clears with explore_caps_clear. */
int explore_caps_from_hello(struct explore_caps *c, const char *line);
void explore_caps_clear(struct explore_caps *c);

/* One statement: `at AT~JITTER WORD...` (at -1: no `at`). */
struct xstmt {
	int64_t at_ms;
	int64_t jitter_ms;
	char **words; /* NULL-terminated, each malloc'ed */
	int nr_words;
	int keep;     /* part of the clean end (a thaw, a reap, block-loop
			 off, the last deliver, the closing wait): the
			 shrinker leaves it as it is; it goes only with its
			 holder. Without it a shrink slips to a failure any
			 lock has (`A acquire` alone leaks). */
};

/*
 * A generated scenario. The `holder` line is `holders` (one of its own for
 * each with `holder_opts`), the `lock` line
 * `lock` (key=value words), `disable` checkers are written as given, then
 * every statement in order. Everything is owned by the xscn.
 */
struct xscn {
	char **holders;
	char **holder_opts; /* per holder, NULL or its keys (`ns=c1 pid=7`):
			       such a holder gets a `holder` line of its own */
	int nr_holders;
	char **lock;
	int nr_lock;
	char **disable;
	int nr_disable;
	struct xstmt *st;
	int nr, alloc;
};

void xscn_init(struct xscn *x);
void xscn_clear(struct xscn *x);
void xscn_copy(struct xscn *dst, const struct xscn *src);

/*
 * The scenario text: `header` (comment lines, may be NULL), `title TITLE`,
 * `tags explore`, then `repeat`, `disable`, `lock`, `holder` lines (a
 * repeat of 1 is not written) and the statements. Malloc'ed.
 */
char *xscn_render(const struct xscn *x, const char *header,
		  const char *title, int repeat);

/* Its size as explore reports it: statements counted as a person reads
 * them: the `lock` and `holder` lines, each `disable` line and each step
 * (not title, tags, repeat or comments). */
int xscn_size(const struct xscn *x);

/*
 * Generates scenario number `index` of an exploration with `seed`, for a
 * holder with `caps` (operations and faults it lacks are never drawn),
 * into `x` (xscn_init'ed or cleared). The same (seed, index, caps) always
 * gives the same scenario. `pidns`: recycle may be drawn. The draw's
 * weights are documented in docs/explore.md and at the top of gen.c.
 */
void explore_gen(struct xscn *x, uint64_t seed, uint64_t index,
		 const struct explore_caps *caps, int pidns);

/*
 * The shrinker's test: 1 when candidate `x` still fails as the original
 * did, 0 when it does not (or does not parse), -1 to stop shrinking
 * (interrupted, or out of time): the best so far is kept.
 */
typedef int (*shrink_test_fn)(const struct xscn *x, void *arg);

/* A shrink's hooks (set by the caller) and counters (set by the shrink). */
struct shrink_stats {
	int tried;     /* candidates tested */
	int accepted;  /* candidates that still failed, each one smaller */
	int stopped;   /* the test (or verify) said stop */
	/* Called after each accepted step (may be NULL), for progress. */
	void (*progress)(const struct shrink_stats *, const struct xscn *,
			 void *arg);
	/*
	 * Whether a scenario the search ended on replays: 1 it fails often
	 * enough to be written (explore: at least twice in its measuring
	 * runs), 0 it does not (a candidate kept by luck), -1 stop. NULL:
	 * every kept candidate is trusted. The scenario explore_shrink is
	 * given counts as replaying.
	 */
	shrink_test_fn verify;
	int end_may_go;	/* the clean end (xstmt.keep) may be dropped too:
			   for a failure no missing end can cause (mutex) */
	int refused;	/* kept candidates verify said do not replay */
	int verified;	/* verify calls */
};

/*
 * The measure shrinking decreases: lexicographically (holders, statements,
 * words, milliseconds of every time and duration, nonzero digits and
 * characters of the rendered text, holder names weighted by position: A B
 * before B D, the sum of the text's digits: m1 before m2), written into
 * m[XSCN_MEASURE]. A candidate is accepted only when its measure is
 * smaller than the current one's, so shrinking is monotone and, the
 * measure being a tuple of naturals, ends.
 */
#define XSCN_MEASURE 8
void xscn_measure(const struct xscn *x, int64_t m[XSCN_MEASURE]);
/* <0, 0, >0 as a's measure is smaller, equal, larger than b's. */
int xscn_measure_cmp(const struct xscn *a, const struct xscn *b);

/*
 * Shrinks `x` in place: tries every single simplification (drop a holder
 * and its statements, drop a chunk of statements or one statement, merge
 * the sessions, drop a key, drop or round an `at` time and its jitter,
 * halve and round a duration, rename messages, sessions, lanes and
 * holders to the first names), keeps the first that is smaller and still
 * fails, and goes on from that simplification (round the list), until
 * none does. A candidate that did not fail is not tried again.
 *
 * Then, with stats->verify, the scenario it ended on must replay: when it
 * does not, the shrink backs off along the candidates it kept (halving
 * the way back, each verified) to the last one that replays, never tries
 * the one after it again, and searches on from there. So `x` ends as a
 * scenario verify said replays (or as given). Returns 0, or 1 when the
 * test or verify asked to stop (x is then the last verified scenario, or
 * the last kept when there is no verify).
 */
int explore_shrink(struct xscn *x, shrink_test_fn test, void *arg,
		   struct shrink_stats *stats);

/* `lockchaos explore ...`: the command (explore.c). Exit status: 0
 * nothing found, 1 something found, 2 usage error. Its options, as help
 * shows them (main.c's command table). */
extern const char explore_options[];
int explore_main(int argc, char **argv);

#endif
