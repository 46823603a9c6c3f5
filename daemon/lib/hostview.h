/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The host view: what the answers need to know about the live system,
 * behind one interface so the answers themselves stay testable. The
 * filesystem side: a path's identity (stat, statfs, libblkid), whether it
 * is a mount point, and which mount points lie below a path; the
 * name-service side: the resolver for $addr domains and client checks.
 *
 * nlc_mounts (mounts.h) is the real implementation: a mount table indexed
 * once per change of /proc/self/mountinfo, with per-superblock uuid data.
 */
#ifndef NLC_HOSTVIEW_H
#define NLC_HOSTVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "fsid.h"

/* statfs f_type of NFS (a re-export). */
#define NLC_NFS_SUPER_MAGIC 0x6969ul

struct nlc_hostview {
	/*
	 * stat() @path and gather what fsid matching needs (struct
	 * nlc_fs_ident, including is_mountpoint and the uuid sources; the
	 * blkid string stays valid as long as @ctx is held). Returns 0, or
	 * the negative errno of stat() (then out->found is false).
	 */
	int (*ident)(void *ctx, const char *path, struct nlc_fs_ident *out);
	/*
	 * Whether @path is a mount point (".." on another device, or the
	 * same inode as ".."). 1, 0, or a negative errno from stat().
	 */
	int (*is_mountpoint)(void *ctx, const char *path);
	/*
	 * Call @fn for every mount point strictly below @path in mount
	 * table order, as rpc.mountd 2.6.2 walks /etc/mtab ("/": none).
	 * A nonzero return from @fn stops the walk and is returned.
	 */
	int (*submounts)(void *ctx, const char *path,
			 int (*fn)(const char *mnt, void *arg), void *arg);
	/* statfs() f_type of @path: 0 or a negative errno. */
	int (*fs_type)(void *ctx, const char *path, unsigned long *f_type);
	/* Name services for $addr domains and client checks. */
	const struct nlc_resolver *resolver;
	void *ctx;
	/*
	 * Which facts these are: views with the same nonzero @gen see the
	 * same mount table, so what was learnt from one (an index of the
	 * exports by filesystem identity, fhindex.h) holds for the other
	 * until the table changes. 0: nothing may be kept across calls.
	 */
	uint64_t gen;
};

/* stat() errors that mean "no such path" (path_lookup_error of Debian
 * 12's nfs-utils 2.6.2): ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG. Others
 * (ETIMEDOUT on a hung NFS mount, EIO, and EACCES as in 2.6.2) mean
 * "cannot tell now". @err is negative. */
bool nlc_lookup_error(int err);

#endif /* NLC_HOSTVIEW_H */
