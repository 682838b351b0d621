/* fuzz_http_response_chunk_skip — the spliced and the buffered relay of a
 * chunked body agree on its framing, for responses and for requests.
 *
 * The relay splices chunk data past the parser and accounts for it with
 * sg_http_{resp,req}_skip_chunk_data, and parses the next chunk header from
 * a MSG_PEEK with sg_http_{resp,req}_peek_chunk, which must leave the
 * parser untouched when it declines (ring/conn.c). Parser A is fed every
 * byte at once; parser B gets the same bytes in pieces (sizes from data[0]),
 * skipping a share (data[1]) of each chunk's data and, between chunks,
 * trying a peek of the next piece first. Both must end with the same
 * outcome at the same offset. data[0] bit 7: a request body (after a fixed
 * chunked head) instead of a whole response. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"

static const char REQ_HEAD[] = "POST /build HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

/* The outcome of feeding: 0 more, 1 done at *end, 2 error. */
struct side {
	bool request;
	struct sg_http_resp_parser sp;
	struct sg_http_req_parser rp;
	struct sg_http_request req;
};

static void side_init(struct side *s, bool request)
{
	memset(s, 0, sizeof(*s));
	s->request = request;
	if (request) {
		if (sg_http_parse_request(&s->rp, &s->req, REQ_HEAD, sizeof(REQ_HEAD) - 1) != 0)
			abort();
	} else {
		sg_http_resp_init(&s->sp, false, false);
	}
}

static int side_feed(struct side *s, const char *b, size_t n, size_t *used)
{
	if (s->request) {
		long u = sg_http_req_feed_body(&s->rp, b, n);
		if (u < 0)
			return 2;
		if ((size_t)u > n)
			abort();
		*used = (size_t)u;
		return s->rp.message_done ? 1 : 0;
	}
	enum sg_resp_event e = sg_http_resp_feed(&s->sp, b, n, used);
	if (*used > n)
		abort();
	return e == SG_RESP_MORE ? 0 : e == SG_RESP_DONE ? 1 : 2;
}

static uint64_t side_left(const struct side *s)
{
	return s->request ? sg_http_req_chunk_left(&s->rp) : sg_http_resp_chunk_left(&s->sp);
}

static bool side_skip(struct side *s, uint64_t n)
{
	return s->request ? sg_http_req_skip_chunk_data(&s->rp, n) : sg_http_resp_skip_chunk_data(&s->sp, n);
}

static uint64_t side_peek(struct side *s, const char *b, size_t n)
{
	return s->request ? sg_http_req_peek_chunk(&s->rp, b, n, 16) : sg_http_resp_peek_chunk(&s->sp, b, n, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	bool request = data[0] & 0x80;
	const char *b = (const char *)data + 2;
	size_t n = size - 2;
	size_t step = (size_t)(data[0] % 61) + 1, share = (size_t)data[1];

	static struct side a, p;
	side_init(&a, request);
	side_init(&p, request);
	size_t end_a = 0;
	int ea = side_feed(&a, b, n, &end_a);

	int eb = 0;
	size_t off = 0, end_b = 0;
	while (off < n && eb == 0) {
		size_t len = n - off < step ? n - off : step, used = 0;
		uint64_t left = side_left(&p);
		if (left > 0) {
			uint64_t k = left / 256 * (share + 1) + (share == 255 ? left % 256 : 0);
			if (k > n - off)
				k = n - off;
			if (k > 0) {
				if (!side_skip(&p, k))
					abort();	/* within the chunk: must be accepted */
				off += k;
				continue;
			}
		} else if (side_peek(&p, b + off, len) > 0) {
			off += len;		/* taken: those bytes were parsed */
			continue;
		}
		eb = side_feed(&p, b + off, len, &used);
		if (eb == 1)
			end_b = off + used;
		off += len;
	}
	if (ea != eb)
		abort();
	if (ea == 1 && end_a != end_b)
		abort();
	return 0;
}
