/* tests/unit/test_inspect_owner_label.c — ownership.label_key reaches the
 * inspectors (request_body settings' owner_label_key) for the root policy
 * and every profile, from YAML and from SOCKGUARD_OWNERSHIP_LABEL_KEY, so a
 * node label claim under the configured key passes node_update while the
 * default key no longer does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/config.h"
#include "policy/policy.h"

static struct sg_config cfg;
static struct sg_config_errors errs;
static struct sg_arena arena;

static void setup(void) { cr_assert_eq(sg_arena_init(&arena, 1u << 20), 0); }
static void teardown(void)
{
	sg_config_free(&cfg);
	sg_arena_destroy(&arena);
}
TestSuite(inspect_owner_label, .init = setup, .fini = teardown);

static void load(const char *yaml, char *const *env)
{
	sg_config_free(&cfg);
	memset(&cfg, 0, sizeof(cfg));
	memset(&errs, 0, sizeof(errs));
	int rc = sg_config_load_buffer(&cfg, "t.yaml", yaml, strlen(yaml), env, &errs);
	cr_assert_eq(rc, 0, "%s", errs.count ? errs.msg[0] : "");
}

/* POST /nodes/n1/update with `body` through decide + inspect. */
static struct sg_verdict node_update(const struct sg_policy *p, const char *body)
{
	struct sg_request_view req = { .method = SG_SLICE_LIT("POST"), .raw_path = SG_SLICE_LIT("/nodes/n1/update"),
				       .path = SG_SLICE_LIT("/nodes/n1/update"), .query = SG_SLICE_LIT("version=1"),
				       .content_type = SG_SLICE_LIT("application/json") };
	struct sg_verdict v;
	sg_policy_decide(p, &req, &v);
	cr_assert_eq(v.kind, SG_VERDICT_INSPECT);
	sg_arena_reset(&arena);
	sg_policy_inspect(p, &req, sg_slice_cstr(body), &arena, &v);
	return v;
}

static const char rules[] =
	"rules:\n"
	"  - match: { method: POST, path: \"/nodes/*/update\" }\n"
	"    action: allow\n";

static void expect_claims(const char *key)
{
	struct sg_policy *p = sg_policy_compile(&cfg, &errs);
	cr_assert_not_null(p, "%s", errs.count ? errs.msg[0] : "");
	char body[256];
	snprintf(body, sizeof(body), "{\"Role\":\"\",\"Labels\":{\"%s\":\"team-a\"}}", key);
	struct sg_verdict v = node_update(p, body);
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW, "claim under %s: %s", key, v.knob ? v.knob : "");
	if (strcmp(key, "com.sockguard.owner") != 0) {
		v = node_update(p, "{\"Labels\":{\"com.sockguard.owner\":\"team-a\"}}");
		cr_assert_eq(v.kind, SG_VERDICT_DENY);
		cr_assert_str_eq(v.knob, "node.allow_label_mutation");
	}
	v = node_update(p, "{\"Labels\":{\"other\":\"x\"}}");
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	sg_policy_free(p);
}

Test(inspect_owner_label, default_key)
{
	char *const env[] = { NULL };
	load(rules, env);
	cr_assert_str_eq(cfg.request_body.owner_label_key, "com.sockguard.owner");
	expect_claims("com.sockguard.owner");
}

Test(inspect_owner_label, yaml_key_reaches_root_and_profiles)
{
	char *const env[] = { NULL };
	char yaml[1024];
	snprintf(yaml, sizeof(yaml),
		 "ownership:\n  owner: ci-job-1\n  label_key: example.com/owner\n"
		 "clients:\n  default_profile: p1\n  profiles:\n    - name: p1\n"
		 "      rules:\n        - match: { method: POST, path: \"/nodes/*/update\" }\n"
		 "          action: allow\n%s", rules);
	load(yaml, env);
	cr_assert_str_eq(cfg.request_body.owner_label_key, "example.com/owner");
	cr_assert_eq(cfg.clients.profile_count, 1);
	cr_assert_str_eq(cfg.clients.profiles[0].request_body.owner_label_key, "example.com/owner");
	expect_claims("example.com/owner");	/* through profile p1 (default_profile) */
}

Test(inspect_owner_label, env_key)
{
	char *const env[] = { "SOCKGUARD_OWNERSHIP_LABEL_KEY=env.owner", NULL };
	load(rules, env);
	cr_assert_str_eq(cfg.request_body.owner_label_key, "env.owner");
	expect_claims("env.owner");
}

Test(inspect_owner_label, compile_owned_keeps_key)
{
	char *const env[] = { NULL };
	load("ownership:\n  label_key: moved.owner\nrules:\n"
	     "  - match: { method: POST, path: \"/nodes/*/update\" }\n    action: allow\n", env);
	struct sg_policy *p = sg_policy_compile_owned(&cfg, &errs);
	cr_assert_not_null(p);
	memset(&cfg, 0, sizeof(cfg));	/* now owned by the policy */
	struct sg_verdict v = node_update(p, "{\"Labels\":{\"moved.owner\":\"t\"}}");
	cr_assert_eq(v.kind, SG_VERDICT_ALLOW, "%s", v.knob ? v.knob : "");
	sg_policy_free(p);
}
