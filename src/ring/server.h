/* ring/server.h — the data plane's entry point.
 *
 * sg_server_run() creates the listeners, starts one worker thread per core
 * (each with its own io_uring, connection pool, buffers and upstream
 * keep-alive pool), and blocks until SIGTERM/SIGINT. It then stops
 * accepting, lets in-flight requests finish (bounded by drain_timeout_ms),
 * removes the unix socket file and returns 0. The policy is whatever is
 * published in policy/publish.h; the caller publishes one before calling. */
#ifndef SG_RING_SERVER_H
#define SG_RING_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/obs_hooks.h"

/* Arena bytes an inspector keeps for its own decoding (JSON DOM, query
 * unescaping, tar names) beyond the buffered body itself. */
#define SG_INSPECT_SCRATCH_BYTES (16u << 20)

struct sg_server_opts {
	const char *listen_socket;	/* unix listener path, or NULL */
	unsigned listen_socket_mode;	/* default 0600 */
	const char *listen_address;	/* "host:port" TCP listener, or NULL */
	bool allow_insecure_tcp;	/* non-loopback TCP acknowledged (config validated the acks) */
	const char *upstream_socket;	/* default /var/run/docker.sock */
	unsigned workers;		/* 0: online CPUs */
	unsigned max_conns_per_worker;	/* default 16384; full: new connections are closed */
	unsigned max_active_per_worker;	/* requests in progress (buffers held), default 1024 */
	unsigned upstream_pool_per_worker; /* idle keep-alive upstream conns kept, default 64 */
	unsigned head_timeout_ms;	/* whole request head, default 10000 */
	unsigned idle_timeout_ms;	/* keep-alive idle, default 120000 */
	unsigned connect_timeout_ms;	/* upstream connect, default 5000 */
	unsigned drain_timeout_ms;	/* graceful shutdown bound, default 10000 */
	uint32_t inspect_arena_bytes;	/* per in-flight inspected body: the largest body limit
					 * (64 MiB tar) + SG_INSPECT_SCRATCH_BYTES; virtual, touched lazily */
	unsigned inspect_slots_per_worker; /* concurrent inspected bodies per worker, default 64; beyond: 503 */
	bool quiet;			/* no "listening" line */
	const struct sg_obs_plane *obs;	/* logs, metrics, /health; NULL: off */
};

/* Fill defaults for every zero/NULL field that has one. */
void sg_server_opts_defaults(struct sg_server_opts *o);

/* Run until SIGTERM/SIGINT. Returns 0 on a clean shutdown, 1 when the
 * listeners or workers could not be started (a message went to stderr). */
int sg_server_run(const struct sg_server_opts *opts);

#endif
