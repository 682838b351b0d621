/* obs/health.h — the /health endpoint body, answered from shared state.
 *
 * The upstream state is one atomic word written by whoever probes the
 * socket (the watchdog thread, obs/watchdog.h) and read by workers when a
 * client asks for /health: answering never dials, blocks or locks.
 * Body shape (the Go original's HealthResponse, JSON + '\n'):
 *   200 {"status":"healthy","upstream":"connected","version":"0.1.0","uptime_seconds":42}
 *   503 {"status":"unhealthy","upstream":"unreachable",
 *        "error":"dial unix /var/run/docker.sock: connect: no such file or directory",
 *        "version":"0.1.0","uptime_seconds":42}
 * Before the first probe the state is "unknown" and the answer is 503. */
#ifndef SG_OBS_HEALTH_H
#define SG_OBS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sg_upstream_state { SG_UPSTREAM_UNKNOWN = 0, SG_UPSTREAM_CONNECTED, SG_UPSTREAM_UNREACHABLE };

/* What went wrong, packed with the state into one word so readers see a
 * consistent pair: low 8 bits state, next 8 bits error kind, high 32 bits
 * the errno or HTTP status. */
enum sg_health_err {
	SG_HEALTH_ERR_NONE = 0,
	SG_HEALTH_ERR_CONNECT,		/* connect(): errno */
	SG_HEALTH_ERR_TIMEOUT,		/* no answer within the timeout */
	SG_HEALTH_ERR_IO,		/* send/recv failed: errno */
	SG_HEALTH_ERR_STATUS,		/* /_ping answered with a non-2xx status */
	SG_HEALTH_ERR_PROTOCOL,		/* not an HTTP response */
};

struct sg_health {
	uint64_t word;			/* atomic: state | err << 8 | code << 32 */
	int64_t start_ns;		/* CLOCK_REALTIME at start-up */
	const char *version;		/* SG_VERSION */
	const char *upstream_socket;	/* for the error sentence */
};

void sg_health_init(struct sg_health *h, const char *version, const char *upstream_socket, int64_t start_ns);
/* Writer (watchdog): publish a probe result. Returns the previous state. */
enum sg_upstream_state sg_health_set(struct sg_health *h, enum sg_upstream_state s,
				     enum sg_health_err err, int code);
enum sg_upstream_state sg_health_state(const struct sg_health *h);

/* The error sentence for the current state (Go net.Dial style, lowercase
 * errno text), "" when healthy. Returns its length. */
size_t sg_health_error(const struct sg_health *h, char *buf, size_t cap);

/* Render the /health body; *status gets 200 or 503. Returns the body length
 * (0 if cap is too small). */
size_t sg_health_render(const struct sg_health *h, int64_t now_ns, char *buf, size_t cap, uint16_t *status);

#endif
