// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Exports by fsid= number and by filesystem identity; see fhindex.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/nfsd_nlcache.h>

#include "client.h"
#include "fhindex.h"
#include "fsid.h"
#include "hostview.h"
#include "nlc_hash.h"
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

/* ---- by filesystem identity ---------------------------------------------- */

/* The key classes: the fsid types that compare the same facts share one. */
enum { K_DEV, K_U4I, K_U8, K_U16, K_U16I, K_N };

struct id_ent {
	uint64_t key;
	uint32_t type;		/* the export's client type */
	size_t rank;		/* in the scan order (s->order) */
	size_t idx;		/* in s->exp */
};

struct nlc_fhids {
	atomic_uint refs;
	const struct nlc_snapshot *snap;
	uint64_t generation;
	uint64_t hv_gen;
	struct id_ent *ent[K_N];
	size_t n[K_N];
	struct id_ent *any;	/* candidates for every request */
	size_t nany;
};

/* A build that takes longer than this is taken to hang on a filesystem
 * (its stat() is in that filesystem's gate): another worker may build. */
#define IDS_BUILD_STALE_MS 2000

static struct nlc_fhids *ids_cur;
static bool ids_building;
static uint64_t ids_build_start;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int key_class(int fsidtype)
{
	switch (fsidtype) {
	case NLC_FSID_DEV:
	case NLC_FSID_MAJOR_MINOR:
	case NLC_FSID_ENCODE_DEV:
		return K_DEV;
	case NLC_FSID_UUID4_INUM:
		return K_U4I;
	case NLC_FSID_UUID8:
		return K_U8;
	case NLC_FSID_UUID16:
		return K_U16;
	case NLC_FSID_UUID16_INUM:
		return K_U16I;
	}
	return -1;
}

/* The uuid length of class k (0: none). */
static size_t key_uuid_len(int k)
{
	static const size_t len[K_N] = { 0, 4, 8, 16, 16 };

	return len[k];
}

/* The facts nlc_fsid_match compares for class k, hashed; equal facts
 * give equal keys (a collision only adds a candidate). */
static uint64_t key_of(int k, uint32_t major, uint32_t minor, uint64_t inode,
		       const uint8_t *uuid)
{
	uint64_t h = nlc_fnv64_byte(NLC_FNV64_BASIS, (unsigned char)k);

	if (k == K_DEV) {
		h = nlc_fnv64_bytes(h, &major, sizeof(major));
		h = nlc_fnv64_bytes(h, &minor, sizeof(minor));
	} else {
		h = nlc_fnv64_bytes(h, uuid, key_uuid_len(k));
	}
	if (k == K_DEV || k == K_U4I || k == K_U16I)
		h = nlc_fnv64_bytes(h, &inode, sizeof(inode));
	return h;
}

static int id_cmp(const void *a, const void *b)
{
	const struct id_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* in scan order: client type, then rank */
static bool id_before(const struct id_ent *x, const struct id_ent *y)
{
	return x->type != y->type ? x->type < y->type : x->rank < y->rank;
}

static void ids_free(struct nlc_fhids *ix)
{
	int k;

	for (k = 0; k < K_N; k++)
		free(ix->ent[k]);
	free(ix->any);
	free(ix);
}

void nlc_fhids_put(struct nlc_fhids *ix)
{
	if (ix && atomic_fetch_sub(&ix->refs, 1) == 1)
		ids_free(ix);
}

/* The uuid export x is known by, folded to len bytes; false if none. */
static bool export_uuid(const struct nlc_snap_export *x,
			const struct nlc_fs_ident *id, size_t len, uint8_t *out)
{
	if (x->uuid) {
		nlc_uuid_fold(x->uuid, len, out);
		return true;
	}
	return nlc_uuid_from_sources(&id->uuid, 0, len, out);
}

static struct nlc_fhids *ids_build(const struct nlc_snapshot *s,
				   const struct nlc_hostview *hv)
{
	struct nlc_fhids *ix = calloc(1, sizeof(*ix));
	size_t i, cap = s->nexp ? s->nexp : 1;
	int k;

	if (!ix)
		return NULL;
	for (k = 0; k < K_N; k++)
		if (!(ix->ent[k] = calloc(cap, sizeof(*ix->ent[k]))))
			goto nomem;
	if (!(ix->any = calloc(cap, sizeof(*ix->any))))
		goto nomem;
	for (i = 0; i < s->nexp; i++) {
		size_t at = s->order ? s->order[i] : i;
		const struct nlc_snap_export *x = &s->exp[at];
		struct id_ent e = {
			.type = (uint32_t)x->client->type, .rank = i, .idx = at,
		};
		struct nlc_fs_ident id;
		uint8_t u[NLC_UUID_LEN];

		memset(&id, 0, sizeof(id));
		if ((x->opts->flags & NLCACHE_EXPORT_FLAGS_CROSSMOUNT) ||
		    hv->ident(hv->ctx, x->path, &id) < 0 || !id.found ||
		    !id.dir_or_reg || (!x->uuid && id.uuid.unknown)) {
			ix->any[ix->nany++] = e;
			continue;
		}
		for (k = 0; k < K_N; k++) {
			if (k != K_DEV &&
			    !export_uuid(x, &id, key_uuid_len(k), u))
				continue;
			e.key = key_of(k, id.major, id.minor, id.inode, u);
			ix->ent[k][ix->n[k]++] = e;
		}
	}
	for (k = 0; k < K_N; k++)
		qsort(ix->ent[k], ix->n[k], sizeof(*ix->ent[k]), id_cmp);
	qsort(ix->any, ix->nany, sizeof(*ix->any), id_cmp);
	ix->snap = s;
	ix->generation = s->generation;
	ix->hv_gen = hv->gen;
	atomic_init(&ix->refs, 1);
	return ix;
nomem:
	ids_free(ix);
	return NULL;
}

struct nlc_fhids *nlc_fhids_get(const struct nlc_snapshot *s,
				const struct nlc_hostview *hv)
{
	struct nlc_fhids *ix;
	uint64_t now = mono_ms();

	if (!hv->gen)
		return NULL;
	pthread_mutex_lock(&lock);
	ix = ids_cur;
	if (ix && ix->snap == s && ix->generation == s->generation &&
	    ix->hv_gen == hv->gen) {
		atomic_fetch_add(&ix->refs, 1);
		pthread_mutex_unlock(&lock);
		return ix;
	}
	if (ids_building && now - ids_build_start < IDS_BUILD_STALE_MS) {
		/* another worker builds it: scan meanwhile */
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	ids_building = true;
	ids_build_start = now;
	pthread_mutex_unlock(&lock);

	/* a stat() per export: never under the lock */
	ix = ids_build(s, hv);

	pthread_mutex_lock(&lock);
	ids_building = false;
	if (ix) {
		nlc_fhids_put(ids_cur);
		ids_cur = ix;
		atomic_fetch_add(&ix->refs, 1);
	}
	pthread_mutex_unlock(&lock);
	return ix;
}

void nlc_fhids_visit(const struct nlc_fhids *ix,
		     const struct nlc_fsid_parsed *req,
		     void (*fn)(size_t idx, void *arg), void *arg)
{
	int k = key_class(req->type);
	const struct id_ent *e;
	size_t lo = 0, hi, end, a = 0;
	uint64_t key;

	if (k < 0)
		return;
	key = key_of(k, req->major, req->minor, req->inode, req->uuid);
	e = ix->ent[k];
	hi = ix->n[k];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->n[k] && e[end].key == key; end++)
		;
	/* the two lists merged, in scan order */
	while (lo < end || a < ix->nany) {
		if (a == ix->nany || (lo < end && id_before(&e[lo], &ix->any[a])))
			fn(e[lo++].idx, arg);
		else
			fn(ix->any[a++].idx, arg);
	}
}
