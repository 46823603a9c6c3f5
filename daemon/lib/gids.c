// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * NSS group lookups for auth.unix.gid. See gids.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gids.h"
#include "grpdb.h"

/* getpwuid_r: no entry is (0, NULL); NSS modules also report "not found"
 * as ENOENT, ESRCH, EBADF or EPERM (getpwnam(3)). */
static int user_of(uid_t uid, char **name, gid_t *gid)
{
	struct passwd pw = { 0 }, *res = NULL;
	size_t size = 1024;
	char *buf = NULL, *nb;
	int err;

	for (;;) {
		nb = realloc(buf, size);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		errno = 0;
		err = getpwuid_r(uid, &pw, buf, size, &res);
		if (err != ERANGE)
			break;
		if (size >= (1u << 20)) {
			free(buf);
			return -ENOMEM;
		}
		size *= 2;
	}
	if (err == 0 && !res) {
		free(buf);
		return -ENOENT;
	}
	if (err) {
		free(buf);
		if (err == ENOENT || err == ESRCH || err == EBADF || err == EPERM)
			return -ENOENT;
		return -err;
	}
	*name = pw.pw_name ? strdup(pw.pw_name) : NULL;
	*gid = pw.pw_gid;
	free(buf);
	return *name ? 0 : -ENOMEM;
}

/* --- the files backend's group index ------------------------------------------ */

/* What tells a file's versions apart: a new file (rename over it), a
 * write (size, mtime, ctime). */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

static struct file_id id_of(const struct stat *st)
{
	struct file_id id = {
		.dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
		.mtime = st->st_mtim, .ctime = st->st_ctim,
	};

	return id;
}

static bool same_id(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/*
 * A version changed within the last second may be changed again without
 * its timestamps moving (coarse clocks): such a version is read again at
 * every lookup until it is older.
 */
static time_t clock_skew;	/* tests: seconds added to the clock */

static bool racy(const struct file_id *id)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec += clock_skew;
	return id->mtime.tv_sec >= now.tv_sec - 1 || id->ctime.tv_sec >= now.tv_sec - 1;
}

/* The whole of @path, and the version read; -errno, -EAGAIN when it
 * changed while being read. */
static int read_whole(const char *path, char **text, size_t *len, struct file_id *id)
{
	struct stat st, st2;
	size_t cap, n = 0;
	char *buf, *nb;
	ssize_t r;
	int fd, err = 0;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0) {
			if (fstat(fd, &st2)) {
				err = -errno;
			} else {
				struct file_id a = id_of(&st), b = id_of(&st2);

				if (!same_id(&a, &b) || n != (size_t)st.st_size)
					err = -EAGAIN;
			}
			close(fd);
			if (err) {
				free(buf);
				return err;
			}
			*text = buf;
			*len = n;
			*id = id_of(&st);
			return 0;
		}
		n += (size_t)r;
	}
	close(fd);
	free(buf);
	return err ? err : -ENOMEM;
}

/*
 * An index of one file of the files backend (/etc/group, /etc/passwd),
 * rebuilt when the file changed; @parse and @drop make and free it.
 */
struct indexed_file {
	const char *default_path;
	char *path;			/* tests; NULL: default_path */
	struct file_id id;
	void *db;
	void *(*parse)(const char *text, size_t len);
	void (*drop)(void *db);
	unsigned long rebuilds;
};

static void *group_parse(const char *text, size_t len)
{
	return nlc_grpdb_parse(text, len);
}

static void group_drop(void *db)
{
	nlc_grpdb_free(db);
}

static void *passwd_parse(const char *text, size_t len)
{
	return nlc_pwdb_parse(text, len);
}

static void passwd_drop(void *db)
{
	nlc_pwdb_free(db);
}

static struct {
	pthread_mutex_t lock;
	char *nss_path;			/* NULL: /etc/nsswitch.conf */
	struct file_id nss_id;
	bool nss_known, groups_files, passwd_files;
	struct indexed_file group, passwd;
} files = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.group = { .default_path = "/etc/group", .parse = group_parse, .drop = group_drop },
	.passwd = { .default_path = "/etc/passwd", .parse = passwd_parse, .drop = passwd_drop },
};

/* Under files.lock: nsswitch.conf's rules, re-read when it changed;
 * false when it cannot be read. */
static bool nss_now(void)
{
	const char *path = files.nss_path ? files.nss_path : "/etc/nsswitch.conf";
	struct file_id id;
	struct stat st;
	size_t len;
	char *text;

	if (stat(path, &st)) {
		files.nss_known = false;
		return false;
	}
	id = id_of(&st);
	if (files.nss_known && same_id(&id, &files.nss_id) && !racy(&id))
		return true;
	files.nss_known = false;
	if (read_whole(path, &text, &len, &id) || !text)
		return false;
	files.groups_files = nlc_nss_groups_files_only(text, len);
	files.passwd_files = nlc_nss_passwd_files_only(text, len);
	files.nss_id = id;
	files.nss_known = true;
	free(text);
	return true;
}

static void index_drop(struct indexed_file *f)
{
	f->drop(f->db);
	f->db = NULL;
}

/* Under files.lock: the index of @f, rebuilt when the file changed; NULL
 * when it cannot be read (then glibc decides). */
static const void *index_now(struct indexed_file *f)
{
	const char *path = f->path ? f->path : f->default_path;
	struct file_id id;
	struct stat st;
	size_t len;
	char *text;

	if (stat(path, &st))
		goto drop;
	id = id_of(&st);
	if (f->db && same_id(&id, &f->id) && !racy(&id))
		return f->db;
	if (read_whole(path, &text, &len, &id) || !text)
		goto drop;
	f->drop(f->db);
	f->db = f->parse(text, len);
	free(text);
	f->id = id;
	f->rebuilds++;
	return f->db;
drop:
	index_drop(f);
	return NULL;
}

/* The groups from the index, or -ENOTSUP: ask getgrouplist. */
static ssize_t files_groups(const char *name, gid_t gid, gid_t **gids)
{
	const struct nlc_grpdb *db;
	ssize_t n = -ENOTSUP;

	pthread_mutex_lock(&files.lock);
	if (nss_now() && files.groups_files) {
		db = index_now(&files.group);
		if (db)
			n = nlc_grpdb_groups(db, name, gid, gids);
	}
	pthread_mutex_unlock(&files.lock);
	return n;
}

/* The user from the passwd index, or -ENOTSUP: ask getpwuid_r. */
static int files_user(uid_t uid, char **name, gid_t *gid)
{
	const struct nlc_pwdb *db;
	int err = -ENOTSUP;

	pthread_mutex_lock(&files.lock);
	if (nss_now() && files.passwd_files) {
		db = index_now(&files.passwd);
		if (db)
			err = nlc_pwdb_user(db, uid, name, gid);
	}
	pthread_mutex_unlock(&files.lock);
	return err;
}

static void index_path(struct indexed_file *f, const char *path)
{
	free(f->path);
	f->path = path ? strdup(path) : NULL;
	index_drop(f);
	f->rebuilds = 0;
}

void nlc_gids_files_paths(const char *group, const char *passwd, const char *nsswitch)
{
	pthread_mutex_lock(&files.lock);
	free(files.nss_path);
	files.nss_path = nsswitch ? strdup(nsswitch) : NULL;
	files.nss_known = false;
	index_path(&files.group, group);
	index_path(&files.passwd, passwd);
	pthread_mutex_unlock(&files.lock);
}

void nlc_gids_files_skew(time_t seconds)
{
	pthread_mutex_lock(&files.lock);
	clock_skew = seconds;
	pthread_mutex_unlock(&files.lock);
}

unsigned long nlc_gids_files_rebuilds(void)
{
	unsigned long n;

	pthread_mutex_lock(&files.lock);
	n = files.group.rebuilds;
	pthread_mutex_unlock(&files.lock);
	return n;
}

unsigned long nlc_gids_passwd_rebuilds(void)
{
	unsigned long n;

	pthread_mutex_lock(&files.lock);
	n = files.passwd.rebuilds;
	pthread_mutex_unlock(&files.lock);
	return n;
}

ssize_t nlc_gids_lookup(uid_t uid, gid_t **gids)
{
	int n = 64, want, tries;
	gid_t *v = NULL, *nv, gid = 0;
	char *name = NULL;
	ssize_t got;
	int err;

	err = files_user(uid, &name, &gid);
	if (err == -ENOTSUP)
		err = user_of(uid, &name, &gid);
	if (err)
		return err;
	got = files_groups(name, gid, gids);
	if (got != -ENOTSUP) {
		free(name);
		return got;
	}
	for (tries = 0; tries < 8; tries++) {
		nv = realloc(v, (size_t)n * sizeof(*v));
		if (!nv) {
			err = -ENOMEM;
			break;
		}
		v = nv;
		want = n;
		if (getgrouplist(name, gid, v, &want) >= 0) {
			free(name);
			*gids = v;
			return want;
		}
		/* Too small: want holds the size needed (glibc). */
		if (want <= n)
			want = n * 2;
		if (want > 65536) {
			err = -E2BIG;
			break;
		}
		n = want;
	}
	if (!err)
		err = -EAGAIN;
	free(name);
	free(v);
	return err;
}

int nlc_gids_transient(ssize_t err)
{
	return err < 0 && err != -ENOENT && err != -E2BIG;
}
