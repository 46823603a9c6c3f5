// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached: answers the NFS server's sunrpc cache upcalls (auth.unix.ip,
 * auth.unix.gid, nfsd.export, nfsd.fh) over generic netlink, with
 * rpc.mountd's semantics.
 *
 * One thread owns the netlink sockets and runs the epoll loop here
 * (signalfd, notification socket, timerfd, mountinfo, worker
 * completions). Requests are fetched with GET_REQS dumps, deduplicated by
 * key, and computed on a pool of worker threads (DNS, NSS, stat, statfs
 * and blkid block there, never in the loop); finished answers go back in
 * batched SET_REQS, except nfsd.export and nfsd.fh answers, which the
 * worker that computed them sends on its own socket (the kernel resolves
 * their path while parsing them, and a hung mount must not stop the
 * loop). nlcached.h says which file holds which part.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "nlcached.h"

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

static void log_stats(const struct nlcached *d)
{
	const struct nlcached_stats *st = &d->stats;
	int i;

	for (i = 0; i < NLC_NCACHES; i++)
		xlog(LOG_INFO, "%s: %llu positive, %llu negative, %llu deferred, %llu refused, %llu duplicates, %llu recomputed",
		     nlc_caches[i].name, (unsigned long long)st->answered[i][0],
		     (unsigned long long)st->answered[i][1],
		     (unsigned long long)st->deferred[i],
		     (unsigned long long)st->rejected[i],
		     (unsigned long long)st->dedup[i],
		     (unsigned long long)st->recomputed[i]);
	xlog(LOG_INFO, "%llu scans, %llu notifications, %llu overruns, %zu requests in progress",
	     (unsigned long long)st->scans, (unsigned long long)st->notifications,
	     (unsigned long long)st->overruns, d->jobs.njobs);
}

/* systemctl status: what the daemon is doing, in one line */
static void notify_status(const struct nlcached *d)
{
	const struct backend *be = &d->be;
	uint64_t answered = 0, deferred = 0;
	char text[256];
	int i;

	if (!getenv("NOTIFY_SOCKET"))
		return;
	for (i = 0; i < NLC_NCACHES; i++) {
		answered += d->stats.answered[i][0] + d->stats.answered[i][1];
		deferred += d->stats.deferred[i];
	}
	snprintf(text, sizeof(text), "STATUS=%s; %llu answers, %llu deferred, %zu in progress",
		 !backend_connected(be) ? "waiting for the netlink family" :
		 be->route == ROUTE_NATIVE ? "serving (native sunrpc/nfsd)" :
		 be->missing ? "serving (waiting for nfsd's caches)" : "serving (nfsd_nlcache)",
		 (unsigned long long)answered, (unsigned long long)deferred, d->jobs.njobs);
	sd_notify(text);
}

static int epoll_add(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

enum { EV_SIGNAL = 1, EV_NOTIFY, EV_DONE, EV_TIMER, EV_MOUNTS };

struct loop {
	int ep;
	time_t last_watchdog;
	uint64_t wd_usec;
};

/* Once a second: connect, re-register, scan, retry, tell systemd. */
static void tick(struct nlcached *d, struct loop *l)
{
	struct backend *be = &d->be;
	time_t now = now_mono();
	int err;

	if (!backend_connected(be) && now >= be->next_connect) {
		err = backend_connect(d);
		if (err) {
			be->next_connect = now + RECONNECT_DELAY;
			if (!be->warned_absent || now - be->absent_since >= 60) {
				xlog(LOG_WARNING, "no netlink upcall family yet (%s): modprobe nfsd_nlcache, or run a kernel with native upcalls; retrying",
				     strerror(-err));
				be->warned_absent = true;
				be->absent_since = now;
			}
		} else {
			be->warned_absent = false;
			if (epoll_add(l->ep, nlc_sock_fd(&be->notify), EPOLLIN, EV_NOTIFY))
				xlog(LOG_ERR, "epoll: %m");
			be->next_register = now + REGISTER_RETRY;
			be->next_scan = now + SCAN_PERIOD;
			if (!be->ready_sent) {
				sd_notify("READY=1\nSTATUS=serving NFS cache upcalls");
				be->ready_sent = true;
			}
			backend_scan(d, NLCACHE_CACHE_TYPE_ALL, false);
		}
	}
	if (be->route == ROUTE_NLCACHE && now >= be->next_register) {
		uint32_t before = be->served;

		/* nfsd may have been (re)loaded: registering again adds what
		 * is missing and is harmless otherwise */
		if (backend_register(d) == -EIO)
			backend_lost(d, -EIO, "REGISTER");
		be->next_register = now + (be->missing ? REGISTER_RETRY : SCAN_PERIOD);
		if (be->served & ~before)
			backend_scan(d, be->served & ~before, false);
	}
	if (be->route == ROUTE_NATIVE)
		backend_hold_channels(be);
	if (backend_connected(be) && now >= be->next_scan) {
		backend_scan(d, NLCACHE_CACHE_TYPE_ALL, false);
		be->next_scan = now + SCAN_PERIOD;
	}
	jobs_retry(d);
	if (d->tables.dnsw_ok)
		nlc_dnswait_tick(&d->tables.dnsw);
	if (be->ready_sent && now % 10 == 0)
		notify_status(d);
	if (l->wd_usec && (uint64_t)(now - l->last_watchdog) * 2000000u >= l->wd_usec) {
		sd_notify("WATCHDOG=1");
		l->last_watchdog = now;
	}
}

/* false: time to exit */
static bool on_signals(struct nlcached *d, int sfd)
{
	struct signalfd_siginfo si;
	bool running = true;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			xlog(LOG_INFO, "SIGHUP: reloading exports");
			atomic_store(&d->tables.snap_force, true);
			atomic_store(&d->tables.mounts_dirty, true);
			jobs_queue_reload(d);
		} else if (si.ssi_signo == SIGUSR1) {
			log_stats(d);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			xlog(LOG_INFO, "exiting on signal %u", si.ssi_signo);
			running = false;
		}
	}
	return running;
}

static struct nlcached daemon_state;

int main(int argc, char **argv)
{
	struct nlcached *d = &daemon_state;
	struct epoll_event evs[16];
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct loop l = { 0 };
	const char *wd;
	sigset_t sigs;
	int sfd, tfd, mfd, i, n, ret = 1;
	bool running = true;
	uint32_t want;
	uint64_t val;

	n = conf_parse(&d->cfg, argc, argv);
	if (n)
		return n > 0 ? 0 : 1;
	log_setup(d->cfg.foreground, d->cfg.debug);
	openlog(PROG, LOG_PID, LOG_DAEMON);
	if (!d->cfg.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, PROG ": daemon: %s\n", strerror(errno));
		return 1;
	}
	wd = getenv("WATCHDOG_USEC");
	if (wd)
		l.wd_usec = strtoull(wd, NULL, 10);

	tables_init(d);
	jobs_init(&d->jobs);
	d->compute = nlcached_compute;
	d->flush_epoch = tables_flush_epoch;
	want = NLCACHE_CACHE_TYPE_IP_MAP | NLCACHE_CACHE_TYPE_SVC_EXPORT |
	       NLCACHE_CACHE_TYPE_EXPKEY;
	if (d->cfg.manage_gids)
		want |= NLCACHE_CACHE_TYPE_UNIX_GID;
	backend_init(&d->be, d->cfg.backend, want);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGPIPE);
	/* blocked before the workers start, so they inherit the mask */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	l.ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	d->done_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (l.ep < 0 || sfd < 0 || d->done_efd < 0 || tfd < 0) {
		xlog(LOG_ERR, "cannot set up the event loop: %m");
		return 1;
	}
	timerfd_settime(tfd, 0, &its, NULL);
	if (epoll_add(l.ep, sfd, EPOLLIN, EV_SIGNAL) ||
	    epoll_add(l.ep, d->done_efd, EPOLLIN, EV_DONE) ||
	    epoll_add(l.ep, tfd, EPOLLIN, EV_TIMER) ||
	    (mfd >= 0 && epoll_add(l.ep, mfd, EPOLLPRI, EV_MOUNTS))) {
		xlog(LOG_ERR, "epoll: %m");
		return 1;
	}
	if (mfd < 0)
		xlog(LOG_WARNING, "/proc/self/mountinfo: %m (mount changes are noticed only on reload)");

	xlog(LOG_INFO, PROG " " NLC_VERSION " starting (backend %s, %u threads%s)",
	     d->cfg.backend == BACKEND_NATIVE ? "native" :
	     d->cfg.backend == BACKEND_NLCACHE ? "nlcache" : "auto", d->cfg.threads,
	     d->cfg.manage_gids ? ", manage-gids" : "");

	if (jobs_start(d, d->cfg.threads)) {
		xlog(LOG_ERR, "cannot start worker threads: %m");
		goto out;
	}

	/* The first exports table is read by a worker (FQDN clients mean
	 * DNS); requests that arrive meanwhile wait for it there. */
	jobs_queue_reload(d);
	d->be.next_connect = 0;
	tick(d, &l);
	while (running) {
		n = epoll_wait(l.ep, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			xlog(LOG_ERR, "epoll_wait: %m");
			break;
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u64) {
			case EV_SIGNAL:
				running = on_signals(d, sfd) && running;
				break;
			case EV_NOTIFY:
				if (backend_connected(&d->be))
					backend_read_notify(d);
				break;
			case EV_DONE:
				if (read(d->done_efd, &val, sizeof(val)) < 0 && errno != EAGAIN)
					xlog(LOG_ERR, "eventfd read: %m");
				jobs_drain(d);
				/* a snapshot is in: what was deferred for it now */
				if (atomic_load(&d->tables.snap_installed))
					jobs_retry(d);
				if (atomic_exchange(&d->tables.dns_settled, false)) {
					dlog(D_GENERAL, "a client name lookup ended: reloading exports");
					atomic_store(&d->tables.snap_force, true);
					jobs_queue_reload(d);
				}
				if (atomic_exchange(&d->tables.flush_wanted, false))
					backend_flush(d);
				break;
			case EV_TIMER:
				if (read(tfd, &val, sizeof(val)) < 0 && errno != EAGAIN)
					xlog(LOG_ERR, "timerfd: %m");
				tick(d, &l);
				break;
			case EV_MOUNTS:
				dlog(D_GENERAL, "mount table changed");
				atomic_store(&d->tables.mounts_dirty, true);
				break;
			}
		}
	}
	ret = 0;
	sd_notify("STOPPING=1");
	backend_unregister(d);
out:
	backend_close(&d->be);
	jobs_stop(d);
	closelog();
	return ret;
}
