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

/* Two classes of inspect arenas (ring/inspect_queue.c). A body whose
 * limit fits the small class (JSON: container create, exec, volumes...,
 * at most 1 MiB) takes a small arena; tar bodies (build context, archive
 * PUT, image load, plugin create, up to 64 MiB) a big one. Each arena is
 * the body limit plus the scratch its inspector decodes into (body copy
 * with padding, unescaped strings, tar names). All of it is virtual and
 * touched lazily; pages past SG_INSPECT_KEEP_BYTES go back to the kernel
 * when a request ends. */
#define SG_INSPECT_SMALL_BODY_MAX (1u << 20)
#define SG_INSPECT_SMALL_SCRATCH (3u << 20)
#define SG_INSPECT_BIG_BODY_MAX (64u << 20)
#define SG_INSPECT_BIG_SCRATCH (16u << 20)
#define SG_INSPECT_KEEP_BYTES (64u << 10)

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
	unsigned inspect_slots_per_worker; /* small (JSON) inspect arenas per worker, default 64 */
	unsigned inspect_big_slots_per_worker; /* big (tar) inspect arenas per worker, default 8.
					 * A request that finds none free waits (FIFO) up to
					 * head_timeout_ms, then 503. */
	const char *spool_dir;		/* tar bodies spooled while inspected (O_TMPFILE here, else
					 * memfd): SOCKGUARD_SPOOL_DIR, else TMPDIR, else /var/tmp */
	bool quiet;			/* no "listening" line */
	const struct sg_obs_plane *obs;	/* logs, metrics, /health; NULL: off */
};

/* Fill defaults for every zero/NULL field that has one. */
void sg_server_opts_defaults(struct sg_server_opts *o);

/* Run until SIGTERM/SIGINT. Returns 0 on a clean shutdown, 1 when the
 * listeners or workers could not be started (a message went to stderr). */
int sg_server_run(const struct sg_server_opts *opts);

#endif
