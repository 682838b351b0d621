/* inspect/exec.c — POST /containers/{id}/exec and POST /exec/{id}/start.
 *
 * Create: {"Cmd": [...] | "string", "Privileged": bool, "User": "..."}.
 * dockerd decodes Cmd as a strslice: an array of strings, or one string that
 * becomes a ONE-element argv (it is not split on spaces), and we do the same.
 * Privileged and root-user exec are denied unless allowed, always; the argv
 * allowlist applies when request_body.exec.allowed_commands is non-empty
 * (with it empty, the policy's blind-write validation decides whether exec
 * rules may exist at all).
 *
 * An empty User means "the container's configured user"; like the Go
 * original we do not treat it as root (a container configured to run as
 * root is governed at create time by require_non_root_user).
 *
 * Start: the body carries nothing to judge. The command that will run is
 * Docker's stored exec metadata (GET /exec/{id}/json), which the data plane
 * must fetch and pass to sg_inspect_exec_metadata(); sg_inspect_run() for
 * EXEC_START therefore allows when no allowlist is configured and denies
 * (fail closed) when one is. */
#include "inspect/argv_glob.h"
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

#define SG_EXEC_MAX_ARGV 256

struct exec_facts {
	sg_slice argv[SG_EXEC_MAX_ARGV];
	size_t argc;
	bool privileged;
	sg_slice user;
};

/* Is argv matched, token for token, by one allowlisted template? */
static bool exec_argv_allowed(const struct sg_exec_settings *es, const struct exec_facts *f, struct sg_arena *a)
{
	for (size_t i = 0; i < es->allowed_commands.count; i++) {
		const struct sg_str_list *tpl = &es->allowed_commands.items[i];
		if (tpl->count == 0 || tpl->count != f->argc)
			continue;
		size_t k = 0;
		while (k < f->argc && sg_argv_glob_match(sg_slice_cstr(tpl->items[k]), f->argv[k], a))
			k++;
		if (k == f->argc)
			return true;
	}
	return false;
}

static void exec_judge(const struct sg_exec_settings *es, const struct exec_facts *f, struct sg_arena *a,
		       struct sg_inspect_result *out)
{
	sg_inspect_allow(out);
	if (f->privileged && !es->allow_privileged) {
		sg_inspect_deny(out, 403, "exec.allow_privileged", "privileged exec is not allowed");
		return;
	}
	if (!es->allow_root_user && sg_user_is_root(f->user)) {
		sg_inspect_deny(out, 403, "exec.allow_root_user", "root exec user is not allowed");
		return;
	}
	if (es->allowed_commands.count == 0)
		return;
	if (f->argc == 0) {
		sg_inspect_deny(out, 403, "exec.allowed_commands", "exec command is missing or empty");
		return;
	}
	if (!exec_argv_allowed(es, f, a))
		sg_inspect_denyf(out, a, 403, "exec.allowed_commands", "exec command is not allowlisted",
				 "exec command \"%.*s\"%s is not allowlisted",
				 (int)(f->argv[0].len > 128 ? 128 : f->argv[0].len), f->argv[0].ptr,
				 f->argc > 1 ? " ..." : "");
}

/* Append the strings of array `arr` (null elements are "") to f->argv. */
static bool exec_collect_argv(sg_json arr, struct exec_facts *f, struct sg_inspect_result *out)
{
	struct sg_json_it it;
	sg_json e;

	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e)) {
		if (f->argc == SG_EXEC_MAX_ARGV) {
			sg_inspect_deny(out, 403, "exec.allowed_commands", "exec command has too many arguments");
			return false;
		}
		if (!sg_jv_str(e, &f->argv[f->argc++], out))
			return false;
	}
	return true;
}

static bool exec_read_cmd(sg_json root, struct exec_facts *f, struct sg_inspect_result *out)
{
	sg_json cmd;
	enum sg_json_err e = sg_json_get(root, "Cmd", &cmd);

	f->argc = 0;
	if (e == SG_JSON_ENOTFOUND)
		return true;
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return false;
	}
	switch (sg_json_type_of(cmd)) {
	case SG_JSON_NULL:
		return true;
	case SG_JSON_STRING:
		sg_json_string(cmd, &f->argv[0]);
		f->argc = 1;
		return true;
	case SG_JSON_ARRAY:
		return exec_collect_argv(cmd, f, out);
	default:
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
}

void sg_inspect_exec_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			    sg_slice body, struct sg_arena *scratch, struct sg_inspect_result *out)
{
	struct exec_facts *f = sg_arena_calloc(scratch, sizeof(*f));
	sg_json root;

	sg_inspect_allow(out);
	if (!f) {
		sg_jdeny(SG_JSON_ENOMEM, out);
		return;
	}
	if (!sg_jparse_object(body, scratch, &root, out) || !exec_read_cmd(root, f, out) ||
	    !sg_jf_bool(root, "Privileged", &f->privileged, out) || !sg_jf_str(root, "User", &f->user, out))
		return;
	exec_judge(&s->exec, f, scratch, out);
}

void sg_inspect_exec_start(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *scratch, struct sg_inspect_result *out)
{
	sg_inspect_allow(out);
	if (s->exec.allowed_commands.count == 0)
		return;
	sg_inspect_deny(out, 403, "exec.allowed_commands",
			"exec start needs a re-check against the stored exec metadata, which is not available; denied");
}

bool sg_inspect_exec_start_needs_metadata(const struct sg_inspect_settings *s)
{
	return s->exec.allowed_commands.count > 0;
}

/* GET /exec/{id}/json: ProcessConfig {entrypoint, arguments[], privileged, user}. */
static void exec_metadata(const struct sg_inspect_settings *s, sg_slice exec_inspect_json,
			  struct sg_arena *scratch, struct sg_inspect_result *out)
{
	struct exec_facts *f = sg_arena_calloc(scratch, sizeof(*f));
	sg_json root, pc, args;
	bool present;
	sg_slice entry;

	sg_inspect_allow(out);
	if (!f) {
		sg_jdeny(SG_JSON_ENOMEM, out);
		return;
	}
	if (!sg_jparse_object(exec_inspect_json, scratch, &root, out) ||
	    !sg_jf_obj(root, "ProcessConfig", &pc, &present, out))
		return;
	if (!present) {
		sg_inspect_deny(out, 403, "exec.allowed_commands", "exec metadata has no ProcessConfig");
		return;
	}
	if (!sg_jf_str(pc, "entrypoint", &entry, out) || !sg_jf_bool(pc, "privileged", &f->privileged, out) ||
	    !sg_jf_str(pc, "user", &f->user, out) || !sg_jf_arr(pc, "arguments", &args, &present, out))
		return;
	if (entry.len > 0)
		f->argv[f->argc++] = entry;
	if (present && !exec_collect_argv(args, f, out))
		return;
	exec_judge(&s->exec, f, scratch, out);
}

void sg_inspect_exec_metadata(const struct sg_inspect_settings *s, sg_slice exec_inspect_json,
			      struct sg_arena *scratch, struct sg_inspect_result *out)
{
	size_t failed = scratch->failed;
	exec_metadata(s, exec_inspect_json, scratch, out);
	sg_inspect_scratch_check(scratch, failed, out);
}
