/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * One generation of the exports nlcached serves: the parsed table (etab,
 * or exports(5) files when there is no etab), its distinct clients with
 * FQDNs resolved, the NFSv4 pseudo-root entries, and the use_ipaddr
 * decision. Built in one go, never modified afterwards, shared by
 * reference count, replaced as a whole when a source file changes.
 */
#ifndef NLC_SNAPSHOT_H
#define NLC_SNAPSHOT_H

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "client.h"
#include "exports.h"
#include "v4root.h"

/* Where the exports come from. */
struct nlc_snap_config {
	/* etab path (<state-directory>/etab). Used when it exists, unless
	 * exports_file is set. */
	const char *etab;
	/* --exports FILE: read this exports(5) file and nothing else. */
	const char *exports_file;
	/* Fallback when there is no etab: /etc/exports and
	 * /etc/exports.d/ (*.exports). */
	const char *exports;
	const char *exports_dir;
	enum nlc_ipaddr_mode ipaddr_mode;
	/* /etc/krb5.keytab exists: pseudo-root entries also offer krb5* */
	bool krb5_keytab;
	/* first value of /proc/fs/nfsd/export_features, or ~0u */
	uint32_t supported_flags;
	const struct nlc_resolver *resolver;
};

enum nlc_snap_source {
	NLC_SNAP_ETAB,
	NLC_SNAP_EXPORTS,	/* /etc/exports + exports.d */
	NLC_SNAP_EXPORTS_FILE,	/* --exports */
	NLC_SNAP_NONE,		/* nothing to read: no exports */
};

/* Identity of one source file (or directory) when it was read. */
struct nlc_snap_stamp {
	char *path;
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
};

/* One export as served: a real etab/exports entry or a pseudo-root one. */
struct nlc_snap_export {
	const char *path;		/* canonical */
	struct nlc_client *client;	/* in snapshot->clients */
	const struct nlc_export_opts *opts;
	bool v4root;			/* a synthesized pseudo-root entry */
	const char *uuid;		/* fsid=<uuid> text, or NULL */
	const char *file;		/* where it was written (NULL: pseudo) */
	unsigned int line;
};

struct nlc_snapshot {
	atomic_uint refs;
	uint64_t generation;
	enum nlc_snap_source source;
	struct nlc_exports table;	/* diagnostics in table.err */
	struct nlc_client_list clients;
	/* real entries in table order, then pseudo-root entries */
	struct nlc_snap_export *exp;
	size_t nexp;
	struct nlc_v4root v4root;
	/* storage for pseudo-root options */
	struct nlc_export_opts *v4opts;
	bool use_ipaddr;
	unsigned int dns_failures;	/* FQDN clients that did not resolve */
	/* of those, lookups still running when the load stopped waiting
	 * (set by the loader before the snapshot is shared) */
	unsigned int dns_unsettled;
	struct nlc_snap_stamp *stamps;
	size_t nstamps;
	/*
	 * Indexes into exp in the order rpc.mountd walks its export lists
	 * (nlc_mountd_export_order): candidates are visited in this order,
	 * so the same export wins where mountd keeps "the first".
	 */
	size_t *order;
};

/*
 * Export @i of @s (@i < s->nexp), with the snapshot's invariant: every
 * export counted in nexp has its client, path and options. The loader
 * counts an entry only once all three are set (an entry whose client does
 * not parse is skipped), pseudo-root entries get them when appended, and
 * the merge of FQDN clients only moves entries. The assert states it for
 * the reader and for static analysis, which cannot follow it through the
 * loader; loops over s->exp use this instead of checking again.
 */
static inline const struct nlc_snap_export *
nlc_snap_export_at(const struct nlc_snapshot *s, size_t i)
{
	const struct nlc_snap_export *x = &s->exp[i];

	assert(i < s->nexp && x->client && x->path && x->opts);
	return x;
}

/*
 * rpc.mountd's export list order (nfs-utils export_add): one list per
 * client type, visited in type order; an export whose path hashes to a
 * bucket no earlier export used goes to the head of its type's list,
 * otherwise right after the last export of that bucket. So later etab
 * lines come first, except that lines of one path (or one hash bucket)
 * stay together in etab order. @types[i] is export i's client type,
 * @paths[i] its path, in the order the exports were added; @order gets
 * the n indexes.
 */
void nlc_mountd_export_order(const char *const *paths, const int *types,
			     size_t n, size_t *order);
/* mountd's bucket of @path (export_hash: sum of byte * position, % 1021) */
unsigned int nlc_mountd_export_hash(const char *path);

/*
 * Read the sources of @cfg into a new snapshot (refs 1). @prev (may be
 * NULL) supplies last good addresses for FQDN clients whose lookup fails
 * now. A missing source is an empty table, not an error; bad lines are
 * in ->table.err. Returns 0 or a negative errno (ENOMEM).
 */
int nlc_snapshot_load(const struct nlc_snap_config *cfg,
		      const struct nlc_snapshot *prev, uint64_t generation,
		      struct nlc_snapshot **out);
struct nlc_snapshot *nlc_snapshot_get(struct nlc_snapshot *s);
void nlc_snapshot_put(struct nlc_snapshot *s);
/*
 * Whether the source choice or any source file changed since @s was
 * read (stat only). Cheap; called before answering.
 */
bool nlc_snapshot_stale(const struct nlc_snapshot *s,
			const struct nlc_snap_config *cfg);

#endif /* NLC_SNAPSHOT_H */
