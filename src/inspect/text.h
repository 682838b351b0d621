/* inspect/text.h — small byte-string helpers shared by inspectors:
 * trimming, case-insensitive compares against config strings, host-path
 * cleaning (Go's path.Clean) and segment-wise prefix matching, and deny
 * reasons formatted into the scratch arena. */
#ifndef SG_INSPECT_TEXT_H
#define SG_INSPECT_TEXT_H

#include <stdarg.h>

#include "inspect/inspectors.h"

sg_slice sg_trim(sg_slice s);

/* memchr/memrchr that accept an empty slice with a NULL pointer. */
static inline const char *sg_memchr(sg_slice s, char c)
{
	return s.len ? memchr(s.ptr, c, s.len) : NULL;
}
static inline const char *sg_memrchr(sg_slice s, char c)
{
	return s.len ? memrchr(s.ptr, c, s.len) : NULL;
}				/* ASCII whitespace both ends */
bool sg_eq_ci(sg_slice a, const char *b);		/* ASCII case-insensitive */
bool sg_list_has(const struct sg_str_list *l, sg_slice v);	/* exact */
bool sg_list_has_ci(const struct sg_str_list *l, sg_slice v);	/* ASCII case-insensitive */

/* Lexically clean an absolute path like Go's path.Clean ("//a/./b/../c/" ->
 * "/a/c"); ".." never climbs above "/". Returns false when `p` does not start
 * with '/' or the arena is full. Result lives in `a`. */
bool sg_path_clean(sg_slice p, struct sg_arena *a, sg_slice *out);

/* Is cleaned absolute path `p` equal to, or below, one of `allowed`
 * (each cleaned too)? Segment-wise: /srv/a allows /srv/a/b, not /srv/ab. */
bool sg_path_allowed(sg_slice p, const struct sg_str_list *allowed, struct sg_arena *a);

/* Does a Docker user spec ("name[:group]", "uid[:gid]") name root? The user
 * part is "root" (any case) or parses as the number 0 the way moby's user
 * lookup does (strconv.Atoi: "0", "00", "+0", "-0"). An empty spec is NOT
 * root here: callers decide what the image default means. */
bool sg_user_is_root(sg_slice spec);

/* Deny with a reason formatted into `a` (falls back to `fallback` if full). */
void sg_inspect_denyf(struct sg_inspect_result *out, struct sg_arena *a, uint16_t status,
		      const char *knob, const char *fallback, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
