/* app/cmd_serve.c — `sockguard serve`: configuration -> policy -> data plane.
 *
 * Order matters and every step fails closed: load (defaults, YAML, env,
 * compat), apply CLI flags, validate, compile the policy (start-up guards
 * included). Any error is printed with its file/line/key and the process
 * exits 1 before a single socket is opened, so a half-configured proxy never
 * starts. The compiled policy is published through the RCU slot, then the
 * server runs until SIGTERM/SIGINT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/obs_setup.h"
#include "policy/compile.h"
#include "policy/config.h"
#include "policy/publish.h"
#include "ring/server.h"

extern char **environ;

/* The listener/upstream strings outlive the configuration, which moves into
 * the policy (and will be replaced by reloads): copy what the server keeps. */
struct serve_strings {
	char *listen_socket, *listen_address, *upstream_socket;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static unsigned ms_from_ns(int64_t ns, unsigned fallback)
{
	if (ns <= 0)
		return fallback;
	int64_t ms = ns / 1000000;
	return ms > 0 && ms < (int64_t)UINT32_MAX ? (unsigned)ms : fallback;
}

static void server_opts_from_config(const struct sg_config *cfg, struct serve_strings *keep,
				    struct sg_server_opts *o)
{
	memset(o, 0, sizeof(*o));
	keep->listen_socket = dup_or_null(cfg->listen.socket);
	/* listen.socket switches the listener to unix; otherwise TCP on
	 * listen.address (default 127.0.0.1:2375). */
	keep->listen_address = cfg->listen.socket ? NULL : dup_or_null(cfg->listen.address);
	keep->upstream_socket = dup_or_null(cfg->upstream.socket);
	o->listen_socket = keep->listen_socket;
	o->listen_socket_mode = cfg->listen.socket_mode ? cfg->listen.socket_mode : 0600;
	o->listen_address = keep->listen_address;
	/* Validation already refused a non-loopback plaintext address unless
	 * both acknowledgements are set. */
	o->allow_insecure_tcp = cfg->listen.insecure_allow_plain_tcp &&
				cfg->listen.insecure_allow_unauthenticated_clients;
	o->upstream_socket = keep->upstream_socket;

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o->workers = cfg->workers > 0 ? (unsigned)cfg->workers : (unsigned)(cpus > 0 ? cpus : 1);
	o->head_timeout_ms = ms_from_ns(cfg->server.header_read_timeout_ns, 0);
	o->idle_timeout_ms = ms_from_ns(cfg->server.idle_timeout_ns, 0);
	if (cfg->server.max_connections > 0) {
		int64_t per = (cfg->server.max_connections + o->workers - 1) / o->workers;
		o->max_conns_per_worker = per > 0 && per < 1000000 ? (unsigned)per : 0;
	}
	sg_server_opts_defaults(o);
}

/* log.*, health.*, metrics.*, ownership.*, upstream.socket, profiles: what
 * observability keeps (copied: the configuration moves into the policy). */
static void obs_from_config(const struct sg_config *cfg, unsigned nworkers, struct sg_app_obs *a)
{
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	memset(a, 0, sizeof(*a));
	a->log_level = strdup((unsigned)cfg->log.level < 4 ? levels[cfg->log.level] : "info");
	a->log_format = strdup(cfg->log.format == SG_LOG_FORMAT_TEXT ? "text" : "json");
	a->log_output = dup_or_null(cfg->log.output);
	a->access_log = cfg->log.access_log;
	a->read_exfiltration_ack = cfg->insecure_allow_read_exfiltration;
	a->audit_enabled = cfg->log.audit.enabled;
	a->audit_format = strdup(cfg->log.audit.format == SG_LOG_FORMAT_TEXT ? "text" : "json");
	a->audit_output = dup_or_null(cfg->log.audit.output);
	a->owner = dup_or_null(cfg->ownership.owner);
	a->label_key = dup_or_null(cfg->ownership.label_key);
	a->health_enabled = cfg->health.enabled;
	a->health_path = strdup(cfg->health.path ? cfg->health.path : "/health");
	a->watchdog_enabled = cfg->health.watchdog.enabled;
	a->watchdog_interval_ms = ms_from_ns(cfg->health.watchdog.interval_ns, 5000);
	a->metrics_enabled = cfg->metrics.enabled;
	a->metrics_path = strdup(cfg->metrics.path ? cfg->metrics.path : "/metrics");
	a->upstream_socket = dup_or_null(cfg->upstream.socket);
	a->nworkers = nworkers;
	for (size_t i = 0; i < cfg->clients.profile_count && i < SG_OBS_PLANE_MAX_PROFILES; i++) {
		a->profile_name[i] = dup_or_null(cfg->clients.profiles[i].name);
		a->profile_mode[i] = (uint8_t)cfg->clients.profiles[i].mode;	/* enforce/warn/audit = 0/1/2 */
		a->nprofiles = (unsigned)i + 1;
	}
}

int sg_cmd_serve(const struct sg_cli *cli)
{
	struct sg_config cfg;
	struct sg_config_errors errs = { 0 };
	if (sg_config_load_unvalidated(&cfg, cli->config_path, cli->config_explicit, environ, &errs) != 0 ||
	    sg_config_apply_cli(&cfg, cli, &errs) != 0 || sg_config_validate(&cfg, &errs) != 0) {
		sg_config_errors_print(&errs, stderr);
		fprintf(stderr, "sockguard: configuration invalid; not starting\n");
		sg_config_free(&cfg);
		return 1;
	}

	struct serve_strings keep;
	struct sg_server_opts opts;
	server_opts_from_config(&cfg, &keep, &opts);
	struct sg_app_obs obs;
	obs_from_config(&cfg, opts.workers, &obs);

	struct sg_policy *policy = sg_policy_compile_owned(&cfg, &errs);
	if (!policy) {
		sg_config_errors_print(&errs, stderr);
		fprintf(stderr, "sockguard: policy rejected; not starting\n");
		sg_config_free(&cfg);
		sg_app_obs_stop(&obs);
		free(keep.listen_socket);
		free(keep.listen_address);
		free(keep.upstream_socket);
		return 1;
	}
	sg_policy_publish(policy);

	/* sinks, rings, metrics, the writer thread and the first watchdog
	 * probe, before a single worker runs */
	char err[512];
	int rc;
	if (sg_app_obs_start(&obs, err, sizeof(err)) != 0) {
		fprintf(stderr, "sockguard: %s; not starting\n", err);
		rc = 1;
	} else {
		opts.obs = &obs.plane;
		rc = sg_server_run(&opts);
	}
	sg_app_obs_stop(&obs);	/* workers are gone: drains every ring */

	sg_policy_publish(NULL);	/* workers are gone: frees the last policy */
	free(keep.listen_socket);
	free(keep.listen_address);
	free(keep.upstream_socket);
	return rc;
}
