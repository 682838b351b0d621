/* policy/policy_types.h — the compiled, immutable policy (types only).
 *
 * Built by compile.c from a validated struct sg_config; read by decide.c and
 * deny_body.c on the hot path. Everything it points to is owned by it (the
 * rule matchers) or by the configuration it was compiled from (inspector
 * settings, CIDR lists, names), which must outlive it: sg_policy_compile()
 * borrows the configuration, sg_policy_compile_owned() takes it over. */
#ifndef SG_POLICY_POLICY_TYPES_H
#define SG_POLICY_POLICY_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/config_types.h"
#include "policy/match.h"

/* Profile slot values besides a real index. */
#define SG_PROFILE_ROOT (-1)		/* root rules and request_body */
#define SG_PROFILE_UNRESOLVED (-2)	/* named a profile that does not exist */

struct sg_policy_profile {
	const char *name;			/* NULL for the root policy */
	struct sg_matcher *rules;		/* owned */
	const struct sg_inspect_settings *request_body;	/* config-owned */
	enum sg_profile_mode mode;
};

struct sg_policy {
	bool fixed;				/* sg_policy_fixed(): no configuration */
	bool allow_all;				/* fixed only */

	const struct sg_config *cfg;		/* borrowed (or == owned_cfg) */
	struct sg_config *owned_cfg;		/* compile_owned: freed with the policy */
	void (*release_cfg)(struct sg_config *);	/* how to free owned_cfg's contents */

	struct sg_policy_profile root;
	struct sg_policy_profile *profiles;	/* clients.profiles, same order */
	size_t profile_count;

	/* clients.* assignments resolved to profile slots at compile time. */
	int32_t default_slot;			/* ROOT when no default_profile */
	int32_t *unix_peer_slots;		/* per clients.unix_peer_profiles entry */
	int32_t *source_ip_slots;		/* per clients.source_ip_profiles entry */

	bool deny_verbose;			/* response.deny_verbosity == verbose */
};

#endif
