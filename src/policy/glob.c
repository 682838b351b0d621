/* policy/glob.c — see glob.h.
 *
 * States are pattern offsets 0..m (m = accept). The token starting at offset
 * i decides the transitions out of i:
 *   "/" "**" at i: epsilon to i+3; on '/' to i+1, where "**" begins (so the
 *                 group's ".*" is the "**" state at i+1, whose epsilon exits
 *                 at i+3 too);
 *   "**" at i:    epsilon to i+2; any byte loops on i;
 *   "*" at i:     epsilon to i+1; a non-'/' byte loops on i;
 *   literal:      that byte to i+1.
 * Epsilon edges only go forward, so one ascending sweep closes a set. */
#include "policy/glob.h"

#include <stdint.h>

#define NWORDS ((SG_GLOB_MAX_PATTERN + 1 + 63) / 64)

enum tok { TOK_LIT, TOK_STAR, TOK_ANY, TOK_OPTDEEP };

static enum tok tok_at(sg_slice p, size_t i)
{
	if (p.ptr[i] == '/' && i + 2 < p.len && p.ptr[i + 1] == '*' && p.ptr[i + 2] == '*')
		return TOK_OPTDEEP;
	if (p.ptr[i] == '*')
		return (i + 1 < p.len && p.ptr[i + 1] == '*') ? TOK_ANY : TOK_STAR;
	return TOK_LIT;
}

static inline void set_bit(uint64_t *s, size_t i) { s[i >> 6] |= UINT64_C(1) << (i & 63); }
static inline bool has_bit(const uint64_t *s, size_t i) { return s[i >> 6] >> (i & 63) & 1; }

static void close_eps(sg_slice p, uint64_t *s)
{
	for (size_t i = 0; i < p.len; i++) {
		if (!has_bit(s, i))
			continue;
		switch (tok_at(p, i)) {
		case TOK_OPTDEEP: set_bit(s, i + 3); break;
		case TOK_ANY: set_bit(s, i + 2); break;
		case TOK_STAR: set_bit(s, i + 1); break;
		case TOK_LIT: break;
		}
	}
}

static bool step(sg_slice p, const uint64_t *cur, uint64_t *next, unsigned char c, size_t words)
{
	bool any = false;
	for (size_t w = 0; w < words; w++)
		next[w] = 0;
	for (size_t i = 0; i < p.len; i++) {
		if (!has_bit(cur, i))
			continue;
		switch (tok_at(p, i)) {
		case TOK_OPTDEEP:
			if (c == '/') { set_bit(next, i + 1); any = true; }
			break;
		case TOK_ANY:
			set_bit(next, i); any = true;
			break;
		case TOK_STAR:
			if (c != '/') { set_bit(next, i); any = true; }
			break;
		case TOK_LIT:
			if ((unsigned char)p.ptr[i] == c) { set_bit(next, i + 1); any = true; }
			break;
		}
	}
	if (any)
		close_eps(p, next);
	return any;
}

bool sg_glob_match(sg_slice p, sg_slice t)
{
	if (p.len > SG_GLOB_MAX_PATTERN)
		return false;
	if (sg_glob_is_literal(p))
		return sg_slice_eq(p, t);

	uint64_t a[NWORDS] = { 0 }, b[NWORDS];
	size_t words = p.len / 64 + 1;
	uint64_t *cur = a, *next = b;
	set_bit(cur, 0);
	close_eps(p, cur);
	for (size_t k = 0; k < t.len; k++) {
		if (!step(p, cur, next, (unsigned char)t.ptr[k], words))
			return false;
		uint64_t *tmp = cur;
		cur = next;
		next = tmp;
	}
	return has_bit(cur, p.len);
}

bool sg_glob_is_literal(sg_slice p)
{
	return p.len == 0 || memchr(p.ptr, '*', p.len) == NULL;
}
