/* Access and audit records (obs/access_event.c, obs/audit_event.c) and
 * request IDs (obs/rng.c). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "obs/access_event.h"
#include "obs/audit_event.h"
#include "obs/log_ring.h"
#include "obs/rng.h"

#define T0 1767366245123456789LL	/* 2026-01-02T15:04:05.123456789Z */

static struct sg_trace_ctx trace_with_parent(void)
{
	struct sg_trace_ctx t;
	memcpy(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736", 32);
	memcpy(t.parent_id, "00f067aa0ba902b7", 16);
	memcpy(t.span_id, "b7ad6b7169203331", 16);
	memcpy(t.flags, "01", 2);
	t.has_parent = true;
	return t;
}

static struct sg_access_event sample(const struct sg_trace_ctx *t)
{
	struct sg_access_event e = {
		.time_ns = T0,
		.method = SG_SLICE_LIT("POST"),
		.raw_path = SG_SLICE_LIT("/v1.45/containers/create"),
		.normalized_path = SG_SLICE_LIT("/containers/create"),
		.decision = SG_OBS_DENY,
		.rule = 2,
		.reason_code = "request_body_policy_denied",
		.reason = SG_SLICE_LIT("privileged containers are not allowed"),
		.profile = SG_SLICE_LIT("ci"),
		.status = 403,
		.latency_ns = 1234567,
		.bytes = 87,
		.client_request_id = SG_SLICE_LIT("abc\"1"),
		.trace = t,
		.remote_addr = SG_SLICE_LIT("10.0.0.5:51234"),
		.tls = true,
		.protocol = SG_SLICE_LIT("HTTP/1.1"),
	};
	memcpy(e.request_id, "0123456789abcdef0123456789abcdef", 32);
	return e;
}

Test(obs_access, json_line_matches_the_go_access_log)
{
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
	struct sg_trace_ctx t = trace_with_parent();
	struct sg_access_event e = sample(&t);
	char buf[2048];
	size_t n = sg_access_format(&e, SG_LOG_FORMAT_JSON, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"{\"time\":\"2026-01-02T15:04:05.123Z\",\"level\":\"WARN\",\"msg\":\"request_denied\","
		"\"method\":\"POST\",\"path\":\"/v1.45/containers/create\","
		"\"request_id\":\"0123456789abcdef0123456789abcdef\",\"client_request_id\":\"abc\\\"1\","
		"\"normalized_path\":\"/containers/create\",\"decision\":\"deny\",\"rule\":2,\"profile\":\"ci\","
		"\"reason_code\":\"request_body_policy_denied\",\"reason\":\"privileged containers are not allowed\","
		"\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"trace_parent_id\":\"00f067aa0ba902b7\","
		"\"trace_span_id\":\"b7ad6b7169203331\",\"trace_sampled\":true,"
		"\"status\":403,\"latency_ms\":1.234,\"bytes\":87,\"client\":\"10.0.0.5:51234\"}\n");
}

Test(obs_access, allow_omits_empty_optional_fields)
{
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
	struct sg_access_event e = {
		.time_ns = T0, .method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/_ping"),
		.normalized_path = SG_SLICE_LIT("/_ping"), .decision = SG_OBS_ALLOW, .rule = 0,
		.status = 200, .latency_ns = 250000, .remote_addr = SG_SLICE_LIT("@"), .unix_listener = true,
	};
	char buf[1024];
	size_t n = sg_access_format(&e, SG_LOG_FORMAT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"{\"time\":\"2026-01-02T15:04:05.123Z\",\"level\":\"INFO\",\"msg\":\"request\","
		"\"method\":\"GET\",\"path\":\"/_ping\",\"normalized_path\":\"/_ping\",\"decision\":\"allow\","
		"\"rule\":0,\"status\":200,\"latency_ms\":0.25,\"bytes\":0,\"client\":\"@\"}\n");
}

Test(obs_access, would_deny_level_depends_on_mode_and_level_filter_applies)
{
	struct sg_access_event e = { .decision = SG_OBS_WOULD_DENY, .mode = SG_OBS_WARN };
	const char *msg;
	cr_assert_eq(sg_access_level(&e, &msg), SG_LOG_WARN);
	cr_assert_str_eq(msg, "request_would_deny");
	e.mode = SG_OBS_AUDIT;
	cr_assert_eq(sg_access_level(&e, &msg), SG_LOG_INFO);

	sg_log_setup(SG_LOG_WARN, SG_LOG_FORMAT_JSON, NULL, NULL);
	struct sg_access_event ok = { .decision = SG_OBS_ALLOW, .method = SG_SLICE_LIT("GET") };
	char buf[1024];
	cr_assert_eq(sg_access_format(&ok, SG_LOG_FORMAT_JSON, buf, sizeof(buf)), 0);
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
}

Test(obs_access, text_format_and_rollout_mode)
{
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_TEXT, NULL, NULL);
	struct sg_access_event e = {
		.time_ns = T0, .method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/containers/a b/json"),
		.normalized_path = SG_SLICE_LIT("/containers/a b/json"), .decision = SG_OBS_WOULD_DENY,
		.mode = SG_OBS_AUDIT, .rule = -1, .reason_code = "no_matching_allow_rule", .status = 200,
		.latency_ns = 3000000, .remote_addr = SG_SLICE_LIT("@"),
	};
	char buf[1024];
	size_t n = sg_access_format(&e, SG_LOG_FORMAT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"time=2026-01-02T15:04:05.123Z level=INFO msg=request_would_deny method=GET "
		"path=\"/containers/a b/json\" normalized_path=\"/containers/a b/json\" decision=would_deny "
		"rule=-1 rollout_mode=audit reason_code=no_matching_allow_rule status=200 latency_ms=3 bytes=0 client=@\n");
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
}

Test(obs_access, oversize_record_is_dropped_and_counted)
{
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
	struct sg_log_ring r;
	cr_assert_eq(sg_log_ring_init(&r, 4096, "access"), 0);
	struct sg_access_event e = sample(NULL);
	char small[64];
	cr_assert_not(sg_access_log(&r, &e, small, sizeof(small)));
	cr_assert_eq(sg_log_ring_drops(&r), 1);
	char big[4096];
	cr_assert(sg_access_log(&r, &e, big, sizeof(big)));
	cr_assert_eq(sg_log_ring_lines(&r), 1);
	sg_log_ring_destroy(&r);
}

Test(obs_audit, json_has_the_stable_schema)
{
	struct sg_trace_ctx t = trace_with_parent();
	struct sg_access_event e = sample(&t);
	e.mode = SG_OBS_WARN;
	e.decision = SG_OBS_WOULD_DENY;
	struct sg_audit_options o = { .owner = "ci-job-123", .label_key = "com.sockguard.owner" };
	char buf[4096];
	size_t n = sg_audit_format(&e, &o, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"{\"event_type\":\"http_request\",\"timestamp\":\"2026-01-02T15:04:05.123456789Z\","
		"\"request_id\":\"0123456789abcdef0123456789abcdef\",\"client_request_id\":\"abc\\\"1\","
		"\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"trace_parent_id\":\"00f067aa0ba902b7\","
		"\"trace_span_id\":\"b7ad6b7169203331\",\"trace_sampled\":true,\"method\":\"POST\","
		"\"raw_path\":\"/v1.45/containers/create\",\"normalized_path\":\"/containers/create\","
		"\"decision\":\"would_deny\",\"reason_code\":\"request_body_policy_denied\","
		"\"reason\":\"privileged containers are not allowed\",\"matched_rule\":2,"
		"\"selected_profile\":\"ci\",\"rollout_mode\":\"warn\",\"status\":403,"
		"\"actor_remote_addr\":\"10.0.0.5:51234\",\"actor_source_ip\":\"10.0.0.5\","
		"\"transport_listener\":\"tcp\",\"transport_scheme\":\"https\",\"transport_protocol\":\"HTTP/1.1\","
		"\"ownership\":{\"enabled\":true,\"owner\":\"ci-job-123\",\"label_key\":\"com.sockguard.owner\"}}\n");
}

Test(obs_audit, empty_fields_are_present_and_ownership_disabled)
{
	struct sg_access_event e = {
		.time_ns = 1767366245000000000LL, .method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/_ping"),
		.normalized_path = SG_SLICE_LIT("/_ping"), .rule = -1, .status = 200,
		.remote_addr = SG_SLICE_LIT("@"), .unix_listener = true, .protocol = SG_SLICE_LIT("HTTP/1.1"),
		.listener_name = SG_SLICE_LIT("default"),
	};
	char buf[4096];
	size_t n = sg_audit_format(&e, NULL, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"{\"event_type\":\"http_request\",\"timestamp\":\"2026-01-02T15:04:05Z\",\"request_id\":\"\","
		"\"client_request_id\":\"\",\"trace_id\":\"\",\"trace_parent_id\":\"\",\"trace_span_id\":\"\","
		"\"trace_sampled\":false,\"method\":\"GET\",\"raw_path\":\"/_ping\",\"normalized_path\":\"/_ping\","
		"\"decision\":\"allow\",\"reason_code\":\"\",\"reason\":\"\",\"matched_rule\":-1,"
		"\"selected_profile\":\"\",\"status\":200,\"actor_remote_addr\":\"@\",\"actor_source_ip\":\"\","
		"\"transport_listener\":\"unix\",\"transport_scheme\":\"http\",\"transport_protocol\":\"HTTP/1.1\","
		"\"listener_name\":\"default\",\"ownership\":{\"enabled\":false,\"owner\":\"\",\"label_key\":\"\"}}\n");
}

Test(obs_audit, invalid_utf8_in_paths_stays_valid_json)
{
	struct sg_access_event e = {
		.method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/x\xff\n\x01"), .rule = -1,
	};
	char buf[4096];
	size_t n = sg_audit_format(&e, NULL, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert(strstr(buf, "\"raw_path\":\"/x\\ufffd\\n\\u0001\"") != NULL, "%s", buf);
	cr_assert_eq(strchr(buf, '\n'), buf + n - 1, "exactly one newline, at the end");
}

Test(obs_audit, source_ip_is_split_like_go)
{
	cr_assert(sg_slice_eq_cstr(sg_audit_source_ip(SG_SLICE_LIT("10.0.0.5:51234")), "10.0.0.5"));
	cr_assert(sg_slice_eq_cstr(sg_audit_source_ip(SG_SLICE_LIT("[2001:db8::1]:443")), "2001:db8::1"));
	cr_assert_eq(sg_audit_source_ip(SG_SLICE_LIT("@")).len, 0);
	cr_assert_eq(sg_audit_source_ip(SG_SLICE_LIT("2001:db8::1")).len, 0);
}

Test(obs_access, remote_addresses_render_like_go)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	in->sin_family = AF_INET;
	in->sin_port = htons(51234);
	inet_pton(AF_INET, "203.0.113.7", &in->sin_addr);
	char out[64];
	size_t n = sg_obs_format_remote(&ss, false, out, sizeof(out));
	cr_assert_str_eq(out, "203.0.113.7:51234");
	cr_assert_eq(n, strlen(out));
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	memset(&ss, 0, sizeof(ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &in6->sin6_addr);
	sg_obs_format_remote(&ss, false, out, sizeof(out));
	cr_assert_str_eq(out, "[2001:db8::1]:443");
	sg_obs_format_remote(NULL, true, out, sizeof(out));
	cr_assert_str_eq(out, "@");
}

Test(obs_request_id, ids_are_32_lowercase_hex_and_distinct)
{
	struct sg_rng rng;
	sg_rng_seed(&rng, 3);
	char a[SG_REQUEST_ID_LEN], b[SG_REQUEST_ID_LEN];
	sg_request_id_new(&rng, a);
	sg_request_id_new(&rng, b);
	for (int i = 0; i < SG_REQUEST_ID_LEN; i++)
		cr_assert((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
	cr_assert_neq(memcmp(a, b, SG_REQUEST_ID_LEN), 0);

	struct sg_rng w0, w1;	/* two workers seeded in the same instant */
	sg_rng_seed(&w0, 0);
	sg_rng_seed(&w1, 1);
	sg_request_id_new(&w0, a);
	sg_request_id_new(&w1, b);
	cr_assert_neq(memcmp(a, b, SG_REQUEST_ID_LEN), 0);
}

/* ---- throttle records (obs/throttle_event.c) ---- */
#include "obs/throttle_event.h"

Test(obs_throttle, json_record_nests_the_throttle_group)
{
	struct sg_access_event e = {
		.method = SG_SLICE_LIT("GET"), .raw_path = SG_SLICE_LIT("/v1.45/containers/json"),
		.normalized_path = SG_SLICE_LIT("/containers/json"), .rule = -1,
	};
	memcpy(e.request_id, "0123456789abcdef0123456789abcdef", 32);
	struct sg_throttle_event t = {
		.req = &e, .client_id = SG_SLICE_LIT("ci"), .reason = "concurrency_cap",
		.extra = { { "current_inflight", 4 }, { "max_inflight", 4 } }, .nextra = 2,
	};
	char buf[2048];
	size_t n = sg_throttle_format(&t, SG_LOG_FORMAT_JSON, T0, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert_str_eq(buf,
		"{\"time\":\"2026-01-02T15:04:05.123Z\",\"level\":\"INFO\",\"msg\":\"throttle\",\"throttle\":{"
		"\"method\":\"GET\",\"path\":\"/v1.45/containers/json\",\"request_id\":\"0123456789abcdef0123456789abcdef\","
		"\"normalized_path\":\"/containers/json\",\"decision\":\"allow\",\"rule\":-1,\"client_id\":\"ci\","
		"\"reason\":\"concurrency_cap\",\"path\":\"/containers/json\",\"current_inflight\":4,\"max_inflight\":4}}\n");
	n = sg_throttle_format(&t, SG_LOG_FORMAT_TEXT, T0, buf, sizeof(buf));
	buf[n] = '\0';
	cr_assert(strstr(buf, " msg=throttle throttle.method=GET ") != NULL, "%s", buf);
	cr_assert(strstr(buf, " throttle.client_id=ci throttle.reason=concurrency_cap ") != NULL, "%s", buf);
}

Test(obs_throttle, sampler_emits_once_per_client_reason_second)
{
	static struct sg_throttle_sampler s;
	cr_assert(sg_throttle_should_emit(&s, SG_SLICE_LIT("ci"), "rate_limit_exceeded", 100));
	cr_assert_not(sg_throttle_should_emit(&s, SG_SLICE_LIT("ci"), "rate_limit_exceeded", 100));
	cr_assert(sg_throttle_should_emit(&s, SG_SLICE_LIT("ci"), "concurrency_cap", 100));
	cr_assert(sg_throttle_should_emit(&s, SG_SLICE_LIT("other"), "rate_limit_exceeded", 100));
	cr_assert(sg_throttle_should_emit(&s, SG_SLICE_LIT("ci"), "rate_limit_exceeded", 101));
}
