// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The mount table and the per-generation fact caches; see mounts.h.
 *
 * A table is built once from one read of /proc/self/mountinfo and never
 * changes afterwards, except for two caches filled on demand by the
 * struct nlc_hostview callbacks:
 *  - path -> what stat() found and the is-mountpoint result, each
 *    stamped with the identity (device, inode, type) of the object it
 *    was learnt from. Every call stat()s the path afresh, as rpc.mountd
 *    does, and reuses the stored facts only for the same object; failed
 *    lookups are never stored, so a directory removed and made again,
 *    or one that appears, is seen at once (issue 9 item 5);
 *  - st_dev -> statfs() f_fsid / f_type and the libblkid UUID (one entry
 *    per superblock; a failed probe is not stored).
 * rpc.mountd redoes statfs and blkid for every export and every mount on
 * every nfsd.fh upcall (for each candidate's uuid and mount point); here
 * that is done once per superblock until the mount table changes and the
 * caller builds a new table.
 *
 * The caches sit behind one mutex, which is never held across a system
 * call: a lookup that misses computes without the lock and publishes its
 * result under it. Entries are only freed with the table, which is what
 * keeps the blkid strings handed out valid.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>

#include <blkid.h>

#include "mounts.h"
#include "nlc_util.h"
#include "nlc_hash.h"

/* One distinct mount point, in the sorted index. */
struct mpoint {
	const char *point;
	size_t len;
	size_t top;		/* index in mounts[] of the topmost mount */
};

/* Per superblock (st_dev): what statfs and libblkid say. */
struct dev_ent {
	struct dev_ent *next;
	dev_t dev;
	unsigned long f_type;
	uint32_t f_fsid[2];
	char *blkid_uuid;	/* usable blkid UUID or NULL */
};

/*
 * What one path was found to be, each fact stamped with the identity
 * (st_dev, st_ino, file type) of the object it was learnt from. Every use
 * stat()s the path afresh and reuses a fact only when the object is the
 * same one; failures are never stored.
 */
struct path_ent {
	struct path_ent *next;
	uint32_t hash;
	/* stat() facts */
	bool have_id;
	dev_t id_dev;
	ino_t id_ino;
	mode_t id_type;
	struct nlc_fs_ident id;
	const struct dev_ent *dev;
	/* the lstat() ".." test */
	bool have_mp;
	dev_t mp_dev;
	ino_t mp_ino;
	mode_t mp_type;
	int mp;			/* 0 or 1 */
	char path[];
};

struct hash {
	void **b;
	size_t nb;		/* power of two, or 0 */
	size_t n;
};

struct nlc_mount_table {
	atomic_uint ref;
	char *text;		/* the strings of mounts[] point into it */
	struct nlc_mount *mounts;
	size_t n;
	struct mpoint *pts;	/* distinct mount points, sorted */
	size_t npts;

	pthread_mutex_t lock;	/* the two caches */
	struct hash paths;
	struct hash devs;
	uint64_t gen;		/* this table's number (hv->gen) */
};

/* Numbers of the tables built, never reused (0 is "none"). */
static atomic_uint_fast64_t table_gens;

/* libblkid's cache is not thread-safe: all blkid calls go through this. */
static pthread_mutex_t blkid_lock = PTHREAD_MUTEX_INITIALIZER;

bool nlc_lookup_error(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
	case -ELOOP:
	case -ENAMETOOLONG:
		/* not EACCES: Debian 12's nfs-utils 2.6.2 treats it as
		 * "cannot tell now" (later nfs-utils count it here) */
		return true;
	default:
		return false;
	}
}

/* --- parsing ---------------------------------------------------------- */

static int oct(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Undo mountinfo's \ooo escapes in place. A backslash not followed by
 * three octal digits naming a byte 1..255 is kept as it is. */
static void unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && oct(s[1]) >= 0 && oct(s[1]) <= 3 &&
		    oct(s[2]) >= 0 && oct(s[3]) >= 0) {
			int v = oct(s[1]) * 64 + oct(s[2]) * 8 + oct(s[3]);

			if (v) {
				*w++ = (char)v;
				s += 4;
				continue;
			}
		}
		*w++ = *s++;
	}
	*w = '\0';
}

/* Next space-separated field of the NUL-terminated line at *@p. */
static char *field(char **p)
{
	char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static bool parse_uint(const char *s, char stop, const char **end,
		       unsigned int *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > UINT32_MAX)
			return false;
		s++;
	}
	if (*s != stop)
		return false;
	*end = s;
	*out = (unsigned int)v;
	return true;
}

/* Parse one NUL-terminated line in place into @m. */
static bool parse_line(char *line, struct nlc_mount *m)
{
	char *p = line, *f[6], *sep;
	const char *end;
	unsigned int maj, min;
	int i;

	for (i = 0; i < 6; i++) {
		f[i] = field(&p);
		if (!f[i])
			return false;
	}
	if (!parse_uint(f[0], '\0', &end, &m->id) ||
	    !parse_uint(f[1], '\0', &end, &m->parent) ||
	    !parse_uint(f[2], ':', &end, &maj) ||
	    !parse_uint(end + 1, '\0', &end, &min))
		return false;
	/* optional fields up to the lone "-" */
	do {
		sep = field(&p);
		if (!sep)
			return false;
	} while (strcmp(sep, "-") != 0);
	m->fstype = field(&p);
	m->source = field(&p);
	if (!m->fstype || !m->source)
		return false;
	m->major = maj;
	m->minor = min;
	m->root = f[3];
	m->point = f[4];
	unescape(m->root);
	unescape(m->point);
	unescape(m->source);
	unescape(m->fstype);
	return m->point[0] == '/';
}

/*
 * Path order: byte order, but with '/' before every other byte, so that
 * everything below "/a" ("/a/...") directly follows "/a" and precedes
 * "/a!" or "/ab".
 */
static int pbyte(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return -1;
	return s[i] == '/' ? 0 : (unsigned char)s[i];
}

static int pcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	for (i = 0;; i++) {
		int ca = pbyte(a, alen, i), cb = pbyte(b, blen, i);

		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca < 0)
			return 0;
	}
}

static int mpoint_cmp(const void *a, const void *b)
{
	const struct mpoint *x = a, *y = b;
	int c = pcmp(x->point, x->len, y->point, y->len);

	if (c)
		return c;
	return x->top < y->top ? -1 : x->top > y->top;
}

/*
 * The topmost of the mounts at one point (pts[i..j)): the one no other
 * mount of the group sits on, the last in mountinfo order if several.
 */
static size_t group_top(const struct nlc_mount_table *t,
			const struct mpoint *g, size_t n)
{
	size_t i, k, best = g[n - 1].top;
	bool found = false;

	for (i = 0; i < n; i++) {
		const struct nlc_mount *m = &t->mounts[g[i].top];
		bool covered = false;

		for (k = 0; k < n && !covered; k++)
			covered = k != i &&
				  t->mounts[g[k].top].parent == m->id &&
				  t->mounts[g[k].top].id != m->id;
		if (!covered && (!found || g[i].top > best)) {
			best = g[i].top;
			found = true;
		}
	}
	return best;
}

static int build_index(struct nlc_mount_table *t)
{
	size_t i, j, w = 0;

	if (!t->n)
		return 0;
	t->pts = calloc(t->n, sizeof(*t->pts));
	if (!t->pts)
		return -1;
	for (i = 0; i < t->n; i++) {
		t->pts[i].point = t->mounts[i].point;
		t->pts[i].len = strlen(t->mounts[i].point);
		t->pts[i].top = i;
	}
	qsort(t->pts, t->n, sizeof(*t->pts), mpoint_cmp);
	for (i = 0; i < t->n; i = j) {
		for (j = i + 1; j < t->n; j++)
			if (pcmp(t->pts[i].point, t->pts[i].len,
				 t->pts[j].point, t->pts[j].len))
				break;
		t->pts[w] = t->pts[i];
		t->pts[w].top = group_top(t, &t->pts[i], j - i);
		w++;
	}
	t->npts = w;
	return 0;
}

static struct nlc_mount_table *table_new(void)
{
	struct nlc_mount_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	atomic_init(&t->ref, 1);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

struct nlc_mount_table *nlc_mounts_parse(const char *text, size_t len,
					 unsigned int *bad)
{
	struct nlc_mount_table *t = table_new();
	size_t cap = 0;
	char *line, *next, *end;

	if (bad)
		*bad = 0;
	if (!t)
		return NULL;
	t->text = malloc(len + 1);
	if (!t->text)
		goto nomem;
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	end = t->text + len;
	for (line = t->text; line < end; line = next) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		struct nlc_mount m = { 0 };

		next = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		if (!parse_line(line, &m)) {
			if (bad)
				(*bad)++;
			continue;
		}
		if (nlc_grow((void **)&t->mounts, &cap, t->n, sizeof(m)))
			goto nomem;
		t->mounts[t->n++] = m;
	}
	if (build_index(t))
		goto nomem;
	t->gen = atomic_fetch_add(&table_gens, 1) + 1;
	return t;
nomem:
	nlc_mounts_put(t);
	errno = ENOMEM;
	return NULL;
}

struct nlc_mount_table *nlc_mounts_read(const char *path)
{
	struct nlc_mount_table *t;
	char *buf;
	size_t len;

	if (nlc_read_file(path, &buf, &len))
		return NULL;
	t = nlc_mounts_parse(buf, len, NULL);
	free(buf);
	return t;
}

struct nlc_mount_table *nlc_mounts_get(struct nlc_mount_table *t)
{
	if (t)
		atomic_fetch_add_explicit(&t->ref, 1, memory_order_relaxed);
	return t;
}

static void hash_free(struct hash *h, bool devs)
{
	size_t i;

	for (i = 0; i < h->nb; i++) {
		void *e = h->b[i];

		while (e) {
			void *nx;

			if (devs) {
				struct dev_ent *d = e;

				nx = d->next;
				free(d->blkid_uuid);
			} else {
				nx = ((struct path_ent *)e)->next;
			}
			free(e);
			e = nx;
		}
	}
	free(h->b);
}

void nlc_mounts_put(struct nlc_mount_table *t)
{
	if (!t || atomic_fetch_sub_explicit(&t->ref, 1,
					    memory_order_acq_rel) != 1)
		return;
	hash_free(&t->paths, false);
	hash_free(&t->devs, true);
	pthread_mutex_destroy(&t->lock);
	free(t->pts);
	free(t->mounts);
	free(t->text);
	free(t);
}

size_t nlc_mounts_count(const struct nlc_mount_table *t)
{
	return t ? t->n : 0;
}

const struct nlc_mount *nlc_mounts_at(const struct nlc_mount_table *t,
				      size_t i)
{
	return t && i < t->n ? &t->mounts[i] : NULL;
}

/* Length of @path without trailing slashes ("/" stays "/"). */
static size_t trim_len(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	return len;
}

/* First index in pts[] not before (@s, @len) in path order. */
static size_t lower_bound(const struct nlc_mount_table *t, const char *s,
			  size_t len)
{
	size_t lo = 0, hi = t->npts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pcmp(t->pts[mid].point, t->pts[mid].len, s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct nlc_mount *nlc_mounts_find(const struct nlc_mount_table *t,
					const char *path)
{
	size_t len, i;

	if (!t || !path || path[0] != '/')
		return NULL;
	len = trim_len(path);
	i = lower_bound(t, path, len);
	if (i < t->npts && t->pts[i].len == len &&
	    !memcmp(t->pts[i].point, path, len))
		return &t->mounts[t->pts[i].top];
	return NULL;
}

int nlc_mounts_below(const struct nlc_mount_table *t, const char *path,
		     int (*fn)(const char *mnt, void *arg), void *arg)
{
	size_t len, i;
	char *pre;
	int ret = 0;

	if (!t || !path || path[0] != '/')
		return 0;
	len = trim_len(path);
	if (len == 1)
		len = 0;	/* "/": the prefix is "/" itself */
	pre = malloc(len + 2);
	if (!pre)
		return -ENOMEM;
	memcpy(pre, path, len);
	pre[len++] = '/';
	pre[len] = '\0';
	for (i = lower_bound(t, pre, len); i < t->npts; i++) {
		const struct mpoint *p = &t->pts[i];

		if (p->len < len || memcmp(p->point, pre, len))
			break;
		if (p->len == len)
			continue;	/* "/" itself */
		ret = fn(p->point, arg);
		if (ret)
			break;
	}
	free(pre);
	return ret;
}

int nlc_mounts_below_mtab(const struct nlc_mount_table *t, const char *path,
			  int (*fn)(const char *mnt, void *arg), void *arg)
{
	size_t len, i;
	int ret;

	if (!t || !path || path[0] != '/')
		return 0;
	len = strlen(path);
	if (len <= 1)
		return 0;	/* nfs-utils 2.6.2: nothing below "/" */
	for (i = 0; i < t->n; i++) {
		const char *m = t->mounts[i].point;

		if (strncmp(m, path, len) || m[len] != '/')
			continue;
		ret = fn(m, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- the caches ------------------------------------------------------- */

static uint32_t str_hash(const char *s)
{
	return nlc_fnv32_str(s);
}

static uint32_t dev_hash(dev_t dev)
{
	uint64_t v = (uint64_t)dev * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(v >> 32);
}

/* Grow @h when it is full. The next pointer must be the first member of
 * the entries; @hashof gives an entry's hash. Failure is harmless. */
static void hash_grow(struct hash *h, uint32_t (*hashof)(const void *e))
{
	size_t nb = h->nb ? h->nb * 2 : 64, i;
	void **b;

	if (h->n < h->nb)
		return;
	b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	for (i = 0; i < h->nb; i++) {
		void *e = h->b[i];

		while (e) {
			void **nextp = e;
			void *nx = *nextp;
			size_t k = hashof(e) & (nb - 1);

			*nextp = b[k];
			b[k] = e;
			e = nx;
		}
	}
	free(h->b);
	h->b = b;
	h->nb = nb;
}

static uint32_t path_ent_hash(const void *e)
{
	return ((const struct path_ent *)e)->hash;
}

static uint32_t dev_ent_hash(const void *e)
{
	return dev_hash(((const struct dev_ent *)e)->dev);
}

/* Under t->lock. */
static struct path_ent *path_lookup(struct nlc_mount_table *t,
				    const char *path, uint32_t h)
{
	struct path_ent *e;

	if (!t->paths.nb)
		return NULL;
	for (e = t->paths.b[h & (t->paths.nb - 1)]; e; e = e->next)
		if (e->hash == h && !strcmp(e->path, path))
			return e;
	return NULL;
}

/* Under t->lock: the entry for @path, created empty if need be. */
static struct path_ent *path_get(struct nlc_mount_table *t, const char *path,
				 uint32_t h)
{
	struct path_ent *e = path_lookup(t, path, h);
	size_t len, k;

	if (e)
		return e;
	hash_grow(&t->paths, path_ent_hash);
	if (!t->paths.nb)
		return NULL;
	len = strlen(path);
	e = calloc(1, sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	memcpy(e->path, path, len + 1);
	e->hash = h;
	k = h & (t->paths.nb - 1);
	e->next = t->paths.b[k];
	t->paths.b[k] = e;
	t->paths.n++;
	return e;
}

/* Under t->lock. */
static struct dev_ent *dev_lookup(struct nlc_mount_table *t, dev_t dev)
{
	struct dev_ent *d;

	if (!t->devs.nb)
		return NULL;
	for (d = t->devs.b[dev_hash(dev) & (t->devs.nb - 1)]; d; d = d->next)
		if (d->dev == dev)
			return d;
	return NULL;
}

/*
 * Why libblkid found nothing, when its cache API (what rpc.mountd uses)
 * returned no device: probe the device directly. 0: it has no
 * recognisable filesystem (so no blkid UUID, and mountd uses f_fsid),
 * or a negative errno: it could not be examined now.
 */
static int blkid_probe_none(const char *devname)
{
	blkid_probe pr;
	int rc;

	errno = 0;
	pr = blkid_new_probe_from_filename(devname);
	if (!pr)
		return errno ? -errno : -EIO;
	rc = blkid_do_safeprobe(pr);
	blkid_free_probe(pr);
	return rc == 1 ? 0 : -EIO;
}

/*
 * libblkid's UUID of the block device @dev, as rpc.mountd reads it
 * (get_uuid_blkdev): *@uuid gets it malloc'ed, or NULL when @dev is no
 * block device, has no UUID, or is btrfs. Returns 0, or a negative
 * errno when libblkid could not tell now; then the filesystem's uuid is
 * unknown, and f_fsid must not be used in its place.
 */
static int blkid_uuid_of(dev_t dev, char **uuid)
{
	blkid_cache cache = NULL;
	blkid_tag_iterate it;
	const char *type, *val;
	blkid_dev bd;
	char *devname;
	int ret = 0;

	*uuid = NULL;
	pthread_mutex_lock(&blkid_lock);
	devname = blkid_devno_to_devname(dev);
	if (!devname)
		goto out;	/* no block device behind it */
	if (blkid_get_cache(&cache, NULL) != 0) {
		ret = -EIO;
		goto out;
	}
	bd = blkid_get_dev(cache, devname, BLKID_DEV_NORMAL);
	if (!bd) {
		ret = blkid_probe_none(devname);
		goto out;
	}
	it = blkid_tag_iterate_begin(bd);
	if (!it) {
		ret = -ENOMEM;
		goto out;
	}
	while (blkid_tag_next(it, &type, &val) == 0) {
		if (!strcmp(type, "UUID")) {
			free(*uuid);
			*uuid = strdup(val);
			if (!*uuid) {
				ret = -ENOMEM;
				break;
			}
		}
		if (!strcmp(type, "TYPE") && !nlc_blkid_type_usable(val)) {
			free(*uuid);
			*uuid = NULL;
			break;
		}
	}
	blkid_tag_iterate_end(it);
out:
	if (cache)
		blkid_put_cache(cache);
	free(devname);
	pthread_mutex_unlock(&blkid_lock);
	if (ret) {
		free(*uuid);
		*uuid = NULL;
	}
	return ret;
}

/*
 * The superblock facts of @dev, learnt through @path (which stat()ed to
 * @dev). NULL when statfs() or libblkid fails or on ENOMEM; *@err then
 * says which. Failures are not cached.
 */
static const struct dev_ent *dev_facts(struct nlc_mount_table *t,
				       const char *path, dev_t dev, int *err)
{
	struct dev_ent *d, *nd;
	struct statfs sf;
	size_t k;

	pthread_mutex_lock(&t->lock);
	d = dev_lookup(t, dev);
	pthread_mutex_unlock(&t->lock);
	if (d)
		return d;
	if (statfs(path, &sf)) {
		*err = -errno;
		return NULL;
	}
	nd = calloc(1, sizeof(*nd));
	if (!nd) {
		*err = -ENOMEM;
		return NULL;
	}
	nd->dev = dev;
	nd->f_type = (unsigned long)sf.f_type;
	memcpy(nd->f_fsid, &sf.f_fsid, sizeof(nd->f_fsid));
	if (nlc_fstype_uses_blkid(nd->f_type)) {
		int rc = blkid_uuid_of(dev, &nd->blkid_uuid);

		if (rc) {
			free(nd);
			*err = rc;
			return NULL;
		}
	}

	pthread_mutex_lock(&t->lock);
	d = dev_lookup(t, dev);
	if (!d) {
		hash_grow(&t->devs, dev_ent_hash);
		if (t->devs.nb) {
			k = dev_hash(dev) & (t->devs.nb - 1);
			nd->next = t->devs.b[k];
			t->devs.b[k] = nd;
			t->devs.n++;
			d = nd;
			nd = NULL;
		}
	}
	pthread_mutex_unlock(&t->lock);
	if (nd) {
		free(nd->blkid_uuid);
		free(nd);
	}
	if (!d)
		*err = -ENOMEM;
	return d;
}

/*
 * The stat test for a mount point, as rpc.mountd's check_is_mountpoint:
 * ".." on another device, or the same inode as ".." (the root), both by
 * lstat(). @st is lstat(@path). 1, 0 or a negative errno. Only this test
 * decides (never the mount table): a bind mount of a directory of the
 * same filesystem is no mount point here, as in mountd; something that
 * is not a directory has no ".." and is none either.
 */
static int stat_mountpoint(const char *path, const struct stat *st)
{
	struct stat pst;
	size_t len = strlen(path);
	char *dd;
	int ret;

	dd = malloc(len + 4);
	if (!dd)
		return -ENOMEM;
	memcpy(dd, path, len);
	memcpy(dd + len, "/..", 4);
	if (lstat(dd, &pst))
		ret = S_ISDIR(st->st_mode) ? -errno : 0;
	else
		ret = st->st_dev != pst.st_dev || st->st_ino == pst.st_ino;
	free(dd);
	return ret;
}

static bool same_object(dev_t dev, ino_t ino, mode_t type,
			const struct stat *st)
{
	return dev == st->st_dev && ino == st->st_ino &&
	       type == (st->st_mode & S_IFMT);
}

static int mounts_is_mountpoint(void *ctx, const char *path)
{
	struct nlc_mount_table *t = ctx;
	uint32_t h = str_hash(path);
	struct path_ent *e;
	struct stat st;
	int ret = INT_MIN;

	if (lstat(path, &st))
		return -errno;
	pthread_mutex_lock(&t->lock);
	e = path_lookup(t, path, h);
	if (e && e->have_mp &&
	    same_object(e->mp_dev, e->mp_ino, e->mp_type, &st))
		ret = e->mp;
	pthread_mutex_unlock(&t->lock);
	if (ret != INT_MIN)
		return ret;

	ret = stat_mountpoint(path, &st);
	if (ret >= 0) {
		pthread_mutex_lock(&t->lock);
		e = path_get(t, path, h);
		if (e) {
			e->mp = ret;
			e->mp_dev = st.st_dev;
			e->mp_ino = st.st_ino;
			e->mp_type = st.st_mode & S_IFMT;
			e->have_mp = true;
		}
		pthread_mutex_unlock(&t->lock);
	}
	return ret;
}

static int mounts_ident(void *ctx, const char *path, struct nlc_fs_ident *out)
{
	struct nlc_mount_table *t = ctx;
	uint32_t h = str_hash(path);
	struct nlc_fs_ident id = { 0 };
	const struct dev_ent *d = NULL;
	struct path_ent *e;
	struct stat st;
	bool hit = false;
	int err = 0, mp;

	/* always a fresh stat: the object at @path may have changed */
	if (stat(path, &st)) {
		*out = id;
		return -errno;
	}
	pthread_mutex_lock(&t->lock);
	e = path_lookup(t, path, h);
	if (e && e->have_id &&
	    same_object(e->id_dev, e->id_ino, e->id_type, &st)) {
		*out = e->id;
		hit = true;
	}
	pthread_mutex_unlock(&t->lock);
	if (hit)
		return 0;

	id.found = true;
	id.dir_or_reg = S_ISDIR(st.st_mode) || S_ISREG(st.st_mode);
	id.major = major(st.st_dev);
	id.minor = minor(st.st_dev);
	id.inode = st.st_ino;
	mp = mounts_is_mountpoint(t, path);
	id.is_mountpoint = mp == 1;
	d = dev_facts(t, path, st.st_dev, &err);
	if (d) {
		id.uuid.blkid_uuid = d->blkid_uuid;
		id.uuid.have_f_fsid = true;
		id.uuid.f_fsid[0] = d->f_fsid[0];
		id.uuid.f_fsid[1] = d->f_fsid[1];
	} else {
		/* never f_fsid in place of a uuid we cannot read */
		id.uuid.unknown = true;
	}
	*out = id;
	/*
	 * Only a complete answer is stored: a failed statfs, blkid (or
	 * ".." lstat) is retried by the next caller.
	 */
	if (!d || mp < 0)
		return 0;
	pthread_mutex_lock(&t->lock);
	e = path_get(t, path, h);
	if (e) {
		e->id = id;
		e->id_dev = st.st_dev;
		e->id_ino = st.st_ino;
		e->id_type = st.st_mode & S_IFMT;
		e->dev = d;
		e->have_id = true;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int mounts_submounts(void *ctx, const char *path,
			    int (*fn)(const char *mnt, void *arg), void *arg)
{
	return nlc_mounts_below_mtab(ctx, path, fn, arg);
}

static int mounts_fs_type(void *ctx, const char *path, unsigned long *f_type)
{
	struct nlc_mount_table *t = ctx;
	struct nlc_fs_ident id;
	const struct dev_ent *d = NULL;
	struct path_ent *e;
	int err;

	err = mounts_ident(t, path, &id);
	if (err)
		return err;
	pthread_mutex_lock(&t->lock);
	e = path_lookup(t, path, str_hash(path));
	if (e && e->have_id)
		d = e->dev;
	pthread_mutex_unlock(&t->lock);
	if (!d) {
		/* not cached (statfs failed): ask directly */
		struct statfs sf;

		if (statfs(path, &sf))
			return -errno;
		*f_type = (unsigned long)sf.f_type;
		return 0;
	}
	*f_type = d->f_type;
	return 0;
}

/* --- the per-filesystem gate ------------------------------------------ */

struct gate {
	struct gate *next;
	struct timespec since;	/* CLOCK_MONOTONIC, when the holder went in */
	char mnt[];
};

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static struct gate *gates;	/* the mounts somebody is inside */

static void gate_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&gate_cond, &a);
	pthread_condattr_destroy(&a);
}

static struct gate *gate_find(const char *mnt)
{
	struct gate *g;

	for (g = gates; g; g = g->next)
		if (!strcmp(g->mnt, mnt))
			return g;
	return NULL;
}

int nlc_fsgate_enter(const char *mnt, unsigned int wait_ms)
{
	size_t len = strlen(mnt);
	struct timespec until;
	struct gate *g, *n;

	pthread_once(&gate_once, gate_init);
	n = malloc(sizeof(*n) + len + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n->mnt, mnt, len + 1);
	pthread_mutex_lock(&gate_lock);
	while ((g = gate_find(mnt))) {
		until = g->since;
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&gate_cond, &gate_lock, &until) == ETIMEDOUT &&
		    gate_find(mnt) == g) {
			pthread_mutex_unlock(&gate_lock);
			free(n);
			return -EWOULDBLOCK;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &n->since);
	n->next = gates;
	gates = n;
	pthread_mutex_unlock(&gate_lock);
	return 0;
}

void nlc_fsgate_leave(const char *mnt)
{
	struct gate **pp, *g = NULL;

	pthread_mutex_lock(&gate_lock);
	for (pp = &gates; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->mnt, mnt)) {
			g = *pp;
			*pp = g->next;
			break;
		}
	}
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
	free(g);
}

const char *nlc_mounts_mount_of(const struct nlc_mount_table *t,
				const char *path, char *buf, size_t size)
{
	size_t len;

	if (!path || path[0] != '/' || strlen(path) >= size) {
		snprintf(buf, size, "/");
		return buf;
	}
	memcpy(buf, path, strlen(path) + 1);
	for (;;) {
		len = trim_len(buf);
		buf[len] = '\0';
		if (len <= 1 || nlc_mounts_find(t, buf))
			break;
		while (len > 1 && buf[len - 1] != '/')
			len--;
		buf[len] = '\0';
	}
	if (!buf[0] || len <= 1)
		snprintf(buf, size, "/");
	return buf;
}

const char *nlc_mounts_gate_key(const struct nlc_mount_table *t,
				const char *path, char *buf, size_t size)
{
	const struct nlc_mount *m;

	nlc_mounts_mount_of(t, path, buf, size);
	m = nlc_mounts_find(t, buf);
	if (m)
		snprintf(buf, size, "%u:%u", m->major, m->minor);
	return buf;
}

/*
 * The hostview's calls that stat a path go through the gate of its
 * filesystem (at most one worker inside; nlc_fsgate_enter): in 0, and
 * key names the gate to leave.
 */
static int gate_in(void *ctx, const char *path, char *key, size_t size)
{
	nlc_mounts_gate_key(ctx, path, key, size);
	return nlc_fsgate_enter(key, NLC_FSGATE_WAIT_MS);
}

static int gated_ident(void *ctx, const char *path, struct nlc_fs_ident *out)
{
	char key[PATH_MAX];
	int err = gate_in(ctx, path, key, sizeof(key));

	if (err) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	err = mounts_ident(ctx, path, out);
	nlc_fsgate_leave(key);
	return err;
}

static int gated_is_mountpoint(void *ctx, const char *path)
{
	char key[PATH_MAX];
	int err = gate_in(ctx, path, key, sizeof(key));

	if (!err) {
		err = mounts_is_mountpoint(ctx, path);
		nlc_fsgate_leave(key);
	}
	return err;
}

static int gated_fs_type(void *ctx, const char *path, unsigned long *f_type)
{
	char key[PATH_MAX];
	int err = gate_in(ctx, path, key, sizeof(key));

	if (!err) {
		err = mounts_fs_type(ctx, path, f_type);
		nlc_fsgate_leave(key);
	}
	return err;
}

void nlc_mounts_hostview(struct nlc_mount_table *t,
			 const struct nlc_resolver *r, struct nlc_hostview *hv)
{
	memset(hv, 0, sizeof(*hv));
	hv->ident = gated_ident;
	hv->is_mountpoint = gated_is_mountpoint;
	hv->submounts = mounts_submounts;
	hv->fs_type = gated_fs_type;
	hv->resolver = r;
	hv->ctx = nlc_mounts_get(t);
	hv->gen = t->gen;
}

void nlc_mounts_hostview_release(struct nlc_hostview *hv)
{
	if (!hv)
		return;
	nlc_mounts_put(hv->ctx);
	hv->ctx = NULL;
}
