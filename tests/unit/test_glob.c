/* tests/unit/test_glob.c — the glob dialect (policy/glob.h), checked
 * against the Go original's regex translation semantics. */
#include <criterion/criterion.h>

#include "policy/glob.h"

#define M(p, t) sg_glob_match(sg_slice_cstr(p), sg_slice_cstr(t))

Test(glob, spec_table)
{
	cr_assert(M("/containers/json", "/containers/json"));
	cr_assert_not(M("/containers/json", "/containers/abc"));
	cr_assert(M("/containers/*", "/containers/json"));
	cr_assert(M("/containers/*", "/containers/abc123"));
	cr_assert_not(M("/containers/*", "/containers/abc/start"));
	cr_assert(M("/containers/**", "/containers/json"));
	cr_assert(M("/containers/**", "/containers/abc/start"));
	cr_assert(M("/containers/**", "/containers/abc/logs/stream"));
	cr_assert_not(M("/containers/**", "/images/json"));
	cr_assert(M("/**", "/"));
	cr_assert(M("/**", "/anything/at/all"));
}

Test(glob, optional_deep_group)
{
	cr_assert(M("/containers/**", "/containers"));
	cr_assert_not(M("/containers/**", "/containersX"));
	cr_assert(M("/a/**/b", "/a/b"));
	cr_assert(M("/a/**/b", "/a/x/y/b"));
	cr_assert_not(M("/a/**/b", "/a/xb"));
	cr_assert(M("/a/**x", "/ax"));
	cr_assert(M("/a/**x", "/a/q/rx"));
	cr_assert(M("/a**", "/abc/def"));
	cr_assert(M("**", ""));
	cr_assert(M("/***", "/"));
}

Test(glob, star_segment)
{
	cr_assert(M("/*", "/"));
	cr_assert(M("/c/*/logs", "/c/abc/logs"));
	cr_assert_not(M("/c/*/logs", "/c/a/b/logs"));
	cr_assert(M("/c/ab*cd", "/c/abXXcd"));
	cr_assert(M("/c/ab*cd", "/c/abcd"));
	cr_assert_not(M("/c/ab*cd", "/c/ab/cd"));
	cr_assert(M("*", "sh"));
	cr_assert_not(M("*", "/bin/sh"));
	cr_assert(M("**", "/bin/sh"));
	cr_assert(M("a*b*c", "aXbYc"));
	cr_assert_not(M("a*b*c", "aXbY"));
}

Test(glob, literal_and_case)
{
	cr_assert(M("/Containers", "/Containers"));
	cr_assert_not(M("/Containers", "/containers"));
	cr_assert(M("", ""));
	cr_assert_not(M("", "/"));
	cr_assert(sg_glob_is_literal(sg_slice_cstr("/a/b")));
	cr_assert_not(sg_glob_is_literal(sg_slice_cstr("/a/*")));
}

Test(glob, no_blowup)
{
	static char text[4096];
	memset(text, 'a', sizeof(text) - 1);
	cr_assert_not(M("**a**a**a**a**a**a**a**a**b", text));
	cr_assert_not(M("*a*a*a*a*a*a*a*a*a*a*a*b", text));
}
