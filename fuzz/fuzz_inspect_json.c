/* fuzz/fuzz_inspect_json.c — every inspector, chosen by the first byte.
 *
 * Input layout: [inspector id][query length n][n query bytes][body...].
 * Settings have every allowlist populated so allow paths run too.
 *
 * Then the body is parsed once more and, on every object in it, the
 * indexed lookups (sg_json_get, sg_json_first_field) must return exactly
 * what the linear walk returns (sg_json_get_linear, ..._linear). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"
#include "inspect/json.h"

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

/* Field names to try on every object, besides the object's own keys. */
static const char *const probe_fields[] = {
	"Image", "User", "Labels", "HostConfig", "Privileged", "SecurityOpt", "MaskedPaths",
	"KernelMemory", "Binds", "Mounts", "Type", "Source", "Name", "Cmd", "Env", "s", "k", "S",
	"K", "Ks", "sk", "", "Cpuset", "CpusetCpus", "\305\277ecurityOpt",	/* U+017F + "ecurityOpt" */
};
#define NPROBE (sizeof(probe_fields) / sizeof(probe_fields[0]))

static void same_get(sg_json obj, const char *field)
{
	sg_json a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	enum sg_json_err ea = sg_json_get(obj, field, &a);
	enum sg_json_err eb = sg_json_get_linear(obj, field, &b);
	if (ea != eb || ((ea == SG_JSON_OK || ea == SG_JSON_EDUP) && memcmp(&a, &b, sizeof(a)) != 0))
		abort();
}

static void same_first(sg_json obj, const char *const *fields, size_t n)
{
	size_t wa = 0, wb = 0;
	enum sg_json_err ea = sg_json_first_field(obj, fields, n, &wa);
	enum sg_json_err eb = sg_json_first_field_linear(obj, fields, n, &wb);
	if (ea != eb || (ea == SG_JSON_OK && wa != wb))
		abort();
}

/* Visit values depth first, at most *budget of them. */
static void check_lookups(sg_json v, size_t *budget)
{
	struct sg_json_it it;
	sg_slice key;
	sg_json e;

	if (*budget == 0)
		return;
	(*budget)--;
	if (sg_json_arr_begin(v, &it)) {
		while (sg_json_arr_next(&it, &e))
			check_lookups(e, budget);
		return;
	}
	if (!sg_json_obj_begin(v, &it)) {
		same_get(v, "Image");	/* ETYPE on both */
		return;
	}
	for (size_t i = 0; i < NPROBE; i++)
		same_get(v, probe_fields[i]);
	same_first(v, probe_fields, NPROBE);
	same_first(v, probe_fields + 4, 3);
	while (sg_json_obj_next(&it, &key, &e)) {
		char f[64];
		if (key.len < sizeof(f) && !memchr(key.ptr, '\0', key.len)) {
			memcpy(f, key.ptr, key.len);
			f[key.len] = '\0';
			same_get(v, f);		/* non-ASCII names too: no match on both paths */
			for (size_t i = 0; i < key.len; i++)
				if (f[i] >= 'a' && f[i] <= 'z')
					f[i] = (char)(f[i] - 'a' + 'A');
			same_get(v, f);
		}
		check_lookups(e, budget);
	}
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

	sg_arena_reset(&arena);
	sg_json root;
	if (sg_json_parse(body, &arena, &root) == SG_JSON_OK) {
		size_t budget = 4096;
		check_lookups(root, &budget);
	}
	return 0;
}
