/* inspect/json.c — Go-compatible key matching and lookups over inspect/json.h. */
#include "inspect/json.h"

/* ASCII upper-case. */
static char sg_up(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

/* Go's encoding/json folds a key to the smallest rune of each character's
 * simple-fold orbit. Only two non-ASCII runes have an ASCII letter in their
 * orbit: U+017F (UTF-8 C5 BF) ~ 'S' and U+212A (E2 84 AA) ~ 'K'. Every other
 * non-ASCII rune (and U+FFFD) can never equal an ASCII field name. */
bool sg_json_key_matches(sg_slice key, const char *field)
{
	const unsigned char *k = (const unsigned char *)key.ptr;
	size_t i = 0, f = 0;

	while (i < key.len) {
		char want = field[f];
		if (want == '\0')
			return false;
		want = sg_up(want);
		if (k[i] < 0x80) {
			if (sg_up((char)k[i]) != want)
				return false;
			i++;
		} else if (want == 'S' && i + 1 < key.len && k[i] == 0xC5 && k[i + 1] == 0xBF) {
			i += 2;
		} else if (want == 'K' && i + 2 < key.len && k[i] == 0xE2 && k[i + 1] == 0x84 &&
			   k[i + 2] == 0xAA) {
			i += 3;
		} else {
			return false;
		}
		f++;
	}
	return field[f] == '\0';
}

/* The value of the one member whose key matches: `field` as Go's
 * encoding/json matches it, or (field == NULL) exactly `want`. A second
 * match is SG_JSON_EDUP. */
static enum sg_json_err get_one(sg_json obj, const char *field, sg_slice want, sg_json *out)
{
	struct sg_json_it it;
	sg_slice key;
	sg_json val;
	size_t hits = 0;

	if (!sg_json_obj_begin(obj, &it))
		return SG_JSON_ETYPE;
	while (sg_json_obj_next(&it, &key, &val)) {
		if (field ? !sg_json_key_matches(key, field) : !sg_slice_eq(key, want))
			continue;
		if (++hits > 1)
			return SG_JSON_EDUP;
		*out = val;
	}
	return hits ? SG_JSON_OK : SG_JSON_ENOTFOUND;
}

enum sg_json_err sg_json_get(sg_json obj, const char *field, sg_json *out)
{
	return get_one(obj, field, sg_slice_make(NULL, 0), out);
}

enum sg_json_err sg_json_get_exact(sg_json obj, sg_slice want, sg_json *out)
{
	return get_one(obj, NULL, want, out);
}

const char *sg_json_err_str(enum sg_json_err e)
{
	switch (e) {
	case SG_JSON_OK: return "ok";
	case SG_JSON_ENOTFOUND: return "not found";
	case SG_JSON_EDUP: return "ambiguous duplicate key";
	case SG_JSON_ETYPE: return "wrong type";
	case SG_JSON_EEMPTY: return "empty body";
	case SG_JSON_ESYNTAX: return "malformed JSON";
	case SG_JSON_EUTF8: return "invalid UTF-8";
	case SG_JSON_EDEPTH: return "JSON nested too deep";
	case SG_JSON_ENOMEM: return "JSON body too large for inspection";
	}
	return "unknown";
}
