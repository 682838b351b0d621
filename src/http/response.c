/* http/response.c — upstream response framing (see response.h). */
#include "http/response.h"

#include "http/chunk.h"

#include <string.h>
#include <strings.h>

static struct sg_http_resp_parser *R(llhttp_t *l) { return (struct sg_http_resp_parser *)l->data; }

static int on_message_begin(llhttp_t *l)
{
	struct sg_http_resp_parser *p = R(l);
	p->ctype_len = 0;
	p->field_len = 0;
	p->in_value = true;
	p->is_ct = false;
	return 0;
}

/* Only Content-Type matters here: remember the field name's first bytes.
 * Trailers (after the head) reach these callbacks too and are ignored. */
static int on_header_field(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_resp_parser *p = R(l);
	if (p->head_seen)
		return 0;
	if (p->in_value) {
		p->in_value = false;
		p->field_len = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->field_len < sizeof(p->field))
			p->field[p->field_len] = at[i];
		if (p->field_len < 255)
			p->field_len++;
	}
	return 0;
}

static int on_header_value(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_resp_parser *p = R(l);
	if (p->head_seen)
		return 0;
	if (!p->in_value) {
		p->in_value = true;
		p->is_ct = p->field_len == 12 && strncasecmp(p->field, "content-type", 12) == 0;
		if (p->is_ct)
			p->ctype_len = 0;
	}
	if (p->is_ct)
		for (size_t i = 0; i < n && p->ctype_len < sizeof(p->ctype); i++)
			p->ctype[p->ctype_len++] = at[i];
	return 0;
}

static int on_header_value_complete(llhttp_t *l)
{
	R(l)->in_value = true;
	return 0;
}

static bool ctype_is(const struct sg_http_resp_parser *p, const char *t)
{
	size_t n = strlen(t);
	return p->ctype_len >= n && strncasecmp(p->ctype, t, n) == 0 &&
	       (p->ctype_len == n || p->ctype[n] == ';' || p->ctype[n] == ' ');
}

static int on_headers_complete(llhttp_t *l)
{
	struct sg_http_resp_parser *p = R(l);
	p->status = l->status_code;
	if (l->status_code >= 100 && l->status_code < 200)
		return 0;		/* interim (or 101: llhttp pauses with UPGRADE) */
	p->head_seen = true;
	if (p->request_was_head)
		return 1;		/* no body */
	bool framed = (l->flags & (F_CHUNKED | F_CONTENT_LENGTH)) != 0;
	if (p->hijack_candidate && l->status_code == 200 && !framed &&
	    (ctype_is(p, "application/vnd.docker.raw-stream") ||
	     ctype_is(p, "application/vnd.docker.multiplexed-stream"))) {
		p->hijack = true;
		return HPE_PAUSED;
	}
	return 0;
}

static int on_body(llhttp_t *l, const char *at, size_t n)
{
	struct sg_http_resp_parser *p = R(l);
	if (!p->body_sink || !p->head_seen)
		return 0;
	return p->body_sink(p->body_sink_ctx, at, n) == 0 ? 0 : -1;
}

static int on_chunk_header(llhttp_t *l)
{
	R(l)->in_chunk = l->content_length > 0;
	R(l)->chunk_size = l->content_length;
	return 0;
}

static int on_chunk_complete(llhttp_t *l)
{
	R(l)->in_chunk = false;
	return 0;
}

static int on_message_complete(llhttp_t *l)
{
	struct sg_http_resp_parser *p = R(l);
	if (l->status_code >= 100 && l->status_code < 200 && l->status_code != 101)
		return 0;		/* interim: the final response follows */
	p->done = true;
	p->keep_alive = llhttp_should_keep_alive(l);
	return HPE_PAUSED;
}

static const llhttp_settings_t resp_settings = {
	.on_message_begin = on_message_begin,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_header_value_complete = on_header_value_complete,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
	.on_chunk_header = on_chunk_header,
	.on_chunk_complete = on_chunk_complete,
};

void sg_http_resp_init(struct sg_http_resp_parser *p, bool request_was_head, bool hijack_candidate)
{
	memset(p, 0, sizeof(*p));
	p->request_was_head = request_was_head;
	p->hijack_candidate = hijack_candidate;
	p->in_value = true;
	llhttp_init(&p->llh, HTTP_RESPONSE, &resp_settings);
	llhttp_set_lenient_headers(&p->llh, 0);
	llhttp_set_lenient_chunked_length(&p->llh, 0);
	llhttp_set_lenient_keep_alive(&p->llh, 0);
	llhttp_set_lenient_transfer_encoding(&p->llh, 0);
	p->llh.data = p;
}

enum sg_resp_event sg_http_resp_feed(struct sg_http_resp_parser *p, const char *data, size_t n, size_t *used)
{
	*used = 0;
	if (p->done || p->hijack)
		return SG_RESP_ERROR;
	if (n == 0)
		return SG_RESP_MORE;
	llhttp_errno_t e = llhttp_execute(&p->llh, data, n);
	if (e == HPE_OK) {
		*used = n;
		if (p->head_seen && llhttp_message_needs_eof(&p->llh))
			p->until_close = true;
		return SG_RESP_MORE;
	}
	if (e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) {
		*used = (size_t)(llhttp_get_error_pos(&p->llh) - data);
		if (p->hijack)
			return SG_RESP_HIJACK;
		if (p->done && p->status == 101) {
			p->hijack = true;
			return SG_RESP_HIJACK;
		}
		if (p->done)
			return SG_RESP_DONE;
	}
	/* the bytes before the error are a valid prefix of the response (a
	 * relay may pass them on before it closes); not when a body sink
	 * refused them */
	const char *at = llhttp_get_error_pos(&p->llh);
	*used = !p->body_sink && at && at >= data && at <= data + n ? (size_t)(at - data) : 0;
	return SG_RESP_ERROR;
}

uint64_t sg_http_resp_chunk_left(const struct sg_http_resp_parser *p)
{
	if (!p->head_seen || p->done || p->hijack)
		return 0;
	return sg_http_chunk_left(&p->llh, p->in_chunk);
}

bool sg_http_resp_skip_chunk_data(struct sg_http_resp_parser *p, uint64_t n)
{
	if (p->body_sink || n > sg_http_resp_chunk_left(p))
		return false;	/* a body reader would be handed zeros */
	return sg_http_chunk_skip(&p->llh, n);
}

uint64_t sg_http_resp_peek_chunk(struct sg_http_resp_parser *p, const char *b, size_t n, uint64_t min)
{
	struct sg_http_resp_parser saved = *p;
	size_t used;
	uint64_t left;
	if (sg_http_resp_feed(p, b, n, &used) != SG_RESP_MORE || (left = sg_http_resp_chunk_left(p)) < min) {
		*p = saved;
		return 0;
	}
	return left;
}

bool sg_http_resp_eof_ok(const struct sg_http_resp_parser *p)
{
	if (p->done || p->hijack)
		return true;
	if (!p->head_seen)
		return false;
	return llhttp_finish((llhttp_t *)&p->llh) == HPE_OK || p->until_close;
}
