// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Exports by fsid= number; see fhindex.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <linux/nfsd_nlcache.h>

#include "client.h"
#include "fhindex.h"
#include "snapshot.h"

struct fh_ent {
	uint32_t fsid;
	uint32_t type;		/* the export's client type */
	size_t rank;		/* in the scan order (s->order) */
	size_t idx;		/* in s->exp */
};

struct nlc_fhindex {
	atomic_uint refs;
	const struct nlc_snapshot *snap;
	uint64_t generation;
	struct fh_ent *ent;
	size_t n;
};

/* The index of the newest snapshot asked about (one reference). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct nlc_fhindex *current;

static int ent_cmp(const void *a, const void *b)
{
	const struct fh_ent *x = a, *y = b;

	if (x->fsid != y->fsid)
		return x->fsid < y->fsid ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static struct nlc_fhindex *build(const struct nlc_snapshot *s)
{
	struct nlc_fhindex *ix = calloc(1, sizeof(*ix));
	size_t i;

	if (!ix)
		return NULL;
	ix->ent = calloc(s->nexp ? s->nexp : 1, sizeof(*ix->ent));
	if (!ix->ent) {
		free(ix);
		return NULL;
	}
	for (i = 0; i < s->nexp; i++) {
		size_t at = s->order ? s->order[i] : i;
		const struct nlc_snap_export *x = &s->exp[at];

		if (!(x->opts->flags & NLCACHE_EXPORT_FLAGS_FSID))
			continue;
		ix->ent[ix->n].fsid = x->opts->fsid;
		ix->ent[ix->n].type = (uint32_t)x->client->type;
		ix->ent[ix->n].rank = i;
		ix->ent[ix->n].idx = at;
		ix->n++;
	}
	qsort(ix->ent, ix->n, sizeof(*ix->ent), ent_cmp);
	ix->snap = s;
	ix->generation = s->generation;
	atomic_init(&ix->refs, 1);
	return ix;
}

void nlc_fhindex_put(struct nlc_fhindex *ix)
{
	if (ix && atomic_fetch_sub(&ix->refs, 1) == 1) {
		free(ix->ent);
		free(ix);
	}
}

struct nlc_fhindex *nlc_fhindex_get(const struct nlc_snapshot *s)
{
	struct nlc_fhindex *ix;

	pthread_mutex_lock(&lock);
	/* Generations only grow; the pointer check guards a reused number. */
	if (!current || current->snap != s || current->generation != s->generation) {
		ix = build(s);
		if (!ix) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		nlc_fhindex_put(current);
		current = ix;
	}
	ix = current;
	atomic_fetch_add(&ix->refs, 1);
	pthread_mutex_unlock(&lock);
	return ix;
}

size_t nlc_fhindex_num(const struct nlc_fhindex *ix, uint32_t fsidnum,
		       size_t *first)
{
	size_t lo = 0, hi = ix->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->ent[mid].fsid < fsidnum)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->n && ix->ent[end].fsid == fsidnum; end++)
		;
	*first = lo;
	return end - lo;
}

size_t nlc_fhindex_at(const struct nlc_fhindex *ix, size_t pos)
{
	return ix->ent[pos].idx;
}
