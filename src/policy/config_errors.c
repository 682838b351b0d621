/* policy/config_errors.c — bounded error list and value provenance.
 *
 * Every message says where the offending value came from (HAProxy's
 * "parsing [file:line]" habit): the loader records, for each key path it
 * sets, the file/line/column or the env variable or the CLI flag. The
 * validator then reports a cross-field problem at the place the user has
 * to edit. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/config_internal.h"

struct sg_prov_entry {
	const char *path;
	struct sg_where where;
};

struct sg_config_prov {
	struct sg_prov_entry *items;
	size_t count;
};

void sg_config_errorf(struct sg_config_errors *errs, const char *fmt, ...)
{
	if (!errs)
		return;
	if (errs->count >= SG_CONFIG_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errs->msg[errs->count], SG_CONFIG_ERROR_LEN, fmt, ap);
	va_end(ap);
	errs->count++;
}

void sg_config_errors_print(const struct sg_config_errors *errs, FILE *to)
{
	for (size_t i = 0; i < errs->count; i++)
		fprintf(to, "%s\n", errs->msg[i]);
	if (errs->dropped)
		fprintf(to, "(%zu more errors not shown)\n", errs->dropped);
}

void sg_where_format(const struct sg_where *w, char *buf, size_t cap)
{
	switch (w->src) {
	case SG_SRC_FILE:
		snprintf(buf, cap, "%s:%d:%d", w->file ? w->file : "<config>", w->line, w->col);
		break;
	case SG_SRC_ENV:
	case SG_SRC_COMPAT:
		snprintf(buf, cap, "env %s", w->name ? w->name : "?");
		break;
	case SG_SRC_CLI:
		snprintf(buf, cap, "flag %s", w->name ? w->name : "?");
		break;
	default:
		snprintf(buf, cap, "config");
		break;
	}
}

void sg_prov_set(struct sg_config *c, const char *path, const struct sg_where *w)
{
	if (!c->prov)
		c->prov = sg_cfg_alloc(c, sizeof(*c->prov));
	struct sg_prov_entry *e = sg_cfg_list_push(c, c->prov, sizeof(*e));
	e->path = sg_cfg_strdup(c, path);
	e->where = *w;
}

static const struct sg_where *prov_find(const struct sg_config *c, const char *path, size_t n)
{
	if (!c->prov)
		return NULL;
	for (size_t i = c->prov->count; i-- > 0;) {
		const struct sg_prov_entry *e = &c->prov->items[i];
		if (strlen(e->path) == n && memcmp(e->path, path, n) == 0)
			return &e->where;
	}
	return NULL;
}

struct sg_where sg_prov_get(const struct sg_config *c, const char *path)
{
	/* Exact path first, then its parents ("a.b[2].c" -> "a.b[2]" -> "a.b"
	 * -> "a"), so an error on an unset child points at its block. */
	size_t n = strlen(path);
	while (n > 0) {
		const struct sg_where *w = prov_find(c, path, n);
		if (w)
			return *w;
		while (n > 0 && path[n - 1] != '.' && path[n - 1] != '[')
			n--;
		if (n > 0)
			n--;
	}
	return (struct sg_where){ .src = SG_SRC_DEFAULT };
}

void sg_prov_destroy(struct sg_config_prov *p)
{
	(void)p;	/* pool-owned */
}

__attribute__((format(printf, 4, 0)))
static void err_v(struct sg_config_errors *e, const struct sg_where *w, const char *path,
		  const char *fmt, va_list ap)
{
	char where[192], reason[SG_CONFIG_ERROR_LEN];
	sg_where_format(w, where, sizeof(where));
	vsnprintf(reason, sizeof(reason), fmt, ap);
	sg_config_errorf(e, "%s: %s: %s", where, path, reason);
}

void sg_cfg_err_at(struct sg_config_errors *e, const struct sg_where *w, const char *path,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_v(e, w, path, fmt, ap);
	va_end(ap);
}

void sg_cfg_err_path(const struct sg_config *c, struct sg_config_errors *e, const char *path,
		     const char *fmt, ...)
{
	struct sg_where w = sg_prov_get(c, path);
	va_list ap;
	va_start(ap, fmt);
	err_v(e, &w, path, fmt, ap);
	va_end(ap);
}

void sg_cfg_keyf(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	(void)n;	/* truncated key paths are fine: messages only */
}
