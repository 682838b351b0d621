/* policy/config_internal.h — shared by the config_*.c files only.
 *
 * The loader is table-driven: config_schema.c describes every YAML mapping
 * as an array of struct sg_field (key, kind, offset). The YAML walker
 * (config_yaml.c) and the env overlay (config_env.c) both walk those
 * tables, so a field added to the schema is reachable from YAML and from
 * SOCKGUARD_* env at once, with the same value parser. */
#ifndef SG_POLICY_CONFIG_INTERNAL_H
#define SG_POLICY_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/config.h"

/* ---- pool: every byte the configuration owns ---------------------------- */

void *sg_cfg_alloc(struct sg_config *c, size_t n);		/* zeroed; aborts on OOM */
char *sg_cfg_strndup(struct sg_config *c, const char *s, size_t n);
char *sg_cfg_strdup(struct sg_config *c, const char *s);
/* Append one zeroed element to a (T *items; size_t count) list living at
 * `list`, growing by doubling inside the pool. Returns the new element. */
void *sg_cfg_list_push(struct sg_config *c, void *list, size_t elem_size);
void sg_cfg_pool_destroy(struct sg_config_pool *p);

/* (T *items; size_t count) seen generically. */
struct sg_any_list {
	void *items;
	size_t count;
};

/* Split "a, b,,c" on commas into a fresh list (trimmed, empties dropped). */
void sg_cfg_split_commas(struct sg_config *c, const char *s, struct sg_str_list *out);

/* ---- provenance: key path -> where it was set --------------------------- */

struct sg_where {
	enum sg_config_source src;
	const char *file;		/* SG_SRC_FILE: file name */
	const char *name;		/* SG_SRC_ENV: variable; SG_SRC_CLI: flag */
	int line, col;			/* 1-based, SG_SRC_FILE only */
};

void sg_prov_set(struct sg_config *c, const char *path, const struct sg_where *w);
/* Latest record for path (or the longest recorded prefix); default if none. */
struct sg_where sg_prov_get(const struct sg_config *c, const char *path);
/* "file:L:C", "env SOCKGUARD_X", "flag --x" or "config". */
void sg_where_format(const struct sg_where *w, char *buf, size_t cap);
void sg_prov_destroy(struct sg_config_prov *p);

/* "WHERE: path: reason" */
void sg_cfg_err_at(struct sg_config_errors *e, const struct sg_where *w, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same, with WHERE looked up from the provenance of `path`: sg_cfg_err_path()
 * in policy/config.h. */

/* ---- schema ------------------------------------------------------------- */

enum sg_fkind {
	SG_F_BOOL,		/* bool */
	SG_F_STR,		/* char * */
	SG_F_INT,		/* int */
	SG_F_I64,		/* int64_t */
	SG_F_DOUBLE,		/* double */
	SG_F_DUR,		/* int64_t nanoseconds */
	SG_F_DUR_MS32,		/* uint32_t milliseconds */
	SG_F_ENUM,		/* int-sized enum; aux = NULL-terminated names, index = value */
	SG_F_MODE,		/* uint32_t file mode: "0600" or 0600 */
	SG_F_STRLIST,		/* struct sg_str_list */
	SG_F_STRLISTLIST,	/* struct sg_str_list_list (YAML only) */
	SG_F_CIDRLIST,		/* struct sg_cidr_list */
	SG_F_U32LIST,		/* struct sg_u32_list */
	SG_F_I32LIST,		/* struct sg_i32_list */
	SG_F_PEMLIST,		/* struct sg_str_list from [{pem: ...}] (YAML only) */
	SG_F_STRUCT,		/* nested mapping; aux = struct sg_struct_desc */
	SG_F_LIST,		/* sequence of mappings; aux = struct sg_struct_desc (YAML only) */
	SG_F_RULES,		/* struct sg_rule_list (YAML only) */
	SG_F_I64_SET,		/* int64_t; aux = const size_t * offset of a bool set when given */
};

#define SG_FF_EMPTY_OK	0x1	/* duration: "" means 0 (off) */
#define SG_FF_PINS	0x2	/* strlist: SPKI pins, normalized at parse */
#define SG_FF_IPS	0x4	/* strlist: IP literals */
#define SG_FF_URIS	0x8	/* strlist: URIs (scheme:...) */
#define SG_FF_UPPER	0x10	/* strlist: HTTP methods, upper-cased */

struct sg_struct_desc;

struct sg_field {
	const char *key;
	enum sg_fkind kind;
	size_t off;
	const void *aux;
	unsigned flags;
};

struct sg_struct_desc {
	const struct sg_field *fields;
	size_t nfields;
	size_t size;			/* element size, for SG_F_LIST */
	long set_off;			/* offset of a `bool set` marked when present; -1 none */
	long line_off;			/* offset of `int line` for list elements; -1 none */
	long col_off;			/* offset of `int column`; -1 none */
	void (*init)(struct sg_config *c, void *elem);	/* list element defaults, or NULL */
};

extern const struct sg_struct_desc sg_config_root_desc;
extern const struct sg_struct_desc sg_inspect_settings_desc;

/* Parse one scalar text into a field (used by env, CLI and YAML scalars).
 * Returns 0, or -1 with a reason in why. */
int sg_field_set_text(struct sg_config *c, const struct sg_field *f, void *base, const char *text,
		      bool from_env, char *why, size_t whylen);

/* Check/normalize one string-list item per the field's flags (pins, IPs,
 * URIs, methods). Returns the stored string, or NULL with why set. */
const char *sg_strlist_item(struct sg_config *c, const struct sg_field *f, const char *item,
			    char *why, size_t whylen);

/* ---- stages ------------------------------------------------------------- */

void sg_config_defaults_into(struct sg_config *c);
void sg_config_default_rules(struct sg_config *c, struct sg_rule_list *out);
int sg_config_yaml_load(struct sg_config *c, const char *name, const char *buf, size_t len,
			const struct sg_struct_desc *desc, void *base, const char *base_path,
			struct sg_config_errors *errs);
void sg_config_env_apply(struct sg_config *c, char *const *envp, struct sg_config_errors *errs);
void sg_config_compat_apply(struct sg_config *c, char *const *envp, struct sg_config_errors *errs);
const char *sg_env_lookup(char *const *envp, const char *name);

/* Rule helpers shared by YAML, compat and validation. */
bool sg_method_token_ok(const char *m);
void sg_rule_push(struct sg_config *c, struct sg_rule_list *l, const char *method, const char *path,
		  enum sg_rule_action action, const char *reason);

/* Format a key path ("clients.profiles[3].limits.rate.burst") into a bounded
 * buffer. Truncation is acceptable (the path is only used in messages); this
 * wrapper says so once instead of at every call site. */
void sg_cfg_keyf(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
