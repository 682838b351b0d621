/* tests/unit/test_inspect_live_fixes.c — inspector gaps found while driving
 * the inspectors against a real dockerd (tests/integration/test_inspect_*). */
#include <criterion/criterion.h>
#include <string.h>

#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 1u << 20), 0);
	sg_inspect_settings_defaults(&S);
}
static void teardown(void) { sg_arena_destroy(&arena); }
TestSuite(inspect_live_fixes, .init = setup, .fini = teardown);

static struct sg_inspect_result create(const char *body)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/containers/create"),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_CREATE, &S, &req, sg_slice_cstr(body), &arena, &r);
	return r;
}

/* An npipe mount's Source is a host path (the Windows engine pipe), so it is
 * held to allowed_bind_mounts like a bind; it used to pass unchecked. */
Test(inspect_live_fixes, npipe_mount_is_a_host_path)
{
	struct sg_inspect_result r =
		create("{\"Image\":\"x\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"npipe\","
		       "\"Source\":\"\\\\\\\\.\\\\pipe\\\\docker_engine\",\"Target\":\"\\\\\\\\.\\\\pipe\\\\d\"}]}}");
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "container_create.allowed_bind_mounts");
	r = create("{\"Image\":\"x\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"NPIPE\",\"Source\":\"/run/docker.sock\","
		   "\"Target\":\"/x\"}]}}");
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "container_create.allowed_bind_mounts");
	static char *srv[] = { "/srv" };
	S.container_create.allowed_bind_mounts = (struct sg_str_list){ srv, 1 };
	r = create("{\"Image\":\"x\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"npipe\",\"Source\":\"/srv/p\",\"Target\":\"/x\"}]}}");
	cr_assert_eq(r.status, 0, "%s", r.reason);
	/* tmpfs and named volumes still need no allowlist. */
	r = create("{\"Image\":\"x\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/t\"},"
		   "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\"}]}}");
	cr_assert_eq(r.status, 0, "%s", r.reason);
}

/* The data plane hands a bodiless inspected request (Content-Length: 0) to
 * the inspector without an arena: POST /build?networkmode=host crashed the
 * worker (NULL arena in the query decoder). */
Test(inspect_live_fixes, null_scratch_for_bodiless_requests)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/build"),
					  .query = SG_SLICE_LIT("networkmode=HOST") };
	struct sg_inspect_result r;
	S.build.allow_run_instructions = true;
	sg_inspect_run(SG_INSPECT_BUILD, &S, &req, SG_SLICE_NULL, NULL, &r);
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "build.allow_host_network");
	req.query = SG_SLICE_LIT("t=x");
	sg_inspect_run(SG_INSPECT_BUILD, &S, &req, SG_SLICE_NULL, NULL, &r);
	cr_assert_eq(r.status, 0, "%s", r.reason);
	req.path = SG_SLICE_LIT("/containers/create");
	sg_inspect_run(SG_INSPECT_CONTAINER_CREATE, &S, &req, SG_SLICE_NULL, NULL, &r);
	cr_assert_str_eq(r.knob, "request_body.empty");
	static char big[8192];
	memcpy(big, "t=", 2);
	memset(big + 2, 'a', sizeof(big) - 3);
	req.query = sg_slice_cstr(big);
	sg_inspect_run(SG_INSPECT_BUILD, &S, &req, SG_SLICE_NULL, NULL, &r);
	cr_assert_eq(r.status, 413);
	cr_assert_str_eq(r.knob, "request_body.too_large");
}

/* What docker CLI 28 sends for `docker update --restart always` and for
 * `docker update --memory 64m` (captured from dockerd's debug log): every
 * Resources field, zero-valued. Each must need only its own knob. */
#define CLI_UPDATE(mem, restart) \
	"{\"BlkioDeviceReadBps\":null,\"BlkioDeviceReadIOps\":null,\"BlkioDeviceWriteBps\":null," \
	"\"BlkioDeviceWriteIOps\":null,\"BlkioWeight\":0,\"BlkioWeightDevice\":null,\"CgroupParent\":\"\"," \
	"\"CpuCount\":0,\"CpuPercent\":0,\"CpuPeriod\":0,\"CpuQuota\":0,\"CpuRealtimePeriod\":0," \
	"\"CpuRealtimeRuntime\":0,\"CpuShares\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\"," \
	"\"DeviceCgroupRules\":null,\"DeviceRequests\":null,\"Devices\":null,\"IOMaximumBandwidth\":0," \
	"\"IOMaximumIOps\":0,\"Memory\":" mem ",\"MemoryReservation\":0,\"MemorySwap\":0," \
	"\"MemorySwappiness\":null,\"NanoCpus\":0,\"OomKillDisable\":null,\"PidsLimit\":null," \
	"\"RestartPolicy\":{\"MaximumRetryCount\":0,\"Name\":\"" restart "\"},\"Ulimits\":null}"

static struct sg_inspect_result update(const char *body)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/containers/c/update"),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_UPDATE, &S, &req, sg_slice_cstr(body), &arena, &r);
	return r;
}

Test(inspect_live_fixes, cli_update_bodies_need_only_their_knob)
{
	struct sg_inspect_result r = update(CLI_UPDATE("0", "always"));
	cr_assert_str_eq(r.knob, "container_update.allow_restart_policy");
	r = update(CLI_UPDATE("67108864", ""));
	cr_assert_str_eq(r.knob, "container_update.allow_resource_updates");
	S.container_update.allow_restart_policy = true;
	r = update(CLI_UPDATE("0", "always"));
	cr_assert_eq(r.status, 0, "%s: %s", r.knob, r.reason);
	r = update(CLI_UPDATE("67108864", ""));
	cr_assert_str_eq(r.knob, "container_update.allow_resource_updates");
	S.container_update.allow_resource_updates = true;
	r = update(CLI_UPDATE("67108864", "on-failure"));
	cr_assert_eq(r.status, 0, "%s: %s", r.knob, r.reason);
}

static struct sg_inspect_result node(const char *body)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/nodes/n/update"),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_NODE_UPDATE, &S, &req, sg_slice_cstr(body), &arena, &r);
	return r;
}

/* ownership.label_key may be emptied (SOCKGUARD_OWNERSHIP_LABEL_KEY= with no
 * owner): then no key is the owner key, in particular not "". */
Test(inspect_live_fixes, empty_owner_label_key_claims_nothing)
{
	cr_assert_eq(node("{\"Labels\":{\"com.sockguard.owner\":\"t\"}}").status, 0);	/* NULL: default key */
	S.owner_label_key = "";
	cr_assert_str_eq(node("{\"Labels\":{\"\":\"t\"}}").knob, "node.allow_label_mutation");
	cr_assert_str_eq(node("{\"Labels\":{\"com.sockguard.owner\":\"t\"}}").knob, "node.allow_label_mutation");
	S.owner_label_key = "team.owner";
	cr_assert_eq(node("{\"Labels\":{\"team.owner\":\"t\"}}").status, 0);
	cr_assert_str_eq(node("{\"Labels\":{\"team.owner\":\"\"}}").knob, "node.allow_label_mutation");
}
