/* inspect/image_pull.c — POST /images/create (query only).
 *
 * dockerd pulls when fromImage is non-empty and imports (fromSrc: a URL or
 * "-" for the body) otherwise, reading each parameter's first value. We deny
 * a non-empty fromSrc unless imports are allowed even when fromImage wins,
 * and treat "neither" as an import. Pulled references must satisfy the
 * registry policy (official images, allowed_registries, or all). */
#include "inspect/imageref.h"
#include "inspect/inspectors.h"
#include "inspect/query.h"
#include "inspect/text.h"

void sg_inspect_image_pull(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	const struct sg_image_pull_settings *ps = &s->image_pull;
	sg_slice image = { "", 0 }, src = { "", 0 };
	struct sg_image_ref ref;

	sg_inspect_allow(out);
	if (!sg_query_precheck(req, a, out))
		return;
	sg_query_get(req->query, "fromImage", a, &image);
	sg_query_get(req->query, "fromSrc", a, &src);
	image = sg_trim(image);
	if ((sg_trim(src).len > 0 || image.len == 0) && !ps->allow_imports) {
		sg_inspect_deny(out, 403, "image_pull.allow_imports", "image imports (fromSrc) are not allowed");
		return;
	}
	if (image.len == 0)
		return;
	if (!sg_image_ref_parse(image, a, &ref)) {
		sg_inspect_denyf(out, a, 403, "image_pull.allowed_registries", "invalid image reference",
				 "invalid image reference \"%.*s\"", (int)(image.len > 128 ? 128 : image.len), image.ptr);
		return;
	}
	if (!sg_image_ref_allowed(&ref, ps->allow_all_registries, ps->allow_official, &ps->allowed_registries))
		sg_inspect_denyf(out, a, 403, "image_pull.allowed_registries", "registry is not allowlisted",
				 "registry \"%.*s\" is not allowlisted%s", (int)ref.registry.len, ref.registry.ptr,
				 ref.official ? " (official images are disabled)" : "");
}
