/* inspect/argv_glob.c — see argv_glob.h. A dynamic program over text prefixes rather
 * than backtracking, so hostile patterns or tokens cannot blow up. */
#include "inspect/argv_glob.h"

#include <string.h>

bool sg_argv_glob_match(sg_slice p, sg_slice t, struct sg_arena *a)
{
	size_t mark = sg_arena_mark(a);
	bool *cur = sg_arena_alloc(a, t.len + 1), *next = sg_arena_alloc(a, t.len + 1);
	bool ok = false;

	if (!cur || !next)
		goto out;
	memset(cur, 0, t.len + 1);
	cur[0] = true;	/* empty pattern prefix matches empty text prefix */
	for (size_t i = 0; i < p.len;) {
		bool any = i + 1 < p.len && p.ptr[i] == '*' && p.ptr[i + 1] == '*';
		bool star = !any && p.ptr[i] == '*';
		if (any || star) {
			next[0] = cur[0];
			for (size_t j = 1; j <= t.len; j++)
				next[j] = cur[j] || (next[j - 1] && (any || t.ptr[j - 1] != '/'));
			i += any ? 2 : 1;
		} else {
			next[0] = false;
			for (size_t j = 1; j <= t.len; j++)
				next[j] = cur[j - 1] && t.ptr[j - 1] == p.ptr[i];
			i++;
		}
		bool *tmp = cur;
		cur = next;
		next = tmp;
	}
	ok = cur[t.len];
out:
	sg_arena_rewind(a, mark);
	return ok;
}
