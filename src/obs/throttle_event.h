/* obs/throttle_event.h — sampled log records for rate-limit / concurrency
 * denials.
 *
 * The Prometheus throttle counter fires on every denial; the log record is
 * sampled to the first occurrence of each (client, reason) pair per second
 * so an attack cannot blow out the log volume. The record is the Go
 * original's slog shape: INFO "throttle" with one attribute group:
 *   {"time":...,"level":"INFO","msg":"throttle","throttle":{<correlation
 *    attributes of the request>,"client_id":"ci","reason":"concurrency_cap",
 *    "path":"/containers/json","current_inflight":4,"max_inflight":4}}
 * (text: throttle.method=GET ... throttle.client_id=ci ...). It goes to
 * the worker's access ring (same sink as the operational log).
 *
 * The sampler is per worker (no shared state): with N workers a pair can
 * log at most N records per second. */
#ifndef SG_OBS_THROTTLE_EVENT_H
#define SG_OBS_THROTTLE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obs/access_event.h"

struct sg_log_ring;

#define SG_THROTTLE_SAMPLER_SLOTS 256
#define SG_THROTTLE_MAX_EXTRAS 4

struct sg_throttle_sampler {
	struct {
		uint64_t hash;
		int64_t second;
	} slot[SG_THROTTLE_SAMPLER_SLOTS];
};

/* True for the first (client, reason) occurrence in the second `now_sec`.
 * A hash collision can suppress or admit one extra record; never blocks. */
bool sg_throttle_should_emit(struct sg_throttle_sampler *s, sg_slice client_id, const char *reason,
			     int64_t now_sec);

struct sg_throttle_event {
	const struct sg_access_event *req;	/* correlation fields of the request */
	sg_slice client_id;			/* the throttle key (profile / client) */
	const char *reason;			/* rate_limit_exceeded | concurrency_cap | priority_floor */
	const char *priority;			/* priority_floor: "low|normal|high", else NULL */
	struct { const char *key; int64_t value; } extra[SG_THROTTLE_MAX_EXTRAS];
	unsigned nextra;	/* e.g. current_inflight, max_inflight, cost,
				 * current_global_inflight, priority_threshold,
				 * global_max_inflight */
};

size_t sg_throttle_format(const struct sg_throttle_event *t, enum sg_log_format f, int64_t now_ns,
			  char *buf, size_t cap);

/* Sample, format with the operational format, append to the ring. Returns
 * true when a line was queued. */
bool sg_throttle_log(struct sg_log_ring *ring, struct sg_throttle_sampler *s,
		     const struct sg_throttle_event *t, char *scratch, size_t cap);

#endif
