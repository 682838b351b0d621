/* http/serialize.h — the bytes the proxy writes: the re-serialized request
 * head sent upstream, and its own short responses to the client. */
#ifndef SG_HTTP_SERIALIZE_H
#define SG_HTTP_SERIALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/request.h"

struct sg_upstream_head_opts {
	sg_slice path;			/* path to send (see sg_http_upstream_path) */
	enum sg_http_framing framing;	/* NONE, LENGTH or CHUNKED */
	uint64_t content_length;	/* for LENGTH */
	bool keep_expect;		/* forward Expect: 100-continue */
	bool http10;			/* send HTTP/1.0 (the client spoke 1.0: no chunked reply) */
	/* observability (empty slices: headers pass through unchanged) */
	sg_slice request_id;		/* replaces any client X-Request-Id */
	sg_slice traceparent;		/* replaces any client traceparent */
	bool keep_tracestate;		/* with traceparent: forward the client's tracestate */
};

/* "METHOD path[?query] HTTP/1.1" + end-to-end headers as received (minus
 * hop-by-hop ones and those named in Connection, framing headers and Expect unless keep_expect) + one
 * normalized framing header + "Connection: Upgrade"/"Upgrade: v" for upgrade
 * requests + a Host header if the client sent none. Returns the length, or 0
 * if cap is too small. */
size_t sg_http_serialize_upstream(const struct sg_http_request *req, const struct sg_upstream_head_opts *o,
				  char *out, size_t cap);

/* A complete proxy-generated response with a JSON body. Returns the length
 * (0 if cap is too small). */
size_t sg_http_write_response(char *out, size_t cap, unsigned status, sg_slice json_body, bool keep_alive);

/* The same with a chosen Content-Type (NULL: application/json) and an
 * X-Request-Id header when request_id is not empty. */
size_t sg_http_write_response_ex(char *out, size_t cap, unsigned status, const char *content_type,
				 sg_slice request_id, sg_slice body, bool keep_alive);
/* Its head only, for a body of body_len bytes the caller sends after it. */
size_t sg_http_write_response_head(char *out, size_t cap, unsigned status, const char *content_type,
				   sg_slice request_id, uint64_t body_len, bool keep_alive);

/* {"message":"<msg>"} with JSON escaping; returns the length. */
size_t sg_http_json_message(char *out, size_t cap, const char *msg);

const char *sg_http_status_text(unsigned status);

/* Does a Connection header of req list `name` (case-insensitive token)?
 * Such headers are hop-by-hop (RFC 9110 7.6.1) and are not forwarded; an
 * upgrade's own Connection/Upgrade pair is re-added by the serializer. */
bool sg_http_connection_lists(const struct sg_http_request *req, sg_slice name);

/* True for hop-by-hop header names the proxy never forwards. */
bool sg_http_is_hop_by_hop(sg_slice name);

#endif
