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
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "gids.h"
#include "nlc_proto.h"

/*
 * getpwuid_r as the name service answers it, with an injectable error:
 * this definition wins over libc's for the daemon code linked into this
 * test; with fake_pw_err 0 it passes the call on.
 */
static int fake_pw_err;

/* A user only this test knows: the files index is looked up for it. */
#define FAKE_UID 4242001u
#define FAKE_NAME "nlcfake"
#define FAKE_GID 100u

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res);
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res)
{
	int (*real)(uid_t, struct passwd *, char *, size_t, struct passwd **);

	if (fake_pw_err) {
		*res = NULL;
		return fake_pw_err;
	}
	if (uid == FAKE_UID) {
		if (size < sizeof(FAKE_NAME) + 2)
			return ERANGE;
		memset(pw, 0, sizeof(*pw));
		strcpy(buf, FAKE_NAME);
		pw->pw_name = buf;
		pw->pw_passwd = buf + sizeof(FAKE_NAME) - 1;	/* "" */
		pw->pw_uid = uid;
		pw->pw_gid = FAKE_GID;
		*res = pw;
		return 0;
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

/* --- the /etc/group index behind nlc_gids_lookup -------------------------------- */

static char tmpdir[] = "/tmp/nlc-gids-XXXXXX";
static char group_path[64], nss_path[64], passwd_path[64];

/* Write @text to a new file renamed over @path, its mtime @mtime_age
 * seconds in the past (its ctime is now: the tests move the daemon's
 * clock with nlc_gids_files_skew to make a version old). */
static void put(const char *path, const char *text, time_t mtime_age)
{
	char tmp[80];
	struct timespec ts[2];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= mtime_age;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, tmp, ts, 0), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static void expect_fake_groups(int n, const gid_t *want)
{
	gid_t *g = NULL;
	ssize_t got = nlc_gids_lookup(FAKE_UID, &g);

	assert_int_equal(got, n);
	assert_memory_equal(g, want, (size_t)n * sizeof(gid_t));
	free(g);
}

static int files_setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	snprintf(group_path, sizeof(group_path), "%s/group", tmpdir);
	snprintf(nss_path, sizeof(nss_path), "%s/nsswitch.conf", tmpdir);
	snprintf(passwd_path, sizeof(passwd_path), "%s/passwd", tmpdir);
	put(passwd_path, FAKE_NAME ":x:4242001:100::/:/bin/sh\n", 10);
	nlc_gids_files_paths(group_path, passwd_path, nss_path);
	return 0;
}

static int files_teardown(void **state)
{
	(void)state;
	nlc_gids_files_paths(NULL, NULL, NULL);
	nlc_gids_files_skew(0);
	unlink(group_path);
	unlink(nss_path);
	unlink(passwd_path);
	rmdir(tmpdir);
	return 0;
}

/*
 * With `group: files` the groups come from the index: read once while
 * the file stays the same, read again when it changes (a new inode, a new
 * size, a new mtime), and at every lookup while its version is younger
 * than a second (a change within the same timestamp would go unseen).
 */
static void test_files_index_change_detection(void **state)
{
	static const gid_t v1[] = { FAKE_GID, 5001, 5002 };
	static const gid_t v2[] = { FAKE_GID, 5002 };
	static const gid_t v3[] = { FAKE_GID, 5003, 5004 };
	static const gid_t v4[] = { FAKE_GID, 5009, 5004 };
	unsigned long r;
	struct timespec ts[2];
	int fd;

	(void)state;
	nlc_gids_files_skew(100);
	put(nss_path, "passwd: files\ngroup: files\n", 10);
	put(group_path, "a:x:5001:" FAKE_NAME "\nb:x:5002:x," FAKE_NAME "\n", 10);
	expect_fake_groups(3, v1);
	r = nlc_gids_files_rebuilds();
	assert_int_equal(r, 1);
	expect_fake_groups(3, v1);
	expect_fake_groups(3, v1);
	assert_int_equal(nlc_gids_files_rebuilds(), r);	/* unchanged: not read again */

	/* a new file (rename over it), same mtime */
	put(group_path, "b:x:5002:x," FAKE_NAME "\n", 10);
	expect_fake_groups(2, v2);
	assert_int_equal(nlc_gids_files_rebuilds(), r + 1);

	/* the same inode written in place with a new size; mtime set back to
	 * the old one: the size tells */
	fd = open(group_path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	{
		static const char text[] = "c:x:5003:" FAKE_NAME "\nd:x:5004:" FAKE_NAME "\n";

		assert_true(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);
	}
	close(fd);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 10;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, group_path, ts, 0), 0);
	expect_fake_groups(3, v3);
	assert_int_equal(nlc_gids_files_rebuilds(), r + 2);

	/* in place, same size: the timestamps tell */
	usleep(20000);
	fd = open(group_path, O_WRONLY);
	assert_true(fd >= 0);
	assert_true(pwrite(fd, "9", 1, 7) == 1);	/* 5003 -> 5009 */
	close(fd);
	ts[0].tv_sec -= 5;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, group_path, ts, 0), 0);
	expect_fake_groups(3, v4);
	r = nlc_gids_files_rebuilds();

	assert_int_equal(nlc_gids_files_rebuilds(), r);
	expect_fake_groups(3, v4);
	assert_int_equal(nlc_gids_files_rebuilds(), r);

	/* a young version (ctime is now: it was just written) is read at
	 * every lookup, since a change within its timestamp would go unseen */
	nlc_gids_files_skew(0);
	expect_fake_groups(3, v4);
	expect_fake_groups(3, v4);
	assert_int_equal(nlc_gids_files_rebuilds(), r + 2);
}

/* Any other group source: getgrouplist decides (here: the real files,
 * where the fake user is in no group), and the index is not built. */
static void test_files_index_only_for_files(void **state)
{
	static const gid_t only_primary[] = { FAKE_GID };
	static const char *const other[] = {
		"group: files systemd\n", "group: sss\n", "passwd: files\n",
		"group: files\ninitgroups: ldap\n",
	};
	size_t i;

	(void)state;
	nlc_gids_files_skew(100);
	put(group_path, "a:x:5001:" FAKE_NAME "\n", 10);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		put(nss_path, other[i], 10);
		nlc_gids_files_paths(group_path, passwd_path, nss_path);
		expect_fake_groups(1, only_primary);
		assert_int_equal(nlc_gids_files_rebuilds(), 0);
	}
	/* back to files only: the index answers */
	put(nss_path, "group: files\n", 20);
	{
		static const gid_t want[] = { FAKE_GID, 5001 };

		expect_fake_groups(2, want);
		assert_int_equal(nlc_gids_files_rebuilds(), 1);
	}
	/* no group file: glibc decides */
	unlink(group_path);
	expect_fake_groups(1, only_primary);
	/* an unusable index (a NIS entry): glibc decides */
	put(group_path, "a:x:5001:" FAKE_NAME "\n+:::\n", 10);
	expect_fake_groups(1, only_primary);
}

/*
 * With `passwd: files` the user comes from the index of the passwd file
 * (a uid only that file knows is found; the fake getpwuid_r does not know
 * it), rebuilt when the file changes; with another passwd source, or a
 * file the index does not read as glibc does, getpwuid_r decides.
 */
static void test_passwd_index(void **state)
{
	static const gid_t want[] = { 777, 5001 };
	gid_t *g = NULL;
	unsigned long r;

	(void)state;
	nlc_gids_files_skew(100);
	put(nss_path, "passwd: files\ngroup: files\n", 10);
	put(group_path, "a:x:5001:pwonly\n", 10);
	put(passwd_path, "root:x:0:0::/root:/bin/sh\npwonly:x:4242002:777::/:/bin/sh\n", 10);
	assert_int_equal(nlc_gids_lookup(4242002, &g), 2);
	assert_memory_equal(g, want, sizeof(want));
	free(g);
	r = nlc_gids_passwd_rebuilds();
	assert_int_equal(r, 1);
	assert_int_equal(nlc_gids_lookup(4242002, &g), 2);
	free(g);
	assert_int_equal(nlc_gids_passwd_rebuilds(), r);
	/* not in the file: no such user, whatever getpwuid_r would say */
	assert_int_equal(nlc_gids_lookup(FAKE_UID, &g), -ENOENT);

	/* changed: read again */
	put(passwd_path, FAKE_NAME ":x:4242001:100::/:/bin/sh\n", 10);
	{
		static const gid_t only_primary[] = { FAKE_GID };

		expect_fake_groups(1, only_primary);
	}
	assert_int_equal(nlc_gids_passwd_rebuilds(), r + 1);
	assert_int_equal(nlc_gids_lookup(4242002, &g), -ENOENT);

	/* an unusable file (leading blanks): getpwuid_r decides */
	put(passwd_path, " pwonly:x:4242002:777::/:/bin/sh\n", 10);
	assert_int_equal(nlc_gids_lookup(4242002, &g), -ENOENT);
	{
		static const gid_t only_primary[] = { FAKE_GID };

		expect_fake_groups(1, only_primary);	/* from the fake getpwuid_r */
	}
	/* another passwd source: getpwuid_r decides, the index is not used */
	put(passwd_path, "pwonly:x:4242002:777::/:/bin/sh\n", 10);
	put(nss_path, "passwd: files systemd\ngroup: files\n", 10);
	r = nlc_gids_passwd_rebuilds();
	assert_int_equal(nlc_gids_lookup(4242002, &g), -ENOENT);
	assert_int_equal(nlc_gids_passwd_rebuilds(), r);
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

	const struct CMUnitTest files_tests[] = {
		cmocka_unit_test(test_files_index_change_detection),
		cmocka_unit_test(test_files_index_only_for_files),
		cmocka_unit_test(test_passwd_index),
	};
	int failed;

	failed = cmocka_run_group_tests_name("gids", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("gids-files", files_tests, files_setup,
					      files_teardown);
	return failed;
}
