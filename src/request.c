// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * *_GET_REQS: list the requests pending for the daemon.
 *
 * The key types of the four caches are private to their .c files, so each
 * request is rendered with the cache's own cache_request(), exactly as a
 * read of the /proc channel would (and, like it, in the reading task's
 * context: an export's path is relative to the dumper's root), then split
 * into the key attributes.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

/* Requests copied out of the table per round. */
#define NLC_COPY_BATCH	32

static const u8 nlc_get_cmd[NLC_NR_CACHES] = {
	[NLC_IP_MAP] = NLCACHE_CMD_IP_MAP_GET_REQS,
	[NLC_UNIX_GID] = NLCACHE_CMD_UNIX_GID_GET_REQS,
	[NLC_SVC_EXPORT] = NLCACHE_CMD_SVC_EXPORT_GET_REQS,
	[NLC_EXPKEY] = NLCACHE_CMD_EXPKEY_GET_REQS,
};

/* All four request sets: seqno is 1, the *-reqs nest is "requests" (1). */
static_assert(NLCACHE_A_IP_MAP_SEQNO == 1 && NLCACHE_A_UNIX_GID_SEQNO == 1 &&
	      NLCACHE_A_SVC_EXPORT_SEQNO == 1 && NLCACHE_A_EXPKEY_SEQNO == 1);
static_assert(NLCACHE_A_IP_MAP_REQS_REQUESTS == 1 &&
	      NLCACHE_A_UNIX_GID_REQS_REQUESTS == 1 &&
	      NLCACHE_A_SVC_EXPORT_REQS_REQUESTS == 1 &&
	      NLCACHE_A_EXPKEY_REQS_REQUESTS == 1);

/* Copy the next text field into the attribute @type. */
static int nlc_put_field(struct sk_buff *skb, int type, char **text,
			 char *field, bool binary)
{
	int len = qword_get(text, field, PAGE_SIZE);

	if (len < 0 || (!binary && len == 0))
		return -EINVAL;
	if (binary)
		return nla_put(skb, type, len, field) ? -EMSGSIZE : 0;
	return nla_put_string(skb, type, field) ? -EMSGSIZE : 0;
}

static int nlc_put_key(struct sk_buff *skb, enum nlc_cache t, char *text,
		       char *field)
{
	u32 uid;
	u8 fsidtype;

	switch (t) {
	case NLC_IP_MAP:
		return nlc_put_field(skb, NLCACHE_A_IP_MAP_CLASS, &text, field, false) ?:
		       nlc_put_field(skb, NLCACHE_A_IP_MAP_ADDR, &text, field, false);
	case NLC_UNIX_GID:
		if (qword_get(&text, field, PAGE_SIZE) <= 0 || kstrtou32(field, 10, &uid))
			return -EINVAL;
		return nla_put_u32(skb, NLCACHE_A_UNIX_GID_UID, uid) ? -EMSGSIZE : 0;
	case NLC_SVC_EXPORT:
		return nlc_put_field(skb, NLCACHE_A_SVC_EXPORT_CLIENT, &text, field, false) ?:
		       nlc_put_field(skb, NLCACHE_A_SVC_EXPORT_PATH, &text, field, false);
	case NLC_EXPKEY:
		if (nlc_put_field(skb, NLCACHE_A_EXPKEY_CLIENT, &text, field, false) == -EMSGSIZE)
			return -EMSGSIZE;
		if (qword_get(&text, field, PAGE_SIZE) <= 0 || kstrtou8(field, 10, &fsidtype))
			return -EINVAL;
		if (nla_put_u8(skb, NLCACHE_A_EXPKEY_FSIDTYPE, fsidtype))
			return -EMSGSIZE;
		return nlc_put_field(skb, NLCACHE_A_EXPKEY_FSID, &text, field, true);
	default:
		return -EINVAL;
	}
}

/*
 * Put one request. -EMSGSIZE: no room (retry in the next message); -EINVAL:
 * the entry could not be rendered (an export whose path has no name from
 * the dumper's root), skip it.
 */
static int nlc_put_req(struct sk_buff *skb, enum nlc_cache t,
		       struct cache_detail *cd, struct nlc_req *r, char *text,
		       char *field)
{
	struct nlattr *nest;
	int blen = PAGE_SIZE - 1;
	char *bp = text;
	int err;

	cd->cache_request(cd, r->h, &bp, &blen);
	if (blen < 0 || bp == text)
		return -EINVAL;
	*bp = '\0';

	nest = nla_nest_start(skb, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	if (!nest)
		return -EMSGSIZE;
	err = nla_put_u64_64bit(skb, NLCACHE_A_IP_MAP_SEQNO, r->seqno, 0) ?
	      -EMSGSIZE : nlc_put_key(skb, t, text, field);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int nlc_get_reqs(struct sk_buff *skb, struct netlink_callback *cb,
		 enum nlc_cache t)
{
	struct nlc_net *nn = nlc_net(sock_net(skb->sk));
	struct nlc_req *batch;
	struct nlc_att *att;
	unsigned int n, i, emitted = 0;
	u64 cursor = cb->args[0];
	bool full = false, grow = false;
	char *text;
	void *hdr;
	int err = 0;

	att = nlc_att_get(nn, t);
	if (!att)
		return 0;
	text = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	batch = kmalloc_array(NLC_COPY_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!text || !batch) {
		err = -ENOMEM;
		goto out;
	}
	nlc_gc(att);
	if (!cb->args[1]) {
		/* What is queued from now on is announced again. */
		nlc_fetching(att);
		cb->args[1] = 1;
	}

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  nlc_family(), NLM_F_MULTI, nlc_get_cmd[t]);
	if (!hdr) {
		err = -EMSGSIZE;
		goto out;
	}
	while (!full) {
		n = nlc_copy_reqs(att, cursor, batch, NLC_COPY_BATCH);
		for (i = 0; i < n; i++) {
			if (!full) {
				err = nlc_put_req(skb, t, att->cd, &batch[i],
						  text, text + PAGE_SIZE);
				if (err == -EMSGSIZE && emitted) {
					full = true;
				} else if (err == -EMSGSIZE &&
					   cb->min_dump_alloc < NLC_DUMP_MIN_ALLOC) {
					/* Too big for this reader's message
					 * size: the next ones are bigger.
					 */
					full = true;
					grow = true;
				} else if (err == -EMSGSIZE) {
					/* Cannot happen: a key renders to
					 * less than a page. Never let one
					 * request end every dump.
					 */
					pr_warn_ratelimited("%s: request %llu does not fit a dump message; skipped\n",
							    att->cd->name, batch[i].seqno);
					cursor = batch[i].seqno;
				} else {
					cursor = batch[i].seqno;
				}
				if (!err)
					emitted++;
			}
			cache_put(batch[i].h, att->cd);
		}
		if (n < NLC_COPY_BATCH)
			break;
	}
	cb->args[0] = cursor;
	if (grow) {
		/*
		 * Messages are sized for the reader's buffer; only a dump that
		 * meets a request larger than that asks for room for the
		 * largest one, and sends what it has (maybe an empty message)
		 * so that the dump goes on.
		 */
		cb->min_dump_alloc = NLC_DUMP_MIN_ALLOC;
		genlmsg_end(skb, hdr);
		err = skb->len;
		goto out;
	}
	if (!emitted) {
		genlmsg_cancel(skb, hdr);
		err = 0;
		goto out;
	}
	genlmsg_end(skb, hdr);
	err = skb->len;
out:
	kfree(batch);
	kfree(text);
	nlc_att_put(att);
	return err;
}
