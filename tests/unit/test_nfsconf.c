// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfs.conf parsing, include handling and the [exportd] -> [mountd]
 * fallback.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nfsconf.h"

static int load(struct nlc_conf *c, const char *text)
{
	nlc_conf_init(c);
	return nlc_conf_load_buf(c, "nfs.conf", text, strlen(text));
}

static void test_basic_lookup(void **state)
{
	struct nlc_conf c;

	(void)state;
	assert_int_equal(load(&c,
		"# comment\n"
		"; another comment\n"
		"\n"
		"[General]\n"
		"  Pipefs-Directory = /run/rpc_pipefs  \n"
		"[mountd]\n"
		"ttl=100\n"
		"threads = 4 # trailing comment\n"
		"ha-callout = \"/usr/bin/a b\"\n"
		"odd=a#b\n"
		"[MOUNTD]\n"
		"TTL = 200\n"
		"[nfsd \"sub\"]\n"
		"threads = 9\n"
		"[nfsd]\n"
		"threads = 8\n"), 0);
	assert_string_equal(nlc_conf_get(&c, "general", "pipefs-directory"),
			    "/run/rpc_pipefs");
	/* Names are case-insensitive; a later setting wins. */
	assert_string_equal(nlc_conf_get(&c, "Mountd", "ttl"), "200");
	assert_string_equal(nlc_conf_get(&c, "mountd", "threads"), "4");
	assert_string_equal(nlc_conf_get(&c, "mountd", "ha-callout"),
			    "/usr/bin/a b");
	assert_string_equal(nlc_conf_get(&c, "mountd", "odd"), "a#b");
	assert_string_equal(nlc_conf_get(&c, "nfsd", "threads"), "8");
	assert_string_equal(nlc_conf_get_sub(&c, "nfsd", "sub", "threads"),
			    "9");
	assert_null(nlc_conf_get_sub(&c, "nfsd", "other", "threads"));
	assert_null(nlc_conf_get(&c, "mountd", "nope"));
	assert_null(nlc_conf_get(&c, "exportd", "ttl"));
	assert_int_equal(c.nerr, 0);
	nlc_conf_free(&c);
}

static void test_bool_and_int_values(void **state)
{
	static const char *const yes[] = { "y", "Yes", "t", "TRUE", "on", "1" };
	static const char *const no[] = { "n", "NO", "f", "false", "Off", "0" };
	static const char *const bad[] = { "", "2", "maybe", "yess", "enable" };
	bool b;
	int i;

	(void)state;
	for (size_t k = 0; k < 6; k++) {
		b = false;
		assert_int_equal(nlc_conf_parse_bool(yes[k], &b), 0);
		assert_true(b);
		b = true;
		assert_int_equal(nlc_conf_parse_bool(no[k], &b), 0);
		assert_false(b);
	}
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(nlc_conf_parse_bool(bad[k], &b), -1);

	assert_int_equal(nlc_conf_parse_int("42", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(nlc_conf_parse_int(" -7 ", &i), 0);
	assert_int_equal(i, -7);
	assert_int_equal(nlc_conf_parse_int("0x10", &i), 0);
	assert_int_equal(i, 16);
	assert_int_equal(nlc_conf_parse_int("12abc", &i), -1);
	assert_int_equal(nlc_conf_parse_int("", &i), -1);
	assert_int_equal(nlc_conf_parse_int("99999999999", &i), -1);
}

static void test_exportd_then_mountd(void **state)
{
	struct nlc_conf c;
	const char *where;
	bool b;
	int i;

	(void)state;
	assert_int_equal(load(&c,
		"[mountd]\n"
		"manage-gids = yes\n"
		"ttl = 600\n"
		"cache-use-ipaddr = y\n"
		"threads = 8\n"
		"state-directory-path = /var/lib/nfs\n"
		"debug = all\n"
		"[exportd]\n"
		"manage-gids = no\n"
		"threads = 2\n"
		"no-netlink = maybe\n"), 0);
	assert_int_equal(nlc_conf_daemon_get_bool(&c, "manage-gids", &b), 1);
	assert_false(b);
	assert_string_equal(nlc_conf_daemon_get(&c, "manage-gids", &where),
			    "no");
	assert_string_equal(where, "exportd");
	assert_int_equal(nlc_conf_daemon_get_int(&c, "ttl", &i), 1);
	assert_int_equal(i, 600);
	assert_string_equal(nlc_conf_daemon_get(&c, "ttl", &where), "600");
	assert_string_equal(where, "mountd");
	assert_int_equal(nlc_conf_daemon_get_int(&c, "threads", &i), 1);
	assert_int_equal(i, 2);
	assert_int_equal(nlc_conf_daemon_get_bool(&c, "cache-use-ipaddr", &b), 1);
	assert_true(b);
	assert_string_equal(nlc_conf_daemon_get(&c, "state-directory-path",
						NULL), "/var/lib/nfs");
	assert_string_equal(nlc_conf_daemon_get(&c, "debug", NULL), "all");
	/* Set but invalid, and unset. */
	assert_int_equal(nlc_conf_daemon_get_bool(&c, "no-netlink", &b), -1);
	assert_int_equal(nlc_conf_daemon_get_int(&c, "debug", &i), -1);
	assert_int_equal(nlc_conf_daemon_get_int(&c, "port", &i), 0);
	assert_null(nlc_conf_daemon_get(&c, "port", &where));
	assert_null(where);
	assert_int_equal(nlc_conf_get_bool(&c, "mountd", "manage-gids", &b), 1);
	assert_true(b);
	assert_int_equal(nlc_conf_get_int(&c, "nfsd", "threads", &i), 0);
	nlc_conf_free(&c);
}

static void test_bad_lines_are_skipped(void **state)
{
	struct nlc_conf c;

	(void)state;
	assert_int_equal(load(&c,
		"orphan = 1\n"			/* 1 */
		"[mountd]\n"			/* 2 */
		"ttl = 5\n"			/* 3 */
		"this is not a setting\n"	/* 4 */
		"= value\n"			/* 5 */
		"q = \"unterminated\n"		/* 6 */
		"[broken\n"			/* 7 */
		"threads = 3\n"			/* 8: no section now */
		"[mountd] extra\n"		/* 9 */
		"[ ]\n"				/* 10 */
		"[exportd]\n"			/* 11 */
		"debug = auth\n"), 8);		/* 12 */
	assert_int_equal(c.nerr, 8);
	assert_string_equal(c.err[0].msg,
			    "nfs.conf:1: \"orphan\" outside any section");
	assert_int_equal(c.err[1].line, 4);
	assert_non_null(strstr(c.err[1].msg, "nfs.conf:4: expected"));
	assert_int_equal(c.err[2].line, 5);
	assert_int_equal(c.err[3].line, 6);
	assert_non_null(strstr(c.err[3].msg, "unterminated quote"));
	assert_int_equal(c.err[4].line, 7);
	assert_non_null(strstr(c.err[4].msg, "malformed section header"));
	assert_int_equal(c.err[5].line, 8);
	assert_int_equal(c.err[6].line, 9);
	assert_int_equal(c.err[7].line, 10);
	assert_string_equal(nlc_conf_get(&c, "mountd", "ttl"), "5");
	assert_null(nlc_conf_get(&c, "mountd", "threads"));
	assert_string_equal(nlc_conf_get(&c, "exportd", "debug"), "auth");
	nlc_conf_free(&c);
}

static void test_variable_expansion(void **state)
{
	struct nlc_conf c;

	(void)state;
	setenv("NLC_TEST_FROM_ENV", "envval", 1);
	unsetenv("NLC_TEST_UNSET");
	assert_int_equal(load(&c,
		"[environment]\n"
		"base = /srv\n"
		"[mountd]\n"
		"state-directory-path = $base/state\n"
		"a = ${base}x\n"
		"b = $NLC_TEST_FROM_ENV/$NLC_TEST_UNSET.\n"
		"c = cost $ 5\n"), 0);
	assert_string_equal(nlc_conf_get(&c, "mountd", "state-directory-path"),
			    "/srv/state");
	assert_string_equal(nlc_conf_get(&c, "mountd", "a"), "/srvx");
	assert_string_equal(nlc_conf_get(&c, "mountd", "b"), "envval/.");
	assert_string_equal(nlc_conf_get(&c, "mountd", "c"), "cost $ 5");
	/* Stable across repeated lookups. */
	assert_string_equal(nlc_conf_get(&c, "mountd", "a"), "/srvx");
	nlc_conf_free(&c);
}

struct tmp {
	const char *dir;
	char paths[16][256];
	int n;
	char dirs[8][256];
	int nd;
};

static const char *tmp_file(struct tmp *t, const char *name, const char *text)
{
	FILE *f;
	char *p;

	assert_true(t->n < 16);
	p = t->paths[t->n++];

	snprintf(p, 256, "%s/%s", t->dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void tmp_dir(struct tmp *t, const char *name)
{
	char *p;

	assert_true(t->nd < 8);
	p = t->dirs[t->nd++];

	snprintf(p, 256, "%s/%s", t->dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void tmp_clean(struct tmp *t)
{
	for (int i = t->n; i-- > 0;)
		unlink(t->paths[i]);
	for (int i = t->nd; i-- > 0;)
		rmdir(t->dirs[i]);
	rmdir(t->dir);
}

static void test_include(void **state)
{
	char d[] = "/tmp/nlc-conf-XXXXXX";
	struct tmp t = { .dir = d };
	struct nlc_conf c;
	const char *main_conf;
	char want[512];

	(void)state;
	assert_non_null(mkdtemp(d));
	tmp_dir(&t, "inc");
	tmp_file(&t, "inc/sub.conf", "[mountd]\nttl = 2\nthreads = 5\n");
	tmp_file(&t, "loop.conf", "[x]\nk = 1\ninclude = loop.conf\n");
	main_conf = tmp_file(&t, "main.conf",
		"[mountd]\n"			/* 1 */
		"ttl = 1\n"			/* 2 */
		"include = inc/sub.conf\n"	/* 3 */
		"include = -missing.conf\n"	/* 4 */
		"include = missing2.conf\n"	/* 5 */
		"threads = 6\n"			/* 6 */
		"[y]\n"				/* 7 */
		"include = loop.conf\n");	/* 8 */

	nlc_conf_init(&c);
	assert_int_equal(nlc_conf_load_file(&c, main_conf), 2);
	/* The include is read in place: later lines override it. */
	assert_string_equal(nlc_conf_get(&c, "mountd", "ttl"), "2");
	assert_string_equal(nlc_conf_get(&c, "mountd", "threads"), "6");
	assert_string_equal(nlc_conf_get(&c, "x", "k"), "1");
	assert_int_equal(c.nerr, 2);
	snprintf(want, sizeof(want),
		 "%s:5: cannot include \"%s/missing2.conf\"", main_conf, t.dir);
	assert_true(!strncmp(c.err[0].msg, want, strlen(want)));
	assert_non_null(strstr(c.err[1].msg, "nested too deeply"));
	assert_non_null(strstr(c.err[1].msg, "loop.conf:3: "));
	nlc_conf_free(&c);

	/* An unreadable top-level file is -1/ENOENT. */
	nlc_conf_init(&c);
	snprintf(want, sizeof(want), "%s/none.conf", t.dir);
	assert_int_equal(nlc_conf_load_file(&c, want), -1);
	assert_int_equal(errno, ENOENT);
	nlc_conf_free(&c);
	tmp_clean(&t);
}

static void test_default_search_order(void **state)
{
	char d[] = "/tmp/nlc-conf-XXXXXX";
	struct tmp t = { .dir = d };
	struct nlc_conf c;

	(void)state;
	assert_non_null(mkdtemp(d));
	nlc_conf_init(&c);
	/* Nothing there at all: fine. */
	assert_int_equal(nlc_conf_load_default(&c, t.dir), 0);
	assert_int_equal(c.nent, 0);
	nlc_conf_free(&c);

	tmp_dir(&t, "usr");
	tmp_dir(&t, "usr/etc");
	tmp_dir(&t, "usr/etc/nfs.conf.d");
	tmp_dir(&t, "etc");
	tmp_dir(&t, "etc/nfs.conf.d");
	tmp_file(&t, "usr/etc/nfs.conf",
		 "[mountd]\na = usr\nb = usr\nc = usr\nd = usr\n");
	tmp_file(&t, "usr/etc/nfs.conf.d/x.conf", "[mountd]\nb = usrd\n");
	tmp_file(&t, "etc/nfs.conf", "[mountd]\nb = etc\nc = etc\n");
	tmp_file(&t, "etc/nfs.conf.d/20-b.conf", "[mountd]\nd = 20\n");
	tmp_file(&t, "etc/nfs.conf.d/10-a.conf", "[mountd]\nc = 10\nd = 10\n");
	tmp_file(&t, "etc/nfs.conf.d/.hidden.conf", "[mountd]\nd = hidden\n");
	tmp_file(&t, "etc/nfs.conf.d/skip.txt", "[mountd]\nd = txt\n");
	tmp_file(&t, "etc/nfs.conf.d/99-bad.conf", "junk\n");

	nlc_conf_init(&c);
	assert_int_equal(nlc_conf_load_default(&c, t.dir), 1);
	assert_string_equal(nlc_conf_get(&c, "mountd", "a"), "usr");
	assert_string_equal(nlc_conf_get(&c, "mountd", "b"), "etc");
	assert_string_equal(nlc_conf_get(&c, "mountd", "c"), "10");
	assert_string_equal(nlc_conf_get(&c, "mountd", "d"), "20");
	assert_int_equal(c.nerr, 1);
	assert_non_null(strstr(c.err[0].msg, "99-bad.conf:1: expected"));
	nlc_conf_free(&c);
	tmp_clean(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_lookup),
		cmocka_unit_test(test_bool_and_int_values),
		cmocka_unit_test(test_exportd_then_mountd),
		cmocka_unit_test(test_bad_lines_are_skipped),
		cmocka_unit_test(test_variable_expansion),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_default_search_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
