/* ring/upstream_pool.c — per-worker stack of idle keep-alive connections to
 * the upstream docker socket. A connection enters only after its response
 * was read to the end of its framing; the newest is reused first (warmest).
 * A stale one (dockerd closed it) is detected by the first send/recv and the
 * request is replayed once on a fresh connection when that is safe. */
#include <unistd.h>

#include "ring/worker.h"

int sg_upstream_pool_get(struct sg_worker *w)
{
	if (w->n_up_idle == 0)
		return -1;
	return w->up_idle[--w->n_up_idle];
}

void sg_upstream_pool_put(struct sg_worker *w, int fd)
{
	if (w->draining || w->n_up_idle >= w->opts->upstream_pool_per_worker) {
		close(fd);
		return;
	}
	w->up_idle[w->n_up_idle++] = fd;
}

void sg_upstream_pool_clear(struct sg_worker *w)
{
	while (w->n_up_idle > 0)
		close(w->up_idle[--w->n_up_idle]);
}
