/* fuzz/fuzz_inspect_json.c — every inspector, chosen by the first byte.
 *
 * Input layout: [inspector id][query length n][n query bytes][body...].
 * Settings have every allowlist populated so allow paths run too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inspect/inspect.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;

static char *paths[] = { "/srv", "/dev/dri" };
static char *regs[] = { "ghcr.io", "localhost:5000" };
static char *addrs[] = { "10.0.0.1:2377" };
static char *keys[] = { "zone" };
static char *argv_a[] = { "/bin/cat", "/data/*.log" };
static char *argv_b[] = { "**", "--check" };
static struct sg_str_list cmds[] = { { argv_a, 2 }, { argv_b, 2 } };

#define L(a) ((struct sg_str_list){ a, sizeof(a) / sizeof(a[0]) })

static void init_once(void)
{
	static int done;
	if (done++)
		return;
	if (sg_arena_init(&arena, 16u << 20) != 0)
		abort();
	sg_inspect_settings_defaults(&settings);
	settings.container_create.allowed_bind_mounts = L(paths);
	settings.container_create.allowed_devices = L(paths);
	settings.image_pull.allowed_registries = L(regs);
	settings.swarm.allowed_join_remote_addrs = L(addrs);
	settings.node.allowed_label_keys = L(keys);
	settings.exec.allowed_commands = (struct sg_str_list_list){ cmds, 2 };
	settings.volume.allow_driver_opts = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;

	init_once();
	if (size < 2)
		return 0;
	enum sg_inspector_id id = (enum sg_inspector_id)(data[0] % SG_INSPECT_COUNT);
	size_t qlen = data[1];
	data += 2, size -= 2;
	if (qlen > size)
		qlen = size;
	req.query = sg_slice_make((const char *)data, qlen);
	sg_slice body = sg_slice_make((const char *)data + qlen, size - qlen);

	sg_arena_reset(&arena);
	sg_inspect_run(id, &settings, &req, body, &arena, &r);
	if (r.status != 0 && r.status != 403 && r.status != 413)
		abort();
	sg_arena_reset(&arena);
	sg_inspect_exec_metadata(&settings, body, &arena, &r);
	return 0;
}
