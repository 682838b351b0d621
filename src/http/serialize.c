/* http/serialize.c — see serialize.h. */
#include "http/serialize.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct out {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }
static void puts_slice(struct out *o, sg_slice s) { put(o, s.ptr, s.len); }

static void put_u64(struct out *o, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	put(o, tmp, (size_t)n);
}

bool sg_http_is_hop_by_hop(sg_slice n)
{
	static const sg_slice hop[] = {
		SG_SLICE_LIT("connection"), SG_SLICE_LIT("keep-alive"), SG_SLICE_LIT("te"),
		SG_SLICE_LIT("trailer"), SG_SLICE_LIT("upgrade"), SG_SLICE_LIT("transfer-encoding"),
		SG_SLICE_LIT("proxy-connection"),
	};
	for (size_t i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
		if (sg_slice_caseeq(n, hop[i]))
			return true;
	return n.len >= 6 && strncasecmp(n.ptr, "proxy-", 6) == 0;
}

/* Is `name` one of the comma-separated tokens of a Connection header value?
 * RFC 9110 7.6.1: those headers are hop-by-hop for this message. */
static bool in_token_list(sg_slice list, sg_slice name)
{
	size_t i = 0;
	while (i < list.len) {
		size_t start = i;
		while (i < list.len && list.ptr[i] != ',')
			i++;
		size_t end = i++;
		while (start < end && (list.ptr[start] == ' ' || list.ptr[start] == '\t'))
			start++;
		while (end > start && (list.ptr[end - 1] == ' ' || list.ptr[end - 1] == '\t'))
			end--;
		if (sg_slice_caseeq(sg_slice_make(list.ptr + start, end - start), name))
			return true;
	}
	return false;
}

bool sg_http_connection_lists(const struct sg_http_request *req, sg_slice name)
{
	for (uint32_t i = 0; i < req->nheaders; i++) {
		const struct sg_http_header *h = &req->headers[i];
		if (sg_slice_caseeq(h->name, SG_SLICE_LIT("connection")) && in_token_list(h->value, name))
			return true;
	}
	return false;
}

size_t sg_http_serialize_upstream(const struct sg_http_request *req, const struct sg_upstream_head_opts *o,
				  char *buf, size_t cap)
{
	struct out w = { buf, 0, cap, false };
	puts_slice(&w, req->method);
	puts_(&w, " ");
	puts_slice(&w, o->path);
	if (req->has_query) {
		puts_(&w, "?");
		puts_slice(&w, req->query);
	}
	puts_(&w, o->http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
	bool host = false;
	for (uint32_t i = 0; i < req->nheaders; i++) {
		const struct sg_http_header *h = &req->headers[i];
		if (sg_http_is_hop_by_hop(h->name) || sg_slice_caseeq(h->name, SG_SLICE_LIT("content-length")))
			continue;
		if (sg_http_connection_lists(req, h->name))
			continue;	/* named in Connection: hop-by-hop */
		if (!o->keep_expect && sg_slice_caseeq(h->name, SG_SLICE_LIT("expect")))
			continue;
		if (o->request_id.len && sg_slice_caseeq(h->name, SG_SLICE_LIT("x-request-id")))
			continue;
		if (o->traceparent.len && (sg_slice_caseeq(h->name, SG_SLICE_LIT("traceparent")) ||
					   (!o->keep_tracestate && sg_slice_caseeq(h->name, SG_SLICE_LIT("tracestate")))))
			continue;
		if (sg_slice_caseeq(h->name, SG_SLICE_LIT("host")))
			host = true;
		puts_slice(&w, h->name);
		puts_(&w, ": ");
		puts_slice(&w, h->value);
		puts_(&w, "\r\n");
	}
	if (!host)
		puts_(&w, "Host: docker\r\n");
	if (o->request_id.len) {
		puts_(&w, "X-Request-Id: ");
		puts_slice(&w, o->request_id);
		puts_(&w, "\r\n");
	}
	if (o->traceparent.len) {
		puts_(&w, "Traceparent: ");
		puts_slice(&w, o->traceparent);
		puts_(&w, "\r\n");
	}
	if (req->upgrade) {
		puts_(&w, "Connection: Upgrade\r\nUpgrade: ");
		puts_slice(&w, req->upgrade_value);
		puts_(&w, "\r\n");
	}
	if (o->framing == SG_FRAME_LENGTH) {
		puts_(&w, "Content-Length: ");
		put_u64(&w, o->content_length);
		puts_(&w, "\r\n");
	} else if (o->framing == SG_FRAME_CHUNKED) {
		puts_(&w, "Transfer-Encoding: chunked\r\n");
	}
	puts_(&w, "\r\n");
	return w.overflow ? 0 : w.len;
}

const char *sg_http_status_text(unsigned s)
{
	switch (s) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Request Entity Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Error";
	}
}

size_t sg_http_write_response(char *buf, size_t cap, unsigned status, sg_slice body, bool keep_alive)
{
	return sg_http_write_response_ex(buf, cap, status, NULL, sg_slice_make(NULL, 0), body, keep_alive);
}

size_t sg_http_write_response_head(char *buf, size_t cap, unsigned status, const char *content_type,
				   sg_slice request_id, uint64_t body_len, bool keep_alive)
{
	struct out w = { buf, 0, cap, false };
	char line[64];
	int n = snprintf(line, sizeof(line), "HTTP/1.1 %u %s\r\n", status, sg_http_status_text(status));
	put(&w, line, (size_t)n);
	if (request_id.len) {
		puts_(&w, "X-Request-Id: ");
		puts_slice(&w, request_id);
		puts_(&w, "\r\n");
	}
	puts_(&w, "Content-Type: ");
	puts_(&w, content_type ? content_type : "application/json");
	puts_(&w, "\r\nContent-Length: ");
	put_u64(&w, body_len);
	puts_(&w, keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
	return w.overflow ? 0 : w.len;
}

size_t sg_http_write_response_ex(char *buf, size_t cap, unsigned status, const char *content_type,
				 sg_slice request_id, sg_slice body, bool keep_alive)
{
	size_t h = sg_http_write_response_head(buf, cap, status, content_type, request_id, body.len, keep_alive);
	if (h == 0 || body.len > cap - h)
		return 0;
	memcpy(buf + h, body.ptr, body.len);
	return h + body.len;
}

size_t sg_http_json_message(char *buf, size_t cap, const char *msg)
{
	struct out w = { buf, 0, cap, false };
	puts_(&w, "{\"message\":\"");
	for (const char *s = msg; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(&w, e, 2);
		} else if (c < 0x20) {
			char e[8];
			int k = snprintf(e, sizeof(e), "\\u%04x", c);
			put(&w, e, (size_t)k);
		} else {
			put(&w, (const char *)&c, 1);
		}
	}
	puts_(&w, "\"}");
	return w.overflow ? 0 : w.len;
}
