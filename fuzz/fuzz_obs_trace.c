/* libFuzzer target: the W3C traceparent parser and the log string encoders
 * (obs/trace.c, obs/json_str.c).
 *
 * Properties checked on every input:
 *   - the parser accepts only 55-byte, version-00, lowercase-hex values with
 *     non-zero IDs, and what we format from an accepted value parses again;
 *   - the JSON escaper always yields a quoted string with no raw control
 *     bytes and only valid UTF-8, and never writes past its buffer;
 *   - the logfmt encoder yields a single line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "obs/json_str.h"
#include "obs/obuf.h"
#include "obs/trace.h"

static void check_trace(const uint8_t *data, size_t size)
{
	sg_slice in = sg_slice_make((const char *)data, size);
	sg_slice t, p, f;
	bool ok = sg_traceparent_parse(in, &t, &p, &f);
	if (ok) {
		if (size != SG_TRACEPARENT_LEN || data[0] != '0' || data[1] != '0')
			abort();
		for (size_t i = 0; i < t.len; i++)
			if (!((t.ptr[i] >= '0' && t.ptr[i] <= '9') || (t.ptr[i] >= 'a' && t.ptr[i] <= 'f')))
				abort();
	}
	struct sg_rng rng;
	sg_rng_seed_fixed(&rng, size);
	struct sg_trace_ctx ctx;
	sg_trace_begin(&ctx, &rng, in);
	if (ctx.has_parent != ok)
		abort();
	char out[SG_TRACEPARENT_LEN];
	sg_trace_format(&ctx, out);
	sg_slice t2;
	if (!sg_traceparent_parse(sg_slice_make(out, sizeof(out)), &t2, NULL, NULL))
		abort();
	if (ok && memcmp(t2.ptr, t.ptr, 32) != 0)
		abort();
}

static void check_json(const uint8_t *data, size_t size)
{
	/* worst case: 6 output bytes per input byte, plus quotes */
	static char buf[6 * 4096 + 2 + 64];
	size_t n = size > 4096 ? 4096 : size;
	char *guard = buf + 6 * n + 2;
	memset(guard, 0x5a, 64);
	struct sg_obuf b = sg_obuf_make(buf, 6 * n + 2);
	sg_json_str(&b, (const char *)data, n);
	if (b.overflow || b.len < 2 || buf[0] != '"' || buf[b.len - 1] != '"')
		abort();
	for (int i = 0; i < 64; i++)
		if (guard[i] != 0x5a)
			abort();
	for (size_t i = 0; i < b.len;) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20)
			abort();
		size_t l = sg_utf8_valid_len((const unsigned char *)buf + i, b.len - i);
		if (l == 0)
			abort();
		i += l;
	}
	/* a short buffer overflows cleanly */
	char small[16];
	struct sg_obuf s = sg_obuf_make(small, sizeof(small));
	sg_json_str(&s, (const char *)data, n);
	if (s.len > sizeof(small) || s.want != b.len)
		abort();

	static char tbuf[4 * 4096 + 2];
	struct sg_obuf tb = sg_obuf_make(tbuf, sizeof(tbuf));
	sg_text_value(&tb, (const char *)data, n);
	if (tb.overflow || memchr(tbuf, '\n', tb.len) || memchr(tbuf, '\r', tb.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_trace(data, size);
	check_json(data, size);
	return 0;
}
