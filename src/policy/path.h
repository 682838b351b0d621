/* policy/path.h — request path canonicalization: the one view of a path that
 * both the policy and dockerd agree on.
 *
 * dockerd (Go net/http + its router) percent-decodes URL.Path exactly once,
 * cleans it (dot segments, duplicate slashes) and routes an optional API
 * version prefix "/v<digits>[.<digits>[.<digits>]]". We do the same, in the
 * Go original's order (decode, path.Clean, then strip the prefix), and then
 * send dockerd the re-encoded canonical form (sg_path_serialize_upstream),
 * so the path we decided on is by construction the path dockerd executes.
 *
 * Refused (the data plane answers 400 path_not_canonical, never forwards):
 *   - a path that does not start with '/', or is longer than SG_PATH_MAX;
 *   - an invalid escape ("%zz", "%4", a trailing '%');
 *   - control bytes (0x00-0x1f, 0x7f), raw or decoded;
 *   - a decoded '%' ("%25"): the canonical form never holds an escape, so it
 *     cannot be decoded a second time by anyone into something else;
 *   - a first segment (after stripping one prefix) that dockerd's router
 *     ("/v{version:[0-9.]+}") would take for a version while we would not,
 *     e.g. "/v1.2.3.4/..." or "/v1.41/v1.40/...": ambiguous, refuse. */
#ifndef SG_POLICY_PATH_H
#define SG_POLICY_PATH_H

#include <stddef.h>

#include "base/slice.h"

#define SG_PATH_MAX 8192		/* longest raw path accepted, bytes */
/* Worst case of sg_path_serialize_upstream(): every byte escaped, + NUL. */
#define SG_PATH_UPSTREAM_MAX (3 * SG_PATH_MAX + 1)

enum sg_path_err {
	SG_PATH_OK = 0,
	SG_PATH_ENOTABS = -1,		/* empty or not starting with '/' */
	SG_PATH_ETOOLONG = -2,		/* > SG_PATH_MAX, or output buffer too small */
	SG_PATH_EESCAPE = -3,		/* invalid percent escape */
	SG_PATH_ECTRL = -4,		/* control byte (raw or decoded) */
	SG_PATH_EAMBIGUOUS = -5,	/* decoded '%', or version-like segment we do not strip */
};

struct sg_canon_path {
	sg_slice path;			/* canonical: "/containers/json"; never empty */
	sg_slice version;		/* stripped prefix: "/v1.41", or empty */
};

/* Canonicalize raw_path (as received, without the query) into out (cap
 * bytes; cap >= raw_path.len + 1 suffices — canonical forms only shrink).
 * res->version and res->path point into out, adjacent (version first).
 * out is NUL-terminated after the path. Returns SG_PATH_OK or an error. */
int sg_path_canonicalize(sg_slice raw_path, char *out, size_t cap, struct sg_canon_path *res);

/* Short reason for an error code, for logs ("invalid percent escape"). */
const char *sg_path_strerror(int err);

/* The path to send upstream: version prefix + canonical path with every
 * byte outside RFC 3986 pchar (unreserved, sub-delims, ':', '@') and '/'
 * percent-encoded, so dockerd decodes it back to exactly res->path.
 * NUL-terminates. Returns the length, or 0 when cap is too small. */
size_t sg_path_serialize_upstream(const struct sg_canon_path *res, char *out, size_t cap);

/* Length of a version prefix the Go original strips at the start of p
 * ("/v1", "/v1.41", "/v5.0.0" followed by '/'), or 0. */
size_t sg_path_version_prefix_len(sg_slice p);

#endif
