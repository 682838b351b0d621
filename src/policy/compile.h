/* policy/compile.h — turn a loaded configuration into a struct sg_policy.
 *
 * Compiling also runs the start-up guards of policy/guards.h (read
 * exfiltration, body-blind writes) over the root rules and every profile:
 * a configuration they refuse yields NULL with the reasons in errs. */
#ifndef SG_POLICY_COMPILE_H
#define SG_POLICY_COMPILE_H

#include "policy/config_types.h"
#include "policy/policy.h"

/* Borrows cfg: it must outlive the returned policy. NULL on error (errs
 * filled) or allocation failure ("config: out of memory" in errs). */
struct sg_policy *sg_policy_compile(const struct sg_config *cfg, struct sg_config_errors *errs);

/* Same, but takes cfg over on success: its contents are moved into the
 * policy (freed by sg_policy_free() with sg_config_free()) and *cfg is
 * zeroed. On failure *cfg is left untouched and still owned by the caller.
 * This is what serve and reload use. */
struct sg_policy *sg_policy_compile_owned(struct sg_config *cfg, struct sg_config_errors *errs);

/* Live compiled policies (compiled or fixed, not yet freed): for leak and
 * RCU tests. */
long sg_policy_live_count(void);

#endif
