// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc-instant - the mechanism's floor for the benchmarks (make bench): a
 * daemon on the nfsd_nlcache family that answers every request from a
 * table made before it starts, with no lookup of any kind (no NSS, no DNS,
 * no stat, no exports matching). It registers, and on every notification
 * (or every second) dumps each served cache's pending requests and answers
 * all of them in SET_REQS batches.
 *
 * usage: nlc-instant [-g] [-v] RULES
 *   -g   also serve auth.unix.gid
 *   -v   log how many answers each round sent
 * RULES, one per line:
 *   ip DOMAIN                    every auth.unix.ip request maps to DOMAIN
 *   gids GID...                  every uid gets these groups
 *   export PATH FLAGS FSID [UUID]
 *                                nfsd.export for PATH (any client): these
 *                                flags and fsid (and uuid: 32 hex digits),
 *                                secinfo sys
 *   fh FSIDTYPE HEX PATH         nfsd.fh for that fsid (any client): PATH
 * A request the table does not cover is answered negatively. On SIGTERM or
 * SIGINT it prints "nlc-instant: N answers, E rejected" and exits 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/nfsd_nlcache.h>

#include "qword.h"
#include "nlc_hash.h"

#define BATCH		4000
#define MSG_SIZE	(2 << 20)
#define TTL		3600

struct entry {
	char *key;		/* path, or fsidtype:hex */
	size_t klen;
	char *path;		/* fh: the answer */
	uint32_t flags;
	int32_t fsid;
	bool has_uuid;
	uint8_t uuid[16];
};

struct table {
	struct entry *slots;
	size_t cap, n;
};

static struct table exports, fhs;
static char *domain;
static uint32_t gids[64];
static unsigned int ngids;
static volatile sig_atomic_t stop;
static bool verbose;
static bool woke_by_event;
static unsigned long answers, rejected;

static struct nl_sock *sk;
static int family;

static void die(const char *what, int err)
{
	fprintf(stderr, "nlc-instant: %s: %s\n", what, err ? nl_geterror(err) : strerror(errno));
	exit(1);
}

static uint64_t hash(const char *s, size_t n)
{
	return nlc_fnv64_bytes(NLC_FNV64_BASIS, s, n);
}

static struct entry *table_slot(struct table *t, const char *key, size_t klen)
{
	size_t i = hash(key, klen) & (t->cap - 1);

	while (t->slots[i].key &&
	       !(t->slots[i].klen == klen && !memcmp(t->slots[i].key, key, klen)))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

static void table_grow(struct table *t)
{
	struct table old = *t;
	size_t i;

	t->cap = old.cap ? old.cap * 2 : 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots)
		die("calloc", 0);
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*table_slot(t, old.slots[i].key, old.slots[i].klen) = old.slots[i];
	free(old.slots);
}

static struct entry *table_add(struct table *t, const char *key, size_t klen)
{
	struct entry *e;

	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	e = table_slot(t, key, klen);
	if (!e->key) {
		e->key = malloc(klen);
		if (!e->key)
			die("malloc", 0);
		memcpy(e->key, key, klen);
		e->klen = klen;
		t->n++;
	}
	return e;
}

static const struct entry *table_get(const struct table *t, const char *key, size_t klen)
{
	const struct entry *e;

	if (!t->cap)
		return NULL;
	e = table_slot((struct table *)t, key, klen);
	return e->key ? e : NULL;
}

/* The fh table's key: the fsid type byte, then the fsid's bytes. */
static size_t fh_key(char *buf, uint8_t type, const void *fsid, size_t len)
{
	buf[0] = (char)type;
	memcpy(buf + 1, fsid, len);
	return len + 1;
}

static void load_rules(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[8192], a[4096], b[4096], c[4096];
	unsigned long n1, n2;

	if (!f)
		die(file, 0);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ip %4095s", a) == 1) {
			domain = strdup(a);
		} else if (!strncmp(line, "gids", 4)) {
			char *p = line + 4, *end;

			for (ngids = 0; ngids < 64; ngids++) {
				n1 = strtoul(p, &end, 0);
				if (end == p)
					break;
				gids[ngids] = (uint32_t)n1;
				p = end;
			}
		} else if (sscanf(line, "export %4095s %li %li", a, (long *)&n1, (long *)&n2) == 3) {
			struct entry *e = table_add(&exports, a, strlen(a));
			size_t k;

			e->flags = (uint32_t)n1;
			e->fsid = (int32_t)n2;
			if (sscanf(line, "export %*s %*s %*s %4095s", b) == 1) {
				for (k = 0; k < 16; k++) {
					int hi = nlc_hexval(b[2 * k]), lo;

					lo = hi < 0 ? -1 : nlc_hexval(b[2 * k + 1]);
					if (lo < 0) {
						fprintf(stderr, "nlc-instant: %s: bad uuid: %s", file, line);
						exit(2);
					}
					e->uuid[k] = (uint8_t)(hi << 4 | lo);
				}
				e->has_uuid = true;
			}
		} else if (sscanf(line, "fh %lu %4095s %4095s", &n1, b, c) == 3) {
			uint8_t fsid[64];
			char key[80];
			size_t n = 0, k;
			const char *h = b;
			struct entry *e;

			if (h[0] == '\\' && h[1] == 'x')
				h += 2;
			while (n < sizeof(fsid) && nlc_hexval(h[0]) >= 0 && nlc_hexval(h[1]) >= 0) {
				fsid[n++] = (uint8_t)(nlc_hexval(h[0]) << 4 | nlc_hexval(h[1]));
				h += 2;
			}
			k = fh_key(key, (uint8_t)n1, fsid, n);
			e = table_add(&fhs, key, k);
			e->path = strdup(c);
		} else if (line[0] != '#' && line[0] != '\n') {
			fprintf(stderr, "nlc-instant: %s: bad line: %s", file, line);
			exit(2);
		}
	}
	fclose(f);
}

/* --- answering ---------------------------------------------------------------- */

struct batch {
	struct nl_msg *msgs[64];
	unsigned int nmsg, count;
	uint8_t cmd;
};

static struct nl_msg *new_msg(uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(MSG_SIZE);

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			       NLCACHE_FAMILY_VERSION))
		die("nlmsg_alloc", 0);
	return m;
}

static struct nl_msg *batch_msg(struct batch *b)
{
	if (!b->nmsg || b->count == BATCH) {
		if (b->nmsg == 64)
			return NULL;
		b->msgs[b->nmsg++] = new_msg(b->cmd, 0);
		b->count = 0;
	}
	b->count++;
	return b->msgs[b->nmsg - 1];
}

static uint64_t expiry;

static void answer(struct batch *b, uint32_t type, struct nlattr **tb)
{
	struct nl_msg *m = batch_msg(b);
	struct nlattr *nest;

	if (!m)
		return;		/* more than 64 batches pending: the next round */
	nest = nla_nest_start(m, 1);	/* *_REQS_REQUESTS is 1 in every set */
	switch (type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		nla_put_string(m, NLCACHE_A_IP_MAP_CLASS, nla_get_string(tb[NLCACHE_A_IP_MAP_CLASS]));
		nla_put_string(m, NLCACHE_A_IP_MAP_ADDR, nla_get_string(tb[NLCACHE_A_IP_MAP_ADDR]));
		nla_put_u64(m, NLCACHE_A_IP_MAP_EXPIRY, expiry);
		if (domain)
			nla_put_string(m, NLCACHE_A_IP_MAP_DOMAIN, domain);
		else
			nla_put_flag(m, NLCACHE_A_IP_MAP_NEGATIVE);
		break;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		nla_put_u32(m, NLCACHE_A_UNIX_GID_UID, nla_get_u32(tb[NLCACHE_A_UNIX_GID_UID]));
		nla_put_u64(m, NLCACHE_A_UNIX_GID_EXPIRY, expiry);
		if (ngids)
			nla_put(m, NLCACHE_A_UNIX_GID_GID_ARRAY, (int)(ngids * 4), gids);
		else
			nla_put_flag(m, NLCACHE_A_UNIX_GID_NEGATIVE);
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT: {
		const char *path = nla_get_string(tb[NLCACHE_A_SVC_EXPORT_PATH]);
		const struct entry *e = table_get(&exports, path, strlen(path));

		nla_put_string(m, NLCACHE_A_SVC_EXPORT_CLIENT,
			       nla_get_string(tb[NLCACHE_A_SVC_EXPORT_CLIENT]));
		nla_put_string(m, NLCACHE_A_SVC_EXPORT_PATH, path);
		nla_put_u64(m, NLCACHE_A_SVC_EXPORT_EXPIRY, expiry);
		if (e) {
			struct nlattr *sec;

			nla_put_u32(m, NLCACHE_A_SVC_EXPORT_FLAGS, e->flags);
			nla_put_u32(m, NLCACHE_A_SVC_EXPORT_ANON_UID, 65534);
			nla_put_u32(m, NLCACHE_A_SVC_EXPORT_ANON_GID, 65534);
			nla_put_s32(m, NLCACHE_A_SVC_EXPORT_FSID, e->fsid);
			if (e->has_uuid)
				nla_put(m, NLCACHE_A_SVC_EXPORT_UUID, 16, e->uuid);
			sec = nla_nest_start(m, NLCACHE_A_SVC_EXPORT_SECINFO);
			nla_put_u32(m, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, 1);
			nla_put_u32(m, NLCACHE_A_AUTH_FLAVOR_FLAGS, e->flags);
			nla_nest_end(m, sec);
		} else {
			nla_put_flag(m, NLCACHE_A_SVC_EXPORT_NEGATIVE);
		}
		break;
	}
	case NLCACHE_CACHE_TYPE_EXPKEY: {
		struct nlattr *fa = tb[NLCACHE_A_EXPKEY_FSID];
		uint8_t ft = nla_get_u8(tb[NLCACHE_A_EXPKEY_FSIDTYPE]);
		char key[80];
		const struct entry *e = NULL;

		if (nla_len(fa) < 64)
			e = table_get(&fhs, key, fh_key(key, ft, nla_data(fa), (size_t)nla_len(fa)));
		nla_put_string(m, NLCACHE_A_EXPKEY_CLIENT,
			       nla_get_string(tb[NLCACHE_A_EXPKEY_CLIENT]));
		nla_put_u8(m, NLCACHE_A_EXPKEY_FSIDTYPE, ft);
		nla_put(m, NLCACHE_A_EXPKEY_FSID, nla_len(fa), nla_data(fa));
		nla_put_u64(m, NLCACHE_A_EXPKEY_EXPIRY, expiry);
		if (e)
			nla_put_string(m, NLCACHE_A_EXPKEY_PATH, e->path);
		else
			nla_put_flag(m, NLCACHE_A_EXPKEY_NEGATIVE);
		break;
	}
	}
	nla_nest_end(m, nest);
}

struct dump_ctx {
	uint32_t type;
	struct batch *b;
	int err;
	unsigned int msgs, nests;	/* for -v */
	bool done;			/* this dump's NLMSG_DONE seen */
	uint64_t upto;			/* the largest seqno listed */
};

/*
 * Per cache, every request up to this seqno was answered: a notified
 * round dumps only what came after it (NLCACHE_A_*_REQS_AFTER, as nlcached
 * does), the once-a-second round everything.
 */
static uint64_t answered_upto[4];

static int on_dump_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct dump_ctx *)arg)->done = true;
	return NL_STOP;
}

static bool keys_present(uint32_t type, struct nlattr **tb)
{
	switch (type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		return tb[NLCACHE_A_IP_MAP_CLASS] && tb[NLCACHE_A_IP_MAP_ADDR];
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		return tb[NLCACHE_A_UNIX_GID_UID];
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		return tb[NLCACHE_A_SVC_EXPORT_CLIENT] && tb[NLCACHE_A_SVC_EXPORT_PATH];
	default:
		return tb[NLCACHE_A_EXPKEY_CLIENT] && tb[NLCACHE_A_EXPKEY_FSIDTYPE] &&
		       tb[NLCACHE_A_EXPKEY_FSID];
	}
}

static int on_dump(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *ctx = arg;
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *a, *tb[9];
	int rem;

	ctx->msgs++;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		if (nla_type(a) != 1)
			continue;
		ctx->nests++;
		if (nla_parse_nested(tb, 8, a, NULL) || !keys_present(ctx->type, tb))
			continue;
		/* *_SEQNO is 1 in every set */
		if (tb[1] && nla_get_u64(tb[1]) > ctx->upto)
			ctx->upto = nla_get_u64(tb[1]);
		answer(ctx->b, ctx->type, tb);
	}
	return NL_OK;
}

static int on_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	*(int *)arg = e->error ? e->error : -EIO;
	return NL_STOP;
}

struct set_ctx {
	bool ack, reply;
	int err;
};

static int on_set_reply(struct nl_msg *msg, void *arg)
{
	struct set_ctx *ctx = arg;
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		struct nlattr *tb[NLCACHE_A_SET_ERROR_MAX + 1];

		if (nla_type(a) != 3)	/* *_REQS_ERRORS in every set */
			continue;
		/* the first few reasons, for whoever reads the log */
		if (rejected++ < 10 &&
		    !nla_parse_nested(tb, NLCACHE_A_SET_ERROR_MAX, a, NULL))
			fprintf(stderr, "nlc-instant: answer %u rejected: %s (errno %u)\n",
				tb[NLCACHE_A_SET_ERROR_INDEX] ?
					nla_get_u32(tb[NLCACHE_A_SET_ERROR_INDEX]) : 0,
				tb[NLCACHE_A_SET_ERROR_MESSAGE] ?
					nla_get_string(tb[NLCACHE_A_SET_ERROR_MESSAGE]) : "?",
				tb[NLCACHE_A_SET_ERROR_ERRNO] ?
					nla_get_u32(tb[NLCACHE_A_SET_ERROR_ERRNO]) : 0);
	}
	ctx->reply = true;
	return ctx->ack ? NL_STOP : NL_OK;
}

static int on_set_ack(struct nl_msg *msg, void *arg)
{
	struct set_ctx *ctx = arg;

	(void)msg;
	ctx->ack = true;
	return ctx->reply ? NL_STOP : NL_OK;
}

static int on_set_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct set_ctx *ctx = arg;

	(void)nla;
	ctx->err = e->error ? e->error : -EIO;
	return NL_STOP;
}

/*
 * The module sends a SET_REQS reply after its ACK; libnl's own sequence
 * check would call that reply a mismatch. Take the messages of the request
 * just sent and skip anything else.
 */
static int seq_check(struct nl_msg *msg, void *arg)
{
	return nlmsg_hdr(msg)->nlmsg_seq == *(uint32_t *)arg ? NL_OK : NL_SKIP;
}

static const uint8_t get_cmd[] = {
	[0] = NLCACHE_CMD_IP_MAP_GET_REQS, [1] = NLCACHE_CMD_UNIX_GID_GET_REQS,
	[2] = NLCACHE_CMD_SVC_EXPORT_GET_REQS, [3] = NLCACHE_CMD_EXPKEY_GET_REQS,
};

static const uint8_t set_cmd[] = {
	[0] = NLCACHE_CMD_IP_MAP_SET_REQS, [1] = NLCACHE_CMD_UNIX_GID_SET_REQS,
	[2] = NLCACHE_CMD_SVC_EXPORT_SET_REQS, [3] = NLCACHE_CMD_EXPKEY_SET_REQS,
};

/* Answer everything pending in cache bit i; the number answered. */
static unsigned int serve(unsigned int i)
{
	struct batch b = { .cmd = set_cmd[i] };
	struct dump_ctx d = { .type = 1u << i, .b = &b };
	struct nl_msg *m = new_msg(get_cmd[i], NLM_F_DUMP);
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	unsigned int k, n = 0, failed = 0;
	int err, derr;

	uint32_t seq;

	if (woke_by_event && answered_upto[i] &&
	    nla_put_u64(m, NLCACHE_A_IP_MAP_REQS_AFTER, answered_upto[i]))
		die("dump message", 0);

	expiry = (uint64_t)time(NULL) + TTL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_dump, &d);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_dump_done, &d);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_check, &seq);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, &d.err);
	err = nl_send_auto(sk, m);
	seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (err < 0)
		die("send dump", err);
	/*
	 * nl_recvmsgs returns after one datagram that is not part of a
	 * dump: a late message of an earlier request (skipped by seq_check)
	 * ended the wait before this dump's messages came, and they were
	 * then skipped as stale by the next round, every round (seen in the
	 * VM: notified dumps of 0 messages). Read until this dump's DONE.
	 */
	do
		err = nl_recvmsgs(sk, cb);
	while (err >= 0 && !d.done && !d.err);
	derr = err;
	nl_cb_put(cb);
	if (err < 0 || d.err)
		fprintf(stderr, "nlc-instant: dump of cache %u failed: %d %d\n", 1u << i, err, d.err);
	for (k = 0; k < b.nmsg; k++) {
		struct set_ctx s = { 0 };
		unsigned int cnt = k + 1 == b.nmsg ? b.count : BATCH;

		cb = nl_cb_alloc(NL_CB_DEFAULT);
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_set_reply, &s);
		nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_set_ack, &s);
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_check, &seq);
		nl_cb_err(cb, NL_CB_CUSTOM, on_set_err, &s);
		nlmsg_hdr(b.msgs[k])->nlmsg_flags |= NLM_F_ACK;
		err = nl_send_auto(sk, b.msgs[k]);
		seq = nlmsg_hdr(b.msgs[k])->nlmsg_seq;
		if (err < 0)
			die("send answers", err);
		while (!s.err && !(s.ack && s.reply)) {
			err = nl_recvmsgs(sk, cb);
			if (err < 0 && !s.err)
				s.err = err;
		}
		nl_cb_put(cb);
		nlmsg_free(b.msgs[k]);
		if (s.err) {
			fprintf(stderr, "nlc-instant: answers to cache %u failed: %d\n", 1u << i, s.err);
			failed++;
		} else {
			answers += cnt;
		}
		n += cnt;
	}
	/* all listed were answered: the next notified round starts there */
	if (!derr && !d.err && !failed && d.upto > answered_upto[i])
		answered_upto[i] = d.upto;
	if (verbose && woke_by_event && !n)
		fprintf(stderr, "nlc-instant: cache 0x%x notified: dump of %u messages, %u requests, nothing answered (recv %d, err %d)\n",
			1u << i, d.msgs, d.nests, derr, d.err);
	if (verbose && n) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "nlc-instant: %ld.%03ld cache 0x%x: %u answers (%s)\n",
			(long)ts.tv_sec, ts.tv_nsec / 1000000, 1u << i, n,
			woke_by_event ? "notified" : "timer");
	}
	return n;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Multicast notifications carry no sequence number to check. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_notify(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NLCACHE_A_CACHE_NOTIFY_MAX + 1];
	uint32_t *mask = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NLCACHE_A_CACHE_NOTIFY_MAX, NULL) ||
	    !tb[NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE])
		*mask |= NLCACHE_CACHE_TYPE_ALL;
	else
		*mask |= nla_get_u32(tb[NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE]);
	return NL_OK;
}

int main(int argc, char **argv)
{
	uint32_t want = NLCACHE_CACHE_TYPE_IP_MAP | NLCACHE_CACHE_TYPE_SVC_EXPORT |
			NLCACHE_CACHE_TYPE_EXPKEY;
	struct nl_sock *ev;
	struct nl_msg *m;
	struct nl_cb *ncb;
	uint32_t pending;
	int o, err, grp;

	while ((o = getopt(argc, argv, "gv")) != -1) {
		if (o == 'g')
			want |= NLCACHE_CACHE_TYPE_UNIX_GID;
		else if (o == 'v')
			verbose = true;
		else
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: nlc-instant [-g] [-v] RULES\n");
		return 2;
	}
	load_rules(argv[optind]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	sk = nl_socket_alloc();
	ev = nl_socket_alloc();
	if (!sk || !ev)
		die("nl_socket_alloc", 0);
	err = genl_connect(sk);
	if (err < 0 || (err = genl_connect(ev)) < 0)
		die("genl_connect", err);
	nl_socket_set_buffer_size(sk, 8 << 20, 8 << 20);
	{
		/* never block for good on a reply that does not come */
		struct timeval tv = { .tv_sec = 2 };

		setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	nl_socket_set_buffer_size(ev, 1 << 20, 0);
	family = genl_ctrl_resolve(sk, NLCACHE_FAMILY_NAME);
	if (family < 0)
		die("genl_ctrl_resolve", family);
	grp = genl_ctrl_resolve_grp(ev, NLCACHE_FAMILY_NAME, NLCACHE_MCGRP_EXPORTD);
	if (grp < 0)
		die("genl_ctrl_resolve_grp", grp);
	nl_socket_disable_seq_check(ev);
	err = nl_socket_add_membership(ev, grp);
	if (err < 0)
		die("add_membership", err);
	nl_socket_set_nonblocking(ev);
	ncb = nl_cb_alloc(NL_CB_DEFAULT);
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_notify, &pending);
	/*
	 * nl_socket_disable_seq_check() changed the socket's own callbacks,
	 * not this set: without this, libnl's strict check refused every
	 * notification (sequence 0) after reading it, so nothing was served
	 * until a second passed without any notification.
	 */
	nl_cb_set(ncb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);

	m = new_msg(NLCACHE_CMD_REGISTER, 0);
	nla_put_u32(m, NLCACHE_A_REGISTER_CACHES, want);
	err = nl_send_sync(sk, m);
	if (err < 0)
		die("register", err);
	fprintf(stderr, "nlc-instant: registered (caches 0x%x)\n", want);

	pending = NLCACHE_CACHE_TYPE_ALL;
	while (!stop) {
		struct pollfd p = { .fd = nl_socket_get_fd(ev), .events = POLLIN };
		unsigned int i;

		pending &= want;
		for (i = 0; i < 4; i++)
			if (pending & (1u << i))
				serve(i);
		pending = 0;
		woke_by_event = poll(&p, 1, 1000) > 0;
		if (!woke_by_event)
			pending = NLCACHE_CACHE_TYPE_ALL;
		/* drain the notifications (bounded: a broken socket must not
		 * spin here); ENOBUFS (lost events) or any other error: all */
		for (i = 0; i < 10000; i++) {
			err = nl_recvmsgs(ev, ncb);
			if (err == -NLE_AGAIN)
				break;
			if (err < 0)
				pending = NLCACHE_CACHE_TYPE_ALL;
		}
	}
	fprintf(stderr, "nlc-instant: %lu answers, %lu rejected\n", answers, rejected);
	nl_socket_free(ev);
	nl_socket_free(sk);
	return 0;
}
