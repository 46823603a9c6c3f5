/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached's parts and the one struct they share. Where a behaviour lives:
 *
 *   nlcached.c          main: the epoll loop, signals, the periodic tick,
 *                       systemd notifications
 *   nlcached-conf.c     options and nfs.conf's [mountd] section
 *   nlcached-log.c      syslog/stderr logging and the debug classes
 *   nlcached-tables.c   the exports snapshot and the mount table the
 *                       answers read (reloads, kernel flush requests)
 *   nlcached-jobs.c     the request table: dedup by key, the worker pool,
 *                       deferral with back-off, forgetting
 *   nlcached-backend.c  the netlink sockets: nfsd_nlcache or the native
 *                       sunrpc/nfsd families, REGISTER, GET_REQS scans,
 *                       notifications, CACHE_FLUSH
 *   nlcached-send.c     answers back to the kernel in batched SET_REQS,
 *                       refusals re-sent as negative answers (from the
 *                       loop; nfsd.export/nfsd.fh from their worker)
 *   cache-ip.c, cache-gid.c, cache-export.c, cache-fh.c
 *                       one cache each: its key, how it is answered, how
 *                       the answer is encoded (struct cache_ops)
 *
 * Only the loop thread touches struct nlcached, except where a field says
 * otherwise (the tables and the job queues have their own locks).
 */
#ifndef NLCACHED_H
#define NLCACHED_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "answer.h"
#include "mounts.h"
#include "nlc_nl.h"
#include "nlc_proto.h"
#include "dnswait.h"
#include "snapshot.h"

#define PROG "nlcached"

/* --------------------------------------------------------------- logging */

/* debug classes (-d), as rpc.mountd names them, plus netlink */
#define D_GENERAL	0x01
#define D_CALL		0x02
#define D_AUTH		0x04
#define D_PARSE		0x08
#define D_NETLINK	0x10
#define D_ALL		0xff

/* Where log lines go: syslog always, stderr too in the foreground (unless
 * stderr is the journal). Process-wide, like syslog itself. */
void log_setup(bool foreground, unsigned int debug);
bool log_debugging(unsigned int cls);
__attribute__((format(printf, 2, 3)))
void xlog(int prio, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void dlog(unsigned int cls, const char *fmt, ...);

uint64_t now_real(void);
time_t now_mono(void);

/* ----------------------------------------------------------- configuration */

#define MAX_THREADS	64
#define DEFAULT_THREADS	4

enum backend_kind {
	BACKEND_AUTO,
	BACKEND_NLCACHE,
	BACKEND_NATIVE,
};

struct nlcached_config {
	bool foreground;
	unsigned int debug;
	bool manage_gids;
	unsigned int ttl;
	bool use_ipaddr;
	unsigned int threads;
	char statedir[PATH_MAX];
	char etab[PATH_MAX + 8];
	const char *exports_file;
	const char *config;
	enum backend_kind backend;
};

/* The defaults, then nfs.conf, then the command line. Returns 0, 1 after
 * --help or --version, -1 on a usage error (already reported). */
int conf_parse(struct nlcached_config *cfg, int argc, char **argv);
/* "-d" class names: general, call, auth, parse, netlink, all. */
int conf_parse_debug(const char *s, unsigned int *out);

/* ------------------------------------------------------------------ tables */

/*
 * The exports snapshot and the mount table the answers are computed from,
 * shared by the workers. The atomics are set by any thread.
 */
struct tables {
	pthread_mutex_t snap_lock;
	struct nlc_snapshot *snap_cur;
	uint64_t snap_gen;
	bool snap_loading;		/* under snap_lock */
	struct nlc_snap_config snap_cfg;
	atomic_bool snap_force;		/* SIGHUP */
	struct nlc_dnswait dnsw;	/* the loads' name lookups */
	bool dnsw_ok;
	atomic_bool dns_settled;	/* a lookup a load gave up on ended */
	atomic_bool snap_installed;	/* retry deferred requests now */
	atomic_uint_fast64_t installs;	/* snapshots installed (or loads failed) */
	atomic_bool flush_wanted;	/* reload in a mode without exportfs */
	atomic_bool use_ipaddr_cur;
	atomic_uint features;		/* export_features, 0: not read yet */

	pthread_mutex_t mounts_lock;
	struct nlc_mount_table *mounts_cur;
	time_t mounts_read_at;
	atomic_bool mounts_dirty;	/* re-read the mount table */

	/* /proc/net/rpc/<cache>, kept open (-1: not yet); replaced in place
	 * with dup3 when nfsd's module came back */
	pthread_mutex_t flush_lock;
	atomic_int flush_fd[NLC_NCACHES];
};

struct nlcached;
void tables_init(struct nlcached *d);
void tables_free(struct tables *t);
/* A reference to the current snapshot, re-read first if a source changed;
 * NULL while another worker re-reads it. Worker threads only (blocks). */
struct nlc_snapshot *tables_snapshot(struct nlcached *d);
/* A reference to the mount table, re-read if it changed or aged. */
struct nlc_mount_table *tables_mounts(struct tables *t);
/* The kernel's supported export flags (/proc/fs/nfsd/export_features). */
uint32_t tables_export_features(struct tables *t);
/* The generation of the installed snapshot (0: none yet). */
uint64_t tables_generation(struct tables *t);
/*
 * Cache @ci's flush epoch: /proc/net/rpc/<cache>/flush, the time of the
 * last flush (exportfs -u/-r/-f, nlcachectl flush, CACHE_FLUSH), which the
 * kernel raises by at least one at every flush; 0 if it cannot be read.
 */
uint64_t tables_flush_epoch(struct nlcached *d, unsigned int ci);

/* --------------------------------------------------------------- the caches */

/* A request's key, copied out of the GET_REQS message it came in. */
union cache_key {
	struct {
		char *class;
		char *addr;
	} ip;
	struct {
		uint32_t uid;
	} gid;
	struct {
		char *client;
		char *path;
	} exp;
	struct {
		char *client;
		uint8_t fsidtype;
		unsigned char fsid[NLC_FSID_MAX];
		size_t fsid_len;
	} fh;
};

/* A positive answer's payload (kind, ttl and expiry are in struct job). */
union cache_answer {
	struct {
		char *domain;
	} ip;
	struct {
		uint32_t *gids;
		size_t ngids;
	} gid;
	struct {
		/* its exp pointer is cleared: nothing points into a snapshot */
		struct nlc_export_answer *a;
	} exp;
	struct {
		char *path;
	} fh;
};

/* What an answer is computed from (NULL for caches that need no exports). */
struct answer_env {
	struct nlcached *d;
	const struct nlc_snapshot *snap;
	const struct nlc_hostview *hv;
	struct nlc_answer_opts opts;
};

/* How a reply entry is encoded. */
struct reply_env {
	bool negative;		/* send the key as a negative entry */
	bool resend;		/* re-sending a refused positive answer */
	uint64_t now;		/* seconds since the epoch */
	unsigned int ttl;	/* -T */
	bool native;		/* the kernel's sunrpc/nfsd families */
};

struct job;

struct cache_ops {
	uint32_t type;		/* NLCACHE_CACHE_TYPE_* */
	unsigned int log_class;	/* debug class of its routine lines */
	bool needs_exports;	/* its answer reads the snapshot and mounts */
	/* the kernel resolves the answer's path while parsing it (kern_path:
	 * a hung mount or an autofs trigger blocks the sender), so the
	 * worker that computed it sends it, never the loop */
	bool send_may_block;
	/* Copy the key out of a decoded request: 0 or -ENOMEM. */
	int (*key_copy)(union cache_key *k, const struct nlc_pending *r);
	void (*key_free)(union cache_key *k);
	/* A request's key as one string, the dedup table's key (malloc'ed;
	 * NULL if out of memory). */
	char *(*key_text)(const struct nlc_pending *r);
	/* The key for a log line ("<class> <addr>"). */
	void (*key_describe)(const union cache_key *k, char *buf, size_t size);
	/* Compute the answer into j (kind, ttl/expiry, payload). Blocks. */
	void (*answer)(struct job *j, const struct answer_env *env);
	void (*answer_free)(union cache_answer *a);
	/* Append j's reply entry: nlc_put_*'s return values. */
	int (*put)(struct nl_msg *msg, const struct job *j, const struct reply_env *env);
	/* The kernel refused j's positive answer (optional): say why. */
	void (*refused)(const struct job *j, int err, bool local);
};

extern const struct cache_ops cache_ip_ops;
extern const struct cache_ops cache_gid_ops;
extern const struct cache_ops cache_export_ops;
extern const struct cache_ops cache_fh_ops;
/* By cache index (the bit order of nlc_caches). */
extern const struct cache_ops *const cache_ops[NLC_NCACHES];

/* ------------------------------------------------------------------- jobs */

/* re-REGISTER while a cache is missing (nfsd not started yet) */
#define REGISTER_RETRY	2
/* how often every served cache is scanned without a notification */
#define SCAN_PERIOD	15
/* a deferred request not seen pending for this long is forgotten */
#define DEFER_FORGET	90
#define DEFER_MAX_DELAY	30
#define RECONNECT_DELAY	2

enum job_state {
	J_QUEUED,	/* waiting for a worker */
	J_RUNNING,
	J_DONE,		/* answer ready, waiting to be sent */
	J_DEFERRED,	/* no answer now; retry at retry_at */
	J_SENT,		/* answered: freed by jobs_drain */
};

struct job {
	struct job *hnext;	/* key table chain */
	struct job *qnext;	/* work or done queue */
	const struct nlc_cache *c;
	const struct cache_ops *ops;
	unsigned int ci;	/* index in the cache table */
	char *keytext;
	uint32_t hash;
	union cache_key key;
	enum job_state state;
	unsigned int attempts;
	time_t retry_at;
	time_t last_seen;
	/* answer */
	enum nlc_answer_kind kind;
	unsigned int ttl;
	uint64_t expiry;
	union cache_answer ans;
	bool resend_negative;	/* the kernel refused the positive answer */
	bool reload;		/* not a request: re-read the exports */
	/* what the answer was computed against: it is not sent after a
	 * flush of its cache or once a newer snapshot is in (job_stale) */
	uint64_t flush_epoch;
	uint64_t snap_gen;	/* 0: the answer reads no snapshot */
	/* tables.installs when its computation began: a deferral while a
	 * snapshot was being loaded is retried at once if one came since */
	uint64_t installs_seen;
	/* sent by its worker (send_may_block): the loop only counts it */
	bool sent;
	unsigned int rejected;	/* entries the kernel refused */
	unsigned int recomputes; /* stale answers its worker computed again */
	/* the request's seqno, and that of a newer request for the same key
	 * a scan listed while this one was in flight (0: none): its answer
	 * may have gone out before that request came, so once it is done the
	 * next incremental scan starts below it (jobs_drain) */
	uint64_t seqno, newer_seqno;
};

/* A deferred answer's own log line says why once, not at every retry. */
void job_log(const struct job *j, unsigned int cls, int prio, const char *msg);

#define KEY_BUCKETS 1024

struct jobs {
	struct job *keytab[KEY_BUCKETS];
	size_t njobs;
	/* the queues, shared with the workers */
	pthread_mutex_t q_lock;
	pthread_cond_t q_cond;
	struct job *work_head, **work_tail;
	struct job *done_head, **done_tail;
	bool workers_stop;
	pthread_t tids[MAX_THREADS];
	unsigned int nthreads;
	/* each cache's flush epoch as last read (0: never): a computation
	 * starts from it instead of reading it again (job_compute) */
	atomic_uint_fast64_t epoch_seen[NLC_NCACHES];
};

void jobs_init(struct jobs *q);
/* Start n workers; stop them (those stuck in DNS are left detached). */
int jobs_start(struct nlcached *d, unsigned int n);
void jobs_stop(struct nlcached *d);
/* Free every job (tests; the daemon exits without it). */
void jobs_free(struct jobs *q);

/* A pending request seen in a scan: a new job, or a duplicate of one;
 * -ENOMEM when it could not be taken (a later scan lists it again). */
int jobs_seen(struct nlcached *d, const struct nlc_pending *r);
/* Re-read the exports on a worker. */
void jobs_queue_reload(struct nlcached *d);
/*
 * A worker's own sockets, for the answers it sends itself (one per family
 * of the route: nfsd_nlcache, or sunrpc and nfsd), reopened when the
 * loop's connection changes (conn_gen).
 */
struct worker_sock {
	struct nlc_sock s[2];
	bool have[2];
	unsigned int conn_gen;
	int route;		/* enum backend_route */
};
void worker_sock_close(struct worker_sock *ws);
/* Take one queued job and compute it on this thread, sending it here if
 * it is a send_may_block answer and ws is not NULL; false if none. */
bool jobs_run_one(struct nlcached *d, struct worker_sock *ws);
/* Take the finished jobs: send the answers, park the deferred ones. */
void jobs_drain(struct nlcached *d);
/* Deferred jobs whose time has come back to the workers; forget those the
 * kernel no longer asks for. */
void jobs_retry(struct nlcached *d);
/* The registration was lost: no deferred job is still being asked for. */
void jobs_orphan_deferred(struct nlcached *d);
/*
 * An answer computed before the last flush of its cache, or from a
 * snapshot older than the installed one: sending it could re-grant what
 * exportfs -u just revoked (the kernel's re-upcall for the same key merges
 * into this job). Such a job is computed again instead.
 */
bool job_stale(struct nlcached *d, const struct job *j, uint64_t epoch, uint64_t gen);
/* The back-off before the retry after @attempts deferrals. */
time_t jobs_defer_delay(unsigned int attempts);

/* ---------------------------------------------------------------- backend */

/* Which families a connection uses. */
enum backend_route {
	ROUTE_NONE,
	ROUTE_NLCACHE,	/* nfsd_nlcache */
	ROUTE_NATIVE,	/* the kernel's sunrpc and nfsd families */
};

struct backend {
	enum backend_kind kind;		/* --backend */
	enum backend_route route;	/* ROUTE_NONE: not connected */
	const struct nlc_cache *caches;	/* nlc_caches or nlc_native_caches */
	/* command sockets: [0] nfsd_nlcache or sunrpc, [1] nfsd (native) */
	struct nlc_sock cmd[2];
	bool have_cmd[2];
	struct nlc_sock notify;
	bool have_notify;
	uint32_t want;		/* cache types to serve */
	uint32_t served;	/* registered (nlcache) */
	uint32_t missing;
	time_t next_register;
	time_t next_connect;
	time_t next_scan;
	bool ready_sent;
	bool warned_absent;
	time_t absent_since;
	/* native: /proc/net/rpc/<cache>/channel held open for writing */
	int chan[NLC_NCACHES];
	/* nlcache: every request up to this seqno was seen in a complete
	 * dump; a notification's scan asks only for what came after (0:
	 * everything) */
	uint64_t seen_upto[NLC_NCACHES];
};

void backend_init(struct backend *be, enum backend_kind kind, uint32_t want);
static inline bool backend_connected(const struct backend *be)
{
	return be->route != ROUTE_NONE;
}
/* The route a connection attempt starts with. */
enum backend_route backend_first_route(enum backend_kind kind, bool native_present);
/* The route to try after @route failed with @err; ROUTE_NONE: give up. */
enum backend_route backend_fallback(enum backend_kind kind, enum backend_route route, int err);
int backend_connect(struct nlcached *d);
void backend_close(struct backend *be);
/* The family went away: close, reconnect later. */
void backend_lost(struct nlcached *d, int err, const char *what);
/* REGISTER (nlcache route); -EIO means the family is gone. */
int backend_register(struct nlcached *d);
void backend_unregister(struct nlcached *d);
/* The command socket that serves cache c; NULL if none. */
struct nlc_sock *backend_sock(struct backend *be, const struct nlc_cache *c);
/* GET_REQS dumps of the served caches among @types. */
void backend_scan(struct nlcached *d, uint32_t types, bool incremental);
/* Read the notification socket and scan what it names. */
void backend_read_notify(struct nlcached *d);
/* CACHE_FLUSH of the kernel's export caches. */
void backend_flush(struct nlcached *d);
/* Native route: hold the /proc channels open (see backend.c). */
void backend_hold_channels(struct backend *be);

/* ------------------------------------------------------------------- send */

/* Send the answers of n jobs of cache c (as negative ones if
 * negative_only); jobs the kernel refuses get resend_negative. */
void send_jobs(struct nlcached *d, const struct nlc_cache *c, struct job **v, size_t n,
	       bool negative_only);
/* A worker sends one job's answer on its own socket (and the negative
 * resend if refused); refusals are counted in j->rejected. 0 or -EIO. */
int send_job_on(struct nlcached *d, struct nlc_sock *s, struct job *j);

/* ------------------------------------------------------------- the daemon */

struct nlcached_stats {
	uint64_t answered[NLC_NCACHES][2];	/* [positive, negative] */
	uint64_t deferred[NLC_NCACHES];
	uint64_t rejected[NLC_NCACHES];
	uint64_t dedup[NLC_NCACHES];
	uint64_t recomputed[NLC_NCACHES];	/* stale when finished */
	uint64_t scans;
	uint64_t notifications;
	uint64_t overruns;
};

struct nlcached {
	struct nlcached_config cfg;
	struct tables tables;
	struct jobs jobs;
	struct backend be;
	struct nlcached_stats stats;	/* loop thread */
	int done_efd;			/* the workers wake the loop */
	/* computes a job's answer on a worker (tests replace it) */
	void (*compute)(struct nlcached *d, struct job *j);
	/* tables_flush_epoch (tests replace it) */
	uint64_t (*flush_epoch)(struct nlcached *d, unsigned int ci);
	/* the loop's connection, for the workers' own sockets: bumped at
	 * every connect and close; the route it has */
	atomic_uint conn_gen;
	_Atomic enum backend_route conn_route;
};

/* The workers' compute: a reload, or the cache's answer. */
void nlcached_compute(struct nlcached *d, struct job *j);
/* Wake the loop (from any thread). */
void nlcached_wake(struct nlcached *d);

#endif /* NLCACHED_H */
