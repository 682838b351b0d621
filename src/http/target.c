/* http/target.c — see target.h. The one place the data plane calls the
 * policy's path canonicalizer (policy/path.h): the canonical path is what
 * the policy matches, and the upstream path is its re-encoding, so dockerd
 * executes exactly the path that was decided on. */
#include "http/target.h"

#include "policy/path.h"

int sg_http_target_paths(sg_slice raw, char *buf, size_t cap, sg_slice *canon, sg_slice *upstream)
{
	struct sg_canon_path res;
	size_t half = raw.len + 1;
	if (raw.len > SG_PATH_MAX || half >= cap)
		return -1;
	if (sg_path_canonicalize(raw, buf, half, &res) != SG_PATH_OK)
		return -1;
	size_t n = sg_path_serialize_upstream(&res, buf + half, cap - half);
	if (n == 0)
		return -1;
	*canon = res.path;
	*upstream = sg_slice_make(buf + half, n);
	return 0;
}
