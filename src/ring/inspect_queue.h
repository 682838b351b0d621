/* ring/inspect_queue.h — a worker's inspect arenas and the requests waiting
 * for one.
 *
 * Two classes (sizes in ring/server.h): small arenas for JSON bodies, big
 * ones for tar bodies. A request whose body must be inspected takes an
 * arena of its class; when none is free the connection is queued FIFO on
 * that class (an intrusive list through struct sg_conn, no allocation) and
 * resumed when an arena comes back. A queued request is answered 503 and
 * closed once it has waited head_timeout_ms. Everything here runs on the
 * worker's own thread. */
#ifndef SG_RING_INSPECT_QUEUE_H
#define SG_RING_INSPECT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

struct sg_worker;
struct sg_conn;

enum sg_inspect_class {
	SG_INSPECT_SMALL = 0,	/* body limit <= SG_INSPECT_SMALL_BODY_MAX */
	SG_INSPECT_BIG,
	SG_INSPECT_CLASSES
};

struct sg_inspect_pool {
	struct sg_arena *arenas;	/* n arenas, one mmap with the free stack */
	struct sg_arena **free;
	unsigned n, nfree;
	size_t body_max;		/* largest body this class buffers */
	size_t scratch;			/* what its inspectors may allocate beyond the body */
	struct sg_conn *q_head, *q_tail;	/* waiting connections, oldest first */
	unsigned nqueued;
};

/* Create / free both pools (worker start-up and exit). 0 or -errno. */
int sg_inspect_pools_init(struct sg_worker *w);
void sg_inspect_pools_destroy(struct sg_worker *w);

/* The class a body limit needs. */
enum sg_inspect_class sg_inspect_class_of(uint64_t body_limit);

/* An arena of c's class for conn c, or NULL: then c is queued and will be
 * handed one by sg_inspect_queue_run() (sg_conn_inspect_resume()). */
struct sg_arena *sg_inspect_arena_get(struct sg_worker *w, struct sg_conn *c, enum sg_inspect_class k);
/* Give an arena back (reset; pages past its keep returned to the kernel). */
void sg_inspect_arena_put(struct sg_worker *w, struct sg_arena *a);
/* Scratch bytes the arena's class reserves for its inspector. */
size_t sg_inspect_arena_scratch(const struct sg_worker *w, const struct sg_arena *a);

/* Take a queued connection off its queue (it closed). No-op if not queued. */
void sg_inspect_queue_unlink(struct sg_worker *w, struct sg_conn *c);

/* After each batch of completions: hand free arenas to waiting connections
 * (oldest first) and expire those that waited past their deadline. */
void sg_inspect_queue_run(struct sg_worker *w, uint64_t now_ns);

/* Connections queued in all classes. */
unsigned sg_inspect_queued(const struct sg_worker *w);

#endif
