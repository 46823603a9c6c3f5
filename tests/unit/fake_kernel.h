/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * A fake kernel for tests of netlink exchanges: a second NETLINK_GENERIC
 * socket in a thread of the test process, which a client socket is
 * pointed at instead of the kernel (port 0). Its respond function answers
 * each request with hand-built replies, acks, errors with extended acks
 * and multi-part dumps. Unicast between user sockets needs CAP_NET_ADMIN:
 * without it SETUP skips the test.
 */
#ifndef FAKE_KERNEL_H
#define FAKE_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "nlc_test.h"
#include "nlc_nl.h"

#define PEER_BUF (1 << 20)

struct peer;
typedef void (*respond_fn)(struct peer *p, const struct nlmsghdr *req, uint32_t to);

struct peer {
	int fd;
	uint32_t portid;
	int nreq;		/* requests to answer before the thread ends */
	respond_fn respond;
	unsigned char *buf;
	pthread_t thread;
	/* what the fake saw */
	int requests;
	int entries[16];	/* REQUESTS nests per SET message */
	int calls;		/* respond() calls, for scenarios with state */
	void *priv;		/* the test's own */
};

void peer_send(struct peer *p, const void *buf, size_t len, uint32_t to);
/* Send msg and free it. */
void peer_send_msg(struct peer *p, struct nl_msg *msg, uint32_t to);
/* A reply or dump part for req. */
struct nl_msg *reply_msg(const struct nlmsghdr *req, int flags);
/* An ack (error 0) or an error, as netlink_ack() builds them. */
struct nl_msg *ack_msg(const struct nlmsghdr *req, int error, bool capped, const char *text);
/* The end of a dump. */
struct nl_msg *done_msg(const struct nlmsghdr *req, int error, const char *text);

/* The fake kernel, answering nreq requests with respond, and a client s
 * pointed at it; false if not permitted. */
bool setup(struct peer *p, struct nlc_sock *s, respond_fn respond, int nreq);
/* Wait for the fake to have answered its nreq requests; close both. */
void teardown(struct peer *p, struct nlc_sock *s);

#define SETUP(p, s, fn, n) do {						\
		if (!setup(p, s, fn, n)) {					\
			print_message("no CAP_NET_ADMIN: skipped\n");		\
			skip();							\
		}								\
	} while (0)

#endif /* FAKE_KERNEL_H */
