/* policy/compile.c — configuration -> struct sg_policy (see compile.h).
 * Allocation is fine here: this runs at start-up and reload, never per
 * request. Every rule set (root, then each profile in order) is compiled
 * into a matcher and passed through the start-up guards. */
#include "policy/compile.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "policy/guards.h"
#include "policy/policy_types.h"

static _Atomic long live_policies;

long sg_policy_live_count(void) { return atomic_load(&live_policies); }

struct sg_policy *sg_policy_fixed(bool allow_all)
{
	struct sg_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->fixed = true;
	p->allow_all = allow_all;
	p->default_slot = SG_PROFILE_ROOT;
	atomic_fetch_add(&live_policies, 1);
	return p;
}

void sg_policy_free(struct sg_policy *p)
{
	if (!p)
		return;
	sg_matcher_free(p->root.rules);
	for (size_t i = 0; i < p->profile_count; i++)
		sg_matcher_free(p->profiles[i].rules);
	free(p->profiles);
	free(p->unix_peer_slots);
	free(p->source_ip_slots);
	if (p->owned_cfg) {
		if (p->release_cfg)
			p->release_cfg(p->owned_cfg);
		free(p->owned_cfg);
	}
	free(p);
	atomic_fetch_sub(&live_policies, 1);
}

static int32_t resolve_slot(const struct sg_policy *p, const char *name)
{
	if (!name || !*name)
		return SG_PROFILE_ROOT;
	for (size_t i = 0; i < p->profile_count; i++)
		if (strcmp(p->profiles[i].name, name) == 0)
			return (int32_t)i;
	return SG_PROFILE_UNRESOLVED;
}

/* rules_key: "rules" or "clients.profiles[N].rules", for error messages. */
static int compile_profile(struct sg_policy_profile *out, const char *name, const char *rules_key,
			   const struct sg_rule_list *rules, const struct sg_inspect_settings *rb,
			   enum sg_profile_mode mode, const struct sg_config *cfg, struct sg_config_errors *errs)
{
	*out = (struct sg_policy_profile){ .name = name, .request_body = rb, .mode = mode };
	out->rules = sg_matcher_compile(rules);
	if (!out->rules) {
		sg_config_errorf(errs, "config: %s: out of memory compiling rules", rules_key);
		return -1;
	}
	const struct sg_guard_scope scope = { .cfg = cfg, .profile = name, .rules_key = rules_key };
	int rc = 0;
	rc |= sg_guard_body_blind_writes(&scope, cfg->insecure_allow_body_blind_writes, rb, out->rules, errs);
	rc |= sg_guard_read_exfiltration(&scope, cfg->insecure_allow_read_exfiltration, out->rules, errs);
	return rc;
}

static int resolve_assignments(struct sg_policy *p, const struct sg_config *cfg)
{
	const struct sg_clients_cfg *cl = &cfg->clients;
	p->default_slot = resolve_slot(p, cl->default_profile);
	p->unix_peer_slots = calloc(cl->unix_peer_profile_count + 1, sizeof(int32_t));
	p->source_ip_slots = calloc(cl->source_ip_profile_count + 1, sizeof(int32_t));
	if (!p->unix_peer_slots || !p->source_ip_slots)
		return -1;
	for (size_t i = 0; i < cl->unix_peer_profile_count; i++)
		p->unix_peer_slots[i] = resolve_slot(p, cl->unix_peer_profiles[i].profile);
	for (size_t i = 0; i < cl->source_ip_profile_count; i++)
		p->source_ip_slots[i] = resolve_slot(p, cl->source_ip_profiles[i].profile);
	return 0;
}

struct sg_policy *sg_policy_compile(const struct sg_config *cfg, struct sg_config_errors *errs)
{
	struct sg_policy *p = calloc(1, sizeof(*p));
	if (!p) {
		sg_config_errorf(errs, "config: out of memory");
		return NULL;
	}
	atomic_fetch_add(&live_policies, 1);
	p->cfg = cfg;
	p->deny_verbose = cfg->response.deny_verbosity == SG_DENY_VERBOSE;

	int rc = compile_profile(&p->root, NULL, "rules", &cfg->rules, &cfg->request_body, SG_MODE_ENFORCE, cfg, errs);

	const struct sg_clients_cfg *cl = &cfg->clients;
	p->profiles = calloc(cl->profile_count + 1, sizeof(*p->profiles));
	if (!p->profiles) {
		sg_config_errorf(errs, "config: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < cl->profile_count; i++) {
		const struct sg_profile_cfg *pc = &cl->profiles[i];
		char key[64];
		snprintf(key, sizeof(key), "clients.profiles[%zu].rules", i);
		rc |= compile_profile(&p->profiles[i], pc->name ? pc->name : "", key, &pc->rules, &pc->request_body,
				      pc->mode, cfg, errs);
		p->profile_count = i + 1;
	}
	if (rc)
		goto fail;
	if (resolve_assignments(p, cfg)) {
		sg_config_errorf(errs, "config: out of memory");
		goto fail;
	}
	return p;
fail:
	sg_policy_free(p);
	return NULL;
}

struct sg_policy *sg_policy_compile_owned(struct sg_config *cfg, struct sg_config_errors *errs)
{
	/* The struct moves to the heap; everything it points to (the config
	 * pool) stays where it is, so the move is a plain copy. */
	struct sg_config *own = malloc(sizeof(*own));
	if (!own) {
		sg_config_errorf(errs, "config: out of memory");
		return NULL;
	}
	*own = *cfg;
	struct sg_policy *p = sg_policy_compile(own, errs);
	if (!p) {
		free(own);
		return NULL;
	}
	p->owned_cfg = own;
	p->release_cfg = sg_config_free;
	memset(cfg, 0, sizeof(*cfg));
	return p;
}
