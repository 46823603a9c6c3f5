/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * NFSv4 pseudo-root synthesis: the read-only V4ROOT exports of "/" and
 * of every directory above a real export, per client spec, so that a v4
 * client can walk from the root down to what it may mount.
 *
 * Pure: the only system question (can nfsd identify this directory's
 * filesystem without an fsid?) is asked through a caller's callback.
 */
#ifndef NLC_V4ROOT_H
#define NLC_V4ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/nfsd_nlcache.h>

#include "nlc_proto.h"

/* One real export (an etab line), as v4root synthesis needs it. */
struct nlc_v4root_export {
	const char *client;	/* client spec exactly as written, e.g. "*" */
	const char *path;	/* absolute, no trailing '/' except "/" */
	uint32_t flags;		/* NLCACHE_EXPORT_FLAGS_* */
	uint32_t fsid;		/* fsid=N, valid with the FSID flag */
};

#define NLC_V4ROOT_MAXSEC 4

/* every pseudo-root directory: read-only, any port, no root squash */
#define NLC_V4ROOT_FLAGS_DIR (NLCACHE_EXPORT_FLAGS_READONLY | \
			      NLCACHE_EXPORT_FLAGS_INSECURE_PORT | \
			      NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK | \
			      NLCACHE_EXPORT_FLAGS_V4ROOT)
/* the root itself also has its fsid (0) */
#define NLC_V4ROOT_FLAGS_ROOT (NLC_V4ROOT_FLAGS_DIR | NLCACHE_EXPORT_FLAGS_FSID)

/* "%32X" of a 16-byte uuid plus NUL */
#define NLC_V4ROOT_UUIDLEN 33

struct nlc_v4root_sec {
	uint32_t flavor;
	uint32_t flags;
};

/* One synthesized pseudo export. */
struct nlc_v4root_entry {
	char *client;		/* the real export's client spec */
	char *path;
	uint32_t flags;		/* NLC_V4ROOT_FLAGS_ROOT or _DIR */
	uint32_t fsid;		/* always 0 */
	uint32_t anonuid;	/* NLCACHE_ANON_DEFAULT */
	uint32_t anongid;
	/* fsid=<uuid> text when the directory's filesystem cannot be
	 * identified otherwise; "" when not needed */
	char uuid[NLC_V4ROOT_UUIDLEN];
	size_t nsec;
	struct nlc_v4root_sec sec[NLC_V4ROOT_MAXSEC];
};

struct nlc_v4root_opts {
	/* /etc/krb5.keytab exists: also offer krb5, krb5i, krb5p */
	bool krb5_keytab;
	/*
	 * True when nfsd can export @path without an fsid or uuid (mountd
	 * asks the kernel with a test export). NULL: assume it can. Not
	 * asked for "/", which always carries FSID.
	 */
	bool (*fs_identifiable)(const char *path, void *arg);
	void *arg;
};

struct nlc_v4root {
	bool needed;		/* false: some export is fsid=0, none made */
	size_t n, cap;
	struct nlc_v4root_entry *v;
};

/* False when some export already is the v4 root (FSID with fsid 0). */
bool nlc_v4root_needed(const struct nlc_v4root_export *exps, size_t n);

/*
 * When a pseudo-root is needed, an export of "/" without FSID is served
 * as fsid=0. Applies that to @flags / @fsid of one real export and
 * returns true if it changed them.
 */
bool nlc_v4root_fix_root_export(const char *path, uint32_t *flags,
				uint32_t *fsid);

/*
 * Build the pseudo exports for @exps (entries flagged V4ROOT are
 * ignored). For each real export and each proper ancestor of its path
 * ("/" first), one entry per (client spec, path) unless a real export
 * for that same client spec and path exists. Entries come out in the
 * order they are first needed. Returns 0 or -ENOMEM (then @out is empty).
 * Free with nlc_v4root_free().
 */
int nlc_v4root_build(const struct nlc_v4root_export *exps, size_t n,
		     const struct nlc_v4root_opts *opts, struct nlc_v4root *out);
void nlc_v4root_free(struct nlc_v4root *r);

/* The uuid mountd gives a pseudo directory: SHA-1 name-based (v5) uuid of
 * @path in namespace 39c6b5c1-3f24-4f4e-977c-7fe6546b8a25, as 32
 * upper-case hex digits. */
void nlc_v4root_path_uuid(const char *path, char out[NLC_V4ROOT_UUIDLEN]);

/* SHA-1 of @len bytes at @data (exposed for its test vectors). */
void nlc_sha1(const void *data, size_t len, uint8_t out[20]);

#endif /* NLC_V4ROOT_H */
