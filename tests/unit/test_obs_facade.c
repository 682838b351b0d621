/* The observability facade (obs/obs.c): start-up, per-request calls, flush. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obs/obs.h"
#include "policy/reason.h"

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(obs_facade, requests_reach_access_audit_and_metrics)
{
	char logp[] = "/tmp/sg_obs_facade_log_XXXXXX", audp[] = "/tmp/sg_obs_facade_aud_XXXXXX";
	close(mkstemp(logp));
	close(mkstemp(audp));
	char lo[128], ao[128], err[256];
	snprintf(lo, sizeof(lo), "file:%s", logp);
	snprintf(ao, sizeof(ao), "file:%s", audp);
	struct sg_obs_config c = {
		.log_level = "info", .log_format = "json", .log_output = lo, .access_log = true,
		.audit_enabled = true, .audit_format = "json", .audit_output = ao,
		.ownership_owner = "job-1", .ownership_label_key = "com.sockguard.owner",
		.upstream_socket = "/nonexistent/docker.sock", .nworkers = 2, .ring_cap = 64 * 1024,
		.build = { "0.1.0", "deadbeef", "2026-01-01", "gcc" },
	};
	static struct sg_obs o;
	cr_assert_eq(sg_obs_init(&o, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sg_obs_start(&o), 0);
	for (unsigned i = 0; i < 2; i++) {
		struct sg_obs_worker *w = sg_obs_worker(&o, i);
		for (int k = 0; k < 10; k++) {
			struct sg_obs_request rq;
			sg_obs_request_begin(w, &rq, SG_SLICE_LIT("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
			struct sg_access_event e = {
				.method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/v1.45/containers/json"),
				.normalized_path = SG_SLICE_LIT("/containers/json"), .decision = SG_OBS_ALLOW,
				.rule = 0, .reason_code = sg_reason_code(SG_REASON_MATCHED_ALLOW_RULE), .status = 200,
				.trace = &rq.trace, .remote_addr = SG_SLICE_LIT("@"), .unix_listener = true,
				.protocol = SG_SLICE_LIT("HTTP/1.1"),
			};
			memcpy(e.request_id, rq.request_id, SG_REQUEST_ID_LEN);
			struct sg_metrics_obs m = {
				.decision = SG_OBS_ALLOW, .method = sg_metrics_method(e.method),
				.route = sg_metrics_route(e.normalized_path), .status = 200, .rule = 0,
			};
			sg_obs_request_end(w, &rq, &e, &m);
		}
	}
	/* two throttle denials in the same second: both counted, one logged */
	for (int k = 0; k < 2; k++) {
		struct sg_access_event e = { .method = SG_SLICE_LIT("GET"), .rule = -1,
					     .normalized_path = SG_SLICE_LIT("/containers/json") };
		struct sg_throttle_event t = { .req = &e, .client_id = SG_SLICE_LIT("ci"), .reason = "rate_limit_exceeded" };
		sg_obs_throttle(sg_obs_worker(&o, 0), &t, sg_metrics_profile_id(&o.metrics, "ci"),
				SG_THROTTLE_RATE, SG_OBS_ENFORCE);
	}
	sg_log(SG_LOG_INFO, "shutting down");
	static char text[1 << 18];
	size_t n = sg_metrics_render(&o.metrics, text, sizeof(text));
	cr_assert_gt(n, 0);
	cr_assert(strstr(text, "sockguard_http_requests_total{decision=\"allow\",method=\"GET\",profile=\"default\","
			       "route=\"/containers/json\",status=\"200\"} 20\n") != NULL, "%s", text);
	cr_assert(strstr(text, "sockguard_http_requests_active 0\n") != NULL);
	cr_assert(strstr(text, "sockguard_throttle_requests_total{mode=\"enforce\",profile=\"ci\","
			       "reason_code=\"rate_limit_exceeded\"} 2\n") != NULL, "%s", text);
	sg_obs_destroy(&o);

	static char buf[1 << 18];
	slurp(logp, buf, sizeof(buf));
	/* 20 access + 1 operational + 1 throttle (2 if the pair straddled a second) */
	int lines = count_lines(buf);
	cr_assert(lines == 22 || lines == 23, "%d lines:\n%s", lines, buf);
	cr_assert(strstr(buf, "\"msg\":\"throttle\",\"throttle\":{") != NULL);
	cr_assert(strstr(buf, "\"msg\":\"request\"") != NULL);
	cr_assert(strstr(buf, "\"trace_parent_id\":\"00f067aa0ba902b7\"") != NULL);
	cr_assert(strstr(buf, "\"msg\":\"shutting down\"") != NULL);
	slurp(audp, buf, sizeof(buf));
	cr_assert_eq(count_lines(buf), 20);
	cr_assert(strstr(buf, "\"ownership\":{\"enabled\":true,\"owner\":\"job-1\"") != NULL);
	unlink(logp);
	unlink(audp);
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
}

Test(obs_facade, bad_config_is_reported)
{
	static struct sg_obs o;
	char err[256];
	struct sg_obs_config c = { .log_format = "xml", .nworkers = 1 };
	cr_assert_neq(sg_obs_init(&o, &c, err, sizeof(err)), 0);
	cr_assert(strstr(err, "log.format") != NULL);
	struct sg_obs_config c2 = { .log_output = "file:relative", .nworkers = 1 };
	cr_assert_neq(sg_obs_init(&o, &c2, err, sizeof(err)), 0);
	cr_assert(strstr(err, "relative") != NULL, "%s", err);
	struct sg_obs_config c3 = { .audit_enabled = true, .audit_format = "text", .nworkers = 1 };
	cr_assert_neq(sg_obs_init(&o, &c3, err, sizeof(err)), 0);
	cr_assert(strstr(err, "audit") != NULL, "%s", err);
}
