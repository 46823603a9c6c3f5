// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The fake kernel of fake_kernel.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fake_kernel.h"

static void set_timeout(int fd)
{
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

void peer_send(struct peer *p, const void *buf, size_t len, uint32_t to)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_pid = to };

	assert_int_equal(sendto(p->fd, buf, len, 0, (struct sockaddr *)&dst, sizeof(dst)),
			 (ssize_t)len);
}

void peer_send_msg(struct peer *p, struct nl_msg *msg, uint32_t to)
{
	peer_send(p, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, to);
	nlmsg_free(msg);
}

/* A reply or dump part for req. */
struct nl_msg *reply_msg(const struct nlmsghdr *req, int flags)
{
	const struct genlmsghdr *g = nlmsg_data(req);
	struct nl_msg *msg = nlmsg_alloc_size(65536);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, req->nlmsg_seq, req->nlmsg_type, 0, flags,
				    g->cmd, 1));
	return msg;
}

/* An ack (error 0) or an error, as netlink_ack() builds them. */
struct nl_msg *ack_msg(const struct nlmsghdr *req, int error, bool capped,
			      const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_size(PEER_BUF);
	struct nlmsgerr e = { .error = error };
	int flags = (capped ? NLM_F_CAPPED : 0) | (text ? NLM_F_ACK_TLVS : 0);

	assert_non_null(msg);
	memcpy(&e.msg, req, sizeof(e.msg));
	assert_non_null(nlmsg_put(msg, 0, req->nlmsg_seq, NLMSG_ERROR, 0, flags));
	assert_int_equal(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped)
		assert_int_equal(nlmsg_append(msg, (char *)req + NLMSG_HDRLEN,
					      req->nlmsg_len - NLMSG_HDRLEN, NLMSG_ALIGNTO), 0);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	return msg;
}

struct nl_msg *done_msg(const struct nlmsghdr *req, int error, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(nlmsg_put(msg, 0, req->nlmsg_seq, NLMSG_DONE, 0,
				  NLM_F_MULTI | (text ? NLM_F_ACK_TLVS : 0)));
	assert_int_equal(nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	return msg;
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t len;

	for (; p->requests < p->nreq; p->requests++) {
		fromlen = sizeof(from);
		len = recvfrom(p->fd, p->buf, PEER_BUF, 0, (struct sockaddr *)&from, &fromlen);
		if (len < (ssize_t)NLMSG_HDRLEN)
			break;
		p->respond(p, (const struct nlmsghdr *)p->buf, from.nl_pid);
	}
	return NULL;
}

/* The fake kernel and a client pointed at it; false if not permitted. */
bool setup(struct peer *p, struct nlc_sock *s, respond_fn respond, int nreq)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(addr);
	struct nlmsghdr probe = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP };
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK };
	int one = 1;

	memset(p, 0, sizeof(*p));
	memset(s, 0, sizeof(*s));
	p->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (p->fd < 0)
		return false;
	assert_int_equal(bind(p->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(p->fd, (struct sockaddr *)&addr, &len), 0);
	p->portid = addr.nl_pid;
	set_timeout(p->fd);

	s->sk = nl_socket_alloc();
	assert_non_null(s->sk);
	assert_int_equal(nl_connect(s->sk, NETLINK_GENERIC), 0);
	nl_socket_set_peer_port(s->sk, p->portid);
	nl_socket_enable_msg_peek(s->sk);
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	set_timeout(nl_socket_get_fd(s->sk));
	s->family = TEST_FAMILY;

	/* Unicast to a user socket needs CAP_NET_ADMIN. */
	dst.nl_pid = p->portid;
	if (sendto(nl_socket_get_fd(s->sk), &probe, sizeof(probe), 0, (struct sockaddr *)&dst,
		   sizeof(dst)) < 0) {
		nl_socket_free(s->sk);
		close(p->fd);
		return false;
	}
	p->buf = malloc(PEER_BUF);
	assert_non_null(p->buf);
	assert_true(recv(p->fd, p->buf, PEER_BUF, 0) > 0);	/* the probe */
	p->respond = respond;
	p->nreq = nreq;
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
	return true;
}

void teardown(struct peer *p, struct nlc_sock *s)
{
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	assert_int_equal(p->requests, p->nreq);
	nl_socket_free(s->sk);
	close(p->fd);
	free(p->buf);
}
