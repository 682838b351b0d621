/* policy/policy.h — the interface the data plane (ring/, http/) calls.
 *
 * A struct sg_policy is compiled once from a validated configuration and is
 * immutable afterwards; workers read it without locks through the RCU slot in
 * policy/publish.h. Deciding never allocates from the heap: the head phase
 * uses nothing but the policy and the request view, the body phase uses the
 * worker's arena for decoding scratch.
 *
 * Phases (one request):
 *   1. http/ parses the head and canonicalizes the path (policy/path.h);
 *      a path that cannot be canonicalized is a 400 before any policy call.
 *   2. sg_policy_decide(): identity -> profile -> gates -> first matching
 *      rule -> which inspector, if any. Result: ALLOW, DENY or INSPECT.
 *   3. For INSPECT, the data plane buffers the body (at most body_limit
 *      bytes, else 413 without reading further) and calls
 *      sg_policy_inspect(), which turns the verdict into ALLOW or DENY.
 *   4. On DENY, sg_policy_deny_body() renders the JSON body for `status`. */
#ifndef SG_POLICY_POLICY_H
#define SG_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/arena.h"
#include "base/slice.h"
#include "policy/reason.h"

struct sg_inspect_settings;
struct sg_inspect_result;

struct sg_policy;	/* opaque, immutable once compiled */
struct sg_tls_peer;	/* verified client certificate facts (tls/); NULL for now */

enum sg_transport { SG_TRANSPORT_UNIX = 0, SG_TRANSPORT_TCP, SG_TRANSPORT_TLS };

/* Who is calling: filled by the data plane at accept time. */
struct sg_client_identity {
	enum sg_transport transport;
	bool has_peercred;		/* unix: SO_PEERCRED was read */
	int32_t pid;
	uint32_t uid, gid;
	bool has_addr;			/* tcp/tls: peer address */
	struct sockaddr_storage addr;
	const struct sg_tls_peer *cert;
};

/* One request, as the policy sees it. Slices point into the data plane's
 * buffers and live until the request ends. */
struct sg_request_view {
	sg_slice method;		/* as received: "GET" */
	sg_slice raw_path;		/* as received, without the query */
	sg_slice path;			/* canonical: version prefix stripped, decoded, cleaned */
	sg_slice query;			/* raw query without '?', possibly empty */
	sg_slice content_type;		/* Content-Type header value, possibly empty */
	const struct sg_client_identity *client;
	/* Where sg_policy_decide lets a query-only inspector (image pull,
	 * build query...) write, so that a verdict's `detail` lives as long as
	 * the request: SG_POLICY_HEAD_SCRATCH bytes owned by the request. NULL:
	 * a per-thread buffer, valid until the thread's next decide (fine for
	 * the CLI and tests, not for a data plane that keeps verdicts). */
	char *head_scratch;
};

#define SG_POLICY_HEAD_SCRATCH 4096

enum sg_verdict_kind {
	SG_VERDICT_ALLOW = 0,
	SG_VERDICT_DENY,
	SG_VERDICT_INSPECT,		/* allowed by rules, body must be inspected */
};

struct sg_verdict {
	enum sg_verdict_kind kind;
	uint16_t status;		/* DENY: 400/403/404/413/429; 0 otherwise */
	enum sg_reason reason;
	int32_t rule_index;		/* index of the matched rule, -1 if none */
	const char *rule_reason;	/* the rule's configured `reason`, or NULL (policy-owned) */
	const char *knob;		/* inspector's stable knob name on a body deny, or NULL */
	const char *detail;		/* inspector's human sentence on a body deny, or NULL */
	const char *profile;		/* selected profile name, or NULL (policy-owned) */
	uint32_t inspector;		/* INSPECT: opaque id, passed back to sg_policy_inspect */
	uint32_t body_limit;		/* INSPECT: max body bytes to buffer, else 413 */
	bool deny_verbose;		/* response.deny_verbosity == verbose */
	bool would_deny;		/* warn/audit mode: denied, but served (logged as would_deny) */
	bool exec_lookup;		/* INSPECT of POST /exec/{id}/start: judge Docker's stored exec
					 * metadata (GET /exec/{id}/json) with sg_policy_inspect_exec(),
					 * not the body (which is buffered and forwarded unchanged) */
	int32_t profile_index;		/* policy-internal: selected profile, -1 = root rules */
};

/* Head phase. Never allocates. */
void sg_policy_decide(const struct sg_policy *p, const struct sg_request_view *req,
		      struct sg_verdict *out);

/* Body phase, for a verdict of kind INSPECT: `body` is the complete,
 * de-chunked body (body.len <= v->body_limit). `scratch` is the worker's
 * arena; whatever the inspector allocates there is dropped by the caller's
 * reset. Sets v->kind to ALLOW or DENY (with status, reason, knob, detail). */
void sg_policy_inspect(const struct sg_policy *p, const struct sg_request_view *req,
		       sg_slice body, struct sg_arena *scratch, struct sg_verdict *v);

/* Tar bodies the data plane inspects as they stream (inspect/tar_stream.h;
 * sg_tar_streamed(v->inspector)): the settings of v's profile to run the
 * walker with (NULL: fail closed; valid as long as p), and the walker's
 * result mapped onto v exactly as sg_policy_inspect maps an inspector's
 * (ALLOW or DENY; warn/audit profiles turn denials into would_deny). */
const struct sg_inspect_settings *sg_policy_inspect_settings(const struct sg_policy *p, const struct sg_verdict *v);
void sg_policy_inspect_result(const struct sg_policy *p, const struct sg_inspect_result *r, struct sg_verdict *v);

/* Exec-start phase, for an INSPECT verdict with exec_lookup set, once the
 * data plane has asked dockerd for GET /exec/{id}/json. As in the Go
 * original: FOUND judges the stored ProcessConfig with the exec inspector;
 * NOT_FOUND (dockerd answered 404) allows, so the start reaches dockerd and
 * gets dockerd's own 404 (no exec by that id exists to run); FAILED (upstream
 * unreachable, any other status, an oversize or malformed response) is a
 * 403 request_body_inspection_failed. warn/audit profiles turn denials into
 * would_deny, as for body inspection. */
enum sg_exec_lookup_outcome {
	SG_EXEC_LOOKUP_FAILED = 0,
	SG_EXEC_LOOKUP_FOUND,
	SG_EXEC_LOOKUP_NOT_FOUND,
};
void sg_policy_inspect_exec(const struct sg_policy *p, const struct sg_request_view *req,
			    enum sg_exec_lookup_outcome outcome, sg_slice exec_json,
			    struct sg_arena *scratch, struct sg_verdict *v);

/* Render the JSON deny body for v (minimal or verbose, per v->deny_verbose)
 * into buf. Returns the length written (always < cap; truncation-safe). */
size_t sg_policy_deny_body(const struct sg_verdict *v, const struct sg_request_view *req,
			   char *buf, size_t cap);

/* Fixed policies, for data-plane tests and benchmarks: allow or deny all. */
struct sg_policy *sg_policy_fixed(bool allow_all);
void sg_policy_free(struct sg_policy *p);

#endif
