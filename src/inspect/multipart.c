/* inspect/multipart.c — bounded multipart/form-data reader (see multipart.h). */
#include "inspect/multipart.h"

#include <stdint.h>
#include <string.h>

#include "inspect/text.h"

static bool mp_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars (space included; the caller refuses it at either end). */
static bool mp_bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

static bool mp_lwsp(char c) { return c == ' ' || c == '\t'; }

static size_t mp_skip_ows(sg_slice s, size_t i)
{
	while (i < s.len && mp_lwsp(s.ptr[i]))
		i++;
	return i;
}

bool sg_mp_is_form_data(sg_slice ct)
{
	const char *semi = sg_memchr(ct, ';');
	sg_slice media = sg_trim(semi ? sg_slice_make(ct.ptr, (size_t)(semi - ct.ptr)) : ct);
	return sg_eq_ci(media, "multipart/form-data");
}

static bool mp_fail(const char **err, const char *why)
{
	*err = why;
	return false;
}

bool sg_mp_boundary(sg_slice ct, sg_slice *boundary, const char **err)
{
	const char *semi = sg_memchr(ct, ';');
	size_t i = semi ? (size_t)(semi - ct.ptr) : ct.len;
	bool seen = false;

	while (i < ct.len) {
		size_t n0, n1, v0, v1;
		bool is_b;

		i = mp_skip_ows(ct, i + 1);	/* past ';' */
		if (i == ct.len)
			break;			/* a trailing ';' (Go ignores it) */
		for (n0 = i; i < ct.len && mp_tchar((unsigned char)ct.ptr[i]); i++)
			;
		n1 = i;
		i = mp_skip_ows(ct, i);
		if (n1 == n0 || i == ct.len || ct.ptr[i] != '=')
			return mp_fail(err, "multipart Content-Type has a malformed parameter");
		i = mp_skip_ows(ct, i + 1);
		is_b = sg_eq_ci(sg_slice_make(ct.ptr + n0, n1 - n0), "boundary");
		/* RFC 2231 forms (boundary*, boundary*0, ...) override or extend
		 * boundary in Go's mime.ParseMediaType: ambiguous, refused. */
		if (n1 - n0 > 8 && sg_eq_ci(sg_slice_make(ct.ptr + n0, 9), "boundary*"))
			return mp_fail(err, "multipart boundary given in RFC 2231 form");
		if (i < ct.len && ct.ptr[i] == '"') {
			v0 = ++i;
			while (i < ct.len && ct.ptr[i] != '"') {
				if (ct.ptr[i] == '\\') {
					if (is_b)
						return mp_fail(err, "multipart boundary is not a valid RFC 2046 boundary");
					i++;
				}
				i++;
			}
			if (i >= ct.len)
				return mp_fail(err, "multipart Content-Type has a malformed parameter");
			v1 = i++;
		} else {
			for (v0 = i; i < ct.len && mp_tchar((unsigned char)ct.ptr[i]); i++)
				;
			v1 = i;
			if (v1 == v0)
				return mp_fail(err, "multipart Content-Type has a malformed parameter");
		}
		i = mp_skip_ows(ct, i);
		if (i < ct.len && ct.ptr[i] != ';')
			return mp_fail(err, "multipart Content-Type has a malformed parameter");
		if (!is_b)
			continue;
		if (seen)
			return mp_fail(err, "multipart Content-Type repeats the boundary parameter");
		seen = true;
		*boundary = sg_slice_make(ct.ptr + v0, v1 - v0);
	}
	if (!seen)
		return mp_fail(err, "multipart Content-Type has no boundary parameter");
	if (boundary->len == 0 || boundary->len > SG_MP_MAX_BOUNDARY || boundary->ptr[0] == ' ' ||
	    boundary->ptr[boundary->len - 1] == ' ')
		return mp_fail(err, "multipart boundary is not a valid RFC 2046 boundary");
	for (size_t k = 0; k < boundary->len; k++)
		if (!mp_bchar((unsigned char)boundary->ptr[k]))
			return mp_fail(err, "multipart boundary is not a valid RFC 2046 boundary");
	return true;
}

void sg_mp_init(struct sg_mp_reader *r, sg_slice body, sg_slice boundary)
{
	*r = (struct sg_mp_reader){ .body = body, .boundary = boundary, .state = SG_MP_BEFORE };
}

static enum sg_mp_status mp_error(struct sg_mp_reader *r, const char *why)
{
	r->state = SG_MP_FAILED;
	r->err = why;
	return SG_MP_ERROR;
}

/* Is there "--" boundary at h? */
static bool mp_dash_at(const struct sg_mp_reader *r, size_t h)
{
	return r->body.len - h >= 2 + r->boundary.len && r->body.ptr[h] == '-' && r->body.ptr[h + 1] == '-' &&
	       memcmp(r->body.ptr + h + 2, r->boundary.ptr, r->boundary.len) == 0;
}

/* First "--" boundary at or after `from`, or body.len. */
static size_t mp_find_dash(const struct sg_mp_reader *r, size_t from)
{
	const char *b = r->body.ptr, *e = b + r->body.len;
	for (const char *p = b + from; p < e; p++) {
		p = memchr(p, '-', (size_t)(e - p));
		if (!p)
			break;
		if (mp_dash_at(r, (size_t)(p - b)))
			return (size_t)(p - b);
	}
	return r->body.len;
}

/* "--" boundary at h: what follows? 1 delimiter (as Go's multipart sees
 * one), 0 data, -1 the body ends inside it. */
static int mp_delim_kind(const struct sg_mp_reader *r, size_t h)
{
	size_t q = h + 2 + r->boundary.len;
	if (q >= r->body.len)
		return -1;
	char c = r->body.ptr[q];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return 1;
	if (c != '-')
		return 0;
	if (q + 1 >= r->body.len)
		return -1;
	return r->body.ptr[q + 1] == '-' ? 1 : 0;
}

/* The rest of a delimiter line at h: a next part (pos = its headers) or
 * the close delimiter and epilogue (state DONE). */
static bool mp_delim_tail(struct sg_mp_reader *r, size_t h)
{
	const char *b = r->body.ptr;
	size_t len = r->body.len, q = h + 2 + r->boundary.len, pad;
	bool close = q + 1 < len && b[q] == '-' && b[q + 1] == '-';

	if (close)
		q += 2;
	for (pad = 0; q < len && mp_lwsp(b[q]); q++)
		if (++pad > SG_MP_MAX_PADDING) {
			mp_error(r, "multipart delimiter line is malformed");
			return false;
		}
	if (close && q == len) {
		r->state = SG_MP_DONE;
		return true;
	}
	if (len - q < 2 || b[q] != '\r' || b[q + 1] != '\n') {
		mp_error(r, "multipart delimiter line is malformed");
		return false;
	}
	q += 2;
	if (close) {
		if (len - q > SG_MP_MAX_EPILOGUE) {
			mp_error(r, "multipart epilogue is too long");
			return false;
		}
		r->state = SG_MP_DONE;
		return true;
	}
	r->pos = q;
	r->state = SG_MP_IN;
	return true;
}

/* Skip the preamble up to the first delimiter. */
static bool mp_open(struct sg_mp_reader *r)
{
	size_t h = mp_find_dash(r, 0);

	if (h == r->body.len) {
		mp_error(r, "multipart body has no boundary delimiter");
		return false;
	}
	if (h != 0 && (h < 2 || r->body.ptr[h - 2] != '\r' || r->body.ptr[h - 1] != '\n')) {
		mp_error(r, "multipart preamble holds the boundary string");
		return false;
	}
	if (h > 2 + SG_MP_MAX_PREAMBLE) {
		mp_error(r, "multipart preamble is too long");
		return false;
	}
	switch (mp_delim_kind(r, h)) {
	case 1:
		return mp_delim_tail(r, h);
	case 0:
		mp_error(r, "multipart preamble holds the boundary string");
		return false;
	default:
		mp_error(r, "multipart body does not close");
		return false;
	}
}

/* One part's header block from r->pos; *data_at = first data byte. */
static bool mp_headers(struct sg_mp_reader *r, struct sg_mp_part *p, size_t *data_at)
{
	const char *b = r->body.ptr;
	size_t i = r->pos, limit = r->body.len - r->pos > SG_MP_MAX_HEADER_BYTES ? r->pos + SG_MP_MAX_HEADER_BYTES
										    : r->body.len;
	unsigned n = 0;
	bool has_cte = false;

	for (;;) {
		size_t eol, k;
		sg_slice name, value;
		const char *cr = i < limit ? memchr(b + i, '\r', limit - i) : NULL;

		if (!cr || (size_t)(cr - b) + 1 >= limit) {
			mp_error(r, limit < r->body.len ? "multipart part headers are too large"
							: "multipart part headers never end");
			return false;
		}
		eol = (size_t)(cr - b);
		if (b[eol + 1] != '\n' || memchr(b + i, '\n', eol - i)) {
			mp_error(r, "multipart part header has a bare CR or LF");
			return false;
		}
		if (eol == i)
			break;
		if (++n > SG_MP_MAX_HEADERS) {
			mp_error(r, "multipart part has too many headers");
			return false;
		}
		for (k = i; k < eol && mp_tchar((unsigned char)b[k]); k++)
			;
		if (k == i || k == eol || b[k] != ':') {
			mp_error(r, mp_lwsp(b[i]) ? "multipart part header is folded" : "multipart part header is malformed");
			return false;
		}
		name = sg_slice_make(b + i, k - i);
		for (size_t j = k + 1; j < eol; j++) {
			unsigned char c = (unsigned char)b[j];
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				mp_error(r, "multipart part header holds a control byte");
				return false;
			}
		}
		value = sg_trim(sg_slice_make(b + k + 1, eol - k - 1));
		if (sg_eq_ci(name, "Content-Disposition")) {
			if (p->disposition.ptr) {
				mp_error(r, "multipart part repeats Content-Disposition");
				return false;
			}
			p->disposition = value;
			if (!value.ptr)
				p->disposition.ptr = b + eol;	/* present but empty */
		} else if (sg_eq_ci(name, "Content-Type")) {
			if (p->content_type.ptr) {
				mp_error(r, "multipart part repeats Content-Type");
				return false;
			}
			p->content_type = value;
			if (!value.ptr)
				p->content_type.ptr = b + eol;
			if (value.len >= 10 && sg_eq_ci(sg_slice_make(value.ptr, 10), "multipart/")) {
				mp_error(r, "nested multipart parts cannot be inspected");
				return false;
			}
		} else if (sg_eq_ci(name, "Content-Transfer-Encoding")) {
			if (has_cte) {
				mp_error(r, "multipart part repeats Content-Transfer-Encoding");
				return false;
			}
			has_cte = true;
			if (!sg_eq_ci(value, "7bit") && !sg_eq_ci(value, "8bit") && !sg_eq_ci(value, "binary")) {
				mp_error(r, "multipart part Content-Transfer-Encoding cannot be inspected");
				return false;
			}
		}
		i = eol + 2;
	}
	p->headers = sg_slice_make(b + r->pos, i - r->pos);
	*data_at = i + 2;
	return true;
}

enum sg_mp_status sg_mp_next(struct sg_mp_reader *r, struct sg_mp_part *p)
{
	size_t ds, h;

	*p = (struct sg_mp_part){ 0 };
	if (r->state == SG_MP_BEFORE && !mp_open(r))
		return SG_MP_ERROR;
	if (r->state == SG_MP_DONE)
		return SG_MP_END;
	if (r->state == SG_MP_FAILED)
		return SG_MP_ERROR;
	if (r->nparts == SG_MP_MAX_PARTS)
		return mp_error(r, "multipart body has too many parts");
	if (!mp_headers(r, p, &ds))
		return SG_MP_ERROR;
	/* The data ends at the first delimiter: "--" boundary at its very
	 * start (an empty part, as Go allows) or after a CRLF. */
	for (h = ds;; h++) {
		h = mp_find_dash(r, h);
		if (h == r->body.len)
			return mp_error(r, "multipart body does not close");
		if (h != ds && (h - ds < 2 || r->body.ptr[h - 2] != '\r' || r->body.ptr[h - 1] != '\n'))
			continue;
		int kind = mp_delim_kind(r, h);
		if (kind < 0)
			return mp_error(r, "multipart body does not close");
		if (kind > 0)
			break;
	}
	p->data = sg_slice_make(r->body.ptr + ds, h == ds ? 0 : h - 2 - ds);
	r->nparts++;
	if (!mp_delim_tail(r, h))
		return SG_MP_ERROR;
	return SG_MP_PART;
}

bool sg_mp_looks_gzip(sg_slice d)
{
	return d.len >= 2 && (unsigned char)d.ptr[0] == 0x1f && (unsigned char)d.ptr[1] == 0x8b;
}

bool sg_mp_looks_archive(sg_slice d)
{
	return sg_mp_looks_gzip(d) || (d.len >= 262 && memcmp(d.ptr + 257, "ustar", 5) == 0);
}

/* ---- plugin archive part -------------------------------------------------- */

bool sg_mp_go_tar_header(sg_slice body)
{
	const unsigned char *b = (const unsigned char *)body.ptr;
	size_t lo = 148, hi = 156;
	uint64_t want = 0, u = 0;
	int64_t s = 0;

	if (body.len < 512)
		return false;
	while (lo < hi && (b[lo] == ' ' || b[lo] == 0))
		lo++;
	while (hi > lo && (b[hi - 1] == ' ' || b[hi - 1] == 0))
		hi--;
	for (size_t i = lo; i < hi && b[i]; i++) {
		if (b[i] < '0' || b[i] > '7')
			return false;
		want = want * 8 + (uint64_t)(b[i] - '0');
	}
	for (size_t i = 0; i < 512; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return want == u || (int64_t)want == s;
}

bool sg_mp_archive_part(sg_slice ct, sg_slice body, sg_slice *archive, const char **why)
{
	struct sg_mp_reader mr;
	struct sg_mp_part p;
	enum sg_mp_status st;
	sg_slice boundary;
	size_t found = 0;

	if (!sg_mp_boundary(ct, &boundary, why))
		return false;
	if (sg_mp_go_tar_header(body))
		return mp_fail(why, "multipart body is also a tar archive, which dockerd would read");
	sg_mp_init(&mr, body, boundary);
	while ((st = sg_mp_next(&mr, &p)) == SG_MP_PART) {
		if (!sg_mp_looks_archive(p.data))
			continue;
		if (sg_mp_looks_gzip(p.data))
			return mp_fail(why, "multipart plugin archive part is compressed");
		if (++found > 1)
			return mp_fail(why, "multipart body has more than one archive part");
		*archive = p.data;
	}
	if (st != SG_MP_END)
		return mp_fail(why, mr.err);
	if (!found)
		return mp_fail(why, "multipart body has no archive part");
	return true;
}
