// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * One generation of the exports table: read the source (etab, or the
 * exports(5) files), canonicalise, collect and resolve the clients, add
 * the NFSv4 pseudo-root entries, and remember what was read so that a
 * later change can be noticed with stat() alone.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/nfsd_nlcache.h>

#include "fsid.h"
#include "snapshot.h"
#include "nlc_hash.h"

/* ---- stamps -------------------------------------------------------------- */

static void stamp_fill(struct nlc_snap_stamp *st, const struct stat *sb)
{
	st->exists = true;
	st->dev = sb->st_dev;
	st->ino = sb->st_ino;
	st->size = sb->st_size;
	st->mtime = sb->st_mtim;
	st->ctime = sb->st_ctim;
}

static bool stamp_have(const struct nlc_snapshot *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nstamps; i++)
		if (strcmp(s->stamps[i].path, path) == 0)
			return true;
	return false;
}

/* Record the identity of @path now (missing is recorded too). */
static int stamp_add(struct nlc_snapshot *s, size_t *cap, const char *path)
{
	struct nlc_snap_stamp *st;
	struct stat sb;

	if (!path || stamp_have(s, path))
		return 0;
	if (nlc_grow((void **)&s->stamps, cap, s->nstamps, sizeof(*st)))
		return -ENOMEM;
	st = &s->stamps[s->nstamps];
	memset(st, 0, sizeof(*st));
	st->path = strdup(path);
	if (!st->path)
		return -ENOMEM;
	if (stat(path, &sb) == 0)
		stamp_fill(st, &sb);
	s->nstamps++;
	return 0;
}

static bool stamp_changed(const struct nlc_snap_stamp *st)
{
	struct stat sb;

	if (stat(st->path, &sb) != 0)
		return st->exists;
	if (!st->exists)
		return true;
	return sb.st_dev != st->dev || sb.st_ino != st->ino ||
	       sb.st_size != st->size ||
	       sb.st_mtim.tv_sec != st->mtime.tv_sec ||
	       sb.st_mtim.tv_nsec != st->mtime.tv_nsec ||
	       sb.st_ctim.tv_sec != st->ctime.tv_sec ||
	       sb.st_ctim.tv_nsec != st->ctime.tv_nsec;
}

static enum nlc_snap_source choose_source(const struct nlc_snap_config *cfg)
{
	struct stat sb;

	if (cfg->exports_file)
		return NLC_SNAP_EXPORTS_FILE;
	if (cfg->etab && stat(cfg->etab, &sb) == 0)
		return NLC_SNAP_ETAB;
	if (cfg->exports || cfg->exports_dir)
		return NLC_SNAP_EXPORTS;
	return NLC_SNAP_NONE;
}

/* ---- reading ------------------------------------------------------------- */

static int snap_diag(struct nlc_exports *t, const char *file,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int snap_diag(struct nlc_exports *t, const char *file,
		     const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nlc_diag_add(&t->err, &t->nerr, &t->errcap, file, 0, false,
			   fmt, ap);
	va_end(ap);
	return ret ? -ENOMEM : 0;
}

static int snap_warn(struct nlc_exports *t, const char *file,
		     unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int snap_warn(struct nlc_exports *t, const char *file,
		     unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nlc_diag_add(&t->err, &t->nerr, &t->errcap, file, line, true,
			   fmt, ap);
	va_end(ap);
	return ret ? -ENOMEM : 0;
}

/* Parse one file; a missing file is an empty table. */
static int read_file(struct nlc_exports *t, const char *path,
		     enum nlc_exports_syntax syntax)
{
	if (nlc_exports_parse_file(t, path, syntax) >= 0)
		return 0;
	if (errno == ENOMEM)
		return -ENOMEM;
	if (errno == ENOENT)
		return 0;
	return snap_diag(t, path, "%s: cannot read: %s", path,
			 strerror(errno));
}

static int read_dir(struct nlc_exports *t, const char *dir)
{
	if (nlc_exports_parse_dir(t, dir) >= 0)
		return 0;
	if (errno == ENOMEM)
		return -ENOMEM;
	return snap_diag(t, dir, "%s: cannot read: %s", dir, strerror(errno));
}

static int read_source(struct nlc_snapshot *s,
		       const struct nlc_snap_config *cfg, size_t *cap)
{
	int err = 0;

	/*
	 * Stamp before reading: a change racing with the read is then seen
	 * as a change at the next check instead of being lost.
	 */
	switch (s->source) {
	case NLC_SNAP_EXPORTS_FILE:
		err = stamp_add(s, cap, cfg->exports_file);
		if (!err)
			err = read_file(&s->table, cfg->exports_file,
					NLC_EXPORTS_FILE);
		break;
	case NLC_SNAP_ETAB:
		err = stamp_add(s, cap, cfg->etab);
		if (!err)
			err = read_file(&s->table, cfg->etab, NLC_EXPORTS_ETAB);
		break;
	case NLC_SNAP_EXPORTS:
		err = stamp_add(s, cap, cfg->etab);
		if (!err)
			err = stamp_add(s, cap, cfg->exports);
		if (!err)
			err = stamp_add(s, cap, cfg->exports_dir);
		if (!err && cfg->exports)
			err = read_file(&s->table, cfg->exports,
					NLC_EXPORTS_FILE);
		if (!err && cfg->exports_dir)
			err = read_dir(&s->table, cfg->exports_dir);
		break;
	case NLC_SNAP_NONE:
		/* so that the etab appearing is noticed */
		err = stamp_add(s, cap, cfg->etab);
		break;
	}
	/* and every file the parser read (the exports.d members) */
	for (size_t i = 0; !err && i < s->table.nfiles; i++)
		err = stamp_add(s, cap, s->table.files[i]);
	return err;
}

/* The paths as the kernel will name them (unresolvable ones as written). */
static int canonicalise(struct nlc_exports *t)
{
	for (size_t i = 0; i < t->nent; i++) {
		char *r = realpath(t->ent[i].path, NULL);

		if (!r) {
			if (errno == ENOMEM)
				return -ENOMEM;
			continue;
		}
		free(t->ent[i].path);
		t->ent[i].path = r;
	}
	/* the parser's (path, client) index is keyed by the old paths */
	free(t->hash);
	t->hash = NULL;
	t->hashcap = 0;
	return 0;
}

/* ---- pseudo root --------------------------------------------------------- */

/* The canonical name of a pseudoflavour number. */
static const char *flavor_name(uint32_t flavor)
{
	for (size_t i = 0; i < nlc_nflavor_names; i++)
		if (nlc_flavor_names[i].flavor == flavor)
			return nlc_flavor_names[i].name;
	return "?";
}

static int v4root_opts(const struct nlc_v4root_entry *e,
		       struct nlc_export_opts *o)
{
	size_t j;

	nlc_export_opts_init(o, NLC_EXPORTS_ETAB);
	o->flags = e->flags;
	o->anonuid = e->anonuid;
	o->anongid = e->anongid;
	o->fsid = 0;
	for (j = 0; j < e->nsec && j < NLC_EXPORT_MAX_SEC; j++) {
		o->sec[j].name = flavor_name(e->sec[j].flavor);
		o->sec[j].flavor = e->sec[j].flavor;
		o->sec[j].flags = e->sec[j].flags;
	}
	o->nsec = (unsigned int)j;
	if (e->uuid[0]) {
		size_t n = strlen(e->uuid);

		/*
		 * rpc.mountd strips the hyphens of the 36-character uuid text
		 * in place and never moves its NUL: the text it folds is the
		 * 32 digits followed by the last 4 again, which XOR into the
		 * first 4 (seen in vmtest nlcached-equiv-fid). The same text
		 * here, so the filehandles are the same.
		 */
		o->uuid_text = malloc(n + 5);
		if (!o->uuid_text)
			return -ENOMEM;
		memcpy(o->uuid_text, e->uuid, n);
		memcpy(o->uuid_text + n, e->uuid + (n >= 4 ? n - 4 : 0),
		       n >= 4 ? 4 : 0);
		o->uuid_text[n + (n >= 4 ? 4 : 0)] = '\0';
		o->has_uuid = true;
		nlc_uuid_fold(o->uuid_text, NLC_EXPORT_UUID_LEN, o->uuid);
	}
	return 0;
}

/*
 * rpc.mountd 2.6.2 gives a pseudo-root directory other than "/" a uuid
 * made from its path when a test export of it (export_test: an
 * nfsd.export write for the domain "-test-client-") fails. That domain
 * exists only from exportfs's own /proc test to the cache flush that
 * ends every exportfs run, so by the time mountd reloads etab the test
 * fails for every directory, and every such directory gets the generated
 * uuid (seen in vmtest nlcached-equiv-fid). So here too, whatever the
 * filesystem: the pseudo-root filehandles then stay valid when switching
 * daemons either way.
 */
static bool mountd_test_export(const char *path, void *arg)
{
	(void)path;
	(void)arg;
	return false;
}

/*
 * The real exports are s->exp[0..nreal). Build the pseudo-root entries,
 * serve an unfixed "/" export as fsid=0 when they are needed, and append
 * them to s->exp (which has room for them: the caller grows it).
 */
static int add_v4root(struct nlc_snapshot *s, const struct nlc_snap_config *cfg)
{
	struct nlc_v4root_opts vo = {
		.krb5_keytab = cfg->krb5_keytab,
		.fs_identifiable = mountd_test_export,
	};
	struct nlc_v4root_export *in;
	struct nlc_snap_export *grown;
	size_t i, nreal = s->nexp;
	int err;

	if (!(cfg->supported_flags & NLCACHE_EXPORT_FLAGS_V4ROOT))
		return 0;
	in = calloc(nreal ? nreal : 1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	for (i = 0; i < nreal; i++) {
		const struct nlc_snap_export *x = nlc_snap_export_at(s, i);

		/* a merged FQDN spec's exports are its owner's (mountd) */
		in[i].client = nlc_client_owner(x->client)->spec;
		in[i].path = x->path;
		in[i].flags = x->opts->flags;
		in[i].fsid = x->opts->fsid;
	}
	err = nlc_v4root_build(in, nreal, &vo, &s->v4root);
	free(in);
	if (err)
		return err;
	if (!s->v4root.needed)
		return 0;
	for (i = 0; i < nreal; i++) {
		const struct nlc_snap_export *x = nlc_snap_export_at(s, i);
		struct nlc_export_opts *o = (struct nlc_export_opts *)x->opts;

		nlc_v4root_fix_root_export(x->path, &o->flags, &o->fsid);
	}
	if (s->v4root.n == 0)
		return 0;
	s->v4opts = calloc(s->v4root.n, sizeof(*s->v4opts));
	grown = realloc(s->exp, (nreal + s->v4root.n) * sizeof(*s->exp));
	if (grown)
		s->exp = grown;	/* even if v4opts failed: the old block is gone */
	if (!s->v4opts || !grown)
		return -ENOMEM;
	for (i = 0; i < s->v4root.n; i++) {
		const struct nlc_v4root_entry *e = &s->v4root.v[i];
		struct nlc_snap_export *x = &s->exp[s->nexp];

		err = v4root_opts(e, &s->v4opts[i]);
		if (err)
			return err;
		memset(x, 0, sizeof(*x));
		err = nlc_client_list_add(&s->clients, e->client, &x->client);
		if (err == -EINVAL)
			continue;	/* cannot happen: it parsed */
		if (err)
			return err;
		x->path = e->path;
		x->opts = &s->v4opts[i];
		x->v4root = true;
		x->uuid = s->v4opts[i].uuid_text;
		s->nexp++;
	}
	return 0;
}

/* ---- rpc.mountd's list order ------------------------------------------- */

#define MOUNTD_HASH_SIZE 1021u

unsigned int nlc_mountd_export_hash(const char *path)
{
	unsigned int n = 0;
	int i;

	/* char is signed on the platforms Debian's nfs-utils is built for
	 * here (x86, as the source does arithmetic on plain char) */
	for (i = 0; path[i]; i++)
		n += (unsigned int)((int)(signed char)path[i] * i);
	return n % MOUNTD_HASH_SIZE;
}

void nlc_mountd_export_order(const char *const *paths, const int *types,
			     size_t n, size_t *order)
{
	size_t *next, *bucket, *first, *last, out = 0, i;
	const size_t NONE = (size_t)-1;
	int t;

	next = calloc(n ? n : 1, sizeof(*next));
	bucket = calloc(n ? n : 1, sizeof(*bucket));
	first = malloc(MOUNTD_HASH_SIZE * sizeof(*first));
	last = malloc(MOUNTD_HASH_SIZE * sizeof(*last));
	if (!next || !bucket || !first || !last) {
		/* out of memory: keep the given order */
		for (i = 0; i < n; i++)
			order[i] = i;
		goto out;
	}
	for (i = 0; i < n; i++)
		bucket[i] = nlc_mountd_export_hash(paths[i]);
	for (t = 0; t < NLC_CLIENT_NTYPES; t++) {
		size_t head = NONE;

		for (i = 0; i < MOUNTD_HASH_SIZE; i++)
			first[i] = last[i] = NONE;
		for (i = 0; i < n; i++) {
			size_t b = bucket[i];

			if (types[i] != t)
				continue;
			if (first[b] == NONE) {
				next[i] = head;
				head = i;
				first[b] = i;
			} else {
				next[i] = next[last[b]];
				next[last[b]] = i;
			}
			last[b] = i;
		}
		for (i = head; i != NONE; i = next[i])
			order[out++] = i;
	}
out:
	free(next);
	free(bucket);
	free(first);
	free(last);
}

static int build_order(struct nlc_snapshot *s)
{
	const char **paths;
	int *types;
	size_t i;

	s->order = calloc(s->nexp ? s->nexp : 1, sizeof(*s->order));
	paths = calloc(s->nexp ? s->nexp : 1, sizeof(*paths));
	types = calloc(s->nexp ? s->nexp : 1, sizeof(*types));
	if (!s->order || !paths || !types) {
		free(paths);
		free(types);
		return -ENOMEM;
	}
	for (i = 0; i < s->nexp; i++) {
		const struct nlc_snap_export *x = nlc_snap_export_at(s, i);

		paths[i] = x->path;
		types[i] = (int)nlc_client_owner(x->client)->type;
	}
	nlc_mountd_export_order(paths, types, s->nexp, s->order);
	free(paths);
	free(types);
	return 0;
}

/* ---- merged FQDN clients ---------------------------------------------- */

static uint64_t pair_key(const struct nlc_client *c, const char *path)
{
	uint64_t h = nlc_fnv64_str(NLC_FNV64_BASIS ^ (uint64_t)(uintptr_t)c, path);

	return h ? h : 1;
}

/*
 * rpc.mountd files an FQDN spec that shares an address with an earlier
 * FQDN client under that client: a later line for a path the client
 * already exports is then a duplicate, and only the first is kept. Drop
 * those, warn about them and about merged specs whose other addresses
 * match nothing (mountd refuses them; so does nlcached).
 */
static int apply_merges(struct nlc_snapshot *s)
{
	struct key { uint64_t k; size_t i; } *tab = NULL;
	size_t cap = 16, i, o = 0;
	int err = 0;

	for (i = 0; i < s->clients.n; i++)
		if (s->clients.v[i]->merged)
			break;
	if (i == s->clients.n)
		return 0;
	while (cap < 2 * s->nexp)
		cap <<= 1;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < s->nexp; i++) {
		const struct nlc_snap_export *x = nlc_snap_export_at(s, i);
		const struct nlc_client *own = nlc_client_owner(x->client);
		uint64_t k = pair_key(own, x->path);
		size_t j = (size_t)k & (cap - 1);
		bool dup = false;

		for (; tab[j].k; j = (j + 1) & (cap - 1))
			if (tab[j].k == k &&
			    nlc_client_owner(nlc_snap_export_at(s, tab[j].i)->client) == own &&
			    !strcmp(nlc_snap_export_at(s, tab[j].i)->path, x->path)) {
				dup = true;
				break;
			}
		if (x->client->merged && !x->client->merge_told) {
			x->client->merge_told = true;
			err = snap_warn(&s->table, x->file, x->line,
					"client '%s' shares an address with '%s': served as '%s', as rpc.mountd does%s",
					x->client->spec, own->spec, own->name,
					x->client->merged_lossy ?
					"; its other addresses are refused, as rpc.mountd refuses them" : "");
			if (err)
				break;
		}
		if (dup) {
			const struct nlc_snap_export *f = nlc_snap_export_at(s, tab[j].i);

			err = snap_warn(&s->table, x->file, x->line,
					"%s exported to '%s' again through the merged client '%s' (first at %s:%u): ignored, as rpc.mountd ignores it",
					x->path, own->spec, x->client->spec,
					f->file ? f->file : "?", f->line);
			if (err)
				break;
			continue;
		}
		tab[j].k = k;
		tab[j].i = o;
		if (o != i)
			s->exp[o] = *x;
		o++;
	}
	free(tab);
	if (!err)
		s->nexp = o;
	return err;
}

/* ---- load ---------------------------------------------------------------- */

static int build(struct nlc_snapshot *s, const struct nlc_snap_config *cfg,
		 const struct nlc_snapshot *prev)
{
	size_t cap = 0, i;
	int err;

	s->source = choose_source(cfg);
	err = read_source(s, cfg, &cap);
	if (err)
		return err;
	/* every source, etab too: mountd realpath()s each entry it reads */
	err = canonicalise(&s->table);
	if (err)
		return err;
	s->exp = calloc(s->table.nent ? s->table.nent : 1, sizeof(*s->exp));
	if (!s->exp)
		return -ENOMEM;
	for (i = 0; i < s->table.nent; i++) {
		struct nlc_export_entry *e = &s->table.ent[i];
		struct nlc_snap_export *x = &s->exp[s->nexp];

		err = nlc_client_list_add(&s->clients, e->client, &x->client);
		if (err == -EINVAL) {
			err = snap_diag(&s->table, e->file,
					"%s:%u: bad client '%s'", e->file,
					e->line, e->client);
			if (err)
				return err;
			continue;
		}
		if (err)
			return err;
		if (x->client->quirk && !x->client->quirk_told) {
			x->client->quirk_told = true;
			err = snap_warn(&s->table, e->file, e->line,
					"client '%s': %s", e->client,
					x->client->quirk);
			if (err)
				return err;
		}
		x->path = e->path;
		x->opts = &e->opts;
		x->uuid = e->opts.has_uuid ? e->opts.uuid_text : NULL;
		x->file = e->file;
		x->line = e->line;
		s->nexp++;
	}
	for (i = 0; i < s->nexp; i++) {
		const struct nlc_snap_export *x = nlc_snap_export_at(s, i);

		if (strcmp(x->path, "/") ||
		    !(x->opts->flags & NLCACHE_EXPORT_FLAGS_CROSSMOUNT))
			continue;
		/* nfs-utils 2.6.2's next_mnt() lists nothing below "/" */
		err = snap_warn(&s->table, x->file, x->line,
				"crossmnt on '/': filehandles of the filesystems mounted below it are refused (ESTALE), as Debian 12's rpc.mountd refuses them; export them explicitly");
		if (err)
			return err;
	}
	/* resolved (and merged) before the pseudo root is built from them,
	 * as rpc.mountd's xtab_read comes before v4root_set */
	s->dns_failures = nlc_client_list_resolve(&s->clients, cfg->resolver,
						  prev ? &prev->clients : NULL);
	err = apply_merges(s);
	if (err)
		return err;
	err = add_v4root(s, cfg);
	if (err)
		return err;
	s->use_ipaddr = nlc_client_use_ipaddr(&s->clients, cfg->ipaddr_mode);
	return build_order(s);
}

static void snapshot_free(struct nlc_snapshot *s)
{
	size_t i;

	if (s->v4opts)
		for (i = 0; i < s->v4root.n; i++)
			nlc_export_opts_free(&s->v4opts[i]);
	free(s->v4opts);
	nlc_v4root_free(&s->v4root);
	free(s->exp);
	free(s->order);
	nlc_client_list_free(&s->clients);
	nlc_exports_free(&s->table);
	for (i = 0; i < s->nstamps; i++)
		free(s->stamps[i].path);
	free(s->stamps);
	free(s);
}

int nlc_snapshot_load(const struct nlc_snap_config *cfg,
		      const struct nlc_snapshot *prev, uint64_t generation,
		      struct nlc_snapshot **out)
{
	struct nlc_snapshot *s;
	int err;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	atomic_init(&s->refs, 1);
	s->generation = generation;
	nlc_exports_init(&s->table);
	nlc_client_list_init(&s->clients);
	err = build(s, cfg, prev);
	if (err) {
		snapshot_free(s);
		return err;
	}
	*out = s;
	return 0;
}

struct nlc_snapshot *nlc_snapshot_get(struct nlc_snapshot *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void nlc_snapshot_put(struct nlc_snapshot *s)
{
	if (s && atomic_fetch_sub_explicit(&s->refs, 1,
					   memory_order_acq_rel) == 1)
		snapshot_free(s);
}

bool nlc_snapshot_stale(const struct nlc_snapshot *s,
			const struct nlc_snap_config *cfg)
{
	size_t i;

	if (choose_source(cfg) != s->source)
		return true;
	for (i = 0; i < s->nstamps; i++)
		if (stamp_changed(&s->stamps[i]))
			return true;
	return false;
}
