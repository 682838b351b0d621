/* obs/access_event.h — one finished request, as the access and audit logs
 * see it, and the access-log formatter.
 *
 * The data plane fills a struct sg_access_event on the worker when the
 * response is done (every field is a slice into request memory or a small
 * inline value: nothing is copied), then calls sg_access_log() and, when the
 * audit stream is on, sg_audit_log() (obs/audit_event.h). Both format into a
 * per-worker scratch buffer and append the line to that worker's ring; a
 * line that does not fit the buffer or the ring is dropped and counted.
 *
 * Access-log shape (the Go original's slog record, same keys and order):
 *   {"time":...,"level":"INFO","msg":"request","method":"GET","path":"/v1.45/x",
 *    "request_id":"<32 hex>","client_request_id":"...","normalized_path":"/x",
 *    "decision":"allow","rule":3,"profile":"ci","rollout_mode":"warn",
 *    "reason_code":"...","reason":"...","trace_id":"...","trace_parent_id":"...",
 *    "trace_span_id":"...","trace_sampled":true,"status":200,"latency_ms":1.234,
 *    "bytes":512,"client":"@"}
 * Optional keys (client_request_id, profile, rollout_mode, reason_code,
 * reason, trace_parent_id) are omitted when empty, as in the original.
 * msg/level: "request" INFO; "request_denied" WARN; "request_would_deny"
 * WARN in warn mode, INFO in audit mode. Records below log.level are not
 * written. */
#ifndef SG_OBS_ACCESS_EVENT_H
#define SG_OBS_ACCESS_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/slice.h"
#include "obs/log.h"
#include "obs/obuf.h"
#include "obs/rng.h"
#include "obs/trace.h"

struct sg_log_ring;

enum sg_obs_decision {
	SG_OBS_ALLOW = 0,
	SG_OBS_DENY,
	SG_OBS_WOULD_DENY,
	SG_OBS_ERROR,		/* no policy decision and status >= 400 (metrics only) */
	SG_OBS_DECISION_COUNT
};

enum sg_obs_mode { SG_OBS_ENFORCE = 0, SG_OBS_WARN, SG_OBS_AUDIT, SG_OBS_MODE_COUNT };

const char *sg_obs_decision_name(enum sg_obs_decision d);	/* "allow", ... */
const char *sg_obs_mode_name(enum sg_obs_mode m);		/* "enforce", ... */

/* Header that carries request IDs both ways (Go: X-Request-Id). The
 * caller's value is preserved as client_request_id; the proxy replaces it
 * with the canonical ID upstream and in the response. */
#define SG_REQUEST_ID_HEADER "X-Request-Id"

struct sg_access_event {
	int64_t time_ns;		/* completion time, CLOCK_REALTIME ns; 0 = now */
	sg_slice method;
	sg_slice raw_path;		/* as received (version prefix, %-encoding kept) */
	sg_slice normalized_path;	/* canonical policy path */
	enum sg_obs_decision decision;
	enum sg_obs_mode mode;		/* the profile's rollout mode */
	int32_t rule;			/* matched rule index, -1 when none */
	const char *reason_code;	/* e.g. sg_reason_code(v.reason); NULL/"" omitted */
	sg_slice reason;		/* human reason; empty omitted */
	sg_slice profile;		/* selected profile; empty omitted */
	uint16_t status;
	uint64_t latency_ns;
	uint64_t bytes;			/* response body bytes sent to the client */
	char request_id[SG_REQUEST_ID_LEN];	/* canonical, sg_request_id_new() */
	sg_slice client_request_id;	/* caller's X-Request-Id, empty if none */
	const struct sg_trace_ctx *trace;	/* NULL: trace fields omitted */
	/* caller identity and transport (audit: actor_* / transport_*) */
	sg_slice remote_addr;		/* "ip:port", "[v6]:port", or "@" for unix */
	bool unix_listener;		/* transport_listener unix | tcp */
	bool tls;			/* transport_scheme https | http */
	sg_slice protocol;		/* "HTTP/1.1" */
	sg_slice listener_name;		/* operator listener name; empty omitted */
};

/* Render the peer address the way Go's net/http fills RemoteAddr:
 * "203.0.113.7:51234", "[2001:db8::1]:443", "@" for unix peers. Returns the
 * length (no NUL counted); out must hold at least 64 bytes. */
size_t sg_obs_format_remote(const struct sockaddr_storage *ss, bool is_unix, char *out, size_t cap);

/* Level and message the original uses for this event. */
enum sg_log_level sg_access_level(const struct sg_access_event *e, const char **msg);

/* The attribute runs shared with other request-scoped records (throttle):
 * correlation = method .. trace_sampled; completion = status .. client. */
void sg_access_correlation_attrs(struct sg_obuf *b, enum sg_log_format f, const struct sg_access_event *e);
void sg_access_completion_attrs(struct sg_obuf *b, enum sg_log_format f, const struct sg_access_event *e);

/* Format one access-log line (with its '\n') into buf. Returns the length,
 * or 0 when the record is below the log level or does not fit. */
size_t sg_access_format(const struct sg_access_event *e, enum sg_log_format f, char *buf, size_t cap);

/* Format with the operational logger's level/format and append to the
 * worker's ring. `scratch` is a per-worker buffer (e.g. 64 KiB) reserved at
 * start-up. Returns false when dropped (counted in the ring). */
bool sg_access_log(struct sg_log_ring *ring, const struct sg_access_event *e, char *scratch, size_t cap);

#endif
