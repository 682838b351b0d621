/* inspect/tar.c — see tar.h. Field offsets follow POSIX ustar:
 * name 0/100, mode 100/8, size 124/12, chksum 148/8, typeflag 156,
 * linkname 157/100, magic 257/6, version 263/2, prefix 345/155. */
#include "inspect/tar.h"

#include <string.h>

bool sg_tar_block_zero(const unsigned char *b)
{
	for (size_t i = 0; i < SG_TAR_BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

/* NUL-terminated string field. */
static sg_slice tar_str(const unsigned char *f, size_t n)
{
	const unsigned char *z = memchr(f, 0, n);
	return sg_slice_make((const char *)f, z ? (size_t)(z - f) : n);
}

/* Go's parseNumeric: base-256 when the high bit is set, else octal with
 * spaces and NULs trimmed from both ends (empty is 0). */
static bool tar_num(const unsigned char *f, size_t n, uint64_t *out)
{
	*out = 0;
	if (n && (f[0] & 0x80)) {
		if (f[0] & 0x40)	/* negative */
			return false;
		uint64_t v = f[0] & 0x3f;
		for (size_t i = 1; i < n; i++) {
			if (v >> 55)
				return false;
			v = (v << 8) | f[i];
		}
		*out = v;
		return true;
	}
	size_t lo = 0, hi = n;
	while (lo < hi && (f[lo] == ' ' || f[lo] == 0))
		lo++;
	while (hi > lo && (f[hi - 1] == ' ' || f[hi - 1] == 0))
		hi--;
	for (size_t i = lo; i < hi; i++) {
		if (f[i] < '0' || f[i] > '7' || (*out >> 60))
			return false;
		*out = *out * 8 + (uint64_t)(f[i] - '0');
	}
	return true;
}

static bool tar_checksum_ok(const unsigned char *b)
{
	uint64_t want;
	if (!tar_num(b + 148, 8, &want))
		return false;
	uint64_t u = 0;
	int64_t s = 0;
	for (size_t i = 0; i < SG_TAR_BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return want == u || (int64_t)want == s;
}

/* One PAX record "%d key=value\n"; advances *p. */
static bool tar_pax_record(sg_slice d, size_t *p, sg_slice *key, sg_slice *val)
{
	size_t i = *p, len = 0, start = *p;
	while (i < d.len && d.ptr[i] >= '0' && d.ptr[i] <= '9') {
		if (len > SG_TAR_MAX_SPECIAL)
			return false;
		len = len * 10 + (size_t)(d.ptr[i++] - '0');
	}
	if (i == start || i >= d.len || d.ptr[i] != ' ' || len > d.len - start || len < (i - start) + 3)
		return false;
	sg_slice rec = sg_slice_make(d.ptr + i + 1, len - (i - start) - 1);
	if (rec.ptr[rec.len - 1] != '\n')
		return false;
	rec.len--;
	const char *eq = memchr(rec.ptr, '=', rec.len);
	if (!eq || eq == rec.ptr)
		return false;
	*key = sg_slice_make(rec.ptr, (size_t)(eq - rec.ptr));
	*val = sg_slice_make(eq + 1, rec.len - key->len - 1);
	*p = start + len;
	return true;
}

static bool tar_pax_apply(sg_slice d, struct sg_tar_pending *pend)
{
	size_t p = 0;
	while (p < d.len) {
		sg_slice k, v;
		if (!tar_pax_record(d, &p, &k, &v))
			return false;
		if (k.len >= 10 && memcmp(k.ptr, "GNU.sparse", 10) == 0)
			return false;
		if (k.len >= 22 && memcmp(k.ptr, "SCHILY.xattr.security.", 22) == 0)
			pend->security_xattr = true;
		if (sg_slice_eq_cstr(k, "path")) {
			pend->name = v, pend->has_name = true;
		} else if (sg_slice_eq_cstr(k, "linkpath")) {
			pend->linkname = v, pend->has_link = true;
		} else if (sg_slice_eq_cstr(k, "size")) {
			uint64_t n = 0;
			if (v.len == 0 || v.len > 19)
				return false;
			for (size_t i = 0; i < v.len; i++) {
				if (v.ptr[i] < '0' || v.ptr[i] > '9')
					return false;
				n = n * 10 + (uint64_t)(v.ptr[i] - '0');
			}
			pend->size = n, pend->has_size = true;
		}
	}
	return true;
}

/* ustar/pax: prefix + "/" + name, joined in the arena. */
static bool tar_join_prefix(struct sg_arena *a, const unsigned char *b, sg_slice name, sg_slice *out)
{
	/* star archives ("tar\0" trailer) keep a 131-byte prefix. */
	bool star = memcmp(b + 508, "tar\0", 4) == 0;
	sg_slice prefix = tar_str(b + 345, star ? 131 : 155);
	*out = name;
	if (prefix.len == 0)
		return true;
	char *buf = sg_arena_alloc(a, prefix.len + 1 + name.len);
	if (!buf)
		return false;
	memcpy(buf, prefix.ptr, prefix.len);
	buf[prefix.len] = '/';
	if (name.len)
		memcpy(buf + prefix.len + 1, name.ptr, name.len);
	*out = sg_slice_make(buf, prefix.len + 1 + name.len);
	return true;
}

void sg_tar_init(struct sg_tar_reader *r, sg_slice body, struct sg_arena *a)
{
	*r = (struct sg_tar_reader){ .buf = body, .a = a };
}

/* Data of a special header, bounded. */
static bool tar_take(struct sg_tar_reader *r, uint64_t size, sg_slice *data)
{
	uint64_t padded = (size + SG_TAR_BLOCK - 1) / SG_TAR_BLOCK * SG_TAR_BLOCK;
	if (size > r->buf.len - r->pos || padded > r->buf.len - r->pos)
		return false;
	*data = sg_slice_make(r->buf.ptr + r->pos, (size_t)size);
	r->pos += (size_t)padded;
	return true;
}

bool sg_tar_special_apply(char type, sg_slice d, struct sg_tar_pending *pend)
{
	if (type == 'x')
		return tar_pax_apply(d, pend);
	if (type == 'L')
		pend->name = tar_str((const unsigned char *)d.ptr, d.len), pend->has_name = true;
	if (type == 'K')
		pend->linkname = tar_str((const unsigned char *)d.ptr, d.len), pend->has_link = true;
	return true;
}

uint64_t sg_tar_data_size(const struct sg_tar_entry *e)
{
	return (e->type == '1' || e->type == '2' || e->type == '3' || e->type == '4' || e->type == '5' ||
		e->type == '6') ? 0 : e->size;
}

enum sg_tar_hdr sg_tar_header(const unsigned char *b, const struct sg_tar_pending *pend, struct sg_arena *a,
			      struct sg_tar_entry *e, char *type_out, uint64_t *size_out)
{
	if (!tar_checksum_ok(b))
		return SG_TAR_HDR_BAD;
	bool gnu = memcmp(b + 257, "ustar  \0", 8) == 0;
	bool ustar = !gnu && memcmp(b + 257, "ustar\0", 6) == 0;
	char type = (char)b[156];
	uint64_t size, mode;
	if (!tar_num(b + 124, 12, &size) || !tar_num(b + 100, 8, &mode))
		return SG_TAR_HDR_BAD;
	if (type == 'x' || type == 'L' || type == 'K') {
		*type_out = type;
		*size_out = size;
		return SG_TAR_HDR_SPECIAL;
	}
	if (type == 'S')
		return SG_TAR_HDR_BAD;
	e->type = type;
	e->mode = mode;
	e->security_xattr = pend->security_xattr;
	e->size = pend->has_size ? pend->size : size;
	e->linkname = pend->has_link ? pend->linkname : tar_str(b + 157, 100);
	e->data = sg_slice_make("", 0);
	if (pend->has_name)
		e->name = pend->name;
	else if (!ustar || !tar_join_prefix(a, b, tar_str(b, 100), &e->name)) {
		if (ustar)
			return SG_TAR_HDR_BAD;
		e->name = tar_str(b, 100);
	}
	if (e->type == '\0')
		e->type = (e->name.len && e->name.ptr[e->name.len - 1] == '/') ? '5' : '0';
	*type_out = e->type;
	*size_out = sg_tar_data_size(e);
	return SG_TAR_HDR_ENTRY;
}

enum sg_tar_status sg_tar_next(struct sg_tar_reader *r, struct sg_tar_entry *e)
{
	struct sg_tar_pending pend = { 0 };
	int specials = 0;
	uint64_t special_bytes = 0;

	if (r->done)
		return SG_TAR_END;
	for (;;) {
		if (r->buf.len - r->pos < SG_TAR_BLOCK) {
			r->done = true;
			/* Go: io.EOF at a block boundary ends the archive. */
			return (r->pos == r->buf.len && specials == 0) ? SG_TAR_END : SG_TAR_ERROR;
		}
		const unsigned char *b = (const unsigned char *)r->buf.ptr + r->pos;
		r->pos += SG_TAR_BLOCK;
		if (sg_tar_block_zero(b)) {
			r->done = true;
			if (specials)
				return SG_TAR_ERROR;
			if (r->buf.len - r->pos < SG_TAR_BLOCK)
				return r->pos == r->buf.len ? SG_TAR_END : SG_TAR_ERROR;
			return sg_tar_block_zero(b + SG_TAR_BLOCK) ? SG_TAR_END : SG_TAR_ERROR;
		}
		char type;
		uint64_t size;
		sg_slice d;
		switch (sg_tar_header(b, &pend, r->a, e, &type, &size)) {
		case SG_TAR_HDR_SPECIAL:
			special_bytes += size > SG_TAR_MAX_SPECIAL ? SG_TAR_MAX_SPECIAL + 1 : size;
			if (special_bytes > SG_TAR_MAX_SPECIAL || ++specials > SG_TAR_MAX_SPECIALS ||
			    !tar_take(r, size, &d) || !sg_tar_special_apply(type, d, &pend))
				goto bad;
			continue;
		case SG_TAR_HDR_ENTRY:
			if (!tar_take(r, size, &e->data))
				goto bad;
			return SG_TAR_ENTRY;
		default:
			goto bad;
		}
	}
bad:
	r->done = true;
	return SG_TAR_ERROR;
}
