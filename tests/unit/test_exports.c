// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * exports(5) / etab parsing and etab rendering.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "exports.h"
#include "encoders.h"

#define DEF NLC_EXPORT_DEFAULT_FLAGS

static int parse(struct nlc_exports *t, const char *text)
{
	nlc_exports_init(t);
	return nlc_exports_parse_buf(t, "exports", text, strlen(text),
				     NLC_EXPORTS_FILE);
}

/* Options of the only entry of "/p h(<opts>)"; fails the test if the
 * entry is rejected. */
static struct nlc_exports one;

static const struct nlc_export_opts *opts_of(const char *opts)
{
	char line[512];

	nlc_exports_free(&one);
	snprintf(line, sizeof(line), "/p h(%s)\n", opts);
	assert_int_equal(parse(&one, line), 0);
	assert_int_equal(one.nent, 1);
	return &one.ent[0].opts;
}

/* Count errors (not warnings) and check one of them mentions want. */
static size_t hard_errors(const struct nlc_exports *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nerr; i++)
		n += !t->err[i].warning;
	return n;
}

static const struct nlc_diag *err_at(const struct nlc_exports *t,
					     unsigned int line)
{
	for (size_t i = 0; i < t->nerr; i++)
		if (t->err[i].line == line)
			return &t->err[i];
	return NULL;
}

static void rejects(const char *opts, const char *msgpart)
{
	struct nlc_exports t;
	char line[512];

	snprintf(line, sizeof(line), "/p h(%s)\n/q h(rw)\n", opts);
	assert_int_equal(parse(&t, line), 1);
	assert_int_equal(t.nent, 1);
	assert_string_equal(t.ent[0].path, "/q");
	assert_int_equal(hard_errors(&t), 1);
	assert_non_null(err_at(&t, 1));
	assert_false(err_at(&t, 1)->warning);
	if (!strstr(err_at(&t, 1)->msg, msgpart))
		fail_msg("\"%s\" not in \"%s\"", msgpart, err_at(&t, 1)->msg);
	assert_true(!strncmp(err_at(&t, 1)->msg, "exports:1: ", 11));
	nlc_exports_free(&t);
}

/* For the tests of options newer than nfs-utils 2.6.2. */
static int upstream(void **state)
{
	(void)state;
	nlc_exports_set_dialect(NLC_DIALECT_UPSTREAM);
	return 0;
}

static int back_to_262(void **state)
{
	(void)state;
	nlc_exports_set_dialect(NLC_DIALECT_262);
	return 0;
}

/* nfs-utils 2.6.2 (the default): its unknown keywords reject the export. */
static void test_262_dialect(void **state)
{
	(void)state;
	rejects("rw,sign_fh", "unknown keyword \"sign_fh\" (not in nfs-utils 2.6.2)");
	rejects("xprtsec=tls", "unknown keyword \"xprtsec=tls\"");
	rejects("reexport=auto-fsidnum", "unknown keyword \"reexport=auto-fsidnum\"");
	/* and the rest is still read */
	assert_int_equal(opts_of("rw,pnfs,security_label")->flags & 1, 0);
	nlc_exports_free(&one);
}

/* A NUL byte rejects its line (exportfs would cut the path short). */
static void test_nul_byte(void **state)
{
	static const char text[] = "/srv\0/x h(rw)\n/ok h(rw)\n/y h(rw\0)\n"
				   "# a \0 in a comment\n/z h(ro)\n";
	struct nlc_exports t;

	(void)state;
	nlc_exports_init(&t);
	assert_int_equal(nlc_exports_parse_buf(&t, "exports", text,
					       sizeof(text) - 1,
					       NLC_EXPORTS_FILE), 2);
	assert_int_equal(t.nent, 2);
	assert_string_equal(t.ent[0].path, "/ok");
	assert_string_equal(t.ent[1].path, "/z");
	assert_non_null(err_at(&t, 1));
	assert_non_null(strstr(err_at(&t, 1)->msg, "exports:1: NUL byte"));
	assert_non_null(err_at(&t, 3));
	assert_null(nlc_exports_find(&t, "/srv/x", "h"));
	nlc_exports_free(&t);
}

/* One file holds at most NLC_EXPORTS_MAX_PER_FILE entries. */
static void test_per_file_cap(void **state)
{
	size_t n = NLC_EXPORTS_MAX_PER_FILE + 5, len = 0, i;
	char *text = malloc(n * 24);
	struct nlc_exports t;
	bool seen = false;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "/p%zu h(rw)\n", i);
	/* and a duplicate, found through the index */
	len += (size_t)sprintf(text + len, "/p1 h(ro)\n");
	nlc_exports_init(&t);
	assert_true(nlc_exports_parse_buf(&t, "big", text, len,
					  NLC_EXPORTS_FILE) >= 1);
	assert_int_equal(t.nent, NLC_EXPORTS_MAX_PER_FILE);
	assert_non_null(nlc_exports_find(&t, "/p0", "h"));
	assert_non_null(nlc_exports_find(&t, "/p199999", "h"));
	assert_null(nlc_exports_find(&t, "/p200000", "h"));
	for (i = 0; i < t.nerr; i++)
		seen |= !t.err[i].warning &&
			strstr(t.err[i].msg, "more than 200000 entries") != NULL;
	assert_true(seen);
	nlc_exports_free(&t);
	free(text);

	/* the index reports duplicates like the scan did */
	assert_int_equal(parse(&t, "/a h(rw)\n/b h(rw)\n/a h(ro)\n/a H(rw)\n"), 0);
	assert_int_equal(t.nent, 3);
	assert_int_equal(t.nerr, 1);
	assert_true(t.err[0].warning);
	assert_non_null(strstr(t.err[0].msg, "incompatible duplicated export entries /a h"));
	nlc_exports_free(&t);
}

static void test_defaults(void **state)
{
	const struct nlc_export_opts *o;
	struct nlc_export_opts e;

	(void)state;
	o = opts_of("sync");
	assert_int_equal(o->flags, 0x425);
	assert_int_equal(o->anonuid, 65534);
	assert_int_equal(o->anongid, 65534);
	assert_int_equal(o->fsid, 0);
	assert_false(o->flags & NLCACHE_EXPORT_FLAGS_FSID);
	assert_false(o->has_uuid);
	assert_null(o->mountpoint);
	assert_int_equal(o->fsloc, NLC_FSLOC_NONE);
	assert_null(o->fsloc_data);
	assert_int_equal(o->nsec, 0);
	assert_int_equal(o->nxprtsec, 0);
	assert_int_equal(o->reexport, NLC_REEXPORT_NONE);
	assert_null(o->squash_uids);
	assert_false(o->had_subtree_opt);
	assert_false(nlc_export_is_v4root_fsid(o));

	nlc_export_opts_init(&e, NLC_EXPORTS_ETAB);
	assert_int_equal(e.flags, 0x405);
	nlc_exports_free(&one);
}

static const struct {
	const char *opt;
	uint32_t flags;
} flag_cases[] = {
	{ "ro", DEF },
	{ "rw", DEF & ~0x1u },
	{ "secure", DEF },
	{ "insecure", DEF | 0x2 },
	{ "root_squash", DEF },
	{ "no_root_squash", DEF & ~0x4u },
	{ "all_squash", DEF | 0x8 },
	{ "no_all_squash", DEF },
	{ "sync", DEF },
	{ "async", DEF | 0x10 },
	{ "wdelay", DEF },
	{ "no_wdelay", DEF & ~0x20u },
	{ "nordirplus", DEF | 0x40 },
	{ "security_label", DEF | 0x80 },
	{ "sign_fh", DEF | 0x100 },
	{ "hide", DEF },
	{ "nohide", DEF | 0x200 },
	{ "subtree_check", DEF & ~0x400u },
	{ "no_subtree_check", DEF },
	{ "secure_locks", DEF },
	{ "auth_nlm", DEF },
	{ "insecure_locks", DEF | 0x800 },
	{ "no_auth_nlm", DEF | 0x800 },
	{ "fsid=7", DEF | 0x2000 },
	{ "crossmnt", DEF | 0x4000 },
	{ "nocrossmnt", DEF },
	{ "acl", DEF },
	{ "no_acl", DEF | 0x8000 },
	{ "pnfs", DEF | 0x20000 },
	{ "no_pnfs", DEF },
	{ "refer=/a@h", DEF | 0x200 },
	{ "replicas=/a@h", DEF | 0x200 },
};

static void test_every_flag_option(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]);
	     i++) {
		const struct nlc_export_opts *o = opts_of(flag_cases[i].opt);

		if (o->flags != flag_cases[i].flags)
			fail_msg("%s: flags 0x%x, want 0x%x", flag_cases[i].opt,
				 o->flags, flag_cases[i].flags);
	}
	/* The clearing forms really clear. */
	assert_int_equal(opts_of("all_squash,no_all_squash")->flags, DEF);
	assert_int_equal(opts_of("async,sync")->flags, DEF);
	assert_int_equal(opts_of("nohide,hide")->flags, DEF);
	assert_int_equal(opts_of("crossmnt,nocrossmnt")->flags, DEF);
	assert_int_equal(opts_of("insecure,secure")->flags, DEF);
	assert_int_equal(opts_of("no_acl,acl")->flags, DEF);
	assert_int_equal(opts_of("pnfs,no_pnfs")->flags, DEF);
	assert_int_equal(opts_of("no_auth_nlm,secure_locks")->flags, DEF);
	assert_true(opts_of("subtree_check")->had_subtree_opt);
	nlc_exports_free(&one);
}

static void test_later_option_wins(void **state)
{
	(void)state;
	assert_int_equal(opts_of("ro,rw")->flags & 1, 0);
	assert_int_equal(opts_of("rw,ro")->flags & 1, 1);
	assert_int_equal(opts_of("root_squash,no_root_squash")->flags & 4, 0);
	assert_int_equal(opts_of("anonuid=5,anonuid=6")->anonuid, 6);
	assert_int_equal(opts_of("fsid=5,fsid=9")->fsid, 9);
	assert_string_equal(opts_of("mp,mountpoint=/m")->mountpoint, "/m");
	assert_int_equal(opts_of("refer=/a@h,replicas=/b@i")->fsloc,
			 NLC_FSLOC_REPLICAS);
	assert_string_equal(one.ent[0].opts.fsloc_data, "/b@i");
	assert_int_equal(opts_of("xprtsec=tls,xprtsec=mtls")->nxprtsec, 1);
	assert_int_equal(one.ent[0].opts.xprtsec[0], NLCACHE_XPRTSEC_MODE_MTLS);
	/* Blanks after commas are allowed. */
	assert_int_equal(opts_of("rw, async , no_acl")->flags,
			 (DEF & ~1u) | 0x10 | 0x8000);
	/* A trailing comma is fine. */
	assert_int_equal(opts_of("rw,")->flags, DEF & ~1u);
	nlc_exports_free(&one);
}

static void test_anon_ids(void **state)
{
	const struct nlc_export_opts *o;

	(void)state;
	o = opts_of("anonuid=1000,anongid=-2");
	assert_int_equal(o->anonuid, 1000);
	assert_int_equal(o->anongid, 0xfffffffe);
	nlc_exports_free(&one);
	rejects("anonuid=abc", "bad anonuid");
	rejects("anonuid=", "bad anonuid");
	rejects("anongid=12x", "bad anongid");
	rejects("anonuid=99999999999", "bad anonuid");
}

static void test_fsid(void **state)
{
	const struct nlc_export_opts *o;
	static const uint8_t want[16] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
	};

	(void)state;
	o = opts_of("fsid=0");
	assert_true(o->flags & NLCACHE_EXPORT_FLAGS_FSID);
	assert_true(nlc_export_is_v4root_fsid(o));
	o = opts_of("fsid=root");
	assert_int_equal(o->fsid, 0);
	assert_true(nlc_export_is_v4root_fsid(o));
	assert_int_equal(opts_of("fsid=0x10")->fsid, 16);
	assert_int_equal(opts_of("fsid=010")->fsid, 8);
	assert_int_equal(opts_of("fsid=4294967295")->fsid, 0xffffffffu);
	assert_false(nlc_export_is_v4root_fsid(opts_of("fsid=3")));

	o = opts_of("fsid=01234567-89ab-CDEF-fedc-ba9876543210");
	assert_true(o->has_uuid);
	assert_false(o->flags & NLCACHE_EXPORT_FLAGS_FSID);
	assert_memory_equal(o->uuid, want, 16);
	assert_string_equal(o->uuid_text, "01234567-89ab-CDEF-fedc-ba9876543210");
	/* Both kinds can coexist. */
	o = opts_of("fsid=5,fsid=0123456789abcdef0123456789abcdef");
	assert_true(o->has_uuid);
	assert_int_equal(o->fsid, 5);
	assert_true(o->flags & NLCACHE_EXPORT_FLAGS_FSID);
	nlc_exports_free(&one);

	/*
	 * mountd's strtoul(..., 0): a sign, octal, hex, and wrap-around
	 * to 32 bits (exportfs writes fsid=-1 back as "-1").
	 */
	assert_int_equal(opts_of("fsid=-1")->fsid, 0xffffffffu);
	assert_true(one.ent[0].opts.flags & NLCACHE_EXPORT_FLAGS_FSID);
	assert_int_equal(opts_of("fsid=010")->fsid, 8);
	assert_int_equal(opts_of("fsid=0x10")->fsid, 16);
	assert_int_equal(opts_of("fsid=+7")->fsid, 7);
	assert_int_equal(opts_of("fsid=4294967297")->fsid, 1);
	/* all digits: a number (ULONG_MAX), not a uuid */
	o = opts_of("fsid=12345678901234567890123456789012");
	assert_int_equal(o->fsid, 0xffffffffu);
	assert_false(o->has_uuid);
	nlc_exports_free(&one);
	rejects("fsid=xyz", "bad fsid");
	rejects("fsid=", "bad fsid");
	rejects("fsid=0123456789abcdef0123456789abcde", "bad fsid");
	rejects("fsid=0123456789abcdef0123456789abcdef0", "bad fsid");
	rejects("fsid=0123456789abcdef0123456789abcdeg", "bad fsid");
}

static void test_mountpoint_fsloc_reexport_squash(void **state)
{
	const struct nlc_export_opts *o;

	(void)state;
	assert_string_equal(opts_of("mp")->mountpoint, "");
	assert_string_equal(opts_of("mountpoint")->mountpoint, "");
	assert_string_equal(opts_of("mp=/a")->mountpoint, "/a");
	assert_string_equal(opts_of("mountpoint=/b")->mountpoint, "/b");

	o = opts_of("refer=/a@h1+h2:/b@[fe80::1]");
	assert_int_equal(o->fsloc, NLC_FSLOC_REFER);
	assert_string_equal(o->fsloc_data, "/a@h1+h2:/b@[fe80::1]");
	o = opts_of("replicas=/x@y");
	assert_int_equal(o->fsloc, NLC_FSLOC_REPLICAS);

	assert_int_equal(opts_of("reexport=auto-fsidnum")->reexport,
			 NLC_REEXPORT_AUTO_FSIDNUM);
	assert_int_equal(opts_of("reexport=predefined-fsidnum")->reexport,
			 NLC_REEXPORT_PREDEFINED_FSIDNUM);
	assert_int_equal(opts_of("reexport=none")->reexport,
			 NLC_REEXPORT_NONE);

	o = opts_of("squash_uids=0-15,20,squash_gids=5,anonuid=3");
	assert_string_equal(o->squash_uids, "0-15,20");
	assert_string_equal(o->squash_gids, "5");
	assert_int_equal(o->anonuid, 3);
	nlc_exports_free(&one);

	/* mountd accepts an empty list (see test_answer for the reply) */
	o = opts_of("refer=");
	assert_int_equal(o->fsloc, NLC_FSLOC_REFER);
	assert_string_equal(o->fsloc_data, "");
	nlc_exports_free(&one);
	rejects("reexport=maybe", "bad reexport");
	rejects("squash_uids=5-2", "bad id list");
	rejects("squash_uids=x", "bad id list");
}

static void test_xprtsec(void **state)
{
	const struct nlc_export_opts *o;

	(void)state;
	o = opts_of("xprtsec=tls:mtls:tls");
	assert_int_equal(o->nxprtsec, 2);
	assert_int_equal(o->xprtsec[0], NLCACHE_XPRTSEC_MODE_TLS);
	assert_int_equal(o->xprtsec[1], NLCACHE_XPRTSEC_MODE_MTLS);
	o = opts_of("xprtsec=none:tls:mtls");
	assert_int_equal(o->nxprtsec, 3);
	assert_int_equal(o->xprtsec[0], NLCACHE_XPRTSEC_MODE_NONE);
	nlc_exports_free(&one);
	rejects("xprtsec=ssl", "unknown xprtsec mode");
	rejects("xprtsec=", "unknown xprtsec mode \"\"");
}

static void test_sec_groups(void **state)
{
	const struct nlc_export_opts *o;

	(void)state;
	/* Options after a sec= apply to that group only. */
	o = opts_of("sec=krb5p,rw,sec=sys:krb5,ro,no_root_squash");
	assert_int_equal(o->nsec, 3);
	assert_string_equal(o->sec[0].name, "krb5p");
	assert_int_equal(o->sec[0].flavor, NLC_SEC_KRB5P);
	assert_int_equal(o->sec[0].flags, DEF & ~1u);
	assert_string_equal(o->sec[1].name, "sys");
	assert_int_equal(o->sec[1].flavor, NLC_SEC_SYS);
	assert_int_equal(o->sec[1].flags, DEF & ~4u);
	assert_int_equal(o->sec[2].flavor, NLC_SEC_KRB5);
	assert_int_equal(o->sec[2].flags, DEF & ~4u);
	assert_int_equal(o->flags, DEF & ~4u);

	/* Flags outside the per-flavour mask follow the export's. */
	o = opts_of("async,sec=sys,sync,crossmnt");
	assert_int_equal(o->sec[0].flags, DEF | 0x4000);
	assert_int_equal(o->flags, DEF | 0x4000);
	/* insecure may vary per flavour. */
	o = opts_of("sec=krb5,sec=sys,insecure");
	assert_int_equal(o->sec[0].flags & 2, 0);
	assert_int_equal(o->sec[1].flags & 2, 2);
	/*
	 * A repeated flavour keeps its first place; flavours merge by
	 * number as in mountd (none = null, unix = sys), under the first
	 * name, and later options apply to the one entry.
	 */
	o = opts_of("sec=null:krb5i,sec=none:null");
	assert_int_equal(o->nsec, 2);
	assert_int_equal(o->sec[0].flavor, NLC_SEC_NULL);
	assert_string_equal(o->sec[0].name, "null");
	assert_int_equal(o->sec[1].flavor, NLC_SEC_KRB5I);
	assert_int_equal(opts_of("sec=unix")->sec[0].flavor, NLC_SEC_SYS);
	o = opts_of("sec=sys:unix,rw");
	assert_int_equal(o->nsec, 1);
	assert_string_equal(o->sec[0].name, "sys");
	assert_int_equal(o->sec[0].flags & 1, 0);
	o = opts_of("sec=sys,ro,sec=unix,rw");
	assert_int_equal(o->nsec, 1);
	assert_int_equal(o->sec[0].flags & 1, 0);
	o = opts_of("sec=unix,rw,sec=sys,ro");
	assert_int_equal(o->nsec, 1);
	assert_string_equal(o->sec[0].name, "unix");
	assert_int_equal(o->sec[0].flags & 1, 1);
	nlc_exports_free(&one);

	rejects("sec=krb6", "unknown flavor \"krb6\"");
	rejects("sec=", "unknown flavor \"\"");
	rejects("sec=sys:", "unknown flavor \"\" in \"sec=sys:\"");
}

static void test_unknown_option(void **state)
{
	(void)state;
	rejects("rw,bogus,sync", "unknown keyword \"bogus\"");
	rejects("ttl=5", "unknown keyword \"ttl=5\"");
	rejects("rw,,sync", "empty option");
}

static void test_multiple_clients_and_defaults(void **state)
{
	struct nlc_exports t;

	(void)state;
	assert_int_equal(parse(&t, "/srv a(rw) b(ro,async)\t*.example.com(rw,no_root_squash)\n"), 0);
	assert_int_equal(t.nent, 3);
	assert_string_equal(t.ent[0].client, "a");
	assert_int_equal(t.ent[0].opts.flags, DEF & ~1u);
	assert_string_equal(t.ent[1].client, "b");
	assert_int_equal(t.ent[1].opts.flags, DEF | 0x10);
	assert_string_equal(t.ent[2].client, "*.example.com");
	assert_int_equal(t.ent[2].opts.flags, DEF & ~5u);
	assert_int_equal(t.nerr, 0);
	nlc_exports_free(&t);

	/* "-opts" defaults apply to every client; client options on top. */
	assert_int_equal(parse(&t, "/srv -rw,async,anonuid=7 a b(ro) c(sync)\n"), 0);
	assert_int_equal(t.nent, 3);
	assert_int_equal(t.ent[0].opts.flags, (DEF & ~1u) | 0x10);
	assert_int_equal(t.ent[0].opts.anonuid, 7);
	assert_int_equal(t.ent[1].opts.flags, DEF | 0x10);
	assert_int_equal(t.ent[1].opts.anonuid, 7);
	assert_int_equal(t.ent[2].opts.flags, DEF & ~1u);
	assert_int_equal(t.nerr, 0);	/* no "no options" warning */
	nlc_exports_free(&t);

	/* Bare client without defaults: kept, with a warning. */
	assert_int_equal(parse(&t, "/srv host\n"), 0);
	assert_int_equal(t.nent, 1);
	assert_int_equal(t.ent[0].opts.flags, DEF);
	assert_int_equal(t.nerr, 1);
	assert_true(t.err[0].warning);
	assert_non_null(strstr(t.err[0].msg, "no options"));
	nlc_exports_free(&t);

	/* "(opts)" without a host and a path alone both mean "*". */
	assert_int_equal(parse(&t, "/a (rw)\n/b\n"), 0);
	assert_int_equal(t.nent, 2);
	assert_string_equal(t.ent[0].client, "*");
	assert_int_equal(t.ent[0].opts.flags, DEF & ~1u);
	assert_string_equal(t.ent[1].client, "*");
	assert_int_equal(t.nerr, 2);
	assert_true(t.err[0].warning && t.err[1].warning);
	assert_non_null(strstr(t.err[0].msg, "no host name"));
	nlc_exports_free(&t);

	/* Bad defaults reject the whole line, not the file. */
	assert_int_equal(parse(&t, "/a -rw,nope x y\n/b z(ro)\n"), 1);
	assert_int_equal(t.nent, 1);
	assert_string_equal(t.ent[0].path, "/b");
	assert_non_null(strstr(t.err[0].msg, "exports:1: "));
	assert_non_null(strstr(t.err[0].msg, "\"nope\""));
	nlc_exports_free(&t);
}

static void test_quotes_escapes_comments(void **state)
{
	struct nlc_exports t;

	(void)state;
	assert_int_equal(parse(&t,
		"# a comment line\n"
		"\"/srv/my dir\" a(rw)   # trailing comment b(ro)\n"
		"/srv/x\\040y\\011z\\043 b(ro)\n"
		"   \n"
		"/srv/\"half quoted\"/q c(rw)\n"
		"/srv/back\\slash d(rw)\n"), 0);
	assert_int_equal(t.nent, 4);
	assert_string_equal(t.ent[0].path, "/srv/my dir");
	assert_int_equal(t.ent[0].line, 2);
	assert_string_equal(t.ent[1].path, "/srv/x y\tz#");
	assert_int_equal(t.ent[1].line, 3);
	assert_string_equal(t.ent[2].path, "/srv/half quoted/q");
	assert_int_equal(t.ent[2].line, 5);
	assert_string_equal(t.ent[3].path, "/srv/back\\slash");
	nlc_exports_free(&t);

	/* Unterminated quote and \000 are errors for that line only. */
	assert_int_equal(parse(&t, "\"/srv/open a(rw)\n/srv/n\\000 b(rw)\n/ok c(rw)\n"), 2);
	assert_int_equal(t.nent, 1);
	assert_string_equal(t.ent[0].path, "/ok");
	assert_non_null(strstr(err_at(&t, 1)->msg, "unterminated quote"));
	assert_non_null(strstr(err_at(&t, 2)->msg, "bad octal escape"));
	nlc_exports_free(&t);
}

static void test_continuation_lines(void **state)
{
	struct nlc_exports t;

	(void)state;
	assert_int_equal(parse(&t,
		"/srv a(rw) \\\n"
		"     b(ro)\\\n"
		"c(async)\n"
		"/other d(rw)\n"
		"/p e(rw,\\\n"
		"no_acl)\n"), 0);
	assert_int_equal(t.nent, 5);
	assert_string_equal(t.ent[1].client, "b");
	assert_string_equal(t.ent[1].path, "/srv");
	assert_int_equal(t.ent[1].line, 2);
	assert_string_equal(t.ent[2].client, "c");
	assert_int_equal(t.ent[2].line, 3);
	assert_string_equal(t.ent[3].path, "/other");
	assert_int_equal(t.ent[3].line, 4);
	assert_int_equal(t.ent[4].opts.flags, (DEF & ~1u) | 0x8000);
	nlc_exports_free(&t);
}

static void test_malformed_lines_survive(void **state)
{
	struct nlc_exports t;

	(void)state;
	assert_int_equal(parse(&t,
		"/ok1 h(rw)\n"			/* 1 */
		"/bad h(rw\n"			/* 2 */
		"/bad2 h(rw,bogus) g(ro)\n"	/* 3 */
		"/bad3 h(anonuid=abc)\n"	/* 4 */
		"/bad4 h(fsid=xyz)\n"		/* 5 */
		"/ok2 h(ro)\n"			/* 6 */
		"relative h(rw)\n"		/* 7 */
		"/dup h(rw)\n"			/* 8 */
		"/dup h(ro)\n"			/* 9 */
		"/dup h(rw)\n"			/* 10 */
		"/bad5 h(rw)x\n"		/* 11 */
		"/bad6 h)rw(\n"			/* 12 */
		"/ok3 h(rw)\n"),		/* 13 */
		7);
	assert_int_equal(hard_errors(&t), 7);
	assert_int_equal(t.nent, 5);
	assert_non_null(nlc_exports_find(&t, "/ok1", "h"));
	assert_non_null(nlc_exports_find(&t, "/ok2", "h"));
	assert_non_null(nlc_exports_find(&t, "/ok3", "h"));
	/* The good client on a line with a bad one survives. */
	assert_non_null(nlc_exports_find(&t, "/bad2", "g"));
	assert_null(nlc_exports_find(&t, "/bad2", "h"));
	/* Duplicates: the first is kept. */
	assert_int_equal(nlc_exports_find(&t, "/dup", "h")->opts.flags & 1, 0);
	assert_int_equal(nlc_exports_find(&t, "/dup", "h")->line, 8);

	assert_non_null(strstr(err_at(&t, 2)->msg, "exports:2: missing ')'"));
	assert_non_null(strstr(err_at(&t, 3)->msg, "exports:3: unknown keyword \"bogus\""));
	assert_non_null(strstr(err_at(&t, 4)->msg, "exports:4: bad anonuid"));
	assert_non_null(strstr(err_at(&t, 5)->msg, "exports:5: bad fsid \"fsid=xyz\""));
	assert_non_null(strstr(err_at(&t, 7)->msg, "exports:7: export path must be absolute"));
	assert_true(err_at(&t, 9)->warning);
	assert_non_null(strstr(err_at(&t, 9)->msg, "exports:9: incompatible duplicated export entries"));
	assert_true(err_at(&t, 10)->warning);
	assert_non_null(strstr(err_at(&t, 10)->msg, "exports:10: duplicated export entries"));
	assert_non_null(strstr(err_at(&t, 11)->msg, "bad option list"));
	assert_non_null(strstr(err_at(&t, 12)->msg, "unbalanced ')'"));
	nlc_exports_free(&t);
}

static void test_format_defaults(void **state)
{
	struct nlc_export_opts o;
	char buf[512];

	(void)state;
	nlc_export_opts_init(&o, NLC_EXPORTS_FILE);
	assert_true(nlc_export_opts_format(&o, NLC_EXPORT_SECINFO_FLAGS, buf,
					   sizeof(buf)) > 0);
	assert_string_equal(buf,
		"ro,sync,wdelay,hide,nocrossmnt,secure,root_squash,"
		"no_all_squash,no_subtree_check,secure_locks,acl,no_pnfs,"
		"anonuid=65534,anongid=65534,sec=sys,ro,secure,root_squash,"
		"no_all_squash");
	/* With the old kernels' per-flavour mask, secure is not listed. */
	assert_true(nlc_export_opts_format(&o, 0xd, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "sec=sys,ro,root_squash,no_all_squash"));
	/* Too small a buffer. */
	assert_int_equal(nlc_export_opts_format(&o, 0xf, buf, 20), -1);
	assert_int_equal(errno, ENOSPC);
}

static void test_etab_round_trip(void **state)
{
	struct nlc_exports a, b;
	char l1[2048], l2[2048], o1[1024];

	(void)state;
	assert_int_equal(parse(&a,
		"\"/srv/a b#c\" -async host1(rw,no_root_squash,fsid=12,"
		"mp=/srv,refer=/x@h1+h2,squash_uids=1-3,squash_gids=4,"
		"anonuid=-2,anongid=99,sec=krb5p:krb5i,ro,sec=sys,rw,"
		"all_squash,xprtsec=tls:mtls,nordirplus,security_label,"
		"pnfs,crossmnt,no_wdelay,insecure_locks,no_acl,"
		"subtree_check,reexport=auto-fsidnum,"
		"fsid=0123456789abcdef0123456789abcdef)\n"), 0);
	assert_int_equal(a.nent, 1);
	assert_true(nlc_export_format_etab(&a.ent[0], 0xf, l1, sizeof(l1)) > 0);
	assert_string_equal(l1,
		"/srv/a\\040b\\043c\thost1(rw,async,no_wdelay,nohide,crossmnt,"
		"secure,no_root_squash,all_squash,subtree_check,"
		"insecure_locks,no_acl,nordirplus,security_label,pnfs,"
		"fsid=12,fsid=0123456789abcdef0123456789abcdef,"
		"reexport=auto-fsidnum,mountpoint=/srv,refer=/x@h1+h2,"
		"squash_uids=1-3,squash_gids=4,anonuid=-2,anongid=99,"
		"sec=krb5p:krb5i,ro,secure,no_root_squash,no_all_squash,"
		"sec=sys,rw,secure,no_root_squash,all_squash,"
		"xprtsec=tls:mtls)\n");

	nlc_exports_init(&b);
	assert_int_equal(nlc_exports_parse_buf(&b, "etab", l1, strlen(l1),
					       NLC_EXPORTS_ETAB), 0);
	assert_int_equal(b.nerr, 0);
	assert_int_equal(b.nent, 1);
	assert_string_equal(b.ent[0].path, "/srv/a b#c");
	assert_string_equal(b.ent[0].client, "host1");
	assert_true(nlc_export_format_etab(&b.ent[0], 0xf, l2, sizeof(l2)) > 0);
	assert_string_equal(l1, l2);
	assert_int_equal(a.ent[0].opts.flags, b.ent[0].opts.flags);
	assert_int_equal(b.ent[0].opts.nsec, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(a.ent[0].opts.sec[i].flavor,
				 b.ent[0].opts.sec[i].flavor);
		assert_int_equal(a.ent[0].opts.sec[i].flags,
				 b.ent[0].opts.sec[i].flags);
	}
	assert_memory_equal(a.ent[0].opts.uuid, b.ent[0].opts.uuid, 16);
	assert_int_equal(b.ent[0].opts.anonuid, 0xfffffffe);
	nlc_exports_free(&b);

	/* A default entry gains an explicit sec=sys and still reads back
	 * with the same flags, even though etab's own base flags differ. */
	nlc_exports_free(&a);
	assert_int_equal(parse(&a, "/p h(sync)\n"), 0);
	assert_true(nlc_export_format_etab(&a.ent[0], 0xf, l1, sizeof(l1)) > 0);
	nlc_exports_init(&b);
	assert_int_equal(nlc_exports_parse_buf(&b, "etab", l1, strlen(l1),
					       NLC_EXPORTS_ETAB), 0);
	assert_int_equal(b.ent[0].opts.flags, 0x425);
	assert_int_equal(b.ent[0].opts.nsec, 1);
	assert_int_equal(b.ent[0].opts.sec[0].flags, 0x425);
	assert_true(nlc_export_opts_format(&b.ent[0].opts, 0xf, o1,
					   sizeof(o1)) > 0);
	assert_non_null(strstr(l1, o1));
	nlc_exports_free(&a);
	nlc_exports_free(&b);
}

static void test_etab_syntax(void **state)
{
	struct nlc_exports t;
	static const char etab[] =
		"/a\t*(rw,sync,no_wdelay,hide,nocrossmnt,secure,root_squash,"
		"no_all_squash,no_subtree_check,secure_locks,acl,no_pnfs,"
		"anonuid=65534,anongid=65534,sec=sys,rw,secure,root_squash,"
		"no_all_squash)\n"
		"/b\t192.0.2.0/24(ro)\n";

	(void)state;
	nlc_exports_init(&t);
	assert_int_equal(nlc_exports_parse_buf(&t, "etab", etab,
					       sizeof(etab) - 1,
					       NLC_EXPORTS_ETAB), 0);
	assert_int_equal(t.nent, 2);
	assert_int_equal(t.ent[0].opts.flags, 0x404);
	assert_int_equal(t.ent[0].opts.sec[0].flags, 0x404);
	/* etab's base has no wdelay. */
	assert_int_equal(t.ent[1].opts.flags, 0x405);
	assert_string_equal(t.ent[1].client, "192.0.2.0/24");
	nlc_exports_free(&t);
}

static void test_wire_flags(void **state)
{
	(void)state;
	const struct nlc_export_opts *o = opts_of("rw,pnfs,sign_fh");

	assert_int_equal(nlc_export_wire_flags(o, ~0u), 0x20524);
	/* A kernel without sign_fh/pnfs support. */
	assert_int_equal(nlc_export_wire_flags(o, 0x7e3f), 0x424);
	nlc_exports_free(&one);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_files_and_exports_d(void **state)
{
	char dir[] = "/tmp/nlc-exports-XXXXXX", p[1024], sub[256];
	struct nlc_exports t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "exports", "/main h(rw)\n/bad h(nope)\n");
	snprintf(sub, sizeof(sub), "%s/exports.d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, "b10.exports", "/b10 h(rw)\n");
	write_file(sub, "b9.exports", "/b9 h(rw)\n/main h(ro)\n");
	write_file(sub, "a.exports", "/a h(rw)\n");
	write_file(sub, ".hidden.exports", "/hidden h(rw)\n");
	write_file(sub, "notes.txt", "/txt h(rw)\n");
	write_file(sub, ".exports", "/dot h(rw)\n");

	nlc_exports_init(&t);
	snprintf(p, sizeof(p), "%s/exports", dir);
	assert_int_equal(nlc_exports_parse_file(&t, p, NLC_EXPORTS_FILE), 1);
	assert_int_equal(nlc_exports_parse_dir(&t, sub), 0);
	assert_int_equal(t.nent, 4);
	assert_string_equal(t.ent[0].path, "/main");
	assert_string_equal(t.ent[1].path, "/a");
	assert_string_equal(t.ent[2].path, "/b9");
	assert_string_equal(t.ent[3].path, "/b10");
	assert_true(strstr(t.ent[2].file, "b9.exports") != NULL);
	/* /main from b9.exports is a duplicate: first (rw) kept. */
	assert_int_equal(t.ent[0].opts.flags & 1, 0);
	assert_int_equal(t.nerr, 2);
	snprintf(p, sizeof(p), "%s/exports:2: unknown keyword", dir);
	assert_true(!strncmp(t.err[0].msg, p, strlen(p)));
	assert_true(t.err[1].warning);
	assert_non_null(strstr(t.err[1].msg, "b9.exports:2: incompatible"));

	/* Missing directory: fine; missing file: -1/ENOENT. */
	snprintf(p, sizeof(p), "%s/none.d", dir);
	assert_int_equal(nlc_exports_parse_dir(&t, p), 0);
	snprintf(p, sizeof(p), "%s/none", dir);
	assert_int_equal(nlc_exports_parse_file(&t, p, NLC_EXPORTS_FILE), -1);
	assert_int_equal(errno, ENOENT);
	nlc_exports_free(&t);

	/* Clean up. */
	static const char *const names[] = {
		"b10.exports", "b9.exports", "a.exports", ".hidden.exports",
		"notes.txt", ".exports",
	};
	for (size_t i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), "%s/%s", sub, names[i]);
		unlink(p);
	}
	rmdir(sub);
	snprintf(p, sizeof(p), "%s/exports", dir);
	unlink(p);
	rmdir(dir);
}

static void test_opts_parse_api(void **state)
{
	struct nlc_export_opts o, c;
	char err[128];

	(void)state;
	nlc_export_opts_init(&o, NLC_EXPORTS_FILE);
	assert_int_equal(nlc_export_opts_parse(&o, "rw,mp=/m,refer=/a@b", 0xf,
					       err, sizeof(err)), 0);
	assert_int_equal(nlc_export_opts_copy(&c, &o), 0);
	assert_ptr_not_equal(c.mountpoint, o.mountpoint);
	assert_string_equal(c.mountpoint, "/m");
	assert_string_equal(c.fsloc_data, "/a@b");
	nlc_export_opts_free(&c);
	assert_int_equal(nlc_export_opts_parse(&o, "sec=sys,frob", 0xf, err,
					       sizeof(err)), -1);
	assert_string_equal(err, "unknown keyword \"frob\"");
	nlc_export_opts_free(&o);
	assert_int_equal(nlc_export_flavor("krb5i"), NLC_SEC_KRB5I);
	assert_int_equal(nlc_export_flavor("none"), NLC_SEC_NULL);
	assert_int_equal(nlc_export_flavor("lkey"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_262_dialect),
		cmocka_unit_test(test_per_file_cap),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test_setup_teardown(test_every_flag_option, upstream, back_to_262),
		cmocka_unit_test_setup_teardown(test_later_option_wins, upstream, back_to_262),
		cmocka_unit_test(test_anon_ids),
		cmocka_unit_test(test_fsid),
		cmocka_unit_test_setup_teardown(test_mountpoint_fsloc_reexport_squash, upstream, back_to_262),
		cmocka_unit_test_setup_teardown(test_xprtsec, upstream, back_to_262),
		cmocka_unit_test(test_sec_groups),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_multiple_clients_and_defaults),
		cmocka_unit_test(test_quotes_escapes_comments),
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_malformed_lines_survive),
		cmocka_unit_test(test_format_defaults),
		cmocka_unit_test_setup_teardown(test_etab_round_trip, upstream, back_to_262),
		cmocka_unit_test(test_etab_syntax),
		cmocka_unit_test_setup_teardown(test_wire_flags, upstream, back_to_262),
		cmocka_unit_test(test_files_and_exports_d),
		cmocka_unit_test(test_opts_parse_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
