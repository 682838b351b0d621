/* policy/glob.h — the sockguard glob dialect (rule paths, endpoint costs,
 * response name/image patterns, exec argv templates).
 *
 * Same language as the Go original's glob.ToRegexString, anchored at both
 * ends, case-sensitive, byte-wise:
 *   "*"   a run of non-'/' bytes, possibly empty          ([^/]*)
 *   "**"  any run of bytes, '/' included                  (.*)
 *   "/" "**" optional: nothing, or '/' followed by anything  ((/.*)?)
 *         so "/containers/" "**" matches "/containers" and "/containers/a/b",
 *         and "/a/" "**" "/b" matches "/a/b" as well as "/a/x/y/b"
 *   anything else is literal.
 * Tokens are read left to right ("***" is "**" then "*").
 *
 * Matching simulates the pattern as an NFA over pattern positions: time is
 * O(len(pattern) * len(text)), no backtracking blow-up, no allocation. */
#ifndef SG_POLICY_GLOB_H
#define SG_POLICY_GLOB_H

#include <stdbool.h>

#include "base/slice.h"

#define SG_GLOB_MAX_PATTERN 1023	/* longer patterns never match; validate at load */

bool sg_glob_match(sg_slice pattern, sg_slice text);

/* True when the pattern contains no wildcard (plain equality). */
bool sg_glob_is_literal(sg_slice pattern);

#endif
