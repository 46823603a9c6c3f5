/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The answers to the four cache requests, computed from an exports
 * snapshot and the live system (struct nlc_hostview), the way rpc.mountd
 * computes them in /proc mode.
 * These functions block (stat, DNS, blkid): nlcached calls them on its
 * worker threads.
 */
#ifndef NLC_ANSWER_H
#define NLC_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlc_proto.h"
#include "snapshot.h"
#include "hostview.h"

/* mountd's TTL of a mountpoint= export not mounted (NLC_TTL_DEFAULT:
 * nlc_proto.h) */
#define NLC_TTL_NOT_MOUNTED	60u

enum nlc_answer_kind {
	NLC_ANSWER_POSITIVE,
	NLC_ANSWER_NEGATIVE,
	/* no answer now: ask again later (back-off); the request stays
	 * pending in the kernel */
	NLC_ANSWER_DEFER,
	/* the request itself is malformed: answer negative */
	NLC_ANSWER_INVALID,
};

struct nlc_answer_opts {
	unsigned int ttl;	/* -T; NLC_TTL_DEFAULT */
};

/* A human line for the log ("granted access to ... for ..."). */
#define NLC_ANSWER_MSG 512

struct nlc_ip_answer {
	enum nlc_answer_kind kind;
	unsigned int ttl;
	char domain[4096];
	char msg[NLC_ANSWER_MSG];
	int prio;		/* syslog priority of msg (LOG_DEBUG: routine) */
};

/* auth.unix.ip: class (only "nfsd" is answered positively) and address
 * text as the kernel sent them. */
void nlc_answer_ip(const struct nlc_snapshot *s, const struct nlc_hostview *hv,
		   const struct nlc_answer_opts *o, const char *class,
		   const char *addr, struct nlc_ip_answer *out);

#define NLC_ANSWER_MAX_FSLOC 128

struct nlc_export_answer {
	enum nlc_answer_kind kind;
	unsigned int ttl;
	uint32_t flags;		/* already limited to the supported bits */
	uint32_t anon_uid;
	uint32_t anon_gid;
	int32_t fsid;
	bool has_uuid;
	uint8_t uuid[16];
	size_t nsec;
	struct nlc_secinfo sec[8];
	size_t nfsloc;
	struct nlc_fsloc fsloc[NLC_ANSWER_MAX_FSLOC];	/* point into fsloc_buf */
	char *fsloc_buf;	/* malloc'ed; free with nlc_export_answer_free */
	bool migrated;
	uint32_t xprtsec;	/* mask of NLCACHE_XPRTSEC_MODE_* bits; 0: none */
	/* the export that answered (NULL if none) */
	const struct nlc_snap_export *exp;
	char msg[NLC_ANSWER_MSG];
	int prio;		/* syslog priority of msg (LOG_DEBUG: routine) */
};

/*
 * nfsd.export for (domain, path). @supported: the kernel's supported
 * export flags (~0u if unknown). DEFER when the answer depends on a
 * filesystem that cannot be examined now (stat failing with something
 * other than a lookup error).
 */
void nlc_answer_export(const struct nlc_snapshot *s,
		       const struct nlc_hostview *hv,
		       const struct nlc_answer_opts *o, uint32_t supported,
		       const char *domain, const char *path,
		       struct nlc_export_answer *out);
void nlc_export_answer_free(struct nlc_export_answer *a);
/* Fill an encoder reply from an answer (pointers borrowed from both). */
void nlc_export_answer_reply(const struct nlc_export_answer *a,
			     const char *domain, const char *path,
			     uint64_t now, struct nlc_svc_export_reply *r);

struct nlc_fh_answer {
	enum nlc_answer_kind kind;
	uint64_t expiry;	/* absolute */
	char path[4096];
	const struct nlc_snap_export *exp;
	char msg[NLC_ANSWER_MSG];
	int prio;		/* syslog priority of msg (LOG_DEBUG: routine) */
};

/*
 * nfsd.fh for (domain, fsidtype, fsid). DEFER (no reply, retry with
 * back-off) when no export matched but a candidate's filesystem is
 * missing (mountpoint= export not mounted, stat failing with a
 * non-lookup errno) or the winner is a mountpoint= export not mounted.
 */
void nlc_answer_fh(const struct nlc_snapshot *s, const struct nlc_hostview *hv,
		   const struct nlc_answer_opts *o, const char *domain,
		   unsigned int fsidtype, const void *fsid, size_t fsid_len,
		   uint64_t now, struct nlc_fh_answer *out);

/*
 * Split refer=/replicas= text ("path@host[+host][:path@host...]") into
 * locations: each host list's '+' become ':' (IPv6 in [] kept). Returns
 * the number of locations (at most @max; mountd keeps 40), or -EINVAL.
 * *buf gets the malloc'ed storage the locations point into.
 */
int nlc_fsloc_split(const char *text, struct nlc_fsloc *loc, size_t max,
		    char **buf);

#endif /* NLC_ANSWER_H */
