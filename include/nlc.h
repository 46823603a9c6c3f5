/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#ifndef _NLC_H
#define _NLC_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/sunrpc/cache.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

enum nlc_cache {
	NLC_IP_MAP,
	NLC_UNIX_GID,
	NLC_SVC_EXPORT,
	NLC_EXPKEY,
	NLC_NR_CACHES
};

struct nlc_cache_info {
	const char *name;	/* cd->name */
	u32 type;		/* enum nlcache_cache_type bit */
	/* The upcall the cache's owner installs (what "no daemon" means). */
	int (*legacy_upcall)(struct cache_detail *cd, struct cache_head *h);
};

extern const struct nlc_cache_info nlc_caches[NLC_NR_CACHES];

struct nlc_stats {
	atomic64_t upcalls;
	atomic64_t notifications;
	atomic64_t replies;
	atomic64_t rejected;
	atomic64_t fallbacks;
	atomic64_t handed_back;
	atomic64_t adopted;
	atomic64_t overflows;
	/* requests that stopped pending, and their time queued (ms) */
	atomic64_t answered;
	atomic64_t answer_ms;
	atomic64_t answer_ms_max;
};

/* A request queued for the daemon: a cache entry with CACHE_PENDING set. */
struct nlc_req {
	struct list_head list;		/* att->reqs, in seqno order */
	struct hlist_node hnode;	/* att->by_h */
	struct cache_head *h;		/* our reference */
	u64 seqno;
	unsigned long queued;		/* jiffies */
};

/* One cache of one netns served over netlink. */
struct nlc_att {
	struct cache_detail *cd;	/* pinned by a reference on cd->owner */
	struct nlc_net *nn;
	enum nlc_cache type;
	int (*orig)(struct cache_detail *cd, struct cache_head *h);
	/* 1 for nn->att[] plus one per user (shim, dump, reply, work). */
	refcount_t users;
	spinlock_t lock;		/* reqs, by_h, nr_reqs */
	struct list_head reqs;		/* in seqno order */
	DECLARE_HASHTABLE(by_h, 6);
	unsigned int nr_reqs;
	unsigned long last_notify;	/* jiffies */
	/* Where the last nlc_copy_reqs() stopped: the next dump round
	 * resumes after it instead of rescanning from the head (cleared when
	 * it is freed).
	 */
	struct nlc_req *hint;
	/* A notification is out and no dump has started since: further
	 * upcalls need not announce themselves again.
	 */
	bool notified;
	unsigned long flags;		/* NLC_ATT_* bits */
};

/* Someone hooked cd->cache_upcall on top of nlc_upcall(): this module holds
 * a reference on itself until it is unloaded by force, never.
 */
#define NLC_ATT_PINNED	0

struct nlc_net {
	struct net *net;
	struct mutex lock;		/* portid, sk, att[] updates */
	u32 portid;			/* the registered daemon's socket */
	struct sock *sk;		/* the same socket, referenced */
	struct pid *tgid;		/* its registering process, referenced */
	struct nlc_att __rcu *att[NLC_NR_CACHES];
	/* Replies are parsed one at a time per cache of this netns, as writes
	 * to its /proc channel are (the channel's inode lock).
	 */
	struct mutex parse_lock[NLC_NR_CACHES];
	struct nlc_stats stats[NLC_NR_CACHES];
	struct delayed_work work;	/* GC and re-notification */
	/* The last request seqno given out in this netns: one counter for
	 * its four caches (nlc_req_add()).
	 */
	atomic64_t seqno;
};

extern unsigned int nlc_net_id;
extern unsigned int nlc_max_pending;

static inline struct nlc_net *nlc_net(struct net *net)
{
	return net_generic(net, nlc_net_id);
}

/* A cache_detail in use by a command: pinned by an attachment (the
 * registered daemon) or by an open /proc/net/rpc/<cache>/flush file (anyone
 * else, who needed write permission on it to get here).
 */
struct nlc_cdref {
	struct cache_detail *cd;
	struct nlc_att *att;
	struct file *file;
};

/* attach.c */
int nlc_attach_init(void);
void nlc_attach_exit(void);
int nlc_register(struct net *net, struct sock *sk, u32 portid, u32 want,
		 u32 *served, u32 *missing, struct netlink_ext_ack *extack);
int nlc_unregister(struct net *net, const struct sock *sk);
struct nlc_att *nlc_att_get(struct nlc_net *nn, enum nlc_cache t);
void nlc_att_put(struct nlc_att *att);
void nlc_gc(struct nlc_att *att);
unsigned int nlc_copy_reqs(struct nlc_att *att, u64 after,
			   struct nlc_req *out, unsigned int max);
void nlc_fetching(struct nlc_att *att);
void nlc_pending(struct nlc_att *att, u32 *count, u64 *oldest_ms);
bool nlc_is_daemon(struct nlc_net *nn, const struct sock *sk);
int nlc_cdref_get(struct net *net, const struct sock *sk, enum nlc_cache t,
		  struct nlc_cdref *ref, struct netlink_ext_ack *extack);
void nlc_cdref_put(struct nlc_cdref *ref);

/* genl.c */
struct genl_family *nlc_family(void);
int nlc_genl_init(void);
void nlc_genl_exit(void);
void nlc_notify(struct nlc_net *nn, u32 mask);

/* reply.c */
int nlc_set_reqs(struct sk_buff *skb, struct genl_info *info,
		 enum nlc_cache t);

/* request.c */
/* Room for any one request in a dump message: a rendered key (< PAGE_SIZE
 * of text, split into attributes) with all headers. Asked for only when a
 * request does not fit the reader's message size.
 */
#define NLC_DUMP_MIN_ALLOC	(2 * PAGE_SIZE)
int nlc_get_reqs(struct sk_buff *skb, struct netlink_callback *cb,
		 enum nlc_cache t);

#endif /* _NLC_H */
