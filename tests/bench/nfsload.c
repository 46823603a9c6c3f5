// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfsload - an NFSv4.0 load generator for the benchmarks (make bench).
 *
 * One process, one epoll loop: C TCP connections to nfsd, each bound to
 * its own source address (FIRST, FIRST+1, ... in 127/8, or -S of them
 * round robin), each with up to W calls in flight. Every call is a
 * stateless COMPOUND {PUTFH fh, GETATTR type} with AUTH_SYS credentials
 * (uid cycling over -U values, gid, -G supplementary gids). A call answered
 * NFS4ERR_DELAY is sent again after 20 ms (counted as a retry); its
 * latency runs from its first send to its final reply.
 *
 * Output, one line:
 *   calls=N ok=N errors=N retries=N wall=S p50=S p99=S max=S [STATUS=count...]
 * where STATUS is an NFS status name (or number), rpc-denied,
 * rpc-accept-N, garbage, conn-lost, connect-failed or timeout.
 * Exit status 0 when every call got NFS4_OK, 1 otherwise, 2 on bad usage.
 *
 * Filehandles: -f FILE, one per line, hex with or without "\x" (as
 * /proc/fs/nfsd/filehandle prints them); or -P DOMAIN:FILE, a path per
 * line, each turned into its root handle through /proc/fs/nfsd/filehandle
 * (the export must be in the kernel's cache for DOMAIN, which that write
 * upcalls for). -H FILE writes the handles used, for a later -f; with -x
 * nfsload stops there (no calls).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "qword.h"

#define FH_MAX		128
#define NFS_PROG	100003
#define NFS_V4		4
#define PROC_COMPOUND	1
#define OP_GETATTR	9
#define OP_PUTFH	22
#define NFS4ERR_DELAY	10008
#define RETRY_NS	20000000LL
#define MAX_STAT	64

struct fh {
	unsigned int len;
	uint8_t data[FH_MAX];
};

struct call {
	long long t_first;	/* first send, ns */
	long long t_done;	/* final reply, ns; 0 while open */
	long long t_retry;	/* resend due (retry list) */
	unsigned int conn;
	unsigned int attempt;
	int result;		/* 0 ok, else an index into stat_names */
	bool done;
};

struct conn {
	int fd;
	bool connected;
	bool dead;
	unsigned int next;	/* next of this connection's calls to send */
	unsigned int inflight;
	uint8_t *out;
	size_t out_len, out_cap;
	uint8_t *in;
	size_t in_len, in_cap;
	uint8_t *rec;		/* reassembled record (fragments) */
	size_t rec_len, rec_cap;
};

static struct {
	const char *server;
	int port;
	struct in_addr src;
	unsigned int nsrc;
	unsigned int nconn;
	unsigned int window;
	unsigned int ncalls;
	uint32_t uid;
	unsigned int nuid;
	uint32_t gid;
	unsigned int ngids;
	double timeout;
	unsigned int max_retries;
} opt = {
	.port = 2049,
	.nconn = 1,
	.window = 1,
	.gid = 0,
	.nuid = 1,
	.timeout = 120,
	.max_retries = 1000,
};

static struct fh *fhs;
static unsigned int nfh;
static struct call *calls;
static struct conn *conns;
static unsigned int open_calls;
static unsigned long retries;
static unsigned long stat_count[MAX_STAT];
static char stat_names[MAX_STAT][32];
static unsigned int nstat = 1;	/* 0 is "ok" */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("realloc");
	return p;
}

static const char *nfs4_name(uint32_t st)
{
	switch (st) {
	case 1: return "NFS4ERR_PERM";
	case 2: return "NFS4ERR_NOENT";
	case 5: return "NFS4ERR_IO";
	case 13: return "NFS4ERR_ACCESS";
	case 10001: return "NFS4ERR_BADHANDLE";
	case 10006: return "NFS4ERR_SERVERFAULT";
	case 10008: return "NFS4ERR_DELAY";
	case 10013: return "NFS4ERR_GRACE";
	case 10016: return "NFS4ERR_WRONGSEC";
	case 10020: return "NFS4ERR_NOFILEHANDLE";
	case 10021: return "NFS4ERR_MINOR_VERS_MISMATCH";
	case 10023: return "NFS4ERR_RESOURCE";
	case 10024: return "NFS4ERR_MOVED";
	case 70: return "NFS4ERR_STALE";
	default: return NULL;
	}
}

/* The index of a result name, added on first use. */
static int stat_index(const char *name)
{
	unsigned int i;

	for (i = 1; i < nstat; i++)
		if (!strcmp(stat_names[i], name))
			return (int)i;
	if (nstat == MAX_STAT)
		return MAX_STAT - 1;
	snprintf(stat_names[nstat], sizeof(stat_names[nstat]), "%s", name);
	return (int)nstat++;
}

static int nfs_stat_index(uint32_t st)
{
	const char *n = nfs4_name(st);
	char buf[32];

	if (!n) {
		snprintf(buf, sizeof(buf), "nfs-%u", st);
		n = buf;
	}
	return stat_index(n);
}

/* --- filehandles ------------------------------------------------------------ */

static int parse_fh(const char *s, struct fh *fh)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '\\' && s[1] == 'x')
		s += 2;
	while (nlc_hexval(s[0]) >= 0 && nlc_hexval(s[1]) >= 0) {
		if (n == FH_MAX)
			return -1;
		fh->data[n++] = (uint8_t)(nlc_hexval(s[0]) << 4 | nlc_hexval(s[1]));
		s += 2;
	}
	fh->len = (unsigned int)n;
	return n ? 0 : -1;
}

static void add_fh(const struct fh *fh)
{
	if (!(nfh & (nfh - 1)) || !nfh)
		fhs = xrealloc(fhs, sizeof(*fhs) * (nfh ? nfh * 2 : 16));
	fhs[nfh++] = *fh;
}

static void load_fhs(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	struct fh fh;

	if (!f)
		die(file);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (parse_fh(line, &fh)) {
			fprintf(stderr, "nfsload: %s: not a filehandle: %s", file, line);
			exit(2);
		}
		add_fh(&fh);
	}
	fclose(f);
}

/*
 * One root handle from nfsd's filehandle file: 0, or -errno. nfsd cannot
 * wait for an upcall there: a path whose export is not cached yet fails
 * (ENOENT, EAGAIN) after queueing the upcall, and works once it is answered.
 */
static int path_fh(const char *domain, size_t dlen, const char *path, struct fh *fh)
{
	char req[4200], ans[1024];
	ssize_t n;
	int fd, err;

	n = snprintf(req, sizeof(req), "%.*s %s %d\n", (int)dlen, domain, path, FH_MAX);
	fd = open("/proc/fs/nfsd/filehandle", O_RDWR);
	if (fd < 0)
		die("/proc/fs/nfsd/filehandle");
	if (write(fd, req, (size_t)n) != n) {
		err = -errno;
		close(fd);
		return err;
	}
	n = read(fd, ans, sizeof(ans) - 1);
	close(fd);
	if (n <= 0)
		die("read /proc/fs/nfsd/filehandle");
	ans[n] = '\0';
	if (parse_fh(ans, fh)) {
		fprintf(stderr, "nfsload: bad filehandle for %s: %s\n", path, ans);
		exit(1);
	}
	return 0;
}

/* -P DOMAIN:FILE: the root handle of each path, in FILE's order. */
static void paths_to_fhs(const char *arg)
{
	const char *colon = strchr(arg, ':');
	char line[4096], **paths = NULL;
	struct fh *got;
	bool *have;
	size_t n = 0, cap = 0, i, left;
	int pass, err = 0;
	FILE *f;

	if (!colon)
		die("-P needs DOMAIN:FILE");
	f = fopen(colon + 1, "r");
	if (!f)
		die(colon + 1);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			paths = xrealloc(paths, cap * sizeof(*paths));
		}
		paths[n] = strdup(line);
		if (!paths[n++])
			die("strdup");
	}
	fclose(f);
	got = calloc(n ? n : 1, sizeof(*got));
	have = calloc(n ? n : 1, sizeof(*have));
	if (!got || !have)
		die("calloc");
	/* every missing one asked in each pass, so the upcalls overlap */
	for (pass = 0, left = n; left && pass < 200; pass++) {
		if (pass)
			usleep(50000);
		for (i = 0; i < n; i++) {
			if (have[i])
				continue;
			err = path_fh(arg, (size_t)(colon - arg), paths[i], &got[i]);
			if (!err) {
				have[i] = true;
				left--;
			} else if (err != -ENOENT && err != -EAGAIN) {
				break;
			}
		}
		if (err && err != -ENOENT && err != -EAGAIN)
			break;
	}
	for (i = 0; i < n; i++) {
		if (!have[i]) {
			fprintf(stderr, "nfsload: no filehandle for %s: %s\n", paths[i],
				strerror(-err));
			exit(1);
		}
		add_fh(&got[i]);
		free(paths[i]);
	}
	free(paths);
	free(got);
	free(have);
}

/* --- XDR ----------------------------------------------------------------------- */

static void out_reserve(struct conn *c, size_t n)
{
	if (c->out_len + n > c->out_cap) {
		c->out_cap = (c->out_len + n) * 2;
		c->out = xrealloc(c->out, c->out_cap);
	}
}

static void put32(uint8_t **p, uint32_t v)
{
	v = htonl(v);
	memcpy(*p, &v, 4);
	*p += 4;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* Append call i's record (attempt a) to its connection's output. */
static void queue_call(unsigned int i)
{
	struct call *cl = &calls[i];
	struct conn *c = &conns[cl->conn];
	const struct fh *fh = &fhs[i % nfh];
	uint32_t uid = opt.uid + (uint32_t)(i % opt.nuid);
	size_t credlen = 20 + 4 * opt.ngids;
	size_t fhpad = (fh->len + 3) & ~3u;
	/* call header 24, cred 8 + credlen, verifier 8, COMPOUND head 12,
	 * PUTFH 8 + fh, GETATTR 12 */
	size_t body = 72 + credlen + fhpad;
	uint8_t *p, *start;
	unsigned int g;

	out_reserve(c, body + 4);
	start = p = c->out + c->out_len;
	put32(&p, 0x80000000u | (uint32_t)body);
	put32(&p, (uint32_t)((i + 1) << 8 | (cl->attempt & 0xff)));	/* xid */
	put32(&p, 0);		/* CALL */
	put32(&p, 2);		/* RPC version */
	put32(&p, NFS_PROG);
	put32(&p, NFS_V4);
	put32(&p, PROC_COMPOUND);
	put32(&p, 1);		/* AUTH_SYS */
	put32(&p, (uint32_t)credlen);
	put32(&p, 0);		/* stamp */
	put32(&p, 0);		/* machine name: empty */
	put32(&p, uid);
	put32(&p, opt.gid);
	put32(&p, opt.ngids);
	for (g = 0; g < opt.ngids; g++)
		put32(&p, opt.gid + 1 + g);
	put32(&p, 0);		/* verifier: AUTH_NONE */
	put32(&p, 0);
	put32(&p, 0);		/* tag: empty */
	put32(&p, 0);		/* minorversion 0 */
	put32(&p, 2);		/* two operations */
	put32(&p, OP_PUTFH);
	put32(&p, fh->len);
	memcpy(p, fh->data, fh->len);
	memset(p + fh->len, 0, fhpad - fh->len);
	p += fhpad;
	put32(&p, OP_GETATTR);
	put32(&p, 1);		/* bitmap: one word */
	put32(&p, 1u << 1);	/* FATTR4_TYPE */
	if ((size_t)(p - start) != body + 4) {
		fprintf(stderr, "nfsload: internal error: record of %zu bytes, not %zu\n",
			(size_t)(p - start), body + 4);
		exit(2);
	}
	c->out_len += (size_t)(p - start);
	c->inflight++;
}

/* --- connections ------------------------------------------------------------------ */

static int epfd;

static void finish(unsigned int i, int result)
{
	struct call *cl = &calls[i];

	if (cl->done)
		return;
	cl->done = true;
	cl->result = result;
	cl->t_done = now_ns();
	stat_count[result]++;
	open_calls--;
}

static void conn_kill(unsigned int ci, const char *why)
{
	struct conn *c = &conns[ci];
	unsigned int i;
	int r = stat_index(why);

	if (c->dead)
		return;
	c->dead = true;
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	for (i = ci; i < opt.ncalls; i += opt.nconn)
		finish(i, r);
}

static void conn_flush(unsigned int ci)
{
	struct conn *c = &conns[ci];
	struct epoll_event ev = { .data.u32 = ci };
	ssize_t n;

	while (c->out_len) {
		n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			conn_kill(ci, "conn-lost");
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	ev.events = EPOLLIN | (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Send this connection's next calls while its window has room. */
static void conn_fill(unsigned int ci)
{
	struct conn *c = &conns[ci];
	long long t = now_ns();

	while (c->inflight < opt.window && c->next < opt.ncalls) {
		calls[c->next].t_first = t;
		queue_call(c->next);
		c->next += opt.nconn;
	}
	conn_flush(ci);
}

static void handle_reply(unsigned int ci, const uint8_t *r, size_t len)
{
	struct conn *c = &conns[ci];
	uint32_t xid, vlen, st;
	unsigned int i;
	size_t off;

	if (len < 12)
		return;
	xid = get32(r);
	i = (xid >> 8) - 1;
	if (i >= opt.ncalls || calls[i].conn != ci || calls[i].done ||
	    (xid & 0xff) != (calls[i].attempt & 0xff))
		return;		/* not ours, or a stale attempt */
	c->inflight--;
	if (get32(r + 4) != 1) {
		finish(i, stat_index("garbage"));
		return;
	}
	if (get32(r + 8) != 0) {
		finish(i, stat_index("rpc-denied"));
		return;
	}
	if (len < 20) {
		finish(i, stat_index("garbage"));
		return;
	}
	vlen = get32(r + 16);
	off = 20 + ((vlen + 3) & ~3u);
	if (len < off + 8) {
		finish(i, stat_index("garbage"));
		return;
	}
	st = get32(r + off);
	if (st != 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "rpc-accept-%u", st);
		finish(i, stat_index(buf));
		return;
	}
	st = get32(r + off + 4);
	if (st == NFS4ERR_DELAY && calls[i].attempt < opt.max_retries) {
		calls[i].attempt++;
		calls[i].t_retry = now_ns() + RETRY_NS;
		retries++;
		c->inflight++;	/* still this connection's; resent later */
		return;
	}
	finish(i, st ? nfs_stat_index(st) : 0);
}

static void conn_read(unsigned int ci)
{
	struct conn *c = &conns[ci];
	bool lost = false;
	ssize_t n;
	size_t off;

	for (;;) {
		if (c->in_cap - c->in_len < 65536) {
			c->in_cap = c->in_len + 65536;
			c->in = xrealloc(c->in, c->in_cap);
		}
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			lost = true;	/* after the replies already read */
			break;
		}
		c->in_len += (size_t)n;
	}
	off = 0;
	while (c->in_len - off >= 4) {
		uint32_t mark = get32(c->in + off);
		size_t flen = mark & 0x7fffffff;

		if (c->in_len - off - 4 < flen)
			break;
		if (c->rec_len + flen > c->rec_cap) {
			c->rec_cap = (c->rec_len + flen) * 2;
			c->rec = xrealloc(c->rec, c->rec_cap);
		}
		memcpy(c->rec + c->rec_len, c->in + off + 4, flen);
		c->rec_len += flen;
		off += 4 + flen;
		if (mark & 0x80000000u) {
			handle_reply(ci, c->rec, c->rec_len);
			c->rec_len = 0;
		}
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	if (lost)
		conn_kill(ci, "conn-lost");
	else if (!c->dead)
		conn_fill(ci);
}

static void conn_open(unsigned int ci)
{
	struct conn *c = &conns[ci];
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port) };
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = ci };
	int one = 1;

	c->next = ci;
	src.sin_addr.s_addr = htonl(ntohl(opt.src.s_addr) + ci % opt.nsrc);
	if (inet_pton(AF_INET, opt.server, &dst.sin_addr) != 1) {
		fprintf(stderr, "nfsload: bad server address %s\n", opt.server);
		exit(2);
	}
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* a privileged port: the exports need not say "insecure" */
	for (unsigned int port = 1023; port >= 512; port--) {
		src.sin_port = htons((uint16_t)port);
		if (!bind(c->fd, (struct sockaddr *)&src, sizeof(src)))
			break;
		if (errno != EADDRINUSE || port == 512) {
			src.sin_port = 0;
			if (bind(c->fd, (struct sockaddr *)&src, sizeof(src)))
				die("bind");
			break;
		}
	}
	if (connect(c->fd, (struct sockaddr *)&dst, sizeof(dst)) && errno != EINPROGRESS) {
		close(c->fd);
		c->dead = true;
		for (unsigned int i = ci; i < opt.ncalls; i += opt.nconn)
			finish(i, stat_index("connect-failed"));
		return;
	}
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev))
		die("epoll_ctl");
}

static void conn_event(unsigned int ci, uint32_t events)
{
	struct conn *c = &conns[ci];

	if (c->dead)
		return;
	if (!c->connected) {
		int err = 0;
		socklen_t l = sizeof(err);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			c->dead = true;
			epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			for (unsigned int i = ci; i < opt.ncalls; i += opt.nconn)
				finish(i, stat_index("connect-failed"));
			return;
		}
		c->connected = true;
		conn_fill(ci);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(ci);
	if (!c->dead && (events & EPOLLOUT))
		conn_flush(ci);
}

/* Resend the calls whose NFS4ERR_DELAY pause is over. */
static void do_retries(void)
{
	long long t = now_ns();
	unsigned int i;

	for (i = 0; i < opt.ncalls; i++) {
		struct call *cl = &calls[i];

		if (cl->t_retry && cl->t_retry <= t && !cl->done && !conns[cl->conn].dead) {
			cl->t_retry = 0;
			conns[cl->conn].inflight--;
			queue_call(i);
			conn_flush(cl->conn);
		}
	}
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nfsload [-f FHFILE | -P DOMAIN:PATHFILE] [-H OUTFILE [-x]] [-s FIRSTADDR] [-S NADDR]\n"
		"               [-c CONNS] [-w WINDOW] [-n CALLS] [-u UID] [-U NUIDS] [-g GID]\n"
		"               [-G NGIDS] [-t TIMEOUT] [-p PORT] [-R MAXRETRIES] SERVER\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *fhfile = NULL, *paths = NULL, *fhout = NULL;
	bool fh_only = false;
	struct epoll_event evs[256];
	long long t0, deadline, *lat;
	unsigned int i, nlat = 0, nok;
	struct rlimit rl;
	int o;

	inet_pton(AF_INET, "127.0.0.1", &opt.src);
	while ((o = getopt(argc, argv, "f:P:H:xs:S:c:w:n:u:U:g:G:t:p:R:")) != -1) {
		switch (o) {
		case 'f': fhfile = optarg; break;
		case 'P': paths = optarg; break;
		case 'H': fhout = optarg; break;
		case 'x': fh_only = true; break;
		case 's':
			if (inet_pton(AF_INET, optarg, &opt.src) != 1)
				usage();
			break;
		case 'S': opt.nsrc = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'c': opt.nconn = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'w': opt.window = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'n': opt.ncalls = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'u': opt.uid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'U': opt.nuid = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'g': opt.gid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'G': opt.ngids = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 't': opt.timeout = strtod(optarg, NULL); break;
		case 'p': opt.port = atoi(optarg); break;
		case 'R': opt.max_retries = (unsigned int)strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || (!fhfile && !paths) || !opt.nconn || !opt.window ||
	    !opt.nuid || opt.ngids > 16)
		usage();
	opt.server = argv[optind];
	if (!opt.ncalls)
		opt.ncalls = opt.nconn;
	if (!opt.nsrc || opt.nsrc > opt.nconn)
		opt.nsrc = opt.nconn;
	if (opt.ncalls >= (1u << 24)) {
		fprintf(stderr, "nfsload: at most %u calls\n", (1u << 24) - 1);
		return 2;
	}
	if (fhfile)
		load_fhs(fhfile);
	if (paths)
		paths_to_fhs(paths);
	if (!nfh) {
		fprintf(stderr, "nfsload: no filehandles\n");
		return 2;
	}
	if (fhout) {
		FILE *f = fopen(fhout, "w");

		if (!f)
			die(fhout);
		for (i = 0; i < nfh; i++) {
			for (unsigned int j = 0; j < fhs[i].len; j++)
				fprintf(f, "%02x", fhs[i].data[j]);
			fputc('\n', f);
		}
		fclose(f);
	}
	if (fh_only)
		return 0;
	rl.rlim_cur = rl.rlim_max = opt.nconn + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < opt.nconn + 64) {
		rl.rlim_cur = opt.nconn + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit");
	}
	snprintf(stat_names[0], sizeof(stat_names[0]), "ok");
	calls = calloc(opt.ncalls, sizeof(*calls));
	conns = calloc(opt.nconn, sizeof(*conns));
	if (!calls || !conns)
		die("calloc");
	for (i = 0; i < opt.ncalls; i++)
		calls[i].conn = i % opt.nconn;
	open_calls = opt.ncalls;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1");

	t0 = now_ns();
	deadline = t0 + (long long)(opt.timeout * 1e9);
	for (i = 0; i < opt.nconn; i++)
		conn_open(i);
	while (open_calls) {
		long long t = now_ns();
		int n, k, wait_ms = retries ? 5 : 200;

		if (t >= deadline)
			break;
		n = epoll_wait(epfd, evs, 256, wait_ms);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (k = 0; k < n; k++)
			conn_event(evs[k].data.u32, evs[k].events);
		if (retries)
			do_retries();
	}
	for (i = 0; i < opt.ncalls; i++)
		if (!calls[i].done)
			finish(i, stat_index("timeout"));

	lat = malloc(sizeof(*lat) * opt.ncalls);
	if (!lat)
		die("malloc");
	{
		long long tend = t0;

		for (i = 0; i < opt.ncalls; i++) {
			if (calls[i].t_done > tend)
				tend = calls[i].t_done;
			if (calls[i].t_first && calls[i].result == 0)
				lat[nlat++] = calls[i].t_done - calls[i].t_first;
		}
		qsort(lat, nlat, sizeof(*lat), cmp_ll);
		nok = (unsigned int)stat_count[0];
		printf("calls=%u ok=%u errors=%u retries=%lu wall=%.4f p50=%.4f p99=%.4f max=%.4f",
		       opt.ncalls, nok, opt.ncalls - nok, retries, (tend - t0) / 1e9,
		       nlat ? lat[nlat / 2] / 1e9 : 0.0,
		       nlat ? lat[(nlat * 99 + 99) / 100 - 1] / 1e9 : 0.0,
		       nlat ? lat[nlat - 1] / 1e9 : 0.0);
	}
	for (i = 1; i < nstat; i++)
		if (stat_count[i])
			printf(" %s=%lu", stat_names[i], stat_count[i]);
	putchar('\n');
	return nok == opt.ncalls ? 0 : 1;
}
