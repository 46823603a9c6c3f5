/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * auth.unix.gid lookups through NSS (getpwuid_r + getgrouplist), telling
 * "no such user" apart from a name service that failed for now, so that
 * a transient failure never becomes an empty group list in the kernel.
 */
#ifndef NLC_GIDS_H
#define NLC_GIDS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/*
 * The groups of @uid (primary group included), malloc'ed into *@gids.
 * Returns the count (>= 1), -ENOENT when the user does not exist, or
 * another negative errno (-EAGAIN, -EIO, -ETIMEDOUT, -ENOMEM ...) when
 * NSS could not answer now.
 */
ssize_t nlc_gids_lookup(uid_t uid, gid_t **gids);

/*
 * With nsswitch.conf's group membership from `files` only, the groups come
 * from an index of /etc/group (grpdb.h) built once and rebuilt when the
 * file changes (its inode, size, mtime or ctime; a version younger than a
 * second is read again at every lookup), instead of getgrouplist's parse
 * of the whole file per uid; with any other source, from getgrouplist.
 * Likewise the user and primary gid: with nsswitch.conf's `passwd: files`
 * from an index of /etc/passwd (grpdb.h, same change detection), with any
 * other source, or a file the index does not read exactly as glibc does,
 * from getpwuid_r.
 */

/* Tests: read these files instead of /etc/group, /etc/passwd and
 * /etc/nsswitch.conf (NULL: the real ones); forgets the indexes. */
void nlc_gids_files_paths(const char *group, const char *passwd, const char *nsswitch);
/* Tests: the clock that tells young versions, moved by @seconds (a
 * version written now looks @seconds old). */
void nlc_gids_files_skew(time_t seconds);
/* How often the group (passwd) index was (re)built since the last
 * nlc_gids_files_paths. */
unsigned long nlc_gids_files_rebuilds(void);
unsigned long nlc_gids_passwd_rebuilds(void);

/* Whether an error from nlc_gids_lookup is worth retrying. */
int nlc_gids_transient(ssize_t err);

#endif /* NLC_GIDS_H */
