/* policy/config_yaml.c — strict YAML reader over the schema tables.
 *
 * libyaml's document API gives us a node tree with positions; we walk it
 * against struct sg_struct_desc and refuse what the Go original refuses
 * (and a little more, on purpose): unknown keys, duplicate keys, a string
 * where a boolean or number is expected (YAML 1.1 yes/no/on/off are
 * strings, as in Go's yaml.v3), bad durations, CIDRs, IPs, pins, rule
 * paths, methods and actions. Every error carries file:line:col and the
 * key path, and the walk continues so the user sees all of them at once. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "policy/config_internal.h"
#include "policy/glob.h"

#define SG_YAML_NODE_BUDGET 200000	/* aliases can make a small file a big walk */
#define SG_PATH_MAX 256

struct yctx {
	struct sg_config *c;
	yaml_document_t *doc;
	const char *name;
	struct sg_config_errors *errs;
	size_t visited;
	bool budget_reported;
	int depth;		/* walk_struct nesting; merge keys can refer to themselves */
};

#define SG_YAML_MAX_DEPTH 32

static struct sg_where where_of(const struct yctx *y, const yaml_node_t *n)
{
	return (struct sg_where){ .src = SG_SRC_FILE, .file = y->name,
				  .line = (int)n->start_mark.line + 1, .col = (int)n->start_mark.column + 1 };
}

__attribute__((format(printf, 4, 5)))
static void yerr(struct yctx *y, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
	char reason[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	struct sg_where w = where_of(y, n);
	sg_cfg_err_at(y->errs, &w, path, "%s", reason);
}

static bool budget_ok(struct yctx *y, const yaml_node_t *n)
{
	if (++y->visited <= SG_YAML_NODE_BUDGET)
		return true;
	if (!y->budget_reported) {
		y->budget_reported = true;
		yerr(y, n, "(document)", "too many nodes (more than %d); aliases expanding too far?",
		     SG_YAML_NODE_BUDGET);
	}
	return false;
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }
static bool is_plain(const yaml_node_t *n) { return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE; }

static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || !is_plain(n))
		return false;
	const char *s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a sequence";
	default: return is_plain(n) ? "a plain scalar" : "a quoted string";
	}
}

static void path_join(char *out, const char *base, const char *key)
{
	if (base && *base)
		sg_cfg_keyf(out, SG_PATH_MAX, "%s.%s", base, key);
	else
		sg_cfg_keyf(out, SG_PATH_MAX, "%s", key);
}

static void path_index(char *out, const char *base, size_t i)
{
	sg_cfg_keyf(out, SG_PATH_MAX, "%s[%zu]", base, i);
}

/* Integer-looking plain scalar (YAML 1.2 core: [-+]?[0-9]+). */
static bool plain_int(const yaml_node_t *n)
{
	if (!is_plain(n))
		return false;
	const char *s = scalar(n);
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool plain_number(const yaml_node_t *n)
{
	if (!is_plain(n))
		return false;
	const char *s = scalar(n);
	bool digit = false;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digit = true;
		else if (*s != '.' && *s != 'e' && *s != 'E' && *s != '-' && *s != '+')
			return false;
	}
	return digit;
}

static void walk_struct(struct yctx *y, yaml_node_t *n, const struct sg_struct_desc *d, void *base,
			const char *path);
static void walk_mapping(struct yctx *y, yaml_node_t *n, const struct sg_struct_desc *d, void *base,
			 const char *path);

/* Set a field from a scalar node after checking the YAML type. */
static void set_scalar(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base,
		       const char *path)
{
	char why[256];
	const char *text = scalar(v);
	switch (f->kind) {
	case SG_F_BOOL:
		/* yaml.v3 booleans only; "yes"/"on"/"1"/"true" in quotes are strings. */
		if (!is_plain(v) || (strcmp(text, "true") && strcmp(text, "True") && strcmp(text, "TRUE") &&
				     strcmp(text, "false") && strcmp(text, "False") && strcmp(text, "FALSE"))) {
			yerr(y, v, path, "expected a boolean (true or false), got %s \"%.64s\"", kind_name(v), text);
			return;
		}
		*(bool *)((char *)base + f->off) = text[0] == 't' || text[0] == 'T';
		return;
	case SG_F_INT:
	case SG_F_I64:
	case SG_F_I64_SET:
		if (!plain_int(v)) {
			yerr(y, v, path, "expected an integer, got %s \"%.64s\"", kind_name(v), text);
			return;
		}
		break;
	case SG_F_DOUBLE:
		if (!plain_number(v)) {
			yerr(y, v, path, "expected a number, got %s \"%.64s\"", kind_name(v), text);
			return;
		}
		break;
	case SG_F_STR:
		if (is_null(v)) {
			*(char **)((char *)base + f->off) = NULL;
			return;
		}
		break;
	case SG_F_DUR:
	case SG_F_DUR_MS32:
		if (is_null(v))
			text = "";
		break;
	case SG_F_MODE:
		/* A plain 384 is decimal; 0600 / 0o600 / "0600" are octal. */
		if (plain_int(v) && text[0] != '0') {
			long long m = strtoll(text, NULL, 10);
			if (m < 0 || m > 07777) {
				yerr(y, v, path, "invalid file mode %.32s (want 0600)", text);
				return;
			}
			*(uint32_t *)((char *)base + f->off) = (uint32_t)m;
			return;
		}
		break;
	default:
		break;
	}
	if (sg_field_set_text(y->c, f, base, text, false, why, sizeof(why)))
		yerr(y, v, path, "%s", why);
}

/* A list given as a sequence of scalars (or a null, or one comma string). */
/* ---- lists ------------------------------------------------------------- */

typedef void item_fn(struct yctx *y, yaml_node_t *e, const char *ipath, void *ctx);

/* The walk every list field shares: empty the (items, count) list at `list`,
 * take null as empty, refuse anything but a sequence ("expected WHAT, got
 * KIND"), then call each() per element with its key path ("a.b[3]"). Stops
 * when the node budget runs out. */
static void each_item(struct yctx *y, yaml_node_t *v, const char *path, const char *what, void *list,
		      item_fn *each, void *ctx)
{
	char ipath[SG_PATH_MAX];
	struct sg_any_list *l = list;
	l->items = NULL;
	l->count = 0;
	if (is_null(v))
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		yerr(y, v, path, "expected %s, got %s", what, kind_name(v));
		return;
	}
	size_t i = 0;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);
		path_index(ipath, path, i);
		if (!e || !budget_ok(y, e))
			return;
		each(y, e, ipath, ctx);
	}
}

struct scalar_ctx {
	const struct sg_field *f;
	struct sg_any_list *l;
};

static void scalar_item(struct yctx *y, yaml_node_t *e, const char *ipath, void *ctx)
{
	const struct sg_field *f = ((struct scalar_ctx *)ctx)->f;
	struct sg_any_list *l = ((struct scalar_ctx *)ctx)->l;
	char why[256];
	if (e->type != YAML_SCALAR_NODE) {
		yerr(y, e, ipath, "expected a scalar list item, got %s", kind_name(e));
		return;
	}
	const char *text = scalar(e);
	switch (f->kind) {
	case SG_F_STRLIST: {
		const char *s = sg_strlist_item(y->c, f, text, why, sizeof(why));
		if (!s)
			yerr(y, e, ipath, "%s", why);
		else
			*(const char **)sg_cfg_list_push(y->c, l, sizeof(char *)) = s;
		return;
	}
	case SG_F_CIDRLIST: {
		struct sg_cidr cidr;
		if (sg_parse_cidr(text, &cidr))
			yerr(y, e, ipath, "invalid CIDR %.64s", text);
		else
			*(struct sg_cidr *)sg_cfg_list_push(y->c, l, sizeof(cidr)) = cidr;
		return;
	}
	default: {	/* U32 / I32 lists */
		bool u = f->kind == SG_F_U32LIST;
		long long val = plain_int(e) ? strtoll(text, NULL, 10) : -1;
		if (!plain_int(e) || val < (u ? 0 : 1) || val > (u ? (long long)UINT32_MAX : INT32_MAX)) {
			yerr(y, e, ipath, "expected a %s, got %s \"%.32s\"", u ? "non-negative id" : "positive pid",
			     kind_name(e), text);
			return;
		}
		if (u)
			*(uint32_t *)sg_cfg_list_push(y->c, l, sizeof(uint32_t)) = (uint32_t)val;
		else
			*(int32_t *)sg_cfg_list_push(y->c, l, sizeof(int32_t)) = (int32_t)val;
		return;
	}
	}
}

static void set_scalar_list(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base,
			    const char *path)
{
	struct scalar_ctx ctx = { f, (void *)((char *)base + f->off) };
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {	/* "a, b, c" */
		char why[256];
		ctx.l->items = NULL;
		ctx.l->count = 0;
		if (sg_field_set_text(y->c, f, base, scalar(v), false, why, sizeof(why)))
			yerr(y, v, path, "%s", why);
		return;
	}
	each_item(y, v, path, "a list", ctx.l, scalar_item, &ctx);
}

static void string_item(struct yctx *y, yaml_node_t *s, const char *jpath, void *inner)
{
	if (s->type != YAML_SCALAR_NODE) {
		yerr(y, s, jpath, "expected a string, got %s", kind_name(s));
		return;
	}
	*(char **)sg_cfg_list_push(y->c, inner, sizeof(char *)) = sg_cfg_strdup(y->c, scalar(s));
}

static void string_list_item(struct yctx *y, yaml_node_t *e, const char *ipath, void *ll)
{
	if (e->type != YAML_SEQUENCE_NODE) {
		yerr(y, e, ipath, "expected a list of strings, got %s", kind_name(e));
		return;
	}
	struct sg_str_list *inner = sg_cfg_list_push(y->c, ll, sizeof(*inner));
	each_item(y, e, ipath, "a list of strings", inner, string_item, inner);
}

/* exec.allowed_commands, allowed_device_requests[].allowed_capabilities */
static void set_list_list(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base,
			  const char *path)
{
	void *ll = (char *)base + f->off;
	each_item(y, v, path, "a list of lists", ll, string_list_item, ll);
}

static void pem_item(struct yctx *y, yaml_node_t *e, const char *ipath, void *l)
{
	static const struct sg_field pem_f = { "pem", SG_F_STR, 0, NULL, 0 };
	static const struct sg_struct_desc pem_d = { &pem_f, 1, sizeof(char *), -1, -1, -1, NULL };
	char *pem = NULL;
	walk_struct(y, e, &pem_d, &pem, ipath);
	if (!pem)
		yerr(y, e, ipath, "pem is required");
	else
		*(char **)sg_cfg_list_push(y->c, l, sizeof(char *)) = pem;
}

/* [{pem: "..."}] into a plain string list of PEM texts. */
static void set_pem_list(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base,
			 const char *path)
{
	void *l = (char *)base + f->off;
	each_item(y, v, path, "a list of {pem: ...} entries", l, pem_item, l);
}

struct struct_ctx {
	const struct sg_struct_desc *d;
	struct sg_any_list *l;
};

static void struct_item(struct yctx *y, yaml_node_t *e, const char *ipath, void *ctx)
{
	const struct sg_struct_desc *d = ((struct struct_ctx *)ctx)->d;
	void *elem = sg_cfg_list_push(y->c, ((struct struct_ctx *)ctx)->l, d->size);
	if (d->init)
		d->init(y->c, elem);
	if (d->line_off >= 0)
		*(int *)((char *)elem + d->line_off) = (int)e->start_mark.line + 1;
	if (d->col_off >= 0)
		*(int *)((char *)elem + d->col_off) = (int)e->start_mark.column + 1;
	struct sg_where w = where_of(y, e);
	sg_prov_set(y->c, ipath, &w);
	walk_struct(y, e, d, elem, ipath);
}

static void set_struct_list(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base,
			    const char *path)
{
	struct struct_ctx ctx = { f->aux, (void *)((char *)base + f->off) };
	each_item(y, v, path, "a list", ctx.l, struct_item, &ctx);
}

/* ---- rules -------------------------------------------------------------- */

static char *rule_method(struct yctx *y, yaml_node_t *n, const char *path)
{
	/* "GET", "*", or a comma list "GET,HEAD" (what compat mode generates). */
	const char *m = scalar(n);
	if (!*m) {
		yerr(y, n, path, "method is required");
		return NULL;
	}
	char *up = sg_cfg_strdup(y->c, m);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (strcmp(up, "*") == 0)
		return up;
	char tmp[128];
	const char *s = up;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len == 0 || len >= sizeof(tmp)) {
			yerr(y, n, path, "invalid method \"%.64s\"", m);
			return NULL;
		}
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		if (!sg_method_token_ok(tmp) || strcmp(tmp, "*") == 0) {
			yerr(y, n, path, "invalid method \"%.64s\": not an HTTP token", m);
			return NULL;
		}
		s = end ? end + 1 : s + len;
	}
	return up;
}

static bool rule_path_check(struct yctx *y, yaml_node_t *n, const char *path, const char *p)
{
	if (p[0] != '/') {
		yerr(y, n, path, "path \"%.64s\" must start with /", p);
		return false;
	}
	if (strlen(p) > SG_GLOB_MAX_PATTERN) {
		yerr(y, n, path, "path is %zu bytes long; rule paths are limited to %d bytes", strlen(p),
		     SG_GLOB_MAX_PATTERN);
		return false;
	}
	if (strchr(p, '%')) {
		yerr(y, n, path,
		     "path \"%.64s\" contains %%: request paths are percent-decoded before matching, so this rule could never match",
		     p);
		return false;
	}
	for (const unsigned char *q = (const unsigned char *)p; *q; q++) {
		if (*q < 0x20 || *q == 0x7f || *q == '?' || *q == '#') {
			yerr(y, n, path, "path \"%.64s\" contains a character that cannot appear in a canonical path", p);
			return false;
		}
	}
	return true;
}

static void parse_rule(struct yctx *y, yaml_node_t *e, const char *rpath, struct sg_rule_cfg *r, bool *ok)
{
	char kpath[SG_PATH_MAX], mpath[SG_PATH_MAX];
	bool have_match = false, have_action = false, have_method = false, have_path = false, have_reason = false;
	*ok = false;
	if (e->type != YAML_MAPPING_NODE) {
		yerr(y, e, rpath, "expected a rule mapping {match, action, reason}, got %s", kind_name(e));
		return;
	}
	bool bad = false;
	for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
		if (!k || !v || !budget_ok(y, v))
			return;
		const char *key = k->type == YAML_SCALAR_NODE ? scalar(k) : "";
		path_join(kpath, rpath, key);
		if ((!strcmp(key, "match") && have_match) || (!strcmp(key, "action") && have_action) ||
		    (!strcmp(key, "reason") && have_reason)) {
			yerr(y, k, kpath, "duplicate key");
			bad = true;
			continue;
		}
		if (!strcmp(key, "match")) {
			have_match = true;
			if (v->type != YAML_MAPPING_NODE) {
				yerr(y, v, kpath, "expected a mapping {method, path}, got %s", kind_name(v));
				bad = true;
				continue;
			}
			for (yaml_node_pair_t *mp = v->data.mapping.pairs.start; mp < v->data.mapping.pairs.top; mp++) {
				yaml_node_t *mk = yaml_document_get_node(y->doc, mp->key);
				yaml_node_t *mv = yaml_document_get_node(y->doc, mp->value);
				if (!mk || !mv)
					return;
				const char *mkey = mk->type == YAML_SCALAR_NODE ? scalar(mk) : "";
				path_join(mpath, kpath, mkey);
				if ((!strcmp(mkey, "method") && have_method) || (!strcmp(mkey, "path") && have_path)) {
					yerr(y, mk, mpath, "duplicate key");
					bad = true;
				} else if (mv->type != YAML_SCALAR_NODE &&
				    (!strcmp(mkey, "method") || !strcmp(mkey, "path"))) {
					yerr(y, mv, mpath, "expected a string, got %s", kind_name(mv));
					bad = true;
				} else if (!strcmp(mkey, "method")) {
					have_method = true;
					r->method = rule_method(y, mv, mpath);
					bad |= !r->method;
				} else if (!strcmp(mkey, "path")) {
					have_path = true;
					if (!rule_path_check(y, mv, mpath, scalar(mv)))
						bad = true;
					else
						r->path = sg_cfg_strdup(y->c, scalar(mv));
				} else {
					yerr(y, mk, mpath, "unknown key");
					bad = true;
				}
			}
		} else if (!strcmp(key, "action")) {
			have_action = true;
			const char *a = v->type == YAML_SCALAR_NODE ? scalar(v) : "";
			if (!strcmp(a, "allow"))
				r->action = SG_RULE_ALLOW;
			else if (!strcmp(a, "deny"))
				r->action = SG_RULE_DENY;
			else {
				yerr(y, v, kpath, "invalid action \"%.32s\" (want allow or deny)", a);
				bad = true;
			}
		} else if (!strcmp(key, "reason")) {
			have_reason = true;
			if (v->type != YAML_SCALAR_NODE) {
				yerr(y, v, kpath, "expected a string, got %s", kind_name(v));
				bad = true;
			} else if (!is_null(v)) {
				r->reason = sg_cfg_strdup(y->c, scalar(v));
			}
		} else {
			yerr(y, k, kpath, "unknown key");
			bad = true;
		}
	}
	if (!have_match) {
		yerr(y, e, rpath, "match is required");
		bad = true;
	} else {
		path_join(kpath, rpath, "match");
		if (!have_method) {
			path_join(mpath, kpath, "method");
			yerr(y, e, mpath, "method is required");
			bad = true;
		}
		if (!have_path) {
			path_join(mpath, kpath, "path");
			yerr(y, e, mpath, "path is required");
			bad = true;
		}
	}
	if (!have_action) {
		path_join(kpath, rpath, "action");
		yerr(y, e, kpath, "action is required (allow or deny)");
		bad = true;
	}
	*ok = !bad;
}

static void rule_item(struct yctx *y, yaml_node_t *e, const char *rpath, void *l)
{
	struct sg_rule_cfg r = { .line = (int)e->start_mark.line + 1, .column = (int)e->start_mark.column + 1 };
	bool ok;
	struct sg_where w = where_of(y, e);
	sg_prov_set(y->c, rpath, &w);
	parse_rule(y, e, rpath, &r, &ok);
	if (ok)
		*(struct sg_rule_cfg *)sg_cfg_list_push(y->c, l, sizeof(r)) = r;
}

static void set_rules(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base, const char *path)
{
	struct sg_rule_list *l = (void *)((char *)base + f->off);
	each_item(y, v, path, "a list of rules", l, rule_item, l);
	if (l == &y->c->rules && l->count > 0)
		y->c->rules_source = SG_SRC_FILE;
}

/* ---- mappings ----------------------------------------------------------- */

static void set_field(struct yctx *y, const struct sg_field *f, yaml_node_t *v, void *base, const char *path)
{
	switch (f->kind) {
	case SG_F_STRUCT:
		walk_struct(y, v, f->aux, (char *)base + f->off, path);
		return;
	case SG_F_LIST:
		set_struct_list(y, f, v, base, path);
		return;
	case SG_F_RULES:
		set_rules(y, f, v, base, path);
		return;
	case SG_F_STRLIST:
	case SG_F_CIDRLIST:
	case SG_F_U32LIST:
	case SG_F_I32LIST:
		set_scalar_list(y, f, v, base, path);
		return;
	case SG_F_STRLISTLIST:
		set_list_list(y, f, v, base, path);
		return;
	case SG_F_PEMLIST:
		set_pem_list(y, f, v, base, path);
		return;
	default:
		if (v->type != YAML_SCALAR_NODE) {
			yerr(y, v, path, "expected a scalar value, got %s", kind_name(v));
			return;
		}
		set_scalar(y, f, v, base, path);
		return;
	}
}

static void walk_struct(struct yctx *y, yaml_node_t *n, const struct sg_struct_desc *d, void *base,
			const char *path)
{
	if (is_null(n))
		return;	/* `key:` with no value: keep the defaults */
	if (y->depth >= SG_YAML_MAX_DEPTH) {
		yerr(y, n, path && *path ? path : "(document)", "nesting too deep (merge key cycle?)");
		return;
	}
	y->depth++;
	walk_mapping(y, n, d, base, path);
	y->depth--;
}

static void walk_mapping(struct yctx *y, yaml_node_t *n, const struct sg_struct_desc *d, void *base,
			 const char *path)
{
	char kpath[SG_PATH_MAX];
	if (n->type != YAML_MAPPING_NODE) {
		yerr(y, n, path && *path ? path : "(document)", "expected a mapping, got %s", kind_name(n));
		return;
	}
	if (d->set_off >= 0)
		*(bool *)((char *)base + d->set_off) = true;
	/* YAML merge keys (`<<: *base` or `<<: [*a, *b]`), as yaml.v3 supports
	 * them: merged values first, so the mapping's own keys override them. */
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE || !is_plain(k) || strcmp(scalar(k), "<<"))
			continue;
		if (!budget_ok(y, v))
			return;
		if (v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				yaml_node_t *m = yaml_document_get_node(y->doc, *it);
				if (m && budget_ok(y, m))
					walk_struct(y, m, d, base, path);
			}
		} else {
			walk_struct(y, v, d, base, path);
		}
	}
	uint64_t seen = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		if (!k || !v || !budget_ok(y, v))
			return;
		if (k->type == YAML_SCALAR_NODE && is_plain(k) && !strcmp(scalar(k), "<<"))
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			yerr(y, k, path && *path ? path : "(document)", "mapping keys must be strings");
			continue;
		}
		const char *key = scalar(k);
		/* Top-level "x-..." keys are ignored, as in Compose: a place to
		 * define anchors. Nothing of ours starts with "x-". */
		if ((!path || !*path) && d == &sg_config_root_desc && strncmp(key, "x-", 2) == 0)
			continue;
		path_join(kpath, path, key);
		size_t i;
		for (i = 0; i < d->nfields; i++)
			if (strcmp(d->fields[i].key, key) == 0)
				break;
		if (i == d->nfields) {
			yerr(y, k, kpath, "unknown key");
			continue;
		}
		if (i < 64 && (seen & (1ull << i))) {
			yerr(y, k, kpath, "duplicate key");
			continue;
		}
		if (i < 64)
			seen |= 1ull << i;
		struct sg_where w = where_of(y, v);
		sg_prov_set(y->c, kpath, &w);
		set_field(y, &d->fields[i], v, base, kpath);
	}
}

int sg_config_yaml_load(struct sg_config *c, const char *name, const char *buf, size_t len,
			const struct sg_struct_desc *desc, void *base, const char *base_path,
			struct sg_config_errors *errs)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	size_t before = errs->count + errs->dropped;
	if (!yaml_parser_initialize(&parser)) {
		sg_config_errorf(errs, "%s: yaml: cannot initialize parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		sg_config_errorf(errs, "%s:%zu:%zu: yaml: %s%s%s", name, parser.problem_mark.line + 1,
				 parser.problem_mark.column + 1, parser.problem ? parser.problem : "syntax error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	struct yctx y = { .c = c, .doc = &doc, .name = name, .errs = errs };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root)	/* NULL: empty document = nothing configured */
		walk_struct(&y, root, desc, base, base_path);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return errs->count + errs->dropped > before ? -1 : 0;
}
