// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export client specs, caller resolution and the auth.unix.ip domain
 * string (daemon/lib/client.c), with a table-driven fake resolver.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include <stdlib.h>

#include "client.h"

/* ---- fake name services ------------------------------------------------- */

struct fake_ptr {
	const char *addr;
	const char *name;
};

struct fake_fwd {
	const char *name;
	const char *canon;
	const char *aliases[4];
	const char *addrs[NLC_CLIENT_ADDRMAX + 4];
};

struct fake_ng {
	const char *group;
	const char *host;
};

struct fake {
	const struct fake_ptr *ptr;
	const struct fake_fwd *fwd;
	const struct fake_ng *ng;
	int forward_err;	/* nonzero: every forward lookup fails so */
	int nreverse, nforward, naliases, ninnetgr;
	char asked[512];	/* innetgr hosts, ' '-separated */
};

static int fake_reverse(void *cookie, const struct nlc_addr *a, char *name,
			size_t size)
{
	struct fake *f = cookie;
	char ip[NLC_ADDR_STRLEN];
	const struct fake_ptr *p;

	f->nreverse++;
	assert_non_null(nlc_addr_ntop(a, ip, sizeof(ip)));
	for (p = f->ptr; p && p->addr; p++)
		if (strcmp(p->addr, ip) == 0) {
			snprintf(name, size, "%s", p->name);
			return 0;
		}
	return -ENOENT;
}

static int fake_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	struct fake *f = cookie;
	const struct fake_fwd *w;
	unsigned int i;

	f->nforward++;
	memset(h, 0, sizeof(*h));
	if (f->forward_err)
		return f->forward_err;
	for (w = f->fwd; w && w->name; w++) {
		if (strcmp(w->name, name) != 0)
			continue;
		snprintf(h->name, sizeof(h->name), "%s", w->canon ? w->canon : "");
		for (i = 0; i < 4 && w->aliases[i]; i++)
			snprintf(h->aliases[h->naliases++], NLC_HOST_NAMEMAX,
				 "%s", w->aliases[i]);
		for (i = 0; w->addrs[i] && h->naddrs < NLC_CLIENT_ADDRMAX; i++)
			assert_int_equal(nlc_addr_parse(w->addrs[i],
							&h->addrs[h->naddrs++]), 0);
		return 0;
	}
	return -ENOENT;
}

static int fake_aliases(void *cookie, const char *name, struct nlc_hostent *h)
{
	struct fake *f = cookie;
	const struct fake_fwd *w;
	unsigned int i;

	f->naliases++;
	memset(h, 0, sizeof(*h));
	for (w = f->fwd; w && w->name; w++) {
		if (strcmp(w->name, name) != 0)
			continue;
		for (i = 0; i < 4 && w->aliases[i]; i++)
			snprintf(h->aliases[h->naliases++], NLC_HOST_NAMEMAX,
				 "%s", w->aliases[i]);
		return 0;
	}
	return -ENOENT;
}

static int fake_innetgr(void *cookie, const char *group, const char *host)
{
	struct fake *f = cookie;
	const struct fake_ng *n;
	size_t len = strlen(f->asked);

	f->ninnetgr++;
	snprintf(f->asked + len, sizeof(f->asked) - len, "%s%s",
		 len ? " " : "", host);
	for (n = f->ng; n && n->group; n++)
		if (strcmp(n->group, group) == 0 && strcmp(n->host, host) == 0)
			return 1;
	return 0;
}

static struct fake F;
static const struct nlc_resolver R = {
	.reverse = fake_reverse,
	.forward = fake_forward,
	.aliases = fake_aliases,
	.innetgr = fake_innetgr,
	.cookie = &F,
};

static int reset(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	return 0;
}

/* A list built from a NULL-terminated spec array; asserts every add works. */
static void build(struct nlc_client_list *l, const char *const *specs)
{
	nlc_client_list_init(l);
	for (; *specs; specs++)
		assert_int_equal(nlc_client_list_add(l, *specs, NULL), 0);
}

/* auth.unix.ip for text against specs; returns the domain or "<neg>". */
static const char *answer(const struct nlc_client_list *l, const char *ip,
			  bool use_ipaddr)
{
	static char buf[1024];
	int rc = nlc_auth_unix_ip(l, &R, ip, use_ipaddr, buf, sizeof(buf));

	assert_true(rc == 0 || rc == 1);
	if (rc == 0) {
		assert_string_equal(buf, "");
		return "<neg>";
	}
	return buf;
}

/* Is ip held by a client whose lookup failed for now (spec, if not NULL)? */
static bool held(const struct nlc_client_list *l, const char *ip, const char *spec)
{
	const char *name = NULL;
	struct nlc_addr a;
	bool h;

	assert_int_equal(nlc_addr_parse(ip, &a), 0);
	h = nlc_client_list_held(l, &a, &name);
	if (h && spec)
		assert_string_equal(name, spec);
	return h;
}

/* ---- classification and parsing ----------------------------------------- */

static void test_gettype(void **state)
{
	static const struct {
		const char *spec;
		enum nlc_client_type type;
	} t[] = {
		{ "host1.example.com", NLC_CLIENT_FQDN },
		{ "host1", NLC_CLIENT_FQDN },
		{ "192.0.2.1", NLC_CLIENT_FQDN },	/* IP literal is FQDN */
		{ "2001:db8::1", NLC_CLIENT_FQDN },
		{ "a\\*b", NLC_CLIENT_FQDN },		/* escaped star */
		{ "192.0.2.0/24", NLC_CLIENT_SUBNET },
		{ "192.0.2.0/255.255.255.0", NLC_CLIENT_SUBNET },
		{ "2001:db8::/32", NLC_CLIENT_SUBNET },
		{ "*.example.com", NLC_CLIENT_WILDCARD },
		{ "host?", NLC_CLIENT_WILDCARD },
		{ "host[12]", NLC_CLIENT_WILDCARD },
		{ "10.*/8", NLC_CLIENT_WILDCARD },	/* first of * and / wins */
		{ "10.0.0.0/8*", NLC_CLIENT_SUBNET },
		{ "a\\/b", NLC_CLIENT_FQDN },		/* escaped slash */
		{ "@eng", NLC_CLIENT_NETGROUP },
		{ "@eng*", NLC_CLIENT_NETGROUP },	/* @ before wildcard */
		{ "*", NLC_CLIENT_ANONYMOUS },
		{ "", NLC_CLIENT_ANONYMOUS },
		{ "**", NLC_CLIENT_WILDCARD },
		{ "gss/krb5", NLC_CLIENT_GSS },
		{ "gss/krb5i", NLC_CLIENT_GSS },
		{ "gss/krb5p", NLC_CLIENT_GSS },
		{ "gss/*", NLC_CLIENT_GSS },		/* gss/ before wildcard */
		{ "gss", NLC_CLIENT_FQDN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (nlc_client_gettype(t[i].spec) != t[i].type)
			fail_msg("%s: type %d, want %d", t[i].spec,
				 nlc_client_gettype(t[i].spec), t[i].type);
	}
	assert_int_equal(nlc_client_gettype(NULL), NLC_CLIENT_ANONYMOUS);
	/* The enum order is the exports(5) precedence order. */
	assert_true(NLC_CLIENT_FQDN < NLC_CLIENT_SUBNET);
	assert_true(NLC_CLIENT_SUBNET < NLC_CLIENT_WILDCARD);
	assert_true(NLC_CLIENT_WILDCARD < NLC_CLIENT_NETGROUP);
	assert_true(NLC_CLIENT_NETGROUP < NLC_CLIENT_ANONYMOUS);
	assert_true(NLC_CLIENT_ANONYMOUS < NLC_CLIENT_GSS);
}

static void test_parse_subnets(void **state)
{
	static const char *const bad[] = {
		"192.0.2.0/33", "192.0.2.0/-1",
		"192.0.2.0/8x", "192.0.2.0/255.255.255", "/24",
		"192.0.2/24", "host.example.com/24", "2001:db8::/129",
		"2001:db8::/ffff:ffff::g", "2001:db8::/255.255.0.0",
		"10.0.0.0/8*", "fe80::1%eth0/64",
		"192.0.2.0/99999999999999999999",
	};
	struct nlc_client *c;
	char buf[NLC_ADDR_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		c = nlc_client_parse(bad[i]);
		if (c)
			fail_msg("%s parsed", bad[i]);
		assert_int_equal(errno, EINVAL);
	}

	c = nlc_client_parse("192.0.2.77/255.255.255.0");
	assert_non_null(c);
	assert_int_equal(c->type, NLC_CLIENT_SUBNET);
	assert_string_equal(c->name, "192.0.2.77/255.255.255.0");
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "255.255.255.0");
	nlc_client_free(c);

	c = nlc_client_parse("10.0.0.0/12");
	assert_non_null(c);
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "255.240.0.0");
	nlc_client_free(c);

	c = nlc_client_parse("2001:db8::/33");
	assert_non_null(c);
	assert_int_equal(c->mask.family, AF_INET6);
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "ffff:ffff:8000::");
	nlc_client_free(c);

	/* A v4-mapped subnet address stays IPv6 (as in mountd). */
	c = nlc_client_parse("::ffff:192.0.2.0/120");
	assert_non_null(c);
	assert_int_equal(c->net.family, AF_INET6);
	nlc_client_free(c);

	/* strtoul's reading, as mountd's: "" is 0, a sign is accepted. */
	c = nlc_client_parse("192.0.2.0/+8");
	assert_non_null(c);
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "255.0.0.0");
	nlc_client_free(c);
	c = nlc_client_parse("192.0.2.0/");
	assert_non_null(c);
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "255.255.255.255");
	nlc_client_free(c);

	/* An IPv6 mask may be spelled out. */
	c = nlc_client_parse("2001:db8::/ffff:ffff:ff00::");
	assert_non_null(c);
	assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
			    "ffff:ffff:ff00::");
	nlc_client_free(c);

	/* mountd's masks: /0 is all ones (IPv4), the first word (IPv6). */
	static const struct {
		const char *spec, *mask;
	} masks[] = {
		{ "10.0.0.0/0", "255.255.255.255" },
		{ "10.0.0.0/1", "128.0.0.0" },
		{ "10.0.0.0/31", "255.255.255.254" },
		{ "10.0.0.0/32", "255.255.255.255" },
		{ "::/0", "ffff:ffff::" },
		{ "::/1", "8000::" },
		{ "::/32", "ffff:ffff::" },
		{ "::/33", "ffff:ffff:8000::" },
		{ "::/64", "ffff:ffff:ffff:ffff::" },
		{ "::/96", "ffff:ffff:ffff:ffff:ffff:ffff::" },
		{ "::/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
		{ "::/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		c = nlc_client_parse(masks[i].spec);
		assert_non_null(c);
		assert_string_equal(nlc_addr_ntop(&c->mask, buf, sizeof(buf)),
				    masks[i].mask);
		/* a load-time warning for the /0 ones only */
		if (strstr(masks[i].spec, "/0"))
			assert_non_null(c->quirk);
		else
			assert_null(c->quirk);
		nlc_client_free(c);
	}

	/* Unclosed wildcard classes get a warning too; closed ones not. */
	static const struct {
		const char *spec;
		bool quirk;
	} wq[] = {
		{ "ws[1.example.com", true }, { "ws[1-", true },
		{ "ws[]", true }, { "ws[^]", true },
		{ "ws[]].x", false }, { "ws[^]].x", false },
		{ "ws\\[1*", false }, { "ws[a-c]*", false }, { "ws[1-]*", false },
	};

	for (i = 0; i < sizeof(wq) / sizeof(wq[0]); i++) {
		c = nlc_client_parse(wq[i].spec);
		assert_non_null(c);
		assert_int_equal(c->type, NLC_CLIENT_WILDCARD);
		if ((c->quirk != NULL) != wq[i].quirk)
			fail_msg("%s: quirk %s", wq[i].spec,
				 c->quirk ? c->quirk : "none");
		nlc_client_free(c);
	}

	/* An IP literal is an FQDN client that needs no DNS. */
	c = nlc_client_parse("192.0.2.1");
	assert_non_null(c);
	assert_int_equal(c->type, NLC_CLIENT_FQDN);
	assert_true(c->literal);
	assert_int_equal(c->naddrs, 1);
	nlc_client_free(c);

	c = nlc_client_parse("host.example.com");
	assert_non_null(c);
	assert_false(c->literal);
	assert_int_equal(c->naddrs, 0);
	nlc_client_free(c);
}

static void test_addr_parse(void **state)
{
	static const char *const bad[] = {
		"10.1", "010.0.0.1", "192.0.2.1 ", "host", "", "fe80::1%eth0",
		"192.0.2.256", "1:2:3:4:5:6:7:8:9",
	};
	struct nlc_addr a, b;
	struct sockaddr_in6 sin6;
	char buf[NLC_ADDR_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nlc_addr_parse(bad[i], &a) != -EINVAL)
			fail_msg("'%s' parsed", bad[i]);
	assert_int_equal(nlc_addr_parse(NULL, &a), -EINVAL);

	/* The kernel's uncompressed %pI6 text. */
	assert_int_equal(nlc_addr_parse("2001:0db8:0000:0000:0000:0000:0000:0001",
					&a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(nlc_addr_parse("2001:db8::1", &b), 0);
	assert_true(nlc_addr_equal(&a, &b));
	assert_string_equal(nlc_addr_ntop(&a, buf, sizeof(buf)), "2001:db8::1");

	/*
	 * v4-mapped stays IPv6, text and sockaddr alike, and is not the
	 * IPv4 address (mountd compares families as they are).
	 */
	assert_int_equal(nlc_addr_parse("::ffff:192.0.2.9", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(nlc_addr_parse("192.0.2.9", &b), 0);
	assert_false(nlc_addr_equal(&a, &b));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.9",
				   &sin6.sin6_addr), 1);
	assert_int_equal(nlc_addr_from_sockaddr((struct sockaddr *)&sin6,
						sizeof(sin6), &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_false(nlc_addr_equal(&a, &b));
	assert_int_equal(nlc_addr_from_sockaddr((struct sockaddr *)&sin6,
						sizeof(struct sockaddr_in), &a),
			 -EAFNOSUPPORT);
	/* So do the other v4-compatible forms. */
	assert_int_equal(nlc_addr_parse("::192.0.2.9", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_false(nlc_addr_equal(&a, &b));
}

/* ---- matching by address ------------------------------------------------ */

static void test_subnet_edges(void **state)
{
	static const char *const specs[] = {
		"0.0.0.0/0", NULL,
	};
	struct nlc_client_list l;

	(void)state;
	/*
	 * rpc.mountd 2.6.2 (the VM case): "0.0.0.0/0" is the host
	 * 0.0.0.0 only, so "0.0.0.0/0(ro) 127.0.0.0/8(rw)" gives the /8 rw
	 * and everyone else nothing.
	 */
	build(&l, specs);
	assert_string_equal(answer(&l, "203.0.113.5", false), "<neg>");
	assert_string_equal(answer(&l, "127.0.0.1", false), "<neg>");
	assert_string_equal(answer(&l, "0.0.0.0", false), "0.0.0.0/0");
	/* An IPv4 /0 does not cover IPv6. */
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0001",
				   false), "<neg>");
	nlc_client_list_free(&l);

	static const char *const both[] = { "0.0.0.0/0", "127.0.0.0/8", NULL };

	build(&l, both);
	assert_string_equal(answer(&l, "127.0.0.1", false), "127.0.0.0/8");
	assert_string_equal(answer(&l, "10.0.0.1", false), "<neg>");
	nlc_client_list_free(&l);

	/* "x.y.z.w/0" is the host x.y.z.w whatever the address. */
	static const char *const host0[] = { "10.1.2.3/0", NULL };

	build(&l, host0);
	assert_string_equal(answer(&l, "10.1.2.3", false), "10.1.2.3/0");
	assert_string_equal(answer(&l, "10.1.2.4", false), "<neg>");
	nlc_client_list_free(&l);

	/* "::/0": the addresses whose first 32 bits are zero. */
	static const char *const v6all[] = { "::/0", NULL };

	build(&l, v6all);
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0001",
				   false), "<neg>");
	assert_string_equal(answer(&l, "0000:0000:ffff:0000:0000:0000:0000:0001",
				   false), "::/0");
	assert_string_equal(answer(&l, "0000:0000:0000:0000:0000:0000:0000:0001",
				   false), "::/0");
	assert_string_equal(answer(&l, "0000:0001:0000:0000:0000:0000:0000:0001",
				   false), "<neg>");
	assert_string_equal(answer(&l, "203.0.113.5", false), "<neg>");
	nlc_client_list_free(&l);

	static const char *const hosts[] = {
		"192.0.2.7/32", "2001:db8::7/128", "198.51.100.0/255.255.255.128",
		"2001:db8:1::/48", NULL,
	};

	build(&l, hosts);
	assert_string_equal(answer(&l, "192.0.2.7", false), "192.0.2.7/32");
	assert_string_equal(answer(&l, "192.0.2.6", false), "<neg>");
	assert_string_equal(answer(&l, "192.0.2.8", false), "<neg>");
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0007",
				   false), "2001:db8::7/128");
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0006",
				   false), "<neg>");
	assert_string_equal(answer(&l, "198.51.100.127", false),
			    "198.51.100.0/255.255.255.128");
	assert_string_equal(answer(&l, "198.51.100.128", false), "<neg>");
	assert_string_equal(answer(&l, "2001:0db8:0001:ffff:0000:0000:0000:0001",
				   false), "2001:db8:1::/48");
	assert_string_equal(answer(&l, "2001:0db8:0002:0000:0000:0000:0000:0001",
				   false), "<neg>");
	/*
	 * A v4-mapped request is IPv6 (the kernel sends dotted quads for
	 * those, so only a hand-made request looks like this).
	 */
	assert_string_equal(answer(&l, "::ffff:192.0.2.7", false), "<neg>");
	nlc_client_list_free(&l);

	/* A v4-mapped spec never matches an IPv4 caller, as in mountd. */
	static const char *const mapped[] = {
		"::ffff:192.0.2.0/120", "::ffff:192.0.2.7", NULL,
	};

	build(&l, mapped);
	assert_string_equal(answer(&l, "192.0.2.7", false), "<neg>");
	assert_string_equal(answer(&l, "::ffff:192.0.2.7", false),
			    "::ffff:192.0.2.0/120,::ffff:192.0.2.7");
	nlc_client_list_free(&l);
}

static void test_literal_fqdn(void **state)
{
	static const char *const specs[] = {
		"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.2", NULL,
	};
	struct nlc_client_list l;

	(void)state;
	build(&l, specs);
	/* No lookups needed: not even at load time. */
	assert_int_equal(nlc_client_list_resolve(&l, &R, NULL), 0);
	assert_int_equal(F.nforward, 0);
	assert_string_equal(answer(&l, "192.0.2.1", false), "192.0.2.1");
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0001",
				   false), "2001:db8::1");
	/* A v4-mapped literal is IPv6: never an IPv4 caller (as mountd). */
	assert_string_equal(answer(&l, "192.0.2.2", false), "<neg>");
	assert_string_equal(answer(&l, "192.0.2.3", false), "<neg>");
	assert_int_equal(F.nreverse + F.nforward + F.ninnetgr, 0);
	nlc_client_list_free(&l);
}

/* ---- composition -------------------------------------------------------- */

static const struct fake_fwd fwd_hosts[] = {
	{ "host1.example.com", "host1.example.com", { NULL },
	  { "10.1.2.3", "2001:db8::3", NULL } },
	{ "alias1", "host1.example.com", { NULL }, { "10.1.2.3", NULL } },
	{ "Host2", "host2.example.com", { NULL }, { "10.1.2.4", NULL } },
	{ NULL },
};

static void test_compose_sorted(void **state)
{
	static const char *const specs[] = {
		"host1.example.com", "@eng", "10.0.0.0/8", "*", "gss/krb5",
		"alias1", "10.1.2.0/24", NULL,
	};
	static const struct fake_ng ng[] = {
		{ "eng", "10.1.2.3" }, { NULL },
	};
	/* A netgroup's address entry counts only for a host with a PTR. */
	static const struct fake_ptr ptr1[] = {
		{ "10.1.2.3", "host1.example.com" }, { NULL },
	};
	struct nlc_client_list l;

	(void)state;
	F.fwd = fwd_hosts;
	F.ng = ng;
	F.ptr = ptr1;
	build(&l, specs);
	assert_int_equal(nlc_client_list_resolve(&l, &R, NULL), 0);
	/* alias1 canonicalises to host1.example.com: listed once. */
	assert_string_equal(answer(&l, "10.1.2.3", false),
			    "*,10.0.0.0/8,10.1.2.0/24,@eng,host1.example.com");
	assert_string_equal(answer(&l, "10.9.9.9", false), "*,10.0.0.0/8");
	assert_string_equal(answer(&l, "192.0.2.1", false), "*");
	nlc_client_list_free(&l);

	/* Byte-wise: '@' < '[' < 'a', and '*' < 'b'. */
	static const char *const mixed[] = {
		"b*", "B*", "ab*", "a*", "a?", "@a", "@A", "[a]b*", NULL,
	};
	static const struct fake_ng ng2[] = {
		{ "a", "ab.example.com" }, { "A", "ab.example.com" }, { NULL },
	};
	static const struct fake_ptr ptr[] = {
		{ "10.0.0.1", "ab.example.com" }, { NULL },
	};
	static const struct fake_fwd fwd[] = {
		{ "ab.example.com", "ab.example.com", { NULL },
		  { "10.0.0.1", NULL } },
		{ NULL },
	};

	F.ptr = ptr;
	F.fwd = fwd;
	F.ng = ng2;
	build(&l, mixed);
	/* "B*" and "@A" are the same clients as "b*" and "@a". */
	assert_int_equal(l.n, 6);
	assert_string_equal(answer(&l, "10.0.0.1", false), "@a,[a]b*,a*,ab*");
	nlc_client_list_free(&l);
}

static void test_negative_default_ipaddr(void **state)
{
	static const char *const specs[] = { "10.0.0.0/8", NULL };
	static const char *const empty[] = { "", NULL };
	static const char *const gss[] = { "gss/krb5", "gss/krb5p", NULL };
	struct nlc_client_list l;
	char buf[64];

	(void)state;
	build(&l, specs);
	assert_string_equal(answer(&l, "10.0.0.1", false), "10.0.0.0/8");
	assert_string_equal(answer(&l, "11.0.0.1", false), "<neg>");
	/* use_ipaddr: "$" and the address text exactly as received. */
	assert_string_equal(answer(&l, "10.0.0.1", true), "$10.0.0.1");
	/* An unknown IP stays negative in use_ipaddr mode. */
	assert_string_equal(answer(&l, "11.0.0.1", true), "<neg>");
	assert_int_equal(nlc_auth_unix_ip(&l, &R, "not-an-ip", false, buf,
					  sizeof(buf)), -EINVAL);
	assert_int_equal(nlc_auth_unix_ip(&l, &R, "10.0.0.1", false, buf, 10),
			 -ENOSPC);
	assert_int_equal(nlc_auth_unix_ip(&l, &R, "10.0.0.1", true, buf, 9),
			 -ENOSPC);
	assert_int_equal(nlc_auth_unix_ip(&l, &R, "10.0.0.1", true, buf, 10), 1);
	assert_string_equal(buf, "$10.0.0.1");
	nlc_client_list_free(&l);

	static const char *const v6[] = { "2001:db8::/32", NULL };

	build(&l, v6);
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0001",
				   true),
			    "$2001:0db8:0000:0000:0000:0000:0000:0001");
	nlc_client_list_free(&l);

	/* A match whose names are all empty is DEFAULT. */
	build(&l, empty);
	assert_string_equal(answer(&l, "192.0.2.1", false), "DEFAULT");
	assert_int_equal(nlc_auth_unix_ip(&l, &R, "192.0.2.1", false, buf, 7),
			 -ENOSPC);
	nlc_client_list_free(&l);

	/* GSS pseudo clients never match by IP; an empty list neither. */
	build(&l, gss);
	assert_string_equal(answer(&l, "192.0.2.1", false), "<neg>");
	nlc_client_list_free(&l);
	nlc_client_list_init(&l);
	assert_string_equal(answer(&l, "192.0.2.1", false), "<neg>");
}

static void test_use_ipaddr_threshold(void **state)
{
	struct nlc_client_list l;
	char spec[128];
	int i;

	(void)state;
	nlc_client_list_init(&l);
	assert_false(nlc_client_use_ipaddr(&l, NLC_IPADDR_AUTO));
	assert_true(nlc_client_use_ipaddr(&l, NLC_IPADDR_FORCED));
	/* 8 netgroups of 63 characters: 8 * 64 = 512, not above. */
	for (i = 0; i < 8; i++) {
		snprintf(spec, sizeof(spec), "@%062d", i);
		assert_int_equal(strlen(spec), 63);
		assert_int_equal(nlc_client_list_add(&l, spec, NULL), 0);
	}
	/* Long non-netgroup names do not count. */
	memset(spec, 'h', 100);
	spec[100] = '\0';
	assert_int_equal(nlc_client_list_add(&l, spec, NULL), 0);
	assert_false(nlc_client_use_ipaddr(&l, NLC_IPADDR_AUTO));
	/* A duplicate netgroup is one client. */
	snprintf(spec, sizeof(spec), "@%062d", 0);
	assert_int_equal(nlc_client_list_add(&l, spec, NULL), 0);
	assert_false(nlc_client_use_ipaddr(&l, NLC_IPADDR_AUTO));
	assert_int_equal(nlc_client_list_add(&l, "@x", NULL), 0);
	assert_true(nlc_client_use_ipaddr(&l, NLC_IPADDR_AUTO));
	nlc_client_list_free(&l);
}

/* ---- wildcards ---------------------------------------------------------- */

static const struct fake_ptr wild_ptr[] = {
	{ "10.0.0.1", "ws1.eng.example.com" },
	{ "10.0.0.2", "ws2.eng.example.com" },	/* forward lacks 10.0.0.2 */
	{ "10.0.0.3", "WS3.Eng.Example.COM" },	/* upper case */
	{ "10.0.0.4", "odd.example.net" },	/* alias matches */
	{ "2001:db8::5", "v6.eng.example.com" },
	{ NULL },
};

static const struct fake_fwd wild_fwd[] = {
	{ "ws1.eng.example.com", "ws1.eng.example.com", { NULL },
	  { "10.0.0.1", NULL } },
	{ "ws2.eng.example.com", "ws2.eng.example.com", { NULL },
	  { "10.0.0.99", NULL } },
	{ "WS3.Eng.Example.COM", "ws3.eng.example.com", { NULL },
	  { "10.0.0.3", NULL } },
	{ "odd.example.net", "odd.example.net", { "build7.eng.example.com" },
	  { "10.0.0.4", NULL } },
	{ "v6.eng.example.com", "v6.eng.example.com", { NULL },
	  { "10.0.0.200", "2001:0db8::5", NULL } },
	{ NULL },
};

static void test_wildcard(void **state)
{
	static const char *const specs[] = { "*.eng.example.com", NULL };
	struct nlc_client_list l;
	struct nlc_caller who;
	struct nlc_addr a;

	(void)state;
	F.ptr = wild_ptr;
	F.fwd = wild_fwd;
	build(&l, specs);

	assert_int_equal(nlc_addr_parse("10.0.0.1", &a), 0);
	nlc_caller_resolve(&who, &a, &l, &R);
	assert_true(who.named);
	assert_string_equal(who.name, "ws1.eng.example.com");
	assert_string_equal(who.ip, "10.0.0.1");
	/* One reverse lookup, no forward confirmation (it decides nothing). */
	assert_int_equal(F.nreverse, 1);
	assert_int_equal(F.nforward, 0);

	assert_string_equal(answer(&l, "10.0.0.1", false), "*.eng.example.com");
	/*
	 * Not forward-confirmed: mountd 2.6.2 matches the reverse name all
	 * the same (client_resolve's confirmed lookup ends in the same
	 * numeric addrinfo either way, and check_wildcard asks PTR again).
	 */
	assert_string_equal(answer(&l, "10.0.0.2", false), "*.eng.example.com");
	/* Host names compare without regard to case. */
	assert_string_equal(answer(&l, "10.0.0.3", false), "*.eng.example.com");
	/* An alias (gethostbyname) of the reverse name may match. */
	F.naliases = 0;
	assert_string_equal(answer(&l, "10.0.0.4", false), "*.eng.example.com");
	assert_int_equal(F.naliases, 1);
	/* IPv6 in kernel form. */
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0005",
				   false), "*.eng.example.com");
	/* No PTR record at all: no match, no further lookups. */
	F.nforward = F.naliases = 0;
	assert_string_equal(answer(&l, "10.0.0.77", false), "<neg>");
	assert_int_equal(F.nforward + F.naliases, 0);
	nlc_client_list_free(&l);

	/*
	 * A wildcard on address text: mountd never matches it against the
	 * address, only against the PTR name (the VM case: spec
	 * 127.0.5.*, client 127.0.5.5 without a name, mount refused).
	 */
	static const char *const ipwild[] = { "10.0.0.*", NULL };

	build(&l, ipwild);
	assert_string_equal(answer(&l, "10.0.0.77", false), "<neg>");
	assert_string_equal(answer(&l, "10.0.0.2", false), "<neg>");
	assert_string_equal(answer(&l, "10.0.0.1", false), "<neg>");
	nlc_client_list_free(&l);

	/* "**" is a wildcard too: it needs a name. */
	static const char *const stars[] = { "**", NULL };

	build(&l, stars);
	assert_string_equal(answer(&l, "10.0.0.77", false), "<neg>");
	assert_string_equal(answer(&l, "10.0.0.1", false), "**");
	nlc_client_list_free(&l);
}

static void test_wildcard_patterns(void **state)
{
	static const struct {
		const char *pat;
		const char *name;
		bool match;
	} t[] = {
		{ "ws?.eng.example.com", "ws1.eng.example.com", true },
		{ "ws?.eng.example.com", "ws12.eng.example.com", false },
		{ "ws[0-4].eng.example.com", "ws1.eng.example.com", true },
		{ "ws[2-4].eng.example.com", "ws1.eng.example.com", false },
		/* wildmat negates with '^' only; '!' is a member */
		{ "ws[!2-4].eng.example.com", "ws1.eng.example.com", false },
		{ "ws[!2-4].eng.example.com", "ws3.eng.example.com", true },
		{ "ws[!2-4].eng.example.com", "ws!.eng.example.com", true },
		{ "ws[^1].eng.example.com", "ws1.eng.example.com", false },
		{ "ws[^2].eng.example.com", "ws1.eng.example.com", true },
		{ "ws[]1].eng.example.com", "ws1.eng.example.com", true },
		{ "ws[]1].eng.example.com", "ws].eng.example.com", true },
		{ "ws[^]].eng.example.com", "ws1.eng.example.com", true },
		{ "ws[^]].eng.example.com", "ws].eng.example.com", false },
		{ "ws[-1].eng.example.com", "ws-.eng.example.com", true },
		{ "ws[1-].eng.example.com", "ws-.eng.example.com", true },
		{ "ws[1.eng.example.com", "ws1.eng.example.com", false },
		{ "ws[1-", "ws1", false },
		{ "*", "ws1.eng.example.com", false },	/* "*" is anonymous */
		{ "**.com", "ws1.eng.example.com", true },
		{ "*.example.com", "example.com", false },
		{ "ws1*", "ws1.eng.example.com", true },
		{ "*1*", "ws1.eng.example.com", true },
		{ "*.eng.*.com", "ws1.eng.example.com", true },
		{ "*.eng.*.org", "ws1.eng.example.com", false },
		{ "ws\\1*", "ws1.eng.example.com", true },
		{ "ws1\\", "ws1", false },
		{ "*.EXAMPLE.com", "ws1.eng.example.com", true },
		/* single members ignore case, ranges do not */
		{ "ws[Q]*", "wsq.eng.example.com", true },
		{ "ws[A-Z]*", "wsq.eng.example.com", false },
		{ "ws[a-z]*", "wsq.eng.example.com", true },
		{ "ws[a-z]*", "WSQ.eng.example.com", false },
		{ "WS[a-z]*", "wsq.eng.example.com", true },
		/* '\' is an ordinary member inside a class */
		{ "ws[\\]1", "ws\\1", true },
		{ "*com?", "ws1.eng.example.com", false },
		{ "ws?", "ws", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *specs[] = { t[i].pat, "@none", NULL };
		const struct fake_ptr ptr[] = {
			{ "10.0.0.1", t[i].name }, { NULL },
		};
		struct nlc_client_list l;
		const char *got;

		F.ptr = ptr;
		build(&l, specs);
		got = answer(&l, "10.0.0.1", false);
		if (strcmp(t[i].pat, "*") == 0)
			assert_string_equal(got, "*");	/* anonymous */
		else if (t[i].match != (strcmp(got, t[i].pat) == 0))
			fail_msg("'%s' vs '%s': got '%s'", t[i].pat, t[i].name,
				 got);
		nlc_client_list_free(&l);
	}
}

static void test_no_dns_without_wildcards(void **state)
{
	static const char *const specs[] = {
		"10.0.0.0/8", "*", "192.0.2.1", "gss/krb5", NULL,
	};
	struct nlc_client_list l;
	struct nlc_caller who;
	struct nlc_addr a;

	(void)state;
	F.ptr = wild_ptr;
	F.fwd = wild_fwd;
	build(&l, specs);
	assert_int_equal(nlc_addr_parse("10.0.0.1", &a), 0);
	nlc_caller_resolve(&who, &a, &l, &R);
	assert_false(who.named);
	assert_string_equal(who.name, "");
	assert_string_equal(answer(&l, "10.0.0.1", false), "*,10.0.0.0/8");
	assert_int_equal(F.nreverse + F.nforward + F.naliases + F.ninnetgr, 0);
	nlc_client_list_free(&l);

	/* A NULL resolver (or NULL members) means "not found". */
	static const char *const wild[] = { "*.example.com", "@g", NULL };
	static const struct nlc_resolver none = { 0 };

	build(&l, wild);
	nlc_caller_resolve(&who, &a, &l, &none);
	assert_false(who.named);
	assert_false(nlc_client_check(l.v[0], &who, NULL));
	assert_false(nlc_client_check(l.v[1], &who, &none));
	nlc_client_list_free(&l);
}

/* ---- netgroups ---------------------------------------------------------- */

static void test_netgroup(void **state)
{
	static const char *const specs[] = { "@eng", NULL };
	static const struct fake_ptr ptr[] = {
		{ "10.0.0.1", "ws1.eng.example.com" },
		{ "10.0.0.2", "ws2.eng.example.com" },	/* not confirmed */
		{ "10.0.0.4", "odd.example.net" },	/* alias */
		{ "10.0.0.5", "short.example.com" },	/* short name */
		{ "10.0.0.7", "seven.example.com" },	/* nothing */
		{ "10.0.0.9", "nine.example.com" },	/* listed by address */
		{ "10.0.0.10", "10.0.0.11" },		/* a PTR that is an address */
		{ "10.0.0.11", "eleven.example.com" },
		{ "2001:db8::6", "six.example.com" },
		{ NULL },
	};
	static const struct fake_fwd fwd[] = {
		{ "ws1.eng.example.com", NULL, { NULL }, { "10.0.0.1", NULL } },
		{ "ws2.eng.example.com", NULL, { NULL }, { "10.0.0.99", NULL } },
		{ "odd.example.net", NULL, { "build7" }, { "10.0.0.4", NULL } },
		{ "short.example.com", NULL, { NULL }, { "10.0.0.5", NULL } },
		{ "seven.example.com", NULL, { NULL }, { "10.0.0.7", NULL } },
		{ NULL },
	};
	static const struct fake_ng ng[] = {
		{ "eng", "ws1.eng.example.com" },
		{ "eng", "ws2.eng.example.com" },
		{ "eng", "build7" },
		{ "eng", "short" },
		{ "eng", "10.0.0.6" },
		{ "eng", "10.0.0.9" },
		{ "eng", "eleven.example.com" },
		{ "eng", "2001:db8::6" },
		{ "eng", "0:0:2001:db8::" },	/* what mountd asks for 2001:db8::6 */
		{ "other", "seven.example.com" },
		{ NULL },
	};
	struct nlc_client_list l;

	(void)state;
	F.ptr = ptr;
	F.fwd = fwd;
	F.ng = ng;
	build(&l, specs);

	assert_string_equal(answer(&l, "10.0.0.1", false), "@eng");
	assert_string_equal(F.asked, "ws1.eng.example.com");
	F.asked[0] = '\0';
	/* Netgroups need no forward confirmation. */
	assert_string_equal(answer(&l, "10.0.0.2", false), "@eng");
	assert_string_equal(F.asked, "ws2.eng.example.com");
	F.asked[0] = '\0';
	assert_string_equal(answer(&l, "10.0.0.4", false), "@eng");
	assert_string_equal(F.asked, "odd.example.net build7");
	F.asked[0] = '\0';
	assert_string_equal(answer(&l, "10.0.0.5", false), "@eng");
	assert_string_equal(F.asked, "short.example.com 10.0.0.5 short");
	F.asked[0] = '\0';
	/* A host with a name is also asked about by address. */
	assert_string_equal(answer(&l, "10.0.0.9", false), "@eng");
	assert_string_equal(F.asked, "nine.example.com 10.0.0.9");
	F.asked[0] = '\0';
	/* A PTR name that is an address: its own PTR name is asked. */
	assert_string_equal(answer(&l, "10.0.0.10", false), "@eng");
	assert_string_equal(F.asked, "10.0.0.11 eleven.example.com");
	F.asked[0] = '\0';
	/* No PTR: mountd matches nothing, not even a listed address. */
	assert_string_equal(answer(&l, "10.0.0.6", false), "<neg>");
	assert_string_equal(F.asked, "");
	/*
	 * IPv6: mountd formats the address from the wrong offset; the real
	 * text is never asked, the shifted one is.
	 */
	assert_string_equal(answer(&l, "2001:0db8:0000:0000:0000:0000:0000:0006",
				   false), "@eng");
	assert_string_equal(F.asked, "six.example.com 0:0:2001:db8::");
	F.asked[0] = '\0';
	/* Member of another group only. */
	assert_string_equal(answer(&l, "10.0.0.7", false), "<neg>");
	assert_string_equal(F.asked, "seven.example.com 10.0.0.7 seven");
	F.asked[0] = '\0';
	/* No DNS at all: nothing is asked. */
	assert_string_equal(answer(&l, "10.0.0.8", false), "<neg>");
	assert_string_equal(F.asked, "");
	nlc_client_list_free(&l);
}

/* ---- load-time FQDN resolution ------------------------------------------ */

static void test_fqdn_resolution(void **state)
{
	static const char *const specs[] = {
		"host1.example.com", "Host2", "gone.example.com", NULL,
	};
	struct nlc_client_list gen1, gen2, gen3;
	struct nlc_client *c;

	(void)state;
	F.fwd = fwd_hosts;
	build(&gen1, specs);
	/* Unresolved FQDN clients match nothing. */
	assert_string_equal(answer(&gen1, "10.1.2.3", false), "<neg>");
	assert_int_equal(nlc_client_list_resolve(&gen1, &R, NULL), 1);
	assert_string_equal(answer(&gen1, "10.1.2.3", false),
			    "host1.example.com");
	assert_string_equal(answer(&gen1, "2001:0db8:0000:0000:0000:0000:0000:0003",
				   false), "host1.example.com");
	/* The domain names the canonical name, not the spec. */
	assert_string_equal(answer(&gen1, "10.1.2.4", false), "host2.example.com");
	assert_int_equal(nlc_client_list_add(&gen1, "gone.example.com", &c), 0);
	assert_int_equal(c->naddrs, 0);
	assert_int_equal(c->nheld, 0);

	/* Reload while DNS fails for now: as in rpc.mountd the clients match
	 * nothing, but they hold their last good addresses, whose requests
	 * wait (nlc_client_list_held). */
	F.forward_err = -EAGAIN;
	build(&gen2, specs);
	assert_int_equal(nlc_client_list_resolve(&gen2, &R, &gen1), 3);
	assert_string_equal(answer(&gen2, "10.1.2.3", false), "<neg>");
	assert_string_equal(answer(&gen2, "10.1.2.4", false), "<neg>");
	assert_true(held(&gen2, "10.1.2.3", "host1.example.com"));
	assert_true(held(&gen2, "10.1.2.4", "Host2"));
	assert_false(held(&gen2, "10.9.9.9", NULL));
	assert_int_equal(nlc_client_list_add(&gen2, "host2", &c), 0);
	assert_int_equal(c->naddrs, 0);
	assert_int_equal(c->nheld, 1);
	assert_string_equal(c->spec, "Host2");
	assert_string_equal(c->name, "host2.example.com");
	/* Without a previous generation there is nothing to hold. */
	build(&gen3, specs);
	assert_int_equal(nlc_client_list_resolve(&gen3, &R, NULL), 3);
	assert_string_equal(answer(&gen3, "10.1.2.3", false), "<neg>");
	assert_false(held(&gen3, "10.1.2.3", NULL));
	nlc_client_list_free(&gen3);

	/* A name that is gone (-ENOENT) holds nothing: refused, as in mountd. */
	F.forward_err = -ENOENT;
	build(&gen3, specs);
	assert_int_equal(nlc_client_list_resolve(&gen3, &R, &gen1), 3);
	assert_false(held(&gen3, "10.1.2.3", NULL));
	assert_string_equal(answer(&gen3, "10.1.2.3", false), "<neg>");
	nlc_client_list_free(&gen3);

	/* Re-resolving in place holds its own addresses... */
	F.forward_err = -EAGAIN;
	assert_int_equal(nlc_client_list_resolve(&gen1, &R, &gen1), 3);
	assert_string_equal(answer(&gen1, "10.1.2.3", false), "<neg>");
	assert_int_equal(gen1.v[0]->nheld, 2);
	assert_int_equal(gen1.v[2]->nheld, 0);	/* never resolved: nothing */
	/* ...a second failure keeps holding them... */
	assert_int_equal(nlc_client_list_resolve(&gen1, &R, &gen1), 3);
	assert_int_equal(gen1.v[0]->nheld, 2);
	/* ...and new data replaces them once DNS answers; a name now
	 * unknown holds nothing. */
	F.forward_err = 0;
	static const struct fake_fwd moved[] = {
		{ "host1.example.com", "h1.example.org", { NULL },
		  { "10.1.2.30", NULL } },
		{ NULL },
	};
	F.fwd = moved;
	assert_int_equal(nlc_client_list_resolve(&gen2, &R, &gen1), 2);
	assert_string_equal(answer(&gen2, "10.1.2.3", false), "<neg>");
	assert_string_equal(answer(&gen2, "10.1.2.30", false), "h1.example.org");
	assert_int_equal(gen2.v[0]->nheld, 0);
	assert_int_equal(gen2.v[1]->nheld, 0);
	assert_false(held(&gen2, "10.1.2.4", NULL));
	nlc_client_list_free(&gen2);
	nlc_client_list_free(&gen1);
}

static void test_fqdn_addrmax(void **state)
{
	static const struct fake_fwd many[] = {
		{ "many.example.com", "many.example.com", { NULL },
		  { "10.0.0.1", "10.0.0.1", "::ffff:10.0.0.2", "10.0.0.3",
		    "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8",
		    "10.0.0.9", "10.0.0.10", "10.0.0.11", "10.0.0.12",
		    "10.0.0.13", "10.0.0.14", "10.0.0.15", "10.0.0.16",
		    "10.0.0.17", NULL } },
		{ NULL },
	};
	static const char *const specs[] = { "many.example.com", NULL };
	struct nlc_client_list l;

	(void)state;
	F.fwd = many;
	build(&l, specs);
	assert_int_equal(nlc_client_list_resolve(&l, &R, NULL), 0);
	/* The fake hands over the first 16; the duplicate is dropped. */
	assert_int_equal(l.v[0]->naddrs, 15);
	assert_string_equal(answer(&l, "10.0.0.3", false), "many.example.com");
	/* The v4-mapped address is IPv6: not 10.0.0.2. */
	assert_string_equal(answer(&l, "10.0.0.2", false), "<neg>");
	assert_string_equal(answer(&l, "10.0.0.16", false), "<neg>");
	nlc_client_list_free(&l);
}

/* ---- lists and membership ----------------------------------------------- */

static void test_list_and_member(void **state)
{
	struct nlc_client_list l;
	struct nlc_client *a, *b;

	(void)state;
	nlc_client_list_init(&l);
	assert_int_equal(nlc_client_list_add(&l, "Host.Example.com", &a), 0);
	assert_int_equal(nlc_client_list_add(&l, "host.example.COM", &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(nlc_client_list_add(&l, "@Eng", &a), 0);
	assert_int_equal(nlc_client_list_add(&l, "@eng", &b), 0);
	assert_ptr_equal(a, b);
	assert_string_equal(a->name, "@Eng");
	assert_int_equal(nlc_client_list_add(&l, "10.0.0.0/33", NULL), -EINVAL);
	assert_int_equal(nlc_client_list_add(&l, NULL, &a), 0);
	assert_int_equal(a->type, NLC_CLIENT_ANONYMOUS);
	assert_int_equal(l.n, 3);
	for (int i = 0; i < 20; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.%d.0.0/16", i);
		assert_int_equal(nlc_client_list_add(&l, s, NULL), 0);
	}
	assert_int_equal(l.n, 23);
	assert_true(nlc_client_list_has(&l, NLC_CLIENT_SUBNET));
	assert_false(nlc_client_list_has(&l, NLC_CLIENT_WILDCARD));
	nlc_client_list_free(&l);
	assert_int_equal(l.n, 0);

	assert_true(nlc_client_member("*,10.0.0.0/8,@eng", "@eng"));
	assert_true(nlc_client_member("*,10.0.0.0/8,@eng", "*"));
	assert_true(nlc_client_member("*,10.0.0.0/8,@eng", "10.0.0.0/8"));
	assert_false(nlc_client_member("*,10.0.0.0/8,@eng", "10.0.0.0"));
	assert_false(nlc_client_member("*,10.0.0.0/8,@eng", "@en"));
	assert_false(nlc_client_member("*,10.0.0.0/8,@eng", "@ENG"));
	assert_false(nlc_client_member("host1", "host"));
	assert_true(nlc_client_member("host1", "host1"));
}

/* Many clients: the hash index finds each once, ignoring case. */
static void test_list_many(void **state)
{
	struct nlc_client_list l;
	struct nlc_client *a, *b;
	char spec[64];
	int i;

	(void)state;
	nlc_client_list_init(&l);
	for (i = 0; i < 5000; i++) {
		snprintf(spec, sizeof(spec), "host%d.example.com", i);
		assert_int_equal(nlc_client_list_add(&l, spec, &a), 0);
		snprintf(spec, sizeof(spec), "10.%d.%d.0/24", i / 256, i % 256);
		assert_int_equal(nlc_client_list_add(&l, spec, NULL), 0);
	}
	assert_int_equal(l.n, 10000);
	for (i = 0; i < 5000; i += 7) {
		snprintf(spec, sizeof(spec), "HOST%d.Example.COM", i);
		assert_int_equal(nlc_client_list_add(&l, spec, &a), 0);
		snprintf(spec, sizeof(spec), "host%d.example.com", i);
		assert_int_equal(nlc_client_list_add(&l, spec, &b), 0);
		assert_ptr_equal(a, b);
		assert_string_equal(a->spec, spec);
	}
	assert_int_equal(l.n, 10000);
	nlc_client_list_free(&l);
}

static void test_compose_nospace(void **state)
{
	static const char *const specs[] = { "*", "10.0.0.0/8", NULL };
	struct nlc_client_list l;
	struct nlc_caller who;
	struct nlc_addr a;
	char buf[32];

	(void)state;
	build(&l, specs);
	assert_int_equal(nlc_addr_parse("10.0.0.1", &a), 0);
	nlc_caller_resolve(&who, &a, &l, &R);
	/* "*,10.0.0.0/8" is 12 bytes plus NUL. */
	assert_int_equal(nlc_client_compose(&l, &who, &R, buf, 12), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(nlc_client_compose(&l, &who, &R, buf, 13), 2);
	assert_string_equal(buf, "*,10.0.0.0/8");
	assert_int_equal(nlc_client_compose(&l, &who, &R, buf, 0), -ENOSPC);
	nlc_client_list_free(&l);
}

/* ---- choosing among exports of one path -------------------------------- */

#define CAND(t, v4, cm, len) { NLC_CLIENT_##t, v4, cm, len }

static void test_export_choose(void **state)
{
	bool arb;

	(void)state;
	assert_int_equal(nlc_export_choose(NULL, 0, &arb), -1);
	assert_false(arb);

	/* Type order beats list order. */
	const struct nlc_export_cand a[] = {
		CAND(ANONYMOUS, false, false, 4), CAND(SUBNET, false, false, 4),
		CAND(NETGROUP, false, false, 4),
	};
	assert_int_equal(nlc_export_choose(a, 3, &arb), 1);
	assert_false(arb);

	/* Same type: the first in list order, flagged as arbitrary. */
	const struct nlc_export_cand b[] = {
		CAND(WILDCARD, false, false, 4), CAND(ANONYMOUS, false, false, 4),
		CAND(WILDCARD, false, false, 4),
	};
	assert_int_equal(nlc_export_choose(b, 3, &arb), 0);
	assert_true(arb);
	/* Different types tie silently. */
	assert_int_equal(nlc_export_choose(b, 2, &arb), 0);
	assert_false(arb);

	/* V4ROOT loses to anything, even of a later type. */
	const struct nlc_export_cand c[] = {
		CAND(ANONYMOUS, false, false, 1), CAND(FQDN, true, false, 1),
		CAND(FQDN, true, false, 1),
	};
	assert_int_equal(nlc_export_choose(c, 3, &arb), 0);
	assert_false(arb);
	assert_int_equal(nlc_export_choose(c + 1, 2, &arb), 0);

	/* crossmnt on either side: the longer path wins, in any order. */
	const struct nlc_export_cand d[] = {
		CAND(FQDN, false, true, 4), CAND(SUBNET, false, false, 9),
		CAND(SUBNET, false, false, 2),
	};
	assert_int_equal(nlc_export_choose(d, 3, &arb), 1);
	/* Only the current choice is compared: 9 vs 2 has no crossmnt. */
	assert_true(arb);
	assert_int_equal(nlc_export_choose(d, 2, &arb), 1);
	assert_false(arb);
	const struct nlc_export_cand e[] = {
		CAND(FQDN, false, false, 9), CAND(SUBNET, false, true, 4),
	};
	assert_int_equal(nlc_export_choose(e, 2, &arb), 0);
	const struct nlc_export_cand e2[] = {
		CAND(FQDN, false, false, 4), CAND(SUBNET, false, true, 9),
	};
	assert_int_equal(nlc_export_choose(e2, 2, &arb), 1);
	/* Without crossmnt, a longer path does not matter. */
	const struct nlc_export_cand f[] = {
		CAND(FQDN, false, false, 4), CAND(FQDN, false, false, 9),
	};
	assert_int_equal(nlc_export_choose(f, 2, NULL), 0);
	assert_int_equal(nlc_export_choose(f, 2, &arb), 0);
	assert_true(arb);
	/* crossmnt, equal lengths: first kept, same type flagged. */
	const struct nlc_export_cand g[] = {
		CAND(FQDN, false, true, 4), CAND(FQDN, false, false, 4),
	};
	assert_int_equal(nlc_export_choose(g, 2, &arb), 0);
	assert_true(arb);
}

static void set_addrs(struct nlc_client *c, const char *name,
		      const char *a0, const char *a1)
{
	free(c->name);
	c->name = strdup(name);
	assert_non_null(c->name);
	c->naddrs = 0;
	if (a0)
		assert_int_equal(nlc_addr_parse(a0, &c->addrs[c->naddrs++]), 0);
	if (a1)
		assert_int_equal(nlc_addr_parse(a1, &c->addrs[c->naddrs++]), 0);
}

static void test_list_merge(void **state)
{
	/* issue 9 item 3: rpc.mountd's client_lookup merges FQDN specs by
	 * shared address into the first client holding one */
	struct nlc_client_list l;
	struct nlc_client *a, *b, *c, *d, *lit, *net;
	struct nlc_caller who;
	struct nlc_addr ad;
	char buf[256];

	(void)state;
	nlc_client_list_init(&l);
	assert_int_equal(nlc_client_list_add(&l, "hosta", &a), 0);
	assert_int_equal(nlc_client_list_add(&l, "10.0.0.0/8", &net), 0);
	assert_int_equal(nlc_client_list_add(&l, "hostb", &b), 0);
	assert_int_equal(nlc_client_list_add(&l, "hostc", &c), 0);
	assert_int_equal(nlc_client_list_add(&l, "hostd", &d), 0);
	assert_int_equal(nlc_client_list_add(&l, "10.9.9.9", &lit), 0);
	set_addrs(a, "a.example", "10.0.0.1", NULL);
	set_addrs(b, "b.example", "10.0.0.2", "10.0.0.1");
	set_addrs(c, "c.example", "10.0.0.2", NULL);	/* only b's other */
	set_addrs(d, "d.example", NULL, NULL);		/* unresolved */
	assert_int_equal(nlc_client_list_merge(&l), 1);
	assert_ptr_equal(b->merged, a);
	assert_true(b->merged_lossy);
	/* c shares only with b, which is no client of its own: c is */
	assert_null(c->merged);
	assert_null(a->merged);
	assert_null(d->merged);
	assert_null(net->merged);
	assert_ptr_equal(nlc_client_owner(b), a);
	assert_ptr_equal(nlc_client_owner(c), c);
	assert_null(lit->merged);

	/* an IP literal of a resolved address merges too (mountd resolves
	 * literals like names) */
	set_addrs(lit, "10.9.9.9", "10.0.0.1", NULL);
	assert_int_equal(nlc_client_list_merge(&l), 2);
	assert_ptr_equal(lit->merged, a);
	assert_false(lit->merged_lossy);

	/* composition: merged specs are no clients; b's other address
	 * 10.0.0.2 is matched by c (and the subnet) only */
	assert_int_equal(nlc_addr_parse("10.0.0.1", &ad), 0);
	nlc_caller_resolve(&who, &ad, &l, NULL);
	assert_int_equal(nlc_client_compose(&l, &who, NULL, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "10.0.0.0/8,a.example");
	assert_int_equal(nlc_addr_parse("10.0.0.2", &ad), 0);
	nlc_caller_resolve(&who, &ad, &l, NULL);
	assert_int_equal(nlc_client_compose(&l, &who, NULL, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "10.0.0.0/8,c.example");
	nlc_client_list_free(&l);
}

/* The merge over many clients (an address index, not a scan of every
 * earlier client) gives what the rule says, checked against the rule
 * written out naively on random lists: 400 clients with 1-3 addresses
 * from a pool of 300. */
static void test_list_merge_many(void **state)
{
	enum { N = 400 };
	struct nlc_client_list l;
	struct nlc_client *c[N], *want[N];
	unsigned int seed = 12345, nmerged, expect;
	size_t i, j, k, m;

	(void)state;
	for (int round = 0; round < 5; round++) {
		nlc_client_list_init(&l);
		for (i = 0; i < N; i++) {
			char spec[32];

			snprintf(spec, sizeof(spec), "h%zu.example", i);
			assert_int_equal(nlc_client_list_add(&l, spec, &c[i]), 0);
			c[i]->naddrs = 1 + rand_r(&seed) % 3;
			for (k = 0; k < c[i]->naddrs; k++) {
				char ip[32];

				snprintf(ip, sizeof(ip), "10.1.%u.%u",
					 (unsigned int)(rand_r(&seed) % 300) / 256,
					 (unsigned int)(rand_r(&seed) % 300) % 256);
				assert_int_equal(nlc_addr_parse(ip, &c[i]->addrs[k]), 0);
			}
			if (rand_r(&seed) % 10 == 0)
				c[i]->naddrs = 0;	/* unresolved: no part */
		}
		/* the rule: the first earlier client that merged into nothing
		 * and shares an address */
		expect = 0;
		for (i = 0; i < N; i++) {
			want[i] = NULL;
			for (j = 0; j < i && c[i]->naddrs; j++) {
				bool share = false;

				if (want[j] || !c[j]->naddrs)
					continue;
				for (k = 0; k < c[i]->naddrs; k++)
					for (m = 0; m < c[j]->naddrs; m++)
						share |= nlc_addr_equal(&c[i]->addrs[k],
									&c[j]->addrs[m]);
				if (share) {
					want[i] = c[j];
					expect++;
					break;
				}
			}
		}
		nmerged = nlc_client_list_merge(&l);
		assert_int_equal(nmerged, expect);
		assert_true(expect > 0);
		for (i = 0; i < N; i++)
			assert_ptr_equal(c[i]->merged, want[i]);
		nlc_client_list_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gettype, reset),
		cmocka_unit_test_setup(test_parse_subnets, reset),
		cmocka_unit_test_setup(test_addr_parse, reset),
		cmocka_unit_test_setup(test_subnet_edges, reset),
		cmocka_unit_test_setup(test_literal_fqdn, reset),
		cmocka_unit_test_setup(test_compose_sorted, reset),
		cmocka_unit_test_setup(test_negative_default_ipaddr, reset),
		cmocka_unit_test_setup(test_use_ipaddr_threshold, reset),
		cmocka_unit_test_setup(test_wildcard, reset),
		cmocka_unit_test_setup(test_wildcard_patterns, reset),
		cmocka_unit_test_setup(test_no_dns_without_wildcards, reset),
		cmocka_unit_test_setup(test_netgroup, reset),
		cmocka_unit_test_setup(test_fqdn_resolution, reset),
		cmocka_unit_test_setup(test_fqdn_addrmax, reset),
		cmocka_unit_test_setup(test_list_and_member, reset),
		cmocka_unit_test_setup(test_list_many, reset),
		cmocka_unit_test_setup(test_compose_nospace, reset),
		cmocka_unit_test_setup(test_export_choose, reset),
		cmocka_unit_test_setup(test_list_merge, reset),
		cmocka_unit_test_setup(test_list_merge_many, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
