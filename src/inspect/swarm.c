/* inspect/swarm.c — POST /swarm/init, /swarm/join, /swarm/update, /swarm/unlock.
 *
 * init:   ForceNewCluster, Spec.CAConfig.ExternalCAs, signing-CA material
 *         (SigningCACert, SigningCAKey, ForceRotate > 0) and
 *         Spec.EncryptionConfig.AutoLockManagers need their knobs.
 * join:   every RemoteAddrs entry (trimmed, lower-cased) must be in
 *         allowed_join_remote_addrs.
 * update: the body is the swarm Spec (CAConfig, EncryptionConfig at the top);
 *         the rotateWorkerToken / rotateManagerToken / rotateManagerUnlockKey
 *         query flags use dockerd's BoolValue: anything but "", 0, no, false,
 *         none (any case) is true.
 * unlock: denied unless allow_unlock. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/query.h"
#include "inspect/text.h"

#define SW "swarm."

/* CAConfig checks shared by init (under Spec) and update (top level). */
static bool sw_ca_ok(const struct sg_swarm_settings *ss, sg_json spec, struct sg_inspect_result *out)
{
	sg_json ca, enc;
	bool has_ca, has_enc, autolock = false;
	size_t next = 0;
	sg_slice cert = { "", 0 }, key = { "", 0 };
	int64_t rotate = 0;

	if (!sg_jf_obj(spec, "CAConfig", &ca, &has_ca, out) || !sg_jf_obj(spec, "EncryptionConfig", &enc, &has_enc, out))
		return false;
	if (has_ca && (!sg_jf_arr_len(ca, "ExternalCAs", &next, out) || !sg_jf_str(ca, "SigningCACert", &cert, out) ||
		       !sg_jf_str(ca, "SigningCAKey", &key, out)))
		return false;
	if (has_ca) {
		sg_json fr;
		enum sg_json_err e = sg_json_get(ca, "ForceRotate", &fr);
		double d = 0;
		if (e == SG_JSON_EDUP || (e == SG_JSON_OK && sg_json_type_of(fr) != SG_JSON_NULL && !sg_json_double(fr, &d))) {
			sg_jdeny(e == SG_JSON_EDUP ? e : SG_JSON_ETYPE, out);
			return false;
		}
		rotate = d != 0;
	}
	if (has_enc && !sg_jf_bool(enc, "AutoLockManagers", &autolock, out))
		return false;
	if (next > 0 && !ss->allow_external_ca) {
		sg_inspect_deny(out, 403, SW "allow_external_ca", "external CAs are not allowed");
		return false;
	}
	if ((sg_trim(cert).len > 0 || sg_trim(key).len > 0 || rotate) && !ss->allow_signing_ca_update) {
		sg_inspect_deny(out, 403, SW "allow_signing_ca_update", "signing CA updates are not allowed");
		return false;
	}
	if (autolock && !ss->allow_auto_lock_managers) {
		sg_inspect_deny(out, 403, SW "allow_auto_lock_managers", "manager autolock is not allowed");
		return false;
	}
	return true;
}

void sg_inspect_swarm_init(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, spec;
	bool force, has_spec;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_bool(root, "ForceNewCluster", &force, out) ||
	    !sg_jf_obj(root, "Spec", &spec, &has_spec, out))
		return;
	if (force && !s->swarm.allow_force_new_cluster) {
		sg_inspect_deny(out, 403, SW "allow_force_new_cluster", "force-new-cluster is not allowed");
		return;
	}
	if (has_spec)
		sw_ca_ok(&s->swarm, spec, out);
}

void sg_inspect_swarm_join(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, addrs, e;
	bool present;
	struct sg_json_it it;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_arr(root, "RemoteAddrs", &addrs, &present, out))
		return;
	if (!present)
		return;
	sg_json_arr_begin(addrs, &it);
	while (sg_json_arr_next(&it, &e)) {
		sg_slice addr;
		if (!sg_jv_str(e, &addr, out))
			return;
		addr = sg_trim(addr);
		if (addr.len == 0 || sg_list_has_ci(&s->swarm.allowed_join_remote_addrs, addr))
			continue;
		sg_inspect_denyf(out, a, 403, SW "allowed_join_remote_addrs", "join remote address is not allowlisted",
				 "join remote address \"%.*s\" is not allowlisted", (int)(addr.len > 128 ? 128 : addr.len),
				 addr.ptr);
		return;
	}
}

/* dockerd's httputils.BoolValue on the first value of `name`. */
static bool sw_query_bool(sg_slice q, const char *name, struct sg_arena *a)
{
	sg_slice v = { "", 0 };
	sg_query_get(q, name, a, &v);
	v = sg_trim(v);
	return !(v.len == 0 || sg_slice_eq_cstr(v, "0") || sg_eq_ci(v, "no") || sg_eq_ci(v, "false") ||
		 sg_eq_ci(v, "none"));
}

void sg_inspect_swarm_update(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			     sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	const struct sg_swarm_settings *ss = &s->swarm;
	sg_json root;

	sg_inspect_allow(out);
	if (!sg_query_precheck(req, a, out))
		return;
	if (!ss->allow_token_rotation && (sw_query_bool(req->query, "rotateWorkerToken", a) ||
					  sw_query_bool(req->query, "rotateManagerToken", a))) {
		sg_inspect_deny(out, 403, SW "allow_token_rotation", "join token rotation is not allowed");
		return;
	}
	if (!ss->allow_manager_unlock_key_rotation && sw_query_bool(req->query, "rotateManagerUnlockKey", a)) {
		sg_inspect_deny(out, 403, SW "allow_manager_unlock_key_rotation",
				"manager unlock key rotation is not allowed");
		return;
	}
	if (!sg_jparse_object(body, a, &root, out))
		return;
	sw_ca_ok(ss, root, out);
}

void sg_inspect_swarm_unlock(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			     sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_inspect_allow(out);
	if (!s->swarm.allow_unlock)
		sg_inspect_deny(out, 403, SW "allow_unlock", "swarm unlock is not allowed");
}
