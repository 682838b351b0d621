/* base/slice.h — a (pointer, length) view of bytes owned by someone else.
 *
 * Request bytes are never NUL-terminated on the hot path: everything that
 * points into a receive buffer or an arena is an sg_slice. */
#ifndef SG_BASE_SLICE_H
#define SG_BASE_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

typedef struct sg_slice {
	const char *ptr;
	size_t len;
} sg_slice;

#define SG_SLICE_LIT(s) ((sg_slice){ (s), sizeof(s) - 1 })
#define SG_SLICE_NULL ((sg_slice){ NULL, 0 })

static inline sg_slice sg_slice_make(const char *p, size_t n) { return (sg_slice){ p, n }; }
static inline sg_slice sg_slice_cstr(const char *s) { return (sg_slice){ s, s ? strlen(s) : 0 }; }

static inline bool sg_slice_eq(sg_slice a, sg_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool sg_slice_eq_cstr(sg_slice a, const char *s)
{
	return sg_slice_eq(a, sg_slice_cstr(s));
}

/* ASCII case-insensitive equality (HTTP header names, methods in config). */
static inline bool sg_slice_caseeq(sg_slice a, sg_slice b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool sg_slice_starts_with(sg_slice a, sg_slice prefix)
{
	return a.len >= prefix.len && memcmp(a.ptr, prefix.ptr, prefix.len) == 0;
}

#endif
