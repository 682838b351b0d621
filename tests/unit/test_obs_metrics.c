/* Metrics blocks and the Prometheus exposition (obs/metrics*.c). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs/log_ring.h"
#include "obs/metrics.h"
#include "obs/metrics_route.h"
#include "policy/reason.h"

static const char *route(const char *path)
{
	static char out[128];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_metrics_route_name(sg_metrics_route(sg_slice_cstr(path)), &b);
	sg_obuf_finish(&b);
	return out;
}

Test(obs_metrics_route, folds_docker_paths_like_the_original)
{
	cr_assert_str_eq(route(""), "unknown");
	cr_assert_str_eq(route("/"), "/");
	cr_assert_str_eq(route("/v1.45/_ping"), "/_ping");
	cr_assert_str_eq(route("/containers/json"), "/containers/json");
	cr_assert_str_eq(route("/v1.43/containers/abc123/start"), "/containers/{id}/start");
	cr_assert_str_eq(route("/containers/abc123"), "/containers/{id}");
	cr_assert_str_eq(route("/containers"), "/containers");
	cr_assert_str_eq(route("/images/registry.example/owner/repo:tag/json"), "/images/{id}/json");
	cr_assert_str_eq(route("/images/create"), "/images/create");
	cr_assert_str_eq(route("/exec/e1/start"), "/exec/{id}/start");
	cr_assert_str_eq(route("/system/df"), "/system/df");
	cr_assert_str_eq(route("/swarm/init"), "/swarm/init");
	cr_assert_str_eq(route("/swarm"), "/swarm");
	cr_assert_str_eq(route("/plugins/pull"), "/plugins/pull");
	cr_assert_str_eq(route("/plugins/sshfs/enable"), "/plugins/{name}/enable");
	cr_assert_str_eq(route("/plugins/vieux/sshfs/enable"), "/plugins/{name}/{action}");
	cr_assert_str_eq(route("/plugins/sshfs"), "/plugins/{name}");
	cr_assert_str_eq(route("/tasks/t1"), "/tasks/...");
	cr_assert_str_eq(route("/events"), "/events");
	/* client-controlled tails stay in a closed vocabulary */
	cr_assert_str_eq(route("/containers/abc/EVIL-random-1234"), "/containers/{id}/{action}");
	cr_assert_str_eq(route("/totally-unknown/x"), "/{other}/...");
}

/* ---- exposition parser: every line must be HELP, TYPE or a sample of a
 * declared family, with well-formed labels and a numeric value. ---- */

struct sample {
	char name[128];
	char labels[512];	/* canonical "k=v,k=v" with unescaped values */
	double value;
};

static int parse_exposition(char *text, struct sample *out, int max)
{
	char family[128] = "";
	char type[32] = "";
	int n = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			cr_assert(strchr(line + 7, ' ') != NULL, "HELP without text: %s", line);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			cr_assert_eq(sscanf(line + 7, "%127s %31s", family, type), 2, "%s", line);
			cr_assert(strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0 ||
				  strcmp(type, "histogram") == 0, "%s", line);
			continue;
		}
		cr_assert_neq(line[0], '#', "unknown comment: %s", line);
		cr_assert_lt(n, max);
		struct sample *s = &out[n++];
		size_t i = 0;
		while (isalnum((unsigned char)line[i]) || line[i] == '_')
			i++;
		cr_assert_lt(i, sizeof(s->name));
		memcpy(s->name, line, i);
		s->name[i] = '\0';
		cr_assert_eq(strncmp(s->name, family, strlen(family)), 0, "%s outside family %s", s->name, family);
		size_t lo = 0;
		s->labels[0] = '\0';
		if (line[i] == '{') {
			i++;
			while (line[i] != '}') {
				cr_assert(isalpha((unsigned char)line[i]) || line[i] == '_', "%s", line);
				while (line[i] != '=') {
					cr_assert_neq(line[i], '\0');
					s->labels[lo++] = line[i++];
				}
				s->labels[lo++] = line[i++];
				cr_assert_eq(line[i], '"', "%s", line);
				i++;
				while (line[i] != '"') {
					cr_assert_neq(line[i], '\0', "unterminated label: %s", line);
					if (line[i] == '\\') {
						i++;
						cr_assert(line[i] == '\\' || line[i] == '"' || line[i] == 'n', "%s", line);
						s->labels[lo++] = line[i] == 'n' ? '\n' : line[i];
						i++;
						continue;
					}
					s->labels[lo++] = line[i++];
				}
				i++;
				if (line[i] == ',') {
					s->labels[lo++] = ',';
					i++;
				}
			}
			i++;
			s->labels[lo] = '\0';
		}
		cr_assert_eq(line[i], ' ', "%s", line);
		char *end;
		s->value = strtod(line + i + 1, &end);
		cr_assert_eq(*end, '\0', "bad value in: %s", line);
	}
	return n;
}

static const struct sample *find(const struct sample *s, int n, const char *name, const char *labels)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s[i].name, name) == 0 && strcmp(s[i].labels, labels) == 0)
			return &s[i];
	return NULL;
}

static double value(const struct sample *s, int n, const char *name, const char *labels)
{
	const struct sample *x = find(s, n, name, labels);
	cr_assert_not_null(x, "missing %s{%s}", name, labels);
	return x->value;
}

static char text[1 << 20];
static struct sample samples[4096];

static int scrape(struct sg_metrics *m)
{
	size_t n = sg_metrics_render(m, text, sizeof(text));
	cr_assert_gt(n, 0);
	cr_assert_lt(n, sizeof(text));
	cr_assert_eq(text[n - 1], '\n');
	return parse_exposition(text, samples, 4096);
}

static struct sg_metrics_obs obs(enum sg_obs_decision d, enum sg_metrics_method me, unsigned prof,
				 const char *path, uint16_t status, uint64_t latency_ns)
{
	return (struct sg_metrics_obs){
		.decision = d, .method = me, .profile = prof, .route = sg_metrics_route(sg_slice_cstr(path)),
		.status = status, .reason = SG_REASON_NONE, .rule = -1, .latency_ns = latency_ns,
	};
}

Test(obs_metrics, exposition_parses_back_and_sums_workers)
{
	struct sg_metrics m;
	struct sg_build_info bi = { "0.1.0", "abc\"def", "2026-01-01", "gcc 12" };
	cr_assert_eq(sg_metrics_init(&m, 2, &bi), 0);
	unsigned ci = sg_metrics_profile_id(&m, "ci");
	cr_assert_eq(ci, 1);
	cr_assert_eq(sg_metrics_profile_id(&m, "ci"), 1);
	cr_assert_eq(sg_metrics_profile_id(&m, NULL), 0);
	sg_metrics_profile_capped(&m, ci, true);

	struct sg_metrics_obs o = obs(SG_OBS_ALLOW, SG_M_GET, ci, "/v1.45/containers/json", 200, 3000000);
	sg_metrics_observe(sg_metrics_worker(&m, 0), &o);
	o.latency_ns = 20000000;
	sg_metrics_observe(sg_metrics_worker(&m, 1), &o);
	o.status = 304;	/* same duration series, different request series */
	sg_metrics_observe(sg_metrics_worker(&m, 1), &o);

	struct sg_metrics_obs d = obs(SG_OBS_DENY, SG_M_POST, 0, "/containers/create", 403, 100000);
	d.reason = SG_REASON_BODY_POLICY_DENIED;
	d.rule = 4;
	sg_metrics_observe(sg_metrics_worker(&m, 0), &d);
	d.decision = SG_OBS_WOULD_DENY;
	d.mode = SG_OBS_WARN;
	d.status = 201;
	sg_metrics_observe(sg_metrics_worker(&m, 1), &d);

	sg_metrics_throttle(sg_metrics_worker(&m, 0), ci, SG_THROTTLE_RATE, SG_OBS_ENFORCE);
	sg_metrics_throttle(sg_metrics_worker(&m, 1), ci, SG_THROTTLE_RATE, SG_OBS_ENFORCE);
	sg_metrics_throttle(sg_metrics_worker(&m, 1), ci, SG_THROTTLE_CONCURRENCY, SG_OBS_WARN);
	sg_metrics_inflight_add(sg_metrics_worker(&m, 0), ci, 2);
	sg_metrics_inflight_add(sg_metrics_worker(&m, 1), ci, 1);
	sg_metrics_active_add(sg_metrics_worker(&m, 0), 1);
	sg_metrics_watchdog_check(&m, false);
	sg_metrics_watchdog_check(&m, true);
	sg_metrics_reload(&m, SG_RELOAD_OK, 1767366245500000000LL);
	sg_metrics_reload(&m, SG_RELOAD_REJECT_VALIDATION, 0);
	sg_metrics_policy_version(&m, 7);

	int n = scrape(&m);
	cr_assert_eq(value(samples, n, "sockguard_build_info",
			   "version=0.1.0,commit=abc\"def,build_date=2026-01-01,go_version=gcc 12"), 1);
	cr_assert_gt(value(samples, n, "sockguard_start_time_seconds", ""), 1.7e9);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_total",
			   "decision=allow,method=GET,profile=ci,route=/containers/json,status=200"), 2);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_total",
			   "decision=allow,method=GET,profile=ci,route=/containers/json,status=304"), 1);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_total",
			   "decision=deny,method=POST,profile=default,route=/containers/create,status=403"), 1);
	cr_assert_eq(value(samples, n, "sockguard_http_denied_requests_total",
			   "mode=enforce,profile=default,reason_code=request_body_policy_denied,route=/containers/create,rule=4"), 1);
	cr_assert_eq(value(samples, n, "sockguard_http_denied_requests_total",
			   "mode=warn,profile=default,reason_code=request_body_policy_denied,route=/containers/create,rule=4"), 1);
	const char *h = "decision=allow,method=GET,profile=ci,route=/containers/json";
	char lbl[256];
	snprintf(lbl, sizeof(lbl), "%s,le=0.005", h);
	cr_assert_eq(value(samples, n, "sockguard_http_request_duration_seconds_bucket", lbl), 1);
	snprintf(lbl, sizeof(lbl), "%s,le=0.025", h);
	cr_assert_eq(value(samples, n, "sockguard_http_request_duration_seconds_bucket", lbl), 3);
	snprintf(lbl, sizeof(lbl), "%s,le=+Inf", h);
	cr_assert_eq(value(samples, n, "sockguard_http_request_duration_seconds_bucket", lbl), 3);
	cr_assert_eq(value(samples, n, "sockguard_http_request_duration_seconds_count", h), 3);
	cr_assert_float_eq(value(samples, n, "sockguard_http_request_duration_seconds_sum", h), 0.043, 1e-9);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_active", ""), 1);
	cr_assert_eq(value(samples, n, "sockguard_upstream_socket_up", ""), 1);
	cr_assert_eq(value(samples, n, "sockguard_upstream_watchdog_checks_total", "result=connected"), 1);
	cr_assert_eq(value(samples, n, "sockguard_upstream_watchdog_checks_total", "result=unreachable"), 1);
	cr_assert_eq(value(samples, n, "sockguard_throttle_requests_total",
			   "mode=enforce,profile=ci,reason_code=rate_limit_exceeded"), 2);
	cr_assert_eq(value(samples, n, "sockguard_throttle_requests_total",
			   "mode=warn,profile=ci,reason_code=concurrency_cap"), 1);
	cr_assert_eq(value(samples, n, "sockguard_inflight_requests", "profile=ci"), 3);
	cr_assert_null(find(samples, n, "sockguard_inflight_requests", "profile=default"));
	cr_assert_eq(value(samples, n, "sockguard_config_reload_total", "result=ok"), 1);
	cr_assert_eq(value(samples, n, "sockguard_config_reload_total", "result=reject_validation"), 1);
	cr_assert_float_eq(value(samples, n, "sockguard_config_reload_last_success_timestamp_seconds", ""),
			   1767366245.5, 1e-3);
	cr_assert_eq(value(samples, n, "sockguard_policy_version", ""), 7);
	cr_assert_eq(value(samples, n, "sockguard_metrics_series_dropped_total", ""), 0);
	sg_metrics_destroy(&m);
}

Test(obs_metrics, optional_series_are_omitted_until_known)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	size_t len = sg_metrics_render(&m, text, sizeof(text));
	cr_assert_gt(len, 0);
	cr_assert(strstr(text, "# TYPE sockguard_http_requests_total counter\n") != NULL);
	cr_assert(strstr(text, "sockguard_upstream_socket_up") == NULL);
	cr_assert(strstr(text, "sockguard_config_reload_last_success_timestamp_seconds") == NULL);
	cr_assert(strstr(text, "sockguard_policy_version") == NULL);
	/* every line ends with \n and there are no blank lines */
	cr_assert(strstr(text, "\n\n") == NULL);
	sg_metrics_destroy(&m);
}

Test(obs_metrics, label_values_are_escaped)
{
	char out[64];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_metrics_label_value(&b, "a\\b\"c\nd", 7);
	sg_obuf_finish(&b);
	cr_assert_str_eq(out, "\"a\\\\b\\\"c\\nd\"");
}

Test(obs_metrics, small_buffer_reports_the_needed_size)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	char small[100];
	size_t need = sg_metrics_render(&m, small, sizeof(small));
	cr_assert_gt(need, sizeof(small));
	size_t full = sg_metrics_render(&m, text, sizeof(text));
	cr_assert_eq(need, full);
	sg_metrics_destroy(&m);
}

Test(obs_metrics, full_series_table_counts_drops_instead_of_growing)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	struct sg_metrics_worker *w = sg_metrics_worker(&m, 0);
	for (uint16_t st = 100; st < 600; st++)
		for (int me = 0; me < 8; me++) {
			struct sg_metrics_obs o = obs(SG_OBS_ALLOW, (enum sg_metrics_method)me, 0, "/_ping", st, 1000);
			sg_metrics_observe(w, &o);
		}
	cr_assert_leq(w->req.used, SG_METRICS_REQ_SERIES / 4 * 3);
	cr_assert_gt(w->series_dropped, 0);
	int n = scrape(&m);
	cr_assert_eq(value(samples, n, "sockguard_metrics_series_dropped_total", ""), (double)w->series_dropped);
	sg_metrics_destroy(&m);
}

Test(obs_metrics, log_ring_drops_are_exported)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	struct sg_log_ring r;
	cr_assert_eq(sg_log_ring_init(&r, 4096, "access"), 0);
	char big[5000];
	memset(big, 'x', sizeof(big));
	sg_log_append(&r, big, sizeof(big));
	cr_assert_eq(sg_metrics_add_log_ring(&m, &r, "access"), 0);
	int n = scrape(&m);
	cr_assert_eq(value(samples, n, "sockguard_log_lines_dropped_total", "stream=access"), 1);
	sg_log_ring_destroy(&r);
	sg_metrics_destroy(&m);
}

/* Workers write while a scraper renders: counts are monotonic and final
 * totals exact (run under ASan/TSan to catch races). */
struct mw {
	struct sg_metrics *m;
	unsigned idx;
	int n;
};

static void *mwork(void *arg)
{
	struct mw *a = arg;
	struct sg_metrics_worker *w = sg_metrics_worker(a->m, a->idx);
	for (int i = 0; i < a->n; i++) {
		struct sg_metrics_obs o = obs(SG_OBS_ALLOW, SG_M_GET, 0, i % 2 ? "/_ping" : "/info", 200, 1000);
		sg_metrics_observe(w, &o);
	}
	return NULL;
}

Test(obs_metrics, concurrent_scrapes_see_consistent_totals, .timeout = 60)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 4, NULL), 0);
	pthread_t t[4];
	struct mw a[4];
	for (unsigned i = 0; i < 4; i++) {
		a[i] = (struct mw){ &m, i, 50000 };
		pthread_create(&t[i], NULL, mwork, &a[i]);
	}
	double last = 0;
	for (int k = 0; k < 20; k++) {
		int n = scrape(&m);
		const struct sample *s = find(samples, n, "sockguard_http_requests_total",
					      "decision=allow,method=GET,profile=default,route=/_ping,status=200");
		double v = s ? s->value : 0;
		cr_assert_geq(v, last);
		last = v;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	int n = scrape(&m);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_total",
			   "decision=allow,method=GET,profile=default,route=/_ping,status=200"), 100000);
	cr_assert_eq(value(samples, n, "sockguard_http_requests_total",
			   "decision=allow,method=GET,profile=default,route=/info,status=200"), 100000);
	sg_metrics_destroy(&m);
}

Test(obs_metrics, build_info_defaults_name_the_toolchain)
{
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	int n = scrape(&m);
	char want[256];
	snprintf(want, sizeof(want), "version=%s,commit=unknown,build_date=unknown,go_version=%s", SG_VERSION,
		 sg_metrics_toolchain());
	cr_assert_eq(value(samples, n, "sockguard_build_info", want), 1);
	cr_assert(strncmp(sg_metrics_toolchain(), "gcc ", 4) == 0 || strncmp(sg_metrics_toolchain(), "clang ", 6) == 0);
	sg_metrics_destroy(&m);
}
