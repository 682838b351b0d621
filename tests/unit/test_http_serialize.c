/* Re-serialized upstream heads and proxy-made responses. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "http/serialize.h"
#include "http/target.h"

static struct sg_http_req_parser P;
static struct sg_http_request R;

static void parse_ok(const char *s)
{
	size_t scanned = 0;
	int r = sg_http_head_end(s, strlen(s), &scanned);
	cr_assert_gt(r, 0);
	cr_assert_eq(sg_http_parse_request(&P, &R, s, (size_t)r), 0);
}

Test(http_serialize, strips_hop_by_hop_and_normalizes_framing)
{
	parse_ok("POST /v1.43/build?t=x HTTP/1.1\r\nHost: docker\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n"
		 "TE: trailers\r\nProxy-Authorization: x\r\nTransfer-Encoding: CHUNKED\r\nX-Reg: a\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path, .framing = R.framing };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "POST /v1.43/build?t=x HTTP/1.1\r\nHost: docker\r\nX-Reg: a\r\nTransfer-Encoding: chunked\r\n\r\n");
}

Test(http_serialize, readds_upgrade)
{
	parse_ok("POST /containers/a/attach?stdin=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "POST /containers/a/attach?stdin=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
}

Test(http_serialize, inspected_body_gets_content_length_and_no_expect)
{
	parse_ok("POST /containers/create HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path, .framing = SG_FRAME_LENGTH, .content_length = 12 };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "POST /containers/create HTTP/1.1\r\nHost: docker\r\nContent-Length: 12\r\n\r\n");
}

Test(http_serialize, reparses_to_same_fields)
{
	parse_ok("PUT /containers/x/archive?path=%2Ftmp HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-tar\r\nContent-Length: 10\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path, .framing = R.framing, .content_length = R.content_length };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	static struct sg_http_request r2;
	static struct sg_http_req_parser p2;
	size_t scanned = 0;
	cr_assert_eq(sg_http_head_end(out, n, &scanned), (int)n);
	cr_assert_eq(sg_http_parse_request(&p2, &r2, out, n), 0);
	cr_assert(sg_slice_eq(r2.path, R.path));
	cr_assert(sg_slice_eq(r2.query, R.query));
	cr_assert(sg_slice_eq(r2.method, R.method));
	cr_assert_eq(r2.content_length, 10);
	cr_assert(sg_slice_eq(r2.content_type, R.content_type));
}

Test(http_serialize, overflow_returns_zero)
{
	parse_ok("GET /containers/json HTTP/1.1\r\nHost: docker\r\n\r\n");
	char out[16];
	struct sg_upstream_head_opts o = { .path = R.path };
	cr_assert_eq(sg_http_serialize_upstream(&R, &o, out, sizeof(out)), 0);
}

Test(http_serialize, response_and_json)
{
	char body[128], out[512];
	size_t b = sg_http_json_message(body, sizeof(body), "say \"hi\"");
	cr_assert_eq(b, strlen("{\"message\":\"say \\\"hi\\\"\"}"));
	size_t n = sg_http_write_response(out, sizeof(out), 502, sg_slice_make(body, b), false);
	out[n] = 0;
	cr_assert(strstr(out, "HTTP/1.1 502 Bad Gateway\r\n") == out);
	cr_assert(strstr(out, "Content-Type: application/json\r\n"));
	cr_assert(strstr(out, "Connection: close\r\n"));
}

Test(http_target, strips_version_and_refuses_ambiguity)
{
	char buf[256];
	sg_slice canon, up;
	cr_assert_eq(sg_http_target_paths(SG_SLICE_LIT("/v1.43/containers/json"), buf, sizeof(buf), &canon, &up), 0);
	cr_assert(sg_slice_eq_cstr(canon, "/containers/json"));
	cr_assert(sg_slice_eq_cstr(up, "/v1.43/containers/json"));
	cr_assert_eq(sg_http_target_paths(SG_SLICE_LIT("/v1.43/containers/%2e%2e/x%00"), buf, sizeof(buf), &canon, &up), -1);
	cr_assert_eq(sg_http_target_paths(SG_SLICE_LIT("/v1.43/containers/a%zz"), buf, sizeof(buf), &canon, &up), -1);
	cr_assert_eq(sg_http_target_paths(SG_SLICE_LIT("//containers//json/"), buf, sizeof(buf), &canon, &up), 0);
	cr_assert(sg_slice_eq_cstr(canon, "/containers/json"), "%.*s", (int)canon.len, canon.ptr);
}

/* ---- response framing ---- */

static enum sg_resp_event feed(struct sg_http_resp_parser *p, const char *s, size_t *used)
{
	return sg_http_resp_feed(p, s, strlen(s), used);
}

Test(http_response, content_length)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKextra";
	cr_assert_eq(feed(&p, s, &used), SG_RESP_DONE);
	cr_assert_eq(used, strlen(s) - 5);
	cr_assert(p.keep_alive);
}

Test(http_response, chunked_in_pieces)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", &used), SG_RESP_MORE);
	cr_assert_eq(feed(&p, "lo\r\n", &used), SG_RESP_MORE);
	cr_assert_eq(feed(&p, "0\r\n\r\n", &used), SG_RESP_DONE);
	cr_assert_eq(used, 5);
}

Test(http_response, trailers_do_not_replace_the_heads_content_type)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nContent-T", &used), SG_RESP_MORE);
	cr_assert_eq(feed(&p, "ype: text/evil\r\n\r\n", &used), SG_RESP_DONE);
	cr_assert_eq(p.ctype_len, strlen("application/json"));
	cr_assert(memcmp(p.ctype, "application/json", p.ctype_len) == 0);
}

Test(http_response, error_reports_the_valid_prefix)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &used), SG_RESP_MORE);
	/* chunk data "abc" followed by XX instead of CRLF: the error is at the X */
	cr_assert_eq(feed(&p, "2\r\nhi\r\n3\r\nabcXX\r\n0\r\n\r\n", &used), SG_RESP_ERROR);
	cr_assert_eq(used, strlen("2\r\nhi\r\n3\r\nabc"));
}

Test(http_response, head_has_no_body)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, true, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n", &used), SG_RESP_DONE);
}

Test(http_response, no_content_204)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 204 No Content\r\n\r\n", &used), SG_RESP_DONE);
}

Test(http_response, continue_then_final)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	const char *s = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
	cr_assert_eq(feed(&p, s, &used), SG_RESP_DONE);
	cr_assert_eq(used, strlen(s));
	cr_assert_eq(p.status, 201);
}

Test(http_response, switching_protocols_is_hijack)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, true);
	const char *s = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nRAW";
	cr_assert_eq(feed(&p, s, &used), SG_RESP_HIJACK);
	cr_assert_eq(used, strlen(s) - 3);
}

Test(http_response, raw_stream_200_is_hijack_on_attach)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, true);
	const char *s = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nRAW";
	cr_assert_eq(feed(&p, s, &used), SG_RESP_HIJACK);
	cr_assert_eq(used, strlen(s) - 3);
}

Test(http_response, multiplexed_chunked_logs_is_not_hijack)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", &used), SG_RESP_MORE);
}

Test(http_response, until_close)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\n\r\nsome", &used), SG_RESP_MORE);
	cr_assert(p.until_close);
	cr_assert(sg_http_resp_eof_ok(&p));
}

Test(http_response, truncated_length_is_not_ok)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", &used), SG_RESP_MORE);
	cr_assert(!sg_http_resp_eof_ok(&p));
}

Test(http_response, garbage_is_error)
{
	struct sg_http_resp_parser p;
	size_t used;
	sg_http_resp_init(&p, false, false);
	cr_assert_eq(feed(&p, "NOT HTTP\r\n\r\n", &used), SG_RESP_ERROR);
}

Test(http_serialize, replaces_request_id_and_trace_context)
{
	parse_ok("GET /_ping HTTP/1.1\r\nHost: d\r\nX-Request-Id: theirs\r\ntraceparent: 00-x\r\n"
		 "TraceState: v=1\r\nx-request-id: again\r\nX-Other: 1\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = {
		.path = R.path,
		.request_id = SG_SLICE_LIT("0123456789abcdef0123456789abcdef"),
		.traceparent = SG_SLICE_LIT("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"),
		.keep_tracestate = true,
	};
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "GET /_ping HTTP/1.1\r\nHost: d\r\nTraceState: v=1\r\nX-Other: 1\r\n"
			      "X-Request-Id: 0123456789abcdef0123456789abcdef\r\n"
			      "Traceparent: 00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01\r\n\r\n");
	/* a fresh trace drops the caller's tracestate */
	o.keep_tracestate = false;
	n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_null(strstr(out, "TraceState"));
	/* observability off: everything passes through */
	o = (struct sg_upstream_head_opts){ .path = R.path };
	n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_not_null(strstr(out, "X-Request-Id: theirs\r\n"));
	cr_assert_not_null(strstr(out, "traceparent: 00-x\r\n"));
}

Test(http_serialize, response_ex_sets_content_type_and_request_id)
{
	char out[512];
	size_t n = sg_http_write_response_ex(out, sizeof(out), 200, "text/plain", SG_SLICE_LIT("abc"),
					     SG_SLICE_LIT("hi"), true);
	out[n] = 0;
	cr_assert_str_eq(out, "HTTP/1.1 200 OK\r\nX-Request-Id: abc\r\nContent-Type: text/plain\r\n"
			      "Content-Length: 2\r\n\r\nhi");
	n = sg_http_write_response_head(out, sizeof(out), 503, NULL, (sg_slice){ 0 }, 1234, false);
	out[n] = 0;
	cr_assert_str_eq(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
			      "Content-Length: 1234\r\nConnection: close\r\n\r\n");
	cr_assert_eq(sg_http_write_response_ex(out, 40, 200, NULL, (sg_slice){ 0 }, SG_SLICE_LIT("x"), true), 0);
}

/* RFC 9110 7.6.1: headers named in Connection are hop-by-hop. */
Test(http_serialize, drops_headers_named_in_connection)
{
	parse_ok("GET /v1.41/info HTTP/1.1\r\nHost: d\r\nConnection: keep-alive, X-Secret ,x-trace\r\n"
		 "X-Secret: s\r\nX-Keep: k\r\nX-Trace: t\r\nConnection: X-Other\r\nx-other: o\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "GET /v1.41/info HTTP/1.1\r\nHost: d\r\nX-Keep: k\r\n\r\n");
}

Test(http_serialize, connection_listing_upgrade_keeps_the_upgrade_pair)
{
	parse_ok("POST /exec/e/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade, X-Hop\r\nUpgrade: tcp\r\n"
		 "X-Hop: 1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path, .framing = R.framing, .content_length = R.content_length };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "POST /exec/e/start HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
			      "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n");
}

Test(http_serialize, connection_naming_host_or_framing_cannot_remove_them)
{
	parse_ok("PUT /containers/x/archive?path=%2F HTTP/1.1\r\nHost: h\r\nConnection: Host, Content-Length\r\n"
		 "Content-Length: 3\r\n\r\n");
	char out[1024];
	struct sg_upstream_head_opts o = { .path = R.path, .framing = R.framing, .content_length = R.content_length };
	size_t n = sg_http_serialize_upstream(&R, &o, out, sizeof(out));
	out[n] = 0;
	cr_assert_str_eq(out, "PUT /containers/x/archive?path=%2F HTTP/1.1\r\nHost: docker\r\nContent-Length: 3\r\n\r\n");
}

Test(http_serialize, connection_token_match_is_exact)
{
	parse_ok("GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: X-A\r\nX-AB: 1\r\nX-: 2\r\n\r\n");
	cr_assert(sg_http_connection_lists(&R, SG_SLICE_LIT("x-a")));
	cr_assert_not(sg_http_connection_lists(&R, SG_SLICE_LIT("X-AB")));
	cr_assert_not(sg_http_connection_lists(&R, SG_SLICE_LIT("X-")));
}
