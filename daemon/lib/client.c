// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export client specs and the auth.unix.ip domain string (client.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "nlc_hash.h"

/* ---- addresses ---------------------------------------------------------- */

int nlc_addr_parse(const char *text, struct nlc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!text)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -EINVAL;
}

int nlc_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			   struct nlc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		a->u.v4 = sin->sin_addr;
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		a->family = AF_INET6;
		a->u.v6 = sin6->sin6_addr;
		return 0;
	}
	return -EAFNOSUPPORT;
}

bool nlc_addr_equal(const struct nlc_addr *x, const struct nlc_addr *y)
{
	if (x->family != y->family)
		return false;
	if (x->family == AF_INET)
		return x->u.v4.s_addr == y->u.v4.s_addr;
	if (x->family == AF_INET6)
		return memcmp(&x->u.v6, &y->u.v6, sizeof(x->u.v6)) == 0;
	return false;
}

const char *nlc_addr_ntop(const struct nlc_addr *a, char *buf, size_t size)
{
	if (size == 0)
		return NULL;
	if (!inet_ntop(a->family, &a->u, buf, size)) {
		buf[0] = '\0';
		return NULL;
	}
	return buf;
}

/* (x & mask) == (y & mask), both of mask's family. */
static bool addr_masked_equal(const struct nlc_addr *x, const struct nlc_addr *y,
			      const struct nlc_addr *mask)
{
	const uint8_t *px, *py, *pm;
	size_t n, i;

	if (x->family != mask->family || y->family != mask->family)
		return false;
	if (mask->family == AF_INET) {
		px = (const uint8_t *)&x->u.v4;
		py = (const uint8_t *)&y->u.v4;
		pm = (const uint8_t *)&mask->u.v4;
		n = 4;
	} else {
		px = x->u.v6.s6_addr;
		py = y->u.v6.s6_addr;
		pm = mask->u.v6.s6_addr;
		n = 16;
	}
	for (i = 0; i < n; i++)
		if ((px[i] ^ py[i]) & pm[i])
			return false;
	return true;
}

/*
 * The netmask of a prefix length, as rpc.mountd (nfs-utils 2.6.2)
 * computes it: 32-bit words of ones, then the last word shifted left by
 * 32 minus what remains. For a remainder of 0 that shift is by 32, which
 * x86 and arm64 reduce to 0, so the word stays all ones: "a.b.c.d/0" is
 * the single host a.b.c.d and "x::/0" compares the first 32 bits.
 * Every other length gives the ordinary mask.
 */
static void mask_from_prefix(struct nlc_addr *mask, sa_family_t family,
			     unsigned int len)
{
	uint32_t w[4] = { 0, 0, 0, 0 };
	unsigned int i = 0;

	memset(mask, 0, sizeof(*mask));
	mask->family = family;
	while (len > 32) {
		w[i++] = 0xffffffffu;
		len -= 32;
	}
	w[i] = len == 0 ? 0xffffffffu : 0xffffffffu << (32 - len);
	if (family == AF_INET) {
		mask->u.v4.s_addr = htonl(w[0]);
		return;
	}
	for (i = 0; i < 4; i++) {
		uint32_t be = htonl(w[i]);

		memcpy(&mask->u.v6.s6_addr[4 * i], &be, sizeof(be));
	}
}

/* ---- wildcard patterns -------------------------------------------------- */

/*
 * rpc.mountd's wildmat: '*', '?', '\x' and [...] classes, where only '^'
 * negates ('!' is an ordinary member), a leading ']' or '-' is a member,
 * members compare without regard to ASCII case but ranges compare the
 * bytes as they are (signed char, as on x86), and '\' inside a class is
 * an ordinary member. A class that is never closed matches nothing (in
 * mountd it reads past the pattern). Returns 1, 0, or -1 when s ran out
 * (no shorter suffix can match either).
 */
static int up(char c)
{
	return toupper((unsigned char)c);
}

static int wild_do(const char *s, const char *p)
{
	for (; *p; s++, p++) {
		if (!*s && *p != '*')
			return -1;
		if (*p == '\\') {
			p++;
			if (up(*s) != up(*p))
				return 0;
			continue;
		}
		if (*p == '?')
			continue;
		if (*p == '*') {
			int r;

			while (p[1] == '*')
				p++;
			if (!p[1])
				return 1;
			for (; *s; s++) {
				r = wild_do(s, p + 1);
				if (r != 0)
					return r;
			}
			return -1;
		}
		if (*p == '[') {
			bool neg = p[1] == '^', hit = false;
			char prev;

			if (neg)
				p++;
			if (p[1] == ']' || p[1] == '-') {
				p++;
				if (up(*p) == up(*s))
					hit = true;
			}
			for (prev = *p, p++; *p && *p != ']'; prev = *p, p++) {
				if (*p == '-' && p[1] != ']') {
					p++;
					if (!*p)
						return 0;
					if ((signed char)*s <= (signed char)*p &&
					    (signed char)*s >= (signed char)prev)
						hit = true;
				} else if (up(*s) == up(*p)) {
					hit = true;
				}
			}
			if (!*p || hit == neg)
				return 0;
			continue;
		}
		if (up(*s) != up(*p))
			return 0;
	}
	return !*s;
}

static bool wild_match(const char *p, const char *s)
{
	return wild_do(s, p) == 1;
}

/* ---- specs -------------------------------------------------------------- */

enum nlc_client_type nlc_client_gettype(const char *spec)
{
	const char *s;

	if (!spec || !*spec || strcmp(spec, "*") == 0)
		return NLC_CLIENT_ANONYMOUS;
	if (strncmp(spec, "gss/", 4) == 0)
		return NLC_CLIENT_GSS;
	if (spec[0] == '@')
		return NLC_CLIENT_NETGROUP;
	for (s = spec; *s; s++) {
		if (*s == '*' || *s == '?' || *s == '[')
			return NLC_CLIENT_WILDCARD;
		if (*s == '/')
			return NLC_CLIENT_SUBNET;
		if (*s == '\\' && s[1])
			s++;
	}
	return NLC_CLIENT_FQDN;
}

/*
 * A prefix length read as rpc.mountd reads it (strtoul: leading blanks
 * and a sign are accepted, an empty string is 0), up to max; anything
 * after the digits is an error.
 */
static int parse_prefix(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/*
 * addr/len, addr/dotted-mask (IPv4) or addr/colon-mask (IPv6), as mountd
 * parses them. The address keeps its family: a v4-mapped IPv6 subnet
 * never matches an IPv4 caller, as in mountd.
 */
static int parse_subnet(struct nlc_client *c)
{
	const char *slash = strchr(c->spec, '/');
	const char *m = slash + 1;
	char host[NLC_ADDR_STRLEN];
	size_t hl = (size_t)(slash - c->spec);
	unsigned int len;

	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, c->spec, hl);
	host[hl] = '\0';
	if (nlc_addr_parse(host, &c->net) < 0)
		return -EINVAL;
	memset(&c->mask, 0, sizeof(c->mask));
	c->mask.family = c->net.family;
	if (c->net.family == AF_INET && strchr(m, '.'))
		return inet_pton(AF_INET, m, &c->mask.u.v4) == 1 ? 0 : -EINVAL;
	if (c->net.family == AF_INET6 && strchr(m, ':'))
		return inet_pton(AF_INET6, m, &c->mask.u.v6) == 1 ? 0 : -EINVAL;
	if (parse_prefix(m, c->net.family == AF_INET ? 32 : 128, &len) < 0)
		return -EINVAL;
	mask_from_prefix(&c->mask, c->net.family, len);
	if (len == 0)
		c->quirk = c->net.family == AF_INET ?
			"rpc.mountd 2.6.2 reads a /0 prefix as /32 (this "
			"spec is the single host named); so does nlcached" :
			"rpc.mountd 2.6.2 reads a /0 prefix as /32 (only "
			"the first 32 bits are compared); so does nlcached";
	return 0;
}

/* Whether a wildcard has a [ class that is never closed. */
static bool wild_unclosed(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		if (p[1] == '^')
			p++;
		if (p[1] == ']' || p[1] == '-')
			p++;
		for (p++; *p && *p != ']'; p++)
			if (*p == '-' && p[1] != ']' && !*++p)
				return true;
		if (!*p)
			return true;
	}
	return false;
}

struct nlc_client *nlc_client_parse(const char *spec)
{
	struct nlc_client *c;
	int err = 0;

	if (!spec)
		spec = "";
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->type = nlc_client_gettype(spec);
	c->spec = strdup(spec);
	c->name = strdup(spec);
	if (!c->spec || !c->name) {
		err = ENOMEM;
		goto fail;
	}
	if (c->type == NLC_CLIENT_SUBNET && parse_subnet(c) < 0) {
		err = EINVAL;
		goto fail;
	}
	if (c->type == NLC_CLIENT_WILDCARD && wild_unclosed(spec))
		c->quirk = "a '[' class is never closed: matches no host "
			   "(rpc.mountd reads past the pattern)";
	if (c->type == NLC_CLIENT_FQDN && nlc_addr_parse(spec, &c->addrs[0]) == 0) {
		c->naddrs = 1;
		c->literal = true;
	}
	return c;
fail:
	nlc_client_free(c);
	errno = err;
	return NULL;
}

void nlc_client_free(struct nlc_client *c)
{
	if (!c)
		return;
	free(c->spec);
	free(c->name);
	free(c);
}

void nlc_client_list_init(struct nlc_client_list *l)
{
	memset(l, 0, sizeof(*l));
}

void nlc_client_list_free(struct nlc_client_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		nlc_client_free(l->v[i]);
	free(l->v);
	free(l->hash);
	nlc_client_list_init(l);
}

/* FNV-1a over the type and the ASCII-lowercased spec. */
static size_t spec_hash(enum nlc_client_type type, const char *spec)
{
	uint64_t h = NLC_FNV64_BASIS ^ (unsigned int)type;

	for (; *spec; spec++)
		h = nlc_fnv64_byte(h, (unsigned char)tolower((unsigned char)*spec));
	return (size_t)(h ^ (h >> 29));
}

static void list_hash_put(size_t *tab, size_t cap, const struct nlc_client *c,
			  size_t idx)
{
	size_t i = spec_hash(c->type, c->spec) & (cap - 1);

	while (tab[i])
		i = (i + 1) & (cap - 1);
	tab[i] = idx + 1;
}

static int list_hash_reserve(struct nlc_client_list *l)
{
	size_t cap, i, *tab;

	if (2 * (l->n + 1) <= l->hashcap)
		return 0;
	cap = l->hashcap ? 2 * l->hashcap : 64;
	while (2 * (l->n + 1) > cap)
		cap *= 2;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		list_hash_put(tab, cap, l->v[i], i);
	free(l->hash);
	l->hash = tab;
	l->hashcap = cap;
	return 0;
}

static struct nlc_client *list_find(const struct nlc_client_list *l,
				    enum nlc_client_type type, const char *spec)
{
	size_t i;

	if (!l)
		return NULL;
	if (l->hashcap) {
		for (i = spec_hash(type, spec) & (l->hashcap - 1); l->hash[i];
		     i = (i + 1) & (l->hashcap - 1)) {
			struct nlc_client *c = l->v[l->hash[i] - 1];

			if (c->type == type && strcasecmp(c->spec, spec) == 0)
				return c;
		}
		return NULL;
	}
	for (i = 0; i < l->n; i++)
		if (l->v[i]->type == type && strcasecmp(l->v[i]->spec, spec) == 0)
			return l->v[i];
	return NULL;
}

int nlc_client_list_add(struct nlc_client_list *l, const char *spec,
			struct nlc_client **out)
{
	struct nlc_client *c;

	if (!spec)
		spec = "";
	c = list_find(l, nlc_client_gettype(spec), spec);
	if (!c) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 8;
			struct nlc_client **v = realloc(l->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			l->v = v;
			l->cap = cap;
		}
		if (list_hash_reserve(l))
			return -ENOMEM;
		c = nlc_client_parse(spec);
		if (!c)
			return -errno;
		list_hash_put(l->hash, l->hashcap, c, l->n);
		l->v[l->n++] = c;
	}
	if (out)
		*out = c;
	return 0;
}

bool nlc_client_list_has(const struct nlc_client_list *l,
			 enum nlc_client_type type)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->type == type)
			return true;
	return false;
}

/* ---- load-time resolution of FQDN clients ------------------------------- */

static int set_name(struct nlc_client *c, const char *name)
{
	char *s;

	if (c->name == name || strcmp(c->name, name) == 0)
		return 0;
	s = strdup(name);
	if (!s)
		return -ENOMEM;
	free(c->name);
	c->name = s;
	return 0;
}

/* 0, or the lookup's error (-ENOENT: the name has no address) */
static int resolve_one(struct nlc_client *c, const struct nlc_resolver *r)
{
	struct nlc_hostent *h;
	unsigned int i, j, n = 0;
	int err;

	if (!r || !r->forward)
		return -ENOENT;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	err = r->forward(r->cookie, c->spec, h);
	if (!err && h->naddrs == 0)
		err = -ENOENT;
	if (err)
		goto out;
	h->name[sizeof(h->name) - 1] = '\0';
	err = set_name(c, h->name[0] ? h->name : c->spec);
	if (err)
		goto out;
	for (i = 0; i < h->naddrs && i < NLC_CLIENT_ADDRMAX; i++) {
		struct nlc_addr a = h->addrs[i];

		for (j = 0; j < n; j++)
			if (nlc_addr_equal(&c->addrs[j], &a))
				break;
		if (j == n)
			c->addrs[n++] = a;
	}
	c->naddrs = n;
	c->nheld = 0;
out:
	free(h);
	return err;
}

unsigned int nlc_client_list_resolve(struct nlc_client_list *l,
				     const struct nlc_resolver *r,
				     const struct nlc_client_list *prev)
{
	unsigned int failed = 0;
	size_t i;

	for (i = 0; r && r->prefetch && i < l->n; i++)
		if (l->v[i]->type == NLC_CLIENT_FQDN && !l->v[i]->literal)
			r->prefetch(r->cookie, l->v[i]->spec);
	for (i = 0; i < l->n; i++) {
		struct nlc_client *c = l->v[i];
		const struct nlc_client *src = NULL, *old;
		int err;

		if (c->type != NLC_CLIENT_FQDN || c->literal)
			continue;
		err = resolve_one(c, r);
		if (!err)
			continue;
		failed++;
		/*
		 * As in rpc.mountd, a name that did not resolve matches
		 * nothing. If the failure may pass (not -ENOENT), the last
		 * good addresses (this list's own, re-resolved in place, or
		 * the previous load's) are held: requests from them wait.
		 */
		old = list_find(prev, NLC_CLIENT_FQDN, c->spec);
		if (c->naddrs || c->nheld)
			src = c;
		else if (old && old != c && (old->naddrs || old->nheld))
			src = old;
		if (err != -ENOENT && src) {
			if (src != c && set_name(c, src->name) < 0)
				src = NULL;
		} else {
			src = NULL;
		}
		if (src && src->naddrs) {
			memcpy(c->held, src->addrs, sizeof(c->held));
			c->nheld = src->naddrs;
		} else if (src && src != c) {
			memcpy(c->held, src->held, sizeof(c->held));
			c->nheld = src->nheld;
		} else if (!src) {
			c->nheld = 0;
		}
		c->naddrs = 0;
	}
	nlc_client_list_merge(l);
	return failed;
}

bool nlc_client_list_held(const struct nlc_client_list *l, const struct nlc_addr *a,
			  const char **name)
{
	size_t i;
	unsigned int j;

	for (i = 0; i < l->n; i++) {
		const struct nlc_client *c = l->v[i];

		for (j = 0; c->type == NLC_CLIENT_FQDN && j < c->nheld; j++)
			if (nlc_addr_equal(&c->held[j], a)) {
				if (name)
					*name = c->spec;
				return true;
			}
	}
	return false;
}

static bool addrs_overlap(const struct nlc_client *a, const struct nlc_client *b)
{
	unsigned int i, j;

	for (i = 0; i < a->naddrs; i++)
		for (j = 0; j < b->naddrs; j++)
			if (nlc_addr_equal(&a->addrs[i], &b->addrs[j]))
				return true;
	return false;
}

static bool addrs_subset(const struct nlc_client *a, const struct nlc_client *b)
{
	unsigned int i, j;

	for (i = 0; i < a->naddrs; i++) {
		for (j = 0; j < b->naddrs; j++)
			if (nlc_addr_equal(&a->addrs[i], &b->addrs[j]))
				break;
		if (j == b->naddrs)
			return false;
	}
	return true;
}

/* address -> the first client (in list order) that merged into nothing */
struct owner_slot {
	struct nlc_addr addr;
	struct nlc_client *owner;	/* NULL: empty slot */
	size_t index;			/* the owner's place in the list */
};

static uint64_t addr_hash(const struct nlc_addr *a)
{
	uint64_t h = nlc_fnv64_byte(NLC_FNV64_BASIS, (unsigned char)a->family);

	if (a->family == AF_INET)
		return nlc_fnv64_bytes(h, &a->u.v4, sizeof(a->u.v4));
	return nlc_fnv64_bytes(h, &a->u.v6, sizeof(a->u.v6));
}

static struct owner_slot *owner_find(struct owner_slot *t, size_t cap,
				     const struct nlc_addr *a)
{
	size_t i = (size_t)addr_hash(a) & (cap - 1);

	while (t[i].owner && !nlc_addr_equal(&t[i].addr, a))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* the first earlier owner holding one of c's addresses (any, without t) */
static struct nlc_client *merge_target(const struct nlc_client_list *l, size_t i,
				       struct owner_slot *t, size_t cap)
{
	const struct nlc_client *c = l->v[i];
	struct nlc_client *best = NULL;
	size_t j, best_index = 0;
	unsigned int k;

	if (!t) {
		for (j = 0; j < i; j++) {
			struct nlc_client *o = l->v[j];

			if (o->type == NLC_CLIENT_FQDN && !o->merged && o->naddrs &&
			    addrs_overlap(o, c))
				return o;
		}
		return NULL;
	}
	for (k = 0; k < c->naddrs; k++) {
		const struct owner_slot *s = owner_find(t, cap, &c->addrs[k]);

		if (s->owner && (!best || s->index < best_index)) {
			best = s->owner;
			best_index = s->index;
		}
	}
	return best;
}

unsigned int nlc_client_list_merge(struct nlc_client_list *l)
{
	struct owner_slot *t = NULL;
	unsigned int merged = 0, k;
	size_t i, total = 0, cap = 16;

	for (i = 0; i < l->n; i++) {
		l->v[i]->merged = NULL;
		l->v[i]->merged_lossy = false;
		if (l->v[i]->type == NLC_CLIENT_FQDN)
			total += l->v[i]->naddrs;
	}
	/* an index of the owners' addresses, or (no memory) a scan of them */
	while (cap < 2 * total + 1)
		cap *= 2;
	if (total)
		t = calloc(cap, sizeof(*t));
	for (i = 0; i < l->n; i++) {
		struct nlc_client *c = l->v[i], *o;

		if (c->type != NLC_CLIENT_FQDN || !c->naddrs)
			continue;
		o = merge_target(l, i, t, cap);
		if (o) {
			c->merged = o;
			c->merged_lossy = !addrs_subset(c, o);
			merged++;
			continue;
		}
		for (k = 0; t && k < c->naddrs; k++) {
			struct owner_slot *s = owner_find(t, cap, &c->addrs[k]);

			if (!s->owner) {
				s->addr = c->addrs[k];
				s->owner = c;
				s->index = i;
			}
		}
	}
	free(t);
	return merged;
}

/* ---- the caller --------------------------------------------------------- */

static int do_reverse(const struct nlc_resolver *r, const struct nlc_addr *a,
		      char *name, size_t size)
{
	int err;

	name[0] = '\0';
	if (!r || !r->reverse)
		return -ENOENT;
	err = r->reverse(r->cookie, a, name, size);
	name[size - 1] = '\0';
	if (err == 0 && !name[0])
		err = -ENOENT;
	return err;
}

void nlc_caller_resolve(struct nlc_caller *c, const struct nlc_addr *addr,
			const struct nlc_client_list *l,
			const struct nlc_resolver *r)
{
	memset(c, 0, sizeof(*c));
	c->addr = *addr;
	nlc_addr_ntop(&c->addr, c->ip, sizeof(c->ip));

	if (!nlc_client_list_has(l, NLC_CLIENT_WILDCARD) &&
	    !nlc_client_list_has(l, NLC_CLIENT_NETGROUP))
		return;
	if (do_reverse(r, &c->addr, c->name, sizeof(c->name)) == 0)
		c->named = true;
	else
		c->name[0] = '\0';
}

/* ---- matching ----------------------------------------------------------- */

static bool check_fqdn(const struct nlc_client *c, const struct nlc_addr *a)
{
	unsigned int i;

	for (i = 0; i < c->naddrs; i++)
		if (nlc_addr_equal(&c->addrs[i], a))
			return true;
	return false;
}

/* The aliases of name (gethostbyname's h_aliases), tried with fn. */
static bool any_alias(const struct nlc_resolver *r, const char *name,
		      bool (*fn)(const void *arg, const char *host),
		      const void *arg)
{
	struct nlc_hostent *h;
	unsigned int i;
	bool hit = false;

	if (!r || !r->aliases)
		return false;
	h = calloc(1, sizeof(*h));
	if (!h)
		return false;
	if (r->aliases(r->cookie, name, h) == 0) {
		for (i = 0; i < h->naliases && i < NLC_HOST_ALIASMAX && !hit; i++) {
			h->aliases[i][NLC_HOST_NAMEMAX - 1] = '\0';
			hit = fn(arg, h->aliases[i]);
		}
	}
	free(h);
	return hit;
}

static bool wild_fn(const void *arg, const char *host)
{
	return wild_match(arg, host);
}

/*
 * Like mountd: the caller's reverse name (not forward-confirmed; none
 * means no match, the address text is never tried), then its aliases.
 */
static bool check_wildcard(const struct nlc_client *c,
			   const struct nlc_caller *who,
			   const struct nlc_resolver *r)
{
	if (!who->named)
		return false;
	return wild_match(c->name, who->name) ||
	       any_alias(r, who->name, wild_fn, c->name);
}

struct ng_arg {
	const struct nlc_resolver *r;
	const char *group;
};

static bool ng_fn(const void *arg, const char *host)
{
	const struct ng_arg *ng = arg;

	if (!ng->r || !ng->r->innetgr || !*host)
		return false;
	return ng->r->innetgr(ng->r->cookie, ng->group, host) == 1;
}

/*
 * The address text mountd 2.6.2 asks innetgr about: it formats the
 * bytes at sockaddr_in's address offset with the caller's family. For
 * IPv4 that is the dotted quad; for IPv6 it is 4 bytes of (zero) flow
 * label followed by the first 12 bytes of the address, so a netgroup
 * listing the real IPv6 text never matches there, nor here.
 */
static void ng_ip_text(const struct nlc_addr *a, char *buf, size_t size)
{
	struct in6_addr x;

	if (a->family == AF_INET) {
		inet_ntop(AF_INET, &a->u.v4, buf, (socklen_t)size);
		return;
	}
	memset(&x, 0, sizeof(x));
	memcpy(&x.s6_addr[4], a->u.v6.s6_addr, 12);
	inet_ntop(AF_INET6, &x, buf, (socklen_t)size);
}

/*
 * mountd's order: the reverse name (none: no match), its aliases, the
 * reverse name of that name when it is itself an address, the address
 * text, the name up to its first dot. No forward confirmation.
 */
static bool check_netgroup(const struct nlc_client *c,
			   const struct nlc_caller *who,
			   const struct nlc_resolver *r)
{
	struct ng_arg ng = { r, c->name + 1 };
	char host[NLC_HOST_NAMEMAX], ip[NLC_ADDR_STRLEN];
	struct nlc_addr a;
	char *dot;

	if (!who->named)
		return false;
	snprintf(host, sizeof(host), "%s", who->name);
	if (ng_fn(&ng, host) || any_alias(r, host, ng_fn, &ng))
		return true;
	if (nlc_addr_parse(host, &a) == 0) {
		char cname[NLC_HOST_NAMEMAX];

		if (do_reverse(r, &a, cname, sizeof(cname)) == 0) {
			snprintf(host, sizeof(host), "%s", cname);
			if (ng_fn(&ng, host))
				return true;
		}
	}
	ng_ip_text(&who->addr, ip, sizeof(ip));
	if (ng_fn(&ng, ip))
		return true;
	dot = strchr(host, '.');
	if (!dot)
		return false;
	*dot = '\0';
	return ng_fn(&ng, host);
}

bool nlc_client_check(const struct nlc_client *c, const struct nlc_caller *who,
		      const struct nlc_resolver *r)
{
	switch (c->type) {
	case NLC_CLIENT_FQDN:
		return check_fqdn(c, &who->addr);
	case NLC_CLIENT_SUBNET:
		return addr_masked_equal(&c->net, &who->addr, &c->mask);
	case NLC_CLIENT_WILDCARD:
		return check_wildcard(c, who, r);
	case NLC_CLIENT_NETGROUP:
		return check_netgroup(c, who, r);
	case NLC_CLIENT_ANONYMOUS:
		return true;
	case NLC_CLIENT_GSS:
	default:
		return false;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int nlc_client_compose(const struct nlc_client_list *l,
		       const struct nlc_caller *who,
		       const struct nlc_resolver *r, char *buf, size_t size)
{
	const char **names;
	size_t i, n = 0, len = 0;
	int t, matched = 0;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (l->n == 0)
		return 0;
	names = calloc(l->n, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (t = 0; t < NLC_CLIENT_NTYPES; t++)
		for (i = 0; i < l->n; i++) {
			const struct nlc_client *c = l->v[i];

			if ((int)c->type != t || c->merged ||
			    !nlc_client_check(c, who, r))
				continue;
			matched++;
			if (c->name[0])
				names[n++] = c->name;
		}
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);

		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		if (len + (len ? 1 : 0) + nl + 1 > size) {
			buf[0] = '\0';
			free(names);
			return -ENOSPC;
		}
		if (len)
			buf[len++] = ',';
		memcpy(buf + len, names[i], nl + 1);
		len += nl;
	}
	free(names);
	return matched;
}

bool nlc_client_member(const char *domain, const char *name)
{
	size_t nl = strlen(name);
	const char *p = domain;

	while (p) {
		if (strncmp(p, name, nl) == 0 && (p[nl] == ',' || p[nl] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

bool nlc_client_use_ipaddr(const struct nlc_client_list *l,
			   enum nlc_ipaddr_mode mode)
{
	size_t i, sum = 0;

	if (mode == NLC_IPADDR_FORCED)
		return true;
	for (i = 0; i < l->n; i++)
		if (l->v[i]->type == NLC_CLIENT_NETGROUP)
			sum += strlen(l->v[i]->name) + 1;
	return sum > NLC_CLIENT_IPADDR_THRESHOLD;
}

int nlc_auth_unix_ip(const struct nlc_client_list *l,
		     const struct nlc_resolver *r, const char *addrtext,
		     bool use_ipaddr, char *buf, size_t size)
{
	struct nlc_caller *who;
	struct nlc_addr a;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (nlc_addr_parse(addrtext, &a) < 0)
		return -EINVAL;
	who = malloc(sizeof(*who));
	if (!who)
		return -ENOMEM;
	nlc_caller_resolve(who, &a, l, r);
	if (use_ipaddr) {
		/* Any match will do; the names are not needed. */
		size_t i;

		for (n = 0, i = 0; i < l->n && !n; i++)
			n = nlc_client_check(l->v[i], who, r);
	} else {
		n = nlc_client_compose(l, who, r, buf, size);
	}
	free(who);
	if (n <= 0)
		return n;
	if (use_ipaddr) {
		if ((size_t)snprintf(buf, size, "$%s", addrtext) >= size) {
			buf[0] = '\0';
			return -ENOSPC;
		}
	} else if (!buf[0]) {
		if (size < sizeof("DEFAULT"))
			return -ENOSPC;
		strcpy(buf, "DEFAULT");
	}
	return 1;
}

/* ---- several exports of one path -------------------------------------- */

int nlc_export_choose(const struct nlc_export_cand *c, size_t n,
		      bool *arbitrary)
{
	int best = -1, t;
	size_t i;

	if (arbitrary)
		*arbitrary = false;
	for (t = 0; t < NLC_CLIENT_NTYPES; t++)
		for (i = 0; i < n; i++) {
			const struct nlc_export_cand *b;

			if ((int)c[i].type != t)
				continue;
			if (best < 0) {
				best = (int)i;
				continue;
			}
			b = &c[best];
			if (c[i].v4root)
				continue;
			if (b->v4root) {
				best = (int)i;
				continue;
			}
			if ((b->crossmnt || c[i].crossmnt) &&
			    b->pathlen != c[i].pathlen) {
				if (c[i].pathlen > b->pathlen)
					best = (int)i;
				continue;
			}
			if (b->type == c[i].type && arbitrary)
				*arbitrary = true;
		}
	return best;
}

/* ---- libc name services ------------------------------------------------- */

static int libc_reverse(void *cookie, const struct nlc_addr *a, char *name,
			size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int err;

	(void)cookie;
	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = a->u.v4;
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->u.v6;
		len = sizeof(*sin6);
	}
	err = getnameinfo((struct sockaddr *)&ss, len, name, (socklen_t)size,
			  NULL, 0, NI_NAMEREQD);
	if (err == 0)
		return 0;
	return err == EAI_AGAIN ? -EAGAIN : -ENOENT;
}

static int libc_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	struct addrinfo hints = { .ai_flags = AI_CANONNAME,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	int err;

	(void)cookie;
	memset(h, 0, sizeof(*h));
	err = getaddrinfo(name, NULL, &hints, &res);
	if (err)
		return err == EAI_AGAIN ? -EAGAIN : -ENOENT;
	if (res->ai_canonname)
		snprintf(h->name, sizeof(h->name), "%s", res->ai_canonname);
	for (ai = res; ai && h->naddrs < NLC_CLIENT_ADDRMAX; ai = ai->ai_next) {
		struct nlc_addr a;
		unsigned int i;

		if (nlc_addr_from_sockaddr(ai->ai_addr, ai->ai_addrlen, &a) < 0)
			continue;
		for (i = 0; i < h->naddrs; i++)
			if (nlc_addr_equal(&h->addrs[i], &a))
				break;
		if (i == h->naddrs)
			h->addrs[h->naddrs++] = a;
	}
	freeaddrinfo(res);
	return h->naddrs ? 0 : -ENOENT;
}

/* gethostbyname(3)'s aliases, reentrantly (IPv4 lookup, as mountd's). */
static int libc_aliases(void *cookie, const char *name, struct nlc_hostent *h)
{
	struct hostent he, *res = NULL;
	size_t blen = 8192;
	char *buf = NULL;
	int herr = 0, err;
	char **ap;

	(void)cookie;
	memset(h, 0, sizeof(*h));
	for (;;) {
		char *nb = realloc(buf, blen);

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		err = gethostbyname_r(name, &he, buf, blen, &res, &herr);
		if (err != ERANGE || blen >= 1u << 20)
			break;
		blen *= 2;
	}
	if (err || !res) {
		free(buf);
		return herr == TRY_AGAIN ? -EAGAIN : -ENOENT;
	}
	for (ap = res->h_aliases; ap && *ap && h->naliases < NLC_HOST_ALIASMAX;
	     ap++)
		snprintf(h->aliases[h->naliases++], NLC_HOST_NAMEMAX, "%s", *ap);
	free(buf);
	return 0;
}

/* innetgr walks glibc's one static netgroup iterator: one caller at a time. */
static pthread_mutex_t innetgr_lock = PTHREAD_MUTEX_INITIALIZER;

static int libc_innetgr(void *cookie, const char *netgroup, const char *host)
{
	int r;

	(void)cookie;
	pthread_mutex_lock(&innetgr_lock);
	r = innetgr(netgroup, host, NULL, NULL);
	pthread_mutex_unlock(&innetgr_lock);
	return r == 1;
}

const struct nlc_resolver nlc_resolver_libc = {
	.reverse = libc_reverse,
	.forward = libc_forward,
	.aliases = libc_aliases,
	.innetgr = libc_innetgr,
	.cookie = NULL,
};
