// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * *_SET_REQS: apply the daemon's answers.
 *
 * Each requests nest is validated with its cache's policy, turned into the
 * line the cache's /proc channel would receive, and handed to the cache's
 * own parser, in the caller's task (after its sendmsg() returned, see
 * "Applying a batch" below): paths resolve in the daemon's mount namespace
 * and ids map through its user namespace, as with a write to the channel.
 * Entries are independent: the reply lists the rejected ones.
 */
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

/* Largest line handed to a parser (8192 gids need ~90 KiB). */
#define NLC_TEXT_MAX	(1024 * 1024)

/* Bytes of fsid per fsid type (nfsd's key_len()). */
static const u8 nlc_fsid_len[] = { 8, 4, 12, 8, 8, 8, 16, 24 };

static const struct nla_policy nlc_ip_map_policy[NLCACHE_A_IP_MAP_MAX + 1] = {
	[NLCACHE_A_IP_MAP_SEQNO] = { .type = NLA_U64 },
	[NLCACHE_A_IP_MAP_CLASS] = { .type = NLA_NUL_STRING, .len = NLCACHE_CLASS_MAX - 1 },
	[NLCACHE_A_IP_MAP_ADDR] = { .type = NLA_NUL_STRING, .len = 63 },
	[NLCACHE_A_IP_MAP_DOMAIN] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
	[NLCACHE_A_IP_MAP_NEGATIVE] = { .type = NLA_FLAG },
	[NLCACHE_A_IP_MAP_EXPIRY] = { .type = NLA_U64 },
};

static const struct nla_policy nlc_unix_gid_policy[NLCACHE_A_UNIX_GID_MAX + 1] = {
	[NLCACHE_A_UNIX_GID_SEQNO] = { .type = NLA_U64 },
	[NLCACHE_A_UNIX_GID_UID] = { .type = NLA_U32 },
	[NLCACHE_A_UNIX_GID_GIDS] = { .type = NLA_U32 },
	[NLCACHE_A_UNIX_GID_NEGATIVE] = { .type = NLA_FLAG },
	[NLCACHE_A_UNIX_GID_EXPIRY] = { .type = NLA_U64 },
	[NLCACHE_A_UNIX_GID_GID_ARRAY] = { .type = NLA_BINARY },
};

static const struct nla_policy nlc_fslocation_policy[NLCACHE_A_FSLOCATION_MAX + 1] = {
	[NLCACHE_A_FSLOCATION_HOST] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
	[NLCACHE_A_FSLOCATION_PATH] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
};

static const struct nla_policy nlc_fslocations_policy[NLCACHE_A_FSLOCATIONS_MAX + 1] = {
	[NLCACHE_A_FSLOCATIONS_LOCATION] = NLA_POLICY_NESTED(nlc_fslocation_policy),
	[NLCACHE_A_FSLOCATIONS_MIGRATED] = { .type = NLA_FLAG },
};

static const struct nla_policy nlc_auth_flavor_policy[NLCACHE_A_AUTH_FLAVOR_MAX + 1] = {
	[NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR] = { .type = NLA_U32 },
	[NLCACHE_A_AUTH_FLAVOR_FLAGS] = NLA_POLICY_MASK(NLA_U32, NLCACHE_EXPORT_FLAGS_ALL),
};

static const struct nla_policy nlc_svc_export_policy[NLCACHE_A_SVC_EXPORT_MAX + 1] = {
	[NLCACHE_A_SVC_EXPORT_SEQNO] = { .type = NLA_U64 },
	[NLCACHE_A_SVC_EXPORT_CLIENT] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
	[NLCACHE_A_SVC_EXPORT_PATH] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
	[NLCACHE_A_SVC_EXPORT_NEGATIVE] = { .type = NLA_FLAG },
	[NLCACHE_A_SVC_EXPORT_EXPIRY] = { .type = NLA_U64 },
	[NLCACHE_A_SVC_EXPORT_ANON_UID] = { .type = NLA_U32 },
	[NLCACHE_A_SVC_EXPORT_ANON_GID] = { .type = NLA_U32 },
	[NLCACHE_A_SVC_EXPORT_FSLOCATIONS] = NLA_POLICY_NESTED(nlc_fslocations_policy),
	[NLCACHE_A_SVC_EXPORT_UUID] = NLA_POLICY_EXACT_LEN(NLCACHE_UUID_LEN),
	[NLCACHE_A_SVC_EXPORT_SECINFO] = NLA_POLICY_NESTED(nlc_auth_flavor_policy),
	[NLCACHE_A_SVC_EXPORT_XPRTSEC] = NLA_POLICY_MASK(NLA_U32, NLCACHE_XPRTSEC_MODE_NONE |
							 NLCACHE_XPRTSEC_MODE_TLS |
							 NLCACHE_XPRTSEC_MODE_MTLS),
	[NLCACHE_A_SVC_EXPORT_FLAGS] = NLA_POLICY_MASK(NLA_U32, NLCACHE_EXPORT_FLAGS_ALL),
	[NLCACHE_A_SVC_EXPORT_FSID] = { .type = NLA_S32 },
};

static const struct nla_policy nlc_expkey_policy[NLCACHE_A_EXPKEY_MAX + 1] = {
	[NLCACHE_A_EXPKEY_SEQNO] = { .type = NLA_U64 },
	[NLCACHE_A_EXPKEY_CLIENT] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
	[NLCACHE_A_EXPKEY_FSIDTYPE] = NLA_POLICY_MAX(NLA_U8, ARRAY_SIZE(nlc_fsid_len) - 1),
	[NLCACHE_A_EXPKEY_FSID] = { .type = NLA_BINARY, .len = 24 },
	[NLCACHE_A_EXPKEY_NEGATIVE] = { .type = NLA_FLAG },
	[NLCACHE_A_EXPKEY_EXPIRY] = { .type = NLA_U64 },
	[NLCACHE_A_EXPKEY_PATH] = { .type = NLA_NUL_STRING, .len = NLCACHE_PATH_MAX - 1 },
};

/* The channel line being built, with the kernel's own qword encoders. */
struct nlc_text {
	char *buf;
	char *bp;
	int left;
};

static void nlc_add(struct nlc_text *t, const char *s)
{
	qword_add(&t->bp, &t->left, (char *)s);
}

static void nlc_add_u64(struct nlc_text *t, u64 v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	nlc_add(t, num);
}

static void nlc_add_s64(struct nlc_text *t, s64 v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", v);
	nlc_add(t, num);
}

static void nlc_add_hex(struct nlc_text *t, const void *p, int len)
{
	qword_addhex(&t->bp, &t->left, (char *)p, len);
}

struct nlc_entry_ops {
	const struct nla_policy *policy;
	unsigned int maxattr;
	unsigned long multi;	/* attributes that may repeat */
	int path_attr;		/* a path the parser looks up (0: none) */
	int (*build)(struct nlattr **tb, const struct nlattr *entry,
		     struct nlc_text *t, struct netlink_ext_ack *extack);
};

static bool nlc_empty(const struct nlattr *str)
{
	return !*(const char *)nla_data(str);
}

/* Reject an attribute given twice where the protocol allows one. */
static int nlc_check_dups(const struct nlattr *nest, unsigned long multi,
			  struct netlink_ext_ack *extack)
{
	unsigned long seen = 0;
	const struct nlattr *a;
	int rem, type;

	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type >= BITS_PER_LONG || (multi & BIT(type)))
			continue;
		if (seen & BIT(type)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "attribute given twice");
			return -EINVAL;
		}
		seen |= BIT(type);
	}
	return 0;
}

static int nlc_expiry(struct nlattr *a, const struct nlattr *entry,
		      struct nlc_text *t, struct netlink_ext_ack *extack)
{
	if (!a) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "missing expiry");
		return -EINVAL;
	}
	if (nla_get_u64(a) <= ktime_get_real_seconds()) {
		NL_SET_ERR_MSG_ATTR(extack, a, "expiry is not in the future");
		return -EINVAL;
	}
	nlc_add_u64(t, nla_get_u64(a));
	return 0;
}

static bool nlc_uid_ok(u32 id)
{
	return uid_valid(make_kuid(current_user_ns(), id));
}

static bool nlc_gid_ok(u32 id)
{
	return gid_valid(make_kgid(current_user_ns(), id));
}

static int nlc_build_ip_map(struct nlattr **tb, const struct nlattr *entry,
			    struct nlc_text *t, struct netlink_ext_ack *extack)
{
	struct nlattr *domain = tb[NLCACHE_A_IP_MAP_DOMAIN];
	int err;

	if (!tb[NLCACHE_A_IP_MAP_CLASS] || !tb[NLCACHE_A_IP_MAP_ADDR] ||
	    nlc_empty(tb[NLCACHE_A_IP_MAP_CLASS]) || nlc_empty(tb[NLCACHE_A_IP_MAP_ADDR])) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "missing class or addr");
		return -EINVAL;
	}
	if (!domain == !tb[NLCACHE_A_IP_MAP_NEGATIVE]) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "need exactly one of domain and negative");
		return -EINVAL;
	}
	if (domain && nlc_empty(domain)) {
		NL_SET_ERR_MSG_ATTR(extack, domain, "empty domain");
		return -EINVAL;
	}
	nlc_add(t, nla_data(tb[NLCACHE_A_IP_MAP_CLASS]));
	nlc_add(t, nla_data(tb[NLCACHE_A_IP_MAP_ADDR]));
	err = nlc_expiry(tb[NLCACHE_A_IP_MAP_EXPIRY], entry, t, extack);
	if (err)
		return err;
	if (domain)
		nlc_add(t, nla_data(domain));
	return 0;
}

/*
 * Walk the entry's gids, repeated ones then the gid-array: without @t count
 * and check them, with @t add them to the line.
 */
static int nlc_gids(const struct nlattr *entry, struct nlc_text *t, u32 *n,
		    struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, i, len;
	u32 gid;

	nla_for_each_nested(a, entry, rem) {
		if (nla_type(a) == NLCACHE_A_UNIX_GID_GIDS)
			len = sizeof(gid);
		else if (nla_type(a) == NLCACHE_A_UNIX_GID_GID_ARRAY)
			len = nla_len(a);
		else
			continue;
		for (i = 0; i + sizeof(gid) <= len; i += sizeof(gid)) {
			memcpy(&gid, (const u8 *)nla_data(a) + i, sizeof(gid));
			if (t) {
				nlc_add_u64(t, gid);
				continue;
			}
			if (++*n > NLCACHE_MAX_GIDS) {
				NL_SET_ERR_MSG_ATTR(extack, a, "more than 8192 gids");
				return -E2BIG;
			}
			if (!nlc_gid_ok(gid)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "gid is not valid in the caller's user namespace");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int nlc_build_unix_gid(struct nlattr **tb, const struct nlattr *entry,
			      struct nlc_text *t, struct netlink_ext_ack *extack)
{
	struct nlattr *array = tb[NLCACHE_A_UNIX_GID_GID_ARRAY];
	u32 n = 0;
	int err;

	/*
	 * Any uid, as unix_gid_parse() takes it from the channel: one that
	 * does not map in the caller's user namespace (4294967295 included)
	 * keys the entry by the invalid uid. Only the gids must map.
	 */
	if (!tb[NLCACHE_A_UNIX_GID_UID]) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "missing uid");
		return -EINVAL;
	}
	if (array && nla_len(array) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, array, "gid-array is not an array of u32");
		return -EINVAL;
	}
	err = nlc_gids(entry, NULL, &n, extack);
	if (err)
		return err;
	if (n && tb[NLCACHE_A_UNIX_GID_NEGATIVE]) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "negative entry with gids");
		return -EINVAL;
	}
	nlc_add_u64(t, nla_get_u32(tb[NLCACHE_A_UNIX_GID_UID]));
	err = nlc_expiry(tb[NLCACHE_A_UNIX_GID_EXPIRY], entry, t, extack);
	if (err)
		return err;
	nlc_add_u64(t, n);
	return nlc_gids(entry, t, NULL, extack);
}

static int nlc_export_fslocs(struct nlattr *fslocs, struct nlc_text *t,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NLCACHE_A_FSLOCATION_MAX + 1];
	const struct nlattr *a;
	int rem, n = 0, err;

	err = nlc_check_dups(fslocs, BIT(NLCACHE_A_FSLOCATIONS_LOCATION), extack);
	if (err)
		return err;
	nla_for_each_nested(a, fslocs, rem) {
		if (nla_type(a) != NLCACHE_A_FSLOCATIONS_LOCATION)
			continue;
		if (++n > NLCACHE_MAX_FSLOCATIONS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "more than 128 fslocations");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, NLCACHE_A_FSLOCATION_MAX, a,
				       nlc_fslocation_policy, extack) ?:
		      nlc_check_dups(a, 0, extack);
		if (err)
			return err;
		if (!tb[NLCACHE_A_FSLOCATION_HOST] || !tb[NLCACHE_A_FSLOCATION_PATH] ||
		    nlc_empty(tb[NLCACHE_A_FSLOCATION_HOST]) ||
		    nlc_empty(tb[NLCACHE_A_FSLOCATION_PATH])) {
			NL_SET_ERR_MSG_ATTR(extack, a, "fslocation needs a host and a path");
			return -EINVAL;
		}
	}
	/* "fsloc 0" ends the option: the next word would be taken as one. */
	if (!n)
		return 0;
	nlc_add(t, "fsloc");
	nlc_add_u64(t, n);
	nla_for_each_nested(a, fslocs, rem) {
		if (nla_type(a) != NLCACHE_A_FSLOCATIONS_LOCATION)
			continue;
		nla_parse_nested(tb, NLCACHE_A_FSLOCATION_MAX, a,
				 nlc_fslocation_policy, NULL);
		nlc_add(t, nla_data(tb[NLCACHE_A_FSLOCATION_HOST]));
		nlc_add(t, nla_data(tb[NLCACHE_A_FSLOCATION_PATH]));
	}
	nlc_add_u64(t, !!nla_find_nested(fslocs, NLCACHE_A_FSLOCATIONS_MIGRATED));
	return 0;
}

static int nlc_export_secinfo(const struct nlattr *entry, struct nlc_text *t,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NLCACHE_A_AUTH_FLAVOR_MAX + 1];
	const struct nlattr *a;
	int rem, n = 0, err;

	nla_for_each_nested(a, entry, rem) {
		if (nla_type(a) != NLCACHE_A_SVC_EXPORT_SECINFO)
			continue;
		if (++n > NLCACHE_MAX_SECINFO) {
			NL_SET_ERR_MSG_ATTR(extack, a, "more than 8 secinfo flavors");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, NLCACHE_A_AUTH_FLAVOR_MAX, a,
				       nlc_auth_flavor_policy, extack) ?:
		      nlc_check_dups(a, 0, extack);
		if (err)
			return err;
		if (!tb[NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR] ||
		    !tb[NLCACHE_A_AUTH_FLAVOR_FLAGS]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "secinfo needs a pseudoflavor and flags");
			return -EINVAL;
		}
	}
	if (!n)
		return 0;
	nlc_add(t, "secinfo");
	nlc_add_u64(t, n);
	nla_for_each_nested(a, entry, rem) {
		if (nla_type(a) != NLCACHE_A_SVC_EXPORT_SECINFO)
			continue;
		nla_parse_nested(tb, NLCACHE_A_AUTH_FLAVOR_MAX, a,
				 nlc_auth_flavor_policy, NULL);
		nlc_add_u64(t, nla_get_u32(tb[NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR]));
		nlc_add_u64(t, nla_get_u32(tb[NLCACHE_A_AUTH_FLAVOR_FLAGS]));
	}
	return 0;
}

static int nlc_export_xprtsec(const struct nlattr *entry, struct nlc_text *t,
			      struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	u32 modes[3], mode;
	int rem, n = 0, i;

	nla_for_each_nested(a, entry, rem) {
		if (nla_type(a) != NLCACHE_A_SVC_EXPORT_XPRTSEC)
			continue;
		mode = nla_get_u32(a);
		if (hweight32(mode) != 1) {
			NL_SET_ERR_MSG_ATTR(extack, a, "xprtsec takes one mode per attribute");
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			if (modes[i] == mode)
				break;
		if (i < n)
			continue;
		modes[n++] = mode;
	}
	if (!n)
		return 0;
	if (!NLC_KERNEL_XPRTSEC) {
		/* No RPC-with-TLS here: only "none" can be honoured, and it
		 * is what this kernel does anyway.
		 */
		if (n == 1 && modes[0] == NLCACHE_XPRTSEC_MODE_NONE)
			return 0;
		NL_SET_ERR_MSG(extack, "this kernel cannot enforce xprtsec=tls or mtls");
		return -EOPNOTSUPP;
	}
	nlc_add(t, "xprtsec");
	nlc_add_u64(t, n);
	for (i = 0; i < n; i++)
		nlc_add_u64(t, modes[i]);
	return 0;
}

static int nlc_build_svc_export(struct nlattr **tb, const struct nlattr *entry,
				struct nlc_text *t, struct netlink_ext_ack *extack)
{
	u32 anon_uid = NLCACHE_ANON_DEFAULT, anon_gid = NLCACHE_ANON_DEFAULT;
	struct nlattr *uuid = tb[NLCACHE_A_SVC_EXPORT_UUID];
	int err;

	if (!tb[NLCACHE_A_SVC_EXPORT_CLIENT] || !tb[NLCACHE_A_SVC_EXPORT_PATH] ||
	    nlc_empty(tb[NLCACHE_A_SVC_EXPORT_CLIENT]) ||
	    nlc_empty(tb[NLCACHE_A_SVC_EXPORT_PATH])) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "missing client or path");
		return -EINVAL;
	}
	nlc_add(t, nla_data(tb[NLCACHE_A_SVC_EXPORT_CLIENT]));
	nlc_add(t, nla_data(tb[NLCACHE_A_SVC_EXPORT_PATH]));
	err = nlc_expiry(tb[NLCACHE_A_SVC_EXPORT_EXPIRY], entry, t, extack);
	if (err)
		return err;

	if (tb[NLCACHE_A_SVC_EXPORT_NEGATIVE]) {
		int i;

		for (i = NLCACHE_A_SVC_EXPORT_ANON_UID; i <= NLCACHE_A_SVC_EXPORT_MAX; i++)
			if (tb[i]) {
				NL_SET_ERR_MSG_ATTR(extack, tb[i],
						    "negative entry with export options");
				return -EINVAL;
			}
		return 0;
	}
	if (!tb[NLCACHE_A_SVC_EXPORT_FLAGS]) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "need flags or negative");
		return -EINVAL;
	}
	if (tb[NLCACHE_A_SVC_EXPORT_ANON_UID])
		anon_uid = nla_get_u32(tb[NLCACHE_A_SVC_EXPORT_ANON_UID]);
	if (tb[NLCACHE_A_SVC_EXPORT_ANON_GID])
		anon_gid = nla_get_u32(tb[NLCACHE_A_SVC_EXPORT_ANON_GID]);
	if (!nlc_uid_ok(anon_uid) || !nlc_gid_ok(anon_gid)) {
		NL_SET_ERR_MSG_ATTR(extack, entry,
				    "anon-uid or anon-gid is not valid in the caller's user namespace");
		return -EINVAL;
	}
	nlc_add_u64(t, nla_get_u32(tb[NLCACHE_A_SVC_EXPORT_FLAGS]));
	nlc_add_u64(t, anon_uid);
	nlc_add_u64(t, anon_gid);
	nlc_add_s64(t, tb[NLCACHE_A_SVC_EXPORT_FSID] ?
		    nla_get_s32(tb[NLCACHE_A_SVC_EXPORT_FSID]) : 0);

	/* The parser stops quietly at a word it does not know, so the
	 * newest option (xprtsec, 6.4) goes last.
	 */
	if (tb[NLCACHE_A_SVC_EXPORT_FSLOCATIONS]) {
		err = nlc_export_fslocs(tb[NLCACHE_A_SVC_EXPORT_FSLOCATIONS], t, extack);
		if (err)
			return err;
	}
	err = nlc_export_secinfo(entry, t, extack);
	if (err)
		return err;
	if (uuid) {
		nlc_add(t, "uuid");
		nlc_add_hex(t, nla_data(uuid), nla_len(uuid));
	}
	return nlc_export_xprtsec(entry, t, extack);
}

static int nlc_build_expkey(struct nlattr **tb, const struct nlattr *entry,
			    struct nlc_text *t, struct netlink_ext_ack *extack)
{
	struct nlattr *fsid = tb[NLCACHE_A_EXPKEY_FSID];
	struct nlattr *path = tb[NLCACHE_A_EXPKEY_PATH];
	u8 type;
	int err;

	if (!tb[NLCACHE_A_EXPKEY_CLIENT] || nlc_empty(tb[NLCACHE_A_EXPKEY_CLIENT]) ||
	    !tb[NLCACHE_A_EXPKEY_FSIDTYPE] || !fsid) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "missing client, fsidtype or fsid");
		return -EINVAL;
	}
	type = nla_get_u8(tb[NLCACHE_A_EXPKEY_FSIDTYPE]);
	if (nla_len(fsid) != nlc_fsid_len[type]) {
		NL_SET_ERR_MSG_ATTR(extack, fsid, "fsid length does not match fsidtype");
		return -EINVAL;
	}
	if (!path == !tb[NLCACHE_A_EXPKEY_NEGATIVE] || (path && nlc_empty(path))) {
		NL_SET_ERR_MSG_ATTR(extack, entry, "need exactly one of path and negative");
		return -EINVAL;
	}
	nlc_add(t, nla_data(tb[NLCACHE_A_EXPKEY_CLIENT]));
	nlc_add_u64(t, type);
	nlc_add_hex(t, nla_data(fsid), nla_len(fsid));
	err = nlc_expiry(tb[NLCACHE_A_EXPKEY_EXPIRY], entry, t, extack);
	if (err)
		return err;
	if (path)
		nlc_add(t, nla_data(path));
	return 0;
}

static const struct nlc_entry_ops nlc_entry_ops[NLC_NR_CACHES] = {
	[NLC_IP_MAP] = {
		.policy = nlc_ip_map_policy,
		.maxattr = NLCACHE_A_IP_MAP_MAX,
		.build = nlc_build_ip_map,
	},
	[NLC_UNIX_GID] = {
		.policy = nlc_unix_gid_policy,
		.maxattr = NLCACHE_A_UNIX_GID_MAX,
		.multi = BIT(NLCACHE_A_UNIX_GID_GIDS),
		.build = nlc_build_unix_gid,
	},
	[NLC_SVC_EXPORT] = {
		.policy = nlc_svc_export_policy,
		.maxattr = NLCACHE_A_SVC_EXPORT_MAX,
		.multi = BIT(NLCACHE_A_SVC_EXPORT_SECINFO) |
			 BIT(NLCACHE_A_SVC_EXPORT_XPRTSEC),
		.path_attr = NLCACHE_A_SVC_EXPORT_PATH,
		.build = nlc_build_svc_export,
	},
	[NLC_EXPKEY] = {
		.policy = nlc_expkey_policy,
		.maxattr = NLCACHE_A_EXPKEY_MAX,
		.path_attr = NLCACHE_A_EXPKEY_PATH,
		.build = nlc_build_expkey,
	},
};

/*
 * Applying a batch
 * ================
 *
 * The doit only validates the entries and turns each into its channel line;
 * the lines are handed to the cache's parser later, from a task_work of the
 * calling task, when its sendmsg() returns to user space. Parsers look
 * paths up (nfsd.export, nfsd.fh), and a lookup on a hung filesystem (a
 * FUSE server that never answers, a dead NFS mount) may sleep forever: in
 * the doit it would hold genetlink's cb_lock, and with it every family
 * (un)registration and then every genetlink user of the machine. From the
 * task_work it blocks only the caller, killably, as a write to the /proc
 * channel would. Parses of one cache of one netns run one at a time (the
 * channel serialises its writers too), and the path is looked up once
 * before that lock is taken, so a hung lookup does not hold it either.
 *
 * The reply (applied count, per-entry errors) is sized and allocated before
 * anything is applied and sent when the batch is done: after the ACK, if
 * the request asked for one.
 */

/* Error messages are copied: an extack may point into itself (6.2+). */
#define NLC_MSG_MAX	96
/* Room for a parser's message (nlc_parse_error()) in the reply. */
#define NLC_PARSE_MSG_MAX	64
/* A batch's lines, and its worst-case reply, must stay below these. */
#define NLC_BATCH_TEXT_MAX	(64 << 20)
#define NLC_REPLY_MAX		(2 << 20)

struct nlc_set_ent {
	u32 text;		/* offset of its line in job->buf */
	u32 len;		/* its length, '\n' included; 0: rejected */
	u32 path;		/* offset of the path to look up first, or U32_MAX */
	int err;		/* negative errno when rejected */
	char msg[NLC_MSG_MAX];
};

struct nlc_set_job {
	struct callback_head twork;
	struct net *net;		/* referenced */
	struct sock *sk;		/* the sender's socket, referenced */
	struct cache_detail *cd;	/* pinned by net and cd->owner */
	enum nlc_cache t;
	u32 portid;
	u32 seq;
	u8 cmd;
	struct sk_buff *reply;
	char *buf;
	u32 n;
	struct nlc_set_ent ent[];
};

static void nlc_ent_reject(struct nlc_set_ent *e, int err, const char *msg)
{
	e->len = 0;
	e->err = err;
	strscpy(e->msg, msg ?: "rejected", sizeof(e->msg));
}

/* Validate @entry and build its line at @job->buf + @*used. */
static void nlc_prepare_one(struct nlc_set_job *job, u32 i,
			    const struct nlattr *entry, size_t *used,
			    size_t size)
{
	const struct nlc_entry_ops *ops = &nlc_entry_ops[job->t];
	struct nlattr *tb[NLCACHE_A_SVC_EXPORT_MAX + 1];
	struct nlc_set_ent *e = &job->ent[i];
	struct netlink_ext_ack ext = {};
	struct nlc_text text;
	size_t room;
	int err;

	e->path = U32_MAX;
	err = nla_parse_nested(tb, ops->maxattr, entry, ops->policy, &ext) ?:
	      nlc_check_dups(entry, ops->multi, &ext);
	if (err) {
		nlc_ent_reject(e, err, ext._msg);
		return;
	}
	/* Escaping at most quadruples a byte; numbers fit in their attrs. */
	room = 4 * (size_t)nla_len(entry) + 256;
	if (room > NLC_TEXT_MAX || *used + room > size) {
		nlc_ent_reject(e, -E2BIG, "entry too large");
		return;
	}
	text.buf = job->buf + *used;
	text.bp = text.buf;
	text.left = room - 1;	/* room for the NUL after the '\n' */
	err = ops->build(tb, entry, &text, &ext);
	if (!err && (text.left < 0 || text.bp == text.buf)) {
		err = -E2BIG;
		ext._msg = "entry too large";
	}
	if (err) {
		nlc_ent_reject(e, err, ext._msg);
		return;
	}
	text.bp[-1] = '\n';
	*text.bp = '\0';
	e->text = *used;
	e->len = text.bp - text.buf;
	*used += e->len + 1;
	if (ops->path_attr && tb[ops->path_attr]) {
		/* NUL-terminated by policy; size allows for a copy of it. */
		ssize_t len = strscpy(job->buf + *used,
				      nla_data(tb[ops->path_attr]), size - *used);

		if (len < 0) {
			nlc_ent_reject(e, -E2BIG, "entry too large");
			return;
		}
		e->path = *used;
		*used += len + 1;
	}
}

/* Upper bound of the reply: every entry may end up with an error record. */
static size_t nlc_reply_size(const struct nlc_set_job *job)
{
	size_t size = nla_total_size(sizeof(u32));
	u32 i;

	for (i = 0; i < job->n; i++)
		size += nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
			nla_total_size(job->ent[i].len ? NLC_PARSE_MSG_MAX :
				       strlen(job->ent[i].msg) + 1);
	return size;
}

/* Why a cache's parser refused an entry our checks let through. */
static const char *nlc_parse_error(enum nlc_cache t, int err)
{
	switch (err) {
	case -ENOENT:
		if (t == NLC_IP_MAP)
			return "the domain exists with another auth flavor";
		return "unknown client domain, or the path does not exist";
	case -ENOMEM:
		return "out of memory";
	case -EINTR:
		return "interrupted: the sending task was killed";
	case -EINVAL:
		switch (t) {
		case NLC_IP_MAP:
			return "auth.unix.ip refused the entry (bad class or address)";
		case NLC_SVC_EXPORT:
			return "nfsd.export refused the entry (check_export or secinfo)";
		case NLC_EXPKEY:
			return "nfsd.fh refused the entry";
		default:
			return "auth.unix.gid refused the entry";
		}
	default:
		return "the cache refused the entry";
	}
}

static void nlc_apply_one(struct nlc_set_job *job, struct mutex *lock,
			  struct nlc_set_ent *e)
{
	struct path path;
	int err;

	if (fatal_signal_pending(current)) {
		err = -EINTR;
		goto out;
	}
	/* A hung filesystem blocks here, holding nothing. */
	if (e->path != U32_MAX && !kern_path(job->buf + e->path, 0, &path))
		path_put(&path);
	err = mutex_lock_killable(lock);
	if (err)
		goto out;
	err = job->cd->cache_parse(job->cd, job->buf + e->text, e->len);
	mutex_unlock(lock);
out:
	if (err) {
		nlc_ent_reject(e, err, nlc_parse_error(job->t, err));
		/* Keep within what the reply reserved for it. */
		e->msg[NLC_PARSE_MSG_MAX - 1] = '\0';
	}
}

static void nlc_job_free(struct nlc_set_job *job)
{
	if (job->reply)
		nlmsg_free(job->reply);
	if (job->sk)
		sock_put(job->sk);
	if (job->cd)
		module_put(job->cd->owner);
	if (job->net)
		put_net(job->net);
	kvfree(job->buf);
	kvfree(job);
}

static int nlc_put_result(struct nlc_set_job *job, u32 applied)
{
	struct sk_buff *msg = job->reply;
	struct nlattr *nest;
	void *hdr;
	u32 i;

	hdr = genlmsg_put(msg, job->portid, job->seq, nlc_family(), 0, job->cmd);
	if (!hdr || nla_put_u32(msg, NLCACHE_A_IP_MAP_REQS_APPLIED, applied))
		return -EMSGSIZE;
	for (i = 0; i < job->n; i++) {
		struct nlc_set_ent *e = &job->ent[i];

		if (e->len)
			continue;
		nest = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_ERRORS);
		if (!nest ||
		    nla_put_u32(msg, NLCACHE_A_SET_ERROR_INDEX, i) ||
		    nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, -e->err) ||
		    nla_put_string(msg, NLCACHE_A_SET_ERROR_MESSAGE, e->msg))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* The task_work: apply the batch in the sender's context, then reply. */
static void nlc_set_run(struct callback_head *twork)
{
	struct nlc_set_job *job = container_of(twork, struct nlc_set_job, twork);
	struct nlc_net *nn = nlc_net(job->net);
	struct nlc_stats *st = &nn->stats[job->t];
	u32 i, applied = 0, rejected = 0;
	struct nlc_att *att;

	/* Run by exit_task_work(): the caller is gone, apply nothing. */
	if (current->flags & PF_EXITING)
		goto out;
	for (i = 0; i < job->n; i++) {
		struct nlc_set_ent *e = &job->ent[i];

		if (e->len)
			nlc_apply_one(job, &nn->parse_lock[job->t], e);
		if (e->len)
			applied++;
		else
			rejected++;
		cond_resched();
	}
	att = nlc_att_get(nn, job->t);
	if (att) {
		if (att->cd == job->cd)
			nlc_gc(att);
		nlc_att_put(att);
	}
	atomic64_add(applied, &st->replies);
	atomic64_add(rejected, &st->rejected);

	if (sock_flag(job->sk, SOCK_DEAD))
		goto out;
	if (nlc_put_result(job, applied)) {
		/* Sized in advance: cannot happen. */
		pr_err_ratelimited("%s: reply to a SET of %u entries did not fit\n",
				   job->cd->name, job->n);
		goto out;
	}
	/* Non-blocking: a full receive queue drops it like any reply. */
	genlmsg_unicast(job->net, job->reply, job->portid);
	job->reply = NULL;
out:
	nlc_job_free(job);
	/* Last: the exit path's RCU-tasks grace period covers our return. */
	module_put(THIS_MODULE);
}

int nlc_set_reqs(struct sk_buff *skb, struct genl_info *info, enum nlc_cache t)
{
	struct nlattr *attrs = nlmsg_attrdata(info->nlhdr, GENL_HDRLEN);
	int attrlen = nlmsg_attrlen(info->nlhdr, GENL_HDRLEN);
	struct nlc_set_job *job;
	const struct nlattr *a;
	struct nlc_cdref ref;
	size_t size, used = 0;
	u32 n = 0, i = 0;
	int rem, err;

	nla_for_each_attr(a, attrs, attrlen, rem)
		if (nla_type(a) == NLCACHE_A_IP_MAP_REQS_REQUESTS)
			n++;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no requests");
		return -EINVAL;
	}
	if (n > NLCACHE_MAX_BATCH) {
		NL_SET_ERR_MSG(info->extack, "more than 65536 requests");
		return -E2BIG;
	}
	if (current->flags & PF_KTHREAD) {
		NL_SET_ERR_MSG(info->extack, "replies must come from a user task");
		return -EOPNOTSUPP;
	}
	err = nlc_cdref_get(genl_info_net(info), NETLINK_CB(skb).sk, t, &ref,
			    info->extack);
	if (err)
		return err;

	err = -ENOMEM;
	job = kvzalloc(struct_size(job, ent, n), GFP_KERNEL);
	if (!job)
		goto out_ref;
	job->n = n;
	job->t = t;
	job->cd = ref.cd;
	job->portid = info->snd_portid;
	job->seq = info->snd_seq;
	job->cmd = info->genlhdr->cmd;
	/* Every line, and every path copied for the early lookup. */
	size = 5 * (size_t)attrlen + 257 * (size_t)n;
	err = -E2BIG;
	if (size > NLC_BATCH_TEXT_MAX) {
		NL_SET_ERR_MSG(info->extack, "batch too large: send fewer entries");
		goto out_job;
	}
	err = -ENOMEM;
	job->buf = kvmalloc(size, GFP_KERNEL);
	if (!job->buf)
		goto out_job;
	nla_for_each_attr(a, attrs, attrlen, rem) {
		if (nla_type(a) != NLCACHE_A_IP_MAP_REQS_REQUESTS)
			continue;
		nlc_prepare_one(job, i++, a, &used, size);
	}
	size = nlc_reply_size(job);
	if (size > NLC_REPLY_MAX) {
		err = -E2BIG;
		NL_SET_ERR_MSG(info->extack,
			       "batch too large for one reply (nothing applied): send fewer entries");
		goto out_job;
	}
	job->reply = genlmsg_new(size, GFP_KERNEL);
	if (!job->reply) {
		NL_SET_ERR_MSG(info->extack,
			       "no memory for the reply to this batch (nothing applied): send fewer entries");
		goto out_job;
	}

	err = -ENOENT;
	if (!try_module_get(ref.cd->owner)) {
		NL_SET_ERR_MSG(info->extack, "the cache's module is going away");
		goto out_job;
	}
	if (!try_module_get(THIS_MODULE)) {
		module_put(ref.cd->owner);
		goto out_job;
	}
	job->net = get_net(genl_info_net(info));
	job->sk = NETLINK_CB(skb).sk;
	sock_hold(job->sk);
	nlc_cdref_put(&ref);

	init_task_work(&job->twork, nlc_set_run);
	err = task_work_add(current, &job->twork, TWA_RESUME);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "the sending task is exiting");
		nlc_job_free(job);
		module_put(THIS_MODULE);
		return err;
	}
	return 0;

out_job:
	job->cd = NULL;		/* no reference of ours yet */
	nlc_job_free(job);
out_ref:
	nlc_cdref_put(&ref);
	return err;
}
