/* obs/obs.c — wiring of sinks, rings, metrics, health and watchdog (see obs.h). */
#include "obs/obs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SG_OBS_HEALTH_REFRESH_MS 2000

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "key: " + the sentence already in err (names the configuration key). */
static void err_key(char *err, size_t cap, const char *key)
{
	size_t k = strlen(key) + 2, n = strnlen(err, cap);
	if (cap <= k + 1)
		return;
	if (n > cap - k - 1)
		n = cap - k - 1;
	memmove(err + k, err, n);
	err[k + n] = '\0';
	memcpy(err, key, k - 2);
	memcpy(err + k - 2, ": ", 2);
}

static int init_workers(struct sg_obs *o, const struct sg_obs_config *c)
{
	size_t cap = c->ring_cap ? c->ring_cap : SG_LOG_RING_DEFAULT_CAP;
	o->worker = calloc(c->nworkers, sizeof(*o->worker));
	if (!o->worker)
		return -ENOMEM;
	o->nworkers = c->nworkers;
	for (unsigned i = 0; i < c->nworkers; i++) {
		struct sg_obs_worker *w = &o->worker[i];
		w->index = i;
		sg_rng_seed(&w->rng, i);
		w->metrics = sg_metrics_worker(&o->metrics, i);
		w->access_on = c->access_log;
		w->audit_on = c->audit_enabled;
		w->audit_opts = &o->audit_opts;
		w->scratch = malloc(SG_OBS_SCRATCH_CAP);
		if (!w->scratch)
			return -ENOMEM;
		int rc;
		/* Always present: throttle records use it even when access
		 * lines are off. */
		if ((rc = sg_log_ring_init(&w->access, cap, "access")) ||
		    (rc = sg_log_writer_add(&o->writer, &w->access, &o->log_sink)) ||
		    (rc = sg_metrics_add_log_ring(&o->metrics, &w->access, "access")))
			return rc;
		if (w->audit_on) {
			if ((rc = sg_log_ring_init(&w->audit, cap, "audit")) ||
			    (rc = sg_log_writer_add(&o->writer, &w->audit, &o->audit_sink)) ||
			    (rc = sg_metrics_add_log_ring(&o->metrics, &w->audit, "audit")))
				return rc;
		}
	}
	return 0;
}

int sg_obs_init(struct sg_obs *o, const struct sg_obs_config *c, char *err, size_t errcap)
{
	memset(o, 0, sizeof(*o));
	o->log_sink.fd = o->audit_sink.fd = -1;
	o->writer.efd = -1;
	o->watchdog.stop_efd = -1;
	enum sg_log_format fmt = SG_LOG_FORMAT_JSON;
	if (c->log_format && *c->log_format && !sg_log_format_parse(c->log_format, &fmt)) {
		snprintf(err, errcap, "invalid log.format \"%s\" (must be json or text)", c->log_format);
		return -EINVAL;
	}
	if (c->audit_enabled && c->audit_format && *c->audit_format && strcmp(c->audit_format, "json") != 0) {
		snprintf(err, errcap, "unsupported audit log format \"%s\"", c->audit_format);
		return -EINVAL;
	}
	int rc = sg_log_sink_open(&o->log_sink, c->log_output ? c->log_output : "stderr", err, errcap);
	if (rc) {
		err_key(err, errcap, "log.output");
		return rc;
	}
	if (c->audit_enabled &&
	    (rc = sg_log_sink_open(&o->audit_sink, c->audit_output ? c->audit_output : "stderr", err, errcap))) {
		err_key(err, errcap, "log.audit.output");
		goto fail;
	}
	if ((rc = sg_log_writer_init(&o->writer, 0)) ||
	    (rc = sg_metrics_init(&o->metrics, c->nworkers, &c->build))) {
		snprintf(err, errcap, "observability init: %s", strerror(-rc));
		goto fail;
	}
	o->audit_opts.owner = c->ownership_owner;
	o->audit_opts.label_key = c->ownership_label_key;
	if ((rc = init_workers(o, c)) ||
	    (rc = sg_log_setup(sg_log_level_parse(c->log_level), fmt, &o->writer, &o->log_sink))) {
		snprintf(err, errcap, "observability init: %s", strerror(-rc));
		goto fail;
	}
	sg_health_init(&o->health, c->build.version, c->upstream_socket, sg_log_now_ns());
	if (c->watchdog_enabled || c->health_enabled) {
		bool active = c->watchdog_enabled;
		rc = sg_watchdog_init(&o->watchdog, c->upstream_socket,
				      active ? c->watchdog_interval_ms : SG_OBS_HEALTH_REFRESH_MS, 0,
				      &o->health, active ? &o->metrics : NULL);
		if (rc) {
			snprintf(err, errcap, "upstream.socket \"%s\": invalid path for the health probe",
				 c->upstream_socket ? c->upstream_socket : "");
			goto fail;
		}
		o->watchdog.log_transitions = active;
		o->watchdog.dial_only = !active;	/* quiet: no /_ping in dockerd's log */
		o->watchdog_on = true;
	}
	return 0;
fail:
	sg_obs_destroy(o);
	return rc;
}

int sg_obs_start(struct sg_obs *o)
{
	if (o->started)
		return 0;
	int rc = sg_log_writer_start(&o->writer);
	if (rc)
		return rc;
	o->started = true;
	/* The first watchdog check is synchronous: /health is never "unknown"
	 * once listeners accept. */
	if (o->watchdog_on && (rc = sg_watchdog_start(&o->watchdog)))
		return rc;
	return 0;
}

void sg_obs_stop(struct sg_obs *o)
{
	if (o->watchdog_on)
		sg_watchdog_stop(&o->watchdog);
	o->watchdog_on = false;
	/* Workers must have stopped producing; this drains every ring. */
	sg_log_writer_stop(&o->writer);
	o->started = false;
}

void sg_obs_destroy(struct sg_obs *o)
{
	sg_obs_stop(o);
	if (o->writer.efd >= 0)
		sg_log_writer_destroy(&o->writer);
	sg_log_teardown();
	if (o->worker) {
		for (unsigned i = 0; i < o->nworkers; i++) {
			sg_log_ring_destroy(&o->worker[i].access);
			sg_log_ring_destroy(&o->worker[i].audit);
			free(o->worker[i].scratch);
		}
		free(o->worker);
		o->worker = NULL;
	}
	o->nworkers = 0;
	sg_metrics_destroy(&o->metrics);
	sg_log_sink_close(&o->audit_sink);
	sg_log_sink_close(&o->log_sink);
}

void sg_obs_request_begin(struct sg_obs_worker *w, struct sg_obs_request *rq, sg_slice traceparent)
{
	rq->start_mono_ns = mono_ns();
	sg_request_id_new(&w->rng, rq->request_id);
	sg_trace_begin(&rq->trace, &w->rng, traceparent);
	if (w->metrics)
		sg_metrics_active_add(w->metrics, 1);
}

void sg_obs_request_end(struct sg_obs_worker *w, const struct sg_obs_request *rq,
			struct sg_access_event *e, struct sg_metrics_obs *m)
{
	if (e->latency_ns == 0)
		e->latency_ns = (uint64_t)(mono_ns() - rq->start_mono_ns);
	if (m && m->latency_ns == 0)
		m->latency_ns = e->latency_ns;
	if (w->access_on)
		sg_access_log(&w->access, e, w->scratch, SG_OBS_SCRATCH_CAP);
	if (w->audit_on)
		sg_audit_log(&w->audit, e, w->audit_opts, w->scratch, SG_OBS_SCRATCH_CAP);
	if (w->metrics) {
		if (m)
			sg_metrics_observe(w->metrics, m);
		sg_metrics_active_add(w->metrics, -1);
	}
}

void sg_obs_throttle(struct sg_obs_worker *w, const struct sg_throttle_event *t, unsigned profile_id,
		     enum sg_throttle_reason reason, enum sg_obs_mode mode)
{
	if (w->metrics)
		sg_metrics_throttle(w->metrics, profile_id, reason, mode);
	sg_throttle_log(&w->access, &w->throttle_sampler, t, w->scratch, SG_OBS_SCRATCH_CAP);
}
