/* obs/metrics.c — per-worker metric blocks and Prometheus rendering
 * (see metrics.h). */
#include "obs/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs/log_ring.h"
#include "obs/metrics_route.h"
#include "obs/obuf.h"
#include "policy/reason.h"

#ifndef SG_VERSION
#define SG_VERSION "0.0.0"
#endif

/* Upper bounds in microseconds: 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 s */
static const uint64_t bucket_us[SG_METRICS_NBUCKETS] = {
	5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
static const char *const bucket_le[SG_METRICS_NBUCKETS] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10",
};
static const char *const method_name[SG_M_COUNT] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER",
};
static const char *const throttle_name[SG_THROTTLE_COUNT] = {
	"rate_limit_exceeded", "concurrency_cap", "priority_floor",
};
static const char *const reload_name[SG_RELOAD_COUNT] = {
	"ok", "reject_load", "reject_validation", "reject_immutable", "reject_signature",
};

/* ---- keys: labels packed most-significant-first, so numeric order is
 * label order and series render grouped like the original's sorted output. */

static uint64_t req_key(const struct sg_metrics_obs *o)
{
	return (uint64_t)(o->decision & 3) << 36 | (uint64_t)(o->method & 15) << 32 |
	       (uint64_t)(o->profile & 63) << 26 | (uint64_t)o->route << 10 | (o->status & 1023);
}
#define REQ_STATUS_MASK 1023ull

static uint64_t deny_key(const struct sg_metrics_obs *o)
{
	uint64_t rule = o->rule < 0 ? 0 : (uint64_t)(o->rule + 1 > 0xffff ? 0xffff : o->rule + 1);
	return (uint64_t)(o->mode & 3) << 46 | (uint64_t)(o->profile & 63) << 40 |
	       (uint64_t)(o->reason & 255) << 32 | (uint64_t)o->route << 16 | rule;
}

/* ---- single-writer counters ---- */

static inline void add_u64(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static inline void add_i64(int64_t *c, int64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static inline uint64_t rd(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline uint32_t hash_key(uint64_t k)
{
	return (uint32_t)((k * 0x9e3779b97f4a7c15ULL) >> 32);
}

static int table_init(struct sg_series_table *t, uint32_t cap)
{
	t->slot = calloc(cap, sizeof(*t->slot));
	t->cap = cap;
	t->used = 0;
	return t->slot ? 0 : -ENOMEM;
}

/* Writer side: find or claim the slot for key. A new slot is published with
 * a release store of its key after its counters are zero, so a scraper that
 * sees the key sees valid counters. NULL when the table is full. */
static struct sg_series *series_get(struct sg_series_table *t, uint64_t key, uint64_t *dropped)
{
	uint64_t k = key + 1;
	uint32_t mask = t->cap - 1;
	uint32_t i = hash_key(k) & mask;
	for (uint32_t n = 0; n < t->cap; n++, i = (i + 1) & mask) {
		uint64_t cur = t->slot[i].key;
		if (cur == k)
			return &t->slot[i];
		if (cur == 0) {
			if (t->used >= t->cap / 4 * 3)
				break;
			t->used++;
			__atomic_store_n(&t->slot[i].key, k, __ATOMIC_RELEASE);
			return &t->slot[i];
		}
	}
	add_u64(dropped, 1);
	return NULL;
}

const char *sg_metrics_toolchain(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "none";
#endif
}

int sg_metrics_init(struct sg_metrics *m, unsigned nworkers, const struct sg_build_info *bi)
{
	memset(m, 0, sizeof(*m));
	if (nworkers == 0 || nworkers > SG_METRICS_MAX_WORKERS)
		return -EINVAL;
	m->start_ns = sg_log_now_ns();
	if (bi)
		m->build = *bi;
	/* Unset build labels fall back to what the compiler knows. The label
	 * keeps the Go name go_version; we report the C toolchain there. */
	if (!m->build.version)
		m->build.version = SG_VERSION;
	if (!m->build.go_version)
		m->build.go_version = sg_metrics_toolchain();
	if (!m->build.commit)
		m->build.commit = "unknown";
	if (!m->build.build_date)
		m->build.build_date = "unknown";
	pthread_mutex_init(&m->profile_mu, NULL);
	pthread_mutex_init(&m->scrape_mu, NULL);
	strcpy(m->profile[0], "default");
	m->nprofiles = 1;
	m->nworkers = nworkers;
	m->worker = calloc(nworkers, sizeof(*m->worker));
	m->merged_cap = SG_METRICS_MERGED_SERIES;
	m->merged = calloc(m->merged_cap, sizeof(*m->merged));
	if (!m->worker || !m->merged)
		goto fail;
	for (unsigned i = 0; i < nworkers; i++)
		if (table_init(&m->worker[i].req, SG_METRICS_REQ_SERIES) ||
		    table_init(&m->worker[i].deny, SG_METRICS_DENY_SERIES))
			goto fail;
	return 0;
fail:
	sg_metrics_destroy(m);
	return -ENOMEM;
}

void sg_metrics_destroy(struct sg_metrics *m)
{
	if (m->worker)
		for (unsigned i = 0; i < m->nworkers; i++) {
			free(m->worker[i].req.slot);
			free(m->worker[i].deny.slot);
		}
	free(m->worker);
	free(m->merged);
	m->worker = NULL;
	m->merged = NULL;
	m->nworkers = 0;
}

unsigned sg_metrics_profile_id(struct sg_metrics *m, const char *name)
{
	if (!name || !*name)
		return 0;
	unsigned id = 0;
	pthread_mutex_lock(&m->profile_mu);
	uint32_t n = m->nprofiles;
	for (unsigned i = 1; i < n; i++)
		if (strncmp(m->profile[i], name, SG_METRICS_PROFILE_NAME_MAX - 1) == 0) {
			id = i;
			goto out;
		}
	if (n < SG_METRICS_MAX_PROFILES) {
		/* Long names are truncated in the label; ids stay distinct. */
		snprintf(m->profile[n], SG_METRICS_PROFILE_NAME_MAX, "%s", name);
		__atomic_store_n(&m->nprofiles, n + 1, __ATOMIC_RELEASE);
		id = n;
	}
out:
	pthread_mutex_unlock(&m->profile_mu);
	return id;
}

void sg_metrics_profile_capped(struct sg_metrics *m, unsigned id, bool capped)
{
	if (id < SG_METRICS_MAX_PROFILES)
		__atomic_store_n(&m->profile_capped[id], capped ? 1 : 0, __ATOMIC_RELAXED);
}

int sg_metrics_add_log_ring(struct sg_metrics *m, const struct sg_log_ring *r, const char *stream)
{
	if (m->nlog_rings >= SG_METRICS_MAX_LOG_RINGS)
		return -ENOSPC;
	m->log_ring[m->nlog_rings].ring = r;
	m->log_ring[m->nlog_rings].stream = stream;
	m->nlog_rings++;
	return 0;
}

enum sg_metrics_method sg_metrics_method(sg_slice s)
{
	for (unsigned i = 0; i < SG_M_OTHER; i++)
		if (sg_slice_eq_cstr(s, method_name[i]))
			return (enum sg_metrics_method)i;
	return SG_M_OTHER;
}

/* ---- hot path ---- */

void sg_metrics_observe(struct sg_metrics_worker *w, const struct sg_metrics_obs *o)
{
	struct sg_series *s = series_get(&w->req, req_key(o), &w->series_dropped);
	if (s) {
		uint64_t us = o->latency_ns / 1000;
		unsigned b = 0;
		while (b < SG_METRICS_NBUCKETS && us > bucket_us[b])
			b++;
		if (b < SG_METRICS_NBUCKETS)
			add_u64(&s->bucket[b], 1);
		add_u64(&s->sum_ns, o->latency_ns);
		add_u64(&s->count, 1);
	}
	/* Real denies and would-be denies both count; mode tells them apart. */
	if (o->decision == SG_OBS_DENY || o->decision == SG_OBS_WOULD_DENY) {
		s = series_get(&w->deny, deny_key(o), &w->series_dropped);
		if (s)
			add_u64(&s->count, 1);
	}
}

void sg_metrics_active_add(struct sg_metrics_worker *w, int delta)
{
	add_i64(&w->active, delta);
}

void sg_metrics_inflight_add(struct sg_metrics_worker *w, unsigned profile, int delta)
{
	if (profile < SG_METRICS_MAX_PROFILES)
		add_i64(&w->inflight[profile], delta);
}

void sg_metrics_throttle(struct sg_metrics_worker *w, unsigned profile,
			 enum sg_throttle_reason r, enum sg_obs_mode mode)
{
	if (profile < SG_METRICS_MAX_PROFILES && (unsigned)r < SG_THROTTLE_COUNT && (unsigned)mode < SG_OBS_MODE_COUNT)
		add_u64(&w->throttle[mode][profile][r], 1);
}

/* ---- other threads ---- */

void sg_metrics_watchdog_check(struct sg_metrics *m, bool up)
{
	__atomic_fetch_add(&m->watchdog_checks[up ? 1 : 0], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&m->upstream_up, up ? 1 : 0, __ATOMIC_RELAXED);
	__atomic_store_n(&m->upstream_known, 1, __ATOMIC_RELEASE);
}

void sg_metrics_reload(struct sg_metrics *m, enum sg_reload_result r, int64_t now_ns)
{
	if ((unsigned)r >= SG_RELOAD_COUNT)
		return;
	__atomic_fetch_add(&m->reloads[r], 1, __ATOMIC_RELAXED);
	if (r == SG_RELOAD_OK && now_ns >= 0) {
		__atomic_store_n(&m->reload_last_ns, now_ns, __ATOMIC_RELAXED);
		__atomic_store_n(&m->reload_known, 1, __ATOMIC_RELEASE);
	}
}

void sg_metrics_policy_version(struct sg_metrics *m, int64_t v)
{
	__atomic_store_n(&m->policy_version, v, __ATOMIC_RELAXED);
	__atomic_store_n(&m->policy_version_known, 1, __ATOMIC_RELEASE);
}

/* ---- scrape: merge ---- */

static void merged_clear(struct sg_metrics *m)
{
	memset(m->merged, 0, (size_t)m->merged_cap * sizeof(*m->merged));
}

/* Fold one worker series into the scrape table under `key` (possibly a
 * coarser key than the source's). Returns false when the table is full. */
static bool merge_one(struct sg_metrics *m, uint64_t key, const struct sg_series *src)
{
	uint64_t k = key + 1;
	uint32_t mask = m->merged_cap - 1;
	uint32_t i = hash_key(k) & mask;
	for (uint32_t n = 0; n < m->merged_cap; n++, i = (i + 1) & mask) {
		struct sg_series *d = &m->merged[i];
		if (d->key != 0 && d->key != k)
			continue;
		d->key = k;
		d->count += rd(&src->count);
		d->sum_ns += rd(&src->sum_ns);
		for (unsigned b = 0; b < SG_METRICS_NBUCKETS; b++)
			d->bucket[b] += rd(&src->bucket[b]);
		return true;
	}
	return false;
}

/* Merge table `which` (0 req, 1 deny) of every worker; `mask` clears label
 * bits (the duration histogram drops status). Compacts and sorts the result
 * into m->merged[0..n). */
static uint32_t merge_tables(struct sg_metrics *m, int which, uint64_t clear_bits, uint64_t *lost)
{
	merged_clear(m);
	for (unsigned wi = 0; wi < m->nworkers; wi++) {
		struct sg_series_table *t = which ? &m->worker[wi].deny : &m->worker[wi].req;
		for (uint32_t i = 0; i < t->cap; i++) {
			uint64_t k = __atomic_load_n(&t->slot[i].key, __ATOMIC_ACQUIRE);
			if (k && !merge_one(m, (k - 1) & ~clear_bits, &t->slot[i]))
				(*lost)++;
		}
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->merged_cap; i++)
		if (m->merged[i].key)
			m->merged[n++] = m->merged[i];
	/* Shell sort: no allocation (glibc qsort may malloc). */
	static const uint32_t gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };
	for (unsigned g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		uint32_t gap = gaps[g];
		for (uint32_t i = gap; i < n; i++) {
			struct sg_series tmp = m->merged[i];
			uint32_t j = i;
			for (; j >= gap && m->merged[j - gap].key > tmp.key; j -= gap)
				m->merged[j] = m->merged[j - gap];
			m->merged[j] = tmp;
		}
	}
	return n;
}

/* ---- scrape: text ---- */

void sg_metrics_label_value(struct sg_obuf *b, const char *s, size_t n)
{
	sg_obuf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '\\' ? "\\\\" : s[i] == '"' ? "\\\"" : s[i] == '\n' ? "\\n" : NULL;
		if (!esc)
			continue;
		sg_obuf_put(b, s + run, i - run);
		sg_obuf_put(b, esc, 2);
		run = i + 1;
	}
	sg_obuf_put(b, s + run, n - run);
	sg_obuf_putc(b, '"');
}

static void label(struct sg_obuf *b, const char *name, const char *v, bool first)
{
	if (!first)
		sg_obuf_putc(b, ',');
	sg_obuf_puts(b, name);
	sg_obuf_putc(b, '=');
	sg_metrics_label_value(b, v ? v : "", v ? strlen(v) : 0);
}

static void label_route(struct sg_obuf *b, uint16_t route)
{
	char tmp[96];
	struct sg_obuf r = sg_obuf_make(tmp, sizeof(tmp));
	sg_metrics_route_name(route, &r);
	sg_obuf_puts(b, ",route=");
	sg_metrics_label_value(b, tmp, r.len);
}

static void header(struct sg_obuf *b, const char *name, const char *help, const char *type)
{
	sg_obuf_puts(b, "# HELP ");
	sg_obuf_puts(b, name);
	sg_obuf_putc(b, ' ');
	sg_obuf_puts(b, help);
	sg_obuf_puts(b, "\n# TYPE ");
	sg_obuf_puts(b, name);
	sg_obuf_putc(b, ' ');
	sg_obuf_puts(b, type);
	sg_obuf_putc(b, '\n');
}

static const char *profile_name(struct sg_metrics *m, unsigned id)
{
	uint32_t n = __atomic_load_n(&m->nprofiles, __ATOMIC_ACQUIRE);
	return id < n ? m->profile[id] : "default";
}

static const char *reason_label(unsigned r)
{
	const char *s = r == SG_REASON_NONE ? "" : sg_reason_code((enum sg_reason)r);
	return s && *s ? s : "unknown";
}

static void render_build(struct sg_metrics *m, struct sg_obuf *b)
{
	header(b, "sockguard_build_info", "Sockguard build metadata exposed as constant labels.", "gauge");
	sg_obuf_puts(b, "sockguard_build_info{");
	label(b, "version", m->build.version, true);
	label(b, "commit", m->build.commit, false);
	label(b, "build_date", m->build.build_date, false);
	label(b, "go_version", m->build.go_version, false);
	sg_obuf_puts(b, "} 1\n");
	header(b, "sockguard_start_time_seconds",
	       "Unix timestamp at which the metrics registry was created.", "gauge");
	sg_obuf_puts(b, "sockguard_start_time_seconds ");
	sg_obuf_fixed(b, (uint64_t)m->start_ns, 9);
	sg_obuf_putc(b, '\n');
}

static void req_labels(struct sg_metrics *m, struct sg_obuf *b, uint64_t k)
{
	label(b, "decision", sg_obs_decision_name((enum sg_obs_decision)(k >> 36 & 3)), true);
	label(b, "method", method_name[(k >> 32 & 15) < SG_M_COUNT ? (k >> 32 & 15) : SG_M_OTHER], false);
	label(b, "profile", profile_name(m, (unsigned)(k >> 26 & 63)), false);
	label_route(b, (uint16_t)(k >> 10));
}

static void render_requests(struct sg_metrics *m, struct sg_obuf *b, uint64_t *lost)
{
	header(b, "sockguard_http_requests_total", "Total HTTP requests handled by Sockguard.", "counter");
	uint32_t n = merge_tables(m, 0, 0, lost);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k = m->merged[i].key - 1;
		sg_obuf_puts(b, "sockguard_http_requests_total{");
		req_labels(m, b, k);
		sg_obuf_puts(b, ",status=\"");
		sg_obuf_u64(b, k & REQ_STATUS_MASK);
		sg_obuf_puts(b, "\"} ");
		sg_obuf_u64(b, m->merged[i].count);
		sg_obuf_putc(b, '\n');
	}
}

static void render_denies(struct sg_metrics *m, struct sg_obuf *b, uint64_t *lost)
{
	header(b, "sockguard_http_denied_requests_total",
	       "Total requests denied by Sockguard policy or admission checks. mode is enforce "
	       "(request was blocked) or warn / audit (request would have been blocked, passed "
	       "through under rollout mode).", "counter");
	uint32_t n = merge_tables(m, 1, 0, lost);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k = m->merged[i].key - 1;
		sg_obuf_puts(b, "sockguard_http_denied_requests_total{");
		label(b, "mode", sg_obs_mode_name((enum sg_obs_mode)(k >> 46 & 3)), true);
		label(b, "profile", profile_name(m, (unsigned)(k >> 40 & 63)), false);
		label(b, "reason_code", reason_label((unsigned)(k >> 32 & 255)), false);
		label_route(b, (uint16_t)(k >> 16));
		sg_obuf_puts(b, ",rule=\"");
		sg_obuf_i64(b, (int64_t)(k & 0xffff) - 1);
		sg_obuf_puts(b, "\"} ");
		sg_obuf_u64(b, m->merged[i].count);
		sg_obuf_putc(b, '\n');
	}
}

static void hist_line(struct sg_metrics *m, struct sg_obuf *b, const char *suffix, uint64_t k)
{
	sg_obuf_puts(b, "sockguard_http_request_duration_seconds");
	sg_obuf_puts(b, suffix);
	sg_obuf_putc(b, '{');
	req_labels(m, b, k);
}

static void render_durations(struct sg_metrics *m, struct sg_obuf *b, uint64_t *lost)
{
	header(b, "sockguard_http_request_duration_seconds", "HTTP request latency in seconds.", "histogram");
	uint32_t n = merge_tables(m, 0, REQ_STATUS_MASK, lost);
	for (uint32_t i = 0; i < n; i++) {
		const struct sg_series *s = &m->merged[i];
		uint64_t k = s->key - 1, cum = 0;
		for (unsigned bi = 0; bi < SG_METRICS_NBUCKETS; bi++) {
			cum += s->bucket[bi];
			hist_line(m, b, "_bucket", k);
			label(b, "le", bucket_le[bi], false);
			sg_obuf_puts(b, "} ");
			sg_obuf_u64(b, cum);
			sg_obuf_putc(b, '\n');
		}
		/* +Inf is the count; never below the finite buckets even when
		 * a concurrent update was half read. */
		hist_line(m, b, "_bucket", k);
		sg_obuf_puts(b, ",le=\"+Inf\"} ");
		sg_obuf_u64(b, s->count > cum ? s->count : cum);
		sg_obuf_puts(b, "\n");
		hist_line(m, b, "_sum", k);
		sg_obuf_puts(b, "} ");
		sg_obuf_fixed(b, s->sum_ns, 9);
		sg_obuf_putc(b, '\n');
		hist_line(m, b, "_count", k);
		sg_obuf_puts(b, "} ");
		sg_obuf_u64(b, s->count > cum ? s->count : cum);
		sg_obuf_putc(b, '\n');
	}
}

static void render_gauges(struct sg_metrics *m, struct sg_obuf *b)
{
	int64_t active = 0;
	for (unsigned i = 0; i < m->nworkers; i++)
		active += __atomic_load_n(&m->worker[i].active, __ATOMIC_RELAXED);
	header(b, "sockguard_http_requests_active", "Currently active HTTP requests.", "gauge");
	sg_obuf_puts(b, "sockguard_http_requests_active ");
	sg_obuf_i64(b, active < 0 ? 0 : active);
	sg_obuf_putc(b, '\n');

	if (__atomic_load_n(&m->upstream_known, __ATOMIC_ACQUIRE)) {
		header(b, "sockguard_upstream_socket_up",
		       "Whether the active upstream Docker socket watchdog currently reports the socket as reachable.",
		       "gauge");
		sg_obuf_puts(b, "sockguard_upstream_socket_up ");
		sg_obuf_u64(b, (uint64_t)__atomic_load_n(&m->upstream_up, __ATOMIC_RELAXED));
		sg_obuf_putc(b, '\n');
	}
	header(b, "sockguard_upstream_watchdog_checks_total", "Total active upstream socket watchdog checks.", "counter");
	static const char *const wd[2] = { "unreachable", "connected" };
	for (int i = 1; i >= 0; i--) {	/* sorted: connected, unreachable */
		uint64_t v = rd(&m->watchdog_checks[i]);
		if (!v)
			continue;
		sg_obuf_puts(b, "sockguard_upstream_watchdog_checks_total{result=\"");
		sg_obuf_puts(b, wd[i]);
		sg_obuf_puts(b, "\"} ");
		sg_obuf_u64(b, v);
		sg_obuf_putc(b, '\n');
	}
}

static void render_throttles(struct sg_metrics *m, struct sg_obuf *b)
{
	header(b, "sockguard_throttle_requests_total",
	       "Total requests denied by rate limiting or concurrency caps. mode is enforce (request "
	       "was blocked with 429) or warn / audit (passed through under rollout mode).", "counter");
	/* label-sorted order: modes audit < enforce < warn; reasons
	 * concurrency_cap < priority_floor < rate_limit_exceeded */
	static const enum sg_obs_mode modes[] = { SG_OBS_AUDIT, SG_OBS_ENFORCE, SG_OBS_WARN };
	static const enum sg_throttle_reason reasons[] = { SG_THROTTLE_CONCURRENCY, SG_THROTTLE_PRIORITY, SG_THROTTLE_RATE };
	uint32_t np = __atomic_load_n(&m->nprofiles, __ATOMIC_ACQUIRE);
	for (unsigned mi = 0; mi < 3; mi++)
		for (unsigned p = 0; p < np; p++)
			for (unsigned ri = 0; ri < 3; ri++) {
				uint64_t v = 0;
				for (unsigned w = 0; w < m->nworkers; w++)
					v += rd(&m->worker[w].throttle[modes[mi]][p][reasons[ri]]);
				if (!v)
					continue;
				sg_obuf_puts(b, "sockguard_throttle_requests_total{");
				label(b, "mode", sg_obs_mode_name(modes[mi]), true);
				label(b, "profile", profile_name(m, p), false);
				label(b, "reason_code", throttle_name[reasons[ri]], false);
				sg_obuf_puts(b, "} ");
				sg_obuf_u64(b, v);
				sg_obuf_putc(b, '\n');
			}

	header(b, "sockguard_inflight_requests",
	       "Current number of in-flight requests per profile under a concurrency cap.", "gauge");
	for (unsigned p = 0; p < np; p++) {
		if (!__atomic_load_n(&m->profile_capped[p], __ATOMIC_RELAXED))
			continue;
		int64_t v = 0;
		for (unsigned w = 0; w < m->nworkers; w++)
			v += __atomic_load_n(&m->worker[w].inflight[p], __ATOMIC_RELAXED);
		sg_obuf_puts(b, "sockguard_inflight_requests{");
		label(b, "profile", profile_name(m, p), true);
		sg_obuf_puts(b, "} ");
		sg_obuf_i64(b, v < 0 ? 0 : v);
		sg_obuf_putc(b, '\n');
	}
}

static void render_reload(struct sg_metrics *m, struct sg_obuf *b)
{
	header(b, "sockguard_config_reload_total",
	       "Total hot-reload attempts since startup. result is ok (applied), reject_load (file read "
	       "or parse failed), reject_validation (validator rejected the candidate config), or "
	       "reject_immutable (an immutable field changed and the reload was refused).", "counter");
	/* label-sorted: ok, reject_immutable, reject_load, reject_signature, reject_validation */
	static const enum sg_reload_result order[] = {
		SG_RELOAD_OK, SG_RELOAD_REJECT_IMMUTABLE, SG_RELOAD_REJECT_LOAD,
		SG_RELOAD_REJECT_SIGNATURE, SG_RELOAD_REJECT_VALIDATION,
	};
	for (unsigned i = 0; i < SG_RELOAD_COUNT; i++) {
		uint64_t v = rd(&m->reloads[order[i]]);
		if (!v)
			continue;
		sg_obuf_puts(b, "sockguard_config_reload_total{result=\"");
		sg_obuf_puts(b, reload_name[order[i]]);
		sg_obuf_puts(b, "\"} ");
		sg_obuf_u64(b, v);
		sg_obuf_putc(b, '\n');
	}
	if (__atomic_load_n(&m->reload_known, __ATOMIC_ACQUIRE)) {
		header(b, "sockguard_config_reload_last_success_timestamp_seconds",
		       "Unix timestamp at which the most recent reload was successfully applied. Omitted "
		       "until the first successful reload.", "gauge");
		sg_obuf_puts(b, "sockguard_config_reload_last_success_timestamp_seconds ");
		sg_obuf_fixed(b, (uint64_t)__atomic_load_n(&m->reload_last_ns, __ATOMIC_RELAXED), 9);
		sg_obuf_putc(b, '\n');
	}
	if (__atomic_load_n(&m->policy_version_known, __ATOMIC_ACQUIRE)) {
		header(b, "sockguard_policy_version",
		       "Monotonic counter of the active policy generation. Starts at 1 on first publish; "
		       "ticks on every successful hot reload. A stable value across scrapes means the "
		       "running policy did not move. Omitted until the first publish.", "gauge");
		sg_obuf_puts(b, "sockguard_policy_version ");
		sg_obuf_i64(b, __atomic_load_n(&m->policy_version, __ATOMIC_RELAXED));
		sg_obuf_putc(b, '\n');
	}
}

static void render_own(struct sg_metrics *m, struct sg_obuf *b, uint64_t lost)
{
	header(b, "sockguard_log_lines_dropped_total",
	       "Log lines dropped because a worker's log ring was full (the sink was slower than the traffic).",
	       "counter");
	static const char *const streams[] = { "access", "audit" };
	for (unsigned s = 0; s < 2; s++) {
		uint64_t v = 0;
		bool any = false;
		for (unsigned i = 0; i < m->nlog_rings; i++)
			if (strcmp(m->log_ring[i].stream, streams[s]) == 0) {
				v += sg_log_ring_drops(m->log_ring[i].ring);
				any = true;
			}
		if (!any)
			continue;
		sg_obuf_puts(b, "sockguard_log_lines_dropped_total{stream=\"");
		sg_obuf_puts(b, streams[s]);
		sg_obuf_puts(b, "\"} ");
		sg_obuf_u64(b, v);
		sg_obuf_putc(b, '\n');
	}
	sg_obuf_puts(b, "sockguard_log_lines_dropped_total{stream=\"log\"} ");
	sg_obuf_u64(b, sg_log_ops_dropped());
	sg_obuf_putc(b, '\n');
	uint64_t dropped = lost;
	for (unsigned w = 0; w < m->nworkers; w++)
		dropped += rd(&m->worker[w].series_dropped);
	header(b, "sockguard_metrics_series_dropped_total",
	       "Observations not recorded because a bounded metrics series table was full.", "counter");
	sg_obuf_puts(b, "sockguard_metrics_series_dropped_total ");
	sg_obuf_u64(b, dropped);
	sg_obuf_putc(b, '\n');
}

size_t sg_metrics_render(struct sg_metrics *m, char *buf, size_t cap)
{
	if (pthread_mutex_trylock(&m->scrape_mu) != 0)
		return 0;
	struct sg_obuf b = sg_obuf_make(buf, cap);
	uint64_t lost = 0;
	render_build(m, &b);
	render_requests(m, &b, &lost);
	render_denies(m, &b, &lost);
	render_durations(m, &b, &lost);
	render_gauges(m, &b);
	render_throttles(m, &b);
	render_reload(m, &b);
	render_own(m, &b, lost);
	pthread_mutex_unlock(&m->scrape_mu);
	if (b.want < cap)
		buf[b.want] = '\0';
	return b.want;
}
