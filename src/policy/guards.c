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

/* "GET /a, POST /b" of every probe the rules allow, into buf. */
static size_t exposed_list(const struct probe *eps, size_t n, const struct sg_matcher *rules,
			   const struct sg_inspect_settings *rb, bool check_body, char *buf, size_t cap)
{
	size_t w = 0, count = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (check_body && body_inspected(rb, eps[i].path))
			continue;
		struct sg_match_result r;
		sg_matcher_match(rules, sg_slice_cstr(eps[i].method), sg_slice_cstr(eps[i].path), &r);
		if (r.index < 0 || r.action != SG_RULE_ALLOW)
			continue;
		int k = snprintf(buf + w, cap - w, "%s%s %s", count ? ", " : "", eps[i].method, eps[i].path);
		if (k > 0)
			w = (size_t)k < cap - w ? w + (size_t)k : cap - 1;
		count++;
	}
	return count;
}

/* Error slots are SG_CONFIG_ERROR_LEN bytes, shorter than the Go original's
 * one-line message: the sentence goes in one slot, the endpoint list in the
 * next (cut at an entry boundary, with ", ..." when it does not fit). */
static void report(struct sg_config_errors *errs, const char *where, const char *sentence, const char *list)
{
	sg_config_errorf(errs, "config: %s: %s", where, sentence);
	char cut[SG_CONFIG_ERROR_LEN];
	size_t room = SG_CONFIG_ERROR_LEN - strlen(where) - 40;
	size_t n = strlen(list);
	if (n > room) {
		n = room;
		while (n > 0 && !(list[n] == ',' && list[n + 1] == ' '))
			n--;
	}
	snprintf(cut, sizeof(cut), "%.*s%s", (int)n, list, n < strlen(list) ? ", ..." : "");
	sg_config_errorf(errs, "config: %s: exposed endpoints: %s", where, cut);
}

int sg_guard_read_exfiltration(const char *profile, bool insecure_ack, const struct sg_matcher *rules,
			       struct sg_config_errors *errs)
{
	char list[4096], where[160], sentence[SG_CONFIG_ERROR_LEN];
	if (insecure_ack || exposed_list(exfil_endpoints, COUNT(exfil_endpoints), rules, NULL, false,
					 list, sizeof(list)) == 0)
		return 0;
	if (!profile) {
		snprintf(where, sizeof(where), "rules");
		snprintf(sentence, sizeof(sentence),
			 "rules allow raw archive/export, process-list, log/attach streaming, or registry push endpoints; "
			 "either tighten the allow rules to omit these paths or set "
			 "insecure_allow_read_exfiltration: true to acknowledge the risk");
	} else {
		snprintf(where, sizeof(where), "clients.profiles[%.100s].rules", profile);
		snprintf(sentence, sizeof(sentence),
			 "client profile \"%.60s\" allows raw archive/export, process-list, log/attach streaming, or registry push "
			 "endpoints; tighten its rules or set the top-level insecure_allow_read_exfiltration: true "
			 "(it is a global setting, not per-profile)", profile);
	}
	report(errs, where, sentence, list);
	return -1;
}

int sg_guard_body_blind_writes(const char *profile, bool insecure_ack, const struct sg_inspect_settings *rb,
			       const struct sg_matcher *rules, struct sg_config_errors *errs)
{
	char list[4096], where[160], sentence[SG_CONFIG_ERROR_LEN];
	if (insecure_ack || exposed_list(blind_write_endpoints, COUNT(blind_write_endpoints), rules, rb, true,
					 list, sizeof(list)) == 0)
		return 0;
	if (!profile) {
		snprintf(where, sizeof(where), "rules");
		snprintf(sentence, sizeof(sentence),
			 "rules allow body-sensitive write endpoints without request body inspection; "
			 "set insecure_allow_body_blind_writes=true to acknowledge this risk");
	} else {
		snprintf(where, sizeof(where), "clients.profiles[%.100s].rules", profile);
		snprintf(sentence, sizeof(sentence),
			 "client profile \"%.60s\" allows body-sensitive write endpoints without request body inspection; "
			 "set the top-level insecure_allow_body_blind_writes=true to acknowledge this risk "
			 "(it is a global setting, not per-profile)", profile);
	}
	report(errs, where, sentence, list);
	return -1;
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
