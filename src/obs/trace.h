/* obs/trace.h — W3C trace context: parse, continue, format.
 *
 * The proxy participates in trace propagation without exporting spans, as
 * the Go original does:
 *   - a valid incoming `traceparent` keeps its trace-id and flags; its
 *     parent-id is recorded as trace_parent_id; the forwarded header carries
 *     a fresh proxy-local span-id (trace_span_id);
 *   - an absent or invalid one starts a fresh local trace (new trace-id and
 *     span-id, flags 00, no parent) and the incoming `tracestate` is dropped.
 * Validity is the Go original's strict reading: exactly 55 bytes, version
 * "00", '-' separators, lowercase hex only, trace-id and parent-id not all
 * zero. Uppercase hex, version ff or any other version, extra fields and
 * wrong lengths are invalid. */
#ifndef SG_OBS_TRACE_H
#define SG_OBS_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/slice.h"
#include "obs/rng.h"

#define SG_TRACEPARENT_LEN 55

struct sg_trace_ctx {
	char trace_id[32];		/* lowercase hex, no NUL */
	char parent_id[16];		/* valid only when has_parent */
	char span_id[16];		/* proxy-local span, always set */
	char flags[2];			/* as received, or "00" for a fresh trace */
	bool has_parent;		/* the incoming traceparent was valid */
};

/* Strict validation (see above). On success the components point into v. */
bool sg_traceparent_parse(sg_slice v, sg_slice *trace_id, sg_slice *parent_id, sg_slice *flags);

/* Start the proxy's view of a request's trace. `incoming` is the first
 * traceparent header value, or an empty slice when there is none. */
void sg_trace_begin(struct sg_trace_ctx *t, struct sg_rng *rng, sg_slice incoming);

/* Forward the incoming tracestate only when this is true. */
static inline bool sg_trace_keep_tracestate(const struct sg_trace_ctx *t) { return t->has_parent; }

/* Bit 0 of the flags byte. */
bool sg_trace_sampled(const struct sg_trace_ctx *t);

/* The traceparent sent upstream (and echoed to the client):
 * "00-<trace_id>-<span_id>-<flags>", exactly 55 bytes, no NUL. */
void sg_trace_format(const struct sg_trace_ctx *t, char out[SG_TRACEPARENT_LEN]);

#endif
