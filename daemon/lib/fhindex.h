/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * An index of a snapshot's exports by fsid= number, so that an nfsd.fh
 * request of fsid type 1 (FSID_NUM) visits only the exports that can
 * match it instead of every export. The candidates come in the order
 * nlc_answer_fh scans (client type, then table order), so the winner is
 * the one the full scan would pick; a request with no candidate that
 * matches falls back to the full scan (which also learns whether a
 * filesystem is missing). Built once per snapshot generation, on first
 * use; shared by the worker threads.
 */
#ifndef NLC_FHINDEX_H
#define NLC_FHINDEX_H

#include <stddef.h>
#include <stdint.h>

struct nlc_snapshot;
struct nlc_fhindex;
struct nlc_fhids;
struct nlc_hostview;
struct nlc_fsid_parsed;

/*
 * The index of @s (a reference: release it with nlc_fhindex_put), or NULL
 * when it cannot be built (no memory): then scan everything.
 */
struct nlc_fhindex *nlc_fhindex_get(const struct nlc_snapshot *s);
void nlc_fhindex_put(struct nlc_fhindex *ix);

/*
 * The positions in s->exp of the exports with fsid=@fsidnum set, in scan
 * order: *@first and the count returned index nlc_fhindex_at().
 */
size_t nlc_fhindex_num(const struct nlc_fhindex *ix, uint32_t fsidnum,
		       size_t *first);
size_t nlc_fhindex_at(const struct nlc_fhindex *ix, size_t pos);

/*
 * The exports by filesystem identity, for the fsid types other than 1:
 * the device and inode (types 0, 2, 3) and the uuid folded to 4, 8 and
 * 16 bytes, with the inode where the type has one (4 to 7), the uuid
 * being fsid=<uuid> or else the filesystem's (blkid, or statfs f_fsid),
 * learnt once through @hv instead of once per export and request. It
 * holds for one snapshot and one mount table (hv->gen; 0 means no
 * index): a mount change or the table's age makes a new one.
 *
 * Only candidates are chosen; nlc_answer_fh still matches each through
 * @hv with a fresh stat(). An export whose identity was not known when
 * the index was built (stat or gate failure, a uuid that could not be
 * read, not a directory or file) and every crossmnt export (its
 * submounts are matched too) is a candidate for every request, so the
 * candidates are every export that can match as long as the filesystems
 * stay mounted where they were, and they come in nlc_answer_fh's scan
 * order: the winner is the one the full scan picks. With no winner among
 * them nlc_answer_fh scans everything anyway.
 *
 * Built by one worker, without the lock, while the others scan: NULL
 * then, or when there is no memory, or hv->gen is 0.
 */
struct nlc_fhids *nlc_fhids_get(const struct nlc_snapshot *s,
				const struct nlc_hostview *hv);
void nlc_fhids_put(struct nlc_fhids *ix);

/* Call @fn with the position in s->exp of each candidate for @req, in
 * scan order (none for fsid type 1: nlc_fhindex_num). */
void nlc_fhids_visit(const struct nlc_fhids *ix,
		     const struct nlc_fsid_parsed *req,
		     void (*fn)(size_t idx, void *arg), void *arg);

#endif /* NLC_FHINDEX_H */
