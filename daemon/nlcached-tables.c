// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The exports snapshot and the mount table the answers are computed from.
 * Both are reference-counted and replaced whole: a worker holds the
 * generation it started with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "client.h"
#include "nlcached.h"

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

/*
 * The table also caches stat() results per path; directories can be
 * removed and made again without any mount changing, so a generation is
 * also retired after this many seconds (and with every exports reload).
 */
#define MOUNTS_MAX_AGE	30

/* A lookup an exports load stopped waiting for has ended: load again. */
static void dns_settled(void *arg)
{
	struct nlcached *d = arg;

	atomic_store(&d->tables.dns_settled, true);
	nlcached_wake(d);
}

void tables_init(struct nlcached *d)
{
	const struct nlcached_config *cfg = &d->cfg;
	struct tables *t = &d->tables;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->snap_lock, NULL);
	pthread_mutex_init(&t->mounts_lock, NULL);
	pthread_mutex_init(&t->flush_lock, NULL);
	for (i = 0; i < NLC_NCACHES; i++)
		atomic_init(&t->flush_fd[i], -1);
	atomic_init(&t->mounts_dirty, true);
	t->snap_cfg.etab = cfg->etab;
	t->snap_cfg.exports_file = cfg->exports_file;
	t->snap_cfg.exports = "/etc/exports";
	t->snap_cfg.exports_dir = "/etc/exports.d";
	t->snap_cfg.ipaddr_mode = cfg->use_ipaddr ? NLC_IPADDR_FORCED : NLC_IPADDR_AUTO;
	/*
	 * The pseudo-root offers krb5, krb5i and krb5p besides sys, as the
	 * rpc.mountd of Debian 11/12 (nfs-utils <= 2.6) does whether or not
	 * /etc/krb5.keytab exists; later nfs-utils offer them only with a
	 * keytab. The mountd being replaced decides: equivalence is tested
	 * against Debian 12's.
	 */
	t->snap_cfg.krb5_keytab = true;
	t->snap_cfg.supported_flags = ~0u;
	/* FQDN clients are looked up with a deadline (dnswait.h) */
	if (nlc_dnswait_init(&t->dnsw, &nlc_resolver_libc, NLC_DNSWAIT_LOAD_MS,
			     dns_settled, d) == 0) {
		t->snap_cfg.resolver = &t->dnsw.r;
		t->dnsw_ok = true;
	} else {
		xlog(LOG_WARNING, "exports: name lookups without a deadline (out of resources)");
		t->snap_cfg.resolver = &nlc_resolver_libc;
	}
}

void tables_free(struct tables *t)
{
	unsigned int i;

	if (t->snap_cur)
		nlc_snapshot_put(t->snap_cur);
	t->snap_cur = NULL;
	if (t->mounts_cur)
		nlc_mounts_put(t->mounts_cur);
	t->mounts_cur = NULL;
	pthread_mutex_destroy(&t->snap_lock);
	pthread_mutex_destroy(&t->mounts_lock);
	for (i = 0; i < NLC_NCACHES; i++)
		if (atomic_load(&t->flush_fd[i]) >= 0)
			close(atomic_exchange(&t->flush_fd[i], -1));
	pthread_mutex_destroy(&t->flush_lock);
	if (t->dnsw_ok)
		nlc_dnswait_destroy(&t->dnsw);
	t->dnsw_ok = false;
}

uint32_t tables_export_features(struct tables *t)
{
	static atomic_bool warned;
	unsigned int f = atomic_load(&t->features);
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
		atomic_store(&t->features, sup);
		xlog(LOG_INFO, "nfsd's export features: %#x", sup);
		return sup;
	}
	if (!atomic_exchange(&warned, true))
		xlog(LOG_WARNING,
		     "cannot read /proc/fs/nfsd/export_features (%s); assuming export flags %#x",
		     why, EXPORT_FEATURES_DEFAULT);
	return EXPORT_FEATURES_DEFAULT;
}

uint64_t tables_generation(struct tables *t)
{
	uint64_t gen;

	pthread_mutex_lock(&t->snap_lock);
	gen = t->snap_cur ? t->snap_cur->generation : 0;
	pthread_mutex_unlock(&t->snap_lock);
	return gen;
}

/*
 * Open cache @ci's /proc/net/rpc/<cache> directory into its slot (under
 * flush_lock): a new slot, or the directory behind a slot where "flush"
 * is gone (nfsd's module went away and came back) replaced with dup3, so
 * that a worker using the old descriptor meanwhile never opens some other
 * file. (The flush file itself cannot be kept open: it is not seekable,
 * and its value is formatted once per open.)
 */
static int flush_dir_open(struct tables *t, unsigned int ci, int stale)
{
	char path[96];
	int fd, cur;

	pthread_mutex_lock(&t->flush_lock);
	cur = atomic_load(&t->flush_fd[ci]);
	if (cur != stale) {
		/* another worker did it */
		pthread_mutex_unlock(&t->flush_lock);
		return cur;
	}
	snprintf(path, sizeof(path), "/proc/net/rpc/%s", nlc_caches[ci].name);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && cur >= 0) {
		if (dup3(fd, cur, O_CLOEXEC) < 0) {
			close(fd);
			fd = -1;
		} else {
			close(fd);
			fd = cur;
		}
	}
	if (fd >= 0)
		atomic_store(&t->flush_fd[ci], fd);
	pthread_mutex_unlock(&t->flush_lock);
	return fd;
}

uint64_t tables_flush_epoch(struct nlcached *d, unsigned int ci)
{
	struct tables *t = &d->tables;
	char buf[32];
	ssize_t n = -1;
	int dfd, fd, tries;

	if (ci >= NLC_NCACHES)
		return 0;
	/* one lookup from the kept directory, not the whole path's */
	dfd = atomic_load(&t->flush_fd[ci]);
	for (tries = 0; tries < 2; tries++) {
		if (dfd >= 0) {
			fd = openat(dfd, "flush", O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				n = read(fd, buf, sizeof(buf) - 1);
				close(fd);
				break;
			}
		}
		dfd = flush_dir_open(t, ci, dfd);
	}
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strtoull(buf, NULL, 10);
}

static void snapshot_report(const struct tables *t, const struct nlc_snapshot *s)
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
			 s->source == NLC_SNAP_ETAB ? t->snap_cfg.etab :
			 s->source == NLC_SNAP_EXPORTS_FILE ? t->snap_cfg.exports_file :
			 s->source == NLC_SNAP_EXPORTS ? t->snap_cfg.exports :
			 "no file (no etab, no exports)");
	xlog(LOG_INFO, "exports: %zu entries from %s (%zu pseudo-root), generation %llu%s",
	     real, files, s->nexp - real, (unsigned long long)s->generation,
	     s->use_ipaddr ? ", use_ipaddr" : "");
	if (s->dns_unsettled)
		xlog(LOG_WARNING, "exports: %u client names still being looked up after %u ms; loading again when they are (negative answers wait till then)",
		     s->dns_unsettled, NLC_DNSWAIT_LOAD_MS);
	if (s->dns_failures > s->dns_unsettled)
		xlog(LOG_WARNING, "exports: %u client names did not resolve (last good addresses kept)",
		     s->dns_failures - s->dns_unsettled);
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
struct nlc_snapshot *tables_snapshot(struct nlcached *d)
{
	struct tables *t = &d->tables;
	struct nlc_snapshot *s, *cur, *old;
	bool force, ipaddr_was;
	uint64_t gen;
	int err;

again:
	pthread_mutex_lock(&t->snap_lock);
	cur = t->snap_cur ? nlc_snapshot_get(t->snap_cur) : NULL;
	pthread_mutex_unlock(&t->snap_lock);
	force = atomic_exchange(&t->snap_force, false);
	if (cur && !force && !nlc_snapshot_stale(cur, &t->snap_cfg))
		return cur;
	pthread_mutex_lock(&t->snap_lock);
	if (t->snap_cur != cur) {
		/* another worker installed a newer one meanwhile */
		pthread_mutex_unlock(&t->snap_lock);
		if (force)
			atomic_store(&t->snap_force, true);
		nlc_snapshot_put(cur);
		goto again;
	}
	if (t->snap_loading) {
		pthread_mutex_unlock(&t->snap_lock);
		if (force)
			atomic_store(&t->snap_force, true);
		nlc_snapshot_put(cur);
		return NULL;
	}
	t->snap_loading = true;
	gen = ++t->snap_gen;
	pthread_mutex_unlock(&t->snap_lock);

	if (t->dnsw_ok)
		nlc_dnswait_begin(&t->dnsw);
	err = nlc_snapshot_load(&t->snap_cfg, cur, gen, &s);
	if (!err && t->dnsw_ok)
		s->dns_unsettled = nlc_dnswait_end(&t->dnsw);

	pthread_mutex_lock(&t->snap_lock);
	t->snap_loading = false;
	if (err) {
		xlog(LOG_ERR, "exports: cannot load: %s (keeping the previous table)",
		     strerror(-err));
		pthread_mutex_unlock(&t->snap_lock);
		atomic_fetch_add(&t->installs, 1);
		atomic_store(&t->snap_installed, true);
		return cur;
	}
	snapshot_report(t, s);
	atomic_store(&t->mounts_dirty, true);
	old = t->snap_cur;
	t->snap_cur = s;
	ipaddr_was = atomic_exchange(&t->use_ipaddr_cur, s->use_ipaddr);
	/* No exportfs flushes the kernel's caches in these modes; a use_ipaddr
	 * change invalidates every domain the kernel holds. */
	if (old && (force || s->source != NLC_SNAP_ETAB || ipaddr_was != s->use_ipaddr))
		atomic_store(&t->flush_wanted, true);
	s = nlc_snapshot_get(s);
	pthread_mutex_unlock(&t->snap_lock);
	atomic_fetch_add(&t->installs, 1);
	atomic_store(&t->snap_installed, true);
	if (cur)
		nlc_snapshot_put(cur);
	if (old)
		nlc_snapshot_put(old);
	/* the loop retries what was deferred meanwhile (the first load too) */
	nlcached_wake(d);
	return s;
}

struct nlc_mount_table *tables_mounts(struct tables *t)
{
	struct nlc_mount_table *m;
	time_t now = now_mono();

	pthread_mutex_lock(&t->mounts_lock);
	if (atomic_exchange(&t->mounts_dirty, false) || !t->mounts_cur ||
	    now - t->mounts_read_at >= MOUNTS_MAX_AGE) {
		t->mounts_read_at = now;
		m = nlc_mounts_read("/proc/self/mountinfo");
		if (m) {
			if (t->mounts_cur)
				nlc_mounts_put(t->mounts_cur);
			t->mounts_cur = m;
			dlog(D_GENERAL, "mount table: %zu mounts", nlc_mounts_count(m));
		} else {
			xlog(LOG_ERR, "cannot read /proc/self/mountinfo: %m");
			atomic_store(&t->mounts_dirty, true);
		}
	}
	m = t->mounts_cur ? nlc_mounts_get(t->mounts_cur) : NULL;
	pthread_mutex_unlock(&t->mounts_lock);
	return m;
}
