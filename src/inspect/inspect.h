/* inspect/inspect.h — request-body inspection: the interface policy/ calls.
 *
 * Two calls per inspected request:
 *   1. head phase: sg_inspect_select(method, canonical_path, &target) says
 *      whether a body inspector applies, and how many body bytes to buffer
 *      (more than body_limit -> 413 request_body_too_large, never forward).
 *   2. body phase: sg_inspect_run(target.id, settings, request, body, arena,
 *      &result) — a pure function of its inputs: no I/O, no globals except
 *      the JSON parser's per-thread buffers (see inspect/json.h), no heap
 *      allocation per request (scratch comes from `scratch`).
 *
 * A result with status 0 is "allow". Any other status is a deny; `knob` is a
 * stable dotted name users grep for ("container_create.allow_privileged",
 * "container_create.volumes_from", "request_body.invalid_json", ...) and
 * `reason` a human sentence. `knob` is always a static string; `reason` is
 * static or formatted into `scratch` (valid until the caller resets it).
 *
 * Fail closed: invalid JSON, trailing data, wrong types on inspected
 * fields, keys that collide under Go's case folding, arena exhaustion,
 * bodies an inspector cannot read (compressed or multipart uploads) and
 * unknown inspector ids all deny. */
#ifndef SG_INSPECT_INSPECT_H
#define SG_INSPECT_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/slice.h"
#include "inspect/settings.h"

enum sg_inspector_id {
	SG_INSPECT_NONE = 0,
	SG_INSPECT_CONTAINER_CREATE,	/* POST /containers/create */
	SG_INSPECT_EXEC_CREATE,		/* POST /containers/{id}/exec */
	SG_INSPECT_EXEC_START,		/* POST /exec/{id}/start */
	SG_INSPECT_IMAGE_PULL,		/* POST /images/create (query only) */
	SG_INSPECT_BUILD,		/* POST /build (query + tar context) */
	SG_INSPECT_VOLUME_CREATE,	/* POST /volumes/create */
	SG_INSPECT_NETWORK_CREATE,	/* POST /networks/create */
	SG_INSPECT_NETWORK_CONNECT,	/* POST /networks/{id}/connect */
	SG_INSPECT_NETWORK_DISCONNECT,	/* POST /networks/{id}/disconnect */
	SG_INSPECT_SECRET_CREATE,	/* POST /secrets/create */
	SG_INSPECT_CONFIG_CREATE,	/* POST /configs/create */
	SG_INSPECT_SERVICE_CREATE,	/* POST /services/create */
	SG_INSPECT_SERVICE_UPDATE,	/* POST /services/{id}/update */
	SG_INSPECT_SWARM_INIT,		/* POST /swarm/init */
	SG_INSPECT_SWARM_JOIN,		/* POST /swarm/join */
	SG_INSPECT_SWARM_UPDATE,	/* POST /swarm/update (query + body) */
	SG_INSPECT_SWARM_UNLOCK,	/* POST /swarm/unlock */
	SG_INSPECT_NODE_UPDATE,		/* POST /nodes/{id}/update */
	SG_INSPECT_CONTAINER_UPDATE,	/* POST /containers/{id}/update */
	SG_INSPECT_CONTAINER_ARCHIVE,	/* PUT /containers/{id}/archive (tar) */
	SG_INSPECT_IMAGE_LOAD,		/* POST /images/load (tar) */
	SG_INSPECT_PLUGIN_PULL,		/* POST /plugins/pull */
	SG_INSPECT_PLUGIN_UPGRADE,	/* POST /plugins/{name}/upgrade */
	SG_INSPECT_PLUGIN_SET,		/* POST /plugins/{name}/set */
	SG_INSPECT_PLUGIN_CREATE,	/* POST /plugins/create (tar or multipart) */
	SG_INSPECT_COUNT
};

/* Body limits (bytes buffered before inspection; larger -> 413). */
#define SG_INSPECT_JSON_LIMIT	(1u << 20)	/* 1 MiB: JSON bodies (Go original's cap) */
#define SG_INSPECT_TAR_LIMIT	(512u << 20)	/* 512 MiB (the Go original's): tar bodies, spooled to a file while inspected */

struct sg_inspect_target {
	enum sg_inspector_id id;
	uint32_t body_limit;		/* 0 when !needs_body */
	bool needs_body;		/* false: the inspector reads method/path/query only */
	bool tar_body;			/* body is a tar stream (or multipart for plugin create) */
};

/* Which inspector applies to (method, canonical path). `canonical_path` is
 * the policy's canonical form: version prefix stripped, percent-decoded,
 * cleaned ("/containers/create"). Returns false (out->id = NONE) when no
 * inspector applies. Method is matched exactly (HTTP methods are
 * case-sensitive; dockerd's router is too). */
bool sg_inspect_select(sg_slice method, sg_slice canonical_path, struct sg_inspect_target *out);

/* Settings-aware refinement of target.needs_body, for the data plane: false
 * when the inspector will decide without the body under these settings
 * (POST /build with build.allow_run_instructions: the context may then be
 * streamed, however large). */
bool sg_inspect_body_needed(const struct sg_inspect_target *t, const struct sg_inspect_settings *s);

struct sg_inspect_request {
	sg_slice method;
	sg_slice path;			/* canonical path */
	sg_slice query;			/* raw query without '?' (percent-encoded), maybe empty */
	sg_slice content_type;		/* Content-Type header value, maybe empty */
};

struct sg_inspect_result {
	uint16_t status;		/* 0 = allow, 403 deny, 413 too large, 400 malformed */
	const char *knob;		/* stable name, e.g. "container_create.allow_privileged" */
	const char *reason;		/* human sentence (static or in scratch) */
};

/* Run inspector `id` over a complete, de-chunked body. Pure. `scratch` may
 * be NULL for a request without a body: the inspector then runs on a
 * SG_INSPECT_NO_ARENA_SCRATCH-byte stack arena (queries that need more are
 * 413 request_body.too_large, like any inspector that runs out of scratch). */
#define SG_INSPECT_NO_ARENA_SCRATCH 4096
void sg_inspect_run(enum sg_inspector_id id, const struct sg_inspect_settings *s,
		    const struct sg_inspect_request *req, sg_slice body,
		    struct sg_arena *scratch, struct sg_inspect_result *out);

/* Exec start re-check (POST /exec/{id}/start): when
 * sg_inspect_exec_start_needs_metadata() is true, the data plane must fetch
 * GET /exec/{id}/json from the upstream and pass that response body here
 * instead of calling sg_inspect_run(SG_INSPECT_EXEC_START) (which, lacking
 * the metadata, denies in that case). Same result contract. The data plane
 * does this through sg_policy_inspect_exec() (policy/policy.h), fed by
 * ring/exec_lookup.c. */
bool sg_inspect_exec_start_needs_metadata(const struct sg_inspect_settings *s);
void sg_inspect_exec_metadata(const struct sg_inspect_settings *s, sg_slice exec_inspect_json,
			      struct sg_arena *scratch, struct sg_inspect_result *out);

/* Stable name of an inspector ("container_create", ...) for logs. */
const char *sg_inspector_name(enum sg_inspector_id id);

#endif
