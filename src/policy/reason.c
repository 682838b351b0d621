/* policy/reason.c — strings for reason.h. */
#include "policy/reason.h"

static const struct {
	const char *code;
	const char *text;
} reason_table[SG_REASON_COUNT] = {
	[SG_REASON_NONE] = { "", "" },
	[SG_REASON_MATCHED_ALLOW_RULE] = { "matched_allow_rule", "matched allow rule" },
	[SG_REASON_MATCHED_DENY_RULE] = { "matched_deny_rule", "matched deny rule" },
	[SG_REASON_NO_MATCHING_ALLOW_RULE] = { "no_matching_allow_rule", "no matching allow rule" },
	[SG_REASON_CLIENT_PROFILE_UNRESOLVED] = { "client_policy_profile_unresolved",
						  "client policy profile could not be resolved" },
	[SG_REASON_BODY_POLICY_DENIED] = { "request_body_policy_denied", "request body denied by policy" },
	[SG_REASON_BODY_TOO_LARGE] = { "request_body_too_large", "request body too large" },
	[SG_REASON_BODY_INSPECTION_FAILED] = { "request_body_inspection_failed", "unable to inspect request body" },
	[SG_REASON_CLIENT_CIDR_DENIED] = { "client_cidr_denied", "client address not in clients.allowed_cidrs" },
	[SG_REASON_RATE_LIMIT_EXCEEDED] = { "rate_limit_exceeded", "rate limit exceeded" },
	[SG_REASON_CONCURRENCY_CAP] = { "concurrency_cap", "concurrency cap reached" },
	[SG_REASON_PRIORITY_FLOOR] = { "priority_floor", "global concurrency floor for this priority reached" },
	[SG_REASON_MALFORMED_REQUEST] = { "malformed_request", "malformed HTTP request" },
	[SG_REASON_PATH_NOT_CANONICAL] = { "path_not_canonical", "request path cannot be canonicalized" },
	[SG_REASON_HEADERS_TOO_LARGE] = { "request_headers_too_large", "request headers too large" },
	[SG_REASON_UPSTREAM_UNREACHABLE] = { "upstream_socket_unreachable", "docker socket unreachable" },
	[SG_REASON_UPSTREAM_REJECTED] = { "upstream_response_rejected_by_policy",
					  "upstream response could not be filtered safely" },
};

const char *sg_reason_code(enum sg_reason r)
{
	return (unsigned)r < SG_REASON_COUNT ? reason_table[r].code : "unknown";
}

const char *sg_reason_text(enum sg_reason r)
{
	return (unsigned)r < SG_REASON_COUNT ? reason_table[r].text : "unknown";
}
