/* inspect/inspectors.h — internal: one entry point per inspector file, and
 * the small helpers they share. Not for use outside src/inspect/ and its
 * tests. */
#ifndef SG_INSPECT_INSPECTORS_H
#define SG_INSPECT_INSPECTORS_H

#include "inspect/inspect.h"

typedef void sg_inspector_fn(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			     sg_slice body, struct sg_arena *scratch, struct sg_inspect_result *out);

sg_inspector_fn sg_inspect_container_create;
sg_inspector_fn sg_inspect_exec_create;
sg_inspector_fn sg_inspect_exec_start;
sg_inspector_fn sg_inspect_image_pull;
sg_inspector_fn sg_inspect_build;
sg_inspector_fn sg_inspect_volume_create;
sg_inspector_fn sg_inspect_network_create;
sg_inspector_fn sg_inspect_network_connect;
sg_inspector_fn sg_inspect_network_disconnect;
sg_inspector_fn sg_inspect_secret_create;
sg_inspector_fn sg_inspect_config_create;
sg_inspector_fn sg_inspect_container_update;
sg_inspector_fn sg_inspect_swarm_init;
sg_inspector_fn sg_inspect_swarm_join;
sg_inspector_fn sg_inspect_swarm_update;
sg_inspector_fn sg_inspect_swarm_unlock;
sg_inspector_fn sg_inspect_node_update;
sg_inspector_fn sg_inspect_container_archive;
sg_inspector_fn sg_inspect_service_create;
sg_inspector_fn sg_inspect_service_update;
sg_inspector_fn sg_inspect_plugin_pull;
sg_inspector_fn sg_inspect_plugin_upgrade;
sg_inspector_fn sg_inspect_plugin_set;
sg_inspector_fn sg_inspect_image_load;

sg_inspector_fn sg_inspect_plugin_create;

/* Plugin privilege policy ("network" host, "mount" source, "capabilities"...),
 * one value at a time; sets *knob to the knob that would allow it. */
bool sg_plugin_privilege_ok(const struct sg_plugin_settings *ps, sg_slice name, sg_slice value,
			    struct sg_arena *a, const char **knob);

/* After an inspector ran: if `scratch` refused an allocation since
 * `failed_before` (its `failed` count then), replace the verdict with the
 * fail-closed 413 request_body.too_large deny. */
void sg_inspect_scratch_check(const struct sg_arena *scratch, size_t failed_before,
			      struct sg_inspect_result *out);

/* Verdict helpers: knob and reason must be static strings. */
static inline void sg_inspect_allow(struct sg_inspect_result *out)
{
	out->status = 0;
	out->knob = NULL;
	out->reason = NULL;
}

static inline void sg_inspect_deny(struct sg_inspect_result *out, uint16_t status, const char *knob,
				   const char *reason)
{
	out->status = status;
	out->knob = knob;
	out->reason = reason;
}

/* A deny has already been recorded. */
static inline bool sg_inspect_denied(const struct sg_inspect_result *out) { return out->status != 0; }

#endif
