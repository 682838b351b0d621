/* policy/config_fields.c — set one schema field from a text value.
 *
 * The env overlay and the CLI hand us strings; YAML scalars come here too
 * once the YAML layer has checked the node's type. One parser per kind keeps
 * "what is a valid duration/CIDR/pin" in a single place. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config_internal.h"

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), -1)

static int parse_i64(const char *s, int64_t *out)
{
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* "0600", "0o600", "600" (octal digits) — the Go original keeps the mode as
 * the string an operator typed and only "0600" passes validation, so we
 * read every spelling as octal and let validation insist on 0600. */
static int parse_mode(const char *s, uint32_t *out)
{
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		s += 2;
	if (!*s || strlen(s) > 6)
		return -1;
	uint32_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		v = v * 8 + (uint32_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static bool uri_ok(const char *s, bool spiffe)
{
	if (spiffe)
		return strncmp(s, "spiffe://", 9) == 0 && s[9] && s[9] != '/' &&
		       !strpbrk(s, " \t\r\n\"<>\\^`{|}");
	if (!isalpha((unsigned char)s[0]))
		return false;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"<>\\^`{|}", *p))
			return false;
	return true;
}

/* Check (and normalize) one list item according to the field's flags.
 * Returns the pool string to store, or NULL with why set. */
const char *sg_strlist_item(struct sg_config *c, const struct sg_field *f, const char *item,
			    char *why, size_t whylen)
{
	if (f->flags & SG_FF_IPS) {
		if (!sg_is_ip_literal(item)) {
			snprintf(why, whylen, "invalid IP address %.64s", item);
			return NULL;
		}
	}
	if (f->flags & SG_FF_URIS) {
		bool spiffe = strcmp(f->key, "spiffe_ids") == 0;
		if (!uri_ok(item, spiffe)) {
			snprintf(why, whylen, "invalid %s %.64s", spiffe ? "SPIFFE ID" : "URI", item);
			return NULL;
		}
	}
	if (f->flags & SG_FF_PINS) {
		const char *h = item;
		if (strncmp(h, "sha256:", 7) == 0)
			h += 7;
		size_t n = strlen(h);
		bool ok = n == 64;
		for (size_t i = 0; ok && i < n; i++)
			ok = isxdigit((unsigned char)h[i]);
		if (!ok) {
			snprintf(why, whylen,
				 "invalid SHA-256 pin %.80s: want 64 hex characters (32 bytes), optionally prefixed with sha256:",
				 item);
			return NULL;
		}
		char *norm = sg_cfg_strndup(c, h, n);
		for (char *p = norm; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return norm;
	}
	if (f->flags & SG_FF_UPPER) {
		if (!*item) {
			snprintf(why, whylen, "must not contain empty strings");
			return NULL;
		}
		if (!sg_method_token_ok(item)) {
			snprintf(why, whylen, "invalid HTTP method %.64s", item);
			return NULL;
		}
		char *up = sg_cfg_strdup(c, item);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		return up;
	}
	return sg_cfg_strdup(c, item);
}

static int set_list_text(struct sg_config *c, const struct sg_field *f, void *dst, const char *text,
			 char *why, size_t whylen)
{
	struct sg_str_list parts;
	sg_cfg_split_commas(c, text, &parts);
	switch (f->kind) {
	case SG_F_STRLIST: {
		struct sg_str_list *l = dst;
		l->items = NULL;
		l->count = 0;
		for (size_t i = 0; i < parts.count; i++) {
			const char *v = sg_strlist_item(c, f, parts.items[i], why, whylen);
			if (!v)
				return -1;
			*(const char **)sg_cfg_list_push(c, l, sizeof(char *)) = v;
		}
		return 0;
	}
	case SG_F_CIDRLIST: {
		struct sg_cidr_list *l = dst;
		l->items = NULL;
		l->count = 0;
		for (size_t i = 0; i < parts.count; i++) {
			struct sg_cidr cidr;
			if (sg_parse_cidr(parts.items[i], &cidr))
				return WHY("invalid CIDR %.64s", parts.items[i]);
			*(struct sg_cidr *)sg_cfg_list_push(c, l, sizeof(cidr)) = cidr;
		}
		return 0;
	}
	case SG_F_U32LIST:
	case SG_F_I32LIST: {
		struct sg_any_list *l = dst;
		l->items = NULL;
		l->count = 0;
		for (size_t i = 0; i < parts.count; i++) {
			int64_t v;
			bool u = f->kind == SG_F_U32LIST;
			if (parse_i64(parts.items[i], &v) || v < (u ? 0 : 1) ||
			    v > (u ? (int64_t)UINT32_MAX : (int64_t)INT32_MAX))
				return WHY("invalid %s %.32s", u ? "id" : "pid", parts.items[i]);
			if (u)
				*(uint32_t *)sg_cfg_list_push(c, l, sizeof(uint32_t)) = (uint32_t)v;
			else
				*(int32_t *)sg_cfg_list_push(c, l, sizeof(int32_t)) = (int32_t)v;
		}
		return 0;
	}
	default:
		return WHY("cannot be set from a single value");
	}
}

int sg_field_set_text(struct sg_config *c, const struct sg_field *f, void *base, const char *text,
		      bool from_env, char *why, size_t whylen)
{
	void *dst = (char *)base + f->off;
	switch (f->kind) {
	case SG_F_BOOL: {
		bool v;
		if (sg_parse_go_bool(text, &v))
			return WHY("invalid boolean %.64s (want true or false)", text);
		*(bool *)dst = v;
		return 0;
	}
	case SG_F_STR:
		*(char **)dst = *text ? sg_cfg_strdup(c, text) : NULL;
		return 0;
	case SG_F_INT: {
		int64_t v;
		if (parse_i64(text, &v) || v < INT32_MIN || v > INT32_MAX)
			return WHY("invalid integer %.64s", text);
		*(int *)dst = (int)v;
		return 0;
	}
	case SG_F_I64:
	case SG_F_I64_SET: {
		int64_t v;
		if (parse_i64(text, &v))
			return WHY("invalid integer %.64s", text);
		*(int64_t *)dst = v;
		if (f->kind == SG_F_I64_SET)
			*(bool *)((char *)base + *(const size_t *)f->aux) = true;
		return 0;
	}
	case SG_F_DOUBLE: {
		double v;
		if (parse_double(text, &v))
			return WHY("invalid number %.64s", text);
		*(double *)dst = v;
		return 0;
	}
	case SG_F_DUR:
	case SG_F_DUR_MS32: {
		int64_t ns = 0;
		if (*text == '\0' && !(f->flags & SG_FF_EMPTY_OK))
			return WHY("empty duration (want a Go duration such as 250ms or 5s)");
		if (*text && sg_parse_go_duration(text, &ns))
			return WHY("invalid duration %.64s (want a Go duration such as 250ms or 5s)", text);
		if (f->kind == SG_F_DUR) {
			*(int64_t *)dst = ns;
			return 0;
		}
		if (ns <= 0)
			return WHY("must be a positive duration");
		int64_t ms = (ns + 999999) / 1000000;
		if (ms > (int64_t)UINT32_MAX)
			return WHY("duration too large");
		*(uint32_t *)dst = (uint32_t)ms;
		return 0;
	}
	case SG_F_ENUM: {
		const char *const *names = f->aux;
		for (int i = 0; names[i]; i++) {
			if (strcmp(names[i], text) == 0) {
				*(int *)dst = i;
				return 0;
			}
		}
		char list[128] = "";
		for (int i = 0; names[i]; i++) {
			if (i)
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		}
		return WHY("invalid value %.64s (want one of: %s)", text, list);
	}
	case SG_F_MODE: {
		uint32_t m;
		if (parse_mode(text, &m))
			return WHY("invalid file mode %.32s (want 0600)", text);
		*(uint32_t *)dst = m;
		return 0;
	}
	case SG_F_STRLIST:
	case SG_F_CIDRLIST:
	case SG_F_U32LIST:
	case SG_F_I32LIST:
		return set_list_text(c, f, dst, text, why, whylen);
	default:
		(void)from_env;
		return WHY("cannot be set from a single value; configure it in YAML");
	}
}
