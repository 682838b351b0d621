/* fuzz/fuzz_inspect_tar.c — the tar reader, and the build, container
 * archive, image load and plugin create inspectors that use it, over
 * arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inspect/inspect.h"
#include "inspect/tar.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;
static char *allowed[] = { "/srv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = SG_SLICE_LIT("path=/srv/x") };
	struct sg_inspect_result r;
	struct sg_tar_reader tr;
	struct sg_tar_entry e;
	sg_slice body = sg_slice_make((const char *)data, size);

	if (!init++) {
		if (sg_arena_init(&arena, 64u << 20) != 0)
			abort();
		sg_inspect_settings_defaults(&settings);
		settings.container_archive.allowed_paths = (struct sg_str_list){ allowed, 1 };
	}
	sg_arena_reset(&arena);
	sg_tar_init(&tr, body, &arena);
	while (sg_tar_next(&tr, &e) == SG_TAR_ENTRY)
		if (e.data.len > size || e.name.len > (1u << 21))
			abort();
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_BUILD, &settings, &req, body, &arena, &r);
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_ARCHIVE, &settings, &req, body, &arena, &r);
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_IMAGE_LOAD, &settings, &req, body, &arena, &r);
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_PLUGIN_CREATE, &settings, &req, body, &arena, &r);
	return 0;
}
