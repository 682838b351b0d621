/* tests/unit/test_inspect_select.c — which inspector runs for which route. */
#include <criterion/criterion.h>

#include "inspect/inspect.h"

static enum sg_inspector_id sel(const char *method, const char *path, struct sg_inspect_target *t)
{
	sg_inspect_select(sg_slice_cstr(method), sg_slice_cstr(path), t);
	return t->id;
}

#define SEL(m, p, want) do { struct sg_inspect_target t_; \
	cr_assert_eq(sel(m, p, &t_), want, "%s %s -> %s", m, p, sg_inspector_name(t_.id)); } while (0)

Test(inspect_select, routes)
{
	SEL("POST", "/containers/create", SG_INSPECT_CONTAINER_CREATE);
	SEL("POST", "/containers/abc/exec", SG_INSPECT_EXEC_CREATE);
	SEL("POST", "/exec/123/start", SG_INSPECT_EXEC_START);
	SEL("POST", "/images/create", SG_INSPECT_IMAGE_PULL);
	SEL("POST", "/build", SG_INSPECT_BUILD);
	SEL("POST", "/volumes/create", SG_INSPECT_VOLUME_CREATE);
	SEL("POST", "/networks/create", SG_INSPECT_NETWORK_CREATE);
	SEL("POST", "/networks/n1/connect", SG_INSPECT_NETWORK_CONNECT);
	SEL("POST", "/networks/n1/disconnect", SG_INSPECT_NETWORK_DISCONNECT);
	SEL("POST", "/secrets/create", SG_INSPECT_SECRET_CREATE);
	SEL("POST", "/configs/create", SG_INSPECT_CONFIG_CREATE);
	SEL("POST", "/services/create", SG_INSPECT_SERVICE_CREATE);
	SEL("POST", "/services/s1/update", SG_INSPECT_SERVICE_UPDATE);
	SEL("POST", "/swarm/init", SG_INSPECT_SWARM_INIT);
	SEL("POST", "/swarm/join", SG_INSPECT_SWARM_JOIN);
	SEL("POST", "/swarm/update", SG_INSPECT_SWARM_UPDATE);
	SEL("POST", "/swarm/unlock", SG_INSPECT_SWARM_UNLOCK);
	SEL("POST", "/nodes/n1/update", SG_INSPECT_NODE_UPDATE);
	SEL("POST", "/containers/c1/update", SG_INSPECT_CONTAINER_UPDATE);
	SEL("PUT", "/containers/c1/archive", SG_INSPECT_CONTAINER_ARCHIVE);
	SEL("POST", "/images/load", SG_INSPECT_IMAGE_LOAD);
	SEL("POST", "/plugins/pull", SG_INSPECT_PLUGIN_PULL);
	SEL("POST", "/plugins/create", SG_INSPECT_PLUGIN_CREATE);
	SEL("POST", "/plugins/vieux/sshfs:latest/upgrade", SG_INSPECT_PLUGIN_UPGRADE);
	SEL("POST", "/plugins/p/set", SG_INSPECT_PLUGIN_SET);
}

Test(inspect_select, non_matches)
{
	SEL("GET", "/containers/create", SG_INSPECT_NONE);
	SEL("post", "/containers/create", SG_INSPECT_NONE);
	SEL("POST", "/containers/create/", SG_INSPECT_NONE);
	SEL("POST", "/containers//exec", SG_INSPECT_NONE);
	SEL("POST", "/containers/a/b/exec", SG_INSPECT_NONE);
	SEL("GET", "/containers/c1/archive", SG_INSPECT_NONE);
	SEL("POST", "/plugins//set", SG_INSPECT_NONE);
	SEL("POST", "/plugins/set", SG_INSPECT_NONE);
	SEL("POST", "/exec/123/resize", SG_INSPECT_NONE);
	SEL("POST", "", SG_INSPECT_NONE);
	SEL("POST", "/buildx", SG_INSPECT_NONE);
}

Test(inspect_select, limits)
{
	struct sg_inspect_target t;
	sel("POST", "/containers/create", &t);
	cr_assert(t.needs_body && !t.tar_body && t.body_limit == SG_INSPECT_JSON_LIMIT);
	sel("POST", "/images/create", &t);
	cr_assert(!t.needs_body && t.body_limit == 0);
	sel("PUT", "/containers/c/archive", &t);
	cr_assert(t.needs_body && t.tar_body);
}

Test(inspect_select, unimplemented_inspectors_fail_closed)
{
	struct sg_arena a;
	struct sg_inspect_settings s;
	struct sg_inspect_result r;
	struct sg_inspect_request req = { 0 };
	sg_inspect_settings_defaults(&s);
	cr_assert_eq(sg_arena_init(&a, 1 << 16), 0);
	for (int id = 1; id < SG_INSPECT_COUNT; id++) {
		sg_inspect_run((enum sg_inspector_id)id, &s, &req, SG_SLICE_LIT("{}"), &a, &r);
		(void)r;
	}
	sg_inspect_run(SG_INSPECT_PLUGIN_CREATE, &s, &req, SG_SLICE_LIT("{}"), &a, &r);
	cr_assert_eq(r.status, 403);
	sg_inspect_run(SG_INSPECT_NONE, &s, &req, SG_SLICE_LIT("{}"), &a, &r);
	cr_assert_eq(r.status, 403);
	sg_inspect_run((enum sg_inspector_id)999, &s, &req, SG_SLICE_LIT("{}"), &a, &r);
	cr_assert_eq(r.status, 403);
	sg_arena_destroy(&a);
}

Test(inspect_select, defaults)
{
	struct sg_inspect_settings s;
	sg_inspect_settings_defaults(&s);
	cr_assert(s.image_pull.allow_official && s.image_load.allow_official && s.service.allow_official &&
		  s.plugin.allow_official);
	cr_assert_not(s.container_create.allow_privileged);
	cr_assert_eq(s.container_create.image_trust.mode, SG_IMAGE_TRUST_OFF);
	cr_assert_eq(s.container_create.image_trust.verify_timeout_ms, 10000);
}

Test(inspect_select, body_needed_follows_settings)
{
	struct sg_inspect_settings s;
	struct sg_inspect_target t;
	sg_inspect_settings_defaults(&s);
	sg_inspect_select(SG_SLICE_LIT("POST"), SG_SLICE_LIT("/build"), &t);
	cr_assert(sg_inspect_body_needed(&t, &s));
	s.build.allow_run_instructions = true;
	cr_assert_not(sg_inspect_body_needed(&t, &s));
	sg_inspect_select(SG_SLICE_LIT("POST"), SG_SLICE_LIT("/containers/create"), &t);
	cr_assert(sg_inspect_body_needed(&t, &s));
}
