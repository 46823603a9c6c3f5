// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * NFSv4 pseudo-root synthesis; see v4root.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nfsd_nlcache.h>

#include "v4root.h"
#include "nlc_hash.h"

/* --- SHA-1 (FIPS 180-4), just enough for name-based uuids ------------ */

struct sha1 {
	uint32_t h[5];
	uint64_t total;
	uint8_t buf[64];
	size_t fill;
};

static uint32_t rol(uint32_t v, unsigned int s)
{
	return v << s | v >> (32 - s);
}

static void sha1_block(struct sha1 *c, const uint8_t *p)
{
	uint32_t w[80], a, b, d, e, g, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0];
	b = c->h[1];
	g = c->h[2];
	d = c->h[3];
	e = c->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & g) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ g ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & g) | (b & d) | (g & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ g ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = g;
		g = rol(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += g;
	c->h[3] += d;
	c->h[4] += e;
}

static void sha1_init(struct sha1 *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
					0x10325476, 0xc3d2e1f0 };

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->fill = 0;
}

static void sha1_update(struct sha1 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t take;

	c->total += len;
	while (len) {
		take = 64 - c->fill;
		if (take > len)
			take = len;
		memcpy(c->buf + c->fill, p, take);
		c->fill += take;
		p += take;
		len -= take;
		if (c->fill == 64) {
			sha1_block(c, c->buf);
			c->fill = 0;
		}
	}
}

static void sha1_final(struct sha1 *c, uint8_t out[20])
{
	uint64_t bits = c->total * 8;
	uint8_t pad = 0x80, zero = 0, len[8];
	int i;

	sha1_update(c, &pad, 1);
	while (c->fill != 56)
		sha1_update(c, &zero, 1);
	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(c, len, 8);
	for (i = 0; i < 20; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void nlc_sha1(const void *data, size_t len, uint8_t out[20])
{
	struct sha1 c;

	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, out);
}

void nlc_v4root_path_uuid(const char *path, char out[NLC_V4ROOT_UUIDLEN])
{
	/* 39c6b5c1-3f24-4f4e-977c-7fe6546b8a25 */
	static const uint8_t ns[16] = {
		0x39, 0xc6, 0xb5, 0xc1, 0x3f, 0x24, 0x4f, 0x4e,
		0x97, 0x7c, 0x7f, 0xe6, 0x54, 0x6b, 0x8a, 0x25,
	};
	static const char hex[] = "0123456789ABCDEF";
	struct sha1 c;
	uint8_t h[20];
	int i;

	sha1_init(&c);
	sha1_update(&c, ns, sizeof(ns));
	sha1_update(&c, path, strlen(path));
	sha1_final(&c, h);
	h[6] = (h[6] & 0x0f) | 0x50;	/* version 5 */
	h[8] = (h[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 0xf];
	}
	out[32] = '\0';
}

/* --- synthesis ---------------------------------------------------------- */

#define F_FSID NLCACHE_EXPORT_FLAGS_FSID
#define F_V4ROOT NLCACHE_EXPORT_FLAGS_V4ROOT

bool nlc_v4root_needed(const struct nlc_v4root_export *exps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((exps[i].flags & F_FSID) && exps[i].fsid == 0)
			return false;
	return true;
}

bool nlc_v4root_fix_root_export(const char *path, uint32_t *flags,
				uint32_t *fsid)
{
	if (strcmp(path, "/") != 0 || (*flags & F_FSID) ||
	    (*flags & F_V4ROOT))
		return false;
	*flags |= F_FSID;
	*fsid = 0;
	return true;
}

/*
 * The (client, path) pairs seen so far, real exports and pseudo entries
 * alike: an open-addressing set, so that the build is O(n) lookups.
 */
struct pairset {
	const char **client, **path;	/* borrowed strings */
	size_t n, cap;			/* cap: a power of two */
};

static size_t pair_hash(const char *client, const char *path)
{
	uint64_t h = nlc_fnv64_pair(client, path);

	return (size_t)(h ^ (h >> 29));
}

static bool pair_has(const struct pairset *ps, const char *client,
		     const char *path)
{
	size_t i;

	if (!ps->cap)
		return false;
	for (i = pair_hash(client, path) & (ps->cap - 1); ps->client[i];
	     i = (i + 1) & (ps->cap - 1))
		if (strcmp(ps->client[i], client) == 0 &&
		    strcmp(ps->path[i], path) == 0)
			return true;
	return false;
}

static void pair_put(const char **cl, const char **pa, size_t cap,
		     const char *client, const char *path)
{
	size_t i = pair_hash(client, path) & (cap - 1);

	while (cl[i])
		i = (i + 1) & (cap - 1);
	cl[i] = client;
	pa[i] = path;
}

/* Add (client, path) unless present (strings must outlive the set). */
static int pair_add(struct pairset *ps, const char *client, const char *path)
{
	if (pair_has(ps, client, path))
		return 0;
	if (2 * (ps->n + 1) > ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64, i;
		const char **cl = calloc(cap, sizeof(*cl));
		const char **pa = calloc(cap, sizeof(*pa));

		if (!cl || !pa) {
			free(cl);
			free(pa);
			return -ENOMEM;
		}
		for (i = 0; i < ps->cap; i++)
			if (ps->client[i])
				pair_put(cl, pa, cap, ps->client[i], ps->path[i]);
		free(ps->client);
		free(ps->path);
		ps->client = cl;
		ps->path = pa;
		ps->cap = cap;
	}
	pair_put(ps->client, ps->path, ps->cap, client, path);
	ps->n++;
	return 0;
}

static void pair_free(struct pairset *ps)
{
	free(ps->client);
	free(ps->path);
	memset(ps, 0, sizeof(*ps));
}

static void set_security(struct nlc_v4root_entry *e, bool krb5)
{
	static const uint32_t krb[] = { NLC_SEC_KRB5, NLC_SEC_KRB5I,
					NLC_SEC_KRB5P };
	uint32_t fl = e->flags | NLCACHE_EXPORT_FLAGS_INSECURE_PORT;
	size_t i;

	e->nsec = 0;
	if (krb5)
		for (i = 0; i < 3; i++)
			e->sec[e->nsec++] = (struct nlc_v4root_sec){ krb[i], fl };
	e->sec[e->nsec++] = (struct nlc_v4root_sec){ NLC_SEC_SYS, fl };
}

static int add_pseudo(struct nlc_v4root *r, const char *client,
		      const char *path, size_t plen,
		      const struct nlc_v4root_opts *opts)
{
	struct nlc_v4root_entry *v, *e;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;

		v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	e = &r->v[r->n];
	memset(e, 0, sizeof(*e));
	e->client = strdup(client);
	e->path = strndup(path, plen);
	if (!e->client || !e->path) {
		free(e->client);
		free(e->path);
		return -ENOMEM;
	}
	r->n++;
	e->anonuid = e->anongid = NLCACHE_ANON_DEFAULT;
	if (strcmp(e->path, "/") == 0) {
		e->flags = NLC_V4ROOT_FLAGS_ROOT;
	} else {
		e->flags = NLC_V4ROOT_FLAGS_DIR;
		if (opts && opts->fs_identifiable &&
		    !opts->fs_identifiable(e->path, opts->arg))
			nlc_v4root_path_uuid(e->path, e->uuid);
	}
	set_security(e, opts && opts->krb5_keytab);
	return 0;
}

int nlc_v4root_build(const struct nlc_v4root_export *exps, size_t n,
		     const struct nlc_v4root_opts *opts, struct nlc_v4root *out)
{
	struct pairset seen = { 0 };
	size_t i, end;
	const char *p, *slash;
	char *anc;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->needed = nlc_v4root_needed(exps, n);
	if (!out->needed)
		return 0;
	for (i = 0; i < n && !err; i++)
		if (!(exps[i].flags & F_V4ROOT))
			err = pair_add(&seen, exps[i].client, exps[i].path);
	for (i = 0; i < n && !err; i++) {
		if (exps[i].flags & F_V4ROOT)
			continue;
		p = exps[i].path;
		/* proper ancestors: "/", then each prefix ending before a
		 * later '/' */
		for (slash = p; slash && !err; slash = strchr(slash + 1, '/')) {
			end = slash == p ? 1 : (size_t)(slash - p);
			if (slash == p && p[1] == '\0')
				break;	/* "/" has no proper ancestor */
			anc = strndup(p, end);
			if (!anc) {
				err = -ENOMEM;
				break;
			}
			if (!pair_has(&seen, exps[i].client, anc)) {
				err = add_pseudo(out, exps[i].client, anc, end,
						 opts);
				/* the set borrows the entry's own strings */
				if (!err)
					err = pair_add(&seen,
						       out->v[out->n - 1].client,
						       out->v[out->n - 1].path);
			}
			free(anc);
		}
	}
	pair_free(&seen);
	if (err)
		nlc_v4root_free(out);
	return err;
}

void nlc_v4root_free(struct nlc_v4root *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].client);
		free(r->v[i].path);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
	r->cap = 0;
}
