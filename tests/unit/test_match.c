/* tests/unit/test_match.c — the compiled matcher (policy/match.h): spec
 * cases, then a randomized differential test against the linear scan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/match.h"

#define R(m, p, a) { (char *)(m), (char *)(p), (a), NULL, 0, 0 }

static struct sg_match_result run(const struct sg_matcher *m, const char *method, const char *path)
{
	struct sg_match_result r, lin;
	sg_matcher_match(m, sg_slice_cstr(method), sg_slice_cstr(path), &r);
	sg_matcher_match_linear(m, sg_slice_cstr(method), sg_slice_cstr(path), &lin);
	cr_assert_eq(r.index, lin.index, "%s %s: trie %d linear %d", method, path, r.index, lin.index);
	return r;
}

Test(match, first_match_wins)
{
	struct sg_rule_cfg items[] = {
		R("GET", "/_ping", SG_RULE_ALLOW),
		R("POST", "/containers/*/exec", SG_RULE_DENY),
		R("GET,HEAD", "/containers/**", SG_RULE_ALLOW),
		R("*", "/containers/*/exec", SG_RULE_ALLOW),
		R("DELETE", "/**", SG_RULE_DENY),
		R("*", "/**", SG_RULE_ALLOW),
	};
	items[1].reason = (char *)"no exec";
	struct sg_rule_list rl = { items, 6 };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	cr_assert_not_null(m);
	cr_assert_eq(run(m, "GET", "/_ping").index, 0);
	struct sg_match_result r = run(m, "POST", "/containers/abc/exec");
	cr_assert_eq(r.index, 1);
	cr_assert_eq(r.action, SG_RULE_DENY);
	cr_assert_str_eq(r.reason, "no exec");
	cr_assert_eq(run(m, "GET", "/containers/abc/exec").index, 2);
	cr_assert_eq(run(m, "HEAD", "/containers").index, 2);
	cr_assert_eq(run(m, "PUT", "/containers/abc/exec").index, 3);
	cr_assert_eq(run(m, "DELETE", "/containers/abc").index, 4);
	cr_assert_eq(run(m, "PATCH", "/").index, 5);
	/* Methods compare after ASCII upper-casing, like the Go original. */
	cr_assert_eq(run(m, "get", "/_ping").index, 0);
	sg_matcher_free(m);
}

Test(match, no_match_and_empty)
{
	struct sg_rule_cfg items[] = { R("GET", "/containers/json", SG_RULE_ALLOW) };
	struct sg_rule_list rl = { items, 1 };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	struct sg_match_result r = run(m, "GET", "/containers/abc");
	cr_assert_eq(r.index, -1);
	cr_assert_eq(r.action, SG_RULE_DENY);
	cr_assert_eq(run(m, "POST", "/containers/json").index, -1);
	sg_matcher_free(m);

	struct sg_rule_list empty = { NULL, 0 };
	m = sg_matcher_compile(&empty);
	cr_assert_not_null(m);
	cr_assert_eq(run(m, "GET", "/").index, -1);
	sg_matcher_free(m);
}

Test(match, unknown_methods)
{
	struct sg_rule_cfg items[] = { R(" propfind , GET ", "/x", SG_RULE_ALLOW), R("*", "/y", SG_RULE_ALLOW) };
	struct sg_rule_list rl = { items, 2 };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	cr_assert_eq(run(m, "PROPFIND", "/x").index, 0);
	cr_assert_eq(run(m, "GET", "/x").index, 0);
	cr_assert_eq(run(m, "POST", "/x").index, -1);
	cr_assert_eq(run(m, "P\xc5\xbfST", "/y").index, 1);	/* non-ASCII: only "*" */
	cr_assert_eq(run(m, "P\xc5\xbfST", "/x").index, -1);
	sg_matcher_free(m);
	cr_assert(sg_method_spec_matches("GET, POST", SG_SLICE_LIT("post")));
	cr_assert_not(sg_method_spec_matches("GET", SG_SLICE_LIT("POST")));
	cr_assert(sg_method_spec_matches("*", SG_SLICE_LIT("ANY")));
}

Test(match, complex_patterns)
{
	struct sg_rule_cfg items[] = {
		R("*", "/a**", SG_RULE_DENY), R("*", "/b/**x", SG_RULE_ALLOW), R("*", "relative", SG_RULE_ALLOW),
		R("*", "/b/**", SG_RULE_ALLOW),
	};
	struct sg_rule_list rl = { items, 4 };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	cr_assert_eq(run(m, "GET", "/abc/def").index, 0);
	cr_assert_eq(run(m, "GET", "/b/q/rx").index, 1);
	cr_assert_eq(run(m, "GET", "/b/q/r").index, 3);
	cr_assert_eq(run(m, "GET", "/c").index, -1);
	sg_matcher_free(m);
}

/* ---- randomized differential test -------------------------------------- */

static const char *pat_segs[] = { "a", "b", "c", "*", "**", "a*", "*b", "ab", "", "a**", "**b", "x*y" };
static const char *path_segs[] = { "a", "b", "c", "ab", "xb", "axb", "xy", "xay", "bb", "json" };
static const char *methods[] = { "GET", "POST", "*", "GET,POST", "DELETE", "head" };
static const char *req_methods[] = { "GET", "POST", "DELETE", "HEAD", "PUT", "get" };

static void rand_pattern(char *out, size_t cap)
{
	int n = rand() % 5;
	size_t w = 0;
	if (rand() % 40 == 0) {
		snprintf(out, cap, "%s", rand() % 2 ? "a/**" : "");
		return;
	}
	if (n == 0) {
		snprintf(out, cap, "/");
		return;
	}
	for (int i = 0; i < n; i++)
		w += (size_t)snprintf(out + w, cap - w, "/%s", pat_segs[rand() % (sizeof(pat_segs) / sizeof(*pat_segs))]);
}

static void rand_path(char *out, size_t cap)
{
	int n = rand() % 6;
	size_t w = 0;
	if (n == 0) {
		snprintf(out, cap, "/");
		return;
	}
	for (int i = 0; i < n; i++)
		w += (size_t)snprintf(out + w, cap - w, "/%s", path_segs[rand() % (sizeof(path_segs) / sizeof(*path_segs))]);
}

Test(match, differential_random)
{
	srand(12345);
	for (int round = 0; round < 300; round++) {
		size_t nrules = 1 + (size_t)(rand() % 40);
		struct sg_rule_cfg items[40];
		static char pats[40][128];
		for (size_t i = 0; i < nrules; i++) {
			rand_pattern(pats[i], sizeof(pats[i]));
			items[i] = (struct sg_rule_cfg)R(methods[rand() % 6], pats[i], rand() % 2 ? SG_RULE_ALLOW : SG_RULE_DENY);
		}
		struct sg_rule_list rl = { items, nrules };
		struct sg_matcher *m = sg_matcher_compile(&rl);
		cr_assert_not_null(m);
		for (int q = 0; q < 200; q++) {
			char path[128];
			rand_path(path, sizeof(path));
			run(m, req_methods[rand() % 6], path);
		}
		sg_matcher_free(m);
	}
}

Test(match, many_rules_overflow_fallback)
{
	/* Chains of "*" segments each ending in "**" keep one self-looping node
	 * per depth active: a long path overflows the fixed active set, and the
	 * answer must still agree with the linear scan (run() checks). */
	enum { N = 160 };
	static struct sg_rule_cfg items[N];
	static char pats[N][256];
	for (int i = 0; i < N; i++) {
		size_t w = 0;
		for (int k = 0; k < i % 80; k++)
			w += (size_t)snprintf(pats[i] + w, sizeof(pats[i]) - w, "/*");
		snprintf(pats[i] + w, sizeof(pats[i]) - w, "/**/z%d", i);
		items[i] = (struct sg_rule_cfg)R("*", pats[i], SG_RULE_ALLOW);
	}
	struct sg_rule_list rl = { items, N };
	struct sg_matcher *m = sg_matcher_compile(&rl);
	static char path[1024];
	size_t w = 0;
	for (int k = 0; k < 100; k++)
		w += (size_t)snprintf(path + w, sizeof(path) - w, "/q");
	snprintf(path + w, sizeof(path) - w, "/z90");
	cr_assert_eq(run(m, "GET", path).index, 90);
	cr_assert_eq(run(m, "GET", "/q/z3").index, -1);
	cr_assert_eq(run(m, "GET", "/q/q/q/z3").index, 3);
	sg_matcher_free(m);
}
