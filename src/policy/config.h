/* policy/config.h — load, override, validate and free the configuration.
 *
 * Precedence (spec 002): CLI flags > SOCKGUARD_* env > YAML file > defaults.
 * Tecnativa/LinuxServer env vars (CONTAINERS=1, POST=1, ...) generate the rule
 * list only when no `rules:` were configured (YAML or env).
 *
 * Every loader entry point collects ALL errors into struct sg_config_errors
 * (bounded) instead of stopping at the first, and returns -1 if there was
 * any. Each message names where the value came from, the key path and the
 * reason: "sockguard.yaml:12:7: listen.socket_mode: must be 0600".
 *
 * Typical start-up:
 *     struct sg_config cfg;
 *     struct sg_config_errors errs = {0};
 *     int bad = sg_config_load_unvalidated(&cfg, path, explicit, environ, &errs);
 *     bad |= sg_config_apply_cli(&cfg, &cli, &errs);	// all three run: every error is reported
 *     bad |= sg_config_validate(&cfg, &errs);
 *     if (bad) { sg_config_errors_print(&errs, stderr); sg_config_free(&cfg); exit(1); }
 *
 * sg_config_load() is the same without the CLI step (it validates). */
#ifndef SG_POLICY_CONFIG_H
#define SG_POLICY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "policy/config_types.h"

struct sg_cli;

/* Inputs larger than this are refused (a config is a few KiB). */
#define SG_CONFIG_MAX_FILE_BYTES (4u << 20)

/* Built-in defaults (including the default rule set). Allocates the pool;
 * pair with sg_config_free(). Aborts the process only if malloc fails. */
void sg_config_init_defaults(struct sg_config *c);

/* defaults -> YAML (if the file exists; missing is an error only when
 * path_explicit) -> SOCKGUARD_* env from envp -> compat env -> validation.
 * envp may be NULL (no environment). Returns 0, or -1 with errs filled.
 * *c is always initialized and must be freed with sg_config_free(). */
int sg_config_load(struct sg_config *c, const char *path, bool path_explicit,
		   char *const *envp, struct sg_config_errors *errs);

/* Same as sg_config_load() without the final validation step, so CLI
 * overrides can be applied before validating. */
int sg_config_load_unvalidated(struct sg_config *c, const char *path, bool path_explicit,
			       char *const *envp, struct sg_config_errors *errs);

/* From memory: `name` is used in messages in place of a file name. The
 * buffer need not be NUL-terminated. Runs env + compat + validation like
 * sg_config_load(). This is what the admin endpoint and the fuzzer call. */
int sg_config_load_buffer(struct sg_config *c, const char *name, const char *buf, size_t len,
			  char *const *envp, struct sg_config_errors *errs);

/* CLI overrides (--listen-socket, --listen-address, --upstream-socket,
 * --log-level, --log-format, --deny-verbosity, --workers). Values are
 * parsed with the same rules as env values; bad ones are errors naming the
 * flag. Call before sg_config_validate(). */
int sg_config_apply_cli(struct sg_config *c, const struct sg_cli *cli, struct sg_config_errors *errs);

/* Cross-field validation of a loaded configuration (the "Validation"
 * bullets of spec 002 plus listener safety). Appends to errs. */
int sg_config_validate(struct sg_config *c, struct sg_config_errors *errs);

/* Release everything the configuration owns; *c is zeroed. Safe twice. */
void sg_config_free(struct sg_config *c);

/* Print a warning for each SOCKGUARD_* variable in envp that is not a
 * configuration key (with a did-you-mean for likely typos). The values are
 * never printed. Returns how many there were. Not an error, as in Go. */
size_t sg_config_warn_unknown_env(char *const *envp, FILE *to);

/* Counts for summaries: root rules, named profiles. */
size_t sg_config_rule_count(const struct sg_config *c);
size_t sg_config_profile_count(const struct sg_config *c);

/* Look up a profile by name; NULL when absent. */
const struct sg_profile_cfg *sg_config_find_profile(const struct sg_config *c, const char *name);

/* Errors: append one formatted message (truncated to fit), print all. */
void sg_config_errorf(struct sg_config_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sg_config_errors_print(const struct sg_config_errors *errs, FILE *to);
/* Append "WHERE: key: reason", WHERE being where `key` (or its nearest
 * configured parent) came from: "file:line:col", "env VAR", "flag --x", or
 * "config" for built-in defaults. The shape of every configuration error;
 * the rule compiler uses it to point at the offending rule. */
void sg_cfg_err_path(const struct sg_config *c, struct sg_config_errors *e, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Names for logs and `validate` output (log levels: obs/log.h). */
const char *sg_profile_mode_name(enum sg_profile_mode m);
const char *sg_priority_name(enum sg_priority p);

/* Value parsers shared by YAML, env and CLI (exposed for tests).
 * Go duration syntax ("250ms", "1h2m3s", "-1.5s", "0"); 0 or -1 on error. */
int sg_parse_go_duration(const char *s, int64_t *out_ns);
/* Go strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False. */
int sg_parse_go_bool(const char *s, bool *out);
/* "10.0.0.0/8", "::1/128". Like Go's net.ParseCIDR, host bits are
 * accepted (and cleared here); the prefix is mandatory. */
int sg_parse_cidr(const char *s, struct sg_cidr *out);
/* Plain IPv4/IPv6 literal (no zone, no brackets). */
bool sg_is_ip_literal(const char *s);

#endif
