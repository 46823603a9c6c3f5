// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc_request and nlc_send_batch against the fake kernel of
 * fake_kernel.h: replies, acks, errors with extended acks and multi-part
 * dumps. Without CAP_NET_ADMIN the tests are skipped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "fake_kernel.h"
#include "nlc_test.h"
#include "nlc_nl.h"
#include "nlc_proto.h"

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

/* --- do: reply, then ack ------------------------------------------------------------- */

static void respond_reply_ack(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	struct nl_msg *msg = reply_msg(req, 0);

	nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, 5);
	peer_send_msg(p, msg, to);
	peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
}

static int register_cb(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t missing;

	return nlc_register_reply_parse(nlh, arg, &missing);
}

static void test_do_reply_then_ack(void **state)
{
	struct nlc_sock s;
	struct peer p;
	struct nl_msg *msg;
	uint32_t caches = 0;

	(void)state;
	SETUP(&p, &s, respond_reply_ack, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_REGISTER, 0, 0);
	nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, 13);
	assert_int_equal(nlc_request(&s, msg, register_cb, &caches), 0);
	assert_int_equal(caches, 5);
	assert_string_equal(s.extack, "");
	nlmsg_free(msg);
	teardown(&p, &s);
}

/* --- errors with extended acks ------------------------------------------------------------- */

static void respond_error_uncapped(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	peer_send_msg(p, ack_msg(req, -EBUSY, false, "another socket is the daemon"), to);
}

static void respond_error_capped(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	peer_send_msg(p, ack_msg(req, -EINVAL, true, "no requests"), to);
}

static void respond_error_plain(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	peer_send_msg(p, ack_msg(req, -EPERM, false, NULL), to);
}

static void test_errors(void **state)
{
	struct nlc_sock s;
	struct peer p;
	struct nl_msg *msg;
	int n = 0;

	(void)state;
	SETUP(&p, &s, respond_error_uncapped, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_REGISTER, 0, 0);
	nla_put_string(msg, 9, "some payload the error echoes back");
	assert_int_equal(nlc_request(&s, msg, count_cb, &n), -EBUSY);
	assert_string_equal(s.extack, "another socket is the daemon");
	assert_string_equal(nlc_strerror(&s, -EBUSY), strerror(EBUSY));
	nlmsg_free(msg);
	teardown(&p, &s);

	SETUP(&p, &s, respond_error_capped, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_IP_MAP_SET_REQS, 0, 0);
	assert_int_equal(nlc_request(&s, msg, count_cb, &n), -EINVAL);
	assert_string_equal(s.extack, "no requests");
	nlmsg_free(msg);
	teardown(&p, &s);

	SETUP(&p, &s, respond_error_plain, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_STATUS_GET, 0, 0);
	assert_int_equal(nlc_request(&s, msg, count_cb, &n), -EPERM);
	assert_string_equal(s.extack, "");
	assert_int_equal(n, 0);
	nlmsg_free(msg);
	teardown(&p, &s);
}

/* --- dumps --------------------------------------------------------------------------------- */

static struct nl_msg *ip_part(const struct nlmsghdr *req, uint64_t seqno)
{
	struct nl_msg *msg = reply_msg(req, NLM_F_MULTI);
	struct nlattr *n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);

	nla_put_u64(msg, NLCACHE_A_IP_MAP_SEQNO, seqno);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.1");
	nla_nest_end(msg, n);
	return msg;
}

static void respond_dump(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	unsigned char buf[8192];
	struct nl_msg *a, *b;
	size_t la, lb;

	assert_true(req->nlmsg_flags & NLM_F_DUMP);
	/* two parts in one datagram, one in the next, then DONE alone */
	a = ip_part(req, 1);
	b = ip_part(req, 2);
	la = nlmsg_hdr(a)->nlmsg_len;
	lb = nlmsg_hdr(b)->nlmsg_len;
	memcpy(buf, nlmsg_hdr(a), la);
	memcpy(buf + NLMSG_ALIGN(la), nlmsg_hdr(b), lb);
	peer_send(p, buf, NLMSG_ALIGN(la) + lb, to);
	nlmsg_free(a);
	nlmsg_free(b);
	peer_send_msg(p, ip_part(req, 3), to);
	peer_send_msg(p, done_msg(req, 0, NULL), to);
}

static void respond_dump_fails(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	peer_send_msg(p, ip_part(req, 1), to);
	peer_send_msg(p, done_msg(req, -EPERM, "not the daemon"), to);
}

struct lines {
	uint64_t seqno[8];
	int n;
};

static int seqno_cb(const struct nlc_pending *r, void *arg)
{
	struct lines *l = arg;

	l->seqno[l->n++] = r->seqno;
	return 0;
}

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	return nlc_pending_walk(nlc_cache_lookup("ip-map"), nlh, seqno_cb, NULL, arg);
}

static void test_dump(void **state)
{
	struct lines l = {};
	struct nlc_sock s;
	struct peer p;
	struct nl_msg *msg;

	(void)state;
	SETUP(&p, &s, respond_dump, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_IP_MAP_GET_REQS, NLM_F_DUMP, 0);
	assert_int_equal(nlc_request(&s, msg, dump_cb, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seqno[0], 1);
	assert_int_equal(l.seqno[2], 3);
	nlmsg_free(msg);
	teardown(&p, &s);

	memset(&l, 0, sizeof(l));
	SETUP(&p, &s, respond_dump_fails, 1);
	msg = nlc_msg_new(&s, NLCACHE_CMD_IP_MAP_GET_REQS, NLM_F_DUMP, 0);
	assert_int_equal(nlc_request(&s, msg, dump_cb, &l), -EPERM);
	assert_string_equal(s.extack, "not the daemon");
	assert_int_equal(l.n, 1);
	nlmsg_free(msg);
	teardown(&p, &s);
}

/* --- batches ------------------------------------------------------------------------------------ */

/* nfsd_nlcache applies a batch when the sending syscall returns: the ACK
 * comes first, then the reply. Older modules replied before the ACK. */
static bool g_reply_first;

/* Reject the second entry of every message that has one; the second
 * message as a whole when told to. */
static void respond_set(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	struct genlmsghdr *g = nlmsg_data(req);
	struct nl_msg *msg, *stray;
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		assert_int_equal(nla_type(a), NLCACHE_A_IP_MAP_REQS_REQUESTS);
		n++;
	}
	p->entries[p->calls++] = n;
	msg = reply_msg(req, 0);
	nla_put_u32(msg, NLCACHE_A_IP_MAP_REQS_APPLIED, (uint32_t)(n > 1 ? n - 1 : n));
	if (n > 1) {
		struct nlattr *e = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_ERRORS);

		nla_put_u32(msg, NLCACHE_A_SET_ERROR_INDEX, 1);
		nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, ENOENT);
		nla_put_string(msg, NLCACHE_A_SET_ERROR_MESSAGE, "unknown domain");
		nla_nest_end(msg, e);
	}
	if (g_reply_first) {
		peer_send_msg(p, msg, to);
		peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
		return;
	}
	peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
	/* A stray message of another request in between is skipped. */
	stray = reply_msg(req, 0);
	nlmsg_hdr(stray)->nlmsg_seq += 1000;
	nla_put_u32(stray, NLCACHE_A_IP_MAP_REQS_APPLIED, 99);
	peer_send_msg(p, stray, to);
	peer_send_msg(p, msg, to);
}

static void respond_set_second_fails(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	if (p->calls == 1) {
		p->calls++;
		peer_send_msg(p, ack_msg(req, -E2BIG, true, "more than NLCACHE_MAX_BATCH"), to);
		return;
	}
	respond_set(p, req, to);
}

struct batch {
	struct nlc_ip_map_reply r[8];
	char addr[8][32];
	size_t n;
	struct {
		size_t i;
		int err;
		bool local;
		char msg[64];
	} rej[8];
	int nrej;
};

static int batch_put(struct nl_msg *msg, size_t i, void *arg)
{
	struct batch *b = arg;

	return nlc_put_ip_map(msg, &b->r[i]);
}

static void batch_rejected(size_t i, int err, const char *msg, bool local, void *arg)
{
	struct batch *b = arg;

	assert_true(b->nrej < 8);
	b->rej[b->nrej].i = i;
	b->rej[b->nrej].err = err;
	b->rej[b->nrej].local = local;
	snprintf(b->rej[b->nrej].msg, sizeof(b->rej[0].msg), "%s", msg ? msg : "");
	b->nrej++;
}

static void batch_init(struct batch *b, size_t n, size_t big)
{
	static char huge[70000];
	size_t i;

	memset(b, 0, sizeof(*b));
	memset(huge, 'x', sizeof(huge) - 1);
	b->n = n;
	for (i = 0; i < n; i++) {
		snprintf(b->addr[i], sizeof(b->addr[0]), "192.0.2.%zu", i);
		b->r[i] = (struct nlc_ip_map_reply){
			.class = "nfsd", .addr = b->addr[i], .domain = "d", .expiry = 1,
		};
	}
	if (big < n)
		b->r[big].domain = huge;	/* more than a nest can hold */
}

static void test_batch_splits_and_maps_errors(void **state)
{
	static const struct nlc_batch_ops ops = { batch_put, batch_rejected };
	struct nlc_batch_result res;
	struct nlc_sock s;
	struct nl_msg *probe;
	struct batch b;
	struct peer p;
	size_t size;

	(void)state;
	/* Room for two entries per message. */
	batch_init(&b, 6, 3);
	probe = nlmsg_alloc_size(4096);
	genlmsg_put(probe, 0, 0, TEST_FAMILY, 0, 0, 1, 1);
	size = nlmsg_hdr(probe)->nlmsg_len + 2 * nlc_ip_map_size(&b.r[0]) + 8;
	nlmsg_free(probe);

	/* entries 0 1 | 2 (3 is too big) 4 | 5 */
	SETUP(&p, &s, respond_set, 3);
	assert_int_equal(nlc_send_batch(&s, nlc_cache_lookup("ip-map"), b.n, size, &ops, &b,
					&res), 0);
	assert_int_equal(res.messages, 3);
	assert_int_equal(p.entries[0], 2);
	assert_int_equal(p.entries[1], 2);
	assert_int_equal(p.entries[2], 1);
	assert_int_equal(res.applied, 3);
	assert_int_equal(res.rejected, 2);
	assert_int_equal(res.unsent, 1);
	assert_int_equal(b.nrej, 3);
	/* the kernel's index 1 of each message, mapped back to entries */
	assert_int_equal(b.rej[0].i, 1);
	assert_int_equal(b.rej[0].err, ENOENT);
	assert_false(b.rej[0].local);
	assert_string_equal(b.rej[0].msg, "unknown domain");
	assert_int_equal(b.rej[1].i, 3);
	assert_true(b.rej[1].local);
	assert_int_equal(b.rej[1].err, E2BIG);
	assert_int_equal(b.rej[2].i, 4);
	assert_false(b.rej[2].local);
	teardown(&p, &s);
}

static void test_batch_reply_before_ack(void **state)
{
	g_reply_first = true;
	test_batch_splits_and_maps_errors(state);
	g_reply_first = false;
}

static void test_batch_message_refused(void **state)
{
	static const struct nlc_batch_ops ops = { batch_put, batch_rejected };
	struct nlc_batch_result res;
	struct nlc_sock s;
	struct nl_msg *probe;
	struct batch b;
	struct peer p;
	size_t size;

	(void)state;
	batch_init(&b, 5, 99);
	probe = nlmsg_alloc_size(4096);
	genlmsg_put(probe, 0, 0, TEST_FAMILY, 0, 0, 1, 1);
	size = nlmsg_hdr(probe)->nlmsg_len + 2 * nlc_ip_map_size(&b.r[0]);
	nlmsg_free(probe);

	SETUP(&p, &s, respond_set_second_fails, 2);
	assert_int_equal(nlc_send_batch(&s, nlc_cache_lookup("ip-map"), b.n, size, &ops, &b,
					&res), -E2BIG);
	assert_string_equal(s.extack, "more than NLCACHE_MAX_BATCH");
	assert_int_equal(res.messages, 2);
	assert_int_equal(res.applied, 1);
	assert_int_equal(res.rejected, 1);
	assert_int_equal(res.unsent, 3);	/* the refused message's two, and one more */
	teardown(&p, &s);
}

/* With no size given, messages are sized to the entries left, and an
 * entry too large for that gets the largest message. */
static void test_batch_sized_to_work(void **state)
{
	static const struct nlc_batch_ops ops = { batch_put, batch_rejected };
	static char medium[6000];
	struct nlc_batch_result res;
	struct nlc_sock s;
	struct batch b;
	struct peer p;

	(void)state;
	assert_int_equal(nlc_batch_msg_size(1, 200000), NLC_MSG_MIN);
	assert_int_equal(nlc_batch_msg_size(NLC_MSG_MIN / NLC_ENTRY_TYPICAL, 200000), NLC_MSG_MIN);
	assert_int_equal(nlc_batch_msg_size(NLC_MSG_MIN / NLC_ENTRY_TYPICAL + 1, 200000),
			 2 * NLC_MSG_MIN);
	assert_int_equal(nlc_batch_msg_size(100000, 200000), 200000);
	assert_int_equal(nlc_batch_msg_size(1, 1000), 1000);

	/* three small entries fit the first message, the 6000-byte one
	 * does not: it goes alone in a message of the largest size */
	batch_init(&b, 4, 99);
	memset(medium, 'm', sizeof(medium) - 1);
	b.r[3].domain = medium;
	SETUP(&p, &s, respond_set, 2);
	assert_int_equal(nlc_send_batch(&s, nlc_cache_lookup("ip-map"), b.n, 0, &ops, &b, &res),
			 0);
	assert_int_equal(res.messages, 2);
	assert_int_equal(p.entries[0], 3);
	assert_int_equal(p.entries[1], 1);
	assert_int_equal(res.unsent, 0);
	assert_int_equal(res.applied + res.rejected, 4);
	teardown(&p, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_do_reply_then_ack),
		cmocka_unit_test(test_batch_reply_before_ack),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_batch_splits_and_maps_errors),
		cmocka_unit_test(test_batch_message_refused),
		cmocka_unit_test(test_batch_sized_to_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
