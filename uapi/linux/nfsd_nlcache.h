/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfsd_nlcache - generic netlink upcalls for the sunrpc caches that the Linux
 * NFS server fills from user space (auth.unix.ip, auth.unix.gid, nfsd.export,
 * nfsd.fh), for kernels that predate the native "sunrpc"/"nfsd" cache
 * families of Linux 7.2. uapi/nfsd_nlcache.yaml is the same protocol in YNL
 * form; a test checks that the two agree.
 *
 * Family
 * ======
 *
 *   name     NLCACHE_FAMILY_NAME ("nfsd_nlcache"); looking it up autoloads
 *            the module
 *   version  NLCACHE_FAMILY_VERSION (1)
 *   netns    every network namespace is served on its own: commands act on
 *            the caller's netns, notifications go to the cache's netns only
 *   perms    every command needs CAP_NET_ADMIN over the user namespace that
 *            owns the netns (GENL_UNS_ADMIN_PERM); others get EPERM. On top
 *            of that, one rule for the commands that touch a cache
 *            (REGISTER, *_GET_REQS, *_SET_REQS, CACHE_FLUSH): the sender is
 *            the socket registered for the netns or a thread of the
 *            process that registered it (its workers' own sockets; for the
 *            caches it serves), or the sending task may
 *            write the cache's /proc/net/rpc/<cache>/channel (owned by the
 *            host's root, mode 0600: fsuid 0 of the initial user namespace,
 *            or CAP_DAC_OVERRIDE in a user namespace where that uid is
 *            mapped). CAP_NET_ADMIN alone is not enough (EACCES), nor is
 *            being root of an unprivileged user namespace, and whether a
 *            daemon is registered does not change the answer. Another process that may write
 *            the channel may answer, list and flush while a daemon is
 *            registered, as it may write the channel while rpc.mountd
 *            runs. STATUS_GET needs CAP_NET_ADMIN only. The sending task
 *            must be in its socket's netns (EXDEV otherwise).
 *
 * Multicast group NLCACHE_MCGRP_EXPORTD ("exportd")
 * =================================================
 *
 *   NLCACHE_CMD_CACHE_NOTIFY events: requests are pending. Joining needs
 *   CAP_NET_ADMIN over the netns's user namespace where the kernel can
 *   enforce it (GENL_MCAST_CAP_NET_ADMIN: Debian 6.1, 6.7+); on older
 *   kernels (Debian 5.10) anyone in the netns may join, and learns only
 *   which caches have work.
 *
 * Attribute sets mirror Linux 7.2's "sunrpc" and "nfsd" families
 * ==============================================================
 *
 * The ip-map, unix-gid, svc-export, expkey, fslocation(s), auth-flavor and
 * cache-flush sets have the upstream names, ids and types, so one encoder and
 * decoder serves this family and native 7.2 kernels. Extensions are only
 * appended: fslocations.migrated, unix-gid.gid-array, the *-reqs sets'
 * applied/errors (per-entry results), and cache-type values that are bits of
 * one mask (upstream numbers them per family).
 *
 * Repeated attributes: unix-gid.gids, svc-export.secinfo, svc-export.xprtsec
 * (one mode per attribute) and fslocations.location may appear many times;
 * any other attribute given twice in one entry is rejected.
 *
 * Strings are NUL-terminated (NLA_NUL_STRING). Expiry values are absolute
 * wall-clock seconds since the epoch. u64 values may be preceded by a pad
 * attribute that readers skip: type 0 in the request sets (as upstream),
 * NLCACHE_A_CACHE_STATUS_PAD in cache-status.
 *
 * Commands
 * ========
 *
 * NLCACHE_CMD_CACHE_NOTIFY (event on "exportd", never a request)
 *   [NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE]  u32, mask of enum nlcache_cache_type
 *   Sent when requests are queued, and again every few seconds while
 *   requests stay unfetched. Coalesced: after one notification for a
 *   cache, the next comes only once a *_GET_REQS dump of it has started
 *   (a dump lists everything queued before it). (Readers should treat a notification without
 *   the attribute as "all caches".) A daemon must also fetch on start-up and after
 *   ENOBUFS on its notification socket: multicast can be lost.
 *
 * NLCACHE_CMD_REGISTER (do)
 *   request:
 *     [NLCACHE_A_REGISTER_CACHES]  u32, mask of caches to serve (required;
 *                                  include UNIX_GID only with manage-gids)
 *   reply:
 *     [NLCACHE_A_REGISTER_CACHES]    u32, the caches now served
 *     [NLCACHE_A_REGISTER_MISSING]   u32, requested caches that do not exist
 *                                    (nfsd not loaded): register again later
 *   The calling socket becomes the netns's daemon: upcalls of the served
 *   caches are queued for it and announced on "exportd" instead of going to
 *   /proc/net/rpc/<cache>/channel. Registering again from the same socket
 *   adds caches (and never removes any). EBUSY if another socket is the
 *   daemon. While registered, nfsd's module cannot be removed (EBUSY), as
 *   with rpc.mountd holding a channel open. When the socket closes (exit,
 *   crash, kill -9) or sends NLCACHE_CMD_UNREGISTER, the original upcalls
 *   are restored and every still-pending request is handed back to the
 *   legacy path, where rpc.mountd (or a restarted daemon) answers it.
 *   Attaching a cache also lists for the daemon every request already
 *   pending on the legacy path (counted as "adopted"), so a restarted
 *   daemon answers what its predecessor handed back without waiting for
 *   the cache cleaner; a channel reader may still answer one first.
 *   EOPNOTSUPP on kernels with native netlink upcalls.
 *
 * NLCACHE_CMD_UNREGISTER (do)
 *   Stop serving (only the registered socket may). ENOENT if not registered.
 *
 * NLCACHE_CMD_IP_MAP_GET_REQS, _UNIX_GID_GET_REQS, _SVC_EXPORT_GET_REQS,
 * _EXPKEY_GET_REQS (dump)
 *   Each message carries repeated requests nests holding the key of one
 *   pending request and its seqno:
 *     ip-map      seqno, class, addr
 *     unix-gid    seqno, uid
 *     svc-export  seqno, client, path (path as seen from the dumping task's
 *                 root)
 *     expkey      seqno, client, fsidtype, fsid
 *   Requests are listed in seqno order. A request queued while a dump runs
 *   is in that dump or the next one. Empty when the cache is not registered.
 *   request (optional, extension):
 *     [NLCACHE_A_*_REQS_AFTER]  u64, list only requests with a larger seqno
 *   Seqnos are unique and increasing across the four caches of a network
 *   namespace (one counter per netns, for as long as the module is loaded
 *   and the netns lives; a request queued again gets a new one), so a
 *   reader that saw everything up to seqno S in one dump can ask for what
 *   came after S only.
 *
 * NLCACHE_CMD_IP_MAP_SET_REQS, _UNIX_GID_SET_REQS, _SVC_EXPORT_SET_REQS,
 * _EXPKEY_SET_REQS (do)
 *   request: repeated requests nests, each a reply for one key (seqno is
 *   ignored: replies are matched by key, and a reply for a key that is not
 *   pending is applied like a write to the /proc channel).
 *   reply:
 *     [NLCACHE_A_*_REQS_APPLIED]  u32, entries applied
 *     [NLCACHE_A_*_REQS_ERRORS]   nest, repeated, one per rejected entry:
 *       [NLCACHE_A_SET_ERROR_INDEX]    u32, position of the entry (from 0)
 *       [NLCACHE_A_SET_ERROR_ERRNO]    u32, positive errno
 *       [NLCACHE_A_SET_ERROR_MESSAGE]  string, why
 *   Entries are applied one by one in the caller's context (its mount, user
 *   and network namespaces); a rejected entry does not stop the others.
 *   Every expiry must lie in the future. The command fails as a whole
 *   (errno + extack, nothing applied) only when the message itself is
 *   unusable: no requests, more than NLCACHE_MAX_BATCH, larger than the
 *   socket's send buffer, or a worst-case reply above 2 MiB (E2BIG; about
 *   20 000 entries), or the permission rule above.
 *   Timing: the entries are validated in the request, but applied when the
 *   sending syscall returns to user space (a path lookup on a hung
 *   filesystem then blocks only the sender, killably, never genetlink).
 *   So the reply comes after the ACK: wait for both. Entries not applied
 *   because the sender was killed are listed with EINTR. Parses of one
 *   cache of one netns run one at a time, like writes to its channel.
 *   Per entry, in addition to the policies below:
 *     ip-map      class, addr, expiry; domain or negative
 *     unix-gid    uid, expiry; at most NLCACHE_MAX_GIDS gids in all, as
 *                 repeated gids (u32) and/or one gid-array (binary, u32s in
 *                 host order): a nest is at most 65535 bytes, so repeated
 *                 gids stop at 8188 per entry (also on native 7.2 kernels),
 *                 the array reaches 8192; negative means an empty group list
 *                 (the text channel has no negative unix-gid entry either);
 *                 as on the channel, any uid is taken (4294967295 too),
 *                 but every gid must map in the sender's user namespace
 *     svc-export  client, path, expiry; negative, or flags (anon-uid and
 *                 anon-gid default to NLCACHE_ANON_DEFAULT, fsid to 0); uuid is
 *                 16 bytes; at most NLCACHE_MAX_SECINFO secinfo and
 *                 NLCACHE_MAX_FSLOCATIONS locations
 *     expkey      client, fsidtype, fsid (length fixed by fsidtype), expiry;
 *                 path or negative
 *
 * NLCACHE_CMD_CACHE_FLUSH (do)
 *   [NLCACHE_A_CACHE_FLUSH_MASK]  u32, caches to flush (absent: all)
 *   Same effect as writing /proc/net/rpc/<cache>/flush: every entry made
 *   before now is stale, connections' cached client identities included,
 *   and nfsd.fh also drops nfsd's open-file cache.
 *
 * NLCACHE_CMD_STATUS_GET (do)
 *   reply:
 *     [NLCACHE_A_STATUS_VERSION]        string, module version
 *     [NLCACHE_A_STATUS_NATIVE]         flag, kernel has native upcalls
 *     [NLCACHE_A_STATUS_DAEMON_PORTID]  u32, registered socket (0: none)
 *     [NLCACHE_A_STATUS_CACHE]          nest, repeated, one per cache:
 *       [NLCACHE_A_CACHE_STATUS_TYPE]        u32, enum nlcache_cache_type
 *       [NLCACHE_A_CACHE_STATUS_NAME]        string, e.g. "auth.unix.ip"
 *       [NLCACHE_A_CACHE_STATUS_ATTACHED]    flag, served over netlink
 *       [NLCACHE_A_CACHE_STATUS_PENDING]     u32, requests pending
 *       [NLCACHE_A_CACHE_STATUS_OLDEST_MS]   u64, age of the oldest
 *       [NLCACHE_A_CACHE_STATUS_UPCALLS]     u64, requests queued
 *       [NLCACHE_A_CACHE_STATUS_NOTIFICATIONS] u64, events sent
 *       [NLCACHE_A_CACHE_STATUS_REPLIES]     u64, entries applied
 *       [NLCACHE_A_CACHE_STATUS_REJECTED]    u64, entries rejected
 *       [NLCACHE_A_CACHE_STATUS_FALLBACKS]   u64, upcalls that went to the
 *                                            legacy path meanwhile
 *       [NLCACHE_A_CACHE_STATUS_HANDED_BACK] u64, requests handed back on
 *                                            detach
 *       [NLCACHE_A_CACHE_STATUS_OVERFLOWS]   u64, upcalls refused because
 *                                            NLCACHE_MAX_PENDING were queued
 *       [NLCACHE_A_CACHE_STATUS_ADOPTED]     u64, requests found pending on
 *                                            the legacy path when the cache
 *                                            was attached (queued before a
 *                                            daemon registered, or handed
 *                                            back by the previous one)
 *       [NLCACHE_A_CACHE_STATUS_ANSWERED]    u64, requests that stopped
 *                                            pending (answered by anyone)
 *       [NLCACHE_A_CACHE_STATUS_ANSWER_MS]   u64, their total time from
 *                                            queued to answered, in ms
 *       [NLCACHE_A_CACHE_STATUS_ANSWER_MS_MAX] u64, the longest of them
 *   Counters are per netns and survive re-registration. An answer is
 *   counted when the module collects the request: at once for SET_REQS
 *   answers, within NLC_WORK_INTERVAL (2 s) for others (/proc channel
 *   writes).
 */
#ifndef _UAPI_LINUX_NFSD_NLCACHE_H
#define _UAPI_LINUX_NFSD_NLCACHE_H

#define NLCACHE_FAMILY_NAME	"nfsd_nlcache"
#define NLCACHE_FAMILY_VERSION	1

#define NLCACHE_MCGRP_EXPORTD	"exportd"

/* Limits the kernel applies (the text parsers' own limits). */
#define NLCACHE_MAX_GIDS	8192
#define NLCACHE_MAX_SECINFO	8
#define NLCACHE_MAX_FSLOCATIONS	128
#define NLCACHE_MAX_BATCH	65536
#define NLCACHE_MAX_PENDING	16384
#define NLCACHE_UUID_LEN	16
#define NLCACHE_CLASS_MAX	8	/* with the NUL */
#define NLCACHE_PATH_MAX	4096	/* with the NUL */

/* anon-uid and anon-gid of an svc-export entry that carries neither. */
#define NLCACHE_ANON_DEFAULT	65534

enum nlcache_cache_type {
	NLCACHE_CACHE_TYPE_IP_MAP = 1,
	NLCACHE_CACHE_TYPE_UNIX_GID = 2,
	NLCACHE_CACHE_TYPE_SVC_EXPORT = 4,
	NLCACHE_CACHE_TYPE_EXPKEY = 8,
};

#define NLCACHE_CACHE_TYPE_ALL	0xf

/* Same values as NFSEXP_* and upstream's enum nfsd_export_flags. */
enum nlcache_export_flags {
	NLCACHE_EXPORT_FLAGS_READONLY = 1,
	NLCACHE_EXPORT_FLAGS_INSECURE_PORT = 2,
	NLCACHE_EXPORT_FLAGS_ROOTSQUASH = 4,
	NLCACHE_EXPORT_FLAGS_ALLSQUASH = 8,
	NLCACHE_EXPORT_FLAGS_ASYNC = 16,
	NLCACHE_EXPORT_FLAGS_GATHERED_WRITES = 32,
	NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS = 64,
	NLCACHE_EXPORT_FLAGS_SECURITY_LABEL = 128,
	NLCACHE_EXPORT_FLAGS_SIGN_FH = 256,
	NLCACHE_EXPORT_FLAGS_NOHIDE = 512,
	NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK = 1024,
	NLCACHE_EXPORT_FLAGS_NOAUTHNLM = 2048,
	NLCACHE_EXPORT_FLAGS_MSNFS = 4096,
	NLCACHE_EXPORT_FLAGS_FSID = 8192,
	NLCACHE_EXPORT_FLAGS_CROSSMOUNT = 16384,
	NLCACHE_EXPORT_FLAGS_NOACL = 32768,
	NLCACHE_EXPORT_FLAGS_V4ROOT = 65536,
	NLCACHE_EXPORT_FLAGS_PNFS = 131072,
};

#define NLCACHE_EXPORT_FLAGS_ALL	0x3ffff

/* Same values as NFSEXP_XPRTSEC_* and upstream's enum nfsd_xprtsec_mode. */
enum nlcache_xprtsec_mode {
	NLCACHE_XPRTSEC_MODE_NONE = 1,
	NLCACHE_XPRTSEC_MODE_TLS = 2,
	NLCACHE_XPRTSEC_MODE_MTLS = 4,
};

enum {
	NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE = 1,

	__NLCACHE_A_CACHE_NOTIFY_MAX,
	NLCACHE_A_CACHE_NOTIFY_MAX = (__NLCACHE_A_CACHE_NOTIFY_MAX - 1)
};

enum {
	NLCACHE_A_IP_MAP_SEQNO = 1,
	NLCACHE_A_IP_MAP_CLASS,
	NLCACHE_A_IP_MAP_ADDR,
	NLCACHE_A_IP_MAP_DOMAIN,
	NLCACHE_A_IP_MAP_NEGATIVE,
	NLCACHE_A_IP_MAP_EXPIRY,

	__NLCACHE_A_IP_MAP_MAX,
	NLCACHE_A_IP_MAP_MAX = (__NLCACHE_A_IP_MAP_MAX - 1)
};

enum {
	NLCACHE_A_IP_MAP_REQS_REQUESTS = 1,
	NLCACHE_A_IP_MAP_REQS_APPLIED,
	NLCACHE_A_IP_MAP_REQS_ERRORS,
	NLCACHE_A_IP_MAP_REQS_AFTER,

	__NLCACHE_A_IP_MAP_REQS_MAX,
	NLCACHE_A_IP_MAP_REQS_MAX = (__NLCACHE_A_IP_MAP_REQS_MAX - 1)
};

enum {
	NLCACHE_A_UNIX_GID_SEQNO = 1,
	NLCACHE_A_UNIX_GID_UID,
	NLCACHE_A_UNIX_GID_GIDS,
	NLCACHE_A_UNIX_GID_NEGATIVE,
	NLCACHE_A_UNIX_GID_EXPIRY,
	NLCACHE_A_UNIX_GID_GID_ARRAY,

	__NLCACHE_A_UNIX_GID_MAX,
	NLCACHE_A_UNIX_GID_MAX = (__NLCACHE_A_UNIX_GID_MAX - 1)
};

enum {
	NLCACHE_A_UNIX_GID_REQS_REQUESTS = 1,
	NLCACHE_A_UNIX_GID_REQS_APPLIED,
	NLCACHE_A_UNIX_GID_REQS_ERRORS,
	NLCACHE_A_UNIX_GID_REQS_AFTER,

	__NLCACHE_A_UNIX_GID_REQS_MAX,
	NLCACHE_A_UNIX_GID_REQS_MAX = (__NLCACHE_A_UNIX_GID_REQS_MAX - 1)
};

enum {
	NLCACHE_A_FSLOCATION_HOST = 1,
	NLCACHE_A_FSLOCATION_PATH,

	__NLCACHE_A_FSLOCATION_MAX,
	NLCACHE_A_FSLOCATION_MAX = (__NLCACHE_A_FSLOCATION_MAX - 1)
};

enum {
	NLCACHE_A_FSLOCATIONS_LOCATION = 1,
	NLCACHE_A_FSLOCATIONS_MIGRATED,

	__NLCACHE_A_FSLOCATIONS_MAX,
	NLCACHE_A_FSLOCATIONS_MAX = (__NLCACHE_A_FSLOCATIONS_MAX - 1)
};

enum {
	NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR = 1,
	NLCACHE_A_AUTH_FLAVOR_FLAGS,

	__NLCACHE_A_AUTH_FLAVOR_MAX,
	NLCACHE_A_AUTH_FLAVOR_MAX = (__NLCACHE_A_AUTH_FLAVOR_MAX - 1)
};

enum {
	NLCACHE_A_SVC_EXPORT_SEQNO = 1,
	NLCACHE_A_SVC_EXPORT_CLIENT,
	NLCACHE_A_SVC_EXPORT_PATH,
	NLCACHE_A_SVC_EXPORT_NEGATIVE,
	NLCACHE_A_SVC_EXPORT_EXPIRY,
	NLCACHE_A_SVC_EXPORT_ANON_UID,
	NLCACHE_A_SVC_EXPORT_ANON_GID,
	NLCACHE_A_SVC_EXPORT_FSLOCATIONS,
	NLCACHE_A_SVC_EXPORT_UUID,
	NLCACHE_A_SVC_EXPORT_SECINFO,
	NLCACHE_A_SVC_EXPORT_XPRTSEC,
	NLCACHE_A_SVC_EXPORT_FLAGS,
	NLCACHE_A_SVC_EXPORT_FSID,

	__NLCACHE_A_SVC_EXPORT_MAX,
	NLCACHE_A_SVC_EXPORT_MAX = (__NLCACHE_A_SVC_EXPORT_MAX - 1)
};

enum {
	NLCACHE_A_SVC_EXPORT_REQS_REQUESTS = 1,
	NLCACHE_A_SVC_EXPORT_REQS_APPLIED,
	NLCACHE_A_SVC_EXPORT_REQS_ERRORS,
	NLCACHE_A_SVC_EXPORT_REQS_AFTER,

	__NLCACHE_A_SVC_EXPORT_REQS_MAX,
	NLCACHE_A_SVC_EXPORT_REQS_MAX = (__NLCACHE_A_SVC_EXPORT_REQS_MAX - 1)
};

enum {
	NLCACHE_A_EXPKEY_SEQNO = 1,
	NLCACHE_A_EXPKEY_CLIENT,
	NLCACHE_A_EXPKEY_FSIDTYPE,
	NLCACHE_A_EXPKEY_FSID,
	NLCACHE_A_EXPKEY_NEGATIVE,
	NLCACHE_A_EXPKEY_EXPIRY,
	NLCACHE_A_EXPKEY_PATH,

	__NLCACHE_A_EXPKEY_MAX,
	NLCACHE_A_EXPKEY_MAX = (__NLCACHE_A_EXPKEY_MAX - 1)
};

enum {
	NLCACHE_A_EXPKEY_REQS_REQUESTS = 1,
	NLCACHE_A_EXPKEY_REQS_APPLIED,
	NLCACHE_A_EXPKEY_REQS_ERRORS,
	NLCACHE_A_EXPKEY_REQS_AFTER,

	__NLCACHE_A_EXPKEY_REQS_MAX,
	NLCACHE_A_EXPKEY_REQS_MAX = (__NLCACHE_A_EXPKEY_REQS_MAX - 1)
};

enum {
	NLCACHE_A_SET_ERROR_INDEX = 1,
	NLCACHE_A_SET_ERROR_ERRNO,
	NLCACHE_A_SET_ERROR_MESSAGE,

	__NLCACHE_A_SET_ERROR_MAX,
	NLCACHE_A_SET_ERROR_MAX = (__NLCACHE_A_SET_ERROR_MAX - 1)
};

enum {
	NLCACHE_A_CACHE_FLUSH_MASK = 1,

	__NLCACHE_A_CACHE_FLUSH_MAX,
	NLCACHE_A_CACHE_FLUSH_MAX = (__NLCACHE_A_CACHE_FLUSH_MAX - 1)
};

enum {
	NLCACHE_A_REGISTER_CACHES = 1,
	NLCACHE_A_REGISTER_MISSING,

	__NLCACHE_A_REGISTER_MAX,
	NLCACHE_A_REGISTER_MAX = (__NLCACHE_A_REGISTER_MAX - 1)
};

enum {
	NLCACHE_A_CACHE_STATUS_TYPE = 1,
	NLCACHE_A_CACHE_STATUS_NAME,
	NLCACHE_A_CACHE_STATUS_ATTACHED,
	NLCACHE_A_CACHE_STATUS_PENDING,
	NLCACHE_A_CACHE_STATUS_OLDEST_MS,
	NLCACHE_A_CACHE_STATUS_UPCALLS,
	NLCACHE_A_CACHE_STATUS_NOTIFICATIONS,
	NLCACHE_A_CACHE_STATUS_REPLIES,
	NLCACHE_A_CACHE_STATUS_REJECTED,
	NLCACHE_A_CACHE_STATUS_FALLBACKS,
	NLCACHE_A_CACHE_STATUS_HANDED_BACK,
	NLCACHE_A_CACHE_STATUS_OVERFLOWS,
	NLCACHE_A_CACHE_STATUS_PAD,
	NLCACHE_A_CACHE_STATUS_ADOPTED,
	NLCACHE_A_CACHE_STATUS_ANSWERED,
	NLCACHE_A_CACHE_STATUS_ANSWER_MS,
	NLCACHE_A_CACHE_STATUS_ANSWER_MS_MAX,

	__NLCACHE_A_CACHE_STATUS_MAX,
	NLCACHE_A_CACHE_STATUS_MAX = (__NLCACHE_A_CACHE_STATUS_MAX - 1)
};

enum {
	NLCACHE_A_STATUS_VERSION = 1,
	NLCACHE_A_STATUS_NATIVE,
	NLCACHE_A_STATUS_DAEMON_PORTID,
	NLCACHE_A_STATUS_CACHE,

	__NLCACHE_A_STATUS_MAX,
	NLCACHE_A_STATUS_MAX = (__NLCACHE_A_STATUS_MAX - 1)
};

enum {
	NLCACHE_CMD_UNSPEC,
	NLCACHE_CMD_CACHE_NOTIFY,
	NLCACHE_CMD_REGISTER,
	NLCACHE_CMD_UNREGISTER,
	NLCACHE_CMD_IP_MAP_GET_REQS,
	NLCACHE_CMD_IP_MAP_SET_REQS,
	NLCACHE_CMD_UNIX_GID_GET_REQS,
	NLCACHE_CMD_UNIX_GID_SET_REQS,
	NLCACHE_CMD_SVC_EXPORT_GET_REQS,
	NLCACHE_CMD_SVC_EXPORT_SET_REQS,
	NLCACHE_CMD_EXPKEY_GET_REQS,
	NLCACHE_CMD_EXPKEY_SET_REQS,
	NLCACHE_CMD_CACHE_FLUSH,
	NLCACHE_CMD_STATUS_GET,

	__NLCACHE_CMD_MAX,
	NLCACHE_CMD_MAX = (__NLCACHE_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_NFSD_NLCACHE_H */
