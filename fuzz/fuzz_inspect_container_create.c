/* fuzz/fuzz_inspect_container_create.c — POST /containers/create inspector
 * over arbitrary bytes, with every allowlist populated so the deep paths
 * (binds, devices, device requests, cgroup rules, security options) run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;

static char *binds[] = { "/srv/containers", "/var/lib/app-data" };
static char *devices[] = { "/dev/dri" };
static char *cgroup[] = { "c 1:3 rwm", "c 226:* rwm" };
static char *caps[] = { "NET_BIND_SERVICE", "cap_chown" };
static char *seccomp[] = { "default", "my-profile" };
static char *apparmor[] = { "docker-default" };
static char *labels[] = { "team" };
static char *gpu[] = { "gpu", "compute" };
static struct sg_str_list gpu_sets[] = { { gpu, 2 } };
static struct sg_device_request_rule dreq[] = { { "nvidia", { gpu_sets, 1 }, true, 2 } };

#define L(a) ((struct sg_str_list){ a, sizeof(a) / sizeof(a[0]) })

static void init_once(void)
{
	static int done;
	if (done++)
		return;
	if (sg_arena_init(&arena, 16u << 20) != 0)
		abort();
	sg_inspect_settings_defaults(&settings);
	struct sg_container_create_settings *cs = &settings.container_create;
	cs->allowed_bind_mounts = L(binds);
	cs->allowed_devices = L(devices);
	cs->allowed_device_cgroup_rules = L(cgroup);
	cs->allowed_capabilities = L(caps);
	cs->allowed_seccomp_profiles = L(seccomp);
	cs->allowed_apparmor_profiles = L(apparmor);
	cs->required_labels = L(labels);
	cs->allowed_device_requests = (struct sg_device_request_rules){ dreq, 1 };
	cs->require_no_new_privileges = cs->require_cpu_limit = cs->require_pids_limit = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .path = SG_SLICE_LIT("/containers/create") };
	struct sg_inspect_result r;

	init_once();
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_CREATE, &settings, &req, sg_slice_make((const char *)data, size),
		       &arena, &r);
	if (r.status != 0 && r.status != 403 && r.status != 413)
		abort();
	if (r.status != 0 && (!r.knob || !r.reason))
		abort();
	return 0;
}
