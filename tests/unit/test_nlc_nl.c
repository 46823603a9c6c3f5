// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Extended-ack decoding (NLMSG_ERROR with and without NLM_F_CAPPED, the
 * error code a failed dump leaves in NLMSG_DONE) and the STATUS_GET reply
 * with its two printers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/netlink.h>

#include "nlc_test.h"
#include "nlc_nl.h"
#include "nlc_proto.h"
#include "nlc_status.h"

/*
 * An NLMSG_ERROR as netlink_ack() builds it: nlmsgerr, then unless capped
 * the request's payload (orig_len bytes, padded), then the TLVs.
 */
static struct nl_msg *error_msg(int error, bool capped, bool tlvs, uint32_t orig_len,
				const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);
	struct nlmsgerr e = { .error = error };
	unsigned char orig[64];

	assert_non_null(msg);
	assert_true(orig_len <= sizeof(orig));
	memset(orig, 0xaa, sizeof(orig));
	e.msg.nlmsg_len = NLMSG_HDRLEN + orig_len;
	e.msg.nlmsg_type = 0x20;
	e.msg.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	assert_non_null(nlmsg_put(msg, 0, 1, NLMSG_ERROR, 0,
				  (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0)));
	assert_int_equal(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped && orig_len)
		assert_int_equal(nlmsg_append(msg, orig, orig_len, NLMSG_ALIGNTO), 0);
	if (tlvs) {
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
		if (text)
			nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	}
	return msg;
}

static void test_extack_uncapped(void **state)
{
	struct nl_msg *msg = error_msg(-EINVAL, false, true, 7, "fsid length does not match type");
	char text[NLC_EXTACK_MAX];
	int error;

	(void)state;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -EINVAL);
	assert_string_equal(text, "fsid length does not match type");
	nlmsg_free(msg);
}

static void test_extack_capped(void **state)
{
	struct nl_msg *msg = error_msg(-EBUSY, true, true, 40, "another daemon is registered");
	char text[NLC_EXTACK_MAX];
	int error;

	(void)state;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -EBUSY);
	assert_string_equal(text, "another daemon is registered");
	nlmsg_free(msg);
}

static void test_extack_absent(void **state)
{
	char text[NLC_EXTACK_MAX];
	struct nl_msg *msg;
	int error;

	(void)state;
	/* TLV bytes without NLM_F_ACK_TLVS are not TLVs */
	msg = error_msg(-EPERM, true, true, 0, "ignored");
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK_TLVS;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -EPERM);
	assert_string_equal(text, "");
	nlmsg_free(msg);

	/* TLVs but no message */
	msg = error_msg(-ENOENT, false, true, 12, NULL);
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -ENOENT);
	assert_string_equal(text, "");
	nlmsg_free(msg);

	/* an ack */
	msg = error_msg(0, true, false, 0, NULL);
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, 0);
	assert_string_equal(text, "");
	nlmsg_free(msg);
}

static void test_extack_truncates_and_normalises(void **state)
{
	struct nl_msg *msg = error_msg(EINVAL, true, true, 0, "a rather long message");
	char text[8];
	int error;

	(void)state;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -EINVAL);	/* a positive errno, made negative */
	assert_string_equal(text, "a rathe");
	nlmsg_free(msg);
}

static void test_extack_malformed(void **state)
{
	struct nl_msg *msg = error_msg(-EINVAL, true, true, 0, "x");
	char text[16];
	int error;

	(void)state;
	/* shorter than an nlmsgerr */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 8;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), -EINVAL);
	nlmsg_free(msg);

	/* not an error or done message */
	msg = nlmsg_alloc();
	assert_non_null(nlmsg_put(msg, 0, 1, 0x20, 4, 0));
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), -EINVAL);
	nlmsg_free(msg);

	/* a message TLV running past the end: ignored */
	msg = error_msg(-EINVAL, true, true, 0, "hello");
	nlmsg_hdr(msg)->nlmsg_len -= 4;
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_string_equal(text, "");
	nlmsg_free(msg);
}

static struct nl_msg *done_msg(int error, bool with_error, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(nlmsg_put(msg, 0, 1, NLMSG_DONE, 0,
				  NLM_F_MULTI | (text ? NLM_F_ACK_TLVS : 0)));
	if (with_error)
		assert_int_equal(nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	return msg;
}

static void test_done(void **state)
{
	char text[NLC_EXTACK_MAX];
	struct nl_msg *msg;
	int error;

	(void)state;
	msg = done_msg(-EPERM, true, "dump not allowed");
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, -EPERM);
	assert_string_equal(text, "dump not allowed");
	nlmsg_free(msg);

	msg = done_msg(0, true, NULL);
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, 0);
	nlmsg_free(msg);

	/* a bare DONE (no error code at all) ends a dump cleanly */
	msg = done_msg(0, false, NULL);
	assert_int_equal(nlc_extack_parse(nlmsg_hdr(msg), &error, text, sizeof(text)), 0);
	assert_int_equal(error, 0);
	nlmsg_free(msg);
}

/* --- status --------------------------------------------------------------------------------- */

static void put_u64_pad(struct nl_msg *msg, int pad, int type, uint64_t v)
{
	assert_int_equal(nla_put(msg, pad, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, type, v), 0);
}

static struct nl_msg *status_msg(void)
{
	struct nl_msg *msg = test_msg(NLCACHE_CMD_STATUS_GET, 8192);
	struct nlattr *n;

	nla_put_string(msg, NLCACHE_A_STATUS_VERSION, "0.1.0");
	nla_put_u32(msg, NLCACHE_A_STATUS_DAEMON_PORTID, 4242);
	nla_put_u32(msg, 99, 1);	/* newer than us: skipped */

	n = nla_nest_start(msg, NLCACHE_A_STATUS_CACHE);
	nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_TYPE, NLCACHE_CACHE_TYPE_IP_MAP);
	nla_put_string(msg, NLCACHE_A_CACHE_STATUS_NAME, "auth.unix.ip");
	nla_put_flag(msg, NLCACHE_A_CACHE_STATUS_ATTACHED);
	nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_PENDING, 2);
	/* both kinds of pad: type 0 and the set's own PAD */
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_OLDEST_MS, 1500);
	put_u64_pad(msg, NLCACHE_A_CACHE_STATUS_PAD, NLCACHE_A_CACHE_STATUS_UPCALLS, 12);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_NOTIFICATIONS, 11);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_REPLIES, 10);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_REJECTED, 1);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_FALLBACKS, 123456789012ULL);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_HANDED_BACK, 3);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_OVERFLOWS, 4);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_ADOPTED, 5);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_ANSWERED, 10);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_ANSWER_MS, 25);
	put_u64_pad(msg, 0, NLCACHE_A_CACHE_STATUS_ANSWER_MS_MAX, 9);
	nla_nest_end(msg, n);

	/* no name: the table's; counters absent: 0 */
	n = nla_nest_start(msg, NLCACHE_A_STATUS_CACHE);
	nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_TYPE, NLCACHE_CACHE_TYPE_EXPKEY);
	nla_put_u32(msg, NLCACHE_A_CACHE_STATUS_PENDING, 0);
	nla_nest_end(msg, n);
	return msg;
}

static void test_status_parse(void **state)
{
	struct nl_msg *msg = status_msg();
	struct nlc_status st;

	(void)state;
	assert_int_equal(nlc_status_parse(nlmsg_hdr(msg), &st), 0);
	assert_true(st.have_version);
	assert_string_equal(st.version, "0.1.0");
	assert_false(st.native);
	assert_int_equal(st.daemon_portid, 4242);
	assert_int_equal(st.ncaches, 2);
	assert_string_equal(st.caches[0].name, "auth.unix.ip");
	assert_int_equal(st.caches[0].type, 1);
	assert_true(st.caches[0].attached);
	assert_int_equal(st.caches[0].pending, 2);
	assert_int_equal(st.caches[0].oldest_ms, 1500);
	assert_int_equal(st.caches[0].upcalls, 12);
	assert_int_equal(st.caches[0].notifications, 11);
	assert_int_equal(st.caches[0].replies, 10);
	assert_int_equal(st.caches[0].rejected, 1);
	assert_true(st.caches[0].fallbacks == 123456789012ULL);
	assert_int_equal(st.caches[0].handed_back, 3);
	assert_int_equal(st.caches[0].overflows, 4);
	assert_int_equal(st.caches[0].adopted, 5);
	assert_int_equal(st.caches[0].answered, 10);
	assert_int_equal(st.caches[0].answer_ms, 25);
	assert_int_equal(st.caches[0].answer_ms_max, 9);
	assert_string_equal(st.caches[1].name, "nfsd.fh");
	assert_false(st.caches[1].attached);
	assert_int_equal(st.caches[1].upcalls, 0);
	nlmsg_free(msg);

	msg = test_msg(NLCACHE_CMD_STATUS_GET, 4096);
	nla_put_flag(msg, NLCACHE_A_STATUS_NATIVE);
	assert_int_equal(nlc_status_parse(nlmsg_hdr(msg), &st), 0);
	assert_true(st.native);
	assert_false(st.have_version);
	assert_int_equal(st.ncaches, 0);
	nla_put_u64(msg, NLCACHE_A_STATUS_DAEMON_PORTID, 1);	/* wrong size */
	assert_int_equal(nlc_status_parse(nlmsg_hdr(msg), &st), -EINVAL);
	nlmsg_free(msg);
}

static char *print(void (*fn)(FILE *, const struct nlc_status *), const struct nlc_status *st)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	fn(f, st);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_status_text(void **state)
{
	struct nl_msg *msg = status_msg();
	struct nlc_status st;
	char *out;

	(void)state;
	assert_int_equal(nlc_status_parse(nlmsg_hdr(msg), &st), 0);
	out = print(nlc_status_print_text, &st);
	assert_string_equal(out,
		"version: 0.1.0\n"
		"native: no\n"
		"daemon portid: 4242\n"
		"\n"
		"CACHE         ATTACHED  PENDING  OLDEST_MS  UPCALLS  NOTIFICATIONS  REPLIES  REJECTED     FALLBACKS  HANDED_BACK  OVERFLOWS  ADOPTED  ANSWERED  AVG_MS  MAX_MS\n"
		/* the average is rounded: 25 ms over 10 answers is 3 */
		"auth.unix.ip  yes             2       1500       12             11       10         1  123456789012            3          4        5        10       3       9\n"
		"nfsd.fh       no              0          0        0              0        0         0             0            0          0        0         0       0       0\n");
	free(out);
	nlmsg_free(msg);

	memset(&st, 0, sizeof(st));
	out = print(nlc_status_print_text, &st);
	assert_string_equal(out,
		"version: unknown\n"
		"native: no\n"
		"daemon portid: none\n"
		"\n"
		"CACHE  ATTACHED  PENDING  OLDEST_MS  UPCALLS  NOTIFICATIONS  REPLIES  REJECTED  FALLBACKS  HANDED_BACK  OVERFLOWS  ADOPTED  ANSWERED  AVG_MS  MAX_MS\n");
	free(out);
}

static void test_status_json(void **state)
{
	struct nl_msg *msg = status_msg();
	struct nlc_status st;
	char *out;

	(void)state;
	assert_int_equal(nlc_status_parse(nlmsg_hdr(msg), &st), 0);
	out = print(nlc_status_print_json, &st);
	assert_string_equal(out,
		"{\"version\":\"0.1.0\",\"native\":false,\"daemon_portid\":4242,\"caches\":["
		"{\"name\":\"auth.unix.ip\",\"type\":1,\"attached\":true,\"pending\":2,"
		"\"oldest_pending_ms\":1500,\"upcalls\":12,\"notifications\":11,\"replies\":10,"
		"\"rejected\":1,\"fallbacks\":123456789012,\"handed_back\":3,\"overflows\":4,\"adopted\":5,"
		"\"answered\":10,\"answer_ms_total\":25,\"answer_ms_max\":9},"
		"{\"name\":\"nfsd.fh\",\"type\":8,\"attached\":false,\"pending\":0,"
		"\"oldest_pending_ms\":0,\"upcalls\":0,\"notifications\":0,\"replies\":0,"
		"\"rejected\":0,\"fallbacks\":0,\"handed_back\":0,\"overflows\":0,\"adopted\":0,"
		"\"answered\":0,\"answer_ms_total\":0,\"answer_ms_max\":0}]}\n");
	free(out);
	nlmsg_free(msg);

	memset(&st, 0, sizeof(st));
	st.native = true;
	out = print(nlc_status_print_json, &st);
	assert_string_equal(out,
		"{\"version\":null,\"native\":true,\"daemon_portid\":0,\"caches\":[]}\n");
	free(out);
}

static void test_json_string(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	(void)state;
	assert_non_null(f);
	nlc_json_string(f, "a\"b\\c\nd\te\x01" "f\x7f" "caf\xc3\xa9");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007fcaf\xc3\xa9\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extack_uncapped),
		cmocka_unit_test(test_extack_capped),
		cmocka_unit_test(test_extack_absent),
		cmocka_unit_test(test_extack_truncates_and_normalises),
		cmocka_unit_test(test_extack_malformed),
		cmocka_unit_test(test_done),
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_json_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
