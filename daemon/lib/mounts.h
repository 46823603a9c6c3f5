/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The mount table, read from /proc/self/mountinfo once per change and
 * indexed by path, and the per-path / per-superblock facts derived from
 * it (stat identity, is-mountpoint, statfs f_fsid and f_type, the
 * libblkid UUID): per-superblock facts are kept for the life of that
 * table generation, per-path ones only while a fresh stat() finds the
 * same object. This is the real struct nlc_hostview (hostview.h).
 */
#ifndef NLC_MOUNTS_H
#define NLC_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostview.h"

struct nlc_mount {
	unsigned int id;	/* mount id */
	unsigned int parent;
	uint32_t major;
	uint32_t minor;
	char *root;		/* root of the mount within its filesystem */
	char *point;		/* mount point, unescaped */
	char *fstype;
	char *source;
};

struct nlc_mount_table;

/*
 * Parse mountinfo text (the format of /proc/<pid>/mountinfo). Lines that
 * do not parse are skipped and counted in *bad (may be NULL). Returns the
 * table or NULL (errno ENOMEM).
 */
struct nlc_mount_table *nlc_mounts_parse(const char *text, size_t len,
					 unsigned int *bad);
/* Read and parse @path (normally /proc/self/mountinfo). NULL, errno. */
struct nlc_mount_table *nlc_mounts_read(const char *path);
struct nlc_mount_table *nlc_mounts_get(struct nlc_mount_table *t);
void nlc_mounts_put(struct nlc_mount_table *t);

size_t nlc_mounts_count(const struct nlc_mount_table *t);
const struct nlc_mount *nlc_mounts_at(const struct nlc_mount_table *t,
				      size_t i);
/* The topmost mount whose mount point is exactly @path, or NULL. */
const struct nlc_mount *nlc_mounts_find(const struct nlc_mount_table *t,
					const char *path);
/* Mount points strictly below @path, in path order (parents first). */
int nlc_mounts_below(const struct nlc_mount_table *t, const char *path,
		     int (*fn)(const char *mnt, void *arg), void *arg);
/*
 * The walk rpc.mountd 2.6.2 makes for a crossmnt export (next_mnt over
 * /etc/mtab): every mount whose point starts with @path + "/", in mount
 * table order, a point mounted twice twice; nothing at all below "/"
 * (Debian 12's nfs-utils stops there; later ones list everything).
 */
int nlc_mounts_below_mtab(const struct nlc_mount_table *t, const char *path,
			  int (*fn)(const char *mnt, void *arg), void *arg);

/*
 * A struct nlc_hostview over table @t (held by the view until
 * nlc_mounts_hostview_release). The ident cache lives in the table, so
 * all views over one generation share it (thread-safe).
 */
void nlc_mounts_hostview(struct nlc_mount_table *t,
			 const struct nlc_resolver *r, struct nlc_hostview *hv);
void nlc_mounts_hostview_release(struct nlc_hostview *hv);

/*
 * The per-filesystem gate. A hung filesystem (an NFS server gone, a FUSE
 * daemon stuck) blocks every stat() below it, and every nfsd.fh request
 * of a crossmnt export stats each submount: unguarded, it would tie up
 * every worker. So at most one caller at a time is inside the stat(),
 * lstat() and statfs() of one filesystem (keyed by the device number of the
 * mount the path lies on, so bind mounts of it share the gate). Another
 * caller for the same mount waits until @wait_ms after the holder went in,
 * then gets -EWOULDBLOCK ("cannot tell now": its answer is deferred or the
 * candidate skipped); one that arrives later than that does not wait.
 * Other mounts are not affected. The host view of nlc_mounts_hostview goes
 * through it.
 */
#define NLC_FSGATE_WAIT_MS 200
int nlc_fsgate_enter(const char *mnt, unsigned int wait_ms);
void nlc_fsgate_leave(const char *mnt);
/* The mount point of the mount @path lies on (longest prefix in @t), in
 * @buf of @size bytes; "/" when none matches. */
const char *nlc_mounts_mount_of(const struct nlc_mount_table *t,
				const char *path, char *buf, size_t size);
/* The gate key of @path: "major:minor" of the mount it lies on, or its
 * mount point when the table has no mount there. */
const char *nlc_mounts_gate_key(const struct nlc_mount_table *t,
				const char *path, char *buf, size_t size);

#endif /* NLC_MOUNTS_H */
