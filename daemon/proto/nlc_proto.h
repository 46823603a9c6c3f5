/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The nfsd_nlcache attribute layer, without any socket: the table of the
 * four caches, encoders that append one reply entry (a *_REQS_REQUESTS
 * nest) to a SET_REQS message, decoders for GET_REQS dump entries and for
 * the SET_REQS, REGISTER and STATUS_GET replies. Everything here works on
 * a struct nl_msg or a struct nlmsghdr in memory, so it is unit-tested
 * without a kernel and shared by nlcachectl and nlcached.
 */
#ifndef NLC_PROTO_H
#define NLC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netlink/msg.h>
#include <netlink/attr.h>

#include <linux/nfsd_nlcache.h>

/* Pseudoflavour numbers (secinfo): AUTH_NULL, AUTH_UNIX, Kerberos v5. */
#define NLC_SEC_NULL	0u
#define NLC_SEC_SYS	1u
#define NLC_SEC_KRB5	390003u
#define NLC_SEC_KRB5I	390004u
#define NLC_SEC_KRB5P	390005u
/* The pseudoflavours' names (exports(5) sec=, nlcachectl's --sec); the
 * first name of each number is its canonical one. */
struct nlc_flavor_name {
	const char *name;
	uint32_t flavor;
};
extern const struct nlc_flavor_name nlc_flavor_names[];
extern const size_t nlc_nflavor_names;

/*
 * The exports(5) words for the export flags (NLCACHE_EXPORT_FLAGS_*):
 * each sets (@set) or clears @mask; @per_flavor: a sec= flavour can have
 * its own value (nfsd's NFSEXP_SECINFO_FLAGS). Read by the exports parser
 * (daemon/lib/exports.c) and by nlcachectl's --flags.
 */
struct nlc_export_flag_word {
	const char *name;
	uint32_t mask;
	bool set;
	bool per_flavor;
};
extern const struct nlc_export_flag_word nlc_export_flag_words[];
extern const size_t nlc_nexport_flag_words;

/* Answers expire this many seconds from now unless told otherwise
 * (mountd's default). */
#define NLC_TTL_DEFAULT		1800u
/* nfsd.fh answers: an absolute expiry that never comes (mountd's) */
#define NLC_FH_EXPIRY		0x7fffffffull

/* Largest fsid of any fsid type (FSID_UUID16_INUM), in bytes. */
#define NLC_FSID_MAX	24
/* The largest nla_len: a requests nest can never be bigger. */
#define NLC_NEST_MAX	0xffff
/* Number of caches in the table. */
#define NLC_NCACHES	4

struct nlc_cache {
	const char *family;	/* generic netlink family serving it */
	const char *name;	/* kernel name: "auth.unix.ip" */
	const char *alias;	/* rpc.mountd-style alias: "ip-map" */
	uint32_t type;		/* enum nlcache_cache_type (one bit) */
	uint8_t get_cmd;	/* NLCACHE_CMD_*_GET_REQS */
	uint8_t set_cmd;	/* NLCACHE_CMD_*_SET_REQS */
	int requests;		/* NLCACHE_A_*_REQS_REQUESTS */
	int applied;		/* NLCACHE_A_*_REQS_APPLIED */
	int errors;		/* NLCACHE_A_*_REQS_ERRORS */
	uint32_t notify_bit;	/* its bit in the family's CACHE_NOTIFY mask */
	uint8_t notify_cmd;	/* the family's CACHE_NOTIFY command */
	bool native;		/* the kernel's own sunrpc/nfsd families */
};

/* The four caches, in cache-type bit order. */
extern const struct nlc_cache nlc_caches[NLC_NCACHES];
/*
 * The same caches served by the native (Linux 7.2+) "sunrpc" and "nfsd"
 * families: same attribute sets, other command numbers, no APPLIED/ERRORS
 * in SET_REQS replies (the kernel stops at the first bad entry), no
 * extension attributes (gid-array, fslocations.migrated).
 */
extern const struct nlc_cache nlc_native_caches[NLC_NCACHES];
#define NLC_NATIVE_SUNRPC	"sunrpc"
#define NLC_NATIVE_NFSD		"nfsd"
#define NLC_NATIVE_MCGRP	"exportd"

/*
 * The native families' command numbers and cache types, named as in Linux
 * 7.2's include/uapi/linux/sunrpc_netlink.h and nfsd_netlink.h with an
 * NLC_ prefix (those headers are not on the older kernels' systems, and
 * may be on a newer one's).
 */
enum {
	NLC_SUNRPC_CMD_CACHE_NOTIFY = 1,
	NLC_SUNRPC_CMD_IP_MAP_GET_REQS = 2,
	NLC_SUNRPC_CMD_IP_MAP_SET_REQS = 3,
	NLC_SUNRPC_CMD_UNIX_GID_GET_REQS = 4,
	NLC_SUNRPC_CMD_UNIX_GID_SET_REQS = 5,
	NLC_SUNRPC_CMD_CACHE_FLUSH = 6,
};
enum {
	NLC_SUNRPC_CACHE_TYPE_IP_MAP = 1,
	NLC_SUNRPC_CACHE_TYPE_UNIX_GID = 2,
};
enum {
	NLC_NFSD_CMD_CACHE_NOTIFY = 10,
	NLC_NFSD_CMD_SVC_EXPORT_GET_REQS = 11,
	NLC_NFSD_CMD_SVC_EXPORT_SET_REQS = 12,
	NLC_NFSD_CMD_EXPKEY_GET_REQS = 13,
	NLC_NFSD_CMD_EXPKEY_SET_REQS = 14,
	NLC_NFSD_CMD_CACHE_FLUSH = 15,
};
enum {
	NLC_NFSD_CACHE_TYPE_SVC_EXPORT = 1,
	NLC_NFSD_CACHE_TYPE_EXPKEY = 2,
};

/* By kernel name or alias (case-insensitive); NULL if unknown. */
const struct nlc_cache *nlc_cache_lookup(const char *name);
/* By enum nlcache_cache_type value; NULL if not exactly one known bit. */
const struct nlc_cache *nlc_cache_by_type(uint32_t type);
/*
 * Write the kernel names of the caches in mask, comma-separated and in bit
 * order, to buf; bits that name no cache are appended as one hex number
 * ("0x30"). An empty mask gives "". Returns the length, or -1 if buf is too
 * small (buf then holds a truncated string).
 */
int nlc_cache_mask_str(uint32_t mask, char *buf, size_t size);

/*
 * Reply entries. Pointers are borrowed for the duration of the put call.
 * A negative entry carries only its key, expiry and the negative flag; the
 * value fields are then ignored.
 */
struct nlc_ip_map_reply {
	const char *class;	/* key */
	const char *addr;	/* key */
	const char *domain;	/* positive: the client name */
	bool negative;
	uint64_t expiry;	/* absolute, seconds since the epoch */
};

struct nlc_unix_gid_reply {
	uint32_t uid;		/* key */
	const uint32_t *gids;	/* positive: the group list (may be empty) */
	size_t ngids;
	bool negative;
	uint64_t expiry;
};

struct nlc_secinfo {
	uint32_t flavor;	/* pseudoflavor: 1 sys, 390003 krb5, ... */
	uint32_t flags;		/* enum nlcache_export_flags */
};

struct nlc_fsloc {
	const char *host;
	const char *path;
};

struct nlc_svc_export_reply {
	const char *client;	/* key */
	const char *path;	/* key */
	bool negative;
	uint64_t expiry;
	/* positive only; flags, anon_uid, anon_gid and fsid are always sent */
	uint32_t flags;		/* enum nlcache_export_flags */
	uint32_t anon_uid;
	uint32_t anon_gid;
	int32_t fsid;
	const unsigned char *uuid;	/* NULL: none */
	size_t uuid_len;		/* NLCACHE_UUID_LEN unless testing */
	const struct nlc_secinfo *secinfo;
	size_t nsecinfo;
	const struct nlc_fsloc *fslocs;
	size_t nfslocs;
	bool migrated;		/* fslocations are a referral (refer=) */
	uint32_t xprtsec;	/* mask of enum nlcache_xprtsec_mode, one
				 * attribute per bit; 0: none sent */
};

struct nlc_expkey_reply {
	const char *client;	/* key */
	uint8_t fsidtype;	/* key */
	const void *fsid;	/* key */
	size_t fsid_len;
	bool negative;
	uint64_t expiry;
	const char *path;	/* positive */
};

/*
 * nlc_put_*: append one requests nest holding the entry to msg (a genl
 * message whose header is already in place). Returns 0; -EMSGSIZE if it
 * does not fit in what is left of msg (msg is then unchanged: send it and
 * put the entry into a fresh one); -E2BIG if the entry is larger than any
 * nest can be (NLC_NEST_MAX); -EINVAL if a key string is missing.
 *
 * nlc_*_size: the bytes the entry takes (the nest with its header), which
 * is what nlc_put_* adds to the message.
 */
size_t nlc_ip_map_size(const struct nlc_ip_map_reply *r);
int nlc_put_ip_map(struct nl_msg *msg, const struct nlc_ip_map_reply *r);
size_t nlc_unix_gid_size(const struct nlc_unix_gid_reply *r);
int nlc_put_unix_gid(struct nl_msg *msg, const struct nlc_unix_gid_reply *r);
size_t nlc_svc_export_size(const struct nlc_svc_export_reply *r);
int nlc_put_svc_export(struct nl_msg *msg, const struct nlc_svc_export_reply *r);
size_t nlc_expkey_size(const struct nlc_expkey_reply *r);
int nlc_put_expkey(struct nl_msg *msg, const struct nlc_expkey_reply *r);

/* The fsid length nfsd expects for an fsid type, or -1 for an unknown type. */
int nlc_fsid_len(unsigned int fsidtype);

/*
 * A pending request from a GET_REQS dump. Strings and fsid point into the
 * message and live as long as it does.
 */
struct nlc_pending {
	const struct nlc_cache *cache;
	uint64_t seqno;
	union {
		struct {
			const char *class;
			const char *addr;
		} ip_map;
		struct {
			uint32_t uid;
		} unix_gid;
		struct {
			const char *client;
			const char *path;
		} svc_export;
		struct {
			const char *client;
			uint8_t fsidtype;
			const unsigned char *fsid;
			size_t fsid_len;
		} expkey;
	} u;
};

/*
 * Decode one requests nest of cache c. Attributes of type 0 (pad) and
 * unknown types are skipped. Returns 0, or -EINVAL if an attribute is
 * missing or malformed.
 */
int nlc_pending_parse(const struct nlc_cache *c, const struct nlattr *nest,
		  struct nlc_pending *r);
/*
 * Format r as one `pending` line ending in '\n', fields in the cache
 * channel encoding:
 *   auth.unix.ip <seqno> <class> <addr>
 *   auth.unix.gid <seqno> <uid>
 *   nfsd.export <seqno> <client> <path>
 *   nfsd.fh <seqno> <client> <fsidtype> \x<fsid hex>
 * Returns the length, or -1 (errno ENOSPC) if buf is too small.
 */
ssize_t nlc_pending_format(const struct nlc_pending *r, char *buf, size_t size);
/* Buffer size that always fits a formatted request. */
#define NLC_PENDING_LINE_MAX	(4 * NLCACHE_PATH_MAX * 2 + 256)

/*
 * Walk the attributes of a GET_REQS reply message (after the genl header)
 * and call fn for each requests nest; a nonzero return from fn stops the
 * walk and is returned. Malformed nests are passed to bad (may be NULL)
 * and skipped.
 */
typedef int (*nlc_pending_fn)(const struct nlc_pending *r, void *arg);
int nlc_pending_walk(const struct nlc_cache *c, const struct nlmsghdr *nlh,
		  nlc_pending_fn fn, void (*bad)(const struct nlc_cache *c, void *arg),
		  void *arg);

/* The SET_REQS reply: APPLIED and each ERRORS nest. */
struct nlc_set_error {
	uint32_t index;		/* position in the message, from 0 */
	int err;		/* positive errno (0 if the kernel sent none) */
	const char *message;	/* NULL if none */
};
typedef void (*nlc_set_error_fn)(const struct nlc_set_error *e, void *arg);
/*
 * Decode a SET_REQS reply of cache c: *applied gets APPLIED (and
 * *have_applied whether it was there), fn is called per ERRORS nest.
 * Returns the number of error nests, or -EINVAL if one is malformed.
 */
int nlc_set_reply_parse(const struct nlc_cache *c, const struct nlmsghdr *nlh,
			uint32_t *applied, bool *have_applied,
			nlc_set_error_fn fn, void *arg);

/* The REGISTER reply. */
int nlc_register_reply_parse(const struct nlmsghdr *nlh, uint32_t *caches,
			     uint32_t *missing);
/* A CACHE_NOTIFY event: its cache-type mask (all caches if absent). */
int nlc_notify_parse(const struct nlmsghdr *nlh, uint32_t *mask);

/* The STATUS_GET reply. */
struct nlc_cache_status {
	uint32_t type;
	char name[32];
	bool attached;
	uint32_t pending;
	uint64_t oldest_ms;
	uint64_t upcalls;
	uint64_t notifications;
	uint64_t replies;
	uint64_t rejected;
	uint64_t fallbacks;
	uint64_t handed_back;
	uint64_t overflows;
	uint64_t adopted;
	uint64_t answered;	/* requests that stopped pending */
	uint64_t answer_ms;	/* their total wait, queued to answered */
	uint64_t answer_ms_max;
};

#define NLC_STATUS_MAX_CACHES	16

struct nlc_status {
	char version[64];
	bool have_version;
	bool native;
	uint32_t daemon_portid;
	size_t ncaches;
	struct nlc_cache_status caches[NLC_STATUS_MAX_CACHES];
};

/* Returns 0 or -EINVAL. Caches beyond NLC_STATUS_MAX_CACHES are dropped. */
int nlc_status_parse(const struct nlmsghdr *nlh, struct nlc_status *st);

/* Attribute access that checks lengths (attributes are 4-byte aligned, so
 * u64 values are read with memcpy). Return 0 or -EINVAL. */
int nlc_attr_u8(const struct nlattr *a, uint8_t *v);
int nlc_attr_u32(const struct nlattr *a, uint32_t *v);
int nlc_attr_u64(const struct nlattr *a, uint64_t *v);
/* A NUL-terminated string attribute; NULL if it is not one. */
const char *nlc_attr_str(const struct nlattr *a);
/*
 * Index the attributes in [head, head + len) by type into tb[0..max]
 * (the last of repeated types wins; type 0 and types above max are
 * skipped). Returns 0, or -EINVAL if the stream is truncated.
 */
int nlc_attrs_index(const struct nlattr **tb, int max, const void *head, int len);

#endif /* NLC_PROTO_H */
