// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc-fuzz - a seeded, structure-aware fuzzer for the nfsd_nlcache generic
 * netlink family, run from several processes at once while NFS clients make
 * upcalls (the guest test nlc-fuzz.sh provides those).
 *
 * Roles, each a process:
 *  - a "daemon" that registers, dumps the four caches, answers every
 *    pending request correctly and, after a while, dies (UNREGISTER, close,
 *    _exit or SIGKILL from its parent) and registers again; its own
 *    commands must always work while it is registered;
 *  - N fuzz workers that dump requests (*_GET_REQS), build SET batches from
 *    the keys just dumped and mutate them (attribute lengths, nest flags,
 *    duplicates, missing and extra attributes, conflicting attributes,
 *    values, the batch's own layout), and also send REGISTER, UNREGISTER,
 *    CACHE_FLUSH, STATUS_GET, random commands, random nlmsg flags, family
 *    versions and reserved bytes; they close their sockets and exit now and
 *    then (the main process starts a new generation).
 *
 * Every message must be answered within --timeout with an errno or a
 * reply. What the fuzzer knows about a message is checked: a batch whose
 * layout it broke fails as a whole with EINVAL/ERANGE and an extack
 * message; a batch with an intact layout succeeds, its errors nests name
 * only real indices with an errno and a message, applied + errors equals
 * the entries sent, an untouched entry is applied and an entry with one
 * known-bad mutation is rejected; dumps list requests in seqno order with
 * their keys; two sockets are never registered at once; UNREGISTER
 * succeeds exactly for the registered socket. No errno outside the
 * user-space range (ENOTSUPP, ERESTARTSYS ...) may leak.
 *
 * At the end the daemon registers once more and answers until nothing is
 * pending (STATUS_GET: every cache's oldest request younger than 3 s),
 * unregisters, and the family must report no daemon and no attached cache.
 *
 * Reproducing: every process draws from its own generator seeded from
 * --seed (or NLC_FUZZ_SEED), its role and its generation, so the same seed
 * makes the same decisions; the keys come from the dumps, so what the
 * kernel had pending shapes the batches. --trace prints every message in
 * hex; --replay HEX sends one such message again from a fresh socket and
 * prints the answer.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/nfsd_nlcache.h>

#include "nlc-nltest.h"
#include "nlc_proto.h"

#define NCACHES		4
#define NERR		135	/* errno buckets: 0..133, 134 = other */
#define NCMDB		16	/* command buckets: 0..13, 14 = other, 15 = header-mangled */
#define MAXMSG		(2 << 20)
#define MAXENTS		2048
#define POOL		64	/* keys kept per cache per worker */
#define DAEMON_CHUNK	200	/* entries per daemon batch */

static const char *prog = "nlc-fuzz";

/* ---- options ---------------------------------------------------------------- */

static uint64_t opt_seed;
static uint64_t opt_messages = 3000;
static unsigned int opt_workers = 3;
static unsigned int opt_timeout = 20;
static unsigned int opt_time;		/* 0: no wall-clock cap */
static unsigned int opt_drain = 60;
static unsigned int opt_pace;		/* ms each worker sleeps between messages */
static bool opt_daemon = true, opt_trace;
static const char *opt_export = "/export";

static int g_family;

enum { CI_IPMAP, CI_UNIXGID, CI_SVCEXP, CI_EXPKEY };

/* ---- shared counters -------------------------------------------------------- */

enum ev {
	EV_REG_OK, EV_REG_BUSY, EV_REG_OTHER, EV_UNREG_OK, EV_UNREG_ENOENT,
	EV_DEATH_CLOSE, EV_DEATH_EXIT, EV_DEATH_UNREG, EV_DEATH_KILL, EV_RESPAWN,
	EV_DUMP_REQS, EV_SET_BATCH, EV_SET_ENTRIES, EV_SET_APPLIED, EV_SET_FATAL,
	EV_ENT_OK, EV_ENT_BAD, EV_ENT_MAYBE,
	EV_D_INCARN, EV_D_BATCHES, EV_D_ENTRIES, EV_D_APPLIED, EV_D_MSGS,
	EV_FLUSH, EV_HDR, EV_RANDCMD, EV_TIMEOUT_LOCAL,
	EV_D_SEEN,	/* + cache */
	NEV = EV_D_SEEN + NCACHES
};

static const char *const ev_names[NEV] = {
	[EV_REG_OK] = "register ok", [EV_REG_BUSY] = "register EBUSY",
	[EV_REG_OTHER] = "register other errno",
	[EV_UNREG_OK] = "unregister ok", [EV_UNREG_ENOENT] = "unregister ENOENT",
	[EV_DEATH_CLOSE] = "deaths by close", [EV_DEATH_EXIT] = "deaths by _exit",
	[EV_DEATH_UNREG] = "deaths by unregister+close", [EV_DEATH_KILL] = "deaths by SIGKILL",
	[EV_RESPAWN] = "worker generations started",
	[EV_DUMP_REQS] = "requests seen in fuzz dumps",
	[EV_SET_BATCH] = "fuzz SET batches", [EV_SET_ENTRIES] = "fuzz SET entries",
	[EV_SET_APPLIED] = "fuzz SET entries applied",
	[EV_SET_FATAL] = "fuzz SET batches broken on purpose",
	[EV_ENT_OK] = "entries sent untouched", [EV_ENT_BAD] = "entries with a known-bad mutation",
	[EV_ENT_MAYBE] = "entries with other mutations",
	[EV_D_INCARN] = "daemon incarnations", [EV_D_BATCHES] = "daemon batches",
	[EV_D_ENTRIES] = "daemon entries answered", [EV_D_APPLIED] = "daemon entries applied",
	[EV_D_MSGS] = "daemon messages",
	[EV_FLUSH] = "cache flushes", [EV_HDR] = "header-mangled messages",
	[EV_RANDCMD] = "random commands",
	[EV_TIMEOUT_LOCAL] = "local receive errors",
	[EV_D_SEEN + CI_IPMAP] = "daemon saw auth.unix.ip requests",
	[EV_D_SEEN + CI_UNIXGID] = "daemon saw auth.unix.gid requests",
	[EV_D_SEEN + CI_SVCEXP] = "daemon saw nfsd.export requests",
	[EV_D_SEEN + CI_EXPKEY] = "daemon saw nfsd.fh requests",
};

struct shared {
	atomic_uint_fast64_t claimed;	/* fuzz messages handed out */
	atomic_uint_fast64_t sent;	/* all messages sent */
	atomic_int stop;
	atomic_uint holder;		/* portid that registered, per our books */
	atomic_uint closing;		/* the holder's socket is being closed */
	atomic_uint d_portid;		/* the daemon incarnation's portid */
	atomic_int d_killed;		/* ... and SIGKILL is on its way to it */
	atomic_uint w_portid[64];	/* a worker that exits registered */
	atomic_uint failures;
	atomic_uint_fast64_t cmd[NCMDB][NERR];
	atomic_uint_fast64_t ent[NCACHES][NERR];
	atomic_uint_fast64_t ev[NEV];
	atomic_uint_fast64_t drain_ms;
	atomic_uint_fast64_t deadline_ms;
	atomic_uint_fast64_t lo_addrs[4];	/* 127.0.0.x seen in ip-map requests */
};

static struct shared *sh;

static void ev_add(enum ev e, uint64_t n)
{
	atomic_fetch_add(&sh->ev[e], n);
}

static int errb(int e)
{
	return e >= 0 && e < NERR - 1 ? e : NERR - 1;
}

/* ---- output ----------------------------------------------------------------- */

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	char b[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(b) - 2)
		n = (int)sizeof(b) - 2;
	b[n++] = '\n';
	if (write(STDOUT_FILENO, b, (size_t)n) < 0)
		return;
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char b[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, b);
	exit(2);
}

static const char *const cmdnames[NCMDB] = {
	"cmd 0 (unspec)", "cache-notify", "register", "unregister",
	"ip-map-get-reqs", "ip-map-set-reqs", "unix-gid-get-reqs", "unix-gid-set-reqs",
	"svc-export-get-reqs", "svc-export-set-reqs", "expkey-get-reqs", "expkey-set-reqs",
	"cache-flush", "status-get", "cmd >= 14", "mangled header",
};

/* ---- random numbers: splitmix64 ---------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return rn(r, 100) < pct;
}

static struct rng rng_for(unsigned int role, unsigned int gen)
{
	struct rng r = { opt_seed ^ (0x100000001b3ULL * (role + 1)) ^ ((uint64_t)gen << 40) };

	rnd(&r);
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the caches --------------------------------------------------------------- */

enum akind { A_NONE, A_U8, A_U32, A_S32, A_U64, A_STR, A_FLAG, A_BIN, A_NEST };

struct ameta {
	uint8_t kind;
	uint16_t max;		/* string: longest without NUL; binary: max len */
	bool multi;		/* may repeat */
	bool required;		/* its loss alone makes the entry bad */
};

static const struct ameta ipmap_meta[] = {
	[NLCACHE_A_IP_MAP_SEQNO] = { A_U64, 0, false, false },
	[NLCACHE_A_IP_MAP_CLASS] = { A_STR, NLCACHE_CLASS_MAX - 1, false, true },
	[NLCACHE_A_IP_MAP_ADDR] = { A_STR, 63, false, true },
	[NLCACHE_A_IP_MAP_DOMAIN] = { A_STR, NLCACHE_PATH_MAX - 1, false, true },
	[NLCACHE_A_IP_MAP_NEGATIVE] = { A_FLAG, 0, false, true },
	[NLCACHE_A_IP_MAP_EXPIRY] = { A_U64, 0, false, true },
};

static const struct ameta unixgid_meta[] = {
	[NLCACHE_A_UNIX_GID_SEQNO] = { A_U64, 0, false, false },
	[NLCACHE_A_UNIX_GID_UID] = { A_U32, 0, false, true },
	[NLCACHE_A_UNIX_GID_GIDS] = { A_U32, 0, true, false },
	[NLCACHE_A_UNIX_GID_NEGATIVE] = { A_FLAG, 0, false, false },
	[NLCACHE_A_UNIX_GID_EXPIRY] = { A_U64, 0, false, true },
	[NLCACHE_A_UNIX_GID_GID_ARRAY] = { A_BIN, 0, false, false },
};

static const struct ameta svcexp_meta[] = {
	[NLCACHE_A_SVC_EXPORT_SEQNO] = { A_U64, 0, false, false },
	[NLCACHE_A_SVC_EXPORT_CLIENT] = { A_STR, NLCACHE_PATH_MAX - 1, false, true },
	[NLCACHE_A_SVC_EXPORT_PATH] = { A_STR, NLCACHE_PATH_MAX - 1, false, true },
	[NLCACHE_A_SVC_EXPORT_NEGATIVE] = { A_FLAG, 0, false, true },
	[NLCACHE_A_SVC_EXPORT_EXPIRY] = { A_U64, 0, false, true },
	[NLCACHE_A_SVC_EXPORT_ANON_UID] = { A_U32, 0, false, false },
	[NLCACHE_A_SVC_EXPORT_ANON_GID] = { A_U32, 0, false, false },
	[NLCACHE_A_SVC_EXPORT_FSLOCATIONS] = { A_NEST, 0, false, false },
	[NLCACHE_A_SVC_EXPORT_UUID] = { A_BIN, NLCACHE_UUID_LEN, false, false },
	[NLCACHE_A_SVC_EXPORT_SECINFO] = { A_NEST, 0, true, false },
	[NLCACHE_A_SVC_EXPORT_XPRTSEC] = { A_U32, 0, true, false },
	[NLCACHE_A_SVC_EXPORT_FLAGS] = { A_U32, 0, false, true },
	[NLCACHE_A_SVC_EXPORT_FSID] = { A_S32, 0, false, false },
};

static const struct ameta expkey_meta[] = {
	[NLCACHE_A_EXPKEY_SEQNO] = { A_U64, 0, false, false },
	[NLCACHE_A_EXPKEY_CLIENT] = { A_STR, NLCACHE_PATH_MAX - 1, false, true },
	[NLCACHE_A_EXPKEY_FSIDTYPE] = { A_U8, 0, false, true },
	[NLCACHE_A_EXPKEY_FSID] = { A_BIN, 24, false, true },
	[NLCACHE_A_EXPKEY_NEGATIVE] = { A_FLAG, 0, false, true },
	[NLCACHE_A_EXPKEY_EXPIRY] = { A_U64, 0, false, true },
	[NLCACHE_A_EXPKEY_PATH] = { A_STR, NLCACHE_PATH_MAX - 1, false, true },
};

static const struct cacheinfo {
	const char *name;
	uint8_t get_cmd, set_cmd, expiry_attr;
	uint16_t maxattr;
	const struct ameta *meta;
} caches[NCACHES] = {
	[CI_IPMAP] = { "auth.unix.ip", NLCACHE_CMD_IP_MAP_GET_REQS, NLCACHE_CMD_IP_MAP_SET_REQS,
		NLCACHE_A_IP_MAP_EXPIRY, NLCACHE_A_IP_MAP_MAX, ipmap_meta },
	[CI_UNIXGID] = { "auth.unix.gid", NLCACHE_CMD_UNIX_GID_GET_REQS,
		NLCACHE_CMD_UNIX_GID_SET_REQS, NLCACHE_A_UNIX_GID_EXPIRY,
		NLCACHE_A_UNIX_GID_MAX, unixgid_meta },
	[CI_SVCEXP] = { "nfsd.export", NLCACHE_CMD_SVC_EXPORT_GET_REQS,
		NLCACHE_CMD_SVC_EXPORT_SET_REQS, NLCACHE_A_SVC_EXPORT_EXPIRY,
		NLCACHE_A_SVC_EXPORT_MAX, svcexp_meta },
	[CI_EXPKEY] = { "nfsd.fh", NLCACHE_CMD_EXPKEY_GET_REQS, NLCACHE_CMD_EXPKEY_SET_REQS,
		NLCACHE_A_EXPKEY_EXPIRY, NLCACHE_A_EXPKEY_MAX, expkey_meta },
};

_Static_assert(ARRAY_SIZE(ipmap_meta) == NLCACHE_A_IP_MAP_MAX + 1, "ip-map meta");
_Static_assert(ARRAY_SIZE(unixgid_meta) == NLCACHE_A_UNIX_GID_MAX + 1, "unix-gid meta");
_Static_assert(ARRAY_SIZE(svcexp_meta) == NLCACHE_A_SVC_EXPORT_MAX + 1, "svc-export meta");
_Static_assert(ARRAY_SIZE(expkey_meta) == NLCACHE_A_EXPKEY_MAX + 1, "expkey meta");

static int cache_of_cmd(uint8_t cmd, bool *set)
{
	int c;

	for (c = 0; c < NCACHES; c++) {
		if (caches[c].set_cmd == cmd) {
			*set = true;
			return c;
		}
		if (caches[c].get_cmd == cmd) {
			*set = false;
			return c;
		}
	}
	return -1;
}

/* ---- keys (what a dump listed) ------------------------------------------------- */

struct key {
	bool odd;		/* invented and possibly refused by the parser */
	uint64_t seqno;
	char a[128];		/* class / client */
	char b[1024];		/* addr / path */
	uint32_t uid;
	uint8_t fsidtype, fsidlen;
	uint8_t fsid[24];
};

struct pool {
	struct key *k;
	unsigned int n, cap;
	bool keep_all;		/* the daemon: every key, up to cap */
};

/* ---- an attribute tree, serialised on send ----------------------------------- */

struct node {
	uint16_t type;		/* with NLA_F_* */
	int32_t lenfix;		/* >= 0: write this nla_len instead */
	bool nest;
	uint32_t len;		/* payload of a leaf */
	uint8_t *data;
	struct node *kid, *next, *last;
	uint32_t trail;		/* stray bytes after the kids */
};

/* A per-message arena: nodes and payloads. */
static uint8_t arena[8 << 20];
static size_t arena_used;

static void *aalloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (arena_used + n > sizeof(arena))
		die("arena exhausted");
	p = arena + arena_used;
	arena_used += n;
	memset(p, 0, n);
	return p;
}

static struct node *node_new(uint16_t type, const void *data, uint32_t len)
{
	struct node *n = aalloc(sizeof(*n));

	n->type = type;
	n->lenfix = -1;
	n->len = len;
	n->data = aalloc(len ? len : 1);
	if (data && len)
		memcpy(n->data, data, len);
	return n;
}

static struct node *nest_new(uint16_t type)
{
	struct node *n = node_new(type | NLA_F_NESTED, NULL, 0);

	n->nest = true;
	return n;
}

static void add_kid(struct node *p, struct node *k)
{
	k->next = NULL;
	if (p->last)
		p->last->next = k;
	else
		p->kid = k;
	p->last = k;
}

static struct node *kid_u8(struct node *p, uint16_t t, uint8_t v)
{
	struct node *k = node_new(t, &v, 1);

	add_kid(p, k);
	return k;
}

static struct node *kid_u32(struct node *p, uint16_t t, uint32_t v)
{
	struct node *k = node_new(t, &v, 4);

	add_kid(p, k);
	return k;
}

static struct node *kid_u64(struct node *p, uint16_t t, uint64_t v)
{
	struct node *k = node_new(t, &v, 8);

	add_kid(p, k);
	return k;
}

static struct node *kid_str(struct node *p, uint16_t t, const char *s)
{
	struct node *k = node_new(t, s, (uint32_t)strlen(s) + 1);

	add_kid(p, k);
	return k;
}

static struct node *kid_bin(struct node *p, uint16_t t, const void *d, uint32_t len)
{
	struct node *k = node_new(t, d, len);

	add_kid(p, k);
	return k;
}

static unsigned int nkids(const struct node *p)
{
	unsigned int n = 0;
	const struct node *k;

	for (k = p->kid; k; k = k->next)
		n++;
	return n;
}

static struct node *kid_at(struct node *p, unsigned int i)
{
	struct node *k = p->kid;

	while (k && i--)
		k = k->next;
	return k;
}

static void kid_remove(struct node *p, struct node *victim)
{
	struct node **pp, *prev = NULL;

	for (pp = &p->kid; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != victim)
			continue;
		*pp = victim->next;
		if (p->last == victim)
			p->last = prev;
		return;
	}
}

static struct node *kid_find(struct node *p, uint16_t type)
{
	struct node *k;

	for (k = p->kid; k; k = k->next)
		if ((k->type & NLA_TYPE_MASK) == type)
			return k;
	return NULL;
}

/* The message being built. */
struct buf {
	uint8_t *p;
	size_t len;
};

static void bput(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > MAXMSG)
		die("message too large");
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static void bpad(struct buf *b)
{
	static const uint8_t z[4];

	bput(b, z, NLA_ALIGN(b->len) - b->len);
}

static bool g_wrapped;	/* an attribute longer than nla_len can say */

static void emit(struct buf *b, const struct node *n)
{
	size_t off = b->len;
	struct nlattr a = { 0, n->type };
	const struct node *k;
	uint32_t i;

	bput(b, &a, sizeof(a));
	if (n->nest) {
		for (k = n->kid; k; k = k->next)
			emit(b, k);
		for (i = 0; i < n->trail; i++)
			bput(b, "\xee", 1);
	} else {
		bput(b, n->data, n->len);
	}
	if (b->len - off > 0xffff)
		g_wrapped = true;
	((struct nlattr *)(b->p + off))->nla_len =
		(uint16_t)(n->lenfix >= 0 ? n->lenfix : (int32_t)(b->len - off));
	bpad(b);
}

/* ---- messages ------------------------------------------------------------------ */

enum fate { FT_OK, FT_BAD, FT_MAYBE };
enum top { T_CLEAN, T_FATAL, T_SANITY };

struct msg {
	uint8_t cmd, version, reserved;
	uint16_t flags;
	int32_t cut;			/* >= 0: nlmsg_len and bytes sent */
	enum top top;
	bool dump, is_set, hdr_mangled;
	int cache;
	unsigned int nents;
	uint8_t fate[MAXENTS];
	bool enoent_ok[MAXENTS];	/* a missing client domain or path is fine */
	struct node *root;		/* top-level attributes as kids */
	char what[160];
};

static void msg_init(struct msg *m, uint8_t cmd)
{
	arena_used = 0;
	memset(m, 0, offsetof(struct msg, fate));
	m->cmd = cmd;
	m->version = NLCACHE_FAMILY_VERSION;
	m->flags = NLM_F_REQUEST | NLM_F_ACK;
	m->cut = -1;
	m->cache = -1;
	m->top = T_CLEAN;
	m->root = nest_new(0);
}

/* Serialise into @b; returns the length to send. */
static size_t msg_build(struct msg *m, struct buf *b, uint32_t seq)
{
	struct nlmsghdr nlh = { 0 };
	struct genlmsghdr g = { 0 };
	const struct node *k;
	size_t len;

	b->len = 0;
	g_wrapped = false;
	bput(b, &nlh, sizeof(nlh));
	g.cmd = m->cmd;
	g.version = m->version;
	g.reserved = m->reserved;
	bput(b, &g, sizeof(g));
	for (k = m->root->kid; k; k = k->next)
		emit(b, k);
	for (len = 0; len < m->root->trail; len++)
		bput(b, "\xee", 1);
	len = b->len;
	if (m->cut >= 0 && (size_t)m->cut < len)
		len = (size_t)m->cut;
	nlh.nlmsg_len = (uint32_t)len;
	nlh.nlmsg_type = (uint16_t)g_family;
	nlh.nlmsg_flags = m->flags;
	nlh.nlmsg_seq = seq;
	memcpy(b->p, &nlh, sizeof(nlh));
	return len;
}

/* ---- receiving and judging ----------------------------------------------------- */

struct eerr {
	uint32_t idx, err;
	bool has_idx, has_err, has_msg;
	char msg[160];
};

struct outcome {
	bool answered, done;
	int err;			/* positive */
	bool has_msg, has_miss;
	char msg[256];
	char local[200];		/* our own trouble */
	unsigned int replies;
	bool has_applied;
	uint32_t applied;
	unsigned int nerrs;
	char bad[300];			/* malformed reply */
	/* dumps */
	unsigned int nreqs;
	uint64_t last_seqno;
	/* status */
	bool has_status, has_version;
	uint32_t portid;
	bool attached[NCACHES];
	uint32_t pending[NCACHES];
	uint64_t oldest[NCACHES], upcalls[NCACHES], fallbacks[NCACHES], handed_back[NCACHES];
	/* register */
	bool has_reg;
	uint32_t served, missing;
	struct eerr errs[MAXENTS];	/* last: not cleared per message */
};

/* What an NLMSG_ERROR or NLMSG_DONE said, into @o. */
static void take_ext(struct outcome *o, const struct nlt_ext *x)
{
	size_t len = strnlen(x->msg, sizeof(o->msg) - 1);

	o->has_msg = x->has_msg && x->msg[0];
	memcpy(o->msg, x->msg, len);
	o->msg[len] = '\0';
	o->has_miss = x->has_miss;
}

static bool str_ok(const struct nlattr *a)
{
	return nla_len(a) > 1 && memchr(nla_data(a), '\0', (size_t)nla_len(a)) ==
	       (const char *)nla_data(a) + nla_len(a) - 1;
}

/* One requests nest of a dump: check it and keep its key. */
static void parse_dumped(struct outcome *o, int cache, struct nlattr *nest, struct pool *pool,
			 struct rng *r)
{
	struct nlattr *tb[NLCACHE_A_SVC_EXPORT_MAX + 1] = { 0 };
	struct key k = { 0 };
	bool ok = true;

	if (nla_parse_nested(tb, caches[cache].maxattr, nest, NULL) < 0 ||
	    !tb[1] || nla_len(tb[1]) != 8) {
		snprintf(o->bad, sizeof(o->bad), "a dumped request without a u64 seqno");
		return;
	}
	k.seqno = nla_get_u64(tb[1]);
	if (o->nreqs && k.seqno <= o->last_seqno)
		snprintf(o->bad, sizeof(o->bad), "dump not in seqno order: %" PRIu64 " after %" PRIu64,
			 k.seqno, o->last_seqno);
	o->last_seqno = k.seqno;
	o->nreqs++;
	switch (cache) {
	case CI_IPMAP:
		ok = tb[NLCACHE_A_IP_MAP_CLASS] && str_ok(tb[NLCACHE_A_IP_MAP_CLASS]) &&
		     tb[NLCACHE_A_IP_MAP_ADDR] && str_ok(tb[NLCACHE_A_IP_MAP_ADDR]);
		if (ok) {
			nlt_copy_str(k.a, sizeof(k.a), tb[NLCACHE_A_IP_MAP_CLASS]);
			nlt_copy_str(k.b, sizeof(k.b), tb[NLCACHE_A_IP_MAP_ADDR]);
		}
		break;
	case CI_UNIXGID:
		ok = tb[NLCACHE_A_UNIX_GID_UID] && nla_len(tb[NLCACHE_A_UNIX_GID_UID]) == 4;
		if (ok)
			k.uid = nla_get_u32(tb[NLCACHE_A_UNIX_GID_UID]);
		break;
	case CI_SVCEXP:
		ok = tb[NLCACHE_A_SVC_EXPORT_CLIENT] && str_ok(tb[NLCACHE_A_SVC_EXPORT_CLIENT]) &&
		     tb[NLCACHE_A_SVC_EXPORT_PATH] && str_ok(tb[NLCACHE_A_SVC_EXPORT_PATH]);
		if (ok) {
			nlt_copy_str(k.a, sizeof(k.a), tb[NLCACHE_A_SVC_EXPORT_CLIENT]);
			nlt_copy_str(k.b, sizeof(k.b), tb[NLCACHE_A_SVC_EXPORT_PATH]);
		}
		break;
	case CI_EXPKEY:
		ok = tb[NLCACHE_A_EXPKEY_CLIENT] && str_ok(tb[NLCACHE_A_EXPKEY_CLIENT]) &&
		     tb[NLCACHE_A_EXPKEY_FSIDTYPE] && nla_len(tb[NLCACHE_A_EXPKEY_FSIDTYPE]) == 1 &&
		     tb[NLCACHE_A_EXPKEY_FSID];
		if (ok) {
			k.fsidtype = nla_get_u8(tb[NLCACHE_A_EXPKEY_FSIDTYPE]);
			ok = k.fsidtype < 8 &&
			     nla_len(tb[NLCACHE_A_EXPKEY_FSID]) == nlc_fsid_len(k.fsidtype);
		}
		if (ok) {
			nlt_copy_str(k.a, sizeof(k.a), tb[NLCACHE_A_EXPKEY_CLIENT]);
			k.fsidlen = (uint8_t)nlc_fsid_len(k.fsidtype);
			memcpy(k.fsid, nla_data(tb[NLCACHE_A_EXPKEY_FSID]), k.fsidlen);
		}
		break;
	}
	if (!ok) {
		snprintf(o->bad, sizeof(o->bad), "dumped %s request %" PRIu64 " lacks its key",
			 caches[cache].name, k.seqno);
		return;
	}
	if (!pool)
		return;
	if (pool->n < pool->cap)
		pool->k[pool->n++] = k;
	else if (!pool->keep_all)
		pool->k[rn(r, pool->cap)] = k;	/* keep a mix */
}

static void parse_eerr(struct outcome *o, struct nlattr *nest)
{
	struct eerr *x;
	struct nlattr *a;
	int rem;

	if (o->nerrs >= MAXENTS) {
		snprintf(o->bad, sizeof(o->bad), "more errors nests than entries could exist");
		return;
	}
	x = &o->errs[o->nerrs++];
	memset(x, 0, sizeof(*x));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NLCACHE_A_SET_ERROR_INDEX:
			if (nla_len(a) == 4) {
				x->idx = nla_get_u32(a);
				x->has_idx = true;
			}
			break;
		case NLCACHE_A_SET_ERROR_ERRNO:
			if (nla_len(a) == 4) {
				x->err = nla_get_u32(a);
				x->has_err = true;
			}
			break;
		case NLCACHE_A_SET_ERROR_MESSAGE:
			if (str_ok(a)) {
				nlt_copy_str(x->msg, sizeof(x->msg), a);
				x->has_msg = true;
			}
			break;
		}
	}
}

static void parse_status_cache(struct outcome *o, struct nlattr *nest)
{
	struct nlattr *tb[NLCACHE_A_CACHE_STATUS_MAX + 1];
	int c;
	uint32_t type;

	if (nla_parse_nested(tb, NLCACHE_A_CACHE_STATUS_MAX, nest, NULL) < 0 ||
	    !tb[NLCACHE_A_CACHE_STATUS_TYPE] || !tb[NLCACHE_A_CACHE_STATUS_PENDING]) {
		snprintf(o->bad, sizeof(o->bad), "a status cache nest without type or pending");
		return;
	}
	type = nla_get_u32(tb[NLCACHE_A_CACHE_STATUS_TYPE]);
	for (c = 0; c < NCACHES; c++)
		if (type == (1u << c))
			break;
	if (c == NCACHES) {
		snprintf(o->bad, sizeof(o->bad), "status names cache type %u", type);
		return;
	}
	o->attached[c] = tb[NLCACHE_A_CACHE_STATUS_ATTACHED] != NULL;
	o->pending[c] = nla_get_u32(tb[NLCACHE_A_CACHE_STATUS_PENDING]);
	if (tb[NLCACHE_A_CACHE_STATUS_OLDEST_MS])
		o->oldest[c] = nla_get_u64(tb[NLCACHE_A_CACHE_STATUS_OLDEST_MS]);
	if (tb[NLCACHE_A_CACHE_STATUS_UPCALLS])
		o->upcalls[c] = nla_get_u64(tb[NLCACHE_A_CACHE_STATUS_UPCALLS]);
	if (tb[NLCACHE_A_CACHE_STATUS_FALLBACKS])
		o->fallbacks[c] = nla_get_u64(tb[NLCACHE_A_CACHE_STATUS_FALLBACKS]);
	if (tb[NLCACHE_A_CACHE_STATUS_HANDED_BACK])
		o->handed_back[c] = nla_get_u64(tb[NLCACHE_A_CACHE_STATUS_HANDED_BACK]);
}

static void parse_reply(const struct msg *m, struct outcome *o, struct nlmsghdr *nlh,
			struct pool *pools, struct rng *r)
{
	struct nlattr *a, *head;
	bool set = false;
	int cache = cache_of_cmd(m->cmd, &set), rem, len;

	o->replies++;
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		snprintf(o->bad, sizeof(o->bad), "a reply of %u bytes", nlh->nlmsg_len);
		return;
	}
	head = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	nla_for_each_attr(a, head, len, rem) {
		int t = nla_type(a);

		if (cache >= 0 && !set && t == NLCACHE_A_IP_MAP_REQS_REQUESTS) {
			parse_dumped(o, cache, a, pools ? &pools[cache] : NULL, r);
		} else if (cache >= 0 && set && t == NLCACHE_A_IP_MAP_REQS_APPLIED &&
			   nla_len(a) == 4) {
			o->applied += nla_get_u32(a);
			o->has_applied = true;
		} else if (cache >= 0 && set && t == NLCACHE_A_IP_MAP_REQS_ERRORS) {
			parse_eerr(o, a);
		} else if (m->cmd == NLCACHE_CMD_STATUS_GET) {
			o->has_status = true;
			if (t == NLCACHE_A_STATUS_VERSION && str_ok(a))
				o->has_version = true;
			else if (t == NLCACHE_A_STATUS_DAEMON_PORTID && nla_len(a) == 4)
				o->portid = nla_get_u32(a);
			else if (t == NLCACHE_A_STATUS_CACHE)
				parse_status_cache(o, a);
		} else if (m->cmd == NLCACHE_CMD_REGISTER) {
			o->has_reg = true;
			if (t == NLCACHE_A_REGISTER_CACHES && nla_len(a) == 4)
				o->served = nla_get_u32(a);
			else if (t == NLCACHE_A_REGISTER_MISSING && nla_len(a) == 4)
				o->missing = nla_get_u32(a);
		}
	}
}

static uint8_t rxbuf[1 << 20];

static int open_sock(void)
{
	return nlt_open_sock(opt_timeout, 4 << 20);
}

static void hexdump(char *dst, size_t n, const uint8_t *p, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 3 < n; i++)
		o += (size_t)snprintf(dst + o, n - o, "%02x", p[i]);
	dst[o] = '\0';
}

/* Who is talking, for failure lines and traces. */
static char g_who[32];
static uint64_t g_msgno;
static uint8_t txbuf[MAXMSG];
static size_t g_lastlen;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	static char hex[2 * 1024 + 1];
	char b[1024];
	va_list ap;
	unsigned int n = atomic_fetch_add(&sh->failures, 1);

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n >= 30)
		return;
	hexdump(hex, sizeof(hex), txbuf, g_lastlen < 1024 ? g_lastlen : 1024);
	out("FAIL %s msg %" PRIu64 " (seed %" PRIu64 "): %s", g_who, g_msgno, opt_seed, b);
	out("FAIL   message (%zu bytes%s): %s", g_lastlen, g_lastlen > 1024 ? ", first 1024" : "",
	    hex);
}

/*
 * The mark (sh->holder) names the registered socket from its REGISTER
 * until its release: an UNREGISTER drops it first (it may take effect
 * before its answer is read), a socket closed while registered keeps it
 * until close() returns, or until the parent has reaped the process that
 * exited or was killed with it open.
 *
 * The module's rule for such a socket (nlc_register()): once it is
 * SOCK_DEAD, which close() or the exit sets before the NETLINK_URELEASE
 * notification detaches it, a REGISTER of another socket takes the
 * registration over instead of failing with EBUSY; after the notification
 * there is nothing left to take over. Either way another socket may
 * register only once the holder has begun to close: the holder says so in
 * sh->closing just before close() or _exit(), and the daemon's parent sets
 * sh->d_killed before SIGKILL (the incarnation may not have published its
 * portid yet). A REGISTER that succeeds while the holder is not closing
 * is two registrations at once.
 */
static bool holder_closing(unsigned int h)
{
	if (!h)
		return false;
	if (atomic_load(&sh->closing) == h)
		return true;
	return h == atomic_load(&sh->d_portid) && atomic_load(&sh->d_killed);
}

/*
 * Mark @me registered after a successful REGISTER: false, with the holder
 * in @other, if another socket holds the mark and is not closing.
 */
static bool mark_registered(unsigned int me, unsigned int *other)
{
	unsigned int h = 0;

	for (;;) {
		if (atomic_compare_exchange_strong(&sh->holder, &h, me) || h == me)
			return true;
		if (!holder_closing(h)) {
			*other = h;
			return false;
		}
		/* taken over: h's socket is closing (SOCK_DEAD) or released */
		if (atomic_compare_exchange_strong(&sh->holder, &h, me))
			return true;
	}
}

/* The registered socket @me is about to be closed, by close() or exit. */
static void mark_closing(unsigned int me)
{
	atomic_store(&sh->closing, me);
}

/* @me's socket is released: drop its mark unless it was taken over. */
static void mark_released(unsigned int me)
{
	unsigned int x = me;

	atomic_compare_exchange_strong(&sh->holder, &x, 0);
	x = me;
	atomic_compare_exchange_strong(&sh->closing, &x, 0);
}

/* Registration transitions, for explaining a conflict ("R" lines). */
static void rlog(const char *what, unsigned int portid)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	out("R %ld.%03ld %s: %s portid %u (holder now %u)", (long)ts.tv_sec,
	    ts.tv_nsec / 1000000, g_who, what, portid, atomic_load(&sh->holder));
}

static uint32_t kernel_portid(void);

/* Send @m on @fd and collect the answer; false on local trouble. */
static bool transact(int fd, struct msg *m, struct outcome *o, uint32_t *seq,
		     struct pool *pools, struct rng *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct buf b = { txbuf, 0 };
	size_t len;

	memset(o, 0, offsetof(struct outcome, errs));
	++*seq;
	len = msg_build(m, &b, *seq);
	if (g_wrapped && m->top == T_CLEAN)
		m->top = T_SANITY;	/* the layout is not what we meant */
	g_lastlen = len;
	g_msgno++;
	atomic_fetch_add(&sh->sent, 1);
	if (opt_trace) {
		static char hex[2 * MAXMSG + 1];

		hexdump(hex, sizeof(hex), txbuf, len);
		out("TRACE %s msg %" PRIu64 " %s: %s", g_who, g_msgno, m->what, hex);
	}
	if (sendto(fd, txbuf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		snprintf(o->local, sizeof(o->local), "send of %zu bytes: %s", len, strerror(errno));
		return false;
	}
	/*
	 * nfsd_nlcache applies an accepted SET when the sending syscall
	 * returns: its reply (applied, errors) follows the ACK.
	 */
	const struct nlmsghdr *txh = (const struct nlmsghdr *)txbuf;
	const struct genlmsghdr *txg = NLMSG_DATA(txh);
	bool set_cmd = txh->nlmsg_type == g_family && len >= NLMSG_HDRLEN + GENL_HDRLEN &&
		       (txg->cmd == NLCACHE_CMD_IP_MAP_SET_REQS ||
			txg->cmd == NLCACHE_CMD_UNIX_GID_SET_REQS ||
			txg->cmd == NLCACHE_CMD_SVC_EXPORT_SET_REQS ||
			txg->cmd == NLCACHE_CMD_EXPKEY_SET_REQS);
	bool acked = false;

	for (;;) {
		struct iovec iov = { rxbuf, sizeof(rxbuf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		struct nlmsghdr *nlh;
		ssize_t n = recvmsg(fd, &mh, 0);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(o->local, sizeof(o->local), "%s after %u replies",
				 errno == EAGAIN ? "no answer within the timeout" : strerror(errno),
				 o->replies);
			return false;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			snprintf(o->local, sizeof(o->local), "an answer larger than 1 MiB");
			return false;
		}
		left = (int)n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != *seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlt_ext x;

				o->answered = true;
				if (!nlt_parse_error(nlh, &o->err, &x)) {
					snprintf(o->bad, sizeof(o->bad), "NLMSG_ERROR of %d bytes",
						 (int)nlh->nlmsg_len - NLMSG_HDRLEN);
					return true;
				}
				take_ext(o, &x);
				if (!o->err && set_cmd && !o->has_applied) {
					acked = true;	/* the reply comes next */
					continue;
				}
				return true;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				struct nlt_ext x;

				o->answered = o->done = true;
				nlt_parse_done(nlh, &o->err, &x);
				take_ext(o, &x);
				return true;
			}
			if (nlh->nlmsg_type == g_family) {
				parse_reply(m, o, nlh, pools, r);
				/* A do without NLM_F_ACK ends with its reply, and
				 * so does a SET whose ACK came first.
				 */
				if (acked || (!(m->flags & NLM_F_ACK) &&
					      !(nlh->nlmsg_flags & NLM_F_MULTI))) {
					o->answered = true;
					return true;
				}
			}
		}
	}
}

static void count_cmd(const struct msg *m, const struct outcome *o)
{
	int b = m->hdr_mangled ? 15 : m->cmd < 14 ? m->cmd : 14;

	atomic_fetch_add(&sh->cmd[b][errb(o->err)], 1);
}

/* Checks every answer gets, whatever the message. */
static bool judge_sanity(const struct msg *m, const struct outcome *o)
{
	if (o->local[0]) {
		fail("%s: %s", m->what, o->local);
		return false;
	}
	if (o->bad[0]) {
		fail("%s: malformed answer: %s", m->what, o->bad);
		return false;
	}
	if (o->err < 0 || o->err >= 512) {
		fail("%s: kernel-internal errno %d leaked (%s \"%s\")", m->what, o->err,
		     nlt_errname(o->err), o->msg);
		return false;
	}
	return true;
}

static bool is_policy_errno(int e)
{
	return e == EINVAL || e == ERANGE;
}

/* A SET whose layout we know: per-entry results. */
static void judge_set(struct msg *m, const struct outcome *o)
{
	static uint8_t seen[MAXENTS];
	unsigned int i;

	if (m->top == T_FATAL) {
		ev_add(EV_SET_FATAL, 1);
		if (!o->err)
			fail("%s: a broken batch layout was accepted (applied %u)", m->what,
			     o->applied);
		else if (!is_policy_errno(o->err) && o->err != E2BIG)
			fail("%s: a broken batch layout gave %s \"%s\", expected EINVAL/ERANGE",
			     m->what, nlt_errname(o->err), o->msg);
		else if (!o->has_msg && !o->has_miss)
			fail("%s: %s without an extack message", m->what, nlt_errname(o->err));
		return;
	}
	if (o->err) {
		if (m->top == T_CLEAN)
			fail("%s: a well-formed batch of %u entries failed as a whole: %s \"%s\"",
			     m->what, m->nents, nlt_errname(o->err), o->msg);
		else if ((is_policy_errno(o->err) || o->err == E2BIG) && !o->has_msg && !o->has_miss)
			fail("%s: %s without an extack message", m->what, nlt_errname(o->err));
		return;
	}
	if (m->top != T_CLEAN)
		return;
	if (!o->has_applied) {
		fail("%s: the SET reply has no applied count", m->what);
		return;
	}
	if (o->applied + o->nerrs != m->nents) {
		fail("%s: applied %u + rejected %u != %u entries sent", m->what, o->applied,
		     o->nerrs, m->nents);
		return;
	}
	memset(seen, 0, m->nents);
	for (i = 0; i < o->nerrs; i++) {
		const struct eerr *e = &o->errs[i];

		if (!e->has_idx || e->idx >= m->nents) {
			fail("%s: an errors nest without a valid index (%u of %u)", m->what,
			     e->idx, m->nents);
			return;
		}
		if (seen[e->idx]++) {
			fail("%s: entry %u reported twice", m->what, e->idx);
			return;
		}
		if (!e->has_err || !e->err || e->err >= 512) {
			fail("%s: entry %u rejected with errno %u", m->what, e->idx, e->err);
			return;
		}
		if (!e->has_msg) {
			fail("%s: entry %u rejected (%s) without a message", m->what, e->idx,
			     nlt_errname((int)e->err));
			return;
		}
		atomic_fetch_add(&sh->ent[m->cache][errb((int)e->err)], 1);
		if (m->fate[e->idx] == FT_OK && !(e->err == ENOENT && m->enoent_ok[e->idx])) {
			fail("%s: untouched entry %u was rejected: %s \"%s\"", m->what, e->idx,
			     nlt_errname((int)e->err), e->msg);
			return;
		}
	}
	atomic_fetch_add(&sh->ent[m->cache][0], o->applied);
	ev_add(EV_SET_APPLIED, o->applied);
	for (i = 0; i < m->nents; i++)
		if (m->fate[i] == FT_BAD && !seen[i]) {
			fail("%s: entry %u carries a known-bad mutation and was applied", m->what, i);
			return;
		}
}

/* ---- building entries ------------------------------------------------------------ */

static uint64_t expiry_in(struct rng *r, unsigned int lo, unsigned int hi)
{
	return (uint64_t)time(NULL) + lo + rn(r, hi - lo + 1);
}

static void put_fsid_num(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* FSID_NUM: the u32 in host order */
}

/* What the well-behaved daemon answers for @k (positive where it knows). */
static struct node *answer_entry(int cache, const struct key *k, struct rng *r, bool *enoent_ok)
{
	struct node *e = nest_new(NLCACHE_A_IP_MAP_REQS_REQUESTS);
	uint64_t exp = expiry_in(r, 30, 90);
	uint8_t fs[4];

	*enoent_ok = false;
	kid_u64(e, 1, k->seqno);
	switch (cache) {
	case CI_IPMAP:
		kid_str(e, NLCACHE_A_IP_MAP_CLASS, k->a);
		kid_str(e, NLCACHE_A_IP_MAP_ADDR, k->b);
		kid_u64(e, NLCACHE_A_IP_MAP_EXPIRY, exp);
		kid_str(e, NLCACHE_A_IP_MAP_DOMAIN, k->b);
		break;
	case CI_UNIXGID:
		kid_u32(e, NLCACHE_A_UNIX_GID_UID, k->uid);
		kid_u64(e, NLCACHE_A_UNIX_GID_EXPIRY, exp);
		if (k->uid == 0)
			kid_u32(e, NLCACHE_A_UNIX_GID_GIDS, 0);
		else
			kid_bin(e, NLCACHE_A_UNIX_GID_NEGATIVE, NULL, 0);
		break;
	case CI_SVCEXP:
		/* The client's domain or the path may be gone by now. */
		*enoent_ok = true;
		kid_str(e, NLCACHE_A_SVC_EXPORT_CLIENT, k->a);
		kid_str(e, NLCACHE_A_SVC_EXPORT_PATH, k->b);
		kid_u64(e, NLCACHE_A_SVC_EXPORT_EXPIRY, exp);
		if (!strcmp(k->b, "/")) {
			kid_u32(e, NLCACHE_A_SVC_EXPORT_FLAGS, 0x12403);
			kid_u32(e, NLCACHE_A_SVC_EXPORT_FSID, 0);
		} else if (!strcmp(k->b, opt_export)) {
			struct node *s;

			kid_u32(e, NLCACHE_A_SVC_EXPORT_FLAGS, 0x2420);
			kid_u32(e, NLCACHE_A_SVC_EXPORT_FSID, 1);
			s = nest_new(NLCACHE_A_SVC_EXPORT_SECINFO);
			kid_u32(s, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, 1);
			kid_u32(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, 0x2420);
			add_kid(e, s);
		} else {
			kid_bin(e, NLCACHE_A_SVC_EXPORT_NEGATIVE, NULL, 0);
		}
		break;
	case CI_EXPKEY:
		*enoent_ok = true;
		kid_str(e, NLCACHE_A_EXPKEY_CLIENT, k->a);
		kid_u8(e, NLCACHE_A_EXPKEY_FSIDTYPE, k->fsidtype);
		kid_bin(e, NLCACHE_A_EXPKEY_FSID, k->fsid, k->fsidlen);
		kid_u64(e, NLCACHE_A_EXPKEY_EXPIRY, exp);
		put_fsid_num(fs, 0);
		if (k->fsidtype == 1 && !memcmp(k->fsid, fs, 4)) {
			kid_str(e, NLCACHE_A_EXPKEY_PATH, "/");
		} else {
			put_fsid_num(fs, 1);
			if (k->fsidtype == 1 && !memcmp(k->fsid, fs, 4))
				kid_str(e, NLCACHE_A_EXPKEY_PATH, opt_export);
			else
				kid_bin(e, NLCACHE_A_EXPKEY_NEGATIVE, NULL, 0);
		}
		break;
	}
	return e;
}

/* A key nobody asked for (the fuzzer's own). */
static void invent_key(int cache, struct key *k, struct rng *r)
{
	static const char *const classes[] = { "nfsd", "nfsd", "nfsd", "x", "NFSD", "nfsd4" };
	static const char *const clients[] = {
		"127.0.0.1", "127.0.0.2", "127.0.0.3", "nlc-fuzz-domain", "*", "no-such-client",
	};
	const char *paths[] = { "/", opt_export, "/srv", "/tmp", "/nonexistent/dir", "/export/.." };

	memset(k, 0, sizeof(*k));
	k->seqno = rnd(r);
	switch (cache) {
	case CI_IPMAP:
		snprintf(k->a, sizeof(k->a), "%s", classes[rn(r, ARRAY_SIZE(classes))]);
		switch (rn(r, 5)) {
		case 0:
			snprintf(k->b, sizeof(k->b), "192.0.2.%u", rn(r, 256));
			break;
		case 1:
			snprintf(k->b, sizeof(k->b), "::1");
			break;
		case 2:
			snprintf(k->b, sizeof(k->b), "not-an-address");
			k->odd = true;
			break;
		default:
			snprintf(k->b, sizeof(k->b), "127.0.%u.%u", rn(r, 4), 1 + rn(r, 20));
		}
		break;
	case CI_UNIXGID:
		/* uid 4294967295 too: the channel takes it (as -1), so must we */
		k->uid = chance(r, 50) ? rn(r, 2000) : chance(r, 5) ? UINT32_MAX : (uint32_t)rnd(r);
		break;
	case CI_SVCEXP:
		snprintf(k->a, sizeof(k->a), "%s", clients[rn(r, ARRAY_SIZE(clients))]);
		snprintf(k->b, sizeof(k->b), "%s", paths[rn(r, ARRAY_SIZE(paths))]);
		break;
	case CI_EXPKEY:
		snprintf(k->a, sizeof(k->a), "%s", clients[rn(r, ARRAY_SIZE(clients))]);
		k->fsidtype = (uint8_t)rn(r, 8);
		k->fsidlen = (uint8_t)nlc_fsid_len(k->fsidtype);
		if (k->fsidtype == 1)
			put_fsid_num(k->fsid, rn(r, 3));
		else
			for (unsigned int i = 0; i < k->fsidlen; i++)
				k->fsid[i] = (uint8_t)rnd(r);
		break;
	}
}

/* ---- mutations --------------------------------------------------------------------- */

static void rand_str(struct rng *r, char *s, size_t len)
{
	static const char cs[] = "abcXYZ019/._- \t\n\\$*";
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = cs[rn(r, sizeof(cs) - 1)];
	s[len] = '\0';
}

static uint32_t fixed_len(uint8_t kind)
{
	switch (kind) {
	case A_U8: return 1;
	case A_U32: case A_S32: return 4;
	case A_U64: return 8;
	default: return 0;
	}
}

/* Mutate one entry once; returns the fate this single mutation implies. */
static enum fate mutate_entry(int cache, struct node *e, struct rng *r)
{
	const struct cacheinfo *ci = &caches[cache];
	unsigned int n = nkids(e);
	struct node *k = n ? kid_at(e, rn(r, n)) : NULL;
	const struct ameta *am = NULL;
	uint16_t t = 0;
	char *s;

	if (k) {
		t = k->type & NLA_TYPE_MASK;
		am = t <= ci->maxattr ? &ci->meta[t] : NULL;
	}
	switch (rn(r, 16)) {
	case 0:	/* drop an attribute */
		if (!k)
			return FT_BAD;
		kid_remove(e, k);
		if (am && am->required && !am->multi)
			return FT_BAD;
		return cache == CI_IPMAP || cache == CI_UNIXGID ? FT_OK : FT_MAYBE;
	case 1: { /* duplicate one */
		struct node *d;

		if (!k || k->nest)
			return FT_MAYBE;
		d = node_new(k->type, k->data, k->len);
		add_kid(e, d);
		if (am && !am->multi)
			return FT_BAD;
		return cache == CI_UNIXGID ? FT_OK : FT_MAYBE;
	}
	case 2:	/* an unknown attribute */
		kid_u32(e, (uint16_t)(ci->maxattr + 1 + rn(r, 20)), (uint32_t)rnd(r));
		return FT_BAD;
	case 3:	/* a fixed-size payload too short */
		if (!am || !fixed_len(am->kind))
			return FT_MAYBE;
		k->len = rn(r, fixed_len(am->kind));
		return FT_BAD;
	case 4:	/* ... or too long */
		if (!am || !fixed_len(am->kind))
			return FT_MAYBE;
		k->len = fixed_len(am->kind) + 1 + rn(r, 8);
		k->data = aalloc(k->len);
		return FT_BAD;
	case 5:	/* a string without its NUL, or empty */
		if (!am || am->kind != A_STR)
			return FT_MAYBE;
		if (chance(r, 50))
			k->len = k->len > 1 ? k->len - 1 : 0;
		else
			k->data[0] = '\0', k->len = chance(r, 50) ? 1 : 0;
		return FT_BAD;
	case 6:	/* a string over the policy's length */
		if (!am || am->kind != A_STR)
			return FT_MAYBE;
		k->len = am->max + 2 + rn(r, 100);
		s = aalloc(k->len);
		memset(s, 'x', k->len - 1);
		s[0] = '/';
		k->data = (uint8_t *)s;
		return FT_BAD;
	case 7:	/* random string contents */
		if (!am || am->kind != A_STR)
			return FT_MAYBE;
		k->len = 1 + rn(r, am->max < 300 ? am->max : 300);
		s = aalloc(k->len);
		rand_str(r, s, k->len - 1);
		k->data = (uint8_t *)s;
		return FT_MAYBE;
	case 8:	/* NLA_F_NESTED where it is not expected, or missing */
		if (!k)
			return FT_MAYBE;
		k->type ^= NLA_F_NESTED;
		return am ? FT_BAD : FT_MAYBE;
	case 9:	/* a broken nla_len */
		if (!k)
			return FT_MAYBE;
		if (chance(r, 50)) {
			k->lenfix = (int32_t)rn(r, NLA_HDRLEN);
			return FT_BAD;
		}
		k->lenfix = (int32_t)(NLA_HDRLEN + rn(r, 2 * (k->len + NLA_HDRLEN)));
		return FT_MAYBE;
	case 10: /* expiry in the past */
		k = kid_find(e, ci->expiry_attr);
		if (!k || k->len != 8)
			return FT_MAYBE;
		{
			uint64_t v = chance(r, 30) ? 0 : (uint64_t)time(NULL) - rn(r, 100000);

			memcpy(k->data, &v, 8);
		}
		return FT_BAD;
	case 11: /* a value out of range */
		switch (cache) {
		case CI_EXPKEY:
			k = kid_find(e, NLCACHE_A_EXPKEY_FSIDTYPE);
			if (!k || k->len != 1)
				return FT_MAYBE;
			k->data[0] = (uint8_t)(8 + rn(r, 248));
			return FT_BAD;
		case CI_SVCEXP:
			k = kid_find(e, NLCACHE_A_SVC_EXPORT_FLAGS);
			if (!k || k->len != 4)
				return FT_MAYBE;
			{
				uint32_t v = NLCACHE_EXPORT_FLAGS_ALL + 1 + rn(r, 1000000);

				memcpy(k->data, &v, 4);
			}
			return FT_BAD;
		case CI_UNIXGID:
			/*
			 * A gid that maps nowhere is refused, by the channel
			 * too. The uid is not checked: uid 4294967295 (-1 to
			 * the channel's parser) is applied.
			 */
			if (chance(r, 50)) {
				k = kid_find(e, NLCACHE_A_UNIX_GID_UID);
				if (!k || k->len != 4)
					return FT_MAYBE;
				memset(k->data, 0xff, 4);
				return FT_OK;
			}
			kid_u32(e, NLCACHE_A_UNIX_GID_GIDS, UINT32_MAX);
			return FT_BAD;
		default:
			k = kid_find(e, NLCACHE_A_IP_MAP_ADDR);
			if (!k)
				return FT_MAYBE;
			kid_remove(e, k);
			kid_str(e, NLCACHE_A_IP_MAP_ADDR, chance(r, 50) ? "300.1.2.3" : "1.2.3.4.5");
			return FT_MAYBE;
		}
	case 12: /* a conflicting attribute */
		switch (cache) {
		case CI_IPMAP:
			if (kid_find(e, NLCACHE_A_IP_MAP_DOMAIN) && !kid_find(e, NLCACHE_A_IP_MAP_NEGATIVE))
				kid_bin(e, NLCACHE_A_IP_MAP_NEGATIVE, NULL, 0);
			else
				kid_str(e, NLCACHE_A_IP_MAP_DOMAIN, "nlc-fuzz-domain");
			return FT_BAD;
		case CI_EXPKEY:
			if (kid_find(e, NLCACHE_A_EXPKEY_PATH) && !kid_find(e, NLCACHE_A_EXPKEY_NEGATIVE))
				kid_bin(e, NLCACHE_A_EXPKEY_NEGATIVE, NULL, 0);
			else
				kid_str(e, NLCACHE_A_EXPKEY_PATH, "/");
			return FT_BAD;
		case CI_UNIXGID:
			if (!kid_find(e, NLCACHE_A_UNIX_GID_NEGATIVE))
				kid_bin(e, NLCACHE_A_UNIX_GID_NEGATIVE, NULL, 0);
			kid_u32(e, NLCACHE_A_UNIX_GID_GIDS, rn(r, 1000));
			return FT_BAD;
		default:
			if (kid_find(e, NLCACHE_A_SVC_EXPORT_NEGATIVE)) {
				kid_u32(e, NLCACHE_A_SVC_EXPORT_ANON_UID, 1000);
				return FT_BAD;
			}
			kid_bin(e, NLCACHE_A_SVC_EXPORT_NEGATIVE, NULL, 0);
			return FT_BAD;
		}
	case 13: /* many gids, or a ragged gid-array; export: extra nests */
		if (cache == CI_UNIXGID) {
			uint32_t cnt = chance(r, 50) ? 8193 + rn(r, 100) : 1 + rn(r, 2000);
			uint32_t *g = aalloc(cnt * 4), i;

			for (i = 0; i < cnt; i++)
				g[i] = i;
			if (!chance(r, 30)) {
				if (kid_find(e, NLCACHE_A_UNIX_GID_NEGATIVE))
					return FT_MAYBE;
				kid_bin(e, NLCACHE_A_UNIX_GID_GID_ARRAY, g, cnt * 4);
				return cnt > NLCACHE_MAX_GIDS ? FT_BAD : FT_OK;
			}
			kid_bin(e, NLCACHE_A_UNIX_GID_GID_ARRAY, g, 1 + rn(r, 3) + 4 * rn(r, 10));
			return FT_BAD;
		}
		if (cache == CI_SVCEXP) {
			struct node *f = nest_new(NLCACHE_A_SVC_EXPORT_FSLOCATIONS), *l;
			unsigned int i, cnt = rn(r, 4);

			for (i = 0; i < cnt; i++) {
				l = nest_new(NLCACHE_A_FSLOCATIONS_LOCATION);
				if (!chance(r, 20))
					kid_str(l, NLCACHE_A_FSLOCATION_HOST, "127.0.0.9");
				if (!chance(r, 20))
					kid_str(l, NLCACHE_A_FSLOCATION_PATH, "/elsewhere");
				add_kid(f, l);
			}
			if (chance(r, 30))
				kid_bin(f, NLCACHE_A_FSLOCATIONS_MIGRATED, NULL, 0);
			add_kid(e, f);
			if (chance(r, 50)) {
				struct node *u = kid_bin(e, NLCACHE_A_SVC_EXPORT_UUID, NULL,
							 chance(r, 70) ? 16 : rn(r, 32));

				(void)u;
			}
			return FT_MAYBE;
		}
		return FT_MAYBE;
	case 14: /* stray bytes at the end of the entry */
		e->trail = 1 + rn(r, 3);
		return FT_BAD;
	default: /* an entry of another cache's shape */
		return FT_MAYBE;
	}
}

/* ---- the fuzz worker -------------------------------------------------------------- */

struct wstate {
	unsigned int id;
	int fd;
	uint32_t seq, portid;
	bool registered;
	unsigned int hold_left;		/* messages until a registered worker leaves */
	struct pool pools[NCACHES];
	struct rng r;
	struct msg m;
	struct outcome o;
};

static struct wstate W;

static void w_open(struct wstate *w)
{
	w->fd = open_sock();
	if (w->fd < 0)
		die("socket: %s", strerror(errno));
	w->seq = 0;
	w->portid = 0;
	w->registered = false;
}

/* Before an UNREGISTER that ends the registration. */
static void w_leave_registration(struct wstate *w)
{
	unsigned int me = w->portid;

	if (w->registered) {
		atomic_compare_exchange_strong(&sh->holder, &me, 0);
		rlog("leaves", w->portid);
	}
	w->registered = false;
}

/* Close the socket; a registration it holds ends with it. */
static void w_close(struct wstate *w)
{
	bool reg = w->registered;

	if (reg) {
		mark_closing(w->portid);
		rlog("closes", w->portid);
	}
	close(w->fd);
	if (reg)
		mark_released(w->portid);
	w->registered = false;
	w->fd = -1;
}

/* Exit; the kernel closes the socket, the main process drops the mark. */
static void w_exit(struct wstate *w, int status)
{
	if (w->registered) {
		atomic_store(&sh->w_portid[w->id], w->portid);
		mark_closing(w->portid);
		rlog("exits", w->portid);
	}
	_exit(status);
}

/* Header and flag mutations: the outcome can only be checked for sanity. */
static void mangle_header(struct msg *m, struct rng *r)
{
	enum top was = m->top;

	m->hdr_mangled = true;
	m->top = T_SANITY;
	ev_add(EV_HDR, 1);
	switch (rn(r, 6)) {
	case 0:
		m->version = (uint8_t)rnd(r);
		m->hdr_mangled = false;	/* the core ignores it: judge as usual */
		m->top = was;
		break;
	case 1:
		m->reserved = (uint8_t)(1 + rn(r, 255));
		break;
	case 2:
		m->flags |= (uint16_t)(1u << (4 + rn(r, 8)));
		break;
	case 3:
		m->flags ^= NLM_F_DUMP;
		break;
	case 4:
		m->cut = (int32_t)(NLMSG_HDRLEN + rn(r, GENL_HDRLEN));
		break;
	default:
		m->flags &= (uint16_t)~NLM_F_ACK;
		if (m->dump || m->cmd == NLCACHE_CMD_STATUS_GET || m->is_set)
			break;
		m->flags |= NLM_F_ACK;	/* no reply to wait for otherwise */
		break;
	}
}

static void build_set(struct wstate *w, int cache, bool from_dump)
{
	struct msg *m = &w->m;
	struct rng *r = &w->r;
	struct pool *p = &w->pools[cache];
	unsigned int want = 1 + rn(r, chance(r, 10) ? 200 : 12), i, nmut, j;
	struct node *e;

	msg_init(m, caches[cache].set_cmd);
	m->is_set = true;
	m->cache = cache;
	for (i = 0; i < want && i < MAXENTS; i++) {
		struct key k;
		bool enoent_ok;
		enum fate f = FT_OK;

		if (from_dump && p->n)
			k = p->k[rn(r, p->n)];
		else
			invent_key(cache, &k, r);
		e = answer_entry(cache, &k, r, &enoent_ok);
		if (k.odd)
			f = FT_MAYBE;	/* the cache's parser may refuse it */
		if (chance(r, 45)) {
			nmut = chance(r, 70) ? 1 : 2 + rn(r, 3);
			for (j = 0; j < nmut; j++) {
				enum fate g = mutate_entry(cache, e, r);

				if (nmut > 1 || f == FT_MAYBE)
					f = FT_MAYBE;
				else
					f = g;
			}
		}
		if (chance(r, 3)) {	/* another cache's entry shape */
			struct key k2;
			int oc = (cache + 1 + (int)rn(r, 3)) % NCACHES;

			invent_key(oc, &k2, r);
			e = answer_entry(oc, &k2, r, &enoent_ok);
			f = FT_MAYBE;
		}
		if (chance(r, 2)) {	/* an empty requests nest */
			e = nest_new(NLCACHE_A_IP_MAP_REQS_REQUESTS);
			f = FT_BAD;
		}
		m->fate[i] = (uint8_t)f;
		m->enoent_ok[i] = enoent_ok;
		ev_add(f == FT_OK ? EV_ENT_OK : f == FT_BAD ? EV_ENT_BAD : EV_ENT_MAYBE, 1);
		add_kid(m->root, e);
		/* the same key twice in one batch */
		if (chance(r, 5) && i + 1 < want && i + 1 < MAXENTS) {
			struct node *d = answer_entry(cache, &k, r, &enoent_ok);

			i++;
			m->fate[i] = k.odd ? FT_MAYBE : FT_OK;
			m->enoent_ok[i] = enoent_ok;
			add_kid(m->root, d);
		}
	}
	m->nents = i;
	snprintf(m->what, sizeof(m->what), "%s of %u %s entries", caches[cache].name, m->nents,
		 from_dump ? "dumped" : "invented");

	/* The batch's own layout. */
	if (chance(r, 12)) {
		uint8_t junk[4] = { 1, 2, 3, 4 };

		m->top = T_FATAL;
		switch (rn(r, 8)) {
		case 0:
			m->root->kid = m->root->last = NULL;
			m->nents = 0;
			snprintf(m->what, sizeof(m->what), "%s with no requests", caches[cache].name);
			break;
		case 1:
			kid_bin(m->root, (uint16_t)(4 + rn(r, 60)), junk, 4);
			break;
		case 2:
			kid_u32(m->root, chance(r, 50) ? NLCACHE_A_IP_MAP_REQS_APPLIED :
				NLCACHE_A_IP_MAP_REQS_ERRORS, 1);
			break;
		case 3:
			kid_bin(m->root, 0, junk, 4);
			break;
		case 4:
			kid_at(m->root, rn(r, nkids(m->root)))->type &= (uint16_t)~NLA_F_NESTED;
			break;
		case 5:
			m->root->trail = 1 + rn(r, 3);
			break;
		case 6:
			m->root->last->lenfix = (int32_t)(chance(r, 50) ? rn(r, NLA_HDRLEN) :
							 60000 + rn(r, 5000));
			break;
		default: {
			/* cut the message inside its last top-level attribute */
			struct buf b = { txbuf, 0 };
			size_t full = msg_build(m, &b, 0), off = NLMSG_HDRLEN + GENL_HDRLEN;
			size_t start = off;
			uint16_t alen;

			while (off < full) {
				start = off;
				off += NLA_ALIGN(((struct nlattr *)(txbuf + off))->nla_len);
			}
			alen = ((struct nlattr *)(txbuf + start))->nla_len;
			m->cut = (int32_t)(start + 1 + rn(r, alen - 1u));
			break;
		}
		}
	}
}

static void build_get(struct wstate *w, int cache)
{
	struct msg *m = &w->m;

	msg_init(m, caches[cache].get_cmd);
	m->dump = true;
	m->cache = cache;
	m->flags = NLM_F_REQUEST | NLM_F_DUMP;
	snprintf(m->what, sizeof(m->what), "dump of %s", caches[cache].name);
	/* The pool keeps older keys too: answering a key that is no longer
	 * pending is a /proc-style write, as good a test as any.
	 */
}

static uint32_t rand_mask(struct rng *r)
{
	switch (rn(r, 6)) {
	case 0: return 0;
	case 1: return (uint32_t)rnd(r);
	case 2: return NLCACHE_CACHE_TYPE_ALL;
	default: return 1 + rn(r, 15);
	}
}

/* Random attributes, for commands whose attributes we do not care about. */
static void rand_attrs(struct msg *m, struct rng *r)
{
	unsigned int i, n = rn(r, 5);

	for (i = 0; i < n; i++) {
		uint16_t t = (uint16_t)rn(r, 20);
		uint32_t len = rn(r, 12);
		uint8_t d[12];
		unsigned int j;

		for (j = 0; j < len; j++)
			d[j] = (uint8_t)rnd(r);
		if (chance(r, 20))
			t |= NLA_F_NESTED;
		kid_bin(m->root, t, d, len);
	}
}

static void judge_register(struct wstate *w, const struct msg *m, const struct outcome *o,
			   bool sane_only)
{
	if (!o->err) {
		unsigned int other = 0;

		ev_add(EV_REG_OK, 1);
		if (!o->served)
			return;
		w->portid = nlt_sock_portid(w->fd);
		if (!w->registered && !mark_registered(w->portid, &other))
			fail("REGISTER succeeded for portid %u while portid %u is registered and "
			     "not closing (the kernel names %u)", w->portid, other, kernel_portid());
		if (!w->registered)
			rlog("registered", w->portid);
		w->registered = true;
		w->hold_left = 3 + rn(&w->r, 30);
	} else if (o->err == EBUSY) {
		ev_add(EV_REG_BUSY, 1);
		if (!o->has_msg && !sane_only)
			fail("REGISTER: EBUSY without an extack message");
	} else {
		ev_add(EV_REG_OTHER, 1);
		if (!sane_only && !o->has_msg && !o->has_miss)
			fail("REGISTER: %s without an extack message", nlt_errname(o->err));
	}
	if (!sane_only && nkids(m->root) ==
	    (kid_find(m->root, NLCACHE_A_REGISTER_CACHES) ? 1u : 0u)) {
		struct node *k = kid_find(m->root, NLCACHE_A_REGISTER_CACHES);
		uint32_t mask = k && k->len == 4 ? *(uint32_t *)k->data : 0;
		bool valid = mask && !(mask & ~NLCACHE_CACHE_TYPE_ALL);

		if (valid && o->err && o->err != EBUSY)
			fail("REGISTER of caches 0x%x: %s \"%s\", expected success or EBUSY", mask,
			     nlt_errname(o->err), o->msg);
		if (!valid && o->err != EINVAL)
			fail("REGISTER of %s 0x%x: %s, expected EINVAL", k ? "caches" : "no caches",
			     mask, nlt_errname(o->err));
	}
}

/* One fuzz message (or a death). Returns false when the process should die. */
static bool fuzz_one(struct wstate *w)
{
	struct msg *m = &w->m;
	struct outcome *o = &w->o;
	struct rng *r = &w->r;
	unsigned int pick = rn(r, 100);
	int cache = (int)rn(r, NCACHES);
	bool sane_only = false, unreg = false, was_registered;

	if (w->registered && !--w->hold_left) {
		/* leave the way a daemon might */
		switch (rn(r, 3)) {
		case 0:
			msg_init(m, NLCACHE_CMD_UNREGISTER);
			snprintf(m->what, sizeof(m->what), "unregister (leaving)");
			w_leave_registration(w);
			if (transact(w->fd, m, o, &w->seq, NULL, r) && judge_sanity(m, o) && o->err)
				fail("UNREGISTER of the registered socket: %s \"%s\"",
				     nlt_errname(o->err), o->msg);
			count_cmd(m, o);
			ev_add(EV_DEATH_UNREG, 1);
			return true;
		case 1:
			ev_add(EV_DEATH_CLOSE, 1);
			w_close(w);
			w_open(w);
			return true;
		default:
			ev_add(EV_DEATH_EXIT, 1);
			return false;
		}
	}

	if (pick < 3) {
		ev_add(EV_DEATH_CLOSE, 1);
		w_close(w);
		w_open(w);
		return true;
	}
	if (pick < 4) {
		ev_add(EV_DEATH_EXIT, 1);
		return false;
	}
	if (pick < 22) {
		build_get(w, cache);
	} else if (pick < 52) {
		if (!w->pools[cache].n) {
			/* dump first: the batch is built from what is pending */
			build_get(w, cache);
		} else {
			build_set(w, cache, true);
		}
	} else if (pick < 62) {
		build_set(w, cache, false);
	} else if (pick < 70) {
		msg_init(m, NLCACHE_CMD_REGISTER);
		if (!chance(r, 10))
			kid_u32(m->root, NLCACHE_A_REGISTER_CACHES, rand_mask(r));
		if (chance(r, 10))
			rand_attrs(m, r);
		snprintf(m->what, sizeof(m->what), "register");
	} else if (pick < 75) {
		msg_init(m, NLCACHE_CMD_UNREGISTER);
		unreg = true;
		snprintf(m->what, sizeof(m->what), "unregister");
	} else if (pick < 83) {
		msg_init(m, NLCACHE_CMD_CACHE_FLUSH);
		if (chance(r, 80))
			kid_u32(m->root, NLCACHE_A_CACHE_FLUSH_MASK, rand_mask(r));
		if (chance(r, 10))
			rand_attrs(m, r);
		snprintf(m->what, sizeof(m->what), "cache-flush");
		ev_add(EV_FLUSH, 1);
	} else if (pick < 90) {
		msg_init(m, NLCACHE_CMD_STATUS_GET);
		snprintf(m->what, sizeof(m->what), "status-get");
	} else {
		msg_init(m, (uint8_t)(chance(r, 50) ? rn(r, 16) : rnd(r)));
		rand_attrs(m, r);
		if (chance(r, 30))
			m->flags |= NLM_F_DUMP;
		snprintf(m->what, sizeof(m->what), "random command %u", m->cmd);
		sane_only = true;
		m->top = T_SANITY;
		ev_add(EV_RANDCMD, 1);
		{
			bool set = false;
			int c = cache_of_cmd(m->cmd, &set);

			if (c >= 0) {
				m->cache = c;
				m->is_set = set;
				m->dump = !set && (m->flags & NLM_F_DUMP);
			}
		}
	}
	if (chance(r, 8)) {
		mangle_header(m, r);
		sane_only = sane_only || m->hdr_mangled;
	}
	if (m->is_set)
		ev_add(EV_SET_BATCH, 1), ev_add(EV_SET_ENTRIES, m->nents);
	/*
	 * An UNREGISTER may take effect before its answer is read, and another
	 * socket may register at once: drop the mark first, take it back if
	 * the UNREGISTER failed.
	 */
	was_registered = w->registered && m->cmd == NLCACHE_CMD_UNREGISTER;
	if (was_registered) {
		unsigned int me = w->portid;

		atomic_compare_exchange_strong(&sh->holder, &me, 0);
		rlog("unregistering (fuzzed)", w->portid);
	}

	if (!transact(w->fd, m, o, &w->seq, w->pools, r)) {
		ev_add(EV_TIMEOUT_LOCAL, 1);
		judge_sanity(m, o);
		w_close(w);
		w_open(w);
		return true;
	}
	count_cmd(m, o);
	if (!judge_sanity(m, o))
		return true;
	if (m->hdr_mangled && m->cut >= 0 && m->cut < (int32_t)(NLMSG_HDRLEN + GENL_HDRLEN) &&
	    o->err != EINVAL)
		fail("%s with a genl header cut to %d bytes: %s, expected EINVAL", m->what,
		     m->cut - NLMSG_HDRLEN, nlt_errname(o->err));
	if (m->cmd == NLCACHE_CMD_REGISTER)
		judge_register(w, m, o, sane_only);
	if (m->cmd == NLCACHE_CMD_UNREGISTER && !o->err) {
		if (!w->registered)
			fail("UNREGISTER succeeded for a socket that is not registered");
		w->registered = false;
		rlog("left", w->portid);
		ev_add(EV_UNREG_OK, 1);
		return true;
	}
	if (was_registered) {
		unsigned int other = 0;

		/* still registered: nobody else may have got in */
		if (!mark_registered(w->portid, &other))
			fail("portid %u registered while this socket (%u) stayed registered (its "
			     "UNREGISTER failed: %s); the kernel names %u", other, w->portid,
			     nlt_errname(o->err), kernel_portid());
		rlog("stays registered", w->portid);
	}
	if (sane_only)
		return true;
	if (m->dump) {
		if (!o->err)
			ev_add(EV_DUMP_REQS, o->nreqs);
		if (o->err && o->err != ENOMEM)
			fail("%s failed: %s \"%s\"", m->what, nlt_errname(o->err), o->msg);
	} else if (m->is_set) {
		judge_set(m, o);
	} else if (unreg) {
		if (w->registered) {
			fail("UNREGISTER of the registered socket: %s \"%s\"", nlt_errname(o->err),
			     o->msg);
		} else if (o->err != ENOENT || !o->has_msg) {
			fail("UNREGISTER of a socket that is not registered: %s \"%s\", expected "
			     "ENOENT with a message", nlt_errname(o->err), o->msg);
		} else {
			ev_add(EV_UNREG_ENOENT, 1);
		}
	} else if (m->cmd == NLCACHE_CMD_STATUS_GET) {
		if (o->err || !o->has_version)
			fail("STATUS_GET: %s, version %s", nlt_errname(o->err),
			     o->has_version ? "present" : "missing");
		else if (w->registered && o->portid != w->portid)
			fail("STATUS_GET names daemon portid %u, but this socket (%u) is registered",
			     o->portid, w->portid);
	} else if (m->cmd == NLCACHE_CMD_CACHE_FLUSH) {
		struct node *k = kid_find(m->root, NLCACHE_A_CACHE_FLUSH_MASK);
		uint32_t mask = k && k->len == 4 ? *(uint32_t *)k->data : NLCACHE_CACHE_TYPE_ALL;

		bool plain = nkids(m->root) == (k ? 1u : 0u);

		if (plain && !(mask & ~NLCACHE_CACHE_TYPE_ALL) && o->err)
			fail("CACHE_FLUSH of mask 0x%x: %s \"%s\"", mask, nlt_errname(o->err), o->msg);
		if (plain && (mask & ~NLCACHE_CACHE_TYPE_ALL) &&
		    (o->err != EINVAL || !o->has_msg))
			fail("CACHE_FLUSH of mask 0x%x: %s \"%s\", expected EINVAL with a message",
			     mask, nlt_errname(o->err), o->msg);
	}
	return true;
}

static void worker_main(unsigned int id, unsigned int gen)
{
	struct wstate *w = &W;

	static struct key wkeys[NCACHES][POOL];
	int c;

	snprintf(g_who, sizeof(g_who), "worker %u.%u", id, gen);
	w->id = id;
	w->r = rng_for(id, gen);
	for (c = 0; c < NCACHES; c++)
		w->pools[c] = (struct pool){ wkeys[c], 0, POOL, false };
	w_open(w);
	while (!atomic_load(&sh->stop)) {
		if (atomic_load(&sh->deadline_ms) && now_ms() > atomic_load(&sh->deadline_ms)) {
			atomic_store(&sh->stop, 1);
			break;
		}
		if (atomic_fetch_add(&sh->claimed, 1) >= opt_messages) {
			atomic_store(&sh->stop, 1);
			break;
		}
		if (!fuzz_one(w))
			w_exit(w, 3);	/* a death: the main process starts a new generation */
		if (opt_pace)
			msleep(opt_pace);
	}
	w_close(w);
	_exit(0);
}

/* ---- the daemon ------------------------------------------------------------------------ */

struct dstate {
	int fd;
	uint32_t seq, portid, mask;
	struct rng r;
	struct msg m;
	struct outcome o;
	struct pool all[NCACHES];
};

static struct dstate D;
static struct key dkeys[NCACHES][MAXENTS];
static unsigned int dnkeys[NCACHES];

/* Collect every pending request of @cache into dkeys (all messages of the dump). */
static bool d_dump(struct dstate *d, int cache)
{
	struct msg *m = &d->m;
	struct outcome *o = &d->o;

	msg_init(m, caches[cache].get_cmd);
	m->flags = NLM_F_REQUEST | NLM_F_DUMP;
	snprintf(m->what, sizeof(m->what), "daemon: dump of %s", caches[cache].name);
	d->all[cache] = (struct pool){ dkeys[cache], 0, MAXENTS, true };
	ev_add(EV_D_MSGS, 1);
	if (!transact(d->fd, m, o, &d->seq, d->all, &d->r)) {
		fail("%s: %s", m->what, o->local);
		return false;
	}
	if (o->err || !o->done || o->bad[0]) {
		fail("%s: %s \"%s\" %s", m->what, nlt_errname(o->err), o->msg, o->bad);
		return false;
	}
	dnkeys[cache] = d->all[cache].n;
	ev_add(EV_D_SEEN + cache, dnkeys[cache]);
	if (cache == CI_IPMAP) {
		unsigned int i, x;

		for (i = 0; i < dnkeys[cache]; i++)
			if (sscanf(dkeys[cache][i].b, "127.0.0.%u", &x) == 1 && x < 256)
				atomic_fetch_or(&sh->lo_addrs[x / 64], 1ULL << (x % 64));
	}
	return true;
}

static bool d_answer(struct dstate *d, int cache)
{
	struct msg *m = &d->m;
	struct outcome *o = &d->o;
	unsigned int i, done = 0;

	while (done < dnkeys[cache]) {
		unsigned int n = dnkeys[cache] - done;

		if (n > DAEMON_CHUNK)
			n = DAEMON_CHUNK;
		msg_init(m, caches[cache].set_cmd);
		m->is_set = true;
		m->cache = cache;
		for (i = 0; i < n; i++) {
			bool enoent_ok;

			add_kid(m->root, answer_entry(cache, &dkeys[cache][done + i], &d->r,
						      &enoent_ok));
			m->fate[i] = FT_OK;
			m->enoent_ok[i] = enoent_ok;
		}
		m->nents = n;
		snprintf(m->what, sizeof(m->what), "daemon: answer %u %s requests", n,
			 caches[cache].name);
		ev_add(EV_D_MSGS, 1);
		ev_add(EV_D_BATCHES, 1);
		ev_add(EV_D_ENTRIES, n);
		if (!transact(d->fd, m, o, &d->seq, NULL, &d->r)) {
			fail("%s: %s", m->what, o->local);
			return false;
		}
		if (!judge_sanity(m, o))
			return false;
		{
			unsigned int before = atomic_load(&sh->failures);

			judge_set(m, o);
			if (atomic_load(&sh->failures) != before)
				return false;
		}
		ev_add(EV_D_APPLIED, o->applied);
		done += n;
	}
	return true;
}

static bool d_status(struct dstate *d, struct outcome *o)
{
	struct msg *m = &d->m;

	msg_init(m, NLCACHE_CMD_STATUS_GET);
	snprintf(m->what, sizeof(m->what), "daemon: status-get");
	ev_add(EV_D_MSGS, 1);
	if (!transact(d->fd, m, o, &d->seq, NULL, &d->r) || !judge_sanity(m, o))
		return false;
	if (o->err || !o->has_version) {
		fail("%s: %s", m->what, nlt_errname(o->err));
		return false;
	}
	return true;
}

/* Register, retrying while someone else holds the netns (a fuzz worker). */
static bool d_register(struct dstate *d, unsigned int patience_ms)
{
	struct msg *m = &d->m;
	struct outcome *o = &d->o;
	uint64_t until = now_ms() + patience_ms;
	unsigned int other = 0;

	for (;;) {
		msg_init(m, NLCACHE_CMD_REGISTER);
		kid_u32(m->root, NLCACHE_A_REGISTER_CACHES, d->mask);
		snprintf(m->what, sizeof(m->what), "daemon: register 0x%x", d->mask);
		ev_add(EV_D_MSGS, 1);
		if (!transact(d->fd, m, o, &d->seq, NULL, &d->r) || !judge_sanity(m, o))
			return false;
		if (!o->err)
			break;
		if (o->err != EBUSY) {
			fail("%s: %s \"%s\"", m->what, nlt_errname(o->err), o->msg);
			return false;
		}
		ev_add(EV_REG_BUSY, 1);
		if (now_ms() > until) {
			fail("%s: still EBUSY after %u ms (holder %u)", m->what, patience_ms,
			     atomic_load(&sh->holder));
			return false;
		}
		msleep(20);
	}
	ev_add(EV_REG_OK, 1);
	if (o->served != d->mask || o->missing) {
		fail("daemon: register 0x%x served 0x%x, missing 0x%x", d->mask, o->served,
		     o->missing);
		return false;
	}
	d->portid = nlt_sock_portid(d->fd);
	atomic_store(&sh->d_portid, d->portid);
	if (!mark_registered(d->portid, &other)) {
		fail("daemon: REGISTER succeeded for portid %u while portid %u is registered "
		     "and not closing (the kernel names %u)", d->portid, other, kernel_portid());
		return false;
	}
	rlog("registered", d->portid);
	return true;
}

/*
 * One round: the registered daemon must see itself, dump and answer
 * everything, unless @hold: then it leaves a cache's requests pending for a
 * round now and then, for the fuzz workers to find.
 */
static bool d_round(struct dstate *d, bool hold)
{
	struct outcome *o = &d->o;
	int c;

	if (!d_status(d, o))
		return false;
	if (o->portid != d->portid) {
		fail("daemon: STATUS_GET names portid %u, the daemon is %u", o->portid, d->portid);
		return false;
	}
	for (c = 0; c < NCACHES; c++)
		if ((d->mask & (1u << c)) && !o->attached[c]) {
			fail("daemon: %s is not attached while registered", caches[c].name);
			return false;
		}
	for (c = 0; c < NCACHES; c++) {
		if (!(d->mask & (1u << c)))
			continue;
		if (!d_dump(d, c))
			return false;
		if (hold && chance(&d->r, 15))
			continue;
		if (!d_answer(d, c))
			return false;
	}
	return true;
}

static void d_unregister(struct dstate *d)
{
	struct msg *m = &d->m;
	struct outcome *o = &d->o;
	unsigned int me = d->portid;

	atomic_compare_exchange_strong(&sh->holder, &me, 0);
	rlog("unregisters", d->portid);
	msg_init(m, NLCACHE_CMD_UNREGISTER);
	snprintf(m->what, sizeof(m->what), "daemon: unregister");
	ev_add(EV_D_MSGS, 1);
	if (transact(d->fd, m, o, &d->seq, NULL, &d->r) && judge_sanity(m, o) && o->err)
		fail("%s: %s \"%s\"", m->what, nlt_errname(o->err), o->msg);
}

enum { DM_UNREG, DM_CLOSE, DM_EXIT, DM_KILL };

/* A child process: one registration of the daemon. */
static void d_incarnation(unsigned int gen, int mode)
{
	struct dstate *d = &D;
	unsigned int rounds, i;

	snprintf(g_who, sizeof(g_who), "daemon %u", gen);
	d->r = rng_for(1000, gen);
	rounds = 1 + rn(&d->r, 12);
	d->mask = chance(&d->r, 50) ? NLCACHE_CACHE_TYPE_ALL :
		  NLCACHE_CACHE_TYPE_IP_MAP | NLCACHE_CACHE_TYPE_SVC_EXPORT |
		  NLCACHE_CACHE_TYPE_EXPKEY;
	d->fd = open_sock();
	if (d->fd < 0)
		_exit(2);
	if (!d_register(d, 30000))
		_exit(1);
	for (i = 0; mode == DM_KILL || i < rounds; i++) {
		if (!d_round(d, true))
			_exit(1);
		msleep(20 + rn(&d->r, 150));
	}
	switch (mode) {
	case DM_UNREG:
		d_unregister(d);
		close(d->fd);
		break;
	case DM_CLOSE:
		mark_closing(d->portid);
		rlog("closes", d->portid);
		close(d->fd);
		mark_released(d->portid);
		break;
	default:	/* DM_EXIT: the kernel closes the socket, the parent drops the mark */
		mark_closing(d->portid);
		rlog("exits", d->portid);
		break;
	}
	_exit(atomic_load(&sh->failures) ? 1 : 0);
}

/* The final registration: answer until nothing old is pending, then leave. */
static void d_drain(void)
{
	struct dstate *d = &D;
	struct outcome *o = &d->o;
	uint64_t t0 = now_ms(), until = t0 + opt_drain * 1000ULL;
	uint64_t worst = 0;
	int c;

	snprintf(g_who, sizeof(g_who), "daemon (drain)");
	d->r = rng_for(2000, 0);
	d->mask = NLCACHE_CACHE_TYPE_ALL;
	d->fd = open_sock();
	if (d->fd < 0)
		die("socket: %s", strerror(errno));
	if (!d_register(d, 30000))
		return;
	for (;;) {
		bool clean = true;

		if (!d_round(d, false))
			return;
		if (!d_status(d, o))
			return;
		worst = 0;
		for (c = 0; c < NCACHES; c++)
			if (o->pending[c] && o->oldest[c] > 3000) {
				clean = false;
				if (o->oldest[c] > worst)
					worst = o->oldest[c];
			}
		if (clean)
			break;
		if (now_ms() > until) {
			fail("drain: after %u s requests are still pending (oldest %" PRIu64
			     " ms; pending %u/%u/%u/%u)", opt_drain, worst, o->pending[0],
			     o->pending[1], o->pending[2], o->pending[3]);
			return;
		}
		msleep(200);
	}
	atomic_store(&sh->drain_ms, now_ms() - t0);
	out("# drain: nothing older than 3 s pending after %" PRIu64 " ms "
	    "(pending now %u/%u/%u/%u)", now_ms() - t0, o->pending[0], o->pending[1],
	    o->pending[2], o->pending[3]);
	for (c = 0; c < NCACHES; c++)
		out("# %-14s upcalls over netlink %" PRIu64 ", to the legacy path meanwhile %"
		    PRIu64 ", handed back %" PRIu64, caches[c].name, o->upcalls[c],
		    o->fallbacks[c], o->handed_back[c]);
	d_unregister(d);
	if (!d_status(d, o))
		return;
	if (o->portid)
		fail("after the last UNREGISTER STATUS_GET still names daemon portid %u", o->portid);
	for (c = 0; c < NCACHES; c++)
		if (o->attached[c])
			fail("after the last UNREGISTER %s is still attached", caches[c].name);
	close(d->fd);
}

static void daemon_main(void)
{
	unsigned int gen = 0;
	struct rng r = rng_for(999, 0);

	snprintf(g_who, sizeof(g_who), "daemon");
	while (!atomic_load(&sh->stop)) {
		int mode = (int)rn(&r, 4), st = 0;
		pid_t pid;
		unsigned int p;

		atomic_store(&sh->d_killed, 0);
		atomic_store(&sh->d_portid, 0);
		pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0)
			d_incarnation(gen, mode);
		ev_add(EV_D_INCARN, 1);
		if (mode == DM_KILL) {
			msleep(200 + rn(&r, 2500));
			atomic_store(&sh->d_killed, 1);
			kill(pid, SIGKILL);
			ev_add(EV_DEATH_KILL, 1);
		} else {
			ev_add(mode == DM_UNREG ? EV_DEATH_UNREG : mode == DM_CLOSE ?
			       EV_DEATH_CLOSE : EV_DEATH_EXIT, 1);
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		/* An exited or killed incarnation cannot drop its own mark. */
		p = atomic_load(&sh->d_portid);
		if (p && atomic_load(&sh->holder) == p)
			rlog(mode == DM_KILL ? "killed incarnation was" : "dead incarnation was", p);
		if (p)
			mark_released(p);
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
			out("# daemon incarnation %u ended with status %d", gen, WEXITSTATUS(st));
		gen++;
		msleep(rn(&r, 300));
	}
}

/*
 * What STATUS_GET says is registered (from a fresh socket, leaving the
 * arena and txbuf alone); UINT32_MAX on trouble.
 */
static uint32_t kernel_portid(void)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		{ NLMSG_LENGTH(GENL_HDRLEN), (uint16_t)g_family, NLM_F_REQUEST, 1, 0 },
		{ NLCACHE_CMD_STATUS_GET, NLCACHE_FAMILY_VERSION, 0 },
	};
	static uint8_t b[65536];
	uint32_t portid = UINT32_MAX;
	int fd = open_sock(), left;
	struct nlmsghdr *nlh;
	ssize_t n;

	if (fd < 0)
		return portid;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    (n = recv(fd, b, sizeof(b), 0)) < 0) {
		close(fd);
		return portid;
	}
	left = (int)n;
	for (nlh = (struct nlmsghdr *)b; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
		struct nlattr *a;
		int rem;

		if (nlh->nlmsg_type != g_family)
			continue;
		nla_for_each_attr(a, (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN),
				  (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), rem)
			if (nla_type(a) == NLCACHE_A_STATUS_DAEMON_PORTID && nla_len(a) == 4)
				portid = nla_get_u32(a);
	}
	close(fd);
	return portid;
}

/* ---- main --------------------------------------------------------------------------- */

static void resolve_family(void)
{
	int id = nlt_resolve_family(NLCACHE_FAMILY_NAME);

	if (id < 0)
		die("the %s family is not there (%s): load the module", NLCACHE_FAMILY_NAME,
		    nl_geterror(id));
	g_family = id;
}

static void report(uint64_t ms)
{
	int c, e;

	out("# %" PRIu64 " messages in %.1f s (%" PRIu64 " fuzz messages, %" PRIu64
	    " from the daemon), seed %" PRIu64, (uint64_t)atomic_load(&sh->sent), ms / 1000.0,
	    (uint64_t)(atomic_load(&sh->sent) - atomic_load(&sh->ev[EV_D_MSGS])),
	    (uint64_t)atomic_load(&sh->ev[EV_D_MSGS]), opt_seed);
	out("# answers per command (errno: count), daemon's excluded:");
	for (c = 0; c < NCMDB; c++) {
		char line[2048];
		size_t len = 0;
		uint64_t tot = 0;

		for (e = 0; e < NERR; e++) {
			uint64_t v = atomic_load(&sh->cmd[c][e]);

			if (!v)
				continue;
			tot += v;
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s:%" PRIu64,
						e == NERR - 1 ? "other" : nlt_errname(e), v);
			if (len >= sizeof(line))
				len = sizeof(line) - 1;
		}
		if (tot)
			out("#   %-20s %7" PRIu64 " |%s", cmdnames[c], tot, line);
	}
	out("# SET entries per cache (ok = applied; daemon's included):");
	for (c = 0; c < NCACHES; c++) {
		char line[2048];
		size_t len = 0;

		line[0] = '\0';
		for (e = 0; e < NERR; e++) {
			uint64_t v = atomic_load(&sh->ent[c][e]);

			if (!v)
				continue;
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s:%" PRIu64,
						e == NERR - 1 ? "other" : nlt_errname(e), v);
			if (len >= sizeof(line))
				len = sizeof(line) - 1;
		}
		out("#   %-14s%s", caches[c].name, line[0] ? line : " none");
	}
	for (e = 0; e < NEV; e++)
		out("#   %-36s %" PRIu64, ev_names[e], (uint64_t)atomic_load(&sh->ev[e]));
	{
		char line[1200];
		size_t len = 0;
		unsigned int x, cnt = 0;

		line[0] = '\0';
		for (x = 0; x < 256; x++)
			if (atomic_load(&sh->lo_addrs[x / 64]) & (1ULL << (x % 64))) {
				len += (size_t)snprintf(line + len, sizeof(line) - len, " 127.0.0.%u", x);
				cnt++;
			}
		out("# auth.unix.ip requests the daemon answered came from %u loopback addresses:%s",
		    cnt, line);
	}
}

static int replay(const char *hex)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static struct msg m;
	struct outcome *o = &W.o;
	size_t n = strlen(hex) / 2, i;
	int fd = open_sock();
	uint32_t seq;

	if (fd < 0 || n < NLMSG_HDRLEN || n > MAXMSG)
		die("bad replay message");
	for (i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("bad hex at %zu", 2 * i);
		txbuf[i] = (uint8_t)v;
	}
	((struct nlmsghdr *)txbuf)->nlmsg_type = (uint16_t)g_family;
	seq = ((struct nlmsghdr *)txbuf)->nlmsg_seq;
	msg_init(&m, txbuf[NLMSG_HDRLEN]);
	if (sendto(fd, txbuf, n, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		die("send: %s", strerror(errno));
	/* receive with the normal machinery: send nothing more */
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t got = recv(fd, rxbuf, sizeof(rxbuf), 0);
		int left = (int)got;

		if (got < 0)
			die("no answer: %s", strerror(errno));
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				struct nlt_ext x;

				memset(o, 0, offsetof(struct outcome, errs));
				if (nlh->nlmsg_type == NLMSG_ERROR)
					nlt_parse_error(nlh, &o->err, &x);
				else
					nlt_parse_done(nlh, &o->err, &x);
				take_ext(o, &x);
				printf("answer: %s \"%s\" after %u replies\n", nlt_errname(o->err), o->msg,
				       o->replies);
				return 0;
			}
			o->replies++;
		}
	}
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end && s[0] != '-';
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [--seed N] [--messages N] [--workers N] [--timeout SEC] [--time SEC]\n"
		"                [--drain SEC] [--pace MS] [--export-path DIR] [--no-daemon] [--trace]\n"
		"       %s --replay HEX\n"
		"\n"
		"Fuzzes the %s generic netlink family from a daemon process (register,\n"
		"answer, die, register again) and N fuzz workers; checks every answer and, at\n"
		"the end, that nothing stays pending and no daemon stays registered. Needs root,\n"
		"the module and nfsd loaded. Exit status 0: no failure; 1: failures; 2: trouble.\n"
		"\n"
		"  --seed N         generator seed (default: $NLC_FUZZ_SEED, else the clock)\n"
		"  --messages N     fuzz messages in all (default 3000)\n"
		"  --workers N      fuzz processes (default 3)\n"
		"  --timeout SEC    time to wait for each answer (default 20)\n"
		"  --time SEC       stop sending after SEC seconds even if messages are left\n"
		"  --drain SEC      time the final daemon gets to answer everything (default 60)\n"
		"  --pace MS        each worker sleeps MS between messages (default 0), leaving\n"
		"                   CPU to whatever makes the upcalls\n"
		"  --export-path D  the export the daemon answers positively (default /export)\n"
		"  --no-daemon      no daemon process (and no drain)\n"
		"  --trace          print every message in hex\n"
		"  --replay HEX     send one message (as --trace or a FAIL line prints it)\n",
		prog, prog, NLCACHE_FAMILY_NAME);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'n' },
		{ "workers", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 'T' },
		{ "drain", required_argument, NULL, 'd' },
		{ "pace", required_argument, NULL, 'p' },
		{ "export-path", required_argument, NULL, 'e' },
		{ "no-daemon", no_argument, NULL, 'D' },
		{ "trace", no_argument, NULL, 'x' },
		{ "replay", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *replay_hex = NULL, *env = getenv("NLC_FUZZ_SEED");
	bool have_seed = false;
	uint64_t v, t0, deadline, next_progress;
	pid_t *pids, dpid = 0;
	unsigned int *gens, i, running;
	int opt, st;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (!parse_u64(optarg, &opt_seed))
				goto bad;
			have_seed = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &opt_messages) || !opt_messages)
				goto bad;
			break;
		case 'w':
			if (!parse_u64(optarg, &v) || !v || v > 64)
				goto bad;
			opt_workers = (unsigned int)v;
			break;
		case 't':
			if (!parse_u64(optarg, &v) || !v || v > 3600)
				goto bad;
			opt_timeout = (unsigned int)v;
			break;
		case 'T':
			if (!parse_u64(optarg, &v) || v > 86400)
				goto bad;
			opt_time = (unsigned int)v;
			break;
		case 'd':
			if (!parse_u64(optarg, &v) || !v || v > 3600)
				goto bad;
			opt_drain = (unsigned int)v;
			break;
		case 'p':
			if (!parse_u64(optarg, &v) || v > 10000)
				goto bad;
			opt_pace = (unsigned int)v;
			break;
		case 'e':
			if (optarg[0] != '/' || strlen(optarg) > 512)
				goto bad;
			opt_export = optarg;
			break;
		case 'D':
			opt_daemon = false;
			break;
		case 'x':
			opt_trace = true;
			break;
		case 'r':
			replay_hex = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (!have_seed && env && *env) {
		if (!parse_u64(env, &opt_seed))
			goto bad;
		have_seed = true;
	}
	if (!have_seed)
		opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	setvbuf(stdout, NULL, _IOLBF, 0);
	resolve_family();
	if (replay_hex)
		return replay(replay_hex);

	out("# %s: seed %" PRIu64 " (replay: --seed %" PRIu64 " or NLC_FUZZ_SEED=%" PRIu64
	    "), %" PRIu64 " messages, %u workers%s, family id %d", prog, opt_seed, opt_seed,
	    opt_seed, opt_messages, opt_workers, opt_daemon ? " + a daemon" : "", g_family);
	snprintf(g_who, sizeof(g_who), "main");

	t0 = now_ms();
	deadline = opt_time ? t0 + opt_time * 1000ULL : 0;
	atomic_store(&sh->deadline_ms, deadline);
	pids = calloc(opt_workers, sizeof(*pids));
	gens = calloc(opt_workers, sizeof(*gens));
	if (!pids || !gens)
		die("out of memory");
	if (opt_daemon) {
		dpid = fork();
		if (dpid < 0)
			die("fork: %s", strerror(errno));
		if (dpid == 0) {
			daemon_main();
			_exit(0);
		}
	}
	for (i = 0; i < opt_workers; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (pids[i] == 0)
			worker_main(i, 0);
		ev_add(EV_RESPAWN, 1);
	}
	running = opt_workers;
	next_progress = t0 + 30000;
	while (running) {
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid: %s", strerror(errno));
		}
		if (p == 0) {
			if (now_ms() >= next_progress) {
				next_progress += 30000;
				out("# progress: %" PRIu64 " of %" PRIu64 " fuzz messages, %" PRIu64
				    " in all, %.0f s, %u failures", (uint64_t)atomic_load(&sh->claimed),
				    opt_messages, (uint64_t)atomic_load(&sh->sent),
				    (now_ms() - t0) / 1000.0, atomic_load(&sh->failures));
			}
			msleep(100);
			continue;
		}
		if (p == dpid) {
			dpid = -1;
			if (!atomic_load(&sh->stop) || !WIFEXITED(st) || WEXITSTATUS(st))
				fail("the daemon process ended early (status 0x%x)", st);
			continue;
		}
		for (i = 0; i < opt_workers; i++)
			if (pids[i] == p)
				break;
		if (i == opt_workers)
			continue;
		{
			/* It exited with a registered socket: released now. */
			unsigned int wp = atomic_exchange(&sh->w_portid[i], 0);

			if (wp)
				mark_released(wp);
		}
		if (deadline && now_ms() > deadline)
			atomic_store(&sh->stop, 1);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 3 && !atomic_load(&sh->stop)) {
			gens[i]++;
			pids[i] = fork();
			if (pids[i] < 0)
				die("fork: %s", strerror(errno));
			if (pids[i] == 0)
				worker_main(i, gens[i]);
			ev_add(EV_RESPAWN, 1);
			continue;
		}
		if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3))
			out("# worker %u.%u ended with status 0x%x", i, gens[i], st);
		pids[i] = 0;
		running--;
	}
	atomic_store(&sh->stop, 1);
	if (dpid > 0) {
		while (waitpid(dpid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail("the daemon process ended with status 0x%x", st);
	}
	out("# fuzzing done after %.1f s; %u failures so far", (now_ms() - t0) / 1000.0,
	    atomic_load(&sh->failures));
	if (opt_daemon)
		d_drain();
	report(now_ms() - t0);
	if (atomic_load(&sh->failures)) {
		out("# RESULT: FAIL, %u failures (seed %" PRIu64 ")", atomic_load(&sh->failures),
		    opt_seed);
		return 1;
	}
	out("# RESULT: PASS, %" PRIu64 " messages, no failures (seed %" PRIu64 ")",
	    (uint64_t)atomic_load(&sh->sent), opt_seed);
	return 0;
bad:
	fprintf(stderr, "%s: bad arguments (see %s --help)\n", prog, prog);
	return 2;
}
