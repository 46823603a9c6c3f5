// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export-load lookups with a deadline (dnswait.h), over a fake resolver
 * whose lookups block until the test lets them go: a load never waits
 * past its deadline, lookups run at once, a lookup given up on is still
 * finished in the background, says so once, and its result serves the
 * next load without asking again.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dnswait.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool release;		/* blocked lookups may go on */
	unsigned int inflight, maxflight;
	unsigned int calls;
	unsigned int need_together;	/* "together*" names wait for this many */
	unsigned int settled;
	bool flaky_down;	/* "flaky*" names fail with -EAGAIN */
} F = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static void fake_reset(void)
{
	pthread_mutex_lock(&F.lock);
	F.release = false;
	F.inflight = F.maxflight = F.calls = F.need_together = F.settled = 0;
	F.flaky_down = false;
	pthread_mutex_unlock(&F.lock);
}

static unsigned int calls(void)
{
	unsigned int n;

	pthread_mutex_lock(&F.lock);
	n = F.calls;
	pthread_mutex_unlock(&F.lock);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * "fast*" answers 10.0.0.1 at once, "gone*" is unknown at once, "slow*"
 * answers 10.0.0.2 when released, "together*" answers 10.0.0.3 once
 * need_together lookups are running at the same time.
 */
static int fake_forward(void *cookie, const char *name, struct nlc_hostent *h)
{
	const char *addr = "10.0.0.1";
	int err = 0;

	(void)cookie;
	memset(h, 0, sizeof(*h));
	pthread_mutex_lock(&F.lock);
	F.calls++;
	F.inflight++;
	if (F.inflight > F.maxflight)
		F.maxflight = F.inflight;
	pthread_cond_broadcast(&F.cond);
	if (!strncmp(name, "slow", 4)) {
		while (!F.release)
			pthread_cond_wait(&F.cond, &F.lock);
		addr = "10.0.0.2";
	} else if (!strncmp(name, "together", 8)) {
		while (F.maxflight < F.need_together && !F.release)
			pthread_cond_wait(&F.cond, &F.lock);
		addr = "10.0.0.3";
	} else if (!strncmp(name, "gone", 4)) {
		err = -ENOENT;
	} else if (!strncmp(name, "sleepy", 6)) {
		pthread_mutex_unlock(&F.lock);
		sleep_ms(20);
		pthread_mutex_lock(&F.lock);
		addr = "10.0.0.5";
	} else if (!strncmp(name, "flaky", 5)) {
		err = F.flaky_down ? -EAGAIN : 0;
		addr = "10.0.0.4";
	}
	F.inflight--;
	pthread_cond_broadcast(&F.cond);
	pthread_mutex_unlock(&F.lock);
	if (err)
		return err;
	snprintf(h->name, sizeof(h->name), "%s.example", name);
	assert_int_equal(nlc_addr_parse(addr, &h->addrs[0]), 0);
	h->naddrs = 1;
	return 0;
}

static int fake_reverse(void *cookie, const struct nlc_addr *a, char *name, size_t size)
{
	(void)cookie;
	(void)a;
	snprintf(name, size, "rev.example");
	return 0;
}

static const struct nlc_resolver base = {
	.forward = fake_forward,
	.reverse = fake_reverse,
};

static void on_settled(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&F.lock);
	F.settled++;
	pthread_cond_broadcast(&F.cond);
	pthread_mutex_unlock(&F.lock);
}

static uint64_t ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void release_all(void)
{
	pthread_mutex_lock(&F.lock);
	F.release = true;
	pthread_cond_broadcast(&F.cond);
	pthread_mutex_unlock(&F.lock);
}

static void wait_settled(unsigned int n)
{
	pthread_mutex_lock(&F.lock);
	while (F.settled < n)
		pthread_cond_wait(&F.cond, &F.lock);
	pthread_mutex_unlock(&F.lock);
}

static void test_fast_and_unknown(void **state)
{
	struct nlc_dnswait w;
	struct nlc_hostent h;
	char name[64];

	(void)state;
	fake_reset();
	assert_int_equal(nlc_dnswait_init(&w, &base, 2000, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "fast1", &h), 0);
	assert_string_equal(h.name, "fast1.example");
	assert_int_equal(h.naddrs, 1);
	assert_int_equal(w.r.forward(w.r.cookie, "gone1", &h), -ENOENT);
	assert_int_equal(nlc_dnswait_end(&w), 0);
	/* everything else goes to the base resolver as it is */
	assert_int_equal(w.r.reverse(w.r.cookie, NULL, name, sizeof(name)), 0);
	assert_string_equal(name, "rev.example");
	assert_int_equal(w.r.aliases(w.r.cookie, "fast1", &h), -ENOENT);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 0);
	assert_int_equal(F.calls, 2);
}

static void test_deadline_then_settle(void **state)
{
	struct nlc_dnswait w;
	struct nlc_hostent h;
	uint64_t t0;

	(void)state;
	fake_reset();
	assert_int_equal(nlc_dnswait_init(&w, &base, 200, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	t0 = ms();
	assert_int_equal(w.r.forward(w.r.cookie, "slow1", &h), -ETIMEDOUT);
	/* no longer than the deadline (generous slack for sanitizers) */
	assert_true(ms() - t0 >= 190);
	assert_true(ms() - t0 < 5000);
	/* a second name of the same load: the deadline is the load's */
	t0 = ms();
	assert_int_equal(w.r.forward(w.r.cookie, "slow2", &h), -ETIMEDOUT);
	assert_true(ms() - t0 < 1000);
	assert_int_equal(nlc_dnswait_end(&w), 2);
	assert_int_equal(F.settled, 0);

	release_all();
	/* each ended lookup a load gave up on says so (one reload each) */
	wait_settled(2);

	/* the next load takes the results without asking again */
	pthread_mutex_lock(&F.lock);
	while (F.calls < 2 || F.inflight)
		pthread_cond_wait(&F.cond, &F.lock);
	pthread_mutex_unlock(&F.lock);
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "slow1", &h), 0);
	assert_string_equal(h.name, "slow1.example");
	assert_int_equal(w.r.forward(w.r.cookie, "slow2", &h), 0);
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(F.calls, 2);
	/* any later load asks again, as rpc.mountd does at every reload */
	sleep_ms(5);
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "slow1", &h), 0);
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(F.calls, 3);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 2);
}

static void test_prefetch_runs_lookups_at_once(void **state)
{
	static const char *const names[] = { "together1", "together2", "together3" };
	struct nlc_dnswait w;
	struct nlc_hostent h;
	unsigned int i;

	(void)state;
	fake_reset();
	F.need_together = 3;
	assert_int_equal(nlc_dnswait_init(&w, &base, 30000, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	for (i = 0; i < 3; i++)
		w.r.prefetch(w.r.cookie, names[i]);
	/* each lookup ends only when all three run together */
	for (i = 0; i < 3; i++) {
		assert_int_equal(w.r.forward(w.r.cookie, names[i], &h), 0);
		assert_int_equal(h.naddrs, 1);
	}
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(F.maxflight, 3);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 0);
}

/* Through the client list: a lookup past the deadline counts as a failure
 * for now: the client matches nothing and holds the previous load's
 * addresses. */
static void test_client_list(void **state)
{
	struct nlc_client_list gen1, gen2;
	struct nlc_dnswait w;
	struct nlc_client *c;

	(void)state;
	fake_reset();
	F.release = true;
	assert_int_equal(nlc_dnswait_init(&w, &base, 200, on_settled, NULL), 0);
	nlc_client_list_init(&gen1);
	assert_int_equal(nlc_client_list_add(&gen1, "slowhost", NULL), 0);
	assert_int_equal(nlc_client_list_add(&gen1, "fasthost", NULL), 0);
	nlc_dnswait_begin(&w);
	assert_int_equal(nlc_client_list_resolve(&gen1, &w.r, NULL), 0);
	assert_int_equal(nlc_dnswait_end(&w), 0);

	/* the next load asks again */
	fake_reset();
	nanosleep(&(struct timespec){ 0, 5 * 1000000L }, NULL);
	nlc_client_list_init(&gen2);
	assert_int_equal(nlc_client_list_add(&gen2, "slowhost", NULL), 0);
	assert_int_equal(nlc_client_list_add(&gen2, "fasthost", NULL), 0);
	nlc_dnswait_begin(&w);
	assert_int_equal(nlc_client_list_resolve(&gen2, &w.r, &gen1), 1);
	assert_int_equal(nlc_dnswait_end(&w), 1);
	assert_int_equal(nlc_client_list_add(&gen2, "slowhost", &c), 0);
	assert_int_equal(c->naddrs, 0);
	assert_int_equal(c->nheld, 1);
	assert_string_equal(c->name, "slowhost.example");
	assert_int_equal(nlc_client_list_add(&gen2, "fasthost", &c), 0);
	assert_int_equal(c->naddrs, 1);
	assert_int_equal(c->nheld, 0);
	release_all();
	wait_settled(1);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 1);
	nlc_client_list_free(&gen1);
	nlc_client_list_free(&gen2);
}

/* lets the lookups go once destroy has begun */
static void *release_later(void *arg)
{
	struct nlc_dnswait *w = arg;
	bool closing = false;

	while (!closing) {
		sleep_ms(10);
		pthread_mutex_lock(&w->lock);
		closing = w->closing;
		pthread_mutex_unlock(&w->lock);
	}
	release_all();
	return NULL;
}

/* tick every 20 ms until @n lookups have ended or settled() was called
 * @settled times (at most 10 s); false if that never happened */
static bool tick_until(struct nlc_dnswait *w, unsigned int n, unsigned int settled)
{
	for (int i = 0; i < 500; i++) {
		bool done;

		nlc_dnswait_tick(w);
		sleep_ms(20);
		pthread_mutex_lock(&F.lock);
		done = F.calls >= n && !F.inflight && F.settled >= settled;
		pthread_mutex_unlock(&F.lock);
		if (done)
			return true;
	}
	return false;
}

/* A lookup that failed for now is asked again with back-off, and a new
 * load is asked for only when the failure is over. (Lower bounds on the
 * delays only: a loaded machine may be late, never early.) */
static void test_retry_transient(void **state)
{
	struct nlc_dnswait w;
	struct nlc_hostent h;
	uint64_t t0;
	unsigned int n;

	(void)state;
	fake_reset();
	F.flaky_down = true;
	assert_int_equal(nlc_dnswait_init(&w, &base, 2000, on_settled, NULL), 0);
	w.retry_ms = 300;
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "flaky1", &h), -EAGAIN);
	assert_int_equal(w.r.forward(w.r.cookie, "gone1", &h), -ENOENT);
	t0 = ms();
	/* an ended lookup is not one the load gave up on */
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(calls(), 2);
	/* asked again after 300 ms, still failing: no reload */
	assert_true(tick_until(&w, 3, 0));
	assert_true(ms() - t0 >= 300);
	assert_int_equal(F.settled, 0);
	/* the next retry waits twice as long */
	t0 = ms();
	assert_true(tick_until(&w, 4, 0));
	assert_true(ms() - t0 >= 500);
	assert_int_equal(F.settled, 0);
	/* the name server is back: a retry resolves it and asks for a load,
	 * which takes the result; the unknown name is never asked again */
	F.flaky_down = false;
	n = calls();
	assert_true(tick_until(&w, n + 1, 1));
	assert_int_equal(calls(), n + 1);
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "flaky1", &h), 0);
	assert_string_equal(h.name, "flaky1.example");
	assert_int_equal(calls(), n + 1);
	/* resolved: no more retries */
	sleep_ms(700);
	nlc_dnswait_tick(&w);
	sleep_ms(20);
	assert_int_equal(calls(), n + 1);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 1);
}

/* More names than threads: a lookup takes a thread as soon as one is free
 * (40 lookups of 20 ms, 16 at a time, all within the load's deadline; a
 * name that found all threads busy used to count as unresolved at once,
 * and with no lookup left to end, no load came for it). */
static void test_more_names_than_threads(void **state)
{
	enum { N = 40 };
	struct nlc_dnswait w;
	struct nlc_hostent h;
	char name[32];
	int i;

	(void)state;
	fake_reset();
	assert_int_equal(nlc_dnswait_init(&w, &base, 20000, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "sleepy%d", i);
		w.r.prefetch(w.r.cookie, name);
	}
	/* the last first: its lookup has no thread yet, all 16 are busy */
	for (i = N - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "sleepy%d", i);
		assert_int_equal(w.r.forward(w.r.cookie, name, &h), 0);
	}
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(calls(), N);
	assert_true(F.maxflight <= NLC_DNSWAIT_THREADS);
	assert_true(F.maxflight > 1);
	nlc_dnswait_destroy(&w);
	assert_int_equal(F.settled, 0);
}

/* More hung names than threads: the names that found no thread are not
 * forgotten: when the lookups end, the next load asks for them too. */
static void test_starved_names(void **state)
{
	enum { N = NLC_DNSWAIT_THREADS + 4 };
	struct nlc_dnswait w;
	struct nlc_hostent h;
	char name[32];
	int i;

	(void)state;
	fake_reset();
	assert_int_equal(nlc_dnswait_init(&w, &base, 200, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "slow%d", i);
		w.r.prefetch(w.r.cookie, name);
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "slow%d", i);
		assert_int_equal(w.r.forward(w.r.cookie, name, &h), -ETIMEDOUT);
	}
	assert_int_equal(nlc_dnswait_end(&w), N);
	assert_int_equal(calls(), NLC_DNSWAIT_THREADS);
	release_all();
	wait_settled(1);
	pthread_mutex_lock(&F.lock);
	while (F.inflight)
		pthread_cond_wait(&F.cond, &F.lock);
	pthread_mutex_unlock(&F.lock);
	/* the next load: the 16 results as they are, the other 4 asked now */
	nlc_dnswait_begin(&w);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "slow%d", i);
		w.r.prefetch(w.r.cookie, name);
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "slow%d", i);
		assert_int_equal(w.r.forward(w.r.cookie, name, &h), 0);
	}
	assert_int_equal(nlc_dnswait_end(&w), 0);
	assert_int_equal(calls(), N);
	nlc_dnswait_destroy(&w);
}

/* destroy waits for a lookup that is still running, and says nothing */
static void test_destroy_waits(void **state)
{
	struct nlc_dnswait w;
	struct nlc_hostent h;
	pthread_t t;

	(void)state;
	fake_reset();
	assert_int_equal(nlc_dnswait_init(&w, &base, 50, on_settled, NULL), 0);
	nlc_dnswait_begin(&w);
	assert_int_equal(w.r.forward(w.r.cookie, "slow3", &h), -ETIMEDOUT);
	/* let it go from another thread a little later */
	assert_int_equal(pthread_create(&t, NULL, release_later, &w), 0);
	nlc_dnswait_destroy(&w);
	pthread_join(t, NULL);
	assert_int_equal(F.inflight, 0);
	assert_int_equal(F.settled, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_and_unknown),
		cmocka_unit_test(test_deadline_then_settle),
		cmocka_unit_test(test_prefetch_runs_lookups_at_once),
		cmocka_unit_test(test_client_list),
		cmocka_unit_test(test_retry_transient),
		cmocka_unit_test(test_more_names_than_threads),
		cmocka_unit_test(test_starved_names),
		cmocka_unit_test(test_destroy_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
