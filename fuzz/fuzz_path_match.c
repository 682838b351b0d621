/* fuzz/fuzz_path_match.c — canonicalize arbitrary bytes, then check:
 *   - the canonical path is a fixed point of canonicalization;
 *   - serialize_upstream -> canonicalize gives back the same path and
 *     version (what we forward is what we decided on);
 *   - the trie matcher agrees with the linear reference on a fixed rule set;
 *   - inputs starting with '#' are "#pattern\npattern\n...\n\npath\npath":
 *     a rule set compiled from the fuzzer's patterns, probed with its paths
 *     (trie vs linear again), so the trie is fuzzed against odd globs too.
 * Any disagreement aborts (libFuzzer reports it as a crash). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/glob.h"
#include "policy/match.h"
#include "policy/path.h"

#define R(m, p, a) { (char *)(m), (char *)(p), (a), NULL, 0, 0 }

static struct sg_rule_cfg rules[] = {
	R("GET", "/_ping", SG_RULE_ALLOW),
	R("GET,HEAD", "/containers/json", SG_RULE_ALLOW),
	R("POST", "/containers/*/exec", SG_RULE_DENY),
	R("GET", "/containers/*/logs", SG_RULE_DENY),
	R("*", "/containers/**", SG_RULE_ALLOW),
	R("GET", "/images/*/json", SG_RULE_ALLOW),
	R("DELETE", "/images/**", SG_RULE_DENY),
	R("GET", "/a*b/**/c*", SG_RULE_ALLOW),
	R("*", "/v**", SG_RULE_DENY),
	R("POST", "/x/**y", SG_RULE_ALLOW),
	R("*", "/secrets/**", SG_RULE_DENY),
	R("GET", "/**", SG_RULE_ALLOW),
	R("*", "/**", SG_RULE_DENY),
};

static struct sg_matcher *matcher;
static const char *const methods[] = { "GET", "POST", "DELETE", "head" };

static void check_match(sg_slice method, sg_slice path)
{
	struct sg_match_result a, b;
	sg_matcher_match(matcher, method, path, &a);
	sg_matcher_match_linear(matcher, method, path, &b);
	if (a.index != b.index)
		abort();
}

/* The '#' mode: up to 16 patterns, then up to 16 paths. */
static int fuzz_rule_set(const char *d, size_t n)
{
	static char copy[4096];
	if (n >= sizeof(copy))
		return 0;
	memcpy(copy, d, n);
	copy[n] = '\0';
	struct sg_rule_cfg rs[16];
	size_t nr = 0;
	char *save = NULL, *line = copy;
	char *paths = strstr(copy, "\n\n");
	if (paths) {
		*paths = '\0';
		paths += 2;
	}
	for (char *t = strtok_r(line, "\n", &save); t && nr < 16; t = strtok_r(NULL, "\n", &save)) {
		rs[nr] = (struct sg_rule_cfg)R(nr % 3 ? "GET" : "*", t, nr % 2 ? SG_RULE_ALLOW : SG_RULE_DENY);
		nr++;
	}
	struct sg_rule_list rl = { rs, nr };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	if (!m)
		abort();
	static char canon[SG_PATH_MAX + 1];
	size_t np = 0;
	for (char *t = paths ? strtok_r(paths, "\n", &save) : NULL; t && np < 16; t = strtok_r(NULL, "\n", &save), np++) {
		struct sg_canon_path cp;
		if (sg_path_canonicalize(sg_slice_cstr(t), canon, sizeof(canon), &cp) != SG_PATH_OK)
			continue;
		struct sg_match_result a, b;
		sg_matcher_match(m, SG_SLICE_LIT("GET"), cp.path, &a);
		sg_matcher_match_linear(m, SG_SLICE_LIT("GET"), cp.path, &b);
		if (a.index != b.index)
			abort();
	}
	sg_matcher_free(m);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char c1[SG_PATH_MAX + 1], c2[SG_PATH_MAX + 1], c3[SG_PATH_MAX + 1];
	static char up[SG_PATH_UPSTREAM_MAX];
	if (!matcher) {
		struct sg_rule_list rl = { rules, sizeof(rules) / sizeof(rules[0]) };
		matcher = sg_matcher_compile(&rl);
		if (!matcher)
			abort();
	}
	if (size > 0 && data[0] == '#')
		return fuzz_rule_set((const char *)data + 1, size - 1);
	sg_slice raw = sg_slice_make((const char *)data, size);
	struct sg_canon_path a, b, c;
	if (sg_path_canonicalize(raw, c1, sizeof(c1), &a) != SG_PATH_OK)
		return 0;
	if (a.path.len == 0 || a.path.ptr[0] != '/')
		abort();

	if (sg_path_canonicalize(a.path, c2, sizeof(c2), &b) != SG_PATH_OK || !sg_slice_eq(a.path, b.path) ||
	    b.version.len != 0)
		abort();

	size_t n = sg_path_serialize_upstream(&a, up, sizeof(up));
	if (n == 0 || sg_path_canonicalize(sg_slice_make(up, n), c3, sizeof(c3), &c) != SG_PATH_OK ||
	    !sg_slice_eq(a.path, c.path) || !sg_slice_eq(a.version, c.version))
		abort();

	sg_slice method = sg_slice_cstr(methods[size % 4]);
	check_match(method, a.path);
	return 0;
}
