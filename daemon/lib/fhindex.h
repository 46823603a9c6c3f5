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

#endif /* NLC_FHINDEX_H */
