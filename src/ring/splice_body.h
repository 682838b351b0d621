/* ring/splice_body.h — zero-copy bodies: pipes and framing arithmetic.
 *
 * Bodies whose length is known once the head is parsed (Content-Length
 * requests that need no inspection, Content-Length and until-close
 * responses) move socket -> pipe -> socket with IORING_OP_SPLICE, exactly
 * as many bytes as the framing says; the conn state machine (conn.c) drives
 * the ops, this file owns the pipes (created lazily, sized with
 * F_SETPIPE_SZ, recycled through a small per-worker pool so an idle
 * connection holds none) and the "how much is left" questions. */
#ifndef SG_RING_SPLICE_BODY_H
#define SG_RING_SPLICE_BODY_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "http/response.h"

#define SG_SPLICE_CHUNK (1u << 20)	/* bytes per splice op, and wanted pipe size */
#define SG_SPLICE_MIN 65536u		/* shorter remainders stay on the buffered path */
#define SG_CHUNK_SPLICE_MIN 16384u	/* chunk data left below this is relayed through ubuf */
#define SG_CHUNK_PEEK 64u		/* bytes peeked for the next chunk header */
#define SG_CHUNK_LEFT_MAX (1ull << 62)	/* a chunk size near 2^64 is spliced in parts (no overflow) */
#define SG_CHUNK_GATHER (SG_SPLICE_CHUNK / 2)	/* chunk bytes gathered in the pipe per send */
#define SG_PIPE_POOL_MAX 16u		/* empty pipes kept per worker */
#define SG_SPLICE_UNTIL_CLOSE UINT64_MAX

struct sg_worker;
struct sg_conn;

struct sg_pipe_pool {
	int fds[SG_PIPE_POOL_MAX][2];
	unsigned n;
};

/* An empty pipe into p (from the pool or new, sized up to SG_SPLICE_CHUNK).
 * No-op returning true if p[0] >= 0 already. False if none can be had. */
bool sg_pipe_get(struct sg_worker *w, int p[2]);
/* Give an empty pipe back (closed if the pool is full); p becomes -1. */
void sg_pipe_put(struct sg_worker *w, int p[2]);
/* Close a pipe whose contents do not matter any more; p becomes -1. */
void sg_pipe_close(int p[2]);
void sg_pipe_pool_clear(struct sg_worker *w);

/* Body bytes of the response still to come that can be spliced: the
 * Content-Length remainder, SG_SPLICE_UNTIL_CLOSE, or 0 (chunked, no body,
 * head not complete, hijack, done). */
uint64_t sg_splice_resp_left(const struct sg_http_resp_parser *sp);
/* The spliced remainder has been relayed: the response is complete. */
void sg_splice_resp_finish(struct sg_http_resp_parser *sp);

/* Content-Length request body bytes still to come, 0 if not spliceable. */
uint64_t sg_splice_req_left(const struct sg_http_req_parser *rp);
/* The spliced remainder has been sent upstream: the request is complete. */
void sg_splice_req_finish(struct sg_http_req_parser *rp);

/* Splice without io-wq: each op is tried at once with splice(2), non-blocking
 * (sockets in O_NONBLOCK), and its result is posted back into the ring as a
 * NOP completion (IORING_NOP_INJECT_RESULT) carrying the op's user_data, so
 * the state machine sees an ordinary completion; an op that would block
 * polls its socket and is retried. IORING_OP_SPLICE always runs on an io-wq
 * worker (two context switches per op), which capped hijack at ~0.3x direct.
 * False (kernel without NOP result injection): conn.c queues IORING_OP_SPLICE. */
bool sg_splice_sync_ok(void);
/* splice(in -> out, n, non-blocking): bytes, 0 at EOF, or -errno. */
int sg_splice_now(int in, int out, uint32_t n);
/* Queue a NOP whose completion is (ud, res). */
void sg_splice_post(struct sg_worker *w, uint64_t ud, int res);
/* Prepare a socket for synchronous splices: O_NONBLOCK, and a send buffer
 * of SG_SPLICE_CHUNK (capped by net.core.wmem_max) so one splice can move a
 * whole pipe: with the 208 KiB default, a 1 GiB stream took 5000+ rounds
 * and ran ~35 % slower. */
void sg_splice_sock(int fd);

/* Bytes for the next socket -> pipe splice. */
static inline uint32_t sg_splice_len(uint64_t left)
{
	return left < SG_SPLICE_CHUNK ? (uint32_t)left : SG_SPLICE_CHUNK;
}

#endif
