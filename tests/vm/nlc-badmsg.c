// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlc-badmsg - send malformed and hostile messages to every command of the
 * nfsd_nlcache generic netlink family and check that each one gets the
 * answer uapi/linux/nfsd_nlcache.h promises:
 *
 *  - what the genetlink core cannot dispatch (unknown command, NLM_F_DUMP
 *    on a do command, a do on a dump command, a truncated genl header, a
 *    non-zero reserved byte or stray nlmsg_flags on kernels that check
 *    them) fails with the core's errno;
 *  - a type or length error in a top-level attribute fails the whole
 *    command with an errno and an extack message;
 *  - in the *_SET_REQS commands every requests nest is checked and applied
 *    on its own: the command succeeds, the reply's errors nests name
 *    exactly the bad entries (index, errno, message), and applied counts
 *    the others;
 *  - every request is answered within the timeout, and afterwards the
 *    family still answers STATUS_GET and the dumps.
 *
 * Each case is a table row: a builder function makes the message and
 * states the expected outcome, and the runner sends it from a fresh socket
 * and judges the answer. The output is TAP.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/nfsd_nlcache.h>

#include "nlc-nltest.h"

#define TYPE_OF(t)	((uint16_t)((t) & 0x3fff))	/* without NLA_F_* */

/* The family's first op checked strictly (src/genl.c: resv_start_op). */
#define RESV_START_OP	(NLCACHE_CMD_UNSPEC + 1)

#define FIXTURE_ADDR	"192.0.2.77"
#define FIXTURE_CLIENT	"nlc-badmsg-domain"
#define UNKNOWN_CLIENT	"nlc-badmsg-no-such-client"
#define MISSING_PATH	"/nlc-badmsg/no/such/dir"
#define TEST_UID	4242400u	/* + k: unix-gid keys of this program */
/* ro, no_subtree_check, fsid=: exportable on tmpfs as well as on a disk */
#define EXPORT_FLAGS	(NLCACHE_EXPORT_FLAGS_READONLY | \
			 NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK | \
			 NLCACHE_EXPORT_FLAGS_FSID)
#define EXPORT_FSID	0x4e4c
#define ANON_ID		NLCACHE_ANON_DEFAULT
#define UNIXGID_CONTENT	"/proc/net/rpc/auth.unix.gid/content"

static const char *prog = "nlc-badmsg";

/* ---- options and what the preflight learnt ---------------------------- */

static bool opt_verbose, opt_list, opt_check_serving;
static uint64_t opt_seed = 1;
static unsigned int opt_fuzz = 200;
static unsigned int opt_timeout = 5;
static const char *opt_export_path = "/";
static const char *opt_match;

static int g_family;		/* our family's id */
static bool g_core_resv;	/* the genl core checks the reserved byte ... */
static bool g_core_flags;	/* ... and nlmsg_flags of ops >= resv_start_op */
static uint32_t g_daemon_portid;	/* from STATUS_GET, 0: none */
static unsigned int g_overflowuid = 65534;	/* how content shows uid -1 */
static uint32_t g_seq = 1;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- a per-case arena: everything a builder allocates ------------------ */

struct ablk {
	struct ablk *next;
	max_align_t data[];
};

static struct ablk *arena;

static void *aalloc(size_t n)
{
	struct ablk *b = calloc(1, sizeof(*b) + n + 1);

	if (!b)
		die("out of memory");
	b->next = arena;
	arena = b;
	return b->data;
}

static void arena_reset(void)
{
	while (arena) {
		struct ablk *next = arena->next;

		free(arena);
		arena = next;
	}
}

/* ---- errno names and sets ----------------------------------------------- */

/*
 * A set of errnos: a 0-terminated array; NULL means any errno. ERRS() is
 * for the file-scope tables only (a compound literal in a function dies
 * with its block); functions use the named sets.
 */
#define ERRS(...)	((const int[]){ __VA_ARGS__, 0 })
static const int e_inval[] = { EINVAL, 0 };
static const int e_enoent[] = { ENOENT, 0 };
static const int e_policy[] = { EINVAL, ERANGE, 0 };	/* nla_policy's errnos */
static const int e_long[] = { EINVAL, ERANGE, ENAMETOOLONG, E2BIG, 0 };
static const int e_count[] = { EINVAL, ERANGE, E2BIG, 0 };
static const int e_opnotsupp[] = { EOPNOTSUPP, 0 };
static const int e_busy[] = { EBUSY, 0 };
static const int e_batch[] = { EINVAL, E2BIG, EMSGSIZE, ERANGE, 0 };
#define E_INVAL		e_inval
#define E_ENOENT	e_enoent
#define E_POLICY	e_policy
#define E_LONG		e_long
#define E_COUNT		e_count
#define E_ANY		NULL

static bool errs_has(const int *errs, int e)
{
	if (!errs)
		return e > 0;
	for (; *errs; errs++)
		if (*errs == e)
			return true;
	return false;
}

static const char *errs_str(const int *errs)
{
	static char buf[2][128];
	static unsigned int next;
	char *b = buf[next++ % 2];
	size_t len = 0;

	if (!errs)
		return "an errno";
	b[0] = '\0';
	for (; *errs; errs++)
		len += (size_t)snprintf(b + len, sizeof(buf[0]) - len, "%s%s",
					len ? "|" : "", nlt_errname(*errs));
	return b;
}

/* ---- commands and caches ------------------------------------------------ */

enum { K_DO, K_DUMP, K_UNKNOWN };
enum { CI_IPMAP, CI_UNIXGID, CI_SVCEXP, CI_EXPKEY, NCACHES, CI_NONE = -1 };

static const struct cmdinfo {
	uint8_t cmd;
	uint8_t kind;
	int8_t cache;
	const char *name;
} cmdtab[] = {
	{ NLCACHE_CMD_UNSPEC, K_UNKNOWN, CI_NONE, "cmd 0 (unspec)" },
	{ NLCACHE_CMD_CACHE_NOTIFY, K_UNKNOWN, CI_NONE, "cache-notify (an event, never a request)" },
	{ NLCACHE_CMD_REGISTER, K_DO, CI_NONE, "register" },
	{ NLCACHE_CMD_UNREGISTER, K_DO, CI_NONE, "unregister" },
	{ NLCACHE_CMD_IP_MAP_GET_REQS, K_DUMP, CI_IPMAP, "ip-map-get-reqs" },
	{ NLCACHE_CMD_IP_MAP_SET_REQS, K_DO, CI_IPMAP, "ip-map-set-reqs" },
	{ NLCACHE_CMD_UNIX_GID_GET_REQS, K_DUMP, CI_UNIXGID, "unix-gid-get-reqs" },
	{ NLCACHE_CMD_UNIX_GID_SET_REQS, K_DO, CI_UNIXGID, "unix-gid-set-reqs" },
	{ NLCACHE_CMD_SVC_EXPORT_GET_REQS, K_DUMP, CI_SVCEXP, "svc-export-get-reqs" },
	{ NLCACHE_CMD_SVC_EXPORT_SET_REQS, K_DO, CI_SVCEXP, "svc-export-set-reqs" },
	{ NLCACHE_CMD_EXPKEY_GET_REQS, K_DUMP, CI_EXPKEY, "expkey-get-reqs" },
	{ NLCACHE_CMD_EXPKEY_SET_REQS, K_DO, CI_EXPKEY, "expkey-set-reqs" },
	{ NLCACHE_CMD_CACHE_FLUSH, K_DO, CI_NONE, "cache-flush" },
	{ NLCACHE_CMD_STATUS_GET, K_DO, CI_NONE, "status-get" },
	{ NLCACHE_CMD_MAX + 1, K_UNKNOWN, CI_NONE, "cmd 14 (one past the last)" },
	{ 200, K_UNKNOWN, CI_NONE, "cmd 200" },
};

static const struct cmdinfo *cmdinfo(uint8_t cmd)
{
	static const struct cmdinfo other = { 0, K_UNKNOWN, CI_NONE, "unknown" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdtab); i++)
		if (cmdtab[i].cmd == cmd)
			return &cmdtab[i];
	return &other;
}

static const char *const ipmap_names[] = {
	"type-0", "seqno", "class", "addr", "domain", "negative", "expiry",
};
static const char *const unixgid_names[] = {
	"type-0", "seqno", "uid", "gids", "negative", "expiry", "gid-array",
};
static const char *const svcexp_names[] = {
	"type-0", "seqno", "client", "path", "negative", "expiry", "anon-uid",
	"anon-gid", "fslocations", "uuid", "secinfo", "xprtsec", "flags", "fsid",
};
static const char *const expkey_names[] = {
	"type-0", "seqno", "client", "fsidtype", "fsid", "negative", "expiry",
	"path",
};

static const struct cacheinfo {
	const char *name;
	uint8_t get_cmd, set_cmd;
	uint16_t requests, applied, errors;	/* the *-reqs set */
	uint16_t maxattr;			/* of the entry set */
	const char *const *anames;		/* maxattr + 1 names */
} caches[NCACHES] = {
	[CI_IPMAP] = { "ip-map", NLCACHE_CMD_IP_MAP_GET_REQS,
		NLCACHE_CMD_IP_MAP_SET_REQS, NLCACHE_A_IP_MAP_REQS_REQUESTS,
		NLCACHE_A_IP_MAP_REQS_APPLIED, NLCACHE_A_IP_MAP_REQS_ERRORS,
		NLCACHE_A_IP_MAP_MAX, ipmap_names },
	[CI_UNIXGID] = { "unix-gid", NLCACHE_CMD_UNIX_GID_GET_REQS,
		NLCACHE_CMD_UNIX_GID_SET_REQS, NLCACHE_A_UNIX_GID_REQS_REQUESTS,
		NLCACHE_A_UNIX_GID_REQS_APPLIED, NLCACHE_A_UNIX_GID_REQS_ERRORS,
		NLCACHE_A_UNIX_GID_MAX, unixgid_names },
	[CI_SVCEXP] = { "svc-export", NLCACHE_CMD_SVC_EXPORT_GET_REQS,
		NLCACHE_CMD_SVC_EXPORT_SET_REQS, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS,
		NLCACHE_A_SVC_EXPORT_REQS_APPLIED, NLCACHE_A_SVC_EXPORT_REQS_ERRORS,
		NLCACHE_A_SVC_EXPORT_MAX, svcexp_names },
	[CI_EXPKEY] = { "expkey", NLCACHE_CMD_EXPKEY_GET_REQS,
		NLCACHE_CMD_EXPKEY_SET_REQS, NLCACHE_A_EXPKEY_REQS_REQUESTS,
		NLCACHE_A_EXPKEY_REQS_APPLIED, NLCACHE_A_EXPKEY_REQS_ERRORS,
		NLCACHE_A_EXPKEY_MAX, expkey_names },
};

/* A name per attribute: a new attribute in the header must be named here. */
_Static_assert(ARRAY_SIZE(ipmap_names) == NLCACHE_A_IP_MAP_MAX + 1, "ip-map names");
_Static_assert(ARRAY_SIZE(unixgid_names) == NLCACHE_A_UNIX_GID_MAX + 1, "unix-gid names");
_Static_assert(ARRAY_SIZE(svcexp_names) == NLCACHE_A_SVC_EXPORT_MAX + 1, "svc-export names");
_Static_assert(ARRAY_SIZE(expkey_names) == NLCACHE_A_EXPKEY_MAX + 1, "expkey names");

static int cache_of_set_cmd(uint8_t cmd)
{
	int c;

	for (c = 0; c < NCACHES; c++)
		if (caches[c].set_cmd == cmd)
			return c;
	return CI_NONE;
}

static const char *aname(int cache, uint16_t type)
{
	static char buf[4][16];
	static unsigned int next;
	char *b;

	type = TYPE_OF(type);
	if (cache >= 0 && type <= caches[cache].maxattr)
		return caches[cache].anames[type];
	b = buf[next++ % ARRAY_SIZE(buf)];
	snprintf(b, sizeof(buf[0]), "attr-%u", type);
	return b;
}

/* ---- attribute values --------------------------------------------------- */

enum vkind {
	V_NONE,
	V_U8, V_U16, V_U32, V_U64,
	V_SEQ32,	/* u32: u + the repetition index */
	V_EXPIRY,	/* u64: now + u */
	V_EXPIRY32,	/* the same as a u32 */
	V_STR,		/* s with its NUL */
	V_STRN,		/* s without NUL */
	V_XPATH,	/* --export-path with its NUL */
	V_REP,		/* n times s[0], then NUL */
	V_BYTES,	/* n bytes of value u */
	V_U32ARR,	/* n u32s in host order: u, u + 1, ... */
	V_EMPTY,	/* no payload */
	V_GEN,		/* nested payload made by gen_bytes(u, n) */
	V_RAWLEN,	/* a header claiming nla_len u, then n zero bytes */
	V_TRAIL,	/* n raw bytes 0xee, no header */
};

struct val {
	uint8_t kind;
	uint16_t tflags;	/* NLA_F_NESTED to set on the type */
	uint64_t u;
	const char *s;
	uint32_t n;
};

#define U8(x)		.kind = V_U8, .u = (x)
#define U16(x)		.kind = V_U16, .u = (x)
#define U32(x)		.kind = V_U32, .u = (x)
#define U64(x)		.kind = V_U64, .u = (x)
#define SEQ32(x)	.kind = V_SEQ32, .u = (x)
#define EXPIRY(d)	.kind = V_EXPIRY, .u = (d)
#define EXPIRY32(d)	.kind = V_EXPIRY32, .u = (d)
#define STR(x)		.kind = V_STR, .s = (x)
#define STRN(x)		.kind = V_STRN, .s = (x)
#define XPATH		.kind = V_XPATH
#define REP(c, len)	.kind = V_REP, .s = (c), .n = (len)
#define BYTES(b, len)	.kind = V_BYTES, .u = (b), .n = (len)
#define U32ARR(x, cnt)	.kind = V_U32ARR, .u = (x), .n = (cnt)
#define EMPTY		.kind = V_EMPTY
#define GEN(g, x)	.kind = V_GEN, .u = (g), .n = (x), .tflags = NLA_F_NESTED
#define RAWLEN(l, len)	.kind = V_RAWLEN, .u = (l), .n = (len)
#define TRAIL(len)	.kind = V_TRAIL, .n = (len)
#define NESTED		.tflags = NLA_F_NESTED

/* Nested payloads. */
enum gen {
	G_FLAVOR,		/* auth-flavor: pseudoflavor n + index, flags */
	G_FLAVOR_FLAGS,		/* auth-flavor: pseudoflavor 1, flags n */
	G_FLAVOR_NOPF,		/* auth-flavor without pseudoflavor */
	G_FLAVOR_SHORT,		/* auth-flavor with a 2-byte pseudoflavor */
	G_FSLOCS,		/* fslocations with n locations */
	G_FSLOC_NOHOST,		/* one location without host */
	G_FSLOC_NOPATH,		/* one location without path */
	G_FSLOC_HOSTNONUL,	/* one location whose host has no NUL */
	G_FSLOC_FLAT,		/* a location not flagged NLA_F_NESTED */
	G_GARBAGE,		/* n bytes that are no attributes */
};

static uint32_t nest_open(struct nl_msg *m, uint16_t type);
static void nest_close(struct nl_msg *m, uint32_t off, bool wrap);

static struct nl_msg *msg_new(void)
{
	/* Big enough for the largest case (65537 empty nests). */
	struct nl_msg *m = nlmsg_alloc_size(1536 * 1024);

	if (!m)
		die("out of memory");
	return m;
}

static void xput(struct nl_msg *m, int type, int len, const void *data)
{
	if (nla_put(m, type, len, data) < 0)
		die("message buffer too small");
}

static void xput_u32(struct nl_msg *m, int type, uint32_t v)
{
	xput(m, type, sizeof(v), &v);
}

static void xput_str(struct nl_msg *m, int type, const char *s)
{
	xput(m, type, (int)strlen(s) + 1, s);
}

static const uint8_t *gen_bytes(unsigned int g, uint32_t n, uint32_t idx, uint32_t *len)
{
	struct nl_msg *s = msg_new();
	struct nlmsghdr *nlh;
	uint8_t *out;
	uint32_t i, off;
	uint16_t pf16 = 1;
	char host[48], path[48];

	switch (g) {
	case G_FLAVOR:
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, (n ? n : 1) + idx);
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, EXPORT_FLAGS);
		break;
	case G_FLAVOR_FLAGS:
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, 1);
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, n);
		break;
	case G_FLAVOR_NOPF:
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, EXPORT_FLAGS);
		break;
	case G_FLAVOR_SHORT:
		xput(s, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, sizeof(pf16), &pf16);
		xput_u32(s, NLCACHE_A_AUTH_FLAVOR_FLAGS, EXPORT_FLAGS);
		break;
	case G_FSLOCS:
		for (i = 0; i < n; i++) {
			snprintf(host, sizeof(host), "nlc-badmsg-host-%u", i);
			snprintf(path, sizeof(path), "/nlc-badmsg/%u", i);
			off = nest_open(s, NLA_F_NESTED | NLCACHE_A_FSLOCATIONS_LOCATION);
			xput_str(s, NLCACHE_A_FSLOCATION_HOST, host);
			xput_str(s, NLCACHE_A_FSLOCATION_PATH, path);
			nest_close(s, off, false);
		}
		break;
	case G_FSLOC_NOHOST:
	case G_FSLOC_NOPATH:
	case G_FSLOC_HOSTNONUL:
	case G_FSLOC_FLAT:
		off = nest_open(s, NLCACHE_A_FSLOCATIONS_LOCATION |
				(g == G_FSLOC_FLAT ? 0 : NLA_F_NESTED));
		if (g == G_FSLOC_HOSTNONUL)
			xput(s, NLCACHE_A_FSLOCATION_HOST, 6, "server");
		else if (g != G_FSLOC_NOHOST)
			xput_str(s, NLCACHE_A_FSLOCATION_HOST, "nlc-badmsg-host");
		if (g != G_FSLOC_NOPATH)
			xput_str(s, NLCACHE_A_FSLOCATION_PATH, "/nlc-badmsg");
		nest_close(s, off, false);
		break;
	case G_GARBAGE:
		for (i = 0; i < n; i++) {
			static const uint8_t pat[] = { 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe };
			uint8_t b = pat[i % sizeof(pat)];

			memcpy(nlmsg_reserve(s, 1, 0), &b, 1);
		}
		break;
	default:
		die("unknown generator %u", g);
	}
	nlh = nlmsg_hdr(s);
	*len = nlh->nlmsg_len - NLMSG_HDRLEN;
	out = aalloc(*len);
	memcpy(out, (uint8_t *)nlh + NLMSG_HDRLEN, *len);
	nlmsg_free(s);
	return out;
}

/* The payload of one attribute; lives in the arena. */
static const uint8_t *val_bytes(const struct val *v, uint32_t idx, uint32_t *len)
{
	uint8_t *b;
	uint64_t u64;
	uint32_t u32, i;
	uint16_t u16;
	const char *s;

	switch (v->kind) {
	case V_U8:
		*len = 1;
		b = aalloc(1);
		b[0] = (uint8_t)v->u;
		return b;
	case V_U16:
		u16 = (uint16_t)v->u;
		*len = sizeof(u16);
		return memcpy(aalloc(*len), &u16, *len);
	case V_U32:
	case V_SEQ32:
	case V_EXPIRY32:
		u32 = (uint32_t)v->u;
		if (v->kind == V_SEQ32)
			u32 += idx;
		if (v->kind == V_EXPIRY32)
			u32 = (uint32_t)(time(NULL) + (time_t)v->u);
		*len = sizeof(u32);
		return memcpy(aalloc(*len), &u32, *len);
	case V_U64:
	case V_EXPIRY:
		u64 = v->kind == V_EXPIRY ? (uint64_t)time(NULL) + v->u : v->u;
		*len = sizeof(u64);
		return memcpy(aalloc(*len), &u64, *len);
	case V_STR:
	case V_STRN:
	case V_XPATH:
		s = v->kind == V_XPATH ? opt_export_path : v->s;
		*len = (uint32_t)strlen(s) + (v->kind == V_STRN ? 0 : 1);
		return memcpy(aalloc(*len), s, *len);
	case V_REP:
		*len = v->n + 1;
		b = aalloc(*len);
		memset(b, v->s[0], v->n);
		b[v->n] = '\0';
		return b;
	case V_BYTES:
	case V_TRAIL:
	case V_RAWLEN:
		*len = v->n;
		b = aalloc(v->n);
		memset(b, v->kind == V_BYTES ? (int)(uint8_t)v->u :
		       v->kind == V_TRAIL ? 0xee : 0, v->n);
		return b;
	case V_U32ARR:
		*len = v->n * (uint32_t)sizeof(u32);
		b = aalloc(*len);
		for (i = 0; i < v->n; i++) {
			u32 = (uint32_t)v->u + i;
			memcpy(b + i * sizeof(u32), &u32, sizeof(u32));
		}
		return b;
	case V_EMPTY:
		*len = 0;
		return aalloc(1);
	case V_GEN:
		return gen_bytes((unsigned int)v->u, v->n, idx, len);
	}
	die("bad value kind %u", v->kind);
}

/* ---- entries: lists of attributes, mutated, then written --------------- */

enum { EA_ATTR, EA_RAWLEN, EA_BYTES };

struct eattr {
	uint16_t type;		/* with NLA_F_* flags */
	uint8_t how;		/* EA_* */
	uint16_t rawlen;	/* EA_RAWLEN: the nla_len written */
	uint32_t len;
	const uint8_t *data;
};

struct entry {
	struct eattr *a;
	size_t n, cap;
};

static struct eattr *ea_push(struct entry *e)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->a = realloc(e->a, e->cap * sizeof(*e->a));
		if (!e->a)
			die("out of memory");
	}
	memset(&e->a[e->n], 0, sizeof(e->a[0]));
	return &e->a[e->n++];
}

static void ea_set(struct eattr *a, uint16_t type, const struct val *v, uint32_t idx)
{
	a->type = type | v->tflags;
	a->how = v->kind == V_RAWLEN ? EA_RAWLEN : v->kind == V_TRAIL ? EA_BYTES : EA_ATTR;
	a->rawlen = (uint16_t)v->u;
	a->data = val_bytes(v, idx, &a->len);
}

static void ea_add(struct entry *e, uint16_t type, const struct val *v)
{
	ea_set(ea_push(e), type, v, 0);
}

static void ea_raw(struct entry *e, uint16_t type, const void *data, uint32_t len)
{
	struct eattr *a = ea_push(e);

	a->type = type;
	a->how = EA_ATTR;
	a->len = len;
	a->data = memcpy(aalloc(len), data, len);
}

static void ea_str(struct entry *e, uint16_t type, const char *s)
{
	ea_raw(e, type, s, (uint32_t)strlen(s) + 1);
}

static void entry_free(struct entry *e)
{
	free(e->a);
	memset(e, 0, sizeof(*e));
}

static int ea_find(const struct entry *e, uint16_t type)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (e->a[i].how == EA_ATTR && TYPE_OF(e->a[i].type) == type)
			return (int)i;
	return -1;
}

enum mop { M_NONE, M_DROP, M_SET, M_ADD, M_DUP };

struct mut {
	uint8_t op;
	uint16_t type;
	uint32_t count;		/* M_ADD: how many (0: 1) */
	struct val v;
};

#define NOMUT		{ .op = M_NONE }
#define DROP(t)		{ .op = M_DROP, .type = (t) }
#define SET(t, ...)	{ .op = M_SET, .type = (t), .v = { __VA_ARGS__ } }
#define ADD(t, ...)	{ .op = M_ADD, .type = (t), .v = { __VA_ARGS__ } }
#define ADDN(t, c, ...)	{ .op = M_ADD, .type = (t), .count = (c), .v = { __VA_ARGS__ } }
#define DUP(t)		{ .op = M_DUP, .type = (t) }
#define NMUT		4

static void apply_muts(struct entry *e, const struct mut *m, size_t n)
{
	size_t i, j;
	uint32_t k;
	int at;

	for (i = 0; i < n; i++, m++) {
		switch (m->op) {
		case M_NONE:
			break;
		case M_DROP:
			for (j = 0; j < e->n;)
				if (TYPE_OF(e->a[j].type) == m->type && e->a[j].how == EA_ATTR)
					memmove(&e->a[j], &e->a[j + 1], (--e->n - j) * sizeof(e->a[0]));
				else
					j++;
			break;
		case M_SET:
			at = ea_find(e, m->type);
			ea_set(at < 0 ? ea_push(e) : &e->a[at], m->type, &m->v, 0);
			break;
		case M_ADD:
			for (k = 0; k < (m->count ? m->count : 1); k++)
				ea_set(ea_push(e), m->type, &m->v, k);
			break;
		case M_DUP:
			at = ea_find(e, m->type);
			if (at < 0)
				die("DUP of an attribute the entry does not have");
			*ea_push(e) = e->a[at];
			break;
		}
	}
}

/* ---- writing messages --------------------------------------------------- */

static void *msg_grow(struct nl_msg *m, size_t len)
{
	void *p = nlmsg_reserve(m, len, 0);

	if (!p)
		die("message buffer too small (%zu more bytes)", len);
	return p;
}

static void msg_align(struct nl_msg *m)
{
	uint32_t len = nlmsg_hdr(m)->nlmsg_len;
	uint32_t pad = NLMSG_ALIGN(len) - len;

	if (pad)
		memset(msg_grow(m, pad), 0, pad);
}

static void put_raw(struct nl_msg *m, const void *data, uint32_t len)
{
	msg_align(m);
	if (len)
		memcpy(msg_grow(m, len), data, len);
}

static void put_attr(struct nl_msg *m, uint16_t type, const void *data, uint32_t len)
{
	if (len > 0xffff - NLA_HDRLEN)
		die("attribute of %u bytes does not fit nla_len", len);
	msg_align(m);
	xput(m, type, (int)len, data);
}

/* A header claiming nla_len, whatever follows. */
static void put_rawlen(struct nl_msg *m, uint16_t type, uint16_t nla_len_, const void *data,
		       uint32_t len)
{
	struct nlattr h = { .nla_len = nla_len_, .nla_type = type };

	put_raw(m, &h, sizeof(h));
	if (len)
		memcpy(msg_grow(m, len), data, len);
}

static uint32_t nest_open(struct nl_msg *m, uint16_t type)
{
	struct nlattr h = { .nla_len = NLA_HDRLEN, .nla_type = type };
	uint32_t off;

	msg_align(m);
	off = nlmsg_hdr(m)->nlmsg_len;
	memcpy(msg_grow(m, sizeof(h)), &h, sizeof(h));
	return off;
}

/* Unlike nla_nest_end(), keeps empty nests, and wraps nla_len if told to. */
static void nest_close(struct nl_msg *m, uint32_t off, bool wrap)
{
	struct nlattr *h = (struct nlattr *)((char *)nlmsg_hdr(m) + off);
	uint32_t len = nlmsg_hdr(m)->nlmsg_len - off;

	if (len > 0xffff && !wrap)
		die("nest of %u bytes does not fit nla_len", len);
	h->nla_len = (uint16_t)len;
}

static void emit_attrs(struct nl_msg *m, const struct entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const struct eattr *a = &e->a[i];

		switch (a->how) {
		case EA_ATTR:
			put_attr(m, a->type, a->data, a->len);
			break;
		case EA_RAWLEN:
			put_rawlen(m, a->type, a->rawlen, a->data, a->len);
			break;
		case EA_BYTES:
			put_raw(m, a->data, a->len);
			break;
		}
	}
}

static void emit_entry(struct nl_msg *m, uint16_t type, const struct entry *e, bool wrap)
{
	uint32_t off = nest_open(m, type);

	emit_attrs(m, e);
	nest_close(m, off, wrap);
}

/* ---- requests and what is expected of them ------------------------------ */

enum xkind { X_NONE, X_ERR, X_ACK, X_DUMP, X_STATUS, X_ENTRIES };

#define NEED_MSG	1	/* a policy rejection: an extack message */
#define NEED_WHY	2	/* an extack message or a missing-attribute report */

struct expect {
	uint8_t kind;
	uint8_t need;
	const int *errs;	/* X_ERR: one of these (NULL: any) */
};

#define XERR(e, nd)	{ .kind = X_ERR, .errs = (e), .need = (nd) }
#define XK(k)		{ .kind = (k) }

struct eexp {			/* the fate of one entry of a SET_REQS */
	const int *errs;	/* rejected with one of these (NULL: any) */
	bool ok;		/* must be applied */
	bool maybe;		/* applied or rejected, both fine (fuzz) */
};

struct outcome;

struct req {
	char title[320];
	struct nl_msg *msg;
	int family;
	uint8_t cmd;
	uint16_t nlflags;	/* besides NLM_F_REQUEST */
	uint8_t reserved;	/* the genl header's reserved byte */
	int trunc;		/* >= 0: send only this much genl payload */
	unsigned int tmult;	/* timeout multiplier */
	struct expect x[2];	/* the answer must match one of these */
	int nx;
	struct eexp *ents;	/* X_ENTRIES */
	uint32_t nents;
	const char *skip;
	bool (*local)(struct req *r, char *why, size_t n);
	const char *content;	/* a line UNIXGID_CONTENT must show afterwards */
	uint32_t sent;
};

static void req_start(struct req *r, int family, uint8_t cmd, uint16_t nlflags)
{
	r->msg = msg_new();
	r->family = family;
	r->cmd = cmd;
	r->nlflags = nlflags;
	if (!genlmsg_put(r->msg, 0, 0, family, 0, 0, cmd, NLCACHE_FAMILY_VERSION))
		die("genlmsg_put failed");
}

static void expect(struct req *r, struct expect x)
{
	r->x[0] = x;
	r->nx = 1;
}

static void expect_also(struct req *r, struct expect x)
{
	r->x[r->nx++] = x;
}

static void expect_entries(struct req *r, uint32_t n)
{
	expect(r, (struct expect)XK(X_ENTRIES));
	r->nents = n;
	r->ents = aalloc(n * sizeof(*r->ents));
}

/* ---- the cases ------------------------------------------------------------ */

struct tcase;
typedef void build_fn(struct req *r, const struct tcase *c);

enum hdrmut {
	H_NONE,
	H_DUMP,		/* NLM_F_DUMP on a do command */
	H_DO,		/* no NLM_F_DUMP on a dump command */
	H_HALFDUMP,	/* NLM_F_ROOT without NLM_F_MATCH */
	H_TRUNC0, H_TRUNC1, H_TRUNC2, H_TRUNC3,	/* genl header cut to n bytes */
	H_RESV,		/* garbage in the reserved byte */
	H_FLAGS,	/* NLM_F_ROOT on a do, NLM_F_ATOMIC on a dump */
};

enum topmut {
	T_ZERO, T_SHORTNEST, T_NOTNESTED, T_UNKNOWN, T_TYPE0, T_TRAILING,
	T_SHORTLEN, T_OVERLEN, T_OVERBATCH, T_WRAPGIDS,
};

enum variant { VB_NEG, VB_POS, VB_FULL, VB_UNKNOWN, VB_EMPTY };

struct tcase {
	const char *name;
	build_fn *build;
	uint8_t cmd;
	int8_t cache;
	uint8_t variant;
	uint8_t hdr;
	uint8_t top;
	bool always;		/* run even when --match does not select it */
	bool ok;		/* b_entry: the entry under test must be applied, */
	const int *errs;	/* else be rejected with one of these */
	const char *uidm1;	/* b_entry: then UNIXGID_CONTENT shows uid -1 with these gids */
	struct expect x, lx;	/* b_top: expected; also fine on lax kernels */
	uint32_t u;
	struct mut m[NMUT];
};

/* The key of entry k of a cache; the fixture's keys are never used. */
static void base_entry(struct entry *e, int cache, int variant, uint32_t k)
{
	char buf[64];
	uint8_t fsid[4] = { 'N', 'L', (uint8_t)(k >> 8), (uint8_t)k };

	if (variant == VB_EMPTY)
		return;
	switch (cache) {
	case CI_IPMAP:
		/* 198.18.0.0/15: benchmarking addresses, never a client here */
		snprintf(buf, sizeof(buf), "198.18.%u.%u", (k / 250) % 256, k % 250 + 1);
		ea_add(e, NLCACHE_A_IP_MAP_CLASS, &(struct val){ STR("nfsd") });
		ea_str(e, NLCACHE_A_IP_MAP_ADDR, buf);
		if (variant == VB_NEG)
			ea_add(e, NLCACHE_A_IP_MAP_NEGATIVE, &(struct val){ EMPTY });
		else
			ea_add(e, NLCACHE_A_IP_MAP_DOMAIN, &(struct val){ STR(FIXTURE_CLIENT) });
		ea_add(e, NLCACHE_A_IP_MAP_EXPIRY, &(struct val){ EXPIRY(60) });
		break;
	case CI_UNIXGID:
		ea_add(e, NLCACHE_A_UNIX_GID_UID, &(struct val){ U32(TEST_UID + k) });
		if (variant == VB_NEG) {
			ea_add(e, NLCACHE_A_UNIX_GID_NEGATIVE, &(struct val){ EMPTY });
		} else if (variant == VB_FULL) {
			ea_add(e, NLCACHE_A_UNIX_GID_GID_ARRAY, &(struct val){ U32ARR(TEST_UID, 3) });
		} else {
			ea_add(e, NLCACHE_A_UNIX_GID_GIDS, &(struct val){ U32(TEST_UID) });
			ea_add(e, NLCACHE_A_UNIX_GID_GIDS, &(struct val){ U32(TEST_UID + 1) });
		}
		ea_add(e, NLCACHE_A_UNIX_GID_EXPIRY, &(struct val){ EXPIRY(60) });
		break;
	case CI_SVCEXP:
		ea_str(e, NLCACHE_A_SVC_EXPORT_CLIENT,
		       variant == VB_UNKNOWN ? UNKNOWN_CLIENT : FIXTURE_CLIENT);
		ea_add(e, NLCACHE_A_SVC_EXPORT_PATH, &(struct val){ XPATH });
		if (variant == VB_NEG || variant == VB_UNKNOWN) {
			ea_add(e, NLCACHE_A_SVC_EXPORT_NEGATIVE, &(struct val){ EMPTY });
		} else {
			ea_add(e, NLCACHE_A_SVC_EXPORT_ANON_UID, &(struct val){ U32(ANON_ID) });
			ea_add(e, NLCACHE_A_SVC_EXPORT_ANON_GID, &(struct val){ U32(ANON_ID) });
			ea_add(e, NLCACHE_A_SVC_EXPORT_FLAGS, &(struct val){ U32(EXPORT_FLAGS) });
			ea_add(e, NLCACHE_A_SVC_EXPORT_FSID, &(struct val){ U32(EXPORT_FSID) });
		}
		if (variant == VB_FULL) {
			ea_add(e, NLCACHE_A_SVC_EXPORT_UUID, &(struct val){ BYTES(0x4e, NLCACHE_UUID_LEN) });
			ea_add(e, NLCACHE_A_SVC_EXPORT_SECINFO, &(struct val){ GEN(G_FLAVOR, 1) });
			ea_add(e, NLCACHE_A_SVC_EXPORT_FSLOCATIONS, &(struct val){ GEN(G_FSLOCS, 1) });
		}
		ea_add(e, NLCACHE_A_SVC_EXPORT_EXPIRY, &(struct val){ EXPIRY(60) });
		break;
	case CI_EXPKEY:
		ea_str(e, NLCACHE_A_EXPKEY_CLIENT,
		       variant == VB_UNKNOWN ? UNKNOWN_CLIENT : FIXTURE_CLIENT);
		ea_add(e, NLCACHE_A_EXPKEY_FSIDTYPE, &(struct val){ U8(1) });	/* FSID_NUM */
		ea_raw(e, NLCACHE_A_EXPKEY_FSID, fsid, sizeof(fsid));
		if (variant == VB_POS || variant == VB_FULL)
			ea_add(e, NLCACHE_A_EXPKEY_PATH, &(struct val){ XPATH });
		else
			ea_add(e, NLCACHE_A_EXPKEY_NEGATIVE, &(struct val){ EMPTY });
		ea_add(e, NLCACHE_A_EXPKEY_EXPIRY, &(struct val){ EXPIRY(60) });
		break;
	}
}

/* svc-export and expkey entries need a client domain that exists. */
static bool indirect(int cache)
{
	return cache == CI_SVCEXP || cache == CI_EXPKEY;
}

/*
 * Three entries: a neighbour, the entry under test, a neighbour. For
 * ip-map and unix-gid the neighbours are valid negative entries, applied.
 * For svc-export and expkey the first names a client that does not exist
 * (rejected with ENOENT, not a whole-message error) and the last is a
 * valid negative entry for the fixture's client domain.
 */
static void layout3(struct req *r, int cache, struct entry *mid, const struct eexp *x)
{
	const struct cacheinfo *ci = &caches[cache];
	struct entry e0 = { 0 }, e2 = { 0 };

	req_start(r, g_family, ci->set_cmd, NLM_F_ACK);
	base_entry(&e0, cache, indirect(cache) ? VB_UNKNOWN : VB_NEG, 1);
	base_entry(&e2, cache, VB_NEG, 3);
	emit_entry(r->msg, NLA_F_NESTED | ci->requests, &e0, false);
	emit_entry(r->msg, NLA_F_NESTED | ci->requests, mid, false);
	emit_entry(r->msg, NLA_F_NESTED | ci->requests, &e2, false);
	entry_free(&e0);
	entry_free(&e2);
	expect_entries(r, 3);
	if (indirect(cache))
		r->ents[0].errs = E_ENOENT;
	else
		r->ents[0].ok = true;
	r->ents[1] = *x;
	r->ents[2].ok = true;
}

/*
 * The content line of the unix-gid entry for uid 4294967295: the channel's
 * parser takes that uid as -1, which maps to no uid, and the entry is
 * shown with the overflow uid (from_kuid_munged()).
 */
static const char *uidm1_line(const char *gids)
{
	char *b = aalloc(128);

	snprintf(b, 128, "%u %s", g_overflowuid, gids);
	return b;
}

static void b_entry(struct req *r, const struct tcase *c)
{
	struct entry e = { 0 };
	struct eexp x = { .errs = c->errs, .ok = c->ok };

	base_entry(&e, c->cache, c->variant, 2);
	apply_muts(&e, c->m, NMUT);
	layout3(r, c->cache, &e, &x);
	entry_free(&e);
	if (c->uidm1)
		r->content = uidm1_line(c->uidm1);
}

/* The base message of a command, for the header mutations. */
static void b_cmd(struct req *r, const struct tcase *c)
{
	const struct cmdinfo *ci = cmdinfo(c->cmd);
	struct entry e = { 0 };
	int cache;

	req_start(r, g_family, c->cmd, ci->kind == K_DUMP ? NLM_F_DUMP : NLM_F_ACK);
	switch (c->cmd) {
	case NLCACHE_CMD_REGISTER:
		/* never a valid mask: this socket must not become the daemon */
		xput_u32(r->msg, NLCACHE_A_REGISTER_CACHES, 0x100);
		expect(r, (struct expect)XERR(E_POLICY, NEED_WHY));
		break;
	case NLCACHE_CMD_UNREGISTER:
		expect(r, (struct expect)XERR(E_ENOENT, 0));
		break;
	case NLCACHE_CMD_IP_MAP_GET_REQS:
	case NLCACHE_CMD_UNIX_GID_GET_REQS:
	case NLCACHE_CMD_SVC_EXPORT_GET_REQS:
	case NLCACHE_CMD_EXPKEY_GET_REQS:
		expect(r, (struct expect)XK(X_DUMP));
		break;
	case NLCACHE_CMD_IP_MAP_SET_REQS:
	case NLCACHE_CMD_UNIX_GID_SET_REQS:
	case NLCACHE_CMD_SVC_EXPORT_SET_REQS:
	case NLCACHE_CMD_EXPKEY_SET_REQS:
		cache = cache_of_set_cmd(c->cmd);
		base_entry(&e, cache, indirect(cache) ? VB_UNKNOWN : VB_NEG, 4);
		emit_entry(r->msg, NLA_F_NESTED | caches[cache].requests, &e, false);
		entry_free(&e);
		expect_entries(r, 1);
		if (indirect(cache))
			r->ents[0].errs = E_ENOENT;
		else
			r->ents[0].ok = true;
		break;
	case NLCACHE_CMD_CACHE_FLUSH:
		/* never a valid mask: nothing is flushed */
		xput_u32(r->msg, NLCACHE_A_CACHE_FLUSH_MASK, 0x10);
		expect(r, (struct expect)XERR(E_POLICY, NEED_WHY));
		break;
	case NLCACHE_CMD_STATUS_GET:
		expect(r, (struct expect)XK(X_STATUS));
		break;
	default:
		expect(r, (struct expect)XERR(e_opnotsupp, 0));
		break;
	}
}

/* A command with top-level attributes from c->m (M_ADD only). */
static void b_top(struct req *r, const struct tcase *c)
{
	const struct cmdinfo *ci = cmdinfo(c->cmd);
	struct entry e = { 0 };

	req_start(r, g_family, c->cmd, ci->kind == K_DUMP ? NLM_F_DUMP : NLM_F_ACK);
	apply_muts(&e, c->m, NMUT);
	emit_attrs(r->msg, &e);
	entry_free(&e);
	expect(r, c->x);
	/*
	 * Before resv_start_op (5.10) an op without a policy ignores its
	 * attributes; from 6.1 the core rejects them all.
	 */
	if (c->lx.kind && !g_core_resv)
		expect_also(r, c->lx);
}

/* A second daemon: EBUSY, tried only while one is registered. */
static void b_register_busy(struct req *r, const struct tcase *c)
{
	req_start(r, g_family, NLCACHE_CMD_REGISTER, NLM_F_ACK);
	xput_u32(r->msg, NLCACHE_A_REGISTER_CACHES, NLCACHE_CACHE_TYPE_IP_MAP);
	expect(r, (struct expect)XERR(e_busy, 0));
	if (!g_daemon_portid)
		r->skip = "no daemon is registered (STATUS_GET daemon-portid 0)";
	(void)c;
}

/* Whole-message errors of the SET_REQS commands. */
static void b_settop(struct req *r, const struct tcase *c)
{
	const struct cacheinfo *ci = &caches[c->cache];
	uint16_t rq = ci->requests;
	struct entry good = { 0 };
	uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint32_t i, off;

	req_start(r, g_family, ci->set_cmd, NLM_F_ACK);
	base_entry(&good, c->cache, indirect(c->cache) ? VB_UNKNOWN : VB_NEG, 5);
	expect(r, (struct expect)XERR(E_INVAL, NEED_MSG));
	switch (c->top) {
	case T_ZERO:
		expect(r, (struct expect)XERR(E_INVAL, NEED_WHY));
		break;
	case T_SHORTNEST:
		put_attr(r->msg, NLA_F_NESTED | rq, junk, 2);
		expect(r, (struct expect)XERR(E_POLICY, NEED_MSG));
		break;
	case T_NOTNESTED:
		emit_entry(r->msg, rq, &good, false);
		break;
	case T_UNKNOWN:
		emit_entry(r->msg, NLA_F_NESTED | rq, &good, false);
		put_attr(r->msg, 99, junk, 4);
		break;
	case T_TYPE0:
		emit_entry(r->msg, NLA_F_NESTED | rq, &good, false);
		put_attr(r->msg, 0, junk, 4);
		break;
	case T_TRAILING:
		emit_entry(r->msg, NLA_F_NESTED | rq, &good, false);
		put_raw(r->msg, junk, 3);
		break;
	case T_SHORTLEN:
		emit_entry(r->msg, NLA_F_NESTED | rq, &good, false);
		put_rawlen(r->msg, NLA_F_NESTED | rq, 2, NULL, 0);
		break;
	case T_OVERLEN:
		emit_entry(r->msg, NLA_F_NESTED | rq, &good, false);
		put_rawlen(r->msg, NLA_F_NESTED | rq, 512, junk, sizeof(junk));
		break;
	case T_OVERBATCH:
		for (i = 0; i < NLCACHE_MAX_BATCH + 1; i++)
			nest_close(r->msg, nest_open(r->msg, NLA_F_NESTED | rq), false);
		expect(r, (struct expect)XERR(e_batch, NEED_WHY));
		r->tmult = 4;
		break;
	case T_WRAPGIDS:
		/*
		 * 8193 gids take 65544 bytes: no nest can hold them. Written
		 * anyway, the nest's nla_len wraps and most gids land at the
		 * top level, where they are not allowed.
		 */
		off = nest_open(r->msg, NLA_F_NESTED | rq);
		xput_u32(r->msg, NLCACHE_A_UNIX_GID_UID, TEST_UID + 5);
		put_attr(r->msg, NLCACHE_A_UNIX_GID_EXPIRY,
			 val_bytes(&(struct val){ EXPIRY(60) }, 0, &i), 8);
		for (i = 0; i < NLCACHE_MAX_GIDS + 1; i++)
			xput_u32(r->msg, NLCACHE_A_UNIX_GID_GIDS, 100000 + i);
		nest_close(r->msg, off, true);
		expect(r, (struct expect)XERR(E_POLICY, NEED_MSG));
		break;
	}
	entry_free(&good);
}

/* Batches: entries good and bad, the reply must name exactly the bad ones. */
struct bkind {
	uint8_t variant;
	const int *errs;
	struct mut m[2];
	const char *uidm1;	/* not malformed: applied, and content shows it */
};

static const struct bkind batch_ipmap[] = {
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_IP_MAP_CLASS) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_IP_MAP_EXPIRY, EXPIRY32(60)) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_IP_MAP_CLASS, STR("nfsd-nfsd")) } },
	{ VB_NEG, E_INVAL, { SET(NLCACHE_A_IP_MAP_ADDR, STR("nlc-badmsg-not-an-address")) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_IP_MAP_CLASS, STRN("nfsd")) } },
	{ VB_NEG, E_INVAL, { ADD(99, U32(0)) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_IP_MAP_NEGATIVE, U32(1)) } },
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_IP_MAP_EXPIRY) } },
	{ VB_EMPTY, E_INVAL, { NOMUT } },
};

static const struct bkind batch_unixgid[] = {
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_UNIX_GID_UID) } },
	/* the channel takes it (as -1): applied */
	{ VB_POS, NULL, { SET(NLCACHE_A_UNIX_GID_UID, U32(0xffffffff)) }, "2: 4242400 4242401" },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_UNIX_GID_UID, U8(1)) } },
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_UNIX_GID_EXPIRY) } },
	{ VB_POS, E_INVAL, { ADD(NLCACHE_A_UNIX_GID_GIDS, U32(0xffffffff)) } },
};

static const struct bkind batch_svcexp[] = {
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_SVC_EXPORT_PATH) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_SVC_EXPORT_CLIENT, STRN(FIXTURE_CLIENT)) } },
	{ VB_POS, E_POLICY, { ADD(NLCACHE_A_SVC_EXPORT_UUID, BYTES(0x11, 15)) } },
	{ VB_POS, E_POLICY, { SET(NLCACHE_A_SVC_EXPORT_FLAGS, U32(EXPORT_FLAGS | 0x40000)) } },
	{ VB_POS, E_POLICY, { ADD(NLCACHE_A_SVC_EXPORT_XPRTSEC, U32(8)) } },
};

static const struct bkind batch_expkey[] = {
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_EXPKEY_FSIDTYPE, U8(8)) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_EXPKEY_FSID, BYTES(0x4e, 8)) } },
	{ VB_NEG, E_INVAL, { DROP(NLCACHE_A_EXPKEY_CLIENT) } },
	{ VB_NEG, E_POLICY, { SET(NLCACHE_A_EXPKEY_EXPIRY, U8(1)) } },
};

static const struct {
	const struct bkind *k;
	size_t n;
	uint32_t every;		/* bad: every this many, and the last */
} batches[NCACHES] = {
	[CI_IPMAP] = { batch_ipmap, ARRAY_SIZE(batch_ipmap), 97 },
	[CI_UNIXGID] = { batch_unixgid, ARRAY_SIZE(batch_unixgid), 37 },
	[CI_SVCEXP] = { batch_svcexp, ARRAY_SIZE(batch_svcexp), 7 },
	[CI_EXPKEY] = { batch_expkey, ARRAY_SIZE(batch_expkey), 7 },
};

static void b_batch(struct req *r, const struct tcase *c)
{
	const struct cacheinfo *ci = &caches[c->cache];
	uint32_t i, n = c->u, nbad = 0, nunknown = 0, nuidm1 = 0;

	req_start(r, g_family, ci->set_cmd, NLM_F_ACK);
	expect_entries(r, n);
	r->tmult = 12;
	for (i = 0; i < n; i++) {
		struct entry e = { 0 };

		if (i % batches[c->cache].every == 1 || i == n - 1) {
			const struct bkind *b = &batches[c->cache].k[nbad++ % batches[c->cache].n];

			base_entry(&e, c->cache, b->variant, i);
			apply_muts(&e, b->m, ARRAY_SIZE(b->m));
			if (b->uidm1) {
				r->ents[i].ok = true;
				r->content = uidm1_line(b->uidm1);
				nuidm1++;
			} else {
				r->ents[i].errs = b->errs;
			}
		} else if (indirect(c->cache) && i % 5 == 0) {
			base_entry(&e, c->cache, VB_UNKNOWN, i);
			r->ents[i].errs = E_ENOENT;
			nunknown++;
		} else {
			base_entry(&e, c->cache, VB_NEG, i);
			r->ents[i].ok = true;
		}
		emit_entry(r->msg, NLA_F_NESTED | ci->requests, &e, false);
		entry_free(&e);
	}
	nbad -= nuidm1;
	if (nunknown)
		snprintf(r->title, sizeof(r->title),
			 "%s: %u malformed, %u for an unknown client, %u good", c->name, nbad,
			 nunknown, n - nbad - nunknown);
	else if (nuidm1)
		snprintf(r->title, sizeof(r->title),
			 "%s: %u malformed, %u good (%u of them for uid 4294967295)", c->name, nbad,
			 n - nbad, nuidm1);
	else
		snprintf(r->title, sizeof(r->title), "%s: %u malformed, %u good", c->name, nbad,
			 n - nbad);
}

/* auth.unix.ip 192.0.2.77 -> nlc-badmsg-domain: makes the client domain. */
static void b_fixture(struct req *r, const struct tcase *c)
{
	struct entry e = { 0 };

	req_start(r, g_family, NLCACHE_CMD_IP_MAP_SET_REQS, NLM_F_ACK);
	ea_str(&e, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	ea_str(&e, NLCACHE_A_IP_MAP_ADDR, FIXTURE_ADDR);
	ea_str(&e, NLCACHE_A_IP_MAP_DOMAIN, FIXTURE_CLIENT);
	ea_add(&e, NLCACHE_A_IP_MAP_EXPIRY, &(struct val){ EXPIRY(c->u) });
	emit_entry(r->msg, NLA_F_NESTED | NLCACHE_A_IP_MAP_REQS_REQUESTS, &e, false);
	entry_free(&e);
	expect_entries(r, 1);
	r->ents[0].ok = true;
}

static void b_status(struct req *r, const struct tcase *c)
{
	req_start(r, g_family, NLCACHE_CMD_STATUS_GET, NLM_F_ACK);
	expect(r, (struct expect)XK(X_STATUS));
	(void)c;
}

static void b_dump(struct req *r, const struct tcase *c)
{
	req_start(r, g_family, c->cmd, NLM_F_DUMP);
	expect(r, (struct expect)XK(X_DUMP));
}

static bool family_unchanged(struct req *r, char *why, size_t n)
{
	int id = nlt_resolve_family(NLCACHE_FAMILY_NAME);

	(void)r;
	if (id == g_family) {
		snprintf(why, n, "id %d", id);
		return true;
	}
	if (id < 0)
		snprintf(why, n, "cannot resolve the family any more: %s", nl_geterror(id));
	else
		snprintf(why, n, "the family's id changed from %d to %d (module reloaded?)",
			 g_family, id);
	return false;
}

static void b_family(struct req *r, const struct tcase *c)
{
	r->local = family_unchanged;
	(void)c;
}

/* ---- the payload fuzzer ------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(splitmix(s) % n);
}

static void fuzz_entry(struct entry *e, int cache, uint64_t *st, char *sum, size_t n)
{
	uint32_t ops = 1 + rnd(st, 3), i, j, pos, by;
	size_t len = 0;

	sum[0] = '\0';
	for (i = 0; i < ops && e->n; i++) {
		struct eattr *a = &e->a[rnd(st, (uint32_t)e->n)];
		uint32_t op = rnd(st, 100);
		const char *an = aname(cache, a->type);
		uint8_t *d;

		if (len)
			len += (size_t)snprintf(sum + len, n - len, ", ");
		if (a->len == 0 && op < 67)
			op = 67 + op % 12;	/* nothing to flip: grow it */
		if (op < 67) {
			d = memcpy(aalloc(a->len), a->data, a->len);
			pos = rnd(st, a->len);
			if (op < 40) {
				by = 1 + rnd(st, 255);
				d[pos] ^= (uint8_t)by;
				len += (size_t)snprintf(sum + len, n - len, "%s[%u]^=0x%02x", an, pos, by);
			} else if (op < 55) {
				by = rnd(st, 3) == 0 ? 0 : rnd(st, 2) ? 0xff : rnd(st, 256);
				d[pos] = (uint8_t)by;
				len += (size_t)snprintf(sum + len, n - len, "%s[%u]=0x%02x", an, pos, by);
			} else {
				by = 1 + rnd(st, a->len < 4 ? a->len : 4);
				a->len -= by;
				len += (size_t)snprintf(sum + len, n - len, "%s cut by %u", an, by);
			}
			a->data = d;
		} else if (op < 79) {
			by = 1 + rnd(st, 4);
			d = aalloc(a->len + by);
			memcpy(d, a->data, a->len);
			for (j = 0; j < by; j++)
				d[a->len + j] = (uint8_t)rnd(st, 256);
			a->len += by;
			a->data = d;
			len += (size_t)snprintf(sum + len, n - len, "%s grown by %u", an, by);
		} else if (op < 88) {
			uint16_t t = (uint16_t)(1 + rnd(st, caches[cache].maxattr + 2));

			len += (size_t)snprintf(sum + len, n - len, "%s retyped %s", an,
						aname(cache, t));
			a->type = (uint16_t)((a->type & ~0x3fff) | t);
		} else if (op < 94) {
			struct eattr copy = *a;

			*ea_push(e) = copy;
			len += (size_t)snprintf(sum + len, n - len, "%s twice", an);
		} else {
			len += (size_t)snprintf(sum + len, n - len, "%s dropped", an);
			memmove(a, a + 1, (size_t)(&e->a[e->n - 1] - a) * sizeof(*a));
			e->n--;
		}
	}
}

static void b_fuzz(struct req *r, const struct tcase *c)
{
	static const uint8_t variants[NCACHES][3] = {
		[CI_IPMAP] = { VB_NEG, VB_POS, VB_POS },
		[CI_UNIXGID] = { VB_NEG, VB_POS, VB_FULL },
		[CI_SVCEXP] = { VB_NEG, VB_POS, VB_FULL },
		[CI_EXPKEY] = { VB_NEG, VB_POS, VB_POS },
	};
	static const char *const vnames[] = {
		[VB_NEG] = "negative", [VB_POS] = "positive", [VB_FULL] = "full",
	};
	uint64_t st = opt_seed * 0x2545f4914f6cdd1dULL + c->u;
	struct eexp x = { .maybe = true };
	struct entry e = { 0 };
	char sum[200];
	int cache, v;

	splitmix(&st);
	cache = (int)rnd(&st, NCACHES);
	v = variants[cache][rnd(&st, 3)];
	base_entry(&e, cache, v, 2);
	fuzz_entry(&e, cache, &st, sum, sizeof(sum));
	layout3(r, cache, &e, &x);
	entry_free(&e);
	snprintf(r->title, sizeof(r->title), "fuzz %u/%u (seed %" PRIu64 "): %s %s entry: %s",
		 c->u + 1, opt_fuzz, opt_seed, caches[cache].name, vnames[v], sum);
}

/* ---- the tables ----------------------------------------------------------- */

#define IP(a)	NLCACHE_A_IP_MAP_##a
#define UG(a)	NLCACHE_A_UNIX_GID_##a
#define SE(a)	NLCACHE_A_SVC_EXPORT_##a
#define EK(a)	NLCACHE_A_EXPKEY_##a

#define ENTRY(c, pfx, n, v, e, ...) \
	{ .name = pfx n, .build = b_entry, .cache = (c), .variant = (v), .errs = (e), \
	  .m = { __VA_ARGS__ } }
#define CONTROL(c, pfx, n, v, ...) \
	{ .name = pfx "control: " n " is applied", .build = b_entry, .cache = (c), \
	  .variant = (v), .ok = true, .m = { __VA_ARGS__ } }

#define IPE(n, v, e, ...)	ENTRY(CI_IPMAP, "ip-map entry: ", n, v, e, __VA_ARGS__)
#define UGE(n, v, e, ...)	ENTRY(CI_UNIXGID, "unix-gid entry: ", n, v, e, __VA_ARGS__)
#define SEE(n, v, e, ...)	ENTRY(CI_SVCEXP, "svc-export entry: ", n, v, e, __VA_ARGS__)
#define EKE(n, v, e, ...)	ENTRY(CI_EXPKEY, "expkey entry: ", n, v, e, __VA_ARGS__)

static const struct tcase ipmap_cases[] = {
	IPE("no class", VB_NEG, E_INVAL, DROP(IP(CLASS))),
	IPE("no addr", VB_NEG, E_INVAL, DROP(IP(ADDR))),
	IPE("no expiry", VB_NEG, E_INVAL, DROP(IP(EXPIRY))),
	IPE("neither domain nor negative", VB_NEG, E_INVAL, DROP(IP(NEGATIVE))),
	IPE("class of 8 chars (7 at most)", VB_NEG, E_POLICY, SET(IP(CLASS), STR("nfsdnfsd"))),
	IPE("class of 9 chars", VB_NEG, E_POLICY, SET(IP(CLASS), STR("nfsd-nfsd"))),
	IPE("class of 300 chars", VB_NEG, E_POLICY, SET(IP(CLASS), REP("c", 300))),
	IPE("class without NUL", VB_NEG, E_POLICY, SET(IP(CLASS), STRN("nfsd"))),
	IPE("class with no payload", VB_NEG, E_POLICY, SET(IP(CLASS), EMPTY)),
	IPE("class empty string", VB_NEG, E_POLICY, SET(IP(CLASS), STR(""))),
	IPE("class as a u32 (no NUL)", VB_NEG, E_POLICY, SET(IP(CLASS), U32(0x6473666e))),
	IPE("class flagged NLA_F_NESTED", VB_NEG, E_POLICY, SET(IP(CLASS), STR("nfsd"), NESTED)),
	IPE("addr without NUL", VB_NEG, E_POLICY, SET(IP(ADDR), STRN("198.18.0.9"))),
	IPE("addr that is no address", VB_NEG, E_INVAL, SET(IP(ADDR), STR("nlc-badmsg-not-an-address"))),
	IPE("addr 198.18.0.256", VB_NEG, E_INVAL, SET(IP(ADDR), STR("198.18.0.256"))),
	IPE("addr empty string", VB_NEG, E_INVAL, SET(IP(ADDR), STR(""))),
	IPE("addr as 4 binary bytes", VB_NEG, E_POLICY, SET(IP(ADDR), BYTES(0xc6, 4))),
	IPE("addr of 5000 chars", VB_NEG, E_LONG, SET(IP(ADDR), REP("1", 5000))),
	IPE("domain without NUL", VB_POS, E_POLICY, SET(IP(DOMAIN), STRN(FIXTURE_CLIENT))),
	IPE("domain of 64K (65400 chars)", VB_POS, E_LONG, SET(IP(DOMAIN), REP("d", 65400))),
	IPE("domain as a u32 (no NUL)", VB_POS, E_POLICY, SET(IP(DOMAIN), U32(0x41414141))),
	IPE("negative flag with a u32 payload", VB_NEG, E_POLICY, SET(IP(NEGATIVE), U32(1))),
	IPE("negative flag with a 1-byte payload", VB_NEG, E_POLICY, SET(IP(NEGATIVE), U8(1))),
	IPE("expiry as u32 (u64 expected)", VB_NEG, E_POLICY, SET(IP(EXPIRY), EXPIRY32(60))),
	IPE("expiry of 1 byte", VB_NEG, E_POLICY, SET(IP(EXPIRY), U8(1))),
	IPE("expiry of 12 bytes", VB_NEG, E_POLICY, SET(IP(EXPIRY), BYTES(0x7f, 12))),
	IPE("expiry with no payload", VB_NEG, E_POLICY, SET(IP(EXPIRY), EMPTY)),
	IPE("expiry flagged NLA_F_NESTED", VB_NEG, E_POLICY, SET(IP(EXPIRY), EXPIRY(60), NESTED)),
	IPE("expiry in the past", VB_NEG, E_INVAL, SET(IP(EXPIRY), U64(1))),
	IPE("both domain and negative", VB_NEG, E_INVAL, ADD(IP(DOMAIN), STR(FIXTURE_CLIENT))),
	IPE("seqno as u32 (u64 expected)", VB_NEG, E_POLICY, ADD(IP(SEQNO), U32(7))),
	IPE("seqno of 3 bytes", VB_NEG, E_POLICY, ADD(IP(SEQNO), BYTES(1, 3))),
	IPE("unknown attribute 99", VB_NEG, E_INVAL, ADD(99, U32(0))),
	IPE("attribute one past the set's last", VB_NEG, E_INVAL, ADD(IP(MAX) + 1, U32(0))),
	IPE("attribute whose nla_len is 2", VB_NEG, E_INVAL, ADD(IP(CLASS), RAWLEN(2, 0))),
	IPE("attribute longer than its nest", VB_NEG, E_INVAL, ADD(IP(DOMAIN), RAWLEN(64, 4))),
	IPE("2 stray bytes at the end of the nest", VB_NEG, E_INVAL, ADD(0, TRAIL(2))),
	IPE("class twice", VB_NEG, E_ANY, DUP(IP(CLASS))),
	IPE("addr twice (two addresses)", VB_NEG, E_ANY, ADD(IP(ADDR), STR("198.18.0.250"))),
	IPE("expiry twice", VB_NEG, E_ANY, DUP(IP(EXPIRY))),
	IPE("negative twice", VB_NEG, E_ANY, DUP(IP(NEGATIVE))),
	IPE("domain twice", VB_POS, E_ANY, DUP(IP(DOMAIN))),
	IPE("empty nest", VB_EMPTY, E_INVAL, NOMUT),
	IPE("nest of 8 bytes that are no attributes", VB_EMPTY, E_INVAL, ADD(0, TRAIL(8))),
	CONTROL(CI_IPMAP, "ip-map entry: ", "well-formed negative", VB_NEG, NOMUT),
	CONTROL(CI_IPMAP, "ip-map entry: ", "well-formed positive", VB_POS, NOMUT),
};

static const struct tcase unixgid_cases[] = {
	UGE("no uid", VB_NEG, E_INVAL, DROP(UG(UID))),
	UGE("no expiry", VB_NEG, E_INVAL, DROP(UG(EXPIRY))),
	UGE("uid of 1 byte", VB_NEG, E_POLICY, SET(UG(UID), U8(1))),
	UGE("uid of 2 bytes", VB_NEG, E_POLICY, SET(UG(UID), U16(1000))),
	UGE("uid as u64", VB_NEG, E_POLICY, SET(UG(UID), U64(TEST_UID))),
	UGE("uid as a string", VB_NEG, E_POLICY, SET(UG(UID), STR("4242400"))),
	{ .name = "unix-gid entry: uid 0xffffffff is applied, as the channel takes it (uid -1)",
	  .build = b_entry, .cache = CI_UNIXGID, .variant = VB_FULL, .ok = true,
	  .uidm1 = "3: 4242400 4242401 4242402", .m = { SET(UG(UID), U32(0xffffffff)) } },
	UGE("gid 0xffffffff (no valid id)", VB_POS, E_INVAL, ADD(UG(GIDS), U32(0xffffffff))),
	UGE("gid of 2 bytes", VB_POS, E_POLICY, ADD(UG(GIDS), U16(100))),
	UGE("gid as u64", VB_POS, E_POLICY, ADD(UG(GIDS), U64(100))),
	UGE("gids flagged NLA_F_NESTED", VB_POS, E_POLICY, ADD(UG(GIDS), U32(100), NESTED)),
	UGE("negative flag with a u32 payload", VB_NEG, E_POLICY, SET(UG(NEGATIVE), U32(1))),
	UGE("expiry as u32", VB_NEG, E_POLICY, SET(UG(EXPIRY), EXPIRY32(60))),
	UGE("expiry with no payload", VB_NEG, E_POLICY, SET(UG(EXPIRY), EMPTY)),
	UGE("expiry in the past", VB_NEG, E_INVAL, SET(UG(EXPIRY), U64(1))),
	UGE("negative with gids", VB_NEG, E_INVAL, ADD(UG(GIDS), U32(TEST_UID))),
	UGE("negative with a gid-array", VB_NEG, E_INVAL, ADD(UG(GID_ARRAY), U32ARR(TEST_UID, 2))),
	UGE("gid-array of 8193 gids (8192 at most)", VB_NEG, E_COUNT, DROP(UG(NEGATIVE)),
	    ADD(UG(GID_ARRAY), U32ARR(100000, 8193))),
	UGE("8000 gids plus a gid-array of 193 (8193 in all)", VB_NEG, E_COUNT, DROP(UG(NEGATIVE)),
	    ADDN(UG(GIDS), 8000, SEQ32(100000)), ADD(UG(GID_ARRAY), U32ARR(108000, 193))),
	UGE("gid-array of 6 bytes (not u32s)", VB_FULL, E_INVAL, SET(UG(GID_ARRAY), BYTES(1, 6))),
	UGE("gid-array holding 0xffffffff (no valid id)", VB_FULL, E_INVAL,
	    SET(UG(GID_ARRAY), U32ARR(0xfffffffe, 2))),
	UGE("gid-array flagged NLA_F_NESTED", VB_FULL, E_POLICY,
	    SET(UG(GID_ARRAY), U32ARR(TEST_UID, 2), NESTED)),
	UGE("gid-array twice", VB_FULL, E_ANY, DUP(UG(GID_ARRAY))),
	UGE("seqno as u32", VB_NEG, E_POLICY, ADD(UG(SEQNO), U32(1))),
	UGE("unknown attribute 99", VB_NEG, E_INVAL, ADD(99, U32(0))),
	UGE("uid twice (two uids)", VB_NEG, E_ANY, ADD(UG(UID), U32(TEST_UID + 99))),
	UGE("uid twice", VB_NEG, E_ANY, DUP(UG(UID))),
	UGE("expiry twice", VB_NEG, E_ANY, DUP(UG(EXPIRY))),
	UGE("negative twice", VB_NEG, E_ANY, DUP(UG(NEGATIVE))),
	UGE("empty nest", VB_EMPTY, E_INVAL, NOMUT),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "well-formed negative", VB_NEG, NOMUT),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "well-formed with 2 gids", VB_POS, NOMUT),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "8188 gids (the most one nest can carry)",
		VB_NEG, DROP(UG(NEGATIVE)), ADDN(UG(GIDS), 8188, SEQ32(100000))),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "a gid-array of 3 gids", VB_FULL, NOMUT),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "a gid-array of 8192 gids (the most)", VB_NEG,
		DROP(UG(NEGATIVE)), ADD(UG(GID_ARRAY), U32ARR(100000, 8192))),
	CONTROL(CI_UNIXGID, "unix-gid entry: ", "2 gids plus a gid-array of 3", VB_POS,
		ADD(UG(GID_ARRAY), U32ARR(TEST_UID + 10, 3))),
};

static const struct tcase svcexp_cases[] = {
	SEE("no client", VB_NEG, E_INVAL, DROP(SE(CLIENT))),
	SEE("no path", VB_NEG, E_INVAL, DROP(SE(PATH))),
	SEE("no expiry", VB_NEG, E_INVAL, DROP(SE(EXPIRY))),
	SEE("positive without flags", VB_POS, E_INVAL, DROP(SE(FLAGS))),
	SEE("client without NUL", VB_NEG, E_POLICY, SET(SE(CLIENT), STRN(FIXTURE_CLIENT))),
	SEE("client empty string", VB_NEG, ERRS(EINVAL, ENOENT), SET(SE(CLIENT), STR(""))),
	SEE("client as a u32 (no NUL)", VB_NEG, E_POLICY, SET(SE(CLIENT), U32(0x2d636c6e))),
	SEE("path without NUL", VB_POS, E_POLICY, SET(SE(PATH), STRN("/"))),
	SEE("path of 4096 chars (4097 with NUL)", VB_POS, E_LONG, SET(SE(PATH), REP("/", 4096))),
	SEE("path of 8000 chars", VB_POS, E_LONG, SET(SE(PATH), REP("/", 8000))),
	SEE("path that does not exist", VB_POS, E_ENOENT, SET(SE(PATH), STR(MISSING_PATH))),
	SEE("path empty string", VB_POS, ERRS(EINVAL, ENOENT), SET(SE(PATH), STR(""))),
	SEE("negative flag with a 1-byte payload", VB_NEG, E_POLICY, SET(SE(NEGATIVE), U8(1))),
	SEE("expiry as u32", VB_NEG, E_POLICY, SET(SE(EXPIRY), EXPIRY32(60))),
	SEE("expiry in the past", VB_POS, E_INVAL, SET(SE(EXPIRY), U64(1))),
	SEE("uuid of 15 bytes", VB_POS, E_POLICY, ADD(SE(UUID), BYTES(0x11, 15))),
	SEE("uuid of 17 bytes", VB_POS, E_POLICY, ADD(SE(UUID), BYTES(0x11, 17))),
	SEE("uuid with no payload", VB_POS, E_POLICY, ADD(SE(UUID), EMPTY)),
	SEE("anon-uid 0xffffffff (no valid id)", VB_POS, E_INVAL, SET(SE(ANON_UID), U32(0xffffffff))),
	SEE("anon-gid 0xffffffff (no valid id)", VB_POS, E_INVAL, SET(SE(ANON_GID), U32(0xffffffff))),
	SEE("anon-uid as u64", VB_POS, E_POLICY, SET(SE(ANON_UID), U64(ANON_ID))),
	SEE("anon-gid of 2 bytes", VB_POS, E_POLICY, SET(SE(ANON_GID), U16(ANON_ID))),
	SEE("flags outside the mask (0x40000)", VB_POS, E_POLICY,
	    SET(SE(FLAGS), U32(EXPORT_FLAGS | 0x40000))),
	SEE("flags with bit 31", VB_POS, E_POLICY, SET(SE(FLAGS), U32(EXPORT_FLAGS | 0x80000000u))),
	SEE("flags as u64", VB_POS, E_POLICY, SET(SE(FLAGS), U64(EXPORT_FLAGS))),
	SEE("fsid as u64", VB_POS, E_POLICY, SET(SE(FSID), U64(EXPORT_FSID))),
	SEE("fsid of 1 byte", VB_POS, E_POLICY, SET(SE(FSID), U8(1))),
	SEE("9 secinfo flavors (8 at most)", VB_POS, E_COUNT,
	    ADDN(SE(SECINFO), 9, GEN(G_FLAVOR, 1))),
	SEE("secinfo without pseudoflavor", VB_POS, E_INVAL, ADD(SE(SECINFO), GEN(G_FLAVOR_NOPF, 0))),
	SEE("secinfo with a 2-byte pseudoflavor", VB_POS, E_POLICY,
	    ADD(SE(SECINFO), GEN(G_FLAVOR_SHORT, 0))),
	SEE("secinfo flags outside the mask", VB_POS, E_POLICY,
	    ADD(SE(SECINFO), GEN(G_FLAVOR_FLAGS, EXPORT_FLAGS | 0x40000))),
	SEE("secinfo flags differing from the export's in no_subtree_check", VB_POS, E_INVAL,
	    ADD(SE(SECINFO), GEN(G_FLAVOR_FLAGS,
				 EXPORT_FLAGS & ~NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK))),
	SEE("secinfo as a u32, not a nest", VB_POS, E_POLICY, ADD(SE(SECINFO), U32(1))),
	SEE("secinfo nest of 8 bytes that are no attributes", VB_POS, E_POLICY,
	    ADD(SE(SECINFO), GEN(G_GARBAGE, 8))),
	SEE("129 fslocations (128 at most)", VB_POS, E_COUNT,
	    ADD(SE(FSLOCATIONS), GEN(G_FSLOCS, 129))),
	SEE("fslocation without host", VB_POS, E_INVAL, ADD(SE(FSLOCATIONS), GEN(G_FSLOC_NOHOST, 0))),
	SEE("fslocation without path", VB_POS, E_INVAL, ADD(SE(FSLOCATIONS), GEN(G_FSLOC_NOPATH, 0))),
	SEE("fslocation host without NUL", VB_POS, E_POLICY,
	    ADD(SE(FSLOCATIONS), GEN(G_FSLOC_HOSTNONUL, 0))),
	SEE("fslocation not flagged NLA_F_NESTED", VB_POS, E_POLICY,
	    ADD(SE(FSLOCATIONS), GEN(G_FSLOC_FLAT, 0))),
	SEE("fslocations as a u32, not a nest", VB_POS, E_POLICY, ADD(SE(FSLOCATIONS), U32(1))),
	SEE("xprtsec 3 (two modes in one value)", VB_POS, E_POLICY, ADD(SE(XPRTSEC), U32(3))),
	SEE("xprtsec 8 (outside the mask)", VB_POS, E_POLICY, ADD(SE(XPRTSEC), U32(8))),
	SEE("xprtsec 0xffffffff", VB_POS, E_POLICY, ADD(SE(XPRTSEC), U32(0xffffffff))),
	SEE("xprtsec of 2 bytes", VB_POS, E_POLICY, ADD(SE(XPRTSEC), U16(1))),
	SEE("seqno as u32", VB_NEG, E_POLICY, ADD(SE(SEQNO), U32(1))),
	SEE("unknown attribute 99", VB_NEG, E_INVAL, ADD(99, U32(0))),
	SEE("client twice", VB_NEG, E_ANY, DUP(SE(CLIENT))),
	SEE("path twice", VB_NEG, E_ANY, DUP(SE(PATH))),
	SEE("expiry twice", VB_NEG, E_ANY, DUP(SE(EXPIRY))),
	SEE("flags twice", VB_POS, E_ANY, DUP(SE(FLAGS))),
	SEE("anon-uid twice", VB_POS, E_ANY, DUP(SE(ANON_UID))),
	SEE("uuid twice", VB_FULL, E_ANY, DUP(SE(UUID))),
	SEE("fslocations twice", VB_FULL, E_ANY, DUP(SE(FSLOCATIONS))),
	SEE("empty nest", VB_EMPTY, E_INVAL, NOMUT),
	SEE("well-formed, for a client that does not exist", VB_UNKNOWN, E_ENOENT, NOMUT),
	CONTROL(CI_SVCEXP, "svc-export entry: ", "well-formed negative", VB_NEG, NOMUT),
	CONTROL(CI_SVCEXP, "svc-export entry: ", "well-formed positive", VB_POS, NOMUT),
	CONTROL(CI_SVCEXP, "svc-export entry: ", "positive with uuid, secinfo and fslocations",
		VB_FULL, NOMUT),
	CONTROL(CI_SVCEXP, "svc-export entry: ", "positive with 8 secinfo flavors", VB_POS,
		ADDN(SE(SECINFO), 8, GEN(G_FLAVOR, 1))),
	CONTROL(CI_SVCEXP, "svc-export entry: ", "positive with 128 fslocations", VB_POS,
		ADD(SE(FSLOCATIONS), GEN(G_FSLOCS, 128))),
};

static const struct tcase expkey_cases[] = {
	EKE("no client", VB_NEG, E_INVAL, DROP(EK(CLIENT))),
	EKE("no fsidtype", VB_NEG, E_INVAL, DROP(EK(FSIDTYPE))),
	EKE("no fsid", VB_NEG, E_INVAL, DROP(EK(FSID))),
	EKE("no expiry", VB_NEG, E_INVAL, DROP(EK(EXPIRY))),
	EKE("neither path nor negative", VB_NEG, E_INVAL, DROP(EK(NEGATIVE))),
	EKE("fsidtype 8 (7 at most)", VB_NEG, E_POLICY, SET(EK(FSIDTYPE), U8(8))),
	EKE("fsidtype 255", VB_NEG, E_POLICY, SET(EK(FSIDTYPE), U8(255))),
	EKE("fsidtype as u32", VB_NEG, E_POLICY, SET(EK(FSIDTYPE), U32(1))),
	EKE("fsidtype with no payload", VB_NEG, E_POLICY, SET(EK(FSIDTYPE), EMPTY)),
	EKE("fsid of 8 bytes for fsidtype 1 (4 expected)", VB_NEG, E_POLICY,
	    SET(EK(FSID), BYTES(0x4e, 8))),
	EKE("fsid of 3 bytes for fsidtype 1", VB_NEG, E_POLICY, SET(EK(FSID), BYTES(0x4e, 3))),
	EKE("fsid of 4 bytes for fsidtype 0 (8 expected)", VB_NEG, E_POLICY,
	    SET(EK(FSIDTYPE), U8(0))),
	EKE("fsid of 17 bytes for fsidtype 6 (16 expected)", VB_NEG, E_POLICY,
	    SET(EK(FSIDTYPE), U8(6)), SET(EK(FSID), BYTES(0x4e, 17))),
	EKE("fsid of 23 bytes for fsidtype 7 (24 expected)", VB_NEG, E_POLICY,
	    SET(EK(FSIDTYPE), U8(7)), SET(EK(FSID), BYTES(0x4e, 23))),
	EKE("fsid with no payload", VB_NEG, E_POLICY, SET(EK(FSID), EMPTY)),
	EKE("fsid of 200 bytes", VB_NEG, E_POLICY, SET(EK(FSID), BYTES(0x4e, 200))),
	EKE("client without NUL", VB_NEG, E_POLICY, SET(EK(CLIENT), STRN(FIXTURE_CLIENT))),
	EKE("path without NUL", VB_POS, E_POLICY, SET(EK(PATH), STRN("/"))),
	EKE("path of 4096 chars (4097 with NUL)", VB_POS, E_LONG, SET(EK(PATH), REP("/", 4096))),
	EKE("path that does not exist", VB_POS, E_ENOENT, SET(EK(PATH), STR(MISSING_PATH))),
	EKE("path empty string", VB_POS, ERRS(EINVAL, ENOENT), SET(EK(PATH), STR(""))),
	EKE("negative flag with a u32 payload", VB_NEG, E_POLICY, SET(EK(NEGATIVE), U32(0))),
	EKE("expiry of 1 byte", VB_NEG, E_POLICY, SET(EK(EXPIRY), U8(1))),
	EKE("expiry in the past", VB_NEG, E_INVAL, SET(EK(EXPIRY), U64(1))),
	EKE("both path and negative", VB_NEG, E_INVAL, ADD(EK(PATH), XPATH)),
	EKE("seqno as u32", VB_NEG, E_POLICY, ADD(EK(SEQNO), U32(1))),
	EKE("unknown attribute 99", VB_NEG, E_INVAL, ADD(99, U32(0))),
	EKE("client twice", VB_NEG, E_ANY, DUP(EK(CLIENT))),
	EKE("fsidtype twice", VB_NEG, E_ANY, DUP(EK(FSIDTYPE))),
	EKE("fsid twice", VB_NEG, E_ANY, DUP(EK(FSID))),
	EKE("empty nest", VB_EMPTY, E_INVAL, NOMUT),
	EKE("well-formed, for a client that does not exist", VB_UNKNOWN, E_ENOENT, NOMUT),
	CONTROL(CI_EXPKEY, "expkey entry: ", "well-formed negative", VB_NEG, NOMUT),
	CONTROL(CI_EXPKEY, "expkey entry: ", "well-formed positive", VB_POS, NOMUT),
	CONTROL(CI_EXPKEY, "expkey entry: ", "fsidtype 7 with 24 bytes of fsid", VB_NEG,
		SET(EK(FSIDTYPE), U8(7)), SET(EK(FSID), BYTES(0x4e, 24))),
};

#define TOP(n, c, x_, lx_, ...) \
	{ .name = n, .build = b_top, .cmd = (c), .x = x_, .lx = lx_, .m = { __VA_ARGS__ } }
#define NOLX	{ .kind = X_NONE }
#define PERR	XERR(E_POLICY, NEED_MSG)	/* failed an nla_policy */
#define UERR	XERR(E_INVAL, NEED_MSG)		/* unknown attribute, bad layout */

#define RC(a)	NLCACHE_A_REGISTER_##a
#define FM	NLCACHE_A_CACHE_FLUSH_MASK

static const struct tcase top_cases[] = {
	TOP("register: caches 0", NLCACHE_CMD_REGISTER, XERR(E_INVAL, NEED_WHY), NOLX,
	    ADD(RC(CACHES), U32(0))),
	TOP("register: caches 0x100 (outside the mask)", NLCACHE_CMD_REGISTER,
	    XERR(E_POLICY, NEED_WHY), NOLX, ADD(RC(CACHES), U32(0x100))),
	TOP("register: caches 0xffffffff", NLCACHE_CMD_REGISTER, XERR(E_POLICY, NEED_WHY), NOLX,
	    ADD(RC(CACHES), U32(0xffffffff))),
	TOP("register: no caches attribute", NLCACHE_CMD_REGISTER, XERR(E_INVAL, NEED_WHY), NOLX,
	    NOMUT),
	TOP("register: caches as u64", NLCACHE_CMD_REGISTER, PERR, NOLX, ADD(RC(CACHES), U64(1))),
	TOP("register: caches of 1 byte", NLCACHE_CMD_REGISTER, PERR, NOLX, ADD(RC(CACHES), U8(1))),
	TOP("register: caches with no payload", NLCACHE_CMD_REGISTER, PERR, NOLX,
	    ADD(RC(CACHES), EMPTY)),
	TOP("register: caches flagged NLA_F_NESTED", NLCACHE_CMD_REGISTER, PERR, NOLX,
	    ADD(RC(CACHES), U32(1), NESTED)),
	TOP("register: unknown attribute 99 beside a valid mask", NLCACHE_CMD_REGISTER, UERR, NOLX,
	    ADD(RC(CACHES), U32(NLCACHE_CACHE_TYPE_IP_MAP)), ADD(99, U32(0))),
	TOP("register: 3 stray bytes after the attributes", NLCACHE_CMD_REGISTER, UERR, NOLX,
	    ADD(RC(CACHES), U32(NLCACHE_CACHE_TYPE_IP_MAP)), ADD(0, TRAIL(3))),
	TOP("register: attribute whose nla_len runs past the message", NLCACHE_CMD_REGISTER, UERR,
	    NOLX, ADD(RC(CACHES), RAWLEN(200, 4))),
	{ .name = "register: a second daemon is refused while one is registered",
	  .build = b_register_busy },
	TOP("unregister: from a socket that is not the daemon", NLCACHE_CMD_UNREGISTER,
	    XERR(E_ENOENT, 0), NOLX, NOMUT),
	TOP("unregister: unknown attribute 99", NLCACHE_CMD_UNREGISTER, UERR,
	    XERR(E_ENOENT, 0), ADD(99, U32(0))),
	TOP("unregister: attribute 1 as a u32", NLCACHE_CMD_UNREGISTER, UERR,
	    XERR(E_ENOENT, 0), ADD(1, U32(1))),
	TOP("cache-flush: mask 0x10 (outside the mask)", NLCACHE_CMD_CACHE_FLUSH,
	    XERR(E_POLICY, NEED_WHY), NOLX, ADD(FM, U32(0x10))),
	TOP("cache-flush: mask 0xffffffff", NLCACHE_CMD_CACHE_FLUSH, XERR(E_POLICY, NEED_WHY), NOLX,
	    ADD(FM, U32(0xffffffff))),
	TOP("cache-flush: mask as u64", NLCACHE_CMD_CACHE_FLUSH, PERR, NOLX, ADD(FM, U64(1))),
	TOP("cache-flush: mask of 1 byte", NLCACHE_CMD_CACHE_FLUSH, PERR, NOLX, ADD(FM, U8(1))),
	TOP("cache-flush: mask with no payload", NLCACHE_CMD_CACHE_FLUSH, PERR, NOLX,
	    ADD(FM, EMPTY)),
	TOP("cache-flush: mask flagged NLA_F_NESTED", NLCACHE_CMD_CACHE_FLUSH, PERR, NOLX,
	    ADD(FM, U32(1), NESTED)),
	TOP("cache-flush: unknown attribute 99", NLCACHE_CMD_CACHE_FLUSH, UERR, NOLX,
	    ADD(99, U32(0))),
	TOP("cache-flush: attribute type 0", NLCACHE_CMD_CACHE_FLUSH, UERR, NOLX, ADD(0, U32(1))),
	TOP("cache-flush: 3 stray bytes after a valid mask", NLCACHE_CMD_CACHE_FLUSH, UERR, NOLX,
	    ADD(FM, U32(NLCACHE_CACHE_TYPE_IP_MAP)), ADD(0, TRAIL(3))),
	TOP("status-get: unknown attribute 99", NLCACHE_CMD_STATUS_GET, UERR, XK(X_STATUS),
	    ADD(99, U32(0))),
	TOP("status-get: a reply attribute (version) in the request", NLCACHE_CMD_STATUS_GET, UERR,
	    XK(X_STATUS), ADD(NLCACHE_A_STATUS_VERSION, STR("0"))),
	TOP("status-get: 3 stray bytes", NLCACHE_CMD_STATUS_GET, UERR, XK(X_STATUS),
	    ADD(0, TRAIL(3))),
	TOP("ip-map-get-reqs: dump with a requests attribute", NLCACHE_CMD_IP_MAP_GET_REQS, UERR,
	    XK(X_DUMP), ADD(NLCACHE_A_IP_MAP_REQS_REQUESTS, GEN(G_GARBAGE, 0))),
	TOP("ip-map-get-reqs: dump with unknown attribute 99", NLCACHE_CMD_IP_MAP_GET_REQS, UERR,
	    XK(X_DUMP), ADD(99, U32(0))),
	TOP("unix-gid-get-reqs: dump with a requests attribute", NLCACHE_CMD_UNIX_GID_GET_REQS,
	    UERR, XK(X_DUMP), ADD(NLCACHE_A_UNIX_GID_REQS_REQUESTS, GEN(G_GARBAGE, 0))),
	TOP("unix-gid-get-reqs: dump with unknown attribute 99", NLCACHE_CMD_UNIX_GID_GET_REQS,
	    UERR, XK(X_DUMP), ADD(99, U32(0))),
	TOP("svc-export-get-reqs: dump with a requests attribute", NLCACHE_CMD_SVC_EXPORT_GET_REQS,
	    UERR, XK(X_DUMP), ADD(NLCACHE_A_SVC_EXPORT_REQS_REQUESTS, GEN(G_GARBAGE, 0))),
	TOP("svc-export-get-reqs: dump with unknown attribute 99", NLCACHE_CMD_SVC_EXPORT_GET_REQS,
	    UERR, XK(X_DUMP), ADD(99, U32(0))),
	TOP("expkey-get-reqs: dump with a requests attribute", NLCACHE_CMD_EXPKEY_GET_REQS, UERR,
	    XK(X_DUMP), ADD(NLCACHE_A_EXPKEY_REQS_REQUESTS, GEN(G_GARBAGE, 0))),
	TOP("expkey-get-reqs: dump with unknown attribute 99", NLCACHE_CMD_EXPKEY_GET_REQS, UERR,
	    XK(X_DUMP), ADD(99, U32(0))),
	TOP("cache-notify as a request, with its cache-type attribute", NLCACHE_CMD_CACHE_NOTIFY,
	    XERR(e_opnotsupp, 0), NOLX, ADD(NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE, U32(0xf))),
};

static const struct {
	uint8_t top;
	const char *name;
} settops[] = {
	{ T_ZERO, "no requests at all" },
	{ T_SHORTNEST, "requests nest of 2 bytes" },
	{ T_NOTNESTED, "requests not flagged NLA_F_NESTED" },
	{ T_UNKNOWN, "unknown top-level attribute 99 beside an entry" },
	{ T_TYPE0, "top-level attribute type 0 beside an entry" },
	{ T_TRAILING, "3 stray bytes after the last entry" },
	{ T_SHORTLEN, "a requests attribute whose nla_len is 2" },
	{ T_OVERLEN, "a requests attribute whose nla_len runs past the message" },
	{ T_OVERBATCH, "65537 requests (NLCACHE_MAX_BATCH + 1)" },
	{ T_WRAPGIDS, "8193 repeated gids in one entry (no nest holds them: nla_len wraps)" },
};

/* ---- collecting the cases ------------------------------------------------- */

static struct tcase *cases;
static size_t ncases, capcases;

static struct tcase *add_case(const struct tcase *c)
{
	if (ncases == capcases) {
		capcases = capcases ? capcases * 2 : 256;
		cases = realloc(cases, capcases * sizeof(*cases));
		if (!cases)
			die("out of memory");
	}
	cases[ncases] = *c;
	return &cases[ncases++];
}

static const char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

static void add_table(const struct tcase *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		add_case(&t[i]);
}

static void add_fixture(const char *why)
{
	add_case(&(struct tcase){
		.name = xstrfmt("fixture: auth.unix.ip %s -> %s is applied (%s)",
				FIXTURE_ADDR, FIXTURE_CLIENT, why),
		.build = b_fixture, .u = 600, .always = true });
}

static void collect_cases(void)
{
	static const struct {
		uint8_t hdr;
		const char *what;
	} hdrs[] = {
		{ H_NONE, "plain" },
		{ H_DUMP, "NLM_F_DUMP on a do command" },
		{ H_DO, "a do on a dump command" },
		{ H_HALFDUMP, "NLM_F_ROOT without NLM_F_MATCH (half a dump)" },
		{ H_TRUNC3, "genl header cut to 3 bytes" },
		{ H_RESV, "garbage (0x5a) in the genl reserved byte" },
		{ H_FLAGS, "a stray nlmsg flag (NLM_F_ROOT on a do, NLM_F_ATOMIC on a dump)" },
	};
	size_t i, j;
	int c;

	for (i = 0; i < ARRAY_SIZE(cmdtab); i++) {
		const struct cmdinfo *ci = &cmdtab[i];

		for (j = 0; j < ARRAY_SIZE(hdrs); j++) {
			uint8_t h = hdrs[j].hdr;

			if ((h == H_DO || h == H_HALFDUMP) && ci->kind != K_DUMP)
				continue;
			if (h == H_DUMP && ci->kind == K_DUMP)
				continue;
			add_case(&(struct tcase){
				.name = xstrfmt("%s: %s", ci->name, hdrs[j].what),
				.build = b_cmd, .cmd = ci->cmd, .hdr = h });
		}
	}
	for (j = H_TRUNC0; j <= H_TRUNC2; j++)
		add_case(&(struct tcase){
			.name = xstrfmt("status-get: genl header cut to %zu bytes", j - H_TRUNC0),
			.build = b_cmd, .cmd = NLCACHE_CMD_STATUS_GET, .hdr = (uint8_t)j });

	add_table(top_cases, ARRAY_SIZE(top_cases));

	for (c = 0; c < NCACHES; c++)
		for (i = 0; i < ARRAY_SIZE(settops); i++) {
			if (settops[i].top == T_WRAPGIDS && c != CI_UNIXGID)
				continue;
			add_case(&(struct tcase){
				.name = xstrfmt("%s-set-reqs: %s", caches[c].name, settops[i].name),
				.build = b_settop, .cache = (int8_t)c, .top = settops[i].top });
		}

	add_table(ipmap_cases, ARRAY_SIZE(ipmap_cases));
	add_table(unixgid_cases, ARRAY_SIZE(unixgid_cases));
	add_fixture("the client domain of the svc-export cases");
	add_table(svcexp_cases, ARRAY_SIZE(svcexp_cases));
	add_fixture("the client domain of the expkey cases");
	add_table(expkey_cases, ARRAY_SIZE(expkey_cases));

	add_fixture("the client domain of the batches");
	add_case(&(struct tcase){ .name = "ip-map-set-reqs: batch of 5000 entries",
				  .build = b_batch, .cache = CI_IPMAP, .u = 5000 });
	add_case(&(struct tcase){ .name = "unix-gid-set-reqs: batch of 1000 entries",
				  .build = b_batch, .cache = CI_UNIXGID, .u = 1000 });
	add_case(&(struct tcase){ .name = "svc-export-set-reqs: batch of 300 entries",
				  .build = b_batch, .cache = CI_SVCEXP, .u = 300 });
	add_case(&(struct tcase){ .name = "expkey-set-reqs: batch of 300 entries",
				  .build = b_batch, .cache = CI_EXPKEY, .u = 300 });

	if (opt_fuzz)
		add_fixture("the client domain of the fuzzed entries");
	for (i = 0; i < opt_fuzz; i++)
		add_case(&(struct tcase){ .name = "fuzz", .build = b_fuzz, .u = (uint32_t)i });

	add_case(&(struct tcase){ .name = "after it all: status-get still answers with a version",
				  .build = b_status, .always = true });
	for (c = 0; c < NCACHES; c++)
		add_case(&(struct tcase){
			.name = xstrfmt("after it all: %s-get-reqs still dumps", caches[c].name),
			.build = b_dump, .cmd = caches[c].get_cmd, .always = true });
	add_case(&(struct tcase){ .name = "after it all: the family is still registered, same id",
				  .build = b_family, .always = true });
	if (opt_check_serving)
		add_case(&(struct tcase){
			.name = "check-serving: a valid auth.unix.ip answer (nfsd " FIXTURE_ADDR
				" -> " FIXTURE_CLIENT ", expiry now+60) is applied",
			.build = b_fixture, .u = 60, .always = true });
}

/* ---- header mutations ------------------------------------------------------ */

static void apply_hdr(struct req *r, const struct tcase *c)
{
	bool checked = r->cmd >= RESV_START_OP;
	bool dump = (r->nlflags & NLM_F_DUMP) == NLM_F_DUMP;

	switch (c->hdr) {
	case H_NONE:
		return;
	case H_DUMP:
		r->nlflags = NLM_F_DUMP;
		expect(r, (struct expect)XERR(e_opnotsupp, 0));
		break;
	case H_DO:
		r->nlflags = NLM_F_ACK;
		expect(r, (struct expect)XERR(e_opnotsupp, 0));
		break;
	case H_HALFDUMP:
		/* Without the flags check it is a do, which a dump op lacks. */
		r->nlflags = NLM_F_ROOT | NLM_F_ACK;
		expect(r, (struct expect)XERR(g_core_flags && checked ? E_INVAL : e_opnotsupp, 0));
		break;
	case H_TRUNC0:
	case H_TRUNC1:
	case H_TRUNC2:
	case H_TRUNC3:
		r->trunc = c->hdr - H_TRUNC0;
		expect(r, (struct expect)XERR(E_INVAL, 0));
		break;
	case H_RESV:
		/* Without the reserved check the base outcome stands. */
		r->reserved = 0x5a;
		if (g_core_resv && checked)
			expect(r, (struct expect)XERR(E_INVAL, 0));
		break;
	case H_FLAGS:
		r->nlflags |= dump ? NLM_F_ATOMIC : NLM_F_ROOT;
		if (g_core_flags && checked)
			expect(r, (struct expect)XERR(E_INVAL, 0));
		break;
	}
}

/* ---- sending and receiving ------------------------------------------------- */

struct oerr {
	uint32_t idx, err;
	bool has_idx, has_err, has_msg;
	char msg[200];
};

struct outcome {
	char fail[256];		/* local trouble: send error, timeout ... */
	bool answered;
	bool done;		/* the answer was NLMSG_DONE */
	int err;		/* positive errno from the answer, 0: success */
	bool has_msg, has_miss, has_offs;
	char msg[512];
	uint32_t miss_type, offs;
	unsigned int replies, stray;
	bool has_applied;
	uint32_t applied;
	struct oerr *errs;
	size_t nerrs, caperrs;
	bool has_version, has_portid;
	char version[128];
	uint32_t portid;
};

/* What an NLMSG_ERROR or NLMSG_DONE said, into @o. */
static void take_ext(struct outcome *o, const struct nlt_ext *x)
{
	size_t len = strnlen(x->msg, sizeof(o->msg) - 1);

	o->has_msg = x->has_msg;
	memcpy(o->msg, x->msg, len);
	o->msg[len] = '\0';
	o->has_offs = x->has_offs;
	o->offs = x->offs;
	o->has_miss = x->has_miss;
	o->miss_type = x->miss_type;
}

static void parse_error(struct outcome *o, struct nlmsghdr *nlh)
{
	struct nlt_ext x;

	if (!nlt_parse_error(nlh, &o->err, &x)) {
		snprintf(o->fail, sizeof(o->fail), "NLMSG_ERROR of %d bytes",
			 (int)nlh->nlmsg_len - NLMSG_HDRLEN);
		return;
	}
	take_ext(o, &x);
}

static void parse_done(struct outcome *o, struct nlmsghdr *nlh)
{
	struct nlt_ext x;

	o->done = true;
	nlt_parse_done(nlh, &o->err, &x);
	take_ext(o, &x);
}

static void push_oerr(struct outcome *o, struct nlattr *nest)
{
	struct nlattr *a;
	struct oerr *x;
	int rem;

	if (o->nerrs == o->caperrs) {
		o->caperrs = o->caperrs ? o->caperrs * 2 : 16;
		o->errs = realloc(o->errs, o->caperrs * sizeof(*o->errs));
		if (!o->errs)
			die("out of memory");
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
			nlt_copy_str(x->msg, sizeof(x->msg), a);
			x->has_msg = true;
			break;
		}
	}
}

static void parse_reply(const struct req *r, struct outcome *o, struct nlmsghdr *nlh)
{
	int cache = cache_of_set_cmd(r->cmd), rem;
	struct nlattr *a, *head;
	int len;

	o->replies++;
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	head = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	nla_for_each_attr(a, head, len, rem) {
		uint16_t t = (uint16_t)nla_type(a);

		if (cache >= 0 && t == caches[cache].applied && nla_len(a) == 4) {
			o->applied += nla_get_u32(a);
			o->has_applied = true;
		} else if (cache >= 0 && t == caches[cache].errors) {
			push_oerr(o, a);
		} else if (r->cmd == NLCACHE_CMD_STATUS_GET && t == NLCACHE_A_STATUS_VERSION &&
			   nla_len(a) > 0 && memchr(nla_data(a), '\0', (size_t)nla_len(a))) {
			nlt_copy_str(o->version, sizeof(o->version), a);
			o->has_version = true;
		} else if (r->cmd == NLCACHE_CMD_STATUS_GET &&
			   t == NLCACHE_A_STATUS_DAEMON_PORTID && nla_len(a) == 4) {
			o->portid = nla_get_u32(a);
			o->has_portid = true;
		}
	}
}

static union {
	struct nlmsghdr h;
	uint8_t b[1 << 20];
} rx;

/*
 * A SET that the kernel accepted is applied when the sending syscall
 * returns: its reply (applied, errors) comes after the ACK.
 */
static bool reply_follows_ack(const struct req *r, const struct outcome *o)
{
	const struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(r->msg));

	if (o->err || o->has_applied)
		return false;
	switch (gh->cmd) {
	case NLCACHE_CMD_IP_MAP_SET_REQS:
	case NLCACHE_CMD_UNIX_GID_SET_REQS:
	case NLCACHE_CMD_SVC_EXPORT_SET_REQS:
	case NLCACHE_CMD_EXPKEY_SET_REQS:
		return true;
	default:
		return false;
	}
}

static void receive(int fd, uint32_t seq, const struct req *r, struct outcome *o,
		    unsigned int timeout)
{
	bool acked = false;

	for (;;) {
		struct iovec iov = { .iov_base = rx.b, .iov_len = sizeof(rx.b) };
		struct sockaddr_nl sa;
		struct msghdr mh = {
			.msg_name = &sa, .msg_namelen = sizeof(sa),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		struct nlmsghdr *nlh;
		ssize_t n = recvmsg(fd, &mh, 0);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				snprintf(o->fail, sizeof(o->fail),
					 "no answer within %u s (%u replies before)", timeout,
					 o->replies);
			else
				snprintf(o->fail, sizeof(o->fail), "recvmsg: %s", strerror(errno));
			return;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			snprintf(o->fail, sizeof(o->fail), "an answer did not fit %zu bytes",
				 sizeof(rx.b));
			return;
		}
		left = (int)n;
		for (nlh = &rx.h; nlmsg_ok(nlh, left); nlh = nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != seq) {
				o->stray++;
				continue;
			}
			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				parse_error(o, nlh);
				o->answered = true;
				if (reply_follows_ack(r, o)) {
					acked = true;
					break;
				}
				return;
			case NLMSG_DONE:
				parse_done(o, nlh);
				o->answered = true;
				return;
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				break;
			default:
				if (nlh->nlmsg_type != r->family) {
					o->stray++;
					break;
				}
				parse_reply(r, o, nlh);
				if (acked)
					return;
			}
		}
	}
}

static void transact(struct req *r, struct outcome *o)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	unsigned int timeout = opt_timeout * (r->tmult ? r->tmult : 1);
	struct nlmsghdr *nlh = nlmsg_hdr(r->msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	uint32_t len;
	int fd;

	nlh->nlmsg_type = (uint16_t)r->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | r->nlflags;
	nlh->nlmsg_seq = ++g_seq;
	nlh->nlmsg_pid = 0;
	gh->reserved = r->reserved;
	if (r->trunc >= 0)
		nlh->nlmsg_len = NLMSG_HDRLEN + (uint32_t)r->trunc;
	len = nlh->nlmsg_len;
	r->sent = len;

	fd = nlt_open_sock(timeout, 8 << 20);
	if (fd < 0) {
		snprintf(o->fail, sizeof(o->fail), "cannot open a netlink socket: %s",
			 strerror(errno));
		return;
	}
	if (sendto(fd, nlh, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		snprintf(o->fail, sizeof(o->fail), "send of %u bytes: %s", len, strerror(errno));
	else
		receive(fd, nlh->nlmsg_seq, r, o, timeout);
	close(fd);
}

/* ---- judging ------------------------------------------------------------- */

static size_t say_err(char *b, size_t n, const struct outcome *o)
{
	size_t len = (size_t)snprintf(b, n, "%s \"%s\"", nlt_errname(o->err),
				      o->has_msg ? o->msg : "");

	if (o->has_miss && len < n)
		len += (size_t)snprintf(b + len, n - len, " (missing attribute %u)", o->miss_type);
	return len < n ? len : n;
}

static void say_entries(char *b, size_t n, const struct outcome *o)
{
	size_t len, i;

	len = (size_t)snprintf(b, n, "applied %u, rejected %zu", o->applied, o->nerrs);
	for (i = 0; i < o->nerrs && len < n; i++) {
		if (i == 4 && o->nerrs > 5) {
			snprintf(b + len, n - len, ", ...");
			break;
		}
		len += (size_t)snprintf(b + len, n - len, "%s%u %s \"%s\"", i ? ", " : " [",
					o->errs[i].idx, nlt_errname((int)o->errs[i].err),
					o->errs[i].msg);
	}
	if (o->nerrs && len < n && !(o->nerrs > 5))
		snprintf(b + len, n - len, "]");
}

static void summarize(char *b, size_t n, const struct outcome *o)
{
	if (o->err) {
		say_err(b, n, o);
		if (o->done && strlen(b) + 20 < n)
			strcat(b, " (in NLMSG_DONE)");
	} else if (o->has_applied) {
		say_entries(b, n, o);
	} else if (o->has_version) {
		snprintf(b, n, "version \"%s\"", o->version);
	} else if (o->done) {
		snprintf(b, n, "dump done, %u messages", o->replies);
	} else {
		snprintf(b, n, "acked");
	}
}

static bool match_err(const struct expect *x, const struct outcome *o, char *why, size_t n)
{
	char got[700];

	if (!o->err) {
		summarize(got, sizeof(got), o);
		snprintf(why, n, "expected the message to fail with %s, it succeeded: %s",
			 errs_str(x->errs), got);
		return false;
	}
	say_err(got, sizeof(got), o);
	if (!errs_has(x->errs, o->err)) {
		snprintf(why, n, "expected %s, got %s", errs_str(x->errs), got);
		return false;
	}
	if ((x->need & NEED_MSG) && !(o->has_msg && o->msg[0])) {
		snprintf(why, n, "%s, but the policy rejection has no extack message", got);
		return false;
	}
	if ((x->need & NEED_WHY) && !(o->has_msg && o->msg[0]) && !o->has_miss) {
		snprintf(why, n, "%s, but no extack message or missing-attribute report", got);
		return false;
	}
	return true;
}

static bool match_entries(const struct req *r, const struct outcome *o, char *why, size_t n)
{
	char got[700];
	uint8_t *seen;
	uint32_t i;
	size_t k;
	bool ok = false;

	if (o->err) {
		say_err(got, sizeof(got), o);
		snprintf(why, n, "expected per-entry results, the whole message failed: %s", got);
		return false;
	}
	if (!o->has_applied) {
		snprintf(why, n, "the command succeeded without a reply carrying applied");
		return false;
	}
	seen = calloc(r->nents ? r->nents : 1, 1);
	if (!seen)
		die("out of memory");
	for (k = 0; k < o->nerrs; k++) {
		const struct oerr *e = &o->errs[k];
		const struct eexp *x;

		if (!e->has_idx || e->idx >= r->nents) {
			snprintf(why, n, "an errors nest with %s index (%u entries sent)",
				 e->has_idx ? "an out-of-range" : "no", r->nents);
			goto out;
		}
		if (seen[e->idx]++) {
			snprintf(why, n, "entry %u is reported twice", e->idx);
			goto out;
		}
		if (!e->has_err || !e->err) {
			snprintf(why, n, "the error for entry %u has no errno", e->idx);
			goto out;
		}
		if (!e->has_msg || !e->msg[0]) {
			snprintf(why, n, "the error for entry %u (%s) has no message", e->idx,
				 nlt_errname((int)e->err));
			goto out;
		}
		x = &r->ents[e->idx];
		if (x->ok) {
			snprintf(why, n, "entry %u should have been applied, was rejected: %s \"%s\"",
				 e->idx, nlt_errname((int)e->err), e->msg);
			goto out;
		}
		if (!x->maybe && !errs_has(x->errs, (int)e->err)) {
			snprintf(why, n, "entry %u was rejected with %s \"%s\", expected %s",
				 e->idx, nlt_errname((int)e->err), e->msg, errs_str(x->errs));
			goto out;
		}
	}
	for (i = 0; i < r->nents; i++)
		if (!seen[i] && !r->ents[i].ok && !r->ents[i].maybe) {
			snprintf(why, n, "entry %u was applied, expected a rejection with %s",
				 i, errs_str(r->ents[i].errs));
			goto out;
		}
	if (o->applied + o->nerrs != r->nents) {
		snprintf(why, n, "applied %u + rejected %zu != %u entries sent",
			 o->applied, o->nerrs, r->nents);
		goto out;
	}
	ok = true;
out:
	free(seen);
	return ok;
}

static bool match(const struct expect *x, const struct req *r, const struct outcome *o,
		  char *why, size_t n)
{
	char got[700];

	switch (x->kind) {
	case X_ERR:
		return match_err(x, o, why, n);
	case X_ENTRIES:
		return match_entries(r, o, why, n);
	default:
		break;
	}
	summarize(got, sizeof(got), o);
	if (o->err) {
		snprintf(why, n, "expected %s, got %s",
			 x->kind == X_DUMP ? "a complete dump" :
			 x->kind == X_STATUS ? "a status reply" : "success", got);
		return false;
	}
	if (x->kind == X_DUMP && !o->done) {
		snprintf(why, n, "expected a dump ending in NLMSG_DONE, got %s", got);
		return false;
	}
	if (x->kind == X_STATUS && !(o->has_version && o->version[0])) {
		snprintf(why, n, "the status reply has no version (%u replies)", o->replies);
		return false;
	}
	return true;
}

static bool judge(const struct req *r, const struct outcome *o, char *out, size_t n)
{
	char why[2][900];
	int i;

	if (o->fail[0]) {
		snprintf(out, n, "%s", o->fail);
		return false;
	}
	for (i = 0; i < r->nx; i++)
		if (match(&r->x[i], r, o, why[i], sizeof(why[0]))) {
			summarize(out, n, o);
			return true;
		}
	if (r->nx > 1)
		snprintf(out, n, "%s; or, on a kernel without strict genl checks: %s",
			 why[0], why[1]);
	else
		snprintf(out, n, "%s", why[0]);
	return false;
}

static void verbose_details(const struct req *r, const struct outcome *o)
{
	size_t i;

	printf("#   sent %u bytes: cmd %u, nlmsg_flags 0x%x, reserved 0x%02x\n", r->sent,
	       r->cmd, NLM_F_REQUEST | r->nlflags, r->reserved);
	if (o->answered)
		printf("#   answer: %s%s, %u replies, %u stray\n", o->err ? nlt_errname(o->err) : "0",
		       o->done ? " (NLMSG_DONE)" : "", o->replies, o->stray);
	if (o->has_msg)
		printf("#   extack message: \"%s\"\n", o->msg);
	if (o->has_offs)
		printf("#   extack offset of the bad attribute: %u\n", o->offs);
	if (o->has_miss)
		printf("#   extack missing attribute: %u\n", o->miss_type);
	for (i = 0; i < o->nerrs; i++)
		printf("#   entry %u: %s \"%s\"\n", o->errs[i].idx, nlt_errname((int)o->errs[i].err),
		       o->errs[i].msg);
	if (o->has_portid)
		printf("#   daemon portid %u\n", o->portid);
}

/* cases that printed "# SKIP" (they count as behaved; the summary says how many) */
static unsigned int nskipped;

/* Whether UNIXGID_CONTENT has the line @want; appends the verdict to @line. */
static bool content_shows(const char *want, char *line, size_t n)
{
	FILE *f = fopen(UNIXGID_CONTENT, "r");
	size_t len = strlen(line);
	char buf[512];
	bool found = false;

	if (!f) {
		snprintf(line + len, n - len, "; cannot read %s: %s", UNIXGID_CONTENT,
			 strerror(errno));
		return false;
	}
	while (!found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		found = !strcmp(buf, want);
	}
	fclose(f);
	snprintf(line + len, n - len, "; %s %s \"%s\"", UNIXGID_CONTENT,
		 found ? "shows" : "does not show", want);
	return found;
}

static bool run_case(const struct tcase *c, unsigned int num)
{
	struct req r = { .trunc = -1 };
	struct outcome o = { 0 };
	char line[2048];
	const char *title;
	bool ok;

	c->build(&r, c);
	apply_hdr(&r, c);
	title = r.title[0] ? r.title : c->name;
	if (r.skip) {
		printf("ok %u - %s # SKIP %s\n", num, title, r.skip);
		nskipped++;
		ok = true;
	} else if (r.local) {
		ok = r.local(&r, line, sizeof(line));
		printf("%sok %u - %s: %s\n", ok ? "" : "not ", num, title, line);
	} else {
		transact(&r, &o);
		ok = judge(&r, &o, line, sizeof(line));
		if (ok && r.content)
			ok = content_shows(r.content, line, sizeof(line));
		printf("%sok %u - %s: %s\n", ok ? "" : "not ", num, title, line);
		if (opt_verbose)
			verbose_details(&r, &o);
	}
	fflush(stdout);
	free(o.errs);
	if (r.msg)
		nlmsg_free(r.msg);
	arena_reset();
	return ok;
}

/* ---- preflight -------------------------------------------------------------- */

/*
 * Ask nlctrl, whose resv_start_op is below 200 wherever the core has one,
 * how the core treats a bad header: EINVAL if it checks, EOPNOTSUPP if not.
 */
static int probe_ctrl(uint8_t reserved, uint16_t extra_flags)
{
	struct req r = { .trunc = -1 };
	struct outcome o = { 0 };

	req_start(&r, GENL_ID_CTRL, 200, NLM_F_ACK | extra_flags);
	r.reserved = reserved;
	transact(&r, &o);
	nlmsg_free(r.msg);
	free(o.errs);
	arena_reset();
	return o.answered ? o.err : -1;
}

static void preflight(void)
{
	struct req r = { .trunc = -1 };
	struct outcome o = { 0 };
	int id, e1, e2;

	id = nlt_resolve_family(NLCACHE_FAMILY_NAME);
	if (id < 0)
		die("the %s generic netlink family is not registered in this network namespace "
		    "(%s); load the module (modprobe nfsd_nlcache) and run again",
		    NLCACHE_FAMILY_NAME, nl_geterror(id));
	g_family = id;

	e1 = probe_ctrl(0x5a, 0);
	e2 = probe_ctrl(0, NLM_F_CREATE);
	g_core_resv = e1 == EINVAL;
	g_core_flags = e2 == EINVAL;

	{
		FILE *f = fopen("/proc/sys/kernel/overflowuid", "r");

		if (!f || fscanf(f, "%u", &g_overflowuid) != 1)
			die("cannot read /proc/sys/kernel/overflowuid");
		fclose(f);
	}

	req_start(&r, g_family, NLCACHE_CMD_STATUS_GET, NLM_F_ACK);
	transact(&r, &o);
	nlmsg_free(r.msg);
	arena_reset();
	if (o.answered && o.err == EPERM)
		die("STATUS_GET: EPERM: this program needs CAP_NET_ADMIN (run it as root)");
	g_daemon_portid = o.portid;

	printf("# %s: family %s id %d, module version \"%s\", daemon portid %u\n", prog,
	       NLCACHE_FAMILY_NAME, g_family, o.has_version ? o.version : "?", o.portid);
	if (!o.answered || o.err)
		printf("# preflight STATUS_GET failed: %s\n",
		       o.fail[0] ? o.fail : nlt_errname(o.err));
	printf("# genl core checks the reserved byte: %s (nlctrl: %s), nlmsg_flags: %s (nlctrl: %s)\n",
	       g_core_resv ? "yes" : "no", e1 < 0 ? "no answer" : nlt_errname(e1),
	       g_core_flags ? "yes" : "no", e2 < 0 ? "no answer" : nlt_errname(e2));
	printf("# seed %" PRIu64 ", %u fuzz iterations, timeout %u s, export path %s\n",
	       opt_seed, opt_fuzz, opt_timeout, opt_export_path);
	free(o.errs);
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [--seed N] [--fuzz N] [--timeout SEC] [--export-path DIR]\n"
		"                  [--match TEXT] [--check-serving] [-v] [--list] [--help]\n"
		"\n"
		"Sends several hundred malformed and hostile messages to every command of the\n"
		"%s generic netlink family (and to unknown command numbers) and checks\n"
		"that each is answered as uapi/linux/nfsd_nlcache.h says: a whole-message\n"
		"errno with an extack message for a bad top-level attribute or layout, the\n"
		"genetlink core's errno for what it cannot dispatch, and for the *_SET_REQS\n"
		"commands per-entry errors that name exactly the bad entries while the good\n"
		"ones are applied. Every request must be answered within the timeout; at\n"
		"the end STATUS_GET and the four dumps must still work.\n"
		"\n"
		"Needs CAP_NET_ADMIN, the module loaded and nfsd loaded (its caches must\n"
		"exist). It writes cache entries for keys nothing else uses:\n"
		"  auth.unix.ip   %s -> %s (10 min), 198.18.0.0/15\n"
		"  auth.unix.gid  uids %u and up\n"
		"  nfsd.export, nfsd.fh  client %s, the export path\n"
		"(60 s unless said). It never registers (it only checks that a second\n"
		"daemon is refused) and never sends a valid flush.\n"
		"\n"
		"Options:\n"
		"  --seed N          seed of the payload fuzzer (default 1)\n"
		"  --fuzz N          fuzzer iterations (default 200)\n"
		"  --timeout SEC     time to wait for each answer (default 5; batches get 12x)\n"
		"  --export-path DIR an existing directory the svc-export and expkey entries\n"
		"                    name; must be exportable with fsid= (default /)\n"
		"  --match TEXT      run only the cases whose name contains TEXT (fixtures\n"
		"                    and the final liveness checks always run)\n"
		"  --check-serving   finally check that a valid auth.unix.ip answer (nfsd\n"
		"                    %s -> %s, expiry now+60) is applied\n"
		"  --list            print the case names and exit (no netlink needed)\n"
		"  -v, --verbose     print the details of every answer\n"
		"  -h, --help        print this help\n"
		"\n"
		"Output is TAP: \"ok N - <case>: <errno> \\\"<extack message>\\\"\" or \"not ok N -\n"
		"<case>: <why>\", then \"# <passed>/<total> cases behaved, <n> skipped\". Exit\n"
		"status: 0 if at least one case ran and every case behaved, 1 if one did not,\n"
		"none was selected or the family is missing, 2 on a usage error.\n",
		prog, NLCACHE_FAMILY_NAME, FIXTURE_ADDR, FIXTURE_CLIENT, TEST_UID, FIXTURE_CLIENT,
		FIXTURE_ADDR, FIXTURE_CLIENT);
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

static bool selected(const struct tcase *c)
{
	struct req r = { .trunc = -1 };

	if (!opt_match || c->always)
		return true;
	if (c->build != b_fuzz)
		return strstr(c->name, opt_match) != NULL;
	/* The fuzzer's titles are known only once built. */
	c->build(&r, c);
	nlmsg_free(r.msg);
	arena_reset();
	return strstr(r.title, opt_match) != NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "fuzz", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "export-path", required_argument, NULL, 'e' },
		{ "match", required_argument, NULL, 'm' },
		{ "check-serving", no_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int passed = 0, total = 0, num = 0;
	uint64_t v;
	bool *run;
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (!parse_uint(optarg, UINT64_MAX, &opt_seed))
				goto bad;
			break;
		case 'f':
			if (!parse_uint(optarg, 100000, &v))
				goto bad;
			opt_fuzz = (unsigned int)v;
			break;
		case 't':
			if (!parse_uint(optarg, 3600, &v) || !v)
				goto bad;
			opt_timeout = (unsigned int)v;
			break;
		case 'e':
			if (optarg[0] != '/' || strlen(optarg) >= 1024)
				goto bad;
			opt_export_path = optarg;
			break;
		case 'm':
			opt_match = optarg;
			break;
		case 'c':
			opt_check_serving = true;
			break;
		case 'l':
			opt_list = true;
			break;
		case 'v':
			opt_verbose = true;
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

	collect_cases();
	if (opt_list) {
		for (i = 0; i < ncases; i++) {
			struct req r = { .trunc = -1 };

			if (!selected(&cases[i]))
				continue;
			cases[i].build(&r, &cases[i]);
			printf("%s\n", r.title[0] ? r.title : cases[i].name);
			if (r.msg)
				nlmsg_free(r.msg);
			arena_reset();
		}
		return 0;
	}

	preflight();
	run = calloc(ncases ? ncases : 1, sizeof(*run));
	if (!run)
		die("out of memory");
	for (i = 0; i < ncases; i++)
		if ((run[i] = selected(&cases[i])))
			total++;
	printf("1..%u\n", total);
	fflush(stdout);
	for (i = 0; i < ncases; i++)
		if (run[i] && run_case(&cases[i], ++num))
			passed++;
	printf("# %u/%u cases behaved, %u skipped\n", passed, total, nskipped);
	free(run);
	/* no case selected is a failure, not a vacuous success */
	if (!total)
		fprintf(stderr, "%s: no case selected\n", prog);
	return total && passed == total ? 0 : 1;
bad:
	fprintf(stderr, "%s: bad arguments (see %s --help)\n", prog, prog);
	return 2;
}
