/* app/obs_setup.h — observability start-up for `serve`, kept apart from the
 * configuration types (policy/config_types.h and obs/log.h both name their
 * log enums sg_log_*): cmd_serve.c fills struct sg_app_obs from the loaded
 * configuration, obs_setup.c turns it into struct sg_obs_config and the
 * data plane's struct sg_obs_plane. */
#ifndef SG_APP_OBS_SETUP_H
#define SG_APP_OBS_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring/obs_hooks.h"

struct sg_app_obs {
	/* from the configuration; the strings are owned (strdup) */
	char *log_level;		/* "debug" | "info" | "warn" | "error" */
	char *log_format;		/* "json" | "text" */
	char *log_output;
	bool access_log;
	bool audit_enabled;
	char *audit_format, *audit_output;
	char *owner, *label_key;
	bool health_enabled;
	char *health_path;
	bool watchdog_enabled;
	unsigned watchdog_interval_ms;
	bool metrics_enabled;
	char *metrics_path;
	char *upstream_socket;
	bool read_exfiltration_ack;	/* insecure_allow_read_exfiltration: warned once at start */
	unsigned nworkers;
	unsigned nprofiles;		/* clients.profiles, configuration order */
	char *profile_name[SG_OBS_PLANE_MAX_PROFILES];
	uint8_t profile_mode[SG_OBS_PLANE_MAX_PROFILES];

	/* state */
	struct sg_obs *obs;
	struct sg_obs_plane plane;
};

/* sg_obs_init + sg_obs_start (writer thread, first watchdog probe). On error
 * returns -errno with a sentence naming the configuration key in err. */
int sg_app_obs_start(struct sg_app_obs *a, char *err, size_t errcap);
/* After the workers stopped: flush every ring, stop threads, free. Safe on
 * a struct that was never started. */
void sg_app_obs_stop(struct sg_app_obs *a);

#endif
