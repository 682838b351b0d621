/* inspect/dockerfile.c — see dockerfile.h. */
#include "inspect/dockerfile.h"

/* Length of the Unicode whitespace (Go's unicode.IsSpace) at p, or 0. */
static size_t df_space(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
		return 2;
	if (n >= 3 && p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
		return 3;	/* U+1680 */
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
		return 3;	/* U+2000-200A, U+2028, U+2029, U+202F */
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
		return 3;	/* U+205F */
	if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;	/* U+3000 */
	return 0;
}

static bool df_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Skip whitespace within [*i, end); then is the next word `w` (any case)? */
static bool df_word_is(const unsigned char *s, size_t *i, size_t end, const char *w)
{
	size_t k;
	while (*i < end && (k = df_space(s + *i, end - *i)) > 0 && s[*i] != '\n')
		*i += k;
	size_t j = 0;
	while (w[j] && *i + j < end && (s[*i + j] | 0x20) == w[j])
		j++;
	if (w[j] != '\0')
		return false;
	if (*i + j < end && df_word_char(s[*i + j]))
		return false;
	*i += j;
	return true;
}

bool sg_dockerfile_has_run(sg_slice df)
{
	const unsigned char *s = (const unsigned char *)df.ptr;
	size_t i = 0, n = df.len;

	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '\n')
			end++;
		size_t p = i;
		if (df_word_is(s, &p, end, "run"))
			return true;
		p = i;
		if (df_word_is(s, &p, end, "onbuild") && df_word_is(s, &p, end, "run"))
			return true;
		i = end + 1;
	}
	return false;
}
