// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The command lines of nlcached and nlcachectl, run as programs
 * (build/daemon/, NLC_DAEMON_DIR overrides): option parsing, the messages
 * and the exit statuses their man pages promise (nlcachectl: 0 success,
 * 1 failure, 2 usage error; nlcached: 1 on a startup error, 0 after
 * SIGTERM), and that nlcached applies --config, -t, -g, --backend, -s and
 * --exports (its start and load lines say so). A running nlcached gets a
 * network namespace of its own (unshare --net, as root), so that on a
 * machine with nfsd_nlcache or a 7.2 kernel it can never serve the real
 * NFS server's caches; it finds no caches to serve there and keeps
 * retrying, which is all these tests need.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nlc_test.h"

extern char **environ;

static char dir[64];

static const char *prog_path(const char *name)
{
	static char path[2][512];
	static int which;
	const char *d = getenv("NLC_DAEMON_DIR");
	char *p = path[which++ % 2];

	snprintf(p, sizeof(path[0]), "%s/%s", d ? d : "build/daemon", name);
	return p;
}

struct proc {
	pid_t pid;
	int out, err;		/* read ends */
	char obuf[16384], ebuf[16384];
	size_t olen, elen;
};

static void spawn(struct proc *p, const char *name, const char *const *args)
{
	const char *argv[32];
	int o[2], e[2], n = 0;
	posix_spawn_file_actions_t fa;

	memset(p, 0, sizeof(*p));
	if (!strcmp(name, "nlcached-netns")) {
		argv[n++] = "unshare";
		argv[n++] = "--net";
		argv[n++] = "--";
		name = "nlcached";
	}
	argv[n++] = prog_path(name);
	while (*args)
		argv[n++] = *args++;
	argv[n] = NULL;
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	assert_int_equal(posix_spawnp(&p->pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(o[1]);
	close(e[1]);
	p->out = o[0];
	p->err = e[0];
}

/* Read what is there within ms milliseconds; false once both pipes are at EOF. */
static bool pump(struct proc *p, int ms)
{
	struct pollfd fds[2] = { { p->out, POLLIN, 0 }, { p->err, POLLIN, 0 } };
	int i, n;

	if (p->out < 0 && p->err < 0)
		return false;
	n = poll(fds, 2, ms);
	assert_true(n >= 0 || errno == EINTR);
	for (i = 0; i < 2; i++) {
		int *fd = i ? &p->err : &p->out;
		char *buf = i ? p->ebuf : p->obuf;
		size_t *len = i ? &p->elen : &p->olen;
		ssize_t r;

		if (*fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(*fd, buf + *len, sizeof(p->obuf) - 1 - *len);
		if (r <= 0) {
			close(*fd);
			*fd = -1;
			fds[i].fd = -1;
		} else {
			*len += (size_t)r;
			buf[*len] = '\0';
		}
	}
	return p->out >= 0 || p->err >= 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait (at most 20 s) for the exit; returns the exit status, or 128+signal. */
static int finish(struct proc *p)
{
	double deadline = now() + 20;
	int st;

	while (pump(p, 100) && now() < deadline)
		;
	if (p->out >= 0 || p->err >= 0) {
		kill(p->pid, SIGKILL);
		fail_msg("%s did not exit within 20 s", "the program");
	}
	assert_int_equal(waitpid(p->pid, &st, 0), p->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read stderr until it holds needle (at most 20 s). */
static void wait_stderr(struct proc *p, const char *needle)
{
	double deadline = now() + 20;

	while (!strstr(p->ebuf, needle)) {
		if (now() > deadline || (!pump(p, 100) && !strstr(p->ebuf, needle))) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			fail_msg("no \"%s\" on stderr; it has:\n%s", needle, p->ebuf);
		}
	}
}

static int run(const char *name, const char *const *args, struct proc *p)
{
	spawn(p, name, args);
	return finish(p);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect(const char *name, const char *const *args, int status,
		   const char *in_stdout, const char *in_stderr)
{
	struct proc *p = malloc(sizeof(*p));
	int st;

	assert_non_null(p);
	st = run(name, args, p);
	print_message("%s %s... -> %d\n", name, args[0] ? args[0] : "", st);
	if (st != status || (in_stdout && !strstr(p->obuf, in_stdout)) ||
	    (in_stderr && !strstr(p->ebuf, in_stderr))) {
		print_error("exit %d (want %d)\nstdout: %s\nstderr: %s\n", st, status,
			    p->obuf, p->ebuf);
		free(p);
		fail();
	}
	if (status == 2 || (status == 1 && !strcmp(name, "nlcached")))
		assert_int_equal(p->olen, 0);	/* errors go to stderr only */
	free(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nlc-cli-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (access(prog_path("nlcached"), X_OK) || access(prog_path("nlcachectl"), X_OK)) {
		fprintf(stderr, "test_cli: build the programs first (make daemon): %s\n",
			prog_path("nlcached"));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* ---- nlcachectl -------------------------------------------------------------- */

static void test_nlcachectl_usage_errors_exit_2(void **state)
{
	(void)state;
	expect("nlcachectl", ARGS("bogus"), 2, NULL, "unknown command 'bogus'");
	expect("nlcachectl", ARGS("--bogus"), 2, NULL, NULL);
	expect("nlcachectl", ARGS("status", "x"), 2, NULL, "no arguments expected");
	expect("nlcachectl", ARGS("status", "--bogus"), 2, NULL, "Try 'nlcachectl status --help'");
	expect("nlcachectl", ARGS("pending", "nosuch"), 2, NULL, "unknown cache 'nosuch'");
	expect("nlcachectl", ARGS("flush", "nosuch"), 2, NULL, "unknown cache 'nosuch'");
	expect("nlcachectl", ARGS("register", "nosuch"), 2, NULL, "unknown cache 'nosuch'");
	expect("nlcachectl", ARGS("answer"), 2, NULL, "missing CACHE");
	expect("nlcachectl", ARGS("answer", "nosuch"), 2, NULL, "unknown cache 'nosuch'");
	expect("nlcachectl", ARGS("answer", "auth.unix.ip"), 2, NULL,
	       "auth.unix.ip takes CLASS ADDR DOMAIN");
	expect("nlcachectl", ARGS("answer", "auth.unix.ip", "nfsd", "192.0.2.1", "c", "--ttl", "x"),
	       2, NULL, "bad --ttl 'x'");
	expect("nlcachectl", ARGS("answer", "nfsd.export", "c", "/srv", "--flags", "bogus"),
	       2, NULL, "unknown export flag 'bogus'");
	expect("nlcachectl", ARGS("answer", "nfsd.export", "c", "/srv", "--xprtsec", "ssl"),
	       2, NULL, "ssl");
	expect("nlcachectl", ARGS("monitor", "--count", "0"), 2, NULL,
	       "--count takes a positive number");
	expect("nlcachectl", ARGS("monitor", "--timeout", "x"), 2, NULL, "--timeout takes seconds");
	expect("nlcachectl", ARGS("family", "--bogus"), 2, NULL, NULL);
}

static void test_nlcachectl_no_command_is_usage(void **state)
{
	struct proc p;

	(void)state;
	spawn(&p, "nlcachectl", ARGS(NULL));
	assert_int_equal(finish(&p), 2);
	assert_non_null(strstr(p.ebuf, "Usage: nlcachectl"));
	assert_int_equal(p.olen, 0);
}

static void test_nlcachectl_help_and_version_exit_0(void **state)
{
	(void)state;
	expect("nlcachectl", ARGS("--help"), 0, "Usage: nlcachectl", NULL);
	expect("nlcachectl", ARGS("--version"), 0, "nlcachectl " NLC_VERSION "\n", NULL);
	expect("nlcachectl", ARGS("-V"), 0, "nlcachectl " NLC_VERSION "\n", NULL);
	expect("nlcachectl", ARGS("answer", "--help"), 0, "Usage", NULL);
	expect("nlcachectl", ARGS("status", "--help"), 0, "Usage", NULL);
}

/* A kernel without the family: a failure (1), in words, never a usage error. */
static void test_nlcachectl_without_family_exits_1(void **state)
{
	const char *const *cmds[] = {
		ARGS("status"), ARGS("pending"), ARGS("flush"),
		ARGS("answer", "auth.unix.ip", "nfsd", "192.0.2.1", "c.example"),
	};
	size_t i;

	(void)state;
	if (!access("/sys/module/nfsd_nlcache", F_OK)) {
		print_message("SKIP: nfsd_nlcache is loaded on this machine\n");
		skip();
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		expect("nlcachectl", cmds[i], 1, NULL,
		       "generic netlink family does not exist");
}

/* ---- nlcached ---------------------------------------------------------------- */

static void test_nlcached_bad_options_exit_1(void **state)
{
	(void)state;
	expect("nlcached", ARGS("--bogus"), 1, NULL, "Usage: nlcached");
	expect("nlcached", ARGS("-T", "0"), 1, NULL, "bad --ttl \"0\"");
	expect("nlcached", ARGS("--ttl", "x"), 1, NULL, "bad --ttl \"x\"");
	expect("nlcached", ARGS("-T", "2147483648"), 1, NULL, "bad --ttl");
	expect("nlcached", ARGS("-t", "0"), 1, NULL, "--threads must be 1-64");
	expect("nlcached", ARGS("--threads", "65"), 1, NULL, "--threads must be 1-64");
	expect("nlcached", ARGS("-t", "4x"), 1, NULL, "--threads must be 1-64");
	expect("nlcached", ARGS("--backend", "foo"), 1, NULL, "--backend is auto, nlcache or native");
	expect("nlcached", ARGS("-d", "nosuch"), 1, NULL, "unknown debug class \"nosuch\"");
	expect("nlcached", ARGS("extra"), 1, NULL, "unexpected argument \"extra\"");
	expect("nlcached", ARGS("--config", "/nonexistent/nfs.conf"), 1, NULL,
	       "/nonexistent/nfs.conf: No such file or directory");
}

static void test_nlcached_help_and_version_exit_0(void **state)
{
	(void)state;
	expect("nlcached", ARGS("-h"), 0, "Usage: nlcached", NULL);
	expect("nlcached", ARGS("--help"), 0, "man 8 nlcached", NULL);
	expect("nlcached", ARGS("-V"), 0, "nlcached " NLC_VERSION "\n", NULL);
}

/*
 * Start nlcached -F with args, wait for its start line and the first
 * exports load, check both, then SIGTERM: exit 0 and "exiting on signal 15".
 */
static void daemon_run(const char *const *args, const char *start, const char *load)
{
	struct proc *p = malloc(sizeof(*p));

	assert_non_null(p);
	spawn(p, "nlcached-netns", args);
	wait_stderr(p, start);
	wait_stderr(p, load);
	print_message("%s", p->ebuf);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	assert_int_equal(finish(p), 0);
	assert_non_null(strstr(p->ebuf, "exiting on signal 15"));
	free(p);
}

/* nlcached may only run in a network namespace of its own. */
static void need_netns(void)
{
	if (geteuid() != 0 || system("unshare --net true >/dev/null 2>&1") != 0) {
		print_message("SKIP: running nlcached needs a private network namespace (root, unshare --net)\n");
		skip();
	}
}

static void test_nlcached_config_and_command_line(void **state)
{
	char conf[128], conf2[128], exports[128], start[160], load[256];

	(void)state;
	need_netns();
	write_file("exports", "/srv/a\t127.0.0.1(rw)\n/srv/b\t127.0.0.2(ro)\n", exports,
		   sizeof(exports));
	/* [exportd] wins over [mountd]; both are read */
	write_file("nfs.conf",
		   "[mountd]\nmanage-gids = y\nthreads = 3\n"
		   "[exportd]\nthreads = 5\n", conf, sizeof(conf));
	write_file("nfs2.conf", "[mountd]\nmanage-gids = n\n", conf2, sizeof(conf2));
	snprintf(load, sizeof(load), "exports: 2 entries from %s", exports);

	daemon_run(ARGS("-F", "--config", conf, "--exports", exports),
		   "starting (backend auto, 5 threads, manage-gids)", load);
	/* the command line overrides nfs.conf */
	daemon_run(ARGS("-F", "--config", conf, "-t", "2", "--backend", "nlcache",
			"--exports", exports),
		   "starting (backend nlcache, 2 threads, manage-gids)", load);
	/* --config=FILE is read as well; manage-gids off, default threads */
	snprintf(start, sizeof(start), "--config=%s", conf2);
	daemon_run(ARGS("-F", start, "--threads", "1", "--exports", exports),
		   "starting (backend auto, 1 threads)", load);
	/* -g turns it on whatever nfs.conf says */
	daemon_run(ARGS("-F", start, "-g", "--backend", "native", "--exports", exports),
		   "starting (backend native, 4 threads, manage-gids)", load);
}

/* -s DIR: without --exports, DIR/etab is what is served. */
static void test_nlcached_state_directory(void **state)
{
	char conf[128], etab[160], sdir[128], load[256];

	(void)state;
	need_netns();
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	assert_int_equal(mkdir(sdir, 0755), 0);
	write_file("state/etab",
		   "/srv/a\t127.0.0.1(rw,sync,wdelay,hide,nocrossmnt,secure,root_squash,no_all_squash,no_subtree_check,secure_locks,acl,no_pnfs,anonuid=65534,anongid=65534,sec=sys,rw,secure,root_squash,no_all_squash)\n",
		   etab, sizeof(etab));
	write_file("empty.conf", "", conf, sizeof(conf));
	snprintf(load, sizeof(load), "exports: 1 entries from %s", etab);
	daemon_run(ARGS("-F", "--config", conf, "-s", sdir), "starting (backend auto, 4 threads)",
		   load);
	/* nfs.conf's state-directory-path, the same */
	write_file("state.conf", "", conf, sizeof(conf));
	{
		FILE *f = fopen(conf, "w");

		assert_non_null(f);
		fprintf(f, "[exportd]\nstate-directory-path = %s\n", sdir);
		assert_int_equal(fclose(f), 0);
	}
	daemon_run(ARGS("-F", "--config", conf), "starting (backend auto, 4 threads)", load);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nlcachectl_usage_errors_exit_2),
		cmocka_unit_test(test_nlcachectl_no_command_is_usage),
		cmocka_unit_test(test_nlcachectl_help_and_version_exit_0),
		cmocka_unit_test(test_nlcachectl_without_family_exits_1),
		cmocka_unit_test(test_nlcached_bad_options_exit_1),
		cmocka_unit_test(test_nlcached_help_and_version_exit_0),
		cmocka_unit_test(test_nlcached_config_and_command_line),
		cmocka_unit_test(test_nlcached_state_directory),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
