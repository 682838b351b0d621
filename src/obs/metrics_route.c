/* obs/metrics_route.c — Docker API path -> route template (see metrics_route.h).
 *
 * id = family << 8 | sub, where sub is:
 *   0            "/family" (or "/family/..." for the catch-all families)
 *   1..15        "/family/<static[sub-1]>"
 *   16           "/family/{id}"    ("/plugins/{name}")
 *   17 + verb    "/family/{id}/<verb>"  ("/swarm/<verb>", "/plugins/{name}/<verb>") */
#include "obs/metrics_route.h"

#include <string.h>

enum shape {
	SHAPE_SINGLE,		/* "/_ping": anything below folds into it */
	SHAPE_WITH_ID,		/* statics, then {id}, then {id}/verb */
	SHAPE_KNOWN_PREFIX,	/* swarm: "/swarm/<seg1>" */
	SHAPE_PLUGINS,		/* statics, {name}, {name}/<seg2> */
	SHAPE_CATCH_ALL,	/* "/<seg0>/..." */
};

struct family {
	const char *name;
	enum shape shape;
	const char *statics[6];
};

#define FAM_UNKNOWN 0		/* empty path -> "unknown" */
#define FAM_ROOT 1		/* "/" */
#define FAM_OTHER 2		/* unknown first segment -> "/{other}/..." */
#define FAM_FIRST_NAMED 3

static const struct family families[] = {
	[FAM_UNKNOWN] = { "unknown", SHAPE_SINGLE, { 0 } },
	[FAM_ROOT] = { "", SHAPE_SINGLE, { 0 } },
	[FAM_OTHER] = { "{other}", SHAPE_CATCH_ALL, { 0 } },
	{ "_ping", SHAPE_SINGLE, { 0 } },
	{ "version", SHAPE_SINGLE, { 0 } },
	{ "events", SHAPE_SINGLE, { 0 } },
	{ "info", SHAPE_SINGLE, { 0 } },
	{ "build", SHAPE_SINGLE, { 0 } },
	{ "system", SHAPE_WITH_ID, { "df" } },
	{ "containers", SHAPE_WITH_ID, { "json", "create", "prune" } },
	{ "exec", SHAPE_WITH_ID, { 0 } },
	{ "images", SHAPE_WITH_ID, { "json", "create", "load", "prune", "search" } },
	{ "volumes", SHAPE_WITH_ID, { "create" } },
	{ "networks", SHAPE_WITH_ID, { "create" } },
	{ "secrets", SHAPE_WITH_ID, { "create" } },
	{ "configs", SHAPE_WITH_ID, { "create" } },
	{ "services", SHAPE_WITH_ID, { "create" } },
	{ "swarm", SHAPE_KNOWN_PREFIX, { 0 } },
	{ "nodes", SHAPE_WITH_ID, { 0 } },
	{ "plugins", SHAPE_PLUGINS, { "pull", "create", "privileges" } },
	/* Docker API roots the original folds with its default "/x/..." case. */
	{ "tasks", SHAPE_CATCH_ALL, { 0 } },
	{ "auth", SHAPE_CATCH_ALL, { 0 } },
	{ "commit", SHAPE_CATCH_ALL, { 0 } },
	{ "session", SHAPE_CATCH_ALL, { 0 } },
	{ "distribution", SHAPE_CATCH_ALL, { 0 } },
	{ "grpc", SHAPE_CATCH_ALL, { 0 } },
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* Action segments the Docker Engine API uses; anything else is "{action}". */
static const char *const verbs[] = {
	"{action}", "json", "start", "stop", "restart", "kill", "wait", "logs", "attach",
	"ws", "exec", "top", "changes", "export", "stats", "resize", "pause", "unpause",
	"rename", "update", "archive", "history", "push", "tag", "get", "prune", "create",
	"remove", "enable", "disable", "upgrade", "set", "pull", "privileges", "init",
	"join", "leave", "unlock", "unlockkey", "connect", "disconnect", "df", "checkpoints",
	"inspect", "load", "search", "build", "delete", "events", "info", "version",
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))
#define SUB_ID 16
#define SUB_VERB 17

static bool seg_eq(sg_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

static unsigned verb_index(sg_slice s)
{
	for (unsigned i = 1; i < NVERBS; i++)
		if (seg_eq(s, verbs[i]))
			return i;
	return 0;
}

/* Split into at most `max` segments, skipping empty ones (Go trims and
 * splits on '/'; a cleaned path has no empty inner segments). Returns the
 * total number of segments, which may exceed max; the last one found is
 * kept in *last. */
static unsigned split(sg_slice p, sg_slice *seg, unsigned max, sg_slice *last)
{
	unsigned n = 0;
	size_t i = 0;
	while (i < p.len) {
		while (i < p.len && p.ptr[i] == '/')
			i++;
		size_t start = i;
		while (i < p.len && p.ptr[i] != '/')
			i++;
		if (i > start) {
			sg_slice s = sg_slice_make(p.ptr + start, i - start);
			if (n < max)
				seg[n] = s;
			*last = s;
			n++;
		}
	}
	return n;
}

static bool is_version_segment(sg_slice s)
{
	if (s.len < 2 || s.ptr[0] != 'v')
		return false;
	for (size_t i = 1; i < s.len; i++)
		if ((s.ptr[i] < '0' || s.ptr[i] > '9') && s.ptr[i] != '.')
			return false;
	return true;
}

static uint16_t make_id(unsigned fam, unsigned sub)
{
	return (uint16_t)(fam << 8 | sub);
}

uint16_t sg_metrics_route(sg_slice path)
{
	/* trim spaces, as the original does */
	while (path.len && (path.ptr[0] == ' ' || path.ptr[0] == '\t'))
		path = sg_slice_make(path.ptr + 1, path.len - 1);
	while (path.len && (path.ptr[path.len - 1] == ' ' || path.ptr[path.len - 1] == '\t'))
		path.len--;
	if (path.len == 0)
		return make_id(FAM_UNKNOWN, 0);
	sg_slice seg[4], last = SG_SLICE_NULL;
	unsigned n = split(path, seg, 4, &last);
	unsigned off = 0;
	if (n > 0 && is_version_segment(seg[0]))
		off = 1;
	if (n - off == 0)
		return make_id(FAM_ROOT, 0);
	sg_slice s0 = seg[off];
	unsigned fam = FAM_OTHER;
	for (unsigned f = FAM_FIRST_NAMED; f < NFAMILIES; f++)
		if (seg_eq(s0, families[f].name)) {
			fam = f;
			break;
		}
	const struct family *F = &families[fam];
	unsigned count = n - off;	/* segments after the version prefix */
	sg_slice s1 = count > 1 && off + 1 < 4 ? seg[off + 1] : SG_SLICE_NULL;
	sg_slice s2 = count > 2 && off + 2 < 4 ? seg[off + 2] : SG_SLICE_NULL;

	switch (F->shape) {
	case SHAPE_SINGLE:
	case SHAPE_CATCH_ALL:
		return make_id(fam, 0);
	case SHAPE_KNOWN_PREFIX:
		if (count == 1)
			return make_id(fam, 0);
		return make_id(fam, SUB_VERB + verb_index(s1));
	case SHAPE_PLUGINS:
	case SHAPE_WITH_ID:
		if (count == 1)
			return make_id(fam, 0);
		for (unsigned i = 0; i < 6 && F->statics[i]; i++)
			if (seg_eq(s1, F->statics[i]))
				return make_id(fam, 1 + i);
		if (count == 2)
			return make_id(fam, SUB_ID);
		/* plugins: the third segment; {id} families: the last one,
		 * because image names contain slashes. */
		return make_id(fam, SUB_VERB + verb_index(F->shape == SHAPE_PLUGINS ? s2 : last));
	}
	return make_id(FAM_OTHER, 0);
}

void sg_metrics_route_name(uint16_t id, struct sg_obuf *b)
{
	unsigned fam = id >> 8, sub = id & 0xff;
	if (fam >= NFAMILIES) {
		sg_obuf_puts(b, "unknown");
		return;
	}
	const struct family *F = &families[fam];
	if (fam == FAM_UNKNOWN) {
		sg_obuf_puts(b, "unknown");
		return;
	}
	sg_obuf_putc(b, '/');
	sg_obuf_puts(b, F->name);
	if (F->shape == SHAPE_CATCH_ALL) {
		sg_obuf_puts(b, "/...");
		return;
	}
	if (sub == 0)
		return;
	sg_obuf_putc(b, '/');
	if (sub < SUB_ID) {
		sg_obuf_puts(b, F->statics[sub - 1]);
		return;
	}
	if (F->shape != SHAPE_KNOWN_PREFIX)
		sg_obuf_puts(b, F->shape == SHAPE_PLUGINS ? "{name}" : "{id}");
	if (sub == SUB_ID)
		return;
	unsigned v = sub - SUB_VERB;
	if (F->shape != SHAPE_KNOWN_PREFIX)
		sg_obuf_putc(b, '/');
	sg_obuf_puts(b, v < NVERBS ? verbs[v] : verbs[0]);
}
