// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached's stateful logic, without a kernel: the request table (dedup of
 * in-flight keys, deferral with back-off, forgetting), answers sent in
 * batches with refused ones re-sent as negative, and the backend's route
 * choice (the nfsd_nlcache -> native fallback). Scans and replies go to
 * the fake kernel of fake_kernel.h; answers are computed by a fake
 * compute on the test's thread (jobs_run_one), not by workers; the
 * revocation window (no answer sent after a flush) and answers a worker
 * sends itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fake_kernel.h"
#include "nlc_test.h"
#include "nlcached.h"

static struct nlcached D;

/* What the fake compute answers. */
/* The caches' flush epoch the fake kernel reports. */
static uint64_t g_epoch;
static enum nlc_answer_kind g_kind;
static int g_computed;

static uint64_t fake_epoch(struct nlcached *d, unsigned int ci)
{
	(void)d;
	(void)ci;
	return g_epoch;
}

/* Flushes to simulate while the next computes run. */
static int g_flush_while_computing;

static void fake_compute(struct nlcached *d, struct job *j)
{
	(void)d;
	g_computed++;
	if (g_flush_while_computing > 0) {
		g_flush_while_computing--;
		g_epoch++;
	}
	if (j->reload)
		return;
	j->kind = g_kind;
	j->ttl = 60;
	if (g_kind == NLC_ANSWER_POSITIVE && j->ops == &cache_ip_ops)
		j->ans.ip.domain = strdup("example.test");
}

static int d_setup(void **state)
{
	struct nlcached_config cfg = { .ttl = NLC_TTL_DEFAULT, .threads = 1 };

	(void)state;
	memset(&D, 0, sizeof(D));
	D.cfg = cfg;
	tables_init(&D);
	jobs_init(&D.jobs);
	backend_init(&D.be, BACKEND_AUTO, NLCACHE_CACHE_TYPE_ALL);
	D.compute = fake_compute;
	D.done_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(D.done_efd >= 0);
	g_kind = NLC_ANSWER_POSITIVE;
	g_computed = 0;
	g_flush_while_computing = 0;
	return 0;
}

static int d_teardown(void **state)
{
	(void)state;
	jobs_free(&D.jobs);
	tables_free(&D.tables);
	close(D.done_efd);
	return 0;
}

/* Pretend to be connected to nfsd_nlcache through the fake kernel. */
static void connect_fake(struct nlc_sock *s)
{
	D.be.cmd[0] = *s;
	D.be.have_cmd[0] = true;
	D.be.route = ROUTE_NLCACHE;
	D.be.caches = nlc_caches;
	D.be.served = NLCACHE_CACHE_TYPE_ALL;
}

static void disconnect_fake(struct nlc_sock *s)
{
	/* teardown() frees the socket */
	*s = D.be.cmd[0];
	D.be.have_cmd[0] = false;
	D.be.route = ROUTE_NONE;
}

static struct nlc_pending ip_req(const char *addr)
{
	struct nlc_pending r = { .cache = &nlc_caches[0] };

	r.u.ip_map.class = "nfsd";
	r.u.ip_map.addr = addr;
	return r;
}

static size_t queued(void)
{
	struct job *j;
	size_t n = 0;

	for (j = D.jobs.work_head; j; j = j->qnext)
		n++;
	return n;
}

static struct job *only_job(void)
{
	struct job *j = NULL;
	int i;

	assert_int_equal(D.jobs.njobs, 1);
	for (i = 0; i < KEY_BUCKETS && !j; i++)
		j = D.jobs.keytab[i];
	assert_non_null(j);
	return j;
}

/* --- dedup ---------------------------------------------------------------------------------- */

static void test_dedup_in_flight(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1"), b = ip_req("192.0.2.2");
	struct nlc_pending gid = { .cache = &nlc_caches[1] };

	(void)state;
	gid.u.unix_gid.uid = 1000;
	assert_int_equal(jobs_seen(&D, &a), 0);
	assert_int_equal(jobs_seen(&D, &a), 0);
	assert_int_equal(jobs_seen(&D, &b), 0);
	assert_int_equal(jobs_seen(&D, &gid), 0);
	assert_int_equal(jobs_seen(&D, &gid), 0);
	assert_int_equal(D.jobs.njobs, 3);
	assert_int_equal(queued(), 3);
	assert_int_equal(D.stats.dedup[0], 1);
	assert_int_equal(D.stats.dedup[1], 1);
	/* the key is the job's own copy, typed by its cache */
	assert_ptr_equal(D.jobs.work_head->ops, &cache_ip_ops);
	assert_string_equal(D.jobs.work_head->key.ip.addr, "192.0.2.1");
	assert_ptr_not_equal(D.jobs.work_head->key.ip.addr, a.u.ip_map.addr);

	/* still a duplicate while it is being answered */
	assert_true(jobs_run_one(&D, NULL));
	assert_int_equal(jobs_seen(&D, &a), 0);
	assert_int_equal(D.jobs.njobs, 3);
	assert_int_equal(D.stats.dedup[0], 2);
}

/* The same through a GET_REQS dump from the fake kernel. */
static void put_ip_entry(struct nl_msg *msg, uint64_t seqno, const char *addr)
{
	struct nlattr *n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);

	nla_put_u64(msg, NLCACHE_A_IP_MAP_SEQNO, seqno);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, addr);
	nla_nest_end(msg, n);
}

static void respond_dump(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	const struct genlmsghdr *g = nlmsg_data(req);
	struct nl_msg *msg = reply_msg(req, NLM_F_MULTI);

	assert_true(req->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(g->cmd, NLCACHE_CMD_IP_MAP_GET_REQS);
	put_ip_entry(msg, 1, "192.0.2.1");
	put_ip_entry(msg, 2, "192.0.2.1");	/* asked twice: one job */
	put_ip_entry(msg, 3, "192.0.2.3");
	peer_send_msg(p, msg, to);
	peer_send_msg(p, done_msg(req, 0, NULL), to);
}

static void test_dedup_scan(void **state)
{
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_dump, 1);
	connect_fake(&s);
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, false);
	assert_int_equal(D.stats.scans, 1);
	assert_int_equal(D.jobs.njobs, 2);
	assert_int_equal(queued(), 2);
	assert_int_equal(D.stats.dedup[0], 1);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/*
 * Incremental scans: each dump request's AFTER, checked by the fake
 * kernel against what the test expects, which then lists only the
 * requests after it (seqnos 1-3 pending, then 4 and 5 queued).
 */
static uint64_t g_after_want, g_upto;
static int g_dumps;

static void respond_dump_after(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	static const char *const addr[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3",
					    "192.0.2.4", "192.0.2.5" };
	struct nlattr *tb[NLCACHE_A_IP_MAP_REQS_MAX + 1];
	struct nl_msg *msg = reply_msg(req, NLM_F_MULTI);
	uint64_t after = 0, k;

	assert_int_equal(nlmsg_parse((struct nlmsghdr *)req, GENL_HDRLEN, tb,
				     NLCACHE_A_IP_MAP_REQS_MAX, NULL), 0);
	if (tb[NLCACHE_A_IP_MAP_REQS_AFTER])
		after = nla_get_u64(tb[NLCACHE_A_IP_MAP_REQS_AFTER]);
	assert_int_equal(after, g_after_want);
	for (k = after + 1; k <= g_upto; k++)
		put_ip_entry(msg, k, addr[k - 1]);
	g_dumps++;
	peer_send_msg(p, msg, to);
	peer_send_msg(p, done_msg(req, 0, NULL), to);
}

static void test_scan_incremental(void **state)
{
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_dump_after, 5);
	connect_fake(&s);
	/* the first scan after connecting lists everything */
	g_upto = 3;
	g_after_want = 0;
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, true);
	assert_int_equal(D.jobs.njobs, 3);
	assert_int_equal(D.be.seen_upto[0], 3);
	/* a notification: only what came after 3 */
	g_upto = 5;
	g_after_want = 3;
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, true);
	assert_int_equal(D.jobs.njobs, 5);
	assert_int_equal(D.stats.dedup[0], 0);
	assert_int_equal(D.be.seen_upto[0], 5);
	/* nothing new: the mark stays */
	g_after_want = 5;
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, true);
	assert_int_equal(D.be.seen_upto[0], 5);
	/* the periodic scan lists everything again: all duplicates */
	g_after_want = 0;
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, false);
	assert_int_equal(D.jobs.njobs, 5);
	assert_int_equal(D.stats.dedup[0], 5);
	/* a new connection starts from zero */
	disconnect_fake(&s);
	backend_close(&D.be);
	assert_int_equal(D.be.seen_upto[0], 0);
	connect_fake(&s);
	g_after_want = 0;
	backend_scan(&D, NLCACHE_CACHE_TYPE_IP_MAP, true);
	assert_int_equal(g_dumps, 5);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/*
 * A newer request for a key whose answer was in flight: listed in an
 * incremental scan, it was taken as a duplicate; once that answer is done,
 * the next scan starts below it and the request gets a job of its own.
 */
static void respond_set_then_dump(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	const struct genlmsghdr *g = nlmsg_data(req);
	struct nlattr *tb[NLCACHE_A_IP_MAP_REQS_MAX + 1];
	struct nl_msg *msg;

	if (g->cmd == NLCACHE_CMD_IP_MAP_SET_REQS) {
		peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
		msg = reply_msg(req, 0);
		nla_put_u32(msg, NLCACHE_A_IP_MAP_REQS_APPLIED, 1);
		peer_send_msg(p, msg, to);
		return;
	}
	assert_int_equal(g->cmd, NLCACHE_CMD_IP_MAP_GET_REQS);
	assert_int_equal(nlmsg_parse((struct nlmsghdr *)req, GENL_HDRLEN, tb,
				     NLCACHE_A_IP_MAP_REQS_MAX, NULL), 0);
	assert_non_null(tb[NLCACHE_A_IP_MAP_REQS_AFTER]);
	g_after_want = nla_get_u64(tb[NLCACHE_A_IP_MAP_REQS_AFTER]);
	msg = reply_msg(req, NLM_F_MULTI);
	put_ip_entry(msg, 4, "192.0.2.1");
	g_dumps++;
	peer_send_msg(p, msg, to);
	peer_send_msg(p, done_msg(req, 0, NULL), to);
}

static void test_scan_newer_request(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_then_dump, 2);
	connect_fake(&s);
	g_kind = NLC_ANSWER_POSITIVE;
	g_dumps = 0;
	a.seqno = 1;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, NULL));
	/* the answer is computed; a scan lists a new request for the key */
	a.seqno = 4;
	jobs_seen(&D, &a);
	assert_int_equal(D.stats.dedup[0], 1);
	D.be.seen_upto[0] = 4;
	/* the answer goes out and the job is done: listed again after 3 */
	jobs_drain(&D);
	assert_int_equal(g_dumps, 1);
	assert_int_equal(g_after_want, 3);
	assert_int_equal(D.be.seen_upto[0], 4);
	assert_int_equal(only_job()->seqno, 4);
	assert_int_equal(queued(), 1);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* --- deferral -------------------------------------------------------------------------------- */

static void test_defer_delay(void **state)
{
	(void)state;
	assert_int_equal(jobs_defer_delay(0), 1);
	assert_int_equal(jobs_defer_delay(1), 2);
	assert_int_equal(jobs_defer_delay(2), 4);
	assert_int_equal(jobs_defer_delay(4), 16);
	assert_int_equal(jobs_defer_delay(5), DEFER_MAX_DELAY);
	assert_int_equal(jobs_defer_delay(100), DEFER_MAX_DELAY);
}

static void test_defer_backoff_and_forget(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");
	struct nlc_sock s = { 0 };
	struct job *j;
	time_t now;

	(void)state;
	/* connected (retries need a backend), but nothing is sent */
	connect_fake(&s);
	g_kind = NLC_ANSWER_DEFER;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, NULL));
	assert_false(jobs_run_one(&D, NULL));
	jobs_drain(&D);
	j = only_job();
	now = now_mono();
	assert_int_equal(j->state, J_DEFERRED);
	assert_int_equal(j->attempts, 1);
	assert_true(j->retry_at >= now + 1 && j->retry_at <= now + 2);
	assert_int_equal(D.stats.deferred[0], 1);

	/* not before its time */
	jobs_retry(&D);
	assert_int_equal(queued(), 0);
	/* its time has come: back to the workers, the next wait is longer */
	j->retry_at = now - 1;
	jobs_retry(&D);
	assert_int_equal(queued(), 1);
	assert_true(jobs_run_one(&D, NULL));
	jobs_drain(&D);
	assert_int_equal(j->attempts, 2);
	assert_true(j->retry_at >= now + 2 && j->retry_at <= now + 3);
	assert_int_equal(g_computed, 2);

	/* a new exports table retries everything at once */
	atomic_store(&D.tables.snap_installed, true);
	jobs_retry(&D);
	assert_int_equal(queued(), 1);
	assert_true(jobs_run_one(&D, NULL));
	jobs_drain(&D);
	assert_int_equal(j->attempts, 3);

	/* the kernel still asks: seen again, kept */
	j->last_seen = now - DEFER_FORGET - 1;
	jobs_seen(&D, &a);
	jobs_retry(&D);
	assert_int_equal(D.jobs.njobs, 1);
	/* the kernel no longer asks: forgotten */
	j->last_seen = now - DEFER_FORGET - 1;
	jobs_retry(&D);
	assert_int_equal(D.jobs.njobs, 0);
	assert_int_equal(queued(), 0);

	disconnect_fake(&s);
}

static void test_defer_not_retried_while_disconnected(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");
	struct nlc_sock s = { 0 };
	struct job *j;

	(void)state;
	connect_fake(&s);
	g_kind = NLC_ANSWER_DEFER;
	jobs_seen(&D, &a);
	jobs_run_one(&D, NULL);
	jobs_drain(&D);
	j = only_job();
	/* the registration is lost: no deferred job is being asked for */
	disconnect_fake(&s);
	jobs_orphan_deferred(&D);
	assert_int_equal(j->last_seen, 0);
	j->retry_at = 0;
	jobs_retry(&D);
	/* not queued without a backend; forgotten, since nobody asks */
	assert_int_equal(queued(), 0);
	assert_int_equal(D.jobs.njobs, 0);
}

/* An answer finished while disconnected is dropped, not sent. */
static void test_answer_without_backend_dropped(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");

	(void)state;
	jobs_seen(&D, &a);
	jobs_run_one(&D, NULL);
	jobs_drain(&D);
	assert_int_equal(D.jobs.njobs, 0);
	assert_int_equal(D.stats.answered[0][0], 0);
}

/* --- replies and refusals -------------------------------------------------------------------- */

struct seen_set {
	int messages;
	int entries[4];
	int negatives[4];
	int domains[4];
};

/* The first SET_REQS: refuse entry 1 with EINVAL. The second (the resend):
 * accept. Either is checked for what its entries carry. */
static void respond_set_refuse_second(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	struct seen_set *seen = p->priv;
	struct genlmsghdr *g = nlmsg_data(req);
	struct nlattr *a, *f;
	struct nl_msg *msg;
	int rem, rem2, n = 0, m = seen->messages;

	assert_int_equal(g->cmd, NLCACHE_CMD_IP_MAP_SET_REQS);
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		assert_int_equal(nla_type(a), NLCACHE_A_IP_MAP_REQS_REQUESTS);
		nla_for_each_nested(f, a, rem2) {
			if (nla_type(f) == NLCACHE_A_IP_MAP_NEGATIVE)
				seen->negatives[m]++;
			if (nla_type(f) == NLCACHE_A_IP_MAP_DOMAIN)
				seen->domains[m]++;
		}
		n++;
	}
	seen->entries[m] = n;
	seen->messages++;
	peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
	msg = reply_msg(req, 0);
	if (m == 0 && n > 1) {
		struct nlattr *e;

		nla_put_u32(msg, NLCACHE_A_IP_MAP_REQS_APPLIED, (uint32_t)n - 1);
		e = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_ERRORS);
		nla_put_u32(msg, NLCACHE_A_SET_ERROR_INDEX, 1);
		nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, EINVAL);
		nla_nest_end(msg, e);
	} else {
		nla_put_u32(msg, NLCACHE_A_IP_MAP_REQS_APPLIED, (uint32_t)n);
	}
	peer_send_msg(p, msg, to);
}

static void test_refused_resent_negative(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1"), b = ip_req("192.0.2.2"),
		       c = ip_req("192.0.2.3");
	struct seen_set seen = { 0 };
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_refuse_second, 2);
	p.priv = &seen;
	connect_fake(&s);
	jobs_seen(&D, &a);
	jobs_seen(&D, &b);
	jobs_seen(&D, &c);
	while (jobs_run_one(&D, NULL))
		;
	jobs_drain(&D);

	/* one batch of three positive answers */
	assert_int_equal(seen.messages, 2);
	assert_int_equal(seen.entries[0], 3);
	assert_int_equal(seen.negatives[0], 0);
	assert_int_equal(seen.domains[0], 3);
	/* the refused one again, negative, without its domain */
	assert_int_equal(seen.entries[1], 1);
	assert_int_equal(seen.negatives[1], 1);
	assert_int_equal(seen.domains[1], 0);
	assert_int_equal(D.stats.rejected[0], 1);
	assert_int_equal(D.stats.answered[0][0], 3);
	/* every sent job is gone */
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* Negative answers are not re-sent when refused. */
static void test_refused_negative_not_resent(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1"), b = ip_req("192.0.2.2");
	struct seen_set seen = { 0 };
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_refuse_second, 1);
	p.priv = &seen;
	connect_fake(&s);
	g_kind = NLC_ANSWER_NEGATIVE;
	jobs_seen(&D, &a);
	jobs_seen(&D, &b);
	while (jobs_run_one(&D, NULL))
		;
	jobs_drain(&D);
	assert_int_equal(seen.messages, 1);
	assert_int_equal(seen.negatives[0], 2);
	assert_int_equal(D.stats.rejected[0], 1);
	assert_int_equal(D.stats.answered[0][1], 2);
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* --- the revocation window ----------------------------------------------------------------- */

/*
 * An answer computed, then exportfs -u flushes the caches before it is
 * sent, and the kernel's re-upcall for the same key merges into the job:
 * the old positive answer is not sent; the job is computed again and its
 * new (negative) answer sent.
 */
static void test_flushed_answer_recomputed(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");
	struct seen_set seen = { 0 };
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_refuse_second, 1);
	p.priv = &seen;
	connect_fake(&s);
	D.flush_epoch = fake_epoch;
	g_epoch = 1700000000;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, NULL));
	assert_int_equal(only_job()->kind, NLC_ANSWER_POSITIVE);
	/* exportfs -u: the export is gone, the caches flushed */
	g_epoch++;
	g_kind = NLC_ANSWER_NEGATIVE;
	/* the kernel asks again for the same key: merged */
	jobs_seen(&D, &a);
	assert_int_equal(D.stats.dedup[0], 1);
	jobs_drain(&D);
	assert_int_equal(seen.messages, 0);
	assert_int_equal(D.stats.recomputed[0], 1);
	assert_int_equal(D.stats.answered[0][0], 0);
	assert_int_equal(queued(), 1);
	assert_int_equal(only_job()->state, J_QUEUED);
	/* computed again against the new state, and sent */
	assert_true(jobs_run_one(&D, NULL));
	assert_int_equal(g_computed, 2);
	jobs_drain(&D);
	assert_int_equal(seen.messages, 1);
	assert_int_equal(seen.entries[0], 1);
	assert_int_equal(seen.negatives[0], 1);
	assert_int_equal(seen.domains[0], 0);
	assert_int_equal(D.stats.answered[0][0], 0);
	assert_int_equal(D.stats.answered[0][1], 1);
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* An answer without a flush since it was computed is sent as it is. */
static void test_unflushed_answer_sent(void **state)
{
	struct nlc_pending a = ip_req("192.0.2.1");
	struct seen_set seen = { 0 };
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_refuse_second, 1);
	p.priv = &seen;
	connect_fake(&s);
	D.flush_epoch = fake_epoch;
	g_epoch = 1700000000;
	jobs_seen(&D, &a);
	jobs_run_one(&D, NULL);
	jobs_drain(&D);
	assert_int_equal(seen.messages, 1);
	assert_int_equal(seen.domains[0], 1);
	assert_int_equal(D.stats.recomputed[0], 0);
	assert_int_equal(D.stats.answered[0][0], 1);
	assert_int_equal(g_computed, 1);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* Which answers are stale: another flush epoch, or an older snapshot. */
static void test_job_stale(void **state)
{
	struct job j = { .flush_epoch = 5, .snap_gen = 3 };

	(void)state;
	assert_false(job_stale(&D, &j, 5, 3));
	assert_true(job_stale(&D, &j, 6, 3));
	/* the kernel's epoch is a time: any change is a flush */
	assert_true(job_stale(&D, &j, 4, 3));
	assert_true(job_stale(&D, &j, 5, 4));
	assert_false(job_stale(&D, &j, 5, 2));
	/* an answer that read no snapshot (auth.unix.gid) */
	j.snap_gen = 0;
	assert_false(job_stale(&D, &j, 5, 9));
}

/* --- answers sent by their worker ------------------------------------------------------------ */

struct seen_cmds {
	int messages;
	int entries;
	uint8_t cmd[4];
};

/* Any SET_REQS: record it, apply every entry. */
static void respond_set_all(struct peer *p, const struct nlmsghdr *req, uint32_t to)
{
	struct seen_cmds *seen = p->priv;
	struct genlmsghdr *g = nlmsg_data(req);
	struct nlattr *a;
	struct nl_msg *msg;
	int rem, n = 0;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		n++;
	if (seen->messages < 4)
		seen->cmd[seen->messages] = g->cmd;
	seen->messages++;
	seen->entries += n;
	peer_send_msg(p, ack_msg(req, 0, true, NULL), to);
	msg = reply_msg(req, 0);
	nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_REQS_APPLIED, (uint32_t)n);
	peer_send_msg(p, msg, to);
}

static struct nlc_pending export_req(const char *path)
{
	struct nlc_pending r = { .cache = &nlc_caches[2] };

	r.u.svc_export.client = "client.test";
	r.u.svc_export.path = path;
	return r;
}

/* The worker's sockets: the fake kernel's, on the current connection. */
static void fake_worker_sock(struct worker_sock *ws, const struct nlc_sock *s)
{
	memset(ws, 0, sizeof(*ws));
	atomic_store(&D.conn_route, ROUTE_NLCACHE);
	ws->s[0] = *s;
	ws->have[0] = true;
	ws->conn_gen = atomic_load(&D.conn_gen);
	ws->route = ROUTE_NLCACHE;
}

/*
 * nfsd.export answers (the kernel resolves their path while parsing, which
 * a hung mount blocks) are sent by the worker that computed them, never
 * by the loop: jobs_drain only counts and frees them.
 */
static void test_export_sent_by_worker(void **state)
{
	struct nlc_pending a = export_req("/srv");
	struct seen_cmds seen = { 0 };
	struct worker_sock ws;
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_all, 1);
	p.priv = &seen;
	connect_fake(&s);
	fake_worker_sock(&ws, &s);
	g_kind = NLC_ANSWER_NEGATIVE;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, &ws));
	/* sent before the loop saw it */
	assert_int_equal(seen.messages, 1);
	assert_int_equal(seen.cmd[0], NLCACHE_CMD_SVC_EXPORT_SET_REQS);
	assert_int_equal(seen.entries, 1);
	assert_true(only_job()->sent);
	jobs_drain(&D);
	assert_int_equal(seen.messages, 1);
	assert_int_equal(D.stats.answered[2][1], 1);
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* A flush while the worker computed: it computes again before sending. */
static void test_worker_recomputes_after_flush(void **state)
{
	struct nlc_pending a = export_req("/srv");
	struct seen_cmds seen = { 0 };
	struct worker_sock ws;
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_all, 1);
	p.priv = &seen;
	connect_fake(&s);
	fake_worker_sock(&ws, &s);
	D.flush_epoch = fake_epoch;
	g_epoch = 1700000000;
	g_flush_while_computing = 1;
	g_kind = NLC_ANSWER_NEGATIVE;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, &ws));
	assert_int_equal(g_computed, 2);
	assert_int_equal(seen.messages, 1);
	jobs_drain(&D);
	assert_int_equal(D.stats.recomputed[2], 1);
	assert_int_equal(D.stats.answered[2][1], 1);
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/*
 * A computation starts from the epoch last read (by an earlier send): a
 * flush after that read and before the computation is still caught when
 * the answer is sent, and the answer computed again.
 */
static void test_flush_before_compute_caught(void **state)
{
	struct nlc_pending a = export_req("/srv"), b = export_req("/srv2");
	struct seen_cmds seen = { 0 };
	struct worker_sock ws;
	struct nlc_sock s;
	struct peer p;

	(void)state;
	SETUP(&p, &s, respond_set_all, 2);
	p.priv = &seen;
	connect_fake(&s);
	fake_worker_sock(&ws, &s);
	D.flush_epoch = fake_epoch;
	g_epoch = 1700000000;
	g_kind = NLC_ANSWER_NEGATIVE;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, &ws));
	assert_int_equal(g_computed, 1);
	assert_int_equal(seen.messages, 1);
	/* a flush before the next request's computation starts */
	g_epoch++;
	jobs_seen(&D, &b);
	assert_true(jobs_run_one(&D, &ws));
	assert_int_equal(g_computed, 3);
	assert_int_equal(seen.messages, 2);
	jobs_drain(&D);
	assert_int_equal(D.stats.recomputed[2], 1);
	assert_int_equal(D.stats.answered[2][1], 2);
	assert_int_equal(D.jobs.njobs, 0);
	disconnect_fake(&s);
	teardown(&p, &s);
}

/* Not connected: the worker does not send; the answer waits. */
static void test_worker_not_connected(void **state)
{
	struct nlc_pending a = export_req("/srv");
	struct worker_sock ws = { .route = ROUTE_NONE };

	(void)state;
	g_kind = NLC_ANSWER_NEGATIVE;
	jobs_seen(&D, &a);
	assert_true(jobs_run_one(&D, &ws));
	assert_false(only_job()->sent);
	assert_int_equal(only_job()->kind, NLC_ANSWER_DEFER);
	jobs_drain(&D);
	assert_int_equal(only_job()->state, J_DEFERRED);
	assert_int_equal(D.stats.answered[2][1], 0);
}

/* --- the backend's route -------------------------------------------------------------------- */

static void test_route_choice(void **state)
{
	(void)state;
	assert_int_equal(backend_first_route(BACKEND_AUTO, false), ROUTE_NLCACHE);
	assert_int_equal(backend_first_route(BACKEND_AUTO, true), ROUTE_NATIVE);
	assert_int_equal(backend_first_route(BACKEND_NLCACHE, true), ROUTE_NLCACHE);
	assert_int_equal(backend_first_route(BACKEND_NATIVE, false), ROUTE_NATIVE);
}

static void test_route_fallback(void **state)
{
	(void)state;
	/* auto: nfsd_nlcache stepping aside for native upcalls */
	assert_int_equal(backend_fallback(BACKEND_AUTO, ROUTE_NLCACHE, -EOPNOTSUPP),
			 ROUTE_NATIVE);
	/* other errors, other routes, forced backends: no second try */
	assert_int_equal(backend_fallback(BACKEND_AUTO, ROUTE_NLCACHE, -ENOENT), ROUTE_NONE);
	assert_int_equal(backend_fallback(BACKEND_AUTO, ROUTE_NATIVE, -EOPNOTSUPP), ROUTE_NONE);
	assert_int_equal(backend_fallback(BACKEND_NLCACHE, ROUTE_NLCACHE, -EOPNOTSUPP),
			 ROUTE_NONE);
	assert_int_equal(backend_fallback(BACKEND_NATIVE, ROUTE_NATIVE, -ENOENT), ROUTE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dedup_in_flight, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_dedup_scan, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_scan_incremental, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_scan_newer_request, d_setup, d_teardown),
		cmocka_unit_test(test_defer_delay),
		cmocka_unit_test_setup_teardown(test_defer_backoff_and_forget, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_defer_not_retried_while_disconnected,
						d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_answer_without_backend_dropped,
						d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_refused_resent_negative, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_refused_negative_not_resent,
						d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_flushed_answer_recomputed, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_unflushed_answer_sent, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_job_stale, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_export_sent_by_worker, d_setup, d_teardown),
		cmocka_unit_test_setup_teardown(test_flush_before_compute_caught, d_setup,
						d_teardown),
		cmocka_unit_test_setup_teardown(test_worker_recomputes_after_flush, d_setup,
						d_teardown),
		cmocka_unit_test_setup_teardown(test_worker_not_connected, d_setup, d_teardown),
		cmocka_unit_test(test_route_choice),
		cmocka_unit_test(test_route_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
