/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The only place that knows kernels differ. Kbuild force-includes this file
 * into every object after probing the target kernel's headers; each probe
 * that matched passes -DNLC_HAVE_<FEATURE>. Nothing here or anywhere else
 * compares LINUX_VERSION_CODE: distribution kernels backport APIs (Debian's
 * 6.1 has the 6.7 multicast capability flags) and clamp sublevels above 255.
 */
#ifndef _NLC_COMPAT_H
#define _NLC_COMPAT_H

#include <linux/fs.h>
#include <linux/mount.h>
#include <net/genetlink.h>

/*
 * 6.1: genl_family.resv_start_op turns on strict validation of the genl
 * header's reserved field and of nlmsg flags for ops at or above it.
 */
#ifdef NLC_HAVE_GENL_RESV_START_OP
#define NLC_GENL_RESV_START_OP(op)	.resv_start_op = (op),
#else
#define NLC_GENL_RESV_START_OP(op)
#endif

/*
 * 6.7, backported to Debian 6.1: a multicast group can demand CAP_NET_ADMIN
 * (in the netns's user namespace) from the socket that joins it.
 */
#ifdef NLC_HAVE_GENL_MCAST_CAP_NET_ADMIN
#define NLC_MCGRP_FLAGS_NET_ADMIN	.flags = GENL_MCAST_CAP_NET_ADMIN,
#else
#define NLC_MCGRP_FLAGS_NET_ADMIN
#endif

/*
 * 7.2: the sunrpc caches have a cache_notify hook and the kernel serves the
 * upstream "sunrpc"/"nfsd" families itself; there is nothing to shim.
 */
#ifdef NLC_HAVE_NATIVE_CACHE_NOTIFY
#define NLC_NATIVE_UPCALLS	1
#else
#define NLC_NATIVE_UPCALLS	0
#endif

/*
 * 7.2 renamed the helpers behind the caches' own upcalls (the shim's
 * fallback when it finds no attachment).
 */
#ifdef NLC_HAVE_NATIVE_CACHE_NOTIFY
#define nlc_legacy_pipe_upcall		sunrpc_cache_upcall
#define nlc_legacy_pipe_upcall_timeout	sunrpc_cache_upcall_warn
#else
#define nlc_legacy_pipe_upcall		sunrpc_cache_pipe_upcall
#define nlc_legacy_pipe_upcall_timeout	sunrpc_cache_pipe_upcall_timeout
#endif

/* 5.17: PDE_DATA() became the inline pde_data(). */
#ifdef NLC_HAVE_PDE_DATA_INLINE
#define nlc_pde_data(inode)	pde_data(inode)
#else
#define nlc_pde_data(inode)	PDE_DATA(inode)
#endif

/* 5.15: file_open_root() takes a struct path; file_open_root_mnt(). */
static inline struct file *nlc_file_open_root(struct vfsmount *mnt,
					      const char *name, int flags)
{
#ifdef NLC_HAVE_FILE_OPEN_ROOT_MNT
	return file_open_root_mnt(mnt, name, flags, 0);
#else
	return file_open_root(mnt->mnt_root, mnt, name, flags, 0);
#endif
}

/* 6.4: nfsd.export takes "xprtsec" (RPC-with-TLS policy). */
#ifdef NLC_HAVE_NFSEXP_XPRTSEC
#define NLC_KERNEL_XPRTSEC	1
#else
#define NLC_KERNEL_XPRTSEC	0
#endif

#endif /* _NLC_COMPAT_H */
