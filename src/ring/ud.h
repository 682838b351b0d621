/* ring/ud.h — what a completion carries in user_data.
 *
 *   63..58 op   57..56 upstream epoch   55..32 conn slot   31..0 slot generation
 *
 * A CQE whose generation differs from the slot's current one belongs to a
 * connection that was closed and whose slot was reused: it is dropped. The
 * upstream epoch does the same for an upstream socket that was replaced
 * (retry after a stale pooled connection) within one client connection. */
#ifndef SG_RING_UD_H
#define SG_RING_UD_H

#include <stdint.h>

enum sg_op {
	SG_OP_NONE = 0,
	SG_OP_ACCEPT,		/* slot = listener index */
	SG_OP_C_POLL,		/* idle keep-alive: wait for the next request's first byte */
	SG_OP_C_RECV,
	SG_OP_C_SEND,
	SG_OP_C_SHUTDOWN,	/* shutdown(client, SHUT_WR) in a hijack */
	SG_OP_U_CONNECT,
	SG_OP_U_RECV,
	SG_OP_U_SEND,
	SG_OP_U_SHUTDOWN,	/* shutdown(upstream, SHUT_WR) in a hijack */
	SG_OP_TIMEOUT,		/* a linked timeout's own completion */
	SG_OP_CANCEL,
	SG_OP_C_WATCH,		/* POLLRDHUP on the client while a response is awaited */
	SG_OP_C_UNWATCH,	/* poll_remove of that watch */
	SG_OP_L_CONNECT,	/* exec-start lookup (ring/exec_lookup.c) on the upstream slot */
	SG_OP_L_SEND,
	SG_OP_L_RECV,
	SG_OP_SPLICE_WAIT_UP,	/* a splice (client -> upstream) would block: poll, then retry */
	SG_OP_SPLICE_WAIT_DN,	/* the same for upstream -> client */
	SG_OP_C_SEND_LINKED,	/* a send linked to the next recv: completes only if it failed (conn.c) */
	SG_OP_U_SEND_LINKED,
};

static inline uint64_t sg_ud_make(enum sg_op op, uint32_t uepoch, uint32_t slot, uint32_t gen)
{
	return ((uint64_t)op << 58) | ((uint64_t)(uepoch & 3u) << 56) | ((uint64_t)(slot & 0xffffffu) << 32) | gen;
}
static inline enum sg_op sg_ud_op(uint64_t ud) { return (enum sg_op)(ud >> 58); }
static inline uint32_t sg_ud_uepoch(uint64_t ud) { return (uint32_t)(ud >> 56) & 3u; }
static inline uint32_t sg_ud_slot(uint64_t ud) { return (uint32_t)(ud >> 32) & 0xffffffu; }
static inline uint32_t sg_ud_gen(uint64_t ud) { return (uint32_t)ud; }

#endif
