/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export-load name lookups with a deadline.
 *
 * An exports load resolves every FQDN client (as rpc.mountd does at every
 * etab read). rpc.mountd does it in its only thread: a name server that
 * does not answer stalls every cache for the resolver's timeout. Here each
 * load's lookups run in threads of their own, all at once (prefetch), and
 * the load waits for them until its deadline only. A lookup still running
 * then counts as unresolved for that load (the client keeps its last good
 * addresses, or matches nothing: what rpc.mountd ends up with when the
 * lookup times out) and goes on in the background; when it ends, the
 * settled() callback asks for a new load, which takes its result without
 * asking again. Every other load asks anew, as rpc.mountd does.
 * A lookup that failed for now is asked again, with back-off, and a
 * settled() call when its outcome changes (nlc_dnswait_tick).
 *
 * struct nlc_dnswait's resolver forwards everything but forward lookups to
 * the base resolver unchanged.
 */
#ifndef NLC_DNSWAIT_H
#define NLC_DNSWAIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "client.h"

/* how long one load waits for its lookups, all together */
#define NLC_DNSWAIT_LOAD_MS	500
/* the first retry of a lookup that failed for now; then doubling */
#define NLC_DNSWAIT_RETRY_MS	2000
/* lookups running at once; a name beyond that waits for the next load */
#define NLC_DNSWAIT_THREADS	16

struct nlc_dnswait_entry;

struct nlc_dnswait {
	struct nlc_resolver r;		/* give this to the load */
	const struct nlc_resolver *base;
	unsigned int load_ms;
	unsigned int retry_ms;		/* NLC_DNSWAIT_RETRY_MS */
	/* a lookup a load gave up on has ended (any thread; may be NULL) */
	void (*settled)(void *arg);
	void *settled_arg;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct nlc_dnswait_entry *entries;
	unsigned int running;		/* lookup threads alive */
	uint64_t load_start, deadline;	/* monotonic ms, of the current load */
	unsigned int timed_out;		/* this load's lookups past its deadline */
	bool starved;			/* one found no thread to ask */
	bool closing;
};

/* @base: the resolver that really asks (nlc_resolver_libc). */
int nlc_dnswait_init(struct nlc_dnswait *w, const struct nlc_resolver *base,
		     unsigned int load_ms, void (*settled)(void *arg), void *arg);
/* Waits for every lookup thread to end (the base resolver's own timeout). */
void nlc_dnswait_destroy(struct nlc_dnswait *w);
/* A load starts: its deadline is now + load_ms. One load at a time. */
void nlc_dnswait_begin(struct nlc_dnswait *w);
/*
 * Call about once a second: a name whose lookup failed for now (any error
 * but -ENOENT) is asked again after 2, 4, 8, 16, 32, then every 60 s, and
 * settled() is called when it resolves or is found not to exist.
 */
void nlc_dnswait_tick(struct nlc_dnswait *w);
/* The load ended: how many of its lookups were still running. */
unsigned int nlc_dnswait_end(struct nlc_dnswait *w);

#endif /* NLC_DNSWAIT_H */
