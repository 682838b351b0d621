/* inspect/jfield.c — see jfield.h. */
#include "inspect/jfield.h"

void sg_jdeny(enum sg_json_err e, struct sg_inspect_result *out)
{
	switch (e) {
	case SG_JSON_EDUP:
		sg_inspect_deny(out, 403, "request_body.duplicate_key",
				"ambiguous duplicate key: two keys of one object name the same field under case folding");
		return;
	case SG_JSON_ETYPE:
		sg_inspect_deny(out, 403, "request_body.field_type",
				"an inspected field has the wrong JSON type");
		return;
	case SG_JSON_EEMPTY:
		sg_inspect_deny(out, 403, "request_body.empty", "request body is empty");
		return;
	case SG_JSON_ENOMEM:
		sg_inspect_deny(out, 413, "request_body.too_large",
				"request body is too large to inspect");
		return;
	case SG_JSON_EUTF8:
		sg_inspect_deny(out, 403, "request_body.malformed_json", "request body is not valid UTF-8");
		return;
	case SG_JSON_EDEPTH:
		sg_inspect_deny(out, 403, "request_body.malformed_json", "request body JSON is nested too deep");
		return;
	default:
		sg_inspect_deny(out, 403, "request_body.malformed_json",
				"request body is not a single valid JSON value");
		return;
	}
}

bool sg_jparse_object(sg_slice body, struct sg_arena *a, sg_json *root, struct sg_inspect_result *out)
{
	enum sg_json_err e = sg_json_parse(body, a, root);
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return false;
	}
	if (sg_json_type_of(*root) != SG_JSON_OBJECT) {
		sg_inspect_deny(out, 403, "request_body.malformed_json", "request body is not a JSON object");
		return false;
	}
	return true;
}

/* Look up a field; *found false when absent or null. */
static bool sg_jf_lookup(sg_json obj, const char *field, sg_json *v, bool *found,
			 struct sg_inspect_result *out)
{
	enum sg_json_err e = sg_json_get(obj, field, v);
	*found = false;
	if (e == SG_JSON_ENOTFOUND)
		return true;
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return false;
	}
	*found = sg_json_type_of(*v) != SG_JSON_NULL;
	return true;
}

static bool sg_jf_typed(sg_json obj, const char *field, enum sg_json_type want, sg_json *v,
			bool *found, struct sg_inspect_result *out)
{
	if (!sg_jf_lookup(obj, field, v, found, out))
		return false;
	if (*found && sg_json_type_of(*v) != want) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
	return true;
}

bool sg_jf_bool(sg_json obj, const char *field, bool *b, struct sg_inspect_result *out)
{
	sg_json v;
	bool found;
	*b = false;
	if (!sg_jf_typed(obj, field, SG_JSON_BOOL, &v, &found, out))
		return false;
	if (found)
		sg_json_bool(v, b);
	return true;
}

bool sg_jf_i64(sg_json obj, const char *field, int64_t *n, struct sg_inspect_result *out)
{
	sg_json v;
	bool found;
	*n = 0;
	if (!sg_jf_typed(obj, field, SG_JSON_INT, &v, &found, out))
		return false;
	if (found)
		sg_json_int64(v, n);
	return true;
}

bool sg_jf_str(sg_json obj, const char *field, sg_slice *s, struct sg_inspect_result *out)
{
	sg_json v;
	bool found;
	*s = sg_slice_make("", 0);
	if (!sg_jf_typed(obj, field, SG_JSON_STRING, &v, &found, out))
		return false;
	if (found)
		sg_json_string(v, s);
	return true;
}

bool sg_jf_obj(sg_json obj, const char *field, sg_json *v, bool *present, struct sg_inspect_result *out)
{
	return sg_jf_typed(obj, field, SG_JSON_OBJECT, v, present, out);
}

bool sg_jf_arr(sg_json obj, const char *field, sg_json *v, bool *present, struct sg_inspect_result *out)
{
	return sg_jf_typed(obj, field, SG_JSON_ARRAY, v, present, out);
}

bool sg_jf_arr_len(sg_json obj, const char *field, size_t *n, struct sg_inspect_result *out)
{
	sg_json v;
	bool present;
	*n = 0;
	if (!sg_jf_arr(obj, field, &v, &present, out))
		return false;
	if (present)
		*n = sg_json_arr_len(v);
	return true;
}

bool sg_jf_obj_len(sg_json obj, const char *field, size_t *n, struct sg_inspect_result *out)
{
	sg_json v;
	bool present;
	*n = 0;
	if (!sg_jf_obj(obj, field, &v, &present, out))
		return false;
	if (present)
		*n = sg_json_obj_len(v);
	return true;
}

bool sg_jv_str(sg_json v, sg_slice *s, struct sg_inspect_result *out)
{
	*s = sg_slice_make("", 0);
	switch (sg_json_type_of(v)) {
	case SG_JSON_NULL:
		return true;
	case SG_JSON_STRING:
		sg_json_string(v, s);
		return true;
	default:
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
}
