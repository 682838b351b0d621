/* policy/match.c — see match.h. Compile-time code may allocate (the matcher
 * owns it); sg_matcher_match() and everything it calls must not. */
#include "policy/match.h"

#include <stdlib.h>
#include <string.h>

#include "policy/glob.h"

#define METHOD_MAX 32		/* longest method name we compare */
#define ACTIVE_MAX 64		/* trie NFA width before falling back to a scan */

/* ---- method sets -------------------------------------------------------- */

static const char *const known_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
};
#define KNOWN_METHODS (sizeof(known_methods) / sizeof(known_methods[0]))

struct method_set {
	bool all;
	uint16_t mask;			/* bit i = known_methods[i] */
	char (*extra)[METHOD_MAX + 1];	/* other names, upper-cased */
	size_t nextra;
};

/* ASCII upper-case of a method into buf; false if it is not plain ASCII or
 * too long (such a method can only match "*"). */
static bool method_upper(sg_slice m, char *buf, size_t *len)
{
	if (m.len == 0 || m.len > METHOD_MAX)
		return false;
	for (size_t i = 0; i < m.len; i++) {
		unsigned char c = (unsigned char)m.ptr[i];
		if (c >= 0x80)
			return false;
		buf[i] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
	}
	*len = m.len;
	return true;
}

static int known_bit(const char *m, size_t len)
{
	for (size_t i = 0; i < KNOWN_METHODS; i++)
		if (strlen(known_methods[i]) == len && memcmp(known_methods[i], m, len) == 0)
			return (int)i;
	return -1;
}

/* Walk the comma-separated list `spec` (Go's splitMethods: split on ',',
 * trim spaces, drop empties), calling fn on each upper-cased token. */
typedef bool (*method_fn)(void *ctx, const char *tok, size_t len, bool star);

static bool each_method(const char *spec, method_fn fn, void *ctx)
{
	if (!spec)
		return true;
	const char *p = spec;
	while (*p) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *a = p, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			char up[METHOD_MAX];
			size_t n = 0;
			bool star = (b - a == 1 && *a == '*');
			bool ok = star || method_upper(sg_slice_make(a, (size_t)(b - a)), up, &n);
			if (ok && !fn(ctx, up, n, star))
				return false;
		}
		p = *end ? end + 1 : end;
	}
	return true;
}

static bool add_method(void *ctx, const char *tok, size_t len, bool star)
{
	struct method_set *s = ctx;
	if (star) {
		s->all = true;
		return true;
	}
	int bit = known_bit(tok, len);
	if (bit >= 0) {
		s->mask |= (uint16_t)(1u << bit);
		return true;
	}
	void *grown = realloc(s->extra, (s->nextra + 1) * sizeof(*s->extra));
	if (!grown)
		return false;
	s->extra = grown;
	memcpy(s->extra[s->nextra], tok, len);
	s->extra[s->nextra][len] = '\0';
	s->nextra++;
	return true;
}

/* A request method prepared once per match: upper-cased, its known bit. */
struct req_method {
	bool valid;
	int bit;
	char up[METHOD_MAX];
	size_t len;
};

static void req_method_prepare(sg_slice m, struct req_method *r)
{
	r->valid = method_upper(m, r->up, &r->len);
	r->bit = r->valid ? known_bit(r->up, r->len) : -1;
}

static bool method_set_accepts(const struct method_set *s, const struct req_method *r)
{
	if (s->all)
		return true;
	if (!r->valid)
		return false;
	if (r->bit >= 0)
		return s->mask >> r->bit & 1;
	for (size_t i = 0; i < s->nextra; i++)
		if (strlen(s->extra[i]) == r->len && memcmp(s->extra[i], r->up, r->len) == 0)
			return true;
	return false;
}

struct spec_probe {
	const struct req_method *req;
	bool hit;
};

static bool probe_method(void *ctx, const char *tok, size_t len, bool star)
{
	struct spec_probe *p = ctx;
	if (star || (p->req->valid && len == p->req->len && memcmp(tok, p->req->up, len) == 0))
		p->hit = true;
	return !p->hit;
}

bool sg_method_spec_matches(const char *spec, sg_slice method)
{
	struct req_method r;
	req_method_prepare(method, &r);
	struct spec_probe p = { &r, false };
	each_method(spec, probe_method, &p);
	return p.hit;
}

/* ---- the compiled structure -------------------------------------------- */

struct crule {
	struct method_set methods;
	char *pattern;
	size_t pattern_len;
	enum sg_rule_action action;
	char *reason;
};

struct edge {
	char *seg;
	size_t len;
	uint32_t child;
};

struct node {
	struct edge *lit;		/* sorted by (len, bytes) after compile */
	uint32_t nlit;
	struct edge *glob;		/* one-segment globs, in insertion order */
	uint32_t nglob;
	int32_t deep;			/* child reached through a "**" segment, -1 */
	bool self_loop;			/* this is a "**" node: consumes any segment */
	uint32_t *rules;		/* ascending rule indices ending here */
	uint32_t nrules;
};

struct sg_matcher {
	struct crule *rules;
	size_t nrules;
	struct node *nodes;
	uint32_t nnodes;
	uint32_t *complex;		/* ascending rule indices matched by glob */
	size_t ncomplex;
};

static int32_t new_node(struct sg_matcher *m)
{
	void *grown = realloc(m->nodes, (m->nnodes + 1) * sizeof(*m->nodes));
	if (!grown)
		return -1;
	m->nodes = grown;
	m->nodes[m->nnodes] = (struct node){ .deep = -1 };
	return (int32_t)m->nnodes++;
}

static bool push_u32(uint32_t **arr, uint32_t *n, uint32_t v)
{
	void *grown = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!grown)
		return false;
	*arr = grown;
	(*arr)[(*n)++] = v;
	return true;
}

/* Follow or create the edge for `seg` out of node `from`. */
static int32_t edge_child(struct sg_matcher *m, uint32_t from, sg_slice seg, bool glob)
{
	struct node *n = &m->nodes[from];
	struct edge *list = glob ? n->glob : n->lit;
	uint32_t count = glob ? n->nglob : n->nlit;
	for (uint32_t i = 0; i < count; i++)
		if (list[i].len == seg.len && memcmp(list[i].seg, seg.ptr, seg.len) == 0)
			return (int32_t)list[i].child;

	int32_t child = new_node(m);
	if (child < 0)
		return -1;
	n = &m->nodes[from];	/* nodes may have moved */
	char *copy = malloc(seg.len + 1);
	if (!copy)
		return -1;
	memcpy(copy, seg.ptr, seg.len);
	copy[seg.len] = '\0';
	struct edge **lp = glob ? &n->glob : &n->lit;
	uint32_t *cp = glob ? &n->nglob : &n->nlit;
	void *grown = realloc(*lp, (*cp + 1) * sizeof(**lp));
	if (!grown) {
		free(copy);
		return -1;
	}
	*lp = grown;
	(*lp)[(*cp)++] = (struct edge){ copy, seg.len, (uint32_t)child };
	return child;
}

static int32_t deep_child(struct sg_matcher *m, uint32_t from)
{
	if (m->nodes[from].deep >= 0)
		return m->nodes[from].deep;
	int32_t child = new_node(m);
	if (child < 0)
		return -1;
	m->nodes[child].self_loop = true;
	m->nodes[from].deep = child;
	return child;
}

static bool has_double_star(sg_slice s)
{
	for (size_t i = 0; i + 1 < s.len; i++)
		if (s.ptr[i] == '*' && s.ptr[i + 1] == '*')
			return true;
	return false;
}

/* A pattern fits the trie when it is rooted and every "**" is a whole
 * segment; then the regex semantics of glob.h reduce to per-segment ones
 * on canonical paths (which never hold empty segments except "/"). */
static bool trie_fits(sg_slice p)
{
	if (p.len == 0 || p.ptr[0] != '/' || p.len > SG_GLOB_MAX_PATTERN)
		return false;
	size_t i = 1;
	while (i <= p.len) {
		size_t j = i;
		while (j < p.len && p.ptr[j] != '/')
			j++;
		sg_slice seg = sg_slice_make(p.ptr + i, j - i);
		if (has_double_star(seg) && !(seg.len == 2))
			return false;
		i = j + 1;
	}
	return true;
}

static bool trie_insert(struct sg_matcher *m, sg_slice p, uint32_t rule)
{
	uint32_t cur = 0;
	size_t i = 1;
	while (i <= p.len) {
		size_t j = i;
		while (j < p.len && p.ptr[j] != '/')
			j++;
		sg_slice seg = sg_slice_make(p.ptr + i, j - i);
		int32_t next;
		if (seg.len == 2 && seg.ptr[0] == '*' && seg.ptr[1] == '*')
			next = deep_child(m, cur);
		else
			next = edge_child(m, cur, seg, memchr(seg.ptr, '*', seg.len) != NULL);
		if (next < 0)
			return false;
		cur = (uint32_t)next;
		i = j + 1;
	}
	return push_u32(&m->nodes[cur].rules, &m->nodes[cur].nrules, rule);
}

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->seg, y->seg, x->len);
}

void sg_matcher_free(struct sg_matcher *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nrules; i++) {
		free(m->rules[i].methods.extra);
		free(m->rules[i].pattern);
		free(m->rules[i].reason);
	}
	free(m->rules);
	for (uint32_t i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		for (uint32_t k = 0; k < n->nlit; k++)
			free(n->lit[k].seg);
		for (uint32_t k = 0; k < n->nglob; k++)
			free(n->glob[k].seg);
		free(n->lit);
		free(n->glob);
		free(n->rules);
	}
	free(m->nodes);
	free(m->complex);
	free(m);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct sg_matcher *sg_matcher_compile(const struct sg_rule_list *rules)
{
	struct sg_matcher *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	size_t n = rules ? rules->count : 0;
	if (n > UINT32_MAX / 2)
		goto fail;
	m->rules = calloc(n ? n : 1, sizeof(*m->rules));
	if (!m->rules || new_node(m) != 0)
		goto fail;
	m->nrules = n;
	uint32_t ncomplex = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sg_rule_cfg *rc = &rules->items[i];
		struct crule *cr = &m->rules[i];
		const char *path = rc->path ? rc->path : "";
		cr->pattern = strdup(path);
		cr->pattern_len = strlen(path);
		cr->action = rc->action;
		cr->reason = dup_or_null(rc->reason);
		if (!cr->pattern || (rc->reason && !cr->reason) || !each_method(rc->method, add_method, &cr->methods))
			goto fail;
		sg_slice p = sg_slice_make(cr->pattern, cr->pattern_len);
		bool ok = trie_fits(p) ? trie_insert(m, p, (uint32_t)i)
				       : push_u32(&m->complex, &ncomplex, (uint32_t)i);
		if (!ok)
			goto fail;
	}
	m->ncomplex = ncomplex;
	for (uint32_t i = 0; i < m->nnodes; i++)
		if (m->nodes[i].nlit > 1)
			qsort(m->nodes[i].lit, m->nodes[i].nlit, sizeof(struct edge), edge_cmp);
	return m;
fail:
	sg_matcher_free(m);
	return NULL;
}

size_t sg_matcher_rule_count(const struct sg_matcher *m) { return m ? m->nrules : 0; }

/* ---- matching ----------------------------------------------------------- */

static void set_result(const struct sg_matcher *m, int64_t idx, struct sg_match_result *out)
{
	if (idx < 0) {
		*out = (struct sg_match_result){ .index = -1, .action = SG_RULE_DENY };
		return;
	}
	const struct crule *r = &m->rules[idx];
	*out = (struct sg_match_result){ (int32_t)idx, r->action, r->reason };
}

static bool rule_matches(const struct crule *r, const struct req_method *rm, sg_slice path)
{
	return method_set_accepts(&r->methods, rm) &&
	       sg_glob_match(sg_slice_make(r->pattern, r->pattern_len), path);
}

void sg_matcher_match_linear(const struct sg_matcher *m, sg_slice method, sg_slice path,
			     struct sg_match_result *out)
{
	struct req_method rm;
	req_method_prepare(method, &rm);
	for (size_t i = 0; m && i < m->nrules; i++) {
		if (rule_matches(&m->rules[i], &rm, path)) {
			set_result(m, (int64_t)i, out);
			return;
		}
	}
	set_result(m, -1, out);
}

struct active {
	uint32_t id[ACTIVE_MAX];
	size_t n;
	bool overflow;
};

/* Add a node and, through "**" (zero segments), its deep descendants. */
static void active_add(const struct sg_matcher *m, struct active *a, uint32_t id)
{
	for (;;) {
		for (size_t i = 0; i < a->n; i++)
			if (a->id[i] == id)
				return;
		if (a->n == ACTIVE_MAX) {
			a->overflow = true;
			return;
		}
		a->id[a->n++] = id;
		if (m->nodes[id].deep < 0)
			return;
		id = (uint32_t)m->nodes[id].deep;
	}
}

static const struct edge *find_lit(const struct node *n, sg_slice seg)
{
	size_t lo = 0, hi = n->nlit;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct edge *e = &n->lit[mid];
		int c = e->len != seg.len ? (e->len < seg.len ? -1 : 1)
					  : memcmp(e->seg, seg.ptr, seg.len);
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void advance(const struct sg_matcher *m, const struct active *cur, sg_slice seg,
		    struct active *next)
{
	next->n = 0;
	next->overflow = cur->overflow;
	for (size_t i = 0; i < cur->n && !next->overflow; i++) {
		const struct node *n = &m->nodes[cur->id[i]];
		if (n->self_loop)
			active_add(m, next, cur->id[i]);
		const struct edge *e = find_lit(n, seg);
		if (e)
			active_add(m, next, e->child);
		for (uint32_t k = 0; k < n->nglob; k++)
			if (sg_glob_match(sg_slice_make(n->glob[k].seg, n->glob[k].len), seg))
				active_add(m, next, n->glob[k].child);
	}
}

void sg_matcher_match(const struct sg_matcher *m, sg_slice method, sg_slice path,
		      struct sg_match_result *out)
{
	if (!m || m->nrules == 0) {
		set_result(m, -1, out);
		return;
	}
	struct req_method rm;
	req_method_prepare(method, &rm);
	int64_t best = -1;

	if (path.len > 0 && path.ptr[0] == '/') {
		struct active a = { .n = 0 }, b;
		struct active *cur = &a, *next = &b;
		active_add(m, cur, 0);
		size_t i = 1;
		while (i <= path.len && cur->n && !cur->overflow) {
			size_t j = i;
			while (j < path.len && path.ptr[j] != '/')
				j++;
			advance(m, cur, sg_slice_make(path.ptr + i, j - i), next);
			struct active *tmp = cur;
			cur = next;
			next = tmp;
			i = j + 1;
		}
		if (cur->overflow) {
			sg_matcher_match_linear(m, method, path, out);
			return;
		}
		for (size_t k = 0; k < cur->n; k++) {
			const struct node *n = &m->nodes[cur->id[k]];
			for (uint32_t r = 0; r < n->nrules; r++) {
				uint32_t idx = n->rules[r];
				if (best >= 0 && idx >= best)
					break;
				if (method_set_accepts(&m->rules[idx].methods, &rm)) {
					best = idx;
					break;
				}
			}
		}
	}
	for (size_t k = 0; k < m->ncomplex; k++) {
		uint32_t idx = m->complex[k];
		if (best >= 0 && idx >= best)
			break;
		if (rule_matches(&m->rules[idx], &rm, path)) {
			best = idx;
			break;
		}
	}
	set_result(m, best, out);
}
