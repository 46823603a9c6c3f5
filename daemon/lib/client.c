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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"

/* ---- addresses ---------------------------------------------------------- */

static void addr_unmap(struct nlc_addr *a)
{
	struct in_addr v4;

	if (a->family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a->u.v6))
		return;
	memcpy(&v4, &a->u.v6.s6_addr[12], sizeof(v4));
	memset(&a->u, 0, sizeof(a->u));
	a->family = AF_INET;
	a->u.v4 = v4;
}

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
		addr_unmap(a);
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
		addr_unmap(a);
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

static void mask_from_prefix(struct nlc_addr *mask, sa_family_t family,
			     unsigned int len)
{
	uint8_t *p;
	size_t n, i;

	memset(mask, 0, sizeof(*mask));
	mask->family = family;
	p = family == AF_INET ? (uint8_t *)&mask->u.v4 : mask->u.v6.s6_addr;
	n = family == AF_INET ? 4 : 16;
	for (i = 0; i < n; i++) {
		if (len >= 8) {
			p[i] = 0xff;
			len -= 8;
		} else {
			p[i] = (uint8_t)(0xff00u >> len);
			len = 0;
		}
	}
}

/* ---- wildcard patterns -------------------------------------------------- */

static int fold(unsigned char c)
{
	return tolower(c);
}

/*
 * A [...] class starting just after '['. Returns 1 or 0 (match or not)
 * with *end just past ']', or -1 when the class is not closed.
 */
static int class_match(const char *p, unsigned char c, const char **end)
{
	bool neg = false, hit = false, first = true;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	while (*p && (first || *p != ']')) {
		unsigned char lo, hi;

		first = false;
		if (*p == '\\' && p[1])
			p++;
		lo = (unsigned char)*p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
		}
		if (fold(c) >= fold(lo) && fold(c) <= fold(hi))
			hit = true;
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return hit != neg;
}

/* Shell-style match of the whole of s, ignoring ASCII case. */
static bool wild_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		const char *next = p;
		bool ok;

		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return true;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			ok = true;
			next = p + 1;
		} else if (*p == '[') {
			int r = class_match(p + 1, (unsigned char)*s, &next);

			if (r < 0)
				return false;
			ok = r;
		} else {
			const char *q = p;

			if (*q == '\\' && q[1])
				q++;
			ok = *q && fold((unsigned char)*q) == fold((unsigned char)*s);
			next = q + 1;
		}
		if (ok) {
			p = next;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
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

/* Decimal digits only, no sign, no leading junk, at most max. */
static int parse_prefix(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_subnet(struct nlc_client *c)
{
	const char *slash = strchr(c->spec, '/');
	char host[NLC_ADDR_STRLEN];
	size_t hl = (size_t)(slash - c->spec);
	unsigned int len;

	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, c->spec, hl);
	host[hl] = '\0';
	if (nlc_addr_parse(host, &c->net) < 0)
		return -EINVAL;
	if (c->net.family == AF_INET && strchr(slash + 1, '.')) {
		memset(&c->mask, 0, sizeof(c->mask));
		c->mask.family = AF_INET;
		if (inet_pton(AF_INET, slash + 1, &c->mask.u.v4) != 1)
			return -EINVAL;
		return 0;
	}
	if (parse_prefix(slash + 1, c->net.family == AF_INET ? 32 : 128,
			 &len) < 0)
		return -EINVAL;
	mask_from_prefix(&c->mask, c->net.family, len);
	return 0;
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
	nlc_client_list_init(l);
}

static struct nlc_client *list_find(const struct nlc_client_list *l,
				    enum nlc_client_type type, const char *spec)
{
	size_t i;

	if (!l)
		return NULL;
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
		c = nlc_client_parse(spec);
		if (!c)
			return -errno;
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

static bool resolve_one(struct nlc_client *c, const struct nlc_resolver *r)
{
	struct nlc_hostent *h;
	unsigned int i, j, n = 0;
	bool ok = false;

	if (!r || !r->forward)
		return false;
	h = calloc(1, sizeof(*h));
	if (!h)
		return false;
	if (r->forward(r->cookie, c->spec, h) != 0 || h->naddrs == 0)
		goto out;
	h->name[sizeof(h->name) - 1] = '\0';
	if (set_name(c, h->name[0] ? h->name : c->spec) < 0)
		goto out;
	for (i = 0; i < h->naddrs && i < NLC_CLIENT_ADDRMAX; i++) {
		struct nlc_addr a = h->addrs[i];

		addr_unmap(&a);
		for (j = 0; j < n; j++)
			if (nlc_addr_equal(&c->addrs[j], &a))
				break;
		if (j == n)
			c->addrs[n++] = a;
	}
	c->naddrs = n;
	c->stale = false;
	ok = true;
out:
	free(h);
	return ok;
}

unsigned int nlc_client_list_resolve(struct nlc_client_list *l,
				     const struct nlc_resolver *r,
				     const struct nlc_client_list *prev)
{
	unsigned int failed = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct nlc_client *c = l->v[i], *old;

		if (c->type != NLC_CLIENT_FQDN || c->literal)
			continue;
		if (resolve_one(c, r))
			continue;
		failed++;
		if (c->naddrs) {
			c->stale = true;
			continue;
		}
		old = list_find(prev, NLC_CLIENT_FQDN, c->spec);
		if (old && old != c && old->naddrs &&
		    set_name(c, old->name) == 0) {
			memcpy(c->addrs, old->addrs, sizeof(c->addrs));
			c->naddrs = old->naddrs;
			c->stale = true;
		}
	}
	return failed;
}

/* ---- the caller --------------------------------------------------------- */

static bool hostent_has(const struct nlc_hostent *h, const struct nlc_addr *a)
{
	unsigned int i;

	for (i = 0; i < h->naddrs && i < NLC_CLIENT_ADDRMAX; i++) {
		struct nlc_addr x = h->addrs[i];

		addr_unmap(&x);
		if (nlc_addr_equal(&x, a))
			return true;
	}
	return false;
}

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

static int do_forward(const struct nlc_resolver *r, const char *name,
		      struct nlc_hostent *h)
{
	memset(h, 0, sizeof(*h));
	if (!r || !r->forward)
		return -ENOENT;
	return r->forward(r->cookie, name, h);
}

void nlc_caller_resolve(struct nlc_caller *c, const struct nlc_addr *addr,
			const struct nlc_client_list *l,
			const struct nlc_resolver *r)
{
	char name[NLC_HOST_NAMEMAX];
	struct nlc_hostent *h;

	memset(c, 0, sizeof(*c));
	c->addr = *addr;
	addr_unmap(&c->addr);
	nlc_addr_ntop(&c->addr, c->ip, sizeof(c->ip));
	snprintf(c->name, sizeof(c->name), "%s", c->ip);

	if (!nlc_client_list_has(l, NLC_CLIENT_WILDCARD) &&
	    !nlc_client_list_has(l, NLC_CLIENT_NETGROUP))
		return;
	if (do_reverse(r, &c->addr, name, sizeof(name)) != 0)
		return;
	h = malloc(sizeof(*h));
	if (!h)
		return;
	if (do_forward(r, name, h) == 0 && hostent_has(h, &c->addr)) {
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->confirmed = true;
	}
	free(h);
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

/*
 * The aliases of name (a forward lookup), tried with fn. The IP-text
 * name of an unconfirmed caller has no aliases, so no DNS is done for it.
 */
static bool any_alias(const struct nlc_resolver *r, const char *name,
		      bool (*fn)(const void *arg, const char *host),
		      const void *arg)
{
	struct nlc_hostent *h;
	struct nlc_addr dummy;
	unsigned int i;
	bool hit = false;

	if (nlc_addr_parse(name, &dummy) == 0)
		return false;
	h = malloc(sizeof(*h));
	if (!h)
		return false;
	if (do_forward(r, name, h) == 0) {
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

static bool check_netgroup(const struct nlc_client *c,
			   const struct nlc_caller *who,
			   const struct nlc_resolver *r)
{
	struct ng_arg ng = { r, c->name + 1 };
	char host[NLC_HOST_NAMEMAX];
	char *dot;

	snprintf(host, sizeof(host), "%s", who->name);
	if (ng_fn(&ng, host))
		return true;
	if (any_alias(r, host, ng_fn, &ng))
		return true;
	/*
	 * The name is the IP text when reverse DNS was not confirmed. Like
	 * mountd, try the (unconfirmed) reverse name too.
	 */
	if (!who->confirmed &&
	    do_reverse(r, &who->addr, host, sizeof(host)) == 0 &&
	    ng_fn(&ng, host))
		return true;
	/* An unconfirmed caller's name was the IP text: asked already. */
	if (who->confirmed && ng_fn(&ng, who->ip))
		return true;
	/* The short name, when there is a real name with a domain. */
	if (strcmp(host, who->ip) == 0 || !host[0])
		return false;
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
		return wild_match(c->name, who->name) ||
		       any_alias(r, who->name, wild_fn, c->name);
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

			if ((int)c->type != t || !nlc_client_check(c, who, r))
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

static int libc_innetgr(void *cookie, const char *netgroup, const char *host)
{
	(void)cookie;
	return innetgr(netgroup, host, NULL, NULL) == 1;
}

const struct nlc_resolver nlc_resolver_libc = {
	.reverse = libc_reverse,
	.forward = libc_forward,
	.innetgr = libc_innetgr,
	.cookie = NULL,
};
