/* policy/decide.c — sg_policy_decide() and sg_policy_inspect().
 *
 * Head phase, in the Go middleware's order: pre-auth CIDR gate (always
 * enforced) -> profile selection (an unresolvable profile is an identity
 * failure: always enforced) -> first matching rule -> inspector selection.
 * A profile in warn/audit mode turns its denials into ALLOW + would_deny.
 * Nothing here allocates: the query-only inspectors run on a small arena
 * over a stack buffer. */
#include <netinet/in.h>
#include <string.h>

#include "inspect/inspect.h"
#include "policy/policy.h"
#include "policy/policy_types.h"

#define SG_EXEC_START_BODY_LIMIT (64u << 10)	/* exec start body ({"Detach","Tty","ConsoleSize"}), forwarded as is */	/* arena for query-only inspectors in the head phase */

static const char no_match_reason[] = "no matching allow rule";

/* ---- identity ----------------------------------------------------------- */

/* The peer address as raw bytes; IPv4-mapped IPv6 counts as IPv4. */
static bool peer_addr(const struct sg_client_identity *c, uint8_t *family, uint8_t addr[16])
{
	if (!c || !c->has_addr)
		return false;
	if (c->addr.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&c->addr;
		memcpy(addr, &a->sin_addr, 4);
		*family = 4;
		return true;
	}
	if (c->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&c->addr;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a->sin6_addr.s6_addr, mapped, 12) == 0) {
			memcpy(addr, a->sin6_addr.s6_addr + 12, 4);
			*family = 4;
		} else {
			memcpy(addr, a->sin6_addr.s6_addr, 16);
			*family = 6;
		}
		return true;
	}
	return false;
}

static bool cidr_contains(const struct sg_cidr *c, uint8_t family, const uint8_t *addr)
{
	if (c->family != family)
		return false;
	unsigned bits = c->prefix, i = 0;
	for (; bits >= 8; bits -= 8, i++)
		if (c->addr[i] != addr[i])
			return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - bits));
	return (c->addr[i] & mask) == (addr[i] & mask);
}

static bool cidr_list_contains(const struct sg_cidr_list *l, uint8_t family, const uint8_t *addr)
{
	for (size_t i = 0; i < l->count; i++)
		if (cidr_contains(&l->items[i], family, addr))
			return true;
	return false;
}

static bool u32_in(const struct sg_u32_list *l, uint32_t v)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i] == v)
			return true;
	return false;
}

static bool i32_in(const struct sg_i32_list *l, int32_t v)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i] == v)
			return true;
	return false;
}

/* Selector fields are ANDed, entries inside one field ORed; an assignment
 * with no selector at all matches nobody. */
static bool unix_peer_matches(const struct sg_unix_peer_profile_cfg *a, const struct sg_client_identity *c)
{
	if (!c->has_peercred || (a->uids.count == 0 && a->gids.count == 0 && a->pids.count == 0))
		return false;
	return (a->uids.count == 0 || u32_in(&a->uids, c->uid)) &&
	       (a->gids.count == 0 || u32_in(&a->gids, c->gid)) &&
	       (a->pids.count == 0 || i32_in(&a->pids, c->pid));
}

/* Which profile slot serves this client: specific assignments in config
 * order, then clients.default_profile, then the root rules. */
static int32_t select_slot(const struct sg_policy *p, const struct sg_client_identity *c)
{
	const struct sg_clients_cfg *cl = &p->cfg->clients;
	if (c && c->transport == SG_TRANSPORT_UNIX) {
		for (size_t i = 0; i < cl->unix_peer_profile_count; i++)
			if (unix_peer_matches(&cl->unix_peer_profiles[i], c))
				return p->unix_peer_slots[i];
	}
	uint8_t fam, addr[16];
	if (c && c->transport != SG_TRANSPORT_UNIX && peer_addr(c, &fam, addr)) {
		for (size_t i = 0; i < cl->source_ip_profile_count; i++)
			if (cidr_list_contains(&cl->source_ip_profiles[i].cidrs, fam, addr))
				return p->source_ip_slots[i];
	}
	return p->default_slot;
}

static const struct sg_policy_profile *slot_profile(const struct sg_policy *p, int32_t slot)
{
	if (slot >= 0 && (size_t)slot < p->profile_count)
		return &p->profiles[slot];
	return &p->root;
}

/* ---- verdict helpers ---------------------------------------------------- */

static void deny(struct sg_verdict *v, uint16_t status, enum sg_reason reason)
{
	v->kind = SG_VERDICT_DENY;
	v->status = status;
	v->reason = reason;
}

/* warn/audit: the request is served, the denial is only recorded. */
static void apply_mode(const struct sg_policy_profile *prof, struct sg_verdict *v)
{
	if (v->kind != SG_VERDICT_DENY || prof->mode == SG_MODE_ENFORCE)
		return;
	v->kind = SG_VERDICT_ALLOW;
	v->would_deny = true;
}

/* Map an inspector result onto the verdict (fail closed on anything odd). */
static void apply_inspect_result(const struct sg_inspect_result *r, struct sg_verdict *v)
{
	if (r->status == 0) {
		v->kind = SG_VERDICT_ALLOW;
		return;
	}
	v->knob = r->knob;
	v->detail = r->reason;
	if (r->status == 413)
		deny(v, 413, SG_REASON_BODY_TOO_LARGE);
	else if (r->status == 400)
		deny(v, 403, SG_REASON_BODY_INSPECTION_FAILED);
	else
		deny(v, 403, SG_REASON_BODY_POLICY_DENIED);
}

static void run_inspector(const struct sg_policy_profile *prof, const struct sg_request_view *req,
			  enum sg_inspector_id id, sg_slice body, struct sg_arena *scratch, struct sg_verdict *v)
{
	struct sg_inspect_request ir = { req->method, req->path, req->query, req->content_type };
	struct sg_inspect_result r = { 0 };
	sg_inspect_run(id, prof->request_body, &ir, body, scratch, &r);
	apply_inspect_result(&r, v);
}

static void decide_fixed(const struct sg_policy *p, struct sg_verdict *out)
{
	if (p->allow_all) {
		out->kind = SG_VERDICT_ALLOW;
		out->reason = SG_REASON_MATCHED_ALLOW_RULE;
		out->rule_index = 0;
	} else {
		deny(out, 403, SG_REASON_NO_MATCHING_ALLOW_RULE);
		out->rule_reason = no_match_reason;
	}
}

/* ---- the two phases ----------------------------------------------------- */

void sg_policy_decide(const struct sg_policy *p, const struct sg_request_view *req, struct sg_verdict *out)
{
	*out = (struct sg_verdict){ .rule_index = -1, .profile_index = SG_PROFILE_ROOT };
	if (!p) {
		deny(out, 403, SG_REASON_NO_MATCHING_ALLOW_RULE);
		out->rule_reason = no_match_reason;
		return;
	}
	out->deny_verbose = p->deny_verbose;
	if (p->fixed) {
		decide_fixed(p, out);
		return;
	}
	const struct sg_client_identity *c = req->client;

	/* Pre-auth gate: before any profile exists, so never relaxed by mode. */
	const struct sg_cidr_list *allowed = &p->cfg->clients.allowed_cidrs;
	if (c && c->transport != SG_TRANSPORT_UNIX && allowed->count) {
		uint8_t fam, addr[16];
		if (!peer_addr(c, &fam, addr) || !cidr_list_contains(allowed, fam, addr)) {
			deny(out, 403, SG_REASON_CLIENT_CIDR_DENIED);
			return;
		}
	}

	int32_t slot = select_slot(p, c);
	if (slot == SG_PROFILE_UNRESOLVED) {
		deny(out, 403, SG_REASON_CLIENT_PROFILE_UNRESOLVED);
		return;
	}
	const struct sg_policy_profile *prof = slot_profile(p, slot);
	out->profile_index = slot;
	out->profile = prof->name;

	struct sg_match_result m;
	sg_matcher_match(prof->rules, req->method, req->path, &m);
	out->rule_index = m.index;
	out->rule_reason = m.reason;
	if (m.index < 0) {
		out->rule_reason = no_match_reason;
		deny(out, 403, SG_REASON_NO_MATCHING_ALLOW_RULE);
	} else if (m.action == SG_RULE_DENY) {
		/* The Go middleware classifies by the reason text. */
		bool default_text = m.reason && strcmp(m.reason, no_match_reason) == 0;
		deny(out, 403, default_text ? SG_REASON_NO_MATCHING_ALLOW_RULE : SG_REASON_MATCHED_DENY_RULE);
	} else {
		out->kind = SG_VERDICT_ALLOW;
		out->reason = SG_REASON_MATCHED_ALLOW_RULE;
	}
	if (out->kind == SG_VERDICT_DENY) {
		apply_mode(prof, out);
		return;
	}

	struct sg_inspect_target t;
	if (!sg_inspect_select(req->method, req->path, &t) || t.id == SG_INSPECT_NONE)
		return;
	if (t.id == SG_INSPECT_EXEC_START && sg_inspect_exec_start_needs_metadata(prof->request_body)) {
		/* the command is in dockerd, not in the body: the data plane
		 * fetches it (sg_policy_inspect_exec) before the start is sent */
		out->kind = SG_VERDICT_INSPECT;
		out->inspector = (uint32_t)t.id;
		out->body_limit = SG_EXEC_START_BODY_LIMIT;
		out->exec_lookup = true;
		return;
	}
	if (t.needs_body) {
		out->kind = SG_VERDICT_INSPECT;
		out->inspector = (uint32_t)t.id;
		out->body_limit = t.body_limit;
		return;
	}
	/* Query-only inspector: decide now; any body streams through. */
	/* The verdict's detail may point into this scratch: it must outlive
	 * this call (see sg_request_view.head_scratch). */
	static _Thread_local _Alignas(16) char thread_scratch[SG_POLICY_HEAD_SCRATCH];
	struct sg_arena scratch = { .base = req->head_scratch ? req->head_scratch : thread_scratch,
				    .cap = SG_POLICY_HEAD_SCRATCH };
	run_inspector(prof, req, t.id, SG_SLICE_NULL, &scratch, out);
	if (out->kind == SG_VERDICT_ALLOW)
		out->reason = SG_REASON_MATCHED_ALLOW_RULE;
	apply_mode(prof, out);
}

void sg_policy_inspect(const struct sg_policy *p, const struct sg_request_view *req, sg_slice body,
		       struct sg_arena *scratch, struct sg_verdict *v)
{
	if (v->kind != SG_VERDICT_INSPECT)
		return;
	if (!p || p->fixed || v->inspector == SG_INSPECT_NONE || v->inspector >= SG_INSPECT_COUNT) {
		deny(v, 403, SG_REASON_BODY_INSPECTION_FAILED);
		return;
	}
	const struct sg_policy_profile *prof = slot_profile(p, v->profile_index);
	if (body.len > v->body_limit) {
		/* Never forwarded: nothing was buffered past the limit. */
		deny(v, 413, SG_REASON_BODY_TOO_LARGE);
		return;
	}
	run_inspector(prof, req, (enum sg_inspector_id)v->inspector, body, scratch, v);
	if (v->kind == SG_VERDICT_DENY && v->status != 413)
		apply_mode(prof, v);
}

const struct sg_inspect_settings *sg_policy_inspect_settings(const struct sg_policy *p, const struct sg_verdict *v)
{
	if (!p || p->fixed || v->kind != SG_VERDICT_INSPECT)
		return NULL;
	return slot_profile(p, v->profile_index)->request_body;
}

void sg_policy_inspect_result(const struct sg_policy *p, const struct sg_inspect_result *r, struct sg_verdict *v)
{
	if (v->kind != SG_VERDICT_INSPECT)
		return;
	if (!p || p->fixed) {
		deny(v, 403, SG_REASON_BODY_INSPECTION_FAILED);
		return;
	}
	apply_inspect_result(r, v);
	if (v->kind == SG_VERDICT_DENY && v->status != 413)
		apply_mode(slot_profile(p, v->profile_index), v);
}

void sg_policy_inspect_exec(const struct sg_policy *p, const struct sg_request_view *req,
			    enum sg_exec_lookup_outcome outcome, sg_slice exec_json,
			    struct sg_arena *scratch, struct sg_verdict *v)
{
	(void)req;
	if (v->kind != SG_VERDICT_INSPECT)
		return;
	if (!p || p->fixed || !v->exec_lookup) {
		deny(v, 403, SG_REASON_BODY_INSPECTION_FAILED);
		return;
	}
	const struct sg_policy_profile *prof = slot_profile(p, v->profile_index);
	struct sg_inspect_result r = { 0 };
	switch (outcome) {
	case SG_EXEC_LOOKUP_NOT_FOUND:
		v->kind = SG_VERDICT_ALLOW;
		return;
	case SG_EXEC_LOOKUP_FOUND:
		sg_inspect_exec_metadata(prof->request_body, exec_json, scratch, &r);
		if (r.status == 0 || (r.status == 403 && !(r.knob && strncmp(r.knob, "request_body.", 13) == 0))) {
			apply_inspect_result(&r, v);
			break;
		}
		/* dockerd's answer did not decode (request_body.* knobs, 400, 413):
		 * a failed lookup, as Go's decode error is, not a bad request body */
		/* fallthrough */
	case SG_EXEC_LOOKUP_FAILED:
	default:
		v->knob = "exec.start_lookup";
		v->detail = "unable to inspect exec request body";	/* the Go original's words */
		deny(v, 403, SG_REASON_BODY_INSPECTION_FAILED);
		break;
	}
	apply_mode(prof, v);
}
