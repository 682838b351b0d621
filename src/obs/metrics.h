/* obs/metrics.h — Prometheus metrics with per-worker counters.
 *
 * Hot path: each worker owns a struct sg_metrics_worker and is the only
 * thread that writes it. Counters are plain uint64 fields updated with a
 * relaxed load + store (no lock prefix, no shared cache line); the scraper
 * reads them with relaxed loads and sums all workers at scrape time.
 * Labels are closed sets encoded as small integers (decision, method,
 * profile id, route id, status, mode, reason code, rule), so a request's
 * observation is a hash-table probe on an integer key, never a string.
 * Series tables are bounded; an observation that would need a new series
 * in a full table is counted in sockguard_metrics_series_dropped_total.
 *
 * Other writers: the watchdog thread (checks, socket state), the reload
 * thread (reload outcomes, policy version) — rare, shared atomics.
 *
 * Exposition (sg_metrics_render) uses the Go original's names, labels,
 * HELP and TYPE lines:
 *   sockguard_build_info{version,commit,build_date,go_version} 1
 *   sockguard_start_time_seconds
 *   sockguard_http_requests_total{decision,method,profile,route,status}
 *   sockguard_http_denied_requests_total{mode,profile,reason_code,route,rule}
 *   sockguard_http_request_duration_seconds{decision,method,profile,route} (histogram)
 *   sockguard_http_requests_active
 *   sockguard_upstream_socket_up            (once the watchdog reported)
 *   sockguard_upstream_watchdog_checks_total{result="connected|unreachable"}
 *   sockguard_throttle_requests_total{mode,profile,reason_code}
 *   sockguard_inflight_requests{profile}    (profiles with max_inflight)
 *   sockguard_config_reload_total{result}
 *   sockguard_config_reload_last_success_timestamp_seconds (after first ok)
 *   sockguard_policy_version                (after first publish)
 * plus ours: sockguard_log_lines_dropped_total{stream},
 *            sockguard_metrics_series_dropped_total. */
#ifndef SG_OBS_METRICS_H
#define SG_OBS_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/slice.h"
#include "obs/access_event.h"

struct sg_log_ring;

#define SG_METRICS_MAX_PROFILES 64	/* id 0 is "default" (no profile) */
#define SG_METRICS_PROFILE_NAME_MAX 64
#define SG_METRICS_MAX_WORKERS 256
#define SG_METRICS_MAX_LOG_RINGS 520
#define SG_METRICS_REQ_SERIES 2048	/* per worker */
#define SG_METRICS_DENY_SERIES 1024	/* per worker */
#define SG_METRICS_MERGED_SERIES 16384	/* scrape-time union over workers */
#define SG_METRICS_NBUCKETS 11		/* 5ms .. 10s, Prometheus defaults */

enum sg_metrics_method {
	SG_M_GET = 0, SG_M_HEAD, SG_M_POST, SG_M_PUT, SG_M_DELETE, SG_M_PATCH,
	SG_M_OPTIONS, SG_M_CONNECT, SG_M_TRACE, SG_M_OTHER, SG_M_COUNT
};

enum sg_throttle_reason { SG_THROTTLE_RATE = 0, SG_THROTTLE_CONCURRENCY, SG_THROTTLE_PRIORITY, SG_THROTTLE_COUNT };

enum sg_reload_result {
	SG_RELOAD_OK = 0, SG_RELOAD_REJECT_LOAD, SG_RELOAD_REJECT_VALIDATION,
	SG_RELOAD_REJECT_IMMUTABLE, SG_RELOAD_REJECT_SIGNATURE, SG_RELOAD_COUNT
};

struct sg_series {
	uint64_t key;			/* packed labels + 1; 0 = empty slot */
	uint64_t count;
	uint64_t sum_ns;		/* histogram sum (request table only) */
	uint64_t bucket[SG_METRICS_NBUCKETS];	/* non-cumulative; +Inf = count */
};

struct sg_series_table {
	struct sg_series *slot;
	uint32_t cap;			/* power of two */
	uint32_t used;			/* writer-only */
};

struct sg_metrics_worker {
	struct sg_series_table req;
	struct sg_series_table deny;
	uint64_t throttle[SG_OBS_MODE_COUNT][SG_METRICS_MAX_PROFILES][SG_THROTTLE_COUNT];
	int64_t active;			/* requests in progress on this worker */
	int64_t inflight[SG_METRICS_MAX_PROFILES];
	uint64_t series_dropped;
};

struct sg_build_info {
	const char *version;		/* NULL -> SG_VERSION */
	const char *commit, *build_date;	/* NULL -> "unknown" */
	const char *go_version;		/* NULL -> the C toolchain, e.g. "gcc 12.2.0" */
};

/* "gcc 12.2.0" / "clang 14.0.6": what the go_version label carries for us. */
const char *sg_metrics_toolchain(void);

struct sg_metrics {
	int64_t start_ns;
	struct sg_build_info build;
	unsigned nworkers;
	struct sg_metrics_worker *worker;	/* [nworkers], allocated at init */

	/* profile names: interned at config time (mutex), read lock-free */
	pthread_mutex_t profile_mu;
	char profile[SG_METRICS_MAX_PROFILES][SG_METRICS_PROFILE_NAME_MAX];
	uint32_t nprofiles;		/* atomic */
	uint8_t profile_capped[SG_METRICS_MAX_PROFILES];	/* has max_inflight */

	/* watchdog thread */
	int upstream_known, upstream_up;	/* atomic */
	uint64_t watchdog_checks[2];		/* [0] unreachable, [1] connected */

	/* reload thread */
	uint64_t reloads[SG_RELOAD_COUNT];
	int64_t reload_last_ns;
	int reload_known;
	int64_t policy_version;
	int policy_version_known;

	/* log rings whose drops are exported */
	struct { const struct sg_log_ring *ring; const char *stream; } log_ring[SG_METRICS_MAX_LOG_RINGS];
	unsigned nlog_rings;

	/* scrape scratch, allocated at init; one scrape at a time (trylock) */
	pthread_mutex_t scrape_mu;
	struct sg_series *merged;
	uint32_t merged_cap;
};

/* Start-up (heap allocation happens here only). 0 or -errno. */
int sg_metrics_init(struct sg_metrics *m, unsigned nworkers, const struct sg_build_info *bi);
void sg_metrics_destroy(struct sg_metrics *m);
static inline struct sg_metrics_worker *sg_metrics_worker(struct sg_metrics *m, unsigned i)
{
	return i < m->nworkers ? &m->worker[i] : NULL;
}

/* Config time (start-up, reload thread): intern a profile name; returns its
 * id (0 = "default" for NULL/""), or 0 when the table is full. */
unsigned sg_metrics_profile_id(struct sg_metrics *m, const char *name);
void sg_metrics_profile_capped(struct sg_metrics *m, unsigned id, bool capped);
/* Export drops of a log ring as sockguard_log_lines_dropped_total{stream}. */
int sg_metrics_add_log_ring(struct sg_metrics *m, const struct sg_log_ring *r, const char *stream);

/* ---- hot path (owning worker only) ---- */
enum sg_metrics_method sg_metrics_method(sg_slice method);

struct sg_metrics_obs {
	enum sg_obs_decision decision;
	enum sg_obs_mode mode;
	enum sg_metrics_method method;
	unsigned profile;		/* sg_metrics_profile_id() */
	uint16_t route;			/* sg_metrics_route() */
	uint16_t status;
	unsigned reason;		/* enum sg_reason (deny counter) */
	int32_t rule;			/* -1 when none */
	uint64_t latency_ns;
};

void sg_metrics_observe(struct sg_metrics_worker *w, const struct sg_metrics_obs *o);
void sg_metrics_active_add(struct sg_metrics_worker *w, int delta);
void sg_metrics_inflight_add(struct sg_metrics_worker *w, unsigned profile, int delta);
void sg_metrics_throttle(struct sg_metrics_worker *w, unsigned profile,
			 enum sg_throttle_reason r, enum sg_obs_mode mode);

/* ---- other threads ---- */
void sg_metrics_watchdog_check(struct sg_metrics *m, bool up);
void sg_metrics_reload(struct sg_metrics *m, enum sg_reload_result r, int64_t now_ns);
void sg_metrics_policy_version(struct sg_metrics *m, int64_t v);

/* Scrape: render the text exposition format (version 0.0.4) into buf.
 * Returns the full length wanted (like snprintf): when it is >= cap the
 * output is incomplete and the caller retries with a bigger buffer. Returns
 * 0 when another scrape is in progress (answer 503). */
#define SG_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
size_t sg_metrics_render(struct sg_metrics *m, char *buf, size_t cap);

/* Label value escaping per the exposition format: \\ \" \n. */
void sg_metrics_label_value(struct sg_obuf *b, const char *s, size_t n);

#endif
