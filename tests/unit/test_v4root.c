// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * NFSv4 pseudo-root synthesis (mountd's v4root rules) and the SHA-1
 * name-based uuid it gives unidentifiable pseudo directories. The uuid
 * vectors come from Python's uuid.uuid5, the SHA-1 ones from FIPS 180.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <linux/nfsd_nlcache.h>

#include "v4root.h"

#define F_FSID NLCACHE_EXPORT_FLAGS_FSID
#define F_V4ROOT NLCACHE_EXPORT_FLAGS_V4ROOT
#define RW_DEFAULT 0x425u

static void hex20(const uint8_t *h, char *out)
{
	int i;

	for (i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

static void test_sha1_vectors(void **state)
{
	static const struct {
		size_t len;
		const char *in;
		const char *sum;
	} v[] = {
		{ 0, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ 3, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ 56, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	static const struct {
		size_t len;
		const char *sum;
	} a[] = {
		{ 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a" },
		{ 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699" },
		{ 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d" },
		{ 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56" },
	};
	char buf[128], hex[41];
	uint8_t h[20];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		nlc_sha1(v[i].in, v[i].len, h);
		hex20(h, hex);
		assert_string_equal(hex, v[i].sum);
	}
	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		nlc_sha1(buf, a[i].len, h);
		hex20(h, hex);
		assert_string_equal(hex, a[i].sum);
	}
}

static void test_path_uuid(void **state)
{
	char u[NLC_V4ROOT_UUIDLEN];

	(void)state;
	nlc_v4root_path_uuid("/srv", u);
	assert_string_equal(u, "CAF9A5BEC5395C6081BA26139041C6D8");
	nlc_v4root_path_uuid("/srv/a", u);
	assert_string_equal(u, "1BF11838AFD550E0A6C2741E79E04F89");
}

static const struct nlc_v4root_entry *
find(const struct nlc_v4root *r, const char *client, const char *path)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].client, client) &&
		    !strcmp(r->v[i].path, path))
			return &r->v[i];
	return NULL;
}

static void assert_pseudo(const struct nlc_v4root *r, size_t idx,
			  const char *client, const char *path)
{
	const struct nlc_v4root_entry *e;
	bool root = !strcmp(path, "/");

	assert_true(idx < r->n);
	e = &r->v[idx];
	assert_string_equal(e->client, client);
	assert_string_equal(e->path, path);
	assert_int_equal(e->flags, root ? 0x12403 : 0x10403);
	assert_true(e->flags & NLCACHE_EXPORT_FLAGS_V4ROOT);
	assert_true(e->flags & NLCACHE_EXPORT_FLAGS_READONLY);
	assert_false(e->flags & NLCACHE_EXPORT_FLAGS_ROOTSQUASH);
	assert_int_equal(!!(e->flags & F_FSID), root);
	assert_int_equal(e->fsid, 0);
	assert_int_equal(e->anonuid, 65534);
	assert_int_equal(e->anongid, 65534);
	assert_int_equal(e->nsec, 1);
	assert_int_equal(e->sec[0].flavor, 1);
	assert_int_equal(e->sec[0].flags,
			 e->flags | NLCACHE_EXPORT_FLAGS_INSECURE_PORT);
	assert_string_equal(e->uuid, "");
}

static void test_single_export(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/srv/a", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 1, NULL, &r), 0);
	assert_true(r.needed);
	assert_int_equal(r.n, 2);
	assert_pseudo(&r, 0, "*", "/");
	assert_pseudo(&r, 1, "*", "/srv");
	assert_null(find(&r, "*", "/srv/a"));
	nlc_v4root_free(&r);
	assert_int_equal(r.n, 0);
	assert_null(r.v);
}

static void test_shared_intermediate(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/srv/a", RW_DEFAULT, 0 },
		{ "*", "/srv/b", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 2, NULL, &r), 0);
	assert_int_equal(r.n, 2);
	assert_pseudo(&r, 0, "*", "/");
	assert_pseudo(&r, 1, "*", "/srv");
	nlc_v4root_free(&r);
}

static void test_deep_path(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "h", "/a/b/c/d", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 1, NULL, &r), 0);
	assert_int_equal(r.n, 4);
	assert_pseudo(&r, 0, "h", "/");
	assert_pseudo(&r, 1, "h", "/a");
	assert_pseudo(&r, 2, "h", "/a/b");
	assert_pseudo(&r, 3, "h", "/a/b/c");
	nlc_v4root_free(&r);
}

static void test_export_of_root(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/", RW_DEFAULT, 0 },
		{ "h2", "/srv/a", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;
	uint32_t flags = RW_DEFAULT, fsid = 7;

	(void)state;
	/* "/" without fsid= becomes fsid=0 ... */
	assert_true(nlc_v4root_fix_root_export("/", &flags, &fsid));
	assert_int_equal(flags, RW_DEFAULT | F_FSID);
	assert_int_equal(fsid, 0);
	/* ... but not twice, not another path, not an explicit fsid */
	assert_false(nlc_v4root_fix_root_export("/", &flags, &fsid));
	flags = RW_DEFAULT;
	assert_false(nlc_v4root_fix_root_export("/srv", &flags, &fsid));
	flags = RW_DEFAULT | F_FSID;
	fsid = 5;
	assert_false(nlc_v4root_fix_root_export("/", &flags, &fsid));
	assert_int_equal(fsid, 5);
	/* nor a pseudo-root entry */
	flags = RW_DEFAULT | F_V4ROOT;
	fsid = 9;
	assert_false(nlc_v4root_fix_root_export("/", &flags, &fsid));
	assert_int_equal(flags, RW_DEFAULT | F_V4ROOT);
	assert_int_equal(fsid, 9);

	/* "*" has its own "/": nothing for it; h2 still gets a root */
	assert_int_equal(nlc_v4root_build(x, 2, NULL, &r), 0);
	assert_true(r.needed);
	assert_int_equal(r.n, 2);
	assert_null(find(&r, "*", "/"));
	assert_pseudo(&r, 0, "h2", "/");
	assert_pseudo(&r, 1, "h2", "/srv");
	nlc_v4root_free(&r);

	/* alone, "/" needs no pseudo entry at all */
	assert_int_equal(nlc_v4root_build(x, 1, NULL, &r), 0);
	assert_true(r.needed);
	assert_int_equal(r.n, 0);
	nlc_v4root_free(&r);
}

static void test_fsid0_disables(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/srv/a", RW_DEFAULT, 0 },
		{ "*", "/export", RW_DEFAULT | F_FSID, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_false(nlc_v4root_needed(x, 2));
	assert_int_equal(nlc_v4root_build(x, 2, NULL, &r), 0);
	assert_false(r.needed);
	assert_int_equal(r.n, 0);
	nlc_v4root_free(&r);

	/* fsid=1 is not the root */
	x[1].fsid = 1;
	assert_true(nlc_v4root_needed(x, 2));
	/* fsid 0 without the FSID flag is not either */
	x[1].fsid = 0;
	x[1].flags = RW_DEFAULT;
	assert_true(nlc_v4root_needed(x, 2));
}

static void test_nested_exports(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/srv/a/b", RW_DEFAULT, 0 },
		{ "*", "/srv", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 2, NULL, &r), 0);
	/* /srv is real, so only "/" and "/srv/a" are synthesized */
	assert_int_equal(r.n, 2);
	assert_pseudo(&r, 0, "*", "/");
	assert_pseudo(&r, 1, "*", "/srv/a");
	assert_null(find(&r, "*", "/srv"));
	nlc_v4root_free(&r);
}

static void test_different_clients(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "host1", "/srv/a", RW_DEFAULT, 0 },
		{ "192.0.2.0/24", "/srv/b", RW_DEFAULT, 0 },
		{ "host1", "/srv/c", RW_DEFAULT, 0 },
		/* a real /srv for host1 only */
		{ "host1", "/srv", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 4, NULL, &r), 0);
	assert_int_equal(r.n, 3);
	assert_pseudo(&r, 0, "host1", "/");
	assert_pseudo(&r, 1, "192.0.2.0/24", "/");
	assert_pseudo(&r, 2, "192.0.2.0/24", "/srv");
	assert_null(find(&r, "host1", "/srv"));
	nlc_v4root_free(&r);
}

static void test_pseudo_inputs_ignored(void **state)
{
	struct nlc_v4root_export x[] = {
		/* left over from an earlier synthesis */
		{ "*", "/srv", NLC_V4ROOT_FLAGS_DIR, 0 },
		{ "*", "/x/y", NLC_V4ROOT_FLAGS_DIR, 0 },
		{ "*", "/srv/a", RW_DEFAULT, 0 },
	};
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 3, NULL, &r), 0);
	assert_int_equal(r.n, 2);
	assert_pseudo(&r, 0, "*", "/");
	assert_pseudo(&r, 1, "*", "/srv");
	nlc_v4root_free(&r);
}

static void test_krb5_flavours(void **state)
{
	struct nlc_v4root_export x[] = { { "*", "/srv", RW_DEFAULT, 0 } };
	struct nlc_v4root_opts o = { .krb5_keytab = true };
	static const uint32_t want[] = { 390003, 390004, 390005, 1 };
	struct nlc_v4root r;
	size_t i;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 1, &o, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].nsec, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(r.v[0].sec[i].flavor, want[i]);
		assert_int_equal(r.v[0].sec[i].flags, 0x12403);
	}
	nlc_v4root_free(&r);
}

struct probe {
	int calls;
	char asked[4][32];
};

static bool srv_unidentifiable(const char *path, void *arg)
{
	struct probe *p = arg;

	if (p->calls < 4)
		snprintf(p->asked[p->calls], sizeof(p->asked[0]), "%s", path);
	p->calls++;
	return strcmp(path, "/srv") != 0;
}

static void test_uuid_for_unidentifiable(void **state)
{
	struct nlc_v4root_export x[] = {
		{ "*", "/srv/a/b", RW_DEFAULT, 0 },
	};
	struct probe p = { 0 };
	struct nlc_v4root_opts o = { .fs_identifiable = srv_unidentifiable,
				     .arg = &p };
	struct nlc_v4root r;

	(void)state;
	assert_int_equal(nlc_v4root_build(x, 1, &o, &r), 0);
	assert_int_equal(r.n, 3);
	/* "/" is never asked: it has FSID */
	assert_int_equal(p.calls, 2);
	assert_string_equal(p.asked[0], "/srv");
	assert_string_equal(p.asked[1], "/srv/a");
	assert_string_equal(r.v[0].uuid, "");
	assert_string_equal(r.v[1].path, "/srv");
	assert_string_equal(r.v[1].uuid, "CAF9A5BEC5395C6081BA26139041C6D8");
	assert_string_equal(r.v[2].uuid, "");
	nlc_v4root_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_path_uuid),
		cmocka_unit_test(test_single_export),
		cmocka_unit_test(test_shared_intermediate),
		cmocka_unit_test(test_deep_path),
		cmocka_unit_test(test_export_of_root),
		cmocka_unit_test(test_fsid0_disables),
		cmocka_unit_test(test_nested_exports),
		cmocka_unit_test(test_different_clients),
		cmocka_unit_test(test_pseudo_inputs_ignored),
		cmocka_unit_test(test_krb5_flavours),
		cmocka_unit_test(test_uuid_for_unidentifiable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
