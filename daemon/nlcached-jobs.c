// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The request table. Every pending request a scan sees becomes one job,
 * found again by its key while it is in flight (the kernel lists a
 * request in every dump until it is answered), computed on a worker
 * thread, and sent from the loop. A job without an answer now is deferred
 * and retried with back-off, and forgotten once the kernel stops asking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "nlcached.h"
#include "nlc_hash.h"

const struct cache_ops *const cache_ops[NLC_NCACHES] = {
	&cache_ip_ops, &cache_gid_ops, &cache_export_ops, &cache_fh_ops,
};

void jobs_init(struct jobs *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->q_lock, NULL);
	pthread_cond_init(&q->q_cond, NULL);
	q->work_tail = &q->work_head;
	q->done_tail = &q->done_head;
}

void nlcached_wake(struct nlcached *d)
{
	uint64_t one = 1;

	if (write(d->done_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		xlog(LOG_ERR, "eventfd write: %m");
}

static uint32_t hash_str(const char *s)
{
	return nlc_fnv32_str(s);
}

static struct job *job_find(struct jobs *q, unsigned int ci, const char *key, uint32_t h)
{
	struct job *j;

	for (j = q->keytab[h % KEY_BUCKETS]; j; j = j->hnext)
		if (j->ci == ci && j->hash == h && !strcmp(j->keytext, key))
			return j;
	return NULL;
}

static void job_clear_answer(struct job *j)
{
	if (j->ops)
		j->ops->answer_free(&j->ans);
	memset(&j->ans, 0, sizeof(j->ans));
}

static void job_free(struct job *j)
{
	if (j->ops) {
		job_clear_answer(j);
		j->ops->key_free(&j->key);
	}
	free(j->keytext);
	free(j);
}

static void job_unhash(struct jobs *q, struct job *j)
{
	struct job **pp;

	for (pp = &q->keytab[j->hash % KEY_BUCKETS]; *pp; pp = &(*pp)->hnext) {
		if (*pp == j) {
			*pp = j->hnext;
			q->njobs--;
			return;
		}
	}
}

void jobs_free(struct jobs *q)
{
	struct job *j, *next;
	int i;

	/* reloads are in no bucket; the other queued jobs are */
	for (j = q->work_head; j; j = next) {
		next = j->qnext;
		if (j->reload)
			free(j);
	}
	for (j = q->done_head; j; j = next) {
		next = j->qnext;
		if (j->reload)
			free(j);
	}
	q->work_head = q->done_head = NULL;
	q->work_tail = &q->work_head;
	q->done_tail = &q->done_head;
	for (i = 0; i < KEY_BUCKETS; i++) {
		for (j = q->keytab[i]; j; j = next) {
			next = j->hnext;
			job_free(j);
		}
		q->keytab[i] = NULL;
	}
	q->njobs = 0;
}

/* A job's state, read from the loop while a worker may be changing it. */
static enum job_state job_state(struct jobs *q, struct job *j)
{
	enum job_state st;

	pthread_mutex_lock(&q->q_lock);
	st = j->state;
	pthread_mutex_unlock(&q->q_lock);
	return st;
}

/* A job's state, set from the loop (a worker may be reading others). */
static void job_set_state(struct jobs *q, struct job *j, enum job_state st)
{
	pthread_mutex_lock(&q->q_lock);
	j->state = st;
	pthread_mutex_unlock(&q->q_lock);
}

static void job_queue(struct jobs *q, struct job *j)
{
	pthread_mutex_lock(&q->q_lock);
	j->state = J_QUEUED;
	j->qnext = NULL;
	*q->work_tail = j;
	q->work_tail = &j->qnext;
	pthread_cond_signal(&q->q_cond);
	pthread_mutex_unlock(&q->q_lock);
}

void job_log(const struct job *j, unsigned int cls, int prio, const char *msg)
{
	if (!msg[0])
		return;
	if (j->kind == NLC_ANSWER_DEFER && j->attempts)
		dlog(D_CALL, "retry %u: %s", j->attempts, msg);
	else if (prio >= LOG_DEBUG)
		dlog(cls, "%s", msg);
	else
		xlog(prio, "%s", msg);
}

void nlcached_compute(struct nlcached *d, struct job *j)
{
	struct answer_env env = { .d = d, .opts = { .ttl = d->cfg.ttl } };
	struct nlc_snapshot *s = NULL;
	struct nlc_mount_table *t = NULL;
	struct nlc_hostview hv;

	if (j->reload) {
		s = tables_snapshot(d);
		if (s)
			nlc_snapshot_put(s);
		return;
	}
	job_clear_answer(j);
	j->snap_gen = 0;
	j->installs_seen = atomic_load(&d->tables.installs);
	if (!j->ops->needs_exports) {
		j->ops->answer(j, &env);
		return;
	}
	s = tables_snapshot(d);
	t = s ? tables_mounts(&d->tables) : NULL;
	if (!s || !t) {
		j->kind = NLC_ANSWER_DEFER;
		if (!s)
			job_log(j, D_CALL, LOG_DEBUG, "exports are being re-read; answering after");
		goto out;
	}
	nlc_mounts_hostview(t, &nlc_resolver_libc, &hv);
	env.snap = s;
	env.hv = &hv;
	j->snap_gen = s->generation;
	j->ops->answer(j, &env);
	nlc_mounts_hostview_release(&hv);
	if (j->kind == NLC_ANSWER_NEGATIVE && s->dns_unsettled) {
		/* the client may be one whose name is still being looked up */
		j->kind = NLC_ANSWER_DEFER;
		job_log(j, D_CALL, LOG_DEBUG, "a client name is still being looked up; answering after");
	}
out:
	if (t)
		nlc_mounts_put(t);
	if (s)
		nlc_snapshot_put(s);
}

/* Take a queued job (waiting for one unless !wait); NULL if stopping. */
static struct job *take_work(struct jobs *q, bool wait)
{
	struct job *j;

	pthread_mutex_lock(&q->q_lock);
	while (wait && !q->work_head && !q->workers_stop)
		pthread_cond_wait(&q->q_cond, &q->q_lock);
	if (q->workers_stop || !q->work_head) {
		pthread_mutex_unlock(&q->q_lock);
		return NULL;
	}
	j = q->work_head;
	q->work_head = j->qnext;
	if (!q->work_head)
		q->work_tail = &q->work_head;
	j->state = J_RUNNING;
	pthread_mutex_unlock(&q->q_lock);
	return j;
}

/*
 * Hand j to the loop. True when the done list was empty: only then does
 * the loop need a wake-up, as its drain takes the whole list; one wake
 * per burst of answers, not one per answer.
 */
static bool put_done(struct jobs *q, struct job *j)
{
	bool first;

	pthread_mutex_lock(&q->q_lock);
	first = !q->done_head;
	j->state = J_DONE;
	j->qnext = NULL;
	*q->done_tail = j;
	q->done_tail = &j->qnext;
	pthread_mutex_unlock(&q->q_lock);
	return first;
}

/*
 * Test hook (VM tests only): NLCACHED_TEST_HOLD="PATH SECONDS" holds every
 * positive nfsd.export answer for PATH that long after computing it, a
 * slow lookup on demand. Read once, at the first answer.
 */
static pthread_once_t hold_once = PTHREAD_ONCE_INIT;
static char hold_path[PATH_MAX];
static unsigned int hold_secs;

static void read_hold(void)
{
	const char *v = getenv("NLCACHED_TEST_HOLD");

	if (v && sscanf(v, "%4095s %u", hold_path, &hold_secs) != 2)
		hold_secs = 0;
}

static void test_hold(const struct job *j)
{
	pthread_once(&hold_once, read_hold);
	if (!hold_secs || j->ops != &cache_export_ops || j->kind != NLC_ANSWER_POSITIVE ||
	    strcmp(j->key.exp.path, hold_path))
		return;
	xlog(LOG_INFO, "test hook: holding the nfsd.export answer for %s %s for %u s",
	     j->key.exp.client, hold_path, hold_secs);
	sleep(hold_secs);
}

/* Cache ci's flush epoch, read now (and remembered for epoch_before). */
static uint64_t epoch_now(struct nlcached *d, unsigned int ci)
{
	uint64_t e = d->flush_epoch ? d->flush_epoch(d, ci) : 0;

	atomic_store(&d->jobs.epoch_seen[ci], e);
	return e;
}

/*
 * The flush epoch a computation starting now is valid in: the last one
 * read, by anyone. It was read before this computation starts, so a flush
 * since then shows as a newer epoch at the send's check (job_stale) and
 * the answer is computed again: never a stale answer, one read per answer
 * (the send's) instead of two.
 */
static uint64_t epoch_before(struct nlcached *d, unsigned int ci)
{
	uint64_t e = atomic_load(&d->jobs.epoch_seen[ci]);

	return e ? e : epoch_now(d, ci);
}

/* Compute j, noting first the flush epoch its answer will be valid in. */
static void job_compute(struct nlcached *d, struct job *j)
{
	if (!j->reload)
		j->flush_epoch = epoch_before(d, j->ci);
	d->compute(d, j);
	if (!j->reload)
		test_hold(j);
}

bool job_stale(struct nlcached *d, const struct job *j, uint64_t epoch, uint64_t gen)
{
	(void)d;
	return epoch != j->flush_epoch || (j->snap_gen && gen > j->snap_gen);
}

void worker_sock_close(struct worker_sock *ws)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (ws->have[i])
			nlc_sock_close(&ws->s[i]);
		ws->have[i] = false;
	}
	ws->route = ROUTE_NONE;
}

/* The worker's socket for cache c on the loop's current route; NULL if
 * not connected or it cannot be opened. */
static struct nlc_sock *worker_sock_for(struct nlcached *d, struct worker_sock *ws,
					const struct nlc_cache *c)
{
	unsigned int gen = atomic_load(&d->conn_gen);
	int route = atomic_load(&d->conn_route);
	int i = c->native && !strcmp(c->family, NLC_NATIVE_NFSD) ? 1 : 0;
	int err;

	if (ws->conn_gen != gen || ws->route != route) {
		worker_sock_close(ws);
		ws->conn_gen = gen;
		ws->route = route;
	}
	if (route == ROUTE_NONE || (route == ROUTE_NATIVE) != c->native)
		return NULL;
	if (!ws->have[i]) {
		err = route == ROUTE_NATIVE ? nlc_sock_open_family(&ws->s[i], c->family) :
		      nlc_sock_open(&ws->s[i]);
		if (err) {
			xlog(LOG_WARNING, "worker: cannot open a socket for %s: %s", c->name,
			     strerror(-err));
			return NULL;
		}
		ws->have[i] = true;
	}
	return &ws->s[i];
}

/*
 * A send_may_block answer, sent by the worker that computed it: while the
 * kernel resolves its path (a hung mount, an autofs trigger) only this
 * worker waits. An answer made stale by a flush or reload meanwhile is
 * computed again first, as the loop does for the others.
 */
static void worker_send(struct nlcached *d, struct worker_sock *ws, struct job *j)
{
	struct nlc_sock *s;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (!job_stale(d, j, epoch_now(d, j->ci), tables_generation(&d->tables)))
			break;
		dlog(D_CALL, "%s: answer computed before a flush or reload: computing it again",
		     j->c->name);
		j->recomputes++;
		job_compute(d, j);
		if (j->kind == NLC_ANSWER_DEFER)
			return;
	}
	if (tries == 3)
		return;		/* still stale: the loop requeues it */
	s = worker_sock_for(d, ws, j->c);
	if (!s) {
		/* not connected (the loop forgets it) or no socket now:
		 * try again later, never from the loop */
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	if (send_job_on(d, s, j) == -EIO) {
		/* the family went away: the loop notices it too; the kernel
		 * asks again after the reconnect */
		worker_sock_close(ws);
	}
	j->sent = true;
}

/* Compute j (and send it if it is a send_may_block answer and ws is
 * given), then hand it to the loop; true if the loop needs a wake-up. */
static bool job_run(struct nlcached *d, struct worker_sock *ws, struct job *j)
{
	job_compute(d, j);
	if (ws && !j->reload && j->ops->send_may_block && j->kind != NLC_ANSWER_DEFER)
		worker_send(d, ws, j);
	return put_done(&d->jobs, j);
}

bool jobs_run_one(struct nlcached *d, struct worker_sock *ws)
{
	struct job *j = take_work(&d->jobs, false);

	if (!j)
		return false;
	job_run(d, ws, j);
	return true;
}

static void *worker(void *arg)
{
	struct nlcached *d = arg;
	struct worker_sock ws = { .route = ROUTE_NONE };
	struct job *j;

	while ((j = take_work(&d->jobs, true)))
		if (job_run(d, &ws, j))
			nlcached_wake(d);
	worker_sock_close(&ws);
	return NULL;
}

int jobs_start(struct nlcached *d, unsigned int n)
{
	struct jobs *q = &d->jobs;

	for (q->nthreads = 0; q->nthreads < n; q->nthreads++)
		if (pthread_create(&q->tids[q->nthreads], NULL, worker, d))
			return -1;
	return 0;
}

void jobs_stop(struct nlcached *d)
{
	struct jobs *q = &d->jobs;
	unsigned int i;

	pthread_mutex_lock(&q->q_lock);
	q->workers_stop = true;
	pthread_cond_broadcast(&q->q_cond);
	pthread_mutex_unlock(&q->q_lock);
	/* A worker stuck in DNS or on a hung mount is not waited for. */
	for (i = 0; i < q->nthreads; i++)
		pthread_detach(q->tids[i]);
}

static unsigned int cache_index(const struct nlcached *d, const struct nlc_cache *c)
{
	return (unsigned int)(c - d->be.caches);
}

static struct job *job_new(const struct nlc_pending *r, unsigned int ci, char *keytext,
			   uint32_t h)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	if (cache_ops[ci]->key_copy(&j->key, r)) {
		free(j);
		return NULL;
	}
	j->c = r->cache;
	j->ci = ci;
	j->seqno = r->seqno;
	j->ops = cache_ops[ci];
	j->keytext = keytext;
	j->hash = h;
	return j;
}

int jobs_seen(struct nlcached *d, const struct nlc_pending *r)
{
	struct jobs *q = &d->jobs;
	unsigned int ci = cache_index(d, r->cache);
	time_t now = now_mono();
	struct job *j;
	char *key;
	uint32_t h;

	if (ci >= NLC_NCACHES)
		return 0;
	key = cache_ops[ci]->key_text(r);
	if (!key)
		return -ENOMEM;	/* the next full scan sees it again */
	h = hash_str(key);
	j = job_find(q, ci, key, h);
	if (j) {
		j->last_seen = now;
		d->stats.dedup[ci]++;
		if (r->seqno > j->seqno && r->seqno > j->newer_seqno)
			j->newer_seqno = r->seqno;
		free(key);
		return 0;
	}
	j = job_new(r, ci, key, h);
	if (!j) {
		free(key);
		return -ENOMEM;
	}
	j->last_seen = now;
	j->hnext = q->keytab[h % KEY_BUCKETS];
	q->keytab[h % KEY_BUCKETS] = j;
	q->njobs++;
	if (log_debugging(D_CALL)) {
		char line[1024];

		if (nlc_pending_format(r, line, sizeof(line)) > 0) {
			line[strcspn(line, "\n")] = 0;
			dlog(D_CALL, "request: %s", line);
		}
	}
	job_queue(q, j);
	return 0;
}

void jobs_queue_reload(struct nlcached *d)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		xlog(LOG_ERR, "reload: out of memory");
		return;
	}
	j->reload = true;
	job_queue(&d->jobs, j);
}

time_t jobs_defer_delay(unsigned int attempts)
{
	time_t delay = 1;

	while (attempts-- > 0 && delay < DEFER_MAX_DELAY)
		delay *= 2;
	return delay < DEFER_MAX_DELAY ? delay : DEFER_MAX_DELAY;
}

/*
 * j is answered and about to be forgotten. If a newer request for its key
 * was listed meanwhile, that request may have come after the answer went
 * out: the next incremental scan of its cache starts below it (*relist
 * gets the cache's bit), so it is not left to the next full scan.
 */
static void job_done_relist(struct nlcached *d, const struct job *j, uint32_t *relist)
{
	uint64_t *upto = &d->be.seen_upto[j->ci];

	if (!j->newer_seqno)
		return;
	if (*upto >= j->newer_seqno)
		*upto = j->newer_seqno - 1;
	*relist |= j->c->type;
}

void jobs_drain(struct nlcached *d)
{
	struct jobs *q = &d->jobs;
	struct job *list, *j, *next;
	struct job **v[NLC_NCACHES] = { 0 };
	size_t n[NLC_NCACHES] = { 0 }, cap[NLC_NCACHES] = { 0 };
	uint64_t epoch[NLC_NCACHES], gen = 0;
	bool have_epoch[NLC_NCACHES] = { 0 }, have_gen = false;
	uint32_t relist = 0;
	size_t i, k;

	pthread_mutex_lock(&q->q_lock);
	list = q->done_head;
	q->done_head = NULL;
	q->done_tail = &q->done_head;
	pthread_mutex_unlock(&q->q_lock);

	for (j = list; j; j = next) {
		next = j->qnext;
		if (j->reload) {
			free(j);
			continue;
		}
		d->stats.recomputed[j->ci] += j->recomputes;
		j->recomputes = 0;
		if (j->sent) {
			/* its worker sent it */
			d->stats.answered[j->ci][j->kind != NLC_ANSWER_POSITIVE]++;
			d->stats.rejected[j->ci] += j->rejected;
			job_done_relist(d, j, &relist);
			job_unhash(q, j);
			job_free(j);
			continue;
		}
		if (j->kind == NLC_ANSWER_DEFER) {
			d->stats.deferred[j->ci]++;
			if (atomic_load(&d->tables.installs) != j->installs_seen) {
				/* a snapshot came while it was computed (the one it
				 * found missing or stale, typically): not a second
				 * of back-off for that */
				j->attempts++;
				job_queue(q, j);
				continue;
			}
			j->retry_at = now_mono() + jobs_defer_delay(j->attempts++);
			job_set_state(q, j, J_DEFERRED);
			continue;
		}
		if (!backend_connected(&d->be)) {
			/* no socket to answer on: forget it, the next scan of
			 * the new registration finds it again */
			job_unhash(q, j);
			job_free(j);
			continue;
		}
		/* the epochs now, read once per drain */
		if (!have_epoch[j->ci]) {
			epoch[j->ci] = epoch_now(d, j->ci);
			have_epoch[j->ci] = true;
		}
		if (!have_gen) {
			gen = tables_generation(&d->tables);
			have_gen = true;
		}
		if (job_stale(d, j, epoch[j->ci], gen)) {
			dlog(D_CALL, "%s: answer computed before a flush or reload: computing it again",
			     j->c->name);
			d->stats.recomputed[j->ci]++;
			job_queue(q, j);
			continue;
		}
		if (j->ops->send_may_block && q->nthreads) {
			/* its worker did not send it: a worker does */
			job_queue(q, j);
			continue;
		}
		if (n[j->ci] == cap[j->ci]) {
			size_t nc = cap[j->ci] ? cap[j->ci] * 2 : 64;
			struct job **nv = realloc(v[j->ci], nc * sizeof(*nv));

			if (!nv) {
				/* cannot batch it: answer it later */
				j->retry_at = now_mono() + 1;
				job_set_state(q, j, J_DEFERRED);
				continue;
			}
			v[j->ci] = nv;
			cap[j->ci] = nc;
		}
		v[j->ci][n[j->ci]++] = j;
	}
	for (i = 0; i < NLC_NCACHES; i++) {
		size_t nneg = 0;

		if (!n[i] || !v[i])
			continue;
		send_jobs(d, &d->be.caches[i], v[i], n[i], false);
		for (k = 0; k < n[i]; k++) {
			j = v[i][k];
			job_set_state(q, j, J_SENT);
			d->stats.answered[i][j->kind != NLC_ANSWER_POSITIVE]++;
			if (j->resend_negative) {
				/* the refused ones to the front, for the resend */
				v[i][k] = v[i][nneg];
				v[i][nneg++] = j;
			}
		}
		if (nneg)
			send_jobs(d, &d->be.caches[i], v[i], nneg, true);
		for (k = 0; k < n[i]; k++) {
			job_done_relist(d, v[i][k], &relist);
			job_unhash(q, v[i][k]);
			job_free(v[i][k]);
		}
		free(v[i]);
		v[i] = NULL;
	}
	if (relist)
		backend_scan(d, relist, true);
}

void jobs_retry(struct nlcached *d)
{
	struct jobs *q = &d->jobs;
	time_t now = now_mono();
	struct job **pp, *j;
	bool all = atomic_exchange(&d->tables.snap_installed, false);
	int i;

	for (i = 0; i < KEY_BUCKETS; i++) {
		pp = &q->keytab[i];
		while ((j = *pp)) {
			if (job_state(q, j) != J_DEFERRED) {
				pp = &j->hnext;
				continue;
			}
			if (now - j->last_seen > DEFER_FORGET) {
				/* the kernel no longer asks */
				*pp = j->hnext;
				q->njobs--;
				job_free(j);
				continue;
			}
			if ((all || now >= j->retry_at) && backend_connected(&d->be))
				job_queue(q, j);
			pp = &j->hnext;
		}
	}
}

void jobs_orphan_deferred(struct nlcached *d)
{
	struct jobs *q = &d->jobs;
	struct job *j;
	int i;

	/* Deferred requests belong to the old registration. */
	for (i = 0; i < KEY_BUCKETS; i++)
		for (j = q->keytab[i]; j; j = j->hnext)
			if (job_state(q, j) == J_DEFERRED)
				j->last_seen = 0;
}
