// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The group file index (grpdb.h): the lists it gives are those glibc
 * 2.36's getgrouplist gives with `group: files` (checked against glibc on
 * the same texts while writing these: primary first, lines whose gid is
 * the primary skipped, a line naming the user twice counted once, two lines
 * with one gid counted twice, "#" lines read as groups, leading blanks of
 * a member skipped, trailing ones kept), and the nsswitch.conf rule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grpdb.h"

static struct nlc_grpdb *parse(const char *text)
{
	struct nlc_grpdb *db = nlc_grpdb_parse(text, strlen(text));

	assert_non_null(db);
	return db;
}

/* The groups of @user (primary @primary) equal the @n gids that follow. */
static void expect(const struct nlc_grpdb *db, const char *user, gid_t primary, int n, ...)
{
	gid_t *g = NULL;
	ssize_t got = nlc_grpdb_groups(db, user, primary, &g);
	va_list ap;
	int i;

	if (got != n)
		fail_msg("%s: %zd groups, want %d", user, got, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		gid_t want = va_arg(ap, gid_t);

		if (g[i] != want)
			fail_msg("%s: group %d is %u, want %u", user, i, g[i], want);
	}
	va_end(ap);
	free(g);
}

static void test_primary_first_and_order(void **state)
{
	struct nlc_grpdb *db = parse("users:x:100:\n"
				     "g1:x:5001:alice,bob\n"
				     "prim:x:100:alice\n"		/* the primary: skipped */
				     "g3:x:5003:carol,alice\n"
				     "g2:x:5002:alice\n");

	(void)state;
	assert_true(nlc_grpdb_usable(db));
	expect(db, "alice", 100, 4, 100, 5001, 5003, 5002);
	expect(db, "bob", 5001, 1, 5001);	/* its only group is its primary */
	expect(db, "carol", 7, 2, 7, 5003);
	expect(db, "nobody-here", 65534, 1, 65534);
	expect(db, "", 1, 1, 1);
	assert_int_equal(nlc_grpdb_lines(db), 5);
	assert_int_equal(nlc_grpdb_names(db), 3);
	nlc_grpdb_free(db);
}

static void test_duplicates(void **state)
{
	struct nlc_grpdb *db = parse("g1:x:5001:alice,alice,bob,alice\n"
				     "g2:x:5002:alice\n"
				     "g2b:x:5002:alice,bob\n"	/* same gid again */
				     "g1:x:5001:bob\n");

	(void)state;
	expect(db, "alice", 100, 4, 100, 5001, 5002, 5002);
	expect(db, "bob", 100, 4, 100, 5001, 5002, 5001);
	nlc_grpdb_free(db);
}

static void test_member_syntax(void **state)
{
	struct nlc_grpdb *db = parse("a:x:1: alice\n"		/* leading blank: skipped */
				     "b:x:2:alice \n"		/* trailing: part of the name */
				     "c:x:3:,,alice,\n"		/* empty members */
				     "d:x:4:bob:alice\n"		/* colons are in the list */
				     "e:x:5:\talice\r\n"		/* CR stays */
				     "f:x:6:x,\tbob:alice");	/* no newline at the end */

	(void)state;
	assert_true(nlc_grpdb_usable(db));
	expect(db, "alice", 100, 3, 100, 1, 3);
	expect(db, "alice ", 100, 2, 100, 2);
	expect(db, "bob:alice", 100, 3, 100, 4, 6);
	expect(db, "alice\r", 100, 2, 100, 5);
	nlc_grpdb_free(db);
}

static void test_skipped_lines(void **state)
{
	static const char text[] = "\n"
				     "nocolon\n"
				     "nogid:x\n"
				     "empty:x::alice\n"
				     "word:x:abc:alice\n"
				     "#c:x:7:alice\n"		/* glibc reads it as a group */
				     " lead:x:8:alice\n"		/* a name with a blank */
				     ":x:9:alice\n"			/* an empty name */
				     "nomembers:x:10\n"
				     "nul:x:11:bob\0alice\n"		/* a C string ends at NUL */
				     "ok:x:12:alice\n";
	struct nlc_grpdb *db = nlc_grpdb_parse(text, sizeof(text) - 1);

	(void)state;
	assert_non_null(db);
	assert_true(nlc_grpdb_usable(db));
	expect(db, "alice", 100, 5, 100, 7, 8, 9, 12);
	expect(db, "bob", 100, 2, 100, 11);
	nlc_grpdb_free(db);
}

static void test_unusable(void **state)
{
	static const char *const odd[] = {
		"+:::\n", "+nis\n", "-bad:x:5:alice\n", "sp:x: 5:alice\n", "neg:x:-5:alice\n",
		"plus:x:+5:alice\n", "junk:x:5x:alice\n", "big:x:4294967296:alice\n",
		"tab:x:\t5:alice\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		char text[128];
		struct nlc_grpdb *db;
		gid_t *g = NULL;

		snprintf(text, sizeof(text), "g:x:1:alice\n%s", odd[i]);
		db = parse(text);
		if (nlc_grpdb_usable(db))
			fail_msg("usable with line %s", odd[i]);
		assert_int_equal(nlc_grpdb_groups(db, "alice", 100, &g), -ENOTSUP);
		assert_null(g);
		nlc_grpdb_free(db);
	}
	/* the largest gid glibc reads is fine */
	{
		struct nlc_grpdb *db = parse("max:x:4294967295:alice\n");

		expect(db, "alice", 100, 2, 100, (gid_t)4294967295u);
		nlc_grpdb_free(db);
	}
}

/* Lines far beyond any fixed buffer: 20000 members on one line, a user in
 * 3000 groups, a 100 KB member name. */
static void test_long_lines(void **state)
{
	size_t cap = 4 << 20, n = 0, i;
	char *t = malloc(cap), *big = malloc(100001);
	struct nlc_grpdb *db;
	gid_t *g = NULL;
	ssize_t got;

	(void)state;
	assert_non_null(t);
	assert_non_null(big);
	n += (size_t)sprintf(t + n, "huge:x:7000:");
	for (i = 0; i < 20000; i++)
		n += (size_t)sprintf(t + n, "%su%zu", i ? "," : "", i);
	t[n++] = '\n';
	for (i = 0; i < 3000; i++)
		n += (size_t)sprintf(t + n, "m%zu:x:%zu:x,many\n", i, 10000 + i);
	memset(big, 'n', 100000);
	big[100000] = '\0';
	n += (size_t)sprintf(t + n, "long:x:8000:%s,u19999\n", big);
	db = nlc_grpdb_parse(t, n);
	assert_non_null(db);
	assert_true(nlc_grpdb_usable(db));
	expect(db, "u0", 1, 2, 1, 7000);
	expect(db, "u19999", 1, 3, 1, 7000, 8000);
	expect(db, big, 1, 2, 1, 8000);
	got = nlc_grpdb_groups(db, "many", 1, &g);
	assert_int_equal(got, 3001);
	assert_int_equal(g[0], 1);
	for (i = 0; i < 3000; i++)
		assert_int_equal(g[i + 1], 10000 + i);
	free(g);
	nlc_grpdb_free(db);
	free(t);
	free(big);
}

static void test_empty_text(void **state)
{
	struct nlc_grpdb *db = nlc_grpdb_parse("", 0);

	(void)state;
	assert_non_null(db);
	assert_true(nlc_grpdb_usable(db));
	expect(db, "alice", 3, 1, 3);
	nlc_grpdb_free(db);
}

static bool files_only(const char *text)
{
	return nlc_nss_groups_files_only(text, strlen(text));
}

static void test_nsswitch(void **state)
{
	(void)state;
	assert_true(files_only("group: files\n"));
	assert_true(files_only("group:files"));
	assert_true(files_only("passwd: files systemd\n  group:\t files   # a comment\n"));
	assert_true(files_only("#group: ldap\ngroup: files\nhosts: files dns\n"));
	assert_true(files_only("initgroups: files\ngroup: files sss\n"));
	assert_false(files_only(""));
	assert_false(files_only("passwd: files\n"));
	assert_false(files_only("group: files systemd\n"));
	assert_false(files_only("group: sss files\n"));
	assert_false(files_only("group: files [SUCCESS=merge] ldap\n"));
	assert_false(files_only("group: files [NOTFOUND=return]\n"));
	assert_false(files_only("group: compat\n"));
	assert_false(files_only("group:\n"));
	assert_false(files_only("group: files\ninitgroups: ldap\n"));
	assert_false(files_only("group: files\ngroup: files\n"));
	assert_false(files_only("GROUP: files\n"));
	assert_false(files_only("group : files\n"));
	assert_false(files_only("group: filesx\n"));
	assert_false(files_only("group: Files\n"));
	/* other databases that end in "group" are not this one */
	assert_false(files_only("netgroup: files\n"));
	assert_true(files_only("netgroup: nis\ngroup: files\n"));
}

/* --- the passwd index --------------------------------------------------------- */

static struct nlc_pwdb *pwparse(const char *text)
{
	struct nlc_pwdb *db = nlc_pwdb_parse(text, strlen(text));

	assert_non_null(db);
	return db;
}

static void expect_user(const struct nlc_pwdb *db, uid_t uid, const char *name, gid_t gid)
{
	char *n = NULL;
	gid_t g = 0;

	assert_int_equal(nlc_pwdb_user(db, uid, &n, &g), 0);
	assert_string_equal(n, name);
	assert_int_equal(g, gid);
	free(n);
}

static void expect_no_user(const struct nlc_pwdb *db, uid_t uid)
{
	char *n = NULL;
	gid_t g = 0;

	assert_int_equal(nlc_pwdb_user(db, uid, &n, &g), -ENOENT);
}

/*
 * getpwuid_r with `passwd: files`: the first line with the uid wins;
 * blank and comment lines (after leading blanks) are skipped, so are lines
 * with an empty uid or gid field (glibc's strtoul reads nothing there);
 * the gecos, home and shell fields may be missing.
 */
static void test_passwd_lines(void **state)
{
	struct nlc_pwdb *db = pwparse("root:x:0:0:root:/root:/bin/bash\n"
				      "\n"
				      "   \t\n"
				      "# comment:x:1:1::/:/bin/sh\n"
				      "  #indented comment:x:2:2\n"
				      "alice:x:1000:100:Alice,,,:/home/alice:/bin/sh\n"
				      "second:x:1000:200::/:/bin/sh\n"	/* same uid: unseen */
				      "short:x:1001:101\n"		/* no gecos etc. */
				      "nouid:x::5::/:/bin/sh\n"	/* skipped */
				      "nogid:x:1002:::/:/bin/sh\n"	/* skipped */
				      "trunc:x:1003\n"		/* skipped */
				      "big:x:4294967294:4294967295::/:\n"
				      "last:*:1004:104::/:/bin/sh");	/* no newline */

	(void)state;
	assert_true(nlc_pwdb_usable(db));
	expect_user(db, 0, "root", 0);
	expect_user(db, 1000, "alice", 100);
	expect_user(db, 1001, "short", 101);
	expect_user(db, 4294967294u, "big", 4294967295u);
	expect_user(db, 1004, "last", 104);
	expect_no_user(db, 1);
	expect_no_user(db, 2);
	expect_no_user(db, 1002);
	expect_no_user(db, 1003);
	expect_no_user(db, 5);
	assert_int_equal(nlc_pwdb_users(db), 5);
	nlc_pwdb_free(db);
}

/* Lines this parser does not read as glibc does: the whole index is
 * unusable, the caller asks getpwuid_r. */
static void test_passwd_unusable(void **state)
{
	static const char *const odd[] = {
		"+::::::\n", "-bob:::::\n", "+bob\n", " alice:x:1:1::/:\n",
		"\talice:x:1:1::/:\n", ":x:1:1::/:\n", "a:x:+1:1::/:\n", "a:x:-1:1::/:\n",
		"a:x: 1:1::/:\n", "a:x:1x:1::/:\n", "a:x:1:1 ::/:\n", "a:x:4294967296:1::/:\n",
		"a:x:1:0x10::/:\n", "a:x:x:1::/:\n",
	};
	char *n = NULL;
	gid_t g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		char text[128];
		struct nlc_pwdb *db;

		snprintf(text, sizeof(text), "root:x:0:0::/:\n%s", odd[i]);
		db = pwparse(text);
		if (nlc_pwdb_usable(db))
			fail_msg("usable: %s", odd[i]);
		assert_int_equal(nlc_pwdb_user(db, 0, &n, &g), -ENOTSUP);
		nlc_pwdb_free(db);
	}
	{
		/* a NUL byte: glibc's parser sees a C string */
		static const char t[] = "root:x:0:0::/:\na\0b:x:1:1::/:\n";
		struct nlc_pwdb *db = nlc_pwdb_parse(t, sizeof(t) - 1);

		assert_non_null(db);
		assert_false(nlc_pwdb_usable(db));
		nlc_pwdb_free(db);
	}
}

static void test_passwd_many(void **state)
{
	size_t n = 5000, i, len = 0;
	char *text = malloc(n * 64);
	struct nlc_pwdb *db;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "u%zu:x:%zu:%zu::/:/bin/sh\n", i, 10000 + i, i % 7);
	db = nlc_pwdb_parse(text, len);
	free(text);
	assert_non_null(db);
	assert_int_equal(nlc_pwdb_users(db), n);
	for (i = 0; i < n; i += 499) {
		char name[16];

		snprintf(name, sizeof(name), "u%zu", i);
		expect_user(db, (uid_t)(10000 + i), name, (gid_t)(i % 7));
	}
	expect_no_user(db, 9999);
	nlc_pwdb_free(db);
}

static bool passwd_files(const char *text)
{
	return nlc_nss_passwd_files_only(text, strlen(text));
}

static void test_nsswitch_passwd(void **state)
{
	(void)state;
	assert_true(passwd_files("passwd: files\n"));
	assert_true(passwd_files("group: ldap\npasswd:\tfiles # local\n"));
	assert_false(passwd_files(""));
	assert_false(passwd_files("passwd: files systemd\n"));
	assert_false(passwd_files("passwd: compat\n"));
	assert_false(passwd_files("passwd: files [NOTFOUND=return]\n"));
	assert_false(passwd_files("passwd: files\npasswd: files\n"));
	assert_false(passwd_files("Passwd: files\n"));
	assert_false(passwd_files("passwd : files\n"));
	assert_false(passwd_files("group: files\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary_first_and_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_member_syntax),
		cmocka_unit_test(test_skipped_lines),
		cmocka_unit_test(test_unusable),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_nsswitch),
		cmocka_unit_test(test_passwd_lines),
		cmocka_unit_test(test_passwd_unusable),
		cmocka_unit_test(test_passwd_many),
		cmocka_unit_test(test_nsswitch_passwd),
	};

	return cmocka_run_group_tests_name("grpdb", tests, NULL, NULL);
}
