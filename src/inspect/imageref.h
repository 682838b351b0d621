/* inspect/imageref.h — the registry of an image reference, normalized the
 * way Docker's reference package does (ParseNormalizedNamed):
 *   "nginx", "library/nginx", "docker.io/library/nginx", "index.docker.io/nginx"
 *       -> registry docker.io, official
 *   "user/app"            -> docker.io, not official
 *   "ghcr.io/x/y:tag"     -> ghcr.io
 *   "localhost:5000/x"    -> localhost:5000
 * The first path component is a registry when it holds '.' or ':', is
 * "localhost", or has an upper-case letter. Repository components must be
 * lower-case [a-z0-9._-]; anything else is refused as invalid. */
#ifndef SG_INSPECT_IMAGEREF_H
#define SG_INSPECT_IMAGEREF_H

#include "inspect/inspectors.h"

struct sg_image_ref {
	sg_slice registry;	/* lower-cased, in the arena */
	bool official;		/* Docker Hub library image */
};

bool sg_image_ref_parse(sg_slice ref, struct sg_arena *a, struct sg_image_ref *out);

/* Registry policy shared by image_pull, image_load, service and plugin. */
bool sg_image_ref_allowed(const struct sg_image_ref *r, bool allow_all, bool allow_official,
			  const struct sg_str_list *allowed_registries);

#endif
