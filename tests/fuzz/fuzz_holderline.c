/*
 * fuzz_holderline.c - libFuzzer target: the holder-protocol line reader
 * (holder_feed, what run_pump gives every byte a holder writes). The input
 * is cut into chunks at 0xff bytes, the way reads split a stream; a chunk
 * that starts with 0xfe goes to stderr. Lines become events in a run's
 * history; no crash, no leak, and the bounds of run_internal.h hold.
 */
#include "run/run_internal.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_holder decl = { .name = "A" };
	struct run_opts o = { .seed = 1 };
	struct scenario s = SCENARIO_INIT;
	struct hstate h = { .decl = &decl, .proc = HOLDER_PROC_INIT };
	struct run r = { .s = &s, .o = &o, .chld_fd = -1, .h = &h, .nh = 1 };
	const char *p = (const char *)data, *end = p + size;

	r.hist = jv_array();
	r.t0 = mono_us();
	h.caps = jv_array();
	h.na = jv_null();
	h.failpoints = jv_invalid();
	h.alive = 1;
	while (p < end) {
		const char *cut = memchr(p, 0xff, (size_t)(end - p));
		size_t len = (size_t)((cut ? cut : end) - p);
		int is_err = len && (unsigned char)*p == 0xfe;

		if (len)
			holder_feed(&r, &h, p, len, is_err);
		p += len + 1;
	}
	holder_feed(&r, &h, "", 0, 0);
	holder_feed(&r, &h, "", 0, 1);
	if (h.out.len > LINE_MAX_BYTES || h.err.len > LINE_MAX_BYTES)
		abort();
	jv_free(r.hist);
	history_lines_clear(&r.lines);
	jv_free(h.caps);
	jv_free(h.na);
	free(h.impl);
	free(h.out.buf);
	free(h.err.buf);
	free(h.err_last);
	free(h.hello_error);
	jv_free(h.failpoints);
	return 0;
}
