/* policy/policy_stub.c — TEMPORARY: fixed allow-all / deny-all policies so the
 * data plane links before the rule compiler lands. Replaced by compile.c /
 * decide.c (issue 4); delete this file then. */
#include "policy/policy.h"

#include <stdio.h>
#include <stdlib.h>

struct sg_policy {
	bool allow_all;
};

struct sg_policy *sg_policy_fixed(bool allow_all)
{
	struct sg_policy *p = calloc(1, sizeof(*p));
	if (p)
		p->allow_all = allow_all;
	return p;
}

void sg_policy_free(struct sg_policy *p) { free(p); }

void sg_policy_decide(const struct sg_policy *p, const struct sg_request_view *req, struct sg_verdict *out)
{
	(void)req;
	*out = (struct sg_verdict){ .rule_index = -1 };
	if (p && p->allow_all) {
		out->kind = SG_VERDICT_ALLOW;
		out->reason = SG_REASON_MATCHED_ALLOW_RULE;
		out->rule_index = 0;
	} else {
		out->kind = SG_VERDICT_DENY;
		out->status = 403;
		out->reason = SG_REASON_NO_MATCHING_ALLOW_RULE;
	}
}

void sg_policy_inspect(const struct sg_policy *p, const struct sg_request_view *req, sg_slice body,
		       struct sg_arena *scratch, struct sg_verdict *v)
{
	(void)p; (void)req; (void)body; (void)scratch;
	v->kind = SG_VERDICT_ALLOW;
}

size_t sg_policy_deny_body(const struct sg_verdict *v, const struct sg_request_view *req, char *buf, size_t cap)
{
	(void)v; (void)req;
	int n = snprintf(buf, cap, "{\"message\":\"request denied by sockguard policy\"}");
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
