// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The auth.unix.ip, nfsd.export and nfsd.fh answers, computed from one
 * exports snapshot and a struct nlc_hostview, as rpc.mountd answers them
 * in /proc mode.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <linux/nfsd_nlcache.h>

#include "answer.h"
#include "fhindex.h"

#define F_FSID		NLCACHE_EXPORT_FLAGS_FSID
#define F_CROSSMNT	NLCACHE_EXPORT_FLAGS_CROSSMOUNT
#define F_V4ROOT	NLCACHE_EXPORT_FLAGS_V4ROOT

/* mountd's FSLOC_MAX_LIST */
#define FSLOC_MAX_MOUNTD 40

/* A log line for an answer; long paths are cut. */
static void msgf(char *msg, int *prio, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void msgf(char *msg, int *prio, int level, const char *fmt, ...)
{
	va_list ap;

	*prio = level;
	va_start(ap, fmt);
	vsnprintf(msg, NLC_ANSWER_MSG, fmt, ap);
	va_end(ap);
}

/* @path strictly below directory @dir ("/" has everything below it). */
static bool path_below(const char *path, const char *dir)
{
	size_t l = strlen(dir);

	if (l == 1 && dir[0] == '/')
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, l) == 0 && path[l] == '/';
}

/* strerror() for worker threads */
static const char *errtext(int err, char eb[64])
{
	return strerror_r(err, eb, 64);
}

/* The path a mountpoint= export needs mounted, or NULL. */
static const char *mountpoint_path(const struct nlc_snap_export *x)
{
	const char *mp = x->opts->mountpoint;

	if (!mp)
		return NULL;
	return mp[0] ? mp : x->path;
}

/* ---- who asks ------------------------------------------------------------ */

struct who {
	const char *domain;
	bool ipaddr;		/* "$<addr>" domain */
	struct nlc_caller caller;
};

static int who_init(struct who *w, const struct nlc_snapshot *s,
		    const struct nlc_hostview *hv, const char *domain)
{
	struct nlc_addr a;

	memset(w, 0, sizeof(*w));
	w->domain = domain;
	if (domain[0] != '$')
		return 0;
	if (nlc_addr_parse(domain + 1, &a) < 0)
		return -EINVAL;
	w->ipaddr = true;
	nlc_caller_resolve(&w->caller, &a, &s->clients, hv->resolver);
	return 0;
}

/*
 * A domain names export x when it names x's client, or the client x's
 * FQDN spec was filed under (rpc.mountd's merge: that is the name its
 * auth.unix.ip answers carry; nlcached composes the same, and accepts
 * either so that domains written by either daemon keep working). A
 * "$addr" domain is checked against the owner's addresses, as mountd.
 */
static bool domain_names(const char *domain, const struct nlc_client *c)
{
	const struct nlc_client *own = nlc_client_owner(c);

	return nlc_client_member(domain, own->name) ||
	       (own != c && nlc_client_member(domain, c->name));
}

static bool who_matches(const struct who *w, const struct nlc_hostview *hv,
			const struct nlc_snap_export *x)
{
	if (w->ipaddr)
		return nlc_client_check(nlc_client_owner(x->client),
					&w->caller, hv->resolver);
	return domain_names(w->domain, x->client);
}

/* ---- auth.unix.ip ------------------------------------------------------- */

void nlc_answer_ip(const struct nlc_snapshot *s, const struct nlc_hostview *hv,
		   const struct nlc_answer_opts *o, const char *class,
		   const char *addr, struct nlc_ip_answer *out)
{
	const char *held;
	struct nlc_addr a;
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = NLC_ANSWER_NEGATIVE;
	out->ttl = o->ttl;
	if (strcmp(class, "nfsd") != 0) {
		msgf(out->msg, &out->prio, LOG_WARNING, "unknown class '%s' for IP %s", class, addr);
		return;
	}
	if (nlc_addr_parse(addr, &a) == 0 && nlc_client_list_held(&s->clients, &a, &held)) {
		out->kind = NLC_ANSWER_DEFER;
		msgf(out->msg, &out->prio, LOG_INFO,
		     "IP %s: the lookup of %s failed for now and gave this address before; waiting for it",
		     addr, held);
		return;
	}
	rc = nlc_auth_unix_ip(&s->clients, hv ? hv->resolver : NULL, addr,
			      s->use_ipaddr, out->domain, sizeof(out->domain));
	switch (rc) {
	case 1:
		out->kind = NLC_ANSWER_POSITIVE;
		msgf(out->msg, &out->prio, LOG_DEBUG,
		     "successful authentication for IP %s as %s", addr,
		     out->domain);
		return;
	case 0:
		break;
	case -EINVAL:
		out->kind = NLC_ANSWER_INVALID;
		msgf(out->msg, &out->prio, LOG_WARNING, "bad IP address '%s'", addr);
		return;
	case -ENOMEM:
		out->kind = NLC_ANSWER_DEFER;
		msgf(out->msg, &out->prio, LOG_ERR, "out of memory authenticating IP %s", addr);
		return;
	default:
		out->domain[0] = '\0';
		msgf(out->msg, &out->prio, LOG_NOTICE,
		     "failed authentication for IP %s (domain too long)",
		     addr);
		return;
	}
	out->domain[0] = '\0';
	msgf(out->msg, &out->prio, LOG_NOTICE, "failed authentication for IP %s", addr);
}

/* ---- fslocations -------------------------------------------------------- */

int nlc_fsloc_split(const char *text, struct nlc_fsloc *loc, size_t max,
		    char **buf)
{
	char *b, *p, *e, *at, *h;
	size_t n = 0;
	bool br;

	*buf = NULL;
	if (!text || !*text)
		return -EINVAL;
	b = strdup(text);
	if (!b)
		return -ENOMEM;
	for (p = b; p && n < max; ) {
		/* one "path@host[+host]" item, up to a ':' outside [] */
		for (e = p, br = false; *e; e++) {
			if (*e == '[')
				br = true;
			else if (*e == ']')
				br = false;
			else if (*e == ':' && !br)
				break;
		}
		if (*e) {
			*e = '\0';
			e++;
		} else {
			e = NULL;
		}
		at = strchr(p, '@');
		if (p[0] == '/' && at && at[1]) {
			*at = '\0';
			for (h = at + 1; *h; h++)
				if (*h == '+')
					*h = ':';
			loc[n].path = p;
			loc[n].host = at + 1;
			n++;
		}
		p = e;
	}
	if (n == 0) {
		free(b);
		return -EINVAL;
	}
	*buf = b;
	return (int)n;
}

/* ---- nfsd.export ------------------------------------------------------- */

static void export_positive(const struct nlc_snap_export *x,
			    const struct nlc_hostview *hv,
			    const struct nlc_answer_opts *o, uint32_t supported,
			    const char *domain, const char *path,
			    struct nlc_export_answer *out)
{
	const struct nlc_export_opts *op = x->opts;
	bool different = strcmp(path, x->path) != 0;
	uint32_t mask = different ? ~(uint32_t)F_FSID : ~0u;
	uint32_t wire = supported & NLCACHE_EXPORT_FLAGS_ALL & mask;
	struct nlc_fs_ident id;
	bool have_id = false;
	char eb[64];
	unsigned int i;
	int rc;

	out->flags = nlc_export_wire_flags(op, supported) & mask;
	if (x->v4root && !(out->flags & F_V4ROOT)) {
		/* without the flag it would be a plain export of the path */
		msgf(out->msg, &out->prio, LOG_ERR,
		     "refusing the pseudo-root export of '%s' to %s: nfsd's export features (%#x) lack v4root",
		     path, domain, supported);
		return;
	}
	out->anon_uid = op->anonuid;
	out->anon_gid = op->anongid;
	out->fsid = (int32_t)op->fsid;
	for (i = 0; i < op->nsec && i < NLC_EXPORT_MAX_SEC; i++) {
		out->sec[i].flavor = op->sec[i].flavor;
		out->sec[i].flags = op->sec[i].flags & wire;
	}
	out->nsec = i;

	/* uuid: the path's own filesystem unless fsid=<uuid> applies */
	if (!(x->uuid && !different) && !(out->flags & F_FSID)) {
		memset(&id, 0, sizeof(id));
		rc = hv->ident(hv->ctx, path, &id);
		if (rc < 0 && !nlc_lookup_error(rc)) {
			out->kind = NLC_ANSWER_DEFER;
			msgf(out->msg, &out->prio, LOG_WARNING, "cannot examine '%s' now: %s", path,
			     errtext(-rc, eb));
			return;
		}
		have_id = rc == 0 && id.found;
		if (have_id && id.uuid.unknown) {
			/* no reply without the uuid mountd would send */
			out->kind = NLC_ANSWER_DEFER;
			msgf(out->msg, &out->prio, LOG_WARNING,
			     "cannot read the filesystem uuid of '%s' now",
			     path);
			return;
		}
	}
	out->has_uuid = nlc_export_uuid(path, x->path, x->uuid, out->flags,
					have_id ? &id.uuid : NULL, out->uuid);

	if (op->fsloc != NLC_FSLOC_NONE && op->fsloc_data) {
		rc = nlc_fsloc_split(op->fsloc_data, out->fsloc,
				     FSLOC_MAX_MOUNTD, &out->fsloc_buf);
		if (rc > 0) {
			out->nfsloc = (size_t)rc;
			out->migrated = op->fsloc == NLC_FSLOC_REFER;
		} else {
			/*
			 * No usable location (an empty refer= or replicas=):
			 * mountd writes "fsloc 0 <migrated>", and the
			 * kernel's parser stops at a count of 0, takes the
			 * next word as an unknown keyword and ignores the
			 * rest: the export ends up without secinfo and
			 * uuid. Send what the kernel keeps.
			 */
			out->nsec = 0;
			out->has_uuid = false;
			goto done;
		}
	}
	for (i = 0; i < op->nxprtsec && i < NLC_EXPORT_MAX_XPRTSEC; i++)
		out->xprtsec |= op->xprtsec[i];
done:
	out->kind = NLC_ANSWER_POSITIVE;
	out->ttl = o->ttl;
	if (!out->msg[0])
		msgf(out->msg, &out->prio, LOG_DEBUG, "exporting %s to %s (export %s%s)", path, domain,
		     x->path, x->v4root ? ", pseudo root" : "");
}

void nlc_answer_export(const struct nlc_snapshot *s,
		       const struct nlc_hostview *hv,
		       const struct nlc_answer_opts *o, uint32_t supported,
		       const char *domain, const char *path,
		       struct nlc_export_answer *out)
{
	struct nlc_export_cand *cand;
	const struct nlc_snap_export *x;
	size_t *idx, i, n = 0;
	const char *mp;
	struct who w;
	char eb[64];
	bool arb;
	int best, rc;

	memset(out, 0, sizeof(*out));
	out->kind = NLC_ANSWER_NEGATIVE;
	out->ttl = o->ttl;
	if (who_init(&w, s, hv, domain) < 0) {
		out->kind = NLC_ANSWER_INVALID;
		msgf(out->msg, &out->prio, LOG_WARNING, "bad domain '%s'", domain);
		return;
	}
	cand = calloc(s->nexp ? s->nexp : 1, sizeof(*cand));
	idx = calloc(s->nexp ? s->nexp : 1, sizeof(*idx));
	if (!cand || !idx) {
		free(cand);
		free(idx);
		out->kind = NLC_ANSWER_DEFER;
		msgf(out->msg, &out->prio, LOG_ERR, "out of memory");
		return;
	}
	for (i = 0; i < s->nexp; i++) {
		size_t k = s->order ? s->order[i] : i;
		uint32_t fl;

		x = &s->exp[k];
		fl = x->opts->flags;
		if (strcmp(path, x->path) != 0 &&
		    !((fl & F_CROSSMNT) && path_below(path, x->path)))
			continue;
		if (!who_matches(&w, hv, x))
			continue;
		cand[n].type = x->client->type;
		cand[n].v4root = x->v4root || (fl & F_V4ROOT);
		cand[n].crossmnt = fl & F_CROSSMNT;
		cand[n].pathlen = strlen(x->path);
		idx[n++] = k;
	}
	best = nlc_export_choose(cand, n, &arb);
	if (best < 0 || (size_t)best >= n) {
		free(cand);
		free(idx);
		msgf(out->msg, &out->prio, LOG_DEBUG, "no export of '%s' for %s", path, domain);
		return;
	}
	x = &s->exp[idx[best]];
	if (arb) {
		for (i = 0; i < n; i++)
			if (i != (size_t)best &&
			    cand[i].type == cand[best].type)
				break;
		if (i < n)
			msgf(out->msg, &out->prio, LOG_WARNING,
			     "%s exported to both %s and %s, arbitrarily choosing options from first",
			     path, nlc_client_owner(x->client)->name,
			     nlc_client_owner(s->exp[idx[i]].client)->name);
	}
	free(cand);
	free(idx);
	out->exp = x;

	mp = mountpoint_path(x);
	if (mp) {
		rc = hv->is_mountpoint(hv->ctx, mp);
		if (rc < 0 && !nlc_lookup_error(rc)) {
			out->kind = NLC_ANSWER_DEFER;
			msgf(out->msg, &out->prio, LOG_WARNING,
			     "cannot check mountpoint '%s' now: %s", mp,
			     errtext(-rc, eb));
			return;
		}
		if (rc <= 0) {
			out->ttl = NLC_TTL_NOT_MOUNTED;
			msgf(out->msg, &out->prio, LOG_WARNING,
			     "Cannot export path '%s': not a mountpoint",
			     path);
			return;
		}
	}
	export_positive(x, hv, o, supported, domain, path, out);
}

void nlc_export_answer_free(struct nlc_export_answer *a)
{
	free(a->fsloc_buf);
	a->fsloc_buf = NULL;
	a->nfsloc = 0;
}

void nlc_export_answer_reply(const struct nlc_export_answer *a,
			     const char *domain, const char *path,
			     uint64_t now, struct nlc_svc_export_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->client = domain;
	r->path = path;
	r->negative = a->kind != NLC_ANSWER_POSITIVE;
	r->expiry = now + a->ttl;
	if (r->negative)
		return;
	r->flags = a->flags;
	r->anon_uid = a->anon_uid;
	r->anon_gid = a->anon_gid;
	r->fsid = a->fsid;
	if (a->has_uuid) {
		r->uuid = a->uuid;
		r->uuid_len = NLCACHE_UUID_LEN;
	}
	r->secinfo = a->nsec ? a->sec : NULL;
	r->nsecinfo = a->nsec;
	r->fslocs = a->nfsloc ? a->fsloc : NULL;
	r->nfslocs = a->nfsloc;
	r->migrated = a->nfsloc && a->migrated;
	r->xprtsec = a->xprtsec;
}

/* ---- nfsd.fh ------------------------------------------------------------- */

struct fh_search {
	const struct nlc_hostview *hv;
	const struct who *w;
	struct nlc_fsid_parsed req;
	/* the export being tried */
	const struct nlc_snap_export *x;
	struct nlc_export_fsid xf;
	bool x_mounted;		/* its mountpoint= is satisfied */
	/* the winner so far */
	const struct nlc_snap_export *win;
	bool win_mounted;
	bool dev_missing;
	struct nlc_fh_answer *out;
};

/* A later match under a crossmnt winner replaces it (mountd's subexport). */
static bool subexport(const struct nlc_snap_export *e,
		      const struct nlc_snap_export *win)
{
	return (win->opts->flags & F_CROSSMNT) &&
	       path_below(e->path, win->path);
}

static void fh_take(struct fh_search *f, const char *path)
{
	f->win = f->x;
	f->win_mounted = f->x_mounted;
	snprintf(f->out->path, sizeof(f->out->path), "%s", path);
}

static int fh_try(const char *path, void *arg)
{
	struct fh_search *f = arg;
	const struct nlc_snap_export *x = f->x;
	struct nlc_fs_ident id;
	int rc;

	if (!path || strlen(path) >= sizeof(f->out->path))
		return 0;
	memset(&id, 0, sizeof(id));
	rc = f->hv->ident(f->hv->ctx, path, &id);
	if (rc < 0) {
		if (!nlc_lookup_error(rc))
			f->dev_missing = true;
		return 0;
	}
	if (nlc_fsid_match_unknown(&f->req, &f->xf, &id)) {
		/* its uuid cannot be read now: no answer built without it */
		f->dev_missing = true;
		return 0;
	}
	if (!nlc_fsid_match(&f->req, &f->xf, &id))
		return 0;
	if (f->w->ipaddr &&
	    !nlc_client_check(nlc_client_owner(x->client), &f->w->caller,
			      f->hv->resolver))
		return 0;
	if (!f->win || subexport(x, f->win)) {
		fh_take(f, path);
	} else if (strcmp(f->win->path, x->path) != 0) {
		if (!f->out->msg[0])
			msgf(f->out->msg, &f->out->prio, LOG_WARNING,
			     "%s and %s have same filehandle for %s, using first",
			     f->out->path, path, f->w->domain);
	} else if ((f->win->opts->flags & F_V4ROOT) || f->win->v4root) {
		fh_take(f, path);
	}
	return 0;
}

/* Try export @x (and its submounts when crossmnt) for the request. */
static void fh_visit(struct fh_search *f, const struct nlc_snap_export *x,
		     const char *domain)
{
	const struct nlc_hostview *hv = f->hv;
	const char *mp;
	int rc;

	if (!f->w->ipaddr && !domain_names(domain, x->client))
		return;
	f->x = x;
	f->xf.flags = x->opts->flags;
	f->xf.fsid = x->opts->fsid;
	f->xf.uuid = x->uuid;
	f->x_mounted = true;
	mp = mountpoint_path(x);
	if (mp) {
		rc = hv->is_mountpoint(hv->ctx, mp);
		if (rc <= 0) {
			f->x_mounted = false;
			f->dev_missing = true;
		}
	}
	fh_try(x->path, f);
	if (x->opts->flags & F_CROSSMNT)
		hv->submounts(hv->ctx, x->path, fh_try, f);
}

struct fh_visit_at {
	struct fh_search *f;
	const struct nlc_snapshot *s;
	const char *domain;
};

static void fh_visit_idx(size_t idx, void *arg)
{
	struct fh_visit_at *v = arg;

	fh_visit(v->f, &v->s->exp[idx], v->domain);
}

void nlc_answer_fh(const struct nlc_snapshot *s, const struct nlc_hostview *hv,
		   const struct nlc_answer_opts *o, const char *domain,
		   unsigned int fsidtype, const void *fsid, size_t fsid_len,
		   uint64_t now, struct nlc_fh_answer *out)
{
	struct nlc_fhindex *ix;
	struct nlc_fhids *ids;
	bool indexed = false;
	struct fh_search f;
	struct who w;
	size_t i;
	int t;

	memset(out, 0, sizeof(*out));
	out->kind = NLC_ANSWER_NEGATIVE;
	out->expiry = now + o->ttl;
	memset(&f, 0, sizeof(f));
	if (fsidtype > 255 ||
	    nlc_fsid_parse((int)fsidtype, fsid, fsid_len, &f.req) < 0) {
		out->kind = NLC_ANSWER_INVALID;
		msgf(out->msg, &out->prio, LOG_WARNING, "bad fsid (type %u, %zu bytes) for %s", fsidtype,
		     fsid_len, domain);
		return;
	}
	if (who_init(&w, s, hv, domain) < 0) {
		out->kind = NLC_ANSWER_INVALID;
		msgf(out->msg, &out->prio, LOG_WARNING, "bad domain '%s'", domain);
		return;
	}
	f.hv = hv;
	f.w = &w;
	f.out = out;
	/* fsid=N: only the exports with that number can match (fhindex.h) */
	if (f.req.type == NLC_FSID_NUM && (ix = nlc_fhindex_get(s))) {
		size_t first, n = nlc_fhindex_num(ix, f.req.fsidnum, &first);

		for (i = 0; i < n; i++)
			fh_visit(&f, &s->exp[nlc_fhindex_at(ix, first + i)], domain);
		nlc_fhindex_put(ix);
		indexed = f.win != NULL;
	} else if (f.req.type != NLC_FSID_NUM && (ids = nlc_fhids_get(s, hv))) {
		/* the others: the exports on that filesystem (fhindex.h) */
		struct fh_visit_at v = { .f = &f, .s = s, .domain = domain };

		nlc_fhids_visit(ids, &f.req, fh_visit_idx, &v);
		nlc_fhids_put(ids);
		indexed = f.win != NULL;
	}
	/*
	 * Else (or no match) the full scan decides, and notes missing
	 * filesystems; s->order is by type already, the type loop covers no
	 * order.
	 */
	for (t = 0; !indexed && t < NLC_CLIENT_NTYPES; t++) {
		for (i = 0; i < s->nexp; i++) {
			const struct nlc_snap_export *x =
				&s->exp[s->order ? s->order[i] : i];

			if ((int)x->client->type == t)
				fh_visit(&f, x, domain);
		}
	}
	if (f.win && !f.win_mounted) {
		out->kind = NLC_ANSWER_DEFER;
		out->exp = f.win;
		msgf(out->msg, &out->prio, LOG_WARNING, "%s not exported as %s is not a mountpoint",
		     f.win->path, mountpoint_path(f.win));
		return;
	}
	if (!f.win) {
		out->path[0] = '\0';
		if (f.dev_missing) {
			out->kind = NLC_ANSWER_DEFER;
			msgf(out->msg, &out->prio, LOG_NOTICE,
			     "no export matches fsid type %u for %s yet; a filesystem is missing",
			     fsidtype, domain);
		} else {
			msgf(out->msg, &out->prio, LOG_DEBUG, "no export matches fsid type %u for %s",
			     fsidtype, domain);
		}
		return;
	}
	out->kind = NLC_ANSWER_POSITIVE;
	out->expiry = NLC_FH_EXPIRY;
	out->exp = f.win;
	if (!out->msg[0])
		msgf(out->msg, &out->prio, LOG_DEBUG, "fsid type %u for %s is %s", fsidtype, domain,
		     out->path);
}
