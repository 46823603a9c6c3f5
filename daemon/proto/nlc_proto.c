// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/genl.h>

#include "nlc_proto.h"
#include "qword.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const struct nlc_flavor_name nlc_flavor_names[] = {
	{ "null", NLC_SEC_NULL }, { "none", NLC_SEC_NULL },
	{ "sys", NLC_SEC_SYS }, { "unix", NLC_SEC_SYS },
	{ "krb5", NLC_SEC_KRB5 }, { "krb5i", NLC_SEC_KRB5I },
	{ "krb5p", NLC_SEC_KRB5P },
};
const size_t nlc_nflavor_names = ARRAY_LEN(nlc_flavor_names);

const struct nlc_export_flag_word nlc_export_flag_words[] = {
	{ "ro", NLCACHE_EXPORT_FLAGS_READONLY, true, true },
	{ "rw", NLCACHE_EXPORT_FLAGS_READONLY, false, true },
	{ "secure", NLCACHE_EXPORT_FLAGS_INSECURE_PORT, false, true },
	{ "insecure", NLCACHE_EXPORT_FLAGS_INSECURE_PORT, true, true },
	{ "root_squash", NLCACHE_EXPORT_FLAGS_ROOTSQUASH, true, true },
	{ "no_root_squash", NLCACHE_EXPORT_FLAGS_ROOTSQUASH, false, true },
	{ "all_squash", NLCACHE_EXPORT_FLAGS_ALLSQUASH, true, true },
	{ "no_all_squash", NLCACHE_EXPORT_FLAGS_ALLSQUASH, false, true },
	{ "sync", NLCACHE_EXPORT_FLAGS_ASYNC, false, false },
	{ "async", NLCACHE_EXPORT_FLAGS_ASYNC, true, false },
	{ "wdelay", NLCACHE_EXPORT_FLAGS_GATHERED_WRITES, true, false },
	{ "no_wdelay", NLCACHE_EXPORT_FLAGS_GATHERED_WRITES, false, false },
	{ "hide", NLCACHE_EXPORT_FLAGS_NOHIDE, false, false },
	{ "nohide", NLCACHE_EXPORT_FLAGS_NOHIDE, true, false },
	{ "crossmnt", NLCACHE_EXPORT_FLAGS_CROSSMOUNT, true, false },
	{ "nocrossmnt", NLCACHE_EXPORT_FLAGS_CROSSMOUNT, false, false },
	{ "subtree_check", NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK, false, false },
	{ "no_subtree_check", NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK, true, false },
	{ "secure_locks", NLCACHE_EXPORT_FLAGS_NOAUTHNLM, false, false },
	{ "auth_nlm", NLCACHE_EXPORT_FLAGS_NOAUTHNLM, false, false },
	{ "insecure_locks", NLCACHE_EXPORT_FLAGS_NOAUTHNLM, true, false },
	{ "no_auth_nlm", NLCACHE_EXPORT_FLAGS_NOAUTHNLM, true, false },
	{ "acl", NLCACHE_EXPORT_FLAGS_NOACL, false, false },
	{ "no_acl", NLCACHE_EXPORT_FLAGS_NOACL, true, false },
	{ "nordirplus", NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS, true, false },
	{ "security_label", NLCACHE_EXPORT_FLAGS_SECURITY_LABEL, true, false },
	{ "sign_fh", NLCACHE_EXPORT_FLAGS_SIGN_FH, true, false },
	{ "pnfs", NLCACHE_EXPORT_FLAGS_PNFS, true, false },
	{ "no_pnfs", NLCACHE_EXPORT_FLAGS_PNFS, false, false },
};
const size_t nlc_nexport_flag_words = ARRAY_LEN(nlc_export_flag_words);

const struct nlc_cache nlc_caches[NLC_NCACHES] = {
	{
		.family = NLCACHE_FAMILY_NAME,
		.name = "auth.unix.ip", .alias = "ip-map",
		.type = NLCACHE_CACHE_TYPE_IP_MAP,
		.get_cmd = NLCACHE_CMD_IP_MAP_GET_REQS,
		.set_cmd = NLCACHE_CMD_IP_MAP_SET_REQS,
		.requests = NLCACHE_A_IP_MAP_REQS_REQUESTS,
		.applied = NLCACHE_A_IP_MAP_REQS_APPLIED,
		.errors = NLCACHE_A_IP_MAP_REQS_ERRORS,
		.notify_bit = NLCACHE_CACHE_TYPE_IP_MAP,
		.notify_cmd = NLCACHE_CMD_CACHE_NOTIFY,
	},
	{
		.family = NLCACHE_FAMILY_NAME,
		.name = "auth.unix.gid", .alias = "unix-gid",
		.type = NLCACHE_CACHE_TYPE_UNIX_GID,
		.get_cmd = NLCACHE_CMD_UNIX_GID_GET_REQS,
		.set_cmd = NLCACHE_CMD_UNIX_GID_SET_REQS,
		.requests = NLCACHE_A_UNIX_GID_REQS_REQUESTS,
		.applied = NLCACHE_A_UNIX_GID_REQS_APPLIED,
		.errors = NLCACHE_A_UNIX_GID_REQS_ERRORS,
		.notify_bit = NLCACHE_CACHE_TYPE_UNIX_GID,
		.notify_cmd = NLCACHE_CMD_CACHE_NOTIFY,
	},
	{
		.family = NLCACHE_FAMILY_NAME,
		.name = "nfsd.export", .alias = "svc-export",
		.type = NLCACHE_CACHE_TYPE_SVC_EXPORT,
		.get_cmd = NLCACHE_CMD_SVC_EXPORT_GET_REQS,
		.set_cmd = NLCACHE_CMD_SVC_EXPORT_SET_REQS,
		.requests = NLCACHE_A_SVC_EXPORT_REQS_REQUESTS,
		.applied = NLCACHE_A_SVC_EXPORT_REQS_APPLIED,
		.errors = NLCACHE_A_SVC_EXPORT_REQS_ERRORS,
		.notify_bit = NLCACHE_CACHE_TYPE_SVC_EXPORT,
		.notify_cmd = NLCACHE_CMD_CACHE_NOTIFY,
	},
	{
		.family = NLCACHE_FAMILY_NAME,
		.name = "nfsd.fh", .alias = "expkey",
		.type = NLCACHE_CACHE_TYPE_EXPKEY,
		.get_cmd = NLCACHE_CMD_EXPKEY_GET_REQS,
		.set_cmd = NLCACHE_CMD_EXPKEY_SET_REQS,
		.requests = NLCACHE_A_EXPKEY_REQS_REQUESTS,
		.applied = NLCACHE_A_EXPKEY_REQS_APPLIED,
		.errors = NLCACHE_A_EXPKEY_REQS_ERRORS,
		.notify_bit = NLCACHE_CACHE_TYPE_EXPKEY,
		.notify_cmd = NLCACHE_CMD_CACHE_NOTIFY,
	},
};

/* The caches on Linux 7.2's own families (the NLC_SUNRPC_* and NLC_NFSD_*
 * numbers of nlc_proto.h). */
const struct nlc_cache nlc_native_caches[NLC_NCACHES] = {
	{
		.family = NLC_NATIVE_SUNRPC, .native = true,
		.name = "auth.unix.ip", .alias = "ip-map",
		.type = NLCACHE_CACHE_TYPE_IP_MAP,
		.get_cmd = NLC_SUNRPC_CMD_IP_MAP_GET_REQS,
		.set_cmd = NLC_SUNRPC_CMD_IP_MAP_SET_REQS,
		.notify_cmd = NLC_SUNRPC_CMD_CACHE_NOTIFY,
		.notify_bit = NLC_SUNRPC_CACHE_TYPE_IP_MAP,
		.requests = NLCACHE_A_IP_MAP_REQS_REQUESTS,
		.applied = -1, .errors = -1,
	},
	{
		.family = NLC_NATIVE_SUNRPC, .native = true,
		.name = "auth.unix.gid", .alias = "unix-gid",
		.type = NLCACHE_CACHE_TYPE_UNIX_GID,
		.get_cmd = NLC_SUNRPC_CMD_UNIX_GID_GET_REQS,
		.set_cmd = NLC_SUNRPC_CMD_UNIX_GID_SET_REQS,
		.notify_cmd = NLC_SUNRPC_CMD_CACHE_NOTIFY,
		.notify_bit = NLC_SUNRPC_CACHE_TYPE_UNIX_GID,
		.requests = NLCACHE_A_UNIX_GID_REQS_REQUESTS,
		.applied = -1, .errors = -1,
	},
	{
		.family = NLC_NATIVE_NFSD, .native = true,
		.name = "nfsd.export", .alias = "svc-export",
		.type = NLCACHE_CACHE_TYPE_SVC_EXPORT,
		.get_cmd = NLC_NFSD_CMD_SVC_EXPORT_GET_REQS,
		.set_cmd = NLC_NFSD_CMD_SVC_EXPORT_SET_REQS,
		.notify_cmd = NLC_NFSD_CMD_CACHE_NOTIFY,
		.notify_bit = NLC_NFSD_CACHE_TYPE_SVC_EXPORT,
		.requests = NLCACHE_A_SVC_EXPORT_REQS_REQUESTS,
		.applied = -1, .errors = -1,
	},
	{
		.family = NLC_NATIVE_NFSD, .native = true,
		.name = "nfsd.fh", .alias = "expkey",
		.type = NLCACHE_CACHE_TYPE_EXPKEY,
		.get_cmd = NLC_NFSD_CMD_EXPKEY_GET_REQS,
		.set_cmd = NLC_NFSD_CMD_EXPKEY_SET_REQS,
		.notify_cmd = NLC_NFSD_CMD_CACHE_NOTIFY,
		.notify_bit = NLC_NFSD_CACHE_TYPE_EXPKEY,
		.requests = NLCACHE_A_EXPKEY_REQS_REQUESTS,
		.applied = -1, .errors = -1,
	},
};

const struct nlc_cache *nlc_cache_lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < NLC_NCACHES; i++)
		if (!strcasecmp(name, nlc_caches[i].name) ||
		    !strcasecmp(name, nlc_caches[i].alias))
			return &nlc_caches[i];
	return NULL;
}

const struct nlc_cache *nlc_cache_by_type(uint32_t type)
{
	size_t i;

	for (i = 0; i < NLC_NCACHES; i++)
		if (type == nlc_caches[i].type)
			return &nlc_caches[i];
	return NULL;
}

int nlc_cache_mask_str(uint32_t mask, char *buf, size_t size)
{
	uint32_t known = 0;
	size_t len = 0, i;
	int n;

	if (!size)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < NLC_NCACHES; i++) {
		known |= nlc_caches[i].type;
		if (!(mask & nlc_caches[i].type))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
			     nlc_caches[i].name);
		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += (size_t)n;
	}
	if (mask & ~known) {
		n = snprintf(buf + len, size - len, "%s%#x", len ? "," : "",
			     mask & ~known);
		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += (size_t)n;
	}
	return (int)len;
}

int nlc_fsid_len(unsigned int fsidtype)
{
	/* nfsd's key_len(): FSID_DEV, FSID_NUM, FSID_MAJOR_MINOR,
	 * FSID_ENCODE_DEV, FSID_UUID4_INUM, FSID_UUID8, FSID_UUID16,
	 * FSID_UUID16_INUM. */
	static const int len[] = { 8, 4, 12, 8, 8, 8, 16, 24 };

	return fsidtype < sizeof(len) / sizeof(len[0]) ? len[fsidtype] : -1;
}

/* --- attribute helpers ----------------------------------------------------- */

static size_t attr_total(size_t payload)
{
	return NLA_ALIGN(NLA_HDRLEN + payload);
}

static size_t str_total(const char *s)
{
	return attr_total(strlen(s) + 1);
}

/* Whether need more bytes fit in msg (as libnl's nla_reserve counts). */
static bool fits(struct nl_msg *msg, size_t need)
{
	size_t used = NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
	size_t max = nlmsg_get_max_size(msg);

	return used <= max && need <= max - used;
}

/*
 * Open the requests nest after the size checks, so that a put either
 * appends the whole entry or leaves msg untouched.
 */
static int nest_open(struct nl_msg *msg, int type, size_t size,
		     struct nlattr **nest)
{
	if (size > NLC_NEST_MAX)
		return -E2BIG;
	if (!fits(msg, size))
		return -EMSGSIZE;
	*nest = nla_nest_start(msg, type);
	return *nest ? 0 : -EMSGSIZE;
}

static int nest_close(struct nl_msg *msg, struct nlattr *nest, int err)
{
	if (err < 0 || nla_nest_end(msg, nest) < 0) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	return 0;
}

static int put_u64(struct nl_msg *msg, int type, uint64_t v)
{
	return nla_put_u64(msg, type, v);
}

/* --- encoders ----------------------------------------------------------------- */

size_t nlc_ip_map_size(const struct nlc_ip_map_reply *r)
{
	size_t n = NLA_HDRLEN + str_total(r->class) + str_total(r->addr) +
		   attr_total(sizeof(uint64_t));

	if (r->negative)
		n += attr_total(0);
	else if (r->domain)
		n += str_total(r->domain);
	return n;
}

int nlc_put_ip_map(struct nl_msg *msg, const struct nlc_ip_map_reply *r)
{
	struct nlattr *nest;
	int err;

	if (!r->class || !r->addr)
		return -EINVAL;
	err = nest_open(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS, nlc_ip_map_size(r), &nest);
	if (err)
		return err;
	err = nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, r->class);
	if (!err)
		err = nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, r->addr);
	if (!err)
		err = put_u64(msg, NLCACHE_A_IP_MAP_EXPIRY, r->expiry);
	if (!err && r->negative)
		err = nla_put_flag(msg, NLCACHE_A_IP_MAP_NEGATIVE);
	else if (!err && r->domain)
		err = nla_put_string(msg, NLCACHE_A_IP_MAP_DOMAIN, r->domain);
	return nest_close(msg, nest, err);
}

/* Repeated gids (as upstream) while the entry fits in a nest, else one
 * gid-array (our extension, up to NLCACHE_MAX_GIDS and beyond for tests).
 */
static bool unix_gid_as_array(const struct nlc_unix_gid_reply *r)
{
	size_t fixed = NLA_HDRLEN + attr_total(sizeof(uint32_t)) +
		       attr_total(sizeof(uint64_t));

	return !r->negative &&
	       fixed + r->ngids * attr_total(sizeof(uint32_t)) > NLC_NEST_MAX;
}

size_t nlc_unix_gid_size(const struct nlc_unix_gid_reply *r)
{
	size_t n = NLA_HDRLEN + attr_total(sizeof(uint32_t)) +
		   attr_total(sizeof(uint64_t));

	if (r->negative)
		n += attr_total(0);
	else if (unix_gid_as_array(r))
		n += attr_total(r->ngids * sizeof(uint32_t));
	else
		n += r->ngids * attr_total(sizeof(uint32_t));
	return n;
}

int nlc_put_unix_gid(struct nl_msg *msg, const struct nlc_unix_gid_reply *r)
{
	struct nlattr *nest;
	size_t i;
	int err;

	if (!r->negative && r->ngids && !r->gids)
		return -EINVAL;
	err = nest_open(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS, nlc_unix_gid_size(r), &nest);
	if (err)
		return err;
	err = nla_put_u32(msg, NLCACHE_A_UNIX_GID_UID, r->uid);
	if (!err)
		err = put_u64(msg, NLCACHE_A_UNIX_GID_EXPIRY, r->expiry);
	if (!err && r->negative)
		err = nla_put_flag(msg, NLCACHE_A_UNIX_GID_NEGATIVE);
	else if (!err && unix_gid_as_array(r))
		err = nla_put(msg, NLCACHE_A_UNIX_GID_GID_ARRAY,
			      (int)(r->ngids * sizeof(uint32_t)), r->gids);
	for (i = 0; !err && !r->negative && !unix_gid_as_array(r) && i < r->ngids; i++)
		err = nla_put_u32(msg, NLCACHE_A_UNIX_GID_GIDS, r->gids[i]);
	return nest_close(msg, nest, err);
}

static unsigned int popcount32(uint32_t v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static bool has_fslocations(const struct nlc_svc_export_reply *r)
{
	return r->nfslocs || r->migrated;
}

size_t nlc_svc_export_size(const struct nlc_svc_export_reply *r)
{
	size_t n = NLA_HDRLEN + str_total(r->client) + str_total(r->path) +
		   attr_total(sizeof(uint64_t));
	size_t i;

	if (r->negative)
		return n + attr_total(0);
	n += 4 * attr_total(sizeof(uint32_t));	/* flags, anon uid/gid, fsid */
	if (r->uuid)
		n += attr_total(r->uuid_len);
	n += r->nsecinfo * (NLA_HDRLEN + 2 * attr_total(sizeof(uint32_t)));
	if (has_fslocations(r)) {
		n += NLA_HDRLEN;
		for (i = 0; i < r->nfslocs; i++)
			n += NLA_HDRLEN + str_total(r->fslocs[i].host) +
			     str_total(r->fslocs[i].path);
		if (r->migrated)
			n += attr_total(0);
	}
	n += popcount32(r->xprtsec) * attr_total(sizeof(uint32_t));
	return n;
}

static int put_secinfo(struct nl_msg *msg, const struct nlc_secinfo *s)
{
	struct nlattr *nest = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_SECINFO);
	int err;

	if (!nest)
		return -EMSGSIZE;
	err = nla_put_u32(msg, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, s->flavor);
	if (!err)
		err = nla_put_u32(msg, NLCACHE_A_AUTH_FLAVOR_FLAGS, s->flags);
	return err ? err : nla_nest_end(msg, nest);
}

static int put_fslocations(struct nl_msg *msg, const struct nlc_svc_export_reply *r)
{
	struct nlattr *locs, *loc;
	size_t i;
	int err = 0;

	locs = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_FSLOCATIONS);
	if (!locs)
		return -EMSGSIZE;
	for (i = 0; !err && i < r->nfslocs; i++) {
		loc = nla_nest_start(msg, NLCACHE_A_FSLOCATIONS_LOCATION);
		if (!loc)
			return -EMSGSIZE;
		err = nla_put_string(msg, NLCACHE_A_FSLOCATION_HOST, r->fslocs[i].host);
		if (!err)
			err = nla_put_string(msg, NLCACHE_A_FSLOCATION_PATH,
					     r->fslocs[i].path);
		if (!err)
			err = nla_nest_end(msg, loc);
	}
	if (!err && r->migrated)
		err = nla_put_flag(msg, NLCACHE_A_FSLOCATIONS_MIGRATED);
	return err ? err : nla_nest_end(msg, locs);
}

int nlc_put_svc_export(struct nl_msg *msg, const struct nlc_svc_export_reply *r)
{
	struct nlattr *nest;
	uint32_t bit;
	size_t i;
	int err;

	if (!r->client || !r->path)
		return -EINVAL;
	if (!r->negative) {
		if ((r->nsecinfo && !r->secinfo) || (r->nfslocs && !r->fslocs))
			return -EINVAL;
		for (i = 0; i < r->nfslocs; i++)
			if (!r->fslocs[i].host || !r->fslocs[i].path)
				return -EINVAL;
	}
	err = nest_open(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS,
			nlc_svc_export_size(r), &nest);
	if (err)
		return err;
	err = nla_put_string(msg, NLCACHE_A_SVC_EXPORT_CLIENT, r->client);
	if (!err)
		err = nla_put_string(msg, NLCACHE_A_SVC_EXPORT_PATH, r->path);
	if (!err)
		err = put_u64(msg, NLCACHE_A_SVC_EXPORT_EXPIRY, r->expiry);
	if (r->negative) {
		if (!err)
			err = nla_put_flag(msg, NLCACHE_A_SVC_EXPORT_NEGATIVE);
		return nest_close(msg, nest, err);
	}
	if (!err)
		err = nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_FLAGS, r->flags);
	if (!err)
		err = nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_ANON_UID, r->anon_uid);
	if (!err)
		err = nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_ANON_GID, r->anon_gid);
	if (!err)
		err = nla_put_s32(msg, NLCACHE_A_SVC_EXPORT_FSID, r->fsid);
	if (!err && r->uuid)
		err = nla_put(msg, NLCACHE_A_SVC_EXPORT_UUID, (int)r->uuid_len, r->uuid);
	for (i = 0; !err && i < r->nsecinfo; i++)
		err = put_secinfo(msg, &r->secinfo[i]);
	if (!err && has_fslocations(r))
		err = put_fslocations(msg, r);
	for (bit = 1; !err && bit && bit <= r->xprtsec; bit <<= 1)
		if (r->xprtsec & bit)
			err = nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_XPRTSEC, bit);
	return nest_close(msg, nest, err);
}

size_t nlc_expkey_size(const struct nlc_expkey_reply *r)
{
	size_t n = NLA_HDRLEN + str_total(r->client) + attr_total(sizeof(uint8_t)) +
		   attr_total(r->fsid_len) + attr_total(sizeof(uint64_t));

	if (r->negative)
		n += attr_total(0);
	else if (r->path)
		n += str_total(r->path);
	return n;
}

int nlc_put_expkey(struct nl_msg *msg, const struct nlc_expkey_reply *r)
{
	static const unsigned char none;
	struct nlattr *nest;
	int err;

	if (!r->client || (r->fsid_len && !r->fsid))
		return -EINVAL;
	err = nest_open(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS, nlc_expkey_size(r), &nest);
	if (err)
		return err;
	err = nla_put_string(msg, NLCACHE_A_EXPKEY_CLIENT, r->client);
	if (!err)
		err = nla_put_u8(msg, NLCACHE_A_EXPKEY_FSIDTYPE, r->fsidtype);
	if (!err)
		err = nla_put(msg, NLCACHE_A_EXPKEY_FSID, (int)r->fsid_len,
			      r->fsid_len ? r->fsid : &none);
	if (!err)
		err = put_u64(msg, NLCACHE_A_EXPKEY_EXPIRY, r->expiry);
	if (!err && r->negative)
		err = nla_put_flag(msg, NLCACHE_A_EXPKEY_NEGATIVE);
	else if (!err && r->path)
		err = nla_put_string(msg, NLCACHE_A_EXPKEY_PATH, r->path);
	return nest_close(msg, nest, err);
}

/* --- decoding ------------------------------------------------------------------ */

int nlc_attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(*v))
		return -EINVAL;
	memcpy(v, (const char *)a + NLA_HDRLEN, sizeof(*v));
	return 0;
}

int nlc_attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(*v))
		return -EINVAL;
	memcpy(v, (const char *)a + NLA_HDRLEN, sizeof(*v));
	return 0;
}

int nlc_attr_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(*v))
		return -EINVAL;
	memcpy(v, (const char *)a + NLA_HDRLEN, sizeof(*v));
	return 0;
}

/* A counter: u64, or u32 from a kernel that chose the smaller type. */
static int attr_uint(const struct nlattr *a, uint64_t *v)
{
	uint32_t v32;

	if (!nlc_attr_u64(a, v))
		return 0;
	if (nlc_attr_u32(a, &v32))
		return -EINVAL;
	*v = v32;
	return 0;
}

const char *nlc_attr_str(const struct nlattr *a)
{
	const char *s;
	size_t len;

	if (!a || a->nla_len <= NLA_HDRLEN)
		return NULL;
	s = (const char *)a + NLA_HDRLEN;
	len = a->nla_len - NLA_HDRLEN;
	return s[len - 1] == '\0' ? s : NULL;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int attr_payload(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Step through an attribute stream, checking every length. */
struct attr_iter {
	const char *pos;
	int rem;
};

static void iter_init(struct attr_iter *it, const void *head, int len)
{
	it->pos = head;
	it->rem = len;
}

/* The next attribute, or NULL at the end; *bad is set if the stream is
 * truncated or an attribute is shorter than its header. */
static const struct nlattr *iter_next(struct attr_iter *it, bool *bad)
{
	const struct nlattr *a;

	if (it->rem < NLA_HDRLEN) {
		/* Up to 3 bytes of trailing padding are tolerated. */
		if (it->rem < 0)
			*bad = true;
		return NULL;
	}
	a = (const struct nlattr *)it->pos;
	if (a->nla_len < NLA_HDRLEN || a->nla_len > it->rem) {
		*bad = true;
		return NULL;
	}
	it->pos += NLA_ALIGN(a->nla_len);
	it->rem -= NLA_ALIGN(a->nla_len);
	if (it->rem < 0)
		it->rem = 0;
	return a;
}

static int attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

int nlc_attrs_index(const struct nlattr **tb, int max, const void *head, int len)
{
	struct attr_iter it;
	const struct nlattr *a;
	bool bad = false;
	int type;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	iter_init(&it, head, len);
	while ((a = iter_next(&it, &bad))) {
		type = attr_type(a);
		if (type > 0 && type <= max)
			tb[type] = a;
	}
	return bad ? -EINVAL : 0;
}

/* The attributes of a genl message. */
static int genl_attrs(const struct nlmsghdr *nlh, const void **head, int *len)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EINVAL;
	*head = (const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN;
	*len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	return 0;
}

#define REQ_MAX 8	/* above every attribute id of the four sets */

int nlc_pending_parse(const struct nlc_cache *c, const struct nlattr *nest,
		  struct nlc_pending *r)
{
	const struct nlattr *tb[REQ_MAX + 1];
	int seqno_type = 1;	/* *_SEQNO is 1 in every set */

	memset(r, 0, sizeof(*r));
	r->cache = c;
	if (nlc_attrs_index(tb, REQ_MAX, attr_data(nest), attr_payload(nest)) ||
	    nlc_attr_u64(tb[seqno_type], &r->seqno))
		return -EINVAL;
	switch (c->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		r->u.ip_map.class = nlc_attr_str(tb[NLCACHE_A_IP_MAP_CLASS]);
		r->u.ip_map.addr = nlc_attr_str(tb[NLCACHE_A_IP_MAP_ADDR]);
		if (!r->u.ip_map.class || !r->u.ip_map.addr)
			return -EINVAL;
		return 0;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		return nlc_attr_u32(tb[NLCACHE_A_UNIX_GID_UID], &r->u.unix_gid.uid);
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		r->u.svc_export.client = nlc_attr_str(tb[NLCACHE_A_SVC_EXPORT_CLIENT]);
		r->u.svc_export.path = nlc_attr_str(tb[NLCACHE_A_SVC_EXPORT_PATH]);
		if (!r->u.svc_export.client || !r->u.svc_export.path)
			return -EINVAL;
		return 0;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		r->u.expkey.client = nlc_attr_str(tb[NLCACHE_A_EXPKEY_CLIENT]);
		if (!r->u.expkey.client || !tb[NLCACHE_A_EXPKEY_FSID] ||
		    nlc_attr_u8(tb[NLCACHE_A_EXPKEY_FSIDTYPE], &r->u.expkey.fsidtype))
			return -EINVAL;
		r->u.expkey.fsid = attr_data(tb[NLCACHE_A_EXPKEY_FSID]);
		r->u.expkey.fsid_len = (size_t)attr_payload(tb[NLCACHE_A_EXPKEY_FSID]);
		if (r->u.expkey.fsid_len > NLC_FSID_MAX)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

ssize_t nlc_pending_format(const struct nlc_pending *r, char *buf, size_t size)
{
	struct nlc_qword_line l;

	nlc_qword_line_init(&l, buf, size);
	nlc_qword_line_add(&l, r->cache->name);
	nlc_qword_line_adduint(&l, r->seqno);
	switch (r->cache->type) {
	case NLCACHE_CACHE_TYPE_IP_MAP:
		nlc_qword_line_add(&l, r->u.ip_map.class);
		nlc_qword_line_add(&l, r->u.ip_map.addr);
		break;
	case NLCACHE_CACHE_TYPE_UNIX_GID:
		nlc_qword_line_adduint(&l, r->u.unix_gid.uid);
		break;
	case NLCACHE_CACHE_TYPE_SVC_EXPORT:
		nlc_qword_line_add(&l, r->u.svc_export.client);
		nlc_qword_line_add(&l, r->u.svc_export.path);
		break;
	case NLCACHE_CACHE_TYPE_EXPKEY:
		nlc_qword_line_add(&l, r->u.expkey.client);
		nlc_qword_line_adduint(&l, r->u.expkey.fsidtype);
		nlc_qword_line_addhex(&l, r->u.expkey.fsid, r->u.expkey.fsid_len);
		break;
	}
	return nlc_qword_line_end(&l);
}

int nlc_pending_walk(const struct nlc_cache *c, const struct nlmsghdr *nlh,
		  nlc_pending_fn fn, void (*bad)(const struct nlc_cache *c, void *arg),
		  void *arg)
{
	const struct nlattr *a;
	struct attr_iter it;
	struct nlc_pending r;
	bool broken = false;
	const void *head;
	int len, ret;

	if (genl_attrs(nlh, &head, &len))
		return -EINVAL;
	iter_init(&it, head, len);
	while ((a = iter_next(&it, &broken))) {
		if (attr_type(a) != c->requests)
			continue;
		if (nlc_pending_parse(c, a, &r)) {
			if (bad)
				bad(c, arg);
			continue;
		}
		ret = fn(&r, arg);
		if (ret)
			return ret;
	}
	if (broken && bad)
		bad(c, arg);
	return 0;
}

int nlc_set_reply_parse(const struct nlc_cache *c, const struct nlmsghdr *nlh,
			uint32_t *applied, bool *have_applied,
			nlc_set_error_fn fn, void *arg)
{
	const struct nlattr *a, *tb[NLCACHE_A_SET_ERROR_MAX + 1];
	struct nlc_set_error e;
	struct attr_iter it;
	bool bad = false;
	const void *head;
	uint32_t err;
	int len, n = 0;

	*have_applied = false;
	*applied = 0;
	if (genl_attrs(nlh, &head, &len))
		return -EINVAL;
	iter_init(&it, head, len);
	while ((a = iter_next(&it, &bad))) {
		if (attr_type(a) == c->applied) {
			if (nlc_attr_u32(a, applied))
				return -EINVAL;
			*have_applied = true;
			continue;
		}
		if (attr_type(a) != c->errors)
			continue;
		if (nlc_attrs_index(tb, NLCACHE_A_SET_ERROR_MAX, attr_data(a),
				    attr_payload(a)) ||
		    nlc_attr_u32(tb[NLCACHE_A_SET_ERROR_INDEX], &e.index))
			return -EINVAL;
		err = 0;
		if (tb[NLCACHE_A_SET_ERROR_ERRNO] &&
		    nlc_attr_u32(tb[NLCACHE_A_SET_ERROR_ERRNO], &err))
			return -EINVAL;
		/* "positive errno": accept a negative one all the same. */
		e.err = (int)err < 0 ? -(int)err : (int)err;
		e.message = tb[NLCACHE_A_SET_ERROR_MESSAGE] ?
			    nlc_attr_str(tb[NLCACHE_A_SET_ERROR_MESSAGE]) : NULL;
		if (fn)
			fn(&e, arg);
		n++;
	}
	return bad ? -EINVAL : n;
}

int nlc_register_reply_parse(const struct nlmsghdr *nlh, uint32_t *caches,
			     uint32_t *missing)
{
	const struct nlattr *tb[NLCACHE_A_REGISTER_MAX + 1];
	const void *head;
	int len;

	*caches = 0;
	*missing = 0;
	if (genl_attrs(nlh, &head, &len) ||
	    nlc_attrs_index(tb, NLCACHE_A_REGISTER_MAX, head, len))
		return -EINVAL;
	if (tb[NLCACHE_A_REGISTER_CACHES] &&
	    nlc_attr_u32(tb[NLCACHE_A_REGISTER_CACHES], caches))
		return -EINVAL;
	if (tb[NLCACHE_A_REGISTER_MISSING] &&
	    nlc_attr_u32(tb[NLCACHE_A_REGISTER_MISSING], missing))
		return -EINVAL;
	return 0;
}

int nlc_notify_parse(const struct nlmsghdr *nlh, uint32_t *mask)
{
	const struct nlattr *tb[NLCACHE_A_CACHE_NOTIFY_MAX + 1];
	const void *head;
	int len;

	if (genl_attrs(nlh, &head, &len) ||
	    nlc_attrs_index(tb, NLCACHE_A_CACHE_NOTIFY_MAX, head, len))
		return -EINVAL;
	if (!tb[NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE]) {
		*mask = NLCACHE_CACHE_TYPE_ALL;
		return 0;
	}
	return nlc_attr_u32(tb[NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE], mask);
}

static int cache_status_parse(const struct nlattr *nest, struct nlc_cache_status *cs)
{
	const struct nlattr *tb[NLCACHE_A_CACHE_STATUS_MAX + 1];
	static const struct {
		int type;
		size_t off;
	} counters[] = {
		{ NLCACHE_A_CACHE_STATUS_OLDEST_MS, offsetof(struct nlc_cache_status, oldest_ms) },
		{ NLCACHE_A_CACHE_STATUS_UPCALLS, offsetof(struct nlc_cache_status, upcalls) },
		{ NLCACHE_A_CACHE_STATUS_NOTIFICATIONS,
		  offsetof(struct nlc_cache_status, notifications) },
		{ NLCACHE_A_CACHE_STATUS_REPLIES, offsetof(struct nlc_cache_status, replies) },
		{ NLCACHE_A_CACHE_STATUS_REJECTED, offsetof(struct nlc_cache_status, rejected) },
		{ NLCACHE_A_CACHE_STATUS_FALLBACKS, offsetof(struct nlc_cache_status, fallbacks) },
		{ NLCACHE_A_CACHE_STATUS_HANDED_BACK,
		  offsetof(struct nlc_cache_status, handed_back) },
		{ NLCACHE_A_CACHE_STATUS_OVERFLOWS, offsetof(struct nlc_cache_status, overflows) },
		{ NLCACHE_A_CACHE_STATUS_ADOPTED, offsetof(struct nlc_cache_status, adopted) },
		{ NLCACHE_A_CACHE_STATUS_ANSWERED, offsetof(struct nlc_cache_status, answered) },
		{ NLCACHE_A_CACHE_STATUS_ANSWER_MS, offsetof(struct nlc_cache_status, answer_ms) },
		{ NLCACHE_A_CACHE_STATUS_ANSWER_MS_MAX,
		  offsetof(struct nlc_cache_status, answer_ms_max) },
	};
	const struct nlc_cache *c;
	const char *name;
	uint64_t v;
	size_t i;

	memset(cs, 0, sizeof(*cs));
	/* PAD (and type 0) are indexed or skipped, never read. */
	if (nlc_attrs_index(tb, NLCACHE_A_CACHE_STATUS_MAX, attr_data(nest),
			    attr_payload(nest)))
		return -EINVAL;
	if (tb[NLCACHE_A_CACHE_STATUS_TYPE] &&
	    nlc_attr_u32(tb[NLCACHE_A_CACHE_STATUS_TYPE], &cs->type))
		return -EINVAL;
	cs->attached = tb[NLCACHE_A_CACHE_STATUS_ATTACHED] != NULL;
	if (tb[NLCACHE_A_CACHE_STATUS_PENDING] &&
	    nlc_attr_u32(tb[NLCACHE_A_CACHE_STATUS_PENDING], &cs->pending))
		return -EINVAL;
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if (!tb[counters[i].type])
			continue;
		if (attr_uint(tb[counters[i].type], &v))
			return -EINVAL;
		memcpy((char *)cs + counters[i].off, &v, sizeof(v));
	}
	name = tb[NLCACHE_A_CACHE_STATUS_NAME] ?
	       nlc_attr_str(tb[NLCACHE_A_CACHE_STATUS_NAME]) : NULL;
	c = nlc_cache_by_type(cs->type);
	if (name && *name)
		snprintf(cs->name, sizeof(cs->name), "%s", name);
	else if (c)
		snprintf(cs->name, sizeof(cs->name), "%s", c->name);
	else
		snprintf(cs->name, sizeof(cs->name), "type-%u", cs->type);
	return 0;
}

int nlc_status_parse(const struct nlmsghdr *nlh, struct nlc_status *st)
{
	const struct nlattr *a;
	struct attr_iter it;
	bool bad = false;
	const char *s;
	const void *head;
	int len;

	memset(st, 0, sizeof(*st));
	if (genl_attrs(nlh, &head, &len))
		return -EINVAL;
	iter_init(&it, head, len);
	while ((a = iter_next(&it, &bad))) {
		switch (attr_type(a)) {
		case NLCACHE_A_STATUS_VERSION:
			s = nlc_attr_str(a);
			if (!s)
				return -EINVAL;
			snprintf(st->version, sizeof(st->version), "%s", s);
			st->have_version = true;
			break;
		case NLCACHE_A_STATUS_NATIVE:
			st->native = true;
			break;
		case NLCACHE_A_STATUS_DAEMON_PORTID:
			if (nlc_attr_u32(a, &st->daemon_portid))
				return -EINVAL;
			break;
		case NLCACHE_A_STATUS_CACHE:
			if (st->ncaches >= NLC_STATUS_MAX_CACHES)
				break;
			if (cache_status_parse(a, &st->caches[st->ncaches]))
				return -EINVAL;
			st->ncaches++;
			break;
		default:	/* pad (0) and anything newer */
			break;
		}
	}
	return bad ? -EINVAL : 0;
}
