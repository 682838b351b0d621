/* tests/unit/test_decide.c — policy compile + decide + inspect + deny body
 * (policy/compile.h, policy/policy.h), on hand-built configurations. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "inspect/settings.h"
#include "policy/compile.h"
#include "policy/config.h"
#include "policy/guards.h"
#include "policy/policy.h"

#define R(m, p, a) { (char *)(m), (char *)(p), (a), NULL, 0, 0 }

static struct sg_config cfg;
static struct sg_config_errors errs;

static void base_config(struct sg_rule_cfg *rules, size_t n)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&errs, 0, sizeof(errs));
	sg_inspect_settings_defaults(&cfg.request_body);
	cfg.rules = (struct sg_rule_list){ rules, n };
}

static struct sg_verdict decide(const struct sg_policy *p, const char *method, const char *path,
				const struct sg_client_identity *who)
{
	struct sg_request_view req = { .method = sg_slice_cstr(method), .raw_path = sg_slice_cstr(path),
				       .path = sg_slice_cstr(path), .client = who };
	struct sg_verdict v;
	sg_policy_decide(p, &req, &v);
	return v;
}

static struct sg_rule_cfg basic_rules[] = {
	R("GET", "/_ping", SG_RULE_ALLOW),
	R("GET", "/containers/json", SG_RULE_ALLOW),
	R("DELETE", "/containers/*", SG_RULE_DENY),
	R("POST", "/containers/create", SG_RULE_ALLOW),
	R("*", "/images/**", SG_RULE_DENY),
};

Test(decide, rules_and_reason_codes)
{
	base_config(basic_rules, 5);
	basic_rules[2].reason = (char *)"no deletes";
	basic_rules[4].reason = (char *)"no matching allow rule";
	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.count ? errs.msg[0] : "");

	struct sg_verdict v = decide(p, "GET", "/_ping", NULL);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert_eq(v.reason, SG_REASON_MATCHED_ALLOW_RULE);
	cr_assert_eq(v.rule_index, 0);

	v = decide(p, "DELETE", "/containers/abc", NULL);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.status, 403);
	cr_assert_eq(v.reason, SG_REASON_MATCHED_DENY_RULE);
	cr_assert_str_eq(v.rule_reason, "no deletes");

	v = decide(p, "GET", "/images/json", NULL);
	cr_assert_eq(v.reason, SG_REASON_NO_MATCHING_ALLOW_RULE);
	cr_assert_eq(v.rule_index, 4);

	v = decide(p, "GET", "/volumes", NULL);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.reason, SG_REASON_NO_MATCHING_ALLOW_RULE);
	cr_assert_eq(v.rule_index, -1);
	cr_assert_str_eq(v.rule_reason, "no matching allow rule");

	v = decide(p, "POST", "/containers/create", NULL);
	cr_assert_eq(v.kind, SG_VERDICT_INSPECT);
	cr_assert_gt(v.body_limit, 0);

	struct sg_request_view req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/containers/create") };
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 1 << 20), 0);
	sg_policy_inspect(p, &req, SG_SLICE_LIT("{not json"), &a, &v);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.status, 403);
	cr_assert(v.reason == SG_REASON_BODY_INSPECTION_FAILED || v.reason == SG_REASON_BODY_POLICY_DENIED);

	v = decide(p, "POST", "/containers/create", NULL);
	sg_policy_inspect(p, &req, SG_SLICE_LIT("{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":true}}"), &a, &v);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.reason, SG_REASON_BODY_POLICY_DENIED);

	v = decide(p, "POST", "/containers/create", NULL);
	uint32_t lim = v.body_limit;
	v.body_limit = 4;
	sg_policy_inspect(p, &req, SG_SLICE_LIT("{\"Image\":\"x\"}"), &a, &v);
	cr_assert_eq(v.status, 413);
	cr_assert_eq(v.reason, SG_REASON_BODY_TOO_LARGE);
	(void)lim;
	sg_arena_destroy(&a);
	sg_policy_free(p);
	cr_assert_eq(sg_policy_live_count(), 0);
}

static struct sg_client_identity tcp_client(const char *ip)
{
	struct sg_client_identity c = { .transport = SG_TRANSPORT_TCP, .has_addr = true };
	struct sockaddr_in *a = (struct sockaddr_in *)&c.addr;
	a->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a->sin_addr);
	return c;
}

Test(decide, cidr_gate_and_profiles)
{
	static struct sg_rule_cfg root_rules[] = { R("GET", "/_ping", SG_RULE_ALLOW) };
	static struct sg_rule_cfg ro_rules[] = { R("GET", "/containers/json", SG_RULE_ALLOW) };
	static struct sg_rule_cfg warn_rules[] = { R("GET", "/info", SG_RULE_ALLOW) };
	base_config(root_rules, 1);

	static struct sg_cidr allowed[1] = { { 4, 8, { 10 } } };
	cfg.clients.allowed_cidrs = (struct sg_cidr_list){ allowed, 1 };

	static struct sg_profile_cfg profiles[2];
	profiles[0] = (struct sg_profile_cfg){ .name = (char *)"readonly", .rules = { ro_rules, 1 } };
	profiles[1] = (struct sg_profile_cfg){ .name = (char *)"observer", .mode = SG_MODE_WARN, .rules = { warn_rules, 1 } };
	sg_inspect_settings_defaults(&profiles[0].request_body);
	sg_inspect_settings_defaults(&profiles[1].request_body);
	cfg.clients.profiles = profiles;
	cfg.clients.profile_count = 2;

	static struct sg_cidr ro_net[1] = { { 4, 16, { 10, 1 } } };
	static struct sg_source_ip_profile_cfg sip[2];
	sip[0] = (struct sg_source_ip_profile_cfg){ .profile = (char *)"readonly", .cidrs = { ro_net, 1 } };
	static struct sg_cidr ghost_net[1] = { { 4, 16, { 10, 9 } } };
	sip[1] = (struct sg_source_ip_profile_cfg){ .profile = (char *)"ghost", .cidrs = { ghost_net, 1 } };
	cfg.clients.source_ip_profiles = sip;
	cfg.clients.source_ip_profile_count = 2;

	static uint32_t uids[1] = { 1000 };
	static struct sg_unix_peer_profile_cfg upp[1];
	upp[0] = (struct sg_unix_peer_profile_cfg){ .profile = (char *)"observer", .uids = { uids, 1 } };
	cfg.clients.unix_peer_profiles = upp;
	cfg.clients.unix_peer_profile_count = 1;

	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.count ? errs.msg[0] : "");

	struct sg_client_identity outside = tcp_client("192.168.1.1");
	struct sg_verdict v = decide(p, "GET", "/_ping", &outside);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_eq(v.reason, SG_REASON_CLIENT_CIDR_DENIED);

	struct sg_client_identity ro = tcp_client("10.1.2.3");
	v = decide(p, "GET", "/containers/json", &ro);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert_str_eq(v.profile, "readonly");
	v = decide(p, "GET", "/_ping", &ro);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);

	struct sg_client_identity other = tcp_client("10.2.0.1");
	v = decide(p, "GET", "/_ping", &other);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert_null(v.profile);

	struct sg_client_identity ghost = tcp_client("10.9.0.1");
	v = decide(p, "GET", "/_ping", &ghost);
	cr_assert_eq(v.reason, SG_REASON_CLIENT_PROFILE_UNRESOLVED);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);

	struct sg_client_identity unix_peer = { .transport = SG_TRANSPORT_UNIX, .has_peercred = true, .uid = 1000 };
	v = decide(p, "GET", "/info", &unix_peer);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert_not(v.would_deny);
	v = decide(p, "DELETE", "/containers/x", &unix_peer);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW);
	cr_assert(v.would_deny);
	cr_assert_eq(v.reason, SG_REASON_NO_MATCHING_ALLOW_RULE);

	struct sg_client_identity other_uid = { .transport = SG_TRANSPORT_UNIX, .has_peercred = true, .uid = 1 };
	v = decide(p, "GET", "/info", &other_uid);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);	/* root rules */
	sg_policy_free(p);
}

Test(decide, guards_refuse_exfiltration_and_blind_writes)
{
	static struct sg_rule_cfg get_all[] = { R("GET", "/**", SG_RULE_ALLOW) };
	base_config(get_all, 1);
	cr_assert_null(sg_policy_compile(&cfg, &errs));
	cr_assert_eq(errs.count, 2);
	cr_assert(strstr(errs.msg[0], "insecure_allow_read_exfiltration: true to acknowledge the risk"), "%s", errs.msg[0]);
	cr_assert(strstr(errs.msg[1], "exposed endpoints: GET /containers/sockguard-test/archive"), "%s", errs.msg[1]);

	cfg.insecure_allow_read_exfiltration = true;
	memset(&errs, 0, sizeof(errs));
	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p);
	sg_policy_free(p);

	static struct sg_rule_cfg exfil_denied[] = {
		R("GET", "/containers/*/archive", SG_RULE_DENY), R("GET", "/containers/*/export", SG_RULE_DENY),
		R("GET", "/containers/*/logs", SG_RULE_DENY), R("GET", "/containers/*/top", SG_RULE_DENY),
		R("GET", "/containers/*/attach/ws", SG_RULE_DENY), R("GET", "/containers/**", SG_RULE_ALLOW),
	};
	base_config(exfil_denied, 6);
	p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.msg[0]);
	sg_policy_free(p);

	static struct sg_rule_cfg post_all[] = { R("POST", "/**", SG_RULE_ALLOW) };
	base_config(post_all, 1);
	cr_assert_null(sg_policy_compile(&cfg, &errs));
	cr_assert(errs.count >= 1);
	cr_assert(strstr(errs.msg[0], "rules allow body-sensitive write endpoints without request body inspection"), "%s", errs.msg[0]);
	cr_assert(strstr(errs.msg[1], "POST /containers/sockguard-test/exec"), "%s", errs.msg[1]);
	cr_assert_null(strstr(errs.msg[1], "POST /volumes/create"), "%s", errs.msg[1]);
	cfg.insecure_allow_body_blind_writes = true;
	memset(&errs, 0, sizeof(errs));
	/* POST pushes are exfiltration surfaces too. */
	cr_assert_null(sg_policy_compile(&cfg, &errs));
	cr_assert(strstr(errs.msg[1], "POST /images/sockguard-test/push"), "%s", errs.msg[1]);

	cr_assert(sg_guard_is_exfil_endpoint(SG_SLICE_LIT("GET"), SG_SLICE_LIT("/containers/abc/logs")));
	cr_assert_not(sg_guard_is_exfil_endpoint(SG_SLICE_LIT("GET"), SG_SLICE_LIT("/containers/abc/json")));
}

Test(decide, profile_guard_message)
{
	static struct sg_rule_cfg none[] = { R("GET", "/_ping", SG_RULE_ALLOW) };
	static struct sg_rule_cfg wide[] = { R("GET", "/**", SG_RULE_ALLOW) };
	base_config(none, 1);
	static struct sg_profile_cfg prof[1];
	prof[0] = (struct sg_profile_cfg){ .name = (char *)"dash", .rules = { wide, 1 } };
	sg_inspect_settings_defaults(&prof[0].request_body);
	cfg.clients.profiles = prof;
	cfg.clients.profile_count = 1;
	cr_assert_null(sg_policy_compile(&cfg, &errs));
	cr_assert(strstr(errs.msg[0], "client profile \"dash\" allows raw archive/export"), "%s", errs.msg[0]);
}

static size_t body(const struct sg_verdict *v, const char *method, const char *raw, char *buf, size_t cap)
{
	struct sg_request_view req = { .method = sg_slice_cstr(method), .raw_path = sg_slice_cstr(raw),
				       .path = sg_slice_cstr(raw) };
	return sg_policy_deny_body(v, &req, buf, cap);
}

Test(decide, deny_bodies)
{
	char buf[512];
	struct sg_verdict v = { .kind = SG_VERDICT_DENY, .status = 403, .reason = SG_REASON_NO_MATCHING_ALLOW_RULE,
				.rule_reason = "no matching allow rule" };
	size_t n = body(&v, "GET", "/x", buf, sizeof(buf));
	cr_assert_str_eq(buf, "{\"message\":\"request denied by sockguard policy\"}\n");
	cr_assert_eq(n, strlen(buf));

	v.deny_verbose = true;
	body(&v, "GET", "/v1.41/containers/json", buf, sizeof(buf));
	cr_assert_str_eq(buf, "{\"message\":\"request denied by sockguard policy\",\"method\":\"GET\","
			      "\"path\":\"/v1.41/containers/json\",\"reason\":\"no matching allow rule\"}\n");

	body(&v, "GET", "/v1.41/secrets/abc", buf, sizeof(buf));
	cr_assert(strstr(buf, "\"path\":\"/v1.41/secrets/\\u003credacted\\u003e\""), "%s", buf);
	body(&v, "GET", "/swarm/unlockkey", buf, sizeof(buf));
	cr_assert(strstr(buf, "\"path\":\"/swarm/\\u003credacted\\u003e\""), "%s", buf);

	v.rule_reason = "quote \" back \\ ctl \x01 <b> \xff";
	body(&v, "GET", "/x", buf, sizeof(buf));
	cr_assert(strstr(buf, "\"reason\":\"quote \\\" back \\\\ ctl \\u0001 \\u003cb\\u003e \\ufffd\""), "%s", buf);

	/* Too small for verbose: minimal; too small for anything: empty. */
	char small[60];
	body(&v, "GET", "/x", small, sizeof(small));
	cr_assert_str_eq(small, "{\"message\":\"request denied by sockguard policy\"}\n");
	char tiny[8];
	cr_assert_eq(body(&v, "GET", "/x", tiny, sizeof(tiny)), 0);
	cr_assert_str_eq(tiny, "");
}

Test(decide, fixed_policies)
{
	struct sg_policy *a = sg_policy_fixed(true), *d = sg_policy_fixed(false);
	cr_assert_eq(decide(a, "GET", "/anything", NULL).kind, SG_VERDICT_ALLOW);
	cr_assert_eq(decide(d, "GET", "/anything", NULL).kind, SG_VERDICT_DENY);
	cr_assert_eq(decide(NULL, "GET", "/anything", NULL).kind, SG_VERDICT_DENY);
	sg_policy_free(a);
	sg_policy_free(d);
}

/* Guard refusals name the place, key and reason of the offending rule, in
 * the shape of every other config error ("FILE:LINE:COL: KEY: reason"). */
static struct sg_config loaded;

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static struct sg_policy *compile_yaml(const char *yaml, char *const *env)
{
	sg_config_free(&loaded);
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load_buffer(&loaded, "t.yaml", yaml, strlen(yaml), env, &errs), 0, "%s", errs.msg[0]);
	return sg_policy_compile(&loaded, &errs);
}

#define EXFIL_ROOT "rules allow raw archive/export, process-list, log/attach streaming, or registry push " \
	"endpoints; either tighten the allow rules to omit these paths or set insecure_allow_read_exfiltration: " \
	"true to acknowledge the risk"

Test(decide, guard_errors_name_file_line_and_rule)
{
	static const char yaml[] =
		"rules:\n"
		"  - match: { method: GET, path: \"/_ping\" }\n"
		"    action: allow\n"
		"  - match: { method: GET, path: \"/containers/*/logs\" }\n"
		"    action: allow\n"
		"  - match: { method: GET, path: \"/images/**\" }\n"
		"    action: allow\n"
		"clients:\n"
		"  profiles:\n"
		"    - name: dash\n"
		"      rules:\n"
		"        - match: { method: GET, path: \"/containers/**\" }\n"
		"          action: allow\n";
	cr_assert_null(compile_yaml(yaml, NULL));
	cr_assert_eq(errs.count, 5);
	cr_assert_str_eq(errs.msg[0], "t.yaml:4:5: rules[1]: " EXFIL_ROOT);
	cr_assert_str_eq(errs.msg[1], "t.yaml:4:5: rules[1]: exposed endpoints: GET /containers/sockguard-test/logs");
	cr_assert_str_eq(errs.msg[2],
			 "t.yaml:6:5: rules[2]: exposed endpoints: GET /images/get, GET /images/sockguard-test/get");
	cr_assert_str_eq(errs.msg[3],
			 "t.yaml:12:11: clients.profiles[0].rules[0]: client profile \"dash\" allows raw archive/export, "
			 "process-list, log/attach streaming, or registry push endpoints; tighten its rules or set the "
			 "top-level insecure_allow_read_exfiltration: true (it is a global setting, not per-profile)");
	cr_assert(starts(errs.msg[4], "t.yaml:12:11: clients.profiles[0].rules[0]: exposed endpoints: GET /containers/"),
		  "%s", errs.msg[4]);
	sg_config_free(&loaded);
}

Test(decide, guard_errors_cut_long_lists_at_an_entry)
{
	static const char yaml[] = "rules:\n  - match: { method: POST, path: \"/**\" }\n    action: allow\n";
	cr_assert_null(compile_yaml(yaml, NULL));
	cr_assert_eq(errs.count, 4);
	cr_assert_str_eq(errs.msg[0], "t.yaml:2:5: rules[0]: rules allow body-sensitive write endpoints without request "
				      "body inspection; set insecure_allow_body_blind_writes=true to acknowledge this risk");
	for (size_t i = 1; i < 4; i += 2) {
		size_t n = strlen(errs.msg[i]);
		cr_assert(n < SG_CONFIG_ERROR_LEN - 1, "%s", errs.msg[i]);
		cr_assert_str_eq(errs.msg[i] + n - 5, ", ...", "%s", errs.msg[i]);
		cr_assert(starts(errs.msg[i], "t.yaml:2:5: rules[0]: exposed endpoints: POST /"), "%s", errs.msg[i]);
	}
	cr_assert_str_eq(errs.msg[2], "t.yaml:2:5: rules[0]: " EXFIL_ROOT);

	/* A long file name leaves less room; the list is still cut cleanly. */
	char name[300];
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	sg_config_free(&loaded);
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load_buffer(&loaded, name, yaml, strlen(yaml), NULL, &errs), 0);
	cr_assert_null(sg_policy_compile(&loaded, &errs));
	cr_assert_eq(errs.count, 4);
	size_t n = strlen(errs.msg[1]);
	cr_assert(n < SG_CONFIG_ERROR_LEN - 1, "%s", errs.msg[1]);
	cr_assert_str_eq(errs.msg[1] + n - 5, ", ...", "%s", errs.msg[1]);
	cr_assert(strstr(errs.msg[1], ": rules[0]: exposed endpoints: POST /containers/sockguard-test/exec, "), "%s",
		  errs.msg[1]);
	sg_config_free(&loaded);
}

Test(decide, guard_errors_name_the_env_variable)
{
	char *compat[] = { "CONTAINERS=1", "SOCKGUARD_INSECURE_ALLOW_BODY_BLIND_WRITES=true", NULL };
	cr_assert_null(compile_yaml("", compat));
	cr_assert_eq(errs.count, 2);
	cr_assert_str_eq(errs.msg[0], "env CONTAINERS: rules[3]: " EXFIL_ROOT);
	cr_assert(starts(errs.msg[1], "env CONTAINERS: rules[3]: exposed endpoints: GET /containers/sockguard-test/archive, "),
		  "%s", errs.msg[1]);

	char *sgrules[] = { "SOCKGUARD_RULES=[{match: {method: GET, path: \"/images/**\"}, action: allow}]", NULL };
	cr_assert_null(compile_yaml("", sgrules));
	cr_assert_str_eq(errs.msg[0], "env SOCKGUARD_RULES:1:9: rules[0]: " EXFIL_ROOT);

	/* Built-in or hand-made rules have no file: "config". */
	static struct sg_rule_cfg get_all[] = { R("GET", "/images/**", SG_RULE_ALLOW) };
	base_config(get_all, 1);
	cr_assert_null(sg_policy_compile(&cfg, &errs));
	cr_assert_str_eq(errs.msg[0], "config: rules[0]: " EXFIL_ROOT);
	sg_config_free(&loaded);
}

Test(decide, guard_errors_follow_rule_order)
{
	/* rules[1] exposes the first catalogued endpoint, but rules[0] comes first in the file. */
	static const char yaml[] = "rules:\n"
				   "  - match: { method: GET, path: \"/images/get\" }\n"
				   "    action: allow\n"
				   "  - match: { method: GET, path: \"/containers/*/archive\" }\n"
				   "    action: allow\n";
	cr_assert_null(compile_yaml(yaml, NULL));
	cr_assert_eq(errs.count, 3);
	cr_assert_str_eq(errs.msg[0], "t.yaml:2:5: rules[0]: " EXFIL_ROOT);
	cr_assert_str_eq(errs.msg[1], "t.yaml:2:5: rules[0]: exposed endpoints: GET /images/get");
	cr_assert_str_eq(errs.msg[2], "t.yaml:4:5: rules[1]: exposed endpoints: GET /containers/sockguard-test/archive");
	sg_config_free(&loaded);
}

/* A query-only inspector (image pull) decides inside sg_policy_decide: the
 * verdict's detail must outlive the call. It lives in the request's
 * head_scratch when there is one, else in a per-thread buffer. (ASan's
 * detect_stack_use_after_return caught the old on-stack scratch.) */
static struct sg_verdict decide_pull(const struct sg_policy *p, char *head_scratch)
{
	struct sg_request_view req = { .method = SG_SLICE_LIT("POST"), .raw_path = SG_SLICE_LIT("/images/create"),
				       .path = SG_SLICE_LIT("/images/create"),
				       .query = SG_SLICE_LIT("fromImage=ghcr.io%2Fx%2Fy&tag=1"),
				       .head_scratch = head_scratch };
	struct sg_verdict v;
	sg_policy_decide(p, &req, &v);
	return v;
}

Test(decide, query_only_detail_outlives_the_call)
{
	struct sg_policy *p = compile_yaml("rules:\n  - match: { method: POST, path: /images/create }\n"
					   "    action: allow\n", NULL);
	cr_assert_not_null(p, "%s", errs.msg[0]);
	static _Alignas(16) char mine[SG_POLICY_HEAD_SCRATCH];
	struct sg_verdict v = decide_pull(p, mine);
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_str_eq(v.knob, "image_pull.allowed_registries");
	cr_assert_not_null(v.detail);
	cr_assert_gt(strlen(v.detail), 0);
	struct sg_verdict w = decide_pull(p, NULL);
	cr_assert_eq(w.kind, SG_VERDICT_DENY);
	cr_assert_not_null(w.detail);
	cr_assert_str_eq(w.detail, v.detail);
	sg_policy_free(p);
}
