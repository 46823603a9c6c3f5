// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The word parsers behind `nlcachectl answer` and friends.
 */
#include <errno.h>
#include <stdlib.h>

#include "nlc_test.h"
#include "nlc_args.h"

#define NOW 1700000000

static void test_numbers(void **state)
{
	uint64_t v64;
	uint32_t v;
	int32_t s;

	(void)state;
	assert_int_equal(nlc_parse_u32("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nlc_parse_u32("4294967295", &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(nlc_parse_u32("0x1F", &v), 0);
	assert_int_equal(v, 31);
	/* decimal, not octal: a leading 0 is not special */
	assert_int_equal(nlc_parse_u32("010", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(nlc_parse_u32("4294967296", &v), -1);
	assert_int_equal(nlc_parse_u32("-1", &v), -1);
	assert_int_equal(nlc_parse_u32("+1", &v), -1);
	assert_int_equal(nlc_parse_u32(" 1", &v), -1);
	assert_int_equal(nlc_parse_u32("1x", &v), -1);
	assert_int_equal(nlc_parse_u32("0x", &v), -1);
	assert_int_equal(nlc_parse_u32("", &v), -1);
	assert_int_equal(nlc_parse_u32(NULL, &v), -1);
	assert_int_equal(nlc_parse_u64("18446744073709551615", &v64), 0);
	assert_true(v64 == UINT64_MAX);
	assert_int_equal(nlc_parse_u64("18446744073709551616", &v64), -1);
	assert_int_equal(nlc_parse_s32("-2147483648", &s), 0);
	assert_int_equal(s, INT32_MIN);
	assert_int_equal(nlc_parse_s32("2147483647", &s), 0);
	assert_int_equal(s, INT32_MAX);
	assert_int_equal(nlc_parse_s32("-1", &s), 0);
	assert_int_equal(s, -1);
	assert_int_equal(nlc_parse_s32("2147483648", &s), -1);
	assert_int_equal(nlc_parse_s32("-2147483649", &s), -1);
	assert_int_equal(nlc_parse_s32("--1", &s), -1);
}

static uint32_t flags_of(const char *s)
{
	char err[128];
	uint32_t f = 0xdeadbeef;

	assert_int_equal(nlc_parse_export_flags(s, &f, err, sizeof(err)), 0);
	return f;
}

static void test_export_flag_names(void **state)
{
	char err[128];
	uint32_t f;

	(void)state;
	/* the enum names, lowercased (and in any case, '-' or '_') */
	assert_int_equal(flags_of("readonly,rootsquash,nosubtreecheck,crossmount,fsid,v4root"),
			 NLCACHE_EXPORT_FLAGS_READONLY | NLCACHE_EXPORT_FLAGS_ROOTSQUASH |
			 NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK | NLCACHE_EXPORT_FLAGS_CROSSMOUNT |
			 NLCACHE_EXPORT_FLAGS_FSID | NLCACHE_EXPORT_FLAGS_V4ROOT);
	assert_int_equal(flags_of("insecure_port,allsquash,async,gathered_writes"), 2 | 8 | 16 | 32);
	assert_int_equal(flags_of("NOREADDIRPLUS,Security-Label,sign_fh,nohide"),
			 64 | 128 | 256 | 512);
	assert_int_equal(flags_of("noauthnlm,msnfs,noacl,pnfs"), 2048 | 4096 | 32768 | 131072);
	/* exports(5) */
	assert_int_equal(flags_of("ro"), NLCACHE_EXPORT_FLAGS_READONLY);
	assert_int_equal(flags_of("rw"), 0);
	assert_int_equal(flags_of("ro,rw"), 0);
	assert_int_equal(flags_of("rw,root_squash,no_subtree_check,wdelay,insecure,crossmnt"),
			 NLCACHE_EXPORT_FLAGS_ROOTSQUASH | NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK |
			 NLCACHE_EXPORT_FLAGS_GATHERED_WRITES |
			 NLCACHE_EXPORT_FLAGS_INSECURE_PORT | NLCACHE_EXPORT_FLAGS_CROSSMOUNT);
	assert_int_equal(flags_of("all_squash,nordirplus,insecure_locks,no_acl,no-auth-nlm"),
			 NLCACHE_EXPORT_FLAGS_ALLSQUASH | NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS |
			 NLCACHE_EXPORT_FLAGS_NOAUTHNLM | NLCACHE_EXPORT_FLAGS_NOACL);
	/* numbers set the whole value; negated names clear */
	assert_int_equal(flags_of("0x425"), 0x425);
	assert_int_equal(flags_of("1061"), 1061);
	assert_int_equal(flags_of("0x3ffff,rw,secure,no_root_squash,no_all_squash,sync,no_wdelay,"
				  "hide,subtree_check,secure_locks,acl,no_pnfs"),
			 NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS | NLCACHE_EXPORT_FLAGS_SECURITY_LABEL |
			 NLCACHE_EXPORT_FLAGS_SIGN_FH | NLCACHE_EXPORT_FLAGS_MSNFS |
			 NLCACHE_EXPORT_FLAGS_FSID | NLCACHE_EXPORT_FLAGS_CROSSMOUNT |
			 NLCACHE_EXPORT_FLAGS_V4ROOT);
	assert_int_equal(flags_of("ro,0x4"), 4);
	/* every word of the exports parser's table (nlc_export_flag_words) */
	assert_int_equal(flags_of("crossmnt,nocrossmnt"), 0);
	for (size_t i = 0; i < nlc_nexport_flag_words; i++) {
		const struct nlc_export_flag_word *w = &nlc_export_flag_words[i];

		assert_int_equal(flags_of(w->name) == w->mask, w->set);
	}
	/* a number beyond the known flags goes through (the kernel checks) */
	assert_int_equal(flags_of("0x40000"), 0x40000);

	assert_int_equal(nlc_parse_export_flags("ro,bogus", &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(nlc_parse_export_flags("ro,", &f, err, sizeof(err)), -1);
	assert_int_equal(nlc_parse_export_flags(",ro", &f, err, sizeof(err)), -1);
	assert_int_equal(nlc_parse_export_flags("", &f, err, sizeof(err)), -1);
	assert_int_equal(nlc_parse_export_flags("0x1g", &f, err, sizeof(err)), -1);
	assert_int_equal(nlc_parse_export_flags("readonlyreadonlyreadonlyreadonlyreadonly", &f,
						err, sizeof(err)), -1);
}

static void test_flavors_and_xprtsec(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(nlc_parse_flavor("sys", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(nlc_parse_flavor("unix", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(nlc_parse_flavor("none", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nlc_parse_flavor("krb5", &v), 0);
	assert_int_equal(v, 390003);
	assert_int_equal(nlc_parse_flavor("krb5i", &v), 0);
	assert_int_equal(v, 390004);
	assert_int_equal(nlc_parse_flavor("KRB5P", &v), 0);
	assert_int_equal(v, 390005);
	assert_int_equal(nlc_parse_flavor("6", &v), 0);
	assert_int_equal(v, 6);
	assert_int_equal(nlc_parse_flavor("krb6", &v), -1);
	assert_int_equal(nlc_parse_flavor("", &v), -1);

	assert_int_equal(nlc_parse_xprtsec("none", &v), 0);
	assert_int_equal(v, NLCACHE_XPRTSEC_MODE_NONE);
	assert_int_equal(nlc_parse_xprtsec("tls", &v), 0);
	assert_int_equal(v, NLCACHE_XPRTSEC_MODE_TLS);
	assert_int_equal(nlc_parse_xprtsec("mtls", &v), 0);
	assert_int_equal(v, NLCACHE_XPRTSEC_MODE_MTLS);
	assert_int_equal(nlc_parse_xprtsec("8", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(nlc_parse_xprtsec("ssl", &v), -1);
}

static void test_hex(void **state)
{
	static const unsigned char uuid[16] = {
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	unsigned char buf[32];

	(void)state;
	assert_int_equal(nlc_parse_hex("\\x00ff10", false, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "\x00\xff\x10", 3);
	assert_int_equal(nlc_parse_hex("00FF10", false, buf, sizeof(buf)), 3);
	assert_int_equal(nlc_parse_hex("0xAB", false, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 0xab);
	assert_int_equal(nlc_parse_hex("", false, buf, sizeof(buf)), 0);
	assert_int_equal(nlc_parse_hex("abc", false, buf, sizeof(buf)), -1);
	assert_int_equal(nlc_parse_hex("zz", false, buf, sizeof(buf)), -1);
	assert_int_equal(nlc_parse_hex("0102", false, buf, 1), -1);
	assert_int_equal(nlc_parse_hex("12-34", false, buf, sizeof(buf)), -1);
	assert_int_equal(nlc_parse_hex("12345678-9abc-def0-0123-456789abcdef", true, buf,
				       sizeof(buf)), 16);
	assert_memory_equal(buf, uuid, 16);
	assert_int_equal(nlc_parse_hex("12:34:56:78:9a:bc:de:f0:01:23:45:67:89:ab:cd:ef", true,
				       buf, sizeof(buf)), 16);
	assert_memory_equal(buf, uuid, 16);
	assert_int_equal(nlc_parse_hex("-1234", true, buf, sizeof(buf)), -1);
}

static void test_fsid_length_per_type(void **state)
{
	static const int len[] = { 8, 4, 12, 8, 8, 8, 16, 24 };
	static const char digits[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a";
	unsigned char buf[NLC_HEX_MAX];
	char hex[64], err[128];
	uint32_t t;

	(void)state;
	for (t = 0; t < 8; t++) {
		/* exactly right, with and without \x */
		snprintf(hex, sizeof(hex), "%.*s", len[t] * 2, digits);
		assert_int_equal(nlc_parse_fsid(t, hex, false, buf, sizeof(buf), err,
						sizeof(err)), len[t]);
		assert_int_equal(buf[len[t] - 1], len[t] - 1);
		snprintf(hex, sizeof(hex), "\\x%.*s", len[t] * 2, digits);
		assert_int_equal(nlc_parse_fsid(t, hex, false, buf, sizeof(buf), err,
						sizeof(err)), len[t]);
		/* one byte short, one byte long: rejected, unless --raw */
		snprintf(hex, sizeof(hex), "%.*s", len[t] * 2 - 2, digits);
		assert_int_equal(nlc_parse_fsid(t, hex, false, buf, sizeof(buf), err,
						sizeof(err)), -1);
		assert_non_null(strstr(err, "bytes"));
		assert_int_equal(nlc_parse_fsid(t, hex, true, buf, sizeof(buf), err,
						sizeof(err)), len[t] - 1);
		snprintf(hex, sizeof(hex), "%.*s", len[t] * 2 + 2, digits);
		assert_int_equal(nlc_parse_fsid(t, hex, false, buf, sizeof(buf), err,
						sizeof(err)), -1);
		assert_int_equal(nlc_parse_fsid(t, hex, true, buf, sizeof(buf), err,
						sizeof(err)), len[t] + 1);
	}
	assert_int_equal(nlc_parse_fsid(8, "00", false, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown fsid type"));
	assert_int_equal(nlc_parse_fsid(8, "00", true, buf, sizeof(buf), err, sizeof(err)), 1);
	assert_int_equal(nlc_parse_fsid(1, "0g000000", true, buf, sizeof(buf), err,
					sizeof(err)), -1);
}

static void test_fsloc(void **state)
{
	const char *path;
	char *host;

	(void)state;
	assert_int_equal(nlc_parse_fsloc("server:/srv/a", &host, &path), 0);
	assert_string_equal(host, "server");
	assert_string_equal(path, "/srv/a");
	free(host);
	assert_int_equal(nlc_parse_fsloc("a:b:/p", &host, &path), 0);
	assert_string_equal(host, "a:b");
	assert_string_equal(path, "/p");
	free(host);
	assert_int_equal(nlc_parse_fsloc("[2001:db8::1]:/x:/y", &host, &path), 0);
	assert_string_equal(host, "[2001:db8::1]");
	assert_string_equal(path, "/x:/y");
	free(host);
	assert_int_equal(nlc_parse_fsloc("server", &host, &path), -1);
	assert_int_equal(nlc_parse_fsloc(":/p", &host, &path), -1);
	assert_int_equal(nlc_parse_fsloc("server:p", &host, &path), -1);
}

static void test_split_words(void **state)
{
	char line[] = "  nfsd\t192.0.2.1  my\\040domain \\x0102 a\\134b \\400 \\07x\n";
	char comment[] = "  # nfsd 192.0.2.1\n";
	char nul[] = "a\\000b";
	char many[] = "a b c d";
	char empty[] = " \t\r\n";
	char *w[8];

	(void)state;
	assert_int_equal(nlc_split_words(line, w, 8), 7);
	assert_string_equal(w[0], "nfsd");
	assert_string_equal(w[1], "192.0.2.1");
	assert_string_equal(w[2], "my domain");
	assert_string_equal(w[3], "\\x0102");	/* hex words stay raw */
	assert_string_equal(w[4], "a\\b");
	assert_string_equal(w[5], "\\400");	/* not an escape: literal */
	assert_string_equal(w[6], "\\07x");
	assert_int_equal(nlc_split_words(comment, w, 8), 0);
	assert_int_equal(nlc_split_words(empty, w, 8), 0);
	errno = 0;
	assert_int_equal(nlc_split_words(nul, w, 8), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nlc_split_words(many, w, 3), -1);
	assert_int_equal(errno, E2BIG);
}

static void test_unescape_word(void **state)
{
	char a[] = "/srv/my\\040share\\134x", b[] = "\\x00ff", c[] = "a\\400\\9\\",
	     d[] = "\\000", e[] = "plain";

	(void)state;
	assert_int_equal(nlc_unescape_word(a), 0);
	assert_string_equal(a, "/srv/my share\\x");
	assert_int_equal(nlc_unescape_word(b), 0);
	assert_string_equal(b, "\\x00ff");
	assert_int_equal(nlc_unescape_word(c), 0);
	assert_string_equal(c, "a\\400\\9\\");
	assert_int_equal(nlc_unescape_word(d), -1);
	assert_int_equal(nlc_unescape_word(e), 0);
	assert_string_equal(e, "plain");
}

/* Parse words (argv[0] is the cache name, as on the command line). */
static int parse(struct nlc_answer *a, const char *cache, const struct nlc_answer *def,
		 char *err, size_t errlen, ...)
{
	char *argv[64];
	va_list ap;
	int argc = 0;
	const char *w;

	argv[argc++] = (char *)cache;
	va_start(ap, errlen);
	while ((w = va_arg(ap, const char *)))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return nlc_answer_parse(a, nlc_cache_lookup(cache), argc, argv, def, NOW, err, errlen);
}

#define PARSE_OK(a, cache, ...) do {						\
		char err_[256];							\
		int r_ = parse(a, cache, NULL, err_, sizeof(err_), __VA_ARGS__, NULL); \
		if (r_)								\
			print_error("unexpected: %s\n", err_);			\
		assert_int_equal(r_, 0);					\
	} while (0)

/* Expect a usage error whose message contains what. */
static void parse_fails(const char *cache, const char *what, ...)
{
	struct nlc_answer a;
	char *argv[64], err[256];
	const char *w;
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)cache;
	va_start(ap, what);
	while ((w = va_arg(ap, const char *)))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	assert_int_equal(nlc_answer_parse(&a, nlc_cache_lookup(cache), argc, argv, NULL, NOW,
					  err, sizeof(err)), -1);
	if (!strstr(err, what))
		print_error("'%s' does not mention '%s'\n", err, what);
	assert_non_null(strstr(err, what));
	nlc_answer_free(&a);
}

static void test_answer_ip_map(void **state)
{
	struct nlc_answer a;

	(void)state;
	PARSE_OK(&a, "auth.unix.ip", "nfsd", "192.0.2.1", "client.example");
	assert_string_equal(a.r.ip_map.class, "nfsd");
	assert_string_equal(a.r.ip_map.addr, "192.0.2.1");
	assert_string_equal(a.r.ip_map.domain, "client.example");
	assert_false(a.r.ip_map.negative);
	assert_int_equal(a.r.ip_map.expiry, NOW + NLC_TTL_DEFAULT);
	nlc_answer_free(&a);

	PARSE_OK(&a, "ip-map", "nfsd", "192.0.2.1", "--negative", "--ttl", "60");
	assert_true(a.r.ip_map.negative);
	assert_null(a.r.ip_map.domain);
	assert_int_equal(a.r.ip_map.expiry, NOW + 60);
	nlc_answer_free(&a);

	PARSE_OK(&a, "ip-map", "-n", "nfsd", "192.0.2.1", "--expiry", "1234");
	assert_int_equal(a.r.ip_map.expiry, 1234);
	nlc_answer_free(&a);

	parse_fails("auth.unix.ip", "missing DOMAIN", "nfsd", "192.0.2.1", NULL);
	parse_fails("auth.unix.ip", "no DOMAIN", "nfsd", "192.0.2.1", "d", "--negative", NULL);
	parse_fails("auth.unix.ip", "CLASS ADDR", "nfsd", NULL);
	parse_fails("auth.unix.ip", "CLASS must be", "nfsdnfsd", "192.0.2.1", "d", NULL);
	parse_fails("auth.unix.ip", "exclude", "nfsd", "a", "d", "--ttl", "1", "--expiry", "2",
		    NULL);
	parse_fails("auth.unix.ip", "bad --ttl", "nfsd", "a", "d", "--ttl", "-1", NULL);
	parse_fails("auth.unix.ip", "only for nfsd.export", "nfsd", "a", "d", "--flags", "ro",
		    NULL);
	parse_fails("auth.unix.ip", "needs a value", "nfsd", "a", "d", "--ttl", NULL);
	parse_fails("auth.unix.ip", "unknown option", "nfsd", "a", "d", "--bogus", NULL);
	parse_fails("auth.unix.ip", "unknown option '-q'", "nfsd", "a", "d", "-q", NULL);

	/* --raw lets a long class through, for the kernel to reject */
	PARSE_OK(&a, "auth.unix.ip", "--raw", "nfsdnfsd", "192.0.2.1", "d");
	assert_string_equal(a.r.ip_map.class, "nfsdnfsd");
	nlc_answer_free(&a);
}

static void test_answer_unix_gid(void **state)
{
	struct nlc_answer a;

	(void)state;
	PARSE_OK(&a, "auth.unix.gid", "1000", "100", "0x10", "4294967295");
	assert_int_equal(a.r.unix_gid.uid, 1000);
	assert_int_equal(a.r.unix_gid.ngids, 3);
	assert_int_equal(a.r.unix_gid.gids[0], 100);
	assert_int_equal(a.r.unix_gid.gids[1], 16);
	assert_int_equal(a.r.unix_gid.gids[2], 4294967295u);
	nlc_answer_free(&a);

	PARSE_OK(&a, "unix-gid", "1000");
	assert_int_equal(a.r.unix_gid.ngids, 0);
	assert_false(a.r.unix_gid.negative);
	nlc_answer_free(&a);

	PARSE_OK(&a, "unix-gid", "--negative", "0");
	assert_true(a.r.unix_gid.negative);
	nlc_answer_free(&a);

	parse_fails("unix-gid", "UID", NULL);
	parse_fails("unix-gid", "bad UID", "x", NULL);
	parse_fails("unix-gid", "bad GID", "1", "2", "x3", NULL);
	parse_fails("unix-gid", "unknown option", "1", "2", "-3", NULL);
	parse_fails("unix-gid", "takes no GIDs", "1", "2", "-n", NULL);
}

static void test_answer_svc_export(void **state)
{
	struct nlc_answer a;
	const struct nlc_svc_export_reply *r = &a.r.svc_export;

	(void)state;
	/* defaults: flags 0, anon 65534, fsid 0, nothing optional */
	PARSE_OK(&a, "nfsd.export", "client", "/srv");
	assert_string_equal(r->client, "client");
	assert_string_equal(r->path, "/srv");
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->anon_uid, 65534);
	assert_int_equal(r->anon_gid, 65534);
	assert_int_equal(r->fsid, 0);
	assert_null(r->uuid);
	assert_int_equal(r->nsecinfo, 0);
	assert_int_equal(r->nfslocs, 0);
	assert_int_equal(r->xprtsec, 0);
	assert_int_equal(r->expiry, NOW + NLC_TTL_DEFAULT);
	nlc_answer_free(&a);

	PARSE_OK(&a, "svc-export", "--flags", "rw,no_root_squash,no_subtree_check", "*", "/srv/a",
		 "--anonuid", "1", "--anongid", "0x2", "--fsid", "-7",
		 "--uuid", "12345678-9abc-def0-0123-456789abcdef",
		 "--secinfo", "krb5p", "--secinfo", "sys:ro,no_subtree_check",
		 "--fsloc", "s1:/a", "--fsloc", "s2:s3:/b", "--migrated",
		 "--xprtsec", "tls", "--xprtsec", "mtls", "--ttl", "5");
	assert_int_equal(r->flags, NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	assert_int_equal(r->anon_uid, 1);
	assert_int_equal(r->anon_gid, 2);
	assert_int_equal(r->fsid, -7);
	assert_non_null(r->uuid);
	assert_int_equal(r->uuid_len, 16);
	assert_int_equal(r->uuid[15], 0xef);
	assert_int_equal(r->nsecinfo, 2);
	assert_int_equal(r->secinfo[0].flavor, 390005);
	/* a flavor's flags default to --flags, wherever --flags came */
	assert_int_equal(r->secinfo[0].flags, NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	assert_int_equal(r->secinfo[1].flavor, 1);
	assert_int_equal(r->secinfo[1].flags,
			 NLCACHE_EXPORT_FLAGS_READONLY | NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	assert_int_equal(r->nfslocs, 2);
	assert_string_equal(r->fslocs[0].host, "s1");
	assert_string_equal(r->fslocs[0].path, "/a");
	assert_string_equal(r->fslocs[1].host, "s2:s3");
	assert_string_equal(r->fslocs[1].path, "/b");
	assert_true(r->migrated);
	assert_int_equal(r->xprtsec, NLCACHE_XPRTSEC_MODE_TLS | NLCACHE_XPRTSEC_MODE_MTLS);
	assert_int_equal(r->expiry, NOW + 5);
	nlc_answer_free(&a);

	PARSE_OK(&a, "nfsd.export", "c", "/p", "--negative");
	assert_true(r->negative);
	nlc_answer_free(&a);

	parse_fails("nfsd.export", "CLIENT PATH", "c", NULL);
	parse_fails("nfsd.export", "CLIENT PATH", "c", "/p", "x", NULL);
	parse_fails("nfsd.export", "takes no --flags", "c", "/p", "-n", "--flags", "ro", NULL);
	parse_fails("nfsd.export", "takes no --migrated", "c", "/p", "--migrated", "-n", NULL);
	parse_fails("nfsd.export", "unknown export flag 'rx'", "c", "/p", "--flags", "rx", NULL);
	parse_fails("nfsd.export", "--uuid", "c", "/p", "--uuid", "0011", NULL);
	parse_fails("nfsd.export", "flavor", "c", "/p", "--secinfo", "krb6", NULL);
	parse_fails("nfsd.export", "unknown export flag", "c", "/p", "--secinfo", "sys:nope",
		    NULL);
	parse_fails("nfsd.export", "HOST:PATH", "c", "/p", "--fsloc", "nopath", NULL);
	parse_fails("nfsd.export", "--xprtsec", "c", "/p", "--xprtsec", "ssl", NULL);
	parse_fails("nfsd.export", "bad --anonuid", "c", "/p", "--anonuid", "-1", NULL);
	parse_fails("nfsd.export", "bad --fsid", "c", "/p", "--fsid", "x", NULL);
	parse_fails("nfsd.export", "empty PATH", "c", "", NULL);

	/* --raw: a short uuid goes through */
	PARSE_OK(&a, "nfsd.export", "--raw", "c", "/p", "--uuid", "0011");
	assert_int_equal(r->uuid_len, 2);
	nlc_answer_free(&a);
}

static void test_answer_expkey(void **state)
{
	struct nlc_answer a;
	const struct nlc_expkey_reply *r = &a.r.expkey;

	(void)state;
	PARSE_OK(&a, "nfsd.fh", "client", "1", "\\x0a000001", "/srv");
	assert_string_equal(r->client, "client");
	assert_int_equal(r->fsidtype, 1);
	assert_int_equal(r->fsid_len, 4);
	assert_memory_equal(r->fsid, "\x0a\x00\x00\x01", 4);
	assert_string_equal(r->path, "/srv");
	/* rpc.mountd's expiry for nfsd.fh */
	assert_int_equal(r->expiry, 0x7fffffff);
	nlc_answer_free(&a);

	PARSE_OK(&a, "expkey", "client", "6", "00112233445566778899aabbccddeeff", "--negative");
	assert_true(r->negative);
	assert_null(r->path);
	assert_int_equal(r->fsid_len, 16);
	assert_int_equal(r->expiry, 0x7fffffff);
	nlc_answer_free(&a);

	PARSE_OK(&a, "expkey", "client", "1", "0a000001", "/srv", "--ttl", "10");
	assert_int_equal(r->expiry, NOW + 10);
	nlc_answer_free(&a);

	parse_fails("nfsd.fh", "takes 4 bytes, not 3", "c", "1", "0a0000", "/p", NULL);
	parse_fails("nfsd.fh", "unknown fsid type 9", "c", "9", "0a000000", "/p", NULL);
	parse_fails("nfsd.fh", "bad FSIDTYPE", "c", "256", "0a000000", "/p", "--raw", NULL);
	parse_fails("nfsd.fh", "missing PATH", "c", "1", "0a000001", NULL);
	parse_fails("nfsd.fh", "takes no PATH", "c", "1", "0a000001", "/p", "-n", NULL);
	parse_fails("nfsd.fh", "bad fsid", "c", "1", "xyz", "/p", NULL);

	/* --raw sends what it is given, for the kernel to judge */
	PARSE_OK(&a, "nfsd.fh", "--raw", "c", "9", "0a0000", "/p");
	assert_int_equal(r->fsidtype, 9);
	assert_int_equal(r->fsid_len, 3);
	nlc_answer_free(&a);
}

static void test_answer_command_line_and_stdin(void **state)
{
	struct nlc_answer def, a;
	char err[256];

	(void)state;
	PARSE_OK(&def, "auth.unix.ip", "--stdin", "-v", "--ttl", "30", "--raw");
	assert_true(def.use_stdin);
	assert_true(def.verbose);
	assert_true(def.raw);
	nlc_answer_free(&def);

	PARSE_OK(&a, "nfsd.fh", "--help");
	assert_true(a.help);
	nlc_answer_free(&a);

	parse_fails("auth.unix.ip", "no words after it", "--stdin", "nfsd", NULL);
	parse_fails("nfsd.export", "on each input line", "--stdin", "--flags", "ro", NULL);

	/* A line starts from the command line's defaults ... */
	PARSE_OK(&def, "auth.unix.ip", "--stdin", "--ttl", "30");
	assert_int_equal(parse(&a, "auth.unix.ip", &def, err, sizeof(err), "nfsd",
			       "192.0.2.1", "d", NULL), 0);
	assert_int_equal(a.r.ip_map.expiry, NOW + 30);
	nlc_answer_free(&a);
	/* ... and may override them */
	assert_int_equal(parse(&a, "auth.unix.ip", &def, err, sizeof(err), "nfsd",
			       "192.0.2.1", "--expiry", "99", "-n", NULL), 0);
	assert_int_equal(a.r.ip_map.expiry, 99);
	assert_true(a.r.ip_map.negative);
	nlc_answer_free(&a);
	/* but not use the command-line-only options */
	assert_int_equal(parse(&a, "auth.unix.ip", &def, err, sizeof(err), "nfsd",
			       "192.0.2.1", "d", "-v", NULL), -1);
	assert_non_null(strstr(err, "not allowed on an input line"));
	nlc_answer_free(&a);
	assert_int_equal(parse(&a, "auth.unix.ip", &def, err, sizeof(err), "--stdin", NULL), -1);
	nlc_answer_free(&a);
	nlc_answer_free(&def);

	/* --negative as a default */
	PARSE_OK(&def, "nfsd.fh", "--stdin", "--negative");
	assert_int_equal(parse(&a, "nfsd.fh", &def, err, sizeof(err), "c", "1", "01020304",
			       NULL), 0);
	assert_true(a.r.expkey.negative);
	nlc_answer_free(&a);
	nlc_answer_free(&def);
}

static void test_answer_encodes(void **state)
{
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n, *s;
	struct nlc_answer a;

	(void)state;
	PARSE_OK(&a, "nfsd.export", "c", "/p", "--flags", "ro,v4root", "--secinfo", "sys",
		 "--fsloc", "h:/q");
	assert_int_equal(nlc_answer_put(msg, &a), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_answer_size(&a));
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_FLAGS, 0)),
			 NLCACHE_EXPORT_FLAGS_READONLY | NLCACHE_EXPORT_FLAGS_V4ROOT);
	s = test_find(n, NLCACHE_A_SVC_EXPORT_SECINFO, 0);
	assert_int_equal(test_u32(test_find(s, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, 0)), 1);
	assert_int_equal(test_u32(test_find(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, 0)),
			 NLCACHE_EXPORT_FLAGS_READONLY | NLCACHE_EXPORT_FLAGS_V4ROOT);
	s = test_find(n, NLCACHE_A_SVC_EXPORT_FSLOCATIONS, 0);
	assert_int_equal(test_count(s, NLCACHE_A_FSLOCATIONS_LOCATION), 1);
	assert_null(test_find(s, NLCACHE_A_FSLOCATIONS_MIGRATED, 0));
	nlc_answer_free(&a);
	nlmsg_free(msg);

	msg = test_msg(NLCACHE_CMD_EXPKEY_SET_REQS, 4096);
	PARSE_OK(&a, "nfsd.fh", "c", "7", "000102030405060708090a0b0c0d0e0f1011121314151617",
		 "-n");
	assert_int_equal(nlc_answer_put(msg, &a), 0);
	n = test_only(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	assert_int_equal(nla_len(test_find(n, NLCACHE_A_EXPKEY_FSID, 0)), 24);
	assert_int_equal(nla_get_u8(test_find(n, NLCACHE_A_EXPKEY_FSIDTYPE, 0)), 7);
	assert_non_null(test_find(n, NLCACHE_A_EXPKEY_NEGATIVE, 0));
	nlc_answer_free(&a);
	nlmsg_free(msg);
}

/* An answer may be copied or moved (the --stdin array grows with realloc):
 * nothing it sends may point into the struct itself. */
static void test_answer_can_move(void **state)
{
	struct nlc_answer *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	struct nlattr *n;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	PARSE_OK(a, "nfsd.export", "c", "/p", "--uuid", "00112233445566778899aabbccddeeff");
	memcpy(b, a, sizeof(*a));
	memset(a, 0x5a, sizeof(*a));
	free(a);
	assert_int_equal(nlc_answer_put(msg, b), 0);
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_memory_equal(nla_data(test_find(n, NLCACHE_A_SVC_EXPORT_UUID, 0)),
			    "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
	nlc_answer_free(b);
	nlmsg_free(msg);

	a = malloc(sizeof(*a));
	assert_non_null(a);
	msg = test_msg(NLCACHE_CMD_EXPKEY_SET_REQS, 4096);
	PARSE_OK(a, "nfsd.fh", "c", "1", "0a000001", "/p");
	memcpy(b, a, sizeof(*a));
	memset(a, 0x5a, sizeof(*a));
	free(a);
	assert_int_equal(nlc_answer_put(msg, b), 0);
	n = test_only(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	assert_memory_equal(nla_data(test_find(n, NLCACHE_A_EXPKEY_FSID, 0)), "\x0a\0\0\x01", 4);
	nlc_answer_free(b);
	nlmsg_free(msg);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_export_flag_names),
		cmocka_unit_test(test_flavors_and_xprtsec),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_fsid_length_per_type),
		cmocka_unit_test(test_fsloc),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_unescape_word),
		cmocka_unit_test(test_answer_ip_map),
		cmocka_unit_test(test_answer_unix_gid),
		cmocka_unit_test(test_answer_svc_export),
		cmocka_unit_test(test_answer_expkey),
		cmocka_unit_test(test_answer_command_line_and_stdin),
		cmocka_unit_test(test_answer_encodes),
		cmocka_unit_test(test_answer_can_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
