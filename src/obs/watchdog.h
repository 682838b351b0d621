/* obs/watchdog.h — active upstream socket monitor (health.watchdog.*).
 *
 * A thread that every `interval` connects to the upstream unix socket,
 * sends `GET /_ping`, and waits (bounded by `timeout`) for a 2xx status
 * line. The result goes to the shared health word (obs/health.h), to the
 * metrics (sockguard_upstream_watchdog_checks_total{result},
 * sockguard_upstream_socket_up) and, on a change of state, to the
 * operational log:
 *   INFO "upstream socket reachable"   upstream_socket=...
 *   WARN "upstream socket unreachable" upstream_socket=... error=...
 * The first check runs synchronously in sg_watchdog_start(), so /health
 * is never "unknown" once the proxy accepts connections. */
#ifndef SG_OBS_WATCHDOG_H
#define SG_OBS_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "obs/health.h"

struct sg_metrics;

struct sg_watchdog {
	char socket_path[108];
	unsigned interval_ms;
	unsigned timeout_ms;
	struct sg_health *health;
	struct sg_metrics *metrics;	/* NULL: no metrics */
	bool log_transitions;
	bool dial_only;			/* connect only, send nothing (the quiet health refresher) */
	int stop_efd;
	bool running;
	pthread_t thread;
	uint64_t checks;		/* atomic; for tests */
};

/* One probe, on the calling thread. Returns CONNECTED or UNREACHABLE and
 * sets *err / *code (see enum sg_health_err). Bounded by timeout_ms. */
enum sg_upstream_state sg_watchdog_probe(const char *socket_path, unsigned timeout_ms,
					 enum sg_health_err *err, int *code);

/* Connect only (the Go original's dial check): nothing reaches the
 * upstream's request log. Same results as sg_watchdog_probe(). */
enum sg_upstream_state sg_watchdog_dial(const char *socket_path, unsigned timeout_ms,
					enum sg_health_err *err, int *code);

/* Probe once and publish (health, metrics, transition log). */
enum sg_upstream_state sg_watchdog_check(struct sg_watchdog *w);

/* interval_ms: health.watchdog.interval (default 5000); timeout_ms: 0 ->
 * min(interval, 3000). 0 or -errno. */
int sg_watchdog_init(struct sg_watchdog *w, const char *socket_path, unsigned interval_ms,
		     unsigned timeout_ms, struct sg_health *health, struct sg_metrics *metrics);
int sg_watchdog_start(struct sg_watchdog *w);
void sg_watchdog_stop(struct sg_watchdog *w);

#endif
