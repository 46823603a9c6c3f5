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

/*
 * The groups of @uid (primary group included), malloc'ed into *@gids.
 * Returns the count (>= 1), -ENOENT when the user does not exist, or
 * another negative errno (-EAGAIN, -EIO, -ETIMEDOUT, -ENOMEM ...) when
 * NSS could not answer now.
 */
ssize_t nlc_gids_lookup(uid_t uid, gid_t **gids);

/* Whether an error from nlc_gids_lookup is worth retrying. */
int nlc_gids_transient(ssize_t err);

#endif /* NLC_GIDS_H */
