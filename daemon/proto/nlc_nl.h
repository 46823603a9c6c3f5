/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Netlink plumbing for the nfsd_nlcache family: a command socket with
 * extended acks, family resolution, and request/response exchanges that
 * capture the kernel's errno and extack message.
 */
#ifndef NLC_NL_H
#define NLC_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

/* Socket buffer sizes asked for (the kernel caps them at
 * net.core.{r,w}mem_max and doubles them). */
#define NLC_SOCK_BUF		(1 << 20)
/* Largest message nlc_sock_msg_max() ever returns. */
#define NLC_MSG_MAX		(256 << 10)
/* Room for the kernel's extack message. */
#define NLC_EXTACK_MAX		512

struct nlc_sock {
	struct nl_sock *sk;
	int family;		/* generic netlink family id */
	char family_name[16];	/* GENL_NAMSIZ */
	int nl_err;		/* libnl error of the last transport failure */
	char extack[NLC_EXTACK_MAX];	/* kernel message of the last error */
};

/*
 * Open a generic netlink socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK,
 * large buffers and MSG_PEEK receives, and resolve the family (which makes
 * the kernel load the module). Returns 0, -ENOENT if the family does not
 * exist, or another negative errno (s->nl_err then says more).
 */
int nlc_sock_open(struct nlc_sock *s);
/* The same for another family (the native "sunrpc" or "nfsd"). */
int nlc_sock_open_family(struct nlc_sock *s, const char *family);
void nlc_sock_close(struct nlc_sock *s);

/* The socket's file descriptor. */
int nlc_sock_fd(const struct nlc_sock *s);

/*
 * The largest message the kernel accepts from this socket (its send buffer
 * less the kernel's slack), at most NLC_MSG_MAX.
 */
size_t nlc_sock_msg_max(const struct nlc_sock *s);
/*
 * The first message size nlc_send_batch() tries for @entries answers: a
 * power of two from NLC_MSG_MIN with room for that many entries of
 * NLC_ENTRY_TYPICAL bytes, at most @max (an entry that does not fit gets
 * a message of @max).
 */
#define NLC_MSG_MIN		4096
#define NLC_ENTRY_TYPICAL	256
size_t nlc_batch_msg_size(size_t entries, size_t max);

/* Join the "exportd" multicast group and stop checking sequence numbers
 * (events have none). Returns 0 or a negative errno. */
int nlc_sock_join_exportd(struct nlc_sock *s);
/* Join multicast @group of @family (one socket may join several). */
int nlc_sock_join_group(struct nlc_sock *s, const char *family, const char *group);

/*
 * A new message for cmd (with NLM_F_DUMP in flags for a dump) whose buffer
 * is size bytes (0: libnl's default, one page). NULL if out of memory.
 */
struct nl_msg *nlc_msg_new(const struct nlc_sock *s, uint8_t cmd, int flags,
			   size_t size);

struct nlc_cache;

/*
 * A GET_REQS dump request of cache c listing the requests after seqno
 * after (0: all of them). The native families have no such attribute:
 * pass 0 for them. NULL if out of memory.
 */
struct nl_msg *nlc_dump_msg_new(const struct nlc_sock *s, const struct nlc_cache *c,
				uint64_t after);

/*
 * Called for each reply message (every part of a dump). Returning a
 * negative errno makes nlc_request fail with it, after the exchange is
 * complete.
 */
typedef int (*nlc_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send msg (not freed) and receive until the kernel's ack, the end of the
 * dump or an error. Returns 0 or a negative errno: the kernel's (with its
 * extack message in s->extack, "" if none), the callback's, or -EIO for a
 * transport failure (s->nl_err set).
 */
int nlc_request(struct nlc_sock *s, struct nl_msg *msg, nlc_reply_fn fn, void *arg);

/*
 * Sending many SET_REQS entries: as many per message as fit (and at most
 * NLCACHE_MAX_BATCH), never dropping one.
 */
struct nlc_batch_ops {
	/* Append entry i to msg: 0, -EMSGSIZE if it does not fit (msg
	 * unchanged), or another negative errno if it cannot be sent. */
	int (*put)(struct nl_msg *msg, size_t i, void *arg);
	/* Entry i was not applied: the kernel rejected it (err a positive
	 * errno, msg its reason or NULL), or, with local set, it could not be
	 * sent (err: E2BIG, bigger than a netlink attribute; EMSGSIZE,
	 * bigger than a message; or put's error). i is SIZE_MAX if the
	 * kernel named an index beyond the message. */
	void (*rejected)(size_t i, int err, const char *msg, bool local, void *arg);
};

struct nlc_batch_result {
	size_t applied;		/* by the kernel's APPLIED counts */
	size_t rejected;	/* by the kernel */
	size_t unsent;		/* not sent: too big, or after a failed message */
	size_t messages;	/* SET_REQS messages sent */
};

struct nlc_cache;
/*
 * Send entries 0..n-1 of cache c in SET_REQS messages of at most msg_size
 * bytes (0: sized to the work, at most nlc_sock_msg_max). Returns 0 when every message was accepted
 * (entries may still have been rejected: see res), or the negative errno
 * of the first message the kernel refused as a whole (s->extack says why;
 * later entries count as unsent).
 */
int nlc_send_batch(struct nlc_sock *s, const struct nlc_cache *c, size_t n,
		   size_t msg_size, const struct nlc_batch_ops *ops, void *arg,
		   struct nlc_batch_result *res);

/* A description of err as returned by the functions above. */
const char *nlc_strerror(const struct nlc_sock *s, int err);

/*
 * Decode an NLMSG_ERROR or NLMSG_DONE message: *error gets its error code
 * (negative errno, 0 for an ack or a clean end of dump) and msg the
 * NLMSGERR_ATTR_MSG string, "" if none (with or without NLM_F_CAPPED,
 * only if NLM_F_ACK_TLVS). Returns 0, or -EINVAL for another message type
 * or a truncated message.
 */
int nlc_extack_parse(const struct nlmsghdr *nlh, int *error, char *msg, size_t size);

#endif /* NLC_NL_H */
