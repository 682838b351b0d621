/* policy/match.h — a compiled rule list: first matching rule by method and
 * canonical path, at a cost that grows with the path, not the rule count.
 *
 * Rule paths that are segment-aligned (every "*"-bearing piece lies within
 * one segment, and "**" only ever forms a whole segment) go into a segment
 * trie: literal edges (binary search), glob edges (one segment each) and
 * "**" nodes (zero or more whole segments). A path walks the trie as an NFA
 * (a small set of active nodes per segment); the answer is the lowest rule
 * index among the terminals reached whose method set accepts the method.
 * Patterns the trie cannot express ("/a" "**", "/x/" "**y") are kept in a short
 * list checked with sg_glob_match() in index order. If the active set ever
 * overflows its fixed bound, the whole list is scanned linearly instead:
 * slower, never wrong. Matching never allocates.
 *
 * Semantics are the Go original's (filter/rules.go): methods are a comma-
 * separated list, compared after ASCII upper-casing both sides, "*" = any;
 * paths use the glob dialect of policy/glob.h on the canonical path. */
#ifndef SG_POLICY_MATCH_H
#define SG_POLICY_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/slice.h"
#include "policy/rule_types.h"

struct sg_matcher;

struct sg_match_result {
	int32_t index;			/* rule index in the list, -1 = no rule matched */
	enum sg_rule_action action;	/* valid when index >= 0 */
	const char *reason;		/* the rule's configured reason, or NULL */
};

/* Compile a rule list. Strings are copied (the matcher owns its memory).
 * Returns NULL on allocation failure only: every pattern compiles. */
struct sg_matcher *sg_matcher_compile(const struct sg_rule_list *rules);
void sg_matcher_free(struct sg_matcher *m);

/* First match for (method, canonical path). Never allocates. */
void sg_matcher_match(const struct sg_matcher *m, sg_slice method, sg_slice path,
		      struct sg_match_result *out);

/* Reference implementation: a linear scan with the same semantics. For
 * tests, guards and the trie's overflow fallback. */
void sg_matcher_match_linear(const struct sg_matcher *m, sg_slice method, sg_slice path,
			     struct sg_match_result *out);

size_t sg_matcher_rule_count(const struct sg_matcher *m);

/* Does the comma-separated rule method list `spec` accept `method`? */
bool sg_method_spec_matches(const char *spec, sg_slice method);

#endif
