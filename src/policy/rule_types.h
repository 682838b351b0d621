/* policy/rule_types.h — one `rules:` entry as configured (before compiling).
 *
 * Shared by the config loader (which fills these from YAML / compat env vars)
 * and the rule compiler (which turns a list of them into a matcher). Strings
 * are owned by the configuration object that holds the array. */
#ifndef SG_POLICY_RULE_TYPES_H
#define SG_POLICY_RULE_TYPES_H

#include <stddef.h>

enum sg_rule_action { SG_RULE_ALLOW = 0, SG_RULE_DENY };

struct sg_rule_cfg {
	char *method;			/* "GET", "POST", ... or "*" (upper-cased by the loader) */
	char *path;			/* glob in the rule dialect: one star per segment, two for any depth */
	enum sg_rule_action action;
	char *reason;			/* optional `reason:`; NULL when absent */
	int line, column;		/* where it was configured (1-based; 0 = env/compat) */
};

struct sg_rule_list {
	struct sg_rule_cfg *items;
	size_t count;
};

#endif
