// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The nfsd_nlcache generic netlink family: ops table, policies, and the
 * register, unregister, flush, status and notification handlers. The
 * per-cache request dumps are in request.c, the replies in reply.c.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

enum nlc_mcgrp {
	NLC_MCGRP_EXPORTD,
};

static const struct genl_multicast_group nlc_mcgrps[] = {
	[NLC_MCGRP_EXPORTD] = {
		.name = NLCACHE_MCGRP_EXPORTD,
		NLC_MCGRP_FLAGS_NET_ADMIN
	},
};

static const struct nla_policy nlc_register_policy[NLCACHE_A_REGISTER_MAX + 1] = {
	[NLCACHE_A_REGISTER_CACHES] = NLA_POLICY_MASK(NLA_U32, NLCACHE_CACHE_TYPE_ALL),
	[NLCACHE_A_REGISTER_MISSING] = { .type = NLA_REJECT },
};

static const struct nla_policy nlc_flush_policy[NLCACHE_A_CACHE_FLUSH_MAX + 1] = {
	[NLCACHE_A_CACHE_FLUSH_MASK] = NLA_POLICY_MASK(NLA_U32, NLCACHE_CACHE_TYPE_ALL),
};

/*
 * The *_SET_REQS top level: repeated requests nests, each validated with
 * its cache's entry policy in reply.c so that one bad entry is reported on
 * its own instead of failing the batch.
 */
static const struct nla_policy nlc_set_reqs_policy[NLCACHE_A_IP_MAP_REQS_MAX + 1] = {
	[NLCACHE_A_IP_MAP_REQS_REQUESTS] = { .type = NLA_NESTED },
	[NLCACHE_A_IP_MAP_REQS_APPLIED] = { .type = NLA_REJECT },
	[NLCACHE_A_IP_MAP_REQS_ERRORS] = { .type = NLA_REJECT },
	[NLCACHE_A_IP_MAP_REQS_AFTER] = { .type = NLA_REJECT },
};

/* *_GET_REQS: the requests after a seqno (extension). */
static const struct nla_policy nlc_get_reqs_policy[NLCACHE_A_IP_MAP_REQS_MAX + 1] = {
	[NLCACHE_A_IP_MAP_REQS_REQUESTS] = { .type = NLA_REJECT },
	[NLCACHE_A_IP_MAP_REQS_APPLIED] = { .type = NLA_REJECT },
	[NLCACHE_A_IP_MAP_REQS_ERRORS] = { .type = NLA_REJECT },
	[NLCACHE_A_IP_MAP_REQS_AFTER] = { .type = NLA_U64 },
};

/* The four reqs sets share their layout. */
static_assert((int)NLCACHE_A_UNIX_GID_REQS_MAX == (int)NLCACHE_A_IP_MAP_REQS_MAX);
static_assert((int)NLCACHE_A_SVC_EXPORT_REQS_MAX == (int)NLCACHE_A_IP_MAP_REQS_MAX);
static_assert((int)NLCACHE_A_EXPKEY_REQS_MAX == (int)NLCACHE_A_IP_MAP_REQS_MAX);
static_assert((int)NLCACHE_A_UNIX_GID_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER);
static_assert((int)NLCACHE_A_SVC_EXPORT_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER);
static_assert((int)NLCACHE_A_EXPKEY_REQS_AFTER == (int)NLCACHE_A_IP_MAP_REQS_AFTER);

static struct genl_family nlc_genl_family;
/* Set before the family goes away: its group id may be reused at once. */
static bool nlc_exiting;

void nlc_notify(struct nlc_net *nn, u32 mask)
{
	struct sk_buff *skb;
	void *hdr;
	int t;

	rcu_read_lock();
	if (READ_ONCE(nlc_exiting) ||
	    !genl_has_listeners(&nlc_genl_family, nn->net, NLC_MCGRP_EXPORTD))
		goto out;
	skb = genlmsg_new(nla_total_size(sizeof(u32)), GFP_ATOMIC);
	if (!skb)
		goto out;
	hdr = genlmsg_put(skb, 0, 0, &nlc_genl_family, 0,
			  NLCACHE_CMD_CACHE_NOTIFY);
	if (!hdr || nla_put_u32(skb, NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE, mask)) {
		nlmsg_free(skb);
		goto out;
	}
	genlmsg_end(skb, hdr);
	/* A lost notification is not an error: the daemon rescans. */
	genlmsg_multicast_netns(&nlc_genl_family, nn->net, skb, 0,
				NLC_MCGRP_EXPORTD, GFP_ATOMIC);
	for (t = 0; t < NLC_NR_CACHES; t++)
		if (mask & nlc_caches[t].type)
			atomic64_inc(&nn->stats[t].notifications);
out:
	rcu_read_unlock();
}

static int nlc_nl_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *caches = info->attrs[NLCACHE_A_REGISTER_CACHES];
	struct sk_buff *msg;
	u32 served, missing;
	void *hdr;
	int err;

	if (NLC_NATIVE_UPCALLS) {
		NL_SET_ERR_MSG(info->extack,
			       "this kernel has native netlink cache upcalls: use the sunrpc and nfsd families");
		return -EOPNOTSUPP;
	}
	if (!caches) {
		NL_SET_ERR_MSG(info->extack, "missing the caches to serve");
		return -EINVAL;
	}
	if (!nla_get_u32(caches)) {
		NL_SET_ERR_MSG_ATTR(info->extack, caches, "no cache named");
		return -EINVAL;
	}
	msg = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = nlc_register(genl_info_net(info), NETLINK_CB(skb).sk,
			   info->snd_portid, nla_get_u32(caches), &served,
			   &missing, info->extack);
	if (err)
		goto err_free;
	hdr = genlmsg_put_reply(msg, info, &nlc_genl_family, 0,
				NLCACHE_CMD_REGISTER);
	err = -EMSGSIZE;
	if (!hdr ||
	    nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, served) ||
	    nla_put_u32(msg, NLCACHE_A_REGISTER_MISSING, missing))
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int nlc_nl_unregister_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err = nlc_unregister(genl_info_net(info), NETLINK_CB(skb).sk);

	if (err)
		NL_SET_ERR_MSG(info->extack, "this socket is not registered");
	return err;
}

/*
 * What writing /proc/net/rpc/<cache>/flush does: every entry made before now
 * becomes stale (connections' cached ip_map included, as they check
 * flush_time), the cleaner runs, and the cache's own flush hook too
 * (nfsd.fh: nfsd's open-file cache of the caller's netns).
 */
static void nlc_flush_cd(struct cache_detail *cd)
{
	time64_t now = seconds_since_boot();

	if (cd->flush_time >= now)
		now = cd->flush_time + 1;
	cd->flush_time = now;
	cd->nextcheck = now;
	cache_flush();
	if (cd->flush)
		cd->flush();
}

static int nlc_nl_cache_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[NLCACHE_A_CACHE_FLUSH_MASK];
	u32 mask = a ? nla_get_u32(a) : NLCACHE_CACHE_TYPE_ALL;
	struct nlc_cdref ref;
	int t, err;

	for (t = 0; t < NLC_NR_CACHES; t++) {
		if (!(mask & nlc_caches[t].type))
			continue;
		err = nlc_cdref_get(genl_info_net(info), NETLINK_CB(skb).sk, t,
				    &ref, info->extack);
		if (err == -ENOENT && !a)
			continue;	/* "all": nfsd's caches may not exist */
		if (err)
			return err;
		nlc_flush_cd(ref.cd);
		nlc_cdref_put(&ref);
	}
	return 0;
}

static int nlc_put_cache_status(struct sk_buff *msg, struct nlc_net *nn,
				enum nlc_cache t)
{
	struct nlc_stats *st = &nn->stats[t];
	struct nlc_att *att = nlc_att_get(nn, t);
	struct nlattr *nest;
	u64 oldest = 0;
	u32 pending = 0;

	if (att) {
		nlc_pending(att, &pending, &oldest);
		nlc_att_put(att);
	}
	nest = nla_nest_start(msg, NLCACHE_A_STATUS_CACHE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_TYPE, nlc_caches[t].type) ||
	    nla_put_string(msg, NLCACHE_A_CACHE_STATUS_NAME, nlc_caches[t].name) ||
	    (att && nla_put_flag(msg, NLCACHE_A_CACHE_STATUS_ATTACHED)) ||
	    nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_PENDING, pending) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_OLDEST_MS, oldest,
			      NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_UPCALLS,
			      atomic64_read(&st->upcalls), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_NOTIFICATIONS,
			      atomic64_read(&st->notifications), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_REPLIES,
			      atomic64_read(&st->replies), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_REJECTED,
			      atomic64_read(&st->rejected), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_FALLBACKS,
			      atomic64_read(&st->fallbacks), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_HANDED_BACK,
			      atomic64_read(&st->handed_back), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_OVERFLOWS,
			      atomic64_read(&st->overflows), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_ADOPTED,
			      atomic64_read(&st->adopted), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_ANSWERED,
			      atomic64_read(&st->answered), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_ANSWER_MS,
			      atomic64_read(&st->answer_ms), NLCACHE_A_CACHE_STATUS_PAD) ||
	    nla_put_u64_64bit(msg, NLCACHE_A_CACHE_STATUS_ANSWER_MS_MAX,
			      atomic64_read(&st->answer_ms_max), NLCACHE_A_CACHE_STATUS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nlc_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlc_net *nn = nlc_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int t, err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nlc_genl_family, 0,
				NLCACHE_CMD_STATUS_GET);
	if (!hdr ||
	    nla_put_string(msg, NLCACHE_A_STATUS_VERSION, NLC_VERSION) ||
	    (NLC_NATIVE_UPCALLS && nla_put_flag(msg, NLCACHE_A_STATUS_NATIVE)) ||
	    nla_put_u32(msg, NLCACHE_A_STATUS_DAEMON_PORTID, READ_ONCE(nn->portid)))
		goto err_free;
	for (t = 0; t < NLC_NR_CACHES; t++)
		if (nlc_put_cache_status(msg, nn, t))
			goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* The four *_GET_REQS and *_SET_REQS commands share their handlers. */
static enum nlc_cache nlc_cmd_cache(u8 cmd)
{
	switch (cmd) {
	case NLCACHE_CMD_UNIX_GID_GET_REQS:
	case NLCACHE_CMD_UNIX_GID_SET_REQS:
		return NLC_UNIX_GID;
	case NLCACHE_CMD_SVC_EXPORT_GET_REQS:
	case NLCACHE_CMD_SVC_EXPORT_SET_REQS:
		return NLC_SVC_EXPORT;
	case NLCACHE_CMD_EXPKEY_GET_REQS:
	case NLCACHE_CMD_EXPKEY_SET_REQS:
		return NLC_EXPKEY;
	default:
		return NLC_IP_MAP;
	}
}

/*
 * A dump starts in the requester's sendmsg(): the permission check is made
 * there, against the requesting task and socket. A netns without the
 * cache has nothing to list (an empty dump), as before nfsd is loaded.
 */
static int nlc_nl_get_reqs_start(struct netlink_callback *cb)
{
	const struct genlmsghdr *gnlh = nlmsg_data(cb->nlh);
	struct nlattr *tb[NLCACHE_A_IP_MAP_REQS_MAX + 1];
	struct sk_buff *skb = cb->skb;
	int err;

	err = nlc_cdref_get(sock_net(skb->sk), NETLINK_CB(skb).sk,
			    nlc_cmd_cache(gnlh->cmd), NULL, cb->extack);
	if (err == -ENOENT)
		err = 0;
	if (err)
		return err;
	/* Validated by genetlink already; parsed here the same way on
	 * every kernel (genl_dumpit_info's layout differs).
	 */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, NLCACHE_A_IP_MAP_REQS_MAX,
			  nlc_get_reqs_policy, cb->extack);
	if (err)
		return err;
	/* the dump's cursor: nlc_get_reqs() lists what comes after it */
	if (tb[NLCACHE_A_IP_MAP_REQS_AFTER])
		cb->args[0] = nla_get_u64(tb[NLCACHE_A_IP_MAP_REQS_AFTER]);
	return 0;
}

static int nlc_nl_get_reqs_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	const struct genlmsghdr *gnlh = nlmsg_data(cb->nlh);

	return nlc_get_reqs(skb, cb, nlc_cmd_cache(gnlh->cmd));
}

static int nlc_nl_set_reqs_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nlc_set_reqs(skb, info, nlc_cmd_cache(info->genlhdr->cmd));
}

static const struct genl_ops nlc_genl_ops[] = {
	{
		.cmd = NLCACHE_CMD_REGISTER,
		.doit = nlc_nl_register_doit,
		.policy = nlc_register_policy,
		.maxattr = NLCACHE_A_REGISTER_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_UNREGISTER,
		.doit = nlc_nl_unregister_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_IP_MAP_GET_REQS,
		.start = nlc_nl_get_reqs_start,
		.dumpit = nlc_nl_get_reqs_dumpit,
		.policy = nlc_get_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_IP_MAP_SET_REQS,
		.doit = nlc_nl_set_reqs_doit,
		.policy = nlc_set_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_UNIX_GID_GET_REQS,
		.start = nlc_nl_get_reqs_start,
		.dumpit = nlc_nl_get_reqs_dumpit,
		.policy = nlc_get_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_UNIX_GID_SET_REQS,
		.doit = nlc_nl_set_reqs_doit,
		.policy = nlc_set_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_SVC_EXPORT_GET_REQS,
		.start = nlc_nl_get_reqs_start,
		.dumpit = nlc_nl_get_reqs_dumpit,
		.policy = nlc_get_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_SVC_EXPORT_SET_REQS,
		.doit = nlc_nl_set_reqs_doit,
		.policy = nlc_set_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_EXPKEY_GET_REQS,
		.start = nlc_nl_get_reqs_start,
		.dumpit = nlc_nl_get_reqs_dumpit,
		.policy = nlc_get_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_EXPKEY_SET_REQS,
		.doit = nlc_nl_set_reqs_doit,
		.policy = nlc_set_reqs_policy,
		.maxattr = NLCACHE_A_IP_MAP_REQS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_CACHE_FLUSH,
		.doit = nlc_nl_cache_flush_doit,
		.policy = nlc_flush_policy,
		.maxattr = NLCACHE_A_CACHE_FLUSH_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NLCACHE_CMD_STATUS_GET,
		.doit = nlc_nl_status_get_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family nlc_genl_family __ro_after_init = {
	.name = NLCACHE_FAMILY_NAME,
	.version = NLCACHE_FAMILY_VERSION,
	.netnsok = true,
	/* Replies run cache parsers that walk paths and may sleep: do not
	 * hold genl_mutex (and every other family) meanwhile.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = nlc_genl_ops,
	.n_ops = ARRAY_SIZE(nlc_genl_ops),
	.mcgrps = nlc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nlc_mcgrps),
	NLC_GENL_RESV_START_OP(NLCACHE_CMD_CACHE_NOTIFY)
};

int __init nlc_genl_init(void)
{
	return genl_register_family(&nlc_genl_family);
}

void nlc_genl_exit(void)
{
	/* No notification may be sent once the group id is released. */
	WRITE_ONCE(nlc_exiting, true);
	synchronize_rcu();
	genl_unregister_family(&nlc_genl_family);
}

/* For reply.c and request.c. */
struct genl_family *nlc_family(void)
{
	return &nlc_genl_family;
}
