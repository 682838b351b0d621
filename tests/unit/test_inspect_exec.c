/* tests/unit/test_inspect_exec.c — exec create/start policy and argv globs. */
#include <criterion/criterion.h>

#include "inspect/argv_glob.h"
#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;
static const struct sg_inspect_request REQ = { .method = SG_SLICE_LIT("POST"),
					       .path = SG_SLICE_LIT("/containers/c1/exec") };

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 1u << 20), 0);
	sg_inspect_settings_defaults(&S);
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_exec, .init = setup, .fini = teardown);

static struct sg_inspect_result run(enum sg_inspector_id id, const char *body)
{
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(id, &S, &REQ, sg_slice_cstr(body), &arena, &r);
	return r;
}

static struct sg_inspect_result meta(const char *body)
{
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_exec_metadata(&S, sg_slice_cstr(body), &arena, &r);
	return r;
}

#define ALLOWS(body) do { struct sg_inspect_result r_ = run(SG_INSPECT_EXEC_CREATE, body); \
	cr_assert_eq(r_.status, 0, "expected allow for %s: %s %s", body, r_.knob, r_.reason); } while (0)
#define DENIES(body, k) do { struct sg_inspect_result r_ = run(SG_INSPECT_EXEC_CREATE, body); \
	cr_assert_eq(r_.status, 403, "expected deny for %s", body); \
	cr_assert_str_eq(r_.knob, k, "body %s: %s", body, r_.reason); } while (0)

static char *cmd_pre[] = { "/usr/local/bin/pre-update", "--check" };
static char *cmd_cat[] = { "/bin/cat", "/data/*.log" };
static char *cmd_true[] = { "/bin/true" };
static struct sg_str_list cmds[2];

static void allow_commands(void)
{
	cmds[0] = (struct sg_str_list){ cmd_pre, 2 };
	cmds[1] = (struct sg_str_list){ cmd_cat, 2 };
	S.exec.allowed_commands = (struct sg_str_list_list){ cmds, 2 };
}

Test(inspect_exec, glob_semantics)
{
#define G(p, t) sg_argv_glob_match(SG_SLICE_LIT(p), SG_SLICE_LIT(t), &arena)
	cr_assert(G("abc", "abc"));
	cr_assert_not(G("abc", "abcd"));
	cr_assert(G("*.log", "a.log"));
	cr_assert(G("*.log", ".log"));
	cr_assert_not(G("*.log", "x/a.log"));
	cr_assert(G("**.log", "x/a.log"));
	cr_assert(G("/data/*", "/data/x"));
	cr_assert_not(G("/data/*", "/data/x/y"));
	cr_assert(G("/data/**", "/data/x/y"));
	cr_assert(G("**", ""));
	cr_assert(G("a*b*c", "aXbYc"));
	cr_assert_not(G("a*b*c", "aXbY/c"));
#undef G
}

Test(inspect_exec, privileged_and_root_always_checked)
{
	DENIES("{\"Cmd\":[\"ls\"],\"Privileged\":true}", "exec.allow_privileged");
	DENIES("{\"Cmd\":[\"ls\"],\"User\":\"root\"}", "exec.allow_root_user");
	DENIES("{\"Cmd\":[\"ls\"],\"User\":\"0:0\"}", "exec.allow_root_user");
	DENIES("{\"Cmd\":[\"ls\"],\"user\":\"000\"}", "exec.allow_root_user");
	DENIES("{\"Cmd\":[\"ls\"],\"User\":\"1000\",\"USER\":\"0\"}", "request_body.duplicate_key");
	ALLOWS("{\"Cmd\":[\"ls\"],\"User\":\"1000\"}");
	ALLOWS("{\"Cmd\":[\"ls\"],\"User\":\"\"}");
	S.exec.allow_privileged = true;
	S.exec.allow_root_user = true;
	ALLOWS("{\"Cmd\":[\"ls\"],\"Privileged\":true,\"User\":\"root\"}");
}

Test(inspect_exec, argv_allowlist)
{
	allow_commands();
	ALLOWS("{\"Cmd\":[\"/usr/local/bin/pre-update\",\"--check\"]}");
	ALLOWS("{\"cmd\":[\"/bin/cat\",\"/data/app.log\"]}");
	DENIES("{\"Cmd\":[\"/bin/cat\",\"/data/../etc/shadow\"]}", "exec.allowed_commands");
	DENIES("{\"Cmd\":[\"/usr/local/bin/pre-update\"]}", "exec.allowed_commands");
	DENIES("{\"Cmd\":[\"/usr/local/bin/pre-update\",\"--check\",\"x\"]}", "exec.allowed_commands");
	DENIES("{\"Cmd\":[\"sh\",\"-c\",\"id\"]}", "exec.allowed_commands");
	DENIES("{\"Cmd\":[]}", "exec.allowed_commands");
	DENIES("{}", "exec.allowed_commands");
	DENIES("{\"Cmd\":[\"/bin/cat\",\"/data/a.log\"],\"cmd\":[\"sh\"]}", "request_body.duplicate_key");
	DENIES("{\"Cmd\":{\"a\":1}}", "request_body.field_type");
	DENIES("{\"Cmd\":[1]}", "request_body.field_type");
	DENIES("{\"Cmd\":", "request_body.malformed_json");
}

Test(inspect_exec, string_cmd_is_one_token_like_dockerd)
{
	cmds[0] = (struct sg_str_list){ cmd_pre, 2 };
	S.exec.allowed_commands = (struct sg_str_list_list){ cmds, 1 };
	DENIES("{\"Cmd\":\"/usr/local/bin/pre-update --check\"}", "exec.allowed_commands");
	cmds[0] = (struct sg_str_list){ cmd_true, 1 };
	ALLOWS("{\"Cmd\":\"/bin/true\"}");
}

Test(inspect_exec, start_needs_metadata_only_with_allowlist)
{
	cr_assert_not(sg_inspect_exec_start_needs_metadata(&S));
	cr_assert_eq(run(SG_INSPECT_EXEC_START, "{\"Detach\":false}").status, 0);
	allow_commands();
	cr_assert(sg_inspect_exec_start_needs_metadata(&S));
	cr_assert_eq(run(SG_INSPECT_EXEC_START, "{\"Detach\":false}").status, 403);
}

Test(inspect_exec, stored_metadata_recheck)
{
	allow_commands();
	struct sg_inspect_result r = meta("{\"ID\":\"x\",\"ProcessConfig\":{\"entrypoint\":\"/usr/local/bin/pre-update\","
					  "\"arguments\":[\"--check\"],\"privileged\":false,\"user\":\"\"}}");
	cr_assert_eq(r.status, 0, "%s", r.reason);
	r = meta("{\"ProcessConfig\":{\"entrypoint\":\"sh\",\"arguments\":[\"-c\",\"id\"]}}");
	cr_assert_str_eq(r.knob, "exec.allowed_commands");
	r = meta("{\"ProcessConfig\":{\"entrypoint\":\"/usr/local/bin/pre-update\",\"arguments\":[\"--check\"],\"privileged\":true}}");
	cr_assert_str_eq(r.knob, "exec.allow_privileged");
	r = meta("{\"ProcessConfig\":{\"entrypoint\":\"/usr/local/bin/pre-update\",\"arguments\":[\"--check\"],\"user\":\"root\"}}");
	cr_assert_str_eq(r.knob, "exec.allow_root_user");
	r = meta("{\"ID\":\"x\"}");
	cr_assert_eq(r.status, 403);
	r = meta("not json");
	cr_assert_eq(r.status, 403);
}
