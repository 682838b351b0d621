/* policy/guards.c — see guards.h. The catalogs and message texts follow the
 * Go original (app/internal/cmd/rules.go) so operators see the same errors. */
#include "policy/guards.h"
#include "policy/config.h"

#include <stdio.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/glob.h"

struct probe {
	const char *method;
	const char *path;
};

/* Read / export / stream / push surfaces that can carry container files,
 * images, process arguments, environment and secrets out. */
static const struct probe exfil_endpoints[] = {
	{ "GET", "/containers/sockguard-test/archive" },
	{ "GET", "/containers/sockguard-test/export" },
	{ "GET", "/containers/sockguard-test/logs" },
	{ "GET", "/containers/sockguard-test/top" },
	{ "GET", "/containers/sockguard-test/attach/ws" },
	{ "GET", "/services/sockguard-test/logs" },
	{ "GET", "/tasks/sockguard-test/logs" },
	{ "POST", "/containers/sockguard-test/attach" },
	{ "GET", "/images/get" },
	{ "GET", "/images/sockguard-test/get" },
	{ "POST", "/images/sockguard-test/push" },
	{ "POST", "/plugins/sockguard-test/push" },
	{ "GET", "/libpod/containers/sockguard-test/archive" },
	{ "GET", "/libpod/containers/sockguard-test/export" },
	{ "GET", "/libpod/containers/sockguard-test/logs" },
	{ "GET", "/libpod/containers/sockguard-test/top" },
	{ "GET", "/libpod/pods/sockguard-test/top" },
	{ "POST", "/libpod/containers/sockguard-test/attach" },
	{ "GET", "/libpod/images/export" },
	{ "GET", "/libpod/images/sockguard-test/get" },
	{ "POST", "/libpod/images/sockguard-test/push" },
	{ "GET", "/libpod/generate/kube" },
	{ "POST", "/libpod/manifests/sockguard-test/registry/sockguard-test" },
	{ "POST", "/libpod/manifests/sockguard-test/push" },
};

/* Body-bearing writes; each is exempt when an inspector constrains it
 * (see body_inspected()). */
static const struct probe blind_write_endpoints[] = {
	{ "POST", "/containers/sockguard-test/exec" },
	{ "POST", "/exec/sockguard-test/start" },
	{ "POST", "/containers/sockguard-test/update" },
	{ "PUT", "/containers/sockguard-test/archive" },
	{ "POST", "/images/create" },
	{ "POST", "/images/load" },
	{ "POST", "/build" },
	{ "POST", "/libpod/build" },
	{ "POST", "/volumes/create" },
	{ "POST", "/networks/create" },
	{ "POST", "/networks/sockguard-test/connect" },
	{ "POST", "/networks/sockguard-test/disconnect" },
	{ "POST", "/secrets/create" },
	{ "POST", "/configs/create" },
	{ "POST", "/services/create" },
	{ "POST", "/services/sockguard-test/update" },
	{ "POST", "/swarm/init" },
	{ "POST", "/swarm/join" },
	{ "POST", "/swarm/update" },
	{ "POST", "/swarm/unlock" },
	{ "POST", "/nodes/sockguard-test/update" },
	{ "POST", "/plugins/pull" },
	{ "POST", "/plugins/sockguard-test/upgrade" },
	{ "POST", "/plugins/sockguard-test/set" },
	{ "POST", "/plugins/create" },
	{ "POST", "/libpod/containers/create" },
	{ "POST", "/libpod/pods/create" },
	{ "POST", "/libpod/containers/sockguard-test/exec" },
	{ "POST", "/libpod/exec/sockguard-test/start" },
	{ "POST", "/libpod/volumes/create" },
	{ "POST", "/libpod/networks/create" },
	{ "POST", "/libpod/secrets/create" },
	{ "POST", "/libpod/images/pull" },
	{ "POST", "/libpod/images/load" },
	{ "POST", "/libpod/images/import" },
	{ "POST", "/libpod/play/kube" },
	{ "POST", "/libpod/kube/play" },
	{ "POST", "/libpod/kube/apply" },
	{ "POST", "/libpod/manifests/create" },
	{ "POST", "/libpod/manifests/sockguard-test" },
	{ "PUT", "/libpod/manifests/sockguard-test" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* The Go original's bodyInspectionConfiguredForEndpoint. */
static bool body_inspected(const struct sg_inspect_settings *rb, const char *path)
{
	if (is(path, "/containers/sockguard-test/exec") || is(path, "/exec/sockguard-test/start") ||
	    is(path, "/libpod/containers/sockguard-test/exec") || is(path, "/libpod/exec/sockguard-test/start"))
		return rb && rb->exec.allowed_commands.count > 0;
	if (is(path, "/swarm/join"))
		return rb && rb->swarm.allowed_join_remote_addrs.count > 0;
	if (is(path, "/plugins/sockguard-test/set"))
		return rb && rb->plugin.allowed_set_env_prefixes.count > 0;
	static const char *const never[] = {
		"/libpod/images/load", "/libpod/images/import", "/libpod/play/kube", "/libpod/kube/play",
		"/libpod/kube/apply", "/libpod/manifests/create", "/libpod/manifests/sockguard-test",
	};
	for (size_t i = 0; i < COUNT(never); i++)
		if (is(path, never[i]))
			return false;
	return true;
}

/* One guard: an endpoint catalog and the refusal sentences (the Go
 * original's texts; the profile one follows `client profile "NAME" `). */
struct guard {
	const struct probe *eps;
	size_t n;
	bool body_exempt;		/* skip endpoints an inspector constrains */
	const char *root_sentence;
	const char *profile_sentence;
};

static const struct guard exfil_guard = {
	exfil_endpoints, COUNT(exfil_endpoints), false,
	"rules allow raw archive/export, process-list, log/attach streaming, or registry push endpoints; "
	"either tighten the allow rules to omit these paths or set "
	"insecure_allow_read_exfiltration: true to acknowledge the risk",
	"allows raw archive/export, process-list, log/attach streaming, or registry push "
	"endpoints; tighten its rules or set the top-level insecure_allow_read_exfiltration: true "
	"(it is a global setting, not per-profile)",
};

static const struct guard blind_write_guard = {
	blind_write_endpoints, COUNT(blind_write_endpoints), true,
	"rules allow body-sensitive write endpoints without request body inspection; "
	"set insecure_allow_body_blind_writes=true to acknowledge this risk",
	"allows body-sensitive write endpoints without request body inspection; "
	"set the top-level insecure_allow_body_blind_writes=true to acknowledge this risk "
	"(it is a global setting, not per-profile)",
};

/* The index of the rule that allows each probe (-1: not exposed). Returns
 * how many are exposed. */
static size_t exposing_rules(const struct guard *g, const struct sg_matcher *rules,
			     const struct sg_inspect_settings *rb, int32_t *by)
{
	size_t count = 0;
	for (size_t i = 0; i < g->n; i++) {
		by[i] = -1;
		if (g->body_exempt && body_inspected(rb, g->eps[i].path))
			continue;
		struct sg_match_result r;
		sg_matcher_match(rules, sg_slice_cstr(g->eps[i].method), sg_slice_cstr(g->eps[i].path), &r);
		if (r.index >= 0 && r.action == SG_RULE_ALLOW) {
			by[i] = r.index;
			count++;
		}
	}
	return count;
}

/* "WHERE: KEY[rule]: exposed endpoints: GET /a, POST /b" for the probes
 * rule `rule` allows. Error slots are SG_CONFIG_ERROR_LEN bytes, shorter
 * than the Go original's one-line message: a list that does not fit is
 * cut at an entry boundary and ends in ", ...". */
static void report_list(const struct guard *g, const int32_t *by, int32_t rule, const struct sg_config *cfg,
			const char *key, struct sg_config_errors *errs)
{
	char list[2048];
	size_t w = 0;
	list[0] = '\0';
	for (size_t i = 0; i < g->n; i++) {
		if (by[i] != rule)
			continue;
		int k = snprintf(list + w, sizeof(list) - w, "%s%s %s", w ? ", " : "", g->eps[i].method,
				 g->eps[i].path);
		if (k > 0)
			w = (size_t)k < sizeof(list) - w ? w + (size_t)k : sizeof(list) - 1;
	}
	static const char label[] = "exposed endpoints: ";
	size_t at = errs->count;
	sg_cfg_err_path(cfg, errs, key, "%s%s", label, list);
	if (errs->count == at)
		return;		/* the error list is full */
	char *m = errs->msg[at];
	char *kept = strstr(m, label);
	if (!kept || strlen(kept += sizeof(label) - 1) == strlen(list))
		return;
	/* Truncated: back off to the last ", " that leaves room for ", ...". */
	size_t room = SG_CONFIG_ERROR_LEN - 1 - (size_t)(kept - m);
	size_t n = strlen(kept);
	while (n > 0 && !(kept[n] == ',' && kept[n + 1] == ' ' && n + 5 <= room))
		n--;
	if (n + 5 <= room)
		memcpy(kept + n, ", ...", 6);
}

/* Refuse the rule set unless acknowledged: the sentence at the first (lowest
 * index) rule that exposes an endpoint, then each exposing rule, in rule
 * order, with its endpoints. */
static int run_guard(const struct guard *g, const struct sg_guard_scope *s, bool insecure_ack,
		     const struct sg_inspect_settings *rb, const struct sg_matcher *rules,
		     struct sg_config_errors *errs)
{
	int32_t by[64];
	_Static_assert(COUNT(exfil_endpoints) <= 64 && COUNT(blind_write_endpoints) <= 64, "probe tables");
	if (insecure_ack || exposing_rules(g, rules, rb, by) == 0)
		return 0;
	char key[256];
	for (int32_t prev = -1;;) {
		int32_t rule = INT32_MAX;
		for (size_t i = 0; i < g->n; i++)
			if (by[i] > prev && by[i] < rule)
				rule = by[i];
		if (rule == INT32_MAX)
			return -1;
		snprintf(key, sizeof(key), "%.200s[%d]", s->rules_key, (int)rule);
		if (prev < 0 && s->profile)
			sg_cfg_err_path(s->cfg, errs, key, "client profile \"%.60s\" %s", s->profile,
					g->profile_sentence);
		else if (prev < 0)
			sg_cfg_err_path(s->cfg, errs, key, "%s", g->root_sentence);
		report_list(g, by, rule, s->cfg, key, errs);
		prev = rule;
	}
}

int sg_guard_read_exfiltration(const struct sg_guard_scope *s, bool insecure_ack, const struct sg_matcher *rules,
			       struct sg_config_errors *errs)
{
	return run_guard(&exfil_guard, s, insecure_ack, NULL, rules, errs);
}

int sg_guard_body_blind_writes(const struct sg_guard_scope *s, bool insecure_ack, const struct sg_inspect_settings *rb,
			       const struct sg_matcher *rules, struct sg_config_errors *errs)
{
	return run_guard(&blind_write_guard, s, insecure_ack, rb, rules, errs);
}

/* Probe paths with each "sockguard-test" id turned into a one-segment "*". */
bool sg_guard_is_exfil_endpoint(sg_slice method, sg_slice path)
{
	for (size_t i = 0; i < COUNT(exfil_endpoints); i++) {
		if (!sg_slice_eq_cstr(method, exfil_endpoints[i].method))
			continue;
		char pat[128];
		size_t w = 0;
		const char *s = exfil_endpoints[i].path;
		static const char id[] = "sockguard-test";
		while (*s && w + 2 < sizeof(pat)) {
			if (strncmp(s, id, sizeof(id) - 1) == 0) {
				pat[w++] = '*';
				s += sizeof(id) - 1;
			} else {
				pat[w++] = *s++;
			}
		}
		if (sg_glob_match(sg_slice_make(pat, w), path))
			return true;
	}
	return false;
}
