/* tests/unit/test_ring_tar_spool_cfg.c — policies for test_ring_tar_spool.c,
 * compiled here because policy/config.h and obs/log.h (through ring/conn.h)
 * cannot share a translation unit. */
#include <stdbool.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/config.h"

struct sg_policy *sg_test_spool_policy(bool allow_links);

#define R(m, p, a) { (char *)(m), (char *)(p), (a), NULL, 0, 0 }

static struct sg_rule_cfg rules[] = { R("PUT", "/containers/*/archive", SG_RULE_ALLOW) };
static struct sg_config cfgs[2];

/* PUT /containers/{id}/archive allowed (so inspected); escaping links
 * allowed or not. The configuration stays alive for the process. */
struct sg_policy *sg_test_spool_policy(bool allow_links)
{
	struct sg_config *cfg = &cfgs[allow_links];
	struct sg_config_errors errs;
	memset(cfg, 0, sizeof(*cfg));
	memset(&errs, 0, sizeof(errs));
	sg_inspect_settings_defaults(&cfg->request_body);
	cfg->request_body.container_archive.allow_escaping_links = allow_links;
	cfg->rules = (struct sg_rule_list){ rules, 1 };
	return sg_policy_compile(cfg, &errs);
}
