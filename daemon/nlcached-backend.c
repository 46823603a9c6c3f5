// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The netlink side of nlcached: which families it talks to (the route),
 * connecting and registering, GET_REQS scans, the notification socket,
 * and the kernel-side cache flush.
 *
 * Routes: nfsd_nlcache (the module; REGISTER says which caches it
 * serves), or the kernel's own "sunrpc" and "nfsd" families (7.2+). With
 * --backend auto the native route is taken when the kernel has it, and
 * also when nfsd_nlcache answers REGISTER with EOPNOTSUPP (it stepped
 * aside for native upcalls): backend_fallback() is that decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nlcached.h"

/* not a cache type: the family was unregistered */
#define NOTIFY_FAMILY_GONE	0x80000000u

void backend_init(struct backend *be, enum backend_kind kind, uint32_t want)
{
	int i;

	memset(be, 0, sizeof(*be));
	be->kind = kind;
	be->route = ROUTE_NONE;
	be->caches = nlc_caches;
	be->want = want;
	for (i = 0; i < NLC_NCACHES; i++)
		be->chan[i] = -1;
}

struct nlc_sock *backend_sock(struct backend *be, const struct nlc_cache *c)
{
	if (c->native && !strcmp(c->family, NLC_NATIVE_NFSD))
		return be->have_cmd[1] ? &be->cmd[1] : NULL;
	return be->have_cmd[0] ? &be->cmd[0] : NULL;
}

/*
 * Native kernels queue an upcall only while the cache "has listeners",
 * which sunrpc judges by its /proc channel alone (cache_listeners_exist:
 * open writers, or a close less than 30 s ago); otherwise the entry is
 * made negative at once. A channel held open for writing, never read,
 * keeps the kernel asking without stealing any request.
 */
void backend_hold_channels(struct backend *be)
{
	char path[96];
	int i;

	for (i = 0; i < NLC_NCACHES; i++) {
		const struct nlc_cache *c = &be->caches[i];

		if (be->chan[i] >= 0 || !(be->want & c->type))
			continue;
		snprintf(path, sizeof(path), "/proc/net/rpc/%s/channel", c->name);
		be->chan[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (be->chan[i] >= 0)
			dlog(D_NETLINK, "holding %s open for writing", path);
	}
}

static void release_channels(struct backend *be)
{
	int i;

	for (i = 0; i < NLC_NCACHES; i++) {
		if (be->chan[i] >= 0)
			close(be->chan[i]);
		be->chan[i] = -1;
	}
}

void backend_close(struct backend *be)
{
	int i;

	release_channels(be);
	for (i = 0; i < 2; i++) {
		if (be->have_cmd[i])
			nlc_sock_close(&be->cmd[i]);
		be->have_cmd[i] = false;
	}
	if (be->have_notify)
		nlc_sock_close(&be->notify);
	be->have_notify = false;
	be->route = ROUTE_NONE;
	be->served = 0;
	memset(be->seen_upto, 0, sizeof(be->seen_upto));
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

int backend_register(struct nlcached *d)
{
	struct backend *be = &d->be;
	uint32_t res[2] = { 0, 0 };
	struct nl_msg *msg;
	int err;

	msg = nlc_msg_new(&be->cmd[0], NLCACHE_CMD_REGISTER, 0, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, be->want) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = nlc_request(&be->cmd[0], msg, register_reply, res);
	nlmsg_free(msg);
	if (err) {
		xlog(LOG_ERR, "REGISTER: %s%s%s", nlc_strerror(&be->cmd[0], err),
		     be->cmd[0].extack[0] ? ": " : "", be->cmd[0].extack);
		return err;
	}
	if (res[0] != be->served || res[1] != be->missing) {
		char a[96], b[96];

		nlc_cache_mask_str(res[0], a, sizeof(a));
		nlc_cache_mask_str(res[1], b, sizeof(b));
		if (res[0])
			xlog(LOG_INFO, "serving %s%s%s", a, res[1] ? "; waiting for " : "",
			     res[1] ? b : "");
		else
			xlog(LOG_INFO, "waiting for %s (nfsd not loaded yet)", b);
	}
	be->served = res[0];
	be->missing = res[1];
	return 0;
}

void backend_unregister(struct nlcached *d)
{
	struct backend *be = &d->be;
	struct nl_msg *msg;

	if (be->route != ROUTE_NLCACHE)
		return;
	msg = nlc_msg_new(&be->cmd[0], NLCACHE_CMD_UNREGISTER, 0, 0);
	/* the module hands every pending request back to /proc */
	if (msg && nlc_request(&be->cmd[0], msg, NULL, NULL))
		xlog(LOG_WARNING, "UNREGISTER: %s", nlc_strerror(&be->cmd[0], -EIO));
	if (msg)
		nlmsg_free(msg);
}

/*
 * Hear about the family going away (rmmod) at once. Joined before any
 * group that carries events: the group lookup reads the socket.
 */
static void watch_families(struct backend *be)
{
	int err = nlc_sock_join_group(&be->notify, "nlctrl", "notify");

	if (err)
		xlog(LOG_WARNING, "cannot watch nlctrl notifications (%s): a removed family is noticed on the next request",
		     strerror(-err));
}

static int connect_native(struct nlcached *d)
{
	struct backend *be = &d->be;
	int err;

	be->caches = nlc_native_caches;
	err = nlc_sock_open_family(&be->cmd[0], NLC_NATIVE_SUNRPC);
	if (err)
		return err;
	be->have_cmd[0] = true;
	err = nlc_sock_open_family(&be->cmd[1], NLC_NATIVE_NFSD);
	if (err)
		return err;
	be->have_cmd[1] = true;
	err = nlc_sock_open_family(&be->notify, NLC_NATIVE_SUNRPC);
	if (err)
		return err;
	be->have_notify = true;
	watch_families(be);
	err = nlc_sock_join_group(&be->notify, NLC_NATIVE_SUNRPC, NLC_NATIVE_MCGRP);
	if (!err)
		err = nlc_sock_join_group(&be->notify, NLC_NATIVE_NFSD, NLC_NATIVE_MCGRP);
	if (err)
		return err;
	be->served = be->want;
	be->missing = 0;
	return 0;
}

static int connect_nlcache(struct nlcached *d)
{
	struct backend *be = &d->be;
	int err;

	be->caches = nlc_caches;
	err = nlc_sock_open(&be->cmd[0]);
	if (err)
		return err;
	be->have_cmd[0] = true;
	err = nlc_sock_open(&be->notify);
	if (err)
		return err;
	be->have_notify = true;
	watch_families(be);
	err = nlc_sock_join_exportd(&be->notify);
	if (err)
		return err;
	return backend_register(d);
}

enum backend_route backend_first_route(enum backend_kind kind, bool native)
{
	if (kind == BACKEND_NATIVE || (kind == BACKEND_AUTO && native))
		return ROUTE_NATIVE;
	return ROUTE_NLCACHE;
}

enum backend_route backend_fallback(enum backend_kind kind, enum backend_route route, int err)
{
	/* the module steps aside on kernels with native upcalls */
	if (kind == BACKEND_AUTO && route == ROUTE_NLCACHE && err == -EOPNOTSUPP)
		return ROUTE_NATIVE;
	return ROUTE_NONE;
}

int backend_connect(struct nlcached *d)
{
	struct backend *be = &d->be;
	enum backend_route route, next;
	int err, i;

	route = backend_first_route(be->kind, be->kind == BACKEND_AUTO && native_present());
	for (;;) {
		err = route == ROUTE_NATIVE ? connect_native(d) : connect_nlcache(d);
		if (!err)
			break;
		backend_close(be);
		next = backend_fallback(be->kind, route, err);
		if (next == ROUTE_NONE)
			return err;
		if (next == ROUTE_NATIVE)
			xlog(LOG_WARNING, "nfsd_nlcache reports native upcalls; using the sunrpc/nfsd families");
		route = next;
	}
	nl_socket_set_nonblocking(be->notify.sk);
	be->route = route;
	atomic_store(&d->conn_route, route);
	atomic_fetch_add(&d->conn_gen, 1);
	xlog(LOG_INFO, "connected: %s backend",
	     route == ROUTE_NATIVE ? "native sunrpc/nfsd" : "nfsd_nlcache");
	if (route == ROUTE_NATIVE) {
		char a[96];

		nlc_cache_mask_str(be->want, a, sizeof(a));
		xlog(LOG_INFO, "serving %s", a);
	}
	for (i = 0; i < 2; i++)
		if (be->have_cmd[i])
			dlog(D_NETLINK, "command socket %d: family %s id %d", i,
			     be->cmd[i].family_name, be->cmd[i].family);
	return 0;
}

void backend_lost(struct nlcached *d, int err, const char *what)
{
	xlog(LOG_WARNING, "lost the netlink family (%s: %s); reconnecting", what,
	     strerror(err < 0 ? -err : err));
	backend_close(&d->be);
	atomic_store(&d->conn_route, ROUTE_NONE);
	atomic_fetch_add(&d->conn_gen, 1);
	d->be.next_connect = now_mono() + RECONNECT_DELAY;
	jobs_orphan_deferred(d);
}

/* ----------------------------------------------------------------- scans */

struct scan_ctx {
	struct nlcached *d;
	const struct nlc_cache *c;
	uint64_t upto;		/* the largest seqno listed */
	bool missed;		/* a request was not taken (malformed, no memory) */
};

static int scan_req(const struct nlc_pending *r, void *arg)
{
	struct scan_ctx *ctx = arg;

	if (r->seqno > ctx->upto)
		ctx->upto = r->seqno;
	if (jobs_seen(ctx->d, r))
		ctx->missed = true;
	return 0;
}

static void scan_bad(const struct nlc_cache *c, void *arg)
{
	struct scan_ctx *ctx = arg;

	ctx->missed = true;
	xlog(LOG_WARNING, "%s: malformed request in a GET_REQS dump (skipped)", c->name);
}

static int scan_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct scan_ctx *ctx = arg;

	nlc_pending_walk(ctx->c, nlh, scan_req, scan_bad, ctx);
	return 0;
}

/*
 * One GET_REQS dump of cache c. Incremental (nlcache route only): just the
 * requests after the last seqno a complete dump showed, as nothing before
 * it is new (the module numbers a netns's requests across its caches, and
 * a request queued again gets a new number); what a job forgot meanwhile
 * is listed again by the periodic full scan. The native families list
 * everything.
 */
static void scan_cache(struct nlcached *d, const struct nlc_cache *c, bool incremental)
{
	struct backend *be = &d->be;
	struct nlc_sock *s = backend_sock(be, c);
	struct scan_ctx ctx = { .d = d, .c = c };
	unsigned int ci = (unsigned int)(c - be->caches);
	uint64_t after = 0;
	struct nl_msg *msg;
	int err;

	if (!s || ci >= NLC_NCACHES)
		return;
	if (incremental && !c->native)
		after = be->seen_upto[ci];
	msg = nlc_dump_msg_new(s, c, after);
	if (!msg)
		return;
	err = nlc_request(s, msg, scan_reply, &ctx);
	nlmsg_free(msg);
	d->stats.scans++;
	if (!err && !c->native) {
		/* A full dump that missed a request starts the next one
		 * from zero again; an incremental one keeps its start. */
		if (ctx.missed)
			be->seen_upto[ci] = after;
		else if (ctx.upto > be->seen_upto[ci])
			be->seen_upto[ci] = ctx.upto;
	}
	if (!err)
		return;
	if (err == -ENODEV) {
		/* the cache does not exist in this netns: nfsd not started */
		dlog(D_NETLINK, "%s: not instantiated (nfsd not running)", c->name);
		return;
	}
	if (err == -EIO || err == -ENOENT || err == -EOPNOTSUPP) {
		backend_lost(d, err, c->name);
		return;
	}
	xlog(LOG_WARNING, "%s: GET_REQS: %s%s%s", c->name, nlc_strerror(s, err),
	     s->extack[0] ? ": " : "", s->extack);
}

void backend_scan(struct nlcached *d, uint32_t types, bool incremental)
{
	struct backend *be = &d->be;
	int i;

	for (i = 0; i < NLC_NCACHES && backend_connected(be); i++) {
		const struct nlc_cache *c = &be->caches[i];

		if ((types & c->type) && (be->served & c->type))
			scan_cache(d, c, incremental);
	}
}

void backend_flush(struct nlcached *d)
{
	static const uint8_t native_flush[2] = {
		NLC_SUNRPC_CMD_CACHE_FLUSH, NLC_NFSD_CMD_CACHE_FLUSH,
	};
	struct backend *be = &d->be;
	struct nl_msg *msg;
	int i, err;

	if (!backend_connected(be))
		return;
	for (i = 0; i < 2; i++) {
		uint8_t cmd;

		if (!be->have_cmd[i])
			continue;
		cmd = be->route == ROUTE_NATIVE ? native_flush[i] : NLCACHE_CMD_CACHE_FLUSH;
		msg = nlc_msg_new(&be->cmd[i], cmd, 0, 0);
		if (!msg)
			return;
		err = nlc_request(&be->cmd[i], msg, NULL, NULL);
		nlmsg_free(msg);
		if (err)
			xlog(LOG_WARNING, "cache flush: %s", nlc_strerror(&be->cmd[i], err));
		else
			xlog(LOG_INFO, "flushed the kernel's export caches");
	}
}

/* ----------------------------------------------------------- notify sock */

struct notify_ctx {
	struct nlcached *d;
	uint32_t types;
};

static int notify_msg(struct nl_msg *m, void *arg)
{
	struct notify_ctx *ctx = arg;
	struct backend *be = &ctx->d->be;
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	const struct genlmsghdr *g;
	struct nlattr *a;
	uint32_t mask;
	int i;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NL_SKIP;
	g = nlmsg_data(nlh);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		/* a family went away (rmmod): one we use? */
		a = nlmsg_find_attr(nlh, GENL_HDRLEN, CTRL_ATTR_FAMILY_ID);
		if (g->cmd == CTRL_CMD_DELFAMILY && a && nla_len(a) >= 2)
			for (i = 0; i < 2; i++)
				if (be->have_cmd[i] && nla_get_u16(a) == be->cmd[i].family)
					ctx->types |= NOTIFY_FAMILY_GONE;
		return NL_OK;
	}
	/* a malformed mask: look at every cache */
	if (nlc_notify_parse(nlh, &mask))
		mask = NLCACHE_CACHE_TYPE_ALL;
	for (i = 0; i < NLC_NCACHES; i++) {
		const struct nlc_cache *c = &be->caches[i];
		struct nlc_sock *s = backend_sock(be, c);

		if (nlh->nlmsg_type != (s ? s->family : -1) || g->cmd != c->notify_cmd)
			continue;
		if (mask & c->notify_bit)
			ctx->types |= c->type;
	}
	ctx->d->stats.notifications++;
	return NL_OK;
}

static int no_seq_check(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

void backend_read_notify(struct nlcached *d)
{
	struct notify_ctx ctx = { .d = d };
	bool overrun = false;
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return;
	/* events carry no sequence numbers */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, notify_msg, &ctx);
	for (;;) {
		err = nl_recvmsgs(d->be.notify.sk, cb);
		if (err == -NLE_AGAIN || err == 0)
			break;
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: notifications were lost; look at everything */
			d->stats.overruns++;
			dlog(D_NETLINK, "notification socket overrun: scanning all caches");
			ctx.types = NLCACHE_CACHE_TYPE_ALL;
			overrun = true;
			continue;
		}
		if (err < 0) {
			dlog(D_NETLINK, "notification socket: %s", nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	if (ctx.types & NOTIFY_FAMILY_GONE) {
		backend_lost(d, -ENOENT, "family removed");
		return;
	}
	if (ctx.types) {
		dlog(D_NETLINK, "notification: %#x", ctx.types);
		/* after an overrun, everything (lost notifications) */
		backend_scan(d, ctx.types, !overrun);
	}
}
