/* policy/config_env.c — the SOCKGUARD_* environment overlay.
 *
 * Every schema field has an env name derived from its key path (prefix
 * SOCKGUARD_, dots to underscores, upper case), exactly as Viper derives it
 * in the Go original. Scalars use the Go parsers (strconv.ParseBool, Go
 * durations); lists are comma-separated. As with Viper, an empty variable
 * counts as unset. Nested list-of-struct fields (profiles, rules, ...) are
 * YAML-only in the spec; we additionally accept a one-line YAML/JSON flow
 * value for them (SOCKGUARD_RULES='[{match: {method: GET, path: /_ping},
 * action: allow}]'), parsed by the same strict YAML walker. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config_internal.h"

#define SG_ENV_NAME_MAX 160
#define SG_ENV_PATH_MAX 256

const char *sg_env_lookup(char *const *envp, const char *name)
{
	if (!envp)
		return NULL;
	size_t n = strlen(name);
	for (char *const *e = envp; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static bool yaml_only(enum sg_fkind k)
{
	return k == SG_F_LIST || k == SG_F_RULES || k == SG_F_STRLISTLIST || k == SG_F_PEMLIST;
}

/* Parse `value` as the YAML value of field f (flow style on one line). */
static void apply_yaml_value(struct sg_config *c, const struct sg_field *f, void *base, const char *parent,
			     const char *envname, const char *value, struct sg_config_errors *errs)
{
	if (strchr(value, '\n')) {
		struct sg_where w = { .src = SG_SRC_ENV, .name = envname };
		sg_cfg_err_at(errs, &w, f->key, "must be a one-line YAML/JSON flow value");
		return;
	}
	size_t klen = strlen(f->key), vlen = strlen(value);
	char *doc = malloc(klen + vlen + 4);
	if (!doc)
		return;
	memcpy(doc, f->key, klen);
	memcpy(doc + klen, ": ", 2);
	memcpy(doc + klen + 2, value, vlen + 1);
	struct sg_field one = *f;
	struct sg_struct_desc d = { &one, 1, 0, -1, -1, -1, NULL };
	char name[SG_ENV_NAME_MAX + 8];
	snprintf(name, sizeof(name), "env %s", envname);
	sg_config_yaml_load(c, sg_cfg_strdup(c, name), doc, klen + 2 + vlen, &d, base, parent, errs);
	free(doc);
}

static bool walk(struct sg_config *c, const struct sg_struct_desc *d, void *base, const char *envprefix,
		 const char *pathprefix, char *const *envp, struct sg_config_errors *errs)
{
	bool any = false;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct sg_field *f = &d->fields[i];
		char name[SG_ENV_NAME_MAX], path[SG_ENV_PATH_MAX];
		snprintf(name, sizeof(name), "%s_%s", envprefix, f->key);
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (*pathprefix)
			snprintf(path, sizeof(path), "%s.%s", pathprefix, f->key);
		else
			snprintf(path, sizeof(path), "%s", f->key);

		if (f->kind == SG_F_STRUCT) {
			any |= walk(c, f->aux, (char *)base + f->off, name, path, envp, errs);
			continue;
		}
		const char *value = sg_env_lookup(envp, name);
		if (!value || !*value)
			continue;
		struct sg_where w = { .src = SG_SRC_ENV, .name = sg_cfg_strdup(c, name) };
		sg_prov_set(c, path, &w);
		any = true;
		if (yaml_only(f->kind)) {
			apply_yaml_value(c, f, base, pathprefix, w.name, value, errs);
			if (f->kind == SG_F_RULES && base == (void *)c)
				c->rules_source = c->rules.count ? SG_SRC_ENV : SG_SRC_DEFAULT;
			continue;
		}
		char why[256];
		if (sg_field_set_text(c, f, base, value, true, why, sizeof(why)))
			sg_cfg_err_at(errs, &w, path, "%s", why);
	}
	if (any && d->set_off >= 0)
		*(bool *)((char *)base + d->set_off) = true;
	return any;
}

void sg_config_env_apply(struct sg_config *c, char *const *envp, struct sg_config_errors *errs)
{
	if (!envp)
		return;
	walk(c, &sg_config_root_desc, c, "SOCKGUARD", "", envp, errs);
}

/* ---- unknown SOCKGUARD_* variables (a warning, as in the original) ------ */

#define SG_ENV_KNOWN_MAX 512

struct known_names {
	char (*names)[SG_ENV_NAME_MAX];
	size_t count;
};

static void collect(const struct sg_struct_desc *d, const char *prefix, struct known_names *k)
{
	for (size_t i = 0; i < d->nfields; i++) {
		char name[SG_ENV_NAME_MAX];
		snprintf(name, sizeof(name), "%s_%s", prefix, d->fields[i].key);
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (d->fields[i].kind == SG_F_STRUCT)
			collect(d->fields[i].aux, name, k);
		else if (k->count < SG_ENV_KNOWN_MAX)
			memcpy(k->names[k->count++], name, sizeof(name));
	}
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 120 || lb > 120)
		return 99;
	size_t prev[128], cur[128];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

size_t sg_config_warn_unknown_env(char *const *envp, FILE *to)
{
	if (!envp)
		return 0;
	struct known_names k = { .names = malloc(sizeof(*k.names) * SG_ENV_KNOWN_MAX) };
	if (!k.names)
		return 0;
	collect(&sg_config_root_desc, "SOCKGUARD", &k);
	size_t unknown = 0;
	for (char *const *e = envp; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t n = eq ? (size_t)(eq - *e) : strlen(*e);
		if (n <= 10 || n >= SG_ENV_NAME_MAX || strncmp(*e, "SOCKGUARD_", 10) != 0)
			continue;
		char name[SG_ENV_NAME_MAX];
		memcpy(name, *e, n);
		name[n] = '\0';
		size_t best = (size_t)-1, best_d = 99;
		bool known = false;
		for (size_t i = 0; i < k.count && !known; i++) {
			if (!strcmp(k.names[i], name)) {
				known = true;
				break;
			}
			size_t d = edit_distance(name + 10, k.names[i] + 10);
			if (d < best_d) {
				best_d = d;
				best = i;
			}
		}
		if (known)
			continue;
		unknown++;
		/* Suggest only a likely typo: <= 2 edits and <= a quarter of the name. */
		if (best != (size_t)-1 && best_d <= 2 && best_d * 4 <= strlen(name + 10))
			fprintf(to, "warning: env %s is not a configuration key and is ignored (did you mean %s?)\n",
				name, k.names[best]);
		else
			fprintf(to, "warning: env %s is not a configuration key and is ignored\n", name);
	}
	free(k.names);
	return unknown;
}
