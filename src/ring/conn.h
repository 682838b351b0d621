/* ring/conn.h — one client connection and its state machine.
 *
 * An idle keep-alive connection is just struct sg_conn (a few hundred
 * bytes): it holds no buffer and waits on a POLLIN. When bytes arrive it
 * takes a struct sg_reqctx (buffers, parsers, request table) from the
 * worker's free list and gives it back when the request is over. */
#ifndef SG_RING_CONN_H
#define SG_RING_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/time_types.h>

#include "http/request.h"
#include "http/response.h"
#include "obs/obs.h"
#include "policy/path.h"
#include "policy/policy.h"
#include "ring/tar_spool.h"
#include "ring/ud.h"

struct sg_worker;
struct sg_exec_lookup;

enum sg_conn_state {
	SG_CS_FREE = 0,		/* slot unused */
	SG_CS_IDLE,		/* keep-alive: POLLIN armed with the idle timeout; no ctx */
	SG_CS_READ_HEAD,	/* reading a head into ctx->cbuf; head deadline armed */
	SG_CS_INSPECT_WAIT,	/* head read, queued for a free inspect arena (ring/inspect_queue.c) */
	SG_CS_INSPECT_BODY,	/* buffering the body into an arena for the inspector */
	SG_CS_EXEC_LOOKUP,	/* body buffered; asking dockerd GET /exec/{id}/json (ring/exec_lookup.c) */
	SG_CS_CONNECT_UP,	/* connecting to the upstream socket (connect timeout) */
	SG_CS_FORWARD,		/* head sent upstream; request body up, response down */
	SG_CS_HIJACK,		/* raw bidirectional pump after 101 / raw-stream */
	SG_CS_RESPOND,		/* sending a proxy-made response (deny, 4xx, 502) */
	SG_CS_DISCARD_BODY,	/* after a deny: reading the refused body to its end (framed, bounded) */
	SG_CS_DRAIN,		/* lingering close: our write side shut, discarding input briefly */
	SG_CS_CLOSING,		/* sockets shut; waiting for in-flight ops before free */
};

const char *sg_conn_state_to_str(enum sg_conn_state s);

#define SG_CBUF_SIZE (SG_HTTP_MAX_HEAD + 65536u)	/* head + body window */
#define SG_UBUF_SIZE 131072u				/* response relay */
#define SG_SBUF_SIZE (SG_HTTP_MAX_HEAD + 4096u)		/* serialized head / own responses */
#define SG_DISCARD_MAX (1u << 20)	/* denied body read and dropped to keep the connection; more: close */

/* Per-request state; lives only while a request is active. */
struct sg_reqctx {
	struct sg_reqctx *next_free;

	/* client -> upstream */
	uint32_t head_len;		/* bytes of cbuf holding the parsed head */
	uint32_t c_off, c_len;		/* unsent/unparsed body bytes: cbuf[c_off..c_len) */
	uint32_t c_sending;		/* bytes of cbuf[c_off..] in the current upstream send */
	size_t head_scanned;
	uint64_t head_deadline_ns;
	bool up_done;			/* request fully sent upstream (or raw side closed) */
	bool head_sent;

	/* upstream -> client */
	uint32_t u_off, u_len;		/* ubuf[u_off..u_len) not yet relayed */
	uint32_t u_sending;
	enum sg_resp_event down_ev;	/* what the bytes being sent end with */
	bool down_done;
	bool resp_started;		/* a response byte went to the client */
	bool raw;			/* hijacked: no parsing either way */

	/* decisions */
	bool close_after;		/* close the client when this request is over */
	bool upstream_reusable;
	bool replayable;		/* head (+ arena body) can be resent on a fresh upstream */
	bool retried;
	bool sending_continue;		/* the client send in flight is our "100 Continue" */
	bool inspected;
	bool head_method;		/* the parsed request is HEAD: our responses carry no body */
	bool discard_body;		/* denied at the head: the body is read and dropped, keep-alive */
	struct sg_verdict verdict;
	struct sg_request_view view;
	sg_slice canon, upath;

	/* inspected body */
	struct sg_arena *arena;
	char *body;
	uint32_t body_len, body_cap;
	struct sg_exec_lookup *xl;	/* exec-start lookup state, in the arena; NULL if none */
	struct sg_tar_spool spool;	/* tar body spooled while inspected (ring/tar_spool.h); closed at request end */

	/* pending sends: what, where */
	const char *c_out; uint32_t c_out_len;	/* to the client */
	const char *u_out; uint32_t u_out_len;	/* to upstream */
	uint32_t sbuf_head_len;			/* serialized head length in sbuf */
	uint32_t drained;			/* DRAIN: bytes discarded so far */
	uint32_t up_piped, dn_piped;		/* HIJACK / spliced body: bytes sitting in each pipe */
	bool up_splice, dn_splice;		/* FORWARD: the body is being spliced (ring/splice_body.h) */
	uint64_t up_left, dn_left;		/* body bytes still to splice (dn: UINT64_MAX = until close) */
	struct {				/* [0] request, [1] response: a chunked body spliced a chunk at a time */
		bool on;			/* up_left / dn_left count one chunk (and its peeked header) */
		uint32_t ahead;			/* of that: bytes the parser already saw in a peek */
	} chunk[2];

	/* observability (ring/obs_hooks.c) */
	bool obs_active;			/* begun, not yet ended */
	bool decided;				/* x->verdict holds a policy decision */
	uint16_t obs_status;			/* status of a proxy-made response; 0 = upstream's */
	uint8_t obs_reason;			/* enum sg_reason override (4xx/502 without a verdict) */
	uint64_t obs_bytes;			/* bytes sent to the client */
	struct sg_obs_request obs;

	/* not cleared between requests (ctx_reset stops here) */
	struct sg_http_req_parser rp;
	struct sg_http_resp_parser sp;
	_Alignas(16) char head_scratch[SG_POLICY_HEAD_SCRATCH];	/* query-only inspectors' verdict text */
	struct sg_http_request req;
	char pathbuf[SG_PATH_MAX + 1 + SG_PATH_UPSTREAM_MAX];	/* canonical + upstream path */
	char cbuf[SG_CBUF_SIZE];
	char ubuf[SG_UBUF_SIZE];
	char sbuf[SG_SBUF_SIZE];
};

struct sg_conn {
	uint32_t gen;
	uint32_t slot;
	enum sg_conn_state state;
	int cfd, ufd;
	uint8_t uepoch;
	bool ufd_from_pool;
	uint16_t inflight;		/* SQEs whose CQE has not come back */
	uint16_t ntimeouts;		/* of which linked timeouts */
	bool c_recv_pending, c_send_pending, u_recv_pending, u_send_pending;
	bool c_eof, u_eof;		/* hijack half-close bookkeeping */
	bool watch_pending;		/* a C_WATCH poll is armed (touches no buffer) */
	bool c_out_splice, u_out_splice;	/* the C_SEND / U_SEND in flight is a splice from a pipe */
	bool c_send_linked;		/* a response send linked to the next head's recv may be in flight */
	bool c_linked_timeout;		/* ... and that recv has a linked timeout */
	bool queued;			/* on an inspect queue (INSPECT_WAIT) */
	uint8_t q_class;		/* enum sg_inspect_class of that queue */
	bool cfd_nonblock;		/* O_NONBLOCK set (for synchronous splice) */
	struct sg_splice_wait {		/* [0] up, [1] down: the splice op being tried */
		int in, out;
		uint32_t n;
		uint8_t op, uepoch;
	} spl[2];
	int pipe_up[2], pipe_dn[2];	/* splice pipes (client->upstream, upstream->client), -1 if none;
					 * taken for a spliced body or hijack, back to the worker's pool
					 * when the request is over */
	struct sg_reqctx *ctx;
	struct sg_conn *next_free;
	struct sg_conn *q_next, *q_prev;	/* inspect queue links */
	uint64_t q_deadline_ns;		/* queued: answered 503 after this */
	struct __kernel_timespec c_ts, u_ts;	/* linked timeouts read these at submit */
	struct sg_client_identity id;
};

/* A connection was accepted on listener `lidx`. Takes ownership of fd. */
void sg_conn_accepted(struct sg_worker *w, int fd, unsigned lidx);

/* One completion for connection c (generation already checked). */
void sg_conn_on_cqe(struct sg_worker *w, struct sg_conn *c, enum sg_op op, uint32_t uepoch, int res);

/* A queued connection (INSPECT_WAIT) got arena a / waited too long (503). */
void sg_conn_inspect_resume(struct sg_worker *w, struct sg_conn *c, struct sg_arena *a);
void sg_conn_inspect_expired(struct sg_worker *w, struct sg_conn *c);

/* Graceful shutdown: close if idle, otherwise close when the request ends. */
void sg_conn_drain(struct sg_worker *w, struct sg_conn *c);
/* Hard stop (drain deadline passed). */
void sg_conn_abort(struct sg_worker *w, struct sg_conn *c);

#endif
