/* policy/path.c — see path.h. Three passes over a bounded buffer: decode,
 * clean (Go's path.Clean for rooted paths, in place), split the version. */
#include "policy/path.h"

#include <stdbool.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }

/* Percent-decode once (Go's url.PathUnescape semantics: every '%' must
 * start a two-hex-digit escape; '+' stays '+'). Returns decoded length or
 * a negative sg_path_err. out has room for in.len bytes. */
static long decode_once(sg_slice in, char *out)
{
	size_t w = 0;
	for (size_t r = 0; r < in.len; r++) {
		unsigned char c = (unsigned char)in.ptr[r];
		if (c == '%') {
			if (in.len - r < 3)
				return SG_PATH_EESCAPE;
			int hi = hexval((unsigned char)in.ptr[r + 1]);
			int lo = hexval((unsigned char)in.ptr[r + 2]);
			if (hi < 0 || lo < 0)
				return SG_PATH_EESCAPE;
			c = (unsigned char)(hi << 4 | lo);
			r += 2;
			/* A decoded '%' would let a second decoder see a new escape. */
			if (c == '%')
				return SG_PATH_EAMBIGUOUS;
		}
		if (is_ctl(c))
			return SG_PATH_ECTRL;
		out[w++] = (char)c;
	}
	return (long)w;
}

/* Go's path.Clean for a rooted path, in place (the write index never passes
 * the read index). Returns the new length (>= 1: "/" at least). */
static size_t clean_rooted(char *p, size_t n)
{
	size_t r = 1, w = 1;
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			/* Back up over the last segment; ".." at the root stays at the root. */
			if (w > 1) {
				w--;
				while (w > 1 && p[w] != '/')
					w--;
			}
		} else {
			if (w != 1)
				p[w++] = '/';
			while (r < n && p[r] != '/')
				p[w++] = p[r++];
		}
	}
	return w;
}

size_t sg_path_version_prefix_len(sg_slice p)
{
	if (p.len < 4 || p.ptr[0] != '/' || p.ptr[1] != 'v')
		return 0;
	size_t i = 2;
	while (i < p.len && p.ptr[i] >= '0' && p.ptr[i] <= '9')
		i++;
	if (i == 2)
		return 0;
	/* Up to two ".N" components (Docker "/v1.41", Podman "/v5.0.0"). */
	for (int k = 0; k < 2; k++) {
		if (i >= p.len || p.ptr[i] != '.')
			break;
		size_t j = i + 1;
		while (j < p.len && p.ptr[j] >= '0' && p.ptr[j] <= '9')
			j++;
		if (j == i + 1)
			break;
		i = j;
	}
	if (i >= p.len || p.ptr[i] != '/')
		return 0;
	return i;
}

/* dockerd's router takes "/v{version:[0-9.]+}/..." for a versioned route;
 * true when the first segment of p has that shape. */
static bool looks_versioned(sg_slice p)
{
	if (p.len < 3 || p.ptr[1] != 'v')
		return false;
	size_t i = 2;
	while (i < p.len && p.ptr[i] != '/') {
		if (!(p.ptr[i] == '.' || (p.ptr[i] >= '0' && p.ptr[i] <= '9')))
			return false;
		i++;
	}
	return i > 2;
}

int sg_path_canonicalize(sg_slice raw, char *out, size_t cap, struct sg_canon_path *res)
{
	*res = (struct sg_canon_path){ SG_SLICE_LIT("/"), SG_SLICE_NULL };
	if (raw.len == 0 || raw.ptr[0] != '/')
		return SG_PATH_ENOTABS;
	if (raw.len > SG_PATH_MAX || cap < raw.len + 1)
		return SG_PATH_ETOOLONG;

	long n = decode_once(raw, out);
	if (n < 0)
		return (int)n;
	size_t len = clean_rooted(out, (size_t)n);
	out[len] = '\0';

	sg_slice all = sg_slice_make(out, len);
	size_t v = sg_path_version_prefix_len(all);
	sg_slice rest = sg_slice_make(out + v, len - v);
	/* What remains must not be routed as versioned by dockerd (a prefix we
	 * did not recognise, or a second one): refuse rather than guess. */
	if (looks_versioned(rest))
		return SG_PATH_EAMBIGUOUS;
	res->version = sg_slice_make(out, v);
	res->path = rest;
	return SG_PATH_OK;
}

const char *sg_path_strerror(int err)
{
	switch (err) {
	case SG_PATH_OK: return "ok";
	case SG_PATH_ENOTABS: return "path must start with '/'";
	case SG_PATH_ETOOLONG: return "path too long";
	case SG_PATH_EESCAPE: return "invalid percent escape in path";
	case SG_PATH_ECTRL: return "control character in path";
	case SG_PATH_EAMBIGUOUS: return "ambiguous path";
	default: return "invalid path";
	}
}

/* RFC 3986 pchar minus pct-encoded, plus '/'. */
static bool is_path_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '-': case '.': case '_': case '~':				/* unreserved */
	case '!': case '$': case '&': case '\'': case '(': case ')':	/* sub-delims */
	case '*': case '+': case ',': case ';': case '=':
	case ':': case '@': case '/':
		return true;
	default:
		return false;
	}
}

size_t sg_path_serialize_upstream(const struct sg_canon_path *res, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t w = 0;
	if (cap == 0 || res->version.len >= cap)
		return 0;
	if (res->version.len)
		memcpy(out, res->version.ptr, res->version.len);
	w = res->version.len;
	for (size_t i = 0; i < res->path.len; i++) {
		unsigned char c = (unsigned char)res->path.ptr[i];
		if (is_path_safe(c)) {
			if (cap - w < 2)
				return 0;
			out[w++] = (char)c;
		} else {
			if (cap - w < 4)
				return 0;
			out[w++] = '%';
			out[w++] = hex[c >> 4];
			out[w++] = hex[c & 15];
		}
	}
	out[w] = '\0';
	return w;
}
