/* obs/json_str.c — JSON / logfmt string escaping (see json_str.h). */
#include "obs/json_str.h"

#include <stdbool.h>
#include <stdint.h>

static const char hexdig[] = "0123456789abcdef";

size_t sg_utf8_valid_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t need;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;	/* continuation byte, 0xc0/0xc1 overlong lead, > 0xf4 */
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

static void put_u00(struct sg_obuf *b, unsigned char c)
{
	char esc[6] = { '\\', 'u', '0', '0', hexdig[c >> 4], hexdig[c & 15] };
	sg_obuf_put(b, esc, 6);
}

/* One JSON-escaped byte < 0x80 that needs escaping, or false. */
static bool json_escape_ascii(struct sg_obuf *b, unsigned char c)
{
	switch (c) {
	case '"':  sg_obuf_put(b, "\\\"", 2); return true;
	case '\\': sg_obuf_put(b, "\\\\", 2); return true;
	case '\n': sg_obuf_put(b, "\\n", 2); return true;
	case '\r': sg_obuf_put(b, "\\r", 2); return true;
	case '\t': sg_obuf_put(b, "\\t", 2); return true;
	default:
		if (c < 0x20 || c == 0x7f) {
			if (c == 0x7f)	/* DEL is valid JSON; Go leaves it bare */
				return false;
			put_u00(b, c);
			return true;
		}
		return false;
	}
}

/* 1 for printable ASCII that JSON carries verbatim (the common case). */
static const unsigned char json_plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

void sg_json_str(struct sg_obuf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	sg_obuf_putc(b, '"');
	size_t run = 0;	/* start of the pending run of bytes copied verbatim */
	size_t i = 0;
	while (i < n) {
		while (i < n && json_plain[s[i]])
			i++;
		if (i == n)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			sg_obuf_put(b, str + run, i - run);
			json_escape_ascii(b, c);
			run = ++i;
			continue;
		}
		size_t l = sg_utf8_valid_len(s + i, n - i);
		if (l == 0) {
			sg_obuf_put(b, str + run, i - run);
			sg_obuf_put(b, "\\ufffd", 6);
			run = ++i;
			continue;
		}
		/* U+2028 = e2 80 a8, U+2029 = e2 80 a9 */
		if (l == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] & 0xfe) == 0xa8) {
			sg_obuf_put(b, str + run, i - run);
			sg_obuf_put(b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			i += 3;
			run = i;
			continue;
		}
		i += l;
	}
	sg_obuf_put(b, str + run, n - run);
	sg_obuf_putc(b, '"');
}

static bool text_needs_quoting(const unsigned char *s, size_t n)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7f || c == '=' || c == '"')
				return true;
			i++;
			continue;
		}
		size_t l = sg_utf8_valid_len(s + i, n - i);
		if (l == 0)
			return true;
		/* Non-ASCII spaces / separators make slog quote too; U+0085,
		 * U+00A0 and U+2000..U+200A, U+2028/9 are the common ones. */
		if ((l == 2 && c == 0xc2 && (s[i + 1] == 0x85 || s[i + 1] == 0xa0)) ||
		    (l == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] <= 0x8a || s[i + 2] == 0xa8 || s[i + 2] == 0xa9)))
			return true;
		i += l;
	}
	return false;
}

/* Go strconv.Quote style: \a \b \f \n \r \t \v \\ \", \xNN for invalid
 * bytes and other controls. */
static void text_quote(struct sg_obuf *b, const unsigned char *s, size_t n)
{
	sg_obuf_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\v': esc = "\\v"; break;
		case '\\': esc = "\\\\"; break;
		case '"':  esc = "\\\""; break;
		default: break;
		}
		if (esc) {
			sg_obuf_put(b, esc, 2);
			i++;
			continue;
		}
		size_t l = c < 0x80 ? 1 : sg_utf8_valid_len(s + i, n - i);
		if (l == 0 || c < 0x20 || c == 0x7f) {
			char x[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };
			sg_obuf_put(b, x, 4);
			i++;
			continue;
		}
		sg_obuf_put(b, (const char *)s + i, l);
		i += l;
	}
	sg_obuf_putc(b, '"');
}

void sg_text_value(struct sg_obuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (text_needs_quoting(u, n))
		text_quote(b, u, n);
	else
		sg_obuf_put(b, s, n);
}
