/* http/chunk.h — chunk data that went past the parser.
 *
 * The relay splices the data of large chunks straight from socket to
 * socket (ring/conn.c); the parser that frames the body (request.c or
 * response.c) must still end up exactly where the real bytes would have
 * left it, so that it checks the CRLF after the data and frames the next
 * chunk header itself. llhttp never reads chunk data, only counts it, so the
 * skipped bytes are fed as zeros. */
#ifndef SG_HTTP_CHUNK_H
#define SG_HTTP_CHUNK_H

#include <stdbool.h>
#include <stdint.h>

#include <llhttp.h>

/* Bytes of the current chunk's data still to come; 0 unless `in_chunk`
 * (set by on_chunk_header for a non-empty chunk, cleared by
 * on_chunk_complete) and the message is chunked. */
uint64_t sg_http_chunk_left(const llhttp_t *l, bool in_chunk);

/* Feed n zero bytes; the caller has checked n <= sg_http_chunk_left() and
 * that no body reader is attached. False if llhttp refuses them. */
bool sg_http_chunk_skip(llhttp_t *l, uint64_t n);

#endif
