/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Parser for exports(5) tables (/etc/exports, /etc/exports.d/<name>.exports)
 * and for the etab that exportfs writes (/var/lib/nfs/etab), plus the
 * reverse: rendering an entry's options as etab option text.
 *
 * Both grammars are "path client[(opts)] client[(opts)] ...". A bad
 * option or a malformed client token rejects that one entry (an error
 * naming file:line is recorded) and parsing carries on with the rest of
 * the table. Paths are not canonicalised here (no realpath()).
 */
#ifndef NLC_EXPORTS_H
#define NLC_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/nfsd_nlcache.h>

#include "nlc_proto.h"
#include "nlc_util.h"

#define NLC_EXPORT_MAX_SEC	8	/* mountd's and the kernel's limit */
#define NLC_EXPORT_MAX_XPRTSEC	3
#define NLC_EXPORT_UUID_LEN	16
/* Flags that may differ between the sec= flavours (the kernel's
 * NFSEXP_SECINFO_FLAGS: ro, insecure, root_squash, all_squash). */
#define NLC_EXPORT_SECINFO_FLAGS	(NLCACHE_EXPORT_FLAGS_READONLY | \
					 NLCACHE_EXPORT_FLAGS_INSECURE_PORT | \
					 NLCACHE_EXPORT_FLAGS_ROOTSQUASH | \
					 NLCACHE_EXPORT_FLAGS_ALLSQUASH)
/* Defaults for a new /etc/exports entry: ro, root_squash, wdelay,
 * no_subtree_check. etab entries start without wdelay (and sync). */
#define NLC_EXPORT_ETAB_DEFAULT_FLAGS	(NLCACHE_EXPORT_FLAGS_READONLY | \
					 NLCACHE_EXPORT_FLAGS_ROOTSQUASH | \
					 NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK)
#define NLC_EXPORT_DEFAULT_FLAGS	(NLC_EXPORT_ETAB_DEFAULT_FLAGS | \
					 NLCACHE_EXPORT_FLAGS_GATHERED_WRITES)

enum nlc_exports_syntax {
	NLC_EXPORTS_FILE,	/* /etc/exports: "-opts" defaults allowed */
	NLC_EXPORTS_ETAB,	/* etab: no defaults line, etab base flags */
};

/*
 * Which nfs-utils' option set exports files are read with: Debian 12's
 * 2.6.2 (the default; sign_fh, xprtsec= and reexport= are unknown
 * keywords there, so the export is rejected as exportfs rejects it) or
 * upstream's.
 */
enum nlc_exports_dialect {
	NLC_DIALECT_262 = 0,
	NLC_DIALECT_UPSTREAM,
};

void nlc_exports_set_dialect(enum nlc_exports_dialect d);

enum nlc_export_fsloc {
	NLC_FSLOC_NONE = 0,
	NLC_FSLOC_REFER,	/* refer=: migrated = 1 */
	NLC_FSLOC_REPLICAS,	/* replicas=: migrated = 0 */
};

enum nlc_export_reexport {
	NLC_REEXPORT_NONE = 0,
	NLC_REEXPORT_AUTO_FSIDNUM,
	NLC_REEXPORT_PREDEFINED_FSIDNUM,
};

struct nlc_export_sec {
	const char *name;	/* as written: sys, unix, krb5, ..., null, none */
	uint32_t flavor;	/* pseudoflavour (NLC_SEC_*) */
	uint32_t flags;		/* export flags for this flavour */
};

struct nlc_export_opts {
	uint32_t flags;		/* NFSEXP_* == NLCACHE_EXPORT_FLAGS_* bits */
	uint32_t anonuid;
	uint32_t anongid;
	/* fsid=N / fsid=root: NFSEXP_FSID in flags, number in fsid
	 * (fsid=root and fsid=0 both give 0, the NFSv4 root). */
	uint32_t fsid;
	/* fsid=<32 hex digits>: independent of the numeric fsid. */
	bool has_uuid;
	uint8_t uuid[NLC_EXPORT_UUID_LEN];
	char *uuid_text;	/* as written, for rendering */
	/* NULL: no mountpoint option; "": the export path must be a
	 * mountpoint; else that path must be. */
	char *mountpoint;
	enum nlc_export_fsloc fsloc;
	char *fsloc_data;	/* raw "path@host[+host][:path@host...]" */
	unsigned int nsec;	/* 0: no sec= given (sys implied) */
	struct nlc_export_sec sec[NLC_EXPORT_MAX_SEC];
	unsigned int nxprtsec;	/* 0: not given (kernel default: all) */
	uint32_t xprtsec[NLC_EXPORT_MAX_XPRTSEC]; /* NLCACHE_XPRTSEC_MODE_* */
	enum nlc_export_reexport reexport;
	/* squash_uids= / squash_gids=: parsed, rendered, never sent to the
	 * kernel. Normalised "a-b,c" text or NULL. */
	char *squash_uids;
	char *squash_gids;
	bool had_subtree_opt;
};

struct nlc_export_entry {
	char *path;		/* unescaped, not canonicalised */
	char *client;		/* client spec as written ("*" if none) */
	struct nlc_export_opts opts;
	const char *file;	/* points into the table's file-name pool */
	unsigned int line;
};

struct nlc_exports {
	struct nlc_export_entry *ent;
	size_t nent;
	size_t entcap;
	struct nlc_diag *err;
	size_t nerr;
	size_t errcap;
	char **files;		/* file-name pool */
	size_t nfiles;
	/* Per-flavour flag mask (the kernel's export_features second
	 * value); NLC_EXPORT_SECINFO_FLAGS after init. */
	uint32_t secinfo_mask;
	/* (path, client) -> 1 + index into ent: duplicates found in O(1) */
	size_t *hash;
	size_t hashcap;		/* a power of two, or 0 */
};

/* At most this many entries are read from one file; the rest is an error. */
#define NLC_EXPORTS_MAX_PER_FILE 200000

void nlc_exports_init(struct nlc_exports *t);
void nlc_exports_free(struct nlc_exports *t);

/*
 * Parse len bytes of table text named name (used in messages) and append
 * its entries and diagnostics to t. Returns the number of hard errors
 * (rejected entries or lines) found in this text, or -1 with errno set
 * on allocation failure.
 */
int nlc_exports_parse_buf(struct nlc_exports *t, const char *name,
			  const char *buf, size_t len,
			  enum nlc_exports_syntax syntax);
/* Same for a file; -1 with errno if it cannot be read. */
int nlc_exports_parse_file(struct nlc_exports *t, const char *path,
			   enum nlc_exports_syntax syntax);
/*
 * The /etc/exports.d rule: every regular file (or symlink) named
 * *.exports not starting with '.', in versionsort order. A missing
 * directory is not an error (returns 0).
 */
int nlc_exports_parse_dir(struct nlc_exports *t, const char *dir);

/* The first entry for exactly this path and client, or NULL. */
const struct nlc_export_entry *nlc_exports_find(const struct nlc_exports *t,
						const char *path,
						const char *client);

/* Options initialised to the defaults of syntax. */
void nlc_export_opts_init(struct nlc_export_opts *o,
			  enum nlc_exports_syntax syntax);
void nlc_export_opts_free(struct nlc_export_opts *o);
int nlc_export_opts_copy(struct nlc_export_opts *dst,
			 const struct nlc_export_opts *src);
/*
 * Apply a comma-separated option list (no parentheses) on top of o, the
 * way exportfs -o or a client's "(...)" does. secinfo_mask as in struct
 * nlc_exports. On error returns -1 and writes a message naming the
 * offending option to err (errlen bytes); o is then unusable except for
 * nlc_export_opts_free().
 */
int nlc_export_opts_parse(struct nlc_export_opts *o, const char *text,
			  uint32_t secinfo_mask, char *err, size_t errlen);

/* Flags for the wire: o->flags limited to the bits the kernel knows
 * (supported: /proc/fs/nfsd/export_features first value, or ~0u). */
uint32_t nlc_export_wire_flags(const struct nlc_export_opts *o,
			       uint32_t supported);
/* fsid=0 or fsid=root: the export is the NFSv4 pseudo-root. */
bool nlc_export_is_v4root_fsid(const struct nlc_export_opts *o);
/* Flavour name -> pseudoflavour; -1 if unknown. */
int64_t nlc_export_flavor(const char *name);

#endif /* NLC_EXPORTS_H */
