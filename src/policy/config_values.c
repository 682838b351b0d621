/* policy/config_values.c — scalar value parsers shared by YAML, env and CLI.
 *
 * They reproduce the Go parsers the original relies on (time.ParseDuration,
 * strconv.ParseBool, net.ParseCIDR, net.ParseIP) so a value accepted there
 * is accepted here and a value refused there is refused here. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "policy/config_internal.h"

int sg_parse_go_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Unit suffixes of time.ParseDuration, in nanoseconds. */
static int64_t duration_unit(const char *u, size_t n)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000LL }, { "m", 60000000000LL },
		{ "h", 3600000000000LL },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
			return units[i].ns;
	return 0;
}

int sg_parse_go_duration(const char *s, int64_t *out_ns)
{
	const char *p = s;
	bool neg = false;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (strcmp(p, "0") == 0) {
		*out_ns = 0;
		return 0;
	}
	if (*p == '\0')
		return -1;
	uint64_t total = 0;
	const uint64_t limit = (uint64_t)INT64_MAX + (neg ? 1 : 0);
	while (*p) {
		/* [0-9]*(\.[0-9]*)? then a unit; at least one digit overall. */
		uint64_t whole = 0;
		bool digits = false, overflow = false;
		while (*p >= '0' && *p <= '9') {
			if (whole > (UINT64_MAX - 9) / 10)
				overflow = true;
			whole = whole * 10 + (uint64_t)(*p - '0');
			digits = true;
			p++;
		}
		uint64_t frac = 0, scale = 1;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				if (scale < 1000000000000000000ULL) {	/* extra digits are dropped, as in Go */
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
				digits = true;
				p++;
			}
		}
		if (!digits || overflow)
			return -1;
		const char *u = p;
		while (*p && *p != '.' && !(*p >= '0' && *p <= '9'))
			p++;
		int64_t unit = duration_unit(u, (size_t)(p - u));
		if (unit == 0)
			return -1;	/* missing or unknown unit */
		if (whole > limit / (uint64_t)unit)
			return -1;
		uint64_t v = whole * (uint64_t)unit;
		/* frac/scale of a unit; unit <= 3.6e12 and frac < scale <= 1e18 */
		long double f = (long double)frac * (long double)unit / (long double)scale;
		v += (uint64_t)f;
		if (v > limit || total > limit - v)
			return -1;
		total += v;
	}
	*out_ns = neg ? (int64_t)(0 - total) : (int64_t)total;
	return 0;
}

bool sg_is_ip_literal(const char *s)
{
	unsigned char buf[16];
	if (!s || !*s)
		return false;
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int sg_parse_cidr(const char *s, struct sg_cidr *out)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || slash[1] == '\0')
		return -1;
	size_t alen = (size_t)(slash - s);
	char addr[64];
	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';

	/* Prefix: 1..3 decimal digits, no sign, no leading zeros (Go refuses "/08"). */
	const char *q = slash + 1;
	size_t qn = strlen(q);
	if (qn == 0 || qn > 3 || (qn > 1 && q[0] == '0'))
		return -1;
	unsigned prefix = 0;
	for (size_t i = 0; i < qn; i++) {
		if (!isdigit((unsigned char)q[i]))
			return -1;
		prefix = prefix * 10 + (unsigned)(q[i] - '0');
	}

	memset(out, 0, sizeof(*out));
	unsigned bits;
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = 4;
		bits = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = 6;
		bits = 128;
	} else {
		return -1;
	}
	if (prefix > bits)
		return -1;
	out->prefix = (uint8_t)prefix;
	/* Clear host bits so matching is a plain masked compare. */
	for (unsigned b = prefix; b < bits; b++)
		out->addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return 0;
}

/* RFC 9110 token characters. */
static bool tchar(unsigned char ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

bool sg_method_token_ok(const char *m)
{
	if (!m || !*m)
		return false;
	for (const unsigned char *p = (const unsigned char *)m; *p; p++)
		if (!tchar(*p))
			return false;
	return true;
}
