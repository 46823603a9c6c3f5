// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * auth.unix.gid (-g, --manage-gids): uid -> the user's group list, from
 * NSS. No exports are involved.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "gids.h"
#include "nlcached.h"

static int gid_key_copy(union cache_key *k, const struct nlc_pending *r)
{
	k->gid.uid = r->u.unix_gid.uid;
	return 0;
}

static void gid_key_free(union cache_key *k)
{
	(void)k;
}

static char *gid_key_text(const struct nlc_pending *r)
{
	char *key;

	return asprintf(&key, "%u", r->u.unix_gid.uid) < 0 ? NULL : key;
}

static void gid_key_describe(const union cache_key *k, char *buf, size_t size)
{
	(void)k;
	/* as before the split: the warning names no key */
	snprintf(buf, size, "%s", "");
}

static void gid_answer(struct job *j, const struct answer_env *env)
{
	uint32_t uid = j->key.gid.uid;
	gid_t *g = NULL;
	ssize_t n;
	size_t i;

	n = nlc_gids_lookup((uid_t)uid, &g);
	j->ttl = env->opts.ttl;
	if (n >= 0) {
		j->ans.gid.gids = malloc(((size_t)n ? (size_t)n : 1) * sizeof(*j->ans.gid.gids));
		if (!j->ans.gid.gids) {
			free(g);
			j->kind = NLC_ANSWER_DEFER;
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			j->ans.gid.gids[i] = (uint32_t)g[i];
		j->ans.gid.ngids = (size_t)n;
		j->kind = NLC_ANSWER_POSITIVE;
		free(g);
		dlog(D_AUTH, "uid %u: %zd groups", uid, n);
		return;
	}
	if (nlc_gids_transient(n)) {
		/* Never strip a user's groups because NSS hiccuped: no answer,
		 * the request stays pending and is asked again. */
		xlog(LOG_WARNING, "uid %u: group lookup failed for now (%s); will retry",
		     uid, strerror((int)-n));
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	dlog(D_AUTH, "uid %u: %s", uid, n == -ENOENT ? "no such user" : strerror((int)-n));
	j->kind = NLC_ANSWER_NEGATIVE;
}

static void gid_answer_free(union cache_answer *a)
{
	free(a->gid.gids);
}

static int gid_put(struct nl_msg *msg, const struct job *j, const struct reply_env *env)
{
	struct nlc_unix_gid_reply r = {
		.uid = j->key.gid.uid, .gids = j->ans.gid.gids,
		.ngids = env->negative ? 0 : j->ans.gid.ngids,
		.negative = env->negative, .expiry = env->now + j->ttl,
	};

	/* native families take repeated gids only */
	if (env->native && r.ngids > NLCACHE_MAX_GIDS - 4)
		r.ngids = NLCACHE_MAX_GIDS - 4;
	return nlc_put_unix_gid(msg, &r);
}

const struct cache_ops cache_gid_ops = {
	.type = NLCACHE_CACHE_TYPE_UNIX_GID,
	.log_class = D_AUTH,
	.needs_exports = false,
	.key_copy = gid_key_copy,
	.key_free = gid_key_free,
	.key_text = gid_key_text,
	.key_describe = gid_key_describe,
	.answer = gid_answer,
	.answer_free = gid_answer_free,
	.put = gid_put,
};
