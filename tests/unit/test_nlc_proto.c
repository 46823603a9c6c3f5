// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The reply encoders and request/reply decoders of nlc_proto, checked at
 * the netlink attribute level with libnl's parsers.
 */
#include <errno.h>
#include <stdlib.h>

#include "nlc_test.h"
#include "nlc_proto.h"

/* --- the cache table ------------------------------------------------------------ */

static void test_cache_names_and_aliases(void **state)
{
	static const char *const names[][2] = {
		{ "auth.unix.ip", "ip-map" },
		{ "auth.unix.gid", "unix-gid" },
		{ "nfsd.export", "svc-export" },
		{ "nfsd.fh", "expkey" },
	};
	static const uint32_t types[] = {
		NLCACHE_CACHE_TYPE_IP_MAP, NLCACHE_CACHE_TYPE_UNIX_GID,
		NLCACHE_CACHE_TYPE_SVC_EXPORT, NLCACHE_CACHE_TYPE_EXPKEY,
	};
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		const struct nlc_cache *c = nlc_cache_lookup(names[i][0]);

		assert_non_null(c);
		assert_ptr_equal(nlc_cache_lookup(names[i][1]), c);
		assert_string_equal(c->name, names[i][0]);
		assert_int_equal(c->type, types[i]);
		assert_ptr_equal(nlc_cache_by_type(types[i]), c);
	}
	assert_ptr_equal(nlc_cache_lookup("NFSD.FH"), nlc_cache_lookup("nfsd.fh"));
	assert_null(nlc_cache_lookup("nfsd"));
	assert_null(nlc_cache_lookup(""));
	assert_null(nlc_cache_lookup(NULL));
	assert_null(nlc_cache_by_type(3));
	assert_null(nlc_cache_by_type(0));

	/* The commands and reply attributes of each cache. */
	assert_int_equal(nlc_cache_lookup("ip-map")->get_cmd, NLCACHE_CMD_IP_MAP_GET_REQS);
	assert_int_equal(nlc_cache_lookup("ip-map")->set_cmd, NLCACHE_CMD_IP_MAP_SET_REQS);
	assert_int_equal(nlc_cache_lookup("unix-gid")->set_cmd, NLCACHE_CMD_UNIX_GID_SET_REQS);
	assert_int_equal(nlc_cache_lookup("svc-export")->get_cmd,
			 NLCACHE_CMD_SVC_EXPORT_GET_REQS);
	assert_int_equal(nlc_cache_lookup("expkey")->set_cmd, NLCACHE_CMD_EXPKEY_SET_REQS);
	assert_int_equal(nlc_cache_lookup("expkey")->errors, NLCACHE_A_EXPKEY_REQS_ERRORS);
}

static void test_mask_str(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(nlc_cache_mask_str(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	nlc_cache_mask_str(NLCACHE_CACHE_TYPE_ALL, buf, sizeof(buf));
	assert_string_equal(buf, "auth.unix.ip,auth.unix.gid,nfsd.export,nfsd.fh");
	nlc_cache_mask_str(NLCACHE_CACHE_TYPE_EXPKEY | NLCACHE_CACHE_TYPE_IP_MAP, buf,
			   sizeof(buf));
	assert_string_equal(buf, "auth.unix.ip,nfsd.fh");
	nlc_cache_mask_str(0x31, buf, sizeof(buf));
	assert_string_equal(buf, "auth.unix.ip,0x30");
	nlc_cache_mask_str(0x40, buf, sizeof(buf));
	assert_string_equal(buf, "0x40");
	assert_int_equal(nlc_cache_mask_str(NLCACHE_CACHE_TYPE_ALL, buf, 10), -1);
}

static void test_fsid_len(void **state)
{
	static const int want[] = { 8, 4, 12, 8, 8, 8, 16, 24 };
	unsigned int t;

	(void)state;
	for (t = 0; t < 8; t++)
		assert_int_equal(nlc_fsid_len(t), want[t]);
	assert_int_equal(nlc_fsid_len(8), -1);
	assert_int_equal(nlc_fsid_len(255), -1);
}

/* --- encoders ---------------------------------------------------------------------- */

static void test_ip_map_positive(void **state)
{
	struct nlc_ip_map_reply r = {
		.class = "nfsd", .addr = "192.0.2.1", .domain = "client.example",
		.expiry = 1795414420,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n;

	(void)state;
	assert_int_equal(nlc_put_ip_map(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_ip_map_size(&r));
	n = test_only(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 4);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_IP_MAP_CLASS, 0)), "nfsd");
	assert_string_equal(test_str(test_find(n, NLCACHE_A_IP_MAP_ADDR, 0)), "192.0.2.1");
	assert_string_equal(test_str(test_find(n, NLCACHE_A_IP_MAP_DOMAIN, 0)),
			    "client.example");
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_IP_MAP_EXPIRY, 0)), 1795414420);
	assert_null(test_find(n, NLCACHE_A_IP_MAP_NEGATIVE, 0));
	assert_null(test_find(n, NLCACHE_A_IP_MAP_SEQNO, 0));
	nlmsg_free(msg);
}

static void test_ip_map_negative(void **state)
{
	/* A negative entry carries key, expiry and the flag, nothing else. */
	struct nlc_ip_map_reply r = {
		.class = "nfsd", .addr = "2001:db8::1", .domain = "ignored",
		.negative = true, .expiry = 42,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n, *neg;

	(void)state;
	assert_int_equal(nlc_put_ip_map(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_ip_map_size(&r));
	n = test_only(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 4);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_IP_MAP_CLASS, 0)), "nfsd");
	assert_string_equal(test_str(test_find(n, NLCACHE_A_IP_MAP_ADDR, 0)), "2001:db8::1");
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_IP_MAP_EXPIRY, 0)), 42);
	neg = test_find(n, NLCACHE_A_IP_MAP_NEGATIVE, 0);
	assert_non_null(neg);
	assert_int_equal(nla_len(neg), 0);
	assert_null(test_find(n, NLCACHE_A_IP_MAP_DOMAIN, 0));
	nlmsg_free(msg);
}

static void test_missing_key_is_einval(void **state)
{
	struct nlc_ip_map_reply ip = { .class = "nfsd" };
	struct nlc_svc_export_reply exp = { .client = "c" };
	struct nlc_expkey_reply ek = { .client = "c", .fsid_len = 4 };
	struct nl_msg *msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);

	(void)state;
	assert_int_equal(nlc_put_ip_map(msg, &ip), -EINVAL);
	assert_int_equal(nlc_put_svc_export(msg, &exp), -EINVAL);
	assert_int_equal(nlc_put_expkey(msg, &ek), -EINVAL);
	assert_int_equal(test_msg_len(msg), before);
	nlmsg_free(msg);
}

static void test_unix_gid(void **state)
{
	static const uint32_t gids[] = { 100, 0, 4294967294u };
	struct nlc_unix_gid_reply r = {
		.uid = 1000, .gids = gids, .ngids = 3, .expiry = 7,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n;
	int i;

	(void)state;
	assert_int_equal(nlc_put_unix_gid(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_unix_gid_size(&r));
	n = test_only(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_UNIX_GID_UID, 0)), 1000);
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_UNIX_GID_EXPIRY, 0)), 7);
	/* multi-attr: one u32 per gid, directly in the entry, in order */
	assert_int_equal(test_count(n, NLCACHE_A_UNIX_GID_GIDS), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(test_u32(test_find(n, NLCACHE_A_UNIX_GID_GIDS, i)), gids[i]);
	assert_null(test_find(n, NLCACHE_A_UNIX_GID_NEGATIVE, 0));
	assert_int_equal(test_count(n, -1), 5);
	nlmsg_free(msg);
}

static void test_unix_gid_negative_and_empty(void **state)
{
	static const uint32_t gids[] = { 5 };
	struct nlc_unix_gid_reply neg = {
		.uid = 4, .gids = gids, .ngids = 1, .negative = true, .expiry = 9,
	};
	struct nlc_unix_gid_reply empty = { .uid = 4, .expiry = 9 };
	struct nl_msg *msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 4096);
	struct nlattr *n;

	(void)state;
	assert_int_equal(nlc_put_unix_gid(msg, &neg), 0);
	n = test_only(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 3);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_UNIX_GID_UID, 0)), 4);
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_UNIX_GID_EXPIRY, 0)), 9);
	assert_non_null(test_find(n, NLCACHE_A_UNIX_GID_NEGATIVE, 0));
	assert_null(test_find(n, NLCACHE_A_UNIX_GID_GIDS, 0));
	nlmsg_free(msg);

	/* A positive empty list is uid and expiry only. */
	msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 4096);
	assert_int_equal(nlc_put_unix_gid(msg, &empty), 0);
	n = test_only(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 2);
	nlmsg_free(msg);
}

/*
 * A gid costs 8 bytes as a repeated attribute and a nest holds at most
 * 65535: 8188 gids fit that way (4 + 8 + 12 + 8188 * 8 = 65528), as on
 * native kernels. Beyond that the encoder sends one gid-array, which
 * carries NLCACHE_MAX_GIDS (8192) and more.
 */
static void test_unix_gid_nest_limit(void **state)
{
	uint32_t *gids = calloc(NLCACHE_MAX_GIDS + 1, sizeof(*gids));
	struct nlc_unix_gid_reply r = { .uid = 1, .gids = gids, .expiry = 1 };
	struct nl_msg *msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 256 << 10);
	struct nlattr *n, *arr;
	size_t i;

	(void)state;
	assert_non_null(gids);
	for (i = 0; i < NLCACHE_MAX_GIDS + 1; i++)
		gids[i] = (uint32_t)i + 1000;

	r.ngids = 8188;
	assert_int_equal(nlc_unix_gid_size(&r), 65528);
	assert_int_equal(nlc_put_unix_gid(msg, &r), 0);
	n = test_only(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	assert_int_equal(n->nla_len, 65528);
	assert_int_equal(test_count(n, NLCACHE_A_UNIX_GID_GIDS), 8188);
	assert_int_equal(test_count(n, NLCACHE_A_UNIX_GID_GID_ARRAY), 0);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_UNIX_GID_GIDS, 8187)), 1000 + 8187);
	nlmsg_free(msg);

	msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 256 << 10);
	r.ngids = NLCACHE_MAX_GIDS;
	assert_int_equal(nlc_unix_gid_size(&r), 4 + 8 + 12 + 4 + NLCACHE_MAX_GIDS * 4);
	assert_int_equal(nlc_put_unix_gid(msg, &r), 0);
	n = test_only(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	assert_int_equal(test_count(n, NLCACHE_A_UNIX_GID_GIDS), 0);
	arr = test_find(n, NLCACHE_A_UNIX_GID_GID_ARRAY, 0);
	assert_non_null(arr);
	assert_int_equal(nla_len(arr), NLCACHE_MAX_GIDS * 4);
	assert_memory_equal(nla_data(arr), gids, NLCACHE_MAX_GIDS * 4);
	nlmsg_free(msg);

	/* One over the kernel's limit still encodes (the kernel says no). */
	msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 256 << 10);
	r.ngids = NLCACHE_MAX_GIDS + 1;
	assert_int_equal(nlc_put_unix_gid(msg, &r), 0);
	nlmsg_free(msg);
	free(gids);
}

/* Entries that do not fit leave the message as it was: the caller sends
 * it and puts the entry into a new one. */
static void test_split_when_full(void **state)
{
	uint32_t *gids = calloc(4000, sizeof(*gids));
	struct nlc_unix_gid_reply r = { .uid = 1, .gids = gids, .ngids = 4000, .expiry = 1 };
	struct nl_msg *msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 64 << 10);
	uint32_t len;
	int n = 0;

	(void)state;
	assert_non_null(gids);
	while (nlc_put_unix_gid(msg, &r) == 0)
		n++;
	assert_int_equal(n, 2);	/* 2 x 32024 bytes in a 65536-byte buffer */
	len = test_msg_len(msg);
	assert_int_equal(nlc_put_unix_gid(msg, &r), -EMSGSIZE);
	assert_int_equal(test_msg_len(msg), len);
	nlmsg_free(msg);

	/* A fresh message takes it. */
	msg = test_msg(NLCACHE_CMD_UNIX_GID_SET_REQS, 64 << 10);
	assert_int_equal(nlc_put_unix_gid(msg, &r), 0);
	nlmsg_free(msg);
	free(gids);
}

static void test_emsgsize_exactly_at_the_edge(void **state)
{
	struct nlc_ip_map_reply r = {
		.class = "nfsd", .addr = "192.0.2.1", .domain = "d", .expiry = 1,
	};
	size_t need = nlc_ip_map_size(&r);
	struct nl_msg *msg;
	uint32_t hdr;

	(void)state;
	/* Room for exactly one entry after the headers. */
	msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, 4096);
	hdr = test_msg_len(msg);
	nlmsg_free(msg);
	msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, hdr + need);
	assert_int_equal(nlc_put_ip_map(msg, &r), 0);
	assert_int_equal(nlc_put_ip_map(msg, &r), -EMSGSIZE);
	assert_int_equal(test_msg_len(msg), hdr + need);
	nlmsg_free(msg);
	msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, hdr + need - 1);
	assert_int_equal(nlc_put_ip_map(msg, &r), -EMSGSIZE);
	assert_int_equal(test_msg_len(msg), hdr);
	nlmsg_free(msg);
}

static void test_svc_export_full(void **state)
{
	static const unsigned char uuid[NLCACHE_UUID_LEN] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	static const struct nlc_secinfo sec[] = {
		{ 390003, NLCACHE_EXPORT_FLAGS_READONLY | NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK },
		{ 1, NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK },
	};
	static const struct nlc_fsloc locs[] = {
		{ "server1:server2", "/srv/a" },
		{ "[2001:db8::1]", "/srv/b" },
	};
	struct nlc_svc_export_reply r = {
		.client = "*.example", .path = "/srv/a b", .expiry = 1800,
		.flags = NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK, .anon_uid = 65534,
		.anon_gid = 65533, .fsid = -5, .uuid = uuid, .uuid_len = sizeof(uuid),
		.secinfo = sec, .nsecinfo = 2, .fslocs = locs, .nfslocs = 2,
		.migrated = true,
		.xprtsec = NLCACHE_XPRTSEC_MODE_TLS | NLCACHE_XPRTSEC_MODE_MTLS,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n, *a, *locsn;
	int i;

	(void)state;
	assert_int_equal(nlc_put_svc_export(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_svc_export_size(&r));
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_SVC_EXPORT_CLIENT, 0)), "*.example");
	assert_string_equal(test_str(test_find(n, NLCACHE_A_SVC_EXPORT_PATH, 0)), "/srv/a b");
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_SVC_EXPORT_EXPIRY, 0)), 1800);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_FLAGS, 0)),
			 NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_ANON_UID, 0)), 65534);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_ANON_GID, 0)), 65533);
	a = test_find(n, NLCACHE_A_SVC_EXPORT_FSID, 0);
	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	assert_int_equal(nla_get_s32(a), -5);

	a = test_find(n, NLCACHE_A_SVC_EXPORT_UUID, 0);
	assert_non_null(a);
	assert_int_equal(nla_len(a), 16);
	assert_memory_equal(nla_data(a), uuid, 16);

	/* secinfo: multi-attr nests of (pseudoflavor, flags), in order */
	assert_int_equal(test_count(n, NLCACHE_A_SVC_EXPORT_SECINFO), 2);
	for (i = 0; i < 2; i++) {
		a = test_find(n, NLCACHE_A_SVC_EXPORT_SECINFO, i);
		assert_int_equal(test_count(a, -1), 2);
		assert_int_equal(test_u32(test_find(a, NLCACHE_A_AUTH_FLAVOR_PSEUDOFLAVOR, 0)),
				 sec[i].flavor);
		assert_int_equal(test_u32(test_find(a, NLCACHE_A_AUTH_FLAVOR_FLAGS, 0)),
				 sec[i].flags);
	}

	/* fslocations: one nest of location nests, and migrated */
	assert_int_equal(test_count(n, NLCACHE_A_SVC_EXPORT_FSLOCATIONS), 1);
	locsn = test_find(n, NLCACHE_A_SVC_EXPORT_FSLOCATIONS, 0);
	assert_int_equal(test_count(locsn, NLCACHE_A_FSLOCATIONS_LOCATION), 2);
	for (i = 0; i < 2; i++) {
		a = test_find(locsn, NLCACHE_A_FSLOCATIONS_LOCATION, i);
		assert_string_equal(test_str(test_find(a, NLCACHE_A_FSLOCATION_HOST, 0)),
				    locs[i].host);
		assert_string_equal(test_str(test_find(a, NLCACHE_A_FSLOCATION_PATH, 0)),
				    locs[i].path);
	}
	a = test_find(locsn, NLCACHE_A_FSLOCATIONS_MIGRATED, 0);
	assert_non_null(a);
	assert_int_equal(nla_len(a), 0);

	/* xprtsec: one u32 mode per attribute */
	assert_int_equal(test_count(n, NLCACHE_A_SVC_EXPORT_XPRTSEC), 2);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_XPRTSEC, 0)),
			 NLCACHE_XPRTSEC_MODE_TLS);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_XPRTSEC, 1)),
			 NLCACHE_XPRTSEC_MODE_MTLS);
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_NEGATIVE, 0));
	nlmsg_free(msg);
}

/*
 * Every xprtsec mode and combination: one u32 attribute per mode in the
 * mask, lowest first, none for an empty mask, and the size estimate
 * exact. A single mode (xprtsec=tls, =mtls, =none) must be sent too: a
 * dropped attribute would silently lift the export's TLS requirement.
 */
static void test_svc_export_xprtsec_every_combination(void **state)
{
	static const uint32_t modes[] = {
		NLCACHE_XPRTSEC_MODE_NONE, NLCACHE_XPRTSEC_MODE_TLS, NLCACHE_XPRTSEC_MODE_MTLS,
	};
	uint32_t mask;

	(void)state;
	for (mask = 0; mask <= 7; mask++) {
		struct nlc_svc_export_reply r = {
			.client = "c", .path = "/p", .expiry = 5, .anon_uid = 65534,
			.anon_gid = 65534, .xprtsec = mask,
		};
		struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
		uint32_t before = test_msg_len(msg), seen = 0;
		struct nlattr *n, *a;
		int want = 0, i, rem;
		size_t m;

		print_message("xprtsec mask 0x%x\n", mask);
		assert_int_equal(nlc_put_svc_export(msg, &r), 0);
		assert_int_equal(test_msg_len(msg) - before, nlc_svc_export_size(&r));
		n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
		for (m = 0; m < 3; m++)
			if (mask & modes[m])
				want++;
		assert_int_equal(test_count(n, NLCACHE_A_SVC_EXPORT_XPRTSEC), want);
		/* the 7 attributes every positive answer has, plus the modes */
		assert_int_equal(test_count(n, -1), 7 + want);
		i = 0;
		for (m = 0; m < 3; m++) {
			if (!(mask & modes[m]))
				continue;
			a = test_find(n, NLCACHE_A_SVC_EXPORT_XPRTSEC, i++);
			assert_int_equal(test_u32(a), modes[m]);
		}
		/* each attribute one mode, each mode once */
		nla_for_each_nested(a, n, rem) {
			if (nla_type(a) != NLCACHE_A_SVC_EXPORT_XPRTSEC)
				continue;
			assert_int_equal(__builtin_popcount(nla_get_u32(a)), 1);
			assert_false(seen & nla_get_u32(a));
			seen |= nla_get_u32(a);
		}
		assert_int_equal(seen, mask);
		nlmsg_free(msg);
	}
}

/* A negative answer carries no xprtsec, whatever the reply struct holds. */
static void test_svc_export_negative_has_no_xprtsec(void **state)
{
	struct nlc_svc_export_reply r = {
		.client = "c", .path = "/p", .expiry = 5, .negative = true,
		.xprtsec = NLCACHE_XPRTSEC_MODE_TLS,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n;

	(void)state;
	assert_int_equal(nlc_put_svc_export(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_svc_export_size(&r));
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_XPRTSEC, 0));
	assert_non_null(test_find(n, NLCACHE_A_SVC_EXPORT_NEGATIVE, 0));
	nlmsg_free(msg);
}

static void test_svc_export_minimal_positive(void **state)
{
	/* flags, anon uid/gid and fsid are always there; nothing optional. */
	struct nlc_svc_export_reply r = {
		.client = "c", .path = "/", .expiry = 5, .anon_uid = 65534, .anon_gid = 65534,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	struct nlattr *n;

	(void)state;
	assert_int_equal(nlc_put_svc_export(msg, &r), 0);
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 7);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_FLAGS, 0)), 0);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_ANON_UID, 0)), 65534);
	assert_int_equal(test_u32(test_find(n, NLCACHE_A_SVC_EXPORT_ANON_GID, 0)), 65534);
	assert_int_equal(nla_get_s32(test_find(n, NLCACHE_A_SVC_EXPORT_FSID, 0)), 0);
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_UUID, 0));
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_FSLOCATIONS, 0));
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_SECINFO, 0));
	assert_null(test_find(n, NLCACHE_A_SVC_EXPORT_XPRTSEC, 0));
	nlmsg_free(msg);
}

static void test_svc_export_migrated_without_locations(void **state)
{
	struct nlc_svc_export_reply r = {
		.client = "c", .path = "/p", .expiry = 5, .migrated = true,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n, *l;

	(void)state;
	assert_int_equal(nlc_put_svc_export(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_svc_export_size(&r));
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	l = test_find(n, NLCACHE_A_SVC_EXPORT_FSLOCATIONS, 0);
	assert_non_null(l);
	assert_int_equal(test_count(l, -1), 1);
	assert_non_null(test_find(l, NLCACHE_A_FSLOCATIONS_MIGRATED, 0));
	nlmsg_free(msg);
}

static void test_svc_export_negative(void **state)
{
	static const unsigned char uuid[16];
	static const struct nlc_secinfo sec[] = { { 1, 0 } };
	struct nlc_svc_export_reply r = {
		.client = "c", .path = "/p", .negative = true, .expiry = 60,
		.flags = 1, .anon_uid = 1, .uuid = uuid, .uuid_len = 16,
		.secinfo = sec, .nsecinfo = 1, .migrated = true, .xprtsec = 1,
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n;

	(void)state;
	assert_int_equal(nlc_put_svc_export(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_svc_export_size(&r));
	n = test_only(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 4);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_SVC_EXPORT_CLIENT, 0)), "c");
	assert_string_equal(test_str(test_find(n, NLCACHE_A_SVC_EXPORT_PATH, 0)), "/p");
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_SVC_EXPORT_EXPIRY, 0)), 60);
	assert_non_null(test_find(n, NLCACHE_A_SVC_EXPORT_NEGATIVE, 0));
	nlmsg_free(msg);
}

static void test_expkey(void **state)
{
	static const unsigned char fsid[8] = { 0, 0, 0, 8, 0, 0, 0, 1 };
	struct nlc_expkey_reply r = {
		.client = "client", .fsidtype = 0, .fsid = fsid, .fsid_len = 8,
		.expiry = 0x7fffffff, .path = "/srv/x",
	};
	struct nl_msg *msg = test_msg(NLCACHE_CMD_EXPKEY_SET_REQS, 4096);
	uint32_t before = test_msg_len(msg);
	struct nlattr *n, *a;

	(void)state;
	assert_int_equal(nlc_put_expkey(msg, &r), 0);
	assert_int_equal(test_msg_len(msg) - before, nlc_expkey_size(&r));
	n = test_only(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 5);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_EXPKEY_CLIENT, 0)), "client");
	a = test_find(n, NLCACHE_A_EXPKEY_FSIDTYPE, 0);
	assert_non_null(a);
	assert_int_equal(nla_len(a), 1);	/* u8, as the policy wants */
	assert_int_equal(nla_get_u8(a), 0);
	a = test_find(n, NLCACHE_A_EXPKEY_FSID, 0);
	assert_int_equal(nla_len(a), 8);
	assert_memory_equal(nla_data(a), fsid, 8);
	assert_int_equal(test_u64(test_find(n, NLCACHE_A_EXPKEY_EXPIRY, 0)), 0x7fffffff);
	assert_string_equal(test_str(test_find(n, NLCACHE_A_EXPKEY_PATH, 0)), "/srv/x");
	nlmsg_free(msg);

	/* negative: client, fsidtype, fsid, expiry, negative; no path */
	r.negative = true;
	r.fsidtype = 1;
	r.fsid_len = 4;
	msg = test_msg(NLCACHE_CMD_EXPKEY_SET_REQS, 4096);
	assert_int_equal(nlc_put_expkey(msg, &r), 0);
	n = test_only(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	assert_int_equal(test_count(n, -1), 5);
	assert_int_equal(nla_get_u8(test_find(n, NLCACHE_A_EXPKEY_FSIDTYPE, 0)), 1);
	assert_int_equal(nla_len(test_find(n, NLCACHE_A_EXPKEY_FSID, 0)), 4);
	assert_non_null(test_find(n, NLCACHE_A_EXPKEY_NEGATIVE, 0));
	assert_null(test_find(n, NLCACHE_A_EXPKEY_PATH, 0));
	nlmsg_free(msg);
}

static void test_many_entries_in_one_message(void **state)
{
	struct nlc_ip_map_reply r = { .class = "nfsd", .domain = "d", .expiry = 1 };
	struct nl_msg *msg = test_msg(NLCACHE_CMD_IP_MAP_SET_REQS, 64 << 10);
	char addr[32];
	struct nlattr *a;
	int i, len, rem, n = 0;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(addr, sizeof(addr), "192.0.2.%d", i);
		r.addr = addr;
		assert_int_equal(nlc_put_ip_map(msg, &r), 0);
	}
	nla_for_each_attr(a, test_attrs(msg, &len), len, rem) {
		assert_int_equal(nla_type(a), NLCACHE_A_IP_MAP_REQS_REQUESTS);
		snprintf(addr, sizeof(addr), "192.0.2.%d", n++);
		assert_string_equal(test_str(test_find(a, NLCACHE_A_IP_MAP_ADDR, 0)), addr);
	}
	assert_int_equal(n, 100);
	nlmsg_free(msg);
}

/* --- decoders ----------------------------------------------------------------------------- */

/* As the kernel writes a u64: nla_put_u64_64bit with a pad attribute (type
 * 0) in front when the value would be misaligned. */
static void put_u64_pad(struct nl_msg *msg, int type, uint64_t v)
{
	assert_int_equal(nla_put(msg, 0, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, type, v), 0);
}

struct collected {
	char lines[8][256];
	int n;
	int bad;
};

static int collect(const struct nlc_pending *r, void *arg)
{
	struct collected *c = arg;

	assert_true(c->n < 8);
	assert_true(nlc_pending_format(r, c->lines[c->n], sizeof(c->lines[0])) > 0);
	c->n++;
	return 0;
}

static void count_bad(const struct nlc_cache *cache, void *arg)
{
	struct collected *c = arg;

	(void)cache;
	c->bad++;
}

static void test_reqs_ip_map_and_gid(void **state)
{
	const struct nlc_cache *ip = nlc_cache_lookup("auth.unix.ip");
	const struct nlc_cache *gid = nlc_cache_lookup("auth.unix.gid");
	struct collected c = {};
	struct nlattr *n;
	struct nl_msg *msg;

	(void)state;
	msg = test_msg(NLCACHE_CMD_IP_MAP_GET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	put_u64_pad(msg, NLCACHE_A_IP_MAP_SEQNO, 17);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.9");
	nla_put_u32(msg, 99, 1);	/* from a newer kernel: skipped */
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	nla_put_u64(msg, NLCACHE_A_IP_MAP_SEQNO, 18);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "::ffff:1");
	nla_nest_end(msg, n);
	assert_int_equal(nlc_pending_walk(ip, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.bad, 0);
	assert_string_equal(c.lines[0], "auth.unix.ip 17 nfsd 192.0.2.9\n");
	assert_string_equal(c.lines[1], "auth.unix.ip 18 nfsd ::ffff:1\n");
	nlmsg_free(msg);

	memset(&c, 0, sizeof(c));
	msg = test_msg(NLCACHE_CMD_UNIX_GID_GET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_UNIX_GID_REQS_REQUESTS);
	put_u64_pad(msg, NLCACHE_A_UNIX_GID_SEQNO, 1);
	nla_put_u32(msg, NLCACHE_A_UNIX_GID_UID, 4294967294u);
	nla_nest_end(msg, n);
	assert_int_equal(nlc_pending_walk(gid, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "auth.unix.gid 1 4294967294\n");
	nlmsg_free(msg);
}

static void test_reqs_export_and_fh(void **state)
{
	static const unsigned char fsid[] = { 0x00, 0x01, 0xab, 0xff };
	const struct nlc_cache *exp = nlc_cache_lookup("nfsd.export");
	const struct nlc_cache *fh = nlc_cache_lookup("nfsd.fh");
	struct collected c = {};
	struct nlattr *n;
	struct nl_msg *msg;

	(void)state;
	msg = test_msg(NLCACHE_CMD_SVC_EXPORT_GET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_REQS_REQUESTS);
	put_u64_pad(msg, NLCACHE_A_SVC_EXPORT_SEQNO, 3);
	nla_put_string(msg, NLCACHE_A_SVC_EXPORT_CLIENT, "my client");
	nla_put_string(msg, NLCACHE_A_SVC_EXPORT_PATH, "/srv/a b\\c\td\ne");
	nla_nest_end(msg, n);
	assert_int_equal(nlc_pending_walk(exp, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0],
			    "nfsd.export 3 my\\040client /srv/a\\040b\\134c\\011d\\012e\n");
	nlmsg_free(msg);

	memset(&c, 0, sizeof(c));
	msg = test_msg(NLCACHE_CMD_EXPKEY_GET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	put_u64_pad(msg, NLCACHE_A_EXPKEY_SEQNO, 12345678901ULL);
	nla_put_string(msg, NLCACHE_A_EXPKEY_CLIENT, "c");
	nla_put_u8(msg, NLCACHE_A_EXPKEY_FSIDTYPE, 1);
	nla_put(msg, NLCACHE_A_EXPKEY_FSID, sizeof(fsid), fsid);
	nla_nest_end(msg, n);
	assert_int_equal(nlc_pending_walk(fh, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "nfsd.fh 12345678901 c 1 \\x0001abff\n");
	nlmsg_free(msg);
}

static void test_reqs_malformed_are_skipped(void **state)
{
	const struct nlc_cache *ip = nlc_cache_lookup("auth.unix.ip");
	const struct nlc_cache *fh = nlc_cache_lookup("nfsd.fh");
	struct collected c = {};
	struct nlattr *n;
	struct nl_msg *msg;

	(void)state;
	msg = test_msg(NLCACHE_CMD_IP_MAP_GET_REQS, 4096);
	/* no seqno */
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.1");
	nla_nest_end(msg, n);
	/* a string without its NUL */
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	nla_put_u64(msg, NLCACHE_A_IP_MAP_SEQNO, 1);
	nla_put(msg, NLCACHE_A_IP_MAP_CLASS, 4, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.1");
	nla_nest_end(msg, n);
	/* a u32 seqno */
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	nla_put_u32(msg, NLCACHE_A_IP_MAP_SEQNO, 1);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.1");
	nla_nest_end(msg, n);
	/* a good one, and an attribute of another type at the top */
	n = nla_nest_start(msg, NLCACHE_A_IP_MAP_REQS_REQUESTS);
	nla_put_u64(msg, NLCACHE_A_IP_MAP_SEQNO, 2);
	nla_put_string(msg, NLCACHE_A_IP_MAP_CLASS, "nfsd");
	nla_put_string(msg, NLCACHE_A_IP_MAP_ADDR, "192.0.2.2");
	nla_nest_end(msg, n);
	nla_put_u32(msg, 7, 7);
	assert_int_equal(nlc_pending_walk(ip, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.bad, 3);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "auth.unix.ip 2 nfsd 192.0.2.2\n");
	nlmsg_free(msg);

	/* an fsid longer than any fsid type's, a fsidtype that is not a u8 */
	memset(&c, 0, sizeof(c));
	msg = test_msg(NLCACHE_CMD_EXPKEY_GET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	nla_put_u64(msg, NLCACHE_A_EXPKEY_SEQNO, 1);
	nla_put_string(msg, NLCACHE_A_EXPKEY_CLIENT, "c");
	nla_put_u8(msg, NLCACHE_A_EXPKEY_FSIDTYPE, 7);
	nla_put(msg, NLCACHE_A_EXPKEY_FSID, 25, "0123456789012345678901234");
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, NLCACHE_A_EXPKEY_REQS_REQUESTS);
	nla_put_u64(msg, NLCACHE_A_EXPKEY_SEQNO, 1);
	nla_put_string(msg, NLCACHE_A_EXPKEY_CLIENT, "c");
	nla_put_u32(msg, NLCACHE_A_EXPKEY_FSIDTYPE, 7);
	nla_put(msg, NLCACHE_A_EXPKEY_FSID, 4, "0123");
	nla_nest_end(msg, n);
	assert_int_equal(nlc_pending_walk(fh, nlmsg_hdr(msg), collect, count_bad, &c), 0);
	assert_int_equal(c.bad, 2);
	assert_int_equal(c.n, 0);
	nlmsg_free(msg);
}

static void test_req_format_too_small(void **state)
{
	const struct nlc_cache *ip = nlc_cache_lookup("auth.unix.ip");
	struct nlc_pending r = { .cache = ip, .seqno = 1 };
	char buf[10];

	(void)state;
	r.u.ip_map.class = "nfsd";
	r.u.ip_map.addr = "192.0.2.1";
	errno = 0;
	assert_int_equal(nlc_pending_format(&r, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENOSPC);
}

struct errs {
	uint32_t index[4];
	int err[4];
	char msg[4][64];
	int n;
};

static void collect_err(const struct nlc_set_error *e, void *arg)
{
	struct errs *x = arg;

	assert_true(x->n < 4);
	x->index[x->n] = e->index;
	x->err[x->n] = e->err;
	snprintf(x->msg[x->n], sizeof(x->msg[0]), "%s", e->message ? e->message : "(none)");
	x->n++;
}

static void test_set_reply(void **state)
{
	const struct nlc_cache *exp = nlc_cache_lookup("nfsd.export");
	struct nl_msg *msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	struct errs x = {};
	bool have;
	uint32_t applied;
	struct nlattr *n;

	(void)state;
	nla_put_u32(msg, NLCACHE_A_SVC_EXPORT_REQS_APPLIED, 3);
	n = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_REQS_ERRORS);
	nla_put_u32(msg, NLCACHE_A_SET_ERROR_INDEX, 1);
	nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, ENOENT);
	nla_put_string(msg, NLCACHE_A_SET_ERROR_MESSAGE, "unknown client domain");
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_REQS_ERRORS);
	nla_put_u32(msg, NLCACHE_A_SET_ERROR_INDEX, 4);
	nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, EINVAL);
	nla_nest_end(msg, n);
	assert_int_equal(nlc_set_reply_parse(exp, nlmsg_hdr(msg), &applied, &have,
					     collect_err, &x), 2);
	assert_true(have);
	assert_int_equal(applied, 3);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.index[0], 1);
	assert_int_equal(x.err[0], ENOENT);
	assert_string_equal(x.msg[0], "unknown client domain");
	assert_int_equal(x.index[1], 4);
	assert_int_equal(x.err[1], EINVAL);
	assert_string_equal(x.msg[1], "(none)");
	nlmsg_free(msg);

	/* An ack-only reply: nothing applied is reported, no errors. */
	msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	assert_int_equal(nlc_set_reply_parse(exp, nlmsg_hdr(msg), &applied, &have,
					     collect_err, &x), 0);
	assert_false(have);
	nlmsg_free(msg);

	/* An errors nest without its index is malformed. */
	msg = test_msg(NLCACHE_CMD_SVC_EXPORT_SET_REQS, 4096);
	n = nla_nest_start(msg, NLCACHE_A_SVC_EXPORT_REQS_ERRORS);
	nla_put_u32(msg, NLCACHE_A_SET_ERROR_ERRNO, EINVAL);
	nla_nest_end(msg, n);
	assert_int_equal(nlc_set_reply_parse(exp, nlmsg_hdr(msg), &applied, &have,
					     collect_err, &x), -EINVAL);
	nlmsg_free(msg);
}

static void test_register_and_notify(void **state)
{
	struct nl_msg *msg = test_msg(NLCACHE_CMD_REGISTER, 4096);
	uint32_t caches, missing, mask;

	(void)state;
	nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, NLCACHE_CACHE_TYPE_IP_MAP);
	nla_put_u32(msg, NLCACHE_A_REGISTER_MISSING,
		    NLCACHE_CACHE_TYPE_SVC_EXPORT | NLCACHE_CACHE_TYPE_EXPKEY);
	assert_int_equal(nlc_register_reply_parse(nlmsg_hdr(msg), &caches, &missing), 0);
	assert_int_equal(caches, NLCACHE_CACHE_TYPE_IP_MAP);
	assert_int_equal(missing, NLCACHE_CACHE_TYPE_SVC_EXPORT | NLCACHE_CACHE_TYPE_EXPKEY);
	nlmsg_free(msg);

	msg = test_msg(NLCACHE_CMD_CACHE_NOTIFY, 4096);
	assert_int_equal(nlc_notify_parse(nlmsg_hdr(msg), &mask), 0);
	assert_int_equal(mask, NLCACHE_CACHE_TYPE_ALL);	/* absent: all */
	nla_put_u32(msg, NLCACHE_A_CACHE_NOTIFY_CACHE_TYPE, NLCACHE_CACHE_TYPE_EXPKEY);
	assert_int_equal(nlc_notify_parse(nlmsg_hdr(msg), &mask), 0);
	assert_int_equal(mask, NLCACHE_CACHE_TYPE_EXPKEY);
	nlmsg_free(msg);
}

static void test_attr_helpers(void **state)
{
	struct nl_msg *msg = test_msg(1, 4096);
	const struct nlattr *tb[4];
	struct nlattr *head;
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;
	int len;

	(void)state;
	nla_put(msg, 0, 0, NULL);
	nla_put_u64(msg, 1, 0x0102030405060708ULL);
	nla_put_u32(msg, 2, 7);
	nla_put(msg, 3, 3, "ab");
	nla_put_u8(msg, 4, 9);
	nla_put_u32(msg, 2, 8);	/* repeated: the last wins */
	head = test_attrs(msg, &len);
	assert_int_equal(nlc_attrs_index(tb, 3, head, len), 0);
	assert_int_equal(nlc_attr_u64(tb[1], &v64), 0);
	assert_true(v64 == 0x0102030405060708ULL);
	assert_int_equal(nlc_attr_u32(tb[2], &v32), 0);
	assert_int_equal(v32, 8);
	assert_string_equal(nlc_attr_str(tb[3]), "ab");
	assert_int_equal(nlc_attr_u32(tb[1], &v32), -EINVAL);
	assert_int_equal(nlc_attr_u64(tb[2], &v64), -EINVAL);
	assert_int_equal(nlc_attr_u8(tb[2], &v8), -EINVAL);
	assert_null(nlc_attr_str(NULL));
	/* a truncated stream */
	assert_int_equal(nlc_attrs_index(tb, 3, head, len - 2), -EINVAL);
	nlmsg_free(msg);

	/* strings: an empty payload and a missing NUL are no strings */
	msg = test_msg(1, 4096);
	nla_put(msg, 3, 0, NULL);
	nla_put(msg, 2, 2, "ab");
	nla_put(msg, 1, 1, "");
	head = test_attrs(msg, &len);
	assert_int_equal(nlc_attrs_index(tb, 3, head, len), 0);
	assert_null(nlc_attr_str(tb[3]));
	assert_null(nlc_attr_str(tb[2]));
	assert_string_equal(nlc_attr_str(tb[1]), "");
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_names_and_aliases),
		cmocka_unit_test(test_mask_str),
		cmocka_unit_test(test_fsid_len),
		cmocka_unit_test(test_ip_map_positive),
		cmocka_unit_test(test_ip_map_negative),
		cmocka_unit_test(test_missing_key_is_einval),
		cmocka_unit_test(test_unix_gid),
		cmocka_unit_test(test_unix_gid_negative_and_empty),
		cmocka_unit_test(test_unix_gid_nest_limit),
		cmocka_unit_test(test_split_when_full),
		cmocka_unit_test(test_emsgsize_exactly_at_the_edge),
		cmocka_unit_test(test_svc_export_full),
		cmocka_unit_test(test_svc_export_xprtsec_every_combination),
		cmocka_unit_test(test_svc_export_negative_has_no_xprtsec),
		cmocka_unit_test(test_svc_export_minimal_positive),
		cmocka_unit_test(test_svc_export_migrated_without_locations),
		cmocka_unit_test(test_svc_export_negative),
		cmocka_unit_test(test_expkey),
		cmocka_unit_test(test_many_entries_in_one_message),
		cmocka_unit_test(test_reqs_ip_map_and_gid),
		cmocka_unit_test(test_reqs_export_and_fh),
		cmocka_unit_test(test_reqs_malformed_are_skipped),
		cmocka_unit_test(test_req_format_too_small),
		cmocka_unit_test(test_set_reply),
		cmocka_unit_test(test_register_and_notify),
		cmocka_unit_test(test_attr_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
