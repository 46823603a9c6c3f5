// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfsd.export: (client, path) -> the export's options, or no access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "nlcached.h"

static int export_key_copy(union cache_key *k, const struct nlc_pending *r)
{
	k->exp.client = strdup(r->u.svc_export.client);
	k->exp.path = strdup(r->u.svc_export.path);
	return k->exp.client && k->exp.path ? 0 : -ENOMEM;
}

static void export_key_free(union cache_key *k)
{
	free(k->exp.client);
	free(k->exp.path);
}

static char *export_key_text(const struct nlc_pending *r)
{
	char *key;

	return asprintf(&key, "%s\n%s", r->u.svc_export.client, r->u.svc_export.path) < 0 ?
	       NULL : key;
}

static void export_key_describe(const union cache_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", k->exp.client, k->exp.path);
}

static void export_answer(struct job *j, const struct answer_env *env)
{
	struct nlc_export_answer *a = calloc(1, sizeof(*a));
	const char *client = j->key.exp.client, *path = j->key.exp.path;

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_export(env->snap, env->hv, &env->opts,
			  tables_export_features(&env->d->tables), client, path, a);
	j->kind = a->kind;
	j->ttl = a->ttl ? a->ttl : env->opts.ttl;
	if (a->kind == NLC_ANSWER_POSITIVE)
		dlog(D_AUTH, "granted access to %s for %s", path, client);
	else if (a->kind == NLC_ANSWER_NEGATIVE)
		dlog(D_AUTH, "denied access to %s for %s", path, client);
	job_log(j, D_AUTH, a->prio, a->msg);
	/* the reply must not point into the snapshot */
	a->exp = NULL;
	j->ans.exp.a = a;
}

static void export_answer_free(union cache_answer *a)
{
	if (a->exp.a) {
		nlc_export_answer_free(a->exp.a);
		free(a->exp.a);
	}
}

static int export_put(struct nl_msg *msg, const struct job *j, const struct reply_env *env)
{
	struct nlc_svc_export_reply r = { 0 };

	if (env->negative || !j->ans.exp.a) {
		r.client = j->key.exp.client;
		r.path = j->key.exp.path;
		r.negative = true;
		r.expiry = env->now + (env->resend ? env->ttl : j->ttl);
	} else {
		nlc_export_answer_reply(j->ans.exp.a, j->key.exp.client, j->key.exp.path,
					env->now, &r);
		if (env->native)
			r.migrated = false;	/* no such attribute upstream */
	}
	return nlc_put_svc_export(msg, &r);
}

/* as mountd, in its words */
static void export_refused(const struct job *j, int err, bool local)
{
	if (err == EINVAL && !local)
		xlog(LOG_ERR, "Cannot export %s, possibly unsupported filesystem or fsid= required",
		     j->key.exp.path);
}

const struct cache_ops cache_export_ops = {
	.type = NLCACHE_CACHE_TYPE_SVC_EXPORT,
	.log_class = D_AUTH,
	.needs_exports = true,
	.send_may_block = true,
	.key_copy = export_key_copy,
	.key_free = export_key_free,
	.key_text = export_key_text,
	.key_describe = export_key_describe,
	.answer = export_answer,
	.answer_free = export_answer_free,
	.put = export_put,
	.refused = export_refused,
};
