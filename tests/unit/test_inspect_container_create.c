/* tests/unit/test_inspect_container_create.c — POST /containers/create policy. */
#include <criterion/criterion.h>

#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;
static const struct sg_inspect_request REQ = { .method = SG_SLICE_LIT("POST"),
					       .path = SG_SLICE_LIT("/containers/create") };

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 4u << 20), 0);
	sg_inspect_settings_defaults(&S);
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_container_create, .init = setup, .fini = teardown);

static struct sg_inspect_result run(const char *body)
{
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_CREATE, &S, &REQ, sg_slice_cstr(body), &arena, &r);
	return r;
}

#define LIST(...) ((struct sg_str_list){ (char *[]){ __VA_ARGS__ }, sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *) })

#define ALLOWS(body) do { struct sg_inspect_result r_ = run(body); \
	cr_assert_eq(r_.status, 0, "expected allow for %s, got %u %s: %s", body, r_.status, r_.knob, r_.reason); } while (0)
#define DENIES(body, k) do { struct sg_inspect_result r_ = run(body); \
	cr_assert_eq(r_.status, 403, "expected deny for %s, got %u", body, r_.status); \
	cr_assert_str_eq(r_.knob, k, "body %s: knob %s (%s)", body, r_.knob, r_.reason); } while (0)

/* ---- baseline and framing ---- */

Test(inspect_container_create, allows_plain_create)
{
	ALLOWS("{\"Image\":\"alpine\",\"Cmd\":[\"sh\"],\"HostConfig\":{\"NetworkMode\":\"bridge\"}}");
	ALLOWS("{\"Image\":\"alpine\"}");
	ALLOWS("{\"Image\":\"alpine\",\"HostConfig\":null}");
}

Test(inspect_container_create, denies_malformed_bodies)
{
	DENIES("", "request_body.empty");
	DENIES("{\"Image\":", "request_body.malformed_json");
	DENIES("{\"Image\":\"a\"} {\"HostConfig\":{\"Privileged\":true}}", "request_body.malformed_json");
	DENIES("[]", "request_body.malformed_json");
	DENIES("null", "request_body.malformed_json");
	DENIES("{\"HostConfig\":[]}", "request_body.field_type");
	DENIES("{\"HostConfig\":{\"Privileged\":\"true\"}}", "request_body.field_type");
	DENIES("{\"HostConfig\":{\"Privileged\":1}}", "request_body.field_type");
	DENIES("{\"HostConfig\":{\"Memory\":1.5}}", "request_body.field_type");
}

/* ---- privileged and namespaces ---- */

Test(inspect_container_create, privileged)
{
	DENIES("{\"HostConfig\":{\"Privileged\":true}}", "container_create.allow_privileged");
	ALLOWS("{\"HostConfig\":{\"Privileged\":false}}");
	ALLOWS("{\"HostConfig\":{\"Privileged\":null}}");
	S.container_create.allow_privileged = true;
	ALLOWS("{\"HostConfig\":{\"Privileged\":true}}");
}

Test(inspect_container_create, privileged_evasions)
{
	DENIES("{\"hostconfig\":{\"privileged\":true}}", "container_create.allow_privileged");
	DENIES("{\"HOSTCONFIG\":{\"PRIVILEGED\":true}}", "container_create.allow_privileged");
	DENIES("{\"\\u0048ostConfig\":{\"\\u0050rivileged\":true}}", "container_create.allow_privileged");
	DENIES("{\"HostConfig\":{\"Privileged\":false,\"Privileged\":true}}", "request_body.duplicate_key");
	DENIES("{\"HostConfig\":{\"Privileged\":true,\"privileged\":false}}", "request_body.duplicate_key");
	DENIES("{\"HostConfig\":{},\"hostConfig\":{\"Privileged\":true}}", "request_body.duplicate_key");
	DENIES("{\"HostConfig\":{\"Privileged\":true},\"HostConfig\":{}}", "request_body.duplicate_key");
}

Test(inspect_container_create, top_level_hostconfig_fields_are_refused)
{
	DENIES("{\"Image\":\"a\",\"Privileged\":true}", "container_create.top_level_host_config");
	DENIES("{\"Image\":\"a\",\"binds\":[\"/:/h\"]}", "container_create.top_level_host_config");
	DENIES("{\"Image\":\"a\",\"\\u017fecurityOpt\":[]}", "container_create.top_level_host_config");
	DENIES("{\"Image\":\"a\",\"Cpuset\":\"0\"}", "container_create.top_level_host_config");
	ALLOWS("{\"Image\":\"a\",\"Env\":[\"A=1\"],\"Labels\":{\"Privileged\":\"x\"}}");
}

Test(inspect_container_create, host_network)
{
	DENIES("{\"HostConfig\":{\"NetworkMode\":\"host\"}}", "container_create.allow_host_network");
	DENIES("{\"HostConfig\":{\"NetworkMode\":\" HOST \"}}", "container_create.allow_host_network");
	ALLOWS("{\"HostConfig\":{\"NetworkMode\":\"none\"}}");
	S.container_create.allow_host_network = true;
	ALLOWS("{\"HostConfig\":{\"NetworkMode\":\"host\"}}");
}

Test(inspect_container_create, host_pid)
{
	DENIES("{\"HostConfig\":{\"PidMode\":\"host\"}}", "container_create.allow_host_pid");
	ALLOWS("{\"HostConfig\":{\"PidMode\":\"container:abc\"}}");
	S.container_create.allow_host_pid = true;
	ALLOWS("{\"HostConfig\":{\"PidMode\":\"host\"}}");
}

Test(inspect_container_create, host_ipc)
{
	DENIES("{\"HostConfig\":{\"IpcMode\":\"Host\"}}", "container_create.allow_host_ipc");
	ALLOWS("{\"HostConfig\":{\"IpcMode\":\"private\"}}");
	S.container_create.allow_host_ipc = true;
	ALLOWS("{\"HostConfig\":{\"IpcMode\":\"host\"}}");
}

Test(inspect_container_create, host_userns)
{
	DENIES("{\"HostConfig\":{\"UsernsMode\":\"host\"}}", "container_create.allow_host_userns");
	ALLOWS("{\"HostConfig\":{\"UsernsMode\":\"\"}}");
	S.container_create.allow_host_userns = true;
	ALLOWS("{\"HostConfig\":{\"UsernsMode\":\"host\"}}");
}

Test(inspect_container_create, sysctls)
{
	DENIES("{\"HostConfig\":{\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}}", "container_create.allow_sysctls");
	ALLOWS("{\"HostConfig\":{\"Sysctls\":{}}}");
	ALLOWS("{\"HostConfig\":{\"Sysctls\":null}}");
	S.container_create.allow_sysctls = true;
	ALLOWS("{\"HostConfig\":{\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}}");
}

/* ---- unconditional denials: no setting opens them ---- */

Test(inspect_container_create, unconditional_denials)
{
	S.container_create.allow_privileged = true;
	S.container_create.allow_host_network = true;
	DENIES("{\"HostConfig\":{\"VolumesFrom\":[\"other\"]}}", "container_create.volumes_from");
	DENIES("{\"HostConfig\":{\"UTSMode\":\"host\"}}", "container_create.uts_mode");
	DENIES("{\"HostConfig\":{\"CgroupParent\":\"/x\"}}", "container_create.cgroup_parent");
	DENIES("{\"HostConfig\":{\"GroupAdd\":[\"0\"]}}", "container_create.group_add");
	DENIES("{\"HostConfig\":{\"ExtraHosts\":[\"a:1.2.3.4\"]}}", "container_create.extra_hosts");
	ALLOWS("{\"HostConfig\":{\"VolumesFrom\":[],\"UTSMode\":\"\",\"CgroupParent\":\"  \",\"GroupAdd\":null,\"ExtraHosts\":[]}}");
}

/* ---- bind mounts ---- */

Test(inspect_container_create, binds)
{
	DENIES("{\"HostConfig\":{\"Binds\":[\"/etc:/h\"]}}", "container_create.allowed_bind_mounts");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"named:/data\",\"/anon\"]}}");
	S.container_create.allowed_bind_mounts = LIST("/srv/containers", "/var/lib/app-data/");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"/srv/containers:/d\",\"/srv/containers/x/y:/d:ro\"]}}");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"/var/lib/app-data:/d:rw,z\"]}}");
	DENIES("{\"HostConfig\":{\"Binds\":[\"/srv/containers2:/d\"]}}", "container_create.allowed_bind_mounts");
	DENIES("{\"HostConfig\":{\"Binds\":[\"/srv:/d\"]}}", "container_create.allowed_bind_mounts");
}

Test(inspect_container_create, bind_path_escapes)
{
	S.container_create.allowed_bind_mounts = LIST("/srv/containers");
	DENIES("{\"HostConfig\":{\"Binds\":[\"/srv/containers/../../etc:/h\"]}}", "container_create.allowed_bind_mounts");
	DENIES("{\"HostConfig\":{\"Binds\":[\"/srv/containers/..:/h\"]}}", "container_create.allowed_bind_mounts");
	DENIES("{\"HostConfig\":{\"Binds\":[\"//srv/containers/./../x:/h\"]}}", "container_create.allowed_bind_mounts");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"//srv//containers/./a/:/h\"]}}");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"/srv/containers/a/../b:/h\"]}}");
	DENIES("{\"HostConfig\":{\"Binds\":[\"/../../srv/containers/../etc:/h\"]}}", "container_create.allowed_bind_mounts");
}

Test(inspect_container_create, root_allowlist_allows_everything)
{
	S.container_create.allowed_bind_mounts = LIST("/");
	ALLOWS("{\"HostConfig\":{\"Binds\":[\"/etc:/h\"]}}");
}

Test(inspect_container_create, mounts)
{
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/etc\",\"Target\":\"/h\"}]}}", "container_create.allowed_bind_mounts");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"type\":\"BIND\",\"source\":\"/etc\",\"target\":\"/h\"}]}}", "container_create.allowed_bind_mounts");
	ALLOWS("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"data\",\"Target\":\"/d\"},{\"Type\":\"tmpfs\",\"Target\":\"/t\"}]}}");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"weird\",\"Source\":\"/etc\"}]}}", "container_create.mount_type");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Source\":\"/etc\"}]}}", "container_create.mount_type");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"etc\"}]}}", "container_create.allowed_bind_mounts");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Type\":\"volume\",\"Source\":\"/etc\"}]}}", "request_body.duplicate_key");
	S.container_create.allowed_bind_mounts = LIST("/srv/containers");
	ALLOWS("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/containers/a\",\"Target\":\"/h\"}]}}");
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/containers/../../etc\"}]}}", "container_create.allowed_bind_mounts");
}

Test(inspect_container_create, local_volume_device_is_a_bind)
{
	DENIES("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/h\",\"VolumeOptions\":{\"DriverConfig\":"
	       "{\"Name\":\"local\",\"Options\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/etc\"}}}}]}}",
	       "container_create.allowed_bind_mounts");
	S.container_create.allowed_bind_mounts = LIST("/srv");
	ALLOWS("{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/h\",\"VolumeOptions\":{\"DriverConfig\":"
	       "{\"Options\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/srv/x\"}}}}]}}");
}

/* ---- devices ---- */

Test(inspect_container_create, devices)
{
	DENIES("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/sda\",\"PathInContainer\":\"/dev/sda\"}]}}", "container_create.allowed_devices");
	S.container_create.allowed_devices = LIST("/dev/dri");
	ALLOWS("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/dri/card0\"}]}}");
	ALLOWS("{\"HostConfig\":{\"Devices\":[{\"pathonhost\":\"/dev/dri\"}]}}");
	DENIES("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/dri/../sda\"}]}}", "container_create.allowed_devices");
	DENIES("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/drix\"}]}}", "container_create.allowed_devices");
	DENIES("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"dev/dri\"}]}}", "container_create.allowed_devices");
	S.container_create.allow_all_devices = true;
	ALLOWS("{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/sda\"}]}}");
}

static struct sg_str_list gpu_sets[] = { { (char *[]){ "gpu", "compute" }, 2 } };

static void nvidia_rule(bool max_set, int64_t max)
{
	static struct sg_device_request_rule rule;
	rule = (struct sg_device_request_rule){ .driver = "nvidia",
						.allowed_capabilities = { gpu_sets, 1 },
						.max_count_set = max_set, .max_count = max };
	S.container_create.allowed_device_requests = (struct sg_device_request_rules){ &rule, 1 };
}

Test(inspect_container_create, device_requests_default_deny)
{
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":1,\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allow_device_requests");
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[]}}");
	S.container_create.allow_device_requests = true;
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"x\",\"Count\":-1}]}}");
}

Test(inspect_container_create, device_requests_allowlist)
{
	nvidia_rule(true, -1);
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"NVIDIA\",\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]}}");
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":2,\"Capabilities\":[[\"compute\",\"GPU\"]]}]}}");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":1,\"Capabilities\":[[\"gpu\",\"utility\"]]}]}}", "container_create.allowed_device_requests");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"amd\",\"Count\":1,\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allowed_device_requests");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"\",\"Count\":1,\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allowed_device_requests");
	/* no effective capability: runtimes expand it; only an unconstrained entry matches */
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":1}]}}", "container_create.allowed_device_requests");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":1,\"Capabilities\":[[\"\"]]}]}}", "container_create.allowed_device_requests");
}

Test(inspect_container_create, device_requests_count)
{
	nvidia_rule(true, 2);
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":2,\"Capabilities\":[[\"gpu\"]]}]}}");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":3,\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allowed_device_requests");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allowed_device_requests");
	DENIES("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"DeviceIDs\":[\"0\",\"1\",\"2\"],\"Capabilities\":[[\"gpu\"]]}]}}", "container_create.allowed_device_requests");
	nvidia_rule(false, 0);
	ALLOWS("{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]}}");
}

Test(inspect_container_create, device_cgroup_rules)
{
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwm\"]}}", "container_create.allow_device_cgroup_rules");
	S.container_create.allowed_device_cgroup_rules = LIST("c 1:3 rwm", "c 226:* rwm");
	ALLOWS("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwm\",\"c 226:5 mwr\",\"c 226:* rwm\"]}}");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:* rwm\"]}}", "container_create.allowed_device_cgroup_rules");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c *:* rwm\"]}}", "container_create.allowed_device_cgroup_rules");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"b 1:3 rwm\"]}}", "container_create.allowed_device_cgroup_rules");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rw\"]}}", "container_create.allowed_device_cgroup_rules");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwx\"]}}", "container_create.allowed_device_cgroup_rules");
	DENIES("{\"HostConfig\":{\"DeviceCgroupRules\":[\"a\"]}}", "container_create.allowed_device_cgroup_rules");
	S.container_create.allow_device_cgroup_rules = true;
	ALLOWS("{\"HostConfig\":{\"DeviceCgroupRules\":[\"a *:* rwm\"]}}");
}

/* ---- capabilities ---- */

Test(inspect_container_create, cap_add)
{
	DENIES("{\"HostConfig\":{\"CapAdd\":[\"NET_ADMIN\"]}}", "container_create.allowed_capabilities");
	ALLOWS("{\"HostConfig\":{\"CapAdd\":[]}}");
	S.container_create.allowed_capabilities = LIST("cap_net_bind_service", "CHOWN");
	ALLOWS("{\"HostConfig\":{\"CapAdd\":[\"NET_BIND_SERVICE\",\"cap_chown\",\"Cap_Chown\"]}}");
	DENIES("{\"HostConfig\":{\"CapAdd\":[\"CHOWN\",\"SYS_ADMIN\"]}}", "container_create.allowed_capabilities");
	DENIES("{\"HostConfig\":{\"CapAdd\":[\"all\"]}}", "container_create.allow_all_capabilities");
	DENIES("{\"HostConfig\":{\"CapAdd\":\"SYS_ADMIN\"}}", "request_body.field_type");
	S.container_create.allow_all_capabilities = true;
	ALLOWS("{\"HostConfig\":{\"CapAdd\":[\"ALL\"]}}");
}

Test(inspect_container_create, require_drop_all_capabilities)
{
	S.container_create.require_drop_all_capabilities = true;
	DENIES("{\"HostConfig\":{\"CapDrop\":[\"NET_RAW\"]}}", "container_create.require_drop_all_capabilities");
	DENIES("{\"Image\":\"a\"}", "container_create.require_drop_all_capabilities");
	ALLOWS("{\"HostConfig\":{\"CapDrop\":[\"all\"]}}");
}

/* ---- security options ---- */

Test(inspect_container_create, require_no_new_privileges)
{
	S.container_create.require_no_new_privileges = true;
	DENIES("{\"HostConfig\":{}}", "container_create.require_no_new_privileges");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges:true\"]}}");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\"]}}");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=1\"]}}");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges:false\"]}}", "container_create.require_no_new_privileges");
	/* dockerd applies them in order: the last one wins */
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges:true\",\"no-new-privileges=false\"]}}", "container_create.require_no_new_privileges");
}

Test(inspect_container_create, seccomp)
{
	S.container_create.deny_unconfined_seccomp = true;
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=unconfined\"]}}", "container_create.deny_unconfined_seccomp");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp:unconfined\"]}}", "container_create.deny_unconfined_seccomp");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\" seccomp = Unconfined \"]}}", "container_create.deny_unconfined_seccomp");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=/profile.json\"]}}");
	S.container_create.allowed_seccomp_profiles = LIST("my-profile");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=other\"]}}", "container_create.allowed_seccomp_profiles");
	DENIES("{\"HostConfig\":{}}", "container_create.allowed_seccomp_profiles");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=my-profile\"]}}");
	S.container_create.allowed_seccomp_profiles = LIST("default", "unconfined");
	ALLOWS("{\"HostConfig\":{}}");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=unconfined\"]}}", "container_create.deny_unconfined_seccomp");
}

Test(inspect_container_create, apparmor)
{
	S.container_create.deny_unconfined_apparmor = true;
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=unconfined\"]}}", "container_create.deny_unconfined_apparmor");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=docker-default\"]}}");
	S.container_create.allowed_apparmor_profiles = LIST("docker-default");
	ALLOWS("{\"HostConfig\":{}}");
	DENIES("{\"HostConfig\":{\"SecurityOpt\":[\"apparmor:custom\"]}}", "container_create.allowed_apparmor_profiles");
	S.container_create.allowed_apparmor_profiles = LIST("custom");
	DENIES("{\"HostConfig\":{}}", "container_create.allowed_apparmor_profiles");
	ALLOWS("{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=custom\"]}}");
}

/* ---- rails ---- */

Test(inspect_container_create, require_non_root_user)
{
	S.container_create.require_non_root_user = true;
	DENIES("{\"Image\":\"a\"}", "container_create.require_non_root_user");
	DENIES("{\"User\":\"root\"}", "container_create.require_non_root_user");
	DENIES("{\"User\":\"ROOT:wheel\"}", "container_create.require_non_root_user");
	DENIES("{\"User\":\"0\"}", "container_create.require_non_root_user");
	DENIES("{\"User\":\"00:1000\"}", "container_create.require_non_root_user");
	DENIES("{\"User\":\"+0\"}", "container_create.require_non_root_user");
	DENIES("{\"user\":\"1000\",\"User\":\"0\"}", "request_body.duplicate_key");
	ALLOWS("{\"User\":\"1000:1000\"}");
	ALLOWS("{\"user\":\"app\"}");
}

Test(inspect_container_create, require_readonly_rootfs)
{
	S.container_create.require_readonly_rootfs = true;
	DENIES("{\"HostConfig\":{\"ReadonlyRootfs\":false}}", "container_create.require_readonly_rootfs");
	DENIES("{}", "container_create.require_readonly_rootfs");
	ALLOWS("{\"HostConfig\":{\"ReadonlyRootfs\":true}}");
}

Test(inspect_container_create, require_memory_limit)
{
	S.container_create.require_memory_limit = true;
	DENIES("{\"HostConfig\":{\"Memory\":0}}", "container_create.require_memory_limit");
	DENIES("{\"HostConfig\":{\"Memory\":-1}}", "container_create.require_memory_limit");
	DENIES("{\"HostConfig\":{\"Memory\":1e9}}", "request_body.field_type");
	ALLOWS("{\"HostConfig\":{\"Memory\":67108864}}");
}

Test(inspect_container_create, require_cpu_limit)
{
	S.container_create.require_cpu_limit = true;
	DENIES("{\"HostConfig\":{}}", "container_create.require_cpu_limit");
	ALLOWS("{\"HostConfig\":{\"CpuShares\":256}}");
	ALLOWS("{\"HostConfig\":{\"NanoCpus\":1000000000}}");
	ALLOWS("{\"HostConfig\":{\"CpuQuota\":50000}}");
	ALLOWS("{\"HostConfig\":{\"CpuPeriod\":100000}}");
}

Test(inspect_container_create, require_pids_limit)
{
	S.container_create.require_pids_limit = true;
	DENIES("{\"HostConfig\":{\"PidsLimit\":null}}", "container_create.require_pids_limit");
	DENIES("{\"HostConfig\":{\"PidsLimit\":-1}}", "container_create.require_pids_limit");
	ALLOWS("{\"HostConfig\":{\"PidsLimit\":50}}");
}

Test(inspect_container_create, required_labels)
{
	S.container_create.required_labels = LIST("team");
	DENIES("{\"Image\":\"a\"}", "container_create.required_labels");
	DENIES("{\"Labels\":{\"team\":\" \"}}", "container_create.required_labels");
	DENIES("{\"Labels\":{\"Team\":\"x\"}}", "container_create.required_labels");
	DENIES("{\"Labels\":{\"team\":\"x\",\"team\":\"\"}}", "request_body.duplicate_key");
	DENIES("{\"Labels\":{\"team\":1}}", "request_body.field_type");
	ALLOWS("{\"labels\":{\"team\":\"core\"}}");
}

Test(inspect_container_create, image_trust)
{
	S.container_create.image_trust.mode = SG_IMAGE_TRUST_ENFORCE;
	DENIES("{\"Image\":\"alpine\"}", "container_create.image_trust");
	ALLOWS("{\"Image\":\"\"}");
	S.container_create.image_trust.mode = SG_IMAGE_TRUST_WARN;
	ALLOWS("{\"Image\":\"alpine\"}");
}

/* The CIS preset's positive example passes with every rail on. */
Test(inspect_container_create, cis_compliant_example)
{
	struct sg_container_create_settings *cs = &S.container_create;
	cs->require_no_new_privileges = cs->require_readonly_rootfs = cs->require_drop_all_capabilities = true;
	cs->require_memory_limit = cs->require_cpu_limit = cs->require_pids_limit = true;
	cs->deny_unconfined_seccomp = true;
	ALLOWS("{\"Image\":\"alpine\",\"HostConfig\":{\"ReadonlyRootfs\":true,\"Memory\":67108864,\"PidsLimit\":50,"
	       "\"CpuShares\":256,\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"no-new-privileges:true\"]}}");
	DENIES("{\"Image\":\"alpine\",\"HostConfig\":{\"Privileged\":true}}", "container_create.allow_privileged");
}
