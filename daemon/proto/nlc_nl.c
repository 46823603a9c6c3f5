// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>

#include <linux/nfsd_nlcache.h>

#include "nlc_nl.h"
#include "nlc_proto.h"
#include "nl_compat.h"

/* Map a libnl error to an errno for callers that print strerror(). */
static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_AGAIN:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

int nlc_sock_open(struct nlc_sock *s)
{
	return nlc_sock_open_family(s, NLCACHE_FAMILY_NAME);
}

int nlc_sock_open_family(struct nlc_sock *s, const char *family)
{
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->sk = nl_socket_alloc();
	if (!s->sk)
		return -ENOMEM;
	err = genl_connect(s->sk);
	if (err < 0)
		goto fail;
	/* Both are best effort: old kernels lack them and still work. */
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	err = nl_socket_set_buffer_size(s->sk, NLC_SOCK_BUF, NLC_SOCK_BUF);
	if (err < 0)
		goto fail;
	nl_socket_enable_msg_peek(s->sk);
	err = genl_ctrl_resolve(s->sk, family);
	if (err < 0)
		goto fail;
	s->family = err;
	snprintf(s->family_name, sizeof(s->family_name), "%s", family);
	return 0;
fail:
	s->nl_err = err < 0 ? -err : err;
	nl_socket_free(s->sk);
	s->sk = NULL;
	return nl_to_errno(err);
}

void nlc_sock_close(struct nlc_sock *s)
{
	if (s->sk)
		nl_socket_free(s->sk);
	s->sk = NULL;
}

int nlc_sock_fd(const struct nlc_sock *s)
{
	return nl_socket_get_fd(s->sk);
}

size_t nlc_batch_msg_size(size_t entries, size_t max)
{
	size_t size = NLC_MSG_MIN;

	while (size < max && size / NLC_ENTRY_TYPICAL < entries)
		size *= 2;
	return size < max ? size : max;
}

size_t nlc_sock_msg_max(const struct nlc_sock *s)
{
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);

	/* netlink_sendmsg() refuses len > sk_sndbuf - 32. */
	if (getsockopt(nlc_sock_fd(s), SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) < 0 ||
	    sndbuf < 4096 + 32)
		return 4096;
	if ((size_t)sndbuf - 32 > NLC_MSG_MAX)
		return NLC_MSG_MAX;
	return (size_t)sndbuf - 32;
}

int nlc_sock_join_exportd(struct nlc_sock *s)
{
	return nlc_sock_join_group(s, s->family_name, NLCACHE_MCGRP_EXPORTD);
}

int nlc_sock_join_group(struct nlc_sock *s, const char *family, const char *group)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(s->sk, family, group);
	if (grp < 0) {
		s->nl_err = -grp;
		return nl_to_errno(grp);
	}
	err = nl_socket_add_membership(s->sk, grp);
	if (err < 0) {
		s->nl_err = -err;
		return nl_to_errno(err);
	}
	nl_socket_disable_seq_check(s->sk);
	return 0;
}

struct nl_msg *nlc_msg_new(const struct nlc_sock *s, uint8_t cmd, int flags,
			   size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s->family, 0, flags,
			 cmd, NLCACHE_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The four *_REQS sets number their attributes alike. */
_Static_assert((int)NLCACHE_A_UNIX_GID_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER &&
	       (int)NLCACHE_A_SVC_EXPORT_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER &&
	       (int)NLCACHE_A_EXPKEY_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER,
	       "*_REQS_AFTER differs between the sets");

struct nl_msg *nlc_dump_msg_new(const struct nlc_sock *s, const struct nlc_cache *c,
				uint64_t after)
{
	struct nl_msg *msg = nlc_msg_new(s, c->get_cmd, NLM_F_DUMP, 0);

	if (msg && after && nla_put_u64(msg, NLCACHE_A_IP_MAP_REQS_AFTER, after)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void copy_tlv_msg(const struct nlattr *a, char *msg, size_t size)
{
	size_t len = a->nla_len - NLA_HDRLEN, n;
	const char *s = (const char *)a + NLA_HDRLEN;

	n = strnlen(s, len);
	if (n >= size)
		n = size - 1;
	memcpy(msg, s, n);
	msg[n] = '\0';
}

int nlc_extack_parse(const struct nlmsghdr *nlh, int *error, char *msg, size_t size)
{
	const struct nlattr *a;
	size_t off, payload, end;
	int rem;

	if (size)
		msg[0] = '\0';
	*error = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EINVAL;
	end = nlh->nlmsg_len;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e;

		if (end < NLMSG_HDRLEN + sizeof(*e))
			return -EINVAL;
		e = (const struct nlmsgerr *)((const char *)nlh + NLMSG_HDRLEN);
		*error = e->error;
		payload = sizeof(*e);
		/* Not capped: the request follows, headers and all. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
			payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		int v;

		payload = sizeof(v);
		if (end < NLMSG_HDRLEN + payload)
			return 0;	/* a bare DONE ends a dump cleanly */
		memcpy(&v, (const char *)nlh + NLMSG_HDRLEN, sizeof(v));
		*error = v;
	} else {
		return -EINVAL;
	}
	if (*error > 0)
		*error = -*error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !size)
		return 0;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	if (off >= end)
		return 0;
	a = (const struct nlattr *)((const char *)nlh + off);
	rem = (int)(end - off);
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    a->nla_len > NLA_HDRLEN) {
			copy_tlv_msg(a, msg, size);
			return 0;
		}
		rem -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return 0;
}

struct req_ctx {
	struct nlc_sock *s;
	nlc_reply_fn fn;
	void *arg;
	uint32_t seq;	/* of the request */
	int err;	/* the kernel's */
	int cb_err;	/* the callback's */
	bool want_reply;	/* a reply message comes besides the ACK */
	bool got_reply;
	bool got_ack;
	bool done;
};

/* Messages of other requests (a late reply, say) are skipped, not errors. */
static int on_seq_check(struct nl_msg *m, void *arg)
{
	struct req_ctx *ctx = arg;

	return nlmsg_hdr(m)->nlmsg_seq == ctx->seq ? NL_OK : NL_SKIP;
}

static int on_valid(struct nl_msg *m, void *arg)
{
	struct req_ctx *ctx = arg;
	int err;

	if (ctx->fn && !ctx->cb_err) {
		err = ctx->fn(nlmsg_hdr(m), ctx->arg);
		if (err < 0)
			ctx->cb_err = err;
	}
	ctx->got_reply = true;
	if (ctx->want_reply && ctx->got_ack) {
		ctx->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * nfsd_nlcache applies a SET batch when the sending syscall returns, so its
 * reply follows the ACK: wait for both, in either order.
 */
static int on_ack(struct nl_msg *m, void *arg)
{
	struct req_ctx *ctx = arg;

	(void)m;
	ctx->got_ack = true;
	if (ctx->want_reply && !ctx->got_reply)
		return NL_OK;
	ctx->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *m, void *arg)
{
	struct req_ctx *ctx = arg;
	int error;

	/* libnl ignores the error code a failed dump leaves in NLMSG_DONE. */
	if (!nlc_extack_parse(nlmsg_hdr(m), &error, ctx->s->extack,
			      sizeof(ctx->s->extack)) && error)
		ctx->err = error;
	ctx->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload; the header (with the CAPPED and
	 * ACK_TLVS flags and the length) sits right before it. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct req_ctx *ctx = arg;
	int error;

	(void)nla;
	if (nlc_extack_parse(nlh, &error, ctx->s->extack, sizeof(ctx->s->extack)))
		error = e->error < 0 ? e->error : -e->error;
	ctx->err = error ? error : -EIO;
	ctx->done = true;
	return NL_STOP;
}

static int request(struct nlc_sock *s, struct nl_msg *msg, nlc_reply_fn fn,
		   void *arg, bool want_reply)
{
	struct req_ctx ctx = { .s = s, .fn = fn, .arg = arg, .want_reply = want_reply };
	struct nl_cb *cb;
	int err;

	s->extack[0] = '\0';
	s->nl_err = 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ctx);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &ctx);

	err = nl_send_auto(s->sk, msg);
	if (err < 0) {
		s->nl_err = -err;
		nl_cb_put(cb);
		return nl_to_errno(err) == -EMSGSIZE ? -EMSGSIZE : -EIO;
	}
	ctx.seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (!ctx.done) {
		err = nl_recvmsgs(s->sk, cb);
		if (err < 0 && !ctx.done) {
			s->nl_err = -err;
			nl_cb_put(cb);
			return -EIO;
		}
	}
	nl_cb_put(cb);
	if (ctx.err)
		return ctx.err;
	return ctx.cb_err;
}

int nlc_request(struct nlc_sock *s, struct nl_msg *msg, nlc_reply_fn fn, void *arg)
{
	return request(s, msg, fn, arg, false);
}

struct batch_ctx {
	const struct nlc_cache *c;
	const struct nlc_batch_ops *ops;
	void *arg;
	const size_t *map;	/* message position -> entry */
	size_t count;		/* entries in the message */
	uint32_t applied;
	bool have_applied;
	size_t rejected;
};

static void batch_error(const struct nlc_set_error *e, void *arg)
{
	struct batch_ctx *ctx = arg;

	ctx->rejected++;
	ctx->ops->rejected(e->index < ctx->count ? ctx->map[e->index] : SIZE_MAX,
			   e->err ? e->err : EINVAL, e->message, false, ctx->arg);
}

static int batch_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct batch_ctx *ctx = arg;
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	g = (const struct genlmsghdr *)((const char *)nlh + NLMSG_HDRLEN);
	if (g->cmd != ctx->c->set_cmd)
		return 0;
	return nlc_set_reply_parse(ctx->c, nlh, &ctx->applied, &ctx->have_applied,
				   batch_error, ctx) < 0 ? -EPROTO : 0;
}

int nlc_send_batch(struct nlc_sock *s, const struct nlc_cache *c, size_t n,
		   size_t msg_size, const struct nlc_batch_ops *ops, void *arg,
		   struct nlc_batch_result *res)
{
	struct batch_ctx ctx;
	struct nl_msg *msg;
	size_t i = 0, count, *map, max = msg_size, size;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (!max)
		max = nlc_sock_msg_max(s);
	map = calloc(n < NLCACHE_MAX_BATCH ? (n ? n : 1) : NLCACHE_MAX_BATCH, sizeof(*map));
	if (!map)
		return -ENOMEM;
	while (i < n) {
		/*
		 * Sized to the work (libnl zeroes the whole buffer): the
		 * entries left at a typical size, the largest message when
		 * one entry needs it. A given msg_size is used as it is.
		 */
		size = msg_size ? msg_size : nlc_batch_msg_size(n - i, max);
new_msg:
		msg = nlc_msg_new(s, c->set_cmd, 0, size);
		if (!msg) {
			err = -ENOMEM;
			break;
		}
		count = 0;
		while (i < n && count < NLCACHE_MAX_BATCH) {
			err = ops->put(msg, i, arg);
			if (err == -EMSGSIZE && count)
				break;	/* full: send it, go on in a new one */
			if (err == -EMSGSIZE && size < max) {
				/* one large entry: the largest message */
				nlmsg_free(msg);
				size = max;
				goto new_msg;
			}
			if (err) {
				/* Does not fit even an empty message. */
				ops->rejected(i, -err, NULL, true, arg);
				res->unsent++;
				i++;
				continue;
			}
			map[count++] = i++;
		}
		err = 0;
		if (!count) {
			nlmsg_free(msg);
			continue;
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.c = c;
		ctx.ops = ops;
		ctx.arg = arg;
		ctx.map = map;
		ctx.count = count;
		/* The native families answer with an ACK alone. */
		err = request(s, msg, batch_reply, &ctx, !c->native);
		nlmsg_free(msg);
		res->messages++;
		if (err) {
			res->unsent += count + (n - i);
			break;
		}
		res->rejected += ctx.rejected;
		if (ctx.have_applied)
			res->applied += ctx.applied;
		else if (count > ctx.rejected)
			res->applied += count - ctx.rejected;
	}
	free(map);
	return err;
}

const char *nlc_strerror(const struct nlc_sock *s, int err)
{
	if (s && s->nl_err && err == -EIO)
		return nl_geterror(s->nl_err);
	return strerror(err < 0 ? -err : err);
}
