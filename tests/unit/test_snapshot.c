// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export snapshots (daemon/lib/snapshot.c): source choice (etab, then
 * /etc/exports + exports.d, or --exports), canonical paths, clients and
 * their FQDN resolution, pseudo-root entries, stamps and staleness. All
 * files live in a mkdtemp() directory.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/nfsd_nlcache.h>

#include "snapshot.h"

static char dir[64];
static char etab[PATH_MAX], exports[PATH_MAX], exports_d[PATH_MAX];

static void path_in(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void rm_rf(const char *p)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nlc-snap-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	path_in(etab, "etab");
	path_in(exports, "exports");
	path_in(exports_d, "exports.d");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(dir);
	return 0;
}

/* ---- fake resolver ----------------------------------------------------- */

static bool dns_up = true;
static unsigned int forward_calls;

static int fake_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	(void)cookie;
	forward_calls++;
	if (!dns_up)
		return -EAGAIN;
	if (strcmp(name, "host1") != 0)
		return -ENOENT;
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "host1.example.com");
	assert_int_equal(nlc_addr_parse("192.0.2.1", &h->addrs[0]), 0);
	h->naddrs = 1;
	return 0;
}

static const struct nlc_resolver R = { .forward = fake_forward };

static void config(struct nlc_snap_config *c)
{
	memset(c, 0, sizeof(*c));
	c->etab = etab;
	c->exports = exports;
	c->exports_dir = exports_d;
	c->supported_flags = ~0u;
	c->resolver = &R;
}

static const struct nlc_snap_export *find(const struct nlc_snapshot *s,
					  const char *path, const char *client,
					  bool v4root)
{
	for (size_t i = 0; i < s->nexp; i++)
		if (strcmp(s->exp[i].path, path) == 0 &&
		    strcmp(s->exp[i].client->spec, client) == 0 &&
		    s->exp[i].v4root == v4root)
			return &s->exp[i];
	return NULL;
}

static size_t count_real(const struct nlc_snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nexp; i++)
		n += !s->exp[i].v4root;
	return n;
}

static struct nlc_snapshot *load(const struct nlc_snap_config *c,
				 const struct nlc_snapshot *prev)
{
	struct nlc_snapshot *s = NULL;

	assert_int_equal(nlc_snapshot_load(c, prev, 7, &s), 0);
	assert_non_null(s);
	return s;
}

/* ---- tests --------------------------------------------------------------- */

static void test_etab(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	const struct nlc_snap_export *x;

	(void)state;
	write_file(etab,
		   "/srv/a\t*(rw,sync,wdelay,hide,no_subtree_check,sec=sys,secure,root_squash,no_all_squash)\n"
		   "/srv/b\t10.0.0.0/8(ro,sync,crossmnt,sec=sys)\n");
	/* exports would say otherwise: the etab wins */
	write_file(exports, "/elsewhere *(rw)\n");
	config(&c);
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_ETAB);
	assert_int_equal(s->generation, 7);
	assert_int_equal(s->table.nerr, 0);
	assert_int_equal(count_real(s), 2);
	x = find(s, "/srv/a", "*", false);
	assert_non_null(x);
	assert_int_equal(x->client->type, NLC_CLIENT_ANONYMOUS);
	assert_false(x->opts->flags & NLCACHE_EXPORT_FLAGS_READONLY);
	assert_string_equal(x->file, etab);
	assert_int_equal(x->line, 1);
	x = find(s, "/srv/b", "10.0.0.0/8", false);
	assert_non_null(x);
	assert_int_equal(x->client->type, NLC_CLIENT_SUBNET);
	assert_true(x->opts->flags & NLCACHE_EXPORT_FLAGS_CROSSMOUNT);
	assert_int_equal(x->line, 2);
	assert_null(find(s, "/elsewhere", "*", false));
	/* real entries first, then the pseudo ones */
	assert_false(s->exp[0].v4root);
	assert_false(s->exp[1].v4root);
	assert_true(s->exp[s->nexp - 1].v4root);
	assert_false(s->use_ipaddr);
	assert_int_equal(nlc_snapshot_stale(s, &c), false);
	nlc_snapshot_put(s);
}

static void test_v4root_entries(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	const struct nlc_snap_export *x;

	(void)state;
	write_file(etab, "/srv/a\t*(rw,sync,sec=sys)\n"
			 "/srv/b\t*(rw,sync,sec=sys)\n");
	config(&c);
	c.krb5_keytab = true;
	s = load(&c, NULL);
	assert_true(s->v4root.needed);
	/* "/" and "/srv" for "*", once each */
	assert_int_equal(s->nexp, 4);
	x = find(s, "/", "*", true);
	assert_non_null(x);
	assert_int_equal(x->opts->flags, NLC_V4ROOT_FLAGS_ROOT);
	assert_int_equal(x->opts->fsid, 0);
	assert_int_equal(x->opts->anonuid, 65534);
	assert_null(x->file);
	assert_null(x->uuid);
	assert_int_equal(x->opts->nsec, 4);
	assert_int_equal(x->opts->sec[0].flavor, NLC_SEC_KRB5);
	assert_int_equal(x->opts->sec[3].flavor, NLC_SEC_SYS);
	assert_string_equal(x->opts->sec[3].name, "sys");
	assert_int_equal(x->opts->sec[3].flags,
			 NLC_V4ROOT_FLAGS_ROOT | NLCACHE_EXPORT_FLAGS_INSECURE_PORT);
	assert_ptr_equal(x->client, find(s, "/srv/a", "*", false)->client);
	x = find(s, "/srv", "*", true);
	assert_non_null(x);
	assert_int_equal(x->opts->flags, NLC_V4ROOT_FLAGS_DIR);
	nlc_snapshot_put(s);

	/* no V4ROOT support in the kernel: no pseudo root */
	c.supported_flags = NLCACHE_EXPORT_FLAGS_ALL & ~NLCACHE_EXPORT_FLAGS_V4ROOT;
	s = load(&c, NULL);
	assert_int_equal(s->nexp, 2);
	nlc_snapshot_put(s);
}

static void test_v4root_uuid_and_root_fix(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	const struct nlc_snap_export *x;
	char u[NLC_V4ROOT_UUIDLEN];

	(void)state;
	write_file(etab, "/\t*(ro,sync,sec=sys)\n"
			 "/srv/a\t*(rw,sync,sec=sys)\n");
	config(&c);
	s = load(&c, NULL);
	/* "/" is real for "*": it is served as fsid=0, not duplicated */
	x = find(s, "/", "*", false);
	assert_non_null(x);
	assert_true(x->opts->flags & NLCACHE_EXPORT_FLAGS_FSID);
	assert_int_equal(x->opts->fsid, 0);
	assert_null(find(s, "/", "*", true));
	x = find(s, "/srv", "*", true);
	assert_non_null(x);
	nlc_v4root_path_uuid("/srv", u);
	assert_non_null(x->uuid);
	/* rpc.mountd's text: the 32 digits, then the last 4 again */
	assert_int_equal(strlen(x->uuid), 36);
	assert_memory_equal(x->uuid, u, 32);
	assert_memory_equal(x->uuid + 32, u + 28, 4);
	assert_true(x->opts->has_uuid);
	{
		/* folded: bytes 0-1 XOR bytes 14-15, the rest as generated;
		 * /rfs as in vmtest nlcached-equiv-fid (mountd sent
		 * 8c8ac6f7 22375bb8 a2684d6f b6914a3c) */
		uint8_t f[16];

		nlc_v4root_path_uuid("/rfs", u);
		assert_string_equal(u, "C6B6C6F722375BB8A2684D6FB6914A3C");
		write_file(etab, "/rfs/r1\t*(rw,sync,sec=sys)\n");
		nlc_snapshot_put(s);
		s = load(&c, NULL);
		x = find(s, "/rfs", "*", true);
		assert_non_null(x);
		memcpy(f, "\x8c\x8a\xc6\xf7\x22\x37\x5b\xb8"
			  "\xa2\x68\x4d\x6f\xb6\x91\x4a\x3c", 16);
		assert_memory_equal(x->opts->uuid, f, 16);
	}
	nlc_snapshot_put(s);

	/* an identifiable filesystem too: rpc.mountd 2.6.2's test export
	 * fails for want of its "-test-client-" domain, so every pseudo-root
	 * directory but "/" has the generated uuid */
	write_file(etab, "/srv/a/b\t*(rw,sync,sec=sys)\n");
	config(&c);
	s = load(&c, NULL);
	x = find(s, "/srv/a", "*", true);
	assert_non_null(x);
	nlc_v4root_path_uuid("/srv/a", u);
	assert_non_null(x->uuid);
	assert_memory_equal(x->uuid, u, 32);
	x = find(s, "/", "*", true);
	assert_non_null(x);
	assert_null(x->uuid);
	nlc_snapshot_put(s);

	/* an fsid=0 export: no pseudo root at all */
	write_file(etab, "/srv\t*(rw,sync,fsid=0,sec=sys)\n"
			 "/srv/a\t*(rw,sync,sec=sys)\n");
	s = load(&c, NULL);
	assert_false(s->v4root.needed);
	assert_int_equal(s->nexp, 2);
	assert_int_equal(count_real(s), 2);
	nlc_snapshot_put(s);
}

static void test_exports_fallback(void **state)
{
	char real[PATH_MAX], link[PATH_MAX], text[3 * PATH_MAX], f[PATH_MAX];
	char canon[PATH_MAX];
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	const struct nlc_snap_export *x;

	(void)state;
	path_in(real, "real");
	path_in(link, "link");
	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(symlink(real, link), 0);
	assert_non_null(realpath(real, canon));
	snprintf(text, sizeof(text), "%s *(rw)\n/no/such/dir host1(ro)\n",
		 link);
	write_file(exports, text);
	assert_int_equal(mkdir(exports_d, 0755), 0);
	path_in(f, "exports.d/b.exports");
	write_file(f, "/srv/y 192.0.2.0/24(rw)\n");
	path_in(f, "exports.d/a.txt");
	write_file(f, "/srv/ignored *(rw)\n");
	config(&c);
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_EXPORTS);
	assert_int_equal(count_real(s), 3);
	/* canonicalised when it resolves, as written when it does not */
	x = find(s, canon, "*", false);
	assert_non_null(x);
	/* /etc/exports defaults (wdelay), not etab's */
	assert_true(x->opts->flags & NLCACHE_EXPORT_FLAGS_GATHERED_WRITES);
	assert_non_null(find(s, "/no/such/dir", "host1", false));
	x = find(s, "/srv/y", "192.0.2.0/24", false);
	assert_non_null(x);
	path_in(f, "exports.d/b.exports");
	assert_string_equal(x->file, f);
	assert_null(find(s, "/srv/ignored", "*", false));
	/* the FQDN client was resolved to its canonical name */
	x = find(s, "/no/such/dir", "host1", false);
	assert_string_equal(x->client->name, "host1.example.com");
	assert_int_equal(x->client->naddrs, 1);
	assert_int_equal(s->dns_failures, 0);
	assert_false(nlc_snapshot_stale(s, &c));

	/* a new exports.d member changes the directory */
	path_in(f, "exports.d/c.exports");
	write_file(f, "/srv/z *(rw)\n");
	assert_true(nlc_snapshot_stale(s, &c));
	nlc_snapshot_put(s);
	s = load(&c, NULL);
	assert_int_equal(count_real(s), 4);
	assert_false(nlc_snapshot_stale(s, &c));
	/* a member rewritten */
	write_file(f, "/srv/z *(rw)\n/srv/w *(rw)\n");
	assert_true(nlc_snapshot_stale(s, &c));
	nlc_snapshot_put(s);
	s = load(&c, NULL);
	assert_false(nlc_snapshot_stale(s, &c));
	/* the etab appearing switches the source */
	write_file(etab, "/srv/a\t*(rw,sync,sec=sys)\n");
	assert_true(nlc_snapshot_stale(s, &c));
	nlc_snapshot_put(s);
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_ETAB);
	assert_int_equal(count_real(s), 1);
	nlc_snapshot_put(s);
}

static void test_exports_file_mode(void **state)
{
	char own[PATH_MAX];
	struct nlc_snap_config c;
	struct nlc_snapshot *s;

	(void)state;
	path_in(own, "my.exports");
	write_file(etab, "/from/etab\t*(rw,sync,sec=sys)\n");
	write_file(exports, "/from/exports *(rw)\n");
	write_file(own, "/from/own *(rw)\n");
	config(&c);
	c.exports_file = own;
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_EXPORTS_FILE);
	assert_int_equal(count_real(s), 1);
	assert_non_null(find(s, "/from/own", "*", false));
	assert_true(s->nstamps >= 1);
	/* the etab changing does not matter in this mode */
	write_file(etab, "/from/etab\t*(rw,sync,sec=sys)\n/x\t*(rw)\n");
	assert_false(nlc_snapshot_stale(s, &c));
	write_file(own, "/from/own *(rw)\n/from/own2 *(ro)\n");
	assert_true(nlc_snapshot_stale(s, &c));
	nlc_snapshot_put(s);
}

static void test_nothing(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.etab = etab;
	c.supported_flags = ~0u;
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_NONE);
	assert_int_equal(s->nexp, 0);
	assert_false(nlc_snapshot_stale(s, &c));
	write_file(etab, "/srv\t*(rw,sync,sec=sys)\n");
	assert_true(nlc_snapshot_stale(s, &c));
	nlc_snapshot_put(s);
}

static void test_bad_line(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	char where[PATH_MAX + 8];
	size_t i;
	bool seen = false;

	(void)state;
	write_file(exports, "/srv/ok1 *(rw)\n"
			    "/srv/bad *(rw,bogus_option)\n"
			    "/srv/ok2 *(ro)\n");
	config(&c);
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_EXPORTS);
	assert_int_equal(count_real(s), 2);
	assert_non_null(find(s, "/srv/ok1", "*", false));
	assert_non_null(find(s, "/srv/ok2", "*", false));
	assert_null(find(s, "/srv/bad", "*", false));
	snprintf(where, sizeof(where), "%s:2", exports);
	for (i = 0; i < s->table.nerr; i++)
		if (!s->table.err[i].warning &&
		    strstr(s->table.err[i].msg, where))
			seen = true;
	assert_true(seen);
	nlc_snapshot_put(s);
}

static void test_fqdn_kept_from_prev(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *a, *b, *n;
	const struct nlc_snap_export *x;
	struct nlc_addr ip;

	(void)state;
	write_file(etab, "/srv\thost1(rw,sync,sec=sys)\n");
	config(&c);
	dns_up = true;
	a = load(&c, NULL);
	x = find(a, "/srv", "host1", false);
	assert_non_null(x);
	assert_int_equal(x->client->naddrs, 1);
	assert_int_equal(x->client->nheld, 0);

	/* DNS fails for now: it matches nothing (as in rpc.mountd) and holds
	 * the previous load's addresses, whose requests wait */
	dns_up = false;
	forward_calls = 0;
	b = load(&c, a);
	assert_true(forward_calls > 0);
	assert_int_equal(b->dns_failures, 1);
	x = find(b, "/srv", "host1", false);
	assert_non_null(x);
	assert_int_equal(x->client->naddrs, 0);
	assert_int_equal(x->client->nheld, 1);
	assert_string_equal(x->client->name, "host1.example.com");
	assert_int_equal(nlc_addr_parse("192.0.2.1", &ip), 0);
	assert_true(nlc_addr_equal(&x->client->held[0], &ip));
	assert_true(nlc_client_list_held(&b->clients, &ip, NULL));

	/* without a previous generation it holds nothing */
	n = load(&c, NULL);
	x = find(n, "/srv", "host1", false);
	assert_int_equal(x->client->naddrs, 0);
	assert_int_equal(x->client->nheld, 0);
	dns_up = true;

	/* the snapshot a reader still holds outlives the owner's put */
	assert_ptr_equal(nlc_snapshot_get(a), a);
	nlc_snapshot_put(a);
	assert_int_equal(atomic_load(&a->refs), 1);
	assert_string_equal(a->exp[0].path, "/srv");
	nlc_snapshot_put(a);
	nlc_snapshot_put(b);
	nlc_snapshot_put(n);
}

static void test_use_ipaddr(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;

	(void)state;
	write_file(etab, "/srv\t*(rw,sync,sec=sys)\n");
	config(&c);
	c.ipaddr_mode = NLC_IPADDR_FORCED;
	s = load(&c, NULL);
	assert_true(s->use_ipaddr);
	nlc_snapshot_put(s);
}

/* etab paths are realpath()ed as mountd does on every etab read. */
static void test_etab_realpath(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	char real[PATH_MAX], link[PATH_MAX], text[3 * PATH_MAX];

	(void)state;
	path_in(real, "real");
	path_in(link, "link");
	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(symlink(real, link), 0);
	snprintf(text, sizeof(text),
		 "%s\t*(rw,sync,sec=sys)\n%s/../real\t10.0.0.1(ro,sync,sec=sys)\n"
		 "%s/missing\t10.0.0.2(ro,sync,sec=sys)\n", link, link, dir);
	write_file(etab, text);
	config(&c);
	s = load(&c, NULL);
	assert_int_equal(s->source, NLC_SNAP_ETAB);
	assert_non_null(find(s, real, "*", false));
	assert_non_null(find(s, real, "10.0.0.1", false));
	snprintf(text, sizeof(text), "%s/missing", dir);
	assert_non_null(find(s, text, "10.0.0.2", false));
	nlc_snapshot_put(s);
}

/* Copied mountd bugs are kept, with a warning naming the line (once). */
static void test_quirk_warnings(void **state)
{
	struct nlc_snap_config c;
	struct nlc_snapshot *s;
	char w2[PATH_MAX + 64], w3[PATH_MAX + 64], w4[PATH_MAX + 64];
	size_t i, n2 = 0, n3 = 0, n4 = 0;

	(void)state;
	write_file(etab, "/srv\t127.0.0.0/8(rw,sync,sec=sys)\n"
			 "/srv\t0.0.0.0/0(ro,sync,sec=sys)\n"
			 "/srv\tws[1-3.example.com(ro,sync,sec=sys)\n"
			 "/srv2\t::/0(ro,sync,sec=sys)\n"
			 "/srv3\t0.0.0.0/0(ro,sync,sec=sys)\n");
	config(&c);
	s = load(&c, NULL);
	assert_int_equal(count_real(s), 5);
	assert_non_null(find(s, "/srv", "0.0.0.0/0", false));
	snprintf(w2, sizeof(w2), "%s:2: client '0.0.0.0/0'", etab);
	snprintf(w3, sizeof(w3), "%s:3: client 'ws[1-3.example.com'", etab);
	snprintf(w4, sizeof(w4), "%s:4: client '::/0'", etab);
	for (i = 0; i < s->table.nerr; i++) {
		const char *m = s->table.err[i].msg;

		assert_true(s->table.err[i].warning);
		n2 += strncmp(m, w2, strlen(w2)) == 0 && strstr(m, "/0");
		n3 += strncmp(m, w3, strlen(w3)) == 0 && strstr(m, "never closed");
		n4 += strncmp(m, w4, strlen(w4)) == 0;
	}
	assert_int_equal(n2, 1);
	assert_int_equal(n3, 1);
	assert_int_equal(n4, 1);
	/* line 5 is the same client as line 2: told once */
	assert_int_equal(s->table.nerr, 3);
	nlc_snapshot_put(s);
}

static void test_mountd_hash(void **state)
{
	(void)state;
	/* sum of byte * position, modulo 1021 */
	assert_int_equal(nlc_mountd_export_hash("/"), 0);
	assert_int_equal(nlc_mountd_export_hash("/a"), 97);
	assert_int_equal(nlc_mountd_export_hash("/srv"),
			 (115 + 114 * 2 + 118 * 3) % 1021);
	/* bytes above 0x7f count as negative (signed char), as in mountd */
	assert_int_equal(nlc_mountd_export_hash("/\xe9"), 85);
}

static void test_mountd_order(void **state)
{
	/* issue 9 item 4: rpc.mountd's list order */
	const char *p1[] = { "/a", "/b", "/a", "/c", "/d" };
	const int t1[] = { 2, 2, 2, 0, 2 };
	size_t o[5];
	const char *p2[] = { "/x", "/y", "/a\x0e" };
	const int t2[] = { 4, 4, 4 };

	(void)state;
	nlc_mountd_export_order(p1, t1, 5, o);
	/* type 0 first; then the newest bucket first, a path's lines
	 * together in file order */
	assert_int_equal(o[0], 3);
	assert_int_equal(o[1], 4);
	assert_int_equal(o[2], 1);
	assert_int_equal(o[3], 0);
	assert_int_equal(o[4], 2);

	/* three buckets (120, 121, 125): strictly newest first */
	assert_int_equal(nlc_mountd_export_hash("/x"), 120);
	assert_int_equal(nlc_mountd_export_hash("/a\x0e"), 125);
	nlc_mountd_export_order(p2, t2, 3, o);
	assert_int_equal(o[0], 2);
	assert_int_equal(o[1], 1);
	assert_int_equal(o[2], 0);
}

static void test_mountd_order_collision(void **state)
{
	/* "/y" (121) and "/a\x0c" (97 + 12 * 2 = 121) share a bucket: the
	 * later joins the earlier's group although "/z" came between */
	const char *p[] = { "/y", "/z", "/a\x0c" };
	const int t[] = { 1, 1, 1 };
	size_t o[3];

	(void)state;
	assert_int_equal(nlc_mountd_export_hash("/y"),
			 nlc_mountd_export_hash("/a\x0c"));
	nlc_mountd_export_order(p, t, 3, o);
	assert_int_equal(o[0], 1);
	assert_int_equal(o[1], 0);
	assert_int_equal(o[2], 2);
}

static void test_snapshot_order(void **state)
{
	struct nlc_snap_config c = {
		.etab = etab,
		.supported_flags = 0,	/* no pseudo root */
	};
	struct nlc_snapshot *s;

	(void)state;
	write_file(etab, "/a\t*(rw)\n"
			 "/b\t192.0.2.0/24(rw)\n"
			 "/c\t*(rw)\n");
	assert_int_equal(nlc_snapshot_load(&c, NULL, 1, &s), 0);
	assert_int_equal(s->nexp, 3);
	assert_non_null(s->order);
	/* the subnet first (type order), then "*" lines newest first */
	assert_string_equal(s->exp[s->order[0]].path, "/b");
	assert_string_equal(s->exp[s->order[1]].path, "/c");
	assert_string_equal(s->exp[s->order[2]].path, "/a");
	nlc_snapshot_put(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_etab),
		T(test_v4root_entries),
		T(test_v4root_uuid_and_root_fix),
		T(test_exports_fallback),
		T(test_exports_file_mode),
		T(test_nothing),
		T(test_bad_line),
		T(test_fqdn_kept_from_prev),
		T(test_use_ipaddr),
		T(test_quirk_warnings),
		T(test_etab_realpath),
		cmocka_unit_test(test_mountd_hash),
		cmocka_unit_test(test_mountd_order),
		cmocka_unit_test(test_mountd_order_collision),
		T(test_snapshot_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
