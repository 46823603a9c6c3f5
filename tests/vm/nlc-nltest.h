/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc-nltest: the raw generic netlink plumbing nlc-badmsg and nlc-fuzz
 * share: the socket they send from, errno names, the family's id, and what
 * an NLMSG_ERROR or NLMSG_DONE answer says (errno and extack).
 */
#ifndef NLC_NLTEST_H
#define NLC_NLTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "nl_compat.h"	/* daemon/proto: SOL_NETLINK, NETLINK_EXT_ACK, ... */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* enum nlmsgerr_attrs: fixed by the uapi, not all headers have them all. */
enum { XA_MSG = 1, XA_OFFS = 2, XA_MISS_TYPE = 5, XA_MISS_NEST = 6, XA_MAX = 6 };

/* The extended ACK of an answer (what NETLINK_EXT_ACK adds). */
struct nlt_ext {
	bool has_msg, has_offs, has_miss;
	char msg[512];		/* the message, "" if none */
	uint32_t offs;		/* offset of the bad attribute in the request */
	uint32_t miss_type;	/* a missing attribute */
};

/*
 * A NETLINK_GENERIC socket with extended ACKs, capped ACKs (an error echoes
 * only the request's header), a receive timeout of @timeout_s seconds and
 * send and receive buffers of @bufsize bytes (forced where allowed).
 * -1 with errno set on failure.
 */
int nlt_open_sock(unsigned int timeout_s, int bufsize);

/* The portid the kernel bound @fd to, 0 if unknown. */
uint32_t nlt_sock_portid(int fd);

/* "EINVAL" for EINVAL, "errno N" for what the table lacks. */
const char *nlt_errname(int e);

/* The id of generic netlink family @name, or a negative libnl error. */
int nlt_resolve_family(const char *name);

/* Copy string attribute @a into @dst (at most @n - 1 bytes and a NUL). */
void nlt_copy_str(char *dst, size_t n, const struct nlattr *a);

/*
 * An NLMSG_ERROR: the positive errno to @err (0 for an ACK) and the
 * extended ACK to @x. false if it is too short to hold an errno.
 */
bool nlt_parse_error(const struct nlmsghdr *nlh, int *err, struct nlt_ext *x);

/* An NLMSG_DONE: its errno (0 if it carries none) and extended ACK. */
void nlt_parse_done(const struct nlmsghdr *nlh, int *err, struct nlt_ext *x);

#endif
