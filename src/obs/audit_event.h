/* obs/audit_event.h — the dedicated audit stream (log.audit.*).
 *
 * One JSON object per line with the Go original's stable schema, every key
 * always present (empty string / false / 0 when unknown) except the two the
 * original marks omitempty (rollout_mode, listener_name):
 *   {"event_type":"http_request","timestamp":"<RFC3339Nano UTC>",
 *    "request_id":"...","client_request_id":"...","trace_id":"...",
 *    "trace_parent_id":"...","trace_span_id":"...","trace_sampled":false,
 *    "method":"GET","raw_path":"...","normalized_path":"...","decision":"deny",
 *    "reason_code":"...","reason":"...","matched_rule":2,"selected_profile":"ci",
 *    "rollout_mode":"warn","status":403,"actor_remote_addr":"10.0.0.5:5123",
 *    "actor_source_ip":"10.0.0.5","transport_listener":"tcp",
 *    "transport_scheme":"https","transport_protocol":"HTTP/1.1",
 *    "listener_name":"default",
 *    "ownership":{"enabled":true,"owner":"ci-job-123","label_key":"com.sockguard.owner"}}
 * Audit records are not filtered by log.level. The only accepted format is
 * json (as in the original). */
#ifndef SG_OBS_AUDIT_EVENT_H
#define SG_OBS_AUDIT_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "obs/access_event.h"

struct sg_log_ring;

/* Run-time configuration stamped on every event (ownership.*). */
struct sg_audit_options {
	const char *owner;		/* ownership.owner, NULL/"" = ownership off */
	const char *label_key;		/* ownership.label_key */
};

/* Host part of a Go RemoteAddr ("1.2.3.4:5" -> "1.2.3.4", "[::1]:5" -> "::1",
 * "@" -> empty), as net.SplitHostPort yields it. */
sg_slice sg_audit_source_ip(sg_slice remote_addr);

/* Format one audit line (with '\n'). Returns the length, 0 if it does not fit. */
size_t sg_audit_format(const struct sg_access_event *e, const struct sg_audit_options *o,
		       char *buf, size_t cap);

/* Format into `scratch` and append to the worker's audit ring. */
bool sg_audit_log(struct sg_log_ring *ring, const struct sg_access_event *e,
		  const struct sg_audit_options *o, char *scratch, size_t cap);

#endif
