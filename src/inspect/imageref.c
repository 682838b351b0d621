/* inspect/imageref.c — see imageref.h. */
#include "inspect/imageref.h"

#include <ctype.h>

#include "inspect/text.h"

static bool sg_ref_is_domain(sg_slice c)
{
	if (sg_memchr(c, '.') || sg_memchr(c, ':') || sg_slice_eq_cstr(c, "localhost"))
		return true;
	for (size_t i = 0; i < c.len; i++)
		if (c.ptr[i] >= 'A' && c.ptr[i] <= 'Z')
			return true;
	return false;
}

static bool sg_ref_path_valid(sg_slice p, size_t *ncomp, sg_slice *first)
{
	size_t i = 0;
	*ncomp = 0;
	while (i <= p.len) {
		size_t start = i;
		while (i < p.len && p.ptr[i] != '/')
			i++;
		sg_slice c = sg_slice_make(p.ptr + start, i - start);
		if (c.len == 0)
			return false;
		for (size_t k = 0; k < c.len; k++) {
			char ch = c.ptr[k];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
				return false;
		}
		if ((*ncomp)++ == 0)
			*first = c;
		i++;
	}
	return true;
}

/* Lower-cased copy in the arena, with index.docker.io -> docker.io. */
static bool sg_registry_norm(sg_slice in, struct sg_arena *a, sg_slice *out)
{
	in = sg_trim(in);
	if (sg_eq_ci(in, "index.docker.io"))
		in = SG_SLICE_LIT("docker.io");
	char *buf = sg_arena_alloc(a, in.len + 1);
	if (!buf)
		return false;
	for (size_t i = 0; i < in.len; i++)
		buf[i] = (char)tolower((unsigned char)in.ptr[i]);
	*out = sg_slice_make(buf, in.len);
	return true;
}

bool sg_image_ref_parse(sg_slice ref, struct sg_arena *a, struct sg_image_ref *out)
{
	ref = sg_trim(ref);
	const char *at = sg_memchr(ref, '@');
	if (at)
		ref.len = (size_t)(at - ref.ptr);
	const char *slash = sg_memrchr(ref, '/'), *colon = sg_memrchr(ref, ':');
	if (colon && (!slash || colon > slash))
		ref.len = (size_t)(colon - ref.ptr);
	if (ref.len == 0)
		return false;

	sg_slice domain = SG_SLICE_LIT("docker.io"), path = ref, first;
	const char *s1 = sg_memchr(ref, '/');
	if (s1 && sg_ref_is_domain(sg_slice_make(ref.ptr, (size_t)(s1 - ref.ptr)))) {
		domain = sg_slice_make(ref.ptr, (size_t)(s1 - ref.ptr));
		path = sg_slice_make(s1 + 1, ref.len - domain.len - 1);
	}
	size_t ncomp;
	if (!sg_ref_path_valid(path, &ncomp, &first) || !sg_registry_norm(domain, a, &out->registry))
		return false;
	out->official = sg_slice_eq_cstr(out->registry, "docker.io") &&
			(ncomp == 1 || (ncomp == 2 && sg_slice_eq_cstr(first, "library")));
	return true;
}

bool sg_image_ref_allowed(const struct sg_image_ref *r, bool allow_all, bool allow_official,
			  const struct sg_str_list *allowed)
{
	if (allow_all || (allow_official && r->official))
		return true;
	for (size_t i = 0; i < allowed->count; i++) {
		sg_slice e = sg_trim(sg_slice_cstr(allowed->items[i]));
		if (sg_eq_ci(e, "index.docker.io"))
			e = SG_SLICE_LIT("docker.io");
		if (sg_slice_caseeq(e, r->registry))
			return true;
	}
	return false;
}
