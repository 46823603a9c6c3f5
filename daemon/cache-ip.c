// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * auth.unix.ip: (class, address) -> the client's domain name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "nlcached.h"

static int ip_key_copy(union cache_key *k, const struct nlc_pending *r)
{
	k->ip.class = strdup(r->u.ip_map.class);
	k->ip.addr = strdup(r->u.ip_map.addr);
	return k->ip.class && k->ip.addr ? 0 : -ENOMEM;
}

static void ip_key_free(union cache_key *k)
{
	free(k->ip.class);
	free(k->ip.addr);
}

static char *ip_key_text(const struct nlc_pending *r)
{
	char *key;

	return asprintf(&key, "%s %s", r->u.ip_map.class, r->u.ip_map.addr) < 0 ? NULL : key;
}

static void ip_key_describe(const union cache_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", k->ip.class, k->ip.addr);
}

/* Everything sent is copied into the job: the snapshot an answer was
 * computed from outlives it only while the worker builds it. */
static void ip_answer(struct job *j, const struct answer_env *env)
{
	struct nlc_ip_answer *a = malloc(sizeof(*a));

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_ip(env->snap, env->hv, &env->opts, j->key.ip.class, j->key.ip.addr, a);
	j->kind = a->kind;
	j->ttl = a->ttl ? a->ttl : env->opts.ttl;
	if (a->kind == NLC_ANSWER_POSITIVE) {
		j->ans.ip.domain = strdup(a->domain);
		if (!j->ans.ip.domain)
			j->kind = NLC_ANSWER_DEFER;
	}
	job_log(j, D_AUTH, a->prio, a->msg);
	free(a);
}

static void ip_answer_free(union cache_answer *a)
{
	free(a->ip.domain);
}

static int ip_put(struct nl_msg *msg, const struct job *j, const struct reply_env *env)
{
	struct nlc_ip_map_reply r = {
		.class = j->key.ip.class, .addr = j->key.ip.addr,
		.domain = env->negative ? NULL : j->ans.ip.domain,
		.negative = env->negative, .expiry = env->now + j->ttl,
	};

	return nlc_put_ip_map(msg, &r);
}

const struct cache_ops cache_ip_ops = {
	.type = NLCACHE_CACHE_TYPE_IP_MAP,
	.log_class = D_AUTH,
	.needs_exports = true,
	.key_copy = ip_key_copy,
	.key_free = ip_key_free,
	.key_text = ip_key_text,
	.key_describe = ip_key_describe,
	.answer = ip_answer,
	.answer_free = ip_answer_free,
	.put = ip_put,
};
