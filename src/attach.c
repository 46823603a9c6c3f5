// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Attaching to a netns's caches: the upcall shim, the table of requests
 * pending for the daemon, and handing them back to the legacy path.
 *
 * A cache is attached while a daemon socket is registered for its netns. Its
 * cd->cache_upcall then points at nlc_upcall(), which queues the entry here
 * and multicasts a notification instead of queueing it on the /proc channel.
 * Detaching restores the original pointer and hands every request still
 * pending back to the legacy path: it is issued again through the original
 * upcall, so it lands on the /proc channel where rpc.mountd (or a restarted
 * daemon) answers it. An entry that cannot be handed back is unhashed if it
 * was never valid (its deferred RPCs look the key up again) and left alone if
 * it is valid and only being refreshed: it keeps serving until it expires.
 *
 * Who may act on a netns's caches: its registered daemon socket, or a task
 * that may write the cache's /proc channel (checked by opening its flush
 * file, which has the channel's owner and mode, for writing).
 */
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/netlink.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/sock.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

/* How often the GC/re-notification work runs while a daemon is registered,
 * and how long requests may stay unfetched before they are announced again.
 */
#define NLC_WORK_INTERVAL	(2 * HZ)
#define NLC_RENOTIFY_AFTER	(5 * HZ)

const struct nlc_cache_info nlc_caches[NLC_NR_CACHES] = {
	[NLC_IP_MAP] = {
		.name = "auth.unix.ip",
		.type = NLCACHE_CACHE_TYPE_IP_MAP,
		.legacy_upcall = nlc_legacy_pipe_upcall,
	},
	[NLC_UNIX_GID] = {
		.name = "auth.unix.gid",
		.type = NLCACHE_CACHE_TYPE_UNIX_GID,
		.legacy_upcall = nlc_legacy_pipe_upcall_timeout,
	},
	[NLC_SVC_EXPORT] = {
		.name = "nfsd.export",
		.type = NLCACHE_CACHE_TYPE_SVC_EXPORT,
		.legacy_upcall = nlc_legacy_pipe_upcall,
	},
	[NLC_EXPKEY] = {
		.name = "nfsd.fh",
		.type = NLCACHE_CACHE_TYPE_EXPKEY,
		.legacy_upcall = nlc_legacy_pipe_upcall,
	},
};

unsigned int nlc_net_id __read_mostly;

/* Requests queued per cache and netns; an upcall beyond it fails with
 * -EAGAIN (the RPC is dropped and retried) and counts as an overflow.
 */
unsigned int nlc_max_pending __read_mostly = NLCACHE_MAX_PENDING;

static int nlc_set_max_pending(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (!v || v > NLCACHE_MAX_PENDING)
		return -ERANGE;
	WRITE_ONCE(nlc_max_pending, v);
	return 0;
}

static const struct kernel_param_ops nlc_max_pending_ops = {
	.set = nlc_set_max_pending,
	.get = param_get_uint,
};

module_param_cb(max_pending, &nlc_max_pending_ops, &nlc_max_pending, 0644);
MODULE_PARM_DESC(max_pending,
		 "requests queued per cache and network namespace (1-16384, default 16384)");

static struct kmem_cache *nlc_req_cachep __read_mostly;
static struct kmem_cache *nlc_att_cachep __read_mostly;
/* Threads inside nlc_upcall(); module exit waits for zero. */
static atomic_t nlc_inflight = ATOMIC_INIT(0);

static bool nlc_req_live(const struct nlc_req *req)
{
	return test_bit(CACHE_PENDING, &req->h->flags) &&
	       !test_bit(CACHE_CLEANED, &req->h->flags);
}

static int nlc_cache_by_name(const char *name)
{
	int t;

	for (t = 0; t < NLC_NR_CACHES; t++)
		if (!strcmp(name, nlc_caches[t].name))
			return t;
	return -1;
}

struct nlc_att *nlc_att_get(struct nlc_net *nn, enum nlc_cache t)
{
	struct nlc_att *att;

	rcu_read_lock();
	att = rcu_dereference(nn->att[t]);
	if (att && !refcount_inc_not_zero(&att->users))
		att = NULL;
	rcu_read_unlock();
	return att;
}

void nlc_att_put(struct nlc_att *att)
{
	if (refcount_dec_and_test(&att->users))
		wake_up_var(&att->users);
}

static struct nlc_att *nlc_att_get_cd(struct nlc_net *nn,
				      struct cache_detail *cd)
{
	struct nlc_att *att;
	int t;

	rcu_read_lock();
	for (t = 0; t < NLC_NR_CACHES; t++) {
		att = rcu_dereference(nn->att[t]);
		if (att && att->cd == cd && refcount_inc_not_zero(&att->users)) {
			rcu_read_unlock();
			return att;
		}
	}
	rcu_read_unlock();
	return NULL;
}

static struct nlc_req *nlc_req_find(struct nlc_att *att, struct cache_head *h)
{
	struct nlc_req *req;

	hash_for_each_possible(att->by_h, req, hnode, (unsigned long)h)
		if (req->h == h)
			return req;
	return NULL;
}

/*
 * Seqnos come from one counter per netns, for all its caches, so a daemon
 * that asks for the requests after the last seqno it saw
 * (NLCACHE_A_*_REQS_AFTER) misses none when nfsd's caches are made anew;
 * per netns, so that no netns learns how many upcalls another one makes.
 * Taken under att->lock: each att's list stays in seqno order.
 */
static u64 nlc_next_seqno(struct nlc_att *att)
{
	return atomic64_inc_return(&att->nn->seqno);
}

/* Record @h as pending for the daemon; att->lock held. */
static void nlc_req_add(struct nlc_att *att, struct nlc_req *req,
			struct cache_head *h)
{
	lockdep_assert_held(&att->lock);
	req->h = cache_get(h);
	req->seqno = nlc_next_seqno(att);
	req->queued = jiffies;
	list_add_tail(&req->list, &att->reqs);
	hash_add(att->by_h, &req->hnode, (unsigned long)h);
	att->nr_reqs++;
}

/*
 * Queue @h for the daemon, keeping the upcall contract of
 * sunrpc_cache_pipe_upcall(): CACHE_PENDING set here first (already set:
 * someone else owns the request, nothing to do), then -EAGAIN when the entry
 * was cleaned meanwhile or cannot be queued (cache_check() then clears the
 * PENDING we own), 0 once queued. Never another errno after PENDING is set.
 */
static int nlc_queue(struct nlc_att *att, struct cache_head *h)
{
	struct nlc_stats *st = &att->nn->stats[att->type];
	struct nlc_req *req, *old;
	bool notify;

	if (test_and_set_bit(CACHE_PENDING, &h->flags))
		return 0;
	if (test_bit(CACHE_CLEANED, &h->flags))
		return -EAGAIN;
	if (READ_ONCE(att->nr_reqs) >= READ_ONCE(nlc_max_pending)) {
		/* The limit is on live requests: collect answered ones. */
		nlc_gc(att);
		if (READ_ONCE(att->nr_reqs) >= READ_ONCE(nlc_max_pending)) {
			atomic64_inc(&st->overflows);
			return -EAGAIN;
		}
	}
	req = kmem_cache_alloc(nlc_req_cachep, GFP_KERNEL);
	if (!req)
		return -EAGAIN;

	spin_lock(&att->lock);
	old = nlc_req_find(att, h);
	if (old) {
		/* Answered before and not collected yet: requeue it. */
		old->seqno = nlc_next_seqno(att);
		old->queued = jiffies;
		list_move_tail(&old->list, &att->reqs);
	} else {
		nlc_req_add(att, req, h);
		req = NULL;
	}
	att->last_notify = jiffies;
	/* One notification until the daemon fetches: it lists everything. */
	notify = !att->notified;
	att->notified = true;
	spin_unlock(&att->lock);
	if (req)
		kmem_cache_free(nlc_req_cachep, req);

	atomic64_inc(&st->upcalls);
	if (notify)
		nlc_notify(att->nn, nlc_caches[att->type].type);
	return 0;
}

/* A dump is starting: upcalls from now on are announced again. */
void nlc_fetching(struct nlc_att *att)
{
	spin_lock(&att->lock);
	att->notified = false;
	spin_unlock(&att->lock);
}

/* Entries taken from one hash bucket per RCU section while adopting. */
#define NLC_ADOPT_BATCH	16

/*
 * List @h for the daemon. Returns 1 if listed, 0 if it is no longer pending
 * or listed already, -ENOSPC or -ENOMEM when nothing more can be listed.
 */
static int nlc_adopt_one(struct nlc_att *att, struct cache_head *h)
{
	struct nlc_req *req;

	if (READ_ONCE(att->nr_reqs) >= READ_ONCE(nlc_max_pending)) {
		atomic64_inc(&att->nn->stats[att->type].overflows);
		return -ENOSPC;
	}
	req = kmem_cache_alloc(nlc_req_cachep, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	spin_lock(&att->lock);
	if (!test_bit(CACHE_PENDING, &h->flags) ||
	    test_bit(CACHE_CLEANED, &h->flags) || nlc_req_find(att, h)) {
		spin_unlock(&att->lock);
		kmem_cache_free(nlc_req_cachep, req);
		return 0;
	}
	nlc_req_add(att, req, h);
	spin_unlock(&att->lock);
	return 1;
}

/*
 * The entry after @cur in bucket @b, or the bucket's first if @cur is
 * NULL or was unhashed meanwhile (its next pointer may then lead to freed
 * entries); under rcu_read_lock(). An entry still hashed when we look
 * keeps a valid next pointer for the rest of the read section, and one
 * unhashed before a grace period that freed its successor is seen as
 * unhashed (hlist_del_init_rcu() cleared pprev before that period).
 */
static struct cache_head *nlc_adopt_start(struct cache_detail *cd, int b,
					  struct cache_head *cur)
{
	struct hlist_node *node;

	if (cur && !hlist_unhashed_lockless(&cur->cache_list))
		node = rcu_dereference(hlist_next_rcu(&cur->cache_list));
	else
		node = rcu_dereference(hlist_first_rcu(&cd->hash_table[b]));
	return hlist_entry_safe(node, struct cache_head, cache_list);
}

/*
 * Requests pending when a cache gets attached were upcalled through the
 * /proc channel: before any daemon registered, or handed back when the
 * previous daemon went away (a restart after kill -9). Nobody may be
 * reading that channel, and the entries would wait for the cache cleaner
 * (up to 120 s) while clients retry. List them for the new daemon as
 * well; a channel reader may still answer one first, which is harmless.
 *
 * Each bucket is walked once, NLC_ADOPT_BATCH pending entries per RCU
 * section: the last one taken stays referenced as the cursor the next
 * section goes on from, so a chain of n entries costs O(n), not a rewalk
 * per batch. Only if the cursor was unhashed meanwhile does the bucket
 * start over (what is listed already is skipped). No spinlock is held
 * while walking; att->lock only for each lookup in our table.
 */
static void nlc_adopt(struct nlc_att *att)
{
	struct cache_detail *cd = att->cd;
	struct cache_head *batch[NLC_ADOPT_BATCH], *h, *cur;
	unsigned int n, i, adopted = 0;
	int b, ret = 0;
	bool listed;

	for (b = 0; b < cd->hash_size && ret >= 0; b++) {
		cur = NULL;
		do {
			n = 0;
			rcu_read_lock();
			for (h = nlc_adopt_start(cd, b, cur); h;
			     h = hlist_entry_safe(rcu_dereference(hlist_next_rcu(&h->cache_list)),
						  struct cache_head, cache_list)) {
				if (!test_bit(CACHE_PENDING, &h->flags) ||
				    test_bit(CACHE_CLEANED, &h->flags))
					continue;
				spin_lock(&att->lock);
				listed = nlc_req_find(att, h);
				spin_unlock(&att->lock);
				if (listed || !cache_get_rcu(h))
					continue;
				batch[n++] = h;
				if (n == NLC_ADOPT_BATCH)
					break;
			}
			rcu_read_unlock();
			if (cur)
				cache_put(cur, cd);
			/* A full batch: the walk goes on after its last. */
			cur = n == NLC_ADOPT_BATCH ? batch[n - 1] : NULL;
			for (i = 0; i < n; i++) {
				if (ret >= 0) {
					ret = nlc_adopt_one(att, batch[i]);
					adopted += ret > 0;
				}
				if (batch[i] != cur)
					cache_put(batch[i], cd);
			}
			if (ret < 0 && cur) {
				cache_put(cur, cd);
				cur = NULL;
			}
			cond_resched();
		} while (cur);
	}
	if (adopted) {
		atomic64_add(adopted, &att->nn->stats[att->type].adopted);
		spin_lock(&att->lock);
		att->notified = true;
		spin_unlock(&att->lock);
		nlc_notify(att->nn, nlc_caches[att->type].type);
	}
}

/*
 * Someone replaced cd->cache_upcall after we installed ours and may call
 * nlc_upcall() through the pointer they saved: this module must stay
 * loaded. Taken once, from a context where the module is live.
 */
static void nlc_pin(struct nlc_att *att)
{
	if (test_and_set_bit(NLC_ATT_PINNED, &att->flags))
		return;
	if (try_module_get(THIS_MODULE))
		pr_warn("%s: its upcall was hooked on top of ours; staying loaded\n",
			att->cd->name);
	else
		clear_bit(NLC_ATT_PINNED, &att->flags);
}

/* The cache_upcall of every attached cache_detail. */
static int nlc_upcall(struct cache_detail *cd, struct cache_head *h)
{
	struct nlc_net *nn = nlc_net(cd->net);
	struct nlc_att *att;
	int ret, t;

	atomic_inc(&nlc_inflight);
	att = nlc_att_get_cd(nn, cd);
	if (att) {
		if (unlikely(READ_ONCE(cd->cache_upcall) != nlc_upcall))
			nlc_pin(att);
		ret = nlc_queue(att, h);
		nlc_att_put(att);
	} else {
		/* Detached between the pointer load and now. */
		t = nlc_cache_by_name(cd->name);
		if (t < 0) {
			ret = nlc_legacy_pipe_upcall(cd, h);
		} else {
			atomic64_inc(&nn->stats[t].fallbacks);
			ret = nlc_caches[t].legacy_upcall(cd, h);
		}
	}
	if (atomic_dec_and_test(&nlc_inflight))
		wake_up_var(&nlc_inflight);
	return ret;
}

/* Account the time requests waited for an answer (queued to collected). */
static void nlc_account_answers(struct nlc_stats *st, u64 n, u64 ms, u64 max)
{
	s64 old;

	if (!n)
		return;
	atomic64_add(n, &st->answered);
	atomic64_add(ms, &st->answer_ms);
	old = atomic64_read(&st->answer_ms_max);
	while ((u64)old < max &&
	       !atomic64_try_cmpxchg(&st->answer_ms_max, &old, (s64)max))
		;
}

/* Unlink requests that were answered (or cleaned) and drop their entries. */
void nlc_gc(struct nlc_att *att)
{
	struct nlc_req *req, *tmp;
	unsigned long now;
	u64 n = 0, ms = 0, max = 0, w;
	LIST_HEAD(dead);

	spin_lock(&att->lock);
	/* under the lock: every request was queued (or requeued) before it */
	now = jiffies;
	list_for_each_entry_safe(req, tmp, &att->reqs, list) {
		if (nlc_req_live(req))
			continue;
		/* Answered (by anyone), not removed from the cache unanswered. */
		if (!test_bit(CACHE_CLEANED, &req->h->flags)) {
			w = jiffies_to_msecs(now - req->queued);
			n++;
			ms += w;
			max = max_t(u64, max, w);
		}
		if (att->hint == req)
			att->hint = NULL;
		hash_del(&req->hnode);
		list_move(&req->list, &dead);
		att->nr_reqs--;
	}
	spin_unlock(&att->lock);
	nlc_account_answers(&att->nn->stats[att->type], n, ms, max);

	list_for_each_entry_safe(req, tmp, &dead, list) {
		cache_put(req->h, att->cd);
		kmem_cache_free(nlc_req_cachep, req);
	}
}

/*
 * Copy up to @max live requests with seqno > @after, in seqno order, each
 * with its own reference on the entry (the caller drops it with cache_put).
 * The list is in seqno order; a dump that goes on where the previous round
 * stopped starts after the hint instead of at the head.
 */
unsigned int nlc_copy_reqs(struct nlc_att *att, u64 after,
			   struct nlc_req *out, unsigned int max)
{
	struct nlc_req *req;
	unsigned int n = 0;

	spin_lock(&att->lock);
	req = att->hint;
	if (req && req->seqno == after)
		req = list_next_entry(req, list);
	else
		req = list_first_entry(&att->reqs, struct nlc_req, list);
	list_for_each_entry_from(req, &att->reqs, list) {
		if (n == max)
			break;
		if (req->seqno <= after || !nlc_req_live(req))
			continue;
		out[n].h = cache_get(req->h);
		out[n].seqno = req->seqno;
		out[n].queued = req->queued;
		att->hint = req;
		n++;
	}
	spin_unlock(&att->lock);
	return n;
}

void nlc_pending(struct nlc_att *att, u32 *count, u64 *oldest_ms)
{
	struct nlc_req *req;
	unsigned long oldest = 0;
	u32 n = 0;

	spin_lock(&att->lock);
	list_for_each_entry(req, &att->reqs, list) {
		if (!nlc_req_live(req))
			continue;
		if (!n || time_before(req->queued, oldest))
			oldest = req->queued;
		n++;
	}
	spin_unlock(&att->lock);
	*count = n;
	*oldest_ms = n ? jiffies_to_msecs(jiffies - oldest) : 0;
}

/*
 * Find @t's cache_detail in @net through its /proc/net/rpc/<name>/flush
 * file, on a private procfs instance, in the caller's context: the daemon's
 * mount namespace need not have /proc. Opening the file pins cd->owner and
 * guarantees @cd stays alive until the file is released (use_pde()).
 *
 * The file is opened for writing: the flush file has the owner and mode of
 * the cache's channel (root of the netns's user namespace, 0600), so this
 * is the permission check of a write to the channel, with the caller's
 * credentials, CAP_DAC_OVERRIDE and all.
 */
static struct cache_detail *nlc_cd_open(struct net *net, enum nlc_cache t,
					struct file **filep,
					struct netlink_ext_ack *extack)
{
	const char *name = nlc_caches[t].name;
	struct file_system_type *fst;
	struct cache_detail *cd;
	struct vfsmount *mnt;
	struct file *file;
	char rel[64];
	int err;

	fst = get_fs_type("proc");
	if (!fst) {
		NL_SET_ERR_MSG(extack, "no proc filesystem in this kernel");
		return ERR_PTR(-ENOENT);
	}
	mnt = vfs_kern_mount(fst, SB_KERNMOUNT, "proc", NULL);
	module_put(fst->owner);
	if (IS_ERR(mnt)) {
		NL_SET_ERR_MSG(extack, "cannot mount a private procfs instance");
		return ERR_CAST(mnt);
	}
	snprintf(rel, sizeof(rel), "self/net/rpc/%s/flush", name);
	file = nlc_file_open_root(mnt, rel, O_WRONLY);
	mntput(mnt);
	if (IS_ERR(file)) {
		if (PTR_ERR(file) == -ENOENT)
			NL_SET_ERR_MSG(extack,
				       "cache not present in this netns (is nfsd loaded?)");
		else if (PTR_ERR(file) == -EACCES || PTR_ERR(file) == -EPERM)
			NL_SET_ERR_MSG(extack,
				       "only the registered daemon or who may write the cache's /proc channel may do this");
		else
			NL_SET_ERR_MSG(extack, "cannot open the cache's flush file");
		return ERR_CAST(file);
	}
	cd = nlc_pde_data(file_inode(file));
	err = -EINVAL;
	if (file_inode(file)->i_sb->s_magic != PROC_SUPER_MAGIC || !cd) {
		NL_SET_ERR_MSG(extack, "the cache's flush file is not on procfs");
		goto out_fput;
	}
	if (strcmp(cd->name, name) || !cd->cache_parse || !cd->cache_request ||
	    !cd->cache_upcall) {
		NL_SET_ERR_MSG(extack, "unexpected cache behind the flush file");
		goto out_fput;
	}
	if (cd->net != net) {
		err = -EXDEV;
		NL_SET_ERR_MSG(extack,
			       "the calling task is in another netns than its socket");
		goto out_fput;
	}
	*filep = file;
	return cd;

out_fput:
	fput(file);
	return ERR_PTR(err);
}

/* Whether @sk is the socket registered for @nn (a live socket's pointer). */
bool nlc_is_daemon(struct nlc_net *nn, const struct sock *sk)
{
	return sk && READ_ONCE(nn->sk) == sk;
}

/*
 * Whether the caller is the registered daemon: its socket, or another
 * socket of the same process (a daemon's worker threads answer on their
 * own sockets). nn->tgid is cleared before its reference is dropped, so
 * a pointer read here was live when read, as is the caller's own: equal
 * only for the same process.
 */
static bool nlc_from_daemon(struct nlc_net *nn, const struct sock *sk)
{
	struct pid *tgid;

	if (nlc_is_daemon(nn, sk))
		return true;
	tgid = READ_ONCE(nn->tgid);
	return tgid && tgid == task_tgid(current);
}

/*
 * Requests act on the socket's netns, but the /proc files, paths and the
 * nfsd.fh flush hook are resolved in the calling task's: they must agree.
 */
static int nlc_check_task_net(struct net *net, struct netlink_ext_ack *extack)
{
	if (!current->nsproxy || !net_eq(current->nsproxy->net_ns, net)) {
		NL_SET_ERR_MSG(extack,
			       "the calling task is in another netns than its socket");
		return -EXDEV;
	}
	return 0;
}

/*
 * The one rule for GET, SET, FLUSH and REGISTER of cache @t in @net: @sk is
 * the registered daemon socket, or the caller may write the cache's /proc
 * channel. Whether a daemon is attached does not change the answer.
 *
 * With @ref, the cache_detail is also pinned for the caller's use (release
 * it with nlc_cdref_put()): by the attachment for the daemon, else by the
 * open flush file. The daemon of a cache it does not serve needs the
 * channel's permission for that, as anyone else. Without @ref it is the
 * permission check alone.
 */
int nlc_cdref_get(struct net *net, const struct sock *sk, enum nlc_cache t,
		  struct nlc_cdref *ref, struct netlink_ext_ack *extack)
{
	struct nlc_net *nn = nlc_net(net);
	struct cache_detail *cd;
	struct file *file;
	int err;

	if (ref)
		memset(ref, 0, sizeof(*ref));
	err = nlc_check_task_net(net, extack);
	if (err)
		return err;
	if (nlc_from_daemon(nn, sk)) {
		if (!ref)
			return 0;
		ref->att = nlc_att_get(nn, t);
		if (ref->att) {
			ref->cd = ref->att->cd;
			return 0;
		}
	}
	cd = nlc_cd_open(net, t, &file, extack);
	if (IS_ERR(cd))
		return PTR_ERR(cd);
	if (!ref) {
		fput(file);
		return 0;
	}
	ref->file = file;
	ref->cd = cd;
	return 0;
}

void nlc_cdref_put(struct nlc_cdref *ref)
{
	if (ref->att)
		nlc_att_put(ref->att);
	if (ref->file)
		fput(ref->file);
}

static int nlc_attach(struct nlc_net *nn, enum nlc_cache t,
		      struct netlink_ext_ack *extack)
{
	int (*old)(struct cache_detail *cd, struct cache_head *h);
	struct cache_detail *cd;
	struct nlc_att *att;
	struct file *file;
	int err;

	cd = nlc_cd_open(nn->net, t, &file, extack);
	if (IS_ERR(cd))
		return PTR_ERR(cd);
	err = -ENOENT;
	if (!try_module_get(cd->owner)) {
		NL_SET_ERR_MSG(extack, "the cache's module is going away");
		goto out_fput;
	}
	err = -ENOMEM;
	att = kmem_cache_zalloc(nlc_att_cachep, GFP_KERNEL);
	if (!att)
		goto out_put_owner;
	att->cd = cd;
	att->nn = nn;
	att->type = t;
	refcount_set(&att->users, 1);
	spin_lock_init(&att->lock);
	INIT_LIST_HEAD(&att->reqs);
	hash_init(att->by_h);

	err = -EBUSY;
	old = READ_ONCE(cd->cache_upcall);
	if (old == nlc_upcall) {
		NL_SET_ERR_MSG(extack, "cache already served over netlink");
		goto out_free;
	}
	att->orig = old;
	/* Publish before the swap so the shim always finds the attachment. */
	rcu_assign_pointer(nn->att[t], att);
	if (cmpxchg(&cd->cache_upcall, old, nlc_upcall) != old) {
		RCU_INIT_POINTER(nn->att[t], NULL);
		synchronize_rcu();
		/* Published: a dump or the status may hold it still. */
		if (!refcount_dec_and_test(&att->users))
			wait_var_event(&att->users, !refcount_read(&att->users));
		NL_SET_ERR_MSG(extack, "the cache's upcall changed meanwhile");
		goto out_free;
	}
	fput(file);
	return 0;

out_free:
	kmem_cache_free(nlc_att_cachep, att);
out_put_owner:
	module_put(cd->owner);
out_fput:
	fput(file);
	return err;
}

/*
 * Give the pending request for @h back to the legacy path. We own its
 * CACHE_PENDING: clear it and issue the request again through the
 * original upcall, which puts it on the /proc channel. If that fails
 * (entry cleaned, no channel listener for auth.unix.gid), the request is
 * dropped as cache_check() would drop it: an entry that never became valid
 * is unhashed so its deferred RPCs look the key up again; a valid entry
 * being refreshed keeps serving until it expires.
 */
static void nlc_hand_back(struct nlc_att *att, struct cache_head *h)
{
	struct cache_detail *cd = att->cd;

	clear_bit(CACHE_PENDING, &h->flags);
	if (!att->orig(cd, h))
		return;
	clear_bit(CACHE_PENDING, &h->flags);
	if (!test_bit(CACHE_VALID, &h->flags))
		sunrpc_cache_unhash(cd, h);
}

/* Restore the original upcall and hand every pending request back. */
static void nlc_detach(struct nlc_net *nn, enum nlc_cache t)
{
	struct nlc_att *att = rcu_dereference_protected(nn->att[t],
					lockdep_is_held(&nn->lock));
	struct cache_detail *cd;
	struct nlc_req *req, *tmp;
	bool stacked;

	if (!att)
		return;
	cd = att->cd;
	RCU_INIT_POINTER(nn->att[t], NULL);
	stacked = cmpxchg(&cd->cache_upcall, nlc_upcall, att->orig) != nlc_upcall;
	synchronize_rcu();
	if (!refcount_dec_and_test(&att->users))
		wait_var_event(&att->users, !refcount_read(&att->users));

	list_for_each_entry_safe(req, tmp, &att->reqs, list) {
		if (nlc_req_live(req)) {
			nlc_hand_back(att, req->h);
			atomic64_inc(&nn->stats[t].handed_back);
		}
		cache_put(req->h, cd);
		kmem_cache_free(nlc_req_cachep, req);
	}
	if (stacked) {
		/*
		 * Someone hooked the upcall on top of ours and may still call
		 * it: neither we nor the cache's owner may go away. Pinned
		 * already if it was noticed while the module was live; from
		 * module exit nothing can keep the code around.
		 */
		nlc_pin(att);
		if (!test_bit(NLC_ATT_PINNED, &att->flags))
			pr_err("%s: upcall hooked on top of ours while unloading: the hook now points to freed code\n",
			       cd->name);
	} else {
		module_put(cd->owner);
	}
	kmem_cache_free(nlc_att_cachep, att);
}

static void nlc_detach_all(struct nlc_net *nn)
{
	struct sock *sk = nn->sk;
	struct pid *tgid = nn->tgid;
	int t;

	lockdep_assert_held(&nn->lock);
	for (t = 0; t < NLC_NR_CACHES; t++)
		nlc_detach(nn, t);
	WRITE_ONCE(nn->portid, 0);
	WRITE_ONCE(nn->sk, NULL);
	WRITE_ONCE(nn->tgid, NULL);
	if (sk)
		sock_put(sk);
	put_pid(tgid);
	/*
	 * Under nn->lock (the work never takes it), so that a REGISTER
	 * following right after cannot have its work cancelled by us.
	 */
	cancel_delayed_work_sync(&nn->work);
}

int nlc_register(struct net *net, struct sock *sk, u32 portid, u32 want,
		 u32 *served, u32 *missing, struct netlink_ext_ack *extack)
{
	struct nlc_net *nn = nlc_net(net);
	u32 added = 0;
	int t, err;

	*served = 0;
	*missing = 0;
	err = nlc_check_task_net(net, extack);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	if (nn->sk && nn->sk != sk) {
		if (!sock_flag(nn->sk, SOCK_DEAD)) {
			NL_SET_ERR_MSG(extack,
				       "another socket is registered for this netns");
			err = -EBUSY;
			goto out;
		}
		/* Closed, its release notification not run yet: hand back
		 * what it held before anyone takes over.
		 */
		nlc_detach_all(nn);
	}
	for (t = 0; t < NLC_NR_CACHES; t++) {
		u32 bit = nlc_caches[t].type;

		if (!(want & bit) ||
		    rcu_access_pointer(nn->att[t]))
			continue;
		err = nlc_attach(nn, t, extack);
		if (err == -ENOENT) {
			*missing |= bit;
			err = 0;
			continue;
		}
		if (err)
			break;
		added |= bit;
	}
	if (err) {
		/* All or nothing for what this call added. */
		for (t = 0; t < NLC_NR_CACHES; t++)
			if (added & nlc_caches[t].type)
				nlc_detach(nn, t);
	}
	for (t = 0; t < NLC_NR_CACHES; t++) {
		struct nlc_att *att = rcu_dereference_protected(nn->att[t],
						lockdep_is_held(&nn->lock));

		if (!att)
			continue;
		*served |= nlc_caches[t].type;
		if (added & nlc_caches[t].type)
			nlc_adopt(att);
	}
	if (*served) {
		if (!nn->sk) {
			sock_hold(sk);
			WRITE_ONCE(nn->sk, sk);
			WRITE_ONCE(nn->portid, portid);
			WRITE_ONCE(nn->tgid, get_pid(task_tgid(current)));
		}
		schedule_delayed_work(&nn->work, NLC_WORK_INTERVAL);
	}
out:
	mutex_unlock(&nn->lock);
	return err;
}

int nlc_unregister(struct net *net, const struct sock *sk)
{
	struct nlc_net *nn = nlc_net(net);
	int err = -ENOENT;

	mutex_lock(&nn->lock);
	if (nn->sk && nn->sk == sk) {
		nlc_detach_all(nn);
		err = 0;
	}
	mutex_unlock(&nn->lock);
	return err;
}

/* Collect answered requests; announce again what nobody fetched. */
static void nlc_work(struct work_struct *work)
{
	struct nlc_net *nn = container_of(to_delayed_work(work),
					  struct nlc_net, work);
	bool again = false;
	u32 stale = 0;
	int t;

	for (t = 0; t < NLC_NR_CACHES; t++) {
		struct nlc_att *att = nlc_att_get(nn, t);
		struct nlc_req *req;

		if (!att)
			continue;
		again = true;
		if (READ_ONCE(att->cd->cache_upcall) != nlc_upcall)
			nlc_pin(att);
		nlc_gc(att);
		spin_lock(&att->lock);
		req = list_first_entry_or_null(&att->reqs, struct nlc_req, list);
		if (req && time_after(jiffies, att->last_notify + NLC_RENOTIFY_AFTER)) {
			stale |= nlc_caches[t].type;
			att->last_notify = jiffies;
		}
		spin_unlock(&att->lock);
		nlc_att_put(att);
	}
	if (stale)
		nlc_notify(nn, stale);
	if (again)
		schedule_delayed_work(&nn->work, NLC_WORK_INTERVAL);
}

static int nlc_netlink_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;
	struct nlc_net *nn;
	bool released = false;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nn = nlc_net(n->net);
	if (READ_ONCE(nn->portid) != n->portid)
		return NOTIFY_DONE;
	/*
	 * The daemon's socket closed: it exited, crashed or was killed. The
	 * portid is free for reuse before this notification runs, so it
	 * must be our socket that is dead, not a new one with its portid.
	 */
	mutex_lock(&nn->lock);
	if (nn->sk && nn->portid == n->portid && sock_flag(nn->sk, SOCK_DEAD)) {
		nlc_detach_all(nn);
		released = true;
	}
	mutex_unlock(&nn->lock);
	return released ? NOTIFY_OK : NOTIFY_DONE;
}

static struct notifier_block nlc_netlink_notifier = {
	.notifier_call = nlc_netlink_event,
};

static int __net_init nlc_net_init(struct net *net)
{
	struct nlc_net *nn = nlc_net(net);
	int t;

	nn->net = net;
	mutex_init(&nn->lock);
	for (t = 0; t < NLC_NR_CACHES; t++) {
		RCU_INIT_POINTER(nn->att[t], NULL);
		mutex_init(&nn->parse_lock[t]);
	}
	INIT_DELAYED_WORK(&nn->work, nlc_work);
	atomic64_set(&nn->seqno, 0);
	return 0;
}

/* Runs before any pernet .exit, so before sunrpc and nfsd free the caches. */
static void __net_exit nlc_net_pre_exit(struct net *net)
{
	struct nlc_net *nn = nlc_net(net);

	mutex_lock(&nn->lock);
	nlc_detach_all(nn);
	mutex_unlock(&nn->lock);
}

static struct pernet_operations nlc_net_ops = {
	.init = nlc_net_init,
	.pre_exit = nlc_net_pre_exit,
	.id = &nlc_net_id,
	.size = sizeof(struct nlc_net),
};

int __init nlc_attach_init(void)
{
	int err;

	nlc_req_cachep = KMEM_CACHE(nlc_req, 0);
	if (!nlc_req_cachep)
		return -ENOMEM;
	nlc_att_cachep = KMEM_CACHE(nlc_att, 0);
	err = -ENOMEM;
	if (!nlc_att_cachep)
		goto err_att_cache;
	err = register_pernet_subsys(&nlc_net_ops);
	if (err)
		goto err_pernet;
	err = netlink_register_notifier(&nlc_netlink_notifier);
	if (err)
		goto err_notifier;
	return 0;

err_notifier:
	unregister_pernet_subsys(&nlc_net_ops);
err_pernet:
	kmem_cache_destroy(nlc_att_cachep);
err_att_cache:
	kmem_cache_destroy(nlc_req_cachep);
	return err;
}

void nlc_attach_exit(void)
{
	netlink_unregister_notifier(&nlc_netlink_notifier);
	/* Detaches every netns (pre_exit), restoring every cache_upcall. */
	unregister_pernet_subsys(&nlc_net_ops);
	/*
	 * A thread may have loaded a cache_upcall pointer before it was
	 * restored and not have entered nlc_upcall() yet (RCU-tasks covers
	 * that window, involuntary preemption included), or sleep inside it
	 * (the in-flight count); then let the last ones return.
	 */
	synchronize_rcu_tasks();
	wait_var_event(&nlc_inflight, !atomic_read(&nlc_inflight));
	synchronize_rcu_tasks();
	kmem_cache_destroy(nlc_att_cachep);
	kmem_cache_destroy(nlc_req_cachep);
}
