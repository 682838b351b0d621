/* fuzz/fuzz_tar_stream.c — the streaming tar walker over arbitrary bytes,
 * for every tar inspector: fed in one piece and in chunks whose sizes come
 * from the input, it must reach the same verdict (status, knob, reason).
 * Input: 2 bytes of chunking seed, then the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"
#include "inspect/tar_stream.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;
static char *allowed[] = { "/srv" };

static void run(enum sg_inspector_id id, const struct sg_inspect_request *req, const char *body, size_t len,
		unsigned seed, struct sg_inspect_result *out)
{
	struct sg_tar_stream ts;
	sg_arena_reset(&arena);
	sg_tar_stream_init(&ts, id, &settings, req, &arena);
	size_t off = 0;
	while (off < len) {
		size_t n = seed == 0 ? len - off : 1 + (seed * 2654435761u + off) % (seed % 1031 + 1);
		if (n > len - off)
			n = len - off;
		sg_tar_stream_feed(&ts, body + off, n);
		off += n;
	}
	sg_tar_stream_finish(&ts);
	*out = ts.result;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	static const enum sg_inspector_id ids[] = { SG_INSPECT_BUILD, SG_INSPECT_CONTAINER_ARCHIVE,
						    SG_INSPECT_IMAGE_LOAD, SG_INSPECT_PLUGIN_CREATE };
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = SG_SLICE_LIT("path=/srv/x") };
	struct sg_inspect_result whole, chunked, bytes;

	if (size < 2)
		return 0;
	if (!init++) {
		if (sg_arena_init(&arena, 64u << 20) != 0)
			abort();
		sg_inspect_settings_defaults(&settings);
		settings.container_archive.allowed_paths = (struct sg_str_list){ allowed, 1 };
	}
	unsigned seed = (unsigned)data[0] << 8 | data[1];
	const char *body = (const char *)data + 2;
	size -= 2;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		sg_arena_reset(&arena);
		sg_inspect_run(ids[i], &settings, &req, sg_slice_make(body, size), &arena, &whole);
		run(ids[i], &req, body, size, seed ? seed : 1, &chunked);
		if (whole.status != chunked.status || !same(whole.knob, chunked.knob) ||
		    !same(whole.reason, chunked.reason))
			abort();
		if (size <= 8192) {
			run(ids[i], &req, body, size, 1, &bytes);	/* seed 1: one byte at a time */
			if (whole.status != bytes.status || !same(whole.knob, bytes.knob))
				abort();
		}
	}
	return 0;
}
