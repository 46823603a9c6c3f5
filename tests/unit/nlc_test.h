/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Helpers for the netlink attribute-level tests: build a genl message in
 * memory and look at its attributes with libnl's own parsers, so the
 * encoders are checked by code other than their own.
 */
#ifndef NLC_TEST_H
#define NLC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#define TEST_FAMILY 0x20

static inline struct nl_msg *test_msg(uint8_t cmd, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, TEST_FAMILY, 0, 0, cmd, 1));
	return msg;
}

static inline struct nlattr *test_attrs(struct nl_msg *msg, int *len)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));

	*len = genlmsg_attrlen(g, 0);
	return genlmsg_attrdata(g, 0);
}

/* The message's only top-level attribute, which must be of type. */
static inline struct nlattr *test_only(struct nl_msg *msg, int type)
{
	struct nlattr *a, *found = NULL;
	int len, rem, n = 0;

	nla_for_each_attr(a, test_attrs(msg, &len), len, rem) {
		found = a;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(nla_type(found), type);
	return found;
}

/* The nth (from 0) attribute of type inside nest; NULL if none. */
static inline struct nlattr *test_find(struct nlattr *nest, int type, int nth)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == type && nth-- == 0)
			return a;
	return NULL;
}

static inline int test_count(struct nlattr *nest, int type)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		if (type < 0 || nla_type(a) == type)
			n++;
	return n;
}

static inline uint32_t test_u32(struct nlattr *a)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	return nla_get_u32(a);
}

static inline uint64_t test_u64(struct nlattr *a)
{
	uint64_t v;

	assert_non_null(a);
	assert_int_equal(nla_len(a), 8);
	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static inline const char *test_str(struct nlattr *a)
{
	assert_non_null(a);
	assert_true(nla_len(a) >= 1);
	/* NLA_NUL_STRING: the NUL is part of the payload. */
	assert_int_equal(((const char *)nla_data(a))[nla_len(a) - 1], '\0');
	return nla_data(a);
}

static inline uint32_t test_msg_len(struct nl_msg *msg)
{
	return nlmsg_hdr(msg)->nlmsg_len;
}

#endif /* NLC_TEST_H */
