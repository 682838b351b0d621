/* inspect/query.c — see query.h. */
#include "inspect/query.h"

#include "inspect/text.h"

static int sg_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a query component into `a` (Go's QueryUnescape). */
static bool sg_query_unescape(sg_slice in, struct sg_arena *a, sg_slice *out)
{
	char *buf = sg_arena_alloc(a, in.len + 1);
	size_t n = 0;
	if (!buf)
		return false;
	for (size_t i = 0; i < in.len; i++) {
		char c = in.ptr[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= in.len)
				return false;
			int hi = sg_hex(in.ptr[i + 1]), lo = sg_hex(in.ptr[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		buf[n++] = c;
	}
	*out = sg_slice_make(buf, n);
	return true;
}

/* Visit each '&'-separated pair. Returns MALFORMED on ';' or bad escapes. */
enum sg_query_status sg_query_get(sg_slice q, const char *key, struct sg_arena *a, sg_slice *val)
{
	enum sg_query_status st = SG_QUERY_ABSENT;
	size_t i = 0;

	if (q.len && sg_memchr(q, ';'))
		return SG_QUERY_MALFORMED;
	while (i < q.len) {
		size_t start = i;
		while (i < q.len && q.ptr[i] != '&')
			i++;
		sg_slice pair = sg_slice_make(q.ptr + start, i - start), k, v;
		i++;
		if (pair.len == 0)
			continue;
		const char *eq = sg_memchr(pair, '=');
		sg_slice rawk = eq ? sg_slice_make(pair.ptr, (size_t)(eq - pair.ptr)) : pair;
		sg_slice rawv = eq ? sg_slice_make(eq + 1, pair.len - rawk.len - 1) : sg_slice_make("", 0);
		if (!sg_query_unescape(rawk, a, &k) || !sg_query_unescape(rawv, a, &v))
			return SG_QUERY_MALFORMED;
		if (st == SG_QUERY_ABSENT && sg_slice_eq_cstr(k, key)) {
			*val = v;
			st = SG_QUERY_FOUND;
		}
	}
	return st;
}

bool sg_query_form_body(sg_slice ct)
{
	static const char form[] = "application/x-www-form-urlencoded";
	ct = sg_trim(ct);
	const char *semi = sg_memchr(ct, ';');
	if (semi)
		ct = sg_trim(sg_slice_make(ct.ptr, (size_t)(semi - ct.ptr)));
	return sg_eq_ci(ct, form);
}

bool sg_query_precheck(const struct sg_inspect_request *req, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_slice v;
	if (sg_query_form_body(req->content_type)) {
		sg_inspect_deny(out, 403, "request_body.form_encoded",
				"form-encoded bodies are not accepted on this endpoint (dockerd would merge them into the query)");
		return false;
	}
	if (sg_query_get(req->query, "", a, &v) == SG_QUERY_MALFORMED) {
		sg_inspect_deny(out, 403, "request_body.malformed_query", "query string is malformed");
		return false;
	}
	return true;
}
