/* tests/unit/test_inspect_json.c — the JSON reader (inspect/json.h). */
#include <criterion/criterion.h>

#include "inspect/json.h"

static struct sg_arena arena;

static void setup(void) { cr_assert_eq(sg_arena_init(&arena, 8u << 20), 0); }
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_json, .init = setup, .fini = teardown);

static enum sg_json_err parse(const char *s, sg_json *root)
{
	return sg_json_parse(sg_slice_cstr(s), &arena, root);
}

static enum sg_json_err parse_n(const char *s, size_t n, sg_json *root)
{
	return sg_json_parse(sg_slice_make(s, n), &arena, root);
}

Test(inspect_json, parses_object_and_reads_fields)
{
	sg_json root, v;
	bool b;
	int64_t n;
	sg_slice s;
	cr_assert_eq(parse("{\"Privileged\":true,\"Memory\":42,\"Image\":\"nginx\"}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_type_of(root), SG_JSON_OBJECT);
	cr_assert_eq(sg_json_get(root, "Privileged", &v), SG_JSON_OK);
	cr_assert(sg_json_bool(v, &b) && b);
	cr_assert_eq(sg_json_get(root, "Memory", &v), SG_JSON_OK);
	cr_assert(sg_json_int64(v, &n) && n == 42);
	cr_assert_eq(sg_json_get(root, "Image", &v), SG_JSON_OK);
	cr_assert(sg_json_string(v, &s) && sg_slice_eq_cstr(s, "nginx"));
	cr_assert_eq(sg_json_get(root, "Missing", &v), SG_JSON_ENOTFOUND);
}

Test(inspect_json, lookup_is_case_insensitive)
{
	sg_json root, v;
	cr_assert_eq(parse("{\"pRiViLeGeD\":true}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "Privileged", &v), SG_JSON_OK);
}

Test(inspect_json, lookup_sees_unicode_escaped_keys)
{
	sg_json root, v;
	cr_assert_eq(parse("{\"\\u0050rivileged\":true}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "Privileged", &v), SG_JSON_OK);
}

Test(inspect_json, long_s_folds_to_s)
{
	sg_json root, v;
	/* "Privileged" can't use ſ; "SecurityOpt" can: U+017F for the 'S'. */
	cr_assert_eq(parse("{\"\xc5\xbf" "ecurityOpt\":[]}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "SecurityOpt", &v), SG_JSON_OK);
	cr_assert_eq(parse("{\"\\u017fecurityOpt\":[]}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "SecurityOpt", &v), SG_JSON_OK);
}

Test(inspect_json, kelvin_sign_folds_to_k)
{
	sg_json root, v;
	cr_assert_eq(parse("{\"Mas\xe2\x84\xaa" "edPaths\":[]}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "MaskedPaths", &v), SG_JSON_OK);
	cr_assert(sg_json_key_matches(SG_SLICE_LIT("\xe2\x84\xaa" "ernelMemory"), "KernelMemory"));
}

Test(inspect_json, other_non_ascii_never_matches)
{
	/* U+0130 and U+0131 are not in i's simple-fold orbit. */
	cr_assert_not(sg_json_key_matches(SG_SLICE_LIT("Pr\xc4\xb1vileged"), "Privileged"));
	cr_assert_not(sg_json_key_matches(SG_SLICE_LIT("Pr\xc4\xb0vileged"), "Privileged"));
	cr_assert_not(sg_json_key_matches(SG_SLICE_LIT("Privilege"), "Privileged"));
	cr_assert_not(sg_json_key_matches(SG_SLICE_LIT("Privilegedd"), "Privileged"));
	cr_assert_not(sg_json_key_matches(SG_SLICE_LIT("\xc5"), "S"));
}

Test(inspect_json, duplicate_keys_are_reported)
{
	sg_json root, v;
	cr_assert_eq(parse("{\"Privileged\":false,\"Privileged\":true}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "Privileged", &v), SG_JSON_EDUP);
	cr_assert_eq(parse("{\"Privileged\":false,\"privileged\":true}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "Privileged", &v), SG_JSON_EDUP);
	cr_assert_eq(parse("{\"SecurityOpt\":[],\"\\u017fecurityopt\":[]}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "SecurityOpt", &v), SG_JSON_EDUP);
}

Test(inspect_json, exact_lookup_for_maps)
{
	sg_json root, v;
	cr_assert_eq(parse("{\"a\":\"1\",\"A\":\"2\"}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get_exact(root, SG_SLICE_LIT("a"), &v), SG_JSON_OK);
	cr_assert_eq(parse("{\"a\":\"1\",\"a\":\"2\"}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get_exact(root, SG_SLICE_LIT("a"), &v), SG_JSON_EDUP);
}

Test(inspect_json, rejects_trailing_data)
{
	sg_json root;
	cr_assert_neq(parse("{} {}", &root), SG_JSON_OK);
	cr_assert_neq(parse("{}x", &root), SG_JSON_OK);
	cr_assert_eq(parse("  {}\r\n\t ", &root), SG_JSON_OK);
}

Test(inspect_json, rejects_empty_truncated_and_invalid)
{
	sg_json root;
	cr_assert_eq(parse("", &root), SG_JSON_EEMPTY);
	cr_assert_eq(parse("   ", &root), SG_JSON_EEMPTY);
	cr_assert_neq(parse("{\"a\":", &root), SG_JSON_OK);
	cr_assert_neq(parse("{\"a\":tru}", &root), SG_JSON_OK);
	cr_assert_neq(parse("{'a':1}", &root), SG_JSON_OK);
	cr_assert_neq(parse("{\"a\":1,}", &root), SG_JSON_OK);
}

Test(inspect_json, rejects_invalid_utf8)
{
	sg_json root;
	cr_assert_eq(parse("{\"a\":\"\xff\"}", &root), SG_JSON_EUTF8);
	cr_assert_eq(parse("{\"\xc0\xaf\":1}", &root), SG_JSON_EUTF8);
}

Test(inspect_json, nul_inside_string_is_kept)
{
	sg_json root, v;
	sg_slice s;
	static const char doc[] = "{\"a\":\"x\\u0000y\"}";
	cr_assert_eq(parse_n(doc, sizeof(doc) - 1, &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "a", &v), SG_JSON_OK);
	cr_assert(sg_json_string(v, &s));
	cr_assert_eq(s.len, 3);
	cr_assert_eq(s.ptr[1], '\0');
}

Test(inspect_json, raw_nul_byte_is_rejected)
{
	sg_json root;
	static const char doc[] = "{\"a\":\"x\0y\"}";
	cr_assert_neq(parse_n(doc, sizeof(doc) - 1, &root), SG_JSON_OK);
}

Test(inspect_json, deep_nesting_is_bounded)
{
	enum { D = SG_JSON_MAX_DEPTH + 8 };
	static char doc[2 * D + 1];
	sg_json root;
	memset(doc, '[', D);
	memset(doc + D, ']', D);
	cr_assert_eq(parse_n(doc, 2 * D, &root), SG_JSON_EDEPTH);
	cr_assert_eq(parse_n(doc + 8, 2 * (D - 16) , &root) , SG_JSON_ESYNTAX);
	memset(doc, 0, sizeof(doc));
	memset(doc, '[', 100);
	memset(doc + 100, ']', 100);
	cr_assert_eq(parse_n(doc, 200, &root), SG_JSON_OK);
}

Test(inspect_json, arrays_and_objects_iterate_in_order)
{
	sg_json root, arr, e, v;
	struct sg_json_it it;
	int64_t n, sum = 0;
	sg_slice k;
	cr_assert_eq(parse("{\"a\":[1,2,3],\"m\":{\"x\":1,\"y\":2}}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "a", &arr), SG_JSON_OK);
	cr_assert_eq(sg_json_arr_len(arr), 3);
	cr_assert(sg_json_arr_begin(arr, &it));
	while (sg_json_arr_next(&it, &e)) {
		cr_assert(sg_json_int64(e, &n));
		sum = sum * 10 + n;
	}
	cr_assert_eq(sum, 123);
	cr_assert_eq(sg_json_get(root, "m", &v), SG_JSON_OK);
	cr_assert_eq(sg_json_obj_len(v), 2);
	cr_assert(sg_json_obj_begin(v, &it));
	cr_assert(sg_json_obj_next(&it, &k, &e) && sg_slice_eq_cstr(k, "x"));
	cr_assert(sg_json_obj_next(&it, &k, &e) && sg_slice_eq_cstr(k, "y"));
	cr_assert_not(sg_json_obj_next(&it, &k, &e));
	cr_assert_not(sg_json_arr_begin(v, &it));
}

Test(inspect_json, number_types)
{
	sg_json root, v;
	int64_t n;
	cr_assert_eq(parse("{\"a\":1.0,\"b\":1e3,\"c\":18446744073709551615,\"d\":-5}", &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "a", &v), SG_JSON_OK);
	cr_assert_eq(sg_json_type_of(v), SG_JSON_DOUBLE);
	cr_assert_not(sg_json_int64(v, &n));
	cr_assert_eq(sg_json_get(root, "b", &v), SG_JSON_OK);
	cr_assert_eq(sg_json_type_of(v), SG_JSON_DOUBLE);
	cr_assert_eq(sg_json_get(root, "c", &v), SG_JSON_OK);
	cr_assert_eq(sg_json_type_of(v), SG_JSON_UINT);
	cr_assert_eq(sg_json_get(root, "d", &v), SG_JSON_OK);
	cr_assert(sg_json_int64(v, &n) && n == -5);
}

Test(inspect_json, arena_exhaustion_is_enomem)
{
	struct sg_arena small;
	sg_json root;
	cr_assert_eq(sg_arena_init(&small, 64), 0);
	small.cap = 64;
	char big[512];
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[511] = '}';
	cr_assert_eq(sg_json_parse(sg_slice_make(big, sizeof(big)), &small, &root), SG_JSON_ENOMEM);
	sg_arena_destroy(&small);
}
