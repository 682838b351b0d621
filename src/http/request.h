/* http/request.h — parse and validate one HTTP/1.1 request head, strictly.
 *
 * The head is parsed in one call, once the caller has seen the blank line
 * that ends it (sg_http_head_end() finds it and refuses bare LF / oversize on
 * the way). llhttp runs with every lenient flag off; on top of it we refuse
 * what Go's net/http (dockerd) could frame differently from us: CL+TE,
 * repeated Content-Length (even equal), a Transfer-Encoding other than one
 * "chunked", obs-fold, control bytes, non-origin-form targets, HTTP/0.9 and
 * versions other than 1.0/1.1. The parser object stays alive after the head so
 * the body can be framed (and de-chunked) by the same llhttp instance.
 *
 * Every slice in struct sg_http_request points into the caller's head
 * buffer and is valid while that buffer is. */
#ifndef SG_HTTP_REQUEST_H
#define SG_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llhttp.h>

#include "base/slice.h"

#define SG_HTTP_MAX_HEAD 16384u		/* bytes, request line + headers + CRLFCRLF */
#define SG_HTTP_MAX_HEADERS 100u

struct sg_http_header {
	sg_slice name;
	sg_slice value;
};

enum sg_http_framing {
	SG_FRAME_NONE = 0,		/* no body */
	SG_FRAME_LENGTH,		/* Content-Length: n (n > 0) */
	SG_FRAME_CHUNKED,		/* Transfer-Encoding: chunked */
	SG_FRAME_UNTIL_CLOSE,		/* responses only */
};

struct sg_http_request {
	sg_slice method;
	sg_slice target;		/* as received */
	sg_slice path;			/* target up to '?' */
	sg_slice query;			/* after '?', without it; empty if none */
	bool has_query;
	uint8_t version_minor;		/* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;		/* llhttp_should_keep_alive() after the head */
	bool upgrade;			/* Connection: upgrade + Upgrade: x */
	bool expect_continue;		/* Expect: 100-continue */
	bool is_head;			/* method HEAD */
	enum sg_http_framing framing;
	uint64_t content_length;	/* SG_FRAME_LENGTH */
	sg_slice upgrade_value;		/* Upgrade header value */
	sg_slice content_type;
	uint32_t nheaders;
	struct sg_http_header headers[SG_HTTP_MAX_HEADERS];

	/* parsing scratch */
	uint32_t cl_count, te_count, host_count;
	bool in_value;
	int error;			/* status to answer (400/431), 0 if fine */
	const char *error_msg;		/* static string for the JSON body */
};

/* Body callbacks for the request parser after the head (inspected bodies). */
typedef int (*sg_http_body_sink)(void *ctx, const char *p, size_t n);

struct sg_http_req_parser {
	llhttp_t llh;
	struct sg_http_request *req;
	sg_http_body_sink sink;		/* NULL: body bytes are only framed */
	void *sink_ctx;
	bool message_done;
	bool sink_failed;
	bool in_body;			/* head parsed: header callbacks now see trailers */
	bool in_chunk;			/* chunked: inside a chunk's data (llh.content_length left) */
	uint64_t chunk_size;		/* chunked: size of the latest chunk header */
};

/* Scan buf[0..len) for the end of the head. Returns:
 *   > 0  the head length (through the blank line's LF)
 *   0    need more bytes (and len < SG_HTTP_MAX_HEAD)
 *  -400  bare LF / bare CR / NUL or other control byte / obs-fold
 *  -431  the head is larger than SG_HTTP_MAX_HEAD
 * `scanned` carries progress between calls (start with 0). */
int sg_http_head_end(const char *buf, size_t len, size_t *scanned);

/* Parse exactly one head (buf[0..head_len), as found by sg_http_head_end).
 * Returns 0, or the status to refuse with (400, 431) and sets req->error_msg.
 * On success p is positioned at the start of the body (or paused at the end
 * of a bodiless message: p->message_done). */
int sg_http_parse_request(struct sg_http_req_parser *p, struct sg_http_request *req,
			  const char *buf, size_t head_len);

/* Feed body bytes. Returns the number of bytes that belong to this message
 * (<= n); sets p->message_done when the message ended within them. Returns
 * -1 on a framing error (invalid chunk syntax, chunk extension) or when the
 * sink refused (p->sink_failed). */
long sg_http_req_feed_body(struct sg_http_req_parser *p, const char *data, size_t n);

/* Case-insensitive lookup of the first header named `name`. */
/* Chunked body, inside a chunk's data: the bytes of it still to come; 0
 * between chunks, after the last one, or for any other framing. */
uint64_t sg_http_req_chunk_left(const struct sg_http_req_parser *p);

/* n bytes of chunk data (n <= sg_http_req_chunk_left) were spliced upstream
 * without passing through the parser: account for them (http/chunk.h).
 * False with a body sink attached (it would be handed zeros) or n too big. */
bool sg_http_req_skip_chunk_data(struct sg_http_req_parser *p, uint64_t n);

/* b[0..n) are the next body bytes, read with MSG_PEEK (still in the
 * socket). If, parsed, they leave the parser inside a chunk's data with at
 * least `min` bytes of it to come: that count (the n bytes now count as
 * seen). Otherwise 0, and the parser and the request's error are exactly
 * as before the call (the plain read will meet the same bytes). */
uint64_t sg_http_req_peek_chunk(struct sg_http_req_parser *p, const char *b, size_t n, uint64_t min);

const struct sg_http_header *sg_http_find_header(const struct sg_http_request *req, const char *name);

#endif
