// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc-nltest: netlink plumbing shared by nlc-badmsg and nlc-fuzz (see
 * nlc-nltest.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nlc-nltest.h"

int nlt_open_sock(unsigned int timeout_s, int bufsize)
{
	struct timeval tv = { .tv_sec = timeout_s };
	int fd, one = 1, saved;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/* Errors echo only the header: a 300 KB request is not sent back. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize, sizeof(bufsize)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	return fd;
}

uint32_t nlt_sock_portid(int fd)
{
	struct sockaddr_nl sa = { 0 };
	socklen_t sl = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		return 0;
	return sa.nl_pid;
}

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ 0, "ok" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ELOOP, "ELOOP" },
	{ ENODATA, "ENODATA" }, { ENOLINK, "ENOLINK" }, { EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" }, { ENOTUNIQ, "ENOTUNIQ" },
	{ EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ENOBUFS, "ENOBUFS" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { EALREADY, "EALREADY" }, { ESTALE, "ESTALE" },
	{ EDEADLK, "EDEADLK" },
	{ 524, "ENOTSUPP" },	/* kernel-internal, must not leak */
};

const char *nlt_errname(int e)
{
	static char buf[4][24];
	static unsigned int next;
	char *b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	b = buf[next++ % ARRAY_SIZE(buf)];
	snprintf(b, sizeof(buf[0]), "errno %d", e);
	return b;
}

int nlt_resolve_family(const char *name)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id;

	if (!sk)
		return -NLE_NOMEM;
	id = genl_connect(sk);
	/* A lookup by name lets the kernel load the module. */
	if (id >= 0)
		id = genl_ctrl_resolve(sk, name);
	nl_socket_free(sk);
	return id;
}

void nlt_copy_str(char *dst, size_t n, const struct nlattr *a)
{
	size_t len = (size_t)nla_len(a);

	if (len >= n)
		len = n - 1;
	memcpy(dst, nla_data(a), len);
	dst[len] = '\0';
}

static void parse_ext(struct nlt_ext *x, void *p, int len)
{
	struct nlattr *tb[XA_MAX + 1];

	if (len <= 0 || nla_parse(tb, XA_MAX, p, len, NULL) < 0)
		return;
	if (tb[XA_MSG]) {
		nlt_copy_str(x->msg, sizeof(x->msg), tb[XA_MSG]);
		x->has_msg = true;
	}
	if (tb[XA_OFFS] && nla_len(tb[XA_OFFS]) >= 4) {
		x->offs = nla_get_u32(tb[XA_OFFS]);
		x->has_offs = true;
	}
	if (tb[XA_MISS_TYPE] && nla_len(tb[XA_MISS_TYPE]) >= 4) {
		x->miss_type = nla_get_u32(tb[XA_MISS_TYPE]);
		x->has_miss = true;
	}
}

bool nlt_parse_error(const struct nlmsghdr *nlh, int *err, struct nlt_ext *x)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t off = sizeof(*e);

	memset(x, 0, sizeof(*x));
	if (len < (int)sizeof(e->error))
		return false;
	*err = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && len >= (int)sizeof(*e))
		off = sizeof(e->error) + NLMSG_ALIGN(e->msg.nlmsg_len);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ext(x, (char *)e + off, len - (int)off);
	return true;
}

void nlt_parse_done(const struct nlmsghdr *nlh, int *err, struct nlt_ext *x)
{
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN, v;

	memset(x, 0, sizeof(*x));
	*err = 0;
	if (len < (int)sizeof(v))
		return;
	memcpy(&v, NLMSG_DATA(nlh), sizeof(v));
	*err = -v;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ext(x, (char *)NLMSG_DATA(nlh) + sizeof(v), len - (int)sizeof(v));
}
