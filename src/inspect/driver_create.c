/* inspect/driver_create.c — POST /secrets/create and POST /configs/create.
 *
 * Both bodies carry Driver (a secret/config store plugin: needs
 * allow_custom_drivers) and Templating {Name} (a template driver: needs
 * allow_template_drivers); the Go original also reads a legacy top-level
 * TemplateDriver, which we check too. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

struct dc_kind {
	const char *drivers_knob;
	const char *template_knob;
};

static void dc_inspect(const struct sg_driver_create_settings *ds, const struct dc_kind *k, sg_slice body,
		       struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, driver, templating;
	bool has_driver, has_templating;
	sg_slice name = { "", 0 }, tname = { "", 0 }, legacy;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_obj(root, "Driver", &driver, &has_driver, out) ||
	    !sg_jf_obj(root, "Templating", &templating, &has_templating, out) ||
	    !sg_jf_str(root, "TemplateDriver", &legacy, out))
		return;
	if (has_driver && !sg_jf_str(driver, "Name", &name, out))
		return;
	if (has_templating && !sg_jf_str(templating, "Name", &tname, out))
		return;
	if (sg_trim(name).len > 0 && !ds->allow_custom_drivers) {
		sg_inspect_deny(out, 403, k->drivers_knob, "custom drivers are not allowed");
		return;
	}
	if ((sg_trim(tname).len > 0 || sg_trim(legacy).len > 0) && !ds->allow_template_drivers)
		sg_inspect_deny(out, 403, k->template_knob, "template drivers are not allowed");
}

void sg_inspect_secret_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			      sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	static const struct dc_kind k = { "secret.allow_custom_drivers", "secret.allow_template_drivers" };
	dc_inspect(&s->secret, &k, body, a, out);
}

void sg_inspect_config_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			      sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	static const struct dc_kind k = { "config.allow_custom_drivers", "config.allow_template_drivers" };
	dc_inspect(&s->config, &k, body, a, out);
}
