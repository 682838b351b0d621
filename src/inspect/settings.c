/* inspect/settings.c — spec defaults for request_body: (see settings.h). */
#include "inspect/settings.h"

#include <string.h>

void sg_inspect_settings_defaults(struct sg_inspect_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->image_pull.allow_official = true;
	s->image_load.allow_official = true;
	s->service.allow_official = true;
	s->plugin.allow_official = true;
	s->container_create.image_trust.mode = SG_IMAGE_TRUST_OFF;
	s->container_create.image_trust.verify_timeout_ms = 10000;
}
