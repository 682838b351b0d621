/* fuzz/fuzz_multipart.c — the multipart/form-data reader and the plugin
 * create inspector over it. Input: a Content-Type line ("\n"-terminated),
 * then the body. Checks that every part is an in-order slice of the body
 * followed by a delimiter, that the reader's verdict is stable, and that an
 * allowed multipart body is not also a tar (what dockerd reads). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"
#include "inspect/multipart.h"
#include "inspect/tar.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	const char *d = (const char *)data, *nl = memchr(d, '\n', size);
	sg_slice ct, body, boundary;
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = SG_SLICE_LIT("name=p") };
	struct sg_inspect_result r;
	struct sg_mp_reader mr;
	struct sg_mp_part p;
	enum sg_mp_status st;
	const char *err;
	size_t last_end = 0;
	unsigned n = 0;

	if (!init++) {
		if (sg_arena_init(&arena, 64u << 20) != 0)
			abort();
		sg_inspect_settings_defaults(&settings);
	}
	if (!nl)
		return 0;
	ct = sg_slice_make(d, (size_t)(nl - d));
	body = sg_slice_make(nl + 1, size - (size_t)(nl - d) - 1);
	req.content_type = ct;

	if (sg_mp_boundary(ct, &boundary, &err)) {
		if (boundary.len == 0 || boundary.len > SG_MP_MAX_BOUNDARY || boundary.ptr < ct.ptr ||
		    boundary.ptr + boundary.len > ct.ptr + ct.len)
			abort();
		sg_mp_init(&mr, body, boundary);
		while ((st = sg_mp_next(&mr, &p)) == SG_MP_PART) {
			size_t off = (size_t)(p.data.ptr - body.ptr), end = off + p.data.len;
			if (p.data.ptr < body.ptr || end > body.len || off < last_end || ++n > SG_MP_MAX_PARTS)
				abort();
			if (p.headers.len > SG_MP_MAX_HEADER_BYTES)
				abort();
			/* the data is followed by CRLF "--" boundary, or is empty and
			 * directly followed by "--" boundary */
			size_t at = end;
			if (end + 2 <= body.len && body.ptr[end] == '\r' && body.ptr[end + 1] == '\n')
				at = end + 2;
			else if (p.data.len)
				abort();
			if (at + 2 + boundary.len > body.len || memcmp(body.ptr + at, "--", 2) ||
			    memcmp(body.ptr + at + 2, boundary.ptr, boundary.len))
				abort();
			last_end = end;
		}
		if (st == SG_MP_ERROR && !mr.err)
			abort();
		if (sg_mp_next(&mr, &p) != st)
			abort();
	} else if (!err) {
		abort();
	}

	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_PLUGIN_CREATE, &settings, &req, body, &arena, &r);
	if (sg_mp_is_form_data(ct) && r.status == 0) {
		struct sg_tar_reader tr;
		struct sg_tar_entry e;
		/* allowed: the envelope parsed, and dockerd cannot read it as a tar */
		if (!sg_mp_boundary(ct, &boundary, &err) || n == 0)
			abort();
		sg_arena_reset(&arena);
		sg_tar_init(&tr, body, &arena);
		if (sg_tar_next(&tr, &e) == SG_TAR_ENTRY)
			abort();
	}
	return 0;
}
