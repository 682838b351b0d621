/* obs/obs.h — the observability facade the app and the data plane call.
 *
 * Start-up (app/, control thread):
 *   struct sg_obs_config c = { ...from log.*, health.*, metrics.*, ownership.* };
 *   sg_obs_init(&obs, &c, err, sizeof err);     // sinks, rings, metrics, health
 *   sg_obs_start(&obs);                          // writer thread (+ watchdog)
 *   ... workers run, each with sg_obs_worker(&obs, i) ...
 *   sg_obs_stop(&obs); sg_obs_destroy(&obs);     // flushes every ring
 *
 * Per request, on worker i (no lock, no syscall, no heap):
 *   struct sg_obs_worker *ow = sg_obs_worker(&obs, i);
 *   struct sg_obs_request rq;
 *   sg_obs_request_begin(ow, &rq, traceparent_header_value_or_empty);
 *     -> rq.request_id (32 hex) for X-Request-Id upstream and downstream,
 *        rq.trace + sg_trace_format() for the forwarded traceparent,
 *        sg_trace_keep_tracestate(&rq.trace) to forward tracestate or not
 *   ... decide, forward, respond ...
 *   fill a struct sg_access_event (copy rq.request_id, point .trace at rq.trace)
 *   and a struct sg_metrics_obs, then
 *   sg_obs_request_end(ow, &rq, &event, &mobs);  // access + audit + metrics
 *   (a throttle gate that denies also calls sg_obs_throttle())
 *
 * /health and /metrics are answered from sg_health_render(&obs.health, ...)
 * and sg_metrics_render(&obs.metrics, ...). */
#ifndef SG_OBS_OBS_H
#define SG_OBS_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obs/access_event.h"
#include "obs/audit_event.h"
#include "obs/health.h"
#include "obs/log.h"
#include "obs/log_ring.h"
#include "obs/log_sink.h"
#include "obs/log_writer.h"
#include "obs/metrics.h"
#include "obs/metrics_route.h"
#include "obs/rng.h"
#include "obs/throttle_event.h"
#include "obs/trace.h"
#include "obs/watchdog.h"

#define SG_OBS_SCRATCH_CAP (64u * 1024u)	/* per worker, one formatted line */

struct sg_obs_config {
	const char *log_level;		/* log.level: debug|info|warn|error */
	const char *log_format;		/* log.format: json|text */
	const char *log_output;		/* log.output: stderr|stdout|file:/abs */
	bool access_log;		/* log.access_log */
	bool audit_enabled;		/* log.audit.enabled */
	const char *audit_format;	/* log.audit.format: json only */
	const char *audit_output;	/* log.audit.output */
	const char *ownership_owner;	/* ownership.owner */
	const char *ownership_label_key;/* ownership.label_key */
	bool health_enabled;		/* health.enabled */
	bool watchdog_enabled;		/* health.watchdog.enabled */
	unsigned watchdog_interval_ms;	/* health.watchdog.interval */
	const char *upstream_socket;	/* upstream.socket */
	unsigned nworkers;
	size_t ring_cap;		/* per worker per stream; 0 -> 256 KiB */
	struct sg_build_info build;
};

struct sg_obs_worker {
	unsigned index;
	struct sg_rng rng;
	struct sg_log_ring access;	/* access lines + throttle records */
	struct sg_log_ring audit;
	struct sg_throttle_sampler throttle_sampler;
	struct sg_metrics_worker *metrics;
	char *scratch;			/* SG_OBS_SCRATCH_CAP bytes */
	bool access_on, audit_on;
	const struct sg_audit_options *audit_opts;
};

struct sg_obs {
	struct sg_log_sink log_sink, audit_sink;
	struct sg_log_writer writer;
	struct sg_metrics metrics;
	struct sg_health health;
	struct sg_watchdog watchdog;
	struct sg_audit_options audit_opts;
	struct sg_obs_worker *worker;	/* [nworkers] */
	unsigned nworkers;
	bool watchdog_on, started;
};

/* Validate and open everything; on error returns -errno with a sentence.
 * With health.enabled but no watchdog, a quiet prober (connect only, no
 * request, like the original's dial check) still refreshes the
 * health word every 2 s (the Go original's dial-on-request cache TTL): no
 * transition logs, no watchdog metrics, and /health never dials inline. */
int sg_obs_init(struct sg_obs *o, const struct sg_obs_config *c, char *err, size_t errcap);
int sg_obs_start(struct sg_obs *o);
void sg_obs_stop(struct sg_obs *o);
void sg_obs_destroy(struct sg_obs *o);

static inline struct sg_obs_worker *sg_obs_worker(struct sg_obs *o, unsigned i)
{
	return i < o->nworkers ? &o->worker[i] : NULL;
}

struct sg_obs_request {
	char request_id[SG_REQUEST_ID_LEN];
	struct sg_trace_ctx trace;
	int64_t start_mono_ns;		/* for latency */
};

void sg_obs_request_begin(struct sg_obs_worker *w, struct sg_obs_request *rq, sg_slice traceparent);
/* Emits the access line (if on), the audit event (if on) and the metrics
 * observation. Fills e->latency_ns from the begin time when it is 0. */
void sg_obs_request_end(struct sg_obs_worker *w, const struct sg_obs_request *rq,
			struct sg_access_event *e, struct sg_metrics_obs *m);

/* A rate-limit / concurrency / priority denial (enforce or would-deny):
 * counts sockguard_throttle_requests_total{mode,profile,reason_code} and
 * writes the sampled "throttle" record. */
void sg_obs_throttle(struct sg_obs_worker *w, const struct sg_throttle_event *t, unsigned profile_id,
		     enum sg_throttle_reason reason, enum sg_obs_mode mode);

#endif
