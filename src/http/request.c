/* http/request.c — strict request-head parsing (see request.h). */
#include "http/request.h"

#include "http/chunk.h"

#include <string.h>

/* ---- head boundary scan -------------------------------------------------- */

static bool is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

int sg_http_head_end(const char *buf, size_t len, size_t *scanned)
{
	size_t i = *scanned;		/* always the start of a line */
	size_t line = i;
	while (i < len) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r') {
			if (i + 1 >= len)
				break;			/* need the next byte */
			if (buf[i + 1] != '\n')
				return -400;		/* bare CR */
			if (i == line) {
				if (line == 0)
					return -400;	/* empty request line */
				size_t end = i + 2;
				return end > SG_HTTP_MAX_HEAD ? -431 : (int)end;
			}
			i += 2;
			line = i;
			*scanned = line;
			continue;
		}
		if (c == '\n')
			return -400;			/* bare LF */
		if (is_ctl(c))
			return -400;			/* NUL and friends */
		if (i == line && line > 0 && (c == ' ' || c == '\t'))
			return -400;			/* obs-fold */
		i++;
	}
	if (len >= SG_HTTP_MAX_HEAD)
		return -431;
	return 0;
}

/* ---- llhttp callbacks ---------------------------------------------------- */

static struct sg_http_req_parser *P(llhttp_t *l) { return (struct sg_http_req_parser *)l->data; }

static int fail(struct sg_http_request *r, int status, const char *msg)
{
	if (!r->error) {
		r->error = status;
		r->error_msg = msg;
	}
	return -1;
}

/* Extend a slice when llhttp hands a span in pieces (never across buffers
 * here: the whole head is one execute call; trailers, which do arrive in
 * pieces, are not recorded). */
static void span(sg_slice *s, const char *at, size_t n)
{
	if (s->ptr == NULL)
		*s = sg_slice_make(at, n);
	else
		s->len = (size_t)(at + n - s->ptr);
}

static int on_url(llhttp_t *l, const char *at, size_t n)
{
	span(&P(l)->req->target, at, n);
	return 0;
}

/* Trailers of a chunked body come through the header callbacks too, in
 * whatever pieces the body was read in: llhttp checks their syntax, they
 * are relayed as received, and they are not recorded as headers (their
 * spans would cross buffers, and they must not change the request). */
static int on_header_field(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_request *r = P(l)->req;
	if (P(l)->in_body)
		return 0;
	if (r->in_value) {		/* a new header starts */
		if (r->nheaders >= SG_HTTP_MAX_HEADERS)
			return fail(r, 431, "too many request headers");
		r->headers[r->nheaders++] = (struct sg_http_header){ SG_SLICE_NULL, SG_SLICE_NULL };
		r->in_value = false;
	}
	span(&r->headers[r->nheaders - 1].name, at, n);
	return 0;
}

static int on_header_value(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_request *r = P(l)->req;
	if (P(l)->in_body)
		return 0;
	r->in_value = true;
	struct sg_http_header *h = &r->headers[r->nheaders - 1];
	if (h->value.ptr == NULL)
		h->value = sg_slice_make(at, 0);
	span(&h->value, at, n);
	return 0;
}

static int on_header_value_complete(llhttp_t *l)
{
	struct sg_http_request *r = P(l)->req;
	if (P(l)->in_body)
		return 0;
	r->in_value = true;		/* next field starts a new header */
	struct sg_http_header *h = &r->headers[r->nheaders - 1];
	if (h->value.ptr == NULL)
		h->value = sg_slice_make("", 0);
	while (h->value.len && (h->value.ptr[h->value.len - 1] == ' ' || h->value.ptr[h->value.len - 1] == '\t'))
		h->value.len--;
	return 0;
}

static bool all_digits(sg_slice v)
{
	if (v.len == 0 || v.len > 18)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return false;
	return true;
}

static uint64_t parse_u64(sg_slice v)
{
	uint64_t n = 0;
	for (size_t i = 0; i < v.len; i++)
		n = n * 10 + (uint64_t)(v.ptr[i] - '0');
	return n;
}

static int check_target(struct sg_http_request *r)
{
	sg_slice t = r->target;
	if (t.len == 0 || t.ptr[0] != '/')
		return fail(r, 400, "request target must be origin-form");
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.ptr[i];
		if (c <= 0x20 || c >= 0x7f || c == '#')
			return fail(r, 400, "invalid byte in request target");
	}
	const char *q = memchr(t.ptr, '?', t.len);
	if (q) {
		r->path = sg_slice_make(t.ptr, (size_t)(q - t.ptr));
		r->query = sg_slice_make(q + 1, t.len - r->path.len - 1);
		r->has_query = true;
	} else {
		r->path = t;
		r->query = sg_slice_make(t.ptr + t.len, 0);
	}
	return 0;
}

static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(sg_slice s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!is_tchar((unsigned char)s.ptr[i]))
			return false;
	return true;
}

static int on_headers_complete(llhttp_t *l)
{
	struct sg_http_request *r = P(l)->req;
	if (l->http_major != 1 || l->http_minor > 1)
		return fail(r, 400, "unsupported HTTP version");
	r->version_minor = l->http_minor;
	if (check_target(r) != 0)
		return -1;
	sg_slice cl = SG_SLICE_NULL;
	for (uint32_t i = 0; i < r->nheaders; i++) {
		const struct sg_http_header *h = &r->headers[i];
		if (!is_token(h->name))
			return fail(r, 400, "invalid header name");
		if (sg_slice_caseeq(h->name, SG_SLICE_LIT("content-length"))) {
			r->cl_count++;
			cl = h->value;
		} else if (sg_slice_caseeq(h->name, SG_SLICE_LIT("transfer-encoding"))) {
			r->te_count++;
			if (!sg_slice_caseeq(h->value, SG_SLICE_LIT("chunked")))
				return fail(r, 400, "unsupported transfer-encoding");
		} else if (sg_slice_caseeq(h->name, SG_SLICE_LIT("host"))) {
			r->host_count++;
		} else if (sg_slice_caseeq(h->name, SG_SLICE_LIT("content-type"))) {
			r->content_type = h->value;
		} else if (sg_slice_caseeq(h->name, SG_SLICE_LIT("upgrade"))) {
			r->upgrade_value = h->value;
		} else if (sg_slice_caseeq(h->name, SG_SLICE_LIT("expect"))) {
			if (!sg_slice_caseeq(h->value, SG_SLICE_LIT("100-continue")))
				return fail(r, 400, "unsupported expectation");
			r->expect_continue = true;
		}
	}
	if (r->cl_count > 1)
		return fail(r, 400, "repeated content-length");
	if (r->te_count > 1)
		return fail(r, 400, "repeated transfer-encoding");
	if (r->cl_count && r->te_count)
		return fail(r, 400, "content-length together with transfer-encoding");
	if (r->te_count && r->version_minor == 0)
		return fail(r, 400, "transfer-encoding in an HTTP/1.0 request");
	if (r->host_count > 1)
		return fail(r, 400, "repeated host header");
	if (r->cl_count) {
		if (!all_digits(cl))
			return fail(r, 400, "invalid content-length");
		r->content_length = parse_u64(cl);
		r->framing = r->content_length ? SG_FRAME_LENGTH : SG_FRAME_NONE;
	} else if (r->te_count) {
		r->framing = SG_FRAME_CHUNKED;
	}
	r->method = sg_slice_cstr(llhttp_method_name((llhttp_method_t)l->method));
	r->is_head = l->method == HTTP_HEAD;
	if (l->method == HTTP_CONNECT)
		return fail(r, 400, "CONNECT is not supported");
	r->upgrade = l->upgrade && r->upgrade_value.len > 0;
	r->keep_alive = llhttp_should_keep_alive(l);
	P(l)->in_body = true;
	return 0;
}

static int on_body(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_req_parser *p = P(l);
	if (p->sink && p->sink(p->sink_ctx, at, n) != 0) {
		p->sink_failed = true;
		return -1;
	}
	return 0;
}

static int on_chunk_extension(llhttp_t *l, const char *at, size_t n)
{
	(void)at; (void)n;
	fail(P(l)->req, 400, "chunk extensions are not accepted");
	return -1;
}

static int on_chunk_header(llhttp_t *l)
{
	P(l)->in_chunk = l->content_length > 0;
	P(l)->chunk_size = l->content_length;
	return 0;
}

static int on_chunk_complete(llhttp_t *l)
{
	P(l)->in_chunk = false;
	return 0;
}

static int on_message_complete(llhttp_t *l)
{
	P(l)->message_done = true;
	return HPE_PAUSED;
}

static const llhttp_settings_t req_settings = {
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_header_value_complete = on_header_value_complete,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_chunk_extension_name = on_chunk_extension,
	.on_chunk_extension_value = on_chunk_extension,
	.on_message_complete = on_message_complete,
	.on_chunk_header = on_chunk_header,
	.on_chunk_complete = on_chunk_complete,
};

static void strict(llhttp_t *l)
{
	llhttp_set_lenient_headers(l, 0);
	llhttp_set_lenient_chunked_length(l, 0);
	llhttp_set_lenient_keep_alive(l, 0);
	llhttp_set_lenient_transfer_encoding(l, 0);
}

int sg_http_parse_request(struct sg_http_req_parser *p, struct sg_http_request *req,
			  const char *buf, size_t head_len)
{
	memset(req, 0, offsetof(struct sg_http_request, headers));
	req->cl_count = req->te_count = req->host_count = 0;
	req->error = 0;
	req->error_msg = NULL;
	req->in_value = true;
	p->req = req;
	p->sink = NULL;
	p->sink_ctx = NULL;
	p->message_done = false;
	p->sink_failed = false;
	p->in_body = false;
	p->in_chunk = false;
	p->chunk_size = 0;
	llhttp_init(&p->llh, HTTP_REQUEST, &req_settings);
	strict(&p->llh);
	p->llh.data = p;
	llhttp_errno_t e = llhttp_execute(&p->llh, buf, head_len);
	if (e == HPE_PAUSED) {
		/* bodiless message ended exactly at the head's end */
		if (llhttp_get_error_pos(&p->llh) != buf + head_len)
			return fail(req, 400, "malformed request head"), req->error;
		llhttp_resume(&p->llh);
		return 0;
	}
	if (e != HPE_OK) {
		fail(req, 400, "malformed request head");
		return req->error;
	}
	if (req->method.len == 0) {	/* head not complete: cannot happen after head_end */
		fail(req, 400, "malformed request head");
		return req->error;
	}
	return 0;
}

long sg_http_req_feed_body(struct sg_http_req_parser *p, const char *data, size_t n)
{
	if (p->message_done || n == 0)
		return 0;
	llhttp_errno_t e = llhttp_execute(&p->llh, data, n);
	if (e == HPE_OK)
		return (long)n;
	if (e == HPE_PAUSED) {
		long used = (long)(llhttp_get_error_pos(&p->llh) - data);
		llhttp_resume(&p->llh);
		return used;
	}
	if (!p->req->error)
		fail(p->req, 400, "malformed request body framing");
	return -1;
}

uint64_t sg_http_req_chunk_left(const struct sg_http_req_parser *p)
{
	if (p->message_done || !p->req || p->req->framing != SG_FRAME_CHUNKED)
		return 0;
	return sg_http_chunk_left(&p->llh, p->in_chunk);
}

bool sg_http_req_skip_chunk_data(struct sg_http_req_parser *p, uint64_t n)
{
	if (p->sink || n > sg_http_req_chunk_left(p))
		return false;
	return sg_http_chunk_skip(&p->llh, n);
}

uint64_t sg_http_req_peek_chunk(struct sg_http_req_parser *p, const char *b, size_t n, uint64_t min)
{
	struct sg_http_req_parser saved = *p;
	int error = p->req->error;
	const char *error_msg = p->req->error_msg;
	uint64_t left;
	if (p->sink || sg_http_req_feed_body(p, b, n) != (long)n || p->message_done ||
	    (left = sg_http_req_chunk_left(p)) < min) {
		*p = saved;
		p->req->error = error;
		p->req->error_msg = error_msg;
		return 0;
	}
	return left;
}

const struct sg_http_header *sg_http_find_header(const struct sg_http_request *req, const char *name)
{
	sg_slice n = sg_slice_cstr(name);
	for (uint32_t i = 0; i < req->nheaders; i++)
		if (sg_slice_caseeq(req->headers[i].name, n))
			return &req->headers[i];
	return NULL;
}
