/* inspect/node.c — POST /nodes/{id}/update (body: the node Spec).
 *
 * A non-empty Role, Availability or Name needs its allow_* knob. A present
 * Labels map (null included: it clears every label) needs
 * allow_label_mutation unless it is non-empty and every key is in
 * allowed_label_keys or is the ownership label key (which may not be set to
 * an empty value). Map keys are exact; duplicates are refused. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

#define SG_DEFAULT_OWNER_LABEL "com.sockguard.owner"

struct node_gate {
	const char *field;
	size_t allow_offset;
	const char *knob;
	const char *reason;
};

static const struct node_gate node_gates[] = {
	{ "Role", offsetof(struct sg_node_settings, allow_role_change), "node.allow_role_change",
	  "node role changes are not allowed" },
	{ "Availability", offsetof(struct sg_node_settings, allow_availability_change),
	  "node.allow_availability_change", "node availability changes are not allowed" },
	{ "Name", offsetof(struct sg_node_settings, allow_name_change), "node.allow_name_change",
	  "node name changes are not allowed" },
};

/* Every key allowlisted (and the owner key non-empty), map non-empty, no duplicates. */
static bool node_labels_only_allowed(const struct sg_inspect_settings *s, sg_json labels, bool *ok,
				     struct sg_inspect_result *out)
{
	struct sg_json_it it;
	sg_slice key, val;
	sg_json v, dup;
	size_t n = 0;
	sg_slice owner = sg_slice_cstr(s->owner_label_key ? s->owner_label_key : SG_DEFAULT_OWNER_LABEL);

	*ok = true;
	sg_json_obj_begin(labels, &it);
	while (sg_json_obj_next(&it, &key, &v)) {
		n++;
		/* An empty ownership.label_key (possible without an owner)
		 * names no key: it must not make the empty key claimable. */
		bool is_owner = owner.len > 0 && sg_slice_eq(key, owner);
		if (!is_owner && !sg_list_has(&s->node.allowed_label_keys, key))
			return false;
		/* Only allowlisted keys get here, so this O(n) scan runs for a
		 * bounded number of distinct keys. */
		if (sg_json_get_exact(labels, key, &dup) == SG_JSON_EDUP) {
			sg_jdeny(SG_JSON_EDUP, out);
			*ok = false;
			return false;
		}
		if (!sg_jv_str(v, &val, out)) {
			*ok = false;
			return false;
		}
		if (is_owner && val.len == 0)
			return false;
	}
	return n > 0;
}

void sg_inspect_node_update(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			    sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, labels;
	enum sg_json_err e;
	bool ok;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out))
		return;
	for (size_t i = 0; i < sizeof(node_gates) / sizeof(node_gates[0]); i++) {
		sg_slice v;
		if (!sg_jf_str(root, node_gates[i].field, &v, out))
			return;
		if (sg_trim(v).len > 0 && !*(const bool *)((const char *)&s->node + node_gates[i].allow_offset)) {
			sg_inspect_deny(out, 403, node_gates[i].knob, node_gates[i].reason);
			return;
		}
	}
	e = sg_json_get(root, "Labels", &labels);
	if (e == SG_JSON_ENOTFOUND || s->node.allow_label_mutation)
		return;
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return;
	}
	if (sg_json_type_of(labels) == SG_JSON_OBJECT && node_labels_only_allowed(s, labels, &ok, out))
		return;
	if (sg_json_type_of(labels) != SG_JSON_OBJECT && sg_json_type_of(labels) != SG_JSON_NULL) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return;
	}
	if (!sg_inspect_denied(out))
		sg_inspect_deny(out, 403, "node.allow_label_mutation", "node label mutation is not allowed");
}
