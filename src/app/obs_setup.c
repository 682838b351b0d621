/* app/obs_setup.c — see obs_setup.h. */
#include "app/obs_setup.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs/obs.h"

int sg_app_obs_start(struct sg_app_obs *a, char *err, size_t errcap)
{
	struct sg_obs_config c = {
		.log_level = a->log_level,
		.log_format = a->log_format,
		.log_output = a->log_output,
		.access_log = a->access_log,
		.audit_enabled = a->audit_enabled,
		.audit_format = a->audit_format,
		.audit_output = a->audit_output,
		.ownership_owner = a->owner,
		.ownership_label_key = a->label_key,
		.health_enabled = a->health_enabled,
		.watchdog_enabled = a->watchdog_enabled,
		.watchdog_interval_ms = a->watchdog_interval_ms,
		.upstream_socket = a->upstream_socket,
		.nworkers = a->nworkers,
		.build = { .version = SG_VERSION },
	};
	a->obs = calloc(1, sizeof(*a->obs));
	if (!a->obs) {
		snprintf(err, errcap, "observability: out of memory");
		return -ENOMEM;
	}
	int rc = sg_obs_init(a->obs, &c, err, errcap);
	if (rc) {
		free(a->obs);
		a->obs = NULL;
		return rc;
	}
	struct sg_obs_plane *p = &a->plane;
	memset(p, 0, sizeof(*p));
	p->obs = a->obs;
	p->health_path = a->health_enabled ? a->health_path : NULL;
	p->metrics_path = a->metrics_enabled ? a->metrics_path : NULL;
	p->nprofiles = a->nprofiles;
	for (unsigned i = 0; i < a->nprofiles && i < SG_OBS_PLANE_MAX_PROFILES; i++) {
		p->profile_mode[i] = a->profile_mode[i];
		unsigned id = sg_metrics_profile_id(&a->obs->metrics, a->profile_name[i]);
		p->profile_metric[i] = (uint8_t)(id < SG_METRICS_MAX_PROFILES ? id : 0);
	}
	/* the writer and watchdog threads must not take SIGTERM/SIGINT: the
	 * server waits for them with sigwait() */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = sg_obs_start(a->obs);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errcap, "observability: cannot start the log writer: %s", strerror(-rc));
		sg_obs_destroy(a->obs);
		free(a->obs);
		a->obs = NULL;
		return rc;
	}
	/* once per start, like the original: the acknowledgement stays visible */
	if (a->read_exfiltration_ack)
		sg_log_kv(SG_LOG_WARN,
			  "insecure_allow_read_exfiltration is set: allow rules may expose raw archive/export, "
			  "image tarball, log and attach streams",
			  "setting", "insecure_allow_read_exfiltration", NULL);
	return 0;
}

void sg_app_obs_stop(struct sg_app_obs *a)
{
	if (a->obs) {
		sg_obs_stop(a->obs);
		sg_obs_destroy(a->obs);
		free(a->obs);
		a->obs = NULL;
	}
	char **strs[] = { &a->log_level, &a->log_format, &a->log_output, &a->audit_format, &a->audit_output,
			  &a->owner, &a->label_key, &a->health_path, &a->metrics_path, &a->upstream_socket };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	for (unsigned i = 0; i < a->nprofiles && i < SG_OBS_PLANE_MAX_PROFILES; i++) {
		free(a->profile_name[i]);
		a->profile_name[i] = NULL;
	}
	a->nprofiles = 0;
}
