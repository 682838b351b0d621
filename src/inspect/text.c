/* inspect/text.c — see text.h. */
#include "inspect/text.h"

#include <stdio.h>

static bool sg_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

sg_slice sg_trim(sg_slice s)
{
	while (s.len && sg_is_space(s.ptr[0]))
		s.ptr++, s.len--;
	while (s.len && sg_is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

bool sg_eq_ci(sg_slice a, const char *b)
{
	return sg_slice_caseeq(a, sg_slice_cstr(b));
}

bool sg_list_has(const struct sg_str_list *l, sg_slice v)
{
	for (size_t i = 0; i < l->count; i++)
		if (sg_slice_eq(sg_trim(sg_slice_cstr(l->items[i])), v))
			return true;
	return false;
}

bool sg_list_has_ci(const struct sg_str_list *l, sg_slice v)
{
	for (size_t i = 0; i < l->count; i++)
		if (sg_slice_caseeq(sg_trim(sg_slice_cstr(l->items[i])), v))
			return true;
	return false;
}

/* Drop the last segment of out[0..*n) (never below the leading '/'). */
static void sg_path_pop(char *out, size_t *n)
{
	while (*n > 1 && out[*n - 1] != '/')
		(*n)--;
	if (*n > 1)
		(*n)--;
}

bool sg_path_clean(sg_slice p, struct sg_arena *a, sg_slice *res)
{
	if (p.len == 0 || p.ptr[0] != '/')
		return false;
	char *out = sg_arena_alloc(a, p.len + 1);
	if (!out)
		return false;
	size_t n = 1, i = 0;
	out[0] = '/';
	while (i < p.len) {
		while (i < p.len && p.ptr[i] == '/')
			i++;
		size_t start = i;
		while (i < p.len && p.ptr[i] != '/')
			i++;
		size_t seg = i - start;
		if (seg == 0 || (seg == 1 && p.ptr[start] == '.'))
			continue;
		if (seg == 2 && p.ptr[start] == '.' && p.ptr[start + 1] == '.') {
			sg_path_pop(out, &n);
			continue;
		}
		if (n > 1)
			out[n++] = '/';
		memcpy(out + n, p.ptr + start, seg);
		n += seg;
	}
	*res = sg_slice_make(out, n);
	return true;
}

static bool sg_path_under(sg_slice p, sg_slice root)
{
	if (root.len == 1)	/* "/" allows everything */
		return true;
	if (!sg_slice_starts_with(p, root))
		return false;
	return p.len == root.len || p.ptr[root.len] == '/';
}

bool sg_path_allowed(sg_slice p, const struct sg_str_list *allowed, struct sg_arena *a)
{
	for (size_t i = 0; i < allowed->count; i++) {
		sg_slice root;
		size_t mark = sg_arena_mark(a);
		bool ok = sg_path_clean(sg_trim(sg_slice_cstr(allowed->items[i])), a, &root) &&
			  sg_path_under(p, root);
		sg_arena_rewind(a, mark);
		if (ok)
			return true;
	}
	return false;
}

void sg_inspect_denyf(struct sg_inspect_result *out, struct sg_arena *a, uint16_t status,
		      const char *knob, const char *fallback, const char *fmt, ...)
{
	enum { SG_REASON_MAX = 512 };
	/* A full arena only costs the formatted reason, not the verdict: do
	 * not let it count as a refused allocation (see sg_inspect_run). */
	char *buf = sg_arena_left(a) >= SG_REASON_MAX + 16 ? sg_arena_alloc(a, SG_REASON_MAX) : NULL;
	const char *reason = fallback;
	if (buf) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, SG_REASON_MAX, fmt, ap);
		va_end(ap);
		reason = buf;
	}
	sg_inspect_deny(out, status, knob, reason);
}

bool sg_user_is_root(sg_slice spec)
{
	spec = sg_trim(spec);
	const char *colon = sg_memchr(spec, ':');
	sg_slice user = colon ? sg_slice_make(spec.ptr, (size_t)(colon - spec.ptr)) : spec;
	user = sg_trim(user);
	if (sg_eq_ci(user, "root"))
		return true;
	size_t i = 0;
	if (user.len > 0 && (user.ptr[0] == '+' || user.ptr[0] == '-'))
		i = 1;
	if (i == user.len)
		return false;
	for (; i < user.len; i++)
		if (user.ptr[i] != '0')
			return false;
	return true;
}
