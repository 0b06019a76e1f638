/*
 * check.h - the built-in checkers and custom jq assertions.
 *
 * Checkers are pure functions of a scenario's history (docs/history.md): a
 * jv array of event objects, ending with a `final` event that records the
 * state left behind. They never look at the filesystem or the clock, so a
 * stored history.jsonl can be re-checked and unit tests feed hand-made
 * histories (tests/histories/).
 *
 * What the checkers assume of a history:
 *  - `t` is microseconds on one clock for every event, scenario start = 0:
 *    holders' CLOCK_MONOTONIC stamps rebased by the runner. Events are
 *    re-sorted by `t` (stable), since two pipes may deliver slightly out of
 *    order. An event without `t` happened when the one before it did.
 *  - Transcript lines in final.sessions[S].transcript carry `holder`, `lane`,
 *    `msg` and `t`, where the runner has rebased `t` onto the same scenario
 *    clock (fencing compares it with `acquired` events).
 *  - `invoke` events carry the command's timeoutMs, pollMs, maxHoldMs,
 *    graceMs, holdMs; missing ones default to meta.params, then to the
 *    protocol's (pollMs 50). A hold whose maxHoldMs is known nowhere has no
 *    upper bound.
 *
 * The rules, in short (check.c has the reasoning next to each):
 *  recovery   Each session alternates between held and free stretches. A
 *             hold stops blocking when its holder released it, died (kill,
 *             term, exit), answered the deliver/turn that took it (a lane
 *             timeout included; an explicit acquire keeps its hold until a
 *             release command), or its lock file was damaged by the
 *             harness; and in any case at acquired + maxHoldMs (a live but
 *             stuck holder included). Once free, every waiting contender
 *             must see the lock taken, by itself or another, within
 *             max(free, its start) + its pollMs + slack (+ the time the
 *             contender itself was frozen or spinning). A contender starts
 *             when its lane is free (commands on a lane run in order; on
 *             every lane, for a holder without `lanes`). Planted lock files
 *             block until their kind allows a reclaim: unparsable ones for
 *             graceMs, dead/ancient/removed at once, others without bound.
 *             Acquisitions of a process with a failpoint armed may own a
 *             file they have not reported: they block from their start.
 *  no-silent-drop  Per (session, msg): each `ok` puts exactly one line in
 *             the transcript, each refusal none; an unknown fate (no answer
 *             from a holder that died, `info`, a `cleanup` failure that
 *             came after the write) zero or one, one if `appended` was
 *             reported. A refusal needs a reason or an error text. A
 *             command unanswered although its holder was alive and running
 *             for its whole budget (timeoutMs [+ holdMs] + slack) is a drop.
 *  mutex      A hold taken while another owner's hold was live (before it
 *             ended, by more than 20 ms of pipe-ordering noise, and before
 *             acquired + maxHoldMs - min(slack, maxHoldMs/2)). Lanes of one
 *             process are distinct owners unless `reentrant`. Fencing: a
 *             transcript line written after another owner acquired the
 *             session (since the writer's own last acquisition), after the
 *             writer released it, or with no acquisition at all.
 *  leak       final lock not "absent"; final.leaked not empty.
 *  integrity  lines that are not JSON objects, a torn tail (once), the
 *             same msg (or the same bytes) twice, reported once each.
 *  visibility A holder's WARN/ERROR log is owed between its command's invoke
 *             and answer (+ slack) for: an `acquired` with `reclaimed`; an
 *             acquisition of a lock its previous owner never released (any
 *             holder's WARN since that owner's acquisition counts, since the
 *             reclaimer and the winner of the race may differ); and a
 *             refused deliver/turn message, whose WARN must name the msg id
 *             as a word.
 *  protocol   any `error` event of a holder (non-protocol output, second
 *             hello, a foreign clock, a command it did not understand: the
 *             harness sends only valid ones); two answers to one command;
 *             an answer to a command never sent.
 */

/*
 * The Check unit-test framework's header is also called check.h: our
 * folders are on the -iquote path, so `#include <check.h>` is Check's and
 * `#include "check/check.h"` is this one.
 */
#ifndef LOCKCHAOS_CHECK_H
#define LOCKCHAOS_CHECK_H

#include <stdint.h>
#include <jv.h>

enum checker {
	CHECK_RECOVERY,       /* contenders get the lock within the bound */
	CHECK_NO_SILENT_DROP, /* every message: transcript once, or an error */
	CHECK_MUTEX,          /* one owner at a time; fencing after takeover */
	CHECK_LEAK,           /* no lock file, no process after a clean end */
	CHECK_INTEGRITY,      /* transcript lines parse, none torn or doubled */
	CHECK_VISIBILITY,     /* WARN line for every reclaim and refusal */
	CHECK_PROTOCOL,       /* holders speak the protocol, one outcome each */
	CHECK__NR
};

struct check_opts {
	unsigned disabled; /* bit (1u << checker) set: that checker is off */
	int64_t slack_us;  /* added to every time bound; machines are noisy.
			      The runner passes the scenario's slackMs. */
};
#define CHECK_OPTS_INIT { 0, 300000 }

/* Name of a checker as written in scenarios and reports ("no-silent-drop"),
 * or NULL for a value that is not a checker. */
const char *checker_name(enum checker c);

/* The checker called `name` (exact, case-sensitive), or -1 when there is
 * none (NULL included). */
int checker_from_name(const char *name);

/*
 * Runs every checker not disabled in `opts` (NULL: CHECK_OPTS_INIT) over
 * `history` (borrowed: the caller keeps its reference). On return
 * `*verdicts` is a new jv array, owned by the caller, with one object per
 * failure:
 *   {"type":"verdict","checker":NAME,"ok":false,"msg":TEXT,"at":T,
 *    "process":NAME-or-null}
 * where `msg` says which holder or message, and the times involved
 * (seconds from scenario start, 3 decimals; durations in ms), e.g.
 *   "B waited 2950 ms for s1 after A was killed at 1.200 s (bound: poll
 *    50 ms + slack 300 ms)"
 * and `at` is the µs time it concerns (for recovery, when the bound ran
 * out). Without a `final` event, no-silent-drop, leak and integrity each
 * fail once saying so. Returns the number of failures (0: all passed), or
 * -1 when the history is not an array of objects (then *verdicts holds one
 * verdict of checker "history" saying why).
 */
int check_history(jv history, const struct check_opts *opts, jv *verdicts);

/*
 * Evaluates the jq `program` with the history array (borrowed) as its
 * input. Returns 1 when it produced at least one output and every output is
 * `true` (then *err is NULL); 0 when an output is not `true`, or there was
 * no output at all (an assertion that asserts nothing must not pass), with
 * *err saying what it produced; -1 when the program is empty, does not
 * compile, fails at run time (`error`, a type error, `halt_error`) or
 * produces more than ten million outputs, with *err saying why. The caller
 * frees *err.
 *
 * The program sees the history and nothing else: `input` has nothing to
 * read, `import`/`include` find no module (a compile error), `$ENV` and
 * `env` are the harness's. libjq 1.6 quirk: `error(null)` ends the program
 * like `empty` and cannot be told apart.
 */
int check_jq(jv history, const char *program, char **err);

#endif
