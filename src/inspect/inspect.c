/* inspect/inspect.c — which inspector applies to a request, and dispatch.
 *
 * The route table mirrors the "inspected by default" list of the
 * configuration reference. A `*` matches one non-empty path segment; `**`
 * (plugin names only, which dockerd routes with `{name:.*}` and may contain
 * slashes) matches one or more segments. */
#include "inspect/inspect.h"

#include "inspect/inspectors.h"

struct sg_route {
	const char *method;
	const char *pattern;
	enum sg_inspector_id id;
	uint32_t body_limit;	/* 0: query-only inspector, body not needed */
	bool tar_body;
};

#define SG_EXEC_LIMIT (64u << 10)	/* 64 KiB: exec create bodies (Go original's cap) */

static const struct sg_route sg_routes[] = {
	{ "POST", "/containers/create", SG_INSPECT_CONTAINER_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/containers/*/exec", SG_INSPECT_EXEC_CREATE, SG_EXEC_LIMIT, false },
	{ "POST", "/exec/*/start", SG_INSPECT_EXEC_START, 0, false },
	{ "POST", "/images/create", SG_INSPECT_IMAGE_PULL, 0, false },
	{ "POST", "/build", SG_INSPECT_BUILD, SG_INSPECT_TAR_LIMIT, true },
	{ "POST", "/volumes/create", SG_INSPECT_VOLUME_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/networks/create", SG_INSPECT_NETWORK_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/networks/*/connect", SG_INSPECT_NETWORK_CONNECT, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/networks/*/disconnect", SG_INSPECT_NETWORK_DISCONNECT, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/secrets/create", SG_INSPECT_SECRET_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/configs/create", SG_INSPECT_CONFIG_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/services/create", SG_INSPECT_SERVICE_CREATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/services/*/update", SG_INSPECT_SERVICE_UPDATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/swarm/init", SG_INSPECT_SWARM_INIT, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/swarm/join", SG_INSPECT_SWARM_JOIN, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/swarm/update", SG_INSPECT_SWARM_UPDATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/swarm/unlock", SG_INSPECT_SWARM_UNLOCK, 0, false },
	{ "POST", "/nodes/*/update", SG_INSPECT_NODE_UPDATE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/containers/*/update", SG_INSPECT_CONTAINER_UPDATE, SG_INSPECT_JSON_LIMIT, false },
	{ "PUT", "/containers/*/archive", SG_INSPECT_CONTAINER_ARCHIVE, SG_INSPECT_TAR_LIMIT, true },
	{ "POST", "/images/load", SG_INSPECT_IMAGE_LOAD, SG_INSPECT_TAR_LIMIT, true },
	{ "POST", "/plugins/pull", SG_INSPECT_PLUGIN_PULL, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/plugins/create", SG_INSPECT_PLUGIN_CREATE, SG_INSPECT_TAR_LIMIT, true },
	{ "POST", "/plugins/**/upgrade", SG_INSPECT_PLUGIN_UPGRADE, SG_INSPECT_JSON_LIMIT, false },
	{ "POST", "/plugins/**/set", SG_INSPECT_PLUGIN_SET, SG_INSPECT_JSON_LIMIT, false },
};

/* Length of the segment starting at p (up to '/' or end). */
static size_t sg_seg_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && *q != '/')
		q++;
	return (size_t)(q - p);
}

/* Match a route pattern against a path, segment by segment. */
static bool sg_route_match(const char *pat, sg_slice path)
{
	const char *p = path.ptr, *end = path.ptr + path.len;

	while (*pat && p < end) {
		if (*pat != '/' || *p != '/')
			return false;
		pat++, p++;
		size_t plen = strcspn(pat, "/");
		size_t slen = sg_seg_len(p, end);
		if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
			/* One or more segments, then the rest of the pattern
			 * must match the path's tail exactly. */
			const char *rest = pat + 2;
			size_t rlen = strlen(rest);
			if (slen == 0 || (size_t)(end - p) < rlen + 1)
				return false;
			return memcmp(end - rlen, rest, rlen) == 0 && end - rlen > p &&
			       end[-(ptrdiff_t)rlen - 1] != '/';
		}
		if (plen == 1 && pat[0] == '*') {
			if (slen == 0)
				return false;
		} else if (plen != slen || memcmp(pat, p, slen) != 0) {
			return false;
		}
		pat += plen, p += slen;
	}
	return *pat == '\0' && p == end;
}

bool sg_inspect_select(sg_slice method, sg_slice canonical_path, struct sg_inspect_target *out)
{
	*out = (struct sg_inspect_target){ .id = SG_INSPECT_NONE };
	if (canonical_path.len == 0 || canonical_path.ptr == NULL)
		return false;
	for (size_t i = 0; i < sizeof(sg_routes) / sizeof(sg_routes[0]); i++) {
		const struct sg_route *r = &sg_routes[i];
		if (!sg_slice_eq_cstr(method, r->method) || !sg_route_match(r->pattern, canonical_path))
			continue;
		out->id = r->id;
		out->body_limit = r->body_limit;
		out->needs_body = r->body_limit != 0;
		out->tar_body = r->tar_body;
		return true;
	}
	return false;
}

struct sg_inspector_entry {
	const char *name;
	sg_inspector_fn *fn;
};

static const struct sg_inspector_entry sg_inspectors[SG_INSPECT_COUNT] = {
	[SG_INSPECT_NONE] = { "none", NULL },
	[SG_INSPECT_CONTAINER_CREATE] = { "container_create", sg_inspect_container_create },
	[SG_INSPECT_EXEC_CREATE] = { "exec_create", sg_inspect_exec_create },
	[SG_INSPECT_EXEC_START] = { "exec_start", sg_inspect_exec_start },
	[SG_INSPECT_IMAGE_PULL] = { "image_pull", sg_inspect_image_pull },
	[SG_INSPECT_BUILD] = { "build", sg_inspect_build },
	[SG_INSPECT_VOLUME_CREATE] = { "volume_create", sg_inspect_volume_create },
	[SG_INSPECT_NETWORK_CREATE] = { "network_create", sg_inspect_network_create },
	[SG_INSPECT_NETWORK_CONNECT] = { "network_connect", sg_inspect_network_connect },
	[SG_INSPECT_NETWORK_DISCONNECT] = { "network_disconnect", sg_inspect_network_disconnect },
	[SG_INSPECT_SECRET_CREATE] = { "secret_create", sg_inspect_secret_create },
	[SG_INSPECT_CONFIG_CREATE] = { "config_create", sg_inspect_config_create },
	[SG_INSPECT_SERVICE_CREATE] = { "service_create", sg_inspect_service_create },
	[SG_INSPECT_SERVICE_UPDATE] = { "service_update", sg_inspect_service_update },
	[SG_INSPECT_SWARM_INIT] = { "swarm_init", sg_inspect_swarm_init },
	[SG_INSPECT_SWARM_JOIN] = { "swarm_join", sg_inspect_swarm_join },
	[SG_INSPECT_SWARM_UPDATE] = { "swarm_update", sg_inspect_swarm_update },
	[SG_INSPECT_SWARM_UNLOCK] = { "swarm_unlock", sg_inspect_swarm_unlock },
	[SG_INSPECT_NODE_UPDATE] = { "node_update", sg_inspect_node_update },
	[SG_INSPECT_CONTAINER_UPDATE] = { "container_update", sg_inspect_container_update },
	[SG_INSPECT_CONTAINER_ARCHIVE] = { "container_archive", sg_inspect_container_archive },
	[SG_INSPECT_IMAGE_LOAD] = { "image_load", sg_inspect_image_load },
	[SG_INSPECT_PLUGIN_PULL] = { "plugin_pull", sg_inspect_plugin_pull },
	[SG_INSPECT_PLUGIN_UPGRADE] = { "plugin_upgrade", sg_inspect_plugin_upgrade },
	[SG_INSPECT_PLUGIN_SET] = { "plugin_set", sg_inspect_plugin_set },
	[SG_INSPECT_PLUGIN_CREATE] = { "plugin_create", sg_inspect_plugin_create },
};

bool sg_inspect_body_needed(const struct sg_inspect_target *t, const struct sg_inspect_settings *s)
{
	if (t->id == SG_INSPECT_BUILD && s->build.allow_run_instructions)
		return false;
	return t->needs_body;
}

const char *sg_inspector_name(enum sg_inspector_id id)
{
	if ((unsigned)id >= SG_INSPECT_COUNT)
		return "unknown";
	return sg_inspectors[id].name;
}

/* An inspector that ran out of scratch reports whatever its failed helper
 * made of the NULL ("malformed query", "malformed tar", "no match"...), or
 * might even allow. Whatever it said, the body was too big to inspect with
 * the scratch it had: fail closed with the too-large verdict the JSON
 * parser gives for the same condition (413 request_body.too_large). */
void sg_inspect_scratch_check(const struct sg_arena *scratch, size_t failed_before,
			      struct sg_inspect_result *out)
{
	if (scratch->failed == failed_before)
		return;
	sg_inspect_deny(out, 413, "request_body.too_large",
			"request body is too large to inspect (inspector ran out of scratch memory)");
}

void sg_inspect_run(enum sg_inspector_id id, const struct sg_inspect_settings *s,
		    const struct sg_inspect_request *req, sg_slice body,
		    struct sg_arena *scratch, struct sg_inspect_result *out)
{
	sg_inspect_allow(out);
	if ((unsigned)id >= SG_INSPECT_COUNT || id == SG_INSPECT_NONE || !sg_inspectors[id].fn) {
		sg_inspect_deny(out, 403, "request_body.unknown_inspector",
				"unknown request body inspector; denied (fail closed)");
		return;
	}
	/* A bodiless request (no Content-Length, no chunking) may come without
	 * an arena; the query decoding still needs a little scratch. */
	_Alignas(16) char local[SG_INSPECT_NO_ARENA_SCRATCH];
	struct sg_arena fallback = { .base = local, .cap = sizeof(local) };
	if (!scratch)
		scratch = &fallback;
	size_t failed = scratch->failed;
	sg_inspectors[id].fn(s, req, body, scratch, out);
	sg_inspect_scratch_check(scratch, failed, out);
}
