// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached: answers the NFS server's sunrpc cache upcalls (auth.unix.ip,
 * auth.unix.gid, nfsd.export, nfsd.fh) over generic netlink, with
 * rpc.mountd's semantics.
 *
 * One thread owns the netlink sockets and runs an epoll loop (signalfd,
 * notification socket, timerfd, mountinfo, worker completions). Requests
 * are fetched with GET_REQS dumps, deduplicated by key, and computed on a
 * pool of worker threads (DNS, NSS, stat, statfs and blkid block there,
 * never in the loop); finished answers go back in batched SET_REQS.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/nfsd_nlcache.h>

#include "answer.h"
#include "client.h"
#include "gids.h"
#include "mounts.h"
#include "nfsconf.h"
#include "nlc_nl.h"
#include "nlc_proto.h"
#include "snapshot.h"

#define PROG "nlcached"

/* debug classes (-d), as rpc.mountd names them, plus netlink */
#define D_GENERAL	0x01
#define D_CALL		0x02
#define D_AUTH		0x04
#define D_PARSE		0x08
#define D_NETLINK	0x10
#define D_ALL		0xff

#define MAX_THREADS	64
#define DEFAULT_THREADS	4
/* how often every served cache is scanned without a notification */
#define SCAN_PERIOD	15
/* re-REGISTER while a cache is missing (nfsd not started yet) */
#define REGISTER_RETRY	2
/* a deferred request not seen pending for this long is forgotten */
#define DEFER_FORGET	90
#define DEFER_MAX_DELAY	30
#define RECONNECT_DELAY	2

enum backend_kind {
	BACKEND_AUTO,
	BACKEND_NLCACHE,
	BACKEND_NATIVE,
};

static struct {
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
} opt = {
	.ttl = NLC_TTL_DEFAULT,
	.threads = DEFAULT_THREADS,
	.statedir = "/var/lib/nfs",
};

/* ---------------------------------------------------------------- logging */

static bool log_to_journal;

static void vlog(int prio, const char *fmt, va_list ap)
{
	va_list aq;

	/* under systemd, stderr is the journal too: say it once */
	if (opt.foreground && !log_to_journal) {
		va_copy(aq, ap);
		fprintf(stderr, PROG ": ");
		vfprintf(stderr, fmt, aq);
		fputc('\n', stderr);
		va_end(aq);
	}
	vsyslog(prio, fmt, ap);
}

__attribute__((format(printf, 2, 3)))
static void xlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void dlog(unsigned int cls, const char *fmt, ...)
{
	va_list ap;

	if (!(opt.debug & cls))
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static uint64_t now_real(void)
{
	return (uint64_t)time(NULL);
}

static time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* ------------------------------------------------------- exports snapshot */

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nlc_snapshot *snap_cur;
static uint64_t snap_gen;
static atomic_bool snap_force;		/* SIGHUP */
static atomic_bool mounts_dirty = true;	/* re-read the mount table */
static atomic_bool flush_wanted;	/* reload in a mode without exportfs */
static atomic_bool use_ipaddr_cur;
static atomic_uint features;		/* export_features, 0: not read yet */
static struct nlc_snap_config snap_cfg;
static int done_efd = -1;		/* wakes the loop */

static void wake_loop(void)
{
	uint64_t one = 1;

	if (write(done_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		xlog(LOG_ERR, "eventfd write: %m");
}

/*
 * The export flags this kernel's nfsd knows, from export_features. If that
 * file cannot be read (nfsd's filesystem not mounted in this mount
 * namespace, say), assume what every kernel nlcached runs on (5.10 and
 * later) supports: everything but sign_fh (7.2, which has the file). Never
 * mountd's fallback of pre-2.6.33 flags: it lacks v4root, and a pseudo root
 * without v4root is a plain read-only export of "/".
 */
#define EXPORT_FEATURES_DEFAULT \
	(NLCACHE_EXPORT_FLAGS_ALL & ~(uint32_t)NLCACHE_EXPORT_FLAGS_SIGN_FH)

static uint32_t export_features(void)
{
	static atomic_bool warned;
	unsigned int f = atomic_load(&features);
	unsigned int sup = 0, sec;
	const char *why = "unexpected contents";
	char eb[64];
	FILE *fp;

	if (f)
		return f;
	fp = fopen("/proc/fs/nfsd/export_features", "re");
	if (!fp)
		why = strerror_r(errno, eb, sizeof(eb));
	if (fp) {
		if (fscanf(fp, "%x %x", &sup, &sec) != 2)
			sup = 0;
		fclose(fp);
	}
	if (sup) {
		atomic_store(&features, sup);
		xlog(LOG_INFO, "nfsd's export features: %#x", sup);
		return sup;
	}
	if (!atomic_exchange(&warned, true))
		xlog(LOG_WARNING,
		     "cannot read /proc/fs/nfsd/export_features (%s); assuming export flags %#x",
		     why, EXPORT_FEATURES_DEFAULT);
	return EXPORT_FEATURES_DEFAULT;
}

/* Can nfsd export @path without fsid= or a uuid? Filesystems backed by a
 * device can; the rest need an identity (mountd asks with a test export). */
static bool fs_identifiable(const char *path, void *arg)
{
	struct stat st;

	(void)arg;
	return stat(path, &st) == 0 && major(st.st_dev) != 0;
}

static void snapshot_report(const struct nlc_snapshot *s)
{
	char files[1024] = "";
	size_t i, real = 0, off = 0;

	for (i = 0; i < s->table.nerr; i++)
		xlog(s->table.err[i].warning ? LOG_WARNING : LOG_ERR, "%s",
		     s->table.err[i].msg);
	for (i = 0; i < s->nexp; i++)
		real += !s->exp[i].v4root;
	for (i = 0; i < s->table.nfiles && off < sizeof(files); i++)
		off += (size_t)snprintf(files + off, sizeof(files) - off, "%s%s",
					i ? ", " : "", s->table.files[i]);
	if (!files[0])
		snprintf(files, sizeof(files), "%s",
			 s->source == NLC_SNAP_ETAB ? snap_cfg.etab :
			 s->source == NLC_SNAP_EXPORTS_FILE ? snap_cfg.exports_file :
			 s->source == NLC_SNAP_EXPORTS ? snap_cfg.exports :
			 "no file (no etab, no exports)");
	xlog(LOG_INFO, "exports: %zu entries from %s (%zu pseudo-root), generation %llu%s",
	     real, files, s->nexp - real, (unsigned long long)s->generation,
	     s->use_ipaddr ? ", use_ipaddr" : "");
	if (s->dns_failures)
		xlog(LOG_WARNING, "exports: %u client names did not resolve (last good addresses kept)",
		     s->dns_failures);
}

/*
 * The current snapshot, re-read first if a source changed (mountd checks
 * etab before every answer; so do we, with stat() on a worker thread).
 * The new table is built without snap_lock held (DNS for FQDN clients,
 * realpath and pseudo-root stats may take long) and swapped in. While
 * one worker builds it, the others get NULL for a stale table: their
 * requests are deferred (never answered from the old table, which may
 * grant what was just revoked) and retried as soon as the new one is in.
 */
static bool snap_loading;		/* under snap_lock */
static atomic_bool snap_installed;	/* retry deferred requests now */

static struct nlc_snapshot *snapshot_acquire(void)
{
	struct nlc_snapshot *s, *cur, *old;
	bool force, ipaddr_was;
	uint64_t gen;
	int err;

again:
	pthread_mutex_lock(&snap_lock);
	cur = snap_cur ? nlc_snapshot_get(snap_cur) : NULL;
	pthread_mutex_unlock(&snap_lock);
	force = atomic_exchange(&snap_force, false);
	if (cur && !force && !nlc_snapshot_stale(cur, &snap_cfg))
		return cur;
	pthread_mutex_lock(&snap_lock);
	if (snap_cur != cur) {
		/* another worker installed a newer one meanwhile */
		pthread_mutex_unlock(&snap_lock);
		if (force)
			atomic_store(&snap_force, true);
		nlc_snapshot_put(cur);
		goto again;
	}
	if (snap_loading) {
		pthread_mutex_unlock(&snap_lock);
		if (force)
			atomic_store(&snap_force, true);
		nlc_snapshot_put(cur);
		return NULL;
	}
	snap_loading = true;
	gen = ++snap_gen;
	pthread_mutex_unlock(&snap_lock);

	err = nlc_snapshot_load(&snap_cfg, cur, gen, &s);

	pthread_mutex_lock(&snap_lock);
	snap_loading = false;
	if (err) {
		xlog(LOG_ERR, "exports: cannot load: %s (keeping the previous table)",
		     strerror(-err));
		pthread_mutex_unlock(&snap_lock);
		atomic_store(&snap_installed, true);
		return cur;
	}
	snapshot_report(s);
	atomic_store(&mounts_dirty, true);
	old = snap_cur;
	snap_cur = s;
	ipaddr_was = atomic_exchange(&use_ipaddr_cur, s->use_ipaddr);
	/* No exportfs flushes the kernel's caches in these modes; a use_ipaddr
	 * change invalidates every domain the kernel holds. */
	if (old && (force || s->source != NLC_SNAP_ETAB || ipaddr_was != s->use_ipaddr))
		atomic_store(&flush_wanted, true);
	s = nlc_snapshot_get(s);
	pthread_mutex_unlock(&snap_lock);
	atomic_store(&snap_installed, true);
	if (cur)
		nlc_snapshot_put(cur);
	if (old) {
		nlc_snapshot_put(old);
		wake_loop();
	}
	return s;
}

/* ------------------------------------------------------------ mount table */

static pthread_mutex_t mounts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nlc_mount_table *mounts_cur;
static time_t mounts_read_at;
/*
 * The table also caches stat() results per path; directories can be
 * removed and made again without any mount changing, so a generation is
 * also retired after this many seconds (and with every exports reload).
 */
#define MOUNTS_MAX_AGE	30

static struct nlc_mount_table *mounts_acquire(void)
{
	struct nlc_mount_table *t;
	time_t now = now_mono();

	pthread_mutex_lock(&mounts_lock);
	if (atomic_exchange(&mounts_dirty, false) || !mounts_cur ||
	    now - mounts_read_at >= MOUNTS_MAX_AGE) {
		mounts_read_at = now;
		t = nlc_mounts_read("/proc/self/mountinfo");
		if (t) {
			if (mounts_cur)
				nlc_mounts_put(mounts_cur);
			mounts_cur = t;
			dlog(D_GENERAL, "mount table: %zu mounts", nlc_mounts_count(t));
		} else {
			xlog(LOG_ERR, "cannot read /proc/self/mountinfo: %m");
			atomic_store(&mounts_dirty, true);
		}
	}
	t = mounts_cur ? nlc_mounts_get(mounts_cur) : NULL;
	pthread_mutex_unlock(&mounts_lock);
	return t;
}

/* ------------------------------------------------------------------- jobs */

enum job_state {
	J_QUEUED,	/* waiting for a worker */
	J_RUNNING,
	J_DONE,		/* answer ready, waiting to be sent */
	J_DEFERRED,	/* no answer now; retry at retry_at */
	J_SENT,		/* answered: freed by drain_done */
};

struct job {
	struct job *hnext;	/* key table chain */
	struct job *qnext;	/* work or done queue */
	const struct nlc_cache *c;
	unsigned int ci;	/* index in the cache table */
	char *key;
	uint32_t hash;
	enum job_state state;
	unsigned int attempts;
	time_t retry_at;
	time_t last_seen;
	/* request */
	char *s1;		/* class / client */
	char *s2;		/* addr / path */
	uint32_t uid;
	uint8_t fsidtype;
	unsigned char fsid[NLC_FSID_MAX];
	size_t fsid_len;
	/* answer */
	enum nlc_answer_kind kind;
	unsigned int ttl;
	uint64_t expiry;
	char *domain;
	uint32_t *gids;
	size_t ngids;
	struct nlc_export_answer *exp;
	char *path;
	bool resend_negative;	/* the kernel refused the positive answer */
	bool reload;		/* not a request: re-read the exports */
};

#define KEY_BUCKETS 1024
static struct job *keytab[KEY_BUCKETS];
static size_t njobs;

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct job *work_head, **work_tail = &work_head;
static struct job *done_head, **done_tail = &done_head;
static bool workers_stop;

static struct {
	uint64_t answered[NLC_NCACHES][2];	/* [positive, negative] */
	uint64_t deferred[NLC_NCACHES];
	uint64_t rejected[NLC_NCACHES];
	uint64_t dedup[NLC_NCACHES];
	uint64_t scans;
	uint64_t notifications;
	uint64_t overruns;
} stats;

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct job *job_find(unsigned int ci, const char *key, uint32_t h)
{
	struct job *j;

	for (j = keytab[h % KEY_BUCKETS]; j; j = j->hnext)
		if (j->ci == ci && j->hash == h && !strcmp(j->key, key))
			return j;
	return NULL;
}

static void job_free(struct job *j)
{
	free(j->key);
	free(j->s1);
	free(j->s2);
	free(j->domain);
	free(j->gids);
	if (j->exp) {
		nlc_export_answer_free(j->exp);
		free(j->exp);
	}
	free(j->path);
	free(j);
}

static void job_unhash(struct job *j)
{
	struct job **pp;

	for (pp = &keytab[j->hash % KEY_BUCKETS]; *pp; pp = &(*pp)->hnext) {
		if (*pp == j) {
			*pp = j->hnext;
			njobs--;
			return;
		}
	}
}

/* A job's state, read from the loop while a worker may be changing it. */
static enum job_state job_state(struct job *j)
{
	enum job_state st;

	pthread_mutex_lock(&q_lock);
	st = j->state;
	pthread_mutex_unlock(&q_lock);
	return st;
}

static void job_queue(struct job *j)
{
	pthread_mutex_lock(&q_lock);
	j->state = J_QUEUED;
	j->qnext = NULL;
	*work_tail = j;
	work_tail = &j->qnext;
	pthread_cond_signal(&q_cond);
	pthread_mutex_unlock(&q_lock);
}

static void job_clear_answer(struct job *j)
{
	free(j->domain);
	j->domain = NULL;
	free(j->gids);
	j->gids = NULL;
	j->ngids = 0;
	if (j->exp) {
		nlc_export_answer_free(j->exp);
		free(j->exp);
		j->exp = NULL;
	}
	free(j->path);
	j->path = NULL;
}

/*
 * An answer's own log line, at the priority it asks for; a deferred
 * request says why once, not at every retry.
 */
static void log_answer(const struct job *j, unsigned int cls, int prio, const char *msg)
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

/* The snapshot an answer was computed from must outlive the answer only
 * while the worker builds it: everything sent is copied into the job. */
static void answer_ip(struct job *j, const struct nlc_snapshot *s,
		      const struct nlc_sysinfo *si, const struct nlc_answer_opts *o)
{
	struct nlc_ip_answer *a = malloc(sizeof(*a));

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_ip(s, si, o, j->s1, j->s2, a);
	j->kind = a->kind;
	j->ttl = a->ttl ? a->ttl : o->ttl;
	if (a->kind == NLC_ANSWER_POSITIVE) {
		j->domain = strdup(a->domain);
		if (!j->domain)
			j->kind = NLC_ANSWER_DEFER;
	}
	log_answer(j, D_AUTH, a->prio, a->msg);
	free(a);
}

static void answer_gid(struct job *j, const struct nlc_answer_opts *o)
{
	gid_t *g = NULL;
	ssize_t n;
	size_t i;

	n = nlc_gids_lookup((uid_t)j->uid, &g);
	j->ttl = o->ttl;
	if (n >= 0) {
		j->gids = malloc(((size_t)n ? (size_t)n : 1) * sizeof(*j->gids));
		if (!j->gids) {
			free(g);
			j->kind = NLC_ANSWER_DEFER;
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			j->gids[i] = (uint32_t)g[i];
		j->ngids = (size_t)n;
		j->kind = NLC_ANSWER_POSITIVE;
		free(g);
		dlog(D_AUTH, "uid %u: %zd groups", j->uid, n);
		return;
	}
	if (nlc_gids_transient(n)) {
		/* Never strip a user's groups because NSS hiccuped: no answer,
		 * the request stays pending and is asked again. */
		xlog(LOG_WARNING, "uid %u: group lookup failed for now (%s); will retry",
		     j->uid, strerror((int)-n));
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	dlog(D_AUTH, "uid %u: %s", j->uid, n == -ENOENT ? "no such user" : strerror((int)-n));
	j->kind = NLC_ANSWER_NEGATIVE;
}

static void answer_export(struct job *j, const struct nlc_snapshot *s,
			  const struct nlc_sysinfo *si, const struct nlc_answer_opts *o)
{
	struct nlc_export_answer *a = calloc(1, sizeof(*a));

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_export(s, si, o, export_features(), j->s1, j->s2, a);
	j->kind = a->kind;
	j->ttl = a->ttl ? a->ttl : o->ttl;
	if (a->kind == NLC_ANSWER_POSITIVE)
		dlog(D_AUTH, "granted access to %s for %s", j->s2, j->s1);
	else if (a->kind == NLC_ANSWER_NEGATIVE)
		dlog(D_AUTH, "denied access to %s for %s", j->s2, j->s1);
	log_answer(j, D_AUTH, a->prio, a->msg);
	/* the reply must not point into the snapshot */
	a->exp = NULL;
	j->exp = a;
}

static void answer_fh(struct job *j, const struct nlc_snapshot *s,
		      const struct nlc_sysinfo *si, const struct nlc_answer_opts *o)
{
	struct nlc_fh_answer *a = malloc(sizeof(*a));

	if (!a) {
		j->kind = NLC_ANSWER_DEFER;
		return;
	}
	nlc_answer_fh(s, si, o, j->s1, j->fsidtype, j->fsid, j->fsid_len, now_real(), a);
	j->kind = a->kind;
	j->expiry = a->expiry;
	if (a->kind == NLC_ANSWER_POSITIVE) {
		j->path = strdup(a->path);
		if (!j->path)
			j->kind = NLC_ANSWER_DEFER;
	}
	log_answer(j, D_CALL, a->prio, a->msg);
	free(a);
}

static void job_run(struct job *j)
{
	struct nlc_answer_opts o = { .ttl = opt.ttl };
	struct nlc_snapshot *s = NULL;
	struct nlc_mount_table *t = NULL;
	struct nlc_sysinfo si;

	if (j->reload) {
		s = snapshot_acquire();
		if (s)
			nlc_snapshot_put(s);
		return;
	}
	job_clear_answer(j);
	if (j->c->type == NLCACHE_CACHE_TYPE_UNIX_GID) {
		answer_gid(j, &o);
		return;
	}
	s = snapshot_acquire();
	t = s ? mounts_acquire() : NULL;
	if (!s || !t) {
		j->kind = NLC_ANSWER_DEFER;
		if (!s)
			log_answer(j, D_CALL, LOG_DEBUG,
				   "exports are being re-read; answering after");
		goto out;
	}
	nlc_mounts_sysinfo(t, &nlc_resolver_libc, &si);
	switch (j->c->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		answer_ip(j, s, &si, &o);
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		answer_export(j, s, &si, &o);
		break;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		answer_fh(j, s, &si, &o);
		break;
	default:
		j->kind = NLC_ANSWER_NEGATIVE;
		break;
	}
	nlc_mounts_sysinfo_release(&si);
out:
	if (t)
		nlc_mounts_put(t);
	if (s)
		nlc_snapshot_put(s);
}

static void *worker(void *arg)
{
	struct job *j;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (!work_head && !workers_stop)
			pthread_cond_wait(&q_cond, &q_lock);
		if (workers_stop) {
			pthread_mutex_unlock(&q_lock);
			return NULL;
		}
		j = work_head;
		work_head = j->qnext;
		if (!work_head)
			work_tail = &work_head;
		j->state = J_RUNNING;
		pthread_mutex_unlock(&q_lock);

		job_run(j);

		pthread_mutex_lock(&q_lock);
		j->state = J_DONE;
		j->qnext = NULL;
		*done_tail = j;
		done_tail = &j->qnext;
		pthread_mutex_unlock(&q_lock);
		wake_loop();
	}
}

/* ---------------------------------------------------------------- backend */

struct backend {
	enum backend_kind kind;
	const struct nlc_cache *caches;	/* nlc_caches or nlc_native_caches */
	/* command sockets: [0] nfsd_nlcache or sunrpc, [1] nfsd (native) */
	struct nlc_sock cmd[2];
	bool have_cmd[2];
	struct nlc_sock notify;
	bool have_notify;
	bool connected;
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
};

static struct backend be;

static struct nlc_sock *cache_sock(const struct nlc_cache *c)
{
	if (c->native && !strcmp(c->family, NLC_NATIVE_NFSD))
		return be.have_cmd[1] ? &be.cmd[1] : NULL;
	return be.have_cmd[0] ? &be.cmd[0] : NULL;
}

static void sd_notify(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = 0;
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)len) < 0)
		dlog(D_GENERAL, "sd_notify: %m");
	close(fd);
}

/*
 * Native kernels queue an upcall only while the cache "has listeners",
 * which sunrpc judges by its /proc channel alone (cache_listeners_exist:
 * open writers, or a close less than 30 s ago); otherwise the entry is
 * made negative at once. A channel held open for writing, never read,
 * keeps the kernel asking without stealing any request.
 */
static void hold_channels(void)
{
	char path[96];
	int i;

	for (i = 0; i < NLC_NCACHES; i++) {
		const struct nlc_cache *c = &be.caches[i];

		if (be.chan[i] >= 0 || !(be.want & c->type))
			continue;
		snprintf(path, sizeof(path), "/proc/net/rpc/%s/channel", c->name);
		be.chan[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (be.chan[i] >= 0)
			dlog(D_NETLINK, "holding %s open for writing", path);
	}
}

static void release_channels(void)
{
	int i;

	for (i = 0; i < NLC_NCACHES; i++) {
		if (be.chan[i] >= 0)
			close(be.chan[i]);
		be.chan[i] = -1;
	}
}

static void backend_close(void)
{
	int i;

	release_channels();
	for (i = 0; i < 2; i++) {
		if (be.have_cmd[i])
			nlc_sock_close(&be.cmd[i]);
		be.have_cmd[i] = false;
	}
	if (be.have_notify)
		nlc_sock_close(&be.notify);
	be.have_notify = false;
	be.connected = false;
	be.served = 0;
}

/*
 * Native upcalls: the kernel's "sunrpc" and "nfsd" families both have the
 * "exportd" group (6.7+ kernels have an "nfsd" family without it).
 */
static bool native_present(void)
{
	static const char *const fam[] = { NLC_NATIVE_SUNRPC, NLC_NATIVE_NFSD };
	struct nlc_sock s;
	bool ok = true;
	int i;

	for (i = 0; i < 2 && ok; i++) {
		if (nlc_sock_open_family(&s, fam[i]))
			return false;
		ok = genl_ctrl_resolve_grp(s.sk, fam[i], NLC_NATIVE_MCGRP) >= 0;
		nlc_sock_close(&s);
	}
	return ok;
}

static int register_reply(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t *v = arg;
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (g->cmd != NLCACHE_CMD_REGISTER)
		return 0;
	return nlc_register_reply_parse(nlh, &v[0], &v[1]) ? -EPROTO : 0;
}

static int do_register(void)
{
	uint32_t res[2] = { 0, 0 };
	struct nl_msg *msg;
	int err;

	msg = nlc_msg_new(&be.cmd[0], NLCACHE_CMD_REGISTER, 0, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, be.want) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = nlc_request(&be.cmd[0], msg, register_reply, res);
	nlmsg_free(msg);
	if (err) {
		xlog(LOG_ERR, "REGISTER: %s%s%s", nlc_strerror(&be.cmd[0], err),
		     be.cmd[0].extack[0] ? ": " : "", be.cmd[0].extack);
		return err;
	}
	if (res[0] != be.served || res[1] != be.missing) {
		char a[96], b[96];

		nlc_cache_mask_str(res[0], a, sizeof(a));
		nlc_cache_mask_str(res[1], b, sizeof(b));
		if (res[0])
			xlog(LOG_INFO, "serving %s%s%s", a, res[1] ? "; waiting for " : "",
			     res[1] ? b : "");
		else
			xlog(LOG_INFO, "waiting for %s (nfsd not loaded yet)", b);
	}
	be.served = res[0];
	be.missing = res[1];
	return 0;
}

/*
 * Hear about the family going away (rmmod) at once. Joined before any
 * group that carries events: the group lookup reads the socket.
 */
static void watch_families(void)
{
	int err = nlc_sock_join_group(&be.notify, "nlctrl", "notify");

	if (err)
		xlog(LOG_WARNING, "cannot watch nlctrl notifications (%s): a removed family is noticed on the next request",
		     strerror(-err));
}

static int backend_connect(void)
{
	bool native;
	int err, i;

	native = be.kind == BACKEND_NATIVE ||
		 (be.kind == BACKEND_AUTO && native_present());
	if (native) {
		be.caches = nlc_native_caches;
		err = nlc_sock_open_family(&be.cmd[0], NLC_NATIVE_SUNRPC);
		if (err)
			return err;
		be.have_cmd[0] = true;
		err = nlc_sock_open_family(&be.cmd[1], NLC_NATIVE_NFSD);
		if (err)
			goto fail;
		be.have_cmd[1] = true;
		err = nlc_sock_open_family(&be.notify, NLC_NATIVE_SUNRPC);
		if (err)
			goto fail;
		be.have_notify = true;
		watch_families();
		err = nlc_sock_join_group(&be.notify, NLC_NATIVE_SUNRPC, NLC_NATIVE_MCGRP);
		if (!err)
			err = nlc_sock_join_group(&be.notify, NLC_NATIVE_NFSD, NLC_NATIVE_MCGRP);
		if (err)
			goto fail;
		be.served = be.want;
		be.missing = 0;
	} else {
		be.caches = nlc_caches;
		err = nlc_sock_open(&be.cmd[0]);
		if (err)
			return err;
		be.have_cmd[0] = true;
		err = nlc_sock_open(&be.notify);
		if (err)
			goto fail;
		be.have_notify = true;
		watch_families();
		err = nlc_sock_join_exportd(&be.notify);
		if (err)
			goto fail;
		err = do_register();
		if (err == -EOPNOTSUPP && be.kind == BACKEND_AUTO) {
			xlog(LOG_WARNING, "nfsd_nlcache reports native upcalls; using the sunrpc/nfsd families");
			backend_close();
			be.kind = BACKEND_NATIVE;
			err = backend_connect();
			be.kind = BACKEND_AUTO;
			return err;
		}
		if (err)
			goto fail;
	}
	nl_socket_set_nonblocking(be.notify.sk);
	be.connected = true;
	xlog(LOG_INFO, "connected: %s backend", native ? "native sunrpc/nfsd" : "nfsd_nlcache");
	if (native) {
		char a[96];

		nlc_cache_mask_str(be.want, a, sizeof(a));
		xlog(LOG_INFO, "serving %s", a);
	}
	for (i = 0; i < 2; i++)
		if (be.have_cmd[i])
			dlog(D_NETLINK, "command socket %d: family %s id %d", i,
			     be.cmd[i].family_name, be.cmd[i].family);
	return 0;
fail:
	backend_close();
	return err;
}

/* ----------------------------------------------------------------- scans */

static unsigned int cache_index(const struct nlc_cache *c)
{
	return (unsigned int)(c - be.caches);
}

static char *make_key(const struct nlc_req *r)
{
	char hex[2 * NLC_FSID_MAX + 1];
	char *key = NULL;
	size_t i;
	int n = -1;

	switch (r->cache->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		n = asprintf(&key, "%s %s", r->u.ip_map.class, r->u.ip_map.addr);
		break;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		n = asprintf(&key, "%u", r->u.unix_gid.uid);
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		n = asprintf(&key, "%s\n%s", r->u.svc_export.client, r->u.svc_export.path);
		break;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		for (i = 0; i < r->u.expkey.fsid_len && i < NLC_FSID_MAX; i++)
			sprintf(hex + 2 * i, "%02x", r->u.expkey.fsid[i]);
		hex[2 * i] = 0;
		n = asprintf(&key, "%s\n%u\n%s", r->u.expkey.client,
			     r->u.expkey.fsidtype, hex);
		break;
	}
	return n < 0 ? NULL : key;
}

static struct job *job_new(const struct nlc_req *r, char *key, uint32_t h)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->c = r->cache;
	j->ci = cache_index(r->cache);
	j->key = key;
	j->hash = h;
	switch (r->cache->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		j->s1 = strdup(r->u.ip_map.class);
		j->s2 = strdup(r->u.ip_map.addr);
		break;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		j->uid = r->u.unix_gid.uid;
		j->s1 = strdup("");
		j->s2 = strdup("");
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		j->s1 = strdup(r->u.svc_export.client);
		j->s2 = strdup(r->u.svc_export.path);
		break;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		j->s1 = strdup(r->u.expkey.client);
		j->s2 = strdup("");
		j->fsidtype = r->u.expkey.fsidtype;
		j->fsid_len = r->u.expkey.fsid_len < NLC_FSID_MAX ?
			      r->u.expkey.fsid_len : NLC_FSID_MAX;
		memcpy(j->fsid, r->u.expkey.fsid, j->fsid_len);
		break;
	}
	if (!j->s1 || !j->s2) {
		j->key = NULL;
		job_free(j);
		return NULL;
	}
	return j;
}

static int scan_req(const struct nlc_req *r, void *arg)
{
	time_t now = now_mono();
	struct job *j;
	uint32_t h;
	char *key;

	(void)arg;
	key = make_key(r);
	if (!key)
		return 0;	/* out of memory: the next scan sees it again */
	h = hash_str(key);
	j = job_find(cache_index(r->cache), key, h);
	if (j) {
		j->last_seen = now;
		stats.dedup[j->ci]++;
		free(key);
		return 0;
	}
	j = job_new(r, key, h);
	if (!j) {
		free(key);
		return 0;
	}
	j->last_seen = now;
	j->hnext = keytab[h % KEY_BUCKETS];
	keytab[h % KEY_BUCKETS] = j;
	njobs++;
	if (opt.debug & D_CALL) {
		char line[1024];

		if (nlc_req_format(r, line, sizeof(line)) > 0) {
			line[strcspn(line, "\n")] = 0;
			dlog(D_CALL, "request: %s", line);
		}
	}
	job_queue(j);
	return 0;
}

static void scan_bad(const struct nlc_cache *c, void *arg)
{
	(void)arg;
	xlog(LOG_WARNING, "%s: malformed request in a GET_REQS dump (skipped)", c->name);
}

static int scan_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlc_cache *c = arg;

	nlc_reqs_walk(c, nlh, scan_req, scan_bad, NULL);
	return 0;
}

static void backend_lost(int err, const char *what);

static void scan_cache(const struct nlc_cache *c)
{
	struct nlc_sock *s = cache_sock(c);
	struct nl_msg *msg;
	int err;

	if (!s)
		return;
	msg = nlc_msg_new(s, c->get_cmd, NLM_F_DUMP, 0);
	if (!msg)
		return;
	err = nlc_request(s, msg, scan_reply, (void *)c);
	nlmsg_free(msg);
	stats.scans++;
	if (!err)
		return;
	if (err == -ENODEV) {
		/* the cache does not exist in this netns: nfsd not started */
		dlog(D_NETLINK, "%s: not instantiated (nfsd not running)", c->name);
		return;
	}
	if (err == -EIO || err == -ENOENT || err == -EOPNOTSUPP) {
		backend_lost(err, c->name);
		return;
	}
	xlog(LOG_WARNING, "%s: GET_REQS: %s%s%s", c->name, nlc_strerror(s, err),
	     s->extack[0] ? ": " : "", s->extack);
}

static void scan(uint32_t types)
{
	int i;

	for (i = 0; i < NLC_NCACHES && be.connected; i++) {
		const struct nlc_cache *c = &be.caches[i];

		if ((types & c->type) && (be.served & c->type))
			scan_cache(c);
	}
}

static void backend_lost(int err, const char *what)
{
	struct job *j;
	int i;

	xlog(LOG_WARNING, "lost the netlink family (%s: %s); reconnecting", what,
	     strerror(err < 0 ? -err : err));
	backend_close();
	be.next_connect = now_mono() + RECONNECT_DELAY;
	/* Deferred requests belong to the old registration. */
	for (i = 0; i < KEY_BUCKETS; i++)
		for (j = keytab[i]; j; j = j->hnext)
			if (job_state(j) == J_DEFERRED)
				j->last_seen = 0;
}

/* -------------------------------------------------------------- replies */

struct send_ctx {
	struct job **v;
	size_t n;
	bool negative_only;	/* the resend of refused positive answers */
};

static bool job_negative(const struct job *j, const struct send_ctx *ctx)
{
	return ctx->negative_only || j->kind != NLC_ANSWER_POSITIVE;
}

static int put_job(struct nl_msg *msg, size_t i, void *arg)
{
	struct send_ctx *ctx = arg;
	struct job *j = ctx->v[i];
	bool neg = job_negative(j, ctx);
	uint64_t now = now_real();

	switch (j->c->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP: {
		struct nlc_ip_map_reply r = {
			.class = j->s1, .addr = j->s2,
			.domain = neg ? NULL : j->domain, .negative = neg,
			.expiry = now + j->ttl,
		};
		return nlc_put_ip_map(msg, &r);
	}
	case NLCACHE_CACHE_TYPE_UNIX_GID: {
		struct nlc_unix_gid_reply r = {
			.uid = j->uid, .gids = j->gids, .ngids = neg ? 0 : j->ngids,
			.negative = neg, .expiry = now + j->ttl,
		};
		/* native families take repeated gids only */
		if (j->c->native && r.ngids > NLCACHE_MAX_GIDS - 4)
			r.ngids = NLCACHE_MAX_GIDS - 4;
		return nlc_put_unix_gid(msg, &r);
	}
	case NLCACHE_CACHE_TYPE_SVC_EXPORT: {
		struct nlc_svc_export_reply r = { 0 };

		if (neg || !j->exp) {
			r.client = j->s1;
			r.path = j->s2;
			r.negative = true;
			r.expiry = now + (ctx->negative_only ? opt.ttl : j->ttl);
		} else {
			nlc_export_answer_reply(j->exp, j->s1, j->s2, now, &r);
			if (j->c->native)
				r.migrated = false;	/* no such attribute upstream */
		}
		return nlc_put_svc_export(msg, &r);
	}
	case NLCACHE_CACHE_TYPE_EXPKEY: {
		struct nlc_expkey_reply r = {
			.client = j->s1, .fsidtype = j->fsidtype, .fsid = j->fsid,
			.fsid_len = j->fsid_len, .negative = neg,
			.expiry = neg ? now + opt.ttl : j->expiry,
			.path = neg ? NULL : j->path,
		};
		return nlc_put_expkey(msg, &r);
	}
	}
	return -EINVAL;
}

static void rejected_job(size_t i, int err, const char *m, bool local, void *arg)
{
	struct send_ctx *ctx = arg;
	struct job *j;

	if (i >= ctx->n)
		return;
	j = ctx->v[i];
	stats.rejected[j->ci]++;
	xlog(LOG_WARNING, "%s: answer for %s%s%s %s: %s%s%s", j->c->name, j->s1,
	     j->s2[0] ? " " : "", j->s2, local ? "not sent" : "refused by the kernel",
	     strerror(err), m ? ": " : "", m ? m : "");
	/* as mountd: say why in its words, then answer negatively */
	if (!ctx->negative_only && j->kind == NLC_ANSWER_POSITIVE) {
		if (j->c->type == NLCACHE_CACHE_TYPE_SVC_EXPORT && err == EINVAL && !local)
			xlog(LOG_ERR, "Cannot export %s, possibly unsupported filesystem or fsid= required",
			     j->s2);
		j->resend_negative = true;
	}
}

static void send_jobs(const struct nlc_cache *c, struct job **v, size_t n, bool negative_only)
{
	static const struct nlc_batch_ops ops = { .put = put_job, .rejected = rejected_job };
	struct nlc_sock *s = cache_sock(c);
	struct send_ctx ctx = { .v = v, .n = n, .negative_only = negative_only };
	struct nlc_batch_result res;
	size_t i;
	int err;

	if (!s || !n)
		return;
	err = nlc_send_batch(s, c, n, 0, &ops, &ctx, &res);
	dlog(D_NETLINK, "%s: %zu answers in %zu messages, %zu applied, %zu refused",
	     c->name, n, res.messages, res.applied, res.rejected);
	if (err && n > 1) {
		/* The kernel refused a whole message (the native families stop
		 * at the first bad entry): send one per message to find it;
		 * applying an answer twice is harmless. */
		dlog(D_NETLINK, "%s: batch refused (%s); resending one by one", c->name,
		     strerror(-err));
		for (i = 0; i < n; i++)
			send_jobs(c, v + i, 1, negative_only);
		return;
	}
	if (err) {
		if (err == -EIO) {
			backend_lost(err, c->name);
			return;
		}
		rejected_job(0, -err, s->extack[0] ? s->extack : NULL, false, &ctx);
	}
}

static void flush_kernel(void)
{
	struct nl_msg *msg;
	int i, err;

	if (!be.connected)
		return;
	for (i = 0; i < 2; i++) {
		uint8_t cmd;

		if (!be.have_cmd[i])
			continue;
		if (be.caches == nlc_native_caches)
			cmd = i ? 15 : 6;	/* nfsd / sunrpc CACHE_FLUSH */
		else
			cmd = NLCACHE_CMD_CACHE_FLUSH;
		msg = nlc_msg_new(&be.cmd[i], cmd, 0, 0);
		if (!msg)
			return;
		err = nlc_request(&be.cmd[i], msg, NULL, NULL);
		nlmsg_free(msg);
		if (err)
			xlog(LOG_WARNING, "cache flush: %s", nlc_strerror(&be.cmd[i], err));
		else
			xlog(LOG_INFO, "flushed the kernel's export caches");
	}
}

static time_t defer_delay(unsigned int attempts)
{
	time_t d = 1;

	while (attempts-- > 0 && d < DEFER_MAX_DELAY)
		d *= 2;
	return d < DEFER_MAX_DELAY ? d : DEFER_MAX_DELAY;
}

/* Take the finished jobs, send the answers, park the deferred ones. */
static void drain_done(void)
{
	struct job *list, *j, *next;
	struct job **v[NLC_NCACHES] = { 0 };
	size_t n[NLC_NCACHES] = { 0 }, cap[NLC_NCACHES] = { 0 };
	size_t i, k;
	uint64_t val;

	if (read(done_efd, &val, sizeof(val)) < 0 && errno != EAGAIN)
		xlog(LOG_ERR, "eventfd read: %m");
	pthread_mutex_lock(&q_lock);
	list = done_head;
	done_head = NULL;
	done_tail = &done_head;
	pthread_mutex_unlock(&q_lock);

	for (j = list; j; j = next) {
		next = j->qnext;
		if (j->reload) {
			free(j);
			continue;
		}
		if (j->kind == NLC_ANSWER_DEFER) {
			j->state = J_DEFERRED;
			j->retry_at = now_mono() + defer_delay(j->attempts++);
			stats.deferred[j->ci]++;
			continue;
		}
		if (!be.connected) {
			/* no socket to answer on: forget it, the next scan of
			 * the new registration finds it again */
			job_unhash(j);
			job_free(j);
			continue;
		}
		if (n[j->ci] == cap[j->ci]) {
			size_t nc = cap[j->ci] ? cap[j->ci] * 2 : 64;
			struct job **nv = realloc(v[j->ci], nc * sizeof(*nv));

			if (!nv) {
				/* cannot batch it: answer it later */
				j->state = J_DEFERRED;
				j->retry_at = now_mono() + 1;
				continue;
			}
			v[j->ci] = nv;
			cap[j->ci] = nc;
		}
		v[j->ci][n[j->ci]++] = j;
	}
	for (i = 0; i < NLC_NCACHES; i++) {
		size_t nneg = 0;

		if (!n[i])
			continue;
		send_jobs(&be.caches[i], v[i], n[i], false);
		for (k = 0; k < n[i]; k++) {
			j = v[i][k];
			j->state = J_SENT;
			stats.answered[i][j->kind != NLC_ANSWER_POSITIVE]++;
			if (j->resend_negative) {
				/* the refused ones to the front, for the resend */
				v[i][k] = v[i][nneg];
				v[i][nneg++] = j;
			}
		}
		if (nneg)
			send_jobs(&be.caches[i], v[i], nneg, true);
		for (k = 0; k < n[i]; k++) {
			job_unhash(v[i][k]);
			job_free(v[i][k]);
		}
		free(v[i]);
		v[i] = NULL;
	}
}

/* Deferred requests whose time has come go back to the workers. */
static void retry_deferred(void)
{
	time_t now = now_mono();
	struct job **pp, *j;
	bool all = atomic_exchange(&snap_installed, false);
	int i;

	for (i = 0; i < KEY_BUCKETS; i++) {
		pp = &keytab[i];
		while ((j = *pp)) {
			if (job_state(j) != J_DEFERRED) {
				pp = &j->hnext;
				continue;
			}
			if (now - j->last_seen > DEFER_FORGET) {
				/* the kernel no longer asks */
				*pp = j->hnext;
				njobs--;
				job_free(j);
				continue;
			}
			if ((all || now >= j->retry_at) && be.connected)
				job_queue(j);
			pp = &j->hnext;
		}
	}
}

/* Re-read the exports on a worker (DNS for FQDN clients blocks). */
static void queue_reload(void)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		xlog(LOG_ERR, "reload: out of memory");
		return;
	}
	j->reload = true;
	job_queue(j);
}

/* ----------------------------------------------------------- notify sock */

/* not a cache type: the family was unregistered */
#define NOTIFY_FAMILY_GONE	0x80000000u

static int notify_msg(struct nl_msg *m, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	const struct genlmsghdr *g;
	uint32_t *types = arg, mask = ~0u;
	struct nlattr *a;
	int i;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NL_SKIP;
	g = nlmsg_data(nlh);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		/* a family went away (rmmod): one we use? */
		a = nlmsg_find_attr(nlh, GENL_HDRLEN, CTRL_ATTR_FAMILY_ID);
		if (g->cmd == CTRL_CMD_DELFAMILY && a && nla_len(a) >= 2)
			for (i = 0; i < 2; i++)
				if (be.have_cmd[i] && nla_get_u16(a) == be.cmd[i].family)
					*types |= NOTIFY_FAMILY_GONE;
		return NL_OK;
	}
	a = nlmsg_find_attr(nlh, GENL_HDRLEN, 1);
	if (a && nla_len(a) >= 4)
		mask = nla_get_u32(a);
	for (i = 0; i < NLC_NCACHES; i++) {
		const struct nlc_cache *c = &be.caches[i];
		int fam = cache_sock(c) ? cache_sock(c)->family : -1;

		if (nlh->nlmsg_type != fam || g->cmd != c->notify_cmd)
			continue;
		if (mask & c->notify_bit)
			*types |= c->type;
	}
	stats.notifications++;
	return NL_OK;
}

static int no_seq_check(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

static void read_notify(void)
{
	uint32_t types = 0;
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return;
	/* events carry no sequence numbers */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, notify_msg, &types);
	for (;;) {
		err = nl_recvmsgs(be.notify.sk, cb);
		if (err == -NLE_AGAIN || err == 0)
			break;
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: notifications were lost; look at everything */
			stats.overruns++;
			dlog(D_NETLINK, "notification socket overrun: scanning all caches");
			types = NLCACHE_CACHE_TYPE_ALL;
			continue;
		}
		if (err < 0) {
			dlog(D_NETLINK, "notification socket: %s", nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	if (types & NOTIFY_FAMILY_GONE) {
		backend_lost(-ENOENT, "family removed");
		return;
	}
	if (types) {
		dlog(D_NETLINK, "notification: %#x", types);
		scan(types);
	}
}

/* ------------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [options]\n"
		"Answer the NFS server's cache upcalls over generic netlink.\n\n"
		"  -F, --foreground              stay in the foreground, log to stderr too\n"
		"  -d, --debug CLASS             general, call, auth, parse, netlink, all\n"
		"  -g, --manage-gids             serve auth.unix.gid (NSS group lists)\n"
		"  -T, --ttl SECONDS             expiry of ip and export answers (1800)\n"
		"  -i, --cache-use-ipaddr        use \"$<address>\" client domains\n"
		"  -t, --threads N               worker threads, 1-64 (4)\n"
		"  -s, --state-directory-path D  directory of exportfs's etab (/var/lib/nfs)\n"
		"      --backend auto|nlcache|native\n"
		"      --exports FILE            serve this exports(5) file instead of etab\n"
		"      --config FILE             nfs.conf to read\n"
		"  -h, --help    -V, --version\n");
}

static int parse_debug(const char *s, unsigned int *out)
{
	static const struct { const char *name; unsigned int bits; } cls[] = {
		{ "general", D_GENERAL }, { "call", D_CALL }, { "auth", D_AUTH },
		{ "parse", D_PARSE }, { "netlink", D_NETLINK }, { "all", D_ALL },
		{ "1", D_ALL }, { "0", 0 },
	};
	char *dup = strdup(s), *tok, *save = NULL;
	size_t i;
	int ret = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
			if (!strcasecmp(tok, cls[i].name))
				break;
		if (i == sizeof(cls) / sizeof(cls[0])) {
			ret = -1;
			break;
		}
		*out |= cls[i].bits;
	}
	free(dup);
	return ret;
}

static int parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* nfs.conf first; the command line overrides it (parsed afterwards). */
static int load_config(void)
{
	struct nlc_conf conf;
	const char *v;
	bool b;
	int n, rc;
	size_t i;

	nlc_conf_init(&conf);
	rc = opt.config ? nlc_conf_load_file(&conf, opt.config) :
			  nlc_conf_load_default(&conf, NULL);
	if (rc < 0 && opt.config) {
		fprintf(stderr, PROG ": %s: %s\n", opt.config, strerror(errno));
		nlc_conf_free(&conf);
		return -1;
	}
	for (i = 0; i < conf.nerr; i++)
		xlog(LOG_WARNING, "%s", conf.err[i].msg);
	if (nlc_conf_daemon_get_bool(&conf, "manage-gids", &b) > 0)
		opt.manage_gids = b;
	if (nlc_conf_daemon_get_bool(&conf, "cache-use-ipaddr", &b) > 0)
		opt.use_ipaddr = b;
	if (nlc_conf_daemon_get_int(&conf, "ttl", &n) > 0 && n > 0)
		opt.ttl = (unsigned int)n;
	if (nlc_conf_daemon_get_int(&conf, "threads", &n) > 0 && n >= 1 && n <= MAX_THREADS)
		opt.threads = (unsigned int)n;
	v = nlc_conf_daemon_get(&conf, "state-directory-path", NULL);
	if (v && *v)
		snprintf(opt.statedir, sizeof(opt.statedir), "%s", v);
	v = nlc_conf_daemon_get(&conf, "debug", NULL);
	if (v && parse_debug(v, &opt.debug))
		xlog(LOG_WARNING, "nfs.conf: unknown debug class in \"%s\"", v);
	nlc_conf_free(&conf);
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "debug", required_argument, NULL, 'd' },
		{ "manage-gids", no_argument, NULL, 'g' },
		{ "ttl", required_argument, NULL, 'T' },
		{ "cache-use-ipaddr", no_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "num-threads", required_argument, NULL, 't' },
		{ "state-directory-path", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'B' },
		{ "exports", required_argument, NULL, 'E' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, i;

	/* --config must be known before the other options override nfs.conf */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			opt.config = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			opt.config = argv[i] + 9;
		else if (!strcmp(argv[i], "-F") || !strcmp(argv[i], "--foreground"))
			opt.foreground = true;
	}
	if (load_config())
		return -1;
	while ((c = getopt_long(argc, argv, "Fd:gT:it:s:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			opt.foreground = true;
			break;
		case 'd':
			if (parse_debug(optarg, &opt.debug)) {
				fprintf(stderr, PROG ": unknown debug class \"%s\" (general, call, auth, parse, netlink, all)\n",
					optarg);
				return -1;
			}
			break;
		case 'g':
			opt.manage_gids = true;
			break;
		case 'T':
			if (parse_uint(optarg, 1, 0x7fffffff, &opt.ttl)) {
				fprintf(stderr, PROG ": bad --ttl \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 'i':
			opt.use_ipaddr = true;
			break;
		case 't':
			if (parse_uint(optarg, 1, MAX_THREADS, &opt.threads)) {
				fprintf(stderr, PROG ": --threads must be 1-%d\n", MAX_THREADS);
				return -1;
			}
			break;
		case 's':
			snprintf(opt.statedir, sizeof(opt.statedir), "%s", optarg);
			break;
		case 'B':
			if (!strcmp(optarg, "auto"))
				opt.backend = BACKEND_AUTO;
			else if (!strcmp(optarg, "nlcache") || !strcmp(optarg, "nfsd_nlcache"))
				opt.backend = BACKEND_NLCACHE;
			else if (!strcmp(optarg, "native"))
				opt.backend = BACKEND_NATIVE;
			else {
				fprintf(stderr, PROG ": --backend is auto, nlcache or native\n");
				return -1;
			}
			break;
		case 'E':
			opt.exports_file = optarg;
			break;
		case 'C':
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf(PROG " " NLC_VERSION "\n");
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	snprintf(opt.etab, sizeof(opt.etab), "%s/etab", opt.statedir);
	return 0;
}

static void log_stats(void)
{
	int i;

	for (i = 0; i < NLC_NCACHES; i++)
		xlog(LOG_INFO, "%s: %llu positive, %llu negative, %llu deferred, %llu refused, %llu duplicates",
		     nlc_caches[i].name, (unsigned long long)stats.answered[i][0],
		     (unsigned long long)stats.answered[i][1],
		     (unsigned long long)stats.deferred[i],
		     (unsigned long long)stats.rejected[i],
		     (unsigned long long)stats.dedup[i]);
	xlog(LOG_INFO, "%llu scans, %llu notifications, %llu overruns, %zu requests in progress",
	     (unsigned long long)stats.scans, (unsigned long long)stats.notifications,
	     (unsigned long long)stats.overruns, njobs);
}

/* systemctl status: what the daemon is doing, in one line */
static void notify_status(void)
{
	uint64_t answered = 0, deferred = 0;
	char text[256];
	int i;

	if (!getenv("NOTIFY_SOCKET"))
		return;
	for (i = 0; i < NLC_NCACHES; i++) {
		answered += stats.answered[i][0] + stats.answered[i][1];
		deferred += stats.deferred[i];
	}
	snprintf(text, sizeof(text), "STATUS=%s; %llu answers, %llu deferred, %zu in progress",
		 !be.connected ? "waiting for the netlink family" :
		 be.caches == nlc_native_caches ? "serving (native sunrpc/nfsd)" :
		 be.missing ? "serving (waiting for nfsd's caches)" : "serving (nfsd_nlcache)",
		 (unsigned long long)answered, (unsigned long long)deferred, njobs);
	sd_notify(text);
}

static int epoll_add(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

enum { EV_SIGNAL = 1, EV_NOTIFY, EV_DONE, EV_TIMER, EV_MOUNTS };

static void tick(int ep, time_t *last_watchdog, uint64_t wd_usec)
{
	time_t now = now_mono();
	int err;

	if (!be.connected && now >= be.next_connect) {
		err = backend_connect();
		if (err) {
			be.next_connect = now + RECONNECT_DELAY;
			if (!be.warned_absent || now - be.absent_since >= 60) {
				xlog(LOG_WARNING, "no netlink upcall family yet (%s): modprobe nfsd_nlcache, or run a kernel with native upcalls; retrying",
				     strerror(-err));
				be.warned_absent = true;
				be.absent_since = now;
			}
		} else {
			be.warned_absent = false;
			if (epoll_add(ep, nlc_sock_fd(&be.notify), EPOLLIN, EV_NOTIFY))
				xlog(LOG_ERR, "epoll: %m");
			be.next_register = now + REGISTER_RETRY;
			be.next_scan = now + SCAN_PERIOD;
			if (!be.ready_sent) {
				sd_notify("READY=1\nSTATUS=serving NFS cache upcalls");
				be.ready_sent = true;
			}
			scan(NLCACHE_CACHE_TYPE_ALL);
		}
	}
	if (be.connected && be.caches == nlc_caches && now >= be.next_register) {
		uint32_t before = be.served;

		/* nfsd may have been (re)loaded: registering again adds what
		 * is missing and is harmless otherwise */
		if (do_register() == -EIO)
			backend_lost(-EIO, "REGISTER");
		be.next_register = now + (be.missing ? REGISTER_RETRY : SCAN_PERIOD);
		if (be.served & ~before)
			scan(be.served & ~before);
	}
	if (be.connected && be.caches == nlc_native_caches)
		hold_channels();
	if (be.connected && now >= be.next_scan) {
		scan(NLCACHE_CACHE_TYPE_ALL);
		be.next_scan = now + SCAN_PERIOD;
	}
	retry_deferred();
	if (be.ready_sent && now % 10 == 0)
		notify_status();
	if (wd_usec && (uint64_t)(now - *last_watchdog) * 2000000u >= wd_usec) {
		sd_notify("WATCHDOG=1");
		*last_watchdog = now;
	}
}

int main(int argc, char **argv)
{
	struct epoll_event evs[16];
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	pthread_t tids[MAX_THREADS];
	time_t last_watchdog = 0;
	uint64_t wd_usec = 0;
	const char *wd;
	sigset_t sigs;
	int ep, sfd, tfd, mfd, i, n, ret = 1;
	unsigned int nthreads = 0;
	bool running = true;

	if (parse_args(argc, argv))
		return 1;
	openlog(PROG, LOG_PID, LOG_DAEMON);
	log_to_journal = getenv("JOURNAL_STREAM") != NULL;
	if (!opt.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, PROG ": daemon: %s\n", strerror(errno));
		return 1;
	}
	wd = getenv("WATCHDOG_USEC");
	if (wd)
		wd_usec = strtoull(wd, NULL, 10);

	snap_cfg.etab = opt.etab;
	snap_cfg.exports_file = opt.exports_file;
	snap_cfg.exports = "/etc/exports";
	snap_cfg.exports_dir = "/etc/exports.d";
	snap_cfg.ipaddr_mode = opt.use_ipaddr ? NLC_IPADDR_FORCED : NLC_IPADDR_AUTO;
	/*
	 * The pseudo-root offers krb5, krb5i and krb5p besides sys, as the
	 * rpc.mountd of Debian 11/12 (nfs-utils <= 2.6) does whether or not
	 * /etc/krb5.keytab exists; later nfs-utils offer them only with a
	 * keytab. The mountd being replaced decides: equivalence is tested
	 * against Debian 12's.
	 */
	snap_cfg.krb5_keytab = true;
	snap_cfg.supported_flags = ~0u;
	snap_cfg.fs_identifiable = fs_identifiable;
	snap_cfg.resolver = &nlc_resolver_libc;

	be.kind = opt.backend;
	for (i = 0; i < NLC_NCACHES; i++)
		be.chan[i] = -1;
	be.want = NLCACHE_CACHE_TYPE_IP_MAP | NLCACHE_CACHE_TYPE_SVC_EXPORT |
		  NLCACHE_CACHE_TYPE_EXPKEY;
	if (opt.manage_gids)
		be.want |= NLCACHE_CACHE_TYPE_UNIX_GID;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGPIPE);
	/* blocked before the workers start, so they inherit the mask */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	done_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (ep < 0 || sfd < 0 || done_efd < 0 || tfd < 0) {
		xlog(LOG_ERR, "cannot set up the event loop: %m");
		return 1;
	}
	timerfd_settime(tfd, 0, &its, NULL);
	if (epoll_add(ep, sfd, EPOLLIN, EV_SIGNAL) || epoll_add(ep, done_efd, EPOLLIN, EV_DONE) ||
	    epoll_add(ep, tfd, EPOLLIN, EV_TIMER) ||
	    (mfd >= 0 && epoll_add(ep, mfd, EPOLLPRI, EV_MOUNTS))) {
		xlog(LOG_ERR, "epoll: %m");
		return 1;
	}
	if (mfd < 0)
		xlog(LOG_WARNING, "/proc/self/mountinfo: %m (mount changes are noticed only on reload)");

	xlog(LOG_INFO, PROG " " NLC_VERSION " starting (backend %s, %u threads%s)",
	     opt.backend == BACKEND_NATIVE ? "native" :
	     opt.backend == BACKEND_NLCACHE ? "nlcache" : "auto", opt.threads,
	     opt.manage_gids ? ", manage-gids" : "");

	for (nthreads = 0; nthreads < opt.threads; nthreads++) {
		if (pthread_create(&tids[nthreads], NULL, worker, NULL)) {
			xlog(LOG_ERR, "cannot start worker threads: %m");
			goto out;
		}
	}

	/* The first exports table is read by a worker (FQDN clients mean
	 * DNS); requests that arrive meanwhile wait for it there. */
	queue_reload();
	be.next_connect = 0;
	tick(ep, &last_watchdog, wd_usec);
	while (running) {
		n = epoll_wait(ep, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			xlog(LOG_ERR, "epoll_wait: %m");
			break;
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u64) {
			case EV_SIGNAL: {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						xlog(LOG_INFO, "SIGHUP: reloading exports");
						atomic_store(&snap_force, true);
						atomic_store(&mounts_dirty, true);
						queue_reload();
					} else if (si.ssi_signo == SIGUSR1) {
						log_stats();
					} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
						xlog(LOG_INFO, "exiting on signal %u", si.ssi_signo);
						running = false;
					}
				}
				break;
			}
			case EV_NOTIFY:
				if (be.connected)
					read_notify();
				break;
			case EV_DONE:
				drain_done();
				if (atomic_exchange(&flush_wanted, false))
					flush_kernel();
				break;
			case EV_TIMER: {
				uint64_t exp;

				if (read(tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
					xlog(LOG_ERR, "timerfd: %m");
				tick(ep, &last_watchdog, wd_usec);
				break;
			}
			case EV_MOUNTS:
				dlog(D_GENERAL, "mount table changed");
				atomic_store(&mounts_dirty, true);
				break;
			}
		}
	}
	ret = 0;
	sd_notify("STOPPING=1");
	if (be.connected && be.caches == nlc_caches) {
		struct nl_msg *msg = nlc_msg_new(&be.cmd[0], NLCACHE_CMD_UNREGISTER, 0, 0);

		/* the module hands every pending request back to /proc */
		if (msg && nlc_request(&be.cmd[0], msg, NULL, NULL))
			xlog(LOG_WARNING, "UNREGISTER: %s", nlc_strerror(&be.cmd[0], -EIO));
		if (msg)
			nlmsg_free(msg);
	}
out:
	backend_close();
	pthread_mutex_lock(&q_lock);
	workers_stop = true;
	pthread_cond_broadcast(&q_cond);
	pthread_mutex_unlock(&q_lock);
	/* A worker stuck in DNS or on a hung mount is not waited for. */
	for (i = 0; i < (int)nthreads; i++)
		pthread_detach(tids[i]);
	closelog();
	return ret;
}
