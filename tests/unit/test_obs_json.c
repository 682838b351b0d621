/* JSON / logfmt string escaping (obs/json_str.c) and the bounded buffer. */
#include <criterion/criterion.h>
#include <string.h>

#include "obs/json_str.h"
#include "obs/obuf.h"

static const char *json(const char *s, size_t n)
{
	static char out[1024];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_json_str(&b, s, n);
	cr_assert(sg_obuf_finish(&b));
	return out;
}

static const char *text(const char *s, size_t n)
{
	static char out[1024];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_text_value(&b, s, n);
	cr_assert(sg_obuf_finish(&b));
	return out;
}

#define J(lit) json(lit, sizeof(lit) - 1)
#define T(lit) text(lit, sizeof(lit) - 1)

Test(obs_json, plain_ascii_is_quoted_verbatim)
{
	cr_assert_str_eq(J("/v1.45/containers/json"), "\"/v1.45/containers/json\"");
	cr_assert_str_eq(J(""), "\"\"");
}

Test(obs_json, quotes_and_backslashes_are_escaped)
{
	cr_assert_str_eq(J("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

Test(obs_json, control_bytes_use_short_or_u00_escapes)
{
	cr_assert_str_eq(J("\n\r\t"), "\"\\n\\r\\t\"");
	cr_assert_str_eq(J("\x01\x1f\b\f"), "\"\\u0001\\u001f\\u0008\\u000c\"");
	cr_assert_str_eq(json("a\0b", 3), "\"a\\u0000b\"");
	cr_assert_str_eq(J("\x7f"), "\"\x7f\"");
}

Test(obs_json, html_characters_are_not_escaped)
{
	cr_assert_str_eq(J("<a&b>"), "\"<a&b>\"");
}

Test(obs_json, valid_utf8_passes_through)
{
	cr_assert_str_eq(J("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x90\xb3"), "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x90\xb3\"");
}

Test(obs_json, invalid_utf8_bytes_become_replacement_characters)
{
	cr_assert_str_eq(J("a\x80z"), "\"a\\ufffdz\"");
	cr_assert_str_eq(J("\xff\xfe"), "\"\\ufffd\\ufffd\"");
	/* overlong "/" and a UTF-16 surrogate, each byte replaced */
	cr_assert_str_eq(J("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	cr_assert_str_eq(J("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	/* truncated sequence at the end */
	cr_assert_str_eq(J("ok\xe2\x82"), "\"ok\\ufffd\\ufffd\"");
	/* above U+10FFFF */
	cr_assert_str_eq(J("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

Test(obs_json, line_separators_are_escaped)
{
	cr_assert_str_eq(J("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "\"a\\u2028b\\u2029\"");
}

Test(obs_json, utf8_validator_lengths)
{
	cr_assert_eq(sg_utf8_valid_len((const unsigned char *)"A", 1), 1);
	cr_assert_eq(sg_utf8_valid_len((const unsigned char *)"\xc3\xa9", 2), 2);
	cr_assert_eq(sg_utf8_valid_len((const unsigned char *)"\xe0\x80\x80", 3), 0);
	cr_assert_eq(sg_utf8_valid_len((const unsigned char *)"\xf0\x9f\x90\xb3", 4), 4);
	cr_assert_eq(sg_utf8_valid_len((const unsigned char *)"\xf0\x9f\x90", 3), 0);
}

Test(obs_json, text_values_quote_only_when_needed)
{
	cr_assert_str_eq(T("GET"), "GET");
	cr_assert_str_eq(T("/containers/json"), "/containers/json");
	cr_assert_str_eq(T(""), "\"\"");
	cr_assert_str_eq(T("a b"), "\"a b\"");
	cr_assert_str_eq(T("k=v"), "\"k=v\"");
	cr_assert_str_eq(T("say \"hi\""), "\"say \\\"hi\\\"\"");
	cr_assert_str_eq(T("line\nbreak"), "\"line\\nbreak\"");
	cr_assert_str_eq(T("bad\x80"), "\"bad\\x80\"");
}

Test(obs_json, bounded_buffer_reports_overflow_and_wanted_length)
{
	char out[8];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_json_str(&b, "0123456789", 10);
	cr_assert(b.overflow);
	cr_assert_eq(b.want, 12);
	cr_assert_leq(b.len, sizeof(out));
	cr_assert_not(sg_obuf_finish(&b));
}

Test(obs_json, fixed_point_matches_go_shortest_format)
{
	char out[64];
	struct sg_obuf b = sg_obuf_make(out, sizeof(out));
	sg_obuf_fixed(&b, 1234, 3);
	sg_obuf_putc(&b, ' ');
	sg_obuf_fixed(&b, 12000, 3);
	sg_obuf_putc(&b, ' ');
	sg_obuf_fixed(&b, 5, 3);
	sg_obuf_putc(&b, ' ');
	sg_obuf_fixed(&b, 1500000000, 9);
	cr_assert(sg_obuf_finish(&b));
	cr_assert_str_eq(out, "1.234 12 0.005 1.5");
}
