/* policy/config_load.c — the loading pipeline and the object's lifetime.
 *
 * defaults -> YAML -> SOCKGUARD_* env -> compat env -> (CLI) -> validate.
 * Every stage appends to the same error list and the pipeline keeps going,
 * so one run reports every problem; any error fails the load. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli.h"
#include "policy/config_internal.h"

static size_t err_total(const struct sg_config_errors *e) { return e->count + e->dropped; }

/* Facts inspectors need from outside request_body. */
static void link_settings(struct sg_config *c)
{
	c->request_body.owner_label_key = c->ownership.label_key;
	for (size_t i = 0; i < c->clients.profile_count; i++)
		c->clients.profiles[i].request_body.owner_label_key = c->ownership.label_key;
}

/* After YAML and env: an empty `rules:` means "use the defaults" (as in
 * the original); compat may then replace them. */
static void after_sources(struct sg_config *c, char *const *envp, struct sg_config_errors *errs)
{
	sg_config_env_apply(c, envp, errs);
	if (c->rules.count == 0) {
		sg_config_default_rules(c, &c->rules);
		c->rules_source = SG_SRC_DEFAULT;
	}
	sg_config_compat_apply(c, envp, errs);
	link_settings(c);
}

static int read_file(const char *path, bool explicit_path, char **out, size_t *len, bool *missing,
		     struct sg_config_errors *errs)
{
	*out = NULL;
	*len = 0;
	*missing = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !explicit_path) {
			*missing = true;
			return 0;
		}
		sg_config_errorf(errs, "%s: cannot open config file: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
		sg_config_errorf(errs, "%s: not a readable file", path);
		close(fd);
		return -1;
	}
	/* Read at most one byte past the cap, whatever st_size says (pipes,
	 * /dev/null and files growing under us included). */
	size_t cap = SG_CONFIG_MAX_FILE_BYTES + 1;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		sg_config_errorf(errs, "%s: out of memory", path);
		return -1;
	}
	size_t got = 0;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sg_config_errorf(errs, "%s: read error: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > SG_CONFIG_MAX_FILE_BYTES) {
		sg_config_errorf(errs, "%s: config file larger than %u bytes", path, SG_CONFIG_MAX_FILE_BYTES);
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

int sg_config_load_unvalidated(struct sg_config *c, const char *path, bool path_explicit,
			       char *const *envp, struct sg_config_errors *errs)
{
	size_t before = err_total(errs);
	sg_config_init_defaults(c);
	if (path && *path) {
		char *buf;
		size_t len;
		bool missing;
		c->path = sg_cfg_strdup(c, path);
		if (read_file(path, path_explicit, &buf, &len, &missing, errs) == 0 && !missing) {
			c->file_loaded = true;
			sg_config_yaml_load(c, c->path, buf, len, &sg_config_root_desc, c, "", errs);
		}
		free(buf);
	}
	after_sources(c, envp, errs);
	return err_total(errs) > before ? -1 : 0;
}

int sg_config_load(struct sg_config *c, const char *path, bool path_explicit, char *const *envp,
		   struct sg_config_errors *errs)
{
	size_t before = err_total(errs);
	sg_config_load_unvalidated(c, path, path_explicit, envp, errs);
	sg_config_validate(c, errs);
	return err_total(errs) > before ? -1 : 0;
}

int sg_config_load_buffer(struct sg_config *c, const char *name, const char *buf, size_t len,
			  char *const *envp, struct sg_config_errors *errs)
{
	size_t before = err_total(errs);
	sg_config_init_defaults(c);
	c->path = sg_cfg_strdup(c, name ? name : "<buffer>");
	if (len > SG_CONFIG_MAX_FILE_BYTES) {
		sg_config_errorf(errs, "%s: config larger than %u bytes", c->path, SG_CONFIG_MAX_FILE_BYTES);
	} else {
		c->file_loaded = true;
		sg_config_yaml_load(c, c->path, buf, len, &sg_config_root_desc, c, "", errs);
	}
	after_sources(c, envp, errs);
	sg_config_validate(c, errs);
	return err_total(errs) > before ? -1 : 0;
}

/* Resolve "a.b.c" to its field and the struct it lives in. */
static const struct sg_field *find_field(struct sg_config *c, const char *path, void **base_out)
{
	const struct sg_struct_desc *d = &sg_config_root_desc;
	void *base = c;
	char seg[64];
	while (*path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		const struct sg_field *f = NULL;
		for (size_t i = 0; i < d->nfields; i++)
			if (!strcmp(d->fields[i].key, seg))
				f = &d->fields[i];
		if (!f)
			return NULL;
		if (!dot) {
			*base_out = base;
			return f;
		}
		if (f->kind != SG_F_STRUCT)
			return NULL;
		base = (char *)base + f->off;
		d = f->aux;
		path = dot + 1;
	}
	return NULL;
}

int sg_config_apply_cli(struct sg_config *c, const struct sg_cli *cli, struct sg_config_errors *errs)
{
	const struct { const char *value, *flag, *path; } map[] = {
		{ cli->listen_socket, "--listen-socket", "listen.socket" },
		{ cli->listen_address, "--listen-address", "listen.address" },
		{ cli->upstream_socket, "--upstream-socket", "upstream.socket" },
		{ cli->log_level, "--log-level", "log.level" },
		{ cli->log_format, "--log-format", "log.format" },
		{ cli->deny_verbosity, "--deny-verbosity", "response.deny_verbosity" },
		{ cli->workers, "--workers", "workers" },
	};
	size_t before = err_total(errs);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!map[i].value)
			continue;
		void *base;
		const struct sg_field *f = find_field(c, map[i].path, &base);
		struct sg_where w = { .src = SG_SRC_CLI, .name = map[i].flag };
		char why[256];
		if (!f)
			continue;
		sg_prov_set(c, map[i].path, &w);
		if (sg_field_set_text(c, f, base, map[i].value, true, why, sizeof(why)))
			sg_cfg_err_at(errs, &w, map[i].path, "%s", why);
	}
	return err_total(errs) > before ? -1 : 0;
}

void sg_config_free(struct sg_config *c)
{
	if (!c)
		return;
	sg_prov_destroy(c->prov);
	sg_cfg_pool_destroy(c->pool);
	memset(c, 0, sizeof(*c));
}

size_t sg_config_rule_count(const struct sg_config *c) { return c->rules.count; }
size_t sg_config_profile_count(const struct sg_config *c) { return c->clients.profile_count; }

const struct sg_profile_cfg *sg_config_find_profile(const struct sg_config *c, const char *name)
{
	for (size_t i = 0; name && i < c->clients.profile_count; i++)
		if (c->clients.profiles[i].name && !strcmp(c->clients.profiles[i].name, name))
			return &c->clients.profiles[i];
	return NULL;
}
