/*
 * test_scenario.c - the scenario parser (harness/scenario/scenario.c), exhaustively.
 *
 * Error paths: one row per `fail(` of scenario.c (and per caller of the
 * shared ones: unknown holder, not a duration, not a number), each a small
 * text that must be refused with the exact `x.scn:LINE: ` prefix, the start
 * of the message, and the words that say what was expected. Happy paths:
 * every statement, operation, key (short and long), duration form, damage
 * kind and expectation form, read back field by field. Robustness: empty,
 * comments only, NUL, a 1 MB line, invalid UTF-8, CRLF, too many words,
 * unterminated quotes; ASan (make unit-asan) watches for leaks and
 * overreads on every path, errors included.
 *
 * Tests that once showed a bug of the parser say "was a bug" in their comment and name
 * the place in their failure message.
 */
#include <check.h>

#include "check/check.h"
#include "faults/damage.h"
#include "faults/faults.h"
#include "scenario/scenario.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct scenario s;
static char *err;
static const char *row = ""; /* the error row under test, for messages */

static void setup(void)
{
	scenario_init(&s);
	err = NULL;
}

static void teardown(void)
{
	scenario_clear(&s);
	free(err);
	err = NULL;
}

/* Parses `text` as x.scn into the fixture; returns scenario_parse's rc. */
static int parse(const char *text)
{
	scenario_clear(&s);
	free(err);
	err = NULL;
	return scenario_parse(&s, "x.scn", text, &err);
}

static void parse_ok(const char *text)
{
	int rc = parse(text);

	ck_assert_msg(rc == 0, "should parse, got: %s\n--- text:\n%s",
		      err ? err : "(no message)", text);
	ck_assert_ptr_null(err);
}

/* Refused with a message starting with `prefix` and holding each word. */
static void parse_fails(const char *text, const char *prefix,
			const char *const *words)
{
	int rc = parse(text);

	ck_assert_msg(rc == -1, "%s: accepted, want '%s'", row, prefix);
	ck_assert_msg(err != NULL, "%s: rc -1 but no message", row);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)),
		      "%s: got '%.300s', want it to start with '%s'", row, err,
		      prefix);
	for (; words && *words; words++)
		ck_assert_msg(strstr(err, *words) != NULL,
			      "%s: message '%s' lacks '%s'", row, err, *words);
	ck_assert_msg(!strchr(err, '\n'), "%s: message spans lines: '%s'", row,
		      err);
}

static struct scn_step *step(int i)
{
	ck_assert_int_lt(i, s.nr_steps);
	return &s.steps[i];
}

/* Argument `key` of fault step i; fails the test when there is none. */
static const struct scn_arg *arg(int i, const char *key)
{
	const struct scn_arg *a = scn_step_arg(step(i), key);

	ck_assert_msg(a != NULL, "step %d has no argument '%s'", i, key);
	return a;
}

static struct scn_expect *expect(int i)
{
	ck_assert_int_lt(i, s.nr_expects);
	return &s.expects[i];
}

/* ---- every error path ---------------------------------------------------- */

#define H "holder A B\n" /* line 1 of most rows */
#define W8 " w w w w w w w w"
#define OPS "acquire, release, deliver, turn, spin, exit, sweep"
#define CHECKERS                                                               \
	"recovery, no-silent-drop, mutex, leak, integrity, visibility, "       \
	"protocol"

struct err_case {
	const char *name; /* what the row exercises */
	const char *text;
	const char *prefix;   /* exact start of the message */
	const char *words[4]; /* and these somewhere in it */
};

/* Rows leave `words` out when the prefix says it all. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct err_case err_cases[] = {
    /* split_words */
    {"65 words", "tags" W8 W8 W8 W8 W8 W8 W8 W8 "\n",
     "x.scn:1: too many words (at most 64)"},
    {"unterminated single quote", H "A deliver 'm1\n",
     "x.scn:2: unterminated ' quote"},
    {"unterminated double quote", "holder \"A B\n",
     "x.scn:1: unterminated \" quote"},
    {"quote closed by the other kind", H "A deliver \"m1'\n",
     "x.scn:2: unterminated \" quote"},

    /* parse_ms, through each caller */
    {"lock duration",
     H "lock timeoutMs=2x\n",
     "x.scn:2: timeoutMs: '2x' is not a duration",
     {"expected e.g. 500ms, 2s, 1.5s", "number of ms"}},
    {"lock short key duration", H "lock grace=-5s\n",
     "x.scn:2: grace: '-5s' is not a duration"},
    {"op param duration", H "A acquire timeout=soon\n",
     "x.scn:2: timeout: 'soon' is not a duration"},
    {"turn hold duration", H "A turn hold=abc\n",
     "x.scn:2: hold: 'abc' is not a duration"},
    {"turn holdMs duration", H "A turn holdMs=\n",
     "x.scn:2: A turn: holdMs= needs a value"},
    {"spin ms duration", H "A spin ms=-1\n",
     "x.scn:2: ms: '-1' is not a duration"},
    {"spin for duration", H "A spin for=ever\n",
     "x.scn:2: for: 'ever' is not a duration"},
    {"failpoint delay duration", H "failpoint A name=p delay=x\n",
     "x.scn:2: delay: 'x' is not a duration"},
    {"damage age duration", H "damage s1 empty age=old\n",
     "x.scn:2: age: 'old' is not a duration"},
    {"await timeout duration", H "await A timeout=x\n",
     "x.scn:2: timeout: 'x' is not a duration"},
    {"wait duration", H "wait soon\n",
     "x.scn:2: wait: 'soon' is not a duration"},
    {"within word duration", H "A deliver m1\nexpect m1 ok within soon\n",
     "x.scn:3: within: 'soon' is not a duration"},
    {"within= duration", H "A deliver m1\nexpect m1 ok within=1y\n",
     "x.scn:3: within: '1y' is not a duration"},
    {"at duration", H "at soon kill A\n",
     "x.scn:2: at: 'soon' is not a duration"},
    {"at jitter duration", H "at 1s~x kill A\n",
     "x.scn:2: at jitter: 'x' is not a duration"},
    {"at empty time", H "at ~5ms kill A\n",
     "x.scn:2: at: '' is not a duration"},

    /* parse_int, through each caller */
    {"repeat 0", H "repeat 0\n",
     "x.scn:2: repeat: '0' is not a whole number from 1 to 1000"},
    {"repeat 1001", H "repeat 1001\n",
     "x.scn:2: repeat: '1001' is not a whole number from 1 to 1000"},
    {"repeat word", H "repeat many\n",
     "x.scn:2: repeat: 'many' is not a whole number"},
    {"repeat overflow", H "repeat 99999999999999999999\n",
     "x.scn:2: repeat: '99999999999999999999' is not a whole number"},
    {"speed 0", H "speed 0\n",
     "x.scn:2: speed: '0' is not a whole number from 1 to 1000"},
    {"speed 1001", H "speed 1001\n",
     "x.scn:2: speed: '1001' is not a whole number from 1 to 1000"},
    {"speed alone", H "speed\n",
     "x.scn:2: speed: expected a factor (1 to 1000) or 'off REASON'"},
    {"speed twice", H "speed 20\nspeed 10\n",
     "x.scn:3: speed: given twice (first on line 2)"},
    {"speed off twice", H "speed off mtime\nspeed 10\n",
     "x.scn:3: speed: given twice (first on line 2)"},
    {"speed off no reason", H "speed off\n",
     "x.scn:2: speed off: expected the reason"},
    {"exit code 256", H "A exit code=256\n",
     "x.scn:2: code: '256' is not a whole number from 0 to 255"},
    {"exit code empty", H "A exit code=\n",
     "x.scn:2: A exit: code= needs a value"},
    {"transcript lines", H "expect transcript s1 lines=-1\n",
     "x.scn:2: lines: '-1' is not a whole number from 0 to 1000000"},
    {"transcript lines word", H "expect transcript s1 lines=two\n",
     "x.scn:2: lines: 'two' is not a whole number"},

    /* param_key */
    {"pollMs 0 on lock", H "lock pollMs=0\n",
     "x.scn:2: pollMs must be above 0"},
    {"poll 0ms on a step", H "A acquire poll=0ms\n",
     "x.scn:2: pollMs must be above 0"},
    {"poll rounding to 0", H "lock poll=0.4\n",
     "x.scn:2: pollMs must be above 0"},

    /* need_holder */
    {"kill, none declared", "kill A\n",
     "x.scn:1: kill: unknown holder 'A' (declared: none; declare with "
     "`holder NAME`)"},
    {"kill unknown", H "kill C\n",
     "x.scn:2: kill: unknown holder 'C' (declared: A, B)"},
    {"term unknown", H "term C\n", "x.scn:2: term: unknown holder 'C'"},
    {"freeze unknown", H "freeze C\n", "x.scn:2: freeze: unknown holder 'C'"},
    {"thaw unknown", H "thaw C\n", "x.scn:2: thaw: unknown holder 'C'"},
    {"recycle unknown", H "recycle C\n",
     "x.scn:2: recycle: unknown holder 'C'"},
    {"failpoint unknown", H "failpoint C name=p\n",
     "x.scn:2: failpoint: unknown holder 'C' (declared: A, B)"},
    {"await unknown", H "await C\n", "x.scn:2: await: unknown holder 'C'"},
    {"damage owner unknown", H "damage s1 foreign owner=C\n",
     "x.scn:2: damage owner: unknown holder 'C' (declared: A, B)"},
    {"expect log unknown", H "expect log C\n",
     "x.scn:2: log: unknown holder 'C'"},
    {"expect released unknown", H "expect released C\n",
     "x.scn:2: released: unknown holder 'C'"},
    {"holder is case-sensitive", H "kill a\n",
     "x.scn:2: kill: unknown holder 'a'"},

    /* stmt_holder */
    {"holder without names", "holder\n",
     "x.scn:1: holder: expected one or more names"},
    {"holder bad name", "holder 1A\n",
     "x.scn:1: holder: '1A' is not a name (a letter, then letters, "
     "digits, _ - .)"},
    {"holder bad character", "holder A/B\n",
     "x.scn:1: holder: 'A/B' is not a name"},
    {"holder empty quoted name", "holder ''\n",
     "x.scn:1: holder: '' is not a name"},
    {"holder twice on a line", "holder A A\n",
     "x.scn:1: holder: 'A' declared twice"},
    {"holder twice on two lines", H "holder B\n",
     "x.scn:2: holder: 'B' declared twice"},
    {"sweep of one session", H "A sweep session=s2\n",
     "x.scn:2: sweep: judges every lock file of the folder (no session=)"},
    {"sweep with a message", H "A sweep msg=m1\n",
     "x.scn:2: A sweep: unknown key 'msg'"},
    {"holder keys only", "holder ns=c1\n",
     "x.scn:1: holder: expected one or more names"},
    {"holder unknown key", "holder A nspace=c1\n",
     "x.scn:1: holder: unknown key 'nspace' (expected ns or pid)"},
    {"holder ns not a name", "holder A ns=1c\n",
     "x.scn:1: holder: ns: '1c' is not a name"},
    {"holder pid 1 is init's", "holder A pid=1\n",
     "x.scn:1: holder: pid: ", {"1"}},
    {"holder pid not a number", "holder A pid=seven\n",
     "x.scn:1: holder: pid: ", {"seven"}},
    {"holder pid for two", "holder A B ns=c1 pid=7\n",
     "x.scn:1: holder: pid=7 names one holder, not 2"},
    {"holder pid twice in a namespace",
     "holder A ns=c1 pid=7\nholder B pid=7\nholder C ns=c1 pid=7\n",
     "x.scn:3: holder: pid=7 is A's already (line 1) in namespace c1"},
    {"holder pid twice in the scenario's namespace",
     "holder A pid=9\nholder B pid=9\n",
     "x.scn:2: holder: pid=9 is A's already (line 1) in the scenario's "
     "namespace"},

    /* stmt_lock */
    {"lock without keys", H "lock\n",
     "x.scn:2: lock: expected key=value (keys: maxHoldMs, timeoutMs, "
     "pollMs, graceMs, laneTimeoutMs, slackMs, deadline)"},
    {"lock bare word", H "lock 5s\n",
     "x.scn:2: lock: expected key=value, got '5s'"},
    {"lock empty key", H "lock =5s\n",
     "x.scn:2: lock: expected key=value, got '=5s'"},
    {"lock unknown key",
     H "lock hold=5s\n",
     "x.scn:2: lock: unknown key 'hold' (expected one of: maxHoldMs",
     {"deadline"}},
    {"lock key case", H "lock timeoutms=5s\n",
     "x.scn:2: lock: unknown key 'timeoutms'"},

    /* stmt_op */
    {"holder without op", H "A\n",
     "x.scn:2: A: expected an operation (one of: " OPS ")"},
    {"unknown op", H "A aquire\n",
     "x.scn:2: A: unknown operation 'aquire' (did you mean: acquire?) (expected one of: " OPS ")"},
    {"acquire bare word", H "A acquire m1\n",
     "x.scn:2: A acquire: expected key=value, got 'm1'"},
    {"deliver second bare word", H "A deliver m1 m2\n",
     "x.scn:2: A deliver: expected key=value, got 'm2'"},
    {"deliver bare word not a name", H "A deliver 1m\n",
     "x.scn:2: A deliver: expected key=value, got '1m'"},
    {"deliver quoted word with space", H "A deliver 'm 1'\n",
     "x.scn:2: A deliver: expected key=value, got 'm 1'"},
    {"session not a name", H "A acquire session=../s1\n",
     "x.scn:2: session: '../s1' is not a name"},
    {"session empty", H "A release session=\n",
     "x.scn:2: A release: session= needs a value"},
    {"msg empty", H "A deliver msg=\n",
     "x.scn:2: A deliver: msg= needs a value"},
    {"step deadline", H "A acquire deadline=5s\n",
     "x.scn:2: A acquire: deadline applies to the whole scenario"},
    {"lock after a step", H "A acquire\nlock poll=5\n",
     "x.scn:3: lock: must come before the first step (line 2)"},
    {"holder named like a statement", "holder tags\n",
     "x.scn:1: holder: 'tags' is a word of the language"},
    {"holder named init", "holder init\n",
     "x.scn:1: holder: 'init' is a word of the language"},
    {"acquire unknown key", H "A acquire msg=m1\n",
     "x.scn:2: A acquire: unknown key 'msg' (expected session, lane, as, "
     "opt.KEY, or maxHoldMs, timeoutMs"},
    {"release unknown key", H "A release hold=1s\n",
     "x.scn:2: A release: unknown key 'hold' (expected session, lane, "
     "as, opt.KEY, or maxHoldMs"},
    {"deliver unknown key", H "A deliver m1 hold=1s\n",
     "x.scn:2: A deliver: unknown key 'hold' (expected session, lane, "
     "as, msg, opt.KEY, or maxHoldMs"},
    {"turn unknown key", H "A turn hold=1s ms=5\n",
     "x.scn:2: A turn: unknown key 'ms' (did you mean: msg, as?) (expected session, lane, as, "
     "msg, hold, opt.KEY, or maxHoldMs"},
    {"spin unknown key", H "A spin code=1\n",
     "x.scn:2: A spin: unknown key 'code' (expected session, lane, as, "
     "ms, opt.KEY, or maxHoldMs"},
    {"exit unknown key", H "A exit ms=1\n",
     "x.scn:2: A exit: unknown key 'ms' (did you mean: as?) (expected session, lane, as, "
     "code, opt.KEY, or maxHoldMs"},
    {"deliver without msg", H "A deliver\n",
     "x.scn:2: deliver: expected a message id (msg=ID)"},
    {"deliver with only keys", H "A deliver session=s2\n",
     "x.scn:2: deliver: expected a message id"},
    {"opt. without a name", H "A acquire opt.=1\n",
     "x.scn:2: A acquire: opt. needs an option name (opt.NAME=VALUE"},
    {"opt. name with a slash", H "A deliver m1 opt.a/b=1\n",
     "x.scn:2: A deliver: option name 'a/b' may hold only letters, digits, _ and -"},
    {"opt. given twice", H "A release opt.x=1 opt.x=2\n",
     "x.scn:2: A release: opt.x given twice"},
    {"opt. without a value", H "A acquire opt.x=\n",
     "x.scn:2: A acquire: opt.x= needs a value"},
    {"turn without hold", H "A turn msg=m1\n",
     "x.scn:2: turn: expected hold=DURATION above 0"},
    {"turn hold 0", H "A turn hold=0 msg=m1\n",
     "x.scn:2: turn: expected hold=DURATION above 0"},

    /* stmt_signal */
    {"kill without holder", H "kill\n",
     "x.scn:2: kill: expected exactly one holder name"},
    {"kill two holders", H "kill A B\n",
     "x.scn:2: kill: expected exactly one holder name"},
    {"term two", H "term A B\n",
     "x.scn:2: term: expected exactly one holder name"},
    {"freeze none", H "freeze\n",
     "x.scn:2: freeze: expected exactly one holder name"},
    {"thaw none", H "thaw\n",
     "x.scn:2: thaw: expected exactly one holder name"},
    {"recycle two", H "recycle A B\n",
     "x.scn:2: recycle: expected exactly one holder name"},

    /* stmt_failpoint */
    {"failpoint short", H "failpoint A\n",
     "x.scn:2: failpoint: expected HOLDER name=POINT [errno=E] "
     "[delay=T] [once] [off]"},
    {"failpoint bare word", H "failpoint A name=p sometimes\n",
     "x.scn:2: failpoint: expected key=value, once or off, got "
     "'sometimes'"},
    {"failpoint empty name", H "failpoint A name=\n",
     "x.scn:2: failpoint: bad point name ''"},
    {"failpoint name with comma", H "failpoint A name=a,b\n",
     "x.scn:2: failpoint: bad point name 'a,b'"},
    {"failpoint name with space", H "failpoint A 'name=a b'\n",
     "x.scn:2: failpoint: bad point name 'a b'"},
    {"failpoint name with tab", H "failpoint A \"name=a\tb\"\n",
     "x.scn:2: failpoint: bad point name 'a\tb'"},
    {"failpoint unknown errno", H "failpoint A name=p errno=EFOO\n",
     "x.scn:2: failpoint: unknown errno 'EFOO' (did you mean: EIO?) (expected e.g. EIO, "
     "ENOSPC, EACCES or a number)"},
    {"failpoint errno 0", H "failpoint A name=p errno=0\n",
     "x.scn:2: failpoint: unknown errno '0'"},
    {"failpoint unknown key", H "failpoint A name=p prob=0.5\n",
     "x.scn:2: failpoint: unknown key 'prob' (expected name, errno, "
     "delay)"},
    {"failpoint without name", H "failpoint A once\n",
     "x.scn:2: failpoint: expected name=POINT"},
    {"failpoint errno and delay",
     H "failpoint A name=p errno=EIO "
       "delay=5ms\n",
     "x.scn:2: failpoint: errno and delay exclude each other"},

    /* signal: a fault read from the table (faults/signal.c) */
    {"signal short", H "signal A\n",
     "x.scn:2: signal: expected a holder name and a signal, SIGNAL one of: "
     "HUP, INT, QUIT",
     {"USR1", "USR2", "WINCH"}},
    {"signal three words", H "signal A HUP now\n",
     "x.scn:2: signal: expected a holder name and a signal"},
    {"signal unknown holder", H "signal C HUP\n",
     "x.scn:2: signal: unknown holder 'C' (declared: A, B)"},
    {"signal unknown name", H "signal A HUPP\n",
     "x.scn:2: signal: unknown signal 'HUPP' (did you mean: HUP?) (expected one of: HUP, INT, "
     "QUIT, ILL, TRAP, ABRT",
     {"KILL", "TERM", "SYS)"}},
    {"signal SIG prefix", H "signal A SIGHUP\n",
     "x.scn:2: signal: unknown signal 'SIGHUP' (expected one of: HUP"},
    {"signal lower case", H "signal A hup\n",
     "x.scn:2: signal: unknown signal 'hup'"},
    {"signal STOP is freeze's", H "signal A STOP\n",
     "x.scn:2: signal: unknown signal 'STOP'"},
    {"signal CONT is thaw's", H "signal A CONT\n",
     "x.scn:2: signal: unknown signal 'CONT'"},
    {"holder named signal", "holder signal\n",
     "x.scn:1: holder: 'signal' is a word of the language"},

    /* stmt_damage */
    {"damage short",
     H "damage s1\n",
     "x.scn:2: damage: expected SESSION KIND [owner=H] [age=T] "
     "[FIELD=VALUE...], KIND "
     "one of: empty, truncated, garbage",
     {"torn-transcript", "removed"}},
    {"damage bad session", H "damage ../s1 empty\n",
     "x.scn:2: damage: expected SESSION KIND"},
    {"damage unknown kind",
     H "damage s1 emtpy\n",
     "x.scn:2: damage: unknown kind 'emtpy' (did you mean: empty?) (expected one of: empty, ",
     {"maxhold-huge", "unreadable"}},
    {"damage bare word", H "damage s1 empty old\n",
     "x.scn:2: damage: expected key=value, got 'old'"},
    {"damage unknown key", H "damage s1 empty mode=0\n",
     "x.scn:2: damage: unknown key 'mode' (expected age, owner, pid, "
     "starttime, createdAt, maxHoldMs, mtime, payload)"},
    {"damage pid not a number", H "damage s1 exact pid=seven\n",
     "x.scn:2: damage: pid= is not a whole number"},
    {"damage maxHoldMs word", H "damage s1 exact maxHoldMs=long\n",
     "x.scn:2: damage: maxHoldMs= is not a whole number or none"},
    {"damage mtime not a duration", H "damage s1 exact mtime=yesterday\n",
     "x.scn:2: damage: mtime= is not a duration from now"},
    {"damage payload needs exact", H "damage s1 dead payload='{}'\n",
     "x.scn:2: damage: payload= goes with kind exact only"},
    {"damage payload with a field", H "damage s1 exact payload='{}' pid=1\n",
     "x.scn:2: damage: payload= is the whole file"},

    /* stmt_wait */
    {"await without holder", H "await\n",
     "x.scn:2: await: expected a holder name"},
    {"await bare word", H "await A 5s\n",
     "x.scn:2: await A: unknown event '5s' (expected acquired, released, "
     "answered, log, failpoint, created, or timeout=T)"},
    {"await failpoint other key", H "await A failpoint contains=x\n",
     "x.scn:2: await A failpoint: unknown key 'contains' (expected timeout, "
     "name)"},
    {"await other key", H "await A limit=5s\n",
     "x.scn:2: await A: unknown key 'limit' (expected timeout)"},
    {"await unknown event", H "await A took\n",
     "x.scn:2: await A: unknown event 'took' (expected acquired"},
    {"await answered unknown label", H "await m9 answered\n",
     "x.scn:2: await m9 answered: no operation before this line is "
     "labelled 'm9' (msg= or as=)"},
    {"await answered label after", H "await m1 answered\nA deliver m1\n",
     "x.scn:2: await m1 answered: no operation before"},
    {"await acquired unknown holder", H "await C acquired\n",
     "x.scn:2: await: unknown holder 'C'"},
    {"await acquired why", H "await A acquired why=watchdog\n",
     "x.scn:2: await A acquired: unknown key 'why' (expected timeout)"},
    {"await log why", H "await A log why=x\n",
     "x.scn:2: await A log: unknown key 'why' (expected timeout, level, "
     "contains)"},
    {"await released bare", H "await A released watchdog\n",
     "x.scn:2: await: expected key=value, got 'watchdog'"},
    {"wait without time", H "wait\n",
     "x.scn:2: wait: expected one duration (e.g. wait 200ms)"},
    {"wait two times", H "wait 1s 2s\n",
     "x.scn:2: wait: expected one duration"},

    /* stmt_expect */
    {"expect alone", H "expect\n",
     "x.scn:2: expect: expected LABEL ok|fail, lock, transcript, log, "
     "released, failure or outside"},
    {"expect lock short", H "expect lock s1\n",
     "x.scn:2: expect lock: expected SESSION absent|present"},
    {"expect lock bad state", H "expect lock s1 gone\n",
     "x.scn:2: expect lock: expected SESSION absent|present"},
    {"expect lock bad session", H "expect lock ../s absent\n",
     "x.scn:2: expect lock: expected SESSION absent|present"},
    {"expect transcript bare", H "expect transcript s1 5\n",
     "x.scn:2: expect transcript: expected SESSION lines=N"},
    {"expect transcript other key", H "expect transcript s1 count=5\n",
     "x.scn:2: expect transcript: expected SESSION lines=N"},
    {"expect outside alone", H "expect outside\n",
     "x.scn:2: expect outside: expected `expect outside intact`"},
    {"expect outside other", H "expect outside changed\n",
     "x.scn:2: expect outside: expected `expect outside intact`"},
    {"expect failure alone", H "expect failure\n",
     "x.scn:2: expect failure: expected a checker name (" CHECKERS ")"},
    {"expect failure unknown", H "expect failure mutx\n",
     "x.scn:2: expect failure: expected a checker name"},
    {"expect failure bare word", H "expect failure mutex torn\n",
     "x.scn:2: expect failure: expected contains=TEXT, got 'torn'"},
    {"expect failure other key", H "expect failure mutex level=WARN\n",
     "x.scn:2: expect failure: expected contains=TEXT, got 'level"},
    {"expect log alone", H "expect log\n",
     "x.scn:2: expect log: expected a holder name"},
    {"expect released alone", H "expect released\n",
     "x.scn:2: expect released: expected a holder name"},
    {"expect log bare word", H "expect log A WARN\n",
     "x.scn:2: expect log: expected key=value, got 'WARN'"},
    {"expect released bare word", H "expect released A watchdog\n",
     "x.scn:2: expect released: expected key=value, got 'watchdog'"},
    {"expect log level", H "expect log A level=DEBUG\n",
     "x.scn:2: expect log: level must be INFO, WARN or ERROR"},
    {"expect log level case", H "expect log A level=warn\n",
     "x.scn:2: expect log: level must be INFO, WARN or ERROR"},
    {"expect log unknown key", H "expect log A why=x\n",
     "x.scn:2: expect log: unknown key 'why' (expected level, "
     "contains)"},
    {"expect released unknown key", H "expect released A level=WARN\n",
     "x.scn:2: expect released: unknown key 'level' (expected why)"},
    {"expect label alone", H "A deliver m1\nexpect m1\n",
     "x.scn:3: expect: unknown form 'm1' (expected LABEL ok|fail, lock, "
     "transcript, log, released, failure or outside)"},
    {"expect label bad verdict", H "A deliver m1\nexpect m1 done\n",
     "x.scn:3: expect: unknown form 'm1'"},
    {"expect outcome bare word", H "A deliver m1\nexpect m1 ok quickly\n",
     "x.scn:3: expect: expected reason=R or within=T, got 'quickly'"},
    {"expect within without value",
     H "A deliver m1\nexpect m1 ok "
       "within\n",
     "x.scn:3: expect: expected reason=R or within=T, got 'within'"},
    {"expect ok with reason", H "A deliver m1\nexpect m1 ok reason=io\n",
     "x.scn:3: expect: unknown key 'reason' (expected within)"},
    {"expect fail unknown key", H "A deliver m1\nexpect m1 fail why=io\n",
     "x.scn:3: expect: unknown key 'why' (expected within, reason)"},

    /* stmt_assert */
    {"assert jq without program", H "assert jq\n",
     "x.scn:2: assert: expected `assert jq 'EXPR'`"},
    {"assert other language", H "assert true\n",
     "x.scn:2: assert: expected `assert jq 'EXPR'`"},
    {"assert python", H "assert py 'x'\n",
     "x.scn:2: assert: expected `assert jq 'EXPR'`"},

    /* stmt_title and parse_line's title */
    {"title with blanks only", H "title   \n", "x.scn:2: title: expected text"},
    {"title alone", H "title\n", "x.scn:2: title: expected text"},
    {"title twice", "title one\n" H "title two\n",
     "x.scn:3: title: given twice"},

    /* parse_line: at */
    {"at alone", H "at 1s\n", "x.scn:2: at: expected `at TIME STEP ...`"},
    {"at without time", H "at\n", "x.scn:2: at: expected `at TIME STEP ...`"},
    {"at title", H "at 1s title x\n",
     "x.scn:2: at: 'title' cannot be timed (expected a holder operation "
     "or a fault)"},
    {"at tags", H "at 1s tags x\n", "x.scn:2: at: 'tags' cannot be timed"},
    {"at lock", H "at 1s lock poll=5\n", "x.scn:2: at: 'lock' cannot be timed"},
    {"at holder", H "at 1s holder C\n",
     "x.scn:2: at: 'holder' cannot be timed"},
    {"at repeat", H "at 1s repeat 2\n",
     "x.scn:2: at: 'repeat' cannot be timed"},
    {"at requires", H "at 1s requires x\n",
     "x.scn:2: at: 'requires' cannot be timed"},
    {"at disable", H "at 1s disable leak\n",
     "x.scn:2: at: 'disable' cannot be timed"},
    {"at expect", H "at 1s expect transcript s1 lines=1\n",
     "x.scn:2: at: only `expect lock` can be timed"},
    {"at expect lock bad", H "at 1s expect lock s1 gone\n",
     "x.scn:2: expect lock: expected SESSION absent|present [owner=HOLDER]"},
    {"expect lock owner absent", H "expect lock s1 absent owner=A\n",
     "x.scn:2: expect lock: an absent lock has no owner"},
    {"expect lock owner unknown", H "expect lock s1 present owner=Z\n",
     "x.scn:2: expect lock owner: unknown holder 'Z'"},
    {"expect lock owner key", H "expect lock s1 present who=A\n",
     "x.scn:2: expect lock: unknown key 'who' (expected owner)"},
    {"expect lock owner word", H "expect lock s1 present A\n",
     "x.scn:2: expect lock: expected owner=HOLDER, got 'A'"},
    {"jitter no max", H "jitter A calls=open\n",
     "x.scn:2: jitter: expected max=T"},
    {"jitter bad call", H "jitter A calls=open,unlnk max=5ms\n",
     "x.scn:2: jitter: unknown call 'unlnk' in calls=open,unlnk; nearest: "
     "unlink"},
    {"jitter too long", H "jitter A max=11s\n",
     "x.scn:2: jitter: max= is at most 10s"},
    {"jitter off with keys", H "jitter A off calls=open\n",
     "x.scn:2: jitter: off takes no calls= or max="},
    {"jitter no holder", H "jitter max=5ms\n",
     "x.scn:2: jitter: unknown holder 'max=5ms'"},
    {"jitter unknown holder", H "jitter A Q max=5ms\n",
     "x.scn:2: jitter: unknown holder 'Q'"},
    {"at assert", H "at 1s assert jq true\n",
     "x.scn:2: at: 'assert' cannot be timed"},
    {"at wait", H "at 1s wait 1s\n", "x.scn:2: at: 'wait' cannot be timed"},
    {"at await", H "at 1s await A\n", "x.scn:2: at: 'await' cannot be timed"},
    {"at at", H "at 1s at 2s kill A\n", "x.scn:2: at: 'at' cannot be timed"},

    /* parse_line: repeat, disable, unknown statement */
    {"repeat alone", H "repeat\n", "x.scn:2: repeat: expected a count"},
    {"repeat two", H "repeat 2 3\n", "x.scn:2: repeat: expected a count"},
    {"disable alone", H "disable\n",
     "x.scn:2: disable: expected checker names"},
    {"disable unknown", H "disable leak mutx\n",
     "x.scn:2: disable: unknown checker 'mutx' (did you mean: mutex?) (expected " CHECKERS ")"},
    {"unknown statement", H "kil A\n",
     "x.scn:2: unknown statement 'kil' (did you mean: kill?) (expected one of: title, tags, "
     "lock, holder, repeat, speed, requires, disable, at, kill, term, signal, "
     "freeze, thaw, zombie, reap, recycle, failpoint, damage, clock, jitter, wait, await, expect, "
     "assert, or "
     "a declared holder's name)"},
    {"statement before its holder", "A acquire\nholder A\n",
     "x.scn:1: unknown statement 'A'"},
    {"statement case", H "Kill A\n", "x.scn:2: unknown statement 'Kill'"},
    {"timed unknown statement", H "at 1s kil A\n",
     "x.scn:2: unknown statement 'kil'"},

    /* parse_finish */
    {"empty file", "",
     "x.scn: no holder declared (expected `holder "
     "NAME`)"},
    {"no holder", "title t\nlock poll=5\n",
     "x.scn: no holder declared (expected `holder NAME`)"},
    {"expect unknown label", H "A acquire\nexpect m1 ok\n",
     "x.scn:3: expect: no step is labelled 'm1' (label a step with "
     "as=m1, or use its msg id)"},
    {"expect label before a later duplicate",
     H "A deliver m1\n"
       "B deliver m1\n"
       "expect m1 ok\n",
     "x.scn:4: expect: 2 steps are labelled 'm1'; give each its own "
     "as=NAME"},
    {"as= duplicating a msg",
     H "A deliver m1\nA acquire as=m1\n"
       "expect m1 fail\n",
     "x.scn:4: expect: 2 steps are labelled 'm1'"},

    /* first error wins, later lines are not read */
    {"first error only", H "kil A\nkill C\n",
     "x.scn:2: unknown statement 'kil'"},
};
#pragma GCC diagnostic pop

START_TEST(test_error_path)
{
	const struct err_case *c = &err_cases[_i];

	row = c->name;
	parse_fails(c->text, c->prefix, c->words);
	/* the partial scenario is cleared by teardown: ASan checks it */
}
END_TEST

/* ---- happy paths --------------------------------------------------------- */

START_TEST(test_readme_example)
{
	parse_ok("# Seed 002: a SIGKILLed holder's lock must be reclaimed "
		 "at once.\n"
		 "title SIGKILLed holder: its lock is reclaimed at once\n"
		 "tags seed sigkill\n"
		 "lock maxHoldMs=5s timeoutMs=2s pollMs=50ms\n"
		 "holder A B\n"
		 "A turn hold=10s msg=m0          # A holds the lock...\n"
		 "at 300ms kill A                  # ...and is killed\n"
		 "at 400ms B deliver msg=m1        # B must get the lock\n"
		 "expect m1 ok within 500ms\n"
		 "expect lock s1 absent\n");
	ck_assert_str_eq(s.file, "x.scn");
	ck_assert_str_eq(s.title,
			 "SIGKILLed holder: its lock is reclaimed at once");
	ck_assert_int_eq(s.nr_tags, 2);
	ck_assert_str_eq(s.tags[0], "seed");
	ck_assert_str_eq(s.tags[1], "sigkill");
	ck_assert_int_eq(s.params.max_hold_ms, 5000);
	ck_assert_int_eq(s.params.timeout_ms, 2000);
	ck_assert_int_eq(s.params.poll_ms, 50);
	ck_assert_int_eq(s.nr_holders, 2);
	ck_assert_str_eq(s.holders[0].name, "A");
	ck_assert_int_eq(s.holders[0].line, 5);
	ck_assert_int_eq(s.holders[0].needs_fiu, 0);
	ck_assert_int_eq(s.nr_steps, 3);

	ck_assert_int_eq(step(0)->kind, STEP_OP);
	ck_assert_int_eq(step(0)->op, OP_TURN);
	ck_assert_int_eq(step(0)->line, 6);
	ck_assert_int_eq(step(0)->at_ms, -1);
	ck_assert_int_eq(step(0)->hold_ms, 10000);
	ck_assert_str_eq(step(0)->holder, "A");
	ck_assert_str_eq(step(0)->msg, "m0");
	ck_assert_str_eq(step(0)->label, "m0");
	ck_assert_str_eq(step(0)->session, "s1");
	ck_assert_str_eq(step(0)->lane, "main");
	ck_assert_str_eq(step(0)->text,
			 "A turn hold=10s msg=m0          # A holds the "
			 "lock...");

	ck_assert_str_eq(step_name(step(1)), "kill");
	ck_assert_int_eq(step(1)->at_ms, 300);
	ck_assert_int_eq(step(1)->jitter_ms, 0);
	ck_assert_str_eq(step(1)->holder, "A");

	ck_assert_int_eq(step(2)->kind, STEP_OP);
	ck_assert_int_eq(step(2)->op, OP_DELIVER);
	ck_assert_int_eq(step(2)->at_ms, 400);
	ck_assert_str_eq(step(2)->holder, "B");

	ck_assert_int_eq(s.nr_expects, 2);
	ck_assert_int_eq(expect(0)->kind, EXPECT_OUTCOME);
	ck_assert_int_eq(expect(0)->line, 9);
	ck_assert_str_eq(expect(0)->label, "m1");
	ck_assert_int_eq(expect(0)->want_ok, 1);
	ck_assert_int_eq(expect(0)->within_ms, 500);
	ck_assert_int_eq(expect(1)->kind, EXPECT_LOCK);
	ck_assert_str_eq(expect(1)->session, "s1");
	ck_assert_int_eq(expect(1)->present, 0);
	ck_assert_int_eq(s.repeat, 1);
	ck_assert_int_eq(s.needs_pidns, 0);
	ck_assert_uint_eq(s.disabled, 0);
}
END_TEST

START_TEST(test_defaults)
{
	struct scn_params def = SCN_PARAMS_INIT;

	parse_ok("holder A\nA acquire\n");
	ck_assert_int_eq(def.max_hold_ms, 5000);
	ck_assert_int_eq(s.params.max_hold_ms, 5000);
	ck_assert_int_eq(s.params.timeout_ms, 2000);
	ck_assert_int_eq(s.params.poll_ms, 50);
	ck_assert_int_eq(s.params.grace_ms, 2000);
	ck_assert_int_eq(s.params.lane_timeout_ms, -1);
	ck_assert_int_eq(s.params.slack_ms, 300);
	ck_assert_int_eq(s.params.deadline_ms, 30000);
	ck_assert_int_eq(s.repeat, 1);
	ck_assert_int_eq(s.nr_tags, 0);
	ck_assert_int_eq(s.nr_requires, 0);
	/* the title defaults to the file's base name */
	ck_assert_str_eq(s.title, "x.scn");
	ck_assert_int_eq(memcmp(&step(0)->p, &s.params, sizeof(s.params)), 0);
	ck_assert_ptr_null(step(0)->msg);
	ck_assert_ptr_null(step(0)->label); /* acquire without as= */
	ck_assert_str_eq(step(0)->session, "s1");
	ck_assert_str_eq(step(0)->lane, "main");

	scenario_clear(&s);
	ck_assert_int_eq(
	    scenario_parse(&s, "scenarios/faults/y.scn", "holder A\nA acquire\n",
			   &err),
	    0);
	ck_assert_str_eq(s.title, "y.scn");
	ck_assert_str_eq(s.file, "scenarios/faults/y.scn");
}
END_TEST

/* Each lock key in both forms, on `lock` and on a step. */
START_TEST(test_lock_keys)
{
	static const struct {
		const char *longk, *shortk;
		size_t off;
	} keys[] = {
#define K(l, sh, f) {l, sh, offsetof(struct scn_params, f)}
	    K("maxHoldMs", "maxHold", max_hold_ms),
	    K("timeoutMs", "timeout", timeout_ms),
	    K("pollMs", "poll", poll_ms),
	    K("graceMs", "grace", grace_ms),
	    K("laneTimeoutMs", "laneTimeout", lane_timeout_ms),
	    K("slackMs", "slack", slack_ms),
	    K("deadlineMs", "deadline", deadline_ms),
#undef K
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		int step_key = strcmp(keys[i].longk, "slackMs") &&
			       strcmp(keys[i].longk, "deadlineMs");
		char *text = xasprintf("holder A\n"
				       "lock %s=1234 %s=2s\n"
				       "A acquire\n"
				       "A acquire %s=7s\n"
				       "A acquire %s=1.5s\n",
				       keys[i].longk, keys[i].shortk,
				       step_key ? keys[i].shortk : "as",
				       step_key ? keys[i].longk : "as");
		int64_t *v;

		parse_ok(text);
		free(text);
		v = (int64_t *)((char *)&s.params + keys[i].off);
		/* the later key of one `lock` line wins */
		ck_assert_msg(*v == 2000, "%s: scenario %lld", keys[i].longk,
			      (long long)*v);
		v = (int64_t *)((char *)&step(0)->p + keys[i].off);
		ck_assert_msg(*v == 2000, "%s: inherited %lld", keys[i].longk,
			      (long long)*v);
		if (!step_key)
			continue; /* whole-scenario keys: refused on steps */
		v = (int64_t *)((char *)&step(1)->p + keys[i].off);
		ck_assert_msg(*v == 7000, "%s: short form %lld", keys[i].shortk,
			      (long long)*v);
		v = (int64_t *)((char *)&step(2)->p + keys[i].off);
		ck_assert_msg(*v == 1500, "%s: override %lld", keys[i].longk,
			      (long long)*v);
	}
}
END_TEST

/* A step overriding one key keeps the other defaults of `lock`. */
START_TEST(test_step_override_is_per_key)
{
	parse_ok("holder A\n"
		 "lock maxHoldMs=1s timeoutMs=4s pollMs=20ms\n"
		 "A deliver m1 timeout=3s\n"
		 "A deliver m2\n");
	ck_assert_int_eq(step(0)->p.timeout_ms, 3000);
	ck_assert_int_eq(step(0)->p.max_hold_ms, 1000);
	ck_assert_int_eq(step(0)->p.poll_ms, 20);
	ck_assert_int_eq(step(1)->p.timeout_ms, 4000);
	ck_assert_int_eq(s.params.timeout_ms, 4000);
}
END_TEST

START_TEST(test_duration_forms)
{
	parse_ok("holder A\n"
		 "wait 500ms\nwait 2s\nwait 1.5s\nwait 1m\nwait 250\nwait 0\n"
		 "at 1.25s kill A\n");
	ck_assert_int_eq(step(0)->wait_ms, 500);
	ck_assert_int_eq(step(1)->wait_ms, 2000);
	ck_assert_int_eq(step(2)->wait_ms, 1500);
	ck_assert_int_eq(step(3)->wait_ms, 60000);
	ck_assert_int_eq(step(4)->wait_ms, 250);
	ck_assert_int_eq(step(5)->wait_ms, 0);
	ck_assert_int_eq(step(5)->kind, STEP_WAIT);
	ck_assert_int_eq(step(5)->at_ms, -1);
	ck_assert_int_eq(step(6)->at_ms, 1250);
}
END_TEST

START_TEST(test_at_and_jitter)
{
	parse_ok("holder A B\n"
		 "at 200ms~50ms kill A\n"
		 "at 1s~0 B deliver m1\n"
		 "at 0 freeze B\n"
		 "B deliver m2\n"
		 "at 2s~1.5s term B\n");
	ck_assert_int_eq(step(0)->at_ms, 200);
	ck_assert_int_eq(step(0)->jitter_ms, 50);
	ck_assert_int_eq(step(1)->at_ms, 1000);
	ck_assert_int_eq(step(1)->jitter_ms, 0);
	ck_assert_int_eq(step(1)->op, OP_DELIVER);
	ck_assert_str_eq(step(1)->holder, "B");
	ck_assert_int_eq(step(2)->at_ms, 0);
	ck_assert_int_eq(step(3)->at_ms, -1); /* right after the previous */
	ck_assert_int_eq(step(4)->jitter_ms, 1500);
	/* the step's text is the whole line, `at` included */
	ck_assert_str_eq(step(0)->text, "at 200ms~50ms kill A");
}
END_TEST

START_TEST(test_quotes_comments_blanks)
{
	parse_ok("\n"
		 "   # an indented comment\n"
		 "\t\n"
		 "holder A\t B   # two holders\n"
		 "A deliver msg=\"m 1\" as='first one'\n"
		 "A deliver 'm2'   # a quoted bare word\n"
		 "A deliver msg=\"m\\\"3\" as=x#y\n"
		 "A deliver msg='it\"s' as=\"a'b\"\n"
		 "A deliver msg='#not-a-comment'\n"
		 "A deliver msg=\"a\\\\b\" as='c\\d'\n"
		 "#holder C\n");
	ck_assert_int_eq(s.nr_holders, 2);
	ck_assert_str_eq(s.holders[1].name, "B");
	ck_assert_str_eq(step(0)->msg, "m 1");
	ck_assert_str_eq(step(0)->label, "first one");
	ck_assert_int_eq(step(0)->line, 5);
	ck_assert_str_eq(step(1)->msg, "m2");
	ck_assert_str_eq(step(2)->msg, "m\"3");
	ck_assert_str_eq(step(2)->label, "x#y"); /* # inside a word */
	ck_assert_str_eq(step(3)->msg, "it\"s");
	ck_assert_str_eq(step(3)->label, "a'b");
	ck_assert_str_eq(step(4)->msg, "#not-a-comment");
	ck_assert_str_eq(step(5)->msg, "a\\b");	  /* \\ in "..." */
	ck_assert_str_eq(step(5)->label, "c\\d"); /* literal in '...' */
	ck_assert_int_eq(s.nr_steps, 6);
}
END_TEST

START_TEST(test_quoted_bare_word_not_a_name)
{
	/* a quoted bare word that is not a name is refused, not taken */
	parse_fails("holder A\nA deliver \"m\\\"3\"\n",
		    "x.scn:2: A deliver: expected key=value, got 'm\"3'", NULL);
}
END_TEST

START_TEST(test_every_operation)
{
	parse_ok("holder A G\n"
		 "A acquire session=s2 lane=cron as=get\n"
		 "A release session=s2 lane=cron as=put\n"
		 "A deliver m1\n"
		 "A deliver msg=m2 session=chat lane=session as=d2 "
		 "timeout=3s\n"
		 "G turn lane=main hold=5s laneTimeout=1s msg=m-main\n"
		 "G turn holdMs=250 laneTimeoutMs=100\n"
		 "A spin\n"
		 "A spin ms=200\n"
		 "A spin for=1s\n"
		 "A exit\n"
		 "A exit code=3\n"
		 "A exit code=255\n");
	ck_assert_int_eq(s.nr_steps, 12);
	ck_assert_int_eq(step(0)->op, OP_ACQUIRE);
	ck_assert_str_eq(step(0)->session, "s2");
	ck_assert_str_eq(step(0)->lane, "cron");
	ck_assert_str_eq(step(0)->label, "get");
	ck_assert_ptr_null(step(0)->msg);
	ck_assert_int_eq(step(1)->op, OP_RELEASE);
	ck_assert_str_eq(step(1)->label, "put");
	ck_assert_int_eq(step(2)->op, OP_DELIVER);
	ck_assert_str_eq(step(2)->msg, "m1");
	ck_assert_str_eq(step(2)->label, "m1");
	ck_assert_str_eq(step(3)->msg, "m2");
	ck_assert_str_eq(step(3)->session, "chat");
	ck_assert_str_eq(step(3)->lane, "session");
	ck_assert_str_eq(step(3)->label, "d2");
	ck_assert_int_eq(step(3)->p.timeout_ms, 3000);
	ck_assert_int_eq(step(4)->op, OP_TURN);
	ck_assert_str_eq(step(4)->holder, "G");
	ck_assert_int_eq(step(4)->hold_ms, 5000);
	ck_assert_int_eq(step(4)->p.lane_timeout_ms, 1000);
	ck_assert_str_eq(step(4)->label, "m-main");
	ck_assert_int_eq(step(5)->hold_ms, 250);
	ck_assert_int_eq(step(5)->p.lane_timeout_ms, 100);
	ck_assert_ptr_null(step(5)->msg);
	ck_assert_ptr_null(step(5)->label);
	ck_assert_int_eq(step(6)->op, OP_SPIN);
	ck_assert_int_eq(step(6)->spin_ms, 0); /* forever */
	ck_assert_int_eq(step(7)->spin_ms, 200);
	ck_assert_int_eq(step(8)->spin_ms, 1000);
	ck_assert_int_eq(step(9)->op, OP_EXIT);
	ck_assert_int_eq(step(9)->exit_code, 0);
	ck_assert_int_eq(step(10)->exit_code, 3);
	ck_assert_int_eq(step(11)->exit_code, 255);
}
END_TEST

START_TEST(test_label_defaults)
{
	parse_ok("holder A\n"
		 "A deliver m1\n"
		 "A deliver msg=m2 as=second\n"
		 "A turn hold=1s m3\n"
		 "A deliver as=fourth msg=m4\n"
		 "A deliver msg=m5 msg=m6\n"
		 "expect m1 ok\nexpect second ok\nexpect m3 ok\n"
		 "expect fourth ok\nexpect m6 ok\n");
	ck_assert_str_eq(step(0)->label, "m1");
	ck_assert_str_eq(step(1)->label, "second");
	ck_assert_str_eq(step(1)->msg, "m2");
	ck_assert_str_eq(step(2)->msg, "m3"); /* bare word on a turn */
	ck_assert_str_eq(step(2)->label, "m3");
	ck_assert_str_eq(step(3)->label, "fourth");
	ck_assert_str_eq(step(4)->msg, "m6"); /* the last msg= wins */
	ck_assert_int_eq(s.nr_expects, 5);
}
END_TEST

/* `opt.KEY=VALUE`: kept per step in the order written, values as written,
 * on every operation; steps without any have none. */
START_TEST(test_options)
{
	parse_ok("holder A\n"
		 "A acquire opt.reentrant=false opt.staleMs=10000\n"
		 "A deliver m1 opt.mode='a b'\n"
		 "A release\n"
		 "A sweep opt.x-y_1=null\n");
	ck_assert_int_eq(step(0)->nr_opts, 2);
	ck_assert_str_eq(step(0)->opts[0].key, "reentrant");
	ck_assert_str_eq(step(0)->opts[0].value, "false");
	ck_assert_str_eq(step(0)->opts[1].key, "staleMs");
	ck_assert_str_eq(step(0)->opts[1].value, "10000");
	ck_assert_int_eq(step(1)->nr_opts, 1);
	ck_assert_str_eq(step(1)->opts[0].value, "a b");
	ck_assert_str_eq(step(1)->msg, "m1");
	ck_assert_int_eq(step(2)->nr_opts, 0);
	ck_assert_str_eq(step(3)->opts[0].key, "x-y_1");
}
END_TEST

START_TEST(test_title_free_text)
{
	parse_ok("title A's lock: \"stale\" or not, it's reclaimed  \t\n"
		 "holder A\nA acquire\n");
	ck_assert_str_eq(s.title, "A's lock: \"stale\" or not, it's reclaimed");
	parse_ok("   title\tindented 'unbalanced\nholder A\nA acquire\n");
	ck_assert_str_eq(s.title, "indented 'unbalanced");
	/* `titles` is not `title` */
	parse_fails("titles x\nholder A\n",
		    "x.scn:1: unknown statement "
		    "'titles'",
		    NULL);
}
END_TEST

START_TEST(test_tags_repeat_requires_disable)
{
	parse_ok("holder A\n"
		 "tags seed seed-003\n"
		 "tags lanes\n"
		 "tags\n"
		 "repeat 20\n"
		 "requires maxHoldMs watchdog\n"
		 "requires lanes\n"
		 "disable leak   # the foreign lock stays by design\n"
		 "disable mutex integrity\n"
		 "A acquire\n");
	ck_assert_int_eq(s.nr_tags, 3);
	ck_assert_str_eq(s.tags[2], "lanes");
	ck_assert_int_eq(s.repeat, 20);
	ck_assert_int_eq(s.nr_requires, 3);
	ck_assert_str_eq(s.requires[0], "maxHoldMs");
	ck_assert_str_eq(s.requires[2], "lanes");
	ck_assert_uint_eq(s.disabled, (1u << CHECK_LEAK) | (1u << CHECK_MUTEX) |
					  (1u << CHECK_INTEGRITY));
	parse_ok("holder A\nrepeat 1\nrepeat 1000\nA acquire\n");
	ck_assert_int_eq(s.repeat, 1000);
}
END_TEST

/* Many tags on many lines: the array grows (ASan checks its bounds). */
START_TEST(test_speed)
{
	parse_ok(H "speed 20\nA acquire\n");
	ck_assert_int_eq(s.speed, 20);
	ck_assert_ptr_null(s.speed_off);
	ck_assert_int_eq(s.speed_line, 2);
	parse_ok(H "speed off 'reads mtimes'  grace by mtime   # comment\n"
		   "A acquire\n");
	ck_assert_int_eq(s.speed, 0);
	ck_assert_str_eq(s.speed_off, "reads mtimes grace by mtime");
	parse_ok(H "A acquire\n");
	ck_assert_int_eq(s.speed, 0);
	ck_assert_ptr_null(s.speed_off);
}
END_TEST

START_TEST(test_many_tags_and_steps)
{
	size_t cap = 200 * 40 + 64, n = 0;
	char *text = xmalloc(cap);
	int i;

	n += (size_t)sprintf(text + n, "holder A\n");
	for (i = 0; i < 100; i++)
		n +=
		    (size_t)sprintf(text + n, "tags t%da t%db t%dc\n", i, i, i);
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(text + n, "A deliver m%d\n", i);
	ck_assert_uint_lt(n, cap);
	parse_ok(text);
	free(text);
	ck_assert_int_eq(s.nr_tags, 300);
	ck_assert_str_eq(s.tags[299], "t99c");
	ck_assert_int_eq(s.nr_steps, 100);
	ck_assert_str_eq(step(99)->msg, "m99");
	ck_assert_int_eq(step(99)->line, 201);
}
END_TEST

START_TEST(test_signals_and_recycle)
{
	parse_ok("holder A B\n"
		 "kill A\nterm B\nfreeze A\nthaw A\n");
	ck_assert_str_eq(step_name(step(0)), "kill");
	ck_assert_str_eq(step_name(step(1)), "term");
	ck_assert_str_eq(step(1)->holder, "B");
	ck_assert_str_eq(step_name(step(2)), "freeze");
	ck_assert_str_eq(step_name(step(3)), "thaw");
	ck_assert_int_eq(s.needs_pidns, 0);
	parse_ok("holder A\nat 200ms kill A\nrecycle A\n");
	ck_assert_str_eq(step_name(step(1)), "recycle");
	ck_assert_int_eq(s.needs_pidns, 1);
}
END_TEST

/* `signal H SIG`: any signal by name, the row of faults/signal.c. */
START_TEST(test_signal_fault)
{
	static const char *const names[] = {"INT",  "QUIT", "ABRT", "HUP",
					    "USR1", "USR2", "TERM", "KILL",
					    "PIPE", "ALRM", "WINCH", "SEGV"};
	size_t i;

	parse_ok("holder A B\n"
		 "signal A HUP\n"
		 "at 1.5s~100ms signal B USR1\n");
	ck_assert_int_eq(step(0)->kind, STEP_FAULT);
	ck_assert_str_eq(step_name(step(0)), "signal");
	ck_assert_str_eq(step(0)->holder, "A");
	ck_assert_str_eq(arg(0, "signal")->str, "HUP");
	ck_assert_int_eq(arg(0, "signal")->set, 1);
	ck_assert_int_eq(step(0)->at_ms, -1);
	ck_assert_str_eq(step(1)->holder, "B");
	ck_assert_str_eq(arg(1, "signal")->str, "USR1");
	ck_assert_int_eq(step(1)->at_ms, 1500);
	ck_assert_int_eq(step(1)->jitter_ms, 100);
	ck_assert_ptr_null(step(1)->session);
	ck_assert_int_eq(s.needs_pidns, 0);
	ck_assert_int_eq(scenario_holder(&s, "A")->needs_fiu, 0);
	ck_assert_ptr_null(scn_step_arg(step(0), "errno"));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *text = xasprintf("holder A\nsignal A %s\n", names[i]);

		parse_ok(text);
		free(text);
		ck_assert_str_eq(arg(0, "signal")->str, names[i]);
	}
}
END_TEST

START_TEST(test_failpoints)
{
	parse_ok("holder A B C\n"
		 "failpoint A name=sessionlock/cleanup/dispose errno=EIO once\n"
		 "failpoint A name=posix/io/sync/fsync errno=28\n"
		 "failpoint B name=sessionlock/turn/block-loop delay=1.5s\n"
		 "at 1500ms failpoint B name=sessionlock/turn/block-loop off\n"
		 "failpoint A once off name=x errno=EIO\n");
	ck_assert_str_eq(step_name(step(0)), "failpoint");
	ck_assert_str_eq(arg(0, "name")->str, "sessionlock/cleanup/dispose");
	ck_assert_int_eq(arg(0, "errno")->num, EIO);
	ck_assert_int_eq(arg(0, "once")->num, 1);
	ck_assert_int_eq(arg(0, "off")->num, 0);
	ck_assert_int_eq(arg(1, "errno")->num, 28);
	ck_assert_int_eq(arg(1, "once")->num, 0);
	ck_assert_int_eq(arg(2, "errno")->num, -1); /* none */
	ck_assert_int_eq(arg(2, "delay")->num, 1500);
	ck_assert_int_eq(arg(3, "off")->num, 1);
	ck_assert_int_eq(step(3)->at_ms, 1500);
	ck_assert_int_eq(arg(4, "once")->num, 1);
	ck_assert_int_eq(arg(4, "off")->num, 1);
	/* only the holders a failpoint targets run under fiu-run */
	ck_assert_int_eq(scenario_holder(&s, "A")->needs_fiu, 1);
	ck_assert_int_eq(scenario_holder(&s, "B")->needs_fiu, 1);
	ck_assert_int_eq(scenario_holder(&s, "C")->needs_fiu, 0);
	ck_assert_ptr_null(scenario_holder(&s, "D"));
	/* errno and delay=0 do not exclude each other */
	parse_ok("holder A\nfailpoint A name=p errno=EIO delay=0\n");
}
END_TEST

START_TEST(test_jitter)
{
	parse_ok("holder A B C D\n"
		 "jitter A B C calls=open,unlink,rename max=20ms\n"
		 "at 2s jitter A off\n"
		 "jitter D max=1s\n");
	ck_assert_str_eq(step_name(step(0)), "jitter");
	/* many holders: all of them, the first is the step's target */
	ck_assert_str_eq(arg(0, "holder")->str, "A B C");
	ck_assert_str_eq(step(0)->holder, "A");
	ck_assert_str_eq(arg(0, "calls")->str, "open,unlink,rename");
	ck_assert_int_eq(arg(0, "max")->num, 20);
	ck_assert_int_eq(arg(1, "off")->num, 1);
	ck_assert_int_eq(step(1)->at_ms, 2000);
	ck_assert_ptr_null(arg(2, "calls")->str); /* all */
	ck_assert_int_eq(arg(2, "max")->num, 1000);
	/* every holder named is started with the library */
	ck_assert_int_eq(scenario_holder(&s, "A")->needs_jitter, 1);
	ck_assert_int_eq(scenario_holder(&s, "B")->needs_jitter, 1);
	ck_assert_int_eq(scenario_holder(&s, "C")->needs_jitter, 1);
	ck_assert_int_eq(scenario_holder(&s, "D")->needs_jitter, 1);
	ck_assert_int_eq(scenario_holder(&s, "A")->needs_fiu, 0);
	parse_ok("holder A B\njitter A calls=all max=1ms\n");
	ck_assert_int_eq(scenario_holder(&s, "B")->needs_jitter, 0);
}
END_TEST

START_TEST(test_timed_expect_lock)
{
	parse_ok("holder A B\n"
		 "A acquire\n"
		 "at 2s expect lock s1 present owner=A\n"
		 "at 3s~100ms expect lock s2 absent\n"
		 "expect lock s1 present owner=B\n");
	ck_assert_int_eq(s.nr_steps, 3);
	ck_assert_int_eq(step(1)->kind, STEP_LOOK);
	ck_assert_str_eq(step_name(step(1)), "look");
	ck_assert_int_eq(step(1)->at_ms, 2000);
	ck_assert_str_eq(step(1)->session, "s1");
	ck_assert_int_eq(step(1)->line, 3);
	ck_assert_int_eq(step(2)->jitter_ms, 100);
	ck_assert_str_eq(step(2)->session, "s2");
	ck_assert_int_eq(s.nr_expects, 3);
	ck_assert_int_eq(expect(0)->timed, 1);
	ck_assert_int_eq(expect(0)->line, 3);
	ck_assert_str_eq(expect(0)->owner, "A");
	ck_assert_int_eq(expect(1)->timed, 1);
	ck_assert_int_eq(expect(1)->present, 0);
	ck_assert_ptr_null(expect(1)->owner);
	ck_assert_int_eq(expect(2)->timed, 0);
	ck_assert_str_eq(expect(2)->owner, "B");
}
END_TEST

START_TEST(test_every_damage_kind)
{
	static const char *const kinds[] = {
	    "empty",	    "truncated", "garbage",	     "huge",
	    "dir",	    "symlink",	 "foreign",	     "dead",
	    "future",	    "ancient",	 "bad-date",	     "pid0",
	    "pid-negative", "pid-huge",	 "maxhold-negative", "maxhold-huge",
	    "unreadable",   "removed",	 "torn-transcript",  "exact",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		char *text = xasprintf("holder A\ndamage s1 %s\n", kinds[i]);

		ck_assert_msg(damage_kind_known(kinds[i]), "%s", kinds[i]);
		parse_ok(text);
		free(text);
		ck_assert_str_eq(step_name(step(0)), "damage");
		ck_assert_str_eq(arg(0, "kind")->str, kinds[i]);
		ck_assert_str_eq(step(0)->session, "s1");
		ck_assert_ptr_null(arg(0, "owner")->str);
		ck_assert_int_eq(arg(0, "age")->num, 0);
	}
	ck_assert(!damage_kind_known("nope"));
	ck_assert(!damage_kind_known(""));
	ck_assert(!damage_kind_known("Empty"));

	parse_ok("holder A\n"
		 "damage s1 truncated owner=init age=5s\n"
		 "damage s2 dead owner=dead\n"
		 "at 1s damage chat foreign owner=A age=1m\n");
	ck_assert_str_eq(arg(0, "owner")->str, "init");
	ck_assert_int_eq(arg(0, "age")->num, 5000);
	ck_assert_str_eq(arg(1, "owner")->str, "dead");
	ck_assert_str_eq(step(1)->session, "s2");
	ck_assert_str_eq(arg(2, "owner")->str, "A");
	ck_assert_int_eq(arg(2, "age")->num, 60000);
	ck_assert_int_eq(step(2)->at_ms, 1000);
	ck_assert_ptr_null(step(2)->holder);

	parse_ok("holder A\n"
		 "damage s1 exact pid=7 starttime=none createdAt=-3s "
		 "maxHoldMs=1000 mtime=-10s\n"
		 "damage s1 exact payload='{\"pid\": 1}'\n");
	ck_assert_str_eq(arg(0, "pid")->str, "7");
	ck_assert_str_eq(arg(0, "starttime")->str, "none");
	ck_assert_str_eq(arg(0, "createdAt")->str, "-3s");
	ck_assert_str_eq(arg(0, "maxHoldMs")->str, "1000");
	ck_assert_str_eq(arg(0, "mtime")->str, "-10s");
	ck_assert_str_eq(arg(1, "payload")->str, "{\"pid\": 1}");
}
END_TEST

START_TEST(test_wait_await)
{
	parse_ok("holder A\nwait 200ms\nawait A\nawait A timeout=3s\n");
	ck_assert_int_eq(step(0)->kind, STEP_WAIT);
	ck_assert_int_eq(step(0)->wait_ms, 200);
	ck_assert_int_eq(step(1)->kind, STEP_AWAIT);
	ck_assert_str_eq(step(1)->holder, "A");
	ck_assert_int_eq(step(1)->wait_ms, -1);
	ck_assert_int_eq(step(2)->wait_ms, 3000);
	ck_assert_int_eq(step(2)->await_on, AWAIT_IDLE);
}
END_TEST

START_TEST(test_await_events)
{
	parse_ok("holder A B\nB deliver m1\nawait B acquired\n"
		 "await A released why=watchdog timeout=2s\n"
		 "await m1 answered\nawait A log contains=hold-exceeded\n"
		 "await B acquired timeout=1s\nawait A log level=INFO\n"
		 "await A log contains=hold-exceeded\n");
	ck_assert_int_eq(step(1)->await_on, AWAIT_ACQUIRED);
	ck_assert_str_eq(step(1)->holder, "B");
	ck_assert_int_eq(step(1)->await_nth, 1);
	ck_assert_int_eq(step(2)->await_on, AWAIT_RELEASED);
	ck_assert_str_eq(step(2)->await_why, "watchdog");
	ck_assert_int_eq(step(2)->wait_ms, 2000);
	ck_assert_int_eq(step(3)->await_on, AWAIT_ANSWERED);
	ck_assert_str_eq(step(3)->holder, "m1");
	ck_assert_int_eq(step(4)->await_on, AWAIT_LOG);
	ck_assert_str_eq(step(4)->await_contains, "hold-exceeded");
	ck_assert_ptr_null(step(4)->await_level);
	/* each await takes the next match of the same thing */
	ck_assert_int_eq(step(5)->await_nth, 2);
	ck_assert_int_eq(step(5)->wait_ms, 1000);
	ck_assert_int_eq(step(6)->await_nth, 1);
	ck_assert_str_eq(step(6)->await_level, "INFO");
	ck_assert_int_eq(step(7)->await_nth, 2);
	/* a failpoint firing, by its whole name or any */
	parse_ok("holder A\nawait A failpoint name=sessionlock/create/x\n"
		 "await A failpoint timeout=1s\n");
	ck_assert_int_eq(step(0)->await_on, AWAIT_FAILPOINT);
	ck_assert_str_eq(step(0)->await_contains, "sessionlock/create/x");
	ck_assert_int_eq(step(1)->await_on, AWAIT_FAILPOINT);
	ck_assert_ptr_null(step(1)->await_contains);
	ck_assert_int_eq(step(1)->wait_ms, 1000);
	/* a command to the holder starts the count again */
	parse_ok("holder A\nA acquire\nawait A acquired\nA turn hold=1s\n"
		 "await A acquired\nawait A acquired\n");
	ck_assert_int_eq(step(1)->await_nth, 1);
	ck_assert_int_eq(step(3)->await_nth, 1);
	ck_assert_int_eq(step(4)->await_nth, 2);
}
END_TEST

START_TEST(test_expect_forms)
{
	parse_ok("holder A B\n"
		 "A deliver m1\n"
		 "A turn hold=1s msg=m2\n"
		 "B acquire as=b1\n"
		 "expect m1 ok within 500ms\n"
		 "expect m1 ok within=1s\n"
		 "expect m1 ok\n"
		 "expect m2 fail reason=lane-timeout within 2s\n"
		 "expect b1 fail\n"
		 "expect lock s1 absent\n"
		 "expect lock s2 present\n"
		 "expect transcript s1 lines=3\n"
		 "expect log B level=WARN contains=hold-exceeded\n"
		 "expect log A\n"
		 "expect released A why=watchdog\n"
		 "expect released B\n"
		 "expect failure integrity contains=torn\n"
		 "expect failure protocol\n"
		 "expect outside intact\n"
		 "expect log A contains='two words' level=INFO\n");
	ck_assert_int_eq(s.nr_expects, 16);
	ck_assert_int_eq(expect(0)->within_ms, 500);
	ck_assert_int_eq(expect(1)->within_ms, 1000);
	ck_assert_int_eq(expect(2)->within_ms, -1);
	ck_assert_int_eq(expect(2)->want_ok, 1);
	ck_assert_int_eq(expect(3)->want_ok, 0);
	ck_assert_str_eq(expect(3)->reason, "lane-timeout");
	ck_assert_int_eq(expect(3)->within_ms, 2000);
	ck_assert_ptr_null(expect(4)->reason);
	ck_assert_str_eq(expect(4)->label, "b1");
	ck_assert_int_eq(expect(5)->kind, EXPECT_LOCK);
	ck_assert_int_eq(expect(5)->present, 0);
	ck_assert_int_eq(expect(6)->present, 1);
	ck_assert_str_eq(expect(6)->session, "s2");
	ck_assert_int_eq(expect(7)->kind, EXPECT_TRANSCRIPT);
	ck_assert_int_eq(expect(7)->lines, 3);
	ck_assert_int_eq(expect(8)->kind, EXPECT_LOG);
	ck_assert_str_eq(expect(8)->label, "B");
	ck_assert_str_eq(expect(8)->level, "WARN");
	ck_assert_str_eq(expect(8)->contains, "hold-exceeded");
	ck_assert_ptr_null(expect(9)->level); /* default: WARN or ERROR */
	ck_assert_int_eq(expect(10)->kind, EXPECT_RELEASED);
	ck_assert_str_eq(expect(10)->reason, "watchdog");
	ck_assert_ptr_null(expect(11)->reason);
	ck_assert_int_eq(expect(12)->kind, EXPECT_FAILURE);
	ck_assert_str_eq(expect(12)->checker, "integrity");
	ck_assert_str_eq(expect(12)->contains, "torn");
	ck_assert_ptr_null(expect(13)->contains);
	ck_assert_int_eq(expect(14)->kind, EXPECT_OUTSIDE);
	ck_assert_str_eq(expect(15)->contains, "two words");
	ck_assert_str_eq(expect(15)->level, "INFO");
	ck_assert_str_eq(expect(15)->text,
			 "expect log A contains='two words' level=INFO");
	ck_assert_int_eq(expect(15)->line, 20);
	/* a label expected before its step is declared is fine: labels are
	 * resolved at the end of the file */
	parse_ok("holder A\nexpect m1 ok\nA deliver m1\n");
}
END_TEST

START_TEST(test_assert_jq)
{
	parse_ok("holder A\nA acquire\n"
		 "assert jq '[.[] | select(.type == \"acquired\" and .process "
		 "== \"B\")][0].t > 700000'\n"
		 "assert jq length   >   0   # words joined by one space\n"
		 "assert jq 'a  b' \"c # d\"\n");
	ck_assert_int_eq(expect(0)->kind, EXPECT_JQ);
	ck_assert_str_eq(expect(0)->jq,
			 "[.[] | select(.type == \"acquired\" and .process == "
			 "\"B\")][0].t > 700000");
	ck_assert_str_eq(expect(1)->jq, "length > 0");
	ck_assert_str_eq(expect(2)->jq, "a  b c # d");
}
END_TEST

START_TEST(test_names_and_capabilities)
{
	ck_assert_str_eq(op_name(OP_ACQUIRE), "acquire");
	ck_assert_str_eq(op_name(OP_RELEASE), "release");
	ck_assert_str_eq(op_name(OP_DELIVER), "deliver");
	ck_assert_str_eq(op_name(OP_TURN), "turn");
	ck_assert_str_eq(op_name(OP_SPIN), "spin");
	ck_assert_str_eq(op_name(OP_EXIT), "exit");
	ck_assert_str_eq(op_capability(OP_TURN), "turn");
	ck_assert_ptr_null(op_capability(OP_EXIT));
	parse_ok("holder A\nA acquire\nkill A\nrecycle A\n"
		 "failpoint A name=p\nawait A\ndamage s1 empty\n");
	ck_assert_str_eq(step_name(step(0)), "op");
	ck_assert_str_eq(step_name(step(2)), "recycle");
	ck_assert_str_eq(step_name(step(3)), "failpoint");
	ck_assert_str_eq(step_name(step(4)), "await");
	ck_assert_str_eq(step_name(step(5)), "damage");
}
END_TEST

/* Holder names: letters, digits, _ - . after a letter. */
START_TEST(test_sweep_op)
{
	parse_ok("holder A\nA sweep as=sw graceMs=300ms\nA sweep\n");
	ck_assert_int_eq(step(0)->op, OP_SWEEP);
	ck_assert_str_eq(step(0)->label, "sw");
	ck_assert_ptr_null(step(0)->session);
	ck_assert_int_eq(step(0)->p.grace_ms, 300);
	ck_assert_str_eq(op_capability(OP_SWEEP), "sweep");
	ck_assert_ptr_null(step(1)->label);
}
END_TEST

START_TEST(test_holder_namespaces)
{
	parse_ok("holder A B ns=c1\nholder C pid=7 ns=c2\nholder D pid=7\n"
		 "holder E\nA acquire\n");
	ck_assert_int_eq(s.nr_holders, 5);
	ck_assert_str_eq(s.holders[0].ns, "c1");
	ck_assert_str_eq(s.holders[1].ns, "c1");
	ck_assert_int_eq(s.holders[1].pid, 0);
	ck_assert_str_eq(s.holders[2].ns, "c2");
	ck_assert_int_eq(s.holders[2].pid, 7);
	ck_assert_ptr_null(s.holders[3].ns);
	ck_assert_int_eq(s.holders[3].pid, 7);
	ck_assert_ptr_null(s.holders[4].ns);
	ck_assert_int_eq(s.needs_pidns, 1);
	parse_ok("holder A B\nA acquire\n");
	ck_assert_int_eq(s.needs_pidns, 0);
}
END_TEST

START_TEST(test_holder_names)
{
	parse_ok("holder A b C1 C_2 d-3 e.4 openclaw-2026.4.15\n"
		 "openclaw-2026.4.15 acquire\n"
		 "e.4 deliver m1\n");
	ck_assert_int_eq(s.nr_holders, 7);
	ck_assert_str_eq(step(0)->holder, "openclaw-2026.4.15");
	ck_assert_str_eq(step(1)->holder, "e.4");
	ck_assert_int_eq(s.holders[6].line, 1);
}
END_TEST

/*
 * Was a bug (fixed; this test keeps it fixed): a holder may be named like a statement (`holder tags`), and its
 * operation lines are then read as that statement: `tags acquire` silently
 * adds two tags, the holder gets no command. Names must not shadow verbs.
 */
START_TEST(test_holder_named_like_a_statement)
{
	static const char *const verbs[] = {"tags", "requires", "lock",
					    "wait", "kill",	"expect"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		char *text =
		    xasprintf("holder A %s\n%s acquire\n", verbs[i], verbs[i]);
		int rc = parse(text);

		free(text);
		ck_assert_msg(rc == -1,
			      "`holder %s` was accepted (line 2 parsed as a "
			      "`%s` statement with %d steps, %d tags, %d "
			      "requires): scenario.c stmt_holder must refuse "
			      "statement words",
			      verbs[i], verbs[i], s.nr_steps, s.nr_tags,
			      s.nr_requires);
		ck_assert_msg(!strncmp(err, "x.scn:1: holder: ", 17), "%s",
			      err);
	}
}
END_TEST

/*
 * Was a bug (fixed; this test keeps it fixed): `msg=` with an empty value passes deliver's "expected a message id"
 * check (it tests for NULL only), giving a step whose msg and label are "".
 */
START_TEST(test_deliver_empty_msg)
{
	int rc = parse("holder A\nA deliver msg=\n");

	ck_assert_msg(rc == -1,
		      "`A deliver msg=` accepted with msg '%s' (scenario.c "
		      "stmt_op: an empty msg= is taken as a message id)",
		      s.nr_steps && step(0)->msg ? step(0)->msg : "(null)");
	ck_assert_msg(strstr(err, "x.scn:2: ") == err, "%s", err);
}
END_TEST

/* ---- robustness ---------------------------------------------------------- */

START_TEST(test_empty_and_comments_only)
{
	parse_fails("", "x.scn: no holder declared", NULL);
	parse_fails("\n\n\n", "x.scn: no holder declared", NULL);
	parse_fails("# only\n   # comments\n\t#\n",
		    "x.scn: no holder "
		    "declared",
		    NULL);
	parse_fails("#", "x.scn: no holder declared", NULL);
	/* NULL text is an empty file */
	scenario_clear(&s);
	free(err);
	err = NULL;
	ck_assert_int_eq(scenario_parse(&s, "x.scn", NULL, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "no holder declared"));
}
END_TEST

START_TEST(test_crlf_and_no_final_newline)
{
	parse_ok("title crlf file\r\n"
		 "holder A\r\n"
		 "\r\n"
		 "A deliver m1\r\n"
		 "expect m1 ok within 1s\r\n"
		 "expect lock s1 absent");
	ck_assert_str_eq(s.title, "crlf file");
	ck_assert_str_eq(step(0)->msg, "m1");
	ck_assert_str_eq(step(0)->text, "A deliver m1");
	ck_assert_int_eq(step(0)->line, 4);
	ck_assert_int_eq(expect(1)->present, 0);
	/* line numbers stay right with CRLF ends */
	parse_fails("holder A\r\n\r\nkil A\r\n",
		    "x.scn:3: unknown statement "
		    "'kil'",
		    NULL);
	/* a lone CR is blank */
	parse_ok("holder A\n\r\nA acquire\n");
	ck_assert_int_eq(step(0)->line, 3);
}
END_TEST

/*
 * scenario_parse takes a C string: a NUL ends the text, and the rest is
 * never seen (its own "NUL byte in line" check, scenario.c:1025, cannot
 * fire). scenario_load is where a NUL is caught.
 */
START_TEST(test_nul_byte)
{
	static const char text[] = "holder A\nA deliver m1\0kil everything\n";
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	int fd;

	parse_ok(text);
	ck_assert_int_eq(s.nr_steps, 1);

	snprintf(path, sizeof(path), "%s/lockchaos-scn-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	scenario_clear(&s);
	ck_assert_int_eq(scenario_load(&s, path, &err), -1);
	unlink(path);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(!strncmp(err, path, strlen(path)), "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "NUL byte"));
}
END_TEST

START_TEST(test_load)
{
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	static const char text[] = "title loaded\nholder A\nA deliver m1\n";
	int fd;

	snprintf(path, sizeof(path), "%s/lockchaos-scn-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(scenario_load(&s, path, &err), 0);
	ck_assert_str_eq(s.title, "loaded");
	ck_assert_str_eq(s.file, path);
	scenario_clear(&s);
	unlink(path);

	ck_assert_int_eq(scenario_load(&s, path, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "cannot read '"));
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, strerror(ENOENT)));
}
END_TEST

/* A 1 MB line, in each shape a line can take: no crash, no quadratic
 * blow-up, a clear answer. */
START_TEST(test_one_megabyte_line)
{
	size_t big = 1 << 20, i;
	char *text = xmalloc(big + 64), *c;

	/* one long word: an unknown statement, quoted back */
	memset(text, 'x', big);
	text[big] = '\0';
	parse_fails(text, "x.scn:1: unknown statement 'xxxx", NULL);
	ck_assert_uint_gt(strlen(err), big);

	/* a long comment */
	text[0] = '#';
	strcpy(text + big, "\nholder A\nwait 1ms\n");
	parse_ok(text);

	/* a long title */
	memcpy(text, "title ", 6);
	parse_ok(text);
	ck_assert_uint_eq(strlen(s.title), big - 6);

	/* a long holder name, then used */
	c = text;
	c += sprintf(c, "holder A");
	memset(c, 'a', big);
	c += big;
	strcpy(c, "\nwait 1ms\n");
	parse_ok(text);
	ck_assert_uint_eq(strlen(s.holders[0].name), big + 1);

	/* a long quoted jq program */
	c = text;
	c += sprintf(c, "holder A\nwait 1ms\nassert jq '");
	memset(c, ' ', big);
	c += big;
	strcpy(c, "true'\n");
	parse_ok(text);
	ck_assert_uint_eq(strlen(expect(0)->jq), big + 4);

	/* a long unterminated quote */
	c = text;
	c += sprintf(c, "holder A\nA deliver '");
	memset(c, 'm', big);
	c[big] = '\0';
	parse_fails(text, "x.scn:2: unterminated ' quote", NULL);

	/* a long line of words: refused at word 65, not after a megabyte */
	c = text;
	for (i = 0; i < big / 2; i++) {
		*c++ = 'w';
		*c++ = ' ';
	}
	*c = '\0';
	parse_fails(text, "x.scn:1: too many words (at most 64)", NULL);
	free(text);
}
END_TEST

/* A scenario that does nothing, or that nothing judges, would pass without
 * a test: refused when parsed, with file:line. */
START_TEST(test_nothing_to_do_or_judge)
{
	parse_fails("title t\nholder A\n# only a comment\n",
		    "x.scn:3: no steps", NULL);
	parse_fails("holder A\n"
		    "disable recovery no-silent-drop mutex leak integrity\n"
		    "disable visibility protocol\n"
		    "A deliver m1\n",
		    "x.scn:3: nothing to judge", NULL);
	/* one checker left, or one expectation: something judges it */
	parse_ok("holder A\n"
		 "disable recovery no-silent-drop mutex leak integrity\n"
		 "disable visibility\n"
		 "A deliver m1\n");
	parse_ok("holder A\n"
		 "disable recovery no-silent-drop mutex leak integrity\n"
		 "disable visibility protocol\n"
		 "A deliver m1\nexpect m1 ok\n");
}
END_TEST

/* A file over SCENARIO_MAX_BYTES is refused, never parsed in part (an
 * error past the cut would otherwise go unseen). */
START_TEST(test_big_file_refused)
{
	char path[] = "/tmp/lockchaos-scn-XXXXXX";
	int fd = mkstemp(path);
	size_t big = SCENARIO_MAX_BYTES + 10, i;
	char *text = xmalloc(big + 1);

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < big; i++)
		text[i] = '#';
	memcpy(text, "holder A\nA acquire\n#", 20);
	text[big - 1] = '\n';
	ck_assert_int_eq(write(fd, text, big), (ssize_t)big);
	close(fd);
	scenario_clear(&s);
	scenario_init(&s);
	free(err);
	err = NULL;
	ck_assert_int_eq(scenario_load(&s, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "never judged in part"));
	/* exactly at the limit: read whole, parsed */
	ck_assert_int_eq(truncate(path, SCENARIO_MAX_BYTES), 0);
	scenario_clear(&s);
	scenario_init(&s);
	free(err);
	err = NULL;
	ck_assert_msg(scenario_load(&s, path, &err) == 0, "%s", err);
	unlink(path);
	free(text);
}
END_TEST

START_TEST(test_word_limit)
{
	/* 64 words is the limit, inclusive */
	parse_ok("holder A\nwait 1ms\ntags" W8 W8 W8 W8 W8 W8 W8 " a b c d e f g\n");
	ck_assert_int_eq(s.nr_tags, 63);
	parse_fails("holder A\nrequires" W8 W8 W8 W8 W8 W8 W8 W8 "\n",
		    "x.scn:2: too many words (at most 64)", NULL);
	/* a comment after the 64th word does not count */
	parse_ok("holder A\nwait 1ms\ntags" W8 W8 W8 W8 W8 W8 W8 " a b c d e f g "
		 "# x y z\n");
}
END_TEST

START_TEST(test_invalid_utf8)
{
	/* bytes >= 0x80 are not letters: not a name */
	parse_fails("holder \xff\xfe\n",
		    "x.scn:1: holder: '\xff\xfe' is not "
		    "a name",
		    NULL);
	parse_fails("holder A\n\xc3\x28 acquire\n",
		    "x.scn:2: unknown statement '\xc3\x28'", NULL);
	/* free text keeps its bytes */
	parse_ok("title caf\xe9 \xf0\x28\x8c\x28\nholder A\ntags \x80\x81\n"
		 "A deliver msg=\xed\xa0\x80\n");
	ck_assert_str_eq(s.title, "caf\xe9 \xf0\x28\x8c\x28");
	ck_assert_str_eq(s.tags[0], "\x80\x81");
	ck_assert_str_eq(step(0)->msg, "\xed\xa0\x80");
	/* high bytes are not spaces either (isspace on unsigned char) */
	parse_fails("holder A\nA\xa0"
		    "acquire\n",
		    "x.scn:2: unknown statement 'A\xa0"
		    "acquire'",
		    NULL);
}
END_TEST

START_TEST(test_unterminated_quotes)
{
	static const char *const texts[] = {
	    "holder 'A\n",
	    "holder A\nA deliver \"m1\n",
	    "holder A\nassert jq '.[] \n",
	    "holder A\nA deliver msg=\"m1\\\"\n",
	    "holder A\ntags a b 'c\nholder B\n",
	    "holder A\ntitle ok\nexpect log A contains=\"x\n",
	    "holder A\n'\n",
	    "holder A\n\"\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		ck_assert_msg(parse(texts[i]) == -1, "accepted: %s", texts[i]);
		ck_assert_msg(strstr(err, "unterminated") != NULL, "%s", err);
		ck_assert_msg(!strncmp(err, "x.scn:", 6), "%s", err);
	}
	/* the other quote inside a quote is just a character */
	parse_ok("holder A\nA deliver msg=\"it's\"\n");
	ck_assert_str_eq(step(0)->msg, "it's");
}
END_TEST

/* Parsing into a used struct, after an error, and clearing twice. */
START_TEST(test_reuse_after_error)
{
	ck_assert_int_eq(parse("holder A\nA deliver m1\nkil A\n"), -1);
	ck_assert_int_eq(s.nr_steps, 1); /* what was parsed so far */
	scenario_clear(&s);
	scenario_clear(&s);
	ck_assert_int_eq(s.nr_steps, 0);
	ck_assert_int_eq(s.repeat, 1);
	ck_assert_ptr_null(s.title);
	parse_ok("holder A\nA deliver m1\n");
	ck_assert_int_eq(s.nr_steps, 1);
}
END_TEST

static Suite *scenario_suite(void)
{
	Suite *su = suite_create("scenario");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_error_path, 0, (int)ARRAY_SIZE(err_cases));
	suite_add_tcase(su, tc);

	tc = tcase_create("statements");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_readme_example);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_lock_keys);
	tcase_add_test(tc, test_step_override_is_per_key);
	tcase_add_test(tc, test_duration_forms);
	tcase_add_test(tc, test_at_and_jitter);
	tcase_add_test(tc, test_quotes_comments_blanks);
	tcase_add_test(tc, test_quoted_bare_word_not_a_name);
	tcase_add_test(tc, test_every_operation);
	tcase_add_test(tc, test_label_defaults);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_title_free_text);
	tcase_add_test(tc, test_tags_repeat_requires_disable);
	tcase_add_test(tc, test_many_tags_and_steps);
	tcase_add_test(tc, test_speed);
	tcase_add_test(tc, test_signals_and_recycle);
	tcase_add_test(tc, test_signal_fault);
	tcase_add_test(tc, test_failpoints);
	tcase_add_test(tc, test_jitter);
	tcase_add_test(tc, test_timed_expect_lock);
	tcase_add_test(tc, test_every_damage_kind);
	tcase_add_test(tc, test_wait_await);
	tcase_add_test(tc, test_await_events);
	tcase_add_test(tc, test_expect_forms);
	tcase_add_test(tc, test_assert_jq);
	tcase_add_test(tc, test_nothing_to_do_or_judge);
	tcase_add_test(tc, test_big_file_refused);
	tcase_add_test(tc, test_names_and_capabilities);
	tcase_add_test(tc, test_holder_names);
	tcase_add_test(tc, test_holder_namespaces);
	tcase_add_test(tc, test_sweep_op);
	tcase_add_test(tc, test_holder_named_like_a_statement);
	tcase_add_test(tc, test_deliver_empty_msg);
	suite_add_tcase(su, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty_and_comments_only);
	tcase_add_test(tc, test_crlf_and_no_final_newline);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_one_megabyte_line);
	tcase_add_test(tc, test_word_limit);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_unterminated_quotes);
	tcase_add_test(tc, test_reuse_after_error);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return unit_main(scenario_suite());
}
