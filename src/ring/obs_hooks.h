/* ring/obs_hooks.h — the data plane's side of observability.
 *
 * The worker calls three hooks per request (all on its own thread, no lock,
 * no syscall, no heap):
 *   sg_ring_obs_begin()   head parsed: request ID, trace context, active gauge;
 *   sg_ring_obs_local()   /health and /metrics, answered by the worker;
 *   sg_ring_obs_end()     request over (forwarded, denied, answered locally,
 *                         4xx, 502, hijacked): access line, audit event,
 *                         metrics. Idempotent: only the first call counts.
 * Everything the app decides at start-up travels in struct sg_obs_plane
 * (this header stays free of obs/ and policy/ config types, so app/ can
 * fill it next to the configuration). */
#ifndef SG_RING_OBS_HOOKS_H
#define SG_RING_OBS_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_OBS_PLANE_MAX_PROFILES 64

struct sg_obs;
struct sg_worker;
struct sg_conn;

struct sg_obs_plane {
	struct sg_obs *obs;		/* NULL: observability off (tests, benchmarks) */
	const char *health_path;	/* NULL: /health not served */
	const char *metrics_path;	/* NULL: /metrics not served */
	unsigned nprofiles;		/* clients.profiles, in configuration order */
	uint8_t profile_mode[SG_OBS_PLANE_MAX_PROFILES];	/* 0 enforce, 1 warn, 2 audit */
	uint8_t profile_metric[SG_OBS_PLANE_MAX_PROFILES];	/* sg_metrics_profile_id() */
};

/* The first bytes of a forwarded response (ctx->ubuf[u_off..u_off+used),
 * beginning with the status line) are about to be relayed: insert
 * "X-Request-Id: <canonical>" after the status line, as the original sets it
 * on every response. Skipped for interim 1xx answers (101 excepted) and
 * when ubuf has no room. Returns the new length to relay. */
uint32_t sg_ring_obs_response_id(struct sg_conn *c, uint32_t used);

/* Local endpoints (ring/local_endpoints.c). */
enum sg_local_endpoint { SG_LOCAL_NONE = 0, SG_LOCAL_HEALTH, SG_LOCAL_METRICS };

void sg_ring_obs_begin(struct sg_worker *w, struct sg_conn *c);
void sg_ring_obs_end(struct sg_worker *w, struct sg_conn *c);

/* Which local endpoint the parsed request names (GET or HEAD on the exact
 * configured path), if any. */
enum sg_local_endpoint sg_ring_local_endpoint(const struct sg_worker *w, const struct sg_conn *c);
/* Build the complete response for endpoint e into the context's ubuf.
 * Returns its start (inside ubuf) and sets *len and the recorded status. */
const char *sg_ring_local_response(struct sg_worker *w, struct sg_conn *c, enum sg_local_endpoint e,
				   uint32_t *len);

#endif
