/*
 * check.h - the built-in checkers and custom jq assertions.
 *
 * Checkers are pure functions of a scenario's history (docs/history.md): a
 * jv array of event objects in time order, ending with a `final` event that
 * records the state left behind. They never look at the filesystem or the
 * clock, so a stored history.jsonl can be re-checked and unit tests feed
 * hand-made histories.
 */
/*
 * The Check unit-test framework's header is also called check.h, and with
 * harness/ on the -I path `#include <check.h>` finds this file first. A test
 * that wants the framework defines LOCKCHAOS_WANT_CHECK_FRAMEWORK before
 * including <check.h>, and this passes the include on. (Putting harness/ on
 * -iquote instead of -I makes this unnecessary.)
 */
#ifdef LOCKCHAOS_WANT_CHECK_FRAMEWORK
#undef LOCKCHAOS_WANT_CHECK_FRAMEWORK
#include_next <check.h>
#endif

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
	int64_t slack_us;  /* added to every time bound; machines are noisy */
};
#define CHECK_OPTS_INIT { 0, 300000 }

/* Name of a checker as written in scenarios and reports ("no-silent-drop"). */
const char *checker_name(enum checker c);

/* The checker called `name`, or -1 when there is none. */
int checker_from_name(const char *name);

/*
 * Runs every checker not disabled in `opts` over `history` (borrowed: the
 * caller keeps its reference). On return `*verdicts` is a new jv array with
 * one object per failure:
 *   {"type":"verdict","checker":NAME,"ok":false,"msg":TEXT,"at":T,
 *    "process":NAME-or-null}
 * where `msg` says which holder or message, and the times involved, e.g.
 *   "B waited 2950 ms for s1 after A was killed at 1.200 s (bound 350 ms)".
 * Returns the number of failures (0: all passed), or -1 when the history is
 * not an array of objects (then *verdicts holds one verdict saying why).
 */
int check_history(jv history, const struct check_opts *opts, jv *verdicts);

/*
 * Evaluates the jq `program` with the history array as its input. Returns 1
 * when every output is `true`, 0 when one is not (then *err, malloc'ed, says
 * what it produced), -1 when the program does not compile or fails at run
 * time (*err says why). The caller frees *err.
 */
int check_jq(jv history, const char *program, char **err);

#endif
