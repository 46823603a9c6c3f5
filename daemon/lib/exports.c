// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * exports(5) / etab parser. See exports.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nfsd_nlcache.h>

#include "exports.h"
#include "nlc_util.h"
#include "strbuf.h"
#include "nlc_hash.h"

#define F_RO		NLCACHE_EXPORT_FLAGS_READONLY
#define F_INSECURE	NLCACHE_EXPORT_FLAGS_INSECURE_PORT
#define F_ROOTSQ	NLCACHE_EXPORT_FLAGS_ROOTSQUASH
#define F_ALLSQ		NLCACHE_EXPORT_FLAGS_ALLSQUASH
#define F_ASYNC		NLCACHE_EXPORT_FLAGS_ASYNC
#define F_WDELAY	NLCACHE_EXPORT_FLAGS_GATHERED_WRITES
#define F_NORDIRPLUS	NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS
#define F_SECLABEL	NLCACHE_EXPORT_FLAGS_SECURITY_LABEL
#define F_SIGNFH	NLCACHE_EXPORT_FLAGS_SIGN_FH
#define F_NOHIDE	NLCACHE_EXPORT_FLAGS_NOHIDE
#define F_NOSUBTREE	NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK
#define F_NOAUTHNLM	NLCACHE_EXPORT_FLAGS_NOAUTHNLM
#define F_FSID		NLCACHE_EXPORT_FLAGS_FSID
#define F_CROSSMNT	NLCACHE_EXPORT_FLAGS_CROSSMOUNT
#define F_NOACL		NLCACHE_EXPORT_FLAGS_NOACL
#define F_PNFS		NLCACHE_EXPORT_FLAGS_PNFS

/* ---- flavours ---------------------------------------------------------- */

static const struct nlc_flavor_name *flavor_find(const char *name)
{
	for (size_t i = 0; i < nlc_nflavor_names; i++)
		if (!strcmp(nlc_flavor_names[i].name, name))
			return &nlc_flavor_names[i];
	return NULL;
}

int64_t nlc_export_flavor(const char *name)
{
	const struct nlc_flavor_name *f = flavor_find(name);

	return f ? (int64_t)f->flavor : -1;
}

static const char *flavor_name(const char *name)
{
	const struct nlc_flavor_name *f = flavor_find(name);

	return f ? f->name : NULL;
}

/* ---- options ----------------------------------------------------------- */

void nlc_export_opts_init(struct nlc_export_opts *o,
			  enum nlc_exports_syntax syntax)
{
	memset(o, 0, sizeof(*o));
	o->flags = syntax == NLC_EXPORTS_ETAB ? NLC_EXPORT_ETAB_DEFAULT_FLAGS
					      : NLC_EXPORT_DEFAULT_FLAGS;
	o->anonuid = NLCACHE_ANON_DEFAULT;
	o->anongid = NLCACHE_ANON_DEFAULT;
}

void nlc_export_opts_free(struct nlc_export_opts *o)
{
	free(o->uuid_text);
	free(o->mountpoint);
	free(o->fsloc_data);
	free(o->squash_uids);
	free(o->squash_gids);
	o->uuid_text = o->mountpoint = o->fsloc_data = NULL;
	o->squash_uids = o->squash_gids = NULL;
}

static int dup_field(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int nlc_export_opts_copy(struct nlc_export_opts *dst,
			 const struct nlc_export_opts *src)
{
	*dst = *src;
	if (dup_field(&dst->uuid_text, src->uuid_text) |
	    dup_field(&dst->mountpoint, src->mountpoint) |
	    dup_field(&dst->fsloc_data, src->fsloc_data) |
	    dup_field(&dst->squash_uids, src->squash_uids) |
	    dup_field(&dst->squash_gids, src->squash_gids)) {
		nlc_export_opts_free(dst);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int set_str(char **dst, const char *src, size_t n)
{
	char *s = strndup(src, n);

	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* Set or clear mask in the export flags and in the active flavours. */
static void apply_flag(struct nlc_export_opts *o, uint32_t mask, bool set,
		       unsigned int active)
{
	if (set)
		o->flags |= mask;
	else
		o->flags &= ~mask;
	for (unsigned int i = 0; i < o->nsec; i++) {
		if (!(active & (1u << i)))
			continue;
		if (set)
			o->sec[i].flags |= mask;
		else
			o->sec[i].flags &= ~mask;
	}
}

static int parse_id(const char *s, uint32_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < INT32_MIN || v > (long long)UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_uuid(const char *s, uint8_t *uuid)
{
	unsigned int n = 0;

	for (; *s; s++) {
		int v;

		if (isxdigit((unsigned char)*s)) {
			if (n >= 2 * NLC_EXPORT_UUID_LEN)
				return -1;
			v = isdigit((unsigned char)*s) ? *s - '0'
				: tolower((unsigned char)*s) - 'a' + 10;
			if (n % 2 == 0)
				uuid[n / 2] = (uint8_t)(v << 4);
			else
				uuid[n / 2] |= (uint8_t)v;
			n++;
		} else if (!ispunct((unsigned char)*s)) {
			return -1;
		}
	}
	return n == 2 * NLC_EXPORT_UUID_LEN ? 0 : -1;
}

static int parse_fsid(struct nlc_export_opts *o, const char *v)
{
	char *end;
	unsigned long n;

	if (!strcmp(v, "root")) {
		o->fsid = 0;
		o->flags |= F_FSID;
		return 0;
	}
	/*
	 * mountd: strtoul(v, &end, 0) consuming all of a non-empty value
	 * is a number, whatever its sign or range ("-1" and out-of-range
	 * values wrap to 32 bits), else a uuid of 32 hex digits.
	 */
	if (*v) {
		n = strtoul(v, &end, 0);
		if (!*end) {
			o->fsid = (uint32_t)n;
			o->flags |= F_FSID;
			return 0;
		}
	}
	if (parse_uuid(v, o->uuid))
		return -1;
	o->has_uuid = true;
	return set_str(&o->uuid_text, v, strlen(v));
}

/* "a[-b],c..." of non-negative decimal ids; normalised into out. */
static int parse_squash(const char *v, char **out)
{
	struct nlc_strbuf b = { 0 };
	const char *p = v;

	if (!*p)
		return -1;
	while (*p) {
		const char *s = p;
		unsigned long a, z;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		a = strtoul(s, &end, 10);
		z = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			z = strtoul(p, &end, 10);
			p = end;
		}
		if (errno || a > UINT32_MAX || z > UINT32_MAX || z < a)
			goto bad;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
		if (a == z)
			nlc_strbuf_printf(&b, "%lu,", a);
		else
			nlc_strbuf_printf(&b, "%lu-%lu,", a, z);
	}
	if (b.failed || !b.p || !b.len)
		goto bad;
	b.p[b.len - 1] = '\0';	/* drop the last comma */
	free(*out);
	*out = b.p;
	return 0;
bad:
	free(b.p);
	return -1;
}

static int add_flavor(struct nlc_export_opts *o, const char *name)
{
	const char *canon = flavor_name(name);

	if (!canon)
		return -1;
	/* mountd merges by number: "sys:unix" is one entry, named "sys" */
	for (unsigned int i = 0; i < o->nsec; i++)
		if (o->sec[i].flavor == (uint32_t)nlc_export_flavor(canon))
			return (int)i;
	if (o->nsec >= NLC_EXPORT_MAX_SEC)
		return -2;
	o->sec[o->nsec].name = canon;
	o->sec[o->nsec].flavor = (uint32_t)nlc_export_flavor(canon);
	o->sec[o->nsec].flags = o->flags;
	return (int)o->nsec++;
}

static enum nlc_exports_dialect dialect = NLC_DIALECT_262;

void nlc_exports_set_dialect(enum nlc_exports_dialect d)
{
	dialect = d;
}

/* Options newer than nfs-utils 2.6.2, whose exportfs rejects them. */
static bool newer_than_262(const char *opt)
{
	return !strcmp(opt, "sign_fh") || !strncmp(opt, "xprtsec=", 8) ||
	       !strncmp(opt, "reexport=", 9);
}

static int parse_one(struct nlc_export_opts *o, const char *opt,
		     unsigned int *active, char *err, size_t errlen)
{
	const char *v;

	if (dialect == NLC_DIALECT_262 && newer_than_262(opt)) {
		nlc_seterr(err, errlen,
		       "unknown keyword \"%s\" (not in nfs-utils 2.6.2)", opt);
		return -1;
	}

	for (size_t i = 0; i < nlc_nexport_flag_words; i++) {
		const struct nlc_export_flag_word *w = &nlc_export_flag_words[i];

		if (strcmp(opt, w->name))
			continue;
		apply_flag(o, w->mask, w->set, w->per_flavor ? *active : 0);
		if (w->mask == F_NOSUBTREE)
			o->had_subtree_opt = true;
		return 0;
	}
	if (!strncmp(opt, "anonuid=", 8) || !strncmp(opt, "anongid=", 8)) {
		if (parse_id(opt + 8, opt[4] == 'u' ? &o->anonuid
						     : &o->anongid)) {
			nlc_seterr(err, errlen, "bad %.7s \"%s\"", opt, opt);
			return -1;
		}
		return 0;
	}
	if (!strncmp(opt, "fsid=", 5)) {
		if (parse_fsid(o, opt + 5)) {
			nlc_seterr(err, errlen, "bad fsid \"%s\"", opt);
			return -1;
		}
		return 0;
	}
	if (!strcmp(opt, "mountpoint") || !strcmp(opt, "mp") ||
	    !strncmp(opt, "mountpoint=", 11) || !strncmp(opt, "mp=", 3)) {
		v = strchr(opt, '=');
		v = v ? v + 1 : "";
		if (set_str(&o->mountpoint, v, strlen(v)))
			goto oom;
		return 0;
	}
	if (!strncmp(opt, "refer=", 6) || !strncmp(opt, "replicas=", 9)) {
		bool refer = opt[2] == 'f';

		v = opt + (refer ? 6 : 9);
		o->fsloc = refer ? NLC_FSLOC_REFER : NLC_FSLOC_REPLICAS;
		if (set_str(&o->fsloc_data, v, strlen(v)))
			goto oom;
		return 0;
	}
	if (!strncmp(opt, "squash_uids=", 12) ||
	    !strncmp(opt, "squash_gids=", 12)) {
		if (parse_squash(opt + 12, opt[7] == 'u' ? &o->squash_uids
							  : &o->squash_gids)) {
			nlc_seterr(err, errlen, "bad id list \"%s\"", opt);
			return -1;
		}
		return 0;
	}
	if (!strncmp(opt, "sec=", 4)) {
		char *list = strdup(opt + 4), *rest = list, *f;
		unsigned int act = 0;

		if (!list)
			goto oom;
		while ((f = strsep(&rest, ":"))) {
			int idx = add_flavor(o, f);

			if (idx < 0) {
				if (idx == -2)
					nlc_seterr(err, errlen,
					       "more than %d security flavors in \"%s\"",
					       NLC_EXPORT_MAX_SEC, opt);
				else
					nlc_seterr(err, errlen,
					       "unknown flavor \"%s\" in \"%s\"",
					       f, opt);
				free(list);
				return -1;
			}
			act |= 1u << idx;
		}
		free(list);
		if (!act) {
			nlc_seterr(err, errlen, "empty flavor list \"%s\"", opt);
			return -1;
		}
		*active = act;
		return 0;
	}
	if (!strncmp(opt, "xprtsec=", 8)) {
		char *list = strdup(opt + 8), *rest = list, *m;
		unsigned int n = 0;
		uint32_t modes[NLC_EXPORT_MAX_XPRTSEC];

		if (!list)
			goto oom;
		while ((m = strsep(&rest, ":"))) {
			uint32_t mode;
			bool dup = false;

			if (!strcmp(m, "none"))
				mode = NLCACHE_XPRTSEC_MODE_NONE;
			else if (!strcmp(m, "tls"))
				mode = NLCACHE_XPRTSEC_MODE_TLS;
			else if (!strcmp(m, "mtls"))
				mode = NLCACHE_XPRTSEC_MODE_MTLS;
			else {
				nlc_seterr(err, errlen,
				       "unknown xprtsec mode \"%s\" in \"%s\"",
				       m, opt);
				free(list);
				return -1;
			}
			for (unsigned int i = 0; i < n; i++)
				dup |= modes[i] == mode;
			if (!dup)
				modes[n++] = mode;
		}
		free(list);
		if (!n) {
			nlc_seterr(err, errlen, "empty xprtsec list \"%s\"", opt);
			return -1;
		}
		memcpy(o->xprtsec, modes, sizeof(modes[0]) * n);
		o->nxprtsec = n;
		return 0;
	}
	if (!strncmp(opt, "reexport=", 9)) {
		v = opt + 9;
		if (!strcmp(v, "auto-fsidnum"))
			o->reexport = NLC_REEXPORT_AUTO_FSIDNUM;
		else if (!strcmp(v, "predefined-fsidnum"))
			o->reexport = NLC_REEXPORT_PREDEFINED_FSIDNUM;
		else if (!strcmp(v, "none"))
			o->reexport = NLC_REEXPORT_NONE;
		else {
			nlc_seterr(err, errlen, "bad reexport mode \"%s\"", opt);
			return -1;
		}
		return 0;
	}
	nlc_seterr(err, errlen, "unknown keyword \"%s\"", opt);
	return -1;
oom:
	nlc_seterr(err, errlen, "out of memory");
	errno = ENOMEM;
	return -1;
}

int nlc_export_opts_parse(struct nlc_export_opts *o, const char *text,
			  uint32_t secinfo_mask, char *err, size_t errlen)
{
	const char *p = text;
	unsigned int active = 0;

	while (*p) {
		const char *s, *e;
		char *opt;
		int rc;

		while (isblank((unsigned char)*p))
			p++;
		s = p;
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		/* An id list runs on over commas followed by a digit. */
		if (!strncmp(s, "squash_uids=", 12) ||
		    !strncmp(s, "squash_gids=", 12))
			while (*e == ',' && isdigit((unsigned char)e[1])) {
				e = strchr(e + 1, ',');
				if (!e)
					e = s + strlen(s);
			}
		p = *e ? e + 1 : e;
		/* Trailing blanks before the comma do not belong to it. */
		while (e > s && isblank((unsigned char)e[-1]))
			e--;
		if (e == s) {
			if (!*p && s != text)
				break;	/* a trailing comma */
			nlc_seterr(err, errlen, "empty option");
			return -1;
		}
		opt = strndup(s, (size_t)(e - s));
		if (!opt) {
			nlc_seterr(err, errlen, "out of memory");
			return -1;
		}
		rc = parse_one(o, opt, &active, err, errlen);
		free(opt);
		if (rc)
			return -1;
	}
	/* refer=/replicas= imply nohide. */
	if (o->fsloc_data)
		o->flags |= F_NOHIDE;
	/* Flags that cannot vary by flavour follow the export's. */
	for (unsigned int i = 0; i < o->nsec; i++)
		o->sec[i].flags = (o->sec[i].flags & secinfo_mask) |
				  (o->flags & ~secinfo_mask);
	return 0;
}

/* ---- wire ------------------------------------------------------------- */

uint32_t nlc_export_wire_flags(const struct nlc_export_opts *o,
			       uint32_t supported)
{
	return o->flags & supported & NLCACHE_EXPORT_FLAGS_ALL;
}

bool nlc_export_is_v4root_fsid(const struct nlc_export_opts *o)
{
	return (o->flags & F_FSID) && o->fsid == 0;
}

/* ---- table ------------------------------------------------------------- */

void nlc_exports_init(struct nlc_exports *t)
{
	memset(t, 0, sizeof(*t));
	t->secinfo_mask = NLC_EXPORT_SECINFO_FLAGS;
}

void nlc_exports_free(struct nlc_exports *t)
{
	for (size_t i = 0; i < t->nent; i++) {
		free(t->ent[i].path);
		free(t->ent[i].client);
		nlc_export_opts_free(&t->ent[i].opts);
	}
	nlc_diag_free(t->err, t->nerr);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->ent);
	free(t->files);
	free(t->hash);
	nlc_exports_init(t);
}

/* FNV-1a over path, a NUL, and client. */
static size_t ent_hash(const char *path, const char *client)
{
	uint64_t h = nlc_fnv64_pair(path, client);

	return (size_t)(h ^ (h >> 29));
}

static void hash_put(size_t *tab, size_t cap, const struct nlc_export_entry *e,
		     size_t idx)
{
	size_t i = ent_hash(e->path, e->client) & (cap - 1);

	while (tab[i])
		i = (i + 1) & (cap - 1);
	tab[i] = idx + 1;
}

/* Make room for one more entry in the index (load factor <= 1/2). */
static int hash_reserve(struct nlc_exports *t)
{
	size_t cap, i, *tab;

	if (2 * (t->nent + 1) <= t->hashcap)
		return 0;
	cap = t->hashcap ? 2 * t->hashcap : 64;
	while (2 * (t->nent + 1) > cap)
		cap *= 2;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -1;
	for (i = 0; i < t->nent; i++)
		hash_put(tab, cap, &t->ent[i], i);
	free(t->hash);
	t->hash = tab;
	t->hashcap = cap;
	return 0;
}

static int add_error(struct nlc_exports *t, const char *file,
		     unsigned int line, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_error(struct nlc_exports *t, const char *file,
		     unsigned int line, bool warning, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nlc_diag_add(&t->err, &t->nerr, &t->errcap, file, line, warning,
			   fmt, ap);
	va_end(ap);
	return ret;
}

const struct nlc_export_entry *nlc_exports_find(const struct nlc_exports *t,
						const char *path,
						const char *client)
{
	size_t i;

	if (t->hashcap) {
		/* the index covers every entry added by the parser */
		for (i = ent_hash(path, client) & (t->hashcap - 1); t->hash[i];
		     i = (i + 1) & (t->hashcap - 1)) {
			const struct nlc_export_entry *e = &t->ent[t->hash[i] - 1];

			if (!strcmp(e->path, path) && !strcmp(e->client, client))
				return e;
		}
		return NULL;
	}
	for (i = 0; i < t->nent; i++)
		if (!strcmp(t->ent[i].path, path) &&
		    !strcmp(t->ent[i].client, client))
			return &t->ent[i];
	return NULL;
}

/* ---- tokenizer --------------------------------------------------------- */

struct tok {
	char *s;
	unsigned int line;
	const char *bad;	/* why the token is malformed, or NULL */
};

struct lexer {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
	bool nul;		/* the last logical line had a NUL byte */
};

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

static void free_toks(struct tok *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].s);
	free(v);
}

/*
 * Read one logical line's tokens (whitespace-separated; quotes and \ooo
 * decoded; whitespace inside parentheses dropped; '#' to the end of the
 * line is a comment; backslash-newline joins lines). Returns 0 at end of
 * input, 1 otherwise (possibly with no tokens), -1 on OOM.
 */
static int lex_line(struct lexer *lx, struct tok **out, size_t *nout)
{
	struct tok *v = NULL;
	size_t n = 0, cap = 0;
	struct nlc_strbuf cur = { 0 };
	bool in_tok = false, quote = false;
	int paren = 0;
	unsigned int tline = 0;
	const char *bad = NULL;

	if (lx->pos >= lx->len)
		return 0;
	lx->nul = false;
	for (;;) {
		char c = lx->pos < lx->len ? lx->buf[lx->pos] : '\n';
		bool eof = lx->pos >= lx->len;
		bool brk = false, eol = false;

		if (c == '\\' && lx->pos + 1 < lx->len &&
		    (lx->buf[lx->pos + 1] == '\n' ||
		     (lx->buf[lx->pos + 1] == '\r' && lx->pos + 2 < lx->len &&
		      lx->buf[lx->pos + 2] == '\n'))) {
			lx->pos += lx->buf[lx->pos + 1] == '\r' ? 3 : 2;
			lx->line++;
			brk = !quote && !paren;
			c = 0;
		} else if (c == '\n') {
			eol = true;
			brk = true;
			if (quote && !bad)
				bad = "unterminated quote";
			if (paren && !bad)
				bad = "missing ')'";
			lx->pos++;
			c = 0;
		} else if (c == '#' && !quote) {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				lx->pos++;
			c = 0;
		} else if ((c == ' ' || c == '\t' || c == '\r') && !quote) {
			lx->pos++;
			brk = !paren;
			c = 0;
		} else if (c == '"') {
			quote = !quote;
			lx->pos++;
			c = 0;
			if (!in_tok) {
				in_tok = true;
				tline = lx->line;
			}
		} else if (c == '\\' && lx->pos + 3 < lx->len + 0 &&
			   is_octal(lx->buf[lx->pos + 1]) &&
			   is_octal(lx->buf[lx->pos + 2]) &&
			   is_octal(lx->buf[lx->pos + 3])) {
			unsigned int val = (unsigned int)(lx->buf[lx->pos + 1] - '0') * 64 +
					   (unsigned int)(lx->buf[lx->pos + 2] - '0') * 8 +
					   (unsigned int)(lx->buf[lx->pos + 3] - '0');

			lx->pos += 4;
			if (val == 0 || val > 255) {
				if (!bad)
					bad = "bad octal escape";
				c = 0;
				if (!in_tok) {
					in_tok = true;
					tline = lx->line;
				}
			} else {
				c = (char)val;
			}
		} else if (c == '\0') {
			/* exportfs would cut the line here: refuse it all */
			lx->pos++;
			lx->nul = true;
		} else {
			lx->pos++;
			if (!quote) {
				if (c == '(')
					paren++;
				else if (c == ')' && --paren < 0 && !bad)
					bad = "unbalanced ')'";
			}
		}
		if (c) {
			if (!in_tok) {
				in_tok = true;
				tline = lx->line;
			}
			nlc_strbuf_putc(&cur, c);
		}
		if (brk && in_tok) {
			if (nlc_grow((void **)&v, &cap, n, sizeof(*v)))
				goto oom;
			if (!cur.p)
				cur.p = strdup("");
			if (cur.failed || !cur.p)
				goto oom;
			v[n].s = cur.p;
			v[n].line = tline;
			v[n].bad = bad;
			n++;
			cur = (struct nlc_strbuf){ 0 };
			in_tok = false;
			quote = false;
			paren = 0;
			bad = NULL;
		}
		if (eol) {
			if (!eof)
				lx->line++;
			break;
		}
	}
	*out = v;
	*nout = n;
	return 1;
oom:
	free(cur.p);
	free_toks(v, n);
	errno = ENOMEM;
	return -1;
}

/* ---- entries ----------------------------------------------------------- */

static const char *intern_file(struct nlc_exports *t, const char *name)
{
	char **nf;

	if (t->nfiles && !strcmp(t->files[t->nfiles - 1], name))
		return t->files[t->nfiles - 1];
	nf = realloc(t->files, (t->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	t->files = nf;
	nf[t->nfiles] = strdup(name);
	if (!nf[t->nfiles])
		return NULL;
	return t->files[t->nfiles++];
}

/* Parse one client token against the defaults; 1 = rejected, 0 = ok or
 * duplicate, -1 = OOM. */
static int add_client(struct nlc_exports *t, const char *file,
		      const char *path, const struct tok *tk,
		      const struct nlc_export_opts *defaults, bool has_defaults)
{
	struct nlc_export_entry *e;
	const struct nlc_export_entry *old;
	struct nlc_export_opts o;
	char *client, *open, err[512];
	const char *opts = NULL;

	if (tk->bad) {
		if (add_error(t, file, tk->line, false, "%s in \"%s\"",
			      tk->bad, tk->s))
			return -1;
		return 1;
	}
	client = strdup(tk->s);
	if (!client)
		return -1;
	open = strchr(client, '(');
	if (open) {
		char *close = strchr(open, ')');

		if (!close || close[1]) {
			add_error(t, file, tk->line, false,
				  "bad option list in \"%s\"", tk->s);
			free(client);
			return 1;
		}
		*open = *close = '\0';
		opts = open + 1;
		if (!client[0]) {
			if (add_error(t, file, tk->line, true,
				      "no host name given with %s (%s), using *",
				      path, opts))
				goto oom;
			/* client is "" with opts after it; rebuild */
			char *star = malloc(2 + strlen(opts) + 1);

			if (!star)
				goto oom;
			star[0] = '*';
			star[1] = '\0';
			strcpy(star + 2, opts);
			free(client);
			client = star;
			opts = star + 2;
		}
	} else if (!has_defaults) {
		if (add_error(t, file, tk->line, true,
			      "no options for %s %s", path, client))
			goto oom;
	}
	if (nlc_export_opts_copy(&o, defaults))
		goto oom;
	if (opts && nlc_export_opts_parse(&o, opts, t->secinfo_mask, err,
					  sizeof(err))) {
		nlc_export_opts_free(&o);
		if (add_error(t, file, tk->line, false,
			      "%s; export %s %s rejected", err, path, client)) {
			free(client);
			return -1;
		}
		free(client);
		return 1;
	}
	old = nlc_exports_find(t, path, client);
	if (old) {
		int rc = add_error(t, file, tk->line, true,
				   "%sduplicated export entries %s %s (first at %s:%u kept)",
				   old->opts.flags != o.flags ? "incompatible " : "",
				   path, client, old->file, old->line);

		nlc_export_opts_free(&o);
		free(client);
		return rc ? -1 : 0;
	}
	if (nlc_grow((void **)&t->ent, &t->entcap, t->nent, sizeof(*t->ent)) ||
	    hash_reserve(t))
		goto oom_opts;
	e = &t->ent[t->nent];
	e->path = strdup(path);
	e->file = file;
	if (!e->path)
		goto oom_opts;
	e->client = client;
	e->opts = o;
	e->line = tk->line;
	hash_put(t->hash, t->hashcap, e, t->nent);
	t->nent++;
	return 0;
oom_opts:
	nlc_export_opts_free(&o);
oom:
	free(client);
	errno = ENOMEM;
	return -1;
}

int nlc_exports_parse_buf(struct nlc_exports *t, const char *name,
			  const char *buf, size_t len,
			  enum nlc_exports_syntax syntax)
{
	struct lexer lx = { buf, len, 0, 1, false };
	const char *file = intern_file(t, name);
	size_t first = t->nent;
	int errors = 0, rc;

	if (!file) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		struct tok *v = NULL;
		size_t n = 0, i = 1;
		struct nlc_export_opts defaults;
		bool has_defaults = false;
		char err[512];

		if (t->nent - first >= NLC_EXPORTS_MAX_PER_FILE) {
			rc = add_error(t, file, lx.line, false,
				       "more than %d entries in one file; the rest is ignored",
				       NLC_EXPORTS_MAX_PER_FILE);
			errors++;
			break;
		}
		rc = lex_line(&lx, &v, &n);
		if (rc <= 0)
			break;
		if (!n) {
			free(v);
			continue;
		}
		nlc_export_opts_init(&defaults, syntax);
		if (lx.nul) {
			rc = add_error(t, file, v[0].line, false,
				       "NUL byte in the line; line ignored");
			errors++;
			goto next;
		}
		if (v[0].bad || v[0].s[0] != '/') {
			rc = add_error(t, file, v[0].line, false,
				       "%s \"%s\"; line ignored",
				       v[0].bad ? v[0].bad
						: "export path must be absolute",
				       v[0].s);
			errors++;
			goto next;
		}
		if (syntax == NLC_EXPORTS_FILE && n > 1 && v[1].s[0] == '-') {
			has_defaults = true;
			i = 2;
			if (v[1].bad ||
			    nlc_export_opts_parse(&defaults, v[1].s + 1,
						  t->secinfo_mask, err,
						  sizeof(err))) {
				rc = add_error(t, file, v[1].line, false,
					       "%s in default options \"%s\"; line ignored",
					       v[1].bad ? v[1].bad : err,
					       v[1].s);
				errors++;
				goto next;
			}
		}
		if (i >= n) {
			struct tok star = { (char *)"*", v[0].line, NULL };

			rc = add_client(t, file, v[0].s, &star, &defaults,
					has_defaults);
			if (rc > 0)
				errors++;
			if (rc < 0)
				goto next;
		}
		for (; i < n; i++) {
			rc = add_client(t, file, v[0].s, &v[i], &defaults,
					has_defaults);
			if (rc > 0)
				errors++;
			if (rc < 0)
				break;
		}
next:
		nlc_export_opts_free(&defaults);
		free_toks(v, n);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		errno = ENOMEM;
		return -1;
	}
	return errors;
}

int nlc_exports_parse_file(struct nlc_exports *t, const char *path,
			   enum nlc_exports_syntax syntax)
{
	char *buf;
	size_t len;
	int rc;

	if (nlc_read_file(path, &buf, &len))
		return -1;
	rc = nlc_exports_parse_buf(t, path, buf, len, syntax);
	free(buf);
	return rc;
}

/* One exports.d member; an unreadable one is reported and skipped. */
static int parse_d_member(const char *path, void *arg)
{
	struct nlc_exports *t = arg;
	int rc = nlc_exports_parse_file(t, path, NLC_EXPORTS_FILE);

	if (rc < 0 && errno != ENOMEM) {
		add_error(t, path, 0, false, "cannot read: %s", strerror(errno));
		return 1;
	}
	return rc;
}

int nlc_exports_parse_dir(struct nlc_exports *t, const char *dir)
{
	return nlc_dir_each(dir, ".exports", versionsort, parse_d_member, t);
}
