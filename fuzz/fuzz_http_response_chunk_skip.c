/* fuzz_http_response_chunk_skip — the spliced and the buffered relay of a
 * chunked response agree on its framing.
 *
 * The relay splices chunk data past the parser and accounts for it with
 * sg_http_resp_skip_chunk_data (ring/conn.c). Parser A is fed every byte;
 * parser B is fed the same bytes in pieces whose sizes come from the first
 * byte, except that inside chunk data a share of the remainder (second
 * byte) is skipped instead of fed. Both must end with the same event at the
 * same offset: where a response ends, and whether it is an error, cannot
 * depend on which path moved the data. */
#include <stdint.h>
#include <stdlib.h>

#include "http/response.h"

static enum sg_resp_event feed_all(struct sg_http_resp_parser *p, const char *b, size_t n, size_t *end)
{
	size_t used = 0;
	enum sg_resp_event e = sg_http_resp_feed(p, b, n, &used);
	*end = used;
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	const char *b = (const char *)data + 2;
	size_t n = size - 2;
	size_t step = (size_t)(data[0] % 61) + 1, share = (size_t)data[1];

	struct sg_http_resp_parser a, p;
	sg_http_resp_init(&a, false, false);
	sg_http_resp_init(&p, false, false);
	size_t end_a = 0;
	enum sg_resp_event ea = feed_all(&a, b, n, &end_a);

	enum sg_resp_event eb = SG_RESP_MORE;
	size_t off = 0, end_b = n;
	while (off < n && eb == SG_RESP_MORE) {
		uint64_t left = sg_http_resp_chunk_left(&p);
		if (left > 0) {
			uint64_t k = left * (share + 1) / 256;
			if (k > n - off)
				k = n - off;
			if (k > 0) {
				if (!sg_http_resp_skip_chunk_data(&p, k))
					abort();	/* within the chunk: must be accepted */
				off += k;
				continue;
			}
		}
		size_t len = n - off < step ? n - off : step, used = 0;
		eb = sg_http_resp_feed(&p, b + off, len, &used);
		if (used > len)
			abort();
		if (eb != SG_RESP_MORE)
			end_b = off + used;
		off += len;
	}
	if (ea != eb)
		abort();
	if (ea == SG_RESP_DONE && end_a != end_b)
		abort();
	return 0;
}
