/* policy/guards.h — start-up refusals for rule sets that reach endpoints
 * sockguard cannot make safe (the Go original's validateReadExfiltrationRules
 * and validateBodyBlindWriteRules, same endpoint catalogs, same messages).
 *
 * A rule set "reaches" an endpoint when evaluating a representative
 * concrete request (e.g. GET /containers/sockguard-test/archive) against it
 * yields allow: exactly how the Go original probes, so globs, first-match
 * order and deny rules all count. */
#ifndef SG_POLICY_GUARDS_H
#define SG_POLICY_GUARDS_H

#include <stdbool.h>

#include "inspect/settings.h"
#include "policy/config_types.h"
#include "policy/match.h"

/* Which rule set is being checked, for the messages: each refusal names
 * the place of the rule that exposes the endpoints ("file:line:col",
 * "env VAR", or "config" for built-in rules), its key ("rules[3]",
 * "clients.profiles[0].rules[1]") and the reason, as other config errors do. */
struct sg_guard_scope {
	const struct sg_config *cfg;	/* provenance of the rules */
	const char *profile;		/* profile name; NULL for the root rules */
	const char *rules_key;		/* "rules" or "clients.profiles[N].rules" */
};

/* Each returns 0, or -1 after appending the refusal sentence (located at the
 * first exposing rule) and one "exposed endpoints: ..." message per rule
 * that exposes any, to errs. */
int sg_guard_read_exfiltration(const struct sg_guard_scope *s, bool insecure_ack, const struct sg_matcher *rules,
			       struct sg_config_errors *errs);
int sg_guard_body_blind_writes(const struct sg_guard_scope *s, bool insecure_ack, const struct sg_inspect_settings *rb,
			       const struct sg_matcher *rules, struct sg_config_errors *errs);

/* True when (method, canonical path) is one of the read-exfiltration
 * endpoints (same catalog, any id in the wildcard positions). */
bool sg_guard_is_exfil_endpoint(sg_slice method, sg_slice path);

#endif
