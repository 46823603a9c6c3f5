// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Answers back to the kernel: as many per SET_REQS message as fit, each
 * encoded by its cache's ops. An entry the kernel refuses is logged and,
 * as mountd does, answered again as a negative entry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "nlcached.h"

struct send_ctx {
	struct nlcached *d;
	struct job **v;
	size_t n;
	bool negative_only;	/* the resend of refused positive answers */
	uint64_t now;
	size_t rejected;	/* counted by the caller (loop or worker) */
};

static int put_job(struct nl_msg *msg, size_t i, void *arg)
{
	struct send_ctx *ctx = arg;
	struct job *j = ctx->v[i];
	struct reply_env env = {
		.negative = ctx->negative_only || j->kind != NLC_ANSWER_POSITIVE,
		.resend = ctx->negative_only,
		.now = ctx->now,
		.ttl = ctx->d->cfg.ttl,
		.native = j->c->native,
	};

	return j->ops->put(msg, j, &env);
}

static void rejected_job(size_t i, int err, const char *m, bool local, void *arg)
{
	struct send_ctx *ctx = arg;
	char key[2 * NLCACHE_PATH_MAX + 64];
	struct job *j;

	if (i >= ctx->n)
		return;
	j = ctx->v[i];
	ctx->rejected++;
	j->ops->key_describe(&j->key, key, sizeof(key));
	xlog(LOG_WARNING, "%s: answer for %s %s: %s%s%s", j->c->name, key,
	     local ? "not sent" : "refused by the kernel",
	     strerror(err), m ? ": " : "", m ? m : "");
	/* as mountd: say why in its words, then answer negatively */
	if (!ctx->negative_only && j->kind == NLC_ANSWER_POSITIVE) {
		if (j->ops->refused)
			j->ops->refused(j, err, local);
		j->resend_negative = true;
	}
}

/*
 * Send on @s; refusals are counted in *rejected. Returns 0, or -EIO when
 * the family is gone (the caller decides what that means).
 */
static int send_on(struct nlcached *d, struct nlc_sock *s, const struct nlc_cache *c,
		   struct job **v, size_t n, bool negative_only, size_t *rejected)
{
	static const struct nlc_batch_ops ops = { .put = put_job, .rejected = rejected_job };
	struct send_ctx ctx = {
		.d = d, .v = v, .n = n, .negative_only = negative_only, .now = now_real(),
	};
	struct nlc_batch_result res;
	size_t i;
	int err;

	if (!s || !n)
		return 0;
	err = nlc_send_batch(s, c, n, 0, &ops, &ctx, &res);
	*rejected += ctx.rejected;
	dlog(D_NETLINK, "%s: %zu answers in %zu messages, %zu applied, %zu refused",
	     c->name, n, res.messages, res.applied, res.rejected);
	if (err && n > 1) {
		/* The kernel refused a whole message (the native families stop
		 * at the first bad entry): send one per message to find it;
		 * applying an answer twice is harmless. */
		dlog(D_NETLINK, "%s: batch refused (%s); resending one by one", c->name,
		     strerror(-err));
		for (i = 0; i < n; i++) {
			err = send_on(d, s, c, v + i, 1, negative_only, rejected);
			if (err == -EIO)
				return err;
		}
		return 0;
	}
	if (err == -EIO)
		return err;
	if (err) {
		ctx.rejected = 0;
		rejected_job(0, -err, s->extack[0] ? s->extack : NULL, false, &ctx);
		*rejected += ctx.rejected;
	}
	return 0;
}

void send_jobs(struct nlcached *d, const struct nlc_cache *c, struct job **v, size_t n,
	       bool negative_only)
{
	size_t rejected = 0;
	int err;

	err = send_on(d, backend_sock(&d->be, c), c, v, n, negative_only, &rejected);
	if (n)
		d->stats.rejected[v[0]->ci] += rejected;
	if (err == -EIO)
		backend_lost(d, err, c->name);
}

int send_job_on(struct nlcached *d, struct nlc_sock *s, struct job *j)
{
	size_t rejected = 0;
	int err;

	err = send_on(d, s, j->c, &j, 1, false, &rejected);
	if (!err && j->resend_negative)
		err = send_on(d, s, j->c, &j, 1, true, &rejected);
	j->rejected += (unsigned int)rejected;
	return err;
}
