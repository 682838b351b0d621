/* tests/unit/test_inspect_image_pull.c — POST /images/create and POST /build query checks. */
#include <criterion/criterion.h>

#include "inspect/imageref.h"
#include "inspect/inspect.h"
#include "inspect/query.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 1u << 20), 0);
	sg_inspect_settings_defaults(&S);
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_image_pull, .init = setup, .fini = teardown);

static struct sg_inspect_result runq(enum sg_inspector_id id, const char *query, const char *ct)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = sg_slice_cstr(query),
					  .content_type = sg_slice_cstr(ct) };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(id, &S, &req, SG_SLICE_NULL, &arena, &r);
	return r;
}

#define PULL_OK(q) do { struct sg_inspect_result r_ = runq(SG_INSPECT_IMAGE_PULL, q, ""); \
	cr_assert_eq(r_.status, 0, "expected allow for %s: %s", q, r_.reason); } while (0)
#define PULL_NO(q, k) do { struct sg_inspect_result r_ = runq(SG_INSPECT_IMAGE_PULL, q, ""); \
	cr_assert_eq(r_.status, 403, "expected deny for %s", q); cr_assert_str_eq(r_.knob, k, "%s: %s", q, r_.reason); } while (0)

static bool ref(const char *s, const char *registry, bool official)
{
	struct sg_image_ref r;
	if (!sg_image_ref_parse(sg_slice_cstr(s), &arena, &r))
		return false;
	return sg_slice_eq_cstr(r.registry, registry) && r.official == official;
}

Test(inspect_image_pull, reference_normalization)
{
	cr_assert(ref("nginx", "docker.io", true));
	cr_assert(ref("nginx:1.25", "docker.io", true));
	cr_assert(ref("library/nginx", "docker.io", true));
	cr_assert(ref("docker.io/library/nginx@sha256:abc", "docker.io", true));
	cr_assert(ref("index.docker.io/nginx", "docker.io", true));
	cr_assert(ref("docker.io/nginx", "docker.io", true));
	cr_assert(ref("user/app", "docker.io", false));
	cr_assert(ref("ghcr.io/x/y:tag", "ghcr.io", false));
	cr_assert(ref("GHCR.IO/x/y", "ghcr.io", false));
	cr_assert(ref("localhost:5000/x", "localhost:5000", false));
	cr_assert(ref("localhost/x", "localhost", false));
	cr_assert(ref("Evil/x", "evil", false));
	cr_assert_not(ref("Nginx", "docker.io", true));
	cr_assert_not(ref("a//b", "docker.io", false));
	cr_assert_not(ref("", "docker.io", false));
	cr_assert_not(ref("ghcr.io/", "ghcr.io", false));
}

Test(inspect_image_pull, official_only_by_default)
{
	PULL_OK("fromImage=nginx&tag=latest");
	PULL_OK("fromImage=docker.io%2Flibrary%2Fnginx");
	PULL_NO("fromImage=ghcr.io%2Fx%2Fy", "image_pull.allowed_registries");
	PULL_NO("fromImage=user%2Fapp", "image_pull.allowed_registries");
	PULL_NO("fromImage=Nginx", "image_pull.allowed_registries");
	S.image_pull.allow_official = false;
	PULL_NO("fromImage=nginx", "image_pull.allowed_registries");
}

Test(inspect_image_pull, allowed_registries_and_all)
{
	S.image_pull.allowed_registries = (struct sg_str_list){ (char *[]){ "GHCR.io", "localhost:5000" }, 2 };
	PULL_OK("fromImage=ghcr.io/x/y");
	PULL_OK("fromImage=localhost:5000/x&tag=1");
	PULL_NO("fromImage=quay.io/x/y", "image_pull.allowed_registries");
	S.image_pull.allow_all_registries = true;
	PULL_OK("fromImage=quay.io/x/y");
}

Test(inspect_image_pull, first_value_wins_like_dockerd)
{
	PULL_OK("fromImage=nginx&fromImage=ghcr.io/x/y");
	PULL_NO("fromImage=ghcr.io/x/y&fromImage=nginx", "image_pull.allowed_registries");
	PULL_NO("fromimage=ghcr.io/x/y", "image_pull.allow_imports");	/* keys are case-sensitive: an import */
}

Test(inspect_image_pull, imports)
{
	PULL_NO("fromSrc=-&repo=x", "image_pull.allow_imports");
	PULL_NO("fromSrc=http%3A%2F%2Fevil&fromImage=nginx", "image_pull.allow_imports");
	PULL_NO("", "image_pull.allow_imports");
	S.image_pull.allow_imports = true;
	PULL_OK("fromSrc=-&repo=x");
}

Test(inspect_image_pull, malformed_queries_and_form_bodies)
{
	PULL_NO("fromImage=nginx;x=1", "request_body.malformed_query");
	PULL_NO("fromImage=ngi%zznx", "request_body.malformed_query");
	PULL_NO("fromImage=nginx%", "request_body.malformed_query");
	struct sg_inspect_result r = runq(SG_INSPECT_IMAGE_PULL, "fromImage=nginx", "Application/X-WWW-Form-Urlencoded; charset=utf-8");
	cr_assert_str_eq(r.knob, "request_body.form_encoded");
}

Test(inspect_image_pull, query_decoding)
{
	sg_slice v;
	cr_assert_eq(sg_query_get(SG_SLICE_LIT("a=1&b=x+y%2Fz&a=2"), "b", &arena, &v), SG_QUERY_FOUND);
	cr_assert(sg_slice_eq_cstr(v, "x y/z"));
	cr_assert_eq(sg_query_get(SG_SLICE_LIT("a=1&a=2"), "a", &arena, &v), SG_QUERY_FOUND);
	cr_assert(sg_slice_eq_cstr(v, "1"));
	cr_assert_eq(sg_query_get(SG_SLICE_LIT("&&c&"), "c", &arena, &v), SG_QUERY_FOUND);
	cr_assert_eq(v.len, 0);
	cr_assert_eq(sg_query_get(SG_SLICE_LIT("x=1"), "c", &arena, &v), SG_QUERY_ABSENT);
}

#define BUILD(q) runq(SG_INSPECT_BUILD, q, "application/x-tar")

Test(inspect_image_pull, build_query)
{
	S.build.allow_run_instructions = true;
	cr_assert_eq(BUILD("t=app").status, 0);
	cr_assert_str_eq(BUILD("networkmode=host").knob, "build.allow_host_network");
	cr_assert_str_eq(BUILD("networkmode=HOST").knob, "build.allow_host_network");
	cr_assert_str_eq(BUILD("remote=https%3A%2F%2Fgithub.com%2Fx%2Fy.git").knob, "build.allow_remote_context");
	S.build.allow_remote_context = true;
	cr_assert_eq(BUILD("remote=https://github.com/x/y.git").status, 0);
	S.build.allow_host_network = true;
	cr_assert_eq(BUILD("networkmode=host").status, 0);
}

Test(inspect_image_pull, build_fails_closed_without_dockerfile_inspection)
{
	cr_assert_str_eq(BUILD("t=app").knob, "build.allow_run_instructions");
	S.build.allow_remote_context = true;
	cr_assert_str_eq(BUILD("remote=https://x/y.git").knob, "build.allow_run_instructions");
}
