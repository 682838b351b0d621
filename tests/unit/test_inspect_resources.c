/* tests/unit/test_inspect_resources.c — volume, network, secret/config,
 * container update, swarm and node inspectors. */
#include <criterion/criterion.h>

#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 1u << 20), 0);
	sg_inspect_settings_defaults(&S);
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_resources, .init = setup, .fini = teardown);

static struct sg_inspect_result runq(enum sg_inspector_id id, const char *query, const char *body)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = sg_slice_cstr(query),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(id, &S, &req, sg_slice_cstr(body), &arena, &r);
	return r;
}

#define OK(id, body) do { struct sg_inspect_result r_ = runq(id, "", body); \
	cr_assert_eq(r_.status, 0, "expected allow for %s: %s %s", body, r_.knob, r_.reason); } while (0)
#define NO(id, body, k) do { struct sg_inspect_result r_ = runq(id, "", body); \
	cr_assert_eq(r_.status, 403, "expected deny for %s", body); \
	cr_assert_str_eq(r_.knob, k, "%s: %s", body, r_.reason); } while (0)

Test(inspect_resources, volume_create)
{
	enum sg_inspector_id V = SG_INSPECT_VOLUME_CREATE;
	OK(V, "{\"Name\":\"data\"}");
	OK(V, "{\"Name\":\"data\",\"Driver\":\"local\",\"DriverOpts\":{}}");
	NO(V, "{\"Driver\":\"rexray\"}", "volume.allow_custom_drivers");
	NO(V, "{\"DriverOpts\":{\"type\":\"tmpfs\"}}", "volume.allow_driver_opts");
	NO(V, "{\"Driver\":\"local\",\"driver\":\"x\"}", "request_body.duplicate_key");
	NO(V, "", "request_body.empty");
	S.volume.allow_custom_drivers = true;
	OK(V, "{\"Driver\":\"rexray\"}");
	S.volume.allow_driver_opts = true;
	OK(V, "{\"DriverOpts\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\"}}");
	NO(V, "{\"DriverOpts\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/etc\"}}", "container_create.allowed_bind_mounts");
	NO(V, "{\"DriverOpts\":{\"o\":\"ro,rbind\",\"device\":\"/etc\"}}", "container_create.allowed_bind_mounts");
	static char *srv[] = { "/srv" };
	S.container_create.allowed_bind_mounts = (struct sg_str_list){ srv, 1 };
	OK(V, "{\"DriverOpts\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/srv/data\"}}");
	NO(V, "{\"DriverOpts\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/srv/../etc\"}}", "container_create.allowed_bind_mounts");
}

Test(inspect_resources, network_create)
{
	enum sg_inspector_id N = SG_INSPECT_NETWORK_CREATE;
	OK(N, "{\"Name\":\"n\",\"Driver\":\"bridge\"}");
	OK(N, "{\"Name\":\"n\"}");
	NO(N, "{\"Driver\":\"weave\"}", "network.allow_custom_drivers");
	NO(N, "{\"Scope\":\"Swarm\"}", "network.allow_swarm_scope");
	NO(N, "{\"Ingress\":true}", "network.allow_ingress");
	NO(N, "{\"attachable\":true}", "network.allow_attachable");
	NO(N, "{\"ConfigOnly\":true}", "network.allow_config_only");
	NO(N, "{\"ConfigFrom\":{\"Network\":\"x\"}}", "network.allow_config_from");
	NO(N, "{\"IPAM\":{\"Driver\":\"custom\"}}", "network.allow_custom_ipam_drivers");
	NO(N, "{\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.0.0/8\"}]}}", "network.allow_custom_ipam_config");
	NO(N, "{\"IPAM\":{\"Options\":{\"a\":\"b\"}}}", "network.allow_ipam_options");
	NO(N, "{\"Options\":{\"com.docker.network.bridge.name\":\"docker0\"}}", "network.allow_driver_options");
	OK(N, "{\"IPAM\":{\"Driver\":\"default\",\"Config\":[],\"Options\":{}}}");
	S.network.allow_custom_drivers = S.network.allow_ingress = S.network.allow_custom_ipam_config = true;
	OK(N, "{\"Driver\":\"weave\",\"Ingress\":true,\"IPAM\":{\"Config\":[{}]}}");
}

Test(inspect_resources, network_connect_disconnect)
{
	enum sg_inspector_id C = SG_INSPECT_NETWORK_CONNECT, D = SG_INSPECT_NETWORK_DISCONNECT;
	OK(C, "{\"Container\":\"c1\"}");
	OK(C, "{\"Container\":\"c1\",\"EndpointConfig\":{\"Aliases\":[\"web\"]}}");
	NO(C, "{\"EndpointConfig\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.0.9\"}}}", "network.allow_endpoint_config");
	NO(C, "{\"EndpointConfig\":{\"MacAddress\":\"02:42:ac:11:00:02\"}}", "network.allow_endpoint_config");
	NO(C, "{\"EndpointConfig\":{\"Links\":[\"a:b\"]}}", "network.allow_endpoint_config");
	NO(C, "{\"EndpointConfig\":{\"ipaddress\":\"10.0.0.9\"}}", "network.allow_endpoint_config");
	S.network.allow_endpoint_config = true;
	OK(C, "{\"EndpointConfig\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.0.9\"}}}");
	OK(D, "{\"Container\":\"c1\"}");
	NO(D, "{\"Container\":\"c1\",\"Force\":true}", "network.allow_disconnect_force");
	S.network.allow_disconnect_force = true;
	OK(D, "{\"Container\":\"c1\",\"Force\":true}");
}

Test(inspect_resources, secret_and_config_create)
{
	OK(SG_INSPECT_SECRET_CREATE, "{\"Name\":\"s\",\"Data\":\"eA==\"}");
	NO(SG_INSPECT_SECRET_CREATE, "{\"Name\":\"s\",\"Driver\":{\"Name\":\"vault\"}}", "secret.allow_custom_drivers");
	NO(SG_INSPECT_SECRET_CREATE, "{\"Name\":\"s\",\"Templating\":{\"Name\":\"golang\"}}", "secret.allow_template_drivers");
	NO(SG_INSPECT_CONFIG_CREATE, "{\"Name\":\"c\",\"Templating\":{\"Name\":\"golang\"}}", "config.allow_template_drivers");
	NO(SG_INSPECT_CONFIG_CREATE, "{\"Name\":\"c\",\"TemplateDriver\":\"golang\"}", "config.allow_template_drivers");
	S.config.allow_template_drivers = true;
	OK(SG_INSPECT_CONFIG_CREATE, "{\"Name\":\"c\",\"Templating\":{\"Name\":\"golang\"}}");
	NO(SG_INSPECT_SECRET_CREATE, "{\"Driver\":\"vault\"}", "request_body.field_type");
}

Test(inspect_resources, container_update)
{
	enum sg_inspector_id U = SG_INSPECT_CONTAINER_UPDATE;
	OK(U, "{}");
	NO(U, "{\"Memory\":1}", "container_update.allow_resource_updates");
	NO(U, "{\"memory\":1}", "container_update.allow_resource_updates");
	NO(U, "{\"RestartPolicy\":{\"Name\":\"always\"}}", "container_update.allow_restart_policy");
	NO(U, "{\"Privileged\":true}", "container_update.allow_privileged");
	NO(U, "{\"Devices\":[{\"PathOnHost\":\"/dev/mem\"}]}", "container_update.allow_all_devices");
	NO(U, "{\"CapAdd\":[\"ALL\"]}", "container_update.allow_capabilities");
	NO(U, "{\"\\u017fecurityOpt\":[\"x\"]}", "container_update.allow_capabilities");
	/* Zero values leave the setting unchanged in dockerd (see container_update.c). */
	OK(U, "{\"memory\":0,\"Devices\":[],\"\\u017fecurityOpt\":null,\"RestartPolicy\":{\"Name\":\"\"}}");
	/* Pointer fields: a non-null 0 is applied (PidsLimit 0 lifts the limit). */
	NO(U, "{\"PidsLimit\":0}", "container_update.allow_resource_updates");
	NO(U, "{\"OomKillDisable\":false}", "container_update.allow_resource_updates");
	NO(U, "{\"Memory\":0.0}", "container_update.allow_resource_updates");
	NO(U, "{\"RestartPolicy\":{\"MaximumRetryCount\":0,\"name\":\"no\"}}", "container_update.allow_restart_policy");
	NO(U, "{\"RestartPolicy\":\"always\"}", "container_update.allow_restart_policy");
	S.container_update.allow_resource_updates = S.container_update.allow_restart_policy = true;
	OK(U, "{\"Memory\":1,\"RestartPolicy\":{\"Name\":\"always\"}}");
}

Test(inspect_resources, swarm)
{
	OK(SG_INSPECT_SWARM_INIT, "{\"ListenAddr\":\"0.0.0.0:2377\"}");
	NO(SG_INSPECT_SWARM_INIT, "{\"ForceNewCluster\":true}", "swarm.allow_force_new_cluster");
	NO(SG_INSPECT_SWARM_INIT, "{\"Spec\":{\"CAConfig\":{\"ExternalCAs\":[{\"URL\":\"x\"}]}}}", "swarm.allow_external_ca");
	NO(SG_INSPECT_SWARM_INIT, "{\"Spec\":{\"CAConfig\":{\"SigningCACert\":\"pem\"}}}", "swarm.allow_signing_ca_update");
	NO(SG_INSPECT_SWARM_UPDATE, "{\"CAConfig\":{\"ForceRotate\":1}}", "swarm.allow_signing_ca_update");
	NO(SG_INSPECT_SWARM_UPDATE, "{\"EncryptionConfig\":{\"AutoLockManagers\":true}}", "swarm.allow_auto_lock_managers");
	OK(SG_INSPECT_SWARM_UPDATE, "{\"Name\":\"default\"}");
	cr_assert_str_eq(runq(SG_INSPECT_SWARM_UPDATE, "version=1&rotateWorkerToken=2", "{}").knob, "swarm.allow_token_rotation");
	cr_assert_str_eq(runq(SG_INSPECT_SWARM_UPDATE, "rotateManagerUnlockKey=yes", "{}").knob, "swarm.allow_manager_unlock_key_rotation");
	cr_assert_eq(runq(SG_INSPECT_SWARM_UPDATE, "rotateWorkerToken=False&rotateManagerToken=0", "{}").status, 0);
	NO(SG_INSPECT_SWARM_UNLOCK, "{\"UnlockKey\":\"k\"}", "swarm.allow_unlock");
	S.swarm.allow_unlock = true;
	OK(SG_INSPECT_SWARM_UNLOCK, "{\"UnlockKey\":\"k\"}");
}

Test(inspect_resources, swarm_join)
{
	NO(SG_INSPECT_SWARM_JOIN, "{\"RemoteAddrs\":[\"10.0.0.1:2377\"]}", "swarm.allowed_join_remote_addrs");
	static char *addrs[] = { "10.0.0.1:2377" };
	S.swarm.allowed_join_remote_addrs = (struct sg_str_list){ addrs, 1 };
	OK(SG_INSPECT_SWARM_JOIN, "{\"RemoteAddrs\":[\" 10.0.0.1:2377 \"]}");
	NO(SG_INSPECT_SWARM_JOIN, "{\"RemoteAddrs\":[\"10.0.0.1:2377\",\"10.6.6.6:2377\"]}", "swarm.allowed_join_remote_addrs");
}

Test(inspect_resources, node_update)
{
	enum sg_inspector_id N = SG_INSPECT_NODE_UPDATE;
	OK(N, "{}");
	NO(N, "{\"Role\":\"manager\"}", "node.allow_role_change");
	NO(N, "{\"Availability\":\"drain\"}", "node.allow_availability_change");
	NO(N, "{\"Name\":\"n2\"}", "node.allow_name_change");
	NO(N, "{\"Labels\":{\"a\":\"b\"}}", "node.allow_label_mutation");
	NO(N, "{\"Labels\":null}", "node.allow_label_mutation");
	NO(N, "{\"Labels\":{}}", "node.allow_label_mutation");
	OK(N, "{\"Labels\":{\"com.sockguard.owner\":\"job-1\"}}");
	NO(N, "{\"Labels\":{\"com.sockguard.owner\":\"\"}}", "node.allow_label_mutation");
	NO(N, "{\"Labels\":{\"com.sockguard.owner\":\"a\",\"com.sockguard.owner\":\"b\"}}", "request_body.duplicate_key");
	static char *keys[] = { "zone" };
	S.node.allowed_label_keys = (struct sg_str_list){ keys, 1 };
	OK(N, "{\"Labels\":{\"zone\":\"a\"}}");
	S.node.allow_role_change = true;
	OK(N, "{\"Role\":\"worker\"}");
}

Test(inspect_resources, service_create_update)
{
	enum sg_inspector_id C = SG_INSPECT_SERVICE_CREATE, U = SG_INSPECT_SERVICE_UPDATE;
	OK(C, "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"nginx:1.25\"}}}");
	OK(U, "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"docker.io/library/nginx@sha256:abc\"}}}");
	NO(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"ghcr.io/x/y\"}}}", "service.allowed_registries");
	NO(C, "{\"TaskTemplate\":{\"Networks\":[{\"Target\":\"host\"}],\"ContainerSpec\":{\"Image\":\"nginx\"}}}", "service.allow_host_network");
	NO(C, "{\"Networks\":[{\"Target\":\"HOST\"}]}", "service.allow_host_network");
	NO(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"nginx\",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/etc\",\"Target\":\"/h\"}]}}}", "service.allowed_bind_mounts");
	NO(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Mounts\":[{\"Type\":\"weird\"}]}}}", "service.mount_type");
	NO(C, "{\"TaskTemplate\":{\"Runtime\":\"plugin\",\"PluginSpec\":{\"Name\":\"x\"}}}", "service.runtime");
	NO(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"nginx\"},\"containerspec\":{\"Image\":\"ghcr.io/x\"}}}", "request_body.duplicate_key");
	static char *srv[] = { "/srv/services" };
	static char *ghcr[] = { "ghcr.io" };
	S.service.allowed_bind_mounts = (struct sg_str_list){ srv, 1 };
	S.service.allowed_registries = (struct sg_str_list){ ghcr, 1 };
	OK(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"ghcr.io/x/y\",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/services/a\"}]}}}");
	NO(C, "{\"TaskTemplate\":{\"ContainerSpec\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/services/../x\"}]}}}", "service.allowed_bind_mounts");
	S.service.allow_host_network = true;
	OK(C, "{\"TaskTemplate\":{\"Networks\":[{\"Target\":\"host\"}]}}");
}

Test(inspect_resources, plugin_pull_and_upgrade)
{
	static char *hub[] = { "docker.io" };
	S.plugin.allowed_registries = (struct sg_str_list){ hub, 1 };
	cr_assert_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs:latest", "[]").status, 0);
	cr_assert_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs", "").status, 0);
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=evil.io/x/y", "[]").knob, "plugin.allowed_registries");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "", "[]").knob, "plugin.allowed_registries");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			      "[{\"Name\":\"network\",\"Value\":[\"host\"]}]").knob, "plugin.allow_host_network");
	cr_assert_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			  "[{\"Name\":\"network\",\"Value\":[\"bridge\"]}]").status, 0);
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_UPGRADE, "remote=vieux/sshfs",
			      "[{\"name\":\"mount\",\"value\":[\"/var/lib/docker/plugins/\"]}]").knob, "plugin.allowed_bind_mounts");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			      "[{\"Name\":\"capabilities\",\"Value\":[\"CAP_SYS_ADMIN\"]}]").knob, "plugin.allowed_capabilities");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			      "[{\"Name\":\"host pid namespace\",\"Value\":[\"true\"]}]").knob, "plugin.allow_host_pid");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			      "[{\"Name\":\"device\",\"Value\":[\"/dev/fuse\"]}]").knob, "plugin.allowed_devices");
	cr_assert_str_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			      "[{\"Name\":\"something-new\",\"Value\":[]}]").knob, "plugin.privileges");
	static char *caps[] = { "sys_admin" };
	static char *devs[] = { "/dev/fuse" };
	S.plugin.allowed_capabilities = (struct sg_str_list){ caps, 1 };
	S.plugin.allowed_devices = (struct sg_str_list){ devs, 1 };
	cr_assert_eq(runq(SG_INSPECT_PLUGIN_PULL, "remote=vieux/sshfs",
			  "[{\"Name\":\"capabilities\",\"Value\":[\"CAP_SYS_ADMIN\"]},{\"Name\":\"device\",\"Value\":[\"/dev/fuse\"]}]").status, 0);
}

Test(inspect_resources, plugin_set)
{
	NO(SG_INSPECT_PLUGIN_SET, "[\"DEBUG=1\"]", "plugin.allowed_set_env_prefixes");
	static char *prefixes[] = { "DEBUG=" };
	S.plugin.allowed_set_env_prefixes = (struct sg_str_list){ prefixes, 1 };
	OK(SG_INSPECT_PLUGIN_SET, "[\"DEBUG=1\"]");
	NO(SG_INSPECT_PLUGIN_SET, "[\"DEBUG=1\",\"mymount.source=/etc\"]", "plugin.allowed_set_env_prefixes");
	NO(SG_INSPECT_PLUGIN_SET, "{\"DEBUG\":\"1\"}", "request_body.field_type");
}
