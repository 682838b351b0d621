/* tests/unit/test_exec_lookup.c — the exec-start re-check: the lookup's
 * request text and response handling (ring/exec_lookup.h, pure half), and
 * how the policy judges its outcome (sg_policy_inspect_exec). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "inspect/settings.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "ring/exec_lookup.h"

/* ---- request ----------------------------------------------------------------- */

static char req[1024];

static const char *request_for(const char *canon)
{
	size_t n = sg_exec_lookup_request(req, sizeof(req), sg_slice_cstr(canon));
	return n ? req : NULL;
}

Test(exec_lookup, request_names_the_canonical_id)
{
	cr_assert_str_eq(request_for("/exec/3f2a9c/start"), "GET /exec/3f2a9c/json HTTP/1.1\r\nHost: docker\r\n\r\n");
	/* decoded bytes of the canonical id go back percent-encoded */
	cr_assert_str_eq(request_for("/exec/a b?#%\xff~._-/start"),
			 "GET /exec/a%20b%3F%23%25%FF~._-/json HTTP/1.1\r\nHost: docker\r\n\r\n");
}

Test(exec_lookup, request_refuses_anything_but_one_id_segment)
{
	cr_assert_null(request_for("/exec//start"));
	cr_assert_null(request_for("/exec/a/b/start"));
	cr_assert_null(request_for("/exec/abc/resize"));
	cr_assert_null(request_for("/containers/abc/start"));
	cr_assert_null(request_for("/exec/start"));
	char big[600];
	memset(big, 'a', sizeof(big));
	memcpy(big, "/exec/", 6);
	memcpy(big + sizeof(big) - 7, "/start", 7);
	cr_assert_eq(sg_exec_lookup_request(req, 64, sg_slice_cstr(big)), 0);	/* does not fit */
	static char roomy[2048];
	cr_assert_leq(sg_exec_lookup_request_cap(sg_slice_cstr(big)), sizeof(roomy));
	cr_assert_gt(sg_exec_lookup_request(roomy, sg_exec_lookup_request_cap(sg_slice_cstr(big)), sg_slice_cstr(big)), 0);
}

/* ---- response ---------------------------------------------------------------- */

static char body[256];
static struct sg_exec_lookup L;

static enum sg_exec_lookup_step feed_all(const char *resp, size_t step)
{
	sg_exec_lookup_init(&L, body, sizeof(body));
	size_t n = strlen(resp);
	enum sg_exec_lookup_step st = SG_XL_MORE;
	for (size_t i = 0; i < n && st == SG_XL_MORE; i += step)
		st = sg_exec_lookup_feed(&L, resp + i, i + step <= n ? step : n - i);
	return st;
}

#define JSON "{\"ProcessConfig\":{\"entrypoint\":\"cat\"}}"
#define OK_CL "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n" JSON

Test(exec_lookup, found_in_one_read_or_byte_by_byte)
{
	cr_assert_eq(strlen(JSON), 38);
	for (size_t step = 1; step <= 200; step += 199) {
		cr_assert_eq(feed_all(OK_CL, step), SG_XL_DONE);
		cr_assert_eq(sg_exec_lookup_outcome_of(&L), SG_EXEC_LOOKUP_FOUND);
		cr_assert_eq(L.body_len, 38);
		cr_assert(memcmp(L.body, JSON, 38) == 0);
		cr_assert(L.reusable);
	}
}

Test(exec_lookup, chunked_body_is_dechunked)
{
	cr_assert_eq(feed_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			      "5\r\n{\"Pro\r\n21\r\ncessConfig\":{\"entrypoint\":\"cat\"}}\r\n0\r\n\r\n", 7), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FOUND);
	cr_assert_eq(L.body_len, 38);
	cr_assert(memcmp(L.body, JSON, 38) == 0);
}

Test(exec_lookup, not_found_keeps_the_connection)
{
	cr_assert_eq(feed_all("HTTP/1.1 404 Not Found\r\nContent-Length: 44\r\n\r\n"
			      "{\"message\":\"No such exec instance: abcdef\"}\n", 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_NOT_FOUND);
	cr_assert_eq(L.body_len, 0);
	cr_assert(L.reusable);
}

Test(exec_lookup, other_statuses_fail)
{
	static const char *const resp[] = {
		"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(resp) / sizeof(resp[0]); i++) {
		cr_assert_eq(feed_all(resp[i], 1000), SG_XL_DONE, "%s", resp[i]);
		cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED, "%s", resp[i]);
	}
}

Test(exec_lookup, interim_continue_then_found)
{
	cr_assert_eq(feed_all("HTTP/1.1 100 Continue\r\n\r\n" OK_CL, 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FOUND);
}

Test(exec_lookup, oversize_body_fails_early)
{
	/* Content-Length over the cap: fails on the first body bytes past it */
	char resp[1024];
	snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n%0300d", 0);
	cr_assert_eq(feed_all(resp, 64), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED);
	cr_assert(L.overflow);
	cr_assert_not(L.reusable);
	/* chunked over the cap */
	snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "c8\r\n%0200d\r\nc8\r\n%0200d\r\n0\r\n\r\n", 0, 0);
	cr_assert_eq(feed_all(resp, 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED);
	/* an error body is discarded, whatever its size: still a 404 */
	snprintf(resp, sizeof(resp), "HTTP/1.1 404 Not Found\r\nContent-Length: 300\r\n\r\n%0300d", 0);
	cr_assert_eq(feed_all(resp, 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_NOT_FOUND);
}

Test(exec_lookup, malformed_responses_fail)
{
	static const char *const resp[] = {
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"garbage\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	};
	for (size_t i = 0; i < sizeof(resp) / sizeof(resp[0]); i++) {
		cr_assert_eq(feed_all(resp[i], 1000), SG_XL_DONE, "%s", resp[i]);
		cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED, "%s", resp[i]);
	}
}

Test(exec_lookup, eof_before_the_end_fails)
{
	cr_assert_eq(feed_all("HTTP/1.1 200 OK\r\nContent-Length: 38\r\n\r\n{\"Process", 1000), SG_XL_MORE);
	cr_assert_eq(sg_exec_lookup_eof(&L), SG_XL_DONE);
	cr_assert_eq(sg_exec_lookup_outcome_of(&L), SG_EXEC_LOOKUP_FAILED);
	cr_assert_eq(feed_all("HTTP/1.1 200 OK\r\nContent-Le", 1000), SG_XL_MORE);
	sg_exec_lookup_eof(&L);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED);
	sg_exec_lookup_init(&L, body, sizeof(body));
	sg_exec_lookup_eof(&L);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FAILED);
	cr_assert_eq(sg_exec_lookup_outcome_of(NULL), SG_EXEC_LOOKUP_FAILED);
}

Test(exec_lookup, until_close_body_ends_at_eof)
{
	cr_assert_eq(feed_all("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" JSON, 1000), SG_XL_MORE);
	cr_assert_eq(sg_exec_lookup_eof(&L), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FOUND);
	cr_assert_eq(L.body_len, 38);
	cr_assert_not(L.reusable);
}

Test(exec_lookup, connection_close_or_stray_bytes_are_not_pooled)
{
	cr_assert_eq(feed_all("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 38\r\n\r\n" JSON, 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FOUND);
	cr_assert_not(L.reusable);
	cr_assert_eq(feed_all(OK_CL "HTTP/1.1 200 OK\r\n", 1000), SG_XL_DONE);
	cr_assert_eq(L.outcome, SG_EXEC_LOOKUP_FOUND);
	cr_assert_not(L.reusable);
}

/* ---- policy: judging the outcome --------------------------------------------- */

#define R(m, p, a) { (char *)(m), (char *)(p), (a), NULL, 0, 0 }

static struct sg_config cfg;
static struct sg_config_errors errs;
static struct sg_rule_cfg rules[] = {
	R("POST", "/exec/*/start", SG_RULE_ALLOW),
	R("POST", "/containers/*/exec", SG_RULE_ALLOW),
};
static char *cmd_cat[] = { "cat" };
static struct sg_str_list cmds[1] = { { cmd_cat, 1 } };

static struct sg_policy *compile(bool allowlist)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&errs, 0, sizeof(errs));
	sg_inspect_settings_defaults(&cfg.request_body);
	cfg.rules = (struct sg_rule_list){ rules, 2 };
	if (allowlist)
		cfg.request_body.exec.allowed_commands = (struct sg_str_list_list){ cmds, 1 };
	else
		cfg.insecure_allow_body_blind_writes = true;
	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.count ? errs.msg[0] : "");
	return p;
}

static struct sg_request_view view(const char *path)
{
	return (struct sg_request_view){ .method = SG_SLICE_LIT("POST"), .raw_path = sg_slice_cstr(path),
					 .path = sg_slice_cstr(path) };
}

static struct sg_verdict judge(struct sg_policy *p, enum sg_exec_lookup_outcome o, const char *json)
{
	static _Alignas(16) char mem[1 << 16];
	struct sg_arena a = { .base = mem, .cap = sizeof(mem) };
	struct sg_request_view rv = view("/exec/abc/start");
	struct sg_verdict v;
	sg_policy_decide(p, &rv, &v);
	cr_assert_eq(v.kind, SG_VERDICT_INSPECT);
	cr_assert(v.exec_lookup);
	sg_policy_inspect_exec(p, &rv, o, sg_slice_cstr(json), &a, &v);
	return v;
}

Test(exec_lookup, start_is_looked_up_only_with_an_allowlist)
{
	struct sg_policy *p = compile(false);
	struct sg_request_view rv = view("/exec/abc/start");
	struct sg_verdict v;
	sg_policy_decide(p, &rv, &v);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert_not(v.exec_lookup);
	sg_policy_free(p);

	p = compile(true);
	sg_policy_decide(p, &rv, &v);
	cr_assert_eq(v.kind, SG_VERDICT_INSPECT);
	cr_assert(v.exec_lookup);
	cr_assert_eq(v.body_limit, 64u << 10);
	/* exec create is a plain body inspection */
	rv = view("/containers/abc/exec");
	sg_policy_decide(p, &rv, &v);
	cr_assert_eq(v.kind, SG_VERDICT_INSPECT);
	cr_assert_not(v.exec_lookup);
	sg_policy_free(p);
}

Test(exec_lookup, outcomes_map_like_the_go_original)
{
	struct sg_policy *p = compile(true);
	struct sg_verdict v = judge(p, SG_EXEC_LOOKUP_FOUND, "{\"ProcessConfig\":{\"entrypoint\":\"cat\",\"arguments\":[]}}");
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);

	v = judge(p, SG_EXEC_LOOKUP_FOUND, "{\"ProcessConfig\":{\"entrypoint\":\"cat\",\"privileged\":true}}");
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.status, 403);
	cr_assert_eq(v.reason, SG_REASON_BODY_POLICY_DENIED);
	cr_assert_str_eq(v.knob, "exec.allow_privileged");

	v = judge(p, SG_EXEC_LOOKUP_FOUND, "{\"ProcessConfig\":{\"entrypoint\":\"cat\",\"user\":\"0\"}}");
	cr_assert_str_eq(v.knob, "exec.allow_root_user");

	v = judge(p, SG_EXEC_LOOKUP_FOUND, "{\"ProcessConfig\":{\"entrypoint\":\"sh\",\"arguments\":[\"-c\",\"id\"]}}");
	cr_assert_eq(v.reason, SG_REASON_BODY_POLICY_DENIED);
	cr_assert_str_eq(v.knob, "exec.allowed_commands");

	/* unknown id: dockerd gets the start and answers its own 404 */
	v = judge(p, SG_EXEC_LOOKUP_NOT_FOUND, "");
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);

	/* failures, and answers that do not decode: request_body_inspection_failed */
	static const char *const bad[] = { "{\"ProcessConfig\":", "not json", "{\"ProcessConfig\":{\"privileged\":\"yes\"}}",
					   "{\"ProcessConfig\":{\"entrypoint\":\"cat\",\"Entrypoint\":\"sh\"}}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = judge(p, SG_EXEC_LOOKUP_FOUND, bad[i]);
		cr_assert_eq(v.kind, SG_VERDICT_DENY, "%s", bad[i]);
		cr_assert_eq(v.status, 403, "%s", bad[i]);
		cr_assert_eq(v.reason, SG_REASON_BODY_INSPECTION_FAILED, "%s", bad[i]);
		cr_assert_str_eq(v.detail, "unable to inspect exec request body");
	}
	v = judge(p, SG_EXEC_LOOKUP_FAILED, "");
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.status, 403);
	cr_assert_eq(v.reason, SG_REASON_BODY_INSPECTION_FAILED);
	cr_assert_str_eq(v.detail, "unable to inspect exec request body");
	cr_assert_str_eq(sg_reason_code(v.reason), "request_body_inspection_failed");
	sg_policy_free(p);
}

Test(exec_lookup, warn_profile_serves_but_records)
{
	static struct sg_profile_cfg prof[1];
	memset(&cfg, 0, sizeof(cfg));
	memset(&errs, 0, sizeof(errs));
	sg_inspect_settings_defaults(&cfg.request_body);
	cfg.rules = (struct sg_rule_list){ rules, 2 };
	cfg.request_body.exec.allowed_commands = (struct sg_str_list_list){ cmds, 1 };
	prof[0] = (struct sg_profile_cfg){ .name = (char *)"w", .mode = SG_MODE_WARN, .rules = { rules, 2 } };
	sg_inspect_settings_defaults(&prof[0].request_body);
	prof[0].request_body.exec.allowed_commands = (struct sg_str_list_list){ cmds, 1 };
	cfg.clients.profiles = prof;
	cfg.clients.profile_count = 1;
	cfg.clients.default_profile = (char *)"w";
	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.count ? errs.msg[0] : "");
	struct sg_verdict v = judge(p, SG_EXEC_LOOKUP_FAILED, "");
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert(v.would_deny);
	sg_policy_free(p);
}
