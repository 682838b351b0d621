/* fuzz_http_request — arbitrary bytes through the request framing.
 *
 * Invariants: no crash; a head that parses re-serializes into a head that
 * parses back to the same method, path, query, framing and length; body
 * feeding never reports more bytes than it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/serialize.h"

static int sink(void *ctx, const char *p, size_t n)
{
	(void)ctx; (void)p;
	return n > (1u << 20) ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_http_req_parser p, p2;
	static struct sg_http_request r, r2;
	static char out[SG_HTTP_MAX_HEAD + 4096];
	const char *buf = (const char *)data;
	size_t scanned = 0;
	int end = sg_http_head_end(buf, size, &scanned);
	if (end <= 0)
		return 0;
	if (sg_http_parse_request(&p, &r, buf, (size_t)end) != 0)
		return 0;

	struct sg_upstream_head_opts o = {
		.path = r.path, .framing = r.framing, .content_length = r.content_length,
		.keep_expect = r.expect_continue,
	};
	size_t n = sg_http_serialize_upstream(&r, &o, out, sizeof(out));
	if (n == 0)
		abort();	/* a head under the limit always re-serializes */
	size_t sc2 = 0;
	if (sg_http_head_end(out, n, &sc2) != (int)n)
		abort();
	int st2 = sg_http_parse_request(&p2, &r2, out, n);
	/* The upstream head may add Host and one framing header: a client head
	 * at the header-count limit re-parses over it (dockerd has no count
	 * limit, only a byte limit), which is not a divergence. */
	if (st2 == 431 && r.nheaders + 2 > SG_HTTP_MAX_HEADERS)
		return 0;
	if (st2 != 0)
		abort();
	if (!sg_slice_eq(r.method, r2.method) || !sg_slice_eq(r.path, r2.path) ||
	    !sg_slice_eq(r.query, r2.query) || r.has_query != r2.has_query ||
	    r.framing != r2.framing || r.content_length != r2.content_length ||
	    r.upgrade != r2.upgrade || !sg_slice_eq(r.content_type, r2.content_type))
		abort();

	p.sink = sink;
	size_t off = (size_t)end;
	while (off < size && !p.message_done) {
		long used = sg_http_req_feed_body(&p, buf + off, size - off);
		if (used < 0)
			break;
		if ((size_t)used > size - off)
			abort();
		if (used == 0)
			break;
		off += (size_t)used;
	}
	return 0;
}
