/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfsd_nlcache - generic netlink upcalls for the sunrpc caches that the Linux
 * NFS server fills from user space (auth.unix.ip, auth.unix.gid, nfsd.export,
 * nfsd.fh), for kernels that predate the native "sunrpc"/"nfsd" cache
 * families of Linux 7.2.
 *
 * Family
 * ------
 *
 *   name     NLCACHE_FAMILY_NAME ("nfsd_nlcache")
 *   version  NLCACHE_FAMILY_VERSION (1)
 *   netns    every network namespace has its own view (netnsok)
 *
 * Multicast groups
 * ----------------
 *
 *   NLCACHE_MCGRP_EXPORTD ("exportd"): notifications that a cache has
 *   requests pending. Joining needs CAP_NET_ADMIN over the user namespace
 *   that owns the network namespace, where the kernel can enforce it.
 *
 * Commands
 * --------
 *
 *   Protocol version 1 is being built up: the commands, their attribute
 *   trees, types and limits are documented here as they are added. A
 *   command number, once published, keeps its meaning.
 */
#ifndef _UAPI_LINUX_NFSD_NLCACHE_H
#define _UAPI_LINUX_NFSD_NLCACHE_H

#define NLCACHE_FAMILY_NAME	"nfsd_nlcache"
#define NLCACHE_FAMILY_VERSION	1

#define NLCACHE_MCGRP_EXPORTD	"exportd"

enum nlcache_cmd {
	NLCACHE_CMD_UNSPEC,

	__NLCACHE_CMD_MAX,
	NLCACHE_CMD_MAX = (__NLCACHE_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_NFSD_NLCACHE_H */
