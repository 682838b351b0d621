/* Spliced-body lengths (ring/splice_body.c): what remains after the bytes
 * llhttp has seen, and when nothing may be spliced. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "ring/splice_body.h"

static enum sg_resp_event rfeed(struct sg_http_resp_parser *p, const char *s)
{
	size_t used = 0;
	return sg_http_resp_feed(p, s, strlen(s), &used);
}

Test(splice_body, content_length_remainder_after_seen_bytes)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(rfeed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nabcd"), SG_RESP_MORE);
	cr_assert_eq(sg_splice_resp_left(&p), 1000000 - 4);
	sg_splice_resp_finish(&p);
	cr_assert(p.done);
	cr_assert(p.keep_alive);
}

Test(splice_body, connection_close_response_is_not_reusable)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n");
	cr_assert_eq(sg_splice_resp_left(&p), 100000);
	sg_splice_resp_finish(&p);
	cr_assert_not(p.keep_alive);
}

Test(splice_body, until_close)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.0 200 OK\r\n\r\nxy");
	cr_assert_eq(sg_splice_resp_left(&p), SG_SPLICE_UNTIL_CLOSE);
}

Test(splice_body, nothing_for_chunked_head_incomplete_head_request_and_204)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\nab");
	cr_assert_eq(sg_splice_resp_left(&p), 0);

	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n");
	cr_assert_eq(sg_splice_resp_left(&p), 0);

	sg_http_resp_init(&p, true, false);
	cr_assert_eq(rfeed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), SG_RESP_DONE);
	cr_assert_eq(sg_splice_resp_left(&p), 0);

	sg_http_resp_init(&p, false, false);
	cr_assert_eq(rfeed(&p, "HTTP/1.1 204 No Content\r\n\r\n"), SG_RESP_DONE);
	cr_assert_eq(sg_splice_resp_left(&p), 0);
}

Test(splice_body, interim_100_then_final_length)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.1 100 Continue\r\n\r\n");
	cr_assert_eq(sg_splice_resp_left(&p), 0);
	rfeed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n");
	cr_assert_eq(sg_splice_resp_left(&p), 70000);
}

static struct sg_http_req_parser RP;
static struct sg_http_request RQ;

static void req(const char *s)
{
	size_t scanned = 0;
	int r = sg_http_head_end(s, strlen(s), &scanned);
	cr_assert_gt(r, 0);
	cr_assert_eq(sg_http_parse_request(&RP, &RQ, s, (size_t)r), 0);
}

Test(splice_body, request_length_remainder)
{
	req("PUT /containers/x/archive?path=/ HTTP/1.1\r\nHost: d\r\nContent-Length: 300000\r\n\r\n");
	cr_assert_eq(sg_splice_req_left(&RP), 300000);
	cr_assert_eq(sg_http_req_feed_body(&RP, "abc", 3), 3);
	cr_assert_eq(sg_splice_req_left(&RP), 300000 - 3);
	sg_splice_req_finish(&RP);
	cr_assert_eq(sg_splice_req_left(&RP), 0);
}

Test(splice_body, chunked_or_bodiless_request_is_not_spliced)
{
	req("POST /build HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n");
	cr_assert_eq(sg_splice_req_left(&RP), 0);
	req("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n");
	cr_assert_eq(sg_splice_req_left(&RP), 0);
}

Test(splice_body, splice_len_is_bounded)
{
	cr_assert_eq(sg_splice_len(5), 5);
	cr_assert_eq(sg_splice_len(SG_SPLICE_UNTIL_CLOSE), SG_SPLICE_CHUNK);
}

/* ---- chunked responses: one chunk's data at a time (http/response.c) ---- */

static const char CHUNKED_HEAD[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

Test(splice_body, chunk_left_counts_down_inside_chunk_data)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(rfeed(&p, CHUNKED_HEAD), SG_RESP_MORE);
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0, "no chunk header yet");
	rfeed(&p, "10000\r\nab");
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0x10000 - 2);
	cr_assert_eq(p.chunk_size, 0x10000);
	rfeed(&p, "cd");
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0x10000 - 4);
}

Test(splice_body, skipped_chunk_data_keeps_the_framing)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, CHUNKED_HEAD);
	rfeed(&p, "8000;name=value\r\nxyz");
	cr_assert(sg_http_resp_skip_chunk_data(&p, 0x8000 - 3 - 100));
	cr_assert_eq(sg_http_resp_chunk_left(&p), 100);
	cr_assert(sg_http_resp_skip_chunk_data(&p, 100));
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0, "the chunk's data is all there");
	cr_assert_eq(rfeed(&p, "\r\n20000\r\n"), SG_RESP_MORE);
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0x20000);
	cr_assert(sg_http_resp_skip_chunk_data(&p, 0x20000));
	size_t used = 0;
	const char *tail = "\r\n0\r\nX-Trailer: 1\r\n\r\nHTTP/1.1";
	cr_assert_eq(sg_http_resp_feed(&p, tail, strlen(tail), &used), SG_RESP_DONE);
	cr_assert_eq(used, strlen(tail) - strlen("HTTP/1.1"), "ends right after the trailer");
	cr_assert(p.keep_alive);
}

Test(splice_body, skip_refuses_what_is_not_chunk_data)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, CHUNKED_HEAD);
	rfeed(&p, "100\r\n");
	cr_assert_not(sg_http_resp_skip_chunk_data(&p, 0x101), "more than the chunk holds");
	cr_assert(sg_http_resp_skip_chunk_data(&p, 0x100));
	cr_assert_not(sg_http_resp_skip_chunk_data(&p, 1), "the CRLF is framing");
	cr_assert_eq(rfeed(&p, "XX"), SG_RESP_ERROR, "and the parser still checks it");

	sg_http_resp_init(&p, false, false);
	rfeed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0);
	cr_assert_not(sg_http_resp_skip_chunk_data(&p, 10), "not chunked");
}

static int sink(void *ctx, const char *b, size_t n)
{
	(void)ctx, (void)b, (void)n;
	return 0;
}

Test(splice_body, skip_refuses_when_a_body_reader_is_set)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	p.body_sink = sink;
	rfeed(&p, CHUNKED_HEAD);
	rfeed(&p, "100\r\n");
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0x100);
	cr_assert_not(sg_http_resp_skip_chunk_data(&p, 10), "a reader must see the real bytes");
}

Test(splice_body, last_chunk_and_head_request_have_nothing_left)
{
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, false, false);
	rfeed(&p, CHUNKED_HEAD);
	rfeed(&p, "0\r\n");
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0);

	sg_http_resp_init(&p, true, false);
	cr_assert_eq(rfeed(&p, CHUNKED_HEAD), SG_RESP_DONE);
	cr_assert_eq(sg_http_resp_chunk_left(&p), 0);
}
