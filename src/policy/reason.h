/* policy/reason.h — the closed vocabulary of decision reason codes.
 *
 * The wire strings are the Go original's (users grep logs for them); do not
 * rename one. Each code has a stable string (logs, audit, metrics labels)
 * and a default human sentence. Inspectors add their own finer-grained knob
 * names (see inspect/inspect.h); this list is the coarse decision outcome. */
#ifndef SG_POLICY_REASON_H
#define SG_POLICY_REASON_H

enum sg_reason {
	SG_REASON_NONE = 0,
	SG_REASON_MATCHED_ALLOW_RULE,		/* matched_allow_rule */
	SG_REASON_MATCHED_DENY_RULE,		/* matched_deny_rule */
	SG_REASON_NO_MATCHING_ALLOW_RULE,	/* no_matching_allow_rule */
	SG_REASON_CLIENT_PROFILE_UNRESOLVED,	/* client_policy_profile_unresolved */
	SG_REASON_BODY_POLICY_DENIED,		/* request_body_policy_denied */
	SG_REASON_BODY_TOO_LARGE,		/* request_body_too_large */
	SG_REASON_BODY_INSPECTION_FAILED,	/* request_body_inspection_failed */
	SG_REASON_CLIENT_CIDR_DENIED,		/* client_cidr_denied */
	SG_REASON_RATE_LIMIT_EXCEEDED,		/* rate_limit_exceeded */
	SG_REASON_CONCURRENCY_CAP,		/* concurrency_cap */
	SG_REASON_PRIORITY_FLOOR,		/* priority_floor */
	SG_REASON_MALFORMED_REQUEST,		/* malformed_request (400, ours) */
	SG_REASON_PATH_NOT_CANONICAL,		/* path_not_canonical (400, ours) */
	SG_REASON_HEADERS_TOO_LARGE,		/* request_headers_too_large (431, ours) */
	SG_REASON_UPSTREAM_UNREACHABLE,		/* upstream_socket_unreachable */
	SG_REASON_UPSTREAM_REJECTED,		/* upstream_response_rejected_by_policy */
	SG_REASON_COUNT
};

/* "matched_allow_rule", ...; never NULL for a valid code. */
const char *sg_reason_code(enum sg_reason r);
/* A short human sentence for logs and verbose deny bodies. */
const char *sg_reason_text(enum sg_reason r);

#endif
