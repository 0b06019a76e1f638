/*
 * html.h - the pictures of a run: one timeline per scenario, one index per
 * report folder.
 *
 * Both writers read what the runner already stored (a history.jsonl, a
 * summary.json) and write one self-contained HTML file: inline CSS, inline
 * SVG, a few lines of inline JS for hover, no network and no external
 * asset, so a report folder can be mailed, attached to CI, or opened from
 * disk years later. Every string taken from the input (holder names,
 * messages, error text, titles) is untrusted and HTML-escaped.
 *
 * Where the code is: timeline.c (the timeline page, built in the stages of
 * timeline.h: timeline_history.c, timeline_model.c, timeline_layout.c,
 * timeline_draw.c), index.c (the index), html_common.c (escaping, page
 * shell and CSS both pages share).
 *
 * Output is written to `<out_path>.tmp` and renamed over `out_path`, so a
 * reader never sees half a page and a failed write leaves no stray file.
 *
 * Error convention: 0 on success; -1 on failure, and then, when `err` is
 * not NULL, `*err` is a malloc'ed one-line message such as
 *   cannot open 'reports/x/history.jsonl': No such file or directory
 *   reports/x/history.jsonl:7: not JSON: Unfinished string at EOF ...
 * which the caller frees.
 *
 * ## summary.json
 *
 * The runner writes one per report folder; html_index_write reads it.
 * One JSON object:
 *
 *   {"tool":"lockchaos","version":"0.1.0","seed":N,"started":"ISO-8601",
 *    "holder":"CMD","jobs":N,"passed":N,"failed":N,"skipped":N,
 *    "durationMs":N,
 *    "scenarios":[SCENARIO...],
 *    "matrix":MATRIX}                                   (optional)
 *
 * | field | meaning |
 * | --- | --- |
 * | `seed` | the run's seed; each scenario's own seed, drawn from it and the scenario's catalog name, is in SCENARIO |
 * | `started` | wall-clock start, ISO-8601 |
 * | `holder` | the holder command the run used |
 * | `replay` | a shell command that replays the run (`run` only) |
 * | `jobs` | scenarios run in parallel |
 * | `passed`, `failed`, `skipped` | totals (`skipped` counts n/a) |
 * | `durationMs` | wall time of the whole run (merged: the longest shard's) |
 * | `shard` | `{"k":K,"n":N,"runs":R}` for `run --shard K/N` (R: runs of all shards) |
 * | `merged` | `lockchaos merge`: `[{"report":DIR,"durationMs":N,"shard":{...}}]` |
 *
 * SCENARIO:
 *
 *   {"file":"scenarios/seeds/002-sigkill.scn","title":"...","tags":["seed"],
 *    "status":"pass|fail|na|error","reason":"one line","durationMs":N,
 *    "recoveryMs":N,"seed":N,"dir":"seeds-002-sigkill","repeat":K,
 *    "failures":[{"checker":"recovery","msg":"...","at":T}]}
 *
 * | field | meaning |
 * | --- | --- |
 * | `status` | `pass`; `fail` (a checker failed); `na` (the holder lacks a capability, `reason` says which); `error` (the harness could not run it) |
 * | `reason` | one line: why it failed, was n/a or errored; empty on pass |
 * | `recoveryMs` | the slowest contender's wait after its holder stopped being able to release; -1 or absent: nothing was contended |
 * | `seed` | a number, or a string of digits (64-bit seeds do not fit a JSON double); the same holds for the run's `seed` |
 * | `dir` | the scenario's folder, relative to summary.json: it holds `timeline.html` and `history.jsonl` |
 * | `repeat` | iteration number when a scenario runs more than once |
 * | `repeats` | how many times the scenario runs (its `repeat` line) |
 * | `run` | 1-based number of the run among all runs of all shards, in file order |
 * | `failures` | the failed verdicts (docs/history.md), `at` in microseconds |
 *
 * MATRIX (when one run covers several lock implementations):
 *
 *   {"impls":["reference","openclaw-2026.4.15"],
 *    "rows":[{"file":"...","title":"...",
 *             "cells":{"reference":{"status":"pass","reason":"",
 *                                   "recoveryMs":N,"dir":"reference/seeds-002-sigkill"}}}]}
 *
 * | field | meaning |
 * | --- | --- |
 * | `impls` | column order |
 * | `cells` | per implementation: `status` as above, `reason`, `recoveryMs` (as in SCENARIO), and `dir`, the cell's scenario folder (the cell links to its timeline) |
 * | `holder` | (top level) a command line, or an argv array of strings |
 *
 * Unknown fields are ignored; a missing field is shown as absent, never
 * guessed.
 */
#ifndef LOCKCHAOS_HTML_H
#define LOCKCHAOS_HTML_H

#include <jv.h>

/*
 * Reads the history at `history_path` (docs/history.md: JSON lines, a
 * `meta` event first) and writes the scenario's timeline to `out_path`:
 * a header (title, file, PASS/FAIL, seed, holder implementation, failed
 * verdicts as text), then one SVG row per lock session and per holder and
 * lane, with bars for waiting and holding, each holder's declared
 * `maxHoldMs` drawn as a dashed deadline, a glyph per fault, each message's
 * outcome (delivered, refused, dropped, lost), failing verdicts pinned at
 * the time they concern, a legend, and the raw events. Hovering a mark
 * shows its raw event (SVG <title>, plus an inspector panel).
 *
 * Returns 0, or -1 when the history cannot be read, a line is not a JSON
 * object, the first line is not `meta`, or the output cannot be written.
 */
int html_timeline_write(const char *history_path, const char *out_path,
			char **err);

/* The same from the history's events (borrowed) as written to
 * `history_path` (one event a line): the worker has them, and reading the
 * file back was a quarter of the timeline's instructions. */
int html_timeline_write_events(jv events, const char *history_path,
			       const char *out_path, char **err);

/*
 * Reads a run's `summary.json` (format above) and writes `index.html` to
 * `out_path`: totals, failures first as one-line reasons with links, every
 * scenario with verdict, duration, seed, tags and links to
 * `<dir>/timeline.html` and `<dir>/history.jsonl`, and the matrix table
 * when the summary has one. The scenario table filters by verdict, tag and
 * implementation and sorts by a column (inline JS); a repeated scenario's
 * runs come under one row saying "k of N failed"; an empty cell says why
 * in its title.
 *
 * Returns 0, or -1 when the summary cannot be read or is not a JSON object
 * with a `scenarios` array, or the output cannot be written.
 */
int html_index_write(const char *summary_path, const char *out_path,
		     char **err);

#endif
