// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * NSS group lookups for auth.unix.gid. See gids.h.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gids.h"

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

ssize_t nlc_gids_lookup(uid_t uid, gid_t **gids)
{
	int n = 64, want, tries;
	gid_t *v = NULL, *nv, gid = 0;
	char *name = NULL;
	int err;

	err = user_of(uid, &name, &gid);
	if (err)
		return err;
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
