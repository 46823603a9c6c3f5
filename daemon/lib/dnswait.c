// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export-load name lookups with a deadline (dnswait.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnswait.h"

/* an entry no load asked for in this long is dropped */
#define ENTRY_IDLE_MS	(10u * 60 * 1000)

struct nlc_dnswait_entry {
	struct nlc_dnswait_entry *next;
	struct nlc_dnswait *w;
	char *name;
	bool running;		/* a thread is asking */
	bool abandoned;		/* a load stopped waiting for it */
	int err;		/* of the last lookup that ended */
	struct nlc_hostent *res;	/* its result when err == 0 */
	uint64_t done_at;	/* when it ended; 0: never */
	uint64_t used_at;	/* when a load last asked */
	/* it failed for now (not -ENOENT): asked again at retry_at */
	uint64_t retry_at;
	unsigned int fails;
	bool retrying;		/* the running lookup is such a retry */
	/* it ended after a load gave up on it, or as a retry: the next load
	 * takes the result as it is */
	bool unconsumed;
};

/* may the failure pass by itself? */
static bool transient(int err)
{
	return err && err != -ENOENT;
}

/* 2, 4, 8, 16, 32, then every 60 s (retry_ms 2000) */
static uint64_t retry_delay(const struct nlc_dnswait *w, unsigned int fails)
{
	return fails >= 5 ? 30u * w->retry_ms : (uint64_t)w->retry_ms << fails;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void entry_free(struct nlc_dnswait_entry *e)
{
	free(e->name);
	free(e->res);
	free(e);
}

/* under w->lock */
static struct nlc_dnswait_entry *entry_get(struct nlc_dnswait *w, const char *name)
{
	struct nlc_dnswait_entry *e;

	for (e = w->entries; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->name = strdup(name);
	if (!e->name) {
		free(e);
		return NULL;
	}
	e->w = w;
	e->next = w->entries;
	w->entries = e;
	return e;
}

static void *lookup_thread(void *arg)
{
	struct nlc_dnswait_entry *e = arg;
	struct nlc_dnswait *w = e->w;
	struct nlc_hostent *h = calloc(1, sizeof(*h));
	int err = h ? w->base->forward(w->base->cookie, e->name, h) : -ENOMEM;
	bool tell;

	pthread_mutex_lock(&w->lock);
	free(e->res);
	e->res = err ? NULL : h;
	if (err)
		free(h);
	e->err = err;
	e->done_at = now_ms();
	e->running = false;
	tell = e->abandoned || w->starved;
	if (e->retrying) {
		/* a reload only when the failure is over */
		e->retrying = false;
		if (transient(err))
			e->retry_at = e->done_at + retry_delay(w, ++e->fails);
		else
			tell = true;
	}
	tell = tell && !w->closing;
	e->unconsumed = true;
	e->abandoned = false;
	w->starved = false;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);

	if (tell && w->settled)
		w->settled(w->settled_arg);

	pthread_mutex_lock(&w->lock);
	w->running--;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* under w->lock: a result the current load may take as it is: asked
 * during this load, or one no load has taken yet */
static bool fresh(const struct nlc_dnswait *w, const struct nlc_dnswait_entry *e)
{
	return !e->running && e->done_at &&
	       (e->done_at >= w->load_start || e->unconsumed);
}

/* under w->lock: start asking for e, unless too many are asking */
static void start_thread(struct nlc_dnswait *w, struct nlc_dnswait_entry *e)
{
	pthread_attr_t attr;
	pthread_t t;

	if (e->running || w->running >= NLC_DNSWAIT_THREADS)
		return;
	if (pthread_attr_init(&attr))
		return;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e->running = true;
	w->running++;
	if (pthread_create(&t, &attr, lookup_thread, e)) {
		e->running = false;
		w->running--;
	}
	pthread_attr_destroy(&attr);
}

/* under w->lock: a load wants e; e is running after this, unless it is
 * fresh or no thread could start */
static void start(struct nlc_dnswait *w, struct nlc_dnswait_entry *e)
{
	e->used_at = now_ms();
	if (!w->deadline)
		w->deadline = e->used_at + w->load_ms;
	if (!fresh(w, e))
		start_thread(w, e);
}

static void dw_prefetch(void *cookie, const char *name)
{
	struct nlc_dnswait *w = cookie;
	struct nlc_dnswait_entry *e;

	pthread_mutex_lock(&w->lock);
	e = entry_get(w, name);
	if (e)
		start(w, e);
	pthread_mutex_unlock(&w->lock);
}

static int dw_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	struct nlc_dnswait *w = cookie;
	struct nlc_dnswait_entry *e;
	struct timespec ts;
	int err;

	memset(h, 0, sizeof(*h));
	pthread_mutex_lock(&w->lock);
	e = entry_get(w, name);
	if (!e) {
		pthread_mutex_unlock(&w->lock);
		return -ENOMEM;
	}
	start(w, e);
	ts.tv_sec = (time_t)(w->deadline / 1000u);
	ts.tv_nsec = (long)(w->deadline % 1000u) * 1000000L;
	/* every lookup that ends wakes us: ours, or one whose thread this
	 * lookup can have now (NLC_DNSWAIT_THREADS at most) */
	while (!fresh(w, e) && now_ms() < w->deadline) {
		if (!e->running) {
			start_thread(w, e);
			if (e->running)
				continue;
		}
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT)
			break;
	}
	if (!fresh(w, e)) {
		/* still asking (or no thread to ask yet): the next load
		 * takes it, started when this lookup (or any) ends */
		if (e->running)
			e->abandoned = true;
		else
			w->starved = true;
		w->timed_out++;
		pthread_mutex_unlock(&w->lock);
		return -ETIMEDOUT;
	}
	err = e->err;
	e->unconsumed = false;
	if (!err) {
		memcpy(h, e->res, sizeof(*h));
		e->fails = 0;
		e->retry_at = 0;
	} else if (transient(err) && !e->retry_at) {
		/* this load goes without it; ask again later (nlc_dnswait_tick) */
		e->retry_at = now_ms() + retry_delay(w, e->fails);
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}

static int dw_reverse(void *cookie, const struct nlc_addr *a, char *name, size_t size)
{
	const struct nlc_resolver *b = ((struct nlc_dnswait *)cookie)->base;

	return b->reverse ? b->reverse(b->cookie, a, name, size) : -ENOENT;
}

static int dw_aliases(void *cookie, const char *name, struct nlc_hostent *h)
{
	const struct nlc_resolver *b = ((struct nlc_dnswait *)cookie)->base;

	return b->aliases ? b->aliases(b->cookie, name, h) : -ENOENT;
}

static int dw_innetgr(void *cookie, const char *netgroup, const char *host)
{
	const struct nlc_resolver *b = ((struct nlc_dnswait *)cookie)->base;

	return b->innetgr ? b->innetgr(b->cookie, netgroup, host) : 0;
}

int nlc_dnswait_init(struct nlc_dnswait *w, const struct nlc_resolver *base,
		     unsigned int load_ms, void (*settled)(void *arg), void *arg)
{
	pthread_condattr_t ca;
	int err;

	memset(w, 0, sizeof(*w));
	w->base = base;
	w->load_ms = load_ms;
	w->retry_ms = NLC_DNSWAIT_RETRY_MS;
	w->settled = settled;
	w->settled_arg = arg;
	w->r.prefetch = dw_prefetch;
	w->r.forward = base->forward ? dw_forward : NULL;
	w->r.reverse = dw_reverse;
	w->r.aliases = dw_aliases;
	w->r.innetgr = dw_innetgr;
	w->r.cookie = w;
	err = pthread_condattr_init(&ca);
	if (err)
		return -err;
	err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -err;
	err = pthread_mutex_init(&w->lock, NULL);
	if (err) {
		pthread_cond_destroy(&w->cond);
		return -err;
	}
	return 0;
}

void nlc_dnswait_destroy(struct nlc_dnswait *w)
{
	struct nlc_dnswait_entry *e;

	pthread_mutex_lock(&w->lock);
	w->closing = true;
	while (w->running)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	while ((e = w->entries)) {
		w->entries = e->next;
		entry_free(e);
	}
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

void nlc_dnswait_begin(struct nlc_dnswait *w)
{
	struct nlc_dnswait_entry **pp, *e;

	pthread_mutex_lock(&w->lock);
	w->load_start = now_ms();
	w->deadline = 0;	/* set by the load's first lookup */
	w->timed_out = 0;
	for (pp = &w->entries; (e = *pp);) {
		if (!e->running && e->used_at + ENTRY_IDLE_MS < w->load_start) {
			*pp = e->next;
			entry_free(e);
		} else {
			pp = &e->next;
		}
	}
	pthread_mutex_unlock(&w->lock);
}

void nlc_dnswait_tick(struct nlc_dnswait *w)
{
	struct nlc_dnswait_entry *e;
	uint64_t now = now_ms();

	pthread_mutex_lock(&w->lock);
	for (e = w->entries; e && !w->closing; e = e->next) {
		if (!e->retry_at || e->retry_at > now || e->running)
			continue;
		e->retry_at = 0;
		e->retrying = true;
		start_thread(w, e);
		if (!e->running) {
			/* no thread now: next tick */
			e->retrying = false;
			e->retry_at = now + 1000u;
		}
	}
	pthread_mutex_unlock(&w->lock);
}

unsigned int nlc_dnswait_end(struct nlc_dnswait *w)
{
	unsigned int n;
	bool kick;

	pthread_mutex_lock(&w->lock);
	n = w->timed_out;
	/* a name found no thread and no lookup is left to end and say so:
	 * ask for the next load now (it starts those lookups) */
	kick = w->starved && !w->running && !w->closing;
	if (kick)
		w->starved = false;
	pthread_mutex_unlock(&w->lock);
	if (kick && w->settled)
		w->settled(w->settled_arg);
	return n;
}
