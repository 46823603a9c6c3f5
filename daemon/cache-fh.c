// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfsd.fh: (client, fsid type, fsid) -> the exported path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "nlcached.h"

static int fh_key_copy(union cache_key *k, const struct nlc_pending *r)
{
	k->fh.client = strdup(r->u.expkey.client);
	k->fh.fsidtype = r->u.expkey.fsidtype;
	k->fh.fsid_len = r->u.expkey.fsid_len < NLC_FSID_MAX ? r->u.expkey.fsid_len :
							       NLC_FSID_MAX;
	memcpy(k->fh.fsid, r->u.expkey.fsid, k->fh.fsid_len);
	return k->fh.client ? 0 : -ENOMEM;
}

static void fh_key_free(union cache_key *k)
{
	free(k->fh.client);
}

static char *fh_key_text(const struct nlc_pending *r)
{
	char hex[2 * NLC_FSID_MAX + 1];
	char *key;
	size_t i;

	for (i = 0; i < r->u.expkey.fsid_len && i < NLC_FSID_MAX; i++)
		sprintf(hex + 2 * i, "%02x", r->u.expkey.fsid[i]);
	hex[2 * i] = 0;
	if (asprintf(&key, "%s\n%u\n%s", r->u.expkey.client, r->u.expkey.fsidtype, hex) < 0)
		return NULL;
	return key;
}

static void fh_key_describe(const union cache_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "%s", k->fh.client);
}

static void fh_answer(struct job *j, const struct answer_env *env)
{
	struct nlc_fh_answer *a = malloc(sizeof(*a));

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_fh(env->snap, env->hv, &env->opts, j->key.fh.client, j->key.fh.fsidtype,
		      j->key.fh.fsid, j->key.fh.fsid_len, now_real(), a);
	j->kind = a->kind;
	j->expiry = a->expiry;
	if (a->kind == NLC_ANSWER_POSITIVE) {
		j->ans.fh.path = strdup(a->path);
		if (!j->ans.fh.path)
			j->kind = NLC_ANSWER_DEFER;
	}
	job_log(j, D_CALL, a->prio, a->msg);
	free(a);
}

static void fh_answer_free(union cache_answer *a)
{
	free(a->fh.path);
}

static int fh_put(struct nl_msg *msg, const struct job *j, const struct reply_env *env)
{
	struct nlc_expkey_reply r = {
		.client = j->key.fh.client, .fsidtype = j->key.fh.fsidtype,
		.fsid = j->key.fh.fsid, .fsid_len = j->key.fh.fsid_len,
		.negative = env->negative,
		.expiry = env->negative ? env->now + env->ttl : j->expiry,
		.path = env->negative ? NULL : j->ans.fh.path,
	};

	return nlc_put_expkey(msg, &r);
}

const struct cache_ops cache_fh_ops = {
	.type = NLCACHE_CACHE_TYPE_EXPKEY,
	.log_class = D_CALL,
	.needs_exports = true,
	.send_may_block = true,
	.key_copy = fh_key_copy,
	.key_free = fh_key_free,
	.key_text = fh_key_text,
	.key_describe = fh_key_describe,
	.answer = fh_answer,
	.answer_free = fh_answer_free,
	.put = fh_put,
};
