/* http/response.h — frame upstream responses with llhttp.
 *
 * The proxy relays the upstream's response bytes unchanged; it only needs to
 * know where each response ends (so the upstream connection can be reused
 * and the client's next request served) and whether the connection turns
 * into a raw stream (101 Switching Protocols, or Docker's non-upgrade
 * attach/exec hijack: 200 with a vnd.docker.raw-stream / multiplexed-stream
 * body that has neither Content-Length nor chunked framing). Interim 1xx
 * responses (100 Continue) are relayed and framing continues with the final
 * response. */
#ifndef SG_HTTP_RESPONSE_H
#define SG_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llhttp.h>

#include "base/slice.h"

enum sg_resp_event {
	SG_RESP_MORE = 0,	/* all bytes belong to the response; feed more */
	SG_RESP_DONE,		/* the final response ended after `used` bytes */
	SG_RESP_HIJACK,		/* head ended after `used` bytes; the rest is a raw stream */
	SG_RESP_ERROR,		/* upstream sent something unparseable */
};

struct sg_http_resp_parser {
	llhttp_t llh;
	bool request_was_head;		/* HEAD: no body whatever the headers say */
	bool hijack_candidate;		/* request was POST .../attach or /exec/.../start */
	bool head_seen;			/* final (non-1xx) head parsed */
	bool in_value;
	bool is_ct;
	bool done, hijack;
	uint16_t status;
	bool keep_alive;		/* upstream connection reusable after DONE */
	bool until_close;		/* body ends at upstream EOF */
	bool in_chunk;			/* chunked: inside a chunk's data (llh.content_length left) */
	uint64_t chunk_size;		/* chunked: size of the latest chunk header */
	char ctype[64];			/* Content-Type of the final response (truncated) */
	uint8_t ctype_len;
	uint8_t field_len;
	char field[16];
	/* Optional, set after sg_http_resp_init(): receives the final
	 * response's body bytes, de-chunked. A non-zero return stops the
	 * parse (the feed returns SG_RESP_ERROR). The relay leaves it NULL;
	 * the proxy's own upstream lookups (ring/exec_lookup.c) read bodies. */
	int (*body_sink)(void *ctx, const char *p, size_t n);
	void *body_sink_ctx;
};

void sg_http_resp_init(struct sg_http_resp_parser *p, bool request_was_head, bool hijack_candidate);

/* Feed bytes; *used is how many belong to this response (all of them for
 * SG_RESP_MORE; for SG_RESP_ERROR, the valid bytes before the error, 0 when
 * a body sink is set). */
enum sg_resp_event sg_http_resp_feed(struct sg_http_resp_parser *p, const char *data, size_t n, size_t *used);

/* Chunked final response, inside a chunk's data: the bytes of that chunk
 * still to come (llhttp counts them down in llh.content_length); 0 between
 * chunks, after the last one, or for any other framing. */
uint64_t sg_http_resp_chunk_left(const struct sg_http_resp_parser *p);

/* n bytes of chunk data (n <= sg_http_resp_chunk_left) went to the client
 * without passing through the parser (spliced): account for them. llhttp
 * never looks at chunk data, so they are fed as zeros. False if the parser
 * disagrees (it cannot, given the precondition). */
bool sg_http_resp_skip_chunk_data(struct sg_http_resp_parser *p, uint64_t n);

/* b[0..n) are the next bytes of the response, read with MSG_PEEK (still in
 * the socket). If, parsed, they leave the parser inside a chunk's data with
 * at least `min` bytes of it to come: that count (the n bytes now count as
 * seen). Otherwise 0, and the parser is exactly as before the call. */
uint64_t sg_http_resp_peek_chunk(struct sg_http_resp_parser *p, const char *b, size_t n, uint64_t min);

/* The upstream closed: is that a valid end of the response? */
bool sg_http_resp_eof_ok(const struct sg_http_resp_parser *p);

#endif
