// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The auth.unix.ip, nfsd.export and nfsd.fh answers (daemon/lib/answer.c)
 * over snapshots loaded from etab text, with a table-driven fake
 * struct nlc_hostview (path -> identity, mount points, submounts) and a
 * fake resolver.
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
#include <unistd.h>

#include <cmocka.h>

#include <linux/nfsd_nlcache.h>

#include "answer.h"
#include "encoders.h"

#define F_RO		NLCACHE_EXPORT_FLAGS_READONLY
#define F_FSID		NLCACHE_EXPORT_FLAGS_FSID
#define F_V4ROOT	NLCACHE_EXPORT_FLAGS_V4ROOT
#define NOW		1000000ull

/* ---- fake system --------------------------------------------------------- */

struct fake_path {
	const char *path;
	int err;		/* stat() error (negative), or 0 */
	uint32_t major, minor;
	uint64_t ino;
	bool mnt;
	const char *blkid;
	uint32_t f_fsid[2];
	bool unknown;		/* its uuid sources cannot be read now */
};

/* parents before children, as a mount table walk gives them */
static const struct fake_path fs[] = {
	{ "/", 0, 8, 1, 2, true, "00000000-0000-0000-0000-0000000000aa" },
	{ "/srv", 0, 8, 1, 100, false, NULL },
	{ "/srv/a", 0, 8, 1, 101, false, NULL },
	{ "/srv/a/b", 0, 8, 5, 2, true, "bbbbbbbb-0000-0000-0000-000000000000" },
	{ "/srv/sub", 0, 8, 2, 2, true, "22222222-2222-2222-2222-222222222222" },
	{ "/srv/sub/deep", 0, 8, 3, 2, true, NULL, { 0x1234, 0x5678 } },
	{ "/num", 0, 8, 4, 2, true, "44444444-4444-4444-4444-444444444444" },
	{ "/alias", 0, 8, 4, 2, false, NULL },
	{ "/data", 0, 9, 1, 2, true, "d0d0d0d0-d0d0-d0d0-d0d0-d0d0d0d0d0d0" },
	{ "/data/sub", 0, 9, 2, 2, true, "d1d1d1d1-d1d1-d1d1-d1d1-d1d1d1d1d1d1" },
	{ "/u", 0, 9, 3, 77, false, "e0e0e0e0-e0e0-e0e0-e0e0-e0e0e0e0e0e0" },
	{ "/mnt", 0, 8, 1, 299, false, NULL },
	{ "/mnt/x", 0, 8, 1, 300, false, NULL },
	{ "/mnt/y", 0, 10, 1, 2, true, "77777777-7777-7777-7777-777777777777" },
	{ "/mnt/hung", -ETIMEDOUT },
	{ "/gone", -ENOENT },
	{ "/flaky", 0, 11, 1, 2, true, NULL, { 0xabc, 1 }, true },
	{ "/srv/slow", -EIO },
	{ "/many", 0, 8, 1, 400, false, NULL },
};

static unsigned int ident_calls;

/*
 * /many/N (N < 1000): a filesystem mounted there, device 20:N, a uuid
 * unique however folded, root inode 2 + many_ino_bump (a directory made
 * again).
 */
static uint64_t many_ino_bump;
static char many_uuid[40];
static struct fake_path many;

static const struct fake_path *fake_find(const char *path)
{
	unsigned int n;
	char end;

	if (sscanf(path, "/many/%u%c", &n, &end) == 1 && n < 1000) {
		snprintf(many_uuid, sizeof(many_uuid),
			 "%08x-1111-2222-3333-4444%08x", n, n << 4);
		many = (struct fake_path){ "/many", 0, 20, n, 2 + many_ino_bump,
					   true, many_uuid };
		return &many;
	}
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (strcmp(fs[i].path, path) == 0)
			return &fs[i];
	return NULL;
}

static int fake_ident(void *ctx, const char *path, struct nlc_fs_ident *out)
{
	const struct fake_path *p = fake_find(path);

	(void)ctx;
	ident_calls++;
	memset(out, 0, sizeof(*out));
	if (!p)
		return -ENOENT;
	if (p->err)
		return p->err;
	out->found = true;
	out->dir_or_reg = true;
	out->major = p->major;
	out->minor = p->minor;
	out->inode = p->ino;
	out->is_mountpoint = p->mnt;
	out->uuid.blkid_uuid = p->blkid;
	out->uuid.have_f_fsid = true;
	out->uuid.f_fsid[0] = p->f_fsid[0];
	out->uuid.f_fsid[1] = p->f_fsid[1];
	out->uuid.unknown = p->unknown;
	return 0;
}

static int fake_is_mountpoint(void *ctx, const char *path)
{
	const struct fake_path *p = fake_find(path);

	(void)ctx;
	if (!p)
		return -ENOENT;
	if (p->err)
		return p->err;
	return p->mnt;
}

static int fake_submounts(void *ctx, const char *path,
			  int (*fn)(const char *mnt, void *arg), void *arg)
{
	size_t l = strlen(path);
	int rc;

	(void)ctx;
	if (l == 1)
		return 0;	/* nfs-utils 2.6.2: nothing below "/" */
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		const char *m = fs[i].path;

		if (!fs[i].mnt || fs[i].err)
			continue;
		if (strncmp(m, path, l) != 0 || m[l] != '/')
			continue;
		rc = fn(m, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- fake names ----------------------------------------------------------- */

static int fake_reverse(void *cookie, const struct nlc_addr *a, char *name,
			size_t size)
{
	char ip[NLC_ADDR_STRLEN];

	(void)cookie;
	nlc_addr_ntop(a, ip, sizeof(ip));
	if (strcmp(ip, "192.0.2.1") == 0)
		snprintf(name, size, "host1.example.com");
	else if (strcmp(ip, "192.0.2.7") == 0)
		snprintf(name, size, "ws7.example.com");
	else
		return -ENOENT;
	return 0;
}

static int fake_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	const char *ip;

	(void)cookie;
	memset(h, 0, sizeof(*h));
	if (!strcmp(name, "host1") || !strcmp(name, "host1.example.com"))
		ip = "192.0.2.1";
	else if (!strcmp(name, "ws7.example.com"))
		ip = "192.0.2.7";
	else if (!strncmp(name, "host", 4) && name[4] >= 'a' &&
		 name[4] <= 'c' && !name[5]) {
		/* hosta and hostc are 192.0.2.20; hostb is .20 and .21 */
		snprintf(h->name, sizeof(h->name), "%s.example.com", name);
		assert_int_equal(nlc_addr_parse("192.0.2.20", &h->addrs[0]), 0);
		h->naddrs = 1;
		if (name[4] == 'b') {
			assert_int_equal(nlc_addr_parse("192.0.2.21",
							&h->addrs[1]), 0);
			h->naddrs = 2;
		}
		return 0;
	} else
		return -ENOENT;
	snprintf(h->name, sizeof(h->name), "%s",
		 ip[8] == '1' ? "host1.example.com" : name);
	assert_int_equal(nlc_addr_parse(ip, &h->addrs[0]), 0);
	h->naddrs = 1;
	return 0;
}

static const struct nlc_resolver R = {
	.reverse = fake_reverse,
	.forward = fake_forward,
};

static const struct nlc_hostview HV = {
	.ident = fake_ident,
	.is_mountpoint = fake_is_mountpoint,
	.submounts = fake_submounts,
	.resolver = &R,
};

/* The same with a mount-table generation: nfsd.fh answers use the
 * index by filesystem identity (fhindex.h). */
static uint64_t hv_gen = 1000;

static struct nlc_hostview hv_indexed(uint64_t gen)
{
	struct nlc_hostview hv = HV;

	hv.gen = gen;
	return hv;
}

static const struct nlc_answer_opts O = { .ttl = NLC_TTL_DEFAULT };

/* ---- snapshots from etab text ------------------------------------------- */

static char dir[64];
static char etab[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nlc-answer-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(etab, sizeof(etab), "%s/etab", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(etab);
	rmdir(dir);
	return 0;
}

/*
 * The fixture every test builds on: @text written as the etab of the
 * setup()'s directory and loaded as a snapshot (the fake resolver, every
 * export flag supported), whose load must report exactly @nwarn problems.
 */
static struct nlc_snapshot *snap_load(const char *text,
				      enum nlc_ipaddr_mode mode, size_t nwarn)
{
	struct nlc_snap_config c = {
		.etab = etab,
		.supported_flags = ~0u,
		.resolver = &R,
		.ipaddr_mode = mode,
	};
	struct nlc_snapshot *s;
	FILE *f = fopen(etab, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	static uint64_t gen;

	/* generations only grow, as in nlcached (the indexes know a
	 * snapshot by its address and generation) */
	assert_int_equal(nlc_snapshot_load(&c, NULL, ++gen, &s), 0);
	assert_int_equal(s->table.nerr, nwarn);
	return s;
}

static struct nlc_snapshot *snap(const char *text)
{
	return snap_load(text, NLC_IPADDR_AUTO, 0);
}

static struct nlc_snapshot *snap_mode(const char *text,
				      enum nlc_ipaddr_mode mode)
{
	return snap_load(text, mode, 0);
}

/* A snapshot whose load logs @nwarn warnings. */
static struct nlc_snapshot *snap_warned(const char *text, size_t nwarn)
{
	return snap_load(text, NLC_IPADDR_AUTO, nwarn);
}

static void export(const struct nlc_snapshot *s, const char *domain,
		   const char *path, struct nlc_export_answer *a)
{
	nlc_answer_export(s, &HV, &O, ~0u, domain, path, a);
}

static void uuid_of(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	nlc_uuid_fold(text, 16, out);
}

/* ---- auth.unix.ip --------------------------------------------------------- */

static void test_ip_domain(void **state)
{
	struct nlc_snapshot *s;
	struct nlc_ip_answer a;

	(void)state;
	s = snap("/srv/a\thost1(rw)\n"
		 "/srv/a\t192.0.2.0/24(ro)\n"
		 "/srv/b\t*.example.com(rw)\n"
		 "/srv/c\t*(ro)\n");
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.1", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.ttl, NLC_TTL_DEFAULT);
	assert_string_equal(a.domain,
			    "*,*.example.com,192.0.2.0/24,host1.example.com");
	assert_string_equal(a.msg, "successful authentication for IP 192.0.2.1 as *,*.example.com,192.0.2.0/24,host1.example.com");

	/* not in DNS, outside the subnet: only "*" */
	nlc_answer_ip(s, &HV, &O, "nfsd", "198.51.100.9", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.domain, "*");

	/* another class: negative */
	nlc_answer_ip(s, &HV, &O, "other", "192.0.2.1", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_string_equal(a.domain, "");

	/* not an address */
	nlc_answer_ip(s, &HV, &O, "nfsd", "host1", &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_snapshot_put(s);
}

static void test_ip_refused_default_ipaddr(void **state)
{
	struct nlc_answer_opts o = { .ttl = 120 };
	struct nlc_snapshot *s;
	struct nlc_ip_answer a;

	(void)state;
	s = snap("/srv/a\thost1(rw)\n");
	nlc_answer_ip(s, &HV, &o, "nfsd", "203.0.113.5", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.ttl, 120);
	assert_string_equal(a.msg,
			    "failed authentication for IP 203.0.113.5");
	/* a client with an empty name gives "DEFAULT" */
	assert_int_equal(nlc_client_list_add(&s->clients, "", NULL), 0);
	nlc_answer_ip(s, &HV, &o, "nfsd", "203.0.113.5", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.domain, "DEFAULT");
	nlc_snapshot_put(s);

	/* use_ipaddr: "$addr" for known clients, still refused otherwise */
	s = snap_mode("/srv/a\thost1(rw)\n", NLC_IPADDR_FORCED);
	assert_true(s->use_ipaddr);
	nlc_answer_ip(s, &HV, &o, "nfsd", "192.0.2.1", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.domain, "$192.0.2.1");
	nlc_answer_ip(s, &HV, &o, "nfsd", "192.0.2.2", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_snapshot_put(s);
}

/* ---- nfsd.export: choosing ------------------------------------------------ */

static void test_export_choice(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/a\t*.example.com(ro)\n"
		 "/srv/a\thost1(rw)\n"
		 "/srv/a\tws*(rw,no_root_squash)\n");
	/* FQDN before wildcard, whatever the line order */
	export(s, "*.example.com,host1.example.com", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->client->spec, "host1");
	assert_false(a.flags & F_RO);
	assert_null(strstr(a.msg, "exported to both"));
	nlc_export_answer_free(&a);
	export(s, "*.example.com", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.flags & F_RO);
	nlc_export_answer_free(&a);
	/* two wildcards: the first, with a warning */
	export(s, "*.example.com,ws*", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->client->spec, "*.example.com");
	assert_string_equal(a.msg, "/srv/a exported to both *.example.com and ws*, arbitrarily choosing options from first");
	nlc_export_answer_free(&a);
	/* the domain must name the client exactly */
	export(s, "host1", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.ttl, NLC_TTL_DEFAULT);
	assert_null(a.exp);
	/* no export of that path (but a pseudo-root one of its parent) */
	export(s, "host1.example.com", "/srv/x", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	export(s, "host1.example.com", "/srv", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.exp->v4root);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static void test_fqdn_merge(void **state)
{
	/* issue 9 item 3: FQDN specs sharing an address are one client in
	 * rpc.mountd, named after the first */
	struct nlc_export_answer e;
	struct nlc_ip_answer ip;
	struct nlc_snapshot *s;

	(void)state;
	s = snap_warned("/a\thosta(rw)\n"
			"/b\thostb(rw)\n", 1);
	assert_non_null(strstr(s->table.err[0].msg, "hostb"));
	assert_non_null(strstr(s->table.err[0].msg, "refused"));
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.20", &ip);
	assert_int_equal(ip.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(ip.domain, "hosta.example.com");
	/* hostb's other address matches nothing, as in rpc.mountd */
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.21", &ip);
	assert_int_equal(ip.kind, NLC_ANSWER_NEGATIVE);
	/* /b under mountd's domain */
	export(s, "hosta.example.com", "/b", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	nlc_export_answer_free(&e);
	/* and under the domain a daemon keeping them apart composes */
	export(s, "hosta.example.com,hostb.example.com", "/b", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	nlc_export_answer_free(&e);
	export(s, "hostb.example.com", "/b", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	nlc_export_answer_free(&e);
	/* but hostb's name never opens hosta's exports */
	export(s, "hostb.example.com", "/a", &e);
	assert_int_equal(e.kind, NLC_ANSWER_NEGATIVE);
	nlc_export_answer_free(&e);
	/* one pseudo root for the merged client, as in rpc.mountd */
	{
		size_t n = 0;

		for (size_t i = 0; i < s->nexp; i++)
			n += s->exp[i].v4root && !strcmp(s->exp[i].path, "/");
		assert_int_equal(n, 1);
	}
	export(s, "hosta.example.com", "/", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	assert_true(e.exp->v4root);
	assert_null(strstr(e.msg, "arbitrarily"));
	nlc_export_answer_free(&e);
	/* $addr domains check the owner's addresses */
	export(s, "$192.0.2.20", "/b", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	nlc_export_answer_free(&e);
	export(s, "$192.0.2.21", "/b", &e);
	assert_int_equal(e.kind, NLC_ANSWER_NEGATIVE);
	nlc_export_answer_free(&e);
	nlc_snapshot_put(s);

	/* one path through both names: the second line is a duplicate of
	 * the first (its options lost), as rpc.mountd's export_lookup has it */
	s = snap_warned("/a\thosta(ro)\n"
			"/a\thostc(rw)\n", 2);
	export(s, "hosta.example.com", "/a", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	assert_true(e.flags & F_RO);
	assert_null(strstr(e.msg, "arbitrarily"));
	nlc_export_answer_free(&e);
	export(s, "hostc.example.com", "/a", &e);
	assert_int_equal(e.kind, NLC_ANSWER_NEGATIVE);
	nlc_export_answer_free(&e);
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.20", &ip);
	assert_string_equal(ip.domain, "hosta.example.com");
	nlc_snapshot_put(s);

	/* no shared address: two clients, as before */
	s = snap("/a\thosta(rw)\n"
		 "/h\thost1(rw)\n");
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.20", &ip);
	assert_string_equal(ip.domain, "hosta.example.com");
	nlc_answer_ip(s, &HV, &O, "nfsd", "192.0.2.1", &ip);
	assert_string_equal(ip.domain, "host1.example.com");
	nlc_snapshot_put(s);
}

static void test_export_v4root_loses(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	/* a pseudo "/" for the subnet (type before "*"), a real "/" for * */
	s = snap("/\t*(ro)\n"
		 "/srv/a\t192.0.2.0/24(rw)\n");
	export(s, "*,192.0.2.0/24", "/", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.exp->v4root);
	assert_string_equal(a.exp->client->spec, "*");
	/* the real "/" is the v4 root: fsid=0 */
	assert_true(a.flags & F_FSID);
	assert_int_equal(a.fsid, 0);
	nlc_export_answer_free(&a);
	/* the subnet alone gets the pseudo root */
	export(s, "192.0.2.0/24", "/", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.exp->v4root);
	assert_int_equal(a.flags, NLC_V4ROOT_FLAGS_ROOT);
	assert_int_equal(a.nsec, 1);
	assert_int_equal(a.sec[0].flavor, NLC_SEC_SYS);
	nlc_export_answer_free(&a);
	export(s, "192.0.2.0/24", "/srv", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.flags, NLC_V4ROOT_FLAGS_DIR);
	assert_true(a.exp->v4root);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

/*
 * A kernel whose export features lack v4root (or features nlcached could
 * not read and guessed wrong) must not get the pseudo root as a plain
 * read-only export of "/": that would open the whole root file system.
 */
static void test_export_v4root_needs_feature(void **state)
{
	const uint32_t old_flags = 0x7e3f;	/* pre-2.6.33 NFSEXP_ALLFLAGS */
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/nfs\t127.0.0.1(rw,no_subtree_check)\n");
	nlc_answer_export(s, &HV, &O, old_flags, "127.0.0.1", "/", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_non_null(strstr(a.msg, "lack v4root"));
	nlc_export_answer_free(&a);
	nlc_answer_export(s, &HV, &O, old_flags, "127.0.0.1", "/srv", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_export_answer_free(&a);
	/* the real export is served with what the kernel supports */
	nlc_answer_export(s, &HV, &O, old_flags, "127.0.0.1", "/srv/nfs", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.flags & F_RO);
	nlc_export_answer_free(&a);
	/* with v4root supported, the pseudo root carries it */
	nlc_answer_export(s, &HV, &O, NLCACHE_EXPORT_FLAGS_ALL, "127.0.0.1", "/", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.flags, NLC_V4ROOT_FLAGS_ROOT);
	assert_true(a.flags & NLCACHE_EXPORT_FLAGS_V4ROOT);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static void test_export_crossmnt_longer_wins(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv\t*(rw,crossmnt)\n"
		 "/srv/a/b\t*(ro)\n");
	export(s, "*", "/srv/a/b", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->path, "/srv/a/b");
	assert_true(a.flags & F_RO);
	nlc_export_answer_free(&a);
	/* below /srv but not /srv/a/b: the crossmnt export */
	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->path, "/srv");
	nlc_export_answer_free(&a);
	/* below the non-crossmnt /srv/a/b: still the crossmnt /srv */
	export(s, "*", "/srv/a/b/c", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->path, "/srv");
	nlc_export_answer_free(&a);
	export(s, "*", "/other", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	/* "/srvx" is not below "/srv" */
	export(s, "*", "/srvx", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_snapshot_put(s);

	/* everything is below a crossmnt "/" (its load warning is about
	 * nfsd.fh) */
	s = snap_warned("/\t*(ro,crossmnt)\n", 1);
	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->path, "/");
	assert_false(a.flags & F_FSID);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static void test_export_ipaddr_domain(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap_mode("/srv/a\thost1(rw)\n"
		      "/srv/a\t*.example.com(ro)\n", NLC_IPADDR_FORCED);
	export(s, "$192.0.2.1", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->client->spec, "host1");
	nlc_export_answer_free(&a);
	/* the wildcard through reverse DNS */
	export(s, "$192.0.2.7", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.exp->client->spec, "*.example.com");
	nlc_export_answer_free(&a);
	export(s, "$198.51.100.9", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	export(s, "$not-an-ip", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_snapshot_put(s);
}

static void test_export_gss(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/a\tgss/krb5(rw)\n");
	export(s, "gss/krb5", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.exp->client->type, NLC_CLIENT_GSS);
	nlc_export_answer_free(&a);
	export(s, "gss/krb5i", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_snapshot_put(s);
}

/* ---- nfsd.export: contents --------------------------------------------- */

static void test_export_crossmnt_submount(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;
	uint8_t u[16];

	(void)state;
	s = snap("/srv\t*(rw,crossmnt,fsid=5,sec=krb5p,sec=sys)\n");
	export(s, "*", "/srv", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.flags & F_FSID);
	assert_int_equal(a.fsid, 5);
	assert_int_equal(a.nsec, 2);
	assert_true(a.sec[0].flags & F_FSID);
	assert_true(a.sec[1].flags & F_FSID);
	/* FSID set: no uuid */
	assert_false(a.has_uuid);
	nlc_export_answer_free(&a);

	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.flags & F_FSID);
	assert_true(a.flags & NLCACHE_EXPORT_FLAGS_CROSSMOUNT);
	assert_int_equal(a.fsid, 5);
	assert_int_equal(a.nsec, 2);
	assert_false(a.sec[0].flags & F_FSID);
	assert_false(a.sec[1].flags & F_FSID);
	assert_true(a.has_uuid);
	uuid_of("22222222-2222-2222-2222-222222222222", u);
	assert_memory_equal(a.uuid, u, 16);
	nlc_export_answer_free(&a);

	/* no blkid uuid: the statfs f_fsid one */
	export(s, "*", "/srv/sub/deep", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.has_uuid);
	uuid_of("0000123400005678", u);
	assert_memory_equal(a.uuid, u, 16);
	nlc_export_answer_free(&a);

	/* a path that is gone: no uuid */
	export(s, "*", "/srv/missing", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.has_uuid);
	nlc_export_answer_free(&a);
	/* stat failing for real: ask again later */
	export(s, "*", "/srv/slow", &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	nlc_snapshot_put(s);

	/* ... unless fsid=<uuid> says all there is to say */
	s = snap("/srv/slow\t*(rw,fsid=0123456789abcdef0123456789abcdef)\n");
	export(s, "*", "/srv/slow", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.has_uuid);
	uuid_of("0123456789abcdef0123456789abcdef", u);
	assert_memory_equal(a.uuid, u, 16);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static void test_export_fsid_uuid(void **state)
{
	static const char cfg[] = "0123456789abcdef0123456789abcdef";
	struct nlc_export_answer a;
	struct nlc_snapshot *s;
	uint8_t u[16];
	char text[256];

	(void)state;
	snprintf(text, sizeof(text), "/data\t*(rw,crossmnt,fsid=%s)\n"
		 "/u\t*(rw)\n", cfg);
	s = snap(text);
	export(s, "*", "/data", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.has_uuid);
	uuid_of(cfg, u);
	assert_memory_equal(a.uuid, u, 16);
	nlc_export_answer_free(&a);
	/* the submount has its own */
	export(s, "*", "/data/sub", &a);
	assert_true(a.has_uuid);
	uuid_of("d1d1d1d1-d1d1-d1d1-d1d1-d1d1d1d1d1d1", u);
	assert_memory_equal(a.uuid, u, 16);
	nlc_export_answer_free(&a);
	/* no fsid= at all: the path's filesystem */
	export(s, "*", "/u", &a);
	assert_true(a.has_uuid);
	uuid_of("e0e0e0e0-e0e0-e0e0-e0e0-e0e0e0e0e0e0", u);
	assert_memory_equal(a.uuid, u, 16);
	assert_int_equal(a.nsec, 0);
	assert_int_equal(a.nfsloc, 0);
	assert_int_equal(a.xprtsec, 0);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static void test_export_mountpoint(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/mnt/x\t*(rw,mountpoint)\n"
		 "/mnt/y\t*(rw,mountpoint)\n"
		 "/srv/a\t*(rw,mp=/mnt/hung)\n"
		 "/srv/sub\t*(rw,mp=/gone)\n");
	export(s, "*", "/mnt/x", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.ttl, NLC_TTL_NOT_MOUNTED);
	assert_string_equal(a.msg,
			    "Cannot export path '/mnt/x': not a mountpoint");
	export(s, "*", "/mnt/y", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.ttl, NLC_TTL_DEFAULT);
	nlc_export_answer_free(&a);
	/* stat of the mountpoint timing out: no answer now */
	export(s, "*", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	assert_non_null(strstr(a.msg, "/mnt/hung"));
	assert_non_null(strstr(a.msg, "timed out"));
	/* a lookup error is "not mounted" */
	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.ttl, NLC_TTL_NOT_MOUNTED);
	nlc_snapshot_put(s);
}

static void test_export_secinfo(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/a\t*(rw,no_root_squash,sec=krb5p:krb5i,rw,no_root_squash,sec=sys,ro,root_squash)\n");
	export(s, "*", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.nsec, 3);
	assert_int_equal(a.sec[0].flavor, NLC_SEC_KRB5P);
	assert_int_equal(a.sec[1].flavor, NLC_SEC_KRB5I);
	assert_int_equal(a.sec[2].flavor, NLC_SEC_SYS);
	assert_false(a.sec[0].flags & F_RO);
	assert_false(a.sec[1].flags & NLCACHE_EXPORT_FLAGS_ROOTSQUASH);
	assert_true(a.sec[2].flags & F_RO);
	assert_true(a.sec[2].flags & NLCACHE_EXPORT_FLAGS_ROOTSQUASH);
	/* outside the per-flavour bits they equal the export's flags */
	for (size_t i = 0; i < a.nsec; i++)
		assert_int_equal(a.sec[i].flags & ~NLC_EXPORT_SECINFO_FLAGS,
				 a.flags & ~NLC_EXPORT_SECINFO_FLAGS);
	nlc_export_answer_free(&a);

	/* the kernel's supported flags limit flags and secinfo alike */
	nlc_answer_export(s, &HV, &O, 0xffff & ~NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK,
			  "*", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.flags & NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	assert_false(a.sec[2].flags & NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

/* Each xprtsec= spelling gives its mask in the answer and in the reply. */
static void test_export_xprtsec_each_mode(void **state)
{
	static const struct { const char *opt; uint32_t mask; } cases[] = {
		{ "xprtsec=none", NLCACHE_XPRTSEC_MODE_NONE },
		{ "xprtsec=tls", NLCACHE_XPRTSEC_MODE_TLS },
		{ "xprtsec=mtls", NLCACHE_XPRTSEC_MODE_MTLS },
		{ "xprtsec=none:tls", NLCACHE_XPRTSEC_MODE_NONE | NLCACHE_XPRTSEC_MODE_TLS },
		{ "xprtsec=mtls:none", NLCACHE_XPRTSEC_MODE_NONE | NLCACHE_XPRTSEC_MODE_MTLS },
		{ "xprtsec=none:tls:mtls", NLCACHE_XPRTSEC_MODE_NONE |
			NLCACHE_XPRTSEC_MODE_TLS | NLCACHE_XPRTSEC_MODE_MTLS },
		{ "sync", 0 },	/* no xprtsec=: the kernel's default, nothing sent */
	};
	struct nlc_svc_export_reply r;
	struct nlc_export_answer a;
	struct nlc_snapshot *s;
	char line[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "/srv/a\t*(rw,%s)\n", cases[i].opt);
		print_message("%s", line);
		s = snap(line);
		export(s, "*", "/srv/a", &a);
		assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
		assert_int_equal(a.xprtsec, cases[i].mask);
		nlc_export_answer_reply(&a, "*", "/srv/a", NOW, &r);
		assert_int_equal(r.xprtsec, cases[i].mask);
		nlc_export_answer_free(&a);
		nlc_snapshot_put(s);
	}
}

static void test_export_fsloc_xprtsec(void **state)
{
	struct nlc_svc_export_reply r;
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/a\t*(rw,refer=/a@h1+h2:/b@[fe80::1]+h3,xprtsec=tls:mtls)\n"
		 "/srv/sub\t*(rw,replicas=/c@h4)\n");
	export(s, "*", "/srv/a", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.migrated);
	assert_int_equal(a.nfsloc, 2);
	assert_string_equal(a.fsloc[0].path, "/a");
	assert_string_equal(a.fsloc[0].host, "h1:h2");
	assert_string_equal(a.fsloc[1].path, "/b");
	assert_string_equal(a.fsloc[1].host, "[fe80::1]:h3");
	assert_int_equal(a.xprtsec,
			 NLCACHE_XPRTSEC_MODE_TLS | NLCACHE_XPRTSEC_MODE_MTLS);
	nlc_export_answer_reply(&a, "*", "/srv/a", NOW, &r);
	assert_false(r.negative);
	assert_int_equal(r.expiry, NOW + NLC_TTL_DEFAULT);
	assert_string_equal(r.client, "*");
	assert_string_equal(r.path, "/srv/a");
	assert_int_equal(r.nfslocs, 2);
	assert_ptr_equal(r.fslocs, a.fsloc);
	assert_true(r.migrated);
	assert_int_equal(r.xprtsec, a.xprtsec);
	assert_int_equal(r.flags, a.flags);
	/* /srv/a has no uuid source at all */
	assert_false(a.has_uuid);
	assert_null(r.uuid);
	nlc_export_answer_free(&a);
	assert_null(a.fsloc_buf);

	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_false(a.migrated);
	assert_int_equal(a.nfsloc, 1);
	assert_string_equal(a.fsloc[0].host, "h4");
	nlc_export_answer_reply(&a, "*", "/srv/sub", NOW, &r);
	assert_non_null(r.uuid);
	assert_int_equal(r.uuid_len, NLCACHE_UUID_LEN);
	assert_false(r.migrated);
	nlc_export_answer_free(&a);

	export(s, "*", "/nowhere", &a);
	nlc_export_answer_reply(&a, "*", "/nowhere", NOW, &r);
	assert_true(r.negative);
	assert_int_equal(r.expiry, NOW + NLC_TTL_DEFAULT);
	nlc_snapshot_put(s);
}

/*
 * An empty refer= (or one without a usable location): mountd's "fsloc 0"
 * ends the kernel's parse, so the export keeps no secinfo and no uuid.
 */
static void test_export_fsloc_empty(void **state)
{
	struct nlc_export_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/srv/sub\t*(rw,sec=sys:krb5,refer=)\n"
		 "/srv/b\t*(ro,replicas=nothing-usable)\n"
		 "/srv/a\t*(rw,sec=sys:krb5)\n");
	export(s, "*", "/srv/sub", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.flags & NLCACHE_EXPORT_FLAGS_READONLY, 0);
	assert_int_equal(a.nfsloc, 0);
	assert_false(a.migrated);
	assert_int_equal(a.nsec, 0);
	assert_false(a.has_uuid);
	nlc_export_answer_free(&a);
	export(s, "*", "/srv/b", &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_int_equal(a.nsec, 0);
	assert_false(a.has_uuid);
	nlc_export_answer_free(&a);
	/* the control: the same options without refer= keep them */
	export(s, "*", "/srv/a", &a);
	assert_int_equal(a.nsec, 2);
	nlc_export_answer_free(&a);
	nlc_snapshot_put(s);
}

static int setup_upstream(void **state)
{
	nlc_exports_set_dialect(NLC_DIALECT_UPSTREAM);
	return setup(state);
}

static int teardown_262(void **state)
{
	nlc_exports_set_dialect(NLC_DIALECT_262);
	return teardown(state);
}

static void test_fsloc_split(void **state)
{
	struct nlc_fsloc loc[64];
	char text[64 * 16], *buf;
	size_t len = 0;
	int n;

	(void)state;
	n = nlc_fsloc_split("/x@[2001:db8::1]+[2001:db8::2]", loc, 40, &buf);
	assert_int_equal(n, 1);
	assert_string_equal(loc[0].host, "[2001:db8::1]:[2001:db8::2]");
	assert_string_equal(loc[0].path, "/x");
	free(buf);
	for (int i = 0; i < 45; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s/p%d@h%d", i ? ":" : "", i, i);
	n = nlc_fsloc_split(text, loc, 40, &buf);
	assert_int_equal(n, 40);
	assert_string_equal(loc[39].path, "/p39");
	assert_string_equal(loc[39].host, "h39");
	free(buf);
	/* a malformed item is skipped; nothing usable is an error */
	n = nlc_fsloc_split("nopath@h:/ok@h2", loc, 40, &buf);
	assert_int_equal(n, 1);
	assert_string_equal(loc[0].path, "/ok");
	free(buf);
	assert_int_equal(nlc_fsloc_split("/nohost", loc, 40, &buf), -EINVAL);
	assert_null(buf);
	assert_int_equal(nlc_fsloc_split("", loc, 40, &buf), -EINVAL);
}

/* ---- nfsd.fh ------------------------------------------------------------------ */

static void fh(const struct nlc_snapshot *s, const char *domain, int type,
	       const struct nlc_fsid_src *src, struct nlc_fh_answer *a)
{
	uint8_t key[NLC_FSID_MAX];
	int len = nlc_fsid_encode(type, src, key);

	struct nlc_hostview hv = hv_indexed(++hv_gen);
	struct nlc_fh_answer ix;

	assert_true(len > 0);
	nlc_answer_fh(s, &HV, &O, domain, (unsigned int)type, key,
		      (size_t)len, NOW, a);
	/* every answer is the same through the index (a new one, built
	 * for this request, then used again) */
	nlc_answer_fh(s, &hv, &O, domain, (unsigned int)type, key,
		      (size_t)len, NOW, &ix);
	assert_int_equal(ix.kind, a->kind);
	assert_string_equal(ix.path, a->path);
	assert_ptr_equal(ix.exp, a->exp);
	assert_string_equal(ix.msg, a->msg);
	assert_int_equal(ix.expiry, a->expiry);
	nlc_answer_fh(s, &hv, &O, domain, (unsigned int)type, key,
		      (size_t)len, NOW, &ix);
	assert_int_equal(ix.kind, a->kind);
	assert_string_equal(ix.path, a->path);
	assert_ptr_equal(ix.exp, a->exp);
}

static struct nlc_fsid_src src_dev(uint32_t major, uint32_t minor,
				   uint64_t ino)
{
	struct nlc_fsid_src src = { .major = major, .minor = minor,
				    .inode = ino };
	return src;
}

static struct nlc_fsid_src src_uuid(const char *text, uint64_t ino)
{
	struct nlc_fsid_src src = { .inode = ino };

	uuid_of(text, src.uuid);
	return src;
}

static void test_fh_types(void **state)
{
	static const char cfg[] = "0123456789abcdef0123456789abcdef";
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;
	char text[256];

	(void)state;
	snprintf(text, sizeof(text),
		 "/srv\t*(rw,crossmnt)\n"
		 "/num\t*(rw,fsid=17)\n"
		 "/u\t*(rw,fsid=%s)\n", cfg);
	s = snap(text);

	src = src_dev(8, 1, 100);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv");
	assert_int_equal(a.expiry, NLC_FH_EXPIRY);
	assert_string_equal(a.exp->path, "/srv");

	src = src_dev(8, 4, 2);
	fh(s, "*", NLC_FSID_MAJOR_MINOR, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/num");
	fh(s, "*", NLC_FSID_ENCODE_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/num");

	src.fsidnum = 17;
	fh(s, "*", NLC_FSID_NUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/num");
	src.fsidnum = 18;
	fh(s, "*", NLC_FSID_NUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.expiry, NOW + NLC_TTL_DEFAULT);

	/* the configured uuid, inode checked */
	src = src_uuid(cfg, 77);
	fh(s, "*", NLC_FSID_UUID16_INUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/u");
	fh(s, "*", NLC_FSID_UUID4_INUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/u");
	src.inode = 78;
	fh(s, "*", NLC_FSID_UUID16_INUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	/* the blkid uuid of /u is not what fsid= says */
	src = src_uuid("e0e0e0e0-e0e0-e0e0-e0e0-e0e0e0e0e0e0", 77);
	fh(s, "*", NLC_FSID_UUID16_INUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);

	/* a crossmnt submount, by its own uuid (a mount point) */
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub");
	assert_string_equal(a.exp->path, "/srv");
	/* folded to 8 bytes, 2222... and /num's 4444... are both zero; the
	 * later line is tried first, as in rpc.mountd's lists */
	fh(s, "*", NLC_FSID_UUID8, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/num");
	assert_string_equal(a.msg,
			    "/num and /srv/sub have same filehandle for *, using first");
	/* and by the f_fsid source of a deeper one */
	src = src_uuid("0000123400005678", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub/deep");

	/* a client the domain does not name */
	src = src_dev(8, 1, 100);
	fh(s, "host1.example.com", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_snapshot_put(s);
}

static void test_fh_invalid(void **state)
{
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;
	uint8_t key[32] = { 0 };

	(void)state;
	s = snap("/srv\t*(rw)\n");
	nlc_answer_fh(s, &HV, &O, "*", NLC_FSID_DEV, key, 7, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_answer_fh(s, &HV, &O, "*", NLC_FSID_NUM, key, 8, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_answer_fh(s, &HV, &O, "*", 8, key, 8, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_answer_fh(s, &HV, &O, "*", 300, key, 8, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	nlc_answer_fh(s, &HV, &O, "$nonsense", NLC_FSID_NUM, key, 4, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_INVALID);
	/* well formed, unknown (fsid 0 would be the pseudo root) */
	key[0] = 5;
	nlc_answer_fh(s, &HV, &O, "*", NLC_FSID_NUM, key, 4, NOW, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	assert_int_equal(a.expiry, NOW + NLC_TTL_DEFAULT);
	assert_string_equal(a.path, "");
	nlc_snapshot_put(s);
}

static void test_fh_defer(void **state)
{
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;

	(void)state;
	/* an export whose stat times out: an unknown fsid waits */
	s = snap("/srv\t*(rw)\n"
		 "/mnt/hung\t*(rw)\n");
	src = src_dev(99, 9, 9);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	/* but a match is answered */
	src = src_dev(8, 1, 100);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	nlc_snapshot_put(s);

	/* a mountpoint= export not mounted: same */
	s = snap("/srv\t*(rw)\n"
		 "/mnt/x\t*(rw,mountpoint)\n");
	src = src_dev(99, 9, 9);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	/* and it winning is no answer either */
	src = src_dev(8, 1, 300);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	/* a domain that does not name it does not wait for it */
	src = src_dev(99, 9, 9);
	fh(s, "host1.example.com", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	nlc_snapshot_put(s);

	/* mounted: answered */
	s = snap("/mnt/y\t*(rw,mountpoint)\n");
	src = src_dev(10, 1, 2);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/mnt/y");
	nlc_snapshot_put(s);
}

static void test_blkid_unknown_no_fsid_fallback(void **state)
{
	/* issue 9 item 7: a filesystem whose blkid probe failed just now
	 * gets no answer, never one built from its f_fsid */
	struct nlc_export_answer e;
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap("/flaky\t*(rw)\n");
	export(s, "*", "/flaky", &e);
	assert_int_equal(e.kind, NLC_ANSWER_DEFER);
	assert_false(e.has_uuid);
	nlc_export_answer_free(&e);
	src = src_uuid("00000abc00000001", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_DEFER);
	/* the device number still identifies it: DEV types need no uuid */
	src = src_dev(11, 1, 2);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/flaky");
	nlc_snapshot_put(s);

	/* fsid=N needs no uuid: answered */
	s = snap("/flaky\t*(rw,fsid=9)\n");
	export(s, "*", "/flaky", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	assert_false(e.has_uuid);
	nlc_export_answer_free(&e);
	nlc_snapshot_put(s);
}

static void test_fh_winner(void **state)
{
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;

	(void)state;
	/* same fs under two export paths: the first in rpc.mountd's list
	 * order, which puts the later line first, with a warning */
	s = snap("/num\t*(rw)\n"
		 "/alias\t*(rw)\n");
	src = src_dev(8, 4, 2);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/alias");
	assert_string_equal(a.msg,
			    "/alias and /num have same filehandle for *, using first");
	nlc_snapshot_put(s);
	s = snap("/alias\t*(rw)\n"
		 "/num\t*(rw)\n");
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_string_equal(a.path, "/num");
	nlc_snapshot_put(s);
	/* the same when the other is crossmnt (a candidate of every
	 * request in the index): still the scan order */
	s = snap("/alias\t*(rw,crossmnt)\n"
		 "/num\t*(rw)\n");
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_string_equal(a.path, "/num");
	assert_string_equal(a.msg,
			    "/num and /alias have same filehandle for *, using first");
	nlc_snapshot_put(s);

	/* a later export below a crossmnt winner replaces it */
	s = snap("/srv\t*(rw,crossmnt)\n"
		 "/srv/sub\t*(ro)\n");
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub");
	assert_string_equal(a.exp->path, "/srv/sub");
	nlc_snapshot_put(s);

	/* the same below a crossmnt "/" (mountd's subexport() misses this
	 * case and keeps "/"; the reply path is the same either way) */
	s = snap_warned("/\t*(ro,crossmnt)\n"
			"/srv/sub\t*(ro)\n", 1);
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub");
	assert_string_equal(a.exp->path, "/srv/sub");
	nlc_snapshot_put(s);

	/* type order first: the FQDN export, though it comes later */
	s = snap("/num\t*(rw)\n"
		 "/alias\thost1(rw)\n");
	src = src_dev(8, 4, 2);
	fh(s, "*,host1.example.com", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/alias");
	/* $addr domains: the client check */
	fh(s, "$192.0.2.1", NLC_FSID_DEV, &src, &a);
	assert_string_equal(a.path, "/alias");
	fh(s, "$198.51.100.9", NLC_FSID_DEV, &src, &a);
	assert_string_equal(a.path, "/num");
	nlc_snapshot_put(s);
}

static void test_fh_crossmnt_root(void **state)
{
	/* issue 9 item 9: Debian 12's rpc.mountd (2.6.2) walks no mounts
	 * below a crossmnt "/"; nlcached refuses what it refuses, and says
	 * so at load */
	struct nlc_export_answer e;
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;

	(void)state;
	s = snap_warned("/\t*(ro,crossmnt)\n", 1);
	assert_non_null(strstr(s->table.err[0].msg, "crossmnt on '/'"));
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);
	/* "/" itself is found */
	src = src_dev(8, 1, 2);
	fh(s, "*", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/");
	/* nfsd.export still covers the submount (mountd's
	 * is_subdirectory knows "/") */
	export(s, "*", "/srv/sub", &e);
	assert_int_equal(e.kind, NLC_ANSWER_POSITIVE);
	nlc_export_answer_free(&e);
	nlc_snapshot_put(s);

	/* any other crossmnt export walks its submounts */
	s = snap("/srv\t*(ro,crossmnt)\n");
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub");
	nlc_snapshot_put(s);
}

static void test_fh_v4root_prefers_real(void **state)
{
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;

	(void)state;
	/* pseudo "/" for the subnet is tried first (type order), the real
	 * "/" for "*" replaces it */
	s = snap("/\t*(ro)\n"
		 "/srv/a\t192.0.2.0/24(rw)\n");
	src = src_dev(8, 1, 2);
	fh(s, "*,192.0.2.0/24", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/");
	assert_false(a.exp->v4root);
	assert_string_equal(a.msg, "fsid type 0 for *,192.0.2.0/24 is /");
	/* only the pseudo one */
	fh(s, "192.0.2.0/24", NLC_FSID_DEV, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_true(a.exp->v4root);
	/* the v4 root by fsid number 0 */
	src.fsidnum = 0;
	fh(s, "*", NLC_FSID_NUM, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/");
	nlc_snapshot_put(s);
}

/* An etab of @n exports /many/0 .. /many/(n-1), each to "*". */
static struct nlc_snapshot *snap_many(unsigned int n, const char *opts)
{
	struct nlc_snapshot *s;
	size_t cap = (size_t)n * 48 + 1, len = 0;
	char *text = malloc(cap);
	unsigned int i;

	assert_non_null(text);
	text[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"/many/%u\t*(%s)\n", i, opts);
	s = snap(text);
	free(text);
	return s;
}

static struct nlc_fsid_src src_many(unsigned int n, uint64_t ino)
{
	char u[40];

	snprintf(u, sizeof(u), "%08x-1111-2222-3333-4444%08x", n, n << 4);
	return src_uuid(u, ino);
}

/* One answer through @hv; the number of stat()s it made. */
static unsigned int fh_stats(const struct nlc_snapshot *s,
			     const struct nlc_hostview *hv, int type,
			     const struct nlc_fsid_src *src,
			     struct nlc_fh_answer *a)
{
	uint8_t key[NLC_FSID_MAX];
	int len = nlc_fsid_encode(type, src, key);
	unsigned int before = ident_calls;

	assert_true(len > 0);
	nlc_answer_fh(s, hv, &O, "*", (unsigned int)type, key, (size_t)len,
		      NOW, a);
	return ident_calls - before;
}

static void test_fh_index_by_identity(void **state)
{
	struct nlc_hostview hv = hv_indexed(++hv_gen);
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;
	unsigned int n, nx;

	(void)state;
	s = snap_many(200, "rw");
	/* 200, and the pseudo-root's "/" and "/many" */
	nx = (unsigned int)s->nexp;
	assert_int_equal(nx, 202);
	/* without an index every export is looked at */
	src = src_many(150, 0);
	assert_int_equal(fh_stats(s, &HV, NLC_FSID_UUID16, &src, &a), nx);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/many/150");
	/* the first indexed answer builds the index (a stat per export),
	 * the next ones look only at the export on that filesystem */
	n = fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a);
	assert_int_equal(n, nx + 1);
	assert_string_equal(a.path, "/many/150");
	src = src_many(7, 0);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a), 1);
	assert_string_equal(a.path, "/many/7");
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID8, &src, &a), 1);
	assert_string_equal(a.path, "/many/7");
	src = src_many(199, 2);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16_INUM, &src, &a), 1);
	assert_string_equal(a.path, "/many/199");
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID4_INUM, &src, &a), 1);
	assert_string_equal(a.path, "/many/199");
	src = src_dev(20, 42, 2);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_ENCODE_DEV, &src, &a), 1);
	assert_string_equal(a.path, "/many/42");
	/* a filehandle of no export: the full scan says so */
	src = src_many(500, 0);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a), nx);
	assert_int_equal(a.kind, NLC_ANSWER_NEGATIVE);

	/* the directory made again (another inode) since the index was
	 * built: not among the candidates, found by the full scan */
	many_ino_bump = 5;
	src = src_many(9, 7);
	n = fh_stats(s, &hv, NLC_FSID_UUID16_INUM, &src, &a);
	many_ino_bump = 0;
	assert_int_equal(n, nx);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/many/9");

	/* another mount table: built again */
	hv = hv_indexed(++hv_gen);
	src = src_many(3, 0);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a), nx + 1);
	assert_string_equal(a.path, "/many/3");
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a), 1);
	nlc_snapshot_put(s);

	/* another snapshot: built again */
	s = snap_many(10, "rw");
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a),
			 (unsigned int)s->nexp + 1);
	assert_string_equal(a.path, "/many/3");
	nlc_snapshot_put(s);
}

static void test_fh_index_candidates_always(void **state)
{
	struct nlc_hostview hv = hv_indexed(++hv_gen);
	struct nlc_fsid_src src;
	struct nlc_fh_answer a;
	struct nlc_snapshot *s;
	unsigned int full, nx;

	(void)state;
	/* crossmnt exports (their submounts) and exports whose identity
	 * could not be learnt are tried for every request, in scan order */
	s = snap("/many/1\t*(rw)\n"
		 "/srv\t*(rw,crossmnt)\n"
		 "/flaky\t*(rw)\n"
		 "/mnt/hung\t*(rw)\n"
		 "/many/2\t*(rw)\n");
	src = src_uuid("22222222-2222-2222-2222-222222222222", 0);
	fh(s, "*", NLC_FSID_UUID16, &src, &a);
	assert_int_equal(a.kind, NLC_ANSWER_POSITIVE);
	assert_string_equal(a.path, "/srv/sub");
	full = fh_stats(s, &HV, NLC_FSID_UUID16, &src, &a);
	nx = (unsigned int)s->nexp;
	/* the index built (a stat of each export but the crossmnt one),
	 * then all but the three are left out */
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a),
			 nx - 1 + full - (nx - 3));
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a),
			 full - (nx - 3));
	assert_string_equal(a.path, "/srv/sub");
	/* and /many/2 among them, in its place */
	src = src_many(2, 0);
	assert_int_equal(fh_stats(s, &HV, NLC_FSID_UUID16, &src, &a), full);
	assert_int_equal(fh_stats(s, &hv, NLC_FSID_UUID16, &src, &a),
			 full - (nx - 4));
	assert_string_equal(a.path, "/many/2");
	nlc_snapshot_put(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip_domain),
		T(test_ip_refused_default_ipaddr),
		T(test_export_choice),
		T(test_fqdn_merge),
		T(test_export_v4root_loses),
		T(test_export_v4root_needs_feature),
		T(test_export_crossmnt_longer_wins),
		T(test_export_ipaddr_domain),
		T(test_export_gss),
		T(test_export_crossmnt_submount),
		T(test_export_fsid_uuid),
		T(test_export_mountpoint),
		T(test_export_secinfo),
		cmocka_unit_test_setup_teardown(test_export_xprtsec_each_mode,
						setup_upstream, teardown_262),
		cmocka_unit_test_setup_teardown(test_export_fsloc_xprtsec,
						setup_upstream, teardown_262),
		T(test_export_fsloc_empty),
		cmocka_unit_test(test_fsloc_split),
		T(test_fh_types),
		T(test_fh_invalid),
		T(test_fh_defer),
		T(test_blkid_unknown_no_fsid_fallback),
		T(test_fh_winner),
		T(test_fh_crossmnt_root),
		T(test_fh_v4root_prefers_real),
		T(test_fh_index_by_identity),
		T(test_fh_index_candidates_always),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
