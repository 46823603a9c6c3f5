// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The mountinfo parser and index (crafted text), and the host view
 * callbacks and their per-generation caches against the live system.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <blkid.h>

#include "mounts.h"

#define PROC_MAGIC 0x9fa0ul
#define TMPFS_MAGIC 0x01021994ul

static struct nlc_mount_table *parse(const char *text, unsigned int *bad)
{
	struct nlc_mount_table *t = nlc_mounts_parse(text, strlen(text), bad);

	assert_non_null(t);
	return t;
}

/* Collects nlc_mounts_below() results as "a,b,c" (as far as they fit)
 * and checks that each comes after the previous in path order. */
struct collect {
	char buf[1024];
	char last[256];
	int n;
	int unordered;
	int stop_after;		/* return 7 after this many, 0: never */
};

/* strcmp with '/' before every other byte */
static int path_order(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (!*a || !*b)
		return *a ? 1 : -1;
	if (*a == '/' || *b == '/')
		return *a == '/' ? -1 : 1;
	return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

static int collect_fn(const char *mnt, void *arg)
{
	struct collect *c = arg;
	size_t used = strlen(c->buf);

	if (c->n && path_order(c->last, mnt) >= 0)
		c->unordered++;
	snprintf(c->last, sizeof(c->last), "%s", mnt);
	snprintf(c->buf + used, sizeof(c->buf) - used, "%s%s",
		 c->n ? "," : "", mnt);
	c->n++;
	return c->stop_after && c->n == c->stop_after ? 7 : 0;
}

static const char *below(const struct nlc_mount_table *t, const char *path,
			 struct collect *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(nlc_mounts_below(t, path, collect_fn, c), 0);
	return c->buf;
}

/* --- parser ------------------------------------------------------------ */

static void test_parse_fields(void **state)
{
	static const char text[] =
		"1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"20 1 0:5 / /proc rw,nosuid - proc proc rw\n"
		"21 1 0:40 /sub\\040dir /mnt/with\\040space rw shared:5 master:2 - "
		"fuse.sshfs host:/a\\134b rw,user_id=0\n"
		"22 1 259:3 / /mnt/tab\\011x\\012y rw - xfs /dev/nvme0n1p3 rw\n"
		"23 1 0:41 / /mnt/odd\\9z\\0\\000 rw - tmpfs none rw";
	struct nlc_mount_table *t;
	const struct nlc_mount *m;
	unsigned int bad = 99;

	(void)state;
	t = parse(text, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(nlc_mounts_count(t), 5);

	m = nlc_mounts_at(t, 0);
	assert_int_equal(m->id, 1);
	assert_int_equal(m->parent, 0);
	assert_int_equal(m->major, 8);
	assert_int_equal(m->minor, 1);
	assert_string_equal(m->root, "/");
	assert_string_equal(m->point, "/");
	assert_string_equal(m->fstype, "ext4");
	assert_string_equal(m->source, "/dev/sda1");

	m = nlc_mounts_at(t, 2);
	assert_int_equal(m->id, 21);
	assert_int_equal(m->major, 0);
	assert_int_equal(m->minor, 40);
	assert_string_equal(m->root, "/sub dir");
	assert_string_equal(m->point, "/mnt/with space");
	assert_string_equal(m->fstype, "fuse.sshfs");
	assert_string_equal(m->source, "host:/a\\b");

	m = nlc_mounts_at(t, 3);
	assert_int_equal(m->major, 259);
	assert_int_equal(m->minor, 3);
	assert_string_equal(m->point, "/mnt/tab\tx\ny");

	/* not escapes: \9, a short \0 and \000 (would be a NUL) stay */
	m = nlc_mounts_at(t, 4);
	assert_string_equal(m->point, "/mnt/odd\\9z\\0\\000");
	assert_null(nlc_mounts_at(t, 5));

	m = nlc_mounts_find(t, "/mnt/with space");
	assert_non_null(m);
	assert_int_equal(m->id, 21);
	nlc_mounts_put(t);
}

static void test_parse_malformed(void **state)
{
	static const char text[] =
		"\n"
		"x 1 0:5 / /a rw - proc proc rw\n"		/* id */
		"2 1 05 / /b rw - proc proc rw\n"		/* no ':' */
		"3 1 0: / /c rw - proc proc rw\n"		/* no minor */
		"4 1 0:5 / /d rw shared:1 proc proc rw\n"	/* no "-" */
		"5 1 0:5 / /e rw - proc\n"			/* no source */
		"6 1 0:5 / rel rw - proc proc rw\n"		/* relative */
		"7 1 0:5 /\n"					/* short */
		"8 1 0:5:6 / /h rw - proc proc rw\n"		/* dev */
		"99999999999 1 0:5 / /i rw - proc proc rw\n"	/* range */
		"   \t\n"
		"10 1 0:5 / /ok rw - proc proc rw\n"
		"11 10 0:6 / /ok/two rw - sysfs sysfs\n";	/* no superopts */
	struct nlc_mount_table *t;
	unsigned int bad = 0;

	(void)state;
	t = parse(text, &bad);
	assert_int_equal(bad, 9);
	assert_int_equal(nlc_mounts_count(t), 2);
	assert_string_equal(nlc_mounts_at(t, 0)->point, "/ok");
	assert_string_equal(nlc_mounts_at(t, 1)->point, "/ok/two");
	assert_null(nlc_mounts_find(t, "/a"));
	assert_null(nlc_mounts_find(t, "/e"));
	nlc_mounts_put(t);

	/* empty input: an empty table, not an error; bad may be NULL */
	t = nlc_mounts_parse("", 0, NULL);
	assert_non_null(t);
	assert_int_equal(nlc_mounts_count(t), 0);
	assert_null(nlc_mounts_find(t, "/"));
	{
		struct collect c;

		assert_string_equal(below(t, "/", &c), "");
	}
	nlc_mounts_put(t);

	/* the length is honoured: nothing after it is read */
	{
		static const char one[] = "1 0 0:1 / / rw - ext4 /dev/x rw\n";
		static const char two[] =
			"1 0 0:1 / / rw - ext4 /dev/x rw\n"
			"2 1 0:2 / /y rw - proc proc rw\n";

		t = nlc_mounts_parse(two, strlen(one), &bad);
	}
	assert_non_null(t);
	assert_int_equal(bad, 0);
	assert_int_equal(nlc_mounts_count(t), 1);
	nlc_mounts_put(t);
}

static void test_find_topmost(void **state)
{
	/*
	 * /a is mounted three times (31 on 30, 32 on 31); /x twice, but
	 * listed with the upper mount first (52 sits on 51), which is
	 * what a later move or propagation can produce.
	 */
	static const char text[] =
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"30 1 0:30 / /a rw - tmpfs t1 rw\n"
		"31 30 0:31 / /a rw - tmpfs t2 rw\n"
		"40 31 0:40 / /a/b rw - tmpfs t3 rw\n"
		"32 31 0:32 / /a rw - tmpfs t4 rw\n"
		"52 51 0:52 / /x rw - tmpfs upper rw\n"
		"51 1 0:51 / /x rw - tmpfs lower rw\n";
	struct nlc_mount_table *t;
	const struct nlc_mount *m;

	(void)state;
	t = parse(text, NULL);
	m = nlc_mounts_find(t, "/a");
	assert_non_null(m);
	assert_int_equal(m->id, 32);
	assert_string_equal(m->source, "t4");
	m = nlc_mounts_find(t, "/x");
	assert_non_null(m);
	assert_int_equal(m->id, 52);
	/* trailing slashes are ignored, relative paths never match */
	m = nlc_mounts_find(t, "/a//");
	assert_non_null(m);
	assert_int_equal(m->id, 32);
	assert_int_equal(nlc_mounts_find(t, "/")->id, 1);
	assert_int_equal(nlc_mounts_find(t, "///")->id, 1);
	assert_null(nlc_mounts_find(t, "a"));
	assert_null(nlc_mounts_find(t, ""));
	assert_null(nlc_mounts_find(t, "/a/c"));
	assert_null(nlc_mounts_find(t, "/x/y"));
	assert_null(nlc_mounts_find(t, "/b"));
	nlc_mounts_put(t);
}

static void test_below(void **state)
{
	static const char text[] =
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"2 1 0:2 / /b rw - tmpfs t rw\n"
		"3 1 0:3 / /ab rw - tmpfs t rw\n"
		"4 1 0:4 / /a rw - tmpfs t rw\n"
		"5 4 0:5 / /a/b/c rw - tmpfs t rw\n"
		"6 4 0:6 / /a/b rw - tmpfs t rw\n"
		"7 1 0:7 / /a!b rw - tmpfs t rw\n"
		"8 4 0:8 / /a/c rw - tmpfs t rw\n"
		"9 6 0:9 / /a/b rw - tmpfs t rw\n"
		"10 1 0:10 / /a-b rw - tmpfs t rw\n"
		"11 1 0:11 / / rw - tmpfs over rw\n";
	struct nlc_mount_table *t;
	struct collect c;

	(void)state;
	t = parse(text, NULL);
	/* component aware: /ab, /a!b and /a-b are not below /a */
	assert_string_equal(below(t, "/a", &c), "/a/b,/a/b/c,/a/c");
	assert_int_equal(c.n, 3);
	assert_string_equal(below(t, "/a/", &c), "/a/b,/a/b/c,/a/c");
	assert_string_equal(below(t, "/a/b", &c), "/a/b/c");
	assert_string_equal(below(t, "/a/b/c", &c), "");
	assert_string_equal(below(t, "/ab", &c), "");
	assert_string_equal(below(t, "/zz", &c), "");
	assert_string_equal(below(t, "/a/bb", &c), "");
	/* "/": every mount point but "/", each once, parents first */
	assert_string_equal(below(t, "/", &c),
			    "/a,/a/b,/a/b/c,/a/c,/a!b,/a-b,/ab,/b");
	assert_int_equal(c.n, 8);
	/* the over-mounted "/" is the topmost one */
	assert_int_equal(nlc_mounts_find(t, "/")->id, 11);
	/* a nonzero return stops the walk and is passed back */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(nlc_mounts_below(t, "/", collect_fn, &c), 7);
	assert_string_equal(c.buf, "/a,/a/b");
	assert_int_equal(nlc_mounts_below(t, "rel", collect_fn, &c), 0);
	nlc_mounts_put(t);
}

/* issue 9 items 4, 9: the crossmnt walk in mount table order, as mtab. */
static void test_below_mtab_order(void **state)
{
	static const char text[] =
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"2 1 8:2 / /srv/z rw - ext4 /dev/sda2 rw\n"
		"3 1 8:3 / /srv/a rw - ext4 /dev/sda3 rw\n"
		"4 3 8:4 / /srv/a/b rw - ext4 /dev/sda4 rw\n"
		"5 1 8:5 / /srvx rw - ext4 /dev/sda5 rw\n"
		"6 1 8:6 / /srv/z rw - ext4 /dev/sda6 rw\n";
	struct nlc_mount_table *t;
	struct collect c;

	(void)state;
	t = parse(text, NULL);
	memset(&c, 0, sizeof(c));
	assert_int_equal(nlc_mounts_below_mtab(t, "/srv", collect_fn, &c), 0);
	/* table order, the twice-mounted point twice, /srvx not */
	assert_string_equal(c.buf, "/srv/z,/srv/a,/srv/a/b,/srv/z");
	memset(&c, 0, sizeof(c));
	assert_int_equal(nlc_mounts_below_mtab(t, "/", collect_fn, &c), 0);
	assert_int_equal(c.n, 0);
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(nlc_mounts_below_mtab(t, "/srv", collect_fn, &c), 7);
	nlc_mounts_put(t);
}

/* Many mounts: the index agrees with a linear scan. */
static void test_below_many(void **state)
{
	size_t cap = 1 << 20, len = 0, i;
	char *text = malloc(cap);
	struct nlc_mount_table *t;
	struct collect c;
	int want = 0;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");
	for (i = 0; i < 2000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"%zu 1 0:%zu / /srv/%s%zu rw - zfs p/%zu rw\n",
					i + 2, i + 2, i % 3 ? "d/" : "", i, i);
	t = nlc_mounts_parse(text, len, NULL);
	assert_non_null(t);
	assert_int_equal(nlc_mounts_count(t), 2001);
	for (i = 0; i < 2000; i++)
		if (i % 3)
			want++;
	memset(&c, 0, sizeof(c));
	assert_int_equal(nlc_mounts_below(t, "/srv/d", collect_fn, &c), 0);
	assert_int_equal(c.n, want);
	assert_int_equal(c.unordered, 0);
	memset(&c, 0, sizeof(c));
	c.stop_after = 100000;
	assert_int_equal(nlc_mounts_below(t, "/", collect_fn, &c), 0);
	assert_int_equal(c.n, 2000);
	assert_int_equal(c.unordered, 0);
	assert_non_null(nlc_mounts_find(t, "/srv/d/1999"));
	assert_non_null(nlc_mounts_find(t, "/srv/0"));
	assert_null(nlc_mounts_find(t, "/srv/d/0"));
	nlc_mounts_put(t);
	free(text);
}

static void test_lookup_error(void **state)
{
	(void)state;
	assert_true(nlc_lookup_error(-ENOENT));
	assert_true(nlc_lookup_error(-ENOTDIR));
	assert_true(nlc_lookup_error(-ELOOP));
	assert_true(nlc_lookup_error(-ENAMETOOLONG));
	/* Debian 12's 2.6.2 (the rule nlcached follows): EACCES is not a
	 * lookup error but "cannot tell now" */
	assert_false(nlc_lookup_error(-EACCES));
	assert_false(nlc_lookup_error(-ETIMEDOUT));
	assert_false(nlc_lookup_error(-EIO));
	assert_false(nlc_lookup_error(-ESTALE));
	assert_false(nlc_lookup_error(0));
	assert_false(nlc_lookup_error(ENOENT));
}

/* --- live -------------------------------------------------------------- */

struct live {
	char dir[64];		/* mkdtemp */
	char sub[96];		/* dir/sub */
	char file[96];		/* dir/file */
};

static int live_setup(void **state)
{
	struct live *l = calloc(1, sizeof(*l));
	FILE *f;

	if (!l)
		return -1;
	strcpy(l->dir, "/tmp/nlc-mounts-XXXXXX");
	if (!mkdtemp(l->dir))
		return -1;
	snprintf(l->sub, sizeof(l->sub), "%s/sub", l->dir);
	snprintf(l->file, sizeof(l->file), "%s/file", l->dir);
	if (mkdir(l->sub, 0700))
		return -1;
	f = fopen(l->file, "w");
	if (!f)
		return -1;
	fclose(f);
	*state = l;
	return 0;
}

static int live_teardown(void **state)
{
	struct live *l = *state;

	unlink(l->file);
	rmdir(l->sub);
	rmdir(l->dir);
	free(l);
	return 0;
}

static struct nlc_mount_table *live_table(void)
{
	struct nlc_mount_table *t = nlc_mounts_read("/proc/self/mountinfo");

	assert_non_null(t);
	return t;
}

static void test_live_read(void **state)
{
	struct nlc_mount_table *t;
	const struct nlc_mount *m;
	struct stat st;

	(void)state;
	t = live_table();
	assert_true(nlc_mounts_count(t) > 0);
	assert_non_null(nlc_mounts_find(t, "/"));
	m = nlc_mounts_find(t, "/proc");
	assert_non_null(m);
	assert_string_equal(m->fstype, "proc");
	assert_int_equal(stat("/proc", &st), 0);
	assert_int_equal(m->major, major(st.st_dev));
	assert_int_equal(m->minor, minor(st.st_dev));
	nlc_mounts_put(t);

	errno = 0;
	assert_null(nlc_mounts_read("/nonexistent/nlc/mountinfo"));
	assert_int_equal(errno, ENOENT);
}

static bool same_ident(const struct nlc_fs_ident *a,
		       const struct nlc_fs_ident *b)
{
	if (a->found != b->found || a->dir_or_reg != b->dir_or_reg ||
	    a->major != b->major || a->minor != b->minor ||
	    a->inode != b->inode || a->is_mountpoint != b->is_mountpoint ||
	    a->uuid.have_f_fsid != b->uuid.have_f_fsid ||
	    a->uuid.f_fsid[0] != b->uuid.f_fsid[0] ||
	    a->uuid.f_fsid[1] != b->uuid.f_fsid[1])
		return false;
	if (!a->uuid.blkid_uuid || !b->uuid.blkid_uuid)
		return a->uuid.blkid_uuid == b->uuid.blkid_uuid;
	return !strcmp(a->uuid.blkid_uuid, b->uuid.blkid_uuid);
}

static void check_ident(const struct nlc_hostview *hv, const char *path,
			bool mp)
{
	struct nlc_fs_ident id;
	struct stat st;

	memset(&id, 0xa5, sizeof(id));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(hv->ident(hv->ctx, path, &id), 0);
	assert_true(id.found);
	assert_int_equal(id.dir_or_reg,
			 S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
	assert_int_equal(id.major, major(st.st_dev));
	assert_int_equal(id.minor, minor(st.st_dev));
	assert_int_equal(id.inode, st.st_ino);
	assert_int_equal(id.is_mountpoint, mp);
	assert_int_equal(hv->is_mountpoint(hv->ctx, path), mp);
}

static void test_live_ident(void **state)
{
	struct live *l = *state;
	struct nlc_mount_table *t = live_table();
	struct nlc_hostview hv;
	struct nlc_fs_ident id;

	nlc_mounts_hostview(t, &nlc_resolver_libc, &hv);
	assert_ptr_equal(hv.resolver, &nlc_resolver_libc);
	assert_ptr_equal(hv.ctx, t);
	/* the view holds its own reference */
	nlc_mounts_put(t);

	check_ident(&hv, "/", true);
	check_ident(&hv, "/proc", true);
	check_ident(&hv, l->dir, false);
	check_ident(&hv, l->sub, false);
	check_ident(&hv, l->file, false);
	check_ident(&hv, "/dev/null", false);
	assert_int_equal(hv.is_mountpoint(hv.ctx, "/nonexistent-nlc"),
			 -ENOENT);

	memset(&id, 0xa5, sizeof(id));
	assert_int_equal(hv.ident(hv.ctx, "/nonexistent-nlc/x", &id),
			 -ENOENT);
	assert_false(id.found);
	assert_null(id.uuid.blkid_uuid);
	assert_false(id.uuid.have_f_fsid);
	assert_int_equal(hv.ident(hv.ctx, "/dev/null/x", &id), -ENOTDIR);
	assert_false(id.found);
	nlc_mounts_hostview_release(&hv);
	assert_null(hv.ctx);
}

static void check_fsid_fs(const struct nlc_hostview *hv, const char *path,
			  unsigned long magic)
{
	struct nlc_fs_ident id;
	struct statfs sf;
	uint32_t w[2];
	unsigned long ft = 0;

	assert_int_equal(statfs(path, &sf), 0);
	assert_int_equal((unsigned long)sf.f_type, magic);
	memcpy(w, &sf.f_fsid, sizeof(w));
	assert_int_equal(hv->ident(hv->ctx, path, &id), 0);
	assert_true(id.found);
	assert_true(id.uuid.have_f_fsid);
	assert_int_equal(id.uuid.f_fsid[0], w[0]);
	assert_int_equal(id.uuid.f_fsid[1], w[1]);
	/* never libblkid for proc / tmpfs */
	assert_null(id.uuid.blkid_uuid);
	assert_int_equal(hv->fs_type(hv->ctx, path, &ft), 0);
	assert_int_equal(ft, magic);
}

static void test_live_uuid_sources(void **state)
{
	struct nlc_mount_table *t = live_table();
	struct nlc_hostview hv;
	struct statfs sf;
	unsigned long ft;
	int n = 0;

	(void)state;
	nlc_mounts_hostview(t, NULL, &hv);
	nlc_mounts_put(t);
	check_fsid_fs(&hv, "/proc", PROC_MAGIC);
	n++;
	if (!statfs("/dev/shm", &sf) && (unsigned long)sf.f_type == TMPFS_MAGIC) {
		check_fsid_fs(&hv, "/dev/shm", TMPFS_MAGIC);
		n++;
	}
	if (!statfs("/run", &sf) && (unsigned long)sf.f_type == TMPFS_MAGIC) {
		check_fsid_fs(&hv, "/run", TMPFS_MAGIC);
		n++;
	}
	assert_true(n >= 1);
	assert_int_equal(hv.fs_type(hv.ctx, "/nonexistent-nlc", &ft), -ENOENT);
	nlc_mounts_hostview_release(&hv);
}

/*
 * The usable UUID of the block device under @path by libblkid's low-level
 * probe (not the cache API the code under test uses), or NULL.
 */
static char *probe_uuid(const char *path)
{
	const char *uuid = NULL, *type = NULL;
	char *devname, *ret = NULL;
	blkid_probe pr;
	struct stat st;

	if (stat(path, &st))
		return NULL;
	devname = blkid_devno_to_devname(st.st_dev);
	if (!devname)
		return NULL;
	pr = blkid_new_probe_from_filename(devname);
	free(devname);
	if (!pr)
		return NULL;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID |
					  BLKID_SUBLKS_TYPE);
	if (blkid_do_safeprobe(pr) == 0 &&
	    !blkid_probe_lookup_value(pr, "UUID", &uuid, NULL)) {
		blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
		if (!type || strcmp(type, "btrfs"))
			ret = strdup(uuid);
	}
	blkid_free_probe(pr);
	return ret;
}

/* The root filesystem's sources agree with statfs(); a blkid UUID only
 * where libblkid may be used. */
static void test_live_root_sources(void **state)
{
	struct nlc_mount_table *t = live_table();
	struct nlc_hostview hv;
	struct nlc_fs_ident id;
	struct statfs sf;
	uint32_t w[2];

	(void)state;
	nlc_mounts_hostview(t, NULL, &hv);
	assert_int_equal(statfs("/", &sf), 0);
	memcpy(w, &sf.f_fsid, sizeof(w));
	assert_int_equal(hv.ident(hv.ctx, "/", &id), 0);
	assert_true(id.uuid.have_f_fsid);
	assert_int_equal(id.uuid.f_fsid[0], w[0]);
	assert_int_equal(id.uuid.f_fsid[1], w[1]);
	if (!nlc_fstype_uses_blkid((unsigned long)sf.f_type)) {
		assert_null(id.uuid.blkid_uuid);
	} else {
		char *want = probe_uuid("/");

		if (want) {
			assert_non_null(id.uuid.blkid_uuid);
			assert_string_equal(id.uuid.blkid_uuid, want);
		} else {
			assert_null(id.uuid.blkid_uuid);
		}
		free(want);
	}
	nlc_mounts_hostview_release(&hv);
	nlc_mounts_put(t);
}

/*
 * As root (make check runs as root): an ext4 loop mount gets libblkid's
 * UUID, the same as the low-level probe reads. Without root, mkfs.ext4 or
 * a loop device it says why and is skipped (cmocka counts it); once a loop
 * device is set up, a failing mount fails the test.
 */
static void test_live_blkid_loop(void **state)
{
	struct live *l = *state;
	char img[96], mnt[96], cmd[512], dev[64] = "";
	struct nlc_mount_table *t;
	struct nlc_hostview hv;
	struct nlc_fs_ident id;
	char *want = NULL, *got = NULL;
	bool mounted, is_mp = false, detached;
	int ok = 0, rc = -1;
	FILE *p;

	if (geteuid() != 0) {
		print_message("SKIP: loop devices need root\n");
		skip();
	}
	if (system("command -v mkfs.ext4 >/dev/null 2>&1 && command -v losetup >/dev/null 2>&1") != 0) {
		print_message("SKIP: mkfs.ext4 or losetup is missing\n");
		skip();
	}
	snprintf(img, sizeof(img), "%s/img", l->dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", l->dir);
	snprintf(cmd, sizeof(cmd),
		 "truncate -s 8M %s && mkfs.ext4 -q -F %s >/dev/null 2>&1 && "
		 "mkdir %s && losetup --show -f %s", img, img, mnt, img);
	p = popen(cmd, "r");
	assert_non_null(p);
	ok = fgets(dev, sizeof(dev), p) != NULL;
	pclose(p);
	dev[strcspn(dev, "\n")] = '\0';
	if (!ok || !dev[0]) {
		unlink(img);
		rmdir(mnt);
		print_message("SKIP: no loop device (mkfs.ext4 or losetup -f failed)\n");
		skip();
	}
	/*
	 * libblkid's cache file trusts an entry up to 200 s when the device
	 * node is unchanged: a loop device reused within that time (by the
	 * plain and then the sanitizer run of this test) would be answered
	 * from the old filesystem's entry. A private cache file keeps the
	 * test about this filesystem.
	 */
	snprintf(cmd, sizeof(cmd), "%s/blkid.tab", l->dir);
	setenv("BLKID_FILE", cmd, 1);
	snprintf(cmd, sizeof(cmd), "mount %s %s", dev, mnt);
	mounted = system(cmd) == 0;
	if (mounted) {
		t = live_table();
		nlc_mounts_hostview(t, NULL, &hv);
		nlc_mounts_put(t);
		rc = hv.ident(hv.ctx, mnt, &id);
		is_mp = !rc && id.is_mountpoint;
		got = !rc && id.uuid.blkid_uuid ? strdup(id.uuid.blkid_uuid) : NULL;
		nlc_mounts_hostview_release(&hv);
		want = probe_uuid(mnt);
		snprintf(cmd, sizeof(cmd), "umount %s", mnt);
		ok = system(cmd) == 0;
	}
	/* clean up before any assertion can end the test */
	snprintf(cmd, sizeof(cmd), "losetup -d %s", dev);
	detached = system(cmd) == 0;
	unlink(img);
	rmdir(mnt);
	snprintf(cmd, sizeof(cmd), "%s/blkid.tab", l->dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/blkid.tab.old", l->dir);
	unlink(cmd);
	unsetenv("BLKID_FILE");
	assert_true(mounted);
	assert_int_equal(rc, 0);
	assert_true(is_mp);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_true(ok);
	assert_true(detached);
	free(want);
	free(got);
}

static void test_live_cache(void **state)
{
	struct live *l = *state;
	struct nlc_mount_table *t = live_table(), *t2;
	struct nlc_hostview hv, si2;
	struct nlc_fs_ident a, b;
	char gone[128], late[128];

	nlc_mounts_hostview(t, NULL, &hv);
	nlc_mounts_hostview(t, NULL, &si2);
	nlc_mounts_put(t);
	assert_int_equal(hv.ident(hv.ctx, "/", &a), 0);
	assert_int_equal(si2.ident(si2.ctx, "/", &b), 0);
	assert_true(same_ident(&a, &b));
	assert_ptr_equal(a.uuid.blkid_uuid, b.uuid.blkid_uuid);

	/* issue 9 item 5: every answer comes from a fresh stat; a removed
	 * directory is gone at once ... */
	snprintf(gone, sizeof(gone), "%s/gone", l->dir);
	assert_int_equal(mkdir(gone, 0700), 0);
	assert_int_equal(hv.ident(hv.ctx, gone, &a), 0);
	assert_int_equal(hv.is_mountpoint(hv.ctx, gone), 0);
	assert_int_equal(hv.ident(hv.ctx, gone, &b), 0);
	assert_true(same_ident(&a, &b));
	assert_int_equal(rmdir(gone), 0);
	assert_int_equal(hv.ident(hv.ctx, gone, &b), -ENOENT);
	assert_false(b.found);
	assert_int_equal(hv.is_mountpoint(hv.ctx, gone), -ENOENT);
	/* ... a directory made in its place is seen as what it is (a file
	 * keeps the old inode busy, so the new one differs) ... */
	snprintf(late, sizeof(late), "%s/keep", l->dir);
	assert_int_equal(rename(l->file, late), 0);
	assert_int_equal(hv.ident(hv.ctx, late, &a), 0);
	assert_int_equal(rename(late, l->file), 0);
	assert_int_equal(mkdir(late, 0700), 0);
	assert_int_equal(hv.ident(hv.ctx, late, &b), 0);
	assert_true(b.found);
	assert_true(b.dir_or_reg);
	assert_int_not_equal(a.inode, b.inode);
	assert_int_equal(rmdir(late), 0);
	/* ... and a lookup failure is never remembered */
	snprintf(gone, sizeof(gone), "%s/late", l->dir);
	assert_int_equal(hv.ident(hv.ctx, gone, &a), -ENOENT);
	assert_false(a.found);
	assert_int_equal(mkdir(gone, 0700), 0);
	assert_int_equal(hv.ident(hv.ctx, gone, &b), 0);
	assert_true(b.found);
	assert_int_equal(hv.is_mountpoint(hv.ctx, gone), 0);
	assert_int_equal(rmdir(gone), 0);

	/* another generation agrees */
	t2 = live_table();
	nlc_mounts_hostview_release(&si2);
	nlc_mounts_hostview(t2, NULL, &si2);
	nlc_mounts_put(t2);
	assert_int_equal(si2.ident(si2.ctx, gone, &b), -ENOENT);
	assert_false(b.found);
	nlc_mounts_hostview_release(&hv);
	nlc_mounts_hostview_release(&si2);
}

/*
 * is_mountpoint: only rpc.mountd's lstat ".." test decides; the table
 * naming a directory (as a bind mount within one filesystem does) does
 * not make it a mount point (issue 9 item 5).
 */
static void test_mountpoint_sources(void **state)
{
	struct live *l = *state;
	char text[512];
	struct nlc_mount_table *t;
	struct nlc_hostview hv;
	struct nlc_fs_ident id;
	struct collect c;

	/* a table without "/" but naming the plain temp dir */
	snprintf(text, sizeof(text),
		 "5 1 0:99 / %s rw - tmpfs fake rw\n"
		 "6 5 0:98 / %s rw - tmpfs fake2 rw\n", l->dir, l->sub);
	t = parse(text, NULL);
	nlc_mounts_hostview(t, NULL, &hv);
	nlc_mounts_put(t);
	assert_int_equal(hv.is_mountpoint(hv.ctx, "/"), 1);
	assert_int_equal(hv.ident(hv.ctx, "/", &id), 0);
	assert_true(id.is_mountpoint);
	assert_int_equal(hv.is_mountpoint(hv.ctx, l->dir), 0);
	assert_int_equal(hv.ident(hv.ctx, l->sub, &id), 0);
	assert_false(id.is_mountpoint);
	assert_int_equal(hv.is_mountpoint(hv.ctx, l->file), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(hv.submounts(hv.ctx, l->dir, collect_fn, &c), 0);
	assert_string_equal(c.buf, l->sub);
	/* nothing below "/" (nfs-utils 2.6.2's next_mnt) */
	memset(&c, 0, sizeof(c));
	assert_int_equal(hv.submounts(hv.ctx, "/", collect_fn, &c), 0);
	assert_int_equal(c.n, 0);
	nlc_mounts_hostview_release(&hv);
}

#define NTHREADS 4
#define ROUNDS 300

struct expect {
	const char *path;
	int err;
	struct nlc_fs_ident id;
	int mp;
	int fterr;
	unsigned long ft;
	int nsub;
};

struct worker {
	const struct nlc_hostview *hv;
	const struct expect *e;
	size_t ne;
	unsigned int seed;
	int failures;
};

static int count_fn(const char *mnt, void *arg)
{
	(void)mnt;
	(*(int *)arg)++;
	return 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		const struct expect *e = &w->e[rand_r(&w->seed) % w->ne];
		struct nlc_fs_ident id;
		unsigned long ft = 0;
		int nsub = 0;

		if (w->hv->ident(w->hv->ctx, e->path, &id) != e->err ||
		    !same_ident(&id, &e->id))
			w->failures++;
		if (w->hv->is_mountpoint(w->hv->ctx, e->path) != e->mp)
			w->failures++;
		if (w->hv->fs_type(w->hv->ctx, e->path, &ft) != e->fterr ||
		    ft != e->ft)
			w->failures++;
		w->hv->submounts(w->hv->ctx, e->path, count_fn, &nsub);
		if (nsub != e->nsub)
			w->failures++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct live *l = *state;
	const char *paths[] = {
		"/", "/proc", "/dev", "/dev/shm", "/tmp", "/sys", "/etc",
		"/dev/null", "/nonexistent-nlc", "/dev/null/x",
		l->dir, l->sub, l->file,
	};
	enum { NP = sizeof(paths) / sizeof(paths[0]) };
	struct expect e[NP];
	struct nlc_mount_table *ref = live_table(), *t;
	struct nlc_hostview rsi, hv;
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	size_t i;

	/* expected answers from another table, single-threaded */
	nlc_mounts_hostview(ref, NULL, &rsi);
	for (i = 0; i < NP; i++) {
		e[i].path = paths[i];
		memset(&e[i].id, 0, sizeof(e[i].id));
		e[i].err = rsi.ident(rsi.ctx, paths[i], &e[i].id);
		e[i].mp = rsi.is_mountpoint(rsi.ctx, paths[i]);
		e[i].ft = 0;
		e[i].fterr = rsi.fs_type(rsi.ctx, paths[i], &e[i].ft);
		e[i].nsub = 0;
		rsi.submounts(rsi.ctx, paths[i], count_fn, &e[i].nsub);
	}
	assert_int_equal(e[0].err, 0);
	assert_int_equal(e[8].err, -ENOENT);

	t = live_table();
	nlc_mounts_hostview(t, NULL, &hv);
	nlc_mounts_put(t);
	for (i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .hv = &hv, .e = e, .ne = NP,
					.seed = (unsigned int)i + 1 };
		assert_int_equal(pthread_create(&th[i], NULL, worker_fn,
						&w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	nlc_mounts_hostview_release(&hv);
	nlc_mounts_hostview_release(&rsi);
	nlc_mounts_put(ref);
}

/* --- the per-filesystem gate ---------------------------------------- */

static void test_mount_of(void **state)
{
	static const char text[] =
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"2 1 0:40 / /srv rw - tmpfs t rw\n"
		"3 2 0:41 / /srv/a rw - fuse f rw\n";
	struct nlc_mount_table *t = parse(text, NULL);
	char b[64];

	(void)state;
	assert_string_equal(nlc_mounts_mount_of(t, "/srv/a/x/y", b, sizeof(b)), "/srv/a");
	assert_string_equal(nlc_mounts_mount_of(t, "/srv/a", b, sizeof(b)), "/srv/a");
	assert_string_equal(nlc_mounts_mount_of(t, "/srv/a/", b, sizeof(b)), "/srv/a");
	assert_string_equal(nlc_mounts_mount_of(t, "/srv/ab", b, sizeof(b)), "/srv");
	assert_string_equal(nlc_mounts_mount_of(t, "/srv", b, sizeof(b)), "/srv");
	assert_string_equal(nlc_mounts_mount_of(t, "/other/x", b, sizeof(b)), "/");
	assert_string_equal(nlc_mounts_mount_of(t, "/", b, sizeof(b)), "/");
	assert_string_equal(nlc_mounts_mount_of(t, "relative", b, sizeof(b)), "/");
	assert_string_equal(nlc_mounts_mount_of(t, "/srv/a/very/long/path/beyond/the/buffer/size/x",
						b, 16), "/");
	/* the gate's key: the device, shared by bind mounts */
	assert_string_equal(nlc_mounts_gate_key(t, "/srv/a/x", b, sizeof(b)), "0:41");
	assert_string_equal(nlc_mounts_gate_key(t, "/srv/x", b, sizeof(b)), "0:40");
	assert_string_equal(nlc_mounts_gate_key(t, "/x", b, sizeof(b)), "8:1");
	nlc_mounts_put(t);
	t = parse("2 1 0:41 / /srv/a rw - fuse f rw\n"
		  "3 1 0:41 /sub /srv/b rw - fuse f rw\n", NULL);
	assert_string_equal(nlc_mounts_gate_key(t, "/srv/a/x", b, sizeof(b)), "0:41");
	assert_string_equal(nlc_mounts_gate_key(t, "/srv/b", b, sizeof(b)), "0:41");
	/* no mount there: the path's prefix */
	assert_string_equal(nlc_mounts_gate_key(t, "/x", b, sizeof(b)), "/");
	nlc_mounts_put(t);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void *gate_holder(void *arg)
{
	(void)arg;
	usleep(50 * 1000);
	nlc_fsgate_leave("/c");
	return NULL;
}

static void test_fsgate(void **state)
{
	struct timespec t0;
	pthread_t th;

	(void)state;
	/* a worker is inside /a (hung there, say) */
	assert_int_equal(nlc_fsgate_enter("/a", 100), 0);
	/* another worker for /a waits for it a little, then defers */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(nlc_fsgate_enter("/a", 100), -EWOULDBLOCK);
	assert_true(ms_since(&t0) >= 90);
	/* other filesystems are served meanwhile */
	assert_int_equal(nlc_fsgate_enter("/b", 100), 0);
	assert_int_equal(nlc_fsgate_enter("/a/b", 100), 0);
	nlc_fsgate_leave("/b");
	nlc_fsgate_leave("/a/b");
	/* long after the holder went in: no waiting at all */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(nlc_fsgate_enter("/a", 100), -EWOULDBLOCK);
	assert_true(ms_since(&t0) < 90);
	/* the holder is out: the next one goes in */
	nlc_fsgate_leave("/a");
	assert_int_equal(nlc_fsgate_enter("/a", 100), 0);
	nlc_fsgate_leave("/a");
	/* a holder that finishes within the wait lets the waiter in */
	assert_int_equal(nlc_fsgate_enter("/c", 5000), 0);
	assert_int_equal(pthread_create(&th, NULL, gate_holder, NULL), 0);
	assert_int_equal(nlc_fsgate_enter("/c", 5000), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	nlc_fsgate_leave("/c");
}

/* The live host view goes through the gate of the path's own mount. */
static void test_fsgate_hostview(void **state)
{
	struct nlc_mount_table *t = nlc_mounts_read("/proc/self/mountinfo");
	struct nlc_fs_ident id;
	struct nlc_hostview si;
	unsigned long ft;
	char mnt[PATH_MAX], key[PATH_MAX];

	(void)state;
	assert_non_null(t);
	nlc_mounts_hostview(t, NULL, &si);
	assert_string_equal(nlc_mounts_mount_of(t, "/proc/self", mnt, sizeof(mnt)), "/proc");
	nlc_mounts_gate_key(t, "/proc/self", key, sizeof(key));
	assert_string_not_equal(key, "/proc");
	/* a worker hangs inside /proc */
	assert_int_equal(nlc_fsgate_enter(key, 100), 0);
	assert_int_equal(si.ident(si.ctx, "/proc/self", &id), -EWOULDBLOCK);
	assert_false(id.found);
	assert_int_equal(si.is_mountpoint(si.ctx, "/proc"), -EWOULDBLOCK);
	assert_int_equal(si.fs_type(si.ctx, "/proc/self", &ft), -EWOULDBLOCK);
	assert_false(nlc_lookup_error(-EWOULDBLOCK));
	/* another filesystem is examined meanwhile */
	assert_int_equal(si.ident(si.ctx, "/", &id), 0);
	assert_true(id.found);
	nlc_fsgate_leave(key);
	assert_int_equal(si.ident(si.ctx, "/proc/self", &id), 0);
	assert_true(id.found);
	assert_int_equal(si.fs_type(si.ctx, "/proc", &ft), 0);
	assert_int_equal(ft, PROC_MAGIC);
	assert_int_equal(si.is_mountpoint(si.ctx, "/proc"), 1);
	nlc_mounts_hostview_release(&si);
	nlc_mounts_put(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_find_topmost),
		cmocka_unit_test(test_below_mtab_order),
		cmocka_unit_test(test_below),
		cmocka_unit_test(test_below_many),
		cmocka_unit_test(test_lookup_error),
		cmocka_unit_test(test_live_read),
		cmocka_unit_test_setup_teardown(test_live_ident, live_setup,
						live_teardown),
		cmocka_unit_test(test_live_uuid_sources),
		cmocka_unit_test(test_live_root_sources),
		cmocka_unit_test_setup_teardown(test_live_blkid_loop,
						live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_cache, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_mountpoint_sources,
						live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_threads, live_setup,
						live_teardown),
		cmocka_unit_test(test_mount_of),
		cmocka_unit_test(test_fsgate),
		cmocka_unit_test(test_fsgate_hostview),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
