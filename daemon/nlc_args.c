// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlc_args.h"
#include "qword.h"
#include "strbuf.h"

/* --- numbers ------------------------------------------------------------------ */

static int parse_ull(const char *s, unsigned long long max, unsigned long long *v)
{
	unsigned long long n;
	int base = 10;
	char *end;

	if (!s || !*s || !isxdigit((unsigned char)s[0]))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -1;
	}
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || end == s || n > max)
		return -1;
	*v = n;
	return 0;
}

int nlc_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;

	if (parse_ull(s, UINT32_MAX, &n))
		return -1;
	*v = (uint32_t)n;
	return 0;
}

int nlc_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;

	if (parse_ull(s, UINT64_MAX, &n))
		return -1;
	*v = n;
	return 0;
}

int nlc_parse_s32(const char *s, int32_t *v)
{
	unsigned long long n;

	if (s && s[0] == '-') {
		if (parse_ull(s + 1, (unsigned long long)INT32_MAX + 1, &n))
			return -1;
		*v = (int32_t)(-(long long)n);
		return 0;
	}
	if (parse_ull(s, INT32_MAX, &n))
		return -1;
	*v = (int32_t)n;
	return 0;
}

/* --- names --------------------------------------------------------------------- */

/* Case-insensitive, with '-' and '_' equal; a is n bytes, b a string. */
static bool name_eq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++, b++) {
		char x = a[i] == '-' ? '_' : (char)tolower((unsigned char)a[i]);
		char y = *b == '-' ? '_' : (char)tolower((unsigned char)*b);

		if (!*b || x != y)
			return false;
	}
	return *b == '\0';
}

static const struct {
	const char *name;
	uint32_t bit;
} export_flag_names[] = {
	/* the enum names, lowercased; then the exports(5) words
	 * (nlc_export_flag_words) */
	{ "readonly", NLCACHE_EXPORT_FLAGS_READONLY },
	{ "insecure_port", NLCACHE_EXPORT_FLAGS_INSECURE_PORT },
	{ "rootsquash", NLCACHE_EXPORT_FLAGS_ROOTSQUASH },
	{ "allsquash", NLCACHE_EXPORT_FLAGS_ALLSQUASH },
	{ "async", NLCACHE_EXPORT_FLAGS_ASYNC },
	{ "gathered_writes", NLCACHE_EXPORT_FLAGS_GATHERED_WRITES },
	{ "noreaddirplus", NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS },
	{ "security_label", NLCACHE_EXPORT_FLAGS_SECURITY_LABEL },
	{ "sign_fh", NLCACHE_EXPORT_FLAGS_SIGN_FH },
	{ "nohide", NLCACHE_EXPORT_FLAGS_NOHIDE },
	{ "nosubtreecheck", NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK },
	{ "noauthnlm", NLCACHE_EXPORT_FLAGS_NOAUTHNLM },
	{ "msnfs", NLCACHE_EXPORT_FLAGS_MSNFS },
	{ "fsid", NLCACHE_EXPORT_FLAGS_FSID },
	{ "crossmount", NLCACHE_EXPORT_FLAGS_CROSSMOUNT },
	{ "noacl", NLCACHE_EXPORT_FLAGS_NOACL },
	{ "v4root", NLCACHE_EXPORT_FLAGS_V4ROOT },
	{ "pnfs", NLCACHE_EXPORT_FLAGS_PNFS },
};

/* Apply flag name @word (@n bytes) to *@v. Returns 0, or -1 if unknown. */
static int export_flag_word(const char *word, size_t n, uint32_t *v)
{
	size_t i;

	for (i = 0; i < sizeof(export_flag_names) / sizeof(export_flag_names[0]); i++)
		if (name_eq(word, n, export_flag_names[i].name)) {
			*v |= export_flag_names[i].bit;
			return 0;
		}
	for (i = 0; i < nlc_nexport_flag_words; i++)
		if (name_eq(word, n, nlc_export_flag_words[i].name)) {
			if (nlc_export_flag_words[i].set)
				*v |= nlc_export_flag_words[i].mask;
			else
				*v &= ~nlc_export_flag_words[i].mask;
			return 0;
		}
	return -1;
}

int nlc_parse_export_flags(const char *s, uint32_t *flags, char *err, size_t errlen)
{
	uint32_t v = 0, num;
	char word[32];
	size_t n;

	if (!s || !*s) {
		nlc_seterr(err, errlen, "empty export flags");
		return -1;
	}
	while (*s) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(word)) {
			nlc_seterr(err, errlen, "bad export flag '%.*s'", (int)n, s);
			return -1;
		}
		memcpy(word, s, n);
		word[n] = '\0';
		if (isdigit((unsigned char)word[0])) {
			if (nlc_parse_u32(word, &num)) {
				nlc_seterr(err, errlen, "bad export flags number '%s'", word);
				return -1;
			}
			v = num;
		} else {
			if (export_flag_word(word, n, &v)) {
				nlc_seterr(err, errlen, "unknown export flag '%s'", word);
				return -1;
			}
		}
		s += n;
		if (*s == ',') {
			s++;
			if (!*s) {
				nlc_seterr(err, errlen, "trailing ',' in export flags");
				return -1;
			}
		}
	}
	*flags = v;
	return 0;
}

int nlc_parse_flavor(const char *s, uint32_t *flavor)
{
	size_t i;

	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)s[0]))
		return nlc_parse_u32(s, flavor);
	for (i = 0; i < nlc_nflavor_names; i++)
		if (name_eq(s, strlen(s), nlc_flavor_names[i].name)) {
			*flavor = nlc_flavor_names[i].flavor;
			return 0;
		}
	return -1;
}

int nlc_parse_xprtsec(const char *s, uint32_t *mode)
{
	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)s[0]))
		return nlc_parse_u32(s, mode);
	if (name_eq(s, strlen(s), "none"))
		*mode = NLCACHE_XPRTSEC_MODE_NONE;
	else if (name_eq(s, strlen(s), "tls"))
		*mode = NLCACHE_XPRTSEC_MODE_TLS;
	else if (name_eq(s, strlen(s), "mtls"))
		*mode = NLCACHE_XPRTSEC_MODE_MTLS;
	else
		return -1;
	return 0;
}

/* --- hex ----------------------------------------------------------------------- */

int nlc_parse_hex(const char *s, bool sep, unsigned char *buf, size_t size)
{
	size_t n = 0;
	int hi, lo;

	if (!s)
		return -1;
	if ((s[0] == '\\' && s[1] == 'x') || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		s += 2;
	while (*s) {
		if (sep && (*s == '-' || *s == ':') && n) {
			s++;
			continue;
		}
		hi = nlc_hexval(s[0]);
		lo = hi < 0 ? -1 : nlc_hexval(s[1]);
		if (hi < 0 || lo < 0 || n >= size)
			return -1;
		buf[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return n > INT_MAX ? -1 : (int)n;
}

int nlc_parse_fsid(uint32_t fsidtype, const char *hex, bool raw,
		   unsigned char *buf, size_t size, char *err, size_t errlen)
{
	int len = nlc_parse_hex(hex, false, buf, size), want;

	if (len < 0) {
		nlc_seterr(err, errlen, "bad fsid '%s' (hex bytes, optionally after \\x)", hex);
		return -1;
	}
	if (raw)
		return len;
	want = nlc_fsid_len(fsidtype);
	if (want < 0) {
		nlc_seterr(err, errlen, "unknown fsid type %" PRIu32 " (0-7; --raw sends it anyway)",
		       fsidtype);
		return -1;
	}
	if (len != want) {
		nlc_seterr(err, errlen,
		       "fsid type %" PRIu32 " takes %d bytes, not %d (--raw sends it anyway)",
		       fsidtype, want, len);
		return -1;
	}
	return len;
}

int nlc_parse_fsloc(const char *s, char **host, const char **path)
{
	const char *sep = s ? strstr(s, ":/") : NULL;

	if (!sep || sep == s)
		return -1;
	*host = strndup(s, (size_t)(sep - s));
	if (!*host)
		return -1;
	*path = sep + 1;
	return 0;
}

/* --- words ----------------------------------------------------------------------- */

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

int nlc_unescape_word(char *s)
{
	char *out = s;

	if (s[0] == '\\' && s[1] == 'x')
		return 0;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && is_octal(s[2]) &&
		    is_octal(s[3])) {
			char c = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));

			if (!c)
				return -1;
			*out++ = c;
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
	return 0;
}

int nlc_split_words(char *line, char **words, int max)
{
	int n = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '#')
		return 0;
	while (*line) {
		while (*line == ' ' || *line == '\t' || *line == '\n' || *line == '\r')
			line++;
		if (!*line)
			break;
		if (n == max) {
			errno = E2BIG;
			return -1;
		}
		words[n] = line;
		while (*line && *line != ' ' && *line != '\t' && *line != '\n' && *line != '\r')
			line++;
		if (*line)
			*line++ = '\0';
		if (nlc_unescape_word(words[n])) {
			errno = EINVAL;
			return -1;
		}
		n++;
	}
	return n;
}

/* --- answer ----------------------------------------------------------------------- */

enum {
	OPT_TTL = 256,
	OPT_EXPIRY,
	OPT_RAW,
	OPT_STDIN,
	OPT_FLAGS,
	OPT_ANONUID,
	OPT_ANONGID,
	OPT_FSID,
	OPT_UUID,
	OPT_SECINFO,
	OPT_FSLOC,
	OPT_MIGRATED,
	OPT_XPRTSEC,
};

static const struct option answer_opts[] = {
	{ "negative", no_argument, NULL, 'n' },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "expiry", required_argument, NULL, OPT_EXPIRY },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "verbose", no_argument, NULL, 'v' },
	{ "stdin", no_argument, NULL, OPT_STDIN },
	{ "help", no_argument, NULL, 'h' },
	{ "flags", required_argument, NULL, OPT_FLAGS },
	{ "anonuid", required_argument, NULL, OPT_ANONUID },
	{ "anongid", required_argument, NULL, OPT_ANONGID },
	{ "fsid", required_argument, NULL, OPT_FSID },
	{ "uuid", required_argument, NULL, OPT_UUID },
	{ "secinfo", required_argument, NULL, OPT_SECINFO },
	{ "fsloc", required_argument, NULL, OPT_FSLOC },
	{ "migrated", no_argument, NULL, OPT_MIGRATED },
	{ "xprtsec", required_argument, NULL, OPT_XPRTSEC },
	{}
};

/* The export options, gathered before they can be checked. */
struct export_args {
	uint32_t flags;
	uint32_t anon_uid;
	uint32_t anon_gid;
	int32_t fsid;
	const char *uuid;
	const char **secinfo;
	size_t nsecinfo;
	const char **fsloc;
	size_t nfsloc;
	bool migrated;
	uint32_t xprtsec;
	int count;		/* export options seen */
	const char *first;	/* the first one's name, for messages */
};

static const char *opt_name(int opt)
{
	const struct option *o;

	for (o = answer_opts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static int compute_expiry(struct nlc_answer *a, time_t now, char *err, size_t errlen)
{
	uint64_t base = now < 0 ? 0 : (uint64_t)now;

	if (a->have_expiry) {
		a->expiry = a->expiry_arg;
	} else if (a->have_ttl) {
		if (a->ttl > UINT64_MAX - base) {
			nlc_seterr(err, errlen, "--ttl %" PRIu64 " is too large", a->ttl);
			return -1;
		}
		a->expiry = base + a->ttl;
	} else if (a->cache->type == NLCACHE_CACHE_TYPE_EXPKEY) {
		a->expiry = NLC_FH_EXPIRY;
	} else {
		a->expiry = base + NLC_TTL_DEFAULT;
	}
	return 0;
}

static int check_path(const struct nlc_answer *a, const char *what, const char *s,
		      char *err, size_t errlen)
{
	if (!*s && !a->raw) {
		nlc_seterr(err, errlen, "empty %s", what);
		return -1;
	}
	if (strlen(s) + 1 > NLCACHE_PATH_MAX && !a->raw) {
		nlc_seterr(err, errlen, "%s longer than %d bytes", what, NLCACHE_PATH_MAX - 1);
		return -1;
	}
	return 0;
}

static int parse_ip_map(struct nlc_answer *a, int npos, char **pos, char *err,
			size_t errlen)
{
	struct nlc_ip_map_reply *r = &a->r.ip_map;

	if (npos < 2 || npos > 3) {
		nlc_seterr(err, errlen, "auth.unix.ip takes CLASS ADDR DOMAIN or CLASS ADDR --negative");
		return -1;
	}
	if (a->negative && npos == 3) {
		nlc_seterr(err, errlen, "a --negative auth.unix.ip answer takes no DOMAIN");
		return -1;
	}
	if (!a->negative && npos == 2) {
		nlc_seterr(err, errlen, "missing DOMAIN (or --negative)");
		return -1;
	}
	if (!a->raw && (!*pos[0] || strlen(pos[0]) + 1 > NLCACHE_CLASS_MAX)) {
		nlc_seterr(err, errlen, "CLASS must be 1 to %d characters (normally nfsd)",
		       NLCACHE_CLASS_MAX - 1);
		return -1;
	}
	if (!a->raw && (!*pos[1] || (npos == 3 && !*pos[2]))) {
		nlc_seterr(err, errlen, "empty ADDR or DOMAIN");
		return -1;
	}
	r->class = pos[0];
	r->addr = pos[1];
	r->domain = npos == 3 ? pos[2] : NULL;
	r->negative = a->negative;
	r->expiry = a->expiry;
	return 0;
}

static int parse_unix_gid(struct nlc_answer *a, int npos, char **pos, char *err,
			  size_t errlen)
{
	struct nlc_unix_gid_reply *r = &a->r.unix_gid;
	int i;

	if (npos < 1) {
		nlc_seterr(err, errlen, "auth.unix.gid takes UID [GID...]");
		return -1;
	}
	if (nlc_parse_u32(pos[0], &r->uid)) {
		nlc_seterr(err, errlen, "bad UID '%s'", pos[0]);
		return -1;
	}
	if (a->negative && npos > 1) {
		nlc_seterr(err, errlen, "a --negative auth.unix.gid answer takes no GIDs");
		return -1;
	}
	if (!a->raw && npos - 1 > NLCACHE_MAX_GIDS) {
		nlc_seterr(err, errlen, "more than %d GIDs", NLCACHE_MAX_GIDS);
		return -1;
	}
	if (npos > 1) {
		a->gids = calloc((size_t)(npos - 1), sizeof(*a->gids));
		if (!a->gids) {
			nlc_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	for (i = 1; i < npos; i++) {
		if (nlc_parse_u32(pos[i], &a->gids[i - 1])) {
			nlc_seterr(err, errlen, "bad GID '%s'", pos[i]);
			return -1;
		}
	}
	r->gids = a->gids;
	r->ngids = (size_t)(npos - 1);
	r->negative = a->negative;
	r->expiry = a->expiry;
	return 0;
}

static int parse_svc_export(struct nlc_answer *a, int npos, char **pos,
			    const struct export_args *x, char *err, size_t errlen)
{
	struct nlc_svc_export_reply *r = &a->r.svc_export;
	const char *colon;
	char *host;
	size_t i;
	int n;

	if (npos != 2) {
		nlc_seterr(err, errlen, "nfsd.export takes CLIENT PATH");
		return -1;
	}
	if (a->negative && x->count) {
		nlc_seterr(err, errlen, "a --negative nfsd.export answer takes no --%s", x->first);
		return -1;
	}
	if (!a->raw && !*pos[0]) {
		nlc_seterr(err, errlen, "empty CLIENT");
		return -1;
	}
	if (check_path(a, "PATH", pos[1], err, errlen))
		return -1;
	r->client = pos[0];
	r->path = pos[1];
	r->negative = a->negative;
	r->expiry = a->expiry;
	if (a->negative)
		return 0;
	r->flags = x->flags;
	r->anon_uid = x->anon_uid;
	r->anon_gid = x->anon_gid;
	r->fsid = x->fsid;
	r->migrated = x->migrated;
	r->xprtsec = x->xprtsec;
	if (x->uuid) {
		a->uuid = malloc(NLC_HEX_MAX);
		if (!a->uuid) {
			nlc_seterr(err, errlen, "out of memory");
			return -1;
		}
		n = nlc_parse_hex(x->uuid, true, a->uuid, NLC_HEX_MAX);
		if (n < 0 || (!a->raw && n != NLCACHE_UUID_LEN)) {
			nlc_seterr(err, errlen, "--uuid takes %d bytes in hex (32 digits)",
			       NLCACHE_UUID_LEN);
			return -1;
		}
		r->uuid = a->uuid;
		r->uuid_len = (size_t)n;
	}
	if (!a->raw && x->nsecinfo > NLCACHE_MAX_SECINFO) {
		nlc_seterr(err, errlen, "more than %d --secinfo", NLCACHE_MAX_SECINFO);
		return -1;
	}
	if (!a->raw && x->nfsloc > NLCACHE_MAX_FSLOCATIONS) {
		nlc_seterr(err, errlen, "more than %d --fsloc", NLCACHE_MAX_FSLOCATIONS);
		return -1;
	}
	if (x->nsecinfo) {
		a->secinfo = calloc(x->nsecinfo, sizeof(*a->secinfo));
		if (!a->secinfo) {
			nlc_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	for (i = 0; i < x->nsecinfo; i++) {
		char flavor[32];
		size_t len;

		colon = strchr(x->secinfo[i], ':');
		len = colon ? (size_t)(colon - x->secinfo[i]) : strlen(x->secinfo[i]);
		if (len >= sizeof(flavor))
			len = sizeof(flavor) - 1;
		memcpy(flavor, x->secinfo[i], len);
		flavor[len] = '\0';
		if (nlc_parse_flavor(flavor, &a->secinfo[i].flavor)) {
			nlc_seterr(err, errlen, "bad --secinfo flavor '%s'", flavor);
			return -1;
		}
		/* A flavor's flags default to the export's. */
		a->secinfo[i].flags = x->flags;
		if (colon && nlc_parse_export_flags(colon + 1, &a->secinfo[i].flags, err,
						    errlen))
			return -1;
	}
	r->secinfo = a->secinfo;
	r->nsecinfo = x->nsecinfo;
	if (x->nfsloc) {
		a->fslocs = calloc(x->nfsloc, sizeof(*a->fslocs));
		if (!a->fslocs) {
			nlc_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	r->fslocs = a->fslocs;
	for (i = 0; i < x->nfsloc; i++) {
		if (nlc_parse_fsloc(x->fsloc[i], &host, &a->fslocs[i].path)) {
			nlc_seterr(err, errlen, "--fsloc takes HOST:PATH, not '%s'", x->fsloc[i]);
			return -1;
		}
		a->fslocs[i].host = host;
		r->nfslocs = i + 1;
	}
	return 0;
}

static int parse_expkey(struct nlc_answer *a, int npos, char **pos, char *err,
			size_t errlen)
{
	struct nlc_expkey_reply *r = &a->r.expkey;
	uint32_t type;
	int len;

	if (npos < 3 || npos > 4) {
		nlc_seterr(err, errlen,
		       "nfsd.fh takes CLIENT FSIDTYPE FSIDHEX PATH or CLIENT FSIDTYPE FSIDHEX --negative");
		return -1;
	}
	if (a->negative && npos == 4) {
		nlc_seterr(err, errlen, "a --negative nfsd.fh answer takes no PATH");
		return -1;
	}
	if (!a->negative && npos == 3) {
		nlc_seterr(err, errlen, "missing PATH (or --negative)");
		return -1;
	}
	if (!a->raw && !*pos[0]) {
		nlc_seterr(err, errlen, "empty CLIENT");
		return -1;
	}
	if (nlc_parse_u32(pos[1], &type) || type > UINT8_MAX) {
		nlc_seterr(err, errlen, "bad FSIDTYPE '%s'", pos[1]);
		return -1;
	}
	a->fsid = malloc(NLC_HEX_MAX);
	if (!a->fsid) {
		nlc_seterr(err, errlen, "out of memory");
		return -1;
	}
	len = nlc_parse_fsid(type, pos[2], a->raw, a->fsid, NLC_HEX_MAX, err, errlen);
	if (len < 0)
		return -1;
	if (npos == 4 && check_path(a, "PATH", pos[3], err, errlen))
		return -1;
	r->client = pos[0];
	r->fsidtype = (uint8_t)type;
	r->fsid = a->fsid;
	r->fsid_len = (size_t)len;
	r->path = npos == 4 ? pos[3] : NULL;
	r->negative = a->negative;
	r->expiry = a->expiry;
	return 0;
}

static int export_opt(struct export_args *x, int opt, const char *arg, char *err,
		      size_t errlen)
{
	if (!x->count++)
		x->first = opt_name(opt);
	switch (opt) {
	case OPT_FLAGS:
		return nlc_parse_export_flags(arg, &x->flags, err, errlen);
	case OPT_ANONUID:
	case OPT_ANONGID:
		if (nlc_parse_u32(arg, opt == OPT_ANONUID ? &x->anon_uid : &x->anon_gid))
			break;
		return 0;
	case OPT_FSID:
		if (nlc_parse_s32(arg, &x->fsid))
			break;
		return 0;
	case OPT_UUID:
		x->uuid = arg;
		return 0;
	case OPT_SECINFO:
		x->secinfo[x->nsecinfo++] = arg;
		return 0;
	case OPT_FSLOC:
		x->fsloc[x->nfsloc++] = arg;
		return 0;
	case OPT_MIGRATED:
		x->migrated = true;
		return 0;
	case OPT_XPRTSEC: {
		uint32_t mode;

		if (nlc_parse_xprtsec(arg, &mode)) {
			nlc_seterr(err, errlen, "bad --xprtsec '%s' (none, tls or mtls)", arg);
			return -1;
		}
		x->xprtsec |= mode;
		return 0;
	}
	}
	nlc_seterr(err, errlen, "bad --%s '%s'", opt_name(opt), arg);
	return -1;
}

int nlc_answer_parse(struct nlc_answer *a, const struct nlc_cache *c, int argc,
		     char **argv, const struct nlc_answer *defaults, time_t now,
		     char *err, size_t errlen)
{
	struct export_args x = {
		.anon_uid = NLCACHE_ANON_DEFAULT,
		.anon_gid = NLCACHE_ANON_DEFAULT,
	};
	bool seen_ttl = false, seen_expiry = false;
	int opt, npos, ret = -1;
	char **pos;

	memset(a, 0, sizeof(*a));
	a->cache = c;
	if (defaults) {
		a->negative = defaults->negative;
		a->raw = defaults->raw;
		a->have_ttl = defaults->have_ttl;
		a->ttl = defaults->ttl;
		a->have_expiry = defaults->have_expiry;
		a->expiry_arg = defaults->expiry_arg;
	}
	x.secinfo = calloc((size_t)argc + 1, sizeof(*x.secinfo));
	x.fsloc = calloc((size_t)argc + 1, sizeof(*x.fsloc));
	if (!x.secinfo || !x.fsloc) {
		nlc_seterr(err, errlen, "out of memory");
		goto out;
	}

	optind = 0;	/* GNU: start afresh, permutation state included */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":nvh", answer_opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			a->negative = true;
			break;
		case OPT_TTL:
			if (seen_expiry) {
				nlc_seterr(err, errlen, "--ttl and --expiry exclude each other");
				goto out;
			}
			if (nlc_parse_u64(optarg, &a->ttl)) {
				nlc_seterr(err, errlen, "bad --ttl '%s'", optarg);
				goto out;
			}
			seen_ttl = a->have_ttl = true;
			a->have_expiry = false;
			break;
		case OPT_EXPIRY:
			if (seen_ttl) {
				nlc_seterr(err, errlen, "--ttl and --expiry exclude each other");
				goto out;
			}
			if (nlc_parse_u64(optarg, &a->expiry_arg)) {
				nlc_seterr(err, errlen, "bad --expiry '%s'", optarg);
				goto out;
			}
			seen_expiry = a->have_expiry = true;
			a->have_ttl = false;
			break;
		case OPT_RAW:
			a->raw = true;
			break;
		case 'v':
		case OPT_STDIN:
		case 'h':
			if (defaults) {
				nlc_seterr(err, errlen, "%s%s is not allowed on an input line",
				       opt == 'v' || opt == 'h' ? "-" : "--",
				       opt == 'v' ? "v" : opt == 'h' ? "h" : "stdin");
				goto out;
			}
			if (opt == 'v')
				a->verbose = true;
			else if (opt == 'h')
				a->help = true;
			else
				a->use_stdin = true;
			break;
		case ':':
			nlc_seterr(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			goto out;
		case '?':
			if (optopt)
				nlc_seterr(err, errlen, "unknown option '-%c'", optopt);
			else
				nlc_seterr(err, errlen, "unknown option '%s'", argv[optind - 1]);
			goto out;
		default:
			if (c->type != NLCACHE_CACHE_TYPE_SVC_EXPORT) {
				nlc_seterr(err, errlen, "--%s is only for nfsd.export", opt_name(opt));
				goto out;
			}
			if (export_opt(&x, opt, optarg, err, errlen))
				goto out;
			break;
		}
	}
	if (a->help) {
		ret = 0;
		goto out;
	}
	npos = argc - optind;
	pos = argv + optind;
	if (a->use_stdin) {
		if (npos) {
			nlc_seterr(err, errlen, "--stdin reads the answers: no words after it");
			goto out;
		}
		if (x.count) {
			nlc_seterr(err, errlen, "with --stdin, give --%s on each input line", x.first);
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (compute_expiry(a, now, err, errlen))
		goto out;
	switch (c->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		ret = parse_ip_map(a, npos, pos, err, errlen);
		break;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		ret = parse_unix_gid(a, npos, pos, err, errlen);
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		ret = parse_svc_export(a, npos, pos, &x, err, errlen);
		break;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		ret = parse_expkey(a, npos, pos, err, errlen);
		break;
	}
out:
	free(x.secinfo);
	free(x.fsloc);
	return ret;
}

void nlc_answer_free(struct nlc_answer *a)
{
	size_t i;

	if (a->fslocs)
		for (i = 0; i < a->r.svc_export.nfslocs; i++)
			free((char *)a->fslocs[i].host);
	free(a->fslocs);
	free(a->secinfo);
	free(a->gids);
	free(a->uuid);
	free(a->fsid);
	a->fslocs = NULL;
	a->secinfo = NULL;
	a->gids = NULL;
	a->uuid = NULL;
	a->fsid = NULL;
}

int nlc_answer_put(struct nl_msg *msg, const struct nlc_answer *a)
{
	switch (a->cache->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		return nlc_put_ip_map(msg, &a->r.ip_map);
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		return nlc_put_unix_gid(msg, &a->r.unix_gid);
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		return nlc_put_svc_export(msg, &a->r.svc_export);
	case NLCACHE_CACHE_TYPE_EXPKEY:
		return nlc_put_expkey(msg, &a->r.expkey);
	}
	return -EINVAL;
}

size_t nlc_answer_size(const struct nlc_answer *a)
{
	switch (a->cache->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		return nlc_ip_map_size(&a->r.ip_map);
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		return nlc_unix_gid_size(&a->r.unix_gid);
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		return nlc_svc_export_size(&a->r.svc_export);
	case NLCACHE_CACHE_TYPE_EXPKEY:
		return nlc_expkey_size(&a->r.expkey);
	}
	return 0;
}
