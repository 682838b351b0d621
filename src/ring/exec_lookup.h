/* ring/exec_lookup.h — the exec-start re-check's upstream lookup.
 *
 * POST /exec/{id}/start carries nothing to judge: the command that will run
 * is what dockerd stored when the exec was created, possibly by another
 * client or behind the proxy's back. When the policy says so (an INSPECT
 * verdict with exec_lookup set), the connection, after buffering the start
 * request's body, asks dockerd itself:
 *
 *   EXEC_LOOKUP: GET /exec/{canonical id}/json HTTP/1.1 on c->ufd (a pooled
 *   keep-alive upstream connection, or a fresh connect), response read into
 *   the request's arena (body capped at SG_EXEC_LOOKUP_BODY_MAX), then back
 *   to the connection (sg_conn_exec_lookup_done) which judges the metadata
 *   with sg_policy_inspect_exec() and either forwards the start request
 *   (which dockerd then hijacks as usual) or answers 403 without dockerd
 *   ever seeing the start.
 *
 * The lookup never blocks the worker: its connect, send and recv are ring
 * ops (SG_OP_L_*) on the connection's upstream slot, with the same upstream
 * epoch rules as the relay's, bounded by the connect timeout and then by
 * the head timeout for the whole exchange. A pooled connection that turns
 * out stale is replaced by one fresh connect, as for a replayable request.
 *
 * The parsing half (request text, response feed) is pure and unit-tested
 * on its own (tests/unit/test_exec_lookup.c). */
#ifndef SG_RING_EXEC_LOOKUP_H
#define SG_RING_EXEC_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/slice.h"
#include "http/response.h"
#include "policy/policy.h"
#include "ring/ud.h"

#define SG_EXEC_LOOKUP_BODY_MAX (64u << 10)	/* GET /exec/{id}/json body; larger -> FAILED */
#define SG_EXEC_LOOKUP_RECV (16u << 10)		/* one recv of the lookup response */

enum sg_exec_lookup_step {
	SG_XL_MORE = 0,		/* feed more bytes */
	SG_XL_DONE,		/* the response ended: outcome is set */
};

struct sg_exec_lookup {
	struct sg_http_resp_parser sp;
	char *body;			/* the 200 response body, de-chunked */
	uint32_t body_len, body_cap;
	bool overflow;			/* the body did not fit in body_cap */
	bool done;
	bool reusable;			/* DONE on a keep-alive response with no stray bytes */
	enum sg_exec_lookup_outcome outcome;

	/* I/O (ring half) */
	char *req;			/* the GET request text */
	uint32_t req_len, req_sent;
	char *rbuf;			/* SG_EXEC_LOOKUP_RECV bytes */
	bool from_pool, retried, got_bytes;
	uint64_t deadline_ns;
};

/* ---- pure ---------------------------------------------------------------- */

/* Write "GET /exec/<id>/json HTTP/1.1" (+ Host, no body) for the canonical
 * path "/exec/<id>/start" into buf; the id is percent-encoded (everything
 * but RFC 3986 unreserved bytes), so dockerd's router decodes back exactly
 * the id the policy saw. Returns the length, 0 if `canon` is not an exec
 * start path or does not fit. */
size_t sg_exec_lookup_request(char *buf, size_t cap, sg_slice canon);

/* Prepare the response side: `body` of `body_cap` bytes receives the body. */
void sg_exec_lookup_init(struct sg_exec_lookup *l, char *body, uint32_t body_cap);

/* Feed response bytes. DONE sets l->outcome: FOUND (200 with a body that
 * fit), NOT_FOUND (404), FAILED (anything else: another status, a body over
 * the cap, an unparseable response, a 1xx-only/101/hijacking answer). */
enum sg_exec_lookup_step sg_exec_lookup_feed(struct sg_exec_lookup *l, const char *p, size_t n);

/* The upstream closed after the fed bytes: DONE always (FAILED unless the
 * response was complete, e.g. an until-close body). */
enum sg_exec_lookup_step sg_exec_lookup_eof(struct sg_exec_lookup *l);

/* ---- ring ------------------------------------------------------------------ */

struct sg_worker;
struct sg_conn;

/* Start the lookup for connection c (state becomes SG_CS_EXEC_LOOKUP;
 * c->ctx->arena must be set). Returns true when it is under way: it ends
 * with a call to sg_conn_exec_lookup_done(). false: it could not start and
 * is over already (c->ctx->xl is NULL or FAILED); the caller goes on. */
bool sg_exec_lookup_begin(struct sg_worker *w, struct sg_conn *c);

/* A completion of one of its ops (SG_OP_L_*), state SG_CS_EXEC_LOOKUP. */
void sg_exec_lookup_on_cqe(struct sg_worker *w, struct sg_conn *c, enum sg_op op, int res);

/* Room sg_exec_lookup_request() needs for a canonical path of this length. */
static inline size_t sg_exec_lookup_request_cap(sg_slice canon) { return 3 * canon.len + 96; }

/* The outcome to hand to sg_policy_inspect_exec() (NULL: FAILED). */
static inline enum sg_exec_lookup_outcome sg_exec_lookup_outcome_of(const struct sg_exec_lookup *l)
{
	return l && l->done ? l->outcome : SG_EXEC_LOOKUP_FAILED;
}

static inline sg_slice sg_exec_lookup_body(const struct sg_exec_lookup *l)
{
	return l ? sg_slice_make(l->body, l->body_len) : SG_SLICE_NULL;
}

/* conn.c: the lookup is over (c->ctx->xl holds the outcome); c->ufd is
 * pooled or dropped already. */
void sg_conn_exec_lookup_done(struct sg_worker *w, struct sg_conn *c);

#endif
