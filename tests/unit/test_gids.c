// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * auth.unix.gid lookups against this machine's own NSS (files): root
 * exists and has group 0, an unused uid does not exist, and only real
 * name-service failures count as transient. Plus the native family
 * table the daemon uses on 7.2 kernels.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dlfcn.h>

#include "gids.h"
#include "nlc_proto.h"

/*
 * getpwuid_r as the name service answers it, with an injectable error:
 * this definition wins over libc's for the daemon code linked into this
 * test; with fake_pw_err 0 it passes the call on.
 */
static int fake_pw_err;

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res);
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res)
{
	int (*real)(uid_t, struct passwd *, char *, size_t, struct passwd **);

	if (fake_pw_err) {
		*res = NULL;
		return fake_pw_err;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "getpwuid_r");
	return real(uid, pw, buf, size, res);
}

/* getpwuid(3)'s "not found" errors mean no such user; others are transient. */
static void test_name_service_errors(void **state)
{
	static const int gone[] = { ENOENT, ESRCH, EBADF, EPERM };
	static const int transient[] = { EIO, EAGAIN, EMFILE, ENFILE, ENOMEM };
	gid_t *g = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		fake_pw_err = gone[i];
		assert_int_equal(nlc_gids_lookup(0, &g), -ENOENT);
		assert_null(g);
	}
	for (i = 0; i < sizeof(transient) / sizeof(transient[0]); i++) {
		ssize_t r;

		fake_pw_err = transient[i];
		r = nlc_gids_lookup(0, &g);
		assert_int_equal(r, -transient[i]);
		assert_true(nlc_gids_transient(r));
		assert_null(g);
	}
	fake_pw_err = 0;
	assert_true(nlc_gids_lookup(0, &g) >= 1);
	free(g);
}

static void test_root_has_group_zero(void **state)
{
	gid_t *g = NULL;
	ssize_t n, i;
	int seen = 0;

	(void)state;
	n = nlc_gids_lookup(0, &g);
	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		seen |= g[i] == 0;
	assert_true(seen);
	free(g);
}

static void test_matches_getgrouplist(void **state)
{
	struct passwd *pw = getpwuid(0);
	gid_t mine[256], *g = NULL;
	int nmine = 256;
	ssize_t n;

	(void)state;
	assert_non_null(pw);
	assert_true(getgrouplist(pw->pw_name, pw->pw_gid, mine, &nmine) >= 0);
	n = nlc_gids_lookup(0, &g);
	assert_int_equal(n, nmine);
	assert_memory_equal(g, mine, (size_t)n * sizeof(gid_t));
	free(g);
}

static void test_unknown_user_is_enoent(void **state)
{
	gid_t *g = NULL;
	uid_t uid = 3999999001u;

	(void)state;
	while (getpwuid(uid))
		uid++;
	assert_int_equal(nlc_gids_lookup(uid, &g), -ENOENT);
	assert_null(g);
}

static void test_transient_classification(void **state)
{
	(void)state;
	assert_false(nlc_gids_transient(3));
	assert_false(nlc_gids_transient(-ENOENT));
	assert_false(nlc_gids_transient(-E2BIG));
	assert_true(nlc_gids_transient(-EAGAIN));
	assert_true(nlc_gids_transient(-EIO));
	assert_true(nlc_gids_transient(-ETIMEDOUT));
}

/* include/uapi/linux/sunrpc_netlink.h and nfsd_netlink.h of Linux 7.2 */
static void test_native_table(void **state)
{
	static const struct {
		const char *family;
		uint8_t get, set, notify;
		uint32_t bit;
	} want[NLC_NCACHES] = {
		{ "sunrpc", 2, 3, 1, 1 }, { "sunrpc", 4, 5, 1, 2 },
		{ "nfsd", 11, 12, 10, 1 }, { "nfsd", 13, 14, 10, 2 },
	};
	int i;

	(void)state;
	for (i = 0; i < NLC_NCACHES; i++) {
		const struct nlc_cache *c = &nlc_native_caches[i];

		assert_string_equal(c->family, want[i].family);
		assert_string_equal(c->name, nlc_caches[i].name);
		assert_int_equal(c->type, nlc_caches[i].type);
		assert_int_equal(c->requests, nlc_caches[i].requests);
		assert_int_equal(c->get_cmd, want[i].get);
		assert_int_equal(c->set_cmd, want[i].set);
		assert_int_equal(c->notify_cmd, want[i].notify);
		assert_int_equal(c->notify_bit, want[i].bit);
		assert_true(c->native);
		assert_false(nlc_caches[i].native);
		assert_string_equal(nlc_caches[i].family, NLCACHE_FAMILY_NAME);
		assert_int_equal(nlc_caches[i].notify_bit, nlc_caches[i].type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_has_group_zero),
		cmocka_unit_test(test_matches_getgrouplist),
		cmocka_unit_test(test_unknown_user_is_enoent),
		cmocka_unit_test(test_transient_classification),
		cmocka_unit_test(test_name_service_errors),
		cmocka_unit_test(test_native_table),
	};

	return cmocka_run_group_tests_name("gids", tests, NULL, NULL);
}
